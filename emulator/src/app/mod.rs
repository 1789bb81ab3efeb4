//! The app installed in the workspace, and how Slack reaches it: over Socket Mode (a
//! websocket the app opens with `apps.connections.open`) or over HTTP (the Events API
//! request URL and the command and interaction URLs), never both ([`AppMode`]).
//!
//! What is delivered: `event_callback`s for the workspace's activity (messages and their
//! edits and deletions, `app_mention`, reactions, members joining, channels created, …) in
//! conversations the bot is in, plus anything injected; slash commands and interactions
//! injected from code or `/_emulator/*`. Acks, response payloads and `response_url` posts
//! are recorded and applied (messages posted or replaced, views updated).
//!
//! Pieces: [`hub`] (connections, envelopes waiting for acks, records), `socket` (the
//! websocket), `http` (Events API requests with retries), `payloads` (Slack's shapes),
//! `respond` (applying responses), `control` (the public handles). One task per emulator
//! ([`run`]) re-delivers unacknowledged envelopes and starts HTTP deliveries.

mod control;
mod http;
pub(crate) mod hub;
mod payloads;
pub(crate) mod respond;
pub(crate) mod socket;

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use serde_json::Value;
use tokio::sync::mpsc;

use crate::api::Event;
use crate::server::Shared;
use crate::state::Workspace;

pub(crate) use control::issue_trigger_id;
pub use control::{EventsApiControl, SlashCommand, SocketModeControl};
use hub::Origin;

/// Records kept per kind (deliveries, acks, responses, …); the oldest go first.
pub(crate) const MAX_RECORDS: usize = 10_000;

/// How the app receives events, slash commands and interactions
/// ([`EmulatorBuilder::app_mode`](crate::EmulatorBuilder::app_mode)).
///
/// ```no_run
/// # async fn run() -> std::io::Result<()> {
/// use slack_emulator::{AppMode, Emulator};
/// let emu = Emulator::builder().app_mode(AppMode::Http).start().await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum AppMode {
    /// Socket Mode (the default): the app calls `apps.connections.open` with its app-level
    /// token and gets everything over that websocket. Events are built only while a
    /// connection is open (Slack drops them for an app that is away); injected commands,
    /// interactions and events wait for the next connection.
    #[default]
    SocketMode,
    /// HTTP: events are POSTed to the Events API request URL, commands to the command URL,
    /// interactions to the interaction URL, all signed. `apps.connections.open` answers
    /// `link_disabled`.
    Http,
}

/// Why the emulator asks a Socket Mode connection to go (`{"type":"disconnect","reason":…}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DisconnectReason {
    /// `refresh_requested`: the connection is due for a refresh; open another.
    RefreshRequested,
    /// `warning`: the server will close it soon; open another.
    Warning,
    /// `link_disabled`: Socket Mode was turned off; `apps.connections.open` is refused until
    /// [`SocketModeControl::set_link_enabled`] turns it back on.
    LinkDisabled,
}

impl DisconnectReason {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            DisconnectReason::RefreshRequested => "refresh_requested",
            DisconnectReason::Warning => "warning",
            DisconnectReason::LinkDisabled => "link_disabled",
        }
    }

    /// From the wire name.
    pub fn from_wire(s: &str) -> Option<Self> {
        Some(match s {
            "refresh_requested" => DisconnectReason::RefreshRequested,
            "warning" => DisconnectReason::Warning,
            "link_disabled" => DisconnectReason::LinkDisabled,
            _ => return None,
        })
    }
}

/// One envelope sent over Socket Mode (a first delivery or a retry).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SocketDelivery {
    /// The envelope's id (the same on every retry).
    pub envelope_id: String,
    /// `events_api`, `slash_commands` or `interactive`.
    pub envelope_type: String,
    /// The connection it went to ([`SocketModeControl::connection_ids`]).
    pub connection: u64,
    /// 0 for the first delivery.
    pub retry_attempt: u32,
    /// `Some("timeout")` on retries.
    pub retry_reason: Option<String>,
    /// The envelope's payload.
    pub payload: Value,
}

/// One ack read from a Socket Mode connection.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SocketAck {
    /// The envelope acknowledged.
    pub envelope_id: String,
    /// The connection it came on.
    pub connection: u64,
    /// The response payload, if the ack carried one.
    pub payload: Option<Value>,
    /// Whether it acknowledged an envelope that was waiting for it (not unknown, not
    /// already acknowledged, not given up).
    pub known: bool,
}

/// How an app answered a command or interaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResponseVia {
    /// The payload of a Socket Mode ack.
    Ack,
    /// The body of the app's answer to an HTTP command or interaction request.
    HttpAnswer,
    /// A POST to the `response_url`.
    ResponseUrl,
}

/// A response of the app, and what the emulator did with it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct AppResponse {
    /// How it came.
    pub via: ResponseVia,
    /// The envelope id (acks), the response URL's id, or the command's trigger id (HTTP
    /// answers).
    pub id: String,
    /// The JSON the app sent.
    pub body: Value,
    /// What was done: `in_channel` (posted; see `ts`), `ephemeral` (shown to the user
    /// only: recorded), `replaced_original`, `deleted_original`, `message_not_found`,
    /// `view_updated`, `view_pushed`, `views_cleared`, `view_errors`, `view_not_found`,
    /// `options`, `ignored`.
    pub outcome: String,
    /// The `ts` of the message posted or changed, if any.
    pub ts: Option<String>,
}

/// One Events API request (a first attempt or a retry).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HttpDelivery {
    /// The `event_id` of the payload (`url_verification` for a verification request).
    pub event_id: String,
    /// 0 for the first attempt, then `X-Slack-Retry-Num`.
    pub attempt: u32,
    /// The `X-Slack-Retry-Reason` sent, on retries.
    pub retry_reason: Option<String>,
    /// The app's HTTP status, if it answered in time.
    pub status: Option<u16>,
    /// Why there was no status: `http_timeout` or `connection_failed: …`.
    pub error: Option<String>,
}

/// Why an app delivery could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AppError {
    /// The app is in the other [`AppMode`]; retrying does not help.
    #[error("the app is in {0:?} mode")]
    WrongMode(AppMode),
    /// No such user (by id or name).
    #[error("unknown user {0:?}")]
    UnknownUser(String),
    /// No such conversation (by id or name).
    #[error("unknown channel {0:?}")]
    UnknownChannel(String),
    /// The payload is not what Slack sends (for example an interaction without `type`).
    #[error("invalid payload: {0}")]
    InvalidPayload(String),
    /// The URL to deliver to was not configured.
    #[error("no {0} configured")]
    NoUrl(&'static str),
    /// The configured URL is not an `http://` URL.
    #[error("invalid URL: {0}")]
    InvalidUrl(String),
    /// The app did not answer (connection refused, reset, …); retrying may help.
    #[error("request failed: {0}")]
    Request(String),
    /// The app did not answer in time; retrying may help.
    #[error("the app did not answer in time")]
    Timeout,
}

/// The ids events carry, fixed for the emulator's life.
#[derive(Debug, Clone)]
pub(crate) struct Identity {
    pub(crate) team_id: String,
    pub(crate) domain: String,
    pub(crate) app_id: String,
    pub(crate) bot_user_id: String,
    pub(crate) bot_id: String,
    pub(crate) verification_token: String,
}

impl Identity {
    pub(crate) fn of(ws: &Workspace) -> Self {
        Identity {
            team_id: ws.team_id.clone(),
            domain: ws.domain.clone(),
            app_id: ws.app_id.clone(),
            bot_user_id: ws.bot_user_id.clone(),
            bot_id: ws.bot_id.clone(),
            verification_token: ws.verification_token.clone(),
        }
    }
}

/// Work for the app task.
#[derive(Debug)]
pub(crate) enum Job {
    /// An ack deadline may have changed.
    Wake,
    /// POST this `event_callback` to the Events API request URL (with retries).
    HttpEvent(Value),
}

/// The app task: re-delivers unacknowledged envelopes at their deadlines and starts HTTP
/// deliveries, until the emulator stops.
pub(crate) async fn run(shared: Arc<Shared>, mut jobs: mpsc::UnboundedReceiver<Job>) {
    let mut stop = shared.shutdown_rx.clone();
    loop {
        let next = shared.lock_app().next_deadline();
        let due = async move {
            match next {
                Some(at) => tokio::time::sleep_until(at.into()).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            job = jobs.recv() => match job {
                None => break,
                Some(Job::Wake) => {}
                Some(Job::HttpEvent(callback)) => {
                    tokio::spawn(http::deliver_event(shared.clone(), callback));
                }
            },
            () = due => shared.lock_app().expire(Instant::now(), shared.config.ack_timeout),
            _ = stop.changed() => break,
        }
    }
}

/// Whether the app takes events now: in Socket Mode with a connection open, or in HTTP
/// mode with a request URL. Called under the hub lock, with the current connection count.
pub(crate) fn refresh_listening(shared: &Shared, connections: usize) {
    let listening = match shared.config.app_mode {
        AppMode::SocketMode => connections > 0,
        AppMode::Http => shared.config.event_request_url.is_some(),
    };
    shared.app_listening.store(listening, Ordering::Relaxed);
}

/// Queue a Socket Mode envelope and wake the timer; its envelope id.
pub(crate) fn enqueue(
    shared: &Shared,
    kind: &'static str,
    accepts: bool,
    payload: Value,
    origin: Origin,
) -> String {
    let id = shared.lock_app().enqueue(
        Instant::now(),
        shared.config.ack_timeout,
        kind,
        accepts,
        payload,
        origin,
    );
    let _ = shared.jobs.send(Job::Wake);
    id
}

/// Deliver an `event_callback` the way the app takes them.
pub(crate) fn deliver_callback(shared: &Shared, callback: Value) {
    match shared.config.app_mode {
        AppMode::SocketMode => {
            enqueue(shared, "events_api", false, callback, Origin::Event);
        }
        AppMode::Http => {
            if shared.config.event_request_url.is_some() {
                let _ = shared.jobs.send(Job::HttpEvent(callback));
            }
        }
    }
}

/// Turn the workspace's events (as sent to RTM) into Events API deliveries, when the app
/// takes events.
pub(crate) fn on_workspace_events(shared: &Shared, events: &[Event]) {
    if !shared.app_listening.load(Ordering::Relaxed) {
        return;
    }
    let mut found = Vec::new();
    {
        let ws = shared.lock_state();
        for e in events.iter().filter(|e| e.only_for.is_none()) {
            let Ok(event) = serde_json::from_str::<Value>(e.text.as_str()) else {
                continue;
            };
            if !payloads::is_app_event(&ws, &shared.identity, &event) {
                continue;
            }
            let mention = payloads::app_mention(&shared.identity, &event);
            found.push(payloads::enrich(&ws, &shared.identity, event));
            found.extend(mention);
        }
    }
    for event in found {
        let callback = {
            let mut hub = shared.lock_app();
            payloads::event_callback(&shared.identity, hub.event_id(), event)
        };
        deliver_callback(shared, callback);
    }
}
