//! The whole story against two emulated workspaces: installed through the real flow,
//! answering in each with its own token, surviving a token expiry. Nothing secret reaches the logs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../tests/common/logs.rs"]
mod logs;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use slack_app::App;
use slack_emulator::{
    AppMode, Emulator, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_SIGNING_SECRET,
};
use slack_oauth::{
    Authorizer, Clients, Endpoints, InstallationKey, InstallationStore, MemoryStore, OAuthFlow,
    OAuthSettings,
};

const WAIT: Duration = Duration::from_secs(10);

struct Page {
    status: u16,
    location: Option<String>,
    body: String,
}

async fn get(url: &str) -> Page {
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let resp = tokio::time::timeout(WAIT, client.get(url.parse().unwrap()))
        .await
        .expect("answer in time")
        .unwrap();
    let status = resp.status().as_u16();
    let location = resp
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned());
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    Page {
        status,
        location,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// Wait (up to WAIT) until `f` holds.
async fn until(mut f: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !f() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "condition not met in time"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn bot_replies(emu: &Emulator, text: &str) -> usize {
    let general = emu.channel_id("general").unwrap();
    emu.messages(&general)
        .iter()
        .filter(|m| m["bot_id"].is_string() && m["text"].as_str().is_some_and(|t| t.contains(text)))
        .count()
}

// One thread: the log capture is this thread's subscriber, so every task logs into it.
#[tokio::test]
async fn installed_in_two_workspaces_answers_in_each_and_survives_expiry() {
    let logs = logs::LogCapture::start();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let app_url = format!("http://{}", listener.local_addr().unwrap());
    let start = || {
        Emulator::builder()
            .app_mode(AppMode::Http)
            .event_request_url(format!("{app_url}/slack/events"))
            .start()
    };
    let (a, b) = (start().await.unwrap(), start().await.unwrap());
    // Each emulator is one workspace; in real use every team shares slack.com.
    let teams: Arc<HashMap<String, (String, String)>> = Arc::new(
        [&a, &b]
            .iter()
            .map(|e| (e.team_id(), (e.oauth().authorize_url(), e.base_url())))
            .collect(),
    );
    let template = slack_core::WebClient::builder()
        .transport(slack_transport_hyper::HyperTransport::default())
        .build()
        .unwrap();
    let clients = Clients::new(template.clone()).endpoints(move |team| {
        let (authorize_url, api) = team.and_then(|t| teams.get(t)).cloned().unwrap_or_default();
        Endpoints {
            authorize_url,
            api_url: Some(api),
        }
    });
    let settings = OAuthSettings::new(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
        .scopes(["chat:write", "app_mentions:read"])
        .redirect_uri(format!("{app_url}/slack/oauth_redirect"));
    let store = Arc::new(MemoryStore::default());
    let authorizer = Authorizer::with_clients(settings.clone(), store.clone(), clients.clone());

    let auth = authorizer.clone();
    let app = App::new(template)
        .authorize(move |q| {
            let auth = auth.clone();
            async move {
                Ok(auth
                    .client_for(q.enterprise_id.as_deref(), q.team_id.as_deref())
                    .await?)
            }
        })
        .app_mention(|req| async move {
            req.say(&format!(
                "hello team {}",
                req.payload.team.as_deref().unwrap_or("?")
            ))
            .await?;
            Ok(())
        });
    let events = app.http(DEFAULT_SIGNING_SECRET).unwrap();
    let flow = OAuthFlow::new(settings, store.clone(), store.clone(), clients).fallback(events);
    tokio::spawn(flow.serve_on(listener));

    // Install into each workspace through the real flow.
    for emu in [&a, &b] {
        let start = get(&format!("{app_url}/slack/install?team={}", emu.team_id())).await;
        assert_eq!(start.status, 302);
        let consent = start.location.unwrap();
        assert!(
            consent.starts_with(&emu.oauth().authorize_url()),
            "{consent}"
        );
        let back = emu.oauth().approve(&consent).unwrap();
        let done = get(&back).await;
        assert_eq!(done.status, 200, "{}", done.body);
        assert!(done.body.contains("installed"), "{}", done.body);
        // The redirect works once.
        let again = get(&back).await;
        assert_eq!(again.status, 400);
        assert!(
            again.body.contains("invalid or was already used"),
            "{}",
            again.body
        );
    }
    let ia = store
        .find_installation(&InstallationKey::team(a.team_id()))
        .await
        .unwrap()
        .unwrap();
    let ib = store
        .find_installation(&InstallationKey::team(b.team_id()))
        .await
        .unwrap()
        .unwrap();
    let (ta, tb) = (ia.token().unwrap().clone(), ib.token().unwrap().clone());
    assert_ne!(ta, tb);
    assert!(ta.expose().starts_with("xoxe.xoxb-1-"));

    // Each workspace's mention is answered there, with that workspace's token.
    for emu in [&a, &b] {
        emu.post_as("ada", "general", &format!("hi <@{}>", emu.bot_user_id()))
            .unwrap();
    }
    until(|| bot_replies(&a, &format!("hello team {}", a.team_id())) == 1).await;
    until(|| bot_replies(&b, &format!("hello team {}", b.team_id())) == 1).await;
    assert_eq!(bot_replies(&a, &b.team_id()), 0);

    // Workspace A's tokens expire: the reply meets token_expired, refreshes, retries once.
    assert_eq!(a.oauth().expire_tokens(), 1);
    a.post_as("ada", "general", &format!("again <@{}>", a.bot_user_id()))
        .unwrap();
    until(|| bot_replies(&a, &format!("hello team {}", a.team_id())) == 2).await;
    assert_eq!(a.oauth().refreshes(), 1);
    assert_eq!(b.oauth().refreshes(), 0);
    let ia2 = store
        .find_installation(&InstallationKey::team(a.team_id()))
        .await
        .unwrap()
        .unwrap();
    assert_ne!(ia2.token(), Some(&ta));
    assert_ne!(
        ia2.bot.as_ref().unwrap().refresh_token,
        ia.bot.as_ref().unwrap().refresh_token
    );

    // Nothing secret in the logs.
    let text = logs.text();
    for secret in [
        ta.expose(),
        tb.expose(),
        ia2.token().unwrap().expose(),
        ia.bot
            .as_ref()
            .unwrap()
            .refresh_token
            .as_ref()
            .unwrap()
            .expose(),
        DEFAULT_CLIENT_SECRET,
    ] {
        assert!(!text.contains(secret), "a secret reached the logs");
    }
    assert!(text.contains("installed"), "the logs tell what happened");
}
