//! `admin.*` over the Enterprise Grid org (`state/org.rs`): apps approvals and requests,
//! conversations across the org's two workspaces, teams and their settings, users and
//! their roles and sessions, invite requests, user groups' channels, emoji, roles,
//! information barriers and auth policies. Every call needs an org admin's user token
//! (`not_an_admin` otherwise; bot tokens: `not_allowed_token_type`). Methods not listed in
//! [`run`] answer `emulator_not_implemented` after the shared argument checks.

use serde_json::{json, Value};

use super::helpers2::{add_all, remove_all, strings};
use super::paging::{encode, page_args, paginate};
use super::{err, not_modelled, ok, ApiError, Ctx, Outcome};
use crate::state::{Channel, Kind, OrgChannel, OrgTeam, Role, Workspace};
use crate::wire::ApiRequest;

/// Run an `admin.*` method.
pub(crate) fn run(
    ws: &mut Workspace,
    ctx: &mut Ctx<'_>,
    method: &str,
    req: &ApiRequest,
) -> Outcome {
    let Some(name) = method.strip_prefix("admin.") else {
        return Err(not_modelled(method));
    };
    if !MODELLED_ADMIN.contains(&name) {
        return Err(not_modelled(method));
    }
    guard(ws, ctx)?;
    match name {
        "apps.approve" => apps_resolve(ws, ctx, req, "approved"),
        "apps.restrict" => apps_resolve(ws, ctx, req, "restricted"),
        "apps.approved.list" => apps_resolved_list(ws, req, "approved", "approved_apps"),
        "apps.restricted.list" => apps_resolved_list(ws, req, "restricted", "restricted_apps"),
        "apps.clearResolution" => apps_clear(ws, req),
        "apps.requests.list" => apps_requests(ws, req),
        "apps.requests.cancel" => apps_cancel(ws, req),
        "apps.uninstall" => apps_uninstall(ws, req),
        "apps.config.lookup" => apps_config_lookup(ws, req),
        "apps.config.set" => apps_config_set(ws, req),
        "apps.activities.list" => apps_activities(ws, req),
        "conversations.create" => conv_create(ws, ctx, req),
        "conversations.archive" => conv_archive(ws, ctx, req, true),
        "conversations.unarchive" => conv_archive(ws, ctx, req, false),
        "conversations.bulkArchive" => conv_bulk(ws, ctx, req, "archive"),
        "conversations.bulkDelete" => conv_bulk(ws, ctx, req, "delete"),
        "conversations.bulkMove" => conv_bulk(ws, ctx, req, "move"),
        "conversations.delete" => conv_delete(ws, ctx, req),
        "conversations.rename" => conv_rename(ws, ctx, req),
        "conversations.invite" => conv_invite(ws, ctx, req),
        "conversations.convertToPrivate" => conv_privacy(ws, req, true),
        "conversations.convertToPublic" => conv_privacy(ws, req, false),
        "conversations.getTeams" => conv_get_teams(ws, req),
        "conversations.setTeams" => conv_set_teams(ws, req),
        "conversations.search" => conv_search(ws, req),
        "conversations.lookup" => conv_lookup(ws, req),
        "conversations.getConversationPrefs" => conv_get_setting(ws, req, "prefs"),
        "conversations.setConversationPrefs" => conv_set_prefs(ws, req),
        "conversations.getCustomRetention" => conv_get_setting(ws, req, "retention"),
        "conversations.setCustomRetention" => conv_set_retention(ws, req, true),
        "conversations.removeCustomRetention" => conv_set_retention(ws, req, false),
        "conversations.restrictAccess.addGroup" => conv_groups(ws, req, Some(true)),
        "conversations.restrictAccess.removeGroup" => conv_groups(ws, req, Some(false)),
        "conversations.restrictAccess.listGroups" => conv_groups(ws, req, None),
        "conversations.bulkSetExcludeFromSlackAi" => {
            conv_bulk_flag(ws, req, "exclude_from_slack_ai", "exclude")
        }
        "conversations.bulkSetProperties" => conv_bulk_flag(ws, req, "properties", "property"),
        "teams.list" => teams_list(ws, req),
        "teams.create" => teams_create(ws, ctx, req),
        "teams.admins.list" => teams_people(ws, req, Role::is_admin, "admin_ids"),
        "teams.owners.list" => teams_people(ws, req, Role::is_owner, "owner_ids"),
        "teams.settings.info" => teams_info(ws, req),
        "teams.settings.setName" => teams_set(ws, req, "name"),
        "teams.settings.setDescription" => teams_set(ws, req, "description"),
        "teams.settings.setDiscoverability" => teams_set(ws, req, "discoverability"),
        "teams.settings.setIcon" => teams_set(ws, req, "image_url"),
        "teams.settings.setDefaultChannels" => teams_set(ws, req, "channel_ids"),
        "users.list" => users_list(ws, req),
        "users.assign" => users_assign(ws, req),
        "users.remove" => users_remove(ws, ctx, req),
        "users.invite" => users_invite(ws, ctx, req),
        "users.setAdmin" => users_role(ws, req, Role::Admin),
        "users.setOwner" => users_role(ws, req, Role::Owner),
        "users.setRegular" => users_role(ws, req, Role::Regular),
        "users.setExpiration" => users_set_expiration(ws, req),
        "users.getExpiration" => users_get_expiration(ws, req),
        "users.session.list" => sessions_list(ws, req),
        "users.session.reset" => sessions_reset(ws, req, false),
        "users.session.resetBulk" => sessions_reset(ws, req, true),
        "users.session.invalidate" => sessions_invalidate(ws, req),
        "users.session.getSettings" => session_settings(ws, req, None),
        "users.session.setSettings" => session_settings(ws, req, Some(true)),
        "users.session.clearSettings" => session_settings(ws, req, Some(false)),
        "inviteRequests.list" => invites_list(ws, req, "pending", "invite_requests"),
        "inviteRequests.approved.list" => invites_list(ws, req, "approved", "approved_requests"),
        "inviteRequests.denied.list" => invites_list(ws, req, "denied", "denied_requests"),
        "inviteRequests.approve" => invites_resolve(ws, ctx, req, "approved"),
        "inviteRequests.deny" => invites_resolve(ws, ctx, req, "denied"),
        "usergroups.addChannels" => usergroup_change(ws, req, "channels", true),
        "usergroups.removeChannels" => usergroup_change(ws, req, "channels", false),
        "usergroups.addTeams" => usergroup_change(ws, req, "teams", true),
        "usergroups.removeTeams" => usergroup_change(ws, req, "teams", false),
        "usergroups.listChannels" => usergroup_channels(ws, req),
        "emoji.add" => emoji_add(ws, ctx, req),
        "emoji.addAlias" => emoji_alias(ws, ctx, req),
        "emoji.list" => emoji_list(ws, req),
        "emoji.remove" => emoji_remove(ws, req),
        "emoji.rename" => emoji_rename(ws, req),
        "roles.addAssignments" => roles_change(ws, req, true),
        "roles.removeAssignments" => roles_change(ws, req, false),
        "roles.listAssignments" => roles_list(ws, req),
        "barriers.create" => barrier_write(ws, req, true),
        "barriers.update" => barrier_write(ws, req, false),
        "barriers.delete" => barrier_delete(ws, req),
        "barriers.list" => barriers_list(ws, req),
        "auth.policy.assignEntities" => policy_change(ws, req, true),
        "auth.policy.removeEntities" => policy_change(ws, req, false),
        "auth.policy.getEntities" => policy_get(ws, req),
        "audit.anomaly.allow.getItem" => ok(
            json!({"trusted_cidr": ws.org.anomaly_allow["trusted_cidr"], "trusted_asns": ws.org.anomaly_allow["trusted_asns"]}),
        ),
        "audit.anomaly.allow.updateItem" => anomaly_update(ws, req),
        _ => Err(not_modelled(method)),
    }
}

/// The `admin.*` methods (without the prefix) [`run`] models.
pub(crate) const MODELLED_ADMIN: &[&str] = &[
    "apps.approve",
    "apps.restrict",
    "apps.approved.list",
    "apps.restricted.list",
    "apps.clearResolution",
    "apps.requests.list",
    "apps.requests.cancel",
    "apps.uninstall",
    "apps.config.lookup",
    "apps.config.set",
    "apps.activities.list",
    "conversations.create",
    "conversations.archive",
    "conversations.unarchive",
    "conversations.bulkArchive",
    "conversations.bulkDelete",
    "conversations.bulkMove",
    "conversations.delete",
    "conversations.rename",
    "conversations.invite",
    "conversations.convertToPrivate",
    "conversations.convertToPublic",
    "conversations.getTeams",
    "conversations.setTeams",
    "conversations.search",
    "conversations.lookup",
    "conversations.getConversationPrefs",
    "conversations.setConversationPrefs",
    "conversations.getCustomRetention",
    "conversations.setCustomRetention",
    "conversations.removeCustomRetention",
    "conversations.restrictAccess.addGroup",
    "conversations.restrictAccess.removeGroup",
    "conversations.restrictAccess.listGroups",
    "conversations.bulkSetExcludeFromSlackAi",
    "conversations.bulkSetProperties",
    "teams.list",
    "teams.create",
    "teams.admins.list",
    "teams.owners.list",
    "teams.settings.info",
    "teams.settings.setName",
    "teams.settings.setDescription",
    "teams.settings.setDiscoverability",
    "teams.settings.setIcon",
    "teams.settings.setDefaultChannels",
    "users.list",
    "users.assign",
    "users.remove",
    "users.invite",
    "users.setAdmin",
    "users.setOwner",
    "users.setRegular",
    "users.setExpiration",
    "users.getExpiration",
    "users.session.list",
    "users.session.reset",
    "users.session.resetBulk",
    "users.session.invalidate",
    "users.session.getSettings",
    "users.session.setSettings",
    "users.session.clearSettings",
    "inviteRequests.list",
    "inviteRequests.approved.list",
    "inviteRequests.denied.list",
    "inviteRequests.approve",
    "inviteRequests.deny",
    "usergroups.addChannels",
    "usergroups.removeChannels",
    "usergroups.addTeams",
    "usergroups.removeTeams",
    "usergroups.listChannels",
    "emoji.add",
    "emoji.addAlias",
    "emoji.list",
    "emoji.remove",
    "emoji.rename",
    "roles.addAssignments",
    "roles.removeAssignments",
    "roles.listAssignments",
    "barriers.create",
    "barriers.update",
    "barriers.delete",
    "barriers.list",
    "auth.policy.assignEntities",
    "auth.policy.removeEntities",
    "auth.policy.getEntities",
    "audit.anomaly.allow.getItem",
    "audit.anomaly.allow.updateItem",
];

/// Only an org admin's user token.
fn guard(ws: &Workspace, ctx: &Ctx<'_>) -> Result<(), ApiError> {
    if ws.user(&ctx.user).is_some_and(|u| u.is_bot) {
        return Err(err("not_allowed_token_type"));
    }
    if !ws.org.admins.contains(&ctx.user) {
        return Err(err("not_an_admin"));
    }
    Ok(())
}

/// A `team_id` argument naming a workspace of the org (`team_not_found` otherwise).
fn team(ws: &Workspace, req: &ApiRequest, key: &str) -> Result<Option<String>, ApiError> {
    match req.nonempty(key) {
        None => Ok(None),
        Some(t) if ws.org.teams.contains_key(&t) => Ok(Some(t)),
        Some(_) => Err(err("team_not_found")),
    }
}

fn team_mut<'a>(ws: &'a mut Workspace, id: &str) -> Result<&'a mut OrgTeam, ApiError> {
    ws.org
        .teams
        .get_mut(id)
        .ok_or_else(|| err("team_not_found"))
}

// ===== apps =====

fn apps_resolve(ws: &mut Workspace, ctx: &Ctx<'_>, req: &ApiRequest, status: &str) -> Outcome {
    let team_id = team(ws, req, "team_id")?;
    if let Some(e) = req.nonempty("enterprise_id") {
        if e != ws.org.enterprise_id {
            return Err(err("enterprise_not_found"));
        }
    }
    let (app_id, request) = match (req.nonempty("request_id"), req.nonempty("app_id")) {
        (Some(r), _) => {
            let rq = ws
                .org
                .app_requests
                .get(&r)
                .ok_or_else(|| err("invalid_request_id"))?;
            if rq["status"] != "pending" {
                return Err(err("request_already_resolved"));
            }
            (
                rq["app"]["id"].as_str().unwrap_or_default().to_owned(),
                Some(r),
            )
        }
        (None, Some(a)) => (a, None),
        (None, None) => return Err(err("request_id_or_app_id_is_required")),
    };
    if let Some(r) = &request {
        if let Some(rq) = ws.org.app_requests.get_mut(r) {
            rq["status"] = json!(status);
        }
    }
    let app = request
        .as_ref()
        .and_then(|r| ws.org.app_requests.get(r))
        .map(|rq| rq["app"].clone())
        .unwrap_or_else(|| json!({"id": app_id, "name": app_id}));
    let scope = match &team_id {
        Some(t) => json!({"type": "team", "id": t}),
        None => json!({"type": "enterprise", "id": ws.org.enterprise_id}),
    };
    let date = ws.now_secs();
    ws.org.app_resolutions.insert(
        app_id.clone(),
        json!({"app": app, "scopes": [], "status": status, "team_id": team_id,
               "date_updated": date, "last_resolved_by": {"actor_id": ctx.user, "actor_type": "user"},
               "enterprise": {"id": ws.org.enterprise_id, "name": ws.org.enterprise_name},
               "scope": scope}),
    );
    ok(json!({}))
}

fn apps_resolved_list(ws: &Workspace, req: &ApiRequest, status: &str, key: &str) -> Outcome {
    let team_id = team(ws, req, "team_id")?;
    let (limit, offset) = page_args(req, 100)?;
    let items: Vec<Value> = ws
        .org
        .app_resolutions
        .values()
        .filter(|r| r["status"] == status)
        .filter(|r| {
            team_id
                .as_deref()
                .is_none_or(|t| r["team_id"] == t || r["team_id"].is_null())
        })
        .map(|r| {
            json!({"app": r["app"], "scopes": r["scopes"], "date_updated": r["date_updated"],
                        "last_resolved_by": r["last_resolved_by"], "enterprise": r["enterprise"]})
        })
        .collect();
    let (page, meta) = paginate(items, limit, offset);
    let mut out = json!({"response_metadata": meta});
    out[key] = json!(page);
    ok(out)
}

fn apps_clear(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    let app = req.nonempty("app_id").unwrap_or_default();
    ws.org
        .app_resolutions
        .remove(&app)
        .ok_or_else(|| err("app_not_found"))?;
    ok(json!({}))
}

fn apps_requests(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let team_id = team(ws, req, "team_id")?;
    let (limit, offset) = page_args(req, 100)?;
    let items: Vec<Value> = ws
        .org
        .app_requests
        .values()
        .filter(|r| r["status"] == "pending")
        .filter(|r| team_id.as_deref().is_none_or(|t| r["team"]["id"] == t))
        .cloned()
        .map(|mut r| {
            if let Some(m) = r.as_object_mut() {
                m.remove("status");
            }
            r
        })
        .collect();
    let (page, meta) = paginate(items, limit, offset);
    ok(json!({"app_requests": page, "response_metadata": meta}))
}

fn apps_cancel(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    let id = req.nonempty("request_id").unwrap_or_default();
    let r = ws
        .org
        .app_requests
        .get_mut(&id)
        .ok_or_else(|| err("invalid_request_id"))?;
    if r["status"] != "pending" {
        return Err(err("request_already_resolved"));
    }
    r["status"] = json!("cancelled");
    ok(json!({}))
}

fn apps_uninstall(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    let app = req.nonempty("app_id").unwrap_or_default();
    let teams = req.list("team_ids");
    if teams.iter().any(|t| !ws.org.teams.contains_key(t)) {
        return Err(err("team_not_found"));
    }
    if teams.is_empty() && !req.has("enterprise_id") {
        return Err(err("no_team_or_enterprise_provided"));
    }
    if app != ws.app_id && !ws.org.app_resolutions.contains_key(&app) {
        return Err(err("app_not_found"));
    }
    ws.org.app_resolutions.remove(&app);
    if app == ws.app_id {
        let bot = ws.bot_user_id.clone();
        ws.tokens.retain(|_, t| t.user_id != bot);
    }
    ok(json!({}))
}

fn apps_config_lookup(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let ids = req.list("app_ids");
    if ids.is_empty() {
        return Err(err("invalid_arguments"));
    }
    let configs: Vec<Value> = ids
        .iter()
        .map(|id| {
            let c = ws.org.app_config.get(id).cloned().unwrap_or_else(|| json!({}));
            json!({"app_id": id, "workflow_auth_strategy": c.get("workflow_auth_strategy").cloned().unwrap_or(json!("builder_choice")),
                   "rich_link_preview_type": c.get("rich_link_preview_type").cloned().unwrap_or(json!("default")),
                   "domain_restrictions": c.get("domain_restrictions").cloned().unwrap_or(json!({"urls": [], "emails": []}))})
        })
        .collect();
    ok(json!({ "configs": configs }))
}

fn apps_config_set(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    let app = req.nonempty("app_id").unwrap_or_default();
    let mut c = ws
        .org
        .app_config
        .get(&app)
        .cloned()
        .unwrap_or_else(|| json!({}));
    if let Some(s) = req.nonempty("workflow_auth_strategy") {
        if !["builder_choice", "end_user_only"].contains(&s.as_str()) {
            return Err(err("invalid_workflow_auth_strategy"));
        }
        c["workflow_auth_strategy"] = json!(s);
    }
    if let Some(s) = req.nonempty("rich_link_preview_type") {
        if !["default", "compact", "disabled"].contains(&s.as_str()) {
            return Err(err("invalid_rich_link_preview_type"));
        }
        c["rich_link_preview_type"] = json!(s);
    }
    if let Ok(Some(d)) = req.json("domain_restrictions") {
        c["domain_restrictions"] = d;
    }
    ws.org.app_config.insert(app, c);
    ok(json!({}))
}

fn apps_activities(ws: &Workspace, req: &ApiRequest) -> Outcome {
    team(ws, req, "team_id")?;
    let (limit, offset) = page_args(req, 100)?;
    let app = req.nonempty("app_id");
    let items: Vec<Value> = ws
        .extras
        .activities
        .iter()
        .rev()
        .filter(|a| app.as_deref().is_none_or(|x| a["app_id"] == x))
        .cloned()
        .collect();
    let (page, meta) = paginate(items, limit, offset);
    ok(json!({"activities": page, "response_metadata": meta}))
}

// ===== conversations =====

/// A channel of any workspace of the org, as the admin methods see it.
#[derive(Debug, Clone)]
struct View {
    id: String,
    name: String,
    private: bool,
    archived: bool,
    members: Vec<String>,
    team: String,
    created: u64,
    creator: String,
    purpose: String,
    general: bool,
    main: bool,
}

fn view(ws: &Workspace, id: &str) -> Result<View, ApiError> {
    if let Some(c) = ws.channel(id) {
        if matches!(c.kind, Kind::Im | Kind::Mpim) {
            return Err(err("channel_type_not_supported"));
        }
        return Ok(View {
            id: c.id.clone(),
            name: c.name.clone(),
            private: c.kind == Kind::Private,
            archived: c.archived,
            members: c.members.clone(),
            team: ws.team_id.clone(),
            created: u64::try_from(c.created).unwrap_or(0),
            creator: c.creator.clone(),
            purpose: c.purpose.clone(),
            general: c.is_general,
            main: true,
        });
    }
    let c = ws
        .org
        .channels
        .get(id)
        .ok_or_else(|| err("channel_not_found"))?;
    let team = ws
        .org
        .channel_settings
        .get(id)
        .and_then(|s| s["home"].as_str())
        .unwrap_or("")
        .to_owned();
    Ok(View {
        id: c.id.clone(),
        name: c.name.clone(),
        private: c.is_private,
        archived: c.archived,
        members: c.members.clone(),
        team,
        created: c.created,
        creator: c.creator.clone(),
        purpose: c.purpose.clone(),
        general: false,
        main: false,
    })
}

fn save(ws: &mut Workspace, v: &View) {
    if v.main {
        if let Some(c) = ws.channel_mut(&v.id) {
            c.name = v.name.clone();
            c.kind = if v.private {
                Kind::Private
            } else {
                Kind::Public
            };
            c.archived = v.archived;
            c.members = v.members.clone();
        }
    } else if let Some(c) = ws.org.channels.get_mut(&v.id) {
        c.name = v.name.clone();
        c.is_private = v.private;
        c.archived = v.archived;
        c.members = v.members.clone();
    }
}

/// The workspaces a channel is in.
fn channel_teams(ws: &Workspace, v: &View) -> Vec<String> {
    ws.org
        .channel_settings
        .get(&v.id)
        .map(|s| strings(&s["teams"]))
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| vec![v.team.clone()])
}

fn is_org_wide(ws: &Workspace, id: &str) -> bool {
    ws.org
        .channel_settings
        .get(id)
        .is_some_and(|s| s["org_wide"] == true)
}

fn setting<'a>(ws: &'a mut Workspace, id: &str) -> &'a mut Value {
    ws.org
        .channel_settings
        .entry(id.to_owned())
        .or_insert_with(|| json!({}))
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().count() <= 80
        && name.chars().all(|c| {
            c.is_ascii_lowercase()
                || c.is_ascii_digit()
                || "-_".contains(c)
                || (c.is_alphabetic() && c.is_lowercase())
        })
}

fn name_taken(ws: &Workspace, name: &str, except: &str) -> bool {
    ws.channels.iter().any(|c| c.name == name && c.id != except)
        || ws
            .org
            .channels
            .values()
            .any(|c| c.name == name && c.id != except)
}

fn conv_create(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let name = req.nonempty("name").unwrap_or_default();
    if !valid_name(&name) {
        return Err(err("invalid_name"));
    }
    if name_taken(ws, &name, "") {
        return Err(err("name_taken"));
    }
    let org_wide = req.bool("org_wide");
    let team_id = team(ws, req, "team_id")?;
    let Some(home) = team_id.or_else(|| org_wide.then(|| ws.team_id.clone())) else {
        return Err(err("team_id_or_org_required"));
    };
    let private = req.bool("is_private");
    let now = ws.now_secs();
    let purpose = req.str("description").unwrap_or_default();
    let id = ws.next_id(if private { "G" } else { "C" });
    if home == ws.team_id {
        ws.channels.push(Channel {
            id: id.clone(),
            name: name.clone(),
            kind: if private { Kind::Private } else { Kind::Public },
            created: i64::try_from(now).unwrap_or(0),
            creator: ctx.user.clone(),
            members: Vec::new(),
            archived: false,
            topic: String::new(),
            purpose,
            is_general: false,
        });
        if !private {
            let creator = ctx.user.clone();
            let (cid, cname) = (id.clone(), name.clone());
            ctx.emit(|| json!({"type": "channel_created", "channel": {"id": cid, "name": cname, "created": now, "creator": creator}}));
        }
    } else {
        ws.org.channels.insert(
            id.clone(),
            OrgChannel {
                id: id.clone(),
                name,
                is_private: private,
                archived: false,
                members: Vec::new(),
                creator: ctx.user.clone(),
                created: now,
                purpose,
            },
        );
        setting(ws, &id)["home"] = json!(home);
    }
    if org_wide {
        let all: Vec<String> = ws.org.teams.keys().cloned().collect();
        let s = setting(ws, &id);
        s["org_wide"] = json!(true);
        s["teams"] = json!(all);
    }
    ok(json!({ "channel_id": id }))
}

fn channel_arg(ws: &Workspace, req: &ApiRequest) -> Result<View, ApiError> {
    let id = req.nonempty("channel_id").unwrap_or_default();
    view(ws, &id)
}

fn archive_one(
    ws: &mut Workspace,
    ctx: &mut Ctx<'_>,
    id: &str,
    archive: bool,
) -> Result<(), ApiError> {
    let mut v = view(ws, id)?;
    if archive && v.general {
        return Err(err("cant_archive_general"));
    }
    if v.archived == archive {
        return Err(err(if archive {
            "already_archived"
        } else {
            "not_archived"
        }));
    }
    v.archived = archive;
    save(ws, &v);
    if v.main {
        let user = ctx.user.clone();
        let cid = v.id.clone();
        let kind = if archive {
            "channel_archive"
        } else {
            "channel_unarchive"
        };
        ctx.emit(|| json!({"type": kind, "channel": cid, "user": user}));
    }
    Ok(())
}

fn conv_archive(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest, archive: bool) -> Outcome {
    let v = channel_arg(ws, req)?;
    archive_one(ws, ctx, &v.id, archive)?;
    ok(json!({}))
}

fn delete_one(ws: &mut Workspace, ctx: &mut Ctx<'_>, id: &str) -> Result<(), ApiError> {
    let v = view(ws, id)?;
    if v.general {
        return Err(err("default_org_wide_channel"));
    }
    if v.main {
        ws.channels.retain(|c| c.id != id);
        ws.messages.remove(id);
        let cid = id.to_owned();
        ctx.emit(|| json!({"type": "channel_deleted", "channel": cid}));
    } else {
        ws.org.channels.remove(id);
    }
    ws.org.channel_settings.remove(id);
    Ok(())
}

fn conv_delete(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let v = channel_arg(ws, req)?;
    delete_one(ws, ctx, &v.id)?;
    ok(json!({}))
}

fn conv_bulk(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest, what: &str) -> Outcome {
    let ids = req.list("channel_ids");
    if ids.is_empty() || ids.len() > 100 {
        return Err(err("invalid_channel_ids"));
    }
    let target = if what == "move" {
        match team(ws, req, "target_team_id")? {
            Some(t) => Some(t),
            None => return Err(err("team_not_found")),
        }
    } else {
        None
    };
    let mut failed = Vec::new();
    for id in &ids {
        let r = match what {
            "archive" => archive_one(ws, ctx, id, true),
            "delete" => delete_one(ws, ctx, id),
            _ => view(ws, id).map(|v| {
                let t = target.clone().unwrap_or_default();
                let s = setting(ws, &v.id);
                s["teams"] = json!([t]);
            }),
        };
        if let Err(e) = r {
            failed.push(json!({"channel_id": id, "error": e.code}));
        }
    }
    if failed.len() == ids.len() {
        return Err(err("failed_for_some_channels").with("not_added", json!(failed)));
    }
    let job = ws.next_id("Bj");
    ok(json!({"bulk_action_id": job}))
}

fn conv_rename(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let mut v = channel_arg(ws, req)?;
    let name = req.nonempty("name").unwrap_or_default();
    if name.chars().count() > 80 {
        return Err(err("invalid_name_maxlength"));
    }
    if !valid_name(&name) {
        return Err(err("invalid_name_specials"));
    }
    if name_taken(ws, &name, &v.id) {
        return Err(err("name_taken"));
    }
    v.name = name;
    save(ws, &v);
    if v.main {
        let (cid, cname, created) = (v.id.clone(), v.name.clone(), v.created);
        ctx.emit(|| json!({"type": "channel_rename", "channel": {"id": cid, "name": cname, "created": created}}));
    }
    ok(json!({}))
}

fn conv_invite(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let mut v = channel_arg(ws, req)?;
    let users = req.list("user_ids");
    if users.is_empty() || users.iter().any(|u| ws.user(u).is_none()) {
        return Err(err("user_not_found"));
    }
    if v.archived {
        return Err(err("channel_is_archived"));
    }
    let mut added = Vec::new();
    for u in users {
        if !v.members.contains(&u) {
            v.members.push(u.clone());
            added.push(u);
        }
    }
    save(ws, &v);
    if v.main {
        let kind = if v.private { "G" } else { "C" };
        for u in added {
            let (cid, team, inviter) = (v.id.clone(), ws.team_id.clone(), ctx.user.clone());
            ctx.emit(|| json!({"type": "member_joined_channel", "user": u, "channel": cid, "channel_type": kind, "team": team, "inviter": inviter}));
        }
    }
    ok(json!({}))
}

fn conv_privacy(ws: &mut Workspace, req: &ApiRequest, private: bool) -> Outcome {
    let mut v = channel_arg(ws, req)?;
    if v.general {
        return Err(err("default_org_wide_channel"));
    }
    if v.private == private {
        return Err(err("method_not_supported_for_channel_type"));
    }
    if let Some(n) = req.nonempty("name").filter(|_| private) {
        if name_taken(ws, &n, &v.id) {
            return Err(err("name_taken"));
        }
        v.name = n;
    }
    v.private = private;
    save(ws, &v);
    ok(json!({}))
}

fn conv_get_teams(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let v = channel_arg(ws, req)?;
    let (limit, offset) = page_args(req, 100)?;
    let (page, meta) = paginate(
        channel_teams(ws, &v).into_iter().map(Value::String),
        limit,
        offset,
    );
    ok(json!({"team_ids": page, "response_metadata": meta}))
}

fn conv_set_teams(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    let v = channel_arg(ws, req)?;
    let org_channel = req.bool("org_channel");
    let targets = req.list("target_team_ids");
    if targets.iter().any(|t| !ws.org.teams.contains_key(t)) {
        return Err(err("invalid_target_team"));
    }
    if let Some(t) = team(ws, req, "team_id")? {
        if !channel_teams(ws, &v).contains(&t) {
            return Err(err("channel_not_found"));
        }
    }
    if !org_channel && targets.is_empty() {
        return Err(err("invalid_target_team"));
    }
    let all: Vec<String> = ws.org.teams.keys().cloned().collect();
    let s = setting(ws, &v.id);
    s["org_wide"] = json!(org_channel);
    s["teams"] = json!(if org_channel { all } else { targets });
    ok(json!({}))
}

fn conversation_json(ws: &Workspace, v: &View) -> Value {
    let teams = channel_teams(ws, v);
    let last = ws
        .channel_messages(&v.id)
        .last()
        .and_then(|m| m.get("ts"))
        .and_then(Value::as_str)
        .and_then(|ts| ts.split('.').next())
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(v.created);
    json!({
        "id": v.id, "name": v.name, "purpose": v.purpose, "member_count": v.members.len(),
        "created": v.created, "creator_id": v.creator, "is_private": v.private,
        "is_archived": v.archived, "is_general": v.general, "last_activity_ts": last * 1000,
        "is_ext_shared": false, "is_global_shared": false, "is_org_default": false,
        "is_org_mandatory": false, "is_org_shared": is_org_wide(ws, &v.id) || teams.len() > 1,
        "is_frozen": false, "connected_team_ids": teams, "internal_team_ids_count": teams.len(),
        "internal_team_ids_sample_team": teams.first(), "pending_connected_team_ids": [],
        "is_pending_ext_shared": false, "channel_email_addresses": [],
    })
}

fn all_views(ws: &Workspace) -> Vec<View> {
    ws.channels
        .iter()
        .filter(|c| matches!(c.kind, Kind::Public | Kind::Private))
        .map(|c| c.id.clone())
        .chain(ws.org.channels.keys().cloned())
        .filter_map(|id| view(ws, &id).ok())
        .collect()
}

fn conv_search(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let teams = req.list("team_ids");
    if teams.iter().any(|t| !ws.org.teams.contains_key(t)) {
        return Err(err("team_not_found"));
    }
    let types = req.list("search_channel_types");
    let known = [
        "private",
        "private_exclude",
        "archived",
        "exclude_archived",
        "private_archived",
        "public",
        "org_wide",
        "external_shared_exclude",
        "external_shared",
        "external_shared_private",
        "external_shared_archived",
        "exclude_org_shared",
        "multi_workspace",
        "shared_channel",
    ];
    if types.iter().any(|t| !known.contains(&t.as_str())) {
        return Err(err("invalid_search_channel_type"));
    }
    let sort = req
        .nonempty("sort")
        .unwrap_or_else(|| "member_count".into());
    if !["relevant", "name", "member_count", "created"].contains(&sort.as_str()) {
        return Err(err("invalid_sort"));
    }
    let dir = req.nonempty("sort_dir").unwrap_or_else(|| "desc".into());
    if !["asc", "desc"].contains(&dir.as_str()) {
        return Err(err("invalid_sort_dir"));
    }
    let (limit, offset) = page_args(req, 10)?;
    let q = req.nonempty("query").map(|q| q.to_lowercase());
    let mut found: Vec<View> = all_views(ws)
        .into_iter()
        .filter(|v| teams.is_empty() || channel_teams(ws, v).iter().any(|t| teams.contains(t)))
        .filter(|v| q.as_deref().is_none_or(|q| v.name.contains(q)))
        .filter(|v| {
            types.iter().all(|t| match t.as_str() {
                "private" => v.private,
                "private_exclude" => !v.private,
                "archived" => v.archived,
                "exclude_archived" => !v.archived,
                "private_archived" => v.private && v.archived,
                "public" => !v.private,
                "org_wide" => is_org_wide(ws, &v.id),
                "multi_workspace" => channel_teams(ws, v).len() > 1,
                "exclude_org_shared" => !is_org_wide(ws, &v.id),
                "external_shared"
                | "external_shared_private"
                | "external_shared_archived"
                | "shared_channel" => false,
                _ => true,
            })
        })
        .collect();
    match sort.as_str() {
        "name" => found.sort_by(|a, b| a.name.cmp(&b.name)),
        "created" => found.sort_by_key(|v| v.created),
        _ => found.sort_by_key(|v| v.members.len()),
    }
    // Names sort ascending unless asked otherwise; counts and dates newest/biggest first.
    let descending = dir == "desc" && (sort != "name" || req.has("sort_dir"));
    if descending {
        found.reverse();
    }
    let total = found.len();
    if req.bool("total_count_only") {
        return ok(json!({"conversations": [], "total_count": total, "next_cursor": ""}));
    }
    let items: Vec<Value> = found.iter().map(|v| conversation_json(ws, v)).collect();
    let (page, meta) = paginate(items, limit, offset);
    ok(json!({"conversations": page, "next_cursor": meta["next_cursor"], "total_count": total}))
}

fn conv_lookup(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let teams = req.list("team_ids");
    if teams.is_empty() || teams.iter().any(|t| !ws.org.teams.contains_key(t)) {
        return Err(err("team_not_found"));
    }
    let before = req
        .int("last_message_activity_before")
        .map_err(|()| err("invalid_arguments"))?
        .unwrap_or(0);
    let max = req
        .int("max_member_count")
        .map_err(|()| err("invalid_arguments"))?;
    let (limit, offset) = page_args(req, 100)?;
    let ids: Vec<Value> = all_views(ws)
        .into_iter()
        .filter(|v| channel_teams(ws, v).iter().any(|t| teams.contains(t)))
        .filter(|v| {
            conversation_json(ws, v)["last_activity_ts"]
                .as_i64()
                .unwrap_or(0)
                / 1000
                < before
        })
        .filter(|v| max.is_none_or(|m| i64::try_from(v.members.len()).unwrap_or(i64::MAX) <= m))
        .map(|v| json!(v.id))
        .collect();
    let (page, meta) = paginate(ids, limit, offset);
    ok(json!({"channel_ids": page, "response_metadata": meta}))
}

fn conv_get_setting(ws: &Workspace, req: &ApiRequest, what: &str) -> Outcome {
    let v = channel_arg(ws, req)?;
    let s = ws
        .org
        .channel_settings
        .get(&v.id)
        .cloned()
        .unwrap_or_else(|| json!({}));
    if what == "prefs" {
        let mut prefs = json!({"who_can_post": {"type": [], "user": []}, "can_thread": {"type": [], "user": []}});
        if let Some(m) = s["prefs"].as_object() {
            for (k, val) in m {
                prefs[k] = val.clone();
            }
        }
        ok(json!({ "prefs": prefs }))
    } else {
        let days = s["retention_days"].as_i64();
        ok(json!({"is_policy_enabled": days.is_some(), "duration_days": days.unwrap_or(0)}))
    }
}

fn conv_set_prefs(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    let v = channel_arg(ws, req)?;
    let prefs = req
        .json("prefs")
        .map_err(|()| err("invalid_prefs"))?
        .filter(Value::is_object)
        .ok_or_else(|| err("invalid_prefs"))?;
    let mut parsed = json!({});
    for (k, val) in prefs.as_object().into_iter().flatten() {
        // Slack's form: "type:admin,regular,user:U1" (or an object already).
        parsed[k] = match val {
            Value::String(s) => {
                let mut types = Vec::new();
                let mut users = Vec::new();
                let mut mode = "";
                for part in s.split(',') {
                    let part = match part.split_once(':') {
                        Some((m, rest)) => {
                            mode = if m == "user" { "user" } else { "type" };
                            rest
                        }
                        None => part,
                    };
                    if mode == "user" {
                        users.push(part.to_owned())
                    } else {
                        types.push(part.to_owned())
                    }
                }
                json!({"type": types, "user": users})
            }
            other => other.clone(),
        };
    }
    let s = setting(ws, &v.id);
    if !s["prefs"].is_object() {
        s["prefs"] = json!({});
    }
    for (k, val) in parsed.as_object().into_iter().flatten() {
        s["prefs"][k] = val.clone();
    }
    ok(json!({}))
}

fn conv_set_retention(ws: &mut Workspace, req: &ApiRequest, set: bool) -> Outcome {
    let v = channel_arg(ws, req)?;
    let s = if set {
        let days = req
            .int("duration_days")
            .map_err(|()| err("invalid_duration_days"))?
            .unwrap_or(0);
        if !(1..=36_500).contains(&days) {
            return Err(err("invalid_duration_days"));
        }
        Some(days)
    } else {
        None
    };
    let entry = setting(ws, &v.id);
    match s {
        Some(d) => entry["retention_days"] = json!(d),
        None => {
            if let Some(m) = entry.as_object_mut() {
                m.remove("retention_days");
            }
        }
    }
    ok(json!({}))
}

fn conv_groups(ws: &mut Workspace, req: &ApiRequest, add: Option<bool>) -> Outcome {
    let v = channel_arg(ws, req)?;
    team(ws, req, "team_id")?;
    if !v.private && add.is_some() {
        return Err(err("channel_type_not_supported"));
    }
    let Some(add) = add else {
        let groups = ws
            .org
            .channel_settings
            .get(&v.id)
            .map(|s| strings(&s["restricted_groups"]))
            .unwrap_or_default();
        return ok(json!({"group_ids": groups}));
    };
    let group = req.nonempty("group_id").unwrap_or_default();
    if !group.starts_with('S') {
        return Err(err("invalid_group_id"));
    }
    let s = setting(ws, &v.id);
    if add {
        add_all(&mut s["restricted_groups"], &[group]);
    } else {
        let before = strings(&s["restricted_groups"]);
        if !before.contains(&group) {
            return Err(err("group_not_found"));
        }
        remove_all(&mut s["restricted_groups"], &[group]);
    }
    ok(json!({}))
}

fn conv_bulk_flag(ws: &mut Workspace, req: &ApiRequest, key: &str, arg: &str) -> Outcome {
    let ids = req.list("channel_ids");
    for id in &ids {
        view(ws, id)?;
    }
    let value = match req.json(arg) {
        Ok(Some(v)) => v,
        _ => json!(req.bool(arg)),
    };
    for id in ids {
        setting(ws, &id)[key] = value.clone();
    }
    let job = ws.next_id("Bj");
    ok(json!({"bulk_action_id": job}))
}

// ===== teams =====

fn team_json(t: &OrgTeam) -> Value {
    json!({"id": t.id, "name": t.name, "discoverability": t.discoverability,
           "primary_owner": {"user_id": t.members.iter().find(|(_, r)| **r == Role::PrimaryOwner).map(|(u, _)| u.clone()).unwrap_or_default(), "email": ""},
           "team_url": format!("https://{}.slack.com/", t.domain), "icon": {"image_default": t.icon.is_empty(), "image_132": t.icon}})
}

fn teams_list(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let (limit, offset) = page_args(req, 100)?;
    let (page, meta) = paginate(ws.org.teams.values().map(team_json), limit, offset);
    ok(json!({"teams": page, "response_metadata": meta}))
}

fn teams_create(ws: &mut Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let domain = req
        .nonempty("team_domain")
        .ok_or_else(|| err("must_provide_team_domain"))?;
    let name = req
        .nonempty("team_name")
        .ok_or_else(|| err("must_provide_team_name"))?;
    if !domain
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        || domain.len() > 21
    {
        return Err(err("bad_url"));
    }
    if ws.org.teams.values().any(|t| t.domain == domain) {
        return Err(err("domain_taken"));
    }
    if ws.org.teams.values().any(|t| t.name == name) {
        return Err(err("name_taken_in_org"));
    }
    let disc = req
        .nonempty("team_discoverability")
        .unwrap_or_else(|| "open".into());
    if !["open", "invite_only", "closed", "unlisted"].contains(&disc.as_str()) {
        return Err(err("discoverability_setting_invalid"));
    }
    let id = ws.next_id("T");
    let mut members = std::collections::BTreeMap::new();
    members.insert(ctx.user.clone(), Role::PrimaryOwner);
    let now = ws.now_secs();
    ws.org.teams.insert(
        id.clone(),
        OrgTeam {
            id: id.clone(),
            name,
            domain,
            description: req.str("team_description").unwrap_or_default(),
            discoverability: disc,
            icon: String::new(),
            default_channels: Vec::new(),
            members,
            created: now,
        },
    );
    ok(json!({ "team": id }))
}

fn required_team(ws: &Workspace, req: &ApiRequest) -> Result<String, ApiError> {
    team(ws, req, "team_id")?.ok_or_else(|| err("team_not_found"))
}

fn teams_people(ws: &Workspace, req: &ApiRequest, pick: fn(Role) -> bool, key: &str) -> Outcome {
    let id = required_team(ws, req)?;
    let (limit, offset) = page_args(req, 100)?;
    let ids: Vec<Value> = ws
        .org
        .teams
        .get(&id)
        .map(|t| {
            t.members
                .iter()
                .filter(|(_, r)| pick(**r))
                .map(|(u, _)| json!(u))
                .collect()
        })
        .unwrap_or_default();
    let (page, meta) = paginate(ids, limit, offset);
    let mut out = json!({"response_metadata": meta});
    out[key] = json!(page);
    ok(out)
}

fn teams_info(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let id = required_team(ws, req)?;
    let t = ws.org.teams.get(&id).ok_or_else(|| err("team_not_found"))?;
    ok(json!({"team": {
        "id": t.id, "name": t.name, "domain": t.domain, "email_domain": "example.com",
        "icon": {"image_default": t.icon.is_empty(), "image_132": t.icon},
        "enterprise_id": ws.org.enterprise_id, "enterprise_name": ws.org.enterprise_name,
        "default_channels": t.default_channels, "description": t.description,
        "discoverability": t.discoverability, "is_verified": false, "avatar_base_url": "https://avatars.example.com/",
    }}))
}

fn teams_set(ws: &mut Workspace, req: &ApiRequest, what: &str) -> Outcome {
    let id = required_team(ws, req)?;
    let channels = req.list("channel_ids");
    if what == "channel_ids"
        && channels
            .iter()
            .any(|c| ws.channel(c).is_none() && !ws.org.channels.contains_key(c))
    {
        return Err(err("channel_not_found"));
    }
    let value = req.str(what).unwrap_or_default();
    let t = team_mut(ws, &id)?;
    match what {
        "name" => {
            if value.trim().is_empty() {
                return Err(err("invalid_name"));
            }
            t.name = value;
        }
        "description" => t.description = value,
        "discoverability" => {
            if !["open", "invite_only", "closed", "unlisted"].contains(&value.as_str()) {
                return Err(err("invalid_discoverability"));
            }
            t.discoverability = value;
        }
        "image_url" => {
            if !value.starts_with("http") {
                return Err(err("invalid_image_url"));
            }
            t.icon = value;
        }
        _ => t.default_channels = channels,
    }
    ok(json!({}))
}

// ===== users =====

fn users_list(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let team_id = team(ws, req, "team_id")?;
    let (limit, offset) = page_args(req, 100)?;
    let only_guests = req.bool("only_guests");
    let mut rows = Vec::new();
    for u in &ws.users {
        let roles: Vec<(&String, Role)> = ws
            .org
            .teams
            .iter()
            .filter_map(|(tid, t)| t.members.get(&u.id).map(|r| (tid, *r)))
            .filter(|(tid, _)| team_id.as_deref().is_none_or(|x| x == tid.as_str()))
            .collect();
        let Some((_, role)) = roles.first() else {
            continue;
        };
        let guest = matches!(role, Role::Restricted | Role::UltraRestricted);
        if only_guests && !guest {
            continue;
        }
        rows.push(json!({
            "id": u.id, "email": u.email, "is_admin": role.is_admin(), "is_owner": role.is_owner(),
            "is_primary_owner": *role == Role::PrimaryOwner, "is_restricted": *role == Role::Restricted,
            "is_ultra_restricted": *role == Role::UltraRestricted, "is_bot": u.is_bot, "is_active": true,
            "full_name": u.real_name, "username": u.name, "date_created": 1_700_000_000,
            "expiration_ts": ws.org.expirations.get(&u.id).copied().unwrap_or(0),
            "workspaces": roles.iter().map(|(t, _)| (*t).clone()).collect::<Vec<_>>(),
            "roles": [],
        }));
    }
    let (page, meta) = paginate(rows, limit, offset);
    ok(json!({"users": page, "response_metadata": meta}))
}

fn user_and_team(ws: &Workspace, req: &ApiRequest) -> Result<(String, String), ApiError> {
    let t = required_team(ws, req)?;
    let u = req.nonempty("user_id").unwrap_or_default();
    if ws.user(&u).is_none() {
        return Err(err("user_not_found"));
    }
    Ok((u, t))
}

fn users_assign(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    let (u, t) = user_and_team(ws, req)?;
    if ws.user(&u).is_some_and(|x| x.is_bot) {
        return Err(err("user_is_bot"));
    }
    let role = if req.bool("is_ultra_restricted") {
        Role::UltraRestricted
    } else if req.bool("is_restricted") {
        Role::Restricted
    } else {
        Role::Regular
    };
    let channels = req.list("channel_ids");
    let team = team_mut(ws, &t)?;
    if team.members.contains_key(&u) {
        return Err(err("user_already_team_member"));
    }
    team.members.insert(u.clone(), role);
    for c in channels {
        if let Some(ch) = ws.channel_mut(&c) {
            if !ch.has_member(&u) {
                ch.members.push(u.clone());
            }
        } else if let Some(ch) = ws.org.channels.get_mut(&c) {
            if !ch.members.contains(&u) {
                ch.members.push(u.clone());
            }
        }
    }
    ok(json!({}))
}

fn users_remove(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let (u, t) = user_and_team(ws, req)?;
    if u == ws.org.primary_owner {
        return Err(err("cannot_modify_primary_owner"));
    }
    let team = team_mut(ws, &t)?;
    if team.members.remove(&u).is_none() {
        return Err(err("user_not_found"));
    }
    if t == ws.team_id {
        let mut left = Vec::new();
        for c in &mut ws.channels {
            if c.has_member(&u) && matches!(c.kind, Kind::Public | Kind::Private) {
                c.members.retain(|m| *m != u);
                left.push((c.id.clone(), c.kind.event_code()));
            }
        }
        for (cid, kind) in left {
            let (user, team) = (u.clone(), t.clone());
            ctx.emit(|| json!({"type": "member_left_channel", "user": user, "channel": cid, "channel_type": kind, "team": team}));
        }
    }
    ok(json!({}))
}

fn users_invite(ws: &mut Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let t = required_team(ws, req)?;
    let email = req.nonempty("email").unwrap_or_default().to_lowercase();
    if !email.contains('@') || email.starts_with('@') || email.ends_with('@') {
        return Err(err("invalid_email"));
    }
    let channels = req.list("channel_ids");
    if channels.is_empty()
        || channels
            .iter()
            .any(|c| ws.channel(c).is_none() && !ws.org.channels.contains_key(c))
    {
        return Err(err("failed_to_validate_channels"));
    }
    let members = ws
        .org
        .teams
        .get(&t)
        .map(|x| x.members.clone())
        .unwrap_or_default();
    if ws
        .users
        .iter()
        .any(|u| u.email == email && members.contains_key(&u.id))
    {
        return Err(err("already_in_team"));
    }
    if !req.bool("resend")
        && ws
            .org
            .invites
            .iter()
            .any(|i| i["email"] == email.as_str() && i["team_id"] == t.as_str())
    {
        return Err(err("already_in_team_invited_user"));
    }
    let now = ws.now_secs();
    ws.org.invites.push(json!({"email": email, "team_id": t, "channel_ids": channels,
        "is_restricted": req.bool("is_restricted"), "is_ultra_restricted": req.bool("is_ultra_restricted"),
        "real_name": req.str("real_name"), "invited_by": ctx.user, "date_created": now}));
    ok(json!({}))
}

fn users_role(ws: &mut Workspace, req: &ApiRequest, role: Role) -> Outcome {
    let (u, t) = user_and_team(ws, req)?;
    if u == ws.org.primary_owner {
        return Err(err("cannot_modify_primary_owner"));
    }
    if ws.user(&u).is_some_and(|x| x.is_bot) {
        return Err(err("invalid_role_for_user"));
    }
    let team = team_mut(ws, &t)?;
    let r = team
        .members
        .get_mut(&u)
        .ok_or_else(|| err("user_not_found"))?;
    *r = role;
    ok(json!({}))
}

fn users_set_expiration(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    let u = req.nonempty("user_id").unwrap_or_default();
    if ws.user(&u).is_none() {
        return Err(err("user_not_found"));
    }
    team(ws, req, "team_id")?;
    let ts = req
        .int("expiration_ts")
        .map_err(|()| err("invalid_expiration_ts"))?
        .unwrap_or(0);
    if u64::try_from(ts).unwrap_or(0) <= ws.now_secs() {
        return Err(err("invalid_expiration_ts"));
    }
    let guest = ws.org.teams.values().any(|t| {
        matches!(
            t.members.get(&u),
            Some(Role::Restricted | Role::UltraRestricted)
        )
    });
    if !guest {
        return Err(err("not_a_guest"));
    }
    ws.org.expirations.insert(u, u64::try_from(ts).unwrap_or(0));
    ok(json!({}))
}

fn users_get_expiration(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let u = req
        .nonempty("user")
        .or_else(|| req.nonempty("user_id"))
        .unwrap_or_default();
    if ws.user(&u).is_none() {
        return Err(err("user_not_found"));
    }
    let email = ws.user(&u).map(|x| x.email.clone()).unwrap_or_default();
    let role = ws
        .org
        .teams
        .values()
        .find_map(|t| t.members.get(&u).copied());
    ok(json!({"user": {
        "id": u, "email": email, "is_restricted": role == Some(Role::Restricted),
        "is_ultra_restricted": role == Some(Role::UltraRestricted),
        "expiration_ts": ws.org.expirations.get(&u).copied().unwrap_or(0),
    }}))
}

fn sessions_list(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let team_id = team(ws, req, "team_id")?;
    let user = req.nonempty("user_id");
    let (limit, offset) = page_args(req, 100)?;
    let items: Vec<Value> = ws
        .org
        .sessions
        .iter()
        .filter(|s| team_id.as_deref().is_none_or(|t| s["team_id"] == t))
        .filter(|s| user.as_deref().is_none_or(|u| s["user_id"] == u))
        .cloned()
        .collect();
    let (page, meta) = paginate(items, limit, offset);
    ok(json!({"active_sessions": page, "response_metadata": meta}))
}

fn sessions_reset(ws: &mut Workspace, req: &ApiRequest, bulk: bool) -> Outcome {
    let users = if bulk {
        req.list("user_ids")
    } else {
        req.nonempty("user_id").into_iter().collect()
    };
    if users.is_empty() || users.iter().any(|u| ws.user(u).is_none()) {
        return Err(err("user_not_found"));
    }
    // Without a device kind to keep, every session of the users ends.
    let keep_mobile = req.bool("web_only");
    let keep_web = req.bool("mobile_only");
    if !(keep_mobile || keep_web) {
        ws.org
            .sessions
            .retain(|s| !users.iter().any(|u| s["user_id"] == u.as_str()));
    }
    ok(json!({}))
}

fn sessions_invalidate(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    let u = req.nonempty("user_id").unwrap_or_default();
    let sid = req
        .int("session_id")
        .map_err(|()| err("invalid_session"))?
        .unwrap_or(-1);
    let before = ws.org.sessions.len();
    ws.org
        .sessions
        .retain(|s| !(s["user_id"] == u.as_str() && s["session_id"].as_i64() == Some(sid)));
    if ws.org.sessions.len() == before {
        return Err(err("invalid_session"));
    }
    ok(json!({}))
}

fn session_settings(ws: &mut Workspace, req: &ApiRequest, set: Option<bool>) -> Outcome {
    let users = req.list("user_ids");
    if users.is_empty() || users.iter().any(|u| ws.user(u).is_none()) {
        return Err(err("user_not_found"));
    }
    match set {
        None => {
            let list: Vec<Value> = users
                .iter()
                .filter_map(|u| {
                    ws.org.session_settings.get(u).map(|s| {
                        let mut s = s.clone();
                        s["user_id"] = json!(u);
                        s
                    })
                })
                .collect();
            let missing: Vec<&String> = users
                .iter()
                .filter(|u| !ws.org.session_settings.contains_key(*u))
                .collect();
            ok(json!({"session_settings": list, "no_settings_applied": missing}))
        }
        Some(true) => {
            let duration = req.int("duration").map_err(|()| err("invalid_duration"))?;
            if duration.is_none() && !req.present("desktop_app_browser_quit") {
                return Err(err("no_value_provided"));
            }
            for u in users {
                let s = ws
                    .org
                    .session_settings
                    .entry(u)
                    .or_insert_with(|| json!({}));
                if let Some(d) = duration {
                    s["duration"] = json!(d);
                }
                if req.present("desktop_app_browser_quit") {
                    s["desktop_app_browser_quit"] = json!(req.bool("desktop_app_browser_quit"));
                }
            }
            ok(json!({}))
        }
        Some(false) => {
            for u in users {
                ws.org.session_settings.remove(&u);
            }
            ok(json!({}))
        }
    }
}

// ===== invite requests =====

fn invites_list(ws: &Workspace, req: &ApiRequest, status: &str, key: &str) -> Outcome {
    let team_id = team(ws, req, "team_id")?;
    let (limit, offset) = page_args(req, 100)?;
    let items: Vec<Value> = ws.org.invite_requests.values()
        .filter(|r| r["status"] == status)
        .filter(|r| team_id.as_deref().is_none_or(|t| r["team_id"] == t))
        .map(|r| if status == "pending" {
            let mut r = r.clone();
            if let Some(m) = r.as_object_mut() { m.remove("status"); m.remove("team_id"); m.remove("resolved_by"); }
            r
        } else {
            json!({"invite_request": {"id": r["id"], "email": r["email"], "date_created": r["date_created"],
                   "requester_ids": r["requester_ids"], "channel_ids": r["channel_ids"], "invite_type": r["invite_type"],
                   "real_name": r["real_name"], "date_expire": r["date_expire"], "request_reason": r["request_reason"]},
                   "approved_by": r["resolved_by"], "denied_by": r["resolved_by"]})
        })
        .collect();
    let (page, meta) = paginate(items, limit, offset);
    let mut out = json!({"response_metadata": meta});
    out[key] = json!(page);
    ok(out)
}

fn invites_resolve(ws: &mut Workspace, ctx: &Ctx<'_>, req: &ApiRequest, status: &str) -> Outcome {
    let team_id = team(ws, req, "team_id")?;
    let id = req.nonempty("invite_request_id").unwrap_or_default();
    let now = ws.now_secs();
    let r = ws
        .org
        .invite_requests
        .get_mut(&id)
        .ok_or_else(|| err("invalid_request"))?;
    if team_id.as_deref().is_some_and(|t| r["team_id"] != t) {
        return Err(err("invalid_request"));
    }
    if r["status"] != "pending" {
        return Err(err("already_processed"));
    }
    r["status"] = json!(status);
    r["resolved_by"] = json!({"actor_type": "user", "actor_id": ctx.user, "actor_name": ""});
    let invite = json!({"email": r["email"], "team_id": r["team_id"], "channel_ids": r["channel_ids"],
                        "invited_by": ctx.user, "date_created": now});
    if status == "approved" {
        ws.org.invites.push(invite);
    }
    ok(json!({}))
}

// ===== user groups =====

fn usergroup_change(ws: &mut Workspace, req: &ApiRequest, what: &str, add: bool) -> Outcome {
    let group = req.nonempty("usergroup_id").unwrap_or_default();
    if !group.starts_with('S') {
        return Err(err("usergroup_not_found"));
    }
    let ids = if what == "channels" {
        req.list("channel_ids")
    } else {
        req.list("team_ids")
    };
    if what == "channels" {
        if ids
            .iter()
            .any(|c| ws.channel(c).is_none() && !ws.org.channels.contains_key(c))
        {
            return Err(err("channel_not_found"));
        }
        if ids.len() > 100 {
            return Err(err("invalid_channels_limit"));
        }
    } else if ids.iter().any(|t| !ws.org.teams.contains_key(t)) {
        return Err(err("team_not_found"));
    }
    let map = if what == "channels" {
        &mut ws.org.usergroup_channels
    } else {
        &mut ws.org.usergroup_teams
    };
    let list = map.entry(group).or_default();
    for id in ids {
        if add && !list.contains(&id) {
            list.push(id);
        } else if !add {
            list.retain(|x| *x != id);
        }
    }
    ok(json!({}))
}

fn usergroup_channels(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let group = req.nonempty("usergroup_id").unwrap_or_default();
    if !group.starts_with('S') {
        return Err(err("usergroup_not_found"));
    }
    let num = req.bool("include_num_members");
    let channels: Vec<Value> = ws
        .org
        .usergroup_channels
        .get(&group)
        .into_iter()
        .flatten()
        .filter_map(|c| view(ws, c).ok())
        .map(|v| {
            let mut c = json!({"id": v.id, "name": v.name, "team_id": v.team});
            if num {
                c["num_members"] = json!(v.members.len());
            }
            c
        })
        .collect();
    ok(json!({ "channels": channels }))
}

// ===== emoji =====

fn emoji_name(req: &ApiRequest, key: &str) -> Result<String, ApiError> {
    let n = req
        .nonempty(key)
        .unwrap_or_default()
        .trim_matches(':')
        .to_owned();
    if n.is_empty()
        || n.chars().count() > 100
        || !n
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_+'".contains(c))
    {
        return Err(err("invalid_name"));
    }
    Ok(n)
}

fn emoji_add(ws: &mut Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let name = emoji_name(req, "name")?;
    let url = req
        .nonempty("url")
        .filter(|u| u.starts_with("http"))
        .ok_or_else(|| err("invalid_url"))?;
    if ws.org.emoji.contains_key(&name) {
        return Err(err("error_name_taken"));
    }
    let now = ws.now_secs();
    ws.org.emoji.insert(
        name,
        json!({"url": url, "date_created": now, "uploaded_by": ctx.user}),
    );
    ok(json!({}))
}

fn emoji_alias(ws: &mut Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let name = emoji_name(req, "name")?;
    let target = emoji_name(req, "alias_for")?;
    let url = ws
        .org
        .emoji
        .get(&target)
        .map(|e| e["url"].clone())
        .ok_or_else(|| err("emoji_not_found"))?;
    if ws.org.emoji.contains_key(&name) {
        return Err(err("error_name_taken"));
    }
    let now = ws.now_secs();
    ws.org.emoji.insert(name, json!({"url": format!("alias:{target}"), "alias_for": target, "target_url": url, "date_created": now, "uploaded_by": ctx.user}));
    ok(json!({}))
}

fn emoji_list(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let (limit, offset) = page_args(req, 100)?;
    let items: Vec<(String, Value)> = ws.org.emoji.iter().skip(offset).take(limit).map(|(k, v)| (k.clone(), json!({"url": v["url"], "date_created": v["date_created"], "uploaded_by": v["uploaded_by"]}))).collect();
    let more = ws.org.emoji.len() > offset + items.len();
    let emoji: serde_json::Map<String, Value> = items.into_iter().collect();
    let next = if more {
        encode(&format!("offset:{}", offset + limit))
    } else {
        String::new()
    };
    ok(json!({"emoji": emoji, "response_metadata": {"next_cursor": next}}))
}

fn emoji_remove(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    let name = emoji_name(req, "name")?;
    ws.org
        .emoji
        .remove(&name)
        .ok_or_else(|| err("emoji_not_found"))?;
    ws.org.emoji.retain(|_, e| e["alias_for"] != name.as_str());
    ok(json!({}))
}

fn emoji_rename(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    let name = emoji_name(req, "name")?;
    let new = emoji_name(req, "new_name")?;
    if ws.org.emoji.contains_key(&new) {
        return Err(err("error_name_taken"));
    }
    let e = ws
        .org
        .emoji
        .remove(&name)
        .ok_or_else(|| err("emoji_not_found"))?;
    ws.org.emoji.insert(new, e);
    ok(json!({}))
}

// ===== roles, barriers, policies, anomaly =====

const ROLES: &[&str] = &[
    "Rl0A", "Rl01", "Rl02", "Rl0B", "Rl0C", "Rl0D", "Rl0K", "Rl0L",
];

fn roles_change(ws: &mut Workspace, req: &ApiRequest, add: bool) -> Outcome {
    let role = req.nonempty("role_id").unwrap_or_default();
    if !ROLES.contains(&role.as_str()) {
        return Err(err("role_not_found"));
    }
    let users = req.list("user_ids");
    let entities = req.list("entity_ids");
    if users.is_empty() || users.iter().any(|u| ws.user(u).is_none()) {
        return Err(err("user_not_found"));
    }
    if entities.iter().any(|e| {
        !ws.org.teams.contains_key(e) && *e != ws.org.enterprise_id && ws.channel(e).is_none()
    }) {
        return Err(err("invalid_entity_id"));
    }
    let now = ws.now_secs();
    let mut rejected = Vec::new();
    for u in &users {
        for e in &entities {
            let exists = ws.org.role_assignments.iter().any(|a| {
                a["role_id"] == role.as_str()
                    && a["user_id"] == u.as_str()
                    && a["entity_id"] == e.as_str()
            });
            if add && exists {
                rejected.push(json!({"id": u, "error": "already_assigned"}));
            } else if add {
                ws.org.role_assignments.push(
                    json!({"role_id": role, "entity_id": e, "user_id": u, "date_create": now}),
                );
            } else {
                ws.org.role_assignments.retain(|a| {
                    !(a["role_id"] == role.as_str()
                        && a["user_id"] == u.as_str()
                        && a["entity_id"] == e.as_str())
                });
            }
        }
    }
    if add {
        ok(json!({ "rejected_users": rejected }))
    } else {
        ok(json!({}))
    }
}

fn roles_list(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let (limit, offset) = page_args(req, 100)?;
    let roles = req.list("role_ids");
    let entities = req.list("entity_ids");
    let mut items: Vec<Value> = ws
        .org
        .role_assignments
        .iter()
        .filter(|a| roles.is_empty() || roles.iter().any(|r| a["role_id"] == r.as_str()))
        .filter(|a| entities.is_empty() || entities.iter().any(|e| a["entity_id"] == e.as_str()))
        .cloned()
        .collect();
    if req.str("sort_dir").as_deref() == Some("desc") {
        items.reverse();
    }
    let (page, meta) = paginate(items, limit, offset);
    ok(json!({"role_assignments": page, "response_metadata": meta}))
}

fn barrier_write(ws: &mut Workspace, req: &ApiRequest, create: bool) -> Outcome {
    let primary = req.nonempty("primary_usergroup_id").unwrap_or_default();
    let others = req.list("barriered_from_usergroup_ids");
    if !primary.starts_with('S') || others.is_empty() || others.iter().any(|o| !o.starts_with('S'))
    {
        return Err(err("invalid_usergroup_id"));
    }
    let subjects = req.list("restricted_subjects");
    if subjects != ["im", "mpim", "call"] {
        return Err(err("invalid_restricted_subjects"));
    }
    let now = ws.now_secs();
    let id = if create {
        ws.next_id("Ib")
    } else {
        let id = req.nonempty("barrier_id").unwrap_or_default();
        if !ws.org.barriers.contains_key(&id) {
            return Err(err("barrier_not_found"));
        }
        id
    };
    let barrier = json!({"id": id, "enterprise_id": ws.org.enterprise_id,
        "primary_usergroup": {"id": primary, "name": primary},
        "barriered_from_usergroups": others.iter().map(|o| json!({"id": o, "name": o})).collect::<Vec<_>>(),
        "restricted_subjects": subjects, "date_update": now});
    ws.org.barriers.insert(id, barrier.clone());
    ok(json!({ "barrier": barrier }))
}

fn barrier_delete(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    let id = req.nonempty("barrier_id").unwrap_or_default();
    ws.org
        .barriers
        .remove(&id)
        .ok_or_else(|| err("barrier_not_found"))?;
    ok(json!({}))
}

fn barriers_list(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let (limit, offset) = page_args(req, 100)?;
    let (page, meta) = paginate(ws.org.barriers.values().cloned(), limit, offset);
    ok(json!({"barriers": page, "response_metadata": meta}))
}

fn policy_change(ws: &mut Workspace, req: &ApiRequest, add: bool) -> Outcome {
    let policy = req.nonempty("policy_name").unwrap_or_default();
    if policy != "email_password" {
        return Err(err("invalid_policy_name"));
    }
    if req.str("entity_type").as_deref() != Some("USER") {
        return Err(err("invalid_entity_type"));
    }
    let ids = req.list("entity_ids");
    if ids.is_empty() || ids.iter().any(|u| ws.user(u).is_none()) {
        return Err(err("invalid_entity_ids"));
    }
    let list = ws.org.auth_policies.entry(policy).or_default();
    for id in ids {
        let present = list.iter().any(|e| e["entity_id"] == id.as_str());
        if add && !present {
            list.push(json!({"entity_id": id, "entity_type": "USER", "date_added": 1_700_000_000}));
        } else if !add {
            list.retain(|e| e["entity_id"] != id.as_str());
        }
    }
    ok(json!({}))
}

fn policy_get(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let policy = req.nonempty("policy_name").unwrap_or_default();
    if policy != "email_password" {
        return Err(err("invalid_policy_name"));
    }
    let (limit, offset) = page_args(req, 100)?;
    let list = ws
        .org
        .auth_policies
        .get(&policy)
        .cloned()
        .unwrap_or_default();
    let total = list.len();
    let (page, meta) = paginate(list, limit, offset);
    ok(json!({"entities": page, "entity_total_count": total, "response_metadata": meta}))
}

fn anomaly_update(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    let cidr = req.list("trusted_cidr");
    let asns = req.list("trusted_asns");
    if cidr.iter().any(|c| !c.contains('/')) {
        return Err(err("invalid_cidr"));
    }
    if asns.iter().any(|a| a.parse::<u32>().is_err()) {
        return Err(err("invalid_asn"));
    }
    ws.org.anomaly_allow = json!({"trusted_cidr": cidr, "trusted_asns": asns.iter().filter_map(|a| a.parse::<u32>().ok()).collect::<Vec<_>>()});
    ok(json!({}))
}
