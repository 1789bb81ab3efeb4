//! Typed requests for every Web API method, one module per family
//! (`api::chat::PostMessage`, `api::conversations::List`, `api::admin::apps::Approve`, …).
//!
//! Each request is plain data: required arguments go to `new(..)`, optional ones are chained
//! setters. Send it with `WebClient::call`. The request types are generated from Slack's
//! reference data by `tools/codegen`; the typed responses are written by hand in
//! [`crate::responses`] and re-exported next to their request.

pub mod enums;

use serde::de::DeserializeOwned;
use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::error::Result;
use crate::method::MethodInfo;
use crate::request::Args;

/// A typed request for one Web API method.
pub trait SlackMethod: Serialize + Send + Sync {
    /// The typed response (`serde_json::Value` where no typed model exists yet).
    type Response: DeserializeOwned + Send + 'static;

    /// The method's table entry.
    fn info(&self) -> &'static MethodInfo;

    /// The request as arguments (checks limits and encodes lists and JSON arguments).
    fn to_args(&self) -> Result<Args> {
        Args::from_serialize(self)
    }
}

/// A JSON-valued argument (`blocks`, `attachments`, `view`, `metadata`, …), converted from any
/// `Serialize` value when set. A value that cannot be serialised is reported as a validation
/// error when the request is sent, never a panic.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonArg(std::result::Result<Value, String>);

impl JsonArg {
    /// Convert a serialisable value.
    pub fn from_serialize<T: Serialize + ?Sized>(value: &T) -> Self {
        JsonArg(serde_json::to_value(value).map_err(|e| e.to_string()))
    }

    /// The JSON value, or why it could not be produced.
    pub fn value(&self) -> std::result::Result<&Value, &str> {
        self.0.as_ref().map_err(String::as_str)
    }
}

impl From<Value> for JsonArg {
    fn from(v: Value) -> Self {
        JsonArg(Ok(v))
    }
}

impl Serialize for JsonArg {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match &self.0 {
            Ok(v) => v.serialize(s),
            Err(e) => Err(serde::ser::Error::custom(e)),
        }
    }
}

/// A time Slack takes as an integer or in words (`reminders.add`'s `time`): a Unix time in
/// seconds, or text such as `"in 5 minutes"` or `"every Thursday"`. Integers go out as
/// numbers, text as it is.
///
/// ```
/// use slack_core::api::{reminders, TimeArg};
/// let at = reminders::Add::new("Stand-up", 1_767_225_600);
/// let words = reminders::Add::new("Stand-up", "in 5 minutes");
/// assert_eq!(TimeArg::from(1_767_225_600), TimeArg::Unix(1_767_225_600));
/// # let _ = (at, words);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeArg {
    /// A Unix time, or (Slack's rule, for small values) seconds from now.
    Unix(i64),
    /// A textual form Slack accepts (`"in 15 minutes"`, `"tomorrow at 9am"`).
    Text(String),
}

impl From<i64> for TimeArg {
    fn from(v: i64) -> Self {
        TimeArg::Unix(v)
    }
}

impl From<i32> for TimeArg {
    fn from(v: i32) -> Self {
        TimeArg::Unix(i64::from(v))
    }
}

impl From<u32> for TimeArg {
    fn from(v: u32) -> Self {
        TimeArg::Unix(i64::from(v))
    }
}

impl From<std::time::SystemTime> for TimeArg {
    /// Seconds since the Unix epoch (0 for a time before it).
    fn from(t: std::time::SystemTime) -> Self {
        let secs = t
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        TimeArg::Unix(secs)
    }
}

impl From<String> for TimeArg {
    fn from(v: String) -> Self {
        TimeArg::Text(v)
    }
}

impl From<&str> for TimeArg {
    fn from(v: &str) -> Self {
        TimeArg::Text(v.to_owned())
    }
}

impl Serialize for TimeArg {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            TimeArg::Unix(n) => s.serialize_i64(*n),
            TimeArg::Text(t) => s.serialize_str(t),
        }
    }
}

/// Serde helpers used by the generated requests.
pub mod ser {
    use serde::Serializer;

    /// Serialise a JSON argument as its JSON text (Slack's "stringified JSON"), so it stays a
    /// string in a form and inside a JSON body. A string is taken as JSON text already
    /// stringified by the caller and sent as it is (never quoted twice).
    pub fn json_string<S: Serializer>(v: &super::JsonArg, s: S) -> Result<S::Ok, S::Error> {
        match v.value() {
            Ok(serde_json::Value::String(text)) => s.serialize_str(text),
            Ok(value) => s.serialize_str(&value.to_string()),
            Err(e) => Err(serde::ser::Error::custom(e)),
        }
    }

    /// [`json_string`] for an optional argument.
    pub fn json_string_opt<S: Serializer>(
        v: &Option<super::JsonArg>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => json_string(v, s),
            None => s.serialize_none(),
        }
    }

    /// Serialise a list as Slack's comma-separated string.
    pub fn comma_list<S: Serializer>(v: &Option<Vec<String>>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(items) => s.serialize_str(&items.join(",")),
            None => s.serialize_none(),
        }
    }

    /// Serialise a list of closed-set values as Slack's comma-separated string.
    pub fn comma_list_of<T: AsRef<str>, S: Serializer>(
        v: &Option<Vec<T>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            Some(items) => {
                let parts: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
                s.serialize_str(&parts.join(","))
            }
            None => s.serialize_none(),
        }
    }

    /// Serialise a required list as Slack's comma-separated string.
    pub fn comma_list_required<S: Serializer>(v: &[String], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.join(","))
    }
}
pub use crate::generated::api::*;
pub use crate::request::FileArg;
