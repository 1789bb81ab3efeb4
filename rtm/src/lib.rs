//! The RTM (real-time messaging) client of the Slack SDK for Rust.
//!
//! Everything Python's `RTMClient` (v1 and v2) does, without its failure modes:
//! - handlers are registered per client (`rtm.on("message", …)`), never in a class-level
//!   registry shared by every client; or take the events as a [`Stream`](EventStream)
//!   with [`RtmClient::events`];
//! - handlers run concurrently (at most [`RtmOptions::max_concurrent_handlers`]) off the read
//!   loop, so a slow handler never delays pong processing, and a panicking handler is reported
//!   as a typed `error` event ([`ErrorEvent::HandlerPanicked`]) while the client keeps running;
//! - no zombie connections: pings every interval, and no pong (or any frame) within four
//!   intervals closes the connection and opens a fresh one;
//! - no reconnect storms: backoff `min(2^n s + jitter, 300 s)`, reset after a stable
//!   connection, `Retry-After` honoured, `invalid_auth`/`account_inactive`/`not_authed` fatal;
//! - `send_message` resolves with the server's ack or fails — a message is never dropped
//!   silently;
//! - every event keeps its JSON text ([`Frame::raw`], [`Event::raw`]) without a second parse,
//!   and typed handlers share one `Arc` ([`RtmClient::on_message`] gets `Arc<MessageEvent>`);
//! - [`RtmHandle::wait_open`], [`RtmHandle::is_connected`], [`RtmHandle::reconnect`], and a
//!   client that can be started again after [`RtmHandle::stop`].
//!
//! The protocol logic (events, connection and reconnect machines) lives in
//! [`slack_core::rtm`]; this crate is the async driver, generic over any
//! [`WsTransport`](slack_core::WsTransport) and runtime-agnostic (time comes from the
//! `WebClient`'s [`Timer`](slack_core::Timer)).
//!
//! # Handlers or a stream
//!
//! ```no_run
//! # async fn run(web: slack_core::WebClient) -> Result<(), slack_rtm::RtmError> {
//! use std::sync::Arc;
//! use futures_util::StreamExt;
//! use slack_rtm::{Event, RtmClient, RtmEvent, RtmOptions};
//!
//! let rtm = Arc::new(RtmClient::with_options(web, RtmOptions::default().skip_own_messages(true)));
//! // Handlers: one call per event, concurrently.
//! rtm.on_message(|ctx, msg| async move {
//!     if msg.text.as_deref() == Some("ping") {
//!         let _ = ctx.rtm.send_reply(&msg.channel, &msg.ts, "pong").await;
//!     }
//! });
//! // Or a stream: one event after the other, in order.
//! let mut events = rtm.events();
//! let run = tokio::spawn({
//!     let rtm = rtm.clone();
//!     async move { rtm.start().await }
//! });
//! rtm.wait_open().await?;
//! while let Some(ev) = events.next().await {
//!     if let Event::Rtm(frame) = &ev {
//!         if let RtmEvent::ReactionAdded(r) = &**frame {
//!             println!("{} reacted: {}", r.user, frame.raw());
//!         }
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! # Backpressure: a slow consumer
//!
//! The client never holds an unbounded number of events. Each [`EventStream`] and the queue
//! of handler calls waiting for a free slot hold at most [`RtmOptions::event_buffer`]
//! events (default 256; plus the few `open`/`close`/`error` events of one connection). When
//! a consumer is that far behind, the client **stops reading the websocket** until it
//! catches up: no event is dropped, unread frames wait in the socket (and TCP pushes back
//! to Slack), and pings, acks, sends and handlers already running carry on. Staleness is
//! not judged while reading is paused (the peer's pongs are among the unread frames). A
//! consumer that stays stuck long enough may make Slack close the connection; the client
//! then reconnects once the consumer has room again. Drop a stream you no longer read.
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
mod error;
mod handlers;
mod options;
#[cfg(feature = "tokio")]
mod signal;
mod state;
mod stream;

pub use client::{RtmClient, RtmHandle};
pub use error::{ErrorEvent, RtmError};
pub use handlers::{Context, Event};
pub use options::{ConnectMethod, RtmOptions};
pub use slack_core::rtm::{Ack, Frame, FrameError, MessageEvent, RtmEvent, SendError};
pub use stream::EventStream;
