//! HTTP proxies for transports: explicit, or from `HTTPS_PROXY` / `HTTP_PROXY` /
//! `ALL_PROXY` with `NO_PROXY`; and the `CONNECT` tunnel request and answer, sans-IO.

use std::fmt;

use http::Uri;

/// A proxy reached with `CONNECT` (for both `http` and `https` targets).
#[derive(Clone, PartialEq, Eq)]
pub struct Proxy {
    host: String,
    port: u16,
    auth: Option<(String, String)>,
}

impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Proxy")
            .field("host", &self.host)
            .field("port", &self.port)
            .field(
                "auth",
                &self.auth.as_ref().map(|(u, _)| (u.as_str(), "<redacted>")),
            )
            .finish()
    }
}

impl Proxy {
    /// A proxy from a URL such as `http://user:pass@proxy.local:3128`. `None` if it does not
    /// parse or has no host.
    pub fn parse(url: &str) -> Option<Proxy> {
        let url = url.trim();
        let with_scheme = if url.contains("://") {
            url.to_owned()
        } else {
            format!("http://{url}")
        };
        let (scheme, rest) = with_scheme.split_once("://")?;
        let (authority, _) = rest.split_once('/').unwrap_or((rest, ""));
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
        let uri: Uri = format!("{scheme}://{hostport}").parse().ok()?;
        let host = uri
            .host()?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        if host.is_empty() {
            return None;
        }
        let port = uri
            .port_u16()
            .unwrap_or(if scheme == "https" { 443 } else { 80 });
        let auth = userinfo.map(|u| {
            let (user, pass) = u.split_once(':').unwrap_or((u, ""));
            (percent_decode(user), percent_decode(pass))
        });
        Some(Proxy { host, port, auth })
    }

    /// Use basic authentication.
    pub fn basic_auth(mut self, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.auth = Some((user.into(), password.into()));
        self
    }

    /// The proxy's host.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The proxy's port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `Proxy-Authorization` value, when credentials are set.
    pub fn authorization(&self) -> Option<String> {
        self.auth
            .as_ref()
            .map(|(u, p)| format!("Basic {}", base64(format!("{u}:{p}").as_bytes())))
    }
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// Where a transport's proxies come from.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub enum ProxyConfig {
    /// From `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY`/`NO_PROXY` (the default).
    #[default]
    Env,
    /// Never.
    None,
    /// This one, for every host.
    Explicit(Proxy),
}

/// Proxies resolved for a transport: none, from the environment, or one for every host.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Proxies {
    /// No proxy.
    None,
    /// From the environment.
    Env(EnvProxies),
    /// One for every host.
    Explicit(Proxy),
}

impl Proxies {
    /// Resolve `config` (reading the process environment for [`ProxyConfig::Env`]).
    pub fn resolve(config: ProxyConfig) -> Proxies {
        match config {
            ProxyConfig::Env => Proxies::Env(EnvProxies::from_lookup(|k| std::env::var(k).ok())),
            ProxyConfig::None => Proxies::None,
            ProxyConfig::Explicit(p) => Proxies::Explicit(p),
        }
    }

    /// The proxy for `uri`, if any.
    pub fn for_uri(&self, uri: &Uri) -> Option<&Proxy> {
        match self {
            Proxies::None => None,
            Proxies::Env(e) => e.for_uri(uri),
            Proxies::Explicit(p) => Some(p),
        }
    }
}

// ===== CONNECT, sans-IO =====

/// The `CONNECT` request opening a tunnel to `host:port` through `proxy`.
pub fn connect_request(proxy: &Proxy, host: &str, port: u16) -> String {
    let target = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    let mut req = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n");
    if let Some(auth) = proxy.authorization() {
        req.push_str("Proxy-Authorization: ");
        req.push_str(&auth);
        req.push_str("\r\n");
    }
    req.push_str("\r\n");
    req
}

/// Longest proxy answer head accepted.
pub const MAX_CONNECT_HEAD: usize = 16 * 1024;

/// Whether `head` (the proxy's answer, up to the blank line) accepts the tunnel; `Err` with
/// the status otherwise.
pub fn check_connect_response(head: &[u8]) -> Result<(), u16> {
    let line = String::from_utf8_lossy(head);
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .unwrap_or(0);
    if (200..300).contains(&status) {
        Ok(())
    } else {
        Err(status)
    }
}

/// Standard base64 (for `Proxy-Authorization`).
fn base64(input: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(input)
}

/// Proxy settings read from environment variables.
#[derive(Debug, Clone, Default)]
pub struct EnvProxies {
    https: Option<Proxy>,
    http: Option<Proxy>,
    no_proxy: NoProxy,
}

impl EnvProxies {
    /// Read `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (either case) through
    /// `get` (pass `|k| std::env::var(k).ok()` for the process environment).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Self {
        let var = |name: &str| {
            get(name)
                .or_else(|| get(&name.to_ascii_lowercase()))
                .filter(|v| !v.trim().is_empty())
        };
        let all = var("ALL_PROXY").and_then(|v| Proxy::parse(&v));
        EnvProxies {
            https: var("HTTPS_PROXY")
                .and_then(|v| Proxy::parse(&v))
                .or_else(|| all.clone()),
            http: var("HTTP_PROXY").and_then(|v| Proxy::parse(&v)).or(all),
            no_proxy: NoProxy::parse(&var("NO_PROXY").unwrap_or_default()),
        }
    }

    /// The proxy for `uri`, if any.
    pub fn for_uri(&self, uri: &Uri) -> Option<&Proxy> {
        let host = uri.host()?.trim_start_matches('[').trim_end_matches(']');
        if self.no_proxy.matches(host) {
            return None;
        }
        match uri.scheme_str() {
            Some("https") | Some("wss") => self.https.as_ref(),
            _ => self.http.as_ref(),
        }
    }
}

/// `NO_PROXY`: `*`, host names (a leading dot or not: the host and its subdomains), IPs.
#[derive(Debug, Clone, Default)]
pub struct NoProxy {
    all: bool,
    entries: Vec<String>,
}

impl NoProxy {
    /// Parse a comma-separated list.
    pub fn parse(list: &str) -> Self {
        let mut n = NoProxy::default();
        for e in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            if e == "*" {
                n.all = true;
            } else {
                // Ports are ignored: NO_PROXY matches hosts. `[::1]:80`, `[::1]` and a bare
                // `::1` are IPv6 addresses, not `host:port`.
                let host = if let Some(rest) = e.strip_prefix('[') {
                    rest.split(']').next().unwrap_or(rest)
                } else if e.matches(':').count() > 1 {
                    e
                } else {
                    e.rsplit_once(':')
                        .filter(|(_, p)| p.parse::<u16>().is_ok())
                        .map_or(e, |(h, _)| h)
                };
                n.entries
                    .push(host.trim_start_matches('.').to_ascii_lowercase());
            }
        }
        n
    }

    /// Whether `host` bypasses the proxy.
    pub fn matches(&self, host: &str) -> bool {
        if self.all {
            return true;
        }
        let host = host.to_ascii_lowercase();
        self.entries.iter().any(|e| {
            host == *e
                || (host.len() > e.len()
                    && host.ends_with(e.as_str())
                    && host.as_bytes()[host.len() - e.len() - 1] == b'.')
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_proxy_urls() {
        let p = Proxy::parse("http://user:p%40ss@proxy.local:3128").unwrap();
        assert_eq!((p.host(), p.port()), ("proxy.local", 3128));
        assert_eq!(p.authorization().unwrap(), "Basic dXNlcjpwQHNz");
        assert_eq!(base64(b"bot:s3cret"), "Ym90OnMzY3JldA==");
        assert_eq!(base64(b"a"), "YQ==");
        assert_eq!(base64(b""), "");
        assert!(!format!("{p:?}").contains("p@ss"));
        assert_eq!(Proxy::parse("proxy:8080").unwrap().port(), 8080);
        assert_eq!(Proxy::parse("http://proxy").unwrap().port(), 80);
        assert_eq!(Proxy::parse("http://[::1]:9").unwrap().host(), "::1");
        assert!(Proxy::parse("http://").is_none());
    }

    #[test]
    fn env_and_no_proxy() {
        let env = |k: &str| match k {
            "https_proxy" => Some("http://secure:1".to_owned()),
            "HTTP_PROXY" => Some("http://plain:2".to_owned()),
            "NO_PROXY" => Some("localhost, .internal.example,10.0.0.1, slack.test:443".to_owned()),
            _ => None,
        };
        let e = EnvProxies::from_lookup(env);
        let uri = |s: &str| s.parse::<Uri>().unwrap();
        assert_eq!(
            e.for_uri(&uri("https://slack.com/api/")).unwrap().host(),
            "secure"
        );
        assert_eq!(
            e.for_uri(&uri("http://slack.com/api/")).unwrap().host(),
            "plain"
        );
        assert_eq!(
            e.for_uri(&uri("wss://wss.slack.com/x")).unwrap().host(),
            "secure"
        );
        for bypass in [
            "http://localhost:8080/",
            "https://a.internal.example/",
            "https://internal.example/",
            "http://10.0.0.1/",
            "https://slack.test/",
        ] {
            assert!(e.for_uri(&uri(bypass)).is_none(), "{bypass}");
        }
        assert!(e.for_uri(&uri("https://notinternal.example/")).is_some());
        let all =
            EnvProxies::from_lookup(|k| (k == "ALL_PROXY").then(|| "socks-less:3".to_owned()));
        assert_eq!(
            all.for_uri(&uri("https://x/")).unwrap().host(),
            "socks-less"
        );
        let v6 = NoProxy::parse("::1, [fe80::1]:8080, [2001:db8::2]");
        assert!(v6.matches("::1") && v6.matches("fe80::1") && v6.matches("2001:db8::2"));
        assert!(!v6.matches("::2"));
        let star = NoProxy::parse("*");
        assert!(star.matches("anything"));
    }
}

#[cfg(test)]
mod connect_tests {
    use super::*;

    #[test]
    fn connect_request_and_answer() {
        let p = Proxy::parse("http://bot:s3cret@proxy:3128").unwrap();
        assert_eq!(
            connect_request(&p, "slack.com", 443),
            "CONNECT slack.com:443 HTTP/1.1\r\nHost: slack.com:443\r\nProxy-Authorization: Basic Ym90OnMzY3JldA==\r\n\r\n"
        );
        assert!(
            connect_request(&Proxy::parse("proxy:1").unwrap(), "::1", 80)
                .starts_with("CONNECT [::1]:80 ")
        );
        assert_eq!(
            check_connect_response(b"HTTP/1.1 200 Connection established\r\n\r\n"),
            Ok(())
        );
        assert_eq!(
            check_connect_response(b"HTTP/1.1 407 Proxy Authentication Required\r\n\r\n"),
            Err(407)
        );
        assert_eq!(check_connect_response(b"garbage"), Err(0));
    }
}
