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
    let mut s = redact_secrets(&redact_ws_urls(&String::from_utf8_lossy(cut)));
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

/// How Slack's tokens start: `xox` (bot, user, configuration, refresh: `xoxb-`, `xoxp-`,
/// `xoxe.xoxp-`, `xoxe-`, …) and `xapp-` (app-level). Each starts with `x`.
const TOKEN_PREFIXES: [&str; 2] = ["xox", "xapp-"];

/// `text` (JSON, or a part of it) with secrets replaced by `<redacted>`: the string value of
/// every key that names a secret ([`is_secret_arg`](crate::request::is_secret_arg):
/// `access_token`, `client_secret`, `id_token`, …) and anything that looks like a Slack token
/// (`xoxb-…`, `xapp-…`, `xoxe.xoxp-…`), wherever it stands. A token keeps its prefix, so the
/// kind still shows.
pub(crate) fn redact_secrets(text: &str) -> String {
    redact_token_words(&redact_secret_values(text))
}

/// The string values of secret keys, redacted.
fn redact_secret_values(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    // The last string read, if it may be a key: (its text, where it ended).
    let mut key: Option<(usize, usize)> = None;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let start = i + 1;
                let end = string_end(b, start);
                let is_value = key.is_some_and(|(ks, ke)| {
                    // `"key" : "value"`: only a colon and blanks between them.
                    text[ke + 1..i].trim() == ":" && crate::request::is_secret_arg(&text[ks..ke])
                });
                if is_value {
                    out.push_str(&text[copied..start]);
                    out.push_str("<redacted>");
                    copied = end.min(b.len());
                    key = None;
                } else {
                    key = Some((start, end.min(b.len())));
                }
                i = end + 1;
            }
            b':' | b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            _ => {
                key = None;
                i += 1;
            }
        }
    }
    out.push_str(&text[copied.min(text.len())..]);
    out
}

/// Where the JSON string that starts at `start` (just after its quote) ends: the index of
/// its closing quote, or the text's length when it is cut short.
fn string_end(b: &[u8], start: usize) -> usize {
    let mut j = start;
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            b'"' => return j,
            _ => j += 1,
        }
    }
    b.len()
}

/// Token-looking words, redacted after their prefix.
fn redact_token_words(text: &str) -> String {
    let is_token_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_');
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        // Every prefix starts with `x`: one pass over the text, whatever it holds.
        let Some(at) = rest.find('x') else {
            out.push_str(rest);
            return out;
        };
        if !TOKEN_PREFIXES.iter().any(|p| rest[at..].starts_with(p)) {
            out.push_str(&rest[..=at]);
            rest = &rest[at + 1..];
            continue;
        }
        let word_len = rest[at..]
            .find(|c: char| !is_token_char(c))
            .unwrap_or(rest.len() - at);
        let word = &rest[at..at + word_len];
        // A token's kind is the part up to its first `-` (`xoxb-`, `xoxe.xoxp-`, `xapp-`).
        let kind_len = word.find('-').map(|d| d + 1);
        match kind_len {
            // Glued to a word before it too (`token:xoxb-…`, `ofxoxb-…`): a stray
            // redaction in `Debug` costs less than a token shown.
            Some(k) if word_len > k && k <= 12 => {
                out.push_str(&rest[..at + k]);
                out.push_str("<redacted>");
            }
            _ => out.push_str(&rest[..at + word_len.max(1)]),
        }
        rest = &rest[at + word_len.max(1)..];
    }
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
    fn secrets_are_redacted_in_excerpts() {
        let body = br#"{"ok":true,"access_token":"xoxp-1-2-3abc","token_type":"bot","scope":"chat:write","refresh_token":"xoxe-1-9-zz","id_token":"eyJhbGciOi.J9.sig","bot_user_id":"U1","credentials":{"client_secret":"5e3c","signing_secret":"51g","verification_token":"v3r"},"text":"my token is xoxb-42-s3cret, ok","app":"xapp-1-A1-77-f00","code":"c0de","code_count":3}"#;
        let shown = redact_secrets(std::str::from_utf8(body).unwrap_or_default());
        for secret in [
            "3abc",
            "9-zz",
            "eyJhbGciOi",
            "5e3c",
            "51g",
            "v3r",
            "s3cret",
            "f00",
            "c0de",
        ] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        for kept in [
            r#""token_type":"bot""#,
            r#""bot_user_id":"U1""#,
            r#""scope":"chat:write""#,
            "my token is xoxb-<redacted>, ok",
            r#""app":"xapp-<redacted>""#,
            r#""code_count":3"#,
        ] {
            assert!(shown.contains(kept), "{kept} not in {shown}");
        }
        // An excerpt (what `Debug` and errors show of a body) is redacted, even cut short.
        let shown = excerpt(body);
        assert!(shown.ends_with('…'), "{shown}");
        for secret in ["3abc", "9-zz", "eyJhbGciOi", "5e3c", "51g", "v3r"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        // Cut short in the middle of a secret, escaped quotes, odd spacing, no JSON at all.
        assert!(!redact_secrets(r#"{"access_token" : "xoxp-1-abcdef"#).contains("abcdef"));
        assert_eq!(
            redact_secrets(r#"{"client_secret":"a\"b\"zz9","x":1}"#),
            r#"{"client_secret":"<redacted>","x":1}"#
        );
        assert_eq!(
            redact_secrets(r#"{"name":"a \"token\"","text":"xoxo, xox-, axoxb-1"}"#),
            r#"{"name":"a \"token\"","text":"xoxo, xox-, axoxb-<redacted>"}"#
        );
        assert_eq!(
            redact_secrets("plain xoxe.xoxp-1-2 text"),
            "plain xoxe.xoxp-<redacted> text"
        );
        assert_eq!(redact_secrets(""), "");
        // Long text full of near-misses stays one pass (an argument's text can be 40 KB).
        let many = "xox xa x ".repeat(50_000);
        assert_eq!(redact_token_words(&many), many);
        let tokens = "xoxb-1 ".repeat(50_000);
        assert_eq!(
            redact_token_words(&tokens),
            "xoxb-<redacted> ".repeat(50_000)
        );
    }

    proptest::proptest! {
        /// Any text, JSON-like or not, cut anywhere: redaction never panics, and no token
        /// survives it.
        #[test]
        fn redaction_never_panics(
            text in "([\"\\\\:, {}a-z_é]|xoxb-|xapp-|access_token|s3cr3t){0,40}"
        ) {
            let shown = redact_secrets(&text);
            let tokens = format!("{text} xoxb-s3cr3t");
            proptest::prop_assert!(!redact_secrets(&tokens).contains("xoxb-s3cr3t"));
            let _ = excerpt(shown.as_bytes());
        }
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
