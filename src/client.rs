//! The facade's [`WebClient`]: one concrete client type, its transport picked at build time.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use slack_core::limiter::{RateLimiter, RateTable};
use slack_core::transport::{HttpTransport, Timer, WsTransport};
use slack_core::{Result, RetryPolicy, Token};

/// The environment variable [`WebClient::new`] reads a base URL from (for example the
/// emulator's `http://127.0.0.1:8080/api/`). Unset: `https://slack.com/api/`.
pub const API_URL_ENV: &str = "SLACK_API_URL";

/// The Web API client: one type whatever the transport.
///
/// `WebClient::new(token)` talks to Slack over the default transport (tokio + hyper +
/// rustls); `WebClient::builder()` picks another transport — the scripted
/// [`mock`](crate::mock), the emulator's URL, your own — and every other setting. Code
/// written against `&slack_sdk::WebClient` therefore runs unchanged against Slack, the
/// emulator and the mock, without being made generic.
///
/// Every call of [`slack_core::WebClient`] is available on it (`call`, `api_call`, `pages`,
/// `items`, `files_upload_v2`, …): it dereferences to the core client. Clones are cheap and
/// share the connection pool, settings and retry policy.
///
/// ```no_run
/// use slack_sdk::api::chat;
///
/// async fn greet(client: &slack_sdk::WebClient, channel: &str) -> slack_sdk::Result<String> {
///     let posted = client.call(chat::PostMessage::new(channel).text("Hello!")).await?;
///     Ok(posted.ts.clone())
/// }
///
/// # async fn run() -> slack_sdk::Result<()> {
/// let client = slack_sdk::WebClient::new(std::env::var("SLACK_BOT_TOKEN").unwrap_or_default());
/// greet(&client, "#general").await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct WebClient {
    core: slack_core::WebClient,
}

impl fmt::Debug for WebClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.core.fmt(f)
    }
}

impl Deref for WebClient {
    type Target = slack_core::WebClient;

    fn deref(&self) -> &slack_core::WebClient {
        &self.core
    }
}

impl AsRef<slack_core::WebClient> for WebClient {
    fn as_ref(&self) -> &slack_core::WebClient {
        &self.core
    }
}

impl From<slack_core::WebClient> for WebClient {
    fn from(core: slack_core::WebClient) -> Self {
        WebClient { core }
    }
}

impl From<WebClient> for slack_core::WebClient {
    fn from(client: WebClient) -> Self {
        client.core
    }
}

impl WebClient {
    /// A client with `token` over the default transport, with the recommended retry policy.
    ///
    /// The base URL is `$SLACK_API_URL` when it is set (so the same program runs against the
    /// emulator: `export SLACK_API_URL=http://127.0.0.1:8080/api/`), else Slack's. An invalid
    /// `SLACK_API_URL`, or an empty token, makes every call fail with
    /// [`Error::Validation`](crate::Error::Validation) before anything is sent; use
    /// [`builder`](Self::builder) to get the error from `build()` instead.
    #[cfg(feature = "hyper")]
    #[cfg_attr(docsrs, doc(cfg(feature = "hyper")))]
    pub fn new(token: impl Into<Token>) -> Self {
        let builder = WebClient::builder().token(token).base_url_from_env();
        WebClient {
            core: builder
                .inner
                .build_or_failing_with(slack_transport_hyper::HyperTransport::default()),
        }
    }

    /// A client from the environment: token from `SLACK_BOT_TOKEN` (an
    /// [`Error::Validation`](crate::Error::Validation) when it is unset or empty), base URL
    /// from `SLACK_API_URL` (Slack's when unset).
    ///
    /// ```no_run
    /// # async fn run() -> slack_sdk::Result<()> {
    /// let client = slack_sdk::WebClient::from_env()?;
    /// let me = client.call(slack_sdk::api::auth::Test::new()).await?;
    /// println!("connected as {} to {}", me.user, me.team);
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "hyper")]
    #[cfg_attr(docsrs, doc(cfg(feature = "hyper")))]
    pub fn from_env() -> Result<Self> {
        let token = std::env::var("SLACK_BOT_TOKEN").unwrap_or_default();
        if token.trim().is_empty() {
            return Err(crate::Error::validation(
                "SLACK_BOT_TOKEN",
                "not set: export a bot token (the standalone emulator prints one)",
            ));
        }
        WebClient::builder()
            .token(token)
            .base_url_from_env()
            .build()
    }

    /// Settings for a client; [`WebClientBuilder::build`] needs no type annotation.
    ///
    /// ```no_run
    /// # fn run() -> slack_sdk::Result<()> {
    /// let client = slack_sdk::WebClient::builder()
    ///     .token("xoxb-your-token")
    ///     .proactive_rate_limiting()
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    pub fn builder() -> WebClientBuilder {
        WebClientBuilder {
            inner: slack_core::WebClientBuilder::new(),
        }
    }

    /// The core client (what `slack-rtm` and the other crates take).
    pub fn core(&self) -> &slack_core::WebClient {
        &self.core
    }
}

/// Settings for a [`WebClient`]; [`build`](Self::build) returns the client or the first
/// invalid setting.
///
/// The transport defaults to the hyper transport (feature `hyper`); give another with
/// [`transport`](Self::transport) or, for the scripted mock, [`mock`](Self::mock). The retry
/// policy defaults to the transport's — the recommended policy for hyper, async-std and the
/// mock alike (on the mock without jitter, so a test sees exact waits).
#[derive(Debug)]
#[must_use]
pub struct WebClientBuilder {
    inner: slack_core::WebClientBuilder,
}

impl WebClientBuilder {
    /// The token sent as `Authorization: Bearer …` (default: none).
    pub fn token(self, token: impl Into<Token>) -> Self {
        self.map(|b| b.token(token))
    }

    /// The base URL (default `https://slack.com/api/`; a trailing `/` is added).
    pub fn base_url(self, url: impl AsRef<str>) -> Self {
        self.map(|b| b.base_url(url))
    }

    /// The base URL from `$SLACK_API_URL` when it is set and no base URL was given.
    pub fn base_url_from_env(self) -> Self {
        if self.inner.has_base_url() {
            return self;
        }
        match std::env::var(API_URL_ENV) {
            Ok(url) if !url.trim().is_empty() => self.base_url(url.trim()),
            _ => self,
        }
    }

    /// Text before and after the SDK's `User-Agent` (default: neither).
    pub fn user_agent(self, prefix: Option<&str>, suffix: Option<&str>) -> Self {
        self.map(|b| b.user_agent(prefix, suffix))
    }

    /// A header sent with every call.
    pub fn header(self, name: &str, value: &str) -> Self {
        self.map(|b| b.header(name, value))
    }

    /// `team_id` sent with every method that accepts it (default: none).
    pub fn team_id(self, team_id: impl Into<String>) -> Self {
        self.map(|b| b.team_id(team_id))
    }

    /// Per-attempt timeout (default: the transport's, 30 s for hyper).
    pub fn timeout(self, timeout: Duration) -> Self {
        self.map(|b| b.timeout(timeout))
    }

    /// The retry policy (default: the transport's recommended one).
    pub fn retry_policy(self, policy: RetryPolicy) -> Self {
        self.map(|b| b.retry_policy(policy))
    }

    /// No retries: every failure reaches the caller at once.
    pub fn no_retries(self) -> Self {
        self.map(|b| b.no_retries())
    }

    /// Reconcile writes whose outcome is unknown (default: off): see
    /// [`slack_core::reconcile`].
    ///
    /// ```no_run
    /// # fn run() -> slack_sdk::Result<()> {
    /// use slack_sdk::reconcile::Reconcile;
    /// let client = slack_sdk::WebClient::builder()
    ///     .token("xoxb-your-token")
    ///     .reconcile(Reconcile::on())
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    pub fn reconcile(self, reconcile: slack_core::reconcile::Reconcile) -> Self {
        self.map(|b| b.reconcile(reconcile))
    }

    /// Pace calls with `limiter` instead of running into 429s (default: off).
    pub fn rate_limiter(self, limiter: Arc<dyn RateLimiter>) -> Self {
        self.map(|b| b.rate_limiter(limiter))
    }

    /// The allowances the limiter paces calls to (default: Slack's tiers).
    pub fn rate_table(self, rates: RateTable) -> Self {
        self.map(|b| b.rate_table(rates))
    }

    /// Pace calls with a fresh in-memory limiter (per method tier, per channel for
    /// `chat.postMessage`).
    pub fn proactive_rate_limiting(self) -> Self {
        self.map(|b| b.proactive_rate_limiting())
    }

    /// A timer other than the transport's.
    pub fn timer(self, timer: Arc<dyn Timer>) -> Self {
        self.map(|b| b.timer(timer))
    }

    /// Use `transport` (also the timer) instead of the default.
    pub fn transport<T: HttpTransport + Timer>(self, transport: T) -> Self {
        self.map(|b| b.transport(transport))
    }

    /// Use `transport`, which also opens websockets (RTM, Socket Mode).
    pub fn transport_with_ws<T: HttpTransport + Timer + WsTransport>(self, transport: T) -> Self {
        self.map(|b| b.transport_with_ws(transport))
    }

    /// Use a shared transport that is not a timer (set one with [`timer`](Self::timer)).
    pub fn http_transport(self, transport: Arc<dyn HttpTransport>) -> Self {
        self.map(|b| b.http_transport(transport))
    }

    /// The websocket transport for RTM and Socket Mode.
    pub fn websocket(self, ws: Arc<dyn WsTransport>) -> Self {
        self.map(|b| b.websocket(ws))
    }

    /// Use the scripted mock (HTTP, websockets and its virtual clock). Keep a clone of
    /// `mock` to script answers and read what was sent.
    #[cfg(feature = "mock")]
    #[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
    pub fn mock(self, mock: slack_transport_mock::MockTransport) -> Self {
        self.transport_with_ws(mock)
    }

    /// The core builder, for settings the facade does not forward.
    pub fn into_core(self) -> slack_core::WebClientBuilder {
        self.inner
    }

    /// The client, or the first invalid setting (malformed base URL or header, no
    /// transport when the `hyper` feature is off).
    pub fn build(self) -> Result<WebClient> {
        let inner = self.with_default_transport();
        Ok(WebClient {
            core: inner.build()?,
        })
    }

    fn with_default_transport(self) -> slack_core::WebClientBuilder {
        #[cfg(feature = "hyper")]
        if !self.inner.has_transport() {
            return self
                .inner
                .transport_with_ws(slack_transport_hyper::HyperTransport::default());
        }
        self.inner
    }

    fn map(
        self,
        f: impl FnOnce(slack_core::WebClientBuilder) -> slack_core::WebClientBuilder,
    ) -> Self {
        WebClientBuilder {
            inner: f(self.inner),
        }
    }
}
