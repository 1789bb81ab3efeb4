//! The quickstart: post a message, reply in its thread, react to it, and list channels.
//!
//! ```sh
//! cargo run --example quickstart                                   # against the embedded emulator
//! SLACK_BOT_TOKEN=xoxb-… SLACK_CHANNEL=#bots cargo run --example quickstart   # against Slack
//! ```
//!
//! Against the emulator the client also waits for rate-limit slots proactively, so even a
//! burst of calls never meets a 429.

pub mod support;

use futures_util::StreamExt;
use slack_sdk::api::{auth, chat, conversations, reactions};

/// Post, reply, react, list.
pub async fn run(s: &support::Session) -> Result<(), Box<dyn std::error::Error>> {
    let client = &s.client;
    let me = client.call(auth::Test::new()).await?;
    println!("Authenticated as {} in {}", me.user, me.team);

    let posted = client
        .call(chat::PostMessage::new(&s.channel).text("Hello from slack-sdk for Rust :wave:"))
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

#[allow(dead_code)]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    support::exit(async { run(&support::session().await?).await }.await)
}
