//! A flag that futures can wait on, without naming a runtime.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

/// Raised once; waiters wake. Can be lowered again for the next run.
///
/// Each waiting future holds one entry, replaced when it is polled with another waker and
/// removed when it is dropped: the list holds the live waiters only, however many futures
/// have waited before (a loop that makes a fresh `wait()` per turn costs nothing extra).
#[derive(Debug, Default)]
pub(crate) struct Signal {
    raised: AtomicBool,
    waiters: Mutex<Waiters>,
}

#[derive(Debug, Default)]
struct Waiters {
    next_key: u64,
    entries: Vec<(u64, Waker)>,
}

impl Signal {
    fn lock(&self) -> MutexGuard<'_, Waiters> {
        self.waiters.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn raise(&self) {
        self.raised.store(true, Ordering::SeqCst);
        let entries = std::mem::take(&mut self.lock().entries);
        for (_, w) in entries {
            w.wake();
        }
    }

    pub(crate) fn lower(&self) {
        self.raised.store(false, Ordering::SeqCst);
    }

    pub(crate) fn is_raised(&self) -> bool {
        self.raised.load(Ordering::SeqCst)
    }

    /// Resolves once raised.
    pub(crate) fn wait(&self) -> Wait<'_> {
        Wait {
            signal: self,
            key: None,
        }
    }
}

pub(crate) struct Wait<'a> {
    signal: &'a Signal,
    /// This future's entry in the waiter list, once it has registered.
    key: Option<u64>,
}

impl Future for Wait<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        if this.signal.is_raised() {
            return Poll::Ready(());
        }
        {
            let mut waiters = this.signal.lock();
            let existing = this
                .key
                .and_then(|k| waiters.entries.iter_mut().find(|(key, _)| *key == k));
            match existing {
                Some((_, w)) => {
                    if !w.will_wake(cx.waker()) {
                        w.clone_from(cx.waker());
                    }
                }
                None => {
                    let key = waiters.next_key;
                    waiters.next_key = waiters.next_key.wrapping_add(1);
                    waiters.entries.push((key, cx.waker().clone()));
                    this.key = Some(key);
                }
            }
        }
        // Raised between the check and the registration: do not miss it.
        if this.signal.is_raised() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

impl Drop for Wait<'_> {
    fn drop(&mut self) {
        if let Some(key) = self.key {
            let mut waiters = self.signal.lock();
            if let Some(i) = waiters.entries.iter().position(|(k, _)| *k == key) {
                waiters.entries.swap_remove(i);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::task::noop_waker;

    #[test]
    fn dropped_waiters_leave_the_list() {
        let signal = Signal::default();
        let waker = noop_waker();
        let mut cx = Context::from_waker(&waker);
        for _ in 0..1000 {
            let mut w = signal.wait();
            assert!(Pin::new(&mut w).poll(&mut cx).is_pending());
            assert!(Pin::new(&mut w).poll(&mut cx).is_pending());
        }
        assert!(signal.lock().entries.is_empty());
        let mut live: Vec<_> = (0..3).map(|_| signal.wait()).collect();
        for w in &mut live {
            assert!(Pin::new(w).poll(&mut cx).is_pending());
        }
        assert_eq!(signal.lock().entries.len(), 3);
        signal.raise();
        for w in &mut live {
            assert!(Pin::new(w).poll(&mut cx).is_ready());
        }
        drop(live);
        assert!(signal.lock().entries.is_empty());
    }
}
