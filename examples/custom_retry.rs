//! A custom retry handler next to the built-in ones: retry `team_added_to_org` (a workspace
//! migration in progress) every second, three times.
//!
//! `cargo run --example custom_retry` (its test injects that error into the emulator)

use std::time::Duration;

use slack_sdk::api::conversations;
use slack_sdk::retry::{default_handlers, handler_fn, Outcome, RetryDecision, RetryPolicy};
use slack_sdk::WebClient;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // SLACK_BOT_TOKEN, and SLACK_API_URL to use the emulator instead of Slack.
    let client = WebClient::builder()
        .token(std::env::var("SLACK_BOT_TOKEN")?)
        .base_url_from_env()
        .retry_policy(policy())
        .build()?;
    run(&client).await
}

/// A policy: the defaults, plus our handler.
pub fn policy() -> RetryPolicy {
    let migration = handler_fn(|ctx| match ctx.outcome {
        Outcome::Response { error, .. }
            if ctx.attempt <= 3 && error.api_code().is_some_and(|c| c == "team_added_to_org") =>
        {
            RetryDecision::RetryAfter {
                delay: Duration::from_millis(200),
                reason: "workspace migration",
            }
        }
        _ => RetryDecision::NoAction,
    });
    RetryPolicy::new(default_handlers()).with_handler(migration)
}

/// List channels through a client built with the custom policy.
pub async fn run(client: &WebClient) -> Result<(), Box<dyn std::error::Error>> {
    let page = client.call(conversations::List::new()).await?;
    println!(
        "{} channels (after retrying the migration error, if Slack sent one)",
        page.channels.len()
    );
    Ok(())
}
