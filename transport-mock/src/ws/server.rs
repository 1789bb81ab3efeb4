//! One scripted websocket connection: the server handle the test holds and the client halves.

use std::collections::VecDeque;
use std::fmt;
use std::future::poll_fn;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use serde_json::Value;
use slack_core::transport::{
    BoxFuture, TransportError, TransportErrorKind, WsConnection, WsMessage, WsReceiver, WsSender,
};

/// The state both ends of one connection share.
#[derive(Default)]
struct Conn {
    /// Frames (or a final error) waiting for the client to read them.
    to_client: VecDeque<Result<WsMessage, TransportError>>,
    /// The server closed or dropped the connection: after `to_client` drains, the client
    /// reads end-of-stream.
    server_done: bool,
    recv_waker: Option<Waker>,
    /// Everything the client sent, in order.
    sent: Vec<WsMessage>,
    /// How far [`MockWsServerHandle::next_sent`] has read `sent`.
    cursor: usize,
    /// Writes that carried frames: a `send`, or a `flush` with fed frames waiting.
    writes: usize,
    sent_wakers: Vec<Waker>,
    /// The client sent a close frame or dropped its sender: it sends nothing more.
    client_done: bool,
    /// The URL the client connected with, once connected.
    url: Option<String>,
    auto_pong: bool,
    silent: bool,
}

impl Conn {
    fn push(&mut self, item: Result<WsMessage, TransportError>) -> Option<Waker> {
        if self.server_done || self.silent {
            return None;
        }
        self.to_client.push_back(item);
        self.recv_waker.take()
    }

    fn end(&mut self) -> Option<Waker> {
        self.server_done = true;
        self.recv_waker.take()
    }

    fn client_finished(&mut self) -> Vec<Waker> {
        self.client_done = true;
        std::mem::take(&mut self.sent_wakers)
    }

    /// What an attentive server answers to `message` on its own: the close handshake, and
    /// pongs when enabled.
    fn auto_reply(&self, message: &WsMessage) -> Option<WsMessage> {
        match message {
            WsMessage::Close(frame) => Some(WsMessage::Close(frame.clone())),
            WsMessage::Ping(p) if self.auto_pong => Some(WsMessage::Pong(p.clone())),
            WsMessage::Text(t) if self.auto_pong => slack_pong(t),
            _ => None,
        }
    }
}

/// Slack's answer to an RTM `{"type":"ping","id":N,…}`: `{"type":"pong","reply_to":N,…}`,
/// echoing the ping's other fields.
fn slack_pong(text: &str) -> Option<WsMessage> {
    let Ok(Value::Object(mut ping)) = serde_json::from_str::<Value>(text) else {
        return None;
    };
    if ping.get("type").and_then(Value::as_str) != Some("ping") {
        return None;
    }
    let mut pong = serde_json::Map::new();
    pong.insert("type".into(), "pong".into());
    if let Some(id) = ping.remove("id") {
        pong.insert("reply_to".into(), id);
    }
    ping.remove("type");
    pong.extend(ping);
    Some(WsMessage::Text(Value::Object(pong).to_string()))
}

/// The server side of one scripted websocket connection, from
/// [`MockWsTransport::expect_connect`](crate::MockWsTransport::expect_connect).
///
/// The test pushes frames to the client ([`send_text`](MockWsServerHandle::send_text),
/// [`send_json`](MockWsServerHandle::send_json)), reads what the client sent
/// ([`received`](MockWsServerHandle::received),
/// [`next_sent`](MockWsServerHandle::next_sent)) and ends the connection
/// ([`close`](MockWsServerHandle::close),
/// [`drop_connection`](MockWsServerHandle::drop_connection)) or lets it go quiet
/// ([`go_silent`](MockWsServerHandle::go_silent)).
///
/// By default the server says nothing on its own, except that it answers a client's close
/// frame with the same close frame and ends the connection (the closing handshake). With
/// [`auto_pong`](MockWsServerHandle::auto_pong) it also answers pings. Clones share the one
/// connection.
///
/// ```
/// use serde_json::json;
/// use slack_core::transport::{WsMessage, WsTransport};
/// use slack_transport_mock::MockWsTransport;
///
/// # futures_executor::block_on(async {
/// let ws = MockWsTransport::new();
/// let server = ws.expect_connect();
/// server.auto_pong(true);
/// let mut conn = ws.connect("wss://example.test/rtm", &http::HeaderMap::new()).await.unwrap();
///
/// conn.sender.send(WsMessage::Text(json!({"id": 7, "type": "ping"}).to_string())).await.unwrap();
/// let pong = conn.receiver.recv().await.unwrap().unwrap();
/// assert_eq!(pong, WsMessage::Text(json!({"type": "pong", "reply_to": 7}).to_string()));
/// assert_eq!(server.received_json(), vec![json!({"id": 7, "type": "ping"})]);
/// # });
/// ```
#[derive(Clone)]
pub struct MockWsServerHandle {
    conn: Arc<Mutex<Conn>>,
}

impl fmt::Debug for MockWsServerHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.lock();
        f.debug_struct("MockWsServerHandle")
            .field("connected", &c.url.is_some())
            .field("queued", &c.to_client.len())
            .field("received", &c.sent.len())
            .field("server_done", &c.server_done)
            .field("client_done", &c.client_done)
            .field("silent", &c.silent)
            .finish()
    }
}

fn lock(conn: &Mutex<Conn>) -> MutexGuard<'_, Conn> {
    conn.lock().unwrap_or_else(|p| p.into_inner())
}

fn wake(waker: Option<Waker>) {
    if let Some(w) = waker {
        w.wake();
    }
}

impl MockWsServerHandle {
    pub(crate) fn new() -> Self {
        MockWsServerHandle {
            conn: Arc::default(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Conn> {
        lock(&self.conn)
    }

    /// The client connected: hand it its halves.
    pub(crate) fn accept(&self, url: &str) -> WsConnection {
        self.lock().url = Some(url.to_owned());
        WsConnection {
            sender: Box::new(MockWsSender {
                conn: self.conn.clone(),
                queued: Vec::new(),
            }),
            receiver: Box::new(MockWsReceiver {
                conn: self.conn.clone(),
            }),
        }
    }

    // ===== server → client =====

    /// Push `message` to the client. Ignored once the connection has ended
    /// ([`close`](MockWsServerHandle::close), [`drop_connection`](MockWsServerHandle::drop_connection),
    /// or the closing handshake) or gone [silent](MockWsServerHandle::go_silent).
    ///
    /// ```
    /// use slack_core::transport::WsMessage;
    /// # let server = slack_transport_mock::MockWsTransport::new().expect_connect();
    /// server.send(WsMessage::Ping(bytes::Bytes::from_static(b"are you there")));
    /// ```
    pub fn send(&self, message: WsMessage) {
        let w = self.lock().push(Ok(message));
        wake(w);
    }

    /// Push a text frame (Slack's RTM events are JSON text).
    ///
    /// ```
    /// # let server = slack_transport_mock::MockWsTransport::new().expect_connect();
    /// server.send_text(r#"{"type":"hello"}"#);
    /// ```
    pub fn send_text(&self, text: impl Into<String>) {
        self.send(WsMessage::Text(text.into()));
    }

    /// Push `value` as a JSON text frame.
    ///
    /// ```
    /// # let server = slack_transport_mock::MockWsTransport::new().expect_connect();
    /// server.send_json(serde_json::json!({"type": "message", "channel": "C1", "text": "hi"}));
    /// ```
    pub fn send_json(&self, value: Value) {
        self.send_text(value.to_string());
    }

    /// Send a close frame with `code` and `reason`, then end the connection: the client
    /// reads the close frame, then end-of-stream (`None`).
    ///
    /// ```
    /// # let server = slack_transport_mock::MockWsTransport::new().expect_connect();
    /// server.close(1001, "going away");
    /// assert!(server.is_closed());
    /// ```
    pub fn close(&self, code: u16, reason: impl Into<String>) {
        let w = {
            let mut c = self.lock();
            let w1 = c.push(Ok(WsMessage::Close(Some((code, reason.into())))));
            let w2 = c.end();
            w1.or(w2)
        };
        wake(w);
    }

    /// End the connection without a close frame, as when the TCP connection is reset: the
    /// client reads the frames already queued, then a [`TransportErrorKind::ConnectionDropped`]
    /// error, then end-of-stream.
    ///
    /// ```
    /// # let server = slack_transport_mock::MockWsTransport::new().expect_connect();
    /// server.drop_connection();
    /// assert!(server.is_closed());
    /// ```
    pub fn drop_connection(&self) {
        let w = {
            let mut c = self.lock();
            c.silent = false;
            let w1 = c.push(Err(TransportError::new(
                TransportErrorKind::ConnectionDropped,
                "mock: the server dropped the websocket connection",
            )));
            let w2 = c.end();
            w1.or(w2)
        };
        wake(w);
    }

    /// The server goes silent while the connection stays open, like a half-dead peer: frames
    /// already queued are still delivered, but from now on nothing more reaches the client
    /// (pushes are dropped, no pongs, no close reply). The client's sends still succeed and
    /// are recorded. Use it to test a client's stale-connection detection.
    ///
    /// ```
    /// # let server = slack_transport_mock::MockWsTransport::new().expect_connect();
    /// server.go_silent();
    /// server.send_text("dropped"); // never delivered
    /// assert!(!server.is_closed());
    /// ```
    pub fn go_silent(&self) {
        self.lock().silent = true;
    }

    /// Whether the server answers pings on its own (default `false`): a websocket
    /// [`WsMessage::Ping`] with a [`WsMessage::Pong`] carrying the same payload, and a Slack
    /// RTM `{"type":"ping","id":N}` text with `{"type":"pong","reply_to":N}` (other fields
    /// echoed). Pings are recorded either way.
    ///
    /// ```
    /// # let server = slack_transport_mock::MockWsTransport::new().expect_connect();
    /// server.auto_pong(true);
    /// ```
    pub fn auto_pong(&self, enabled: bool) {
        self.lock().auto_pong = enabled;
    }

    // ===== client → server =====

    /// Everything the client has sent on this connection, in order (whether or not
    /// [`next_sent`](MockWsServerHandle::next_sent) has read it).
    ///
    /// ```
    /// # let server = slack_transport_mock::MockWsTransport::new().expect_connect();
    /// assert!(server.received().is_empty());
    /// ```
    pub fn received(&self) -> Vec<WsMessage> {
        self.lock().sent.clone()
    }

    /// How many writes carried the client's frames: each `send` is one, and so is each
    /// `flush` of frames the client [fed](slack_core::transport::WsSender::feed). Frames fed
    /// and not yet flushed have not arrived.
    ///
    /// ```
    /// # let server = slack_transport_mock::MockWsTransport::new().expect_connect();
    /// assert_eq!(server.writes(), 0);
    /// ```
    pub fn writes(&self) -> usize {
        self.lock().writes
    }

    /// The text frames the client sent that parse as JSON, in order.
    ///
    /// ```
    /// # let server = slack_transport_mock::MockWsTransport::new().expect_connect();
    /// assert!(server.received_json().is_empty());
    /// ```
    pub fn received_json(&self) -> Vec<Value> {
        self.lock()
            .sent
            .iter()
            .filter_map(|m| match m {
                WsMessage::Text(t) => serde_json::from_str(t).ok(),
                _ => None,
            })
            .collect()
    }

    /// The next message the client sent that this method has not returned yet, waiting for
    /// one if needed; `None` once the client can send nothing more (it sent a close frame,
    /// dropped its sender, or the connection ended) and everything was read.
    ///
    /// Clones of the handle share one read position. The future is cancel-safe.
    ///
    /// ```
    /// # futures_executor::block_on(async {
    /// use slack_core::transport::{WsMessage, WsTransport};
    /// let ws = slack_transport_mock::MockWsTransport::new();
    /// let server = ws.expect_connect();
    /// let conn = ws.connect("wss://example.test/", &http::HeaderMap::new()).await.unwrap();
    /// let mut sender = conn.sender;
    /// sender.send(WsMessage::Text("one".into())).await.unwrap();
    /// drop(sender);
    /// assert_eq!(server.next_sent().await, Some(WsMessage::Text("one".into())));
    /// assert_eq!(server.next_sent().await, None);
    /// # });
    /// ```
    pub async fn next_sent(&self) -> Option<WsMessage> {
        poll_fn(|cx| self.poll_next_sent(cx)).await
    }

    fn poll_next_sent(&self, cx: &mut Context<'_>) -> Poll<Option<WsMessage>> {
        let mut c = self.lock();
        if let Some(m) = c.sent.get(c.cursor).cloned() {
            c.cursor += 1;
            return Poll::Ready(Some(m));
        }
        if c.client_done || c.server_done {
            return Poll::Ready(None);
        }
        if !c.sent_wakers.iter().any(|w| w.will_wake(cx.waker())) {
            c.sent_wakers.push(cx.waker().clone());
        }
        Poll::Pending
    }

    // ===== state =====

    /// Whether a client has connected through this handle's scripted attempt.
    ///
    /// ```
    /// # let server = slack_transport_mock::MockWsTransport::new().expect_connect();
    /// assert!(!server.is_connected());
    /// ```
    pub fn is_connected(&self) -> bool {
        self.lock().url.is_some()
    }

    /// The URL the client connected with, once connected.
    ///
    /// ```
    /// # let server = slack_transport_mock::MockWsTransport::new().expect_connect();
    /// assert_eq!(server.url(), None);
    /// ```
    pub fn url(&self) -> Option<String> {
        self.lock().url.clone()
    }

    /// Whether the server side has ended the connection (close, drop, or the reply to the
    /// client's close frame).
    ///
    /// ```
    /// # let server = slack_transport_mock::MockWsTransport::new().expect_connect();
    /// assert!(!server.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.lock().server_done
    }

    /// Whether the client has finished sending (it sent a close frame or dropped its sender).
    ///
    /// ```
    /// # let server = slack_transport_mock::MockWsTransport::new().expect_connect();
    /// assert!(!server.is_client_done());
    /// ```
    pub fn is_client_done(&self) -> bool {
        self.lock().client_done
    }
}

// ===== client halves =====

struct MockWsSender {
    conn: Arc<Mutex<Conn>>,
    /// Frames fed and not yet flushed: the server sees them at the next flush or send.
    queued: Vec<WsMessage>,
}

impl fmt::Debug for MockWsSender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MockWsSender")
    }
}

impl MockWsSender {
    fn send_now(&self, message: WsMessage) -> Result<(), TransportError> {
        let (recv_waker, sent_wakers) = {
            let mut c = lock(&self.conn);
            let is_close = matches!(message, WsMessage::Close(_));
            if c.client_done {
                return Err(TransportError::new(
                    TransportErrorKind::ConnectionDropped,
                    "mock: the client already sent a close frame",
                ));
            }
            // After the server ended the connection only the client's own close frame (its
            // half of the handshake) is accepted.
            if c.server_done && !is_close {
                return Err(TransportError::new(
                    TransportErrorKind::ConnectionDropped,
                    "mock: the server closed the websocket connection",
                ));
            }
            let reply = c.auto_reply(&message);
            c.sent.push(message);
            let mut sent_wakers = std::mem::take(&mut c.sent_wakers);
            let mut recv_waker = reply.and_then(|r| c.push(Ok(r)));
            if is_close {
                sent_wakers.extend(c.client_finished());
                if !c.silent {
                    recv_waker = recv_waker.or(c.end());
                }
            }
            (recv_waker, sent_wakers)
        };
        wake(recv_waker);
        sent_wakers.into_iter().for_each(Waker::wake);
        Ok(())
    }
}

impl MockWsSender {
    /// Hand the queued frames, then `last`, to the server as one write.
    fn write(&mut self, last: Option<WsMessage>) -> Result<(), TransportError> {
        let frames: Vec<_> = self.queued.drain(..).chain(last).collect();
        if frames.is_empty() {
            return Ok(());
        }
        lock(&self.conn).writes += 1;
        frames.into_iter().try_for_each(|m| self.send_now(m))
    }
}

impl WsSender for MockWsSender {
    fn send(&mut self, message: WsMessage) -> BoxFuture<'_, Result<(), TransportError>> {
        Box::pin(std::future::ready(self.write(Some(message))))
    }

    fn feed(&mut self, message: WsMessage) -> BoxFuture<'_, Result<(), TransportError>> {
        self.queued.push(message);
        Box::pin(std::future::ready(Ok(())))
    }

    fn flush(&mut self) -> BoxFuture<'_, Result<(), TransportError>> {
        Box::pin(std::future::ready(self.write(None)))
    }
}

impl Drop for MockWsSender {
    fn drop(&mut self) {
        let wakers = lock(&self.conn).client_finished();
        wakers.into_iter().for_each(Waker::wake);
    }
}

struct MockWsReceiver {
    conn: Arc<Mutex<Conn>>,
}

impl fmt::Debug for MockWsReceiver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MockWsReceiver")
    }
}

impl MockWsReceiver {
    fn poll_recv(&self, cx: &mut Context<'_>) -> Poll<Option<Result<WsMessage, TransportError>>> {
        let mut c = lock(&self.conn);
        if let Some(item) = c.to_client.pop_front() {
            return Poll::Ready(Some(item));
        }
        if c.server_done {
            return Poll::Ready(None);
        }
        c.recv_waker = Some(cx.waker().clone());
        Poll::Pending
    }
}

impl WsReceiver for MockWsReceiver {
    fn recv(&mut self) -> BoxFuture<'_, Option<Result<WsMessage, TransportError>>> {
        // Cancel-safe: a frame leaves the queue only in the poll that returns it.
        Box::pin(poll_fn(move |cx| self.poll_recv(cx)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::FutureExt;

    fn text(s: &str) -> WsMessage {
        WsMessage::Text(s.to_owned())
    }

    /// Poll `recv` once: `None` if pending, else the item with errors reduced to their kind.
    fn recv_now(conn: &mut WsConnection) -> Option<Option<Result<WsMessage, TransportErrorKind>>> {
        conn.receiver
            .recv()
            .now_or_never()
            .map(|o| o.map(|r| r.map_err(|e| e.kind())))
    }

    #[test]
    fn slack_pong_echoes_id_and_extra_fields() {
        assert_eq!(
            slack_pong(r#"{"type":"ping","id":3,"time":9}"#),
            Some(text(r#"{"type":"pong","reply_to":3,"time":9}"#))
        );
        assert_eq!(slack_pong(r#"{"type":"message"}"#), None);
        assert_eq!(slack_pong("not json"), None);
    }

    #[test]
    fn recv_is_cancel_safe_and_wakes() {
        let server = MockWsServerHandle::new();
        let mut conn = server.accept("wss://x/");
        // Poll once, drop the future: nothing lost.
        assert_eq!(recv_now(&mut conn), None);
        server.send_text("a");
        assert_eq!(recv_now(&mut conn), Some(Some(Ok(text("a")))));
        server.drop_connection();
        assert_eq!(
            recv_now(&mut conn),
            Some(Some(Err(TransportErrorKind::ConnectionDropped)))
        );
        assert_eq!(recv_now(&mut conn), Some(None));
        server.send_text("after the end");
        assert_eq!(recv_now(&mut conn), Some(None));
        let e = conn.sender.send(text("late")).now_or_never();
        assert!(matches!(e, Some(Err(e)) if e.kind() == TransportErrorKind::ConnectionDropped));
    }

    #[test]
    fn client_close_is_answered_unless_silent() {
        let server = MockWsServerHandle::new();
        let mut conn = server.accept("wss://x/");
        let close = WsMessage::Close(Some((1000, "bye".into())));
        assert!(conn
            .sender
            .send(close.clone())
            .now_or_never()
            .is_some_and(|r| r.is_ok()));
        assert!(server.is_client_done() && server.is_closed());
        assert_eq!(recv_now(&mut conn), Some(Some(Ok(close.clone()))));
        assert_eq!(recv_now(&mut conn), Some(None));
        assert!(conn
            .sender
            .send(text("x"))
            .now_or_never()
            .is_some_and(|r| r.is_err()));

        let server = MockWsServerHandle::new();
        let mut conn = server.accept("wss://x/");
        server.go_silent();
        assert!(conn
            .sender
            .send(close)
            .now_or_never()
            .is_some_and(|r| r.is_ok()));
        assert!(!server.is_closed());
        assert_eq!(recv_now(&mut conn), None, "no reply");
    }

    #[test]
    fn client_may_answer_a_server_close() {
        let server = MockWsServerHandle::new();
        let mut conn = server.accept("wss://x/");
        server.close(4000, "bye");
        let echo = WsMessage::Close(Some((4000, "bye".into())));
        assert!(conn
            .sender
            .send(echo.clone())
            .now_or_never()
            .is_some_and(|r| r.is_ok()));
        assert_eq!(server.received(), vec![echo]);
    }

    #[test]
    fn next_sent_reads_once_and_ends() {
        let server = MockWsServerHandle::new();
        let mut conn = server.accept("wss://x/");
        let mut pending = Box::pin(server.next_sent());
        assert!(pending.as_mut().now_or_never().is_none());
        assert!(conn.sender.send(text("1")).now_or_never().is_some());
        assert_eq!(pending.now_or_never(), Some(Some(text("1"))));
        assert!(conn
            .sender
            .send(WsMessage::Ping(Default::default()))
            .now_or_never()
            .is_some());
        drop(conn);
        assert_eq!(
            server.next_sent().now_or_never(),
            Some(Some(WsMessage::Ping(Default::default())))
        );
        assert_eq!(server.next_sent().now_or_never(), Some(None));
        assert_eq!(server.received().len(), 2);
    }

    #[test]
    fn auto_pong_answers_ws_pings() {
        let server = MockWsServerHandle::new();
        server.auto_pong(true);
        let mut conn = server.accept("wss://x/");
        let p = bytes::Bytes::from_static(b"p");
        assert!(conn
            .sender
            .send(WsMessage::Ping(p.clone()))
            .now_or_never()
            .is_some());
        assert_eq!(
            recv_now(&mut conn),
            Some(Some(Ok(WsMessage::Pong(p.clone()))))
        );
        server.go_silent();
        assert!(conn
            .sender
            .send(WsMessage::Ping(p))
            .now_or_never()
            .is_some());
        assert_eq!(recv_now(&mut conn), None);
        assert_eq!(server.received().len(), 2);
    }
}
