//! Views: open a modal, update it (with its hash), push another, publish a Home tab.
//!
//! A `trigger_id` comes from a user's interaction (a shortcut, a button, a slash command),
//! is good for one call, and expires after three seconds, so set `SLACK_TRIGGER_ID` to a
//! fresh one (the emulator hands them out at `POST /_emulator/trigger_id`), and
//! `SLACK_PUSH_TRIGGER_ID` to another for the push (in a real app it comes from an
//! interaction inside the modal; without it the push is skipped). `SLACK_USER_ID` is whose
//! Home tab to publish.
//!
//! `cargo run --example views`

use serde_json::json;
use slack_sdk::api::views;
use slack_sdk::WebClient;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // SLACK_BOT_TOKEN, and SLACK_API_URL to use the emulator instead of Slack
    // (`cargo run -p slack-emulator` prints both lines to paste).
    let client = WebClient::from_env()?;
    let trigger = std::env::var("SLACK_TRIGGER_ID")?;
    let push_trigger = std::env::var("SLACK_PUSH_TRIGGER_ID").ok();
    let user = std::env::var("SLACK_USER_ID").ok();
    run(&client, &trigger, push_trigger.as_deref(), user.as_deref()).await
}

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
pub async fn run(
    c: &WebClient,
    trigger: &str,
    push_trigger: Option<&str>,
    user: Option<&str>,
) -> Result<(), Box<dyn std::error::Error>> {
    let opened = c
        .call(views::Open::new(modal("Sign up")).trigger_id(trigger))
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
    // Each trigger id is good for one call: the push needs its own.
    if let Some(push_trigger) = push_trigger {
        c.call(views::Push::new(modal("Details")).trigger_id(push_trigger))
            .await?;
    }
    if let Some(user) = user {
        let home = json!({"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*Welcome home*"}}]});
        c.call(views::Publish::new(user, &home)).await?;
    }
    println!("view {id} opened and updated");
    Ok(())
}
