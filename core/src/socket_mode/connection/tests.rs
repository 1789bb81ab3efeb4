use std::collections::BTreeMap;

use super::*;

const S: Duration = Duration::from_secs(1);
const MS: Duration = Duration::from_millis(1);

fn envelope(id: &str, accepts: bool) -> String {
    format!(
        r#"{{"envelope_id":"{id}","type":"slash_commands","accepts_response_payload":{accepts},"payload":{{"command":"/x"}},"retry_attempt":0,"retry_reason":""}}"#
    )
}

fn drain(c: &mut Connection) -> (Vec<ConnEvent>, Vec<Transmit>) {
    (
        std::iter::from_fn(|| c.poll_event()).collect(),
        std::iter::from_fn(|| c.poll_transmit()).collect(),
    )
}

fn raw(s: &str) -> Box<RawValue> {
    RawValue::from_string(s.to_owned()).unwrap()
}

#[test]
fn hello_then_handler_ack_with_payload() {
    let t0 = Instant::now();
    let mut c = Connection::new(ConnectionConfig::default(), t0);
    assert!(!c.is_ready());
    c.handle_text(t0, r#"{"type":"hello","num_connections":1}"#);
    assert!(c.is_ready());
    c.handle_text(t0, &envelope("e1", true));
    let (events, _) = drain(&mut c);
    assert!(matches!(events[1], ConnEvent::Envelope(ref e) if e.envelope_id == "e1"));
    assert_eq!(c.pending_acks(), 1);
    let p = raw(r#"{"text":"deploying"}"#);
    assert_eq!(c.ack("e1", Some(&p)), Ok(AckSent::AsAsked));
    assert_eq!(
        c.poll_transmit(),
        Some(Transmit::Text(
            r#"{"envelope_id":"e1","payload":{"text":"deploying"}}"#.into()
        ))
    );
    assert_eq!(c.ack("e1", None), Err(AckError::AlreadyAcked("e1".into())));
    assert_eq!(c.ack("nope", None), Err(AckError::Unknown("nope".into())));
    // Nothing more to ack at the deadline.
    c.handle_timeout(t0 + 3 * S);
    let (events, transmits) = drain(&mut c);
    assert!(events.is_empty(), "{events:?}");
    assert!(
        transmits.iter().all(|t| *t == Transmit::Ping),
        "{transmits:?}"
    );
}

#[test]
fn payload_dropped_where_not_accepted() {
    let t0 = Instant::now();
    let mut c = Connection::new(ConnectionConfig::default(), t0);
    c.handle_text(t0, &envelope("e1", false));
    let p = raw(r#"{"text":"no"}"#);
    assert_eq!(c.ack("e1", Some(&p)), Ok(AckSent::PayloadDropped));
    assert_eq!(
        c.poll_transmit(),
        Some(Transmit::Text(r#"{"envelope_id":"e1"}"#.into()))
    );
}

#[test]
fn deadline_acks_for_a_slow_handler_and_can_be_moved() {
    let t0 = Instant::now();
    let cfg = ConnectionConfig::default().ack_deadline(2 * S);
    let mut c = Connection::new(cfg, t0);
    c.handle_text(t0, &envelope("slow", true));
    c.handle_text(t0, &envelope("patient", true));
    assert!(c.set_deadline("patient", None));
    assert!(!c.set_deadline("never-delivered", None));
    assert_eq!(c.poll_timeout(), Some(t0 + 2 * S));
    c.handle_timeout(t0 + 2 * S - MS);
    assert!(drain(&mut c).1.is_empty());
    c.handle_timeout(t0 + 2 * S);
    let (events, transmits) = drain(&mut c);
    assert!(matches!(&events[..], [ConnEvent::AutoAcked { envelope_id }] if envelope_id == "slow"));
    assert_eq!(
        transmits,
        [Transmit::Text(r#"{"envelope_id":"slow"}"#.into())]
    );
    assert_eq!(c.pending_acks(), 1, "the patient one waits for its handler");
    c.handle_timeout(t0 + 60 * S);
    assert_eq!(c.ack("patient", None), Ok(AckSent::AsAsked));
}

#[test]
fn undecodable_envelopes_are_acked_once() {
    let t0 = Instant::now();
    let mut c = Connection::new(ConnectionConfig::default(), t0);
    c.handle_text(
        t0,
        r#"{"envelope_id":"bad1","type":"interactive","payload":{"type":"#,
    );
    c.handle_text(
        t0,
        r#"{"envelope_id":"bad1","type":"interactive","payload":{"type":"#,
    );
    c.handle_text(t0, "not json at all");
    let (events, transmits) = drain(&mut c);
    assert_eq!(events.len(), 3);
    assert!(events
        .iter()
        .all(|e| matches!(e, ConnEvent::Undecodable(_))));
    assert_eq!(
        transmits,
        [Transmit::Text(r#"{"envelope_id":"bad1"}"#.into())]
    );
}

#[test]
fn duplicate_while_pending_is_not_delivered_twice() {
    let t0 = Instant::now();
    let mut c = Connection::new(ConnectionConfig::default(), t0);
    c.handle_text(t0, &envelope("e1", false));
    c.handle_text(t0 + MS, &envelope("e1", false));
    let (events, _) = drain(&mut c);
    assert!(matches!(
        &events[..],
        [ConnEvent::Envelope(_), ConnEvent::Duplicate(_)]
    ));
    assert_eq!(c.pending_acks(), 1);
}

#[test]
fn acks_not_yet_written_at_the_close_are_handed_back() {
    let t0 = Instant::now();
    let mut c = Connection::new(ConnectionConfig::default(), t0);
    c.handle_text(t0, &envelope("a", false));
    c.handle_text(t0, &envelope("b", false));
    assert_eq!(c.ack("a", None), Ok(AckSent::AsAsked));
    c.handle_closed();
    let (events, transmits) = drain(&mut c);
    assert!(transmits.is_empty());
    assert!(
        matches!(events.last(), Some(ConnEvent::Unacked(ids)) if ids == &["a".to_owned(), "b".to_owned()])
    );
}

#[test]
fn disconnect_drains_and_close_reports_unacked() {
    let t0 = Instant::now();
    let mut c = Connection::new(ConnectionConfig::default(), t0);
    c.handle_text(t0, r#"{"type":"hello"}"#);
    c.handle_text(t0, &envelope("a", false));
    c.handle_text(t0, &envelope("b", false));
    c.handle_text(t0, r#"{"type":"disconnect","reason":"refresh_requested"}"#);
    assert!(!c.is_ready());
    assert!(c.is_open());
    assert_eq!(
        c.ack("a", None),
        Ok(AckSent::AsAsked),
        "still acks while draining"
    );
    assert_eq!(
        c.poll_transmit(),
        Some(Transmit::Text(r#"{"envelope_id":"a"}"#.into()))
    );
    c.handle_closed();
    let (events, _) = drain(&mut c);
    assert!(matches!(events.last(), Some(ConnEvent::Unacked(ids)) if ids == &["b".to_owned()]));
    assert_eq!(c.ack("b", None), Err(AckError::Closed("b".into())));
    assert_eq!(c.poll_timeout(), None);
    c.handle_closed();
    assert!(c.poll_event().is_none(), "reported once");
}

#[test]
fn pings_and_staleness() {
    let t0 = Instant::now();
    let cfg = ConnectionConfig::default()
        .ping_interval(10 * S)
        .stale_after(30 * S);
    let mut c = Connection::new(cfg, t0);
    c.handle_timeout(t0 + 10 * S);
    assert_eq!(drain(&mut c).1, [Transmit::Ping]);
    c.handle_alive(t0 + 25 * S);
    c.handle_timeout(t0 + 54 * S);
    assert!(!drain(&mut c)
        .0
        .iter()
        .any(|e| matches!(e, ConnEvent::Stale)));
    c.handle_timeout(t0 + 55 * S);
    assert!(drain(&mut c)
        .0
        .iter()
        .any(|e| matches!(e, ConnEvent::Stale)));
    let quiet = ConnectionConfig::default().ping_interval(Duration::ZERO);
    let mut q = Connection::new(quiet, t0);
    q.handle_timeout(t0 + 29 * S);
    assert!(drain(&mut q).1.is_empty(), "pings off");
}

#[derive(Debug, Clone)]
enum Op {
    Deliver(u8),
    HandlerAck(u8),
    Advance(u16),
    Disconnect,
    Close,
}

fn op() -> impl proptest::strategy::Strategy<Value = Op> {
    use proptest::prelude::*;
    prop_oneof![
        4 => (0u8..12).prop_map(Op::Deliver),
        4 => (0u8..12).prop_map(Op::HandlerAck),
        3 => (0u16..3000).prop_map(Op::Advance),
        1 => Just(Op::Disconnect),
        1 => Just(Op::Close),
    ]
}

proptest::proptest! {
    /// Every delivered envelope is acknowledged at most once; every one is either
    /// acknowledged or reported unacknowledged at the close (then Slack re-delivers it) —
    /// none is lost, whatever the handlers, the clock and the server do.
    #[test]
    fn every_envelope_acked_exactly_once_or_handed_back(ops in proptest::collection::vec(op(), 1..80)) {
        let t0 = Instant::now();
        let mut now = t0;
        let mut c = Connection::new(ConnectionConfig::default(), t0);
        c.handle_text(now, r#"{"type":"hello"}"#);
        let mut delivered: BTreeMap<String, u32> = BTreeMap::new();
        let mut acks: BTreeMap<String, u32> = BTreeMap::new();
        let mut handed_back: BTreeMap<String, u32> = BTreeMap::new();
        let mut collect = |c: &mut Connection, delivered: &mut BTreeMap<String, u32>| {
            while let Some(t) = c.poll_transmit() {
                if let Transmit::Text(text) = t {
                    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
                    *acks.entry(v["envelope_id"].as_str().unwrap().to_owned()).or_default() += 1;
                }
            }
            while let Some(e) = c.poll_event() {
                match e {
                    ConnEvent::Envelope(env) => *delivered.entry(env.envelope_id).or_default() += 1,
                    ConnEvent::Unacked(ids) => for id in ids { *handed_back.entry(id).or_default() += 1 },
                    _ => {}
                }
            }
        };
        for op in ops {
            match op {
                Op::Deliver(n) => c.handle_text(now, &envelope(&format!("e{n}"), n % 2 == 0)),
                Op::HandlerAck(n) => { let _ = c.ack(&format!("e{n}"), None); }
                Op::Advance(ms) => { now += Duration::from_millis(u64::from(ms)); c.handle_timeout(now); }
                Op::Disconnect => c.handle_text(now, r#"{"type":"disconnect","reason":"warning"}"#),
                Op::Close => c.handle_closed(),
            }
            collect(&mut c, &mut delivered);
        }
        // The end of the story: time runs out or the socket closes.
        c.handle_timeout(now + 10 * S);
        c.handle_closed();
        collect(&mut c, &mut delivered);
        for (id, n) in &acks {
            proptest::prop_assert!(*n <= delivered.get(id).copied().unwrap_or(0).max(1), "{id} acked {n} times");
        }
        for id in delivered.keys() {
            let a = acks.get(id).copied().unwrap_or(0);
            let h = handed_back.get(id).copied().unwrap_or(0);
            proptest::prop_assert!(a + h >= 1, "{id} was neither acked nor handed back");
        }
        for id in handed_back.keys() {
            proptest::prop_assert!(delivered.contains_key(id));
        }
    }
}

/// The acknowledged-id memory is a ring of the last `REMEMBERED`: a second ack of any of them
/// says "already acknowledged"; older ones are unknown again; memory stays at the ring.
#[test]
fn acked_memory_is_a_ring_of_the_last_ids() {
    let t0 = Instant::now();
    let mut c = Connection::new(ConnectionConfig::default(), t0);
    c.handle_text(t0, r#"{"type":"hello","num_connections":1}"#);
    let total = REMEMBERED + 100;
    for i in 0..total {
        let id = format!("e{i}");
        c.handle_text(t0, &envelope(&id, false));
        assert_eq!(c.ack(&id, None), Ok(AckSent::AsAsked));
        drain(&mut c);
    }
    assert_eq!(c.acked.len(), REMEMBERED);
    for i in [0, 50, 99] {
        let id = format!("e{i}");
        assert_eq!(c.ack(&id, None), Err(AckError::Unknown(id.clone())));
    }
    for i in [100, 2000, total - 1] {
        let id = format!("e{i}");
        assert_eq!(c.ack(&id, None), Err(AckError::AlreadyAcked(id.clone())));
    }
}
