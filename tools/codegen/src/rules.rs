//! The rules that turn Slack's facts into Rust: names, argument types, idempotency,
//! pagination fields and replacements of retired methods. Kept as tables.

use crate::data::Method;

/// Replacement of a deprecated or retired method.
pub fn replacement(name: &str) -> Option<&'static str> {
    const FIXED: &[(&str, &str)] = &[
        ("files.upload", "files.getUploadURLExternal"),
        ("rtm.start", "rtm.connect"),
        ("groups.createChild", "conversations.create"),
        ("groups.open", "conversations.open"),
        ("im.open", "conversations.open"),
        ("mpim.open", "conversations.open"),
        ("im.close", "conversations.close"),
        ("mpim.close", "conversations.close"),
        ("im.list", "conversations.list"),
        ("mpim.list", "conversations.list"),
        ("channels.list", "conversations.list"),
        ("groups.list", "conversations.list"),
        ("channels.setPurpose", "conversations.setPurpose"),
        ("groups.setPurpose", "conversations.setPurpose"),
        ("channels.setTopic", "conversations.setTopic"),
        ("groups.setTopic", "conversations.setTopic"),
    ];
    if let Some((_, r)) = FIXED.iter().find(|(m, _)| *m == name) {
        return Some(r);
    }
    let (family, method) = name.split_once('.')?;
    if !matches!(family, "channels" | "groups" | "im" | "mpim") {
        return None;
    }
    const SAME: &[&str] = &[
        "archive",
        "create",
        "history",
        "info",
        "invite",
        "join",
        "kick",
        "leave",
        "mark",
        "rename",
        "replies",
        "unarchive",
    ];
    SAME.iter().find(|m| **m == method).map(|m| match *m {
        "archive" => "conversations.archive",
        "create" => "conversations.create",
        "history" => "conversations.history",
        "info" => "conversations.info",
        "invite" => "conversations.invite",
        "join" => "conversations.join",
        "kick" => "conversations.kick",
        "leave" => "conversations.leave",
        "mark" => "conversations.mark",
        "rename" => "conversations.rename",
        "replies" => "conversations.replies",
        _ => "conversations.unarchive",
    })
}

/// Whether repeating the call is harmless.
pub fn idempotent(m: &Method) -> bool {
    const READ_PREFIXES: &[&str] = &[
        "list", "info", "history", "replies", "members", "get", "lookup", "test", "search",
        "check", "export",
    ];
    const ALWAYS: &[&str] = &[
        "conversations.open",
        "rtm.connect",
        "rtm.start",
        "api.test",
        "auth.test",
    ];
    if ALWAYS.contains(&m.name.as_str()) || m.name.starts_with("search.") || m.verb == "GET" {
        return true;
    }
    let last = m.name.rsplit('.').next().unwrap_or("");
    READ_PREFIXES.iter().any(|p| {
        last.strip_prefix(p).is_some_and(|rest| {
            rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_uppercase())
        })
    })
}

/// The response field holding a page's items.
pub fn items_field(m: &Method) -> Option<String> {
    const KNOWN: &[(&str, &str)] = &[
        ("conversations.list", "channels"),
        ("conversations.history", "messages"),
        ("conversations.replies", "messages"),
        ("conversations.members", "members"),
        ("users.list", "members"),
        ("users.conversations", "channels"),
        ("reactions.list", "items"),
        ("stars.list", "items"),
        ("files.remote.list", "files"),
        ("files.list", "files"),
        ("pins.list", "items"),
    ];
    if let Some((_, f)) = KNOWN.iter().find(|(n, _)| *n == m.name) {
        return Some((*f).to_owned());
    }
    match m.array_fields.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    }
}

/// Rust type of an argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgType {
    Str,
    Bool,
    U32,
    U64,
    I64,
    F64,
    Json,
    List,
    /// A closed set: the enum's path in `crate::api::enums`.
    Enum(&'static str),
    /// A list of a closed set.
    EnumList(&'static str),
}

impl ArgType {
    pub fn rust(self) -> &'static str {
        match self {
            ArgType::Str => "String",
            ArgType::Bool => "bool",
            ArgType::U32 => "u32",
            ArgType::U64 => "u64",
            ArgType::I64 => "i64",
            ArgType::F64 => "f64",
            ArgType::Json => "crate::api::JsonArg",
            ArgType::List => "Vec<String>",
            ArgType::Enum(e) => e,
            ArgType::EnumList(_) => "list",
        }
    }
}

/// Arguments with a closed set of values: (argument, method prefix, enum, list).
const ENUMS: &[(&str, &str, &str, bool)] = &[
    (
        "types",
        "conversations.list",
        "crate::api::enums::ConversationType",
        true,
    ),
    (
        "types",
        "users.conversations",
        "crate::api::enums::ConversationType",
        true,
    ),
    (
        "presence",
        "users.setPresence",
        "crate::api::enums::Presence",
        false,
    ),
    ("parse", "chat.", "crate::api::enums::ParseMode", false),
    (
        "sort_dir",
        "search.",
        "crate::api::enums::SortDirection",
        false,
    ),
    ("sort", "search.", "crate::api::enums::SearchSort", false),
];

/// The type of argument `arg` of `m`.
pub fn arg_type(m: &Method, arg: &str) -> ArgType {
    if let Some((_, _, e, list)) = ENUMS
        .iter()
        .find(|(a, p, _, _)| *a == arg && m.name.starts_with(p))
    {
        return if *list {
            ArgType::EnumList(e)
        } else {
            ArgType::Enum(e)
        };
    }
    const JSON: &[&str] = &[
        "blocks",
        "attachments",
        "unfurled_attachments",
        "view",
        "metadata",
        "profile",
        "unfurls",
        "user_auth_blocks",
        "prefs",
        "options",
        "outputs",
        "steps_to_update",
        "inputs",
        "entity_ids",
        "fields",
        "custom_fields",
    ];
    const LIST: &[&str] = &[
        "types",
        "user_ids",
        "channel_ids",
        "team_ids",
        "target_team_ids",
        "usergroup_ids",
    ];
    const BOOL: &[&str] = &[
        "as_user",
        "inclusive",
        "mrkdwn",
        "reply_broadcast",
        "link_names",
        "return_im",
        "prevent_creation",
        "exclude_archived",
        "hidden",
        "all_day",
        "force",
        "full",
        "is_private",
        "resolve_commands",
        "presence",
        "highlight",
        "sort_dir_asc",
    ];
    const U32: &[&str] = &[
        "limit",
        "count",
        "page",
        "crop_x",
        "crop_y",
        "crop_w",
        "num_minutes",
    ];
    let (oa_type, desc) = m
        .params
        .get(arg)
        .map(|(t, d)| (t.as_str(), d.to_ascii_lowercase()))
        .unwrap_or(("", String::new()));
    if arg == "files" && m.name == "files.completeUploadExternal" {
        return ArgType::Json;
    }
    if JSON.contains(&arg) {
        return ArgType::Json;
    }
    if arg == "length" {
        return ArgType::U64;
    }
    // Slack timestamps are strings on the wire ("1503435956.000247"): a float would lose
    // digits, whatever the OpenAPI document says.
    let ts_like = ["ts", "timestamp", "latest", "oldest", "ts_from", "ts_to"];
    if ts_like.contains(&arg) || (arg.ends_with("_ts") && arg != "expiration_ts") {
        return ArgType::Str;
    }
    if U32.contains(&arg) {
        return ArgType::U32;
    }
    match oa_type {
        "boolean" => return ArgType::Bool,
        "integer" => return ArgType::I64,
        "number" => return ArgType::F64,
        _ => {}
    }
    if (arg == "presence" && m.name != "users.setPresence")
        || (BOOL.contains(&arg) && arg != "presence")
    {
        return ArgType::Bool;
    }
    let bool_prefix = [
        "include_", "exclude_", "is_", "has_", "unfurl_", "skip_", "only_",
    ];
    if bool_prefix.iter().any(|p| arg.starts_with(p))
        && !arg.ends_with("_ids")
        && !arg.ends_with("_id")
    {
        return ArgType::Bool;
    }
    if LIST.contains(&arg) || desc.contains("comma separated") || desc.contains("comma-separated") {
        return ArgType::List;
    }
    ArgType::Str
}

/// Constructor order of required arguments: where, which message, then the rest as listed.
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

/// `postMessage` → `PostMessage`.
pub fn pascal(segment: &str) -> String {
    let mut c = segment.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop",
    "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return", "self",
    "static", "struct", "super", "trait", "true", "try", "type", "typeof", "unsafe", "unsized",
    "use", "virtual", "where", "while", "yield", "abstract", "become",
];

/// An identifier, raw when it is a keyword.
pub fn ident(name: &str) -> String {
    if KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_owned()
    }
}

/// Module path of a method: `admin.apps.approve` → `["admin", "apps"]`,
/// `chat.scheduledMessages.list` → `["chat", "scheduled_messages"]`.
pub fn module_path(name: &str) -> Vec<String> {
    let mut parts: Vec<String> = name.split('.').map(snake).collect();
    parts.pop();
    parts
}

/// `scheduledMessages` → `scheduled_messages`.
pub fn snake(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len() + 4);
    for (i, c) in segment.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Setter name for an argument (avoiding the request's own methods).
pub fn setter(arg: &str) -> String {
    match arg {
        "new" | "info" | "to_args" => format!("{arg}_arg"),
        other => ident(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn method(name: &str, verb: &str) -> Method {
        Method {
            name: name.into(),
            verb: verb.into(),
            ..Method::default()
        }
    }

    #[test]
    fn names() {
        assert_eq!(pascal("postMessage"), "PostMessage");
        assert_eq!(pascal("getPermalink"), "GetPermalink");
        assert_eq!(ident("type"), "r#type");
        assert_eq!(ident("channel"), "channel");
        assert_eq!(setter("new"), "new_arg");
        assert_eq!(
            module_path("admin.apps.approved.list"),
            ["admin", "apps", "approved"]
        );
        assert_eq!(
            module_path("chat.scheduledMessages.list"),
            ["chat", "scheduled_messages"]
        );
    }

    #[test]
    fn retired() {
        assert_eq!(
            replacement("channels.history"),
            Some("conversations.history")
        );
        assert_eq!(replacement("im.open"), Some("conversations.open"));
        assert_eq!(
            replacement("groups.createChild"),
            Some("conversations.create")
        );
        assert_eq!(replacement("chat.postMessage"), None);
    }

    #[test]
    fn idempotency() {
        assert!(idempotent(&method("conversations.history", "GET")));
        assert!(idempotent(&method("chat.getPermalink", "POST")));
        assert!(idempotent(&method("users.lookupByEmail", "POST")));
        assert!(!idempotent(&method("chat.postMessage", "POST")));
        assert!(!idempotent(&method("files.completeUploadExternal", "POST")));
        assert!(!idempotent(&method("reactions.add", "POST")));
        assert!(!idempotent(&method("users.listen", "POST")));
    }

    #[test]
    fn types() {
        let m = method("conversations.list", "GET");
        assert_eq!(arg_type(&m, "limit"), ArgType::U32);
        assert_eq!(arg_type(&m, "exclude_archived"), ArgType::Bool);
        assert_eq!(
            arg_type(&m, "types"),
            ArgType::EnumList("crate::api::enums::ConversationType")
        );
        assert_eq!(
            arg_type(&method("conversations.invite", "POST"), "types"),
            ArgType::List
        );
        assert_eq!(arg_type(&m, "cursor"), ArgType::Str);
        let mut del = method("chat.delete", "POST");
        del.params
            .insert("ts".into(), ("number".into(), String::new()));
        assert_eq!(arg_type(&del, "ts"), ArgType::Str);
        assert_eq!(
            arg_type(&method("chat.postMessage", "POST"), "blocks"),
            ArgType::Json
        );
        assert_eq!(
            arg_type(&method("files.completeUploadExternal", "POST"), "files"),
            ArgType::Json
        );
        assert_eq!(
            arg_type(&method("users.setPresence", "POST"), "presence"),
            ArgType::Enum("crate::api::enums::Presence")
        );
        assert_eq!(
            arg_type(&method("users.list", "GET"), "presence"),
            ArgType::Bool
        );
        assert_eq!(
            arg_type(&method("users.getPresence", "GET"), "include_locale"),
            ArgType::Bool
        );
    }

    #[test]
    fn order() {
        let req = ["name", "timestamp", "channel"].map(String::from);
        assert_eq!(constructor_order(&req), ["channel", "timestamp", "name"]);
    }
}
