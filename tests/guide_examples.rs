//! Every example under `examples/` (the Python Web Client guide, ported), run against the
//! emulator, with the workspace checked afterwards. Each example's `main` builds its client
//! from the environment; these tests call the same `run` with a client on an emulator.
#![allow(clippy::unwrap_used, dead_code)]

#[path = "../examples/api_call.rs"]
mod api_call;
#[path = "../examples/async_client.rs"]
mod async_client;
#[path = "../examples/conversations.rs"]
mod conversations;
#[path = "../examples/custom_retry.rs"]
mod custom_retry;
#[path = "../examples/files.rs"]
mod files;
#[path = "../examples/messaging.rs"]
mod messaging;
#[path = "../examples/modal_server.rs"]
mod modal_server;
#[path = "../examples/quickstart.rs"]
mod quickstart;
#[path = "../examples/rate_limits.rs"]
mod rate_limits;
#[path = "../examples/views.rs"]
mod views;

use serde_json::Value;
use slack_emulator::{Emulator, RateLimits};
use slack_sdk::limiter::RateTable;
use slack_sdk::WebClient;

async fn emulator(limits: RateLimits) -> Emulator {
    Emulator::builder()
        .rate_limits(limits)
        .start()
        .await
        .unwrap()
}

/// A client on `emu`, pacing calls to its limits when `paced`.
fn client(emu: &Emulator, paced: bool) -> WebClient {
    let builder = WebClient::builder()
        .token(emu.bot_token())
        .base_url(emu.base_url());
    let builder = match (paced, emu.rate_limits()) {
        (false, _) => builder,
        (
            true,
            RateLimits::Custom {
                tiers,
                post_message_per_minute,
                ..
            },
        ) => builder.proactive_rate_limiting().rate_table(RateTable::new(
            tiers,
            post_message_per_minute,
            3,
        )),
        (true, _) => builder.proactive_rate_limiting(),
    };
    builder.build().unwrap()
}

fn general(emu: &Emulator) -> String {
    emu.channel_id("general").unwrap()
}

fn texts(emu: &Emulator, channel: &str) -> Vec<String> {
    emu.messages(channel)
        .iter()
        .map(|m| m["text"].as_str().unwrap_or("").to_owned())
        .collect()
}

#[tokio::test]
async fn messaging_examples() {
    let emu = emulator(RateLimits::Off).await;
    let channel = general(&emu);
    messaging::run(
        &client(&emu, false),
        &channel,
        emu.user_id("ada").as_deref(),
    )
    .await
    .unwrap();
    let msgs = emu.messages(&channel);
    assert_eq!(msgs[0]["text"], "Hello world (edited)");
    assert!(
        msgs[0].get("reactions").is_none(),
        "reaction added then removed"
    );
    assert_eq!(msgs[0]["reply_count"], 2);
    assert!(msgs.iter().any(|m| m["blocks"][1]["type"] == "divider"));
    assert!(msgs.iter().any(|m| m["subtype"] == "thread_broadcast"));
    assert!(
        !texts(&emu, &channel).contains(&"Oops".to_owned()),
        "deleted"
    );
}

#[tokio::test]
async fn files_examples() {
    let emu = emulator(RateLimits::Off).await;
    let channel = general(&emu);
    files::run(&client(&emu, false), &channel).await.unwrap();
    let msgs = emu.messages(&channel);
    let shares: Vec<&Value> = msgs
        .iter()
        .filter(|m| m["subtype"] == "file_share")
        .collect();
    assert_eq!(shares.len(), 2);
    assert_eq!(shares[0]["files"].as_array().unwrap().len(), 1);
    assert_eq!(shares[1]["files"].as_array().unwrap().len(), 2);
    assert!(shares[1]["thread_ts"].is_string());
    let state = emu.state();
    assert_eq!(state["remote_files"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn conversations_examples() {
    let emu = emulator(RateLimits::Off).await;
    let c = client(&emu, false);
    conversations::run(&c, &general(&emu), emu.user_id("ada").as_deref())
        .await
        .unwrap();
    let state = emu.state();
    let created = state["channels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"].as_str().unwrap_or("").starts_with("rust-sdk-"))
        .unwrap();
    assert_eq!(created["is_archived"], true);
    assert_eq!(created["is_private"], true);
}

#[tokio::test]
async fn views_examples() {
    let emu = emulator(RateLimits::Off).await;
    views::run(
        &client(&emu, false),
        &emu.issue_trigger_id(),
        Some(&emu.issue_trigger_id()),
        emu.user_id("ada").as_deref(),
    )
    .await
    .unwrap();
    let state = emu.state();
    let views = state["views"].as_array().unwrap();
    assert_eq!(views.len(), 3, "{views:?}");
    assert!(views.iter().any(|v| v["title"]["text"] == "Sign up (2/2)"));
    assert!(views.iter().any(|v| v["type"] == "home"));
}

#[tokio::test]
async fn modal_server_example() {
    let body = modal_server::run_with_emulator().await.unwrap();
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["response_action"], "errors");
}

#[tokio::test]
async fn rate_limit_examples_meet_and_avoid_429s() {
    // Slack's shape at a faster pace: Tier 2 at 600/min.
    let emu = emulator(RateLimits::Custom {
        tiers: [60, 600, 3000, 6000],
        post_message_per_minute: 60,
    })
    .await;
    let manual = WebClient::builder()
        .token(emu.bot_token())
        .base_url(emu.base_url())
        .no_retries()
        .build()
        .unwrap();
    rate_limits::run(&manual, &client(&emu, true))
        .await
        .unwrap();
    let after_manual = emu.rate_limited_count();
    assert!(after_manual >= 1, "the manual loop met at least one 429");
}

#[tokio::test]
async fn api_call_example() {
    let emu = emulator(RateLimits::Off).await;
    let channel = general(&emu);
    api_call::run(&client(&emu, false), &channel).await.unwrap();
    let msgs = emu.messages(&channel);
    assert_eq!(msgs[0]["metadata"]["event_type"], "example");
    assert_eq!(texts(&emu, &channel), ["posted with api_call", "as a form"]);
}

#[tokio::test]
async fn custom_retry_example() {
    use slack_emulator::{Fault, FaultRule};
    let emu = emulator(RateLimits::Off).await;
    emu.inject(FaultRule::new(
        "conversations.list",
        Fault::ApiError {
            code: "team_added_to_org".into(),
            retry_after: None,
        },
    ));
    let c = WebClient::builder()
        .token(emu.bot_token())
        .base_url(emu.base_url())
        .retry_policy(custom_retry::policy())
        .build()
        .unwrap();
    custom_retry::run(&c).await.unwrap();
    // Without the custom handler the same fault ends the call.
    emu.inject(FaultRule::new(
        "conversations.list",
        Fault::ApiError {
            code: "team_added_to_org".into(),
            retry_after: None,
        },
    ));
    assert!(custom_retry::run(&client(&emu, false)).await.is_err());
}

#[tokio::test]
async fn async_client_example() {
    let emu = emulator(RateLimits::Off).await;
    let channel = general(&emu);
    async_client::run(&client(&emu, false), &channel)
        .await
        .unwrap();
    assert_eq!(texts(&emu, &channel).len(), 10);
}

#[tokio::test]
async fn quickstart() {
    let emu = emulator(RateLimits::SlackLike).await;
    let channel = general(&emu);
    quickstart::run(&client(&emu, true), &channel)
        .await
        .unwrap();
    let msgs = emu.messages(&channel);
    assert_eq!(msgs[0]["reply_count"], 1);
    assert_eq!(msgs[0]["reactions"][0]["name"], "tada");
    assert_eq!(emu.rate_limited_count(), 0);
}

#[tokio::test]
async fn conversations_join_and_leave() {
    // What the conversations guide does with a channel the bot is not in yet.
    use slack_sdk::api::conversations::{Join, Leave};
    let emu = emulator(RateLimits::Off).await;
    let c = client(&emu, false);
    let outside = emu.channel_id("outside").unwrap();
    c.call(Join::new(&outside)).await.unwrap();
    c.call(Leave::new(&outside)).await.unwrap();
}
