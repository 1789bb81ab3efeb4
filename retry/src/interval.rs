//! How long to wait before a retry: backoff and fixed intervals, with jitter.
//!
//! All calculators are pure functions of the attempt number, the previous delay and a seeded
//! [`Rng`]: the same seed gives the same schedule.

use std::fmt;
use std::time::Duration;

use slack_core::retry::Rng;

/// How a computed delay is randomised, so that many clients do not retry in lockstep.
///
/// With `d` the un-jittered delay:
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Jitter {
    /// Exactly `d`.
    None,
    /// Uniform in `[0, d]`: the widest spread, the lowest average wait.
    Full,
    /// Uniform in `[d/2, d]`: never less than half the backoff.
    #[default]
    Equal,
    /// Uniform in `[base, 3 × previous]`, capped: spreads retries while still growing.
    Decorrelated,
}

/// Computes the delay before retry number `attempt` (the attempt that just failed, from 1).
pub trait IntervalCalculator: Send + Sync + fmt::Debug {
    /// The delay before the next attempt.
    fn delay(&self, attempt: u32, previous: Option<Duration>, rng: &mut Rng) -> Duration;
}

/// Exponential backoff: `base × factor^(attempt-1)`, capped at `max`, then jittered.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    base: Duration,
    factor: f64,
    max: Duration,
    jitter: Jitter,
}

impl Default for Backoff {
    /// 0.5 s doubling up to 30 s, equal jitter.
    fn default() -> Self {
        Backoff {
            base: Duration::from_millis(500),
            factor: 2.0,
            max: Duration::from_secs(30),
            jitter: Jitter::Equal,
        }
    }
}

impl Backoff {
    /// Backoff starting at `base` (factor 2, cap 30 s, equal jitter).
    pub fn new(base: Duration) -> Self {
        Backoff {
            base,
            ..Backoff::default()
        }
    }

    /// Growth factor per attempt (default 2; values below 1 are treated as 1).
    pub fn factor(mut self, factor: f64) -> Self {
        self.factor = if factor.is_finite() {
            factor.max(1.0)
        } else {
            1.0
        };
        self
    }

    /// Upper bound of any delay (default 30 s).
    pub fn max(mut self, max: Duration) -> Self {
        self.max = max;
        self
    }

    /// Jitter strategy (default [`Jitter::Equal`]).
    pub fn jitter(mut self, jitter: Jitter) -> Self {
        self.jitter = jitter;
        self
    }

    /// The un-jittered delay for `attempt`, clamped to the cap (never overflows).
    pub fn raw_delay(&self, attempt: u32) -> Duration {
        let exp = attempt.saturating_sub(1).min(64);
        let secs = self.base.as_secs_f64() * self.factor.powi(exp as i32);
        if !secs.is_finite() || secs >= self.max.as_secs_f64() {
            self.max
        } else {
            Duration::from_secs_f64(secs.max(0.0))
        }
    }
}

impl IntervalCalculator for Backoff {
    fn delay(&self, attempt: u32, previous: Option<Duration>, rng: &mut Rng) -> Duration {
        let d = self.raw_delay(attempt);
        apply_jitter(self.jitter, d, self.base, self.max, previous, rng)
    }
}

/// The same delay every time, optionally jittered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fixed {
    interval: Duration,
    jitter: Jitter,
}

impl Fixed {
    /// Always `interval` (no jitter).
    pub fn new(interval: Duration) -> Self {
        Fixed {
            interval,
            jitter: Jitter::None,
        }
    }

    /// Jitter strategy (default [`Jitter::None`]).
    pub fn jitter(mut self, jitter: Jitter) -> Self {
        self.jitter = jitter;
        self
    }
}

impl IntervalCalculator for Fixed {
    fn delay(&self, _attempt: u32, previous: Option<Duration>, rng: &mut Rng) -> Duration {
        apply_jitter(
            self.jitter,
            self.interval,
            self.interval,
            self.interval,
            previous,
            rng,
        )
    }
}

/// Apply `jitter` to `d` (with `base`, `max` and the previous delay for decorrelated jitter).
pub fn apply_jitter(
    jitter: Jitter,
    d: Duration,
    base: Duration,
    max: Duration,
    previous: Option<Duration>,
    rng: &mut Rng,
) -> Duration {
    match jitter {
        Jitter::None => d,
        Jitter::Full => rng.duration_between(Duration::ZERO, d),
        Jitter::Equal => rng.duration_between(d / 2, d),
        Jitter::Decorrelated => {
            let prev = previous.unwrap_or(base).max(base);
            let hi = prev.saturating_mul(3).min(max.max(base));
            rng.duration_between(base.min(hi), hi)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::{prop_assert, prop_assert_eq, proptest};

    #[test]
    fn backoff_grows_and_caps() {
        let b = Backoff::new(Duration::from_millis(100))
            .max(Duration::from_secs(1))
            .jitter(Jitter::None);
        let mut rng = Rng::new(1);
        let ds: Vec<_> = (1..=6).map(|n| b.delay(n, None, &mut rng)).collect();
        assert_eq!(
            ds,
            [100, 200, 400, 800, 1000, 1000]
                .map(Duration::from_millis)
                .to_vec()
        );
        assert_eq!(b.raw_delay(u32::MAX), Duration::from_secs(1));
        let huge = Backoff::new(Duration::from_secs(1)).factor(f64::INFINITY);
        assert_eq!(huge.raw_delay(3), Duration::from_secs(1));
    }

    #[test]
    fn fixed_is_fixed() {
        let f = Fixed::new(Duration::from_secs(2));
        let mut rng = Rng::new(3);
        assert!((1..10).all(|n| f.delay(n, None, &mut rng) == Duration::from_secs(2)));
    }

    proptest! {
        #[test]
        fn jitter_within_bounds(seed: u64, attempt in 1u32..40, base_ms in 1u64..5_000, max_ms in 1u64..120_000, prev_ms in proptest::option::of(0u64..200_000)) {
            let base = Duration::from_millis(base_ms);
            let max = Duration::from_millis(max_ms.max(base_ms));
            let prev = prev_ms.map(Duration::from_millis);
            for jitter in [Jitter::None, Jitter::Full, Jitter::Equal, Jitter::Decorrelated] {
                let b = Backoff::new(base).max(max).jitter(jitter);
                let raw = b.raw_delay(attempt);
                let d = b.delay(attempt, prev, &mut Rng::new(seed));
                prop_assert!(d <= max, "{jitter:?} {d:?} > {max:?}");
                match jitter {
                    Jitter::None => prop_assert_eq!(d, raw),
                    Jitter::Full => prop_assert!(d <= raw),
                    Jitter::Equal => prop_assert!(d >= raw / 2 && d <= raw),
                    Jitter::Decorrelated => prop_assert!(d >= base.min(max)),
                }
                // Same seed, same answer.
                prop_assert_eq!(d, b.delay(attempt, prev, &mut Rng::new(seed)));
            }
        }
    }
}
