//! The Python Web Client guide's messaging examples, ported: post a message, an ephemeral
//! message, blocks, a thread reply and a broadcast reply, update, delete, react.
//!
//! `cargo run --example messaging`

pub mod support;

use serde_json::json;
use slack_sdk::api::{chat, reactions};

/// Run every messaging example in `s.channel`.
pub async fn run(s: &support::Session) -> Result<(), Box<dyn std::error::Error>> {
    let c = &s.client;
    // Post a message.
    let posted = c
        .call(chat::PostMessage::new(&s.channel).text("Hello world :tada:"))
        .await?;
    println!("posted {}", posted.ts);

    // An ephemeral message, seen only by one user.
    if let Some(user) = &s.user {
        let eph = c
            .call(chat::PostEphemeral::new(&s.channel, user).text("Only you can see this"))
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
        chat::PostMessage::new(&s.channel)
            .text("A review")
            .blocks(&blocks),
    )
    .await?;

    // Reply in a thread, then reply and broadcast to the channel.
    c.call(
        chat::PostMessage::new(&s.channel)
            .thread_ts(&posted.ts)
            .text("A reply"),
    )
    .await?;
    c.call(
        chat::PostMessage::new(&s.channel)
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
    let oops = c
        .call(chat::PostMessage::new(&s.channel).text("Oops"))
        .await?;
    c.call(chat::Delete::new(&oops.channel, &oops.ts)).await?;
    Ok(())
}

#[allow(dead_code)]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    support::exit(async { run(&support::session().await?).await }.await)
}
