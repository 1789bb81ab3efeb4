//! Rate limits over raw HTTP: 429 with `Retry-After` under Slack-like limits, none when off,
//! per channel for `chat.postMessage`, custom rates, changes while running.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{call_with, send};
use http::Method;
use serde_json::json;
use slack_emulator::{Emulator, RateLimits};

#[tokio::test]
async fn slack_like_limits_a_tier_two_method() {
    let emu = Emulator::builder()
        .rate_limits(RateLimits::SlackLike)
        .start()
        .await
        .unwrap();
    let token = emu.bot_token();
    let mut statuses = Vec::new();
    let mut limited = None;
    for _ in 0..30 {
        let r = call_with(&emu, &token, "conversations.list", json!({})).await;
        statuses.push(r.status);
        if r.status == 429 && limited.is_none() {
            limited = Some(r);
        }
    }
    let ok = statuses.iter().filter(|s| **s == 200).count();
    assert!((5..30).contains(&ok), "{statuses:?}");
    assert_eq!(&statuses[..5], &[200; 5]);
    let r = limited.expect("a 429");
    assert_eq!(r.json(), json!({"ok": false, "error": "ratelimited"}));
    let retry_after: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=3).contains(&retry_after), "{retry_after}");
    assert_eq!(emu.rate_limited_count(), (30 - ok) as u64);
    // Another method and another token are not affected.
    assert_eq!(
        call_with(&emu, &token, "users.list", json!({}))
            .await
            .status,
        200
    );
    let other = emu.user_token();
    assert_eq!(
        call_with(&emu, &other, "conversations.list", json!({}))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn off_never_limits() {
    let emu = common::emulator().await;
    assert_eq!(emu.rate_limits(), RateLimits::Off);
    let token = emu.bot_token();
    for _ in 0..60 {
        let r = call_with(&emu, &token, "conversations.list", json!({})).await;
        assert_eq!(r.status, 200);
    }
    assert_eq!(emu.rate_limited_count(), 0);
}

#[tokio::test]
async fn post_message_is_limited_per_channel() {
    let emu = Emulator::builder()
        .rate_limits(RateLimits::SlackLike)
        .start()
        .await
        .unwrap();
    let general = emu.channel_id("general").unwrap();
    let random = emu.channel_id("random").unwrap();
    let token = emu.bot_token();
    let mut statuses = Vec::new();
    for i in 0..10 {
        let r = call_with(
            &emu,
            &token,
            "chat.postMessage",
            json!({"channel": general, "text": format!("{i}")}),
        )
        .await;
        statuses.push(r.status);
    }
    assert_eq!(&statuses[..5], &[200; 5], "a burst of 5");
    assert!(statuses.contains(&429), "{statuses:?}");
    let stored = emu.messages(&general).len();
    assert_eq!(
        stored,
        statuses.iter().filter(|s| **s == 200).count(),
        "refused posts are not stored"
    );
    // Another channel has its own allowance.
    let r = call_with(
        &emu,
        &token,
        "chat.postMessage",
        json!({"channel": random, "text": "x"}),
    )
    .await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn custom_rates_and_changes_while_running() {
    let emu = Emulator::builder()
        .rate_limits(RateLimits::Custom {
            tiers: [1, 2, 3, 4],
            post_message_per_minute: 1,
        })
        .start()
        .await
        .unwrap();
    let token = emu.bot_token();
    let statuses: Vec<u16> = {
        let mut v = Vec::new();
        for _ in 0..3 {
            v.push(
                call_with(&emu, &token, "conversations.list", json!({}))
                    .await
                    .status,
            );
        }
        v
    };
    assert_eq!(statuses, [200, 200, 429]);
    let r = call_with(&emu, &token, "conversations.list", json!({})).await;
    let retry: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((29..=30).contains(&retry), "{retry}");
    // Off from code.
    emu.set_rate_limits(RateLimits::Off);
    assert_eq!(
        call_with(&emu, &token, "conversations.list", json!({}))
            .await
            .status,
        200
    );
    // Slack-like over the admin endpoint, then read back.
    let r = send(
        &emu,
        Method::POST,
        "/_emulator/rate_limits",
        &[("content-type", "application/json")],
        r#"{"mode":"custom","tiers":[1,1,1,1],"post_message_per_minute":1}"#,
    )
    .await
    .unwrap();
    assert_eq!(r.json()["ok"], true);
    assert_eq!(
        call_with(&emu, &token, "users.list", json!({}))
            .await
            .status,
        200
    );
    assert_eq!(
        call_with(&emu, &token, "users.list", json!({}))
            .await
            .status,
        429
    );
    let r = send(&emu, Method::GET, "/_emulator/rate_limits", &[], "")
        .await
        .unwrap();
    assert_eq!(r.json()["rate_limits"]["mode"], "custom");
    let r = send(
        &emu,
        Method::POST,
        "/_emulator/rate_limits",
        &[],
        r#"{"mode":"warp"}"#,
    )
    .await
    .unwrap();
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (400, json!("invalid_rate_limits"))
    );
}
