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

/// An in-memory [`DedupeStore`] with a bounded window: a key is remembered for at least
/// `ttl` (and forgotten within a 64th of `ttl` after), and at most `capacity` keys are kept
/// (the oldest go first), so memory stays bounded whatever arrives: about 17 bytes a key
/// (a 64-bit hash in a set and in an arrival queue).
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

/// Keys are kept as 64-bit hashes under a per-store random key (SipHash) instead of two
/// copies of the string, and two different keys collide with odds of about
/// `capacity / 2⁶⁴` (a collision would drop one delivery as a repeat), which nobody outside
/// the process can steer. Arrival times are kept per group of keys that arrived within a
/// 64th of `ttl` of each other, not per key.
#[derive(Debug, Default)]
struct Window {
    keys: HashSet<u64, BuildNoHash>,
    /// The remembered keys, oldest first.
    order: VecDeque<u64>,
    /// Groups of consecutive arrivals, oldest first.
    groups: VecDeque<Group>,
    /// Keys ever added (the arrival number of the next one).
    arrived: u64,
}

/// Consecutive arrivals from `first` up to the next group's `first`.
#[derive(Debug, Clone, Copy)]
struct Group {
    first: u64,
    first_at: Instant,
    last_at: Instant,
}

impl Window {
    /// The arrival number of the oldest remembered key.
    fn front(&self) -> u64 {
        self.arrived - self.order.len() as u64
    }

    /// Forget the oldest key.
    fn pop(&mut self) {
        if let Some(old) = self.order.pop_front() {
            self.keys.remove(&old);
        }
        // Groups whose keys are all gone go too (the next group starts at or before the
        // new front).
        let front = self.front();
        while self.groups.get(1).is_some_and(|next| next.first <= front) {
            self.groups.pop_front();
        }
        if self.order.is_empty() {
            self.groups.clear();
        }
    }
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
        // Forget the groups whose newest key is `ttl` old.
        while let Some(group) = w.groups.front().copied() {
            if now.saturating_duration_since(group.last_at) < self.ttl {
                break;
            }
            let end = w.groups.get(1).map_or(w.arrived, |next| next.first);
            while w.front() < end && !w.order.is_empty() {
                w.pop();
            }
            // `pop` drops emptied groups; a group left (its keys all gone) goes here.
            if w.groups.front().is_some_and(|g| g.first == group.first) {
                w.groups.pop_front();
            }
        }
        while w.order.len() >= self.capacity {
            w.pop();
        }
        if !w.keys.insert(key) {
            return false;
        }
        w.order.push_back(key);
        let arrival = w.arrived;
        w.arrived += 1;
        let grain = self.ttl / 64;
        match w.groups.back_mut() {
            Some(g) if now.saturating_duration_since(g.first_at) < grain => {
                g.last_at = g.last_at.max(now);
            }
            _ => w.groups.push_back(Group {
                first: arrival,
                first_at: now,
                last_at: now,
            }),
        }
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

    /// Keys in one time group share its newest arrival time: none is forgotten before its
    /// own `ttl`, and all are forgotten within a 64th of `ttl` after.
    #[test]
    fn grouped_times_never_forget_early() {
        let t0 = Instant::now();
        let ttl = Duration::from_secs(64);
        let d = InMemoryDedupe::new(ttl, 1_000);
        let ms = Duration::from_millis;
        // Ten keys 100 ms apart: one group (a 64th of the ttl is one second).
        for i in 0..10u64 {
            assert!(d.check(&format!("k{i}"), t0 + ms(100 * i)));
        }
        for i in 0..10u64 {
            // Just before its own ttl, each is still a repeat.
            assert!(
                !d.check(&format!("k{i}"), t0 + ms(100 * i) + ttl - ms(1)),
                "k{i}"
            );
        }
        // A second after the newest one's ttl, all are forgotten.
        let later = t0 + ms(900) + ttl + Duration::from_secs(1);
        for i in 0..10u64 {
            assert!(d.check(&format!("k{i}"), later), "k{i}");
        }
        assert_eq!(d.len(), 10);
    }

    /// Against a plain model (every key with its own arrival time), over random arrivals,
    /// repeats and clock steps: the store answers as the model with its window widened by
    /// at most a 64th of the ttl.
    #[test]
    fn matches_a_per_key_model() {
        // Keys recur about once a ttl: with room for all of them the ttl decides; with room
        // for a third, the capacity does.
        model_check(100);
        model_check(20);
    }

    fn model_check(cap: usize) {
        let t0 = Instant::now();
        let ttl = Duration::from_secs(64);
        let grain = ttl / 64;
        let d = InMemoryDedupe::new(ttl, cap);
        let mut model: VecDeque<(Instant, u32)> = VecDeque::new();
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut now = t0;
        for _ in 0..20_000 {
            now += Duration::from_millis(next() % 2_000);
            let key = u32::try_from(next() % 60).unwrap_or(0);
            // The model: forget what is ttl old, then the oldest beyond the capacity.
            let strict = |m: &VecDeque<(Instant, u32)>, w: Duration| {
                m.iter()
                    .any(|(at, k)| *k == key && now.saturating_duration_since(*at) < w)
            };
            while model
                .front()
                .is_some_and(|(at, _)| now.saturating_duration_since(*at) >= ttl + grain)
            {
                model.pop_front();
            }
            let seen_within_ttl = strict(&model, ttl);
            let seen_within_slack = strict(&model, ttl + grain);
            let first = d.check(&key.to_string(), now);
            // Capacity aside: a key seen within the ttl is a repeat; one not seen within
            // ttl + grain is new.
            let recent_enough = model.iter().rev().take(cap - 1).any(|(_, k)| *k == key);
            if seen_within_ttl && recent_enough {
                assert!(!first, "{key} forgotten early");
            }
            if !seen_within_slack {
                assert!(first, "{key} remembered too long");
            }
            if first {
                model.retain(|(_, k)| *k != key);
                model.push_back((now, key));
            }
            assert!(d.len() <= cap);
        }
    }
}
