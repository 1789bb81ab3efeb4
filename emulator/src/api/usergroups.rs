//! `usergroups.*`: create, update, disable, enable, list, and their members. Changes emit
//! `subteam_created`, `subteam_updated`, `subteam_members_changed`, and
//! `subteam_self_added`/`subteam_self_removed` to the members concerned.

use serde_json::{json, Value};

use super::{err, ok, ApiError, Ctx, Outcome};
use crate::state::{Usergroup, Workspace};
use crate::wire::ApiRequest;

/// Slack's limits.
const MAX_NAME: usize = 255;
const MAX_DESCRIPTION: usize = 140;
const MAX_HANDLE: usize = 21;
const MAX_CHANNELS: usize = 100;

/// Handles Slack keeps for itself.
const RESERVED_HANDLES: &[&str] = &["channel", "here", "everyone", "group", "all", "slackbot"];

/// Slack's `usergroup` object.
fn group_json(ws: &Workspace, g: &Usergroup, users: bool, count: bool) -> Value {
    let mut v = json!({
        "id": g.id, "team_id": ws.team_id, "is_usergroup": true, "is_subteam": true,
        "name": g.name, "description": g.description, "handle": g.handle, "is_external": false,
        "date_create": g.date_create, "date_update": g.date_update, "date_delete": g.date_delete,
        "auto_type": null, "auto_provision": false, "enterprise_subteam_id": "",
        "created_by": g.created_by, "updated_by": g.updated_by, "deleted_by": g.deleted_by,
        "prefs": {"channels": g.channels, "groups": []},
    });
    if users {
        v["users"] = json!(g.users);
    }
    if count {
        v["user_count"] = json!(g.users.len());
        v["channel_count"] = json!(g.channels.len());
    }
    v
}

/// A handle from a name: lower case, words joined by `-`.
fn handle_from(name: &str) -> String {
    let h: String = name
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("-");
    h.chars()
        .filter(|c| c.is_alphanumeric() || "-_.".contains(*c))
        .take(MAX_HANDLE)
        .collect()
}

/// The checks on a new or changed name, handle, description and channels.
fn check(
    ws: &Workspace,
    own: Option<&str>,
    name: Option<&str>,
    handle: Option<&str>,
    description: Option<&str>,
    channels: &[String],
) -> Result<(), ApiError> {
    let others = || {
        ws.collab
            .usergroups
            .iter()
            .filter(|g| Some(g.id.as_str()) != own)
    };
    if let Some(name) = name {
        if name.trim().is_empty() {
            return Err(err("missing_subteam_name"));
        }
        if name.chars().count() > MAX_NAME {
            return Err(err("name_too_long"));
        }
        if others().any(|g| g.name.eq_ignore_ascii_case(name)) {
            return Err(err("name_already_exists"));
        }
    }
    if let Some(h) = handle {
        if h.is_empty()
            || h.chars().count() > MAX_HANDLE
            || !h
                .chars()
                .all(|c| (c.is_alphanumeric() && !c.is_uppercase()) || "-_.".contains(c))
        {
            return Err(err("bad_handle"));
        }
        if RESERVED_HANDLES.contains(&h) {
            return Err(err("forbidden_handle"));
        }
        if others().any(|g| g.handle == h) || ws.users.iter().any(|u| u.name == h) {
            return Err(err("handle_already_exists"));
        }
    }
    if description.is_some_and(|d| d.chars().count() > MAX_DESCRIPTION) {
        return Err(err("description_too_long"));
    }
    if channels.len() > MAX_CHANNELS {
        return Err(err("too_many_linked_channels"));
    }
    if channels.iter().any(|c| ws.channel(c).is_none()) {
        return Err(err("invalid_channel_provided"));
    }
    Ok(())
}

fn find<'a>(ws: &'a Workspace, req: &ApiRequest) -> Result<&'a Usergroup, ApiError> {
    let id = req.nonempty("usergroup").unwrap_or_default();
    ws.collab
        .usergroups
        .iter()
        .find(|g| g.id == id)
        .ok_or_else(|| err("no_such_subteam"))
}

fn find_mut<'a>(ws: &'a mut Workspace, id: &str) -> Result<&'a mut Usergroup, ApiError> {
    ws.collab
        .usergroups
        .iter_mut()
        .find(|g| g.id == id)
        .ok_or_else(|| err("no_such_subteam"))
}

fn emit_updated(ws: &Workspace, ctx: &mut Ctx<'_>, id: &str) {
    if let Some(g) = ws.collab.usergroups.iter().find(|g| g.id == id) {
        let v = group_json(ws, g, true, true);
        ctx.emit(|| json!({"type": "subteam_updated", "subteam": v}));
    }
}

pub(crate) fn create(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let name = req.str("name").unwrap_or_default();
    let handle = req.nonempty("handle").unwrap_or_else(|| handle_from(&name));
    let description = req.str("description").unwrap_or_default();
    let mut channels = req.list("channels");
    channels.extend(req.list("additional_channels"));
    channels.dedup();
    check(
        ws,
        None,
        Some(&name),
        Some(&handle),
        Some(&description),
        &channels,
    )?;
    let now = ws.now_secs();
    let g = Usergroup {
        id: ws.next_id("S"),
        name,
        handle,
        description,
        channels,
        users: Vec::new(),
        created_by: ctx.user.clone(),
        updated_by: ctx.user.clone(),
        date_create: now,
        date_update: now,
        date_delete: 0,
        deleted_by: None,
    };
    let v = group_json(ws, &g, true, req.bool("include_count"));
    let event = group_json(ws, &g, true, true);
    ws.collab.usergroups.push(g);
    ctx.emit(|| json!({"type": "subteam_created", "subteam": event}));
    ok(json!({"usergroup": v}))
}

pub(crate) fn update(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let id = find(ws, req)?.id.clone();
    let name = req.nonempty("name");
    let handle = req.nonempty("handle");
    let description = req.str("description");
    let channels = if req.present("channels") || req.present("additional_channels") {
        let mut c = req.list("channels");
        c.extend(req.list("additional_channels"));
        c.dedup();
        Some(c)
    } else {
        None
    };
    check(
        ws,
        Some(&id),
        name.as_deref(),
        handle.as_deref(),
        description.as_deref(),
        channels.as_deref().unwrap_or(&[]),
    )?;
    let now = ws.now_secs();
    let user = ctx.user.clone();
    let g = find_mut(ws, &id)?;
    if let Some(n) = name {
        g.name = n;
    }
    if let Some(h) = handle {
        g.handle = h;
    }
    if let Some(d) = description {
        g.description = d;
    }
    if let Some(c) = channels {
        g.channels = c;
    }
    g.updated_by = user;
    g.date_update = now;
    let g = g.clone();
    emit_updated(ws, ctx, &id);
    ok(json!({"usergroup": group_json(ws, &g, true, req.bool("include_count"))}))
}

/// `usergroups.disable` (`enable == false`) and `usergroups.enable`.
pub(crate) fn set_enabled(
    ws: &mut Workspace,
    ctx: &mut Ctx<'_>,
    req: &ApiRequest,
    enable: bool,
) -> Outcome {
    let id = find(ws, req)?.id.clone();
    let now = ws.now_secs();
    let user = ctx.user.clone();
    let g = find_mut(ws, &id)?;
    let changed = (g.date_delete == 0) != enable;
    if changed {
        g.date_delete = if enable { 0 } else { now };
        g.deleted_by = (!enable).then(|| user.clone());
        g.updated_by = user;
        g.date_update = now;
    }
    let g = g.clone();
    if changed {
        emit_updated(ws, ctx, &id);
    }
    ok(json!({"usergroup": group_json(ws, &g, true, req.bool("include_count"))}))
}

pub(crate) fn list(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let disabled = req.bool("include_disabled");
    let users = req.bool("include_users");
    let count = req.bool("include_count");
    let groups: Vec<Value> = ws
        .collab
        .usergroups
        .iter()
        .filter(|g| disabled || g.date_delete == 0)
        .map(|g| group_json(ws, g, users, count))
        .collect();
    ok(json!({"usergroups": groups}))
}

pub(crate) fn users_list(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let g = find(ws, req)?;
    if g.date_delete != 0 && !req.bool("include_disabled") {
        return Err(err("no_such_subteam"));
    }
    ok(json!({"users": g.users}))
}

pub(crate) fn users_update(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let id = find(ws, req)?.id.clone();
    let mut users = req.list("users");
    if users.is_empty() {
        return Err(err("no_users_provided"));
    }
    if users.iter().any(|u| ws.user(u).is_none()) {
        return Err(err("invalid_users"));
    }
    let mut seen = std::collections::HashSet::new();
    users.retain(|u| seen.insert(u.clone()));
    let mut channels = ws
        .collab
        .usergroups
        .iter()
        .find(|g| g.id == id)
        .map(|g| g.channels.clone())
        .unwrap_or_default();
    let extra = req.list("additional_channels");
    if extra.iter().any(|c| ws.channel(c).is_none()) {
        return Err(err("invalid_channel_provided"));
    }
    channels.extend(extra);
    channels.dedup();
    let now = ws.now_secs();
    let team = ws.team_id.clone();
    let user = ctx.user.clone();
    let g = find_mut(ws, &id)?;
    let before = std::mem::replace(&mut g.users, users.clone());
    let previous = g.date_update;
    g.channels = channels;
    g.updated_by = user;
    g.date_update = now;
    let g = g.clone();
    let added: Vec<String> = users
        .iter()
        .filter(|u| !before.contains(u))
        .cloned()
        .collect();
    let removed: Vec<String> = before
        .iter()
        .filter(|u| !users.contains(u))
        .cloned()
        .collect();
    if !added.is_empty() || !removed.is_empty() {
        let (a, r) = (added.clone(), removed.clone());
        let sub = id.clone();
        ctx.emit(|| {
            json!({
                "type": "subteam_members_changed", "subteam_id": sub, "team_id": team,
                "date_previous_update": previous, "date_update": now,
                "added_users": a, "added_users_count": a.len().to_string(),
                "removed_users": r, "removed_users_count": r.len().to_string(),
            })
        });
        for u in added {
            let sub = id.clone();
            ctx.emit_for(
                Some(u),
                || json!({"type": "subteam_self_added", "subteam_id": sub}),
            );
        }
        for u in removed {
            let sub = id.clone();
            ctx.emit_for(
                Some(u),
                || json!({"type": "subteam_self_removed", "subteam_id": sub}),
            );
        }
        emit_updated(ws, ctx, &id);
    }
    ok(json!({"usergroup": group_json(ws, &g, true, req.bool("include_count"))}))
}
