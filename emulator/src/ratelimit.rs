//! Slack-like rate limits: the core's generic cell rate algorithm
//! ([`slack_core::limiter::Gcra`], in its policing form) per token and method — and per
//! token and channel for `chat.postMessage` — answering 429 with `Retry-After` when a call
//! comes too early. The allowances per tier come from the core's
//! [`RateTable`](slack_core::limiter::RateTable), with the emulator's burst.
//!
//! The limiter never reads the clock: `now` comes in with each call, so the tests below
//! drive it with made-up instants.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use slack_core::limiter::{Gcra, Rate, RateTable};
use slack_core::method::MethodInfo;
#[cfg(test)]
use slack_core::method::RateTier;

/// Rate limiting mode.
///
/// ```no_run
/// # async fn run() -> std::io::Result<()> {
/// use slack_emulator::{Emulator, RateLimits};
/// let emu = Emulator::builder()
///     .rate_limits(RateLimits::Custom { tiers: [2, 20, 50, 100], post_message_per_minute: 60 })
///     .start()
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum RateLimits {
    /// No limits (the library default: tests and benchmarks).
    #[default]
    Off,
    /// Slack's documented tiers: Tier 1 1/min, Tier 2 20/min, Tier 3 50/min, Tier 4
    /// 100/min, `chat.postMessage` 1/s per channel; each allows a burst of up to 5 calls
    /// (Tier 1: 1). Methods with a special or unknown tier are not limited. The binary's
    /// default.
    SlackLike,
    /// Custom per-minute allowances for tiers `[1, 2, 3, 4]` and for `chat.postMessage` per
    /// channel, with the same bursts (up to 5 calls, never more than the per-minute rate).
    Custom {
        /// Calls per minute for tiers 1 to 4.
        tiers: [u32; 4],
        /// `chat.postMessage` calls per minute per channel.
        post_message_per_minute: u32,
    },
}

/// Calls allowed back to back before the rate applies (never more than the per-minute
/// allowance).
const BURST: u32 = 5;

impl RateLimits {
    /// The rate for `info`'s method, `None` when unlimited.
    fn rate(&self, info: &MethodInfo) -> Option<Rate> {
        let table = match self {
            RateLimits::Off => return None,
            RateLimits::SlackLike => {
                let slack = RateTable::slack();
                RateTable::new(slack.tiers_per_minute, slack.post_message_per_minute, BURST)
            }
            RateLimits::Custom {
                tiers,
                post_message_per_minute,
            } => RateTable::new(*tiers, *post_message_per_minute, BURST),
        };
        table.rate(info)
    }
}

/// The mode and, per key, a GCRA cell.
#[derive(Debug, Default)]
pub(crate) struct Limiter {
    mode: RateLimits,
    cells: HashMap<String, Gcra>,
}

impl Limiter {
    pub(crate) fn new(mode: RateLimits) -> Self {
        Limiter {
            mode,
            cells: HashMap::new(),
        }
    }

    pub(crate) fn mode(&self) -> &RateLimits {
        &self.mode
    }

    /// Change the mode; allowances start afresh.
    pub(crate) fn set_mode(&mut self, mode: RateLimits) {
        self.mode = mode;
        self.cells.clear();
    }

    /// Forget every allowance used.
    pub(crate) fn reset(&mut self) {
        self.cells.clear();
    }

    /// `Ok` when a call of `info` with `token` (to `channel`, for `chat.postMessage`) may
    /// proceed at `now` (it is counted), else how long until it may.
    pub(crate) fn check(
        &mut self,
        info: &MethodInfo,
        token: &str,
        channel: Option<&str>,
        now: Instant,
    ) -> Result<(), Duration> {
        let Some(rate) = self.mode.rate(info) else {
            return Ok(());
        };
        let channel = if info.name == "chat.postMessage" {
            channel.unwrap_or("")
        } else {
            ""
        };
        let key = format!("{token}\u{0}{}\u{0}{channel}", info.name);
        self.cells.entry(key).or_default().try_admit(rate, now)
    }
}

/// `Retry-After` in whole seconds, rounded up, at least 1.
pub(crate) fn retry_after_secs(wait: Duration) -> u64 {
    let s = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    s.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(name: &str) -> &'static MethodInfo {
        slack_core::method::lookup(name).unwrap_or_else(|| panic!("{name} not in the table"))
    }

    #[test]
    fn tier_two_allows_a_burst_then_one_call_per_three_seconds() {
        let list = info("conversations.list");
        assert_eq!(list.tier, RateTier::Tier2);
        let mut l = Limiter::new(RateLimits::SlackLike);
        let t0 = Instant::now();
        let ok = (0..30)
            .filter(|_| l.check(list, "t", None, t0).is_ok())
            .count();
        assert_eq!(ok, 5);
        let wait = l.check(list, "t", None, t0).err().unwrap_or_default();
        assert_eq!(wait, Duration::from_secs(3));
        assert_eq!(retry_after_secs(wait), 3);
        // Not a moment before.
        assert!(l
            .check(list, "t", None, t0 + wait - Duration::from_millis(1))
            .is_err());
        assert!(l.check(list, "t", None, t0 + wait).is_ok());
        assert!(l.check(list, "t", None, t0 + wait).is_err());
        // After a quiet minute the whole burst is back.
        let later = t0 + Duration::from_secs(120);
        assert_eq!(
            (0..10)
                .filter(|_| l.check(list, "t", None, later).is_ok())
                .count(),
            5
        );
        // Another token and another method have their own allowances.
        assert!(l.check(list, "u", None, t0).is_ok());
        assert!(l.check(info("users.list"), "t", None, t0).is_ok());
    }

    #[test]
    fn tier_one_has_no_burst() {
        let m = info("rtm.connect");
        assert_eq!(m.tier, RateTier::Tier1);
        let mut l = Limiter::new(RateLimits::SlackLike);
        let t0 = Instant::now();
        assert!(l.check(m, "t", None, t0).is_ok());
        assert_eq!(
            l.check(m, "t", None, t0).err(),
            Some(Duration::from_secs(60))
        );
    }

    #[test]
    fn post_message_is_per_channel() {
        let post = info("chat.postMessage");
        let mut l = Limiter::new(RateLimits::SlackLike);
        let t0 = Instant::now();
        for _ in 0..5 {
            assert!(l.check(post, "t", Some("C1"), t0).is_ok());
        }
        assert_eq!(
            l.check(post, "t", Some("C1"), t0).err(),
            Some(Duration::from_secs(1))
        );
        assert!(l.check(post, "t", Some("C2"), t0).is_ok());
        assert!(l
            .check(post, "t", Some("C1"), t0 + Duration::from_secs(1))
            .is_ok());
    }

    #[test]
    fn off_custom_and_mode_changes() {
        let list = info("conversations.list");
        let mut l = Limiter::new(RateLimits::Off);
        let t0 = Instant::now();
        assert!((0..1000).all(|_| l.check(list, "t", None, t0).is_ok()));
        l.set_mode(RateLimits::Custom {
            tiers: [1, 2, 3, 4],
            post_message_per_minute: 1,
        });
        assert_eq!(
            l.mode(),
            &RateLimits::Custom {
                tiers: [1, 2, 3, 4],
                post_message_per_minute: 1
            }
        );
        assert!(l.check(list, "t", None, t0).is_ok());
        assert!(l.check(list, "t", None, t0).is_ok());
        assert_eq!(
            l.check(list, "t", None, t0).err(),
            Some(Duration::from_secs(30))
        );
        l.reset();
        assert!(l.check(list, "t", None, t0).is_ok());
        // Special tiers are not limited.
        let special = slack_core::method::all()
            .iter()
            .find(|m| matches!(m.tier, RateTier::Special(_)) && m.name != "chat.postMessage");
        if let Some(m) = special {
            assert!(
                (0..100).all(|_| l.check(m, "t", None, t0).is_ok()),
                "{}",
                m.name
            );
        }
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(2500)), 3);
        assert_eq!(retry_after_secs(Duration::from_secs(60)), 60);
    }
}
