//! Verifying (and, for tests, producing) Slack request signatures.
//!
//! Slack signs every request it sends to an app (slash commands, interactivity, events) with
//! `X-Slack-Signature: v0=<hex HMAC-SHA256(secret, "v0:{timestamp}:{body}")>` and
//! `X-Slack-Request-Timestamp: {unix seconds}`. A request is genuine when the signature
//! matches (compared in constant time) and the timestamp is within five minutes of now.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// Header carrying the signature.
pub const SIGNATURE_HEADER: &str = "x-slack-signature";
/// Header carrying the timestamp.
pub const TIMESTAMP_HEADER: &str = "x-slack-request-timestamp";
/// How far the timestamp may be from now.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// Why a signature was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The verifier was built with an empty signing secret.
    #[error("the signing secret is empty")]
    EmptySecret,
    /// A header is missing.
    #[error("missing header {0}")]
    MissingHeader(&'static str),
    /// The timestamp is not an integer.
    #[error("the timestamp is not a number")]
    InvalidTimestamp,
    /// The timestamp is too far from now (a replay, or a wrong clock).
    #[error("the timestamp is {0} s away from now, more than the tolerance")]
    Expired(u64),
    /// The signature does not match.
    #[error("the signature does not match")]
    Mismatch,
}

/// The `X-Slack-Request-Timestamp` of a request: Unix seconds. [`sign`] and
/// [`SignatureVerifier::verify`] both take it, from a number (`1_531_420_618.into()`) or from
/// the header's text (`"1531420618".parse()?`, which fails with
/// [`SignatureError::InvalidTimestamp`]).
///
/// ```
/// use slack_core::signature::{RequestTimestamp, SignatureError};
///
/// let from_header: RequestTimestamp = "1531420618".parse()?;
/// assert_eq!(from_header, RequestTimestamp::from(1_531_420_618));
/// assert_eq!(from_header.to_string(), "1531420618");
/// assert!("yesterday".parse::<RequestTimestamp>().is_err());
/// # Ok::<(), SignatureError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RequestTimestamp(i64);

impl RequestTimestamp {
    /// The timestamp `secs` seconds after the Unix epoch.
    pub const fn from_unix(secs: i64) -> Self {
        RequestTimestamp(secs)
    }

    /// Now, by the system clock (what a sender puts in a request it signs).
    pub fn now() -> Self {
        RequestTimestamp(SystemClock.unix_now())
    }

    /// Seconds since the Unix epoch.
    pub const fn as_unix(self) -> i64 {
        self.0
    }
}

impl From<i64> for RequestTimestamp {
    fn from(secs: i64) -> Self {
        RequestTimestamp(secs)
    }
}

impl std::str::FromStr for RequestTimestamp {
    type Err = SignatureError;

    /// Decimal digits, optionally with a leading `-` (what Slack sends is always positive);
    /// surrounding whitespace is ignored.
    fn from_str(s: &str) -> Result<Self, SignatureError> {
        s.trim()
            .parse()
            .map(RequestTimestamp)
            .map_err(|_| SignatureError::InvalidTimestamp)
    }
}

impl fmt::Display for RequestTimestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// A clock for the verifier (injectable for tests).
pub trait Clock: Send + Sync {
    /// Seconds since the Unix epoch.
    fn unix_now(&self) -> i64;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn unix_now(&self) -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0)
    }
}

/// A fixed clock, for tests.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub i64);

impl Clock for FixedClock {
    fn unix_now(&self) -> i64 {
        self.0
    }
}

/// Checks `X-Slack-Signature` against the signing secret.
///
/// ```
/// use slack_core::signature::{sign, FixedClock, SignatureVerifier};
///
/// let verifier = SignatureVerifier::new("8f742231b10e8888abcd99yyyzzz85a5")?.with_clock(FixedClock(1_531_420_618));
/// let body = b"token=xyz&team_id=T1&command=%2Fweather&text=94070";
/// let sig = sign("8f742231b10e8888abcd99yyyzzz85a5", 1_531_420_618, body);
/// // The timestamp as the request's header gives it:
/// verifier.verify(body, "1531420618".parse()?, &sig)?;
/// # Ok::<(), slack_core::signature::SignatureError>(())
/// ```
pub struct SignatureVerifier {
    secret: Vec<u8>,
    tolerance: Duration,
    clock: Box<dyn Clock>,
}

impl fmt::Debug for SignatureVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignatureVerifier")
            .field("secret", &"<redacted>")
            .field("tolerance", &self.tolerance)
            .finish()
    }
}

impl SignatureVerifier {
    /// A verifier for `signing_secret` with a ±300 s window and the system clock.
    pub fn new(signing_secret: impl AsRef<[u8]>) -> Result<Self, SignatureError> {
        let secret = signing_secret.as_ref().to_vec();
        if secret.is_empty() {
            return Err(SignatureError::EmptySecret);
        }
        Ok(SignatureVerifier {
            secret,
            tolerance: DEFAULT_TOLERANCE,
            clock: Box::new(SystemClock),
        })
    }

    /// Use another clock.
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Box::new(clock);
        self
    }

    /// Accept timestamps up to `tolerance` away from now (default 300 s).
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Verify a raw body with its timestamp and the signature header's value.
    pub fn verify(
        &self,
        body: &[u8],
        timestamp: RequestTimestamp,
        signature: &str,
    ) -> Result<(), SignatureError> {
        let ts = timestamp.as_unix();
        let skew = self.clock.unix_now().abs_diff(ts);
        if skew > self.tolerance.as_secs() {
            return Err(SignatureError::Expired(skew));
        }
        // `v0=` and the hex digest; anything else cannot match.
        let given = signature
            .trim()
            .strip_prefix("v0=")
            .and_then(|h| hex::decode(h).ok())
            .ok_or(SignatureError::Mismatch)?;
        // `verify_slice` compares in constant time.
        mac(&self.secret, ts, body)
            .ok_or(SignatureError::Mismatch)?
            .verify_slice(&given)
            .map_err(|_| SignatureError::Mismatch)
    }

    /// Verify a raw body with the request's headers (names matched case-insensitively).
    pub fn verify_headers(
        &self,
        body: &[u8],
        headers: &http::HeaderMap,
    ) -> Result<(), SignatureError> {
        let get = |name: &'static str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .ok_or(SignatureError::MissingHeader(name))
        };
        let ts: RequestTimestamp = get(TIMESTAMP_HEADER)?.parse()?;
        self.verify(body, ts, get(SIGNATURE_HEADER)?)
    }

    /// Verify with headers given as name/value pairs in any case (for frameworks without
    /// `http::HeaderMap`).
    pub fn verify_pairs<'a>(
        &self,
        body: &[u8],
        headers: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<(), SignatureError> {
        let mut ts = None;
        let mut sig = None;
        for (k, v) in headers {
            if k.eq_ignore_ascii_case(TIMESTAMP_HEADER) {
                ts = Some(v);
            } else if k.eq_ignore_ascii_case(SIGNATURE_HEADER) {
                sig = Some(v);
            }
        }
        let ts: RequestTimestamp = ts
            .ok_or(SignatureError::MissingHeader(TIMESTAMP_HEADER))?
            .parse()?;
        self.verify(
            body,
            ts,
            sig.ok_or(SignatureError::MissingHeader(SIGNATURE_HEADER))?,
        )
    }
}

/// The signature Slack would send for `body` at `timestamp`: `v0=<hex>`.
pub fn sign(signing_secret: &str, timestamp: impl Into<RequestTimestamp>, body: &[u8]) -> String {
    compute(signing_secret.as_bytes(), timestamp.into().as_unix(), body)
}

fn compute(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    match mac(secret, timestamp, body) {
        Some(mac) => format!("v0={}", hex::encode(mac.finalize().into_bytes())),
        None => String::new(),
    }
}

/// HMAC-SHA256 over `v0:{timestamp}:{body}`, ready to finalize or verify.
/// `None` never happens in practice: HMAC accepts keys of any length.
fn mac(secret: &[u8], timestamp: i64, body: &[u8]) -> Option<Hmac<Sha256>> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).ok()?;
    mac.update(b"v0:");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b":");
    mac.update(body);
    Some(mac)
}

#[cfg(test)]
mod tests {
    use super::*;

    // The example from Slack's documentation on verifying requests.
    const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
    const TS: i64 = 1_531_420_618;
    const BODY: &[u8] = b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    const EXPECTED: &str = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    fn verifier() -> SignatureVerifier {
        SignatureVerifier::new(SECRET)
            .unwrap()
            .with_clock(FixedClock(TS))
    }

    #[test]
    fn documented_example() {
        assert_eq!(sign(SECRET, TS, BODY), EXPECTED);
        verifier().verify(BODY, TS.into(), EXPECTED).unwrap();
    }

    #[test]
    fn rejections() {
        let v = verifier();
        assert_eq!(
            v.verify(b"other", TS.into(), EXPECTED),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            "abc".parse::<RequestTimestamp>(),
            Err(SignatureError::InvalidTimestamp)
        );
        let mut h = http::HeaderMap::new();
        h.insert(TIMESTAMP_HEADER, "abc".parse().unwrap());
        h.insert(SIGNATURE_HEADER, EXPECTED.parse().unwrap());
        assert_eq!(
            v.verify_headers(BODY, &h),
            Err(SignatureError::InvalidTimestamp)
        );
        assert_eq!(
            v.verify(BODY, (TS + 300).into(), EXPECTED),
            Err(SignatureError::Mismatch)
        );
        assert!(matches!(
            v.verify(BODY, (TS + 301).into(), EXPECTED),
            Err(SignatureError::Expired(301))
        ));
        assert_eq!(
            v.verify(BODY, TS.into(), "v0=short"),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            SignatureVerifier::new("").err(),
            Some(SignatureError::EmptySecret)
        );
    }

    #[test]
    fn headers_any_case() {
        let v = verifier();
        let mut h = http::HeaderMap::new();
        h.insert("X-Slack-Request-Timestamp", "1531420618".parse().unwrap());
        h.insert("X-SLACK-SIGNATURE", EXPECTED.parse().unwrap());
        v.verify_headers(BODY, &h).unwrap();
        v.verify_pairs(
            BODY,
            [
                ("X-Slack-Signature", EXPECTED),
                ("x-SLACK-request-timestamp", "1531420618"),
            ],
        )
        .unwrap();
        assert_eq!(
            v.verify_pairs(BODY, []),
            Err(SignatureError::MissingHeader(TIMESTAMP_HEADER))
        );
        assert!(!format!("{v:?}").contains(SECRET));
    }

    proptest::proptest! {
        #[test]
        fn sign_then_verify(secret in ".{1,40}", body in proptest::collection::vec(proptest::num::u8::ANY, 0..256), skew in -300i64..=300) {
            let v = SignatureVerifier::new(&secret).unwrap().with_clock(FixedClock(TS + skew));
            let sig = sign(&secret, TS, &body);
            proptest::prop_assert!(v.verify(&body, TS.to_string().parse::<RequestTimestamp>().unwrap(), &sig).is_ok());
        }
    }
}
