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
    let mut deadline = None;
    bounded(sender.send(message), &mut deadline, timer, limit).await
}

/// Write every message `messages` yields with one flush at the end
/// ([`WsSender::feed`], then [`WsSender::flush`]), or fail with a
/// [`TransportErrorKind::Timeout`] error when the whole write has not completed within
/// `limit`. A burst of acknowledgements then costs one system call, not one each.
///
/// As with [`send_within`], a write that completes at once never starts a timer, and after a
/// failure the connection is unusable. Messages after a failed one are not taken from
/// `messages`.
pub async fn write_within(
    sender: &mut (dyn WsSender + '_),
    messages: impl IntoIterator<Item = WsMessage>,
    timer: &dyn Timer,
    limit: Duration,
) -> Result<(), TransportError> {
    let mut deadline = None;
    let mut fed = false;
    for message in messages {
        bounded(sender.feed(message), &mut deadline, timer, limit).await?;
        fed = true;
    }
    if !fed {
        return Ok(());
    }
    bounded(sender.flush(), &mut deadline, timer, limit).await
}

/// `step`, raced against a deadline `limit` long that starts (once, into `deadline`, shared
/// by the steps of one write) the first time a step is not done at once.
async fn bounded(
    mut step: BoxFuture<'_, Result<(), TransportError>>,
    deadline: &mut Option<BoxFuture<'static, ()>>,
    timer: &dyn Timer,
    limit: Duration,
) -> Result<(), TransportError> {
    poll_fn(|cx| {
        if let Poll::Ready(result) = step.as_mut().poll(cx) {
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

    /// A sender with a queue: records what it was asked to do, and fails or stalls where
    /// told to.
    #[derive(Debug, Default)]
    struct Queued {
        log: Vec<String>,
        fail_feed_at: Option<usize>,
        stuck_flush: bool,
    }
    impl WsSender for Queued {
        fn send(&mut self, m: WsMessage) -> BoxFuture<'_, Result<(), TransportError>> {
            self.log.push(format!("send {m:?}"));
            Box::pin(std::future::ready(Ok(())))
        }
        fn feed(&mut self, m: WsMessage) -> BoxFuture<'_, Result<(), TransportError>> {
            let n = self.log.iter().filter(|l| l.starts_with("feed")).count();
            self.log.push(format!("feed {m:?}"));
            if self.fail_feed_at == Some(n) {
                let e = TransportError::new(TransportErrorKind::ConnectionDropped, "gone");
                return Box::pin(std::future::ready(Err(e)));
            }
            Box::pin(std::future::ready(Ok(())))
        }
        fn flush(&mut self) -> BoxFuture<'_, Result<(), TransportError>> {
            self.log.push("flush".into());
            if self.stuck_flush {
                Box::pin(std::future::pending())
            } else {
                Box::pin(std::future::ready(Ok(())))
            }
        }
    }

    fn texts(n: usize) -> impl Iterator<Item = WsMessage> {
        (0..n).map(|i| WsMessage::Text(i.to_string()))
    }

    #[test]
    fn a_write_feeds_every_message_then_flushes_once() {
        let timer = Counting::default();
        let limit = Duration::from_secs(3);
        let mut q = Queued::default();
        let w = write_within(&mut q, texts(3), &timer, limit);
        assert!(matches!(w.now_or_never(), Some(Ok(()))));
        assert_eq!(
            q.log,
            [
                "feed Text(\"0\")",
                "feed Text(\"1\")",
                "feed Text(\"2\")",
                "flush"
            ]
        );
        assert!(
            timer.sleeps.lock().unwrap().is_empty(),
            "no timer when quick"
        );

        // Nothing to write: no flush either.
        let mut q = Queued::default();
        let w = write_within(&mut q, texts(0), &timer, limit);
        assert!(matches!(w.now_or_never(), Some(Ok(()))));
        assert!(q.log.is_empty());
    }

    #[test]
    fn a_failed_feed_stops_the_write_and_a_stuck_flush_times_out() {
        let timer = Counting::default();
        let limit = Duration::from_secs(3);
        let mut q = Queued {
            fail_feed_at: Some(1),
            ..Queued::default()
        };
        let mut taken = 0;
        let messages = texts(5).inspect(|_| taken += 1);
        let w = write_within(&mut q, messages, &timer, limit);
        let Some(Err(e)) = w.now_or_never() else {
            panic!("the failed feed did not fail the write")
        };
        assert_eq!(e.kind(), TransportErrorKind::ConnectionDropped);
        assert_eq!(taken, 2, "no message is taken after the failure");
        assert!(!q.log.iter().any(|l| l == "flush"));

        let mut q = Queued {
            stuck_flush: true,
            ..Queued::default()
        };
        let w = write_within(&mut q, texts(2), &timer, limit);
        assert!(
            w.now_or_never().is_none(),
            "waits while the deadline is ahead"
        );
        assert_eq!(*timer.sleeps.lock().unwrap(), vec![limit]);
        let timer = Counting {
            fire: true,
            ..Counting::default()
        };
        let w = write_within(&mut q, texts(2), &timer, limit);
        let Some(Err(e)) = w.now_or_never() else {
            panic!("no timeout")
        };
        assert_eq!(e.kind(), TransportErrorKind::Timeout);
    }

    #[test]
    fn a_sender_without_a_queue_sends_what_is_fed() {
        let timer = Counting::default();
        let mut s = Sender { stuck: false };
        let w = write_within(&mut s, texts(4), &timer, Duration::from_secs(3));
        assert!(matches!(w.now_or_never(), Some(Ok(()))));
    }
}
