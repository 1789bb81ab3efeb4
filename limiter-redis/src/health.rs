//! Whether Redis is usable: the sans-IO outage machine behind the fallback.
//!
//! Up, every call goes to Redis. The first failure turns it down (the caller logs one
//! warning for the whole outage) and calls use the in-memory limiter; every
//! `retry_interval` one call — only one — probes Redis again, and its success brings the
//! limiter back up (logged once too).

use std::time::{Duration, Instant};

/// Where one limiter call goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    /// Redis is up: use it.
    Redis,
    /// Redis is down and this call is the one that tries it again.
    Probe,
    /// Redis is down: use the in-memory limiter.
    Fallback,
}

/// What a failure or a success changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Change {
    /// Nothing worth a log line.
    None,
    /// Redis just went down (warn, once per outage).
    WentDown,
    /// Redis is back after an outage this long.
    CameBack(Duration),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Up,
    Down { since: Instant, next_probe: Instant },
}

/// The outage machine.
#[derive(Debug, Clone)]
pub(crate) struct Health {
    state: State,
    retry_interval: Duration,
}

impl Health {
    pub(crate) fn new(retry_interval: Duration) -> Self {
        Health {
            state: State::Up,
            retry_interval,
        }
    }

    pub(crate) fn is_up(&self) -> bool {
        self.state == State::Up
    }

    /// Where a call at `now` goes. Handing out [`Route::Probe`] schedules the next probe,
    /// so concurrent callers fall back meanwhile instead of all waiting on a dead server.
    pub(crate) fn route(&mut self, now: Instant) -> Route {
        match &mut self.state {
            State::Up => Route::Redis,
            State::Down { next_probe, .. } if now >= *next_probe => {
                *next_probe = now + self.retry_interval;
                Route::Probe
            }
            State::Down { .. } => Route::Fallback,
        }
    }

    pub(crate) fn handle_failure(&mut self, now: Instant) -> Change {
        match self.state {
            State::Up => {
                self.state = State::Down {
                    since: now,
                    next_probe: now + self.retry_interval,
                };
                Change::WentDown
            }
            State::Down { .. } => Change::None,
        }
    }

    pub(crate) fn handle_success(&mut self, now: Instant) -> Change {
        match self.state {
            State::Up => Change::None,
            State::Down { since, .. } => {
                self.state = State::Up;
                Change::CameBack(now.saturating_duration_since(since))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_warning_per_outage_and_one_probe_per_interval() {
        let t0 = Instant::now();
        let s = Duration::from_secs(1);
        let mut h = Health::new(s);
        assert_eq!(h.route(t0), Route::Redis);
        assert_eq!(h.handle_failure(t0), Change::WentDown);
        // Calls that were already in flight fail too: no second warning.
        assert_eq!(h.handle_failure(t0), Change::None);
        assert!(!h.is_up());
        assert_eq!(h.route(t0 + s / 2), Route::Fallback);
        assert_eq!(h.route(t0 + s), Route::Probe);
        // The probe is out: the others keep falling back.
        assert_eq!(h.route(t0 + s), Route::Fallback);
        assert_eq!(h.handle_failure(t0 + s), Change::None);
        assert_eq!(h.route(t0 + s * 2), Route::Probe);
        assert_eq!(h.handle_success(t0 + s * 2), Change::CameBack(s * 2));
        assert!(h.is_up());
        assert_eq!(h.route(t0 + s * 2), Route::Redis);
        assert_eq!(h.handle_success(t0 + s * 3), Change::None);
        // A new outage warns again.
        assert_eq!(h.handle_failure(t0 + s * 4), Change::WentDown);
    }
}
