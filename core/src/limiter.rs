//! Proactive rate limiting: wait for a slot instead of hitting Slack's 429.
//!
//! A [`RateLimiter`] is shared by every clone of a client. Before each attempt the driver asks
//! it for a slot for the call's [`LimitKey`] (the method, and the channel for
//! `chat.postMessage`); the limiter answers how long to wait. Slots are handed out in request
//! order (first come, first served), so waiting callers are served fairly. When Slack answers
//! 429 anyway, [`RateLimiter::pause`] stops every caller of that key until `Retry-After` has
//! passed, not only the one that got it.
//!
//! [`InMemoryLimiter`] implements it for one process with the generic cell rate algorithm
//! (GCRA) per key. The trait is async so that a shared store (Redis, for bots running on many
//! machines) can implement it.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::method::{MethodInfo, RateTier};
use crate::request::Args;
use crate::token::Token;
use crate::transport::BoxFuture;

/// What a rate limit applies to: a method in one workspace, and for `chat.postMessage` one
/// channel.
///
/// The workspace part never holds a token: it is a short SHA-256 digest of the token (plus
/// the `team_id` for org-wide apps), so a `LimitKey` is safe to log.
///
/// ```
/// use slack_core::limiter::LimitKey;
/// use slack_core::{method, Args, Token};
///
/// let post = method::lookup("chat.postMessage").unwrap();
/// let a = LimitKey::for_call(post, &Args::new().set("channel", "#General"))
///     .in_workspace(Some(&Token::new("xoxb-1")), None);
/// assert_eq!(a.channel.as_deref(), Some("#general"));
/// assert!(!format!("{a:?}").contains("xoxb-1"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LimitKey {
    /// The workspace: a digest of the token, and the team for org-wide apps (`None` when
    /// the call has neither). Slack counts limits per app per workspace.
    pub workspace: Option<String>,
    /// The method.
    pub method: String,
    /// The channel, for limits per channel (`chat.postMessage`), normalised by
    /// [`LimitKey::normalise_channel`].
    pub channel: Option<String>,
}

impl LimitKey {
    /// The key for a call of `info` with `args` (no workspace yet; see
    /// [`in_workspace`](Self::in_workspace)).
    pub fn for_call(info: &MethodInfo, args: &Args) -> LimitKey {
        let channel = if info.name == "chat.postMessage" {
            args.get("channel")
                .and_then(|v| v.as_str())
                .and_then(LimitKey::normalise_channel)
        } else {
            None
        };
        LimitKey {
            workspace: None,
            method: info.name.to_owned(),
            channel,
        }
    }

    /// The same key in the workspace of `token` (and `team`, the `team_id` of an org-wide
    /// app's call). The token itself is not kept: only the first 8 bytes of its SHA-256, in
    /// hex.
    pub fn in_workspace(self, token: Option<&Token>, team: Option<&str>) -> LimitKey {
        let digest = token.and_then(workspace_digest);
        self.in_workspace_digest(digest.as_deref(), team)
    }

    /// [`in_workspace`](Self::in_workspace) with the token's [`workspace_digest`] already
    /// worked out (a client keeps its own token's).
    pub fn in_workspace_digest(mut self, digest: Option<&str>, team: Option<&str>) -> LimitKey {
        self.workspace = match (digest, team) {
            (Some(d), Some(t)) => Some(format!("{d}/{t}")),
            (Some(d), None) => Some(d.to_owned()),
            (None, Some(t)) => Some(format!("-/{t}")),
            (None, None) => None,
        };
        self
    }

    /// One spelling per channel where the argument allows it: an ID (`C0123ABCD`, `G…`,
    /// `D…`, or a user ID for a DM) stays as given; a name, with or without `#`, becomes
    /// `#name` in lower case (Slack's channel names are lower case). Blank gives `None`.
    ///
    /// A name and its ID are still two spellings here; [`InMemoryLimiter`] learns which ID a
    /// name stands for from Slack's answers ([`RateLimiter::learn_channel`]) and from then on
    /// counts both as one.
    ///
    /// ```
    /// use slack_core::limiter::LimitKey;
    /// assert_eq!(LimitKey::normalise_channel(" #Random ").as_deref(), Some("#random"));
    /// assert_eq!(LimitKey::normalise_channel("random").as_deref(), Some("#random"));
    /// assert_eq!(LimitKey::normalise_channel("C0123ABCD").as_deref(), Some("C0123ABCD"));
    /// ```
    pub fn normalise_channel(channel: &str) -> Option<String> {
        let c = channel.trim();
        if c.is_empty() {
            return None;
        }
        if is_conversation_id(c) {
            return Some(c.to_owned());
        }
        let name = c.trim_start_matches('#');
        Some(format!("#{}", name.to_lowercase()))
    }

    /// Whether the channel part is a name (`#name`) rather than an ID.
    fn channel_is_name(&self) -> bool {
        self.channel.as_deref().is_some_and(|c| c.starts_with('#'))
    }
}

/// `C…`, `G…`, `D…`, `U…`, `W…` followed by upper-case letters and digits.
fn is_conversation_id(s: &str) -> bool {
    let mut bytes = s.bytes();
    matches!(bytes.next(), Some(b'C' | b'G' | b'D' | b'U' | b'W'))
        && s.len() >= 7
        && bytes.all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// A sustained rate with a burst allowance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// Time between two calls at the sustained rate.
    pub interval: Duration,
    /// Calls allowed back to back before the sustained rate applies (at least 1).
    pub burst: u32,
}

impl Rate {
    /// `n` calls per minute with a burst of `burst`.
    pub fn per_minute(n: u32, burst: u32) -> Rate {
        Rate {
            interval: Duration::from_secs(60) / n.max(1),
            burst: burst.max(1),
        }
    }

    /// The rate [`RateTable::slack`] gives `info`.
    pub fn for_method(info: &MethodInfo) -> Option<Rate> {
        RateTable::slack().rate(info)
    }
}

/// The allowance per method tier that a limiter paces calls to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateTable {
    /// Calls per minute for tiers 1 to 4.
    pub tiers_per_minute: [u32; 4],
    /// `chat.postMessage` calls per minute per channel.
    pub post_message_per_minute: u32,
    /// Calls allowed back to back before the sustained rate applies (capped by each tier's
    /// per-minute allowance).
    pub burst: u32,
}

impl Default for RateTable {
    fn default() -> Self {
        RateTable::slack()
    }
}

impl RateTable {
    /// Slack's documented tiers: Tier 1 1/min, Tier 2 20/min, Tier 3 50/min, Tier 4
    /// 100/min; `chat.postMessage` 1 per second per channel; bursts of 3. Slack tolerates
    /// short bursts above these; staying under them keeps 429s away.
    pub fn slack() -> Self {
        RateTable {
            tiers_per_minute: [1, 20, 50, 100],
            post_message_per_minute: 60,
            burst: 3,
        }
    }

    /// Custom allowances (for example a Slack emulator configured with other limits).
    pub fn new(tiers_per_minute: [u32; 4], post_message_per_minute: u32, burst: u32) -> Self {
        RateTable {
            tiers_per_minute,
            post_message_per_minute,
            burst,
        }
    }

    /// The pace for `info`; `None` when its tier gives no number (special limits).
    pub fn rate(&self, info: &MethodInfo) -> Option<Rate> {
        let n = if info.name == "chat.postMessage" {
            self.post_message_per_minute
        } else {
            match info.tier {
                RateTier::Tier1 => self.tiers_per_minute[0],
                RateTier::Tier2 => self.tiers_per_minute[1],
                RateTier::Tier3 => self.tiers_per_minute[2],
                RateTier::Tier4 => self.tiers_per_minute[3],
                RateTier::Special(_) | RateTier::Unknown => return None,
            }
        };
        Some(Rate::per_minute(n, self.burst.min(n)))
    }
}

/// A reserved call slot, returned by [`RateLimiter::acquire`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    /// When the call may be sent.
    pub start: Instant,
    /// The limiter's own tag for the reservation (for [`InMemoryLimiter`], the pause epoch
    /// it was made in); callers hand it back unchanged.
    pub ticket: u64,
}

/// Hands out call slots. Shared by all clones of a client.
///
/// The driver's protocol for one attempt (what [`WebClient`](crate::WebClient) does):
/// 1. [`acquire`](Self::acquire) a [`Slot`]; if its start is past what remains of the call's
///    time budget, [`release`](Self::release) it and fail without sending;
/// 2. sleep until the slot's start, then [`confirm`](Self::confirm) it: a 429 since the
///    reservation ([`pause`](Self::pause)) may move it, and the driver sleeps again;
/// 3. send. A call dropped (or failed) before sending releases its slot, so cancelled calls
///    do not slow the others down.
pub trait RateLimiter: Send + Sync + fmt::Debug {
    /// Reserve the next slot for `key` at or after `now`. The caller must wait until
    /// `slot.start`, confirm and then call, or release the slot.
    fn acquire(&self, key: &LimitKey, rate: Rate, now: Instant) -> BoxFuture<'_, Slot>;

    /// The caller woke at `now` for `slot`: `None` means go; `Some(new)` means a pause came
    /// in meanwhile and `new` (already reserved) replaces it. The default says go.
    fn confirm(
        &self,
        key: &LimitKey,
        rate: Rate,
        slot: Slot,
        now: Instant,
    ) -> BoxFuture<'_, Option<Slot>> {
        let _ = (key, rate, slot, now);
        Box::pin(std::future::ready(None))
    }

    /// `slot` will not be used (the call was dropped, or could not wait that long): give it
    /// to someone else. The default does nothing (the slot is lost, which only slows
    /// later callers down).
    fn release(&self, key: &LimitKey, rate: Rate, slot: Slot) {
        let _ = (key, rate, slot);
    }

    /// Slack answered 429 (or `ratelimited`): nobody calls `key` before `until`, including
    /// callers already waiting for an earlier slot.
    fn pause(&self, key: &LimitKey, rate: Rate, until: Instant);

    /// Slack said the channel named in `key` (`#name`) has the ID `id`: count both
    /// spellings as one channel from now on. The default ignores it.
    fn learn_channel(&self, key: &LimitKey, id: &str) {
        let _ = (key, id);
    }
}

/// The generic cell rate algorithm for one key: the sans-IO heart of [`InMemoryLimiter`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gcra {
    /// Theoretical arrival time of the next call at the sustained rate.
    tat: Option<Instant>,
}

impl Default for Gcra {
    fn default() -> Self {
        Gcra::new()
    }
}

impl Gcra {
    /// An idle cell.
    pub fn new() -> Self {
        Gcra { tat: None }
    }

    /// Reserve the next slot at or after `now`; returns when it starts.
    pub fn reserve(&mut self, rate: Rate, now: Instant) -> Instant {
        let tau = rate.interval * (rate.burst.saturating_sub(1));
        let tat = self.tat.map_or(now, |t| t.max(now));
        let start = tat.checked_sub(tau).map_or(now, |s| s.max(now));
        self.tat = Some(tat + rate.interval);
        start
    }

    /// Admit a call at `now` only if it conforms to `rate` (the burst is not used up):
    /// `Ok` counts it, `Err` says how long until one would conform and counts nothing.
    ///
    /// This is the policing form of the algorithm, for a server answering 429 (the Slack
    /// emulator); [`reserve`](Self::reserve) is the shaping form, for a client that waits.
    pub fn try_admit(&mut self, rate: Rate, now: Instant) -> Result<(), Duration> {
        let tau = rate.interval * (rate.burst.saturating_sub(1));
        let tat = self.tat.map_or(now, |t| t.max(now));
        if let Some(allowed_at) = tat.checked_sub(tau) {
            if allowed_at > now {
                return Err(allowed_at - now);
            }
        }
        self.tat = Some(tat + rate.interval);
        Ok(())
    }

    /// Undo the most recent [`reserve`](Self::reserve) (a slot that will not be used).
    pub fn unreserve(&mut self, rate: Rate) {
        self.tat = self.tat.and_then(|t| t.checked_sub(rate.interval));
    }

    /// Whether the cell is back to its idle state at `now` (so it can be forgotten).
    pub fn is_idle(&self, now: Instant) -> bool {
        self.tat.is_none_or(|t| t <= now)
    }

    /// No slot starts before `until`.
    pub fn pause(&mut self, rate: Rate, until: Instant) {
        let tau = rate.interval * (rate.burst.saturating_sub(1));
        let floor = until + tau;
        self.tat = Some(self.tat.map_or(floor, |t| t.max(floor)));
    }
}

/// A [`RateLimiter`] for one process.
///
/// Memory stays bounded whatever the number of keys: a key whose cell is idle again (its
/// last slot is in the past and no pause is pending) is forgotten in an amortised sweep,
/// and past [`max_keys`](Self::max_keys) busy keys the ones whose slots end soonest are
/// forgotten too (those few keys may then see one extra burst, which Slack's 429 and the
/// retry policy still cover). Learnt channel names are capped the same way.
///
/// ```
/// use std::time::{Duration, Instant};
/// use slack_core::limiter::{InMemoryLimiter, LimitKey, Rate, RateLimiter};
///
/// let limiter = InMemoryLimiter::new();
/// let key = LimitKey { workspace: None, method: "conversations.list".into(), channel: None };
/// let rate = Rate::per_minute(60, 1);
/// let now = Instant::now();
/// # use futures_util::FutureExt;
/// let first = limiter.acquire(&key, rate, now).now_or_never().unwrap();
/// let second = limiter.acquire(&key, rate, now).now_or_never().unwrap();
/// assert_eq!(second.start - first.start, Duration::from_secs(1));
/// ```
#[derive(Debug)]
pub struct InMemoryLimiter {
    state: Mutex<State>,
    max_keys: usize,
}

#[derive(Debug, Default)]
struct Cell {
    gcra: Gcra,
    /// The epoch of the last pause; slots reserved before it are moved.
    paused_epoch: u64,
    /// The start of the most recent reservation, which [`Gcra::unreserve`] can undo.
    last_start: Option<Instant>,
    /// Released slots not at the end of the queue, handed to the next callers.
    holes: Vec<Instant>,
}

#[derive(Debug, Default)]
struct State {
    cells: HashMap<LimitKey, Cell>,
    /// `(workspace, #name)` to channel ID.
    aliases: HashMap<(Option<String>, String), String>,
    epoch: u64,
    next_sweep: usize,
}

const MIN_SWEEP: usize = 1024;

impl Default for InMemoryLimiter {
    fn default() -> Self {
        InMemoryLimiter {
            state: Mutex::default(),
            max_keys: 100_000,
        }
    }
}

impl InMemoryLimiter {
    /// An empty limiter that keeps at most 100,000 keys.
    pub fn new() -> Self {
        InMemoryLimiter::default()
    }

    /// At most `n` keys (and `n` learnt channel names) are kept (default 100,000; at least
    /// 16).
    pub fn max_keys(mut self, n: usize) -> Self {
        self.max_keys = n.max(16);
        self
    }

    /// How many keys are held now (for monitoring and tests).
    pub fn key_count(&self) -> usize {
        self.lock().cells.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A poisoned lock only means another caller panicked mid-update; every cell is
        // still a valid GCRA state, so keep using it.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl State {
    /// `key` with a learnt channel ID in place of its name.
    fn resolve(&self, key: &LimitKey) -> LimitKey {
        let mut k = key.clone();
        if key.channel_is_name() {
            if let Some(c) = &key.channel {
                if let Some(id) = self.aliases.get(&(key.workspace.clone(), c.clone())) {
                    k.channel = Some(id.clone());
                }
            }
        }
        k
    }

    fn reserve(&mut self, key: LimitKey, rate: Rate, now: Instant, max_keys: usize) -> Slot {
        let epoch = self.epoch;
        if !self.cells.contains_key(&key) {
            self.sweep(now, max_keys);
        }
        let cell = self.cells.entry(key).or_default();
        cell.holes.retain(|h| *h >= now);
        if let Some((i, _)) = cell.holes.iter().enumerate().min_by_key(|(_, h)| **h) {
            let start = cell.holes.swap_remove(i);
            return Slot {
                start,
                ticket: epoch,
            };
        }
        let start = cell.gcra.reserve(rate, now);
        cell.last_start = Some(start);
        Slot {
            start,
            ticket: epoch,
        }
    }

    /// Forget idle cells once the map has doubled since the last sweep, then the busiest
    /// overflow past `max_keys`.
    fn sweep(&mut self, now: Instant, max_keys: usize) {
        if self.cells.len() < self.next_sweep.max(MIN_SWEEP).min(max_keys) {
            return;
        }
        self.cells.retain(|_, c| !c.gcra.is_idle(now));
        if self.cells.len() >= max_keys {
            // Keep the three quarters whose slots run longest.
            let mut tats: Vec<Option<Instant>> = self.cells.values().map(|c| c.gcra.tat).collect();
            let drop = self.cells.len() - max_keys * 3 / 4;
            let (_, cutoff, _) = tats.select_nth_unstable(drop);
            let cutoff = *cutoff;
            let mut dropped = 0;
            self.cells.retain(|_, c| {
                if dropped < drop && c.gcra.tat <= cutoff {
                    dropped += 1;
                    false
                } else {
                    true
                }
            });
        }
        self.next_sweep = (self.cells.len() * 2).max(MIN_SWEEP);
    }
}

impl RateLimiter for InMemoryLimiter {
    fn acquire(&self, key: &LimitKey, rate: Rate, now: Instant) -> BoxFuture<'_, Slot> {
        let mut state = self.lock();
        let key = state.resolve(key);
        let slot = state.reserve(key, rate, now, self.max_keys);
        Box::pin(std::future::ready(slot))
    }

    fn confirm(
        &self,
        key: &LimitKey,
        rate: Rate,
        slot: Slot,
        now: Instant,
    ) -> BoxFuture<'_, Option<Slot>> {
        let mut state = self.lock();
        let key = state.resolve(key);
        let moved = state
            .cells
            .get(&key)
            .is_some_and(|c| c.paused_epoch > slot.ticket);
        let answer = moved.then(|| state.reserve(key, rate, now, self.max_keys));
        Box::pin(std::future::ready(answer))
    }

    fn release(&self, key: &LimitKey, rate: Rate, slot: Slot) {
        let mut state = self.lock();
        let key = state.resolve(key);
        let Some(cell) = state.cells.get_mut(&key) else {
            return;
        };
        if slot.ticket < cell.paused_epoch {
            // Reserved before a pause, which already re-planned every slot.
            return;
        }
        if cell.last_start == Some(slot.start) {
            cell.gcra.unreserve(rate);
            cell.last_start = None;
        } else {
            cell.holes.push(slot.start);
        }
    }

    fn pause(&self, key: &LimitKey, rate: Rate, until: Instant) {
        let mut state = self.lock();
        state.epoch += 1;
        let epoch = state.epoch;
        let key = state.resolve(key);
        let cell = state.cells.entry(key).or_default();
        cell.paused_epoch = epoch;
        cell.holes.clear();
        cell.last_start = None;
        cell.gcra.pause(rate, until);
    }

    fn learn_channel(&self, key: &LimitKey, id: &str) {
        if !key.channel_is_name() || !is_conversation_id(id) {
            return;
        }
        let Some(name) = key.channel.clone() else {
            return;
        };
        let mut state = self.lock();
        if state.aliases.len() >= self.max_keys {
            state.aliases.clear();
        }
        state
            .aliases
            .insert((key.workspace.clone(), name), id.to_owned());
    }
}

/// The workspace part of a limiter key for `token`: the first 8 bytes of its SHA-256, in
/// hex (the token itself is never kept). `None` for an empty token.
pub fn workspace_digest(token: &Token) -> Option<String> {
    if token.is_empty() {
        return None;
    }
    let d = Sha256::digest(token.expose().as_bytes());
    Some(d.iter().take(8).map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_sustained() {
        let rate = Rate::per_minute(60, 3);
        let t0 = Instant::now();
        let mut g = Gcra::new();
        let starts: Vec<Duration> = (0..6).map(|_| g.reserve(rate, t0) - t0).collect();
        assert_eq!(starts, [0, 0, 0, 1, 2, 3].map(Duration::from_secs).to_vec());
    }

    #[test]
    fn idle_time_refills() {
        let rate = Rate::per_minute(60, 2);
        let t0 = Instant::now();
        let mut g = Gcra::new();
        g.reserve(rate, t0);
        g.reserve(rate, t0);
        assert_eq!(
            g.reserve(rate, t0 + Duration::from_secs(10)),
            t0 + Duration::from_secs(10)
        );
    }

    #[test]
    fn pause_blocks_everyone_until() {
        let rate = Rate::per_minute(60, 5);
        let t0 = Instant::now();
        let mut g = Gcra::new();
        g.pause(rate, t0 + Duration::from_secs(30));
        assert_eq!(g.reserve(rate, t0), t0 + Duration::from_secs(30));
        assert!(g.reserve(rate, t0) >= t0 + Duration::from_secs(30));
    }

    #[test]
    fn policing_admits_a_burst_then_says_when() {
        let rate = Rate::per_minute(60, 2);
        let t0 = Instant::now();
        let mut g = Gcra::new();
        assert_eq!(g.try_admit(rate, t0), Ok(()));
        assert_eq!(g.try_admit(rate, t0), Ok(()));
        assert_eq!(g.try_admit(rate, t0), Err(Duration::from_secs(1)));
        // A refused call is not counted.
        assert_eq!(g.try_admit(rate, t0), Err(Duration::from_secs(1)));
        assert_eq!(g.try_admit(rate, t0 + Duration::from_secs(1)), Ok(()));
    }

    #[test]
    fn tiers() {
        let pm = crate::method::lookup("chat.postMessage").unwrap();
        assert_eq!(
            Rate::for_method(pm).unwrap().interval,
            Duration::from_secs(1)
        );
        let list = crate::method::lookup("conversations.list").unwrap();
        assert_eq!(Rate::for_method(list), Some(Rate::per_minute(20, 3)));
        let t1 = crate::method::lookup("rtm.connect").unwrap();
        assert_eq!(Rate::for_method(t1), Some(Rate::per_minute(1, 1)));
        let args = Args::new().set("channel", "C1");
        assert_eq!(
            LimitKey::for_call(pm, &args).channel.as_deref(),
            Some("#c1")
        );
        let args = Args::new().set("channel", "C0123ABCD");
        assert_eq!(
            LimitKey::for_call(pm, &args).channel.as_deref(),
            Some("C0123ABCD")
        );
        assert_eq!(LimitKey::for_call(list, &args).channel, None);
    }

    fn key(channel: &str) -> LimitKey {
        let pm = crate::method::lookup("chat.postMessage").unwrap();
        LimitKey::for_call(pm, &Args::new().set("channel", channel))
            .in_workspace(Some(&Token::new("xoxb-secret-token")), None)
    }

    fn now_or_never<T>(f: BoxFuture<'_, T>) -> T {
        use futures_util::FutureExt;
        f.now_or_never().unwrap()
    }

    #[test]
    fn workspaces_are_separate_and_tokens_are_not_kept() {
        let pm = crate::method::lookup("chat.postMessage").unwrap();
        let args = Args::new().set("channel", "C0123ABCD");
        let a = LimitKey::for_call(pm, &args).in_workspace(Some(&Token::new("xoxb-a")), None);
        let b = LimitKey::for_call(pm, &args).in_workspace(Some(&Token::new("xoxb-b")), None);
        let a2 =
            LimitKey::for_call(pm, &args).in_workspace(Some(&Token::new("xoxb-a")), Some("T2"));
        assert_ne!(a, b);
        assert_ne!(a, a2);
        assert!(!format!("{a:?}{a2:?}").contains("xoxb"));
        let limiter = InMemoryLimiter::new();
        let rate = Rate::per_minute(60, 1);
        let t0 = Instant::now();
        assert_eq!(now_or_never(limiter.acquire(&a, rate, t0)).start, t0);
        assert_eq!(now_or_never(limiter.acquire(&b, rate, t0)).start, t0);
        assert_eq!(now_or_never(limiter.acquire(&a2, rate, t0)).start, t0);
    }

    #[test]
    fn a_learnt_name_shares_the_channel_id_cell() {
        assert_eq!(key("#General"), key("general"));
        let limiter = InMemoryLimiter::new();
        let rate = Rate::per_minute(60, 1);
        let t0 = Instant::now();
        let by_id = key("C0123ABCD");
        assert_eq!(now_or_never(limiter.acquire(&by_id, rate, t0)).start, t0);
        limiter.learn_channel(&key("#general"), "C0123ABCD");
        let s = now_or_never(limiter.acquire(&key("General"), rate, t0));
        assert_eq!(s.start, t0 + Duration::from_secs(1));
    }

    #[test]
    fn a_released_slot_goes_to_the_next_caller() {
        let limiter = InMemoryLimiter::new();
        let k = key("C0123ABCD");
        let rate = Rate::per_minute(60, 1);
        let t0 = Instant::now();
        let s: Vec<Slot> = (0..3)
            .map(|_| now_or_never(limiter.acquire(&k, rate, t0)))
            .collect();
        // The middle one is dropped: its slot (t0+1s) is handed on, not lost.
        limiter.release(&k, rate, s[1]);
        let next = now_or_never(limiter.acquire(&k, rate, t0));
        assert_eq!(next.start, t0 + Duration::from_secs(1));
        // The last one is dropped: the queue shrinks.
        limiter.release(&k, rate, s[2]);
        let next = now_or_never(limiter.acquire(&k, rate, t0));
        assert_eq!(next.start, t0 + Duration::from_secs(2));
    }

    #[test]
    fn a_pause_moves_slots_reserved_before_it() {
        let limiter = InMemoryLimiter::new();
        let k = key("C0123ABCD");
        let rate = Rate::per_minute(60, 1);
        let t0 = Instant::now();
        let early = now_or_never(limiter.acquire(&k, rate, t0));
        let waiting = now_or_never(limiter.acquire(&k, rate, t0));
        assert_eq!(waiting.start, t0 + Duration::from_secs(1));
        // A 429 for the first one: nobody before t0+30s.
        limiter.pause(&k, rate, t0 + Duration::from_secs(30));
        let woke = waiting.start;
        let moved = now_or_never(limiter.confirm(&k, rate, waiting, woke)).unwrap();
        assert!(moved.start >= t0 + Duration::from_secs(30), "{moved:?}");
        // A slot reserved after the pause is not moved again.
        assert_eq!(
            now_or_never(limiter.confirm(&k, rate, moved, moved.start)),
            None
        );
        let _ = early;
    }

    /// A million distinct channels pass through; the limiter never holds more than its cap,
    /// and once they are idle the sweep brings it back down.
    #[test]
    fn a_million_channels_stay_bounded() {
        let limiter = InMemoryLimiter::new().max_keys(10_000);
        let rate = Rate::per_minute(60, 3);
        let t0 = Instant::now();
        let mut peak = 0;
        for i in 0..1_000_000u64 {
            // One new channel every millisecond of virtual time.
            let now = t0 + Duration::from_millis(i);
            let k = LimitKey {
                workspace: Some("w".into()),
                method: "chat.postMessage".into(),
                channel: Some(format!("C{i:09}")),
            };
            let slot = now_or_never(limiter.acquire(&k, rate, now));
            assert_eq!(slot.start, now);
            if i % 1000 == 0 {
                peak = peak.max(limiter.key_count());
            }
        }
        peak = peak.max(limiter.key_count());
        assert!(peak <= 10_000, "{peak} keys held");
        // Cells live one interval (1 s = 1000 channels here) plus the sweep's slack.
        assert!(limiter.key_count() <= 4_096, "{}", limiter.key_count());
    }

    #[test]
    fn past_the_cap_busy_keys_are_forgotten_too() {
        let limiter = InMemoryLimiter::new().max_keys(1000);
        let rate = Rate::per_minute(1, 1);
        let t0 = Instant::now();
        for i in 0..50_000u64 {
            let k = LimitKey {
                workspace: None,
                method: "m".into(),
                channel: Some(format!("C{i:09}")),
            };
            now_or_never(limiter.acquire(&k, rate, t0));
            assert!(limiter.key_count() <= 1000);
        }
    }

    proptest::proptest! {
        #[test]
        fn never_faster_than_rate(per_min in 1u32..200, burst in 1u32..10, arrivals in proptest::collection::vec(0u64..5_000, 1..200)) {
            let rate = Rate::per_minute(per_min, burst);
            let t0 = Instant::now();
            let mut g = Gcra::new();
            let mut arrivals = arrivals;
            arrivals.sort_unstable();
            let mut starts = Vec::new();
            for a in arrivals {
                let now = t0 + Duration::from_millis(a);
                let s = g.reserve(rate, now);
                proptest::prop_assert!(s >= now);
                starts.push(s);
            }
            // Any window of `burst + k` consecutive slots spans at least k intervals.
            for (i, s) in starts.iter().enumerate() {
                if let Some(later) = starts.get(i + burst as usize) {
                    proptest::prop_assert!(*later - *s >= rate.interval);
                }
            }
        }
    }
}
