//! The websocket mock through its public API: a scripted session, connect failures,
//! recording, silence, and sharing one clock with the HTTP mock.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use bytes::Bytes;
use futures_executor::block_on;
use futures_util::FutureExt;
use http::HeaderMap;
use serde_json::json;
use slack_core::transport::{
    Timer, TransportError, TransportErrorKind, WsConnection, WsMessage, WsTransport,
};
use slack_transport_mock::{MockTransport, MockWsTransport, VirtualClock};

fn connect(ws: &impl WsTransport, url: &str) -> Result<WsConnection, TransportError> {
    block_on(ws.connect(url, &HeaderMap::new()))
}

fn text(s: &str) -> WsMessage {
    WsMessage::Text(s.to_owned())
}

#[test]
fn scripted_session_client_sends_server_pushes_then_closes() {
    let ws = MockWsTransport::new();
    let server = ws.expect_connect();
    server.send_json(json!({"type": "hello"}));
    assert!(!server.is_connected());

    let mut conn = connect(&ws, "wss://rtm.example/ws?ticket=1").unwrap();
    assert!(server.is_connected());
    assert_eq!(
        server.url().as_deref(),
        Some("wss://rtm.example/ws?ticket=1")
    );

    block_on(async {
        assert_eq!(
            conn.receiver.recv().await.unwrap().unwrap(),
            text(r#"{"type":"hello"}"#)
        );
        let msg = json!({"id": 1, "type": "message", "channel": "C1", "text": "hi"});
        conn.sender.send(text(&msg.to_string())).await.unwrap();
        assert_eq!(server.next_sent().await, Some(text(&msg.to_string())));

        server.send_json(json!({"ok": true, "reply_to": 1, "ts": "1.0"}));
        server.send(WsMessage::Ping(Bytes::from_static(b"x")));
        let ack = conn.receiver.recv().await.unwrap().unwrap();
        assert_eq!(ack, text(r#"{"ok":true,"reply_to":1,"ts":"1.0"}"#));
        assert_eq!(
            conn.receiver.recv().await.unwrap().unwrap(),
            WsMessage::Ping(Bytes::from_static(b"x"))
        );
        conn.sender
            .send(WsMessage::Pong(Bytes::from_static(b"x")))
            .await
            .unwrap();

        server.close(1001, "going away");
        assert_eq!(
            conn.receiver.recv().await.unwrap().unwrap(),
            WsMessage::Close(Some((1001, "going away".into())))
        );
        assert!(conn.receiver.recv().await.is_none());
        // The client may still finish the closing handshake, but nothing else.
        conn.sender
            .send(WsMessage::Close(Some((1001, String::new()))))
            .await
            .unwrap();
        let e = conn.sender.send(text("late")).await.unwrap_err();
        assert_eq!(e.kind(), TransportErrorKind::ConnectionDropped);
    });

    assert_eq!(server.received().len(), 3);
    assert_eq!(
        server.received_json(),
        vec![json!({"id": 1, "type": "message", "channel": "C1", "text": "hi"})]
    );
    assert!(server.is_closed());
}

#[test]
fn client_close_gets_the_close_reply() {
    let ws = MockWsTransport::new();
    let server = ws.expect_connect();
    let mut conn = connect(&ws, "wss://x/").unwrap();
    block_on(async {
        conn.sender
            .send(WsMessage::Close(Some((1000, "stopped".into()))))
            .await
            .unwrap();
        assert_eq!(
            conn.receiver.recv().await.unwrap().unwrap(),
            WsMessage::Close(Some((1000, "stopped".into())))
        );
        assert!(conn.receiver.recv().await.is_none());
        assert_eq!(
            server.next_sent().await,
            Some(WsMessage::Close(Some((1000, "stopped".into()))))
        );
        assert_eq!(server.next_sent().await, None);
    });
    assert!(server.is_client_done() && server.is_closed());
}

#[test]
fn dropped_connection_is_an_error_then_the_end() {
    let ws = MockWsTransport::new();
    let server = ws.expect_connect();
    let mut conn = connect(&ws, "wss://x/").unwrap();
    server.send_text("last words");
    server.drop_connection();
    block_on(async {
        assert_eq!(
            conn.receiver.recv().await.unwrap().unwrap(),
            text("last words")
        );
        let e = conn.receiver.recv().await.unwrap().unwrap_err();
        assert_eq!(e.kind(), TransportErrorKind::ConnectionDropped);
        assert!(conn.receiver.recv().await.is_none());
    });
}

#[test]
fn silent_server_keeps_the_connection_open_and_says_nothing() {
    let ws = MockWsTransport::new();
    let server = ws.expect_connect();
    server.auto_pong(true);
    let mut conn = connect(&ws, "wss://x/").unwrap();
    let ping = json!({"id": 1, "type": "ping"}).to_string();

    block_on(conn.sender.send(text(&ping))).unwrap();
    let pong = block_on(conn.receiver.recv()).unwrap().unwrap();
    assert_eq!(pong, text(r#"{"type":"pong","reply_to":1}"#));

    server.go_silent();
    server.send_text("never delivered");
    block_on(conn.sender.send(text(&ping))).unwrap();
    block_on(conn.sender.send(WsMessage::Ping(Bytes::new()))).unwrap();
    assert!(
        conn.receiver.recv().now_or_never().is_none(),
        "nothing arrives"
    );
    assert!(!server.is_closed());
    assert_eq!(
        server.received().len(),
        3,
        "the client's sends are still recorded"
    );

    // Even a silent peer's connection can be torn down.
    server.drop_connection();
    assert!(block_on(conn.receiver.recv()).unwrap().is_err());
}

#[test]
fn connect_failures_scripted_unscripted_and_configurable() {
    let ws = MockWsTransport::new();
    ws.expect_connect_failure(TransportErrorKind::Tls);
    ws.expect_connect_error(
        TransportError::new(TransportErrorKind::Protocol, "HTTP 403").with_maybe_sent(false),
    );
    let server = ws.expect_connect();
    assert_eq!(ws.remaining_connects(), 3);

    let e = connect(&ws, "wss://x/1").unwrap_err();
    assert_eq!((e.kind(), e.maybe_sent()), (TransportErrorKind::Tls, false));
    let e = connect(&ws, "wss://x/2").unwrap_err();
    assert_eq!(e.kind(), TransportErrorKind::Protocol);
    assert_eq!(e.message(), "HTTP 403");
    assert!(connect(&ws, "wss://x/3").is_ok());
    assert!(server.is_connected());

    let e = connect(&ws, "wss://x/4").unwrap_err();
    assert_eq!(
        (e.kind(), e.maybe_sent()),
        (TransportErrorKind::Connect, false)
    );
    assert!(
        e.message().contains("no scripted websocket connection"),
        "{e}"
    );

    ws.set_unscripted_error(TransportError::new(
        TransportErrorKind::ConnectTimeout,
        "down",
    ));
    let e = connect(&ws, "wss://x/5").unwrap_err();
    assert_eq!(e.kind(), TransportErrorKind::ConnectTimeout);

    assert_eq!(
        ws.connect_urls(),
        [
            "wss://x/1",
            "wss://x/2",
            "wss://x/3",
            "wss://x/4",
            "wss://x/5"
        ]
    );
    assert_eq!(ws.remaining_connects(), 0);
}

#[test]
fn connects_are_recorded_with_headers_and_virtual_time() {
    let clock = VirtualClock::new();
    let ws = MockWsTransport::with_clock(clock.clone());
    let _first = ws.expect_connect();
    let mut headers = HeaderMap::new();
    headers.insert("authorization", "Bearer xoxb-top-secret".parse().unwrap());
    headers.insert("user-agent", "bot/1".parse().unwrap());
    block_on(ws.connect("wss://x/a", &headers)).unwrap();
    block_on(clock.sleep(Duration::from_secs(90)));
    let _ = block_on(ws.connect("wss://x/b", &HeaderMap::new()));

    let c = ws.connects();
    assert_eq!(c.len(), 2);
    assert_eq!(c[0].url, "wss://x/a");
    assert_eq!(c[0].header("User-Agent"), Some("bot/1"));
    assert_eq!(c[0].header("authorization"), Some("Bearer xoxb-top-secret"));
    assert_eq!(
        (c[0].at, c[1].at),
        (Duration::ZERO, Duration::from_secs(90))
    );
    assert!(
        !format!("{c:?}").contains("top-secret"),
        "Debug hides the token"
    );
    assert!(!format!("{ws:?}").contains("top-secret"));
}

#[test]
fn mock_transport_serves_websockets_on_its_own_clock() {
    let mock = MockTransport::new();
    mock.on("rtm.connect")
        .respond_json(json!({"ok": true, "url": "wss://rtm.example/1"}));
    let server = mock.ws().expect_connect();
    server.send_json(json!({"type": "hello"}));

    block_on(async {
        use slack_core::transport::{HttpRequest, HttpTransport};
        let r = mock
            .send(HttpRequest::new(
                http::Method::POST,
                "https://slack.com/api/rtm.connect",
            ))
            .await
            .unwrap();
        let url: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        mock.sleep(Duration::from_secs(2)).await;
        let mut conn = mock
            .connect(url["url"].as_str().unwrap(), &HeaderMap::new())
            .await
            .unwrap();
        assert_eq!(
            conn.receiver.recv().await.unwrap().unwrap(),
            text(r#"{"type":"hello"}"#)
        );
    });
    assert_eq!(mock.ws().connect_urls(), ["wss://rtm.example/1"]);
    assert_eq!(mock.ws().connects()[0].at, Duration::from_secs(2));
}

#[test]
fn a_waiting_client_is_woken_from_another_thread() {
    let ws = MockWsTransport::new();
    let server = ws.expect_connect();
    let mut conn = connect(&ws, "wss://x/").unwrap();
    let pusher = {
        let server = server.clone();
        std::thread::spawn(move || {
            for i in 0..100 {
                server.send_text(i.to_string());
            }
            server.close(1000, "done");
        })
    };
    let got = block_on(async {
        let mut got = Vec::new();
        while let Some(m) = conn.receiver.recv().await {
            got.push(m.unwrap());
        }
        got
    });
    pusher.join().unwrap();
    assert_eq!(got.len(), 101);
    assert_eq!(got[0], text("0"));
    assert_eq!(got[99], text("99"));
    assert_eq!(got[100], WsMessage::Close(Some((1000, "done".into()))));
}

#[test]
fn a_waiting_server_is_woken_from_another_thread() {
    let ws = MockWsTransport::new();
    let server = ws.expect_connect();
    let conn = connect(&ws, "wss://x/").unwrap();
    let client = std::thread::spawn(move || {
        let mut sender = conn.sender;
        for i in 0..50 {
            block_on(sender.send(text(&i.to_string()))).unwrap();
        }
        // Dropping the sender ends what the server can read.
    });
    let got = block_on(async {
        let mut got = Vec::new();
        while let Some(m) = server.next_sent().await {
            got.push(m);
        }
        got
    });
    client.join().unwrap();
    assert_eq!(got.len(), 50);
    assert_eq!(got, server.received());
}
