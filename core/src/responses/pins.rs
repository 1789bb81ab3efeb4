//! `pins.*` responses.
use serde::{Deserialize, Serialize};

use crate::types::{File, Message};

/// A pinned item.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PinnedItem {
    /// `message` or `file`.
    #[serde(
        default,
        rename = "type",
        deserialize_with = "crate::types::de::lenient_or_default"
    )]
    pub kind: String,
    /// The channel.
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
    pub channel: Option<String>,
    /// Pin time (Unix seconds).
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
    pub created: Option<i64>,
    /// Who pinned it.
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
    pub created_by: Option<String>,
    /// The message, for message pins.
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
    pub message: Option<Message>,
    /// The file, for file pins.
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
    pub file: Option<File>,
}

/// `pins.list`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ListResponse {
    /// The pins.
    #[serde(default, deserialize_with = "crate::types::de::lenient_vec")]
    pub items: Vec<PinnedItem>,
}

crate::types::de::lenient_buffered!(PinnedItem);
