//! RTM over websocket: the URL `rtm.connect` hands out opens one connection, which gets
//! `hello`, sends messages (stored and acknowledged), `typing` and `ping`, and receives the
//! events the Web API and other connections cause. Faults: `goodbye`, close with a code,
//! ping silence, refused `rtm.connect` ([`RtmControl`]).
//!
//! One task per connection, 4 KiB read buffer, events fanned out through one
//! `tokio::sync::broadcast` channel and serialized once: an idle connection costs a parked
//! task and its buffers.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use http::{header, HeaderValue, Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use serde_json::{json, Map, Value};
use tokio::sync::broadcast::error::RecvError;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};
use tokio_tungstenite::WebSocketStream;

use crate::api::chat::{store_message, NewMessage};
use crate::api::{err, ApiError, Ctx};
use crate::faults::{Fault, FaultRule};
use crate::server::{json_response, Resp, Shared};

/// A fault for every open RTM connection.
#[derive(Debug, Clone)]
pub(crate) enum Control {
    Goodbye,
    Close(u16, String),
}

/// RTM controls of a running emulator ([`Emulator::rtm`](crate::Emulator::rtm)).
///
/// ```no_run
/// # async fn run() -> std::io::Result<()> {
/// let emu = slack_emulator::Emulator::start().await?;
/// emu.rtm().stop_answering_pings(true);
/// emu.rtm().send_goodbye();
/// emu.rtm().refuse_connect_ratelimited(Some(3));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct RtmControl<'a> {
    pub(crate) shared: &'a Shared,
}

impl RtmControl<'_> {
    /// Send `{"type":"goodbye"}` to every open connection, then close them (as Slack does
    /// before moving a connection: clients should reconnect).
    pub fn send_goodbye(&self) {
        let _ = self.shared.control.send(Control::Goodbye);
    }

    /// Close every open connection with close `code` (1000–4999; 1011 for a server error).
    pub fn close_all(&self, code: u16) {
        self.close_all_with_reason(code, "");
    }

    /// Close every open connection with close `code` and `reason`.
    pub fn close_all_with_reason(&self, code: u16, reason: &str) {
        let _ = self
            .shared
            .control
            .send(Control::Close(code, reason.to_owned()));
    }

    /// Stop (`true`) or resume answering `ping` frames, to test stale-connection detection.
    pub fn stop_answering_pings(&self, silent: bool) {
        self.shared.ping_silence.store(silent, Ordering::Relaxed);
    }

    /// Refuse the next `rtm.connect` (or `rtm.start`) with HTTP 429 `ratelimited`, with
    /// `Retry-After` when given.
    pub fn refuse_connect_ratelimited(&self, retry_after: Option<u64>) {
        self.refuse_connect(Fault::RateLimited { retry_after }, 1);
    }

    /// Answer the next `times` `rtm.connect`/`rtm.start` calls with `fault` (for example
    /// `Fault::api_error("ratelimited")` for Slack's `ok:false` refusal).
    pub fn refuse_connect(&self, fault: Fault, times: u32) {
        self.shared
            .lock_faults()
            .add(FaultRule::new("rtm.*", fault).times(times));
    }

    /// Open connections.
    pub fn connections(&self) -> usize {
        self.shared.rtm_open.load(Ordering::Relaxed)
    }
}

/// Counts an open connection while alive.
struct OpenGuard<'a>(&'a Shared);

impl<'a> OpenGuard<'a> {
    fn new(shared: &'a Shared) -> Self {
        shared.rtm_open.fetch_add(1, Ordering::Relaxed);
        OpenGuard(shared)
    }
}

impl Drop for OpenGuard<'_> {
    fn drop(&mut self) {
        self.0.rtm_open.fetch_sub(1, Ordering::Relaxed);
    }
}

/// `GET /rtm/<session>` with `Upgrade: websocket`: accept once per session.
pub(crate) fn upgrade(shared: Arc<Shared>, mut req: Request<Incoming>) -> Resp {
    let session = req.uri().path().trim_start_matches("/rtm/").to_owned();
    let is_upgrade = req
        .headers()
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    let accept = req
        .headers()
        .get("sec-websocket-key")
        .map(|k| derive_accept_key(k.as_bytes()));
    let (true, Some(accept)) = (is_upgrade, accept) else {
        return json_response(
            StatusCode::BAD_REQUEST,
            &json!({"ok": false, "error": "invalid_websocket_request"}),
        );
    };
    let Some(user) = shared.lock_state().rtm_sessions.remove(&session) else {
        return json_response(
            StatusCode::BAD_REQUEST,
            &json!({"ok": false, "error": "invalid_websocket_request", "detail": "unknown or used RTM URL"}),
        );
    };
    let on_upgrade = hyper::upgrade::on(&mut req);
    tokio::spawn(async move {
        let Ok(upgraded) = on_upgrade.await else {
            return;
        };
        let config = WebSocketConfig::default()
            .read_buffer_size(4 * 1024)
            .write_buffer_size(0)
            .max_message_size(Some(1 << 20))
            .max_frame_size(Some(1 << 20));
        let ws =
            WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, Some(config))
                .await;
        serve(ws, &shared, &user).await;
    });
    let mut r = Response::new(Full::new(Bytes::new()));
    *r.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let h = r.headers_mut();
    h.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    h.insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
    if let Ok(v) = HeaderValue::from_str(&accept) {
        h.insert("sec-websocket-accept", v);
    }
    r
}

type Ws = WebSocketStream<TokioIo<hyper::upgrade::Upgraded>>;

/// Serve one connection for `user` until it closes, a fault closes it or the emulator stops.
async fn serve(mut ws: Ws, shared: &Shared, user: &str) {
    let conn_id = shared.conn_ids.fetch_add(1, Ordering::Relaxed) + 1;
    let mut events = shared.events.subscribe();
    let mut control = shared.control.subscribe();
    let mut shutdown = shared.shutdown_rx.clone();
    let _open = OpenGuard::new(shared);
    if ws.send(Message::text(r#"{"type":"hello"}"#)).await.is_err() {
        return;
    }
    loop {
        tokio::select! {
            frame = ws.next() => {
                let Some(Ok(frame)) = frame else { break };
                let reply = match frame {
                    Message::Text(t) => handle_frame(shared, user, conn_id, t.as_str()),
                    Message::Binary(_) => Some(error_event(1, "binary frames are not supported")),
                    Message::Close(_) => break,
                    _ => None,
                };
                if let Some(r) = reply {
                    if ws.send(Message::text(r.to_string())).await.is_err() {
                        break;
                    }
                }
            }
            ev = events.recv() => match ev {
                Ok(ev) => {
                    let mine = ev.origin == Some(conn_id);
                    let for_me = ev.only_for.as_deref().is_none_or(|u| u == user);
                    if !mine && for_me && ws.send(Message::Text(ev.text)).await.is_err() {
                        break;
                    }
                }
                Err(RecvError::Lagged(n)) => {
                    tracing::debug!(conn_id, missed = n, "RTM connection fell behind; events dropped");
                }
                Err(RecvError::Closed) => break,
            },
            c = control.recv() => match c {
                Ok(Control::Goodbye) => {
                    let goodbye = Utf8Bytes::from_static(r#"{"type":"goodbye","source":"gateway_server"}"#);
                    let _ = ws.send(Message::Text(goodbye)).await;
                    let _ = ws.close(None).await;
                    break;
                }
                Ok(Control::Close(code, reason)) => {
                    let frame = CloseFrame { code: CloseCode::from(code), reason: reason.into() };
                    let _ = ws.close(Some(frame)).await;
                    break;
                }
                Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => break,
            },
            _ = shutdown.changed() => {
                let frame = CloseFrame { code: CloseCode::Away, reason: "emulator stopping".into() };
                let _ = ws.close(Some(frame)).await;
                break;
            }
        }
    }
}

/// An `error` event (`code` 1: protocol, 2: bad frame, 3: unsupported type).
fn error_event(code: i64, msg: &str) -> Value {
    json!({"type": "error", "error": {"code": code, "msg": msg}})
}

/// Handle one client frame; the answer to send back to it, if any.
fn handle_frame(shared: &Shared, user: &str, conn_id: u64, text: &str) -> Option<Value> {
    let Ok(Value::Object(frame)) = serde_json::from_str::<Value>(text) else {
        return Some(error_event(2, "message was not valid JSON"));
    };
    let id = frame.get("id").cloned();
    let nack = |code: i64, msg: &str| match &id {
        Some(id) => json!({"ok": false, "reply_to": id, "error": {"code": code, "msg": msg}}),
        None => error_event(code, msg),
    };
    match frame.get("type").and_then(Value::as_str) {
        Some("ping") => {
            if shared.ping_silence.load(Ordering::Relaxed) {
                return None;
            }
            // Every field but `id` and `type` comes back.
            let mut pong: Map<String, Value> = frame.clone();
            pong.remove("id");
            pong.insert("type".into(), json!("pong"));
            pong.insert("reply_to".into(), id.unwrap_or(Value::Null));
            Some(Value::Object(pong))
        }
        Some("typing") => {
            let channel = frame.get("channel").and_then(Value::as_str).unwrap_or("");
            if shared.lock_state().resolve_channel(channel).is_none() {
                return Some(nack(2, "channel_not_found"));
            }
            let payload = json!({"type": "user_typing", "channel": channel, "user": user});
            shared.publish(vec![crate::api::Event {
                origin: Some(conn_id),
                only_for: None,
                text: Utf8Bytes::from(payload.to_string()),
            }]);
            None
        }
        Some("message") => Some(match send_message(shared, user, conn_id, &frame) {
            Ok((ts, text)) => json!({"ok": true, "reply_to": id, "ts": ts, "text": text}),
            Err(e) => nack(2, &e.code),
        }),
        Some("presence_sub" | "presence_query") => None,
        Some(_) | None => Some(nack(3, "unsupported message type")),
    }
}

/// Store a message sent over RTM; its `ts` and `text`.
fn send_message(
    shared: &Shared,
    user: &str,
    conn_id: u64,
    frame: &Map<String, Value>,
) -> Result<(String, String), ApiError> {
    let channel = frame.get("channel").and_then(Value::as_str).unwrap_or("");
    let text = frame
        .get("text")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| err("no_text"))?
        .to_owned();
    if text.chars().count() > 40_000 {
        return Err(err("msg_too_long"));
    }
    let (result, events) = {
        let mut ws = shared.lock_state();
        let mut ctx = Ctx::new(user.to_owned(), shared.env(Some(conn_id)));
        let result = (|| {
            let cid = ws
                .resolve_channel(channel)
                .ok_or_else(|| err("channel_not_found"))?;
            let ch = ws.channel(&cid).ok_or_else(|| err("channel_not_found"))?;
            if ch.archived {
                return Err(err("is_archived"));
            }
            if !ch.has_member(user) {
                return Err(err("not_in_channel"));
            }
            let new = NewMessage {
                text: Some(text),
                thread_ts: frame
                    .get("thread_ts")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                ..NewMessage::default()
            };
            store_message(&mut ws, &mut ctx, &cid, new)
        })();
        (result, ctx.events)
    };
    shared.publish(events);
    shared.mark_changed();
    let m = result?;
    let get = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    Ok((get("ts"), get("text")))
}
