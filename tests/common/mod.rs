//! Shared helpers for the integration tests: an emulator and clients pointed at it.
#![allow(dead_code, clippy::unwrap_used)]

use slack_emulator::{Emulator, RateLimits};
use slack_sdk::core::transport::{Body, HttpRequest, HttpResponse, HttpTransport};
use slack_sdk::transport::hyper::HyperTransport;
use slack_sdk::{RetryPolicy, WebClient};

/// An emulator without rate limits.
pub async fn emulator() -> Emulator {
    Emulator::start().await.unwrap()
}

/// An emulator with Slack-like rate limits.
pub async fn limited_emulator() -> Emulator {
    Emulator::builder()
        .rate_limits(RateLimits::SlackLike)
        .start()
        .await
        .unwrap()
}

fn transport() -> HyperTransport {
    HyperTransport::builder().no_proxy().build().unwrap()
}

/// A bot client with the default (retrying) policy.
pub fn client(emu: &Emulator) -> WebClient {
    WebClient::builder()
        .token(emu.bot_token())
        .base_url(emu.base_url())
        .transport_with_ws(transport())
        .build()
        .unwrap()
}

/// A bot client that makes exactly one attempt per call.
pub fn one_shot(emu: &Emulator) -> WebClient {
    WebClient::builder()
        .token(emu.bot_token())
        .base_url(emu.base_url())
        .retry_policy(RetryPolicy::none())
        .transport_with_ws(transport())
        .build()
        .unwrap()
}

/// A client with another token.
pub fn client_with_token(emu: &Emulator, token: &str) -> WebClient {
    WebClient::builder()
        .token(token)
        .base_url(emu.base_url())
        .retry_policy(RetryPolicy::none())
        .transport_with_ws(transport())
        .build()
        .unwrap()
}

/// A raw HTTP request to the emulator (path relative to its root).
pub async fn raw(
    emu: &Emulator,
    method: http::Method,
    path: &str,
    headers: &[(&str, &str)],
    body: impl Into<Body>,
) -> Result<HttpResponse, slack_sdk::core::transport::TransportError> {
    let mut req = HttpRequest::new(method, format!("http://{}{path}", emu.addr()));
    for (k, v) in headers {
        req.headers.insert(
            http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            v.parse().unwrap(),
        );
    }
    req.body = body.into();
    transport().send(req).await
}

/// The JSON of a raw response.
pub fn json(r: &HttpResponse) -> serde_json::Value {
    serde_json::from_slice(&r.body).unwrap_or(serde_json::Value::Null)
}
