//! Rate limits: the emulator's 429s, and the client's proactive limiter keeping them away.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use slack_emulator::{Emulator, RateLimits};
use slack_sdk::api::conversations;
use slack_sdk::limiter::{InMemoryLimiter, RateTable};
use slack_sdk::transport::hyper::HyperTransport;
use slack_sdk::{Error, RetryPolicy, WebClient};

#[tokio::test]
async fn slack_like_limits_answer_429_with_retry_after() {
    let emu = common::limited_emulator().await;
    let c = common::one_shot(&emu);
    let mut limited = Vec::new();
    for _ in 0..30 {
        if let Err(e) = c.call(conversations::List::new()).await {
            limited.push(e);
        }
    }
    assert!(
        !limited.is_empty(),
        "a Tier 2 method allows a burst of 5 then 20/min"
    );
    for e in &limited {
        assert!(matches!(e, Error::RateLimited { .. }), "{e:?}");
        let ra = e.retry_after().unwrap();
        assert!(
            ra >= Duration::from_secs(1) && ra <= Duration::from_secs(3),
            "{ra:?}"
        );
    }
    assert_eq!(emu.rate_limited_count(), limited.len() as u64);

    let off = common::emulator().await;
    let c = common::one_shot(&off);
    for _ in 0..30 {
        c.call(conversations::List::new()).await.unwrap();
    }
    assert_eq!(off.rate_limited_count(), 0);
}

/// 200 concurrent callers of a Tier 3 method share one limiter: no 429, and the whole batch
/// takes about what the tier allows.
#[tokio::test]
async fn two_hundred_callers_stay_under_the_limit() {
    // A Tier 3 of 3000/min (50/s) keeps the test short; the shape is Slack's.
    let tiers = [60, 600, 3000, 6000];
    let emu = Emulator::builder()
        .rate_limits(RateLimits::Custom {
            tiers,
            post_message_per_minute: 60,
        })
        .start()
        .await
        .unwrap();
    let client = WebClient::builder()
        .token(emu.bot_token())
        .base_url(emu.base_url())
        .retry_policy(RetryPolicy::none())
        .rate_limiter(Arc::new(InMemoryLimiter::new()))
        .rate_table(RateTable::new(tiers, 60, 3))
        .transport_with_ws(HyperTransport::builder().no_proxy().build().unwrap())
        .build()
        .unwrap();
    let general = emu.channel_id("general").unwrap();
    let started = Instant::now();
    let calls = (0..200).map(|_| {
        let c = client.clone();
        let g = general.clone();
        tokio::spawn(async move { c.call(conversations::History::new(g).limit(1)).await })
    });
    let results = futures_util::future::join_all(calls).await;
    let elapsed = started.elapsed();
    let failures: Vec<_> = results
        .into_iter()
        .map(|r| r.unwrap())
        .filter_map(Result::err)
        .collect();
    assert!(
        failures.is_empty(),
        "{} failures, first: {:?}",
        failures.len(),
        failures.first()
    );
    assert_eq!(emu.rate_limited_count(), 0);
    // 197 calls after the burst, one every 20 ms.
    assert!(
        elapsed >= Duration::from_millis(3_500),
        "{elapsed:?}: faster than the tier allows"
    );
    assert!(elapsed <= Duration::from_secs(20), "{elapsed:?}");
}
