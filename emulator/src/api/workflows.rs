//! `workflows.triggers.permissions.*` and `workflows.featured.*` over the app's seeded
//! workflow triggers (Slack creates triggers with its CLI, not the Web API).

use serde_json::{json, Value};

use super::helpers2::{add_all, known_channels, known_users, remove_all};
use super::{err, ok, ApiError, Ctx, Outcome};
use crate::state::Workspace;
use crate::wire::ApiRequest;

const ENTITY_KEYS: [&str; 4] = ["user_ids", "channel_ids", "team_ids", "org_ids"];

/// The named entities of the request, checked: `(key, ids)` for each key present.
fn entities(
    ws: &Workspace,
    req: &ApiRequest,
) -> Result<Vec<(&'static str, Vec<String>)>, ApiError> {
    let mut out = Vec::new();
    for key in ENTITY_KEYS {
        let ids = req.list(key);
        if ids.is_empty() {
            continue;
        }
        match key {
            "user_ids" => known_users(ws, &ids, "user_not_found")?,
            "channel_ids" => known_channels(ws, &ids)?,
            "team_ids" => {
                if !ids.iter().all(|t| ws.org.teams.contains_key(t)) {
                    return Err(err("team_not_found"));
                }
            }
            _ => {
                if !ids.iter().all(|o| *o == ws.org.enterprise_id) {
                    return Err(err("org_not_found"));
                }
            }
        }
        if ids.len() > 50 {
            return Err(err("too_many_named_entities"));
        }
        out.push((key, ids));
    }
    Ok(out)
}

fn trigger<'a>(ws: &'a mut Workspace, req: &ApiRequest) -> Result<&'a mut Value, ApiError> {
    let id = req.nonempty("trigger_id").unwrap_or_default();
    ws.extras
        .triggers
        .get_mut(&id)
        .ok_or_else(|| err("trigger_not_found"))
}

/// The permission answer: `permission_type` and the named entities.
fn permissions(t: &Value) -> Value {
    let mut out = json!({"permission_type": t["permission_type"]});
    if t["permission_type"] == "named_entities" {
        for k in ENTITY_KEYS {
            if t[k].as_array().is_some_and(|a| !a.is_empty()) {
                out[k] = t[k].clone();
            }
        }
    }
    out
}

pub(crate) fn permissions_list(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    let t = trigger(ws, req)?;
    ok(permissions(t))
}

pub(crate) fn permissions_set(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    let kind = req.nonempty("permission_type").unwrap_or_default();
    if !["everyone", "app_collaborators", "named_entities"].contains(&kind.as_str()) {
        return Err(err("invalid_permission_type"));
    }
    let named = entities(ws, req)?;
    if kind == "named_entities" && named.is_empty() {
        return Err(err("named_entities_cannot_be_empty"));
    }
    let t = trigger(ws, req)?;
    t["permission_type"] = json!(kind);
    for k in ENTITY_KEYS {
        t[k] = json!([]);
    }
    for (k, ids) in named {
        t[k] = json!(ids);
    }
    ok(permissions(t))
}

/// `workflows.triggers.permissions.add` (`add`) or `.remove`.
pub(crate) fn permissions_change(ws: &mut Workspace, req: &ApiRequest, add: bool) -> Outcome {
    trigger(ws, req)?;
    let named = entities(ws, req)?;
    if named.is_empty() {
        return Err(err(if add {
            "no_valid_named_entities"
        } else {
            "named_entities_cannot_be_empty"
        }));
    }
    let t = trigger(ws, req)?;
    if add {
        t["permission_type"] = json!("named_entities");
    } else if t["permission_type"] != "named_entities" {
        return Err(err("invalid_permission_type"));
    }
    for (k, ids) in named {
        if add {
            add_all(&mut t[k], &ids);
        } else {
            remove_all(&mut t[k], &ids);
        }
    }
    ok(permissions(t))
}

/// The channel and trigger ids of a `workflows.featured.*` write, checked.
fn featured_args(
    ws: &Workspace,
    ctx: &Ctx<'_>,
    req: &ApiRequest,
) -> Result<(String, Vec<String>), ApiError> {
    let raw = req.nonempty("channel_id").unwrap_or_default();
    let channel = ws
        .resolve_channel(&raw)
        .ok_or_else(|| err("channel_not_found"))?;
    let ch = ws
        .channel(&channel)
        .ok_or_else(|| err("channel_not_found"))?;
    if !ch.has_member(&ctx.user) && ch.kind != crate::state::Kind::Public {
        return Err(err("channel_not_found"));
    }
    if ch.archived {
        return Err(err("restricted_action"));
    }
    let ids = req.list("trigger_ids");
    if ids.iter().any(|t| !ws.extras.triggers.contains_key(t)) {
        return Err(err("error_modifying_workflows"));
    }
    Ok((channel, ids))
}

/// At most this many workflows are featured in one channel.
const MAX_FEATURED: usize = 15;

/// `workflows.featured.add`, `.remove` or `.set` (`mode`).
pub(crate) fn featured_change(
    ws: &mut Workspace,
    ctx: &Ctx<'_>,
    req: &ApiRequest,
    mode: &str,
) -> Outcome {
    let (channel, ids) = featured_args(ws, ctx, req)?;
    let list = ws.extras.featured.entry(channel.clone()).or_default();
    let mut next = match mode {
        "set" => Vec::new(),
        _ => list.clone(),
    };
    match mode {
        "remove" => next.retain(|t| !ids.contains(t)),
        _ => {
            for t in ids {
                if !next.contains(&t) {
                    next.push(t);
                }
            }
        }
    }
    if next.len() > MAX_FEATURED {
        return Err(err("error_modifying_workflows"));
    }
    *list = next;
    if list.is_empty() {
        ws.extras.featured.remove(&channel);
    }
    ok(json!({}))
}

pub(crate) fn featured_list(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let ids = req.list("channel_ids");
    let invalid: Vec<&String> = ids.iter().filter(|c| ws.channel(c).is_none()).collect();
    if !invalid.is_empty() {
        return Err(err("error_invalid_channels").with("invalid_channel_ids", json!(invalid)));
    }
    let featured: Vec<Value> = ids
        .iter()
        .map(|c| {
            let triggers: Vec<Value> = ws
                .extras
                .featured
                .get(c)
                .map(|l| {
                    l.iter()
                        .map(|t| {
                            let title = ws.extras.triggers.get(t).map(|x| x["workflow"].clone());
                            json!({"id": t, "title": title.and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()})
                        })
                        .collect()
                })
                .unwrap_or_default();
            json!({"channel_id": c, "triggers": triggers})
        })
        .collect();
    ok(json!({ "featured_workflows": featured }))
}
