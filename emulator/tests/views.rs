//! `views.*` over raw HTTP: ids, hashes and `hash_conflict`, triggers, Home tabs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{emulator, fail, ok};
use serde_json::json;

fn modal(title: &str) -> serde_json::Value {
    json!({
        "type": "modal", "callback_id": "signup",
        "title": {"type": "plain_text", "text": title},
        "blocks": [{"type": "input", "block_id": "email", "label": {"type": "plain_text", "text": "Email"},
                    "element": {"type": "plain_text_input", "action_id": "input"}}],
    })
}

#[tokio::test]
async fn open_update_with_hash_and_push() {
    let emu = emulator().await;
    let opened = ok(
        &emu,
        "views.open",
        json!({"trigger_id": emu.issue_trigger_id(), "view": modal("Sign up")}),
    )
    .await;
    let view = &opened["view"];
    let id = view["id"].as_str().unwrap().to_owned();
    let hash = view["hash"].as_str().unwrap().to_owned();
    assert!(id.starts_with('V'));
    assert_eq!(view["callback_id"], "signup");
    assert_eq!(view["team_id"], emu.team_id().as_str());
    assert_eq!(view["bot_id"], emu.bot_id().as_str());
    assert_eq!(view["root_view_id"], id.as_str());
    assert_eq!(view["state"], json!({"values": {}}));
    // Update with the current hash: a new hash.
    let updated = ok(
        &emu,
        "views.update",
        json!({"view_id": id, "hash": hash, "view": modal("Step 2")}),
    )
    .await;
    assert_eq!(updated["view"]["id"], id.as_str());
    assert_ne!(updated["view"]["hash"], hash.as_str());
    assert_eq!(updated["view"]["title"]["text"], "Step 2");
    // The old hash is stale now.
    assert_eq!(
        fail(
            &emu,
            "views.update",
            json!({"view_id": id, "hash": hash, "view": modal("Stale")})
        )
        .await,
        "hash_conflict"
    );
    // Without a hash, last write wins.
    ok(
        &emu,
        "views.update",
        json!({"view_id": id, "view": modal("Forced")}),
    )
    .await;
    assert_eq!(
        fail(
            &emu,
            "views.update",
            json!({"view_id": "V0NOPE", "view": modal("x")})
        )
        .await,
        "not_found"
    );
    assert_eq!(
        fail(&emu, "views.update", json!({"view": modal("x")})).await,
        "invalid_arguments"
    );
    // By external id.
    let mut ext = modal("External");
    ext["external_id"] = json!("ext-view");
    ok(
        &emu,
        "views.open",
        json!({"trigger_id": emu.issue_trigger_id(), "view": ext}),
    )
    .await;
    let by_ext = ok(
        &emu,
        "views.update",
        json!({"external_id": "ext-view", "view": modal("External 2")}),
    )
    .await;
    assert_eq!(by_ext["view"]["title"]["text"], "External 2");
    // Push stacks on the latest modal.
    let pushed = ok(
        &emu,
        "views.push",
        json!({"trigger_id": emu.issue_trigger_id(), "view": modal("Pushed")}),
    )
    .await;
    assert_ne!(pushed["view"]["id"], id.as_str());
    assert!(pushed["view"]["previous_view_id"].is_string());
    // Stored views are in the state.
    let state = emu.state();
    assert_eq!(state["views"].as_array().unwrap().len(), 3);
    let stored = state["views"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == id.as_str())
        .unwrap();
    assert_eq!(stored["title"]["text"], "Forced");
}

#[tokio::test]
async fn triggers_and_view_checks() {
    let emu = emulator().await;
    assert_eq!(
        fail(&emu, "views.open", json!({"view": modal("x")})).await,
        "invalid_trigger_id"
    );
    assert_eq!(
        fail(
            &emu,
            "views.open",
            json!({"trigger_id": "", "view": modal("x")})
        )
        .await,
        "invalid_trigger_id"
    );
    assert_eq!(
        fail(
            &emu,
            "views.open",
            json!({"trigger_id": "t", "view": {"type": "popup"}})
        )
        .await,
        "invalid_arguments"
    );
    assert_eq!(
        fail(
            &emu,
            "views.open",
            json!({"trigger_id": "t", "view": {"type": "modal", "blocks": []}})
        )
        .await,
        "invalid_arguments"
    );
    assert_eq!(
        fail(
            &emu,
            "views.open",
            json!({"trigger_id": "t", "view": "{not json"})
        )
        .await,
        "invalid_arguments"
    );
    let blocks: Vec<_> = (0..101).map(|_| json!({"type": "divider"})).collect();
    let mut big = modal("big");
    big["blocks"] = json!(blocks);
    let v = common::call(&emu, "views.open", json!({"trigger_id": "t", "view": big})).await;
    assert_eq!(v["error"], "invalid_arguments");
    assert!(v["response_metadata"]["messages"][0]
        .as_str()
        .unwrap()
        .contains("100"));
    // The view as a JSON string in a form body works.
    let r = common::form(
        &emu,
        "views.open",
        &[
            ("token", &emu.bot_token()),
            ("trigger_id", &emu.issue_trigger_id()),
            ("view", &modal("form").to_string()),
        ],
    )
    .await;
    assert_eq!(r.json()["ok"], true);
    assert!(emu.state()["views"].as_array().unwrap().len() == 1);
}

#[tokio::test]
async fn publish_home_tabs_with_hash() {
    let emu = emulator().await;
    let ada = emu.user_id("ada").unwrap();
    let home = json!({"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*Hi*"}}]});
    let first = ok(&emu, "views.publish", json!({"user_id": ada, "view": home})).await;
    let id = first["view"]["id"].as_str().unwrap().to_owned();
    let hash = first["view"]["hash"].as_str().unwrap().to_owned();
    let second = ok(
        &emu,
        "views.publish",
        json!({"user_id": ada, "view": home, "hash": hash}),
    )
    .await;
    assert_eq!(second["view"]["id"], id.as_str(), "one Home tab per user");
    assert_eq!(
        fail(
            &emu,
            "views.publish",
            json!({"user_id": ada, "view": home, "hash": hash})
        )
        .await,
        "hash_conflict"
    );
    assert_eq!(
        fail(
            &emu,
            "views.publish",
            json!({"user_id": "U0NOPE", "view": home})
        )
        .await,
        "user_not_found"
    );
    assert_eq!(
        fail(
            &emu,
            "views.publish",
            json!({"user_id": ada, "view": modal("not home")})
        )
        .await,
        "invalid_arguments"
    );
    let grace = emu.user_id("grace").unwrap();
    let other = ok(
        &emu,
        "views.publish",
        json!({"user_id": grace, "view": home}),
    )
    .await;
    assert_ne!(other["view"]["id"], id.as_str());
}
