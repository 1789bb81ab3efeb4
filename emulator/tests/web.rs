//! The web page's server side over raw HTTP: the page and its files, the request and event
//! logs (redacted), the overview, and the live Server-Sent Events feed. (The page itself is
//! driven in a real browser by the workspace's `tests/web_ui.rs`.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use bytes::Bytes;
use common::{call_with, emulator, next_event, ok, rtm_connect, send, WAIT};
use http::{Method, Request};
use http_body_util::{BodyExt, Empty, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Value};

#[tokio::test]
async fn browsers_get_the_page_and_other_clients_the_json_greeting() {
    let emu = emulator().await;
    let page = send(&emu, Method::GET, "/", &[("accept", "text/html,*/*")], "")
        .await
        .unwrap();
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(page.header("content-security-policy").is_some());
    let html = page.text();
    assert!(html.contains(r#"<script src="/static/app.js""#), "{html}");
    assert!(html.contains(r#"id="post-text""#));

    let greeting = send(&emu, Method::GET, "/", &[], "").await.unwrap();
    assert_eq!(greeting.json()["emulator"], "slack-emulator");

    for (path, kind) in [
        ("/static/app.js", "text/javascript; charset=utf-8"),
        ("/static/app.css", "text/css; charset=utf-8"),
    ] {
        let r = send(&emu, Method::GET, path, &[], "").await.unwrap();
        assert_eq!((r.status, r.header("content-type")), (200, Some(kind)));
        assert!(r.body.len() > 1000, "{path} is {} bytes", r.body.len());
    }
    let missing = send(&emu, Method::GET, "/static/nope.js", &[], "")
        .await
        .unwrap();
    assert_eq!(missing.status, 404);
}

fn requests_of(log: &Value, method: &str) -> Vec<Value> {
    log["requests"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|r| r["method"] == method)
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn the_request_log_shows_calls_with_secrets_redacted() {
    let emu = emulator().await;
    let general = emu.channel_id("general").unwrap();
    ok(
        &emu,
        "chat.postMessage",
        json!({"channel": general, "text": "logged"}),
    )
    .await;
    // A secret as a form argument, and a refused call.
    let form = send(
        &emu,
        Method::POST,
        "/api/oauth.v2.access",
        &[("content-type", "application/x-www-form-urlencoded")],
        "client_id=1.2&client_secret=hunter2&code=7.8.9",
    )
    .await
    .unwrap();
    assert_eq!(form.status, 200);
    let bad = call_with(&emu, "xoxb-not-a-real-token", "auth.test", json!({})).await;
    assert_eq!(bad.json()["error"], "invalid_auth");
    let rtm = ok(&emu, "rtm.connect", json!({})).await;
    assert!(rtm["url"].as_str().is_some_and(|u| u.contains("/rtm/")));

    let log = send(&emu, Method::GET, "/_emulator/requests", &[], "")
        .await
        .unwrap();
    let text = log.text();
    for secret in [
        emu.bot_token().as_str(),
        "hunter2",
        "7.8.9",
        "xoxb-not-a-real-token",
    ] {
        assert!(!text.contains(secret), "{secret} in the log: {text}");
    }
    let log = log.json();
    assert_eq!(log["ok"], true);

    let post = &requests_of(&log, "chat.postMessage")[0];
    assert_eq!(post["status"], 200);
    assert_eq!(post["ok"], true);
    assert_eq!(post["token"], "xoxb-<redacted>");
    assert_eq!(post["args"], json!({"channel": general, "text": "logged"}));
    assert_eq!(post["answer"]["message"]["text"], "logged");
    assert!(post["latency_ms"].as_f64().is_some_and(|ms| ms >= 0.0));
    assert!(post["at"].as_f64().is_some_and(|t| t > 1.7e9));

    let oauth = &requests_of(&log, "oauth.v2.access")[0];
    assert_eq!(oauth["args"]["client_id"], "1.2");
    assert_eq!(oauth["args"]["client_secret"], "<redacted>");
    assert_eq!(oauth["args"]["code"], "<redacted>");

    let refused = &requests_of(&log, "auth.test")[0];
    assert_eq!(refused["ok"], false);
    assert_eq!(refused["error"], "invalid_auth");
    assert_eq!(refused["token"], "xoxb-<redacted>");

    let connect = &requests_of(&log, "rtm.connect")[0];
    let url = connect["answer"]["url"].as_str().unwrap_or_default();
    assert!(
        url.ends_with("/<redacted>") && !url.contains("/rtm/"),
        "{url}"
    );

    // Ids increase; a reset forgets the log.
    let ids: Vec<u64> = log["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["id"].as_u64())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
    send(&emu, Method::POST, "/_emulator/reset", &[], "")
        .await
        .unwrap();
    let after = send(&emu, Method::GET, "/_emulator/requests", &[], "")
        .await
        .unwrap()
        .json();
    assert_eq!(after["requests"], json!([]));
}

#[tokio::test]
async fn the_event_log_shows_what_each_rtm_connection_got() {
    let emu = emulator().await;
    let general = emu.channel_id("general").unwrap();
    let mut ws = rtm_connect(&emu, &emu.bot_token()).await;
    emu.post_as("ada", "general", "hello rtm").unwrap();
    let ev = next_event(&mut ws, &["hello"]).await;
    assert_eq!(ev["text"], "hello rtm");

    let log = send(&emu, Method::GET, "/_emulator/events", &[], "")
        .await
        .unwrap()
        .json();
    let events = log["events"].as_array().cloned().unwrap_or_default();
    let message = events
        .iter()
        .find(|e| e["type"] == "message")
        .cloned()
        .unwrap_or_default();
    assert_eq!(message["via"], "rtm");
    assert_eq!(message["connections_open"], 1);
    assert_eq!(message["payload"]["text"], "hello rtm");
    assert_eq!(message["payload"]["channel"], general.as_str());
}

#[tokio::test]
async fn the_overview_is_bounded_and_follows_the_selected_channel() {
    let emu = emulator().await;
    let general = emu.channel_id("general").unwrap();
    let root = emu.post_as("ada", "general", "root").unwrap();
    ok(
        &emu,
        "chat.postMessage",
        json!({"channel": general, "text": "a reply", "thread_ts": root}),
    )
    .await;
    let v = send(&emu, Method::GET, "/_emulator/overview", &[], "")
        .await
        .unwrap()
        .json();
    assert_eq!(v["ok"], true);
    assert_eq!(v["selected"]["id"], general.as_str());
    let threads = v["selected"]["threads"].as_array().cloned().unwrap();
    let last = threads.last().cloned().unwrap();
    assert_eq!(last["text"], "root");
    assert_eq!(last["replies"][0]["text"], "a reply");
    assert!(v["users"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["name"] == "ada"));
    assert!(!v.to_string().contains(&emu.bot_token()));

    let random = emu.channel_id("random").unwrap();
    let v = send(
        &emu,
        Method::GET,
        &format!("/_emulator/overview?channel={random}"),
        &[],
        "",
    )
    .await
    .unwrap()
    .json();
    assert_eq!(v["selected"]["id"], random.as_str());
}

/// Read the live stream until a `data:` line satisfies `want`; the lines read.
async fn read_live_until(
    body: &mut hyper::body::Incoming,
    buf: &mut String,
    want: impl Fn(&Value) -> bool,
) -> Value {
    loop {
        while let Some(end) = buf.find("\n\n") {
            let block: String = buf.drain(..end + 2).collect();
            for line in block.lines() {
                if let Some(data) = line.strip_prefix("data: ") {
                    let v: Value = serde_json::from_str(data).unwrap_or(Value::Null);
                    if want(&v) {
                        return v;
                    }
                }
            }
        }
        let frame = tokio::time::timeout(WAIT, body.frame())
            .await
            .expect("live feed silent")
            .expect("live feed ended")
            .expect("live feed broke");
        if let Ok(data) = frame.into_data() {
            buf.push_str(&String::from_utf8_lossy(&data));
        }
    }
}

#[tokio::test]
async fn the_live_feed_streams_records_as_they_are_made() {
    let emu = emulator().await;
    let client = Client::builder(TokioExecutor::new()).build_http::<Empty<Bytes>>();
    let req = Request::get(format!("http://{}/_emulator/live", emu.addr()))
        .body(Empty::new())
        .unwrap();
    let resp = tokio::time::timeout(WAIT, client.request(req))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/event-stream")
    );
    let mut body = resp.into_body();
    let mut buf = String::new();
    // The greeting comes first: the subscription exists from here on.
    let hello = read_live_until(&mut body, &mut buf, |v| v.is_object()).await;
    assert_eq!(hello, json!({}));

    let general = emu.channel_id("general").unwrap();
    ok(
        &emu,
        "chat.postMessage",
        json!({"channel": general, "text": "live!"}),
    )
    .await;
    let msg = read_live_until(&mut body, &mut buf, |v| v["kind"] == "request").await;
    assert_eq!(msg["record"]["method"], "chat.postMessage");
    assert_eq!(msg["record"]["token"], "xoxb-<redacted>");
    assert_eq!(msg["record"]["args"]["text"], "live!");

    // Admin changes are announced too.
    send(
        &emu,
        Method::POST,
        "/_emulator/faults",
        &[],
        r#"{"method":"chat.postMessage","fault":"rate_limited"}"#,
    )
    .await
    .unwrap();
    let changed = read_live_until(&mut body, &mut buf, |v| v["kind"] == "changed").await;
    assert_eq!(changed, json!({"kind": "changed"}));
}

#[tokio::test]
async fn a_reader_that_does_not_read_never_holds_the_server_back() {
    let emu = emulator().await;
    let client = Client::builder(TokioExecutor::new()).build_http::<Empty<Bytes>>();
    let req = Request::get(format!("http://{}/_emulator/live", emu.addr()))
        .body(Empty::new())
        .unwrap();
    let resp = tokio::time::timeout(WAIT, client.request(req))
        .await
        .unwrap()
        .unwrap();
    let mut body = resp.into_body();
    let mut buf = String::new();
    read_live_until(&mut body, &mut buf, |v| v.is_object()).await;

    // 1,200 calls (on one keep-alive connection) while the reader sleeps: every one is
    // answered.
    let general = emu.channel_id("general").unwrap();
    let poster = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    for i in 0..1_200 {
        let body = json!({"channel": general, "text": format!("flood {i}")}).to_string();
        let req = Request::post(format!("http://{}/api/chat.postMessage", emu.addr()))
            .header("authorization", format!("Bearer {}", emu.bot_token()))
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(body)))
            .unwrap();
        let resp = tokio::time::timeout(WAIT, poster.request(req))
            .await
            .unwrap()
            .unwrap();
        let answer = resp.into_body().collect().await.unwrap().to_bytes();
        assert!(answer.starts_with(br#"{"ok":true"#));
    }
    // The reader then sees either every record or a `resync` where it fell behind; the log
    // itself stays bounded.
    let log = send(&emu, Method::GET, "/_emulator/requests", &[], "")
        .await
        .unwrap()
        .json();
    assert_eq!(log["requests"].as_array().map(Vec::len), Some(1_000));
    let last = read_live_until(&mut body, &mut buf, |v| {
        v["record"]["args"]["text"] == "flood 1199"
    })
    .await;
    assert_eq!(last["kind"], "request");

    // Stopping the emulator ends the stream cleanly (not cut off after the grace period).
    emu.shutdown().await;
    loop {
        match tokio::time::timeout(WAIT, body.frame()).await.unwrap() {
            None => break,
            Some(frame) => {
                frame.expect("the stream ends cleanly");
            }
        }
    }
}
