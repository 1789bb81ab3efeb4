//! A Redis outage: the limiter falls back to memory with one warning, never blocks, and
//! goes back to Redis when it returns. Alone in its binary: it reads the logs, and
//! tracing's callsite cache is shared by every test of a binary.
#![allow(clippy::unwrap_used)]

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use redis::AsyncCommands;
use slack_core::limiter::{LimitKey, Rate, RateLimiter, Slot};
use slack_limiter_redis::RedisLimiter;
use support::RedisServer;

/// A plain client for checking what the limiter wrote.
async fn admin(server: &RedisServer) -> redis::aio::MultiplexedConnection {
    redis::Client::open(server.url())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap()
}

/// Log lines at WARN and INFO, captured for one test.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logs {
    fn count(&self, needle: &str) -> usize {
        String::from_utf8_lossy(&self.0.lock().unwrap())
            .matches(needle)
            .count()
    }
}

#[tokio::test(flavor = "current_thread")]
async fn an_outage_falls_back_once_and_recovers() {
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    tracing::callsite::rebuild_interest_cache();

    let mut server = RedisServer::start();
    let l = RedisLimiter::builder(server.url())
        .key_prefix("outage:")
        .timeout(Duration::from_millis(500))
        .retry_interval(Duration::from_millis(50))
        .build()
        .unwrap();
    let rate = Rate::per_minute(60, 1);
    let k = LimitKey {
        workspace: Some("w0".into()),
        method: "conversations.members".into(),
        channel: None,
    };
    let t0 = Instant::now();
    l.acquire(&k, rate, t0).await;
    assert!(!l.is_on_fallback());

    server.kill();
    // Every call answers promptly, from memory; one warning for the whole outage.
    let bound = Duration::from_secs(5);
    let mut slots: Vec<Slot> = Vec::new();
    for _ in 0..20 {
        let s = tokio::time::timeout(bound, l.acquire(&k, rate, t0))
            .await
            .expect("a dead Redis must not block calls");
        slots.push(s);
        tokio::time::sleep(Duration::from_millis(10)).await; // let probes happen
    }
    assert!(l.is_on_fallback());
    // The fallback paces them (one a second from t0, a fresh cell of its own).
    assert_eq!(slots[1].start - slots[0].start, Duration::from_secs(1));
    let e = l.ping().await.unwrap_err();
    assert!(e.is_outage(), "{e}");
    assert_eq!(logs.count("Redis rate limiter unavailable"), 1);
    // A fallback slot confirms and releases through the fallback.
    assert_eq!(l.confirm(&k, rate, slots[19], slots[19].start).await, None);

    server.restart();
    let deadline = Instant::now() + Duration::from_secs(10);
    while l.is_on_fallback() {
        assert!(Instant::now() < deadline, "never went back to Redis");
        tokio::time::timeout(bound, l.acquire(&k, rate, Instant::now()))
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut admin = admin(&server).await;
    assert!(admin.exists::<_, bool>(l.redis_key(&k)).await.unwrap());
    assert_eq!(logs.count("reachable again"), 1);
    assert_eq!(logs.count("Redis rate limiter unavailable"), 1);
}
