//! The emulator checked against Slack's own documents, not only against our client.
//!
//! Every call-fixture file `tests/calls/*.json` runs on a fresh emulator, step by step, over
//! loopback. Each step's arguments must be documented arguments of its method (the method
//! table, `slack_core::method`), and every successful answer must match the method's
//! response schema in Slack's OpenAPI document (`tools/codegen/data/slack_web_openapi_v2.json`).
//! Methods that document has no schema for are held to Slack's recorded answers instead
//! (`tools/codegen/data/json-samples/api/<method>.json`): every field the emulator sends must
//! be one Slack has been seen to send. Every method the emulator models needs a step.
//!
//! # Fixture format
//!
//! ```json
//! {"steps": [
//!   {"method": "chat.postMessage", "as": "bot", "args": {"channel": "${channel:general}", "text": "hi"},
//!    "save": {"msg_ts": "/ts"}},
//!   {"method": "pins.add", "as": "user", "args": {"channel": "${channel:general}", "timestamp": "${msg_ts}"},
//!    "error": "already_pinned"}
//! ]}
//! ```
//!
//! - `method`: the Web API method; `args`: its arguments, sent as a form (strings as they
//!   are, numbers and booleans as text, arrays and objects as JSON text, as Slack's form
//!   encoding wants). `"body": "json"` sends them as a JSON body instead.
//! - `as`: `bot` (the bot token, the default), `user` (ada's user token), `app` (the
//!   app-level token), `none` (no token), or `token:<literal>`. The token goes in the
//!   `Authorization` header.
//! - `error`: the step expects `ok: false` with this code; otherwise it expects `ok: true`
//!   and the answer is checked against the schema.
//! - `save`: `{"name": "/json/pointer"}` keeps a value of the answer for later steps.
//! - Substitutions in any string of `args` (and in `upload`): `${name}` (a saved value; a
//!   string that is only `${name}` takes the saved JSON value as it is), `${channel:NAME}`,
//!   `${user:NAME}`, `${im}` (the seeded bot–ada IM), `${mpim}`, `${bot_user_id}`,
//!   `${bot_id}`, `${team_id}`, `${app_id}`, `${trigger_id}` (a fresh trigger id, as a
//!   click would issue, each time it is named) and `${event_context}` (an `event_context`
//!   of this workspace and app, as an event callback carries). `as` takes them too
//!   (`"as": "token:${rotated}"`).
//! - A step `{"upload": "${upload_url}", "content": "bytes"}` (no `method`) POSTs raw bytes
//!   to a URL, as a client does between `files.getUploadURLExternal` and
//!   `files.completeUploadExternal`; it expects HTTP 200.
//!
//! # The schema subset
//!
//! `$ref` (to `#/definitions/…`), `type` (a name or a list), `enum`, `pattern`, `properties`,
//! `required`, `additionalProperties` (boolean or schema), `items`, `minItems`,
//! `uniqueItems`, `anyOf`, `oneOf`, `allOf`. `format` and descriptive keywords are ignored.
//! Slack's document also writes `items: [A, B]` on a schema that is not an array to mean
//! "one of A or B" (`objs_conversation`, nullable `bot_id`); it is read that way.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use http::Method;
use serde_json::{Map, Value};
use slack_emulator::Emulator;

// ===== reference data =====

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the emulator is inside the workspace")
        .to_path_buf()
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn spec() -> Value {
    read_json(&repo_root().join("tools/codegen/data/slack_web_openapi_v2.json"))
}

/// The success schema of `method` in Slack's OpenAPI document.
fn success_schema<'a>(spec: &'a Value, method: &str) -> Option<&'a Value> {
    let path = spec.get("paths")?.get(format!("/{method}"))?;
    path.as_object()?
        .values()
        .find_map(|op| op.pointer("/responses/200/schema"))
}

/// Slack's recorded answer fields for `method` (`json-samples/api/<method>.json`), read
/// once.
fn sample(method: &str) -> Option<Arc<Value>> {
    static CACHE: Mutex<BTreeMap<String, Option<Arc<Value>>>> = Mutex::new(BTreeMap::new());
    let mut cache = CACHE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    cache
        .entry(method.to_owned())
        .or_insert_with(|| read_sample(method).map(Arc::new))
        .clone()
}

fn read_sample(method: &str) -> Option<Value> {
    let method = RECORDED_AS
        .iter()
        .find(|(m, _)| *m == method)
        .map_or(method, |(_, other)| *other);
    let path = repo_root()
        .join("tools/codegen/data/json-samples/api")
        .join(format!("{method}.json"));
    path.exists().then(|| read_json(&path))
}

/// Where Slack's document is known to be wrong or stale against what Slack really sends
/// (each checked against `json-samples`, which records real answers): failures of `method`
/// (`*`: any) at a JSON path (`*` matches any one segment) are not counted.
///
/// Fields the schema forbids (`additionalProperties: false`) need no entry when Slack's
/// recorded answers for the method hold them: the document is older than the recordings.
const ALLOWED: &[(&str, &str, &str)] = &[
    // `shares.public`/`shares.private` are keyed by channel id; the document gives them no
    // properties and forbids any (json-samples: `"shares": {"public": {"C03E94MKU": [...]}}`).
    ("*", "/file/shares/public/*", "keyed by channel id"),
    ("*", "/file/shares/private/*", "keyed by channel id"),
    ("*", "/files/*/shares/public/*", "keyed by channel id"),
    ("*", "/files/*/shares/private/*", "keyed by channel id"),
    // The minimal `conversations.open` channel is `{"id"}` with a `D…` id; for an MPIM
    // Slack answers its `G…`/`C…` id the same way.
    (
        "conversations.open",
        "/channel/id",
        "an MPIM id is not a D… id",
    ),
    // A broadcast thread reply carries `subtype: thread_broadcast` in replies too; the
    // reply schema and the (sparse) recording leave it out.
    (
        "conversations.replies",
        "/messages/*/subtype",
        "thread_broadcast replies",
    ),
    // reactions.get answers the whole message, as conversations.history does (which
    // records `edited` and `is_locked`); its own recording saw fewer messages.
    ("reactions.get", "/message/edited", "an edited message"),
    (
        "reactions.get",
        "/message/is_locked",
        "as conversations.replies records",
    ),
    // The emulator's `rtm.start` keeps the legacy `users` and `channels`; Slack's
    // recordings are of today's `rtm.connect`-like answer (see RECORDED_AS).
    ("rtm.start", "/users", "legacy rtm.start answer"),
    ("rtm.start", "/channels", "legacy rtm.start answer"),
    // The document wants `channels` + `next_cursor`; Slack answers `conversations` (its
    // recording), which the emulator sends.
    (
        "admin.conversations.search",
        "/channels",
        "stale schema: Slack answers `conversations`",
    ),
    // dnd.info's own recording is of a user without a snooze; Slack's snooze answers
    // (dnd.setSnooze, and the `dnd_status` of `dnd_updated`, which is dnd.info's shape)
    // record `snooze_is_indefinite` beside `snooze_endtime`.
    (
        "dnd.info",
        "/snooze_is_indefinite",
        "recorded in dnd_status",
    ),
    // Paginated by `cursor`; the recordings are single pages without `response_metadata`,
    // Slack's usual carrier of `next_cursor`.
    ("admin.barriers.list", "/response_metadata", "cursor paging"),
    (
        "admin.auth.policy.getEntities",
        "/response_metadata",
        "cursor paging",
    ),
    // Set by admin.apps.config.set's documented `rich_link_preview_type`; the recording
    // predates that argument.
    (
        "admin.apps.config.lookup",
        "/configs/*/rich_link_preview_type",
        "newer than the recording",
    ),
    // The recording is of an answer holding only `invalid_channel_ids`; the method's page
    // documents `featured_workflows` (one entry per channel with its triggers).
    (
        "workflows.featured.list",
        "/featured_workflows",
        "documented, not recorded",
    ),
    // pins.list and stars.list hold the message as posted; a bot's message carries the
    // `app_id` that chat.postMessage and conversations.history record. These two
    // recordings are of people's messages.
    ("pins.list", "/items/*/message/app_id", "a bot's message"),
    ("stars.list", "/items/*/message/app_id", "a bot's message"),
    // Cursor-paginated (its `cursor` argument is documented as the `next_cursor` of
    // `response_metadata`); the recording is a single page.
    (
        "conversations.requestSharedInvite.list",
        "/response_metadata",
        "cursor paging",
    ),
    // The recording is of an envelope only; Slack answers the stopped stream's `channel`
    // and `ts` (as startStream and appendStream record) and the finished `message`
    // (the official SDKs' ChatStopStreamResponse: channel, ts, message).
    ("chat.stopStream", "/channel", "stale recording"),
    ("chat.stopStream", "/ts", "stale recording"),
    ("chat.stopStream", "/message", "stale recording"),
];

/// Methods with neither a schema nor a recording (newer than both references), each with
/// the top-level answer fields its page on docs.slack.dev documents. Their answers are
/// held to `ok: true` and to those fields: one the emulator sends beyond them is a
/// failure. A method leaves this list once Slack's references cover it. The two newer bulk
/// methods answer `bulk_action_id` like the recorded `bulkArchive`/`bulkDelete`/`bulkMove`;
/// `getItem` answers the fields `updateItem` takes.
const DOCUMENTED_ONLY: &[(&str, &[&str])] = &[
    (
        "admin.audit.anomaly.allow.getItem",
        &["trusted_cidr", "trusted_asns"],
    ),
    ("admin.audit.anomaly.allow.updateItem", &[]),
    (
        "admin.conversations.bulkSetExcludeFromSlackAi",
        &["bulk_action_id"],
    ),
    ("admin.conversations.bulkSetProperties", &["bulk_action_id"]),
    ("admin.usergroups.removeTeams", &[]),
    ("agents.sessions.rename", &[]),
    ("agents.sessions.setStatus", &[]),
    ("apps.activities.list", &["activities", "response_metadata"]),
    ("apps.datastore.bulkDelete", &["datastore", "failed_items"]),
    (
        "apps.datastore.bulkGet",
        &["datastore", "items", "failed_items"],
    ),
    ("apps.datastore.bulkPut", &["datastore", "failed_items"]),
    ("apps.datastore.count", &["datastore", "count"]),
    ("apps.datastore.delete", &["datastore"]),
    ("apps.datastore.get", &["datastore", "item"]),
    ("apps.datastore.put", &["datastore", "item"]),
    (
        "apps.datastore.query",
        &["datastore", "items", "response_metadata"],
    ),
    ("apps.datastore.update", &["datastore", "item"]),
    ("apps.icon.set", &[]),
    ("apps.managed.permissions.set", &[]),
    (
        "assistant.search.context",
        &["results", "response_metadata"],
    ),
    ("assistant.search.info", &["is_ai_search_enabled"]),
    ("blocks.validate", &[]),
    // The example answer on its page: the query and one block per kind searched.
    ("search.all", &["query", "messages", "files", "posts"]),
    ("entity.acknowledgeCommentAction", &[]),
    ("entity.presentComments", &[]),
    (
        "workflows.triggers.permissions.add",
        &[
            "permission_type",
            "user_ids",
            "channel_ids",
            "team_ids",
            "org_ids",
        ],
    ),
    (
        "workflows.triggers.permissions.list",
        &[
            "permission_type",
            "user_ids",
            "channel_ids",
            "team_ids",
            "org_ids",
        ],
    ),
    (
        "workflows.triggers.permissions.remove",
        &[
            "permission_type",
            "user_ids",
            "channel_ids",
            "team_ids",
            "org_ids",
        ],
    ),
    (
        "workflows.triggers.permissions.set",
        &[
            "permission_type",
            "user_ids",
            "channel_ids",
            "team_ids",
            "org_ids",
        ],
    ),
];

/// Methods with neither a schema nor a recording of their own, checked against another
/// method's recording: Slack answers `rtm.start` as `rtm.connect` since 2022.
const RECORDED_AS: &[(&str, &str)] = &[("rtm.start", "rtm.connect")];

fn allowed(method: &str, path: &str) -> bool {
    let norm: String = path
        .split('/')
        .map(|seg| {
            if !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) {
                "*"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/");
    ALLOWED.iter().any(|(m, p, _)| {
        (*m == "*" || *m == method)
            && p.split('/').count() == norm.split('/').count()
            && p.split('/')
                .zip(norm.split('/'))
                .all(|(want, got)| want == "*" || want == got)
    })
}

// ===== the validator =====

/// One place where a value does not match its schema.
#[derive(Debug, Clone, PartialEq)]
struct Mismatch {
    /// JSON pointer into the value (`/channel/topic`).
    path: String,
    what: String,
}

/// A validator for the JSON Schema subset Slack's OpenAPI document uses.
struct Validator<'a> {
    definitions: &'a Value,
    /// Slack's recorded answer for the method being checked: a field the schema forbids
    /// is accepted where this holds it (see [`sample_has`]).
    sample: Option<Arc<Value>>,
    regexes: std::cell::RefCell<BTreeMap<String, regex::Regex>>,
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn has_type(v: &Value, ty: &str) -> bool {
    match ty {
        "number" => v.is_number(),
        "integer" => v.as_f64().is_some_and(|f| f.fract() == 0.0),
        other => type_name(v) == other,
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 80 {
        let cut: String = s.chars().take(77).collect();
        format!("{cut}...")
    } else {
        s
    }
}

impl<'a> Validator<'a> {
    fn new(spec: &'a Value) -> Self {
        Validator {
            definitions: spec.get("definitions").unwrap_or(&Value::Null),
            sample: None,
            regexes: Default::default(),
        }
    }

    fn resolve(&self, schema: &'a Value) -> Result<&'a Value, String> {
        let mut s = schema;
        for _ in 0..32 {
            match s.get("$ref").and_then(Value::as_str) {
                Some(r) => {
                    let name = r
                        .strip_prefix("#/definitions/")
                        .ok_or_else(|| format!("unsupported $ref {r}"))?;
                    s = self
                        .definitions
                        .get(name)
                        .ok_or_else(|| format!("dangling $ref {r}"))?;
                }
                None => return Ok(s),
            }
        }
        Err("$ref cycle".into())
    }

    fn matches_pattern(&self, pattern: &str, s: &str) -> Result<bool, String> {
        let mut cache = self.regexes.borrow_mut();
        if !cache.contains_key(pattern) {
            let re = regex::Regex::new(pattern).map_err(|e| format!("bad pattern: {e}"))?;
            cache.insert(pattern.to_owned(), re);
        }
        Ok(cache.get(pattern).is_some_and(|re| re.is_match(s)))
    }

    /// Every mismatch of `value` against `schema`.
    fn validate(&self, value: &Value, schema: &'a Value) -> Vec<Mismatch> {
        let mut out = Vec::new();
        self.check(value, schema, "", &mut out);
        out
    }

    fn check(&self, value: &Value, schema: &'a Value, path: &str, out: &mut Vec<Mismatch>) {
        let miss = |out: &mut Vec<Mismatch>, what: String| {
            out.push(Mismatch {
                path: if path.is_empty() {
                    "/".into()
                } else {
                    path.into()
                },
                what,
            })
        };
        let schema = match self.resolve(schema) {
            Ok(s) => s,
            Err(e) => return miss(out, e),
        };
        if let Some(ty) = schema.get("type") {
            let names: Vec<&str> = match ty {
                Value::String(t) => vec![t.as_str()],
                Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            if !names.is_empty() && !names.iter().any(|t| has_type(value, t)) {
                return miss(
                    out,
                    format!(
                        "expected {}, got {} {}",
                        names.join(" or "),
                        type_name(value),
                        short(value)
                    ),
                );
            }
        }
        if let Some(options) = schema.get("enum").and_then(Value::as_array) {
            if !options.contains(value) {
                miss(
                    out,
                    format!("{} is not one of {}", short(value), short(&schema["enum"])),
                );
            }
        }
        if let (Some(p), Some(s)) = (
            schema.get("pattern").and_then(Value::as_str),
            value.as_str(),
        ) {
            match self.matches_pattern(p, s) {
                Ok(true) => {}
                Ok(false) => miss(out, format!("{s:?} does not match pattern {p}")),
                Err(e) => miss(out, e),
            }
        }
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            for s in all {
                self.check(value, s, path, out);
            }
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(options) = schema.get(key).and_then(Value::as_array) {
                self.check_one_of(value, options, key == "oneOf", path, out);
            }
        }
        if let Value::Object(obj) = value {
            self.check_object(obj, schema, path, out);
        }
        match (schema.get("items"), value) {
            (Some(Value::Array(options)), Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    self.check_one_of(item, options, false, &format!("{path}/{i}"), out);
                }
            }
            // Slack's document: `items: [A, B]` on a non-array means "A or B".
            (Some(Value::Array(options)), _) => {
                self.check_one_of(value, options, false, path, out);
            }
            (Some(item_schema), Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    self.check(item, item_schema, &format!("{path}/{i}"), out);
                }
            }
            _ => {}
        }
        if let Value::Array(items) = value {
            if let Some(min) = schema.get("minItems").and_then(Value::as_u64) {
                if (items.len() as u64) < min {
                    miss(
                        out,
                        format!("{} items, fewer than minItems {min}", items.len()),
                    );
                }
            }
            if schema.get("uniqueItems") == Some(&Value::Bool(true)) {
                let distinct: BTreeSet<String> = items.iter().map(Value::to_string).collect();
                if distinct.len() != items.len() {
                    miss(out, "items are not unique".into());
                }
            }
        }
    }

    fn check_object(
        &self,
        obj: &Map<String, Value>,
        schema: &'a Value,
        path: &str,
        out: &mut Vec<Mismatch>,
    ) {
        let props = schema.get("properties").and_then(Value::as_object);
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            for r in required.iter().filter_map(Value::as_str) {
                if !obj.contains_key(r) {
                    out.push(Mismatch {
                        path: format!("{path}/{r}"),
                        what: "required field missing".into(),
                    });
                }
            }
        }
        for (k, v) in obj {
            let sub = format!("{path}/{k}");
            match props.and_then(|p| p.get(k)) {
                Some(s) => self.check(v, s, &sub, out),
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false))
                        if self.sample.as_ref().is_some_and(|s| sample_has(s, &sub)) => {}
                    Some(Value::Bool(false)) => out.push(Mismatch {
                        path: sub,
                        what: format!("field not in the schema (value {})", short(v)),
                    }),
                    Some(s @ Value::Object(_)) => self.check(v, s, &sub, out),
                    _ => {}
                },
            }
        }
    }

    fn check_one_of(
        &self,
        value: &Value,
        options: &'a [Value],
        exactly_one: bool,
        path: &str,
        out: &mut Vec<Mismatch>,
    ) {
        let results: Vec<Vec<Mismatch>> = options
            .iter()
            .map(|s| {
                let mut o = Vec::new();
                self.check(value, s, path, &mut o);
                o
            })
            .collect();
        let passing = results.iter().filter(|r| r.is_empty()).count();
        if passing == 0 {
            // Report the closest option's mismatches (the fewest).
            let n = results.len();
            if let Some((i, best)) = results.into_iter().enumerate().min_by_key(|(_, r)| r.len()) {
                out.extend(best.into_iter().map(|m| Mismatch {
                    what: format!(
                        "{} (matches none of {n} options; closest: {})",
                        m.what,
                        i + 1
                    ),
                    ..m
                }));
            }
        } else if exactly_one && passing > 1 {
            out.push(Mismatch {
                path: path.into(),
                what: format!("matches {passing} oneOf options"),
            });
        }
    }
}

/// Every field of `value` that Slack's recorded answers (`sample`) never hold. An empty
/// object or array in the sample stands for any content.
fn sample_mismatches(value: &Value, sample: &Value, path: &str, out: &mut Vec<Mismatch>) {
    match (value, sample) {
        (Value::Object(obj), Value::Object(seen)) if !seen.is_empty() => {
            for (k, v) in obj {
                let sub = format!("{path}/{k}");
                match seen.get(k) {
                    Some(s) => sample_mismatches(v, s, &sub, out),
                    None => out.push(Mismatch {
                        path: sub,
                        what: "field Slack is not recorded to send".into(),
                    }),
                }
            }
        }
        (Value::Array(items), Value::Array(seen)) if !seen.is_empty() => {
            let merged = seen.iter().fold(Value::Null, merge);
            for (i, item) in items.iter().enumerate() {
                sample_mismatches(item, &merged, &format!("{path}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// Whether Slack's recorded answer holds a field at `path` (a JSON pointer; array indices
/// stand for any element). An empty object or array in the sample stands for any content.
fn sample_has(sample: &Value, path: &str) -> bool {
    let segs: Vec<&str> = path.split('/').skip(1).collect();
    sample_has_at(sample, &segs)
}

fn sample_has_at(node: &Value, segs: &[&str]) -> bool {
    let Some((seg, rest)) = segs.split_first() else {
        return true;
    };
    match node {
        Value::Object(m) if m.is_empty() => true,
        Value::Array(items) if items.is_empty() => true,
        Value::Object(m) => m.get(*seg).is_some_and(|v| sample_has_at(v, rest)),
        // Any recorded element holding the field will do.
        Value::Array(items) if seg.bytes().all(|b| b.is_ascii_digit()) => {
            items.iter().any(|item| sample_has_at(item, rest))
        }
        _ => false,
    }
}

/// The union of two recorded values' fields.
fn merge(acc: Value, next: &Value) -> Value {
    match (acc, next) {
        (Value::Object(mut a), Value::Object(b)) => {
            for (k, v) in b {
                let old = a.remove(k).unwrap_or(Value::Null);
                a.insert(k.clone(), merge(old, v));
            }
            Value::Object(a)
        }
        (Value::Null, v) => v.clone(),
        (a, _) => a,
    }
}

// ===== fixtures =====

fn fixture_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/calls");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

fn steps_of(file: &Path) -> Vec<Value> {
    read_json(file)
        .get("steps")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_else(|| panic!("{}: no \"steps\" array", file.display()))
}

/// What one fixture run found wrong.
#[derive(Default)]
struct Report {
    failures: Vec<String>,
    /// Methods with a step, and whether one of them succeeded.
    seen: BTreeMap<String, bool>,
    checked: usize,
}

/// A fixture's run: the emulator and the values saved so far.
struct Run<'a> {
    emu: Emulator,
    saved: BTreeMap<String, Value>,
    file: &'a str,
}

impl Run<'_> {
    /// The value of one `${…}` reference.
    fn lookup(&self, name: &str) -> Result<Value, String> {
        let found = if let Some(ch) = name.strip_prefix("channel:") {
            self.emu.channel_id(ch)
        } else if let Some(u) = name.strip_prefix("user:") {
            self.emu.user_id(u)
        } else {
            match name {
                "im" => self.emu.im_id(),
                "mpim" => self.emu.mpim_id(),
                "bot_user_id" => Some(self.emu.bot_user_id()),
                "bot_id" => Some(self.emu.bot_id()),
                "team_id" => Some(self.emu.team_id()),
                "app_id" => Some(self.emu.app_id()),
                "trigger_id" => Some(self.emu.issue_trigger_id()),
                "event_context" => {
                    use base64::Engine as _;
                    let ctx = serde_json::json!({
                        "tid": self.emu.team_id(), "aid": self.emu.app_id(), "cid": "",
                    });
                    Some(format!(
                        "4-{}",
                        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(ctx.to_string())
                    ))
                }
                saved => {
                    return self.saved.get(saved).cloned().ok_or_else(|| {
                        format!("${{{saved}}} is neither a built-in nor a saved value")
                    })
                }
            }
        };
        found
            .map(Value::String)
            .ok_or_else(|| format!("${{{name}}} names nothing in the seeded workspace"))
    }

    /// `s` with every `${…}` replaced; a string that is one reference takes its JSON value.
    fn substitute_str(&self, s: &str) -> Result<Value, String> {
        if let Some(inner) = s.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
            if !inner.contains("${") && !inner.contains('}') {
                return self.lookup(inner);
            }
        }
        let mut out = String::new();
        let mut rest = s;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let end = after
                .find('}')
                .ok_or_else(|| format!("unclosed ${{ in {s:?}"))?;
            match self.lookup(&after[..end])? {
                Value::String(v) => out.push_str(&v),
                other => out.push_str(&other.to_string()),
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(Value::String(out))
    }

    fn substitute(&self, v: &Value) -> Result<Value, String> {
        Ok(match v {
            Value::String(s) => self.substitute_str(s)?,
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|i| self.substitute(i))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(m) => Value::Object(
                m.iter()
                    .map(|(k, v)| Ok((k.clone(), self.substitute(v)?)))
                    .collect::<Result<_, String>>()?,
            ),
            other => other.clone(),
        })
    }

    fn token(&self, who: &str) -> Result<Option<String>, String> {
        Ok(match who {
            "bot" => Some(self.emu.bot_token()),
            "user" => Some(self.emu.user_token()),
            "app" => Some(self.emu.app_token()),
            "none" => None,
            other => Some(
                other
                    .strip_prefix("token:")
                    .ok_or_else(|| format!("unknown \"as\": {other:?}"))?
                    .to_owned(),
            ),
        })
    }

    /// Run one step; `Err` is a failure message.
    async fn step<'s>(
        &mut self,
        step: &Value,
        validator: &mut Validator<'s>,
        spec: &'s Value,
        report: &mut Report,
    ) -> Result<(), String> {
        if let Some(url) = step.get("upload") {
            let url = self.substitute(url)?;
            let url = url.as_str().ok_or("upload: not a string")?;
            let path = url
                .split_once("://")
                .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
                .ok_or_else(|| format!("upload: not a URL: {url}"))?;
            let content = step.get("content").and_then(Value::as_str).unwrap_or("");
            let r = common::send(&self.emu, Method::POST, path, &[], content.to_owned())
                .await
                .map_err(|e| format!("upload failed: {e}"))?;
            return if r.status == 200 {
                Ok(())
            } else {
                Err(format!("upload answered HTTP {}: {}", r.status, r.text()))
            };
        }
        let method = step
            .get("method")
            .and_then(Value::as_str)
            .ok_or("a step without \"method\" or \"upload\"")?;
        report.seen.entry(method.to_owned()).or_insert(false);
        let info = slack_core::method::lookup(method)
            .ok_or_else(|| format!("{method} is not in the method table"))?;
        let args = step
            .get("args")
            .cloned()
            .unwrap_or(Value::Object(Map::new()));
        let args = self.substitute(&args)?;
        let args = args.as_object().ok_or("\"args\" is not an object")?;
        let undocumented: Vec<&str> = args
            .keys()
            .map(String::as_str)
            .filter(|a| !info.accepts(a))
            .collect();
        if !undocumented.is_empty() {
            return Err(format!(
                "{undocumented:?} not documented arguments of {method} (documented: {:?} {:?})",
                info.required, info.optional
            ));
        }
        let who = match step.get("as") {
            Some(who) => self.substitute(who)?,
            None => Value::String("bot".into()),
        };
        let token = self.token(who.as_str().ok_or("\"as\" is not a string")?)?;
        let as_json = step.get("body").and_then(Value::as_str) == Some("json");
        let auth = token.map(|t| format!("Bearer {t}"));
        let mut headers: Vec<(&str, &str)> = Vec::new();
        if let Some(a) = &auth {
            headers.push(("authorization", a));
        }
        let body = if as_json {
            headers.push(("content-type", "application/json; charset=utf-8"));
            Value::Object(args.clone()).to_string()
        } else {
            headers.push(("content-type", "application/x-www-form-urlencoded"));
            let mut form = form_urlencoded::Serializer::new(String::new());
            for (k, v) in args {
                match v {
                    Value::String(s) => form.append_pair(k, s),
                    other => form.append_pair(k, &other.to_string()),
                };
            }
            form.finish()
        };
        let r = common::send(
            &self.emu,
            Method::POST,
            &format!("/api/{method}"),
            &headers,
            body,
        )
        .await
        .map_err(|e| format!("{method}: request failed: {e}"))?;
        let answer = r.json();
        if r.status != 200 || !answer.is_object() {
            return Err(format!("{method}: HTTP {}: {}", r.status, r.text()));
        }
        let expected_error = step.get("error").and_then(Value::as_str);
        let succeeded = answer["ok"] == true;
        let entry = report.seen.entry(method.to_owned()).or_insert(false);
        *entry |= succeeded;
        match expected_error {
            Some(code) => {
                if answer["ok"] != false || answer["error"] != code {
                    return Err(format!(
                        "{method}: expected ok:false with {code:?}, got {}",
                        short(&answer)
                    ));
                }
            }
            None => {
                if !succeeded {
                    return Err(format!("{method}: expected ok:true, got {answer}"));
                }
                if let Some(save) = step.get("save").and_then(Value::as_object) {
                    for (name, pointer) in save {
                        let p = pointer.as_str().ok_or("save: a pointer is not a string")?;
                        let v = answer.pointer(p).ok_or_else(|| {
                            format!("{method}: save {name}: nothing at {p} in {answer}")
                        })?;
                        self.saved.insert(name.clone(), v.clone());
                    }
                }
                let problems = self.conformance(method, &answer, validator, spec);
                report.checked += 1;
                let shown: Vec<String> = problems
                    .iter()
                    .filter(|m| !allowed(method, &m.path))
                    .map(|m| format!("\n    {}: {}", m.path, m.what))
                    .collect();
                if !shown.is_empty() {
                    return Err(format!(
                        "{method}: the answer does not match Slack's schema:{}",
                        shown.concat()
                    ));
                }
            }
        }
        Ok(())
    }

    /// The schema mismatches of a successful answer, or its fields Slack is not recorded
    /// to send when the OpenAPI document has no schema for the method.
    fn conformance<'s>(
        &self,
        method: &str,
        answer: &Value,
        validator: &mut Validator<'s>,
        spec: &'s Value,
    ) -> Vec<Mismatch> {
        let recorded = sample(method);
        if let Some(schema) = success_schema(spec, method) {
            validator.sample = recorded;
            return validator.validate(answer, schema);
        }
        match recorded {
            Some(s) => {
                let mut out = Vec::new();
                sample_mismatches(answer, &s, "", &mut out);
                out
            }
            None => match DOCUMENTED_ONLY.iter().find(|(m, _)| *m == method) {
                Some((_, fields)) => answer
                    .as_object()
                    .into_iter()
                    .flat_map(|o| o.keys())
                    .filter(|k| k.as_str() != "ok" && !fields.contains(&k.as_str()))
                    .map(|k| Mismatch {
                        path: format!("/{k}"),
                        what: "field not among the method's documented answer fields".into(),
                    })
                    .collect(),
                None => vec![Mismatch {
                    path: "/".into(),
                    what: format!(
                        "{}: neither a schema nor a recorded answer to check against",
                        self.file
                    ),
                }],
            },
        }
    }
}

async fn run_fixture(file: &Path, spec: &Value, report: &mut Report) {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut validator = Validator::new(spec);
    let mut run = Run {
        emu: common::emulator().await,
        saved: BTreeMap::new(),
        file: &name,
    };
    for (i, step) in steps_of(file).iter().enumerate() {
        if let Err(e) = run.step(step, &mut validator, spec, report).await {
            report.failures.push(format!("{name} step {i}: {e}"));
        }
    }
    run.emu.shutdown().await;
}

/// The methods the emulator models.
fn modelled() -> &'static [&'static str] {
    slack_emulator::introspect::modelled_methods()
}

#[tokio::test]
async fn every_fixture_step_matches_slacks_documents() {
    let spec = spec();
    let mut report = Report::default();
    let files = fixture_files();
    assert!(!files.is_empty(), "no fixture in tests/calls");
    for file in &files {
        run_fixture(file, &spec, &mut report).await;
    }
    let untested: Vec<&str> = modelled()
        .iter()
        .copied()
        .filter(|m| !report.seen.contains_key(*m))
        .collect();
    if !untested.is_empty() {
        report.failures.push(format!(
            "modelled methods without a step in tests/calls/*.json: {untested:?}"
        ));
    }
    println!(
        "{} fixture files, {} successful answers checked, {} methods called",
        files.len(),
        report.checked,
        report.seen.len()
    );
    assert!(
        report.failures.is_empty(),
        "{} failures:\n{}",
        report.failures.len(),
        report.failures.join("\n")
    );
}

/// The documented-fields list holds only methods Slack's references do not cover.
#[test]
fn documented_only_methods_have_no_reference() {
    let spec = spec();
    let covered: Vec<&str> = DOCUMENTED_ONLY
        .iter()
        .map(|(m, _)| *m)
        .filter(|m| success_schema(&spec, m).is_some() || sample(m).is_some())
        .collect();
    assert!(
        covered.is_empty(),
        "now covered by a reference: {covered:?}"
    );
}

// ===== the validator's own tests =====

#[cfg(test)]
mod validator {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({"definitions": {
            "id": {"type": "string", "pattern": "^C[A-Z0-9]{2,}$"},
            "thing": {
                "type": "object", "additionalProperties": false,
                "required": ["id"],
                "properties": {"id": {"$ref": "#/definitions/id"},
                               "n": {"type": ["integer", "null"]},
                               "tags": {"type": "array", "items": {"enum": ["a", "b"]},
                                        "uniqueItems": true, "minItems": 1}}
            },
            "either": {"items": [{"$ref": "#/definitions/id"}, {"type": "null"}]}
        }})
    }

    fn paths(v: &Value, def: &str) -> Vec<String> {
        let d = doc();
        let schema = d["definitions"][def].clone();
        let val = Validator::new(&d);
        val.validate(v, &schema)
            .into_iter()
            .map(|m| format!("{} {}", m.path, m.what))
            .collect()
    }

    #[test]
    fn a_matching_value_passes() {
        assert!(paths(&json!({"id": "C123", "n": null, "tags": ["a"]}), "thing").is_empty());
        assert!(paths(&json!({"id": "C123", "n": 4}), "thing").is_empty());
    }

    #[test]
    fn each_keyword_reports_its_path() {
        let got = paths(
            &json!({"id": "X1", "n": "4", "tags": ["a", "a", "c"], "extra": 1}),
            "thing",
        );
        let joined = got.join("\n");
        assert!(
            joined.contains("/id \"X1\" does not match pattern"),
            "{joined}"
        );
        assert!(
            joined.contains("/n expected integer or null, got string"),
            "{joined}"
        );
        assert!(joined.contains("/tags items are not unique"), "{joined}");
        assert!(joined.contains("/tags/2 \"c\" is not one of"), "{joined}");
        assert!(
            joined.contains("/extra field not in the schema"),
            "{joined}"
        );
        assert_eq!(got.len(), 5, "{joined}");
        let got = paths(&json!({"tags": []}), "thing").join("\n");
        assert!(got.contains("/id required field missing"), "{got}");
        assert!(got.contains("fewer than minItems 1"), "{got}");
    }

    #[test]
    fn items_on_a_non_array_is_one_of() {
        assert!(paths(&json!(null), "either").is_empty());
        assert!(paths(&json!("C999"), "either").is_empty());
        assert_eq!(paths(&json!(3), "either").len(), 1);
    }

    #[test]
    fn any_of_and_one_of() {
        let d = json!({"definitions": {}});
        let v = Validator::new(&d);
        let any = json!({"anyOf": [{"type": "string"}, {"type": "integer"}]});
        assert!(v.validate(&json!(1), &any).is_empty());
        assert_eq!(v.validate(&json!(true), &any).len(), 1);
        let one = json!({"oneOf": [{"type": "integer"}, {"type": "number"}]});
        assert_eq!(v.validate(&json!(1), &one).len(), 1, "both match");
        assert!(v.validate(&json!(1.5), &one).is_empty());
    }

    #[test]
    fn samples_flag_fields_slack_never_sends() {
        let seen =
            json!({"ok": true, "file": {"id": "", "meta": {}}, "list": [{"a": 1}, {"b": 2}]});
        let mut out = Vec::new();
        sample_mismatches(
            &json!({"ok": true, "file": {"id": "F1", "meta": {"x": 1}, "alt_text": ""},
                    "list": [{"a": 1, "b": 2}, {"c": 3}]}),
            &seen,
            "",
            &mut out,
        );
        let got: Vec<&str> = out.iter().map(|m| m.path.as_str()).collect();
        assert_eq!(got, ["/file/alt_text", "/list/1/c"]);
    }

    #[test]
    fn recorded_fields_are_found_through_arrays() {
        let seen = json!({"messages": [{"a": 1}, {"b": {"c": 1}}], "meta": {}});
        assert!(sample_has(&seen, "/messages/3/b/c"));
        assert!(sample_has(&seen, "/messages/0/a"));
        assert!(sample_has(&seen, "/meta/anything/below"));
        assert!(!sample_has(&seen, "/messages/0/d"));
        assert!(!sample_has(&seen, "/other"));
    }

    #[test]
    fn allow_list_paths_use_stars_for_indices() {
        assert!(!allowed(
            "conversations.list",
            "/channels/3/nothing_like_this"
        ));
        assert!(allowed("files.list", "/files/3/shares/public/C0123ABCD"));
        assert!(!allowed("files.list", "/files/3/shares/public"));
    }
}
