//! `conversations.*`.

use serde_json::{json, Value};

use super::{err, ok, page_args, paginate, visible_channel, Ctx, Outcome};
use crate::state::{Channel, Kind, Workspace};
use crate::wire::ApiRequest;

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().count() <= 80
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

pub(crate) fn open(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    if let Some(ch) = req.nonempty("channel") {
        let id =
            visible_channel(ws, &ctx.user, req, "channel").map_err(|_| err("channel_not_found"))?;
        let _ = ch;
        let c = ws.channel(&id).ok_or_else(|| err("channel_not_found"))?;
        return ok(json!({"no_op": true, "already_open": true, "channel": {"id": c.id}}));
    }
    let mut users = req.list("users");
    if users.is_empty() {
        return Err(err("users_list_not_supplied"));
    }
    if users.len() > 8 {
        return Err(err("too_many_users"));
    }
    for u in &users {
        if ws.user(u).is_none() {
            return Err(err("user_not_found"));
        }
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
        c.kind == kind && {
            let mut m = c.members.clone();
            m.sort();
            m == users
        }
    });
    let full = req.bool("return_im");
    if let Some(c) = existing {
        let channel = if full {
            c.to_json(&ctx.user, false, false)
        } else {
            json!({"id": c.id})
        };
        return ok(json!({"no_op": true, "already_open": true, "channel": channel}));
    }
    if req.bool("prevent_creation") {
        return Err(err("channel_not_found"));
    }
    let id = ws.next_id(if kind == Kind::Im { "D" } else { "G" });
    let name = if kind == Kind::Mpim {
        let names: Vec<String> = users
            .iter()
            .filter_map(|u| ws.user(u).map(|u| u.name.clone()))
            .collect();
        format!("mpdm-{}-1", names.join("--"))
    } else {
        String::new()
    };
    let ch = Channel {
        id: id.clone(),
        name,
        kind,
        created: 1_700_000_000,
        creator: ctx.user.clone(),
        members: users,
        archived: false,
        topic: String::new(),
        purpose: String::new(),
        is_general: false,
    };
    let json_ch = ch.to_json(&ctx.user, false, false);
    ws.channels.push(ch);
    if kind == Kind::Im {
        ctx.emit(json!({"type": "im_created", "user": ctx.user, "channel": json_ch}));
    }
    let channel = if full { json_ch } else { json!({"id": id}) };
    ok(json!({"channel": channel}))
}

pub(crate) fn create(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let name = req.nonempty("name").unwrap_or_default();
    if !valid_name(&name) {
        return Err(err("invalid_name_specials"));
    }
    if ws.channels.iter().any(|c| c.name == name) {
        return Err(err("name_taken"));
    }
    let private = req.bool("is_private");
    let id = ws.next_id(if private { "G" } else { "C" });
    let ch = Channel {
        id,
        name,
        kind: if private { Kind::Private } else { Kind::Public },
        created: 1_700_000_000,
        creator: ctx.user.clone(),
        members: vec![ctx.user.clone()],
        archived: false,
        topic: String::new(),
        purpose: String::new(),
        is_general: false,
    };
    let v = ch.to_json(&ctx.user, false, false);
    ws.channels.push(ch);
    ctx.emit(json!({"type": "channel_created", "channel": {"id": v["id"], "name": v["name"], "created": v["created"], "creator": ctx.user}}));
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
    if archive && !ch.members.contains(&user) {
        return Err(err("not_in_channel"));
    }
    ch.archived = archive;
    ctx.emit(json!({"type": if archive { "channel_archive" } else { "channel_unarchive" }, "channel": id, "user": user}));
    ok(json!({}))
}

pub(crate) fn list(ws: &Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let (limit, offset) = page_args(req, 100)?;
    let types = req.list("types");
    let types: Vec<&str> = if types.is_empty() {
        vec!["public_channel"]
    } else {
        types.iter().map(String::as_str).collect()
    };
    if let Some(bad) = types
        .iter()
        .find(|t| !["public_channel", "private_channel", "im", "mpim"].contains(t))
    {
        return Err(err("invalid_types").with("detail", format!("unknown type {bad}")));
    }
    let exclude_archived = req.bool("exclude_archived");
    let items: Vec<Value> = ws
        .channels
        .iter()
        .filter(|c| types.contains(&c.kind.type_name()))
        .filter(|c| c.kind == Kind::Public || c.members.contains(&ctx.user))
        .filter(|c| !(exclude_archived && c.archived))
        .map(|c| c.to_json(&ctx.user, true, false))
        .collect();
    let (page, meta) = paginate(items, limit, offset);
    ok(json!({"channels": page, "response_metadata": meta}))
}

pub(crate) fn info(ws: &Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let id = visible_channel(ws, &ctx.user, req, "channel")?;
    let ch = ws.channel(&id).ok_or_else(|| err("channel_not_found"))?;
    ok(
        json!({"channel": ch.to_json(&ctx.user, req.bool("include_num_members"), req.bool("include_locale"))}),
    )
}

pub(crate) fn members(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let (limit, offset) = page_args(req, 100)?;
    let id = req
        .nonempty("channel")
        .and_then(|c| ws.resolve_channel(&c))
        .ok_or_else(|| err("channel_not_found"))?;
    let ch = ws.channel(&id).ok_or_else(|| err("channel_not_found"))?;
    let items = ch.members.iter().map(|m| json!(m)).collect();
    let (page, meta) = paginate(items, limit, offset);
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
    if ch.members.contains(&user) {
        let v = ch.to_json(&user, false, false);
        return ok(
            json!({"channel": v, "warning": "already_in_channel", "response_metadata": {"warnings": ["already_in_channel"]}}),
        );
    }
    ch.members.push(user.clone());
    let v = ch.to_json(&user, false, false);
    let ts = ws.next_ts();
    ctx.emit(json!({"type": "member_joined_channel", "user": user, "channel": id, "channel_type": "C", "team": ws.team_id}));
    ws.messages.entry(id.clone()).or_default().push(
        json!({"type": "message", "subtype": "channel_join", "user": user, "text": format!("<@{user}> has joined the channel"), "ts": ts})
            .as_object()
            .cloned()
            .unwrap_or_default(),
    );
    ok(json!({"channel": v}))
}

pub(crate) fn leave(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let id = visible_channel(ws, &ctx.user, req, "channel")?;
    let user = ctx.user.clone();
    let ch = ws
        .channel_mut(&id)
        .ok_or_else(|| err("channel_not_found"))?;
    if ch.is_general {
        return Err(err("cant_leave_general"));
    }
    if ch.kind == Kind::Im {
        return Err(err("method_not_supported_for_channel_type"));
    }
    if !ch.members.contains(&user) {
        return ok(json!({"not_in_channel": true}));
    }
    ch.members.retain(|m| *m != user);
    ctx.emit(json!({"type": "member_left_channel", "user": user, "channel": id, "channel_type": "C", "team": ws.team_id}));
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
    let ch = ws
        .channel_mut(&id)
        .ok_or_else(|| err("channel_not_found"))?;
    if ch.archived {
        return Err(err("is_archived"));
    }
    if !ch.members.contains(&inviter) {
        return Err(err("not_in_channel"));
    }
    if users.iter().all(|u| ch.members.contains(u)) {
        return Err(err("already_in_channel"));
    }
    let mut joined = Vec::new();
    for u in users {
        if !ch.members.contains(&u) {
            ch.members.push(u.clone());
            joined.push(u);
        }
    }
    let v = ch.to_json(&inviter, false, false);
    for u in joined {
        ctx.emit(
            json!({"type": "member_joined_channel", "user": u, "channel": id, "inviter": inviter}),
        );
    }
    ok(json!({"channel": v}))
}

pub(crate) fn kick(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let id = visible_channel(ws, &ctx.user, req, "channel")?;
    let user = req.nonempty("user").unwrap_or_default();
    if user == ctx.user {
        return Err(err("cant_kick_self"));
    }
    let ch = ws
        .channel_mut(&id)
        .ok_or_else(|| err("channel_not_found"))?;
    if !ch.members.contains(&user) {
        return Err(err("not_in_channel"));
    }
    ch.members.retain(|m| *m != user);
    ctx.emit(json!({"type": "member_left_channel", "user": user, "channel": id}));
    ok(json!({}))
}

pub(crate) fn rename(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let id = visible_channel(ws, &ctx.user, req, "channel")?;
    let name = req.nonempty("name").unwrap_or_default();
    if !valid_name(&name) {
        return Err(err("invalid_name_specials"));
    }
    if ws.channels.iter().any(|c| c.name == name && c.id != id) {
        return Err(err("name_taken"));
    }
    let user = ctx.user.clone();
    let ch = ws
        .channel_mut(&id)
        .ok_or_else(|| err("channel_not_found"))?;
    ch.name = name.clone();
    let v = ch.to_json(&user, false, false);
    ctx.emit(json!({"type": "channel_rename", "channel": {"id": id, "name": name}}));
    ok(json!({"channel": v}))
}

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
    if which == "topic" {
        ch.topic = text;
    } else {
        ch.purpose = text;
    }
    let v = ch.to_json(&user, false, false);
    ok(json!({"channel": v}))
}

fn ts_bound(req: &ApiRequest, name: &str) -> Option<f64> {
    req.nonempty(name).and_then(|s| s.parse::<f64>().ok())
}

fn in_range(ts: &str, oldest: Option<f64>, latest: Option<f64>, inclusive: bool) -> bool {
    let Ok(t) = ts.parse::<f64>() else {
        return false;
    };
    let lo = oldest.is_none_or(|o| if inclusive { t >= o } else { t > o });
    let hi = latest.is_none_or(|l| if inclusive { t <= l } else { t < l });
    lo && hi
}

pub(crate) fn history(ws: &Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let id = visible_channel(ws, &ctx.user, req, "channel")?;
    let (limit, offset) = page_args(req, 100)?;
    let (oldest, latest, inclusive) = (
        ts_bound(req, "oldest"),
        ts_bound(req, "latest"),
        req.bool("inclusive"),
    );
    // Newest first; thread replies appear only when broadcast.
    let items: Vec<Value> = ws
        .messages
        .get(&id)
        .map(|msgs| {
            msgs.iter()
                .rev()
                .filter(|m| {
                    let ts = m.get("ts").and_then(Value::as_str).unwrap_or("");
                    let thread = m.get("thread_ts").and_then(Value::as_str);
                    let top = thread.is_none_or(|t| t == ts)
                        || m.get("subtype").and_then(Value::as_str) == Some("thread_broadcast");
                    top && in_range(ts, oldest, latest, inclusive)
                })
                .map(|m| Value::Object(m.clone()))
                .collect()
        })
        .unwrap_or_default();
    let total = items.len();
    let (page, meta) = paginate(items, limit, offset);
    let has_more = offset + page.len() < total;
    ok(json!({"messages": page, "has_more": has_more, "pin_count": 0, "response_metadata": meta}))
}

pub(crate) fn replies(ws: &Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let id = visible_channel(ws, &ctx.user, req, "channel")?;
    let ts = req.nonempty("ts").unwrap_or_default();
    let (limit, offset) = page_args(req, 100)?;
    let parent = ws
        .find_message(&id, &ts)
        .ok_or_else(|| err("thread_not_found"))?;
    let root = parent
        .get("thread_ts")
        .and_then(Value::as_str)
        .unwrap_or(&ts)
        .to_owned();
    let items: Vec<Value> = ws
        .messages
        .get(&id)
        .map(|msgs| {
            msgs.iter()
                .filter(|m| {
                    let mts = m.get("ts").and_then(Value::as_str);
                    mts == Some(root.as_str())
                        || m.get("thread_ts").and_then(Value::as_str) == Some(root.as_str())
                })
                .map(|m| Value::Object(m.clone()))
                .collect()
        })
        .unwrap_or_default();
    let total = items.len();
    let (page, meta) = paginate(items, limit, offset);
    ok(
        json!({"messages": page, "has_more": offset + page.len() < total, "response_metadata": meta}),
    )
}
