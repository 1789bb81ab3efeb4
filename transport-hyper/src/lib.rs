//! The default transport of the Slack SDK for Rust: tokio + hyper 1 + rustls.
//!
//! [`HyperTransport`] implements [`HttpTransport`](slack_core::HttpTransport) (one pooled
//! hyper client, HTTP/1.1 and HTTP/2 by ALPN, per-request and connect timeouts, `CONNECT`
//! proxies from settings or `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY`/`NO_PROXY`),
//! [`Timer`](slack_core::Timer) (tokio) and [`WsTransport`](slack_core::WsTransport)
//! (tungstenite over the same connector, for RTM).
//!
//! Errors say whether the request may have been sent: connect, TLS and proxy failures are
//! *not sent*; resets and timeouts after writing are *maybe sent*.
//!
//! # Features
//! | feature | what it adds |
//! |---|---|
//! | `native-roots` | trust the platform's root certificates as well as the bundled webpki roots |
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod connector;
mod proxy;
mod transport;
mod ws;

pub use proxy::{EnvProxies, NoProxy, Proxy};
pub use transport::{HyperTransport, HyperTransportBuilder, TokioSleep};
