//! Virtual time: [`VirtualClock`], shared by the HTTP and websocket mocks.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use slack_core::transport::{BoxFuture, Timer};

/// A virtual clock: time moves only when something sleeps or the test advances it.
///
/// `now()` is a fixed [`Instant`] captured at construction plus the virtual time elapsed since,
/// so code under test that reads the clock sees a reproducible timeline.
///
/// # Two modes
///
/// - **Auto-advance** ([`VirtualClock::new`], the default): [`Timer::sleep`] moves the clock
///   forward by the requested duration and returns a future that is already complete. A
///   five-minute backoff takes microseconds, and the schedule of waits can be read back with
///   [`sleeps`](VirtualClock::sleeps). This is deterministic for **one logical flow of
///   control** (one request with its retries, one pagination loop). When several tasks sleep
///   concurrently, each sleep advances the one shared clock in the order the sleeps are
///   *requested*, so two concurrent 10 s sleeps end at 10 s and 20 s: the timeline is still
///   reproducible for a given polling order, but it is not what a wall clock would show.
///   A loop that races a read against a sleep (an RTM driver waiting for a frame or its
///   ping timer) sees the sleep win at once, every time.
/// - **Manual** ([`VirtualClock::manual`]): a sleep stays pending until the test moves the
///   clock past its deadline with [`advance`](VirtualClock::advance) or
///   [`advance_to_next_wake`](VirtualClock::advance_to_next_wake), like a simulation that jumps
///   to the next timer. Use it for concurrent flows, where the test decides when time passes.
///
/// Clones share the same time, so one clock can drive a [`MockTransport`](crate::MockTransport),
/// a [`MockWsTransport`](crate::MockWsTransport) and the code under test together.
///
/// ```
/// use std::time::Duration;
/// use slack_core::transport::Timer;
/// use slack_transport_mock::VirtualClock;
///
/// let clock = VirtualClock::new();
/// let t0 = clock.now();
/// futures_executor::block_on(clock.sleep(Duration::from_secs(300))); // returns at once
/// assert_eq!(clock.now() - t0, Duration::from_secs(300));
/// assert_eq!(clock.sleeps(), vec![Duration::from_secs(300)]);
/// ```
#[derive(Clone)]
pub struct VirtualClock {
    start: Instant,
    state: Arc<Mutex<ClockState>>,
}

#[derive(Debug, Default)]
struct ClockState {
    manual: bool,
    elapsed: Duration,
    sleeps: Vec<Duration>,
    /// Pending sleeps (manual mode only).
    waiters: Vec<Waiter>,
    next_id: u64,
}

#[derive(Debug)]
struct Waiter {
    id: u64,
    deadline: Duration,
    waker: Option<Waker>,
}

impl ClockState {
    /// Move to `elapsed` (never backwards) and take the wakers of the sleeps now due.
    fn advance_to(&mut self, elapsed: Duration) -> Vec<Waker> {
        self.elapsed = self.elapsed.max(elapsed);
        let now = self.elapsed;
        self.waiters
            .iter_mut()
            .filter(|w| w.deadline <= now)
            .filter_map(|w| w.waker.take())
            .collect()
    }
}

impl fmt::Debug for VirtualClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.lock();
        f.debug_struct("VirtualClock")
            .field("manual", &s.manual)
            .field("elapsed", &s.elapsed)
            .field("sleeps", &s.sleeps.len())
            .field("pending", &s.waiters.len())
            .finish()
    }
}

impl Default for VirtualClock {
    fn default() -> Self {
        VirtualClock::new()
    }
}

impl VirtualClock {
    /// An auto-advance clock: every sleep completes at once and moves the clock forward.
    ///
    /// ```
    /// let clock = slack_transport_mock::VirtualClock::new();
    /// assert!(!clock.is_manual());
    /// assert_eq!(clock.elapsed(), std::time::Duration::ZERO);
    /// ```
    pub fn new() -> Self {
        Self::with_mode(false)
    }

    /// A manual clock: sleeps stay pending until the test advances the clock past them.
    ///
    /// ```
    /// use std::time::Duration;
    /// use futures_util::FutureExt;
    /// use slack_core::transport::Timer;
    /// use slack_transport_mock::VirtualClock;
    ///
    /// let clock = VirtualClock::manual();
    /// let mut nap = clock.sleep(Duration::from_secs(10));
    /// assert!((&mut nap).now_or_never().is_none()); // still asleep
    /// assert_eq!(clock.advance_to_next_wake(), Some(Duration::from_secs(10)));
    /// assert!(nap.now_or_never().is_some()); // woke up
    /// ```
    pub fn manual() -> Self {
        Self::with_mode(true)
    }

    fn with_mode(manual: bool) -> Self {
        VirtualClock {
            start: Instant::now(),
            state: Arc::new(Mutex::new(ClockState {
                manual,
                ..ClockState::default()
            })),
        }
    }

    fn lock(&self) -> MutexGuard<'_, ClockState> {
        // A panicking test thread must not hide the clock from the others.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether this is a manual clock ([`VirtualClock::manual`]).
    ///
    /// ```
    /// assert!(slack_transport_mock::VirtualClock::manual().is_manual());
    /// ```
    pub fn is_manual(&self) -> bool {
        self.lock().manual
    }

    /// The instant virtual time started at; [`Timer::now`] is `start() + elapsed()`.
    ///
    /// ```
    /// use slack_core::transport::Timer;
    /// let clock = slack_transport_mock::VirtualClock::new();
    /// assert_eq!(clock.now(), clock.start());
    /// ```
    pub fn start(&self) -> Instant {
        self.start
    }

    /// Virtual time since the clock was created.
    ///
    /// ```
    /// use std::time::Duration;
    /// let clock = slack_transport_mock::VirtualClock::new();
    /// clock.advance(Duration::from_secs(3));
    /// assert_eq!(clock.elapsed(), Duration::from_secs(3));
    /// ```
    pub fn elapsed(&self) -> Duration {
        self.lock().elapsed
    }

    /// Move the clock forward by `d` without recording a sleep, waking the sleeps that are
    /// now due (manual mode).
    ///
    /// ```
    /// use std::time::Duration;
    /// use slack_core::transport::Timer;
    ///
    /// let clock = slack_transport_mock::VirtualClock::new();
    /// let t0 = clock.now();
    /// clock.advance(Duration::from_millis(1500));
    /// assert_eq!(clock.now() - t0, Duration::from_millis(1500));
    /// assert!(clock.sleeps().is_empty());
    /// ```
    pub fn advance(&self, d: Duration) {
        let wakers = {
            let mut s = self.lock();
            let to = s.elapsed.saturating_add(d);
            s.advance_to(to)
        };
        wakers.into_iter().for_each(Waker::wake);
    }

    /// Jump to the deadline of the earliest pending sleep that is still in the future, and
    /// wake the sleeps due then (manual mode).
    ///
    /// Returns the new [`elapsed`](VirtualClock::elapsed) time, or `None` when no sleep
    /// ends later than now (the clock does not move). Sleeps already due complete on their
    /// next poll.
    ///
    /// ```
    /// use std::time::Duration;
    /// use slack_core::transport::Timer;
    ///
    /// let clock = slack_transport_mock::VirtualClock::manual();
    /// assert_eq!(clock.advance_to_next_wake(), None);
    /// let _a = clock.sleep(Duration::from_secs(5));
    /// let _b = clock.sleep(Duration::from_secs(2));
    /// assert_eq!(clock.advance_to_next_wake(), Some(Duration::from_secs(2)));
    /// assert_eq!(clock.advance_to_next_wake(), Some(Duration::from_secs(5)));
    /// assert_eq!(clock.advance_to_next_wake(), None);
    /// ```
    pub fn advance_to_next_wake(&self) -> Option<Duration> {
        let (wakers, now) = {
            let mut s = self.lock();
            let now = s.elapsed;
            let next = s
                .waiters
                .iter()
                .map(|w| w.deadline)
                .filter(|d| *d > now)
                .min()?;
            (s.advance_to(next), next)
        };
        wakers.into_iter().for_each(Waker::wake);
        Some(now)
    }

    /// The virtual time at which the earliest pending sleep ends (manual mode), if any.
    ///
    /// ```
    /// use std::time::Duration;
    /// use slack_core::transport::Timer;
    ///
    /// let clock = slack_transport_mock::VirtualClock::manual();
    /// let _nap = clock.sleep(Duration::from_secs(30));
    /// assert_eq!(clock.next_wake(), Some(Duration::from_secs(30)));
    /// ```
    pub fn next_wake(&self) -> Option<Duration> {
        self.lock().waiters.iter().map(|w| w.deadline).min()
    }

    /// How many sleeps are pending (manual mode; always 0 in auto-advance mode).
    ///
    /// A sleep future that is dropped before it completes stops counting.
    ///
    /// ```
    /// use std::time::Duration;
    /// use slack_core::transport::Timer;
    ///
    /// let clock = slack_transport_mock::VirtualClock::manual();
    /// let nap = clock.sleep(Duration::from_secs(1));
    /// assert_eq!(clock.pending_sleeps(), 1);
    /// drop(nap);
    /// assert_eq!(clock.pending_sleeps(), 0);
    /// ```
    pub fn pending_sleeps(&self) -> usize {
        self.lock().waiters.len()
    }

    /// Every sleep requested through [`Timer::sleep`] so far, in order (the retry schedule).
    ///
    /// Waits the mocks simulate themselves (scripted delays, timeouts) and
    /// [`advance`](VirtualClock::advance) are not included.
    ///
    /// ```
    /// use std::time::Duration;
    /// use slack_core::transport::Timer;
    ///
    /// let clock = slack_transport_mock::VirtualClock::new();
    /// futures_executor::block_on(async {
    ///     clock.sleep(Duration::from_secs(1)).await;
    ///     clock.sleep(Duration::from_secs(2)).await;
    /// });
    /// assert_eq!(clock.sleeps(), [Duration::from_secs(1), Duration::from_secs(2)]);
    /// ```
    pub fn sleeps(&self) -> Vec<Duration> {
        self.lock().sleeps.clone()
    }

    /// The sum of [`sleeps`](VirtualClock::sleeps).
    ///
    /// ```
    /// use std::time::Duration;
    /// use slack_core::transport::Timer;
    ///
    /// let clock = slack_transport_mock::VirtualClock::new();
    /// futures_executor::block_on(clock.sleep(Duration::from_secs(4)));
    /// assert_eq!(clock.total_slept(), Duration::from_secs(4));
    /// ```
    pub fn total_slept(&self) -> Duration {
        self.lock().sleeps.iter().sum()
    }

    /// Wait `d` of virtual time without recording it as a sleep (scripted delays).
    pub(crate) fn wait(&self, d: Duration) -> BoxFuture<'static, ()> {
        self.sleep_inner(d, false)
    }

    fn sleep_inner(&self, d: Duration, record: bool) -> BoxFuture<'static, ()> {
        let mut s = self.lock();
        if record {
            s.sleeps.push(d);
        }
        if !s.manual || d.is_zero() {
            let to = s.elapsed.saturating_add(d);
            // Auto mode has no waiters; a zero sleep moves nothing: nobody to wake.
            let _ = s.advance_to(to);
            return Box::pin(std::future::ready(()));
        }
        let id = s.next_id;
        s.next_id += 1;
        let deadline = s.elapsed.saturating_add(d);
        s.waiters.push(Waiter {
            id,
            deadline,
            waker: None,
        });
        Box::pin(Sleep {
            state: self.state.clone(),
            id,
            deadline,
        })
    }
}

impl Timer for VirtualClock {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        self.sleep_inner(duration, true)
    }

    fn now(&self) -> Instant {
        self.start + self.elapsed()
    }
}

/// A pending sleep on a manual clock.
struct Sleep {
    state: Arc<Mutex<ClockState>>,
    id: u64,
    deadline: Duration,
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if s.elapsed >= self.deadline {
            s.waiters.retain(|w| w.id != self.id);
            return Poll::Ready(());
        }
        if let Some(w) = s.waiters.iter_mut().find(|w| w.id == self.id) {
            w.waker = Some(cx.waker().clone());
        }
        Poll::Pending
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        s.waiters.retain(|w| w.id != self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::FutureExt;

    #[test]
    fn auto_sleep_is_ready_and_advances() {
        let clock = VirtualClock::new();
        let t0 = clock.now();
        assert!(clock
            .sleep(Duration::from_secs(300))
            .now_or_never()
            .is_some());
        assert_eq!(clock.elapsed(), Duration::from_secs(300));
        assert_eq!(clock.now() - t0, Duration::from_secs(300));
        assert_eq!(clock.start(), t0);
        assert_eq!(clock.pending_sleeps(), 0);
    }

    #[test]
    fn clones_share_time() {
        let a = VirtualClock::new();
        let b = a.clone();
        b.advance(Duration::from_secs(1));
        assert!(a.sleep(Duration::from_secs(2)).now_or_never().is_some());
        assert_eq!(b.elapsed(), Duration::from_secs(3));
        assert_eq!(b.sleeps(), vec![Duration::from_secs(2)]);
        assert_eq!(a.total_slept(), Duration::from_secs(2));
    }

    #[test]
    fn wait_is_not_recorded() {
        let clock = VirtualClock::new();
        assert!(clock.wait(Duration::from_secs(5)).now_or_never().is_some());
        assert_eq!(clock.elapsed(), Duration::from_secs(5));
        assert!(clock.sleeps().is_empty());
    }

    #[test]
    fn manual_sleeps_wake_in_deadline_order() {
        let clock = VirtualClock::manual();
        assert!(clock.is_manual());
        let mut long = clock.sleep(Duration::from_secs(10));
        let mut short = clock.sleep(Duration::from_secs(3));
        assert!((&mut long).now_or_never().is_none());
        assert!((&mut short).now_or_never().is_none());
        assert_eq!(clock.pending_sleeps(), 2);
        assert_eq!(clock.next_wake(), Some(Duration::from_secs(3)));

        assert_eq!(clock.advance_to_next_wake(), Some(Duration::from_secs(3)));
        assert!((&mut short).now_or_never().is_some());
        assert!((&mut long).now_or_never().is_none());

        clock.advance(Duration::from_secs(6));
        assert!((&mut long).now_or_never().is_none(), "9 s < 10 s");
        clock.advance(Duration::from_secs(1));
        assert!(long.now_or_never().is_some());
        assert_eq!(clock.pending_sleeps(), 0);
        assert_eq!(clock.advance_to_next_wake(), None);
        assert_eq!(clock.elapsed(), Duration::from_secs(10));
        assert_eq!(clock.sleeps().len(), 2);
    }

    #[test]
    fn manual_zero_sleep_is_ready() {
        let clock = VirtualClock::manual();
        assert!(clock.sleep(Duration::ZERO).now_or_never().is_some());
        assert_eq!(clock.pending_sleeps(), 0);
    }

    #[test]
    fn manual_advance_wakes_the_task() {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::task::Wake;

        struct Flag(AtomicBool);
        impl Wake for Flag {
            fn wake(self: Arc<Self>) {
                self.0.store(true, Ordering::SeqCst);
            }
        }
        let flag = Arc::new(Flag(AtomicBool::new(false)));
        let waker = Waker::from(flag.clone());
        let mut cx = Context::from_waker(&waker);

        let clock = VirtualClock::manual();
        let mut nap = clock.sleep(Duration::from_secs(1));
        assert!(nap.as_mut().poll(&mut cx).is_pending());
        clock.advance(Duration::from_millis(999));
        assert!(!flag.0.load(Ordering::SeqCst));
        clock.advance(Duration::from_millis(1));
        assert!(flag.0.load(Ordering::SeqCst));
        assert!(nap.as_mut().poll(&mut cx).is_ready());
    }

    #[test]
    fn due_sleeps_are_not_a_next_wake() {
        let clock = VirtualClock::manual();
        let nap = clock.sleep(Duration::from_secs(2));
        clock.advance(Duration::from_secs(5));
        assert_eq!(clock.advance_to_next_wake(), None);
        assert_eq!(clock.elapsed(), Duration::from_secs(5));
        assert!(nap.now_or_never().is_some());
    }
}
