//! Decoding speed: typed RTM events and typed Web API responses against `serde_json::Value`.
//!
//! `cargo bench -p slack-core --bench decode`
#![allow(clippy::unwrap_used)]

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use slack_core::rtm::decode_event;

const MESSAGE: &str = r#"{"type":"message","channel":"C024BE91L","user":"U2147483697","text":"Live long and prospect. :vulcan_salute: <https://example.com|a link>","ts":"1355517523.000005","team":"T024BE7LD","client_msg_id":"b8d1c3a2-1e4f-4e7a-9d1b-0c2f3e4d5a6b","blocks":[{"type":"rich_text","block_id":"Xy1","elements":[{"type":"rich_text_section","elements":[{"type":"text","text":"Live long and prospect."}]}]}],"event_ts":"1355517523.000005","channel_type":"channel"}"#;
const REACTION: &str = r#"{"type":"reaction_added","user":"U024BE7LH","reaction":"thumbsup","item_user":"U0G9QF9C6","item":{"type":"message","channel":"C0G9QF9GZ","ts":"1360782400.498405"},"event_ts":"1360782804.083113"}"#;
/// The answer `benches/pinned.rs` serves: a bot message with a rich-text block and a profile.
const POSTED_BLOCKS: &str = r#"{"ok":true,"channel":"C024BE91L","ts":"1700000000.000100","message":{"type":"message","subtype":"bot_message","text":"benchmark message","ts":"1700000000.000100","username":"bench","bot_id":"B01","app_id":"A01","team":"T01","bot_profile":{"id":"B01","app_id":"A01","name":"bench","icons":{"image_36":"https://a.slack-edge.com/x/img/36.png","image_48":"https://a.slack-edge.com/x/img/48.png","image_72":"https://a.slack-edge.com/x/img/72.png"},"deleted":false,"updated":1700000000,"team_id":"T01"},"blocks":[{"type":"rich_text","block_id":"abc","elements":[{"type":"rich_text_section","elements":[{"type":"text","text":"benchmark message"}]}]}]},"response_metadata":{"warnings":["missing_charset"]},"warning":"missing_charset"}"#;
const POSTED: &str = r#"{"ok":true,"channel":"C123ABC456","ts":"1503435956.000247","message":{"text":"Here's a message for you","username":"ecto1","bot_id":"B123ABC456","attachments":[{"text":"This is an attachment","id":1,"fallback":"This is an attachment's fallback"}],"type":"message","subtype":"bot_message","ts":"1503435956.000247"}}"#;

fn events(c: &mut Criterion) {
    let mut g = c.benchmark_group("rtm_event");
    for (name, frame) in [("message", MESSAGE), ("reaction_added", REACTION)] {
        g.throughput(Throughput::Bytes(frame.len() as u64));
        g.bench_function(format!("{name}/typed"), |b| {
            b.iter(|| decode_event(black_box(frame)).unwrap())
        });
        g.bench_function(format!("{name}/value"), |b| {
            b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(frame)).unwrap())
        });
    }
    g.finish();
}

fn responses(c: &mut Criterion) {
    use slack_core::responses::chat::PostMessageResponse;
    use slack_core::transport::HttpResponse;
    let mut g = c.benchmark_group("web_response");
    for (name, body) in [
        ("chat.postMessage", POSTED),
        ("chat.postMessage+blocks", POSTED_BLOCKS),
    ] {
        g.throughput(Throughput::Bytes(body.len() as u64));
        g.bench_function(format!("{name}/typed"), |b| {
            b.iter(|| {
                let r = HttpResponse::new(http::StatusCode::OK, black_box(body));
                slack_core::response::parse_typed::<PostMessageResponse>("chat.postMessage", r)
                    .unwrap()
            })
        });
        g.bench_function(format!("{name}/envelope"), |b| {
            b.iter(|| {
                let r = HttpResponse::new(http::StatusCode::OK, black_box(body));
                slack_core::response::parse_response("chat.postMessage", r).unwrap()
            })
        });
        g.bench_function(format!("{name}/value"), |b| {
            b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(body)).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, events, responses);
criterion_main!(benches);
