//! Raw HTTP and websocket helpers for the emulator's tests (no client crate: the emulator
//! must work for any Slack client).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use http::{HeaderMap, Method, Request};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Value};
use slack_emulator::Emulator;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long a test waits for something that should happen at once (a safety net, not a
/// synchronisation: every wait below ends as soon as the thing happens).
pub const WAIT: Duration = Duration::from_secs(10);

/// An answer read off the wire.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Reply {
    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// An emulator with default settings.
pub async fn emulator() -> Emulator {
    Emulator::start().await.unwrap()
}

fn client() -> Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>> {
    Client::builder(TokioExecutor::new()).build_http()
}

/// Send one request to `path` (relative to the emulator's root).
pub async fn send(
    emu: &Emulator,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: impl Into<Bytes>,
) -> Result<Reply, hyper_util::client::legacy::Error> {
    let mut req = Request::builder()
        .method(method)
        .uri(format!("http://{}{path}", emu.addr()));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = req.body(Full::new(body.into())).unwrap();
    let resp = tokio::time::timeout(WAIT, client().request(req))
        .await
        .expect("no answer in time")?;
    let (parts, body) = resp.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    Ok(Reply {
        status: parts.status.as_u16(),
        headers: parts.headers,
        body,
    })
}

/// Whether a failed request ended with the connection closed before a full answer.
pub fn is_dropped(e: &hyper_util::client::legacy::Error) -> bool {
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(h) = s.downcast_ref::<hyper::Error>() {
            return h.is_incomplete_message() || h.is_closed() || h.is_canceled();
        }
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            return matches!(
                io.kind(),
                std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::UnexpectedEof
            );
        }
        source = s.source();
    }
    false
}

/// POST a JSON body to `/api/<method>` with `token`.
pub async fn call_with(emu: &Emulator, token: &str, method: &str, args: Value) -> Reply {
    let auth = format!("Bearer {token}");
    send(
        emu,
        Method::POST,
        &format!("/api/{method}"),
        &[
            ("authorization", &auth),
            ("content-type", "application/json; charset=utf-8"),
        ],
        args.to_string(),
    )
    .await
    .unwrap()
}

/// POST a JSON body to `/api/<method>` as the bot; the JSON answer (HTTP 200 checked).
pub async fn call(emu: &Emulator, method: &str, args: Value) -> Value {
    let r = call_with(emu, &emu.bot_token(), method, args).await;
    assert_eq!(r.status, 200, "{method}: {}", r.text());
    assert_eq!(
        r.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    r.json()
}

/// Like [`call`], asserting `ok: true`.
pub async fn ok(emu: &Emulator, method: &str, args: Value) -> Value {
    let v = call(emu, method, args.clone()).await;
    assert_eq!(v["ok"], true, "{method} {args}: {v}");
    v
}

/// Like [`call`], asserting `ok: false`; the error code.
pub async fn fail(emu: &Emulator, method: &str, args: Value) -> String {
    let v = call(emu, method, args.clone()).await;
    assert_eq!(v["ok"], false, "{method} {args}: {v}");
    v["error"].as_str().unwrap_or_default().to_owned()
}

/// POST a form body to `/api/<method>` (token in the form when given).
pub async fn form(emu: &Emulator, method: &str, pairs: &[(&str, &str)]) -> Reply {
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    send(
        emu,
        Method::POST,
        &format!("/api/{method}"),
        &[("content-type", "application/x-www-form-urlencoded")],
        body,
    )
    .await
    .unwrap()
}

/// Post `text` to `channel` as the bot; the message `ts`.
pub async fn post(emu: &Emulator, channel: &str, text: &str) -> String {
    let v = ok(
        emu,
        "chat.postMessage",
        json!({"channel": channel, "text": text}),
    )
    .await;
    v["ts"].as_str().unwrap().to_owned()
}

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// `rtm.connect` with `token`, connect, and read `hello`.
pub async fn rtm_connect(emu: &Emulator, token: &str) -> Ws {
    let r = call_with(emu, token, "rtm.connect", json!({})).await;
    let url = r.json()["url"]
        .as_str()
        .expect("rtm.connect url")
        .to_owned();
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    assert_eq!(next_json(&mut ws).await, json!({"type": "hello"}));
    ws
}

/// The next text frame as JSON (fails on close or after [`WAIT`]).
pub async fn next_json(ws: &mut Ws) -> Value {
    loop {
        let frame = tokio::time::timeout(WAIT, ws.next())
            .await
            .expect("no frame in time")
            .expect("connection ended")
            .expect("websocket error");
        match frame {
            Message::Text(t) => return serde_json::from_str(t.as_str()).unwrap(),
            Message::Ping(_) | Message::Pong(_) => {}
            other => panic!("unexpected frame {other:?}"),
        }
    }
}

/// The next frame that is not a `type` in `skip`.
pub async fn next_event(ws: &mut Ws, skip: &[&str]) -> Value {
    loop {
        let v = next_json(ws).await;
        if !skip.iter().any(|s| v["type"] == *s) {
            return v;
        }
    }
}

/// Send a JSON text frame.
pub async fn send_json(ws: &mut Ws, v: Value) {
    ws.send(Message::text(v.to_string())).await.unwrap();
}

/// The next frame, which must be a close; its code.
pub async fn closed_with(ws: &mut Ws) -> Option<u16> {
    loop {
        match tokio::time::timeout(WAIT, ws.next())
            .await
            .expect("no close in time")
        {
            Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
            Some(Ok(Message::Text(_) | Message::Ping(_) | Message::Pong(_))) => {}
            Some(Ok(other)) => panic!("unexpected frame {other:?}"),
            Some(Err(_)) | None => return None,
        }
    }
}

/// How many messages a conversation (id or name) holds.
pub fn messages_len(emu: &Emulator, channel: &str) -> usize {
    emu.messages(channel).len()
}
