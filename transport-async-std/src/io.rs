//! Connections on the smol family (async-net, async-io, futures-rustls): TCP with a connect
//! timeout, the `CONNECT` tunnel, TLS; and what hyper needs from a runtime (an executor for
//! its connection tasks, a timer for its pool).
//!
//! Nothing here needs async-std: async-std and smol both drive async-io's reactor, so these
//! sockets and timers work under either (and under a bare `async_io::block_on`).

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Once};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use async_net::TcpStream;
use futures_util::{AsyncReadExt, AsyncWriteExt};
use http::Uri;
use rustls::pki_types::ServerName;
use slack_core::proxy::{
    check_connect_response, connect_request, Proxies, Proxy, ProxyKind, Socks5Handshake,
    Socks5Step, MAX_CONNECT_HEAD,
};
use slack_core::transport::{BoxFuture, TransportErrorKind};
use slack_transport_common::{ConnectError, FuturesIo, MaybeTls, Target};

fn err(kind: TransportErrorKind, message: impl Into<String>) -> ConnectError {
    ConnectError::new(kind, message)
}

/// A plain or TLS connection.
pub(crate) type Stream = MaybeTls<TcpStream, futures_rustls::client::TlsStream<TcpStream>>;

/// `future`, or `None` once `duration` has passed (on async-io's timer).
pub(crate) async fn timeout<F: Future>(duration: Duration, future: F) -> Option<F::Output> {
    futures_lite::future::or(async { Some(future.await) }, async {
        async_io::Timer::after(duration).await;
        None
    })
    .await
}

/// Opens connections. Cheap to clone.
#[derive(Clone)]
pub(crate) struct Connector {
    /// TLS settings (ALPN http/1.1), or why TLS cannot be used.
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
    /// `https`/`wss`. The whole of it (DNS, TCP, tunnel, TLS) is bounded by the connect
    /// timeout. Every failure here means nothing was sent.
    pub(crate) async fn connect(&self, uri: &Uri) -> Result<Stream, ConnectError> {
        let target = Target::from_uri(uri)?;
        let timeout_after = self.connect_timeout;
        timeout(timeout_after, self.open(&target, uri))
            .await
            .ok_or_else(|| {
                err(
                    TransportErrorKind::ConnectTimeout,
                    format!(
                        "connecting to {}:{} took longer than {timeout_after:?}",
                        target.host, target.port
                    ),
                )
            })?
    }

    async fn open(&self, target: &Target, uri: &Uri) -> Result<Stream, ConnectError> {
        let Target { host, port, tls } = target;
        let proxy = self
            .proxies
            .route(uri)
            .map_err(|e| err(TransportErrorKind::Proxy, e.to_string()))?;
        let (dial_host, dial_port, what) = match proxy {
            Some(p) => (p.host(), p.port(), "proxy "),
            None => (host.as_str(), *port, ""),
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
            Some((p, ProxyKind::Socks5)) => socks5(&mut tcp, p, host, *port).await?,
            Some((p, _)) => tunnel(&mut tcp, p, host, *port).await?,
            None => {}
        }
        if !tls {
            return Ok(Stream::Plain(tcp));
        }
        let config = self.tls.clone().map_err(|e| {
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
        let stream = futures_rustls::TlsConnector::from(config)
            .connect(name, tcp)
            .await
            .map_err(|e| {
                err(
                    TransportErrorKind::Tls,
                    format!("TLS handshake with {host}: {e}"),
                )
            })?;
        Ok(Stream::Tls(Box::new(stream)))
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

impl tower_service::Service<Uri> for Connector {
    type Response = FuturesIo<Stream>;
    type Error = ConnectError;
    type Future = Pin<Box<dyn Future<Output = Result<FuturesIo<Stream>, ConnectError>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let this = self.clone();
        Box::pin(async move { this.connect(&uri).await.map(FuturesIo) })
    }
}

/// A caller-supplied way to start a background task.
pub(crate) type SpawnFn = Arc<dyn Fn(BoxFuture<'static, ()>) + Send + Sync>;

/// Runs hyper's connection tasks (one per open connection: it reads and writes the socket
/// while requests come and go, and keeps idle pooled connections answered).
///
/// By default on the transport's own executor (see [`background`]); or through the
/// function given to the builder (`async_std::task::spawn`, `smol::spawn`, an app's
/// executor).
#[derive(Clone, Default)]
pub(crate) struct Spawner(pub(crate) Option<SpawnFn>);

impl std::fmt::Debug for Spawner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Spawner(custom)"
        } else {
            "Spawner(background)"
        })
    }
}

impl<F> hyper::rt::Executor<F> for Spawner
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    fn execute(&self, fut: F) {
        let task: BoxFuture<'static, ()> = Box::pin(async move {
            let _ = fut.await;
        });
        match &self.0 {
            Some(spawn) => spawn(task),
            None => background().spawn(task).detach(),
        }
    }
}

/// The default executor: one `async-executor` run by a thread of its own
/// (`slack-transport-io`), started on first use, on async-io's reactor. It belongs to no
/// runtime, so the transport works the same under smol, async-std, or `async_io::block_on`;
/// the tasks it runs only move bytes between a socket and hyper.
pub(crate) fn background() -> &'static async_executor::Executor<'static> {
    static EXECUTOR: async_executor::Executor<'static> = async_executor::Executor::new();
    static START: Once = Once::new();
    START.call_once(|| {
        // If the thread cannot start (the process is out of threads) requests still fail
        // cleanly: their deadline passes.
        let _ = std::thread::Builder::new()
            .name("slack-transport-io".into())
            .spawn(|| {
                async_io::block_on(EXECUTOR.run(std::future::pending::<()>()));
            });
    });
    &EXECUTOR
}

/// hyper's pool timer on async-io.
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
