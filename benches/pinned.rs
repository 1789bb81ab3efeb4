//! The pinned benchmark: this SDK against raw hyper and raw websockets, side by side.
//!
//! ```sh
//! cargo bench --bench pinned --features "hyper socket-mode rtm-tokio"
//! cargo bench --bench pinned --features "hyper socket-mode rtm-tokio" -- --runs 7 --rows post64,socket
//! cargo bench --bench pinned --features "hyper socket-mode rtm-tokio" -- --callgrind
//! ```
//!
//! A neutral loopback Slack stand-in (hyper for the Web API, tokio-tungstenite for the
//! websockets) runs in its own process pinned to CPU 0; every client runs in its own process
//! pinned to CPU 1 (`taskset`; unpinned, and said so, where the machine has one core or no
//! `taskset`). So each client's own CPU per operation decides its throughput, and its peak
//! RSS is its own. Both clients run on a one-thread tokio runtime.
//!
//! Rows (raw baseline → this SDK):
//! - `post1`, `post64`: `chat.postMessage` with 1 and 64 in flight. Raw: a hyper-util client
//!   that writes the form body, reads the answer and decodes it into `serde_json::Value`.
//!   SDK: `WebClient::call(chat::PostMessage)` with default options, typed answer.
//! - `history16`: `conversations.history` (50 messages), 16 in flight; typed answer vs `Value`.
//! - `rtm`: RTM `message` events over one connection. Raw: tokio-tungstenite decoding each
//!   frame into `Value`. SDK: `RtmClient` with a typed `on_message` handler.
//! - `socket`: Socket Mode envelopes, decode + ack over one connection (256 in flight). Raw:
//!   tokio-tungstenite, `Value`, ack written. SDK: `SocketModeClient` with a handler that acks.
//!
//! Printed per row: the median of `--runs` paired runs (raw and SDK alternate who goes first)
//! of operations per second, client CPU per operation (user + system, from `/proc`), peak
//! RSS, and the SDK/raw ratio: the median of the pairs' ratios, so that the host's drift,
//! which moves both runs of a pair alike, cancels. `--callgrind` also counts the client's
//! instructions per operation under `valgrind --tool=callgrind`: two runs of different
//! lengths, so start-up cancels out — a figure that the machine's noise cannot move.
//!
//! Internally the same binary plays three roles: the driver (no `--role`), `--role server`
//! and `--role client`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};
use slack_sdk::api::{chat, conversations};
use slack_sdk::rtm::{RtmClient, RtmOptions};
use slack_sdk::socket_mode::{Request, SocketModeClient, SocketModeOptions};
use slack_sdk::transport::hyper::HyperTransport;
use slack_sdk::WebClient;
use tokio_tungstenite::tungstenite::Message;

const ROWS: [&str; 6] = ["post1", "post64", "history16", "rtm", "socket", "idle"];
const TOKEN: &str = "xoxb-bench";
const SM_WINDOW: usize = 256;

// ---------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------

fn post_message_answer() -> Bytes {
    Bytes::from_static(
        br#"{"ok":true,"channel":"C024BE91L","ts":"1700000000.000100","message":{"type":"message","subtype":"bot_message","text":"benchmark message","ts":"1700000000.000100","username":"bench","bot_id":"B01","app_id":"A01","team":"T01","bot_profile":{"id":"B01","app_id":"A01","name":"bench","icons":{"image_36":"https://a.slack-edge.com/x/img/36.png","image_48":"https://a.slack-edge.com/x/img/48.png","image_72":"https://a.slack-edge.com/x/img/72.png"},"deleted":false,"updated":1700000000,"team_id":"T01"},"blocks":[{"type":"rich_text","block_id":"abc","elements":[{"type":"rich_text_section","elements":[{"type":"text","text":"benchmark message"}]}]}]},"response_metadata":{"warnings":["missing_charset"]},"warning":"missing_charset"}"#,
    )
}

fn history_answer() -> Bytes {
    let messages: Vec<String> = (0..50)
        .map(|i| {
            format!(
                r#"{{"type":"message","user":"U0{i:08}","text":"message number {i} with <@U012AB3CD> and a link <https://example.com|example>","ts":"1700000000.{i:06}","team":"T01","blocks":[{{"type":"rich_text","block_id":"b{i}","elements":[{{"type":"rich_text_section","elements":[{{"type":"text","text":"message number {i}"}}]}}]}}],"reactions":[{{"name":"thumbsup","users":["U1","U2"],"count":2}}]}}"#
            )
        })
        .collect();
    Bytes::from(format!(
        r#"{{"ok":true,"messages":[{}],"has_more":true,"pin_count":0,"channel_actions_ts":null,"channel_actions_count":0,"response_metadata":{{"next_cursor":"bmV4dF90czoxNTEyMDg1ODYxMDAwNTQz"}}}}"#,
        messages.join(",")
    ))
}

fn rtm_event(i: usize) -> String {
    format!(
        r#"{{"type":"message","channel":"C024BE91L","user":"U2147483697","text":"Live long and prospect.","ts":"1355517523.{i:06}","source_team":"T01","team":"T01","client_msg_id":"5b7e1b37-6c3d-4b5f-8f07-f2a1b1a0b{:03}","blocks":[{{"type":"rich_text","block_id":"x","elements":[{{"type":"rich_text_section","elements":[{{"type":"text","text":"Live long and prospect."}}]}}]}}]}}"#,
        i % 1000
    )
}

fn envelope(i: usize) -> String {
    format!(
        r#"{{"envelope_id":"e-{i}","type":"events_api","accepts_response_payload":false,"retry_attempt":0,"retry_reason":"","payload":{{"token":"x","team_id":"T1","api_app_id":"A1","type":"event_callback","event_id":"Ev{i}","event_time":1700000000,"event":{{"type":"message","channel":"C024BE91L","user":"U2147483697","text":"Live long and prospect.","ts":"1355517523.{i:06}","channel_type":"channel","event_ts":"1355517523.{i:06}"}}}}}}"#
    )
}

async fn serve_http(listener: tokio::net::TcpListener, ws_rtm: SocketAddr, ws_sm: SocketAddr) {
    let post = post_message_answer();
    let history = history_answer();
    let rtm_connect = Bytes::from(format!(
        r#"{{"ok":true,"url":"ws://{ws_rtm}/rtm","self":{{"id":"U0BOT","name":"bench"}},"team":{{"id":"T01","name":"Bench","domain":"bench"}}}}"#
    ));
    let sm_open = Bytes::from(format!(r#"{{"ok":true,"url":"ws://{ws_sm}/link"}}"#));
    let sm_idle = Bytes::from(format!(r#"{{"ok":true,"url":"ws://{ws_sm}/idle"}}"#));
    while let Ok((tcp, _)) = listener.accept().await {
        let _ = tcp.set_nodelay(true);
        let (post, history, rtm_connect, sm_open, sm_idle) = (
            post.clone(),
            history.clone(),
            rtm_connect.clone(),
            sm_open.clone(),
            sm_idle.clone(),
        );
        tokio::spawn(async move {
            let svc = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                let answer = match req.uri().path() {
                    "/api/chat.postMessage" => post.clone(),
                    "/api/conversations.history" => history.clone(),
                    "/api/rtm.connect" => rtm_connect.clone(),
                    // The idle row's app token gets a connection that stays quiet.
                    "/api/apps.connections.open"
                        if req
                            .headers()
                            .get("authorization")
                            .is_some_and(|v| v.as_bytes().ends_with(b"xapp-idle")) =>
                    {
                        sm_idle.clone()
                    }
                    "/api/apps.connections.open" => sm_open.clone(),
                    _ => Bytes::from_static(br#"{"ok":false,"error":"unknown_method"}"#),
                };
                async move {
                    // Read the whole request, as Slack does.
                    let _ = req.into_body().collect().await;
                    Ok::<_, std::convert::Infallible>(
                        hyper::Response::builder()
                            .header("content-type", "application/json; charset=utf-8")
                            .body(Full::new(answer))
                            .unwrap(),
                    )
                }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(tcp), svc)
                .await;
        });
    }
}

/// RTM: `hello`, then message events as fast as the client reads them.
async fn serve_rtm(listener: tokio::net::TcpListener) {
    while let Ok((tcp, _)) = listener.accept().await {
        tokio::spawn(async move {
            let Ok(ws) = tokio_tungstenite::accept_async(tcp).await else {
                return;
            };
            let (mut sink, mut stream) = ws.split();
            let (pong_tx, mut pong_rx) = tokio::sync::mpsc::unbounded_channel();
            // Answer pings (and notice the client going) beside the event stream.
            tokio::spawn(async move {
                while let Some(Ok(msg)) = stream.next().await {
                    match msg {
                        Message::Text(t) => {
                            // An RTM ping or a sent message: answer with its reply_to.
                            let v: serde_json::Value = serde_json::from_str(&t).unwrap_or_default();
                            if let Some(id) = v.get("id").and_then(|i| i.as_u64()) {
                                let _ = pong_tx.send(Message::text(format!(
                                    r#"{{"type":"pong","reply_to":{id}}}"#
                                )));
                            }
                        }
                        Message::Ping(p) => {
                            let _ = pong_tx.send(Message::Pong(p));
                        }
                        Message::Close(_) => break,
                        _ => {}
                    }
                }
            });
            if sink
                .send(Message::text(r#"{"type":"hello"}"#))
                .await
                .is_err()
            {
                return;
            }
            let mut i = 0usize;
            loop {
                while let Ok(m) = pong_rx.try_recv() {
                    if sink.feed(m).await.is_err() {
                        return;
                    }
                }
                // Batches of 64 frames per flush, so the server is never the bottleneck.
                for _ in 0..64 {
                    if sink.feed(Message::text(rtm_event(i))).await.is_err() {
                        return;
                    }
                    i += 1;
                }
                if sink.flush().await.is_err() {
                    return;
                }
            }
        });
    }
}

#[allow(clippy::result_large_err)] // tungstenite's callback signature
/// Socket Mode: `hello`, then envelopes with `SM_WINDOW` unacknowledged at most (on
/// `/idle`: `hello`, then nothing but pongs).
async fn serve_socket_mode(listener: tokio::net::TcpListener) {
    while let Ok((tcp, _)) = listener.accept().await {
        tokio::spawn(async move {
            let mut idle = false;
            let Ok(ws) = tokio_tungstenite::accept_hdr_async(
                tcp,
                |req: &tokio_tungstenite::tungstenite::handshake::server::Request, resp| {
                    idle = req.uri().path() == "/idle";
                    Ok(resp)
                },
            )
            .await
            else {
                return;
            };
            let (mut sink, mut stream) = ws.split();
            if sink
                .send(Message::text(r#"{"type":"hello","num_connections":1}"#))
                .await
                .is_err()
            {
                return;
            }
            let mut sent = 0usize;
            while !idle && sent < SM_WINDOW {
                let _ = sink.feed(Message::text(envelope(sent))).await;
                sent += 1;
            }
            let _ = sink.flush().await;
            while let Some(Ok(msg)) = stream.next().await {
                match msg {
                    Message::Text(_) if !idle => {
                        if sink.send(Message::text(envelope(sent))).await.is_err() {
                            break;
                        }
                        sent += 1;
                    }
                    Message::Ping(p) => {
                        let _ = sink.send(Message::Pong(p)).await;
                    }
                    Message::Close(_) => break,
                    _ => {}
                }
            }
        });
    }
}

fn server_role() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let http = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let rtm = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let sm = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let (rtm_addr, sm_addr) = (rtm.local_addr().unwrap(), sm.local_addr().unwrap());
        println!("{}", http.local_addr().unwrap());
        std::io::stdout().flush().unwrap();
        tokio::spawn(serve_http(http, rtm_addr, sm_addr));
        tokio::spawn(serve_rtm(rtm));
        tokio::spawn(serve_socket_mode(sm));
        // Serve until the driver closes our stdin.
        tokio::task::spawn_blocking(|| {
            let mut line = String::new();
            while std::io::stdin().read_line(&mut line).unwrap_or(0) > 0 {
                line.clear();
            }
        })
        .await
        .unwrap();
    });
}

// ---------------------------------------------------------------------------------------
// The clients
// ---------------------------------------------------------------------------------------

/// The SDK's transport as the SDK clients use it.
fn sdk_transport() -> HyperTransport {
    HyperTransport::builder()
        .no_proxy()
        .pool_max_idle_per_host(64)
        .build()
        .unwrap()
}

fn sdk_web(base: &str) -> WebClient {
    let transport = sdk_transport();
    WebClient::builder()
        .token(TOKEN)
        .base_url(base)
        .transport_with_ws(transport)
        .build()
        .unwrap()
}

/// Runs `n` operations split over `inflight` tasks.
async fn spread<F, Fut>(n: usize, inflight: usize, op: F)
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let left = Arc::new(AtomicUsize::new(n));
    let tasks: Vec<_> = (0..inflight)
        .map(|_| {
            let (op, left) = (op.clone(), left.clone());
            tokio::spawn(async move {
                while left
                    .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |l| l.checked_sub(1))
                    .is_ok()
                {
                    op().await;
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
}

async fn http_row(row: &str, sdk: bool, base: &str, n: usize) {
    let (inflight, method) = match row {
        "post1" => (1, "chat.postMessage"),
        "post64" => (64, "chat.postMessage"),
        _ => (16, "conversations.history"),
    };
    if sdk {
        // Diagnostic variants of the `post` rows (`PINNED_SDK_VARIANT`), to split the SDK's
        // cost: `transport` sends through `HyperTransport` alone and decodes a `Value` as the
        // raw client does; `untyped` is `WebClient::api_call` (the envelope, no typed answer), and
        // `untyped-decode` adds `SlackResponse::decode` of the typed answer.
        let variant = std::env::var("PINNED_SDK_VARIANT").unwrap_or_default();
        if variant == "transport" && method == "chat.postMessage" {
            use slack_sdk::transport::{Body, HttpRequest, HttpTransport};
            let transport = sdk_transport();
            let url: Arc<str> = format!("{base}{method}").into();
            spread(n, inflight, move || {
                let (t, url) = (transport.clone(), url.clone());
                async move {
                    let mut req = HttpRequest::new(http::Method::POST, &*url);
                    req.headers.insert(
                        "authorization",
                        http::HeaderValue::from_static("Bearer xoxb-bench"),
                    );
                    req.headers.insert(
                        "content-type",
                        http::HeaderValue::from_static("application/x-www-form-urlencoded"),
                    );
                    req.body = Body::from(Bytes::from_static(
                        b"channel=C024BE91L&text=benchmark+message",
                    ));
                    let resp = t.send(req).await.expect("post");
                    let v: serde_json::Value = serde_json::from_slice(&resp.body).unwrap();
                    assert_eq!(v["ok"], true);
                }
            })
            .await;
            return;
        }
        let client = sdk_web(base);
        if (variant == "untyped" || variant == "untyped-decode") && method == "chat.postMessage" {
            let decode = variant == "untyped-decode";
            spread(n, inflight, move || {
                let c = client.clone();
                async move {
                    let mut args = slack_sdk::Args::new();
                    args.insert("channel", "C024BE91L");
                    args.insert("text", "benchmark message");
                    let r = c.api_call("chat.postMessage", args).await.expect("post");
                    assert_eq!(r.warnings(), ["missing_charset"]);
                    if decode {
                        let typed = r
                            .decode::<slack_sdk::responses::chat::PostMessageResponse>()
                            .expect("decode");
                        assert!(!typed.ts.is_empty());
                    }
                }
            })
            .await;
            return;
        }
        if method == "chat.postMessage" {
            spread(n, inflight, move || {
                let c = client.clone();
                async move {
                    let r = c
                        .call(chat::PostMessage::new("C024BE91L").text("benchmark message"))
                        .await
                        .expect("post");
                    assert!(!r.ts.is_empty());
                }
            })
            .await;
        } else {
            spread(n, inflight, move || {
                let c = client.clone();
                async move {
                    let r = c
                        .call(conversations::History::new("C024BE91L").limit(50))
                        .await
                        .expect("history");
                    assert_eq!(r.messages.len(), 50);
                }
            })
            .await;
        }
        return;
    }
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(64)
        .build_http();
    let url: Arc<str> = format!("{base}{method}").into();
    let body = if method == "chat.postMessage" {
        Bytes::from_static(b"channel=C024BE91L&text=benchmark+message")
    } else {
        Bytes::from_static(b"channel=C024BE91L&limit=50")
    };
    let want = if method == "chat.postMessage" { 0 } else { 50 };
    spread(n, inflight, move || {
        let (client, url, body) = (client.clone(), url.clone(), body.clone());
        async move {
            let req = http::Request::post(&*url)
                .header("authorization", concat!("Bearer ", "xoxb-bench"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Full::new(body))
                .unwrap();
            let resp = client.request(req).await.expect("post");
            let bytes = resp.into_body().collect().await.unwrap().to_bytes();
            let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(v["ok"], true);
            if want > 0 {
                assert_eq!(v["messages"].as_array().map(Vec::len), Some(want));
            }
        }
    })
    .await;
}

async fn rtm_row(sdk: bool, base: &str, n: usize) {
    if sdk {
        let rtm = Arc::new(RtmClient::with_options(
            sdk_web(base),
            RtmOptions::default(),
        ));
        let seen = Arc::new(AtomicUsize::new(0));
        let handle = rtm.handle();
        {
            let seen = seen.clone();
            rtm.on_message(move |_ctx, msg| {
                let (seen, handle) = (seen.clone(), handle.clone());
                async move {
                    if !msg.text.as_deref().unwrap_or_default().is_empty()
                        && seen.fetch_add(1, Ordering::Relaxed) + 1 == n
                    {
                        handle.stop();
                    }
                }
            });
        }
        rtm.start().await.expect("rtm");
        assert!(seen.load(Ordering::Relaxed) >= n);
        return;
    }
    // The raw consumer asks rtm.connect for the URL as the SDK does (not timed apart).
    let url = open_url(base, "rtm.connect", TOKEN).await;
    let (ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let (mut sink, mut stream) = ws.split();
    let mut seen = 0;
    while let Some(Ok(msg)) = stream.next().await {
        if let Message::Text(t) = msg {
            let v: serde_json::Value = serde_json::from_str(&t).unwrap();
            if v["type"] == "message" && !v["text"].as_str().unwrap_or_default().is_empty() {
                seen += 1;
                if seen == n {
                    break;
                }
            }
        }
    }
    let _ = sink.send(Message::Close(None)).await;
}

/// A websocket URL from `method` (`rtm.connect`, `apps.connections.open`) through a raw
/// hyper client.
async fn open_url(base: &str, method: &str, token: &str) -> String {
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let req = http::Request::post(format!("{base}{method}"))
        .header("authorization", format!("Bearer {token}"))
        .body(Full::new(Bytes::new()))
        .unwrap();
    let body = client
        .request(req)
        .await
        .unwrap()
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes();
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    v["url"].as_str().unwrap().to_owned()
}

async fn socket_row(sdk: bool, base: &str, n: usize) {
    if sdk {
        let client = SocketModeClient::with_options(
            "xapp-bench",
            sdk_web(base),
            SocketModeOptions::default(),
        );
        let handle = client.handle();
        let acked = Arc::new(AtomicUsize::new(0));
        client
            .run(move |req: Request| {
                let (acked, handle) = (acked.clone(), handle.clone());
                async move {
                    if req.ack().await.is_ok() && acked.fetch_add(1, Ordering::Relaxed) + 1 == n {
                        handle.stop();
                    }
                }
            })
            .await
            .expect("socket mode");
        return;
    }
    let url = open_url(base, "apps.connections.open", "xapp-bench").await;
    let (ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let (mut sink, mut stream) = ws.split();
    let mut acked = 0;
    while let Some(Ok(msg)) = stream.next().await {
        if let Message::Text(t) = msg {
            let v: serde_json::Value = serde_json::from_str(&t).unwrap();
            if let Some(id) = v.get("envelope_id").and_then(|i| i.as_str()) {
                let ack = serde_json::json!({ "envelope_id": id }).to_string();
                if sink.send(Message::text(ack)).await.is_err() {
                    break;
                }
                acked += 1;
                if acked == n {
                    break;
                }
            }
        }
    }
    let _ = sink.send(Message::Close(None)).await;
}

/// User and system CPU of this process so far, from `/proc/self/stat` (clock ticks of 10 ms).
fn cpu_secs() -> (f64, f64) {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces): state is the first.
    let rest = stat.rsplit_once(") ").map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let tick = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (tick(11) / 100.0, tick(12) / 100.0)
}

fn peak_rss_kib() -> u64 {
    if std::env::var_os("PINNED_RSS_DETAIL").is_some() {
        let st = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        for l in st.lines().filter(|l| l.starts_with("Rss")) {
            eprintln!("{l}");
        }
    }
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// `n` idle Socket Mode connections: the client's RSS growth per connection.
async fn idle_row(sdk: bool, base: &str, n: usize) -> f64 {
    // Warm up: the first connection pays for one-time set-up (runtime, TLS roots, code).
    let web = sdk_web(base);
    let url = open_url(base, "apps.connections.open", "xapp-idle").await;
    let mut keep = Vec::new();
    let open_raw = |url: String| async move {
        let (ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
        let (sink, mut stream) = ws.split();
        let reader = tokio::spawn(async move { while let Some(Ok(_)) = stream.next().await {} });
        (sink, reader)
    };
    let mut clients = Vec::new();
    let start_sdk = |clients: &mut Vec<Arc<SocketModeClient>>, keep: &mut Vec<_>| {
        let c = Arc::new(SocketModeClient::new("xapp-idle", web.clone()));
        let run = c.clone();
        keep.push(tokio::spawn(async move {
            let _ = run
                .run(|req: Request| async move {
                    let _ = req.ack().await;
                })
                .await;
        }));
        clients.push(c);
    };
    let mut raws = Vec::new();
    let ready = |clients: &[Arc<SocketModeClient>]| {
        clients
            .iter()
            .map(|c| c.handle().connections_ready())
            .sum::<usize>()
    };
    if sdk {
        start_sdk(&mut clients, &mut keep);
        while ready(&clients) < 1 {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    } else {
        raws.push(open_raw(url.clone()).await);
    }
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let before = rss_kib();
    if sdk {
        for _ in 0..n {
            start_sdk(&mut clients, &mut keep);
        }
        while ready(&clients) < n + 1 {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    } else {
        for _ in 0..n {
            raws.push(open_raw(url.clone()).await);
        }
    }
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let after = rss_kib();
    for c in &clients {
        c.handle().stop();
    }
    (after.saturating_sub(before)) as f64 / n as f64
}

fn client_role(row: &str, sdk: bool, addr: &str, n: usize) {
    let base = format!("http://{addr}/api/");
    if row == "idle" {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let kib = rt.block_on(idle_row(sdk, &base, n));
        println!("kib_per_conn={kib:.1}");
        return;
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (cpu0, start) = (cpu_secs(), Instant::now());
    rt.block_on(async {
        match row {
            "rtm" => rtm_row(sdk, &base, n).await,
            "socket" => socket_row(sdk, &base, n).await,
            _ => http_row(row, sdk, &base, n).await,
        }
    });
    let secs = start.elapsed().as_secs_f64();
    let cpu = cpu_secs();
    let (user, sys) = (cpu.0 - cpu0.0, cpu.1 - cpu0.1);
    println!(
        "ops_per_sec={:.1} cpu_us_per_op={:.2} user_us_per_op={:.2} sys_us_per_op={:.2} peak_rss_kib={}",
        n as f64 / secs,
        (user + sys) * 1e6 / n as f64,
        user * 1e6 / n as f64,
        sys * 1e6 / n as f64,
        peak_rss_kib()
    );
}

// ---------------------------------------------------------------------------------------
// The driver
// ---------------------------------------------------------------------------------------

struct Pinning {
    server: Vec<String>,
    client: Vec<String>,
    note: &'static str,
}

fn pinning() -> Pinning {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let taskset = Command::new("taskset")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if cores >= 2 && taskset {
        Pinning {
            server: vec!["taskset".into(), "-c".into(), "0".into()],
            client: vec!["taskset".into(), "-c".into(), "1".into()],
            note: "server pinned to CPU 0, clients to CPU 1",
        }
    } else {
        Pinning {
            server: vec![],
            client: vec![],
            note: "NOT pinned (one core or no taskset): ratios include contention",
        }
    }
}

fn command(prefix: &[String], args: &[String]) -> Command {
    let me = std::env::current_exe().unwrap();
    let mut c = if let Some((first, rest)) = prefix.split_first() {
        let mut c = Command::new(first);
        c.args(rest).arg(me);
        c
    } else {
        Command::new(me)
    };
    c.args(args);
    c
}

fn start_server(p: &Pinning) -> (Child, String) {
    let mut child = command(&p.server, &["--role".into(), "server".into()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("server process");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (child, line.trim().to_owned())
}

#[derive(Clone, Copy, Default)]
struct Sample {
    ops: f64,
    cpu_us: f64,
    rss_kib: f64,
}

fn run_client(p: &Pinning, row: &str, sdk: bool, addr: &str, n: usize) -> Sample {
    let imp = if sdk { "sdk" } else { "raw" };
    let out = command(
        &p.client,
        &[
            "--role".into(),
            "client".into(),
            "--row".into(),
            row.into(),
            "--impl".into(),
            imp.into(),
            "--addr".into(),
            addr.into(),
            "--n".into(),
            n.to_string(),
        ],
    )
    .output()
    .expect("client process");
    assert!(
        out.status.success(),
        "{row} {imp} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let field = |k: &str| -> f64 {
        text.split_whitespace()
            .find_map(|kv| kv.strip_prefix(k))
            .and_then(|v| v.parse().ok())
            .unwrap_or(f64::NAN)
    };
    Sample {
        ops: field("ops_per_sec="),
        cpu_us: field("cpu_us_per_op="),
        rss_kib: field("peak_rss_kib="),
    }
}

/// Instructions the client executes per operation: two runs of `n` and `2n` under
/// callgrind, so everything but the operations themselves cancels out.
fn callgrind_per_op(row: &str, sdk: bool, addr: &str, n: usize) -> Option<f64> {
    let imp = if sdk { "sdk" } else { "raw" };
    let mut totals = Vec::new();
    for k in [n, 2 * n] {
        let out_file = std::env::temp_dir().join(format!(
            "pinned-callgrind-{}-{row}-{imp}-{k}.out",
            std::process::id()
        ));
        let status = Command::new("valgrind")
            .arg("--tool=callgrind")
            .arg(format!("--callgrind-out-file={}", out_file.display()))
            .arg(std::env::current_exe().unwrap())
            .args([
                "--role", "client", "--row", row, "--impl", imp, "--addr", addr, "--n",
            ])
            .arg(k.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .ok()?;
        if !status.success() {
            return None;
        }
        let text = std::fs::read_to_string(&out_file).ok()?;
        let _ = std::fs::remove_file(&out_file);
        let total: f64 = text
            .lines()
            .find_map(|l| l.strip_prefix("totals: ").or(l.strip_prefix("summary: ")))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())?;
        totals.push(total);
    }
    Some((totals[1] - totals[0]) / n as f64)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn ops_for(row: &str) -> usize {
    match row {
        "post1" => 10_000,
        "post64" => 40_000,
        "history16" => 5_000,
        "rtm" => 200_000,
        _ => 50_000,
    }
}

fn driver(args: &[String]) {
    let mut runs = 9usize;
    let mut rows: Vec<String> = ROWS.iter().map(|s| s.to_string()).collect();
    let mut scale = 1.0f64;
    let mut callgrind = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--runs" => runs = it.next().and_then(|s| s.parse().ok()).unwrap_or(runs),
            "--rows" => {
                rows = it
                    .next()
                    .map(|s| s.split(',').map(str::to_owned).collect())
                    .unwrap_or(rows)
            }
            "--scale" => scale = it.next().and_then(|s| s.parse().ok()).unwrap_or(scale),
            "--callgrind" => callgrind = true,
            _ => {} // `cargo bench` passes `--bench`
        }
    }
    let p = pinning();
    println!("{}; {runs} paired runs per row, medians", p.note);
    let (mut server, addr) = start_server(&p);
    println!(
        "| row | raw ops/s | sdk ops/s | ratio | raw CPU µs/op | sdk CPU µs/op | raw peak RSS | sdk peak RSS |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for row in rows.iter().filter(|r| *r != "idle") {
        let n = ((ops_for(row) as f64 * scale) as usize).max(100);
        let (mut raw, mut sdk) = (Vec::new(), Vec::new());
        for r in 0..runs {
            // Alternate who goes first, so drift hits both alike.
            if r % 2 == 0 {
                raw.push(run_client(&p, row, false, &addr, n));
                sdk.push(run_client(&p, row, true, &addr, n));
            } else {
                sdk.push(run_client(&p, row, true, &addr, n));
                raw.push(run_client(&p, row, false, &addr, n));
            }
        }
        let m = |v: &[Sample], f: fn(&Sample) -> f64| median(v.iter().map(f).collect());
        let (ro, so) = (m(&raw, |s| s.ops), m(&sdk, |s| s.ops));
        // The ratio is the median of each pair's ratio: the two runs of a pair are adjacent in
        // time, so the host's drift (which moves both) cancels within a pair.
        let ratio = median(raw.iter().zip(&sdk).map(|(r, s)| s.ops / r.ops).collect());
        println!(
            "| {row} | {ro:.0} | {so:.0} | {ratio:.2} | {:.1} | {:.1} | {:.1} MiB | {:.1} MiB |",
            m(&raw, |s| s.cpu_us),
            m(&sdk, |s| s.cpu_us),
            m(&raw, |s| s.rss_kib) / 1024.0,
            m(&sdk, |s| s.rss_kib) / 1024.0,
        );
    }
    if rows.iter().any(|r| r == "idle") || args.iter().any(|a| a == "--idle") {
        let k = 300;
        let kib = |sdk| {
            let out = command(
                &p.client,
                &[
                    "--role".into(),
                    "client".into(),
                    "--row".into(),
                    "idle".into(),
                    "--impl".into(),
                    (if sdk { "sdk" } else { "raw" }).into(),
                    "--addr".into(),
                    addr.clone(),
                    "--n".into(),
                    k.to_string(),
                ],
            )
            .output()
            .expect("client process");
            String::from_utf8_lossy(&out.stdout)
                .trim()
                .strip_prefix("kib_per_conn=")
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(f64::NAN)
        };
        let (raw, sdk) = (kib(false), kib(true));
        println!();
        println!("Idle Socket Mode connection, client RSS growth per connection ({k} connections): raw {raw:.1} KiB, sdk {sdk:.1} KiB");
    }
    if callgrind {
        println!();
        println!("| row | raw instructions/op | sdk instructions/op | ratio |");
        println!("|---|---|---|---|");
        for row in rows.iter().filter(|r| *r != "idle") {
            let n = (ops_for(row) / 20).max(100);
            let raw = callgrind_per_op(row, false, &addr, n);
            let sdk = callgrind_per_op(row, true, &addr, n);
            match (raw, sdk) {
                (Some(r), Some(s)) => println!("| {row} | {r:.0} | {s:.0} | {:.2} |", s / r),
                _ => println!("| {row} | valgrind unavailable or failed | | |"),
            }
        }
    }
    drop(server.stdin.take());
    let _ = server.wait();
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let get = |k: &str| {
        args.iter()
            .position(|a| a == k)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    match get("--role").as_deref() {
        Some("server") => server_role(),
        Some("client") => client_role(
            &get("--row").unwrap_or_default(),
            get("--impl").as_deref() == Some("sdk"),
            &get("--addr").unwrap_or_default(),
            get("--n").and_then(|v| v.parse().ok()).unwrap_or(1000),
        ),
        _ => driver(&args),
    }
}
