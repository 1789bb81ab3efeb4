//! `chat.meMessage`, `chat.unfurl`, and streamed messages (`chat.startStream`,
//! `chat.appendStream`, `chat.stopStream`: a message that grows while an app writes it).

use serde_json::{json, Map, Value};

use super::chat::{store_message, NewMessage};
use super::{err, ok, visible_channel, ApiError, Ctx, Outcome};
use crate::state::Workspace;
use crate::wire::ApiRequest;

/// Slack's limit on message text.
const MAX_TEXT: usize = 40_000;

/// A conversation `user` may post in (member, not archived).
fn postable(ws: &Workspace, user: &str, req: &ApiRequest) -> Result<String, ApiError> {
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

pub(crate) fn me_message(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let channel = postable(ws, &ctx.user, req)?;
    let text = req.str("text").unwrap_or_default();
    if text.trim().is_empty() {
        return Err(err("no_text"));
    }
    if text.chars().count() > MAX_TEXT {
        return Err(err("msg_too_long"));
    }
    let mut extra = Map::new();
    extra.insert("subtype".into(), json!("me_message"));
    let m = store_message(
        ws,
        ctx,
        &channel,
        NewMessage {
            text: Some(text),
            extra,
            thread_ts: None,
            broadcast: false,
        },
    )?;
    ok(json!({"channel": channel, "ts": m.get("ts")}))
}

/// The message changed in place: re-index it and tell listeners.
fn changed(ws: &mut Workspace, ctx: &mut Ctx<'_>, channel: &str, ts: &str, previous: Value) {
    ws.message_changed(channel, ts);
    let Some(m) = ws.find_message(channel, ts).cloned() else {
        return;
    };
    let event_ts = ws.next_ts();
    let channel = channel.to_owned();
    ctx.emit(|| {
        json!({
            "type": "message", "subtype": "message_changed", "hidden": true,
            "channel": channel, "ts": event_ts, "event_ts": event_ts, "message": m,
            "previous_message": previous,
        })
    });
}

pub(crate) fn unfurl(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let (channel, ts) = match (req.nonempty("unfurl_id"), req.nonempty("source")) {
        (Some(_), None) => return Err(err("missing_source")),
        (None, Some(_)) => return Err(err("missing_unfurl_id")),
        (Some(_), Some(s)) if s != "composer" && s != "conversations_history" => {
            return Err(err("invalid_source"))
        }
        // Composer unfurls (before a message exists) have nothing to attach to here.
        (Some(_), Some(_)) => return Err(err("invalid_unfurl_id")),
        (None, None) => {
            let channel = req
                .nonempty("channel")
                .ok_or_else(|| err("missing_channel"))?;
            let ts = req.nonempty("ts").ok_or_else(|| err("missing_ts"))?;
            (channel, ts)
        }
    };
    let channel = ws
        .resolve_channel(&channel)
        .filter(|c| {
            ws.channel(c)
                .is_some_and(|ch| ch.kind == crate::state::Kind::Public || ch.has_member(&ctx.user))
        })
        .ok_or_else(|| err("cannot_find_channel"))?;
    let previous = ws
        .find_message(&channel, &ts)
        .cloned()
        .ok_or_else(|| err("cannot_find_message"))?;
    if req.bool("user_auth_required") || req.has("user_auth_message") || req.has("user_auth_blocks")
    {
        // The user is asked to authenticate; nothing is attached yet.
        return ok(json!({}));
    }
    let unfurls = req
        .json("unfurls")
        .map_err(|()| err("invalid_unfurls_format"))?
        .ok_or_else(|| err("missing_unfurls"))?;
    let Value::Object(unfurls) = unfurls else {
        return Err(err("invalid_unfurls_format"));
    };
    if unfurls.values().any(|u| !u.is_object()) {
        return Err(err("cannot_parse_attachment"));
    }
    let key = format!("{channel} {ts}");
    let store = ws.collab.unfurls.entry(key).or_default();
    for (url, u) in unfurls {
        store.insert(url, u);
    }
    let attachments: Vec<Value> = store
        .iter()
        .enumerate()
        .map(|(i, (url, u))| {
            let mut a = u.clone();
            a["id"] = json!(i + 1);
            a["app_unfurl_url"] = json!(url);
            a["is_app_unfurl"] = json!(true);
            a["from_url"] = json!(url);
            a
        })
        .collect();
    let app_id = ws.app_id.clone();
    if let Some(m) = ws.find_message_mut(&channel, &ts) {
        let mut list: Vec<Value> = m
            .get("attachments")
            .and_then(Value::as_array)
            .map(|l| {
                l.iter()
                    .filter(|a| a["is_app_unfurl"] != true)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        for mut a in attachments {
            a["app_id"] = json!(app_id);
            list.push(a);
        }
        m.insert("attachments".into(), Value::Array(list));
    }
    changed(ws, ctx, &channel, &ts, Value::Object(previous));
    ok(json!({}))
}

/// The text of `markdown_text` plus `chunks` of type `markdown_text`.
fn stream_text(req: &ApiRequest) -> Result<String, ApiError> {
    let mut text = req.str("markdown_text").unwrap_or_default();
    if let Some(chunks) = req.json("chunks").map_err(|()| err("invalid_chunks"))? {
        let Value::Array(list) = chunks else {
            return Err(err("invalid_chunks"));
        };
        for c in list {
            match c.get("type").and_then(Value::as_str) {
                Some("markdown_text") => {
                    text.push_str(c.get("text").and_then(Value::as_str).unwrap_or(""));
                }
                Some(_) => {}
                None => return Err(err("invalid_chunks")),
            }
        }
    }
    if text.chars().count() > MAX_TEXT {
        return Err(err("msg_too_long"));
    }
    Ok(text)
}

pub(crate) fn start_stream(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let channel = postable(ws, &ctx.user, req)?;
    let text = stream_text(req)?;
    let mut extra = Map::new();
    for key in ["username", "icon_emoji", "icon_url"] {
        if let Some(v) = req.nonempty(key) {
            extra.insert(key.into(), json!(v));
        }
    }
    if let Some(u) = req.nonempty("recipient_user_id") {
        if ws.user(&u).is_none() {
            return Err(err("user_not_found"));
        }
    }
    let m = store_message(
        ws,
        ctx,
        &channel,
        NewMessage {
            text: Some(text),
            extra,
            thread_ts: req.nonempty("thread_ts"),
            broadcast: false,
        },
    )?;
    let ts = m.get("ts").and_then(Value::as_str).unwrap_or("").to_owned();
    ws.collab.streams.insert(format!("{channel} {ts}"));
    ok(json!({"channel": channel, "ts": ts}))
}

/// The streaming message a call names, owned by the caller.
fn streaming(
    ws: &Workspace,
    ctx: &Ctx<'_>,
    req: &ApiRequest,
) -> Result<(String, String), ApiError> {
    let channel = postable(ws, &ctx.user, req)?;
    let ts = req.nonempty("ts").unwrap_or_default();
    let m = ws
        .find_message(&channel, &ts)
        .ok_or_else(|| err("message_not_found"))?;
    if m.get("user").and_then(Value::as_str) != Some(ctx.user.as_str()) {
        return Err(err("message_not_owned_by_app"));
    }
    if !ws.collab.streams.contains(&format!("{channel} {ts}")) {
        return Err(err("message_not_in_streaming_state"));
    }
    Ok((channel, ts))
}

/// Append `more` to the streaming message; its new state.
fn append(
    ws: &mut Workspace,
    ctx: &mut Ctx<'_>,
    channel: &str,
    ts: &str,
    more: &str,
    extra: Map<String, Value>,
) -> Result<Value, ApiError> {
    let m = ws
        .find_message_mut(channel, ts)
        .ok_or_else(|| err("message_not_found"))?;
    let previous = Value::Object(m.clone());
    let mut text = m
        .get("text")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    text.push_str(more);
    if text.chars().count() > MAX_TEXT {
        return Err(err("msg_too_long"));
    }
    m.insert("text".into(), json!(text));
    m.extend(extra);
    let now = Value::Object(m.clone());
    if previous != now {
        changed(ws, ctx, channel, ts, previous);
    }
    Ok(now)
}

pub(crate) fn append_stream(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let (channel, ts) = streaming(ws, ctx, req)?;
    let more = stream_text(req)?;
    if more.is_empty() {
        return Err(err("no_text"));
    }
    append(ws, ctx, &channel, &ts, &more, Map::new())?;
    ok(json!({"channel": channel, "ts": ts}))
}

pub(crate) fn stop_stream(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let (channel, ts) = streaming(ws, ctx, req)?;
    let more = stream_text(req)?;
    let mut extra = Map::new();
    if let Some(b) = req.json("blocks").map_err(|()| err("invalid_blocks"))? {
        if !b.is_array() {
            return Err(err("invalid_blocks"));
        }
        extra.insert("blocks".into(), b);
    }
    if let Some(md) = req
        .json("metadata")
        .map_err(|()| err("invalid_metadata_format"))?
    {
        extra.insert("metadata".into(), md);
    }
    let m = append(ws, ctx, &channel, &ts, &more, extra)?;
    ws.collab.streams.remove(&format!("{channel} {ts}"));
    ok(json!({"channel": channel, "ts": ts, "message": m}))
}
