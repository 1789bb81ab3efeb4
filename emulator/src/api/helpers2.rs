//! Small checks shared by the second families (calls, canvases, lists, workflows, admin).

use serde_json::Value;

use super::{err, ApiError};
use crate::state::Workspace;
use crate::wire::ApiRequest;

/// Whether `user` is a bot user.
pub(crate) fn is_bot(ws: &Workspace, user: &str) -> bool {
    ws.user(user).is_some_and(|u| u.is_bot)
}

/// Fail with `not_allowed_token_type` when the caller is a bot (methods only user tokens
/// may call).
pub(crate) fn user_token_only(ws: &Workspace, user: &str) -> Result<(), ApiError> {
    if is_bot(ws, user) {
        Err(err("not_allowed_token_type"))
    } else {
        Ok(())
    }
}

/// Every id in `ids` must be a user of the workspace: else `code`.
pub(crate) fn known_users(ws: &Workspace, ids: &[String], code: &str) -> Result<(), ApiError> {
    if ids.iter().all(|u| ws.user(u).is_some()) {
        Ok(())
    } else {
        Err(err(code))
    }
}

/// Every id in `ids` must be a conversation: else `channel_not_found`.
pub(crate) fn known_channels(ws: &Workspace, ids: &[String]) -> Result<(), ApiError> {
    if ids.iter().all(|c| ws.channel(c).is_some()) {
        Ok(())
    } else {
        Err(err("channel_not_found"))
    }
}

/// `invalid_arguments` naming one field.
pub(crate) fn invalid(field: &str, why: &str) -> ApiError {
    ApiError::invalid_arguments(&[format!("[ERROR] {why} [json-pointer:/{field}]")])
}

/// A required JSON argument (nested or stringified); `invalid_arguments` when it does not
/// parse or is absent.
pub(crate) fn json_arg(req: &ApiRequest, name: &str) -> Result<Value, ApiError> {
    req.json(name)
        .map_err(|()| invalid(name, "must be valid JSON"))?
        .ok_or_else(|| invalid(name, &format!("missing required field: {name}")))
}

/// Add the strings of `add` to the JSON array `list` (created if absent), without duplicates.
pub(crate) fn add_all(list: &mut Value, add: &[String]) {
    if !list.is_array() {
        *list = Value::Array(Vec::new());
    }
    if let Some(a) = list.as_array_mut() {
        for x in add {
            if !a.iter().any(|v| v == x.as_str()) {
                a.push(Value::String(x.clone()));
            }
        }
    }
}

/// Remove the strings of `remove` from the JSON array `list`.
pub(crate) fn remove_all(list: &mut Value, remove: &[String]) {
    if let Some(a) = list.as_array_mut() {
        a.retain(|v| !remove.iter().any(|r| v == r.as_str()));
    }
}

/// The strings of a JSON array.
pub(crate) fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}
