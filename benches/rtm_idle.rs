//! Memory of idle RTM connections: N `RtmClient`s connected to one emulator.
//!
//! ```sh
//! cargo run --release -p slack-emulator -- --rate-limits off --port 38200 &
//! cargo bench --bench rtm_idle -- --url http://127.0.0.1:38200/api/ --token xoxb-38200-emulator-bot --n 10000 --emu-pid $!
//! ```
//! Without `--url` the emulator runs in-process (then the figure covers both ends).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use slack_rtm::{RtmClient, RtmOptions};
use slack_sdk::transport::hyper::HyperTransport;
use slack_sdk::{RetryPolicy, WebClient};

fn rss_kib(pid: &str) -> u64 {
    common::proc_status_kib(pid, "VmRSS:")
}

fn main() {
    let mut url = None;
    let mut token = None;
    let mut n = 1000usize;
    let mut emu_pid = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--url" => url = args.next(),
            "--token" => token = args.next(),
            "--n" => n = args.next().and_then(|s| s.parse().ok()).unwrap_or(n),
            "--emu-pid" => emu_pid = args.next(),
            _ => {}
        }
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let mut _emu = None;
        let (base, token) = match (url, token) {
            (Some(u), Some(t)) => (u, t),
            _ => {
                let e = slack_emulator::Emulator::start().await.unwrap();
                let bt = (e.base_url(), e.bot_token());
                _emu = Some(e);
                bt
            }
        };
        let web = WebClient::builder()
            .token(token)
            .base_url(base)
            .retry_policy(RetryPolicy::none())
            .transport_with_ws(HyperTransport::builder().no_proxy().build().unwrap())
            .build()
            .unwrap();
        let opened = Arc::new(AtomicUsize::new(0));
        let before = rss_kib("self");
        let emu_before = emu_pid.as_deref().map(rss_kib);
        let started = Instant::now();
        let mut clients = Vec::with_capacity(n);
        for _ in 0..n {
            let mut o = RtmOptions::default();
            o.seed = Some(1);
            let rtm = Arc::new(RtmClient::with_options(web.clone(), o));
            let opened = opened.clone();
            rtm.on("hello", move |_c, _e| {
                let opened = opened.clone();
                async move {
                    opened.fetch_add(1, Ordering::Relaxed);
                }
            });
            let r = rtm.clone();
            tokio::spawn(async move { r.start().await });
            clients.push(rtm);
        }
        while opened.load(Ordering::Relaxed) < n {
            assert!(
                started.elapsed() < Duration::from_secs(300),
                "only {} connected",
                opened.load(Ordering::Relaxed)
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // Let buffers settle.
        tokio::time::sleep(Duration::from_secs(2)).await;
        let after = rss_kib("self");
        println!(
            "{n} idle RTM connections open in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        println!(
            "client process: {} KiB more, {:.1} KiB per connection",
            after - before,
            (after - before) as f64 / n as f64
        );
        if let (Some(pid), Some(b)) = (emu_pid.as_deref(), emu_before) {
            let a = rss_kib(pid);
            println!(
                "emulator process: {} KiB more, {:.1} KiB per connection",
                a.saturating_sub(b),
                a.saturating_sub(b) as f64 / n as f64
            );
        }
        for c in &clients {
            c.handle().stop();
        }
    });
}
