//! The errors of the RTM client: why a run ended ([`RtmError`]) and what an `error` event
//! reports ([`ErrorEvent`]).

use slack_core::rtm::FrameError;
use slack_core::transport::TransportError;

/// Why [`RtmClient::start`](crate::RtmClient::start) (or
/// [`wait_open`](crate::RtmHandle::wait_open)) ended with an error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RtmError {
    /// Slack refused the token (`invalid_auth`, `account_inactive`, `not_authed`, …). Not
    /// retried: fix the token.
    #[error("fatal RTM error: {0}")]
    Fatal(String),
    /// The connection closed and auto-reconnect is off. Starting again opens a new one.
    #[error("the RTM connection closed (auto-reconnect is off)")]
    Closed,
    /// `start` was called while this client was already running.
    #[error("this RTM client is already running")]
    AlreadyStarted,
    /// [`stop`](crate::RtmHandle::stop) was called before the connection opened (only from
    /// [`wait_open`](crate::RtmHandle::wait_open); a stopped `start` returns `Ok`).
    #[error("the RTM client was stopped")]
    Stopped,
}

impl RtmError {
    /// Whether starting again cannot help without a change (a new token): `Fatal`.
    ///
    /// ```
    /// use slack_rtm::RtmError;
    /// assert!(RtmError::Fatal("invalid_auth".into()).is_fatal());
    /// assert!(!RtmError::Closed.is_fatal());
    /// ```
    pub fn is_fatal(&self) -> bool {
        matches!(self, RtmError::Fatal(_))
    }
}

/// What an `error` event reports ([`Event::Error`](crate::Event::Error),
/// [`RtmClient::on_error`](crate::RtmClient::on_error)).
///
/// Only [`Ended`](ErrorEvent::Ended) means the client stopped; after any other the client
/// keeps running (and reconnects when the connection was lost).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorEvent {
    /// A handler panicked (while being called or while running). The client keeps running.
    #[error("an RTM handler panicked: {message}")]
    HandlerPanicked {
        /// The panic's message (`"a handler panicked"` when it was not a string).
        message: String,
    },
    /// A frame was not JSON (or not a JSON object). The connection stays open.
    #[error("undecodable RTM frame: {error}")]
    Decode {
        /// Why.
        error: FrameError,
        /// The frame's text, as received.
        raw: String,
    },
    /// `rtm.connect` (or `rtm.start`) failed. Fatal codes end the run (an
    /// [`Ended`](ErrorEvent::Ended) follows); others are retried with backoff.
    #[error("{method} failed: {error}")]
    Connect {
        /// `rtm.connect` or `rtm.start`.
        method: &'static str,
        /// The Web API error.
        error: slack_core::Error,
    },
    /// `rtm.connect` (or `rtm.start`) answered `ok` without a `url`. Retried with backoff.
    #[error("{method} answered without a url")]
    MissingUrl {
        /// `rtm.connect` or `rtm.start`.
        method: &'static str,
    },
    /// The websocket handshake failed. Retried with backoff.
    #[error("websocket connect failed: {0}")]
    Websocket(TransportError),
    /// An open connection failed (reset, protocol error). A `close` event follows, then a
    /// reconnect.
    #[error("the RTM connection failed: {0}")]
    Connection(TransportError),
    /// The run ended with this error; [`start`](crate::RtmClient::start) returns it.
    #[error("{0}")]
    Ended(RtmError),
}

impl ErrorEvent {
    /// The frame's text, for [`Decode`](ErrorEvent::Decode).
    ///
    /// ```
    /// use slack_rtm::ErrorEvent;
    /// let e = ErrorEvent::HandlerPanicked { message: "boom".into() };
    /// assert_eq!(e.raw(), None);
    /// ```
    pub fn raw(&self) -> Option<&str> {
        match self {
            ErrorEvent::Decode { raw, .. } => Some(raw),
            _ => None,
        }
    }

    /// Whether this error ended the client ([`Ended`](ErrorEvent::Ended)).
    ///
    /// ```
    /// use slack_rtm::{ErrorEvent, RtmError};
    /// assert!(ErrorEvent::Ended(RtmError::Fatal("invalid_auth".into())).is_final());
    /// ```
    pub fn is_final(&self) -> bool {
        matches!(self, ErrorEvent::Ended(_))
    }
}
