//! The shared limiter across processes: 4 processes × 50 tasks calling one Tier 3 method
//! (`conversations.info`) on the emulator with Slack-like limits, through
//! `slack_sdk::limiter_redis::RedisLimiter` (one budget in a real `redis-server`), then
//! through an `InMemoryLimiter` per process (four budgets that each believe they own the
//! workspace's allowance). Prints the emulator's 429 count and the aggregate throughput
//! against the allowance (the emulator's burst plus its rate over the window).
//!
//! ```sh
//! cargo bench --features redis-limiter --bench redis_limiter                # Slack's 50/min, 90 s per run
//! cargo bench --features redis-limiter --bench redis_limiter -- --secs 120
//! cargo bench --features redis-limiter --bench redis_limiter -- --fast      # Tier 3 at 600/min, 15 s
//! ```
//! The clients pace to the emulator's rates with the SDK's burst of 3 (the emulator allows
//! 5, and counts them in the allowance), so a window of `t` seconds can reach at most
//! `(3 + rate·t) / (5 + rate·t)` of it: 97.5 % over the default 90 s.
//!
//! The benchmark re-runs its own binary as the 4 worker processes; the parent owns the
//! emulator and the Redis server (`.ci/deps/redis.sh` installs it when missing).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../limiter-redis/tests/support/mod.rs"]
mod support;

use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use slack_emulator::{Emulator, RateLimits};
use slack_sdk::api::conversations;
use slack_sdk::limiter::{InMemoryLimiter, RateLimiter, RateTable};
use slack_sdk::limiter_redis::RedisLimiter;
use slack_sdk::transport::hyper::HyperTransport;
use slack_sdk::{Error, RetryPolicy, WebClient};

const PROCESSES: usize = 4;
const TASKS: usize = 50;
/// The emulator's burst (`slack_emulator::RateLimits`).
const SERVER_BURST: u32 = 5;
const WORKER_ENV: &str = "SLACK_REDIS_BENCH_WORKER";

fn unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn main() {
    if std::env::var_os(WORKER_ENV).is_some() {
        return worker();
    }
    let fast = std::env::args().any(|a| a == "--fast");
    let tier3: u32 = if fast { 600 } else { 50 };
    let secs: u64 = arg("--secs")
        .and_then(|s| s.parse().ok())
        .unwrap_or(if fast { 15 } else { 90 });
    let limits = if fast {
        RateLimits::Custom {
            tiers: [60, 200, tier3, 1000],
            post_message_per_minute: 60,
        }
    } else {
        RateLimits::SlackLike
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let redis = support::RedisServer::start();
    let allowance = f64::from(SERVER_BURST) + secs as f64 * f64::from(tier3) / 60.0;
    println!(
        "{PROCESSES} processes x {TASKS} tasks, conversations.info (Tier 3, {tier3}/min, burst {SERVER_BURST}), {secs} s per run; allowance {allowance:.0} calls"
    );
    println!("limiter     ok   server 429s   throughput/allowance");
    for mode in ["redis", "memory"] {
        let emu = rt.block_on(Emulator::builder().rate_limits(limits.clone()).start());
        let emu = emu.unwrap();
        let channel = emu.channel_id("general").unwrap();
        let start_at = unix_ms() + 3_000;
        let children: Vec<_> = (0..PROCESSES)
            .map(|i| {
                Command::new(std::env::current_exe().unwrap())
                    .env(WORKER_ENV, "1")
                    .env("BENCH_BASE", emu.base_url())
                    .env("BENCH_TOKEN", emu.bot_token())
                    .env("BENCH_CHANNEL", &channel)
                    .env("BENCH_REDIS", redis.url())
                    .env("BENCH_MODE", mode)
                    .env("BENCH_START", start_at.to_string())
                    .env("BENCH_SECS", secs.to_string())
                    .env("BENCH_TIER3", tier3.to_string())
                    .env("BENCH_ID", i.to_string())
                    .stdout(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let (mut ok, mut limited, mut other) = (0u64, 0u64, 0u64);
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success(), "a worker failed");
            let text = String::from_utf8_lossy(&out.stdout);
            let nums: Vec<u64> = text
                .split_whitespace()
                .filter_map(|w| w.parse().ok())
                .collect();
            ok += nums[0];
            limited += nums[1];
            other += nums[2];
        }
        let server_429 = emu.rate_limited_count();
        println!(
            "{mode:<8} {ok:>5}   {server_429:>11}   {:>5.1} %   (client saw {limited} rate-limited, {other} other errors)",
            100.0 * ok as f64 / allowance
        );
        drop(emu);
    }
}

/// One process: 50 tasks calling until the window closes. Prints `ok limited other`.
fn worker() {
    let env = |k: &str| std::env::var(k).unwrap();
    let secs: u64 = env("BENCH_SECS").parse().unwrap();
    let start_at: u64 = env("BENCH_START").parse().unwrap();
    let tier3: u32 = env("BENCH_TIER3").parse().unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let limiter: Arc<dyn RateLimiter> = if env("BENCH_MODE") == "redis" {
            Arc::new(
                RedisLimiter::builder(env("BENCH_REDIS"))
                    .key_prefix(format!("bench-{start_at}:"))
                    .build()
                    .unwrap(),
            )
        } else {
            Arc::new(InMemoryLimiter::new())
        };
        let client = WebClient::builder()
            .token(env("BENCH_TOKEN"))
            .base_url(env("BENCH_BASE"))
            .retry_policy(RetryPolicy::none())
            .rate_limiter(limiter)
            // The emulator's rates with the SDK's default burst of 3.
            .rate_table(RateTable::new([1, 20, tier3, 100], 60, 3))
            .transport(HyperTransport::builder().no_proxy().build().unwrap())
            .build()
            .unwrap();
        let wait = Duration::from_millis(start_at.saturating_sub(unix_ms()));
        tokio::time::sleep(wait).await;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
        let counts = Arc::new([AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0)]);
        let channel = env("BENCH_CHANNEL");
        let tasks: Vec<_> = (0..TASKS)
            .map(|_| {
                let c = client.clone();
                let ch = channel.clone();
                let counts = counts.clone();
                tokio::spawn(async move {
                    loop {
                        let call = c.call(conversations::Info::new(ch.clone()));
                        let i = match tokio::time::timeout_at(deadline, call).await {
                            Err(_) => return, // the window closed
                            Ok(Ok(_)) => 0,
                            Ok(Err(Error::RateLimited { .. })) => 1,
                            Ok(Err(_)) => 2,
                        };
                        counts[i].fetch_add(1, Ordering::Relaxed);
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        println!(
            "{} {} {}",
            counts[0].load(Ordering::Relaxed),
            counts[1].load(Ordering::Relaxed),
            counts[2].load(Ordering::Relaxed)
        );
    });
}
