//! `calls.*`: calls registered by a third-party call provider, with their participants.

use serde_json::{json, Value};

use super::helpers2::is_bot;
use super::{err, ok, ApiError, Ctx, Outcome};
use crate::state::Workspace;
use crate::wire::ApiRequest;

/// The `users` argument: a JSON array of `{slack_id}` or `{external_id, display_name}`;
/// `bad_users` when it is not one (or empty), `user_not_found` for an unknown `slack_id`.
fn participants(ws: &Workspace, req: &ApiRequest, required: bool) -> Result<Vec<Value>, ApiError> {
    let list = match req.json("users") {
        Ok(Some(Value::Array(a))) => a,
        Ok(None) if !required => return Ok(Vec::new()),
        _ => return Err(err("bad_users")),
    };
    if list.is_empty() && required {
        return Err(err("bad_users"));
    }
    let mut out = Vec::new();
    for u in list {
        let slack = u.get("slack_id").and_then(Value::as_str);
        let external = u.get("external_id").and_then(Value::as_str);
        match (slack, external) {
            (Some(id), _) => {
                if ws.user(id).is_none() {
                    return Err(err("user_not_found"));
                }
                out.push(json!({"slack_id": id}));
            }
            (None, Some(ext)) => out.push(json!({
                "external_id": ext,
                "display_name": u.get("display_name").cloned().unwrap_or(json!("")),
                "avatar_url": u.get("avatar_url").cloned().unwrap_or(json!("")),
            })),
            (None, None) => return Err(err("bad_users")),
        }
    }
    Ok(out)
}

fn same(a: &Value, b: &Value) -> bool {
    match (a.get("slack_id"), b.get("slack_id")) {
        (Some(x), Some(y)) => x == y,
        (None, None) => a.get("external_id") == b.get("external_id"),
        _ => false,
    }
}

pub(crate) fn add(ws: &mut Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let created_by = match req.nonempty("created_by") {
        Some(u) => {
            if ws.user(&u).is_none() {
                return Err(err("invalid_created_by"));
            }
            u
        }
        // A bot token must say who created the call.
        None if is_bot(ws, &ctx.user) => return Err(err("invalid_created_by")),
        None => ctx.user.clone(),
    };
    let date_start = match req.int("date_start") {
        Ok(Some(n)) if n > 0 => n,
        Ok(None) => i64::try_from(ws.now_secs()).unwrap_or(0),
        _ => return Err(err("invalid_start_time")),
    };
    let users = participants(ws, req, false)?;
    let id = ws.next_id("R");
    let call = json!({
        "id": id, "app_id": ws.app_id, "date_start": date_start,
        "external_unique_id": req.str("external_unique_id").unwrap_or_default(),
        "join_url": req.str("join_url").unwrap_or_default(),
        "desktop_app_join_url": req.str("desktop_app_join_url").unwrap_or_default(),
        "external_display_id": req.str("external_display_id").unwrap_or_default(),
        "title": req.str("title").unwrap_or_default(),
        "created_by": created_by,
        "users": users,
    });
    ws.extras.calls.insert(id, call.clone());
    ok(json!({ "call": call }))
}

fn find<'a>(ws: &'a mut Workspace, req: &ApiRequest) -> Result<&'a mut Value, ApiError> {
    let id = req.nonempty("id").unwrap_or_default();
    ws.extras
        .calls
        .get_mut(&id)
        .ok_or_else(|| err("invalid_call_id"))
}

pub(crate) fn info(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    let call = find(ws, req)?.clone();
    ok(json!({ "call": call }))
}

pub(crate) fn update(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    let call = find(ws, req)?;
    for k in ["title", "join_url", "desktop_app_join_url"] {
        if let Some(v) = req.str(k) {
            call[k] = json!(v);
        }
    }
    ok(json!({ "call": call.clone() }))
}

pub(crate) fn end(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    let now = ws.now_secs();
    let duration = req.int("duration").map_err(|()| err("invalid_arguments"))?;
    let call = find(ws, req)?;
    if call.get("date_end").is_some() {
        return Err(err("inactive_call"));
    }
    let start = call["date_start"].as_u64().unwrap_or(now);
    let end = match duration {
        Some(d) => start.saturating_add(u64::try_from(d.max(0)).unwrap_or(0)),
        None => now.max(start),
    };
    call["date_end"] = json!(end);
    ok(json!({}))
}

/// `calls.participants.add` (`add`) or `.remove`.
pub(crate) fn change_participants(ws: &mut Workspace, req: &ApiRequest, add: bool) -> Outcome {
    find(ws, req)?;
    let users = participants(ws, req, true)?;
    let call = find(ws, req)?;
    if call.get("date_end").is_some() {
        return Err(err("inactive_call"));
    }
    let mut list = call["users"].as_array().cloned().unwrap_or_default();
    for u in users {
        let present = list.iter().any(|x| same(x, &u));
        if add && !present {
            list.push(u);
        } else if !add {
            list.retain(|x| !same(x, &u));
        }
    }
    call["users"] = Value::Array(list);
    ok(json!({}))
}
