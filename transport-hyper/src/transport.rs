//! `HyperTransport`: settings, and sending one request.

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::TryStreamExt;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, Limited, StreamBody};
use hyper::body::Frame;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use rustls::pki_types::CertificateDer;
use slack_core::transport::{
    Body, BoxFuture, HttpRequest, HttpResponse, HttpTransport, Timer, TransportError,
    TransportErrorKind,
};

use crate::connector::{ConnectError, Connector};
use slack_core::proxy::{Proxies, Proxy, ProxyConfig};

type ReqBody = UnsyncBoxBody<Bytes, std::io::Error>;

/// The default transport: tokio + hyper 1 + rustls.
///
/// One pooled client per transport; clones share it (and its connections). HTTP/1.1 and
/// HTTP/2 (negotiated by ALPN over TLS), a per-request timeout, a connect timeout, proxies
/// (`CONNECT`) from settings or the environment, and websockets for RTM.
///
/// ```no_run
/// use std::time::Duration;
/// use slack_transport_hyper::HyperTransport;
///
/// let transport = HyperTransport::builder()
///     .timeout(Duration::from_secs(10))
///     .connect_timeout(Duration::from_secs(3))
///     .build()?;
/// let client = slack_core::WebClientBuilder::new().token("xoxb-…").build_with(transport);
/// # Ok::<(), slack_core::transport::TransportError>(())
/// ```
#[derive(Clone)]
pub struct HyperTransport {
    pub(crate) client: Client<Connector, ReqBody>,
    pub(crate) connector: Connector,
    pub(crate) settings: Arc<Settings>,
}

#[derive(Debug)]
pub(crate) struct Settings {
    pub(crate) timeout: Duration,
    pub(crate) max_response_body: usize,
}

impl fmt::Debug for HyperTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperTransport")
            .field("connector", &self.connector)
            .field("settings", &self.settings)
            .finish()
    }
}

impl Default for HyperTransport {
    fn default() -> Self {
        HyperTransport::new()
    }
}

impl HyperTransport {
    /// Default settings (see [`HyperTransportBuilder`]).
    pub fn new() -> Self {
        // The default settings use only the bundled roots, which cannot fail to load.
        HyperTransport::builder().build_infallible()
    }

    /// Settings.
    pub fn builder() -> HyperTransportBuilder {
        HyperTransportBuilder::default()
    }
}

/// Settings of a [`HyperTransport`], with their defaults.
#[derive(Debug, Clone)]
#[must_use]
pub struct HyperTransportBuilder {
    timeout: Duration,
    connect_timeout: Duration,
    pool_idle_timeout: Duration,
    pool_max_idle_per_host: usize,
    max_response_body: usize,
    proxy: ProxyConfig,
    extra_roots: Vec<Vec<u8>>,
    built_in_roots: bool,
    http2: bool,
}

impl Default for HyperTransportBuilder {
    fn default() -> Self {
        HyperTransportBuilder {
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            pool_idle_timeout: Duration::from_secs(90),
            pool_max_idle_per_host: 32,
            max_response_body: 64 * 1024 * 1024,
            proxy: ProxyConfig::Env,
            extra_roots: Vec::new(),
            built_in_roots: true,
            http2: true,
        }
    }
}

impl HyperTransportBuilder {
    /// Deadline for a whole attempt (connect, send, read the full response) when the request
    /// does not set one. Default 30 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Deadline for opening a connection (TCP, proxy tunnel, TLS). Default 10 s. A connect
    /// timeout means nothing was sent, so even writes are retried after one.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Close pooled connections idle this long. Default 90 s.
    pub fn pool_idle_timeout(mut self, timeout: Duration) -> Self {
        self.pool_idle_timeout = timeout;
        self
    }

    /// Idle connections kept per host. Default 32.
    pub fn pool_max_idle_per_host(mut self, n: usize) -> Self {
        self.pool_max_idle_per_host = n;
        self
    }

    /// Largest response body accepted; larger ones fail with
    /// [`TransportErrorKind::BodyTooLarge`]. Default 64 MiB.
    pub fn max_response_body(mut self, bytes: usize) -> Self {
        self.max_response_body = bytes;
        self
    }

    /// Use this proxy for every request (overrides the environment).
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

    /// Whether to trust the bundled webpki roots (and, with the `native-roots` feature, the
    /// platform's). Default `true`; turn off to trust only added roots.
    pub fn tls_built_in_roots(mut self, on: bool) -> Self {
        self.built_in_roots = on;
        self
    }

    /// Offer HTTP/2 by ALPN over TLS. Default `true`.
    pub fn http2(mut self, on: bool) -> Self {
        self.http2 = on;
        self
    }

    /// Build the transport. Fails only when an added root certificate cannot be used.
    pub fn build(self) -> Result<HyperTransport, TransportError> {
        let mut roots = self.built_in_root_store();
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

    fn build_infallible(self) -> HyperTransport {
        let roots = self.built_in_root_store();
        self.assemble(roots)
    }

    fn built_in_root_store(&self) -> rustls::RootCertStore {
        let mut roots = rustls::RootCertStore::empty();
        if self.built_in_roots {
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            #[cfg(feature = "native-roots")]
            {
                let native = rustls_native_certs::load_native_certs();
                for cert in native.certs {
                    // A platform certificate rustls cannot parse is skipped, as browsers do.
                    let _ = roots.add(cert);
                }
            }
        }
        roots
    }

    fn assemble(self, roots: rustls::RootCertStore) -> HyperTransport {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        // With the ring provider the default protocol versions are always available; keep
        // the error anyway and report it on the first TLS connection rather than panic.
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map(|b| b.with_root_certificates(roots).with_no_client_auth())
            .map_err(|e| e.to_string());
        let proxies = Proxies::resolve(self.proxy);
        let connector = Connector::new(tls, self.connect_timeout, proxies, self.http2);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(self.pool_idle_timeout)
            .pool_max_idle_per_host(self.pool_max_idle_per_host)
            .pool_timer(TokioTimer::new())
            .build(connector.clone());
        HyperTransport {
            client,
            connector,
            settings: Arc::new(Settings {
                timeout: self.timeout,
                max_response_body: self.max_response_body,
            }),
        }
    }
}

// ===== send =====

fn to_body(body: Body) -> ReqBody {
    match body {
        Body::Full(b) => Full::new(b).map_err(|never| match never {}).boxed_unsync(),
        Body::Stream { stream, .. } => StreamBody::new(stream.map_ok(Frame::data)).boxed_unsync(),
    }
}

impl HttpTransport for HyperTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async move {
            let timeout = request.timeout.unwrap_or(self.settings.timeout);
            tracing::debug!(method = %request.method, url = %redact_query(&request.url), "http request");
            match tokio::time::timeout(timeout, self.send_inner(request)).await {
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

impl HyperTransport {
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
        let collected = Limited::new(body, self.settings.max_response_body)
            .collect()
            .await
            .map_err(map_body_error)?;
        Ok(HttpResponse {
            status: parts.status,
            headers: parts.headers,
            body: collected.to_bytes(),
        })
    }
}

impl Timer for HyperTransport {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// The tokio timer, for clients whose transport is not a [`Timer`].
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSleep;

impl Timer for TokioSleep {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// URLs of Web API calls carry arguments in the query for GET methods; keep them out of logs.
fn redact_query(url: &str) -> &str {
    url.split('?').next().unwrap_or(url)
}

fn sources<'a>(
    e: &'a (dyn StdError + 'static),
) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    std::iter::successors(Some(e), |e: &&'a (dyn StdError + 'static)| (*e).source())
}

fn map_client_error(e: hyper_util::client::legacy::Error) -> TransportError {
    if let Some(c) = sources(&e).find_map(|s| s.downcast_ref::<ConnectError>()) {
        return TransportError::new(c.kind, c.message.clone());
    }
    if e.is_connect() {
        return TransportError::new(TransportErrorKind::Connect, e.to_string()).with_source(e);
    }
    let hyper_err = sources(&e).find_map(|s| s.downcast_ref::<hyper::Error>());
    let kind = match hyper_err {
        Some(h) if h.is_timeout() => TransportErrorKind::Timeout,
        Some(h) if h.is_incomplete_message() || h.is_canceled() || h.is_closed() => {
            TransportErrorKind::ConnectionDropped
        }
        Some(h) if h.is_parse() || h.is_parse_status() => TransportErrorKind::Protocol,
        Some(h) if h.is_user() => TransportErrorKind::InvalidRequest,
        _ => {
            if sources(&e).any(|s| s.downcast_ref::<std::io::Error>().is_some()) {
                TransportErrorKind::Io
            } else {
                TransportErrorKind::ConnectionDropped
            }
        }
    };
    let message = sources(&e)
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
        .join(": ");
    let maybe_sent = kind != TransportErrorKind::InvalidRequest;
    TransportError::new(kind, message).with_maybe_sent(maybe_sent)
}

fn map_body_error(e: Box<dyn StdError + Send + Sync>) -> TransportError {
    if e.downcast_ref::<http_body_util::LengthLimitError>()
        .is_some()
    {
        return TransportError::new(
            TransportErrorKind::BodyTooLarge,
            "the response body exceeds the limit",
        );
    }
    let message = sources(e.as_ref())
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
        .join(": ");
    TransportError::new(
        TransportErrorKind::ConnectionDropped,
        format!("reading the response: {message}"),
    )
}
