//! Is the peer still there? A ping schedule and a staleness bound, shared by the RTM and
//! Socket Mode connection machines. No I/O: the owner reports what it saw and asks what is
//! due.

use std::time::{Duration, Instant};

/// What [`Liveness::handle_timeout`] found due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Due {
    /// Send a ping now.
    pub ping: bool,
    /// Nothing arrived within the staleness bound (reported once per silence).
    pub stale: bool,
}

/// A ping schedule and a staleness bound.
#[derive(Debug, Clone)]
pub(crate) struct Liveness {
    /// `None`: pings off.
    ping_interval: Option<Duration>,
    /// `None`: staleness is not judged.
    stale_after: Option<Duration>,
    next_ping: Option<Instant>,
    last_seen: Instant,
    stale_reported: bool,
    /// The owner is not reading: silence is its own doing, not the peer's.
    paused: bool,
}

impl Liveness {
    /// Started at `now`. A zero `ping_interval` turns pings off (staleness is still checked:
    /// the server's own pings and frames keep the connection alive).
    pub(crate) fn new(ping_interval: Duration, stale_after: Duration, now: Instant) -> Self {
        let ping_interval = (!ping_interval.is_zero()).then_some(ping_interval);
        Liveness {
            ping_interval,
            stale_after: Some(stale_after.max(Duration::from_millis(1))),
            next_ping: ping_interval.and_then(|i| now.checked_add(i)),
            last_seen: now,
            stale_reported: false,
            paused: false,
        }
    }

    /// Never judge staleness (for a peer that may rightly stay silent for good, as an RTM
    /// server the client does not ping).
    pub(crate) fn never_stale(mut self) -> Self {
        self.stale_after = None;
        self
    }

    /// Something arrived from the peer at `now` (any frame, a pong, a ping).
    pub(crate) fn seen(&mut self, now: Instant) {
        self.last_seen = self.last_seen.max(now);
        self.stale_reported = false;
    }

    /// The owner stops reading frames (its consumers are behind): until
    /// [`resume`](Self::resume), silence is not staleness.
    pub(crate) fn pause(&mut self) {
        self.paused = true;
    }

    /// The owner reads again at `now`; the staleness bound counts from `now`.
    pub(crate) fn resume(&mut self, now: Instant) {
        if self.paused {
            self.paused = false;
            self.seen(now);
        }
    }

    /// Whether the owner said it is not reading ([`pause`](Self::pause)).
    pub(crate) fn is_paused(&self) -> bool {
        self.paused
    }

    /// A ping was sent at `now` outside the schedule: the next one is an interval later.
    pub(crate) fn pinged(&mut self, now: Instant) {
        if let Some(i) = self.ping_interval {
            // An interval too long for the clock means no further ping.
            self.next_ping = now.checked_add(i);
        }
    }

    /// What is due at `now`; a due ping is taken as sent.
    pub(crate) fn handle_timeout(&mut self, now: Instant) -> Due {
        let mut due = Due::default();
        if !self.stale_reported
            && !self.paused
            && self
                .stale_after
                .is_some_and(|bound| now.saturating_duration_since(self.last_seen) >= bound)
        {
            self.stale_reported = true;
            due.stale = true;
        }
        if self.next_ping.is_some_and(|t| now >= t) {
            due.ping = true;
            self.pinged(now);
        }
        due
    }

    /// When [`handle_timeout`](Self::handle_timeout) next has something to do.
    pub(crate) fn poll_timeout(&self) -> Option<Instant> {
        let stale = self
            .stale_after
            .filter(|_| !self.stale_reported && !self.paused)
            .and_then(|bound| self.last_seen.checked_add(bound));
        match (self.next_ping, stale) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pings_on_schedule_and_staleness_once_per_silence() {
        let t0 = Instant::now();
        let s = Duration::from_secs(1);
        let mut l = Liveness::new(10 * s, 40 * s, t0);
        assert_eq!(l.poll_timeout(), Some(t0 + 10 * s));
        assert_eq!(
            l.handle_timeout(t0 + 10 * s),
            Due {
                ping: true,
                stale: false
            }
        );
        assert_eq!(l.poll_timeout(), Some(t0 + 20 * s));
        l.seen(t0 + 15 * s);
        assert_eq!(
            l.handle_timeout(t0 + 55 * s),
            Due {
                ping: true,
                stale: true
            }
        );
        assert_eq!(
            l.handle_timeout(t0 + 56 * s),
            Due::default(),
            "reported once"
        );
        l.seen(t0 + 57 * s);
        assert!(l.handle_timeout(t0 + 97 * s).stale);
    }

    #[test]
    fn paused_reading_is_not_staleness() {
        let t0 = Instant::now();
        let s = Duration::from_secs(1);
        let mut l = Liveness::new(10 * s, 30 * s, t0);
        l.pause();
        assert_eq!(l.poll_timeout(), Some(t0 + 10 * s), "only pings are due");
        assert!(!l.handle_timeout(t0 + 600 * s).stale);
        l.resume(t0 + 600 * s);
        assert!(!l.handle_timeout(t0 + 629 * s).stale);
        assert!(l.handle_timeout(t0 + 630 * s).stale);
    }

    #[test]
    fn zero_interval_turns_pings_off() {
        let t0 = Instant::now();
        let mut l = Liveness::new(Duration::ZERO, Duration::from_secs(30), t0);
        assert_eq!(l.poll_timeout(), Some(t0 + Duration::from_secs(30)));
        let due = l.handle_timeout(t0 + Duration::from_secs(29));
        assert_eq!(due, Due::default());
        assert!(l.handle_timeout(t0 + Duration::from_secs(30)).stale);
        assert_eq!(l.poll_timeout(), None);
    }

    #[test]
    fn never_stale_and_huge_durations_never_panic() {
        let t0 = Instant::now();
        let mut l = Liveness::new(Duration::ZERO, Duration::from_secs(30), t0).never_stale();
        assert_eq!(l.poll_timeout(), None, "nothing is ever due");
        assert_eq!(
            l.handle_timeout(t0 + Duration::from_secs(86_400)),
            Due::default()
        );
        let mut l = Liveness::new(Duration::MAX, Duration::MAX, t0);
        assert_eq!(l.poll_timeout(), None);
        assert_eq!(
            l.handle_timeout(t0 + Duration::from_secs(86_400)),
            Due::default()
        );
        l.pinged(t0);
        assert_eq!(l.poll_timeout(), None);
    }
}
