//! The emulator's clock: frozen, advanced and set from code and over `/_emulator/clock`;
//! `ts`, `created` fields and rate-limit windows follow it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{call, emulator, ok, post, send};
use http::Method;
use serde_json::{json, Value};
use slack_emulator::{Emulator, RateLimits};

async fn admin(emu: &Emulator, method: Method, path: &str, body: Value) -> (u16, Value) {
    let r = send(
        emu,
        method,
        path,
        &[("content-type", "application/json")],
        body.to_string(),
    )
    .await
    .unwrap();
    (r.status, r.json())
}

fn ts_secs(ts: &str) -> u64 {
    ts.split('.').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn frozen_clock_drives_message_timestamps() {
    let emu = emulator().await;
    let clock = emu.clock();
    clock.freeze();
    clock.set(1_800_000_000.0).unwrap();
    assert!(clock.is_frozen());
    assert!((clock.now() - 1_800_000_000.0).abs() < 1e-6);
    let general = emu.channel_id("general").unwrap();
    let a = post(&emu, &general, "one").await;
    assert_eq!(a, "1800000000.000000");
    let b = post(&emu, &general, "two").await;
    assert_eq!(b, "1800000000.000001", "frozen: bumped by a microsecond");
    clock.advance(Duration::from_secs(90)).unwrap();
    let c = post(&emu, &general, "three").await;
    assert_eq!(ts_secs(&c), 1_800_000_090);
    // Set back: ts still increase.
    clock.set(1_700_500_000.0).unwrap();
    let d = post(&emu, &general, "four").await;
    assert!(d > c, "{d} after {c}");
    // `created` fields follow the clock too.
    clock.set(1_850_000_000.0).unwrap();
    let created = ok(&emu, "conversations.create", json!({"name": "later"})).await;
    assert_eq!(created["channel"]["created"], 1_850_000_000_u64);
}

#[tokio::test]
async fn clock_over_http() {
    let emu = emulator().await;
    let (status, v) = admin(&emu, Method::GET, "/_emulator/clock", json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(v["ok"], true);
    assert_eq!(v["frozen"], false);
    let real = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    assert!((v["now"].as_f64().unwrap() - real).abs() < 60.0);

    let (_, v) = admin(
        &emu,
        Method::POST,
        "/_emulator/clock",
        json!({"freeze": true}),
    )
    .await;
    assert_eq!(v["frozen"], true);
    let (_, v) = admin(
        &emu,
        Method::POST,
        "/_emulator/clock",
        json!({"set": 1_900_000_000.5}),
    )
    .await;
    assert_eq!(v["now"], 1_900_000_000.5);
    let (_, v) = admin(
        &emu,
        Method::POST,
        "/_emulator/clock",
        json!({"advance": 10}),
    )
    .await;
    assert_eq!(v["now"], 1_900_000_010.5);
    let (_, again) = admin(&emu, Method::GET, "/_emulator/clock", json!({})).await;
    assert_eq!(again["now"], 1_900_000_010.5, "frozen: still");
    let (_, v) = admin(
        &emu,
        Method::POST,
        "/_emulator/clock",
        json!({"resume": true}),
    )
    .await;
    assert_eq!(v["frozen"], false);
    assert!(v["now"].as_f64().unwrap() >= 1_900_000_010.5);
    assert!(!emu.clock().is_frozen());
    for bad in [
        json!({"advance": -5}),
        json!({"set": "soon"}),
        json!({"jump": 1}),
    ] {
        let (status, v) = admin(&emu, Method::POST, "/_emulator/clock", bad.clone()).await;
        assert_eq!(
            (status, v["error"].as_str()),
            (400, Some("invalid_clock")),
            "{bad}"
        );
    }
}

#[tokio::test]
async fn rate_limit_windows_follow_the_clock() {
    let emu = Emulator::builder()
        .rate_limits(RateLimits::Custom {
            tiers: [1, 1, 1, 1],
            post_message_per_minute: 1,
        })
        .start()
        .await
        .unwrap();
    emu.clock().freeze();
    // Tier 2: one call a minute, burst 1.
    let first = call(&emu, "conversations.list", json!({})).await;
    assert_eq!(first["ok"], true);
    let r = common::call_with(&emu, &emu.bot_token(), "conversations.list", json!({})).await;
    assert_eq!(r.status, 429);
    // A minute on the emulator's clock, no sleeping: allowed again.
    emu.clock().advance(Duration::from_secs(60)).unwrap();
    let again = call(&emu, "conversations.list", json!({})).await;
    assert_eq!(again["ok"], true);
}
