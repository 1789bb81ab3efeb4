//! The app in HTTP mode: signed Events API requests for workspace activity, retries with
//! Slack's headers after errors and timeouts, `url_verification`, slash commands to the
//! command URL, and the modes kept apart.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use common::{call_with, send, WAIT};
use http::{HeaderMap, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use slack_core::signature::SignatureVerifier;
use slack_emulator::{AppError, AppMode, Emulator, EmulatorBuilder, SlashCommand};
use tokio::sync::mpsc;

const SECRET: &str = "events-secret";

/// How the test app answers a request.
#[derive(Clone, Debug)]
enum Answer {
    Status(u16),
    /// Never answer (the emulator times out).
    Hang,
    /// Echo `challenge` of a url_verification body.
    Echo,
    Json(Value),
    Text(&'static str),
}

/// One request the app received.
#[derive(Debug)]
struct Seen {
    path: String,
    headers: HeaderMap,
    body: Bytes,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    fn verified(&self) -> bool {
        SignatureVerifier::new(SECRET)
            .unwrap()
            .verify_headers(&self.body, &self.headers)
            .is_ok()
    }
}

/// A tiny app on a free port: answers with the scripted answers in turn (then 200), and
/// hands every request to the test.
async fn app(script: Vec<Answer>) -> (SocketAddr, mpsc::UnboundedReceiver<Seen>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = mpsc::unbounded_channel();
    let script = Arc::new(Mutex::new(script.into_iter()));
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let tx = tx.clone();
            let script = script.clone();
            tokio::spawn(async move {
                let svc = service_fn(move |req: Request<Incoming>| {
                    let tx = tx.clone();
                    let script = script.clone();
                    async move {
                        let path = req.uri().path().to_owned();
                        let (parts, body) = req.into_parts();
                        let body = body.collect().await.unwrap().to_bytes();
                        let answer = script.lock().unwrap().next().unwrap_or(Answer::Status(200));
                        let seen = Seen {
                            path,
                            headers: parts.headers,
                            body: body.clone(),
                        };
                        let challenge = seen.json()["challenge"].as_str().unwrap_or("").to_owned();
                        let _ = tx.send(seen);
                        let (status, text) = match answer {
                            Answer::Status(s) => (s, String::new()),
                            Answer::Hang => std::future::pending().await,
                            Answer::Echo => (200, challenge),
                            Answer::Json(v) => (200, v.to_string()),
                            Answer::Text(t) => (200, t.to_owned()),
                        };
                        let mut r = Response::new(Full::new(Bytes::from(text)));
                        *r.status_mut() = StatusCode::from_u16(status).unwrap();
                        Ok::<_, Infallible>(r)
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tcp), svc)
                    .await;
            });
        }
    });
    (addr, rx)
}

/// Wait (yielding to the server) until `cond` holds.
async fn until(mut cond: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !cond() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "condition not met in time"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

async fn next(rx: &mut mpsc::UnboundedReceiver<Seen>) -> Seen {
    tokio::time::timeout(WAIT, rx.recv())
        .await
        .expect("no request in time")
        .expect("app gone")
}

fn http_app(addr: SocketAddr) -> EmulatorBuilder {
    Emulator::builder()
        .signing_secret(SECRET)
        .event_request_url(format!("http://{addr}/slack/events"))
        .command_url(format!("http://{addr}/slack/commands"))
        .interaction_url(format!("http://{addr}/slack/interactions"))
        .events_api_retry_delays([Duration::from_millis(5); 3])
        .events_api_timeout(Duration::from_secs(5))
}

#[tokio::test]
async fn events_are_posted_signed_and_retried_after_errors() {
    let (addr, mut rx) = app(vec![Answer::Status(500)]).await;
    let emu = http_app(addr).start().await.unwrap();
    let ts = emu.post_as("ada", "general", "over http").unwrap();
    let first = next(&mut rx).await;
    assert_eq!(first.path, "/slack/events");
    assert_eq!(first.header("content-type"), Some("application/json"));
    assert!(first.verified(), "signature");
    assert!(first.header("x-slack-retry-num").is_none());
    let cb = first.json();
    assert_eq!(cb["type"], "event_callback");
    assert_eq!(cb["api_app_id"], emu.app_id().as_str());
    assert_eq!(cb["event"]["type"], "message");
    assert_eq!(cb["event"]["text"], "over http");
    assert_eq!(cb["event"]["ts"], ts.as_str());
    // The 500 is retried, with Slack's headers and the same event.
    let retry = next(&mut rx).await;
    assert!(retry.verified());
    assert_eq!(retry.header("x-slack-retry-num"), Some("1"));
    assert_eq!(retry.header("x-slack-retry-reason"), Some("http_error"));
    assert_eq!(retry.json()["event_id"], cb["event_id"]);
    // A wrong secret does not verify.
    assert!(SignatureVerifier::new("other")
        .unwrap()
        .verify_headers(&retry.body, &retry.headers)
        .is_err());
    // Recorded once the app's answer is read.
    until(|| emu.events_api().deliveries().len() == 2).await;
    let d = emu.events_api().deliveries();
    assert_eq!(d[0].status, Some(500));
    assert_eq!(d[1].attempt, 1);
    assert_eq!(d[1].retry_reason.as_deref(), Some("http_error"));
    assert_eq!(d[1].status, Some(200));
}

#[tokio::test]
async fn timeouts_are_retried_up_to_three_times() {
    let (addr, mut rx) = app(vec![
        Answer::Hang,
        Answer::Status(503),
        Answer::Hang,
        Answer::Status(500),
    ])
    .await;
    let emu = http_app(addr)
        .events_api_timeout(Duration::from_millis(50))
        .start()
        .await
        .unwrap();
    let id = emu
        .events_api()
        .event(json!({"type": "team_join", "user": {"id": "U1"}}))
        .unwrap();
    let mut reasons = Vec::new();
    for n in 0..4 {
        let seen = next(&mut rx).await;
        assert_eq!(seen.json()["event_id"], id.as_str());
        assert_eq!(
            seen.header("x-slack-retry-num").map(str::to_owned),
            (n > 0).then(|| n.to_string())
        );
        reasons.push(seen.header("x-slack-retry-reason").map(str::to_owned));
    }
    assert_eq!(
        reasons,
        [
            None,
            Some("http_timeout".to_owned()),
            Some("http_error".to_owned()),
            Some("http_timeout".to_owned())
        ]
    );
    // No fifth attempt: given up.
    until(|| emu.socket_mode().given_up().contains(&id)).await;
    assert!(rx.try_recv().is_err());
}

#[tokio::test]
async fn url_verification_on_demand() {
    let (addr, mut rx) = app(vec![
        Answer::Echo,
        Answer::Text("nope"),
        Answer::Json(json!({"challenge": "x"})),
    ])
    .await;
    let emu = http_app(addr).start().await.unwrap();
    assert!(emu.events_api().verify_url().await.unwrap());
    let seen = next(&mut rx).await;
    assert!(seen.verified());
    assert_eq!(seen.json()["type"], "url_verification");
    assert_eq!(seen.json()["token"], emu.verification_token().as_str());
    assert!(!emu.events_api().verify_url().await.unwrap());
    assert!(
        !emu.events_api().verify_url().await.unwrap(),
        "wrong challenge"
    );
    let r = send(
        &emu,
        Method::POST,
        "/_emulator/events_api/verify_url",
        &[],
        "",
    )
    .await
    .unwrap();
    assert_eq!(r.json()["verified"], false);
    let socket = Emulator::start().await.unwrap();
    assert!(matches!(
        socket.events_api().verify_url().await,
        Err(AppError::NoUrl(_))
    ));
}

#[tokio::test]
async fn slash_commands_go_to_the_command_url_as_signed_forms() {
    let (addr, mut rx) = app(vec![Answer::Json(
        json!({"response_type": "in_channel", "text": "Shipped"}),
    )])
    .await;
    let emu = http_app(addr).start().await.unwrap();
    let (status, _) = emu
        .events_api()
        .slash_command(
            SlashCommand::new("/ship")
                .text("it")
                .user("grace")
                .channel("random"),
        )
        .await
        .unwrap();
    assert_eq!(status, 200);
    let seen = next(&mut rx).await;
    assert_eq!(seen.path, "/slack/commands");
    assert_eq!(
        seen.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert!(seen.verified());
    let form: std::collections::HashMap<String, String> =
        form_urlencoded::parse(&seen.body).into_owned().collect();
    assert_eq!(form["command"], "/ship");
    assert_eq!(form["text"], "it");
    assert_eq!(form["user_name"], "grace");
    assert_eq!(form["channel_name"], "random");
    assert!(emu.trigger_ids().contains(&form["trigger_id"]));
    // The JSON answer is the response: posted in the channel.
    assert_eq!(emu.messages("random").last().unwrap()["text"], "Shipped");
    assert_eq!(emu.responses()[0].outcome, "in_channel");
    // And the response URL takes more.
    let path = form["response_url"]
        .split(&emu.addr().to_string())
        .nth(1)
        .unwrap()
        .to_owned();
    let r = send(
        &emu,
        Method::POST,
        &path,
        &[],
        json!({"text": "later", "response_type": "in_channel"}).to_string(),
    )
    .await
    .unwrap();
    assert_eq!(r.json()["ok"], true);
    assert_eq!(emu.messages("random").last().unwrap()["text"], "later");
    assert_eq!(
        emu.responses()[1].via,
        slack_emulator::ResponseVia::ResponseUrl
    );
    // The activity of those posts went to the events URL.
    let mut texts = Vec::new();
    for _ in 0..2 {
        let s = next(&mut rx).await;
        assert_eq!(s.path, "/slack/events");
        texts.push(s.json()["event"]["text"].as_str().unwrap().to_owned());
    }
    texts.sort();
    assert_eq!(texts, ["Shipped", "later"]);
}

#[tokio::test]
async fn one_mode_at_a_time() {
    let (addr, _rx) = app(vec![]).await;
    let emu = http_app(addr).start().await.unwrap();
    let r = call_with(&emu, &emu.app_token(), "apps.connections.open", json!({})).await;
    assert_eq!(r.json()["error"], "link_disabled");
    assert_eq!(
        emu.socket_mode().slash_command("/x", "", "ada"),
        Err(AppError::WrongMode(AppMode::Http))
    );
    let socket = Emulator::start().await.unwrap();
    assert_eq!(
        socket.events_api().event(json!({"type": "x"})),
        Err(AppError::WrongMode(AppMode::SocketMode))
    );
    assert!(matches!(
        socket
            .events_api()
            .slash_command(SlashCommand::new("/x"))
            .await,
        Err(AppError::WrongMode(_))
    ));
}

#[tokio::test]
async fn interactions_go_to_the_interaction_url_and_view_answers_apply() {
    let (addr, mut rx) = app(vec![Answer::Json(
        json!({"response_action": "errors", "errors": {"email": "Not an email"}}),
    )])
    .await;
    let emu = http_app(addr).start().await.unwrap();
    let (status, body) = emu
        .events_api()
        .interaction(json!({"type": "view_submission", "user": "ada", "view": {"id": "V1", "callback_id": "signup"}}))
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert!(body.contains("errors"));
    let seen = next(&mut rx).await;
    assert_eq!(seen.path, "/slack/interactions");
    assert!(seen.verified());
    let payload: Value = form_urlencoded::parse(&seen.body)
        .find(|(k, _)| k == "payload")
        .map(|(_, v)| serde_json::from_str(&v).unwrap())
        .unwrap();
    assert_eq!(payload["user"]["name"], "ada");
    assert_eq!(payload["api_app_id"], emu.app_id().as_str());
    assert!(emu
        .trigger_ids()
        .iter()
        .any(|t| payload["trigger_id"] == t.as_str()));
    let r = emu.responses();
    assert_eq!(r[0].via, slack_emulator::ResponseVia::HttpAnswer);
    assert_eq!(r[0].outcome, "view_errors");
}
