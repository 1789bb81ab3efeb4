//! Fault injection: make the next N calls to a method (or to every method) fail in a chosen
//! way, from code ([`Faults`], via [`Emulator::faults`](crate::Emulator::faults)) or over
//! `POST /_emulator/faults` (see [`admin`](crate::admin)).

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{json, Value};

use crate::server::Shared;

/// A way for a Web API call to fail.
///
/// Faults apply to `/api/<method>` requests only, before rate limiting; a call answered by a
/// fault that says "not applied" leaves the workspace untouched.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Close the connection without answering; the call is not applied. The client sees an
    /// incomplete message (connection closed before a response).
    DropBeforeResponse,
    /// Apply the call, then close the connection without answering: the client cannot know
    /// that the change happened.
    DropAfterApply,
    /// Answer this HTTP status (500, 502, 503, …) with an HTML body, with `Retry-After` when
    /// given; not applied.
    Status {
        /// The HTTP status.
        status: u16,
        /// `Retry-After` seconds.
        retry_after: Option<u64>,
    },
    /// HTTP 429 with `{"ok":false,"error":"ratelimited"}`, with or without `Retry-After`;
    /// not applied.
    RateLimited {
        /// `Retry-After` seconds.
        retry_after: Option<u64>,
    },
    /// HTTP 200 `{"ok":false,"error":<code>}` (`fatal_error`, `internal_error`,
    /// `ratelimited`, …), with `Retry-After` when given; not applied.
    ApiError {
        /// The error code.
        code: String,
        /// `Retry-After` seconds.
        retry_after: Option<u64>,
    },
    /// Wait, then handle the call normally.
    Delay(Duration),
    /// Apply the call, then answer HTTP 200 with the JSON cut in half.
    TruncatedJson,
    /// Answer HTTP 200 with an HTML error page instead of JSON; not applied.
    HtmlErrorPage,
    /// Apply the call, then answer HTTP 200 with the headers (the full `Content-Length`) and
    /// the first half of the JSON at once, and the rest only after this long: a client whose
    /// timeout is shorter gives up mid-body, after the change was made.
    SlowBody(Duration),
}

impl Fault {
    /// HTTP `status` with an HTML body, no `Retry-After`.
    pub fn status(status: u16) -> Fault {
        Fault::Status {
            status,
            retry_after: None,
        }
    }

    /// HTTP 429 `ratelimited`, with `Retry-After` when given.
    pub fn rate_limited(retry_after: Option<u64>) -> Fault {
        Fault::RateLimited { retry_after }
    }

    /// HTTP 200 `{"ok":false,"error":code}`.
    pub fn api_error(code: impl Into<String>) -> Fault {
        Fault::ApiError {
            code: code.into(),
            retry_after: None,
        }
    }

    /// Whether the call is applied to the workspace when this fault fires.
    pub fn is_applied(&self) -> bool {
        matches!(
            self,
            Fault::DropAfterApply | Fault::Delay(_) | Fault::TruncatedJson | Fault::SlowBody(_)
        )
    }

    /// Parse the admin endpoint's JSON:
    ///
    /// | `fault` | more fields |
    /// |---|---|
    /// | `drop_before_response`, `drop_after_apply`, `truncated_json`, `html_error_page` | |
    /// | `status` | `status` (100–599), `retry_after` |
    /// | `rate_limited` | `retry_after` |
    /// | `api_error` | `error` (the code), `retry_after` |
    /// | `delay`, `slow_body` | `delay_ms` |
    ///
    /// `None` when the JSON names no known fault or lacks a field.
    ///
    /// ```
    /// use slack_emulator::Fault;
    /// let f = Fault::from_json(&serde_json::json!({"fault": "status", "status": 503}));
    /// assert_eq!(f, Some(Fault::status(503)));
    /// ```
    pub fn from_json(v: &Value) -> Option<Fault> {
        let retry_after = v.get("retry_after").and_then(Value::as_u64);
        Some(match v.get("fault")?.as_str()? {
            "drop_before_response" => Fault::DropBeforeResponse,
            "drop_after_apply" => Fault::DropAfterApply,
            "status" => Fault::Status {
                status: u16::try_from(v.get("status")?.as_u64()?)
                    .ok()
                    .filter(|s| (100..600).contains(s))?,
                retry_after,
            },
            "rate_limited" | "ratelimited" => Fault::RateLimited { retry_after },
            "api_error" => Fault::ApiError {
                code: v.get("error")?.as_str()?.to_owned(),
                retry_after,
            },
            "delay" => Fault::Delay(Duration::from_millis(v.get("delay_ms")?.as_u64()?)),
            "truncated_json" => Fault::TruncatedJson,
            "html_error_page" => Fault::HtmlErrorPage,
            "slow_body" => Fault::SlowBody(Duration::from_millis(v.get("delay_ms")?.as_u64()?)),
            _ => return None,
        })
    }

    /// The JSON [`Fault::from_json`] reads.
    pub fn to_json(&self) -> Value {
        match self {
            Fault::DropBeforeResponse => json!({"fault": "drop_before_response"}),
            Fault::DropAfterApply => json!({"fault": "drop_after_apply"}),
            Fault::Status {
                status,
                retry_after,
            } => json!({"fault": "status", "status": status, "retry_after": retry_after}),
            Fault::RateLimited { retry_after } => {
                json!({"fault": "rate_limited", "retry_after": retry_after})
            }
            Fault::ApiError { code, retry_after } => {
                json!({"fault": "api_error", "error": code, "retry_after": retry_after})
            }
            Fault::Delay(d) => {
                json!({"fault": "delay", "delay_ms": u64::try_from(d.as_millis()).unwrap_or(u64::MAX)})
            }
            Fault::TruncatedJson => json!({"fault": "truncated_json"}),
            Fault::HtmlErrorPage => json!({"fault": "html_error_page"}),
            Fault::SlowBody(d) => {
                json!({"fault": "slow_body", "delay_ms": u64::try_from(d.as_millis()).unwrap_or(u64::MAX)})
            }
        }
    }
}

/// A fault for the next calls to a method.
///
/// The method is a name (`chat.postMessage`), a family (`chat.*`) or `*` for every method.
/// A rule naming the method exactly wins over patterns; otherwise the oldest matching rule
/// fires.
///
/// ```
/// use slack_emulator::{Fault, FaultRule};
/// let rule = FaultRule::new("chat.postMessage", Fault::DropBeforeResponse).times(2);
/// assert_eq!(rule.remaining(), Some(2));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    pub(crate) method: String,
    pub(crate) fault: Fault,
    pub(crate) remaining: Option<u32>,
}

impl FaultRule {
    /// `fault` for the next call to `method` (`*`: any method; `family.*`: any method of a
    /// family).
    pub fn new(method: impl Into<String>, fault: Fault) -> Self {
        FaultRule {
            method: method.into(),
            fault,
            remaining: Some(1),
        }
    }

    /// For the next `n` matching calls (at least 1; default 1).
    pub fn times(mut self, n: u32) -> Self {
        self.remaining = Some(n.max(1));
        self
    }

    /// For every matching call until cleared.
    pub fn always(mut self) -> Self {
        self.remaining = None;
        self
    }

    /// The method pattern.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The fault.
    pub fn fault(&self) -> &Fault {
        &self.fault
    }

    /// Calls left before the rule goes away (`None`: until cleared).
    pub fn remaining(&self) -> Option<u32> {
        self.remaining
    }

    /// Whether the rule applies to a call of `method`.
    pub fn matches(&self, method: &str) -> bool {
        self.method == "*"
            || self.method == method
            || self
                .method
                .strip_suffix('*')
                .is_some_and(|prefix| prefix.ends_with('.') && method.starts_with(prefix))
    }

    /// The admin endpoint's JSON for this rule.
    pub fn to_json(&self) -> Value {
        let mut v = self.fault.to_json();
        v["method"] = json!(self.method);
        match self.remaining {
            Some(n) => v["times"] = json!(n),
            None => v["always"] = json!(true),
        }
        v
    }

    /// Parse `{"method": "chat.postMessage", "fault": …, "times": 2}` (or `"always": true`;
    /// `method` defaults to `*`, `times` to 1).
    pub fn from_json(v: &Value) -> Option<FaultRule> {
        let fault = Fault::from_json(v)?;
        let method = v.get("method").and_then(Value::as_str).unwrap_or("*");
        let rule = FaultRule::new(method, fault);
        Some(if v.get("always").and_then(Value::as_bool) == Some(true) {
            rule.always()
        } else {
            match v.get("times").and_then(Value::as_u64) {
                Some(n) => rule.times(u32::try_from(n).unwrap_or(u32::MAX)),
                None => rule,
            }
        })
    }
}

/// The active rules and how often faults fired.
#[derive(Debug, Default)]
pub(crate) struct FaultTable {
    rules: Vec<FaultRule>,
    hits: BTreeMap<String, u64>,
}

impl FaultTable {
    pub(crate) fn add(&mut self, rule: FaultRule) {
        self.rules.push(rule);
    }

    pub(crate) fn clear(&mut self) {
        self.rules.clear();
    }

    pub(crate) fn rules(&self) -> &[FaultRule] {
        &self.rules
    }

    pub(crate) fn hits(&self) -> &BTreeMap<String, u64> {
        &self.hits
    }

    /// Whether no rule is active (the fast path).
    pub(crate) fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The fault for this call of `method`, if any; uses one of the rule's calls.
    pub(crate) fn take(&mut self, method: &str) -> Option<Fault> {
        let idx = self
            .rules
            .iter()
            .position(|r| r.method == method)
            .or_else(|| self.rules.iter().position(|r| r.matches(method)))?;
        let rule = &mut self.rules[idx];
        let fault = rule.fault.clone();
        if let Some(n) = &mut rule.remaining {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.rules.remove(idx);
            }
        }
        *self.hits.entry(method.to_owned()).or_default() += 1;
        Some(fault)
    }
}

/// Fault controls of a running emulator ([`Emulator::faults`](crate::Emulator::faults)).
///
/// ```no_run
/// # async fn run() -> std::io::Result<()> {
/// use slack_emulator::{Emulator, Fault, FaultRule};
/// let emu = Emulator::start().await?;
/// emu.faults()
///     .inject(FaultRule::new("chat.postMessage", Fault::DropBeforeResponse).times(2));
/// // … two calls fail …
/// assert_eq!(emu.faults().hits("chat.postMessage"), 2);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Faults<'a> {
    pub(crate) shared: &'a Shared,
}

impl Faults<'_> {
    /// Add a rule (after the active ones).
    pub fn inject(&self, rule: FaultRule) {
        self.shared.lock_faults().add(rule);
    }

    /// Remove every rule (hit counts stay).
    pub fn clear(&self) {
        self.shared.lock_faults().clear();
    }

    /// The rules still active, with their remaining counts.
    pub fn active(&self) -> Vec<FaultRule> {
        self.shared.lock_faults().rules().to_vec()
    }

    /// How many calls of `method` a fault answered so far.
    pub fn hits(&self, method: &str) -> u64 {
        self.shared
            .lock_faults()
            .hits()
            .get(method)
            .copied()
            .unwrap_or(0)
    }

    /// How many calls faults answered so far, in all.
    pub fn total_hits(&self) -> u64 {
        self.shared.lock_faults().hits().values().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_round_trip() {
        assert_eq!(
            Fault::from_json(&json!({"fault": "status", "status": 503, "retry_after": 2})),
            Some(Fault::Status {
                status: 503,
                retry_after: Some(2)
            })
        );
        assert_eq!(
            Fault::from_json(&json!({"fault": "status", "status": 9999})),
            None
        );
        assert_eq!(Fault::from_json(&json!({"fault": "nope"})), None);
        assert_eq!(Fault::from_json(&json!({"fault": "api_error"})), None);
        for f in [
            Fault::DropBeforeResponse,
            Fault::DropAfterApply,
            Fault::status(502),
            Fault::rate_limited(Some(3)),
            Fault::rate_limited(None),
            Fault::api_error("fatal_error"),
            Fault::Delay(Duration::from_millis(20)),
            Fault::TruncatedJson,
            Fault::HtmlErrorPage,
            Fault::SlowBody(Duration::from_millis(700)),
        ] {
            assert_eq!(Fault::from_json(&f.to_json()).as_ref(), Some(&f));
            let rule = FaultRule::new("chat.*", f.clone()).times(3);
            assert_eq!(FaultRule::from_json(&rule.to_json()), Some(rule));
        }
        let always = FaultRule::new("*", Fault::HtmlErrorPage).always();
        assert_eq!(FaultRule::from_json(&always.to_json()), Some(always));
    }

    #[test]
    fn rules_match_and_count_down() {
        let mut f = FaultTable::default();
        f.add(FaultRule::new("*", Fault::TruncatedJson));
        f.add(FaultRule::new("a.b", Fault::HtmlErrorPage).times(2));
        f.add(FaultRule::new("chat.*", Fault::DropAfterApply));
        // The exact rule wins over the older wildcard.
        assert_eq!(f.take("a.b"), Some(Fault::HtmlErrorPage));
        assert_eq!(f.take("x.y"), Some(Fault::TruncatedJson));
        assert_eq!(f.take("x.y"), None);
        assert_eq!(f.take("a.b"), Some(Fault::HtmlErrorPage));
        assert_eq!(f.take("a.b"), None);
        assert_eq!(f.take("chat.update"), Some(Fault::DropAfterApply));
        assert!(f.is_empty());
        assert_eq!(f.hits().get("a.b"), Some(&2));
        assert!(!FaultRule::new("chat*", Fault::TruncatedJson).matches("chatty"));
        assert!(FaultRule::new("chat.*", Fault::TruncatedJson).matches("chat.postMessage"));
        assert!(!Fault::DropBeforeResponse.is_applied());
        assert!(Fault::DropAfterApply.is_applied());
        assert!(Fault::SlowBody(Duration::from_secs(1)).is_applied());
    }
}
