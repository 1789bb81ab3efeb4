//! Settings: [`EmulatorBuilder`].

use std::path::PathBuf;
use std::time::Duration;

use crate::app::AppMode;
use crate::emulator::Emulator;
use crate::ratelimit::RateLimits;

/// Largest API request body by default: 8 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// The signing secret used when none is configured.
pub const DEFAULT_SIGNING_SECRET: &str = "emulator-signing-secret";

/// Settings of one emulator.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub(crate) port: u16,
    pub(crate) rate_limits: RateLimits,
    pub(crate) max_body: usize,
    pub(crate) signing_secret: String,
    pub(crate) interaction_url: Option<String>,
    pub(crate) seed: Option<u64>,
    pub(crate) app_mode: AppMode,
    pub(crate) event_request_url: Option<String>,
    pub(crate) command_url: Option<String>,
    pub(crate) ack_timeout: Duration,
    pub(crate) disconnect_grace: Duration,
    pub(crate) http_timeout: Duration,
    pub(crate) http_retry_delays: [Duration; 3],
    pub(crate) seed_file: Option<PathBuf>,
    pub(crate) persist: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            port: 0,
            rate_limits: RateLimits::Off,
            max_body: DEFAULT_MAX_BODY_BYTES,
            signing_secret: DEFAULT_SIGNING_SECRET.into(),
            interaction_url: None,
            seed: None,
            app_mode: AppMode::SocketMode,
            event_request_url: None,
            command_url: None,
            ack_timeout: Duration::from_secs(3),
            disconnect_grace: Duration::from_secs(1),
            http_timeout: Duration::from_secs(3),
            http_retry_delays: [
                Duration::ZERO,
                Duration::from_secs(60),
                Duration::from_secs(300),
            ],
            seed_file: None,
            persist: None,
        }
    }
}

/// Settings for an [`Emulator`]; [`EmulatorBuilder::start`] binds and serves.
///
/// ```no_run
/// # async fn run() -> std::io::Result<()> {
/// use slack_emulator::{Emulator, RateLimits};
/// let emu = Emulator::builder()
///     .port(0)
///     .rate_limits(RateLimits::SlackLike)
///     .signing_secret("shh")
///     .interaction_url("http://127.0.0.1:3000/slack/interactions")
///     .max_body_bytes(8 << 20)
///     .start()
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct EmulatorBuilder {
    config: Config,
}

impl EmulatorBuilder {
    /// The seed of the workspace's ids and tokens (`xoxb-{seed}-emulator-bot`, channel ids,
    /// user ids). Default: the port, so two emulators in one test never share ids. The
    /// standalone binary uses a fixed seed, so its tokens do not change with the port.
    pub fn seed(mut self, seed: u64) -> Self {
        self.config.seed = Some(seed);
        self
    }

    /// Port on 127.0.0.1. Default 0: a free port, see [`Emulator::addr`].
    pub fn port(mut self, port: u16) -> Self {
        self.config.port = port;
        self
    }

    /// Rate limiting. Default [`RateLimits::Off`] (tests, benchmarks); the binary uses
    /// [`RateLimits::SlackLike`]. Can be changed while running with
    /// [`Emulator::set_rate_limits`].
    pub fn rate_limits(mut self, limits: RateLimits) -> Self {
        self.config.rate_limits = limits;
        self
    }

    /// Largest Web API request body accepted; larger ones get HTTP 413
    /// `request_too_large`. Default 8 MiB ([`DEFAULT_MAX_BODY_BYTES`]). Uploads to the
    /// upload URL are not bound by it (Slack allows 1 GB; the emulator keeps the first MiB).
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.config.max_body = bytes;
        self
    }

    /// The secret outgoing interaction requests are signed with. Default
    /// [`DEFAULT_SIGNING_SECRET`].
    pub fn signing_secret(mut self, secret: impl Into<String>) -> Self {
        self.config.signing_secret = secret.into();
        self
    }

    /// Where [`Emulator::send_interaction`] POSTs (an app's interactivity request URL).
    /// Default: none, and sending fails.
    pub fn interaction_url(mut self, url: impl Into<String>) -> Self {
        self.config.interaction_url = Some(url.into());
        self
    }

    /// How the app receives events, slash commands and interactions: over Socket Mode
    /// (the default) or as HTTP requests to its request URLs. As in Slack, an app is in one
    /// mode or the other, never both. See [`AppMode`].
    pub fn app_mode(mut self, mode: AppMode) -> Self {
        self.config.app_mode = mode;
        self
    }

    /// The app's Events API request URL: `event_callback` payloads are POSTed there as
    /// JSON, signed with the signing secret. Setting it also puts the app in
    /// [`AppMode::Http`] (call [`app_mode`](Self::app_mode) after it to override).
    /// Default: none.
    pub fn event_request_url(mut self, url: impl Into<String>) -> Self {
        self.config.event_request_url = Some(url.into());
        self.config.app_mode = AppMode::Http;
        self
    }

    /// The request URL of the app's slash commands in [`AppMode::Http`]
    /// ([`EventsApiControl::slash_command`](crate::EventsApiControl::slash_command) posts
    /// the command's form there). Default: none.
    pub fn command_url(mut self, url: impl Into<String>) -> Self {
        self.config.command_url = Some(url.into());
        self
    }

    /// How long a Socket Mode envelope may stay unacknowledged before it is delivered
    /// again (with `retry_attempt` + 1 and `retry_reason: "timeout"`, up to 3 times).
    /// Default 3 s, as Slack; tests use milliseconds.
    pub fn socket_mode_ack_timeout(mut self, timeout: Duration) -> Self {
        self.config.ack_timeout = timeout;
        self
    }

    /// How long a Socket Mode connection stays open after a `disconnect` message before
    /// the emulator closes it. Default 1 s.
    pub fn socket_mode_disconnect_grace(mut self, grace: Duration) -> Self {
        self.config.disconnect_grace = grace;
        self
    }

    /// How long the app has to answer an Events API request before it counts as failed
    /// (`X-Slack-Retry-Reason: http_timeout` on the retry). Default 3 s, as Slack.
    pub fn events_api_timeout(mut self, timeout: Duration) -> Self {
        self.config.http_timeout = timeout;
        self
    }

    /// The waits before the three retries of a failed Events API request. Default Slack's
    /// schedule: at once, after 1 minute, after 5 minutes; tests use milliseconds.
    pub fn events_api_retry_delays(mut self, delays: [Duration; 3]) -> Self {
        self.config.http_retry_delays = delays;
        self
    }

    /// Start from the workspace in a JSON file: what `GET /_emulator/state` answers (or
    /// only its `workspace` object, or a part of that: the fields it lacks come from the
    /// seeded workspace). Starting fails when the file is missing or invalid. A
    /// [`persist`](Self::persist) file, once it exists, wins over the seed file. Default:
    /// the seeded workspace.
    ///
    /// ```no_run
    /// # async fn run() -> std::io::Result<()> {
    /// let emu = slack_emulator::Emulator::builder()
    ///     .seed_file("tests/fixtures/workspace.json")
    ///     .start()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn seed_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.config.seed_file = Some(path.into());
        self
    }

    /// Keep the workspace in a file: loaded at start when it exists, and replaced
    /// atomically (write, `fsync`, rename) after every change, before the change is
    /// answered, so a restart finds the workspace as it was and a crash loses nothing
    /// acknowledged. Concurrent changes share writes. Faults, rate-limit allowances, open
    /// connections and the clock are not kept. Default: not persisted.
    ///
    /// ```no_run
    /// # async fn run() -> std::io::Result<()> {
    /// let emu = slack_emulator::Emulator::builder()
    ///     .persist("slack-workspace.json")
    ///     .start()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn persist(mut self, path: impl Into<PathBuf>) -> Self {
        self.config.persist = Some(path.into());
        self
    }

    /// Bind 127.0.0.1 and start serving on the current tokio runtime.
    pub async fn start(self) -> std::io::Result<Emulator> {
        Emulator::from_config(self.config).await
    }
}
