//! Settings: [`EmulatorBuilder`].

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

    /// Bind 127.0.0.1 and start serving on the current tokio runtime.
    pub async fn start(self) -> std::io::Result<Emulator> {
        Emulator::from_config(self.config).await
    }
}
