//! Proxies for transports: explicit, or from `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY`
//! with `NO_PROXY`; the `CONNECT` tunnel request and answer and the SOCKS5 handshake,
//! sans-IO.
//!
//! | Proxy URL | How it is used |
//! |---|---|
//! | `http://[user:pass@]host[:port]` (or no scheme) | `CONNECT` tunnel, `Proxy-Authorization: Basic` when credentials are given |
//! | `socks5://…`, `socks5h://…` | SOCKS5 (RFC 1928) with optional user/password (RFC 1929); the proxy resolves host names (both schemes: no DNS lookups leak around the proxy) |
//! | `https://…` and any other scheme | refused with [`ProxyError::UnsupportedScheme`]: a TLS connection *to* the proxy is not implemented, and dialling it in plain TCP would send the request (and the proxy password) in clear |
//!
//! A refused proxy from the environment is not skipped: every connection it would carry
//! fails with a [`TransportErrorKind::Proxy`](crate::transport::TransportErrorKind::Proxy)
//! error that says why ([`Proxies::route`]), rather than silently going around it.

use std::fmt;
use std::net::IpAddr;

use http::Uri;

/// Why a proxy cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProxyError {
    /// The proxy URL's scheme is not one this SDK speaks (`https://`: TLS to the proxy;
    /// `socks4://`, …). Nothing is sent to such a proxy.
    #[error("{scheme}:// proxies are not supported ({why}); nothing was sent. Use an http:// (CONNECT) or socks5:// proxy")]
    UnsupportedScheme {
        /// The scheme given.
        scheme: String,
        /// Why it is refused.
        why: &'static str,
    },
    /// The proxy URL does not parse or has no host.
    #[error("invalid proxy URL (no host, or malformed)")]
    Invalid,
    /// The SOCKS5 proxy refused or broke the handshake.
    #[error("SOCKS5 proxy: {0}")]
    Socks5(String),
}

/// How a proxy is spoken to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProxyKind {
    /// HTTP `CONNECT` over plain TCP.
    Http,
    /// SOCKS5 (the proxy resolves host names).
    Socks5,
}

/// A proxy: an HTTP `CONNECT` proxy or a SOCKS5 one.
#[derive(Clone, PartialEq, Eq)]
pub struct Proxy {
    kind: ProxyKind,
    host: String,
    port: u16,
    auth: Option<(String, String)>,
}

impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Proxy")
            .field("kind", &self.kind)
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
    /// A proxy from a URL such as `http://user:pass@proxy.local:3128` or
    /// `socks5://proxy.local:1080`. `None` if it does not parse, has no host, or has a
    /// scheme that is not supported (see [`try_parse`](Self::try_parse) for why).
    pub fn parse(url: &str) -> Option<Proxy> {
        Proxy::try_parse(url).ok()
    }

    /// [`parse`](Self::parse) with the reason a URL is refused.
    ///
    /// ```
    /// use slack_core::proxy::{Proxy, ProxyError, ProxyKind};
    /// assert_eq!(Proxy::try_parse("socks5://u:p@127.0.0.1:1080").unwrap().kind(), ProxyKind::Socks5);
    /// assert!(matches!(
    ///     Proxy::try_parse("https://user:secret@proxy:443"),
    ///     Err(ProxyError::UnsupportedScheme { .. })
    /// ));
    /// ```
    pub fn try_parse(url: &str) -> Result<Proxy, ProxyError> {
        let url = url.trim();
        let with_scheme = if url.contains("://") {
            url.to_owned()
        } else {
            format!("http://{url}")
        };
        let (scheme, rest) = with_scheme.split_once("://").ok_or(ProxyError::Invalid)?;
        let scheme = scheme.to_ascii_lowercase();
        let (kind, default_port) = match scheme.as_str() {
            "http" => (ProxyKind::Http, 80),
            "socks5" | "socks5h" => (ProxyKind::Socks5, 1080),
            "https" => {
                return Err(ProxyError::UnsupportedScheme {
                    scheme,
                    why: "TLS to the proxy is not implemented, and plain TCP would expose the request and Proxy-Authorization",
                })
            }
            _ => {
                return Err(ProxyError::UnsupportedScheme {
                    scheme,
                    why: "unknown proxy protocol",
                })
            }
        };
        let (authority, _) = rest.split_once('/').unwrap_or((rest, ""));
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
        let uri: Uri = format!("http://{hostport}")
            .parse()
            .map_err(|_| ProxyError::Invalid)?;
        let host = uri
            .host()
            .ok_or(ProxyError::Invalid)?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        if host.is_empty() {
            return Err(ProxyError::Invalid);
        }
        let port = uri.port_u16().unwrap_or(default_port);
        let auth = userinfo.map(|u| {
            let (user, pass) = u.split_once(':').unwrap_or((u, ""));
            (percent_decode(user), percent_decode(pass))
        });
        Ok(Proxy {
            kind,
            host,
            port,
            auth,
        })
    }

    /// How the proxy is spoken to.
    pub fn kind(&self) -> ProxyKind {
        self.kind
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

    /// The proxy for `uri`, if any (a refused one counts as none; transports use
    /// [`route`](Self::route)).
    pub fn for_uri(&self, uri: &Uri) -> Option<&Proxy> {
        self.route(uri).ok().flatten()
    }

    /// How to reach `uri`: directly (`Ok(None)`), through a proxy, or not at all because
    /// the proxy configured for it is refused (`Err`: fail the connection, send nothing).
    pub fn route(&self, uri: &Uri) -> Result<Option<&Proxy>, ProxyError> {
        match self {
            Proxies::None => Ok(None),
            Proxies::Env(e) => e.route(uri),
            Proxies::Explicit(p) => Ok(Some(p)),
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

// ===== SOCKS5, sans-IO =====

/// What the driver of a [`Socks5Handshake`] does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Socks5Step {
    /// Write these bytes to the proxy.
    Write(Vec<u8>),
    /// Read exactly this many bytes and give them to
    /// [`handle_input`](Socks5Handshake::handle_input).
    Read(usize),
    /// The tunnel is open: speak to the target (TLS, HTTP) over the same stream.
    Done,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Socks5State {
    Method,
    Auth,
    ReplyHead,
    ReplyNameLen,
    ReplyRest,
    Done,
}

/// The client side of a SOCKS5 `CONNECT` (RFC 1928) with optional user/password
/// authentication (RFC 1929), as a state machine over bytes.
///
/// ```
/// use slack_core::proxy::{Proxy, Socks5Handshake, Socks5Step};
/// let proxy = Proxy::parse("socks5://127.0.0.1:1080").unwrap();
/// let mut hs = Socks5Handshake::new(&proxy, "slack.com", 443).unwrap();
/// assert_eq!(hs.poll_step(), Socks5Step::Write(vec![5, 1, 0]));
/// assert_eq!(hs.poll_step(), Socks5Step::Read(2));
/// hs.handle_input(&[5, 0]).unwrap();
/// let Socks5Step::Write(connect) = hs.poll_step() else { unreachable!() };
/// assert_eq!(&connect[..5], &[5, 1, 0, 3, 9]);
/// assert_eq!(hs.poll_step(), Socks5Step::Read(4));
/// hs.handle_input(&[5, 0, 0, 1]).unwrap();
/// assert_eq!(hs.poll_step(), Socks5Step::Read(6));
/// hs.handle_input(&[127, 0, 0, 1, 4, 56]).unwrap();
/// assert_eq!(hs.poll_step(), Socks5Step::Done);
/// ```
#[derive(Clone)]
pub struct Socks5Handshake {
    state: Socks5State,
    auth: Option<(String, String)>,
    connect: Vec<u8>,
    out: Option<Vec<u8>>,
    want: usize,
}

impl fmt::Debug for Socks5Handshake {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Socks5Handshake")
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl Socks5Handshake {
    /// A handshake through `proxy` to `host:port`. Fails for a host name or credential
    /// longer than SOCKS5 allows (255 bytes).
    pub fn new(proxy: &Proxy, host: &str, port: u16) -> Result<Self, ProxyError> {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let mut connect = vec![5, 1, 0];
        match host.parse::<IpAddr>() {
            Ok(IpAddr::V4(ip)) => {
                connect.push(1);
                connect.extend_from_slice(&ip.octets());
            }
            Ok(IpAddr::V6(ip)) => {
                connect.push(4);
                connect.extend_from_slice(&ip.octets());
            }
            Err(_) => {
                let len = u8::try_from(host.len())
                    .map_err(|_| ProxyError::Socks5("host name longer than 255 bytes".into()))?;
                connect.push(3);
                connect.push(len);
                connect.extend_from_slice(host.as_bytes());
            }
        }
        connect.extend_from_slice(&port.to_be_bytes());
        if let Some((u, p)) = &proxy.auth {
            if u.len() > 255 || p.len() > 255 || u.is_empty() {
                return Err(ProxyError::Socks5(
                    "user name and password must be 1 to 255 bytes".into(),
                ));
            }
        }
        let greeting = if proxy.auth.is_some() {
            vec![5, 2, 0, 2]
        } else {
            vec![5, 1, 0]
        };
        Ok(Socks5Handshake {
            state: Socks5State::Method,
            auth: proxy.auth.clone(),
            connect,
            out: Some(greeting),
            want: 2,
        })
    }

    /// The next thing to do.
    pub fn poll_step(&mut self) -> Socks5Step {
        if let Some(out) = self.out.take() {
            return Socks5Step::Write(out);
        }
        match self.state {
            Socks5State::Done => Socks5Step::Done,
            _ => Socks5Step::Read(self.want),
        }
    }

    /// The bytes of the last [`Socks5Step::Read`].
    pub fn handle_input(&mut self, bytes: &[u8]) -> Result<(), ProxyError> {
        let fail = |m: &str| Err(ProxyError::Socks5(m.to_owned()));
        if bytes.len() != self.want {
            return fail("short read");
        }
        match self.state {
            Socks5State::Method => match bytes {
                [5, 0] => self.send_connect(),
                [5, 2] => {
                    let Some((u, p)) = &self.auth else {
                        return fail("the proxy asked for a password and none was given");
                    };
                    let mut req = vec![1, u.len() as u8];
                    req.extend_from_slice(u.as_bytes());
                    req.push(p.len() as u8);
                    req.extend_from_slice(p.as_bytes());
                    self.out = Some(req);
                    self.state = Socks5State::Auth;
                    self.want = 2;
                }
                [5, 0xFF] => {
                    return fail(if self.auth.is_some() {
                        "no acceptable authentication method"
                    } else {
                        "no acceptable authentication method (the proxy may need a user name and password)"
                    })
                }
                [5, _] => return fail("the proxy chose a method that was not offered"),
                _ => return fail("not a SOCKS5 answer"),
            },
            Socks5State::Auth => match bytes {
                [1, 0] => self.send_connect(),
                _ => return fail("the proxy rejected the user name or password"),
            },
            Socks5State::ReplyHead => {
                if bytes[0] != 5 {
                    return fail("not a SOCKS5 answer");
                }
                if bytes[1] != 0 {
                    let why = match bytes[1] {
                        1 => "general failure",
                        2 => "connection not allowed by ruleset",
                        3 => "network unreachable",
                        4 => "host unreachable",
                        5 => "connection refused by the target",
                        6 => "TTL expired",
                        7 => "command not supported",
                        8 => "address type not supported",
                        _ => "unknown error",
                    };
                    return Err(ProxyError::Socks5(format!(
                        "the proxy refused the connection: {why}"
                    )));
                }
                match bytes[3] {
                    1 => self.expect(Socks5State::ReplyRest, 4 + 2),
                    4 => self.expect(Socks5State::ReplyRest, 16 + 2),
                    3 => self.expect(Socks5State::ReplyNameLen, 1),
                    _ => return fail("unknown address type in the answer"),
                }
            }
            Socks5State::ReplyNameLen => {
                self.expect(Socks5State::ReplyRest, usize::from(bytes[0]) + 2)
            }
            Socks5State::ReplyRest => {
                self.state = Socks5State::Done;
                self.want = 0;
            }
            Socks5State::Done => return fail("input after the handshake"),
        }
        Ok(())
    }

    fn send_connect(&mut self) {
        self.out = Some(std::mem::take(&mut self.connect));
        self.expect(Socks5State::ReplyHead, 4);
    }

    fn expect(&mut self, state: Socks5State, n: usize) {
        self.state = state;
        self.want = n;
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
    https: Option<Result<Proxy, ProxyError>>,
    http: Option<Result<Proxy, ProxyError>>,
    no_proxy: NoProxy,
}

impl EnvProxies {
    /// Read `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (either case) through
    /// `get` (pass `|k| std::env::var(k).ok()` for the process environment). A value that
    /// is refused (`https://…`, an unknown scheme, garbage) is kept as a refusal: see
    /// [`route`](Self::route).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Self {
        let var = |name: &str| {
            get(name)
                .or_else(|| get(&name.to_ascii_lowercase()))
                .filter(|v| !v.trim().is_empty())
        };
        let all = var("ALL_PROXY").map(|v| Proxy::try_parse(&v));
        EnvProxies {
            https: var("HTTPS_PROXY")
                .map(|v| Proxy::try_parse(&v))
                .or_else(|| all.clone()),
            http: var("HTTP_PROXY").map(|v| Proxy::try_parse(&v)).or(all),
            no_proxy: NoProxy::parse(&var("NO_PROXY").unwrap_or_default()),
        }
    }

    /// The usable proxy for `uri`, if any (a refused one counts as none; transports use
    /// [`route`](Self::route)).
    pub fn for_uri(&self, uri: &Uri) -> Option<&Proxy> {
        self.route(uri).ok().flatten()
    }

    /// How to reach `uri`: directly, through a proxy, or not at all (`Err`) because the
    /// variable that applies names a proxy that is refused.
    pub fn route(&self, uri: &Uri) -> Result<Option<&Proxy>, ProxyError> {
        let Some(host) = uri.host() else {
            return Ok(None);
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if self.no_proxy.matches(host) {
            return Ok(None);
        }
        let chosen = match uri.scheme_str() {
            Some("https") | Some("wss") => self.https.as_ref(),
            _ => self.http.as_ref(),
        };
        match chosen {
            None => Ok(None),
            Some(Ok(p)) => Ok(Some(p)),
            Some(Err(e)) => Err(e.clone()),
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
    fn schemes_and_refusals() {
        assert_eq!(Proxy::parse("socks5h://h").unwrap().port(), 1080);
        assert_eq!(
            Proxy::parse("SOCKS5://h:9").unwrap().kind(),
            ProxyKind::Socks5
        );
        assert_eq!(Proxy::parse("h:9").unwrap().kind(), ProxyKind::Http);
        for refused in ["https://u:secret@p:443", "socks4://p:1"] {
            let e = Proxy::try_parse(refused).unwrap_err();
            assert!(matches!(e, ProxyError::UnsupportedScheme { .. }), "{e:?}");
            assert!(!e.to_string().contains("secret"));
        }
        // From the environment, a refused proxy is a refusal, not "no proxy".
        let env = EnvProxies::from_lookup(|k| match k {
            "HTTPS_PROXY" => Some("https://u:secret@p:443".to_owned()),
            "ALL_PROXY" => Some("socks5://s:1080".to_owned()),
            _ => None,
        });
        let uri = |s: &str| s.parse::<Uri>().unwrap();
        assert!(matches!(
            env.route(&uri("https://slack.com/")),
            Err(ProxyError::UnsupportedScheme { .. })
        ));
        assert_eq!(
            env.route(&uri("http://x/")).unwrap().map(Proxy::kind),
            Some(ProxyKind::Socks5)
        );
    }

    fn drive(hs: &mut Socks5Handshake, answers: &[&[u8]]) -> Result<Vec<Vec<u8>>, ProxyError> {
        let mut written = Vec::new();
        let mut answers = answers.iter();
        loop {
            match hs.poll_step() {
                Socks5Step::Write(b) => written.push(b),
                Socks5Step::Read(n) => {
                    let a = answers.next().copied().unwrap_or(&[]);
                    assert_eq!(a.len(), n, "the machine asked for {n} bytes");
                    hs.handle_input(a)?;
                }
                Socks5Step::Done => return Ok(written),
            }
        }
    }

    #[test]
    fn socks5_with_a_password_and_a_name_reply() {
        let p = Proxy::parse("socks5://bot:s3cret@127.0.0.1:1080").unwrap();
        let mut hs = Socks5Handshake::new(&p, "::1", 8443).unwrap();
        let w = drive(
            &mut hs,
            &[&[5, 2], &[1, 0], &[5, 0, 0, 3], &[4], b"abcd\x01\xbb"],
        )
        .unwrap();
        assert_eq!(w[0], [5, 2, 0, 2]);
        assert_eq!(w[1], b"\x01\x03bot\x06s3cret");
        assert_eq!(w[2][..4], [5, 1, 0, 4]);
        assert_eq!(w[2][w[2].len() - 2..], 8443u16.to_be_bytes());
        let mut bad = Socks5Handshake::new(&p, "x", 1).unwrap();
        let e = drive(&mut bad, &[&[5, 2], &[1, 1]]).unwrap_err();
        assert!(e.to_string().contains("rejected the user name"), "{e}");
        let mut refused = Socks5Handshake::new(&p, "x", 1).unwrap();
        let e = drive(&mut refused, &[&[5, 0], &[5, 5, 0, 1]]).unwrap_err();
        assert!(e.to_string().contains("refused"), "{e}");
        let anon = Proxy::parse("socks5://127.0.0.1:1").unwrap();
        let mut needs = Socks5Handshake::new(&anon, "x", 1).unwrap();
        assert!(drive(&mut needs, &[&[5, 0xFF]]).is_err());
    }

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
