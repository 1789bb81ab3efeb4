//! The mock's own behaviour: ordering, repetition, faults, recording, virtual time.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use futures_executor::block_on;
use http::{Method, StatusCode};
use serde_json::json;
use slack_core::transport::{Body, HttpRequest, HttpTransport, Timer, TransportErrorKind};
use slack_transport_mock::{MockReply, MockTransport};

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

fn status(mock: &MockTransport, method: &str) -> Result<u16, TransportErrorKind> {
    block_on(mock.send(post(method, "")))
        .map(|r| r.status.as_u16())
        .map_err(|e| e.kind())
}

#[test]
fn answers_in_order_per_method_then_fail_loudly() {
    let mock = MockTransport::new();
    mock.on("a").respond_json(json!({"ok": true, "n": 1}));
    mock.on("a").respond_json(json!({"ok": true, "n": 2}));
    mock.on("b").server_error(502);
    let body = |m: &str| {
        block_on(mock.send(post(m, ""))).map(|r| String::from_utf8_lossy(&r.body).into_owned())
    };
    assert!(body("a").unwrap().contains("\"n\":1"));
    assert_eq!(status(&mock, "b"), Ok(502));
    assert!(body("a").unwrap().contains("\"n\":2"));
    let e = block_on(mock.send(post("a", ""))).unwrap_err();
    assert_eq!(e.kind(), TransportErrorKind::InvalidRequest);
    assert!(e.to_string().contains("no scripted answer for a"));
}

#[test]
fn times_always_any_and_closures() {
    let mock = MockTransport::new();
    mock.on("t").times(2).api_error("fatal_error");
    mock.on("t").respond_json(json!({"ok": true}));
    mock.on("s").always().respond_json(json!({"ok": true}));
    mock.on_any().always().server_error(500);
    mock.on_fn("f", |r| {
        let n = r.form().len();
        MockReply::Response(slack_transport_mock::ok_json(
            json!({"ok": true, "args": n}),
        ))
    });
    for _ in 0..2 {
        let r = block_on(mock.send(post("t", ""))).unwrap();
        assert!(String::from_utf8_lossy(&r.body).contains("fatal_error"));
    }
    assert_eq!(status(&mock, "t"), Ok(200));
    for _ in 0..5 {
        assert_eq!(status(&mock, "s"), Ok(200));
    }
    assert_eq!(status(&mock, "zzz"), Ok(500));
    let r = block_on(mock.send(post("f", "a=1&b=2"))).unwrap();
    assert!(String::from_utf8_lossy(&r.body).contains("\"args\":2"));
}

#[test]
fn faults_say_whether_the_request_was_sent() {
    let mock = MockTransport::new();
    mock.on("m").refuse_connection();
    mock.on("m").drop_connection();
    mock.on("m").timeout();
    mock.on("m").rate_limited(Some(Duration::from_secs(30)));
    mock.on("m")
        .server_error_retry_after(503, Some(Duration::from_secs(2)));
    let e = block_on(mock.send(post("m", ""))).unwrap_err();
    assert!(!e.maybe_sent() && e.kind() == TransportErrorKind::Connect);
    let e = block_on(mock.send(post("m", ""))).unwrap_err();
    assert!(e.maybe_sent() && e.kind() == TransportErrorKind::ConnectionDropped);
    let before = mock.elapsed();
    let mut req = post("m", "");
    req.timeout = Some(Duration::from_secs(7));
    let e = block_on(mock.send(req)).unwrap_err();
    assert!(e.maybe_sent() && e.is_timeout());
    assert_eq!(mock.elapsed() - before, Duration::from_secs(7));
    let r = block_on(mock.send(post("m", ""))).unwrap();
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.retry_after(), Some(Duration::from_secs(30)));
    let r = block_on(mock.send(post("m", ""))).unwrap();
    assert_eq!(
        (r.status.as_u16(), r.retry_after()),
        (503, Some(Duration::from_secs(2)))
    );
}

#[test]
fn delay_advances_virtual_time_and_can_time_out() {
    let mock = MockTransport::new();
    mock.on("slow")
        .delay(Duration::from_secs(5))
        .respond_json(json!({"ok": true}));
    mock.on("slower")
        .delay(Duration::from_secs(60))
        .respond_json(json!({"ok": true}));
    assert_eq!(status(&mock, "slow"), Ok(200));
    assert_eq!(mock.elapsed(), Duration::from_secs(5));
    let mut req = post("slower", "");
    req.timeout = Some(Duration::from_secs(10));
    let e = block_on(mock.send(req)).unwrap_err();
    assert!(e.is_timeout());
    assert_eq!(mock.elapsed(), Duration::from_secs(15));
    let reqs = mock.requests();
    assert_eq!(reqs[0].at, Duration::ZERO);
    assert_eq!(reqs[1].at, Duration::from_secs(5));
}

#[test]
fn five_minute_sleep_is_instant_and_recorded() {
    let mock = MockTransport::new();
    let t0 = mock.now();
    let wall = std::time::Instant::now();
    block_on(mock.sleep(Duration::from_secs(300)));
    assert_eq!(mock.now() - t0, Duration::from_secs(300));
    assert_eq!(mock.sleeps(), vec![Duration::from_secs(300)]);
    assert!(wall.elapsed() < Duration::from_secs(5));
}

#[test]
fn requests_are_recorded_and_parsed_without_leaking_tokens() {
    let mock = MockTransport::new();
    mock.on("chat.postMessage")
        .respond_json(json!({"ok": true}));
    mock.on("conversations.list")
        .respond_json(json!({"ok": true}));
    block_on(mock.send(post("chat.postMessage", "channel=C1&text=hi+there"))).unwrap();
    let get = HttpRequest::new(
        Method::GET,
        "https://slack.com/api/conversations.list?limit=2&cursor=x",
    );
    block_on(mock.send(get)).unwrap();
    let r = &mock.requests_for("chat.postMessage")[0];
    assert_eq!(
        r.form(),
        vec![
            ("channel".into(), "C1".into()),
            ("text".into(), "hi there".into())
        ]
    );
    assert_eq!(r.arg("text").as_deref(), Some("hi there"));
    assert_eq!(r.content_type(), Some("application/x-www-form-urlencoded"));
    assert!(!format!("{r:?}").contains("secret-value"));
    let g = &mock.requests_for("conversations.list")[0];
    assert_eq!(g.method_name, "conversations.list");
    assert_eq!(g.arg("cursor").as_deref(), Some("x"));
    assert_eq!(mock.request_count(), 2);
    mock.clear();
    assert_eq!(mock.request_count(), 0);
}

#[test]
fn streamed_bodies_are_collected() {
    let mock = MockTransport::new();
    mock.on("upload").respond_json(json!({"ok": true}));
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
}

#[cfg(feature = "mockall")]
#[test]
fn mockall_automock() {
    let mut m = slack_transport_mock::MockHttpTransport::new();
    m.expect_send().times(1).returning(|_| {
        Box::pin(async {
            Ok(slack_core::transport::HttpResponse::new(
                StatusCode::OK,
                r#"{"ok":true}"#,
            ))
        })
    });
    let r = block_on(m.send(post("x", ""))).unwrap();
    assert_eq!(r.status, 200);
}
