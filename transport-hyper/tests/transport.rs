//! The hyper transport against real local servers.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use bytes::Bytes;
use http::{Method, StatusCode};
use slack_core::transport::{
    Body, HttpRequest, HttpTransport, TransportErrorKind, WsMessage, WsTransport,
};
use slack_transport_hyper::{HyperTransport, Proxy};
use tokio::io::AsyncWriteExt;

fn plain() -> HyperTransport {
    HyperTransport::builder().no_proxy().build().unwrap()
}

fn post(url: String, body: &'static str) -> HttpRequest {
    let mut r = HttpRequest::new(Method::POST, url);
    r.headers.insert(
        "content-type",
        "application/x-www-form-urlencoded".parse().unwrap(),
    );
    r.headers
        .insert("authorization", "Bearer xoxb-test".parse().unwrap());
    r.body = Body::from(body);
    r
}

#[tokio::test]
async fn plain_http_round_trip() {
    let (addr, seen) = common::http_server().await;
    let t = plain();
    let resp = t
        .send(post(
            format!("http://{addr}/api/chat.postMessage"),
            "channel=C1&text=hi",
        ))
        .await
        .unwrap();
    assert_eq!(resp.status, StatusCode::OK);
    assert_eq!(resp.headers["x-test"], "yes");
    assert_eq!(&resp.body[..], br#"{"ok":true,"echo_len":18}"#);
    let s = seen.lock().unwrap()[0].clone();
    assert_eq!(
        (s.method.as_str(), s.path.as_str()),
        ("POST", "/api/chat.postMessage")
    );
    assert!(s
        .headers
        .contains(&("authorization".into(), "Bearer xoxb-test".into())));
    assert!(s.headers.contains(&("content-length".into(), "18".into())));
    assert_eq!(s.body, b"channel=C1&text=hi");
    assert_eq!(s.version, "HTTP/1.1");
}

#[tokio::test]
async fn connections_are_pooled_and_shared_by_clones() {
    let (addr, _) = common::http_server().await;
    let t = plain();
    let t2 = t.clone();
    for i in 0..20 {
        let tr = if i % 2 == 0 { &t } else { &t2 };
        let r = tr
            .send(post(format!("http://{addr}/x"), "a=1"))
            .await
            .unwrap();
        assert_eq!(r.status, 200);
    }
}

#[tokio::test]
async fn streamed_request_body_and_large_response() {
    let (addr, seen) = common::http_server().await;
    let t = plain();
    let chunks: Vec<Result<Bytes, std::io::Error>> = (0..100)
        .map(|_| Ok(Bytes::from(vec![b'z'; 1000])))
        .collect();
    let mut r = HttpRequest::new(Method::POST, format!("http://{addr}/upload"));
    r.body = Body::Stream {
        len: Some(100_000),
        stream: Box::pin(futures_util::stream::iter(chunks)),
    };
    let resp = t.send(r).await.unwrap();
    assert_eq!(&resp.body[..], br#"{"ok":true,"echo_len":100000}"#);
    assert_eq!(seen.lock().unwrap()[0].body.len(), 100_000);
    // Chunked (unknown length) too.
    let chunks: Vec<Result<Bytes, std::io::Error>> =
        vec![Ok(Bytes::from_static(b"ab")), Ok(Bytes::from_static(b"c"))];
    let mut r = HttpRequest::new(Method::POST, format!("http://{addr}/upload"));
    r.body = Body::Stream {
        len: None,
        stream: Box::pin(futures_util::stream::iter(chunks)),
    };
    t.send(r).await.unwrap();
    assert!(seen.lock().unwrap()[1]
        .headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v == "chunked"));
    let big = t
        .send(HttpRequest::new(Method::GET, format!("http://{addr}/big")))
        .await
        .unwrap();
    assert_eq!(big.body.len(), 3 * 1024 * 1024);
}

#[tokio::test]
async fn response_over_the_limit_is_typed() {
    let (addr, _) = common::http_server().await;
    let t = HyperTransport::builder()
        .no_proxy()
        .max_response_body(1024 * 1024)
        .build()
        .unwrap();
    let e = t
        .send(HttpRequest::new(Method::GET, format!("http://{addr}/big")))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), TransportErrorKind::BodyTooLarge);
}

#[tokio::test]
async fn tls_with_custom_root_and_h2() {
    let (cert, key) = common::self_signed(&["localhost"]);
    let (addr, seen) = common::https_server(cert.clone(), key).await;
    let t = HyperTransport::builder()
        .no_proxy()
        .tls_built_in_roots(false)
        .add_root_certificate(cert)
        .build()
        .unwrap();
    let url = format!("https://localhost:{}/api/auth.test", addr.port());
    let resp = t.send(post(url, "")).await.unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(seen.lock().unwrap()[0].version, "HTTP/2.0");
}

#[tokio::test]
async fn tls_without_the_root_is_rejected_before_sending() {
    let (cert, key) = common::self_signed(&["localhost"]);
    let (addr, seen) = common::https_server(cert, key).await;
    let e = plain()
        .send(post(format!("https://localhost:{}/x", addr.port()), ""))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), TransportErrorKind::Tls, "{e}");
    assert!(!e.maybe_sent());
    assert!(seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn wrong_hostname_certificate_is_rejected() {
    let (cert, key) = common::self_signed(&["not-localhost.example"]);
    let (addr, _) = common::https_server(cert.clone(), key).await;
    let t = HyperTransport::builder()
        .no_proxy()
        .tls_built_in_roots(false)
        .add_root_certificate(cert)
        .build()
        .unwrap();
    let e = t
        .send(post(format!("https://localhost:{}/x", addr.port()), ""))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), TransportErrorKind::Tls);
}

#[tokio::test]
async fn connection_refused_is_not_sent() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let e = plain()
        .send(post(format!("http://{addr}/x"), ""))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), TransportErrorKind::Connect, "{e}");
    assert!(!e.maybe_sent());
}

#[tokio::test]
async fn timeout_after_sending_is_maybe_sent() {
    let addr = common::raw_server(|tcp| async move {
        // Read the request, never answer; keep the socket open.
        tokio::time::sleep(Duration::from_secs(30)).await;
        drop(tcp);
    })
    .await;
    let mut r = post(format!("http://{addr}/x"), "a=1");
    r.timeout = Some(Duration::from_millis(200));
    let e = plain().send(r).await.unwrap_err();
    assert_eq!(e.kind(), TransportErrorKind::Timeout);
    assert!(e.maybe_sent());
}

#[tokio::test]
async fn server_dropping_mid_body_is_maybe_sent() {
    let addr = common::raw_server(|mut tcp| async move {
        let _ = tcp.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"ok\":true").await;
        let _ = tcp.shutdown().await;
    })
    .await;
    let e = plain()
        .send(post(format!("http://{addr}/x"), "a=1"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), TransportErrorKind::ConnectionDropped, "{e}");
    assert!(e.maybe_sent());
}

#[tokio::test]
async fn proxy_connect_for_http_and_https_with_auth() {
    let (origin, seen) = common::http_server().await;
    let (proxy_addr, heads) = common::connect_proxy(200).await;
    let proxy = Proxy::parse(&format!("http://bot:s3cret@{proxy_addr}")).unwrap();
    let t = HyperTransport::builder().proxy(proxy).build().unwrap();
    let r = t
        .send(post(format!("http://{origin}/api/auth.test"), ""))
        .await
        .unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(seen.lock().unwrap().len(), 1);
    let head = heads.lock().unwrap()[0].clone();
    assert!(
        head.starts_with(&format!("CONNECT {origin} HTTP/1.1\r\n")),
        "{head}"
    );
    assert!(
        head.contains("Proxy-Authorization: Basic Ym90OnMzY3JldA=="),
        "{head}"
    );

    let (cert, key) = common::self_signed(&["localhost"]);
    let (tls_origin, tls_seen) = common::https_server(cert.clone(), key).await;
    let proxy = Proxy::parse(&proxy_addr.to_string()).unwrap();
    let t = HyperTransport::builder()
        .proxy(proxy)
        .tls_built_in_roots(false)
        .add_root_certificate(cert)
        .build()
        .unwrap();
    let r = t
        .send(post(
            format!("https://localhost:{}/x", tls_origin.port()),
            "",
        ))
        .await
        .unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(tls_seen.lock().unwrap().len(), 1);
    let head = heads.lock().unwrap()[1].clone();
    assert!(
        head.starts_with(&format!("CONNECT localhost:{} HTTP/1.1", tls_origin.port())),
        "{head}"
    );
    assert!(!head.contains("Proxy-Authorization"));
}

#[tokio::test]
async fn proxy_refusal_is_typed_and_not_sent() {
    let (origin, seen) = common::http_server().await;
    let (proxy_addr, _) = common::connect_proxy(407).await;
    let t = HyperTransport::builder()
        .proxy(Proxy::parse(&proxy_addr.to_string()).unwrap())
        .build()
        .unwrap();
    let e = t
        .send(post(format!("http://{origin}/x"), ""))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), TransportErrorKind::Proxy, "{e}");
    assert!(!e.maybe_sent());
    assert!(seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn websocket_text_and_close_code() {
    let addr = common::ws_echo_server().await;
    let t = plain();
    let mut conn = t
        .connect(&format!("ws://{addr}/rtm"), &http::HeaderMap::new())
        .await
        .unwrap();
    conn.sender
        .send(WsMessage::Text("hello".into()))
        .await
        .unwrap();
    assert_eq!(
        conn.receiver.recv().await.unwrap().unwrap(),
        WsMessage::Text("hello".into())
    );
    conn.sender
        .send(WsMessage::Ping(Bytes::from_static(b"p")))
        .await
        .unwrap();
    let pong = conn.receiver.recv().await.unwrap().unwrap();
    assert_eq!(pong, WsMessage::Pong(Bytes::from_static(b"p")));
    conn.sender
        .send(WsMessage::Text("close-me".into()))
        .await
        .unwrap();
    assert_eq!(
        conn.receiver.recv().await.unwrap().unwrap(),
        WsMessage::Close(Some((4000, "bye".into())))
    );
    assert!(conn.receiver.recv().await.is_none());
}

#[tokio::test]
async fn websocket_refused_is_typed() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let e = plain()
        .connect(&format!("ws://{addr}/rtm"), &http::HeaderMap::new())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), TransportErrorKind::Connect);
}

#[test]
fn debug_hides_credentials() {
    let t = HyperTransport::builder()
        .proxy(Proxy::parse("http://u:hunter2@proxy:1").unwrap())
        .build()
        .unwrap();
    assert!(!format!("{t:?}").contains("hunter2"));
}
