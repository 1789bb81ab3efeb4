//! The request log and the event log: bounded ring buffers of the Web API calls answered and
//! of the events delivered (to RTM connections, Socket Mode connections and the Events API
//! request URL), and a live feed of both for the web page.
//!
//! Recording is cheap and never waits on a reader: a request keeps its raw body and answer
//! (reference-counted, at most [`KEEP_BYTES`] each) and is decoded and redacted only when
//! shown. The live feed is a `broadcast` channel of [`LIVE_BUFFER`] messages, serialised only
//! while someone listens; a reader that falls behind skips ahead (and is told to resync), so a
//! slow browser neither slows nor grows the server.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::{header, HeaderMap, HeaderValue};
use serde_json::{json, Map, Value};
use tokio::sync::broadcast;
use tokio_tungstenite::tungstenite::Utf8Bytes;

use super::redact;

/// Requests kept; the oldest go first.
pub(crate) const MAX_REQUESTS: usize = 1_000;
/// Event deliveries kept; the oldest go first.
pub(crate) const MAX_EVENTS: usize = 1_000;
/// Bytes of a request body or an answer kept; past it, only an excerpt and the size.
pub(crate) const KEEP_BYTES: usize = 8 * 1024;
/// Live messages buffered for readers; a reader further behind skips ahead.
pub(crate) const LIVE_BUFFER: usize = 256;

/// The two logs and their live feed; cheap to clone (one `Arc`).
#[derive(Debug, Clone)]
pub(crate) struct Journal {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    logs: Mutex<Logs>,
    live: broadcast::Sender<Arc<str>>,
}

#[derive(Debug, Default)]
struct Logs {
    next_id: u64,
    requests: VecDeque<RequestRecord>,
    events: VecDeque<EventRecord>,
}

impl Default for Journal {
    fn default() -> Self {
        Journal {
            inner: Arc::new(Inner {
                logs: Mutex::new(Logs::default()),
                live: broadcast::channel(LIVE_BUFFER).0,
            }),
        }
    }
}

/// One Web API call, as received and answered.
#[derive(Debug, Clone)]
pub(crate) struct RequestRecord {
    id: u64,
    at: f64,
    method: String,
    /// `Content-Type` and `Authorization`, to decode the body again when shown.
    content_type: Option<HeaderValue>,
    authorization: Option<HeaderValue>,
    query: Option<String>,
    body: Bytes,
    body_len: usize,
    /// `None`: the connection was dropped without an answer (a fault).
    status: Option<u16>,
    answer: Bytes,
    answer_len: usize,
    latency: Duration,
}

/// What a request record is made from ([`Journal::request`]).
#[derive(Debug)]
pub(crate) struct Call<'a> {
    pub(crate) method: &'a str,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) query: Option<&'a str>,
    pub(crate) body: &'a Bytes,
    /// The HTTP status and body answered, `None` when the connection was dropped.
    pub(crate) answer: Option<(u16, &'a Bytes)>,
    pub(crate) latency: Duration,
}

/// How an event went out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Via {
    /// To the RTM connections (all of them, or one user's).
    Rtm,
    /// An envelope on one Socket Mode connection.
    SocketMode,
    /// A POST to the Events API request URL.
    EventsApi,
}

impl Via {
    fn as_str(self) -> &'static str {
        match self {
            Via::Rtm => "rtm",
            Via::SocketMode => "socket_mode",
            Via::EventsApi => "events_api",
        }
    }
}

/// The body of an event record.
#[derive(Debug, Clone)]
pub(crate) enum Payload {
    /// A frame as sent (RTM).
    Text(Utf8Bytes),
    /// A JSON payload (a Socket Mode envelope's).
    Json(Value),
    /// Nothing kept (an Events API attempt: its id and outcome only).
    None,
}

/// One event delivery.
#[derive(Debug, Clone)]
pub(crate) struct EventRecord {
    id: u64,
    at: f64,
    via: Via,
    /// The connection: a Socket Mode connection id; for RTM, the origin connection (which
    /// does not get its own event back).
    connection: Option<u64>,
    /// RTM: the only user whose connections get it (ephemeral events); else everyone.
    only_for: Option<String>,
    /// RTM: how many connections were open.
    connections_open: Option<usize>,
    /// The envelope id (Socket Mode) or event id (Events API).
    delivery_id: Option<String>,
    attempt: u32,
    retry_reason: Option<String>,
    /// Events API: the HTTP status the app answered, or what went wrong.
    outcome: Option<String>,
    payload: Payload,
}

impl EventRecord {
    /// A delivery `via`, with the rest filled in by the `with_*` setters.
    pub(crate) fn new(via: Via, payload: Payload) -> Self {
        EventRecord {
            id: 0,
            at: 0.0,
            via,
            connection: None,
            only_for: None,
            connections_open: None,
            delivery_id: None,
            attempt: 0,
            retry_reason: None,
            outcome: None,
            payload,
        }
    }

    pub(crate) fn connection(mut self, id: Option<u64>) -> Self {
        self.connection = id;
        self
    }

    pub(crate) fn only_for(mut self, user: Option<String>) -> Self {
        self.only_for = user;
        self
    }

    pub(crate) fn connections_open(mut self, n: usize) -> Self {
        self.connections_open = Some(n);
        self
    }

    pub(crate) fn delivery(mut self, id: &str, attempt: u32, retry_reason: Option<String>) -> Self {
        self.delivery_id = Some(id.to_owned());
        self.attempt = attempt;
        self.retry_reason = retry_reason;
        self
    }

    pub(crate) fn outcome(mut self, outcome: String) -> Self {
        self.outcome = Some(outcome);
        self
    }
}

fn wall_clock_secs() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// `bytes` itself when short (sharing its buffer), else a copy of its first [`KEEP_BYTES`].
fn keep(bytes: &Bytes) -> Bytes {
    if bytes.len() <= KEEP_BYTES {
        bytes.clone()
    } else {
        Bytes::copy_from_slice(&bytes[..KEEP_BYTES])
    }
}

fn push_bounded<T>(list: &mut VecDeque<T>, max: usize, item: T) {
    if list.len() >= max {
        list.pop_front();
    }
    list.push_back(item);
}

impl Journal {
    fn lock(&self) -> MutexGuard<'_, Logs> {
        self.inner.logs.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A receiver of the live feed: JSON texts `{"kind":"request"|"event","record":…}` and
    /// `{"kind":"changed"}`.
    pub(crate) fn subscribe(&self) -> broadcast::Receiver<Arc<str>> {
        self.inner.live.subscribe()
    }

    fn watched(&self) -> bool {
        self.inner.live.receiver_count() > 0
    }

    fn send_live(&self, kind: &str, record: Option<Value>) {
        let mut msg = Map::new();
        msg.insert("kind".into(), json!(kind));
        if let Some(r) = record {
            msg.insert("record".into(), r);
        }
        let _ = self
            .inner
            .live
            .send(Arc::from(Value::Object(msg).to_string()));
    }

    /// Tell live readers that the workspace changed other than through a logged call.
    pub(crate) fn changed(&self) {
        if self.watched() {
            self.send_live("changed", None);
        }
    }

    /// Record one Web API call.
    pub(crate) fn request(&self, call: Call<'_>) {
        let (status, answer) = match call.answer {
            Some((s, a)) => (Some(s), a.clone()),
            None => (None, Bytes::new()),
        };
        let mut record = RequestRecord {
            id: 0,
            at: wall_clock_secs(),
            method: call.method.to_owned(),
            content_type: call.headers.get(header::CONTENT_TYPE).cloned(),
            authorization: call.headers.get(header::AUTHORIZATION).cloned(),
            query: call.query.map(str::to_owned),
            body: keep(call.body),
            body_len: call.body.len(),
            status,
            answer_len: answer.len(),
            answer: keep(&answer),
            latency: call.latency,
        };
        let live = {
            let mut logs = self.lock();
            logs.next_id += 1;
            record.id = logs.next_id;
            let live = self.watched().then(|| record.clone());
            push_bounded(&mut logs.requests, MAX_REQUESTS, record);
            live
        };
        // Decoded and redacted outside the lock, only while someone listens.
        if let Some(r) = live {
            self.send_live("request", Some(r.to_json()));
        }
    }

    /// Record one event delivery.
    pub(crate) fn event(&self, mut record: EventRecord) {
        record.at = wall_clock_secs();
        let live = {
            let mut logs = self.lock();
            logs.next_id += 1;
            record.id = logs.next_id;
            let live = self.watched().then(|| record.clone());
            push_bounded(&mut logs.events, MAX_EVENTS, record);
            live
        };
        if let Some(r) = live {
            self.send_live("event", Some(r.to_json()));
        }
    }

    /// The request log, oldest first, redacted (`GET /_emulator/requests`).
    pub(crate) fn requests_json(&self) -> Vec<Value> {
        let records: Vec<RequestRecord> = self.lock().requests.iter().cloned().collect();
        records.iter().map(RequestRecord::to_json).collect()
    }

    /// The event log, oldest first, redacted (`GET /_emulator/events`).
    pub(crate) fn events_json(&self) -> Vec<Value> {
        let records: Vec<EventRecord> = self.lock().events.iter().cloned().collect();
        records.iter().map(EventRecord::to_json).collect()
    }

    /// Forget both logs (`reset`).
    pub(crate) fn clear(&self) {
        let mut logs = self.lock();
        logs.requests.clear();
        logs.events.clear();
        drop(logs);
        self.changed();
    }
}

/// A kept body as text, with `…` when cut.
fn excerpt(kept: &Bytes, total: usize) -> String {
    let mut s = redact::text(&String::from_utf8_lossy(kept));
    if total > kept.len() {
        s.push('…');
    }
    s
}

impl RequestRecord {
    fn to_json(&self) -> Value {
        let complete = self.body_len == self.body.len();
        let mut headers = HeaderMap::new();
        for (name, value) in [
            (header::CONTENT_TYPE, &self.content_type),
            (header::AUTHORIZATION, &self.authorization),
        ] {
            if let Some(v) = value {
                headers.insert(name, v.clone());
            }
        }
        let parsed = if complete {
            crate::wire::parse(&headers, self.query.as_deref(), &self.body).ok()
        } else {
            None
        };
        let (args, token) = match parsed {
            Some(r) => {
                let files: Vec<Value> = r
                    .files
                    .iter()
                    .map(|p| json!({"field": p.field, "filename": p.filename, "bytes": p.data.len()}))
                    .collect();
                let mut args = Value::Object(r.args);
                args.as_object_mut()
                    .map(|m| m.remove("token"))
                    .unwrap_or_default();
                if !files.is_empty() {
                    args["_files"] = json!(files);
                }
                (args, r.token)
            }
            None => (
                json!({"_body": excerpt(&self.body, self.body_len), "_bytes": self.body_len}),
                None,
            ),
        };
        let answer: Option<Value> = (self.answer_len == self.answer.len())
            .then(|| serde_json::from_slice(&self.answer).ok())
            .flatten();
        let ok = answer
            .as_ref()
            .and_then(|a| a.get("ok"))
            .and_then(Value::as_bool);
        let error = answer
            .as_ref()
            .and_then(|a| a.get("error"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let mut v = json!({
            "id": self.id,
            "at": self.at,
            "method": self.method,
            "status": self.status,
            "dropped": self.status.is_none(),
            "ok": ok,
            "error": error,
            "token": token.map(|t| redact::text(&t)),
            "args": redact::value(args),
            "latency_ms": (self.latency.as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0,
            "answer_bytes": self.answer_len,
        });
        match answer {
            Some(a) => v["answer"] = redact::value(a),
            None if self.status.is_some() => {
                v["answer_text"] = json!(excerpt(&self.answer, self.answer_len));
            }
            None => {}
        }
        v
    }
}

impl EventRecord {
    fn to_json(&self) -> Value {
        let payload = match &self.payload {
            Payload::Text(t) => serde_json::from_str(t.as_str())
                .unwrap_or_else(|_| Value::String(t.as_str().to_owned())),
            Payload::Json(v) => v.clone(),
            Payload::None => Value::Null,
        };
        let kind = event_kind(&payload);
        json!({
            "id": self.id,
            "at": self.at,
            "via": self.via.as_str(),
            "connection": self.connection,
            "only_for": self.only_for,
            "connections_open": self.connections_open,
            "delivery_id": self.delivery_id,
            "attempt": self.attempt,
            "retry_reason": self.retry_reason,
            "outcome": self.outcome,
            "type": kind,
            "payload": redact::value(payload),
        })
    }
}

/// A short name for what a payload is: the inner event's type for an `event_callback`,
/// the command for a slash command, the type otherwise.
fn event_kind(payload: &Value) -> Option<String> {
    let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    if let Some(event) = payload.get("event") {
        return s(event, "type");
    }
    s(payload, "command").or_else(|| s(payload, "type"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn call<'a>(headers: &'a HeaderMap, body: &'a Bytes, answer: &'a Bytes) -> Call<'a> {
        Call {
            method: "chat.postMessage",
            headers,
            query: None,
            body,
            answer: Some((200, answer)),
            latency: Duration::from_micros(1500),
        }
    }

    #[test]
    fn requests_are_bounded_and_shown_redacted() {
        let journal = Journal::default();
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer xoxb-1-2-secret"),
        );
        let body = Bytes::from_static(b"channel=C1&text=hi&client_secret=s3");
        let answer = Bytes::from_static(br#"{"ok":true,"url":"wss://h/link/?ticket=t"}"#);
        for _ in 0..MAX_REQUESTS + 5 {
            journal.request(call(&headers, &body, &answer));
        }
        let log = journal.requests_json();
        assert_eq!(log.len(), MAX_REQUESTS);
        let last = &log[MAX_REQUESTS - 1];
        assert_eq!(last["id"], json!(MAX_REQUESTS + 5));
        assert_eq!(last["token"], "xoxb-<redacted>");
        assert_eq!(last["args"]["text"], "hi");
        assert_eq!(last["args"]["client_secret"], "<redacted>");
        assert_eq!(last["answer"]["url"], "wss://h/<redacted>");
        assert_eq!(last["ok"], true);
        assert_eq!(last["latency_ms"], 1.5);
        assert!(!last.to_string().contains("1-2-secret"));
        assert!(!last.to_string().contains("s3"));
    }

    #[test]
    fn big_bodies_keep_an_excerpt() {
        let journal = Journal::default();
        let headers = HeaderMap::new();
        let body = Bytes::from(format!("text={}", "a".repeat(KEEP_BYTES * 2)));
        let answer = Bytes::from(format!(
            "{{\"ok\":true,\"x\":\"{}\"}}",
            "b".repeat(KEEP_BYTES)
        ));
        journal.request(call(&headers, &body, &answer));
        let r = &journal.requests_json()[0];
        assert_eq!(r["args"]["_bytes"], json!(body.len()));
        assert!(r["args"]["_body"]
            .as_str()
            .is_some_and(|s| s.ends_with('…')));
        assert_eq!(r["answer"], Value::Null);
        assert_eq!(r["answer_bytes"], json!(answer.len()));
        assert!(r["answer_text"]
            .as_str()
            .is_some_and(|s| s.chars().count() == KEEP_BYTES + 1));
    }

    #[test]
    fn live_readers_get_records_and_lag_instead_of_growing() {
        let journal = Journal::default();
        let mut rx = journal.subscribe();
        let payload = Payload::Json(json!({"event": {"type": "message", "text": "xoxp-1-2"}}));
        journal.event(
            EventRecord::new(Via::SocketMode, payload)
                .connection(Some(3))
                .delivery("e1", 0, None),
        );
        let first: Value =
            serde_json::from_str(&rx.try_recv().unwrap_or_default()).unwrap_or_default();
        assert_eq!(first["kind"], "event");
        assert_eq!(first["record"]["type"], "message");
        assert_eq!(first["record"]["connection"], 3);
        assert_eq!(
            first["record"]["payload"]["event"]["text"],
            "xoxp-<redacted>"
        );
        for _ in 0..LIVE_BUFFER * 2 {
            journal.changed();
        }
        assert!(matches!(
            rx.try_recv(),
            Err(broadcast::error::TryRecvError::Lagged(_))
        ));
        assert_eq!(journal.events_json().len(), 1);
    }
}
