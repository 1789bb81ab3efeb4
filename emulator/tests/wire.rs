//! Slack's wire format over raw HTTP: bodies, tokens, auth and argument errors, unknown and
//! retired methods, not-modelled methods, bad input.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{call_with, emulator, form, send};
use http::Method;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn auth_errors_are_slacks() {
    let emu = emulator().await;
    let none = send(&emu, Method::POST, "/api/auth.test", &[], "")
        .await
        .unwrap();
    assert_eq!(none.status, 200);
    assert_eq!(
        none.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(none.json(), json!({"ok": false, "error": "not_authed"}));
    let empty = send(
        &emu,
        Method::POST,
        "/api/auth.test",
        &[("authorization", "Bearer ")],
        "",
    )
    .await
    .unwrap();
    assert_eq!(empty.json()["error"], "not_authed");
    let bad = call_with(&emu, "xoxb-nope", "auth.test", json!({})).await;
    assert_eq!(bad.json(), json!({"ok": false, "error": "invalid_auth"}));

    emu.add_token("xoxb-limited", None, &["users:read"]);
    let r = call_with(
        &emu,
        "xoxb-limited",
        "chat.postMessage",
        json!({"channel": "general", "text": "x"}),
    )
    .await;
    assert_eq!(
        r.json(),
        json!({"ok": false, "error": "missing_scope", "needed": "chat:write", "provided": "users:read"})
    );
    // The limited token still works where its scope suffices, as the bot.
    let users = call_with(&emu, "xoxb-limited", "users.list", json!({})).await;
    assert_eq!(users.json()["ok"], true);
    let me = call_with(&emu, "xoxb-limited", "auth.test", json!({})).await;
    assert_eq!(me.json()["user_id"], emu.bot_user_id().as_str());
    // A limited user token for ada.
    emu.add_token("xoxp-ada-limited", Some("ada"), &["chat:write"]);
    let me = call_with(&emu, "xoxp-ada-limited", "auth.test", json!({})).await;
    assert_eq!(me.json()["user_id"], emu.user_id("ada").unwrap().as_str());
    assert!(me.json().get("bot_id").is_none());
}

#[tokio::test]
async fn token_as_header_form_field_query_or_json_field() {
    let emu = emulator().await;
    let bot = emu.bot_token();
    let user = emu.bot_user_id();
    let by_form = form(&emu, "auth.test", &[("token", &bot)]).await;
    assert_eq!(by_form.json()["user_id"], user.as_str());
    let by_query = send(
        &emu,
        Method::GET,
        &format!("/api/auth.test?token={bot}"),
        &[],
        "",
    )
    .await
    .unwrap();
    assert_eq!(by_query.json()["user_id"], user.as_str());
    let lower = format!("bearer {bot}");
    let by_header = send(
        &emu,
        Method::GET,
        "/api/auth.test",
        &[("authorization", &lower)],
        "",
    )
    .await
    .unwrap();
    assert_eq!(by_header.json()["user_id"], user.as_str());
    let by_json = send(
        &emu,
        Method::POST,
        "/api/auth.test",
        &[("content-type", "application/json")],
        json!({"token": bot}).to_string(),
    )
    .await
    .unwrap();
    assert_eq!(by_json.json()["user_id"], user.as_str());
    // The header wins over a wrong argument.
    let auth = format!("Bearer {bot}");
    let both = send(
        &emu,
        Method::POST,
        "/api/auth.test",
        &[
            ("authorization", &auth),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
        "token=xoxb-wrong",
    )
    .await
    .unwrap();
    assert_eq!(both.json()["ok"], true);
    let auth_test = both.json();
    for key in [
        "url",
        "team",
        "user",
        "team_id",
        "user_id",
        "bot_id",
        "is_enterprise_install",
    ] {
        assert!(
            auth_test.get(key).is_some(),
            "auth.test lacks {key}: {auth_test}"
        );
    }
    assert_eq!(auth_test["team_id"], emu.team_id().as_str());
    assert_eq!(auth_test["bot_id"], emu.bot_id().as_str());
}

#[tokio::test]
async fn every_body_kind_posts_a_message() {
    let emu = emulator().await;
    let general = emu.channel_id("general").unwrap();
    let auth = format!("Bearer {}", emu.bot_token());
    // Form.
    let r = send(
        &emu,
        Method::POST,
        "/api/chat.postMessage",
        &[
            ("authorization", &auth),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
        format!("channel={general}&text=form+body%21"),
    )
    .await
    .unwrap();
    assert_eq!(r.json()["ok"], true, "{}", r.text());
    // JSON with a charset, nested blocks.
    let r = send(
        &emu,
        Method::POST,
        "/api/chat.postMessage",
        &[
            ("authorization", &auth),
            ("content-type", "application/json; charset=utf-8"),
        ],
        json!({"channel": general, "text": "json", "blocks": [{"type": "divider"}]}).to_string(),
    )
    .await
    .unwrap();
    assert_eq!(r.json()["message"]["blocks"][0]["type"], "divider");
    // Multipart.
    let body = format!(
        "--b0undary\r\nContent-Disposition: form-data; name=\"channel\"\r\n\r\n{general}\r\n\
         --b0undary\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nmultipart\r\n--b0undary--\r\n"
    );
    let r = send(
        &emu,
        Method::POST,
        "/api/chat.postMessage",
        &[
            ("authorization", &auth),
            ("content-type", "multipart/form-data; boundary=b0undary"),
        ],
        body,
    )
    .await
    .unwrap();
    assert_eq!(r.json()["ok"], true, "{}", r.text());
    // Query string on a GET, and on a POST with an empty body.
    let r = send(
        &emu,
        Method::GET,
        &format!("/api/chat.postMessage?channel={general}&text=query%20get"),
        &[("authorization", &auth)],
        "",
    )
    .await
    .unwrap();
    assert_eq!(r.json()["ok"], true);
    let r = send(
        &emu,
        Method::POST,
        &format!("/api/chat.postMessage?channel={general}&text=query+post"),
        &[("authorization", &auth)],
        "",
    )
    .await
    .unwrap();
    assert_eq!(r.json()["ok"], true);
    // Form fields as JSON strings (blocks as a string, as form clients send them).
    let r = form(
        &emu,
        "chat.postMessage",
        &[
            ("token", &emu.bot_token()),
            ("channel", &general),
            (
                "blocks",
                r#"[{"type":"section","text":{"type":"mrkdwn","text":"hi"}}]"#,
            ),
        ],
    )
    .await;
    assert_eq!(r.json()["message"]["blocks"][0]["type"], "section");
    let texts: Vec<Value> = emu
        .messages(&general)
        .iter()
        .map(|m| m["text"].clone())
        .collect();
    assert_eq!(
        texts,
        [
            json!("form body!"),
            json!("json"),
            json!("multipart"),
            json!("query get"),
            json!("query post"),
            json!("")
        ]
    );
}

#[tokio::test]
async fn argument_method_and_retirement_errors() {
    let emu = emulator().await;
    let v = common::call(&emu, "chat.postMessage", json!({"text": "no channel"})).await;
    assert_eq!(
        v,
        json!({"ok": false, "error": "invalid_arguments",
               "response_metadata": {"messages": ["[ERROR] missing required field: channel"]}})
    );
    let v = common::call(&emu, "reactions.add", json!({})).await;
    assert_eq!(
        v["response_metadata"]["messages"].as_array().unwrap().len(),
        3,
        "{v}"
    );
    // Unknown methods: HTTP 200, ok:false, even without a token.
    let r = send(&emu, Method::POST, "/api/nope.nothing", &[], "")
        .await
        .unwrap();
    assert_eq!(
        (r.status, r.json()),
        (200, json!({"ok": false, "error": "unknown_method"}))
    );
    let r = send(&emu, Method::POST, "/api/", &[], "").await.unwrap();
    assert_eq!(r.json()["error"], "unknown_method");
    for retired in [
        "channels.list",
        "groups.history",
        "im.open",
        "mpim.list",
        "files.upload",
        "workflows.stepCompleted",
    ] {
        let r = send(&emu, Method::POST, &format!("/api/{retired}"), &[], "")
            .await
            .unwrap();
        assert_eq!(
            r.json(),
            json!({"ok": false, "error": "method_deprecated"}),
            "{retired}"
        );
    }
    // api.test needs no token and echoes its arguments, or fails on demand.
    let r = send(&emu, Method::GET, "/api/api.test?foo=bar", &[], "")
        .await
        .unwrap();
    assert_eq!(r.json(), json!({"ok": true, "args": {"foo": "bar"}}));
    let r = send(&emu, Method::GET, "/api/api.test?error=my_error", &[], "")
        .await
        .unwrap();
    assert_eq!(
        r.json(),
        json!({"ok": false, "error": "my_error", "args": {"error": "my_error"}})
    );
}

#[tokio::test]
async fn methods_not_modelled_check_arguments_then_say_so() {
    let emu = emulator().await;
    let info = send(&emu, Method::GET, "/_emulator/info", &[], "")
        .await
        .unwrap()
        .json();
    let modelled: Vec<&str> = info["modelled_methods"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(modelled.len() >= 40, "{modelled:?}");
    let retired = |m: &str| {
        ["channels.", "groups.", "im.", "mpim.", "workflows.step"]
            .iter()
            .any(|p| m.starts_with(p))
            || m == "workflows.updateStep"
            || m == "files.upload"
    };
    let mut checked = 0;
    for m in slack_core::method::all() {
        if modelled.contains(&m.name) || retired(m.name) {
            continue;
        }
        let args: serde_json::Map<String, Value> = m
            .required
            .iter()
            .map(|a| ((*a).to_owned(), json!("x")))
            .collect();
        // The seeded user token carries every user scope (admin methods need one).
        let r = call_with(&emu, &emu.user_token(), m.name, Value::Object(args)).await;
        let v = r.json();
        assert_eq!(v["ok"], false, "{}: {v}", m.name);
        assert_eq!(v["error"], "emulator_not_implemented", "{}: {v}", m.name);
        assert_eq!(
            v["detail"],
            format!("the emulator does not model {} yet", m.name).as_str()
        );
        if let Some(first) = m.required.first() {
            let r = call_with(&emu, &emu.user_token(), m.name, json!({})).await;
            let v = r.json();
            assert_eq!(v["error"], "invalid_arguments", "{}: {v}", m.name);
            assert!(
                v["response_metadata"]["messages"][0]
                    .as_str()
                    .unwrap()
                    .ends_with(&format!("missing required field: {first}")),
                "{v}"
            );
        }
        checked += 1;
    }
    // The count falls as more methods are modelled (issue 15 models them family by family).
    assert!(checked > 0, "{checked}");
}

#[tokio::test]
async fn bad_bodies_get_slack_errors_and_the_server_keeps_serving() {
    let emu = emulator().await;
    let auth = format!("Bearer {}", emu.bot_token());
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("application/json", b"{not json".to_vec(), "invalid_json"),
        ("application/json", b"[1,2]".to_vec(), "invalid_json"),
        ("application/json", b"\xff\xfe{}".to_vec(), "invalid_json"),
        (
            "application/json; charset=latin1",
            b"{}".to_vec(),
            "invalid_charset",
        ),
        (
            "application/x-www-form-urlencoded",
            b"text=\xff\xfe".to_vec(),
            "invalid_form_data",
        ),
        (
            "multipart/form-data; boundary=x",
            b"garbage".to_vec(),
            "invalid_form_data",
        ),
        (
            "multipart/form-data",
            b"--x\r\n".to_vec(),
            "invalid_form_data",
        ),
        (
            "multipart/form-data; boundary=x",
            b"--x\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n\xff\r\n--x--".to_vec(),
            "invalid_form_data",
        ),
        ("application/xml", b"<a/>".to_vec(), "invalid_post_type"),
        ("image/png", b"\x89PNG".to_vec(), "invalid_post_type"),
    ];
    for (ct, body, want) in cases {
        let r = send(
            &emu,
            Method::POST,
            "/api/chat.postMessage",
            &[("authorization", &auth), ("content-type", ct)],
            body,
        )
        .await
        .unwrap();
        assert_eq!(
            (r.status, r.json()["error"].clone()),
            (200, json!(want)),
            "{ct}"
        );
    }
    // Not HTTP at all: hyper answers 400 and closes that connection only.
    let mut raw = tokio::net::TcpStream::connect(emu.addr()).await.unwrap();
    raw.write_all(b"\x00\x01garbage\r\n\r\n").await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(common::WAIT, raw.read_to_end(&mut answer)).await;
    assert!(
        answer.is_empty() || answer.starts_with(b"HTTP/1.1 400"),
        "{answer:?}"
    );
    // A connection that sends half a request and vanishes.
    let mut half = tokio::net::TcpStream::connect(emu.addr()).await.unwrap();
    half.write_all(b"POST /api/auth.test HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc")
        .await
        .unwrap();
    drop(half);
    // Still serving.
    assert_eq!(common::call(&emu, "auth.test", json!({})).await["ok"], true);
    assert_eq!(common::messages_len(&emu, "general"), 0);
}

#[tokio::test]
async fn oversized_bodies_get_413() {
    let emu = slack_emulator::Emulator::builder()
        .max_body_bytes(64 * 1024)
        .start()
        .await
        .unwrap();
    let auth = format!("Bearer {}", emu.bot_token());
    let general = emu.channel_id("general").unwrap();
    let big = format!("channel={general}&text={}", "a".repeat(100 * 1024));
    let r = send(
        &emu,
        Method::POST,
        "/api/chat.postMessage",
        &[
            ("authorization", &auth),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
        big,
    )
    .await
    .unwrap();
    assert_eq!(r.status, 413);
    assert_eq!(r.json(), json!({"ok": false, "error": "request_too_large"}));
    assert!(emu.messages(&general).is_empty());
    // Just under the limit is fine.
    let fits = format!(
        "channel={general}&text={}&username={}",
        "a".repeat(30_000),
        "b".repeat(30 * 1024)
    );
    let r = send(
        &emu,
        Method::POST,
        "/api/chat.postMessage",
        &[
            ("authorization", &auth),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
        fits,
    )
    .await
    .unwrap();
    assert_eq!(r.json()["ok"], true);
    // The default limit is 8 MiB.
    let emu = common::emulator().await;
    let auth = format!("Bearer {}", emu.bot_token());
    let r = send(
        &emu,
        Method::POST,
        "/api/chat.postMessage",
        &[("authorization", &auth)],
        vec![b'a'; 8 * 1024 * 1024 + 1],
    )
    .await
    .unwrap();
    assert_eq!(r.status, 413);
    assert_eq!(common::call(&emu, "auth.test", json!({})).await["ok"], true);
}

#[tokio::test]
async fn unknown_paths_and_the_root() {
    let emu = emulator().await;
    let r = send(&emu, Method::GET, "/nope", &[], "").await.unwrap();
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (404, json!("unknown_path"))
    );
    let r = send(&emu, Method::GET, "/", &[], "").await.unwrap();
    assert_eq!(r.json()["api"], emu.base_url().as_str());
}

#[tokio::test]
async fn keep_alive_connections_serve_many_calls() {
    use http_body_util::{BodyExt, Full};
    let emu = emulator().await;
    let client: hyper_util::client::legacy::Client<_, Full<bytes::Bytes>> =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .pool_max_idle_per_host(1)
            .build_http();
    let before = emu.request_count();
    for i in 0..50 {
        let req = http::Request::post(format!("{}chat.postMessage", emu.base_url()))
            .header("authorization", format!("Bearer {}", emu.bot_token()))
            .header("content-type", "application/json")
            .body(Full::new(bytes::Bytes::from(
                json!({"channel": "general", "text": format!("m{i}")}).to_string(),
            )))
            .unwrap();
        let resp = client.request(req).await.unwrap();
        let body = resp.into_body().collect().await.unwrap().to_bytes();
        assert!(body.starts_with(b"{\"ok\":true"), "{body:?}");
    }
    assert_eq!(emu.request_count() - before, 50);
    assert_eq!(common::messages_len(&emu, "general"), 50);
}

#[tokio::test]
async fn argument_names_and_wire_forms_are_slacks() {
    let emu = emulator().await;
    let general = emu.channel_id("general").unwrap();
    let token = emu.bot_token();
    let form = |method: &'static str, pairs: Vec<(&'static str, String)>| {
        let mut pairs = pairs;
        pairs.push(("token", token.clone()));
        let emu = &emu;
        async move {
            let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            form(emu, method, &pairs).await
        }
    };
    let invalid = |r: &common::Reply, want: &str| {
        let v = r.json();
        assert_eq!(v["error"], "invalid_arguments", "{v}");
        let messages = v["response_metadata"]["messages"].to_string();
        assert!(messages.contains(want), "{messages}");
    };
    // A name the method does not take (a misspelt `thread_ts`) is refused, not ignored.
    let r = form(
        "chat.postMessage",
        vec![
            ("channel", general.clone()),
            ("text", "hi".into()),
            ("thread_tss", "1.2".into()),
        ],
    )
    .await;
    invalid(&r, "unknown field: thread_tss");
    assert!(emu.messages(&general).is_empty());
    // A file argument sent as text would be misread by Slack.
    let r = form(
        "files.remote.add",
        vec![
            ("external_id", "e1".into()),
            ("title", "Doc".into()),
            ("external_url", "https://x/doc".into()),
            ("preview_image", "/tmp/preview.png".into()),
        ],
    )
    .await;
    invalid(&r, "preview_image, expected a file");
    // An integer that is not one.
    let r = form("conversations.list", vec![("limit", "ten".into())]).await;
    invalid(&r, "limit, expected an integer");
    // The right forms pass.
    let r = form(
        "files.remote.add",
        vec![
            ("external_id", "e1".into()),
            ("title", "Doc".into()),
            ("external_url", "https://x/doc".into()),
        ],
    )
    .await;
    assert_eq!(r.json()["ok"], true, "{}", r.text());
    let r = form("conversations.list", vec![("limit", "10".into())]).await;
    assert_eq!(r.json()["ok"], true, "{}", r.text());
}
