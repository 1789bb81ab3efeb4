//! The Socket Mode driver over the scripted mock transport, on a manual virtual clock: time
//! moves only when a test advances it, so deadlines, staleness and backoff are exact.
#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use slack_core::{WebClient, WebClientBuilder};
use slack_socket_mode::{
    AckError, AckFailed, AckSent, ErrorEvent, Request, SocketModeClient, SocketModeError,
    SocketModeOptions,
};
use slack_transport_mock::{MockTransport, MockWsServerHandle, VirtualClock};

const APP_TOKEN: &str = "xapp-1-A111-1-secret";

struct Setup {
    clock: VirtualClock,
    mock: MockTransport,
    web: WebClient,
}

fn setup() -> Setup {
    setup_with(|mock| {
        mock.on("apps.connections.open")
            .always()
            .respond_json(json!({"ok": true, "url": "wss://mock.test/link/?ticket=t1"}))
    })
}

fn open_ok() -> Value {
    json!({"ok": true, "url": "wss://mock.test/link/?ticket=t1"})
}

fn setup_with(script: impl FnOnce(&MockTransport)) -> Setup {
    let clock = VirtualClock::manual();
    let mock = MockTransport::with_clock(clock.clone());
    script(&mock);
    let web = WebClientBuilder::new()
        .token("xoxb-bot")
        .transport_with_ws(mock.clone())
        .build()
        .unwrap();
    Setup { clock, mock, web }
}

fn options() -> SocketModeOptions {
    SocketModeOptions::default()
        .seed(1)
        .ping_interval(Duration::ZERO)
        .stale_after(Duration::from_secs(300))
}

async fn settle() {
    for _ in 0..200 {
        tokio::task::yield_now().await;
    }
}

fn envelope(id: &str, kind: &str, accepts: bool, payload: Value) -> String {
    json!({"envelope_id": id, "type": kind, "accepts_response_payload": accepts,
           "payload": payload, "retry_attempt": 0, "retry_reason": ""})
    .to_string()
}

fn event(id: &str, event_id: &str) -> String {
    envelope(
        id,
        "events_api",
        false,
        json!({"type": "event_callback", "event_id": event_id, "event": {"type": "app_mention", "text": "hi"}}),
    )
}

/// The acks the server received, as (envelope_id, payload).
fn acks(server: &MockWsServerHandle) -> Vec<(String, Option<Value>)> {
    server
        .received_json()
        .into_iter()
        .filter_map(|v| {
            let id = v.get("envelope_id")?.as_str()?.to_owned();
            Some((id, v.get("payload").cloned()))
        })
        .collect()
}

/// A client on the app token over the setup's web client.
fn new_client(s: &Setup, options: SocketModeOptions) -> Arc<SocketModeClient> {
    Arc::new(SocketModeClient::with_options(
        APP_TOKEN,
        s.web.clone(),
        options,
    ))
}

type Seen = Arc<Mutex<Vec<String>>>;

fn spawn<H, Fut>(
    client: &Arc<SocketModeClient>,
    handler: H,
) -> tokio::task::JoinHandle<Result<(), SocketModeError>>
where
    H: Fn(Request) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let client = client.clone();
    tokio::spawn(async move { client.run(handler).await })
}

#[tokio::test(flavor = "current_thread")]
async fn handler_acks_with_a_response_payload_on_the_app_token() {
    let s = setup();
    let server = s.mock.ws().expect_connect();
    let client = new_client(&s, options());
    let run = spawn(&client, |req: Request| async move {
        let cmd: Value = req.payload().unwrap();
        let sent = req
            .ack_with(&json!({"text": format!("deploying {}", cmd["text"].as_str().unwrap())}))
            .await;
        assert!(matches!(sent, Ok(AckSent::AsAsked)));
        assert!(matches!(
            req.ack().await,
            Err(AckFailed::Refused(AckError::AlreadyAcked(_)))
        ));
    });
    server.send_text(r#"{"type":"hello","num_connections":1}"#);
    server.send_text(envelope(
        "e1",
        "slash_commands",
        true,
        json!({"command": "/deploy", "text": "api"}),
    ));
    settle().await;
    assert_eq!(client.handle().connections_ready(), 1);
    assert_eq!(
        acks(&server),
        [("e1".to_owned(), Some(json!({"text": "deploying api"})))]
    );
    // apps.connections.open went out with the app-level token, not the bot token.
    let open = s.mock.requests_for("apps.connections.open");
    assert_eq!(
        open[0].header("authorization"),
        Some(format!("Bearer {APP_TOKEN}").as_str())
    );
    client.handle().stop();
    settle().await;
    assert_eq!(run.await.unwrap(), Ok(()));
    assert!(server.is_closed() || server.is_client_done());
}

/// Envelopes that arrive together are acknowledged together: their acks go out in one
/// write, not one each, and none is lost or reordered against the others' handlers.
#[tokio::test(flavor = "current_thread")]
async fn a_burst_of_acks_goes_out_in_one_write() {
    let s = setup();
    let server = s.mock.ws().expect_connect();
    let client = new_client(&s, options());
    let run = spawn(&client, |req: Request| async move {
        assert!(matches!(req.ack().await, Ok(AckSent::AsAsked)));
    });
    server.send_text(r#"{"type":"hello","num_connections":1}"#);
    settle().await;
    assert_eq!(server.writes(), 0);
    let ids: Vec<String> = (0..16).map(|i| format!("e{i}")).collect();
    for (i, id) in ids.iter().enumerate() {
        server.send_text(event(id, &format!("Ev{i}")));
    }
    settle().await;
    let mut acked: Vec<String> = acks(&server).into_iter().map(|(id, _)| id).collect();
    acked.sort_by_key(|id| id[1..].parse::<u32>().unwrap_or(u32::MAX));
    assert_eq!(acked, ids, "every envelope acknowledged once");
    assert_eq!(server.writes(), 1, "sixteen acks, one write");

    // A lone envelope later is its own write.
    server.send_text(event("e16", "Ev16"));
    settle().await;
    assert_eq!(acks(&server).len(), 17);
    assert_eq!(server.writes(), 2);
    client.handle().stop();
    settle().await;
    assert_eq!(run.await.unwrap(), Ok(()));
}

#[tokio::test(flavor = "current_thread")]
async fn a_slow_handler_is_acked_at_the_deadline_and_keeps_running() {
    let s = setup();
    let server = s.mock.ws().expect_connect();
    let opts = options().ack_deadline(Duration::from_secs(2));
    let client = new_client(&s, opts);
    let finished = Arc::new(AtomicUsize::new(0));
    let f = finished.clone();
    let timer = s.web.timer().clone();
    let late_ack = Arc::new(Mutex::new(None));
    let late = late_ack.clone();
    let _run = spawn(&client, move |req: Request| {
        let (f, timer, late) = (f.clone(), timer.clone(), late.clone());
        async move {
            timer.sleep(Duration::from_secs(10)).await;
            *late.lock().unwrap() = Some(req.ack().await.is_err());
            f.fetch_add(1, Ordering::SeqCst);
        }
    });
    server.send_text(r#"{"type":"hello"}"#);
    server.send_text(event("e1", "Ev1"));
    settle().await;
    s.clock.advance(Duration::from_millis(1999));
    settle().await;
    assert!(acks(&server).is_empty(), "not before the deadline");
    s.clock.advance(Duration::from_millis(1));
    settle().await;
    assert_eq!(acks(&server), [("e1".to_owned(), None)]);
    assert_eq!(finished.load(Ordering::SeqCst), 0, "the handler still runs");
    s.clock.advance(Duration::from_secs(10));
    settle().await;
    assert_eq!(finished.load(Ordering::SeqCst), 1);
    assert_eq!(
        *late_ack.lock().unwrap(),
        Some(true),
        "its own ack came too late: refused"
    );
    assert_eq!(acks(&server).len(), 1, "acknowledged exactly once");
}

#[tokio::test(flavor = "current_thread")]
async fn redeliveries_are_acked_but_handled_once_and_bad_frames_are_acked() {
    let s = setup();
    let server = s.mock.ws().expect_connect();
    let errors = Arc::new(Mutex::new(Vec::new()));
    let e = errors.clone();
    let opts = options().on_error(move |ev: &ErrorEvent| e.lock().unwrap().push(ev.to_string()));
    let client = new_client(&s, opts);
    let seen: Seen = Arc::default();
    let seen2 = seen.clone();
    let _run = spawn(&client, move |req: Request| {
        let seen = seen2.clone();
        async move {
            seen.lock().unwrap().push(req.envelope.envelope_id.clone());
            let _ = req.ack().await;
        }
    });
    server.send_text(r#"{"type":"hello"}"#);
    server.send_text(event("e1", "Ev1"));
    settle().await;
    // Slack thought the ack was late and delivers the same event again, in a new envelope.
    server.send_text(
        json!({"envelope_id": "e2", "type": "events_api", "accepts_response_payload": false,
               "payload": {"type": "event_callback", "event_id": "Ev1", "event": {"type": "app_mention"}},
               "retry_attempt": 1, "retry_reason": "timeout"})
        .to_string(),
    );
    server.send_text(r#"{"envelope_id":"e3","type":"interactive","payload":{"type":"block_act"#);
    settle().await;
    assert_eq!(*seen.lock().unwrap(), ["e1"]);
    let acked: Vec<String> = acks(&server).into_iter().map(|(id, _)| id).collect();
    assert_eq!(acked, ["e1", "e2", "e3"]);
    assert_eq!(
        errors.lock().unwrap().len(),
        1,
        "{:?}",
        errors.lock().unwrap()
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_panicking_handler_is_reported_and_the_client_keeps_going() {
    let s = setup();
    let server = s.mock.ws().expect_connect();
    let panics = Arc::new(AtomicUsize::new(0));
    let p = panics.clone();
    let opts = options().on_error(move |ev: &ErrorEvent| {
        if matches!(ev, ErrorEvent::HandlerPanicked { .. }) {
            p.fetch_add(1, Ordering::SeqCst);
        }
    });
    let client = new_client(&s, opts);
    let seen: Seen = Arc::default();
    let seen2 = seen.clone();
    let _run = spawn(&client, move |req: Request| {
        let seen = seen2.clone();
        async move {
            if req.envelope.envelope_id == "boom" {
                panic!("handler bug");
            }
            seen.lock().unwrap().push(req.envelope.envelope_id.clone());
            let _ = req.ack().await;
        }
    });
    server.send_text(r#"{"type":"hello"}"#);
    server.send_text(event("boom", "Ev1"));
    server.send_text(event("fine", "Ev2"));
    settle().await;
    s.clock.advance(Duration::from_secs(3));
    settle().await;
    assert_eq!(panics.load(Ordering::SeqCst), 1);
    assert_eq!(*seen.lock().unwrap(), ["fine"]);
    let mut acked: Vec<String> = acks(&server).into_iter().map(|(id, _)| id).collect();
    acked.sort();
    assert_eq!(
        acked,
        ["boom", "fine"],
        "the panicked one is acked at its deadline"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn refresh_opens_the_new_connection_before_the_old_one_closes() {
    let s = setup();
    let old = s.mock.ws().expect_connect();
    let new = s.mock.ws().expect_connect();
    let client = new_client(&s, options());
    let seen: Seen = Arc::default();
    let seen2 = seen.clone();
    let timer = s.web.timer().clone();
    let _run = spawn(&client, move |req: Request| {
        let (seen, timer) = (seen2.clone(), timer.clone());
        async move {
            // Slow enough that the old connection still owes this ack at the switch.
            timer.sleep(Duration::from_millis(500)).await;
            seen.lock().unwrap().push(req.envelope.envelope_id.clone());
            let _ = req.ack().await;
        }
    });
    old.send_text(r#"{"type":"hello"}"#);
    old.send_text(event("a", "Ev1"));
    old.send_text(
        r#"{"type":"disconnect","reason":"refresh_requested","debug_info":{"host":"h"}}"#,
    );
    settle().await;
    assert_eq!(
        s.mock.ws().connect_count(),
        2,
        "the fresh connection opens at once"
    );
    assert!(
        !old.is_closed() && !old.is_client_done(),
        "the old one is still open"
    );
    new.send_text(r#"{"type":"hello"}"#);
    new.send_text(event("b", "Ev2"));
    settle().await;
    assert!(!old.is_client_done(), "still owes the ack of a");
    s.clock.advance(Duration::from_millis(500));
    settle().await;
    assert_eq!(
        acks(&old),
        [("a".to_owned(), None)],
        "acked on the connection that delivered it"
    );
    assert_eq!(acks(&new), [("b".to_owned(), None)]);
    assert!(old.is_client_done(), "then the old connection closes");
    assert_eq!(client.handle().connections_ready(), 1);
    let mut got = seen.lock().unwrap().clone();
    got.sort();
    assert_eq!(got, ["a", "b"]);
}

#[tokio::test(flavor = "current_thread")]
async fn a_lost_connection_is_replaced_and_unacked_envelopes_come_back() {
    let s = setup();
    let first = s.mock.ws().expect_connect();
    let second = s.mock.ws().expect_connect();
    let client = new_client(&s, options());
    let seen: Seen = Arc::default();
    let seen2 = seen.clone();
    let gate = Arc::new(tokio::sync::Notify::new());
    let g = gate.clone();
    let _run = spawn(&client, move |req: Request| {
        let (seen, g) = (seen2.clone(), g.clone());
        async move {
            if req.envelope.envelope_id == "x" {
                g.notified().await;
            }
            seen.lock().unwrap().push(req.envelope.envelope_id.clone());
            let r = req.ack().await;
            if req.envelope.envelope_id == "x" {
                assert!(
                    matches!(r, Err(AckFailed::Refused(AckError::Closed(_)))),
                    "{r:?}"
                );
            }
        }
    });
    first.send_text(r#"{"type":"hello"}"#);
    first.send_text(event("x", "Ev9"));
    settle().await;
    first.drop_connection();
    settle().await;
    // Backoff after an unstable connection: at most 2 s plus 1 s of jitter.
    s.clock.advance(Duration::from_secs(3));
    settle().await;
    assert_eq!(s.mock.ws().connect_count(), 2);
    gate.notify_one();
    settle().await;
    // Slack re-delivers what was not acknowledged; the handler already ran for it, so the
    // re-delivery is acknowledged without running it twice.
    second.send_text(r#"{"type":"hello"}"#);
    second.send_text(
        json!({"envelope_id": "x", "type": "events_api", "accepts_response_payload": false,
               "payload": {"type": "event_callback", "event_id": "Ev9", "event": {}},
               "retry_attempt": 1, "retry_reason": "timeout"})
        .to_string(),
    );
    settle().await;
    assert_eq!(*seen.lock().unwrap(), ["x"]);
    assert_eq!(acks(&second), [("x".to_owned(), None)]);
}

#[tokio::test(flavor = "current_thread")]
async fn auth_errors_and_link_disabled_end_the_run() {
    let s = setup();
    let mock = MockTransport::with_clock(s.clock.clone());
    mock.on("apps.connections.open").api_error("invalid_auth");
    let web = WebClientBuilder::new()
        .token("xoxb-bot")
        .transport_with_ws(mock.clone())
        .build()
        .unwrap();
    let client = Arc::new(SocketModeClient::with_options(APP_TOKEN, web, options()));
    let run = spawn(&client, |_req: Request| async {});
    settle().await;
    assert_eq!(
        run.await.unwrap(),
        Err(SocketModeError::Fatal("invalid_auth".into()))
    );

    let server = s.mock.ws().expect_connect();
    let client = new_client(&s, options());
    let run = spawn(&client, |_req: Request| async {});
    server.send_text(r#"{"type":"hello"}"#);
    server.send_text(r#"{"type":"disconnect","reason":"link_disabled"}"#);
    settle().await;
    assert_eq!(run.await.unwrap(), Err(SocketModeError::LinkDisabled));
    assert_eq!(
        s.mock.ws().connect_count(),
        1,
        "no new connection after link_disabled"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn several_connections_each_deliver_and_a_rate_limited_open_waits() {
    let s = setup_with(|mock| {
        mock.on("apps.connections.open")
            .times(2)
            .respond_json(open_ok());
        mock.on("apps.connections.open")
            .rate_limited(Some(Duration::from_secs(30)));
        mock.on("apps.connections.open")
            .always()
            .respond_json(open_ok());
    });
    let a = s.mock.ws().expect_connect();
    let b = s.mock.ws().expect_connect();
    let client = new_client(&s, options().connections(2));
    let seen: Seen = Arc::default();
    let seen2 = seen.clone();
    let _run = spawn(&client, move |req: Request| {
        let seen = seen2.clone();
        async move {
            seen.lock().unwrap().push(req.envelope.envelope_id.clone());
            let _ = req.ack().await;
        }
    });
    settle().await;
    a.send_text(r#"{"type":"hello","num_connections":2}"#);
    b.send_text(r#"{"type":"hello","num_connections":2}"#);
    for i in 0..10 {
        let server = if i % 2 == 0 { &a } else { &b };
        server.send_text(event(&format!("e{i}"), &format!("Ev{i}")));
    }
    settle().await;
    assert_eq!(client.handle().connections_ready(), 2);
    assert_eq!(seen.lock().unwrap().len(), 10);
    assert_eq!(acks(&a).len(), 5);
    assert_eq!(acks(&b).len(), 5);

    // One connection restarts; the other keeps delivering meanwhile.
    let c = s.mock.ws().expect_connect();
    a.close(1001, "going away");
    settle().await;
    b.send_text(event("during", "EvD"));
    settle().await;
    assert!(seen.lock().unwrap().contains(&"during".to_owned()));
    s.clock.advance(Duration::from_secs(29));
    settle().await;
    assert_eq!(s.mock.ws().connect_count(), 2, "Retry-After honoured");
    s.clock.advance(Duration::from_secs(3));
    settle().await;
    assert_eq!(s.mock.ws().connect_count(), 3);
    c.send_text(r#"{"type":"hello"}"#);
    settle().await;
    assert_eq!(client.handle().connections_ready(), 2);
}

#[tokio::test(flavor = "current_thread")]
async fn busy_handlers_pause_reading_without_going_stale_and_a_stop_lets_them_finish() {
    let s = setup();
    let server = s.mock.ws().expect_connect();
    let opts = SocketModeOptions::default()
        .seed(1)
        .ping_interval(Duration::from_secs(10))
        .stale_after(Duration::from_secs(30))
        .max_concurrent_handlers(2)
        .buffer(1)
        .shutdown_timeout(Duration::from_secs(60));
    let client = new_client(&s, opts);
    let started = Arc::new(AtomicUsize::new(0));
    let finished = Arc::new(AtomicUsize::new(0));
    let (st, fi) = (started.clone(), finished.clone());
    let timer = s.web.timer().clone();
    let run = spawn(&client, move |req: Request| {
        let (st, fi, timer) = (st.clone(), fi.clone(), timer.clone());
        async move {
            st.fetch_add(1, Ordering::SeqCst);
            timer.sleep(Duration::from_secs(120)).await;
            let _ = req.ack().await;
            fi.fetch_add(1, Ordering::SeqCst);
        }
    });
    server.send_text(r#"{"type":"hello"}"#);
    for i in 0..10 {
        server.send_text(event(&format!("e{i}"), &format!("Ev{i}")));
    }
    settle().await;
    // Two handlers run, one envelope waits in the buffer, one in the connection's outbox;
    // the rest stay unread on the socket.
    assert_eq!(started.load(Ordering::SeqCst), 2);
    for _ in 0..9 {
        s.clock.advance(Duration::from_secs(10));
        settle().await;
    }
    assert_eq!(
        s.mock.ws().connect_count(),
        1,
        "not taken for a dead connection"
    );
    assert!(
        server
            .received()
            .iter()
            .any(|m| matches!(m, slack_core::transport::WsMessage::Ping(_))),
        "pings go on"
    );
    // The two running handlers were acknowledged at their deadline; the waiting ones not.
    let acked: Vec<String> = acks(&server).into_iter().map(|(id, _)| id).collect();
    assert_eq!(acked, ["e0", "e1"]);
    client.handle().stop();
    settle().await;
    assert!(!run.is_finished(), "a stop waits for running handlers");
    for _ in 0..6 {
        s.clock.advance(Duration::from_secs(10));
        settle().await;
    }
    assert_eq!(finished.load(Ordering::SeqCst), 2);
    // What was buffered (a buffer of 1, plus the one place each connection's sender always
    // has) runs before the connections close; envelopes still unread are left for Slack to
    // deliver again.
    assert_eq!(started.load(Ordering::SeqCst), 4);
    s.clock.advance(Duration::from_secs(120));
    settle().await;
    assert_eq!(run.await.unwrap(), Ok(()));
    assert!(server.is_client_done());
}
