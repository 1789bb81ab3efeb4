//! `/_emulator/*` over raw HTTP: state, info, stats, reset, tokens, messages as a user.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{call_with, emulator, ok, post, send};
use http::Method;
use serde_json::json;

#[tokio::test]
async fn state_matches_the_handle_and_shows_everything() {
    let emu = emulator().await;
    let general = emu.channel_id("general").unwrap();
    let ts = post(&emu, &general, "root").await;
    ok(
        &emu,
        "chat.postMessage",
        json!({"channel": general, "text": "reply", "thread_ts": ts}),
    )
    .await;
    ok(
        &emu,
        "reactions.add",
        json!({"channel": general, "timestamp": ts, "name": "eyes"}),
    )
    .await;
    ok(
        &emu,
        "chat.update",
        json!({"channel": general, "ts": ts, "text": "root (edited)"}),
    )
    .await;
    let r = send(&emu, Method::GET, "/_emulator/state", &[], "")
        .await
        .unwrap();
    assert_eq!(
        r.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    let state = r.json();
    assert_eq!(state, emu.state());
    assert_eq!(state["team"]["id"], emu.team_id().as_str());
    assert_eq!(state["users"].as_array().unwrap().len(), 4);
    assert_eq!(state["channels"].as_array().unwrap().len(), 6);
    let gen = state["channels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == general.as_str())
        .unwrap();
    assert_eq!(gen["members"].as_array().unwrap().len(), 4);
    let root = &gen["messages"][0];
    assert_eq!(root["text"], "root (edited)");
    assert_eq!(root["reply_count"], 1);
    assert_eq!(root["reactions"][0]["name"], "eyes");
    assert!(root["edited"]["ts"].is_string());
    assert_eq!(gen["messages"][1]["thread_ts"], ts.as_str());
}

#[tokio::test]
async fn info_stats_and_reset() {
    let emu = emulator().await;
    let info = send(&emu, Method::GET, "/_emulator/info", &[], "")
        .await
        .unwrap()
        .json();
    assert_eq!(info["base_url"], emu.base_url().as_str());
    assert_eq!(info["bot_token"], emu.bot_token().as_str());
    assert_eq!(info["user_token"], emu.user_token().as_str());
    assert_eq!(
        info["channels"]["general"],
        emu.channel_id("general").unwrap().as_str()
    );
    assert_eq!(info["users"]["ada"], emu.user_id("ada").unwrap().as_str());
    post(&emu, "general", "before reset").await;
    ok(&emu, "conversations.create", json!({"name": "temp"})).await;
    emu.inject(slack_emulator::FaultRule::new(
        "users.list",
        slack_emulator::Fault::HtmlErrorPage,
    ));
    let stats = send(&emu, Method::GET, "/_emulator/stats", &[], "")
        .await
        .unwrap()
        .json();
    assert!(stats["requests"].as_u64().unwrap() >= 3);
    assert_eq!(stats["rtm_connections"], 0);
    let r = send(&emu, Method::POST, "/_emulator/reset", &[], "")
        .await
        .unwrap();
    assert_eq!(r.json()["ok"], true);
    assert!(emu.messages("general").is_empty());
    assert!(emu.channel_id("temp").is_none());
    assert!(emu.faults().active().is_empty());
    // Same ids and tokens after a reset.
    assert_eq!(info["bot_token"], emu.bot_token().as_str());
    assert_eq!(
        common::call(&emu, "users.list", json!({})).await["ok"],
        true
    );
    emu.reset();
    assert!(emu.messages("general").is_empty());
}

#[tokio::test]
async fn tokens_and_messages_as_users() {
    let emu = emulator().await;
    let r = send(
        &emu,
        Method::POST,
        "/_emulator/tokens",
        &[("content-type", "application/json")],
        r#"{"token":"xoxp-grace-1","scopes":["users:read"],"user":"grace"}"#,
    )
    .await
    .unwrap();
    assert_eq!(r.json()["ok"], true);
    let me = call_with(&emu, "xoxp-grace-1", "auth.test", json!({}))
        .await
        .json();
    assert_eq!(me["user"], "grace");
    let denied = call_with(
        &emu,
        "xoxp-grace-1",
        "chat.postMessage",
        json!({"channel": "general", "text": "x"}),
    )
    .await;
    assert_eq!(denied.json()["error"], "missing_scope");
    let r = send(
        &emu,
        Method::POST,
        "/_emulator/tokens",
        &[],
        r#"{"token":"t","user":"nobody"}"#,
    )
    .await
    .unwrap();
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (400, json!("user_not_found"))
    );
    let r = send(
        &emu,
        Method::POST,
        "/_emulator/tokens",
        &[],
        r#"{"scopes":[]}"#,
    )
    .await
    .unwrap();
    assert_eq!(r.status, 400);
    // A human posts, as from Slack's UI.
    let r = send(
        &emu,
        Method::POST,
        "/_emulator/messages",
        &[],
        r#"{"user":"ada","channel":"general","text":"hi bot"}"#,
    )
    .await
    .unwrap();
    let v = r.json();
    assert_eq!(v["ok"], true, "{v}");
    let msgs = emu.messages("general");
    assert_eq!(msgs[0]["user"], emu.user_id("ada").unwrap().as_str());
    assert_eq!(msgs[0]["ts"], v["ts"]);
    assert!(msgs[0].get("bot_id").is_none());
    let ts = emu.post_as("grace", "general", "me too").unwrap();
    assert_eq!(emu.messages("general")[1]["ts"], ts.as_str());
    assert_eq!(
        emu.post_as("nobody", "general", "x"),
        Err("user_not_found".to_owned())
    );
    assert_eq!(
        emu.post_as("ada", "nowhere", "x"),
        Err("channel_not_found".to_owned())
    );
    let r = send(
        &emu,
        Method::POST,
        "/_emulator/messages",
        &[],
        r#"{"user":"ada"}"#,
    )
    .await
    .unwrap();
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn unknown_admin_paths_and_bad_json() {
    let emu = emulator().await;
    let r = send(&emu, Method::GET, "/_emulator/nope", &[], "")
        .await
        .unwrap();
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (404, json!("unknown_admin_endpoint"))
    );
    let r = send(&emu, Method::POST, "/_emulator/faults", &[], "{")
        .await
        .unwrap();
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (400, json!("invalid_json"))
    );
    let r = send(&emu, Method::POST, "/_emulator/interaction", &[], "{}")
        .await
        .unwrap();
    assert_eq!(r.json()["ok"], false, "no interaction URL configured");
}
