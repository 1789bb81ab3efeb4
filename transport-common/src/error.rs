//! Turning hyper, hyper-util and connector errors into [`TransportError`]s that say whether
//! the request may have reached the server.
//!
//! The rule: a request can only have been written once hyper-util handed it a connection
//! (we learn that through `capture_connection`). Before that, every failure is *not sent*;
//! after it, every failure except a rejected request is *maybe sent*.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use slack_core::transport::{TransportError, TransportErrorKind};

/// Why a connection could not be opened. Nothing was sent to the server.
///
/// Connectors return it (hyper-util wraps it in its own error); [`client_error`] finds it
/// again and keeps its kind.
#[derive(Debug, Clone)]
pub struct ConnectError {
    /// What failed.
    pub kind: TransportErrorKind,
    /// What happened, without credentials.
    pub message: String,
}

impl ConnectError {
    /// A connect failure of `kind`.
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        ConnectError {
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConnectError {}

impl From<ConnectError> for TransportError {
    fn from(e: ConnectError) -> Self {
        // Connecting comes before writing anything.
        TransportError::new(e.kind, e.message).with_maybe_sent(false)
    }
}

/// `e` and its sources, outermost first.
fn sources<'a>(
    e: &'a (dyn StdError + 'static),
) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    std::iter::successors(Some(e), |e: &&'a (dyn StdError + 'static)| (*e).source())
}

/// Every message in the chain, joined. Our errors never carry header values, and neither do
/// hyper's, so this holds no credentials.
fn chain_message(e: &(dyn StdError + 'static)) -> String {
    let mut out = String::new();
    for s in sources(e) {
        let m = s.to_string();
        // hyper-util repeats its source's text in its own; keep each message once.
        if !m.is_empty() && !out.contains(&m) {
            if !out.is_empty() {
                out.push_str(": ");
            }
            out.push_str(&m);
        }
    }
    out
}

/// The deadline of the whole attempt passed. `connected`: whether hyper-util had handed the
/// request a connection (so it may have been written).
pub fn deadline(timeout: Duration, connected: bool) -> TransportError {
    if connected {
        TransportError::new(
            TransportErrorKind::Timeout,
            format!("no complete response within {timeout:?}"),
        )
        .with_maybe_sent(true)
    } else {
        TransportError::new(
            TransportErrorKind::ConnectTimeout,
            format!("no connection within the request's deadline of {timeout:?}"),
        )
        .with_maybe_sent(false)
    }
}

/// An error from hyper-util's `Client::request`. `connected`: as for [`deadline`].
pub fn client_error(e: hyper_util::client::legacy::Error, connected: bool) -> TransportError {
    if let Some(c) = sources(&e).find_map(|s| s.downcast_ref::<ConnectError>()) {
        return TransportError::new(c.kind, c.message.clone()).with_maybe_sent(false);
    }
    let message = chain_message(&e);
    if e.is_connect() {
        return TransportError::new(TransportErrorKind::Connect, message).with_maybe_sent(false);
    }
    let hyper_err = sources(&e).find_map(|s| s.downcast_ref::<hyper::Error>());
    let io_err = sources(&e).find_map(|s| s.downcast_ref::<std::io::Error>());
    let body_failed = || io_err.is_some();
    let kind = match hyper_err {
        Some(h) if h.is_timeout() => TransportErrorKind::Timeout,
        Some(h) if h.is_incomplete_message() || h.is_canceled() || h.is_closed() => {
            TransportErrorKind::ConnectionDropped
        }
        Some(h) if h.is_parse() || h.is_parse_status() => TransportErrorKind::Protocol,
        // The request body stream failed (or was aborted) while being written, after the
        // head went out.
        Some(h) if h.is_body_write_aborted() => TransportErrorKind::Io,
        Some(h) if h.is_user() && body_failed() => TransportErrorKind::Io,
        Some(h) if h.is_user() => TransportErrorKind::InvalidRequest,
        _ => match io_err {
            Some(io) if !is_drop(io) => TransportErrorKind::Io,
            _ => TransportErrorKind::ConnectionDropped,
        },
    };
    let maybe_sent = connected && kind != TransportErrorKind::InvalidRequest;
    TransportError::new(kind, message).with_maybe_sent(maybe_sent)
}

/// Whether an I/O error means the peer went away.
pub fn is_drop(e: &std::io::Error) -> bool {
    use std::io::ErrorKind as K;
    matches!(
        e.kind(),
        K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe | K::UnexpectedEof
    )
}

/// An error while reading the response body (the request was sent).
pub fn body_error(e: Box<dyn StdError + Send + Sync>) -> TransportError {
    let hyper_err = sources(e.as_ref()).find_map(|s| s.downcast_ref::<hyper::Error>());
    let kind = match hyper_err {
        Some(h) if h.is_timeout() => TransportErrorKind::Timeout,
        Some(h) if h.is_parse() => TransportErrorKind::Protocol,
        _ => TransportErrorKind::ConnectionDropped,
    };
    TransportError::new(
        kind,
        format!("reading the response body: {}", chain_message(e.as_ref())),
    )
    .with_maybe_sent(true)
}

/// The response body is over the limit.
pub fn too_large(limit: usize) -> TransportError {
    TransportError::new(
        TransportErrorKind::BodyTooLarge,
        format!("the response body exceeds the limit of {limit} bytes"),
    )
    .with_maybe_sent(true)
}

/// The request could not be built (bad URL, method or header): nothing was sent.
pub fn invalid(message: impl Into<String>) -> TransportError {
    TransportError::new(TransportErrorKind::InvalidRequest, message).with_maybe_sent(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadline_depends_on_the_connection() {
        let before = deadline(Duration::from_millis(5), false);
        assert_eq!(before.kind(), TransportErrorKind::ConnectTimeout);
        assert!(!before.maybe_sent());
        let after = deadline(Duration::from_millis(5), true);
        assert_eq!(after.kind(), TransportErrorKind::Timeout);
        assert!(after.maybe_sent());
    }

    #[test]
    fn connect_errors_are_not_sent() {
        let e: TransportError = ConnectError::new(TransportErrorKind::Proxy, "407").into();
        assert_eq!(e.kind(), TransportErrorKind::Proxy);
        assert!(!e.maybe_sent());
    }

    #[test]
    fn chain_messages_are_not_repeated() {
        #[derive(Debug)]
        struct Outer(std::io::Error);
        impl fmt::Display for Outer {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "outer")
            }
        }
        impl StdError for Outer {
            fn source(&self) -> Option<&(dyn StdError + 'static)> {
                Some(&self.0)
            }
        }
        let e = Outer(std::io::Error::other("inner"));
        assert_eq!(chain_message(&e), "outer: inner");
    }

    #[test]
    fn body_errors_are_maybe_sent() {
        let e = body_error(Box::new(std::io::Error::other("reset")));
        assert_eq!(e.kind(), TransportErrorKind::ConnectionDropped);
        assert!(e.maybe_sent());
        assert_eq!(too_large(10).kind(), TransportErrorKind::BodyTooLarge);
    }
}
