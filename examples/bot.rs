//! A bot that receives events: it answers mentions in their thread, handles `/deploy`, and
//! opens a modal from a shortcut and checks what is submitted in it.
//!
//! The same listeners run over Socket Mode or HTTP — one line in `main` picks which:
//!
//! ```sh
//! # Socket Mode (no public URL needed): an app-level token with connections:write
//! SLACK_BOT_TOKEN=xoxb-… SLACK_APP_TOKEN=xapp-… cargo run --example bot --features socket-mode,events
//! # HTTP: Slack POSTs signed requests to http://your-host:3000/
//! SLACK_BOT_TOKEN=xoxb-… SLACK_SIGNING_SECRET=… cargo run --example bot --features socket-mode,events
//! ```
//!
//! Against the emulator, `cargo run -p slack-emulator` prints `SLACK_API_URL`,
//! `SLACK_BOT_TOKEN` and `SLACK_APP_TOKEN` to paste.

use serde_json::json;
use slack_sdk::api::views;
use slack_sdk::app::App;
use slack_sdk::socket_mode::SocketModeOptions;
use slack_sdk::WebClient;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let web = WebClient::from_env()?;
    let app = bot(web);
    if let Ok(app_token) = std::env::var("SLACK_APP_TOKEN") {
        app.socket_mode(app_token, SocketModeOptions::default())
            .run()
            .await?;
    } else {
        let secret = std::env::var("SLACK_SIGNING_SECRET")?;
        app.http(secret)?.serve("0.0.0.0:3000".parse()?).await?;
    }
    Ok(())
}

/// The signup modal the shortcut opens.
pub fn signup_modal() -> serde_json::Value {
    json!({
        "type": "modal",
        "callback_id": "signup",
        "title": {"type": "plain_text", "text": "Sign up"},
        "submit": {"type": "plain_text", "text": "Sign up"},
        "blocks": [{
            "type": "input", "block_id": "email",
            "label": {"type": "plain_text", "text": "Email"},
            "element": {"type": "plain_text_input", "action_id": "input"}
        }]
    })
}

/// The bot's listeners.
pub fn bot(web: WebClient) -> App {
    App::new(web)
        // "@bot hi" → a reply in the mention's thread.
        .app_mention(|req| async move {
            let who = req.payload.user.clone().unwrap_or_default();
            req.say_in_thread(&format!("Hi <@{who}>! You said: {}", req.payload.text))
                .await?;
            Ok(())
        })
        // "/deploy api" → an answer everyone in the channel sees, straight in the ack.
        .command("/deploy", |req| async move {
            let target = req.payload.text.trim();
            let answer = if target.is_empty() {
                json!({"text": "Usage: /deploy <service>"})
            } else {
                json!({"response_type": "in_channel", "text": format!("Deploying {target} :rocket:")})
            };
            req.ack_with(&answer).await?;
            Ok(())
        })
        // The "sign up" shortcut → a modal (the trigger id lives 3 s: open it first, ack after).
        .shortcut("signup", |req| async move {
            req.client()
                .call(views::Open::new(signup_modal()).trigger_id(&req.payload.trigger_id))
                .await?;
            Ok(())
        })
        // The modal's submission → field errors shown in the modal, or closed when valid.
        .view_submission("signup", |req| async move {
            let email = req.payload.value("email", "input").unwrap_or_default();
            if !email.contains('@') {
                req.ack_with(&json!({
                    "response_action": "errors",
                    "errors": {"email": "Please enter an email address"}
                }))
                .await?;
            }
            Ok(())
        })
}
