//! A scripted, deterministic transport with virtual time, for testing code that calls Slack.
//!
//! - [`MockTransport`]: answers scripted per method (JSON, errors, faults: dropped and refused
//!   connections, timeouts, 429 with `Retry-After`, 5xx, `fatal_error`), every request
//!   recorded for assertions, and a [`VirtualClock`] so a five-minute backoff completes at once;
//! - [`MockWsTransport`]: scripted websocket connections;
//! - with the `mockall` feature, `MockHttpTransport` and `MockTimer` automocks.
//!
//! ```
//! use serde_json::json;
//! use slack_transport_mock::MockTransport;
//!
//! # futures_executor::block_on(async {
//! let mock = MockTransport::new();
//! mock.on("chat.postMessage").respond_json(json!({"ok": true, "channel": "C1", "ts": "1.0"}));
//! let client = slack_core::WebClientBuilder::new().token("xoxb-test").build_with(mock.clone());
//! client
//!     .call(slack_core::api::chat::PostMessage::new("C1").text("hello"))
//!     .await
//!     .unwrap();
//! assert_eq!(mock.requests()[0].arg("text").as_deref(), Some("hello"));
//! # });
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod clock;
mod http;
mod ws;

pub use crate::http::{api_error, ok_json, MockReply, MockTransport, RecordedRequest, RuleBuilder};
pub use clock::VirtualClock;
pub use ws::{MockWsServer, MockWsTransport};

#[cfg(feature = "mockall")]
pub use slack_core::transport::{MockHttpTransport, MockTimer};
