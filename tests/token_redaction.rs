//! Tokens never appear in `Debug` output, logs or error messages. Alone in its test binary:
//! tracing's callsite cache is global, so a concurrent test without a subscriber could hide
//! events from this one.
#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};

use serde_json::json;
use slack_sdk::api::{auth, chat};
use slack_sdk::mock::MockTransport;

const TOKEN: &str = "xoxb-1111-2222-SECRETSECRET";

/// Collects every tracing event and span field, at every level.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<String>>);

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap()
            .push_str(&String::from_utf8_lossy(buf));
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn tokens_never_leak_into_debug_logs_or_errors() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    // Other tests in this process may have cached "no subscriber" for our callsites.
    tracing::callsite::rebuild_interest_cache();

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
        capture.0.lock().unwrap().clone(),
    ];
    for out in outputs {
        assert!(!out.contains("SECRETSECRET"), "token leaked: {out}");
    }
    assert!(
        !capture.0.lock().unwrap().is_empty(),
        "tracing captured nothing"
    );
}
