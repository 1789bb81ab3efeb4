//! A scripted, deterministic transport with virtual time, for testing code that calls Slack.
//!
//! - [`MockTransport`] implements [`HttpTransport`](slack_core::transport::HttpTransport):
//!   answers are scripted per Slack method ([`on`](MockTransport::on)): JSON, API errors,
//!   and faults (refused and dropped connections, timeouts, 429 with `Retry-After`, 5xx).
//!   Every request is recorded for assertions ([`RecordedRequest`]). A request nothing was
//!   scripted for fails loudly.
//! - It is also the client's [`Timer`](slack_core::transport::Timer), on a [`VirtualClock`]:
//!   sleeps complete at once and move virtual time forward, so a five-minute backoff takes
//!   microseconds and the schedule is observable ([`MockTransport::sleeps`]).
//! - [`MockWsTransport`] implements [`WsTransport`](slack_core::transport::WsTransport) with
//!   scripted connections; the test plays the server through a [`MockWsServerHandle`].
//!   `MockTransport` delegates its own `WsTransport` to one ([`MockTransport::ws`]).
//!
//! Nothing here needs an async runtime: futures complete at once or are woken by the test's
//! own actions, so `futures::executor::block_on`, tokio and async-std all work.
//!
//! # Example: a retry schedule, instantly
//!
//! ```
//! use std::time::Duration;
//! use serde_json::json;
//! use slack_core::transport::{HttpRequest, HttpTransport, Timer};
//! use slack_transport_mock::MockTransport;
//!
//! # futures_executor::block_on(async {
//! let mock = MockTransport::new();
//! mock.on("chat.postMessage").rate_limited(Some(Duration::from_secs(300)));
//! mock.on("chat.postMessage").respond_json(json!({"ok": true, "channel": "C1", "ts": "1.0"}));
//!
//! // What a retrying client does: send, honour Retry-After, send again.
//! let url = "https://slack.com/api/chat.postMessage";
//! let first = mock.send(HttpRequest::new(http::Method::POST, url)).await.unwrap();
//! assert_eq!(first.status, 429);
//! mock.sleep(first.retry_after().unwrap()).await; // five minutes, at once
//! let second = mock.send(HttpRequest::new(http::Method::POST, url)).await.unwrap();
//! assert_eq!(second.status, 200);
//!
//! assert_eq!(mock.sleeps(), vec![Duration::from_secs(300)]);
//! let at: Vec<_> = mock.requests().iter().map(|r| r.at).collect();
//! assert_eq!(at, vec![Duration::ZERO, Duration::from_secs(300)]);
//! # });
//! ```
//!
//! # Example: a `WebClient` over the mock
//!
//! ```
//! use serde_json::json;
//! use slack_transport_mock::MockTransport;
//!
//! # futures_executor::block_on(async {
//! let mock = MockTransport::new();
//! mock.on("chat.postMessage").respond_json(json!({"ok": true, "channel": "C1", "ts": "1.0"}));
//! let client = slack_core::WebClientBuilder::new().token("xoxb-test").build_with(mock.clone()).unwrap();
//! client
//!     .call(slack_core::api::chat::PostMessage::new("C1").text("hello"))
//!     .await
//!     .unwrap();
//! assert_eq!(mock.requests()[0].arg("text").as_deref(), Some("hello"));
//! # });
//! ```
//!
//! # Features
//!
//! - `mockall` (off by default): re-exports `MockHttpTransport` and `MockTimer`, the
//!   [`mockall`](https://docs.rs/mockall) automocks of the transport traits from
//!   `slack-core`, for expectation-style tests.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod clock;
mod reply;
mod request;
mod rule;
mod transport;
mod ws;

pub use clock::VirtualClock;
pub use reply::{api_error, ok_json, MockReply};
pub use request::RecordedRequest;
pub use rule::RuleBuilder;
pub use transport::MockTransport;
pub use ws::{MockWsServerHandle, MockWsTransport, RecordedConnect};

/// `mockall` automocks of [`HttpTransport`](slack_core::transport::HttpTransport) and
/// [`Timer`](slack_core::transport::Timer) (feature `mockall`).
#[cfg(feature = "mockall")]
#[cfg_attr(docsrs, doc(cfg(feature = "mockall")))]
pub use slack_core::transport::{MockHttpTransport, MockTimer};
