//! Socket Mode throughput and idle memory, against a raw consumer in the same run.
//!
//! ```sh
//! cargo bench --bench socket_mode --features socket-mode -- --envelopes 50000 --runs 5 --idle 500
//! ```
//!
//! A neutral server (tokio-tungstenite, its own thread and runtime) sends `hello` and then
//! envelopes as fast as the client acknowledges them (a window of 256 in flight). Two
//! clients, each on a one-thread runtime:
//! - raw: tokio-tungstenite, every frame decoded into `serde_json::Value`, the ack written;
//! - sdk: `SocketModeClient` (default options: re-delivery store on) with a handler that
//!   acknowledges.
//!
//! Printed: envelopes per second per run, the median of each and their ratio; then the RSS
//! growth per idle connection for `--idle` connections of each kind (server included in
//! both, so the difference is the client's).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use slack_sdk::core::transport::{
    BoxFuture, HttpRequest, HttpResponse, HttpTransport, TransportError,
};
use slack_sdk::socket_mode::{Request, SocketModeClient, SocketModeOptions};
use slack_sdk::transport::hyper::HyperTransport;
use slack_sdk::WebClient;
use tokio_tungstenite::tungstenite::Message;

const WINDOW: usize = 256;

/// Answers `apps.connections.open` with the bench server's URL, without a network call.
#[derive(Debug)]
struct OpenUrl(String);

impl HttpTransport for OpenUrl {
    fn send(&self, _req: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        let body = format!(r#"{{"ok":true,"url":"{}"}}"#, self.0);
        let mut resp = HttpResponse::new(http::StatusCode::OK, body);
        resp.headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        Box::pin(async move { Ok(resp) })
    }
}

fn envelope(i: usize) -> String {
    format!(
        r#"{{"envelope_id":"e-{i}","type":"events_api","accepts_response_payload":false,"retry_attempt":0,"retry_reason":"","payload":{{"token":"x","team_id":"T1","api_app_id":"A1","type":"event_callback","event_id":"Ev{i}","event_time":1700000000,"event":{{"type":"message","channel":"C024BE91L","user":"U2147483697","text":"Live long and prospect.","ts":"1355517523.{i:06}","channel_type":"channel","event_ts":"1355517523.{i:06}"}}}}}}"#
    )
}

/// The server: per connection, `hello`, then `n` envelopes with `WINDOW` in flight (0: stay
/// idle). Reports how many acks arrived.
fn start_server(n: usize, acked: Arc<AtomicUsize>) -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            while let Ok((tcp, _)) = listener.accept().await {
                let acked = acked.clone();
                tokio::spawn(async move {
                    let Ok(ws) = tokio_tungstenite::accept_async(tcp).await else {
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
                    let mut sent = 0;
                    let mut got = 0;
                    while sent < n.min(WINDOW) {
                        let _ = sink.feed(Message::text(envelope(sent))).await;
                        sent += 1;
                    }
                    let _ = sink.flush().await;
                    while let Some(Ok(msg)) = stream.next().await {
                        match msg {
                            Message::Text(_) => {
                                got += 1;
                                acked.fetch_add(1, Ordering::Relaxed);
                                if sent < n {
                                    let _ = sink.send(Message::text(envelope(sent))).await;
                                    sent += 1;
                                }
                            }
                            Message::Ping(p) => {
                                let _ = sink.send(Message::Pong(p)).await;
                            }
                            Message::Close(_) => break,
                            _ => {}
                        }
                        if n > 0 && got >= n {
                            let _ = sink.send(Message::Close(None)).await;
                            break;
                        }
                    }
                });
            }
        });
    });
    rx.recv().unwrap()
}

fn client_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

async fn raw_consumer(url: &str) {
    let (ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let (mut sink, mut stream) = ws.split();
    while let Some(Ok(msg)) = stream.next().await {
        if let Message::Text(t) = msg {
            let v: serde_json::Value = serde_json::from_str(&t).unwrap();
            if let Some(id) = v.get("envelope_id").and_then(|i| i.as_str()) {
                let ack = serde_json::json!({ "envelope_id": id }).to_string();
                if sink.send(Message::text(ack)).await.is_err() {
                    break;
                }
            }
        }
    }
}

fn sdk_client(url: &str) -> SocketModeClient {
    let hyper = Arc::new(HyperTransport::builder().no_proxy().build().unwrap());
    let web = WebClient::builder()
        .token("xoxb-bench")
        .http_transport(Arc::new(OpenUrl(url.to_owned())))
        .websocket(hyper.clone())
        .timer(hyper)
        .no_retries()
        .build()
        .unwrap();
    SocketModeClient::with_options("xapp-bench", web, SocketModeOptions::default())
}

fn throughput(sdk: bool, n: usize) -> f64 {
    let acked = Arc::new(AtomicUsize::new(0));
    let addr = start_server(n, acked.clone());
    let url = format!("ws://{addr}/link");
    let rt = client_runtime();
    let start = Instant::now();
    rt.block_on(async {
        if sdk {
            let client = sdk_client(&url);
            let handle = client.handle();
            let watch = acked.clone();
            let run = client.run(|req: Request| async move {
                let _ = req.ack().await;
            });
            let done = async move {
                while watch.load(Ordering::Relaxed) < n {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
                handle.stop();
            };
            let _ = futures_util::future::join(run, done).await;
        } else {
            raw_consumer(&url).await;
        }
    });
    let secs = start.elapsed().as_secs_f64();
    assert!(
        acked.load(Ordering::Relaxed) >= n,
        "every envelope acknowledged"
    );
    n as f64 / secs
}

fn idle_kib_per_connection(sdk: bool, k: usize) -> f64 {
    let acked = Arc::new(AtomicUsize::new(0));
    let addr = start_server(0, acked);
    let url = format!("ws://{addr}/link");
    let rt = client_runtime();
    let me = std::process::id().to_string();
    std::thread::sleep(Duration::from_millis(200));
    let before = common::proc_status_kib(&me, "VmRSS:");
    let after = rt.block_on(async {
        let mut keep = Vec::new();
        if sdk {
            let clients: Vec<Arc<SocketModeClient>> =
                (0..k).map(|_| Arc::new(sdk_client(&url))).collect();
            for c in &clients {
                let c = c.clone();
                keep.push(tokio::spawn(async move {
                    let _ = c
                        .run(|req: Request| async move {
                            let _ = req.ack().await;
                        })
                        .await;
                }));
            }
            while clients
                .iter()
                .map(|c| c.handle().connections_ready())
                .sum::<usize>()
                < k
            {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
            let after = common::proc_status_kib(&me, "VmRSS:");
            for c in &clients {
                c.handle().stop();
            }
            after
        } else {
            for _ in 0..k {
                let url = url.clone();
                keep.push(tokio::spawn(async move { raw_consumer(&url).await }));
            }
            tokio::time::sleep(Duration::from_millis(1500)).await;
            common::proc_status_kib(&me, "VmRSS:")
        }
    });
    (after.saturating_sub(before)) as f64 / k as f64
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let mut n = 20_000;
    let mut runs = 5;
    let mut idle = 200;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--envelopes" => n = args.next().and_then(|s| s.parse().ok()).unwrap_or(n),
            "--runs" => runs = args.next().and_then(|s| s.parse().ok()).unwrap_or(runs),
            "--idle" => idle = args.next().and_then(|s| s.parse().ok()).unwrap_or(idle),
            _ => {}
        }
    }
    let (mut raw, mut sdk) = (Vec::new(), Vec::new());
    for r in 0..runs {
        // Alternate which goes first, so drift in the machine hits both alike.
        let pair = if r % 2 == 0 {
            (throughput(false, n), throughput(true, n))
        } else {
            let s = throughput(true, n);
            (throughput(false, n), s)
        };
        println!("run {r}: raw {:.0}/s  sdk {:.0}/s", pair.0, pair.1);
        raw.push(pair.0);
        sdk.push(pair.1);
    }
    let (r, s) = (median(raw), median(sdk));
    println!(
        "median envelopes/s: raw {r:.0}, sdk {s:.0}, ratio {:.2}",
        s / r
    );
    if idle > 0 {
        let raw_kib = idle_kib_per_connection(false, idle);
        let sdk_kib = idle_kib_per_connection(true, idle);
        println!(
            "idle RSS per connection ({idle} each, server included): raw {raw_kib:.1} KiB, sdk {sdk_kib:.1} KiB"
        );
    }
}
