//! Scripting answers: [`RuleBuilder`] and the per-method queue it feeds.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::StatusCode;
use serde_json::Value;
use slack_core::transport::{HttpResponse, TransportError, TransportErrorKind};

use crate::reply::MockReply;
use crate::request::RecordedRequest;
use crate::transport::MockTransport;

pub(crate) type ReplyFn = Arc<dyn Fn(&RecordedRequest) -> MockReply + Send + Sync>;

/// A scripted answer: fixed, or computed from the request.
#[derive(Clone)]
pub(crate) enum Answer {
    Fixed(MockReply),
    Fn(ReplyFn),
}

impl Answer {
    /// The reply to `req`. Call without holding the script's lock: a closure may use the mock.
    pub(crate) fn reply(self, req: &RecordedRequest) -> MockReply {
        match self {
            Answer::Fixed(r) => r,
            Answer::Fn(f) => f(req),
        }
    }
}

pub(crate) struct Rule {
    /// `None` answers any method.
    pub(crate) method: Option<String>,
    pub(crate) answer: Answer,
    pub(crate) delay: Duration,
    /// Uses left; `None` means forever.
    pub(crate) remaining: Option<usize>,
}

/// Every scripted answer, in the order it was added.
#[derive(Default)]
pub(crate) struct Script {
    rules: Vec<Rule>,
}

impl Script {
    pub(crate) fn push(&mut self, rule: Rule) {
        if rule.remaining != Some(0) {
            self.rules.push(rule);
        }
    }

    /// The answer for a request to `method`: the oldest rule for that method with uses left,
    /// else the oldest `on_any` rule. Uses it up once.
    pub(crate) fn take(&mut self, method: &str) -> Option<(Answer, Duration)> {
        let idx = self
            .rules
            .iter()
            .position(|r| r.method.as_deref() == Some(method))
            .or_else(|| self.rules.iter().position(|r| r.method.is_none()))?;
        let rule = &mut self.rules[idx];
        let out = (rule.answer.clone(), rule.delay);
        if let Some(n) = &mut rule.remaining {
            *n -= 1;
            if *n == 0 {
                self.rules.remove(idx);
            }
        }
        Some(out)
    }

    /// How many one-shot answers are left (sticky ones not counted).
    pub(crate) fn remaining(&self) -> usize {
        self.rules.iter().filter_map(|r| r.remaining).sum()
    }

    pub(crate) fn clear(&mut self) {
        self.rules.clear();
    }
}

/// Scripts one answer for [`MockTransport::on`] or [`MockTransport::on_any`].
///
/// Optional settings first ([`times`](RuleBuilder::times), [`always`](RuleBuilder::always),
/// [`delay`](RuleBuilder::delay)), then exactly one finishing method that says what to answer
/// (`respond*`, a fault, or an error). Nothing is scripted until a finishing method is called.
///
/// By default an answer is used **once**; answers for the same method are used in the order
/// they were scripted (FIFO).
///
/// ```
/// use std::time::Duration;
/// use serde_json::json;
/// use slack_core::transport::TransportErrorKind;
/// use slack_transport_mock::MockTransport;
///
/// let mock = MockTransport::new();
/// mock.on("chat.postMessage").drop_connection(); // first attempt
/// mock.on("chat.postMessage").rate_limited(Some(Duration::from_secs(30))); // second
/// mock.on("chat.postMessage").times(2).fail(TransportErrorKind::Connect); // third, fourth
/// mock.on("chat.postMessage")
///     .delay(Duration::from_millis(250))
///     .respond_json(json!({"ok": true, "channel": "C1", "ts": "1.0"})); // fifth
/// mock.on("auth.test").always().respond_json(json!({"ok": true})); // every time
/// assert_eq!(mock.remaining_responses(), 5);
/// ```
#[must_use = "nothing is scripted until a finishing method (respond_json, fail, …) is called"]
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
            .field("remaining", &self.remaining)
            .field("delay", &self.delay)
            .finish()
    }
}

impl<'a> RuleBuilder<'a> {
    pub(crate) fn new(mock: &'a MockTransport, method: Option<String>) -> Self {
        RuleBuilder {
            mock,
            method,
            remaining: Some(1),
            delay: Duration::ZERO,
        }
    }

    // ===== settings =====

    /// Use this answer for the next `n` matching requests (default: 1). `times(0)` scripts
    /// nothing.
    ///
    /// ```
    /// # let mock = slack_transport_mock::MockTransport::new();
    /// mock.on("chat.postMessage").times(3).server_error(503);
    /// assert_eq!(mock.remaining_responses(), 3);
    /// ```
    pub fn times(mut self, n: usize) -> Self {
        self.remaining = Some(n);
        self
    }

    /// Use this answer for every matching request, forever.
    ///
    /// A sticky answer still takes its place in the FIFO: answers scripted after it for the
    /// same method are never reached. Script one-shot answers first, then the sticky fallback.
    ///
    /// ```
    /// # let mock = slack_transport_mock::MockTransport::new();
    /// mock.on("auth.test").always().respond_json(serde_json::json!({"ok": true}));
    /// assert_eq!(mock.remaining_responses(), 0); // sticky answers are not counted
    /// ```
    pub fn always(mut self) -> Self {
        self.remaining = None;
        self
    }

    /// Answer after `d` of virtual time, as a slow server would.
    ///
    /// The mock waits on its clock: with an auto-advance clock the time passes at once; with
    /// a manual one the reply comes when the test advances the clock. If `d` exceeds the
    /// request's timeout ([`MockTransport::DEFAULT_TIMEOUT`] when it has none), the request
    /// fails with [`TransportErrorKind::Timeout`] once the timeout has passed.
    ///
    /// ```
    /// # futures_executor::block_on(async {
    /// use std::time::Duration;
    /// use slack_core::transport::{HttpRequest, HttpTransport};
    ///
    /// let mock = slack_transport_mock::MockTransport::new();
    /// mock.on("auth.test").delay(Duration::from_secs(2)).respond_json(serde_json::json!({"ok": true}));
    /// let req = HttpRequest::new(http::Method::POST, "https://slack.com/api/auth.test");
    /// mock.send(req).await.unwrap();
    /// assert_eq!(mock.elapsed(), Duration::from_secs(2));
    /// # });
    /// ```
    pub fn delay(mut self, d: Duration) -> Self {
        self.delay = d;
        self
    }

    // ===== finishing: responses =====

    fn answer(self, answer: Answer) {
        self.mock.push_rule(Rule {
            method: self.method,
            answer,
            delay: self.delay,
            remaining: self.remaining,
        });
    }

    fn reply(self, reply: MockReply) {
        self.answer(Answer::Fixed(reply));
    }

    /// Answer with `response` as is.
    ///
    /// ```
    /// use slack_core::transport::HttpResponse;
    /// # let mock = slack_transport_mock::MockTransport::new();
    /// mock.on("files.upload").respond(HttpResponse::new(http::StatusCode::NOT_FOUND, "not found"));
    /// ```
    pub fn respond(self, response: HttpResponse) {
        self.reply(MockReply::Response(response));
    }

    /// Answer status 200 with this JSON body (`Content-Type: application/json`).
    ///
    /// ```
    /// # let mock = slack_transport_mock::MockTransport::new();
    /// mock.on("chat.postMessage").respond_json(serde_json::json!({"ok": true, "ts": "1.0"}));
    /// ```
    pub fn respond_json(self, value: Value) {
        self.reply(MockReply::json(value));
    }

    /// Answer with a closure of the request (called once per matching request).
    ///
    /// ```
    /// use serde_json::json;
    /// use slack_transport_mock::MockReply;
    /// # let mock = slack_transport_mock::MockTransport::new();
    /// mock.on("chat.postMessage").times(2).respond_with(|req| {
    ///     MockReply::json(json!({"ok": true, "channel": req.arg("channel"), "ts": "1.0"}))
    /// });
    /// ```
    pub fn respond_with(self, f: impl Fn(&RecordedRequest) -> MockReply + Send + Sync + 'static) {
        self.answer(Answer::Fn(Arc::new(f)));
    }

    /// Answer status 200 with `{"ok": false, "error": code}` (`fatal_error`,
    /// `channel_not_found`, …).
    ///
    /// ```
    /// # let mock = slack_transport_mock::MockTransport::new();
    /// mock.on("chat.postMessage").api_error("fatal_error");
    /// ```
    pub fn api_error(self, code: &str) {
        self.reply(MockReply::api_error(code));
    }

    /// Answer HTTP 429 with `{"ok": false, "error": "ratelimited"}` and, when given, a
    /// `Retry-After` header in seconds.
    ///
    /// ```
    /// # let mock = slack_transport_mock::MockTransport::new();
    /// mock.on("conversations.history").rate_limited(Some(std::time::Duration::from_secs(30)));
    /// ```
    pub fn rate_limited(self, retry_after: Option<Duration>) {
        self.reply(MockReply::rate_limited(retry_after));
    }

    /// Answer with an HTTP error status (500, 502, 503, …) and an HTML body.
    ///
    /// ```
    /// # let mock = slack_transport_mock::MockTransport::new();
    /// mock.on("chat.postMessage").server_error(502);
    /// ```
    pub fn server_error(self, status: u16) {
        self.reply(MockReply::server_error(status, None));
    }

    /// Like [`server_error`](RuleBuilder::server_error), with a `Retry-After` header when given.
    ///
    /// ```
    /// # let mock = slack_transport_mock::MockTransport::new();
    /// mock.on("chat.postMessage").server_error_retry_after(503, Some(std::time::Duration::from_secs(5)));
    /// ```
    pub fn server_error_retry_after(self, status: u16, retry_after: Option<Duration>) {
        self.reply(MockReply::server_error(status, retry_after));
    }

    // ===== finishing: faults =====

    /// Fail with a transport error of `kind` and that kind's default `maybe_sent`
    /// (`Connect`, `Tls`, `Proxy`: not sent; `ConnectionDropped`, `Io`: maybe sent).
    ///
    /// ```
    /// use slack_core::transport::TransportErrorKind;
    /// # let mock = slack_transport_mock::MockTransport::new();
    /// mock.on("chat.postMessage").fail(TransportErrorKind::Tls);
    /// ```
    pub fn fail(self, kind: TransportErrorKind) {
        self.reply(MockReply::fail(kind));
    }

    /// Fail with exactly this error (for a custom message or `maybe_sent`).
    ///
    /// ```
    /// use slack_core::transport::{TransportError, TransportErrorKind};
    /// # let mock = slack_transport_mock::MockTransport::new();
    /// let e = TransportError::new(TransportErrorKind::Io, "reset by peer").with_maybe_sent(false);
    /// mock.on("chat.postMessage").error(e);
    /// ```
    pub fn error(self, error: TransportError) {
        self.reply(MockReply::Error(error));
    }

    /// The connection is refused: [`TransportErrorKind::Connect`], nothing was sent, so
    /// retrying even a write is safe.
    ///
    /// ```
    /// # let mock = slack_transport_mock::MockTransport::new();
    /// mock.on("chat.postMessage").refuse_connection();
    /// ```
    pub fn refuse_connection(self) {
        self.fail(TransportErrorKind::Connect);
    }

    /// The connection drops before the response: [`TransportErrorKind::ConnectionDropped`]
    /// with `maybe_sent == true` (a write may have taken effect).
    ///
    /// ```
    /// # let mock = slack_transport_mock::MockTransport::new();
    /// mock.on("chat.postMessage").drop_connection();
    /// ```
    pub fn drop_connection(self) {
        self.fail(TransportErrorKind::ConnectionDropped);
    }

    /// No response in time: [`TransportErrorKind::Timeout`] with `maybe_sent == true`,
    /// returned after the request's timeout ([`MockTransport::DEFAULT_TIMEOUT`] when it has
    /// none) has passed in virtual time.
    ///
    /// ```
    /// # let mock = slack_transport_mock::MockTransport::new();
    /// mock.on("chat.postMessage").timeout();
    /// ```
    pub fn timeout(self) {
        self.fail(TransportErrorKind::Timeout);
    }

    /// An HTTP response that is not JSON (status 200, `text/html`): what a captive portal or
    /// a misrouted proxy returns.
    ///
    /// ```
    /// # let mock = slack_transport_mock::MockTransport::new();
    /// mock.on("auth.test").respond_html("<html>login</html>");
    /// ```
    pub fn respond_html(self, html: &str) {
        let mut r = HttpResponse::new(StatusCode::OK, html.to_owned());
        r.headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("text/html; charset=utf-8"),
        );
        self.respond(r);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(method: Option<&str>, n: Option<usize>, tag: u16) -> Rule {
        Rule {
            method: method.map(str::to_owned),
            answer: Answer::Fixed(MockReply::server_error(tag, None)),
            delay: Duration::ZERO,
            remaining: n,
        }
    }

    fn status(s: &mut Script, method: &str) -> Option<u16> {
        let (a, _) = s.take(method)?;
        match a {
            Answer::Fixed(MockReply::Response(r)) => Some(r.status.as_u16()),
            _ => None,
        }
    }

    #[test]
    fn fifo_per_method_then_any() {
        let mut s = Script::default();
        s.push(rule(Some("a"), Some(1), 500));
        s.push(rule(None, None, 599));
        s.push(rule(Some("b"), Some(2), 502));
        s.push(rule(Some("a"), Some(1), 503));
        s.push(rule(Some("c"), Some(0), 504));
        assert_eq!(s.remaining(), 4);
        assert_eq!(status(&mut s, "b"), Some(502));
        assert_eq!(status(&mut s, "a"), Some(500));
        assert_eq!(status(&mut s, "a"), Some(503));
        assert_eq!(status(&mut s, "a"), Some(599));
        assert_eq!(status(&mut s, "b"), Some(502));
        assert_eq!(status(&mut s, "b"), Some(599));
        assert_eq!(status(&mut s, "c"), Some(599), "times(0) scripts nothing");
        assert_eq!(s.remaining(), 0);
        s.clear();
        assert!(s.take("a").is_none());
    }
}
