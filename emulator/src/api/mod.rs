//! The Web API: checks every call against the method table (auth, scopes, required
//! arguments), then runs the modelled methods against the workspace.

pub(crate) mod chat;
mod conversations;
mod files;
mod misc;

use base64::Engine;
use serde_json::{json, Map, Value};

use crate::state::Workspace;
use crate::wire::ApiRequest;

/// A Slack `ok:false` answer.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub(crate) code: String,
    pub(crate) extra: Map<String, Value>,
}

pub(crate) fn err(code: &str) -> ApiError {
    ApiError {
        code: code.to_owned(),
        extra: Map::new(),
    }
}

impl ApiError {
    pub(crate) fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.extra.insert(key.to_owned(), value.into());
        self
    }

    pub(crate) fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("ok".into(), Value::Bool(false));
        m.insert("error".into(), Value::String(self.code.clone()));
        for (k, v) in &self.extra {
            m.insert(k.clone(), v.clone());
        }
        Value::Object(m)
    }
}

pub(crate) type Outcome = Result<Value, ApiError>;

/// An event for RTM connections, produced by a change.
#[derive(Debug, Clone)]
pub(crate) struct Event {
    /// The RTM connection that caused it (not echoed back to it).
    pub(crate) origin: Option<u64>,
    pub(crate) payload: Value,
}

/// What a handler knows about the call.
pub(crate) struct Ctx<'a> {
    pub(crate) user: String,
    pub(crate) base_url: &'a str,
    pub(crate) ws_base: &'a str,
    pub(crate) origin: Option<u64>,
    pub(crate) events: Vec<Event>,
}

impl Ctx<'_> {
    pub(crate) fn emit(&mut self, payload: Value) {
        self.events.push(Event {
            origin: self.origin,
            payload,
        });
    }
}

/// `ok: true` plus `fields`.
pub(crate) fn ok(fields: Value) -> Outcome {
    let mut m = Map::new();
    m.insert("ok".into(), Value::Bool(true));
    if let Value::Object(f) = fields {
        m.extend(f);
    }
    Ok(Value::Object(m))
}

fn retired(method: &str) -> bool {
    ["channels.", "groups.", "im.", "mpim."]
        .iter()
        .any(|p| method.starts_with(p))
}

/// Authenticate, check scopes and arguments, and run `method`.
pub(crate) fn call(
    ws: &mut Workspace,
    ctx_base: (&str, &str),
    origin: Option<u64>,
    method: &str,
    req: &ApiRequest,
) -> (Outcome, Vec<Event>) {
    let Some(info) = slack_core::method::lookup(method) else {
        return (Err(err("unknown_method")), Vec::new());
    };
    if retired(method) {
        return (Err(err("method_deprecated")), Vec::new());
    }
    let Some(token) = req.token.as_deref().filter(|t| !t.is_empty()) else {
        return (Err(err("not_authed")), Vec::new());
    };
    let Some(tok) = ws.tokens.get(token).cloned() else {
        return (Err(err("invalid_auth")), Vec::new());
    };
    let needed: Vec<&str> = info
        .bot_scopes
        .iter()
        .chain(info.user_scopes.iter())
        .copied()
        .collect();
    if !needed.is_empty() && !needed.iter().any(|s| tok.scopes.iter().any(|t| t == s)) {
        let e = err("missing_scope")
            .with("needed", needed.first().copied().unwrap_or(""))
            .with("provided", tok.scopes.join(","));
        return (Err(e), Vec::new());
    }
    let missing: Vec<&str> = info
        .required
        .iter()
        .copied()
        .filter(|a| !req.has(a))
        .collect();
    if !missing.is_empty() {
        let messages: Vec<String> = missing
            .iter()
            .map(|a| format!("[ERROR] missing required field: {a}"))
            .collect();
        return (
            Err(err("invalid_arguments").with("response_metadata", json!({ "messages": messages }))),
            Vec::new(),
        );
    }
    let mut ctx = Ctx {
        user: tok.user_id,
        base_url: ctx_base.0,
        ws_base: ctx_base.1,
        origin,
        events: Vec::new(),
    };
    let out = run(ws, &mut ctx, method, req);
    (out, ctx.events)
}

fn run(ws: &mut Workspace, ctx: &mut Ctx<'_>, method: &str, req: &ApiRequest) -> Outcome {
    match method {
        "api.test" => ok(json!({ "args": req.args })),
        "auth.test" => misc::auth_test(ws, ctx),
        "chat.postMessage" => chat::post_message(ws, ctx, req),
        "chat.postEphemeral" => chat::post_ephemeral(ws, ctx, req),
        "chat.update" => chat::update(ws, ctx, req),
        "chat.delete" => chat::delete(ws, ctx, req),
        "chat.getPermalink" => chat::permalink(ws, req),
        "reactions.add" => chat::reaction(ws, ctx, req, true),
        "reactions.remove" => chat::reaction(ws, ctx, req, false),
        "reactions.get" => chat::reactions_get(ws, req),
        "conversations.open" => conversations::open(ws, ctx, req),
        "conversations.create" => conversations::create(ws, ctx, req),
        "conversations.archive" => conversations::set_archived(ws, ctx, req, true),
        "conversations.unarchive" => conversations::set_archived(ws, ctx, req, false),
        "conversations.list" => conversations::list(ws, ctx, req),
        "conversations.info" => conversations::info(ws, ctx, req),
        "conversations.members" => conversations::members(ws, req),
        "conversations.join" => conversations::join(ws, ctx, req),
        "conversations.leave" => conversations::leave(ws, ctx, req),
        "conversations.invite" => conversations::invite(ws, ctx, req),
        "conversations.kick" => conversations::kick(ws, ctx, req),
        "conversations.rename" => conversations::rename(ws, ctx, req),
        "conversations.setTopic" => conversations::set_text(ws, ctx, req, "topic"),
        "conversations.setPurpose" => conversations::set_text(ws, ctx, req, "purpose"),
        "conversations.history" => conversations::history(ws, ctx, req),
        "conversations.replies" => conversations::replies(ws, ctx, req),
        "users.info" => misc::users_info(ws, req),
        "users.list" => misc::users_list(ws, req),
        "users.lookupByEmail" => misc::users_by_email(ws, req),
        "team.info" => misc::team_info(ws),
        "rtm.connect" => misc::rtm_connect(ws, ctx, false),
        "rtm.start" => misc::rtm_connect(ws, ctx, true),
        "views.open" | "views.push" => misc::views_open(ws, req),
        "views.update" => misc::views_update(ws, req),
        "views.publish" => misc::views_publish(ws, req),
        "files.getUploadURLExternal" => files::get_upload_url(ws, ctx, req),
        "files.completeUploadExternal" => files::complete_upload(ws, ctx, req),
        "files.info" => files::info(ws, req),
        "files.list" => files::list(ws, req),
        "files.delete" => files::delete(ws, req),
        "files.remote.add" => files::remote_add(ws, ctx, req),
        "files.remote.info" => files::remote_info(ws, req),
        "files.remote.list" => files::remote_list(ws, req),
        "files.remote.update" => files::remote_update(ws, req),
        "files.remote.remove" => files::remote_remove(ws, req),
        "files.remote.share" => files::remote_share(ws, ctx, req),
        other => Err(err("emulator_not_implemented")
            .with("detail", format!("the emulator does not model {other} yet"))),
    }
}

// ===== shared helpers =====

/// `limit` (default `default`, 1..=1000) and the offset from `cursor`.
pub(crate) fn page_args(req: &ApiRequest, default: usize) -> Result<(usize, usize), ApiError> {
    let limit = match req.int("limit") {
        Ok(Some(n)) if n > 0 => (n as usize).min(1000),
        Ok(_) => default,
        Err(()) => return Err(err("invalid_limit")),
    };
    let offset = match req.nonempty("cursor") {
        None => 0,
        Some(c) => decode_cursor(&c).ok_or_else(|| err("invalid_cursor"))?,
    };
    Ok((limit, offset))
}

pub(crate) fn encode_cursor(offset: usize) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("offset:{offset}"))
}

fn decode_cursor(c: &str) -> Option<usize> {
    let raw = base64::engine::general_purpose::STANDARD
        .decode(c.trim())
        .ok()?;
    std::str::from_utf8(&raw)
        .ok()?
        .strip_prefix("offset:")?
        .parse()
        .ok()
}

/// One page of `items` and its `response_metadata`.
pub(crate) fn paginate(items: Vec<Value>, limit: usize, offset: usize) -> (Vec<Value>, Value) {
    let total = items.len();
    let page: Vec<Value> = items.into_iter().skip(offset).take(limit).collect();
    let next = if offset + page.len() < total {
        encode_cursor(offset + page.len())
    } else {
        String::new()
    };
    (page, json!({ "next_cursor": next }))
}

/// The channel named by `arg`, which must exist and be visible to `user`.
pub(crate) fn visible_channel(
    ws: &Workspace,
    user: &str,
    req: &ApiRequest,
    arg: &str,
) -> Result<String, ApiError> {
    let raw = req.nonempty(arg).ok_or_else(|| err("channel_not_found"))?;
    let id = ws
        .resolve_channel(&raw)
        .ok_or_else(|| err("channel_not_found"))?;
    let ch = ws.channel(&id).ok_or_else(|| err("channel_not_found"))?;
    let public = ch.kind == crate::state::Kind::Public;
    if !public && !ch.members.iter().any(|m| m == user) {
        return Err(err("channel_not_found"));
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        assert_eq!(decode_cursor(&encode_cursor(42)), Some(42));
        assert_eq!(decode_cursor("!!!"), None);
        assert_eq!(
            decode_cursor(&base64::engine::general_purpose::STANDARD.encode("x")),
            None
        );
        let (page, meta) = paginate((0..5).map(|i| json!(i)).collect(), 2, 2);
        assert_eq!(page, vec![json!(2), json!(3)]);
        assert_eq!(
            decode_cursor(meta["next_cursor"].as_str().unwrap()),
            Some(4)
        );
    }
}
