//! `HyperTransport`: sending one request and reading the whole response.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use hyper_util::client::legacy::Client;
use slack_core::transport::{BoxFuture, HttpRequest, HttpResponse, HttpTransport, TransportError};
use slack_transport_common::http::ReqBody;

use crate::config::HyperTransportBuilder;
use crate::connector::Connector;

/// The default transport: tokio + hyper 1 + rustls.
///
/// One pooled hyper client per transport; clones are cheap and share it (and its
/// connections). HTTP/1.1 and HTTP/2 (negotiated by ALPN over TLS), a per-attempt timeout, a
/// connect timeout, proxies (`CONNECT`) from settings or the environment, and websockets for
/// RTM. It implements [`HttpTransport`], [`Timer`](slack_core::transport::Timer) and
/// [`WsTransport`](slack_core::transport::WsTransport).
///
/// `Debug` shows settings, never credentials.
///
/// ```no_run
/// use std::time::Duration;
/// use slack_transport_hyper::HyperTransport;
///
/// let transport = HyperTransport::builder()
///     .timeout(Duration::from_secs(10))
///     .connect_timeout(Duration::from_secs(3))
///     .build()?;
/// let client = slack_core::WebClientBuilder::new()
///     .token("xoxb-…")
///     .transport_with_ws(transport)
///     .build()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct HyperTransport {
    pub(crate) client: Client<Connector, ReqBody>,
    pub(crate) connector: Connector,
    pub(crate) settings: Arc<Settings>,
}

/// Settings used per request.
#[derive(Debug)]
pub(crate) struct Settings {
    pub(crate) timeout: Duration,
    pub(crate) max_response_body: usize,
}

impl fmt::Debug for HyperTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperTransport")
            .field("connector", &self.connector)
            .field("timeout", &self.settings.timeout)
            .field("max_response_body", &self.settings.max_response_body)
            .finish()
    }
}

impl Default for HyperTransport {
    fn default() -> Self {
        HyperTransport::new()
    }
}

impl HyperTransport {
    /// A transport with the default settings (see [`HyperTransportBuilder`]): proxies from
    /// the environment, the bundled roots, 30 s per attempt, 10 s to connect.
    ///
    /// ```no_run
    /// let transport = slack_transport_hyper::HyperTransport::new();
    /// ```
    pub fn new() -> Self {
        // The default settings use only the bundled roots, which cannot fail to load.
        HyperTransport::builder().build_infallible()
    }

    /// A builder for other settings.
    ///
    /// ```no_run
    /// let transport = slack_transport_hyper::HyperTransport::builder().no_proxy().build()?;
    /// # Ok::<(), slack_core::transport::TransportError>(())
    /// ```
    pub fn builder() -> HyperTransportBuilder {
        HyperTransportBuilder::default()
    }
}

// ===== impl HttpTransport =====

impl HttpTransport for HyperTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(self.send_request(request))
    }

    fn default_retry_policy(&self) -> slack_core::RetryPolicy {
        slack_retry::default_policy()
    }
}

impl HyperTransport {
    async fn send_request(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        slack_transport_common::http::send(
            &self.client,
            request,
            self.settings.timeout,
            self.settings.max_response_body,
            tokio::time::sleep,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A plain-HTTP client never makes its TLS configuration (the root store and rustls'
    /// set-up are memory an emulator client does not need); the first `https` connection does.
    #[tokio::test]
    async fn tls_is_made_on_the_first_tls_connection() {
        use slack_core::transport::HttpTransport;
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            while let Ok((mut sock, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let mut buf = [0u8; 4096];
                    let _ = sock.read(&mut buf).await;
                    let _ = sock
                        .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 11\r\n\r\n{\"ok\":true}")
                        .await;
                });
            }
        });
        let t = crate::HyperTransport::builder()
            .no_proxy()
            .build()
            .expect("build");
        assert!(!t.connector.tls_made(), "made at build");
        let answer = t
            .send(HttpRequest::new(
                http::Method::POST,
                format!("http://{addr}/api/x"),
            ))
            .await
            .expect("plain HTTP answer");
        assert_eq!(&answer.body[..], b"{\"ok\":true}");
        assert!(!t.connector.tls_made(), "made for a plain-HTTP request");
        // The server does not speak TLS: the handshake fails, after the configuration is made.
        let tls = t
            .send(HttpRequest::new(
                http::Method::POST,
                format!("https://localhost:{}/api/x", addr.port()),
            ))
            .await;
        assert!(tls.is_err());
        assert!(t.connector.tls_made());
    }

    #[test]
    fn transport_is_clone_send_sync() {
        fn check<T: Clone + Send + Sync + 'static>() {}
        check::<HyperTransport>();
    }
}
