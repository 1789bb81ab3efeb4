//! The quickstart: post a message, reply in its thread, react to it, and list channels.
//!
//! ```sh
//! cargo run --example quickstart                                   # against an embedded emulator
//! SLACK_BOT_TOKEN=xoxb-… SLACK_CHANNEL=#bots cargo run --example quickstart   # against Slack
//! ```
//!
//! Against the emulator the client also waits for rate-limit slots proactively, so even a
//! burst of calls never meets a 429.

use futures_util::StreamExt;
use slack_emulator::{Emulator, RateLimits};
use slack_sdk::api::{auth, chat, conversations, reactions};
use slack_sdk::WebClient;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let token = std::env::var("SLACK_BOT_TOKEN").unwrap_or_default();
    if !token.trim().is_empty() {
        // Real Slack (or wherever SLACK_API_URL points).
        let client = WebClient::builder()
            .token(token)
            .base_url_from_env()
            .build()?;
        let channel = std::env::var("SLACK_CHANNEL").unwrap_or_else(|_| "#general".into());
        return run(&client, &channel).await;
    }

    // No token: a local Slack in this process, with Slack's rate limits.
    let emulator = Emulator::builder()
        .rate_limits(RateLimits::SlackLike)
        .start()
        .await?;
    println!(
        "(no SLACK_BOT_TOKEN: running against an emulator at {})",
        emulator.base_url()
    );
    let client = WebClient::builder()
        .token(emulator.bot_token())
        .base_url(emulator.base_url())
        .proactive_rate_limiting()
        .build()?;
    let general = emulator
        .channel_id("general")
        .ok_or("the emulator has no #general")?;
    run(&client, &general).await
}

/// Post, reply, react, list.
pub async fn run(client: &WebClient, channel: &str) -> Result<(), Box<dyn std::error::Error>> {
    let me = client.call(auth::Test::new()).await?;
    println!("Authenticated as {} in {}", me.user, me.team);

    let posted = client
        .call(chat::PostMessage::new(channel).text("Hello from slack-sdk for Rust :wave:"))
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
