//! The emulator's clock: real time by default; tests can freeze it, advance it and set it
//! (`/_emulator/clock`, [`Emulator::clock`](crate::Emulator::clock)).
//!
//! It is the only place the emulator reads the time of day. Message `ts`, `created` fields,
//! rate-limit windows, trigger-id expiry and everything due at a time (scheduled messages,
//! reminders, the end of a snooze) follow it. Real time is measured from a monotonic
//! [`Instant`] taken at start, so the wall clock jumping (NTP) does not move it.
//!
//! ```text
//! now = frozen_at            (frozen)
//!     = start_unix + elapsed + offset   (running; advance and set change offset)
//! ```

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::sync::Notify;

use crate::server::Shared;

/// Microseconds in a second.
const MICROS: i64 = 1_000_000;

#[derive(Debug)]
struct Setting {
    /// Added to real time, in microseconds.
    offset: i64,
    /// The time it stands at while frozen.
    frozen_at: Option<i64>,
}

#[derive(Debug)]
struct Inner {
    start: Instant,
    /// Unix microseconds at `start`.
    start_unix: i64,
    setting: Mutex<Setting>,
    /// Woken when the clock changes or something new becomes due (the due-work task).
    changed: Notify,
}

/// A shared handle on one emulator's clock; cheap to clone.
#[derive(Debug, Clone)]
pub(crate) struct Clock {
    inner: Arc<Inner>,
}

impl Default for Clock {
    fn default() -> Self {
        let start_unix = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .ok()
            .and_then(|d| i64::try_from(d.as_micros()).ok())
            .unwrap_or(0);
        Clock {
            inner: Arc::new(Inner {
                start: Instant::now(),
                start_unix,
                setting: Mutex::new(Setting {
                    offset: 0,
                    frozen_at: None,
                }),
                changed: Notify::new(),
            }),
        }
    }
}

fn to_micros(secs: f64) -> i64 {
    // `as` saturates for out-of-range floats and maps NaN to 0.
    (secs * MICROS as f64).round() as i64
}

impl Clock {
    fn setting(&self) -> MutexGuard<'_, Setting> {
        self.inner.setting.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Real time since start, in microseconds.
    fn elapsed(&self) -> i64 {
        i64::try_from(self.inner.start.elapsed().as_micros()).unwrap_or(i64::MAX)
    }

    fn real_now(&self) -> i64 {
        self.inner.start_unix.saturating_add(self.elapsed())
    }

    /// Unix time in microseconds.
    pub(crate) fn now_micros(&self) -> i64 {
        let s = self.setting();
        match s.frozen_at {
            Some(t) => t,
            None => self.real_now().saturating_add(s.offset),
        }
    }

    /// Unix time in seconds, with microseconds.
    pub(crate) fn now(&self) -> f64 {
        self.now_micros() as f64 / MICROS as f64
    }

    /// Unix time in whole seconds (never negative).
    pub(crate) fn now_secs(&self) -> u64 {
        u64::try_from(self.now_micros().div_euclid(MICROS)).unwrap_or(0)
    }

    /// The clock's time as an [`Instant`] (rate-limit windows): the start instant moved by
    /// the clock's distance from the start.
    pub(crate) fn instant(&self) -> Instant {
        let since = self.now_micros().saturating_sub(self.inner.start_unix);
        let d = Duration::from_micros(since.unsigned_abs());
        let at = if since >= 0 {
            self.inner.start.checked_add(d)
        } else {
            self.inner.start.checked_sub(d)
        };
        at.unwrap_or(self.inner.start)
    }

    /// Whether the clock stands still.
    pub(crate) fn is_frozen(&self) -> bool {
        self.setting().frozen_at.is_some()
    }

    /// Stop the clock where it is.
    pub(crate) fn freeze(&self) {
        {
            let mut s = self.setting();
            if s.frozen_at.is_none() {
                s.frozen_at = Some(self.real_now().saturating_add(s.offset));
            }
        }
        self.wake();
    }

    /// Let it run again from where it stands.
    pub(crate) fn resume(&self) {
        {
            let mut s = self.setting();
            if let Some(t) = s.frozen_at.take() {
                s.offset = t.saturating_sub(self.real_now());
            }
        }
        self.wake();
    }

    /// Move it forward by `micros` (frozen or not).
    pub(crate) fn advance_micros(&self, micros: i64) {
        {
            let mut s = self.setting();
            match &mut s.frozen_at {
                Some(t) => *t = t.saturating_add(micros),
                None => s.offset = s.offset.saturating_add(micros),
            }
        }
        self.wake();
    }

    /// Put it at Unix microseconds `at` (frozen or not; back in time too).
    pub(crate) fn set_micros(&self, at: i64) {
        {
            let mut s = self.setting();
            match &mut s.frozen_at {
                Some(t) => *t = at,
                None => s.offset = at.saturating_sub(self.real_now()),
            }
        }
        self.wake();
    }

    /// Tell the due-work task to look again (the clock changed, or something new is due).
    pub(crate) fn wake(&self) {
        self.inner.changed.notify_one();
    }

    /// Wait for [`wake`](Self::wake).
    pub(crate) async fn changed(&self) {
        self.inner.changed.notified().await;
    }

    /// How long in real time until the clock reads Unix microseconds `at` (`None` while
    /// frozen: it never will by itself).
    pub(crate) fn real_wait_until(&self, at: i64) -> Option<Duration> {
        if self.is_frozen() {
            return None;
        }
        let wait = at.saturating_sub(self.now_micros()).max(0);
        Some(Duration::from_micros(wait.unsigned_abs()))
    }
}

/// Why a clock change was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ClockError {
    /// `advance` was given a negative or non-finite amount (use `set` to go back).
    #[error("the clock advances by a finite, non-negative amount")]
    InvalidAdvance,
    /// `set` was given a non-finite or negative Unix time.
    #[error("the clock is set to a finite, non-negative Unix time")]
    InvalidTime,
}

/// The clock of a running emulator ([`Emulator::clock`](crate::Emulator::clock)): real
/// time until frozen, advanced or set. Moving it forward runs what became due (scheduled
/// messages, reminders, the end of snoozes) before the call returns.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// let emu = slack_emulator::Emulator::start().await?;
/// let clock = emu.clock();
/// clock.freeze();
/// let t0 = clock.now();
/// clock.advance(Duration::from_secs(3600))?; // an hour later, at once
/// assert!(clock.now() >= t0 + 3600.0);
/// clock.set(1_900_000_000.0)?;
/// clock.resume();
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ClockControl<'a> {
    pub(crate) shared: &'a Shared,
}

impl ClockControl<'_> {
    /// The emulator's time: Unix seconds with microseconds.
    pub fn now(&self) -> f64 {
        self.shared.clock.now()
    }

    /// Whether it stands still.
    pub fn is_frozen(&self) -> bool {
        self.shared.clock.is_frozen()
    }

    /// Stop the clock where it is (until [`resume`](Self::resume)).
    pub fn freeze(&self) {
        self.shared.clock.freeze();
    }

    /// Let the clock run again, at real speed, from where it stands.
    pub fn resume(&self) {
        self.shared.clock.resume();
        crate::due::run(self.shared);
    }

    /// Move the clock forward by `by`, then run everything that became due.
    pub fn advance(&self, by: Duration) -> Result<(), ClockError> {
        let micros = i64::try_from(by.as_micros()).map_err(|_| ClockError::InvalidAdvance)?;
        self.shared.clock.advance_micros(micros);
        crate::due::run(self.shared);
        Ok(())
    }

    /// Put the clock at `unix` seconds (back in time too: message `ts` still increase),
    /// then run everything that became due.
    pub fn set(&self, unix: f64) -> Result<(), ClockError> {
        if !unix.is_finite() || unix < 0.0 {
            return Err(ClockError::InvalidTime);
        }
        self.shared.clock.set_micros(to_micros(unix));
        crate::due::run(self.shared);
        Ok(())
    }

    /// Like [`advance`](Self::advance) with seconds as a float (the admin API).
    pub(crate) fn advance_secs(&self, secs: f64) -> Result<(), ClockError> {
        if !secs.is_finite() || secs < 0.0 {
            return Err(ClockError::InvalidAdvance);
        }
        self.shared.clock.advance_micros(to_micros(secs));
        crate::due::run(self.shared);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frozen_clock_stands_still_and_moves_only_when_told() {
        let c = Clock::default();
        c.freeze();
        let t = c.now_micros();
        assert_eq!(c.now_micros(), t);
        c.advance_micros(5 * MICROS);
        assert_eq!(c.now_micros(), t + 5 * MICROS);
        c.set_micros(1_000 * MICROS);
        assert_eq!(c.now_secs(), 1_000);
        assert!(c.real_wait_until(2_000 * MICROS).is_none());
        c.resume();
        assert!(!c.is_frozen());
        // Running again from where it stood (not from real time).
        assert!(c.now_secs() < 1_100, "{}", c.now_secs());
        assert!(c.real_wait_until(2_000 * MICROS).is_some());
    }

    #[test]
    fn instant_follows_the_clock() {
        let c = Clock::default();
        c.freeze();
        let a = c.instant();
        c.advance_micros(60 * MICROS);
        assert_eq!(c.instant().duration_since(a), Duration::from_secs(60));
        c.set_micros(0);
        assert!(c.instant() <= a);
    }

    #[test]
    fn running_clock_is_near_real_time() {
        let c = Clock::default();
        let real = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        assert!(c.now_secs().abs_diff(real) < 5);
        c.advance_micros(3_600 * MICROS);
        assert!(c.now_secs().abs_diff(real + 3_600) < 5);
    }
}
