//! Recognising a delivery seen before: Slack delivers again what it thinks was not
//! acknowledged in time (Socket Mode re-sends the envelope; the Events API retries the
//! request with the same `event_id`).

use std::collections::VecDeque;
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
/// (the oldest go first), so memory stays bounded whatever arrives: 13 to 19 bytes a key
/// (a 64-bit hash in an arrival queue and a 4-byte reference to it in a hash index).
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
///
/// The keys live once, in arrival order (`order`); `index` is an open-addressing table
/// (linear probing) of 4-byte references into `order`, three eighths to three quarters full:
/// 13 to 19 bytes a key in all, where a set of the hashes beside the queue took 17 to 26.
#[derive(Debug, Default)]
struct Window {
    /// Per slot: 0 when empty, else [`TAG`] and the low 31 bits of the arrival number of
    /// the key it holds (its place in `order` is that number less the front's).
    index: Vec<u32>,
    /// The remembered keys, oldest first.
    order: VecDeque<u64>,
    /// Groups of consecutive arrivals, oldest first.
    groups: VecDeque<Group>,
    /// Keys ever added (the arrival number of the next one).
    arrived: u64,
}

/// Marks a used slot of the index.
const TAG: u32 = 1 << 31;
/// The arrival-number bits a slot keeps.
const LOW: u32 = TAG - 1;
/// The most keys a store keeps (arrival numbers in the index are told apart by 31 bits).
const MAX_CAPACITY: usize = 1 << 30;

/// A key's home slot in an index of `len` slots (a power of two; an empty one gives 0). The
/// keys are SipHash outputs: their low bits are as good as any hash of them.
fn home_slot(len: usize, key: u64) -> usize {
    key as usize & len.saturating_sub(1)
}

/// Put `slot` (for `key`) in the first free place of `index` from the key's home.
fn place(index: &mut [u32], key: u64, slot: u32) {
    let mask = index.len().saturating_sub(1);
    let mut i = home_slot(index.len(), key);
    while let Some(taken) = index.get_mut(i) {
        if *taken == 0 {
            *taken = slot;
            return;
        }
        i = (i + 1) & mask;
    }
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

    /// The key a used slot refers to.
    fn key_of(&self, slot: u32) -> Option<u64> {
        let at = (slot & LOW).wrapping_sub(self.front() as u32 & LOW) & LOW;
        self.order.get(at as usize).copied()
    }

    fn home(&self, key: u64) -> usize {
        home_slot(self.index.len(), key)
    }

    /// Whether `key` is remembered.
    fn contains(&self, key: u64) -> bool {
        if self.index.is_empty() {
            return false;
        }
        let mask = self.index.len() - 1;
        let mut i = self.home(key);
        loop {
            match self.index.get(i).copied() {
                None | Some(0) => return false,
                Some(slot) if self.key_of(slot) == Some(key) => return true,
                Some(_) => i = (i + 1) & mask,
            }
        }
    }

    /// Remember `key` (not remembered yet) as the newest; `capacity` is the store's.
    fn push(&mut self, key: u64, capacity: usize) {
        if (self.order.len() + 1) * 4 > self.index.len() * 3 {
            self.rebuild((self.index.len() * 2).max(16));
        }
        // The queue doubles, but never past the capacity (10,000 keys take 80 KB, not the
        // 128 KB of the next power of two).
        let len = self.order.len();
        if len == self.order.capacity() {
            self.order
                .reserve_exact(len.max(8).min(capacity.saturating_sub(len).max(1)));
        }
        let slot = TAG | (self.arrived as u32 & LOW);
        self.order.push_back(key);
        self.arrived += 1;
        place(&mut self.index, key, slot);
    }

    /// An index of `size` slots (a power of two) over the keys remembered now.
    fn rebuild(&mut self, size: usize) {
        self.index = vec![0; size];
        let front = self.front();
        for (i, key) in self.order.iter().enumerate() {
            place(
                &mut self.index,
                *key,
                TAG | ((front + i as u64) as u32 & LOW),
            );
        }
    }

    /// Forget the oldest key.
    fn pop(&mut self) {
        if let Some(&old) = self.order.front() {
            self.unindex(old);
            self.order.pop_front();
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
        // Shrink after a quiet spell, so the memory follows the keys remembered.
        if self.index.len() > 64 && self.order.len() * 8 < self.index.len() {
            self.rebuild(self.index.len() / 4);
            self.order.shrink_to(self.order.len() * 2);
        }
    }

    /// Take the oldest key (`key`, still at the front of `order`) out of the index, moving
    /// the keys after it in its probe run back so that every key stays reachable from its
    /// home (backward-shift deletion).
    fn unindex(&mut self, key: u64) {
        if self.index.is_empty() {
            return;
        }
        let mask = self.index.len() - 1;
        let target = TAG | (self.front() as u32 & LOW);
        let mut hole = self.home(key);
        loop {
            match self.index.get(hole).copied() {
                None | Some(0) => return, // not indexed (cannot happen)
                Some(slot) if slot == target => break,
                Some(_) => hole = (hole + 1) & mask,
            }
        }
        let mut j = hole;
        loop {
            j = (j + 1) & mask;
            let slot = match self.index.get(j).copied() {
                None | Some(0) => break,
                Some(slot) => slot,
            };
            let Some(k) = self.key_of(slot) else { break };
            let home = self.home(k);
            // The entry at `j` may move to the hole unless its home lies cyclically in
            // (hole, j].
            let stays = if hole <= j {
                hole < home && home <= j
            } else {
                hole < home || home <= j
            };
            if !stays {
                if let Some(h) = self.index.get_mut(hole) {
                    *h = slot;
                }
                hole = j;
            }
        }
        if let Some(h) = self.index.get_mut(hole) {
            *h = 0;
        }
    }

    fn len(&self) -> usize {
        self.order.len()
    }
}

impl InMemoryDedupe {
    /// Remember keys for `ttl`, at most `capacity` of them (at least 1, at most 2³⁰).
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        InMemoryDedupe {
            ttl,
            capacity: capacity.clamp(1, MAX_CAPACITY),
            hasher: std::hash::RandomState::new(),
            inner: Mutex::new(Window::default()),
        }
    }

    /// Keys remembered now.
    pub fn len(&self) -> usize {
        self.inner.lock().map(|w| w.len()).unwrap_or(0)
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
        if w.contains(key) {
            return false;
        }
        let arrival = w.arrived;
        w.push(key, self.capacity);
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

    /// The index against a plain set, through growth, eviction by capacity (with long
    /// probe runs: many keys share a home slot) and shrinking after a quiet spell.
    #[test]
    fn index_matches_a_set() {
        use std::collections::HashSet;
        let cap = 1_000;
        // Arrival numbers cross a multiple of 2³¹ (the index keeps their low 31 bits).
        let mut w = Window {
            arrived: u64::from(u32::MAX) - 20_000,
            ..Window::default()
        };
        let mut set: HashSet<u64> = HashSet::new();
        let mut queue: VecDeque<u64> = VecDeque::new();
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        for round in 0..60_000u64 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            // Few distinct low bits: keys pile up on the same homes.
            let key = if round % 3 == 0 {
                seed & 0xff00_0000_0000_003f
            } else {
                seed % 4_000
            };
            assert_eq!(w.contains(key), set.contains(&key), "round {round}");
            if !set.contains(&key) {
                while queue.len() >= cap {
                    w.pop();
                    let old = queue.pop_front().unwrap_or_default();
                    set.remove(&old);
                }
                w.push(key, cap);
                set.insert(key);
                queue.push_back(key);
            }
            assert_eq!(w.len(), set.len());
        }
        for key in &set {
            assert!(w.contains(*key));
        }
        assert!(w.order.capacity() <= cap, "{}", w.order.capacity());
        // A quiet spell: everything is forgotten, and the memory goes with it.
        while !queue.is_empty() {
            w.pop();
            let old = queue.pop_front().unwrap_or_default();
            assert!(!w.contains(old));
        }
        assert!(w.index.len() <= 64, "{}", w.index.len());
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
