//! Plain HTTP against real local servers: what is sent, what comes back, framing, pooling.
#![allow(clippy::unwrap_used)]

mod common;

use bytes::Bytes;
use common::{plain, post};
use http::{Method, StatusCode};
use slack_core::transport::{Body, HttpRequest, HttpTransport};

fn stream_of(chunks: Vec<&'static [u8]>) -> slack_core::transport::BoxBodyStream {
    Box::pin(futures_util::stream::iter(
        chunks
            .into_iter()
            .map(|c| Ok::<_, std::io::Error>(Bytes::from_static(c))),
    ))
}

#[tokio::test]
async fn round_trip_carries_method_path_headers_and_body() {
    let (addr, seen) = common::http_server().await;
    let resp = plain()
        .send(post(
            format!("http://{addr}/api/chat.postMessage?x=1"),
            "channel=C1&text=hi",
        ))
        .await
        .unwrap();
    assert_eq!(resp.status, StatusCode::OK);
    assert_eq!(resp.headers["x-test"], "yes");
    assert_eq!(resp.headers["content-type"], "application/json");
    assert_eq!(&resp.body[..], br#"{"ok":true,"echo_len":18}"#);

    let s = seen.lock().unwrap()[0].clone();
    assert_eq!(s.method, "POST");
    assert_eq!(s.path, "/api/chat.postMessage?x=1");
    assert_eq!(s.header("authorization"), Some("Bearer xoxb-test"));
    assert_eq!(
        s.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(s.header("content-length"), Some("18"));
    assert_eq!(s.header("host"), Some(addr.to_string().as_str()));
    assert_eq!(s.body, b"channel=C1&text=hi");
    // Plain http is always HTTP/1.1.
    assert_eq!(s.version, "HTTP/1.1");
}

#[tokio::test]
async fn other_methods_and_empty_bodies() {
    let (addr, seen) = common::http_server().await;
    let t = plain();
    let r = t
        .send(HttpRequest::new(
            Method::GET,
            format!("http://{addr}/files/F1"),
        ))
        .await
        .unwrap();
    assert_eq!(r.status, 200);
    let r = t
        .send(HttpRequest::new(Method::PUT, format!("http://{addr}/up")))
        .await
        .unwrap();
    assert_eq!(r.status, 200);
    let seen = seen.lock().unwrap();
    assert_eq!(seen[0].method, "GET");
    assert_eq!(seen[0].header("content-length"), None);
    assert_eq!(seen[1].method, "PUT");
    assert_eq!(seen[1].header("content-length"), Some("0"));
}

#[tokio::test]
async fn content_length_chunked_and_close_delimited_responses() {
    let cases: [(&str, &'static [u8]); 3] = [
        (
            "content-length",
            b"HTTP/1.1 201 Created\r\nx-kind: length\r\ncontent-length: 11\r\n\r\n{\"ok\":true}",
        ),
        (
            "chunked",
            b"HTTP/1.1 201 Created\r\nx-kind: chunked\r\ntransfer-encoding: chunked\r\n\r\n5\r\n{\"ok\"\r\n6\r\n:true}\r\n0\r\n\r\n",
        ),
        (
            "close-delimited",
            b"HTTP/1.1 201 Created\r\nx-kind: close\r\nconnection: close\r\n\r\n{\"ok\":true}",
        ),
    ];
    let t = plain();
    for (name, response) in cases {
        let addr = common::canned_server(response).await;
        let r = t
            .send(post(format!("http://{addr}/x"), "a=1"))
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(r.status, StatusCode::CREATED, "{name}");
        assert!(r.headers.contains_key("x-kind"), "{name}");
        assert_eq!(&r.body[..], br#"{"ok":true}"#, "{name}");
    }
}

#[tokio::test]
async fn streamed_request_body_with_and_without_length() {
    let (addr, seen) = common::http_server().await;
    let t = plain();

    let chunks: Vec<&'static [u8]> = vec![&[b'z'; 1000]; 100];
    let mut r = HttpRequest::new(Method::POST, format!("http://{addr}/upload"));
    r.body = Body::Stream {
        len: Some(100_000),
        stream: stream_of(chunks),
    };
    let resp = t.send(r).await.unwrap();
    assert_eq!(&resp.body[..], br#"{"ok":true,"echo_len":100000}"#);

    let mut r = HttpRequest::new(Method::POST, format!("http://{addr}/upload"));
    r.body = Body::Stream {
        len: None,
        stream: stream_of(vec![b"ab", b"c"]),
    };
    let resp = t.send(r).await.unwrap();
    assert_eq!(&resp.body[..], br#"{"ok":true,"echo_len":3}"#);

    let seen = seen.lock().unwrap();
    assert_eq!(seen[0].header("content-length"), Some("100000"));
    assert_eq!(seen[0].header("transfer-encoding"), None);
    assert_eq!(seen[0].body.len(), 100_000);
    assert_eq!(seen[1].header("content-length"), None);
    assert_eq!(seen[1].header("transfer-encoding"), Some("chunked"));
    assert_eq!(seen[1].body, b"abc");
}

#[tokio::test]
async fn large_response_under_the_limit() {
    let (addr, _) = common::http_server().await;
    let big = plain()
        .send(HttpRequest::new(Method::GET, format!("http://{addr}/big")))
        .await
        .unwrap();
    assert_eq!(big.body.len(), 3 * 1024 * 1024);
}

#[tokio::test]
async fn clones_share_one_client() {
    let (addr, seen) = common::http_server().await;
    let t = plain();
    let t2 = t.clone();
    for i in 0..10 {
        let tr = if i % 2 == 0 { &t } else { &t2 };
        let r = tr
            .send(post(format!("http://{addr}/x"), "a=1"))
            .await
            .unwrap();
        assert_eq!(r.status, 200);
    }
    assert_eq!(seen.lock().unwrap().len(), 10);
}

#[tokio::test]
async fn concurrent_requests() {
    let (addr, seen) = common::http_server().await;
    let t = plain();
    let sends = (0..16).map(|_| t.send(post(format!("http://{addr}/c"), "a=1")));
    for r in futures_util::future::join_all(sends).await {
        assert_eq!(r.unwrap().status, 200);
    }
    assert_eq!(seen.lock().unwrap().len(), 16);
}
