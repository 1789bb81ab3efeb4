//! The set-up the RTM driver tests share: a scripted mock transport on a manual virtual
//! clock, answering `rtm.connect`.
#![allow(dead_code, clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use slack_core::{WebClient, WebClientBuilder};
use slack_rtm::{RtmClient, RtmError, RtmOptions};
use slack_transport_mock::{MockTransport, VirtualClock};

pub struct Setup {
    pub clock: VirtualClock,
    pub mock: MockTransport,
    pub web: WebClient,
}

pub fn setup() -> Setup {
    let clock = VirtualClock::manual();
    let mock = MockTransport::with_clock(clock.clone());
    mock.on("rtm.connect")
        .always()
        .respond_json(json!({"ok": true, "url": "wss://mock.test/rtm", "self": {"id": "UBOT"}}));
    let web = WebClientBuilder::new()
        .token("xoxb-test")
        .transport_with_ws(mock.clone())
        .build()
        .unwrap();
    Setup { clock, mock, web }
}

pub fn options() -> RtmOptions {
    RtmOptions::default()
        .seed(1)
        .ping_interval(Duration::from_secs(10))
}

/// Let every spawned task run until it waits on something (a frame, the clock, a consumer).
pub async fn settle() {
    for _ in 0..200 {
        tokio::task::yield_now().await;
    }
}

pub fn spawn(rtm: &Arc<RtmClient>) -> tokio::task::JoinHandle<Result<(), RtmError>> {
    let rtm = rtm.clone();
    tokio::spawn(async move { rtm.start().await })
}
