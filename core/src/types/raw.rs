//! A piece of JSON kept as text until someone asks for it.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::Value;

/// A JSON value kept exactly as received, decoded only when asked.
///
/// Fields a handler seldom reads — a message's `blocks`, `attachments`, `files` — arrive
/// as this type: receiving them costs a scan and a copy, not a tree of maps. Decode into
/// your own type with [`parse`](RawJson::parse), or into a `serde_json::Value` with
/// [`to_value`](RawJson::to_value).
///
/// ```
/// use slack_core::types::RawJson;
///
/// let blocks: RawJson = serde_json::from_str(r#"[{"type":"divider"}]"#)?;
/// assert_eq!(blocks.get(), r#"[{"type":"divider"}]"#);
/// assert_eq!(blocks.to_value()?[0]["type"], "divider");
/// let kinds: Vec<serde_json::Map<String, serde_json::Value>> = blocks.parse()?;
/// assert_eq!(kinds.len(), 1);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone)]
pub struct RawJson(Box<RawValue>);

impl RawJson {
    /// The JSON text, exactly as received.
    pub fn get(&self) -> &str {
        self.0.get()
    }

    /// Decode into `T`.
    pub fn parse<'a, T: Deserialize<'a>>(&'a self) -> Result<T, serde_json::Error> {
        serde_json::from_str(self.0.get())
    }

    /// Decode into a `serde_json::Value`.
    pub fn to_value(&self) -> Result<Value, serde_json::Error> {
        serde_json::from_str(self.0.get())
    }

    /// Encode `value` as JSON.
    pub fn from_value<T: Serialize>(value: &T) -> Result<Self, serde_json::Error> {
        serde_json::value::to_raw_value(value).map(RawJson)
    }
}

impl fmt::Debug for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.0.get(), f)
    }
}

/// Equal when the texts are equal (two encodings of one value may differ).
impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl Eq for RawJson {}

impl Serialize for RawJson {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for RawJson {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Box::<RawValue>::deserialize(deserializer).map(RawJson)
    }
}
