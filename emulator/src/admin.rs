//! `/_emulator/*`: state, faults, RTM faults, tokens and signed interactions over HTTP, so
//! clients in any language can drive the emulator.
//!
//! | request | effect |
//! |---|---|
//! | `GET /_emulator/state` | the workspace as JSON |
//! | `POST /_emulator/faults` `{"method":"chat.postMessage","fault":"drop_before_response","times":2}` | add a fault (`method` `*` for all; `"always":true` to keep it) |
//! | `GET /_emulator/faults`, `DELETE /_emulator/faults` | list, clear |
//! | `POST /_emulator/rtm/goodbye` | send `goodbye` to every RTM connection, then close |
//! | `POST /_emulator/rtm/close` `{"code":4000,"reason":"…"}` | close every RTM connection with a code |
//! | `POST /_emulator/rtm/ping_silence` `{"silent":true}` | stop (or resume) answering pings |
//! | `POST /_emulator/tokens` `{"token":"xoxb-…","scopes":["chat:write"],"user":"U…"}` | add a token |
//! | `POST /_emulator/interaction` `{…payload…}` | POST it, signed, to the interaction URL; returns `{"status":…,"body":…}` |

use std::sync::atomic::Ordering;
use std::sync::Arc;

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use serde_json::{json, Value};

use crate::faults::{Fault, FaultRule};
use crate::rtm::Control;
use crate::server::{add_fault, add_token, json_response as admin_json, read_body, Shared};

pub(crate) async fn handle(
    shared: Arc<Shared>,
    req: Request<Incoming>,
    path: &str,
) -> Response<Full<Bytes>> {
    let method = req.method().clone();
    let body = match read_body(req.into_body(), 1 << 20).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let json_body: Value = if body.is_empty() {
        json!({})
    } else {
        match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(_) => {
                return admin_json(
                    StatusCode::BAD_REQUEST,
                    &json!({"ok": false, "error": "invalid_json"}),
                )
            }
        }
    };
    let ok = || admin_json(StatusCode::OK, &json!({"ok": true}));
    match (method, path) {
        (Method::GET, "state") => admin_json(StatusCode::OK, &shared.lock_state().snapshot()),
        (Method::GET, "faults") => {
            let rules: Vec<Value> = shared
                .lock_faults()
                .rules()
                .iter()
                .map(|r| json!({"method": r.method, "fault": format!("{:?}", r.fault), "remaining": r.remaining}))
                .collect();
            admin_json(StatusCode::OK, &json!({"ok": true, "faults": rules}))
        }
        (Method::DELETE, "faults") => {
            shared.lock_faults().clear();
            ok()
        }
        (Method::POST, "faults") => {
            let Some(fault) = Fault::from_json(&json_body) else {
                return admin_json(
                    StatusCode::BAD_REQUEST,
                    &json!({"ok": false, "error": "invalid_fault"}),
                );
            };
            let method = json_body
                .get("method")
                .and_then(Value::as_str)
                .unwrap_or("*");
            let mut rule = FaultRule::new(method, fault);
            if json_body.get("always").and_then(Value::as_bool) == Some(true) {
                rule = rule.always();
            } else if let Some(n) = json_body.get("times").and_then(Value::as_u64) {
                rule = rule.times(u32::try_from(n).unwrap_or(u32::MAX));
            }
            add_fault(&shared, rule);
            ok()
        }
        (Method::POST, "rtm/goodbye") => {
            let _ = shared.control.send(Control::Goodbye);
            ok()
        }
        (Method::POST, "rtm/close") => {
            let code = json_body
                .get("code")
                .and_then(Value::as_u64)
                .and_then(|c| u16::try_from(c).ok())
                .unwrap_or(1011);
            let reason = json_body
                .get("reason")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            let _ = shared.control.send(Control::Close(code, reason));
            ok()
        }
        (Method::POST, "rtm/ping_silence") => {
            let silent = json_body
                .get("silent")
                .and_then(Value::as_bool)
                .unwrap_or(true);
            shared.ping_silence.store(silent, Ordering::Relaxed);
            ok()
        }
        (Method::POST, "tokens") => {
            let Some(token) = json_body.get("token").and_then(Value::as_str) else {
                return admin_json(
                    StatusCode::BAD_REQUEST,
                    &json!({"ok": false, "error": "token_required"}),
                );
            };
            let scopes: Vec<&str> = json_body
                .get("scopes")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            add_token(
                &shared,
                token,
                json_body.get("user").and_then(Value::as_str),
                &scopes,
            );
            ok()
        }
        (Method::POST, "interaction") => {
            match crate::interaction::send(&shared, &json_body).await {
                Ok((status, body)) => admin_json(
                    StatusCode::OK,
                    &json!({"ok": true, "status": status, "body": body}),
                ),
                Err(e) => admin_json(StatusCode::OK, &json!({"ok": false, "error": e})),
            }
        }
        _ => admin_json(
            StatusCode::NOT_FOUND,
            &json!({"ok": false, "error": "unknown_admin_endpoint"}),
        ),
    }
}
