//! Load figures for the emulator (a measurement, not a test):
//!
//! 1. `chat.postMessage` throughput with rate limits off: `LOAD_CONNS` (default 64)
//!    keep-alive HTTP/1.1 connections posting as fast as the server answers, for
//!    `LOAD_SECS` seconds (default 5). Target: at least 20,000/s on a 2-core machine.
//! 2. Idle RTM websockets: `RTM_CONNS` connections (default 10,000) opened through
//!    `rtm.connect`, the server's resident memory before and after, and one Web API message
//!    delivered to every one of them. Target: at most 20 KiB per idle connection.
//! 3. Idle Socket Mode websockets: `SOCKET_CONNS` connections (default 10,000) opened
//!    through `apps.connections.open` with the app token, memory as for RTM. Same target.
//!
//! Each figure runs on its own fresh server, the `slack-emulator` binary in a child process
//! (so that client and server each stay under the open-file limit and the server's memory
//! is its own); this process is the client. `ONLY=throughput|rtm|socket` runs one part.
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

/// CPU time (user + system) a process has used so far, in seconds (`/proc/<pid>/stat`,
/// clock ticks of 1/100 s).
fn cpu_secs(pid: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            // Fields after the `(comm)`: state is field 3, utime 14 and stime 15.
            let rest = s.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            let ticks = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
            Some(ticks as f64 / 100.0)
        })
        .unwrap_or(0.0)
}

struct Server {
    child: tokio::process::Child,
    addr: String,
    token: String,
    app_token: String,
}

/// Start the binary and read its banner: the base URL, then the `export` lines.
async fn spawn_server() -> Result<Server, BoxError> {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_slack-emulator"))
        .args(["--port", "0", "--rate-limits", "off"])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let (mut addr, mut token) = (None, None);
    while let Some(line) = lines.next_line().await? {
        if let Some(base) = line.strip_prefix("slack-emulator listening on http://") {
            addr = Some(base.trim_end_matches("/api/").to_owned());
        } else if let Some(t) = line.strip_prefix("export SLACK_BOT_TOKEN=") {
            token = Some(t.to_owned());
        } else if let Some(app_token) = line.strip_prefix("export SLACK_APP_TOKEN=") {
            return Ok(Server {
                child,
                addr: addr.ok_or("no listening line")?,
                token: token.ok_or("no bot token line")?,
                app_token: app_token.to_owned(),
            });
        }
    }
    Err("the server's banner ended early".into())
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
    let pid = server.child.id().unwrap_or(0).to_string();
    let (server_cpu, client_cpu) = (cpu_secs(&pid), cpu_secs("self"));
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
    let server_cpu = cpu_secs(&pid) - server_cpu;
    let client_cpu = cpu_secs("self") - client_cpu;
    println!(
        "CPU: server {server_cpu:.2} s ({:.1} µs per call, {:.0} calls per server CPU-second), client {client_cpu:.2} s",
        server_cpu * 1e6 / n.max(1) as f64,
        n as f64 / server_cpu.max(0.01)
    );
    println!(
        "server RSS after the run: {} MiB",
        rss_kib(server.child.id().unwrap_or(0)) / 1024
    );
    Ok(())
}

/// Which kind of websocket an idle measurement opens.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Rtm,
    SocketMode,
}

/// Open one websocket of `kind` (through `rtm.connect` or `apps.connections.open`) and
/// read its `hello`.
async fn open_ws(
    kind: Kind,
    addr: String,
    token: String,
    config: WebSocketConfig,
) -> Result<Ws, BoxError> {
    let mut sender = connection(&addr).await?;
    let method = match kind {
        Kind::Rtm => "rtm.connect",
        Kind::SocketMode => "apps.connections.open",
    };
    let v = post_json(
        &mut sender,
        &addr,
        &token,
        method,
        Bytes::from_static(b"{}"),
    )
    .await?;
    let url = v["url"]
        .as_str()
        .ok_or_else(|| format!("{method}: no url in {v}"))?
        .to_owned();
    drop(sender);
    let (mut ws, _) =
        tokio_tungstenite::connect_async_with_config(url, Some(config), false).await?;
    match ws.next().await {
        Some(Ok(Message::Text(t))) if t.as_str().contains("hello") => Ok(ws),
        other => Err(format!("no hello: {other:?}").into()),
    }
}

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<TcpStream>>;

/// Open `n` idle websockets of `kind` on a fresh server; print the server's memory growth
/// per connection. Returns the sockets (still open) for a delivery check.
async fn idle(server: &Server, kind: Kind, n: u64) -> Result<Vec<Ws>, BoxError> {
    let pid = server.child.id().unwrap_or(0);
    let label = match kind {
        Kind::Rtm => "RTM",
        Kind::SocketMode => "Socket Mode",
    };
    let token = match kind {
        Kind::Rtm => server.token.clone(),
        Kind::SocketMode => server.app_token.clone(),
    };
    // Warm the server up (allocator arenas, the first connection's buffers) before the
    // baseline, so the figure is the cost of one more connection.
    let config = WebSocketConfig::default()
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0);
    let mut sockets = Vec::with_capacity(n as usize + 16);
    for _ in 0..16 {
        sockets.push(open_ws(kind, server.addr.clone(), token.clone(), config).await?);
    }
    let before = rss_kib(pid);
    let start = Instant::now();
    let batch = 200;
    let mut opened = 0u64;
    while opened < n {
        let k = batch.min(n - opened);
        let mut pending = Vec::new();
        for _ in 0..k {
            pending.push(tokio::spawn(open_ws(
                kind,
                server.addr.clone(),
                token.clone(),
                config,
            )));
        }
        for p in pending {
            sockets.push(p.await??);
        }
        opened += k;
    }
    let open_time = start.elapsed().as_secs_f64();
    // Let the server finish the handshakes' leftovers (closed HTTP connections).
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = rss_kib(pid);
    println!(
        "idle {label}: {n} websockets open in {open_time:.1} s; server RSS {} MiB -> {} MiB ({:.1} KiB per connection)",
        before / 1024,
        after / 1024,
        (after.saturating_sub(before)) as f64 / n as f64
    );
    Ok(sockets)
}

/// One Web API message reaches every RTM connection.
async fn rtm_delivery(server: &Server, sockets: Vec<Ws>) -> Result<(), BoxError> {
    let n = sockets.len();
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
        "one message delivered to {delivered}/{n} RTM connections in {:.2} s",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    // `cargo bench` passes `--bench`; nothing else to parse.
    let only = std::env::var("ONLY").ok();
    let runs = |part: &str| only.as_deref().is_none_or(|o| o == part);
    if runs("throughput") && std::env::var("SKIP_THROUGHPUT").is_err() {
        let server = spawn_server().await?;
        println!("server: {} (pid {:?})", server.addr, server.child.id());
        throughput(&server).await?;
    }
    if runs("rtm") {
        let server = spawn_server().await?;
        let sockets = idle(&server, Kind::Rtm, env_or("RTM_CONNS", 10_000)).await?;
        rtm_delivery(&server, sockets).await?;
    }
    if runs("socket") {
        let server = spawn_server().await?;
        let sockets = idle(&server, Kind::SocketMode, env_or("SOCKET_CONNS", 10_000)).await?;
        println!("{} Socket Mode connections still open", sockets.len());
    }
    Ok(())
}
