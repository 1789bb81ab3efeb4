//! Proactive rate limiting: wait for a slot instead of hitting Slack's 429.
//!
//! A [`RateLimiter`] is shared by every clone of a client. Before each attempt the driver asks
//! it for a slot for the call's [`LimitKey`] (the method, and the channel for
//! `chat.postMessage`); the limiter answers how long to wait. Slots are handed out in request
//! order (first come, first served), so waiting callers are served fairly. When Slack answers
//! 429 anyway, [`RateLimiter::pause`] stops every caller of that key until `Retry-After` has
//! passed, not only the one that got it.
//!
//! [`InMemoryLimiter`] implements it for one process with the generic cell rate algorithm
//! (GCRA) per key. The trait is async so that a shared store (Redis, for bots running on many
//! machines) can implement it.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::method::{MethodInfo, RateTier};
use crate::request::Args;
use crate::transport::BoxFuture;

/// What a rate limit applies to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LimitKey {
    /// The method.
    pub method: String,
    /// The channel, for limits per channel (`chat.postMessage`).
    pub channel: Option<String>,
}

impl LimitKey {
    /// The key for a call of `info` with `args`.
    pub fn for_call(info: &MethodInfo, args: &Args) -> LimitKey {
        let channel = if info.name == "chat.postMessage" {
            args.get("channel")
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        } else {
            None
        };
        LimitKey {
            method: info.name.to_owned(),
            channel,
        }
    }
}

/// A sustained rate with a burst allowance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// Time between two calls at the sustained rate.
    pub interval: Duration,
    /// Calls allowed back to back before the sustained rate applies (at least 1).
    pub burst: u32,
}

impl Rate {
    /// `n` calls per minute with a burst of `burst`.
    pub fn per_minute(n: u32, burst: u32) -> Rate {
        Rate {
            interval: Duration::from_secs(60) / n.max(1),
            burst: burst.max(1),
        }
    }

    /// The rate [`RateTable::slack`] gives `info`.
    pub fn for_method(info: &MethodInfo) -> Option<Rate> {
        RateTable::slack().rate(info)
    }
}

/// The allowance per method tier that a limiter paces calls to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateTable {
    /// Calls per minute for tiers 1 to 4.
    pub tiers_per_minute: [u32; 4],
    /// `chat.postMessage` calls per minute per channel.
    pub post_message_per_minute: u32,
    /// Calls allowed back to back before the sustained rate applies (capped by each tier's
    /// per-minute allowance).
    pub burst: u32,
}

impl Default for RateTable {
    fn default() -> Self {
        RateTable::slack()
    }
}

impl RateTable {
    /// Slack's documented tiers: Tier 1 1/min, Tier 2 20/min, Tier 3 50/min, Tier 4
    /// 100/min; `chat.postMessage` 1 per second per channel; bursts of 3. Slack tolerates
    /// short bursts above these; staying under them keeps 429s away.
    pub fn slack() -> Self {
        RateTable {
            tiers_per_minute: [1, 20, 50, 100],
            post_message_per_minute: 60,
            burst: 3,
        }
    }

    /// Custom allowances (for example a Slack emulator configured with other limits).
    pub fn new(tiers_per_minute: [u32; 4], post_message_per_minute: u32, burst: u32) -> Self {
        RateTable {
            tiers_per_minute,
            post_message_per_minute,
            burst,
        }
    }

    /// The pace for `info`; `None` when its tier gives no number (special limits).
    pub fn rate(&self, info: &MethodInfo) -> Option<Rate> {
        let n = if info.name == "chat.postMessage" {
            self.post_message_per_minute
        } else {
            match info.tier {
                RateTier::Tier1 => self.tiers_per_minute[0],
                RateTier::Tier2 => self.tiers_per_minute[1],
                RateTier::Tier3 => self.tiers_per_minute[2],
                RateTier::Tier4 => self.tiers_per_minute[3],
                RateTier::Special(_) | RateTier::Unknown => return None,
            }
        };
        Some(Rate::per_minute(n, self.burst.min(n)))
    }
}

/// Hands out call slots. Shared by all clones of a client.
pub trait RateLimiter: Send + Sync + fmt::Debug {
    /// How long to wait before calling `key` at `now`. Reserves the slot: the caller must
    /// wait that long and then call.
    fn acquire(&self, key: &LimitKey, rate: Rate, now: Instant) -> BoxFuture<'_, Duration>;

    /// Slack answered 429: nobody calls `key` before `until`.
    fn pause(&self, key: &LimitKey, rate: Rate, until: Instant);
}

/// The generic cell rate algorithm for one key: the sans-IO heart of [`InMemoryLimiter`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gcra {
    /// Theoretical arrival time of the next call at the sustained rate.
    tat: Option<Instant>,
}

impl Default for Gcra {
    fn default() -> Self {
        Gcra::new()
    }
}

impl Gcra {
    /// An idle cell.
    pub fn new() -> Self {
        Gcra { tat: None }
    }

    /// Reserve the next slot at or after `now`; returns when it starts.
    pub fn reserve(&mut self, rate: Rate, now: Instant) -> Instant {
        let tau = rate.interval * (rate.burst.saturating_sub(1));
        let tat = self.tat.map_or(now, |t| t.max(now));
        let start = tat.checked_sub(tau).map_or(now, |s| s.max(now));
        self.tat = Some(tat + rate.interval);
        start
    }

    /// Admit a call at `now` only if it conforms to `rate` (the burst is not used up):
    /// `Ok` counts it, `Err` says how long until one would conform and counts nothing.
    ///
    /// This is the policing form of the algorithm, for a server answering 429 (the Slack
    /// emulator); [`reserve`](Self::reserve) is the shaping form, for a client that waits.
    pub fn try_admit(&mut self, rate: Rate, now: Instant) -> Result<(), Duration> {
        let tau = rate.interval * (rate.burst.saturating_sub(1));
        let tat = self.tat.map_or(now, |t| t.max(now));
        if let Some(allowed_at) = tat.checked_sub(tau) {
            if allowed_at > now {
                return Err(allowed_at - now);
            }
        }
        self.tat = Some(tat + rate.interval);
        Ok(())
    }

    /// No slot starts before `until`.
    pub fn pause(&mut self, rate: Rate, until: Instant) {
        let tau = rate.interval * (rate.burst.saturating_sub(1));
        let floor = until + tau;
        self.tat = Some(self.tat.map_or(floor, |t| t.max(floor)));
    }
}

/// A [`RateLimiter`] for one process.
#[derive(Debug, Default)]
pub struct InMemoryLimiter {
    cells: Mutex<HashMap<LimitKey, Gcra>>,
}

impl InMemoryLimiter {
    /// An empty limiter.
    pub fn new() -> Self {
        InMemoryLimiter::default()
    }

    fn with_cell<R>(&self, key: &LimitKey, f: impl FnOnce(&mut Gcra) -> R) -> R {
        // A poisoned lock only means another caller panicked mid-update; the cell is still
        // a valid GCRA state, so keep using it.
        let mut cells = self.cells.lock().unwrap_or_else(|p| p.into_inner());
        let cell = cells.entry(key.clone()).or_default();
        f(cell)
    }
}

impl RateLimiter for InMemoryLimiter {
    fn acquire(&self, key: &LimitKey, rate: Rate, now: Instant) -> BoxFuture<'_, Duration> {
        let start = self.with_cell(key, |c| c.reserve(rate, now));
        Box::pin(std::future::ready(start.saturating_duration_since(now)))
    }

    fn pause(&self, key: &LimitKey, rate: Rate, until: Instant) {
        self.with_cell(key, |c| c.pause(rate, until));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_sustained() {
        let rate = Rate::per_minute(60, 3);
        let t0 = Instant::now();
        let mut g = Gcra::new();
        let starts: Vec<Duration> = (0..6).map(|_| g.reserve(rate, t0) - t0).collect();
        assert_eq!(starts, [0, 0, 0, 1, 2, 3].map(Duration::from_secs).to_vec());
    }

    #[test]
    fn idle_time_refills() {
        let rate = Rate::per_minute(60, 2);
        let t0 = Instant::now();
        let mut g = Gcra::new();
        g.reserve(rate, t0);
        g.reserve(rate, t0);
        assert_eq!(
            g.reserve(rate, t0 + Duration::from_secs(10)),
            t0 + Duration::from_secs(10)
        );
    }

    #[test]
    fn pause_blocks_everyone_until() {
        let rate = Rate::per_minute(60, 5);
        let t0 = Instant::now();
        let mut g = Gcra::new();
        g.pause(rate, t0 + Duration::from_secs(30));
        assert_eq!(g.reserve(rate, t0), t0 + Duration::from_secs(30));
        assert!(g.reserve(rate, t0) >= t0 + Duration::from_secs(30));
    }

    #[test]
    fn policing_admits_a_burst_then_says_when() {
        let rate = Rate::per_minute(60, 2);
        let t0 = Instant::now();
        let mut g = Gcra::new();
        assert_eq!(g.try_admit(rate, t0), Ok(()));
        assert_eq!(g.try_admit(rate, t0), Ok(()));
        assert_eq!(g.try_admit(rate, t0), Err(Duration::from_secs(1)));
        // A refused call is not counted.
        assert_eq!(g.try_admit(rate, t0), Err(Duration::from_secs(1)));
        assert_eq!(g.try_admit(rate, t0 + Duration::from_secs(1)), Ok(()));
    }

    #[test]
    fn tiers() {
        let pm = crate::method::lookup("chat.postMessage").unwrap();
        assert_eq!(
            Rate::for_method(pm).unwrap().interval,
            Duration::from_secs(1)
        );
        let list = crate::method::lookup("conversations.list").unwrap();
        assert_eq!(Rate::for_method(list), Some(Rate::per_minute(20, 3)));
        let t1 = crate::method::lookup("rtm.connect").unwrap();
        assert_eq!(Rate::for_method(t1), Some(Rate::per_minute(1, 1)));
        let args = Args::new().set("channel", "C1");
        assert_eq!(LimitKey::for_call(pm, &args).channel.as_deref(), Some("C1"));
        assert_eq!(LimitKey::for_call(list, &args).channel, None);
    }

    proptest::proptest! {
        #[test]
        fn never_faster_than_rate(per_min in 1u32..200, burst in 1u32..10, arrivals in proptest::collection::vec(0u64..5_000, 1..200)) {
            let rate = Rate::per_minute(per_min, burst);
            let t0 = Instant::now();
            let mut g = Gcra::new();
            let mut arrivals = arrivals;
            arrivals.sort_unstable();
            let mut starts = Vec::new();
            for a in arrivals {
                let now = t0 + Duration::from_millis(a);
                let s = g.reserve(rate, now);
                proptest::prop_assert!(s >= now);
                starts.push(s);
            }
            // Any window of `burst + k` consecutive slots spans at least k intervals.
            for (i, s) in starts.iter().enumerate() {
                if let Some(later) = starts.get(i + burst as usize) {
                    proptest::prop_assert!(*later - *s >= rate.interval);
                }
            }
        }
    }
}
