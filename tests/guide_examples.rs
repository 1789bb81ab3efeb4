//! Every example under `examples/` (the Python Web Client guide, ported), run against the
//! emulator, with the workspace checked afterwards.
// Each example includes its own `support` module, as it does when built as an example.
#![allow(clippy::unwrap_used, clippy::duplicate_mod, dead_code)]

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

async fn emulator(limits: RateLimits) -> Emulator {
    Emulator::builder()
        .rate_limits(limits)
        .start()
        .await
        .unwrap()
}

/// Each example carries its own copy of `support`; build the session with that one.
macro_rules! session {
    ($example:ident, $limits:expr) => {
        $example::support::emulator_session(emulator($limits).await)
    };
}

fn texts(emu: &Emulator, channel: &str) -> Vec<String> {
    emu.messages(channel)
        .iter()
        .map(|m| m["text"].as_str().unwrap_or("").to_owned())
        .collect()
}

#[tokio::test]
async fn messaging_examples() {
    let s = session!(messaging, RateLimits::Off);
    messaging::run(&s).await.unwrap();
    let emu = s.emulator.as_ref().unwrap();
    let msgs = emu.messages(&s.channel);
    assert_eq!(msgs[0]["text"], "Hello world (edited)");
    assert!(
        msgs[0].get("reactions").is_none(),
        "reaction added then removed"
    );
    assert_eq!(msgs[0]["reply_count"], 2);
    assert!(msgs.iter().any(|m| m["blocks"][1]["type"] == "divider"));
    assert!(msgs.iter().any(|m| m["subtype"] == "thread_broadcast"));
    assert!(
        !texts(s.emulator.as_ref().unwrap(), &s.channel).contains(&"Oops".to_owned()),
        "deleted"
    );
}

#[tokio::test]
async fn files_examples() {
    let s = session!(files, RateLimits::Off);
    files::run(&s).await.unwrap();
    let msgs = s.emulator.as_ref().unwrap().messages(&s.channel);
    let shares: Vec<&Value> = msgs
        .iter()
        .filter(|m| m["subtype"] == "file_share")
        .collect();
    assert_eq!(shares.len(), 2);
    assert_eq!(shares[0]["files"].as_array().unwrap().len(), 1);
    assert_eq!(shares[1]["files"].as_array().unwrap().len(), 2);
    assert!(shares[1]["thread_ts"].is_string());
    let state = s.emulator.as_ref().unwrap().state();
    assert_eq!(state["remote_files"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn conversations_examples() {
    let s = session!(conversations, RateLimits::Off);
    conversations::run(&s).await.unwrap();
    let state = s.emulator.as_ref().unwrap().state();
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
    let s = session!(views, RateLimits::Off);
    views::run(&s).await.unwrap();
    let state = s.emulator.as_ref().unwrap().state();
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
    let s = session!(
        rate_limits,
        RateLimits::Custom {
            tiers: [60, 600, 3000, 6000],
            post_message_per_minute: 60
        }
    );
    rate_limits::run(&s).await.unwrap();
    assert!(
        s.emulator.as_ref().unwrap().rate_limited_count() >= 1,
        "the manual loop met at least one 429"
    );
}

#[tokio::test]
async fn api_call_example() {
    let s = session!(api_call, RateLimits::Off);
    api_call::run(&s).await.unwrap();
    let msgs = s.emulator.as_ref().unwrap().messages(&s.channel);
    assert_eq!(msgs[0]["metadata"]["event_type"], "example");
    assert_eq!(
        texts(s.emulator.as_ref().unwrap(), &s.channel),
        ["posted with api_call", "as a form"]
    );
}

#[tokio::test]
async fn custom_retry_example() {
    let s = session!(custom_retry, RateLimits::Off);
    custom_retry::run(&s).await.unwrap();
}

#[tokio::test]
async fn async_client_example() {
    let s = session!(async_client, RateLimits::Off);
    async_client::run(&s).await.unwrap();
    assert_eq!(texts(s.emulator.as_ref().unwrap(), &s.channel).len(), 10);
}

#[tokio::test]
async fn quickstart() {
    let s = session!(quickstart, RateLimits::SlackLike);
    quickstart::run(&s).await.unwrap();
    let emu = s.emulator.as_ref().unwrap();
    let msgs = emu.messages(&s.channel);
    assert_eq!(msgs[0]["reply_count"], 1);
    assert_eq!(msgs[0]["reactions"][0]["name"], "tada");
    assert_eq!(emu.rate_limited_count(), 0);
}
