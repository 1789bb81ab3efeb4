//! [`OAuthSettings`]: the app's credentials, scopes, paths and timings.

use std::fmt;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::secret::Secret;

/// The time now in Unix seconds; replaceable in tests ([`OAuthSettings::clock`]).
pub type Clock = Arc<dyn Fn() -> u64 + Send + Sync>;

fn system_clock() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The app's OAuth settings. `Debug` hides the client secret.
///
/// ```
/// let settings = slack_oauth::OAuthSettings::new("123.456", "client-secret")
///     .scopes(["chat:write", "app_mentions:read"])
///     .user_scopes(["search:read"])
///     .redirect_uri("https://example.com/slack/oauth_redirect");
/// assert!(!format!("{settings:?}").contains("client-secret"));
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct OAuthSettings {
    /// The app's client id.
    pub client_id: String,
    /// The app's client secret.
    pub client_secret: Secret,
    /// Bot scopes asked for.
    pub scopes: Vec<String>,
    /// User scopes asked for.
    pub user_scopes: Vec<String>,
    /// Where Slack sends the user back (must be one of the app's redirect URLs); `None`:
    /// the app's configured one.
    pub redirect_uri: Option<String>,
    /// Path that starts an install (default `/slack/install`).
    pub install_path: String,
    /// Path Slack redirects to (default `/slack/oauth_redirect`).
    pub redirect_path: String,
    /// How long a `state` is valid, in seconds (default 600).
    pub state_ttl: u64,
    /// Refresh a token this many seconds before it expires (default 300).
    pub refresh_margin: u64,
    /// How long a replica may hold the refresh lock, in seconds (default 30).
    pub lock_ttl: u64,
    /// The clock (default: the system's).
    pub clock: Clock,
}

impl fmt::Debug for OAuthSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthSettings")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("scopes", &self.scopes)
            .field("user_scopes", &self.user_scopes)
            .field("redirect_uri", &self.redirect_uri)
            .field("install_path", &self.install_path)
            .field("redirect_path", &self.redirect_path)
            .field("state_ttl", &self.state_ttl)
            .field("refresh_margin", &self.refresh_margin)
            .finish_non_exhaustive()
    }
}

impl OAuthSettings {
    /// Settings with the app's credentials and the defaults above.
    pub fn new(client_id: impl Into<String>, client_secret: impl Into<Secret>) -> Self {
        OAuthSettings {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            scopes: Vec::new(),
            user_scopes: Vec::new(),
            redirect_uri: None,
            install_path: "/slack/install".into(),
            redirect_path: "/slack/oauth_redirect".into(),
            state_ttl: 600,
            refresh_margin: 300,
            lock_ttl: 30,
            clock: Arc::new(system_clock),
        }
    }

    /// Bot scopes.
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// User scopes.
    pub fn user_scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.user_scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// The redirect URI (sent in the authorize URL and the code exchange).
    pub fn redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.redirect_uri = Some(uri.into());
        self
    }

    /// The install and redirect paths.
    pub fn paths(mut self, install: impl Into<String>, redirect: impl Into<String>) -> Self {
        self.install_path = install.into();
        self.redirect_path = redirect.into();
        self
    }

    /// How long a `state` is valid (seconds).
    pub fn state_ttl(mut self, secs: u64) -> Self {
        self.state_ttl = secs;
        self
    }

    /// Refresh tokens this many seconds before they expire.
    pub fn refresh_margin(mut self, secs: u64) -> Self {
        self.refresh_margin = secs;
        self
    }

    /// Another clock (Unix seconds), for tests.
    pub fn clock(mut self, clock: impl Fn() -> u64 + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    pub(crate) fn now(&self) -> u64 {
        (self.clock)()
    }
}
