//! The crate's error type.

use std::time::Duration;

/// What can go wrong talking to Redis.
///
/// The [`RateLimiter`](slack_core::limiter::RateLimiter) methods never return these: on any
/// of them the limiter falls back to its in-memory limiter. They come out of
/// [`RedisLimiterBuilder::build`](crate::RedisLimiterBuilder::build) and
/// [`RedisLimiter::ping`](crate::RedisLimiter::ping). No variant holds a password: URLs are
/// redacted (`redis://user:***@host`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The Redis URL could not be parsed. Fatal: fix the configuration.
    #[error("invalid Redis URL {url}: {reason}")]
    InvalidUrl {
        /// The URL, password redacted.
        url: String,
        /// Why it was refused.
        reason: String,
    },
    /// Redis did not answer within the configured timeout (connecting included).
    /// Retrying may help.
    #[error("Redis at {url} did not answer within {timeout:?}")]
    Timeout {
        /// The server's URL, password redacted.
        url: String,
        /// The timeout that passed.
        timeout: Duration,
    },
    /// Connecting failed, the connection dropped, or the server answered with an error.
    /// Retrying helps when [`is_outage`](Self::is_outage) says so.
    #[error("Redis at {url}: {reason}")]
    Redis {
        /// The server's URL, password redacted.
        url: String,
        /// The client's message, with the password redacted.
        reason: String,
        /// Whether the server could not be reached (refused, dropped, I/O error) rather than
        /// answering with an error.
        outage: bool,
    },
    /// The limiter's script answered something it never answers (a different script
    /// under the same name, or a proxy in between). Fatal.
    #[error("unexpected answer from the limiter script: {0}")]
    Reply(String),
}

impl Error {
    /// Whether the server could not be reached in time (refused, dropped, timed out): the
    /// kind of failure the limiter rides out on its in-memory fallback.
    ///
    /// ```
    /// use slack_limiter_redis::Error;
    /// let e = Error::Timeout { url: "redis://h".into(), timeout: std::time::Duration::from_millis(5) };
    /// assert!(e.is_outage());
    /// ```
    pub fn is_outage(&self) -> bool {
        match self {
            Error::Timeout { .. } => true,
            Error::Redis { outage, .. } => *outage,
            Error::InvalidUrl { .. } | Error::Reply(_) => false,
        }
    }
}
