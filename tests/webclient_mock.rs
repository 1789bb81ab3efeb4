//! The WebClient through the mock transport: the exact wire request for a form method and a
//! JSON method, typed decoding, errors, pagination, and tokens kept out of every output.
#![allow(clippy::unwrap_used)]

use futures_util::StreamExt;
use serde_json::json;
use slack_sdk::api::{auth, chat, conversations, reactions};
use slack_sdk::mock::MockTransport;
use slack_sdk::{Args, Error};

const TOKEN: &str = "xoxb-1111-2222-SECRETSECRET";

fn client(mock: &MockTransport) -> slack_sdk::core::WebClient {
    slack_sdk::core::WebClientBuilder::new()
        .token(TOKEN)
        .no_retries()
        .build_with(mock.clone())
        .unwrap()
}

#[tokio::test]
async fn form_method_wire_request() {
    let mock = MockTransport::new();
    mock.on("chat.delete")
        .respond_json(json!({"ok": true, "channel": "C1", "ts": "1.2"}));
    let resp = client(&mock)
        .call(chat::Delete::new("C1", "1.2"))
        .await
        .unwrap();
    assert_eq!(resp.ts, "1.2");

    let reqs = mock.requests();
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_eq!(r.method, http::Method::POST);
    assert_eq!(r.url, "https://slack.com/api/chat.delete");
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(r.content_type(), Some("application/x-www-form-urlencoded"));
    let ua = r.header("user-agent").unwrap();
    assert!(
        ua.starts_with("slack-sdk-rust/") && ua.contains(" rustc/"),
        "{ua}"
    );
    assert_eq!(
        r.form(),
        vec![
            ("channel".to_owned(), "C1".to_owned()),
            ("ts".to_owned(), "1.2".to_owned())
        ]
    );
}

#[tokio::test]
async fn json_method_wire_request() {
    let mock = MockTransport::new();
    mock.on("chat.postMessage")
        .respond_json(json!({"ok": true, "channel": "C1", "ts": "9.9", "message": {"text": "hi"}}));
    let blocks = json!([{"type": "section", "text": {"type": "mrkdwn", "text": "*hi*"}}]);
    let resp = client(&mock)
        .call(chat::PostMessage::new("C1").text("hi").blocks(&blocks))
        .await
        .unwrap();
    assert_eq!(resp.ts, "9.9");
    assert_eq!(
        resp.message.as_ref().and_then(|m| m.text.as_deref()),
        Some("hi")
    );

    let r = &mock.requests()[0];
    assert_eq!(r.url, "https://slack.com/api/chat.postMessage");
    assert_eq!(r.content_type(), Some("application/json; charset=utf-8"));
    assert_eq!(
        r.json().unwrap(),
        json!({"channel": "C1", "text": "hi", "blocks": blocks})
    );
}

#[tokio::test]
async fn get_method_uses_query_string() {
    let mock = MockTransport::new();
    mock.on("conversations.info")
        .respond_json(json!({"ok": true, "channel": {"id": "C1", "name": "general"}}));
    let resp = client(&mock)
        .call(conversations::Info::new("C1").include_num_members(true))
        .await
        .unwrap();
    assert_eq!(resp.channel.name.as_deref(), Some("general"));
    let r = &mock.requests()[0];
    assert_eq!(r.method, http::Method::GET);
    assert_eq!(
        r.url,
        "https://slack.com/api/conversations.info?channel=C1&include_num_members=true"
    );
}

#[tokio::test]
async fn api_errors_are_typed() {
    let mock = MockTransport::new();
    mock.on("reactions.add")
        .respond_json(json!({"ok": false, "error": "already_reacted"}));
    mock.on("auth.test").respond_json(json!({
        "ok": false, "error": "missing_scope", "needed": "chat:write", "provided": "users:read"
    }));
    let c = client(&mock);
    let e = c
        .call(reactions::Add::new("C1", "1.2", "tada"))
        .await
        .unwrap_err();
    assert_eq!(e.api_code().map(|c| c.as_str()), Some("already_reacted"));
    let e = c.call(auth::Test::new()).await.unwrap_err();
    let Error::Api(api) = &e else { panic!("{e:?}") };
    assert_eq!(api.needed.as_deref(), Some("chat:write"));
    assert_eq!(api.provided.as_deref(), Some("users:read"));
}

#[tokio::test]
async fn untyped_api_call_for_any_method() {
    let mock = MockTransport::new();
    mock.on("team.info")
        .respond_json(json!({"ok": true, "team": {"id": "T1"}}));
    mock.on("brand.newMethod")
        .respond_json(json!({"ok": true, "x": 1}));
    let c = client(&mock);
    let r = c.api_call("team.info", Args::new()).await.unwrap();
    assert_eq!(r.get("team")["id"], "T1");
    let r = c
        .api_call("brand.newMethod", Args::new().set("a", 1))
        .await
        .unwrap();
    assert_eq!(r.get("x"), 1);
    assert_eq!(
        mock.requests()[1].form(),
        vec![("a".to_owned(), "1".to_owned())]
    );
}

#[tokio::test]
async fn pages_follow_the_cursor() {
    let mock = MockTransport::new();
    mock.on("conversations.list").respond_json(json!({
        "ok": true, "channels": [{"id": "C1"}, {"id": "C2"}],
        "response_metadata": {"next_cursor": "page2"}
    }));
    mock.on("conversations.list").respond_json(json!({
        "ok": true, "channels": [{"id": "C3"}], "response_metadata": {"next_cursor": ""}
    }));
    let c = client(&mock);
    let pages: Vec<_> = c.pages(conversations::List::new().limit(2)).collect().await;
    let ids: Vec<String> = pages
        .into_iter()
        .flat_map(|p| p.unwrap().into_inner().channels)
        .map(|c| c.id)
        .collect();
    assert_eq!(ids, ["C1", "C2", "C3"]);
    let urls: Vec<String> = mock.requests().iter().map(|r| r.url.clone()).collect();
    assert_eq!(
        urls,
        [
            "https://slack.com/api/conversations.list?limit=2",
            "https://slack.com/api/conversations.list?limit=2&cursor=page2"
        ]
    );
}

#[tokio::test]
async fn bad_settings_and_bodies_give_typed_errors() {
    let mock = MockTransport::new();
    // Empty token: refused before sending.
    let c = slack_sdk::core::WebClientBuilder::new()
        .token("")
        .build_with(mock.clone())
        .unwrap();
    let e = c.call(auth::Test::new()).await.unwrap_err();
    assert!(
        matches!(&e, Error::Validation { field, .. } if field == "token"),
        "{e:?}"
    );
    assert_eq!(mock.request_count(), 0);
    // Malformed base URL.
    let e = slack_sdk::core::WebClientBuilder::new()
        .token(TOKEN)
        .base_url("not a url")
        .build_with(mock.clone())
        .unwrap_err();
    assert!(matches!(e, Error::Validation { .. }));
    // HTML page, truncated JSON, no content type.
    let c = client(&mock);
    mock.on("auth.test")
        .respond(slack_sdk::core::transport::HttpResponse {
            status: http::StatusCode::OK,
            headers: [(http::header::CONTENT_TYPE, "text/html".parse().unwrap())]
                .into_iter()
                .collect(),
            body: "<html><body>Bad gateway</body></html>".into(),
        });
    let e = c.call(auth::Test::new()).await.unwrap_err();
    assert!(
        matches!(&e, Error::Decode(d) if d.excerpt().contains("Bad gateway")),
        "{e:?}"
    );
    mock.on("auth.test")
        .respond(slack_sdk::core::transport::HttpResponse::new(
            http::StatusCode::OK,
            r#"{"ok":true,"us"#,
        ));
    assert!(matches!(
        c.call(auth::Test::new()).await.unwrap_err(),
        Error::Decode(_)
    ));
    mock.on("auth.test")
        .respond(slack_sdk::core::transport::HttpResponse::new(
            http::StatusCode::OK,
            r#"{"ok":true,"user_id":"U1"}"#,
        ));
    assert_eq!(c.call(auth::Test::new()).await.unwrap().user_id, "U1");
}

#[tokio::test]
async fn block_kit_limits_are_checked_before_sending() {
    use slack_sdk::blocks::{Block, SectionBlock, Text, View};
    let mock = MockTransport::new();
    let c = client(&mock);
    let too_many: Vec<Block> = (0..51).map(|_| Block::divider()).collect();
    let e = c
        .call(chat::PostMessage::new("C1").blocks(&too_many))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Validation { field, .. } if field == "blocks"),
        "{e:?}"
    );
    let long: Vec<Block> = vec![SectionBlock::new(Text::mrkdwn("x".repeat(3001))).into()];
    let e = c
        .call(chat::PostMessage::new("C1").blocks(&long))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Validation { field, .. } if field == "blocks[0].text.text"),
        "{e:?}"
    );
    let view = View::modal("This title is longer than 24");
    let e = c
        .call(slack_sdk::api::views::Open::new(&view).trigger_id("t"))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Validation { field, .. } if field == "view.title.text"),
        "{e:?}"
    );
    // A JSON string counts too (form-encoded callers).
    let e = c
        .api_call(
            "chat.postMessage",
            Args::new()
                .set("channel", "C1")
                .set("blocks", serde_json::to_string(&too_many).unwrap()),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Validation { .. }));
    assert_eq!(mock.request_count(), 0, "nothing was sent");
}

#[tokio::test]
async fn closed_set_arguments_are_enums_that_keep_unknown_values() {
    use slack_sdk::api::enums::{ConversationType, Presence};
    let mock = MockTransport::new();
    mock.on_any()
        .always()
        .respond_json(json!({"ok": true, "channels": []}));
    let c = client(&mock);
    c.call(
        conversations::List::new().types([ConversationType::PublicChannel, ConversationType::Im]),
    )
    .await
    .unwrap();
    c.call(conversations::List::new().types(["mpim", "future_type"]))
        .await
        .unwrap();
    c.call(slack_sdk::api::users::SetPresence::new(Presence::Away))
        .await
        .unwrap();
    let reqs = mock.requests();
    assert_eq!(reqs[0].arg("types").as_deref(), Some("public_channel,im"));
    assert_eq!(reqs[1].arg("types").as_deref(), Some("mpim,future_type"));
    assert_eq!(reqs[2].arg("presence").as_deref(), Some("away"));
}
