//! `team.*` (access and integration logs, billable info, billing, preferences, the profile
//! schema, connected organisations), `bots.info` and `emoji.list`: honest answers over the
//! emulator's data.

use serde_json::{json, Value};

use super::page_count;
use super::paging::{page_args, paginate};
use super::users_ext::user_token_only;
use super::{err, ok, Ctx, Outcome};
use crate::state::Workspace;
use crate::wire::ApiRequest;

/// The custom profile fields of the workspace: id, label, hint.
const PROFILE_FIELDS: &[(&str, &str, &str)] = &[
    ("Xf0EMUTEAM", "Team", "The team you work in"),
    ("Xf0EMULOCN", "Location", "Where you work from"),
];

/// The label of a custom profile field (empty for an unknown one).
pub(crate) fn field_label(id: &str) -> &'static str {
    PROFILE_FIELDS
        .iter()
        .find(|(f, _, _)| *f == id)
        .map_or("", |(_, l, _)| l)
}

/// When the emulated workspace was made (the seeded channels' `created`).
const FOUNDED: u64 = 1_700_000_000;

/// The users the workspace's tokens belong to: who has "logged in".
fn token_users(ws: &Workspace) -> Vec<String> {
    let mut users: Vec<String> = ws.tokens.values().map(|t| t.user_id.clone()).collect();
    users.sort();
    users.dedup();
    users.retain(|u| ws.user(u).is_some_and(|x| !x.is_bot));
    users
}

pub(crate) fn access_logs(ws: &Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    user_token_only(ws, ctx, "team.accessLogs")?;
    if req.int("page").ok().flatten().is_some_and(|p| p > 100) {
        return Err(err("over_pagination_limit"));
    }
    let before = req.int("before").ok().flatten();
    let now = ws.now_secs().max(FOUNDED);
    let logins: Vec<Value> = token_users(ws)
        .iter()
        .filter(|_| before.is_none_or(|b| u64::try_from(b).unwrap_or(0) > FOUNDED))
        .filter_map(|u| ws.user(u))
        .map(|u| {
            json!({
                "user_id": u.id, "username": u.name, "date_first": FOUNDED, "date_last": now,
                "count": 1, "ip": "127.0.0.1", "user_agent": "slack-emulator",
                "isp": "loopback", "country": "GB", "region": "ENG",
            })
        })
        .collect();
    let (range, paging, _) = page_count::page(req, logins.len(), 100, 1000, 100)?;
    let page = logins.get(range).unwrap_or(&[]).to_vec();
    ok(json!({"logins": page, "paging": paging}))
}

pub(crate) fn billable_info(ws: &Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    user_token_only(ws, ctx, "team.billableInfo")?;
    let (limit, offset) = page_args(req, 100)?;
    let only = req.nonempty("user");
    if let Some(u) = &only {
        if ws.user(u).is_none() {
            return Err(err("user_not_found"));
        }
    }
    let items = ws
        .users
        .iter()
        .filter(|u| only.as_ref().is_none_or(|o| *o == u.id))
        .map(|u| json!([u.id, {"billing_active": !u.is_bot}]));
    let (page, meta) = paginate(items, limit, offset);
    let info: serde_json::Map<String, Value> = page
        .into_iter()
        .filter_map(|p| Some((p[0].as_str()?.to_owned(), p[1].clone())))
        .collect();
    ok(json!({"billable_info": info, "response_metadata": meta}))
}

pub(crate) fn billing_info() -> Outcome {
    ok(json!({"plan": "free"}))
}

pub(crate) fn integration_logs(ws: &Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    user_token_only(ws, ctx, "team.integrationLogs")?;
    // One entry: the emulated app's installation, by the workspace's first human.
    let installer = ws.users.iter().find(|u| !u.is_bot);
    let mut logs: Vec<Value> = installer
        .map(|u| {
            json!({
                "user_id": u.id, "user_name": u.name, "date": FOUNDED.to_string(),
                "change_type": "added", "app_type": "app", "app_id": ws.app_id,
                "scope": "bot",
            })
        })
        .into_iter()
        .collect();
    let filter = |key: &str, field: &str, logs: &mut Vec<Value>| {
        if let Some(v) = req.nonempty(key) {
            logs.retain(|l| l[field].as_str() == Some(v.as_str()));
        }
    };
    filter("app_id", "app_id", &mut logs);
    filter("change_type", "change_type", &mut logs);
    filter("user", "user_id", &mut logs);
    if req.has("service_id") {
        logs.clear();
    }
    let (range, paging, _) = page_count::page(req, logs.len(), 100, 1000, 100)?;
    let page = logs.get(range).unwrap_or(&[]).to_vec();
    ok(json!({"logs": page, "paging": paging}))
}

pub(crate) fn preferences_list() -> Outcome {
    ok(json!({
        "msg_edit_window_mins": -1, "allow_message_deletion": true,
        "display_real_names": false, "disable_file_uploads": "allow_all",
        "who_can_post_general": "ra",
    }))
}

pub(crate) fn profile_get(req: &ApiRequest) -> Outcome {
    let visibility = req.nonempty("visibility").unwrap_or_else(|| "all".into());
    let fields: Vec<Value> = PROFILE_FIELDS
        .iter()
        .enumerate()
        .filter(|_| visibility != "hidden")
        .map(|(i, (id, label, hint))| {
            json!({
                "id": id, "ordering": i, "field_name": null, "label": label, "hint": hint,
                "type": "text", "possible_values": null, "options": null, "is_hidden": false,
            })
        })
        .collect();
    ok(json!({"profile": {"fields": fields}}))
}

fn external_json(t: &crate::state::Collab, id: &str) -> Option<Value> {
    let e = t.external_teams.iter().find(|e| e.id == id)?;
    Some(json!({
        "team_id": e.id, "team_name": e.name, "team_domain": e.domain,
        "public_channel_count": 0, "private_channel_count": 0, "im_channel_count": 0,
        "mpim_channel_count": 0, "connected_workspaces": [],
        "connection_status": if e.connected { "CONNECTED" } else { "DISCONNECTED" },
        "is_sponsored": false, "canvas": null, "lists": null,
    }))
}

pub(crate) fn external_teams_list(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let (limit, offset) = page_args(req, 20)?;
    let wanted = req.list("connection_status_filter");
    let ids: Vec<String> = ws
        .collab
        .external_teams
        .iter()
        .filter(|e| {
            let status = if e.connected {
                "CONNECTED"
            } else {
                "DISCONNECTED"
            };
            if wanted.is_empty() {
                e.connected
            } else {
                wanted.iter().any(|w| w.eq_ignore_ascii_case(status))
            }
        })
        .map(|e| e.id.clone())
        .collect();
    let orgs = ids.iter().filter_map(|id| external_json(&ws.collab, id));
    let (page, meta) = paginate(orgs, limit, offset);
    ok(json!({"organizations": page, "total_count": ids.len(), "response_metadata": meta}))
}

pub(crate) fn external_teams_disconnect(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    let target = req.nonempty("target_team").unwrap_or_default();
    let team = ws
        .collab
        .external_teams
        .iter_mut()
        .find(|e| e.id == target && e.connected)
        .ok_or_else(|| err("invalid_target_team"))?;
    team.connected = false;
    ok(json!({}))
}

pub(crate) fn bots_info(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let bot = req.nonempty("bot").ok_or_else(|| err("missing_argument"))?;
    if let Some(team) = req.nonempty("team_id") {
        if team != ws.team_id {
            return Err(err("team_not_found"));
        }
    }
    let user = ws
        .users
        .iter()
        .find(|u| u.bot_id.as_deref() == Some(bot.as_str()))
        .ok_or_else(|| err("bot_not_found"))?;
    ok(json!({"bot": {
        "id": bot, "deleted": false, "name": user.name, "updated": FOUNDED,
        "app_id": ws.app_id, "user_id": user.id,
        "icons": {
            "image_36": format!("https://avatars.example.com/{bot}_36.png"),
            "image_48": format!("https://avatars.example.com/{bot}_48.png"),
            "image_72": format!("https://avatars.example.com/{bot}_72.png"),
        },
    }}))
}

/// A few of Slack's standard emoji categories, for `include_categories`.
const CATEGORIES: &[(&str, &[&str])] = &[
    (
        "Smileys & People",
        &["grinning", "smile", "wink", "thinking_face"],
    ),
    (
        "Animals & Nature",
        &["dog", "cat", "squirrel", "evergreen_tree"],
    ),
    (
        "Objects",
        &["rocket", "bulb", "hammer_and_wrench", "package"],
    ),
];

pub(crate) fn emoji_list(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let mut v = json!({
        "emoji": ws.collab.emoji,
        "cache_ts": format!("{}.000000", ws.now_secs()),
    });
    if req.bool("include_categories") {
        v["categories_version"] = json!("5");
        v["categories"] = CATEGORIES
            .iter()
            .map(|(name, list)| json!({"name": name, "emoji_names": list}))
            .collect();
    }
    ok(v)
}

pub(crate) fn auth_revoke(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    if req.bool("test") {
        return ok(json!({"revoked": false}));
    }
    let token = req.token.clone().unwrap_or_default();
    if ws.tokens.remove(&token).is_some() {
        ws.collab.revoked.insert(token);
    }
    ok(json!({"revoked": true}))
}

pub(crate) fn auth_teams_list(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let (limit, offset) = page_args(req, 100)?;
    let icon = req.bool("include_icon");
    let mut team = json!({"id": ws.team_id, "name": ws.team_name});
    if icon {
        team["icon"] = json!({
            "image_default": true,
            "image_34": "https://avatars.example.com/team_34.png",
            "image_44": "https://avatars.example.com/team_44.png",
            "image_68": "https://avatars.example.com/team_68.png",
            "image_88": "https://avatars.example.com/team_88.png",
            "image_102": "https://avatars.example.com/team_102.png",
            "image_132": "https://avatars.example.com/team_132.png",
            "image_230": "https://avatars.example.com/team_230.png",
        });
    }
    let (page, meta) = paginate([team], limit, offset);
    ok(json!({"teams": page, "response_metadata": meta}))
}
