//! `MockTransport`: scripted answers per method, recorded requests, scriptable faults.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use serde_json::Value;
use slack_core::transport::{
    Body, BoxFuture, HttpRequest, HttpResponse, HttpTransport, Timer, TransportError,
    TransportErrorKind,
};

use crate::clock::VirtualClock;

/// One request the mock received.
#[derive(Clone)]
pub struct RecordedRequest {
    /// The Slack method: the last path segment of the URL (query excluded).
    pub method_name: String,
    /// HTTP method.
    pub method: Method,
    /// Full URL.
    pub url: String,
    /// Headers.
    pub headers: HeaderMap,
    /// Body (streamed bodies are collected).
    pub body: Bytes,
    /// The per-attempt timeout the client asked for.
    pub timeout: Option<Duration>,
    /// Virtual time of the request since the mock was created.
    pub at: Duration,
}

impl fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(String, String)> = self
            .headers
            .iter()
            .map(|(k, v)| {
                let v = if k == http::header::AUTHORIZATION || v.is_sensitive() {
                    "<redacted>".to_owned()
                } else {
                    String::from_utf8_lossy(v.as_bytes()).into_owned()
                };
                (k.as_str().to_owned(), v)
            })
            .collect();
        f.debug_struct("RecordedRequest")
            .field("method_name", &self.method_name)
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body", &String::from_utf8_lossy(&self.body))
            .field("at", &self.at)
            .finish()
    }
}

impl RecordedRequest {
    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// `Content-Type`.
    pub fn content_type(&self) -> Option<&str> {
        self.header("content-type")
    }

    /// The arguments: the form body, or the query string for a GET.
    pub fn form(&self) -> Vec<(String, String)> {
        if self.method == Method::GET {
            let query = self.url.split_once('?').map_or("", |(_, q)| q);
            form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect()
        } else {
            form_urlencoded::parse(&self.body).into_owned().collect()
        }
    }

    /// The body as JSON, when it is JSON.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// An argument by name, whatever the encoding (form, query or JSON).
    pub fn arg(&self, name: &str) -> Option<String> {
        if let Some(Value::Object(m)) = self.json() {
            return m.get(name).map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            });
        }
        self.form()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }
}

/// What a scripted closure answers.
#[derive(Debug, Clone)]
pub enum MockReply {
    /// An HTTP response.
    Response(HttpResponse),
    /// A transport failure.
    Error(TransportError),
}

type ReplyFn = Arc<dyn Fn(&RecordedRequest) -> MockReply + Send + Sync>;

#[derive(Clone)]
enum Reply {
    Fixed(MockReply),
    Fn(ReplyFn),
}

struct Rule {
    method: Option<String>,
    reply: Reply,
    delay: Duration,
    /// Uses left; `None` = forever.
    remaining: Option<usize>,
}

#[derive(Default)]
struct State {
    rules: Vec<Rule>,
    requests: Vec<RecordedRequest>,
}

/// A scripted transport with virtual time. Implements [`HttpTransport`] and [`Timer`].
///
/// Answers are queued per method and used in order, once each unless told otherwise
/// ([`times`](RuleBuilder::times), [`always`](RuleBuilder::always)). A request nothing answers fails with
/// a [`TransportErrorKind::InvalidRequest`] error saying so — loudly, so a test never passes
/// on an answer it did not script.
///
/// ```
/// use serde_json::json;
/// use slack_transport_mock::MockTransport;
///
/// # futures_executor::block_on(async {
/// let mock = MockTransport::new();
/// mock.on("auth.test").respond_json(json!({"ok": true, "user_id": "U1"}));
/// mock.on("chat.postMessage").rate_limited(Some(std::time::Duration::from_secs(30)));
/// mock.on("chat.postMessage").respond_json(json!({"ok": true, "channel": "C1", "ts": "1.0"}));
///
/// let client = slack_core::WebClientBuilder::new().token("xoxb-test").build_with(mock.clone());
/// let me = client.api_call("auth.test", slack_core::Args::new()).await.unwrap();
/// assert_eq!(me.get("user_id"), "U1");
/// assert_eq!(mock.requests_for("auth.test").len(), 1);
/// # });
/// ```
#[derive(Clone)]
pub struct MockTransport {
    state: Arc<Mutex<State>>,
    clock: VirtualClock,
}

impl fmt::Debug for MockTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockTransport")
            .field("requests", &self.request_count())
            .field("elapsed", &self.clock.elapsed())
            .finish()
    }
}

impl Default for MockTransport {
    fn default() -> Self {
        MockTransport::new()
    }
}

impl MockTransport {
    /// A mock with nothing scripted and its own virtual clock.
    pub fn new() -> Self {
        Self::with_clock(VirtualClock::new())
    }

    /// A mock sharing `clock` (for example with a websocket mock).
    pub fn with_clock(clock: VirtualClock) -> Self {
        MockTransport {
            state: Arc::new(Mutex::new(State::default())),
            clock,
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        f(&mut self.state.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Script an answer to `method` (for example `chat.postMessage`).
    pub fn on(&self, method: &str) -> RuleBuilder<'_> {
        RuleBuilder::new(self, Some(method.to_owned()))
    }

    /// Script an answer to any method (used after the method-specific ones).
    pub fn on_any(&self) -> RuleBuilder<'_> {
        RuleBuilder::new(self, None)
    }

    /// Answer `method` with a closure, forever.
    pub fn on_fn(
        &self,
        method: &str,
        f: impl Fn(&RecordedRequest) -> MockReply + Send + Sync + 'static,
    ) {
        self.push(Rule {
            method: Some(method.to_owned()),
            reply: Reply::Fn(Arc::new(f)),
            delay: Duration::ZERO,
            remaining: None,
        });
    }

    fn push(&self, rule: Rule) {
        self.with(|s| s.rules.push(rule));
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.with(|s| s.requests.clone())
    }

    /// The requests to `method`.
    pub fn requests_for(&self, method: &str) -> Vec<RecordedRequest> {
        self.with(|s| {
            s.requests
                .iter()
                .filter(|r| r.method_name == method)
                .cloned()
                .collect()
        })
    }

    /// How many requests arrived.
    pub fn request_count(&self) -> usize {
        self.with(|s| s.requests.len())
    }

    /// Forget requests and scripted answers.
    pub fn clear(&self) {
        self.with(|s| {
            s.requests.clear();
            s.rules.clear();
        });
    }

    /// The virtual clock.
    pub fn clock(&self) -> &VirtualClock {
        &self.clock
    }

    /// Virtual time since the mock was created.
    pub fn elapsed(&self) -> Duration {
        self.clock.elapsed()
    }

    /// Every sleep the client requested (retry waits), in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.clock.sleeps()
    }

    /// Move virtual time forward.
    pub fn advance(&self, d: Duration) {
        self.clock.advance(d);
    }

    fn answer(&self, req: &RecordedRequest) -> (MockReply, Duration) {
        let found = self.with(|s| {
            let idx = s
                .rules
                .iter()
                .position(|r| r.method.as_deref() == Some(req.method_name.as_str()))
                .or_else(|| s.rules.iter().position(|r| r.method.is_none()))?;
            let rule = &mut s.rules[idx];
            let out = (rule.reply.clone(), rule.delay);
            if let Some(n) = &mut rule.remaining {
                *n -= 1;
                if *n == 0 {
                    s.rules.remove(idx);
                }
            }
            Some(out)
        });
        match found {
            Some((Reply::Fixed(r), d)) => (r, d),
            Some((Reply::Fn(f), d)) => (f(req), d),
            None => (
                MockReply::Error(TransportError::new(
                    TransportErrorKind::InvalidRequest,
                    format!("the mock has no scripted answer for {}", req.method_name),
                )),
                Duration::ZERO,
            ),
        }
    }
}

fn method_name(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or("");
    path.rsplit('/').next().unwrap_or("").to_owned()
}

impl HttpTransport for MockTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async move {
            let HttpRequest {
                method,
                url,
                headers,
                body,
                timeout,
            } = request;
            let body = match body {
                Body::Full(b) => b,
                Body::Stream { mut stream, .. } => {
                    let mut buf = BytesMut::new();
                    while let Some(chunk) = stream.next().await {
                        match chunk {
                            Ok(c) => buf.extend_from_slice(&c),
                            Err(e) => {
                                return Err(TransportError::new(
                                    TransportErrorKind::Io,
                                    e.to_string(),
                                )
                                .with_maybe_sent(true))
                            }
                        }
                    }
                    buf.freeze()
                }
            };
            let recorded = RecordedRequest {
                method_name: method_name(&url),
                method,
                url,
                headers,
                body,
                timeout,
                at: self.clock.elapsed(),
            };
            self.with(|s| s.requests.push(recorded.clone()));
            let (reply, delay) = self.answer(&recorded);
            if !delay.is_zero() {
                if let Some(t) = recorded.timeout.filter(|t| *t < delay) {
                    self.clock.advance(t);
                    return Err(TransportError::new(
                        TransportErrorKind::Timeout,
                        "mock: answer slower than the timeout",
                    ));
                }
                self.clock.advance(delay);
            }
            match reply {
                MockReply::Response(r) => Ok(r),
                MockReply::Error(e) => {
                    if e.kind() == TransportErrorKind::Timeout {
                        self.clock
                            .advance(recorded.timeout.unwrap_or(Duration::from_secs(30)));
                    }
                    Err(e)
                }
            }
        })
    }
}

impl Timer for MockTransport {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        self.clock.sleep(duration)
    }

    fn now(&self) -> Instant {
        self.clock.now()
    }
}

// ===== RuleBuilder =====

/// Scripts one answer; finish with a `respond*`, fault or error method.
#[must_use = "a rule is added only when an answer is given (respond_json, fail, …)"]
pub struct RuleBuilder<'a> {
    mock: &'a MockTransport,
    method: Option<String>,
    remaining: Option<usize>,
    delay: Duration,
}

impl fmt::Debug for RuleBuilder<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RuleBuilder")
            .field("method", &self.method)
            .finish()
    }
}

/// A JSON response with status 200.
pub fn ok_json(value: Value) -> HttpResponse {
    json_response(StatusCode::OK, &value)
}

/// `{"ok": false, "error": code}` with status 200.
pub fn api_error(code: &str) -> HttpResponse {
    ok_json(serde_json::json!({"ok": false, "error": code}))
}

fn json_response(status: StatusCode, value: &Value) -> HttpResponse {
    let mut r = HttpResponse::new(status, Bytes::from(value.to_string()));
    r.headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    r
}

impl<'a> RuleBuilder<'a> {
    fn new(mock: &'a MockTransport, method: Option<String>) -> Self {
        RuleBuilder {
            mock,
            method,
            remaining: Some(1),
            delay: Duration::ZERO,
        }
    }

    /// Use this answer `n` times (default once).
    pub fn times(mut self, n: usize) -> Self {
        self.remaining = Some(n.max(1));
        self
    }

    /// Use this answer for every matching request.
    pub fn always(mut self) -> Self {
        self.remaining = None;
        self
    }

    /// Answer after `d` of virtual time (a timeout shorter than `d` fails the request with
    /// [`TransportErrorKind::Timeout`]).
    pub fn delay(mut self, d: Duration) -> Self {
        self.delay = d;
        self
    }

    fn reply(self, reply: MockReply) {
        self.mock.push(Rule {
            method: self.method,
            reply: Reply::Fixed(reply),
            delay: self.delay,
            remaining: self.remaining,
        });
    }

    /// Answer with `response`.
    pub fn respond(self, response: HttpResponse) {
        self.reply(MockReply::Response(response));
    }

    /// Answer 200 with this JSON.
    pub fn respond_json(self, value: Value) {
        self.respond(ok_json(value));
    }

    /// Answer with a closure of the request.
    pub fn respond_with(self, f: impl Fn(&RecordedRequest) -> MockReply + Send + Sync + 'static) {
        self.mock.push(Rule {
            method: self.method,
            reply: Reply::Fn(Arc::new(f)),
            delay: self.delay,
            remaining: self.remaining,
        });
    }

    /// Fail with a transport error of `kind` (its default `maybe_sent`).
    pub fn fail(self, kind: TransportErrorKind) {
        self.reply(MockReply::Error(TransportError::new(kind, "mock fault")));
    }

    /// Fail with this error.
    pub fn error(self, error: TransportError) {
        self.reply(MockReply::Error(error));
    }

    /// The connection drops before an answer: the request may have been applied.
    pub fn drop_connection(self) {
        self.fail(TransportErrorKind::ConnectionDropped);
    }

    /// The connection is refused: nothing was sent.
    pub fn refuse_connection(self) {
        self.fail(TransportErrorKind::Connect);
    }

    /// No answer within the request's timeout (virtual time advances by it).
    pub fn timeout(self) {
        self.fail(TransportErrorKind::Timeout);
    }

    /// HTTP 429 with `Retry-After` (seconds) when given.
    pub fn rate_limited(self, retry_after: Option<Duration>) {
        let mut r = json_response(
            StatusCode::TOO_MANY_REQUESTS,
            &serde_json::json!({"ok": false, "error": "ratelimited"}),
        );
        if let Some(d) = retry_after {
            r.headers
                .insert(http::header::RETRY_AFTER, HeaderValue::from(d.as_secs()));
        }
        self.respond(r);
    }

    /// An HTTP error status (500, 502, 503, …) with an HTML body.
    pub fn server_error(self, status: u16) {
        self.server_error_retry_after(status, None);
    }

    /// An HTTP error status with `Retry-After` (seconds) when given.
    pub fn server_error_retry_after(self, status: u16, retry_after: Option<Duration>) {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut r = HttpResponse::new(
            status,
            Bytes::from_static(b"<html><body>server error</body></html>"),
        );
        r.headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("text/html"),
        );
        if let Some(d) = retry_after {
            r.headers
                .insert(http::header::RETRY_AFTER, HeaderValue::from(d.as_secs()));
        }
        self.respond(r);
    }

    /// `{"ok": false, "error": code}` with status 200 (for example `fatal_error`).
    pub fn api_error(self, code: &str) {
        self.respond(api_error(code));
    }
}
