//! The runtime-free parts shared by the Slack SDK's transports
//! (`slack-transport-hyper` on tokio, `slack-transport-async-std` on smol/async-std).
//!
//! | module | holds |
//! |---|---|
//! | [`http`] | an [`HttpRequest`](slack_core::transport::HttpRequest) as a hyper request; sending it through a hyper-util client with a deadline on any timer, reading the whole response under a size limit |
//! | [`error`] | hyper, hyper-util and connector errors as `TransportError`s that say whether the request may have been sent |
//! | [`settings`] | the builder settings both transports have, their defaults, proxies, roots, the rustls configuration |
//! | [`target`] | host, port and TLS of a connection from its URI |
//! | [`stream`] | [`MaybeTls`], a plain or TLS connection for tokio or futures I/O; [`FuturesIo`] |
//! | [`read_ahead`] | [`ReadAhead`]: a websocket connection that reads ahead while busy and holds no buffer while quiet |
//! | [`ws`] | the websocket handshake request, settings, and message and error mapping for tungstenite |
//!
//! Nothing here opens a socket, spawns a task or reads a clock: each transport brings those
//! from its runtime.
//!
//! # Features
//! | feature | default | what it adds |
//! |---|---|---|
//! | `tokio` | no | tokio's `AsyncRead`/`AsyncWrite` for [`MaybeTls`] and [`ReadAhead`] |
//! | `futures-io` | no | futures-io's `AsyncRead`/`AsyncWrite` for [`MaybeTls`] and [`ReadAhead`], and [`FuturesIo`] |
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

pub mod error;
pub mod http;
pub mod read_ahead;
pub mod settings;
pub mod stream;
pub mod target;
pub mod ws;

pub use error::ConnectError;
pub use read_ahead::ReadAhead;
#[cfg(feature = "futures-io")]
#[cfg_attr(docsrs, doc(cfg(feature = "futures-io")))]
pub use stream::FuturesIo;
pub use stream::MaybeTls;
pub use target::Target;
