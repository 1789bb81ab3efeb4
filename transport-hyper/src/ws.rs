//! Websockets for RTM over the same connector (proxies, TLS roots) as HTTP.

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
            let invalid = |e: String| TransportError::new(TransportErrorKind::InvalidRequest, e);
            let mut request = url
                .as_str()
                .into_client_request()
                .map_err(|e| invalid(format!("invalid websocket URL: {e}")))?;
            for (k, v) in &headers {
                request.headers_mut().append(k, v.clone());
            }
            let uri = request.uri().clone();
            let (stream, _) = self
                .connector
                .connect(&uri, true)
                .await
                .map_err(|e| TransportError::new(e.kind, e.message))?;
            let config = WebSocketConfig::default().read_buffer_size(READ_BUFFER);
            let handshake =
                tokio_tungstenite::client_async_with_config(request, stream, Some(config));
            let (ws, _response) = tokio::time::timeout(self.settings.timeout, handshake)
                .await
                .map_err(|_| {
                    TransportError::new(
                        TransportErrorKind::Timeout,
                        "websocket handshake timed out",
                    )
                    .with_maybe_sent(false)
                })?
                .map_err(|e| map_ws_error(e).with_maybe_sent(false))?;
            let (sink, stream) = ws.split();
            Ok(WsConnection {
                sender: Box::new(Sender { sink }),
                receiver: Box::new(Receiver { stream }),
            })
        })
    }
}

fn map_ws_error(e: tungstenite::Error) -> TransportError {
    use tungstenite::Error as E;
    let kind = match &e {
        E::ConnectionClosed | E::AlreadyClosed => TransportErrorKind::ConnectionDropped,
        E::Io(_) => TransportErrorKind::Io,
        E::Tls(_) => TransportErrorKind::Tls,
        E::Capacity(_) => TransportErrorKind::BodyTooLarge,
        E::Url(_) => TransportErrorKind::InvalidRequest,
        _ => TransportErrorKind::Protocol,
    };
    TransportError::new(kind, e.to_string())
}

#[derive(Debug)]
struct Sender {
    sink: SplitSink<Ws, Message>,
}

impl WsSender for Sender {
    fn send(&mut self, message: WsMessage) -> BoxFuture<'_, Result<(), TransportError>> {
        let msg = match message {
            WsMessage::Text(t) => Message::text(t),
            WsMessage::Binary(b) => Message::Binary(b),
            WsMessage::Ping(p) => Message::Ping(p),
            WsMessage::Pong(p) => Message::Pong(p),
            WsMessage::Close(c) => Message::Close(c.map(|(code, reason)| CloseFrame {
                code: CloseCode::from(code),
                reason: reason.into(),
            })),
        };
        Box::pin(async move { self.sink.send(msg).await.map_err(map_ws_error) })
    }
}

#[derive(Debug)]
struct Receiver {
    stream: SplitStream<Ws>,
}

impl WsReceiver for Receiver {
    fn recv(&mut self) -> BoxFuture<'_, Option<Result<WsMessage, TransportError>>> {
        Box::pin(async move {
            loop {
                let msg = match self.stream.next().await? {
                    Ok(m) => m,
                    Err(tungstenite::Error::ConnectionClosed) => return None,
                    Err(e) => return Some(Err(map_ws_error(e))),
                };
                let out = match msg {
                    Message::Text(t) => WsMessage::Text(t.as_str().to_owned()),
                    Message::Binary(b) => WsMessage::Binary(b),
                    Message::Ping(p) => WsMessage::Ping(p),
                    Message::Pong(p) => WsMessage::Pong(p),
                    Message::Close(c) => WsMessage::Close(
                        c.map(|f| (u16::from(f.code), f.reason.as_str().to_owned())),
                    ),
                    // Raw frames are not surfaced by the reader.
                    Message::Frame(_) => continue,
                };
                return Some(Ok(out));
            }
        })
    }
}
