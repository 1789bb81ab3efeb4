//! The settings every transport builder has, their defaults, and what they resolve to:
//! proxies, root certificates and the rustls client configuration.

use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::CertificateDer;
use slack_core::proxy::{EnvProxies, Proxies, Proxy, ProxyConfig};
use slack_core::transport::{TransportError, TransportErrorKind};

/// Default deadline of a whole attempt.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default deadline of opening a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default limit of a response body.
pub const DEFAULT_MAX_RESPONSE_BODY: usize = 64 * 1024 * 1024;
/// Default time a pooled connection may stay idle.
pub const DEFAULT_POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);
/// Default number of idle pooled connections per host.
pub const DEFAULT_POOL_MAX_IDLE_PER_HOST: usize = 32;

/// Where the proxy comes from.
#[derive(Debug, Clone, Default)]
pub enum ProxySetting {
    /// The process environment, read when the transport is built.
    #[default]
    Env,
    /// Environment-style settings read by the caller.
    EnvLike(EnvProxies),
    /// None.
    None,
    /// This one for every host.
    Explicit(Proxy),
}

/// The settings both transports' builders share. Each builder holds one and documents its
/// setters; the values mean the same everywhere.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Deadline of a whole attempt when the request sets none.
    pub timeout: Duration,
    /// Deadline of opening a connection (DNS, TCP, the proxy tunnel, TLS).
    pub connect_timeout: Duration,
    /// Close pooled connections idle this long.
    pub pool_idle_timeout: Duration,
    /// Idle connections kept per host.
    pub pool_max_idle_per_host: usize,
    /// Largest response body accepted.
    pub max_response_body: usize,
    /// Where proxies come from.
    pub proxy: ProxySetting,
    /// DER-encoded roots trusted besides the built-in ones.
    pub extra_roots: Vec<Vec<u8>>,
    /// Whether to trust the bundled webpki roots.
    pub built_in_roots: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            pool_idle_timeout: DEFAULT_POOL_IDLE_TIMEOUT,
            pool_max_idle_per_host: DEFAULT_POOL_MAX_IDLE_PER_HOST,
            max_response_body: DEFAULT_MAX_RESPONSE_BODY,
            proxy: ProxySetting::Env,
            extra_roots: Vec::new(),
            built_in_roots: true,
        }
    }
}

impl Settings {
    /// The proxies, reading the process environment for [`ProxySetting::Env`].
    pub fn proxies(&self) -> Proxies {
        match &self.proxy {
            ProxySetting::Env => Proxies::resolve(ProxyConfig::Env),
            ProxySetting::EnvLike(env) => Proxies::Env(env.clone()),
            ProxySetting::None => Proxies::None,
            ProxySetting::Explicit(p) => Proxies::Explicit(p.clone()),
        }
    }

    /// The bundled webpki roots when [`built_in_roots`](Self::built_in_roots) is on, else
    /// none. Cannot fail.
    pub fn built_in_root_store(&self) -> rustls::RootCertStore {
        bundled_root_store(self.built_in_roots)
    }

    /// Add the [`extra_roots`](Self::extra_roots) to `roots`; fails (TLS, not sent) on one
    /// rustls cannot use.
    pub fn add_extra_roots(&self, roots: &mut rustls::RootCertStore) -> Result<(), TransportError> {
        for der in &self.extra_roots {
            roots.add(CertificateDer::from(der.clone())).map_err(|e| {
                TransportError::new(
                    TransportErrorKind::Tls,
                    format!("unusable root certificate: {e}"),
                )
                .with_maybe_sent(false)
            })?;
        }
        Ok(())
    }
}

/// A rustls client configuration (ring provider, safe default versions) trusting `roots`.
///
/// With the ring provider the default protocol versions are always available; the error is
/// kept anyway, as text, so a transport can report it on its first TLS connection rather
/// than panic.
pub fn tls_config(roots: rustls::RootCertStore) -> Result<rustls::ClientConfig, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map(|b| b.with_root_certificates(roots).with_no_client_auth())
        .map_err(|e| e.to_string())
}

/// `config` with these ALPN protocols, shared.
pub fn with_alpn(
    config: &Result<rustls::ClientConfig, String>,
    alpn: &[&[u8]],
) -> Result<Arc<rustls::ClientConfig>, String> {
    config.clone().map(|mut c| {
        c.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
        Arc::new(c)
    })
}

/// The bundled webpki roots when `on`, else an empty store (what
/// [`Settings::built_in_root_store`] gives, for a caller that keeps only the flag).
pub fn bundled_root_store(on: bool) -> rustls::RootCertStore {
    let mut roots = rustls::RootCertStore::empty();
    if on {
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    }
    roots
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn defaults_and_roots() {
        let s = Settings::default();
        assert_eq!(s.timeout, Duration::from_secs(30));
        assert_eq!(s.connect_timeout, Duration::from_secs(10));
        assert_eq!(s.max_response_body, 64 * 1024 * 1024);
        assert!(!s.built_in_root_store().is_empty());
        let none = Settings {
            built_in_roots: false,
            extra_roots: vec![b"not a certificate".to_vec()],
            ..Settings::default()
        };
        let mut roots = none.built_in_root_store();
        assert!(roots.is_empty());
        let e = none.add_extra_roots(&mut roots).unwrap_err();
        assert_eq!(e.kind(), TransportErrorKind::Tls);
        let c = with_alpn(&tls_config(roots), &[b"http/1.1"]).unwrap();
        assert_eq!(c.alpn_protocols, vec![b"http/1.1".to_vec()]);
    }

    #[test]
    fn proxy_settings() {
        let p = Proxy::parse("http://proxy:1").unwrap();
        let s = Settings {
            proxy: ProxySetting::Explicit(p.clone()),
            ..Settings::default()
        };
        assert!(matches!(s.proxies(), Proxies::Explicit(q) if q == p));
        let s = Settings {
            proxy: ProxySetting::None,
            ..Settings::default()
        };
        assert!(matches!(s.proxies(), Proxies::None));
    }
}
