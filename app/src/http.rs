//! Running an [`App`] over HTTP: the Events API, interactivity and slash commands arrive as
//! requests Slack signs with the app's signing secret.
//!
//! Every request is checked before anything else: a body over the limit gets 413, a missing
//! or wrong signature or a timestamp more than five minutes away 401 (logged, the handler
//! never runs), a body that is not what its content type says 400. `url_verification` is
//! answered with its challenge. Otherwise the response waits for the handler's ack (its
//! payload becomes the response body) or the listener's deadline, and the handler keeps
//! running after the response. [`HttpApp`] is a hyper service and a `tower::Service`, so it
//! also mounts in an existing hyper or axum server. A retried event (`X-Slack-Retry-Num`) already handled here
//! is answered 200 without running it again.

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderMap, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use serde_json::value::RawValue;
use slack_core::events::{decode_events_api, EventsApiPayload};
use slack_core::signature::{SignatureError, SignatureVerifier};
use slack_core::socket_mode::{DedupeStore, InMemoryDedupe};
use tokio::sync::{oneshot, Notify};

use crate::context::{AckError, AckSink, BoxFuture};
use crate::{App, Incoming, IncomingKind};

/// The default largest body accepted (Slack's payloads are far smaller).
pub const DEFAULT_MAX_BODY: usize = 1 << 20;
/// The default time to wait for a handler's ack before answering 200 without a payload.
pub const DEFAULT_ACK_DEADLINE: Duration = Duration::from_millis(2500);

/// An [`App`] on HTTP; see [`App::http`]. Cheap to clone; a hyper service.
#[derive(Clone)]
pub struct HttpApp {
    app: App,
    verifier: Arc<SignatureVerifier>,
    max_body: usize,
    ack_deadline: Duration,
    dedupe: Option<Arc<dyn DedupeStore>>,
}

impl fmt::Debug for HttpApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpApp")
            .field("verifier", &self.verifier)
            .field("max_body", &self.max_body)
            .field("ack_deadline", &self.ack_deadline)
            .finish_non_exhaustive()
    }
}

impl App {
    /// Run this app over HTTP, checking requests with the app's signing secret; the same
    /// listeners work over Socket Mode.
    ///
    /// ```no_run
    /// # async fn run(app: slack_app::App) -> Result<(), Box<dyn std::error::Error>> {
    /// app.http(std::env::var("SLACK_SIGNING_SECRET")?)?
    ///     .serve("0.0.0.0:3000".parse()?)
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn http(&self, signing_secret: impl AsRef<[u8]>) -> Result<HttpApp, SignatureError> {
        Ok(HttpApp {
            app: self.clone(),
            verifier: Arc::new(SignatureVerifier::new(signing_secret)?),
            max_body: DEFAULT_MAX_BODY,
            ack_deadline: DEFAULT_ACK_DEADLINE,
            dedupe: Some(Arc::new(InMemoryDedupe::default())),
        })
    }
}

impl HttpApp {
    /// Refuse bodies over `bytes` with 413 (default 1 MiB).
    pub fn max_body(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// Answer without a payload when the handler has not acknowledged within `deadline`
    /// (default 2.5 s, inside Slack's 3 s), unless its listener says otherwise.
    pub fn ack_deadline(mut self, deadline: Duration) -> Self {
        self.ack_deadline = deadline;
        self
    }

    /// Where retried events are recognised (default: in memory); `None` runs every retry.
    pub fn dedupe(mut self, store: Option<Arc<dyn DedupeStore>>) -> Self {
        self.dedupe = store;
        self
    }

    /// Use another verifier (another clock or tolerance, for tests).
    pub fn verifier(mut self, verifier: SignatureVerifier) -> Self {
        self.verifier = Arc::new(verifier);
        self
    }

    /// Serve on `addr` until the future is dropped.
    pub async fn serve(self, addr: SocketAddr) -> std::io::Result<()> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        self.serve_on(listener).await
    }

    /// Serve on a bound listener (port 0 in tests) until the future is dropped.
    pub async fn serve_on(self, listener: tokio::net::TcpListener) -> std::io::Result<()> {
        loop {
            let (tcp, _) = listener.accept().await?;
            let svc = self.clone();
            tokio::spawn(async move {
                let io = hyper_util::rt::TokioIo::new(tcp);
                if let Err(e) = hyper::server::conn::http1::Builder::new()
                    .serve_connection(io, svc)
                    .await
                {
                    tracing::debug!(error = %e, "connection ended");
                }
            });
        }
    }

    /// Answer one request (what the hyper service does).
    pub async fn handle<B>(&self, req: Request<B>) -> Response<Full<Bytes>>
    where
        B: hyper::body::Body,
        B::Error: std::error::Error + Send + Sync + 'static,
    {
        let (parts, body) = req.into_parts();
        let body = match Limited::new(body, self.max_body).collect().await {
            Ok(b) => b.to_bytes(),
            Err(e)
                if e.downcast_ref::<http_body_util::LengthLimitError>()
                    .is_some() =>
            {
                return text(StatusCode::PAYLOAD_TOO_LARGE, "body too large");
            }
            Err(_) => return text(StatusCode::BAD_REQUEST, "could not read the body"),
        };
        if let Err(e) = self.verifier.verify_headers(&body, &parts.headers) {
            tracing::warn!(error = %e, path = %parts.uri.path(), "rejected a request: bad Slack signature");
            return text(StatusCode::UNAUTHORIZED, "invalid signature");
        }
        let retry_attempt = header_u32(&parts.headers, "x-slack-retry-num");
        let incoming = match classify(&parts.headers, &body, retry_attempt) {
            Ok(Classified::Challenge(c)) => {
                return json(
                    StatusCode::OK,
                    serde_json::json!({ "challenge": c }).to_string(),
                )
            }
            Ok(Classified::Incoming(i)) => i,
            Err(reason) => return text(StatusCode::BAD_REQUEST, reason),
        };
        if let (Some(store), Some(key)) = (&self.dedupe, event_key(&incoming)) {
            if !store.first_seen(&key, Instant::now()).await {
                tracing::debug!(%key, retry_attempt, "retried event already handled here");
                return empty();
            }
        }
        let (sink, answer) = HttpAck::new(self.ack_deadline);
        let sink = Arc::new(sink);
        let app = self.app.clone();
        let dispatched: Arc<dyn AckSink> = sink.clone();
        tokio::spawn(async move { app.dispatch(incoming, dispatched).await });
        match sink.wait(answer).await {
            Some(payload) => json(StatusCode::OK, payload.get().to_owned()),
            None => empty(),
        }
    }
}

impl<B> hyper::service::Service<Request<B>> for HttpApp
where
    B: hyper::body::Body + Send + 'static,
    B::Data: Send,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn call(&self, req: Request<B>) -> Self::Future {
        let this = self.clone();
        Box::pin(async move { Ok(this.handle(req).await) })
    }
}

/// The same as a `tower::Service`, so the receiver mounts in an axum `Router`
/// (`.route_service("/slack/events", app.http(secret)?)`) or behind tower middleware.
impl<B> tower_service::Service<Request<B>> for HttpApp
where
    B: hyper::body::Body + Send + 'static,
    B::Data: Send,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = <Self as hyper::service::Service<Request<B>>>::Future;

    fn poll_ready(
        &mut self,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Infallible>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        hyper::service::Service::call(self, req)
    }
}

enum Classified {
    Challenge(String),
    Incoming(Incoming),
}

fn classify(
    headers: &HeaderMap,
    body: &[u8],
    retry_attempt: u32,
) -> Result<Classified, &'static str> {
    let content_type = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type.starts_with("application/json") {
        let text = std::str::from_utf8(body).map_err(|_| "the body is not UTF-8")?;
        return match decode_events_api(text) {
            Ok(EventsApiPayload::UrlVerification { challenge }) => {
                Ok(Classified::Challenge(challenge))
            }
            Ok(_) => Ok(Classified::Incoming(Incoming::new(
                IncomingKind::EventsApi,
                text,
                retry_attempt,
            ))),
            // JSON of an unexpected shape is still the app's to see (reported there).
            Err(e) if e.kind != "json" => Ok(Classified::Incoming(Incoming::new(
                IncomingKind::EventsApi,
                text,
                retry_attempt,
            ))),
            Err(_) => Err("the body is not JSON"),
        };
    }
    if content_type.starts_with("application/x-www-form-urlencoded") {
        let mut fields = serde_json::Map::new();
        let mut payload = None;
        for (k, v) in form_urlencoded::parse(body) {
            if k == "payload" {
                payload = Some(v.into_owned());
            } else {
                fields.insert(k.into_owned(), serde_json::Value::String(v.into_owned()));
            }
        }
        if let Some(p) = payload {
            serde_json::from_str::<serde::de::IgnoredAny>(&p)
                .map_err(|_| "the payload field is not JSON")?;
            return Ok(Classified::Incoming(Incoming::new(
                IncomingKind::Interactive,
                p,
                retry_attempt,
            )));
        }
        if fields.contains_key("command") {
            let json = serde_json::Value::Object(fields).to_string();
            return Ok(Classified::Incoming(Incoming::new(
                IncomingKind::SlashCommand,
                json,
                retry_attempt,
            )));
        }
        return Err("a form without payload or command");
    }
    Err("unsupported content type")
}

/// The key of an Events API delivery across Slack's retries (the same key Socket Mode uses).
fn event_key(incoming: &Incoming) -> Option<String> {
    (incoming.kind == IncomingKind::EventsApi)
        .then(|| slack_core::socket_mode::event_key(&incoming.body))
        .flatten()
}

fn header_u32(headers: &HeaderMap, name: &str) -> u32 {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

fn text(status: StatusCode, body: &'static str) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from_static(body.as_bytes())));
    *r.status_mut() = status;
    r.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

fn json(status: StatusCode, body: String) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = status;
    r.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json; charset=utf-8"),
    );
    r
}

fn empty() -> Response<Full<Bytes>> {
    Response::new(Full::new(Bytes::new()))
}

/// The ack of one HTTP delivery: the response, once.
struct HttpAck {
    tx: Mutex<Option<oneshot::Sender<Option<Box<RawValue>>>>>,
    /// `None`: no deadline.
    deadline: Mutex<Option<Duration>>,
    changed: Notify,
}

impl fmt::Debug for HttpAck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpAck").finish_non_exhaustive()
    }
}

/// Slack gives up on a response after 3 s: no deadline means at most this.
const SLACK_TIMEOUT: Duration = Duration::from_secs(3);

impl HttpAck {
    fn new(deadline: Duration) -> (Self, oneshot::Receiver<Option<Box<RawValue>>>) {
        let (tx, rx) = oneshot::channel();
        let ack = HttpAck {
            tx: Mutex::new(Some(tx)),
            deadline: Mutex::new(Some(deadline)),
            changed: Notify::new(),
        };
        (ack, rx)
    }

    /// The response payload, or `None` at the deadline (the sender is then spent, so a late
    /// ack is refused).
    async fn wait(
        &self,
        mut answer: oneshot::Receiver<Option<Box<RawValue>>>,
    ) -> Option<Box<RawValue>> {
        let start = tokio::time::Instant::now();
        loop {
            let limit = self
                .deadline
                .lock()
                .map(|d| d.unwrap_or(SLACK_TIMEOUT))
                .unwrap_or(SLACK_TIMEOUT);
            let changed = self.changed.notified();
            tokio::select! {
                a = &mut answer => return a.ok().flatten(),
                () = tokio::time::sleep_until(start + limit) => {
                    // Taken: the handler's later ack finds nothing to send.
                    if let Ok(mut tx) = self.tx.lock() {
                        tx.take();
                    }
                    return answer.try_recv().ok().flatten();
                }
                () = changed => continue,
            }
        }
    }
}

impl AckSink for HttpAck {
    fn ack(&self, payload: Option<Box<RawValue>>) -> BoxFuture<'_, Result<(), AckError>> {
        let tx = self.tx.lock().ok().and_then(|mut t| t.take());
        let r = match tx {
            Some(tx) => tx.send(payload).map_err(|_| AckError::Gone),
            None => Err(AckError::AlreadyAcked),
        };
        Box::pin(std::future::ready(r))
    }

    fn set_deadline(&self, after: Option<Duration>) {
        if let Ok(mut d) = self.deadline.lock() {
            *d = after;
        }
        self.changed.notify_waiters();
    }
}
