//! The app in HTTP mode: `event_callback`s POSTed as JSON to the Events API request URL and
//! retried as Slack does (`X-Slack-Retry-Num`, `X-Slack-Retry-Reason`), `url_verification`,
//! and slash commands POSTed as forms to the command URL.

use std::sync::Arc;

use bytes::Bytes;
use serde_json::{json, Value};

use super::hub::ResponseTarget;
use super::{respond, AppError, HttpDelivery, ResponseVia};
use crate::interaction::{post_signed, PostError};
use crate::server::Shared;

fn record(
    shared: &Shared,
    event_id: &str,
    attempt: u32,
    reason: Option<&str>,
    result: &Result<(u16, String), PostError>,
) {
    let (status, error) = match result {
        Ok((s, _)) => (Some(*s), None),
        Err(PostError::Timeout) => (None, Some("http_timeout".to_owned())),
        Err(PostError::Request(e) | PostError::InvalidUrl(e)) => {
            (None, Some(format!("connection_failed: {e}")))
        }
    };
    shared.lock_app().record_http(HttpDelivery {
        event_id: event_id.to_owned(),
        attempt,
        retry_reason: reason.map(str::to_owned),
        status,
        error,
    });
}

/// POST one `event_callback` until the app answers 2xx in time, with up to three retries
/// after the configured delays; stops early when the emulator stops.
pub(crate) async fn deliver_event(shared: Arc<Shared>, callback: Value) {
    let Some(url) = shared.config.event_request_url.clone() else {
        return;
    };
    let event_id = callback
        .get("event_id")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let body = Bytes::from(callback.to_string());
    let mut stop = shared.shutdown_rx.clone();
    let mut reason: Option<&'static str> = None;
    for attempt in 0..=super::hub::MAX_RETRIES {
        let mut headers = Vec::new();
        if let Some(r) = reason {
            let Some(delay) = usize::try_from(attempt - 1)
                .ok()
                .and_then(|i| shared.config.http_retry_delays.get(i))
            else {
                return;
            };
            tokio::select! {
                () = tokio::time::sleep(*delay) => {}
                _ = stop.changed() => return,
            }
            headers.push(("x-slack-retry-num", attempt.to_string()));
            headers.push(("x-slack-retry-reason", r.to_owned()));
        }
        let result = post_signed(
            &shared,
            &url,
            "application/json",
            body.clone(),
            &headers,
            shared.config.http_timeout,
        )
        .await;
        record(&shared, &event_id, attempt, reason, &result);
        reason = Some(match result {
            Ok((status, _)) if (200..300).contains(&status) => return,
            Ok(_) => "http_error",
            Err(PostError::Timeout) => "http_timeout",
            Err(PostError::InvalidUrl(_)) => return,
            Err(PostError::Request(_)) => "connection_failed",
        });
    }
    let mut hub = shared.lock_app();
    if hub.given_up.len() >= super::MAX_RECORDS {
        hub.given_up.remove(0);
    }
    hub.given_up.push(event_id);
}

/// Send a `url_verification` request; whether the app echoed the challenge (as plain text,
/// or as JSON `{"challenge":…}`) with a 2xx status.
pub(crate) async fn verify_url(shared: &Shared) -> Result<bool, AppError> {
    let url = shared
        .config
        .event_request_url
        .clone()
        .ok_or(AppError::NoUrl("event request URL"))?;
    let challenge = shared.lock_app().opaque_id().replace('-', "");
    let body = json!({
        "token": shared.identity.verification_token,
        "challenge": challenge,
        "type": "url_verification",
    });
    let result = post_signed(
        shared,
        &url,
        "application/json",
        Bytes::from(body.to_string()),
        &[],
        shared.config.http_timeout,
    )
    .await;
    record(shared, "url_verification", 0, None, &result);
    let (status, text) = result.map_err(post_error)?;
    let echoed = text.trim() == challenge
        || serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|v| {
                v.get("challenge")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .is_some_and(|c| c == challenge);
    Ok((200..300).contains(&status) && echoed)
}

fn post_error(e: PostError) -> AppError {
    match e {
        PostError::InvalidUrl(e) => AppError::InvalidUrl(e),
        PostError::Request(e) => AppError::Request(e),
        PostError::Timeout => AppError::Timeout,
    }
}

/// POST a slash command's fields as a form to the command URL; the app's status and body.
/// A JSON body answered with 2xx is applied as the command's response.
pub(crate) async fn send_command(
    shared: &Shared,
    fields: &serde_json::Map<String, Value>,
    target: &ResponseTarget,
    trigger_id: &str,
) -> Result<(u16, String), AppError> {
    let url = shared
        .config
        .command_url
        .clone()
        .ok_or(AppError::NoUrl("command URL"))?;
    let form: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(
            fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str().unwrap_or_default())),
        )
        .finish();
    let (status, text) = post_signed(
        shared,
        &url,
        "application/x-www-form-urlencoded",
        Bytes::from(form),
        &[],
        shared.config.http_timeout,
    )
    .await
    .map_err(post_error)?;
    if (200..300).contains(&status) {
        if let Ok(body @ Value::Object(_)) = serde_json::from_str::<Value>(&text) {
            respond::message(shared, ResponseVia::HttpAnswer, trigger_id, target, &body);
        } else if !text.trim().is_empty() {
            // Plain text is an ephemeral reply.
            let body = json!({"text": text});
            respond::message(shared, ResponseVia::HttpAnswer, trigger_id, target, &body);
        }
    }
    Ok((status, text))
}
