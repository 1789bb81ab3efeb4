//! `views.open`, `views.push`, `views.update`, `views.publish`: stored views with `id` and
//! `hash`; an update or publish with a stale `hash` gets `hash_conflict`.

use serde_json::{json, Value};

use super::{err, ok, ApiError, Outcome};
use crate::state::Workspace;
use crate::wire::ApiRequest;

/// Blocks per view.
const MAX_BLOCKS: usize = 100;

fn invalid(message: &str) -> ApiError {
    ApiError::invalid_arguments(&[format!("[ERROR] {message}")])
}

/// The `view` argument, checked: a JSON object of an allowed `type`, with at most 100 blocks
/// and (for modals) a `title`.
fn view_arg(req: &ApiRequest, allowed: &[&str]) -> Result<Value, ApiError> {
    let view = req
        .json("view")
        .map_err(|()| invalid("view must be a JSON object [json-pointer:/view]"))?
        .filter(Value::is_object)
        .ok_or_else(|| invalid("view must be a JSON object [json-pointer:/view]"))?;
    let ty = view.get("type").and_then(Value::as_str).unwrap_or("");
    if !allowed.contains(&ty) {
        return Err(invalid(
            "must provide a valid view type [json-pointer:/view/type]",
        ));
    }
    if ty == "modal" && view.get("title").is_none_or(Value::is_null) {
        return Err(invalid(
            "missing required field: title [json-pointer:/view]",
        ));
    }
    if view
        .get("blocks")
        .and_then(Value::as_array)
        .is_some_and(|b| b.len() > MAX_BLOCKS)
    {
        return Err(invalid(
            "no more than 100 items allowed [json-pointer:/view/blocks]",
        ));
    }
    Ok(view)
}

/// Store `view` under `id` with a fresh `hash`; returns it as Slack shows it.
pub(crate) fn store(
    ws: &mut Workspace,
    mut view: Value,
    id: String,
    extra: &[(&str, Value)],
) -> Value {
    let hash = format!("{}.{}", ws.now_secs(), ws.next_id("h"));
    let previous = ws.views.get(&id).cloned();
    if let Value::Object(m) = &mut view {
        m.insert("id".into(), json!(id));
        m.insert("team_id".into(), json!(ws.team_id));
        m.insert("hash".into(), json!(hash));
        m.insert("app_id".into(), json!(ws.app_id));
        m.insert("bot_id".into(), json!(ws.bot_id));
        m.insert("app_installed_team_id".into(), json!(ws.team_id));
        for key in ["private_metadata", "callback_id"] {
            m.entry(key).or_insert(json!(""));
        }
        m.entry("state").or_insert(json!({"values": {}}));
        m.entry("blocks").or_insert(json!([]));
        for key in ["root_view_id", "previous_view_id", "user_id"] {
            if let Some(v) = previous.as_ref().and_then(|p| p.get(key)) {
                m.entry(key).or_insert(v.clone());
            }
        }
        for (k, v) in extra {
            m.insert((*k).to_owned(), v.clone());
        }
        m.entry("root_view_id").or_insert(json!(id));
        m.entry("previous_view_id").or_insert(Value::Null);
    }
    ws.views.insert(id, view.clone());
    view
}

/// Use the call's `trigger_id` (or `interactivity_pointer`): it must have been issued by
/// the emulator (with a command, an interaction or a shortcut, or by
/// `POST /_emulator/trigger_id`), not used yet (`invalid_trigger_id`), and at most 3 s old
/// on the emulator's clock (`expired_trigger_id`). `views.open`, `views.push` and
/// `dialog.open` check it once their other arguments are valid.
pub(crate) fn use_trigger_id(ws: &mut Workspace, req: &ApiRequest) -> Result<(), ApiError> {
    let id = req
        .nonempty("trigger_id")
        .or_else(|| req.nonempty("interactivity_pointer"))
        .ok_or_else(|| err("invalid_trigger_id"))?;
    ws.take_trigger_id(&id).map_err(err)
}

/// `views.open`, or `views.push` (`push`) onto the latest modal.
pub(crate) fn open(ws: &mut Workspace, req: &ApiRequest, push: bool) -> Outcome {
    let view = view_arg(req, &["modal"])?;
    use_trigger_id(ws, req)?;
    let mut extra = Vec::new();
    if push {
        let top = ws
            .views
            .iter()
            .rev()
            .find(|(_, v)| v["type"] == "modal")
            .map(|(k, v)| (k.clone(), v["root_view_id"].clone()));
        if let Some((top, root)) = top {
            extra.push(("previous_view_id", json!(top)));
            extra.push(("root_view_id", root));
        }
    }
    let id = ws.next_id("V");
    let stored = store(ws, view, id, &extra);
    ok(json!({"view": stored}))
}

pub(crate) fn update(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    let view = view_arg(req, &["modal", "home"])?;
    let id = match (req.nonempty("view_id"), req.nonempty("external_id")) {
        (Some(id), _) => id,
        (None, Some(ext)) => ws
            .views
            .iter()
            .find(|(_, v)| v["external_id"] == ext.as_str())
            .map(|(k, _)| k.clone())
            .ok_or_else(|| err("not_found"))?,
        (None, None) => return Err(invalid("one of view_id or external_id is required")),
    };
    let current = ws.views.get(&id).ok_or_else(|| err("not_found"))?;
    if let Some(hash) = req.nonempty("hash") {
        if current["hash"] != hash.as_str() {
            return Err(err("hash_conflict"));
        }
    }
    let stored = store(ws, view, id, &[]);
    ok(json!({"view": stored}))
}

pub(crate) fn publish(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    let user = req.nonempty("user_id").unwrap_or_default();
    if ws.user(&user).is_none() {
        return Err(err("user_not_found"));
    }
    let view = view_arg(req, &["home"])?;
    let existing = ws
        .views
        .iter()
        .find(|(_, v)| v["type"] == "home" && v["user_id"] == user.as_str())
        .map(|(k, v)| (k.clone(), v["hash"].clone()));
    if let (Some((_, current)), Some(hash)) = (&existing, req.nonempty("hash")) {
        if *current != hash.as_str() {
            return Err(err("hash_conflict"));
        }
    }
    let id = match existing {
        Some((id, _)) => id,
        None => ws.next_id("V"),
    };
    let stored = store(ws, view, id, &[("user_id", json!(user))]);
    ok(json!({"view": stored}))
}
