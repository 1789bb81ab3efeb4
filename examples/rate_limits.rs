//! Handling rate limits: by hand (`Error::RateLimited` carries `Retry-After`), with the
//! retry handlers (the default), or proactively, pacing calls so 429s never happen.
//!
//! `cargo run --example rate_limits`

use slack_sdk::api::conversations;
use slack_sdk::{Error, WebClient};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // SLACK_BOT_TOKEN, and SLACK_API_URL to use the emulator instead of Slack.
    let token = std::env::var("SLACK_BOT_TOKEN")?;
    let manual = WebClient::builder()
        .token(token.as_str())
        .base_url_from_env()
        .no_retries()
        .build()?;
    let paced = WebClient::builder()
        .token(token)
        .base_url_from_env()
        .proactive_rate_limiting()
        .build()?;
    run(&manual, &paced).await
}

/// Make more calls than a Tier 2 method allows at once, twice: `manual` has retries off
/// and waits by hand; `paced` waits for a slot before each call.
pub async fn run(manual: &WebClient, paced: &WebClient) -> Result<(), Box<dyn std::error::Error>> {
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

    // Proactively: the client paces calls to the tier, shared by all its clones.
    let calls = (0..8).map(|_| {
        let c = paced.clone();
        async move { c.call(conversations::List::new().limit(1)).await }
    });
    for r in futures_util::future::join_all(calls).await {
        r?;
    }
    println!("8 concurrent calls done without a 429");
    Ok(())
}
