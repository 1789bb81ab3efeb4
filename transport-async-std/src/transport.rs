//! `AsyncStdTransport`: settings, HTTP, timer and websockets.

use std::error::Error as StdError;
use std::sync::Arc;
use std::time::Duration;

use async_tungstenite::tungstenite::client::IntoClientRequest;
use async_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use async_tungstenite::tungstenite::protocol::{CloseFrame, WebSocketConfig};
use async_tungstenite::tungstenite::{self, Message};
use async_tungstenite::{WebSocketReceiver, WebSocketSender};
use bytes::Bytes;
use futures_util::{StreamExt, TryStreamExt};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, Limited, StreamBody};
use hyper::body::Frame;
use hyper_util::client::legacy::Client;
use rustls::pki_types::CertificateDer;
use slack_core::proxy::{Proxies, Proxy, ProxyConfig};
use slack_core::transport::{
    Body, BoxFuture, HttpRequest, HttpResponse, HttpTransport, Timer, TransportError,
    TransportErrorKind, WsConnection, WsMessage, WsReceiver, WsSender, WsTransport,
};

use crate::io::{AsyncIoTimer, AsyncStdExecutor, Connector, Stream};

type ReqBody = UnsyncBoxBody<Bytes, std::io::Error>;

/// The async-std transport: HTTP/1.1 with keep-alive pooling (hyper 1 over async-io),
/// TLS with futures-rustls, timeouts, `CONNECT` proxies, and websockets
/// (async-tungstenite). Works on async-std and, since it only needs async-io, on smol.
#[derive(Clone)]
pub struct AsyncStdTransport {
    client: Client<Connector, ReqBody>,
    connector: Connector,
    timeout: Duration,
    max_response_body: usize,
}

impl std::fmt::Debug for AsyncStdTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncStdTransport")
            .field("connector", &self.connector)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl Default for AsyncStdTransport {
    fn default() -> Self {
        AsyncStdTransport::new()
    }
}

impl AsyncStdTransport {
    /// Default settings.
    pub fn new() -> Self {
        let b = AsyncStdTransportBuilder::default();
        let roots = b.root_store();
        b.assemble(roots)
    }

    /// Settings.
    pub fn builder() -> AsyncStdTransportBuilder {
        AsyncStdTransportBuilder::default()
    }
}

/// Settings of an [`AsyncStdTransport`], with the same defaults as the hyper transport.
#[derive(Debug, Clone)]
#[must_use]
pub struct AsyncStdTransportBuilder {
    timeout: Duration,
    connect_timeout: Duration,
    max_response_body: usize,
    proxy: ProxyConfig,
    extra_roots: Vec<Vec<u8>>,
    built_in_roots: bool,
}

impl Default for AsyncStdTransportBuilder {
    fn default() -> Self {
        AsyncStdTransportBuilder {
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_response_body: 64 * 1024 * 1024,
            proxy: ProxyConfig::Env,
            extra_roots: Vec::new(),
            built_in_roots: true,
        }
    }
}

impl AsyncStdTransportBuilder {
    /// Deadline for a whole attempt when the request sets none (default 30 s).
    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = t;
        self
    }

    /// Deadline for opening a connection (default 10 s).
    pub fn connect_timeout(mut self, t: Duration) -> Self {
        self.connect_timeout = t;
        self
    }

    /// Largest response body accepted (default 64 MiB).
    pub fn max_response_body(mut self, bytes: usize) -> Self {
        self.max_response_body = bytes;
        self
    }

    /// Use this proxy for every request.
    pub fn proxy(mut self, proxy: Proxy) -> Self {
        self.proxy = ProxyConfig::Explicit(proxy);
        self
    }

    /// Use no proxy, whatever the environment says.
    pub fn no_proxy(mut self) -> Self {
        self.proxy = ProxyConfig::None;
        self
    }

    /// Trust this DER-encoded root certificate too.
    pub fn add_root_certificate(mut self, der: impl Into<Vec<u8>>) -> Self {
        self.extra_roots.push(der.into());
        self
    }

    /// Whether to trust the bundled webpki roots (default `true`).
    pub fn tls_built_in_roots(mut self, on: bool) -> Self {
        self.built_in_roots = on;
        self
    }

    fn root_store(&self) -> rustls::RootCertStore {
        let mut roots = rustls::RootCertStore::empty();
        if self.built_in_roots {
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        }
        roots
    }

    /// Build; fails only on an unusable added root certificate.
    pub fn build(self) -> Result<AsyncStdTransport, TransportError> {
        let mut roots = self.root_store();
        for der in &self.extra_roots {
            roots.add(CertificateDer::from(der.clone())).map_err(|e| {
                TransportError::new(
                    TransportErrorKind::Tls,
                    format!("unusable root certificate: {e}"),
                )
            })?;
        }
        Ok(self.assemble(roots))
    }

    fn assemble(self, roots: rustls::RootCertStore) -> AsyncStdTransport {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        // The ring provider supports the default versions; keep the error anyway and report
        // it on the first TLS connection rather than panic.
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map(|b| {
                let mut c = b.with_root_certificates(roots).with_no_client_auth();
                c.alpn_protocols = vec![b"http/1.1".to_vec()];
                Arc::new(c)
            })
            .map_err(|e| e.to_string());
        let connector = Connector {
            tls,
            connect_timeout: self.connect_timeout,
            proxies: Arc::new(Proxies::resolve(self.proxy)),
        };
        let client = Client::builder(AsyncStdExecutor)
            .pool_timer(AsyncIoTimer)
            .pool_idle_timeout(Duration::from_secs(90))
            .build(connector.clone());
        AsyncStdTransport {
            client,
            connector,
            timeout: self.timeout,
            max_response_body: self.max_response_body,
        }
    }
}

fn to_body(body: Body) -> ReqBody {
    match body {
        Body::Full(b) => Full::new(b).map_err(|never| match never {}).boxed_unsync(),
        Body::Stream { stream, .. } => StreamBody::new(stream.map_ok(Frame::data)).boxed_unsync(),
    }
}

fn sources<'a>(
    e: &'a (dyn StdError + 'static),
) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    std::iter::successors(Some(e), |e: &&'a (dyn StdError + 'static)| (*e).source())
}

fn map_client_error(e: hyper_util::client::legacy::Error) -> TransportError {
    if let Some(t) = sources(&e).find_map(|s| s.downcast_ref::<TransportError>()) {
        return t.clone();
    }
    if e.is_connect() {
        return TransportError::new(TransportErrorKind::Connect, e.to_string());
    }
    let kind = match sources(&e).find_map(|s| s.downcast_ref::<hyper::Error>()) {
        Some(h) if h.is_incomplete_message() || h.is_canceled() || h.is_closed() => {
            TransportErrorKind::ConnectionDropped
        }
        Some(h) if h.is_parse() => TransportErrorKind::Protocol,
        Some(h) if h.is_user() => TransportErrorKind::InvalidRequest,
        _ => TransportErrorKind::Io,
    };
    let message = sources(&e)
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
        .join(": ");
    TransportError::new(kind, message).with_maybe_sent(kind != TransportErrorKind::InvalidRequest)
}

impl AsyncStdTransport {
    async fn send_inner(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let HttpRequest {
            method,
            url,
            headers,
            body,
            ..
        } = request;
        let uri: http::Uri = url.parse().map_err(|e| {
            TransportError::new(
                TransportErrorKind::InvalidRequest,
                format!("invalid URL: {e}"),
            )
        })?;
        let len = body.len();
        let mut req = http::Request::builder()
            .method(method)
            .uri(uri)
            .body(to_body(body))
            .map_err(|e| TransportError::new(TransportErrorKind::InvalidRequest, e.to_string()))?;
        *req.headers_mut() = headers;
        if let Some(len) = len {
            req.headers_mut()
                .insert(http::header::CONTENT_LENGTH, http::HeaderValue::from(len));
        }
        let resp = self.client.request(req).await.map_err(map_client_error)?;
        let (parts, body) = resp.into_parts();
        let collected = Limited::new(body, self.max_response_body)
            .collect()
            .await
            .map_err(|e| {
                if e.downcast_ref::<http_body_util::LengthLimitError>()
                    .is_some()
                {
                    TransportError::new(
                        TransportErrorKind::BodyTooLarge,
                        "the response body exceeds the limit",
                    )
                } else {
                    TransportError::new(
                        TransportErrorKind::ConnectionDropped,
                        format!("reading the response: {e}"),
                    )
                }
            })?;
        Ok(HttpResponse {
            status: parts.status,
            headers: parts.headers,
            body: collected.to_bytes(),
        })
    }
}

impl HttpTransport for AsyncStdTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async move {
            let timeout = request.timeout.unwrap_or(self.timeout);
            match async_std::future::timeout(timeout, self.send_inner(request)).await {
                Ok(r) => r,
                Err(_) => Err(TransportError::new(
                    TransportErrorKind::Timeout,
                    format!("no complete response within {timeout:?}"),
                )),
            }
        })
    }

    fn default_retry_policy(&self) -> slack_core::RetryPolicy {
        slack_retry::default_policy()
    }
}

impl Timer for AsyncStdTransport {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(async move {
            async_io::Timer::after(duration).await;
        })
    }
}

// ===== websockets =====

impl WsTransport for AsyncStdTransport {
    fn connect(
        &self,
        url: &str,
        headers: &http::HeaderMap,
    ) -> BoxFuture<'_, Result<WsConnection, TransportError>> {
        let url = url.to_owned();
        let headers = headers.clone();
        Box::pin(async move {
            let mut request = url.as_str().into_client_request().map_err(|e| {
                TransportError::new(
                    TransportErrorKind::InvalidRequest,
                    format!("invalid websocket URL: {e}"),
                )
            })?;
            for (k, v) in &headers {
                request.headers_mut().append(k, v.clone());
            }
            let uri = request.uri().clone();
            let stream = self.connector.connect(&uri).await?;
            let config = WebSocketConfig::default().read_buffer_size(4 * 1024);
            let handshake =
                async_tungstenite::client_async_with_config(request, stream, Some(config));
            let (ws, _) = async_std::future::timeout(self.timeout, handshake)
                .await
                .map_err(|_| {
                    TransportError::new(
                        TransportErrorKind::Timeout,
                        "websocket handshake timed out",
                    )
                    .with_maybe_sent(false)
                })?
                .map_err(|e| {
                    TransportError::new(TransportErrorKind::Protocol, e.to_string())
                        .with_maybe_sent(false)
                })?;
            let (sink, stream) = ws.split();
            Ok(WsConnection {
                sender: Box::new(Sender { sink }),
                receiver: Box::new(Receiver { stream }),
            })
        })
    }
}

fn map_ws_error(e: tungstenite::Error) -> TransportError {
    let kind = match &e {
        tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed => {
            TransportErrorKind::ConnectionDropped
        }
        tungstenite::Error::Io(_) => TransportErrorKind::Io,
        tungstenite::Error::Capacity(_) => TransportErrorKind::BodyTooLarge,
        _ => TransportErrorKind::Protocol,
    };
    TransportError::new(kind, e.to_string())
}

#[derive(Debug)]
struct Sender {
    sink: WebSocketSender<Stream>,
}

impl WsSender for Sender {
    fn send(&mut self, message: WsMessage) -> BoxFuture<'_, Result<(), TransportError>> {
        let msg = match message {
            WsMessage::Text(t) => Message::text(t),
            WsMessage::Binary(b) => Message::Binary(b),
            WsMessage::Ping(p) => Message::Ping(p),
            WsMessage::Pong(p) => Message::Pong(p),
            WsMessage::Close(c) => Message::Close(c.map(|(code, reason)| CloseFrame {
                code: CloseCode::from(code),
                reason: reason.into(),
            })),
        };
        Box::pin(async move { self.sink.send(msg).await.map_err(map_ws_error) })
    }
}

#[derive(Debug)]
struct Receiver {
    stream: WebSocketReceiver<Stream>,
}

impl WsReceiver for Receiver {
    fn recv(&mut self) -> BoxFuture<'_, Option<Result<WsMessage, TransportError>>> {
        Box::pin(async move {
            loop {
                let msg = match self.stream.next().await? {
                    Ok(m) => m,
                    Err(tungstenite::Error::ConnectionClosed) => return None,
                    Err(e) => return Some(Err(map_ws_error(e))),
                };
                return Some(Ok(match msg {
                    Message::Text(t) => WsMessage::Text(t.as_str().to_owned()),
                    Message::Binary(b) => WsMessage::Binary(b),
                    Message::Ping(p) => WsMessage::Ping(p),
                    Message::Pong(p) => WsMessage::Pong(p),
                    Message::Close(c) => WsMessage::Close(
                        c.map(|f| (u16::from(f.code), f.reason.as_str().to_owned())),
                    ),
                    Message::Frame(_) => continue,
                }));
            }
        })
    }
}
