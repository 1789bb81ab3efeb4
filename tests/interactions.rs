//! The emulator signs the interaction payloads it sends; an app verifies them with
//! `SignatureVerifier` and answers with `response_action` errors. Plus raw websocket garbage.
#![allow(clippy::unwrap_used)]

mod common;
#[path = "../examples/modal_server.rs"]
#[allow(dead_code, clippy::duplicate_mod)]
mod modal_server;

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use slack_emulator::Emulator;
use tokio_tungstenite::tungstenite::Message;

/// The modal server of `examples/modal_server.rs`.
async fn modal_server(secret: &'static str) -> std::net::SocketAddr {
    modal_server::serve("127.0.0.1:0", secret).await.unwrap()
}

fn submission(email: &str) -> Value {
    json!({
        "type": "view_submission",
        "view": {"callback_id": "signup", "state": {"values": {"email": {"input": {"type": "plain_text_input", "value": email}}}}}
    })
}

#[tokio::test]
async fn signed_interactions_reach_a_verifying_modal_server() {
    let app = modal_server("s3cr3t").await;
    let emu = Emulator::builder()
        .signing_secret("s3cr3t")
        .interaction_url(format!("http://{app}/slack/interactions"))
        .start()
        .await
        .unwrap();
    let (status, body) = emu
        .send_interaction(&submission("not-an-email"))
        .await
        .unwrap();
    assert_eq!(status, 200);
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["response_action"], "errors");
    assert_eq!(body["errors"]["email"], "Please enter an email address");
    let (status, body) = emu
        .send_interaction(&submission("ada@example.com"))
        .await
        .unwrap();
    assert_eq!((status, body.as_str()), (200, ""));
    // Over the admin endpoint too.
    let r = common::raw(
        &emu,
        http::Method::POST,
        "/_emulator/interaction",
        &[],
        submission("x").to_string().into_bytes(),
    )
    .await
    .unwrap();
    assert!(common::json(&r)["body"]
        .as_str()
        .unwrap()
        .contains("response_action"));

    // Signed with another secret: the app refuses it.
    let wrong = Emulator::builder()
        .signing_secret("other")
        .interaction_url(format!("http://{app}/slack/interactions"))
        .start()
        .await
        .unwrap();
    let (status, _) = wrong
        .send_interaction(&submission("ada@example.com"))
        .await
        .unwrap();
    assert_eq!(status, 401);
    let none = common::emulator().await;
    assert!(none.send_interaction(&json!({})).await.is_err());
}

#[tokio::test]
async fn websocket_garbage_gets_error_events_and_the_connection_survives() {
    let emu = common::emulator().await;
    let c = common::client(&emu);
    let url = c
        .api_call("rtm.connect", slack_sdk::Args::new())
        .await
        .unwrap()
        .get("url")
        .as_str()
        .unwrap()
        .to_owned();
    let (mut ws, _) = tokio_tungstenite::connect_async(url.as_str())
        .await
        .unwrap();
    let next = |m: Option<Result<Message, _>>| -> Value {
        let Some(Ok(Message::Text(t))) = m else {
            panic!("{m:?}")
        };
        serde_json::from_str(t.as_str()).unwrap()
    };
    assert_eq!(next(ws.next().await)["type"], "hello");
    ws.send(Message::text("{{{ not json")).await.unwrap();
    assert_eq!(next(ws.next().await)["type"], "error");
    ws.send(Message::Binary(Bytes::from_static(b"\x00\x01")))
        .await
        .unwrap();
    assert_eq!(next(ws.next().await)["type"], "error");
    ws.send(Message::text(r#"{"id":7,"type":"ping","time":123}"#))
        .await
        .unwrap();
    let pong = next(ws.next().await);
    assert_eq!(
        (
            pong["type"].as_str(),
            pong["reply_to"].as_i64(),
            pong["time"].as_i64()
        ),
        (Some("pong"), Some(7), Some(123))
    );
    // Bad handshakes are refused without harming the server.
    let bad =
        tokio_tungstenite::connect_async(format!("ws://{}/rtm/S1?user=UNOPE", emu.addr())).await;
    assert!(bad.is_err());
    assert!(c.call(slack_sdk::api::auth::Test::new()).await.is_ok());
}
