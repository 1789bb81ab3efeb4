//! The HTTP mock through its public API: ordering, repetition, closures, faults, recording,
//! virtual time.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use futures_executor::block_on;
use http::{Method, StatusCode};
use serde_json::json;
use slack_core::transport::{
    Body, HttpRequest, HttpResponse, HttpTransport, Timer, TransportError, TransportErrorKind,
};
use slack_transport_mock::{ok_json, MockReply, MockTransport, VirtualClock};

fn post(method: &str, body: &'static str) -> HttpRequest {
    let mut r = HttpRequest::new(Method::POST, format!("https://slack.com/api/{method}"));
    r.headers.insert(
        http::header::CONTENT_TYPE,
        "application/x-www-form-urlencoded".parse().unwrap(),
    );
    r.headers.insert(
        http::header::AUTHORIZATION,
        "Bearer xoxb-secret-value".parse().unwrap(),
    );
    r.body = Body::from(body);
    r
}

fn send(mock: &MockTransport, method: &str) -> Result<HttpResponse, TransportError> {
    block_on(mock.send(post(method, "")))
}

fn body(r: &HttpResponse) -> serde_json::Value {
    serde_json::from_slice(&r.body).unwrap()
}

#[test]
fn fifo_per_method() {
    let mock = MockTransport::new();
    mock.on("a").respond_json(json!({"ok": true, "n": 1}));
    mock.on("b").respond_json(json!({"ok": true, "n": 10}));
    mock.on("a").respond_json(json!({"ok": true, "n": 2}));
    mock.on("a").respond_json(json!({"ok": true, "n": 3}));
    assert_eq!(body(&send(&mock, "a").unwrap())["n"], 1);
    assert_eq!(body(&send(&mock, "a").unwrap())["n"], 2);
    assert_eq!(body(&send(&mock, "b").unwrap())["n"], 10);
    assert_eq!(body(&send(&mock, "a").unwrap())["n"], 3);
    assert_eq!(mock.remaining_responses(), 0);
}

#[test]
fn respond_json_is_200_json() {
    let mock = MockTransport::new();
    mock.on("auth.test").respond_json(json!({"ok": true}));
    let r = send(&mock, "auth.test").unwrap();
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.headers[http::header::CONTENT_TYPE],
        "application/json; charset=utf-8"
    );
    assert_eq!(&r.body[..], br#"{"ok":true}"#);
}

#[test]
fn nothing_scripted_fails_loudly_and_is_recorded() {
    let mock = MockTransport::new();
    mock.on("a").respond_json(json!({"ok": true}));
    send(&mock, "a").unwrap();
    let e = send(&mock, "a").unwrap_err();
    assert_eq!(e.kind(), TransportErrorKind::InvalidRequest);
    assert!(!e.maybe_sent());
    assert!(e.to_string().contains("no scripted response for a"), "{e}");
    let e = send(&mock, "chat.postMessage").unwrap_err();
    assert_eq!(e.message(), "no scripted response for chat.postMessage");
    assert_eq!(mock.request_count(), 3);
    assert_eq!(mock.requests_for("chat.postMessage").len(), 1);
}

#[test]
fn times_and_always() {
    let mock = MockTransport::new();
    mock.on("t").times(2).api_error("fatal_error");
    mock.on("t").respond_json(json!({"ok": true}));
    mock.on("s").always().respond_json(json!({"ok": true}));
    assert_eq!(mock.remaining_responses(), 3);
    for _ in 0..2 {
        assert_eq!(body(&send(&mock, "t").unwrap())["error"], "fatal_error");
    }
    assert_eq!(body(&send(&mock, "t").unwrap())["ok"], true);
    assert!(send(&mock, "t").is_err(), "used up");
    for _ in 0..10 {
        assert_eq!(send(&mock, "s").unwrap().status, 200);
    }
    assert_eq!(mock.remaining_responses(), 0);
}

#[test]
fn on_any_is_the_fallback() {
    let mock = MockTransport::new();
    mock.on_any().always().server_error(500);
    mock.on("a").respond_json(json!({"ok": true}));
    assert_eq!(send(&mock, "a").unwrap().status, 200);
    assert_eq!(send(&mock, "a").unwrap().status, 500);
    assert_eq!(send(&mock, "zzz").unwrap().status, 500);
}

#[test]
fn on_fn_answers_from_the_request() {
    let mock = MockTransport::new();
    mock.on_fn("conversations.info", |r| {
        match r.arg("channel").as_deref() {
            Some("C1") => MockReply::json(json!({"ok": true, "channel": {"id": "C1"}})),
            Some(_) => MockReply::api_error("channel_not_found"),
            None => MockReply::fail(TransportErrorKind::ConnectionDropped),
        }
    });
    let r = block_on(mock.send(post("conversations.info", "channel=C1"))).unwrap();
    assert_eq!(body(&r)["channel"]["id"], "C1");
    let r = block_on(mock.send(post("conversations.info", "channel=C9"))).unwrap();
    assert_eq!(body(&r)["error"], "channel_not_found");
    let e = block_on(mock.send(post("conversations.info", ""))).unwrap_err();
    assert_eq!(e.kind(), TransportErrorKind::ConnectionDropped);
    assert_eq!(
        mock.remaining_responses(),
        0,
        "on_fn is sticky, not counted"
    );

    // A closure with a use limit: respond_with.
    mock.on("echo")
        .times(1)
        .respond_with(|r| MockReply::from(ok_json(json!({"ok": true, "args": r.form().len()}))));
    let r = block_on(mock.send(post("echo", "a=1&b=2"))).unwrap();
    assert_eq!(body(&r)["args"], 2);
    assert!(send(&mock, "echo").is_err());
}

#[test]
fn every_fault_has_its_kind_and_maybe_sent() {
    let mock = MockTransport::new();
    mock.on("m").fail(TransportErrorKind::Connect);
    mock.on("m").refuse_connection();
    mock.on("m").fail(TransportErrorKind::Tls);
    mock.on("m").drop_connection();
    mock.on("m").timeout();
    mock.on("m")
        .error(TransportError::new(TransportErrorKind::Io, "custom").with_maybe_sent(false));
    let expect = [
        (TransportErrorKind::Connect, false),
        (TransportErrorKind::Connect, false),
        (TransportErrorKind::Tls, false),
        (TransportErrorKind::ConnectionDropped, true),
        (TransportErrorKind::Timeout, true),
        (TransportErrorKind::Io, false),
    ];
    for (kind, maybe_sent) in expect {
        let e = send(&mock, "m").unwrap_err();
        assert_eq!((e.kind(), e.maybe_sent()), (kind, maybe_sent), "{e}");
    }
    assert_eq!(mock.request_count(), expect.len());
}

#[test]
fn rate_limited_has_retry_after() {
    let mock = MockTransport::new();
    mock.on("m").rate_limited(Some(Duration::from_secs(30)));
    mock.on("m").rate_limited(None);
    let r = send(&mock, "m").unwrap();
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers[http::header::RETRY_AFTER], "30");
    assert_eq!(r.retry_after(), Some(Duration::from_secs(30)));
    assert_eq!(body(&r), json!({"ok": false, "error": "ratelimited"}));
    let r = send(&mock, "m").unwrap();
    assert_eq!(r.status, 429);
    assert_eq!(r.retry_after(), None);
}

#[test]
fn server_errors_and_api_errors() {
    let mock = MockTransport::new();
    for status in [500, 502, 503] {
        mock.on("m").server_error(status);
    }
    mock.on("m")
        .server_error_retry_after(503, Some(Duration::from_secs(2)));
    mock.on("m").api_error("fatal_error");
    mock.on("m").respond_html("<html>login</html>");
    for status in [500, 502, 503] {
        let r = send(&mock, "m").unwrap();
        assert_eq!((r.status.as_u16(), r.retry_after()), (status, None));
    }
    let r = send(&mock, "m").unwrap();
    assert_eq!(
        (r.status.as_u16(), r.retry_after()),
        (503, Some(Duration::from_secs(2)))
    );
    let r = send(&mock, "m").unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(body(&r), json!({"ok": false, "error": "fatal_error"}));
    let r = send(&mock, "m").unwrap();
    assert_eq!(
        r.headers[http::header::CONTENT_TYPE],
        "text/html; charset=utf-8"
    );
}

#[test]
fn five_minute_sleep_is_instant_and_recorded() {
    let mock = MockTransport::new();
    let t0 = mock.now();
    let wall = Instant::now();
    block_on(mock.sleep(Duration::from_secs(300)));
    assert_eq!(mock.elapsed(), Duration::from_secs(300));
    assert_eq!(mock.now() - t0, Duration::from_secs(300));
    assert_eq!(mock.sleeps(), vec![Duration::from_secs(300)]);
    assert!(wall.elapsed() < Duration::from_secs(5), "no real waiting");
    mock.advance(Duration::from_secs(5));
    assert_eq!(mock.elapsed(), Duration::from_secs(305));
    assert_eq!(mock.sleeps().len(), 1, "advance is not a sleep");
}

#[test]
fn delay_advances_time_and_requests_are_stamped() {
    let mock = MockTransport::new();
    mock.on("slow")
        .delay(Duration::from_secs(5))
        .respond_json(json!({"ok": true}));
    mock.on("slower")
        .delay(Duration::from_secs(60))
        .respond_json(json!({"ok": true}));
    mock.on("slower")
        .delay(Duration::from_secs(60))
        .respond_json(json!({"ok": true}));
    mock.on("fast").respond_json(json!({"ok": true}));

    assert_eq!(send(&mock, "slow").unwrap().status, 200);
    assert_eq!(mock.elapsed(), Duration::from_secs(5));

    // Slower than the request's own timeout: a timeout after 10 s.
    let mut req = post("slower", "");
    req.timeout = Some(Duration::from_secs(10));
    let e = block_on(mock.send(req)).unwrap_err();
    assert!(e.is_timeout() && e.maybe_sent());
    assert_eq!(mock.elapsed(), Duration::from_secs(15));

    // With a longer timeout the slow answer arrives.
    let mut req = post("slower", "");
    req.timeout = Some(Duration::from_secs(90));
    assert_eq!(block_on(mock.send(req)).unwrap().status, 200);
    assert_eq!(mock.elapsed(), Duration::from_secs(75));

    block_on(mock.sleep(Duration::from_secs(25)));
    send(&mock, "fast").unwrap();

    let at: Vec<Duration> = mock.requests().iter().map(|r| r.at).collect();
    let secs = |s| Duration::from_secs(s);
    assert_eq!(at, vec![secs(0), secs(5), secs(15), secs(100)]);
    assert!(
        mock.sleeps() == vec![secs(25)],
        "delays are not client sleeps"
    );
}

#[test]
fn delay_beyond_the_default_timeout_times_out() {
    let mock = MockTransport::new();
    mock.on("m")
        .delay(Duration::from_secs(45))
        .respond_json(json!({"ok": true}));
    let e = send(&mock, "m").unwrap_err();
    assert_eq!(e.kind(), TransportErrorKind::Timeout);
    assert_eq!(mock.elapsed(), MockTransport::DEFAULT_TIMEOUT);
}

#[test]
fn shared_clock_with_manual_mode() {
    use futures_util::FutureExt;
    let clock = VirtualClock::manual();
    let mock = MockTransport::with_clock(clock.clone());
    mock.on("m").timeout();
    let mut call = mock.send(post("m", ""));
    assert!((&mut call).now_or_never().is_none(), "waits for the test");
    assert_eq!(clock.next_wake(), Some(MockTransport::DEFAULT_TIMEOUT));
    clock.advance(Duration::from_secs(29));
    assert!((&mut call).now_or_never().is_none());
    clock.advance(Duration::from_secs(1));
    let e = call.now_or_never().unwrap().unwrap_err();
    assert!(e.is_timeout());
}

#[test]
fn recorded_requests_parse_form_json_and_query() {
    let mock = MockTransport::new();
    mock.on_any().always().respond_json(json!({"ok": true}));

    block_on(mock.send(post("chat.postMessage", "channel=C1&text=hi+there%21"))).unwrap();

    let mut req = HttpRequest::new(Method::POST, "https://slack.com/api/chat.update?x=1");
    req.headers.insert(
        http::header::CONTENT_TYPE,
        "application/json; charset=utf-8".parse().unwrap(),
    );
    req.body = Body::from(r#"{"channel":"C1","ts":"1.0","blocks":[]}"#);
    req.timeout = Some(Duration::from_secs(3));
    block_on(mock.send(req)).unwrap();

    let get = HttpRequest::new(
        Method::GET,
        "https://slack.com/api/conversations.list?limit=2&cursor=x",
    );
    block_on(mock.send(get)).unwrap();

    let r = &mock.requests_for("chat.postMessage")[0];
    assert_eq!(r.method, Method::POST);
    assert_eq!(r.url, "https://slack.com/api/chat.postMessage");
    assert_eq!(
        r.form(),
        vec![
            ("channel".to_owned(), "C1".to_owned()),
            ("text".to_owned(), "hi there!".to_owned())
        ]
    );
    assert_eq!(r.content_type(), Some("application/x-www-form-urlencoded"));
    assert_eq!(r.header("authorization"), Some("Bearer xoxb-secret-value"));
    assert_eq!(r.json(), None);
    assert!(
        !format!("{r:?}").contains("secret-value"),
        "Debug hides the token"
    );

    let u = &mock.requests_for("chat.update")[0];
    assert_eq!(u.method_name, "chat.update", "query string ignored");
    assert_eq!(u.json().unwrap()["ts"], "1.0");
    assert_eq!(u.arg("channel").as_deref(), Some("C1"));
    assert_eq!(u.timeout, Some(Duration::from_secs(3)));

    let g = mock.last_request().unwrap();
    assert_eq!(g.method_name, "conversations.list");
    assert_eq!(g.form(), g.query());
    assert_eq!(g.arg("cursor").as_deref(), Some("x"));
    assert!(g.body.is_empty());

    assert_eq!(mock.request_count(), 3);
    mock.clear_requests();
    assert_eq!(mock.request_count(), 0);
    assert!(send(&mock, "still.scripted").is_ok());
    mock.clear();
    assert!(send(&mock, "still.scripted").is_err());
}

#[test]
fn streamed_bodies_are_collected() {
    let mock = MockTransport::new();
    mock.on("upload").times(2).respond_json(json!({"ok": true}));
    let mut req = HttpRequest::new(Method::POST, "https://files.example/upload");
    let chunks = futures_util::stream::iter(vec![
        Ok(bytes::Bytes::from_static(b"ab")),
        Ok(bytes::Bytes::from_static(b"cd")),
    ]);
    req.body = Body::Stream {
        len: Some(4),
        stream: Box::pin(chunks),
    };
    block_on(mock.send(req)).unwrap();
    assert_eq!(&mock.requests()[0].body[..], b"abcd");

    // A body stream that fails: an I/O error, nothing recorded.
    let mut req = HttpRequest::new(Method::POST, "https://files.example/upload");
    let chunks = futures_util::stream::iter(vec![
        Ok(bytes::Bytes::from_static(b"ab")),
        Err(std::io::Error::other("disk gone")),
    ]);
    req.body = Body::Stream {
        len: None,
        stream: Box::pin(chunks),
    };
    let e = block_on(mock.send(req)).unwrap_err();
    assert_eq!(e.kind(), TransportErrorKind::Io);
    assert_eq!(mock.request_count(), 1);
}

#[test]
fn clones_share_script_and_records_across_threads() {
    let mock = MockTransport::new();
    mock.on("m").times(4).respond_json(json!({"ok": true}));
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let m = mock.clone();
            std::thread::spawn(move || send(&m, "m").map(|r| r.status.as_u16()))
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap().unwrap(), 200);
    }
    assert_eq!(mock.request_count(), 4);
    assert_eq!(mock.remaining_responses(), 0);
}

/// Retries whatever the server gave a `Retry-After` for, after that delay.
#[derive(Debug)]
struct HonourRetryAfter;

impl slack_core::RetryHandler for HonourRetryAfter {
    fn decide(
        &self,
        ctx: &mut slack_core::retry::RetryContext<'_>,
    ) -> slack_core::retry::RetryDecision {
        match ctx.outcome.retry_after() {
            Some(delay) => slack_core::retry::RetryDecision::RetryAfter {
                delay,
                reason: "retry-after",
            },
            None => slack_core::retry::RetryDecision::NoAction,
        }
    }
}

#[test]
fn drives_a_web_client_through_a_five_minute_backoff_instantly() {
    let mock = MockTransport::new();
    mock.on("chat.postMessage")
        .rate_limited(Some(Duration::from_secs(300)));
    mock.on("chat.postMessage")
        .respond_json(json!({"ok": true, "channel": "C1", "ts": "1.0"}));
    let client = slack_core::WebClientBuilder::new()
        .token("xoxb-test")
        .retry_policy(slack_core::RetryPolicy::new(vec![std::sync::Arc::new(
            HonourRetryAfter,
        )]))
        .build_with(mock.clone())
        .unwrap();
    let wall = Instant::now();
    let res = block_on(client.api_call("chat.postMessage", slack_core::Args::new()));
    assert!(res.is_ok(), "{res:?}");
    assert!(wall.elapsed() < Duration::from_secs(5), "no real waiting");
    assert_eq!(mock.sleeps(), vec![Duration::from_secs(300)]);
    let at: Vec<Duration> = mock.requests().iter().map(|r| r.at).collect();
    assert_eq!(at, vec![Duration::ZERO, Duration::from_secs(300)]);
    assert_eq!(mock.elapsed(), Duration::from_secs(300));
}
