//! The state machine of one Web API call: send, parse, decide, wait, send again.
//!
//! It owns no I/O. A driver loops:
//! ```text
//! loop {
//!     match call.poll_action(now) {
//!         Action::Send(req)  => {
//!             let res = transport.send(req).await;
//!             call.handle_response(now, res);
//!             if let Some(d) = call.poll_pause() { /* pause the rate limiter's key for d */ }
//!         }
//!         Action::Sleep(d)   => timer.sleep(d).await,
//!         Action::Done(res)  => return res,
//!     }
//! }
//! ```
//! `WebClient` is exactly that loop; a user can write the same loop for another runtime.

use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::method::MethodInfo;
use crate::response::{parse_response_with, SlackResponse};
use crate::retry::{Outcome, RetryContext, RetryDecision, RetryPolicy, Rng};
use crate::transport::{HttpRequest, HttpResponse, TransportError};

/// How long a rate-limit refusal without `Retry-After` pauses its key
/// ([`Call::poll_pause`]).
pub const DEFAULT_RATE_LIMIT_PAUSE: Duration = Duration::from_secs(1);

/// What the driver must do next.
#[derive(Debug)]
pub enum Action {
    /// Send this request and feed the result to [`Call::handle_response`].
    Send(HttpRequest),
    /// Wait this long, then poll again.
    Sleep(Duration),
    /// The call is over.
    Done(Result<SlackResponse>),
}

#[derive(Debug)]
enum State {
    /// Ready to send attempt `attempt + 1`.
    Ready,
    /// An attempt is in flight.
    InFlight,
    /// Waiting until the instant before the next attempt.
    Waiting(Instant),
    /// Finished; the result is waiting to be taken.
    Finished(Box<Result<SlackResponse>>),
    /// The result was taken.
    Taken,
}

/// One call in progress.
///
/// Methods: [`poll_action`](Call::poll_action) (output) and
/// [`handle_response`](Call::handle_response) (input). Time comes in as `now`.
#[derive(Debug)]
pub struct Call {
    info: &'static MethodInfo,
    /// The table's name, or the one given for a placeholder (no allocation for the first).
    method: std::borrow::Cow<'static, str>,
    request: HttpRequest,
    /// Whether `request` can be sent again (in-memory body).
    replayable: bool,
    policy: RetryPolicy,
    idempotent: bool,
    rng: Rng,
    started: Option<Instant>,
    attempt: u32,
    last_delay: Option<Duration>,
    state: State,
    plain_http: bool,
    /// Decodes a successful answer's typed view along with its envelope.
    typed: Option<crate::response::tap::Decoder>,
    /// Set when the last answer was a rate-limit refusal: how long to pause.
    pause: Option<Duration>,
}

impl Call {
    /// A call of `info` sending `request`, retried by `policy`, with jitter from `seed`.
    pub fn new(
        info: &'static MethodInfo,
        request: HttpRequest,
        policy: RetryPolicy,
        seed: u64,
    ) -> Self {
        let idempotent = policy.is_idempotent(info);
        let replayable = request.body.as_bytes().is_some();
        Call {
            info,
            method: std::borrow::Cow::Borrowed(info.name),
            request,
            replayable,
            policy,
            idempotent,
            rng: Rng::new(seed),
            started: None,
            attempt: 0,
            last_delay: None,
            state: State::Ready,
            plain_http: false,
            typed: None,
            pause: None,
        }
    }

    /// Decode the answer's typed view with `decode` while reading its envelope, in one
    /// pass over the body (see `response::tap`); the view waits in the [`SlackResponse`].
    pub(crate) fn with_typed(mut self, decode: crate::response::tap::Decoder) -> Self {
        self.typed = Some(decode);
        self
    }

    /// Treat any 2xx answer as success whatever its body (for uploads to a file URL, which
    /// answers `OK - <size>` as text); non-2xx answers are still typed errors.
    pub fn with_plain_http(mut self) -> Self {
        self.plain_http = true;
        self
    }

    /// Give the method's name for errors and logs when `info` is a placeholder
    /// ([`MethodInfo::unknown`]).
    pub fn with_method_name(mut self, name: impl Into<String>) -> Self {
        self.method = std::borrow::Cow::Owned(name.into());
        self
    }

    /// Attempts made so far.
    pub fn attempts(&self) -> u32 {
        self.attempt
    }

    /// The next thing to do.
    pub fn poll_action(&mut self, now: Instant) -> Action {
        let started = *self.started.get_or_insert(now);
        match std::mem::replace(&mut self.state, State::Taken) {
            State::Ready => self.transmit(now, started),
            State::Waiting(until) if now >= until => self.transmit(now, started),
            State::Waiting(until) => {
                self.state = State::Waiting(until);
                Action::Sleep(until - now)
            }
            State::InFlight => {
                // A driver bug: the attempt's outcome was never reported. End the call with
                // an error rather than spin.
                Action::Done(Err(Error::validation(
                    "call",
                    "polled while an attempt is in flight (report it with handle_response first)",
                )))
            }
            State::Finished(r) => Action::Done(*r),
            State::Taken => Action::Done(Err(Error::validation(
                "call",
                "polled after the call finished",
            ))),
        }
    }

    fn transmit(&mut self, now: Instant, started: Instant) -> Action {
        let retries_possible = self.replayable && self.policy.max_attempts > 1;
        let mut req = if retries_possible {
            // Keep a copy for a retry (it shares the body bytes) and send the original: its
            // header map has room to spare for the `Content-Length` hyper adds, where a
            // copy's is exactly full and would grow.
            match self.request.try_clone() {
                Some(copy) => std::mem::replace(&mut self.request, copy),
                None => {
                    return Action::Done(Err(Error::validation(
                        "body",
                        "the body cannot be replayed",
                    )))
                }
            }
        } else if self.attempt == 0 {
            // Only one attempt (or a stream, which can go only once): hand over the original.
            std::mem::replace(
                &mut self.request,
                HttpRequest::new(http::Method::POST, String::new()),
            )
        } else {
            return Action::Done(Err(Error::validation(
                "body",
                "a streamed body cannot be sent twice",
            )));
        };
        if let Some(budget) = self.policy.budget {
            let remaining = budget.saturating_sub(now.saturating_duration_since(started));
            if remaining.is_zero() {
                return Action::Done(Err(Error::Timeout {
                    method: self.method.to_string(),
                    elapsed: now.saturating_duration_since(started),
                }));
            }
            req.timeout = Some(req.timeout.map_or(remaining, |t| t.min(remaining)));
        }
        self.attempt += 1;
        self.state = State::InFlight;
        tracing::debug!(method = %self.method, attempt = self.attempt, "sending");
        Action::Send(req)
    }

    /// Report what the transport returned for the request of the last
    /// [`Action::Send`].
    pub fn handle_response(&mut self, now: Instant, result: Result<HttpResponse, TransportError>) {
        let started = self.started.unwrap_or(now);
        let elapsed = now.saturating_duration_since(started);
        let err = match result {
            Ok(resp) => {
                let status = resp.status;
                let parsed = if self.plain_http {
                    crate::response::parse_plain(&self.method, resp)
                } else {
                    parse_response_with(&self.method, resp, self.typed)
                };
                match parsed {
                    Ok(ok) => {
                        self.state = State::Finished(Box::new(Ok(ok)));
                        return;
                    }
                    Err(error) => FailedAttempt::Response { status, error },
                }
            }
            Err(t) => FailedAttempt::Transport(t),
        };
        if let FailedAttempt::Response {
            error: Error::RateLimited { retry_after, .. },
            ..
        } = &err
        {
            self.pause = Some(retry_after.unwrap_or(DEFAULT_RATE_LIMIT_PAUSE));
        }

        let outcome = match &err {
            FailedAttempt::Transport(t) => Outcome::Transport(t),
            FailedAttempt::Response { status, error } => Outcome::Response {
                status: *status,
                error,
            },
        };
        let safe = self.idempotent || outcome.provably_not_applied();
        let mut decision = RetryDecision::NoAction;
        let mut ctx = RetryContext {
            method: self.info,
            attempt: self.attempt,
            elapsed,
            outcome,
            rng: &mut self.rng,
            previous_delay: self.last_delay,
        };
        for h in self.policy.handlers.iter() {
            match h.decide(&mut ctx) {
                RetryDecision::NoAction => continue,
                d => {
                    decision = d;
                    break;
                }
            }
        }
        // Never wait less than the server asked.
        if let (RetryDecision::RetryAfter { delay, .. }, Some(ra)) =
            (&mut decision, outcome.retry_after())
        {
            if *delay < ra {
                *delay = ra;
            }
        }

        // A write whose attempt may have been applied is never reported as a plain failure:
        // the caller must not be invited to re-send it blindly.
        let unknown = !self.idempotent && outcome.may_have_applied();
        let final_error = |err: FailedAttempt, method: &str| {
            let error = match err {
                FailedAttempt::Transport(t) => Error::Transport {
                    method: method.to_owned(),
                    source: t,
                },
                FailedAttempt::Response { error, .. } => error,
            };
            if unknown {
                Error::OutcomeUnknown {
                    method: method.to_owned(),
                    source: Box::new(error),
                }
            } else {
                error
            }
        };

        match decision {
            RetryDecision::RetryAfter { delay, reason } => {
                let within_attempts = self.attempt < self.policy.max_attempts;
                let within_budget = self.policy.budget.is_none_or(|b| elapsed + delay < b);
                if !safe {
                    tracing::debug!(method = %self.method, attempt = self.attempt, "not retried: the request may have been applied");
                    self.state = State::Finished(Box::new(Err(final_error(err, &self.method))));
                } else if !self.replayable {
                    self.state = State::Finished(Box::new(Err(final_error(err, &self.method))));
                } else if within_attempts && within_budget {
                    tracing::debug!(method = %self.method, attempt = self.attempt, ?delay, reason, "retrying");
                    self.last_delay = Some(delay);
                    self.state = State::Waiting(now + delay);
                } else {
                    tracing::debug!(method = %self.method, attempt = self.attempt, "giving up: attempts or budget exhausted");
                    self.state = State::Finished(Box::new(Err(final_error(err, &self.method))));
                }
            }
            RetryDecision::NoAction | RetryDecision::Forbid => {
                self.state = State::Finished(Box::new(Err(final_error(err, &self.method))));
            }
        }
    }

    /// After [`handle_response`](Call::handle_response): when Slack refused the attempt for
    /// its rate limit (HTTP 429, or `ok:false` with `ratelimited` in a 200), how long every
    /// caller of the same rate-limit key should pause — the `Retry-After`, or
    /// [`DEFAULT_RATE_LIMIT_PAUSE`] without one. Taken once.
    pub fn poll_pause(&mut self) -> Option<Duration> {
        self.pause.take()
    }

    /// Whether the call is over (its result may still be waiting in
    /// [`poll_action`](Call::poll_action)).
    pub fn is_done(&self) -> bool {
        matches!(self.state, State::Finished(_) | State::Taken)
    }
}

enum FailedAttempt {
    Transport(TransportError),
    Response {
        status: http::StatusCode,
        error: Error,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::method::lookup;
    use crate::retry::RetryHandler;
    use crate::transport::TransportErrorKind;
    use http::StatusCode;

    #[derive(Debug)]
    struct Always(Duration);
    impl RetryHandler for Always {
        fn decide(&self, _ctx: &mut RetryContext<'_>) -> RetryDecision {
            RetryDecision::RetryAfter {
                delay: self.0,
                reason: "test",
            }
        }
    }

    fn req() -> HttpRequest {
        let mut r = HttpRequest::new(http::Method::POST, "https://slack.com/api/x");
        r.body = bytes::Bytes::from_static(b"a=1").into();
        r
    }

    fn ok() -> HttpResponse {
        HttpResponse::new(StatusCode::OK, r#"{"ok":true}"#)
    }

    fn drive(
        call: &mut Call,
        mut results: Vec<Result<HttpResponse, TransportError>>,
    ) -> (Result<SlackResponse>, Vec<Duration>, u32) {
        let mut now = Instant::now();
        let mut sleeps = Vec::new();
        results.reverse();
        loop {
            match call.poll_action(now) {
                Action::Send(_) => {
                    let r = results.pop().unwrap_or_else(|| Ok(ok()));
                    call.handle_response(now, r);
                }
                Action::Sleep(d) => {
                    sleeps.push(d);
                    now += d;
                }
                Action::Done(r) => return (r, sleeps, call.attempts()),
            }
        }
    }

    #[test]
    fn success_first_try() {
        let mut c = Call::new(lookup("auth.test").unwrap(), req(), RetryPolicy::none(), 1);
        let (r, sleeps, n) = drive(&mut c, vec![Ok(ok())]);
        assert!(r.is_ok());
        assert!(sleeps.is_empty());
        assert_eq!(n, 1);
    }

    #[test]
    fn read_retried_after_drop_until_cap() {
        let policy = RetryPolicy::none()
            .with_handler(Always(Duration::from_secs(1)))
            .max_attempts(3);
        let mut c = Call::new(lookup("conversations.list").unwrap(), req(), policy, 1);
        let drop = || {
            Err(TransportError::new(
                TransportErrorKind::ConnectionDropped,
                "reset",
            ))
        };
        let (r, sleeps, n) = drive(&mut c, vec![drop(), drop(), drop(), drop()]);
        assert!(matches!(r, Err(Error::Transport { .. })));
        assert_eq!(n, 3);
        assert_eq!(sleeps, vec![Duration::from_secs(1); 2]);
    }

    #[test]
    fn write_not_resent_when_maybe_sent() {
        let policy = RetryPolicy::none().with_handler(Always(Duration::from_secs(1)));
        let mut c = Call::new(lookup("chat.postMessage").unwrap(), req(), policy, 1);
        let (r, _, n) = drive(
            &mut c,
            vec![Err(TransportError::new(
                TransportErrorKind::Timeout,
                "slow",
            ))],
        );
        assert!(matches!(r, Err(Error::OutcomeUnknown { .. })), "{r:?}");
        assert_eq!(n, 1);
    }

    #[test]
    fn write_resent_when_provably_not_applied() {
        let policy = RetryPolicy::none().with_handler(Always(Duration::from_millis(10)));
        let mut c = Call::new(lookup("chat.postMessage").unwrap(), req(), policy, 1);
        let mut rl = HttpResponse::new(
            StatusCode::TOO_MANY_REQUESTS,
            r#"{"ok":false,"error":"ratelimited"}"#,
        );
        rl.headers
            .insert(http::header::RETRY_AFTER, "3".parse().unwrap());
        let refused = Err(TransportError::new(TransportErrorKind::Connect, "refused"));
        let (r, sleeps, n) = drive(&mut c, vec![refused, Ok(rl), Ok(ok())]);
        assert!(r.is_ok());
        assert_eq!(n, 3);
        // Retry-After wins over the handler's shorter delay.
        assert_eq!(
            sleeps,
            vec![Duration::from_millis(10), Duration::from_secs(3)]
        );
    }

    #[test]
    fn budget_stops_retries() {
        let policy = RetryPolicy::none()
            .with_handler(Always(Duration::from_secs(10)))
            .max_attempts(50)
            .budget(Duration::from_secs(25));
        let mut c = Call::new(lookup("conversations.list").unwrap(), req(), policy, 1);
        let e = || Ok(HttpResponse::new(StatusCode::INTERNAL_SERVER_ERROR, "x"));
        let (r, sleeps, n) = drive(&mut c, vec![e(), e(), e(), e(), e()]);
        assert!(matches!(r, Err(Error::Http(_))));
        assert_eq!(n, 3);
        assert_eq!(sleeps.iter().sum::<Duration>(), Duration::from_secs(20));
    }

    #[test]
    fn polling_an_unreported_attempt_ends_the_call() {
        let mut c = Call::new(lookup("auth.test").unwrap(), req(), RetryPolicy::none(), 1);
        let now = Instant::now();
        assert!(matches!(c.poll_action(now), Action::Send(_)));
        assert!(matches!(
            c.poll_action(now),
            Action::Done(Err(Error::Validation { .. }))
        ));
    }

    #[test]
    fn no_handlers_returns_first_error() {
        let mut c = Call::new(
            lookup("conversations.list").unwrap(),
            req(),
            RetryPolicy::none(),
            1,
        );
        let (r, _, n) = drive(
            &mut c,
            vec![Ok(HttpResponse::new(
                StatusCode::OK,
                r#"{"ok":false,"error":"invalid_auth"}"#,
            ))],
        );
        assert_eq!(r.unwrap_err().api_code().unwrap().as_str(), "invalid_auth");
        assert_eq!(n, 1);
    }

    fn answer(status: u16, body: &'static str, retry_after: Option<&'static str>) -> HttpResponse {
        let mut r = HttpResponse::new(StatusCode::from_u16(status).unwrap(), body);
        if let Some(ra) = retry_after {
            r.headers
                .insert(http::header::RETRY_AFTER, ra.parse().unwrap());
        }
        r
    }

    /// Every answer that leaves a write's effect unknown ends the call at once with
    /// `OutcomeUnknown` holding the cause, and no query on it invites a re-send.
    #[test]
    fn write_with_unknown_effect_is_outcome_unknown() {
        type Case = (Result<HttpResponse, TransportError>, fn(&Error) -> bool);
        let cases: Vec<Case> = vec![
            (
                Ok(answer(500, "<html>", None)),
                |e| matches!(e, Error::Http(h) if h.status == 500),
            ),
            (
                Ok(answer(502, "<html>", None)),
                |e| matches!(e, Error::Http(h) if h.status == 502),
            ),
            (
                Ok(answer(504, "<html>", None)),
                |e| matches!(e, Error::Http(h) if h.status == 504),
            ),
            // The 503 + Retry-After exception is gone: a gateway may say it after forwarding.
            (
                Ok(answer(503, "<html>", Some("1"))),
                |e| matches!(e, Error::Http(h) if h.status == 503),
            ),
            (
                Ok(answer(
                    200,
                    r#"{"ok":false,"error":"fatal_error"}"#,
                    Some("2"),
                )),
                |e| e.api_code() == Some(&crate::ErrorCode::FatalError),
            ),
            (
                Ok(answer(
                    200,
                    r#"{"ok":false,"error":"internal_error"}"#,
                    None,
                )),
                |e| e.api_code() == Some(&crate::ErrorCode::InternalError),
            ),
            (Ok(answer(200, r#"{"ok":true,"ch"#, None)), |e| {
                matches!(e, Error::Decode(_))
            }),
            (Ok(answer(200, "<!DOCTYPE html><p>oops", None)), |e| {
                matches!(e, Error::Decode(_))
            }),
            (
                Err(TransportError::new(
                    TransportErrorKind::ConnectionDropped,
                    "reset",
                )),
                |e| matches!(e, Error::Transport { .. }),
            ),
        ];
        for (answer, cause) in cases {
            let policy = RetryPolicy::none().with_handler(Always(Duration::from_millis(5)));
            let mut c = Call::new(lookup("chat.postMessage").unwrap(), req(), policy, 1);
            let (r, sleeps, n) = drive(&mut c, vec![answer]);
            let e = r.unwrap_err();
            assert!(e.is_outcome_unknown(), "{e:?}");
            let inner = e.unknown_outcome_cause().unwrap();
            assert!(cause(inner), "{inner:?}");
            assert_eq!(n, 1, "{e:?}: never re-sent");
            assert!(sleeps.is_empty());
            assert!(!e.is_retryable(), "{e:?}");
            assert!(!e.is_rate_limited());
            assert_eq!(e.retry_after(), None, "{e:?}");
            assert_eq!(e.api_code(), None, "{e:?}");
            assert!(e.maybe_sent());
            assert!(std::error::Error::source(&e).is_some());
        }
    }

    /// Refusals are not unknown: the write is reported (or retried) as what it is.
    #[test]
    fn write_refusals_stay_typed_and_reads_stay_plain() {
        let mut c = Call::new(
            lookup("chat.postMessage").unwrap(),
            req(),
            RetryPolicy::none(),
            1,
        );
        let (r, _, _) = drive(
            &mut c,
            vec![Ok(answer(
                200,
                r#"{"ok":false,"error":"channel_not_found"}"#,
                None,
            ))],
        );
        assert_eq!(
            r.unwrap_err().api_code(),
            Some(&crate::ErrorCode::ChannelNotFound)
        );
        let mut c = Call::new(
            lookup("chat.postMessage").unwrap(),
            req(),
            RetryPolicy::none(),
            1,
        );
        let (r, _, _) = drive(&mut c, vec![Ok(answer(400, "bad", None))]);
        assert!(matches!(r, Err(Error::Http(h)) if h.status == 400));
        // A read's 500 is retried and finally reported as the 500 itself.
        let policy = RetryPolicy::none()
            .with_handler(Always(Duration::from_millis(5)))
            .max_attempts(2);
        let mut c = Call::new(lookup("conversations.list").unwrap(), req(), policy, 1);
        let e500 = || Ok(answer(500, "x", None));
        let (r, _, n) = drive(&mut c, vec![e500(), e500()]);
        assert!(matches!(r, Err(Error::Http(h)) if h.status == 500));
        assert_eq!(n, 2);
    }

    /// A write refused for the rate limit in a 200 body is re-sent, and the driver is told
    /// to pause the key, as for a 429.
    #[test]
    fn ratelimited_body_pauses_and_retries() {
        let policy = RetryPolicy::none().with_handler(Always(Duration::from_millis(5)));
        let mut c = Call::new(lookup("chat.postMessage").unwrap(), req(), policy, 1);
        let now = Instant::now();
        assert!(matches!(c.poll_action(now), Action::Send(_)));
        c.handle_response(
            now,
            Ok(answer(
                200,
                r#"{"ok":false,"error":"ratelimited"}"#,
                Some("4"),
            )),
        );
        assert_eq!(c.poll_pause(), Some(Duration::from_secs(4)));
        assert_eq!(c.poll_pause(), None);
        assert!(matches!(c.poll_action(now), Action::Sleep(d) if d == Duration::from_secs(4)));
        let later = now + Duration::from_secs(4);
        assert!(matches!(c.poll_action(later), Action::Send(_)));
        c.handle_response(later, Ok(answer(429, "", None)));
        assert_eq!(c.poll_pause(), Some(DEFAULT_RATE_LIMIT_PAUSE));
        assert!(matches!(c.poll_action(later), Action::Sleep(_)));
        let (r, _, n) = drive(&mut c, vec![Ok(ok())]);
        assert!(r.is_ok());
        assert_eq!(n, 3);
    }
}
