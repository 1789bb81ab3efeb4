//! An RTM echo bot on tokio: every message it hears, it repeats in the message's thread.
//!
//! ```text
//! SLACK_BOT_TOKEN=xoxb-… cargo run --example rtm_echo --features rtm
//! cargo run --example rtm_echo --features rtm -- --once   # embedded emulator, one echo
//! ```
//!
//! With `SLACK_BOT_TOKEN` it connects to Slack (or to `SLACK_API_URL` when set) and runs until
//! Ctrl-C. Without it, it starts the embedded emulator and posts a message there as another
//! user, so there is something to echo. `--once` (or `RTM_ECHO_ONCE=1`) exits after the first
//! echo.
//!
//! It reads events as a `Stream` (`RtmClient::events`), waits for the connection with
//! `wait_open`, and replies over RTM with `send_reply`, which resolves with Slack's ack.

use std::future::Future;
use std::sync::Arc;

use futures_util::StreamExt;
use slack_sdk::rtm::{Event, MessageEvent, RtmClient, RtmEvent, RtmOptions};
use slack_sdk::transport::hyper::HyperTransport;
use slack_sdk::WebClient;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The text the bot answers `msg` with, or `None` for messages it must not echo (its own,
/// other bots', edits and other subtypes, empty ones).
pub fn echo_text(msg: &MessageEvent) -> Option<String> {
    if msg.subtype.is_some() || msg.bot_id.is_some() {
        return None;
    }
    let text = msg.text.as_deref().filter(|t| !t.is_empty())?;
    Some(format!("echo: {text}"))
}

/// Run the bot over `web` until `shutdown` completes, or after the first echo when `once`.
/// `opened` is called once the connection is open. Returns how many messages it echoed.
pub async fn run(
    web: WebClient,
    once: bool,
    opened: impl FnOnce(),
    shutdown: impl Future<Output = ()>,
) -> Result<usize, BoxError> {
    let rtm = Arc::new(RtmClient::with_options(
        web,
        RtmOptions::default().skip_own_messages(true),
    ));
    // Subscribe before starting, so no event is missed.
    let mut events = rtm.events();
    let running = tokio::spawn({
        let rtm = rtm.clone();
        async move { rtm.start().await }
    });
    rtm.wait_open().await?;
    println!("connected; echoing messages in their threads");
    opened();

    let mut echoed = 0;
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let ev = tokio::select! {
            ev = events.next() => ev,
            () = &mut shutdown => break,
        };
        // The stream ends when the client stops (a fatal error, for example).
        let Some(ev) = ev else { break };
        let Event::Rtm(frame) = &ev else { continue };
        let RtmEvent::Message(msg) = frame.event() else {
            continue;
        };
        let Some(reply) = echo_text(msg) else {
            continue;
        };
        // Reply in the thread: the parent's ts, or this message's own to start one.
        let thread = msg.thread_ts.as_deref().unwrap_or(&msg.ts);
        match rtm.handle().send_reply(&msg.channel, thread, &reply).await {
            Ok(ack) => {
                echoed += 1;
                println!(
                    "echoed in {} (thread {thread}) at {:?}",
                    msg.channel, ack.ts
                );
            }
            Err(e) => eprintln!("could not echo: {e}"),
        }
        if once {
            break;
        }
    }
    rtm.handle().stop();
    running.await??;
    Ok(echoed)
}

fn once_requested() -> bool {
    std::env::args().any(|a| a == "--once")
        || std::env::var("RTM_ECHO_ONCE").is_ok_and(|v| v == "1" || v == "true")
}

async fn ctrl_c() {
    if tokio::signal::ctrl_c().await.is_err() {
        // No signal handling here: run until the process is killed.
        std::future::pending::<()>().await;
    }
}

async fn main_async() -> Result<(), BoxError> {
    let once = once_requested();
    if let Ok(token) = std::env::var("SLACK_BOT_TOKEN") {
        // Slack, or SLACK_API_URL when set (the emulator binary prints one).
        let web = WebClient::builder()
            .token(token)
            .base_url_from_env()
            .build()?;
        run(web, once, || {}, ctrl_c()).await?;
        return Ok(());
    }

    let emu = slack_emulator::Emulator::start().await?;
    println!(
        "(no SLACK_BOT_TOKEN: running against the embedded emulator at {})",
        emu.base_url()
    );
    let client = |token: String| -> Result<WebClient, BoxError> {
        Ok(WebClient::builder()
            .token(token)
            .base_url(emu.base_url())
            .transport_with_ws(HyperTransport::builder().no_proxy().build()?)
            .build()?)
    };
    let bot = client(emu.bot_token())?;
    let ada = client(emu.user_token())?;
    let general = emu.channel_id("general").unwrap_or_default();
    // Once the bot listens, post as another user, so there is something to echo.
    let say_hello = move || {
        tokio::spawn(async move {
            let posted = ada
                .call(slack_sdk::api::chat::PostMessage::new(&general).text("hello, bot"))
                .await;
            if let Err(e) = posted {
                eprintln!("could not post: {e}");
            }
        });
    };
    let echoed = run(bot, once, say_hello, ctrl_c()).await?;
    println!("{echoed} message(s) echoed");
    Ok(())
}

#[allow(dead_code)]
fn main() -> std::process::ExitCode {
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(main_async()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
