//! Files v2 end to end over raw HTTP (upload URL served by the emulator), file info, list,
//! delete and download; remote files with a multipart preview image.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{emulator, fail, ok, post, send};
use http::Method;
use serde_json::json;

/// `files.getUploadURLExternal`: `(upload path, file id)`.
async fn announce(emu: &slack_emulator::Emulator, name: &str, len: usize) -> (String, String) {
    let v = common::form(
        emu,
        "files.getUploadURLExternal",
        &[
            ("token", &emu.bot_token()),
            ("filename", name),
            ("length", &len.to_string()),
        ],
    )
    .await
    .json();
    assert_eq!(v["ok"], true, "{v}");
    let url = v["upload_url"].as_str().unwrap();
    let root = format!("http://{}", emu.addr());
    assert!(url.starts_with(&root), "{url}");
    (
        url[root.len()..].to_owned(),
        v["file_id"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn upload_complete_and_share_into_a_thread() {
    let emu = emulator().await;
    let general = emu.channel_id("general").unwrap();
    let parent = post(&emu, &general, "files below").await;
    // A raw upload, no token, Slack's "OK - <bytes>" answer.
    let (path, csv) = announce(&emu, "report.csv", 8).await;
    let r = send(&emu, Method::POST, &path, &[], "a,b\n1,2\n")
        .await
        .unwrap();
    assert_eq!((r.status, r.text()), (200, "OK - 8".to_owned()));
    // A multipart upload: only the file part counts.
    let (path, txt) = announce(&emu, "notes.txt", 5).await;
    let body =
        "--XyZ\r\nContent-Disposition: form-data; name=\"filename\"; filename=\"notes.txt\"\r\n\
                Content-Type: text/plain\r\n\r\nhello\r\n--XyZ--\r\n";
    let r = send(
        &emu,
        Method::POST,
        &path,
        &[("content-type", "multipart/form-data; boundary=XyZ")],
        body,
    )
    .await
    .unwrap();
    assert_eq!(r.text(), "OK - 5");
    let done = ok(
        &emu,
        "files.completeUploadExternal",
        json!({
            "files": [{"id": csv, "title": "Report"}, {"id": txt}],
            "channel_id": general, "thread_ts": parent, "initial_comment": "two files",
        }),
    )
    .await;
    assert_eq!(
        done["files"],
        json!([{"id": csv, "title": "Report"}, {"id": txt, "title": "notes.txt"}])
    );
    let share = emu.messages(&general).last().cloned().unwrap();
    assert_eq!(share["subtype"], "file_share");
    assert_eq!(share["thread_ts"], parent.as_str());
    assert_eq!(share["text"], "two files");
    assert_eq!(share["files"][0]["size"], 8);
    assert_eq!(share["files"][1]["size"], 5);
    assert_eq!(share["files"][1]["mimetype"], "text/plain");
    let root = emu.messages(&general)[0].clone();
    assert_eq!(root["reply_count"], 1);
    // files.info shows the share.
    let info = ok(&emu, "files.info", json!({"file": csv})).await;
    let f = &info["file"];
    assert_eq!(f["name"], "report.csv");
    assert_eq!(f["title"], "Report");
    assert_eq!(f["channels"], json!([general]));
    assert_eq!(f["is_public"], true);
    assert_eq!(f["shares"]["public"][&general][0]["ts"], share["ts"]);
    // The file's bytes at url_private, with a token.
    let url = f["url_private"].as_str().unwrap();
    let path = &url[format!("http://{}", emu.addr()).len()..];
    let auth = format!("Bearer {}", emu.bot_token());
    let r = send(&emu, Method::GET, path, &[("authorization", &auth)], "")
        .await
        .unwrap();
    assert_eq!((r.status, &r.body[..]), (200, &b"a,b\n1,2\n"[..]));
    let r = send(&emu, Method::GET, path, &[], "").await.unwrap();
    assert_eq!(r.status, 401);
    // Completing again is a no-op: no second share.
    let n = emu.messages(&general).len();
    ok(
        &emu,
        "files.completeUploadExternal",
        json!({"files": [{"id": csv}], "channel_id": general}),
    )
    .await;
    assert_eq!(emu.messages(&general).len(), n);
    // The upload URL is for announced files only.
    let r = send(&emu, Method::POST, "/upload/v1/FNOPE", &[], "x")
        .await
        .unwrap();
    assert_eq!(r.status, 404);
    let (path, _) = announce(&emu, "more.txt", 1).await;
    let mangled = path.replace("/upload/", "/upload/NOPE");
    let r = send(&emu, Method::POST, &mangled, &[], "x").await.unwrap();
    assert_eq!(r.status, 404, "{mangled}");
    let r = send(&emu, Method::GET, &path, &[], "").await.unwrap();
    assert_eq!(r.status, 405);
}

#[tokio::test]
async fn completing_unknown_or_unuploaded_files_fails() {
    let emu = emulator().await;
    let general = emu.channel_id("general").unwrap();
    assert_eq!(
        fail(
            &emu,
            "files.completeUploadExternal",
            json!({"files": [{"id": "FNOPE"}]})
        )
        .await,
        "file_not_found"
    );
    let (_, pending) = announce(&emu, "later.bin", 3).await;
    assert_eq!(
        fail(
            &emu,
            "files.completeUploadExternal",
            json!({"files": [{"id": pending}], "channel_id": general})
        )
        .await,
        "file_not_found"
    );
    assert!(emu.messages(&general).is_empty());
    assert_eq!(
        fail(
            &emu,
            "files.completeUploadExternal",
            json!({"files": "not json"})
        )
        .await,
        "invalid_arguments"
    );
    assert_eq!(
        fail(&emu, "files.completeUploadExternal", json!({"files": []})).await,
        "invalid_arguments"
    );
    let outside = emu.channel_id("outside").unwrap();
    let (path, id) = announce(&emu, "a.txt", 1).await;
    send(&emu, Method::POST, &path, &[], "a").await.unwrap();
    assert_eq!(
        fail(
            &emu,
            "files.completeUploadExternal",
            json!({"files": [{"id": id}], "channel_id": outside})
        )
        .await,
        "not_in_channel"
    );
    assert_eq!(
        fail(
            &emu,
            "files.getUploadURLExternal",
            json!({"filename": "x", "length": "lots"})
        )
        .await,
        "invalid_arguments"
    );
    // Without a channel the file is private and unshared.
    ok(
        &emu,
        "files.completeUploadExternal",
        json!({"files": [{"id": id}]}),
    )
    .await;
    let info = ok(&emu, "files.info", json!({"file": id})).await;
    assert_eq!(info["file"]["channels"], json!([]));
    assert_eq!(info["file"]["is_public"], false);
}

#[tokio::test]
async fn list_and_delete() {
    let emu = emulator().await;
    let general = emu.channel_id("general").unwrap();
    let mut ids = Vec::new();
    for i in 0..3 {
        let (path, id) = announce(&emu, &format!("f{i}.txt"), 2).await;
        send(&emu, Method::POST, &path, &[], "hi").await.unwrap();
        let channel = if i == 0 { json!(general) } else { json!(null) };
        ok(
            &emu,
            "files.completeUploadExternal",
            json!({"files": [{"id": id}], "channel_id": channel}),
        )
        .await;
        ids.push(id);
    }
    let all = ok(&emu, "files.list", json!({})).await;
    assert_eq!(all["files"].as_array().unwrap().len(), 3);
    assert_eq!(all["paging"]["total"], 3);
    let in_general = ok(&emu, "files.list", json!({"channel": general})).await;
    assert_eq!(in_general["files"][0]["id"], ids[0].as_str());
    assert_eq!(in_general["files"].as_array().unwrap().len(), 1);
    let paged = ok(&emu, "files.list", json!({"count": 2, "page": 2})).await;
    assert_eq!(paged["files"].as_array().unwrap().len(), 1);
    assert_eq!(paged["paging"]["pages"], 2);
    ok(&emu, "files.delete", json!({"file": ids[1]})).await;
    assert_eq!(
        fail(&emu, "files.delete", json!({"file": ids[1]})).await,
        "file_not_found"
    );
    assert_eq!(
        fail(&emu, "files.info", json!({"file": ids[1]})).await,
        "file_not_found"
    );
    assert_eq!(emu.state()["files"].as_array().unwrap().len(), 2);
    // Only the uploader may delete.
    let r = common::call_with(
        &emu,
        &emu.user_token(),
        "files.delete",
        json!({"file": ids[0]}),
    )
    .await;
    assert_eq!(r.json()["error"], "cant_delete_file");
}

#[tokio::test]
async fn remote_files_with_a_multipart_preview() {
    let emu = emulator().await;
    let auth = format!("Bearer {}", emu.bot_token());
    let body = b"--bnd\r\nContent-Disposition: form-data; name=\"external_id\"\r\n\r\next-1\r\n\
--bnd\r\nContent-Disposition: form-data; name=\"external_url\"\r\n\r\nhttps://example.com/doc\r\n\
--bnd\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nDoc\r\n\
--bnd\r\nContent-Disposition: form-data; name=\"preview_image\"; filename=\"preview.png\"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n\x00\xff\r\n--bnd--\r\n"
        .to_vec();
    let r = send(
        &emu,
        Method::POST,
        "/api/files.remote.add",
        &[
            ("authorization", &auth),
            ("content-type", "multipart/form-data; boundary=bnd"),
        ],
        body,
    )
    .await
    .unwrap();
    let added = r.json();
    assert_eq!(added["ok"], true, "{added}");
    assert_eq!(added["file"]["has_rich_preview"], true);
    assert_eq!(added["file"]["preview_image_name"], "preview.png");
    assert_eq!(added["file"]["preview_image_size"], 10);
    let id = added["file"]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        fail(
            &emu,
            "files.remote.add",
            json!({"external_id": "ext-1", "external_url": "https://x", "title": "t"})
        )
        .await,
        "already_exists"
    );
    let general = emu.channel_id("general").unwrap();
    ok(
        &emu,
        "files.remote.share",
        json!({"external_id": "ext-1", "channels": general}),
    )
    .await;
    let last = emu.messages(&general).last().cloned().unwrap();
    assert_eq!(last["subtype"], "file_share");
    assert_eq!(last["files"][0]["external_id"], "ext-1");
    ok(
        &emu,
        "files.remote.update",
        json!({"file": id, "title": "Doc v2"}),
    )
    .await;
    let info = ok(&emu, "files.remote.info", json!({"external_id": "ext-1"})).await;
    assert_eq!(info["file"]["title"], "Doc v2");
    assert_eq!(info["file"]["channels"], json!([general]));
    let list = ok(&emu, "files.remote.list", json!({"channel": general})).await;
    assert_eq!(list["files"].as_array().unwrap().len(), 1);
    ok(&emu, "files.remote.remove", json!({"external_id": "ext-1"})).await;
    assert_eq!(
        fail(&emu, "files.remote.info", json!({"file": id})).await,
        "file_not_found"
    );
    assert_eq!(
        fail(&emu, "files.remote.info", json!({})).await,
        "invalid_arguments"
    );
}

/// Only Slack's own name, `alt_txt`, sets a file's alt text; `alt_text` is refused like any
/// argument the method does not take (accepting it hid a client sending the wrong name).
#[tokio::test]
async fn alt_txt_is_the_only_name_for_alt_text() {
    let emu = emulator().await;
    let upload = |arg: &'static str| {
        let emu = &emu;
        async move {
            common::form(
                emu,
                "files.getUploadURLExternal",
                &[
                    ("token", &emu.bot_token()),
                    ("filename", "chart.png"),
                    ("length", "2"),
                    (arg, "a chart"),
                ],
            )
            .await
            .json()
        }
    };
    let wrong = upload("alt_text").await;
    assert_eq!(wrong["ok"], false, "{wrong}");
    assert_eq!(wrong["error"], "invalid_arguments", "{wrong}");

    let v = upload("alt_txt").await;
    let url = v["upload_url"].as_str().unwrap();
    let path = url[format!("http://{}", emu.addr()).len()..].to_owned();
    send(&emu, Method::POST, &path, &[], "hi").await.unwrap();
    let id = v["file_id"].as_str().unwrap().to_owned();
    ok(
        &emu,
        "files.completeUploadExternal",
        json!({"files": [{"id": id, "highlight_type": "png"}]}),
    )
    .await;
    let info = ok(&emu, "files.info", json!({"file": id})).await;
    assert_eq!(info["file"]["alt_txt"], "a chart");
}

/// `channels`: a comma-separated list shares the files into each channel once.
#[tokio::test]
async fn complete_into_several_channels() {
    let emu = emulator().await;
    let general = emu.channel_id("general").unwrap();
    let random = emu.channel_id("random").unwrap();
    let (path, id) = announce(&emu, "a.txt", 2).await;
    send(&emu, Method::POST, &path, &[], "hi").await.unwrap();
    ok(
        &emu,
        "files.completeUploadExternal",
        json!({"files": [{"id": id}], "channels": format!("{general},{random}")}),
    )
    .await;
    for ch in [&general, &random] {
        let last = emu.messages(ch).last().cloned().unwrap();
        assert_eq!(last["files"][0]["id"], id.as_str(), "{ch}");
    }
    let info = ok(&emu, "files.info", json!({"file": id})).await;
    assert_eq!(info["file"]["channels"], json!([general, random]));
    // A channel the bot is not in fails the whole call.
    let outside = emu.channel_id("outside").unwrap();
    let (path, id) = announce(&emu, "b.txt", 2).await;
    send(&emu, Method::POST, &path, &[], "hi").await.unwrap();
    let e = fail(
        &emu,
        "files.completeUploadExternal",
        json!({"files": [{"id": id}], "channels": format!("{general},{outside}")}),
    )
    .await;
    assert_eq!(e, "not_in_channel");
}
