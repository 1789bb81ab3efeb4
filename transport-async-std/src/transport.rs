//! `AsyncStdTransport`: settings, HTTP, timer and websockets.

use std::sync::Arc;
use std::time::Duration;

use hyper_util::client::legacy::Client;
use slack_core::proxy::{EnvProxies, Proxy};
use slack_core::transport::{
    BoxFuture, HttpRequest, HttpResponse, HttpTransport, Timer, TransportError, TransportErrorKind,
    WsConnection, WsTransport,
};
use slack_transport_common::http::ReqBody;
use slack_transport_common::settings::{self, ProxySetting};
use slack_transport_common::{error, ws};

use crate::io::{timeout, AsyncIoTimer, Connector, Spawner};

/// The async-std and smol transport: HTTP/1.1 with keep-alive pooling (hyper 1 over
/// async-io), TLS with futures-rustls, timeouts, `CONNECT` proxies, and websockets
/// (async-tungstenite). It needs only async-io's reactor, so it runs on smol, on async-std
/// and under a bare `async_io::block_on`, without depending on either runtime.
///
/// hyper's connection tasks run on a small executor of the transport's own unless
/// [`AsyncStdTransportBuilder::spawner`] hands them to the application's.
#[derive(Clone)]
pub struct AsyncStdTransport {
    client: Client<Connector, ReqBody>,
    connector: Connector,
    timeout: Duration,
    max_response_body: usize,
}

impl std::fmt::Debug for AsyncStdTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncStdTransport")
            .field("connector", &self.connector)
            .field("timeout", &self.timeout)
            .field("max_response_body", &self.max_response_body)
            .finish()
    }
}

impl Default for AsyncStdTransport {
    fn default() -> Self {
        AsyncStdTransport::new()
    }
}

impl AsyncStdTransport {
    /// A transport with the default settings (see [`AsyncStdTransportBuilder`]).
    ///
    /// ```no_run
    /// let transport = slack_transport_async_std::AsyncStdTransport::new();
    /// ```
    pub fn new() -> Self {
        let b = AsyncStdTransportBuilder::default();
        // The built-in roots alone cannot fail to load.
        let roots = b.common.built_in_root_store();
        b.assemble(roots)
    }

    /// A builder for other settings.
    ///
    /// ```no_run
    /// let t = slack_transport_async_std::AsyncStdTransport::builder().no_proxy().build()?;
    /// # Ok::<(), slack_core::transport::TransportError>(())
    /// ```
    pub fn builder() -> AsyncStdTransportBuilder {
        AsyncStdTransportBuilder::default()
    }
}

/// Settings of an [`AsyncStdTransport`], with the same meaning and defaults as the hyper
/// transport's.
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct AsyncStdTransportBuilder {
    common: settings::Settings,
    spawner: Spawner,
}

impl AsyncStdTransportBuilder {
    /// Deadline for a whole attempt when the request sets none (default 30 s). When it
    /// passes before a connection was ready the error is `ConnectTimeout` (nothing sent);
    /// after, `Timeout` (maybe sent). Also bounds the websocket handshake.
    pub fn timeout(mut self, t: Duration) -> Self {
        self.common.timeout = t;
        self
    }

    /// Deadline for opening a connection: DNS, TCP, the proxy tunnel and the TLS handshake
    /// (default 10 s).
    pub fn connect_timeout(mut self, t: Duration) -> Self {
        self.common.connect_timeout = t;
        self
    }

    /// Close pooled connections idle this long (default 90 s).
    pub fn pool_idle_timeout(mut self, t: Duration) -> Self {
        self.common.pool_idle_timeout = t;
        self
    }

    /// Idle connections kept per host (default 32; `0` disables pooling).
    pub fn pool_max_idle_per_host(mut self, n: usize) -> Self {
        self.common.pool_max_idle_per_host = n;
        self
    }

    /// Largest response body accepted (default 64 MiB).
    pub fn max_response_body(mut self, bytes: usize) -> Self {
        self.common.max_response_body = bytes;
        self
    }

    /// Use this proxy for every request.
    pub fn proxy(mut self, proxy: Proxy) -> Self {
        self.common.proxy = ProxySetting::Explicit(proxy);
        self
    }

    /// Use no proxy, whatever the environment says. By default proxies come from
    /// `HTTPS_PROXY`, `HTTP_PROXY` and `ALL_PROXY` minus `NO_PROXY`.
    pub fn no_proxy(mut self) -> Self {
        self.common.proxy = ProxySetting::None;
        self
    }

    /// Use environment-style proxy settings read from somewhere other than the process
    /// environment.
    pub fn env_proxies(mut self, proxies: EnvProxies) -> Self {
        self.common.proxy = ProxySetting::EnvLike(proxies);
        self
    }

    /// Trust this DER-encoded root certificate too; [`build`](Self::build) fails if it
    /// cannot be parsed.
    pub fn add_root_certificate(mut self, der: impl Into<Vec<u8>>) -> Self {
        self.common.extra_roots.push(der.into());
        self
    }

    /// Whether to trust the bundled webpki roots (default `true`).
    pub fn tls_built_in_roots(mut self, on: bool) -> Self {
        self.common.built_in_roots = on;
        self
    }

    /// Run hyper's connection tasks with `spawn` instead of the transport's own background
    /// executor (one thread, `slack-transport-io`). Each task moves bytes between one
    /// socket and hyper; `spawn` must start it and let it run to its end.
    ///
    /// ```no_run
    /// use slack_transport_async_std::AsyncStdTransport;
    /// // On async-std:
    /// let t = AsyncStdTransport::builder()
    ///     .spawner(|task| {
    ///         async_std::task::spawn(task);
    ///     })
    ///     .build()?;
    /// # Ok::<(), slack_core::transport::TransportError>(())
    /// ```
    pub fn spawner(
        mut self,
        spawn: impl Fn(BoxFuture<'static, ()>) + Send + Sync + 'static,
    ) -> Self {
        self.spawner = Spawner(Some(Arc::new(spawn)));
        self
    }

    /// Build; fails only on an unusable added root certificate.
    pub fn build(self) -> Result<AsyncStdTransport, TransportError> {
        let mut roots = self.common.built_in_root_store();
        self.common.add_extra_roots(&mut roots)?;
        Ok(self.assemble(roots))
    }

    fn assemble(self, roots: rustls::RootCertStore) -> AsyncStdTransport {
        let c = &self.common;
        let tls = settings::with_alpn(&settings::tls_config(roots), &[b"http/1.1"]);
        let connector = Connector {
            tls,
            connect_timeout: c.connect_timeout,
            proxies: Arc::new(c.proxies()),
        };
        let client = Client::builder(self.spawner.clone())
            .pool_timer(AsyncIoTimer)
            .pool_idle_timeout(c.pool_idle_timeout)
            .pool_max_idle_per_host(c.pool_max_idle_per_host)
            .build(connector.clone());
        AsyncStdTransport {
            client,
            connector,
            timeout: c.timeout,
            max_response_body: c.max_response_body,
        }
    }
}

impl HttpTransport for AsyncStdTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(slack_transport_common::http::send(
            &self.client,
            request,
            self.timeout,
            self.max_response_body,
            |d| async move {
                async_io::Timer::after(d).await;
            },
        ))
    }

    fn default_retry_policy(&self) -> slack_core::RetryPolicy {
        slack_retry::default_policy()
    }
}

impl Timer for AsyncStdTransport {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(async move {
            async_io::Timer::after(duration).await;
        })
    }
}

// ===== websockets =====

impl WsTransport for AsyncStdTransport {
    fn connect(
        &self,
        url: &str,
        headers: &http::HeaderMap,
    ) -> BoxFuture<'_, Result<WsConnection, TransportError>> {
        let request = ws::client_request(url, headers);
        Box::pin(async move {
            let request = request?;
            let uri = request.uri().clone();
            // One deadline for connecting and the handshake, as for an HTTP request.
            let limit = self.timeout;
            let deadline = std::time::Instant::now() + limit;
            let stream = timeout(limit, self.connector.connect(&uri))
                .await
                .ok_or_else(|| error::deadline(limit, false))??;
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let handshake = async_tungstenite::client_async_with_config(
                request,
                slack_transport_common::ReadAhead::new(stream),
                Some(ws::config()),
            );
            // No message was sent before the handshake completed.
            let (ws, _response) = timeout(left, handshake)
                .await
                .ok_or_else(|| {
                    TransportError::new(
                        TransportErrorKind::Timeout,
                        format!("no websocket handshake within {limit:?}"),
                    )
                    .with_maybe_sent(false)
                })?
                .map_err(ws::handshake_error)?;
            Ok(ws::connection(ws))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transport_is_clone_send_sync() {
        fn check<T: Clone + Send + Sync + 'static>() {}
        check::<AsyncStdTransport>();
    }
}
