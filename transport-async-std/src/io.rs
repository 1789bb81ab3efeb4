//! Connections over async-std: TCP with a connect timeout, the `CONNECT` tunnel, TLS with
//! futures-rustls; and the adapters hyper needs (I/O, executor, timer).

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use async_std::net::TcpStream;
use futures_io::{AsyncRead, AsyncWrite};
use futures_util::{AsyncReadExt, AsyncWriteExt};
use http::Uri;
use hyper_util::client::legacy::connect::{Connected, Connection};
use rustls::pki_types::ServerName;
use slack_core::proxy::{
    check_connect_response, connect_request, Proxies, Proxy, MAX_CONNECT_HEAD,
};
use slack_core::transport::{TransportError, TransportErrorKind};

fn err(kind: TransportErrorKind, message: impl Into<String>) -> TransportError {
    TransportError::new(kind, message)
}

/// A plain or TLS connection.
#[derive(Debug)]
pub(crate) enum Stream {
    Plain(TcpStream),
    Tls(Box<futures_rustls::client::TlsStream<TcpStream>>),
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_close(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_close(cx),
        }
    }
}

/// Opens connections. Cheap to clone.
#[derive(Clone)]
pub(crate) struct Connector {
    /// TLS settings, or why TLS cannot be used.
    pub(crate) tls: Result<Arc<rustls::ClientConfig>, String>,
    pub(crate) connect_timeout: Duration,
    pub(crate) proxies: Arc<Proxies>,
}

impl std::fmt::Debug for Connector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connector")
            .field("connect_timeout", &self.connect_timeout)
            .field("proxies", &self.proxies)
            .finish()
    }
}

impl Connector {
    /// Open a connection to `uri`'s host, through a proxy when one applies; TLS for
    /// `https`/`wss`. Every failure here means nothing was sent.
    pub(crate) async fn connect(&self, uri: &Uri) -> Result<Stream, TransportError> {
        let host = uri
            .host()
            .ok_or_else(|| err(TransportErrorKind::InvalidRequest, "URL without a host"))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let tls = matches!(uri.scheme_str(), Some("https") | Some("wss"));
        let port = uri.port_u16().unwrap_or(if tls { 443 } else { 80 });
        let proxy = self.proxies.for_uri(uri).cloned();
        let opening = async {
            let (dial_host, dial_port) = match &proxy {
                Some(p) => (p.host().to_owned(), p.port()),
                None => (host.clone(), port),
            };
            let mut tcp = TcpStream::connect((dial_host.as_str(), dial_port))
                .await
                .map_err(|e| {
                    err(
                        TransportErrorKind::Connect,
                        format!("connect to {dial_host}:{dial_port}: {e}"),
                    )
                })?;
            let _ = tcp.set_nodelay(true);
            if let Some(p) = &proxy {
                tunnel(&mut tcp, p, &host, port).await?;
            }
            Ok::<_, TransportError>(tcp)
        };
        let timeout = self.connect_timeout;
        let tcp = async_std::future::timeout(timeout, opening)
            .await
            .map_err(|_| {
                err(
                    TransportErrorKind::ConnectTimeout,
                    format!("connecting to {host}:{port} took longer than {timeout:?}"),
                )
            })??;
        if !tls {
            return Ok(Stream::Plain(tcp));
        }
        let name = ServerName::try_from(host.clone()).map_err(|_| {
            err(
                TransportErrorKind::InvalidRequest,
                format!("{host:?} is not a valid TLS server name"),
            )
        })?;
        let config = self.tls.clone().map_err(|e| {
            err(
                TransportErrorKind::Tls,
                format!("TLS is not available: {e}"),
            )
        })?;
        let handshake = futures_rustls::TlsConnector::from(config).connect(name, tcp);
        let stream = async_std::future::timeout(timeout, handshake)
            .await
            .map_err(|_| {
                err(
                    TransportErrorKind::ConnectTimeout,
                    "TLS handshake timed out",
                )
            })?
            .map_err(|e| {
                err(
                    TransportErrorKind::Tls,
                    format!("TLS handshake with {host}: {e}"),
                )
            })?;
        Ok(Stream::Tls(Box::new(stream)))
    }
}

async fn tunnel(
    tcp: &mut TcpStream,
    proxy: &Proxy,
    host: &str,
    port: u16,
) -> Result<(), TransportError> {
    let proxy_err = |e: io::Error| {
        err(
            TransportErrorKind::Proxy,
            format!("proxy {}:{}: {e}", proxy.host(), proxy.port()),
        )
    };
    tcp.write_all(connect_request(proxy, host, port).as_bytes())
        .await
        .map_err(proxy_err)?;
    let mut head = Vec::with_capacity(256);
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() > MAX_CONNECT_HEAD {
            return Err(err(TransportErrorKind::Proxy, "proxy answer too long"));
        }
        if tcp.read(&mut byte).await.map_err(proxy_err)? == 0 {
            return Err(err(
                TransportErrorKind::Proxy,
                "the proxy closed the connection during CONNECT",
            ));
        }
        head.push(byte[0]);
    }
    check_connect_response(&head).map_err(|status| {
        err(
            TransportErrorKind::Proxy,
            format!("the proxy refused CONNECT {host}:{port} with status {status}"),
        )
    })
}

// ===== hyper adapters =====

/// A futures-io connection as hyper I/O.
pub(crate) struct HyperIo(pub(crate) Stream);

impl Connection for HyperIo {
    fn connected(&self) -> Connected {
        Connected::new()
    }
}

impl hyper::rt::Read for HyperIo {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        mut buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        // Read into a stack buffer and copy: hyper's cursor is uninitialised memory.
        let mut tmp = [0u8; 16 * 1024];
        let want = buf.remaining().min(tmp.len());
        match Pin::new(&mut self.get_mut().0).poll_read(cx, &mut tmp[..want]) {
            Poll::Ready(Ok(n)) => {
                buf.put_slice(&tmp[..n]);
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl hyper::rt::Write for HyperIo {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().0).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_close(cx)
    }
}

impl tower_service::Service<Uri> for Connector {
    type Response = HyperIo;
    type Error = TransportError;
    type Future = Pin<Box<dyn Future<Output = Result<HyperIo, TransportError>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let this = self.clone();
        Box::pin(async move { this.connect(&uri).await.map(HyperIo) })
    }
}

/// Spawns hyper's background tasks on async-std.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct AsyncStdExecutor;

impl<F> hyper::rt::Executor<F> for AsyncStdExecutor
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    fn execute(&self, fut: F) {
        async_std::task::spawn(fut);
    }
}

/// hyper's timer on async-io.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct AsyncIoTimer;

struct Sleep(async_io::Timer);

impl Future for Sleep {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut self.0).poll(cx).map(|_| ())
    }
}

impl hyper::rt::Sleep for Sleep {}

impl hyper::rt::Timer for AsyncIoTimer {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn hyper::rt::Sleep>> {
        Box::pin(Sleep(async_io::Timer::after(duration)))
    }

    fn sleep_until(&self, deadline: Instant) -> Pin<Box<dyn hyper::rt::Sleep>> {
        Box::pin(Sleep(async_io::Timer::at(deadline)))
    }
}
