//! Sans-IO core of the Slack SDK for Rust.
//!
//! Plain data in, data out: this crate builds requests, parses responses, decides retries and
//! pagination, and verifies request signatures, without owning a socket, a clock or a
//! runtime. Adapter crates provide the I/O behind the traits in [`transport`]; [`WebClient`]
//! is the small generic async loop that drives the [`call::Call`] state machine over them.
//!
//! | module | holds |
//! |---|---|
//! | [`transport`] | `HttpTransport`, `WsTransport`, `Timer`, `TransportError` |
//! | [`method`] | the generated method table (`MethodInfo` per method), `Paginated` |
//! | [`api`] | a typed request per method (`api::chat::PostMessage`, …) |
//! | [`responses`], [`types`] | a typed response per method (hand-written or generated), shared Slack objects, lenient decoding ([`types::de`]) |
//! | [`blocks`] | Block Kit: blocks, elements, composition objects, views, with limit checks |
//! | [`proxy`] | proxy settings from the environment, the `CONNECT` tunnel, sans-IO |
//! | [`request`] | encoding: URL, headers, form / JSON / multipart body |
//! | [`response`] | parsing: `SlackResponse`, `Response<T>`, typed errors |
//! | [`retry`], [`call`] | the retry decision and the per-call state machine |
//! | [`files`] | `files_upload_v2`: streamed, retried without losing file ids |
//! | [`limiter`] | proactive rate limiting shared by a client's clones |
//! | [`rtm`] | RTM events, the connection and reconnect state machines |
//! | [`signature`] | `SignatureVerifier` for requests Slack sends to an app |
//! | [`response_url`] | replies through a `response_url` (`WebClient::respond`) |
//! | [`events`] | typed Events API callbacks, interactions and slash commands |
//! | [`socket_mode`] | Socket Mode frames, the per-connection ack machine, re-delivery detection |
//!
//! # Object-safe transports
//! The transport traits return boxed futures rather than using `async fn`, so they can be used
//! as trait objects (`Arc<dyn HttpTransport>`) and automocked; see [`transport`].
//!
//! # Features
//! | feature | what it adds |
//! |---|---|
//! | `mockall` | `mockall` automocks of [`transport::HttpTransport`] and [`transport::Timer`] |
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

pub mod api;
pub mod blocks;
pub mod call;
mod client;
pub mod error;
pub mod events;
pub mod files;
pub mod limiter;
pub mod method;
pub mod proxy;
pub mod reconcile;
pub mod request;
pub mod response;
pub mod response_url;
pub mod responses;
pub mod retry;
pub mod rtm;
pub mod signature;
pub mod socket_mode;
mod token;
pub mod transport;
pub mod types;

mod generated;
mod liveness;
mod util;

pub use client::{Items, Pages, WebClient, WebClientBuilder};
pub use error::{Error, ErrorCode, Result};
pub use method::{MethodInfo, Paginated};
pub use request::{Args, CallOptions, ClientConfig, Encoding, FilePart};
pub use response::{Response, SlackResponse};
pub use retry::{RetryHandler, RetryPolicy};
pub use token::Token;
pub use transport::{HttpTransport, Timer, WsTransport};
