//! Small helpers shared by the core modules.

use std::fmt;
use std::time::Duration;

use http::HeaderMap;

/// Longest body excerpt carried by errors and `Debug` output.
pub(crate) const EXCERPT_LEN: usize = 256;

/// Parse `Retry-After` in its seconds form. Fractional seconds are accepted; anything else
/// (an HTTP date, garbage, a negative number) gives `None`.
pub(crate) fn parse_retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    parse_seconds(v)
}

pub(crate) fn parse_seconds(v: &str) -> Option<Duration> {
    if let Ok(n) = v.parse::<u64>() {
        return Some(Duration::from_secs(n.min(MAX_RETRY_AFTER_SECS)));
    }
    let f = v.parse::<f64>().ok()?;
    if f.is_finite() && f >= 0.0 {
        Some(Duration::from_secs_f64(f.min(MAX_RETRY_AFTER_SECS as f64)))
    } else {
        None
    }
}

/// A `Retry-After` beyond a day is treated as a day: it is surely a server bug.
const MAX_RETRY_AFTER_SECS: u64 = 86_400;

/// A short, lossy, printable excerpt of a body, websocket URLs redacted.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let cut = &body[..body.len().min(EXCERPT_LEN)];
    let mut s = redact_ws_urls(&String::from_utf8_lossy(cut));
    if body.len() > EXCERPT_LEN {
        s.push('…');
    }
    s
}

/// `text` with the path and query of every `ws://`/`wss://` URL in it replaced by
/// `<redacted>` (they carry RTM and Socket Mode session tickets). Handles JSON's escaped
/// slashes (`wss:\/\/host\/path`).
pub(crate) fn redact_ws_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = find_ws_scheme(rest) {
        let (before, url) = rest.split_at(at);
        out.push_str(before);
        // Scheme and `//` (or `\/\/`).
        let scheme_len = if url.starts_with("wss:") { 4 } else { 3 };
        let after_scheme = &url[scheme_len..];
        let slashes = if after_scheme.starts_with("\\/\\/") {
            4
        } else if after_scheme.starts_with("//") {
            2
        } else {
            0
        };
        let head = scheme_len + slashes;
        let end = url
            .find(|c: char| c == '"' || c == '\'' || c == '<' || c == '>' || c.is_whitespace())
            .unwrap_or(url.len());
        let url_text = &url[..end];
        let host_end = url_text[head..]
            .find(['/', '\\', '?', '#'])
            .map_or(url_text.len(), |i| head + i);
        out.push_str(&url_text[..host_end]);
        if host_end < url_text.len() {
            out.push_str("/<redacted>");
        }
        rest = &url[end..];
    }
    out.push_str(rest);
    out
}

fn find_ws_scheme(s: &str) -> Option<usize> {
    let lower = s.to_ascii_lowercase();
    let a = lower.find("wss:");
    let b = lower.find("ws:").filter(|&i| {
        // Not the tail of a longer word (`news:`), and not `wss:` found again.
        i == 0 || !lower.as_bytes()[i - 1].is_ascii_alphanumeric()
    });
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    }
}

/// `Debug` helper printing a body excerpt instead of the whole body.
pub(crate) struct Excerpt<'a>(pub(crate) &'a [u8]);

impl fmt::Debug for Excerpt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} ({} bytes)", excerpt(self.0), self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn websocket_urls_are_redacted() {
        let body = r#"{"ok":true,"url":"wss:\/\/wss-primary.slack.com\/websocket\/SECRET-TICKET","self":{}}"#;
        let r = redact_ws_urls(body);
        assert!(!r.contains("SECRET"), "{r}");
        assert!(
            r.contains(r#""url":"wss:\/\/wss-primary.slack.com/<redacted>","self""#),
            "{r}"
        );
        let r = redact_ws_urls("open wss://h.example:443/link/?ticket=abc&app_id=A1 now");
        assert_eq!(r, "open wss://h.example:443/<redacted> now");
        assert_eq!(
            redact_ws_urls("ws://127.0.0.1:9/"),
            "ws://127.0.0.1:9/<redacted>"
        );
        assert_eq!(redact_ws_urls("no urls, news: here"), "no urls, news: here");
        assert!(!excerpt(br#"{"url":"wss://x/t0ken"}"#).contains("t0ken"));
    }

    #[test]
    fn retry_after_forms() {
        let mut h = HeaderMap::new();
        assert_eq!(parse_retry_after(&h), None);
        h.insert(http::header::RETRY_AFTER, "30".parse().unwrap());
        assert_eq!(parse_retry_after(&h), Some(Duration::from_secs(30)));
        h.insert(http::header::RETRY_AFTER, " 1.5 ".parse().unwrap());
        assert_eq!(parse_retry_after(&h), Some(Duration::from_millis(1500)));
        h.insert(http::header::RETRY_AFTER, "-1".parse().unwrap());
        assert_eq!(parse_retry_after(&h), None);
        h.insert(
            http::header::RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(parse_retry_after(&h), None);
        h.insert(http::header::RETRY_AFTER, "99999999999".parse().unwrap());
        assert_eq!(parse_retry_after(&h), Some(Duration::from_secs(86_400)));
    }

    #[test]
    fn excerpt_is_bounded() {
        let long = vec![b'a'; 10_000];
        assert!(excerpt(&long).len() <= EXCERPT_LEN + 3);
        assert_eq!(excerpt(b"\xff\xfeabc"), "\u{fffd}\u{fffd}abc");
    }
}
