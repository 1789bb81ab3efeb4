//! A websocket send with a deadline, for the RTM and Socket Mode drivers: a send the peer
//! never takes (a full TCP window towards a half-dead server) must not stall the driver, or
//! nothing else — pings, staleness, reconnects — gets a turn.

use std::future::poll_fn;
use std::task::Poll;
use std::time::Duration;

use crate::transport::{BoxFuture, Timer, TransportError, TransportErrorKind, WsMessage, WsSender};

/// Send `message` on `sender`, or fail with a [`TransportErrorKind::Timeout`] error when it
/// has not completed within `limit` of `timer`'s time. A timed-out send may have been
/// partly written: the connection is unusable afterwards, and the caller closes it (drops
/// the sender) and reconnects.
///
/// A send that completes at once never starts a timer. With a zero `limit`, a send that
/// does not complete at once fails.
///
/// ```
/// use std::time::Duration;
/// use slack_core::rtm::send_within;
/// use slack_core::transport::{BoxFuture, Timer, TransportError, WsMessage, WsSender};
///
/// #[derive(Debug)]
/// struct Stuck;
/// impl WsSender for Stuck {
///     fn send(&mut self, _: WsMessage) -> BoxFuture<'_, Result<(), TransportError>> {
///         Box::pin(std::future::pending())
///     }
/// }
/// #[derive(Debug)]
/// struct NoWait;
/// impl Timer for NoWait {
///     fn sleep(&self, _: Duration) -> BoxFuture<'static, ()> {
///         Box::pin(std::future::ready(()))
///     }
/// }
///
/// use futures_util::FutureExt;
/// let mut sender = Stuck;
/// let message = WsMessage::Text("{}".into());
/// let send = send_within(&mut sender, message, &NoWait, Duration::from_secs(10));
/// let Some(Err(err)) = send.now_or_never() else { panic!("the send did not time out") };
/// assert_eq!(err.kind(), slack_core::transport::TransportErrorKind::Timeout);
/// ```
pub async fn send_within(
    sender: &mut (dyn WsSender + '_),
    message: WsMessage,
    timer: &dyn Timer,
    limit: Duration,
) -> Result<(), TransportError> {
    let mut send = sender.send(message);
    let mut deadline: Option<BoxFuture<'static, ()>> = None;
    poll_fn(|cx| {
        if let Poll::Ready(result) = send.as_mut().poll(cx) {
            return Poll::Ready(result);
        }
        let sleep = deadline.get_or_insert_with(|| timer.sleep(limit));
        match sleep.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(TransportError::new(
                TransportErrorKind::Timeout,
                format!("a websocket send did not complete within {limit:?}"),
            ))),
            Poll::Pending => Poll::Pending,
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::FutureExt;
    use std::sync::{Arc, Mutex};

    #[derive(Debug, Default)]
    struct Counting {
        sleeps: Arc<Mutex<Vec<Duration>>>,
        fire: bool,
    }
    impl Timer for Counting {
        fn sleep(&self, d: Duration) -> BoxFuture<'static, ()> {
            self.sleeps
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(d);
            if self.fire {
                Box::pin(std::future::ready(()))
            } else {
                Box::pin(std::future::pending())
            }
        }
    }

    #[derive(Debug)]
    struct Sender {
        stuck: bool,
    }
    impl WsSender for Sender {
        fn send(&mut self, _: WsMessage) -> BoxFuture<'_, Result<(), TransportError>> {
            if self.stuck {
                Box::pin(std::future::pending())
            } else {
                Box::pin(std::future::ready(Ok(())))
            }
        }
    }

    #[test]
    fn a_quick_send_starts_no_timer_and_a_stuck_one_times_out() {
        let mut quick_sender = Sender { stuck: false };
        let mut stuck_sender = Sender { stuck: true };
        let timer = Counting::default();
        let limit = Duration::from_secs(3);
        let quick = send_within(
            &mut quick_sender,
            WsMessage::Ping(Default::default()),
            &timer,
            limit,
        );
        assert!(matches!(quick.now_or_never(), Some(Ok(()))));
        assert!(timer.sleeps.lock().unwrap().is_empty());

        let stuck = send_within(
            &mut stuck_sender,
            WsMessage::Ping(Default::default()),
            &timer,
            limit,
        );
        assert!(
            stuck.now_or_never().is_none(),
            "waits while the deadline is ahead"
        );
        assert_eq!(*timer.sleeps.lock().unwrap(), vec![limit]);

        let timer = Counting {
            fire: true,
            ..Counting::default()
        };
        let stuck = send_within(
            &mut stuck_sender,
            WsMessage::Ping(Default::default()),
            &timer,
            limit,
        );
        let Some(Err(e)) = stuck.now_or_never() else {
            panic!("no timeout")
        };
        assert_eq!(e.kind(), TransportErrorKind::Timeout);
    }
}
