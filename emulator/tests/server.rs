//! The server as a whole: several emulators at once, signed interactions to a real app,
//! shutdown, and the binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use common::{call_with, emulator, ok, post, send};
use http::{Method, Request, Response};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use slack_core::signature::SignatureVerifier;
use slack_emulator::{Emulator, InteractionError};
use tokio::io::{AsyncBufReadExt, BufReader};

#[tokio::test]
async fn two_emulators_are_independent() {
    let a = emulator().await;
    let b = emulator().await;
    assert_ne!(a.addr(), b.addr());
    assert_ne!(a.base_url(), b.base_url());
    assert_ne!(a.bot_token(), b.bot_token());
    assert_ne!(a.team_id(), b.team_id());
    post(&a, "general", "only in a").await;
    assert!(b.messages("general").is_empty());
    assert_eq!(a.messages("general").len(), 1);
    // A token of one means nothing to the other.
    let r = call_with(&b, &a.bot_token(), "auth.test", json!({})).await;
    assert_eq!(r.json()["error"], "invalid_auth");
    a.faults()
        .inject(slack_emulator::FaultRule::new("*", slack_emulator::Fault::status(500)).always());
    assert_eq!(common::call(&b, "auth.test", json!({})).await["ok"], true);
    // Stopping one leaves the other serving.
    let a_addr = a.addr();
    a.shutdown().await;
    assert!(tokio::net::TcpStream::connect(a_addr).await.is_err());
    ok(&b, "auth.test", json!({})).await;
}

#[tokio::test]
async fn dropping_the_handle_stops_the_server() {
    let emu = emulator().await;
    let addr = emu.addr();
    let base = emu.base_url();
    drop(emu);
    // The listener closes once the accept task sees the signal.
    let mut refused = false;
    for _ in 0..10_000 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::task::yield_now().await;
    }
    assert!(refused, "{base} still accepting");
}

/// A tiny app that verifies Slack's signature, records the payload and answers.
async fn modal_app(secret: &'static str) -> (SocketAddr, Arc<Mutex<Vec<Value>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let store = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let store = store.clone();
            tokio::spawn(async move {
                let svc = service_fn(move |req: Request<Incoming>| {
                    let store = store.clone();
                    async move {
                        let ts = req
                            .headers()
                            .get("x-slack-request-timestamp")
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("")
                            .to_owned();
                        let sig = req
                            .headers()
                            .get("x-slack-signature")
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("")
                            .to_owned();
                        let body = req.into_body().collect().await.unwrap().to_bytes();
                        let verifier = SignatureVerifier::new(secret).unwrap();
                        let ok = ts
                            .parse::<slack_core::signature::RequestTimestamp>()
                            .and_then(|ts| verifier.verify(&body, ts, &sig));
                        if ok.is_err() {
                            let mut r =
                                Response::new(Full::new(Bytes::from_static(b"bad signature")));
                            *r.status_mut() = http::StatusCode::UNAUTHORIZED;
                            return Ok::<_, Infallible>(r);
                        }
                        let payload: Value = form_urlencoded::parse(&body)
                            .find(|(k, _)| k == "payload")
                            .and_then(|(_, v)| serde_json::from_str(&v).ok())
                            .unwrap_or(Value::Null);
                        store.lock().unwrap().push(payload.clone());
                        let answer = if payload["view"]["state"]["values"]["email"]["input"]
                            ["value"]
                            .as_str()
                            .is_some_and(|e| e.contains('@'))
                        {
                            String::new()
                        } else {
                            json!({"response_action": "errors", "errors": {"email": "Not an email"}}).to_string()
                        };
                        Ok(Response::new(Full::new(Bytes::from(answer))))
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tcp), svc)
                    .await;
            });
        }
    });
    (addr, seen)
}

fn submission(email: &str) -> Value {
    json!({
        "type": "view_submission",
        "view": {"callback_id": "signup", "state": {"values": {"email": {"input": {"value": email}}}}}
    })
}

#[tokio::test]
async fn signed_interactions_reach_a_verifying_app() {
    let (app, seen) = modal_app("s3cret").await;
    let emu = Emulator::builder()
        .signing_secret("s3cret")
        .interaction_url(format!("http://{app}/slack/interactions"))
        .start()
        .await
        .unwrap();
    let (status, body) = emu.send_interaction(&submission("nope")).await.unwrap();
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["response_action"],
        "errors"
    );
    let (status, body) = emu
        .send_interaction(&submission("ada@example.com"))
        .await
        .unwrap();
    assert_eq!((status, body.as_str()), (200, ""));
    assert_eq!(seen.lock().unwrap()[1]["type"], "view_submission");
    // Over the admin endpoint.
    let r = send(
        &emu,
        Method::POST,
        "/_emulator/interaction",
        &[("content-type", "application/json")],
        submission("x").to_string(),
    )
    .await
    .unwrap();
    let v = r.json();
    assert_eq!(
        (v["ok"].clone(), v["status"].clone()),
        (json!(true), json!(200))
    );
    assert!(v["body"].as_str().unwrap().contains("Not an email"));
    // A wrong secret is refused by the app.
    let wrong = Emulator::builder()
        .signing_secret("other")
        .interaction_url(format!("http://{app}/"))
        .start()
        .await
        .unwrap();
    assert_eq!(
        wrong.send_interaction(&submission("a@b")).await.unwrap().0,
        401
    );
    assert_eq!(seen.lock().unwrap().len(), 3);
    // No URL, a bad URL, nobody listening.
    let none = emulator().await;
    assert!(matches!(
        none.send_interaction(&json!({})).await,
        Err(InteractionError::NoUrl)
    ));
    let bad = Emulator::builder()
        .interaction_url("https://example.com/x")
        .start()
        .await
        .unwrap();
    assert!(matches!(
        bad.send_interaction(&json!({})).await,
        Err(InteractionError::InvalidUrl(_))
    ));
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let down = Emulator::builder()
        .interaction_url(format!("http://127.0.0.1:{port}/"))
        .start()
        .await
        .unwrap();
    let e = down.send_interaction(&json!({})).await.unwrap_err();
    assert!(matches!(e, InteractionError::Request(_)), "{e}");
}

async fn next(lines: &mut tokio::io::Lines<BufReader<tokio::process::ChildStdout>>) -> String {
    tokio::time::timeout(common::WAIT, lines.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn the_binary_prints_its_url_and_token_and_serves() {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_slack-emulator"))
        .args(["--port", "0", "--rate-limits", "off"])
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = next(&mut lines).await;
    let base = first
        .strip_prefix("slack-emulator listening on ")
        .unwrap()
        .to_owned();
    assert!(
        base.starts_with("http://127.0.0.1:") && base.ends_with("/api/"),
        "{base}"
    );
    let token = loop {
        let line = next(&mut lines).await;
        if let Some(t) = line.strip_prefix("export SLACK_BOT_TOKEN=") {
            break t.to_owned();
        }
    };
    assert!(token.starts_with("xoxb-"));
    let client: hyper_util::client::legacy::Client<_, Full<Bytes>> =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build_http();
    let req = Request::post(format!("{base}auth.test"))
        .header("authorization", format!("Bearer {token}"))
        .body(Full::new(Bytes::new()))
        .unwrap();
    let resp = client.request(req).await.unwrap();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["ok"], true);
    child.kill().await.unwrap();
    // Bad arguments exit with a usage message.
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_slack-emulator"))
        .args(["--rate-limits", "sometimes"])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("usage"));
}
