//! The RTM driver over the scripted mock transport, on a manual virtual clock: time moves
//! only when a test advances it, so backpressure, staleness and reconnect timing are exact.
#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{FutureExt, StreamExt};
use serde_json::json;
use slack_core::WebClientBuilder;
use slack_rtm::{ErrorEvent, Event, RtmClient, RtmError, RtmEvent};
use slack_transport_mock::{MockTransport, VirtualClock};

mod common;
use common::{options, settle, setup, spawn};

fn message(n: usize) -> String {
    json!({"type": "message", "channel": "C1", "user": "U1", "text": format!("m{n}"), "ts": format!("{n}.0")})
        .to_string()
}

/// Count every event the driver dispatched (read from the socket or made by the client).
fn count_dispatched(rtm: &RtmClient) -> Arc<AtomicUsize> {
    let n = Arc::new(AtomicUsize::new(0));
    let c = n.clone();
    rtm.on("*", move |_ctx, _ev| {
        c.fetch_add(1, Ordering::SeqCst);
        async {}
    });
    n
}

#[tokio::test(flavor = "current_thread")]
async fn a_slow_stream_pauses_reading_without_dropping_or_going_stale() {
    let s = setup();
    let server = s.mock.ws().expect_connect();
    let rtm = Arc::new(RtmClient::with_options(
        s.web.clone(),
        options().event_buffer(3),
    ));
    let dispatched = count_dispatched(&rtm);
    let mut events = rtm.events();
    let run = spawn(&rtm);
    server.send_text(r#"{"type":"hello"}"#);
    for n in 0..20 {
        server.send_text(message(n));
    }
    settle().await;
    // open + hello + one message fill the buffer of 3: the reader stopped there.
    assert_eq!(dispatched.load(Ordering::SeqCst), 3);
    // Ten virtual minutes of a consumer that reads nothing: no stale close, no reconnect.
    for _ in 0..60 {
        s.clock.advance(Duration::from_secs(10));
        settle().await;
    }
    assert_eq!(dispatched.load(Ordering::SeqCst), 3);
    assert!(rtm.is_connected());
    assert!(!server.is_closed());
    assert_eq!(s.mock.requests_for("rtm.connect").len(), 1);
    // Pings went on while paused.
    let pings = server
        .received_json()
        .iter()
        .filter(|f| f["type"] == "ping")
        .count();
    assert!(pings >= 50, "{pings} pings");
    // Reading everything delivers everything, in order.
    assert!(matches!(events.next().await, Some(Event::Open(_))));
    assert!(matches!(
        events
            .next()
            .await
            .and_then(|e| e.frame().cloned())
            .as_deref(),
        Some(RtmEvent::Hello)
    ));
    for n in 0..20 {
        let ev = events.next().await.unwrap();
        assert_eq!(ev.raw(), Some(message(n).as_str()));
        let Some(RtmEvent::Message(m)) = ev.frame().map(|f| f.event()) else {
            panic!("{ev:?}")
        };
        assert_eq!(m.text.as_deref(), Some(format!("m{n}").as_str()));
    }
    rtm.handle().stop();
    assert!(matches!(events.next().await, Some(Event::Close { .. })));
    assert!(
        events.next().await.is_none(),
        "the stream ends with the run"
    );
    run.await.unwrap().unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn a_dropped_stream_never_blocks_the_client() {
    let s = setup();
    let server = s.mock.ws().expect_connect();
    let rtm = Arc::new(RtmClient::with_options(
        s.web.clone(),
        options().event_buffer(1),
    ));
    let dispatched = count_dispatched(&rtm);
    let events = rtm.events();
    let run = spawn(&rtm);
    server.send_text(r#"{"type":"hello"}"#);
    for n in 0..5 {
        server.send_text(message(n));
    }
    settle().await;
    assert_eq!(dispatched.load(Ordering::SeqCst), 1, "paused after open");
    drop(events);
    settle().await;
    assert_eq!(dispatched.load(Ordering::SeqCst), 7);
    rtm.handle().stop();
    run.await.unwrap().unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn slow_handlers_bound_the_backlog_too() {
    let s = setup();
    let server = s.mock.ws().expect_connect();
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
    let run = spawn(&rtm);
    server.send_text(r#"{"type":"hello"}"#);
    for n in 0..10 {
        server.send_text(message(n));
    }
    settle().await;
    // One handler runs, two wait: the reader stopped.
    assert_eq!(started.load(Ordering::SeqCst), 1);
    for _ in 0..10 {
        release_tx.unbounded_send(()).unwrap();
    }
    settle().await;
    assert_eq!(started.load(Ordering::SeqCst), 10, "every message handled");
    rtm.handle().stop();
    run.await.unwrap().unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn wait_open_is_connected_and_reconnect_with_a_new_url() {
    let s = setup();
    let first = s.mock.ws().expect_connect();
    let second = s.mock.ws().expect_connect();
    let rtm = Arc::new(RtmClient::with_options(s.web.clone(), options()));
    let mut opened = Box::pin(rtm.wait_open());
    assert!((&mut opened).now_or_never().is_none(), "not started");
    let run = spawn(&rtm);
    settle().await;
    assert!(first.is_connected());
    assert!(!rtm.is_connected(), "no hello yet");
    assert!((&mut opened).now_or_never().is_none());
    first.send_text(r#"{"type":"hello"}"#);
    settle().await;
    assert!(rtm.is_connected());
    assert_eq!(opened.await, Ok(()));

    let mut events = rtm.events();
    rtm.reconnect();
    settle().await;
    assert!(first.is_client_done(), "the old connection was closed");
    assert!(!rtm.is_connected(), "no hello on the new one yet");
    assert_eq!(s.mock.requests_for("rtm.connect").len(), 2, "a new URL");
    assert!(second.is_connected());
    assert_eq!(
        s.clock.elapsed(),
        Duration::ZERO,
        "no backoff for a requested reconnect"
    );
    second.send_text(r#"{"type":"hello"}"#);
    rtm.wait_open().await.unwrap();
    let close = events.next().await.unwrap();
    assert!(
        matches!(&close, Event::Close { code: Some(1000), reason } if reason == "reconnect requested"),
        "{close:?}"
    );
    assert!(matches!(events.next().await, Some(Event::Open(_))));
    rtm.handle().stop();
    run.await.unwrap().unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn reconnect_cuts_a_backoff_wait_short() {
    let s = setup();
    s.mock
        .ws()
        .expect_connect_failure(slack_core::transport::TransportErrorKind::Connect);
    let server = s.mock.ws().expect_connect();
    let rtm = Arc::new(RtmClient::with_options(s.web.clone(), options()));
    let run = spawn(&rtm);
    settle().await;
    assert_eq!(s.mock.ws().connect_count(), 1, "waiting out the backoff");
    rtm.reconnect();
    settle().await;
    assert_eq!(s.mock.ws().connect_count(), 2);
    assert_eq!(s.clock.elapsed(), Duration::ZERO);
    server.send_text(r#"{"type":"hello"}"#);
    rtm.wait_open().await.unwrap();
    rtm.handle().stop();
    run.await.unwrap().unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn start_again_after_stop() {
    let s = setup();
    let first = s.mock.ws().expect_connect();
    let second = s.mock.ws().expect_connect();
    let rtm = Arc::new(RtmClient::with_options(s.web.clone(), options()));
    let opens = count_dispatched(&rtm);
    let run = spawn(&rtm);
    first.send_text(r#"{"type":"hello"}"#);
    rtm.wait_open().await.unwrap();
    assert_eq!(rtm.start().await, Err(RtmError::AlreadyStarted));
    // A waiter of this run fails when it stops before a hello… (it is open now, so wait on
    // a fresh one after a stop instead.)
    rtm.handle().stop();
    run.await.unwrap().unwrap();
    assert!(!rtm.is_connected());
    assert!(!rtm.handle().is_running());
    assert_eq!(
        rtm.handle().send_message("C1", "late").await,
        Err(slack_rtm::SendError::NotOpen)
    );
    // After a clean stop, a wait is for the next run.
    let mut opened = Box::pin(rtm.wait_open());
    assert!((&mut opened).now_or_never().is_none());
    let before = opens.load(Ordering::SeqCst);
    let run = spawn(&rtm);
    second.send_text(r#"{"type":"hello"}"#);
    assert_eq!(opened.await, Ok(()));
    assert!(opens.load(Ordering::SeqCst) > before, "handlers kept");
    // Stopping before the hello fails a waiter.
    rtm.handle().stop();
    run.await.unwrap().unwrap();
    let _third = s.mock.ws().expect_connect();
    let run = spawn(&rtm);
    settle().await;
    let waiter = rtm.wait_open();
    rtm.handle().stop();
    assert_eq!(waiter.await, Err(RtmError::Stopped));
    run.await.unwrap().unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn wait_open_fails_with_a_fatal_error() {
    let clock = VirtualClock::manual();
    let mock = MockTransport::with_clock(clock);
    mock.on("rtm.connect").always().api_error("invalid_auth");
    let web = WebClientBuilder::new()
        .token("xoxb-test")
        .transport_with_ws(mock.clone())
        .build()
        .unwrap();
    let rtm = Arc::new(RtmClient::with_options(web, options()));
    let errors = Arc::new(Mutex::new(Vec::new()));
    {
        let errors = errors.clone();
        rtm.on_error(move |_ctx, e| {
            errors.lock().unwrap().push(e);
            async {}
        });
    }
    let waiter = rtm.wait_open();
    let (res, waited) = futures_util::join!(rtm.start(), waiter);
    let fatal = RtmError::Fatal("invalid_auth".into());
    assert_eq!(res, Err(fatal.clone()));
    assert_eq!(waited, Err(fatal.clone()));
    // Later waits answer at once.
    assert_eq!(rtm.wait_open().await, Err(fatal.clone()));
    let errors = errors.lock().unwrap();
    assert!(
        matches!(&*errors[0], ErrorEvent::Connect { method: "rtm.connect", error } if error.api_code().map(|c| c.as_str()) == Some("invalid_auth")),
        "{errors:?}"
    );
    assert!(matches!(&*errors[1], ErrorEvent::Ended(e) if *e == fatal));
    assert!(errors[1].is_final());
}

#[tokio::test(flavor = "current_thread")]
async fn typed_error_events_and_shared_messages() {
    let s = setup();
    let server = s.mock.ws().expect_connect();
    let rtm = Arc::new(RtmClient::with_options(s.web.clone(), options()));
    let errors = Arc::new(Mutex::new(Vec::new()));
    {
        let errors = errors.clone();
        rtm.on_error(move |_ctx, e| {
            errors.lock().unwrap().push(e);
            async {}
        });
    }
    let seen = Arc::new(Mutex::new(Vec::new()));
    for _ in 0..2 {
        let seen = seen.clone();
        rtm.on_message(move |_ctx, msg| {
            seen.lock().unwrap().push(msg);
            async {}
        });
    }
    rtm.on("user_typing", |_ctx, _ev| async { panic!("handler bug") });
    let run = spawn(&rtm);
    server.send_text(r#"{"type":"hello"}"#);
    server.send_text("not json");
    server.send_text(message(1));
    server.send_text(r#"{"type":"user_typing","channel":"C1","user":"U1"}"#);
    server.drop_connection();
    let _next = s.mock.ws().expect_connect();
    settle().await;
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 2);
        assert!(Arc::ptr_eq(&seen[0], &seen[1]), "one Arc for every handler");
    }
    {
        let errors = errors.lock().unwrap();
        assert!(
            errors
                .iter()
                .any(|e| matches!(&**e, ErrorEvent::Decode { raw, .. } if raw == "not json")),
            "{errors:?}"
        );
        assert!(errors.iter().any(
            |e| matches!(&**e, ErrorEvent::HandlerPanicked { message } if message == "handler bug")
        ));
        assert!(errors
            .iter()
            .any(|e| matches!(&**e, ErrorEvent::Connection(_))));
        assert!(errors.iter().all(|e| !e.is_final()));
    }
    rtm.handle().stop();
    run.await.unwrap().unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn a_dropped_start_future_leaves_the_client_restartable() {
    let s = setup();
    let _first = s.mock.ws().expect_connect();
    let second = s.mock.ws().expect_connect();
    let rtm = Arc::new(RtmClient::with_options(s.web.clone(), options()));
    let mut events = rtm.events();
    {
        let mut run = Box::pin(rtm.start());
        assert!((&mut run).now_or_never().is_none());
        assert!(rtm.handle().is_running());
    }
    assert!(!rtm.handle().is_running(), "dropping start ends the run");
    assert!(
        matches!(events.next().await, Some(Event::Open(_))),
        "the stream got what the run saw"
    );
    assert!(events.next().await.is_none(), "and then ended");
    let run = spawn(&rtm);
    second.send_text(r#"{"type":"hello"}"#);
    rtm.wait_open().await.unwrap();
    rtm.handle().stop();
    run.await.unwrap().unwrap();
}
