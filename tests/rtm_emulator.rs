//! The RTM client against the emulator over real websockets.
#![allow(clippy::unwrap_used)]

mod common;

#[cfg(feature = "rtm")]
#[path = "../examples/rtm_echo.rs"]
mod rtm_echo;

use std::sync::Arc;
use std::time::{Duration, Instant};

use slack_emulator::{Emulator, Fault, FaultRule};
use slack_rtm::{Event, RtmClient, RtmError, RtmEvent, RtmOptions};
use slack_sdk::api::chat;
use slack_sdk::transport::hyper::HyperTransport;
use slack_sdk::WebClient;
use tokio::sync::mpsc;

const WAIT: Duration = Duration::from_secs(10);

fn web(emu: &Emulator, token: &str) -> WebClient {
    WebClient::builder()
        .token(token)
        .base_url(emu.base_url())
        .transport_with_ws(HyperTransport::builder().no_proxy().build().unwrap())
        .build()
        .unwrap()
}

fn options() -> RtmOptions {
    RtmOptions::default()
        .ping_interval(Duration::from_millis(200))
        .seed(7)
}

/// Forward every event name (and message text) to a channel.
fn watch(rtm: &RtmClient) -> mpsc::UnboundedReceiver<String> {
    let (tx, rx) = mpsc::unbounded_channel();
    rtm.on("*", move |_ctx, ev| {
        let tx = tx.clone();
        async move {
            let label = match &ev {
                Event::Rtm(e) => match &**e {
                    RtmEvent::Message(m) => {
                        format!("message:{}", m.text.clone().unwrap_or_default())
                    }
                    other => other.kind().to_owned(),
                },
                other => other.name().to_owned(),
            };
            let _ = tx.send(label);
        }
    });
    rx
}

async fn expect(rx: &mut mpsc::UnboundedReceiver<String>, want: &str) {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let got = tokio::time::timeout_at(deadline, rx.recv()).await;
        match got {
            Ok(Some(s)) if s == want => return,
            Ok(Some(_)) => continue,
            _ => panic!("no {want} event within {WAIT:?}"),
        }
    }
}

fn spawn(rtm: Arc<RtmClient>) -> tokio::task::JoinHandle<Result<(), RtmError>> {
    tokio::spawn(async move { rtm.start().await })
}

#[tokio::test]
async fn echo_bot_and_web_messages_arrive_as_events() {
    let emu = common::emulator().await;
    let rtm = Arc::new(RtmClient::with_options(
        web(&emu, &emu.bot_token()),
        options(),
    ));
    let mut events = watch(&rtm);
    let (acked_tx, mut acked) = mpsc::unbounded_channel();
    rtm.on_message(move |ctx, msg| {
        let acked_tx = acked_tx.clone();
        async move {
            if msg.text.as_deref() == Some("ping?") {
                let ack = ctx.rtm.send_message(&msg.channel, "pong!").await;
                let _ = acked_tx.send(ack);
            }
        }
    });
    let run = spawn(rtm.clone());
    expect(&mut events, "open").await;
    expect(&mut events, "hello").await;
    let general = emu.channel_id("general").unwrap();
    // Ada posts over the Web API; the bot hears it over RTM and answers over RTM.
    web(&emu, &emu.user_token())
        .call(chat::PostMessage::new(&general).text("ping?"))
        .await
        .unwrap();
    expect(&mut events, "message:ping?").await;
    let ada = web(&emu, &emu.user_token());
    let posted = ada
        .call(chat::PostMessage::new(&general).text("react to me"))
        .await
        .unwrap();
    ada.call(slack_sdk::api::reactions::Add::new(
        &general, &posted.ts, "eyes",
    ))
    .await
    .unwrap();
    expect(&mut events, "reaction_added").await;
    let outside = emu.channel_id("outside").unwrap();
    web(&emu, &emu.bot_token())
        .call(slack_sdk::api::conversations::Join::new(&outside))
        .await
        .unwrap();
    expect(&mut events, "member_joined_channel").await;
    let ack = tokio::time::timeout(WAIT, acked.recv())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let pong = emu
        .messages(&general)
        .into_iter()
        .find(|m| m["text"] == "pong!")
        .unwrap();
    assert_eq!(pong["ts"], ack.ts.unwrap().as_str());
    rtm.handle().stop();
    run.await.unwrap().unwrap();
}

#[tokio::test]
async fn send_message_resolves_with_the_ack() {
    let emu = common::emulator().await;
    let rtm = Arc::new(RtmClient::with_options(
        web(&emu, &emu.bot_token()),
        options(),
    ));
    let mut events = watch(&rtm);
    let run = spawn(rtm.clone());
    expect(&mut events, "hello").await;
    let general = emu.channel_id("general").unwrap();
    let ack = rtm
        .handle()
        .send_message(&general, "via rtm")
        .await
        .unwrap();
    assert!(ack.ok);
    assert_eq!(ack.text.as_deref(), Some("via rtm"));
    let stored = emu.messages(&general);
    assert_eq!(stored[0]["ts"], ack.ts.unwrap().as_str());
    // Refused by the server: a channel the bot is not in.
    let outside = emu.channel_id("outside").unwrap();
    let e = rtm
        .handle()
        .send_message(&outside, "nope")
        .await
        .unwrap_err();
    assert!(matches!(e, slack_rtm::SendError::Refused(_)), "{e:?}");
    rtm.handle().typing(&general).await.unwrap();
    rtm.handle().stop();
    run.await.unwrap().unwrap();
    // After stop, sends fail instead of vanishing.
    assert!(rtm.handle().send_message(&general, "late").await.is_err());
}

#[tokio::test]
async fn reconnects_after_close_goodbye_and_silence() {
    let emu = common::emulator().await;
    let mut opts = options();
    // Connections here close within a second, so each close counts as a failure and backs
    // off; cap the wait to keep the test quick.
    opts.max_backoff = Duration::from_millis(300);
    let rtm = Arc::new(RtmClient::with_options(web(&emu, &emu.bot_token()), opts));
    let mut events = watch(&rtm);
    let run = spawn(rtm.clone());
    expect(&mut events, "open").await;
    emu.rtm_close(4000, "test close");
    expect(&mut events, "close").await;
    expect(&mut events, "open").await;
    emu.rtm_goodbye();
    expect(&mut events, "goodbye").await;
    expect(&mut events, "open").await;
    // The server stops answering pings: the client notices within 4 intervals and replaces
    // the connection.
    emu.rtm_ping_silence(true);
    let silenced = Instant::now();
    expect(&mut events, "close").await;
    assert!(
        silenced.elapsed() < Duration::from_secs(5),
        "stale detection took {:?}",
        silenced.elapsed()
    );
    emu.rtm_ping_silence(false);
    expect(&mut events, "open").await;
    rtm.handle().stop();
    run.await.unwrap().unwrap();
}

#[tokio::test]
async fn rate_limited_connect_waits_retry_after() {
    let emu = common::emulator().await;
    emu.inject(FaultRule::new(
        "rtm.connect",
        Fault::RateLimited {
            retry_after: Some(1),
        },
    ));
    let rtm = Arc::new(RtmClient::with_options(
        web(&emu, &emu.bot_token()),
        options(),
    ));
    let mut events = watch(&rtm);
    let started = Instant::now();
    let run = spawn(rtm.clone());
    expect(&mut events, "error").await;
    expect(&mut events, "open").await;
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "reconnected after {:?}",
        started.elapsed()
    );
    rtm.handle().stop();
    run.await.unwrap().unwrap();
}

#[tokio::test]
async fn invalid_token_is_fatal() {
    let emu = common::emulator().await;
    let rtm = RtmClient::with_options(web(&emu, "xoxb-revoked"), options());
    let (tx, mut errors) = mpsc::unbounded_channel();
    rtm.on_error(move |_ctx, e| {
        let tx = tx.clone();
        async move {
            let _ = tx.send(e.to_string());
        }
    });
    let res = tokio::time::timeout(WAIT, rtm.start()).await.unwrap();
    assert_eq!(res, Err(RtmError::Fatal("invalid_auth".into())));
    assert!(errors.recv().await.unwrap().contains("invalid_auth"));
}

#[tokio::test]
async fn a_panicking_handler_is_reported_and_the_client_keeps_running() {
    let emu = common::emulator().await;
    let rtm = Arc::new(RtmClient::with_options(
        web(&emu, &emu.bot_token()),
        options(),
    ));
    let mut events = watch(&rtm);
    rtm.on("hello", |_ctx, _ev| async { panic!("handler bug") });
    let run = spawn(rtm.clone());
    expect(&mut events, "error").await;
    let general = emu.channel_id("general").unwrap();
    let ack = rtm
        .handle()
        .send_message(&general, "still alive")
        .await
        .unwrap();
    assert!(ack.ok);
    rtm.handle().stop();
    run.await.unwrap().unwrap();
}

#[tokio::test]
async fn stop_from_a_handler_runs_only_close_handlers_after() {
    let emu = common::emulator().await;
    let rtm = Arc::new(RtmClient::with_options(
        web(&emu, &emu.bot_token()),
        options(),
    ));
    let mut events = watch(&rtm);
    rtm.on("hello", |ctx, _ev| async move { ctx.rtm.stop() });
    let res = tokio::time::timeout(WAIT, rtm.start()).await.unwrap();
    assert_eq!(res, Ok(()));
    let mut seen = Vec::new();
    while let Ok(e) = events.try_recv() {
        seen.push(e);
    }
    let hello = seen.iter().position(|e| e == "hello").unwrap();
    assert_eq!(&seen[hello + 1..], ["close"], "{seen:?}");
    // A stopped client starts again, on a fresh connection, with its handlers.
    let res = tokio::time::timeout(WAIT, rtm.start()).await.unwrap();
    assert_eq!(res, Ok(()));
    expect(&mut events, "open").await;
    expect(&mut events, "hello").await;
    expect(&mut events, "close").await;
}

#[tokio::test]
async fn skip_own_messages() {
    let emu = common::emulator().await;
    let mut opts = options();
    opts.skip_own_messages = true;
    let bot_web = web(&emu, &emu.bot_token());
    let rtm = Arc::new(RtmClient::with_options(bot_web.clone(), opts));
    let mut events = watch(&rtm);
    let run = spawn(rtm.clone());
    expect(&mut events, "hello").await;
    let general = emu.channel_id("general").unwrap();
    bot_web
        .call(chat::PostMessage::new(&general).text("mine"))
        .await
        .unwrap();
    web(&emu, &emu.user_token())
        .call(chat::PostMessage::new(&general).text("theirs"))
        .await
        .unwrap();
    // Events arrive in order: if "mine" were delivered it would come first.
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let got = tokio::time::timeout_at(deadline, events.recv())
            .await
            .unwrap()
            .unwrap();
        assert_ne!(got, "message:mine");
        if got == "message:theirs" {
            break;
        }
    }
    rtm.handle().stop();
    run.await.unwrap().unwrap();
}

#[tokio::test]
async fn events_stream_carries_typed_events_with_their_raw_json() {
    use futures_util::StreamExt;
    let emu = common::emulator().await;
    let rtm = Arc::new(RtmClient::with_options(
        web(&emu, &emu.bot_token()),
        options(),
    ));
    let mut events = rtm.events();
    let run = spawn(rtm.clone());
    tokio::time::timeout(WAIT, rtm.wait_open())
        .await
        .unwrap()
        .unwrap();
    assert!(rtm.is_connected());
    let general = emu.channel_id("general").unwrap();
    let ts = emu.post_as("ada", "general", "streamed").unwrap();
    let message = tokio::time::timeout(WAIT, async {
        loop {
            let ev = events.next().await.unwrap();
            if let Event::Rtm(frame) = &ev {
                if let RtmEvent::Message(m) = &**frame {
                    return (m.clone(), frame.raw().to_owned());
                }
            }
        }
    })
    .await
    .unwrap();
    let (m, raw) = message;
    assert_eq!(m.text.as_deref(), Some("streamed"));
    assert_eq!(m.ts, ts);
    assert_eq!(m.channel, general);
    let json: serde_json::Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(json["text"], "streamed");
    assert_eq!(json["ts"], ts.as_str());
    rtm.handle().stop();
    run.await.unwrap().unwrap();
    // The stream ends with the run, after its close.
    let rest: Vec<Event> = tokio::time::timeout(WAIT, events.collect()).await.unwrap();
    assert!(matches!(rest.last(), Some(Event::Close { .. })), "{rest:?}");
}

#[tokio::test]
async fn reconnect_opens_a_fresh_connection_and_wait_open_follows() {
    let emu = common::emulator().await;
    let rtm = Arc::new(RtmClient::with_options(
        web(&emu, &emu.bot_token()),
        options(),
    ));
    let mut events = watch(&rtm);
    let run = spawn(rtm.clone());
    tokio::time::timeout(WAIT, rtm.wait_open())
        .await
        .unwrap()
        .unwrap();
    expect(&mut events, "hello").await;
    let requests_before = emu.request_count();
    rtm.reconnect();
    expect(&mut events, "close").await;
    expect(&mut events, "open").await;
    expect(&mut events, "hello").await;
    tokio::time::timeout(WAIT, rtm.wait_open())
        .await
        .unwrap()
        .unwrap();
    // Emulator URLs are single-use: the new connection came from one new rtm.connect and
    // its websocket upgrade (the only HTTP requests since).
    assert_eq!(emu.request_count(), requests_before + 2);
    let general = emu.channel_id("general").unwrap();
    let ack = rtm
        .handle()
        .send_message(&general, "after reconnect")
        .await
        .unwrap();
    assert!(ack.ok);
    rtm.handle().stop();
    run.await.unwrap().unwrap();
    assert!(!rtm.is_connected());
}

#[tokio::test]
async fn wait_open_fails_when_the_token_is_refused() {
    let emu = common::emulator().await;
    let rtm = Arc::new(RtmClient::with_options(
        web(&emu, "xoxb-revoked"),
        options(),
    ));
    let waiter = rtm.wait_open();
    let run = spawn(rtm.clone());
    let waited = tokio::time::timeout(WAIT, waiter).await.unwrap();
    assert_eq!(waited, Err(RtmError::Fatal("invalid_auth".into())));
    assert_eq!(
        run.await.unwrap(),
        Err(RtmError::Fatal("invalid_auth".into()))
    );
}

/// The facade re-exports the client: `slack_sdk::rtm`, and the echo example's logic runs
/// against the emulator.
#[cfg(feature = "rtm")]
#[tokio::test]
async fn echo_example_replies_in_the_thread() {
    let emu = common::emulator().await;
    let general = emu.channel_id("general").unwrap();
    let posted = std::sync::Mutex::new(None);
    let shutdown = std::future::pending::<()>();
    let echoed = tokio::time::timeout(
        WAIT,
        rtm_echo::run(
            web(&emu, &emu.bot_token()),
            true,
            || *posted.lock().unwrap() = Some(emu.post_as("ada", "general", "hi bot").unwrap()),
            shutdown,
        ),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(echoed, 1);
    let parent = posted.lock().unwrap().clone().unwrap();
    let messages = emu.messages(&general);
    let echo = messages
        .iter()
        .find(|m| m["text"] == "echo: hi bot")
        .unwrap_or_else(|| panic!("no echo in {messages:?}"));
    assert_eq!(echo["thread_ts"], parent.as_str());
    // The bot does not echo itself, other bots, or edits.
    let mut own = slack_sdk::rtm::MessageEvent::default();
    own.text = Some("x".into());
    assert_eq!(rtm_echo::echo_text(&own).as_deref(), Some("echo: x"));
    own.bot_id = Some("B1".into());
    assert_eq!(rtm_echo::echo_text(&own), None);
}
