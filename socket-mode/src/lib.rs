//! The Socket Mode client of the Slack SDK for Rust: how every Slack app created since 2024
//! receives events, slash commands and interactions without a public URL.
//!
//! [`SocketModeClient`] calls `apps.connections.open` with the app-level token (`xapp-…`),
//! keeps one or more websockets open, and hands every envelope to your handler as a
//! [`Request`]:
//! - **each envelope acknowledged exactly once** — by the handler ([`Request::ack`], with a
//!   response payload where Slack accepts one), or by the client at the ack deadline
//!   (default 2.5 s after the handler started, inside Slack's 3 s) while the handler keeps
//!   running; an envelope whose payload cannot be decoded is acknowledged too, and reported;
//! - **nothing dropped on a `disconnect`**: the fresh connection opens before the old one
//!   closes, and the old one stays until it owes no acknowledgement;
//! - **several connections** ([`SocketModeOptions::connections`], up to 10), each
//!   reconnecting on its own with jittered backoff, `Retry-After` honoured, auth errors
//!   fatal;
//! - **re-deliveries recognised** (same `event_id`, or same envelope) and acknowledged
//!   without running the handler again ([`SocketModeOptions::dedupe`]);
//! - **bounded**: at most [`max_concurrent_handlers`](SocketModeOptions::max_concurrent_handlers)
//!   at once and a bounded buffer, after which reading pauses (without the silence counting
//!   as a dead connection); a panicking handler is reported and the client keeps running; a
//!   stop lets running handlers finish up to a timeout.
//!
//! The protocol (frames, the ack machine, the re-delivery store) lives in
//! [`slack_core::socket_mode`]; this crate is the driver, runtime-agnostic like `slack-rtm`:
//! it uses the [`WebClient`](slack_core::WebClient)'s transports and timer and spawns nothing.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod client;
mod error;
mod options;
mod request;
mod signal;
mod slot;

pub use client::{SocketModeClient, SocketModeHandle};
pub use error::{ErrorEvent, SocketModeError};
pub use options::{SocketModeOptions, MAX_CONNECTIONS};
pub use request::{AckFailed, Acker, Request};
pub use slack_core::socket_mode::{
    AckError, AckSent, DedupeStore, DisconnectReason, Envelope, EnvelopeKind, InMemoryDedupe,
};
