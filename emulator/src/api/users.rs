//! `users.info`, `users.list`, `users.lookupByEmail`, `team.info`.

use serde_json::json;

use super::paging::{page_args, paginate};
use super::{err, ok, Outcome};
use crate::state::Workspace;
use crate::wire::ApiRequest;

pub(crate) fn info(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let id = req.nonempty("user").unwrap_or_default();
    let user = super::users_ext::user_json(ws, &id, req.bool("include_locale"))
        .ok_or_else(|| err("user_not_found"))?;
    ok(json!({ "user": user }))
}

pub(crate) fn list(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let (limit, offset) = page_args(req, 100)?;
    let locale = req.bool("include_locale");
    let items = ws
        .users
        .iter()
        .filter_map(|u| super::users_ext::user_json(ws, &u.id, locale));
    let (page, meta) = paginate(items, limit, offset);
    ok(json!({"members": page, "cache_ts": ws.now_secs(), "response_metadata": meta}))
}

pub(crate) fn by_email(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let email = req.nonempty("email").unwrap_or_default().to_lowercase();
    let user = ws
        .users
        .iter()
        .find(|u| !u.email.is_empty() && u.email == email)
        .ok_or_else(|| err("users_not_found"))?;
    let user =
        super::users_ext::user_json(ws, &user.id, false).ok_or_else(|| err("users_not_found"))?;
    ok(json!({ "user": user }))
}

pub(crate) fn team_info(ws: &Workspace) -> Outcome {
    ok(json!({"team": {
        "id": ws.team_id, "name": ws.team_name, "domain": ws.domain,
        "email_domain": "example.com", "icon": {"image_default": true},
        "url": format!("https://{}.slack.com/", ws.domain),
    }}))
}
