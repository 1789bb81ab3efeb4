//! The async-std transport of the Slack SDK for Rust.
//!
//! [`AsyncStdTransport`] implements [`HttpTransport`](slack_core::HttpTransport) (HTTP/1.1
//! with keep-alive pooling: hyper 1's client over async-io), [`Timer`](slack_core::Timer)
//! (async-io timers) and [`WsTransport`](slack_core::WsTransport) (async-tungstenite), with
//! TLS by futures-rustls (webpki roots plus custom roots), timeouts, and `CONNECT` proxies
//! from settings or the environment — the same options as the hyper transport.
//!
//! async-std itself is in maintenance upstream; this transport only needs async-io and
//! async-std's `spawn`, so it runs on smol's executor too (smol shares async-io's reactor).
//!
//! ```no_run
//! use slack_transport_async_std::AsyncStdTransport;
//! # async_std::task::block_on(async {
//! let client = slack_core::WebClientBuilder::new()
//!     .token("xoxb-…")
//!     .transport_with_ws(AsyncStdTransport::new())
//!     .build()?;
//! let me = client.api_call("auth.test", slack_core::Args::new()).await;
//! # Ok::<(), slack_core::Error>(())
//! # });
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod io;
mod transport;

pub use slack_core::proxy::Proxy;
pub use transport::{AsyncStdTransport, AsyncStdTransportBuilder};
