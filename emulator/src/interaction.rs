//! Outgoing signed requests: an interaction payload POSTed to the app, as Slack does.

use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;

use crate::server::Shared;

/// POST `payload=<json>` to the configured interaction URL with `X-Slack-Request-Timestamp`
/// and `X-Slack-Signature`; returns the app's status and body.
pub(crate) async fn send(shared: &Shared, payload: &Value) -> Result<(u16, String), String> {
    let config = shared.config();
    let url = config
        .interaction_url
        .ok_or_else(|| "no interaction URL configured".to_owned())?;
    let body: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("payload", &payload.to_string())
        .finish();
    let ts = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    let signature = slack_core::signature::sign(&config.signing_secret, ts, body.as_bytes());
    let req = http::Request::post(url.as_str())
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-slack-request-timestamp", ts.to_string())
        .header("x-slack-signature", signature)
        .header(
            "user-agent",
            "Slackbot 1.0 (+https://api.slack.com/robots) (slack-emulator)",
        )
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| format!("invalid interaction URL: {e}"))?;
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let resp = client
        .request(req)
        .await
        .map_err(|e| format!("interaction request failed: {e}"))?;
    let status = resp.status().as_u16();
    let bytes = resp
        .into_body()
        .collect()
        .await
        .map_err(|e| format!("reading the app's answer: {e}"))?
        .to_bytes();
    Ok((status, String::from_utf8_lossy(&bytes).into_owned()))
}
