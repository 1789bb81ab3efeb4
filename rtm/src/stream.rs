//! [`EventStream`]: the events of a client as a bounded `Stream`.
//!
//! One queue per stream, shared with the driver. The driver always enqueues (so the few
//! lifecycle events of a connection are never lost) but stops reading the websocket while a
//! queue holds `event_buffer` events or more; the stream wakes it when it takes one below
//! that. A dropped stream unsubscribes and frees its queue at once.

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use futures_util::stream::Stream;

use crate::handlers::Event;

#[derive(Debug, Default)]
struct Queue {
    items: VecDeque<Event>,
    /// The run ended: the stream ends once drained.
    closed: bool,
    /// The stream was dropped.
    gone: bool,
    consumer: Option<Waker>,
    producer: Option<Waker>,
}

/// The driver's side of one stream.
#[derive(Debug)]
pub(crate) struct Subscriber {
    capacity: usize,
    queue: Mutex<Queue>,
}

impl Subscriber {
    pub(crate) fn new(capacity: usize) -> Arc<Self> {
        Arc::new(Subscriber {
            capacity: capacity.max(1),
            queue: Mutex::default(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Enqueue `event` (even past capacity: see the module docs). `false` once the stream
    /// is gone.
    pub(crate) fn push(&self, event: Event) -> bool {
        let waker = {
            let mut q = self.lock();
            if q.gone {
                return false;
            }
            q.items.push_back(event);
            q.consumer.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
        true
    }

    /// Whether the consumer is behind: `capacity` events or more wait.
    pub(crate) fn is_full(&self) -> bool {
        let q = self.lock();
        !q.gone && q.items.len() >= self.capacity
    }

    /// Ready when there is room (or the stream is gone); else wakes `cx` when there is.
    pub(crate) fn poll_room(&self, cx: &mut Context<'_>) -> Poll<()> {
        let mut q = self.lock();
        if q.gone || q.items.len() < self.capacity {
            Poll::Ready(())
        } else {
            q.producer = Some(cx.waker().clone());
            Poll::Pending
        }
    }

    #[cfg(test)]
    pub(crate) fn is_gone(&self) -> bool {
        self.lock().gone
    }

    /// The run ended: the stream yields what is queued, then ends.
    pub(crate) fn close(&self) {
        let waker = {
            let mut q = self.lock();
            q.closed = true;
            q.consumer.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.lock().items.len()
    }
}

/// The events of one run of an [`RtmClient`](crate::RtmClient), in order, from
/// [`RtmClient::events`](crate::RtmClient::events).
///
/// Yields [`Event::Open`], each [`Event::Rtm`], [`Event::Close`] and [`Event::Error`] —
/// what `rtm.on("*", …)` would see — and ends after the run's last event, when
/// [`start`](crate::RtmClient::start) returns. Bounded: a slow consumer pauses the
/// client's reading instead of growing memory (see
/// [backpressure](crate#backpressure-a-slow-consumer)). Dropping it unsubscribes.
#[derive(Debug)]
pub struct EventStream {
    sub: Arc<Subscriber>,
}

impl EventStream {
    pub(crate) fn new(sub: Arc<Subscriber>) -> Self {
        EventStream { sub }
    }
}

impl Stream for EventStream {
    type Item = Event;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Event>> {
        let (item, waker) = {
            let mut q = self.sub.lock();
            match q.items.pop_front() {
                Some(ev) => {
                    let waker = if q.items.len() < self.sub.capacity {
                        q.producer.take()
                    } else {
                        None
                    };
                    (Poll::Ready(Some(ev)), waker)
                }
                None if q.closed => (Poll::Ready(None), None),
                None => {
                    q.consumer = Some(cx.waker().clone());
                    (Poll::Pending, None)
                }
            }
        };
        if let Some(w) = waker {
            w.wake();
        }
        item
    }
}

impl Drop for EventStream {
    fn drop(&mut self) {
        let waker = {
            let mut q = self.sub.lock();
            q.gone = true;
            q.items.clear();
            q.producer.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::{FutureExt, StreamExt};

    fn close_event(n: u16) -> Event {
        Event::Close {
            code: Some(n),
            reason: String::new(),
        }
    }

    #[test]
    fn bounded_queue_signals_room_and_ends_after_close() {
        let sub = Subscriber::new(2);
        let mut stream = EventStream::new(sub.clone());
        assert!(stream.next().now_or_never().is_none(), "empty: pending");
        assert!(sub.push(close_event(1)));
        assert!(!sub.is_full());
        assert!(sub.push(close_event(2)));
        assert!(sub.is_full());
        // Lifecycle events are still taken past capacity.
        assert!(sub.push(close_event(3)));
        assert_eq!(sub.len(), 3);
        let waker = futures_util::task::noop_waker();
        let mut cx = Context::from_waker(&waker);
        assert!(sub.poll_room(&mut cx).is_pending());
        let first = stream.next().now_or_never().flatten();
        assert!(matches!(first, Some(Event::Close { code: Some(1), .. })));
        assert!(sub.poll_room(&mut cx).is_pending(), "2 of 2: still full");
        stream.next().now_or_never();
        assert!(sub.poll_room(&mut cx).is_ready());
        sub.close();
        assert!(matches!(
            stream.next().now_or_never().flatten(),
            Some(Event::Close { code: Some(3), .. })
        ));
        assert!(matches!(stream.next().now_or_never(), Some(None)));
    }

    #[test]
    fn a_dropped_stream_frees_its_queue_and_never_blocks() {
        let sub = Subscriber::new(1);
        let stream = EventStream::new(sub.clone());
        sub.push(close_event(1));
        sub.push(close_event(2));
        assert!(sub.is_full());
        drop(stream);
        assert!(sub.is_gone());
        assert!(!sub.is_full());
        assert_eq!(sub.len(), 0);
        assert!(!sub.push(close_event(3)));
    }
}
