//! The proactive limiter inside the call's bounds: its wait counts against the time budget,
//! a 429 reaches callers already waiting, and a dropped call gives its slot back. All on
//! the mock transport's virtual clock.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use slack_sdk::api::chat;
use slack_sdk::limiter::{InMemoryLimiter, RateTable};
use slack_sdk::mock::{MockTransport, VirtualClock};
use slack_sdk::retry::RetryPolicy;
use slack_sdk::{Args, Error};

fn client(mock: &MockTransport, policy: RetryPolicy) -> slack_sdk::core::WebClient {
    slack_sdk::core::WebClientBuilder::new()
        .token("xoxb-t")
        .retry_policy(policy)
        .rate_limiter(Arc::new(InMemoryLimiter::new()))
        // chat.postMessage: one per second per channel, no burst.
        .rate_table(RateTable::new([1, 20, 50, 100], 60, 1))
        .build_with(mock.clone())
        .unwrap()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
}

/// A Tier 1 method (one call a minute) under a 10 s budget: the second call fails at once
/// with `RateLimitWait`, sends nothing and sleeps not at all; its slot is given back, so the
/// third call is told the same wait, not twice as long.
#[test]
fn a_tier_one_wait_past_the_budget_fails_before_sending() {
    let mock = MockTransport::new();
    mock.on("rtm.connect")
        .always()
        .respond_json(json!({"ok": true, "url": "wss://x"}));
    let c = client(&mock, RetryPolicy::none().budget(Duration::from_secs(10)));
    let rt = runtime();
    rt.block_on(c.api_call("rtm.connect", Args::new())).unwrap();
    for _ in 0..2 {
        let e = rt
            .block_on(c.api_call("rtm.connect", Args::new()))
            .unwrap_err();
        match &e {
            Error::RateLimitWait {
                wait, remaining, ..
            } => {
                assert_eq!(*wait, Duration::from_secs(60));
                assert_eq!(*remaining, Duration::from_secs(10));
            }
            other => panic!("{other:?}"),
        }
        assert!(!e.maybe_sent());
        assert_eq!(e.retry_after(), Some(Duration::from_secs(60)));
    }
    assert_eq!(mock.request_count(), 1);
    assert_eq!(mock.elapsed(), Duration::ZERO);
    // Without a budget the call waits for its slot.
    let patient = client(&mock, RetryPolicy::none());
    rt.block_on(patient.api_call("rtm.connect", Args::new()))
        .unwrap();
}

/// A wait within the budget shortens the attempt's timeout by the time spent waiting.
#[test]
fn the_wait_is_taken_from_the_attempt_timeout() {
    let mock = MockTransport::new();
    mock.on("chat.postMessage")
        .always()
        .respond_json(json!({"ok": true, "channel": "C0123ABCD", "ts": "1.0"}));
    let c = client(&mock, RetryPolicy::none().budget(Duration::from_secs(10)));
    let rt = runtime();
    for _ in 0..4 {
        rt.block_on(c.call(chat::PostMessage::new("C0123ABCD").text("hi")))
            .unwrap();
    }
    let reqs = mock.requests();
    assert_eq!(reqs[3].at, Duration::from_secs(3));
    // Each call waited 1 s of its own 10 s for its slot (calls run one after the other).
    assert_eq!(reqs[3].timeout, Some(Duration::from_secs(9)));
}

async fn settle() {
    for _ in 0..200 {
        tokio::task::yield_now().await;
    }
}

/// Three posts to one channel at once: slots at 0 s, 1 s and 2 s. The second gets a 429
/// asking for 30 s; the third, already asleep until 2 s, must not send before 31 s.
#[test]
fn a_429_reaches_callers_already_waiting() {
    let clock = VirtualClock::manual();
    let mock = MockTransport::with_clock(clock.clone());
    let ok = json!({"ok": true, "channel": "C0123ABCD", "ts": "1.0"});
    mock.on("chat.postMessage").respond_json(ok.clone());
    mock.on("chat.postMessage")
        .rate_limited(Some(Duration::from_secs(30)));
    mock.on("chat.postMessage").always().respond_json(ok);
    let c = client(&mock, RetryPolicy::none());
    let rt = runtime();
    rt.block_on(async {
        let tasks: Vec<_> = (0..3)
            .map(|i| {
                let c = c.clone();
                tokio::spawn(async move {
                    c.call(chat::PostMessage::new("C0123ABCD").text(format!("m{i}")))
                        .await
                })
            })
            .collect();
        for _ in 0..100 {
            settle().await;
            if tasks.iter().all(|t| t.is_finished()) {
                break;
            }
            clock.advance_to_next_wake();
        }
        let mut results = Vec::new();
        for t in tasks {
            results.push(t.await.unwrap());
        }
        assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 2);
        assert!(results
            .iter()
            .any(|r| matches!(r, Err(Error::RateLimited { .. }))));
    });
    let at: Vec<Duration> = mock.requests().iter().map(|r| r.at).collect();
    assert_eq!(at[..2], [Duration::ZERO, Duration::from_secs(1)]);
    assert!(at[2] >= Duration::from_secs(31), "{at:?}");
}

/// A call dropped while it waits for its slot gives the slot back: the next caller gets it.
#[test]
fn a_dropped_call_does_not_keep_its_slot() {
    let clock = VirtualClock::manual();
    let mock = MockTransport::with_clock(clock.clone());
    mock.on("chat.postMessage")
        .always()
        .respond_json(json!({"ok": true, "channel": "C0123ABCD", "ts": "1.0"}));
    let c = client(&mock, RetryPolicy::none());
    let rt = runtime();
    rt.block_on(async {
        c.call(chat::PostMessage::new("C0123ABCD").text("first"))
            .await
            .unwrap();
        // Reserves the slot at 1 s, then is dropped while asleep.
        let c2 = c.clone();
        let waiting = tokio::spawn(async move {
            c2.call(chat::PostMessage::new("C0123ABCD").text("dropped"))
                .await
        });
        settle().await;
        waiting.abort();
        settle().await;
        let c3 = c.clone();
        let next = tokio::spawn(async move {
            c3.call(chat::PostMessage::new("C0123ABCD").text("next"))
                .await
        });
        settle().await;
        clock.advance_to_next_wake();
        settle().await;
        next.await.unwrap().unwrap();
    });
    let at: Vec<Duration> = mock.requests().iter().map(|r| r.at).collect();
    assert_eq!(at, [Duration::ZERO, Duration::from_secs(1)]);
}

/// `ok:false` with `ratelimited` (HTTP 200) pauses the key like a 429 does.
#[test]
fn a_ratelimited_body_pauses_like_a_429() {
    let mock = MockTransport::new();
    mock.on("chat.postMessage")
        .respond_json(json!({"ok": false, "error": "ratelimited"}));
    mock.on("chat.postMessage")
        .always()
        .respond_json(json!({"ok": true, "channel": "C0123ABCD", "ts": "1.0"}));
    let c = client(&mock, RetryPolicy::none());
    let rt = runtime();
    let e = rt
        .block_on(c.call(chat::PostMessage::new("C0123ABCD").text("a")))
        .unwrap_err();
    assert!(e.is_rate_limited(), "{e:?}");
    rt.block_on(c.call(chat::PostMessage::new("C0123ABCD").text("b")))
        .unwrap();
    let at: Vec<Duration> = mock.requests().iter().map(|r| r.at).collect();
    // No Retry-After on a body: one second, like a bare 429.
    assert!(at[1] >= Duration::from_secs(1), "{at:?}");
}
