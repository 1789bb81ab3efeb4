//! Sending one [`HttpRequest`] through a hyper-util client and reading the whole response,
//! with the attempt's deadline on whatever timer the runtime has.

use std::future::Future;
use std::pin::{pin, Pin};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_util::future::{select, Either};
use futures_util::StreamExt;
use http::Method;
use http_body_util::BodyExt;
use hyper::body::{Frame, SizeHint};
use hyper_util::client::legacy::connect::{capture_connection, Connect};
use hyper_util::client::legacy::Client;
use slack_core::transport::{Body, BoxBodyStream, HttpRequest, HttpResponse, TransportError};

use crate::error;

/// The request body both transports hand hyper: the bytes of an in-memory body (no box, no
/// dynamic dispatch: the common case), or a stream's chunks.
pub struct ReqBody(BodyKind);

enum BodyKind {
    /// Taken by the first poll.
    Full(Option<Bytes>),
    Stream(BoxBodyStream),
}

impl ReqBody {
    fn new(body: Body) -> Self {
        ReqBody(match body {
            Body::Full(b) => BodyKind::Full((!b.is_empty()).then_some(b)),
            Body::Stream { stream, .. } => BodyKind::Stream(stream),
        })
    }
}

impl std::fmt::Debug for ReqBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            BodyKind::Full(b) => write!(
                f,
                "ReqBody::Full({} bytes)",
                b.as_ref().map_or(0, Bytes::len)
            ),
            BodyKind::Stream(_) => f.write_str("ReqBody::Stream"),
        }
    }
}

impl hyper::body::Body for ReqBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        match &mut self.0 {
            BodyKind::Full(b) => Poll::Ready(b.take().map(|b| Ok(Frame::data(b)))),
            BodyKind::Stream(s) => s.poll_next_unpin(cx).map(|c| c.map(|c| c.map(Frame::data))),
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self.0, BodyKind::Full(None))
    }

    fn size_hint(&self) -> SizeHint {
        match &self.0 {
            BodyKind::Full(b) => SizeHint::with_exact(b.as_ref().map_or(0, |b| b.len() as u64)),
            // A stream's length, when known, goes in the `Content-Length` header.
            BodyKind::Stream(_) => SizeHint::default(),
        }
    }
}

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
    let (parts, mut body) = resp.into_parts();
    let announced = parts
        .headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|len| len > limit as u64) {
        return Err(Failure::Other(error::too_large(limit)));
    }
    // The usual answer is one data frame: kept as it is. More frames are joined, and the
    // limit is checked as they come.
    let mut first: Option<Bytes> = None;
    let mut joined: Option<BytesMut> = None;
    let mut total = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| Failure::Other(error::body_error(Box::new(e))))?;
        let Ok(data) = frame.into_data() else {
            continue; // trailers
        };
        total = total.saturating_add(data.len());
        if total > limit {
            return Err(Failure::Other(error::too_large(limit)));
        }
        match (&mut joined, first.take()) {
            (Some(j), _) => j.extend_from_slice(&data),
            (None, None) => first = Some(data),
            (None, Some(f)) => {
                let mut j = BytesMut::with_capacity(
                    announced
                        .map_or(0, |n| n as usize)
                        .max(f.len() + data.len()),
                );
                j.extend_from_slice(&f);
                j.extend_from_slice(&data);
                joined = Some(j);
            }
        }
    }
    let body = match joined {
        Some(j) => j.freeze(),
        None => first.unwrap_or_default(),
    };
    Ok(HttpResponse {
        status: parts.status,
        headers: parts.headers,
        body,
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
    // hyper writes a non-empty in-memory body's length itself (from its exact size). It
    // leaves out an empty body's, which a request with a payload still needs (`0`), and
    // cannot know a stream's.
    let content_length = match &body {
        Body::Full(b) if b.is_empty() => has_payload_semantics(&method).then_some(0),
        Body::Full(_) => None,
        Body::Stream { len, .. } => *len,
    };
    let mut req = http::Request::new(ReqBody::new(body));
    *req.method_mut() = method;
    *req.uri_mut() = uri;
    *req.headers_mut() = headers;
    if let Some(len) = content_length {
        req.headers_mut()
            .insert(http::header::CONTENT_LENGTH, http::HeaderValue::from(len));
    }
    Ok(req)
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
        // hyper writes it, from the body's exact size (the wire test checks).
        assert!(req.headers().get(http::header::CONTENT_LENGTH).is_none());
        assert_eq!(hyper::body::Body::size_hint(req.body()).exact(), Some(3));

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
