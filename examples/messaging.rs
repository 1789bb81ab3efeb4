//! The Python Web Client guide's messaging examples, ported: post a message, an ephemeral
//! message, blocks, a thread reply and a broadcast reply, update, delete, react.
//!
//! `cargo run --example messaging`

use serde_json::json;
use slack_sdk::api::{chat, reactions};
use slack_sdk::WebClient;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // SLACK_BOT_TOKEN, and SLACK_API_URL to use the emulator instead of Slack
    // (`cargo run -p slack-emulator` prints both lines to paste).
    let client = WebClient::from_env()?;
    let channel = std::env::var("SLACK_CHANNEL").unwrap_or_else(|_| "#general".into());
    let user = std::env::var("SLACK_USER_ID").ok(); // for the ephemeral message
    run(&client, &channel, user.as_deref()).await
}

/// Run every messaging example in `channel`; `user` sees the ephemeral message.
pub async fn run(
    c: &WebClient,
    channel: &str,
    user: Option<&str>,
) -> Result<(), Box<dyn std::error::Error>> {
    // Post a message.
    let posted = c
        .call(chat::PostMessage::new(channel).text("Hello world :tada:"))
        .await?;
    println!("posted {}", posted.ts);

    // An ephemeral message, seen only by one user.
    if let Some(user) = user {
        let eph = c
            .call(chat::PostEphemeral::new(channel, user).text("Only you can see this"))
            .await?;
        println!("ephemeral {}", eph.message_ts);
    }

    // Blocks (with a text fallback for notifications).
    let blocks = json!([
        {"type": "section", "text": {"type": "mrkdwn", "text": "*Danny Torrence* left the following review"}},
        {"type": "divider"},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "Posted with slack-sdk for Rust"}]}
    ]);
    c.call(
        chat::PostMessage::new(channel)
            .text("A review")
            .blocks(&blocks),
    )
    .await?;

    // Reply in a thread, then reply and broadcast to the channel.
    c.call(
        chat::PostMessage::new(channel)
            .thread_ts(&posted.ts)
            .text("A reply"),
    )
    .await?;
    c.call(
        chat::PostMessage::new(channel)
            .thread_ts(&posted.ts)
            .reply_broadcast(true)
            .text("A reply everyone sees"),
    )
    .await?;

    // Update the message, react to it, remove the reaction.
    c.call(chat::Update::new(&posted.channel, &posted.ts).text("Hello world (edited)"))
        .await?;
    c.call(reactions::Add::new(&posted.channel, &posted.ts, "thumbsup"))
        .await?;
    c.call(
        reactions::Remove::new("thumbsup")
            .channel(&posted.channel)
            .timestamp(&posted.ts),
    )
    .await?;

    // Post and delete.
    let oops = c.call(chat::PostMessage::new(channel).text("Oops")).await?;
    c.call(chat::Delete::new(&oops.channel, &oops.ts)).await?;
    Ok(())
}
