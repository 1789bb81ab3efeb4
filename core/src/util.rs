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

/// A short, lossy, printable excerpt of a body.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let cut = &body[..body.len().min(EXCERPT_LEN)];
    let mut s = String::from_utf8_lossy(cut).into_owned();
    if body.len() > EXCERPT_LEN {
        s.push('…');
    }
    s
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
