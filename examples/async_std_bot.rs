//! An echo bot on async-std: answers every "ping" with "pong" over RTM.
//!
//! `cargo run --example async_std_bot --features async-std` runs against an embedded emulator
//! (which itself runs on tokio, like any server would) and posts a "ping" to show it works;
//! with `SLACK_BOT_TOKEN` it connects to Slack and runs until Ctrl-C.

use std::sync::Arc;

use slack_rtm::{RtmClient, RtmError};
use slack_sdk::transport::async_std::AsyncStdTransport;
use slack_sdk::WebClient;

/// Run the bot; it stops after answering `answers` pings (`None`: never).
pub async fn run(web: WebClient, answers: Option<usize>) -> Result<(), RtmError> {
    let rtm = Arc::new(RtmClient::new(web));
    let left = Arc::new(std::sync::atomic::AtomicUsize::new(
        answers.unwrap_or(usize::MAX),
    ));
    rtm.on_message(move |ctx, msg| {
        let left = left.clone();
        async move {
            if msg.text.as_deref() != Some("ping") {
                return;
            }
            match ctx.rtm.send_message(&msg.channel, "pong").await {
                Ok(ack) => println!("answered in {} at {:?}", msg.channel, ack.ts),
                Err(e) => eprintln!("could not answer: {e}"),
            }
            if left.fetch_sub(1, std::sync::atomic::Ordering::SeqCst) == 1 {
                ctx.rtm.stop();
            }
        }
    });
    rtm.start().await
}

#[allow(dead_code)]
fn main() -> std::process::ExitCode {
    let result: Result<(), Box<dyn std::error::Error>> = (|| {
        if let Ok(token) = std::env::var("SLACK_BOT_TOKEN") {
            let web = WebClient::builder()
                .token(token)
                .transport_with_ws(AsyncStdTransport::new())
                .build()?;
            async_std::task::block_on(run(web, None))?;
            return Ok(());
        }
        let server = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()?;
        let emu = server.block_on(slack_emulator::Emulator::start())?;
        println!(
            "(no SLACK_BOT_TOKEN: running against the embedded emulator at {})",
            emu.base_url()
        );
        let web = WebClient::builder()
            .token(emu.bot_token())
            .base_url(emu.base_url())
            .transport_with_ws(AsyncStdTransport::new())
            .build()?;
        let ada = WebClient::builder()
            .token(emu.user_token())
            .base_url(emu.base_url())
            .transport_with_ws(AsyncStdTransport::new())
            .build()?;
        let general = emu.channel_id("general").unwrap_or_default();
        async_std::task::block_on(async {
            let bot = async_std::task::spawn(run(web, Some(1)));
            // Give the bot a moment to connect, then say ping as another user.
            while emu.rtm_connections() == 0 {
                async_io::Timer::after(std::time::Duration::from_millis(20)).await;
            }
            ada.call(slack_sdk::api::chat::PostMessage::new(&general).text("ping"))
                .await?;
            bot.await?;
            Ok::<_, Box<dyn std::error::Error>>(())
        })?;
        Ok(())
    })();
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
