//! The async client: calls run concurrently on one connection pool; clones are cheap.
//!
//! `cargo run --example async_client`

pub mod support;

use slack_sdk::api::{auth, chat, conversations};

/// Three calls at once, then ten posts at once.
pub async fn run(s: &support::Session) -> Result<(), Box<dyn std::error::Error>> {
    let c = &s.client;
    let (me, list, info) = tokio::join!(
        c.call(auth::Test::new()),
        c.call(conversations::List::new().limit(10)),
        c.call(conversations::Info::new(&s.channel)),
    );
    println!(
        "{} sees {} channels; #{:?}",
        me?.user,
        list?.channels.len(),
        info?.channel.name
    );
    let posts = (0..10).map(|i| {
        let c = c.clone();
        let ch = s.channel.clone();
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

#[allow(dead_code)]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    support::exit(async { run(&support::session().await?).await }.await)
}
