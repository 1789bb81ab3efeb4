//! `admin.*` over the emulated org: who may call, and what the methods change in the
//! workspace the bot sees (channels, events).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{call_with, emulator, next_event, rtm_connect};
use serde_json::json;

#[tokio::test]
async fn only_org_admins_call_admin_methods() {
    let emu = emulator().await;
    emu.add_token("xoxp-test-grace", Some("grace"), &["admin.teams:read"]);
    let v = call_with(&emu, "xoxp-test-grace", "admin.teams.list", json!({}))
        .await
        .json();
    assert_eq!(v["error"], "not_an_admin");
    let v = call_with(&emu, &emu.bot_token(), "admin.teams.list", json!({}))
        .await
        .json();
    assert_eq!(v["error"], "not_allowed_token_type");
    let v = call_with(&emu, &emu.user_token(), "admin.teams.list", json!({}))
        .await
        .json();
    assert_eq!(v["teams"].as_array().map(Vec::len), Some(2), "{v}");
    // Required arguments are checked before "not implemented".
    let v = call_with(
        &emu,
        &emu.user_token(),
        "admin.analytics.getFile",
        json!({}),
    )
    .await
    .json();
    assert_eq!(v["error"], "invalid_arguments");
    let v = call_with(
        &emu,
        &emu.user_token(),
        "admin.analytics.getFile",
        json!({"type": "member"}),
    )
    .await
    .json();
    assert_eq!(v["error"], "emulator_not_implemented");
}

#[tokio::test]
async fn admin_channel_changes_reach_the_workspace_and_its_events() {
    let emu = emulator().await;
    let admin = emu.user_token();
    let mut ws = rtm_connect(&emu, &emu.bot_token()).await;
    let c = call_with(
        &emu,
        &admin,
        "admin.conversations.create",
        json!({"name": "launch", "is_private": false, "team_id": emu.team_id()}),
    )
    .await
    .json();
    let id = c["channel_id"].as_str().unwrap().to_owned();
    let ev = next_event(&mut ws, &[]).await;
    assert_eq!(
        (ev["type"].clone(), ev["channel"]["id"].clone()),
        (json!("channel_created"), json!(id))
    );
    // The bot sees it like any channel.
    let info = common::ok(&emu, "conversations.info", json!({"channel": id})).await;
    assert_eq!(info["channel"]["name"], "launch");
    let bot = emu.bot_user_id();
    call_with(
        &emu,
        &admin,
        "admin.conversations.invite",
        json!({"channel_id": id, "user_ids": bot}),
    )
    .await;
    let ev = next_event(&mut ws, &[]).await;
    assert_eq!(
        (ev["type"].clone(), ev["user"].clone()),
        (json!("member_joined_channel"), json!(bot))
    );
    call_with(
        &emu,
        &admin,
        "admin.conversations.rename",
        json!({"channel_id": id, "name": "liftoff"}),
    )
    .await;
    let ev = next_event(&mut ws, &[]).await;
    assert_eq!(ev["type"], "channel_rename");
    call_with(
        &emu,
        &admin,
        "admin.conversations.archive",
        json!({"channel_id": id}),
    )
    .await;
    let ev = next_event(&mut ws, &[]).await;
    assert_eq!(ev["type"], "channel_archive");
    let posted = common::call(
        &emu,
        "chat.postMessage",
        json!({"channel": id, "text": "x"}),
    )
    .await;
    assert_eq!(posted["error"], "is_archived");
    // A channel of the second workspace is not in the bot's workspace.
    let teams = call_with(&emu, &admin, "admin.teams.list", json!({}))
        .await
        .json();
    let second = teams["teams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] != emu.team_id().as_str())
        .unwrap()["id"]
        .clone();
    let c2 = call_with(
        &emu,
        &admin,
        "admin.conversations.create",
        json!({"name": "elsewhere", "is_private": true, "team_id": second}),
    )
    .await
    .json();
    let info = common::call(
        &emu,
        "conversations.info",
        json!({"channel": c2["channel_id"]}),
    )
    .await;
    assert_eq!(info["error"], "channel_not_found");
    let found = call_with(
        &emu,
        &admin,
        "admin.conversations.search",
        json!({"team_ids": second, "search_channel_types": "private"}),
    )
    .await
    .json();
    assert_eq!(found["conversations"][0]["name"], "elsewhere", "{found}");
    assert_eq!(found["conversations"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn invite_requests_and_app_requests_resolve_once() {
    let emu = emulator().await;
    let admin = emu.user_token();
    let list = call_with(&emu, &admin, "admin.inviteRequests.list", json!({}))
        .await
        .json();
    assert_eq!(
        list["invite_requests"].as_array().map(Vec::len),
        Some(2),
        "{list}"
    );
    let id = list["invite_requests"][0]["id"].clone();
    call_with(
        &emu,
        &admin,
        "admin.inviteRequests.deny",
        json!({"invite_request_id": id}),
    )
    .await;
    let again = call_with(
        &emu,
        &admin,
        "admin.inviteRequests.approve",
        json!({"invite_request_id": id}),
    )
    .await
    .json();
    assert_eq!(again["error"], "already_processed");
    let denied = call_with(&emu, &admin, "admin.inviteRequests.denied.list", json!({}))
        .await
        .json();
    assert_eq!(denied["denied_requests"][0]["invite_request"]["id"], id);
    let pending = call_with(&emu, &admin, "admin.inviteRequests.list", json!({}))
        .await
        .json();
    assert_eq!(pending["invite_requests"].as_array().map(Vec::len), Some(1));
    let reqs = call_with(&emu, &admin, "admin.apps.requests.list", json!({}))
        .await
        .json();
    let rid = reqs["app_requests"][0]["id"].clone();
    call_with(
        &emu,
        &admin,
        "admin.apps.restrict",
        json!({"request_id": rid}),
    )
    .await;
    let restricted = call_with(&emu, &admin, "admin.apps.restricted.list", json!({}))
        .await
        .json();
    assert_eq!(
        restricted["restricted_apps"].as_array().map(Vec::len),
        Some(1),
        "{restricted}"
    );
    let approved = call_with(&emu, &admin, "admin.apps.approved.list", json!({}))
        .await
        .json();
    assert_eq!(approved["approved_apps"], json!([]));
    let reqs = call_with(&emu, &admin, "admin.apps.requests.list", json!({}))
        .await
        .json();
    assert_eq!(reqs["app_requests"], json!([]));
}
