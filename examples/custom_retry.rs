//! A custom retry handler next to the built-in ones: retry `team_added_to_org` (a workspace
//! migration in progress) every second, three times.
//!
//! `cargo run --example custom_retry` (against the emulator it injects that error once)

pub mod support;

use std::time::Duration;

use slack_sdk::api::conversations;
use slack_sdk::retry::{default_handlers, handler_fn, Outcome, RetryDecision, RetryPolicy};
use slack_sdk::WebClient;

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

/// List channels through a client with the custom policy.
pub async fn run(s: &support::Session) -> Result<(), Box<dyn std::error::Error>> {
    let client = match &s.emulator {
        Some(emu) => {
            use slack_emulator::{Fault, FaultRule};
            emu.inject(FaultRule::new(
                "conversations.list",
                Fault::ApiError {
                    code: "team_added_to_org".into(),
                    retry_after: None,
                },
            ));
            WebClient::builder()
                .token(emu.bot_token())
                .base_url(emu.base_url())
                .retry_policy(policy())
                .build()?
        }
        None => WebClient::builder()
            .token(std::env::var("SLACK_BOT_TOKEN").unwrap_or_default())
            .retry_policy(policy())
            .build()?,
    };
    let page = client.call(conversations::List::new()).await?;
    println!(
        "{} channels (after retrying the migration error)",
        page.channels.len()
    );
    Ok(())
}

#[allow(dead_code)]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    support::exit(async { run(&support::session().await?).await }.await)
}
