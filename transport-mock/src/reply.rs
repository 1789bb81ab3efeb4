//! [`MockReply`] and ready-made responses: `ok_json`, `api_error`, rate limits, server errors.

use std::time::Duration;

use bytes::Bytes;
use http::{HeaderValue, StatusCode};
use serde_json::Value;
use slack_core::transport::{HttpResponse, TransportError, TransportErrorKind};

/// What the mock answers one request with: a response or a transport failure.
///
/// Returned by closures given to [`MockTransport::on_fn`](crate::MockTransport::on_fn) and
/// [`RuleBuilder::respond_with`](crate::RuleBuilder::respond_with). The constructors build the
/// same answers as the [`RuleBuilder`](crate::RuleBuilder) methods of the same names.
///
/// ```
/// use serde_json::json;
/// use slack_core::transport::TransportErrorKind;
/// use slack_transport_mock::MockReply;
///
/// let ok = MockReply::json(json!({"ok": true}));
/// assert!(ok.response().is_some_and(|r| r.status == 200));
/// let down = MockReply::fail(TransportErrorKind::Connect);
/// assert!(down.error().is_some_and(|e| !e.maybe_sent()));
/// ```
#[derive(Debug, Clone)]
pub enum MockReply {
    /// Answer with this HTTP response.
    Response(HttpResponse),
    /// Fail with this transport error. A [`TransportErrorKind::Timeout`] error is returned
    /// after the request's timeout has elapsed in virtual time.
    Error(TransportError),
}

impl MockReply {
    /// Status 200 with this JSON body (see [`ok_json`]).
    pub fn json(value: Value) -> Self {
        MockReply::Response(ok_json(value))
    }

    /// Status 200 with `{"ok": false, "error": code}` (see [`api_error`]).
    pub fn api_error(code: &str) -> Self {
        MockReply::Response(api_error(code))
    }

    /// HTTP 429 with `{"ok": false, "error": "ratelimited"}` and, when given, a `Retry-After`
    /// header in whole seconds (sub-second parts are rounded up, as a server would).
    pub fn rate_limited(retry_after: Option<Duration>) -> Self {
        let mut r = json_response(
            StatusCode::TOO_MANY_REQUESTS,
            &serde_json::json!({"ok": false, "error": "ratelimited"}),
        );
        set_retry_after(&mut r, retry_after);
        MockReply::Response(r)
    }

    /// An HTTP error status (500, 502, 503, …) with a small HTML body, as a load balancer
    /// sends, and a `Retry-After` header when given. An invalid status becomes 500.
    pub fn server_error(status: u16, retry_after: Option<Duration>) -> Self {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut r = HttpResponse::new(
            status,
            Bytes::from(format!(
                "<html><body><h1>{status}</h1>mock server error</body></html>"
            )),
        );
        r.headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        set_retry_after(&mut r, retry_after);
        MockReply::Response(r)
    }

    /// A transport failure of `kind`, with that kind's default
    /// [`maybe_sent`](TransportError::maybe_sent) (`false` for `Connect`, `Tls`, …; `true`
    /// for `Timeout`, `ConnectionDropped`, …).
    pub fn fail(kind: TransportErrorKind) -> Self {
        MockReply::Error(TransportError::new(
            kind,
            format!("mock: scripted {kind:?}"),
        ))
    }

    /// The response, if this is one.
    pub fn response(&self) -> Option<&HttpResponse> {
        match self {
            MockReply::Response(r) => Some(r),
            MockReply::Error(_) => None,
        }
    }

    /// The error, if this is one.
    pub fn error(&self) -> Option<&TransportError> {
        match self {
            MockReply::Response(_) => None,
            MockReply::Error(e) => Some(e),
        }
    }
}

impl From<HttpResponse> for MockReply {
    fn from(r: HttpResponse) -> Self {
        MockReply::Response(r)
    }
}

impl From<TransportError> for MockReply {
    fn from(e: TransportError) -> Self {
        MockReply::Error(e)
    }
}

/// A status-200 response with `value` as its JSON body
/// (`Content-Type: application/json; charset=utf-8`).
///
/// ```
/// let r = slack_transport_mock::ok_json(serde_json::json!({"ok": true, "ts": "1.0"}));
/// assert_eq!(r.status, 200);
/// assert_eq!(r.headers["content-type"], "application/json; charset=utf-8");
/// assert_eq!(&r.body[..], br#"{"ok":true,"ts":"1.0"}"#);
/// ```
pub fn ok_json(value: Value) -> HttpResponse {
    json_response(StatusCode::OK, &value)
}

/// A status-200 response with `{"ok": false, "error": code}`: how Slack reports a failed
/// call (`channel_not_found`, `invalid_auth`, `fatal_error`, …).
///
/// ```
/// let r = slack_transport_mock::api_error("channel_not_found");
/// assert_eq!(r.status, 200);
/// assert_eq!(&r.body[..], br#"{"ok":false,"error":"channel_not_found"}"#);
/// ```
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

fn set_retry_after(r: &mut HttpResponse, retry_after: Option<Duration>) {
    if let Some(d) = retry_after {
        let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
        r.headers
            .insert(http::header::RETRY_AFTER, HeaderValue::from(secs));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limited_has_header_and_body() {
        let r = MockReply::rate_limited(Some(Duration::from_secs(30)));
        let r = r.response().expect("a response");
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(r.headers[http::header::RETRY_AFTER], "30");
        assert_eq!(r.retry_after(), Some(Duration::from_secs(30)));
        assert_eq!(&r.body[..], br#"{"ok":false,"error":"ratelimited"}"#);

        let bare = MockReply::rate_limited(None);
        assert!(bare
            .response()
            .is_some_and(|r| !r.headers.contains_key(http::header::RETRY_AFTER)));
        let rounded = MockReply::rate_limited(Some(Duration::from_millis(1500)));
        assert!(rounded
            .response()
            .is_some_and(|r| r.headers[http::header::RETRY_AFTER] == "2"));
    }

    #[test]
    fn server_errors() {
        let r = MockReply::server_error(503, Some(Duration::from_secs(2)));
        let r = r.response().expect("a response");
        assert_eq!(r.status, 503);
        assert_eq!(r.retry_after(), Some(Duration::from_secs(2)));
        assert!(r.headers[http::header::CONTENT_TYPE]
            .to_str()
            .is_ok_and(|c| c.starts_with("text/html")));
        let bad = MockReply::server_error(42, None);
        assert!(bad.response().is_some_and(|r| r.status == 500));
    }

    #[test]
    fn failures_keep_kind_defaults() {
        for (kind, sent) in [
            (TransportErrorKind::Connect, false),
            (TransportErrorKind::Tls, false),
            (TransportErrorKind::Timeout, true),
            (TransportErrorKind::ConnectionDropped, true),
        ] {
            let e = MockReply::fail(kind);
            let e = e.error().expect("an error");
            assert_eq!((e.kind(), e.maybe_sent()), (kind, sent));
        }
        let r: MockReply = api_error("x").into();
        assert!(r.error().is_none());
    }
}
