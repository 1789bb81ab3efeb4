//! State shared by a client, its handles and its driver: the stop and reconnect signals and
//! the run/connection status behind `is_connected` and `wait_open`. Depends on nothing else
//! in the crate but the error type.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::task::{Poll, Waker};

use futures_util::future;
use futures_util::task::AtomicWaker;

use crate::RtmError;

// ===== Flag =====

/// A level-triggered flag with one waiter (the driver).
#[derive(Debug, Default)]
pub(crate) struct Flag {
    set: AtomicBool,
    waker: AtomicWaker,
}

impl Flag {
    pub(crate) fn raise(&self) {
        self.set.store(true, Ordering::SeqCst);
        self.waker.wake();
    }

    pub(crate) fn is_raised(&self) -> bool {
        self.set.load(Ordering::SeqCst)
    }

    /// Lower the flag; whether it was raised.
    pub(crate) fn take(&self) -> bool {
        self.set.swap(false, Ordering::SeqCst)
    }

    /// Completes once the flag is raised.
    pub(crate) fn wait(&self) -> impl Future<Output = ()> + '_ {
        future::poll_fn(move |cx| {
            if self.is_raised() {
                return Poll::Ready(());
            }
            self.waker.register(cx.waker());
            if self.is_raised() {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
    }
}

// ===== Status =====

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Not running.
    Idle,
    /// Running, no `hello` on the current connection (connecting, backing off).
    Running,
    /// Running, and the current connection said `hello`.
    Open,
}

#[derive(Debug)]
struct StatusInner {
    phase: Phase,
    /// Runs started so far; the current run's number while running.
    runs: u64,
    /// How the last run ended: its number, and its error (`Stopped` for a clean stop).
    last_end: Option<(u64, RtmError)>,
    waiters: Vec<Waker>,
}

/// The run and connection status, with wakers for `wait_open`.
#[derive(Debug)]
pub(crate) struct Status {
    inner: Mutex<StatusInner>,
}

impl Default for Status {
    fn default() -> Self {
        Status {
            inner: Mutex::new(StatusInner {
                phase: Phase::Idle,
                runs: 0,
                last_end: None,
                waiters: Vec::new(),
            }),
        }
    }
}

impl Status {
    fn lock(&self) -> MutexGuard<'_, StatusInner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn set(&self, f: impl FnOnce(&mut StatusInner)) {
        let waiters = {
            let mut s = self.lock();
            f(&mut s);
            std::mem::take(&mut s.waiters)
        };
        for w in waiters {
            w.wake();
        }
    }

    /// Claim the client for a run, calling `reset` under the lock first (so that nothing
    /// sees the run before its signals are cleared); `false` when it is already running.
    pub(crate) fn begin_run(&self, reset: impl FnOnce()) -> bool {
        let mut began = false;
        self.set(|s| {
            if s.phase == Phase::Idle {
                reset();
                s.phase = Phase::Running;
                s.runs += 1;
                began = true;
            }
        });
        began
    }

    /// The current connection said `hello` (`true`) or ended (`false`).
    pub(crate) fn set_open(&self, open: bool) {
        self.set(|s| {
            if s.phase != Phase::Idle {
                s.phase = if open { Phase::Open } else { Phase::Running };
            }
        });
    }

    /// The run ended: `Ok` for a stop.
    pub(crate) fn end_run(&self, result: &Result<(), RtmError>) {
        self.set(|s| {
            s.phase = Phase::Idle;
            let err = result.clone().err().unwrap_or(RtmError::Stopped);
            s.last_end = Some((s.runs, err));
        });
    }

    pub(crate) fn is_open(&self) -> bool {
        self.lock().phase == Phase::Open
    }

    pub(crate) fn is_running(&self) -> bool {
        self.lock().phase != Phase::Idle
    }

    /// Resolves when a connection is open. Waits for the run in progress or, when none is,
    /// for the next one — except that a client whose last run *failed* (fatal, closed)
    /// answers that error at once. Fails when the awaited run ends before its `hello`.
    /// The run is the one current when this is *called* (not first polled).
    pub(crate) fn wait_open(&self) -> impl Future<Output = Result<(), RtmError>> + '_ {
        // The first run whose end fails this wait.
        let awaited = {
            let s = self.lock();
            match (&s.phase, &s.last_end) {
                (Phase::Idle, Some((run, e))) if *e != RtmError::Stopped => *run,
                (Phase::Idle, _) => s.runs + 1,
                _ => s.runs,
            }
        };
        future::poll_fn(move |cx| {
            let mut s = self.lock();
            if s.phase == Phase::Open {
                return Poll::Ready(Ok(()));
            }
            if let Some((run, e)) = &s.last_end {
                if *run >= awaited {
                    return Poll::Ready(Err(e.clone()));
                }
            }
            if !s.waiters.iter().any(|w| w.will_wake(cx.waker())) {
                s.waiters.push(cx.waker().clone());
            }
            Poll::Pending
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::FutureExt;

    #[test]
    fn wait_open_follows_runs() {
        let status = Status::default();
        assert!(!status.is_running());
        // Before any run: waits for one.
        let mut w = Box::pin(status.wait_open());
        assert!((&mut w).now_or_never().is_none());
        assert!(status.begin_run(|| {}));
        assert!(
            !status.begin_run(|| panic!("not reset while running")),
            "one run at a time"
        );
        assert!((&mut w).now_or_never().is_none());
        status.set_open(true);
        assert_eq!(w.now_or_never(), Some(Ok(())));
        assert!(status.is_open());
        // A connection ends: waits for the next hello; the run is stopped: fails.
        status.set_open(false);
        let mut w = Box::pin(status.wait_open());
        assert!((&mut w).now_or_never().is_none());
        status.end_run(&Ok(()));
        assert_eq!(w.now_or_never(), Some(Err(RtmError::Stopped)));
        // After a clean stop a new wait is for the next run.
        let mut w = Box::pin(status.wait_open());
        assert!((&mut w).now_or_never().is_none());
        status.begin_run(|| {});
        status.end_run(&Err(RtmError::Fatal("invalid_auth".into())));
        assert_eq!(
            w.now_or_never(),
            Some(Err(RtmError::Fatal("invalid_auth".into())))
        );
        // A failed last run answers at once.
        assert_eq!(
            status.wait_open().now_or_never(),
            Some(Err(RtmError::Fatal("invalid_auth".into())))
        );
    }

    #[test]
    fn flag_take_lowers_it() {
        let f = Flag::default();
        assert!(!f.take());
        f.raise();
        assert!(f.wait().now_or_never().is_some());
        assert!(f.take());
        assert!(!f.is_raised());
        assert!(f.wait().now_or_never().is_none());
    }
}
