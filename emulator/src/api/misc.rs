//! `auth.*`, `users.*`, `team.info`, `rtm.*`, `views.*`.

use serde_json::{json, Value};

use super::{err, ok, page_args, paginate, Ctx, Outcome};
use crate::state::Workspace;
use crate::wire::ApiRequest;

pub(crate) fn auth_test(ws: &Workspace, ctx: &Ctx<'_>) -> Outcome {
    let user = ws.user(&ctx.user).ok_or_else(|| err("invalid_auth"))?;
    ok(json!({
        "url": format!("https://{}.slack.com/", ws.domain),
        "team": ws.team_name, "user": user.name, "team_id": ws.team_id, "user_id": user.id,
        "bot_id": user.bot_id, "is_enterprise_install": false,
    }))
}

pub(crate) fn users_info(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let id = req.nonempty("user").unwrap_or_default();
    let user = ws.user(&id).ok_or_else(|| err("user_not_found"))?;
    ok(json!({"user": user.to_json(&ws.team_id)}))
}

pub(crate) fn users_list(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let (limit, offset) = page_args(req, 100)?;
    let items = ws.users.iter().map(|u| u.to_json(&ws.team_id)).collect();
    let (page, meta) = paginate(items, limit, offset);
    ok(json!({"members": page, "cache_ts": 1_700_000_000, "response_metadata": meta}))
}

pub(crate) fn users_by_email(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let email = req
        .nonempty("email")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let user = ws
        .users
        .iter()
        .find(|u| !u.email.is_empty() && u.email == email)
        .ok_or_else(|| err("users_not_found"))?;
    ok(json!({"user": user.to_json(&ws.team_id)}))
}

pub(crate) fn team_info(ws: &Workspace) -> Outcome {
    ok(
        json!({"team": {"id": ws.team_id, "name": ws.team_name, "domain": ws.domain, "email_domain": "example.com"}}),
    )
}

pub(crate) fn rtm_connect(ws: &mut Workspace, ctx: &Ctx<'_>, start: bool) -> Outcome {
    let user = ws
        .user(&ctx.user)
        .cloned()
        .ok_or_else(|| err("invalid_auth"))?;
    let session = ws.next_id("S");
    // The URL is good for one connection, as Slack's.
    ws.rtm_sessions.insert(session.clone(), user.id.clone());
    let url = format!("{}rtm/{}", ctx.ws_base, session);
    let mut body = json!({
        "url": url,
        "self": {"id": user.id, "name": user.name},
        "team": {"id": ws.team_id, "name": ws.team_name, "domain": ws.domain},
    });
    if start {
        if let Value::Object(m) = &mut body {
            m.insert(
                "users".into(),
                json!(ws
                    .users
                    .iter()
                    .map(|u| u.to_json(&ws.team_id))
                    .collect::<Vec<_>>()),
            );
            m.insert(
                "channels".into(),
                json!(ws
                    .channels
                    .iter()
                    .map(|c| c.to_json(&user.id, false, false))
                    .collect::<Vec<_>>()),
            );
        }
    }
    ok(body)
}

fn view_arg(req: &ApiRequest) -> Result<Value, super::ApiError> {
    let view = req
        .json("view")
        .map_err(|_| err("invalid_arguments"))?
        .ok_or_else(|| err("invalid_arguments"))?;
    let ty = view.get("type").and_then(Value::as_str).unwrap_or("");
    if !matches!(ty, "modal" | "home") {
        return Err(err("invalid_arguments").with("response_metadata", json!({"messages": ["[ERROR] must provide a valid view type [json-pointer:/view/type]"]})));
    }
    if view
        .get("blocks")
        .and_then(Value::as_array)
        .is_some_and(|b| b.len() > 100)
    {
        return Err(err("invalid_arguments").with("response_metadata", json!({"messages": ["[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]"]})));
    }
    Ok(view)
}

fn store_view(ws: &mut Workspace, mut view: Value, id: String) -> Value {
    let hash = format!("{}.{}", 1_700_000_000, ws.next_id("h"));
    if let Value::Object(m) = &mut view {
        m.insert("id".into(), json!(id));
        m.insert("team_id".into(), json!(ws.team_id));
        m.insert("hash".into(), json!(hash));
        m.entry("private_metadata").or_insert(json!(""));
        m.entry("callback_id").or_insert(json!(""));
        m.insert("app_id".into(), json!("A0EMULATOR"));
        m.insert("bot_id".into(), json!(ws.bot_id));
    }
    ws.views.insert(id, view.clone());
    view
}

pub(crate) fn views_open(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    if req.nonempty("trigger_id").is_none() && req.nonempty("interactivity_pointer").is_none() {
        return Err(err("invalid_trigger_id"));
    }
    let view = view_arg(req)?;
    let id = ws.next_id("V");
    let stored = store_view(ws, view, id);
    ok(json!({"view": stored}))
}

pub(crate) fn views_update(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    let view = view_arg(req)?;
    let id = match (req.nonempty("view_id"), req.nonempty("external_id")) {
        (Some(id), _) => id,
        (None, Some(ext)) => ws
            .views
            .iter()
            .find(|(_, v)| v["external_id"] == ext.as_str())
            .map(|(k, _)| k.clone())
            .ok_or_else(|| err("not_found"))?,
        (None, None) => return Err(err("invalid_arguments")),
    };
    let current = ws.views.get(&id).ok_or_else(|| err("not_found"))?;
    if let Some(hash) = req.nonempty("hash") {
        if current["hash"] != hash.as_str() {
            return Err(err("hash_conflict"));
        }
    }
    let stored = store_view(ws, view, id);
    ok(json!({"view": stored}))
}

pub(crate) fn views_publish(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    let user = req.nonempty("user_id").unwrap_or_default();
    if ws.user(&user).is_none() {
        return Err(err("user_not_found"));
    }
    let view = view_arg(req)?;
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
    let mut view = view;
    if let Value::Object(m) = &mut view {
        m.insert("user_id".into(), json!(user));
    }
    let stored = store_view(ws, view, id);
    ok(json!({"view": stored}))
}
