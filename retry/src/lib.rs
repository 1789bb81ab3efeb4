//! Retry handlers, backoff and jitter for the Slack SDK for Rust.
//!
//! [`default_policy`] is what `slack_sdk::WebClient::new` installs; every piece can be used
//! on its own to build another [`RetryPolicy`].
//!
//! # Defaults, and why they differ from Python's `slack_sdk`
//! Python retries one connection error and nothing else by default. A bot in production
//! meets 429s, 5xx and `fatal_error` every day, and Python users keep adding handlers by
//! hand. Ours retry those by default, and stay safe because the core never re-sends a write
//! (`chat.postMessage`, `files.completeUploadExternal`, …) unless the failed attempt provably
//! did not change anything: the request was never sent (connect failure), or Slack refused it
//! (429, `ok:false` `ratelimited`, a 4xx, any other `ok:false` code except `fatal_error`,
//! `internal_error` and `service_unavailable`). Every other failure of a write — a drop after
//! sending, a timeout, any 5xx, those three codes, a 200 that is cut off or not JSON — ends
//! the call with `Error::OutcomeUnknown` and is never re-sent blindly (opt into
//! reconciliation to have the client look before it re-sends).
//!
//! A 503 with `Retry-After` is treated like every other 5xx: the header tells when to come
//! back, not that nothing was done, and a gateway may answer 503 after its backend took the
//! request. Reads are retried through all of them.
//!
//! | handler | retries | wait |
//! |---|---|---|
//! | [`ConnectionErrorRetryHandler`] | 2 | 0.5 s, 1 s (equal jitter) |
//! | [`RateLimitErrorRetryHandler`] | 3 | `Retry-After` + up to 1 s |
//! | [`ServerErrorRetryHandler`] (500/502/503/504, a 2xx cut off or not JSON) | 2 | 1 s, 2 s (equal jitter) |
//! | [`FatalErrorRetryHandler`] (`fatal_error`, `internal_error`, …) | 2 | 1 s, 2 s (equal jitter) |
//!
//! At most 5 attempts and 5 minutes per call in all; a retry never waits past that budget.
//!
//! Jitter is drawn from a seeded generator: pin the seed with [`RetryPolicy::seed`] and the
//! schedule is reproducible.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod handlers;
pub mod interval;

use std::sync::Arc;
use std::time::Duration;

pub use handlers::{
    handler_fn, ConnectionErrorRetryHandler, FatalErrorRetryHandler, FnHandler,
    RateLimitErrorRetryHandler, ServerErrorRetryHandler,
};
pub use interval::{Backoff, Fixed, IntervalCalculator, Jitter};
pub use slack_core::retry::{
    Idempotency, Outcome, RetryContext, RetryDecision, RetryHandler, RetryPolicy,
};

/// Total time allowed per call by [`default_policy`] and [`deterministic_policy`].
pub const DEFAULT_BUDGET: Duration = Duration::from_secs(300);

/// Attempts per call (the first included) of [`default_policy`] and
/// [`deterministic_policy`].
pub const DEFAULT_MAX_ATTEMPTS: u32 = 5;

/// The handlers of [`default_policy`], in order.
pub fn default_handlers() -> Vec<Arc<dyn RetryHandler>> {
    vec![
        Arc::new(RateLimitErrorRetryHandler::default()),
        Arc::new(ConnectionErrorRetryHandler::default()),
        Arc::new(ServerErrorRetryHandler::default()),
        Arc::new(FatalErrorRetryHandler::default()),
    ]
}

/// The recommended policy for a production bot (see the crate docs).
///
/// ```
/// let policy = slack_retry::default_policy();
/// assert_eq!(policy.attempts_cap(), slack_retry::DEFAULT_MAX_ATTEMPTS);
/// ```
pub fn default_policy() -> RetryPolicy {
    with_default_limits(default_handlers())
}

/// `handlers` under the default attempt cap ([`DEFAULT_MAX_ATTEMPTS`]) and time budget
/// ([`DEFAULT_BUDGET`]): the one place both [`default_policy`] and [`deterministic_policy`]
/// take their limits from. Use it for a policy of your own handlers with the same limits.
///
/// ```
/// use std::sync::Arc;
/// let policy = slack_retry::with_default_limits(vec![Arc::new(
///     slack_retry::RateLimitErrorRetryHandler::default(),
/// )]);
/// assert_eq!(policy.time_budget(), Some(slack_retry::DEFAULT_BUDGET));
/// ```
pub fn with_default_limits(handlers: Vec<Arc<dyn RetryHandler>>) -> RetryPolicy {
    RetryPolicy::new(handlers)
        .max_attempts(DEFAULT_MAX_ATTEMPTS)
        .budget(DEFAULT_BUDGET)
}

/// [`default_policy`] without random jitter: the same handlers, attempts and budget, and
/// waits that are exactly `Retry-After` or the un-jittered backoff. What the mock transport
/// uses, so a test of code under the production policy sees exact, repeatable waits.
pub fn deterministic_policy() -> RetryPolicy {
    with_default_limits(vec![
        Arc::new(RateLimitErrorRetryHandler::default().without_jitter()),
        Arc::new(ConnectionErrorRetryHandler::default().without_jitter()),
        Arc::new(ServerErrorRetryHandler::default().without_jitter()),
        Arc::new(FatalErrorRetryHandler::default().without_jitter()),
    ])
    .seed(0)
}

#[cfg(test)]
mod tests;
