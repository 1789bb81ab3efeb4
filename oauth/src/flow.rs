//! [`OAuthFlow`]: `/slack/install` and `/slack/oauth_redirect` as a hyper service that passes
//! every other request on.
//!
//! ```text
//! browser ──GET /slack/install?team=T──▶ state (single use, expires) ──302──▶ consent page
//! consent page ──302──▶ GET /slack/oauth_redirect?code&state
//!     ├─ error=access_denied / state missing, unknown, reused or expired ──▶ failure page
//!     └─ oauth.v2.access(code) ──▶ InstallationStore::save ──▶ success page
//!                        └─ failed ──▶ failure page (nothing stored)
//! ```

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use http::{header, HeaderValue, Request, Response, StatusCode};
use http_body_util::Full;
use slack_core::api::oauth::v2::Access;

use crate::authorize_url::AuthorizeUrl;
use crate::clients::Clients;
use crate::installation::Installation;
use crate::settings::OAuthSettings;
use crate::store::{ConsumedState, InstallationStore, StateStore};
use crate::Error;

/// Why an install ended on the failure page.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FailureReason {
    /// The redirect had no `state`.
    MissingState,
    /// The `state` was never issued here, or was already used.
    InvalidState,
    /// The `state` expired.
    ExpiredState,
    /// The user clicked "Deny" (`error=access_denied`) or Slack sent another `error`.
    Denied(String),
    /// No `code` in the redirect.
    MissingCode,
    /// `oauth.v2.access` failed (its error code, if Slack answered one).
    ExchangeFailed(String),
    /// The installation could not be stored.
    StoreFailed,
}

impl FailureReason {
    fn message(&self) -> String {
        match self {
            FailureReason::MissingState => {
                "The install link is missing its state. Please start the install again.".into()
            }
            FailureReason::InvalidState => {
                "This install link is invalid or was already used. Please start the install again."
                    .into()
            }
            FailureReason::ExpiredState => {
                "This install link has expired. Please start the install again.".into()
            }
            FailureReason::Denied(e) => format!("The app was not installed: {e}."),
            FailureReason::MissingCode => {
                "Slack sent no authorization code. Please start the install again.".into()
            }
            FailureReason::ExchangeFailed(e) => {
                format!("Slack refused the installation ({e}). Please try again.")
            }
            FailureReason::StoreFailed => {
                "The installation could not be saved. Please try again.".into()
            }
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            FailureReason::Denied(_) => StatusCode::FORBIDDEN,
            FailureReason::ExchangeFailed(_) => StatusCode::BAD_GATEWAY,
            FailureReason::StoreFailed => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

/// The fallback of a bare [`OAuthFlow`]: 404 for every other path.
#[derive(Debug, Clone, Copy, Default)]
pub struct NotFound;

impl<B: Send + 'static> hyper::service::Service<Request<B>> for NotFound {
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn call(&self, _: Request<B>) -> Self::Future {
        Box::pin(async { Ok(page(StatusCode::NOT_FOUND, "Not found", "Nothing here.")) })
    }
}

/// The install flow as a hyper service: `install_path` and `redirect_path` are answered
/// here, every other request goes to `next` (the Events API receiver, for one server).
///
/// ```no_run
/// use std::sync::Arc;
/// # async fn run(app: slack_app::App, web: slack_core::WebClient) -> Result<(), Box<dyn std::error::Error>> {
/// let store = Arc::new(slack_oauth::MemoryStore::default());
/// let settings = slack_oauth::OAuthSettings::new("123.456", "secret").scopes(["chat:write"]);
/// let events = app.http(std::env::var("SLACK_SIGNING_SECRET")?)?;
/// slack_oauth::OAuthFlow::new(settings, store.clone(), store, slack_oauth::Clients::new(web))
///     .fallback(events)
///     .serve("0.0.0.0:3000".parse()?)
///     .await?;
/// # Ok(()) }
/// ```
pub struct OAuthFlow<N = NotFound> {
    settings: OAuthSettings,
    states: Arc<dyn StateStore>,
    installations: Arc<dyn InstallationStore>,
    clients: Clients,
    next: N,
}

impl<N: Clone> Clone for OAuthFlow<N> {
    fn clone(&self) -> Self {
        OAuthFlow {
            settings: self.settings.clone(),
            states: self.states.clone(),
            installations: self.installations.clone(),
            clients: self.clients.clone(),
            next: self.next.clone(),
        }
    }
}

impl<N> fmt::Debug for OAuthFlow<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthFlow")
            .field("settings", &self.settings)
            .field("states", &self.states)
            .field("installations", &self.installations)
            .finish_non_exhaustive()
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn page(status: StatusCode, title: &str, message: &str) -> Response<Full<Bytes>> {
    let body = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{t}</title></head><body><h1>{t}</h1><p>{m}</p></body></html>",
        t = escape(title),
        m = escape(message)
    );
    let mut r = Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn new_state() -> Result<String, Error> {
    let mut b = [0u8; 24];
    getrandom::getrandom(&mut b)
        .map_err(|e| Error::Store(format!("no entropy for a state: {e}")))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

impl OAuthFlow<NotFound> {
    /// The flow: `states` for `state`s, `installations` for what installs leave, `clients`
    /// for `oauth.v2.access` (and where each team's consent page is).
    pub fn new(
        settings: OAuthSettings,
        states: Arc<dyn StateStore>,
        installations: Arc<dyn InstallationStore>,
        clients: Clients,
    ) -> Self {
        OAuthFlow {
            settings,
            states,
            installations,
            clients,
            next: NotFound,
        }
    }
}

impl<N> OAuthFlow<N> {
    /// Pass every other request to `next` (for example `App::http(…)`'s `HttpApp`).
    pub fn fallback<M>(self, next: M) -> OAuthFlow<M> {
        OAuthFlow {
            settings: self.settings,
            states: self.states,
            installations: self.installations,
            clients: self.clients,
            next,
        }
    }

    /// Start an install: a fresh `state` (with the team hint) and the consent page URL.
    pub async fn start_install(&self, team: Option<&str>) -> Result<String, Error> {
        let s = &self.settings;
        let state = new_state()?;
        self.states
            .save_state(&state, team, s.now().saturating_add(s.state_ttl))
            .await?;
        let mut url = AuthorizeUrl::new(s.client_id.clone(), state)
            .base(self.clients.endpoints_of(team).authorize_url)
            .scopes(s.scopes.iter().cloned())
            .user_scopes(s.user_scopes.iter().cloned());
        if let Some(r) = &s.redirect_uri {
            url = url.redirect_uri(r.clone());
        }
        if let Some(t) = team {
            url = url.team(t);
        }
        Ok(url.build())
    }

    /// Finish an install from the redirect's query string: the stored installation, or why
    /// not (nothing is stored then).
    pub async fn finish_install(&self, query: &str) -> Result<Installation, FailureReason> {
        let q: std::collections::HashMap<String, String> = form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        let now = self.settings.now();
        let Some(state) = q.get("state").filter(|s| !s.is_empty()) else {
            tracing::warn!("install redirect without a state");
            return Err(FailureReason::MissingState);
        };
        let consumed = self.states.consume_state(state, now).await.map_err(|e| {
            tracing::warn!(error = %e, "state store failed");
            FailureReason::StoreFailed
        })?;
        let team = match consumed {
            ConsumedState::Valid { team } => team,
            ConsumedState::Expired => {
                tracing::warn!("install redirect with an expired state");
                return Err(FailureReason::ExpiredState);
            }
            ConsumedState::Unknown => {
                tracing::warn!("install redirect with an unknown or reused state");
                return Err(FailureReason::InvalidState);
            }
        };
        if let Some(e) = q.get("error") {
            tracing::info!(error = %e, "install not approved");
            return Err(FailureReason::Denied(e.clone()));
        }
        let Some(code) = q.get("code").filter(|c| !c.is_empty()) else {
            return Err(FailureReason::MissingCode);
        };
        let s = &self.settings;
        let mut req = Access::new()
            .client_id(s.client_id.clone())
            .client_secret(s.client_secret.expose())
            .code(code.clone());
        if let Some(r) = &s.redirect_uri {
            req = req.redirect_uri(r.clone());
        }
        let client = self.clients.client(team.as_deref(), None).map_err(|e| {
            tracing::warn!(error = %e, "no client for the code exchange");
            FailureReason::ExchangeFailed("client".into())
        })?;
        let answer = client.call(req).await.map_err(|e| {
            let code = e
                .api_code()
                .map_or_else(|| "unreachable".to_owned(), |c| c.as_str().to_owned());
            tracing::warn!(error = %code, "oauth.v2.access failed");
            FailureReason::ExchangeFailed(code)
        })?;
        let installation = Installation::from_access(&answer, now).map_err(|e| {
            tracing::warn!(error = %e, "oauth.v2.access answer unusable");
            FailureReason::ExchangeFailed("invalid_response".into())
        })?;
        self.installations
            .save_installation(&installation)
            .await
            .map_err(|e| {
                tracing::warn!(error = %e, "could not store the installation");
                FailureReason::StoreFailed
            })?;
        tracing::info!(key = %installation.key(), "installed");
        Ok(installation)
    }

    async fn answer_install(&self, query: &str) -> Response<Full<Bytes>> {
        let team: Option<String> = form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == "team")
            .map(|(_, v)| v.into_owned());
        match self.start_install(team.as_deref()).await {
            Ok(url) => match HeaderValue::from_str(&url) {
                Ok(v) => {
                    let mut r = page(StatusCode::FOUND, "Add to Slack", "Redirecting to Slack…");
                    r.headers_mut().insert(header::LOCATION, v);
                    r
                }
                Err(_) => page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Install failed",
                    "Bad authorize URL.",
                ),
            },
            Err(e) => {
                tracing::warn!(error = %e, "could not start an install");
                page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Install failed",
                    "Please try again.",
                )
            }
        }
    }

    async fn answer_redirect(&self, query: &str) -> Response<Full<Bytes>> {
        match self.finish_install(query).await {
            Ok(i) => {
                let name = i
                    .team_name
                    .or(i.enterprise_name)
                    .unwrap_or_else(|| "your workspace".into());
                page(
                    StatusCode::OK,
                    "Installed",
                    &format!("The app is now installed in {name}. You can close this page."),
                )
            }
            Err(reason) => page(reason.status(), "Installation failed", &reason.message()),
        }
    }

    /// Serve on `addr` until the future is dropped.
    pub async fn serve<B>(self, addr: SocketAddr) -> std::io::Result<()>
    where
        Self: hyper::service::Service<
                Request<hyper::body::Incoming>,
                Response = Response<B>,
                Error = Infallible,
            > + Clone
            + Send
            + 'static,
        <Self as hyper::service::Service<Request<hyper::body::Incoming>>>::Future: Send,
        B: hyper::body::Body + Send + 'static,
        B::Data: Send,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        self.serve_on(listener).await
    }

    /// Serve on a bound listener (port 0 in tests) until the future is dropped.
    pub async fn serve_on<B>(self, listener: tokio::net::TcpListener) -> std::io::Result<()>
    where
        Self: hyper::service::Service<
                Request<hyper::body::Incoming>,
                Response = Response<B>,
                Error = Infallible,
            > + Clone
            + Send
            + 'static,
        <Self as hyper::service::Service<Request<hyper::body::Incoming>>>::Future: Send,
        B: hyper::body::Body + Send + 'static,
        B::Data: Send,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        loop {
            let (tcp, _) = listener.accept().await?;
            let svc = self.clone();
            tokio::spawn(async move {
                let io = hyper_util::rt::TokioIo::new(tcp);
                if let Err(e) = hyper::server::conn::http1::Builder::new()
                    .serve_connection(io, svc)
                    .await
                {
                    tracing::debug!(error = %e, "connection ended");
                }
            });
        }
    }
}

impl<N, B> hyper::service::Service<Request<B>> for OAuthFlow<N>
where
    N: hyper::service::Service<Request<B>, Response = Response<Full<Bytes>>, Error = Infallible>
        + Clone
        + Send
        + Sync
        + 'static,
    N::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn call(&self, req: Request<B>) -> Self::Future {
        let path = req.uri().path();
        let is_get = req.method() == http::Method::GET;
        if is_get && (path == self.settings.install_path || path == self.settings.redirect_path) {
            let install = path == self.settings.install_path;
            let query = req.uri().query().unwrap_or_default().to_owned();
            let this = OAuthFlow {
                settings: self.settings.clone(),
                states: self.states.clone(),
                installations: self.installations.clone(),
                clients: self.clients.clone(),
                next: (),
            };
            return Box::pin(async move {
                Ok(if install {
                    this.answer_install(&query).await
                } else {
                    this.answer_redirect(&query).await
                })
            });
        }
        let fut = self.next.call(req);
        Box::pin(fut)
    }
}
