//! Websockets: the handshake request, the settings, and the mapping between tungstenite's
//! messages and errors and [`WsMessage`]/[`TransportError`], for any tungstenite stream
//! (tokio-tungstenite's or async-tungstenite's; both sit on the same tungstenite).

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use http::HeaderMap;
use slack_core::transport::{
    BoxFuture, TransportError, TransportErrorKind, WsConnection, WsMessage, WsReceiver, WsSender,
};
use tungstenite::client::IntoClientRequest;
use tungstenite::handshake::client::Request;
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::protocol::{CloseFrame, WebSocketConfig};
use tungstenite::Message;

use crate::error;

/// Read buffer per connection: small, so thousands of idle connections stay cheap.
pub const READ_BUFFER: usize = 4 * 1024;

/// Fed messages are written out once this many bytes wait, flush or not. The queue's memory
/// stays with the connection after a burst, so it is kept small: 8 KiB is about a hundred
/// Socket Mode acks in one write.
pub const WRITE_BUFFER: usize = 8 * 1024;

/// The settings of every websocket a transport opens.
pub fn config() -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(WRITE_BUFFER)
}

/// The handshake request for `url` with `headers` added. Fails (not sent) unless the URL is
/// `ws://` or `wss://`.
pub fn client_request(url: &str, headers: &HeaderMap) -> Result<Request, TransportError> {
    let mut request = url
        .into_client_request()
        .map_err(|e| error::invalid(format!("invalid websocket URL: {e}")))?;
    if !matches!(request.uri().scheme_str(), Some("ws") | Some("wss")) {
        return Err(error::invalid("a websocket URL must be ws:// or wss://"));
    }
    for (k, v) in headers {
        request.headers_mut().append(k, v.clone());
    }
    Ok(request)
}

/// A handshake that failed: nothing was sent on the websocket.
pub fn handshake_error(e: tungstenite::Error) -> TransportError {
    map_error(e).with_maybe_sent(false)
}

/// A tungstenite error as a transport error.
pub fn map_error(e: tungstenite::Error) -> TransportError {
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

/// Our message as tungstenite's.
pub fn to_tungstenite(message: WsMessage) -> Message {
    match message {
        WsMessage::Text(t) => Message::text(t),
        WsMessage::Binary(b) => Message::Binary(b),
        WsMessage::Ping(p) => Message::Ping(p),
        WsMessage::Pong(p) => Message::Pong(p),
        WsMessage::Close(c) => Message::Close(c.map(|(code, reason)| CloseFrame {
            code: CloseCode::from(code),
            reason: reason.into(),
        })),
    }
}

/// tungstenite's message as ours; `None` for raw frames, which readers never surface.
pub fn from_tungstenite(message: Message) -> Option<WsMessage> {
    Some(match message {
        Message::Text(t) => WsMessage::Text(t.as_str().to_owned()),
        Message::Binary(b) => WsMessage::Binary(b),
        Message::Ping(p) => WsMessage::Ping(p),
        Message::Pong(p) => WsMessage::Pong(p),
        Message::Close(c) => {
            WsMessage::Close(c.map(|f| (u16::from(f.code), f.reason.as_str().to_owned())))
        }
        Message::Frame(_) => return None,
    })
}

/// Split an open websocket into the halves of a [`WsConnection`].
pub fn connection<W>(ws: W) -> WsConnection
where
    W: Sink<Message, Error = tungstenite::Error>
        + Stream<Item = Result<Message, tungstenite::Error>>
        + Send
        + Unpin
        + 'static,
{
    let (sink, stream) = ws.split();
    let closing = Closing::default();
    WsConnection {
        sender: Box::new(Sender {
            sink,
            closing: closing.clone(),
        }),
        receiver: Box::new(Receiver { stream, closing }),
    }
}

/// Set once either side sent a close frame: after that, the connection ending (even without
/// the rest of the closing handshake, or without TLS `close_notify`) is the end of the
/// stream, not an error.
type Closing = Arc<AtomicBool>;

struct Sender<W> {
    sink: SplitSink<W, Message>,
    closing: Closing,
}

impl<W> fmt::Debug for Sender<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WsSender")
            .field("closing", &self.closing.load(Ordering::Relaxed))
            .finish()
    }
}

impl<W> WsSender for Sender<W>
where
    W: Sink<Message, Error = tungstenite::Error> + Send + Unpin,
{
    fn send(&mut self, message: WsMessage) -> BoxFuture<'_, Result<(), TransportError>> {
        if matches!(message, WsMessage::Close(_)) {
            self.closing.store(true, Ordering::Relaxed);
        }
        let msg = to_tungstenite(message);
        Box::pin(async move { self.sink.send(msg).await.map_err(map_error) })
    }

    fn feed(&mut self, message: WsMessage) -> BoxFuture<'_, Result<(), TransportError>> {
        if matches!(message, WsMessage::Close(_)) {
            self.closing.store(true, Ordering::Relaxed);
        }
        let msg = to_tungstenite(message);
        Box::pin(async move { self.sink.feed(msg).await.map_err(map_error) })
    }

    fn flush(&mut self) -> BoxFuture<'_, Result<(), TransportError>> {
        Box::pin(async move { self.sink.flush().await.map_err(map_error) })
    }
}

struct Receiver<W> {
    stream: SplitStream<W>,
    closing: Closing,
}

impl<W> fmt::Debug for Receiver<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WsReceiver")
            .field("closing", &self.closing.load(Ordering::Relaxed))
            .finish()
    }
}

impl<W> WsReceiver for Receiver<W>
where
    W: Stream<Item = Result<Message, tungstenite::Error>> + Send + Unpin,
{
    fn recv(&mut self) -> BoxFuture<'_, Option<Result<WsMessage, TransportError>>> {
        Box::pin(async move {
            loop {
                let msg = match self.stream.next().await? {
                    Ok(m) => m,
                    Err(tungstenite::Error::ConnectionClosed) => return None,
                    Err(_) if self.closing.load(Ordering::Relaxed) => return None,
                    Err(e) => return Some(Err(map_error(e))),
                };
                if matches!(msg, Message::Close(_)) {
                    self.closing.store(true, Ordering::Relaxed);
                }
                if let Some(out) = from_tungstenite(msg) {
                    return Some(Ok(out));
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn messages_round_trip() {
        for m in [
            WsMessage::Text("hi".into()),
            WsMessage::Binary(bytes::Bytes::from_static(b"\x01")),
            WsMessage::Ping(bytes::Bytes::from_static(b"p")),
            WsMessage::Pong(bytes::Bytes::new()),
            WsMessage::Close(Some((1000, "bye".into()))),
            WsMessage::Close(None),
        ] {
            assert_eq!(from_tungstenite(to_tungstenite(m.clone())), Some(m));
        }
    }

    #[test]
    fn requests_need_a_websocket_scheme() {
        let mut h = HeaderMap::new();
        h.insert("authorization", "Bearer x".parse().unwrap());
        let r = client_request("wss://example.test/rtm", &h).unwrap();
        assert_eq!(r.headers()["authorization"], "Bearer x");
        let e = client_request("https://example.test/", &h).unwrap_err();
        assert_eq!(e.kind(), TransportErrorKind::InvalidRequest);
        assert!(!e.maybe_sent());
    }

    #[test]
    fn closed_is_dropped() {
        let e = map_error(tungstenite::Error::ConnectionClosed);
        assert_eq!(e.kind(), TransportErrorKind::ConnectionDropped);
    }
}
