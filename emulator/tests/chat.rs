//! `chat.*` and `reactions.*` over raw HTTP, with the workspace state checked.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{call_with, emulator, fail, ok, post};
use serde_json::{json, Value};

#[tokio::test]
async fn post_message_shapes_and_increasing_ts() {
    let emu = emulator().await;
    let general = emu.channel_id("general").unwrap();
    let v = ok(
        &emu,
        "chat.postMessage",
        json!({"channel": general, "text": "hello"}),
    )
    .await;
    assert_eq!(v["channel"], general.as_str());
    let m = &v["message"];
    assert_eq!(m["type"], "message");
    assert_eq!(m["text"], "hello");
    assert_eq!(m["user"], emu.bot_user_id().as_str());
    assert_eq!(m["bot_id"], emu.bot_id().as_str());
    assert_eq!(m["team"], emu.team_id().as_str());
    assert_eq!(m["ts"], v["ts"]);
    let ts = v["ts"].as_str().unwrap();
    let (secs, micros) = ts.split_once('.').unwrap();
    assert_eq!((secs.len(), micros.len()), (10, 6), "{ts}");
    // By name and #name, strictly increasing ts, across channels too.
    let a = post(&emu, "general", "by name").await;
    let b = post(&emu, "#random", "by #name").await;
    let c = post(&emu, &general, "by id").await;
    let n = |t: &str| t.parse::<f64>().unwrap();
    assert!(n(ts) < n(&a) && n(&a) < n(&b) && n(&b) < n(&c));
    // Blocks or attachments alone are enough; nothing at all is not.
    ok(
        &emu,
        "chat.postMessage",
        json!({"channel": general, "blocks": [{"type": "divider"}]}),
    )
    .await;
    ok(
        &emu,
        "chat.postMessage",
        json!({"channel": general, "attachments": [{"text": "att"}]}),
    )
    .await;
    assert_eq!(
        fail(&emu, "chat.postMessage", json!({"channel": general})).await,
        "no_text"
    );
    assert_eq!(
        fail(
            &emu,
            "chat.postMessage",
            json!({"channel": general, "text": ""})
        )
        .await,
        "no_text"
    );
    assert_eq!(
        fail(
            &emu,
            "chat.postMessage",
            json!({"channel": general, "blocks": "not json"})
        )
        .await,
        "invalid_blocks_format"
    );
    assert_eq!(
        fail(
            &emu,
            "chat.postMessage",
            json!({"channel": general, "blocks": [{"text": "no type"}]})
        )
        .await,
        "invalid_blocks"
    );
    let too_many: Vec<Value> = (0..51).map(|_| json!({"type": "divider"})).collect();
    assert_eq!(
        fail(
            &emu,
            "chat.postMessage",
            json!({"channel": general, "blocks": too_many})
        )
        .await,
        "invalid_blocks"
    );
    // 40,000 characters is the limit.
    ok(
        &emu,
        "chat.postMessage",
        json!({"channel": general, "text": "é".repeat(40_000)}),
    )
    .await;
    assert_eq!(
        fail(
            &emu,
            "chat.postMessage",
            json!({"channel": general, "text": "x".repeat(40_001)})
        )
        .await,
        "msg_too_long"
    );
    assert_eq!(emu.messages(&general).len(), 6);
}

#[tokio::test]
async fn where_the_bot_may_post() {
    let emu = emulator().await;
    assert_eq!(
        fail(
            &emu,
            "chat.postMessage",
            json!({"channel": "C0NOPE", "text": "x"})
        )
        .await,
        "channel_not_found"
    );
    let outside = emu.channel_id("outside").unwrap();
    assert_eq!(
        fail(
            &emu,
            "chat.postMessage",
            json!({"channel": outside, "text": "x"})
        )
        .await,
        "not_in_channel"
    );
    // A private channel the caller is not in does not exist for it.
    let secret = emu.channel_id("secret-plans").unwrap();
    emu.add_token("xoxp-grace", Some("grace"), &["chat:write"]);
    let r = call_with(
        &emu,
        "xoxp-grace",
        "chat.postMessage",
        json!({"channel": secret, "text": "x"}),
    )
    .await;
    assert_eq!(r.json()["error"], "channel_not_found");
    // IMs and MPIMs the bot is in.
    post(&emu, &emu.im_id().unwrap(), "to ada").await;
    post(&emu, &emu.mpim_id().unwrap(), "to ada and grace").await;
    post(&emu, &secret, "secret").await;
    // A user id posts to the IM with that user (opened when needed).
    let ada = emu.user_id("ada").unwrap();
    let v = ok(
        &emu,
        "chat.postMessage",
        json!({"channel": ada, "text": "dm"}),
    )
    .await;
    assert_eq!(v["channel"], emu.im_id().unwrap().as_str());
    let linus = emu.user_id("linus").unwrap();
    let v = ok(
        &emu,
        "chat.postMessage",
        json!({"channel": linus, "text": "new dm"}),
    )
    .await;
    let dm = v["channel"].as_str().unwrap().to_owned();
    assert!(dm.starts_with('D') && dm != emu.im_id().unwrap());
    assert_eq!(emu.messages(&dm)[0]["text"], "new dm");
    // Archived channels refuse posts.
    let created = ok(&emu, "conversations.create", json!({"name": "to-archive"})).await;
    let id = created["channel"]["id"].as_str().unwrap().to_owned();
    ok(&emu, "conversations.archive", json!({"channel": id})).await;
    assert_eq!(
        fail(
            &emu,
            "chat.postMessage",
            json!({"channel": id, "text": "x"})
        )
        .await,
        "is_archived"
    );
    assert!(emu.messages(&id).is_empty());
}

#[tokio::test]
async fn threads_count_replies_and_broadcast() {
    let emu = emulator().await;
    let general = emu.channel_id("general").unwrap();
    let parent = post(&emu, &general, "parent").await;
    let r1 = ok(
        &emu,
        "chat.postMessage",
        json!({"channel": general, "text": "r1", "thread_ts": parent}),
    )
    .await;
    assert_eq!(r1["message"]["thread_ts"], parent.as_str());
    assert_eq!(r1["message"]["parent_user_id"], emu.bot_user_id().as_str());
    // Ada replies too, with a broadcast.
    let ada = emu.user_token();
    let r2 = call_with(
        &emu,
        &ada,
        "chat.postMessage",
        json!({"channel": general, "text": "r2", "thread_ts": parent, "reply_broadcast": true}),
    )
    .await
    .json();
    assert_eq!(r2["message"]["subtype"], "thread_broadcast");
    // A reply to a reply lands in the root's thread.
    let r1_ts = r1["ts"].as_str().unwrap();
    let r3 = ok(
        &emu,
        "chat.postMessage",
        json!({"channel": general, "text": "r3", "thread_ts": r1_ts}),
    )
    .await;
    assert_eq!(r3["message"]["thread_ts"], parent.as_str());
    let root = emu
        .messages(&general)
        .into_iter()
        .find(|m| m["ts"] == parent.as_str())
        .unwrap();
    assert_eq!(root["reply_count"], 3);
    assert_eq!(root["reply_users_count"], 2);
    assert_eq!(
        root["reply_users"],
        json!([emu.bot_user_id(), emu.user_id("ada").unwrap()])
    );
    assert_eq!(root["latest_reply"], r3["ts"]);
    assert_eq!(root["thread_ts"], parent.as_str());
    // History shows the root and the broadcast, replies shows the thread.
    let h = ok(&emu, "conversations.history", json!({"channel": general})).await;
    let texts: Vec<&str> = h["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["r2", "parent"]);
    let rep = ok(
        &emu,
        "conversations.replies",
        json!({"channel": general, "ts": parent}),
    )
    .await;
    let texts: Vec<&str> = rep["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["parent", "r1", "r2", "r3"]);
    assert_eq!(
        fail(
            &emu,
            "chat.postMessage",
            json!({"channel": general, "text": "x", "thread_ts": "1.000000"})
        )
        .await,
        "thread_not_found"
    );
    // Deleting a reply updates the root.
    ok(
        &emu,
        "chat.delete",
        json!({"channel": general, "ts": r3["ts"]}),
    )
    .await;
    let root = emu
        .messages(&general)
        .into_iter()
        .find(|m| m["ts"] == parent.as_str())
        .unwrap();
    assert_eq!(root["reply_count"], 2);
    assert_eq!(root["latest_reply"], r2["ts"]);
    // Deleting a root with replies leaves a tombstone.
    ok(
        &emu,
        "chat.delete",
        json!({"channel": general, "ts": parent}),
    )
    .await;
    let root = emu
        .messages(&general)
        .into_iter()
        .find(|m| m["ts"] == parent.as_str())
        .unwrap();
    assert_eq!(root["subtype"], "tombstone");
    assert_eq!(root["reply_count"], 2);
}

#[tokio::test]
async fn updates_and_deletes() {
    let emu = emulator().await;
    let general = emu.channel_id("general").unwrap();
    let ts = post(&emu, &general, "first draft").await;
    let v = ok(
        &emu,
        "chat.update",
        json!({"channel": general, "ts": ts, "text": "final"}),
    )
    .await;
    assert_eq!(v["ts"], ts.as_str());
    assert_eq!(v["text"], "final");
    assert_eq!(v["message"]["edited"]["user"], emu.bot_user_id().as_str());
    let stored = &emu.messages(&general)[0];
    assert_eq!(stored["text"], "final");
    assert!(stored["edited"]["ts"].as_str().unwrap() > ts.as_str());
    // Blocks can change too.
    let v = ok(
        &emu,
        "chat.update",
        json!({"channel": general, "ts": ts, "blocks": [{"type": "divider"}]}),
    )
    .await;
    assert_eq!(v["message"]["blocks"][0]["type"], "divider");
    assert_eq!(v["message"]["text"], "final");
    assert_eq!(
        fail(&emu, "chat.update", json!({"channel": general, "ts": ts})).await,
        "no_text"
    );
    assert_eq!(
        fail(
            &emu,
            "chat.update",
            json!({"channel": general, "ts": "1.000000", "text": "x"})
        )
        .await,
        "message_not_found"
    );
    assert_eq!(
        fail(
            &emu,
            "chat.update",
            json!({"channel": general, "ts": ts, "text": "x".repeat(40_001)})
        )
        .await,
        "msg_too_long"
    );
    // Someone else's message.
    let theirs = call_with(
        &emu,
        &emu.user_token(),
        "chat.postMessage",
        json!({"channel": general, "text": "ada's"}),
    )
    .await
    .json()["ts"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        fail(
            &emu,
            "chat.update",
            json!({"channel": general, "ts": theirs, "text": "hijack"})
        )
        .await,
        "cant_update_message"
    );
    assert_eq!(
        fail(
            &emu,
            "chat.delete",
            json!({"channel": general, "ts": theirs})
        )
        .await,
        "cant_delete_message"
    );
    // Delete.
    let v = ok(&emu, "chat.delete", json!({"channel": general, "ts": ts})).await;
    assert_eq!(v, json!({"ok": true, "channel": general, "ts": ts}));
    assert_eq!(
        fail(&emu, "chat.delete", json!({"channel": general, "ts": ts})).await,
        "message_not_found"
    );
    let left: Vec<Value> = emu
        .messages(&general)
        .iter()
        .map(|m| m["text"].clone())
        .collect();
    assert_eq!(left, [json!("ada's")]);
}

#[tokio::test]
async fn permalinks_and_ephemeral_messages() {
    let emu = emulator().await;
    let general = emu.channel_id("general").unwrap();
    let ts = post(&emu, &general, "link me").await;
    let v = ok(
        &emu,
        "chat.getPermalink",
        json!({"channel": general, "message_ts": ts}),
    )
    .await;
    let link = v["permalink"].as_str().unwrap();
    assert!(
        link.ends_with(&format!("/archives/{general}/p{}", ts.replace('.', ""))),
        "{link}"
    );
    assert_eq!(
        fail(
            &emu,
            "chat.getPermalink",
            json!({"channel": general, "message_ts": "1.000000"})
        )
        .await,
        "message_not_found"
    );
    let ada = emu.user_id("ada").unwrap();
    let v = ok(
        &emu,
        "chat.postEphemeral",
        json!({"channel": general, "user": ada, "text": "psst"}),
    )
    .await;
    assert!(v["message_ts"].as_str().is_some());
    assert_eq!(
        emu.messages(&general).len(),
        1,
        "ephemeral messages are not stored"
    );
    let secret = emu.channel_id("secret-plans").unwrap();
    let grace = emu.user_id("grace").unwrap();
    assert_eq!(
        fail(
            &emu,
            "chat.postEphemeral",
            json!({"channel": secret, "user": grace, "text": "x"})
        )
        .await,
        "user_not_in_channel"
    );
    assert_eq!(
        fail(
            &emu,
            "chat.postEphemeral",
            json!({"channel": general, "user": "U0NOPE", "text": "x"})
        )
        .await,
        "user_not_found"
    );
}

#[tokio::test]
async fn reactions_twice_and_removal() {
    let emu = emulator().await;
    let general = emu.channel_id("general").unwrap();
    let ts = post(&emu, &general, "react to me").await;
    let args = json!({"channel": general, "timestamp": ts, "name": "thumbsup"});
    assert_eq!(
        ok(&emu, "reactions.add", args.clone()).await,
        json!({"ok": true})
    );
    assert_eq!(
        fail(&emu, "reactions.add", args.clone()).await,
        "already_reacted"
    );
    // Another user on the same emoji, with colons.
    let r = call_with(
        &emu,
        &emu.user_token(),
        "reactions.add",
        json!({"channel": general, "timestamp": ts, "name": ":thumbsup:"}),
    )
    .await;
    assert_eq!(r.json()["ok"], true);
    ok(
        &emu,
        "reactions.add",
        json!({"channel": general, "timestamp": ts, "name": "eyes"}),
    )
    .await;
    let got = ok(
        &emu,
        "reactions.get",
        json!({"channel": general, "timestamp": ts}),
    )
    .await;
    assert_eq!(got["type"], "message");
    assert_eq!(got["channel"], general.as_str());
    let reactions = &got["message"]["reactions"];
    assert_eq!(reactions[0]["name"], "thumbsup");
    assert_eq!(reactions[0]["count"], 2);
    assert_eq!(
        reactions[0]["users"],
        json!([emu.bot_user_id(), emu.user_id("ada").unwrap()])
    );
    assert_eq!(
        reactions[1],
        json!({"name": "eyes", "users": [emu.bot_user_id()], "count": 1})
    );
    ok(&emu, "reactions.remove", args.clone()).await;
    assert_eq!(
        fail(&emu, "reactions.remove", args.clone()).await,
        "no_reaction"
    );
    assert_eq!(
        fail(
            &emu,
            "reactions.remove",
            json!({"channel": general, "timestamp": ts, "name": "tada"})
        )
        .await,
        "no_reaction"
    );
    let stored = &emu.messages(&general)[0]["reactions"];
    assert_eq!(stored[0]["users"], json!([emu.user_id("ada").unwrap()]));
    assert_eq!(
        fail(
            &emu,
            "reactions.add",
            json!({"channel": general, "timestamp": "1.000000", "name": "x"})
        )
        .await,
        "message_not_found"
    );
    assert_eq!(
        fail(
            &emu,
            "reactions.add",
            json!({"channel": general, "timestamp": "soon", "name": "x"})
        )
        .await,
        "bad_timestamp"
    );
    assert_eq!(
        fail(
            &emu,
            "reactions.add",
            json!({"channel": general, "timestamp": ts, "name": "two words"})
        )
        .await,
        "invalid_name"
    );
    assert_eq!(
        fail(
            &emu,
            "reactions.add",
            json!({"channel": "C0NOPE", "timestamp": ts, "name": "x"})
        )
        .await,
        "channel_not_found"
    );
}
