//! Argument typing: which Rust type each argument of each method gets.
//!
//! The reference data gives argument names for every method but types only for the 174
//! methods of the OpenAPI document, so most of the typing is by name. The rules are tables,
//! tried in order; the first that matches wins:
//!
//! 1. [`OVERRIDES`]: a method (or a family prefix ending in `.`) and an argument with a type of
//!    its own: closed sets (`crate::api::enums`) and arguments whose encoding differs from
//!    other arguments of the same name (`users` of `calls.add` is a JSON list of objects, not
//!    a comma-separated list of IDs).
//! 2. Wire forms the data states in words: a file ([`FILE_ARGS`], or a description saying
//!    `multipart/form-data`) → `FileArg`; stringified JSON ([`JSON_STRINGS`], or a description
//!    saying "stringified") → `JsonArg` sent as its JSON text; a time given as a Unix time or in
//!    words (a description naming both "unix" and "natural language") → `TimeArg`; a Unix time
//!    (a description saying "unix timestamp"/"unix epoch", whatever the OpenAPI type) → `i64`.
//! 3. The OpenAPI type: `boolean` → `bool`; `integer` → `u32` for [`COUNTS`], else `i64`.
//!    (`number`, which the document uses for message timestamps, is not trusted: a float would
//!    lose digits of `"1503435956.000247"`.)
//! 4. JSON: [`JSON_ARGS`], or an OpenAPI description that mentions JSON → `JsonArg`.
//! 5. Flags: [`BOOL_ARGS`], or a [`BOOL_PREFIXES`] prefix (not on an `*_id`/`*_ids`) → `bool`.
//! 6. Numbers: [`COUNTS`] → `u32`, [`INTEGERS`] → `i64`, [`SIZES`] → `u64`.
//! 7. Lists: [`COMMA_LISTS`], an `*_ids` suffix, or an OpenAPI description saying "comma
//!    separated" → `Vec<String>` sent as one comma-separated string.
//! 8. Anything else is a `String`.
//!
//! Each type has one wire form ([`ArgType::wire_form`]), emitted as the method table's
//! `WIRE_FORMS` and checked, argument by argument, by a generated test over every method.
//! Secret arguments ([`SECRET_ARGS`]) are redacted in the requests' `Debug`.
//!
//! Where the data is silent, the encodings follow what Python's `slack_sdk` sends (it joins
//! lists with commas and `json.dumps` objects).

use crate::data::Method;

/// The Rust type of an argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgType {
    /// `String`.
    Str,
    /// `bool`.
    Bool,
    /// `u32`: limits, counts and pages.
    U32,
    /// `u64`: sizes in bytes.
    U64,
    /// `i64`: Unix times, durations and other integers.
    I64,
    /// `crate::api::JsonArg`: an object or array, set from any `Serialize` value.
    Json,
    /// `Vec<String>` sent as one comma-separated string.
    List,
    /// `Vec<String>` sent as a JSON array of strings.
    JsonList,
    /// A closed set: the enum's path.
    Enum(&'static str),
    /// A comma-separated list of a closed set: the enum's path.
    EnumList(&'static str),
    /// `crate::request::FileArg`: a file part of a `multipart/form-data` body.
    File,
    /// `crate::api::JsonArg` sent as its JSON text (Slack's "stringified JSON").
    JsonString,
    /// `crate::api::TimeArg`: a Unix time (a JSON number) or a time in words.
    Time,
}

impl ArgType {
    /// The field's type (inside the `Option` for optional arguments).
    pub fn field_type(self) -> String {
        match self {
            ArgType::Str => "String".into(),
            ArgType::Bool => "bool".into(),
            ArgType::U32 => "u32".into(),
            ArgType::U64 => "u64".into(),
            ArgType::I64 => "i64".into(),
            ArgType::Json => "crate::api::JsonArg".into(),
            ArgType::List | ArgType::JsonList => "Vec<String>".into(),
            ArgType::Enum(e) => e.into(),
            ArgType::EnumList(e) => format!("Vec<{e}>"),
            ArgType::File => "crate::request::FileArg".into(),
            ArgType::JsonString => "crate::api::JsonArg".into(),
            ArgType::Time => "crate::api::TimeArg".into(),
        }
    }

    /// The `crate::request::WireForm` variant: how the argument travels.
    pub fn wire_form(self) -> &'static str {
        match self {
            ArgType::Str | ArgType::Enum(_) => "Text",
            ArgType::Bool => "Bool",
            ArgType::U32 | ArgType::U64 | ArgType::I64 => "Integer",
            ArgType::Json => "Json",
            ArgType::List | ArgType::EnumList(_) => "CommaList",
            ArgType::JsonList => "JsonList",
            ArgType::File => "File",
            ArgType::JsonString => "JsonString",
            ArgType::Time => "IntegerOrText",
        }
    }

    /// The wire form in words, for the generated docs.
    pub fn wire_doc(self) -> &'static str {
        match self {
            ArgType::Str | ArgType::Enum(_) => "text",
            ArgType::Bool => "`true` or `false`",
            ArgType::U32 | ArgType::U64 | ArgType::I64 => "an integer",
            ArgType::Json => "JSON (nested in a JSON body, a JSON string in a form)",
            ArgType::List | ArgType::EnumList(_) => "one comma-separated string",
            ArgType::JsonList => "a JSON array of strings",
            ArgType::File => "a `multipart/form-data` file part (bytes, a path or an `AsyncRead`)",
            ArgType::JsonString => {
                "stringified JSON: a string holding the value's JSON text, in a form and inside a JSON body (a string is sent as it is)"
            }
            ArgType::Time => "an integer (a Unix time) or Slack's textual form (`\"in 5 minutes\"`)",
        }
    }

    /// A short name of the kind, for summaries.
    pub fn kind(self) -> &'static str {
        match self {
            ArgType::Str => "string",
            ArgType::Bool => "bool",
            ArgType::U32 | ArgType::U64 | ArgType::I64 => "integer",
            ArgType::Json => "json",
            ArgType::List => "comma list",
            ArgType::JsonList => "json list",
            ArgType::Enum(_) => "enum",
            ArgType::EnumList(_) => "enum list",
            ArgType::File => "file",
            ArgType::JsonString => "stringified json",
            ArgType::Time => "time",
        }
    }
}

const CONVERSATION_TYPE: &str = "crate::api::enums::ConversationType";

/// Rule 1: (method, or family prefix ending in `.`; argument; type).
pub const OVERRIDES: &[(&str, &str, ArgType)] = &[
    // Closed sets.
    (
        "conversations.list",
        "types",
        ArgType::EnumList(CONVERSATION_TYPE),
    ),
    (
        "users.conversations",
        "types",
        ArgType::EnumList(CONVERSATION_TYPE),
    ),
    (
        "users.setPresence",
        "presence",
        ArgType::Enum("crate::api::enums::Presence"),
    ),
    (
        "chat.",
        "parse",
        ArgType::Enum("crate::api::enums::ParseMode"),
    ),
    (
        "search.",
        "sort_dir",
        ArgType::Enum("crate::api::enums::SortDirection"),
    ),
    (
        "search.",
        "sort",
        ArgType::Enum("crate::api::enums::SearchSort"),
    ),
    // JSON where the same name is plain elsewhere.
    ("files.completeUploadExternal", "files", ArgType::Json),
    // Unix times the document types as `number` (a float would be wrong on the wire).
    ("chat.scheduledMessages.list", "latest", ArgType::I64),
    ("chat.scheduledMessages.list", "oldest", ArgType::I64),
    (
        "conversations.requestSharedInvite.approve",
        "message",
        ArgType::Json,
    ),
    // Arrays of strings that travel as JSON arrays, not comma-separated.
    ("slackLists.access.delete", "channel_ids", ArgType::JsonList),
    ("slackLists.access.delete", "user_ids", ArgType::JsonList),
    ("slackLists.access.set", "channel_ids", ArgType::JsonList),
    ("slackLists.access.set", "user_ids", ArgType::JsonList),
    ("slackLists.items.deleteMultiple", "ids", ArgType::JsonList),
    ("apps.datastore.bulkDelete", "ids", ArgType::JsonList),
    ("apps.datastore.bulkGet", "ids", ArgType::JsonList),
    (
        "assistant.threads.setStatus",
        "loading_messages",
        ArgType::JsonList,
    ),
];

/// Rule 2: file arguments the descriptions do not mark `multipart/form-data`
/// (method or family prefix ending in `.`, argument).
pub const FILE_ARGS: &[(&str, &str)] = &[
    // "A text file (txt, pdf, doc, etc.) containing textual search terms".
    ("files.remote.", "indexable_file_contents"),
];

/// Rule 2: stringified-JSON arguments the descriptions do not call "stringified": the Calls
/// API documents `users` as "a JSON string" of user objects (docs.slack.dev/apis/calls).
pub const JSON_STRINGS: &[(&str, &str)] = &[
    ("calls.add", "users"),
    ("calls.participants.add", "users"),
    ("calls.participants.remove", "users"),
];

/// Secret arguments, shown as `<redacted>` in the requests' `Debug` (the same names as
/// `slack_core::request::SECRET_ARGS`).
pub const SECRET_ARGS: &[&str] = &[
    "action_token",
    "client_secret",
    "code",
    "code_verifier",
    "refresh_token",
    "token",
];

/// Whether argument `arg` is a secret.
pub fn is_secret(arg: &str) -> bool {
    SECRET_ARGS.contains(&arg)
}

/// Secret response fields, by method: their values show as `<redacted>` in the generated
/// responses' `Debug`. A websocket URL carries a session ticket (RTM in its path, Socket
/// Mode in its query): whoever reads it from a log can open the session; the OAuth,
/// OpenID and tooling answers carry tokens. Only top-level fields are covered: nested
/// tokens (`authed_user.access_token`) are in shared nested types and still print. A method listed
/// here with no sample or schema still gets a struct, with just these fields typed, so that
/// its `Debug` can redact them. Hand-written responses (`rtm.connect`) redact the same
/// fields by hand; a test in `slack-core` checks every method listed here.
pub const SECRET_RESPONSE_FIELDS: &[(&str, &str)] = &[
    ("apps.connections.open", "url"),
    ("apps.manifest.create", "credentials"),
    ("oauth.access", "access_token"),
    ("oauth.v2.access", "access_token"),
    ("oauth.v2.access", "refresh_token"),
    ("oauth.v2.exchange", "access_token"),
    ("oauth.v2.exchange", "refresh_token"),
    ("openid.connect.token", "access_token"),
    ("openid.connect.token", "id_token"),
    ("openid.connect.token", "refresh_token"),
    ("rtm.connect", "url"),
    ("rtm.start", "url"),
    ("tooling.tokens.rotate", "refresh_token"),
    ("tooling.tokens.rotate", "token"),
];

/// The secret response fields of `method` (wire names).
pub fn secret_response_fields(method: &str) -> Vec<&'static str> {
    SECRET_RESPONSE_FIELDS
        .iter()
        .filter(|(m, _)| *m == method)
        .map(|(_, f)| *f)
        .collect()
}

/// Rule 4: arguments that are JSON objects or arrays.
pub const JSON_ARGS: &[&str] = &[
    "actions",
    "attachments",
    "blocks",
    "cells",
    "changes",
    "chunks",
    "comments",
    "criteria",
    "description_blocks",
    "dialog",
    "document_content",
    "domain_restrictions",
    "expression_attributes",
    "expression_values",
    "fields",
    "initial_fields",
    "inputs",
    "item",
    "items",
    "manifest",
    "metadata",
    "options",
    "outputs",
    "prefs",
    "profile",
    "prompts",
    "schema",
    "steps_to_update",
    "unfurled_attachments",
    "unfurls",
    "user_auth_blocks",
    "view",
];

/// Rule 4: flags by name.
pub const BOOL_ARGS: &[&str] = &[
    "allow_child_auto_install",
    "archived",
    "as_user",
    "auto_provision",
    "batch_presence_aware",
    "can_post_comment",
    "certified",
    "desktop_app_browser_quit",
    "disable_semantic_search",
    "email_password_policy_enabled",
    "enable_section",
    "exclude",
    "external_limited",
    "force",
    "force_refresh",
    "free_trial_accepted",
    "full",
    "highlight",
    "inclusive",
    "invite_object_team",
    "link_names",
    "metadata_only",
    "mobile_only",
    "mpim_aware",
    "mrkdwn",
    "no_collaborators",
    "no_latest",
    "no_unreads",
    "org_channel",
    "org_wide",
    "presence_sub",
    "prevent_creation",
    "reply_broadcast",
    "resend",
    "return_im",
    "show_files_hidden_by_limit",
    "simple_latest",
    "single_channel",
    "test",
    "to_old",
    "todo_mode",
    "total_count_only",
    "user_auth_required",
    "web_only",
];

/// Rule 4: flags by prefix (`include_locale`, `is_private`, `unfurl_links`, …).
pub const BOOL_PREFIXES: &[&str] = &[
    "include_", "exclude_", "is_", "has_", "unfurl_", "skip_", "only_",
];

/// Rules 2 and 5: small non-negative integers.
pub const COUNTS: &[&str] = &[
    "count",
    "crop_w",
    "crop_x",
    "crop_y",
    "limit",
    "max_member_count",
    "max_workflow_triggers",
    "num_minutes",
    "num_trigger_ids",
    "page",
];

/// Rule 5: other integers (Unix times in seconds, durations, numeric IDs).
pub const INTEGERS: &[&str] = &[
    "after",
    "before",
    "date_end_of_support",
    "date_sessions_started",
    "date_start",
    "duration",
    "duration_days",
    "expiration_ts",
    "last_message_activity_before",
    "max_date_created",
    "min_date_created",
    "post_at",
    "session_id",
];

/// Rule 5: sizes in bytes.
pub const SIZES: &[&str] = &["length"];

/// Rule 6: comma-separated lists by name (besides every `*_ids`).
pub const COMMA_LISTS: &[&str] = &[
    "additional_channels",
    "bot_scopes",
    "channel_types",
    "channels",
    "content_types",
    "emails",
    "restricted_subjects",
    "scopes",
    "search_channel_types",
    "slack_connect_pref_filter",
    "types",
    "user_scopes",
    "users",
    "workspace_filter",
];

/// Whether a method matches a pattern of [`OVERRIDES`]: the exact name, or a family prefix
/// ending in `.`.
fn matches_method(pattern: &str, method: &str) -> bool {
    if pattern.ends_with('.') {
        method.starts_with(pattern)
    } else {
        method == pattern
    }
}

/// The type of argument `arg` of method `m`.
pub fn arg_type(m: &Method, arg: &str) -> ArgType {
    if let Some((_, _, t)) = OVERRIDES
        .iter()
        .find(|(pattern, a, _)| *a == arg && matches_method(pattern, &m.name))
    {
        return *t;
    }
    let (openapi_type, description) = m
        .params
        .get(arg)
        .map(|p| (p.kind.as_str(), p.description.to_ascii_lowercase()))
        .unwrap_or(("", String::new()));
    let listed = |table: &[(&str, &str)]| {
        table
            .iter()
            .any(|(pattern, a)| *a == arg && matches_method(pattern, &m.name))
    };
    if listed(FILE_ARGS) || description.contains("multipart/form-data") {
        return ArgType::File;
    }
    if listed(JSON_STRINGS) || description.contains("stringified") {
        return ArgType::JsonString;
    }
    if description.contains("unix") && description.contains("natural language") {
        return ArgType::Time;
    }
    if description.contains("unix timestamp") || description.contains("unix epoch") {
        return ArgType::I64;
    }
    match openapi_type {
        "boolean" => return ArgType::Bool,
        "integer" if COUNTS.contains(&arg) => return ArgType::U32,
        "integer" => return ArgType::I64,
        _ => {}
    }
    if JSON_ARGS.contains(&arg) || description.contains("json") {
        return ArgType::Json;
    }
    let is_id = arg.ends_with("_id") || arg.ends_with("_ids");
    if BOOL_ARGS.contains(&arg) || (BOOL_PREFIXES.iter().any(|p| arg.starts_with(p)) && !is_id) {
        return ArgType::Bool;
    }
    if COUNTS.contains(&arg) {
        return ArgType::U32;
    }
    if INTEGERS.contains(&arg) {
        return ArgType::I64;
    }
    if SIZES.contains(&arg) {
        return ArgType::U64;
    }
    if COMMA_LISTS.contains(&arg)
        || arg.ends_with("_ids")
        || description.contains("comma separated")
        || description.contains("comma-separated")
    {
        return ArgType::List;
    }
    ArgType::Str
}

/// The order of required arguments in `new(..)`: where (channel, user), which message (ts),
/// then the rest as the documentation lists them.
pub fn constructor_order(required: &[String]) -> Vec<String> {
    const FIRST: &[&str] = &["channel", "channel_id", "user", "ts", "timestamp"];
    let mut out: Vec<String> = FIRST
        .iter()
        .filter(|f| required.iter().any(|r| r == *f))
        .map(|f| (*f).to_owned())
        .collect();
    out.extend(
        required
            .iter()
            .filter(|r| !FIRST.contains(&r.as_str()))
            .cloned(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Param;

    fn method(name: &str) -> Method {
        Method {
            name: name.into(),
            verb: "POST".into(),
            ..Method::default()
        }
    }

    fn with_param(name: &str, arg: &str, kind: &str, description: &str) -> Method {
        let mut m = method(name);
        m.params.insert(
            arg.into(),
            Param {
                kind: kind.into(),
                description: description.into(),
            },
        );
        m
    }

    #[test]
    fn openapi_types_come_first() {
        let m = with_param("x.y", "limit", "integer", "");
        assert_eq!(arg_type(&m, "limit"), ArgType::U32);
        let m = with_param("x.y", "date_start", "integer", "");
        assert_eq!(arg_type(&m, "date_start"), ArgType::I64);
        let m = with_param("x.y", "single_channel", "boolean", "");
        assert_eq!(arg_type(&m, "single_channel"), ArgType::Bool);
        // Timestamps stay strings whatever the document says.
        let m = with_param("chat.delete", "ts", "number", "");
        assert_eq!(arg_type(&m, "ts"), ArgType::Str);
    }

    #[test]
    fn json_by_name_or_description() {
        assert_eq!(
            arg_type(&method("chat.postMessage"), "blocks"),
            ArgType::Json
        );
        assert_eq!(arg_type(&method("views.open"), "view"), ArgType::Json);
        assert_eq!(
            arg_type(&method("files.completeUploadExternal"), "files"),
            ArgType::Json
        );
        let m = with_param(
            "workflows.stepFailed",
            "error",
            "string",
            "A JSON-based object",
        );
        assert_eq!(arg_type(&m, "error"), ArgType::Json);
        assert_eq!(arg_type(&method("api.test"), "error"), ArgType::Str);
        assert_eq!(arg_type(&method("calls.add"), "users"), ArgType::JsonString);
        let m = with_param(
            "admin.conversations.setConversationPrefs",
            "prefs",
            "string",
            "The prefs for this channel in a stringified JSON format.",
        );
        assert_eq!(arg_type(&m, "prefs"), ArgType::JsonString);
    }

    #[test]
    fn files_and_times_from_descriptions() {
        let m = with_param(
            "files.remote.add",
            "preview_image",
            "string",
            "Preview of the document via `multipart/form-data`.",
        );
        assert_eq!(arg_type(&m, "preview_image"), ArgType::File);
        assert_eq!(
            arg_type(&method("files.remote.update"), "indexable_file_contents"),
            ArgType::File
        );
        assert_eq!(arg_type(&method("files.remote.info"), "file"), ArgType::Str);
        let m = with_param(
            "reminders.add",
            "time",
            "string",
            "When: the Unix timestamp, the number of seconds, or a natural language description",
        );
        assert_eq!(arg_type(&m, "time"), ArgType::Time);
        let m = with_param(
            "chat.scheduleMessage",
            "post_at",
            "string",
            "Unix EPOCH timestamp",
        );
        assert_eq!(arg_type(&m, "post_at"), ArgType::I64);
        let m = with_param(
            "x.y",
            "oldest",
            "number",
            "A UNIX timestamp of the oldest value",
        );
        assert_eq!(arg_type(&m, "oldest"), ArgType::I64);
        assert!(is_secret("client_secret") && is_secret("code") && !is_secret("client_id"));
    }

    #[test]
    fn flags_and_numbers_by_name() {
        let m = method("conversations.history");
        assert_eq!(arg_type(&m, "inclusive"), ArgType::Bool);
        assert_eq!(arg_type(&m, "include_all_metadata"), ArgType::Bool);
        assert_eq!(arg_type(&m, "limit"), ArgType::U32);
        assert_eq!(arg_type(&m, "latest"), ArgType::Str);
        assert_eq!(arg_type(&m, "cursor"), ArgType::Str);
        assert_eq!(arg_type(&method("chat.unfurl"), "unfurl_id"), ArgType::Str);
        assert_eq!(
            arg_type(&method("chat.postMessage"), "unfurl_links"),
            ArgType::Bool
        );
        assert_eq!(arg_type(&method("users.setPhoto"), "crop_x"), ArgType::U32);
        assert_eq!(
            arg_type(&method("chat.scheduleMessage"), "post_at"),
            ArgType::I64
        );
        assert_eq!(
            arg_type(&method("files.getUploadURLExternal"), "length"),
            ArgType::U64
        );
        assert_eq!(
            arg_type(&method("admin.users.invite"), "guest_expiration_ts"),
            ArgType::Str
        );
    }

    #[test]
    fn comma_lists() {
        assert_eq!(
            arg_type(&method("conversations.invite"), "users"),
            ArgType::List
        );
        assert_eq!(
            arg_type(&method("conversations.open"), "users"),
            ArgType::List
        );
        assert_eq!(
            arg_type(&method("usergroups.users.update"), "users"),
            ArgType::List
        );
        assert_eq!(arg_type(&method("files.upload"), "channels"), ArgType::List);
        assert_eq!(
            arg_type(&method("usergroups.update"), "channels"),
            ArgType::List
        );
        assert_eq!(
            arg_type(&method("admin.users.invite"), "channel_ids"),
            ArgType::List
        );
        assert_eq!(
            arg_type(&method("admin.roles.addAssignments"), "entity_ids"),
            ArgType::List
        );
        assert_eq!(arg_type(&method("files.list"), "types"), ArgType::List);
        let m = with_param(
            "apps.permissions.request",
            "scopes",
            "string",
            "A comma separated list",
        );
        assert_eq!(arg_type(&m, "scopes"), ArgType::List);
        assert_eq!(
            arg_type(&method("slackLists.access.set"), "user_ids"),
            ArgType::JsonList
        );
    }

    #[test]
    fn closed_sets() {
        assert_eq!(
            arg_type(&method("conversations.list"), "types"),
            ArgType::EnumList(CONVERSATION_TYPE)
        );
        assert_eq!(
            arg_type(&method("users.setPresence"), "presence"),
            ArgType::Enum("crate::api::enums::Presence")
        );
        assert_eq!(
            arg_type(&method("chat.update"), "parse"),
            ArgType::Enum("crate::api::enums::ParseMode")
        );
        assert_eq!(
            arg_type(&method("admin.conversations.search"), "sort"),
            ArgType::Str
        );
    }

    /// The rule tables against the vendored data: no rule names an argument the data lacks,
    /// and every argument the data describes as a file, as stringified JSON or as a secret
    /// gets that wire form.
    #[test]
    fn rule_tables_match_the_data() {
        let methods = crate::data::load(&crate::default_data_dir()).expect("data");
        let takes = |pattern: &str, arg: &str| {
            methods
                .iter()
                .any(|m| matches_method(pattern, &m.name) && m.takes(arg))
        };
        for (pattern, arg) in FILE_ARGS.iter().chain(JSON_STRINGS) {
            assert!(takes(pattern, arg), "stale rule: {pattern} {arg}");
        }
        for (pattern, arg, _) in OVERRIDES {
            assert!(takes(pattern, arg), "stale override: {pattern} {arg}");
        }
        let mut files = Vec::new();
        let mut json_strings = Vec::new();
        for m in &methods {
            for arg in m.required.iter().chain(&m.optional) {
                let ty = arg_type(m, arg);
                let description = m
                    .params
                    .get(arg)
                    .map(|p| p.description.to_ascii_lowercase())
                    .unwrap_or_default();
                if description.contains("multipart/form-data") {
                    assert_eq!(ty, ArgType::File, "{} {arg}", m.name);
                }
                if description.contains("stringified") {
                    assert_eq!(ty, ArgType::JsonString, "{} {arg}", m.name);
                }
                let secret_like = arg.contains("secret")
                    || arg == "code"
                    || arg.starts_with("code_")
                    || (arg.ends_with("token") && !arg.ends_with("_token_id"));
                assert_eq!(is_secret(arg), secret_like, "{} {arg}: secret?", m.name);
                match ty {
                    ArgType::File => files.push(format!("{} {arg}", m.name)),
                    ArgType::JsonString => json_strings.push(format!("{} {arg}", m.name)),
                    _ => {}
                }
            }
        }
        assert_eq!(
            files,
            [
                "files.remote.add indexable_file_contents",
                "files.remote.add preview_image",
                "files.remote.update indexable_file_contents",
                "files.remote.update preview_image",
                "files.upload file",
                "users.setPhoto image",
            ]
        );
        assert_eq!(
            json_strings,
            [
                "admin.conversations.setConversationPrefs prefs",
                "calls.add users",
                "calls.participants.add users",
                "calls.participants.remove users",
            ]
        );
        // Core redacts the same names in `Args`' `Debug`.
        let request = std::fs::read_to_string(crate::workspace_root().join("core/src/request.rs"))
            .expect("core/src/request.rs");
        let core_list = request
            .split("pub const SECRET_ARGS: &[&str] = &[")
            .nth(1)
            .and_then(|rest| rest.split("];").next())
            .expect("SECRET_ARGS in core/src/request.rs");
        let core_names: Vec<&str> = core_list
            .split(',')
            .map(|n| n.trim().trim_matches('"'))
            .filter(|n| !n.is_empty())
            .collect();
        assert_eq!(core_names, SECRET_ARGS);
    }

    #[test]
    fn field_types() {
        assert_eq!(ArgType::List.field_type(), "Vec<String>");
        assert_eq!(
            ArgType::EnumList(CONVERSATION_TYPE).field_type(),
            "Vec<crate::api::enums::ConversationType>"
        );
        assert_eq!(ArgType::Json.field_type(), "crate::api::JsonArg");
    }

    #[test]
    fn constructor_puts_location_first() {
        let req = ["name", "timestamp", "channel"].map(String::from);
        assert_eq!(constructor_order(&req), ["channel", "timestamp", "name"]);
    }
}
