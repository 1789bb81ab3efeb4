//! Secrets out of what the web page and the log endpoints show: Slack tokens (`xoxb-…`,
//! `xoxp-…`, `xapp-…`, …) anywhere in a string keep their kind prefix only; values of
//! secret-named arguments (`client_secret`, `code`, `token`, …) are replaced whole; the path
//! and query of `ws://`/`wss://` URLs (RTM sessions, Socket Mode tickets) are cut.

use serde_json::Value;

/// What replaces a secret.
pub(crate) const REDACTED: &str = "<redacted>";

/// Argument and field names whose string values are secrets, whatever they look like.
const SECRET_KEYS: &[&str] = &[
    "token",
    "client_secret",
    "code",
    "refresh_token",
    "access_token",
    "signing_secret",
    "verification_token",
    "password",
    "secret",
    "ticket",
];

fn is_secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    SECRET_KEYS.contains(&key.as_str()) || key.ends_with("_token") || key.ends_with("_secret")
}

/// `value` with every secret in it redacted (see the module docs).
pub(crate) fn value(mut value: Value) -> Value {
    redact_in_place(&mut value);
    value
}

fn redact_in_place(value: &mut Value) {
    match value {
        Value::String(s) => {
            if needs_redaction(s) {
                *s = text(s);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_in_place),
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if is_secret_key(k) {
                    if let Value::String(s) = v {
                        if !s.is_empty() {
                            *s = token_kind(s);
                        }
                        continue;
                    }
                }
                redact_in_place(v);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// A secret's replacement: the token kind prefix (`xoxb-`) when it has one.
fn token_kind(secret: &str) -> String {
    match find_token(secret) {
        Some(0) => format!("{}{REDACTED}", &secret[..5]),
        _ => REDACTED.to_owned(),
    }
}

fn needs_redaction(s: &str) -> bool {
    find_token(s).is_some() || find_ws_url(s).is_some()
}

/// `s` with tokens and websocket URL paths redacted.
pub(crate) fn text(s: &str) -> String {
    without_ws_paths(&without_tokens(s))
}

/// Where the next token starts: `xox<letter>-` or `xapp-`.
fn find_token(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    (0..b.len().saturating_sub(4)).find(|&i| {
        let w = &b[i..i + 5];
        let starts_word = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        starts_word
            && ((w.starts_with(b"xox") && w[3].is_ascii_alphabetic() && w[4] == b'-')
                || w == b"xapp-")
    })
}

fn without_tokens(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = find_token(rest) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
            .unwrap_or(tail.len());
        out.push_str(&tail[..5]);
        out.push_str(REDACTED);
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// Where the next `ws://` or `wss://` URL starts.
fn find_ws_url(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    (0..b.len()).find(|&i| {
        let rest = &b[i..];
        let starts_word = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        starts_word
            && (rest.len() >= 5 && rest[..5].eq_ignore_ascii_case(b"ws://")
                || rest.len() >= 6 && rest[..6].eq_ignore_ascii_case(b"wss://"))
    })
}

fn without_ws_paths(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = find_ws_url(rest) {
        out.push_str(&rest[..i]);
        let url = &rest[i..];
        let end = url
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>'))
            .unwrap_or(url.len());
        let head = url.find("://").map_or(0, |p| p + 3);
        let host_end = url[head..end]
            .find(['/', '?', '#'])
            .map_or(end, |p| head + p);
        out.push_str(&url[..host_end]);
        if host_end < end {
            out.push('/');
            out.push_str(REDACTED);
        }
        rest = &url[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tokens_keep_their_kind_only() {
        assert_eq!(
            text("Bearer xoxb-123-456-abc and xapp-1-A1-99-ff."),
            "Bearer xoxb-<redacted> and xapp-<redacted>"
        );
        assert_eq!(text("xoxp-1"), "xoxp-<redacted>");
        // Not a token: inside a word, or no dash.
        assert_eq!(text("abcxoxb-1 xoxb"), "abcxoxb-1 xoxb");
    }

    #[test]
    fn websocket_urls_lose_path_and_query() {
        assert_eq!(
            text("wss://127.0.0.1:9/link/?ticket=abc&app_id=A1 then"),
            "wss://127.0.0.1:9/<redacted> then"
        );
        assert_eq!(text("url ws://h:1/rtm/s3cr3t"), "url ws://h:1/<redacted>");
        assert_eq!(text("ws://h:1"), "ws://h:1");
        assert_eq!(text("news://x/y"), "news://x/y");
    }

    #[test]
    fn secret_fields_are_replaced_whole() {
        let v = value(json!({
            "token": "xoxb-1-2",
            "client_secret": "abc123",
            "code": "4.5.6",
            "bot_token": "whatever",
            "text": "my token is xoxp-9-9 ok",
            "blocks": [{"url": "wss://h/link/?ticket=t"}],
            "limit": 5,
            "code_count": "kept",
        }));
        assert_eq!(v["token"], "xoxb-<redacted>");
        assert_eq!(v["client_secret"], REDACTED);
        assert_eq!(v["code"], REDACTED);
        assert_eq!(v["bot_token"], REDACTED);
        assert_eq!(v["text"], "my token is xoxp-<redacted> ok");
        assert_eq!(v["blocks"][0]["url"], "wss://h/<redacted>");
        assert_eq!(v["limit"], 5);
        assert_eq!(v["code_count"], "kept");
    }
}
