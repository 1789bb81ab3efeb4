//! Websockets for RTM over the same connector (proxies, TLS roots) as HTTP.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use http::HeaderMap;
use slack_core::transport::{
    BoxFuture, TransportError, TransportErrorKind, WsConnection, WsMessage, WsReceiver, WsSender,
    WsTransport,
};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, WebSocketConfig};
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::WebSocketStream;

use crate::connector::Stream;
use crate::error;
use crate::HyperTransport;

type Ws = WebSocketStream<Stream>;

/// Read buffer per connection: small, so thousands of idle connections stay cheap.
const READ_BUFFER: usize = 4 * 1024;

impl WsTransport for HyperTransport {
    fn connect(
        &self,
        url: &str,
        headers: &HeaderMap,
    ) -> BoxFuture<'_, Result<WsConnection, TransportError>> {
        let url = url.to_owned();
        let headers = headers.clone();
        Box::pin(async move {
            let mut request = url
                .as_str()
                .into_client_request()
                .map_err(|e| error::invalid(format!("invalid websocket URL: {e}")))?;
            let uri = request.uri().clone();
            if !matches!(uri.scheme_str(), Some("ws") | Some("wss")) {
                return Err(error::invalid("a websocket URL must be ws:// or wss://"));
            }
            for (k, v) in &headers {
                request.headers_mut().append(k, v.clone());
            }
            tracing::debug!(
                host = uri.host().unwrap_or(""),
                path = uri.path(),
                "opening websocket"
            );
            // One deadline for connecting and the handshake, as for an HTTP request.
            let timeout = self.settings.timeout;
            let deadline = tokio::time::Instant::now() + timeout;
            let (stream, _) = tokio::time::timeout_at(deadline, self.connector.connect(&uri, true))
                .await
                .map_err(|_| error::deadline(timeout, false))??;
            let config = WebSocketConfig::default().read_buffer_size(READ_BUFFER);
            let handshake =
                tokio_tungstenite::client_async_with_config(request, stream, Some(config));
            // No message was sent before the handshake completed.
            let (ws, _response) = tokio::time::timeout_at(deadline, handshake)
                .await
                .map_err(|_| {
                    TransportError::new(
                        TransportErrorKind::Timeout,
                        format!("no websocket handshake within {timeout:?}"),
                    )
                    .with_maybe_sent(false)
                })?
                .map_err(|e| map_ws_error(e).with_maybe_sent(false))?;
            let (sink, stream) = ws.split();
            let closing = Closing::default();
            Ok(WsConnection {
                sender: Box::new(Sender {
                    sink,
                    closing: closing.clone(),
                }),
                receiver: Box::new(Receiver { stream, closing }),
            })
        })
    }
}

fn map_ws_error(e: tungstenite::Error) -> TransportError {
    use tungstenite::Error as E;
    let kind = match &e {
        E::ConnectionClosed | E::AlreadyClosed => TransportErrorKind::ConnectionDropped,
        E::Io(io) if error::is_drop(io) => TransportErrorKind::ConnectionDropped,
        E::Io(_) => TransportErrorKind::Io,
        E::Protocol(tungstenite::error::ProtocolError::ResetWithoutClosingHandshake) => {
            TransportErrorKind::ConnectionDropped
        }
        E::Tls(_) => TransportErrorKind::Tls,
        E::Capacity(_) => TransportErrorKind::BodyTooLarge,
        E::Url(_) => TransportErrorKind::InvalidRequest,
        _ => TransportErrorKind::Protocol,
    };
    TransportError::new(kind, e.to_string())
}

/// Set once either side sent a close frame: after that, the connection ending (even without
/// the rest of the closing handshake, or without TLS `close_notify`) is the end of the
/// stream, not an error.
type Closing = Arc<AtomicBool>;

#[derive(Debug)]
struct Sender {
    sink: SplitSink<Ws, Message>,
    closing: Closing,
}

impl WsSender for Sender {
    fn send(&mut self, message: WsMessage) -> BoxFuture<'_, Result<(), TransportError>> {
        let msg = match message {
            WsMessage::Text(t) => Message::text(t),
            WsMessage::Binary(b) => Message::Binary(b),
            WsMessage::Ping(p) => Message::Ping(p),
            WsMessage::Pong(p) => Message::Pong(p),
            WsMessage::Close(c) => {
                self.closing.store(true, Ordering::Relaxed);
                Message::Close(c.map(|(code, reason)| CloseFrame {
                    code: CloseCode::from(code),
                    reason: reason.into(),
                }))
            }
        };
        Box::pin(async move { self.sink.send(msg).await.map_err(map_ws_error) })
    }
}

#[derive(Debug)]
struct Receiver {
    stream: SplitStream<Ws>,
    closing: Closing,
}

impl WsReceiver for Receiver {
    fn recv(&mut self) -> BoxFuture<'_, Option<Result<WsMessage, TransportError>>> {
        Box::pin(async move {
            loop {
                let msg = match self.stream.next().await? {
                    Ok(m) => m,
                    Err(tungstenite::Error::ConnectionClosed) => return None,
                    Err(_) if self.closing.load(Ordering::Relaxed) => return None,
                    Err(e) => return Some(Err(map_ws_error(e))),
                };
                let out = match msg {
                    Message::Text(t) => WsMessage::Text(t.as_str().to_owned()),
                    Message::Binary(b) => WsMessage::Binary(b),
                    Message::Ping(p) => WsMessage::Ping(p),
                    Message::Pong(p) => WsMessage::Pong(p),
                    Message::Close(c) => {
                        self.closing.store(true, Ordering::Relaxed);
                        WsMessage::Close(
                            c.map(|f| (u16::from(f.code), f.reason.as_str().to_owned())),
                        )
                    }
                    // Raw frames are not surfaced by the reader.
                    Message::Frame(_) => continue,
                };
                return Some(Ok(out));
            }
        })
    }
}
