//! `/_emulator/*`: inspect and drive a running emulator over HTTP, so tests in any language
//! can use it. Bodies are JSON; answers are JSON with `"ok"`.
//!
//! | request | effect |
//! |---|---|
//! | `GET /_emulator/state` | the workspace: team, users, channels (members, messages with threads, reactions, edits), files, remote files, views; and `version` and `workspace`, the whole workspace as stored (what `PUT` takes) |
//! | `PUT /_emulator/state` (or `POST`) with what `GET` gave, or only its `workspace` object, or part of that | replace the workspace (what the body lacks comes from the seeded workspace); 400 `invalid_state` with a `detail` |
//! | `GET /_emulator/clock` | `{"ok":true,"now":<Unix seconds, float>,"frozen":bool}` |
//! | `POST /_emulator/clock` `{"freeze":true}` / `{"resume":true}` / `{"advance":<seconds>}` / `{"set":<Unix seconds>}` | change the clock, then run what became due (scheduled messages, reminders, snooze ends); answers like `GET`; 400 `invalid_clock` |
//! | `POST /_emulator/trigger_id` | a fresh `trigger_id`, usable once within 3 s on the emulator's clock |
//! | `GET /_emulator/info` | `base_url`, `bot_token`, `user_token`, `team_id`, `bot_user_id`, `bot_id`, `app_id`, `app_token`, `verification_token`, `channels` (name → id), `users` (name → id), `signing_secret`, `modelled_methods` |
//! | `GET /_emulator/stats` | `requests`, `rate_limited`, `fault_hits` (per method), `rtm_connections`, `socket_mode_connections` |
//! | `POST /_emulator/reset` | back to the seeded workspace; faults cleared, rate allowances refilled |
//! | `POST /_emulator/faults` `{"method":"chat.postMessage","fault":"drop_before_response","times":2}` | add a fault rule (see [`Fault::from_json`](crate::Fault::from_json); `method` `*` or `family.*`; `"always":true` until cleared) |
//! | `GET /_emulator/faults` | `{"faults":[rules…],"hits":{method: n}}` |
//! | `DELETE /_emulator/faults` | clear every rule |
//! | `GET /_emulator/rate_limits`, `POST /_emulator/rate_limits` `{"mode":"off"}` / `{"mode":"slack_like"}` / `{"mode":"custom","tiers":[1,20,50,100],"post_message_per_minute":60}` | read or change rate limiting |
//! | `POST /_emulator/tokens` `{"token":"xoxb-…","scopes":["chat:write"],"user":"U…"}` | add a token (default user: the bot) |
//! | `POST /_emulator/openid/code` `{"user":"ada","redirect_uri":"https://app.example/cb"}` | Sign in with Slack: the code the authorize step would redirect with, for `openid.connect.token` |
//! | `POST /_emulator/messages` `{"user":"ada","channel":"general","text":"hi","thread_ts":"…"}` | post as any user (name or id), as if from Slack's UI; answers `ts` |
//! | `GET /_emulator/requests` | the request log, oldest first (the last 1,000 Web API calls): `id`, `at` (Unix seconds), `method`, `status`, `dropped`, `ok`, `error`, `token` and `args` (tokens, secrets, codes and websocket session URLs redacted), `answer` (redacted; `answer_text` when cut at 8 KiB or not JSON), `answer_bytes`, `latency_ms` |
//! | `GET /_emulator/events` | the event log, oldest first (the last 1,000 deliveries): `id`, `at`, `via` (`rtm`, `socket_mode`, `events_api`), `connection` (Socket Mode connection id; for RTM the sending connection, which does not get it back), `only_for`, `connections_open`, `delivery_id` (envelope or event id), `attempt`, `retry_reason`, `outcome` (Events API), `type`, `payload` (redacted) |
//! | `GET /_emulator/overview?channel=C…` | what the web page shows: users, conversations with counts, the newest 50 files, and the newest 100 threads of one conversation (default `#general`) with their newest 50 replies |
//! | `GET /_emulator/live` | Server-Sent Events for the web page: `data: {"kind":"request"\|"event","record":…}` as records are made, `{"kind":"changed"}` after admin changes, `event: resync` when the reader fell behind (bounded: a slow reader skips, the server never waits) |
//! | `GET /_emulator/rtm` | `{"connections": n}` |
//! | `POST /_emulator/rtm/goodbye` | send `goodbye` to every RTM connection, then close |
//! | `POST /_emulator/rtm/close` `{"code":4000,"reason":"…"}` | close every RTM connection with a code (default 1011) |
//! | `POST /_emulator/rtm/ping_silence` `{"silent":true}` | stop (or resume) answering pings |
//! | `POST /_emulator/rtm/refuse_connect` `{"retry_after":3,"times":1}` | the next `rtm.connect` calls get 429 (with `"ok_false":true`: HTTP 200 `ratelimited`) |
//! | `POST /_emulator/interaction` `{…payload…}` | POST it, signed, to the interaction URL; answers `{"status":…,"body":…}` |
//! | `GET /_emulator/socket_mode` | `connections` (ids), `pending`, `delivered`, `acks` (counts), `link_enabled` |
//! | `GET /_emulator/socket_mode/delivered` | every envelope sent: `envelope_id`, `type`, `connection`, `retry_attempt`, `retry_reason`, `payload` |
//! | `GET /_emulator/socket_mode/acks` | every ack read (`envelope_id`, `connection`, `payload`, `known`) and `given_up` |
//! | `POST /_emulator/socket_mode/command` `{"command":"/deploy","text":"api","user":"ada","channel":"general"}` | a slash command envelope; answers `envelope_id` |
//! | `POST /_emulator/socket_mode/interaction` `{"type":"block_actions",…}` | an interaction envelope (Slack's fields filled in); answers `envelope_id` |
//! | `POST /_emulator/socket_mode/event` `{"type":"team_join",…}` or a whole `event_callback` | an `events_api` envelope; answers `envelope_id` |
//! | `POST /_emulator/socket_mode/disconnect` `{"reason":"refresh_requested","connection":1}` | send `disconnect` (`refresh_requested`, `warning`, `link_disabled`) to every connection (or one), close after the grace period; answers `told` |
//! | `POST /_emulator/socket_mode/silence` `{"silent":true}` | stop (or resume) reading, answering pings and sending on the open connections |
//! | `POST /_emulator/socket_mode/drop` `{"connection":1}` | drop every connection (or one) without a close frame |
//! | `POST /_emulator/socket_mode/link` `{"enabled":false}` | turn Socket Mode off or on (`apps.connections.open` answers `link_disabled` while off) |
//! | `POST /_emulator/response_url/<id>` `{"text":…,"response_type":…,"replace_original":…,"delete_original":…}` | a command's or interaction's `response_url`: applied and recorded (404 `expired_url` for an unknown id) |
//! | `GET /_emulator/responses` | what the app answered (`via`: `ack`, `http_answer`, `response_url`; `body`; `outcome`; `ts`) and the `trigger_ids` issued |
//! | `POST /_emulator/events_api/verify_url` | send `url_verification` to the request URL; answers `verified` |
//! | `POST /_emulator/events_api/event` `{…event…}` | POST an event to the request URL (in the background, with retries); answers `event_id` |
//! | `POST /_emulator/events_api/command` `{"command":"/deploy",…}` | POST a slash command to the command URL; answers the app's `status` and `body` |
//! | `GET /_emulator/events_api/deliveries` | every Events API request: `event_id`, `attempt`, `retry_reason`, `status`, `error` |
//!
//! Injections answer HTTP 400 with `wrong_app_mode`, `user_not_found`, `channel_not_found`,
//! `invalid_payload`, `no_url` or `request_failed` (and a `detail`) when they cannot be made.
//!
//! Bad requests get HTTP 400 with `error` (`invalid_json`, `invalid_fault`, …); unknown paths
//! 404 `unknown_admin_endpoint`.

use std::sync::atomic::Ordering;

use http::{Method, Request, StatusCode};
use hyper::body::Incoming;
use serde_json::{json, Map, Value};

use crate::api::chat::{store_message, NewMessage};
use crate::api::{Ctx, Event};
use crate::app::{
    AppError, DisconnectReason, EventsApiControl, ResponseVia, SlashCommand, SocketDelivery,
    SocketModeControl,
};
use crate::faults::{Fault, FaultRule};
use crate::ratelimit::RateLimits;
use crate::rtm::{Control, RtmControl};
use crate::server::{json_response, read_body, Resp, Shared};

/// Largest workspace `PUT /_emulator/state` takes.
const MAX_STATE_BYTES: usize = 1 << 30;

fn bad(error: &str) -> Resp {
    json_response(
        StatusCode::BAD_REQUEST,
        &json!({"ok": false, "error": error}),
    )
}

fn ok(fields: Value) -> Resp {
    let mut m = Map::new();
    m.insert("ok".into(), Value::Bool(true));
    if let Value::Object(f) = fields {
        m.extend(f);
    }
    json_response(StatusCode::OK, &Value::Object(m))
}

pub(crate) async fn handle(shared: &Shared, req: Request<Incoming>, path: &str) -> Resp {
    let method = req.method().clone();
    let (parts, body) = req.into_parts();
    // A whole workspace may be large; other bodies are small.
    let limit = if path.trim_end_matches('/') == "state" {
        MAX_STATE_BYTES
    } else {
        1 << 20
    };
    let Ok(body) = read_body(&parts.headers, body, limit).await else {
        return json_response(
            StatusCode::PAYLOAD_TOO_LARGE,
            &json!({"ok": false, "error": "request_too_large"}),
        );
    };
    let body: Value = if body.is_empty() {
        json!({})
    } else {
        match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(_) => return bad("invalid_json"),
        }
    };
    let path = path.trim_end_matches('/');
    let changes = method != Method::GET;
    let answer = route(shared, method, path, parts.uri.query(), body).await;
    if changes {
        // Nothing an admin call changed is answered before it is on disk.
        shared.persisted().await;
    }
    answer
}

async fn route(
    shared: &Shared,
    method: Method,
    path: &str,
    query: Option<&str>,
    body: Value,
) -> Resp {
    match (method, path) {
        (Method::PUT | Method::POST, "state") => match shared.restore(&body) {
            Ok(()) => ok(json!({})),
            Err(e) => bad_with("invalid_state", &e),
        },
        (Method::GET, "clock") => clock_json(shared),
        (Method::POST, "clock") => clock(shared, &body),
        (Method::POST, "trigger_id") => {
            ok(json!({"trigger_id": crate::app::issue_trigger_id(shared)}))
        }
        (Method::GET, "state") => json_response(StatusCode::OK, &shared.lock_state().snapshot()),
        (Method::GET, "info") => info(shared),
        (Method::GET, "stats") => ok(json!({
            "requests": shared.requests.load(Ordering::Relaxed),
            "rate_limited": shared.rate_limited.load(Ordering::Relaxed),
            "fault_hits": shared.lock_faults().hits(),
            "rtm_connections": shared.rtm_open.load(Ordering::Relaxed),
            "socket_mode_connections": shared.lock_app().connection_count(),
        })),
        (Method::POST, "reset") => {
            shared.reset();
            ok(json!({}))
        }
        (Method::GET, "faults") => {
            let faults = shared.lock_faults();
            let rules: Vec<Value> = faults.rules().iter().map(FaultRule::to_json).collect();
            ok(json!({"faults": rules, "hits": faults.hits()}))
        }
        (Method::DELETE, "faults") => {
            shared.lock_faults().clear();
            ok(json!({}))
        }
        (Method::POST, "faults") => match FaultRule::from_json(&body) {
            Some(rule) => {
                let v = rule.to_json();
                shared.lock_faults().add(rule);
                ok(json!({"rule": v}))
            }
            None => bad("invalid_fault"),
        },
        (Method::GET, "rate_limits") => {
            ok(json!({"rate_limits": limits_json(shared.lock_limiter().mode())}))
        }
        (Method::POST, "rate_limits") => match limits_from_json(&body) {
            Some(mode) => {
                shared.lock_limiter().set_mode(mode);
                ok(json!({}))
            }
            None => bad("invalid_rate_limits"),
        },
        (Method::POST, "tokens") => {
            let Some(token) = body.get("token").and_then(Value::as_str) else {
                return bad("token_required");
            };
            let scopes: Vec<&str> = body
                .get("scopes")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let user = body.get("user").and_then(Value::as_str);
            if add_token(shared, token, user, &scopes) {
                ok(json!({}))
            } else {
                bad("user_not_found")
            }
        }
        (Method::POST, "messages") => post_as(shared, &body),
        (Method::POST, "openid/code") => {
            let s = |k: &str| body.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
            let mut ws = shared.lock_state();
            match crate::api::openid::issue_code(&mut ws, &s("user"), &s("redirect_uri")) {
                Some(code) => ok(json!({"code": code})),
                None => bad("user_not_found"),
            }
        }
        (Method::GET, "requests") => ok(json!({"requests": shared.journal.requests_json()})),
        (Method::GET, "events") => ok(json!({"events": shared.journal.events_json()})),
        (Method::GET, "overview") => crate::web::overview(shared, query),
        (Method::GET, "rtm") => ok(json!({"connections": shared.rtm_open.load(Ordering::Relaxed)})),
        (Method::POST, "rtm/goodbye") => {
            let _ = shared.control.send(Control::Goodbye);
            ok(json!({}))
        }
        (Method::POST, "rtm/close") => {
            let code = body
                .get("code")
                .and_then(Value::as_u64)
                .and_then(|c| u16::try_from(c).ok())
                .unwrap_or(1011);
            let reason = body.get("reason").and_then(Value::as_str).unwrap_or("");
            let _ = shared.control.send(Control::Close(code, reason.to_owned()));
            ok(json!({}))
        }
        (Method::POST, "rtm/ping_silence") => {
            let silent = body.get("silent").and_then(Value::as_bool).unwrap_or(true);
            shared.ping_silence.store(silent, Ordering::Relaxed);
            ok(json!({}))
        }
        (Method::POST, "rtm/refuse_connect") => {
            let retry_after = body.get("retry_after").and_then(Value::as_u64);
            let times = body
                .get("times")
                .and_then(Value::as_u64)
                .map_or(1, |n| u32::try_from(n).unwrap_or(u32::MAX));
            let fault = if body.get("ok_false").and_then(Value::as_bool) == Some(true) {
                Fault::ApiError {
                    code: "ratelimited".into(),
                    retry_after,
                }
            } else {
                Fault::RateLimited { retry_after }
            };
            RtmControl { shared }.refuse_connect(fault, times);
            ok(json!({}))
        }
        (Method::GET, "socket_mode") => {
            let sm = SocketModeControl { shared };
            ok(json!({
                "connections": sm.connection_ids(),
                "pending": sm.pending(),
                "delivered": sm.delivered().len(),
                "acks": sm.acks().len(),
                "link_enabled": shared.link_open(),
            }))
        }
        (Method::GET, "socket_mode/delivered") => {
            let list: Vec<Value> = SocketModeControl { shared }
                .delivered()
                .iter()
                .map(delivery_json)
                .collect();
            ok(json!({"delivered": list}))
        }
        (Method::GET, "socket_mode/acks") => {
            let list: Vec<Value> = SocketModeControl { shared }
                .acks()
                .iter()
                .map(|a| json!({"envelope_id": a.envelope_id, "connection": a.connection, "payload": a.payload, "known": a.known}))
                .collect();
            ok(json!({"acks": list, "given_up": SocketModeControl { shared }.given_up()}))
        }
        (Method::POST, "socket_mode/command") => {
            let s = |k: &str| body.get(k).and_then(Value::as_str);
            let Some(command) = s("command") else {
                return bad("command_required");
            };
            let mut cmd = SlashCommand::new(command).text(s("text").unwrap_or(""));
            if let Some(u) = s("user") {
                cmd = cmd.user(u);
            }
            if let Some(c) = s("channel") {
                cmd = cmd.channel(c);
            }
            envelope(SocketModeControl { shared }.command(cmd))
        }
        (Method::POST, "socket_mode/interaction") => {
            envelope(SocketModeControl { shared }.interaction(body))
        }
        (Method::POST, "socket_mode/event") => envelope(SocketModeControl { shared }.event(body)),
        (Method::POST, "socket_mode/disconnect") => {
            let reason = body
                .get("reason")
                .and_then(Value::as_str)
                .unwrap_or("refresh_requested");
            let Some(reason) = DisconnectReason::from_wire(reason) else {
                return bad("invalid_reason");
            };
            let told = match body.get("connection").and_then(Value::as_u64) {
                Some(c) => usize::from(SocketModeControl { shared }.disconnect_one(c, reason)),
                None => SocketModeControl { shared }.disconnect(reason),
            };
            ok(json!({"told": told}))
        }
        (Method::POST, "socket_mode/silence") => {
            let silent = body.get("silent").and_then(Value::as_bool).unwrap_or(true);
            SocketModeControl { shared }.silence(silent);
            ok(json!({}))
        }
        (Method::POST, "socket_mode/drop") => {
            match body.get("connection").and_then(Value::as_u64) {
                Some(c) => {
                    SocketModeControl { shared }.drop_connection(c);
                }
                None => SocketModeControl { shared }.drop_connections(),
            }
            ok(json!({}))
        }
        (Method::POST, "socket_mode/link") => {
            let enabled = body.get("enabled").and_then(Value::as_bool).unwrap_or(true);
            SocketModeControl { shared }.set_link_enabled(enabled);
            ok(json!({}))
        }
        (Method::GET, "responses") => {
            let list: Vec<Value> = shared
                .lock_app()
                .responses
                .iter()
                .map(|r| json!({"via": via_name(r.via), "id": r.id, "body": r.body, "outcome": r.outcome, "ts": r.ts}))
                .collect();
            ok(json!({"responses": list, "trigger_ids": shared.lock_app().trigger_ids.clone()}))
        }
        (Method::POST, p) if p.starts_with("response_url/") => {
            let id = p.trim_start_matches("response_url/");
            let target = shared.lock_app().response_urls.get(id).cloned();
            match target {
                Some(t) => {
                    crate::app::respond::message(shared, ResponseVia::ResponseUrl, id, &t, &body);
                    ok(json!({}))
                }
                None => json_response(
                    StatusCode::NOT_FOUND,
                    &json!({"ok": false, "error": "expired_url"}),
                ),
            }
        }
        (Method::POST, "events_api/verify_url") => {
            match (EventsApiControl { shared }).verify_url().await {
                Ok(v) => ok(json!({"verified": v})),
                Err(e) => app_error(&e),
            }
        }
        (Method::POST, "events_api/event") => match (EventsApiControl { shared }).event(body) {
            Ok(id) => ok(json!({"event_id": id})),
            Err(e) => app_error(&e),
        },
        (Method::POST, "events_api/command") => {
            let s = |k: &str| body.get(k).and_then(Value::as_str);
            let Some(command) = s("command") else {
                return bad("command_required");
            };
            let mut cmd = SlashCommand::new(command).text(s("text").unwrap_or(""));
            if let Some(u) = s("user") {
                cmd = cmd.user(u);
            }
            if let Some(c) = s("channel") {
                cmd = cmd.channel(c);
            }
            match (EventsApiControl { shared }).slash_command(cmd).await {
                Ok((status, body)) => ok(json!({"status": status, "body": body})),
                Err(e) => app_error(&e),
            }
        }
        (Method::GET, "events_api/deliveries") => {
            let list: Vec<Value> = (EventsApiControl { shared })
                .deliveries()
                .iter()
                .map(|d| json!({"event_id": d.event_id, "attempt": d.attempt, "retry_reason": d.retry_reason, "status": d.status, "error": d.error}))
                .collect();
            ok(json!({"deliveries": list}))
        }
        (Method::POST, "interaction") => match crate::interaction::send(shared, &body).await {
            Ok((status, body)) => ok(json!({"status": status, "body": body})),
            Err(e) => json_response(
                StatusCode::OK,
                &json!({"ok": false, "error": "interaction_failed", "detail": e.to_string()}),
            ),
        },
        _ => json_response(
            StatusCode::NOT_FOUND,
            &json!({"ok": false, "error": "unknown_admin_endpoint"}),
        ),
    }
}

fn clock_json(shared: &Shared) -> Resp {
    ok(json!({"now": shared.clock.now(), "frozen": shared.clock.is_frozen()}))
}

/// `POST /_emulator/clock`: one of `freeze`, `resume`, `advance`, `set`.
fn clock(shared: &Shared, body: &Value) -> Resp {
    let c = crate::clock::ClockControl { shared };
    let done = if body.get("freeze").and_then(Value::as_bool) == Some(true) {
        c.freeze();
        Ok(())
    } else if body.get("resume").and_then(Value::as_bool) == Some(true) {
        c.resume();
        Ok(())
    } else if let Some(v) = body.get("advance") {
        v.as_f64()
            .ok_or(crate::ClockError::InvalidAdvance)
            .and_then(|s| c.advance_secs(s))
    } else if let Some(v) = body.get("set") {
        v.as_f64()
            .ok_or(crate::ClockError::InvalidTime)
            .and_then(|t| c.set(t))
    } else {
        return bad_with(
            "invalid_clock",
            "expected {\"freeze\":true}, {\"resume\":true}, {\"advance\":seconds} or {\"set\":unix}",
        );
    };
    match done {
        Ok(()) => clock_json(shared),
        Err(e) => bad_with("invalid_clock", &e.to_string()),
    }
}

fn delivery_json(d: &SocketDelivery) -> Value {
    json!({
        "envelope_id": d.envelope_id, "type": d.envelope_type, "connection": d.connection,
        "retry_attempt": d.retry_attempt, "retry_reason": d.retry_reason, "payload": d.payload,
    })
}

fn via_name(via: ResponseVia) -> &'static str {
    match via {
        ResponseVia::Ack => "ack",
        ResponseVia::HttpAnswer => "http_answer",
        _ => "response_url",
    }
}

fn app_error(e: &AppError) -> Resp {
    let code = match e {
        AppError::WrongMode(_) => "wrong_app_mode",
        AppError::UnknownUser(_) => "user_not_found",
        AppError::UnknownChannel(_) => "channel_not_found",
        AppError::InvalidPayload(_) => "invalid_payload",
        AppError::NoUrl(_) => "no_url",
        _ => "request_failed",
    };
    bad_with(code, &e.to_string())
}

fn bad_with(error: &str, detail: &str) -> Resp {
    json_response(
        StatusCode::BAD_REQUEST,
        &json!({"ok": false, "error": error, "detail": detail}),
    )
}

fn envelope(r: Result<String, AppError>) -> Resp {
    match r {
        Ok(id) => ok(json!({"envelope_id": id})),
        Err(e) => app_error(&e),
    }
}

fn info(shared: &Shared) -> Resp {
    let ws = shared.lock_state();
    let channels: Map<String, Value> = ws
        .channels
        .iter()
        .filter(|c| !c.name.is_empty())
        .map(|c| (c.name.clone(), json!(c.id)))
        .collect();
    let users: Map<String, Value> = ws
        .users
        .iter()
        .map(|u| (u.name.clone(), json!(u.id)))
        .collect();
    ok(json!({
        "base_url": shared.base_url, "bot_token": ws.bot_token, "user_token": ws.user_token,
        "team_id": ws.team_id, "bot_user_id": ws.bot_user_id, "bot_id": ws.bot_id,
        "app_id": ws.app_id, "app_token": ws.app_token,
        "verification_token": ws.verification_token,
        "channels": channels, "users": users,
        "signing_secret": shared.config.signing_secret,
        "modelled_methods": crate::api::modelled(),
    }))
}

pub(crate) fn limits_json(mode: &RateLimits) -> Value {
    match mode {
        RateLimits::Off => json!({"mode": "off"}),
        RateLimits::SlackLike => json!({"mode": "slack_like"}),
        RateLimits::Custom {
            tiers,
            post_message_per_minute,
        } => {
            json!({"mode": "custom", "tiers": tiers, "post_message_per_minute": post_message_per_minute})
        }
    }
}

fn limits_from_json(v: &Value) -> Option<RateLimits> {
    Some(match v.get("mode")?.as_str()? {
        "off" => RateLimits::Off,
        "slack_like" | "slack-like" => RateLimits::SlackLike,
        "custom" => {
            let t = v.get("tiers")?.as_array()?;
            let mut tiers = [0u32; 4];
            if t.len() != 4 {
                return None;
            }
            for (slot, n) in tiers.iter_mut().zip(t) {
                *slot = u32::try_from(n.as_u64()?).ok()?;
            }
            let pm = v
                .get("post_message_per_minute")
                .and_then(Value::as_u64)
                .unwrap_or(60);
            RateLimits::Custom {
                tiers,
                post_message_per_minute: u32::try_from(pm).ok()?,
            }
        }
        _ => return None,
    })
}

/// Add `token` for `user` (an id or a name; default the bot); `false` for an unknown user.
pub(crate) fn add_token(shared: &Shared, token: &str, user: Option<&str>, scopes: &[&str]) -> bool {
    let mut ws = shared.lock_state();
    let user_id = match user {
        None => ws.bot_user_id.clone(),
        Some(u) => match ws.users.iter().find(|x| x.id == u || x.name == u) {
            Some(x) => x.id.clone(),
            None => return false,
        },
    };
    ws.tokens.insert(
        token.to_owned(),
        crate::state::TokenInfo {
            user_id,
            scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
        },
    );
    true
}

/// Post a message as any user (`POST /_emulator/messages`, [`Emulator::post_as`]).
///
/// [`Emulator::post_as`]: crate::Emulator::post_as
pub(crate) fn post_as(shared: &Shared, body: &Value) -> Resp {
    let s = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_owned);
    let (Some(user), Some(channel), Some(text)) = (s("user"), s("channel"), s("text")) else {
        return bad("user_channel_and_text_required");
    };
    match post_message_as(shared, &user, &channel, &text, s("thread_ts")) {
        Ok((channel, ts)) => ok(json!({"channel": channel, "ts": ts})),
        Err(code) => bad(&code),
    }
}

/// Store `text` from `user` (id or name) in `channel` (id or name); `(channel id, ts)`.
pub(crate) fn post_message_as(
    shared: &Shared,
    user: &str,
    channel: &str,
    text: &str,
    thread_ts: Option<String>,
) -> Result<(String, String), String> {
    let (result, events): (Result<(String, String), String>, Vec<Event>) = {
        let mut ws = shared.lock_state();
        let Some(user_id) = ws
            .users
            .iter()
            .find(|u| u.id == user || u.name == user)
            .map(|u| u.id.clone())
        else {
            return Err("user_not_found".into());
        };
        let Some(cid) = ws.resolve_channel(channel) else {
            return Err("channel_not_found".into());
        };
        let mut ctx = Ctx::new(user_id, shared.env(None));
        let new = NewMessage {
            text: Some(text.to_owned()),
            thread_ts,
            ..NewMessage::default()
        };
        let r = store_message(&mut ws, &mut ctx, &cid, new)
            .map(|m| {
                let ts = m.get("ts").and_then(Value::as_str).unwrap_or("").to_owned();
                (cid.clone(), ts)
            })
            .map_err(|e| e.code);
        (r, ctx.events)
    };
    shared.publish(events);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limit_modes_round_trip() {
        for mode in [
            RateLimits::Off,
            RateLimits::SlackLike,
            RateLimits::Custom {
                tiers: [1, 2, 3, 4],
                post_message_per_minute: 5,
            },
        ] {
            assert_eq!(limits_from_json(&limits_json(&mode)), Some(mode));
        }
        assert_eq!(
            limits_from_json(&json!({"mode": "custom", "tiers": [1]})),
            None
        );
        assert_eq!(limits_from_json(&json!({"mode": "fast"})), None);
    }
}
