//! Retry properties on virtual time through the mock transport.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use proptest::prelude::*;
use serde_json::json;
use slack_sdk::api::{chat, conversations};
use slack_sdk::core::transport::TransportErrorKind;
use slack_sdk::limiter::InMemoryLimiter;
use slack_sdk::mock::MockTransport;
use slack_sdk::retry::{default_handlers, Idempotency, RetryPolicy};
use slack_sdk::Error;

#[derive(Debug, Clone)]
enum Step {
    Drop,
    Refused,
    Timeout,
    RateLimited(u64),
    RateLimitedBare,
    Status(u16),
    Fatal,
    Ok,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        Just(Step::Drop),
        Just(Step::Refused),
        Just(Step::Timeout),
        (1u64..120).prop_map(Step::RateLimited),
        Just(Step::RateLimitedBare),
        prop_oneof![Just(500u16), Just(502), Just(503), Just(504)].prop_map(Step::Status),
        Just(Step::Fatal),
        Just(Step::Ok),
    ]
}

fn script(mock: &MockTransport, method: &str, steps: &[Step]) {
    for s in steps {
        let r = mock.on(method);
        match s {
            Step::Drop => r.drop_connection(),
            Step::Refused => r.refuse_connection(),
            Step::Timeout => r.timeout(),
            Step::RateLimited(secs) => r.rate_limited(Some(Duration::from_secs(*secs))),
            Step::RateLimitedBare => r.rate_limited(None),
            Step::Status(code) => r.server_error(*code),
            Step::Fatal => r.api_error("fatal_error"),
            Step::Ok => {
                r.respond_json(json!({"ok": true, "channel": "C1", "ts": "1.0", "channels": []}))
            }
        }
    }
    // Anything beyond the script succeeds.
    mock.on(method)
        .always()
        .respond_json(json!({"ok": true, "channel": "C1", "ts": "1.0", "channels": []}));
}

fn client(mock: &MockTransport, policy: RetryPolicy) -> slack_sdk::core::WebClient {
    slack_sdk::core::WebClientBuilder::new()
        .token("xoxb-t")
        .retry_policy(policy)
        .build_with(mock.clone())
        .unwrap()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Attempts never exceed the cap; every wait after a 429 is at least its Retry-After;
    /// the total wait stays within the budget; the same seed gives the same schedule.
    #[test]
    fn reads_respect_cap_retry_after_and_budget(steps in proptest::collection::vec(step(), 0..12), cap in 1u32..8, budget_s in 1u64..600, seed: u64) {
        let policy = || RetryPolicy::new(default_handlers()).max_attempts(cap).budget(Duration::from_secs(budget_s)).seed(seed);
        let run = |steps: &[Step]| {
            let mock = MockTransport::new();
            script(&mock, "conversations.list", steps);
            let res = runtime().block_on(client(&mock, policy()).call(conversations::List::new()));
            (res.is_ok(), mock.clone())
        };
        let (_, mock) = run(&steps);
        let reqs = mock.requests();
        prop_assert!(reqs.len() as u32 <= cap, "{} attempts > cap {}", reqs.len(), cap);
        let sleeps = mock.sleeps();
        prop_assert!(sleeps.iter().sum::<Duration>() <= Duration::from_secs(budget_s));
        for (i, s) in steps.iter().enumerate().take(reqs.len().saturating_sub(1)) {
            if let Step::RateLimited(secs) = s {
                prop_assert!(sleeps[i] >= Duration::from_secs(*secs), "wait {:?} < Retry-After {}", sleeps[i], secs);
            }
        }
        let (_, again) = run(&steps);
        prop_assert_eq!(again.sleeps(), sleeps);
    }

    /// A write is never re-sent after a failure that may have applied it, unless opted in.
    #[test]
    fn writes_are_not_resent_after_outcome_unknown(steps in proptest::collection::vec(step(), 1..10), opt_in: bool) {
        let mut policy = RetryPolicy::new(default_handlers()).max_attempts(10).seed(1);
        if opt_in {
            policy = policy.idempotency("chat.postMessage", Idempotency::Idempotent);
        }
        let mock = MockTransport::new();
        script(&mock, "chat.postMessage", &steps);
        let res = runtime().block_on(client(&mock, policy).call(chat::PostMessage::new("C1").text("x")));
        let sent = mock.requests().len();
        for (i, s) in steps.iter().enumerate().take(sent.saturating_sub(1)) {
            let ambiguous = matches!(s, Step::Drop | Step::Timeout | Step::Status(500 | 502 | 504) | Step::Fatal) || matches!(s, Step::Status(503));
            prop_assert!(opt_in || !ambiguous, "re-sent after step {} ({:?}) of {:?}", i, s, steps);
        }
        if !opt_in {
            // The call ends in OutcomeUnknown exactly when its last attempt may have been
            // applied; the other failures are refusals that left nothing behind.
            let last = steps.get(sent - 1).cloned().unwrap_or(Step::Ok);
            let ambiguous = matches!(last, Step::Drop | Step::Timeout | Step::Status(_) | Step::Fatal);
            let unknown = matches!(&res, Err(Error::OutcomeUnknown { .. }));
            prop_assert_eq!(unknown, ambiguous, "{:?}: {:?}", last, res);
            if let Err(e) = &res {
                prop_assert!(!(e.is_outcome_unknown() && e.is_retryable()));
            }
        }
    }
}

#[test]
fn five_minute_backoff_takes_no_time() {
    let mock = MockTransport::new();
    mock.on("conversations.list")
        .rate_limited(Some(Duration::from_secs(300)));
    mock.on("conversations.list")
        .respond_json(json!({"ok": true, "channels": []}));
    let wall = std::time::Instant::now();
    let c = client(
        &mock,
        RetryPolicy::new(default_handlers()).budget(Duration::from_secs(600)),
    );
    runtime()
        .block_on(c.call(conversations::List::new()))
        .unwrap();
    assert!(mock.elapsed() >= Duration::from_secs(300));
    assert!(wall.elapsed() < Duration::from_secs(5));
}

#[test]
fn connect_failures_of_writes_are_retried() {
    let mock = MockTransport::new();
    mock.on("chat.postMessage")
        .fail(TransportErrorKind::Connect);
    mock.on("chat.postMessage")
        .respond_json(json!({"ok": true, "channel": "C1", "ts": "1.0"}));
    let c = client(&mock, RetryPolicy::new(default_handlers()));
    runtime()
        .block_on(c.call(chat::PostMessage::new("C1").text("x")))
        .unwrap();
    assert_eq!(mock.requests().len(), 2);
}

/// A 429 — or a 200 with `ok:false` `ratelimited` — seen by one caller pauses the method
/// for every caller of the client.
#[test]
fn a_429_pauses_the_bucket_for_everyone() {
    a_refusal_pauses_the_bucket(|mock| {
        mock.on("conversations.list")
            .rate_limited(Some(Duration::from_secs(30)))
    });
    a_refusal_pauses_the_bucket(|mock| {
        let mut r = slack_sdk::core::transport::HttpResponse::new(
            http::StatusCode::OK,
            r#"{"ok":false,"error":"ratelimited"}"#,
        );
        r.headers
            .insert(http::header::RETRY_AFTER, "30".parse().unwrap());
        mock.on("conversations.list").respond(r)
    });
}

fn a_refusal_pauses_the_bucket(refuse: impl Fn(&MockTransport)) {
    let mock = MockTransport::new();
    refuse(&mock);
    mock.on("conversations.list")
        .always()
        .respond_json(json!({"ok": true, "channels": []}));
    let c = slack_sdk::core::WebClientBuilder::new()
        .token("xoxb-t")
        .retry_policy(RetryPolicy::none())
        .rate_limiter(Arc::new(InMemoryLimiter::new()))
        .build_with(mock.clone())
        .unwrap();
    let rt = runtime();
    let e = rt.block_on(c.call(conversations::List::new())).unwrap_err();
    assert!(matches!(e, Error::RateLimited { .. }));
    let other = c.clone();
    rt.block_on(other.call(conversations::List::new())).unwrap();
    let reqs = mock.requests();
    assert!(
        reqs[1].at - reqs[0].at >= Duration::from_secs(30),
        "{:?}",
        reqs[1].at - reqs[0].at
    );
}

/// Reconciliation on virtual time: after an unknown outcome the client waits `settle` on
/// the client's timer, reads the history back to the window's start page by page, and,
/// finding nothing, sends again with the same key.
#[test]
fn reconciliation_pages_the_lookup_and_resends_with_the_same_key() {
    use slack_sdk::reconcile::{Reconcile, Reconciled, IDEMPOTENCY_KEY_FIELD};
    let mock = MockTransport::new();
    mock.on("chat.postMessage").drop_connection();
    mock.on("conversations.history").respond_json(json!({
        "ok": true, "messages": [{"ts": "2.0", "text": "someone else's"}],
        "response_metadata": {"next_cursor": "older"}
    }));
    mock.on("conversations.history").respond_json(
        json!({"ok": true, "messages": [], "response_metadata": {"next_cursor": ""}}),
    );
    mock.on("chat.postMessage")
        .respond_json(json!({"ok": true, "channel": "C1", "ts": "3.0"}));
    let c = slack_sdk::core::WebClientBuilder::new()
        .token("xoxb-t")
        .retry_policy(RetryPolicy::new(default_handlers()).seed(1))
        .reconcile(Reconcile::on())
        .build_with(mock.clone())
        .unwrap();
    let posted = runtime()
        .block_on(c.call(chat::PostMessage::new("C1").text("x")))
        .unwrap();
    assert_eq!(posted.raw().reconciled(), Some(Reconciled::Resent));
    assert_eq!(posted.ts, "3.0");
    let reqs = mock.requests();
    let names: Vec<_> = reqs.iter().map(|r| r.method_name.clone()).collect();
    assert_eq!(
        names,
        [
            "chat.postMessage",
            "conversations.history",
            "conversations.history",
            "chat.postMessage"
        ]
    );
    assert_eq!(
        mock.sleeps(),
        [Duration::from_secs(1)],
        "settle, on the client's timer"
    );
    assert_eq!(reqs[1].arg("include_all_metadata").as_deref(), Some("true"));
    assert!(reqs[1].arg("oldest").is_some_and(|t| t.contains('.')));
    assert_eq!(reqs[1].arg("cursor"), None);
    assert_eq!(reqs[2].arg("cursor").as_deref(), Some("older"));
    let key = |i: usize| {
        let md: serde_json::Value =
            serde_json::from_str(&reqs[i].arg("metadata").unwrap()).unwrap();
        md["event_payload"][IDEMPOTENCY_KEY_FIELD]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(key(0), key(3), "the re-send carries the same key");
    assert_eq!(key(0).len(), 32);
}
