//! The HTTP receiver: signatures, limits, url_verification, commands, interactions, acks
//! at the deadline, retried events — through the service and over a real socket.
#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use serde_json::{json, Value};
use slack_app::{AckMode, App, HttpApp, Listener};
use slack_core::signature::{sign, RequestTimestamp};
use slack_core::WebClientBuilder;
use slack_transport_mock::MockTransport;

const SECRET: &str = "test-signing-secret";

fn app(builder: impl FnOnce(App) -> App) -> HttpApp {
    let web = WebClientBuilder::new()
        .token("xoxb-bot")
        .transport(MockTransport::new())
        .build()
        .unwrap();
    builder(App::new(web)).http(SECRET).unwrap()
}

fn request(content_type: &str, body: &str, secret: &str, ts: i64) -> http::Request<Full<Bytes>> {
    http::Request::post("/slack/events")
        .header("content-type", content_type)
        .header("x-slack-request-timestamp", ts.to_string())
        .header("x-slack-signature", sign(secret, ts, body.as_bytes()))
        .body(Full::new(Bytes::from(body.to_owned())))
        .unwrap()
}

fn now() -> i64 {
    RequestTimestamp::now().as_unix()
}

async fn send(app: &HttpApp, req: http::Request<Full<Bytes>>) -> (u16, String) {
    let resp = app.handle(req).await;
    let status = resp.status().as_u16();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

/// Wait (at most 10 s) until `done` holds.
async fn eventually(done: impl Fn() -> bool) {
    for _ in 0..1000 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("not within 10 s");
}

fn form(pairs: &[(&str, &str)]) -> String {
    let mut s = form_urlencoded_serializer();
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

fn form_urlencoded_serializer() -> form_urlencoded::Serializer<'static, String> {
    form_urlencoded::Serializer::new(String::new())
}

#[tokio::test]
async fn bad_signatures_and_bad_bodies_are_refused_before_any_handler() {
    let ran = Arc::new(AtomicUsize::new(0));
    let r = ran.clone();
    let app = app(move |a| {
        a.event("message", move |_req| {
            let r = r.clone();
            async move {
                r.fetch_add(1, Ordering::SeqCst);
                Ok(())
            }
        })
    });
    let body = json!({"type": "event_callback", "event_id": "Ev1", "event": {"type": "message", "channel": "C1", "ts": "1.0"}}).to_string();
    assert_eq!(
        send(
            &app,
            request("application/json", &body, "wrong-secret", now())
        )
        .await
        .0,
        401
    );
    assert_eq!(
        send(
            &app,
            request("application/json", &body, SECRET, now() - 301)
        )
        .await
        .0,
        401,
        "old timestamp"
    );
    let mut tampered = request("application/json", &body, SECRET, now());
    *tampered.body_mut() = Full::new(Bytes::from(body.replace("C1", "C2")));
    assert_eq!(send(&app, tampered).await.0, 401);
    let mut unsigned = request("application/json", &body, SECRET, now());
    unsigned.headers_mut().remove("x-slack-signature");
    assert_eq!(send(&app, unsigned).await.0, 401);
    assert_eq!(
        send(&app, request("application/json", "{nope", SECRET, now()))
            .await
            .0,
        400
    );
    assert_eq!(
        send(&app, request("text/plain", "hi", SECRET, now()))
            .await
            .0,
        400
    );
    assert_eq!(
        send(
            &app,
            request("application/x-www-form-urlencoded", "a=b", SECRET, now())
        )
        .await
        .0,
        400
    );
    let small = app.clone().max_body(64);
    assert_eq!(
        send(&small, request("application/json", &body, SECRET, now()))
            .await
            .0,
        413
    );
    assert_eq!(ran.load(Ordering::SeqCst), 0);
    // And a good one runs.
    assert_eq!(
        send(&app, request("application/json", &body, SECRET, now()))
            .await
            .0,
        200
    );
    eventually(|| ran.load(Ordering::SeqCst) == 1).await;
}

#[tokio::test]
async fn url_verification_commands_and_view_submissions() {
    let app = app(|a| {
        a.command("/deploy", |req| async move {
            req.ack_with(&json!({"response_type": "in_channel", "text": format!("deploying {}", req.payload.text)}))
                .await?;
            Ok(())
        })
        .view_submission("signup", |req| async move {
            if req.payload.value("email", "input").is_some_and(|v| !v.contains('@')) {
                req.ack_with(&json!({"response_action": "errors", "errors": {"email": "Not an email"}}))
                    .await?;
            }
            Ok(())
        })
    });
    let challenge = json!({"type": "url_verification", "token": "t", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}).to_string();
    let (status, body) = send(&app, request("application/json", &challenge, SECRET, now())).await;
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["challenge"],
        "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    );

    let cmd = form(&[
        ("command", "/deploy"),
        ("text", "api"),
        ("user_id", "U1"),
        ("channel_id", "C1"),
        ("team_id", "T1"),
        ("response_url", "https://hooks.slack.com/commands/1"),
        ("trigger_id", "t"),
    ]);
    let (status, body) = send(
        &app,
        request("application/x-www-form-urlencoded", &cmd, SECRET, now()),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap(),
        json!({"response_type": "in_channel", "text": "deploying api"})
    );

    let submission = json!({"type": "view_submission", "user": {"id": "U1"}, "trigger_id": "t",
        "view": {"id": "V1", "type": "modal", "callback_id": "signup", "hash": "h",
                 "state": {"values": {"email": {"input": {"type": "plain_text_input", "value": "nope"}}}}}}).to_string();
    let body = form(&[("payload", &submission)]);
    let (status, body) = send(
        &app,
        request("application/x-www-form-urlencoded", &body, SECRET, now()),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["response_action"],
        "errors"
    );
}

#[tokio::test]
async fn a_slow_handler_is_answered_at_the_deadline_and_keeps_running_and_retries_run_once() {
    let finished = Arc::new(AtomicUsize::new(0));
    let f = finished.clone();
    let app = app(move |a| {
        a.listen(
            Listener::event("reaction_added", move |_req| {
                let f = f.clone();
                async move {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    f.fetch_add(1, Ordering::SeqCst);
                    Ok(())
                }
            })
            .ack_mode(AckMode::Deadline(Duration::from_millis(50))),
        )
    });
    let body = json!({"type": "event_callback", "event_id": "Ev7", "event_time": 1,
        "event": {"type": "reaction_added", "user": "U1", "reaction": "tada", "item": {"type": "message", "channel": "C1", "ts": "1.0"}}}).to_string();
    let (status, body_text) = send(&app, request("application/json", &body, SECRET, now())).await;
    assert_eq!((status, body_text.as_str()), (200, ""));
    assert_eq!(
        finished.load(Ordering::SeqCst),
        0,
        "answered before the handler finished"
    );
    // Slack retries (it did not see our answer in time): recognised, answered, not run again.
    let mut retry = request("application/json", &body, SECRET, now());
    retry
        .headers_mut()
        .insert("x-slack-retry-num", "1".parse().unwrap());
    retry
        .headers_mut()
        .insert("x-slack-retry-reason", "http_timeout".parse().unwrap());
    assert_eq!(send(&app, retry).await.0, 200);
    eventually(|| finished.load(Ordering::SeqCst) == 1).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        finished.load(Ordering::SeqCst),
        1,
        "the handler finished once"
    );
}

#[tokio::test]
async fn over_a_real_socket() {
    let app = app(|a| {
        a.command("/ping", |req| async move {
            req.ack_with(&json!({"text": "pong"})).await?;
            Ok(())
        })
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(app.serve_on(listener));
    let body = form(&[
        ("command", "/ping"),
        ("user_id", "U1"),
        ("channel_id", "C1"),
        ("team_id", "T1"),
    ]);
    let ts = now();
    let raw = format!(
        "POST /slack/commands HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/x-www-form-urlencoded\r\n\
         x-slack-request-timestamp: {ts}\r\nx-slack-signature: {}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        sign(SECRET, ts, body.as_bytes()),
        body.len()
    );
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    tcp.write_all(raw.as_bytes()).await.unwrap();
    let mut answer = String::new();
    tcp.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with(r#"{"text":"pong"}"#), "{answer}");
    server.abort();
}

#[tokio::test]
async fn usable_as_a_tower_service() {
    use tower_service::Service;
    let mut svc = app(|a| {
        a.command("/ping", |req| async move {
            req.ack_with(&json!({"text": "pong"})).await?;
            Ok(())
        })
    });
    std::future::poll_fn(|cx| Service::<http::Request<Full<Bytes>>>::poll_ready(&mut svc, cx))
        .await
        .unwrap();
    let body = form(&[
        ("command", "/ping"),
        ("user_id", "U1"),
        ("channel_id", "C1"),
    ]);
    let resp = Service::call(
        &mut svc,
        request("application/x-www-form-urlencoded", &body, SECRET, now()),
    )
    .await
    .unwrap();
    assert_eq!(resp.status(), 200);
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&bytes[..], br#"{"text":"pong"}"#);
}
