//! The state machine of one Socket Mode connection: `hello`, envelopes and their
//! acknowledgements (each exactly once, by the handler or at a deadline), `disconnect`,
//! pings and staleness. No I/O: frames in, frames and events out.
//!
//! Driving order, after any input: drain [`poll_transmit`](Connection::poll_transmit)
//! (frames to write), then [`poll_event`](Connection::poll_event), then sleep until
//! [`poll_timeout`](Connection::poll_timeout) and call
//! [`handle_timeout`](Connection::handle_timeout).
//!
//! ```
//! use std::time::{Duration, Instant};
//! use slack_core::socket_mode::{ConnEvent, Connection, ConnectionConfig, Transmit};
//!
//! let t0 = Instant::now();
//! let mut conn = Connection::new(ConnectionConfig::default(), t0);
//! conn.handle_text(t0, r#"{"type":"hello","num_connections":1}"#);
//! conn.handle_text(t0, r#"{"envelope_id":"e1","type":"events_api","payload":{}}"#);
//! assert!(matches!(conn.poll_event(), Some(ConnEvent::Hello(_))));
//! let Some(ConnEvent::Envelope(env)) = conn.poll_event() else { panic!() };
//! // The handler is slow: at the deadline the machine acknowledges on its own…
//! conn.handle_timeout(t0 + Duration::from_millis(2500));
//! assert_eq!(conn.poll_transmit(), Some(Transmit::Text(r#"{"envelope_id":"e1"}"#.into())));
//! // …and the handler's own ack later is refused: never twice.
//! assert!(conn.ack(&env.envelope_id, None).is_err());
//! ```

use std::collections::{HashMap, VecDeque};
use std::hash::BuildHasher;
use std::time::{Duration, Instant};

use serde_json::value::RawValue;

use super::frame::{
    decode_frame, encode_ack, DisconnectReason, Envelope, Frame, FrameError, Hello,
};
use crate::liveness::Liveness;

/// Settings of a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConnectionConfig {
    /// Time between the client's websocket pings (default 10 s; zero turns them off —
    /// Slack's own pings still keep the connection alive).
    pub ping_interval: Duration,
    /// The connection is stale when nothing (a frame, a ping, a pong) arrived for this long
    /// (default 30 s).
    pub stale_after: Duration,
    /// How long an envelope may wait for its handler's ack before the connection
    /// acknowledges it without a payload (default 2.5 s, inside Slack's 3 s). Per envelope,
    /// [`Connection::set_deadline`] changes it.
    pub ack_deadline: Duration,
}

impl Default for ConnectionConfig {
    fn default() -> Self {
        ConnectionConfig {
            ping_interval: Duration::from_secs(10),
            stale_after: Duration::from_secs(30),
            ack_deadline: Duration::from_millis(2500),
        }
    }
}

impl ConnectionConfig {
    /// Ping every `interval` (zero: no pings of ours).
    pub fn ping_interval(mut self, interval: Duration) -> Self {
        self.ping_interval = interval;
        self
    }

    /// Call the connection stale after `silence` without anything from Slack.
    pub fn stale_after(mut self, silence: Duration) -> Self {
        self.stale_after = silence;
        self
    }

    /// Acknowledge an envelope on the handler's behalf after `deadline`.
    pub fn ack_deadline(mut self, deadline: Duration) -> Self {
        self.ack_deadline = deadline;
        self
    }
}

/// A frame to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transmit {
    /// A text frame (an acknowledgement).
    Text(String),
    /// A websocket ping.
    Ping,
}

/// Why an acknowledgement was not sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AckError {
    /// The envelope was acknowledged already (by the handler, or at its deadline).
    #[error("envelope {0} was already acknowledged")]
    AlreadyAcked(String),
    /// No envelope with this id was delivered on this connection.
    #[error("no envelope {0} is waiting for an acknowledgement here")]
    Unknown(String),
    /// The connection is closed; the envelope comes again (Slack re-delivers what was not
    /// acknowledged).
    #[error("the connection closed before envelope {0} was acknowledged")]
    Closed(String),
}

/// What the ack carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckSent {
    /// As asked.
    AsAsked,
    /// The envelope does not accept a response payload: acknowledged without it.
    PayloadDropped,
}

/// What happened on the connection.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ConnEvent {
    /// The connection is ready.
    Hello(Hello),
    /// A delivery for the application, waiting for its ack.
    Envelope(Envelope),
    /// The same envelope id arrived again while its first delivery still waits for an ack:
    /// not delivered twice.
    Duplicate(Envelope),
    /// A frame that could not be decoded. When it had an envelope id, it was acknowledged
    /// already (so Slack does not send it again).
    Undecodable(FrameError),
    /// The handler did not acknowledge in time: the connection did, without a payload.
    AutoAcked {
        /// The envelope.
        envelope_id: String,
    },
    /// Slack will close this connection: open another (unless the reason is fatal).
    /// Envelopes delivered here can still be acknowledged until it closes.
    Disconnect(DisconnectReason),
    /// Nothing arrived within [`ConnectionConfig::stale_after`]: replace this connection.
    Stale,
    /// The connection closed with these envelopes unacknowledged; Slack re-delivers them.
    Unacked(Vec<String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Open, waiting for `hello`.
    Opening,
    Open,
    /// Slack said `disconnect`: still acknowledging.
    Draining,
    Closed,
}

#[derive(Debug, Clone, Copy)]
struct Pending {
    deadline: Option<Instant>,
    accepts_payload: bool,
}

/// How many acknowledged ids are remembered (to tell "already acknowledged" from "unknown").
const REMEMBERED: usize = 4096;

/// One Socket Mode connection.
#[derive(Debug)]
pub struct Connection {
    config: ConnectionConfig,
    state: State,
    liveness: Liveness,
    /// Frames to write, with the envelope each acknowledges.
    transmit: VecDeque<(Option<String>, Transmit)>,
    events: VecDeque<ConnEvent>,
    pending: HashMap<String, Pending>,
    /// The last [`REMEMBERED`] acknowledged ids, as keyed 64-bit hashes in a ring (8 bytes
    /// each; `acked_next` is the slot to overwrite once it is full). Only read to tell
    /// "already acknowledged" from "unknown" in an error, so a scan is enough: no set.
    acked: Vec<u64>,
    acked_next: usize,
    hasher: std::hash::RandomState,
    /// No pending deadline is earlier than this (it may be earlier than every one: a
    /// timeout then finds nothing due and sets it right). Saves a scan of every pending
    /// envelope per wait.
    earliest: Option<Instant>,
}

impl Connection {
    /// A connection whose websocket opened at `now`.
    pub fn new(config: ConnectionConfig, now: Instant) -> Self {
        Connection {
            config,
            state: State::Opening,
            liveness: Liveness::new(config.ping_interval, config.stale_after, now),
            transmit: VecDeque::new(),
            events: VecDeque::new(),
            pending: HashMap::new(),
            acked: Vec::new(),
            acked_next: 0,
            hasher: std::hash::RandomState::new(),
            earliest: None,
        }
    }

    // ===== getters =====

    /// Whether `hello` arrived and Slack has not asked to disconnect.
    pub fn is_ready(&self) -> bool {
        self.state == State::Open
    }

    /// Whether the websocket is still open (envelopes can be acknowledged).
    pub fn is_open(&self) -> bool {
        self.state != State::Closed
    }

    /// Envelopes delivered and not yet acknowledged.
    pub fn pending_acks(&self) -> usize {
        self.pending.len()
    }

    // ===== commands =====

    /// Acknowledge `envelope_id`, with a response payload (a JSON object's text) where the
    /// envelope accepts one. Exactly once: a second ack of the same envelope is refused.
    pub fn ack(
        &mut self,
        envelope_id: &str,
        payload: Option<&RawValue>,
    ) -> Result<AckSent, AckError> {
        let Some(pending) = self.pending.remove(envelope_id) else {
            return Err(if self.was_acked(envelope_id) {
                AckError::AlreadyAcked(envelope_id.to_owned())
            } else if self.state == State::Closed {
                AckError::Closed(envelope_id.to_owned())
            } else {
                AckError::Unknown(envelope_id.to_owned())
            });
        };
        let sent = match payload {
            Some(_) if !pending.accepts_payload => AckSent::PayloadDropped,
            _ => AckSent::AsAsked,
        };
        let payload = payload.filter(|_| pending.accepts_payload);
        self.send_ack(envelope_id, payload);
        Ok(sent)
    }

    /// Change when `envelope_id` is acknowledged on the handler's behalf: `Some(t)` at `t`,
    /// `None` never (the handler must ack; Slack re-delivers after 3 s if it does not).
    /// Returns `false` when the envelope is not waiting for an ack here.
    pub fn set_deadline(&mut self, envelope_id: &str, deadline: Option<Instant>) -> bool {
        match self.pending.get_mut(envelope_id) {
            Some(p) => {
                p.deadline = deadline;
                self.lower_earliest(deadline);
                true
            }
            None => false,
        }
    }

    /// The driver stops reading frames (its consumers are behind). Until
    /// [`resume_reading`](Self::resume_reading) no silence counts as staleness: Slack's frames
    /// are waiting unread. Pings and ack deadlines go on.
    pub fn pause_reading(&mut self) {
        self.liveness.pause();
    }

    /// The driver reads frames again at `now`.
    pub fn resume_reading(&mut self, now: Instant) {
        self.liveness.resume(now);
    }

    /// Queue a ping now (they are also sent on schedule).
    pub fn ping(&mut self, now: Instant) {
        if self.state != State::Closed {
            self.transmit.push_back((None, Transmit::Ping));
            self.liveness.pinged(now);
        }
    }

    // ===== input =====

    /// A text frame arrived.
    pub fn handle_text(&mut self, now: Instant, text: &str) {
        if self.state == State::Closed {
            return;
        }
        self.liveness.seen(now);
        match decode_frame(text) {
            Ok(Frame::Hello(h)) => {
                if self.state == State::Opening {
                    self.state = State::Open;
                }
                self.events.push_back(ConnEvent::Hello(h));
            }
            Ok(Frame::Disconnect(reason)) => {
                self.state = State::Draining;
                self.events.push_back(ConnEvent::Disconnect(reason));
            }
            Ok(Frame::Envelope(env)) => {
                if self.pending.contains_key(&env.envelope_id) {
                    self.events.push_back(ConnEvent::Duplicate(env));
                    return;
                }
                let deadline = now + self.config.ack_deadline;
                self.pending.insert(
                    env.envelope_id.clone(),
                    Pending {
                        deadline: Some(deadline),
                        accepts_payload: env.accepts_response_payload,
                    },
                );
                self.lower_earliest(Some(deadline));
                self.events.push_back(ConnEvent::Envelope(env));
            }
            Err(err) => {
                if let Some(id) = &err.envelope_id {
                    if !self.was_acked(id) {
                        self.pending.remove(id);
                        self.send_ack(id, None);
                    }
                }
                self.events.push_back(ConnEvent::Undecodable(err));
            }
        }
    }

    /// A websocket ping or pong (or any other frame) arrived: Slack is there.
    pub fn handle_alive(&mut self, now: Instant) {
        self.liveness.seen(now);
    }

    /// The websocket closed (by either side, or the transport failed). Envelopes not yet
    /// acknowledged, and those whose ack was queued but not taken by
    /// [`poll_transmit`](Self::poll_transmit), are reported once in [`ConnEvent::Unacked`].
    /// (An ack taken but whose write then failed is the driver's to report; either way Slack
    /// delivers the envelope again.)
    pub fn handle_closed(&mut self) {
        if self.state == State::Closed {
            return;
        }
        self.state = State::Closed;
        self.earliest = None;
        let unsent = self.transmit.drain(..).filter_map(|(id, _)| id);
        let mut unacked: Vec<String> = self
            .pending
            .drain()
            .map(|(id, _)| id)
            .chain(unsent)
            .collect();
        if !unacked.is_empty() {
            unacked.sort();
            self.events.push_back(ConnEvent::Unacked(unacked));
        }
    }

    /// Time passed: acknowledge envelopes past their deadline, ping, detect staleness.
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.state == State::Closed {
            return;
        }
        let mut due: Vec<String> = Vec::new();
        if self.earliest.is_some_and(|e| e <= now) {
            // One scan: what is due, and the earliest of what is not.
            self.earliest = None;
            for (id, p) in &self.pending {
                match p.deadline {
                    Some(d) if d <= now => due.push(id.clone()),
                    Some(d) => self.earliest = Some(self.earliest.map_or(d, |e| e.min(d))),
                    None => {}
                }
            }
            due.sort();
        }
        for envelope_id in due {
            self.pending.remove(&envelope_id);
            self.send_ack(&envelope_id, None);
            self.events.push_back(ConnEvent::AutoAcked { envelope_id });
        }
        let due = self.liveness.handle_timeout(now);
        if due.stale {
            self.events.push_back(ConnEvent::Stale);
        }
        if due.ping {
            self.transmit.push_back((None, Transmit::Ping));
        }
    }

    // ===== output =====

    /// The next frame to write.
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.transmit.pop_front().map(|(_, t)| t)
    }

    /// The next thing that happened.
    pub fn poll_event(&mut self) -> Option<ConnEvent> {
        self.events.pop_front()
    }

    /// When [`handle_timeout`](Connection::handle_timeout) must next be called (`None` once
    /// closed).
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.state == State::Closed {
            return None;
        }
        match (self.liveness.poll_timeout(), self.earliest) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn was_acked(&self, envelope_id: &str) -> bool {
        let key = self.hasher.hash_one(envelope_id);
        self.acked.contains(&key)
    }

    fn lower_earliest(&mut self, deadline: Option<Instant>) {
        if let Some(d) = deadline {
            self.earliest = Some(self.earliest.map_or(d, |e| e.min(d)));
        }
    }

    fn send_ack(&mut self, envelope_id: &str, payload: Option<&RawValue>) {
        self.transmit.push_back((
            Some(envelope_id.to_owned()),
            Transmit::Text(encode_ack(envelope_id, payload)),
        ));
        let key = self.hasher.hash_one(envelope_id);
        if self.acked.len() < REMEMBERED {
            self.acked.push(key);
        } else if let Some(slot) = self.acked.get_mut(self.acked_next) {
            *slot = key;
            self.acked_next = (self.acked_next + 1) % REMEMBERED;
        }
    }
}

#[cfg(test)]
mod tests;
