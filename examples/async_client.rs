//! The async client: calls run concurrently on one connection pool; clones are cheap.
//!
//! `cargo run --example async_client`

use slack_sdk::api::{auth, chat, conversations};
use slack_sdk::WebClient;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // SLACK_BOT_TOKEN, and SLACK_API_URL to use the emulator instead of Slack
    // (`cargo run -p slack-emulator` prints both lines to paste).
    let client = WebClient::from_env()?;
    let channel = std::env::var("SLACK_CHANNEL").unwrap_or_else(|_| "#general".into());
    run(&client, &channel).await
}

/// Three calls at once, then ten posts at once.
pub async fn run(c: &WebClient, channel: &str) -> Result<(), Box<dyn std::error::Error>> {
    let (me, list, info) = tokio::join!(
        c.call(auth::Test::new()),
        c.call(conversations::List::new().limit(10)),
        c.call(conversations::Info::new(channel)),
    );
    println!(
        "{} sees {} channels; #{:?}",
        me?.user,
        list?.channels.len(),
        info?.channel.name
    );
    let posts = (0..10).map(|i| {
        let c = c.clone();
        let ch = channel.to_owned();
        tokio::spawn(async move {
            c.call(chat::PostMessage::new(ch).text(format!("concurrent #{i}")))
                .await
        })
    });
    for p in futures_util::future::join_all(posts).await {
        p??;
    }
    println!("10 messages posted concurrently");
    Ok(())
}
