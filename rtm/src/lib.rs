//! The RTM (real-time messaging) client of the Slack SDK for Rust.
//!
//! Everything Python's `RTMClient` (v1 and v2) does, without its failure modes:
//! - handlers are registered per client (`rtm.on("message", …)`), never in a class-level
//!   registry shared by every client;
//! - handlers run concurrently (at most [`RtmOptions::max_concurrent_handlers`]) off the read
//!   loop, so a slow handler never delays pong processing, and a panicking handler is reported
//!   as an `error` event while the client keeps running;
//! - no zombie connections: pings every interval, and no pong (or any frame) within four
//!   intervals closes the connection and opens a fresh one;
//! - no reconnect storms: backoff `min(2^n s + jitter, 300 s)`, reset after a stable
//!   connection, `Retry-After` honoured, `invalid_auth`/`account_inactive`/`not_authed` fatal;
//! - `send_message` resolves with the server's ack or fails — a message is never dropped
//!   silently.
//!
//! The protocol logic (events, connection and reconnect machines) lives in
//! [`slack_core::rtm`]; this crate is the async driver, generic over any
//! [`WsTransport`](slack_core::WsTransport) and runtime-agnostic (time comes from the
//! `WebClient`'s [`Timer`](slack_core::Timer)).
//!
//! # Features
//! | feature | what it adds |
//! |---|---|
//! | `tokio` | `RtmClient::run_until_signal` (SIGINT, SIGTERM, SIGHUP) |
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod client;
mod driver;
mod handlers;
#[cfg(feature = "tokio")]
mod signal;

pub use client::{ConnectMethod, RtmClient, RtmHandle, RtmOptions};
pub use handlers::{Context, Event};
pub use slack_core::rtm::{Ack, MessageEvent, RtmEvent, SendError};

/// Why [`RtmClient::start`] ended with an error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RtmError {
    /// Slack refused the token (`invalid_auth`, `account_inactive`, `not_authed`, …). Not
    /// retried: fix the token.
    #[error("fatal RTM error: {0}")]
    Fatal(String),
    /// The connection closed and auto-reconnect is off.
    #[error("the RTM connection closed (auto-reconnect is off)")]
    Closed,
    /// `start` was called twice on one client.
    #[error("this RTM client was already started")]
    AlreadyStarted,
}
