//! `MockWsTransport`: scripted websocket connections.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex};

use futures_channel::mpsc;
use futures_util::StreamExt;
use http::HeaderMap;
use slack_core::transport::{
    BoxFuture, TransportError, TransportErrorKind, WsConnection, WsMessage, WsReceiver, WsSender,
    WsTransport,
};

/// A websocket transport whose connections are scripted by the test.
///
/// Each [`expect_connect`](MockWsTransport::expect_connect) prepares one connection and
/// returns the server side of it; connect attempts beyond those fail with
/// [`TransportErrorKind::Connect`].
///
/// ```
/// use slack_core::transport::{WsMessage, WsTransport};
/// use slack_transport_mock::MockWsTransport;
///
/// # futures_executor::block_on(async {
/// let ws = MockWsTransport::new();
/// let server = ws.expect_connect();
/// let mut conn = ws.connect("wss://example/rtm", &http::HeaderMap::new()).await.unwrap();
/// server.send_text(r#"{"type":"hello"}"#);
/// assert_eq!(conn.receiver.recv().await.unwrap().unwrap(), WsMessage::Text(r#"{"type":"hello"}"#.into()));
/// conn.sender.send(WsMessage::Text("hi".into())).await.unwrap();
/// assert_eq!(server.next_sent().await, Some(WsMessage::Text("hi".into())));
/// # });
/// ```
#[derive(Clone, Default)]
pub struct MockWsTransport {
    state: Arc<Mutex<WsState>>,
}

#[derive(Default)]
struct WsState {
    pending: VecDeque<ServerEnds>,
    connects: Vec<(String, HeaderMap)>,
}

struct ServerEnds {
    to_client: mpsc::UnboundedReceiver<WsMessage>,
    from_client: mpsc::UnboundedSender<WsMessage>,
}

impl fmt::Debug for MockWsTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockWsTransport")
            .field("connects", &self.connect_urls())
            .finish()
    }
}

impl MockWsTransport {
    /// A transport with no connection scripted.
    pub fn new() -> Self {
        MockWsTransport::default()
    }

    fn with<R>(&self, f: impl FnOnce(&mut WsState) -> R) -> R {
        f(&mut self.state.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Prepare the next connection; returns its server side.
    pub fn expect_connect(&self) -> MockWsServer {
        let (to_client_tx, to_client_rx) = mpsc::unbounded();
        let (from_client_tx, from_client_rx) = mpsc::unbounded();
        self.with(|s| {
            s.pending.push_back(ServerEnds {
                to_client: to_client_rx,
                from_client: from_client_tx,
            })
        });
        MockWsServer {
            to_client: to_client_tx,
            from_client: Arc::new(futures_util::lock::Mutex::new(from_client_rx)),
        }
    }

    /// The URLs of every connect attempt.
    pub fn connect_urls(&self) -> Vec<String> {
        self.with(|s| s.connects.iter().map(|(u, _)| u.clone()).collect())
    }

    /// Every connect attempt's URL and headers.
    pub fn connects(&self) -> Vec<(String, HeaderMap)> {
        self.with(|s| s.connects.clone())
    }
}

impl WsTransport for MockWsTransport {
    fn connect(
        &self,
        url: &str,
        headers: &HeaderMap,
    ) -> BoxFuture<'_, Result<WsConnection, TransportError>> {
        let next = self.with(|s| {
            s.connects.push((url.to_owned(), headers.clone()));
            s.pending.pop_front()
        });
        Box::pin(async move {
            let ends = next.ok_or_else(|| {
                TransportError::new(
                    TransportErrorKind::Connect,
                    "mock: no websocket connection scripted",
                )
            })?;
            Ok(WsConnection {
                sender: Box::new(MockSender {
                    tx: ends.from_client,
                }),
                receiver: Box::new(MockReceiver { rx: ends.to_client }),
            })
        })
    }
}

/// The server side of a scripted connection.
#[derive(Clone)]
pub struct MockWsServer {
    to_client: mpsc::UnboundedSender<WsMessage>,
    from_client: Arc<futures_util::lock::Mutex<mpsc::UnboundedReceiver<WsMessage>>>,
}

impl fmt::Debug for MockWsServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MockWsServer")
    }
}

impl MockWsServer {
    /// Push a message to the client.
    pub fn send(&self, message: WsMessage) {
        let _ = self.to_client.unbounded_send(message);
    }

    /// Push a text frame to the client.
    pub fn send_text(&self, text: impl Into<String>) {
        self.send(WsMessage::Text(text.into()));
    }

    /// Send a close frame and end the connection.
    pub fn close(&self, code: u16, reason: &str) {
        self.send(WsMessage::Close(Some((code, reason.to_owned()))));
        self.to_client.close_channel();
    }

    /// End the connection without a close frame (a dropped TCP connection).
    pub fn drop_connection(&self) {
        self.to_client.close_channel();
    }

    /// The next message the client sent (`None` once the client side is gone).
    pub async fn next_sent(&self) -> Option<WsMessage> {
        self.from_client.lock().await.next().await
    }

    /// Messages the client sent that were not read yet.
    pub fn received(&self) -> Vec<WsMessage> {
        let mut out = Vec::new();
        if let Some(mut rx) = self.from_client.try_lock() {
            while let Ok(m) = rx.try_recv() {
                out.push(m);
            }
        }
        out
    }
}

#[derive(Debug)]
struct MockSender {
    tx: mpsc::UnboundedSender<WsMessage>,
}

impl WsSender for MockSender {
    fn send(&mut self, message: WsMessage) -> BoxFuture<'_, Result<(), TransportError>> {
        let res = self.tx.unbounded_send(message).map_err(|_| {
            TransportError::new(
                TransportErrorKind::ConnectionDropped,
                "mock: the server side is gone",
            )
        });
        Box::pin(std::future::ready(res))
    }
}

#[derive(Debug)]
struct MockReceiver {
    rx: mpsc::UnboundedReceiver<WsMessage>,
}

impl WsReceiver for MockReceiver {
    fn recv(&mut self) -> BoxFuture<'_, Option<Result<WsMessage, TransportError>>> {
        Box::pin(async move { self.rx.next().await.map(Ok) })
    }
}
