//! Testing your bot: write the bot's code against `&slack_sdk::WebClient`, then test it three
//! ways without making it generic — the scripted mock with virtual time, the emulator over
//! real sockets, and `mockall` expectations.
//!
//! `cargo run --example testing` runs `notify` against the embedded emulator (or against
//! Slack when `SLACK_BOT_TOKEN` is set); `cargo test --example testing --all-features` runs
//! the tests at the bottom of this file.

use slack_sdk::api::chat;
use slack_sdk::WebClient;

/// The bot's code: post `text` to `channel`, return the message's `ts`.
pub async fn notify(client: &WebClient, channel: &str, text: &str) -> slack_sdk::Result<String> {
    let posted = client
        .call(chat::PostMessage::new(channel).text(text))
        .await?;
    Ok(posted.ts.clone())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Real Slack with a token; otherwise a local emulator (no token, no network).
    let (client, channel, _emulator) = match std::env::var("SLACK_BOT_TOKEN") {
        Ok(token) if !token.is_empty() => {
            let channel = std::env::var("SLACK_CHANNEL").unwrap_or_else(|_| "#general".into());
            (WebClient::new(token), channel, None)
        }
        _ => {
            let emu = slack_emulator::Emulator::start().await?;
            let client = WebClient::builder()
                .token(emu.bot_token())
                .base_url(emu.base_url())
                .build()?;
            (client, "#general".to_owned(), Some(emu))
        }
    };
    let ts = notify(&client, &channel, "Deploy finished").await?;
    println!("posted at {ts}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use serde_json::json;
    use slack_sdk::mock::MockTransport;

    use super::*;

    /// The production retry policy, on virtual time: a 429 with `Retry-After: 30` is waited
    /// out (30 virtual seconds, no real waiting) and the message is sent once more.
    #[tokio::test]
    async fn notify_waits_out_a_rate_limit() {
        let mock = MockTransport::new();
        mock.on("chat.postMessage")
            .rate_limited(Some(Duration::from_secs(30)));
        mock.on("chat.postMessage")
            .respond_json(json!({"ok": true, "channel": "C1", "ts": "1700000000.000100"}));
        let client = WebClient::builder()
            .token("xoxb-test")
            .mock(mock.clone())
            .build()
            .unwrap();

        let ts = notify(&client, "C1", "Deploy finished").await.unwrap();

        assert_eq!(ts, "1700000000.000100");
        assert_eq!(mock.sleeps(), [Duration::from_secs(30)]);
        let sent = mock.requests_for("chat.postMessage");
        assert_eq!(sent.len(), 2);
        assert_eq!(sent[1].arg("channel").as_deref(), Some("C1"));
        assert_eq!(sent[1].arg("text").as_deref(), Some("Deploy finished"));
    }

    /// With retries off, the 429 reaches the caller as `Error::RateLimited`.
    #[tokio::test]
    async fn notify_without_retries_reports_the_rate_limit() {
        let mock = MockTransport::new();
        mock.on("chat.postMessage")
            .rate_limited(Some(Duration::from_secs(30)));
        let client = WebClient::builder()
            .token("xoxb-test")
            .mock(mock.clone())
            .no_retries()
            .build()
            .unwrap();
        let e = notify(&client, "C1", "hi").await.unwrap_err();
        assert!(e.is_rate_limited(), "{e:?}");
        assert_eq!(e.retry_after(), Some(Duration::from_secs(30)));
        assert!(mock.sleeps().is_empty());
    }

    /// The same function against the emulator, over real sockets.
    #[tokio::test]
    async fn notify_posts_to_the_emulator() {
        let emu = slack_emulator::Emulator::start().await.unwrap();
        let client = WebClient::builder()
            .token(emu.bot_token())
            .base_url(emu.base_url())
            .build()
            .unwrap();
        let general = emu.channel_id("general").unwrap();
        let ts = notify(&client, &general, "Deploy finished").await.unwrap();
        let messages = emu.messages(&general);
        assert!(messages
            .iter()
            .any(|m| m["ts"] == ts.as_str() && m["text"] == "Deploy finished"));
    }

    /// `mockall` expectations on the transport trait.
    #[tokio::test]
    async fn notify_with_mockall() {
        use slack_sdk::mock::{MockHttpTransport, MockTimer};
        use slack_sdk::transport::{HttpRequest, HttpResponse};

        let mut transport = MockHttpTransport::new();
        transport
            .expect_send()
            .withf(|req: &HttpRequest| req.url.ends_with("/chat.postMessage"))
            .times(1)
            .returning(|_| {
                Box::pin(async {
                    Ok(HttpResponse::new(
                        http::StatusCode::OK,
                        r#"{"ok":true,"channel":"C1","ts":"1.2"}"#,
                    ))
                })
            });
        transport
            .expect_default_retry_policy()
            .returning(slack_sdk::RetryPolicy::none);
        let mut timer = MockTimer::new();
        timer.expect_now().returning(std::time::Instant::now);
        let client = WebClient::builder()
            .token("xoxb-test")
            .http_transport(Arc::new(transport))
            .timer(Arc::new(timer))
            .build()
            .unwrap();
        assert_eq!(notify(&client, "C1", "hi").await.unwrap(), "1.2");
    }
}
