//! The default transport of the Slack SDK for Rust: tokio + hyper 1 + rustls.
//!
//! [`HyperTransport`] implements
//! - [`HttpTransport`](slack_core::transport::HttpTransport): one pooled hyper client shared
//!   by clones, HTTP/1.1 and HTTP/2 (by ALPN over TLS), a per-attempt deadline and a connect
//!   timeout, a response size limit, and `CONNECT` or SOCKS5 proxies from settings or
//!   `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY` minus `NO_PROXY` (an `https://` proxy is
//!   refused, see [`slack_core::proxy`]);
//! - [`Timer`](slack_core::transport::Timer) on tokio time (also [`TokioTimer`] alone);
//! - [`WsTransport`](slack_core::transport::WsTransport): tungstenite websockets over the
//!   same connector (proxies, roots), for RTM.
//!
//! Errors say whether the request may have been sent, which is what lets a retry layer
//! re-send a `chat.postMessage` without posting it twice:
//!
//! | failure | [`TransportErrorKind`](slack_core::transport::TransportErrorKind) | may have been sent |
//! |---|---|---|
//! | DNS, refused, unreachable | `Connect` | no |
//! | connecting took too long (connect timeout, or the deadline before a connection) | `ConnectTimeout` | no |
//! | TLS handshake | `Tls` | no |
//! | the proxy refused `CONNECT` or the SOCKS5 handshake; the proxy's scheme is refused (`https://`) | `Proxy` | no |
//! | bad URL or request | `InvalidRequest` | no |
//! | reset or EOF before the whole response | `ConnectionDropped` | yes |
//! | deadline after the request got a connection | `Timeout` | yes |
//! | response body over the limit | `BodyTooLarge` | yes |
//!
//! Credentials never reach logs, errors or `Debug` output: `tracing` events carry the
//! method, host and path only (a websocket's host only: its path holds the session ticket),
//! and [`Proxy`]'s `Debug` hides its password.
//!
//! # Example
//! ```no_run
//! use std::time::Duration;
//! use http::Method;
//! use slack_core::transport::{HttpRequest, HttpTransport};
//! use slack_transport_hyper::HyperTransport;
//!
//! # async fn run() -> Result<(), slack_core::transport::TransportError> {
//! let transport = HyperTransport::builder()
//!     .timeout(Duration::from_secs(10))
//!     .build()?;
//! let mut request = HttpRequest::new(Method::POST, "https://slack.com/api/api.test");
//! request.body = "foo=bar".into();
//! let response = transport.send(request).await?;
//! println!("{} {} bytes", response.status, response.body.len());
//! # Ok(())
//! # }
//! ```
//!
//! # Features
//! | feature | default | what it adds |
//! |---|---|---|
//! | `native-roots` | no | trust the platform's root certificates as well as the bundled webpki roots |
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod config;
mod connector;
mod proxy;
mod timer;
mod transport;
mod ws;

pub use config::HyperTransportBuilder;
pub use proxy::{EnvProxies, NoProxy, Proxy};
pub use timer::TokioTimer;
pub use transport::HyperTransport;
