//! Websockets for RTM over the same connector (proxies, TLS roots) as HTTP.

use http::HeaderMap;
use slack_core::transport::{
    BoxFuture, TransportError, TransportErrorKind, WsConnection, WsTransport,
};
use slack_transport_common::{error, ws};

use crate::HyperTransport;

impl WsTransport for HyperTransport {
    fn connect(
        &self,
        url: &str,
        headers: &HeaderMap,
    ) -> BoxFuture<'_, Result<WsConnection, TransportError>> {
        let url = url.to_owned();
        let headers = headers.clone();
        Box::pin(async move {
            let request = ws::client_request(&url, &headers)?;
            let uri = request.uri().clone();
            // The path and query hold the session ticket: never logged.
            tracing::debug!(url = %slack_core::transport::redact_url(&url), "opening websocket");
            // One deadline for connecting and the handshake, as for an HTTP request.
            let timeout = self.settings.timeout;
            let deadline = tokio::time::Instant::now() + timeout;
            let (stream, _) = tokio::time::timeout_at(deadline, self.connector.connect(&uri, true))
                .await
                .map_err(|_| error::deadline(timeout, false))??;
            let handshake = tokio_tungstenite::client_async_with_config(
                request,
                slack_transport_common::ReadAhead::new(stream),
                Some(ws::config()),
            );
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
                .map_err(ws::handshake_error)?;
            Ok(ws::connection(ws))
        })
    }
}
