//! The Socket Mode hub: the app's open connections, the envelopes waiting for an ack, and
//! what was delivered and acknowledged. Plain data under one lock; connection tasks and the
//! re-delivery timer call into it, and it hands frames to connections through their
//! channels (never awaiting).

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::sync::mpsc;

use super::{AppResponse, DisconnectReason, HttpDelivery, SocketAck, SocketDelivery, MAX_RECORDS};

/// Slack re-delivers an unacknowledged envelope up to three times.
pub(crate) const MAX_RETRIES: u32 = 3;

/// Envelopes kept while no connection is open.
const MAX_WAITING: usize = 1_000;

/// What a connection task is told to do.
#[derive(Debug)]
pub(crate) enum Out {
    /// Send this text frame.
    Frame(String),
    /// Send a `disconnect` message, then close after the grace period.
    Disconnect(DisconnectReason),
    /// Go away without a close frame.
    Drop,
    /// Stop (`true`) or resume reading, answering pings and sending.
    Silence(bool),
}

#[derive(Debug)]
struct Conn {
    tx: mpsc::UnboundedSender<Out>,
    /// Told to disconnect: gets no new envelopes.
    draining: bool,
}

/// Where a delivery came from, to apply what its ack carries.
#[derive(Debug, Clone)]
pub(crate) enum Origin {
    Event,
    /// A slash command; its response URL id.
    Command(String),
    /// An interaction of `kind`, with its view id (for `view_submission`).
    Interaction {
        kind: String,
        view_id: Option<String>,
    },
}

#[derive(Debug)]
struct Pending {
    kind: &'static str,
    accepts: bool,
    payload: Value,
    attempt: u32,
    /// The connection it was last sent on.
    conn: Option<u64>,
    deadline: Option<Instant>,
    origin: Origin,
}

/// Where a response URL points: the conversation and, for interactions on a message, the
/// message.
#[derive(Debug, Clone)]
pub(crate) struct ResponseTarget {
    pub(crate) channel: Option<String>,
    pub(crate) message_ts: Option<String>,
    pub(crate) user: String,
}

/// The Socket Mode side of the app, and the records of every delivery mode.
#[derive(Debug, Default)]
pub(crate) struct Hub {
    conns: BTreeMap<u64, Conn>,
    next_conn: u64,
    round_robin: usize,
    pending: HashMap<String, Pending>,
    /// Made while no connection was open: sent when one opens.
    waiting: VecDeque<String>,
    ids: u64,
    salt: u64,
    pub(crate) delivered: Vec<SocketDelivery>,
    pub(crate) acks: Vec<SocketAck>,
    pub(crate) given_up: Vec<String>,
    pub(crate) responses: Vec<AppResponse>,
    pub(crate) response_urls: HashMap<String, ResponseTarget>,
    pub(crate) trigger_ids: Vec<String>,
    pub(crate) http: Vec<HttpDelivery>,
    /// The event log the web page shows: every envelope sent and Events API attempt.
    pub(crate) journal: crate::web::Journal,
}

fn push_bounded<T>(list: &mut Vec<T>, item: T) {
    if list.len() >= MAX_RECORDS {
        list.remove(0);
    }
    list.push(item);
}

impl Hub {
    pub(crate) fn new(salt: u64) -> Self {
        Hub {
            salt,
            ..Hub::default()
        }
    }

    /// A fresh uuid-like id.
    pub(crate) fn opaque_id(&mut self) -> String {
        self.ids += 1;
        crate::state::opaque_id(self.ids, self.salt)
    }

    /// A fresh Events API event id (`Ev…`).
    pub(crate) fn event_id(&mut self) -> String {
        self.ids += 1;
        format!("Ev{:08X}{:04X}", self.ids, self.salt & 0xffff)
    }

    /// A fresh trigger id (`<n>.<team number>.<hex>`), remembered.
    pub(crate) fn trigger_id(&mut self) -> String {
        self.ids += 1;
        let id = format!(
            "{}.{}.{:032x}",
            1_000_000 + self.ids,
            self.salt % 1_000_000_000,
            u128::from(self.ids) << 64 | u128::from(self.salt)
        );
        push_bounded(&mut self.trigger_ids, id.clone());
        id
    }

    pub(crate) fn record_response(&mut self, r: AppResponse) {
        push_bounded(&mut self.responses, r);
    }

    pub(crate) fn record_http(&mut self, d: HttpDelivery) {
        use crate::web::journal::{EventRecord, Payload, Via};
        let outcome = match (&d.status, &d.error) {
            (Some(s), _) => format!("HTTP {s}"),
            (None, Some(e)) => e.clone(),
            (None, None) => String::new(),
        };
        self.journal.event(
            EventRecord::new(Via::EventsApi, Payload::None)
                .delivery(&d.event_id, d.attempt, d.retry_reason.clone())
                .outcome(outcome),
        );
        push_bounded(&mut self.http, d);
    }

    // ===== connections =====

    /// Add a connection; its id and the number of open connections, this one included.
    pub(crate) fn register(&mut self, tx: mpsc::UnboundedSender<Out>) -> (u64, usize) {
        self.next_conn += 1;
        let id = self.next_conn;
        self.conns.insert(
            id,
            Conn {
                tx,
                draining: false,
            },
        );
        (id, self.conns.len())
    }

    pub(crate) fn unregister(&mut self, id: u64) {
        self.conns.remove(&id);
    }

    /// Open connection ids, oldest first.
    pub(crate) fn connection_ids(&self) -> Vec<u64> {
        self.conns.keys().copied().collect()
    }

    pub(crate) fn connection_count(&self) -> usize {
        self.conns.len()
    }

    /// Tell every connection (or one) something; `false` when none was told.
    pub(crate) fn tell(&mut self, conn: Option<u64>, out: impl Fn() -> Out) -> bool {
        let mut told = false;
        for (id, c) in &mut self.conns {
            if conn.is_none_or(|x| x == *id) {
                let msg = out();
                if matches!(msg, Out::Disconnect(_)) {
                    c.draining = true;
                }
                told |= c.tx.send(msg).is_ok();
            }
        }
        told
    }

    /// A connection for a new delivery, round robin over those not draining, avoiding
    /// `avoid` when another is open.
    fn pick(&mut self, avoid: Option<u64>) -> Option<u64> {
        let ready: Vec<u64> = self
            .conns
            .iter()
            .filter(|(_, c)| !c.draining && !c.tx.is_closed())
            .map(|(id, _)| *id)
            .collect();
        let choices: Vec<u64> = if ready.len() > 1 {
            ready
                .iter()
                .copied()
                .filter(|id| Some(*id) != avoid)
                .collect()
        } else {
            ready
        };
        if choices.is_empty() {
            return None;
        }
        let id = choices[self.round_robin % choices.len()];
        self.round_robin = self.round_robin.wrapping_add(1);
        Some(id)
    }

    // ===== envelopes =====

    /// A new envelope; sent at once when a connection is open, else when one opens.
    pub(crate) fn enqueue(
        &mut self,
        now: Instant,
        ack_timeout: Duration,
        kind: &'static str,
        accepts: bool,
        payload: Value,
        origin: Origin,
    ) -> String {
        let id = self.opaque_id();
        self.pending.insert(
            id.clone(),
            Pending {
                kind,
                accepts,
                payload,
                attempt: 0,
                conn: None,
                deadline: None,
                origin,
            },
        );
        if !self.send(&id, now, ack_timeout) {
            if self.waiting.len() >= MAX_WAITING {
                if let Some(old) = self.waiting.pop_front() {
                    self.pending.remove(&old);
                    push_bounded(&mut self.given_up, old);
                }
            }
            self.waiting.push_back(id.clone());
        }
        id
    }

    /// Send envelope `id` (at its current attempt) on a connection; `false` when none is
    /// open.
    fn send(&mut self, id: &str, now: Instant, ack_timeout: Duration) -> bool {
        let avoid = self.pending.get(id).and_then(|p| p.conn);
        let Some(conn) = self.pick(avoid) else {
            return false;
        };
        let Some(p) = self.pending.get_mut(id) else {
            return true;
        };
        let reason = (p.attempt > 0).then(|| "timeout".to_owned());
        let frame = json!({
            "envelope_id": id,
            "payload": p.payload,
            "type": p.kind,
            "accepts_response_payload": p.accepts,
            "retry_attempt": p.attempt,
            "retry_reason": reason.clone().unwrap_or_default(),
        });
        p.conn = Some(conn);
        p.deadline = Some(now + ack_timeout);
        let delivery = SocketDelivery {
            envelope_id: id.to_owned(),
            envelope_type: p.kind.to_owned(),
            connection: conn,
            retry_attempt: p.attempt,
            retry_reason: reason,
            payload: p.payload.clone(),
        };
        if let Some(c) = self.conns.get(&conn) {
            // A connection that just went away: the ack deadline re-delivers.
            let _ = c.tx.send(Out::Frame(frame.to_string()));
        }
        self.journal.event(
            crate::web::journal::EventRecord::new(
                crate::web::journal::Via::SocketMode,
                crate::web::journal::Payload::Json(delivery.payload.clone()),
            )
            .connection(Some(conn))
            .delivery(id, delivery.retry_attempt, delivery.retry_reason.clone()),
        );
        push_bounded(&mut self.delivered, delivery);
        true
    }

    /// Send what waited for a connection.
    pub(crate) fn flush_waiting(&mut self, now: Instant, ack_timeout: Duration) {
        while let Some(id) = self.waiting.front().cloned() {
            if !self.send(&id, now, ack_timeout) {
                return;
            }
            self.waiting.pop_front();
        }
    }

    /// An ack from connection `conn`: the origin of the envelope when it was waiting for one
    /// (on any connection of the app), `None` for an unknown or already acknowledged id.
    pub(crate) fn ack(
        &mut self,
        conn: u64,
        envelope_id: &str,
        payload: Option<Value>,
    ) -> Option<(Origin, &'static str)> {
        let known = self
            .pending
            .get(envelope_id)
            .is_some_and(|p| p.deadline.is_some());
        let found = if known {
            self.pending.remove(envelope_id)
        } else {
            None
        };
        push_bounded(
            &mut self.acks,
            SocketAck {
                envelope_id: envelope_id.to_owned(),
                connection: conn,
                payload,
                known,
            },
        );
        found.map(|p| (p.origin, p.kind))
    }

    /// The earliest ack deadline.
    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        self.pending.values().filter_map(|p| p.deadline).min()
    }

    /// Deliver again what was not acknowledged by `now`; give up after the last retry.
    pub(crate) fn expire(&mut self, now: Instant, ack_timeout: Duration) {
        let mut due: Vec<(Instant, String)> = self
            .pending
            .iter()
            .filter_map(|(id, p)| p.deadline.filter(|d| *d <= now).map(|d| (d, id.clone())))
            .collect();
        due.sort();
        for (_, id) in due {
            let Some(p) = self.pending.get_mut(&id) else {
                continue;
            };
            if p.attempt >= MAX_RETRIES {
                self.pending.remove(&id);
                push_bounded(&mut self.given_up, id);
                continue;
            }
            p.attempt += 1;
            p.deadline = None;
            if !self.send(&id, now, ack_timeout) {
                self.waiting.push_back(id);
            }
        }
    }

    /// Envelopes waiting for an ack or a connection.
    pub(crate) fn pending_count(&self) -> usize {
        self.pending.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn(hub: &mut Hub) -> (u64, mpsc::UnboundedReceiver<Out>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (hub.register(tx).0, rx)
    }

    fn frames(rx: &mut mpsc::UnboundedReceiver<Out>) -> Vec<Value> {
        let mut v = Vec::new();
        while let Ok(out) = rx.try_recv() {
            if let Out::Frame(t) = out {
                v.push(serde_json::from_str(&t).unwrap_or(Value::Null));
            }
        }
        v
    }

    const T: Duration = Duration::from_secs(3);

    #[test]
    fn retries_go_to_another_connection_then_give_up() {
        let mut hub = Hub::new(7);
        let now = Instant::now();
        let (a, mut ra) = conn(&mut hub);
        let (_b, mut rb) = conn(&mut hub);
        let id = hub.enqueue(now, T, "events_api", false, json!({"x": 1}), Origin::Event);
        let first = hub.delivered[0].connection;
        assert_eq!(hub.next_deadline(), Some(now + T));
        hub.expire(now + T, T);
        let second = hub.delivered[1].connection;
        assert_ne!(first, second);
        assert_eq!(hub.delivered[1].retry_attempt, 1);
        assert_eq!(hub.delivered[1].retry_reason.as_deref(), Some("timeout"));
        hub.expire(now + 2 * T, T);
        hub.expire(now + 3 * T, T);
        assert_eq!(hub.delivered.len(), 4);
        hub.expire(now + 4 * T, T);
        assert_eq!(hub.given_up, vec![id.clone()]);
        assert_eq!(hub.pending_count(), 0);
        let all: Vec<Value> = frames(&mut ra).into_iter().chain(frames(&mut rb)).collect();
        assert_eq!(all.len(), 4);
        assert!(all.iter().all(|f| f["envelope_id"] == id.as_str()));
        // A late ack is recorded as unknown.
        assert!(hub.ack(a, &id, None).is_none());
        assert!(!hub.acks[0].known);
    }

    #[test]
    fn waits_for_a_connection_and_acks_once() {
        let mut hub = Hub::new(7);
        let now = Instant::now();
        let id = hub.enqueue(now, T, "slash_commands", true, json!({}), Origin::Event);
        assert!(hub.delivered.is_empty());
        assert_eq!(hub.next_deadline(), None);
        let (a, mut ra) = conn(&mut hub);
        hub.flush_waiting(now, T);
        assert_eq!(frames(&mut ra).len(), 1);
        assert!(hub.ack(a, &id, Some(json!({"text": "hi"}))).is_some());
        assert!(hub.ack(a, &id, None).is_none());
        assert_eq!(hub.next_deadline(), None);
    }

    #[test]
    fn round_robin_skips_draining_connections() {
        let mut hub = Hub::new(7);
        let now = Instant::now();
        let (a, _ra) = conn(&mut hub);
        let (b, _rb) = conn(&mut hub);
        hub.tell(Some(a), || Out::Disconnect(DisconnectReason::Warning));
        for _ in 0..4 {
            hub.enqueue(now, T, "events_api", false, json!({}), Origin::Event);
        }
        assert!(hub.delivered.iter().all(|d| d.connection == b));
    }
}
