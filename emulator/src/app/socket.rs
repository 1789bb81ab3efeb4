//! The Socket Mode websocket at the URL `apps.connections.open` hands out: `hello` first,
//! then envelopes; acks read back (and their response payloads applied); websocket pings
//! answered; `disconnect`, silence and abrupt drops on request ([`Out`]).

use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use http::{header, HeaderValue, Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use super::hub::{Origin, Out};
use super::{refresh_listening, respond, ResponseVia};
use crate::server::{json_response, Resp, Shared};

fn refuse(detail: &str) -> Resp {
    json_response(
        StatusCode::BAD_REQUEST,
        &json!({"ok": false, "error": "invalid_websocket_request", "detail": detail}),
    )
}

/// `GET /link/?ticket=…&app_id=…` with `Upgrade: websocket`: accept once per ticket.
pub(crate) fn upgrade(shared: Arc<Shared>, mut req: Request<Incoming>) -> Resp {
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
        return refuse("not a websocket upgrade");
    };
    let ticket = form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes())
        .find(|(k, _)| k == "ticket")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    if !shared.lock_state().socket_tickets.remove(&ticket) {
        return refuse("unknown or used Socket Mode URL");
    }
    if !shared.link_open() {
        return refuse("link_disabled");
    }
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
        serve(ws, &shared).await;
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

/// Registered in the hub while alive.
struct Registration<'a> {
    shared: &'a Shared,
    id: u64,
}

impl Drop for Registration<'_> {
    fn drop(&mut self) {
        // Under the hub lock, so that the flag follows the last change of the count.
        let mut hub = self.shared.lock_app();
        hub.unregister(self.id);
        refresh_listening(self.shared, hub.connection_count());
    }
}

/// Serve one connection until it closes, is told to go, or the emulator stops.
async fn serve(mut ws: Ws, shared: &Shared) {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let (id, count) = {
        let mut hub = shared.lock_app();
        let (id, count) = hub.register(tx);
        refresh_listening(shared, count);
        (id, count)
    };
    let _registration = Registration { shared, id };
    let hello = json!({
        "type": "hello",
        "num_connections": count,
        "debug_info": {"host": "emulator", "build_number": 1, "approximate_connection_time": 18060},
        "connection_info": {"app_id": shared.identity.app_id},
    });
    if ws.send(Message::text(hello.to_string())).await.is_err() {
        return;
    }
    shared
        .lock_app()
        .flush_waiting(Instant::now(), shared.config.ack_timeout);
    let _ = shared.jobs.send(super::Job::Wake);
    let mut shutdown = shared.shutdown_rx.clone();
    let mut silent = false;
    let mut close_at: Option<Instant> = None;
    loop {
        let closing = async move {
            match close_at {
                Some(at) => tokio::time::sleep_until(at.into()).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            // Not read while silent: no acks taken, no pongs sent.
            frame = ws.next(), if !silent => match frame {
                Some(Ok(Message::Text(t))) => handle_ack(shared, id, t.as_str()),
                Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
            out = rx.recv() => match out {
                Some(Out::Frame(text)) => {
                    if !silent && ws.send(Message::text(text)).await.is_err() {
                        break;
                    }
                }
                Some(Out::Disconnect(reason)) => {
                    let msg = json!({"type": "disconnect", "reason": reason.as_str(), "debug_info": {"host": "emulator"}});
                    if ws.send(Message::text(msg.to_string())).await.is_err() {
                        break;
                    }
                    close_at = Some(Instant::now() + shared.config.disconnect_grace);
                }
                Some(Out::Drop) | None => return,
                Some(Out::Silence(s)) => silent = s,
            },
            () = closing => {
                let _ = ws.close(Some(CloseFrame { code: CloseCode::Normal, reason: "disconnect".into() })).await;
                break;
            }
            _ = shutdown.changed() => {
                let frame = CloseFrame { code: CloseCode::Away, reason: "emulator stopping".into() };
                let _ = ws.close(Some(frame)).await;
                break;
            }
        }
    }
}

/// An ack `{"envelope_id":…, "payload":…}` from connection `conn`: recorded, and its
/// payload applied when the envelope accepted one.
fn handle_ack(shared: &Shared, conn: u64, text: &str) {
    let Ok(Value::Object(mut frame)) = serde_json::from_str::<Value>(text) else {
        tracing::debug!(conn, "Socket Mode frame that is not a JSON object ignored");
        return;
    };
    let Some(envelope_id) = frame
        .get("envelope_id")
        .and_then(Value::as_str)
        .map(str::to_owned)
    else {
        return;
    };
    let payload = frame.remove("payload").filter(|p| !p.is_null());
    let Some((origin, _kind)) = shared.lock_app().ack(conn, &envelope_id, payload.clone()) else {
        return;
    };
    let Some(body) = payload.filter(|p| p.as_object().is_some_and(|m| !m.is_empty())) else {
        return;
    };
    match origin {
        Origin::Command(response_id) => {
            let target = shared.lock_app().response_urls.get(&response_id).cloned();
            if let Some(target) = target {
                respond::message(shared, ResponseVia::Ack, &envelope_id, &target, &body);
            }
        }
        Origin::Interaction { kind, view_id } if kind == "view_submission" => {
            respond::view(
                shared,
                ResponseVia::Ack,
                &envelope_id,
                view_id.as_deref(),
                &body,
            );
        }
        Origin::Interaction { kind, .. } => {
            respond::other(shared, ResponseVia::Ack, &envelope_id, &kind, &body);
        }
        Origin::Event => respond::other(shared, ResponseVia::Ack, &envelope_id, "event", &body),
    }
}
