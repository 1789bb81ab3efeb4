//! The fake OAuth v2 authorization server: the consent page at `/oauth/v2/authorize`, the
//! codes it grants, and the rotating tokens `oauth.v2.access` issues (see
//! [`crate::api`]'s `oauth` family for the Web API side).
//!
//! One emulator is one workspace, so one install grants tokens for this workspace's team;
//! a multi-workspace test runs one emulator per workspace with the same client id and secret
//! (the defaults, [`DEFAULT_CLIENT_ID`] and [`DEFAULT_CLIENT_SECRET`]).
//!
//! With token rotation on (the default) access tokens are `xoxe.xoxb-1-…` / `xoxe.xoxp-1-…`
//! with `expires_in` ([`DEFAULT_TOKEN_LIFETIME`], 12 hours, as Slack) and a `xoxe-1-…`
//! refresh token that works once. A token past its expiry (on the emulator's clock, or
//! expired from code with [`OAuthControl::expire_tokens`]) answers `token_expired`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use bytes::Bytes;
use http::{header, HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::server::{read_body, Resp, Shared};
use crate::state::{TokenInfo, Workspace};

/// The client id every emulator accepts unless [`OAuthControl::set_client`] changes it.
pub const DEFAULT_CLIENT_ID: &str = "1000000000001.2000000000002";
/// The client secret every emulator accepts unless [`OAuthControl::set_client`] changes it.
pub const DEFAULT_CLIENT_SECRET: &str = "emulator-client-secret";
/// How long a rotating access token lives, in seconds (Slack's 12 hours).
pub const DEFAULT_TOKEN_LIFETIME: u64 = 43_200;
/// How long a code from the consent page can be exchanged, in seconds (Slack's 10 minutes).
const CODE_LIFETIME: u64 = 600;

/// The authorization server's state (part of the workspace, so it is reset and snapshotted
/// with it).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct OAuthState {
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
    /// Token rotation on: expiring access tokens plus single-use refresh tokens.
    pub(crate) rotation: bool,
    /// `expires_in` of rotating access tokens, in seconds.
    pub(crate) lifetime: u64,
    /// Codes granted and not exchanged yet.
    pub(crate) codes: BTreeMap<String, Grant>,
    /// Refresh tokens not used yet.
    pub(crate) refresh_tokens: BTreeMap<String, Refresh>,
    /// Expiring access tokens and when they expire (Unix seconds).
    pub(crate) expiry: BTreeMap<String, u64>,
    /// Legacy tokens already swapped by `oauth.v2.exchange`.
    pub(crate) exchanged: BTreeSet<String>,
    /// Successful code exchanges and refreshes.
    pub(crate) installs: u64,
    pub(crate) refreshes: u64,
    counter: u64,
}

/// What a granted code stands for.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Grant {
    pub(crate) redirect_uri: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) user_scopes: Vec<String>,
    pub(crate) user_id: String,
    pub(crate) issued_at: u64,
}

/// What a refresh token renews.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Refresh {
    pub(crate) user_id: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) bot: bool,
}

impl Default for OAuthState {
    fn default() -> Self {
        OAuthState {
            client_id: DEFAULT_CLIENT_ID.into(),
            client_secret: DEFAULT_CLIENT_SECRET.into(),
            rotation: true,
            lifetime: DEFAULT_TOKEN_LIFETIME,
            codes: BTreeMap::new(),
            refresh_tokens: BTreeMap::new(),
            expiry: BTreeMap::new(),
            exchanged: BTreeSet::new(),
            installs: 0,
            refreshes: 0,
            counter: 0,
        }
    }
}

/// The time now on the emulator's clock (Unix seconds).
pub(crate) fn now(ws: &mut Workspace) -> u64 {
    ws.now_secs()
}

/// Whether `token` is a rotating token past its expiry.
pub(crate) fn is_expired(ws: &Workspace, token: &str) -> bool {
    ws.oauth
        .expiry
        .get(token)
        .is_some_and(|&at| ws.now_secs() >= at)
}

fn split_scopes(s: Option<&str>) -> Vec<String> {
    s.unwrap_or_default()
        .split([',', ' '])
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A consent request, as `/oauth/v2/authorize` takes it.
#[derive(Debug, Clone, Default)]
pub(crate) struct AuthorizeRequest {
    client_id: String,
    scopes: Vec<String>,
    user_scopes: Vec<String>,
    redirect_uri: String,
    state: Option<String>,
}

impl AuthorizeRequest {
    fn from_pairs(pairs: &BTreeMap<String, String>) -> Self {
        AuthorizeRequest {
            client_id: pairs.get("client_id").cloned().unwrap_or_default(),
            scopes: split_scopes(pairs.get("scope").map(String::as_str)),
            user_scopes: split_scopes(pairs.get("user_scope").map(String::as_str)),
            redirect_uri: pairs.get("redirect_uri").cloned().unwrap_or_default(),
            state: pairs.get("state").cloned(),
        }
    }

    /// Why the request cannot be consented to, as Slack's error page says it.
    fn check(&self, ws: &Workspace) -> Result<(), &'static str> {
        if self.client_id != ws.oauth.client_id {
            return Err("invalid_client_id");
        }
        if self.scopes.is_empty() && self.user_scopes.is_empty() {
            return Err("invalid_scope");
        }
        let uri_ok =
            self.redirect_uri.starts_with("http://") || self.redirect_uri.starts_with("https://");
        if !uri_ok {
            return Err("bad_redirect_uri");
        }
        Ok(())
    }

    /// The redirect after the user's decision (granting a code on `allow`).
    fn decide(&self, ws: &mut Workspace, allow: bool) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        if allow {
            let issued_at = now(ws);
            ws.oauth.counter += 1;
            let n = ws.oauth.counter;
            let code = format!("{n}.{}", ws.opaque_id().replace('-', ""));
            let user_id = installer(ws);
            ws.oauth.codes.insert(
                code.clone(),
                Grant {
                    redirect_uri: self.redirect_uri.clone(),
                    scopes: self.scopes.clone(),
                    user_scopes: self.user_scopes.clone(),
                    user_id,
                    issued_at,
                },
            );
            q.append_pair("code", &code);
        } else {
            q.append_pair("error", "access_denied");
        }
        if let Some(s) = &self.state {
            q.append_pair("state", s);
        }
        let sep = if self.redirect_uri.contains('?') {
            '&'
        } else {
            '?'
        };
        format!("{}{sep}{}", self.redirect_uri, q.finish())
    }
}

/// The human who clicks "Allow": the owner of the seeded user token.
fn installer(ws: &Workspace) -> String {
    ws.tokens
        .get(&ws.user_token)
        .map(|t| t.user_id.clone())
        .unwrap_or_default()
}

/// Why a code exchange or refresh failed: Slack's error code.
pub(crate) type OAuthError = &'static str;

impl OAuthState {
    /// Check the app's credentials.
    pub(crate) fn check_client(
        &self,
        client_id: Option<&str>,
        secret: Option<&str>,
    ) -> Result<(), OAuthError> {
        if client_id != Some(self.client_id.as_str()) {
            return Err("invalid_client_id");
        }
        if secret != Some(self.client_secret.as_str()) {
            return Err("bad_client_secret");
        }
        Ok(())
    }
}

/// Issue an access token for `user_id` with `scopes`: rotating (with its refresh token) or
/// long-lived. Returns `(access, refresh, expires_in)`.
pub(crate) fn issue(
    ws: &mut Workspace,
    user_id: &str,
    scopes: &[String],
    bot: bool,
) -> (String, Option<String>, Option<u64>) {
    let now = now(ws);
    ws.oauth.counter += 1;
    let n = ws.oauth.counter;
    let secret = ws.opaque_id().replace('-', "");
    let kind = if bot { "xoxb" } else { "xoxp" };
    let access = if ws.oauth.rotation {
        format!("xoxe.{kind}-1-{n}-{secret}")
    } else {
        format!("{kind}-{n}-{secret}")
    };
    ws.tokens.insert(
        access.clone(),
        TokenInfo {
            user_id: user_id.to_owned(),
            scopes: scopes.iter().cloned().collect(),
        },
    );
    if !ws.oauth.rotation {
        return (access, None, None);
    }
    let lifetime = ws.oauth.lifetime;
    ws.oauth.expiry.insert(access.clone(), now + lifetime);
    let refresh = format!("xoxe-1-{n}-{}", ws.opaque_id().replace('-', ""));
    ws.oauth.refresh_tokens.insert(
        refresh.clone(),
        Refresh {
            user_id: user_id.to_owned(),
            scopes: scopes.to_vec(),
            bot,
        },
    );
    (access, Some(refresh), Some(lifetime))
}

/// `oauth.v2.access` with a `code`: the installation's answer.
pub(crate) fn exchange_code(
    ws: &mut Workspace,
    code: Option<&str>,
    redirect_uri: Option<&str>,
) -> Result<Value, OAuthError> {
    let grant = take_code(ws, code, redirect_uri)?;
    let mut body = team_fields(ws);
    if !grant.scopes.is_empty() {
        let bot_user = ws.bot_user_id.clone();
        let (access, refresh, expires_in) = issue(ws, &bot_user, &grant.scopes, true);
        body["access_token"] = json!(access);
        body["token_type"] = json!("bot");
        body["scope"] = json!(grant.scopes.join(","));
        body["bot_user_id"] = json!(bot_user);
        if let (Some(r), Some(e)) = (refresh, expires_in) {
            body["refresh_token"] = json!(r);
            body["expires_in"] = json!(e);
        }
    }
    let mut authed_user = json!({ "id": grant.user_id });
    if !grant.user_scopes.is_empty() {
        let (access, refresh, expires_in) = issue(ws, &grant.user_id, &grant.user_scopes, false);
        authed_user["scope"] = json!(grant.user_scopes.join(","));
        authed_user["access_token"] = json!(access);
        authed_user["token_type"] = json!("user");
        if let (Some(r), Some(e)) = (refresh, expires_in) {
            authed_user["refresh_token"] = json!(r);
            authed_user["expires_in"] = json!(e);
        }
    }
    body["authed_user"] = authed_user;
    ws.oauth.installs += 1;
    Ok(body)
}

/// The grant behind `code`: single use (spent whatever happens next), for the redirect URI it
/// was issued with, and young enough.
fn take_code(
    ws: &mut Workspace,
    code: Option<&str>,
    redirect_uri: Option<&str>,
) -> Result<Grant, OAuthError> {
    let code = code.filter(|c| !c.is_empty()).ok_or("invalid_code")?;
    let grant = ws.oauth.codes.get(code).cloned().ok_or("invalid_code")?;
    if redirect_uri.is_some_and(|u| u != grant.redirect_uri) {
        return Err("bad_redirect_uri");
    }
    ws.oauth.codes.remove(code);
    if now(ws) > grant.issued_at + CODE_LIFETIME {
        return Err("invalid_code");
    }
    Ok(grant)
}

/// `oauth.v2.user.access`: a code exchanged for the installing user's token only.
pub(crate) fn exchange_user_code(
    ws: &mut Workspace,
    code: Option<&str>,
    redirect_uri: Option<&str>,
) -> Result<Value, OAuthError> {
    let grant = take_code(ws, code, redirect_uri)?;
    let (access, refresh, expires_in) = issue(ws, &grant.user_id, &grant.user_scopes, false);
    let mut authed_user = json!({
        "id": grant.user_id,
        "scope": grant.user_scopes.join(","),
        "access_token": access,
        "token_type": "user",
    });
    if let (Some(r), Some(e)) = (refresh, expires_in) {
        authed_user["refresh_token"] = json!(r);
        authed_user["expires_in"] = json!(e);
    }
    let mut body = team_fields(ws);
    body["authed_user"] = authed_user;
    ws.oauth.installs += 1;
    Ok(body)
}

/// `oauth.access` (classic apps): the installing user's token, and the bot's under `bot`
/// when bot scopes were granted.
pub(crate) fn exchange_classic(
    ws: &mut Workspace,
    code: Option<&str>,
    redirect_uri: Option<&str>,
) -> Result<Value, OAuthError> {
    let grant = take_code(ws, code, redirect_uri)?;
    let (access, _, _) = issue(ws, &grant.user_id, &grant.user_scopes, false);
    let mut body = json!({
        "access_token": access,
        "scope": grant.user_scopes.join(","),
        "user_id": grant.user_id,
        "team_id": ws.team_id,
        "team_name": ws.team_name,
        "enterprise_id": null,
    });
    if !grant.scopes.is_empty() {
        let bot_user = ws.bot_user_id.clone();
        let (bot_access, _, _) = issue(ws, &bot_user, &grant.scopes, true);
        body["bot"] = json!({"bot_user_id": bot_user, "bot_access_token": bot_access});
    }
    ws.oauth.installs += 1;
    Ok(body)
}

/// `oauth.v2.access` with `grant_type=refresh_token`: a fresh access and refresh token; the
/// refresh token used is spent.
pub(crate) fn refresh(ws: &mut Workspace, token: Option<&str>) -> Result<Value, OAuthError> {
    let token = token
        .filter(|t| !t.is_empty())
        .ok_or("invalid_refresh_token")?;
    let grant = ws
        .oauth
        .refresh_tokens
        .remove(token)
        .ok_or("invalid_refresh_token")?;
    let (access, refresh, expires_in) = issue(ws, &grant.user_id, &grant.scopes, grant.bot);
    let mut body = team_fields(ws);
    body["access_token"] = json!(access);
    body["token_type"] = json!(if grant.bot { "bot" } else { "user" });
    body["scope"] = json!(grant.scopes.join(","));
    if grant.bot {
        body["bot_user_id"] = json!(grant.user_id);
    } else {
        body["user_id"] = json!(grant.user_id);
    }
    if let (Some(r), Some(e)) = (refresh, expires_in) {
        body["refresh_token"] = json!(r);
        body["expires_in"] = json!(e);
    }
    ws.oauth.refreshes += 1;
    Ok(body)
}

/// `oauth.v2.exchange`: a long-lived token swapped for a rotating one.
pub(crate) fn exchange_legacy(
    ws: &mut Workspace,
    token: Option<&str>,
) -> Result<Value, OAuthError> {
    if !ws.oauth.rotation {
        return Err("token_rotation_not_enabled");
    }
    let token = token.filter(|t| !t.is_empty()).ok_or("invalid_token")?;
    if ws.oauth.exchanged.contains(token) {
        return Err("token_already_exchanged");
    }
    if ws.oauth.expiry.contains_key(token) {
        return Err("invalid_token");
    }
    let info = ws.tokens.get(token).cloned().ok_or("invalid_token")?;
    let bot = info.user_id == ws.bot_user_id;
    let scopes: Vec<String> = info.scopes.iter().cloned().collect();
    let (access, refresh, expires_in) = issue(ws, &info.user_id, &scopes, bot);
    ws.oauth.exchanged.insert(token.to_owned());
    let mut body = team_fields(ws);
    body["access_token"] = json!(access);
    body["token_type"] = json!(if bot { "bot" } else { "user" });
    body["scope"] = json!(scopes.join(","));
    body["refresh_token"] = json!(refresh);
    body["expires_in"] = json!(expires_in);
    Ok(body)
}

fn team_fields(ws: &Workspace) -> Value {
    json!({
        "app_id": ws.app_id,
        "team": {"id": ws.team_id, "name": ws.team_name},
        "enterprise": null,
        "is_enterprise_install": false,
    })
}

// ===== the consent page =====

fn html(status: StatusCode, body: String) -> Resp {
    let mut r = Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn error_page(code: &str) -> Resp {
    html(
        StatusCode::BAD_REQUEST,
        format!(
            "<!DOCTYPE html><html><head><title>Slack: {code}</title></head><body><h1>Something went wrong</h1><p class=\"error\">{code}</p></body></html>"
        ),
    )
}

fn pairs(s: &str) -> BTreeMap<String, String> {
    form_urlencoded::parse(s.as_bytes()).into_owned().collect()
}

/// `GET /oauth/v2/authorize?client_id=…&scope=…&user_scope=…&redirect_uri=…&state=…`: the
/// consent page (an Allow/Deny form posting back here); `POST` with `decision=allow|deny`
/// redirects (302) to the `redirect_uri` with `code` and `state`, or
/// `error=access_denied`.
pub(crate) async fn handle_authorize(shared: &Arc<Shared>, req: Request<Incoming>) -> Resp {
    let query = pairs(req.uri().query().unwrap_or_default());
    if req.method() == Method::GET {
        let ar = AuthorizeRequest::from_pairs(&query);
        let ws = shared.lock_state();
        if let Err(code) = ar.check(&ws) {
            return error_page(code);
        }
        let hidden: String = query
            .iter()
            .map(|(k, v)| {
                format!(
                    "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
                    escape(k),
                    escape(v)
                )
            })
            .collect();
        let page = format!(
            "<!DOCTYPE html><html><head><title>Install app to {team}</title></head><body>\
             <h1>Allow this app to access {team}?</h1>\
             <p>Bot scopes: {scopes}</p><p>User scopes: {user_scopes}</p>\
             <form method=\"post\" action=\"/oauth/v2/authorize\">{hidden}\
             <button type=\"submit\" name=\"decision\" value=\"allow\">Allow</button>\
             <button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button>\
             </form></body></html>",
            team = escape(&ws.team_name),
            scopes = escape(&ar.scopes.join(", ")),
            user_scopes = escape(&ar.user_scopes.join(", ")),
        );
        return html(StatusCode::OK, page);
    }
    if req.method() != Method::POST {
        return error_page("method_not_allowed");
    }
    let (parts, body) = req.into_parts();
    let Ok(body) = read_body(&parts.headers, body, shared.config.max_body).await else {
        return error_page("invalid_form_data");
    };
    let mut form = query;
    form.extend(pairs(&String::from_utf8_lossy(&body)));
    let allow = match form.get("decision").map(String::as_str) {
        Some("allow") => true,
        Some("deny") => false,
        _ => return error_page("invalid_decision"),
    };
    match decide(shared, &form, allow) {
        Ok(location) => {
            let mut r = html(StatusCode::FOUND, String::new());
            match HeaderValue::from_str(&location) {
                Ok(v) => {
                    r.headers_mut().insert(header::LOCATION, v);
                    r
                }
                Err(_) => error_page("bad_redirect_uri"),
            }
        }
        Err(code) => error_page(code),
    }
}

fn decide(
    shared: &Shared,
    params: &BTreeMap<String, String>,
    allow: bool,
) -> Result<String, &'static str> {
    let ar = AuthorizeRequest::from_pairs(params);
    let mut ws = shared.lock_state();
    ar.check(&ws)?;
    Ok(ar.decide(&mut ws, allow))
}

// ===== control from code =====

/// The authorization server, from code: consent without a browser, the app's credentials,
/// token lifetimes, expiring tokens on demand. From [`Emulator::oauth`](crate::Emulator::oauth).
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let emu = slack_emulator::Emulator::start().await?;
/// let authorize = format!(
///     "{}?client_id={}&scope=chat:write&redirect_uri=http://127.0.0.1:3000/slack/oauth_redirect&state=s1",
///     emu.oauth().authorize_url(),
///     slack_emulator::DEFAULT_CLIENT_ID,
/// );
/// // What the browser would be sent to after clicking "Allow":
/// let redirect = emu.oauth().approve(&authorize)?;
/// assert!(redirect.contains("code=") && redirect.contains("state=s1"));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct OAuthControl<'a> {
    pub(crate) shared: &'a Shared,
}

/// Why [`OAuthControl::approve`] or [`OAuthControl::deny`] found no redirect: the error the
/// consent page shows (`invalid_client_id`, `invalid_scope`, `bad_redirect_uri`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the authorize request was refused: {0}")]
pub struct AuthorizeError(pub String);

impl OAuthControl<'_> {
    /// `http://127.0.0.1:PORT/oauth/v2/authorize`: where the app sends the installing user.
    pub fn authorize_url(&self) -> String {
        let api = &self.shared.base_url;
        format!("{}oauth/v2/authorize", api.trim_end_matches("api/"))
    }

    /// Click "Allow" on the consent page for `authorize_url` (a full URL or only its query):
    /// the URL the browser is redirected to, with `code` and `state`.
    pub fn approve(&self, authorize_url: &str) -> Result<String, AuthorizeError> {
        self.decide(authorize_url, true)
    }

    /// Click "Deny": the redirect with `error=access_denied` and `state`.
    pub fn deny(&self, authorize_url: &str) -> Result<String, AuthorizeError> {
        self.decide(authorize_url, false)
    }

    fn decide(&self, url: &str, allow: bool) -> Result<String, AuthorizeError> {
        let query = url.split_once('?').map_or(url, |(_, q)| q);
        decide(self.shared, &pairs(query), allow).map_err(|e| AuthorizeError(e.to_owned()))
    }

    /// The client id `oauth.v2.access` accepts.
    pub fn client_id(&self) -> String {
        self.shared.lock_state().oauth.client_id.clone()
    }

    /// The client secret `oauth.v2.access` accepts.
    pub fn client_secret(&self) -> String {
        self.shared.lock_state().oauth.client_secret.clone()
    }

    /// Change the app's credentials (default [`DEFAULT_CLIENT_ID`], [`DEFAULT_CLIENT_SECRET`]).
    pub fn set_client(&self, client_id: &str, client_secret: &str) {
        let mut ws = self.shared.lock_state();
        ws.oauth.client_id = client_id.to_owned();
        ws.oauth.client_secret = client_secret.to_owned();
    }

    /// Token rotation: `Some(seconds)` issues expiring tokens living that long, with refresh
    /// tokens (the default, 12 hours); `None` issues long-lived `xoxb-`/`xoxp-` tokens.
    pub fn set_token_rotation(&self, lifetime: Option<u64>) {
        let mut ws = self.shared.lock_state();
        ws.oauth.rotation = lifetime.is_some();
        if let Some(l) = lifetime {
            ws.oauth.lifetime = l;
        }
    }

    /// Expire every rotating access token issued so far (as if their lifetime had passed):
    /// calls with them answer `token_expired`; refresh tokens still work. Returns how many.
    pub fn expire_tokens(&self) -> usize {
        let mut ws = self.shared.lock_state();
        let n = ws.oauth.expiry.len();
        for at in ws.oauth.expiry.values_mut() {
            *at = 0;
        }
        n
    }

    /// Code exchanges that succeeded (installations).
    pub fn installs(&self) -> u64 {
        self.shared.lock_state().oauth.installs
    }

    /// Refreshes that succeeded.
    pub fn refreshes(&self) -> u64 {
        self.shared.lock_state().oauth.refreshes
    }
}
