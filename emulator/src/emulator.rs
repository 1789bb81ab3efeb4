//! The public handle: start, inspect, inject faults, stop.

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use serde_json::Value;
use tokio::sync::watch;

use crate::faults::FaultRule;
use crate::ratelimit::RateLimits;
use crate::rtm::Control;
use crate::server::{self, Config, Shared};

/// Settings for an [`Emulator`].
#[derive(Debug, Clone)]
#[must_use]
pub struct EmulatorBuilder {
    config: Config,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        EmulatorBuilder {
            config: Config {
                port: 0,
                rate_limits: RateLimits::Off,
                max_body: 8 * 1024 * 1024,
                signing_secret: "emulator-signing-secret".into(),
                interaction_url: None,
            },
        }
    }
}

impl EmulatorBuilder {
    /// Port on 127.0.0.1 (default 0: any free port).
    pub fn port(mut self, port: u16) -> Self {
        self.config.port = port;
        self
    }

    /// Rate limiting (default [`RateLimits::Off`]; the binary uses `SlackLike`).
    pub fn rate_limits(mut self, limits: RateLimits) -> Self {
        self.config.rate_limits = limits;
        self
    }

    /// Largest API request body accepted (default 8 MiB); larger ones get 413.
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.config.max_body = bytes;
        self
    }

    /// The signing secret for outgoing interaction requests.
    pub fn signing_secret(mut self, secret: impl Into<String>) -> Self {
        self.config.signing_secret = secret.into();
        self
    }

    /// Where [`Emulator::send_interaction`] POSTs.
    pub fn interaction_url(mut self, url: impl Into<String>) -> Self {
        self.config.interaction_url = Some(url.into());
        self
    }

    /// Bind and start serving (needs a tokio runtime).
    pub async fn start(self) -> std::io::Result<Emulator> {
        let (shared, addr, shutdown, task) = server::start(self.config).await?;
        Ok(Emulator {
            shared,
            addr,
            shutdown,
            task: Some(task),
        })
    }
}

/// A running emulator. Dropping it stops the server.
///
/// ```no_run
/// # async fn run() -> std::io::Result<()> {
/// let emu = slack_emulator::Emulator::start().await?;
/// println!("{} {}", emu.base_url(), emu.bot_token());
/// emu.shutdown().await;
/// # Ok(()) }
/// ```
pub struct Emulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("addr", &self.addr)
            .finish()
    }
}

impl Emulator {
    /// Start with default settings on a free port.
    pub async fn start() -> std::io::Result<Emulator> {
        Emulator::builder().start().await
    }

    /// Settings.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// The address served.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The Web API base URL, `http://127.0.0.1:PORT/api/`.
    pub fn base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// The seeded bot token (every scope).
    pub fn bot_token(&self) -> String {
        self.shared.lock_state().bot_token.clone()
    }

    /// The seeded user token (user `ada`, every scope).
    pub fn user_token(&self) -> String {
        self.shared.lock_state().user_token.clone()
    }

    /// The team id.
    pub fn team_id(&self) -> String {
        self.shared.lock_state().team_id.clone()
    }

    /// The bot's user id.
    pub fn bot_user_id(&self) -> String {
        self.shared.lock_state().bot_user_id.clone()
    }

    /// The bot id (`B…`).
    pub fn bot_id(&self) -> String {
        self.shared.lock_state().bot_id.clone()
    }

    /// The id of a user by name (`ada`, `grace`, `linus`, `emulator-bot`).
    pub fn user_id(&self, name: &str) -> Option<String> {
        self.shared
            .lock_state()
            .users
            .iter()
            .find(|u| u.name == name)
            .map(|u| u.id.clone())
    }

    /// The id of a channel by name (`general`, `random`, `outside` (bot not a member),
    /// `secret-plans` (private)).
    pub fn channel_id(&self, name: &str) -> Option<String> {
        self.shared.lock_state().resolve_channel(name)
    }

    /// The id of the bot's IM with `ada`.
    pub fn im_id(&self) -> Option<String> {
        let ws = self.shared.lock_state();
        ws.channels
            .iter()
            .find(|c| c.kind == crate::state::Kind::Im)
            .map(|c| c.id.clone())
    }

    /// The workspace as JSON (the same as `GET /_emulator/state`).
    pub fn state(&self) -> Value {
        self.shared.lock_state().snapshot()
    }

    /// The messages of a channel (top level and replies), oldest first.
    pub fn messages(&self, channel: &str) -> Vec<Value> {
        self.shared
            .lock_state()
            .messages
            .get(channel)
            .map(|m| m.iter().cloned().map(Value::Object).collect())
            .unwrap_or_default()
    }

    /// Inject a fault.
    pub fn inject(&self, rule: FaultRule) {
        server::add_fault(&self.shared, rule);
    }

    /// Remove every fault.
    pub fn clear_faults(&self) {
        self.shared.lock_faults().clear();
    }

    /// Add a token for `user` (default: the bot) with only `scopes`.
    pub fn add_token(&self, token: &str, user: Option<&str>, scopes: &[&str]) {
        server::add_token(&self.shared, token, user, scopes);
    }

    /// The rate limiting in force.
    pub fn rate_limits(&self) -> RateLimits {
        self.shared.config().rate_limits
    }

    /// Change rate limiting while running.
    pub fn set_rate_limits(&self, limits: RateLimits) {
        self.shared
            .config
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .rate_limits = limits;
    }

    /// Send `goodbye` to every RTM connection (then close them).
    pub fn rtm_goodbye(&self) {
        let _ = self.shared.control.send(Control::Goodbye);
    }

    /// Close every RTM connection with `code`.
    pub fn rtm_close(&self, code: u16, reason: &str) {
        let _ = self
            .shared
            .control
            .send(Control::Close(code, reason.to_owned()));
    }

    /// Stop (or resume) answering RTM pings.
    pub fn rtm_ping_silence(&self, silent: bool) {
        self.shared.ping_silence.store(silent, Ordering::Relaxed);
    }

    /// Open RTM connections.
    pub fn rtm_connections(&self) -> usize {
        self.shared.rtm_open.load(Ordering::Relaxed)
    }

    /// Calls refused with 429 by the rate limiter so far (injected faults not counted).
    pub fn rate_limited_count(&self) -> u64 {
        self.shared.rate_limited.load(Ordering::Relaxed)
    }

    /// HTTP requests served so far.
    pub fn request_count(&self) -> u64 {
        self.shared.requests.load(Ordering::Relaxed)
    }

    /// POST `payload` (a `block_actions` or `view_submission` JSON) to the interaction URL,
    /// signed with the signing secret. Returns the app's status and body.
    pub async fn send_interaction(&self, payload: &Value) -> Result<(u16, String), String> {
        crate::interaction::send(&self.shared, payload).await
    }

    /// Stop serving and wait for the server task.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}
