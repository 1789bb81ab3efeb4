//! RTM over websocket: `hello`, message sends with acks, `typing`, `ping`/`pong`, events from
//! the Web API, and faults (`goodbye`, close with a code, silence).

use std::sync::atomic::Ordering;
use std::sync::Arc;

use futures_util::{SinkExt, StreamExt};
use hyper_util::rt::TokioIo;
use serde_json::{json, Map, Value};
use tokio::sync::broadcast::error::RecvError;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use crate::api::{chat, Ctx};
use crate::server::Shared;

/// A fault for every open RTM connection.
#[derive(Debug, Clone)]
pub(crate) enum Control {
    Goodbye,
    Close(u16, String),
}

type Ws = WebSocketStream<TokioIo<hyper::upgrade::Upgraded>>;

/// Serve one RTM connection for `user` until it closes or the emulator stops.
pub(crate) async fn serve(mut ws: Ws, shared: Arc<Shared>, user: String) {
    let conn_id = shared.conn_ids.fetch_add(1, Ordering::Relaxed) + 1;
    let mut events = shared.events.subscribe();
    let mut control = shared.control.subscribe();
    let mut shutdown = shared.shutdown_rx.clone();
    shared.rtm_open.fetch_add(1, Ordering::Relaxed);
    if ws.send(Message::text(r#"{"type":"hello"}"#)).await.is_err() {
        shared.rtm_open.fetch_sub(1, Ordering::Relaxed);
        return;
    }
    loop {
        tokio::select! {
            frame = ws.next() => {
                let Some(Ok(frame)) = frame else { break };
                let reply = match frame {
                    Message::Text(t) => handle_frame(&shared, &user, conn_id, t.as_str()),
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
                Ok(ev) if ev.origin != Some(conn_id) => {
                    if ws.send(Message::text(ev.payload.to_string())).await.is_err() {
                        break;
                    }
                }
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => break,
            },
            c = control.recv() => match c {
                Ok(Control::Goodbye) => {
                    let _ = ws.send(Message::text(r#"{"type":"goodbye","source":"gateway_server"}"#)).await;
                    let _ = ws.close(None).await;
                    break;
                }
                Ok(Control::Close(code, reason)) => {
                    let _ = ws.close(Some(CloseFrame { code: CloseCode::from(code), reason: reason.into() })).await;
                    break;
                }
                Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => break,
            },
            _ = shutdown.changed() => {
                let _ = ws.close(Some(CloseFrame { code: CloseCode::Away, reason: "emulator stopping".into() })).await;
                break;
            }
        }
    }
    shared.rtm_open.fetch_sub(1, Ordering::Relaxed);
}

fn error_event(code: i64, msg: &str) -> Value {
    json!({"type": "error", "error": {"code": code, "msg": msg}})
}

/// Handle one client frame; the answer to send back, if any.
fn handle_frame(shared: &Arc<Shared>, user: &str, conn_id: u64, text: &str) -> Option<Value> {
    let Ok(Value::Object(frame)) = serde_json::from_str::<Value>(text) else {
        return Some(error_event(2, "message was not valid JSON"));
    };
    let id = frame.get("id").cloned().unwrap_or(Value::Null);
    match frame.get("type").and_then(Value::as_str) {
        Some("ping") => {
            if shared.ping_silence.load(Ordering::Relaxed) {
                return None;
            }
            let mut pong: Map<String, Value> = frame.clone();
            pong.remove("id");
            pong.insert("type".into(), json!("pong"));
            pong.insert("reply_to".into(), id);
            Some(Value::Object(pong))
        }
        Some("typing") => {
            let channel = frame.get("channel").and_then(Value::as_str).unwrap_or("");
            let _ = shared.events.send(crate::api::Event {
                origin: Some(conn_id),
                payload: json!({"type": "user_typing", "channel": channel, "user": user}),
            });
            None
        }
        Some("message") => {
            let channel = frame
                .get("channel")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            let text = frame.get("text").and_then(Value::as_str).map(str::to_owned);
            let (result, events) = {
                let mut ws = shared.lock_state();
                let mut ctx = Ctx {
                    user: user.to_owned(),
                    base_url: &shared.base_url,
                    ws_base: &shared.ws_base,
                    origin: Some(conn_id),
                    events: Vec::new(),
                };
                let resolved = ws.resolve_channel(&channel);
                let result = match resolved {
                    None => Err(crate::api::err("channel_not_found")),
                    Some(cid) if text.as_deref().is_none_or(str::is_empty) => {
                        let _ = cid;
                        Err(crate::api::err("no_text"))
                    }
                    Some(cid) => {
                        let member = ws
                            .channel(&cid)
                            .is_some_and(|c| c.members.iter().any(|m| m == user) && !c.archived);
                        if member {
                            chat::store_message(
                                &mut ws,
                                &mut ctx,
                                &cid,
                                text.clone(),
                                Map::new(),
                                None,
                                false,
                            )
                        } else {
                            Err(crate::api::err("not_in_channel"))
                        }
                    }
                };
                (result, ctx.events)
            };
            for e in events {
                let _ = shared.events.send(e);
            }
            Some(match result {
                Ok(m) => {
                    json!({"ok": true, "reply_to": id, "ts": m.get("ts"), "text": m.get("text")})
                }
                Err(e) => json!({"ok": false, "reply_to": id, "error": {"code": 2, "msg": e.code}}),
            })
        }
        Some(_) | None if frame.contains_key("id") => None,
        _ => Some(error_event(1, "unknown message type")),
    }
}
