//! Snapshot and restore (`/_emulator/state`), seed files, and persistence across a real
//! crash: the `slack-emulator` binary killed with SIGKILL and started again.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use common::{emulator, ok, send};
use http::Method;
use serde_json::{json, Value};
use slack_emulator::Emulator;

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("slack-emu-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn state_out_and_back_in() {
    let emu = emulator().await;
    let general = emu.channel_id("general").unwrap();
    common::post(&emu, &general, "kept").await;
    let snapshot = send(&emu, Method::GET, "/_emulator/state", &[], "")
        .await
        .unwrap()
        .json();
    assert_eq!(snapshot["version"], 1);
    assert!(snapshot["workspace"].is_object());
    // Readable fields are still there.
    assert_eq!(snapshot["channels"][0]["messages"][0]["text"], "kept");
    common::post(&emu, &general, "dropped").await;
    ok(&emu, "conversations.create", json!({"name": "dropped-too"})).await;
    let r = send(
        &emu,
        Method::PUT,
        "/_emulator/state",
        &[],
        snapshot.to_string(),
    )
    .await
    .unwrap();
    assert_eq!(r.status, 200, "{}", r.text());
    let texts: Vec<Value> = emu
        .messages(&general)
        .iter()
        .map(|m| m["text"].clone())
        .collect();
    assert_eq!(texts, vec![json!("kept")]);
    assert!(emu.channel_id("dropped-too").is_none());
    // New ts stay after the restored ones.
    let ts = common::post(&emu, &general, "after").await;
    assert!(
        ts.as_str()
            > snapshot["channels"][0]["messages"][0]["ts"]
                .as_str()
                .unwrap()
    );
    // Garbage is refused and changes nothing.
    let r = send(
        &emu,
        Method::PUT,
        "/_emulator/state",
        &[],
        r#"{"workspace": {"channels": 5}}"#,
    )
    .await
    .unwrap();
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"], "invalid_state");
    assert_eq!(emu.messages(&general).len(), 2);
}

#[tokio::test]
async fn a_seed_file_starts_a_fixture_workspace() {
    let dir = temp_dir("seed");
    let first = Emulator::builder().seed(7).start().await.unwrap();
    let general = first.channel_id("general").unwrap();
    first
        .post_as("grace", "general", "from the fixture")
        .unwrap();
    let file = dir.join("fixture.json");
    std::fs::write(&file, first.state().to_string()).unwrap();
    first.shutdown().await;

    let emu = Emulator::builder()
        .seed(7)
        .seed_file(&file)
        .start()
        .await
        .unwrap();
    assert_eq!(emu.messages(&general)[0]["text"], "from the fixture");
    // A partial fixture: only what it changes.
    let partial = dir.join("partial.json");
    std::fs::write(&partial, r#"{"workspace": {"team_name": "Fixture Team"}}"#).unwrap();
    let emu2 = Emulator::builder()
        .seed_file(&partial)
        .start()
        .await
        .unwrap();
    assert_eq!(emu2.state()["team"]["name"], "Fixture Team");
    assert!(emu2.channel_id("general").is_some());
    // A missing seed file is an error, not a silent default.
    assert!(Emulator::builder()
        .seed_file(dir.join("nope.json"))
        .start()
        .await
        .is_err());
    let _ = std::fs::remove_dir_all(&dir);
}

/// Start the binary with `args`; its base URL.
fn start_binary(args: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_slack-emulator"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let url = BufReader::new(out)
        .lines()
        .map_while(Result::ok)
        .find_map(|l| l.strip_prefix("export SLACK_API_URL=").map(str::to_owned))
        .expect("the banner");
    (child, url)
}

async fn api(url: &str, token: &str, method: &str, args: Value) -> Value {
    use http_body_util::{BodyExt, Full};
    let client: hyper_util::client::legacy::Client<_, Full<bytes::Bytes>> =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build_http();
    let req = http::Request::post(format!("{url}{method}"))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(Full::new(bytes::Bytes::from(args.to_string())))
        .unwrap();
    let resp = tokio::time::timeout(common::WAIT, client.request(req))
        .await
        .unwrap()
        .unwrap();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    serde_json::from_slice(&body).unwrap()
}

#[tokio::test]
async fn nothing_acknowledged_is_lost_when_the_process_is_killed() {
    let dir = temp_dir("persist");
    let file = dir.join("workspace.json");
    let path = file.to_str().unwrap();
    let token = "xoxb-1-emulator-bot"; // the binary's seed is 1
    let (mut child, url) =
        start_binary(&["--port", "0", "--rate-limits", "off", "--persist", path]);
    let mut sent = Vec::new();
    for i in 0..20 {
        let v = api(
            &url,
            token,
            "chat.postMessage",
            json!({"channel": "general", "text": format!("m{i}")}),
        )
        .await;
        assert_eq!(v["ok"], true, "{v}");
        sent.push(v["ts"].as_str().unwrap().to_owned());
    }
    let created = api(
        &url,
        token,
        "conversations.create",
        json!({"name": "survivor"}),
    )
    .await;
    assert_eq!(created["ok"], true);
    // SIGKILL right after the last answer: no shutdown, no flush.
    child.kill().unwrap();
    child.wait().unwrap();

    let (mut again, url) =
        start_binary(&["--port", "0", "--rate-limits", "off", "--persist", path]);
    let history = api(
        &url,
        token,
        "conversations.history",
        json!({"channel": "general", "limit": 100}),
    )
    .await;
    let mut got: Vec<String> = history["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["ts"].as_str().unwrap().to_owned())
        .collect();
    got.sort();
    assert_eq!(got, sent, "every acknowledged message survived");
    let info = api(
        &url,
        token,
        "conversations.info",
        json!({"channel": created["channel"]["id"]}),
    )
    .await;
    assert_eq!(info["channel"]["name"], "survivor");
    // And it keeps going from there.
    let v = api(
        &url,
        token,
        "chat.postMessage",
        json!({"channel": "general", "text": "after"}),
    )
    .await;
    assert!(v["ts"].as_str().unwrap() > sent.last().unwrap().as_str());
    again.kill().unwrap();
    again.wait().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
