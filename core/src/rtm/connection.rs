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
    /// Time between pings (default 30 s, like Python's `ping_interval`).
    pub ping_interval: Duration,
    /// The connection is stale when no pong arrived for this many ping intervals
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
    /// Ping every `interval`.
    pub fn ping_interval(mut self, interval: Duration) -> Self {
        self.ping_interval = interval.max(Duration::from_millis(1));
        self
    }

    /// Wait at most `timeout` for each ack.
    pub fn ack_timeout(mut self, timeout: Duration) -> Self {
        self.ack_timeout = timeout;
        self
    }

    /// The staleness bound: `stale_after_intervals × ping_interval`.
    pub fn stale_after(&self) -> Duration {
        self.ping_interval * self.stale_after_intervals.max(1)
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
    /// Messages awaiting an ack: id → deadline.
    pending: BTreeMap<u64, Instant>,
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
            // RTM always pings (the setter keeps the interval at 1 ms or more).
            liveness: Liveness::new(
                config.ping_interval.max(Duration::from_millis(1)),
                config.stale_after(),
                now,
            ),
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

    /// Queue `payload` (a JSON object) with a fresh `id`; returns the id. Only messages of
    /// type `message` are tracked for an ack (Slack acks nothing else).
    pub fn send(
        &mut self,
        mut payload: Map<String, Value>,
        now: Instant,
    ) -> Result<u64, SendError> {
        if self.state != State::Open {
            return Err(SendError::NotOpen);
        }
        let id = self.next_id;
        self.next_id += 1;
        payload.insert("id".into(), Value::from(id));
        let tracked = payload.get("type").and_then(Value::as_str) == Some("message");
        self.transmit.push_back(Value::Object(payload).to_string());
        if tracked {
            self.pending.insert(id, now + self.config.ack_timeout);
        }
        Ok(id)
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
            .filter(|(_, deadline)| **deadline <= now)
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
        // RTM always pings, so the liveness has a deadline.
        let mut t = self.liveness.poll_timeout()?;
        if let Some(d) = self.pending.values().min() {
            t = t.min(*d);
        }
        Some(t)
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
                                        proptest::prop_assert!(now - last_frame <= cfg.stale_after() + Duration::from_millis(1));
                                    }
                                    ConnEvent::Acked { id, .. } | ConnEvent::SendFailed { id, .. } => { resolved.insert(id); }
                                    _ => {}
                                }
                            }
                        }
                        now = target;
                        if c.is_open() && !stale_seen {
                            proptest::prop_assert!(now - last_frame < cfg.stale_after() + Duration::from_secs(1), "silence not detected");
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
