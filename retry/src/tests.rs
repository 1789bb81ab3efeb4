//! Decisions of the built-in handlers on every kind of outcome.

use std::time::Duration;

use http::StatusCode;
use slack_core::response::parse_response;
use slack_core::retry::Rng;
use slack_core::transport::{HttpResponse, TransportError, TransportErrorKind};
use slack_core::Error;

use super::*;

fn api_error(status: u16, body: &'static str, retry_after: Option<&str>) -> Error {
    let mut r = HttpResponse::new(StatusCode::from_u16(status).unwrap(), body);
    if let Some(ra) = retry_after {
        r.headers
            .insert(http::header::RETRY_AFTER, ra.parse().unwrap());
    }
    parse_response("conversations.list", r).unwrap_err()
}

fn decide_on(handler: &dyn RetryHandler, outcome: Outcome<'_>, attempt: u32) -> RetryDecision {
    let mut rng = Rng::new(42);
    let mut ctx = RetryContext::new(
        slack_core::method::lookup("conversations.list").unwrap(),
        attempt,
        Duration::ZERO,
        outcome,
        &mut rng,
        None,
    );
    handler.decide(&mut ctx)
}

fn delay(d: RetryDecision) -> Option<Duration> {
    match d {
        RetryDecision::RetryAfter { delay, .. } => Some(delay),
        _ => None,
    }
}

#[test]
fn connection_errors() {
    let h = ConnectionErrorRetryHandler::default();
    for kind in [
        TransportErrorKind::Connect,
        TransportErrorKind::Timeout,
        TransportErrorKind::ConnectionDropped,
    ] {
        let e = TransportError::new(kind, "x");
        let d = delay(decide_on(&h, Outcome::Transport(&e), 1)).unwrap();
        assert!(
            d >= Duration::from_millis(250) && d <= Duration::from_millis(500),
            "{d:?}"
        );
        assert_eq!(
            decide_on(&h, Outcome::Transport(&e), 3),
            RetryDecision::NoAction
        );
    }
    let tls = TransportError::new(TransportErrorKind::Tls, "bad cert");
    assert_eq!(
        decide_on(&h, Outcome::Transport(&tls), 1),
        RetryDecision::NoAction
    );
}

#[test]
fn rate_limits_wait_retry_after_plus_bounded_jitter() {
    let h = RateLimitErrorRetryHandler::default();
    let e = api_error(429, r#"{"ok":false,"error":"ratelimited"}"#, Some("30"));
    let d = delay(decide_on(
        &h,
        Outcome::Response {
            status: StatusCode::TOO_MANY_REQUESTS,
            error: &e,
        },
        1,
    ))
    .unwrap();
    assert!(
        d >= Duration::from_secs(30) && d <= Duration::from_secs(31),
        "{d:?}"
    );
    let e = api_error(429, r#"{"ok":false,"error":"ratelimited"}"#, None);
    assert!(delay(decide_on(
        &h,
        Outcome::Response {
            status: StatusCode::TOO_MANY_REQUESTS,
            error: &e
        },
        1
    ))
    .is_some());
    assert_eq!(
        decide_on(
            &h,
            Outcome::Response {
                status: StatusCode::TOO_MANY_REQUESTS,
                error: &e
            },
            4
        ),
        RetryDecision::NoAction
    );
    let e = api_error(200, r#"{"ok":false,"error":"ratelimited"}"#, None);
    assert!(delay(decide_on(
        &h,
        Outcome::Response {
            status: StatusCode::OK,
            error: &e
        },
        1
    ))
    .is_some());
}

#[test]
fn server_errors() {
    let h = ServerErrorRetryHandler::default();
    for s in [500u16, 502, 503, 504] {
        let e = api_error(s, "oops", None);
        let status = StatusCode::from_u16(s).unwrap();
        assert!(
            delay(decide_on(&h, Outcome::Response { status, error: &e }, 1)).is_some(),
            "{s}"
        );
    }
    let e = api_error(404, "nope", None);
    assert_eq!(
        decide_on(
            &h,
            Outcome::Response {
                status: StatusCode::NOT_FOUND,
                error: &e
            },
            1
        ),
        RetryDecision::NoAction
    );
    // A 200 that is cut off or an HTML page: retried, unless turned off.
    for body in [r#"{"ok":true,"chan"#, "<html>busy</html>"] {
        let e = api_error(200, body, None);
        let outcome = Outcome::Response {
            status: StatusCode::OK,
            error: &e,
        };
        assert!(matches!(e, Error::Decode(_)));
        assert!(delay(decide_on(&h, outcome, 1)).is_some(), "{body}");
        assert_eq!(
            decide_on(&h.clone().undecodable(false), outcome, 1),
            RetryDecision::NoAction
        );
        assert_eq!(decide_on(&h, outcome, 3), RetryDecision::NoAction);
    }
}

#[test]
fn fatal_errors() {
    let h = FatalErrorRetryHandler::default();
    for code in ["fatal_error", "internal_error", "service_unavailable"] {
        let body: &'static str =
            Box::leak(format!(r#"{{"ok":false,"error":"{code}"}}"#).into_boxed_str());
        let e = api_error(200, body, None);
        assert!(
            delay(decide_on(
                &h,
                Outcome::Response {
                    status: StatusCode::OK,
                    error: &e
                },
                1
            ))
            .is_some(),
            "{code}"
        );
    }
    let e = api_error(200, r#"{"ok":false,"error":"channel_not_found"}"#, None);
    assert_eq!(
        decide_on(
            &h,
            Outcome::Response {
                status: StatusCode::OK,
                error: &e
            },
            1
        ),
        RetryDecision::NoAction
    );
}

#[test]
fn closures() {
    let h = handler_fn(|ctx| {
        if ctx.attempt == 1 {
            RetryDecision::Forbid
        } else {
            RetryDecision::NoAction
        }
    });
    let e = TransportError::new(TransportErrorKind::Connect, "x");
    assert_eq!(
        decide_on(&h, Outcome::Transport(&e), 1),
        RetryDecision::Forbid
    );
    assert_eq!(default_handlers().len(), 4);
    assert_eq!(default_policy().attempts_cap(), 5);
}

/// Both ready-made policies take their limits from the one place, so they cannot drift.
#[test]
fn default_and_deterministic_policies_share_their_limits() {
    for p in [default_policy(), deterministic_policy()] {
        assert_eq!(p.attempts_cap(), DEFAULT_MAX_ATTEMPTS);
        assert_eq!(p.time_budget(), Some(DEFAULT_BUDGET));
        assert_eq!(p.handlers().len(), default_handlers().len());
    }
}

/// Which failed attempts of a write may be re-sent: refusals yes, anything that may have
/// been applied (503 with `Retry-After` included) no.
#[test]
fn only_refusals_are_provably_not_applied() {
    let cases = [
        (429, r#"{"ok":false,"error":"ratelimited"}"#, None, true),
        (200, r#"{"ok":false,"error":"ratelimited"}"#, None, true),
        (
            200,
            r#"{"ok":false,"error":"channel_not_found"}"#,
            None,
            true,
        ),
        (400, "bad request", None, true),
        (200, r#"{"ok":false,"error":"fatal_error"}"#, None, false),
        (200, r#"{"ok":false,"error":"internal_error"}"#, None, false),
        (500, "<html>", None, false),
        (503, "<html>", Some("1"), false),
        (503, "<html>", None, false),
        (200, r#"{"ok":true,"#, None, false),
    ];
    for (status, body, ra, expected) in cases {
        let e = api_error(status, body, ra);
        let outcome = Outcome::Response {
            status: http::StatusCode::from_u16(status).unwrap(),
            error: &e,
        };
        assert_eq!(outcome.provably_not_applied(), expected, "{status} {body}");
        assert_eq!(outcome.may_have_applied(), !expected);
    }
    let sent = TransportError::new(TransportErrorKind::ConnectionDropped, "x");
    assert!(Outcome::Transport(&sent).may_have_applied());
    let not_sent = TransportError::new(TransportErrorKind::Connect, "x");
    assert!(Outcome::Transport(&not_sent).provably_not_applied());
}
