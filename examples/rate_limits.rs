//! Handling rate limits: by hand (`Error::RateLimited` carries `Retry-After`), with the
//! retry handlers (the default), or proactively, pacing calls so 429s never happen.
//!
//! `cargo run --example rate_limits`

pub mod support;

use slack_sdk::api::conversations;
use slack_sdk::{Error, RetryPolicy, WebClient};

/// Make more calls than a Tier 2 method allows at once, three ways.
pub async fn run(s: &support::Session) -> Result<(), Box<dyn std::error::Error>> {
    // By hand, with retries off: wait what Slack asks, then try again.
    let manual = match &s.emulator {
        Some(emu) => WebClient::builder()
            .token(emu.bot_token())
            .base_url(emu.base_url())
            .retry_policy(RetryPolicy::none())
            .build()?,
        None => WebClient::builder()
            .token(std::env::var("SLACK_BOT_TOKEN").unwrap_or_default())
            .retry_policy(RetryPolicy::none())
            .build()?,
    };
    let mut waited = 0;
    for _ in 0..8 {
        loop {
            match manual.call(conversations::List::new().limit(1)).await {
                Ok(_) => break,
                Err(Error::RateLimited { retry_after, .. }) => {
                    let wait = retry_after.unwrap_or(std::time::Duration::from_secs(1));
                    println!("rate limited: waiting {wait:?}");
                    waited += 1;
                    tokio::time::sleep(wait).await;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
    println!("8 calls done by hand, {waited} waits");

    // Proactively: the session's client paces calls to the tier, shared by all its clones.
    let calls = (0..8).map(|_| {
        let c = s.client.clone();
        async move { c.call(conversations::List::new().limit(1)).await }
    });
    for r in futures_util::future::join_all(calls).await {
        r?;
    }
    println!("8 concurrent calls done without a 429");
    Ok(())
}

#[allow(dead_code)]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    support::exit(async { run(&support::session().await?).await }.await)
}
