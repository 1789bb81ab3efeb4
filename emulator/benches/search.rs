//! `search.messages` latency over a large workspace (a measurement, not a test):
//!
//! 1. `SEARCH_MESSAGES` messages (default 100,000) are stored through the emulator's own
//!    posting path (the same one `chat.postMessage` takes), spread over three channels and
//!    two authors, with a skewed vocabulary (a few very common words, many rare ones).
//! 2. The word index is kept as messages are stored (the time per stored message includes
//!    it); the first search's time is reported apart.
//! 3. Each query below is then sent `SEARCH_RUNS` times (default 30) over one keep-alive
//!    HTTP connection, with ada's user token, and the median, 95th percentile and worst
//!    round trip are printed. The budget (issue 15) is 50 ms per answer.
//!
//! `cargo bench -p slack-emulator --bench search`

use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Value};
use slack_emulator::Emulator;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Common words, drawn often; the rest of a message comes from a long tail.
const COMMON: &[&str] = &[
    "the", "a", "to", "and", "of", "is", "in", "for", "on", "we", "deploy", "build", "failed",
    "release", "review", "please", "today", "fixed", "tests", "green", "merge", "ticket",
];

fn message(rng: &mut Rng) -> String {
    let n = 6 + rng.below(10);
    let mut words = Vec::new();
    for _ in 0..n {
        if rng.below(10) < 6 {
            // Skewed towards the first common words.
            let i = rng.below(COMMON.len() as u64) * rng.below(100) / 100;
            words.push(COMMON[i as usize].to_owned());
        } else {
            words.push(format!("w{}", rng.below(50_000)));
        }
    }
    words.join(" ")
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn search(
    client: &Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>,
    url: &str,
    token: &str,
    args: &Value,
) -> Result<Value, BoxError> {
    let req = http::Request::post(url)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json; charset=utf-8")
        .body(Full::new(Bytes::from(args.to_string())))?;
    let resp = client.request(req).await?;
    let body = resp.into_body().collect().await?.to_bytes();
    Ok(serde_json::from_slice(&body)?)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), BoxError> {
    let total = env_or("SEARCH_MESSAGES", 100_000);
    let runs = env_or("SEARCH_RUNS", 30).max(1);
    let emu = Emulator::start().await?;
    let ada = emu.user_id("ada").ok_or("no ada")?;
    let bot = emu.bot_user_id();
    let channels = ["general", "random", "secret-plans"];
    let mut rng = Rng(42);
    let started = Instant::now();
    for i in 0..total {
        let channel = channels[(i % 3) as usize];
        let author = if i % 4 == 0 { &ada } else { &bot };
        let mut text = message(&mut rng);
        if i % 1000 == 7 {
            text.push_str(" needle");
        }
        emu.post_as(author, channel, &text)?;
    }
    let took = started.elapsed();
    println!(
        "stored {total} messages in {:.2} s ({:.1} µs each, indexing included)",
        took.as_secs_f64(),
        took.as_secs_f64() * 1e6 / total.max(1) as f64
    );
    let client = Client::builder(TokioExecutor::new()).build_http();
    let url = format!("{}search.messages", emu.base_url());
    let token = emu.user_token();
    let t = Instant::now();
    let first = search(&client, &url, &token, &json!({"query": "needle"})).await?;
    println!(
        "first search: {:.1} ms, {} matches",
        ms(t.elapsed()),
        first["messages"]["total"]
    );
    // After this, posts keep the index current: one more post, then it is found at once.
    emu.post_as(&ada, "general", "one more needle")?;
    let queries = [
        json!({"query": "the"}),
        json!({"query": "the", "sort": "timestamp", "count": 100, "page": 5}),
        json!({"query": "deploy failed"}),
        json!({"query": "\"build failed\""}),
        json!({"query": "needle"}),
        json!({"query": "w123*"}),
        json!({"query": "release in:#general"}),
        json!({"query": "from:@ada review -tests"}),
        json!({"query": "in:#random"}),
    ];
    println!(
        "{:<60} {:>8} {:>8} {:>8} {:>8}",
        "query", "matches", "median", "p95", "max"
    );
    let mut worst = Duration::ZERO;
    for q in &queries {
        let mut times = Vec::new();
        let mut matches = Value::Null;
        for _ in 0..runs {
            let t = Instant::now();
            let v = search(&client, &url, &token, q).await?;
            times.push(t.elapsed());
            if v["ok"] != true {
                return Err(format!("{q}: {v}").into());
            }
            matches = v["messages"]["total"].clone();
        }
        times.sort();
        let max = *times.last().unwrap_or(&Duration::ZERO);
        worst = worst.max(max);
        println!(
            "{:<60} {:>8} {:>6.2}ms {:>6.2}ms {:>6.2}ms",
            q.to_string(),
            matches,
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.95)),
            ms(max)
        );
    }
    println!(
        "worst answer: {:.2} ms (budget 50 ms): {}",
        ms(worst),
        if worst < Duration::from_millis(50) {
            "within"
        } else {
            "OVER"
        }
    );
    emu.shutdown().await;
    Ok(())
}
