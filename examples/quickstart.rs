//! The quickstart: post a message, reply in its thread, react to it, and list channels.
//!
//! ```sh
//! cargo run --example quickstart                                   # against the embedded emulator
//! SLACK_BOT_TOKEN=xoxb-… SLACK_CHANNEL=#bots cargo run --example quickstart   # against Slack
//! ```
//!
//! Against the emulator the client also waits for rate-limit slots proactively, so even a
//! burst of calls never meets a 429.

use std::process::ExitCode;

use futures_util::StreamExt;
use slack_sdk::api::{auth, chat, conversations, reactions};
use slack_sdk::WebClient;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("quickstart failed: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let token = std::env::var("SLACK_BOT_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty());
    // Keep the emulator alive for the whole run.
    let mut _emulator = None;
    let (client, channel) = match token {
        Some(token) => {
            let channel = std::env::var("SLACK_CHANNEL").unwrap_or_else(|_| "#general".into());
            println!("Using real Slack (SLACK_BOT_TOKEN is set), channel {channel}");
            (WebClient::new(token), channel)
        }
        None => {
            let emu = slack_emulator::Emulator::builder()
                .rate_limits(slack_emulator::RateLimits::SlackLike)
                .start()
                .await?;
            println!(
                "No SLACK_BOT_TOKEN: using the embedded emulator at {}",
                emu.base_url()
            );
            let client: WebClient = WebClient::builder()
                .token(emu.bot_token())
                .base_url(emu.base_url())
                .proactive_rate_limiting()
                .build();
            let channel = emu
                .channel_id("general")
                .ok_or("the emulator has no #general")?;
            _emulator = Some(emu);
            (client, channel)
        }
    };

    let me = client.call(auth::Test::new()).await?;
    println!("Authenticated as {} in {}", me.user, me.team);

    let posted = client
        .call(chat::PostMessage::new(&channel).text("Hello from slack-sdk for Rust :wave:"))
        .await?;
    println!("Posted message {} in {}", posted.ts, posted.channel);

    let reply = client
        .call(
            chat::PostMessage::new(&posted.channel)
                .thread_ts(&posted.ts)
                .text("…and a reply in its thread"),
        )
        .await?;
    println!("Replied in the thread: {}", reply.ts);

    client
        .call(reactions::Add::new(&posted.channel, &posted.ts, "tada"))
        .await?;
    println!("Reacted with :tada:");

    let mut pages = client.pages(conversations::List::new().limit(100).exclude_archived(true));
    let mut names = Vec::new();
    while let Some(page) = pages.next().await {
        for c in &page?.channels {
            names.push(c.name.clone().unwrap_or_else(|| c.id.clone()));
        }
    }
    println!("{} channels: {}", names.len(), names.join(", "));
    Ok(())
}
