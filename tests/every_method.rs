//! Every method of the table through the mock transport: URL, verb, body kind and argument
//! names on the wire.
#![allow(clippy::unwrap_used)]

use serde_json::json;
use slack_sdk::method::{self, HttpVerb, JsonSupport};
use slack_sdk::mock::MockTransport;
use slack_sdk::{Args, RetryPolicy};

#[tokio::test]
async fn every_method_goes_out_as_the_table_says() {
    let mock = MockTransport::new();
    mock.on_any().always().respond_json(json!({"ok": true}));
    let c = slack_sdk::core::WebClientBuilder::new()
        .token("xoxb-t")
        .retry_policy(RetryPolicy::none())
        .build_with(mock.clone())
        .unwrap();
    let all = method::all();
    assert_eq!(all.len(), 368);
    for info in all {
        // Every required argument, plus a nested one where JSON is accepted.
        let mut args: Args = info.required.iter().map(|a| (*a, "x")).collect();
        let nested = info.json == JsonSupport::Yes && info.verb == HttpVerb::Post;
        if nested {
            args.insert("blocks", json!([{"type": "divider"}]));
        }
        c.api_call(info.name, args).await.unwrap();
        let r = mock.requests().pop().unwrap();
        let base = format!("https://slack.com/api/{}", info.name);
        assert!(
            r.url == base || r.url.starts_with(&format!("{base}?")),
            "{}: {}",
            info.name,
            r.url
        );
        assert_eq!(r.method_name, info.name);
        match (info.verb, nested) {
            (_, true) => {
                assert_eq!(r.method, http::Method::POST, "{}", info.name);
                assert_eq!(
                    r.content_type(),
                    Some("application/json; charset=utf-8"),
                    "{}",
                    info.name
                );
                let body = r.json().unwrap();
                for a in info.required {
                    assert_eq!(body[a], "x", "{}: {a}", info.name);
                }
            }
            (HttpVerb::Get, false) => {
                assert_eq!(r.method, http::Method::GET, "{}", info.name);
                assert!(r.body.is_empty());
            }
            (HttpVerb::Post, false) => {
                assert_eq!(r.method, http::Method::POST, "{}", info.name);
                assert_eq!(
                    r.content_type(),
                    Some("application/x-www-form-urlencoded"),
                    "{}",
                    info.name
                );
            }
        }
        if !nested {
            let names: Vec<String> = r.form().into_iter().map(|(k, _)| k).collect();
            let want: Vec<String> = info.required.iter().map(|a| (*a).to_owned()).collect();
            assert_eq!(names, want, "{}", info.name);
        }
        assert_eq!(r.header("authorization"), Some("Bearer xoxb-t"));
    }
}
