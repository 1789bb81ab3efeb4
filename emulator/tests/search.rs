//! `search.messages`, `search.files`, `search.all` over raw HTTP: Slack's query syntax,
//! visibility, sorting, paging, and an index that follows edits and deletes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{call_with, emulator, fail, ok, post, send};
use http::Method;
use serde_json::{json, Value};
use slack_emulator::Emulator;

/// `search.messages` as ada (user token); the answer, `ok` checked.
async fn search(emu: &Emulator, args: Value) -> Value {
    let v = call_with(emu, &emu.user_token(), "search.messages", args.clone())
        .await
        .json();
    assert_eq!(v["ok"], true, "{args}: {v}");
    v
}

fn ada_id(emu: &Emulator) -> String {
    emu.user_id("ada").unwrap()
}

/// The texts of the matches of `query`, in answer order.
async fn texts(emu: &Emulator, query: &str) -> Vec<String> {
    let v = search(emu, json!({"query": query, "count": 100})).await;
    v["messages"]["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn query_syntax_filters_and_visibility() {
    let emu = emulator().await;
    post(&emu, "general", "Deploy of build 41 failed").await;
    post(&emu, "random", "the deploy is green, deploy again?").await;
    post(&emu, "secret-plans", "secret deploy plans").await;
    emu.post_as(&ada_id(&emu), "outside", "nothing to see")
        .unwrap();
    let ada = emu.user_id("ada").unwrap();
    emu.post_as(&ada, "general", "deployment notes by ada")
        .unwrap();
    emu.post_as(&ada, "outside", "a deploy where the bot is not")
        .unwrap();
    // Words are case-insensitive; the best score first, then newest.
    assert_eq!(
        texts(&emu, "deploy").await,
        [
            "the deploy is green, deploy again?",
            "a deploy where the bot is not",
            "secret deploy plans",
            "Deploy of build 41 failed",
        ]
    );
    assert_eq!(texts(&emu, "deploy*").await.len(), 5);
    assert_eq!(
        texts(&emu, "deploy in:#general").await,
        ["Deploy of build 41 failed"]
    );
    assert_eq!(
        texts(&emu, &format!("deploy* from:<@{ada}>")).await,
        ["a deploy where the bot is not", "deployment notes by ada"]
    );
    assert_eq!(
        texts(&emu, "deploy* from:me -notes").await,
        ["a deploy where the bot is not"]
    );
    assert_eq!(
        texts(&emu, "\"build 41\"").await,
        ["Deploy of build 41 failed"]
    );
    assert!(texts(&emu, "\"41 build\"").await.is_empty());
    assert!(texts(&emu, "deploy in:#nowhere").await.is_empty());
    assert!(texts(&emu, "deploy from:@nobody").await.is_empty());
    // What grace cannot see is not found for her.
    let grace = "xoxp-search-grace";
    emu.add_token(grace, emu.user_id("grace").as_deref(), &["search:read"]);
    let hers = call_with(&emu, grace, "search.messages", json!({"query": "secret"}))
        .await
        .json();
    assert_eq!(hers["messages"]["total"], 0);
    assert_eq!(texts(&emu, "secret").await, ["secret deploy plans"]);
    // The answer's shape.
    let v = search(&emu, json!({"query": "failed"})).await;
    let m = &v["messages"]["matches"][0];
    let general = emu.channel_id("general").unwrap();
    assert_eq!(m["channel"]["id"], general.as_str());
    assert_eq!(m["channel"]["name"], "general");
    assert_eq!(m["user"], emu.bot_user_id().as_str());
    assert_eq!(m["username"], "emulator-bot");
    assert_eq!(m["type"], "message");
    assert!(m["permalink"].as_str().unwrap().contains(&general));
    assert_eq!(v["query"], "failed");
    // Checks.
    let err = call_with(
        &emu,
        &emu.user_token(),
        "search.messages",
        json!({"query": "  "}),
    )
    .await
    .json();
    assert_eq!(err["error"], "no_query");
    assert_eq!(
        fail(&emu, "search.messages", json!({"query": "deploy"})).await,
        "not_allowed_token_type"
    );
}

#[tokio::test]
async fn sorting_and_paging() {
    let emu = emulator().await;
    let mut stamps = Vec::new();
    for i in 0..25 {
        stamps.push(post(&emu, "general", &format!("report number {i}")).await);
    }
    let v = search(
        &emu,
        json!({"query": "report", "sort": "timestamp", "count": 10, "page": 3}),
    )
    .await;
    let block = &v["messages"];
    assert_eq!(block["total"], 25);
    assert_eq!(
        block["paging"],
        json!({"count": 10, "total": 25, "page": 3, "pages": 3})
    );
    assert_eq!(
        block["pagination"],
        json!({"total_count": 25, "page": 3, "per_page": 10, "page_count": 3, "first": 21, "last": 25})
    );
    let got: Vec<&str> = block["matches"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["ts"].as_str())
        .collect();
    let want: Vec<&str> = stamps[..5].iter().rev().map(String::as_str).collect();
    assert_eq!(got, want);
    let asc = search(
        &emu,
        json!({"query": "report", "sort": "timestamp", "sort_dir": "asc", "count": 2}),
    )
    .await;
    assert_eq!(asc["messages"]["matches"][0]["ts"], stamps[0].as_str());
    // Default count is 20.
    let first = search(&emu, json!({"query": "report"})).await;
    assert_eq!(first["messages"]["matches"].as_array().unwrap().len(), 20);
    assert_eq!(first["messages"]["paging"]["count"], 20);
    // Cursor paging goes through everything once.
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let from = if cursor.is_empty() {
            "*"
        } else {
            cursor.as_str()
        };
        let args = json!({"query": "report", "sort": "timestamp", "count": 7, "cursor": from});
        let v = search(&emu, args).await;
        for m in v["messages"]["matches"].as_array().unwrap() {
            seen.push(m["ts"].as_str().unwrap().to_owned());
        }
        cursor = v["messages"]["response_metadata"]["next_cursor"]
            .as_str()
            .unwrap_or("")
            .to_owned();
        if cursor.is_empty() {
            break;
        }
    }
    seen.reverse();
    assert_eq!(seen, stamps);
}

#[tokio::test]
async fn the_index_follows_edits_deletes_and_threads() {
    let emu = emulator().await;
    let general = emu.channel_id("general").unwrap();
    let ts = post(&emu, &general, "first draft").await;
    assert_eq!(texts(&emu, "draft").await, ["first draft"]);
    ok(
        &emu,
        "chat.update",
        json!({"channel": general, "ts": ts, "text": "final copy"}),
    )
    .await;
    assert!(texts(&emu, "draft").await.is_empty());
    assert_eq!(texts(&emu, "final").await, ["final copy"]);
    let reply = ok(
        &emu,
        "chat.postMessage",
        json!({"channel": general, "thread_ts": ts, "text": "a threaded remark"}),
    )
    .await;
    assert_eq!(texts(&emu, "remark").await, ["a threaded remark"]);
    ok(
        &emu,
        "chat.delete",
        json!({"channel": general, "ts": reply["ts"]}),
    )
    .await;
    assert!(texts(&emu, "remark").await.is_empty());
    // Attachments' text counts.
    ok(
        &emu,
        "chat.postMessage",
        json!({"channel": general, "attachments": [{"fallback": "quarterly figures"}]}),
    )
    .await;
    assert_eq!(texts(&emu, "quarterly").await.len(), 1);
    // has: filters.
    post(&emu, &general, "see https://example.com for details").await;
    assert_eq!(
        texts(&emu, "has:link").await,
        ["see https://example.com for details"]
    );
    // A reset workspace is searched afresh.
    emu.reset();
    assert!(texts(&emu, "final").await.is_empty());
    post(&emu, &general, "after the reset").await;
    assert_eq!(texts(&emu, "reset").await, ["after the reset"]);
}

#[tokio::test]
async fn files_and_all() {
    let emu = emulator().await;
    let general = emu.channel_id("general").unwrap();
    // Upload one file and share it in #general.
    let v = common::form(
        &emu,
        "files.getUploadURLExternal",
        &[
            ("token", &emu.bot_token()),
            ("filename", "quarterly-report.csv"),
            ("length", "4"),
        ],
    )
    .await
    .json();
    let url = v["upload_url"].as_str().unwrap().to_owned();
    let id = v["file_id"].as_str().unwrap().to_owned();
    let path = url[format!("http://{}", emu.addr()).len()..].to_owned();
    send(&emu, Method::POST, &path, &[], "a,b\n").await.unwrap();
    ok(
        &emu,
        "files.completeUploadExternal",
        json!({"files": [{"id": id, "title": "Quarterly Report"}], "channel_id": general}),
    )
    .await;
    post(&emu, &general, "the quarterly numbers are in").await;
    let files = call_with(
        &emu,
        &emu.user_token(),
        "search.files",
        json!({"query": "quarterly"}),
    )
    .await
    .json();
    assert_eq!(files["files"]["total"], 1, "{files}");
    assert_eq!(files["files"]["matches"][0]["id"], id.as_str());
    let none = call_with(
        &emu,
        &emu.user_token(),
        "search.files",
        json!({"query": "quarterly -report"}),
    )
    .await
    .json();
    assert_eq!(none["files"]["total"], 0);
    let all = call_with(
        &emu,
        &emu.user_token(),
        "search.all",
        json!({"query": "quarterly"}),
    )
    .await
    .json();
    assert_eq!(all["ok"], true);
    assert_eq!(all["files"]["total"], 1);
    assert_eq!(
        all["messages"]["matches"][0]["text"],
        "the quarterly numbers are in"
    );
}
