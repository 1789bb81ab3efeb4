//! Slack's shapes for what the app receives: the `event_callback` wrapper, `app_mention`,
//! slash command fields, and the fields Slack adds to interaction payloads.

use base64::Engine as _;
use serde_json::{json, Map, Value};

use super::hub::ResponseTarget;
use super::{AppError, Identity, SlashCommand};
use crate::state::Workspace;

/// Event types only RTM clients get.
const RTM_ONLY: &[&str] = &[
    "hello",
    "goodbye",
    "pong",
    "user_typing",
    "presence_change",
    "manual_presence_change",
    "reconnect_url",
];

/// The conversation an event is about, if it names one by id.
fn event_channel(event: &Value) -> Option<&str> {
    event
        .get("channel")
        .and_then(Value::as_str)
        .or_else(|| event.pointer("/item/channel").and_then(Value::as_str))
}

/// Whether the app gets `event` over the Events API: not an RTM-only or ephemeral event, and
/// about a conversation the bot is in (Slack's `message.channels`, `reaction_added`, …
/// need the bot in the conversation); events naming no conversation by id
/// (`channel_created`, …) always.
pub(crate) fn is_app_event(ws: &Workspace, id: &Identity, event: &Value) -> bool {
    let ty = event.get("type").and_then(Value::as_str).unwrap_or("");
    if ty.is_empty() || RTM_ONLY.contains(&ty) {
        return false;
    }
    if event.get("subtype").and_then(Value::as_str) == Some("ephemeral") {
        return false;
    }
    match event_channel(event) {
        Some(c) => ws.channel(c).is_some_and(|c| c.has_member(&id.bot_user_id)),
        None => true,
    }
}

/// The `app_mention` event for a new message that mentions the bot (`<@U…>`), not posted by
/// the bot itself.
pub(crate) fn app_mention(id: &Identity, event: &Value) -> Option<Value> {
    if event.get("type").and_then(Value::as_str) != Some("message") {
        return None;
    }
    let subtype = event.get("subtype").and_then(Value::as_str);
    if !matches!(subtype, None | Some("thread_broadcast" | "file_share")) {
        return None;
    }
    let text = event.get("text").and_then(Value::as_str)?;
    let user = event.get("user").and_then(Value::as_str).unwrap_or("");
    if user == id.bot_user_id || !text.contains(&format!("<@{}>", id.bot_user_id)) {
        return None;
    }
    let mut m = Map::new();
    m.insert("type".into(), json!("app_mention"));
    for key in [
        "user",
        "text",
        "ts",
        "client_msg_id",
        "team",
        "thread_ts",
        "parent_user_id",
        "blocks",
        "files",
        "channel",
        "event_ts",
    ] {
        if let Some(v) = event.get(key) {
            m.insert(key.into(), v.clone());
        }
    }
    Some(Value::Object(m))
}

/// What the Events API changes in an RTM-shaped event: message events (edits and
/// deletions too) carry `channel_type` as `channel`, `group`, `im` or `mpim` (RTM says `C`,
/// `G`, `D`), and the bot's messages carry `bot_profile`.
pub(crate) fn enrich(ws: &Workspace, id: &Identity, mut event: Value) -> Value {
    if event.get("type").and_then(Value::as_str) == Some("message") {
        let code = event
            .get("channel")
            .and_then(Value::as_str)
            .and_then(|c| ws.channel(c))
            .map(|c| match c.kind {
                crate::state::Kind::Public => "channel",
                crate::state::Kind::Private => "group",
                crate::state::Kind::Im => "im",
                crate::state::Kind::Mpim => "mpim",
            });
        if let Some(code) = code {
            event["channel_type"] = json!(code);
        }
    }
    let from_bot = event.get("bot_id").and_then(Value::as_str) == Some(id.bot_id.as_str());
    if from_bot && event.get("type").and_then(Value::as_str) == Some("message") {
        event["bot_profile"] = json!({
            "id": id.bot_id, "deleted": false, "name": "emulator-bot", "updated": 1_700_000_000,
            "app_id": id.app_id, "team_id": id.team_id,
            "icons": {"image_36": "", "image_48": "", "image_72": ""},
        });
    }
    event
}

/// The Unix second of an event: from its `event_ts`/`ts`, else now.
fn event_time(event: &Value) -> i64 {
    event
        .get("event_ts")
        .or_else(|| event.get("ts"))
        .and_then(Value::as_str)
        .and_then(|ts| ts.split('.').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(crate::interaction::unix_now)
}

/// The `event_callback` around `event`.
pub(crate) fn event_callback(id: &Identity, event_id: String, event: Value) -> Value {
    let context = json!({
        "tid": id.team_id, "aid": id.app_id,
        "cid": event_channel(&event).unwrap_or(""),
    });
    let context = format!(
        "4-{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(context.to_string())
    );
    json!({
        "token": id.verification_token,
        "team_id": id.team_id,
        "context_team_id": id.team_id,
        "context_enterprise_id": null,
        "api_app_id": id.app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": event_time(&event),
        "authorizations": [{
            "enterprise_id": null, "team_id": id.team_id, "user_id": id.bot_user_id,
            "is_bot": true, "is_enterprise_install": false,
        }],
        "is_ext_shared_channel": false,
        "event_context": context,
    })
}

/// An injected event: a whole `event_callback` (missing fields filled in) or a bare event
/// (wrapped). Its `event_id` and the callback.
pub(crate) fn injected_callback(
    id: &Identity,
    fresh_event_id: String,
    v: Value,
) -> Result<(String, Value), AppError> {
    let Value::Object(mut m) = v else {
        return Err(AppError::InvalidPayload(
            "an event must be a JSON object".into(),
        ));
    };
    if m.get("type").and_then(Value::as_str) != Some("event_callback") {
        if m.get("type").and_then(Value::as_str).is_none() {
            return Err(AppError::InvalidPayload("an event needs a type".into()));
        }
        let cb = event_callback(id, fresh_event_id.clone(), Value::Object(m));
        return Ok((fresh_event_id, cb));
    }
    let inner = m.remove("event").unwrap_or_else(|| json!({}));
    let Value::Object(mut full) = event_callback(id, fresh_event_id, inner) else {
        return Err(AppError::InvalidPayload("not an object".into()));
    };
    full.extend(m);
    let event_id = full
        .get("event_id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    Ok((event_id, Value::Object(full)))
}

/// A user by id or name: `(id, name)`.
fn find_user(ws: &Workspace, user: &str) -> Result<(String, String), AppError> {
    ws.users
        .iter()
        .find(|u| u.id == user || u.name == user)
        .map(|u| (u.id.clone(), u.name.clone()))
        .ok_or_else(|| AppError::UnknownUser(user.to_owned()))
}

/// The fields Slack sends for a slash command (all strings, as in its form), and where its
/// response URL points.
pub(crate) fn slash_command(
    ws: &Workspace,
    id: &Identity,
    cmd: &SlashCommand,
    trigger_id: &str,
    response_url: &str,
) -> Result<(Map<String, Value>, ResponseTarget), AppError> {
    let (user_id, user_name) = find_user(ws, &cmd.user)?;
    let channel_id = ws
        .resolve_channel(&cmd.channel)
        .ok_or_else(|| AppError::UnknownChannel(cmd.channel.clone()))?;
    let channel_name = ws.channel(&channel_id).map_or(String::new(), |c| {
        if c.name.is_empty() {
            "directmessage".to_owned()
        } else {
            c.name.clone()
        }
    });
    let mut m = Map::new();
    for (k, v) in [
        ("token", id.verification_token.as_str()),
        ("team_id", &id.team_id),
        ("team_domain", &id.domain),
        ("channel_id", &channel_id),
        ("channel_name", &channel_name),
        ("user_id", &user_id),
        ("user_name", &user_name),
        ("command", &cmd.command),
        ("text", &cmd.text),
        ("api_app_id", &id.app_id),
        ("is_enterprise_install", "false"),
        ("response_url", response_url),
        ("trigger_id", trigger_id),
    ] {
        m.insert(k.into(), json!(v));
    }
    let target = ResponseTarget {
        channel: Some(channel_id),
        message_ts: None,
        user: user_id,
    };
    Ok((m, target))
}

/// What an interaction payload is, once Slack's fields are filled in.
#[derive(Debug)]
pub(crate) struct Interaction {
    pub(crate) payload: Value,
    pub(crate) kind: String,
    pub(crate) accepts_response_payload: bool,
    pub(crate) view_id: Option<String>,
    /// Where its `response_url` points, when it has one.
    pub(crate) target: Option<ResponseTarget>,
}

/// Fill in what Slack adds to an interaction payload (`token`, `team`, `user`,
/// `api_app_id`, `trigger_id`, `response_url` for message interactions,
/// `is_enterprise_install`), keeping every field given. `user` may be given as a name or id
/// string; default `ada`.
pub(crate) fn interaction(
    ws: &Workspace,
    id: &Identity,
    v: Value,
    trigger_id: &str,
    response_url: &str,
) -> Result<Interaction, AppError> {
    let Value::Object(mut m) = v else {
        return Err(AppError::InvalidPayload(
            "an interaction must be a JSON object".into(),
        ));
    };
    let kind = m
        .get("type")
        .and_then(Value::as_str)
        .ok_or_else(|| AppError::InvalidPayload("an interaction needs a type".into()))?
        .to_owned();
    let user_arg = match m.get("user") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Object(u)) => u
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or("ada")
            .to_owned(),
        _ => "ada".to_owned(),
    };
    let (user_id, user_name) = find_user(ws, &user_arg)?;
    if !m.get("user").is_some_and(Value::is_object) {
        m.insert(
            "user".into(),
            json!({"id": user_id, "username": user_name, "name": user_name, "team_id": id.team_id}),
        );
    }
    m.entry("token")
        .or_insert_with(|| json!(id.verification_token));
    m.entry("team")
        .or_insert_with(|| json!({"id": id.team_id, "domain": id.domain}));
    m.entry("api_app_id").or_insert_with(|| json!(id.app_id));
    m.entry("is_enterprise_install").or_insert(json!(false));
    m.entry("enterprise").or_insert(Value::Null);
    if matches!(
        kind.as_str(),
        "block_actions" | "shortcut" | "message_action" | "view_submission"
    ) {
        m.entry("trigger_id").or_insert_with(|| json!(trigger_id));
    }
    let channel = m
        .get("channel")
        .and_then(|c| c.get("id"))
        .or_else(|| m.get("container").and_then(|c| c.get("channel_id")))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let message_ts = m
        .get("message")
        .and_then(|c| c.get("ts"))
        .or_else(|| m.get("container").and_then(|c| c.get("message_ts")))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let on_message = matches!(kind.as_str(), "block_actions" | "message_action")
        && (channel.is_some() || message_ts.is_some());
    let target = on_message.then(|| ResponseTarget {
        channel: channel.clone(),
        message_ts,
        user: user_id,
    });
    if target.is_some() {
        m.entry("response_url")
            .or_insert_with(|| json!(response_url));
    }
    let view_id = m
        .get("view")
        .and_then(|v| v.get("id"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let accepts_response_payload = matches!(kind.as_str(), "view_submission" | "block_suggestion");
    Ok(Interaction {
        payload: Value::Object(m),
        kind,
        accepts_response_payload,
        view_id,
        target,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ident() -> Identity {
        Identity::of(&Workspace::seeded(5))
    }

    #[test]
    fn mentions_of_the_bot_by_others_only() {
        let id = ident();
        let by_ada = json!({"type": "message", "user": "U1", "text": format!("hi <@{}>", id.bot_user_id),
            "ts": "1.2", "channel": "C1", "event_ts": "1.2"});
        let m = app_mention(&id, &by_ada).unwrap_or_default();
        assert_eq!(m["type"], "app_mention");
        assert_eq!(m["channel"], "C1");
        assert_eq!(m["ts"], "1.2");
        let mut by_bot = by_ada.clone();
        by_bot["user"] = json!(id.bot_user_id);
        assert!(app_mention(&id, &by_bot).is_none());
        let mut edit = by_ada.clone();
        edit["subtype"] = json!("message_changed");
        assert!(app_mention(&id, &edit).is_none());
        let plain = json!({"type": "message", "user": "U1", "text": "hi", "ts": "1.2"});
        assert!(app_mention(&id, &plain).is_none());
    }

    #[test]
    fn callbacks_carry_slacks_fields() {
        let id = ident();
        let cb = event_callback(
            &id,
            "Ev1".into(),
            json!({"type": "reaction_added", "item": {"channel": "C9"}, "event_ts": "1700000012.000001"}),
        );
        assert_eq!(cb["type"], "event_callback");
        assert_eq!(cb["event_time"], 1_700_000_012);
        assert_eq!(cb["api_app_id"], id.app_id.as_str());
        assert_eq!(cb["authorizations"][0]["user_id"], id.bot_user_id.as_str());
        assert!(cb["event_context"].as_str().unwrap_or("").starts_with("4-"));
        let (eid, cb) = injected_callback(
            &id,
            "Ev2".into(),
            json!({"type": "event_callback", "event_id": "EvMINE", "event": {"type": "x"}}),
        )
        .unwrap_or_default();
        assert_eq!(eid, "EvMINE");
        assert_eq!(cb["team_id"], id.team_id.as_str());
        assert!(injected_callback(&id, "Ev3".into(), json!({"no": "type"})).is_err());
    }

    #[test]
    fn interactions_get_slacks_fields() {
        let ws = Workspace::seeded(5);
        let id = ident();
        let i = interaction(
            &ws,
            &id,
            json!({"type": "block_actions", "user": "grace",
                   "container": {"type": "message", "channel_id": "C1", "message_ts": "1.1"}}),
            "T1",
            "http://x/r",
        )
        .map_err(|e| e.to_string());
        let Ok(i) = i else { panic!("{i:?}") };
        assert_eq!(i.payload["user"]["name"], "grace");
        assert_eq!(i.payload["trigger_id"], "T1");
        assert_eq!(i.payload["response_url"], "http://x/r");
        assert!(!i.accepts_response_payload);
        assert_eq!(i.target.and_then(|t| t.message_ts).as_deref(), Some("1.1"));
        let sub = interaction(
            &ws,
            &id,
            json!({"type": "view_submission", "view": {"id": "V1"}}),
            "T2",
            "u",
        );
        let Ok(sub) = sub else {
            panic!("view_submission")
        };
        assert!(sub.accepts_response_payload);
        assert_eq!(sub.view_id.as_deref(), Some("V1"));
        assert!(sub.payload.get("response_url").is_none());
        assert!(matches!(
            interaction(
                &ws,
                &id,
                json!({"type": "shortcut", "user": "nobody"}),
                "T",
                "u"
            ),
            Err(AppError::UnknownUser(_))
        ));
    }
}
