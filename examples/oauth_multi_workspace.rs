//! A multi-workspace app: installed into two emulated workspaces through the real OAuth v2
//! flow, answering mentions in each with that workspace's own token, and surviving a token
//! expiry (the call meets `token_expired`, the token is refreshed, the call retried).
//!
//! `cargo run --example oauth_multi_workspace --features "hyper events oauth"`
//!
//! Each emulator is one workspace, so the app maps each team to its emulator's URLs
//! (`Clients::endpoints`); in real use every team shares slack.com and that line goes.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use slack_sdk::app::App;
use slack_sdk::oauth::{Authorizer, Clients, Endpoints, MemoryStore, OAuthFlow, OAuthSettings};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The app's server: the install flow and the Events API receiver on one port.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let app_url = format!("http://{}", listener.local_addr()?);

    // Two workspaces, each delivering its events to the app.
    let mut workspaces = Vec::new();
    for _ in 0..2 {
        workspaces.push(
            slack_emulator::Emulator::builder()
                .app_mode(slack_emulator::AppMode::Http)
                .event_request_url(format!("{app_url}/slack/events"))
                .start()
                .await?,
        );
    }
    let urls: HashMap<String, (String, String)> = workspaces
        .iter()
        .map(|e| (e.team_id(), (e.oauth().authorize_url(), e.base_url())))
        .collect();

    let web = slack_sdk::WebClient::builder().build()?;
    let clients = Clients::new(web.core().clone()).endpoints(move |team| {
        let (authorize_url, api) = team.and_then(|t| urls.get(t)).cloned().unwrap_or_default();
        Endpoints {
            authorize_url,
            api_url: Some(api),
        }
    });
    let settings = OAuthSettings::new(
        slack_emulator::DEFAULT_CLIENT_ID,
        slack_emulator::DEFAULT_CLIENT_SECRET,
    )
    .scopes(["chat:write", "app_mentions:read"])
    .redirect_uri(format!("{app_url}/slack/oauth_redirect"));
    let store = Arc::new(MemoryStore::default());
    let authorizer = Authorizer::with_clients(settings.clone(), store.clone(), clients.clone());

    // Each delivery gets the client of the workspace it came from.
    let app = App::new(web.core().clone())
        .authorize(move |q| {
            let authorizer = authorizer.clone();
            async move {
                Ok(authorizer
                    .client_for(q.enterprise_id.as_deref(), q.team_id.as_deref())
                    .await?)
            }
        })
        .app_mention(|req| async move {
            req.say("hello from the multi-workspace app").await?;
            Ok(())
        });
    let events = app.http(slack_emulator::DEFAULT_SIGNING_SECRET)?;
    let flow = OAuthFlow::new(settings, store.clone(), store, clients).fallback(events);
    tokio::spawn(flow.serve_on(listener));

    // Install into each workspace: what a browser does, step by step.
    for emu in &workspaces {
        let consent =
            flow_start(&format!("{app_url}/slack/install?team={}", emu.team_id())).await?;
        let redirect = emu.oauth().approve(&consent)?; // the user clicks "Allow"
        flow_start(&redirect).await.ok();
        println!("installed into {}", emu.team_id());
    }

    // Mentions in both, then an expiry in the first, then a mention again.
    for emu in &workspaces {
        emu.post_as("ada", "general", &format!("hi <@{}>", emu.bot_user_id()))?;
    }
    wait_for_replies(&workspaces[0], 1).await;
    wait_for_replies(&workspaces[1], 1).await;
    workspaces[0].oauth().expire_tokens();
    workspaces[0].post_as(
        "ada",
        "general",
        &format!("again <@{}>", workspaces[0].bot_user_id()),
    )?;
    wait_for_replies(&workspaces[0], 2).await;
    println!(
        "answered in both workspaces; tokens refreshed {} time(s)",
        workspaces[0].oauth().refreshes()
    );
    Ok(())
}

/// GET `url` like a browser; the `Location` it redirects to.
async fn flow_start(url: &str) -> Result<String, Box<dyn std::error::Error>> {
    use http_body_util::Full;
    let client: hyper_util::client::legacy::Client<_, Full<bytes::Bytes>> =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build_http();
    let resp = client.get(url.parse()?).await?;
    let location = resp
        .headers()
        .get("location")
        .map(|v| v.to_str().map(str::to_owned));
    match location {
        Some(l) => Ok(l?),
        None if resp.status().is_success() => Ok(String::new()),
        None => Err(format!("{url}: {}", resp.status()).into()),
    }
}

/// Wait until the bot has answered `n` times in `emu`'s #general.
async fn wait_for_replies(emu: &slack_emulator::Emulator, n: usize) {
    let general = emu.channel_id("general").unwrap_or_default();
    for _ in 0..500 {
        let replies = emu
            .messages(&general)
            .iter()
            .filter(|m| m["bot_id"].is_string())
            .count();
        if replies >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    eprintln!("no reply from the bot in time");
}
