//! The HTTP server: one task per connection (HTTP/1.1 keep-alive), routing `/api/<method>`,
//! the upload URL, file downloads, the RTM websocket, the Socket Mode websocket (`/link/`)
//! and `/_emulator/*` (response URLs included), and the web page (`/` for a browser,
//! `/static/*`, the live feed `/_emulator/live`: [`crate::web`]).
//!
//! One Web API call, top to bottom ([`handle_api`]): read the body (413 past the limit) →
//! injected fault, if any → decode the arguments ([`wire`]) → rate limit → checks and the
//! handler under the workspace lock ([`api::call`]) → events to RTM connections and the app → answer
//! (or drop the connection, for the `Drop*` faults) → a record in the request log.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use http::{header, HeaderMap, HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::Frame;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::{broadcast, mpsc, watch};
use tokio::task::JoinSet;
use tracing::Instrument;

use crate::api::{self, Env, Event};
use crate::app::hub::Hub;
use crate::app::{AppMode, Identity, Job};
use crate::clock::Clock;
use crate::config::Config;
use crate::faults::{Fault, FaultTable};
use crate::persist::Persist;
use crate::ratelimit::{retry_after_secs, Limiter};
use crate::rtm::Control;
use crate::state::Workspace;
use crate::wire;

/// The body type of every answer.
pub(crate) type Resp = Response<Full<Bytes>>;

/// Returned by the service to close the connection without an answer (the `Drop*` faults):
/// hyper then drops the connection, and the client sees it closed mid-request.
#[derive(Debug)]
pub(crate) struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("fault: connection dropped")
    }
}

impl std::error::Error for DropConnection {}

/// Bytes of an oversized body read (and thrown away) before answering 413, so that the client
/// gets to read the answer instead of a reset connection.
const DRAIN_BYTES: usize = 64 * 1024 * 1024;

/// How long to wait for connections to finish on shutdown.
const GRACE: Duration = Duration::from_secs(2);

/// Everything the connections of one emulator share.
#[derive(Debug)]
pub(crate) struct Shared {
    state: Mutex<Workspace>,
    faults: Mutex<FaultTable>,
    /// Calls that reached their handler and succeeded, per method.
    applied: Mutex<std::collections::BTreeMap<String, u64>>,
    limiter: Mutex<Limiter>,
    app: Mutex<Hub>,
    /// Work for the app task ([`crate::app::run`]).
    pub(crate) jobs: mpsc::UnboundedSender<Job>,
    /// Whether the app takes events now ([`crate::app::refresh_listening`]).
    pub(crate) app_listening: AtomicBool,
    /// Whether Socket Mode connections may open (Socket Mode, link not disabled).
    link_open: AtomicBool,
    /// The ids events carry.
    pub(crate) identity: Identity,
    pub(crate) config: Config,
    /// Seed of the workspace (the port), for `reset`.
    pub(crate) seed: u64,
    pub(crate) events: broadcast::Sender<Event>,
    pub(crate) control: broadcast::Sender<Control>,
    pub(crate) ping_silence: AtomicBool,
    pub(crate) conn_ids: AtomicU64,
    pub(crate) rtm_open: AtomicUsize,
    pub(crate) requests: AtomicU64,
    pub(crate) rate_limited: AtomicU64,
    pub(crate) base_url: String,
    pub(crate) ws_base: String,
    pub(crate) shutdown_rx: watch::Receiver<bool>,
    /// The emulator's clock (the workspace holds a handle on it too).
    pub(crate) clock: Clock,
    /// Where the workspace is persisted, if anywhere.
    pub(crate) persist: Option<Persist>,
    /// The request and event logs the web page shows ([`crate::web::journal`]).
    pub(crate) journal: crate::web::Journal,
}

impl Shared {
    /// The workspace; a panic elsewhere never poisons it for good.
    pub(crate) fn lock_state(&self) -> MutexGuard<'_, Workspace> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn lock_faults(&self) -> MutexGuard<'_, FaultTable> {
        self.faults.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Calls applied per method (see [`crate::Emulator::applied`]).
    pub(crate) fn lock_applied(&self) -> MutexGuard<'_, std::collections::BTreeMap<String, u64>> {
        self.applied.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn lock_limiter(&self) -> MutexGuard<'_, Limiter> {
        self.limiter.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The app's Socket Mode hub and delivery records. Never held while taking the
    /// workspace lock.
    pub(crate) fn lock_app(&self) -> MutexGuard<'_, Hub> {
        self.app.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether `apps.connections.open` hands out URLs and connections may open.
    pub(crate) fn link_open(&self) -> bool {
        self.link_open.load(Ordering::Relaxed)
    }

    /// Enable or disable the Socket Mode link (never enabled in HTTP mode).
    pub(crate) fn set_link_open(&self, open: bool) {
        let open = open && self.config.app_mode == AppMode::SocketMode;
        self.link_open.store(open, Ordering::Relaxed);
    }

    /// What handlers need to know about the server, for a call from RTM connection `origin`.
    pub(crate) fn env(&self, origin: Option<u64>) -> Env<'_> {
        Env {
            base_url: &self.base_url,
            ws_base: &self.ws_base,
            origin,
            listening: self.events.receiver_count() > 0
                || self.app_listening.load(Ordering::Relaxed),
            socket_mode_open: self.link_open(),
        }
    }

    /// Send events to the RTM connections and to the app.
    pub(crate) fn publish(&self, events: Vec<Event>) {
        if events.is_empty() {
            return;
        }
        crate::app::on_workspace_events(self, &events);
        for e in events {
            let rtm_open = self.rtm_open.load(Ordering::Relaxed);
            if rtm_open > 0 {
                use crate::web::journal::{EventRecord, Payload, Via};
                self.journal.event(
                    EventRecord::new(Via::Rtm, Payload::Text(e.text.clone()))
                        .connection(e.origin)
                        .only_for(e.only_for.clone())
                        .connections_open(rtm_open),
                );
            }
            // No receiver (no RTM connection) is fine.
            let _ = self.events.send(e);
        }
    }

    /// The seeded workspace of this emulator, on its clock.
    pub(crate) fn seeded(&self) -> Workspace {
        let mut ws = Workspace::seeded(self.seed);
        ws.clock = self.clock.clone();
        ws
    }

    /// Replace the workspace with `snapshot` (the format of `GET /_emulator/state`; fields
    /// it lacks come from the seeded workspace).
    pub(crate) fn restore(&self, snapshot: &Value) -> Result<(), String> {
        let ws = Workspace::restore(snapshot, &self.seeded())?;
        *self.lock_state() = ws;
        self.clock.wake();
        Ok(())
    }

    /// Record that the workspace changed (persisted in the background); the change number
    /// to [`persisted`](Self::persisted), if persisting.
    pub(crate) fn mark_changed(&self) -> Option<u64> {
        self.persist.as_ref().map(Persist::mark)
    }

    /// Record a change and wait until it is on disk (at once when not persisting).
    pub(crate) async fn persisted(&self) {
        if let Some(p) = &self.persist {
            p.wait(p.mark()).await;
        }
    }

    /// Back to the seeded workspace, no faults, fresh rate allowances. Open RTM connections
    /// stay open.
    pub(crate) fn reset(&self) {
        *self.lock_state() = self.seeded();
        self.lock_faults().clear();
        self.lock_applied().clear();
        self.lock_limiter().reset();
        self.ping_silence.store(false, Ordering::Relaxed);
        self.set_link_open(true);
        self.journal.clear();
    }
}

/// A running server: its shared state, address, stop switch and accept task.
pub(crate) struct Running {
    pub(crate) shared: Arc<Shared>,
    pub(crate) addr: SocketAddr,
    pub(crate) shutdown: watch::Sender<bool>,
    pub(crate) task: tokio::task::JoinHandle<()>,
}

/// Bind 127.0.0.1 and start serving.
pub(crate) async fn start(config: Config) -> std::io::Result<Running> {
    let listener = TcpListener::bind(("127.0.0.1", config.port)).await?;
    let addr = listener.local_addr()?;
    let (shutdown, shutdown_rx) = watch::channel(false);
    let (events, _) = broadcast::channel(1024);
    let (control, _) = broadcast::channel(16);
    let seed = config.seed.unwrap_or(u64::from(addr.port()));
    let clock = Clock::default();
    let workspace = initial_workspace(&config, seed, &clock)?;
    let persist = config.persist.clone().map(Persist::new);
    let identity = Identity::of(&workspace);
    let (jobs, jobs_rx) = mpsc::unbounded_channel();
    let link_open = config.app_mode == AppMode::SocketMode;
    let app_listening = config.app_mode == AppMode::Http && config.event_request_url.is_some();
    let journal = crate::web::Journal::default();
    let mut hub = Hub::new(seed);
    hub.journal = journal.clone();
    let shared = Arc::new(Shared {
        state: Mutex::new(workspace),
        faults: Mutex::new(FaultTable::default()),
        applied: Mutex::new(std::collections::BTreeMap::new()),
        limiter: Mutex::new(Limiter::new(config.rate_limits.clone())),
        app: Mutex::new(hub),
        jobs,
        app_listening: AtomicBool::new(app_listening),
        link_open: AtomicBool::new(link_open),
        identity,
        config,
        seed,
        events,
        control,
        ping_silence: AtomicBool::new(false),
        conn_ids: AtomicU64::new(0),
        rtm_open: AtomicUsize::new(0),
        requests: AtomicU64::new(0),
        rate_limited: AtomicU64::new(0),
        base_url: format!("http://{addr}/api/"),
        ws_base: format!("ws://{addr}/"),
        shutdown_rx: shutdown_rx.clone(),
        clock,
        persist,
        journal,
    });
    let s = shared.clone();
    let task = tokio::spawn(accept_loop(listener, s, shutdown_rx.clone()));
    tokio::spawn(crate::app::run(shared.clone(), jobs_rx));
    tokio::spawn(crate::due::task(shared.clone(), shutdown_rx.clone()));
    if shared.persist.is_some() {
        tokio::spawn(crate::persist::writer(shared.clone(), shutdown_rx));
        // The starting state is on disk before the first answer.
        shared.persisted().await;
    }
    tracing::debug!(%addr, "slack emulator listening");
    Ok(Running {
        shared,
        addr,
        shutdown,
        task,
    })
}

/// The workspace to start from: the persisted one if its file exists, else the seed file's,
/// else the seeded one.
fn initial_workspace(config: &Config, seed: u64, clock: &Clock) -> std::io::Result<Workspace> {
    let mut base = Workspace::seeded(seed);
    base.clock = clock.clone();
    let invalid = |path: &std::path::Path, e: String| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{}: {e}", path.display()),
        )
    };
    for path in [&config.persist, &config.seed_file].into_iter().flatten() {
        if let Some(snapshot) = crate::persist::read(path)? {
            return Workspace::restore(&snapshot, &base).map_err(|e| invalid(path, e));
        }
        if Some(path) == config.seed_file.as_ref() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("seed file {} not found", path.display()),
            ));
        }
    }
    Ok(base)
}

async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut conns = JoinSet::new();
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            Some(_) = conns.join_next(), if !conns.is_empty() => continue,
            _ = shutdown.changed() => break,
        };
        let tcp = match accepted {
            Ok((tcp, _)) => tcp,
            Err(e) => {
                // Out of file descriptors or similar: back off briefly and keep serving.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let _ = tcp.set_nodelay(true);
        let shared = shared.clone();
        let mut stop = shutdown.clone();
        conns.spawn(async move {
            let svc = service_fn(move |req| serve(shared.clone(), req));
            let conn = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(tcp), svc)
                .with_upgrades();
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = stop.changed() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = tokio::time::timeout(GRACE, conn).await;
                }
            }
        });
    }
    drop(listener);
    // Let in-flight requests finish (each connection stops after its current answer).
    let _ = tokio::time::timeout(GRACE, async { while conns.join_next().await.is_some() {} }).await;
    conns.abort_all();
}

// ===== answers =====

/// A JSON answer, `application/json; charset=utf-8`.
pub(crate) fn json_response(status: StatusCode, body: &Value) -> Resp {
    bytes_response(
        status,
        "application/json; charset=utf-8",
        Bytes::from(body.to_string()),
    )
}

fn bytes_response(status: StatusCode, content_type: &'static str, body: Bytes) -> Resp {
    let mut r = Response::new(Full::new(body));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

fn with_retry_after(mut r: Resp, secs: Option<u64>) -> Resp {
    if let Some(s) = secs {
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(s));
    }
    r
}

fn too_large() -> Resp {
    let mut r = json_response(
        StatusCode::PAYLOAD_TOO_LARGE,
        &json!({"ok": false, "error": "request_too_large"}),
    );
    r.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    r
}

// ===== routing =====

async fn handle(shared: Arc<Shared>, req: Request<Incoming>) -> Result<Resp, DropConnection> {
    shared.requests.fetch_add(1, Ordering::Relaxed);
    let path = req.uri().path().to_owned();
    if let Some(method) = path.strip_prefix("/api/") {
        let span = tracing::debug_span!("api", method);
        return handle_api(shared, req, method).instrument(span).await;
    }
    if path.starts_with("/upload/") {
        return Ok(handle_upload(&shared, req).await);
    }
    if let Some(rest) = path.strip_prefix("/files/") {
        return Ok(handle_download(&shared, &req, rest));
    }
    if path.starts_with("/rtm/") {
        return Ok(crate::rtm::upgrade(shared, req));
    }
    if path == "/link" || path == "/link/" {
        return Ok(crate::app::socket::upgrade(shared, req));
    }
    if path == "/oauth/v2/authorize" {
        return Ok(crate::oauth::handle_authorize(&shared, req).await);
    }
    if let Some(rest) = path.strip_prefix("/_emulator/") {
        let changes = req.method() != Method::GET;
        let answer = crate::admin::handle(&shared, req, rest).await;
        if changes {
            shared.journal.changed();
        }
        return Ok(answer);
    }
    if let Some(page) = crate::web::page(&req) {
        return Ok(page);
    }
    if path == "/" {
        return Ok(json_response(
            StatusCode::OK,
            &json!({"ok": true, "emulator": "slack-emulator", "api": shared.base_url}),
        ));
    }
    Ok(json_response(
        StatusCode::NOT_FOUND,
        &json!({"ok": false, "error": "unknown_path"}),
    ))
}

/// Why a body was not read.
#[derive(Debug)]
pub(crate) enum BodyError {
    /// Past the limit (answer 413).
    TooLarge,
    /// The client went away or sent a broken body.
    Broken,
}

/// Read a whole body of at most `max` bytes. Past the limit, up to [`DRAIN_BYTES`] more are
/// read and thrown away so the 413 answer reaches the client.
pub(crate) async fn read_body(
    headers: &HeaderMap,
    mut body: Incoming,
    max: usize,
) -> Result<Bytes, BodyError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > (max + DRAIN_BYTES) as u64) {
        return Err(BodyError::TooLarge);
    }
    let mut buf = BytesMut::with_capacity(declared.map_or(0, |n| n.min(max as u64) as usize));
    let mut total = 0usize;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return Err(BodyError::Broken);
        };
        let Ok(data) = frame.into_data() else {
            continue;
        };
        total = total.saturating_add(data.len());
        if total <= max {
            buf.extend_from_slice(&data);
        } else if total > max + DRAIN_BYTES {
            return Err(BodyError::TooLarge);
        }
    }
    if total > max {
        return Err(BodyError::TooLarge);
    }
    Ok(buf.freeze())
}

// ===== the Web API =====

/// The answer for a fault that answers before the call is applied, if `fault` is one.
fn early_fault_answer(fault: &Fault) -> Option<Resp> {
    Some(match fault {
        Fault::Status {
            status,
            retry_after,
        } => {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let page = format!(
                "<html><head><title>{status}</title></head><body><h1>{status}</h1></body></html>"
            );
            with_retry_after(
                bytes_response(status, "text/html; charset=utf-8", Bytes::from(page)),
                *retry_after,
            )
        }
        Fault::RateLimited { retry_after } => with_retry_after(
            json_response(
                StatusCode::TOO_MANY_REQUESTS,
                &json!({"ok": false, "error": "ratelimited"}),
            ),
            *retry_after,
        ),
        Fault::ApiError { code, retry_after } => with_retry_after(
            json_response(StatusCode::OK, &json!({"ok": false, "error": code})),
            *retry_after,
        ),
        Fault::HtmlErrorPage => bytes_response(
            StatusCode::OK,
            "text/html; charset=utf-8",
            Bytes::from_static(
                b"<!DOCTYPE html><html><head><title>Slack</title></head><body><h1>Slack is having trouble</h1><p>Please try again.</p></body></html>",
            ),
        ),
        Fault::DropBeforeResponse
        | Fault::DropAfterApply
        | Fault::Delay(_)
        | Fault::TruncatedJson
        | Fault::SlowBody(_) => return None,
    })
}

pub(crate) async fn handle_api(
    shared: Arc<Shared>,
    req: Request<Incoming>,
    method: &str,
) -> Result<Resp, DropConnection> {
    let started = Instant::now();
    let (parts, body) = req.into_parts();
    let body = match read_body(&parts.headers, body, shared.config.max_body).await {
        Ok(b) => b,
        Err(BodyError::TooLarge) => return Ok(too_large()),
        Err(BodyError::Broken) => return Err(DropConnection),
    };
    let result = apply_api(&shared, &parts, &body, method).await;
    // The request log: the answer's bytes are shared with the response, not copied.
    let (result, answer) = match result {
        Ok(resp) => {
            let (head, full) = resp.into_parts();
            let bytes = match full.collect().await {
                Ok(c) => c.to_bytes(),
                Err(never) => match never {},
            };
            let status = head.status.as_u16();
            let resp = Response::from_parts(head, Full::new(bytes.clone()));
            (Ok(resp), Some((status, bytes)))
        }
        Err(e) => (Err(e), None),
    };
    shared.journal.request(crate::web::journal::Call {
        method,
        headers: &parts.headers,
        query: parts.uri.query(),
        body: &body,
        answer: answer.as_ref().map(|(s, b)| (*s, b)),
        latency: started.elapsed(),
    });
    result
}

/// One Web API call whose body was read: faults, decoding, rate limit, the handler, events.
async fn apply_api(
    shared: &Shared,
    parts: &http::request::Parts,
    body: &Bytes,
    method: &str,
) -> Result<Resp, DropConnection> {
    let fault = {
        let mut faults = shared.lock_faults();
        if faults.is_empty() {
            None
        } else {
            faults.take(method)
        }
    };
    if let Some(f) = &fault {
        tracing::debug!(method, fault = ?f, "injected fault");
        match f {
            Fault::DropBeforeResponse => return Err(DropConnection),
            Fault::Delay(d) => tokio::time::sleep(*d).await,
            other => {
                if let Some(r) = early_fault_answer(other) {
                    return Ok(r);
                }
            }
        }
    }
    let api_req = match wire::parse(&parts.headers, parts.uri.query(), body) {
        Ok(r) => r,
        Err(e) => {
            return Ok(json_response(
                StatusCode::OK,
                &json!({"ok": false, "error": e.code()}),
            ))
        }
    };
    if let (Some(info), Some(token)) = (slack_core::method::lookup(method), &api_req.token) {
        let channel = api_req.args.get("channel").and_then(Value::as_str);
        // Slack documents `apps.connections.open` as Tier 1 (the method table says 3).
        let mut info = *info;
        if method == "apps.connections.open" {
            info.tier = slack_core::method::RateTier::Tier1;
        }
        let info = &info;
        let limited = shared
            .lock_limiter()
            .check(info, token, channel, shared.clock.instant());
        if let Err(wait) = limited {
            shared.rate_limited.fetch_add(1, Ordering::Relaxed);
            let r = json_response(
                StatusCode::TOO_MANY_REQUESTS,
                &json!({"ok": false, "error": "ratelimited"}),
            );
            return Ok(with_retry_after(r, Some(retry_after_secs(wait))));
        }
    }
    let (outcome, events) = {
        let mut ws = shared.lock_state();
        api::call(&mut ws, shared.env(None), method, &api_req)
    };
    shared.publish(events);
    let body = match outcome {
        Ok(v) => {
            *shared.lock_applied().entry(method.to_owned()).or_default() += 1;
            if changes_state(method) {
                shared.persisted().await;
            }
            v
        }
        Err(e) => e.to_json(),
    };
    match fault {
        Some(Fault::DropAfterApply) => Err(DropConnection),
        Some(Fault::TruncatedJson) => {
            let text = body.to_string().into_bytes();
            let cut = text.len() / 2;
            let bytes = Bytes::from(text).slice(..cut);
            Ok(bytes_response(
                StatusCode::OK,
                "application/json; charset=utf-8",
                bytes,
            ))
        }
        Some(Fault::SlowBody(d)) => {
            let mut r = json_response(StatusCode::OK, &body);
            r.extensions_mut().insert(SlowBody(d));
            Ok(r)
        }
        _ => Ok(json_response(StatusCode::OK, &body)),
    }
}

/// Whether a successful call of `method` may have changed the workspace (to persist it
/// before answering): every method not documented as a read, and the upload URL.
fn changes_state(method: &str) -> bool {
    method == "files.getUploadURLExternal"
        || slack_core::method::lookup(method).is_some_and(|m| !m.idempotent)
}

/// Marks an answer whose second half is sent only after this long ([`Fault::SlowBody`]).
#[derive(Debug, Clone, Copy)]
struct SlowBody(Duration);

/// The body type on the wire: whole, or (for [`Fault::SlowBody`]) in two parts.
pub(crate) type WireBody = UnsyncBoxBody<Bytes, std::convert::Infallible>;

/// [`handle`], with an answer marked [`SlowBody`] sent as its first half at once (under the
/// full `Content-Length`) and the rest after the delay.
async fn serve(
    shared: Arc<Shared>,
    req: Request<Incoming>,
) -> Result<Response<WireBody>, DropConnection> {
    if req.uri().path() == "/_emulator/live" {
        return Ok(crate::web::live(&shared));
    }
    let resp = handle(shared, req).await?;
    let slow = resp.extensions().get::<SlowBody>().copied();
    let (mut parts, body) = resp.into_parts();
    let Some(SlowBody(delay)) = slow else {
        return Ok(Response::from_parts(parts, body.boxed_unsync()));
    };
    let bytes = match body.collect().await {
        Ok(c) => c.to_bytes(),
        Err(never) => match never {},
    };
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    let cut = bytes.len() / 2;
    let (first, rest) = (bytes.slice(..cut), bytes.slice(cut..));
    let chunks = futures_util::stream::unfold(0u8, move |step| {
        let (first, rest) = (first.clone(), rest.clone());
        async move {
            match step {
                0 => Some((Ok(Frame::data(first)), 1)),
                1 => {
                    tokio::time::sleep(delay).await;
                    Some((Ok(Frame::data(rest)), 2))
                }
                _ => None,
            }
        }
    });
    Ok(Response::from_parts(
        parts,
        StreamBody::new(chunks).boxed_unsync(),
    ))
}

// ===== files =====

/// Largest upload kept in memory; past it only the size is recorded.
const KEEP_UPLOAD_BYTES: usize = 1024 * 1024;

fn text_response(status: StatusCode, text: &'static str) -> Resp {
    bytes_response(
        status,
        "text/plain; charset=utf-8",
        Bytes::from_static(text.as_bytes()),
    )
}

/// `POST /upload/v1/<file id>`: the bytes of a file announced by
/// `files.getUploadURLExternal`, raw or as a multipart form. Answers `OK - <bytes>` as Slack.
async fn handle_upload(shared: &Shared, req: Request<Incoming>) -> Resp {
    if req.method() != Method::POST && req.method() != Method::PUT {
        return text_response(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
    }
    // `/upload/v1/<id>` (what `files.getUploadURLExternal` hands out) or `/upload/<id>`.
    let rest = req.uri().path().trim_start_matches("/upload/");
    let id = rest.strip_prefix("v1/").unwrap_or(rest).to_owned();
    if id.is_empty() || id.contains('/') {
        return text_response(StatusCode::NOT_FOUND, "file not found");
    }
    if !shared.lock_state().pending_uploads.contains_key(&id) {
        return text_response(StatusCode::NOT_FOUND, "file not found");
    }
    let multipart_boundary = wire::multipart_boundary(req.headers());
    // Stream the body: count every byte, keep the first MiB (all of a multipart form up to
    // the API body limit, to find the file in it).
    let keep = if multipart_boundary.is_some() {
        shared.config.max_body
    } else {
        KEEP_UPLOAD_BYTES
    };
    let mut body = req.into_body();
    let mut kept = BytesMut::new();
    let mut total: u64 = 0;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return text_response(StatusCode::BAD_REQUEST, "upload interrupted");
        };
        if let Ok(data) = frame.into_data() {
            total += data.len() as u64;
            let room = keep.saturating_sub(kept.len());
            kept.extend_from_slice(&data[..data.len().min(room)]);
        }
    }
    let mut data = kept.freeze();
    if let Some(boundary) = multipart_boundary {
        if total <= keep as u64 {
            match wire::multipart_file(&data, &boundary) {
                Some(file) => {
                    total = file.len() as u64;
                    data = file;
                }
                None => return text_response(StatusCode::BAD_REQUEST, "invalid multipart body"),
            }
        }
        data.truncate(KEEP_UPLOAD_BYTES);
    }
    let stored = {
        let mut ws = shared.lock_state();
        match ws.pending_uploads.get_mut(&id) {
            Some(p) => {
                p.data = Some(data);
                p.received = total;
                true
            }
            None => false,
        }
    };
    if !stored {
        return text_response(StatusCode::NOT_FOUND, "file not found");
    }
    shared.persisted().await;
    bytes_response(
        StatusCode::OK,
        "text/plain; charset=utf-8",
        Bytes::from(format!("OK - {total}")),
    )
}

/// `GET /files/<id>/…`: a completed file's bytes (its `url_private`), for a valid token.
fn handle_download(shared: &Shared, req: &Request<Incoming>, rest: &str) -> Resp {
    let id = rest.split('/').next().unwrap_or_default();
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let ws = shared.lock_state();
    if !token.is_some_and(|t| ws.tokens.contains_key(t)) {
        return text_response(StatusCode::UNAUTHORIZED, "not authed");
    }
    match (ws.files.get(id), ws.file_data.get(id)) {
        (Some(f), Some(data)) => {
            let mime = f["mimetype"].as_str().unwrap_or("application/octet-stream");
            let mut r = Response::new(Full::new(data.clone()));
            if let Ok(v) = HeaderValue::from_str(mime) {
                r.headers_mut().insert(header::CONTENT_TYPE, v);
            }
            r
        }
        _ => text_response(StatusCode::NOT_FOUND, "file not found"),
    }
}
