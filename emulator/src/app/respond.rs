//! What the app answers, applied as Slack does: message responses (from a slash command ack
//! or HTTP answer, or POSTed to a `response_url`) post in the channel, stay ephemeral, or
//! replace or delete the original message; `view_submission` answers update, push, clear
//! or show errors on the modal. Each is recorded ([`Emulator::responses`]).
//!
//! [`Emulator::responses`]: crate::Emulator::responses

use serde_json::{json, Value};

use super::hub::ResponseTarget;
use super::{AppResponse, ResponseVia};
use crate::api::chat::{store_message, NewMessage};
use crate::api::Ctx;
use crate::server::Shared;
use crate::state::Message;

fn flag(body: &Value, key: &str) -> bool {
    match body.get(key) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s == "true",
        _ => false,
    }
}

fn record(
    shared: &Shared,
    via: ResponseVia,
    id: &str,
    body: &Value,
    outcome: &str,
    ts: Option<String>,
) {
    // What the app answered may have changed the workspace.
    shared.mark_changed();
    shared.lock_app().record_response(AppResponse {
        via,
        id: id.to_owned(),
        body: body.clone(),
        outcome: outcome.to_owned(),
        ts,
    });
}

/// Apply a message response (`text`, `blocks`, `response_type`, `replace_original`,
/// `delete_original`, `thread_ts`) for `target`; the outcome.
pub(crate) fn message(
    shared: &Shared,
    via: ResponseVia,
    id: &str,
    target: &ResponseTarget,
    body: &Value,
) -> String {
    let channel = target.channel.clone().unwrap_or_default();
    let original = target.message_ts.clone();
    let (outcome, ts, events) = {
        let mut ws = shared.lock_state();
        if flag(body, "delete_original") {
            match original.as_deref() {
                Some(ts) if ws.remove_message(&channel, ts).is_some() => {
                    ("deleted_original", Some(ts.to_owned()), Vec::new())
                }
                _ => ("message_not_found", None, Vec::new()),
            }
        } else if flag(body, "replace_original") {
            match original
                .as_deref()
                .and_then(|ts| ws.find_message_mut(&channel, ts))
            {
                Some(m) => {
                    for key in ["text", "blocks", "attachments"] {
                        if let Some(v) = body.get(key) {
                            m.insert(key.into(), v.clone());
                        }
                    }
                    ("replaced_original", original.clone(), Vec::new())
                }
                None => ("message_not_found", None, Vec::new()),
            }
        } else if body.get("response_type").and_then(Value::as_str) == Some("in_channel") {
            let mut ctx = Ctx::new(ws.bot_user_id.clone(), shared.env(None));
            let mut extra = Message::new();
            for key in ["blocks", "attachments"] {
                if let Some(v) = body.get(key).filter(|v| v.is_array()) {
                    extra.insert(key.into(), v.clone());
                }
            }
            let new = NewMessage {
                text: body.get("text").and_then(Value::as_str).map(str::to_owned),
                extra,
                thread_ts: body
                    .get("thread_ts")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                broadcast: false,
            };
            match store_message(&mut ws, &mut ctx, &channel, new) {
                Ok(m) => {
                    let ts = m.get("ts").and_then(Value::as_str).map(str::to_owned);
                    ("in_channel", ts, ctx.events)
                }
                Err(_) => ("message_not_found", None, Vec::new()),
            }
        } else {
            // Only the user sees it: RTM connections of that user get it, nothing is stored.
            let mut ctx = Ctx::new(ws.bot_user_id.clone(), shared.env(None));
            let ts = ws.next_ts();
            let poster = ctx.user.clone();
            let text = body.get("text").cloned().unwrap_or(Value::Null);
            let user = target.user.clone();
            ctx.emit_for(Some(user.clone()), || {
                json!({"type": "message", "subtype": "ephemeral", "channel": channel, "user": poster,
                       "text": text, "ts": ts, "ephemeral_for": user})
            });
            ("ephemeral", None, ctx.events)
        }
    };
    // Recorded before the events go out, so whoever sees the post also sees the record.
    record(shared, via, id, body, outcome, ts);
    shared.publish(events);
    outcome.to_owned()
}

/// Apply a `view_submission` answer (`response_action`) to the submitted view `view_id`.
pub(crate) fn view(
    shared: &Shared,
    via: ResponseVia,
    id: &str,
    view_id: Option<&str>,
    body: &Value,
) {
    let action = body
        .get("response_action")
        .and_then(Value::as_str)
        .unwrap_or("");
    let outcome = {
        let mut ws = shared.lock_state();
        let current = view_id.and_then(|v| ws.views.get(v).cloned());
        match (action, current, view_id) {
            ("errors", _, _) => "view_errors",
            ("update", Some(_), Some(vid)) => match body.get("view").filter(|v| v.is_object()) {
                Some(v) => {
                    crate::api::views::store(&mut ws, v.clone(), vid.to_owned(), &[]);
                    "view_updated"
                }
                None => "ignored",
            },
            ("push", Some(cur), Some(vid)) => match body.get("view").filter(|v| v.is_object()) {
                Some(v) => {
                    let new_id = ws.next_id("V");
                    let root = cur.get("root_view_id").cloned().unwrap_or(json!(vid));
                    crate::api::views::store(
                        &mut ws,
                        v.clone(),
                        new_id,
                        &[("previous_view_id", json!(vid)), ("root_view_id", root)],
                    );
                    "view_pushed"
                }
                None => "ignored",
            },
            ("clear", Some(cur), Some(vid)) => {
                let root = cur
                    .get("root_view_id")
                    .and_then(Value::as_str)
                    .unwrap_or(vid)
                    .to_owned();
                ws.views.retain(|k, v| {
                    *k != root
                        && v.get("root_view_id").and_then(Value::as_str) != Some(root.as_str())
                });
                "views_cleared"
            }
            ("update" | "push" | "clear", _, _) => "view_not_found",
            _ => "ignored",
        }
    };
    record(shared, via, id, body, outcome, None);
}

/// Record an options answer (`block_suggestion`) or an ack payload with no effect.
pub(crate) fn other(shared: &Shared, via: ResponseVia, id: &str, kind: &str, body: &Value) {
    let outcome = if kind == "block_suggestion" {
        "options"
    } else {
        "ignored"
    };
    record(shared, via, id, body, outcome, None);
}
