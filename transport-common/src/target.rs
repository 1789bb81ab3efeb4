//! Where a connection goes: host, port and whether it is TLS, from the request's URI.

use http::Uri;
use slack_core::transport::TransportErrorKind;

use crate::error::ConnectError;

/// The server a connection is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The host, without IPv6 brackets.
    pub host: String,
    /// The port (the scheme's default when the URI has none).
    pub port: u16,
    /// Whether the scheme is `https` or `wss`.
    pub tls: bool,
}

impl Target {
    /// The target of `uri`: `http`, `https`, `ws` or `wss`, with a host. Anything else is an
    /// invalid request (nothing sent).
    pub fn from_uri(uri: &Uri) -> Result<Target, ConnectError> {
        let host = uri
            .host()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| {
                ConnectError::new(TransportErrorKind::InvalidRequest, "URL without a host")
            })?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let tls = match uri.scheme_str() {
            Some("https") | Some("wss") => true,
            Some("http") | Some("ws") => false,
            other => {
                return Err(ConnectError::new(
                    TransportErrorKind::InvalidRequest,
                    format!("unsupported scheme {other:?}"),
                ))
            }
        };
        let port = uri.port_u16().unwrap_or(if tls { 443 } else { 80 });
        Ok(Target { host, port, tls })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn targets() {
        let t = |s: &str| Target::from_uri(&s.parse().unwrap());
        assert_eq!(
            t("wss://[::1]/x").unwrap(),
            Target {
                host: "::1".into(),
                port: 443,
                tls: true
            }
        );
        assert_eq!(t("http://a:8/").unwrap().port, 8);
        assert_eq!(
            t("ftp://a/").unwrap_err().kind,
            TransportErrorKind::InvalidRequest
        );
    }
}
