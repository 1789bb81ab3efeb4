//! The async-std and smol transport of the Slack SDK for Rust.
//!
//! [`AsyncStdTransport`] implements [`HttpTransport`](slack_core::HttpTransport) (HTTP/1.1
//! with keep-alive pooling: hyper 1's client over async-io), [`Timer`](slack_core::Timer)
//! (async-io timers) and [`WsTransport`](slack_core::WsTransport) (async-tungstenite), with
//! TLS by futures-rustls (webpki roots plus custom roots), timeouts, and `CONNECT` proxies
//! from settings or the environment — the same options, defaults and error kinds as the
//! hyper transport (the runtime-free parts are shared, in `slack-transport-common`).
//!
//! # Runtimes
//!
//! async-std is discontinued upstream (RUSTSEC-2025-0052), so this crate does not depend on
//! it. It is built on the maintained smol crates: async-net (sockets), async-io (reactor
//! and timers), futures-rustls, async-tungstenite. async-std and smol both run async-io's
//! reactor, so the transport works under either, or under a bare `async_io::block_on`.
//!
//! hyper runs one background task per open connection. By default those go to a small
//! executor of the transport's own (`async-executor` on one thread, `slack-transport-io`),
//! which belongs to no runtime; [`AsyncStdTransportBuilder::spawner`] hands them to the
//! application's executor instead (`async_std::task::spawn`, `smol::spawn`, ...).
//!
//! ```no_run
//! use slack_transport_async_std::AsyncStdTransport;
//! # async_io::block_on(async {
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
#![cfg_attr(docsrs, feature(doc_cfg))]

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod io;
mod transport;

pub use slack_core::proxy::{EnvProxies, Proxy};
pub use transport::{AsyncStdTransport, AsyncStdTransportBuilder};
