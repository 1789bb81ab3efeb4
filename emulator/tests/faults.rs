//! Every fault kind, seen from the client side, with the workspace checked: was the call
//! applied or not?
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::{emulator, is_dropped, send};
use http::Method;
use serde_json::json;
use slack_emulator::{Emulator, Fault, FaultRule};

async fn post_raw(
    emu: &Emulator,
    text: &str,
) -> Result<common::Reply, hyper_util::client::legacy::Error> {
    let auth = format!("Bearer {}", emu.bot_token());
    send(
        emu,
        Method::POST,
        "/api/chat.postMessage",
        &[
            ("authorization", &auth),
            ("content-type", "application/json"),
        ],
        json!({"channel": "general", "text": text}).to_string(),
    )
    .await
}

fn texts(emu: &Emulator) -> Vec<String> {
    emu.messages("general")
        .iter()
        .map(|m| m["text"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn drop_before_response_applies_nothing() {
    let emu = emulator().await;
    emu.faults()
        .inject(FaultRule::new("chat.postMessage", Fault::DropBeforeResponse).times(2));
    for i in 0..2 {
        let e = post_raw(&emu, &format!("lost {i}")).await.unwrap_err();
        assert!(is_dropped(&e), "{e:?}");
    }
    assert!(texts(&emu).is_empty());
    // The rule is used up; the next call goes through.
    assert_eq!(post_raw(&emu, "kept").await.unwrap().json()["ok"], true);
    assert_eq!(texts(&emu), ["kept"]);
    assert_eq!(emu.faults().hits("chat.postMessage"), 2);
    assert!(emu.faults().active().is_empty());
}

#[tokio::test]
async fn drop_after_apply_stores_but_never_answers() {
    let emu = emulator().await;
    emu.faults()
        .inject(FaultRule::new("chat.postMessage", Fault::DropAfterApply));
    let e = post_raw(&emu, "applied").await.unwrap_err();
    assert!(is_dropped(&e), "{e:?}");
    assert_eq!(texts(&emu), ["applied"]);
}

#[tokio::test]
async fn status_pages_with_and_without_retry_after() {
    let emu = emulator().await;
    emu.faults().inject(FaultRule::new(
        "chat.postMessage",
        Fault::Status {
            status: 503,
            retry_after: Some(7),
        },
    ));
    emu.faults()
        .inject(FaultRule::new("chat.postMessage", Fault::status(500)));
    emu.faults()
        .inject(FaultRule::new("chat.postMessage", Fault::status(502)));
    let r = post_raw(&emu, "x").await.unwrap();
    assert_eq!((r.status, r.header("retry-after")), (503, Some("7")));
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    let r = post_raw(&emu, "x").await.unwrap();
    assert_eq!((r.status, r.header("retry-after")), (500, None));
    let r = post_raw(&emu, "x").await.unwrap();
    assert_eq!(r.status, 502);
    assert!(texts(&emu).is_empty());
}

#[tokio::test]
async fn rate_limited_with_and_without_retry_after() {
    let emu = emulator().await;
    emu.faults().inject(FaultRule::new(
        "chat.postMessage",
        Fault::rate_limited(Some(3)),
    ));
    emu.faults().inject(FaultRule::new(
        "chat.postMessage",
        Fault::rate_limited(None),
    ));
    let r = post_raw(&emu, "x").await.unwrap();
    assert_eq!((r.status, r.header("retry-after")), (429, Some("3")));
    assert_eq!(r.json(), json!({"ok": false, "error": "ratelimited"}));
    let r = post_raw(&emu, "x").await.unwrap();
    assert_eq!((r.status, r.header("retry-after")), (429, None));
    assert!(texts(&emu).is_empty());
    assert_eq!(
        emu.rate_limited_count(),
        0,
        "injected 429s are not the limiter's"
    );
}

#[tokio::test]
async fn api_errors_html_pages_and_truncated_json() {
    let emu = emulator().await;
    emu.faults().inject(FaultRule::new(
        "chat.postMessage",
        Fault::api_error("fatal_error"),
    ));
    emu.faults().inject(FaultRule::new(
        "chat.postMessage",
        Fault::ApiError {
            code: "internal_error".into(),
            retry_after: Some(1),
        },
    ));
    emu.faults()
        .inject(FaultRule::new("chat.postMessage", Fault::HtmlErrorPage));
    emu.faults()
        .inject(FaultRule::new("chat.postMessage", Fault::TruncatedJson));
    let r = post_raw(&emu, "a").await.unwrap();
    assert_eq!(
        (r.status, r.json()),
        (200, json!({"ok": false, "error": "fatal_error"}))
    );
    let r = post_raw(&emu, "b").await.unwrap();
    assert_eq!(r.json()["error"], "internal_error");
    assert_eq!(r.header("retry-after"), Some("1"));
    let r = post_raw(&emu, "c").await.unwrap();
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert!(r.text().contains("<html>"));
    assert!(texts(&emu).is_empty(), "none of those applied");
    // Truncated JSON: applied, but the answer does not parse.
    let r = post_raw(&emu, "d").await.unwrap();
    assert_eq!(r.status, 200);
    assert!(serde_json::from_slice::<serde_json::Value>(&r.body).is_err());
    assert!(r.text().starts_with("{\"ok\":true"), "{}", r.text());
    assert_eq!(texts(&emu), ["d"]);
}

#[tokio::test]
async fn delays_then_answers() {
    let emu = emulator().await;
    emu.faults().inject(FaultRule::new(
        "auth.test",
        Fault::Delay(Duration::from_millis(300)),
    ));
    let start = Instant::now();
    let v = common::call(&emu, "auth.test", json!({})).await;
    assert!(start.elapsed() >= Duration::from_millis(300));
    assert_eq!(v["ok"], true);
}

#[tokio::test]
async fn wildcards_families_and_always() {
    let emu = emulator().await;
    emu.faults()
        .inject(FaultRule::new("*", Fault::api_error("fatal_error")).times(2));
    assert_eq!(
        common::call(&emu, "auth.test", json!({})).await["error"],
        "fatal_error"
    );
    assert_eq!(
        common::call(&emu, "users.list", json!({})).await["error"],
        "fatal_error"
    );
    assert_eq!(
        common::call(&emu, "users.list", json!({})).await["ok"],
        true
    );
    emu.faults()
        .inject(FaultRule::new("users.*", Fault::status(503)).always());
    for _ in 0..3 {
        let r = common::call_with(&emu, &emu.bot_token(), "users.info", json!({"user": "x"})).await;
        assert_eq!(r.status, 503);
    }
    assert_eq!(common::call(&emu, "auth.test", json!({})).await["ok"], true);
    assert_eq!(emu.faults().active().len(), 1);
    emu.faults().clear();
    assert_eq!(
        common::call(&emu, "users.list", json!({})).await["ok"],
        true
    );
    assert_eq!(emu.faults().total_hits(), 5);
}

#[tokio::test]
async fn faults_over_the_admin_endpoint() {
    let emu = emulator().await;
    let add = |body: &'static str| {
        let emu = &emu;
        async move {
            send(
                emu,
                Method::POST,
                "/_emulator/faults",
                &[("content-type", "application/json")],
                body,
            )
            .await
            .unwrap()
        }
    };
    let r = add(r#"{"method":"chat.postMessage","fault":"drop_before_response","times":2}"#).await;
    assert_eq!(r.json()["ok"], true);
    assert_eq!(r.json()["rule"]["times"], 2);
    let r = add(r#"{"method":"auth.test","fault":"status","status":502,"retry_after":4}"#).await;
    assert_eq!(r.json()["ok"], true);
    let listed = send(&emu, Method::GET, "/_emulator/faults", &[], "")
        .await
        .unwrap()
        .json();
    assert_eq!(listed["faults"].as_array().unwrap().len(), 2);
    assert_eq!(listed["faults"][0]["fault"], "drop_before_response");
    assert!(is_dropped(&post_raw(&emu, "x").await.unwrap_err()));
    let r = common::call_with(&emu, &emu.bot_token(), "auth.test", json!({})).await;
    assert_eq!((r.status, r.header("retry-after")), (502, Some("4")));
    let listed = send(&emu, Method::GET, "/_emulator/faults", &[], "")
        .await
        .unwrap()
        .json();
    assert_eq!(listed["faults"][0]["times"], 1);
    assert_eq!(listed["hits"]["chat.postMessage"], 1);
    // Clear.
    let r = send(&emu, Method::DELETE, "/_emulator/faults", &[], "")
        .await
        .unwrap();
    assert_eq!(r.json()["ok"], true);
    assert_eq!(
        post_raw(&emu, "after clear").await.unwrap().json()["ok"],
        true
    );
    // Bad rules.
    for bad in [
        r#"{"fault":"gremlins"}"#,
        r#"{"fault":"status"}"#,
        "not json",
    ] {
        let r = add(bad).await;
        assert_eq!(r.status, 400, "{bad}");
    }
    let r = add(r#"{"fault":"delay","delay_ms":1,"always":true}"#).await;
    assert_eq!(r.json()["rule"]["method"], "*");
    assert_eq!(r.json()["rule"]["always"], true);
}
