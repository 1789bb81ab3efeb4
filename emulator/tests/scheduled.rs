//! Things due at a time on the emulator's clock: scheduled messages, reminders, snoozes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{call_with, emulator, fail, ok};
use serde_json::{json, Value};
use slack_emulator::Emulator;

const T0: f64 = 1_800_000_000.0;

async fn frozen() -> Emulator {
    let emu = emulator().await;
    emu.clock().freeze();
    emu.clock().set(T0).unwrap();
    emu
}

async fn as_user(emu: &Emulator, method: &str, args: Value) -> Value {
    call_with(emu, &emu.user_token(), method, args).await.json()
}

#[tokio::test]
async fn scheduled_messages_appear_at_their_time_with_their_event() {
    let emu = frozen().await;
    let general = emu.channel_id("general").unwrap();
    let mut rtm = common::rtm_connect(&emu, &emu.user_token()).await;
    let at = T0 as i64 + 3_600;
    let s = ok(
        &emu,
        "chat.scheduleMessage",
        json!({"channel": general, "post_at": at, "text": "stand-up in 5"}),
    )
    .await;
    let id = s["scheduled_message_id"].as_str().unwrap().to_owned();
    assert!(id.starts_with('Q'));
    assert_eq!(s["post_at"], at);
    assert_eq!(s["channel"], general.as_str());
    assert_eq!(s["message"]["text"], "stand-up in 5");
    assert_eq!(s["message"]["bot_id"], emu.bot_id().as_str());
    let later = ok(
        &emu,
        "chat.scheduleMessage",
        json!({"channel": general, "post_at": (at + 60).to_string(), "text": "later"}),
    )
    .await;
    let listed = ok(
        &emu,
        "chat.scheduledMessages.list",
        json!({"channel": general}),
    )
    .await;
    let list = listed["scheduled_messages"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["id"], id.as_str());
    assert_eq!(list[0]["channel_id"], general.as_str());
    assert_eq!(list[0]["date_created"], T0 as i64);
    // Not yet.
    emu.clock().advance(Duration::from_secs(3_599)).unwrap();
    assert!(emu.messages(&general).is_empty());
    // Due: posted before advance returns, with its message event.
    emu.clock().advance(Duration::from_secs(1)).unwrap();
    let msgs = emu.messages(&general);
    assert_eq!(msgs.len(), 1);
    assert_eq!(msgs[0]["text"], "stand-up in 5");
    assert_eq!(msgs[0]["user"], emu.bot_user_id().as_str());
    assert!(msgs[0]["ts"].as_str().unwrap().starts_with(&at.to_string()));
    let event = common::next_event(&mut rtm, &["hello", "reconnect_url"]).await;
    assert_eq!(event["type"], "message");
    assert_eq!(event["text"], "stand-up in 5");
    // Posted ones leave the list; a deleted one never posts.
    let listed = ok(&emu, "chat.scheduledMessages.list", json!({})).await;
    assert_eq!(listed["scheduled_messages"].as_array().unwrap().len(), 1);
    let later_id = later["scheduled_message_id"].as_str().unwrap();
    ok(
        &emu,
        "chat.deleteScheduledMessage",
        json!({"channel": general, "scheduled_message_id": later_id}),
    )
    .await;
    assert_eq!(
        fail(
            &emu,
            "chat.deleteScheduledMessage",
            json!({"channel": general, "scheduled_message_id": later_id})
        )
        .await,
        "invalid_scheduled_message_id"
    );
    assert_eq!(
        fail(
            &emu,
            "chat.deleteScheduledMessage",
            json!({"channel": general, "scheduled_message_id": id})
        )
        .await,
        "invalid_scheduled_message_id",
        "already sent"
    );
    emu.clock().advance(Duration::from_secs(600)).unwrap();
    assert_eq!(emu.messages(&general).len(), 1);
}

#[tokio::test]
async fn schedule_checks_like_slack() {
    let emu = frozen().await;
    let general = emu.channel_id("general").unwrap();
    let now = T0 as i64;
    let cases = [
        (
            json!({"channel": general, "post_at": now, "text": "x"}),
            "time_in_past",
        ),
        (
            json!({"channel": general, "post_at": now - 10, "text": "x"}),
            "time_in_past",
        ),
        (
            json!({"channel": general, "post_at": now + 121 * 86_400, "text": "x"}),
            "time_too_far",
        ),
        (
            json!({"channel": general, "post_at": "soon", "text": "x"}),
            "invalid_arguments",
        ),
        (json!({"channel": general, "post_at": now + 60}), "no_text"),
        (
            json!({"channel": "C0NOPE", "post_at": now + 60, "text": "x"}),
            "channel_not_found",
        ),
        (
            json!({"channel": emu.channel_id("outside").unwrap(), "post_at": now + 60, "text": "x"}),
            "not_in_channel",
        ),
    ];
    for (args, code) in cases {
        assert_eq!(
            fail(&emu, "chat.scheduleMessage", args.clone()).await,
            code,
            "{args}"
        );
    }
    // 120 days is still fine.
    ok(
        &emu,
        "chat.scheduleMessage",
        json!({"channel": general, "post_at": now + 120 * 86_400, "text": "x"}),
    )
    .await;
}

#[tokio::test]
async fn scheduled_messages_post_in_real_time_too() {
    // The clock runs: the background task posts when the time comes, no advance needed.
    let emu = emulator().await;
    let general = emu.channel_id("general").unwrap();
    let at = emu.clock().now().floor() as i64 + 1;
    ok(
        &emu,
        "chat.scheduleMessage",
        json!({"channel": general, "post_at": at, "text": "on time"}),
    )
    .await;
    let deadline = tokio::time::Instant::now() + common::WAIT;
    while emu.messages(&general).is_empty() {
        assert!(tokio::time::Instant::now() < deadline, "never posted");
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(emu.messages(&general)[0]["text"], "on time");
}

#[tokio::test]
async fn reminders_are_delivered_by_slackbot() {
    let emu = frozen().await;
    let ada = emu.user_id("ada").unwrap();
    let added = as_user(
        &emu,
        "reminders.add",
        json!({"text": "water the plants", "time": "in 5 minutes"}),
    )
    .await;
    assert_eq!(added["ok"], true, "{added}");
    let r = &added["reminder"];
    let id = r["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("Rm"));
    assert_eq!(r["time"], T0 as i64 + 300);
    assert_eq!(r["user"], ada.as_str());
    assert_eq!(r["complete_ts"], 0);
    let info = as_user(&emu, "reminders.info", json!({"reminder": id})).await;
    assert_eq!(info["reminder"]["text"], "water the plants");
    let by_unix = as_user(
        &emu,
        "reminders.add",
        json!({"text": "later", "time": T0 as i64 + 7_200}),
    )
    .await;
    assert_eq!(by_unix["reminder"]["time"], T0 as i64 + 7_200);
    let listed = as_user(&emu, "reminders.list", json!({})).await;
    assert_eq!(listed["reminders"].as_array().unwrap().len(), 2);

    emu.clock().advance(Duration::from_secs(300)).unwrap();
    let state = emu.state();
    let dm = state["channels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["is_im"] == true
                && c["members"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|m| m == "USLACKBOT")
                && c["members"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|m| m == ada.as_str())
        })
        .expect("a DM with Slackbot");
    let msgs = dm["messages"].as_array().unwrap();
    assert_eq!(msgs.len(), 1);
    assert_eq!(msgs[0]["user"], "USLACKBOT");
    assert_eq!(msgs[0]["text"], "Reminder: water the plants.");

    // Complete, delete, and Slack's errors.
    let done = as_user(&emu, "reminders.complete", json!({"reminder": id})).await;
    assert_eq!(done["ok"], true);
    let info = as_user(&emu, "reminders.info", json!({"reminder": id})).await;
    assert_eq!(info["reminder"]["complete_ts"], T0 as i64 + 300);
    let del = as_user(&emu, "reminders.delete", json!({"reminder": id})).await;
    assert_eq!(del["ok"], true);
    let gone = as_user(&emu, "reminders.info", json!({"reminder": id})).await;
    assert_eq!(gone["error"], "not_found");
    for (args, code) in [
        (json!({"text": "x", "time": "tomorrow-ish"}), "cannot_parse"),
        (json!({"text": "x", "time": "in 5"}), "cannot_parse"),
        (
            json!({"text": "x", "time": "in 5 minutes", "user": emu.bot_user_id()}),
            "cannot_add_bot",
        ),
        (
            json!({"text": "x", "time": "in 5 minutes", "user": "USLACKBOT"}),
            "cannot_add_slackbot",
        ),
        (
            json!({"text": "x", "time": "in 5 minutes", "user": "U0NOPE"}),
            "user_not_found",
        ),
    ] {
        let v = as_user(&emu, "reminders.add", args.clone()).await;
        assert_eq!(v["error"], code, "{args}");
    }
    // A bot token cannot use reminders.
    assert_eq!(
        fail(&emu, "reminders.list", json!({})).await,
        "not_allowed_token_type"
    );
}

#[tokio::test]
async fn snoozes_end_on_the_clock() {
    let emu = frozen().await;
    let ada = emu.user_id("ada").unwrap();
    let mut rtm = common::rtm_connect(&emu, &emu.bot_token()).await;
    let v = as_user(&emu, "dnd.setSnooze", json!({"num_minutes": 30})).await;
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["snooze_enabled"], true);
    assert_eq!(v["snooze_endtime"], T0 as i64 + 1_800);
    assert_eq!(v["snooze_remaining"], 1_800);
    let event = common::next_event(&mut rtm, &["hello", "reconnect_url"]).await;
    assert_eq!(event["type"], "dnd_updated_user");
    assert_eq!(event["user"], ada.as_str());
    assert_eq!(event["dnd_status"]["dnd_enabled"], true);
    let info = as_user(&emu, "dnd.info", json!({})).await;
    assert_eq!(info["snooze_enabled"], true);
    let team = ok(&emu, "dnd.teamInfo", json!({"users": ada})).await;
    assert_eq!(team["users"][ada.as_str()]["dnd_enabled"], true);
    assert_eq!(
        team["users"][ada.as_str()]["next_dnd_end_ts"],
        T0 as i64 + 1_800
    );

    emu.clock().advance(Duration::from_secs(1_800)).unwrap();
    let event = common::next_event(&mut rtm, &["hello", "reconnect_url"]).await;
    assert_eq!(event["type"], "dnd_updated_user");
    assert_eq!(event["dnd_status"]["dnd_enabled"], false);
    let info = as_user(&emu, "dnd.info", json!({})).await;
    assert_eq!(info["snooze_enabled"], false);
    assert_eq!(info["dnd_enabled"], false);
    let v = as_user(&emu, "dnd.endSnooze", json!({})).await;
    assert_eq!(v["error"], "snooze_not_active");
    let v = as_user(&emu, "dnd.endDnd", json!({})).await;
    assert_eq!(v["error"], "not_in_dnd");
    // Snooze, then end it early.
    as_user(&emu, "dnd.setSnooze", json!({"num_minutes": 10})).await;
    let v = as_user(&emu, "dnd.endSnooze", json!({})).await;
    assert_eq!(v["ok"], true);
    assert_eq!(v["snooze_enabled"], false);
    let v = as_user(&emu, "dnd.setSnooze", json!({"num_minutes": 100_000})).await;
    assert_eq!(v["error"], "too_long");
    assert_eq!(
        fail(&emu, "dnd.teamInfo", json!({"users": ""})).await,
        "no_users_provided"
    );
}
