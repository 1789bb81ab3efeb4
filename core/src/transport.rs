//! The I/O boundary: what an HTTP transport, a websocket transport and a timer must do.
//!
//! # Object-safe traits with boxed futures
//!
//! [`HttpTransport`], [`WsTransport`], [`WsSender`], [`WsReceiver`] and [`Timer`] return
//! [`BoxFuture`]s instead of using `async fn` in traits. That keeps them object-safe, so a
//! client holds an `Arc<dyn HttpTransport>`: `WebClient` is one concrete type whatever the
//! transport, so code written against it is tested with the mock, the emulator or `mockall`
//! without generics. The cost is one heap allocation and one virtual call per request, which
//! is noise next to a network round trip (measured in the end-to-end bench).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_core::Stream;
use http::{HeaderMap, Method, StatusCode};

/// A boxed, `Send` future, as returned by the transport traits.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A boxed, `Send` stream of body chunks.
pub type BoxBodyStream = Pin<Box<dyn Stream<Item = Result<Bytes, std::io::Error>> + Send>>;

// ===== Body =====

/// The body of an outgoing request.
///
/// Most Slack calls have a small body built once in memory ([`Body::Full`]); file uploads may
/// stream their content ([`Body::Stream`]) so a large file is never held in memory whole.
pub enum Body {
    /// A body held in memory. Cheap to clone, so the request can be re-sent on retry.
    Full(Bytes),
    /// A streamed body. It can be sent once: a request carrying one is not retried unless
    /// the caller supplies a fresh stream.
    Stream {
        /// Exact length in bytes when known (sent as `Content-Length`), else chunked.
        len: Option<u64>,
        /// The chunks.
        stream: BoxBodyStream,
    },
}

impl Body {
    /// An empty in-memory body.
    pub fn empty() -> Self {
        Body::Full(Bytes::new())
    }

    /// The body's length when known.
    pub fn len(&self) -> Option<u64> {
        match self {
            Body::Full(b) => Some(b.len() as u64),
            Body::Stream { len, .. } => *len,
        }
    }

    /// Whether the body is known to be empty.
    pub fn is_empty(&self) -> bool {
        self.len() == Some(0)
    }

    /// The bytes of an in-memory body, `None` for a stream.
    pub fn as_bytes(&self) -> Option<&Bytes> {
        match self {
            Body::Full(b) => Some(b),
            Body::Stream { .. } => None,
        }
    }

    /// A copy of this body if it can be replayed (in-memory bodies only).
    pub fn try_clone(&self) -> Option<Body> {
        self.as_bytes().map(|b| Body::Full(b.clone()))
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Body::Full(b) => write!(f, "Body::Full({} bytes)", b.len()),
            Body::Stream { len, .. } => write!(f, "Body::Stream(len: {len:?})"),
        }
    }
}

impl From<Bytes> for Body {
    fn from(b: Bytes) -> Self {
        Body::Full(b)
    }
}

impl From<Vec<u8>> for Body {
    fn from(b: Vec<u8>) -> Self {
        Body::Full(Bytes::from(b))
    }
}

impl From<&'static str> for Body {
    fn from(s: &'static str) -> Self {
        Body::Full(Bytes::from_static(s.as_bytes()))
    }
}

// ===== HttpRequest / HttpResponse =====

/// One HTTP request, fully built: the transport sends it as is.
///
/// `Debug` redacts the `Authorization` header.
pub struct HttpRequest {
    /// HTTP method (Slack uses `POST` for every Web API call; uploads may use others).
    pub method: Method,
    /// Absolute URL.
    pub url: String,
    /// Headers, including `Authorization`, `Content-Type` and `User-Agent`.
    pub headers: HeaderMap,
    /// The body.
    pub body: Body,
    /// Deadline for this attempt (connect + send + whole response), if any. Transports
    /// apply their own default when `None`.
    pub timeout: Option<Duration>,
}

impl HttpRequest {
    /// A request with no headers and an empty body.
    pub fn new(method: Method, url: impl Into<String>) -> Self {
        HttpRequest {
            method,
            url: url.into(),
            headers: HeaderMap::new(),
            body: Body::empty(),
            timeout: None,
        }
    }

    /// A copy if the body can be replayed.
    pub fn try_clone(&self) -> Option<HttpRequest> {
        Some(HttpRequest {
            method: self.method.clone(),
            url: self.url.clone(),
            headers: self.headers.clone(),
            body: self.body.try_clone()?,
            timeout: self.timeout,
        })
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body", &self.body)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// `Debug` for a header map that hides credentials.
pub(crate) struct RedactedHeaders<'a>(pub(crate) &'a HeaderMap);

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut m = f.debug_map();
        for (k, v) in self.0 {
            let sensitive = k == http::header::AUTHORIZATION
                || k == http::header::PROXY_AUTHORIZATION
                || k == http::header::COOKIE
                || v.is_sensitive();
            if sensitive {
                m.entry(&k.as_str(), &"<redacted>");
            } else {
                m.entry(&k.as_str(), &v);
            }
        }
        m.finish()
    }
}

/// One HTTP response with its body read in full.
#[derive(Clone)]
pub struct HttpResponse {
    /// Status code.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// The whole body.
    pub body: Bytes,
}

impl HttpResponse {
    /// A response with the given status and body and no headers.
    pub fn new(status: StatusCode, body: impl Into<Bytes>) -> Self {
        HttpResponse {
            status,
            headers: HeaderMap::new(),
            body: body.into(),
        }
    }

    /// The `Retry-After` header as a duration (seconds form; an HTTP date is not used by Slack).
    pub fn retry_after(&self) -> Option<Duration> {
        crate::util::parse_retry_after(&self.headers)
    }
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body", &crate::util::Excerpt(&self.body))
            .finish()
    }
}

// ===== TransportError =====

/// What went wrong below HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// DNS failure, connection refused or unreachable: nothing was sent.
    Connect,
    /// The connect phase (TCP or proxy tunnel) did not finish in time: nothing was sent.
    ConnectTimeout,
    /// TLS handshake failed (bad certificate, wrong host name): nothing was sent.
    Tls,
    /// No complete response in time after the request was (perhaps) written.
    Timeout,
    /// The connection closed or was reset before a full response arrived.
    ConnectionDropped,
    /// Another I/O error while sending or receiving.
    Io,
    /// The proxy refused or failed the tunnel (nothing reached Slack).
    Proxy,
    /// The request could not be turned into bytes (invalid URL, header): nothing was sent.
    InvalidRequest,
    /// The response was larger than the transport's limit.
    BodyTooLarge,
    /// The websocket protocol was violated or the handshake was refused.
    Protocol,
}

impl TransportErrorKind {
    /// Whether a request failing with this kind may have reached the server.
    ///
    /// The default for each kind; a transport may be more precise (see
    /// [`TransportError::maybe_sent`]).
    pub fn default_maybe_sent(self) -> bool {
        !matches!(
            self,
            TransportErrorKind::Connect
                | TransportErrorKind::ConnectTimeout
                | TransportErrorKind::Tls
                | TransportErrorKind::Proxy
                | TransportErrorKind::InvalidRequest
        )
    }

    fn as_str(self) -> &'static str {
        match self {
            TransportErrorKind::Connect => "connect failed",
            TransportErrorKind::ConnectTimeout => "connect timed out",
            TransportErrorKind::Tls => "TLS error",
            TransportErrorKind::Timeout => "timed out",
            TransportErrorKind::ConnectionDropped => "connection dropped",
            TransportErrorKind::Io => "I/O error",
            TransportErrorKind::Proxy => "proxy error",
            TransportErrorKind::InvalidRequest => "invalid request",
            TransportErrorKind::BodyTooLarge => "response body too large",
            TransportErrorKind::Protocol => "protocol error",
        }
    }
}

/// An error from a transport, saying what happened and whether the request may have been sent.
///
/// Retrying a non-idempotent call (for example `chat.postMessage`) is only safe when
/// [`maybe_sent`](TransportError::maybe_sent) is `false`.
#[derive(Clone)]
pub struct TransportError {
    kind: TransportErrorKind,
    maybe_sent: bool,
    message: Arc<str>,
    source: Option<Arc<dyn std::error::Error + Send + Sync + 'static>>,
}

impl TransportError {
    /// A new error of `kind`, with `maybe_sent` defaulted from the kind.
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        TransportError {
            kind,
            maybe_sent: kind.default_maybe_sent(),
            message: Arc::from(message.into()),
            source: None,
        }
    }

    /// Attach the underlying error.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Arc::new(source));
        self
    }

    /// Override whether the request may have reached the server.
    pub fn with_maybe_sent(mut self, maybe_sent: bool) -> Self {
        self.maybe_sent = maybe_sent;
        self
    }

    /// The kind of failure.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// Whether the request may have reached the server (so a write may have taken effect).
    pub fn maybe_sent(&self) -> bool {
        self.maybe_sent
    }

    /// Whether this is a timeout (connect or response).
    pub fn is_timeout(&self) -> bool {
        matches!(
            self.kind,
            TransportErrorKind::Timeout | TransportErrorKind::ConnectTimeout
        )
    }

    /// Whether the connection could not be established.
    pub fn is_connect(&self) -> bool {
        matches!(
            self.kind,
            TransportErrorKind::Connect | TransportErrorKind::ConnectTimeout
        )
    }

    /// The human-readable detail (never contains a token).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError")
            .field("kind", &self.kind)
            .field("maybe_sent", &self.maybe_sent)
            .field("message", &self.message)
            .field("source", &self.source)
            .finish()
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind.as_str())?;
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        if self.maybe_sent {
            f.write_str(" (request may have been sent)")
        } else {
            f.write_str(" (request not sent)")
        }
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

// ===== Traits =====

/// Sends one HTTP request and reads the whole response.
///
/// Implementations own connection pooling, TLS, proxies and the per-attempt timeout
/// ([`HttpRequest::timeout`]). They do not retry: retries are decided in core.
///
/// ```
/// use slack_core::transport::{BoxFuture, HttpRequest, HttpResponse, HttpTransport, TransportError};
///
/// /// A transport that answers every call with `{"ok":true}`.
/// #[derive(Debug)]
/// struct AlwaysOk;
///
/// impl HttpTransport for AlwaysOk {
///     fn send(&self, _req: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
///         Box::pin(async { Ok(HttpResponse::new(http::StatusCode::OK, r#"{"ok":true}"#)) })
///     }
/// }
/// ```
#[cfg_attr(feature = "mockall", mockall::automock)]
pub trait HttpTransport: Send + Sync + fmt::Debug + 'static {
    /// Send `request` and return the full response, or a [`TransportError`] saying whether
    /// the request may have reached the server.
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>>;

    /// The retry policy a client over this transport uses when none is configured.
    ///
    /// Defaults to [`RetryPolicy::none`](crate::RetryPolicy::none); the hyper transport
    /// returns `slack_retry::default_policy()`, so `slack_sdk::WebClient::new` retries what a
    /// production bot should.
    fn default_retry_policy(&self) -> crate::RetryPolicy {
        crate::RetryPolicy::none()
    }
}

impl<T: HttpTransport + ?Sized> HttpTransport for Arc<T> {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        (**self).send(request)
    }
    fn default_retry_policy(&self) -> crate::RetryPolicy {
        (**self).default_retry_policy()
    }
}

impl<T: HttpTransport + ?Sized> HttpTransport for Box<T> {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        (**self).send(request)
    }
    fn default_retry_policy(&self) -> crate::RetryPolicy {
        (**self).default_retry_policy()
    }
}

/// Time for the async drivers: sleeping and reading the clock without naming a runtime.
///
/// The mock transport implements it with a virtual clock, so a five-minute backoff completes
/// at once in tests and the schedule is reproducible.
///
/// ```
/// use std::time::{Duration, Instant};
/// use slack_core::transport::{BoxFuture, Timer};
///
/// /// A timer for a runtime that never needs to wait (every sleep returns at once).
/// #[derive(Debug)]
/// struct Impatient;
///
/// impl Timer for Impatient {
///     fn sleep(&self, _d: Duration) -> BoxFuture<'static, ()> {
///         Box::pin(async {})
///     }
/// }
/// let _ = Impatient.now();
/// ```
#[cfg_attr(feature = "mockall", mockall::automock)]
pub trait Timer: Send + Sync + fmt::Debug + 'static {
    /// A future that completes after `duration`.
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()>;

    /// The current instant. Defaults to [`Instant::now`]; virtual clocks override it.
    fn now(&self) -> Instant {
        Instant::now()
    }
}

impl<T: Timer + ?Sized> Timer for Arc<T> {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        (**self).sleep(duration)
    }
    fn now(&self) -> Instant {
        (**self).now()
    }
}

// ===== Websocket =====

/// One websocket message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WsMessage {
    /// A text frame (Slack's RTM speaks JSON text).
    Text(String),
    /// A binary frame.
    Binary(Bytes),
    /// A ping with its payload.
    Ping(Bytes),
    /// A pong with its payload.
    Pong(Bytes),
    /// A close frame with its code and reason, when given.
    Close(Option<(u16, String)>),
}

/// The sending half of a websocket connection.
pub trait WsSender: Send + fmt::Debug {
    /// Send one message. Sending [`WsMessage::Close`] starts the closing handshake.
    fn send(&mut self, message: WsMessage) -> BoxFuture<'_, Result<(), TransportError>>;

    /// Queue one message to go out with the next [`flush`](WsSender::flush) (or `send`), so
    /// that a burst of messages is written at once. A sender may write it straight away, and
    /// must when its queue is full.
    ///
    /// The default sends it at once: a sender without a queue needs neither method.
    fn feed(&mut self, message: WsMessage) -> BoxFuture<'_, Result<(), TransportError>> {
        self.send(message)
    }

    /// Write everything [`feed`](WsSender::feed) queued. The default has nothing to write.
    fn flush(&mut self) -> BoxFuture<'_, Result<(), TransportError>> {
        Box::pin(std::future::ready(Ok(())))
    }
}

/// The receiving half of a websocket connection.
pub trait WsReceiver: Send + fmt::Debug {
    /// The next message; `None` once the connection is closed. Cancel-safe: dropping the
    /// future before it completes loses no message.
    fn recv(&mut self) -> BoxFuture<'_, Option<Result<WsMessage, TransportError>>>;
}

/// An open websocket connection, split into halves so reading and writing proceed at once.
#[derive(Debug)]
pub struct WsConnection {
    /// The sending half.
    pub sender: Box<dyn WsSender>,
    /// The receiving half.
    pub receiver: Box<dyn WsReceiver>,
}

/// Opens websocket connections.
pub trait WsTransport: Send + Sync + fmt::Debug + 'static {
    /// Connect to `url` (`ws://` or `wss://`) with extra handshake `headers`.
    fn connect(
        &self,
        url: &str,
        headers: &HeaderMap,
    ) -> BoxFuture<'_, Result<WsConnection, TransportError>>;
}

impl<T: WsTransport + ?Sized> WsTransport for Arc<T> {
    fn connect(
        &self,
        url: &str,
        headers: &HeaderMap,
    ) -> BoxFuture<'_, Result<WsConnection, TransportError>> {
        (**self).connect(url, headers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maybe_sent_defaults() {
        assert!(!TransportError::new(TransportErrorKind::Connect, "x").maybe_sent());
        assert!(!TransportError::new(TransportErrorKind::Tls, "x").maybe_sent());
        assert!(TransportError::new(TransportErrorKind::Timeout, "x").maybe_sent());
        assert!(TransportError::new(TransportErrorKind::ConnectionDropped, "x").maybe_sent());
        let e = TransportError::new(TransportErrorKind::Timeout, "x").with_maybe_sent(false);
        assert!(!e.maybe_sent());
        assert!(e.to_string().contains("not sent"));
    }

    #[test]
    fn request_debug_redacts_authorization() {
        let mut req = HttpRequest::new(Method::POST, "https://slack.com/api/auth.test");
        req.headers.insert(
            http::header::AUTHORIZATION,
            http::HeaderValue::from_static("Bearer xoxb-secret-123"),
        );
        let s = format!("{req:?}");
        assert!(!s.contains("xoxb-secret-123"), "{s}");
        assert!(s.contains("<redacted>"));
    }
}

// ===== secret URLs =====

/// `url` fit for a log line or an error: the scheme and host stay, a path or query (which
/// for a websocket holds the RTM or Socket Mode session ticket) becomes `/<redacted>`.
///
/// ```
/// use slack_core::transport::redact_url;
/// assert_eq!(
///     redact_url("wss://wss-primary.slack.com/websocket/SESSION-TICKET"),
///     "wss://wss-primary.slack.com/<redacted>"
/// );
/// assert_eq!(redact_url("https://slack.com"), "https://slack.com");
/// ```
pub fn redact_url(url: &str) -> String {
    match url.parse::<http::Uri>() {
        Ok(uri) if uri.scheme().is_some() && uri.authority().is_some() => {
            let scheme = uri.scheme_str().unwrap_or_default();
            // The authority without any user:password.
            let host = uri
                .authority()
                .map(|a| a.as_str().rsplit('@').next().unwrap_or_default().to_owned())
                .unwrap_or_default();
            let has_more = uri.query().is_some() || !matches!(uri.path(), "" | "/");
            if has_more {
                format!("{scheme}://{host}/<redacted>")
            } else {
                format!("{scheme}://{host}")
            }
        }
        _ => "<redacted url>".to_owned(),
    }
}

/// A URL that grants a session (an RTM or Socket Mode websocket URL): its `Debug` and
/// `Display` show only scheme and host; [`expose`](Self::expose) gives the URL itself.
///
/// ```
/// use slack_core::transport::SessionUrl;
/// let url = SessionUrl::new("wss://wss.slack.com/link/?ticket=secret");
/// assert_eq!(format!("{url:?}"), "SessionUrl(wss://wss.slack.com/<redacted>)");
/// assert!(url.expose().ends_with("secret"));
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SessionUrl(String);

impl SessionUrl {
    /// Wrap a URL.
    pub fn new(url: impl Into<String>) -> Self {
        SessionUrl(url.into())
    }

    /// The URL itself, to connect to.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SessionUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SessionUrl({})", redact_url(&self.0))
    }
}

impl fmt::Display for SessionUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact_url(&self.0))
    }
}
