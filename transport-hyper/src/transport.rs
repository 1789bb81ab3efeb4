//! `HyperTransport`: sending one request and reading the whole response.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::TryStreamExt;
use http::Method;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, Limited, StreamBody};
use hyper::body::Frame;
use hyper_util::client::legacy::connect::capture_connection;
use hyper_util::client::legacy::Client;
use slack_core::transport::{
    Body, BoxFuture, HttpRequest, HttpResponse, HttpTransport, TransportError,
};

use crate::config::HyperTransportBuilder;
use crate::connector::Connector;
use crate::error;

pub(crate) type ReqBody = UnsyncBoxBody<Bytes, std::io::Error>;

/// The default transport: tokio + hyper 1 + rustls.
///
/// One pooled hyper client per transport; clones are cheap and share it (and its
/// connections). HTTP/1.1 and HTTP/2 (negotiated by ALPN over TLS), a per-attempt timeout, a
/// connect timeout, proxies (`CONNECT`) from settings or the environment, and websockets for
/// RTM. It implements [`HttpTransport`], [`Timer`](slack_core::transport::Timer) and
/// [`WsTransport`](slack_core::transport::WsTransport).
///
/// `Debug` shows settings, never credentials.
///
/// ```no_run
/// use std::time::Duration;
/// use slack_transport_hyper::HyperTransport;
///
/// let transport = HyperTransport::builder()
///     .timeout(Duration::from_secs(10))
///     .connect_timeout(Duration::from_secs(3))
///     .build()?;
/// let client = slack_core::WebClientBuilder::new()
///     .token("xoxb-…")
///     .transport_with_ws(transport)
///     .build()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct HyperTransport {
    pub(crate) client: Client<Connector, ReqBody>,
    pub(crate) connector: Connector,
    pub(crate) settings: Arc<Settings>,
}

/// Settings used per request.
#[derive(Debug)]
pub(crate) struct Settings {
    pub(crate) timeout: Duration,
    pub(crate) max_response_body: usize,
}

impl fmt::Debug for HyperTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperTransport")
            .field("connector", &self.connector)
            .field("timeout", &self.settings.timeout)
            .field("max_response_body", &self.settings.max_response_body)
            .finish()
    }
}

impl Default for HyperTransport {
    fn default() -> Self {
        HyperTransport::new()
    }
}

impl HyperTransport {
    /// A transport with the default settings (see [`HyperTransportBuilder`]): proxies from
    /// the environment, the bundled roots, 30 s per attempt, 10 s to connect.
    ///
    /// ```no_run
    /// let transport = slack_transport_hyper::HyperTransport::new();
    /// ```
    pub fn new() -> Self {
        // The default settings use only the bundled roots, which cannot fail to load.
        HyperTransport::builder().build_infallible()
    }

    /// A builder for other settings.
    ///
    /// ```no_run
    /// let transport = slack_transport_hyper::HyperTransport::builder().no_proxy().build()?;
    /// # Ok::<(), slack_core::transport::TransportError>(())
    /// ```
    pub fn builder() -> HyperTransportBuilder {
        HyperTransportBuilder::default()
    }
}

// ===== impl HttpTransport =====

impl HttpTransport for HyperTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(self.send_request(request))
    }

    fn default_retry_policy(&self) -> slack_core::RetryPolicy {
        slack_retry::default_policy()
    }
}

impl HyperTransport {
    async fn send_request(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let timeout = request.timeout.unwrap_or(self.settings.timeout);
        let mut req = to_hyper_request(request)?;
        tracing::debug!(
            method = %req.method(),
            host = req.uri().host().unwrap_or(""),
            path = req.uri().path(),
            "sending request"
        );
        // Set by hyper-util once it hands the request a connection: before that nothing can
        // have been written.
        let capture = capture_connection(&mut req);
        let result = tokio::time::timeout(timeout, self.exchange(req)).await;
        let connected = capture.connection_metadata().is_some();
        let result = match result {
            Ok(Ok(resp)) => Ok(resp),
            Ok(Err(Failure::Client(e))) => Err(error::client_error(e, connected)),
            Ok(Err(Failure::Other(e))) => Err(e),
            Err(_) => Err(error::deadline(timeout, connected)),
        };
        if let Err(e) = &result {
            tracing::debug!(kind = ?e.kind(), maybe_sent = e.maybe_sent(), "request failed");
        }
        result
    }

    /// Send and read the whole response.
    async fn exchange(&self, req: http::Request<ReqBody>) -> Result<HttpResponse, Failure> {
        let resp = self.client.request(req).await.map_err(Failure::Client)?;
        let limit = self.settings.max_response_body;
        let (parts, body) = resp.into_parts();
        let announced = parts
            .headers
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if announced.is_some_and(|len| len > limit as u64) {
            return Err(Failure::Other(error::too_large(limit)));
        }
        let collected = Limited::new(body, limit)
            .collect()
            .await
            .map_err(|e| Failure::Other(error::body_error(e, limit)))?;
        Ok(HttpResponse {
            status: parts.status,
            headers: parts.headers,
            body: collected.to_bytes(),
        })
    }
}

/// A failure inside the deadline: the client's own error (classified once we know whether a
/// connection was used) or one already classified.
enum Failure {
    Client(hyper_util::client::legacy::Error),
    Other(TransportError),
}

/// Build the hyper request. A bad URL or method fails here, before anything is sent.
fn to_hyper_request(request: HttpRequest) -> Result<http::Request<ReqBody>, TransportError> {
    let HttpRequest {
        method,
        url,
        headers,
        body,
        ..
    } = request;
    let uri: http::Uri = url
        .parse()
        .map_err(|e| error::invalid(format!("invalid URL: {e}")))?;
    match uri.scheme_str() {
        Some("http") | Some("https") => {}
        _ => return Err(error::invalid("the URL must be absolute, http or https")),
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(error::invalid("the URL has no host"));
    }
    let content_length = body
        .len()
        .filter(|&len| len > 0 || has_payload_semantics(&method));
    let mut req = http::Request::builder()
        .method(method)
        .uri(uri)
        .body(to_body(body))
        .map_err(|e| error::invalid(e.to_string()))?;
    *req.headers_mut() = headers;
    if let Some(len) = content_length {
        req.headers_mut()
            .insert(http::header::CONTENT_LENGTH, http::HeaderValue::from(len));
    }
    Ok(req)
}

/// In-memory bodies go whole (hyper sees their exact length); streams are forwarded chunk by
/// chunk.
fn to_body(body: Body) -> ReqBody {
    match body {
        Body::Full(b) => Full::new(b).map_err(|never| match never {}).boxed_unsync(),
        Body::Stream { stream, .. } => StreamBody::new(stream.map_ok(Frame::data)).boxed_unsync(),
    }
}

/// Methods whose requests carry a body by definition, so an empty one still gets
/// `Content-Length: 0` (as hyper does).
fn has_payload_semantics(method: &Method) -> bool {
    !matches!(
        *method,
        Method::GET
            | Method::HEAD
            | Method::DELETE
            | Method::OPTIONS
            | Method::CONNECT
            | Method::TRACE
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use slack_core::transport::TransportErrorKind;

    #[test]
    fn content_length_rules() {
        let mut r = HttpRequest::new(Method::POST, "http://x/a");
        r.body = Body::from("abc");
        let req = to_hyper_request(r).unwrap();
        assert_eq!(req.headers()[http::header::CONTENT_LENGTH], "3");

        let req = to_hyper_request(HttpRequest::new(Method::POST, "http://x/a")).unwrap();
        assert_eq!(req.headers()[http::header::CONTENT_LENGTH], "0");

        let req = to_hyper_request(HttpRequest::new(Method::GET, "http://x/a")).unwrap();
        assert!(req.headers().get(http::header::CONTENT_LENGTH).is_none());

        let mut r = HttpRequest::new(Method::POST, "http://x/a");
        r.body = Body::Stream {
            len: None,
            stream: Box::pin(futures_util::stream::empty()),
        };
        let req = to_hyper_request(r).unwrap();
        assert!(req.headers().get(http::header::CONTENT_LENGTH).is_none());
    }

    #[test]
    fn bad_urls_are_invalid_and_not_sent() {
        for url in ["not a url", "/relative", "ftp://x/", "http:///nohost"] {
            let e = to_hyper_request(HttpRequest::new(Method::GET, url)).unwrap_err();
            assert_eq!(e.kind(), TransportErrorKind::InvalidRequest, "{url}");
            assert!(!e.maybe_sent(), "{url}");
        }
    }

    #[test]
    fn transport_is_clone_send_sync() {
        fn check<T: Clone + Send + Sync + 'static>() {}
        check::<HyperTransport>();
    }
}
