//! The state machine of one RTM websocket connection: pings, pongs, staleness and the
//! acknowledgement of sent messages. No I/O: frames in, frames and events out.
//!
//! Driving order, after any input: drain [`poll_transmit`](Connection::poll_transmit)
//! (frames to write), then [`poll_event`](Connection::poll_event) (what happened), then sleep
//! until [`poll_timeout`](Connection::poll_timeout) and call
//! [`handle_timeout`](Connection::handle_timeout).
//!
//! A driver that stops reading frames for a while (its consumer is slow, see
//! [`pause_reading`](Connection::pause_reading)) tells the machine so: silence it caused
//! itself is not taken for a dead peer.

use std::collections::{BTreeMap, VecDeque};
use std::time::{Duration, Instant};

use serde_json::{Map, Value};

use super::event::{Ack, Frame, FrameError, RtmEvent};
use crate::liveness::Liveness;

/// Settings of a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConnectionConfig {
    /// Time between pings (default 30 s, like Python's `ping_interval`). Zero turns pings
    /// off, and with them staleness (an RTM server says nothing unasked, so silence proves
    /// nothing): only the transport's own errors and closes end the connection.
    pub ping_interval: Duration,
    /// The connection is stale when no frame arrived for this many ping intervals
    /// (default 4).
    pub stale_after_intervals: u32,
    /// How long a sent message waits for its ack before it is reported failed
    /// (default 30 s).
    pub ack_timeout: Duration,
}

impl Default for ConnectionConfig {
    fn default() -> Self {
        ConnectionConfig {
            ping_interval: Duration::from_secs(30),
            stale_after_intervals: 4,
            ack_timeout: Duration::from_secs(30),
        }
    }
}

impl ConnectionConfig {
    /// Ping every `interval`; zero turns pings (and staleness) off.
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use slack_core::rtm::{Connection, ConnectionConfig};
    ///
    /// let config = ConnectionConfig::default().ping_interval(Duration::ZERO);
    /// assert_eq!(config.stale_after(), None);
    /// let mut conn = Connection::new(config, Instant::now());
    /// assert_eq!(conn.poll_timeout(), None, "no ping is ever due");
    /// ```
    pub fn ping_interval(mut self, interval: Duration) -> Self {
        self.ping_interval = interval;
        self
    }

    /// Wait at most `timeout` for each ack.
    pub fn ack_timeout(mut self, timeout: Duration) -> Self {
        self.ack_timeout = timeout;
        self
    }

    /// The staleness bound: `stale_after_intervals × ping_interval` (saturating); `None`
    /// when pings are off.
    pub fn stale_after(&self) -> Option<Duration> {
        (!self.ping_interval.is_zero()).then(|| {
            self.ping_interval
                .checked_mul(self.stale_after_intervals.max(1))
                .unwrap_or(Duration::MAX)
        })
    }
}

/// Why a sent message failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SendError {
    /// The server refused it (`ok:false` ack), with its error object.
    #[error("the server refused the message: {0}")]
    Refused(Value),
    /// The connection ended before the ack.
    #[error("the connection closed before the server acknowledged the message")]
    ConnectionClosed,
    /// No ack within the ack timeout.
    #[error("no acknowledgement within the timeout")]
    Timeout,
    /// The connection is not open.
    #[error("the connection is not open")]
    NotOpen,
    /// The payload's own `id` is not a non-negative integer (Slack's RTM ids are), or a
    /// message with that id still waits for its ack (two acks could not be told apart).
    /// Retrying with another id helps.
    #[error("unusable message id {0}: not a non-negative integer, or already awaiting an ack")]
    InvalidId(Value),
}

/// What happened on the connection.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ConnEvent {
    /// An event for the application, with its frame's text (pongs and acks are consumed
    /// here, but also reported).
    Event(Frame),
    /// A sent message was acknowledged.
    Acked {
        /// The id given by [`Connection::send`].
        id: u64,
        /// The ack.
        ack: Ack,
    },
    /// A sent message failed.
    SendFailed {
        /// The id given by [`Connection::send`].
        id: u64,
        /// Why.
        error: SendError,
    },
    /// A frame could not be decoded (the connection stays open).
    BadFrame {
        /// Why.
        error: FrameError,
        /// The frame's text.
        raw: String,
    },
    /// No pong within the staleness bound: close this connection and open another.
    Stale,
    /// The server said goodbye: reconnect.
    Goodbye,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Open,
    Closed,
}

/// One RTM connection.
#[derive(Debug)]
pub struct Connection {
    config: ConnectionConfig,
    state: State,
    next_id: u64,
    /// Outgoing frames, in order.
    transmit: VecDeque<String>,
    events: VecDeque<ConnEvent>,
    /// Messages awaiting an ack: id → deadline (`None`: a timeout beyond the clock's range).
    pending: BTreeMap<u64, Option<Instant>>,
    /// The ping schedule and the staleness bound (paused while the driver does not read).
    liveness: Liveness,
}

impl Connection {
    /// A connection that opened at `now`.
    pub fn new(config: ConnectionConfig, now: Instant) -> Self {
        Connection {
            config,
            state: State::Open,
            next_id: 1,
            transmit: VecDeque::new(),
            events: VecDeque::new(),
            pending: BTreeMap::new(),
            liveness: match config.stale_after() {
                Some(bound) => Liveness::new(config.ping_interval, bound, now),
                // Pings off: a silent RTM server is not a dead one.
                None => Liveness::new(Duration::ZERO, Duration::MAX, now).never_stale(),
            },
        }
    }

    // ===== getters =====

    /// Whether the connection is open.
    pub fn is_open(&self) -> bool {
        self.state == State::Open
    }

    /// Messages sent and not yet acknowledged or failed.
    pub fn pending_acks(&self) -> usize {
        self.pending.len()
    }

    // ===== commands =====

    /// Queue `payload` (a JSON object); returns its id. A payload without an `id` gets a
    /// fresh one; an `id` of its own is kept, and its ack matched by it (it must be a
    /// non-negative integer not already awaiting an ack, else [`SendError::InvalidId`]).
    /// Only messages of type `message` are tracked for an ack (Slack acks nothing else).
    ///
    /// ```
    /// use std::time::Instant;
    /// use slack_core::rtm::{ConnEvent, Connection, ConnectionConfig};
    ///
    /// let now = Instant::now();
    /// let mut conn = Connection::new(ConnectionConfig::default(), now);
    /// let payload = serde_json::json!({"id": 42, "type": "message", "channel": "C1", "text": "hi"});
    /// let serde_json::Value::Object(payload) = payload else { unreachable!() };
    /// assert_eq!(conn.send(payload, now), Ok(42));
    /// conn.handle_text(now, r#"{"ok":true,"reply_to":42,"ts":"1.1"}"#);
    /// assert!(matches!(conn.poll_event(), Some(ConnEvent::Acked { id: 42, .. })));
    /// ```
    pub fn send(
        &mut self,
        mut payload: Map<String, Value>,
        now: Instant,
    ) -> Result<u64, SendError> {
        if self.state != State::Open {
            return Err(SendError::NotOpen);
        }
        let tracked = payload.get("type").and_then(Value::as_str) == Some("message");
        let id = match payload.get("id") {
            None => {
                let id = self.fresh_id();
                payload.insert("id".into(), Value::from(id));
                id
            }
            Some(given) => match given.as_u64() {
                Some(id) if !(tracked && self.pending.contains_key(&id)) => id,
                _ => return Err(SendError::InvalidId(given.clone())),
            },
        };
        self.transmit.push_back(Value::Object(payload).to_string());
        if tracked {
            self.pending
                .insert(id, now.checked_add(self.config.ack_timeout));
        }
        Ok(id)
    }

    /// The next id of ours, skipping any a caller's message still waits on.
    fn fresh_id(&mut self) -> u64 {
        loop {
            let id = self.next_id;
            self.next_id = self.next_id.wrapping_add(1).max(1);
            if !self.pending.contains_key(&id) {
                return id;
            }
        }
    }

    /// Queue a `message` to `channel`; its ack arrives as [`ConnEvent::Acked`].
    pub fn send_message(
        &mut self,
        channel: &str,
        text: &str,
        now: Instant,
    ) -> Result<u64, SendError> {
        let mut m = Map::new();
        m.insert("type".into(), "message".into());
        m.insert("channel".into(), channel.into());
        m.insert("text".into(), text.into());
        self.send(m, now)
    }

    /// Queue a ping now (pings are also sent on schedule).
    pub fn ping(&mut self, now: Instant) -> Result<u64, SendError> {
        let mut m = Map::new();
        m.insert("type".into(), "ping".into());
        let id = self.send(m, now)?;
        self.liveness.pinged(now);
        Ok(id)
    }

    /// Queue a `typing` indicator.
    pub fn typing(&mut self, channel: &str, now: Instant) -> Result<u64, SendError> {
        let mut m = Map::new();
        m.insert("type".into(), "typing".into());
        m.insert("channel".into(), channel.into());
        self.send(m, now)
    }

    /// The driver stops reading frames (its consumers are behind). Until
    /// [`resume_reading`](Connection::resume_reading), no silence counts as staleness: the
    /// peer's pongs are waiting unread. Pings and ack timeouts go on.
    pub fn pause_reading(&mut self) {
        self.liveness.pause();
    }

    /// The driver reads frames again at `now`; the staleness bound counts from `now`.
    pub fn resume_reading(&mut self, now: Instant) {
        self.liveness.resume(now);
    }

    /// Whether reading is paused ([`pause_reading`](Connection::pause_reading)).
    pub fn is_reading_paused(&self) -> bool {
        self.liveness.is_paused()
    }

    // ===== input =====

    /// A text frame arrived. A `String` is moved into the event's [`Frame`], not copied.
    pub fn handle_text(&mut self, now: Instant, frame: impl Into<String>) {
        let raw = frame.into();
        let ev = match Frame::decode_or_return(raw) {
            Ok(ev) => ev,
            Err((error, raw)) => {
                self.events.push_back(ConnEvent::BadFrame { error, raw });
                return;
            }
        };
        // Any frame proves the peer alive, not only pongs.
        self.handle_alive(now);
        match ev.event() {
            RtmEvent::Ack(ack) if self.pending.remove(&ack.reply_to).is_some() => {
                let id = ack.reply_to;
                if ack.ok {
                    let ack = ack.clone();
                    self.events.push_back(ConnEvent::Acked { id, ack });
                } else {
                    let error = SendError::Refused(ack.error.clone().unwrap_or(Value::Null));
                    self.events.push_back(ConnEvent::SendFailed { id, error });
                }
            }
            RtmEvent::Goodbye => self.events.push_back(ConnEvent::Goodbye),
            _ => {}
        }
        self.events.push_back(ConnEvent::Event(ev));
    }

    /// A websocket-level pong (or any frame) arrived: the peer is alive.
    pub fn handle_alive(&mut self, now: Instant) {
        self.liveness.seen(now);
    }

    /// The connection closed (by either side, or the transport failed). Every pending send
    /// fails with [`SendError::ConnectionClosed`].
    pub fn handle_closed(&mut self) {
        if self.state == State::Closed {
            return;
        }
        self.state = State::Closed;
        self.transmit.clear();
        for (id, _) in std::mem::take(&mut self.pending) {
            self.events.push_back(ConnEvent::SendFailed {
                id,
                error: SendError::ConnectionClosed,
            });
        }
    }

    /// Time passed: send due pings, expire acks, detect staleness.
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.state != State::Open {
            return;
        }
        let expired: Vec<u64> = self
            .pending
            .iter()
            .filter(|(_, deadline)| deadline.is_some_and(|d| d <= now))
            .map(|(id, _)| *id)
            .collect();
        for id in expired {
            self.pending.remove(&id);
            self.events.push_back(ConnEvent::SendFailed {
                id,
                error: SendError::Timeout,
            });
        }
        let due = self.liveness.handle_timeout(now);
        if due.stale {
            self.events.push_back(ConnEvent::Stale);
        }
        if due.ping {
            // `ping` cannot fail while open.
            let _ = self.ping(now);
        }
    }

    // ===== output =====

    /// The next frame to write.
    pub fn poll_transmit(&mut self) -> Option<String> {
        self.transmit.pop_front()
    }

    /// The next thing that happened.
    pub fn poll_event(&mut self) -> Option<ConnEvent> {
        self.events.pop_front()
    }

    /// When [`handle_timeout`](Connection::handle_timeout) must next be called (`None` once
    /// closed).
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.state != State::Open {
            return None;
        }
        let acks = self.pending.values().flatten().min().copied();
        match (self.liveness.poll_timeout(), acks) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(c: &mut Connection) -> Vec<ConnEvent> {
        std::iter::from_fn(|| c.poll_event()).collect()
    }

    #[test]
    fn pings_on_schedule_and_pongs_keep_alive() {
        let t0 = Instant::now();
        let cfg = ConnectionConfig::default().ping_interval(Duration::from_secs(10));
        let mut c = Connection::new(cfg, t0);
        assert_eq!(c.poll_timeout(), Some(t0 + Duration::from_secs(10)));
        c.handle_timeout(t0 + Duration::from_secs(10));
        let ping: Value = serde_json::from_str(&c.poll_transmit().unwrap()).unwrap();
        assert_eq!(ping["type"], "ping");
        c.handle_text(
            t0 + Duration::from_secs(11),
            format!(r#"{{"type":"pong","reply_to":{}}}"#, ping["id"]),
        );
        for s in [20, 30, 40, 50] {
            c.handle_timeout(t0 + Duration::from_secs(s));
        }
        assert!(!drain(&mut c).contains(&ConnEvent::Stale));
    }

    #[test]
    fn silence_is_stale_within_bound() {
        let t0 = Instant::now();
        let cfg = ConnectionConfig::default().ping_interval(Duration::from_secs(10));
        let mut c = Connection::new(cfg, t0);
        let mut stale_at = None;
        while stale_at.is_none() {
            let now = c.poll_timeout().unwrap();
            c.handle_timeout(now);
            if drain(&mut c).contains(&ConnEvent::Stale) {
                stale_at = Some(now);
            }
        }
        assert_eq!(stale_at, Some(t0 + Duration::from_secs(40)));
    }

    #[test]
    fn acks_resolve_and_close_fails_the_rest() {
        let t0 = Instant::now();
        let mut c = Connection::new(ConnectionConfig::default(), t0);
        let a = c.send_message("C1", "one", t0).unwrap();
        let b = c.send_message("C1", "two", t0).unwrap();
        assert_ne!(a, b);
        let f: Value = serde_json::from_str(&c.poll_transmit().unwrap()).unwrap();
        assert_eq!(
            f,
            serde_json::json!({"id": a, "type":"message","channel":"C1","text":"one"})
        );
        c.handle_text(
            t0,
            format!(r#"{{"ok":true,"reply_to":{a},"ts":"1.1","text":"one"}}"#),
        );
        c.handle_closed();
        let evs = drain(&mut c);
        assert!(evs
            .iter()
            .any(|e| matches!(e, ConnEvent::Acked { id, .. } if *id == a)));
        assert!(evs.contains(&ConnEvent::SendFailed {
            id: b,
            error: SendError::ConnectionClosed
        }));
        assert_eq!(c.pending_acks(), 0);
        assert_eq!(c.send_message("C1", "x", t0), Err(SendError::NotOpen));
    }

    #[test]
    fn ack_timeout_and_refusal() {
        let t0 = Instant::now();
        let cfg = ConnectionConfig::default().ack_timeout(Duration::from_secs(5));
        let mut c = Connection::new(cfg, t0);
        let a = c.send_message("C1", "x", t0).unwrap();
        let b = c.send_message("C1", "y", t0).unwrap();
        c.handle_text(
            t0,
            format!(r#"{{"ok":false,"reply_to":{b},"error":{{"code":2,"msg":"bad"}}}}"#),
        );
        c.handle_timeout(t0 + Duration::from_secs(5));
        let evs = drain(&mut c);
        assert!(evs.contains(&ConnEvent::SendFailed {
            id: a,
            error: SendError::Timeout
        }));
        assert!(evs.iter().any(
            |e| matches!(e, ConnEvent::SendFailed { id, error: SendError::Refused(_) } if *id == b)
        ));
    }

    #[test]
    fn bad_frames_and_goodbye() {
        let t0 = Instant::now();
        let mut c = Connection::new(ConnectionConfig::default(), t0);
        c.handle_text(t0, "{{{");
        c.handle_text(t0, r#"{"type":"goodbye"}"#);
        let evs = drain(&mut c);
        assert!(matches!(&evs[0], ConnEvent::BadFrame { raw, .. } if raw == "{{{"));
        assert!(evs.contains(&ConnEvent::Goodbye));
        assert!(c.is_open());
    }

    #[test]
    fn a_paused_reader_is_never_stale_and_resumes_with_a_fresh_bound() {
        let t0 = Instant::now();
        let cfg = ConnectionConfig::default().ping_interval(Duration::from_secs(10));
        let mut c = Connection::new(cfg, t0);
        c.pause_reading();
        assert!(c.is_reading_paused());
        // Only pings are due while paused.
        let mut now = t0;
        for _ in 0..10 {
            now = c.poll_timeout().unwrap();
            c.handle_timeout(now);
        }
        assert_eq!(now, t0 + Duration::from_secs(100));
        assert!(!drain(&mut c).contains(&ConnEvent::Stale));
        assert_eq!(std::iter::from_fn(|| c.poll_transmit()).count(), 10);
        c.resume_reading(now);
        assert!(!c.is_reading_paused());
        let mut stale_at = None;
        while stale_at.is_none() {
            let t = c.poll_timeout().unwrap();
            c.handle_timeout(t);
            if drain(&mut c).contains(&ConnEvent::Stale) {
                stale_at = Some(t);
            }
        }
        assert_eq!(stale_at, Some(now + Duration::from_secs(40)));
    }

    #[test]
    fn events_carry_their_frame_text() {
        let t0 = Instant::now();
        let mut c = Connection::new(ConnectionConfig::default(), t0);
        let text = r#"{"type":"user_typing","channel":"C1","user":"U1","new_field":true}"#;
        c.handle_text(t0, text.to_owned());
        let evs = drain(&mut c);
        let [ConnEvent::Event(frame)] = &evs[..] else {
            panic!("{evs:?}")
        };
        assert_eq!(frame.raw(), text);
        assert_eq!(frame.kind(), "user_typing");
    }

    fn object(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            other => panic!("not an object: {other}"),
        }
    }

    #[test]
    fn zero_ping_interval_sends_no_ping_and_never_goes_stale() {
        let t0 = Instant::now();
        let cfg = ConnectionConfig::default().ping_interval(Duration::ZERO);
        assert_eq!(cfg.ping_interval, Duration::ZERO);
        let mut c = Connection::new(cfg, t0);
        assert_eq!(c.poll_timeout(), None);
        for h in 1..=48 {
            c.handle_timeout(t0 + Duration::from_secs(3600 * h));
        }
        assert_eq!(c.poll_transmit(), None, "no ping");
        assert!(drain(&mut c).is_empty(), "no stale");
        assert!(c.is_open());
        // Ack deadlines still wake the driver.
        let id = c.send_message("C1", "x", t0).unwrap();
        assert_eq!(c.poll_timeout(), Some(t0 + Duration::from_secs(30)));
        c.handle_timeout(t0 + Duration::from_secs(30));
        assert!(drain(&mut c).contains(&ConnEvent::SendFailed {
            id,
            error: SendError::Timeout
        }));
    }

    #[test]
    fn huge_settings_never_panic() {
        let t0 = Instant::now();
        let cfg = ConnectionConfig::default()
            .ping_interval(Duration::MAX)
            .ack_timeout(Duration::MAX);
        assert_eq!(cfg.stale_after(), Some(Duration::MAX));
        let mut c = Connection::new(cfg, t0);
        c.send_message("C1", "x", t0).unwrap();
        assert_eq!(c.poll_timeout(), None);
        c.handle_timeout(t0 + Duration::from_secs(86_400));
        assert_eq!(c.pending_acks(), 1);
    }

    #[test]
    fn a_caller_id_is_kept_and_its_ack_matched() {
        let t0 = Instant::now();
        let mut c = Connection::new(ConnectionConfig::default(), t0);
        let payload =
            serde_json::json!({"id": 7, "type": "message", "channel": "C1", "text": "mine"});
        assert_eq!(c.send(object(payload.clone()), t0), Ok(7));
        let sent: Value = serde_json::from_str(&c.poll_transmit().unwrap()).unwrap();
        assert_eq!(sent, payload, "sent as given");
        // The same id again while the first waits: two acks could not be told apart.
        assert_eq!(
            c.send(object(payload), t0),
            Err(SendError::InvalidId(Value::from(7)))
        );
        for bad in [
            serde_json::json!("7"),
            serde_json::json!(-1),
            serde_json::json!(1.5),
        ] {
            let p = serde_json::json!({"id": bad, "type": "message", "channel": "C1"});
            assert_eq!(c.send(object(p), t0), Err(SendError::InvalidId(bad)));
        }
        // Fresh ids never take the caller's pending one.
        let ours: Vec<u64> = (0..8)
            .map(|_| c.send_message("C1", "x", t0).unwrap())
            .collect();
        assert!(!ours.contains(&7), "{ours:?}");
        c.handle_text(t0, r#"{"ok":true,"reply_to":7,"ts":"1.7","text":"mine"}"#);
        let evs = drain(&mut c);
        assert!(
            evs.iter().any(
                |e| matches!(e, ConnEvent::Acked { id: 7, ack } if ack.ts.as_deref() == Some("1.7"))
            ),
            "{evs:?}"
        );
        // Acked: the id is free again.
        let p = serde_json::json!({"id": 7, "type": "message", "channel": "C1"});
        assert_eq!(c.send(object(p), t0), Ok(7));
    }

    #[derive(Debug, Clone)]
    enum Op {
        Send,
        Ack(usize),
        Refuse(usize),
        Advance(u64),
        Frame,
        Close,
    }

    fn op() -> impl proptest::strategy::Strategy<Value = Op> {
        use proptest::prelude::*;
        prop_oneof![
            3 => Just(Op::Send),
            2 => (0usize..20).prop_map(Op::Ack),
            1 => (0usize..20).prop_map(Op::Refuse),
            3 => (0u64..20_000).prop_map(Op::Advance),
            1 => Just(Op::Frame),
            1 => Just(Op::Close),
        ]
    }

    proptest::proptest! {
        /// Every send ends acked or failed — never forgotten — once the connection closes;
        /// silence is reported stale within `stale_after` (+ one timer step).
        #[test]
        fn sends_resolve_and_silence_is_detected(ops in proptest::collection::vec(op(), 0..60)) {
            let t0 = Instant::now();
            let cfg = ConnectionConfig::default().ping_interval(Duration::from_secs(1)).ack_timeout(Duration::from_secs(10));
            let mut c = Connection::new(cfg, t0);
            let mut now = t0;
            let mut ids = Vec::new();
            let mut resolved = std::collections::HashSet::new();
            let mut last_frame = t0;
            let mut stale_seen = false;
            for op in ops {
                match op {
                    Op::Send => if let Ok(id) = c.send_message("C1", "x", now) { ids.push(id) },
                    Op::Ack(i) => if let Some(id) = ids.get(i) {
                        c.handle_text(now, format!(r#"{{"ok":true,"reply_to":{id},"ts":"1.0"}}"#));
                        last_frame = now;
                    },
                    Op::Refuse(i) => if let Some(id) = ids.get(i) {
                        c.handle_text(now, format!(r#"{{"ok":false,"reply_to":{id},"error":{{"code":1}}}}"#));
                        last_frame = now;
                    },
                    Op::Advance(ms) => {
                        let target = now + Duration::from_millis(ms);
                        while let Some(t) = c.poll_timeout().filter(|t| *t <= target) {
                            now = t.max(now);
                            c.handle_timeout(now);
                            while c.poll_transmit().is_some() {}
                            for ev in std::iter::from_fn(|| c.poll_event()).collect::<Vec<_>>() {
                                match ev {
                                    ConnEvent::Stale => {
                                        stale_seen = true;
                                        proptest::prop_assert!(now - last_frame <= cfg.stale_after().unwrap() + Duration::from_millis(1));
                                    }
                                    ConnEvent::Acked { id, .. } | ConnEvent::SendFailed { id, .. } => { resolved.insert(id); }
                                    _ => {}
                                }
                            }
                        }
                        now = target;
                        if c.is_open() && !stale_seen {
                            proptest::prop_assert!(now - last_frame < cfg.stale_after().unwrap() + Duration::from_secs(1), "silence not detected");
                        }
                    }
                    Op::Frame => {
                        c.handle_text(now, r#"{"type":"pong","reply_to":1}"#);
                        last_frame = now;
                        stale_seen = false;
                    }
                    Op::Close => c.handle_closed(),
                }
                while c.poll_transmit().is_some() {}
                for ev in std::iter::from_fn(|| c.poll_event()).collect::<Vec<_>>() {
                    if let ConnEvent::Acked { id, .. } | ConnEvent::SendFailed { id, .. } = ev {
                        proptest::prop_assert!(resolved.insert(id), "resolved twice: {}", id);
                    }
                }
            }
            c.handle_closed();
            for ev in std::iter::from_fn(|| c.poll_event()).collect::<Vec<_>>() {
                if let ConnEvent::Acked { id, .. } | ConnEvent::SendFailed { id, .. } = ev {
                    proptest::prop_assert!(resolved.insert(id), "resolved twice: {}", id);
                }
            }
            for id in &ids {
                proptest::prop_assert!(resolved.contains(id), "send {} never resolved", id);
            }
        }
    }
}
