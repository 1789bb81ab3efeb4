//! The generic `api_call`: any method by name with untyped arguments — for a method newer
//! than this SDK, or when JSON is simply handier.
//!
//! `cargo run --example api_call`

pub mod support;

use serde_json::json;
use slack_sdk::{Args, CallOptions, Encoding};

/// Call methods by name.
pub async fn run(s: &support::Session) -> Result<(), Box<dyn std::error::Error>> {
    let c = &s.client;
    let me = c.api_call("auth.test", Args::new()).await?;
    println!("I am {} ({})", me.get("user"), me.get("user_id"));
    let posted = c
        .api_call(
            "chat.postMessage",
            Args::new()
                .set("channel", s.channel.clone())
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
        Args::new()
            .set("channel", s.channel.clone())
            .set("text", "as a form"),
        opts,
    )
    .await?;
    Ok(())
}

#[allow(dead_code)]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    support::exit(async { run(&support::session().await?).await }.await)
}
