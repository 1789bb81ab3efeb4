//! [`MockWsTransport`]: scripted websocket connections, recorded connect attempts.

mod server;

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use http::HeaderMap;
use slack_core::transport::{
    BoxFuture, TransportError, TransportErrorKind, WsConnection, WsTransport,
};

use crate::clock::VirtualClock;
use crate::request::{redact_tokens, RedactedHeaders};

pub use server::MockWsServerHandle;

/// A websocket transport whose connections are scripted by the test.
///
/// Each [`expect_connect`](MockWsTransport::expect_connect) scripts one successful connect
/// and returns the server side of that connection, a [`MockWsServerHandle`];
/// [`expect_connect_failure`](MockWsTransport::expect_connect_failure) scripts a failed one.
/// Connect attempts consume the script in order; attempts beyond it fail with
/// [`TransportErrorKind::Connect`] (change that with
/// [`set_unscripted_error`](MockWsTransport::set_unscripted_error)). Every attempt is
/// recorded ([`connects`](MockWsTransport::connects)).
///
/// Runtime-agnostic: no task is spawned and no runtime is needed; the client's halves and
/// the handle meet in shared state and wake each other.
///
/// ```
/// use slack_core::transport::{WsMessage, WsTransport};
/// use slack_transport_mock::MockWsTransport;
///
/// # futures_executor::block_on(async {
/// let ws = MockWsTransport::new();
/// let server = ws.expect_connect();
/// server.send_text(r#"{"type":"hello"}"#); // queued until the client reads it
///
/// let mut conn = ws.connect("wss://example.test/rtm", &http::HeaderMap::new()).await.unwrap();
/// let hello = conn.receiver.recv().await.unwrap().unwrap();
/// assert_eq!(hello, WsMessage::Text(r#"{"type":"hello"}"#.into()));
///
/// conn.sender.send(WsMessage::Text(r#"{"id":1,"type":"ping"}"#.into())).await.unwrap();
/// assert_eq!(server.next_sent().await, Some(WsMessage::Text(r#"{"id":1,"type":"ping"}"#.into())));
///
/// server.close(1000, "bye");
/// assert_eq!(conn.receiver.recv().await.unwrap().unwrap(), WsMessage::Close(Some((1000, "bye".into()))));
/// assert!(conn.receiver.recv().await.is_none());
///
/// // Nothing else scripted: the next attempt fails.
/// assert!(ws.connect("wss://example.test/rtm", &http::HeaderMap::new()).await.is_err());
/// assert_eq!(ws.connect_count(), 2);
/// # });
/// ```
#[derive(Clone)]
pub struct MockWsTransport {
    state: Arc<Mutex<WsState>>,
    clock: VirtualClock,
}

#[derive(Default)]
struct WsState {
    script: VecDeque<Scripted>,
    connects: Vec<RecordedConnect>,
    unscripted: Option<TransportError>,
}

enum Scripted {
    Accept(MockWsServerHandle),
    Fail(TransportError),
}

impl fmt::Debug for MockWsTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.lock();
        f.debug_struct("MockWsTransport")
            .field("scripted", &s.script.len())
            .field("connects", &s.connects)
            .finish()
    }
}

impl Default for MockWsTransport {
    fn default() -> Self {
        MockWsTransport::new()
    }
}

impl MockWsTransport {
    /// A transport with nothing scripted and its own auto-advance [`VirtualClock`].
    ///
    /// ```
    /// let ws = slack_transport_mock::MockWsTransport::new();
    /// assert_eq!(ws.connect_count(), 0);
    /// ```
    pub fn new() -> Self {
        Self::with_clock(VirtualClock::new())
    }

    /// A transport that stamps connect attempts with `clock`'s time (share it with the
    /// [`MockTransport`](crate::MockTransport) and the client under test).
    ///
    /// ```
    /// use slack_transport_mock::{MockWsTransport, VirtualClock};
    /// let clock = VirtualClock::new();
    /// let ws = MockWsTransport::with_clock(clock.clone());
    /// ```
    pub fn with_clock(clock: VirtualClock) -> Self {
        MockWsTransport {
            state: Arc::default(),
            clock,
        }
    }

    fn lock(&self) -> MutexGuard<'_, WsState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Script the next connect attempt to succeed; returns the server side of that
    /// connection. Messages sent through the handle before the client connects are queued.
    ///
    /// Dropping the handle leaves the connection open and silent; end it with
    /// [`close`](MockWsServerHandle::close) or
    /// [`drop_connection`](MockWsServerHandle::drop_connection).
    ///
    /// ```
    /// # let ws = slack_transport_mock::MockWsTransport::new();
    /// let first = ws.expect_connect();
    /// let second = ws.expect_connect(); // for the reconnect
    /// assert!(!first.is_connected());
    /// ```
    #[must_use = "the handle is the only way to talk to the client over this connection"]
    pub fn expect_connect(&self) -> MockWsServerHandle {
        let handle = MockWsServerHandle::new();
        self.lock()
            .script
            .push_back(Scripted::Accept(handle.clone()));
        handle
    }

    /// Script the next connect attempt to fail with a transport error of `kind` (its default
    /// `maybe_sent`).
    ///
    /// ```
    /// use slack_core::transport::TransportErrorKind;
    /// # let ws = slack_transport_mock::MockWsTransport::new();
    /// ws.expect_connect_failure(TransportErrorKind::Tls);
    /// let server = ws.expect_connect(); // the retry succeeds
    /// ```
    pub fn expect_connect_failure(&self, kind: TransportErrorKind) {
        self.expect_connect_error(TransportError::new(
            kind,
            format!("mock: scripted websocket {kind:?}"),
        ));
    }

    /// Script the next connect attempt to fail with exactly `error` (for example a
    /// [`TransportErrorKind::Protocol`] error for a refused handshake).
    ///
    /// ```
    /// use slack_core::transport::{TransportError, TransportErrorKind};
    /// # let ws = slack_transport_mock::MockWsTransport::new();
    /// ws.expect_connect_error(TransportError::new(TransportErrorKind::Protocol, "HTTP 403"));
    /// ```
    pub fn expect_connect_error(&self, error: TransportError) {
        self.lock().script.push_back(Scripted::Fail(error));
    }

    /// The error for connect attempts beyond the script (default: a
    /// [`TransportErrorKind::Connect`] error saying nothing was scripted for the URL).
    ///
    /// ```
    /// use slack_core::transport::{TransportError, TransportErrorKind};
    /// # let ws = slack_transport_mock::MockWsTransport::new();
    /// ws.set_unscripted_error(TransportError::new(TransportErrorKind::ConnectTimeout, "down"));
    /// ```
    pub fn set_unscripted_error(&self, error: TransportError) {
        self.lock().unscripted = Some(error);
    }

    /// How many scripted connect attempts (successes and failures) are still unused.
    ///
    /// ```
    /// # let ws = slack_transport_mock::MockWsTransport::new();
    /// let _server = ws.expect_connect();
    /// assert_eq!(ws.remaining_connects(), 1);
    /// ```
    pub fn remaining_connects(&self) -> usize {
        self.lock().script.len()
    }

    /// Every connect attempt so far, in order (failed ones included).
    ///
    /// ```
    /// # let ws = slack_transport_mock::MockWsTransport::new();
    /// assert!(ws.connects().is_empty());
    /// ```
    pub fn connects(&self) -> Vec<RecordedConnect> {
        self.lock().connects.clone()
    }

    /// The URL of every connect attempt, in order.
    ///
    /// ```
    /// # let ws = slack_transport_mock::MockWsTransport::new();
    /// assert!(ws.connect_urls().is_empty());
    /// ```
    pub fn connect_urls(&self) -> Vec<String> {
        self.lock().connects.iter().map(|c| c.url.clone()).collect()
    }

    /// How many connect attempts were made.
    ///
    /// ```
    /// # let ws = slack_transport_mock::MockWsTransport::new();
    /// assert_eq!(ws.connect_count(), 0);
    /// ```
    pub fn connect_count(&self) -> usize {
        self.lock().connects.len()
    }

    /// The clock connect attempts are stamped with.
    ///
    /// ```
    /// # let ws = slack_transport_mock::MockWsTransport::new();
    /// assert_eq!(ws.clock().elapsed(), std::time::Duration::ZERO);
    /// ```
    pub fn clock(&self) -> &VirtualClock {
        &self.clock
    }
}

impl WsTransport for MockWsTransport {
    fn connect(
        &self,
        url: &str,
        headers: &HeaderMap,
    ) -> BoxFuture<'_, Result<WsConnection, TransportError>> {
        let result = {
            let mut s = self.lock();
            s.connects.push(RecordedConnect {
                url: url.to_owned(),
                headers: headers.clone(),
                at: self.clock.elapsed(),
            });
            match s.script.pop_front() {
                Some(Scripted::Accept(handle)) => Ok(handle.accept(url)),
                Some(Scripted::Fail(e)) => Err(e),
                None => Err(s.unscripted.clone().unwrap_or_else(|| {
                    TransportError::new(
                        TransportErrorKind::Connect,
                        format!(
                            "mock: no scripted websocket connection for {}",
                            redact_tokens(url)
                        ),
                    )
                })),
            }
        };
        Box::pin(std::future::ready(result))
    }
}

/// One websocket connect attempt the [`MockWsTransport`] received.
#[derive(Clone)]
#[non_exhaustive]
pub struct RecordedConnect {
    /// The URL the client connected to.
    pub url: String,
    /// The extra handshake headers the client sent.
    pub headers: HeaderMap,
    /// Virtual time of the attempt, since the clock started.
    pub at: Duration,
}

impl RecordedConnect {
    /// A header's value as text. Names are case-insensitive.
    ///
    /// ```
    /// # futures_executor::block_on(async {
    /// use slack_core::transport::WsTransport;
    /// let ws = slack_transport_mock::MockWsTransport::new();
    /// let mut headers = http::HeaderMap::new();
    /// headers.insert("user-agent", "bot/1".parse().unwrap());
    /// let _ = ws.connect("wss://example.test/", &headers).await;
    /// assert_eq!(ws.connects()[0].header("User-Agent"), Some("bot/1"));
    /// # });
    /// ```
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl fmt::Debug for RecordedConnect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordedConnect")
            .field("url", &redact_tokens(&self.url))
            .field("headers", &RedactedHeaders(&self.headers))
            .field("at", &self.at)
            .finish()
    }
}
