//! The emulator signs the interaction payloads it sends; an app verifies them with
//! `SignatureVerifier` and answers with `response_action` errors. Plus raw websocket garbage.
#![allow(clippy::unwrap_used)]

mod common;

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use slack_emulator::Emulator;
use slack_sdk::signature::SignatureVerifier;
use tokio_tungstenite::tungstenite::Message;

/// A minimal modal server: verifies the signature, then validates the submitted view.
async fn modal_server(secret: &'static str) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let verifier = Arc::new(SignatureVerifier::new(secret).unwrap());
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let verifier = verifier.clone();
            tokio::spawn(async move {
                let svc = service_fn(move |req: hyper::Request<Incoming>| {
                    let verifier = verifier.clone();
                    async move {
                        let (parts, body) = req.into_parts();
                        let body = body.collect().await.unwrap().to_bytes();
                        let reply = |status: u16, body: String| {
                            let mut r = hyper::Response::new(Full::new(Bytes::from(body)));
                            *r.status_mut() = hyper::StatusCode::from_u16(status).unwrap();
                            Ok::<_, Infallible>(r)
                        };
                        if verifier.verify_headers(&body, &parts.headers).is_err() {
                            return reply(401, "bad signature".into());
                        }
                        let payload: Value = form_urlencoded::parse(&body)
                            .find(|(k, _)| k == "payload")
                            .and_then(|(_, v)| serde_json::from_str(&v).ok())
                            .unwrap_or(Value::Null);
                        let email = payload["view"]["state"]["values"]["email"]["input"]["value"]
                            .as_str()
                            .unwrap_or("");
                        if payload["type"] == "view_submission" && !email.contains('@') {
                            let errors = json!({"response_action": "errors", "errors": {"email": "That is not an email address"}});
                            return reply(200, errors.to_string());
                        }
                        reply(200, String::new())
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tcp), svc)
                    .await;
            });
        }
    });
    addr
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
    assert_eq!(body["errors"]["email"], "That is not an email address");
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
