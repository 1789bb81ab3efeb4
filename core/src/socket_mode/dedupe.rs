//! Recognising a delivery seen before: Slack delivers again what it thinks was not
//! acknowledged in time (Socket Mode re-sends the envelope; the Events API retries the
//! request with the same `event_id`).

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::transport::BoxFuture;

/// The key of an Events API delivery across Slack's re-deliveries, `event:<event_id>`, when
/// the payload (an `event_callback`) has an `event_id`; the same key whether the event came
/// over Socket Mode or HTTP.
///
/// ```
/// use slack_core::socket_mode::event_key;
/// assert_eq!(event_key(r#"{"type":"event_callback","event_id":"Ev1"}"#).as_deref(), Some("event:Ev1"));
/// assert_eq!(event_key(r#"{"type":"event_callback","event_id":""}"#), None);
/// assert_eq!(event_key("not json"), None);
/// ```
pub fn event_key(payload: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct EventId<'a> {
        #[serde(borrow, default)]
        event_id: Option<&'a str>,
    }
    let e: EventId<'_> = serde_json::from_str(payload).ok()?;
    e.event_id
        .filter(|id| !id.is_empty())
        .map(|id| format!("event:{id}"))
}

/// Remembers delivery keys so a second delivery can be dropped before handlers run.
///
/// Asynchronous, so a store shared by several processes (Redis, a database) can implement
/// it; [`InMemoryDedupe`] is the default for one process.
pub trait DedupeStore: Send + Sync + fmt::Debug {
    /// Record `key`, seen at `now`; `true` the first time within the store's window, `false`
    /// for a repeat.
    fn first_seen(&self, key: &str, now: Instant) -> BoxFuture<'_, bool>;
}

/// An in-memory [`DedupeStore`] with a bounded window: a key is remembered for `ttl` and at
/// most `capacity` keys are kept (the oldest go first), so memory stays bounded whatever
/// arrives.
///
/// ```
/// use std::time::{Duration, Instant};
/// use slack_core::socket_mode::{DedupeStore, InMemoryDedupe};
/// # futures_util::FutureExt::now_or_never(async {
/// let store = InMemoryDedupe::new(Duration::from_secs(600), 10_000);
/// let now = Instant::now();
/// assert!(store.first_seen("event:Ev1", now).await);
/// assert!(!store.first_seen("event:Ev1", now).await, "a retry of the same event");
/// # }).unwrap();
/// ```
#[derive(Debug)]
pub struct InMemoryDedupe {
    ttl: Duration,
    capacity: usize,
    hasher: std::hash::RandomState,
    inner: Mutex<Window>,
}

/// Keys are kept as 64-bit hashes under a per-store random key (SipHash): 16 bytes a key
/// instead of two copies of the string, and two different keys collide with odds of about
/// `capacity / 2⁶⁴` (a collision would drop one delivery as a repeat), which nobody outside
/// the process can steer.
#[derive(Debug, Default)]
struct Window {
    keys: HashSet<u64, BuildNoHash>,
    order: VecDeque<(Instant, u64)>,
}

/// The keys are hashes already: the set uses them as they are.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct BuildNoHash;

#[derive(Debug, Default)]
pub(crate) struct NoHash(u64);

impl std::hash::Hasher for NoHash {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used; fold anything else in, for completeness.
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

impl std::hash::BuildHasher for BuildNoHash {
    type Hasher = NoHash;
    fn build_hasher(&self) -> NoHash {
        NoHash::default()
    }
}

impl InMemoryDedupe {
    /// Remember keys for `ttl`, at most `capacity` of them (at least 1).
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        InMemoryDedupe {
            ttl,
            capacity: capacity.max(1),
            hasher: std::hash::RandomState::new(),
            inner: Mutex::new(Window::default()),
        }
    }

    /// Keys remembered now.
    pub fn len(&self) -> usize {
        self.inner.lock().map(|w| w.keys.len()).unwrap_or(0)
    }

    /// Whether no key is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn check(&self, key: &str, now: Instant) -> bool {
        use std::hash::BuildHasher;
        let key = self.hasher.hash_one(key);
        let mut w = match self.inner.lock() {
            Ok(w) => w,
            // A panic elsewhere poisoned the lock; the window is still consistent.
            Err(poisoned) => poisoned.into_inner(),
        };
        while let Some((at, _)) = w.order.front() {
            let expired = now.saturating_duration_since(*at) >= self.ttl;
            if !expired && w.order.len() < self.capacity {
                break;
            }
            if let Some((_, old)) = w.order.pop_front() {
                w.keys.remove(&old);
            }
        }
        if !w.keys.insert(key) {
            return false;
        }
        w.order.push_back((now, key));
        true
    }
}

impl Default for InMemoryDedupe {
    /// Ten minutes, 10,000 keys: longer than Slack's retry schedule (about 5 minutes).
    fn default() -> Self {
        InMemoryDedupe::new(Duration::from_secs(600), 10_000)
    }
}

impl DedupeStore for InMemoryDedupe {
    fn first_seen(&self, key: &str, now: Instant) -> BoxFuture<'_, bool> {
        let first = self.check(key, now);
        Box::pin(std::future::ready(first))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_is_bounded_in_time_and_size() {
        let t0 = Instant::now();
        let d = InMemoryDedupe::new(Duration::from_secs(10), 3);
        assert!(d.check("a", t0));
        assert!(!d.check("a", t0 + Duration::from_secs(9)));
        assert!(
            d.check("a", t0 + Duration::from_secs(10)),
            "forgotten after the ttl"
        );
        for k in ["b", "c", "d", "e"] {
            assert!(d.check(k, t0 + Duration::from_secs(11)));
        }
        assert!(d.len() <= 3);
        assert!(
            d.check("a", t0 + Duration::from_secs(11)),
            "evicted by size"
        );
        for i in 0..100_000 {
            d.check(&i.to_string(), t0 + Duration::from_secs(12));
        }
        assert_eq!(d.len(), 3);
    }
}
