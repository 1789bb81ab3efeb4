//! `conversations.*`: open, create, archive, list, info, members, join, leave, invite, kick,
//! rename, topic and purpose, history, replies.

use serde_json::{json, Value};

use super::paging::{encode, limit, page_args, paginate, ts_cursor};
use super::{err, ok, readable_channel, visible_channel, ApiError, Ctx, Outcome};
use crate::state::{Channel, Kind, Message, Workspace};
use crate::wire::ApiRequest;

/// Slack's channel-name rules, with its error codes.
pub(crate) fn check_name(name: &str) -> Result<(), ApiError> {
    if name.is_empty() {
        return Err(err("invalid_name_required"));
    }
    if name.chars().count() > 80 {
        return Err(err("invalid_name_maxlength"));
    }
    if !name.chars().all(|c| {
        c.is_ascii_lowercase()
            || c.is_ascii_digit()
            || c == '-'
            || c == '_'
            || (!c.is_ascii() && c.is_lowercase())
    }) {
        return Err(err("invalid_name_specials"));
    }
    if name.chars().all(|c| c == '-' || c == '_') {
        return Err(err("invalid_name_punctuation"));
    }
    Ok(())
}

fn new_channel(
    ws: &mut Workspace,
    name: String,
    kind: Kind,
    creator: &str,
    members: Vec<String>,
) -> Channel {
    let prefix = match kind {
        Kind::Public => "C",
        Kind::Private | Kind::Mpim => "G",
        Kind::Im => "D",
    };
    Channel {
        id: ws.next_id(prefix),
        name,
        kind,
        created: i64::try_from(ws.now_secs()).unwrap_or(0),
        creator: creator.to_owned(),
        members,
        archived: false,
        topic: String::new(),
        purpose: String::new(),
        is_general: false,
    }
}

/// The IM object `conversations.open` answers with `return_im` (Slack's shape, smaller
/// than the `conversations.info` one); other conversations as [`Channel::to_json`].
fn opened_json(c: &Channel, viewer: &str, team_id: &str) -> Value {
    if c.kind != Kind::Im {
        return c.to_json(viewer, false, false);
    }
    let other = c
        .members
        .iter()
        .find(|u| *u != viewer)
        .or(c.members.first());
    json!({
        "id": c.id, "created": c.created, "is_archived": c.archived, "is_im": true,
        "is_org_shared": false, "context_team_id": team_id, "updated": c.created * 1000,
        "user": other, "last_read": "0000000000.000000", "unread_count": 0,
        "unread_count_display": 0, "is_open": true, "priority": 0,
    })
}

pub(crate) fn open(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let full = req.bool("return_im");
    if req.has("channel") {
        let id = visible_channel(ws, &ctx.user, req, "channel")?;
        let c = ws.channel(&id).ok_or_else(|| err("channel_not_found"))?;
        let channel = if full {
            opened_json(c, &ctx.user, &ws.team_id)
        } else {
            json!({"id": c.id})
        };
        return ok(json!({"no_op": true, "already_open": true, "channel": channel}));
    }
    let mut users = req.list("users");
    if users.is_empty() {
        return Err(err("users_list_not_supplied"));
    }
    if users.len() > 8 {
        return Err(err("too_many_users"));
    }
    if let Some(u) = users.iter().find(|u| ws.user(u).is_none()) {
        return Err(err("user_not_found").with("detail", u.clone()));
    }
    if !users.contains(&ctx.user) {
        users.push(ctx.user.clone());
    }
    users.sort();
    users.dedup();
    let kind = if users.len() <= 2 {
        Kind::Im
    } else {
        Kind::Mpim
    };
    let existing = ws.channels.iter().find(|c| {
        c.kind == kind && c.members.len() == users.len() && users.iter().all(|u| c.has_member(u))
    });
    if let Some(c) = existing {
        let channel = if full {
            opened_json(c, &ctx.user, &ws.team_id)
        } else {
            json!({"id": c.id})
        };
        return ok(json!({"no_op": true, "already_open": true, "channel": channel}));
    }
    if req.bool("prevent_creation") {
        return Err(err("channel_not_found"));
    }
    let name = if kind == Kind::Mpim {
        let names: Vec<String> = users
            .iter()
            .filter_map(|u| ws.user(u).map(|u| u.name.clone()))
            .collect();
        format!("mpdm-{}-1", names.join("--"))
    } else {
        String::new()
    };
    let ch = new_channel(ws, name, kind, &ctx.user, users);
    let id = ch.id.clone();
    let v = ch.to_json(&ctx.user, false, false);
    let opened = opened_json(&ch, &ctx.user, &ws.team_id);
    ws.channels.push(ch);
    let user = ctx.user.clone();
    let created = v.clone();
    ctx.emit(|| {
        if kind == Kind::Im {
            json!({"type": "im_created", "user": user, "channel": created})
        } else {
            json!({"type": "mpim_open", "user": user, "channel": created["id"]})
        }
    });
    let channel = if full { opened } else { json!({"id": id}) };
    ok(json!({"channel": channel}))
}

pub(crate) fn create(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let name = req.str("name").unwrap_or_default();
    check_name(&name)?;
    if ws.channels.iter().any(|c| c.name == name) {
        return Err(err("name_taken"));
    }
    let private = req.bool("is_private");
    let kind = if private { Kind::Private } else { Kind::Public };
    let user = ctx.user.clone();
    let ch = new_channel(ws, name, kind, &user, vec![user.clone()]);
    let v = ch.to_json(&user, false, false);
    ws.channels.push(ch);
    let created = v.clone();
    ctx.emit(|| {
        if private {
            json!({"type": "group_joined", "channel": created})
        } else {
            json!({"type": "channel_created", "channel": {
                "id": created["id"], "name": created["name"], "created": created["created"],
                "creator": user, "is_channel": true,
            }})
        }
    });
    ok(json!({"channel": v}))
}

pub(crate) fn set_archived(
    ws: &mut Workspace,
    ctx: &mut Ctx<'_>,
    req: &ApiRequest,
    archive: bool,
) -> Outcome {
    let id = visible_channel(ws, &ctx.user, req, "channel")?;
    let user = ctx.user.clone();
    let ch = ws
        .channel_mut(&id)
        .ok_or_else(|| err("channel_not_found"))?;
    if ch.is_general && archive {
        return Err(err("cant_archive_general"));
    }
    if matches!(ch.kind, Kind::Im | Kind::Mpim) {
        return Err(err("method_not_supported_for_channel_type"));
    }
    if ch.archived == archive {
        return Err(err(if archive {
            "already_archived"
        } else {
            "not_archived"
        }));
    }
    if archive && !ch.has_member(&user) {
        return Err(err("not_in_channel"));
    }
    ch.archived = archive;
    ctx.emit(|| {
        json!({"type": if archive { "channel_archive" } else { "channel_unarchive" }, "channel": id, "user": user})
    });
    ok(json!({}))
}

/// The `types` argument of `conversations.list` and `users.conversations`: the kinds asked
/// for (public channels when absent), or `invalid_types` for a name Slack does not know.
pub(crate) fn conversation_types(req: &ApiRequest) -> Result<Vec<String>, ApiError> {
    let mut types = req.list("types");
    if types.is_empty() {
        types.push("public_channel".into());
    }
    if let Some(bad) = types
        .iter()
        .find(|t| !["public_channel", "private_channel", "im", "mpim"].contains(&t.as_str()))
    {
        return Err(err("invalid_types").with("detail", format!("unknown type {bad}")));
    }
    Ok(types)
}

pub(crate) fn list(ws: &Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let (limit, offset) = page_args(req, 100)?;
    let types = conversation_types(req)?;
    let exclude_archived = req.bool("exclude_archived");
    let items = ws
        .channels
        .iter()
        .filter(|c| types.iter().any(|t| t == c.kind.type_name()))
        .filter(|c| c.kind == Kind::Public || c.has_member(&ctx.user))
        .filter(|c| !(exclude_archived && c.archived))
        .map(|c| c.to_json(&ctx.user, true, false));
    let (page, meta) = paginate(items, limit, offset);
    ok(json!({"channels": page, "response_metadata": meta}))
}

pub(crate) fn info(ws: &Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let id = visible_channel(ws, &ctx.user, req, "channel")?;
    let ch = ws.channel(&id).ok_or_else(|| err("channel_not_found"))?;
    let mut v = ch.to_json(
        &ctx.user,
        req.bool("include_num_members"),
        req.bool("include_locale"),
    );
    if let Some(last) = ws.channel_messages(&id).last() {
        v["last_read"] = last.get("ts").cloned().unwrap_or(Value::Null);
    }
    ok(json!({"channel": v}))
}

pub(crate) fn members(ws: &Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let (limit, offset) = page_args(req, 100)?;
    let id = visible_channel(ws, &ctx.user, req, "channel")?;
    let ch = ws.channel(&id).ok_or_else(|| err("channel_not_found"))?;
    let (page, meta) = paginate(ch.members.iter().map(|m| json!(m)), limit, offset);
    ok(json!({"members": page, "response_metadata": meta}))
}

pub(crate) fn join(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let id = visible_channel(ws, &ctx.user, req, "channel")?;
    let user = ctx.user.clone();
    let ch = ws
        .channel_mut(&id)
        .ok_or_else(|| err("channel_not_found"))?;
    if ch.archived {
        return Err(err("is_archived"));
    }
    if ch.kind != Kind::Public {
        return Err(err("method_not_supported_for_channel_type"));
    }
    if ch.has_member(&user) {
        let v = ch.to_json(&user, false, false);
        return ok(json!({
            "channel": v, "warning": "already_in_channel",
            "response_metadata": {"warnings": ["already_in_channel"]},
        }));
    }
    ch.members.push(user.clone());
    let v = ch.to_json(&user, false, false);
    let ts = ws.next_ts();
    let mut m = Message::new();
    m.insert("type".into(), json!("message"));
    m.insert("subtype".into(), json!("channel_join"));
    m.insert("user".into(), json!(user));
    m.insert(
        "text".into(),
        json!(format!("<@{user}> has joined the channel")),
    );
    m.insert("ts".into(), json!(ts));
    ws.push_message(&id, m);
    let team = ws.team_id.clone();
    ctx.emit(|| {
        json!({"type": "member_joined_channel", "user": user, "channel": id, "channel_type": "C", "team": team, "event_ts": ts})
    });
    ok(json!({"channel": v}))
}

pub(crate) fn leave(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let id = visible_channel(ws, &ctx.user, req, "channel")?;
    let user = ctx.user.clone();
    let team = ws.team_id.clone();
    let ch = ws
        .channel_mut(&id)
        .ok_or_else(|| err("channel_not_found"))?;
    if ch.is_general {
        return Err(err("cant_leave_general"));
    }
    if ch.kind == Kind::Im {
        return Err(err("method_not_supported_for_channel_type"));
    }
    if ch.archived {
        return Err(err("is_archived"));
    }
    if !ch.has_member(&user) {
        return ok(json!({"not_in_channel": true}));
    }
    ch.members.retain(|m| *m != user);
    let code = ch.kind.event_code();
    ctx.emit(|| {
        json!({"type": "member_left_channel", "user": user, "channel": id, "channel_type": code, "team": team})
    });
    ok(json!({}))
}

pub(crate) fn invite(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let id = visible_channel(ws, &ctx.user, req, "channel")?;
    let users = req.list("users");
    if users.is_empty() {
        return Err(err("no_user"));
    }
    if let Some(u) = users.iter().find(|u| ws.user(u).is_none()) {
        return Err(err("user_not_found").with("detail", u.clone()));
    }
    let inviter = ctx.user.clone();
    if users.contains(&inviter) {
        return Err(err("cant_invite_self"));
    }
    let ch = ws
        .channel_mut(&id)
        .ok_or_else(|| err("channel_not_found"))?;
    if matches!(ch.kind, Kind::Im | Kind::Mpim) {
        return Err(err("method_not_supported_for_channel_type"));
    }
    if ch.archived {
        return Err(err("is_archived"));
    }
    if !ch.has_member(&inviter) {
        return Err(err("not_in_channel"));
    }
    if users.iter().all(|u| ch.has_member(u)) {
        return Err(err("already_in_channel"));
    }
    let mut joined = Vec::new();
    for u in users {
        if !ch.has_member(&u) {
            ch.members.push(u.clone());
            joined.push(u);
        }
    }
    let v = ch.to_json(&inviter, false, false);
    let code = ch.kind.event_code();
    for u in joined {
        let (id, inviter) = (id.clone(), inviter.clone());
        ctx.emit(|| {
            json!({"type": "member_joined_channel", "user": u, "channel": id, "channel_type": code, "inviter": inviter})
        });
    }
    ok(json!({"channel": v}))
}

pub(crate) fn kick(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let id = visible_channel(ws, &ctx.user, req, "channel")?;
    let user = req.nonempty("user").unwrap_or_default();
    if user == ctx.user {
        return Err(err("cant_kick_self"));
    }
    if ws.user(&user).is_none() {
        return Err(err("user_not_found"));
    }
    let ch = ws
        .channel_mut(&id)
        .ok_or_else(|| err("channel_not_found"))?;
    if ch.is_general {
        return Err(err("cant_kick_from_general"));
    }
    if !ch.has_member(&user) {
        return Err(err("not_in_channel"));
    }
    ch.members.retain(|m| *m != user);
    let code = ch.kind.event_code();
    ctx.emit(|| json!({"type": "member_left_channel", "user": user, "channel": id, "channel_type": code}));
    ok(json!({}))
}

pub(crate) fn rename(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let id = visible_channel(ws, &ctx.user, req, "channel")?;
    let name = req.str("name").unwrap_or_default();
    check_name(&name)?;
    if ws.channels.iter().any(|c| c.name == name && c.id != id) {
        return Err(err("name_taken"));
    }
    let user = ctx.user.clone();
    let ch = ws
        .channel_mut(&id)
        .ok_or_else(|| err("channel_not_found"))?;
    if matches!(ch.kind, Kind::Im | Kind::Mpim) {
        return Err(err("method_not_supported_for_channel_type"));
    }
    if ch.archived {
        return Err(err("is_archived"));
    }
    ch.name.clone_from(&name);
    let v = ch.to_json(&user, false, false);
    let created = ch.created;
    ctx.emit(|| json!({"type": "channel_rename", "channel": {"id": id, "name": name, "created": created}}));
    ok(json!({"channel": v}))
}

/// `conversations.setTopic` (`which` = `topic`) or `conversations.setPurpose`.
pub(crate) fn set_text(
    ws: &mut Workspace,
    ctx: &mut Ctx<'_>,
    req: &ApiRequest,
    which: &str,
) -> Outcome {
    let id = visible_channel(ws, &ctx.user, req, "channel")?;
    let text = req.str(which).unwrap_or_default();
    if text.chars().count() > 250 {
        return Err(err("too_long"));
    }
    let user = ctx.user.clone();
    let ch = ws
        .channel_mut(&id)
        .ok_or_else(|| err("channel_not_found"))?;
    if ch.archived {
        return Err(err("is_archived"));
    }
    if !ch.has_member(&user) {
        return Err(err("not_in_channel"));
    }
    if which == "topic" {
        ch.topic = text;
    } else {
        ch.purpose = text;
    }
    ok(json!({"channel": ch.to_json(&user, false, false)}))
}

/// A `ts` bound (`oldest`, `latest`); `invalid_ts_<name>` when not a timestamp.
fn ts_bound(req: &ApiRequest, name: &str) -> Result<Option<f64>, ApiError> {
    match req.nonempty(name) {
        None => Ok(None),
        Some(s) => s
            .trim()
            .parse::<f64>()
            .map(Some)
            .map_err(|_| err(&format!("invalid_ts_{name}"))),
    }
}

fn ts_num(m: &Message) -> f64 {
    m.get("ts")
        .and_then(Value::as_str)
        .and_then(|t| t.parse().ok())
        .unwrap_or(0.0)
}

fn ts_str(m: &Message) -> &str {
    m.get("ts").and_then(Value::as_str).unwrap_or("")
}

/// Whether a message shows in the channel's history: top level, thread roots and broadcasts.
fn is_top_level(m: &Message) -> bool {
    let ts = ts_str(m);
    m.get("thread_ts")
        .and_then(Value::as_str)
        .is_none_or(|t| t == ts)
        || m.get("subtype").and_then(Value::as_str) == Some("thread_broadcast")
}

/// A message as history and replies show it: its `metadata` only when the caller asked
/// with `include_all_metadata` (what a client needs to find a message by its metadata).
fn shown(m: &Message, with_metadata: bool) -> Value {
    let mut m = m.clone();
    if !with_metadata {
        m.remove("metadata");
    }
    Value::Object(m)
}

pub(crate) fn history(ws: &Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let id = readable_channel(ws, &ctx.user, req, "channel")?;
    let limit = limit(req, 100)?;
    let oldest = ts_bound(req, "oldest")?;
    let latest = ts_bound(req, "latest")?;
    let inclusive = req.bool("inclusive");
    let cursor = ts_cursor(req)?;
    // Newest first; a cursor names the newest message of the next page.
    let mut matching = ws
        .channel_messages(&id)
        .iter()
        .rev()
        .skip_while(|m| cursor.as_deref().is_some_and(|c| ts_str(m) > c))
        // Older than `oldest`: so is everything after it.
        .take_while(|m| oldest.is_none_or(|o| ts_num(m) >= o))
        .filter(|m| is_top_level(m))
        .filter(|m| {
            let t = ts_num(m);
            let lo = oldest.is_none_or(|o| if inclusive { t >= o } else { t > o });
            let hi = latest.is_none_or(|l| if inclusive { t <= l } else { t < l });
            lo && hi
        });
    let with_metadata = req.bool("include_all_metadata");
    let page: Vec<Value> = matching
        .by_ref()
        .take(limit)
        .map(|m| shown(m, with_metadata))
        .collect();
    let next = matching
        .next()
        .map(|m| encode(&format!("next_ts:{}", ts_str(m))));
    let has_more = next.is_some();
    ok(json!({
        "messages": page, "has_more": has_more, "pin_count": 0,
        "channel_actions_ts": Value::Null, "channel_actions_count": 0,
        "response_metadata": {"next_cursor": next.unwrap_or_default()},
    }))
}

pub(crate) fn replies(ws: &Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let id = readable_channel(ws, &ctx.user, req, "channel")?;
    let ts = req.nonempty("ts").unwrap_or_default();
    let (limit, offset) = page_args(req, 1000)?;
    let oldest = ts_bound(req, "oldest")?;
    let latest = ts_bound(req, "latest")?;
    let inclusive = req.bool("inclusive");
    let with_metadata = req.bool("include_all_metadata");
    let parent = ws
        .find_message(&id, &ts)
        .ok_or_else(|| err("thread_not_found"))?;
    let root = parent
        .get("thread_ts")
        .and_then(Value::as_str)
        .unwrap_or(&ts)
        .to_owned();
    // The root first, then its replies oldest first; the root is always on the first page.
    let items = ws
        .channel_messages(&id)
        .iter()
        .filter(|m| {
            ts_str(m) == root || m.get("thread_ts").and_then(Value::as_str) == Some(root.as_str())
        })
        .filter(|m| {
            if ts_str(m) == root {
                return true;
            }
            let t = ts_num(m);
            let lo = oldest.is_none_or(|o| if inclusive { t >= o } else { t > o });
            let hi = latest.is_none_or(|l| if inclusive { t <= l } else { t < l });
            lo && hi
        })
        .map(|m| shown(m, with_metadata));
    let (page, meta) = paginate(items, limit, offset);
    let has_more = meta["next_cursor"].as_str().is_some_and(|c| !c.is_empty());
    ok(json!({"messages": page, "has_more": has_more, "response_metadata": meta}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_names() {
        assert!(check_name("good-name_2").is_ok());
        for (name, code) in [
            ("", "invalid_name_required"),
            ("Bad Name!", "invalid_name_specials"),
            ("UPPER", "invalid_name_specials"),
            ("--", "invalid_name_punctuation"),
            (&"x".repeat(81), "invalid_name_maxlength"),
        ] {
            assert_eq!(
                check_name(name).map_err(|e| e.code),
                Err(code.to_owned()),
                "{name}"
            );
        }
    }
}
