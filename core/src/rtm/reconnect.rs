//! When to (re)connect: backoff without storms, `Retry-After`, fatal errors, stability reset.
//!
//! After `n` consecutive failures (a failed `rtm.connect`, a failed handshake, or a
//! connection that closed before it was stable), the next attempt waits
//! `min(2^n s + jitter, max_backoff)`, jitter uniform in `[0, 1 s)`, and never less than a
//! server's `Retry-After`. A connection that stayed open for `stable_after` resets the count,
//! so a `goodbye` after hours reconnects at once. `invalid_auth`, `account_inactive`,
//! `not_authed` (and other auth failures) are fatal: no more attempts.

use std::time::{Duration, Instant};

use crate::retry::Rng;

/// The longest server-asked wait honoured (a day): a longer `Retry-After` or `retry_after`
/// is surely a server bug, and is cut to this rather than parking reconnects for years.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(86_400);

/// Settings of the reconnect machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReconnectConfig {
    /// Reconnect after a close (default `true`).
    pub auto_reconnect: bool,
    /// The longest wait between attempts (default 300 s).
    pub max_backoff: Duration,
    /// How long a connection must stay open to reset the failure count (default 60 s).
    pub stable_after: Duration,
    /// Upper bound of the random jitter added to each backoff (default 1 s).
    pub max_jitter: Duration,
}

impl Default for ReconnectConfig {
    fn default() -> Self {
        ReconnectConfig {
            auto_reconnect: true,
            max_backoff: Duration::from_secs(300),
            stable_after: Duration::from_secs(60),
            max_jitter: Duration::from_secs(1),
        }
    }
}

impl ReconnectConfig {
    /// Whether to reconnect after a close.
    pub fn auto_reconnect(mut self, on: bool) -> Self {
        self.auto_reconnect = on;
        self
    }

    /// The longest wait between attempts.
    pub fn max_backoff(mut self, d: Duration) -> Self {
        self.max_backoff = d;
        self
    }

    /// How long a connection must stay open to count as stable.
    pub fn stable_after(mut self, d: Duration) -> Self {
        self.stable_after = d;
        self
    }

    /// The wait after `failures` consecutive failures, before jitter and `Retry-After`.
    pub fn backoff(&self, failures: u32) -> Duration {
        if failures == 0 {
            return Duration::ZERO;
        }
        let secs = 1u64.checked_shl(failures.min(63)).unwrap_or(u64::MAX);
        Duration::from_secs(secs).min(self.max_backoff)
    }
}

/// Why a connection attempt failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectFailure {
    /// The token is not usable (`invalid_auth`, `account_inactive`, `not_authed`, …): stop.
    Fatal(String),
    /// Rate limited; the server's `Retry-After` when given.
    RateLimited(Option<Duration>),
    /// Anything else (network, 5xx, handshake): back off and retry.
    Transient,
}

impl ConnectFailure {
    /// Classify the failure of the call that asks for a websocket URL (`rtm.connect`,
    /// `apps.connections.open`): an auth error is fatal, a rate limit carries its wait (the
    /// `Retry-After` header, else a `retry_after` in the body; negative or non-numeric ones
    /// are ignored, longer ones cut to [`MAX_RETRY_AFTER`]), anything else is transient.
    pub fn from_error(error: &crate::Error) -> ConnectFailure {
        let body_retry_after = match error {
            crate::Error::RateLimited { response, .. } => body_seconds(response),
            crate::Error::Api(api) => body_seconds(&api.response),
            _ => None,
        }
        .and_then(seconds);
        let retry_after = error
            .retry_after()
            .or(body_retry_after)
            .map(|d| d.min(MAX_RETRY_AFTER));
        match error.api_code() {
            Some(code) => ConnectFailure::from_code(code.as_str(), retry_after),
            None if error.is_rate_limited() => ConnectFailure::RateLimited(retry_after),
            None => ConnectFailure::Transient,
        }
    }

    /// Classify a Slack error code from `rtm.connect` or `apps.connections.open`.
    pub fn from_code(code: &str, retry_after: Option<Duration>) -> ConnectFailure {
        match code {
            "invalid_auth"
            | "account_inactive"
            | "not_authed"
            | "token_revoked"
            | "token_expired"
            | "missing_scope"
            | "not_allowed_token_type"
            | "no_permission"
            | "team_disabled" => ConnectFailure::Fatal(code.to_owned()),
            "ratelimited" | "rate_limited" => ConnectFailure::RateLimited(retry_after),
            _ => ConnectFailure::Transient,
        }
    }
}

/// A `retry_after` number in a response's JSON body (a 429's body is kept as bytes, so it
/// is read from them).
fn body_seconds(response: &crate::SlackResponse) -> Option<f64> {
    #[derive(serde::Deserialize)]
    struct Body {
        retry_after: Option<serde_json::Value>,
    }
    let parsed = response.get("retry_after").as_f64();
    parsed.or_else(|| {
        serde_json::from_slice::<Body>(response.body())
            .ok()?
            .retry_after?
            .as_f64()
    })
}

/// `s` seconds as a wait: `None` unless finite and not negative; at most
/// [`MAX_RETRY_AFTER`] (so `Duration::from_secs_f64` never sees a value it panics on).
fn seconds(s: f64) -> Option<Duration> {
    (s.is_finite() && s >= 0.0)
        .then(|| Duration::from_secs_f64(s.min(MAX_RETRY_AFTER.as_secs_f64())))
}

/// What to do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReconnectAction {
    /// Call `rtm.connect` (or `rtm.start`) and open the websocket now.
    Connect,
    /// Wait this long, then poll again.
    Wait(Duration),
    /// A connection is open (or being opened): nothing to do.
    Idle,
    /// Stop for good: a fatal error (its code).
    Fatal(String),
    /// Stopped (by [`Reconnector::stop`] or because auto-reconnect is off).
    Stopped,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    Ready,
    Connecting,
    Connected { since: Instant },
    Waiting { until: Instant },
    Fatal(String),
    Stopped,
}

/// The reconnect state machine.
#[derive(Debug)]
pub struct Reconnector {
    config: ReconnectConfig,
    state: State,
    failures: u32,
    rng: Rng,
}

impl Reconnector {
    /// A machine ready to connect, with jitter drawn from `seed`.
    pub fn new(config: ReconnectConfig, seed: u64) -> Self {
        Reconnector {
            config,
            state: State::Ready,
            failures: 0,
            rng: Rng::new(seed),
        }
    }

    /// Consecutive failures so far.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// What to do at `now`.
    pub fn poll_action(&mut self, now: Instant) -> ReconnectAction {
        match &self.state {
            State::Ready => {
                self.state = State::Connecting;
                ReconnectAction::Connect
            }
            State::Waiting { until } if now >= *until => {
                self.state = State::Connecting;
                ReconnectAction::Connect
            }
            State::Waiting { until } => ReconnectAction::Wait(*until - now),
            State::Connecting | State::Connected { .. } => ReconnectAction::Idle,
            State::Fatal(code) => ReconnectAction::Fatal(code.clone()),
            State::Stopped => ReconnectAction::Stopped,
        }
    }

    /// The connection opened.
    pub fn handle_connected(&mut self, now: Instant) {
        if self.state == State::Connecting {
            self.state = State::Connected { since: now };
        }
    }

    /// The attempt failed.
    pub fn handle_connect_failed(&mut self, now: Instant, failure: ConnectFailure) {
        if matches!(self.state, State::Stopped | State::Fatal(_)) {
            return;
        }
        match failure {
            ConnectFailure::Fatal(code) => self.state = State::Fatal(code),
            ConnectFailure::RateLimited(retry_after) => self.schedule(now, retry_after),
            ConnectFailure::Transient => self.schedule(now, None),
        }
    }

    /// The open connection closed (goodbye, server close, stale, transport error).
    pub fn handle_closed(&mut self, now: Instant) {
        if let State::Connected { since } = self.state {
            if now.saturating_duration_since(since) >= self.config.stable_after {
                self.failures = 0;
            }
        }
        if matches!(self.state, State::Stopped | State::Fatal(_)) {
            return;
        }
        if !self.config.auto_reconnect {
            self.state = State::Stopped;
            return;
        }
        if self.failures == 0 {
            // A stable connection ended: reconnect at once, but count it, so that a server
            // closing every new connection at once is met with growing waits.
            self.failures = 1;
            self.state = State::Ready;
        } else {
            self.schedule(now, None);
        }
    }

    /// The application asked for a fresh connection (a new URL) at `now`: connect at once,
    /// cutting short any backoff wait. Closing the open connection is the driver's job; it
    /// then reports no [`handle_closed`](Reconnector::handle_closed) for it. A deliberate
    /// reconnect is not a failure: the count is unchanged (reset if the connection was
    /// stable). No effect once stopped or fatal.
    pub fn reconnect(&mut self, now: Instant) {
        match self.state {
            State::Connected { since } => {
                if now.saturating_duration_since(since) >= self.config.stable_after {
                    self.failures = 0;
                }
                self.state = State::Ready;
            }
            State::Waiting { .. } => self.state = State::Ready,
            State::Ready | State::Connecting | State::Fatal(_) | State::Stopped => {}
        }
    }

    /// Stop: no further attempts.
    pub fn stop(&mut self) {
        self.state = State::Stopped;
    }

    fn schedule(&mut self, now: Instant, retry_after: Option<Duration>) {
        self.failures = self.failures.saturating_add(1);
        let base = self.config.backoff(self.failures);
        let jitter = self
            .rng
            .duration_between(Duration::ZERO, self.config.max_jitter);
        let mut wait = base.saturating_add(jitter).min(self.config.max_backoff);
        if let Some(ra) = retry_after {
            wait = wait.max(ra.min(MAX_RETRY_AFTER));
        }
        // A wait beyond the clock's range (a `max_backoff` of `Duration::MAX`) is cut to a
        // day, rather than overflowing `Instant`.
        let until = now
            .checked_add(wait)
            .unwrap_or_else(|| now + MAX_RETRY_AFTER);
        self.state = State::Waiting { until };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::{prop_assert, prop_assert_eq, prop_oneof, proptest, Just, Strategy};

    #[test]
    fn first_connect_is_immediate_then_backoff_grows() {
        let t0 = Instant::now();
        let mut r = Reconnector::new(ReconnectConfig::default(), 1);
        assert_eq!(r.poll_action(t0), ReconnectAction::Connect);
        assert_eq!(r.poll_action(t0), ReconnectAction::Idle);
        let mut now = t0;
        let mut waits = Vec::new();
        for _ in 0..10 {
            r.handle_connect_failed(now, ConnectFailure::Transient);
            let ReconnectAction::Wait(w) = r.poll_action(now) else {
                panic!()
            };
            waits.push(w);
            now += w;
            assert_eq!(r.poll_action(now), ReconnectAction::Connect);
        }
        assert!(waits[0] >= Duration::from_secs(2) && waits[0] <= Duration::from_secs(3));
        assert!(waits[3] >= Duration::from_secs(16));
        assert!(waits.iter().all(|w| *w <= Duration::from_secs(300)));
        assert_eq!(*waits.last().unwrap(), Duration::from_secs(300));
    }

    #[test]
    fn retry_after_and_fatal() {
        let t0 = Instant::now();
        let mut r = Reconnector::new(ReconnectConfig::default(), 1);
        r.poll_action(t0);
        r.handle_connect_failed(
            t0,
            ConnectFailure::from_code("ratelimited", Some(Duration::from_secs(120))),
        );
        assert_eq!(
            r.poll_action(t0),
            ReconnectAction::Wait(Duration::from_secs(120))
        );
        r.poll_action(t0 + Duration::from_secs(120));
        r.handle_connect_failed(t0, ConnectFailure::from_code("invalid_auth", None));
        assert_eq!(
            r.poll_action(t0 + Duration::from_secs(999)),
            ReconnectAction::Fatal("invalid_auth".into())
        );
    }

    fn rate_limited(status: u16, retry_after_header: Option<&str>, body: &str) -> crate::Error {
        let mut resp = crate::transport::HttpResponse::new(
            http::StatusCode::from_u16(status).unwrap(),
            body.to_owned(),
        );
        resp.headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        if let Some(h) = retry_after_header {
            resp.headers
                .insert(http::header::RETRY_AFTER, h.parse().unwrap());
        }
        crate::response::parse_response("rtm.connect", resp).unwrap_err()
    }

    #[test]
    fn a_server_wait_is_bounded_and_never_panics() {
        let day = Some(MAX_RETRY_AFTER);
        let cases: &[(u16, Option<&str>, &str, Option<Duration>)] = &[
            (
                200,
                None,
                r#"{"ok":false,"error":"ratelimited","retry_after":1e300}"#,
                day,
            ),
            (
                200,
                None,
                r#"{"ok":false,"error":"ratelimited","retry_after":1.8e19}"#,
                day,
            ),
            (
                200,
                None,
                r#"{"ok":false,"error":"ratelimited","retry_after":-5}"#,
                None,
            ),
            (
                200,
                None,
                r#"{"ok":false,"error":"ratelimited","retry_after":"NaN"}"#,
                None,
            ),
            (
                200,
                None,
                r#"{"ok":false,"error":"ratelimited","retry_after":"inf"}"#,
                None,
            ),
            (
                200,
                None,
                r#"{"ok":false,"error":"ratelimited","retry_after":2.5}"#,
                Some(Duration::from_millis(2500)),
            ),
            (429, Some("99999999999999999999"), r#"{"ok":false}"#, day),
            (429, Some("1e300"), r#"{"ok":false}"#, day),
            (429, Some("NaN"), r#"{"ok":false}"#, None),
            (429, Some("-inf"), r#"{"ok":false}"#, None),
            (429, Some("18446744073709551615"), r#"{"ok":false}"#, day),
            (429, None, r#"{"ok":false,"retry_after":1e308}"#, day),
        ];
        for (status, header, body, want) in cases {
            let error = rate_limited(*status, *header, body);
            let got = ConnectFailure::from_error(&error);
            assert_eq!(
                got,
                ConnectFailure::RateLimited(*want),
                "{status} {header:?} {body}"
            );
        }
    }

    #[test]
    fn huge_waits_are_cut_to_a_day() {
        let t0 = Instant::now();
        let cfg = ReconnectConfig::default().max_backoff(Duration::MAX);
        let mut r = Reconnector::new(cfg, 1);
        r.poll_action(t0);
        // Given directly, past `from_error`'s bound.
        r.handle_connect_failed(t0, ConnectFailure::RateLimited(Some(Duration::MAX)));
        assert_eq!(r.poll_action(t0), ReconnectAction::Wait(MAX_RETRY_AFTER));
        // 2^63 s of backoff: beyond the clock, cut to a day too.
        for _ in 0..70 {
            let t = t0 + MAX_RETRY_AFTER;
            r.poll_action(t);
            r.handle_connect_failed(t, ConnectFailure::Transient);
        }
        assert!(matches!(
            r.poll_action(t0 + MAX_RETRY_AFTER),
            ReconnectAction::Wait(w) if w <= MAX_RETRY_AFTER
        ));
    }

    #[test]
    fn stable_connection_resets_and_reconnects_at_once() {
        let t0 = Instant::now();
        let mut r = Reconnector::new(ReconnectConfig::default(), 1);
        r.poll_action(t0);
        r.handle_connect_failed(t0, ConnectFailure::Transient);
        let t1 = t0 + Duration::from_secs(5);
        assert_eq!(r.poll_action(t1), ReconnectAction::Connect);
        r.handle_connected(t1);
        let t2 = t1 + Duration::from_secs(3600);
        r.handle_closed(t2);
        assert_eq!(r.poll_action(t2), ReconnectAction::Connect);
        // A connection closed right after opening backs off.
        r.handle_connected(t2);
        r.handle_closed(t2);
        assert!(
            matches!(r.poll_action(t2), ReconnectAction::Wait(w) if w >= Duration::from_secs(4))
        );
    }

    #[test]
    fn stop_and_no_auto_reconnect() {
        let t0 = Instant::now();
        let mut r = Reconnector::new(ReconnectConfig::default().auto_reconnect(false), 1);
        r.poll_action(t0);
        r.handle_connected(t0);
        r.handle_closed(t0);
        assert_eq!(r.poll_action(t0), ReconnectAction::Stopped);
        let mut r = Reconnector::new(ReconnectConfig::default(), 1);
        r.stop();
        assert_eq!(r.poll_action(t0), ReconnectAction::Stopped);
    }

    #[test]
    fn a_requested_reconnect_is_immediate_and_not_a_failure() {
        let t0 = Instant::now();
        let mut r = Reconnector::new(ReconnectConfig::default(), 1);
        assert_eq!(r.poll_action(t0), ReconnectAction::Connect);
        r.handle_connect_failed(t0, ConnectFailure::Transient);
        assert!(matches!(r.poll_action(t0), ReconnectAction::Wait(_)));
        // Cuts a backoff wait short.
        r.reconnect(t0);
        assert_eq!(r.poll_action(t0), ReconnectAction::Connect);
        assert_eq!(r.failures(), 1);
        r.handle_connected(t0);
        // From an unstable connection: at once, the count unchanged.
        r.reconnect(t0 + Duration::from_secs(1));
        assert_eq!(r.poll_action(t0), ReconnectAction::Connect);
        assert_eq!(r.failures(), 1);
        // From a stable one: the count is reset.
        r.handle_connected(t0);
        r.reconnect(t0 + Duration::from_secs(3600));
        assert_eq!(r.failures(), 0);
        assert_eq!(r.poll_action(t0), ReconnectAction::Connect);
        // Never revives a stopped or fatal machine.
        r.handle_connect_failed(t0, ConnectFailure::Fatal("invalid_auth".into()));
        r.reconnect(t0);
        assert_eq!(
            r.poll_action(t0),
            ReconnectAction::Fatal("invalid_auth".into())
        );
        r.stop();
        r.reconnect(t0);
        assert_eq!(r.poll_action(t0), ReconnectAction::Stopped);
    }

    #[derive(Debug, Clone)]
    enum Input {
        Fail,
        RateLimited(u64),
        OpenFor(u64),
        Fatal,
    }

    fn input() -> impl Strategy<Value = Input> {
        prop_oneof![
            4 => Just(Input::Fail),
            1 => (0u64..600).prop_map(Input::RateLimited),
            3 => (0u64..200).prop_map(Input::OpenFor),
            1 => Just(Input::Fatal),
        ]
    }

    proptest! {
        /// rtm.connect is never attempted sooner than the backoff allows, `Retry-After` is
        /// honoured, and a fatal error ends all attempts.
        #[test]
        fn never_faster_than_backoff(seed: u64, inputs in proptest::collection::vec(input(), 1..60)) {
            let cfg = ReconnectConfig::default();
            let t0 = Instant::now();
            let mut r = Reconnector::new(cfg, seed);
            let mut now = t0;
            let mut last_attempt: Option<Instant> = None;
            let mut required_gap = Duration::ZERO;
            let mut fatal = false;
            for inp in inputs {
                // Advance to the next attempt.
                let action = loop {
                    match r.poll_action(now) {
                        ReconnectAction::Wait(w) => now += w,
                        other => break other,
                    }
                };
                if fatal {
                    prop_assert!(matches!(action, ReconnectAction::Fatal(_)));
                    continue;
                }
                prop_assert_eq!(&action, &ReconnectAction::Connect);
                if let Some(prev) = last_attempt {
                    prop_assert!(now - prev >= required_gap, "gap {:?} < {:?}", now - prev, required_gap);
                }
                last_attempt = Some(now);
                let failures_before = r.failures();
                match inp {
                    Input::Fail => {
                        r.handle_connect_failed(now, ConnectFailure::Transient);
                        required_gap = cfg.backoff(failures_before + 1);
                    }
                    Input::RateLimited(s) => {
                        r.handle_connect_failed(now, ConnectFailure::RateLimited(Some(Duration::from_secs(s))));
                        required_gap = cfg.backoff(failures_before + 1).max(Duration::from_secs(s));
                    }
                    Input::OpenFor(s) => {
                        r.handle_connected(now);
                        now += Duration::from_secs(s);
                        r.handle_closed(now);
                        let stable = s >= cfg.stable_after.as_secs();
                        // Measured from the close, converted to a gap from the attempt.
                        required_gap = Duration::from_secs(s) + if stable || failures_before == 0 { Duration::ZERO } else { cfg.backoff(failures_before + 1) };
                    }
                    Input::Fatal => {
                        r.handle_connect_failed(now, ConnectFailure::Fatal("invalid_auth".into()));
                        fatal = true;
                    }
                }
            }
        }
    }
}
