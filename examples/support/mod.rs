//! Shared setup of the examples: real Slack when `SLACK_BOT_TOKEN` is set, otherwise an
//! embedded emulator (no token, no network).
#![allow(dead_code)]

use std::error::Error;
use std::process::ExitCode;

use slack_emulator::{Emulator, RateLimits};
use slack_sdk::limiter::RateTable;
use slack_sdk::WebClient;

/// What an example works with.
#[derive(Debug)]
pub struct Session {
    /// The client.
    pub client: WebClient,
    /// A channel the bot can post to.
    pub channel: String,
    /// A human user (for ephemeral messages, DMs), when known.
    pub user: Option<String>,
    /// The emulator, when running against it (kept alive for the session).
    pub emulator: Option<Emulator>,
}

/// Real Slack (`SLACK_BOT_TOKEN`, `SLACK_CHANNEL` (default `#general`), `SLACK_USER_ID`) or
/// the embedded emulator.
pub async fn session() -> Result<Session, Box<dyn Error>> {
    match std::env::var("SLACK_BOT_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty())
    {
        Some(token) => Ok(Session {
            client: WebClient::new(token),
            channel: std::env::var("SLACK_CHANNEL").unwrap_or_else(|_| "#general".into()),
            user: std::env::var("SLACK_USER_ID").ok(),
            emulator: None,
        }),
        None => {
            let emu = Emulator::builder()
                .rate_limits(RateLimits::SlackLike)
                .start()
                .await?;
            println!(
                "(no SLACK_BOT_TOKEN: running against the embedded emulator at {})",
                emu.base_url()
            );
            Ok(emulator_session(emu))
        }
    }
}

/// A session on `emu`, pacing calls to the emulator's limits.
pub fn emulator_session(emu: Emulator) -> Session {
    let rates = match emu.rate_limits() {
        RateLimits::Custom {
            tiers,
            post_message_per_minute,
            ..
        } => RateTable::new(tiers, post_message_per_minute, 3),
        _ => RateTable::slack(),
    };
    let client = WebClient::builder()
        .token(emu.bot_token())
        .base_url(emu.base_url())
        .proactive_rate_limiting()
        .rate_table(rates)
        .build()
        .expect("the emulator's URL is valid");
    Session {
        client,
        channel: emu.channel_id("general").unwrap_or_default(),
        user: emu.user_id("ada"),
        emulator: Some(emu),
    }
}

/// Turn an example's result into an exit code, printing the error.
pub fn exit(result: Result<(), Box<dyn Error>>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
