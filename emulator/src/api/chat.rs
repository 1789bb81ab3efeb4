//! `chat.*` and `reactions.*`.

use serde_json::{json, Map, Value};

use super::{err, ok, visible_channel, ApiError, Ctx, Outcome};
use crate::state::Workspace;
use crate::wire::ApiRequest;

/// Slack's limit on message text.
const MAX_TEXT: usize = 40_000;

/// The channel a message may be posted to by `user`.
fn postable(ws: &Workspace, user: &str, req: &ApiRequest) -> Result<String, ApiError> {
    let id = visible_channel(ws, user, req, "channel")?;
    let ch = ws.channel(&id).ok_or_else(|| err("channel_not_found"))?;
    if ch.archived {
        return Err(err("is_archived"));
    }
    if !ch.members.iter().any(|m| m == user) {
        return Err(err("not_in_channel"));
    }
    Ok(id)
}

/// Post a message as `user` (shared with RTM sends). Returns the stored message.
pub(crate) fn store_message(
    ws: &mut Workspace,
    ctx: &mut Ctx<'_>,
    channel: &str,
    text: Option<String>,
    extra: Map<String, Value>,
    thread_ts: Option<String>,
    broadcast: bool,
) -> Result<Map<String, Value>, ApiError> {
    if let Some(parent_ts) = &thread_ts {
        ws.find_message(channel, parent_ts)
            .ok_or_else(|| err("thread_not_found"))?;
    }
    let ts = ws.next_ts();
    let user = ctx.user.clone();
    let bot_id = ws.user(&user).and_then(|u| u.bot_id.clone());
    let mut m = Map::new();
    m.insert("type".into(), json!("message"));
    m.insert("user".into(), json!(user));
    if let Some(b) = &bot_id {
        m.insert("bot_id".into(), json!(b));
    }
    m.insert("text".into(), json!(text.unwrap_or_default()));
    m.insert("ts".into(), json!(ts));
    m.insert("team".into(), json!(ws.team_id));
    for (k, v) in extra {
        m.insert(k, v);
    }
    if let Some(parent_ts) = &thread_ts {
        let root = ws
            .find_message(channel, parent_ts)
            .and_then(|p| {
                p.get("thread_ts")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| parent_ts.clone());
        m.insert("thread_ts".into(), json!(root));
        m.insert(
            "parent_user_id".into(),
            json!(ws
                .find_message(channel, &root)
                .and_then(|p| p.get("user").cloned())),
        );
        if broadcast {
            m.insert("subtype".into(), json!("thread_broadcast"));
        }
        if let Some(parent) = ws.find_message_mut(channel, &root) {
            let count = parent
                .get("reply_count")
                .and_then(Value::as_u64)
                .unwrap_or(0)
                + 1;
            parent.insert("thread_ts".into(), json!(root));
            parent.insert("reply_count".into(), json!(count));
            parent.insert("latest_reply".into(), json!(ts));
            let mut users: Vec<String> = parent
                .get("reply_users")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            if !users.contains(&user) {
                users.push(user.clone());
            }
            parent.insert("reply_users_count".into(), json!(users.len()));
            parent.insert("reply_users".into(), json!(users));
        }
    }
    ws.messages
        .entry(channel.to_owned())
        .or_default()
        .push(m.clone());
    let mut event = m.clone();
    event.insert("channel".into(), json!(channel));
    ctx.emit(Value::Object(event));
    Ok(m)
}

pub(crate) fn post_message(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let channel = postable(ws, &ctx.user, req)?;
    let text = req.str("text");
    let blocks = req.json("blocks").map_err(|_| err("invalid_blocks"))?;
    let attachments = req
        .json("attachments")
        .map_err(|_| err("invalid_attachments"))?;
    if text.as_deref().is_none_or(str::is_empty) && blocks.is_none() && attachments.is_none() {
        return Err(err("no_text"));
    }
    if text.as_ref().is_some_and(|t| t.chars().count() > MAX_TEXT) {
        return Err(err("msg_too_long"));
    }
    if let Some(b) = &blocks {
        if !b.is_array() {
            return Err(err("invalid_blocks"));
        }
        if b.as_array().is_some_and(|a| a.len() > 50) {
            return Err(err("invalid_blocks").with("response_metadata", json!({"messages": ["[ERROR] no more than 50 items allowed [json-pointer:/blocks]"]})));
        }
    }
    let mut extra = Map::new();
    if let Some(b) = blocks {
        extra.insert("blocks".into(), b);
    }
    if let Some(a) = attachments {
        extra.insert("attachments".into(), a);
    }
    if let Ok(Some(md)) = req.json("metadata") {
        extra.insert("metadata".into(), md);
    }
    let thread_ts = req.nonempty("thread_ts");
    let broadcast = req.bool("reply_broadcast");
    let m = store_message(ws, ctx, &channel, text, extra, thread_ts, broadcast)?;
    ok(json!({ "channel": channel, "ts": m.get("ts"), "message": m }))
}

pub(crate) fn post_ephemeral(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let channel = postable(ws, &ctx.user, req)?;
    let user = req.nonempty("user").unwrap_or_default();
    if ws.user(&user).is_none() {
        return Err(err("user_not_found"));
    }
    let in_channel = ws
        .channel(&channel)
        .is_some_and(|c| c.members.contains(&user));
    if !in_channel {
        return Err(err("user_not_in_channel"));
    }
    if req.str("text").as_deref().is_none_or(str::is_empty)
        && !req.has("blocks")
        && !req.has("attachments")
    {
        return Err(err("no_text"));
    }
    let ts = ws.next_ts();
    ok(json!({ "message_ts": ts }))
}

pub(crate) fn update(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let channel = visible_channel(ws, &ctx.user, req, "channel")?;
    let ts = req.nonempty("ts").unwrap_or_default();
    let blocks = req.json("blocks").map_err(|_| err("invalid_blocks"))?;
    let text = req.str("text");
    if text.as_ref().is_some_and(|t| t.chars().count() > MAX_TEXT) {
        return Err(err("msg_too_long"));
    }
    let user = ctx.user.clone();
    let edit_ts = ws.next_ts();
    let msg = ws
        .find_message_mut(&channel, &ts)
        .ok_or_else(|| err("message_not_found"))?;
    if msg.get("user").and_then(Value::as_str) != Some(user.as_str()) {
        return Err(err("cant_update_message"));
    }
    let previous = msg.clone();
    if let Some(t) = &text {
        msg.insert("text".into(), json!(t));
    }
    if let Some(b) = blocks {
        msg.insert("blocks".into(), b);
    }
    msg.insert("edited".into(), json!({"user": user, "ts": edit_ts}));
    let updated = msg.clone();
    ctx.emit(json!({
        "type": "message", "subtype": "message_changed", "hidden": true, "channel": channel,
        "ts": edit_ts, "message": updated, "previous_message": previous,
    }));
    ok(json!({ "channel": channel, "ts": ts, "text": updated.get("text"), "message": updated }))
}

pub(crate) fn delete(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let channel = visible_channel(ws, &ctx.user, req, "channel")?;
    let ts = req.nonempty("ts").unwrap_or_default();
    let user = ctx.user.clone();
    let msg = ws
        .find_message(&channel, &ts)
        .ok_or_else(|| err("message_not_found"))?;
    if msg.get("user").and_then(Value::as_str) != Some(user.as_str()) {
        return Err(err("cant_delete_message"));
    }
    let previous = msg.clone();
    if let Some(list) = ws.messages.get_mut(&channel) {
        list.retain(|m| m.get("ts").and_then(Value::as_str) != Some(ts.as_str()));
    }
    let event_ts = ws.next_ts();
    ctx.emit(json!({
        "type": "message", "subtype": "message_deleted", "hidden": true, "channel": channel,
        "ts": event_ts, "deleted_ts": ts, "previous_message": previous,
    }));
    ok(json!({ "channel": channel, "ts": ts }))
}

pub(crate) fn permalink(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let channel = req
        .nonempty("channel")
        .and_then(|c| ws.resolve_channel(&c))
        .ok_or_else(|| err("channel_not_found"))?;
    let ts = req.nonempty("message_ts").unwrap_or_default();
    if ws.find_message(&channel, &ts).is_none() {
        return Err(err("message_not_found"));
    }
    ok(json!({
        "channel": channel,
        "permalink": format!("https://{}.slack.com/archives/{channel}/p{}", ws.domain, ts.replace('.', "")),
    }))
}

fn reaction_target(
    ws: &Workspace,
    user: &str,
    req: &ApiRequest,
) -> Result<(String, String), ApiError> {
    let channel = visible_channel(ws, user, req, "channel")?;
    let ts = req
        .nonempty("timestamp")
        .ok_or_else(|| err("message_not_found"))?;
    if ws.find_message(&channel, &ts).is_none() {
        return Err(err("message_not_found"));
    }
    Ok((channel, ts))
}

pub(crate) fn reaction(
    ws: &mut Workspace,
    ctx: &mut Ctx<'_>,
    req: &ApiRequest,
    add: bool,
) -> Outcome {
    let (channel, ts) = reaction_target(ws, &ctx.user, req)?;
    let name = req
        .nonempty("name")
        .unwrap_or_default()
        .trim_matches(':')
        .to_owned();
    if name.is_empty() || name.contains(char::is_whitespace) {
        return Err(err("invalid_name"));
    }
    let user = ctx.user.clone();
    let msg = ws
        .find_message_mut(&channel, &ts)
        .ok_or_else(|| err("message_not_found"))?;
    let item_user = msg.get("user").cloned();
    let mut reactions: Vec<Value> = msg
        .get("reactions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let idx = reactions.iter().position(|r| r["name"] == name.as_str());
    if add {
        match idx {
            Some(i) => {
                let users = reactions[i]["users"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                if users.iter().any(|u| u == user.as_str()) {
                    return Err(err("already_reacted"));
                }
                let mut users = users;
                users.push(json!(user));
                reactions[i] = json!({"name": name, "users": users, "count": users.len()});
            }
            None => reactions.push(json!({"name": name, "users": [user], "count": 1})),
        }
    } else {
        let Some(i) = idx else {
            return Err(err("no_reaction"));
        };
        let mut users = reactions[i]["users"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let before = users.len();
        users.retain(|u| u != user.as_str());
        if users.len() == before {
            return Err(err("no_reaction"));
        }
        if users.is_empty() {
            reactions.remove(i);
        } else {
            reactions[i] = json!({"name": name, "users": users, "count": users.len()});
        }
    }
    if reactions.is_empty() {
        msg.remove("reactions");
    } else {
        msg.insert("reactions".into(), json!(reactions));
    }
    let event_ts = ws.next_ts();
    ctx.emit(json!({
        "type": if add { "reaction_added" } else { "reaction_removed" },
        "user": user, "reaction": name, "item_user": item_user,
        "item": {"type": "message", "channel": channel, "ts": ts}, "event_ts": event_ts,
    }));
    ok(json!({}))
}

pub(crate) fn reactions_get(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let channel = req
        .nonempty("channel")
        .and_then(|c| ws.resolve_channel(&c))
        .ok_or_else(|| err("channel_not_found"))?;
    let ts = req.nonempty("timestamp").unwrap_or_default();
    let msg = ws
        .find_message(&channel, &ts)
        .ok_or_else(|| err("message_not_found"))?;
    ok(json!({"type": "message", "channel": channel, "message": msg}))
}
