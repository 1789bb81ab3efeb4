//! Virtual time: sleeps complete at once and move the clock forward.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use slack_core::transport::{BoxFuture, Timer};

/// A clock that jumps: `sleep(d)` returns at once after advancing the clock by `d`, and
/// `now()` is the start instant plus everything slept or advanced so far.
///
/// A five-minute backoff completes in microseconds, and the schedule of waits can be read
/// back ([`sleeps`](VirtualClock::sleeps)). This is deterministic for one logical flow of
/// control; when several tasks sleep concurrently, each sleep advances the one shared clock
/// in the order the sleeps are requested.
///
/// ```
/// use std::time::Duration;
/// use slack_core::Timer;
/// use slack_transport_mock::VirtualClock;
///
/// let clock = VirtualClock::new();
/// let t0 = clock.now();
/// futures_executor::block_on(clock.sleep(Duration::from_secs(300)));
/// assert_eq!(clock.now() - t0, Duration::from_secs(300));
/// assert_eq!(clock.sleeps(), vec![Duration::from_secs(300)]);
/// ```
#[derive(Debug, Clone)]
pub struct VirtualClock {
    start: Instant,
    state: Arc<Mutex<ClockState>>,
}

#[derive(Debug, Default)]
struct ClockState {
    elapsed: Duration,
    sleeps: Vec<Duration>,
}

impl Default for VirtualClock {
    fn default() -> Self {
        VirtualClock::new()
    }
}

impl VirtualClock {
    /// A clock starting now.
    pub fn new() -> Self {
        VirtualClock {
            start: Instant::now(),
            state: Arc::new(Mutex::new(ClockState::default())),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut ClockState) -> R) -> R {
        f(&mut self.state.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Virtual time since the clock started.
    pub fn elapsed(&self) -> Duration {
        self.with(|s| s.elapsed)
    }

    /// Move the clock forward without recording a sleep.
    pub fn advance(&self, d: Duration) {
        self.with(|s| s.elapsed += d);
    }

    /// Every sleep requested so far, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.with(|s| s.sleeps.clone())
    }

    /// The total time slept.
    pub fn total_slept(&self) -> Duration {
        self.with(|s| s.sleeps.iter().sum())
    }
}

impl Timer for VirtualClock {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        self.with(|s| {
            s.elapsed += duration;
            s.sleeps.push(duration);
        });
        Box::pin(std::future::ready(()))
    }

    fn now(&self) -> Instant {
        self.start + self.elapsed()
    }
}
