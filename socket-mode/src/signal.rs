//! A flag that futures can wait on, without naming a runtime.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::task::{Context, Poll, Waker};

/// Raised once; waiters wake. Can be lowered again for the next run.
#[derive(Debug, Default)]
pub(crate) struct Signal {
    raised: AtomicBool,
    wakers: Mutex<Vec<Waker>>,
}

impl Signal {
    pub(crate) fn raise(&self) {
        self.raised.store(true, Ordering::SeqCst);
        let wakers = match self.wakers.lock() {
            Ok(mut w) => std::mem::take(&mut *w),
            Err(p) => std::mem::take(&mut *p.into_inner()),
        };
        for w in wakers {
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
        Wait { signal: self }
    }
}

pub(crate) struct Wait<'a> {
    signal: &'a Signal,
}

impl Future for Wait<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.signal.is_raised() {
            return Poll::Ready(());
        }
        let mut wakers = match self.signal.wakers.lock() {
            Ok(w) => w,
            Err(p) => p.into_inner(),
        };
        // One entry per task, however often it polls: the list stays bounded.
        if !wakers.iter().any(|w| w.will_wake(cx.waker())) {
            wakers.push(cx.waker().clone());
        }
        drop(wakers);
        // Raised between the check and the registration: do not miss it.
        if self.signal.is_raised() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}
