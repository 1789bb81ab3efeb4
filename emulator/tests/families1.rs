//! The everyday families over raw HTTP: profiles and presence, user groups, pins,
//! bookmarks, stars, reactions.list, emoji, team, bots, auth, read marks, Slack Connect
//! invites, streamed messages, unfurls and dialogs, with the RTM events Slack emits.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{call_with, emulator, fail, next_event, ok, post, rtm_connect, send};
use http::Method;
use serde_json::{json, Value};
use slack_emulator::Emulator;

/// Events a test does not look at (what posting itself produces).
const NOISE: &[&str] = &["message", "reconnect_url"];

/// Call with ada's user token; the JSON answer.
async fn as_user(emu: &Emulator, method: &str, args: Value) -> Value {
    call_with(emu, &emu.user_token(), method, args).await.json()
}

/// Like [`as_user`], asserting `ok: true`.
async fn user_ok(emu: &Emulator, method: &str, args: Value) -> Value {
    let v = as_user(emu, method, args.clone()).await;
    assert_eq!(v["ok"], true, "{method} {args}: {v}");
    v
}

/// Like [`as_user`], asserting `ok: false`; the error code.
async fn user_fail(emu: &Emulator, method: &str, args: Value) -> String {
    let v = as_user(emu, method, args.clone()).await;
    assert_eq!(v["ok"], false, "{method} {args}: {v}");
    v["error"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn profile_status_and_presence_show_everywhere_with_events() {
    let emu = emulator().await;
    let ada = emu.user_id("ada").unwrap();
    let mut rtm = rtm_connect(&emu, &emu.bot_token()).await;
    user_ok(
        &emu,
        "users.profile.set",
        json!({"profile": {"status_text": "On a train", "status_emoji": ":train:",
                           "title": "Analyst", "display_name": "countess"}}),
    )
    .await;
    let ev = next_event(&mut rtm, NOISE).await;
    assert_eq!(ev["type"], "user_change");
    assert_eq!(ev["user"]["id"], ada.as_str());
    assert_eq!(ev["user"]["profile"]["status_text"], "On a train");
    // The profile, users.info and users.list agree.
    let p = ok(&emu, "users.profile.get", json!({"user": ada})).await;
    assert_eq!(p["profile"]["title"], "Analyst");
    assert_eq!(p["profile"]["display_name_normalized"], "countess");
    let info = ok(&emu, "users.info", json!({"user": ada})).await;
    assert_eq!(info["user"]["profile"]["status_emoji"], ":train:");
    let list = ok(&emu, "users.list", json!({})).await;
    let me = list["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == ada.as_str())
        .cloned()
        .unwrap();
    assert_eq!(me["profile"]["title"], "Analyst");
    // Slack's checks.
    for (profile, code) in [
        (
            json!({"status_emoji": "train"}),
            "invalid_emoji_not_allowed",
        ),
        (json!({"status_text": "x".repeat(101)}), "too_long"),
        (json!({"display_name": "@ada"}), "invalid_starts_with_at"),
        (json!({"email": "grace@example.com"}), "email_taken"),
    ] {
        assert_eq!(
            user_fail(&emu, "users.profile.set", json!({"profile": profile})).await,
            code
        );
    }
    assert_eq!(
        user_fail(
            &emu,
            "users.profile.set",
            json!({"user": emu.user_id("grace").unwrap(), "name": "title", "value": "x"})
        )
        .await,
        "not_admin"
    );
    assert_eq!(
        fail(
            &emu,
            "users.profile.set",
            json!({"name": "title", "value": "x"})
        )
        .await,
        "not_allowed_token_type"
    );
    // An email change moves the lookup.
    user_ok(
        &emu,
        "users.profile.set",
        json!({"name": "email", "value": "Ada@Analytical.example"}),
    )
    .await;
    let found = ok(
        &emu,
        "users.lookupByEmail",
        json!({"email": "ada@analytical.example"}),
    )
    .await;
    assert_eq!(found["user"]["id"], ada.as_str());
    // A status that has expired reads as cleared; one in the future stays. (A post moves
    // the emulator's clock to now.)
    post(&emu, "general", "tick").await;
    user_ok(
        &emu,
        "users.profile.set",
        json!({"profile": {"status_text": "lunch", "status_emoji": ":pizza:",
                           "status_expiration": 1_700_000_001}}),
    )
    .await;
    let p = user_ok(&emu, "users.profile.get", json!({})).await;
    assert_eq!(
        (
            p["profile"]["status_text"].clone(),
            p["profile"]["status_expiration"].clone()
        ),
        (json!(""), json!(0))
    );
    user_ok(
        &emu,
        "users.profile.set",
        json!({"profile": {"status_text": "away", "status_expiration": "4102444800"}}),
    )
    .await;
    let p = user_ok(&emu, "users.profile.get", json!({})).await;
    assert_eq!(p["profile"]["status_text"], "away");
    // Presence.
    let pres = user_ok(&emu, "users.getPresence", json!({})).await;
    assert_eq!(
        (pres["presence"].clone(), pres["manual_away"].clone()),
        (json!("active"), json!(false))
    );
    user_ok(&emu, "users.setPresence", json!({"presence": "away"})).await;
    let ev = next_event(&mut rtm, &["message", "reconnect_url", "user_change"]).await;
    assert_eq!(
        ev,
        json!({"type": "presence_change", "user": ada, "presence": "away"})
    );
    let seen = ok(&emu, "users.getPresence", json!({"user": ada})).await;
    assert_eq!(seen, json!({"ok": true, "presence": "away"}));
    assert_eq!(
        user_fail(&emu, "users.setPresence", json!({"presence": "busy"})).await,
        "invalid_presence"
    );
    assert_eq!(
        fail(&emu, "users.getPresence", json!({"user": "U0NOBODY"})).await,
        "user_not_found"
    );
}

#[tokio::test]
async fn photos_identity_and_conversations() {
    let emu = emulator().await;
    let ada = emu.user_id("ada").unwrap();
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    let mut body = b"--XyZ\r\nContent-Disposition: form-data; name=\"image\"; filename=\"me.png\"\r\nContent-Type: image/png\r\n\r\n".to_vec();
    body.extend_from_slice(png);
    body.extend_from_slice(b"\r\n--XyZ--\r\n");
    let auth = format!("Bearer {}", emu.user_token());
    let r = send(
        &emu,
        Method::POST,
        "/api/users.setPhoto",
        &[
            ("authorization", &auth),
            ("content-type", "multipart/form-data; boundary=XyZ"),
        ],
        body,
    )
    .await
    .unwrap()
    .json();
    assert_eq!(r["ok"], true, "{r}");
    let hash = r["profile"]["avatar_hash"].as_str().unwrap().to_owned();
    let info = ok(&emu, "users.info", json!({"user": ada})).await;
    assert_eq!(info["user"]["profile"]["is_custom_image"], true);
    assert!(info["user"]["profile"]["image_48"]
        .as_str()
        .unwrap()
        .contains(&hash));
    // Not an image; then back to the default avatar.
    let text = b"--XyZ\r\nContent-Disposition: form-data; name=\"image\"; filename=\"me.png\"\r\n\r\nhello\r\n--XyZ--\r\n".to_vec();
    let r = send(
        &emu,
        Method::POST,
        "/api/users.setPhoto",
        &[
            ("authorization", &auth),
            ("content-type", "multipart/form-data; boundary=XyZ"),
        ],
        text,
    )
    .await
    .unwrap()
    .json();
    assert_eq!(r["error"], "bad_image");
    user_ok(&emu, "users.deletePhoto", json!({})).await;
    let info = ok(&emu, "users.info", json!({"user": ada})).await;
    assert_eq!(info["user"]["profile"]["is_custom_image"], false);
    // identity is for user tokens.
    let id = user_ok(&emu, "users.identity", json!({})).await;
    assert_eq!(id["user"]["id"], ada.as_str());
    assert_eq!(id["team"]["id"], emu.team_id().as_str());
    assert_eq!(
        fail(&emu, "users.identity", json!({})).await,
        "not_allowed_token_type"
    );
    // users.conversations: ada's, and only what the caller may see.
    let mine = user_ok(
        &emu,
        "users.conversations",
        json!({"types": "public_channel,private_channel"}),
    )
    .await;
    let names: Vec<&str> = mine["channels"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert!(names.contains(&"secret-plans") && names.contains(&"outside"));
    let grace = emu.user_id("grace").unwrap();
    let theirs = ok(
        &emu,
        "users.conversations",
        json!({"user": grace, "types": "public_channel,private_channel", "limit": 1}),
    )
    .await;
    assert_eq!(theirs["channels"].as_array().unwrap().len(), 1);
    assert_ne!(theirs["response_metadata"]["next_cursor"], "");
    let found = user_ok(
        &emu,
        "users.discoverableContacts.lookup",
        json!({"email": "linus@example.com"}),
    )
    .await;
    assert_eq!(found["is_discoverable"], true);
}

#[tokio::test]
async fn usergroups_lifecycle_and_events() {
    let emu = emulator().await;
    let (ada, grace) = (emu.user_id("ada").unwrap(), emu.user_id("grace").unwrap());
    let general = emu.channel_id("general").unwrap();
    let mut bot_rtm = rtm_connect(&emu, &emu.bot_token()).await;
    let mut ada_rtm = rtm_connect(&emu, &emu.user_token()).await;
    let g = ok(
        &emu,
        "usergroups.create",
        json!({"name": "Platform Team", "description": "Runs the platform", "channels": general}),
    )
    .await;
    let id = g["usergroup"]["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with('S'));
    assert_eq!(g["usergroup"]["handle"], "platform-team");
    assert_eq!(g["usergroup"]["prefs"]["channels"], json!([general]));
    let ev = next_event(&mut bot_rtm, NOISE).await;
    assert_eq!(
        (ev["type"].clone(), ev["subteam"]["id"].clone()),
        (json!("subteam_created"), json!(id))
    );
    for (args, code) in [
        (json!({"name": "platform team"}), "name_already_exists"),
        (
            json!({"name": "Other", "handle": "platform-team"}),
            "handle_already_exists",
        ),
        (
            json!({"name": "Other", "handle": "ada"}),
            "handle_already_exists",
        ),
        (
            json!({"name": "Other", "handle": "Bad Handle"}),
            "bad_handle",
        ),
        (
            json!({"name": "Other", "handle": "everyone"}),
            "forbidden_handle",
        ),
        (
            json!({"name": "Other", "description": "d".repeat(141)}),
            "description_too_long",
        ),
        (
            json!({"name": "Other", "channels": "C0NOWHERE"}),
            "invalid_channel_provided",
        ),
    ] {
        assert_eq!(fail(&emu, "usergroups.create", args).await, code);
    }
    // Members: events for the group and for each member concerned.
    ok(
        &emu,
        "usergroups.users.update",
        json!({"usergroup": id, "users": [ada.clone(), grace.clone()]}),
    )
    .await;
    let ev = next_event(&mut bot_rtm, NOISE).await;
    assert_eq!(ev["type"], "subteam_members_changed");
    assert_eq!(ev["added_users"], json!([ada, grace]));
    let ev = next_event(
        &mut ada_rtm,
        &[
            "message",
            "reconnect_url",
            "subteam_created",
            "subteam_members_changed",
        ],
    )
    .await;
    assert_eq!(ev, json!({"type": "subteam_self_added", "subteam_id": id}));
    let users = ok(&emu, "usergroups.users.list", json!({"usergroup": id})).await;
    assert_eq!(users["users"], json!([ada, grace]));
    ok(
        &emu,
        "usergroups.users.update",
        json!({"usergroup": id, "users": grace}),
    )
    .await;
    let ev = next_event(
        &mut ada_rtm,
        &[
            "message",
            "reconnect_url",
            "subteam_members_changed",
            "subteam_updated",
        ],
    )
    .await;
    assert_eq!(ev["type"], "subteam_self_removed");
    assert_eq!(
        fail(
            &emu,
            "usergroups.users.update",
            json!({"usergroup": id, "users": ""})
        )
        .await,
        "no_users_provided"
    );
    // Update, disable, list, enable.
    let up = ok(
        &emu,
        "usergroups.update",
        json!({"usergroup": id, "name": "Platform", "handle": "plat", "include_count": true}),
    )
    .await;
    assert_eq!(
        (
            up["usergroup"]["name"].clone(),
            up["usergroup"]["user_count"].clone()
        ),
        (json!("Platform"), json!(1))
    );
    ok(&emu, "usergroups.disable", json!({"usergroup": id})).await;
    let listed = ok(&emu, "usergroups.list", json!({})).await;
    assert_eq!(listed["usergroups"], json!([]));
    let listed = ok(
        &emu,
        "usergroups.list",
        json!({"include_disabled": true, "include_users": true}),
    )
    .await;
    assert_eq!(listed["usergroups"][0]["users"], json!([grace]));
    assert_ne!(listed["usergroups"][0]["date_delete"], 0);
    assert_eq!(
        fail(&emu, "usergroups.users.list", json!({"usergroup": id})).await,
        "no_such_subteam"
    );
    let en = ok(&emu, "usergroups.enable", json!({"usergroup": id})).await;
    assert_eq!(en["usergroup"]["date_delete"], 0);
    assert_eq!(
        fail(&emu, "usergroups.enable", json!({"usergroup": "S0NOPE"})).await,
        "no_such_subteam"
    );
}

#[tokio::test]
async fn pins_bookmarks_stars_and_reactions_list() {
    let emu = emulator().await;
    let general = emu.channel_id("general").unwrap();
    let ts = post(&emu, &general, "pin me").await;
    let mut rtm = rtm_connect(&emu, &emu.bot_token()).await;
    user_ok(
        &emu,
        "pins.add",
        json!({"channel": general, "timestamp": ts}),
    )
    .await;
    let ev = next_event(&mut rtm, NOISE).await;
    assert_eq!(ev["type"], "pin_added");
    assert_eq!(ev["item"]["message"]["ts"], ts.as_str());
    assert_eq!(ev["pin_count"], 1);
    let stored = emu.messages(&general).last().cloned().unwrap();
    assert_eq!(stored["pinned_to"], json!([general]));
    let pins = ok(&emu, "pins.list", json!({"channel": general})).await;
    assert_eq!(pins["items"][0]["message"]["text"], "pin me");
    for (args, code) in [
        (
            json!({"channel": general, "timestamp": ts}),
            "already_pinned",
        ),
        (json!({"channel": general}), "no_item_specified"),
        (
            json!({"channel": general, "timestamp": "abc"}),
            "bad_timestamp",
        ),
        (
            json!({"channel": general, "timestamp": "1.000001"}),
            "message_not_found",
        ),
        (
            json!({"channel": "C0NOWHERE", "timestamp": ts}),
            "channel_not_found",
        ),
    ] {
        assert_eq!(user_fail(&emu, "pins.add", args).await, code);
    }
    user_ok(
        &emu,
        "pins.remove",
        json!({"channel": general, "timestamp": ts}),
    )
    .await;
    let ev = next_event(&mut rtm, NOISE).await;
    assert_eq!(
        (ev["type"].clone(), ev["has_pins"].clone()),
        (json!("pin_removed"), json!(false))
    );
    assert!(emu
        .messages(&general)
        .last()
        .unwrap()
        .get("pinned_to")
        .is_none());
    // Bookmarks.
    let b = ok(
        &emu,
        "bookmarks.add",
        json!({"channel_id": general, "title": "Docs", "type": "link", "link": "https://docs.example.com"}),
    )
    .await;
    let bid = b["bookmark"]["id"].as_str().unwrap().to_owned();
    assert!(bid.starts_with("Bk"));
    ok(
        &emu,
        "bookmarks.edit",
        json!({"channel_id": general, "bookmark_id": bid, "link": "https://docs.example.org", "emoji": ":books:"}),
    )
    .await;
    let list = ok(&emu, "bookmarks.list", json!({"channel_id": general})).await;
    assert_eq!(list["bookmarks"][0]["link"], "https://docs.example.org");
    assert_eq!(list["bookmarks"][0]["emoji"], ":books:");
    for (args, code) in [
        (
            json!({"channel_id": general, "title": "x", "type": "folder"}),
            "invalid_bookmark_type",
        ),
        (
            json!({"channel_id": general, "title": "x", "type": "link", "link": "notaurl"}),
            "invalid_link",
        ),
        (
            json!({"channel_id": general, "title": "x", "type": "link", "link": "https://a.b", "emoji": "nope"}),
            "invalid_emoji",
        ),
        (
            json!({"channel_id": "C0NOWHERE", "title": "x", "type": "link", "link": "https://a.b"}),
            "channel_not_found",
        ),
    ] {
        assert_eq!(fail(&emu, "bookmarks.add", args).await, code);
    }
    ok(
        &emu,
        "bookmarks.remove",
        json!({"channel_id": general, "bookmark_id": bid}),
    )
    .await;
    let list = ok(&emu, "bookmarks.list", json!({"channel_id": general})).await;
    assert_eq!(list["bookmarks"], json!([]));
    // Stars are per user, and for user tokens only.
    user_ok(
        &emu,
        "stars.add",
        json!({"channel": general, "timestamp": ts}),
    )
    .await;
    user_ok(&emu, "stars.add", json!({"channel": general})).await;
    let stars = user_ok(&emu, "stars.list", json!({"count": 1})).await;
    assert_eq!(stars["items"][0]["type"], "channel");
    assert_eq!(
        stars["paging"],
        json!({"count": 1, "total": 2, "page": 1, "pages": 2})
    );
    let page2 = user_ok(&emu, "stars.list", json!({"count": 1, "page": 2})).await;
    assert_eq!(page2["items"][0]["message"]["ts"], ts.as_str());
    let grace_token = "xoxp-test-grace";
    emu.add_token(
        grace_token,
        emu.user_id("grace").as_deref(),
        &["stars:read"],
    );
    let theirs = call_with(&emu, grace_token, "stars.list", json!({}))
        .await
        .json();
    assert_eq!(theirs["items"], json!([]));
    assert_eq!(
        fail(&emu, "stars.list", json!({})).await,
        "not_allowed_token_type"
    );
    assert_eq!(
        user_fail(&emu, "stars.add", json!({})).await,
        "no_item_specified"
    );
    assert_eq!(
        user_fail(&emu, "stars.add", json!({"file": "F0NOPE"})).await,
        "file_not_found"
    );
    // reactions.list: what a user reacted to, newest first.
    let second = post(&emu, &general, "react to me too").await;
    for t in [&ts, &second] {
        user_ok(
            &emu,
            "reactions.add",
            json!({"channel": general, "timestamp": t, "name": "eyes"}),
        )
        .await;
    }
    let ada = emu.user_id("ada").unwrap();
    let list = ok(&emu, "reactions.list", json!({"user": ada})).await;
    let got: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["message"]["ts"].as_str())
        .collect();
    assert_eq!(got, [second.as_str(), ts.as_str()]);
    let none = ok(&emu, "reactions.list", json!({})).await;
    assert_eq!(none["items"], json!([]));
}

#[tokio::test]
async fn team_bots_emoji_and_auth() {
    let emu = emulator().await;
    let emoji = ok(&emu, "emoji.list", json!({})).await;
    assert_eq!(emoji["emoji"]["squirrel"], "alias:shipit");
    assert!(emoji.get("categories").is_none());
    let bot = ok(&emu, "bots.info", json!({"bot": emu.bot_id()})).await;
    assert_eq!(bot["bot"]["user_id"], emu.bot_user_id().as_str());
    assert_eq!(bot["bot"]["app_id"], emu.app_id().as_str());
    assert_eq!(fail(&emu, "bots.info", json!({})).await, "missing_argument");
    let billable = user_ok(&emu, "team.billableInfo", json!({})).await;
    assert_eq!(
        billable["billable_info"][emu.bot_user_id()]["billing_active"],
        false
    );
    assert_eq!(
        billable["billable_info"][emu.user_id("ada").unwrap()]["billing_active"],
        true
    );
    let logs = user_ok(&emu, "team.accessLogs", json!({})).await;
    assert_eq!(
        logs["logins"][0]["user_id"],
        emu.user_id("ada").unwrap().as_str()
    );
    assert_eq!(
        user_fail(&emu, "team.accessLogs", json!({"page": 101})).await,
        "over_pagination_limit"
    );
    let orgs = ok(&emu, "team.externalTeams.list", json!({})).await;
    let org = orgs["organizations"][0]["team_id"]
        .as_str()
        .unwrap()
        .to_owned();
    ok(
        &emu,
        "team.externalTeams.disconnect",
        json!({"target_team": org}),
    )
    .await;
    let orgs = ok(&emu, "team.externalTeams.list", json!({})).await;
    assert_eq!(orgs["organizations"], json!([]));
    let teams = ok(&emu, "auth.teams.list", json!({})).await;
    assert_eq!(teams["teams"][0]["id"], emu.team_id().as_str());
    // Revoking: a test run changes nothing; the real one ends the token.
    let t = user_ok(&emu, "auth.revoke", json!({"test": true})).await;
    assert_eq!(t["revoked"], false);
    user_ok(&emu, "auth.test", json!({})).await;
    let t = user_ok(&emu, "auth.revoke", json!({})).await;
    assert_eq!(t["revoked"], true);
    assert_eq!(
        user_fail(&emu, "auth.test", json!({})).await,
        "token_revoked"
    );
    ok(&emu, "auth.test", json!({})).await;
}

#[tokio::test]
async fn marks_closes_and_slack_connect() {
    let emu = emulator().await;
    let general = emu.channel_id("general").unwrap();
    let ts = post(&emu, &general, "read up to here").await;
    post(&emu, &general, "unread").await;
    let mut rtm = rtm_connect(&emu, &emu.user_token()).await;
    user_ok(
        &emu,
        "conversations.mark",
        json!({"channel": general, "ts": ts}),
    )
    .await;
    let ev = next_event(&mut rtm, NOISE).await;
    assert_eq!(ev["type"], "channel_marked");
    assert_eq!(ev["unread_count"], 1);
    assert_eq!(
        fail(
            &emu,
            "conversations.mark",
            json!({"channel": emu.channel_id("outside").unwrap(), "ts": ts})
        )
        .await,
        "not_in_channel"
    );
    let im = emu.im_id().unwrap();
    ok(&emu, "conversations.close", json!({"channel": im})).await;
    let again = ok(&emu, "conversations.close", json!({"channel": im})).await;
    assert_eq!(again["already_closed"], true);
    // Requests to invite outsiders.
    let reqs = user_ok(&emu, "conversations.requestSharedInvite.list", json!({})).await;
    let rid = reqs["invite_requests"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    user_ok(
        &emu,
        "conversations.requestSharedInvite.approve",
        json!({"invite_id": rid}),
    )
    .await;
    assert_eq!(
        user_fail(
            &emu,
            "conversations.requestSharedInvite.deny",
            json!({"invite_id": rid})
        )
        .await,
        "invite_already_approved"
    );
    let none = user_ok(&emu, "conversations.requestSharedInvite.list", json!({})).await;
    assert_eq!(none["invite_requests"], json!([]));
    let with = user_ok(
        &emu,
        "conversations.requestSharedInvite.list",
        json!({"include_approved": true}),
    )
    .await;
    // Slack's items carry no status: the approved request shows only with include_approved.
    assert_eq!(with["invite_requests"][0]["id"], rid.as_str());
    // An invite from the partner organisation becomes a channel here.
    let invites = user_ok(&emu, "conversations.listConnectInvites", json!({})).await;
    let incoming = invites["invites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["direction"] == "incoming")
        .cloned()
        .unwrap();
    let iid = incoming["invite"]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        user_fail(
            &emu,
            "conversations.acceptSharedInvite",
            json!({"channel_name": "general", "invite_id": iid})
        )
        .await,
        "name_taken"
    );
    let acc = user_ok(
        &emu,
        "conversations.acceptSharedInvite",
        json!({"channel_name": "with-partner", "invite_id": iid}),
    )
    .await;
    let shared = acc["channel_id"].as_str().unwrap().to_owned();
    let info = user_ok(&emu, "conversations.info", json!({"channel": shared})).await;
    assert_eq!(info["channel"]["name"], "with-partner");
    assert_eq!(
        user_fail(
            &emu,
            "conversations.acceptSharedInvite",
            json!({"channel_name": "again", "invite_id": iid})
        )
        .await,
        "invite_used"
    );
    // Invites out.
    let random = emu.channel_id("random").unwrap();
    for (args, code) in [
        (
            json!({"channel": random, "emails": "not-an-email"}),
            "invalid_email",
        ),
        (
            json!({"channel": random, "emails": "a@x.io,b@x.io,c@x.io,d@x.io"}),
            "too_many_emails",
        ),
        (
            json!({"channel": general, "emails": "a@x.io"}),
            "cannot_share_mandatory_channel",
        ),
        (
            json!({"channel": im, "emails": "a@x.io"}),
            "invalid_channel_type",
        ),
    ] {
        assert_eq!(
            user_fail(&emu, "conversations.inviteShared", args).await,
            code
        );
    }
    let out = user_ok(
        &emu,
        "conversations.inviteShared",
        json!({"channel": random, "emails": "partner@partner.example.com"}),
    )
    .await;
    let oid = out["invite_id"].as_str().unwrap().to_owned();
    user_ok(
        &emu,
        "conversations.declineSharedInvite",
        json!({"invite_id": oid}),
    )
    .await;
    assert_eq!(
        user_fail(
            &emu,
            "conversations.approveSharedInvite",
            json!({"invite_id": oid})
        )
        .await,
        "approval_inactive"
    );
    let org = ok(&emu, "team.externalTeams.list", json!({})).await["organizations"][0]["team_id"]
        .as_str()
        .unwrap()
        .to_owned();
    user_ok(
        &emu,
        "conversations.externalInvitePermissions.set",
        json!({"channel": random, "target_team": org, "action": "downgrade"}),
    )
    .await;
    assert_eq!(
        user_fail(
            &emu,
            "conversations.externalInvitePermissions.set",
            json!({"channel": random, "target_team": org, "action": "sideways"})
        )
        .await,
        "invalid_action"
    );
}

#[tokio::test]
async fn me_messages_streams_unfurls_and_dialogs() {
    let emu = emulator().await;
    let general = emu.channel_id("general").unwrap();
    let me = ok(
        &emu,
        "chat.meMessage",
        json!({"channel": general, "text": "waves"}),
    )
    .await;
    let stored = emu.messages(&general).last().cloned().unwrap();
    assert_eq!(stored["subtype"], "me_message");
    assert_eq!(stored["ts"], me["ts"]);
    assert_eq!(
        fail(
            &emu,
            "chat.meMessage",
            json!({"channel": general, "text": " "})
        )
        .await,
        "no_text"
    );
    // A streamed message grows, then stops.
    let s = ok(
        &emu,
        "chat.startStream",
        json!({"channel": general, "markdown_text": "Hel"}),
    )
    .await;
    let ts = s["ts"].as_str().unwrap().to_owned();
    ok(
        &emu,
        "chat.appendStream",
        json!({"channel": general, "ts": ts, "markdown_text": "lo",
               "chunks": [{"type": "markdown_text", "text": ","}]}),
    )
    .await;
    let done = ok(
        &emu,
        "chat.stopStream",
        json!({"channel": general, "ts": ts, "markdown_text": " world"}),
    )
    .await;
    assert_eq!(done["message"]["text"], "Hello, world");
    assert_eq!(
        fail(
            &emu,
            "chat.stopStream",
            json!({"channel": general, "ts": ts})
        )
        .await,
        "message_not_in_streaming_state"
    );
    let ada_post = user_ok(
        &emu,
        "chat.postMessage",
        json!({"channel": general, "text": "see https://example.com"}),
    )
    .await;
    let ats = ada_post["ts"].as_str().unwrap().to_owned();
    assert_eq!(
        fail(
            &emu,
            "chat.appendStream",
            json!({"channel": general, "ts": ats, "markdown_text": "x"})
        )
        .await,
        "message_not_owned_by_app"
    );
    // Unfurls attach to the message.
    ok(
        &emu,
        "chat.unfurl",
        json!({"channel": general, "ts": ats,
               "unfurls": {"https://example.com": {"title": "Example", "text": "An example page"}}}),
    )
    .await;
    let m = emu.messages(&general).last().cloned().unwrap();
    assert_eq!(m["attachments"][0]["app_unfurl_url"], "https://example.com");
    assert_eq!(m["attachments"][0]["title"], "Example");
    for (args, code) in [
        (
            json!({"channel": general, "ts": ats, "unfurls": "{nope"}),
            "invalid_unfurls_format",
        ),
        (
            json!({"channel": general, "ts": "1.000001", "unfurls": {}}),
            "cannot_find_message",
        ),
        (json!({"ts": ats, "unfurls": {}}), "missing_channel"),
        (json!({"unfurl_id": "x"}), "missing_source"),
    ] {
        assert_eq!(fail(&emu, "chat.unfurl", args).await, code);
    }
    // Dialogs: every problem listed.
    let dialog = json!({
        "callback_id": "cb", "title": "A title far too long to fit",
        "elements": [
            {"type": "text", "label": "Name", "name": "n", "max_length": 500},
            {"type": "select", "label": "Pick", "name": "n"},
            {"type": "date", "label": "When", "name": "w"},
        ],
    });
    let v = call_with(
        &emu,
        &emu.bot_token(),
        "dialog.open",
        json!({"trigger_id": "1.2.3", "dialog": dialog.to_string()}),
    )
    .await
    .json();
    assert_eq!(v["error"], "validation_errors");
    let msgs: Vec<&str> = v["response_metadata"]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(msgs.len(), 5, "{msgs:?}");
    assert!(msgs[0].ends_with("[json-pointer:/dialog/title]"));
    assert!(msgs.iter().any(|m| m.contains("/dialog/elements/1/name")));
    assert!(msgs.iter().any(|m| m.contains("/dialog/elements/2/type")));
    let good = json!({"callback_id": "cb", "title": "Request",
                      "elements": [{"type": "textarea", "label": "Why", "name": "why"}]});
    ok(
        &emu,
        "dialog.open",
        json!({"trigger_id": "1.2.3", "dialog": good.to_string()}),
    )
    .await;
    assert_eq!(
        fail(
            &emu,
            "dialog.open",
            json!({"trigger_id": "", "dialog": good.to_string()})
        )
        .await,
        "missing_trigger"
    );
}
