//! What the client costs per call with the network taken away, and what the type-erased
//! transport (`Arc<dyn HttpTransport>`) adds to it.
//!
//! `cargo bench -p slack-core --bench client`
//!
//! The transport answers at once with a canned `chat.postMessage` response, so the figures
//! are the client's own CPU per call: encoding, the retry state machine, decoding. Compare
//! them with a loopback round trip (tens of microseconds) to see what is left of them next to
//! a network call.
#![allow(clippy::unwrap_used, missing_docs)]

use std::sync::Arc;
use std::time::Duration;

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use futures_util::FutureExt;
use slack_core::api::chat;
use slack_core::transport::{
    BoxFuture, HttpRequest, HttpResponse, HttpTransport, Timer, TransportError,
};
use slack_core::WebClient;

const POSTED: &str = r#"{"ok":true,"channel":"C123ABC456","ts":"1503435956.000247","message":{"text":"Here's a message for you","type":"message","subtype":"bot_message","ts":"1503435956.000247"}}"#;

/// Answers every request at once with the same response.
#[derive(Debug)]
struct Canned(HttpResponse);

impl HttpTransport for Canned {
    fn send(&self, _request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        let resp = self.0.clone();
        Box::pin(async move { Ok(resp) })
    }
}

impl Timer for Canned {
    fn sleep(&self, _duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(async {})
    }
}

fn canned() -> Canned {
    let mut resp = HttpResponse::new(http::StatusCode::OK, POSTED);
    resp.headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json; charset=utf-8"),
    );
    Canned(resp)
}

fn request() -> HttpRequest {
    HttpRequest::new(http::Method::POST, "https://slack.com/api/chat.postMessage")
}

fn dispatch(c: &mut Criterion) {
    let mut g = c.benchmark_group("transport_send");
    let concrete = canned();
    g.bench_function("static", |b| {
        b.iter(|| {
            black_box(&concrete)
                .send(request())
                .now_or_never()
                .unwrap()
                .unwrap()
        })
    });
    let erased: Arc<dyn HttpTransport> = Arc::new(canned());
    g.bench_function("dyn", |b| {
        b.iter(|| {
            black_box(&erased)
                .send(request())
                .now_or_never()
                .unwrap()
                .unwrap()
        })
    });
    g.finish();
}

fn whole_call(c: &mut Criterion) {
    let client = WebClient::builder()
        .token("xoxb-bench")
        .transport(canned())
        .build()
        .unwrap();
    c.bench_function("client_call/chat.postMessage", |b| {
        b.iter(|| {
            client
                .call(chat::PostMessage::new("C123ABC456").text(black_box("hello")))
                .now_or_never()
                .unwrap()
                .unwrap()
        })
    });
}

criterion_group!(benches, dispatch, whole_call);
criterion_main!(benches);
