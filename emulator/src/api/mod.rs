//! The Web API: every call is checked against the method table (retired families, auth,
//! scopes, required arguments), then the modelled methods run against the workspace and
//! every other method answers `emulator_not_implemented`.
//!
//! Handlers are plain functions `(workspace, ctx, request) -> Result<json, ApiError>`, one
//! file per family; they run under the workspace lock and record RTM events in [`Ctx`].

mod admin_org;
mod apps;
mod apps_ext;
mod assistant;
mod auth;
mod bookmarks;
mod calls;
mod canvases;
pub(crate) mod chat;
mod chat_ext;
mod conversations;
mod conversations_ext;
mod dialog;
pub(crate) mod dnd;
mod files;
mod files_ext;
mod functions;
mod helpers2;
mod lists;
mod oauth;
pub(crate) mod openid;
mod page_count;
mod paging;
mod pins;
mod reactions;
pub(crate) mod reminders;
mod remote_files;
mod rtm;
pub(crate) mod scheduled;
mod search;
mod stars;
mod team;
mod usergroups;
mod users;
mod users_ext;
pub(crate) mod views;
mod workflows;

use serde_json::{json, Map, Value};
use slack_core::method::MethodInfo;
use tokio_tungstenite::tungstenite::Utf8Bytes;

use crate::state::{Kind, Workspace};
use crate::wire::ApiRequest;

// ===== answers =====

/// A Slack `ok:false` answer.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub(crate) code: String,
    pub(crate) extra: Map<String, Value>,
}

/// An `ok:false` answer with `code`.
pub(crate) fn err(code: &str) -> ApiError {
    ApiError {
        code: code.to_owned(),
        extra: Map::new(),
    }
}

impl ApiError {
    /// Add a field next to `error` (`needed`, `detail`, `response_metadata`, …).
    pub(crate) fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.extra.insert(key.to_owned(), value.into());
        self
    }

    /// `invalid_arguments` with `response_metadata.messages`.
    pub(crate) fn invalid_arguments(messages: &[String]) -> Self {
        err("invalid_arguments").with("response_metadata", json!({ "messages": messages }))
    }

    pub(crate) fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("ok".into(), Value::Bool(false));
        m.insert("error".into(), Value::String(self.code.clone()));
        for (k, v) in &self.extra {
            m.insert(k.clone(), v.clone());
        }
        Value::Object(m)
    }
}

/// What a handler answers.
pub(crate) type Outcome = Result<Value, ApiError>;

/// `ok: true` plus `fields`.
pub(crate) fn ok(fields: Value) -> Outcome {
    let mut m = Map::new();
    m.insert("ok".into(), Value::Bool(true));
    if let Value::Object(f) = fields {
        m.extend(f);
    }
    Ok(Value::Object(m))
}

// ===== events =====

/// An event for RTM connections, serialized once for all of them.
#[derive(Debug, Clone)]
pub(crate) struct Event {
    /// The RTM connection that caused it (not echoed back to it).
    pub(crate) origin: Option<u64>,
    /// Only for this user's connections (ephemeral messages); `None`: for everyone.
    pub(crate) only_for: Option<String>,
    pub(crate) text: Utf8Bytes,
}

/// Where a call comes from and what it may need to know about the server.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Env<'a> {
    /// `http://127.0.0.1:PORT/api/`
    pub(crate) base_url: &'a str,
    /// `ws://127.0.0.1:PORT/`
    pub(crate) ws_base: &'a str,
    /// The RTM connection making the call, if any.
    pub(crate) origin: Option<u64>,
    /// Whether any RTM connection is open or the app takes events (else events are not
    /// even built).
    pub(crate) listening: bool,
    /// Whether `apps.connections.open` hands out URLs (Socket Mode, link enabled).
    pub(crate) socket_mode_open: bool,
}

/// What a handler knows about the call, and the events it produced.
#[derive(Debug)]
pub(crate) struct Ctx<'a> {
    pub(crate) user: String,
    pub(crate) env: Env<'a>,
    pub(crate) events: Vec<Event>,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(user: String, env: Env<'a>) -> Self {
        Ctx {
            user,
            env,
            events: Vec::new(),
        }
    }

    /// Record an event for RTM connections; `payload` is only built when someone listens.
    pub(crate) fn emit(&mut self, payload: impl FnOnce() -> Value) {
        self.emit_for(None, payload);
    }

    /// Record an event for the connections of one user only (or everyone on `None`).
    pub(crate) fn emit_for(&mut self, user: Option<String>, payload: impl FnOnce() -> Value) {
        if self.env.listening {
            self.events.push(Event {
                origin: self.env.origin,
                only_for: user,
                text: Utf8Bytes::from(payload().to_string()),
            });
        }
    }
}

// ===== dispatch =====

/// Families Slack retired (`method_deprecated` on every call).
pub(crate) fn is_retired(info: &MethodInfo) -> bool {
    let name = info.name;
    ["channels.", "groups.", "im.", "mpim."]
        .iter()
        .any(|p| name.starts_with(p))
        || name.starts_with("workflows.step")
        || name == "workflows.updateStep"
        || name == "files.upload"
        || RETIRED.contains(&name)
}

/// Methods Slack retired outright (the `deprecated` column of the method reference), answered
/// `method_deprecated` even when the method table no longer lists them.
const RETIRED: &[&str] = &[
    "users.setActive",
    "apps.permissions.info",
    "apps.permissions.request",
    "apps.permissions.resources.list",
    "apps.permissions.scopes.list",
    "apps.permissions.users.list",
    "apps.permissions.users.request",
    "oauth.token",
];

/// Methods called without a token: they authenticate with their own arguments.
const TOKENLESS: &[&str] = &["openid.connect.token", "tooling.tokens.rotate"];

/// Methods the app-level token may call (only in the `Authorization` header).
const APP_TOKEN_METHODS: &[&str] = &["apps.connections.open", "apps.event.authorizations.list"];

/// The scopes that allow a call with `token`: the bot list for bot tokens, the user list for
/// user tokens (or whichever the table has).
fn needed_scopes(info: &MethodInfo, token: &str) -> &'static [&'static str] {
    let (first, second) = if token.starts_with("xoxb-") {
        (info.bot_scopes, info.user_scopes)
    } else {
        (info.user_scopes, info.bot_scopes)
    };
    if first.is_empty() {
        second
    } else {
        first
    }
}

/// Authenticate, check scopes and arguments, and run `method`. Returns the answer and the
/// events it produced.
pub(crate) fn call(
    ws: &mut Workspace,
    env: Env<'_>,
    method: &str,
    req: &ApiRequest,
) -> (Outcome, Vec<Event>) {
    match check(ws, method, req) {
        Ok(user) => {
            let mut ctx = Ctx::new(user, env);
            let out = run(ws, &mut ctx, method, req);
            (out, ctx.events)
        }
        Err(e) => (Err(e), Vec::new()),
    }
}

/// The checks every call goes through, in Slack's order; the caller's user id.
fn check(ws: &Workspace, method: &str, req: &ApiRequest) -> Result<String, ApiError> {
    if RETIRED.contains(&method) {
        return Err(err("method_deprecated"));
    }
    let Some(info) = slack_core::method::lookup(method) else {
        return Err(err("unknown_method"));
    };
    if is_retired(info) {
        return Err(err("method_deprecated"));
    }
    if method == "api.test" {
        return Ok(String::new());
    }
    if TOKENLESS.contains(&method) {
        let wrong = req.wire_errors(info);
        if !wrong.is_empty() {
            return Err(ApiError::invalid_arguments(&wrong));
        }
        return Ok(String::new());
    }
    if oauth::CLIENT_AUTHED.contains(&method) {
        return Ok(String::new());
    }
    if req
        .token
        .as_deref()
        .is_some_and(|t| crate::oauth::is_expired(ws, t))
    {
        return Err(err("token_expired"));
    }
    let Some(token) = req.token.as_deref().filter(|t| !t.is_empty()) else {
        return Err(err("not_authed"));
    };
    if token == ws.app_token {
        // An app-level token opens Socket Mode connections and does nothing else; Slack
        // takes it only in the `Authorization` header there.
        if !APP_TOKEN_METHODS.contains(&method) {
            return Err(err("not_allowed_token_type"));
        }
        if !req.token_in_header {
            return Err(err("invalid_auth"));
        }
        return Ok(String::new());
    }
    if ws.collab.revoked.contains(token) {
        return Err(err("token_revoked"));
    }
    let Some(tok) = ws.tokens.get(token) else {
        return Err(err("invalid_auth"));
    };
    if APP_TOKEN_METHODS.contains(&method) {
        return Err(err("not_allowed_token_type"));
    }
    let needed = needed_scopes(info, token);
    if !needed.is_empty() && !needed.iter().any(|s| tok.scopes.contains(*s)) {
        let provided: Vec<&str> = tok.scopes.iter().map(String::as_str).collect();
        return Err(err("missing_scope")
            .with("needed", needed.first().copied().unwrap_or(""))
            .with("provided", provided.join(",")));
    }
    let missing: Vec<String> = info
        .required
        .iter()
        .filter(|a| !req.present(a))
        .map(|a| format!("[ERROR] missing required field: {a}"))
        .collect();
    if !missing.is_empty() {
        return Err(ApiError::invalid_arguments(&missing));
    }
    // What the emulator models, it checks as strictly as Slack: names and wire forms.
    if is_modelled(method) {
        let wrong = req.wire_errors(info);
        if !wrong.is_empty() {
            return Err(ApiError::invalid_arguments(&wrong));
        }
    }
    Ok(tok.user_id.clone())
}

fn run(ws: &mut Workspace, ctx: &mut Ctx<'_>, method: &str, req: &ApiRequest) -> Outcome {
    match method {
        "api.test" => auth::api_test(req),
        "auth.test" => auth::test(ws, ctx),
        "apps.connections.open" => apps::connections_open(ws, ctx),
        "chat.postMessage" => chat::post_message(ws, ctx, req),
        "chat.postEphemeral" => chat::post_ephemeral(ws, ctx, req),
        "chat.update" => chat::update(ws, ctx, req),
        "chat.delete" => chat::delete(ws, ctx, req),
        "chat.getPermalink" => chat::permalink(ws, ctx, req),
        "reactions.add" => reactions::change(ws, ctx, req, true),
        "reactions.remove" => reactions::change(ws, ctx, req, false),
        "reactions.get" => reactions::get(ws, ctx, req),
        "conversations.open" => conversations::open(ws, ctx, req),
        "conversations.create" => conversations::create(ws, ctx, req),
        "conversations.archive" => conversations::set_archived(ws, ctx, req, true),
        "conversations.unarchive" => conversations::set_archived(ws, ctx, req, false),
        "conversations.list" => conversations::list(ws, ctx, req),
        "conversations.info" => conversations::info(ws, ctx, req),
        "conversations.members" => conversations::members(ws, ctx, req),
        "conversations.join" => conversations::join(ws, ctx, req),
        "conversations.leave" => conversations::leave(ws, ctx, req),
        "conversations.invite" => conversations::invite(ws, ctx, req),
        "conversations.kick" => conversations::kick(ws, ctx, req),
        "conversations.rename" => conversations::rename(ws, ctx, req),
        "conversations.setTopic" => conversations::set_text(ws, ctx, req, "topic"),
        "conversations.setPurpose" => conversations::set_text(ws, ctx, req, "purpose"),
        "conversations.history" => conversations::history(ws, ctx, req),
        "conversations.replies" => conversations::replies(ws, ctx, req),
        "users.info" => users::info(ws, req),
        "users.list" => users::list(ws, req),
        "users.lookupByEmail" => users::by_email(ws, req),
        "team.info" => users::team_info(ws),
        "rtm.connect" => rtm::connect(ws, ctx, false),
        "rtm.start" => rtm::connect(ws, ctx, true),
        "views.open" => views::open(ws, req, false),
        "views.push" => views::open(ws, req, true),
        "views.update" => views::update(ws, req),
        "views.publish" => views::publish(ws, req),
        "files.getUploadURLExternal" => files::get_upload_url(ws, ctx, req),
        "files.completeUploadExternal" => files::complete_upload(ws, ctx, req),
        "files.info" => files::info(ws, req),
        "files.list" => files::list(ws, req),
        "files.delete" => files::delete(ws, ctx, req),
        "files.remote.add" => remote_files::add(ws, ctx, req),
        "files.remote.info" => remote_files::info(ws, req),
        "files.remote.list" => remote_files::list(ws, req),
        "files.remote.update" => remote_files::update(ws, req),
        "files.remote.remove" => remote_files::remove(ws, req),
        "files.remote.share" => remote_files::share(ws, ctx, req),
        "chat.scheduleMessage" => scheduled::schedule(ws, ctx, req),
        "chat.scheduledMessages.list" => scheduled::list(ws, ctx, req),
        "chat.deleteScheduledMessage" => scheduled::delete(ws, ctx, req),
        "reminders.add" => reminders::add(ws, ctx, req),
        "reminders.complete" => reminders::complete(ws, ctx, req),
        "reminders.delete" => reminders::delete(ws, ctx, req),
        "reminders.info" => reminders::info(ws, ctx, req),
        "reminders.list" => reminders::list(ws, ctx),
        "dnd.setSnooze" => dnd::set_snooze(ws, ctx, req),
        "dnd.endSnooze" => dnd::end_snooze(ws, ctx),
        "dnd.endDnd" => dnd::end_dnd(ws, ctx),
        "dnd.info" => dnd::info(ws, ctx, req),
        "dnd.teamInfo" => dnd::team_info(ws, req),
        "files.sharedPublicURL" => files_ext::public_url(ws, ctx, req, true),
        "files.revokePublicURL" => files_ext::public_url(ws, ctx, req, false),
        "files.comments.delete" => files_ext::delete_comment(ws, ctx, req),
        "calls.add" => calls::add(ws, ctx, req),
        "calls.info" => calls::info(ws, req),
        "calls.update" => calls::update(ws, req),
        "calls.end" => calls::end(ws, req),
        "calls.participants.add" => calls::change_participants(ws, req, true),
        "calls.participants.remove" => calls::change_participants(ws, req, false),
        "workflows.triggers.permissions.list" => workflows::permissions_list(ws, req),
        "workflows.triggers.permissions.set" => workflows::permissions_set(ws, req),
        "workflows.triggers.permissions.add" => workflows::permissions_change(ws, req, true),
        "workflows.triggers.permissions.remove" => workflows::permissions_change(ws, req, false),
        "workflows.featured.add" => workflows::featured_change(ws, ctx, req, "add"),
        "workflows.featured.remove" => workflows::featured_change(ws, ctx, req, "remove"),
        "workflows.featured.set" => workflows::featured_change(ws, ctx, req, "set"),
        "workflows.featured.list" => workflows::featured_list(ws, req),
        "canvases.create" => canvases::create(ws, ctx, req),
        "canvases.edit" => canvases::edit(ws, ctx, req),
        "canvases.delete" => canvases::delete(ws, ctx, req),
        "canvases.access.set" => canvases::access_set(ws, ctx, req),
        "canvases.access.delete" => canvases::access_delete(ws, ctx, req),
        "canvases.sections.lookup" => canvases::sections_lookup(ws, ctx, req),
        "conversations.canvases.create" => canvases::conversation_canvas(ws, ctx, req),
        "slackLists.create" => lists::create(ws, ctx, req),
        "slackLists.update" => lists::update(ws, ctx, req),
        "slackLists.items.create" => lists::item_create(ws, ctx, req),
        "slackLists.items.info" => lists::item_info(ws, ctx, req),
        "slackLists.items.list" => lists::item_list(ws, ctx, req),
        "slackLists.items.update" => lists::item_update(ws, ctx, req),
        "slackLists.items.delete" => lists::item_delete(ws, ctx, req, false),
        "slackLists.items.deleteMultiple" => lists::item_delete(ws, ctx, req, true),
        "slackLists.access.set" => lists::access_set(ws, ctx, req),
        "slackLists.access.delete" => lists::access_delete(ws, ctx, req),
        "slackLists.download.start" => lists::download_start(ws, ctx, req),
        "slackLists.download.get" => lists::download_get(ws, ctx, req),
        "apps.datastore.put" => apps_ext::ds_put(ws, req, false),
        "apps.datastore.update" => apps_ext::ds_put(ws, req, true),
        "apps.datastore.get" => apps_ext::ds_get(ws, req),
        "apps.datastore.delete" => apps_ext::ds_delete(ws, req),
        "apps.datastore.bulkGet" => apps_ext::ds_bulk_get(ws, req),
        "apps.datastore.bulkPut" => apps_ext::ds_bulk_put(ws, req),
        "apps.datastore.bulkDelete" => apps_ext::ds_bulk_delete(ws, req),
        "apps.datastore.query" => apps_ext::ds_query(ws, req),
        "apps.datastore.count" => apps_ext::ds_count(ws, req),
        "apps.manifest.validate" => apps_ext::manifest_validate(ws, ctx, req),
        "apps.manifest.create" => apps_ext::manifest_create(ws, ctx, req),
        "apps.manifest.update" => apps_ext::manifest_update(ws, ctx, req),
        "apps.manifest.delete" => apps_ext::manifest_delete(ws, ctx, req),
        "apps.manifest.export" => apps_ext::manifest_export(ws, ctx, req),
        "apps.event.authorizations.list" => apps_ext::event_authorizations(ws, req),
        "apps.uninstall" => apps_ext::uninstall(ws, ctx, req),
        "apps.icon.set" => apps_ext::icon_set(ws, ctx, req),
        "apps.activities.list" => apps_ext::activities_list(ws, req),
        "apps.auth.external.get" => apps_ext::external_get(ws, req),
        "apps.auth.external.delete" => apps_ext::external_delete(ws, req),
        "apps.user.connection.update" => apps_ext::user_connection_update(ws, req),
        "apps.managed.permissions.set" => apps_ext::managed_permissions_set(ws, ctx, req),
        "openid.connect.token" => openid::token(ws, req),
        "openid.connect.userInfo" => openid::user_info(ws, ctx),
        "assistant.threads.setStatus" => assistant::set_status(ws, ctx, req),
        "assistant.threads.setTitle" => assistant::set_title(ws, ctx, req),
        "assistant.threads.setSuggestedPrompts" => assistant::set_prompts(ws, ctx, req),
        "assistant.search.context" => assistant::search_context(ws, ctx, req),
        "assistant.search.info" => assistant::search_info(ws),
        "agents.sessions.setStatus" => assistant::agent_status(ws, ctx, req),
        "agents.sessions.rename" => assistant::agent_rename(ws, ctx, req),
        "functions.completeSuccess" => functions::complete(ws, req, true),
        "functions.completeError" => functions::complete(ws, req, false),
        "functions.distributions.permissions.list" => functions::permissions_list(ws, req),
        "functions.distributions.permissions.add" => functions::permissions_change(ws, req, true),
        "functions.distributions.permissions.remove" => {
            functions::permissions_change(ws, req, false)
        }
        "functions.distributions.permissions.set" => functions::permissions_set(ws, req),
        "functions.workflows.steps.list" => functions::steps_list(ws, req),
        "functions.workflows.steps.responses.export" => functions::step_responses_export(ws, req),
        "entity.presentDetails" => functions::present_details(req),
        "entity.presentComments" => functions::present_comments(req),
        "entity.acknowledgeCommentAction" => functions::acknowledge_comment(req),
        "tooling.tokens.rotate" => functions::rotate(ws, req),
        "migration.exchange" => functions::migration_exchange(ws, req),
        "blocks.validate" => functions::validate_blocks(req),
        m if m.starts_with("admin.") => admin_org::run(ws, ctx, m, req),
        "oauth.v2.access" => oauth::access(ws, req),
        "oauth.v2.exchange" => oauth::exchange(ws, req),
        "oauth.v2.user.access" => oauth::user_access(ws, req),
        "oauth.access" => oauth::classic_access(ws, req),
        "users.conversations" => users_ext::conversations(ws, ctx, req),
        "users.getPresence" => users_ext::get_presence(ws, ctx, req),
        "users.setPresence" => users_ext::set_presence(ws, ctx, req),
        "users.profile.get" => users_ext::profile_get(ws, ctx, req),
        "users.profile.set" => users_ext::profile_set(ws, ctx, req),
        "users.identity" => users_ext::identity(ws, ctx),
        "users.setPhoto" => users_ext::set_photo(ws, ctx, req),
        "users.deletePhoto" => users_ext::delete_photo(ws, ctx),
        "users.discoverableContacts.lookup" => users_ext::discoverable_lookup(ws, req),
        "usergroups.create" => usergroups::create(ws, ctx, req),
        "usergroups.update" => usergroups::update(ws, ctx, req),
        "usergroups.disable" => usergroups::set_enabled(ws, ctx, req, false),
        "usergroups.enable" => usergroups::set_enabled(ws, ctx, req, true),
        "usergroups.list" => usergroups::list(ws, req),
        "usergroups.users.list" => usergroups::users_list(ws, req),
        "usergroups.users.update" => usergroups::users_update(ws, ctx, req),
        "pins.add" => pins::add(ws, ctx, req),
        "pins.remove" => pins::remove(ws, ctx, req),
        "pins.list" => pins::list(ws, ctx, req),
        "bookmarks.add" => bookmarks::add(ws, ctx, req),
        "bookmarks.edit" => bookmarks::edit(ws, ctx, req),
        "bookmarks.remove" => bookmarks::remove(ws, ctx, req),
        "bookmarks.list" => bookmarks::list(ws, ctx, req),
        "stars.add" => stars::change(ws, ctx, req, true),
        "stars.remove" => stars::change(ws, ctx, req, false),
        "stars.list" => stars::list(ws, ctx, req),
        "reactions.list" => reactions::list(ws, ctx, req),
        "emoji.list" => team::emoji_list(ws, req),
        "team.accessLogs" => team::access_logs(ws, ctx, req),
        "team.billableInfo" => team::billable_info(ws, ctx, req),
        "team.billing.info" => team::billing_info(),
        "team.integrationLogs" => team::integration_logs(ws, ctx, req),
        "team.preferences.list" => team::preferences_list(),
        "team.profile.get" => team::profile_get(req),
        "team.externalTeams.list" => team::external_teams_list(ws, req),
        "team.externalTeams.disconnect" => team::external_teams_disconnect(ws, req),
        "bots.info" => team::bots_info(ws, req),
        "auth.revoke" => team::auth_revoke(ws, req),
        "auth.teams.list" => team::auth_teams_list(ws, req),
        "conversations.mark" => conversations_ext::mark(ws, ctx, req),
        "conversations.close" => conversations_ext::close(ws, ctx, req),
        "conversations.requestSharedInvite.list" => conversations_ext::request_list(ws, req),
        "conversations.requestSharedInvite.approve" => {
            conversations_ext::request_answer(ws, req, true)
        }
        "conversations.requestSharedInvite.deny" => {
            conversations_ext::request_answer(ws, req, false)
        }
        "conversations.externalInvitePermissions.set" => {
            conversations_ext::external_permissions_set(ws, ctx, req)
        }
        "conversations.inviteShared" => conversations_ext::invite_shared(ws, ctx, req),
        "conversations.listConnectInvites" => conversations_ext::list_connect_invites(ws, req),
        "conversations.acceptSharedInvite" => conversations_ext::accept_shared(ws, ctx, req),
        "conversations.approveSharedInvite" => conversations_ext::answer_shared(ws, req, true),
        "conversations.declineSharedInvite" => conversations_ext::answer_shared(ws, req, false),
        "chat.meMessage" => chat_ext::me_message(ws, ctx, req),
        "chat.unfurl" => chat_ext::unfurl(ws, ctx, req),
        "chat.startStream" => chat_ext::start_stream(ws, ctx, req),
        "chat.appendStream" => chat_ext::append_stream(ws, ctx, req),
        "chat.stopStream" => chat_ext::stop_stream(ws, ctx, req),
        "search.messages" => search::messages(ws, ctx, req),
        "search.files" => search::files(ws, ctx, req),
        "search.all" => search::all(ws, ctx, req),
        "dialog.open" => dialog::open(req),
        other => Err(not_modelled(other)),
    }
}

/// The answer of a method the emulator does not model.
pub(crate) fn not_modelled(method: &str) -> ApiError {
    err("emulator_not_implemented").with(
        "detail",
        format!("the emulator does not model {method} yet"),
    )
}

/// Whether [`run`] models `method` (one of [`MODELLED`], or an `admin.*` method the org
/// models).
pub(crate) fn is_modelled(method: &str) -> bool {
    MODELLED.contains(&method)
        || method
            .strip_prefix("admin.")
            .is_some_and(|m| admin_org::MODELLED_ADMIN.contains(&m))
}

/// Every modelled method: [`MODELLED`] and the modelled `admin.*` methods.
pub(crate) fn modelled() -> Vec<String> {
    MODELLED
        .iter()
        .map(|m| (*m).to_owned())
        .chain(
            admin_org::MODELLED_ADMIN
                .iter()
                .map(|m| format!("admin.{m}")),
        )
        .collect()
}

/// Every method [`run`] implements (besides the `admin.*` ones of `admin_org`).
pub(crate) const MODELLED: &[&str] = &[
    "api.test",
    "auth.test",
    "apps.connections.open",
    "chat.postMessage",
    "chat.postEphemeral",
    "chat.update",
    "chat.delete",
    "chat.getPermalink",
    "reactions.add",
    "reactions.remove",
    "reactions.get",
    "conversations.open",
    "conversations.create",
    "conversations.archive",
    "conversations.unarchive",
    "conversations.list",
    "conversations.info",
    "conversations.members",
    "conversations.join",
    "conversations.leave",
    "conversations.invite",
    "conversations.kick",
    "conversations.rename",
    "conversations.setTopic",
    "conversations.setPurpose",
    "conversations.history",
    "conversations.replies",
    "users.info",
    "users.list",
    "users.lookupByEmail",
    "team.info",
    "rtm.connect",
    "rtm.start",
    "views.open",
    "views.push",
    "views.update",
    "views.publish",
    "files.getUploadURLExternal",
    "files.completeUploadExternal",
    "files.info",
    "files.list",
    "files.delete",
    "files.remote.add",
    "files.remote.info",
    "files.remote.list",
    "files.remote.update",
    "files.remote.remove",
    "files.remote.share",
    "chat.scheduleMessage",
    "chat.scheduledMessages.list",
    "chat.deleteScheduledMessage",
    "reminders.add",
    "reminders.complete",
    "reminders.delete",
    "reminders.info",
    "reminders.list",
    "dnd.setSnooze",
    "dnd.endSnooze",
    "dnd.endDnd",
    "dnd.info",
    "dnd.teamInfo",
    // second families (calls, workflows, canvases, lists, apps, openid, assistant, functions)
    "files.sharedPublicURL",
    "files.revokePublicURL",
    "files.comments.delete",
    "calls.add",
    "calls.info",
    "calls.update",
    "calls.end",
    "calls.participants.add",
    "calls.participants.remove",
    "workflows.triggers.permissions.list",
    "workflows.triggers.permissions.set",
    "workflows.triggers.permissions.add",
    "workflows.triggers.permissions.remove",
    "workflows.featured.add",
    "workflows.featured.remove",
    "workflows.featured.set",
    "workflows.featured.list",
    "canvases.create",
    "canvases.edit",
    "canvases.delete",
    "canvases.access.set",
    "canvases.access.delete",
    "canvases.sections.lookup",
    "conversations.canvases.create",
    "slackLists.create",
    "slackLists.update",
    "slackLists.items.create",
    "slackLists.items.info",
    "slackLists.items.list",
    "slackLists.items.update",
    "slackLists.items.delete",
    "slackLists.items.deleteMultiple",
    "slackLists.access.set",
    "slackLists.access.delete",
    "slackLists.download.start",
    "slackLists.download.get",
    "apps.datastore.put",
    "apps.datastore.update",
    "apps.datastore.get",
    "apps.datastore.delete",
    "apps.datastore.bulkGet",
    "apps.datastore.bulkPut",
    "apps.datastore.bulkDelete",
    "apps.datastore.query",
    "apps.datastore.count",
    "apps.manifest.validate",
    "apps.manifest.create",
    "apps.manifest.update",
    "apps.manifest.delete",
    "apps.manifest.export",
    "apps.event.authorizations.list",
    "apps.uninstall",
    "apps.icon.set",
    "apps.activities.list",
    "apps.auth.external.get",
    "apps.auth.external.delete",
    "apps.user.connection.update",
    "apps.managed.permissions.set",
    "openid.connect.token",
    "openid.connect.userInfo",
    "assistant.threads.setStatus",
    "assistant.threads.setTitle",
    "assistant.threads.setSuggestedPrompts",
    "assistant.search.context",
    "assistant.search.info",
    "agents.sessions.setStatus",
    "agents.sessions.rename",
    "functions.completeSuccess",
    "functions.completeError",
    "functions.distributions.permissions.list",
    "functions.distributions.permissions.add",
    "functions.distributions.permissions.remove",
    "functions.distributions.permissions.set",
    "functions.workflows.steps.list",
    "functions.workflows.steps.responses.export",
    "entity.presentDetails",
    "entity.presentComments",
    "entity.acknowledgeCommentAction",
    "tooling.tokens.rotate",
    "migration.exchange",
    "blocks.validate",
    "oauth.v2.access",
    "oauth.v2.exchange",
    "oauth.v2.user.access",
    "oauth.access",
    "users.conversations",
    "users.getPresence",
    "users.setPresence",
    "users.profile.get",
    "users.profile.set",
    "users.identity",
    "users.setPhoto",
    "users.deletePhoto",
    "users.discoverableContacts.lookup",
    "usergroups.create",
    "usergroups.update",
    "usergroups.disable",
    "usergroups.enable",
    "usergroups.list",
    "usergroups.users.list",
    "usergroups.users.update",
    "pins.add",
    "pins.remove",
    "pins.list",
    "bookmarks.add",
    "bookmarks.edit",
    "bookmarks.remove",
    "bookmarks.list",
    "stars.add",
    "stars.remove",
    "stars.list",
    "reactions.list",
    "emoji.list",
    "team.accessLogs",
    "team.billableInfo",
    "team.billing.info",
    "team.integrationLogs",
    "team.preferences.list",
    "team.profile.get",
    "team.externalTeams.list",
    "team.externalTeams.disconnect",
    "bots.info",
    "auth.revoke",
    "auth.teams.list",
    "conversations.mark",
    "conversations.close",
    "conversations.requestSharedInvite.list",
    "conversations.requestSharedInvite.approve",
    "conversations.requestSharedInvite.deny",
    "conversations.externalInvitePermissions.set",
    "conversations.inviteShared",
    "conversations.listConnectInvites",
    "conversations.acceptSharedInvite",
    "conversations.approveSharedInvite",
    "conversations.declineSharedInvite",
    "chat.meMessage",
    "chat.unfurl",
    "chat.startStream",
    "chat.appendStream",
    "chat.stopStream",
    "search.messages",
    "search.files",
    "search.all",
    "dialog.open",
];

// ===== shared helpers =====

/// The conversation named by argument `arg` (an id, `name` or `#name`), which must exist and
/// be visible to `user` (public, or `user` is a member): else `channel_not_found`.
pub(crate) fn visible_channel(
    ws: &Workspace,
    user: &str,
    req: &ApiRequest,
    arg: &str,
) -> Result<String, ApiError> {
    let raw = req.nonempty(arg).ok_or_else(|| err("channel_not_found"))?;
    let id = ws
        .resolve_channel(&raw)
        .ok_or_else(|| err("channel_not_found"))?;
    let ch = ws.channel(&id).ok_or_else(|| err("channel_not_found"))?;
    if ch.kind != Kind::Public && !ch.has_member(user) {
        return Err(err("channel_not_found"));
    }
    Ok(id)
}

/// Like [`visible_channel`], and a bot must be a member to read it (`not_in_channel`), as
/// Slack's history methods.
pub(crate) fn readable_channel(
    ws: &Workspace,
    user: &str,
    req: &ApiRequest,
    arg: &str,
) -> Result<String, ApiError> {
    let id = visible_channel(ws, user, req, arg)?;
    let is_bot = ws.user(user).is_some_and(|u| u.is_bot);
    if is_bot && !ws.channel(&id).is_some_and(|c| c.has_member(user)) {
        return Err(err("not_in_channel"));
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_modelled_method_is_in_the_table() {
        for m in MODELLED {
            assert!(slack_core::method::lookup(m).is_some(), "{m}");
        }
        assert!(!MODELLED.contains(&"admin.apps.approve"));
        let all = modelled();
        for m in &all {
            assert!(slack_core::method::lookup(m).is_some(), "{m}");
        }
        let admin = slack_core::method::all()
            .iter()
            .filter(|m| m.name.starts_with("admin."))
            .count();
        let admin_modelled = all.iter().filter(|m| m.starts_with("admin.")).count();
        assert!(admin_modelled * 2 >= admin, "{admin_modelled} of {admin}");
        assert!(is_modelled("admin.conversations.search"));
        assert!(!is_modelled("admin.analytics.getFile"));
    }

    #[test]
    fn every_current_method_outside_admin_is_modelled_or_owned_elsewhere() {
        // Families other helpers model (messaging, users, scheduling, OAuth) are skipped here.
        let others = [
            "users.",
            "usergroups.",
            "pins.",
            "bookmarks.",
            "stars.",
            "reactions.",
            "emoji.",
            "team.",
            "bots.",
            "auth.",
            "conversations.",
            "chat.",
            "search.",
            "dialog.",
            "reminders.",
            "dnd.",
            "oauth.",
        ];
        let missing: Vec<&str> = slack_core::method::all()
            .iter()
            .filter(|m| !m.name.starts_with("admin.") && !is_retired(m))
            .filter(|m| !others.iter().any(|p| m.name.starts_with(p)))
            .filter(|m| !is_modelled(m.name))
            .map(|m| m.name)
            .collect();
        assert!(missing.is_empty(), "{missing:?}");
    }

    #[test]
    fn retired_families() {
        for (m, retired) in [
            ("channels.list", true),
            ("im.open", true),
            ("files.upload", true),
            ("workflows.stepCompleted", true),
            ("conversations.list", false),
            ("rtm.start", false),
            ("users.setActive", true),
        ] {
            let info = slack_core::method::lookup(m);
            assert_eq!(info.map(is_retired), Some(retired), "{m}");
        }
    }
}
