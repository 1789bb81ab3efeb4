//! A rate limiter for the Slack SDK for Rust that every replica of a bot shares, on Redis.
//!
//! Slack counts rate limits per app per workspace, so several processes of one bot, each
//! with its own [`InMemoryLimiter`](slack_core::limiter::InMemoryLimiter), together earn
//! 429s. [`RedisLimiter`] keeps the budget in Redis instead: the same GCRA as the in-memory
//! limiter, run atomically by one Lua script on the server's clock, keyed per workspace
//! and method (and channel, for `chat.postMessage`), with keys that expire. A 429 anywhere
//! pauses the key everywhere until `Retry-After`. When Redis is down, calls are paced in
//! memory (one warning per outage) and the limiter returns to Redis once it answers again.
//!
//! ```no_run
//! use std::sync::Arc;
//! use slack_limiter_redis::RedisLimiter;
//!
//! # fn run(builder: slack_core::WebClientBuilder) -> Result<(), Box<dyn std::error::Error>> {
// `builder`: a `WebClient::builder()` with its token and transport set.
//! let limiter = RedisLimiter::new("redis://127.0.0.1:6379/0")?;
//! let client = builder.rate_limiter(Arc::new(limiter)).build()?;
//! # Ok(()) }
//! ```
//!
//! Through the facade: `slack-sdk` with the `redis-limiter` feature re-exports this crate
//! as `slack_sdk::limiter_redis`.
//!
//! The crate has no features of its own; it needs a tokio runtime with time enabled.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod error;
mod health;
mod limiter;
mod script;
mod url;

pub use error::Error;
pub use limiter::{RedisLimiter, RedisLimiterBuilder};
