//! Every decoder that reads bytes from the network, behind one signature: bytes in, a short
//! outcome class out (`ok`, or the kind of error with digits blanked). Shared by the
//! `fuzz_decoders` benchmark (millions of mutated inputs) and the `fuzz_corpus` test (the
//! kept corpus, replayed in CI).
//!
//! Inputs that need more than a body (headers, a status, a query string, a method name)
//! carry them in a small text head: `name: value` lines, then an empty line, then the body.
//! Pseudo-headers `:status`, `:query` and `:method` set the rest. An input without the
//! empty line is all body, with defaults for the rest.
//!
//! The including crate declares, at its root, `mod api` (re-exporting `slack_core::api`) and
//! `mod response_table` (core's generated table of every response type, by path), because
//! the generated table names its types as `crate::api::…`.

#![allow(dead_code)]

use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use serde_json::Value;

use slack_core::api::SlackMethod;
use slack_core::transport::HttpResponse;

use crate::response_table;

/// One decoder: a name (also the corpus directory), the function, and where its seeds come
/// from (directories under `tools/codegen/data/json-samples`, or built-in seeds).
pub struct Decoder {
    /// Name, also the directory of its corpus in `tests/fuzz/corpus/`.
    pub name: &'static str,
    /// Feed one input; returns the outcome class.
    pub run: fn(&[u8]) -> String,
    /// Sample directories (relative to `tools/codegen/data/json-samples`) to seed from.
    pub sample_dirs: &'static [&'static str],
    /// How a sample file becomes an input of this decoder.
    pub wrap: fn(&str, &[u8]) -> Vec<u8>,
    /// Hand-written seeds besides the samples.
    pub seeds: fn() -> Vec<Vec<u8>>,
}

impl std::fmt::Debug for Decoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decoder").field("name", &self.name).finish()
    }
}

/// Every decoder, in a fixed order.
pub fn all() -> Vec<Decoder> {
    vec![
        Decoder {
            name: "response_envelope",
            run: response_envelope,
            sample_dirs: &["api"],
            wrap: |_, b| with_ok_true(b),
            seeds: envelope_seeds,
        },
        Decoder {
            name: "call_retry",
            run: call_retry,
            sample_dirs: &[],
            wrap: |_, b| b.to_vec(),
            seeds: envelope_seeds,
        },
        Decoder {
            name: "response_typed",
            run: response_typed,
            sample_dirs: &["api"],
            wrap: wrap_with_method,
            seeds: no_seeds,
        },
        Decoder {
            name: "response_every_type",
            run: response_every_type,
            sample_dirs: &["api"],
            wrap: wrap_with_method,
            seeds: no_seeds,
        },
        Decoder {
            name: "rtm_event",
            run: rtm_event,
            sample_dirs: &["rtm"],
            wrap: |_, b| b.to_vec(),
            seeds: rtm_seeds,
        },
        Decoder {
            name: "socket_mode_frame",
            run: socket_mode_frame,
            sample_dirs: &["events", "app-backend/interactive-components"],
            wrap: wrap_envelope,
            seeds: socket_mode_seeds,
        },
        Decoder {
            name: "events_api",
            run: events_api,
            sample_dirs: &["events"],
            wrap: wrap_event_callback,
            seeds: events_seeds,
        },
        Decoder {
            name: "interaction",
            run: interaction,
            sample_dirs: &[
                "app-backend/interactive-components",
                "app-backend/views",
                "app-backend/dialogs",
            ],
            wrap: |_, b| b.to_vec(),
            seeds: no_seeds,
        },
        Decoder {
            name: "slash_command",
            run: slash_command,
            sample_dirs: &["app-backend/slash-commands"],
            wrap: |_, b| b.to_vec(),
            seeds: slash_seeds,
        },
        Decoder {
            name: "emulator_wire",
            run: emulator_wire,
            sample_dirs: &[],
            wrap: |_, b| b.to_vec(),
            seeds: wire_seeds,
        },
        Decoder {
            name: "signature",
            run: signature,
            sample_dirs: &[],
            wrap: |_, b| b.to_vec(),
            seeds: signature_seeds,
        },
        Decoder {
            name: "proxy_handshake",
            run: proxy_handshake,
            sample_dirs: &[],
            wrap: |_, b| b.to_vec(),
            seeds: proxy_seeds,
        },
    ]
}

/// The decoder called `name`.
pub fn by_name(name: &str) -> Option<Decoder> {
    all().into_iter().find(|d| d.name == name)
}

fn no_seeds() -> Vec<Vec<u8>> {
    Vec::new()
}

// ===== framing =====

/// An input split into its head (pseudo-headers and headers) and body.
#[derive(Debug, Default)]
pub struct Message<'a> {
    /// `:status`, when given and valid.
    pub status: Option<StatusCode>,
    /// `:query`, when given.
    pub query: Option<String>,
    /// `:method`, when given.
    pub method: Option<String>,
    /// The headers that parse (others are skipped).
    pub headers: HeaderMap,
    /// Whether the input had a head at all.
    pub has_head: bool,
    /// The body.
    pub body: &'a [u8],
}

/// Split an input into head and body (see the module docs).
pub fn split(data: &[u8]) -> Message<'_> {
    let Some(at) = data.windows(2).position(|w| w == b"\n\n") else {
        return Message {
            body: data,
            ..Message::default()
        };
    };
    let mut m = Message {
        has_head: true,
        body: &data[at + 2..],
        ..Message::default()
    };
    for line in data[..at].split(|b| *b == b'\n') {
        let (name, value) = if let Some(rest) = line.strip_prefix(b":") {
            match rest.iter().position(|b| *b == b':') {
                Some(p) => (&line[..p + 1], &rest[p + 1..]),
                None => continue,
            }
        } else {
            match line.iter().position(|b| *b == b':') {
                Some(p) => (&line[..p], &line[p + 1..]),
                None => continue,
            }
        };
        let value = value.strip_prefix(b" ").unwrap_or(value);
        match name {
            b":status" => {
                m.status = std::str::from_utf8(value)
                    .ok()
                    .and_then(|s| s.trim().parse::<u16>().ok())
                    .and_then(|n| StatusCode::from_u16(n).ok());
            }
            b":query" => m.query = Some(String::from_utf8_lossy(value).into_owned()),
            b":method" => m.method = Some(String::from_utf8_lossy(value).into_owned()),
            _ => {
                if let (Ok(n), Ok(v)) =
                    (HeaderName::from_bytes(name), HeaderValue::from_bytes(value))
                {
                    m.headers.append(n, v);
                }
            }
        }
    }
    m
}

/// Text decoders take `&str`: websocket text frames are UTF-8 by the protocol, HTTP bodies
/// are not checked by anyone before the decoder. Invalid UTF-8 is fed lossily converted.
fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// The outcome class of an error: its message with digits blanked, cut short, so the
/// corpus keeper can tell outcomes apart without keeping one input per line number.
fn class(prefix: &str, err: &dyn std::fmt::Display) -> String {
    let mut s: String = err
        .to_string()
        .chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .take(48)
        .collect();
    if let Some(p) = s.find(" at line") {
        s.truncate(p);
    }
    format!("{prefix}:{s}")
}

// ===== Web API responses =====

fn http_response(m: &Message<'_>) -> HttpResponse {
    let mut r = HttpResponse::new(
        m.status.unwrap_or(StatusCode::OK),
        Bytes::copy_from_slice(m.body),
    );
    if m.has_head {
        r.headers = m.headers.clone();
    } else {
        r.headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
    }
    r
}

fn envelope_seeds() -> Vec<Vec<u8>> {
    vec![
        b":status: 429\nretry-after: 30\ncontent-type: application/json\n\n{\"ok\":false,\"error\":\"ratelimited\"}".to_vec(),
        b":status: 200\ncontent-type: text/html\n\n<html>busy</html>".to_vec(),
        b":status: 200\ncontent-type: application/json\n\n{\"ok\":true,\"messages\":[],\"response_metadata\":{\"next_cursor\":7,\"warnings\":[\"x\"]},\"warning\":\"superfluous_charset\"}".to_vec(),
        b":status: 503\nretry-after: 1.5e3\n\n".to_vec(),
        b":status: 200\ncontent-type: application/gzip\n\n\x1f\x8b\x08".to_vec(),
        b"{\"ok\":false,\"error\":\"fatal_error\",\"response_metadata\":{\"messages\":[\"[ERROR] x\"]}}".to_vec(),
    ]
}

/// `parse_response` and everything a caller may then ask of a [`slack_core::SlackResponse`].
fn response_envelope(data: &[u8]) -> String {
    let m = split(data);
    let _ = slack_core::response::retry_after(&m.headers);
    let method = m.method.as_deref().unwrap_or("conversations.history");
    let plain = slack_core::response::parse_plain(method, http_response(&m));
    if let Err(e) = &plain {
        let _ = (e.is_retryable(), e.to_string());
    }
    match slack_core::response::parse_response(method, http_response(&m)) {
        Ok(r) => {
            let _ = (r.json(), r.next_cursor(), r.warnings(), r.get("channel"));
            let _ = r.decode::<Value>();
            let _ = r.decode::<slack_core::responses::Empty>();
            for at in [
                slack_core::method::CursorAt::ResponseMetadata,
                slack_core::method::CursorAt::TopLevel,
            ] {
                let _ = r.next_cursor_at(at);
            }
            "ok".into()
        }
        Err(e) => {
            let _ = (e.is_retryable(), e.to_string(), format!("{e:?}"));
            class("err", &e)
        }
    }
}

/// The retry state machine fed the input as every attempt's answer (a read and a write,
/// the default policy), on a virtual clock; then the RTM/Socket Mode classification of the
/// error it ends with.
fn call_retry(data: &[u8]) -> String {
    let m = split(data);
    let mut out = String::new();
    for method in ["conversations.history", "chat.postMessage"] {
        let Some(info) = slack_core::method::lookup(method) else {
            continue;
        };
        let request =
            slack_core::transport::HttpRequest::new(http::Method::POST, "https://slack.com/api/x");
        let mut call = slack_core::call::Call::new(info, request, slack_retry::default_policy(), 7);
        let mut now = Instant::now();
        out = "unfinished".into();
        for _ in 0..16 {
            match call.poll_action(now) {
                slack_core::call::Action::Send(_) => {
                    call.handle_response(now, Ok(http_response(&m)));
                    let _ = call.poll_pause();
                }
                slack_core::call::Action::Sleep(d) => now += d,
                slack_core::call::Action::Done(Ok(_)) => {
                    out = "ok".into();
                    break;
                }
                slack_core::call::Action::Done(Err(e)) => {
                    let _ = slack_core::rtm::ConnectFailure::from_error(&e);
                    let _ = (
                        e.is_outcome_unknown(),
                        e.unknown_outcome_cause(),
                        e.retry_after(),
                    );
                    out = class("err", &e);
                    break;
                }
            }
        }
    }
    out
}

/// The vendored samples merge every documented field, `"ok": false` included; as seeds of
/// a success they need `"ok": true`, or every input would stop at the envelope.
fn with_ok_true(body: &[u8]) -> Vec<u8> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(mut m)) => {
            m.insert("ok".into(), Value::Bool(true));
            m.remove("error");
            serde_json::to_vec(&Value::Object(m)).unwrap_or_else(|_| body.to_vec())
        }
        _ => body.to_vec(),
    }
}

/// `:method: name\n\n<sample>`: the method name travels with the body for the typed
/// decoders; the sample made a success.
fn wrap_with_method(file: &str, body: &[u8]) -> Vec<u8> {
    let method = file.strip_suffix(".json").unwrap_or(file);
    let mut v = format!(":method: {method}\n\n").into_bytes();
    v.extend_from_slice(&with_ok_true(body));
    v
}

fn typed<M: SlackMethod>(body: &[u8]) -> String {
    let resp = HttpResponse::new(StatusCode::OK, Bytes::copy_from_slice(body));
    let mut resp = resp;
    resp.headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    match slack_core::response::parse_typed::<M::Response>("fuzz", resp) {
        Ok(r) => {
            let _ = r.raw().json();
            "ok".into()
        }
        Err(e) => class("err", &e),
    }
}

/// A representative set of typed responses through `parse_typed` (envelope + typed decode).
fn response_typed(data: &[u8]) -> String {
    use slack_core::api::{chat, conversations, files, users, views};
    let m = split(data);
    let body = m.body;
    let f: fn(&[u8]) -> String = match m.method.as_deref().unwrap_or("") {
        "chat.postMessage" => typed::<chat::PostMessage>,
        "chat.update" => typed::<chat::Update>,
        "conversations.history" => typed::<conversations::History>,
        "conversations.replies" => typed::<conversations::Replies>,
        "conversations.list" => typed::<conversations::List>,
        "conversations.info" => typed::<conversations::Info>,
        "users.list" => typed::<users::List>,
        "users.info" => typed::<users::Info>,
        "files.info" => typed::<files::Info>,
        "files.completeUploadExternal" => typed::<files::CompleteUploadExternal>,
        "views.open" => typed::<views::Open>,
        // Any other method: the input goes through every type of this set in turn.
        _ => {
            let all: [fn(&[u8]) -> String; 6] = [
                typed::<chat::PostMessage>,
                typed::<conversations::History>,
                typed::<users::List>,
                typed::<conversations::List>,
                typed::<files::Info>,
                typed::<views::Open>,
            ];
            let mut out = String::new();
            for f in all {
                out = f(body);
            }
            return out;
        }
    };
    f(body)
}

/// Every generated response type: the one of `:method` when it names one, else one picked
/// by a hash of the body (so a long run reaches all of them).
fn response_every_type(data: &[u8]) -> String {
    let table = response_table::RESPONSES;
    if table.is_empty() {
        return "no-table".into();
    }
    let m = split(data);
    let entry = m
        .method
        .as_deref()
        .and_then(|name| table.iter().find(|e| e.0 == name))
        .unwrap_or_else(|| {
            let h = m.body.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
            });
            &table[(h % table.len() as u64) as usize]
        });
    match (entry.1)(m.body) {
        Ok(()) => "ok".into(),
        Err(e) => class("err", &e),
    }
}

// ===== RTM =====

fn rtm_seeds() -> Vec<Vec<u8>> {
    vec![
        br#"{"type":"hello"}"#.to_vec(),
        br#"{"ok":true,"reply_to":1,"ts":"1.2","text":"hi"}"#.to_vec(),
        br#"{"ok":false,"reply_to":1,"error":{"code":2,"msg":"x"}}"#.to_vec(),
        br#"{"type":"reconnect_url","url":"wss://x"}"#.to_vec(),
        br#"{"type":"goodbye","retry_after":1e308}"#.to_vec(),
        br#"{"type":"error","error":{"code":1,"msg":"Socket URL has expired"}}"#.to_vec(),
        br#"{"type":"pong","reply_to":18446744073709551615}"#.to_vec(),
    ]
}

/// `decode_event`, `Frame::decode` (+ `parse`, accessors) and a live connection's
/// `handle_text` with a message waiting for its ack.
fn rtm_event(data: &[u8]) -> String {
    use slack_core::rtm::{decode_event, Connection, ConnectionConfig, Frame};
    let t = text(data);
    let out = match decode_event(&t) {
        Ok(ev) => {
            let _ = (ev.kind(), format!("{ev:?}"));
            use slack_core::rtm::RtmEvent as E;
            if let E::ChannelCreated(c) | E::ChannelRenamed(c) | E::ImCreated(c) = &ev {
                let _ = c.channel_id();
            }
            "ok".to_string()
        }
        Err(e) => class("err", &e),
    };
    if let Ok(frame) = Frame::decode(t.as_ref()) {
        let _ = frame.parse::<Value>();
        let _ = frame.event().kind();
    }
    let now = Instant::now();
    let mut conn = Connection::new(ConnectionConfig::default(), now);
    conn.handle_text(now, r#"{"type":"hello"}"#);
    let _ = conn.send_message("C1", "hi", now);
    let _ = conn.send_message("C1", "again", now);
    conn.handle_text(now, t.as_ref());
    conn.handle_timeout(now + Duration::from_secs(3600));
    while conn.poll_event().is_some() {}
    while conn.poll_transmit().is_some() {}
    let _ = conn.poll_timeout();
    out
}

// ===== Socket Mode =====

/// A sample event or interaction payload inside a Socket Mode envelope.
fn wrap_envelope(file: &str, body: &[u8]) -> Vec<u8> {
    let kind = if file.contains("Payload") || file.contains("block") {
        "interactive"
    } else {
        "events_api"
    };
    let payload = if kind == "events_api" {
        wrap_event_callback(file, body)
    } else {
        body.to_vec()
    };
    let mut v = format!(
        r#"{{"envelope_id":"e-1","type":"{kind}","accepts_response_payload":true,"retry_attempt":0,"retry_reason":"","payload":"#
    )
    .into_bytes();
    v.extend_from_slice(&payload);
    v.push(b'}');
    v
}

fn socket_mode_seeds() -> Vec<Vec<u8>> {
    vec![
        br#"{"type":"hello","num_connections":1,"debug_info":{"host":"h","approximate_connection_time":18060},"connection_info":{"app_id":"A1"}}"#.to_vec(),
        br#"{"type":"disconnect","reason":"refresh_requested","debug_info":{"host":"h"}}"#.to_vec(),
        br#"{"envelope_id":"e","type":"slash_commands","accepts_response_payload":true,"payload":{"command":"/x","text":"a","user_id":"U1","channel_id":"C1","team_id":"T1","response_url":"https://x","trigger_id":"1"}}"#.to_vec(),
    ]
}

/// `decode_frame`, the dedupe keys, and a connection's `handle_text` then an ack.
fn socket_mode_frame(data: &[u8]) -> String {
    use slack_core::socket_mode::{decode_frame, event_key, Connection, ConnectionConfig, Frame};
    let t = text(data);
    let out = match decode_frame(&t) {
        Ok(frame) => {
            if let Frame::Disconnect(reason) = &frame {
                let _ = reason.is_fatal();
            }
            if let Frame::Envelope(env) = &frame {
                let _ = (env.dedupe_key(), env.is_retry(), env.raw());
                let _ = event_key(env.payload().get());
            }
            "ok".to_string()
        }
        Err(e) => class("err", &e),
    };
    let _ = event_key(&t);
    let now = Instant::now();
    let mut conn = Connection::new(ConnectionConfig::default(), now);
    conn.handle_text(now, r#"{"type":"hello","num_connections":1}"#);
    conn.handle_text(now, &t);
    let mut ids = Vec::new();
    while let Some(ev) = conn.poll_event() {
        if let slack_core::socket_mode::ConnEvent::Envelope(env) = ev {
            ids.push(env.envelope_id.clone());
        }
    }
    for id in ids {
        let _ = conn.ack(&id, None);
    }
    conn.handle_timeout(now + Duration::from_secs(3600));
    while conn.poll_transmit().is_some() {}
    out
}

// ===== Events API, interactions, slash commands =====

/// A sample inner event inside an `event_callback`.
fn wrap_event_callback(_file: &str, body: &[u8]) -> Vec<u8> {
    let mut v = br#"{"token":"t","team_id":"T1","api_app_id":"A1","type":"event_callback","event_id":"Ev1","event_time":1,"authorizations":[{"team_id":"T1","user_id":"U1","is_bot":true}],"event":"#.to_vec();
    v.extend_from_slice(body);
    v.push(b'}');
    v
}

fn events_seeds() -> Vec<Vec<u8>> {
    vec![
        br#"{"token":"t","challenge":"abc","type":"url_verification"}"#.to_vec(),
        br#"{"type":"app_rate_limited","token":"t","team_id":"T1","minute_rate_limited":1518467820,"api_app_id":"A1"}"#.to_vec(),
    ]
}

/// `decode_events_api` and `Event::decode` of the inner event.
fn events_api(data: &[u8]) -> String {
    use slack_core::events::{decode_events_api, Event, EventsApiPayload};
    let t = text(data);
    let _ = Event::decode(&t);
    match decode_events_api(&t) {
        Ok(p) => {
            if let EventsApiPayload::Callback(cb) = &p {
                let _ = format!("{cb:?}");
            }
            "ok".into()
        }
        Err(e) => class("err", &e),
    }
}

/// `decode_interaction` (block actions, view submissions, shortcuts, dialogs …).
fn interaction(data: &[u8]) -> String {
    let t = text(data);
    match slack_core::events::decode_interaction(&t) {
        Ok(i) => {
            let _ = (i.kind(), format!("{i:?}"));
            "ok".into()
        }
        Err(e) => class("err", &e),
    }
}

fn slash_seeds() -> Vec<Vec<u8>> {
    vec![
        b"token=t&team_id=T1&team_domain=x&channel_id=C1&channel_name=general&user_id=U1&user_name=u&command=%2Fweather&text=94070&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2F1&trigger_id=1.2.3&api_app_id=A1".to_vec(),
        b"command=%2Fx&text=%E2%9C%93&text=twice&user_id=&response_url=".to_vec(),
    ]
}

/// `SlashCommand::from_form` on the raw body and `from_json` on its text.
fn slash_command(data: &[u8]) -> String {
    use slack_core::events::SlashCommand;
    let _ = SlashCommand::from_json(&text(data));
    match SlashCommand::from_form(data) {
        Ok(c) => {
            let _ = format!("{c:?}");
            "ok".into()
        }
        Err(e) => class("err", &e),
    }
}

// ===== the emulator's request decoding =====

fn wire_seeds() -> Vec<Vec<u8>> {
    vec![
        b":query: channel=C1&limit=10\ncontent-type: application/x-www-form-urlencoded\nauthorization: Bearer xoxb-1\n\ntext=hi&token=xoxb-2&blocks=%5B%5D".to_vec(),
        b"content-type: application/json; charset=utf-8\nauthorization: bearer xoxb-1\n\n{\"channel\":\"C1\",\"text\":\"hi\",\"metadata\":{\"event_type\":\"k\",\"event_payload\":{}}}".to_vec(),
        b"content-type: multipart/form-data; boundary=XyZ\n\n--XyZ\r\nContent-Disposition: form-data; name=\"channels\"\r\n\r\nC1\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--XyZ--\r\n".to_vec(),
        b"content-type: application/x-www-form-urlencoded; charset=latin1\n\na=b".to_vec(),
        b"content-type: text/xml\n\n<a/>".to_vec(),
    ]
}

/// The emulator's `wire::parse` and `wire::multipart_file`.
fn emulator_wire(data: &[u8]) -> String {
    let m = split(data);
    let body = Bytes::copy_from_slice(m.body);
    let _ = slack_emulator::fuzzing::multipart_file(&m.headers, &body);
    match slack_emulator::fuzzing::parse_request(&m.headers, m.query.as_deref(), &body) {
        Ok(n) => format!("ok:{}", n.min(3)),
        Err(code) => format!("err:{code}"),
    }
}

// ===== signature headers =====

const SIGNING_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
const SIGNED_AT: i64 = 1_531_420_618;

fn signature_seeds() -> Vec<Vec<u8>> {
    let body = b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&command=%2Fweather&text=94070";
    let sig = slack_core::signature::sign(SIGNING_SECRET, SIGNED_AT, body);
    let mut good = format!("x-slack-request-timestamp: {SIGNED_AT}\nx-slack-signature: {sig}\n\n")
        .into_bytes();
    good.extend_from_slice(body);
    vec![
        good,
        b"X-Slack-Request-Timestamp: -9223372036854775808\nX-Slack-Signature: v0=zz\n\nx".to_vec(),
        b"x-slack-request-timestamp: 1531420618.5\nx-slack-signature: v1=00\n\n".to_vec(),
    ]
}

/// `SignatureVerifier::verify_headers` and `verify_pairs` with a fixed clock.
fn signature(data: &[u8]) -> String {
    use slack_core::signature::{FixedClock, RequestTimestamp, SignatureVerifier};
    let m = split(data);
    let Ok(v) = SignatureVerifier::new(SIGNING_SECRET) else {
        return "no-verifier".into();
    };
    let v = v.with_clock(FixedClock(SIGNED_AT));
    let pairs: Vec<(&str, &str)> = m
        .headers
        .iter()
        .filter_map(|(k, val)| Some((k.as_str(), val.to_str().ok()?)))
        .collect();
    let _ = v.verify_pairs(m.body, pairs);
    for val in m.headers.values() {
        if let Ok(s) = val.to_str() {
            let _ = s.parse::<RequestTimestamp>();
        }
    }
    match v.verify_headers(m.body, &m.headers) {
        Ok(()) => "ok".into(),
        Err(e) => class("err", &e),
    }
}

// ===== proxy handshakes (bytes from a proxy server) =====

fn proxy_seeds() -> Vec<Vec<u8>> {
    vec![
        b"HTTP/1.1 200 Connection established\r\n\r\n".to_vec(),
        b"HTTP/1.0 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n".to_vec(),
        vec![5, 2, 1, 0, 5, 0, 0, 1, 127, 0, 0, 1, 0, 80],
        vec![5, 0, 5, 0, 0, 3, 4, b'h', b'o', b's', b't', 0, 80],
        vec![
            5, 0, 5, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 187,
        ],
    ]
}

/// `check_connect_response` (HTTP CONNECT) and a SOCKS5 handshake fed the input as the
/// proxy's answers, with and without credentials.
fn proxy_handshake(data: &[u8]) -> String {
    use slack_core::proxy::{check_connect_response, Proxy, Socks5Handshake, Socks5Step};
    let http = match check_connect_response(data) {
        Ok(()) => "ok".to_string(),
        Err(code) => format!("status:{}", code / 100),
    };
    let mut socks = String::new();
    for url in ["socks5://127.0.0.1:1080", "socks5://u:p@127.0.0.1:1080"] {
        let Some(proxy) = Proxy::parse(url) else {
            continue;
        };
        for host in ["slack.com", "10.0.0.1", "[::1]"] {
            let Ok(mut hs) = Socks5Handshake::new(&proxy, host, 443) else {
                continue;
            };
            let mut rest = data;
            socks = loop {
                match hs.poll_step() {
                    Socks5Step::Write(_) => {}
                    Socks5Step::Done => break "done".to_string(),
                    Socks5Step::Read(n) => {
                        let take = n.min(rest.len());
                        let (now, later) = rest.split_at(take);
                        rest = later;
                        if let Err(e) = hs.handle_input(now) {
                            break class("socks", &e);
                        }
                    }
                }
            };
        }
    }
    format!("{http}/{socks}")
}
