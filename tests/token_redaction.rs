//! Tokens never appear in `Debug` output, logs or error messages. Alone in its test binary:
//! tracing's callsite cache is global, so a concurrent test without a subscriber could hide
//! events from this one.
#![allow(clippy::unwrap_used)]

use serde_json::json;
use slack_sdk::api::{auth, chat};
use slack_sdk::mock::MockTransport;

const TOKEN: &str = "xoxb-1111-2222-SECRETSECRET";

/// Collects every tracing event and span field, at every level.
#[path = "common/logs.rs"]
mod logs;

#[tokio::test]
async fn tokens_never_leak_into_debug_logs_or_errors() {
    let capture = logs::LogCapture::start();

    let mock = MockTransport::new();
    mock.on("auth.test")
        .respond_json(json!({"ok": false, "error": "invalid_auth"}));
    mock.on("chat.postMessage").drop_connection();
    let c = slack_sdk::core::WebClientBuilder::new()
        .token(TOKEN)
        .no_retries()
        .build_with(mock.clone())
        .unwrap();
    let e1 = c.call(auth::Test::new()).await.unwrap_err();
    let e2 = c
        .call(chat::PostMessage::new("C1").text("x"))
        .await
        .unwrap_err();
    let outputs = [
        format!("{c:?}"),
        format!("{e1:?} {e1}"),
        format!("{e2:?} {e2}"),
        format!("{:?}", mock.requests()),
        format!("{:?}", slack_sdk::Token::new(TOKEN)),
        capture.text(),
    ];
    for out in outputs {
        assert!(!out.contains("SECRETSECRET"), "token leaked: {out}");
    }
    assert!(!capture.text().is_empty(), "tracing captured nothing");
}
