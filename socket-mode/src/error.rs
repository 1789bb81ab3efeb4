//! What can go wrong: why a run ended, and what is reported while it goes on.

use slack_core::socket_mode::FrameError;
use slack_core::transport::TransportError;

/// Why [`SocketModeClient::run`](crate::SocketModeClient::run) ended with an error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SocketModeError {
    /// Slack refused the app-level token (`invalid_auth`, `not_allowed_token_type` — a bot
    /// token where an `xapp-` token belongs —, `token_revoked`, …). Not retried: fix the
    /// token.
    #[error("Slack refused the app-level token: {0}")]
    Fatal(String),
    /// Slack turned Socket Mode off for the app (`disconnect` with `link_disabled`).
    #[error("Socket Mode was disabled for this app")]
    LinkDisabled,
    /// The web client has no websocket transport to open connections with.
    #[error("the WebClient has no websocket transport (build it with one that opens websockets)")]
    NoWebsocket,
    /// `run` was called while the client was already running.
    #[error("this Socket Mode client is already running")]
    AlreadyRunning,
}

/// Something that went wrong while the client kept running, reported to
/// [`SocketModeOptions::on_error`](crate::SocketModeOptions::on_error) and logged.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorEvent {
    /// A handler panicked; its envelope was still acknowledged (at its deadline).
    #[error("the handler of envelope {envelope_id} panicked: {message}")]
    HandlerPanicked {
        /// The envelope being handled.
        envelope_id: String,
        /// The panic message, when it was a string.
        message: String,
    },
    /// A frame could not be decoded; when it had an envelope id it was acknowledged.
    #[error(transparent)]
    Undecodable(#[from] FrameError),
    /// `apps.connections.open` failed (a retry follows unless the error is fatal).
    #[error("apps.connections.open failed: {0}")]
    Connect(#[source] slack_core::Error),
    /// `apps.connections.open` answered without a URL.
    #[error("apps.connections.open answered without a url")]
    MissingUrl,
    /// The websocket failed to open or broke (a new connection follows).
    #[error("websocket: {0}")]
    Websocket(#[source] TransportError),
    /// Nothing arrived from Slack within the staleness bound; the connection was replaced.
    #[error("the connection went silent and was replaced")]
    Stale,
}
