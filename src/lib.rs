//! The Slack SDK for Rust: a Web API client with every method typed, retries and rate
//! limits you can trust, request signing, and a local Slack emulator to test against.
//!
//! ```no_run
//! use slack_sdk::api::chat;
//!
//! # async fn run() -> slack_sdk::Result<()> {
//! let client = slack_sdk::WebClient::new(std::env::var("SLACK_BOT_TOKEN").unwrap_or_default());
//! let posted = client.call(chat::PostMessage::new("#general").text("Hello from Rust")).await?;
//! client.call(chat::PostMessage::new(posted.channel.clone()).thread_ts(posted.ts.clone()).text("a reply")).await?;
//! # Ok(()) }
//! ```
//!
//! # Crates
//! This facade re-exports the workspace's crates behind features:
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `hyper` | yes | [`WebClient`] over tokio + hyper 1 + rustls ([`transport::hyper`]) |
//! | `native-roots` | no | trust the platform's root certificates as well as webpki's |
//! | `async-std` | no | `transport::async_std::AsyncStdTransport` for async-std and smol |
//! | `mock` | no | [`mock`]: the scripted transport with virtual time, for unit tests |
//! | `blocking` | no | `blocking::WebClient`: the same calls without async, for scripts |
//! | `rtm` | no | `rtm`: the RTM (real-time messaging) client, `rtm::RtmClient` |
//! | `rtm-tokio` | no | `rtm` plus `RtmClient::run_until_signal` (SIGINT/SIGTERM/SIGHUP on tokio) |
//! | `socket-mode` | no | `socket_mode` and `app`: receive events, commands and interactions over Socket Mode |
//! | `events` | no | `app` with `App::http`: the same over signed HTTP requests (Events API, interactivity, commands) |
//! | `oauth` | no | `oauth`: OAuth v2 installs, installation and state stores (file, SQLite/Postgres), token rotation |
//! | `redis-limiter` | no | `limiter_redis::RedisLimiter`: one rate-limit budget shared by every replica of a bot, on Redis |
//!
//! The sans-IO core ([`core`]) works without any of them: bring your own
//! [`HttpTransport`](core::transport::HttpTransport) and give it to
//! [`WebClient::builder`]`().transport(…)`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

/// The README's examples, compiled as doctests (they use the default `hyper` transport and,
/// for receiving events, `socket-mode`; CI's `--all-features` run compiles them).
#[cfg(all(doctest, feature = "hyper", feature = "socket-mode"))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

pub use slack_core as core;
pub use slack_core::{
    api, blocks, error, files, limiter, method, reconcile, responses, rtm as rtm_core, signature,
    types, Args, CallOptions, Encoding, Error, ErrorCode, FilePart, Response, Result, RetryHandler,
    RetryPolicy, SlackResponse, Token,
};

mod client;
pub use client::{WebClient, WebClientBuilder, API_URL_ENV};

/// Retries: the core's policy and handler trait, and the ready-made handlers, backoff and
/// jitter of `slack-retry`.
pub mod retry {
    pub use slack_core::retry::*;
    pub use slack_retry::*;
}

/// Transports.
pub mod transport {
    pub use slack_core::transport::*;

    /// The default transport: tokio + hyper 1 + rustls, with pooling, timeouts and proxies.
    #[cfg(feature = "hyper")]
    #[cfg_attr(docsrs, doc(cfg(feature = "hyper")))]
    pub mod hyper {
        pub use slack_transport_hyper::*;
    }

    /// The async-std (and smol) transport: hyper 1 over async-io, futures-rustls,
    /// async-tungstenite. `slack_sdk::core::WebClient::<AsyncStdTransport>::new(token)`.
    #[cfg(feature = "async-std")]
    #[cfg_attr(docsrs, doc(cfg(feature = "async-std")))]
    pub mod async_std {
        pub use slack_transport_async_std::*;
    }
}

#[cfg(feature = "blocking")]
#[cfg_attr(docsrs, doc(cfg(feature = "blocking")))]
pub mod blocking;

/// The RTM (real-time messaging) client: handlers or a `Stream` of events, reconnects
/// without storms, acked sends (`slack-rtm`).
#[cfg(feature = "rtm")]
#[cfg_attr(docsrs, doc(cfg(feature = "rtm")))]
pub mod rtm {
    pub use slack_rtm::*;
}

/// Socket Mode: receive events, slash commands and interactions over websockets opened with
/// the app-level token — how every Slack app created since 2024 listens without a public URL
/// (`slack-socket-mode`).
#[cfg(feature = "socket-mode")]
#[cfg_attr(docsrs, doc(cfg(feature = "socket-mode")))]
pub mod socket_mode {
    pub use slack_socket_mode::*;
}

/// The listener router: the same handlers over Socket Mode or HTTP (`slack-app`).
#[cfg(any(feature = "socket-mode", feature = "events"))]
#[cfg_attr(docsrs, doc(cfg(any(feature = "socket-mode", feature = "events"))))]
pub mod app {
    pub use slack_app::*;
}

/// OAuth v2 installs: the install flow as a hyper service, installation and state stores,
/// and token rotation (`slack-oauth`).
#[cfg(feature = "oauth")]
#[cfg_attr(docsrs, doc(cfg(feature = "oauth")))]
pub mod oauth {
    pub use slack_oauth::*;
}

/// A rate limiter shared by every replica of a bot, on Redis: the in-memory limiter's
/// GCRA in one server-side script, pauses seen by all, an in-memory fallback during outages
/// (`slack-limiter-redis`).
///
/// ```no_run
/// use std::sync::Arc;
/// use slack_sdk::limiter_redis::RedisLimiter;
///
/// # fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let limiter = RedisLimiter::new("redis://127.0.0.1:6379/0")?;
/// let client = slack_sdk::WebClient::builder()
///     .token("xoxb-…")
///     .rate_limiter(Arc::new(limiter))
///     .build()?;
/// # Ok(()) }
/// ```
#[cfg(feature = "redis-limiter")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis-limiter")))]
pub mod limiter_redis {
    pub use slack_limiter_redis::*;
}

/// The scripted transport with virtual time, for unit tests of code that calls Slack.
#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub mod mock {
    pub use slack_transport_mock::*;
}
