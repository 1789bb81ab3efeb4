//! The emulator's Web API over real loopback sockets, through our client where it exists and
//! raw HTTP where it does not.
#![allow(clippy::unwrap_used)]

mod common;

use futures_util::StreamExt;
use http::Method;
use serde_json::json;
use slack_sdk::api::{auth, chat, conversations, reactions, users, views};
use slack_sdk::{Args, Error};

fn code(e: &Error) -> String {
    e.api_code()
        .map(|c| c.as_str().to_owned())
        .unwrap_or_else(|| format!("{e:?}"))
}

#[tokio::test]
async fn auth_errors_are_slacks() {
    let emu = common::emulator().await;
    let none = common::raw(&emu, Method::POST, "/api/auth.test", &[], "")
        .await
        .unwrap();
    assert_eq!(
        common::json(&none),
        json!({"ok": false, "error": "not_authed"})
    );
    let bad = common::client_with_token(&emu, "xoxb-nope");
    assert_eq!(
        code(&bad.call(auth::Test::new()).await.unwrap_err()),
        "invalid_auth"
    );
    emu.add_token("xoxb-limited", None, &["users:read"]);
    let limited = common::client_with_token(&emu, "xoxb-limited");
    let e = limited
        .call(chat::PostMessage::new("general").text("x"))
        .await
        .unwrap_err();
    let Error::Api(api) = &e else { panic!("{e:?}") };
    assert_eq!(api.code.as_str(), "missing_scope");
    assert_eq!(api.needed.as_deref(), Some("chat:write"));
    assert_eq!(api.provided.as_deref(), Some("users:read"));
    // Token as an argument works too.
    let r = common::raw(
        &emu,
        Method::POST,
        "/api/auth.test",
        &[("content-type", "application/x-www-form-urlencoded")],
        format!("token={}", emu.bot_token()).into_bytes(),
    )
    .await
    .unwrap();
    assert_eq!(common::json(&r)["user_id"], emu.bot_user_id());
}

#[tokio::test]
async fn argument_and_method_errors() {
    let emu = common::emulator().await;
    let c = common::one_shot(&emu);
    let e = c
        .api_call("chat.postMessage", Args::new().set("text", "no channel"))
        .await
        .unwrap_err();
    let Error::Api(api) = &e else { panic!("{e:?}") };
    assert_eq!(api.code.as_str(), "invalid_arguments");
    assert_eq!(api.messages, ["[ERROR] missing required field: channel"]);
    assert_eq!(
        code(&c.api_call("nope.nothing", Args::new()).await.unwrap_err()),
        "unknown_method"
    );
    assert_eq!(
        code(&c.api_call("channels.list", Args::new()).await.unwrap_err()),
        "method_deprecated"
    );
    let e = c
        .api_call("admin.workflows.search", Args::new())
        .await
        .unwrap_err();
    assert_eq!(code(&e), "emulator_not_implemented");
    assert!(e.to_string().contains("emulator_not_implemented"));
    let raw = common::raw(
        &emu,
        Method::POST,
        "/api/admin.workflows.search",
        &[("authorization", &format!("Bearer {}", emu.bot_token()))],
        "",
    )
    .await
    .unwrap();
    assert!(common::json(&raw)["detail"]
        .as_str()
        .unwrap()
        .contains("admin.workflows.search"));
}

#[tokio::test]
async fn every_body_encoding() {
    let emu = common::emulator().await;
    let general = emu.channel_id("general").unwrap();
    let auth = format!("Bearer {}", emu.bot_token());
    let form = common::raw(
        &emu,
        Method::POST,
        "/api/chat.postMessage",
        &[
            ("authorization", &auth),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
        format!("channel={general}&text=form").into_bytes(),
    )
    .await
    .unwrap();
    assert_eq!(common::json(&form)["ok"], true);
    let body =
        json!({"channel": general, "text": "json", "blocks": [{"type": "divider"}]}).to_string();
    let js = common::raw(
        &emu,
        Method::POST,
        "/api/chat.postMessage",
        &[
            ("authorization", &auth),
            ("content-type", "application/json; charset=utf-8"),
        ],
        body.into_bytes(),
    )
    .await
    .unwrap();
    assert_eq!(common::json(&js)["message"]["blocks"][0]["type"], "divider");
    let mp = format!("--b0undary\r\nContent-Disposition: form-data; name=\"channel\"\r\n\r\n{general}\r\n--b0undary\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nmultipart\r\n--b0undary--\r\n");
    let r = common::raw(
        &emu,
        Method::POST,
        "/api/chat.postMessage",
        &[
            ("authorization", &auth),
            ("content-type", "multipart/form-data; boundary=b0undary"),
        ],
        mp.into_bytes(),
    )
    .await
    .unwrap();
    assert_eq!(common::json(&r)["message"]["text"], "multipart");
    let q = common::raw(
        &emu,
        Method::GET,
        &format!("/api/conversations.info?channel={general}&include_num_members=true"),
        &[("authorization", &auth)],
        "",
    )
    .await
    .unwrap();
    assert_eq!(common::json(&q)["channel"]["num_members"], 4);
    let texts: Vec<String> = emu
        .messages(&general)
        .iter()
        .map(|m| m["text"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(texts, ["form", "json", "multipart"]);
}

#[tokio::test]
async fn bad_bodies_get_slack_errors_and_the_server_keeps_serving() {
    let emu = common::emulator().await;
    let auth = format!("Bearer {}", emu.bot_token());
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("application/json", b"{not json".to_vec(), "invalid_json"),
        ("application/json", b"[1,2]".to_vec(), "invalid_json"),
        (
            "application/x-www-form-urlencoded",
            b"text=\xff\xfe".to_vec(),
            "invalid_form_data",
        ),
        (
            "multipart/form-data; boundary=x",
            b"garbage".to_vec(),
            "invalid_form_data",
        ),
        ("application/xml", b"<a/>".to_vec(), "invalid_post_type"),
    ];
    for (ct, body, want) in cases {
        let r = common::raw(
            &emu,
            Method::POST,
            "/api/chat.postMessage",
            &[("authorization", &auth), ("content-type", ct)],
            body,
        )
        .await
        .unwrap();
        assert_eq!(common::json(&r)["error"], want, "{ct}");
    }
    let big = vec![b'a'; 9 * 1024 * 1024];
    let r = common::raw(
        &emu,
        Method::POST,
        "/api/chat.postMessage",
        &[("authorization", &auth)],
        big,
    )
    .await
    .unwrap();
    assert_eq!(r.status, 413);
    assert_eq!(common::json(&r)["error"], "request_too_large");
    // Still serving.
    assert!(common::client(&emu).call(auth::Test::new()).await.is_ok());
}

#[tokio::test]
async fn threads_edits_deletes_and_reactions() {
    let emu = common::emulator().await;
    let c = common::client(&emu);
    let general = emu.channel_id("general").unwrap();
    let parent = c
        .call(chat::PostMessage::new(&general).text("parent"))
        .await
        .unwrap();
    let r1 = c
        .call(
            chat::PostMessage::new(&general)
                .text("r1")
                .thread_ts(&parent.ts),
        )
        .await
        .unwrap();
    let r2 = c
        .call(
            chat::PostMessage::new(&general)
                .text("r2")
                .thread_ts(&parent.ts)
                .reply_broadcast(true),
        )
        .await
        .unwrap();
    assert!(r1.ts > parent.ts && r2.ts > r1.ts, "timestamps increase");
    let replies = c
        .call(conversations::Replies::new(&general, &parent.ts))
        .await
        .unwrap();
    assert_eq!(replies.messages.len(), 3);
    let history = c.call(conversations::History::new(&general)).await.unwrap();
    let texts: Vec<&str> = history
        .messages
        .iter()
        .map(|m| m.text.as_deref().unwrap())
        .collect();
    assert_eq!(
        texts,
        ["r2", "parent"],
        "newest first; only broadcast replies at top level"
    );
    assert_eq!(history.messages[1].reply_count, Some(2));
    assert_eq!(
        history.messages[0].subtype.as_deref(),
        Some("thread_broadcast")
    );

    let up = c
        .call(chat::Update::new(&general, &parent.ts).text("edited"))
        .await
        .unwrap();
    assert_eq!(up.text.as_deref(), Some("edited"));
    assert!(emu.messages(&general)[0]["edited"]["ts"].is_string());
    let ada = common::client_with_token(&emu, &emu.user_token());
    assert_eq!(
        code(
            &ada.call(chat::Update::new(&general, &parent.ts).text("hijack"))
                .await
                .unwrap_err()
        ),
        "cant_update_message"
    );
    assert_eq!(
        code(
            &ada.call(chat::Delete::new(&general, &parent.ts))
                .await
                .unwrap_err()
        ),
        "cant_delete_message"
    );

    c.call(reactions::Add::new(&general, &parent.ts, "tada"))
        .await
        .unwrap();
    assert_eq!(
        code(
            &c.call(reactions::Add::new(&general, &parent.ts, "tada"))
                .await
                .unwrap_err()
        ),
        "already_reacted"
    );
    ada.call(reactions::Add::new(&general, &parent.ts, "tada"))
        .await
        .unwrap();
    assert_eq!(emu.messages(&general)[0]["reactions"][0]["count"], 2);
    c.call(
        reactions::Remove::new("tada")
            .channel(&general)
            .timestamp(&parent.ts),
    )
    .await
    .unwrap();
    assert_eq!(
        code(
            &c.call(
                reactions::Remove::new("tada")
                    .channel(&general)
                    .timestamp(&parent.ts)
            )
            .await
            .unwrap_err()
        ),
        "no_reaction"
    );

    c.call(chat::Delete::new(&general, &r1.ts)).await.unwrap();
    assert_eq!(
        code(
            &c.call(chat::Delete::new(&general, &r1.ts))
                .await
                .unwrap_err()
        ),
        "message_not_found"
    );
    assert_eq!(
        code(&c.call(chat::PostMessage::new(&general)).await.unwrap_err()),
        "no_text"
    );
    let long = "x".repeat(40_001);
    assert_eq!(
        code(
            &c.call(chat::PostMessage::new(&general).text(long))
                .await
                .unwrap_err()
        ),
        "msg_too_long"
    );
}

#[tokio::test]
async fn conversations_lifecycle() {
    let emu = common::emulator().await;
    let c = common::client(&emu);
    let created = c
        .call(conversations::Create::new("project-x").is_private(true))
        .await
        .unwrap();
    let id = created.channel.id.clone();
    assert!(created.channel.is_private);
    assert_eq!(
        code(
            &c.call(conversations::Create::new("project-x"))
                .await
                .unwrap_err()
        ),
        "name_taken"
    );
    assert_eq!(
        code(
            &c.call(conversations::Create::new("Bad Name!"))
                .await
                .unwrap_err()
        ),
        "invalid_name_specials"
    );
    c.call(conversations::Archive::new(&id)).await.unwrap();
    assert_eq!(
        code(&c.call(conversations::Archive::new(&id)).await.unwrap_err()),
        "already_archived"
    );
    assert_eq!(
        code(
            &c.call(chat::PostMessage::new(&id).text("x"))
                .await
                .unwrap_err()
        ),
        "is_archived"
    );
    c.call(conversations::Unarchive::new(&id)).await.unwrap();
    c.call(chat::PostMessage::new(&id).text("back"))
        .await
        .unwrap();

    let outside = emu.channel_id("outside").unwrap();
    assert_eq!(
        code(
            &c.call(chat::PostMessage::new(&outside).text("x"))
                .await
                .unwrap_err()
        ),
        "not_in_channel"
    );
    c.call(conversations::Join::new(&outside)).await.unwrap();
    let again = c.call(conversations::Join::new(&outside)).await.unwrap();
    assert_eq!(again.warning.as_deref(), Some("already_in_channel"));
    c.call(chat::PostMessage::new(&outside).text("now in"))
        .await
        .unwrap();
    let members = c
        .call(conversations::Members::new(&outside).limit(2))
        .await
        .unwrap();
    assert_eq!(members.members.len(), 2);
    assert!(!members.response_metadata.next_cursor.is_empty());
    c.call(conversations::Leave::new(&outside)).await.unwrap();
    let left = c.call(conversations::Leave::new(&outside)).await.unwrap();
    assert!(left.not_in_channel);

    let info = c
        .call(
            conversations::Info::new(&id)
                .include_num_members(true)
                .include_locale(true),
        )
        .await
        .unwrap();
    assert_eq!(info.channel.num_members, Some(1));
    assert_eq!(info.raw().get("channel")["locale"], "en-US");

    let ada = emu.user_id("ada").unwrap();
    let grace = emu.user_id("grace").unwrap();
    let im = c
        .call(conversations::Open::new().users([ada.as_str()]))
        .await
        .unwrap();
    assert!(im.already_open, "the seeded IM is reused");
    let mp = c
        .call(
            conversations::Open::new()
                .users([ada.as_str(), grace.as_str()])
                .return_im(true),
        )
        .await
        .unwrap();
    assert!(mp.channel.is_mpim);
}

#[tokio::test]
async fn list_paginates_with_types_and_archived() {
    let emu = common::emulator().await;
    let c = common::client(&emu);
    for i in 0..7 {
        c.call(conversations::Create::new(format!("extra-{i}")))
            .await
            .unwrap();
    }
    let archived = c
        .call(conversations::Create::new("old-stuff"))
        .await
        .unwrap();
    c.call(conversations::Archive::new(&archived.channel.id))
        .await
        .unwrap();
    let pages: Vec<_> = c
        .pages(
            conversations::List::new()
                .limit(3)
                .exclude_archived(true)
                .types(["public_channel", "private_channel"]),
        )
        .collect()
        .await;
    assert!(pages.len() >= 4);
    let names: Vec<String> = pages
        .into_iter()
        .flat_map(|p| p.unwrap().into_inner().channels)
        .filter_map(|c| c.name)
        .collect();
    assert!(names.contains(&"secret-plans".to_owned()));
    assert!(!names.contains(&"old-stuff".to_owned()));
    assert_eq!(names.len(), 4 + 7);
    let e = c
        .call(conversations::List::new().cursor("garbage!!"))
        .await
        .unwrap_err();
    assert_eq!(code(&e), "invalid_cursor");
    let ims = c
        .call(conversations::List::new().types(["im"]))
        .await
        .unwrap();
    assert!(ims.channels.iter().all(|c| c.is_im));
}

#[tokio::test]
async fn users() {
    let emu = common::emulator().await;
    let c = common::client(&emu);
    let ada = emu.user_id("ada").unwrap();
    let info = c.call(users::Info::new(&ada)).await.unwrap();
    assert_eq!(info.user.name, "ada");
    assert_eq!(
        info.user.profile.as_ref().unwrap().email.as_deref(),
        Some("ada@example.com")
    );
    let by_email = c
        .call(users::LookupByEmail::new("grace@example.com"))
        .await
        .unwrap();
    assert_eq!(by_email.user.name, "grace");
    assert_eq!(
        code(&c.call(users::Info::new("UNOPE")).await.unwrap_err()),
        "user_not_found"
    );
    let all: Vec<_> = c.pages(users::List::new().limit(2)).collect().await;
    assert_eq!(all.len(), 2);
}

#[tokio::test]
async fn files_v2_end_to_end() {
    use slack_sdk::files::{FilesUploadV2, UploadFile};
    let emu = common::emulator().await;
    let c = common::client(&emu);
    let general = emu.channel_id("general").unwrap();
    let parent = c
        .call(chat::PostMessage::new(&general).text("files below"))
        .await
        .unwrap();
    let dir = std::env::temp_dir().join(format!("slack-sdk-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("report.csv");
    std::fs::write(&path, "a,b\n1,2\n").unwrap();
    let done = c
        .files_upload_v2(
            FilesUploadV2::new(UploadFile::path(&path).unwrap().title("Report"))
                .file(UploadFile::bytes("notes.txt", "hello").snippet_type("text"))
                .channel(&general)
                .thread_ts(&parent.ts)
                .initial_comment("two files"),
        )
        .await
        .unwrap();
    assert_eq!(done.files.len(), 2);
    assert_eq!(done.files[0].title.as_deref(), Some("Report"));
    let msgs = emu.messages(&general);
    let share = msgs.last().unwrap();
    assert_eq!(share["subtype"], "file_share");
    assert_eq!(share["thread_ts"], parent.ts.as_str());
    assert_eq!(share["text"], "two files");
    assert_eq!(share["files"][0]["size"], 8);
    // From an AsyncRead.
    let reader = futures_util::io::Cursor::new(b"streamed!".to_vec());
    let r = c
        .files_upload_v2(
            FilesUploadV2::new(UploadFile::reader("r.txt", 9, reader)).channel(&general),
        )
        .await
        .unwrap();
    let state = emu.state();
    let f = state["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == r.files[0].id.as_str())
        .unwrap();
    assert_eq!(f["size"], 9);
    // Completing an unknown id is Slack's error; an upload URL for a missing id is 404.
    let e = c
        .api_call(
            "files.completeUploadExternal",
            Args::new().set("files", json!([{"id": "FNOPE"}])),
        )
        .await
        .unwrap_err();
    assert_eq!(code(&e), "file_not_found");
    let r = common::raw(&emu, Method::POST, "/upload/FNOPE", &[], "x")
        .await
        .unwrap();
    assert_eq!(r.status, 404);
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn remote_files_with_preview() {
    use slack_sdk::FilePart;
    let emu = common::emulator().await;
    let c = common::client(&emu);
    let args = Args::new()
        .set("external_id", "ext-1")
        .set("external_url", "https://example.com/doc")
        .set("title", "Doc")
        .file(
            FilePart::new("preview_image", "preview.png", &b"\x89PNG\r\n"[..])
                .content_type("image/png"),
        );
    let added = c.api_call("files.remote.add", args).await.unwrap();
    assert_eq!(added.get("file")["has_rich_preview"], true);
    assert_eq!(added.get("file")["preview_image_name"], "preview.png");
    let general = emu.channel_id("general").unwrap();
    c.api_call(
        "files.remote.share",
        Args::new()
            .set("external_id", "ext-1")
            .set("channels", general.clone()),
    )
    .await
    .unwrap();
    assert_eq!(
        emu.messages(&general).last().unwrap()["subtype"],
        "file_share"
    );
    c.api_call(
        "files.remote.update",
        Args::new()
            .set("external_id", "ext-1")
            .set("title", "Doc v2"),
    )
    .await
    .unwrap();
    let info = c
        .api_call("files.remote.info", Args::new().set("external_id", "ext-1"))
        .await
        .unwrap();
    assert_eq!(info.get("file")["title"], "Doc v2");
    c.api_call(
        "files.remote.remove",
        Args::new().set("external_id", "ext-1"),
    )
    .await
    .unwrap();
    let e = c
        .api_call("files.remote.info", Args::new().set("external_id", "ext-1"))
        .await
        .unwrap_err();
    assert_eq!(code(&e), "file_not_found");
}

#[tokio::test]
async fn views_with_hash_conflict() {
    let emu = common::emulator().await;
    let c = common::client(&emu);
    let modal =
        json!({"type": "modal", "title": {"type": "plain_text", "text": "Hi"}, "blocks": []});
    let opened = c
        .call(views::Open::new(&modal).trigger_id(emu.issue_trigger_id()))
        .await
        .unwrap();
    let id = opened.view.id.clone();
    let hash = opened.view.hash.clone();
    let updated = c
        .call(views::Update::new(&modal).view_id(&id).hash(&hash))
        .await
        .unwrap();
    assert_ne!(updated.view.hash, hash);
    let e = c
        .call(views::Update::new(&modal).view_id(&id).hash(&hash))
        .await
        .unwrap_err();
    assert_eq!(code(&e), "hash_conflict");
    let pushed = c
        .call(views::Push::new(&modal).trigger_id(emu.issue_trigger_id()))
        .await
        .unwrap();
    assert_ne!(pushed.view.id, id);
    let home = json!({"type": "home", "blocks": []});
    let ada = emu.user_id("ada").unwrap();
    c.call(views::Publish::new(&ada, &home)).await.unwrap();
    let bad = json!({"type": "popup"});
    assert_eq!(
        code(
            &c.call(views::Open::new(&bad).trigger_id("t"))
                .await
                .unwrap_err()
        ),
        "invalid_arguments"
    );
}

#[tokio::test]
async fn state_endpoint_and_two_emulators() {
    let a = common::emulator().await;
    let b = common::emulator().await;
    assert_ne!(a.base_url(), b.base_url());
    assert_ne!(a.bot_token(), b.bot_token());
    let ca = common::client(&a);
    let general = a.channel_id("general").unwrap();
    ca.call(chat::PostMessage::new(&general).text("only in a"))
        .await
        .unwrap();
    assert!(b.messages(&b.channel_id("general").unwrap()).is_empty());
    let state = common::raw(&a, Method::GET, "/_emulator/state", &[], "")
        .await
        .unwrap();
    let state = common::json(&state);
    let gen = state["channels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == general.as_str())
        .unwrap();
    assert_eq!(gen["messages"][0]["text"], "only in a");
    assert_eq!(state, a.state());
    // The bot token of one emulator means nothing to the other.
    let cross = common::client_with_token(&b, &a.bot_token());
    assert_eq!(
        code(&cross.call(auth::Test::new()).await.unwrap_err()),
        "invalid_auth"
    );
}

#[tokio::test]
async fn graceful_shutdown_stops_serving() {
    let emu = common::emulator().await;
    let c = common::one_shot(&emu);
    c.call(auth::Test::new()).await.unwrap();
    let addr = emu.addr();
    emu.shutdown().await;
    let e = c.call(auth::Test::new()).await.unwrap_err();
    assert!(e.transport_error().is_some(), "{e:?}");
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}
