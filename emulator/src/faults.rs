//! Fault injection: make the next N calls to a method (or all) fail in a chosen way.

use std::time::Duration;

use serde_json::Value;

/// A way for a call to fail.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Close the connection without answering; the call is not applied.
    DropBeforeResponse,
    /// Apply the call, then close the connection without answering.
    DropAfterApply,
    /// Answer this HTTP status (500, 502, 503, …) with an HTML body, optionally with
    /// `Retry-After`; the call is not applied.
    Status {
        /// The status.
        status: u16,
        /// `Retry-After` seconds.
        retry_after: Option<u64>,
    },
    /// HTTP 429 with `{"ok":false,"error":"ratelimited"}`, with or without `Retry-After`.
    RateLimited {
        /// `Retry-After` seconds.
        retry_after: Option<u64>,
    },
    /// HTTP 200 `{"ok":false,"error":<code>}` (`fatal_error`, `internal_error`,
    /// `ratelimited`, …), optionally with `Retry-After`; not applied.
    ApiError {
        /// The error code.
        code: String,
        /// `Retry-After` seconds.
        retry_after: Option<u64>,
    },
    /// Wait, then handle the call normally.
    Delay(Duration),
    /// Apply the call, then answer with the JSON cut in half.
    TruncatedJson,
    /// Answer HTTP 200 with an HTML error page instead of JSON; not applied.
    HtmlErrorPage,
}

impl Fault {
    /// Parse the admin endpoint's JSON: `{"fault": "drop_before_response" | "drop_after_apply"
    /// | "status" | "rate_limited" | "api_error" | "delay" | "truncated_json" |
    /// "html_error_page", "status": 503, "retry_after": 3, "error": "fatal_error",
    /// "delay_ms": 100}`.
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
            "rate_limited" => Fault::RateLimited { retry_after },
            "api_error" => Fault::ApiError {
                code: v.get("error")?.as_str()?.to_owned(),
                retry_after,
            },
            "delay" => Fault::Delay(Duration::from_millis(v.get("delay_ms")?.as_u64()?)),
            "truncated_json" => Fault::TruncatedJson,
            "html_error_page" => Fault::HtmlErrorPage,
            _ => return None,
        })
    }
}

/// A fault for the next calls to `method` (`*` for every method).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    pub(crate) method: String,
    pub(crate) fault: Fault,
    pub(crate) remaining: Option<u32>,
}

impl FaultRule {
    /// `fault` for the next call to `method` (`*`: any method).
    pub fn new(method: impl Into<String>, fault: Fault) -> Self {
        FaultRule {
            method: method.into(),
            fault,
            remaining: Some(1),
        }
    }

    /// For the next `n` calls.
    pub fn times(mut self, n: u32) -> Self {
        self.remaining = Some(n.max(1));
        self
    }

    /// For every call until cleared.
    pub fn always(mut self) -> Self {
        self.remaining = None;
        self
    }
}

/// The active rules.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    rules: Vec<FaultRule>,
    pub(crate) hits: u64,
}

impl Faults {
    pub(crate) fn add(&mut self, rule: FaultRule) {
        self.rules.push(rule);
    }

    pub(crate) fn clear(&mut self) {
        self.rules.clear();
    }

    pub(crate) fn rules(&self) -> &[FaultRule] {
        &self.rules
    }

    /// The fault for this call of `method`, if any (consumes one use).
    pub(crate) fn take(&mut self, method: &str) -> Option<Fault> {
        let idx = self
            .rules
            .iter()
            .position(|r| r.method == method)
            .or_else(|| self.rules.iter().position(|r| r.method == "*"))?;
        let rule = &mut self.rules[idx];
        let fault = rule.fault.clone();
        if let Some(n) = &mut rule.remaining {
            *n -= 1;
            if *n == 0 {
                self.rules.remove(idx);
            }
        }
        self.hits += 1;
        Some(fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parse_and_consume() {
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
        let mut f = Faults::default();
        f.add(FaultRule::new("a", Fault::HtmlErrorPage).times(2));
        f.add(FaultRule::new("*", Fault::TruncatedJson));
        assert_eq!(f.take("a"), Some(Fault::HtmlErrorPage));
        assert_eq!(f.take("b"), Some(Fault::TruncatedJson));
        assert_eq!(f.take("b"), None);
        assert_eq!(f.take("a"), Some(Fault::HtmlErrorPage));
        assert_eq!(f.take("a"), None);
    }
}
