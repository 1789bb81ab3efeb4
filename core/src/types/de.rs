//! Lenient deserialisers for fields Slack sends as numbers or as strings.

use serde::{Deserialize, Deserializer};

/// An optional integer sent as `42` or `"42"` (anything else, or absent, is `None`).
pub fn opt_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum IntOrString {
        Int(i64),
        Str(String),
        Other(serde::de::IgnoredAny),
    }
    Ok(match Option::<IntOrString>::deserialize(d)? {
        Some(IntOrString::Int(n)) => Some(n),
        Some(IntOrString::Str(s)) => s.trim().parse().ok(),
        Some(IntOrString::Other(_)) | None => None,
    })
}
