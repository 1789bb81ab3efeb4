//! Outgoing signed requests: an interaction payload (`view_submission`, `block_actions`, …)
//! POSTed to the app as Slack does: `payload=<urlencoded JSON>`, signed with
//! `X-Slack-Request-Timestamp` and `X-Slack-Signature` (`slack_core::signature::sign`).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;

use crate::server::Shared;

/// Why [`Emulator::send_interaction`](crate::Emulator::send_interaction) got no answer from
/// the app. Retrying helps only for [`InteractionError::Request`].
#[derive(Debug)]
#[non_exhaustive]
pub enum InteractionError {
    /// No interaction URL was configured ([`EmulatorBuilder::interaction_url`](crate::EmulatorBuilder::interaction_url)).
    NoUrl,
    /// The configured URL is not a valid `http://` URL.
    InvalidUrl(String),
    /// Connecting, sending or reading the answer failed (the app is down, reset the
    /// connection, …).
    Request(String),
}

impl std::fmt::Display for InteractionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InteractionError::NoUrl => f.write_str("no interaction URL configured"),
            InteractionError::InvalidUrl(e) => write!(f, "invalid interaction URL: {e}"),
            InteractionError::Request(e) => write!(f, "interaction request failed: {e}"),
        }
    }
}

impl std::error::Error for InteractionError {}

/// The current Unix time in seconds.
pub(crate) fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Why a signed request got no answer.
#[derive(Debug)]
pub(crate) enum PostError {
    InvalidUrl(String),
    Request(String),
    Timeout,
}

/// POST `body` to `url` as Slack does: signed with the signing secret
/// (`X-Slack-Request-Timestamp`, `X-Slack-Signature`) and Slackbot's user agent, plus
/// `headers`; the app's status and body, within `timeout`.
pub(crate) async fn post_signed(
    shared: &Shared,
    url: &str,
    content_type: &str,
    body: Bytes,
    headers: &[(&str, String)],
    timeout: Duration,
) -> Result<(u16, String), PostError> {
    // The emulator's clock: an app that checks request freshness sees it moved.
    let ts = i64::try_from(shared.clock.now_secs()).unwrap_or(i64::MAX);
    let signature = slack_core::signature::sign(&shared.config.signing_secret, ts, &body);
    let mut req = http::Request::post(url)
        .header("content-type", content_type)
        .header("x-slack-request-timestamp", ts.to_string())
        .header("x-slack-signature", signature)
        .header(
            "user-agent",
            "Slackbot 1.0 (+https://api.slack.com/robots) (slack-emulator)",
        );
    for (k, v) in headers {
        req = req.header(*k, v.as_str());
    }
    let req = req
        .body(Full::new(body))
        .map_err(|e| PostError::InvalidUrl(e.to_string()))?;
    if req.uri().scheme_str() != Some("http") {
        return Err(PostError::InvalidUrl(format!(
            "{url}: only http:// URLs are supported"
        )));
    }
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let exchange = async {
        let resp = client
            .request(req)
            .await
            .map_err(|e| PostError::Request(e.to_string()))?;
        let status = resp.status().as_u16();
        let bytes = resp
            .into_body()
            .collect()
            .await
            .map_err(|e| PostError::Request(e.to_string()))?
            .to_bytes();
        Ok((status, String::from_utf8_lossy(&bytes).into_owned()))
    };
    tokio::time::timeout(timeout, exchange)
        .await
        .unwrap_or(Err(PostError::Timeout))
}

/// How long an interaction request may take.
const INTERACTION_TIMEOUT: Duration = Duration::from_secs(30);

/// POST `payload` to the configured interaction URL, signed; the app's status and body.
pub(crate) async fn send(
    shared: &Shared,
    payload: &Value,
) -> Result<(u16, String), InteractionError> {
    let url = shared
        .config
        .interaction_url
        .as_deref()
        .ok_or(InteractionError::NoUrl)?;
    let body: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("payload", &payload.to_string())
        .finish();
    post_signed(
        shared,
        url,
        "application/x-www-form-urlencoded",
        Bytes::from(body),
        &[],
        INTERACTION_TIMEOUT,
    )
    .await
    .map_err(|e| match e {
        PostError::InvalidUrl(e) => InteractionError::InvalidUrl(e),
        PostError::Request(e) => InteractionError::Request(e),
        PostError::Timeout => InteractionError::Request("timed out".into()),
    })
}
