//! `chat.*`: post (top level, threads, broadcasts), ephemeral, update, delete, permalink.

use serde_json::{json, Value};

use super::{err, ok, visible_channel, ApiError, Ctx, Outcome};
use crate::state::{Channel, Kind, Message, Workspace};
use crate::wire::ApiRequest;

/// Slack's limit on message text.
const MAX_TEXT: usize = 40_000;

/// Blocks per message.
const MAX_BLOCKS: usize = 50;

/// A message about to be stored.
#[derive(Debug, Default)]
pub(crate) struct NewMessage {
    pub(crate) text: Option<String>,
    /// More fields of the message (`blocks`, `files`, `subtype`, …).
    pub(crate) extra: Message,
    pub(crate) thread_ts: Option<String>,
    pub(crate) broadcast: bool,
}

/// The conversation `user` may post to, from argument `channel`: an id, a name, or a user id
/// (their IM with `user`, opened when needed).
pub(crate) fn postable(
    ws: &mut Workspace,
    user: &str,
    req: &ApiRequest,
) -> Result<String, ApiError> {
    let raw = req.nonempty("channel").unwrap_or_default();
    if ws.resolve_channel(&raw).is_none() && ws.user(&raw).is_some() {
        return Ok(open_im(ws, user, &raw));
    }
    let id = visible_channel(ws, user, req, "channel")?;
    let ch = ws.channel(&id).ok_or_else(|| err("channel_not_found"))?;
    if ch.archived {
        return Err(err("is_archived"));
    }
    if !ch.has_member(user) {
        return Err(err("not_in_channel"));
    }
    Ok(id)
}

/// The IM between `a` and `b`, created when missing.
pub(crate) fn open_im(ws: &mut Workspace, a: &str, b: &str) -> String {
    if let Some(c) = ws.im_between(a, b) {
        return c.id.clone();
    }
    let id = ws.next_id("D");
    let mut members = vec![a.to_owned()];
    if a != b {
        members.push(b.to_owned());
    }
    ws.channels.push(Channel {
        id: id.clone(),
        name: String::new(),
        kind: Kind::Im,
        created: i64::try_from(ws.now_secs()).unwrap_or(0),
        creator: a.to_owned(),
        members,
        archived: false,
        topic: String::new(),
        purpose: String::new(),
        is_general: false,
    });
    id
}

/// Store a message from `ctx.user` in `channel` (shared by the Web API, RTM and files).
/// Keeps the parent's thread fields (`reply_count`, `reply_users`, `latest_reply`) current
/// and emits the `message` event. Returns the stored message.
pub(crate) fn store_message(
    ws: &mut Workspace,
    ctx: &mut Ctx<'_>,
    channel: &str,
    new: NewMessage,
) -> Result<Message, ApiError> {
    let root = match &new.thread_ts {
        Some(parent_ts) => {
            let parent = ws
                .find_message(channel, parent_ts)
                .ok_or_else(|| err("thread_not_found"))?;
            // A reply to a reply goes to the thread's root.
            let root = parent
                .get("thread_ts")
                .and_then(Value::as_str)
                .unwrap_or(parent_ts)
                .to_owned();
            Some(root)
        }
        None => None,
    };
    let ts = ws.next_ts();
    let user = ctx.user.clone();
    let mut m = Message::new();
    m.insert("type".into(), json!("message"));
    if let Some(u) = ws.user(&user) {
        if let Some(b) = &u.bot_id {
            m.insert("bot_id".into(), json!(b));
            m.insert("app_id".into(), json!(ws.app_id));
        }
    }
    m.insert("user".into(), json!(user));
    m.insert("text".into(), json!(new.text.unwrap_or_default()));
    m.insert("ts".into(), json!(ts));
    m.insert("team".into(), json!(ws.team_id));
    m.extend(new.extra);
    if let Some(root) = &root {
        m.insert("thread_ts".into(), json!(root));
        let parent_user = ws
            .find_message(channel, root)
            .and_then(|p| p.get("user").cloned())
            .unwrap_or(Value::Null);
        m.insert("parent_user_id".into(), parent_user);
        if new.broadcast {
            m.insert("subtype".into(), json!("thread_broadcast"));
        }
        if let Some(parent) = ws.find_message_mut(channel, root) {
            let count = parent
                .get("reply_count")
                .and_then(Value::as_u64)
                .unwrap_or(0)
                + 1;
            let mut users: Vec<Value> = parent
                .get("reply_users")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            if !users.iter().any(|u| u == user.as_str()) {
                users.push(json!(user));
            }
            parent.insert("thread_ts".into(), json!(root));
            parent.insert("reply_count".into(), json!(count));
            parent.insert("reply_users_count".into(), json!(users.len()));
            parent.insert("reply_users".into(), Value::Array(users));
            parent.insert("latest_reply".into(), json!(ts));
            parent.insert("is_locked".into(), json!(false));
            parent.insert("subscribed".into(), json!(false));
        }
    }
    ws.push_message(channel, m.clone());
    let channel_type = ws.channel(channel).map_or("C", |c| c.kind.event_code());
    ctx.emit(|| {
        let mut event = m.clone();
        event.insert("channel".into(), json!(channel));
        event.insert("channel_type".into(), json!(channel_type));
        event.insert("event_ts".into(), json!(ts));
        Value::Object(event)
    });
    Ok(m)
}

/// `text`, `blocks`, `attachments` of a post or update, checked as Slack does.
pub(crate) fn content(req: &ApiRequest) -> Result<(Option<String>, Message), ApiError> {
    let text = req.str("text");
    if text.as_ref().is_some_and(|t| t.chars().count() > MAX_TEXT) {
        return Err(err("msg_too_long"));
    }
    let mut extra = Message::new();
    if let Some(b) = req
        .json("blocks")
        .map_err(|()| err("invalid_blocks_format"))?
    {
        let Value::Array(list) = &b else {
            return Err(err("invalid_blocks_format"));
        };
        if list.len() > MAX_BLOCKS {
            return Err(err("invalid_blocks").with(
                "response_metadata",
                json!({"messages": ["[ERROR] no more than 50 items allowed [json-pointer:/blocks]"]}),
            ));
        }
        if let Some(i) = list
            .iter()
            .position(|b| b.get("type").and_then(Value::as_str).is_none())
        {
            return Err(err("invalid_blocks").with(
                "response_metadata",
                json!({"messages": [format!("[ERROR] missing required field: type [json-pointer:/blocks/{i}]")]}),
            ));
        }
        if !list.is_empty() {
            extra.insert("blocks".into(), b);
        }
    }
    if let Some(a) = req
        .json("attachments")
        .map_err(|()| err("invalid_attachments"))?
    {
        if !a.is_array() {
            return Err(err("invalid_attachments"));
        }
        extra.insert("attachments".into(), a);
    }
    Ok((text, extra))
}

pub(crate) fn post_message(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let channel = postable(ws, &ctx.user, req)?;
    let (text, mut extra) = content(req)?;
    if text.as_deref().is_none_or(str::is_empty)
        && !extra.contains_key("blocks")
        && !extra.contains_key("attachments")
    {
        return Err(err("no_text"));
    }
    if let Some(md) = req
        .json("metadata")
        .map_err(|()| err("invalid_metadata_format"))?
    {
        extra.insert("metadata".into(), md);
    }
    for key in ["username", "icon_emoji", "icon_url"] {
        if let Some(v) = req.nonempty(key) {
            extra.insert(key.into(), json!(v));
        }
    }
    let new = NewMessage {
        text,
        extra,
        thread_ts: req.nonempty("thread_ts"),
        broadcast: req.bool("reply_broadcast"),
    };
    let m = store_message(ws, ctx, &channel, new)?;
    ok(json!({ "channel": channel, "ts": m.get("ts"), "message": m }))
}

pub(crate) fn post_ephemeral(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let channel = postable(ws, &ctx.user, req)?;
    let user = req.nonempty("user").unwrap_or_default();
    if ws.user(&user).is_none() {
        return Err(err("user_not_found"));
    }
    if !ws.channel(&channel).is_some_and(|c| c.has_member(&user)) {
        return Err(err("user_not_in_channel"));
    }
    let (text, extra) = content(req)?;
    if text.as_deref().is_none_or(str::is_empty) && extra.is_empty() {
        return Err(err("no_text"));
    }
    // Ephemeral messages are not stored; only the target sees them (over RTM).
    let ts = ws.next_ts();
    let poster = ctx.user.clone();
    let target = user.clone();
    ctx.emit_for(Some(target), || {
        json!({"type": "message", "subtype": "ephemeral", "channel": channel, "user": poster, "text": text, "ts": ts, "ephemeral_for": user})
    });
    ok(json!({ "message_ts": ts }))
}

pub(crate) fn update(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let channel = visible_channel(ws, &ctx.user, req, "channel")?;
    let ts = req.nonempty("ts").unwrap_or_default();
    let (text, extra) = content(req)?;
    if text.is_none() && extra.is_empty() && !req.has("file_ids") {
        return Err(err("no_text"));
    }
    let user = ctx.user.clone();
    let msg = ws
        .find_message(&channel, &ts)
        .ok_or_else(|| err("message_not_found"))?;
    if msg.get("user").and_then(Value::as_str) != Some(user.as_str()) {
        return Err(err("cant_update_message"));
    }
    let edit_ts = ws.next_ts();
    let msg = ws
        .find_message_mut(&channel, &ts)
        .ok_or_else(|| err("message_not_found"))?;
    let previous = msg.clone();
    if let Some(t) = &text {
        msg.insert("text".into(), json!(t));
    }
    msg.extend(extra);
    msg.insert("edited".into(), json!({"user": user, "ts": edit_ts}));
    let updated = msg.clone();
    ws.message_changed(&channel, &ts);
    ctx.emit(|| {
        json!({
            "type": "message", "subtype": "message_changed", "hidden": true, "channel": channel,
            "ts": edit_ts, "event_ts": edit_ts, "message": updated, "previous_message": previous,
        })
    });
    ok(json!({ "channel": channel, "ts": ts, "text": updated.get("text"), "message": updated }))
}

/// Recompute a thread root's reply fields after a reply went away.
fn refresh_thread(ws: &mut Workspace, channel: &str, root: &str) {
    let replies: Vec<(String, String)> = ws
        .channel_messages(channel)
        .iter()
        .filter(|m| {
            m.get("thread_ts").and_then(Value::as_str) == Some(root)
                && m.get("ts").and_then(Value::as_str) != Some(root)
        })
        .map(|m| {
            let s = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
            (s("ts"), s("user"))
        })
        .collect();
    let Some(parent) = ws.find_message_mut(channel, root) else {
        return;
    };
    if replies.is_empty() {
        for k in [
            "reply_count",
            "reply_users",
            "reply_users_count",
            "latest_reply",
        ] {
            parent.remove(k);
        }
        return;
    }
    let mut users: Vec<String> = Vec::new();
    for (_, u) in &replies {
        if !users.contains(u) {
            users.push(u.clone());
        }
    }
    parent.insert("reply_count".into(), json!(replies.len()));
    parent.insert("reply_users_count".into(), json!(users.len()));
    parent.insert("reply_users".into(), json!(users));
    parent.insert(
        "latest_reply".into(),
        json!(replies.last().map(|(ts, _)| ts.clone())),
    );
}

pub(crate) fn delete(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let channel = visible_channel(ws, &ctx.user, req, "channel")?;
    let ts = req.nonempty("ts").unwrap_or_default();
    let msg = ws
        .find_message(&channel, &ts)
        .ok_or_else(|| err("message_not_found"))?;
    if msg.get("user").and_then(Value::as_str) != Some(ctx.user.as_str()) {
        return Err(err("cant_delete_message"));
    }
    let previous = msg.clone();
    let thread = previous
        .get("thread_ts")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let has_replies = previous
        .get("reply_count")
        .and_then(Value::as_u64)
        .is_some_and(|n| n > 0);
    if has_replies {
        // A thread root with replies leaves a tombstone, as in Slack.
        if let Some(m) = ws.find_message_mut(&channel, &ts) {
            m.insert("subtype".into(), json!("tombstone"));
            m.insert("text".into(), json!("This message was deleted."));
            m.insert("user".into(), json!("USLACKBOT"));
            for k in [
                "blocks",
                "attachments",
                "files",
                "reactions",
                "edited",
                "bot_id",
            ] {
                m.remove(k);
            }
        }
        ws.message_changed(&channel, &ts);
    } else {
        ws.remove_message(&channel, &ts);
        if let Some(root) = thread.filter(|r| *r != ts) {
            refresh_thread(ws, &channel, &root);
        }
    }
    let event_ts = ws.next_ts();
    ctx.emit(|| {
        json!({
            "type": "message", "subtype": "message_deleted", "hidden": true, "channel": channel,
            "ts": event_ts, "event_ts": event_ts, "deleted_ts": ts, "previous_message": previous,
        })
    });
    ok(json!({ "channel": channel, "ts": ts }))
}

pub(crate) fn permalink(ws: &Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let channel = visible_channel(ws, &ctx.user, req, "channel")?;
    let ts = req.nonempty("message_ts").unwrap_or_default();
    let msg = ws
        .find_message(&channel, &ts)
        .ok_or_else(|| err("message_not_found"))?;
    let mut link = format!(
        "https://{}.slack.com/archives/{channel}/p{}",
        ws.domain,
        ts.replace('.', "")
    );
    if let Some(root) = msg
        .get("thread_ts")
        .and_then(Value::as_str)
        .filter(|r| *r != ts)
    {
        link.push_str(&format!("?thread_ts={root}&cid={channel}"));
    }
    ok(json!({ "channel": channel, "permalink": link }))
}
