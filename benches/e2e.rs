//! End-to-end throughput: `chat.postMessage` against the emulator on loopback, through our
//! client and through a raw hyper client on the same connections count, with rate limits off.
//!
//! ```sh
//! cargo bench --bench e2e                       # in-process emulator, 64 connections, 5 s each
//! cargo bench --bench e2e -- --url http://127.0.0.1:PORT/api/ --token xoxb-… --secs 10
//! ```
//! With `--url`, the emulator runs in another process (`cargo run --release -p
//! slack-emulator -- --rate-limits off`), so client and server do not share a runtime.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use slack_sdk::api::chat;
use slack_sdk::transport::hyper::HyperTransport;
use slack_sdk::{RetryPolicy, WebClient};

struct Target {
    base: String,
    token: String,
    channel: String,
}

async fn run_sdk(t: &Target, conns: usize, secs: u64) -> f64 {
    let transport = HyperTransport::builder()
        .no_proxy()
        .pool_max_idle_per_host(conns)
        .build()
        .unwrap();
    let client = WebClient::builder()
        .token(&t.token)
        .base_url(&t.base)
        .retry_policy(RetryPolicy::none())
        .transport_with_ws(transport)
        .build()
        .unwrap();
    let done = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(secs);
    let tasks: Vec<_> = (0..conns)
        .map(|_| {
            let c = client.clone();
            let ch = t.channel.clone();
            let done = done.clone();
            tokio::spawn(async move {
                while Instant::now() < deadline {
                    c.call(chat::PostMessage::new(&ch).text("benchmark message"))
                        .await
                        .expect("post");
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    let start = Instant::now();
    for t in tasks {
        t.await.unwrap();
    }
    done.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64()
}

async fn run_raw(t: &Target, conns: usize, secs: u64) -> f64 {
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(conns)
        .build_http();
    let done = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(secs);
    let url = format!("{}chat.postMessage", t.base);
    let auth = format!("Bearer {}", t.token);
    let body = Bytes::from(format!("channel={}&text=benchmark+message", t.channel));
    let tasks: Vec<_> = (0..conns)
        .map(|_| {
            let client = client.clone();
            let (url, auth, body, done) = (url.clone(), auth.clone(), body.clone(), done.clone());
            tokio::spawn(async move {
                while Instant::now() < deadline {
                    let req = http::Request::post(url.as_str())
                        .header("authorization", auth.as_str())
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body(Full::new(body.clone()))
                        .unwrap();
                    let resp = client.request(req).await.expect("post");
                    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
                    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                    assert_eq!(v["ok"], true);
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    let start = Instant::now();
    for t in tasks {
        t.await.unwrap();
    }
    done.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let mut url = None;
    let mut token = None;
    let mut secs = 5u64;
    let mut conns = 64usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--url" => url = args.next(),
            "--token" => token = args.next(),
            "--secs" => secs = args.next().and_then(|s| s.parse().ok()).unwrap_or(secs),
            "--conns" => conns = args.next().and_then(|s| s.parse().ok()).unwrap_or(conns),
            _ => {} // `cargo bench` passes `--bench`
        }
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        // In-process mode uses a fresh emulator per run, so both start from the same state.
        async fn target(
            url: &Option<String>,
            token: &Option<String>,
        ) -> (Target, Option<slack_emulator::Emulator>) {
            if let (Some(base), Some(token)) = (url, token) {
                let probe = WebClient::builder()
                    .token(token)
                    .base_url(base)
                    .build()
                    .unwrap();
                let list = probe
                    .api_call("conversations.list", slack_sdk::Args::new())
                    .await
                    .unwrap();
                let channel = list.get("channels")[0]["id"].as_str().unwrap().to_owned();
                return (
                    Target {
                        base: base.clone(),
                        token: token.clone(),
                        channel,
                    },
                    None,
                );
            }
            let emu = slack_emulator::Emulator::start().await.unwrap();
            let t = Target {
                base: emu.base_url(),
                token: emu.bot_token(),
                channel: emu.channel_id("general").unwrap(),
            };
            (t, Some(emu))
        }
        let (t, emu) = target(&url, &token).await;
        println!(
            "chat.postMessage, {conns} connections, {secs} s per run, against {}",
            t.base
        );
        let raw = run_raw(&t, conns, secs).await;
        drop(emu);
        println!("raw hyper client : {raw:>9.0} calls/s");
        let (t, emu) = target(&url, &token).await;
        let sdk = run_sdk(&t, conns, secs).await;
        drop(emu);
        println!(
            "slack-sdk client : {sdk:>9.0} calls/s ({:.2}x raw)",
            sdk / raw
        );
    });
}
