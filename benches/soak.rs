//! Soak (issue 12, "Prove it"): an RTM client and a Web API client against the in-process
//! emulator for `--secs N` (default 600) while faults are injected at random, then checks:
//!
//! - no panic (a panic anywhere aborts the run with a non-zero exit);
//! - no message posted twice: every send carries a unique text (`w<n>` for the Web API,
//!   `r<n>` for RTM), and the emulator's stored messages are counted by that key;
//! - every send resolved: Ok, or an error the caller can classify (counted per kind), each
//!   within a deadline (60 s); an Ok send is stored exactly once;
//! - memory flat: VmRSS sampled every 10 s, first/last/max printed.
//!
//! So that the emulator's own state does not grow for ten minutes, every `--harvest` seconds
//! (default 30) the senders pause at a call boundary, faults are cleared, the stored messages
//! are counted and the workspace is reset (ids, tokens and the RTM connection stay).
//!
//! ```sh
//! cargo bench --bench soak -- --secs 600
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use slack_emulator::{Emulator, Fault, FaultRule};
use slack_rtm::{RtmClient, RtmOptions, SendError};
use slack_sdk::api::{chat, conversations, users};
use slack_sdk::reconcile::Reconcile;
use slack_sdk::transport::hyper::HyperTransport;
use slack_sdk::{Error, WebClient};
use tokio::sync::Notify;

/// A send that has not resolved by then counts as unresolved (a failure of the soak).
const RESOLVE_DEADLINE: Duration = Duration::from_secs(60);

struct Opts {
    secs: u64,
    harvest: u64,
    seed: u64,
}

fn opts() -> Opts {
    let mut o = Opts {
        secs: 600,
        harvest: 30,
        seed: 12,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut num = |d: u64| args.next().and_then(|s| s.parse().ok()).unwrap_or(d);
        match a.as_str() {
            "--secs" => o.secs = num(o.secs),
            "--harvest" => o.harvest = num(o.harvest).max(1),
            "--seed" => o.seed = num(o.seed),
            _ => {}
        }
    }
    o
}

/// SplitMix64, enough to pick faults.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % n.max(1)
    }
}

/// A count per key, keys `w<n>` and `r<n>` as indexes (one byte each).
#[derive(Default)]
struct Counts {
    web: Vec<u8>,
    rtm: Vec<u8>,
}

impl Counts {
    fn slot(&mut self, key: &str) -> Option<&mut u8> {
        let (list, n) = match key.split_at_checked(1)? {
            ("w", n) => (&mut self.web, n),
            ("r", n) => (&mut self.rtm, n),
            _ => return None,
        };
        let n: usize = n.parse().ok()?;
        if list.len() <= n {
            list.resize(n + 1024, 0);
        }
        list.get_mut(n)
    }

    fn add(&mut self, key: &str) -> bool {
        match self.slot(key) {
            Some(c) => {
                *c = c.saturating_add(1);
                true
            }
            None => false,
        }
    }

    fn get(&self, prefix: &str, n: usize) -> u8 {
        let list = if prefix == "w" { &self.web } else { &self.rtm };
        list.get(n).copied().unwrap_or(0)
    }

    /// Every key with a non-zero count, with it.
    fn keys(&self) -> impl Iterator<Item = (String, u8)> + '_ {
        let w = self
            .web
            .iter()
            .enumerate()
            .map(|(i, c)| (format!("w{i}"), *c));
        let r = self
            .rtm
            .iter()
            .enumerate()
            .map(|(i, c)| (format!("r{i}"), *c));
        w.chain(r).filter(|(_, c)| *c > 0)
    }
}

/// What the senders record: outcome kind → count, and the outcome per key.
#[derive(Default)]
struct Tally {
    kinds: BTreeMap<String, u64>,
    /// Keys whose send returned Ok (must be stored exactly once), one flag per number so
    /// the bookkeeping does not itself grow the memory being measured.
    ok_keys: Counts,
    unresolved: u64,
}

impl Tally {
    fn add(&mut self, kind: String) {
        *self.kinds.entry(kind).or_default() += 1;
    }
}

/// Pausing the senders at call boundaries, for harvests.
#[derive(Default)]
struct Gate {
    paused: AtomicBool,
    in_flight: AtomicU64,
    resumed: Notify,
}

impl Gate {
    async fn enter(&self) {
        loop {
            let resumed = self.resumed.notified();
            if !self.paused.load(Ordering::SeqCst) {
                self.in_flight.fetch_add(1, Ordering::SeqCst);
                if !self.paused.load(Ordering::SeqCst) {
                    return;
                }
                self.in_flight.fetch_sub(1, Ordering::SeqCst);
            }
            resumed.await;
        }
    }

    fn leave(&self) {
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
    }

    async fn pause(&self) {
        self.paused.store(true, Ordering::SeqCst);
        while self.in_flight.load(Ordering::SeqCst) > 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    fn resume(&self) {
        self.paused.store(false, Ordering::SeqCst);
        self.resumed.notify_waiters();
    }
}

/// The coarse kind of a Web API error: its variant and what it tells the caller.
fn web_kind(e: &Error) -> String {
    let variant: String = format!("{e:?}")
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if e.is_outcome_unknown() {
        // An unknown outcome must never invite a blind re-send.
        assert!(
            !e.is_retryable() && e.retry_after().is_none(),
            "an unknown outcome invites a re-send: {e:?}"
        );
        return "web.err.outcome_unknown".into();
    }
    match e.api_code() {
        Some(code) => format!("web.err.{variant}.{code}"),
        None => format!("web.err.{variant}"),
    }
}

fn rtm_kind(e: &SendError) -> String {
    let variant: String = format!("{e:?}")
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    format!("rtm.err.{variant}")
}

/// A random fault for a Web API method.
fn web_fault(rng: &mut Rng) -> Fault {
    match rng.below(15) {
        0 => Fault::DropBeforeResponse,
        1 => Fault::DropAfterApply,
        2 => Fault::status(500),
        3 => Fault::status(502),
        4 => Fault::Status {
            status: 503,
            retry_after: Some(1),
        },
        5 => Fault::status(504),
        6 => Fault::rate_limited(Some(1)),
        7 => Fault::rate_limited(None),
        8 => Fault::api_error("fatal_error"),
        9 => Fault::api_error("internal_error"),
        10 => Fault::api_error("ratelimited"),
        11 => Fault::TruncatedJson,
        12 => Fault::HtmlErrorPage,
        13 => Fault::SlowBody(Duration::from_secs(3)),
        _ => Fault::Delay(Duration::from_millis(300)),
    }
}

fn main() {
    let o = opts();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let ok = rt.block_on(run(o));
    rt.shutdown_timeout(Duration::from_secs(5));
    if !ok {
        std::process::exit(1);
    }
}

async fn run(o: Opts) -> bool {
    // A panic on any task is a failure of the soak, not a silently dead task.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        default_hook(info);
        eprintln!("soak: PANIC, aborting");
        std::process::exit(101);
    }));

    let emu = Arc::new(Emulator::start().await.expect("emulator"));
    let general = emu.channel_id("general").expect("seeded #general");
    let transport = || HyperTransport::builder().no_proxy().build().unwrap();
    // The Web API client: reconciliation on, so a write whose outcome is unknown is looked
    // up before it is re-sent; a 2 s budget per attempt's worth of waiting.
    let web = WebClient::builder()
        .token(emu.bot_token())
        .base_url(emu.base_url())
        .timeout(Duration::from_secs(2))
        .reconcile(Reconcile::on())
        .transport_with_ws(transport())
        .build()
        .unwrap();
    // The RTM client has its own Web API client (for rtm.connect), default settings.
    let rtm_web = WebClient::builder()
        .token(emu.bot_token())
        .base_url(emu.base_url())
        .transport_with_ws(transport())
        .build()
        .unwrap();
    let rtm = Arc::new(RtmClient::with_options(
        rtm_web,
        RtmOptions::default()
            .ping_interval(Duration::from_secs(1))
            .ack_timeout(Duration::from_secs(5))
            .max_backoff(Duration::from_secs(5))
            .seed(o.seed),
    ));
    let events = Arc::new(AtomicU64::new(0));
    {
        let events = events.clone();
        rtm.on("*", move |_ctx, _ev| {
            let events = events.clone();
            async move {
                events.fetch_add(1, Ordering::Relaxed);
            }
        });
    }
    let rtm_task = {
        let rtm = rtm.clone();
        tokio::spawn(async move { rtm.start().await })
    };
    tokio::time::timeout(Duration::from_secs(10), rtm.wait_open())
        .await
        .expect("RTM opens")
        .expect("RTM opens");

    let started = Instant::now();
    let end = started + Duration::from_secs(o.secs);
    let tally = Arc::new(Mutex::new(Tally::default()));
    let gate = Arc::new(Gate::default());
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();

    // Web writer: chat.postMessage with a unique text.
    {
        let (web, general, tally, gate, stop) = (
            web.clone(),
            general.clone(),
            tally.clone(),
            gate.clone(),
            stop.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut n = 0u64;
            while !stop.load(Ordering::SeqCst) {
                gate.enter().await;
                n += 1;
                let key = format!("w{n}");
                let call = web.call(chat::PostMessage::new(&general).text(&key));
                let kind = match tokio::time::timeout(RESOLVE_DEADLINE, call).await {
                    Ok(Ok(r)) => {
                        tally.lock().unwrap().ok_keys.add(&key);
                        match r.raw().reconciled() {
                            Some(how) => format!("web.ok.reconciled.{how:?}"),
                            None => "web.ok".into(),
                        }
                    }
                    Ok(Err(e)) => web_kind(&e),
                    Err(_) => {
                        tally.lock().unwrap().unresolved += 1;
                        "web.unresolved".into()
                    }
                };
                tally.lock().unwrap().add(kind);
                gate.leave();
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }));
    }
    // Web reader: idempotent reads.
    {
        let (web, general, tally, gate, stop) = (
            web.clone(),
            general.clone(),
            tally.clone(),
            gate.clone(),
            stop.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut i = 0u64;
            while !stop.load(Ordering::SeqCst) {
                gate.enter().await;
                i += 1;
                let res = if i.is_multiple_of(2) {
                    let c = web.call(conversations::History::new(&general).limit(20));
                    tokio::time::timeout(RESOLVE_DEADLINE, async { c.await.map(|_| ()) }).await
                } else {
                    let c = web.call(users::List::new().limit(50));
                    tokio::time::timeout(RESOLVE_DEADLINE, async { c.await.map(|_| ()) }).await
                };
                let kind = match res {
                    Ok(Ok(())) => "read.ok".to_string(),
                    Ok(Err(e)) => format!("read.{}", web_kind(&e).trim_start_matches("web.")),
                    Err(_) => {
                        tally.lock().unwrap().unresolved += 1;
                        "read.unresolved".into()
                    }
                };
                tally.lock().unwrap().add(kind);
                gate.leave();
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }));
    }
    // RTM sender: messages with a unique text, each waiting for its ack.
    {
        let (handle, general, tally, gate, stop) = (
            rtm.handle(),
            general.clone(),
            tally.clone(),
            gate.clone(),
            stop.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut n = 0u64;
            while !stop.load(Ordering::SeqCst) {
                gate.enter().await;
                n += 1;
                let key = format!("r{n}");
                let send = handle.send_message(&general, &key);
                let kind = match tokio::time::timeout(RESOLVE_DEADLINE, send).await {
                    Ok(Ok(_ack)) => {
                        tally.lock().unwrap().ok_keys.add(&key);
                        "rtm.ok".to_string()
                    }
                    Ok(Err(e)) => rtm_kind(&e),
                    Err(_) => {
                        tally.lock().unwrap().unresolved += 1;
                        "rtm.unresolved".into()
                    }
                };
                let not_open = kind == "rtm.err.NotOpen";
                tally.lock().unwrap().add(kind);
                gate.leave();
                if not_open {
                    // Not connected: give the reconnect a moment instead of spinning.
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }));
    }
    // Fault injector.
    let injected = Arc::new(AtomicU64::new(0));
    {
        let (emu, stop, injected) = (emu.clone(), stop.clone(), injected.clone());
        let mut rng = Rng(o.seed);
        tasks.push(tokio::spawn(async move {
            let methods = [
                "chat.postMessage",
                "chat.postMessage",
                "conversations.history",
                "users.list",
                "rtm.connect",
            ];
            while !stop.load(Ordering::SeqCst) {
                tokio::time::sleep(Duration::from_millis(200 + rng.below(800))).await;
                injected.fetch_add(1, Ordering::Relaxed);
                match rng.below(10) {
                    0 => emu.rtm_goodbye(),
                    1 => emu.rtm_close(1011, "soak"),
                    2 => {
                        emu.rtm_ping_silence(true);
                        tokio::time::sleep(Duration::from_millis(500 + rng.below(4000))).await;
                        emu.rtm_ping_silence(false);
                    }
                    _ => {
                        let method = methods[rng.below(methods.len() as u64) as usize];
                        let fault = web_fault(&mut rng);
                        let times = 1 + rng.below(3) as u32;
                        emu.inject(FaultRule::new(method, fault).times(times));
                    }
                }
            }
        }));
    }

    // Sampling, harvests, and the end.
    let mut counts = Counts::default();
    let mut harvested = 0u64;
    let mut rss = vec![common::proc_status_kib("self", "VmRSS:")];
    println!(
        "soak: {} s, harvest every {} s, seed {}; RSS {} KiB at start",
        o.secs, o.harvest, o.seed, rss[0]
    );
    let mut next_sample = started + Duration::from_secs(10);
    let mut next_harvest = started + Duration::from_secs(o.harvest);
    loop {
        let now = Instant::now();
        if now >= end {
            break;
        }
        let wake = next_sample.min(next_harvest).min(end);
        tokio::time::sleep(wake.saturating_duration_since(now)).await;
        if Instant::now() >= next_harvest {
            harvested += harvest(&emu, &general, &gate, &mut counts).await;
            next_harvest += Duration::from_secs(o.harvest);
        }
        if Instant::now() >= next_sample {
            let kib = common::proc_status_kib("self", "VmRSS:");
            rss.push(kib);
            let t = tally.lock().unwrap();
            let sends: u64 = t.kinds.values().sum();
            println!(
                "t={:>4}s rss={kib} KiB calls={sends} stored={harvested} rtm_events={} faults={}",
                started.elapsed().as_secs(),
                events.load(Ordering::Relaxed),
                injected.load(Ordering::Relaxed),
            );
            next_sample += Duration::from_secs(10);
        }
    }
    stop.store(true, Ordering::SeqCst);
    gate.resume();
    for t in tasks {
        let _ = tokio::time::timeout(RESOLVE_DEADLINE * 2, t).await;
    }
    harvested += harvest(&emu, &general, &gate, &mut counts).await;
    rtm.handle().stop();
    let rtm_end = tokio::time::timeout(Duration::from_secs(10), rtm_task).await;

    // ===== checks =====
    let t = tally.lock().unwrap();
    let twice: Vec<_> = counts.keys().filter(|(_, n)| *n > 1).collect();
    let distinct = counts.keys().count();
    let ok_missing: Vec<_> = t
        .ok_keys
        .keys()
        .filter(|(k, _)| {
            let (prefix, n) = k.split_at(1);
            counts.get(prefix, n.parse().unwrap_or(0)) != 1
        })
        .map(|(k, _)| k)
        .collect();
    let last = *rss.last().unwrap_or(&0);
    let max = rss.iter().copied().max().unwrap_or(0);
    // Flat: after the first minute, RSS grows by less than 25% (allocator noise, pools).
    let warm = rss.get(6).copied().unwrap_or(rss[0]);
    let flat = last <= warm + warm / 4;
    println!("---");
    println!("duration: {} s", started.elapsed().as_secs());
    for (k, n) in &t.kinds {
        println!("  {k:<48} {n}");
    }
    println!(
        "sends/calls: {}, unresolved: {}, faults injected: {}, rtm events handled: {}",
        t.kinds.values().sum::<u64>(),
        t.unresolved,
        injected.load(Ordering::Relaxed),
        events.load(Ordering::Relaxed)
    );
    println!(
        "messages stored: {harvested} ({} distinct keys), stored twice: {}, Ok sends not stored exactly once: {}",
        distinct,
        twice.len(),
        ok_missing.len()
    );
    println!(
        "VmRSS KiB: first {} / after 60 s {warm} / last {last} / max {max} ({} samples)",
        rss[0],
        rss.len()
    );
    println!(
        "rtm client ended: {}",
        match &rtm_end {
            Ok(Ok(Ok(()))) => "cleanly".to_string(),
            other => format!("{other:?}"),
        }
    );
    for (k, n) in twice.iter().take(10) {
        println!("  TWICE: {k} stored {n} times");
    }
    for k in ok_missing.iter().take(10) {
        println!("  OK BUT NOT STORED ONCE: {k}");
    }
    let pass = twice.is_empty() && ok_missing.is_empty() && t.unresolved == 0 && flat;
    println!(
        "soak: {} (no panic; duplicates {}; unresolved {}; memory {})",
        if pass { "PASS" } else { "FAIL" },
        twice.len(),
        t.unresolved,
        if flat { "flat" } else { "GREW" }
    );
    pass
}

/// Pause the senders, clear faults, count the stored messages by key, reset the workspace,
/// resume. Returns how many messages were counted.
async fn harvest(emu: &Emulator, general: &str, gate: &Gate, counts: &mut Counts) -> u64 {
    gate.pause().await;
    emu.clear_faults();
    // Let applies already on their way land (RTM frames in flight, slow bodies).
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mut n = 0;
    for m in emu.messages(general) {
        if let Some(text) = m.get("text").and_then(|t| t.as_str()) {
            if counts.add(text) {
                n += 1;
            }
        }
    }
    emu.reset();
    gate.resume();
    n
}
