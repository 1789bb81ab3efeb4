//! The web page that watches a running emulator (`GET /` from a browser): conversations,
//! threads, reactions, files, users, the request log, the events delivered per connection,
//! and controls for faults, rate limits and the clock, updated live.
//!
//! The page is three static files compiled into the binary (`emulator/static/`), plain HTML,
//! CSS and JavaScript with no build step. It reads the admin API (`/_emulator/overview`,
//! `/_emulator/requests`, `/_emulator/events`, `/_emulator/faults`, …) and listens to
//! `/_emulator/live`, a Server-Sent Events stream of the [`journal`]'s records.
//!
//! ```text
//! browser ──GET /──────────────► index.html, /static/app.{js,css}
//!         ──GET /_emulator/live─► data: {"kind":"request","record":{…}}   (SSE, bounded)
//!         ──GET /_emulator/overview?channel=C…, /requests, /events, /faults, /clock
//!         ──POST /_emulator/messages {"user","channel","text"}  (post as a user)
//! ```

pub(crate) mod journal;
mod redact;
mod view;

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{header, HeaderValue, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use serde_json::Value;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, watch};

pub(crate) use journal::Journal;

use crate::server::{json_response, Resp, Shared, WireBody};

const INDEX_HTML: &str = include_str!("../../static/index.html");
const APP_JS: &str = include_str!("../../static/app.js");
const APP_CSS: &str = include_str!("../../static/app.css");

/// A comment line sent on an idle live stream, so a browser that went away is noticed.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

fn asset(content_type: &'static str, body: &'static str) -> Resp {
    let mut r = Response::new(Full::new(Bytes::from_static(body.as_bytes())));
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'",
        ),
    );
    r
}

/// The page and its static files: `GET /` when the client accepts HTML (a browser; other
/// clients keep the JSON greeting), `/static/app.js`, `/static/app.css`. `None` for any
/// other request.
pub(crate) fn page(req: &Request<Incoming>) -> Option<Resp> {
    if req.method() != http::Method::GET && req.method() != http::Method::HEAD {
        return None;
    }
    match req.uri().path() {
        "/" | "/index.html" => {
            let wants_html = req
                .headers()
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("text/html"));
            wants_html.then(|| asset("text/html; charset=utf-8", INDEX_HTML))
        }
        "/static/app.js" => Some(asset("text/javascript; charset=utf-8", APP_JS)),
        "/static/app.css" => Some(asset("text/css; charset=utf-8", APP_CSS)),
        _ => None,
    }
}

/// `GET /_emulator/overview?channel=C…`: see [`view`].
pub(crate) fn overview(shared: &Shared, query: Option<&str>) -> Resp {
    let channel = query.and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "channel")
            .map(|(_, v)| v.into_owned())
    });
    let mut v = view::overview(&shared.lock_state(), channel.as_deref());
    if let Value::Object(m) = &mut v {
        m.insert("ok".into(), Value::Bool(true));
    }
    json_response(StatusCode::OK, &v)
}

struct LiveState {
    rx: broadcast::Receiver<Arc<str>>,
    stop: watch::Receiver<bool>,
    tick: tokio::time::Interval,
    started: bool,
}

fn sse(text: String) -> Result<Frame<Bytes>, Infallible> {
    Ok(Frame::data(Bytes::from(text)))
}

/// `GET /_emulator/live`: Server-Sent Events, one `data:` line per journal message (JSON),
/// `event: resync` when this reader fell behind and missed some (refetch the logs), and a
/// comment every 15 s. Ends when the emulator stops.
pub(crate) fn live(shared: &Shared) -> Response<WireBody> {
    let start = tokio::time::Instant::now() + KEEP_ALIVE;
    let state = LiveState {
        rx: shared.journal.subscribe(),
        stop: shared.shutdown_rx.clone(),
        tick: tokio::time::interval_at(start, KEEP_ALIVE),
        started: false,
    };
    let stream = futures_util::stream::unfold(state, |mut s| async move {
        if !s.started {
            s.started = true;
            return Some((sse("retry: 2000\nevent: hello\ndata: {}\n\n".to_owned()), s));
        }
        if *s.stop.borrow() {
            return None;
        }
        let frame = tokio::select! {
            m = s.rx.recv() => match m {
                Ok(text) => format!("data: {text}\n\n"),
                Err(RecvError::Lagged(n)) => format!("event: resync\ndata: {n}\n\n"),
                Err(RecvError::Closed) => return None,
            },
            _ = s.tick.tick() => ": keep-alive\n\n".to_owned(),
            _ = s.stop.changed() => return None,
        };
        Some((sse(frame), s))
    });
    let mut r = Response::new(StreamBody::new(stream).boxed_unsync());
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}
