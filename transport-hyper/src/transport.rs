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

    /// A loopback server that runs `conn` on each connection it accepts; its address.
    async fn serve_each<F, Fut>(conn: F) -> std::net::SocketAddr
    where
        F: Fn(tokio::net::TcpStream) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                tokio::spawn(conn(sock));
            }
        });
        addr
    }

    /// A plain-HTTP client never makes its TLS configuration (the root store and rustls'
    /// set-up are memory an emulator client does not need); the first `https` connection does.
    #[tokio::test]
    async fn tls_is_made_on_the_first_tls_connection() {
        use slack_core::transport::HttpTransport;
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let addr = serve_each(|mut sock| async move {
            let mut buf = [0u8; 4096];
            let _ = sock.read(&mut buf).await;
            let _ = sock
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 11\r\n\r\n{\"ok\":true}")
                .await;
        })
        .await;
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

    /// What `Content-Length` goes on the wire: a body's length (hyper writes an in-memory
    /// body's, the transport a stream's), `0` for an empty POST, none for a GET.
    #[tokio::test]
    async fn content_length_on_the_wire() {
        use slack_core::transport::{Body, HttpTransport};
        use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
        let (heads_tx, mut heads) = tokio::sync::mpsc::unbounded_channel();
        let addr = serve_each(move |sock| {
            let heads_tx = heads_tx.clone();
            async move {
                let mut sock = BufReader::new(sock);
                loop {
                    let mut length = None;
                    let mut line = String::new();
                    loop {
                        line.clear();
                        if sock.read_line(&mut line).await.unwrap_or(0) == 0 {
                            return;
                        }
                        if line == "\r\n" {
                            break;
                        }
                        let lower = line.to_ascii_lowercase();
                        if let Some(v) = lower.strip_prefix("content-length:") {
                            length = v.trim().parse::<usize>().ok();
                        }
                    }
                    let mut body = vec![0u8; length.unwrap_or(0)];
                    if sock.read_exact(&mut body).await.is_err() {
                        return;
                    }
                    let _ = heads_tx.send((length, body));
                    let reply = b"HTTP/1.1 200 OK\r\ncontent-length: 11\r\n\r\n{\"ok\":true}";
                    if sock.get_mut().write_all(reply).await.is_err() {
                        return;
                    }
                }
            }
        })
        .await;
        let t = crate::HyperTransport::builder()
            .no_proxy()
            .build()
            .expect("build");
        let url = format!("http://{addr}/api/x");
        let stream = || Body::Stream {
            len: Some(5),
            stream: Box::pin(futures_util::stream::iter([
                Ok(bytes::Bytes::from_static(b"ab")),
                Ok(bytes::Bytes::from_static(b"cde")),
            ])),
        };
        let cases: [(http::Method, Body, Option<usize>, &[u8]); 4] = [
            (
                http::Method::POST,
                Body::from("a=b&c=d"),
                Some(7),
                b"a=b&c=d",
            ),
            (http::Method::POST, Body::from(""), Some(0), b""),
            (http::Method::GET, Body::from(""), None, b""),
            (http::Method::POST, stream(), Some(5), b"abcde"),
        ];
        for (method, body, want, sent) in cases {
            let mut req = HttpRequest::new(method.clone(), url.as_str());
            req.body = body;
            t.send(req).await.expect("answer");
            let (length, body) = heads.recv().await.expect("a request");
            assert_eq!(length, want, "{method}");
            assert_eq!(body, sent, "{method}");
        }
    }

    /// The response size limit, announced (`Content-Length`) or found while reading chunks;
    /// a body in several chunks under the limit arrives whole and in order.
    #[tokio::test]
    async fn response_body_limit() {
        use slack_core::transport::{HttpTransport, TransportErrorKind};
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let addr = serve_each(|mut sock| async move {
            let mut buf = vec![0u8; 4096];
            let n = sock.read(&mut buf).await.unwrap_or(0);
            let head = String::from_utf8_lossy(&buf[..n]).to_string();
            let chunk = |c: &str| format!("{:x}\r\n{c}\r\n", c.len());
            let reply = if head.starts_with("POST /announced") {
                format!(
                    "HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{}",
                    "x".repeat(100)
                )
            } else {
                let parts: &[&str] = if head.starts_with("POST /over") {
                    &["0123456789", "0123456789", "0123456789"]
                } else {
                    &["{\"ok\":", "true,", "\"n\":1}"]
                };
                let mut r = "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n".to_string();
                for p in parts {
                    r.push_str(&chunk(p));
                }
                r.push_str("0\r\n\r\n");
                r
            };
            // Chunk by chunk, so the client reads several frames.
            for piece in reply.as_bytes().chunks(7) {
                if sock.write_all(piece).await.is_err() {
                    return;
                }
                let _ = sock.flush().await;
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            }
        })
        .await;
        let t = crate::HyperTransport::builder()
            .no_proxy()
            .max_response_body(25)
            .build()
            .expect("build");
        for path in ["announced", "over"] {
            let e = t
                .send(HttpRequest::new(
                    http::Method::POST,
                    format!("http://{addr}/{path}"),
                ))
                .await
                .expect_err(path);
            assert_eq!(e.kind(), TransportErrorKind::BodyTooLarge, "{path}");
            assert!(e.maybe_sent(), "{path}");
        }
        let ok = t
            .send(HttpRequest::new(
                http::Method::POST,
                format!("http://{addr}/under"),
            ))
            .await
            .expect("a body under the limit");
        assert_eq!(&ok.body[..], br#"{"ok":true,"n":1}"#);
    }

    #[test]
    fn transport_is_clone_send_sync() {
        fn check<T: Clone + Send + Sync + 'static>() {}
        check::<HyperTransport>();
    }
}
