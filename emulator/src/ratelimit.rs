//! Slack-like rate limits: a generic cell rate algorithm per token and method (and per
//! channel for `chat.postMessage`), answering 429 with `Retry-After` when a call comes early.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use slack_core::method::{MethodInfo, RateTier};

/// Rate limiting mode.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum RateLimits {
    /// No limits (the library default: tests and benchmarks).
    #[default]
    Off,
    /// Slack's documented tiers: Tier 1 1/min, Tier 2 20/min, Tier 3 50/min, Tier 4 100/min,
    /// `chat.postMessage` 1/s per channel; bursts of up to 5 calls. The binary's default.
    SlackLike,
    /// Custom per-minute allowances per tier `[t1, t2, t3, t4]`, and `chat.postMessage` per
    /// channel per minute (bursts of up to 5 calls).
    Custom {
        /// Calls per minute for tiers 1 to 4.
        tiers: [u32; 4],
        /// `chat.postMessage` calls per minute per channel.
        post_message_per_minute: u32,
    },
}

/// Calls allowed back to back.
const BURST: u32 = 5;

#[derive(Debug, Clone, Copy)]
struct Rate {
    interval: Duration,
    burst: u32,
}

impl RateLimits {
    fn rate(&self, info: &MethodInfo) -> Option<Rate> {
        let (tiers, pm) = match self {
            RateLimits::Off => return None,
            RateLimits::SlackLike => ([1, 20, 50, 100], 60),
            RateLimits::Custom {
                tiers,
                post_message_per_minute,
            } => (*tiers, *post_message_per_minute),
        };
        let per_minute = |n: u32, burst: u32| Rate {
            interval: Duration::from_secs(60) / n.max(1),
            burst: burst.max(1),
        };
        if info.name == "chat.postMessage" {
            return Some(per_minute(pm, BURST.min(pm)));
        }
        let n = match info.tier {
            RateTier::Tier1 => tiers[0],
            RateTier::Tier2 => tiers[1],
            RateTier::Tier3 => tiers[2],
            RateTier::Tier4 => tiers[3],
            RateTier::Special(_) | RateTier::Unknown => return None,
        };
        Some(per_minute(n, BURST.min(n)))
    }
}

/// Per-key state.
#[derive(Debug, Default)]
pub(crate) struct Limiter {
    tat: HashMap<String, Instant>,
}

impl Limiter {
    /// `Ok` when the call may proceed (and is counted), else how long to wait.
    pub(crate) fn check(
        &mut self,
        mode: &RateLimits,
        info: &MethodInfo,
        token: &str,
        channel: Option<&str>,
        now: Instant,
    ) -> Result<(), Duration> {
        let Some(rate) = mode.rate(info) else {
            return Ok(());
        };
        let key = format!("{token}\u{0}{}\u{0}{}", info.name, channel.unwrap_or(""));
        let tau = rate.interval * (rate.burst - 1);
        let tat = self.tat.get(&key).copied().unwrap_or(now).max(now);
        let allowed_at = tat.checked_sub(tau).unwrap_or(now);
        if allowed_at > now {
            return Err(allowed_at - now);
        }
        self.tat.insert(key, tat + rate.interval);
        Ok(())
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

    #[test]
    fn tier_two_allows_a_burst_then_waits() {
        let info = slack_core::method::lookup("conversations.list").unwrap();
        let mut l = Limiter::default();
        let t0 = Instant::now();
        let ok = (0..10)
            .filter(|_| l.check(&RateLimits::SlackLike, info, "t", None, t0).is_ok())
            .count();
        assert_eq!(ok, 5);
        let wait = l
            .check(&RateLimits::SlackLike, info, "t", None, t0)
            .unwrap_err();
        assert!(wait <= Duration::from_secs(3), "{wait:?}");
        assert!(l
            .check(&RateLimits::SlackLike, info, "t", None, t0 + wait)
            .is_ok());
        // Another token has its own allowance.
        assert!(l.check(&RateLimits::SlackLike, info, "u", None, t0).is_ok());
        assert!(l.check(&RateLimits::Off, info, "t", None, t0).is_ok());
    }

    #[test]
    fn post_message_is_per_channel() {
        let info = slack_core::method::lookup("chat.postMessage").unwrap();
        let mut l = Limiter::default();
        let t0 = Instant::now();
        for _ in 0..5 {
            assert!(l
                .check(&RateLimits::SlackLike, info, "t", Some("C1"), t0)
                .is_ok());
        }
        assert!(l
            .check(&RateLimits::SlackLike, info, "t", Some("C1"), t0)
            .is_err());
        assert!(l
            .check(&RateLimits::SlackLike, info, "t", Some("C2"), t0)
            .is_ok());
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(2500)), 3);
    }
}
