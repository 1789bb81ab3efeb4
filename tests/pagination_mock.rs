//! Pagination streams on virtual time: a 429 mid-way waits and resumes from the same cursor;
//! another error ends the stream with the cursor to resume from; `items()` yields each
//! method's typed item, `items_raw()` JSON.
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
    // Typed items: `slack_sdk::types::Conversation`.
    let ids: Vec<String> = items.into_iter().map(|i| i.unwrap().id).collect();
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
async fn items_raw_finds_the_list_and_reports_a_page_without_one() {
    let mock = MockTransport::new();
    // auth.test has no list at all: a typed error, then the end.
    mock.on("auth.test")
        .respond_json(json!({"ok": true, "user_id": "U1"}));
    let mut items = client(&mock).items_raw(slack_sdk::api::auth::Test::new());
    assert!(items.next().await.unwrap().is_err());
    assert!(items.next().await.is_none());
    // admin.emoji.list pages a map, not a list: nothing typed, and no list for items_raw.
    mock.on("admin.emoji.list")
        .respond_json(json!({"ok": true, "emoji": {"party": {"url": "u"}}}));
    let mut items = client(&mock).items_raw(slack_sdk::api::admin::emoji::List::new());
    assert!(items.next().await.unwrap().is_err());
    // A list the table names, as JSON.
    mock.on("conversations.list")
        .respond_json(page(&["C1", "C2"], ""));
    let raw: Vec<_> = client(&mock)
        .items_raw(conversations::List::new())
        .collect()
        .await;
    assert_eq!(raw[1].as_ref().unwrap()["id"], "C2");
}

#[tokio::test]
async fn typed_items_follow_the_list_the_data_names() {
    let mock = MockTransport::new();
    // admin.apps.approved.list: `approved_apps`, generated `ApprovedApp` items whose fields
    // decode leniently (a number where a string belongs is `None`, not an error).
    mock.on("admin.apps.approved.list")
        .respond_json(json!({"ok": true, "approved_apps": [
        {"app": {"id": "A1", "name": "Deploys"}, "date_updated": 1},
        {"app": {"id": 2}, "date_updated": "yesterday"}
    ], "response_metadata": {"next_cursor": "n"}}));
    mock.on("admin.apps.approved.list")
        .respond_json(json!({"ok": true, "approved_apps": [
        {"app": {"id": "A3"}}
    ], "response_metadata": {"next_cursor": ""}}));
    let all: Vec<_> = client(&mock)
        .items(slack_sdk::api::admin::apps::approved::List::new())
        .collect()
        .await;
    let apps: Vec<_> = all.into_iter().map(Result::unwrap).collect();
    assert_eq!(apps.len(), 3);
    let ids: Vec<Option<&str>> = apps
        .iter()
        .map(|a| a.app.as_ref().and_then(|app| app.id.as_deref()))
        .collect();
    assert_eq!(ids, [Some("A1"), None, Some("A3")]);
    assert_eq!(apps[0].date_updated, Some(1));
    assert_eq!(apps[1].date_updated, None);
    assert_eq!(mock.requests()[1].arg("cursor").as_deref(), Some("n"));

    // admin.conversations.search sends `conversations` (the schema says `channels`): the
    // sample wins, and the items are the shared `Conversation` type.
    mock.on("admin.conversations.search")
        .respond_json(json!({"ok": true,
        "conversations": [{"id": "C9", "name": "ops", "is_channel": true}]}));
    let found: Vec<slack_sdk::types::Conversation> = client(&mock)
        .items(slack_sdk::api::admin::conversations::Search::new())
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].name.as_deref(), Some("ops"));

    // conversations.history: hand-written response, `Message` items.
    mock.on("conversations.history")
        .respond_json(json!({"ok": true,
        "messages": [{"type": "message", "ts": "1.0", "text": "hi"}]}));
    let messages: Vec<slack_sdk::types::Message> = client(&mock)
        .items(conversations::History::new("C1"))
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(messages[0].text.as_deref(), Some("hi"));
}

/// A server that hands back a cursor it already gave (here: page 3 points back to page 2)
/// would make the stream loop for ever; it ends with `RepeatedCursor` after the good pages.
#[tokio::test]
async fn a_repeated_cursor_ends_the_stream_with_a_clear_error() {
    let mock = MockTransport::new();
    mock.on("conversations.list")
        .respond_json(page(&["C1"], "cur2"));
    mock.on("conversations.list")
        .respond_json(page(&["C2"], "cur3"));
    mock.on("conversations.list")
        .always()
        .respond_json(page(&["C3"], "cur2"));
    let c = client(&mock);
    let got: Vec<_> = c.items(conversations::List::new()).collect().await;
    assert_eq!(got.len(), 4, "{got:?}");
    let ids: Vec<String> = got[..3]
        .iter()
        .map(|i| i.as_ref().unwrap().id.clone())
        .collect();
    assert_eq!(ids, ["C1", "C2", "C3"]);
    let e = got[3].as_ref().unwrap_err();
    assert!(
        matches!(e, slack_sdk::Error::RepeatedCursor { cursor, .. } if cursor == "cur2"),
        "{e:?}"
    );
    assert!(!e.is_retryable());
    assert_eq!(mock.requests().len(), 3);
    // The same page answered twice in a row (cursor pointing to itself) stops too.
    let mock = MockTransport::new();
    mock.on("conversations.list")
        .always()
        .respond_json(page(&["C1"], "same"));
    let pages: Vec<_> = client(&mock)
        .pages(conversations::List::new())
        .collect()
        .await;
    assert_eq!(pages.len(), 3);
    assert!(matches!(
        pages[2],
        Err(slack_sdk::Error::RepeatedCursor { .. })
    ));
}

/// `admin.conversations.search` puts `next_cursor` at the top level and its items under
/// `conversations` (what Slack sends; the method table has it from the data): `items()`
/// follows both, and an integer or `null` cursor never fails a page.
#[tokio::test]
async fn methods_with_a_top_level_cursor_page_too() {
    use slack_sdk::api::admin::conversations as admin_conversations;
    let mock = MockTransport::new();
    mock.on("admin.conversations.search").respond_json(json!({
        "ok": true, "conversations": [{"id": "C1"}, {"id": "C2"}], "next_cursor": "p2",
        "response_metadata": {"messages": [""]}, "warning": ["one", "two"]
    }));
    mock.on("admin.conversations.search").respond_json(json!({
        "ok": true, "conversations": [{"id": "C3"}], "next_cursor": 3
    }));
    mock.on("admin.conversations.search").respond_json(json!({
        "ok": true, "conversations": [{"id": "C4"}], "next_cursor": null,
        "response_metadata": {"next_cursor": null, "warnings": {"odd": true}}
    }));
    let c = client(&mock);
    let ids: Vec<String> = c
        .items(admin_conversations::Search::new())
        .map(|i| i.unwrap().id)
        .collect()
        .await;
    assert_eq!(ids, ["C1", "C2", "C3", "C4"]);
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 3);
    assert_eq!(reqs[1].arg("cursor").as_deref(), Some("p2"));
    assert_eq!(reqs[2].arg("cursor").as_deref(), Some("3"));
}
