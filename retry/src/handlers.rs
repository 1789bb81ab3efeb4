//! The built-in retry handlers.
//!
//! Each handler looks at one kind of failure and has its own retry count and interval. The
//! core call machine adds the rules no handler can override: the attempt cap, the time
//! budget, and never re-sending a write that may already have been applied.

use std::fmt;
use std::time::Duration;

use http::StatusCode;
use slack_core::retry::{Outcome, RetryContext, RetryDecision, RetryHandler};
use slack_core::transport::TransportErrorKind;
use slack_core::Error;

use crate::interval::{Backoff, IntervalCalculator, Jitter};

fn retry(
    ctx: &mut RetryContext<'_>,
    interval: &dyn IntervalCalculator,
    reason: &'static str,
) -> RetryDecision {
    let delay = interval.delay(ctx.attempt, ctx.previous_delay, ctx.rng);
    RetryDecision::RetryAfter { delay, reason }
}

// ===== ConnectionErrorRetryHandler =====

/// Retries failures below HTTP: refused or dropped connections, resets, timeouts.
///
/// TLS failures (a bad certificate will still be bad), invalid requests and oversized
/// responses are not retried. Whether a write is re-sent after a *maybe sent* failure is not
/// this handler's call: the core refuses it unless the method is idempotent.
#[derive(Debug, Clone)]
pub struct ConnectionErrorRetryHandler {
    max_retries: u32,
    interval: Backoff,
}

impl Default for ConnectionErrorRetryHandler {
    /// 2 retries, backoff 0.5 s → 1 s with equal jitter.
    fn default() -> Self {
        ConnectionErrorRetryHandler {
            max_retries: 2,
            interval: Backoff::new(Duration::from_millis(500)).max(Duration::from_secs(10)),
        }
    }
}

impl ConnectionErrorRetryHandler {
    /// The same waits without random jitter (for tests that check exact waits).
    pub fn without_jitter(mut self) -> Self {
        self.interval = self.interval.jitter(Jitter::None);
        self
    }

    /// Up to `max_retries` retries with the default backoff.
    pub fn new(max_retries: u32) -> Self {
        ConnectionErrorRetryHandler {
            max_retries,
            ..Self::default()
        }
    }

    /// Use `interval` between retries.
    pub fn interval(mut self, interval: Backoff) -> Self {
        self.interval = interval;
        self
    }
}

impl RetryHandler for ConnectionErrorRetryHandler {
    fn decide(&self, ctx: &mut RetryContext<'_>) -> RetryDecision {
        let Outcome::Transport(e) = ctx.outcome else {
            return RetryDecision::NoAction;
        };
        let retryable = matches!(
            e.kind(),
            TransportErrorKind::Connect
                | TransportErrorKind::ConnectTimeout
                | TransportErrorKind::Timeout
                | TransportErrorKind::ConnectionDropped
                | TransportErrorKind::Io
                | TransportErrorKind::Proxy
        );
        if retryable && ctx.attempt <= self.max_retries {
            retry(ctx, &self.interval, "connection error")
        } else {
            RetryDecision::NoAction
        }
    }
}

// ===== RateLimitErrorRetryHandler =====

/// Retries HTTP 429 (and `ok:false` `ratelimited`), waiting `Retry-After` plus a bounded
/// random jitter so that many waiting callers do not return in the same instant.
#[derive(Debug, Clone)]
pub struct RateLimitErrorRetryHandler {
    max_retries: u32,
    max_jitter: Duration,
    fallback: Backoff,
}

impl Default for RateLimitErrorRetryHandler {
    /// 3 retries; `Retry-After` + up to 1 s jitter; 1 s backoff when no `Retry-After`.
    fn default() -> Self {
        RateLimitErrorRetryHandler {
            max_retries: 3,
            max_jitter: Duration::from_secs(1),
            fallback: Backoff::new(Duration::from_secs(1)).max(Duration::from_secs(60)),
        }
    }
}

impl RateLimitErrorRetryHandler {
    /// Exactly `Retry-After` (and the fallback backoff without jitter).
    pub fn without_jitter(mut self) -> Self {
        self.max_jitter = Duration::ZERO;
        self.fallback = self.fallback.jitter(Jitter::None);
        self
    }

    /// Up to `max_retries` retries.
    pub fn new(max_retries: u32) -> Self {
        RateLimitErrorRetryHandler {
            max_retries,
            ..Self::default()
        }
    }

    /// The most random time added to `Retry-After` (default 1 s; zero disables jitter).
    pub fn max_jitter(mut self, max_jitter: Duration) -> Self {
        self.max_jitter = max_jitter;
        self
    }

    /// The wait when Slack gives no `Retry-After`.
    pub fn fallback(mut self, fallback: Backoff) -> Self {
        self.fallback = fallback;
        self
    }
}

fn is_rate_limited(outcome: &Outcome<'_>) -> bool {
    match outcome {
        Outcome::Transport(_) => false,
        Outcome::Response { status, error } => {
            *status == StatusCode::TOO_MANY_REQUESTS
                || matches!(error, Error::RateLimited { .. })
                || error
                    .api_code()
                    .is_some_and(|c| c == "ratelimited" || c == "rate_limited")
        }
    }
}

impl RetryHandler for RateLimitErrorRetryHandler {
    fn decide(&self, ctx: &mut RetryContext<'_>) -> RetryDecision {
        if !is_rate_limited(&ctx.outcome) || ctx.attempt > self.max_retries {
            return RetryDecision::NoAction;
        }
        match ctx.outcome.retry_after() {
            Some(after) => {
                let jitter = ctx.rng.duration_between(Duration::ZERO, self.max_jitter);
                RetryDecision::RetryAfter {
                    delay: after + jitter,
                    reason: "rate limited",
                }
            }
            None => retry(ctx, &self.fallback, "rate limited (no Retry-After)"),
        }
    }
}

// ===== ServerErrorRetryHandler =====

/// Retries HTTP 500, 502, 503 and 504 (configurable), and a 2xx whose body is cut off or
/// is not JSON (an HTML page from a proxy). For a write, none of these is re-sent: the
/// core reports them as `Error::OutcomeUnknown` (the server may have applied it).
#[derive(Debug, Clone)]
pub struct ServerErrorRetryHandler {
    max_retries: u32,
    statuses: Vec<StatusCode>,
    interval: Backoff,
    undecodable: bool,
}

impl Default for ServerErrorRetryHandler {
    /// 2 retries of 500/502/503/504; backoff 1 s → 2 s with equal jitter.
    fn default() -> Self {
        ServerErrorRetryHandler {
            max_retries: 2,
            statuses: vec![
                StatusCode::INTERNAL_SERVER_ERROR,
                StatusCode::BAD_GATEWAY,
                StatusCode::SERVICE_UNAVAILABLE,
                StatusCode::GATEWAY_TIMEOUT,
            ],
            interval: Backoff::new(Duration::from_secs(1)).max(Duration::from_secs(30)),
            undecodable: true,
        }
    }
}

impl ServerErrorRetryHandler {
    /// Whether a 2xx with a cut-off or non-JSON body is retried too (default true).
    pub fn undecodable(mut self, retry: bool) -> Self {
        self.undecodable = retry;
        self
    }

    /// The same waits without random jitter.
    pub fn without_jitter(mut self) -> Self {
        self.interval = self.interval.jitter(Jitter::None);
        self
    }

    /// Up to `max_retries` retries.
    pub fn new(max_retries: u32) -> Self {
        ServerErrorRetryHandler {
            max_retries,
            ..Self::default()
        }
    }

    /// Which statuses to retry.
    pub fn statuses(mut self, statuses: impl IntoIterator<Item = StatusCode>) -> Self {
        self.statuses = statuses.into_iter().collect();
        self
    }

    /// Use `interval` between retries.
    pub fn interval(mut self, interval: Backoff) -> Self {
        self.interval = interval;
        self
    }
}

impl RetryHandler for ServerErrorRetryHandler {
    fn decide(&self, ctx: &mut RetryContext<'_>) -> RetryDecision {
        if ctx.attempt > self.max_retries {
            return RetryDecision::NoAction;
        }
        match ctx.outcome {
            Outcome::Response { status, .. } if self.statuses.contains(&status) => {
                retry(ctx, &self.interval, "server error")
            }
            // A 2xx whose body is cut off or is a proxy's HTML page: the server failed.
            Outcome::Response {
                status,
                error: Error::Decode(_),
            } if status.is_success() && self.undecodable => {
                retry(ctx, &self.interval, "undecodable answer")
            }
            _ => RetryDecision::NoAction,
        }
    }
}

// ===== FatalErrorRetryHandler =====

/// Retries `ok:false` answers whose code says Slack failed internally: `fatal_error`,
/// `internal_error`, `service_unavailable`, `request_timeout` (configurable).
#[derive(Debug, Clone)]
pub struct FatalErrorRetryHandler {
    max_retries: u32,
    codes: Vec<String>,
    interval: Backoff,
}

impl Default for FatalErrorRetryHandler {
    /// 2 retries; backoff 1 s → 2 s with equal jitter.
    fn default() -> Self {
        FatalErrorRetryHandler {
            max_retries: 2,
            codes: [
                "fatal_error",
                "internal_error",
                "service_unavailable",
                "request_timeout",
            ]
            .map(String::from)
            .to_vec(),
            interval: Backoff::new(Duration::from_secs(1)).max(Duration::from_secs(30)),
        }
    }
}

impl FatalErrorRetryHandler {
    /// The same waits without random jitter.
    pub fn without_jitter(mut self) -> Self {
        self.interval = self.interval.jitter(Jitter::None);
        self
    }

    /// Up to `max_retries` retries.
    pub fn new(max_retries: u32) -> Self {
        FatalErrorRetryHandler {
            max_retries,
            ..Self::default()
        }
    }

    /// Which codes to retry.
    pub fn codes<I, S>(mut self, codes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.codes = codes.into_iter().map(Into::into).collect();
        self
    }

    /// Use `interval` between retries.
    pub fn interval(mut self, interval: Backoff) -> Self {
        self.interval = interval;
        self
    }
}

impl RetryHandler for FatalErrorRetryHandler {
    fn decide(&self, ctx: &mut RetryContext<'_>) -> RetryDecision {
        let Outcome::Response { error, .. } = ctx.outcome else {
            return RetryDecision::NoAction;
        };
        let matches = error
            .api_code()
            .is_some_and(|c| self.codes.iter().any(|x| c == x.as_str()));
        if matches && ctx.attempt <= self.max_retries {
            retry(ctx, &self.interval, "Slack internal error")
        } else {
            RetryDecision::NoAction
        }
    }
}

// ===== FnHandler =====

/// A handler from a closure.
pub struct FnHandler<F> {
    f: F,
}

impl<F> fmt::Debug for FnHandler<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FnHandler")
    }
}

/// A handler from a closure.
///
/// ```
/// use std::time::Duration;
/// use slack_core::retry::{RetryDecision, Outcome};
///
/// // Retry `team_added_to_org` (a migration in progress) every 5 s, 3 times.
/// let handler = slack_retry::handler_fn(|ctx| match ctx.outcome {
///     Outcome::Response { error, .. }
///         if ctx.attempt <= 3 && error.api_code().is_some_and(|c| c == "team_added_to_org") =>
///     {
///         RetryDecision::RetryAfter { delay: Duration::from_secs(5), reason: "team migration" }
///     }
///     _ => RetryDecision::NoAction,
/// });
/// let policy = slack_core::RetryPolicy::none().with_handler(handler);
/// ```
pub fn handler_fn<F>(f: F) -> FnHandler<F>
where
    F: Fn(&mut RetryContext<'_>) -> RetryDecision + Send + Sync,
{
    FnHandler { f }
}

impl<F> RetryHandler for FnHandler<F>
where
    F: Fn(&mut RetryContext<'_>) -> RetryDecision + Send + Sync,
{
    fn decide(&self, ctx: &mut RetryContext<'_>) -> RetryDecision {
        (self.f)(ctx)
    }
}
