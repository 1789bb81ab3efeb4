//! The Redis limiter against a real `redis-server` (started per test on a free loopback
//! port): the GCRA, a budget shared by two instances, pauses seen everywhere, key expiry,
//! a flushed script cache, and a Web API client on the emulator. The outage is in
//! `outage.rs` (it reads logs, so it has a binary of its own).
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use redis::AsyncCommands;
use slack_core::limiter::{InMemoryLimiter, LimitKey, Rate, RateLimiter, RateTable};
use slack_core::{Token, WebClient};
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

/// What separates a slot from where the arithmetic puts it: the real time spent between
/// calls on Redis's clock (milliseconds on loopback).
const SLACK: Duration = Duration::from_millis(250);

fn key(method: &str) -> LimitKey {
    LimitKey {
        workspace: Some("w0".into()),
        method: method.into(),
        channel: None,
    }
}

fn limiter(server: &RedisServer, prefix: &str) -> RedisLimiter {
    RedisLimiter::builder(server.url())
        .key_prefix(prefix)
        .timeout(Duration::from_millis(500))
        .retry_interval(Duration::from_millis(50))
        .build()
        .unwrap()
}

fn assert_near(actual: Instant, expected: Instant) {
    let off = if actual > expected {
        actual - expected
    } else {
        expected - actual
    };
    assert!(off <= SLACK, "off by {off:?}");
}

// ===== The suite every limiter passes (run on the in-memory one too)

/// A burst of 3, then one a second.
async fn burst_then_sustained(l: &dyn RateLimiter) {
    let rate = Rate::per_minute(60, 3);
    let k = key("conversations.history");
    let t0 = Instant::now();
    for (i, expected) in [0, 0, 0, 1, 2, 3].into_iter().enumerate() {
        let s = l.acquire(&k, rate, t0).await;
        assert_near(s.start, t0 + Duration::from_secs(expected));
        assert!(s.start >= t0, "slot {i} before now");
    }
    // Another method, another workspace: their own budgets.
    assert_near(l.acquire(&key("users.list"), rate, t0).await.start, t0);
    let other = LimitKey {
        workspace: Some("w1".into()),
        ..k.clone()
    };
    assert_near(l.acquire(&other, rate, t0).await.start, t0);
}

/// A pause moves a slot reserved before it; slots after it respect it.
async fn pause_moves_waiting_slots(a: &dyn RateLimiter, b: &dyn RateLimiter) {
    let rate = Rate::per_minute(60, 1);
    let k = key("chat.update");
    let t0 = Instant::now();
    let _first = b.acquire(&k, rate, t0).await;
    let waiting = b.acquire(&k, rate, t0).await;
    assert_near(waiting.start, t0 + Duration::from_secs(1));
    a.pause(&k, rate, t0 + Duration::from_secs(30));
    settle(a).await;
    let moved = b
        .confirm(&k, rate, waiting, waiting.start)
        .await
        .expect("the pause moves the slot");
    assert!(
        moved.start + SLACK >= t0 + Duration::from_secs(30),
        "{moved:?}"
    );
    // The new slot was reserved after the pause: it stands.
    assert_eq!(b.confirm(&k, rate, moved, moved.start).await, None);
    let later = a.acquire(&k, rate, t0).await;
    assert!(later.start + SLACK >= t0 + Duration::from_secs(31));
}

/// Releasing the last slot gives it to the next caller.
async fn release_last_slot(l: &dyn RateLimiter) {
    let rate = Rate::per_minute(60, 1);
    let k = key("reactions.add");
    let t0 = Instant::now();
    let _a = l.acquire(&k, rate, t0).await;
    let b = l.acquire(&k, rate, t0).await;
    l.release(&k, rate, b);
    settle(l).await;
    let c = l.acquire(&k, rate, t0).await;
    assert_near(c.start, t0 + Duration::from_secs(1));
}

/// Let a limiter's background writes (release, pause) land: a later acquire on a key of
/// its own runs after them on the same connection.
async fn settle(l: &dyn RateLimiter) {
    for _ in 0..3 {
        tokio::task::yield_now().await;
    }
    let _ = l
        .acquire(&key("settle"), Rate::per_minute(6000, 100), Instant::now())
        .await;
}

#[tokio::test]
async fn the_suite_on_the_in_memory_limiter() {
    let l = InMemoryLimiter::new();
    burst_then_sustained(&l).await;
    pause_moves_waiting_slots(&l, &l).await;
    release_last_slot(&l).await;
}

#[tokio::test]
async fn the_suite_on_redis() {
    let server = RedisServer::start();
    let l = limiter(&server, "suite:");
    burst_then_sustained(&l).await;
    release_last_slot(&l).await;
    let other = limiter(&server, "suite:");
    pause_moves_waiting_slots(&l, &other).await;
    assert!(!l.is_on_fallback() && !other.is_on_fallback());
}

// ===== Redis specifics

#[tokio::test]
async fn two_instances_share_one_budget() {
    let server = RedisServer::start();
    let a = limiter(&server, "shared:");
    let b = limiter(&server, "shared:");
    let apart = limiter(&server, "other-app:");
    let rate = Rate::per_minute(60, 2);
    let k = key("conversations.info");
    let t0 = Instant::now();
    let starts = [
        a.acquire(&k, rate, t0).await.start,
        b.acquire(&k, rate, t0).await.start,
        a.acquire(&k, rate, t0).await.start,
        b.acquire(&k, rate, t0).await.start,
    ];
    for (s, e) in starts.iter().zip([0, 0, 1, 2]) {
        assert_near(*s, t0 + Duration::from_secs(e));
    }
    // Another prefix is another budget.
    assert_near(apart.acquire(&k, rate, t0).await.start, t0);
}

#[tokio::test]
async fn a_pause_reaches_other_instances_without_flushing() {
    let server = RedisServer::start();
    let a = limiter(&server, "p:");
    let b = limiter(&server, "p:");
    let rate = Rate::per_minute(60, 5);
    let k = key("chat.delete");
    let t0 = Instant::now();
    assert_near(b.acquire(&k, rate, t0).await.start, t0);
    // The 429 is written from a spawned task: wait for it to land in Redis.
    a.pause(&k, rate, t0 + Duration::from_secs(20));
    let mut admin = admin(&server).await;
    let rkey = a.redis_key(&k);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let ep: Option<u32> = admin.hget(&rkey, "ep").await.unwrap();
        if ep == Some(1) {
            break;
        }
        assert!(Instant::now() < deadline, "the pause never reached Redis");
        tokio::task::yield_now().await;
    }
    let s = b.acquire(&k, rate, t0).await;
    assert!(s.start + SLACK >= t0 + Duration::from_secs(20), "{s:?}");
}

#[tokio::test]
async fn keys_expire_and_never_hold_the_token() {
    let server = RedisServer::start();
    let l = RedisLimiter::builder(server.url())
        .key_prefix("exp:")
        .key_grace(Duration::from_millis(300))
        .build()
        .unwrap();
    let pm = slack_core::method::lookup("chat.postMessage").unwrap();
    let k = LimitKey::for_call(pm, &slack_core::Args::new().set("channel", "C0123ABCD"))
        .in_workspace(Some(&Token::new("xoxb-very-secret")), None);
    let rate = Rate::per_minute(600, 1); // 100 ms
    l.acquire(&k, rate, Instant::now()).await;
    let mut admin = admin(&server).await;
    let keys: Vec<String> = admin.keys("exp:*").await.unwrap();
    assert_eq!(keys, [l.redis_key(&k)]);
    assert!(keys[0].ends_with(":chat.postMessage:C0123ABCD"), "{keys:?}");
    assert!(!keys[0].contains("xoxb") && !keys[0].contains("secret"));
    let ttl: i64 = admin.pttl(&keys[0]).await.unwrap();
    assert!(ttl > 0 && ttl <= 400, "pttl {ttl}");
    // Gone once idle past the grace.
    let deadline = Instant::now() + Duration::from_secs(5);
    while admin.exists::<_, bool>(&keys[0]).await.unwrap() {
        assert!(Instant::now() < deadline, "the key never expired");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn the_script_is_sent_again_after_a_flush() {
    let server = RedisServer::start();
    let l = limiter(&server, "flush:");
    let rate = Rate::per_minute(60, 1);
    let k = key("pins.add");
    let t0 = Instant::now();
    l.acquire(&k, rate, t0).await;
    let mut admin = admin(&server).await;
    let _: () = redis::cmd("SCRIPT")
        .arg("FLUSH")
        .query_async(&mut admin)
        .await
        .unwrap();
    // EVALSHA meets NOSCRIPT, EVAL runs it: still the shared cell, not the fallback.
    let s = l.acquire(&k, rate, t0).await;
    assert!(!l.is_on_fallback());
    assert_near(s.start, t0 + Duration::from_secs(1));
    let cached: Vec<bool> = redis::cmd("SCRIPT")
        .arg("EXISTS")
        .arg(l.script_sha())
        .query_async(&mut admin)
        .await
        .unwrap();
    assert_eq!(cached, [true]);
}

#[tokio::test]
async fn a_limiter_built_while_redis_is_down_still_paces() {
    let mut server = RedisServer::start();
    let url = server.url();
    server.kill();
    let l = RedisLimiter::builder(url)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let rate = Rate::per_minute(60, 1);
    let t0 = Instant::now();
    let a = l.acquire(&key("m"), rate, t0).await;
    let b = l.acquire(&key("m"), rate, t0).await;
    assert_eq!(b.start - a.start, Duration::from_secs(1));
    assert!(l.is_on_fallback());
}

#[tokio::test]
async fn passwords_stay_out_of_debug_and_errors() {
    let server = RedisServer::start_with(&["--requirepass", "right-password"]);
    let url = format!("redis://:wrong-password-xyz@127.0.0.1:{}/", server.port());
    let l = RedisLimiter::builder(&url).build().unwrap();
    let debug = format!("{l:?} {:?}", RedisLimiter::builder(&url));
    assert!(!debug.contains("wrong-password-xyz"), "{debug}");
    assert!(debug.contains("redis://:***@127.0.0.1"), "{debug}");
    let e = l.ping().await.unwrap_err();
    let shown = format!("{e} {e:?}");
    assert!(!shown.contains("wrong-password-xyz"), "{shown}");
    // The right password works.
    let ok = format!("redis://:right-password@127.0.0.1:{}/", server.port());
    RedisLimiter::new(ok).unwrap().ping().await.unwrap();
    let bad = RedisLimiter::new("redis://:pw-in-bad-url@").unwrap_err();
    assert!(!format!("{bad} {bad:?}").contains("pw-in-bad-url"), "{bad}");
}

// ===== A Web API client on the emulator

mod webclient {
    use super::*;
    use slack_core::api::conversations;
    use slack_core::RetryPolicy;
    use slack_emulator::{Emulator, RateLimits};
    use slack_transport_hyper::HyperTransport;

    /// Tier 3 at 600/min (10/s) with the emulator's burst of 5: Slack's shape, faster.
    const TIERS: [u32; 4] = [60, 200, 600, 1000];

    async fn emulator() -> Emulator {
        Emulator::builder()
            .rate_limits(RateLimits::Custom {
                tiers: TIERS,
                post_message_per_minute: 60,
            })
            .start()
            .await
            .unwrap()
    }

    fn client(emu: &Emulator, limiter: Arc<dyn RateLimiter>) -> WebClient {
        WebClient::builder()
            .token(emu.bot_token())
            .base_url(emu.base_url())
            .retry_policy(RetryPolicy::none())
            .rate_limiter(limiter)
            // The emulator's rates with the SDK's burst of 3 (the emulator allows 5): the
            // two calls of slack absorb the jitter of transit.
            .rate_table(RateTable::new(TIERS, 60, 3))
            .transport(HyperTransport::builder().no_proxy().build().unwrap())
            .build()
            .unwrap()
    }

    /// Two "replicas", 10 tasks each, 15 calls in all; the number that failed.
    async fn run(emu: &Emulator, a: Arc<dyn RateLimiter>, b: Arc<dyn RateLimiter>) -> usize {
        let channel = emu.channel_id("general").unwrap();
        let clients = [client(emu, a), client(emu, b)];
        let calls = (0..20).map(|i| {
            let c = clients[i % 2].clone();
            let ch = channel.clone();
            tokio::spawn(async move {
                if i >= 15 {
                    return Ok(()); // 15 calls: the burst of 5 and one second's worth
                }
                c.call(conversations::Info::new(ch)).await.map(|_| ())
            })
        });
        let results = futures_util::future::join_all(calls).await;
        let errors: Vec<String> = results
            .into_iter()
            .filter_map(|r| r.unwrap().err())
            .map(|e| e.to_string())
            .collect();
        if !errors.is_empty() {
            println!("errors: {errors:?}");
        }
        errors.len()
    }

    #[tokio::test]
    async fn replicas_sharing_redis_earn_no_429() {
        let server = RedisServer::start();
        let emu = emulator().await;
        let started = Instant::now();
        let failed = run(
            &emu,
            Arc::new(limiter(&server, "emu:")),
            Arc::new(limiter(&server, "emu:")),
        )
        .await;
        assert_eq!(failed, 0);
        assert_eq!(emu.rate_limited_count(), 0);
        // 12 calls after the burst of 3, at 10 a second.
        assert!(started.elapsed() >= Duration::from_millis(900));

        let emu = emulator().await;
        run(
            &emu,
            Arc::new(InMemoryLimiter::new()),
            Arc::new(InMemoryLimiter::new()),
        )
        .await;
        assert!(
            emu.rate_limited_count() > 0,
            "two in-memory limiters each spend the whole budget"
        );
    }
}
