//! The websocket URL of an RTM session (its path is the session ticket) never appears in
//! logs or `Debug` output. Alone in its test binary: tracing's callsite cache is global.
#![allow(clippy::unwrap_used)]

use slack_sdk::core::transport::WsTransport;
use slack_sdk::transport::hyper::HyperTransport;

#[path = "common/logs.rs"]
mod logs;

#[tokio::test]
async fn the_rtm_ticket_is_not_logged_or_debug_printed() {
    let capture = logs::LogCapture::start();

    let emu = slack_emulator::Emulator::start().await.unwrap();
    let transport = HyperTransport::builder().no_proxy().build().unwrap();
    let client = slack_sdk::WebClient::builder()
        .token(emu.bot_token())
        .base_url(emu.base_url())
        .transport_with_ws(transport.clone())
        .build()
        .unwrap();
    let resp = client
        .api_call("rtm.connect", slack_sdk::Args::new())
        .await
        .unwrap();
    let url = resp.get("url").as_str().unwrap().to_owned();
    let secret = url
        .split_once("://")
        .and_then(|(_, rest)| rest.split_once('/'))
        .map(|(_, path)| path.to_owned())
        .unwrap();
    assert!(secret.len() >= 8, "{url}");
    let conn = transport
        .connect(&url, &http::HeaderMap::new())
        .await
        .unwrap();
    drop(conn);
    let debug = format!("{resp:?}");
    let logs = capture.text();
    assert!(logs.contains("opening websocket"), "{logs}");
    for (what, text) in [("logs", &logs), ("Debug of rtm.connect's answer", &debug)] {
        assert!(!text.contains(&secret), "{what} hold the ticket: {text}");
    }
    let event = slack_sdk::rtm_core::RtmEvent::ReconnectUrl {
        url: slack_sdk::core::transport::SessionUrl::new(url.clone()),
    };
    assert!(!format!("{event:?}").contains(&secret));
    emu.shutdown().await;
}
