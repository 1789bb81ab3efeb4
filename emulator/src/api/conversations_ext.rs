//! `conversations.*` beyond the everyday ones: read marks (`mark`), closing IMs (`close`),
//! and Slack Connect — invites out (`inviteShared`, `listConnectInvites`), invites in
//! (`acceptSharedInvite`, `approveSharedInvite`, `declineSharedInvite`), members' requests
//! to invite outsiders (`requestSharedInvite.*`) and per-organisation invite permissions.

use serde_json::{json, Value};

use super::conversations::check_name;
use super::paging::{page_args, paginate};
use super::{err, ok, visible_channel, ApiError, Ctx, Outcome};
use crate::state::{Channel, ConnectInvite, InviteRequest, Kind, Workspace};
use crate::wire::ApiRequest;

/// Longest note on an invite request answer.
const MAX_MESSAGE: usize = 4_000;
/// Most email addresses one `inviteShared` call takes.
const MAX_EMAILS: usize = 3;

pub(crate) fn mark(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let id = visible_channel(ws, &ctx.user, req, "channel")?;
    let ts = req.nonempty("ts").unwrap_or_default();
    if ts.parse::<f64>().is_err() || !ts.contains('.') {
        return Err(err("invalid_timestamp"));
    }
    let ch = ws.channel(&id).ok_or_else(|| err("channel_not_found"))?;
    if !ch.has_member(&ctx.user) {
        return Err(err("not_in_channel"));
    }
    let kind = ch.kind;
    let unread = ws
        .channel_messages(&id)
        .iter()
        .filter(|m| {
            m.get("ts")
                .and_then(Value::as_str)
                .is_some_and(|t| t > ts.as_str())
        })
        .count();
    ws.collab
        .last_read
        .entry(id.clone())
        .or_default()
        .insert(ctx.user.clone(), ts.clone());
    let event = match kind {
        Kind::Public => "channel_marked",
        Kind::Private => "group_marked",
        Kind::Im => "im_marked",
        Kind::Mpim => "mpim_marked",
    };
    let user = ctx.user.clone();
    let event_ts = ws.next_ts();
    ctx.emit_for(Some(user), || {
        json!({
            "type": event, "channel": id, "ts": ts, "unread_count": unread,
            "unread_count_display": unread, "num_mentions": 0, "num_mentions_display": 0,
            "mention_count": 0, "mention_count_display": 0, "event_ts": event_ts,
        })
    });
    ok(json!({}))
}

pub(crate) fn close(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let id = visible_channel(ws, &ctx.user, req, "channel")?;
    let ch = ws.channel(&id).ok_or_else(|| err("channel_not_found"))?;
    if !matches!(ch.kind, Kind::Im | Kind::Mpim) {
        return Err(err("method_not_supported_for_channel_type"));
    }
    if !ch.has_member(&ctx.user) {
        return Err(err("user_does_not_own_channel"));
    }
    let kind = ch.kind;
    let closed = ws.collab.closed.entry(ctx.user.clone()).or_default();
    if !closed.insert(id.clone()) {
        return ok(json!({"no_op": true, "already_closed": true}));
    }
    let user = ctx.user.clone();
    let target = user.clone();
    ctx.emit_for(Some(target), || {
        let kind = if kind == Kind::Im {
            "im_close"
        } else {
            "mpim_close"
        };
        json!({"type": kind, "user": user, "channel": id})
    });
    ok(json!({}))
}

// ===== requests to invite outsiders =====

fn team_json(ws: &Workspace) -> Value {
    json!({
        "id": ws.team_id, "name": ws.team_name, "domain": ws.domain,
        "icon": {"image_default": true}, "is_verified": false,
        "date_created": 1_700_000_000, "requires_sponsorship": false,
    })
}

fn request_json(ws: &Workspace, r: &InviteRequest) -> Value {
    let user = ws.user(&r.user);
    let channel = ws.channel(&r.channel);
    json!({
        "id": r.id, "date_created": r.created, "expires_at": r.expires_at,
        "inviting_team": team_json(ws),
        "inviting_user": {
            "id": r.user, "team_id": ws.team_id,
            "name": user.map(|u| u.name.clone()),
            "updated": 1_700_000_000, "who_can_share_contact_card": "EVERYONE",
            "profile": {
                "real_name": user.map(|u| u.real_name.clone()),
                "display_name": user.map(|u| u.name.clone()),
                "real_name_normalized": user.map(|u| u.real_name.clone()),
                "display_name_normalized": user.map(|u| u.name.clone()),
                "team": ws.team_id, "email": user.map(|u| u.email.clone()),
            },
        },
        // As Slack records the answer: one `target_user` per request, no `status` (a
        // request's state shows in which `include_*` filters list it).
        "target_user": {"recipient_email": r.email},
        "is_external_limited": false,
        "date_last_updated": r.created,
        "channel": {
            "id": r.channel, "is_im": false,
            "is_private": channel.is_some_and(|c| c.kind != Kind::Public),
            "date_created": channel.map_or(0, |c| c.created),
            "name": channel.map(|c| c.name.clone()),
        },
    })
}

pub(crate) fn request_list(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let (limit, offset) = page_args(req, 50)?;
    let now = ws.now_secs();
    let user = req.nonempty("user_id");
    let ids = req.list("invite_ids");
    let items = ws
        .collab
        .invite_requests
        .iter()
        .filter(|r| user.as_ref().is_none_or(|u| *u == r.user))
        .filter(|r| ids.is_empty() || ids.contains(&r.id))
        .filter(|r| match r.status.as_str() {
            "approved" => req.bool("include_approved"),
            "denied" => req.bool("include_denied"),
            _ => r.expires_at > now || req.bool("include_expired"),
        })
        .map(|r| request_json(ws, r));
    let (page, meta) = paginate(items, limit, offset);
    ok(json!({"invite_requests": page, "response_metadata": meta}))
}

/// `requestSharedInvite.approve` (`approve`) or `.deny`.
pub(crate) fn request_answer(ws: &mut Workspace, req: &ApiRequest, approve: bool) -> Outcome {
    if req
        .str("message")
        .is_some_and(|m| m.chars().count() > MAX_MESSAGE)
    {
        return Err(err("message_too_long"));
    }
    let id = req.nonempty("invite_id").unwrap_or_default();
    let now = ws.now_secs();
    let r = ws
        .collab
        .invite_requests
        .iter()
        .find(|r| r.id == id)
        .ok_or_else(|| err("invite_not_found"))?;
    match r.status.as_str() {
        "approved" => return Err(err("invite_already_approved")),
        "denied" => return Err(err("invite_already_denied")),
        _ if r.expires_at <= now => return Err(err("invite_expired")),
        _ => {}
    }
    if approve {
        if let Some(c) = req.nonempty("channel_id") {
            if ws.channel(&c).is_none() {
                return Err(err("channel_not_found"));
            }
        }
    }
    if let Some(r) = ws.collab.invite_requests.iter_mut().find(|r| r.id == id) {
        r.status = if approve { "approved" } else { "denied" }.into();
        if approve {
            if let Some(c) = req.nonempty("channel_id") {
                r.channel = c;
            }
        }
    }
    ok(json!({}))
}

pub(crate) fn external_permissions_set(
    ws: &mut Workspace,
    ctx: &Ctx<'_>,
    req: &ApiRequest,
) -> Outcome {
    let channel = visible_channel(ws, &ctx.user, req, "channel")?;
    let action = req.nonempty("action").unwrap_or_default();
    if action != "upgrade" && action != "downgrade" {
        return Err(err("invalid_action"));
    }
    let target = req.nonempty("target_team").unwrap_or_default();
    let team = ws
        .collab
        .external_teams
        .iter_mut()
        .find(|t| t.id == target && t.connected)
        .ok_or_else(|| err("invalid_target_team"))?;
    team.permissions.insert(channel, action);
    ok(json!({}))
}

// ===== Slack Connect invites =====

fn valid_email(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !e.contains(' ')
}

pub(crate) fn invite_shared(ws: &mut Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let channel = visible_channel(ws, &ctx.user, req, "channel")?;
    let emails = req.list("emails");
    let user_ids = req.list("user_ids");
    if emails.is_empty() && user_ids.is_empty() {
        return Err(err("recipients_not_specified"));
    }
    if emails.len() > MAX_EMAILS {
        return Err(err("too_many_emails"));
    }
    if emails.iter().any(|e| !valid_email(e)) {
        return Err(err("invalid_email"));
    }
    if user_ids.iter().any(|u| ws.user(u).is_none()) {
        return Err(err("user_not_found"));
    }
    let ch = ws
        .channel(&channel)
        .ok_or_else(|| err("channel_not_found"))?;
    if matches!(ch.kind, Kind::Im | Kind::Mpim) {
        return Err(err("invalid_channel_type"));
    }
    if ch.archived {
        return Err(err("channel_archived"));
    }
    if ch.is_general {
        return Err(err("cannot_share_mandatory_channel"));
    }
    if !ch.has_member(&ctx.user) {
        return Err(err("not_in_channel"));
    }
    if user_ids.iter().any(|u| ch.has_member(u)) {
        return Err(err("already_in_channel"));
    }
    let name = ch.name.clone();
    let id = ws.next_id("I");
    let conf = ws.opaque_id();
    ws.collab.connect_invites.push(ConnectInvite {
        id: id.clone(),
        incoming: false,
        from_team: ws.team_id.clone(),
        channel_name: name,
        channel,
        inviter: ctx.user.clone(),
        emails,
        user_ids,
        created: ws.now_secs(),
        status: "sent".into(),
    });
    let code: String = conf
        .chars()
        .filter(char::is_ascii_hexdigit)
        .take(10)
        .collect();
    ok(json!({
        "invite_id": id, "url": format!("https://join.slack.com/share/{code}"),
        "conf_code": code, "is_legacy_shared_channel": false,
    }))
}

fn connect_json(ws: &Workspace, i: &ConnectInvite) -> Value {
    let inviting_team = if i.incoming {
        let t = ws
            .collab
            .external_teams
            .iter()
            .find(|t| t.id == i.from_team);
        json!({
            "id": i.from_team, "name": t.map(|t| t.name.clone()),
            "domain": t.map(|t| t.domain.clone()), "icon": {"image_default": true},
            "is_verified": false, "date_created": 1_700_000_000, "requires_sponsorship": false,
        })
    } else {
        team_json(ws)
    };
    json!({
        "direction": if i.incoming { "incoming" } else { "outgoing" },
        "status": i.status, "date_last_updated": i.created,
        "invite_type": "channel",
        "invite": {
            "id": i.id, "date_created": i.created, "date_invalid": i.created + 14 * 86_400,
            "inviting_team": inviting_team,
            "inviting_user": {"id": i.inviter, "team_id": i.from_team},
            "recipient_email": i.emails.first(),
            "recipient_user_id": i.user_ids.first(),
        },
        "channel": {"id": i.channel, "is_im": false, "is_private": false, "name": i.channel_name},
        "acceptances": [],
    })
}

pub(crate) fn list_connect_invites(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let (limit, offset) = match req.int("count") {
        Ok(Some(n)) if n > 0 && !req.has("limit") => {
            let (_, o) = page_args(req, 100)?;
            (usize::try_from(n).unwrap_or(100).min(1000), o)
        }
        _ => page_args(req, 100)?,
    };
    let items = ws
        .collab
        .connect_invites
        .iter()
        .map(|i| connect_json(ws, i));
    let (page, meta) = paginate(items, limit, offset);
    ok(json!({"invites": page, "response_metadata": meta}))
}

fn connect_invite<'a>(ws: &'a Workspace, id: &str) -> Result<&'a ConnectInvite, ApiError> {
    ws.collab
        .connect_invites
        .iter()
        .find(|i| i.id == id)
        .ok_or_else(|| err("invite_not_found"))
}

fn set_status(ws: &mut Workspace, id: &str, status: &str) {
    if let Some(i) = ws.collab.connect_invites.iter_mut().find(|i| i.id == id) {
        i.status = status.into();
    }
}

pub(crate) fn accept_shared(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let name = req.str("channel_name").unwrap_or_default();
    check_name(&name)?;
    let id = match (req.nonempty("invite_id"), req.nonempty("channel_id")) {
        (Some(i), _) => i,
        (None, Some(c)) => ws
            .collab
            .connect_invites
            .iter()
            .find(|i| i.channel == c)
            .map(|i| i.id.clone())
            .ok_or_else(|| err("invite_not_found"))?,
        (None, None) => return Err(err("invite_not_found")),
    };
    let invite = connect_invite(ws, &id)?;
    if !invite.incoming {
        return Err(err("invite_from_same_org"));
    }
    if invite.status != "sent" {
        return Err(err("invite_used"));
    }
    if ws.channels.iter().any(|c| c.name == name) {
        return Err(err("name_taken"));
    }
    let channel_id = invite.channel.clone();
    let private = req.bool("is_private");
    let user = ctx.user.clone();
    ws.channels.push(Channel {
        id: channel_id.clone(),
        name,
        kind: if private { Kind::Private } else { Kind::Public },
        created: i64::try_from(ws.now_secs()).unwrap_or(0),
        creator: invite.inviter.clone(),
        members: vec![user.clone()],
        archived: false,
        topic: String::new(),
        purpose: String::new(),
        is_general: false,
    });
    set_status(ws, &id, "accepted");
    let v = ws
        .channel(&channel_id)
        .map(|c| c.to_json(&user, false, false));
    ctx.emit(|| json!({"type": "shared_channel_invite_accepted", "approval_required": false, "invite": {"id": id}, "channel": v, "accepting_user": {"id": user}}));
    ok(json!({"implicit_approval": true, "channel_id": channel_id, "invite_id": id}))
}

/// `conversations.approveSharedInvite` (`approve`) or `conversations.declineSharedInvite`.
pub(crate) fn answer_shared(ws: &mut Workspace, req: &ApiRequest, approve: bool) -> Outcome {
    let id = req.nonempty("invite_id").unwrap_or_default();
    let invite = connect_invite(ws, &id)?;
    if let Some(t) = req.nonempty("target_team") {
        if t != ws.team_id && !ws.collab.external_teams.iter().any(|e| e.id == t) {
            return Err(err(if approve {
                "invalid_target_team"
            } else {
                "missing_target_team"
            }));
        }
    }
    match invite.status.as_str() {
        "approved" if approve => return Err(err("already_approved")),
        "approved" | "declined" => return Err(err("approval_inactive")),
        _ => {}
    }
    set_status(ws, &id, if approve { "approved" } else { "declined" });
    ok(json!({}))
}
