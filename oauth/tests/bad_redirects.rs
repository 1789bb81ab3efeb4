//! Every bad input to the install redirect ends on a failure page with nothing stored.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use slack_emulator::{Emulator, DEFAULT_CLIENT_ID};
use slack_oauth::{
    Clients, Endpoints, InstallationKey, InstallationStore, MemoryStore, OAuthFlow, OAuthSettings,
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

#[tokio::test]
async fn bad_redirects_end_on_failure_pages_with_nothing_stored() {
    let emu = Emulator::start().await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let app_url = format!("http://{}", listener.local_addr().unwrap());
    let template = slack_core::WebClient::builder()
        .transport(slack_transport_hyper::HyperTransport::default())
        .base_url(emu.base_url())
        .build()
        .unwrap();
    let authorize = emu.oauth().authorize_url();
    let clients = Clients::new(template).endpoints(move |_| Endpoints {
        authorize_url: authorize.clone(),
        api_url: None,
    });
    let now = Arc::new(std::sync::atomic::AtomicU64::new(1_000_000));
    let clock = now.clone();
    let settings = OAuthSettings::new(DEFAULT_CLIENT_ID, "not-the-secret")
        .scopes(["chat:write"])
        .redirect_uri(format!("{app_url}/slack/oauth_redirect"))
        .clock(move || clock.load(std::sync::atomic::Ordering::Relaxed));
    let store = Arc::new(MemoryStore::default());
    let flow = OAuthFlow::new(
        settings.clone(),
        store.clone(),
        store.clone(),
        clients.clone(),
    );
    tokio::spawn(flow.clone().serve_on(listener));
    let redirect = format!("{app_url}/slack/oauth_redirect");

    // Missing and forged state.
    let p = get(&format!("{redirect}?code=1.x")).await;
    assert_eq!(
        (p.status, p.body.contains("missing its state")),
        (400, true),
        "{}",
        p.body
    );
    let p = get(&format!("{redirect}?code=1.x&state=forged")).await;
    assert_eq!(
        (p.status, p.body.contains("invalid")),
        (400, true),
        "{}",
        p.body
    );

    // Denied consent.
    let consent = get(&format!("{app_url}/slack/install"))
        .await
        .location
        .unwrap();
    let p = get(&emu.oauth().deny(&consent).unwrap()).await;
    assert_eq!(
        (p.status, p.body.contains("access_denied")),
        (403, true),
        "{}",
        p.body
    );

    // Expired state.
    let consent = get(&format!("{app_url}/slack/install"))
        .await
        .location
        .unwrap();
    let back = emu.oauth().approve(&consent).unwrap();
    now.fetch_add(601, std::sync::atomic::Ordering::Relaxed);
    let p = get(&back).await;
    assert_eq!(
        (p.status, p.body.contains("expired")),
        (400, true),
        "{}",
        p.body
    );

    // A failed code exchange (the app's secret is wrong).
    let consent = get(&format!("{app_url}/slack/install"))
        .await
        .location
        .unwrap();
    let p = get(&emu.oauth().approve(&consent).unwrap()).await;
    assert_eq!(
        (p.status, p.body.contains("bad_client_secret")),
        (502, true),
        "{}",
        p.body
    );

    // An unknown path goes to the fallback (404 here).
    assert_eq!(get(&format!("{app_url}/elsewhere")).await.status, 404);
    assert_eq!(emu.oauth().installs(), 0);
    assert!(store
        .find_installation(&InstallationKey::team(emu.team_id()))
        .await
        .unwrap()
        .is_none());
}
