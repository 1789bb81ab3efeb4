//! Load figures for the emulator (a measurement, not a test):
//!
//! 1. `chat.postMessage` throughput with rate limits off: 64 keep-alive HTTP/1.1 connections
//!    posting as fast as the server answers, for `LOAD_SECS` seconds (default 5).
//! 2. Idle RTM websockets: `RTM_CONNS` connections (default 10,000) opened through
//!    `rtm.connect`, the server's resident memory before and after, and one Web API message
//!    delivered to every one of them.
//!
//! The server runs as the `slack-emulator` binary in a child process (so that client and
//! server each stay under the open-file limit); this process is the client.
//!
//! `cargo bench -p slack-emulator --bench load`

use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::StreamExt;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Resident memory of a process, in KiB.
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

struct Server {
    child: tokio::process::Child,
    addr: String,
    token: String,
}

async fn spawn_server() -> Result<Server, BoxError> {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_slack-emulator"))
        .args(["--port", "0", "--rate-limits", "off"])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next_line().await?.ok_or("no output")?;
    let base = first
        .strip_prefix("slack-emulator listening on http://")
        .ok_or("unexpected output")?;
    let addr = base.trim_end_matches("/api/").to_owned();
    let token = lines
        .next_line()
        .await?
        .and_then(|l| l.strip_prefix("bot token: ").map(str::to_owned))
        .ok_or("no token")?;
    Ok(Server { child, addr, token })
}

async fn post_json(
    sender: &mut hyper::client::conn::http1::SendRequest<Full<Bytes>>,
    addr: &str,
    token: &str,
    method: &str,
    body: Bytes,
) -> Result<Value, BoxError> {
    let req = http::Request::post(format!("/api/{method}"))
        .header("host", addr)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json; charset=utf-8")
        .body(Full::new(body))?;
    let resp = sender.send_request(req).await?;
    let body = resp.into_body().collect().await?.to_bytes();
    Ok(serde_json::from_slice(&body)?)
}

async fn connection(
    addr: &str,
) -> Result<hyper::client::conn::http1::SendRequest<Full<Bytes>>, BoxError> {
    let tcp = TcpStream::connect(addr).await?;
    tcp.set_nodelay(true)?;
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tcp)).await?;
    tokio::spawn(conn);
    Ok(sender)
}

async fn throughput(server: &Server) -> Result<(), BoxError> {
    let secs = env_or("LOAD_SECS", 5);
    let conns = env_or("LOAD_CONNS", 64);
    let done = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(secs);
    let body = Bytes::from(json!({"channel": "general", "text": "load test message"}).to_string());
    let mut tasks = Vec::new();
    let start = Instant::now();
    for _ in 0..conns {
        let (addr, token) = (server.addr.clone(), server.token.clone());
        let (done, failed, body) = (done.clone(), failed.clone(), body.clone());
        tasks.push(tokio::spawn(async move {
            let mut sender = connection(&addr).await?;
            while Instant::now() < deadline {
                let v =
                    post_json(&mut sender, &addr, &token, "chat.postMessage", body.clone()).await?;
                if v["ok"] == true {
                    done.fetch_add(1, Ordering::Relaxed);
                } else {
                    failed.fetch_add(1, Ordering::Relaxed);
                }
            }
            Ok::<_, BoxError>(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    let elapsed = start.elapsed().as_secs_f64();
    let n = done.load(Ordering::Relaxed);
    println!(
        "chat.postMessage: {n} ok ({} failed) in {elapsed:.2} s over {conns} keep-alive connections = {:.0}/s",
        failed.load(Ordering::Relaxed),
        n as f64 / elapsed
    );
    println!(
        "server RSS after the run: {} MiB",
        rss_kib(server.child.id().unwrap_or(0)) / 1024
    );
    Ok(())
}

async fn idle_rtm(server: &Server) -> Result<(), BoxError> {
    let n = env_or("RTM_CONNS", 10_000);
    let pid = server.child.id().unwrap_or(0);
    // Fresh server state for a clean memory baseline.
    let before = rss_kib(pid);
    let start = Instant::now();
    let config = WebSocketConfig::default()
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0);
    let mut sockets = Vec::with_capacity(n as usize);
    let batch = 200;
    let mut opened = 0u64;
    while opened < n {
        let k = batch.min(n - opened);
        let mut pending = Vec::new();
        for _ in 0..k {
            let (addr, token) = (server.addr.clone(), server.token.clone());
            pending.push(tokio::spawn(async move {
                let mut sender = connection(&addr).await?;
                let v = post_json(
                    &mut sender,
                    &addr,
                    &token,
                    "rtm.connect",
                    Bytes::from_static(b"{}"),
                )
                .await?;
                let url = v["url"].as_str().ok_or("no url")?.to_owned();
                let (mut ws, _) =
                    tokio_tungstenite::connect_async_with_config(url, Some(config), false).await?;
                match ws.next().await {
                    Some(Ok(Message::Text(t))) if t.as_str().contains("hello") => {
                        Ok::<_, BoxError>(ws)
                    }
                    other => Err(format!("no hello: {other:?}").into()),
                }
            }));
        }
        for p in pending {
            sockets.push(p.await??);
        }
        opened += k;
    }
    let open_time = start.elapsed().as_secs_f64();
    let after = rss_kib(pid);
    println!(
        "idle RTM: {n} websockets open in {open_time:.1} s; server RSS {} MiB -> {} MiB ({:.1} KiB per connection)",
        before / 1024,
        after / 1024,
        (after.saturating_sub(before)) as f64 / n as f64
    );
    // One Web API message reaches every connection.
    let mut sender = connection(&server.addr).await?;
    let start = Instant::now();
    let v = post_json(
        &mut sender,
        &server.addr,
        &server.token,
        "chat.postMessage",
        Bytes::from(json!({"channel": "general", "text": "to everyone"}).to_string()),
    )
    .await?;
    if v["ok"] != true {
        return Err(format!("post failed: {v}").into());
    }
    let mut delivered = 0u64;
    let mut waits = Vec::new();
    for mut ws in sockets {
        waits.push(tokio::spawn(async move {
            loop {
                match tokio::time::timeout(Duration::from_secs(30), ws.next()).await {
                    Ok(Some(Ok(Message::Text(t)))) if t.as_str().contains("to everyone") => {
                        return true
                    }
                    Ok(Some(Ok(_))) => continue,
                    _ => return false,
                }
            }
        }));
    }
    for w in waits {
        if w.await? {
            delivered += 1;
        }
    }
    println!(
        "one message delivered to {delivered}/{n} connections in {:.2} s",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    // `cargo bench` passes `--bench`; nothing else to parse.
    let server = spawn_server().await?;
    println!("server: {} (pid {:?})", server.addr, server.child.id());
    if std::env::var("SKIP_THROUGHPUT").is_err() {
        throughput(&server).await?;
    }
    // A second server for a clean memory baseline.
    let rtm_server = spawn_server().await?;
    idle_rtm(&rtm_server).await?;
    Ok(())
}
