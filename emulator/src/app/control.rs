//! The public handles: [`SocketModeControl`] ([`Emulator::socket_mode`]) and
//! [`EventsApiControl`] ([`Emulator::events_api`]), and the [`SlashCommand`] to inject.
//!
//! [`Emulator::socket_mode`]: crate::Emulator::socket_mode
//! [`Emulator::events_api`]: crate::Emulator::events_api

use serde_json::{Map, Value};

use super::hub::{Origin, Out, ResponseTarget};
use super::{
    enqueue, http, payloads, AppError, AppMode, DisconnectReason, HttpDelivery, SocketAck,
    SocketDelivery,
};
use crate::server::Shared;

/// A slash command as a user types it: `/deploy api` by `ada` in `#general` by default.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use slack_emulator::{Emulator, SlashCommand};
/// let emu = Emulator::start().await?;
/// let envelope_id = emu
///     .socket_mode()
///     .command(SlashCommand::new("/deploy").text("api --force").user("grace").channel("random"))?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct SlashCommand {
    pub(crate) command: String,
    pub(crate) text: String,
    pub(crate) user: String,
    pub(crate) channel: String,
}

impl SlashCommand {
    /// The command (`/deploy`), with no text, by `ada` in `#general`.
    pub fn new(command: impl Into<String>) -> Self {
        SlashCommand {
            command: command.into(),
            text: String::new(),
            user: "ada".into(),
            channel: "general".into(),
        }
    }

    /// What follows the command.
    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.text = text.into();
        self
    }

    /// Who types it (an id or a name). Default `ada`.
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.user = user.into();
        self
    }

    /// Where (an id, `name` or `#name`). Default `general`.
    pub fn channel(mut self, channel: impl Into<String>) -> Self {
        self.channel = channel.into();
        self
    }
}

/// The emulator's root URL, `http://127.0.0.1:PORT/`.
fn root(shared: &Shared) -> &str {
    shared
        .base_url
        .strip_suffix("api/")
        .unwrap_or(&shared.base_url)
}

/// A fresh trigger id and response URL (id, URL).
fn issue_ids(shared: &Shared) -> (String, String, String) {
    let (trigger, response_id) = {
        let mut hub = shared.lock_app();
        let trigger = hub.trigger_id();
        (trigger, hub.opaque_id().replace('-', ""))
    };
    shared.lock_state().issue_trigger_id(trigger.clone());
    let url = format!("{}_emulator/response_url/{response_id}", root(shared));
    (trigger, response_id, url)
}

/// A fresh trigger id, usable once within 3 s on the emulator's clock
/// ([`Emulator::issue_trigger_id`](crate::Emulator::issue_trigger_id)).
pub(crate) fn issue_trigger_id(shared: &Shared) -> String {
    let trigger = shared.lock_app().trigger_id();
    shared.lock_state().issue_trigger_id(trigger.clone());
    trigger
}

/// The fields of `cmd` with fresh ids; remembers its response URL.
fn command_fields(
    shared: &Shared,
    cmd: &SlashCommand,
) -> Result<(Map<String, Value>, ResponseTarget, String, String), AppError> {
    let (trigger, response_id, url) = issue_ids(shared);
    let (fields, target) = {
        let ws = shared.lock_state();
        payloads::slash_command(&ws, &shared.identity, cmd, &trigger, &url)?
    };
    shared
        .lock_app()
        .response_urls
        .insert(response_id.clone(), target.clone());
    Ok((fields, target, trigger, response_id))
}

/// Socket Mode controls and records of a running emulator ([`Emulator::socket_mode`]).
///
/// Injections (`command`, `interaction`, `event`) make an envelope and send it to one of
/// the app's connections (round robin), or to the next one to open; an envelope not
/// acknowledged within the ack timeout is sent again (`retry_attempt` + 1,
/// `retry_reason: "timeout"`, on another connection when there is one), up to 3 times.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use slack_emulator::{DisconnectReason, Emulator};
/// let emu = Emulator::start().await?;
/// // … the app connects with emu.app_token() …
/// let sm = emu.socket_mode();
/// let id = sm.slash_command("/deploy", "api", "ada")?;
/// sm.interaction(serde_json::json!({"type": "shortcut", "callback_id": "new_ticket"}))?;
/// sm.event(serde_json::json!({"type": "team_join", "user": {"id": "U9"}}))?;
/// assert!(sm.acks().iter().any(|a| a.envelope_id == id));
/// sm.disconnect(DisconnectReason::RefreshRequested);
/// # Ok(()) }
/// ```
///
/// [`Emulator::socket_mode`]: crate::Emulator::socket_mode
#[derive(Debug, Clone, Copy)]
pub struct SocketModeControl<'a> {
    pub(crate) shared: &'a Shared,
}

impl SocketModeControl<'_> {
    fn check_mode(&self) -> Result<(), AppError> {
        match self.shared.config.app_mode {
            AppMode::SocketMode => Ok(()),
            other => Err(AppError::WrongMode(other)),
        }
    }

    /// `user` (an id or a name) types `command text` in `#general`; the envelope id. Its
    /// ack may carry a response (`{"text":…,"response_type":"in_channel"}` posts in the
    /// channel; otherwise it is ephemeral), and its `response_url` takes more.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let emu = slack_emulator::Emulator::start().await?;
    /// let envelope_id = emu.socket_mode().slash_command("/deploy", "api", "ada")?;
    /// # Ok(()) }
    /// ```
    pub fn slash_command(&self, command: &str, text: &str, user: &str) -> Result<String, AppError> {
        self.command(SlashCommand::new(command).text(text).user(user))
    }

    /// Send a [`SlashCommand`]; the envelope id.
    pub fn command(&self, cmd: SlashCommand) -> Result<String, AppError> {
        self.check_mode()?;
        let (fields, _, _, response_id) = command_fields(self.shared, &cmd)?;
        Ok(enqueue(
            self.shared,
            "slash_commands",
            true,
            Value::Object(fields),
            Origin::Command(response_id),
        ))
    }

    /// Send an interaction (`block_actions`, `shortcut`, `message_action`,
    /// `view_submission`, `view_closed`, `block_suggestion`, …): the JSON given, with
    /// Slack's fields filled in where missing (`user` may be a name or id; default `ada`).
    /// `view_submission` and `block_suggestion` accept a response payload; a
    /// `view_submission` answer (`response_action`) is applied to the stored view. The
    /// envelope id.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let emu = slack_emulator::Emulator::start().await?;
    /// emu.socket_mode().interaction(serde_json::json!({
    ///     "type": "view_submission",
    ///     "user": "grace",
    ///     "view": {"id": "V123", "callback_id": "signup", "state": {"values": {}}},
    /// }))?;
    /// # Ok(()) }
    /// ```
    pub fn interaction(&self, payload: Value) -> Result<String, AppError> {
        self.check_mode()?;
        let (trigger, response_id, url) = issue_ids(self.shared);
        let i = {
            let ws = self.shared.lock_state();
            payloads::interaction(&ws, &self.shared.identity, payload, &trigger, &url)?
        };
        if let Some(target) = i.target {
            self.shared
                .lock_app()
                .response_urls
                .insert(response_id, target);
        }
        Ok(enqueue(
            self.shared,
            "interactive",
            i.accepts_response_payload,
            i.payload,
            Origin::Interaction {
                kind: i.kind,
                view_id: i.view_id,
            },
        ))
    }

    /// Send an event: a bare event (`{"type":"team_join",…}`, wrapped in an
    /// `event_callback`) or a whole `event_callback` (missing fields filled in). The
    /// envelope id.
    pub fn event(&self, event: Value) -> Result<String, AppError> {
        self.check_mode()?;
        let fresh = self.shared.lock_app().event_id();
        let (_, callback) = payloads::injected_callback(&self.shared.identity, fresh, event)?;
        Ok(enqueue(
            self.shared,
            "events_api",
            false,
            callback,
            Origin::Event,
        ))
    }

    /// Send `{"type":"disconnect","reason":…}` to every open connection, then close each
    /// after the grace period ([`EmulatorBuilder::socket_mode_disconnect_grace`]); they get
    /// no new envelopes meanwhile. [`DisconnectReason::LinkDisabled`] also refuses
    /// `apps.connections.open` until [`set_link_enabled(true)`](Self::set_link_enabled).
    /// The number of connections told.
    ///
    /// [`EmulatorBuilder::socket_mode_disconnect_grace`]: crate::EmulatorBuilder::socket_mode_disconnect_grace
    pub fn disconnect(&self, reason: DisconnectReason) -> usize {
        if reason == DisconnectReason::LinkDisabled {
            self.set_link_enabled(false);
        }
        let mut hub = self.shared.lock_app();
        let ids = hub.connection_ids();
        ids.into_iter()
            .filter(|id| hub.tell(Some(*id), || Out::Disconnect(reason)))
            .count()
    }

    /// Like [`disconnect`](Self::disconnect), for one connection.
    pub fn disconnect_one(&self, connection: u64, reason: DisconnectReason) -> bool {
        if reason == DisconnectReason::LinkDisabled {
            self.set_link_enabled(false);
        }
        self.shared
            .lock_app()
            .tell(Some(connection), || Out::Disconnect(reason))
    }

    /// Go silent (`true`) on every open connection: stop reading (so no acks are taken
    /// and websocket pings go unanswered) and stop sending (envelopes routed there are
    /// lost, and re-delivered after the ack timeout). `false` resumes.
    pub fn silence(&self, silent: bool) {
        self.shared.lock_app().tell(None, || Out::Silence(silent));
    }

    /// Drop every open connection abruptly (no close frame).
    pub fn drop_connections(&self) {
        self.shared.lock_app().tell(None, || Out::Drop);
    }

    /// Drop one connection abruptly; `false` when it is not open.
    pub fn drop_connection(&self, connection: u64) -> bool {
        self.shared.lock_app().tell(Some(connection), || Out::Drop)
    }

    /// Turn Socket Mode on or off for the app: while off, `apps.connections.open` answers
    /// `link_disabled` and new connections are refused.
    pub fn set_link_enabled(&self, enabled: bool) {
        self.shared.set_link_open(enabled);
    }

    /// Open connections.
    pub fn connections(&self) -> usize {
        self.shared.lock_app().connection_count()
    }

    /// Ids of the open connections, oldest first (as in [`SocketDelivery::connection`]).
    pub fn connection_ids(&self) -> Vec<u64> {
        self.shared.lock_app().connection_ids()
    }

    /// Every envelope sent so far (first deliveries and retries), oldest first.
    pub fn delivered(&self) -> Vec<SocketDelivery> {
        self.shared.lock_app().delivered.clone()
    }

    /// Every ack read so far, oldest first.
    pub fn acks(&self) -> Vec<SocketAck> {
        self.shared.lock_app().acks.clone()
    }

    /// Envelopes (by id) and Events API events (by event id) given up after the last
    /// retry.
    pub fn given_up(&self) -> Vec<String> {
        self.shared.lock_app().given_up.clone()
    }

    /// Envelopes waiting for an ack or for a connection.
    pub fn pending(&self) -> usize {
        self.shared.lock_app().pending_count()
    }
}

/// Events API (HTTP mode) controls and records of a running emulator
/// ([`Emulator::events_api`]). Workspace activity is POSTed to the request URL by itself;
/// these are for verification, injection and inspection.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use slack_emulator::{Emulator, SlashCommand};
/// let emu = Emulator::builder()
///     .event_request_url("http://127.0.0.1:3000/slack/events")
///     .command_url("http://127.0.0.1:3000/slack/commands")
///     .start()
///     .await?;
/// assert!(emu.events_api().verify_url().await?);
/// let (status, body) = emu.events_api().slash_command(SlashCommand::new("/deploy")).await?;
/// # Ok(()) }
/// ```
///
/// [`Emulator::events_api`]: crate::Emulator::events_api
#[derive(Debug, Clone, Copy)]
pub struct EventsApiControl<'a> {
    pub(crate) shared: &'a Shared,
}

impl EventsApiControl<'_> {
    fn check_mode(&self) -> Result<(), AppError> {
        match self.shared.config.app_mode {
            AppMode::Http => Ok(()),
            other => Err(AppError::WrongMode(other)),
        }
    }

    /// Send a `url_verification` request, as Slack does when the request URL is set;
    /// whether the app answered 2xx with the challenge.
    pub async fn verify_url(&self) -> Result<bool, AppError> {
        http::verify_url(self.shared).await
    }

    /// POST an event (bare, or a whole `event_callback`) to the request URL, in the
    /// background and with retries; its `event_id`.
    pub fn event(&self, event: Value) -> Result<String, AppError> {
        self.check_mode()?;
        if self.shared.config.event_request_url.is_none() {
            return Err(AppError::NoUrl("event request URL"));
        }
        let fresh = self.shared.lock_app().event_id();
        let (event_id, callback) =
            payloads::injected_callback(&self.shared.identity, fresh, event)?;
        super::deliver_callback(self.shared, callback);
        Ok(event_id)
    }

    /// POST a slash command as a signed form to the command URL; the app's status and body.
    /// A 2xx JSON answer is applied like a response (`in_channel` posts).
    pub async fn slash_command(&self, cmd: SlashCommand) -> Result<(u16, String), AppError> {
        self.check_mode()?;
        let (fields, target, trigger, _) = command_fields(self.shared, &cmd)?;
        http::send_command(self.shared, &fields, &target, &trigger).await
    }

    /// POST an interaction as a signed form (`payload=<JSON>`) to the interaction URL, with
    /// Slack's fields filled in as for [`SocketModeControl::interaction`]; the app's status
    /// and body. A 2xx JSON answer to a `view_submission` is applied (`response_action`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let emu = slack_emulator::Emulator::builder()
    ///     .app_mode(slack_emulator::AppMode::Http)
    ///     .interaction_url("http://127.0.0.1:3000/slack/interactions")
    ///     .start()
    ///     .await?;
    /// let (status, body) = emu
    ///     .events_api()
    ///     .interaction(serde_json::json!({"type": "shortcut", "callback_id": "new_ticket"}))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn interaction(&self, payload: Value) -> Result<(u16, String), AppError> {
        self.check_mode()?;
        let (trigger, response_id, url) = issue_ids(self.shared);
        let i = {
            let ws = self.shared.lock_state();
            payloads::interaction(&ws, &self.shared.identity, payload, &trigger, &url)?
        };
        if let Some(target) = i.target {
            self.shared
                .lock_app()
                .response_urls
                .insert(response_id, target);
        }
        let (status, text) = crate::interaction::send(self.shared, &i.payload)
            .await
            .map_err(|e| match e {
                crate::InteractionError::NoUrl => AppError::NoUrl("interaction URL"),
                crate::InteractionError::InvalidUrl(e) => AppError::InvalidUrl(e),
                crate::InteractionError::Request(e) => AppError::Request(e),
            })?;
        if (200..300).contains(&status) && i.kind == "view_submission" {
            if let Ok(body @ Value::Object(_)) = serde_json::from_str::<Value>(&text) {
                super::respond::view(
                    self.shared,
                    super::ResponseVia::HttpAnswer,
                    &trigger,
                    i.view_id.as_deref(),
                    &body,
                );
            }
        }
        Ok((status, text))
    }

    /// Every Events API request made so far (first attempts, retries, verifications),
    /// oldest first.
    pub fn deliveries(&self) -> Vec<HttpDelivery> {
        self.shared.lock_app().http.clone()
    }
}
