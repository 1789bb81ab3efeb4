//! `chat.scheduleMessage`, `chat.scheduledMessages.list`, `chat.deleteScheduledMessage`:
//! messages posted at their `post_at` on the emulator's clock (with their events), checked
//! as Slack does (`time_in_past`, `time_too_far` past 120 days, `invalid_time`).

use serde_json::{json, Value};

use super::chat::{content, postable, store_message, NewMessage};
use super::{err, ok, paging, visible_channel, ApiError, Ctx, Outcome};
use crate::state::{ScheduledMessage, Workspace};
use crate::wire::ApiRequest;

/// How far ahead a message may be scheduled: 120 days.
const MAX_AHEAD_SECS: i64 = 120 * 24 * 3600;

/// A Unix-time argument: an integer, or a number in text (`"1700000000"`, `"1.7e9"`).
pub(crate) fn unix_arg(req: &ApiRequest, name: &str) -> Option<Result<i64, ()>> {
    let raw = req.str(name).filter(|s| !s.trim().is_empty())?;
    let raw = raw.trim();
    Some(match raw.parse::<i64>() {
        Ok(n) => Ok(n),
        Err(_) => raw
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(|f| f.floor() as i64)
            .ok_or(()),
    })
}

fn now(ws: &Workspace) -> i64 {
    i64::try_from(ws.now_secs()).unwrap_or(i64::MAX)
}

/// The message as `chat.scheduleMessage` shows it (not posted yet: no `ts`).
fn preview(ws: &Workspace, s: &ScheduledMessage) -> Value {
    let mut m = serde_json::Map::new();
    if let Some(b) = ws.user(&s.user).and_then(|u| u.bot_id.clone()) {
        m.insert("bot_id".into(), json!(b));
        m.insert("app_id".into(), json!(ws.app_id));
    }
    m.insert("type".into(), json!("message"));
    m.insert("text".into(), json!(s.text.clone().unwrap_or_default()));
    m.insert("user".into(), json!(s.user));
    m.insert("team".into(), json!(ws.team_id));
    m.extend(s.extra.clone());
    Value::Object(m)
}

pub(crate) fn schedule(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let channel = postable(ws, &ctx.user, req)?;
    let post_at = match unix_arg(req, "post_at") {
        Some(Ok(t)) => t,
        _ => return Err(err("invalid_time")),
    };
    let now = now(ws);
    if post_at <= now {
        return Err(err("time_in_past"));
    }
    if post_at > now.saturating_add(MAX_AHEAD_SECS) {
        return Err(err("time_too_far"));
    }
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
    let thread_ts = req.nonempty("thread_ts");
    if let Some(t) = &thread_ts {
        if ws.find_message(&channel, t).is_none() {
            return Err(err("invalid_thread_ts"));
        }
    }
    let id = ws.next_id("Q");
    let s = ScheduledMessage {
        id: id.clone(),
        channel: channel.clone(),
        user: ctx.user.clone(),
        post_at,
        date_created: now,
        text,
        extra,
        thread_ts,
        broadcast: req.bool("reply_broadcast"),
    };
    let message = preview(ws, &s);
    ws.scheduled.insert(id.clone(), s);
    ws.clock.wake();
    ok(json!({
        "channel": channel, "scheduled_message_id": id, "post_at": post_at, "message": message,
    }))
}

pub(crate) fn list(ws: &Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let channel = match req.nonempty("channel") {
        Some(_) => Some(
            visible_channel(ws, &ctx.user, req, "channel").map_err(|_| err("invalid_channel"))?,
        ),
        None => None,
    };
    let bound = |name: &str| -> Result<Option<i64>, ApiError> {
        match unix_arg(req, name) {
            None => Ok(None),
            Some(Ok(t)) => Ok(Some(t)),
            Some(Err(())) => Err(ApiError::invalid_arguments(&[format!(
                "[ERROR] invalid type for field: {name}"
            )])),
        }
    };
    let (oldest, latest) = (bound("oldest")?, bound("latest")?);
    let (limit, offset) = paging::page_args(req, 100)?;
    let mut mine: Vec<&ScheduledMessage> = ws
        .scheduled
        .values()
        .filter(|s| s.user == ctx.user)
        .filter(|s| channel.as_deref().is_none_or(|c| s.channel == c))
        .filter(|s| oldest.is_none_or(|t| s.post_at >= t))
        .filter(|s| latest.is_none_or(|t| s.post_at <= t))
        .collect();
    mine.sort_by(|a, b| (a.post_at, &a.id).cmp(&(b.post_at, &b.id)));
    let items = mine.into_iter().map(|s| {
        json!({
            "id": s.id, "channel_id": s.channel, "post_at": s.post_at,
            "date_created": s.date_created, "text": s.text.clone().unwrap_or_default(),
        })
    });
    let (page, meta) = paging::paginate(items, limit, offset);
    ok(json!({"scheduled_messages": page, "response_metadata": meta}))
}

pub(crate) fn delete(ws: &mut Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let channel = visible_channel(ws, &ctx.user, req, "channel")?;
    let id = req.nonempty("scheduled_message_id").unwrap_or_default();
    let mine = ws
        .scheduled
        .get(&id)
        .is_some_and(|s| s.channel == channel && s.user == ctx.user);
    if !mine {
        return Err(err("invalid_scheduled_message_id"));
    }
    ws.scheduled.remove(&id);
    ok(json!({}))
}

/// Post every scheduled message whose time has come, oldest first, as its author.
pub(crate) fn fire_due(ws: &mut Workspace, ctx: &mut Ctx<'_>, now: i64) {
    let mut due: Vec<ScheduledMessage> = ws
        .scheduled
        .values()
        .filter(|s| s.post_at <= now)
        .cloned()
        .collect();
    due.sort_by(|a, b| (a.post_at, &a.id).cmp(&(b.post_at, &b.id)));
    for s in due {
        ws.scheduled.remove(&s.id);
        // Slack drops a scheduled message it cannot post (channel archived since, …).
        let postable = ws
            .channel(&s.channel)
            .is_some_and(|c| !c.archived && c.has_member(&s.user));
        if !postable {
            tracing::debug!(id = %s.id, "scheduled message dropped: channel not postable");
            continue;
        }
        ctx.user.clone_from(&s.user);
        let new = NewMessage {
            text: s.text,
            extra: s.extra,
            thread_ts: s.thread_ts,
            broadcast: s.broadcast,
        };
        if let Err(e) = store_message(ws, ctx, &s.channel, new) {
            tracing::debug!(id = %s.id, error = %e.code, "scheduled message dropped");
        }
    }
}
