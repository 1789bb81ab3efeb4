//! The HTTP server: `/api/<method>`, the upload URL, the RTM websocket and `/_emulator/*`.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{header, HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::{broadcast, watch};
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use tokio_tungstenite::WebSocketStream;

use crate::api::{self, Event};
use crate::faults::{Fault, FaultRule, Faults};
use crate::ratelimit::{retry_after_secs, Limiter, RateLimits};
use crate::rtm::{self, Control};
use crate::state::{TokenInfo, Workspace};
use crate::wire;

type Resp = Response<Full<Bytes>>;

/// Closing the connection without an answer (a fault).
#[derive(Debug)]
pub(crate) struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("fault: connection dropped")
    }
}

impl std::error::Error for DropConnection {}

/// Settings of an emulator.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub(crate) port: u16,
    pub(crate) rate_limits: RateLimits,
    pub(crate) max_body: usize,
    pub(crate) signing_secret: String,
    pub(crate) interaction_url: Option<String>,
}

/// State shared by every connection of one emulator.
pub(crate) struct Shared {
    state: Mutex<Workspace>,
    faults: Mutex<Faults>,
    limiter: Mutex<Limiter>,
    pub(crate) config: Mutex<Config>,
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
}

impl Shared {
    pub(crate) fn lock_state(&self) -> MutexGuard<'_, Workspace> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn lock_faults(&self) -> MutexGuard<'_, Faults> {
        self.faults.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn config(&self) -> Config {
        self.config
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub(crate) fn publish(&self, events: Vec<Event>) {
        for e in events {
            // No receiver (no RTM connection) is fine.
            let _ = self.events.send(e);
        }
    }
}

/// Bind and start serving; returns the shared state, the address and the task.
pub(crate) async fn start(
    config: Config,
) -> std::io::Result<(
    Arc<Shared>,
    SocketAddr,
    watch::Sender<bool>,
    tokio::task::JoinHandle<()>,
)> {
    let listener = TcpListener::bind(("127.0.0.1", config.port)).await?;
    let addr = listener.local_addr()?;
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let (events, _) = broadcast::channel(1024);
    let (control, _) = broadcast::channel(16);
    let shared = Arc::new(Shared {
        state: Mutex::new(Workspace::seeded(u64::from(addr.port()))),
        faults: Mutex::new(Faults::default()),
        limiter: Mutex::new(Limiter::default()),
        config: Mutex::new(config),
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
    });
    let s = shared.clone();
    let task = tokio::spawn(async move { accept_loop(listener, s, shutdown_rx).await });
    Ok((shared, addr, shutdown_tx, task))
}

async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = shutdown.changed() => return,
        };
        let Ok((tcp, _)) = accepted else {
            // Out of file descriptors or similar: back off briefly and keep serving.
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let _ = tcp.set_nodelay(true);
        let shared = shared.clone();
        let mut shutdown = shutdown.clone();
        tokio::spawn(async move {
            let svc = service_fn(move |req| handle(shared.clone(), req));
            let conn = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(tcp), svc)
                .with_upgrades();
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = shutdown.changed() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = tokio::time::timeout(Duration::from_secs(1), conn).await;
                }
            }
        });
    }
}

pub(crate) fn json_response(status: StatusCode, body: &Value) -> Resp {
    let mut r = Response::new(Full::new(Bytes::from(body.to_string())));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    r
}

fn with_retry_after(mut r: Resp, secs: Option<u64>) -> Resp {
    if let Some(s) = secs {
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(s));
    }
    r
}

async fn handle(shared: Arc<Shared>, req: Request<Incoming>) -> Result<Resp, DropConnection> {
    shared.requests.fetch_add(1, Ordering::Relaxed);
    let path = req.uri().path().to_owned();
    if let Some(method) = path.strip_prefix("/api/") {
        let method = method.to_owned();
        return handle_api(shared, req, &method).await;
    }
    if let Some(id) = path.strip_prefix("/upload/") {
        let id = id.to_owned();
        return Ok(handle_upload(shared, req, &id).await);
    }
    if path.starts_with("/rtm/") {
        return Ok(handle_ws(shared, req));
    }
    if let Some(rest) = path.strip_prefix("/_emulator/") {
        let rest = rest.to_owned();
        return Ok(crate::admin::handle(shared, req, &rest).await);
    }
    Ok(json_response(
        StatusCode::NOT_FOUND,
        &json!({"ok": false, "error": "unknown_path"}),
    ))
}

/// Read a whole body, at most `max` bytes.
pub(crate) async fn read_body(body: Incoming, max: usize) -> Result<Bytes, Resp> {
    match Limited::new(body, max).collect().await {
        Ok(b) => Ok(b.to_bytes()),
        Err(e)
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some() =>
        {
            Err(json_response(
                StatusCode::PAYLOAD_TOO_LARGE,
                &json!({"ok": false, "error": "request_too_large"}),
            ))
        }
        Err(_) => Err(json_response(
            StatusCode::BAD_REQUEST,
            &json!({"ok": false, "error": "invalid_form_data"}),
        )),
    }
}

async fn handle_api(
    shared: Arc<Shared>,
    req: Request<Incoming>,
    method: &str,
) -> Result<Resp, DropConnection> {
    let (rate_limits, max_body) = {
        let c = shared.config.lock().unwrap_or_else(|p| p.into_inner());
        (c.rate_limits.clone(), c.max_body)
    };
    let (parts, body) = req.into_parts();
    let body = match read_body(body, max_body).await {
        Ok(b) => b,
        Err(r) => return Ok(r),
    };
    let fault = shared.lock_faults().take(method);
    match &fault {
        Some(Fault::Delay(d)) => tokio::time::sleep(*d).await,
        Some(Fault::DropBeforeResponse) => return Err(DropConnection),
        Some(Fault::Status {
            status,
            retry_after,
        }) => {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut r = Response::new(Full::new(Bytes::from_static(
                b"<html><body><h1>Server Error</h1></body></html>",
            )));
            *r.status_mut() = status;
            r.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
            return Ok(with_retry_after(r, *retry_after));
        }
        Some(Fault::RateLimited { retry_after }) => {
            let r = json_response(
                StatusCode::TOO_MANY_REQUESTS,
                &json!({"ok": false, "error": "ratelimited"}),
            );
            return Ok(with_retry_after(r, *retry_after));
        }
        Some(Fault::ApiError { code, retry_after }) => {
            let r = json_response(StatusCode::OK, &json!({"ok": false, "error": code}));
            return Ok(with_retry_after(r, *retry_after));
        }
        Some(Fault::HtmlErrorPage) => {
            let mut r = Response::new(Full::new(Bytes::from_static(
                b"<!DOCTYPE html><html><body>Slack is having trouble</body></html>",
            )));
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            return Ok(r);
        }
        Some(Fault::DropAfterApply | Fault::TruncatedJson) | None => {}
    }
    let api_req = match wire::parse(&parts.headers, parts.uri.query(), &body) {
        Ok(r) => r,
        Err(e) => {
            return Ok(json_response(
                StatusCode::OK,
                &json!({"ok": false, "error": e.code()}),
            ))
        }
    };
    if let Some(info) = slack_core::method::lookup(method) {
        let token = api_req.token.clone().unwrap_or_default();
        let channel = api_req.str("channel");
        let limited = shared
            .limiter
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .check(
                &rate_limits,
                info,
                &token,
                channel.as_deref(),
                Instant::now(),
            );
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
        api::call(
            &mut ws,
            (&shared.base_url, &shared.ws_base),
            None,
            method,
            &api_req,
        )
    };
    shared.publish(events);
    let body = match outcome {
        Ok(v) => v,
        Err(e) => e.to_json(),
    };
    match fault {
        Some(Fault::DropAfterApply) => Err(DropConnection),
        Some(Fault::TruncatedJson) => {
            let text = body.to_string();
            let cut = text.len() / 2;
            let mut r = Response::new(Full::new(Bytes::from(text.into_bytes()).slice(..cut)));
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json; charset=utf-8"),
            );
            Ok(r)
        }
        _ => Ok(json_response(StatusCode::OK, &body)),
    }
}

/// Largest upload kept in memory; beyond it only the size is recorded.
const KEEP_UPLOAD_BYTES: usize = 1024 * 1024;

async fn handle_upload(shared: Arc<Shared>, req: Request<Incoming>, id: &str) -> Resp {
    if req.method() != Method::POST && req.method() != Method::PUT {
        return json_response(
            StatusCode::METHOD_NOT_ALLOWED,
            &json!({"ok": false, "error": "method_not_allowed"}),
        );
    }
    if !shared.lock_state().pending_uploads.contains_key(id) {
        let mut r = Response::new(Full::new(Bytes::from_static(b"file not found")));
        *r.status_mut() = StatusCode::NOT_FOUND;
        return r;
    }
    // Stream the body: count every byte, keep only the first MiB.
    let mut body = req.into_body();
    let mut kept = Vec::new();
    let mut total: u64 = 0;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            let mut r = Response::new(Full::new(Bytes::from_static(b"upload interrupted")));
            *r.status_mut() = StatusCode::BAD_REQUEST;
            return r;
        };
        if let Ok(data) = frame.into_data() {
            total += data.len() as u64;
            let room = KEEP_UPLOAD_BYTES.saturating_sub(kept.len());
            kept.extend_from_slice(&data[..data.len().min(room)]);
        }
    }
    let mut ws = shared.lock_state();
    match ws.pending_uploads.get_mut(id) {
        Some(p) => {
            p.data = Some(Bytes::from(kept));
            p.length = total;
            let mut r = Response::new(Full::new(Bytes::from(format!("OK - {total}"))));
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            r
        }
        None => {
            let mut r = Response::new(Full::new(Bytes::from_static(b"file not found")));
            *r.status_mut() = StatusCode::NOT_FOUND;
            r
        }
    }
}

fn handle_ws(shared: Arc<Shared>, mut req: Request<Incoming>) -> Resp {
    // `/rtm/<session>`: each URL from rtm.connect opens one connection.
    let session = req.uri().path().trim_start_matches("/rtm/").to_owned();
    let user = shared.lock_state().rtm_sessions.remove(&session);
    let (known, user) = match user {
        Some(u) => (true, u),
        None => (false, String::new()),
    };
    let upgrade = req
        .headers()
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    let key = req
        .headers()
        .get("sec-websocket-key")
        .map(|k| derive_accept_key(k.as_bytes()));
    let (true, true, Some(accept)) = (known, upgrade, key) else {
        return json_response(
            StatusCode::BAD_REQUEST,
            &json!({"ok": false, "error": "invalid_websocket_request"}),
        );
    };
    let on_upgrade = hyper::upgrade::on(&mut req);
    tokio::spawn(async move {
        let Ok(upgraded) = on_upgrade.await else {
            return;
        };
        let config = WebSocketConfig::default()
            .read_buffer_size(4 * 1024)
            .max_message_size(Some(1 << 20));
        let ws =
            WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, Some(config))
                .await;
        rtm::serve(ws, shared, user).await;
    });
    let mut r = Response::new(Full::new(Bytes::new()));
    *r.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let h = r.headers_mut();
    h.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    h.insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
    if let Ok(v) = HeaderValue::from_str(&accept) {
        h.insert("sec-websocket-accept", v);
    }
    r
}

/// Add a token for `user` with `scopes`.
pub(crate) fn add_token(shared: &Shared, token: &str, user: Option<&str>, scopes: &[&str]) {
    let mut ws = shared.lock_state();
    let user_id = user.map_or_else(|| ws.bot_user_id.clone(), str::to_owned);
    ws.tokens.insert(
        token.to_owned(),
        TokenInfo {
            user_id,
            scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
        },
    );
}

/// Add a fault rule.
pub(crate) fn add_fault(shared: &Shared, rule: FaultRule) {
    shared.lock_faults().add(rule);
}
