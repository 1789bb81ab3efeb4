//! Trigger ids: issued with commands, interactions and on request; single use; expired
//! after 3 s on the emulator's clock.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{emulator, fail, ok, send};
use http::Method;
use serde_json::json;

fn modal() -> serde_json::Value {
    json!({"type": "modal", "title": {"type": "plain_text", "text": "Hi"}, "blocks": []})
}

#[tokio::test]
async fn trigger_ids_are_single_use_and_expire() {
    let emu = emulator().await;
    emu.clock().freeze();
    let t = emu.issue_trigger_id();
    assert!(emu.trigger_ids().contains(&t));
    ok(
        &emu,
        "views.open",
        json!({"trigger_id": t, "view": modal()}),
    )
    .await;
    assert_eq!(
        fail(
            &emu,
            "views.open",
            json!({"trigger_id": t, "view": modal()})
        )
        .await,
        "invalid_trigger_id",
        "used once"
    );
    assert_eq!(
        fail(
            &emu,
            "views.push",
            json!({"trigger_id": "12345.98765.abcd", "view": modal()})
        )
        .await,
        "invalid_trigger_id",
        "never issued"
    );
    // Three seconds on the emulator's clock is fine; past that, expired.
    let fresh = emu.issue_trigger_id();
    emu.clock().advance(Duration::from_secs(3)).unwrap();
    ok(
        &emu,
        "views.push",
        json!({"trigger_id": fresh, "view": modal()}),
    )
    .await;
    let old = emu.issue_trigger_id();
    emu.clock().advance(Duration::from_millis(3_001)).unwrap();
    assert_eq!(
        fail(
            &emu,
            "views.open",
            json!({"trigger_id": old, "view": modal()})
        )
        .await,
        "expired_trigger_id"
    );
    // An invalid view does not use the trigger id up.
    let kept = emu.issue_trigger_id();
    assert_eq!(
        fail(
            &emu,
            "views.open",
            json!({"trigger_id": kept, "view": {"type": "popup"}})
        )
        .await,
        "invalid_arguments"
    );
    ok(
        &emu,
        "views.open",
        json!({"trigger_id": kept, "view": modal()}),
    )
    .await;
}

#[tokio::test]
async fn trigger_ids_over_http_and_from_commands() {
    let emu = emulator().await;
    let r = send(&emu, Method::POST, "/_emulator/trigger_id", &[], "")
        .await
        .unwrap();
    assert_eq!(r.status, 200);
    let t = r.json()["trigger_id"].as_str().unwrap().to_owned();
    ok(
        &emu,
        "views.open",
        json!({"trigger_id": t, "view": modal()}),
    )
    .await;
    // A slash command carries a trigger id views.open takes.
    emu.socket_mode()
        .slash_command("/deploy", "api", "ada")
        .unwrap();
    let from_command = emu.trigger_ids().last().cloned().unwrap();
    assert_ne!(from_command, t);
    ok(
        &emu,
        "views.open",
        json!({"trigger_id": from_command, "view": modal()}),
    )
    .await;
}
