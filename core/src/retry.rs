//! Retry decisions: the [`RetryHandler`] trait, the [`RetryPolicy`] a client carries, and a
//! small seeded random number generator for jitter.
//!
//! Handlers see each failed attempt (the transport error, or the parsed answer) and say
//! *retry after `d`*, *do not retry*, or *no opinion*. They are consulted in order; the first
//! opinion wins. The [`Call`](crate::call::Call) state machine then applies the rules no
//! handler can override: the attempt cap, the time budget, and the idempotency rule that a
//! write is only re-sent when the first attempt provably did not reach Slack.
//!
//! Ready-made handlers (connection errors, rate limits, server errors, `fatal_error`) live in
//! the `slack-retry` crate.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::StatusCode;

use crate::error::Error;
use crate::method::MethodInfo;
use crate::transport::TransportError;

/// What a failed attempt produced.
#[derive(Debug, Clone, Copy)]
pub enum Outcome<'a> {
    /// The transport failed (see [`TransportError::maybe_sent`]).
    Transport(&'a TransportError),
    /// Slack (or a proxy) answered, and the answer is an error.
    Response {
        /// HTTP status.
        status: StatusCode,
        /// The parsed error ([`Error::Api`], [`Error::Http`], [`Error::RateLimited`],
        /// [`Error::Decode`]).
        error: &'a Error,
    },
}

impl Outcome<'_> {
    /// Whether the failed attempt provably did not change anything on Slack's side, so that
    /// even a write may be sent again:
    ///
    /// - the request was never sent ([`TransportError::maybe_sent`] is false);
    /// - Slack refused it for its rate limit (HTTP 429, or `ok:false` `ratelimited`);
    /// - Slack refused it with any other `ok:false` code except the ones that say part of
    ///   the work may have been done ([`ErrorCode::may_have_applied`](crate::error::ErrorCode::may_have_applied));
    /// - an HTTP 4xx status (the request was rejected before processing).
    ///
    /// Everything else leaves the outcome unknown: a transport failure after sending, any
    /// 5xx (**503 with `Retry-After` included**: the header says when to come back, not that
    /// nothing was done — a gateway may answer 503 after the backend took the request), an
    /// `ok:false` `fatal_error`/`internal_error`/`service_unavailable`, and a 2xx whose body
    /// is cut off or not JSON.
    pub fn provably_not_applied(&self) -> bool {
        match self {
            Outcome::Transport(e) => !e.maybe_sent(),
            Outcome::Response { status, error } => match error {
                Error::RateLimited { .. } => true,
                Error::Api(api) => !api.code.may_have_applied(),
                Error::Http(_) => status.is_client_error(),
                _ => false,
            },
        }
    }

    /// Whether the attempt may have been applied: the opposite of
    /// [`provably_not_applied`](Self::provably_not_applied).
    pub fn may_have_applied(&self) -> bool {
        !self.provably_not_applied()
    }

    /// The server's `Retry-After`, when it gave one.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Outcome::Transport(_) => None,
            Outcome::Response { error, .. } => error.retry_after(),
        }
    }
}

/// Everything a handler may look at.
#[derive(Debug)]
#[non_exhaustive]
pub struct RetryContext<'a> {
    /// The method called.
    pub method: &'a MethodInfo,
    /// The attempt that failed, from 1.
    pub attempt: u32,
    /// Time since the call started.
    pub elapsed: Duration,
    /// What the attempt produced.
    pub outcome: Outcome<'a>,
    /// Seeded randomness for jitter (one stream per call, reproducible from the policy seed).
    pub rng: &'a mut Rng,
    /// The delay chosen by this handler for its previous retry of this call, if any (for
    /// decorrelated jitter).
    pub previous_delay: Option<Duration>,
}

impl<'a> RetryContext<'a> {
    /// A context (for testing handlers outside a call).
    pub fn new(
        method: &'a MethodInfo,
        attempt: u32,
        elapsed: Duration,
        outcome: Outcome<'a>,
        rng: &'a mut Rng,
        previous_delay: Option<Duration>,
    ) -> Self {
        RetryContext {
            method,
            attempt,
            elapsed,
            outcome,
            rng,
            previous_delay,
        }
    }
}

/// A handler's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetryDecision {
    /// No opinion: ask the next handler.
    NoAction,
    /// Retry after this delay.
    RetryAfter {
        /// How long to wait before the next attempt.
        delay: Duration,
        /// Why, for logs.
        reason: &'static str,
    },
    /// Do not retry, whatever later handlers say.
    Forbid,
}

/// Decides whether one failed attempt should be retried.
///
/// ```
/// use std::time::Duration;
/// use slack_core::retry::{Outcome, RetryContext, RetryDecision, RetryHandler};
///
/// /// Retry `internal_error` once, after a second.
/// #[derive(Debug)]
/// struct OnceOnInternalError;
///
/// impl RetryHandler for OnceOnInternalError {
///     fn decide(&self, ctx: &mut RetryContext<'_>) -> RetryDecision {
///         match ctx.outcome {
///             Outcome::Response { error, .. }
///                 if ctx.attempt == 1 && error.api_code().is_some_and(|c| c == "internal_error") =>
///             {
///                 RetryDecision::RetryAfter { delay: Duration::from_secs(1), reason: "internal_error" }
///             }
///             _ => RetryDecision::NoAction,
///         }
///     }
/// }
/// ```
pub trait RetryHandler: Send + Sync + fmt::Debug {
    /// Decide for the failed attempt described by `ctx`.
    fn decide(&self, ctx: &mut RetryContext<'_>) -> RetryDecision;
}

/// Whether writes may be re-sent after an ambiguous failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Idempotency {
    /// Use the method table (reads are idempotent, writes are not).
    FromTable,
    /// Treat as idempotent: retry even when the first attempt may have been applied.
    Idempotent,
    /// Treat as non-idempotent: retry only when the attempt provably was not applied.
    NonIdempotent,
}

/// The retry settings of a client: handlers in order, caps, budget, idempotency overrides.
#[derive(Clone)]
pub struct RetryPolicy {
    // Behind `Arc`s: a client's policy is cloned into every call, which then costs two
    // reference counts, not a list and a map.
    pub(crate) handlers: Arc<Vec<Arc<dyn RetryHandler>>>,
    pub(crate) max_attempts: u32,
    pub(crate) budget: Option<Duration>,
    pub(crate) overrides: Arc<HashMap<String, Idempotency>>,
    pub(crate) seed: Option<u64>,
}

impl fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryPolicy")
            .field("handlers", &self.handlers)
            .field("max_attempts", &self.max_attempts)
            .field("budget", &self.budget)
            .field("overrides", &self.overrides)
            .field("seed", &self.seed)
            .finish()
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::none()
    }
}

/// The hard cap on attempts, whatever the policy says.
pub const MAX_ATTEMPTS_CAP: u32 = 100;

impl RetryPolicy {
    /// No handlers: every failure is returned at once.
    pub fn none() -> Self {
        RetryPolicy {
            handlers: Arc::default(),
            max_attempts: 1,
            budget: None,
            overrides: Arc::default(),
            seed: None,
        }
    }

    /// A policy with `handlers`, consulted in order, and at most 5 attempts.
    pub fn new(handlers: Vec<Arc<dyn RetryHandler>>) -> Self {
        RetryPolicy {
            handlers: Arc::new(handlers),
            max_attempts: 5,
            ..RetryPolicy::none()
        }
    }

    /// Add a handler after the existing ones.
    pub fn with_handler(mut self, handler: impl RetryHandler + 'static) -> Self {
        Arc::make_mut(&mut self.handlers).push(Arc::new(handler));
        if self.max_attempts < 2 {
            self.max_attempts = 5;
        }
        self
    }

    /// The handlers, in order.
    pub fn handlers(&self) -> &[Arc<dyn RetryHandler>] {
        &self.handlers
    }

    /// At most `n` attempts per call, first included (clamped to 1..=[`MAX_ATTEMPTS_CAP`]).
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.clamp(1, MAX_ATTEMPTS_CAP);
        self
    }

    /// The attempt cap.
    pub fn attempts_cap(&self) -> u32 {
        self.max_attempts
    }

    /// Total time per call, attempts and waits included. A retry never waits past it, and
    /// each attempt's timeout is shortened to what remains.
    pub fn budget(mut self, budget: Duration) -> Self {
        self.budget = Some(budget);
        self
    }

    /// The total time budget.
    pub fn time_budget(&self) -> Option<Duration> {
        self.budget
    }

    /// Override the idempotency of one method (for example mark `chat.postMessage`
    /// idempotent when your messages carry a client-side dedupe key).
    pub fn idempotency(mut self, method: impl Into<String>, idempotency: Idempotency) -> Self {
        Arc::make_mut(&mut self.overrides).insert(method.into(), idempotency);
        self
    }

    /// Seed the jitter RNG (tests pin it; by default each client draws a random seed).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Whether `method` may be re-sent after an ambiguous failure.
    pub fn is_idempotent(&self, method: &MethodInfo) -> bool {
        if self.overrides.is_empty() {
            return method.idempotent;
        }
        match self.overrides.get(method.name) {
            Some(Idempotency::Idempotent) => true,
            Some(Idempotency::NonIdempotent) => false,
            Some(Idempotency::FromTable) | None => method.idempotent,
        }
    }
}

// ===== Rng =====

/// A small, fast, seedable random number generator (SplitMix64) for jitter. Not for secrets.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed`; the same seed gives the same sequence.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform float in `[0, 1)`.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A uniform duration in `[lo, hi]` (returns `lo` when `hi <= lo`).
    pub fn duration_between(&mut self, lo: Duration, hi: Duration) -> Duration {
        if hi <= lo {
            return lo;
        }
        let span = (hi - lo).as_nanos();
        let span = u64::try_from(span).unwrap_or(u64::MAX);
        let r = if span == u64::MAX {
            self.next_u64()
        } else {
            self.next_u64() % (span + 1)
        };
        lo + Duration::from_nanos(r)
    }
}

/// A seed from the operating system's randomness (through `RandomState`), for clients that
/// were not given one.
pub fn random_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(0x5eed);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rng_is_deterministic_and_bounded() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
            let f = a.next_f64();
            assert!((0.0..1.0).contains(&f));
            b.next_f64();
        }
        let lo = Duration::from_millis(10);
        let hi = Duration::from_millis(20);
        for _ in 0..1000 {
            let d = a.duration_between(lo, hi);
            assert!(d >= lo && d <= hi);
        }
        assert_eq!(a.duration_between(hi, lo), hi);
    }

    #[test]
    fn policy_caps_and_overrides() {
        let p = RetryPolicy::none().max_attempts(10_000);
        assert_eq!(p.attempts_cap(), MAX_ATTEMPTS_CAP);
        let p = p.max_attempts(0);
        assert_eq!(p.attempts_cap(), 1);
        let pm = crate::method::lookup("chat.postMessage").unwrap();
        assert!(!p.is_idempotent(pm));
        let p = p.idempotency("chat.postMessage", Idempotency::Idempotent);
        assert!(p.is_idempotent(pm));
    }
}
