//! Pagination streams on virtual time: a 429 mid-way waits and resumes from the same cursor;
//! another error ends the stream with the cursor to resume from.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::json;
use slack_sdk::api::conversations;
use slack_sdk::mock::MockTransport;
use slack_sdk::retry::{default_handlers, RetryPolicy};

fn page(ids: &[&str], next: &str) -> serde_json::Value {
    let channels: Vec<_> = ids.iter().map(|id| json!({"id": id})).collect();
    json!({"ok": true, "channels": channels, "response_metadata": {"next_cursor": next}})
}

fn client(mock: &MockTransport) -> slack_sdk::core::WebClient {
    slack_sdk::core::WebClientBuilder::new()
        .token("xoxb-t")
        .retry_policy(RetryPolicy::new(default_handlers()).seed(3))
        .build_with(mock.clone())
        .unwrap()
}

#[tokio::test]
async fn a_429_in_the_middle_waits_and_resumes_from_the_same_cursor() {
    let mock = MockTransport::new();
    mock.on("conversations.list")
        .respond_json(page(&["C1", "C2"], "cur2"));
    mock.on("conversations.list")
        .rate_limited(Some(Duration::from_secs(30)));
    mock.on("conversations.list")
        .respond_json(page(&["C3"], ""));
    let items: Vec<_> = client(&mock)
        .items(conversations::List::new().limit(2))
        .collect()
        .await;
    let ids: Vec<String> = items
        .into_iter()
        .map(|i| i.unwrap()["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, ["C1", "C2", "C3"]);
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 3);
    assert_eq!(reqs[1].arg("cursor").as_deref(), Some("cur2"));
    assert_eq!(reqs[2].arg("cursor").as_deref(), Some("cur2"));
    assert!(mock.sleeps().iter().any(|d| *d >= Duration::from_secs(30)));
}

#[tokio::test]
async fn an_error_mid_way_keeps_the_cursor_to_resume_from() {
    let mock = MockTransport::new();
    mock.on("conversations.list")
        .respond_json(page(&["C1"], "cur2"));
    mock.on("conversations.list").api_error("invalid_auth");
    mock.on("conversations.list")
        .respond_json(page(&["C2"], ""));
    let c = client(&mock);
    let mut pages = c.pages(conversations::List::new());
    assert!(pages.next().await.unwrap().is_ok());
    let e = pages.next().await.unwrap().unwrap_err();
    assert_eq!(e.api_code().unwrap().as_str(), "invalid_auth");
    assert!(pages.next().await.is_none());
    let resume = pages.resume_cursor().unwrap().to_owned();
    assert_eq!(resume, "cur2");
    let rest: Vec<_> = c
        .pages(conversations::List::new().cursor(resume))
        .collect()
        .await;
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0].as_ref().unwrap().channels[0].id, "C2");
}

#[tokio::test]
async fn items_find_the_list_when_the_table_does_not_name_it() {
    let mock = MockTransport::new();
    // auth.test has no list at all: a typed error, then the end.
    mock.on("auth.test")
        .respond_json(json!({"ok": true, "user_id": "U1"}));
    let mut items = client(&mock).items(slack_sdk::api::auth::Test::new());
    assert!(items.next().await.unwrap().is_err());
    assert!(items.next().await.is_none());
    // A paginated method whose items field the table lacks: the page's only list is used.
    mock.on("admin.apps.approved.list").respond_json(json!({"ok": true, "approved_apps": [{"app": 1}, {"app": 2}], "response_metadata": {"next_cursor": "n"}}));
    mock.on("admin.apps.approved.list").respond_json(json!({"ok": true, "approved_apps": [{"app": 3}], "response_metadata": {"next_cursor": ""}}));
    let all: Vec<_> = client(&mock)
        .items(slack_sdk::api::admin::apps::approved::List::new())
        .collect()
        .await;
    assert_eq!(all.len(), 3);
    assert_eq!(all[2].as_ref().unwrap()["app"], 3);
}
