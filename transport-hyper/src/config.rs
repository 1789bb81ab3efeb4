//! [`HyperTransportBuilder`]: every setting of a [`HyperTransport`] and its default.

use std::sync::Arc;
use std::time::Duration;

use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer as PoolTimer};
use slack_core::proxy::{EnvProxies, Proxy};
use slack_core::transport::TransportError;
#[cfg(test)]
use slack_core::{proxy::Proxies, transport::TransportErrorKind};
use slack_transport_common::settings::{self, ProxySetting};

use crate::connector::Connector;
use crate::transport::{HyperTransport, Settings};

/// Settings of a [`HyperTransport`], with their defaults.
///
/// Setters take and return the builder by value; [`build`](Self::build) makes the transport.
///
/// ```no_run
/// use std::time::Duration;
/// use slack_transport_hyper::{HyperTransport, Proxy};
///
/// let transport = HyperTransport::builder()
///     .timeout(Duration::from_secs(10))
///     .connect_timeout(Duration::from_secs(3))
///     .max_response_body(8 * 1024 * 1024)
///     .proxy(Proxy::parse("http://user:secret@proxy.internal:3128").expect("a proxy URL"))
///     .build()?;
/// # Ok::<(), slack_core::transport::TransportError>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct HyperTransportBuilder {
    /// The settings every transport has (shared with the async-std transport).
    common: settings::Settings,
    http2: bool,
}

impl Default for HyperTransportBuilder {
    fn default() -> Self {
        HyperTransportBuilder {
            common: settings::Settings::default(),
            http2: true,
        }
    }
}

impl HyperTransportBuilder {
    /// Default settings; the same as [`HyperTransport::builder`].
    pub fn new() -> Self {
        HyperTransportBuilder::default()
    }

    /// Deadline for a whole attempt (connect, send, read the full response) when the request
    /// does not set its own ([`HttpRequest::timeout`](slack_core::transport::HttpRequest)).
    /// Default 30 s.
    ///
    /// When it passes before a connection was ready the error is
    /// [`ConnectTimeout`](slack_core::transport::TransportErrorKind::ConnectTimeout) (nothing
    /// sent); after, it is [`Timeout`](slack_core::transport::TransportErrorKind::Timeout)
    /// (maybe sent). Also bounds the websocket handshake.
    ///
    /// ```no_run
    /// # use std::time::Duration;
    /// let b = slack_transport_hyper::HyperTransport::builder().timeout(Duration::from_secs(5));
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.common.timeout = timeout;
        self
    }

    /// Deadline for opening a connection: DNS, TCP, the proxy tunnel and the TLS handshake.
    /// Default 10 s. A connect timeout means nothing was sent, so even writes may be retried
    /// after one.
    ///
    /// ```no_run
    /// # use std::time::Duration;
    /// let b = slack_transport_hyper::HyperTransport::builder()
    ///     .connect_timeout(Duration::from_secs(2));
    /// ```
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.common.connect_timeout = timeout;
        self
    }

    /// Close pooled connections idle this long. Default 90 s. Slack's front ends close idle
    /// connections after a while; a shorter value avoids reusing one they are closing.
    ///
    /// ```no_run
    /// # use std::time::Duration;
    /// let b = slack_transport_hyper::HyperTransport::builder()
    ///     .pool_idle_timeout(Duration::from_secs(30));
    /// ```
    pub fn pool_idle_timeout(mut self, timeout: Duration) -> Self {
        self.common.pool_idle_timeout = timeout;
        self
    }

    /// Idle connections kept per host. Default 32; `0` disables pooling (a connection per
    /// request).
    ///
    /// ```no_run
    /// let b = slack_transport_hyper::HyperTransport::builder().pool_max_idle_per_host(4);
    /// ```
    pub fn pool_max_idle_per_host(mut self, n: usize) -> Self {
        self.common.pool_max_idle_per_host = n;
        self
    }

    /// Largest response body accepted, in bytes; larger ones fail with
    /// [`BodyTooLarge`](slack_core::transport::TransportErrorKind::BodyTooLarge). Default 64 MiB
    /// (file downloads through the Web API can be large; JSON answers are far smaller).
    ///
    /// ```no_run
    /// let b = slack_transport_hyper::HyperTransport::builder().max_response_body(1 << 20);
    /// ```
    pub fn max_response_body(mut self, bytes: usize) -> Self {
        self.common.max_response_body = bytes;
        self
    }

    /// Use this proxy for every request and websocket, through `CONNECT` (with
    /// `Proxy-Authorization: Basic` when the proxy has credentials). Replaces the default
    /// (the environment) and any earlier proxy setting.
    ///
    /// ```no_run
    /// use slack_transport_hyper::{HyperTransport, Proxy};
    /// let proxy = Proxy::parse("http://proxy.internal:3128").expect("a proxy URL");
    /// let b = HyperTransport::builder().proxy(proxy);
    /// ```
    pub fn proxy(mut self, proxy: Proxy) -> Self {
        self.common.proxy = ProxySetting::Explicit(proxy);
        self
    }

    /// Use no proxy, whatever the environment says.
    ///
    /// By default proxies come from `HTTPS_PROXY`, `HTTP_PROXY` and `ALL_PROXY` (either
    /// case), minus the hosts in `NO_PROXY`, read when the transport is built.
    ///
    /// ```no_run
    /// let b = slack_transport_hyper::HyperTransport::builder().no_proxy();
    /// ```
    pub fn no_proxy(mut self) -> Self {
        self.common.proxy = ProxySetting::None;
        self
    }

    /// Use environment-style proxy settings read from somewhere other than the process
    /// environment (a config file, a test). Replaces any earlier proxy setting.
    ///
    /// ```no_run
    /// use slack_transport_hyper::{EnvProxies, HyperTransport};
    /// let vars = [("HTTPS_PROXY", "http://proxy:3128"), ("NO_PROXY", ".internal")];
    /// let env = EnvProxies::from_lookup(|k| {
    ///     vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
    /// });
    /// let b = HyperTransport::builder().env_proxies(env);
    /// ```
    pub fn env_proxies(mut self, proxies: EnvProxies) -> Self {
        self.common.proxy = ProxySetting::EnvLike(proxies);
        self
    }

    /// Trust this DER-encoded root certificate too (for HTTPS and `wss`). [`build`](Self::build)
    /// fails if it cannot be parsed.
    ///
    /// ```no_run
    /// let der: Vec<u8> = std::fs::read("corp-root.der")?;
    /// let b = slack_transport_hyper::HyperTransport::builder().add_root_certificate(der);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn add_root_certificate(mut self, der: impl Into<Vec<u8>>) -> Self {
        self.common.extra_roots.push(der.into());
        self
    }

    /// Whether to trust the bundled webpki roots (and, with the `native-roots` feature, the
    /// platform's). Default `true`; turn off to trust only the roots added with
    /// [`add_root_certificate`](Self::add_root_certificate).
    ///
    /// ```no_run
    /// # let der = Vec::new();
    /// let b = slack_transport_hyper::HyperTransport::builder()
    ///     .tls_built_in_roots(false)
    ///     .add_root_certificate(der);
    /// ```
    pub fn tls_built_in_roots(mut self, on: bool) -> Self {
        self.common.built_in_roots = on;
        self
    }

    /// Offer HTTP/2 by ALPN over TLS. Default `true`. Plain `http` always uses HTTP/1.1.
    ///
    /// ```no_run
    /// let b = slack_transport_hyper::HyperTransport::builder().http2(false);
    /// ```
    pub fn http2(mut self, on: bool) -> Self {
        self.http2 = on;
        self
    }

    /// Build the transport. Fails (with
    /// [`TransportErrorKind::Tls`](slack_core::transport::TransportErrorKind::Tls)) only when an
    /// added root certificate cannot be used.
    ///
    /// ```no_run
    /// let transport = slack_transport_hyper::HyperTransport::builder().build()?;
    /// # Ok::<(), slack_core::transport::TransportError>(())
    /// ```
    pub fn build(self) -> Result<HyperTransport, TransportError> {
        let mut eager = self.platform_root_store();
        self.common.add_extra_roots(&mut eager)?;
        Ok(self.assemble(eager))
    }

    /// Build with the built-in roots only, which cannot fail to load.
    pub(crate) fn build_infallible(self) -> HyperTransport {
        let eager = self.platform_root_store();
        self.assemble(eager)
    }

    /// The platform's roots (with the `native-roots` feature and the built-in roots on), read
    /// now: reading them is file I/O, which the first TLS connection must not wait on.
    fn platform_root_store(&self) -> rustls::RootCertStore {
        #[allow(unused_mut)]
        let mut roots = rustls::RootCertStore::empty();
        #[cfg(feature = "native-roots")]
        if self.common.built_in_roots {
            let native = rustls_native_certs::load_native_certs();
            for cert in native.certs {
                // A platform certificate rustls cannot parse is skipped, as browsers do.
                let _ = roots.add(cert);
            }
        }
        roots
    }

    /// `eager`: the roots checked or read at build time (the platform's, the added ones).
    /// The bundled roots and rustls' configuration are made on the first TLS connection, so
    /// a client that only speaks plain HTTP (to the emulator, in tests) never loads them.
    fn assemble(self, eager: rustls::RootCertStore) -> HyperTransport {
        let c = &self.common;
        let bundled = c.built_in_roots;
        let tls = Box::new(move || {
            let mut roots = settings::bundled_root_store(bundled);
            roots.roots.extend(eager.roots.iter().cloned());
            settings::tls_config(roots)
        });
        let connector = Connector::new(tls, c.connect_timeout, c.proxies(), self.http2);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(c.pool_idle_timeout)
            .pool_max_idle_per_host(c.pool_max_idle_per_host)
            .pool_timer(PoolTimer::new())
            .build(connector.clone());
        HyperTransport {
            client,
            connector,
            settings: Arc::new(Settings {
                timeout: c.timeout,
                max_response_body: c.max_response_body,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_documented_values() {
        let b = HyperTransportBuilder::default();
        assert_eq!(b.common.timeout, Duration::from_secs(30));
        assert_eq!(b.common.connect_timeout, Duration::from_secs(10));
        assert_eq!(b.common.max_response_body, 64 * 1024 * 1024);
        assert!(b.common.built_in_roots && b.http2);
        assert!(matches!(b.common.proxy, ProxySetting::Env));
    }

    #[test]
    fn last_proxy_setting_wins() {
        let p = Proxy::parse("http://proxy:1").expect("proxy");
        let b = HyperTransportBuilder::new().no_proxy().proxy(p.clone());
        assert!(matches!(b.common.proxies(), Proxies::Explicit(q) if q == p));
        let b = HyperTransportBuilder::new().proxy(p).no_proxy();
        assert!(matches!(b.common.proxies(), Proxies::None));
    }

    #[test]
    fn bad_root_fails_to_build() {
        let e = HyperTransportBuilder::new()
            .no_proxy()
            .add_root_certificate(b"not a certificate".to_vec())
            .build()
            .expect_err("garbage is not a root");
        assert_eq!(e.kind(), TransportErrorKind::Tls);
    }
}
