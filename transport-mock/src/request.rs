//! [`RecordedRequest`]: one request the mock received, with helpers for assertions.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Method};
use serde_json::Value;

/// One request the [`MockTransport`](crate::MockTransport) received, kept for assertions.
///
/// Every request is recorded, including those that were answered with a scripted fault and
/// those nothing was scripted for. `Debug` hides credentials (`Authorization`, `Cookie`,
/// sensitive headers and `xox…` tokens in the URL or body), so a failing assertion never
/// prints a token.
///
/// ```
/// use serde_json::json;
/// use slack_core::transport::{HttpRequest, HttpTransport};
/// use slack_transport_mock::MockTransport;
///
/// # futures_executor::block_on(async {
/// let mock = MockTransport::new();
/// mock.on("chat.postMessage").respond_json(json!({"ok": true}));
/// let mut req = HttpRequest::new(http::Method::POST, "https://slack.com/api/chat.postMessage");
/// req.headers.insert("content-type", "application/x-www-form-urlencoded".parse().unwrap());
/// req.body = "channel=C1&text=hi+there".into();
/// mock.send(req).await.unwrap();
///
/// let r = &mock.requests()[0];
/// assert_eq!(r.method_name, "chat.postMessage");
/// assert_eq!(r.content_type(), Some("application/x-www-form-urlencoded"));
/// assert_eq!(r.arg("text").as_deref(), Some("hi there"));
/// # });
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The Slack method: the last path segment of the URL, without query string or fragment
    /// (`chat.postMessage` for `https://slack.com/api/chat.postMessage?x=1`).
    pub method_name: String,
    /// The HTTP method.
    pub method: Method,
    /// The full URL, as sent.
    pub url: String,
    /// The headers, as sent.
    pub headers: HeaderMap,
    /// The body; a streamed body is collected into one buffer.
    pub body: Bytes,
    /// The per-attempt timeout the client asked for ([`HttpRequest::timeout`]).
    ///
    /// [`HttpRequest::timeout`]: slack_core::transport::HttpRequest::timeout
    pub timeout: Option<Duration>,
    /// Virtual time at which the request arrived, since the mock's clock started.
    pub at: Duration,
}

impl RecordedRequest {
    /// A header's value as text (`None` when absent or not visible ASCII). Names are
    /// case-insensitive.
    ///
    /// ```
    /// # let r = slack_transport_mock::RecordedRequest::example();
    /// assert_eq!(r.header("Authorization"), Some("Bearer xoxb-example"));
    /// assert_eq!(r.header("x-missing"), None);
    /// ```
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `Content-Type` header.
    ///
    /// ```
    /// # let r = slack_transport_mock::RecordedRequest::example();
    /// assert_eq!(r.content_type(), Some("application/x-www-form-urlencoded"));
    /// ```
    pub fn content_type(&self) -> Option<&str> {
        self.header(http::header::CONTENT_TYPE.as_str())
    }

    /// The form arguments, decoded from `application/x-www-form-urlencoded`, in order.
    ///
    /// For a `GET` (arguments travel in the URL) this is the query string; otherwise it is
    /// the body, whatever its content type (a JSON or multipart body yields junk or nothing:
    /// use [`json`](RecordedRequest::json) or [`arg`](RecordedRequest::arg) then).
    ///
    /// ```
    /// # let r = slack_transport_mock::RecordedRequest::example();
    /// assert_eq!(r.form(), vec![("channel".into(), "C1".into()), ("text".into(), "hi there".into())]);
    /// ```
    pub fn form(&self) -> Vec<(String, String)> {
        if self.method == Method::GET {
            self.query()
        } else {
            form_urlencoded::parse(&self.body).into_owned().collect()
        }
    }

    /// The URL's query string, decoded, in order.
    ///
    /// ```
    /// # let mut r = slack_transport_mock::RecordedRequest::example();
    /// r.url = "https://slack.com/api/conversations.list?limit=2&cursor=x%3D".into();
    /// assert_eq!(r.query(), vec![("limit".into(), "2".into()), ("cursor".into(), "x=".into())]);
    /// ```
    pub fn query(&self) -> Vec<(String, String)> {
        let query = self.url.split_once('?').map_or("", |(_, q)| q);
        let query = query.split('#').next().unwrap_or("");
        form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect()
    }

    /// The body parsed as JSON, or `None` when it is not JSON.
    ///
    /// ```
    /// # let mut r = slack_transport_mock::RecordedRequest::example();
    /// r.body = r#"{"channel":"C1","blocks":[]}"#.into();
    /// assert_eq!(r.json().unwrap()["channel"], "C1");
    /// ```
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// One argument by name, whatever the encoding: a field of a JSON object body (strings
    /// as is, other values as JSON text), else a form field (the query string for a `GET`).
    ///
    /// ```
    /// # let mut r = slack_transport_mock::RecordedRequest::example();
    /// assert_eq!(r.arg("channel").as_deref(), Some("C1"));
    /// r.body = r#"{"channel":"C2","unfurl_links":false}"#.into();
    /// assert_eq!(r.arg("channel").as_deref(), Some("C2"));
    /// assert_eq!(r.arg("unfurl_links").as_deref(), Some("false"));
    /// assert_eq!(r.arg("missing"), None);
    /// ```
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

    /// The body as text (lossy UTF-8).
    ///
    /// ```
    /// # let r = slack_transport_mock::RecordedRequest::example();
    /// assert_eq!(r.body_text(), "channel=C1&text=hi+there");
    /// ```
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A sample form `POST` to `chat.postMessage`, for documentation examples.
    #[doc(hidden)]
    pub fn example() -> Self {
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        headers.insert(
            http::header::AUTHORIZATION,
            http::HeaderValue::from_static("Bearer xoxb-example"),
        );
        RecordedRequest {
            method_name: "chat.postMessage".into(),
            method: Method::POST,
            url: "https://slack.com/api/chat.postMessage".into(),
            headers,
            body: Bytes::from_static(b"channel=C1&text=hi+there"),
            timeout: None,
            at: Duration::ZERO,
        }
    }
}

impl fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordedRequest")
            .field("method_name", &self.method_name)
            .field("method", &self.method)
            .field("url", &redact_tokens(&self.url))
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body", &redact_tokens(&String::from_utf8_lossy(&self.body)))
            .field("timeout", &self.timeout)
            .field("at", &self.at)
            .finish()
    }
}

/// The Slack method named by `url`: its last path segment, query and fragment excluded.
pub(crate) fn method_name(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or("");
    path.rsplit('/').next().unwrap_or("").to_owned()
}

/// `Debug` for headers that hides credentials.
pub(crate) struct RedactedHeaders<'a>(pub(crate) &'a HeaderMap);

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut m = f.debug_map();
        for (k, v) in self.0 {
            let secret = k == http::header::AUTHORIZATION
                || k == http::header::PROXY_AUTHORIZATION
                || k == http::header::COOKIE
                || v.is_sensitive();
            if secret {
                m.entry(&k.as_str(), &"<redacted>");
            } else {
                m.entry(
                    &k.as_str(),
                    &redact_tokens(&String::from_utf8_lossy(v.as_bytes())),
                );
            }
        }
        m.finish()
    }
}

/// Replace Slack tokens (`xoxb-…`, `xoxp-…`, `xapp-…`, …) in `text` with a placeholder.
pub(crate) fn redact_tokens(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = find_token(rest) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
            .unwrap_or(tail.len());
        // Keep the prefix (`xoxb-`), which says what kind of token it was.
        out.push_str(&tail[..5]);
        out.push_str("<redacted>");
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// Where the next token starts: `xox?-` or `xapp-`.
fn find_token(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    (0..b.len().saturating_sub(4)).find(|&i| {
        let w = &b[i..i + 5];
        (w.starts_with(b"xox") && w[3].is_ascii_alphabetic() && w[4] == b'-') || w == b"xapp-"
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_names() {
        assert_eq!(
            method_name("https://slack.com/api/chat.postMessage"),
            "chat.postMessage"
        );
        assert_eq!(
            method_name("https://slack.com/api/conversations.list?cursor=a/b"),
            "conversations.list"
        );
        assert_eq!(
            method_name("http://127.0.0.1:9/api/auth.test#x"),
            "auth.test"
        );
        assert_eq!(method_name("https://slack.com/api/"), "");
    }

    #[test]
    fn form_json_query_and_args() {
        let mut r = RecordedRequest::example();
        assert_eq!(r.arg("text").as_deref(), Some("hi there"));
        r.method = Method::GET;
        r.body = Bytes::new();
        r.url = "https://slack.com/api/conversations.list?types=im%2Cmpim&limit=5#frag".into();
        assert_eq!(
            r.form(),
            vec![
                ("types".to_owned(), "im,mpim".to_owned()),
                ("limit".to_owned(), "5".to_owned())
            ]
        );
        assert_eq!(r.arg("limit").as_deref(), Some("5"));
        assert_eq!(r.json(), None);
        r.method = Method::POST;
        r.body = Bytes::from_static(br#"{"channel":"C1","n":3,"blocks":[{"type":"divider"}]}"#);
        assert_eq!(r.arg("n").as_deref(), Some("3"));
        assert_eq!(r.arg("blocks").as_deref(), Some(r#"[{"type":"divider"}]"#));
        assert_eq!(r.json().map(|v| v["channel"].clone()), Some("C1".into()));
    }

    #[test]
    fn debug_hides_tokens() {
        let mut r = RecordedRequest::example();
        r.body = Bytes::from_static(b"token=xoxp-123-456-abc&channel=C1");
        r.url = "https://slack.com/api/auth.test?token=xapp-1-A-2-zz".into();
        let s = format!("{r:?}");
        assert!(!s.contains("xoxb-example"), "{s}");
        assert!(!s.contains("123-456-abc"), "{s}");
        assert!(!s.contains("A-2-zz"), "{s}");
        assert!(s.contains("xoxp-<redacted>&channel=C1"), "{s}");
    }

    #[test]
    fn redaction_edges() {
        assert_eq!(redact_tokens(""), "");
        assert_eq!(redact_tokens("xox"), "xox");
        assert_eq!(redact_tokens("xoxb-"), "xoxb-<redacted>");
        assert_eq!(
            redact_tokens("a xoxb-1 b xoxe.x"),
            "a xoxb-<redacted> b xoxe.x"
        );
        assert_eq!(redact_tokens("naïve xoxc-é"), "naïve xoxc-<redacted>é");
    }
}
