//! The RTM client against the emulator over real websockets.
#![allow(clippy::unwrap_used)]

mod common;

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
    let mut o = RtmOptions::default();
    o.ping_interval = Duration::from_millis(200);
    o.seed = Some(7);
    o
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
    assert_eq!(rtm.start().await, Err(RtmError::AlreadyStarted));
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
