//! `functions.*` (custom function executions and who may use a function),
//! `entity.*` (Work Objects flexpane answers), `tooling.tokens.rotate`,
//! `migration.exchange` and `blocks.validate`.

use serde_json::{json, Value};

use super::apps_ext::log_activity;
use super::helpers2::{invalid, json_arg, known_users, strings};
use super::{err, ok, ApiError, Outcome};
use crate::state::{TokenInfo, Workspace};
use crate::wire::ApiRequest;

// ===== executions =====

/// `functions.completeSuccess` (`outputs`) or `functions.completeError` (`error`): the
/// execution must be running; it ends, and the app's activity log records it.
pub(crate) fn complete(ws: &mut Workspace, req: &ApiRequest, success: bool) -> Outcome {
    let id = req.nonempty("function_execution_id").unwrap_or_default();
    let exec = ws
        .extras
        .executions
        .get(&id)
        .ok_or_else(|| err("function_execution_not_found"))?;
    if exec["state"] != "running" {
        return Err(err("execution_not_in_running_state"));
    }
    let function = exec["function_id"].as_str().unwrap_or_default().to_owned();
    let payload = if success {
        let outputs = json_arg(req, "outputs")?;
        let Some(out) = outputs.as_object() else {
            return Err(err("parameter_validation_failed"));
        };
        // Every output the function declares must be there.
        let declared: Vec<String> = ws
            .extras
            .apps
            .get(&ws.app_id)
            .and_then(|a| {
                let callback = ws.extras.functions.get(&function)?["callback_id"]
                    .as_str()?
                    .to_owned();
                a["manifest"]["functions"][callback]["output_parameters"]["properties"]
                    .as_object()
                    .map(|m| m.keys().cloned().collect())
            })
            .unwrap_or_default();
        if declared.iter().any(|k| !out.contains_key(k)) {
            return Err(err("parameter_validation_failed"));
        }
        json!({"function_execution_id": id, "outputs": outputs})
    } else {
        json!({"function_execution_id": id, "error": req.str("error").unwrap_or_default()})
    };
    if let Some(e) = ws.extras.executions.get_mut(&id) {
        e["state"] = json!(if success { "completed" } else { "failed" });
        e["result"] = payload.clone();
    }
    let kind = if success {
        "function_execution_result"
    } else {
        "function_execution_error"
    };
    log_activity(ws, kind, &function, payload);
    ok(json!({}))
}

// ===== distribution =====

/// The function named by `function_id`, or `function_callback_id` + `function_app_id`.
fn function(ws: &Workspace, req: &ApiRequest) -> Result<String, ApiError> {
    if let Some(id) = req.nonempty("function_id") {
        return ws
            .extras
            .functions
            .contains_key(&id)
            .then_some(id)
            .ok_or_else(|| err("function_not_found"));
    }
    let callback = req
        .nonempty("function_callback_id")
        .ok_or_else(|| err("function_not_found"))?;
    let app = req
        .nonempty("function_app_id")
        .ok_or_else(|| err("function_not_found"))?;
    if !ws.extras.apps.contains_key(&app) {
        return Err(err("app_not_found"));
    }
    ws.extras
        .functions
        .iter()
        .find(|(_, f)| f["callback_id"] == callback.as_str() && f["app_id"] == app.as_str())
        .map(|(k, _)| k.clone())
        .ok_or_else(|| err("function_not_found"))
}

fn distribution(ws: &Workspace, f: &Value) -> Value {
    let users: Vec<Value> = strings(&f["user_ids"])
        .iter()
        .filter_map(|u| ws.user(u))
        .map(|u| json!({"id": u.id, "name": u.name, "email": u.email, "is_bot": u.is_bot}))
        .collect();
    json!({"permission_type": f["permission_type"], "users": users})
}

pub(crate) fn permissions_list(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let id = function(ws, req)?;
    let f = ws
        .extras
        .functions
        .get(&id)
        .ok_or_else(|| err("function_not_found"))?;
    ok(distribution(ws, f))
}

/// `functions.distributions.permissions.add` / `.remove` (`add`).
pub(crate) fn permissions_change(ws: &mut Workspace, req: &ApiRequest, add: bool) -> Outcome {
    let id = function(ws, req)?;
    let users = req.list("user_ids");
    if users.is_empty() {
        return Err(err("user_not_found"));
    }
    known_users(ws, &users, "user_not_found")?;
    let f = ws
        .extras
        .functions
        .get_mut(&id)
        .ok_or_else(|| err("function_not_found"))?;
    if add {
        f["permission_type"] = json!("named_entities");
        super::helpers2::add_all(&mut f["user_ids"], &users);
    } else {
        if f["permission_type"] != "named_entities" {
            return Err(err("invalid_permission_type"));
        }
        super::helpers2::remove_all(&mut f["user_ids"], &users);
    }
    let f = f.clone();
    ok(distribution(ws, &f))
}

pub(crate) fn permissions_set(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    let id = function(ws, req)?;
    let kind = req
        .nonempty("permission_type")
        .ok_or_else(|| err("permission_type_required"))?;
    if !["everyone", "app_collaborators", "named_entities"].contains(&kind.as_str()) {
        return Err(err("invalid_permission_type"));
    }
    let users = req.list("user_ids");
    known_users(ws, &users, "user_not_found")?;
    if kind == "named_entities"
        && users.is_empty()
        && req.list("team_ids").is_empty()
        && req.list("org_ids").is_empty()
    {
        return Err(err("invalid_named_entities"));
    }
    let f = ws
        .extras
        .functions
        .get_mut(&id)
        .ok_or_else(|| err("function_not_found"))?;
    f["permission_type"] = json!(kind);
    f["user_ids"] = json!(users);
    let f = f.clone();
    ok(distribution(ws, &f))
}

pub(crate) fn steps_list(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let id = req.nonempty("function_id").unwrap_or_default();
    if !ws.extras.functions.contains_key(&id) {
        return Err(err("unknown_function_id"));
    }
    // No workflow of the emulated workspace uses the function in a step yet.
    if req.has("workflow_id") || req.has("workflow") {
        return Err(err("unknown_workflow_id"));
    }
    ok(json!({"steps_versions": []}))
}

pub(crate) fn step_responses_export(_ws: &Workspace, _req: &ApiRequest) -> Outcome {
    // No workflow step has ever run in the emulated workspace.
    Err(err("unknown_step_id"))
}

// ===== entity.* =====

fn trigger(req: &ApiRequest) -> Result<(), ApiError> {
    match req.nonempty("trigger_id") {
        Some(t) if t.contains('.') || t.len() >= 8 => Ok(()),
        _ => Err(err("invalid_trigger_id")),
    }
}

fn auth_url(req: &ApiRequest) -> Result<(), ApiError> {
    if req.bool("user_auth_required") && !req.has("user_auth_url") {
        return Err(err("user_auth_url_missing"));
    }
    Ok(())
}

pub(crate) fn present_details(req: &ApiRequest) -> Outcome {
    trigger(req)?;
    auth_url(req)?;
    match req.json("metadata") {
        Ok(None) => {}
        Ok(Some(m)) if m.is_object() => {}
        _ => return Err(err("invalid_metadata")),
    }
    ok(json!({}))
}

pub(crate) fn present_comments(req: &ApiRequest) -> Outcome {
    trigger(req)?;
    auth_url(req)?;
    match req.json("comments") {
        Ok(Some(Value::Array(_))) => {}
        _ => return Err(invalid("comments", "must be a JSON array")),
    }
    if req.has("delete_action_id")
        && req
            .str("delete_action_id")
            .is_some_and(|d| d.trim().is_empty())
    {
        return Err(err("missing_delete_action_id"));
    }
    ok(json!({}))
}

pub(crate) fn acknowledge_comment(req: &ApiRequest) -> Outcome {
    trigger(req)?;
    match req.json("comment") {
        Ok(None) | Ok(Some(Value::Object(_))) => ok(json!({})),
        _ => Err(err("missing_comment_data")),
    }
}

// ===== tokens, migration, blocks =====

/// `tooling.tokens.rotate` (no token): trade a configuration refresh token for a new
/// configuration token (`xoxe.xoxp-…`, registered with the app configuration scopes) and a
/// new refresh token; the old refresh token stops working.
pub(crate) fn rotate(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    let old = req.nonempty("refresh_token").unwrap_or_default();
    let user = ws
        .extras
        .tooling_refresh
        .remove(&old)
        .ok_or_else(|| err("invalid_refresh_token"))?;
    let token = format!("xoxe.xoxp-1-{}", ws.opaque_id().replace('-', ""));
    let refresh = format!("xoxe-1-{}", ws.opaque_id().replace('-', ""));
    ws.tokens.insert(
        token.clone(),
        TokenInfo {
            user_id: user.clone(),
            scopes: ["app_configurations:read", "app_configurations:write"]
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
        },
    );
    ws.extras
        .tooling_refresh
        .insert(refresh.clone(), user.clone());
    let iat = ws.now_secs();
    ok(
        json!({"token": token, "refresh_token": refresh, "team_id": ws.team_id, "user_id": user,
              "iat": iat, "exp": iat + 43_200}),
    )
}

/// `migration.exchange`: the emulator's ids never changed, so known users map to
/// themselves and unknown ones are `invalid_user_ids`.
pub(crate) fn migration_exchange(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let users = req.list("users");
    if users.len() > 400 {
        return Err(err("too_many_users"));
    }
    let (known, unknown): (Vec<&String>, Vec<&String>) =
        users.iter().partition(|u| ws.user(u).is_some());
    let map: serde_json::Map<String, Value> =
        known.iter().map(|u| ((*u).clone(), json!(u))).collect();
    let mut out =
        json!({"team_id": ws.team_id, "enterprise_id": ws.org.enterprise_id, "user_id_map": map});
    if !unknown.is_empty() {
        out["invalid_user_ids"] = json!(unknown);
    }
    ok(out)
}

/// Block types Slack knows.
const BLOCK_TYPES: &[&str] = &[
    "actions",
    "context",
    "divider",
    "file",
    "header",
    "image",
    "input",
    "rich_text",
    "section",
    "video",
    "markdown",
    "table",
    "context_actions",
    "card",
    "carousel",
    "alert",
    "plan",
    "task_card",
];

fn check_blocks(blocks: &Value) -> bool {
    blocks.as_array().is_some_and(|a| {
        a.len() <= 50
            && a.iter()
                .all(|b| b["type"].as_str().is_some_and(|t| BLOCK_TYPES.contains(&t)))
    })
}

/// `blocks.validate`: `blocks`, a `message` (with `blocks`) or a `view`.
pub(crate) fn validate_blocks(req: &ApiRequest) -> Outcome {
    match req.json("blocks") {
        Ok(Some(b)) if !check_blocks(&b) => return Err(err("invalid_blocks")),
        Err(()) => return Err(err("invalid_blocks")),
        _ => {}
    }
    match req.json("message") {
        Ok(Some(m))
            if !m.is_object() || (m.get("blocks").is_some() && !check_blocks(&m["blocks"])) =>
        {
            return Err(err("invalid_message"))
        }
        Err(()) => return Err(err("invalid_message")),
        _ => {}
    }
    match req.json("view") {
        Ok(Some(v))
            if !["modal", "home"].contains(&v["type"].as_str().unwrap_or(""))
                || !check_blocks(&v["blocks"]) =>
        {
            return Err(err("invalid_view"))
        }
        Err(()) => return Err(err("invalid_view")),
        _ => {}
    }
    if !req.has("blocks") && !req.has("message") && !req.has("view") {
        return Err(err("invalid_arguments"));
    }
    ok(json!({}))
}
