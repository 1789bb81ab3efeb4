//! Websockets against a local tungstenite echo server: ws, wss with a custom root, through a
//! `CONNECT` proxy, and failures.
#![allow(clippy::unwrap_used)]

mod common;

use bytes::Bytes;
use common::{plain, trusting, ProxyMode};
use http::HeaderMap;
use slack_core::transport::{TransportErrorKind, WsConnection, WsMessage, WsTransport};
use slack_transport_hyper::{HyperTransport, Proxy};

/// Text echo, ping → pong, then a server close with 4000 "bye" and the end of the stream.
async fn exercise(mut conn: WsConnection) {
    conn.sender
        .send(WsMessage::Text("hello".into()))
        .await
        .unwrap();
    assert_eq!(
        conn.receiver.recv().await.unwrap().unwrap(),
        WsMessage::Text("hello".into())
    );
    conn.sender
        .send(WsMessage::Binary(Bytes::from_static(&[0, 1, 2])))
        .await
        .unwrap();
    assert_eq!(
        conn.receiver.recv().await.unwrap().unwrap(),
        WsMessage::Binary(Bytes::from_static(&[0, 1, 2]))
    );
    conn.sender
        .send(WsMessage::Ping(Bytes::from_static(b"p")))
        .await
        .unwrap();
    assert_eq!(
        conn.receiver.recv().await.unwrap().unwrap(),
        WsMessage::Pong(Bytes::from_static(b"p"))
    );
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
async fn plain_ws_echo_ping_and_close_code() {
    let (addr, handshakes) = common::ws_echo_server(None).await;
    let mut headers = HeaderMap::new();
    headers.insert("authorization", "Bearer xoxb-ws".parse().unwrap());
    let conn = plain()
        .connect(&format!("ws://{addr}/rtm?session=1"), &headers)
        .await
        .unwrap();
    exercise(conn).await;
    let h = handshakes.lock().unwrap()[0].clone();
    assert_eq!(h["authorization"], "Bearer xoxb-ws");
}

#[tokio::test]
async fn wss_with_a_custom_root() {
    let (cert, key) = common::self_signed(&["localhost"]);
    let acceptor = common::acceptor(cert.clone(), key, &[b"http/1.1"]);
    let (addr, _) = common::ws_echo_server(Some(acceptor)).await;
    let conn = trusting(&cert)
        .connect(
            &format!("wss://localhost:{}/rtm", addr.port()),
            &HeaderMap::new(),
        )
        .await
        .unwrap();
    exercise(conn).await;
}

#[tokio::test]
async fn wss_without_the_root_is_tls_and_not_sent() {
    let (cert, key) = common::self_signed(&["localhost"]);
    let acceptor = common::acceptor(cert, key, &[b"http/1.1"]);
    let (addr, handshakes) = common::ws_echo_server(Some(acceptor)).await;
    let e = plain()
        .connect(
            &format!("wss://localhost:{}/rtm", addr.port()),
            &HeaderMap::new(),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), TransportErrorKind::Tls, "{e}");
    assert!(!e.maybe_sent());
    assert!(handshakes.lock().unwrap().is_empty());
}

#[tokio::test]
async fn wss_through_a_connect_proxy() {
    let (cert, key) = common::self_signed(&["localhost"]);
    let acceptor = common::acceptor(cert.clone(), key, &[b"http/1.1"]);
    let (addr, _) = common::ws_echo_server(Some(acceptor)).await;
    let (proxy_addr, heads) = common::connect_proxy(ProxyMode::Tunnel).await;
    let t = HyperTransport::builder()
        .proxy(Proxy::parse(&format!("http://bot:s3cret@{proxy_addr}")).unwrap())
        .tls_built_in_roots(false)
        .add_root_certificate(cert)
        .build()
        .unwrap();
    let conn = t
        .connect(
            &format!("wss://localhost:{}/rtm", addr.port()),
            &HeaderMap::new(),
        )
        .await
        .unwrap();
    exercise(conn).await;
    let head = heads.lock().unwrap()[0].clone();
    assert!(
        head.starts_with(&format!("CONNECT localhost:{} HTTP/1.1\r\n", addr.port())),
        "{head}"
    );
    assert!(
        head.contains("Proxy-Authorization: Basic Ym90OnMzY3JldA=="),
        "{head}"
    );
}

#[tokio::test]
async fn proxy_refusal_is_proxy() {
    let (addr, _) = common::ws_echo_server(None).await;
    let (proxy_addr, _) = common::connect_proxy(ProxyMode::Refuse(403)).await;
    let t = HyperTransport::builder()
        .proxy(Proxy::parse(&proxy_addr.to_string()).unwrap())
        .build()
        .unwrap();
    let e = t
        .connect(&format!("ws://{addr}/rtm"), &HeaderMap::new())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), TransportErrorKind::Proxy, "{e}");
    assert!(!e.maybe_sent());
}

#[tokio::test]
async fn refused_is_connect() {
    // Bound but not listening: a connection is refused, and no other test's listener can
    // take the port meanwhile (a dropped listener's port could be handed out again).
    let holder = tokio::net::TcpSocket::new_v4().unwrap();
    holder.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = holder.local_addr().unwrap();
    let e = plain()
        .connect(&format!("ws://{addr}/rtm"), &HeaderMap::new())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), TransportErrorKind::Connect, "{e}");
    assert!(!e.maybe_sent());
}

#[tokio::test]
async fn handshake_refused_by_an_http_server_is_protocol() {
    let (addr, _) = common::http_server().await;
    let e = plain()
        .connect(&format!("ws://{addr}/rtm"), &HeaderMap::new())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), TransportErrorKind::Protocol, "{e}");
}

#[tokio::test]
async fn bad_url_is_invalid_request() {
    for url in ["not a url", "http://example.com/rtm"] {
        let e = plain().connect(url, &HeaderMap::new()).await.unwrap_err();
        assert_eq!(e.kind(), TransportErrorKind::InvalidRequest, "{url}: {e}");
    }
}

#[tokio::test]
async fn client_close_ends_the_stream() {
    let (addr, _) = common::ws_echo_server(None).await;
    let mut conn = plain()
        .connect(&format!("ws://{addr}/rtm"), &HeaderMap::new())
        .await
        .unwrap();
    conn.sender
        .send(WsMessage::Close(Some((1000, "done".into()))))
        .await
        .unwrap();
    // The server answers the close; the receiver may surface it, then ends.
    loop {
        match conn.receiver.recv().await {
            None => break,
            Some(Ok(WsMessage::Close(_))) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
}

/// `feed` queues: nothing reaches the server before the `flush`, and then everything does,
/// in order (the Socket Mode client writes a burst of acks this way, in one write).
#[tokio::test]
async fn fed_messages_wait_for_the_flush() {
    let (addr, _) = common::ws_echo_server(None).await;
    let mut conn = plain()
        .connect(&format!("ws://{addr}/rtm"), &HeaderMap::new())
        .await
        .unwrap();
    for i in 0..20 {
        conn.sender
            .feed(WsMessage::Text(format!("ack {i}")))
            .await
            .unwrap();
    }
    let early =
        tokio::time::timeout(std::time::Duration::from_millis(300), conn.receiver.recv()).await;
    assert!(
        early.is_err(),
        "a fed message went out before the flush: {early:?}"
    );
    conn.sender.flush().await.unwrap();
    for i in 0..20 {
        assert_eq!(
            conn.receiver.recv().await.unwrap().unwrap(),
            WsMessage::Text(format!("ack {i}"))
        );
    }
}

/// The queue is bounded: a burst bigger than the write buffer goes out as it grows, so a
/// connection never holds more than a few KiB of queued frames (and their memory).
#[tokio::test]
async fn a_long_burst_is_written_as_it_grows() {
    let (addr, _) = common::ws_echo_server(None).await;
    let mut conn = plain()
        .connect(&format!("ws://{addr}/rtm"), &HeaderMap::new())
        .await
        .unwrap();
    let frame = |i: usize| WsMessage::Text(format!("{i:04} {}", "x".repeat(95)));
    let n = 3 * slack_transport_common::ws::WRITE_BUFFER / 100;
    for i in 0..n {
        conn.sender.feed(frame(i)).await.unwrap();
    }
    // No flush yet: what passed the buffer's size is already out.
    let first = tokio::time::timeout(std::time::Duration::from_secs(5), conn.receiver.recv())
        .await
        .expect("nothing was written before the flush");
    assert_eq!(first.unwrap().unwrap(), frame(0));
    conn.sender.flush().await.unwrap();
    for i in 1..n {
        assert_eq!(conn.receiver.recv().await.unwrap().unwrap(), frame(i));
    }
}
