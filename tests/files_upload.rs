//! `files_upload_v2` transfers: retried for bytes and paths (a fresh URL when the old one may
//! be spent), not for a reader (with an error that says so), timed by `upload_timeout`, and
//! `alt_txt`/`channels`/`highlight_type` on the wire. Scripted mock, virtual time.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use slack_sdk::core::transport::HttpResponse;
use slack_sdk::files::{FilesUploadV2, UploadFile};
use slack_sdk::mock::MockTransport;
use slack_sdk::retry::RetryPolicy;
use slack_sdk::Error;

fn client(mock: &MockTransport, policy: RetryPolicy) -> slack_sdk::core::WebClient {
    slack_sdk::core::WebClientBuilder::new()
        .token("xoxb-t")
        .retry_policy(policy)
        .build_with(mock.clone())
        .unwrap()
}

/// Each `files.getUploadURLExternal` hands out a new URL: `…/upload/v1/F1`, `F2`, …
fn script_urls(mock: &MockTransport) {
    let n = Arc::new(AtomicUsize::new(0));
    mock.on("files.getUploadURLExternal")
        .always()
        .respond_with(move |_| {
            let i = n.fetch_add(1, Ordering::SeqCst) + 1;
            slack_sdk::mock::MockReply::json(json!({
                "ok": true,
                "upload_url": format!("https://files.example/upload/v1/F{i}"),
                "file_id": format!("F{i}"),
            }))
        });
    mock.on("files.completeUploadExternal")
        .always()
        .respond_json(json!({"ok": true, "files": [{"id": "F2", "title": "a"}]}));
}

fn uploaded(mock: &MockTransport, name: &str) {
    mock.on(name)
        .respond(HttpResponse::new(http::StatusCode::OK, "OK - 5"));
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
}

fn methods(mock: &MockTransport) -> Vec<String> {
    mock.requests().into_iter().map(|r| r.method_name).collect()
}

#[test]
fn a_dropped_transfer_of_bytes_is_sent_again_to_a_fresh_url() {
    let mock = MockTransport::new();
    script_urls(&mock);
    mock.on("F1").drop_connection();
    uploaded(&mock, "F2");
    let c = client(&mock, slack_sdk::retry::deterministic_policy());
    runtime()
        .block_on(c.files_upload_v2(FilesUploadV2::new(UploadFile::bytes("a.txt", "hello"))))
        .unwrap();
    assert_eq!(
        methods(&mock),
        [
            "files.getUploadURLExternal",
            "F1",
            "files.getUploadURLExternal",
            "F2",
            "files.completeUploadExternal"
        ]
    );
    let complete = mock.requests_for("files.completeUploadExternal");
    assert!(String::from_utf8_lossy(&complete[0].body).contains("F2"));
    assert!(!String::from_utf8_lossy(&complete[0].body).contains("F1"));
}

#[test]
fn a_refused_transfer_keeps_its_unused_url() {
    let mock = MockTransport::new();
    script_urls(&mock);
    mock.on("F1").refuse_connection();
    uploaded(&mock, "F1");
    let c = client(&mock, slack_sdk::retry::deterministic_policy());
    runtime()
        .block_on(c.files_upload_v2(FilesUploadV2::new(UploadFile::bytes("a.txt", "hello"))))
        .unwrap();
    assert_eq!(
        methods(&mock),
        [
            "files.getUploadURLExternal",
            "F1",
            "F1",
            "files.completeUploadExternal"
        ]
    );
}

#[test]
fn a_path_is_read_again_for_the_retry() {
    let dir = std::env::temp_dir().join(format!("slack-upload-retry-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("report.csv");
    let content: Vec<u8> = (0..600_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, &content).unwrap();
    let mock = MockTransport::new();
    script_urls(&mock);
    mock.on("F1").server_error(502);
    uploaded(&mock, "F2");
    let c = client(&mock, slack_sdk::retry::deterministic_policy());
    runtime()
        .block_on(c.files_upload_v2(FilesUploadV2::new(UploadFile::path(&path).unwrap())))
        .unwrap();
    let f1 = mock.requests_for("F1");
    let f2 = mock.requests_for("F2");
    assert_eq!(f1[0].body.as_ref(), content.as_slice());
    assert_eq!(f2[0].body.as_ref(), content.as_slice());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_reader_that_failed_says_it_cannot_be_read_again() {
    let mock = MockTransport::new();
    script_urls(&mock);
    mock.on("F1").drop_connection();
    uploaded(&mock, "F2");
    let c = client(&mock, slack_sdk::retry::deterministic_policy());
    let reader = futures_util::io::Cursor::new(b"hello".to_vec());
    let e = runtime()
        .block_on(c.files_upload_v2(FilesUploadV2::new(UploadFile::reader("r.txt", 5, reader))))
        .unwrap_err();
    match &e {
        Error::UploadNotRepeatable { filename, source } => {
            assert_eq!(filename, "r.txt");
            assert!(source.transport_error().is_some(), "{source:?}");
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("cannot be read again"), "{e}");
    assert!(!e.is_retryable());
    assert_eq!(mock.requests_for("F1").len(), 1);
    assert!(mock.requests_for("files.completeUploadExternal").is_empty());
}

/// The transfer gets `upload_timeout` whole, not what is left of the policy's budget.
#[test]
fn upload_timeout_governs_the_transfer() {
    let mock = MockTransport::new();
    script_urls(&mock);
    uploaded(&mock, "F1");
    let policy = slack_sdk::retry::deterministic_policy().budget(Duration::from_secs(5));
    let c = client(&mock, policy);
    runtime()
        .block_on(
            c.files_upload_v2(
                FilesUploadV2::new(UploadFile::bytes("a.txt", "hello"))
                    .upload_timeout(Duration::from_secs(900)),
            ),
        )
        .unwrap();
    assert_eq!(
        mock.requests_for("F1")[0].timeout,
        Some(Duration::from_secs(900))
    );
}

#[test]
fn alt_txt_channels_and_highlight_type_on_the_wire() {
    let mock = MockTransport::new();
    script_urls(&mock);
    uploaded(&mock, "F1");
    let c = client(&mock, RetryPolicy::none());
    runtime()
        .block_on(
            c.files_upload_v2(
                FilesUploadV2::new(
                    UploadFile::bytes("chart.png", "hello")
                        .alt_text("a chart")
                        .highlight_type("png"),
                )
                .channels(["C1", "C2"]),
            ),
        )
        .unwrap();
    let get = &mock.requests_for("files.getUploadURLExternal")[0];
    let get = String::from_utf8_lossy(&get.body).into_owned();
    assert!(
        get.contains("alt_txt=a+chart") || get.contains("alt_txt=a%20chart"),
        "{get}"
    );
    assert!(!get.contains("alt_text"), "{get}");
    let done = &mock.requests_for("files.completeUploadExternal")[0];
    let done = String::from_utf8_lossy(&done.body).into_owned();
    assert!(done.contains(r#""channels":"C1,C2""#), "{done}");
    assert!(done.contains("highlight_type"), "{done}");
    // One channel or several, not both.
    let e = runtime()
        .block_on(
            c.files_upload_v2(
                FilesUploadV2::new(UploadFile::bytes("a.txt", "x"))
                    .channel("C1")
                    .channels(["C2"]),
            ),
        )
        .unwrap_err();
    assert!(matches!(e, Error::Validation { .. }), "{e:?}");
}

/// Against the emulator, which accepts exactly Slack's `alt_txt` (not `alt_text`), and
/// shares into every channel of `channels`.
#[tokio::test]
async fn the_emulator_gets_alt_txt_and_shares_into_several_channels() {
    use slack_sdk::Args;
    let emu = common::emulator().await;
    let c = common::client(&emu);
    let general = emu.channel_id("general").unwrap();
    let random = emu.channel_id("random").unwrap();
    let done = c
        .files_upload_v2(
            FilesUploadV2::new(UploadFile::bytes("chart.png", "hello").alt_text("a chart"))
                .channels([general.clone(), random.clone()]),
        )
        .await
        .unwrap();
    let id = done.files[0].id.clone();
    let info = c
        .api_call("files.info", Args::new().set("file", id.clone()))
        .await
        .unwrap();
    assert_eq!(info.json()["file"]["alt_txt"], "a chart");
    for ch in [&general, &random] {
        let shared = emu.messages(ch).iter().any(|m| {
            m["files"]
                .as_array()
                .is_some_and(|f| f.iter().any(|f| f["id"] == id.as_str()))
        });
        assert!(shared, "not shared into {ch}");
    }
}
