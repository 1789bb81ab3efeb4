//! The fake OAuth v2 authorization server: consent page, code exchange, rotating tokens
//! that expire, single-use refresh tokens, and the error answers.

mod common;

use common::{call_with, emulator, form, send};
use http::Method;
use serde_json::{json, Value};
use slack_emulator::{DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET};

const REDIRECT: &str = "http://127.0.0.1:9/slack/oauth_redirect";

fn authorize_query(state: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", DEFAULT_CLIENT_ID)
        .append_pair("scope", "chat:write,channels:read")
        .append_pair("user_scope", "search:read")
        .append_pair("redirect_uri", REDIRECT)
        .append_pair("state", state)
        .finish()
}

fn param(url: &str, name: &str) -> Option<String> {
    let q = url.split_once('?')?.1;
    form_urlencoded::parse(q.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

async fn access(emu: &slack_emulator::Emulator, pairs: &[(&str, &str)]) -> Value {
    let r = form(emu, "oauth.v2.access", pairs).await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

async fn exchange(emu: &slack_emulator::Emulator, code: &str) -> Value {
    access(
        emu,
        &[
            ("client_id", DEFAULT_CLIENT_ID),
            ("client_secret", DEFAULT_CLIENT_SECRET),
            ("code", code),
            ("redirect_uri", REDIRECT),
        ],
    )
    .await
}

#[tokio::test]
async fn consent_page_then_code_exchange_then_rotation() {
    let emu = emulator().await;
    // The page a browser sees, with its Allow/Deny form.
    let page = send(
        &emu,
        Method::GET,
        &format!("/oauth/v2/authorize?{}", authorize_query("st-1")),
        &[],
        "",
    )
    .await
    .unwrap();
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(
        html.contains("value=\"allow\"") && html.contains("value=\"deny\""),
        "{html}"
    );
    // Clicking "Allow" posts the form back and is redirected with a code and the state.
    let body = format!("{}&decision=allow", authorize_query("st-1"));
    let clicked = send(
        &emu,
        Method::POST,
        "/oauth/v2/authorize",
        &[("content-type", "application/x-www-form-urlencoded")],
        body,
    )
    .await
    .unwrap();
    assert_eq!(clicked.status, 302);
    let location = clicked.header("location").unwrap().to_owned();
    assert!(location.starts_with(REDIRECT), "{location}");
    assert_eq!(param(&location, "state").as_deref(), Some("st-1"));
    let code = param(&location, "code").unwrap();

    let v = exchange(&emu, &code).await;
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["token_type"], "bot");
    assert_eq!(v["team"]["id"], json!(emu.team_id()));
    assert_eq!(v["bot_user_id"], json!(emu.bot_user_id()));
    assert_eq!(
        v["expires_in"],
        json!(slack_emulator::DEFAULT_TOKEN_LIFETIME)
    );
    let bot = v["access_token"].as_str().unwrap().to_owned();
    let refresh = v["refresh_token"].as_str().unwrap().to_owned();
    assert!(bot.starts_with("xoxe.xoxb-1-"), "{bot}");
    assert!(refresh.starts_with("xoxe-1-"), "{refresh}");
    let user = &v["authed_user"];
    assert!(user["access_token"]
        .as_str()
        .unwrap()
        .starts_with("xoxe.xoxp-1-"));
    assert_eq!(user["scope"], "search:read");
    assert_eq!(emu.oauth().installs(), 1);

    // The token works, with only the scopes granted.
    let me = call_with(&emu, &bot, "auth.test", json!({})).await.json();
    assert_eq!(me["ok"], true, "{me}");
    let denied = call_with(
        &emu,
        &bot,
        "reactions.add",
        json!({"channel": "general", "name": "x", "timestamp": "1.0"}),
    )
    .await
    .json();
    assert_eq!(denied["error"], "missing_scope", "{denied}");

    // A code works once.
    assert_eq!(exchange(&emu, &code).await["error"], "invalid_code");

    // Expired: token_expired; a refresh gives a new pair; the refresh token is spent.
    assert_eq!(emu.oauth().expire_tokens(), 2);
    let expired = call_with(&emu, &bot, "auth.test", json!({})).await.json();
    assert_eq!(expired["error"], "token_expired", "{expired}");
    let refresh_args = [
        ("client_id", DEFAULT_CLIENT_ID),
        ("client_secret", DEFAULT_CLIENT_SECRET),
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh.as_str()),
    ];
    let renewed = access(&emu, &refresh_args).await;
    assert_eq!(renewed["ok"], true, "{renewed}");
    let bot2 = renewed["access_token"].as_str().unwrap();
    assert_ne!(bot2, bot);
    assert_ne!(renewed["refresh_token"], json!(refresh));
    assert_eq!(renewed["token_type"], "bot");
    let me = call_with(&emu, bot2, "auth.test", json!({})).await.json();
    assert_eq!(me["ok"], true, "{me}");
    assert_eq!(
        access(&emu, &refresh_args).await["error"],
        "invalid_refresh_token"
    );
    assert_eq!(emu.oauth().refreshes(), 1);
}

#[tokio::test]
async fn deny_and_bad_requests() {
    let emu = emulator().await;
    let denied = emu
        .oauth()
        .deny(&format!(
            "{}?{}",
            emu.oauth().authorize_url(),
            authorize_query("st-2")
        ))
        .unwrap();
    assert_eq!(param(&denied, "error").as_deref(), Some("access_denied"));
    assert_eq!(param(&denied, "state").as_deref(), Some("st-2"));
    assert_eq!(param(&denied, "code"), None);

    // The consent page refuses an unknown client or no scopes.
    let bad = emu
        .oauth()
        .approve("client_id=nobody&scope=chat:write&redirect_uri=http://x/");
    assert_eq!(bad.unwrap_err().0, "invalid_client_id");
    let page = send(
        &emu,
        Method::GET,
        "/oauth/v2/authorize?client_id=nobody",
        &[],
        "",
    )
    .await
    .unwrap();
    assert_eq!(page.status, 400);

    let approved = emu.oauth().approve(&authorize_query("st-3")).unwrap();
    let code = param(&approved, "code").unwrap();
    let wrong_secret = access(
        &emu,
        &[
            ("client_id", DEFAULT_CLIENT_ID),
            ("client_secret", "nope"),
            ("code", &code),
        ],
    )
    .await;
    assert_eq!(wrong_secret["error"], "bad_client_secret");
    let wrong_id = access(
        &emu,
        &[
            ("client_id", "1.2"),
            ("client_secret", DEFAULT_CLIENT_SECRET),
            ("code", &code),
        ],
    )
    .await;
    assert_eq!(wrong_id["error"], "invalid_client_id");
    let wrong_uri = access(
        &emu,
        &[
            ("client_id", DEFAULT_CLIENT_ID),
            ("client_secret", DEFAULT_CLIENT_SECRET),
            ("code", &code),
            ("redirect_uri", "http://127.0.0.1:9/elsewhere"),
        ],
    )
    .await;
    assert_eq!(wrong_uri["error"], "bad_redirect_uri");
    let bad_grant = access(
        &emu,
        &[
            ("client_id", DEFAULT_CLIENT_ID),
            ("client_secret", DEFAULT_CLIENT_SECRET),
            ("grant_type", "magic"),
        ],
    )
    .await;
    assert_eq!(bad_grant["error"], "invalid_grant_type");
    // Failed checks did not spend the code.
    assert_eq!(exchange(&emu, &code).await["ok"], true);
}

#[tokio::test]
async fn rotation_off_gives_long_lived_tokens() {
    let emu = emulator().await;
    emu.oauth().set_token_rotation(None);
    let code = param(&emu.oauth().approve(&authorize_query("s")).unwrap(), "code").unwrap();
    let v = exchange(&emu, &code).await;
    let token = v["access_token"].as_str().unwrap();
    assert!(token.starts_with("xoxb-"), "{v}");
    assert!(
        v.get("refresh_token").is_none() && v.get("expires_in").is_none(),
        "{v}"
    );
    assert_eq!(emu.oauth().expire_tokens(), 0);
    assert_eq!(
        call_with(&emu, token, "auth.test", json!({})).await.json()["ok"],
        true
    );
    let legacy = call_with(
        &emu,
        &emu.bot_token(),
        "oauth.v2.exchange",
        json!({"client_id": DEFAULT_CLIENT_ID, "client_secret": DEFAULT_CLIENT_SECRET}),
    )
    .await
    .json();
    assert_eq!(legacy["error"], "token_rotation_not_enabled");
}

#[tokio::test]
async fn user_only_and_classic_code_exchanges() {
    let emu = emulator().await;
    let creds = [
        ("client_id", DEFAULT_CLIENT_ID),
        ("client_secret", DEFAULT_CLIENT_SECRET),
    ];
    // oauth.v2.user.access: only the installing user's token, rotating like the others.
    let code = param(&emu.oauth().approve(&authorize_query("u")).unwrap(), "code").unwrap();
    let mut pairs = creds.to_vec();
    pairs.extend([("code", code.as_str()), ("redirect_uri", REDIRECT)]);
    let v = form(&emu, "oauth.v2.user.access", &pairs).await.json();
    assert_eq!(v["ok"], true, "{v}");
    assert!(v.get("access_token").is_none(), "no bot token: {v}");
    let user = &v["authed_user"];
    assert_eq!(user["token_type"], "user");
    assert_eq!(user["scope"], "search:read");
    let token = user["access_token"].as_str().unwrap();
    assert!(token.starts_with("xoxe.xoxp-"), "{v}");
    let me = call_with(&emu, token, "auth.test", json!({})).await.json();
    assert_eq!(me["user_id"], user["id"], "{me}");
    // Single use.
    let again = form(&emu, "oauth.v2.user.access", &pairs).await.json();
    assert_eq!(again["error"], "invalid_code");
    // Its refresh token renews it once.
    let refresh = user["refresh_token"].as_str().unwrap();
    let mut renew = creds.to_vec();
    renew.extend([("grant_type", "refresh_token"), ("refresh_token", refresh)]);
    let renewed = form(&emu, "oauth.v2.user.access", &renew).await.json();
    assert_eq!(renewed["token_type"], "user", "{renewed}");
    let spent = form(&emu, "oauth.v2.user.access", &renew).await.json();
    assert_eq!(spent["error"], "invalid_refresh_token");

    // oauth.access (classic apps): the user's token, the bot's under `bot`.
    let code = param(&emu.oauth().approve(&authorize_query("c")).unwrap(), "code").unwrap();
    let mut pairs = creds.to_vec();
    pairs.extend([("code", code.as_str()), ("redirect_uri", REDIRECT)]);
    let v = form(&emu, "oauth.access", &pairs).await.json();
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["team_id"], emu.team_id());
    assert_eq!(v["bot"]["bot_user_id"], emu.bot_user_id());
    for token in [&v["access_token"], &v["bot"]["bot_access_token"]] {
        let token = token.as_str().unwrap();
        let who = call_with(&emu, token, "auth.test", json!({})).await.json();
        assert_eq!(who["ok"], true, "{who}");
    }
    let wrong = [
        ("client_id", DEFAULT_CLIENT_ID),
        ("client_secret", "wrong"),
        ("code", code.as_str()),
    ];
    assert_eq!(
        form(&emu, "oauth.access", &wrong).await.json()["error"],
        "bad_client_secret"
    );
}
