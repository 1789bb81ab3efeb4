//! `conversations.*`, `users.*`, `team.info` over raw HTTP: lifecycle, pagination with
//! cursors, history bounds.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{call_with, emulator, fail, ok, post};
use serde_json::{json, Value};

fn ids(v: &Value, field: &str) -> Vec<String> {
    v[field]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().or(c.as_str()).unwrap().to_owned())
        .collect()
}

fn cursor(v: &Value) -> String {
    v["response_metadata"]["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn list_pages_with_cursors_types_and_archived() {
    let emu = emulator().await;
    for i in 0..7 {
        ok(
            &emu,
            "conversations.create",
            json!({"name": format!("extra-{i}")}),
        )
        .await;
    }
    // Default: public channels only (general, random, outside + 7).
    let all = ok(&emu, "conversations.list", json!({})).await;
    assert_eq!(all["channels"].as_array().unwrap().len(), 10);
    assert_eq!(cursor(&all), "");
    // Pages of 3 cover the same channels exactly once.
    let mut seen = Vec::new();
    let mut next = String::new();
    let mut pages = 0;
    loop {
        let page = ok(
            &emu,
            "conversations.list",
            json!({"limit": 3, "cursor": next}),
        )
        .await;
        let got = ids(&page, "channels");
        assert!(got.len() <= 3);
        seen.extend(got);
        pages += 1;
        next = cursor(&page);
        if next.is_empty() {
            break;
        }
    }
    assert_eq!(pages, 4);
    assert_eq!(seen, ids(&all, "channels"));
    // Types.
    let private = ok(
        &emu,
        "conversations.list",
        json!({"types": "private_channel"}),
    )
    .await;
    assert_eq!(
        ids(&private, "channels"),
        [emu.channel_id("secret-plans").unwrap()]
    );
    let dms = ok(&emu, "conversations.list", json!({"types": "im,mpim"})).await;
    assert_eq!(
        ids(&dms, "channels"),
        [emu.im_id().unwrap(), emu.mpim_id().unwrap()]
    );
    assert_eq!(
        dms["channels"][0]["user"],
        emu.user_id("ada").unwrap().as_str()
    );
    assert_eq!(dms["channels"][0]["is_im"], true);
    assert_eq!(
        fail(&emu, "conversations.list", json!({"types": "galaxies"})).await,
        "invalid_types"
    );
    // Archived ones are listed unless excluded.
    let extra0 = emu.channel_id("extra-0").unwrap();
    ok(&emu, "conversations.archive", json!({"channel": extra0})).await;
    let with = ok(&emu, "conversations.list", json!({})).await;
    assert!(ids(&with, "channels").contains(&extra0));
    let without = ok(
        &emu,
        "conversations.list",
        json!({"exclude_archived": true}),
    )
    .await;
    assert!(!ids(&without, "channels").contains(&extra0));
    assert_eq!(without["channels"].as_array().unwrap().len(), 9);
    // Cursors are opaque and checked.
    for bad in ["garbage!", "dGhpcyBpcyBub3QgYSBjdXJzb3I="] {
        assert_eq!(
            fail(&emu, "conversations.list", json!({"cursor": bad})).await,
            "invalid_cursor",
            "{bad}"
        );
    }
    // Form-encoded limit and boolean.
    let r = common::form(
        &emu,
        "conversations.list",
        &[
            ("token", &emu.bot_token()),
            ("limit", "2"),
            ("exclude_archived", "1"),
        ],
    )
    .await;
    assert_eq!(r.json()["channels"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn create_archive_rename_topic_purpose_info() {
    let emu = emulator().await;
    let v = ok(&emu, "conversations.create", json!({"name": "project-x"})).await;
    let ch = &v["channel"];
    let id = ch["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with('C'));
    assert_eq!(ch["name"], "project-x");
    assert_eq!(ch["is_channel"], true);
    assert_eq!(ch["is_private"], false);
    assert_eq!(ch["is_member"], true);
    assert_eq!(ch["creator"], emu.bot_user_id().as_str());
    assert_eq!(
        fail(&emu, "conversations.create", json!({"name": "project-x"})).await,
        "name_taken"
    );
    assert_eq!(
        fail(&emu, "conversations.create", json!({"name": "general"})).await,
        "name_taken"
    );
    for (name, code) in [
        ("Bad Name!", "invalid_name_specials"),
        ("", "invalid_name_required"),
        ("___", "invalid_name_punctuation"),
    ] {
        assert_eq!(
            fail(&emu, "conversations.create", json!({"name": name})).await,
            code,
            "{name}"
        );
    }
    assert_eq!(
        fail(
            &emu,
            "conversations.create",
            json!({"name": "x".repeat(81)})
        )
        .await,
        "invalid_name_maxlength"
    );
    let private = ok(
        &emu,
        "conversations.create",
        json!({"name": "hush", "is_private": true}),
    )
    .await;
    assert_eq!(private["channel"]["is_private"], true);
    assert!(private["channel"]["id"].as_str().unwrap().starts_with('G'));

    // Info with and without extras.
    let info = ok(&emu, "conversations.info", json!({"channel": id})).await;
    assert!(info["channel"].get("num_members").is_none());
    assert!(info["channel"].get("locale").is_none());
    let info = ok(
        &emu,
        "conversations.info",
        json!({"channel": id, "include_num_members": true, "include_locale": true}),
    )
    .await;
    assert_eq!(info["channel"]["num_members"], 1);
    assert_eq!(info["channel"]["locale"], "en-US");
    assert_eq!(
        fail(&emu, "conversations.info", json!({"channel": "C0NOPE"})).await,
        "channel_not_found"
    );

    // Topic, purpose, rename.
    let t = ok(
        &emu,
        "conversations.setTopic",
        json!({"channel": id, "topic": "Launch"}),
    )
    .await;
    assert_eq!(t["channel"]["topic"]["value"], "Launch");
    let p = ok(
        &emu,
        "conversations.setPurpose",
        json!({"channel": id, "purpose": "Ship it"}),
    )
    .await;
    assert_eq!(p["channel"]["purpose"]["value"], "Ship it");
    assert_eq!(
        fail(
            &emu,
            "conversations.setTopic",
            json!({"channel": id, "topic": "x".repeat(251)})
        )
        .await,
        "too_long"
    );
    let r = ok(
        &emu,
        "conversations.rename",
        json!({"channel": id, "name": "project-y"}),
    )
    .await;
    assert_eq!(r["channel"]["name"], "project-y");
    assert_eq!(emu.channel_id("project-y").as_deref(), Some(id.as_str()));
    assert_eq!(
        fail(
            &emu,
            "conversations.rename",
            json!({"channel": id, "name": "random"})
        )
        .await,
        "name_taken"
    );

    // Archive and unarchive.
    ok(&emu, "conversations.archive", json!({"channel": id})).await;
    assert_eq!(
        fail(&emu, "conversations.archive", json!({"channel": id})).await,
        "already_archived"
    );
    let info = ok(&emu, "conversations.info", json!({"channel": id})).await;
    assert_eq!(info["channel"]["is_archived"], true);
    assert_eq!(
        fail(
            &emu,
            "conversations.setTopic",
            json!({"channel": id, "topic": "x"})
        )
        .await,
        "is_archived"
    );
    ok(&emu, "conversations.unarchive", json!({"channel": id})).await;
    assert_eq!(
        fail(&emu, "conversations.unarchive", json!({"channel": id})).await,
        "not_archived"
    );
    post(&emu, &id, "back").await;
    let general = emu.channel_id("general").unwrap();
    assert_eq!(
        fail(&emu, "conversations.archive", json!({"channel": general})).await,
        "cant_archive_general"
    );
    let state = emu.state();
    let stored = state["channels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id.as_str())
        .unwrap();
    assert_eq!(stored["name"], "project-y");
    assert_eq!(stored["topic"]["value"], "Launch");
    assert_eq!(stored["messages"][0]["text"], "back");
}

#[tokio::test]
async fn membership_join_leave_invite_kick_members() {
    let emu = emulator().await;
    let outside = emu.channel_id("outside").unwrap();
    let joined = ok(&emu, "conversations.join", json!({"channel": outside})).await;
    assert_eq!(joined["channel"]["is_member"], true);
    let again = ok(&emu, "conversations.join", json!({"channel": outside})).await;
    assert_eq!(again["warning"], "already_in_channel");
    assert_eq!(emu.messages(&outside)[0]["subtype"], "channel_join");
    post(&emu, &outside, "now in").await;
    // Members, paginated.
    let mut members = Vec::new();
    let mut next = String::new();
    loop {
        let page = ok(
            &emu,
            "conversations.members",
            json!({"channel": outside, "limit": 2, "cursor": next}),
        )
        .await;
        members.extend(ids(&page, "members"));
        next = cursor(&page);
        if next.is_empty() {
            break;
        }
    }
    assert_eq!(
        members,
        [
            emu.user_id("ada").unwrap(),
            emu.user_id("grace").unwrap(),
            emu.bot_user_id()
        ]
    );
    // Invite and kick.
    let linus = emu.user_id("linus").unwrap();
    let inv = ok(
        &emu,
        "conversations.invite",
        json!({"channel": outside, "users": linus}),
    )
    .await;
    assert_eq!(inv["channel"]["id"], outside.as_str());
    assert_eq!(
        fail(
            &emu,
            "conversations.invite",
            json!({"channel": outside, "users": linus})
        )
        .await,
        "already_in_channel"
    );
    assert_eq!(
        fail(
            &emu,
            "conversations.invite",
            json!({"channel": outside, "users": "U0NOPE"})
        )
        .await,
        "user_not_found"
    );
    ok(
        &emu,
        "conversations.kick",
        json!({"channel": outside, "user": linus}),
    )
    .await;
    assert_eq!(
        fail(
            &emu,
            "conversations.kick",
            json!({"channel": outside, "user": linus})
        )
        .await,
        "not_in_channel"
    );
    assert_eq!(
        fail(
            &emu,
            "conversations.kick",
            json!({"channel": outside, "user": emu.bot_user_id()})
        )
        .await,
        "cant_kick_self"
    );
    // Leave.
    assert_eq!(
        ok(&emu, "conversations.leave", json!({"channel": outside})).await,
        json!({"ok": true})
    );
    let left = ok(&emu, "conversations.leave", json!({"channel": outside})).await;
    assert_eq!(left["not_in_channel"], true);
    assert_eq!(
        fail(
            &emu,
            "chat.postMessage",
            json!({"channel": outside, "text": "x"})
        )
        .await,
        "not_in_channel"
    );
    let general = emu.channel_id("general").unwrap();
    assert_eq!(
        fail(&emu, "conversations.leave", json!({"channel": general})).await,
        "cant_leave_general"
    );
    let secret = emu.channel_id("secret-plans").unwrap();
    assert_eq!(
        fail(&emu, "conversations.join", json!({"channel": secret})).await,
        "method_not_supported_for_channel_type"
    );
}

#[tokio::test]
async fn open_ims_and_mpims() {
    let emu = emulator().await;
    let ada = emu.user_id("ada").unwrap();
    let grace = emu.user_id("grace").unwrap();
    let linus = emu.user_id("linus").unwrap();
    let v = ok(&emu, "conversations.open", json!({"users": ada})).await;
    assert_eq!(v["channel"]["id"], emu.im_id().unwrap().as_str());
    assert_eq!(v["already_open"], true);
    let v = ok(
        &emu,
        "conversations.open",
        json!({"users": format!("{ada},{grace}")}),
    )
    .await;
    assert_eq!(v["channel"]["id"], emu.mpim_id().unwrap().as_str());
    let v = ok(
        &emu,
        "conversations.open",
        json!({"users": linus, "return_im": true}),
    )
    .await;
    assert!(v.get("already_open").is_none());
    let dm = v["channel"]["id"].as_str().unwrap().to_owned();
    assert!(dm.starts_with('D'));
    assert_eq!(v["channel"]["user"], linus.as_str());
    let again = ok(&emu, "conversations.open", json!({"users": linus})).await;
    assert_eq!(again["channel"]["id"], dm.as_str());
    let v = ok(&emu, "conversations.open", json!({"users": [grace, linus]})).await;
    let mp = v["channel"]["id"].as_str().unwrap();
    assert!(mp.starts_with('G'));
    assert_eq!(
        fail(&emu, "conversations.open", json!({"users": "U0NOPE"})).await,
        "user_not_found"
    );
    assert_eq!(
        fail(&emu, "conversations.open", json!({})).await,
        "users_list_not_supplied"
    );
    post(&emu, &dm, "hi linus").await;
}

#[tokio::test]
async fn history_pages_and_bounds() {
    let emu = emulator().await;
    let general = emu.channel_id("general").unwrap();
    let mut stamps = Vec::new();
    for i in 0..25 {
        stamps.push(post(&emu, &general, &format!("m{i}")).await);
    }
    let all = ok(&emu, "conversations.history", json!({"channel": general})).await;
    assert_eq!(all["messages"].as_array().unwrap().len(), 25);
    assert_eq!(all["has_more"], false);
    assert_eq!(all["messages"][0]["text"], "m24", "newest first");
    // Pages of 10, with a message posted between pages: no duplicates, no gaps.
    let first = ok(
        &emu,
        "conversations.history",
        json!({"channel": general, "limit": 10}),
    )
    .await;
    assert_eq!(first["has_more"], true);
    let mut texts: Vec<String> = first["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap().to_owned())
        .collect();
    post(&emu, &general, "late").await;
    let mut next = cursor(&first);
    while !next.is_empty() {
        let page = ok(
            &emu,
            "conversations.history",
            json!({"channel": general, "limit": 10, "cursor": next}),
        )
        .await;
        texts.extend(
            page["messages"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["text"].as_str().unwrap().to_owned()),
        );
        assert_eq!(page["has_more"], !cursor(&page).is_empty());
        next = cursor(&page);
    }
    let want: Vec<String> = (0..25).rev().map(|i| format!("m{i}")).collect();
    assert_eq!(texts, want);
    // oldest / latest / inclusive.
    let window = |extra: Value| {
        let mut args = json!({"channel": general, "oldest": stamps[5], "latest": stamps[8]});
        if let (Value::Object(a), Value::Object(e)) = (&mut args, extra) {
            a.extend(e);
        }
        args
    };
    let v = ok(&emu, "conversations.history", window(json!({}))).await;
    let got: Vec<&str> = v["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(got, ["m7", "m6"]);
    let v = ok(
        &emu,
        "conversations.history",
        window(json!({"inclusive": true})),
    )
    .await;
    let got: Vec<&str> = v["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(got, ["m8", "m7", "m6", "m5"]);
    let v = ok(
        &emu,
        "conversations.history",
        window(json!({"inclusive": true, "limit": 2})),
    )
    .await;
    assert_eq!(v["has_more"], true);
    assert_eq!(
        fail(
            &emu,
            "conversations.history",
            json!({"channel": general, "oldest": "yesterday"})
        )
        .await,
        "invalid_ts_oldest"
    );
    assert_eq!(
        fail(
            &emu,
            "conversations.history",
            json!({"channel": general, "cursor": "bm9wZQ=="})
        )
        .await,
        "invalid_cursor"
    );
    // A bot reads only where it is a member.
    let outside = emu.channel_id("outside").unwrap();
    assert_eq!(
        fail(&emu, "conversations.history", json!({"channel": outside})).await,
        "not_in_channel"
    );
    let as_ada = call_with(
        &emu,
        &emu.user_token(),
        "conversations.history",
        json!({"channel": outside}),
    )
    .await;
    assert_eq!(as_ada.json()["ok"], true);
}

#[tokio::test]
async fn replies_page() {
    let emu = emulator().await;
    let general = emu.channel_id("general").unwrap();
    let root = post(&emu, &general, "root").await;
    for i in 0..5 {
        ok(
            &emu,
            "chat.postMessage",
            json!({"channel": general, "text": format!("r{i}"), "thread_ts": root}),
        )
        .await;
    }
    let first = ok(
        &emu,
        "conversations.replies",
        json!({"channel": general, "ts": root, "limit": 4}),
    )
    .await;
    assert_eq!(first["has_more"], true);
    let second = ok(
        &emu,
        "conversations.replies",
        json!({"channel": general, "ts": root, "limit": 4, "cursor": cursor(&first)}),
    )
    .await;
    let texts: Vec<&str> = first["messages"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["messages"].as_array().unwrap())
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["root", "r0", "r1", "r2", "r3", "r4"]);
    assert_eq!(second["has_more"], false);
    assert_eq!(
        fail(
            &emu,
            "conversations.replies",
            json!({"channel": general, "ts": "1.000000"})
        )
        .await,
        "thread_not_found"
    );
}

#[tokio::test]
async fn users_and_team() {
    let emu = emulator().await;
    let ada = emu.user_id("ada").unwrap();
    let v = ok(&emu, "users.info", json!({"user": ada})).await;
    assert_eq!(v["user"]["name"], "ada");
    assert_eq!(v["user"]["profile"]["email"], "ada@example.com");
    assert_eq!(v["user"]["is_bot"], false);
    let bot = ok(&emu, "users.info", json!({"user": emu.bot_user_id()})).await;
    assert_eq!(bot["user"]["is_bot"], true);
    assert_eq!(bot["user"]["profile"]["bot_id"], emu.bot_id().as_str());
    assert_eq!(
        fail(&emu, "users.info", json!({"user": "U0NOPE"})).await,
        "user_not_found"
    );
    let mut all = Vec::new();
    let mut next = String::new();
    loop {
        let page = ok(&emu, "users.list", json!({"limit": 3, "cursor": next})).await;
        all.extend(ids(&page, "members"));
        next = cursor(&page);
        if next.is_empty() {
            break;
        }
    }
    assert_eq!(all.len(), 4);
    let v = ok(
        &emu,
        "users.lookupByEmail",
        json!({"email": "Grace@Example.com"}),
    )
    .await;
    assert_eq!(v["user"]["id"], emu.user_id("grace").unwrap().as_str());
    assert_eq!(
        fail(
            &emu,
            "users.lookupByEmail",
            json!({"email": "nobody@example.com"})
        )
        .await,
        "users_not_found"
    );
    let team = ok(&emu, "team.info", json!({})).await;
    assert_eq!(team["team"]["id"], emu.team_id().as_str());
}
