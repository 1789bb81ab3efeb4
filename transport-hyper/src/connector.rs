//! Opening connections: TCP (with a connect timeout), an optional `CONNECT` tunnel through a
//! proxy, then TLS with ALPN. Shared by HTTP (as hyper's connector) and websockets.

use std::fmt;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;

use http::Uri;
use hyper_util::client::legacy::connect::{Connected, Connection};
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use slack_core::transport::TransportErrorKind;
use slack_transport_common::settings::with_alpn;
use slack_transport_common::{ConnectError, MaybeTls, Target};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use slack_core::proxy::{
    check_connect_response, connect_request, Proxies, Proxy, ProxyKind, Socks5Handshake,
    Socks5Step, MAX_CONNECT_HEAD,
};

fn err(kind: TransportErrorKind, message: impl Into<String>) -> ConnectError {
    ConnectError::new(kind, message)
}

/// Opens connections. Cheap to clone.
#[derive(Clone)]
pub(crate) struct Connector {
    inner: Arc<Inner>,
}

/// Makes the rustls configuration (root store included), on the first TLS connection.
pub(crate) type MakeTls = Box<dyn Fn() -> Result<rustls::ClientConfig, String> + Send + Sync>;

struct Inner {
    make_tls: MakeTls,
    /// Made by `make_tls` when first needed.
    tls: OnceLock<Tls>,
    connect_timeout: Duration,
    proxies: Proxies,
    http2: bool,
}

struct Tls {
    /// TLS for HTTP: ALPN h2 and http/1.1 (or why TLS cannot be used).
    http: Result<Arc<rustls::ClientConfig>, String>,
    /// TLS for websockets: ALPN http/1.1 only.
    ws: Result<Arc<rustls::ClientConfig>, String>,
}

impl fmt::Debug for Connector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connector")
            .field("connect_timeout", &self.inner.connect_timeout)
            .field("proxies", &self.inner.proxies)
            .finish()
    }
}

impl Connector {
    pub(crate) fn new(
        make_tls: MakeTls,
        connect_timeout: Duration,
        proxies: Proxies,
        http2: bool,
    ) -> Self {
        Connector {
            inner: Arc::new(Inner {
                make_tls,
                tls: OnceLock::new(),
                connect_timeout,
                proxies,
                http2,
            }),
        }
    }

    /// The TLS configurations, made on first use.
    fn tls(&self) -> &Tls {
        self.inner.tls.get_or_init(|| {
            let tls = (self.inner.make_tls)();
            let http = if self.inner.http2 {
                with_alpn(&tls, &[b"h2", b"http/1.1"])
            } else {
                with_alpn(&tls, &[b"http/1.1"])
            };
            let ws = with_alpn(&tls, &[b"http/1.1"]);
            Tls { http, ws }
        })
    }

    /// Whether the TLS configurations have been made (tests).
    #[cfg(test)]
    pub(crate) fn tls_made(&self) -> bool {
        self.inner.tls.get().is_some()
    }

    /// Open a connection to `uri`'s host (through a proxy when one applies); TLS for
    /// `https`/`wss`. Returns the stream and whether HTTP/2 was negotiated.
    ///
    /// The whole of it (DNS, TCP, tunnel, TLS handshake) is bounded by the connect timeout.
    pub(crate) async fn connect(
        &self,
        uri: &Uri,
        for_websocket: bool,
    ) -> Result<(Stream, bool), ConnectError> {
        let Target { host, port, tls } = Target::from_uri(uri)?;
        let timeout = self.inner.connect_timeout;
        let opening = self.open(host.clone(), port, uri, tls, for_websocket);
        tokio::time::timeout(timeout, opening).await.map_err(|_| {
            err(
                TransportErrorKind::ConnectTimeout,
                format!("connecting to {host}:{port} took longer than {timeout:?}"),
            )
        })?
    }

    async fn open(
        &self,
        host: String,
        port: u16,
        uri: &Uri,
        tls: bool,
        for_websocket: bool,
    ) -> Result<(Stream, bool), ConnectError> {
        let proxy = self
            .inner
            .proxies
            .route(uri)
            .map_err(|e| err(TransportErrorKind::Proxy, e.to_string()))?;
        let (dial_host, dial_port, what) = match proxy {
            Some(p) => (p.host(), p.port(), "proxy "),
            None => (host.as_str(), port, ""),
        };
        let mut tcp = TcpStream::connect((dial_host, dial_port))
            .await
            .map_err(|e| {
                err(
                    TransportErrorKind::Connect,
                    format!("connect to {what}{dial_host}:{dial_port}: {e}"),
                )
            })?;
        let _ = tcp.set_nodelay(true);
        match proxy.map(|p| (p, p.kind())) {
            Some((p, ProxyKind::Socks5)) => socks5(&mut tcp, p, &host, port).await?,
            Some((p, _)) => tunnel(&mut tcp, p, &host, port).await?,
            None => {}
        }
        if !tls {
            return Ok((Stream::Plain(tcp), false));
        }

        let tls = self.tls();
        let config = if for_websocket { &tls.ws } else { &tls.http };
        let config = config.clone().map_err(|e| {
            err(
                TransportErrorKind::Tls,
                format!("TLS is not available: {e}"),
            )
        })?;
        let name = ServerName::try_from(host.clone()).map_err(|_| {
            err(
                TransportErrorKind::InvalidRequest,
                format!("{host:?} is not a valid TLS server name"),
            )
        })?;
        let tls_stream = tokio_rustls::TlsConnector::from(config)
            .connect(name, tcp)
            .await
            .map_err(|e| {
                err(
                    TransportErrorKind::Tls,
                    format!("TLS handshake with {host}: {e}"),
                )
            })?;
        let h2 =
            self.inner.http2 && tls_stream.get_ref().1.alpn_protocol() == Some(b"h2".as_slice());
        Ok((Stream::Tls(Box::new(tls_stream)), h2))
    }
}

/// A SOCKS5 tunnel to `host:port` (the sans-IO [`Socks5Handshake`] over `tcp`).
async fn socks5(
    tcp: &mut TcpStream,
    proxy: &Proxy,
    host: &str,
    port: u16,
) -> Result<(), ConnectError> {
    let proxy_err = |e: io::Error| {
        err(
            TransportErrorKind::Proxy,
            format!("SOCKS5 proxy {}:{}: {e}", proxy.host(), proxy.port()),
        )
    };
    let mut hs = Socks5Handshake::new(proxy, host, port)
        .map_err(|e| err(TransportErrorKind::Proxy, e.to_string()))?;
    loop {
        match hs.poll_step() {
            Socks5Step::Write(bytes) => tcp.write_all(&bytes).await.map_err(proxy_err)?,
            Socks5Step::Read(n) => {
                let mut buf = vec![0u8; n];
                tcp.read_exact(&mut buf).await.map_err(proxy_err)?;
                hs.handle_input(&buf)
                    .map_err(|e| err(TransportErrorKind::Proxy, e.to_string()))?;
            }
            Socks5Step::Done => return Ok(()),
        }
    }
}

/// `CONNECT host:port` through the proxy; fails unless it answers 2xx.
async fn tunnel(
    tcp: &mut TcpStream,
    proxy: &Proxy,
    host: &str,
    port: u16,
) -> Result<(), ConnectError> {
    let proxy_err = |e: io::Error| {
        err(
            TransportErrorKind::Proxy,
            format!("proxy {}:{}: {e}", proxy.host(), proxy.port()),
        )
    };
    tcp.write_all(connect_request(proxy, host, port).as_bytes())
        .await
        .map_err(proxy_err)?;
    // Read the answer's head, byte by byte so nothing after it is consumed.
    let mut head = Vec::with_capacity(256);
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() > MAX_CONNECT_HEAD {
            return Err(err(TransportErrorKind::Proxy, "proxy answer too long"));
        }
        let n = tcp.read(&mut byte).await.map_err(proxy_err)?;
        if n == 0 {
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

// ===== Stream =====

/// A plain or TLS connection.
pub(crate) type Stream = MaybeTls<TcpStream, tokio_rustls::client::TlsStream<TcpStream>>;

/// A connection handed to hyper.
pub(crate) struct HyperIo {
    io: TokioIo<Stream>,
    h2: bool,
}

impl Connection for HyperIo {
    fn connected(&self) -> Connected {
        let c = Connected::new();
        if self.h2 {
            c.negotiated_h2()
        } else {
            c
        }
    }
}

impl hyper::rt::Read for HyperIo {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

impl hyper::rt::Write for HyperIo {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }
}

impl tower_service::Service<Uri> for Connector {
    type Response = HyperIo;
    type Error = ConnectError;
    type Future = Pin<Box<dyn std::future::Future<Output = Result<HyperIo, ConnectError>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let this = self.clone();
        Box::pin(async move {
            let (stream, h2) = this.connect(&uri, false).await?;
            Ok(HyperIo {
                io: TokioIo::new(stream),
                h2,
            })
        })
    }
}
