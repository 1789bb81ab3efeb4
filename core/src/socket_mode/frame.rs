//! The messages of a Socket Mode websocket: `hello`, `disconnect` and envelopes in, acks out.

use std::fmt;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::value::RawValue;

/// What kind of delivery an envelope carries.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EnvelopeKind {
    /// An Events API `event_callback` (messages, mentions, reactions, …).
    EventsApi,
    /// A slash command.
    SlashCommands,
    /// An interaction: block actions, shortcuts, view submissions, options loads, ….
    Interactive,
    /// A type this SDK does not know yet (still acknowledged).
    Other(String),
}

impl EnvelopeKind {
    fn from_wire(s: &str) -> Self {
        match s {
            "events_api" => EnvelopeKind::EventsApi,
            "slash_commands" => EnvelopeKind::SlashCommands,
            "interactive" => EnvelopeKind::Interactive,
            other => EnvelopeKind::Other(other.to_owned()),
        }
    }

    /// The wire name (`events_api`, `slash_commands`, `interactive`, …).
    pub fn as_str(&self) -> &str {
        match self {
            EnvelopeKind::EventsApi => "events_api",
            EnvelopeKind::SlashCommands => "slash_commands",
            EnvelopeKind::Interactive => "interactive",
            EnvelopeKind::Other(s) => s,
        }
    }
}

/// One delivery from Slack, to be acknowledged by its `envelope_id` within 3 seconds.
#[derive(Clone)]
pub struct Envelope {
    /// The id to acknowledge.
    pub envelope_id: String,
    /// What the payload is.
    pub kind: EnvelopeKind,
    /// Whether the ack may carry a response payload (slash commands, view submissions,
    /// options loads).
    pub accepts_response_payload: bool,
    /// 0 for a first delivery; Slack counts up when it delivers the same thing again.
    pub retry_attempt: u32,
    /// Why Slack delivered again (`timeout`, …), empty on a first delivery.
    pub retry_reason: String,
    /// Where the payload's text lies in `frame` (kept once, not copied out of it).
    payload: std::ops::Range<usize>,
    frame: Arc<str>,
}

impl Envelope {
    /// The payload's JSON text, exactly as received; decode only what you need from it.
    pub fn payload(&self) -> &RawValue {
        // The range is a JSON value serde_json checked when the frame was decoded, so
        // reading it again cannot fail; `null` stands in if it ever did.
        serde_json::from_str::<&RawValue>(self.payload_str()).unwrap_or(RawValue::NULL)
    }

    /// The payload's JSON text, exactly as received: [`payload`](Self::payload)'s text,
    /// without checking it again (decode it straight from here).
    pub fn payload_str(&self) -> &str {
        self.frame.get(self.payload.clone()).unwrap_or("null")
    }

    /// The whole frame's text.
    pub fn raw(&self) -> &str {
        &self.frame
    }

    /// Whether this is a delivery Slack made before (`retry_attempt > 0`).
    pub fn is_retry(&self) -> bool {
        self.retry_attempt > 0
    }

    /// The key that identifies this delivery across re-deliveries: the Events API
    /// `event_id` when the payload has one (Slack keeps it on retries), else the
    /// `envelope_id`.
    pub fn dedupe_key(&self) -> String {
        super::dedupe::event_key(self.payload_str())
            .unwrap_or_else(|| format!("envelope:{}", self.envelope_id))
    }
}

impl fmt::Debug for Envelope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The payload can hold user content and response URLs: left out.
        f.debug_struct("Envelope")
            .field("envelope_id", &self.envelope_id)
            .field("kind", &self.kind)
            .field("accepts_response_payload", &self.accepts_response_payload)
            .field("retry_attempt", &self.retry_attempt)
            .field("retry_reason", &self.retry_reason)
            .finish_non_exhaustive()
    }
}

/// The first message of a connection.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Hello {
    /// How many connections the app has open, this one included.
    pub num_connections: u32,
    /// The app's id (`connection_info.app_id`), when given.
    pub app_id: Option<String>,
    /// Slack's `debug_info.host`, when given (which server this is).
    pub host: Option<String>,
    /// Slack's `debug_info.approximate_connection_time`: about how many seconds Slack will
    /// keep this connection before asking for a refresh.
    pub approximate_connection_time: Option<u64>,
}

/// Why Slack is closing a connection.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DisconnectReason {
    /// The connection is due for a refresh: open another, then let this one go.
    RefreshRequested,
    /// The server is about to close it (maintenance): open another.
    Warning,
    /// Socket Mode was turned off for the app: stop.
    LinkDisabled,
    /// A reason this SDK does not know (treated like a refresh).
    Other(String),
}

impl DisconnectReason {
    fn from_wire(s: &str) -> Self {
        match s {
            "refresh_requested" => DisconnectReason::RefreshRequested,
            "warning" => DisconnectReason::Warning,
            "link_disabled" => DisconnectReason::LinkDisabled,
            other => DisconnectReason::Other(other.to_owned()),
        }
    }

    /// Whether the app should stop instead of opening another connection.
    pub fn is_fatal(&self) -> bool {
        matches!(self, DisconnectReason::LinkDisabled)
    }
}

/// One decoded Socket Mode message.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Frame {
    /// The connection is ready.
    Hello(Hello),
    /// Slack will close this connection.
    Disconnect(DisconnectReason),
    /// A delivery to acknowledge.
    Envelope(Envelope),
}

/// A message that could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("undecodable Socket Mode frame: {reason}")]
#[non_exhaustive]
pub struct FrameError {
    /// What was wrong.
    pub reason: String,
    /// The envelope id, when one could be found in the text: the frame is still acknowledged,
    /// so Slack does not deliver it again and again.
    pub envelope_id: Option<String>,
    /// The frame's text (at most 4 KiB of it).
    pub excerpt: String,
}

#[derive(Deserialize)]
struct Wire<'a> {
    #[serde(rename = "type", borrow, default)]
    kind: Option<&'a str>,
    #[serde(default)]
    envelope_id: Option<String>,
    #[serde(borrow, default)]
    payload: Option<&'a RawValue>,
    #[serde(default, deserialize_with = "lenient_bool")]
    accepts_response_payload: bool,
    #[serde(default, deserialize_with = "lenient_u32")]
    retry_attempt: u32,
    #[serde(default, deserialize_with = "lenient_string")]
    retry_reason: String,
    #[serde(default, deserialize_with = "lenient_u32")]
    num_connections: u32,
    #[serde(default, deserialize_with = "lenient_string")]
    reason: String,
    #[serde(default)]
    debug_info: Option<DebugInfo>,
    #[serde(default)]
    connection_info: Option<ConnectionInfo>,
}

#[derive(Deserialize, Default)]
struct DebugInfo {
    #[serde(default, deserialize_with = "lenient_opt_string")]
    host: Option<String>,
    #[serde(default, deserialize_with = "lenient_opt_u64")]
    approximate_connection_time: Option<u64>,
}

#[derive(Deserialize, Default)]
struct ConnectionInfo {
    #[serde(default, deserialize_with = "lenient_opt_string")]
    app_id: Option<String>,
}

fn lenient<'de, D, T>(d: D, f: impl FnOnce(serde_json::Value) -> Option<T>) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default,
{
    let v = serde_json::Value::deserialize(d)?;
    Ok(f(v).unwrap_or_default())
}

fn lenient_bool<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    lenient(d, |v| match v {
        serde_json::Value::Bool(b) => Some(b),
        serde_json::Value::String(s) => Some(s == "true"),
        _ => None,
    })
}

fn lenient_u64(v: serde_json::Value) -> Option<u64> {
    match v {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn lenient_u32<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    lenient(d, |v| {
        lenient_u64(v).map(|n| u32::try_from(n).unwrap_or(u32::MAX))
    })
}

fn lenient_opt_u64<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    lenient(d, |v| Some(lenient_u64(v)))
}

fn lenient_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    lenient(d, |v| match v {
        serde_json::Value::String(s) => Some(s),
        _ => None,
    })
}

fn lenient_opt_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    lenient(d, |v| match v {
        serde_json::Value::String(s) => Some(Some(s)),
        _ => None,
    })
}

const EXCERPT: usize = 4096;

fn excerpt(text: &str) -> String {
    let mut end = text.len().min(EXCERPT);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

/// Find `"envelope_id":"…"` in text that is not valid JSON, so it can still be acknowledged.
fn scan_envelope_id(text: &str) -> Option<String> {
    let key = "\"envelope_id\"";
    let rest = &text[text.find(key)? + key.len()..];
    let rest = rest
        .trim_start()
        .strip_prefix(':')?
        .trim_start()
        .strip_prefix('"')?;
    let id = &rest[..rest.find('"')?];
    // Ids are plain tokens; anything with escapes or control characters is not one.
    let plain =
        !id.is_empty() && id.len() <= 256 && id.bytes().all(|b| b.is_ascii_graphic() && b != b'\\');
    plain.then(|| id.to_owned())
}

/// Decode one text frame.
///
/// ```
/// use slack_core::socket_mode::{decode_frame, EnvelopeKind, Frame};
///
/// let text = r#"{"envelope_id":"57d6a792","type":"slash_commands","accepts_response_payload":true,
///               "payload":{"command":"/deploy","text":"api"},"retry_attempt":0,"retry_reason":""}"#;
/// let Frame::Envelope(env) = decode_frame(text)? else { panic!("an envelope") };
/// assert_eq!(env.envelope_id, "57d6a792");
/// assert_eq!(env.kind, EnvelopeKind::SlashCommands);
/// assert!(env.accepts_response_payload);
/// assert_eq!(env.payload().get(), r#"{"command":"/deploy","text":"api"}"#);
/// # Ok::<(), slack_core::socket_mode::FrameError>(())
/// ```
pub fn decode_frame(text: &str) -> Result<Frame, FrameError> {
    let fail = |reason: String, envelope_id: Option<String>| FrameError {
        reason,
        envelope_id,
        excerpt: excerpt(text),
    };
    let wire: Wire<'_> = match serde_json::from_str(text) {
        Ok(w) => w,
        Err(e) => return Err(fail(e.to_string(), scan_envelope_id(text))),
    };
    match (wire.kind, wire.envelope_id) {
        (Some("hello"), None) => {
            let debug = wire.debug_info.unwrap_or_default();
            Ok(Frame::Hello(Hello {
                num_connections: wire.num_connections,
                app_id: wire.connection_info.and_then(|c| c.app_id),
                host: debug.host,
                approximate_connection_time: debug.approximate_connection_time,
            }))
        }
        (Some("disconnect"), None) => {
            Ok(Frame::Disconnect(DisconnectReason::from_wire(&wire.reason)))
        }
        (kind, Some(id)) if !id.is_empty() => {
            let Some(payload) = wire.payload else {
                return Err(fail("an envelope without a payload".into(), Some(id)));
            };
            // The payload is borrowed from `text`: its place there is kept, not a copy.
            let found = payload.get();
            let start = (found.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
            let payload = start..start.saturating_add(found.len());
            if text.get(payload.clone()) != Some(found) {
                return Err(fail("the payload is not within the frame".into(), Some(id)));
            }
            Ok(Frame::Envelope(Envelope {
                envelope_id: id,
                kind: EnvelopeKind::from_wire(kind.unwrap_or("")),
                accepts_response_payload: wire.accepts_response_payload,
                retry_attempt: wire.retry_attempt,
                retry_reason: wire.retry_reason,
                payload,
                frame: Arc::from(text),
            }))
        }
        (Some(kind), _) => Err(fail(format!("unknown message type {kind:?}"), None)),
        (None, _) => Err(fail("neither a type nor an envelope id".into(), None)),
    }
}

/// The acknowledgement of `envelope_id`, with an optional response payload (a JSON object's
/// text).
pub fn encode_ack(envelope_id: &str, payload: Option<&RawValue>) -> String {
    // An envelope id is a JSON string; serde_json escapes it.
    let id = serde_json::Value::from(envelope_id).to_string();
    match payload {
        Some(p) => format!("{{\"envelope_id\":{id},\"payload\":{}}}", p.get()),
        None => format!("{{\"envelope_id\":{id}}}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hello_and_disconnect() {
        let hello = r#"{"type":"hello","num_connections":2,"debug_info":{"host":"applink-1","build_number":10,"approximate_connection_time":18060},"connection_info":{"app_id":"A111"}}"#;
        let Ok(Frame::Hello(h)) = decode_frame(hello) else {
            panic!("hello")
        };
        assert_eq!(h.num_connections, 2);
        assert_eq!(h.app_id.as_deref(), Some("A111"));
        assert_eq!(h.host.as_deref(), Some("applink-1"));
        assert_eq!(h.approximate_connection_time, Some(18060));
        for (reason, want) in [
            ("refresh_requested", DisconnectReason::RefreshRequested),
            ("warning", DisconnectReason::Warning),
            ("link_disabled", DisconnectReason::LinkDisabled),
            ("new", DisconnectReason::Other("new".into())),
        ] {
            let text = format!(
                r#"{{"type":"disconnect","reason":"{reason}","debug_info":{{"host":"h"}}}}"#
            );
            let Ok(Frame::Disconnect(r)) = decode_frame(&text) else {
                panic!("disconnect")
            };
            assert_eq!(r, want);
        }
        assert!(DisconnectReason::LinkDisabled.is_fatal());
    }

    #[test]
    fn envelopes_tolerate_odd_fields() {
        let text = r#"{"envelope_id":"e1","type":"events_api","payload":{"event_id":"Ev1","event":{"type":"app_mention"}},"accepts_response_payload":"false","retry_attempt":"2","retry_reason":null,"extra":[1]}"#;
        let Ok(Frame::Envelope(env)) = decode_frame(text) else {
            panic!("envelope")
        };
        assert_eq!(env.kind, EnvelopeKind::EventsApi);
        assert!(!env.accepts_response_payload);
        assert_eq!(env.retry_attempt, 2);
        assert!(env.is_retry());
        assert_eq!(env.retry_reason, "");
        assert_eq!(env.dedupe_key(), "event:Ev1");
        assert_eq!(env.raw(), text);
        let other = r#"{"envelope_id":"e2","type":"brand_new","payload":[]}"#;
        let Ok(Frame::Envelope(env)) = decode_frame(other) else {
            panic!("envelope")
        };
        assert_eq!(env.kind, EnvelopeKind::Other("brand_new".into()));
        assert_eq!(env.dedupe_key(), "envelope:e2");
    }

    /// The payload is read from its place in the frame: exact text (spaces, escapes,
    /// non-ASCII) wherever it sits, and a clone shares the frame.
    #[test]
    fn payload_is_the_frames_own_text() {
        for (text, want) in [
            (
                r#"{ "payload" :  {"text":"h\u00e9 \"x\"", "n": [1, 2]} , "envelope_id":"e1","type":"slash_commands"}"#,
                r#"{"text":"h\u00e9 \"x\"", "n": [1, 2]}"#,
            ),
            (
                r#"{"envelope_id":"e2","type":"events_api","payload":{"event_id":"Ev9","t":"héllo ✓"}}"#,
                r#"{"event_id":"Ev9","t":"héllo ✓"}"#,
            ),
            (
                r#"{"envelope_id":"e3","type":"x","payload":"just text"}"#,
                r#""just text""#,
            ),
        ] {
            let Ok(Frame::Envelope(env)) = decode_frame(text) else {
                panic!("envelope: {text}")
            };
            assert_eq!(env.payload().get(), want);
            assert_eq!(env.payload_str(), want);
            assert_eq!(env.raw(), text);
            let copy = env.clone();
            assert!(Arc::ptr_eq(&env.frame, &copy.frame));
            assert_eq!(copy.payload().get(), want);
        }
        let Ok(Frame::Envelope(env)) = decode_frame(
            r#"{"envelope_id":"e4","type":"events_api","payload":{"event_id":"Ev4"}}"#,
        ) else {
            panic!("envelope")
        };
        assert_eq!(env.dedupe_key(), "event:Ev4");
    }

    #[test]
    fn undecodable_frames_keep_their_envelope_id() {
        let cut = r#"{"envelope_id":"e3","type":"interactive","payload":{"type":"block_act"#;
        let err = decode_frame(cut).unwrap_err();
        assert_eq!(err.envelope_id.as_deref(), Some("e3"));
        let no_payload = r#"{"envelope_id":"e4","type":"interactive"}"#;
        assert_eq!(
            decode_frame(no_payload).unwrap_err().envelope_id.as_deref(),
            Some("e4")
        );
        for junk in [
            "",
            "null",
            "[]",
            "{}",
            r#"{"type":"what"}"#,
            r#"{"envelope_id":"a\"b"#,
        ] {
            let err = decode_frame(junk).unwrap_err();
            assert!(err.envelope_id.is_none() || junk.contains("a\\"), "{junk}");
        }
        let long = "x".repeat(10_000);
        assert!(decode_frame(&long).unwrap_err().excerpt.len() <= EXCERPT);
    }

    #[test]
    fn acks() {
        assert_eq!(encode_ack("e1", None), r#"{"envelope_id":"e1"}"#);
        let p = RawValue::from_string(r#"{"text":"ok"}"#.into()).unwrap();
        assert_eq!(
            encode_ack("e\"1", Some(&p)),
            r#"{"envelope_id":"e\"1","payload":{"text":"ok"}}"#
        );
    }

    proptest::proptest! {
        #[test]
        fn never_panics(text in ".{0,300}") {
            let _ = decode_frame(&text);
        }

        #[test]
        fn mutated_envelopes_never_panic(cut in 0usize..200, byte in proptest::num::u8::ANY) {
            let good = r#"{"envelope_id":"e1","type":"events_api","payload":{"event_id":"Ev1","event":{"type":"message","text":"hi"}},"accepts_response_payload":false,"retry_attempt":0,"retry_reason":""}"#;
            let mut bytes = good.as_bytes().to_vec();
            let i = cut.min(bytes.len() - 1);
            bytes[i] = byte;
            let text = String::from_utf8_lossy(&bytes);
            if let Ok(Frame::Envelope(env)) = decode_frame(&text) {
                proptest::prop_assert!(!env.envelope_id.is_empty());
            }
        }
    }
}
