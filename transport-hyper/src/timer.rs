//! Time on tokio: [`TokioTimer`], and [`Timer`] for [`HyperTransport`].

use std::time::Duration;

use slack_core::transport::{BoxFuture, Timer};

use crate::HyperTransport;

/// The tokio timer (`tokio::time::sleep`, and the system clock for `now`), for clients
/// whose transport is not itself a [`Timer`].
///
/// Must be used inside a tokio runtime with the time driver enabled.
///
/// ```no_run
/// use std::time::Duration;
/// use slack_core::transport::Timer;
/// use slack_transport_hyper::TokioTimer;
///
/// # async fn f() {
/// TokioTimer.sleep(Duration::from_millis(10)).await;
/// # }
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioTimer;

impl Timer for TokioTimer {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// The same as [`TokioTimer`].
impl Timer for HyperTransport {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        TokioTimer.sleep(duration)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Paused time: the runtime jumps to the next timer, so an hour passes at once.
    #[tokio::test(start_paused = true)]
    async fn sleeps_on_tokio_time() {
        let start = tokio::time::Instant::now();
        TokioTimer.sleep(Duration::from_secs(3600)).await;
        HyperTransport::builder()
            .no_proxy()
            .build()
            .unwrap()
            .sleep(Duration::from_secs(60))
            .await;
        assert!(start.elapsed() >= Duration::from_secs(3660));
        let _ = TokioTimer.now();
    }
}
