//! The same WebClient and RtmClient integration checks, on tokio (hyper transport) and on
//! async-std (async-std transport), against the emulator.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use slack_emulator::{Emulator, Fault, FaultRule};
use slack_rtm::{Event, RtmClient, RtmEvent, RtmOptions};
use slack_sdk::api::{auth, chat, conversations, reactions};
use slack_sdk::core::{HttpTransport, Timer, WebClient, WebClientBuilder, WsTransport};
use slack_sdk::files::{FilesUploadV2, UploadFile};
use slack_sdk::retry::{default_handlers, Backoff, ConnectionErrorRetryHandler, RetryPolicy};
use slack_sdk::transport::async_std::AsyncStdTransport;
use slack_sdk::transport::hyper::HyperTransport;
use slack_sdk::Error;

fn policy() -> RetryPolicy {
    let fast = Backoff::new(Duration::from_millis(20)).max(Duration::from_millis(50));
    RetryPolicy::new(default_handlers())
        .with_handler(ConnectionErrorRetryHandler::default().interval(fast))
}

fn client<T: HttpTransport + Timer + WsTransport>(
    emu: &Emulator,
    token: String,
    transport: T,
) -> WebClient {
    WebClientBuilder::new()
        .token(token)
        .base_url(emu.base_url())
        .retry_policy(policy())
        .transport_with_ws(transport)
        .build()
        .unwrap()
}

/// Web API checks, generic over the transport.
async fn web_checks(emu: &Emulator, c: WebClient) {
    let general = emu.channel_id("general").unwrap();
    let me = c.call(auth::Test::new()).await.unwrap();
    assert_eq!(me.user_id, emu.bot_user_id());
    let parent = c
        .call(chat::PostMessage::new(&general).text("parent"))
        .await
        .unwrap();
    c.call(
        chat::PostMessage::new(&general)
            .thread_ts(&parent.ts)
            .text("reply"),
    )
    .await
    .unwrap();
    c.call(reactions::Add::new(&general, &parent.ts, "tada"))
        .await
        .unwrap();
    let e = c
        .call(reactions::Add::new(&general, &parent.ts, "tada"))
        .await
        .unwrap_err();
    assert_eq!(e.api_code().unwrap().as_str(), "already_reacted");
    let names: Vec<String> = c
        .items(conversations::List::new().limit(1))
        .map(|i| i.unwrap().name.unwrap())
        .collect()
        .await;
    assert_eq!(names, ["general", "random", "outside"]);
    let up = c
        .files_upload_v2(FilesUploadV2::new(UploadFile::bytes("a.txt", "abc")).channel(&general))
        .await
        .unwrap();
    assert_eq!(up.files.len(), 1);
    // A dropped connection on a read is retried; on a write it is reported, never re-sent.
    emu.inject(FaultRule::new(
        "conversations.info",
        Fault::DropBeforeResponse,
    ));
    c.call(conversations::Info::new(&general)).await.unwrap();
    emu.inject(FaultRule::new("chat.postMessage", Fault::DropAfterApply));
    let e = c
        .call(chat::PostMessage::new(&general).text("once"))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::OutcomeUnknown { .. }), "{e:?}");
    let msgs = emu.messages(&general);
    assert_eq!(msgs.iter().filter(|m| m["text"] == "once").count(), 1);
    assert_eq!(msgs[0]["reply_count"], 1);
    assert_eq!(msgs[0]["reactions"][0]["count"], 1);
}

/// RTM checks, generic over the transport; `wait` bounds each wait on the test's runtime.
async fn rtm_checks(emu: &Emulator, web: WebClient, ada: WebClient) {
    let general = emu.channel_id("general").unwrap();
    let mut opts = RtmOptions::default();
    opts.ping_interval = Duration::from_millis(200);
    opts.max_backoff = Duration::from_millis(300);
    let rtm = Arc::new(RtmClient::with_options(web, opts));
    let (tx, mut rx) = futures_channel::mpsc::unbounded::<String>();
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
            let _ = tx.unbounded_send(label);
        }
    });
    let run = {
        let rtm = rtm.clone();
        async move { rtm.start().await }
    };
    let checks = async {
        wait_for(&mut rx, "hello").await;
        let ack = rtm
            .handle()
            .send_message(&general, "via rtm")
            .await
            .unwrap();
        assert!(ack.ok);
        ada.call(chat::PostMessage::new(&general).text("to the bot"))
            .await
            .unwrap();
        wait_for(&mut rx, "message:to the bot").await;
        emu.rtm_close(4000, "bye");
        wait_for(&mut rx, "close").await;
        wait_for(&mut rx, "hello").await;
        rtm.handle().stop();
    };
    let (res, ()) = futures_util::join!(run, checks);
    assert_eq!(res, Ok(()));
}

async fn wait_for(rx: &mut futures_channel::mpsc::UnboundedReceiver<String>, want: &str) {
    while let Some(got) = rx.next().await {
        if got == want {
            return;
        }
    }
    panic!("no {want}");
}

fn emulator() -> (tokio::runtime::Runtime, Emulator) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let emu = rt.block_on(Emulator::start()).unwrap();
    (rt, emu)
}

fn hyper() -> HyperTransport {
    HyperTransport::builder().no_proxy().build().unwrap()
}

fn async_std() -> AsyncStdTransport {
    AsyncStdTransport::builder().no_proxy().build().unwrap()
}

#[test]
fn web_client_on_tokio() {
    let (rt, emu) = emulator();
    let c = client(&emu, emu.bot_token(), hyper());
    rt.block_on(async { tokio::time::timeout(Duration::from_secs(30), web_checks(&emu, c)).await })
        .unwrap();
}

#[test]
fn web_client_on_async_std() {
    let (_rt, emu) = emulator();
    let c = client(&emu, emu.bot_token(), async_std());
    async_std::task::block_on(async_std::future::timeout(
        Duration::from_secs(30),
        web_checks(&emu, c),
    ))
    .unwrap();
}

#[test]
fn rtm_client_on_tokio() {
    let (rt, emu) = emulator();
    let (web, ada) = (
        client(&emu, emu.bot_token(), hyper()),
        client(&emu, emu.user_token(), hyper()),
    );
    rt.block_on(async {
        tokio::time::timeout(Duration::from_secs(30), rtm_checks(&emu, web, ada)).await
    })
    .unwrap();
}

#[test]
fn rtm_client_on_async_std() {
    let (_rt, emu) = emulator();
    let (web, ada) = (
        client(&emu, emu.bot_token(), async_std()),
        client(&emu, emu.user_token(), async_std()),
    );
    async_std::task::block_on(async_std::future::timeout(
        Duration::from_secs(30),
        rtm_checks(&emu, web, ada),
    ))
    .unwrap();
}

#[path = "../examples/async_std_bot.rs"]
#[allow(dead_code)]
mod async_std_bot;

#[test]
fn the_async_std_example_bot_answers() {
    let (_rt, emu) = emulator();
    let general = emu.channel_id("general").unwrap();
    let web = client(&emu, emu.bot_token(), async_std());
    let ada = client(&emu, emu.user_token(), async_std());
    async_std::task::block_on(async_std::future::timeout(Duration::from_secs(30), async {
        let bot = async_std::task::spawn(async_std_bot::run(web.into(), Some(1)));
        // The bot says nothing until it has a connection; post once it is open.
        while emu.rtm_connections() == 0 {
            async_io::Timer::after(Duration::from_millis(10)).await;
        }
        ada.call(chat::PostMessage::new(&general).text("ping"))
            .await
            .unwrap();
        bot.await.unwrap();
    }))
    .unwrap();
    let texts: Vec<String> = emu
        .messages(&general)
        .iter()
        .map(|m| m["text"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(texts, ["ping", "pong"]);
}
