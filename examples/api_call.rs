//! The generic `api_call`: any method by name with untyped arguments — for a method newer
//! than this SDK, or when JSON is simply handier.
//!
//! `cargo run --example api_call`

use serde_json::json;
use slack_sdk::WebClient;
use slack_sdk::{Args, CallOptions, Encoding};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // SLACK_BOT_TOKEN, and SLACK_API_URL to use the emulator instead of Slack
    // (`cargo run -p slack-emulator` prints both lines to paste).
    let client = WebClient::from_env()?;
    let channel = std::env::var("SLACK_CHANNEL").unwrap_or_else(|_| "#general".into());
    run(&client, &channel).await
}

/// Call methods by name.
pub async fn run(c: &WebClient, channel: &str) -> Result<(), Box<dyn std::error::Error>> {
    let me = c.api_call("auth.test", Args::new()).await?;
    println!("I am {} ({})", me.get("user"), me.get("user_id"));
    let posted = c
        .api_call(
            "chat.postMessage",
            Args::new()
                .set("channel", channel)
                .set("text", "posted with api_call")
                .set("unfurl_links", false)
                .set(
                    "metadata",
                    json!({"event_type": "example", "event_payload": {"n": 1}}),
                ),
        )
        .await?;
    println!("ts {}", posted.get("ts"));
    // Force a form body, and another token for one call.
    let opts = CallOptions::default().encoding(Encoding::Form);
    c.api_call_with(
        "chat.postMessage",
        Args::new().set("channel", channel).set("text", "as a form"),
        opts,
    )
    .await?;
    Ok(())
}
