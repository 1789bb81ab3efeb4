//! `emoji.*` responses.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// `emoji.list`: custom emoji names to image URLs (or `alias:other`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ListResponse {
    /// Name → URL or `alias:name`.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub emoji: BTreeMap<String, String>,
}
