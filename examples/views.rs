//! Views: open a modal, update it (with its hash), push another, publish a Home tab.
//!
//! A `trigger_id` comes from a user's interaction, so against real Slack set
//! `SLACK_TRIGGER_ID`; the emulator accepts any.
//!
//! `cargo run --example views`

pub mod support;

use serde_json::json;
use slack_sdk::api::views;

fn modal(title: &str) -> serde_json::Value {
    json!({
        "type": "modal",
        "callback_id": "signup",
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": "Submit"},
        "blocks": [{
            "type": "input", "block_id": "email",
            "label": {"type": "plain_text", "text": "Email"},
            "element": {"type": "plain_text_input", "action_id": "input"}
        }]
    })
}

/// Open, update, push and publish.
pub async fn run(s: &support::Session) -> Result<(), Box<dyn std::error::Error>> {
    let Some(trigger) = std::env::var("SLACK_TRIGGER_ID")
        .ok()
        .or(s.emulator.as_ref().map(|_| "emulated-trigger".to_owned()))
    else {
        println!("set SLACK_TRIGGER_ID to run the views examples against Slack");
        return Ok(());
    };
    let c = &s.client;
    let opened = c
        .call(views::Open::new(modal("Sign up")).trigger_id(&trigger))
        .await?;
    let id = opened.view.id.clone();
    let hash = opened.view.hash.clone();
    // The hash makes the update fail if someone else updated the view meanwhile.
    c.call(
        views::Update::new(modal("Sign up (2/2)"))
            .view_id(&id)
            .hash(&hash),
    )
    .await?;
    c.call(views::Push::new(modal("Details")).trigger_id(&trigger))
        .await?;
    if let Some(user) = &s.user {
        let home = json!({"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*Welcome home*"}}]});
        c.call(views::Publish::new(user, &home)).await?;
    }
    println!("view {id} opened and updated");
    Ok(())
}

#[allow(dead_code)]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    support::exit(async { run(&support::session().await?).await }.await)
}
