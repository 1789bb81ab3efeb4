//! Time and memory bounds of the RTM driver, on a manual virtual clock: a blocked websocket
//! write has a deadline, `ping_interval` zero turns pings off, a caller's `id` is kept, and
//! busy handlers never make a connection look stale.
#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use serde_json::json;
use slack_core::transport::{
    BoxFuture, TransportError, TransportErrorKind, WsConnection, WsMessage, WsSender, WsTransport,
};
use slack_rtm::{ErrorEvent, Event, RtmClient, SendError};
use slack_transport_mock::MockWsTransport;

mod common;
use common::{options, settle, setup, spawn};

/// The mock websocket transport, whose connections' writes can be made to block for ever
/// (a peer that stopped reading), one connection at a time.
#[derive(Debug, Clone)]
struct Stalling {
    inner: MockWsTransport,
    /// One flag per connection made, in order.
    flags: Arc<Mutex<Vec<Arc<AtomicBool>>>>,
}

impl Stalling {
    fn new(inner: &MockWsTransport) -> Self {
        Stalling {
            inner: inner.clone(),
            flags: Arc::default(),
        }
    }

    /// From now on, every write on connection `n` (0: the first) blocks.
    fn stall(&self, n: usize) {
        self.flags.lock().unwrap()[n].store(true, Ordering::SeqCst);
    }
}

#[derive(Debug)]
struct StallingSender {
    inner: Box<dyn WsSender>,
    stalled: Arc<AtomicBool>,
}

impl WsSender for StallingSender {
    fn send(&mut self, message: WsMessage) -> BoxFuture<'_, Result<(), TransportError>> {
        if self.stalled.load(Ordering::SeqCst) {
            Box::pin(std::future::pending())
        } else {
            self.inner.send(message)
        }
    }
}

impl WsTransport for Stalling {
    fn connect(
        &self,
        url: &str,
        headers: &http::HeaderMap,
    ) -> BoxFuture<'_, Result<WsConnection, TransportError>> {
        let url = url.to_owned();
        let headers = headers.clone();
        Box::pin(async move {
            let conn = self.inner.connect(&url, &headers).await?;
            let stalled = Arc::new(AtomicBool::new(false));
            self.flags.lock().unwrap().push(stalled.clone());
            Ok(WsConnection {
                sender: Box::new(StallingSender {
                    inner: conn.sender,
                    stalled,
                }),
                receiver: conn.receiver,
            })
        })
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_blocked_write_ends_the_connection_at_the_send_timeout_and_the_client_reconnects() {
    let s = setup();
    let first = s.mock.ws().expect_connect();
    let second = s.mock.ws().expect_connect();
    let ws = Stalling::new(s.mock.ws());
    let rtm = Arc::new(RtmClient::with_ws(
        s.web.clone(),
        Arc::new(ws.clone()),
        options()
            .ping_interval(Duration::from_secs(30))
            .send_timeout(Duration::from_secs(5)),
    ));
    let errors = Arc::new(Mutex::new(Vec::new()));
    {
        let errors = errors.clone();
        rtm.on_error(move |_ctx, e| {
            if let ErrorEvent::Connection(e) = &*e {
                errors.lock().unwrap().push(e.kind());
            }
            async {}
        });
    }
    let run = spawn(&rtm);
    first.send_text(r#"{"type":"hello"}"#);
    settle().await;
    assert!(rtm.is_connected());

    // The peer stops reading: the message's write blocks.
    ws.stall(0);
    let handle = rtm.handle();
    let sending = tokio::spawn(async move { handle.send_message("C1", "stuck").await });
    settle().await;
    s.clock.advance(Duration::from_millis(4_999));
    settle().await;
    assert_eq!(
        s.mock.ws().connect_count(),
        1,
        "still waiting for the write"
    );
    assert!(!sending.is_finished());

    s.clock.advance(Duration::from_millis(1));
    settle().await;
    assert_eq!(
        sending.await.unwrap(),
        Err(SendError::ConnectionClosed),
        "the unacknowledged message fails, never hangs"
    );
    assert_eq!(*errors.lock().unwrap(), [TransportErrorKind::Timeout]);
    assert_eq!(s.mock.requests_for("rtm.connect").len(), 2, "a new URL");
    assert!(second.is_connected(), "reconnected");
    second.send_text(r#"{"type":"hello"}"#);
    rtm.wait_open().await.unwrap();
    let ack = {
        let handle = rtm.handle();
        let sending = tokio::spawn(async move { handle.send_message("C1", "again").await });
        settle().await;
        let id = second.received_json()[0]["id"].as_u64().unwrap();
        second.send_text(format!(r#"{{"ok":true,"reply_to":{id},"ts":"2.0"}}"#));
        sending.await.unwrap().unwrap()
    };
    assert_eq!(ack.ts.as_deref(), Some("2.0"));
    rtm.handle().stop();
    run.await.unwrap().unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn a_blocked_ping_cannot_stop_stale_detection() {
    let s = setup();
    let first = s.mock.ws().expect_connect();
    let second = s.mock.ws().expect_connect();
    let ws = Stalling::new(s.mock.ws());
    let rtm = Arc::new(RtmClient::with_ws(
        s.web.clone(),
        Arc::new(ws.clone()),
        options().send_timeout(Duration::from_secs(5)),
    ));
    let run = spawn(&rtm);
    first.send_text(r#"{"type":"hello"}"#);
    settle().await;
    ws.stall(0);
    // The first scheduled ping (10 s) blocks; 5 s later the connection is given up, well
    // within the staleness bound (40 s).
    s.clock.advance(Duration::from_secs(10));
    settle().await;
    assert_eq!(s.mock.ws().connect_count(), 1);
    s.clock.advance(Duration::from_secs(5));
    settle().await;
    assert!(second.is_connected(), "replaced after the write deadline");
    rtm.handle().stop();
    run.await.unwrap().unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn ping_interval_zero_sends_no_pings_and_never_goes_stale() {
    let s = setup();
    let server = s.mock.ws().expect_connect();
    let rtm = Arc::new(RtmClient::with_options(
        s.web.clone(),
        options().ping_interval(Duration::ZERO),
    ));
    let run = spawn(&rtm);
    server.send_text(r#"{"type":"hello"}"#);
    settle().await;
    for _ in 0..120 {
        s.clock.advance(Duration::from_secs(30));
        settle().await;
    }
    assert!(server.received().is_empty(), "{:?}", server.received());
    assert!(rtm.is_connected());
    assert!(!server.is_closed() && !server.is_client_done());
    assert_eq!(s.mock.requests_for("rtm.connect").len(), 1);
    rtm.handle().stop();
    run.await.unwrap().unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn a_caller_id_is_kept() {
    let s = setup();
    let server = s.mock.ws().expect_connect();
    let rtm = Arc::new(RtmClient::with_options(s.web.clone(), options()));
    let run = spawn(&rtm);
    server.send_text(r#"{"type":"hello"}"#);
    settle().await;
    let payload = json!({"id": 42, "type": "message", "channel": "C1", "text": "mine"});
    assert_eq!(rtm.handle().send(payload.clone()).await, Ok(42));
    // The same id again while the first waits for its ack: refused, not renumbered.
    assert_eq!(
        rtm.handle().send(payload.clone()).await,
        Err(SendError::InvalidId(json!(42)))
    );
    settle().await;
    assert_eq!(server.received_json(), [payload]);
    // Messages of our own never take the caller's id.
    let handle = rtm.handle();
    let ours = tokio::spawn(async move { handle.send_message("C1", "ours").await });
    settle().await;
    let own_id = server.received_json()[1]["id"].as_u64().unwrap();
    assert_ne!(own_id, 42);
    server.send_text(format!(r#"{{"ok":true,"reply_to":{own_id},"ts":"3.0"}}"#));
    assert_eq!(ours.await.unwrap().unwrap().ts.as_deref(), Some("3.0"));
    rtm.handle().stop();
    run.await.unwrap().unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn busy_handlers_bound_the_backlog_without_a_false_stale() {
    let s = setup();
    let server = s.mock.ws().expect_connect();
    let second = s.mock.ws().expect_connect();
    let rtm = Arc::new(RtmClient::with_options(
        s.web.clone(),
        options().max_concurrent_handlers(1).event_buffer(2),
    ));
    let (release_tx, release_rx) = futures_channel::mpsc::unbounded::<()>();
    let release_rx = Arc::new(futures_util::lock::Mutex::new(release_rx));
    let started = Arc::new(AtomicUsize::new(0));
    {
        let started = started.clone();
        rtm.on("message", move |_ctx, _ev| {
            let started = started.clone();
            let release_rx = release_rx.clone();
            async move {
                started.fetch_add(1, Ordering::SeqCst);
                release_rx.lock().await.next().await;
            }
        });
    }
    let mut events = rtm.events();
    let run = spawn(&rtm);
    server.send_text(r#"{"type":"hello"}"#);
    for n in 0..50 {
        server.send_text(
            json!({"type": "message", "channel": "C1", "user": "U1", "text": format!("m{n}"), "ts": format!("{n}.0")})
                .to_string(),
        );
    }
    // Drain the stream as it fills, so only the handlers hold the reader back.
    let drained = Arc::new(AtomicUsize::new(0));
    let reader = {
        let drained = drained.clone();
        tokio::spawn(async move {
            while let Some(ev) = events.next().await {
                if matches!(ev, Event::Rtm(_)) {
                    drained.fetch_add(1, Ordering::SeqCst);
                }
            }
        })
    };
    settle().await;
    // One handler runs, two wait; the reader stopped there: the backlog is bounded.
    assert_eq!(started.load(Ordering::SeqCst), 1);
    let read_while_busy = drained.load(Ordering::SeqCst);
    assert!(read_while_busy <= 4, "{read_while_busy} frames read");
    // Ten silent virtual minutes (no pong: the server does not answer pings) while the
    // handlers are busy: not stale, no reconnect.
    for _ in 0..60 {
        s.clock.advance(Duration::from_secs(10));
        settle().await;
    }
    assert_eq!(drained.load(Ordering::SeqCst), read_while_busy);
    assert!(!server.is_client_done(), "not closed as stale");
    assert_eq!(s.mock.requests_for("rtm.connect").len(), 1);
    // The handlers catch up: every message is handled, reading resumes with a fresh bound.
    for _ in 0..50 {
        release_tx.unbounded_send(()).unwrap();
    }
    settle().await;
    assert_eq!(started.load(Ordering::SeqCst), 50);
    // ...and a really silent server is still found stale, 40 s after reading resumed.
    s.clock.advance(Duration::from_secs(30));
    settle().await;
    assert!(!server.is_client_done());
    s.clock.advance(Duration::from_secs(10));
    settle().await;
    assert!(
        server.is_client_done(),
        "stale once reading, silent for 40 s"
    );
    assert!(second.is_connected());
    rtm.handle().stop();
    run.await.unwrap().unwrap();
    reader.await.unwrap();
}
