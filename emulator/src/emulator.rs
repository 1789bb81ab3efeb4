//! The handle of a running emulator: addresses and tokens, state inspection, fault and RTM
//! controls, signed interactions, shutdown.

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use serde_json::Value;
use tokio::sync::watch;

use crate::app::{AppResponse, EventsApiControl, SocketModeControl};
use crate::clock::ClockControl;
use crate::config::{Config, EmulatorBuilder};
use crate::faults::{FaultRule, Faults};
use crate::interaction::InteractionError;
use crate::ratelimit::RateLimits;
use crate::rtm::RtmControl;
use crate::server::{self, Shared};
use crate::state::Kind;

/// A running emulator. Dropping it stops the server (open connections close within
/// seconds); [`Emulator::shutdown`] stops it and waits.
///
/// Every emulator is independent: several can run in one process, each on its own port with
/// its own workspace, ids and tokens.
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
            .finish_non_exhaustive()
    }
}

// ===== impl Emulator: starting =====

impl Emulator {
    /// Start with default settings on a free port of 127.0.0.1 (rate limits off). Needs a
    /// tokio runtime.
    ///
    /// ```no_run
    /// # async fn run() -> std::io::Result<()> {
    /// let emu = slack_emulator::Emulator::start().await?;
    /// # Ok(()) }
    /// ```
    pub async fn start() -> std::io::Result<Emulator> {
        Emulator::builder().start().await
    }

    /// Settings; [`EmulatorBuilder::start`] starts.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    pub(crate) async fn from_config(config: Config) -> std::io::Result<Emulator> {
        let running = server::start(config).await?;
        Ok(Emulator {
            shared: running.shared,
            addr: running.addr,
            shutdown: running.shutdown,
            task: Some(running.task),
        })
    }
}

// ===== impl Emulator: addresses, ids and tokens =====

impl Emulator {
    /// The address served.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The Web API base URL, `http://127.0.0.1:PORT/api/`: point any Slack client here.
    pub fn base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// The seeded bot token (`xoxb-…`, every scope the method table knows).
    pub fn bot_token(&self) -> String {
        self.shared.lock_state().bot_token.clone()
    }

    /// The seeded user token (`xoxp-…`, user `ada`, every scope).
    pub fn user_token(&self) -> String {
        self.shared.lock_state().user_token.clone()
    }

    /// The team id (`T…`).
    pub fn team_id(&self) -> String {
        self.shared.lock_state().team_id.clone()
    }

    /// The bot's user id (`U…`).
    pub fn bot_user_id(&self) -> String {
        self.shared.lock_state().bot_user_id.clone()
    }

    /// The bot id (`B…`).
    pub fn bot_id(&self) -> String {
        self.shared.lock_state().bot_id.clone()
    }

    /// The id of a user by name: `ada`, `grace`, `linus` (humans) or `emulator-bot`.
    pub fn user_id(&self, name: &str) -> Option<String> {
        self.shared
            .lock_state()
            .users
            .iter()
            .find(|u| u.name == name)
            .map(|u| u.id.clone())
    }

    /// The id of a conversation by name: `general`, `random` (public, everyone),
    /// `outside` (public, the bot is not a member), `secret-plans` (private: bot and ada),
    /// or one created since. `#name` works too.
    pub fn channel_id(&self, name: &str) -> Option<String> {
        self.shared.lock_state().resolve_channel(name)
    }

    /// The id of the seeded IM between the bot and `ada`.
    pub fn im_id(&self) -> Option<String> {
        self.conversation_of_kind(Kind::Im)
    }

    /// The id of the seeded MPIM between the bot, `ada` and `grace`.
    pub fn mpim_id(&self) -> Option<String> {
        self.conversation_of_kind(Kind::Mpim)
    }

    fn conversation_of_kind(&self, kind: Kind) -> Option<String> {
        self.shared
            .lock_state()
            .channels
            .iter()
            .find(|c| c.kind == kind)
            .map(|c| c.id.clone())
    }

    /// Add a token for `user` (an id or a name; default: the bot) with only `scopes`, for
    /// example to test `missing_scope`. Ignored when the user is unknown.
    pub fn add_token(&self, token: &str, user: Option<&str>, scopes: &[&str]) {
        crate::admin::add_token(&self.shared, token, user, scopes);
    }
}

// ===== impl Emulator: state =====

impl Emulator {
    /// The workspace as JSON, the same as `GET /_emulator/state`: `team`, `bot`, `users`,
    /// `channels` (each with `members` and `messages`), `files`, `remote_files`, `views`.
    pub fn state(&self) -> Value {
        self.shared.lock_state().snapshot()
    }

    /// The messages of a conversation (top level and thread replies), oldest first.
    pub fn messages(&self, channel: &str) -> Vec<Value> {
        let ws = self.shared.lock_state();
        let id = ws
            .resolve_channel(channel)
            .unwrap_or_else(|| channel.to_owned());
        ws.channel_messages(&id)
            .iter()
            .cloned()
            .map(Value::Object)
            .collect()
    }

    /// Post `text` to `channel` as `user` (ids or names), as a human would from Slack's UI:
    /// stored and sent to RTM connections as a `message` event. Returns the message `ts`.
    ///
    /// ```no_run
    /// # async fn run() -> std::io::Result<()> {
    /// let emu = slack_emulator::Emulator::start().await?;
    /// let ts = emu.post_as("ada", "general", "hello bot").expect("posted");
    /// # Ok(()) }
    /// ```
    pub fn post_as(&self, user: &str, channel: &str, text: &str) -> Result<String, String> {
        crate::admin::post_message_as(&self.shared, user, channel, text, None).map(|(_, ts)| ts)
    }

    /// Replace the workspace with a snapshot: what [`state`](Self::state) (or
    /// `GET /_emulator/state`) gave, or only its `workspace` object, or part of it (what it
    /// lacks comes from the seeded workspace). The same as `PUT /_emulator/state`.
    ///
    /// ```no_run
    /// # async fn run() -> std::io::Result<()> {
    /// let emu = slack_emulator::Emulator::start().await?;
    /// let before = emu.state();
    /// emu.post_as("ada", "general", "soon gone").expect("posted");
    /// emu.restore_state(&before).expect("restored");
    /// # Ok(()) }
    /// ```
    pub fn restore_state(&self, snapshot: &Value) -> Result<(), String> {
        self.shared.restore(snapshot)?;
        self.shared.mark_changed();
        Ok(())
    }

    /// Back to the seeded workspace (same ids and tokens), faults cleared, rate allowances
    /// refilled, the Socket Mode link enabled; open RTM and Socket Mode connections stay
    /// open, and the app's delivery records are kept.
    pub fn reset(&self) {
        self.shared.reset();
    }

    /// HTTP requests served so far.
    pub fn request_count(&self) -> u64 {
        self.shared.requests.load(Ordering::Relaxed)
    }

    /// How many calls of `method` were applied: they reached the method's handler and it
    /// succeeded (`ok: true`), whatever the client then received (a dropped connection, a
    /// cut-off or slow body). Calls answered by a fault that does not apply them, refused by
    /// the rate limiter or answered `ok: false` are not counted. Reset by
    /// [`reset`](Self::reset).
    ///
    /// ```no_run
    /// # async fn run() -> std::io::Result<()> {
    /// let emu = slack_emulator::Emulator::start().await?;
    /// // … a client posts one message …
    /// assert_eq!(emu.applied("chat.postMessage"), 1);
    /// # Ok(()) }
    /// ```
    pub fn applied(&self, method: &str) -> u64 {
        self.shared.lock_applied().get(method).copied().unwrap_or(0)
    }
}

// ===== impl Emulator: rate limits and faults =====

impl Emulator {
    /// The rate limiting in force.
    pub fn rate_limits(&self) -> RateLimits {
        self.shared.lock_limiter().mode().clone()
    }

    /// Change rate limiting while running (allowances start afresh).
    pub fn set_rate_limits(&self, limits: RateLimits) {
        self.shared.lock_limiter().set_mode(limits);
    }

    /// Calls refused with 429 by the rate limiter so far (injected faults not counted).
    pub fn rate_limited_count(&self) -> u64 {
        self.shared.rate_limited.load(Ordering::Relaxed)
    }

    /// Fault controls: inject, clear, count hits.
    ///
    /// ```no_run
    /// # async fn run() -> std::io::Result<()> {
    /// use slack_emulator::{Emulator, Fault, FaultRule};
    /// let emu = Emulator::start().await?;
    /// emu.faults().inject(FaultRule::new("*", Fault::status(503)).times(2));
    /// # Ok(()) }
    /// ```
    pub fn faults(&self) -> Faults<'_> {
        Faults {
            shared: &self.shared,
        }
    }

    /// Inject a fault (shorthand for `faults().inject(rule)`).
    pub fn inject(&self, rule: FaultRule) {
        self.faults().inject(rule);
    }

    /// Remove every fault (shorthand for `faults().clear()`).
    pub fn clear_faults(&self) {
        self.faults().clear();
    }
}

// ===== impl Emulator: the clock =====

impl Emulator {
    /// The emulator's clock: real time until frozen, advanced or set. Message `ts`,
    /// `created` fields, rate-limit windows, trigger-id expiry, scheduled messages,
    /// reminders and snoozes follow it.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    /// let emu = slack_emulator::Emulator::start().await?;
    /// emu.clock().freeze();
    /// // … a bot schedules a message for in an hour …
    /// emu.clock().advance(Duration::from_secs(3600))?; // posted before this returns
    /// # Ok(()) }
    /// ```
    pub fn clock(&self) -> ClockControl<'_> {
        ClockControl {
            shared: &self.shared,
        }
    }
}

// ===== impl Emulator: RTM =====

impl Emulator {
    /// RTM controls: goodbye, close with a code, ping silence, refused `rtm.connect`.
    ///
    /// ```no_run
    /// # async fn run() -> std::io::Result<()> {
    /// let emu = slack_emulator::Emulator::start().await?;
    /// emu.rtm().close_all(4000);
    /// # Ok(()) }
    /// ```
    pub fn rtm(&self) -> RtmControl<'_> {
        RtmControl {
            shared: &self.shared,
        }
    }

    /// Send `goodbye` to every RTM connection, then close them (`rtm().send_goodbye()`).
    pub fn rtm_goodbye(&self) {
        self.rtm().send_goodbye();
    }

    /// Close every RTM connection with `code` and `reason`.
    pub fn rtm_close(&self, code: u16, reason: &str) {
        self.rtm().close_all_with_reason(code, reason);
    }

    /// Stop (or resume) answering RTM pings (`rtm().stop_answering_pings(..)`).
    pub fn rtm_ping_silence(&self, silent: bool) {
        self.rtm().stop_answering_pings(silent);
    }

    /// Open RTM connections (`rtm().connections()`).
    pub fn rtm_connections(&self) -> usize {
        self.rtm().connections()
    }
}

// ===== impl Emulator: the app (Socket Mode, Events API) =====

impl Emulator {
    /// The app's id (`A…`).
    pub fn app_id(&self) -> String {
        self.shared.identity.app_id.clone()
    }

    /// The app-level token (`xapp-1-…`): accepted by `apps.connections.open` only (in the
    /// `Authorization` header); any other method answers `not_allowed_token_type`.
    pub fn app_token(&self) -> String {
        self.shared.lock_state().app_token.clone()
    }

    /// The verification token carried in the `token` field of events, commands and
    /// interactions (deprecated by Slack in favour of signatures, still sent).
    pub fn verification_token(&self) -> String {
        self.shared.identity.verification_token.clone()
    }

    /// Socket Mode: inject commands, interactions and events; disconnect, silence or drop
    /// connections; see what was delivered and acknowledged.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let emu = slack_emulator::Emulator::start().await?;
    /// // The app calls apps.connections.open with emu.app_token() and connects.
    /// emu.socket_mode().slash_command("/deploy", "api", "ada")?;
    /// for d in emu.socket_mode().delivered() {
    ///     println!("{} on connection {}", d.envelope_id, d.connection);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn socket_mode(&self) -> SocketModeControl<'_> {
        SocketModeControl {
            shared: &self.shared,
        }
    }

    /// The Events API (HTTP mode): verify the request URL, inject events, post commands,
    /// see each request made.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let emu = slack_emulator::Emulator::builder()
    ///     .event_request_url("http://127.0.0.1:3000/slack/events")
    ///     .start()
    ///     .await?;
    /// let verified = emu.events_api().verify_url().await?;
    /// # Ok(()) }
    /// ```
    pub fn events_api(&self) -> EventsApiControl<'_> {
        EventsApiControl {
            shared: &self.shared,
        }
    }

    /// The OAuth v2 authorization server: approve or deny installs from code, the app's
    /// client id and secret, token rotation, expiring tokens ([`crate::OAuthControl`]).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let emu = slack_emulator::Emulator::start().await?;
    /// emu.oauth().set_token_rotation(Some(3600));
    /// // … install the app, then make every issued token answer `token_expired`:
    /// emu.oauth().expire_tokens();
    /// # Ok(()) }
    /// ```
    pub fn oauth(&self) -> crate::OAuthControl<'_> {
        crate::OAuthControl {
            shared: &self.shared,
        }
    }

    /// What the app answered to commands and interactions (ack payloads, HTTP answers,
    /// `response_url` posts), oldest first, with what the emulator did with each.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let emu = slack_emulator::Emulator::start().await?;
    /// for r in emu.responses() {
    ///     println!("{:?} {} -> {}", r.via, r.body, r.outcome);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn responses(&self) -> Vec<AppResponse> {
        self.shared.lock_app().responses.clone()
    }

    /// Every trigger id issued with a command or interaction, oldest first.
    pub fn trigger_ids(&self) -> Vec<String> {
        self.shared.lock_app().trigger_ids.clone()
    }

    /// A fresh trigger id, as if a user had just clicked a button: `views.open`,
    /// `views.push` and `dialog.open` take it once, within 3 s on the emulator's clock
    /// (`invalid_trigger_id` for one never issued or already used, `expired_trigger_id`
    /// after). The same as `POST /_emulator/trigger_id`.
    ///
    /// ```no_run
    /// # async fn run() -> std::io::Result<()> {
    /// let emu = slack_emulator::Emulator::start().await?;
    /// let trigger_id = emu.issue_trigger_id();
    /// // views.open with this trigger_id succeeds once
    /// # Ok(()) }
    /// ```
    pub fn issue_trigger_id(&self) -> String {
        crate::app::issue_trigger_id(&self.shared)
    }
}

// ===== impl Emulator: interactions and shutdown =====

impl Emulator {
    /// POST `payload` (a `block_actions` or `view_submission` JSON) to the configured
    /// interaction URL as Slack does (`payload=<urlencoded JSON>`, signed with the signing
    /// secret). Returns the app's HTTP status and body.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let emu = slack_emulator::Emulator::builder()
    ///     .signing_secret("shh")
    ///     .interaction_url("http://127.0.0.1:3000/slack/interactions")
    ///     .start()
    ///     .await?;
    /// let (status, body) = emu
    ///     .send_interaction(&serde_json::json!({"type": "view_submission"}))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn send_interaction(
        &self,
        payload: &Value,
    ) -> Result<(u16, String), InteractionError> {
        crate::interaction::send(&self.shared, payload).await
    }

    /// Stop accepting, let in-flight requests finish (up to 2 s), close RTM connections
    /// with 1001, and wait for the server task.
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
