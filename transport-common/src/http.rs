//! Sending one [`HttpRequest`] through a hyper-util client and reading the whole response,
//! with the attempt's deadline on whatever timer the runtime has.

use std::future::Future;
use std::pin::pin;
use std::time::Duration;

use bytes::Bytes;
use futures_util::future::{select, Either};
use futures_util::TryStreamExt;
use http::Method;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, Limited, StreamBody};
use hyper::body::Frame;
use hyper_util::client::legacy::connect::{capture_connection, Connect};
use hyper_util::client::legacy::Client;
use slack_core::transport::{Body, HttpRequest, HttpResponse, TransportError};

use crate::error;

/// The request body type both transports hand hyper.
pub type ReqBody = UnsyncBoxBody<Bytes, std::io::Error>;

/// Send `request` on `client` and read the whole response, at most `max_response_body`
/// bytes, within the request's timeout (or `default_timeout`). `sleep` is the runtime's
/// timer: the attempt fails when the future it returns completes first.
///
/// Errors say whether the request may have been sent: hyper-util tells us (through
/// `capture_connection`) whether it handed the request a connection; before that nothing can
/// have been written.
pub async fn send<C, S, F>(
    client: &Client<C, ReqBody>,
    request: HttpRequest,
    default_timeout: Duration,
    max_response_body: usize,
    sleep: S,
) -> Result<HttpResponse, TransportError>
where
    C: Connect + Clone + Send + Sync + 'static,
    S: FnOnce(Duration) -> F,
    F: Future<Output = ()>,
{
    let timeout = request.timeout.unwrap_or(default_timeout);
    let mut req = to_hyper_request(request)?;
    tracing::debug!(
        method = %req.method(),
        host = req.uri().host().unwrap_or(""),
        path = req.uri().path(),
        "sending request"
    );
    let capture = capture_connection(&mut req);
    let exchange = pin!(exchange(client, req, max_response_body));
    let deadline = pin!(sleep(timeout));
    let result = select(exchange, deadline).await;
    let connected = capture.connection_metadata().is_some();
    let result = match result {
        Either::Left((Ok(resp), _)) => Ok(resp),
        Either::Left((Err(Failure::Client(e)), _)) => Err(error::client_error(e, connected)),
        Either::Left((Err(Failure::Other(e)), _)) => Err(e),
        Either::Right(((), _)) => Err(error::deadline(timeout, connected)),
    };
    if let Err(e) = &result {
        tracing::debug!(kind = ?e.kind(), maybe_sent = e.maybe_sent(), "request failed");
    }
    result
}

/// A failure inside the deadline: the client's own error (classified once we know whether a
/// connection was used) or one already classified.
enum Failure {
    Client(hyper_util::client::legacy::Error),
    Other(TransportError),
}

/// Send and read the whole response.
async fn exchange<C>(
    client: &Client<C, ReqBody>,
    req: http::Request<ReqBody>,
    limit: usize,
) -> Result<HttpResponse, Failure>
where
    C: Connect + Clone + Send + Sync + 'static,
{
    let resp = client.request(req).await.map_err(Failure::Client)?;
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

/// Build the hyper request. A bad URL or method fails here, before anything is sent.
pub fn to_hyper_request(request: HttpRequest) -> Result<http::Request<ReqBody>, TransportError> {
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
    #![allow(clippy::unwrap_used)]
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
}
