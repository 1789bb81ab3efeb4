//! [`MockTransport`]: scripted answers per method, recorded requests, virtual time.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use bytes::BytesMut;
use futures_util::StreamExt;
use http::HeaderMap;
use slack_core::transport::{
    Body, BoxFuture, HttpRequest, HttpResponse, HttpTransport, Timer, TransportError,
    TransportErrorKind, WsConnection, WsTransport,
};

use crate::clock::VirtualClock;
use crate::reply::MockReply;
use crate::request::{method_name, RecordedRequest};
use crate::rule::{Rule, RuleBuilder, Script};
use crate::ws::MockWsTransport;

/// A scripted HTTP transport with virtual time. Implements [`HttpTransport`], [`Timer`] and
/// (through [`ws`](MockTransport::ws)) [`WsTransport`].
///
/// # Scripting
///
/// [`on`](MockTransport::on) queues answers per Slack method (the last path segment of the
/// URL). Each is used once unless told otherwise ([`times`](RuleBuilder::times),
/// [`always`](RuleBuilder::always)), in the order scripted. [`on_any`](MockTransport::on_any)
/// answers are consulted only when no answer for the request's own method is left.
///
/// # Nothing scripted: a loud failure
///
/// A request nothing answers fails with a [`TransportErrorKind::InvalidRequest`] error whose
/// message is `no scripted response for <method>` (and is still recorded). A transport error
/// rather than a made-up `{"ok": false}` body, so that a test never passes by accident on an
/// answer it did not script: the call fails with an error naming the missing method, and
/// `maybe_sent == false` keeps retry policies from retrying it.
///
/// # Virtual time
///
/// The mock's [`Timer`] is its [`VirtualClock`] (auto-advance unless built
/// [`with_clock`](MockTransport::with_clock)): a client built over the mock sleeps for
/// backoffs in virtual time, so a five-minute `Retry-After` completes at once and the
/// schedule is visible in [`sleeps`](MockTransport::sleeps). Each request is stamped with
/// the virtual time it arrived at ([`RecordedRequest::at`]).
///
/// # Retries
///
/// A client over the mock retries as in production: its
/// [`default_retry_policy`](HttpTransport::default_retry_policy) is
/// `slack_retry::deterministic_policy()` — the recommended handlers, attempts and budget,
/// without random jitter, so a 429 with `Retry-After: 30` sleeps exactly 30 virtual seconds.
/// Turn retries off with `WebClientBuilder::no_retries()`.
///
/// Clones share everything (script, records, clock), so keep one clone in the test and give
/// another to the client.
///
/// ```
/// use std::time::Duration;
/// use serde_json::json;
/// use slack_transport_mock::MockTransport;
///
/// # futures_executor::block_on(async {
/// let mock = MockTransport::new();
/// mock.on("auth.test").respond_json(json!({"ok": true, "user_id": "U1"}));
///
/// let client = slack_core::WebClientBuilder::new().token("xoxb-test").build_with(mock.clone()).unwrap();
/// let me = client.api_call("auth.test", slack_core::Args::new()).await.unwrap();
/// assert_eq!(me.get("user_id"), "U1");
///
/// let sent = mock.requests_for("auth.test");
/// assert_eq!(sent.len(), 1);
/// assert_eq!(sent[0].header("authorization"), Some("Bearer xoxb-test"));
///
/// // A call nothing was scripted for fails loudly.
/// let err = client.api_call("chat.postMessage", slack_core::Args::new()).await.unwrap_err();
/// assert!(err.to_string().contains("no scripted response for chat.postMessage"), "{err}");
/// # });
/// ```
#[derive(Clone)]
pub struct MockTransport {
    state: Arc<Mutex<State>>,
    clock: VirtualClock,
    ws: MockWsTransport,
}

#[derive(Default)]
struct State {
    script: Script,
    requests: Vec<RecordedRequest>,
}

impl fmt::Debug for MockTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.lock();
        f.debug_struct("MockTransport")
            .field("requests", &s.requests.len())
            .field("remaining_responses", &s.script.remaining())
            .field("clock", &self.clock)
            .finish()
    }
}

impl Default for MockTransport {
    fn default() -> Self {
        MockTransport::new()
    }
}

impl MockTransport {
    /// The timeout applied to a request that has none ([`HttpRequest::timeout`] is `None`)
    /// when it meets a scripted [`timeout`](RuleBuilder::timeout) or a long
    /// [`delay`](RuleBuilder::delay): 30 seconds.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

    /// A mock with nothing scripted and its own auto-advance [`VirtualClock`].
    ///
    /// ```
    /// let mock = slack_transport_mock::MockTransport::new();
    /// assert_eq!(mock.request_count(), 0);
    /// ```
    pub fn new() -> Self {
        Self::with_clock(VirtualClock::new())
    }

    /// A mock on `clock`, shared with other mocks or with the code under test (a manual
    /// clock, for example).
    ///
    /// ```
    /// use std::time::Duration;
    /// use slack_transport_mock::{MockTransport, VirtualClock};
    ///
    /// let clock = VirtualClock::new();
    /// let mock = MockTransport::with_clock(clock.clone());
    /// clock.advance(Duration::from_secs(1));
    /// assert_eq!(mock.elapsed(), Duration::from_secs(1));
    /// ```
    pub fn with_clock(clock: VirtualClock) -> Self {
        MockTransport {
            state: Arc::new(Mutex::new(State::default())),
            ws: MockWsTransport::with_clock(clock.clone()),
            clock,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panicking test thread must not hide the records from the others.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn push_rule(&self, rule: Rule) {
        self.lock().script.push(rule);
    }

    // ===== scripting =====

    /// Script an answer to `method` (for example `chat.postMessage`); finish it with a
    /// [`RuleBuilder`] method.
    ///
    /// ```
    /// # let mock = slack_transport_mock::MockTransport::new();
    /// mock.on("chat.postMessage").respond_json(serde_json::json!({"ok": true, "ts": "1.0"}));
    /// ```
    pub fn on(&self, method: &str) -> RuleBuilder<'_> {
        RuleBuilder::new(self, Some(method.to_owned()))
    }

    /// Script an answer to any method, used when no answer for the request's own method is
    /// left.
    ///
    /// ```
    /// # let mock = slack_transport_mock::MockTransport::new();
    /// mock.on_any().always().respond_json(serde_json::json!({"ok": true}));
    /// ```
    pub fn on_any(&self) -> RuleBuilder<'_> {
        RuleBuilder::new(self, None)
    }

    /// Answer every request to `method` with a closure of the request (sticky, like
    /// [`always`](RuleBuilder::always)). For a limited number of uses or a delay, use
    /// [`RuleBuilder::respond_with`].
    ///
    /// ```
    /// use serde_json::json;
    /// use slack_transport_mock::{MockReply, MockTransport};
    ///
    /// let mock = MockTransport::new();
    /// mock.on_fn("conversations.info", |req| match req.arg("channel").as_deref() {
    ///     Some("C1") => MockReply::json(json!({"ok": true, "channel": {"id": "C1"}})),
    ///     _ => MockReply::api_error("channel_not_found"),
    /// });
    /// ```
    pub fn on_fn(
        &self,
        method: &str,
        f: impl Fn(&RecordedRequest) -> MockReply + Send + Sync + 'static,
    ) {
        self.on(method).always().respond_with(f);
    }

    /// How many one-shot answers are still unused (answers scripted with
    /// [`always`](RuleBuilder::always) or [`on_fn`](MockTransport::on_fn) are not counted).
    /// `0` at the end of a test means the code made every call the script expected.
    ///
    /// ```
    /// # let mock = slack_transport_mock::MockTransport::new();
    /// mock.on("auth.test").times(2).api_error("invalid_auth");
    /// assert_eq!(mock.remaining_responses(), 2);
    /// ```
    pub fn remaining_responses(&self) -> usize {
        self.lock().script.remaining()
    }

    // ===== records =====

    /// Every request received so far, in order.
    ///
    /// ```
    /// # let mock = slack_transport_mock::MockTransport::new();
    /// assert!(mock.requests().is_empty());
    /// ```
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.clone()
    }

    /// The requests to `method`, in order.
    ///
    /// ```
    /// # let mock = slack_transport_mock::MockTransport::new();
    /// assert!(mock.requests_for("chat.postMessage").is_empty());
    /// ```
    pub fn requests_for(&self, method: &str) -> Vec<RecordedRequest> {
        self.lock()
            .requests
            .iter()
            .filter(|r| r.method_name == method)
            .cloned()
            .collect()
    }

    /// How many requests were received.
    ///
    /// ```
    /// # let mock = slack_transport_mock::MockTransport::new();
    /// assert_eq!(mock.request_count(), 0);
    /// ```
    pub fn request_count(&self) -> usize {
        self.lock().requests.len()
    }

    /// The most recent request, if any.
    ///
    /// ```
    /// # let mock = slack_transport_mock::MockTransport::new();
    /// assert!(mock.last_request().is_none());
    /// ```
    pub fn last_request(&self) -> Option<RecordedRequest> {
        self.lock().requests.last().cloned()
    }

    /// Forget the recorded requests and every scripted answer (the clock is unchanged).
    ///
    /// ```
    /// # let mock = slack_transport_mock::MockTransport::new();
    /// mock.on("auth.test").api_error("invalid_auth");
    /// mock.clear();
    /// assert_eq!(mock.remaining_responses(), 0);
    /// ```
    pub fn clear(&self) {
        let mut s = self.lock();
        s.requests.clear();
        s.script.clear();
    }

    /// Forget the recorded requests only; scripted answers stay.
    ///
    /// ```
    /// # let mock = slack_transport_mock::MockTransport::new();
    /// mock.clear_requests();
    /// assert_eq!(mock.request_count(), 0);
    /// ```
    pub fn clear_requests(&self) {
        self.lock().requests.clear();
    }

    // ===== time =====

    /// The mock's virtual clock.
    ///
    /// ```
    /// # let mock = slack_transport_mock::MockTransport::new();
    /// assert!(!mock.clock().is_manual());
    /// ```
    pub fn clock(&self) -> &VirtualClock {
        &self.clock
    }

    /// Virtual time since the clock started.
    ///
    /// ```
    /// use std::time::Duration;
    /// use slack_core::transport::Timer;
    ///
    /// let mock = slack_transport_mock::MockTransport::new();
    /// futures_executor::block_on(mock.sleep(Duration::from_secs(300))); // at once
    /// assert_eq!(mock.elapsed(), Duration::from_secs(300));
    /// ```
    pub fn elapsed(&self) -> Duration {
        self.clock.elapsed()
    }

    /// Every sleep requested through [`Timer::sleep`] (the client's backoffs), in order.
    ///
    /// ```
    /// # let mock = slack_transport_mock::MockTransport::new();
    /// assert!(mock.sleeps().is_empty());
    /// ```
    pub fn sleeps(&self) -> Vec<Duration> {
        self.clock.sleeps()
    }

    /// Move virtual time forward by `d` (not recorded as a sleep).
    ///
    /// ```
    /// # let mock = slack_transport_mock::MockTransport::new();
    /// mock.advance(std::time::Duration::from_secs(60));
    /// assert_eq!(mock.elapsed(), std::time::Duration::from_secs(60));
    /// ```
    pub fn advance(&self, d: Duration) {
        self.clock.advance(d);
    }

    // ===== websocket =====

    /// The websocket mock the [`WsTransport`] implementation delegates to (sharing this
    /// mock's clock), so one `MockTransport` can serve a client that needs both, such as an
    /// RTM client.
    ///
    /// ```
    /// # let mock = slack_transport_mock::MockTransport::new();
    /// let server = mock.ws().expect_connect();
    /// server.send_text(r#"{"type":"hello"}"#);
    /// ```
    pub fn ws(&self) -> &MockWsTransport {
        &self.ws
    }

    // ===== answering =====

    async fn handle(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
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
                    // The request never fully left: report it as a real transport would,
                    // without recording a partial body.
                    let chunk = chunk.map_err(|e| {
                        TransportError::new(TransportErrorKind::Io, "mock: request body failed")
                            .with_source(e)
                            .with_maybe_sent(true)
                    })?;
                    buf.extend_from_slice(&chunk);
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
        let found = {
            let mut s = self.lock();
            s.requests.push(recorded.clone());
            s.script.take(&recorded.method_name)
        };
        let Some((answer, delay)) = found else {
            return Err(TransportError::new(
                TransportErrorKind::InvalidRequest,
                format!("no scripted response for {}", recorded.method_name),
            ));
        };
        let reply = answer.reply(&recorded);
        let limit = recorded.timeout.unwrap_or(Self::DEFAULT_TIMEOUT);
        match reply {
            MockReply::Error(e) if e.kind() == TransportErrorKind::Timeout => {
                self.clock.wait(limit).await;
                Err(e)
            }
            _ if delay > limit => {
                self.clock.wait(limit).await;
                Err(TransportError::new(
                    TransportErrorKind::Timeout,
                    format!("mock: scripted delay {delay:?} exceeds the timeout {limit:?}"),
                ))
            }
            reply => {
                self.clock.wait(delay).await;
                match reply {
                    MockReply::Response(r) => Ok(r),
                    MockReply::Error(e) => Err(e),
                }
            }
        }
    }
}

impl HttpTransport for MockTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(self.handle(request))
    }

    fn default_retry_policy(&self) -> slack_core::RetryPolicy {
        slack_retry::deterministic_policy()
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

impl WsTransport for MockTransport {
    fn connect(
        &self,
        url: &str,
        headers: &HeaderMap,
    ) -> BoxFuture<'_, Result<WsConnection, TransportError>> {
        self.ws.connect(url, headers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_executor::block_on;
    use futures_util::FutureExt;
    use http::Method;

    fn post(method: &str) -> HttpRequest {
        HttpRequest::new(Method::POST, format!("https://slack.com/api/{method}"))
    }

    #[test]
    fn is_send_sync_debug_clone() {
        fn check<T: Send + Sync + fmt::Debug + Clone + 'static>() {}
        check::<MockTransport>();
        let mock = MockTransport::new();
        assert!(format!("{mock:?}").contains("MockTransport"));
    }

    #[test]
    fn unscripted_is_recorded_and_loud() {
        let mock = MockTransport::new();
        let e = block_on(mock.send(post("chat.delete"))).expect_err("nothing scripted");
        assert_eq!(e.kind(), TransportErrorKind::InvalidRequest);
        assert!(!e.maybe_sent());
        assert_eq!(e.message(), "no scripted response for chat.delete");
        assert_eq!(mock.requests_for("chat.delete").len(), 1);
    }

    #[test]
    fn timeout_waits_the_request_timeout_or_the_default() {
        let mock = MockTransport::new();
        mock.on("m").times(2).timeout();
        let mut req = post("m");
        req.timeout = Some(Duration::from_secs(7));
        let e = block_on(mock.send(req)).expect_err("timeout");
        assert!(e.is_timeout() && e.maybe_sent());
        assert_eq!(mock.elapsed(), Duration::from_secs(7));
        let e = block_on(mock.send(post("m"))).expect_err("timeout");
        assert_eq!(e.kind(), TransportErrorKind::Timeout);
        assert_eq!(mock.elapsed(), Duration::from_secs(37));
        assert!(mock.sleeps().is_empty(), "mock waits are not client sleeps");
    }

    #[test]
    fn manual_clock_holds_a_delayed_reply_until_advanced() {
        let clock = VirtualClock::manual();
        let mock = MockTransport::with_clock(clock.clone());
        mock.on("slow")
            .delay(Duration::from_secs(5))
            .respond_json(serde_json::json!({"ok": true}));
        let mut call = mock.send(post("slow"));
        assert!((&mut call).now_or_never().is_none());
        assert_eq!(mock.request_count(), 1, "recorded on arrival");
        assert_eq!(clock.advance_to_next_wake(), Some(Duration::from_secs(5)));
        let r = call.now_or_never().expect("ready").expect("ok");
        assert_eq!(r.status, 200);
    }

    #[test]
    fn closure_may_use_the_mock() {
        let mock = MockTransport::new();
        let inner = mock.clone();
        mock.on_fn("count", move |_| {
            MockReply::json(serde_json::json!({"ok": true, "n": inner.request_count()}))
        });
        let r = block_on(mock.send(post("count"))).expect("ok");
        assert_eq!(&r.body[..], br#"{"ok":true,"n":1}"#);
    }
}
