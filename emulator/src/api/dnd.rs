//! `dnd.setSnooze`, `dnd.endSnooze`, `dnd.endDnd`, `dnd.info`, `dnd.teamInfo`: snoozes
//! that end on the emulator's clock, with `dnd_updated` (to the user) and
//! `dnd_updated_user` (to everyone) events. Users have no Do Not Disturb schedule: outside a
//! snooze they are available.

use serde_json::{json, Value};

use super::{err, ok, ApiError, Ctx, Outcome};
use crate::state::{Dnd, Workspace};
use crate::wire::ApiRequest;

/// The longest snooze accepted, in minutes (one day; longer answers `too_long`).
const MAX_SNOOZE_MINUTES: i64 = 24 * 60;

fn now(ws: &Workspace) -> i64 {
    i64::try_from(ws.now_secs()).unwrap_or(i64::MAX)
}

/// The snooze end of `user`, if snoozing now.
fn snooze_end(ws: &Workspace, user: &str) -> Option<i64> {
    let now = now(ws);
    ws.dnd
        .get(user)
        .and_then(|d| d.snooze_endtime)
        .filter(|end| *end > now)
}

/// What everyone sees of `user`'s Do Not Disturb.
fn status(ws: &Workspace, user: &str) -> Value {
    match snooze_end(ws, user) {
        Some(end) => {
            json!({"dnd_enabled": true, "next_dnd_start_ts": now(ws), "next_dnd_end_ts": end})
        }
        None => json!({"dnd_enabled": false, "next_dnd_start_ts": 1, "next_dnd_end_ts": 1}),
    }
}

/// Tell connections that `user`'s Do Not Disturb changed.
fn emit_change(ws: &Workspace, ctx: &mut Ctx<'_>, user: &str) {
    let st = status(ws, user);
    let ts = format!("{}.000000", now(ws));
    let mine = {
        let mut s = st.clone();
        s["snooze_enabled"] = json!(snooze_end(ws, user).is_some());
        if let Some(end) = snooze_end(ws, user) {
            s["snooze_endtime"] = json!(end);
        }
        s
    };
    let (u, t) = (user.to_owned(), ts.clone());
    ctx.emit_for(
        Some(user.to_owned()),
        || json!({"type": "dnd_updated", "user": u, "dnd_status": mine, "event_ts": t}),
    );
    let u = user.to_owned();
    ctx.emit(|| json!({"type": "dnd_updated_user", "user": u, "dnd_status": st, "event_ts": ts}));
}

/// Snoozing is for people: a bot token gets `not_allowed_token_type`.
fn human(ws: &Workspace, ctx: &Ctx<'_>) -> Result<(), ApiError> {
    if ws.user(&ctx.user).is_none_or(|u| u.is_bot) {
        return Err(err("not_allowed_token_type"));
    }
    Ok(())
}

pub(crate) fn set_snooze(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    human(ws, ctx)?;
    let minutes = match req.int("num_minutes") {
        Ok(Some(n)) if n > 0 => n,
        Ok(_) => return Err(err("missing_duration")),
        Err(()) => return Err(err("missing_duration")),
    };
    if minutes > MAX_SNOOZE_MINUTES {
        return Err(err("too_long"));
    }
    let end = now(ws) + minutes * 60;
    ws.dnd.insert(
        ctx.user.clone(),
        Dnd {
            snooze_endtime: Some(end),
        },
    );
    ws.clock.wake();
    let user = ctx.user.clone();
    emit_change(ws, ctx, &user);
    ok(json!({
        "snooze_enabled": true, "snooze_endtime": end, "snooze_remaining": minutes * 60,
        "snooze_is_indefinite": false,
    }))
}

pub(crate) fn end_snooze(ws: &mut Workspace, ctx: &mut Ctx<'_>) -> Outcome {
    human(ws, ctx)?;
    if snooze_end(ws, &ctx.user).is_none() {
        return Err(err("snooze_not_active"));
    }
    ws.dnd.remove(&ctx.user);
    let user = ctx.user.clone();
    emit_change(ws, ctx, &user);
    let mut out = status(ws, &user);
    out["snooze_enabled"] = json!(false);
    ok(out)
}

pub(crate) fn end_dnd(ws: &mut Workspace, ctx: &mut Ctx<'_>) -> Outcome {
    human(ws, ctx)?;
    if snooze_end(ws, &ctx.user).is_none() {
        return Err(err("not_in_dnd"));
    }
    ws.dnd.remove(&ctx.user);
    let user = ctx.user.clone();
    emit_change(ws, ctx, &user);
    ok(json!({}))
}

pub(crate) fn info(ws: &Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let user = req.nonempty("user").unwrap_or_else(|| ctx.user.clone());
    if ws.user(&user).is_none() {
        return Err(err("user_not_found"));
    }
    let mut out = status(ws, &user);
    if user == ctx.user {
        let end = snooze_end(ws, &user);
        out["snooze_enabled"] = json!(end.is_some());
        if let Some(end) = end {
            out["snooze_endtime"] = json!(end);
            out["snooze_remaining"] = json!(end - now(ws));
            out["snooze_is_indefinite"] = json!(false);
        }
    }
    ok(out)
}

pub(crate) fn team_info(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let users = req.list("users");
    if users.is_empty() {
        return Err(err("no_users_provided"));
    }
    let mut out = serde_json::Map::new();
    for u in users {
        if ws.user(&u).is_some() {
            out.insert(u.clone(), status(ws, &u));
        }
    }
    ok(json!({"users": out}))
}

/// End every snooze whose time has come.
pub(crate) fn fire_due(ws: &mut Workspace, ctx: &mut Ctx<'_>, now: i64) {
    let ended: Vec<String> = ws
        .dnd
        .iter()
        .filter(|(_, d)| d.snooze_endtime.is_some_and(|end| end <= now))
        .map(|(u, _)| u.clone())
        .collect();
    for user in ended {
        ws.dnd.remove(&user);
        emit_change(ws, ctx, &user);
    }
}
