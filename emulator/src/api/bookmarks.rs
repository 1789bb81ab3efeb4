//! `bookmarks.add`, `bookmarks.edit`, `bookmarks.remove`, `bookmarks.list`: links pinned to
//! a channel's header.

use serde_json::{json, Value};

use super::{err, ok, ApiError, Ctx, Outcome};
use crate::state::{Bookmark, Kind, Workspace};
use crate::wire::ApiRequest;

/// Bookmarks per channel Slack allows.
const MAX_BOOKMARKS: usize = 100;

fn bookmark_json(ws: &Workspace, b: &Bookmark, rank: usize) -> Value {
    json!({
        "id": b.id, "channel_id": b.channel_id, "title": b.title, "link": b.link,
        "emoji": b.emoji, "icon_url": null, "type": b.kind,
        "entity_id": if b.entity_id.is_empty() { Value::Null } else { json!(b.entity_id) },
        "date_created": b.date_created, "date_updated": b.date_updated,
        "rank": format!("{}", (b'a' + u8::try_from(rank % 26).unwrap_or(0)) as char),
        "last_updated_by_user_id": b.updated_by, "last_updated_by_team_id": ws.team_id,
        "shortcut_id": null, "app_id": null,
    })
}

/// The channel of a bookmark call: `channel_id`, a conversation the caller can see and post
/// in (Slack answers `channel_not_found` for any other).
fn channel(ws: &Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Result<String, ApiError> {
    let id = req.nonempty("channel_id").unwrap_or_default();
    let ch = ws.channel(&id).ok_or_else(|| err("channel_not_found"))?;
    if ch.kind != Kind::Public && !ch.has_member(&ctx.user) {
        return Err(err("channel_not_found"));
    }
    Ok(ch.id.clone())
}

/// A link Slack takes: an absolute http(s) URL.
fn check_link(link: &str) -> Result<(), ApiError> {
    let rest = link
        .strip_prefix("https://")
        .or_else(|| link.strip_prefix("http://"))
        .ok_or_else(|| err("invalid_link"))?;
    if rest.is_empty() || rest.starts_with('/') || link.chars().any(char::is_whitespace) {
        return Err(err("invalid_link"));
    }
    Ok(())
}

fn check_emoji(emoji: &str) -> Result<(), ApiError> {
    let ok = emoji.len() > 2
        && emoji.starts_with(':')
        && emoji.ends_with(':')
        && emoji[1..emoji.len() - 1]
            .chars()
            .all(|c| c.is_alphanumeric() || "_-+'".contains(c));
    if ok {
        Ok(())
    } else {
        Err(err("invalid_emoji"))
    }
}

fn rank_of(ws: &Workspace, b: &Bookmark) -> usize {
    ws.collab
        .bookmarks
        .iter()
        .filter(|x| x.channel_id == b.channel_id)
        .position(|x| x.id == b.id)
        .unwrap_or(0)
}

pub(crate) fn add(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let channel_id = channel(ws, ctx, req)?;
    let kind = req.nonempty("type").unwrap_or_default();
    if kind != "link" {
        return Err(err("invalid_bookmark_type"));
    }
    let link = req.nonempty("link").unwrap_or_default();
    check_link(&link)?;
    let emoji = req.nonempty("emoji").unwrap_or_default();
    if !emoji.is_empty() {
        check_emoji(&emoji)?;
    }
    if ws
        .collab
        .bookmarks
        .iter()
        .filter(|b| b.channel_id == channel_id)
        .count()
        >= MAX_BOOKMARKS
    {
        return Err(err("too_many_bookmarks"));
    }
    let now = ws.now_secs();
    let b = Bookmark {
        id: ws.next_id("Bk"),
        channel_id,
        title: req.str("title").unwrap_or_default(),
        link,
        emoji,
        kind,
        entity_id: req.nonempty("entity_id").unwrap_or_default(),
        date_created: now,
        date_updated: now,
        updated_by: ctx.user.clone(),
    };
    ws.collab.bookmarks.push(b.clone());
    let rank = rank_of(ws, &b);
    ok(json!({"bookmark": bookmark_json(ws, &b, rank)}))
}

fn find(ws: &Workspace, channel_id: &str, req: &ApiRequest) -> Result<usize, ApiError> {
    let id = req.nonempty("bookmark_id").unwrap_or_default();
    ws.collab
        .bookmarks
        .iter()
        .position(|b| b.id == id && b.channel_id == channel_id)
        .ok_or_else(|| err("not_found"))
}

pub(crate) fn edit(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let channel_id = channel(ws, ctx, req)?;
    let i = find(ws, &channel_id, req)?;
    let link = req.nonempty("link");
    if let Some(l) = &link {
        check_link(l)?;
    }
    let emoji = req.str("emoji");
    if let Some(e) = emoji.as_deref().filter(|e| !e.is_empty()) {
        check_emoji(e)?;
    }
    let now = ws.now_secs();
    let user = ctx.user.clone();
    let Some(b) = ws.collab.bookmarks.get_mut(i) else {
        return Err(err("not_found"));
    };
    if let Some(t) = req.nonempty("title") {
        b.title = t;
    }
    if let Some(l) = link {
        b.link = l;
    }
    if let Some(e) = emoji {
        b.emoji = e;
    }
    b.date_updated = now;
    b.updated_by = user;
    let b = b.clone();
    let rank = rank_of(ws, &b);
    ok(json!({"bookmark": bookmark_json(ws, &b, rank)}))
}

pub(crate) fn remove(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let channel_id = channel(ws, ctx, req)?;
    let i = find(ws, &channel_id, req)?;
    ws.collab.bookmarks.remove(i);
    ok(json!({}))
}

pub(crate) fn list(ws: &Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let channel_id = channel(ws, ctx, req)?;
    let list: Vec<Value> = ws
        .collab
        .bookmarks
        .iter()
        .filter(|b| b.channel_id == channel_id)
        .enumerate()
        .map(|(i, b)| bookmark_json(ws, b, i))
        .collect();
    ok(json!({"bookmarks": list}))
}
