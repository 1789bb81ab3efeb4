//! Failures, each with the right kind and the right "may have been sent".
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use bytes::Bytes;
use common::{plain, post};
use http::Method;
use slack_core::transport::{Body, HttpRequest, HttpTransport, TransportErrorKind};
use slack_transport_hyper::HyperTransport;

const SHORT: Duration = Duration::from_millis(200);

#[tokio::test]
async fn connection_refused_is_connect_and_not_sent() {
    // Bound but not listening: a connection is refused, and no other test's listener can
    // take the port meanwhile (a dropped listener's port could be handed out again).
    let holder = tokio::net::TcpSocket::new_v4().unwrap();
    holder.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = holder.local_addr().unwrap();
    let e = plain()
        .send(post(format!("http://{addr}/x"), "a=1"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), TransportErrorKind::Connect, "{e}");
    assert!(!e.maybe_sent());
    assert!(e.is_connect());
}

#[tokio::test]
async fn invalid_url_is_invalid_request_and_not_sent() {
    for url in ["no scheme", "ftp://example.com/", "http://"] {
        let e = plain()
            .send(HttpRequest::new(Method::GET, url))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), TransportErrorKind::InvalidRequest, "{url}: {e}");
        assert!(!e.maybe_sent(), "{url}");
    }
}

#[tokio::test]
async fn no_answer_after_sending_is_timeout_and_maybe_sent() {
    // Reads the request, never answers, holds the socket until we give up.
    let addr = common::raw_server(common::hold).await;
    let mut r = post(format!("http://{addr}/x"), "a=1");
    r.timeout = Some(SHORT);
    let e = plain().send(r).await.unwrap_err();
    assert_eq!(e.kind(), TransportErrorKind::Timeout, "{e}");
    assert!(e.maybe_sent());
}

#[tokio::test]
async fn transport_default_timeout_applies() {
    let addr = common::raw_server(common::hold).await;
    let t = HyperTransport::builder()
        .no_proxy()
        .timeout(SHORT)
        .build()
        .unwrap();
    let e = t
        .send(post(format!("http://{addr}/x"), "a=1"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), TransportErrorKind::Timeout, "{e}");
    assert!(e.maybe_sent());
}

#[tokio::test]
async fn stalled_tls_handshake_is_connect_timeout_and_not_sent() {
    let addr = common::silent_server().await;
    let t = HyperTransport::builder()
        .no_proxy()
        .connect_timeout(SHORT)
        .build()
        .unwrap();
    let e = t
        .send(post(format!("https://localhost:{}/x", addr.port()), "a=1"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), TransportErrorKind::ConnectTimeout, "{e}");
    assert!(!e.maybe_sent());
}

#[tokio::test]
async fn deadline_before_a_connection_is_connect_timeout_and_not_sent() {
    // The connect timeout is long; the request's own deadline passes while still connecting.
    let addr = common::silent_server().await;
    let mut r = post(format!("https://localhost:{}/x", addr.port()), "a=1");
    r.timeout = Some(SHORT);
    let e = plain().send(r).await.unwrap_err();
    assert_eq!(e.kind(), TransportErrorKind::ConnectTimeout, "{e}");
    assert!(!e.maybe_sent());
}

#[tokio::test]
async fn drop_mid_body_is_connection_dropped_and_maybe_sent() {
    let addr = common::canned_server(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"ok\":true",
    )
    .await;
    let e = plain()
        .send(post(format!("http://{addr}/x"), "a=1"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), TransportErrorKind::ConnectionDropped, "{e}");
    assert!(e.maybe_sent());
}

#[tokio::test]
async fn close_before_any_answer_is_connection_dropped_and_maybe_sent() {
    let addr = common::canned_server(b"").await;
    let e = plain()
        .send(post(format!("http://{addr}/x"), "a=1"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), TransportErrorKind::ConnectionDropped, "{e}");
    assert!(e.maybe_sent());
}

#[tokio::test]
async fn garbage_answer_is_protocol_and_maybe_sent() {
    let addr = common::canned_server(b"SMTP ready\r\n\r\n").await;
    let e = plain()
        .send(post(format!("http://{addr}/x"), "a=1"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), TransportErrorKind::Protocol, "{e}");
    assert!(e.maybe_sent());
}

#[tokio::test]
async fn body_over_the_limit_is_body_too_large() {
    let (addr, _) = common::http_server().await;
    let t = HyperTransport::builder()
        .no_proxy()
        .max_response_body(1024 * 1024)
        .build()
        .unwrap();
    // Announced by Content-Length.
    let e = t
        .send(HttpRequest::new(Method::GET, format!("http://{addr}/big")))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), TransportErrorKind::BodyTooLarge, "{e}");

    // Found while reading a chunked body.
    let addr = common::canned_server(
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n8\r\n01234567\r\n8\r\n89abcdef\r\n0\r\n\r\n",
    )
    .await;
    let t = HyperTransport::builder()
        .no_proxy()
        .max_response_body(10)
        .build()
        .unwrap();
    let e = t
        .send(HttpRequest::new(Method::GET, format!("http://{addr}/x")))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), TransportErrorKind::BodyTooLarge, "{e}");
}

#[tokio::test]
async fn failing_request_stream_is_maybe_sent() {
    let (addr, seen) = common::http_server().await;
    let chunks = vec![
        Ok(Bytes::from_static(b"first part")),
        Err(std::io::Error::other("disk gone")),
    ];
    let mut r = HttpRequest::new(Method::POST, format!("http://{addr}/upload"));
    r.body = Body::Stream {
        len: None,
        stream: Box::pin(futures_util::stream::iter(chunks)),
    };
    let e = plain().send(r).await.unwrap_err();
    assert_eq!(e.kind(), TransportErrorKind::Io, "{e}");
    assert!(e.maybe_sent(), "the head went out: {e}");
    assert!(e.to_string().contains("disk gone"), "{e}");
    assert!(seen.lock().unwrap().is_empty());
}
