//! Tokens, kept out of `Debug`, `Display`, logs and errors.

use std::fmt;
use std::sync::Arc;

/// A Slack token (`xoxb-…`, `xoxp-…`, `xapp-…`, …).
///
/// Its `Debug` shows only the token kind, never the secret:
/// ```
/// let t = slack_core::Token::new("xoxb-1234-secret");
/// assert_eq!(format!("{t:?}"), "Token(xoxb-<redacted>)");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Token(Arc<str>);

impl Token {
    /// Wrap a token string.
    pub fn new(token: impl Into<String>) -> Self {
        Token(Arc::from(token.into()))
    }

    /// The secret itself, for building the `Authorization` header.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The token's kind prefix (`xoxb`, `xoxp`, …) when it has a recognisable one.
    pub fn kind(&self) -> Option<&str> {
        let (prefix, _) = self.0.split_once('-')?;
        if prefix.len() <= 5
            && prefix.starts_with('x')
            && prefix.bytes().all(|b| b.is_ascii_alphabetic())
        {
            Some(prefix)
        } else {
            None
        }
    }

    /// Whether the token is empty.
    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind() {
            Some(k) => write!(f, "Token({k}-<redacted>)"),
            None => f.write_str("Token(<redacted>)"),
        }
    }
}

impl From<String> for Token {
    fn from(s: String) -> Self {
        Token::new(s)
    }
}

impl From<&str> for Token {
    fn from(s: &str) -> Self {
        Token::new(s)
    }
}

impl From<&String> for Token {
    fn from(s: &String) -> Self {
        Token::new(s.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_secret() {
        for raw in [
            "xoxb-1-2-abc",
            "secret",
            "",
            "xoxp-",
            "x-long-prefix-is-not-a-kind",
        ] {
            let s = format!("{:?}", Token::new(raw));
            if raw.len() > 5 {
                assert!(!s.contains(raw), "{s}");
            }
            assert!(s.contains("<redacted>"));
        }
        assert!(Token::new("  ").is_empty());
    }
}
