//! The second families over loopback: calls, workflows, canvases, lists, app datastores and
//! manifests, OpenID Connect, assistant threads, functions; and the call fixtures
//! `tests/calls/fam2.json` and `tests/calls/admin.json` run step by step.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{call_with, emulator, next_event, ok, rtm_connect};
use serde_json::{json, Value};
use slack_emulator::Emulator;

/// Replace `${…}` in `s` from the saved values and the emulator's names.
fn substitute(emu: &Emulator, saved: &serde_json::Map<String, Value>, s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        let key = &rest[start + 2..start + end];
        let value = if let Some(name) = key.strip_prefix("channel:") {
            emu.channel_id(name).unwrap_or_default()
        } else if let Some(name) = key.strip_prefix("user:") {
            emu.user_id(name).unwrap_or_default()
        } else if key == "bot_user_id" {
            emu.bot_user_id()
        } else if key == "team_id" {
            emu.team_id()
        } else {
            match saved.get(key) {
                Some(Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
                None => panic!("nothing saved as {key}"),
            }
        };
        out.push_str(&value);
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    out
}

fn substitute_value(emu: &Emulator, saved: &serde_json::Map<String, Value>, v: &Value) -> Value {
    match v {
        Value::String(s) => Value::String(substitute(emu, saved, s)),
        Value::Array(a) => {
            Value::Array(a.iter().map(|x| substitute_value(emu, saved, x)).collect())
        }
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| (k.clone(), substitute_value(emu, saved, x)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Run a call fixture on a fresh emulator: each step's `ok`/`error` as the fixture says.
async fn run_fixture(path: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    let fixture: Value = serde_json::from_str(&text).unwrap();
    let emu = emulator().await;
    let mut saved = serde_json::Map::new();
    for (i, step) in fixture["steps"].as_array().unwrap().iter().enumerate() {
        let method = step["method"].as_str().unwrap();
        let token = match step["as"].as_str().unwrap_or("bot") {
            "bot" => emu.bot_token(),
            "user" => emu.user_token(),
            other => other.strip_prefix("token:").unwrap_or(other).to_owned(),
        };
        let args = substitute_value(&emu, &saved, &step["args"]);
        let answer = call_with(&emu, &token, method, args.clone()).await.json();
        match step["error"].as_str() {
            Some(code) => assert_eq!(
                (answer["ok"].clone(), answer["error"].clone()),
                (json!(false), json!(code)),
                "step {i} {method} {args}: {answer}"
            ),
            None => assert_eq!(answer["ok"], true, "step {i} {method} {args}: {answer}"),
        }
        if let Some(save) = step["save"].as_object() {
            for (name, pointer) in save {
                let v = answer
                    .pointer(pointer.as_str().unwrap())
                    .unwrap_or_else(|| {
                        panic!("step {i} {method}: nothing at {pointer} in {answer}")
                    });
                saved.insert(name.clone(), v.clone());
            }
        }
    }
}

#[tokio::test]
async fn fam2_fixture_runs() {
    run_fixture(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/calls/fam2.json"
    ))
    .await;
}

#[tokio::test]
async fn admin_fixture_runs() {
    run_fixture(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/calls/admin.json"
    ))
    .await;
}

/// The seed tag of an emulator (`A{tag}APP` is its app id; the team id is `T{tag}EMU`).
fn tag(emu: &Emulator) -> String {
    emu.app_id()
        .trim_start_matches('A')
        .trim_end_matches("APP")
        .to_owned()
}

/// The seed of an emulator (its bot token is `xoxb-{seed}-emulator-bot`).
fn seed(emu: &Emulator) -> String {
    emu.bot_token()
        .trim_start_matches("xoxb-")
        .trim_end_matches("-emulator-bot")
        .to_owned()
}

#[tokio::test]
async fn calls_keep_participants_and_end_once() {
    let emu = emulator().await;
    let ada = emu.user_id("ada").unwrap();
    let grace = emu.user_id("grace").unwrap();
    let v = ok(&emu, "calls.add", json!({"external_unique_id": "x", "join_url": "https://c.example/1", "created_by": ada,
        "users": json!([{"slack_id": ada}, {"external_id": "guest-1", "display_name": "Guest"}]).to_string()})).await;
    let id = v["call"]["id"].as_str().unwrap().to_owned();
    ok(
        &emu,
        "calls.participants.add",
        json!({"id": id, "users": format!("[{{\"slack_id\":\"{grace}\"}}]")}),
    )
    .await;
    ok(
        &emu,
        "calls.participants.remove",
        json!({"id": id, "users": "[{\"external_id\":\"guest-1\"}]"}),
    )
    .await;
    let info = ok(&emu, "calls.info", json!({"id": id})).await;
    assert_eq!(
        info["call"]["users"],
        json!([{"slack_id": ada}, {"slack_id": grace}])
    );
    ok(&emu, "calls.end", json!({"id": id, "duration": 90})).await;
    let info = ok(&emu, "calls.info", json!({"id": id})).await;
    assert_eq!(
        info["call"]["date_end"].as_u64(),
        info["call"]["date_start"].as_u64().map(|s| s + 90)
    );
    assert_eq!(
        common::fail(
            &emu,
            "calls.participants.add",
            json!({"id": id, "users": format!("[{{\"slack_id\":\"{ada}\"}}]")})
        )
        .await,
        "inactive_call"
    );
    assert_eq!(
        common::fail(
            &emu,
            "calls.add",
            json!({"external_unique_id": "y", "join_url": "u", "created_by": "UNOPE"})
        )
        .await,
        "invalid_created_by"
    );
}

#[tokio::test]
async fn datastore_is_a_key_value_store_with_queries() {
    let emu = emulator().await;
    for (id, title, done) in [
        ("1", "Write docs", false),
        ("2", "Write tests", true),
        ("3", "Read mail", false),
    ] {
        ok(
            &emu,
            "apps.datastore.put",
            json!({"datastore": "tasks", "item": {"id": id, "title": title, "done": done}}),
        )
        .await;
    }
    let q = ok(&emu, "apps.datastore.query", json!({"datastore": "tasks", "expression": "begins_with(#t, :p) AND #d = :f",
        "expression_attributes": {"#t": "title", "#d": "done"}, "expression_values": {":p": "Write", ":f": false}})).await;
    assert_eq!(
        q["items"],
        json!([{"id": "1", "title": "Write docs", "done": false}])
    );
    let c = ok(&emu, "apps.datastore.count", json!({"datastore": "tasks"})).await;
    assert_eq!(c["count"], 3);
    ok(
        &emu,
        "apps.datastore.update",
        json!({"datastore": "tasks", "item": {"id": "3", "done": true}}),
    )
    .await;
    let g = ok(
        &emu,
        "apps.datastore.get",
        json!({"datastore": "tasks", "id": "3"}),
    )
    .await;
    assert_eq!(
        g["item"],
        json!({"id": "3", "title": "Read mail", "done": true})
    );
    ok(
        &emu,
        "apps.datastore.bulkDelete",
        json!({"datastore": "tasks", "ids": ["1", "2"]}),
    )
    .await;
    let c = ok(&emu, "apps.datastore.count", json!({"datastore": "tasks"})).await;
    assert_eq!(c["count"], 1);
    let bad = common::call(
        &emu,
        "apps.datastore.put",
        json!({"datastore": "tasks", "item": {"id": "9", "colour": "red"}}),
    )
    .await;
    assert_eq!(bad["error"], "invalid_arguments", "{bad}");
    let bad = common::call(
        &emu,
        "apps.datastore.put",
        json!({"datastore": "tasks", "item": {"title": "no key"}}),
    )
    .await;
    assert_eq!(bad["error"], "invalid_arguments", "{bad}");
}

#[tokio::test]
async fn canvas_sections_follow_edits() {
    let emu = emulator().await;
    let user = emu.user_token();
    let v = call_with(
        &emu,
        &user,
        "canvases.create",
        json!({"title": "Notes",
        "document_content": "{\"type\":\"markdown\",\"markdown\":\"# One\\ntext\\n# Two\"}"}),
    )
    .await
    .json();
    let id = v["canvas_id"].as_str().unwrap().to_owned();
    let lookup = |criteria: &str| {
        let (emu, user, id, criteria) = (&emu, user.clone(), id.clone(), criteria.to_owned());
        async move {
            call_with(
                emu,
                &user,
                "canvases.sections.lookup",
                json!({"canvas_id": id, "criteria": criteria}),
            )
            .await
            .json()
        }
    };
    let h1 = lookup("{\"section_types\":[\"h1\"]}").await;
    assert_eq!(h1["sections"].as_array().map(Vec::len), Some(2), "{h1}");
    let first = h1["sections"][0]["id"].as_str().unwrap().to_owned();
    let changes = json!([{"operation": "delete", "section_id": first}]).to_string();
    let e = call_with(
        &emu,
        &user,
        "canvases.edit",
        json!({"canvas_id": id, "changes": changes}),
    )
    .await
    .json();
    assert_eq!(e["ok"], true, "{e}");
    let h1 = lookup("{\"section_types\":[\"any_header\"],\"contains_text\":\"two\"}").await;
    assert_eq!(h1["sections"].as_array().map(Vec::len), Some(1), "{h1}");
    // Grace cannot see it until shared with her.
    let grace_token = "xoxp-test-grace";
    emu.add_token(
        grace_token,
        Some("grace"),
        &["canvases:read", "canvases:write"],
    );
    let denied = call_with(
        &emu,
        grace_token,
        "canvases.sections.lookup",
        json!({"canvas_id": id, "criteria": "{\"contains_text\":\"x\"}"}),
    )
    .await
    .json();
    assert_eq!(denied["error"], "canvas_not_found");
    let grace = emu.user_id("grace").unwrap();
    call_with(
        &emu,
        &user,
        "canvases.access.set",
        json!({"canvas_id": id, "access_level": "read", "user_ids": grace}),
    )
    .await;
    let seen = call_with(
        &emu,
        grace_token,
        "canvases.sections.lookup",
        json!({"canvas_id": id, "criteria": "{\"contains_text\":\"text\"}"}),
    )
    .await
    .json();
    assert_eq!(seen["ok"], true, "{seen}");
    let edit = call_with(
        &emu,
        grace_token,
        "canvases.edit",
        json!({"canvas_id": id, "changes": changes}),
    )
    .await
    .json();
    assert_eq!(edit["error"], "restricted_action");
}

#[tokio::test]
async fn openid_sign_in_over_the_emulators_users() {
    let emu = emulator().await;
    let info = common::send(&emu, http::Method::GET, "/_emulator/info", &[], "")
        .await
        .unwrap()
        .json();
    assert!(info["modelled_methods"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m == "admin.conversations.search"));
    let code = common::send(
        &emu,
        http::Method::POST,
        "/_emulator/openid/code",
        &[("content-type", "application/json")],
        json!({"user": "grace", "redirect_uri": "https://app.example/cb"}).to_string(),
    )
    .await
    .unwrap()
    .json();
    let code = code["code"].as_str().unwrap().to_owned();
    // The app's one set of OAuth credentials, as `oauth.v2.access` takes them.
    let client_id = emu.oauth().client_id();
    let secret = emu.oauth().client_secret();
    let form = |pairs: Vec<(&'static str, String)>| {
        let emu = &emu;
        async move {
            let owned: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            common::form(emu, "openid.connect.token", &owned)
                .await
                .json()
        }
    };
    let bad = form(vec![
        ("client_id", client_id.clone()),
        ("client_secret", secret.clone()),
        ("code", code.clone()),
        ("redirect_uri", "https://evil.example/".into()),
    ])
    .await;
    assert_eq!(bad["error"], "bad_redirect_uri", "{bad}");
    // The code was spent by the refused attempt too (single use), so take a fresh one.
    let code = common::send(
        &emu,
        http::Method::POST,
        "/_emulator/openid/code",
        &[("content-type", "application/json")],
        json!({"user": "grace", "redirect_uri": "https://app.example/cb"}).to_string(),
    )
    .await
    .unwrap()
    .json()["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let t = form(vec![
        ("client_id", client_id.clone()),
        ("client_secret", secret.clone()),
        ("code", code.clone()),
        ("redirect_uri", "https://app.example/cb".into()),
    ])
    .await;
    assert_eq!(t["ok"], true, "{t}");
    let again = form(vec![
        ("client_id", client_id.clone()),
        ("client_secret", secret.clone()),
        ("code", code),
    ])
    .await;
    assert_eq!(again["error"], "invalid_code");
    let access = t["access_token"].as_str().unwrap();
    let me = call_with(&emu, access, "openid.connect.userInfo", json!({}))
        .await
        .json();
    assert_eq!(me["sub"], emu.user_id("grace").unwrap().as_str());
    assert_eq!(me["email"], "grace@example.com");
    // The ID token carries the same subject.
    let claims = t["id_token"].as_str().unwrap().split('.').nth(1).unwrap();
    use base64::Engine;
    let claims: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(claims)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(claims["sub"], me["sub"]);
    assert_eq!(claims["aud"], client_id.as_str());
    // The user token is only good for OpenID.
    let other = call_with(
        &emu,
        access,
        "chat.postMessage",
        json!({"channel": "general", "text": "x"}),
    )
    .await
    .json();
    assert_eq!(other["error"], "missing_scope");
    let refreshed = form(vec![
        ("client_id", client_id),
        ("client_secret", secret),
        ("grant_type", "refresh_token".into()),
        (
            "refresh_token",
            t["refresh_token"].as_str().unwrap().to_owned(),
        ),
    ])
    .await;
    assert_eq!(refreshed["ok"], true, "{refreshed}");
}

#[tokio::test]
async fn function_executions_complete_once_and_are_logged() {
    let emu = emulator().await;
    let exec = format!("Fx{}0001", tag(&emu));
    let missing = common::call(
        &emu,
        "functions.completeSuccess",
        json!({"function_execution_id": exec, "outputs": {}}),
    )
    .await;
    assert_eq!(missing["error"], "parameter_validation_failed");
    ok(
        &emu,
        "functions.completeSuccess",
        json!({"function_execution_id": exec, "outputs": {"greeting": "Hello Ada"}}),
    )
    .await;
    let again = common::call(
        &emu,
        "functions.completeError",
        json!({"function_execution_id": exec, "error": "late"}),
    )
    .await;
    assert_eq!(again["error"], "execution_not_in_running_state");
    let app = format!("A{}APP", tag(&emu));
    let log = ok(
        &emu,
        "apps.activities.list",
        json!({"app_id": app, "log_event_type": "function_execution_result"}),
    )
    .await;
    assert_eq!(
        log["activities"][0]["payload"]["outputs"]["greeting"], "Hello Ada",
        "{log}"
    );
    let f = format!("Fn{}0001", tag(&emu));
    let grace = emu.user_id("grace").unwrap();
    let p = ok(
        &emu,
        "functions.distributions.permissions.add",
        json!({"function_id": f, "user_ids": grace}),
    )
    .await;
    assert_eq!(p["permission_type"], "named_entities");
    assert_eq!(p["users"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn tooling_tokens_rotate_once() {
    let emu = emulator().await;
    let refresh = format!("xoxe-1-{}-emulator-ada", seed(&emu));
    let r = call_with(
        &emu,
        "",
        "tooling.tokens.rotate",
        json!({"refresh_token": refresh}),
    )
    .await
    .json();
    assert_eq!(r["ok"], true, "{r}");
    assert!(r["token"].as_str().unwrap().starts_with("xoxe.xoxp-"));
    let again = call_with(
        &emu,
        "",
        "tooling.tokens.rotate",
        json!({"refresh_token": refresh}),
    )
    .await
    .json();
    assert_eq!(again["error"], "invalid_refresh_token");
    let next = call_with(
        &emu,
        "",
        "tooling.tokens.rotate",
        json!({"refresh_token": r["refresh_token"]}),
    )
    .await
    .json();
    assert_eq!(next["ok"], true);
    // The configuration token manages apps.
    let v = call_with(
        &emu,
        r["token"].as_str().unwrap(),
        "apps.manifest.validate",
        json!({"manifest": "{\"display_information\":{\"name\":\"X\"}}"}),
    )
    .await
    .json();
    assert_eq!(v["ok"], true, "{v}");
}

#[tokio::test]
async fn public_urls_emit_events_and_uninstall_revokes_tokens() {
    let emu = emulator().await;
    let user = emu.user_token();
    // Upload a file as ada.
    let up = call_with(
        &emu,
        &user,
        "files.getUploadURLExternal",
        json!({"filename": "a.txt", "length": 2}),
    )
    .await
    .json();
    let url = up["upload_url"].as_str().unwrap().to_owned();
    let path = url
        .split_once("//")
        .map(|(_, r)| r)
        .and_then(|r| r.split_once('/'))
        .map(|(_, p)| format!("/{p}"))
        .unwrap();
    common::send(&emu, http::Method::POST, &path, &[], "hi")
        .await
        .unwrap();
    let id = up["file_id"].as_str().unwrap().to_owned();
    call_with(
        &emu,
        &user,
        "files.completeUploadExternal",
        json!({"files": [{"id": id}]}),
    )
    .await;
    let mut ws = rtm_connect(&emu, &emu.bot_token()).await;
    let shared = call_with(&emu, &user, "files.sharedPublicURL", json!({"file": id}))
        .await
        .json();
    assert_eq!(shared["file"]["public_url_shared"], true, "{shared}");
    assert!(shared["file"]["permalink_public"]
        .as_str()
        .unwrap()
        .starts_with("https://slack-files.com/"));
    let ev = next_event(&mut ws, &[]).await;
    assert_eq!(
        (ev["type"].clone(), ev["file_id"].clone()),
        (json!("file_public"), json!(id))
    );
    let bot = common::call(&emu, "files.sharedPublicURL", json!({"file": id})).await;
    assert_eq!(bot["error"], "not_allowed_token_type");
    let revoked = call_with(&emu, &user, "files.revokePublicURL", json!({"file": id}))
        .await
        .json();
    assert_eq!(revoked["file"]["public_url_shared"], false);
    drop(ws);
    // The app's one set of OAuth credentials, as `oauth.v2.access` takes them.
    let client_id = emu.oauth().client_id();
    let secret = emu.oauth().client_secret();
    ok(
        &emu,
        "apps.uninstall",
        json!({"client_id": client_id, "client_secret": secret}),
    )
    .await;
    let after = common::call_with(&emu, &emu.bot_token(), "auth.test", json!({}))
        .await
        .json();
    assert_eq!(after["error"], "invalid_auth");
}

#[tokio::test]
async fn lists_check_cells_against_the_schema() {
    let emu = emulator().await;
    let user = emu.user_token();
    let l = call_with(&emu, &user, "slackLists.create", json!({"name": "Bugs", "schema":
        "[{\"key\":\"title\",\"name\":\"Title\",\"type\":\"text\",\"is_primary_column\":true},{\"key\":\"sev\",\"name\":\"Severity\",\"type\":\"number\"}]"})).await.json();
    assert_eq!(l["ok"], true, "{l}");
    let list = l["list_id"].as_str().unwrap();
    let sev = l["list_metadata"]["schema"][1]["id"].as_str().unwrap();
    let bad = call_with(
        &emu,
        &user,
        "slackLists.items.create",
        json!({"list_id": list,
        "initial_fields": format!("[{{\"column_id\":\"{sev}\",\"text\":\"high\"}}]")}),
    )
    .await
    .json();
    assert_eq!(bad["error"], "invalid_input_type");
    let bad = call_with(
        &emu,
        &user,
        "slackLists.items.create",
        json!({"list_id": list, "initial_fields": "[{\"column_id\":\"ColX\",\"number\":[1]}]"}),
    )
    .await
    .json();
    assert_eq!(bad["error"], "invalid_column_id");
    let two_primaries = call_with(&emu, &user, "slackLists.create", json!({"name": "X", "schema":
        "[{\"key\":\"a\",\"type\":\"text\",\"is_primary_column\":true},{\"key\":\"b\",\"type\":\"text\",\"is_primary_column\":true}]"})).await.json();
    assert_eq!(two_primaries["error"], "invalid_primary_column");
    let it = call_with(&emu, &user, "slackLists.items.create", json!({"list_id": list, "initial_fields": format!("[{{\"column_id\":\"{sev}\",\"number\":[2]}}]")})).await.json();
    assert_eq!(it["ok"], true, "{it}");
    let job = call_with(
        &emu,
        &user,
        "slackLists.download.start",
        json!({"list_id": list}),
    )
    .await
    .json();
    let got = call_with(
        &emu,
        &user,
        "slackLists.download.get",
        json!({"list_id": list, "job_id": job["job_id"]}),
    )
    .await
    .json();
    assert_eq!(got["status"], "COMPLETED");
    let path = got["download_url"]
        .as_str()
        .unwrap()
        .split_once("//")
        .and_then(|(_, r)| r.split_once('/'))
        .map(|(_, p)| format!("/{p}"))
        .unwrap();
    let auth = format!("Bearer {user}");
    let csv = common::send(
        &emu,
        http::Method::GET,
        &path,
        &[("authorization", &auth)],
        "",
    )
    .await
    .unwrap();
    assert_eq!(csv.text(), "Title,Severity\n,[2]\n");
    // The bot was not given access.
    let hidden = common::call(&emu, "slackLists.items.list", json!({"list_id": list})).await;
    assert_eq!(hidden["error"], "list_not_found");
}
