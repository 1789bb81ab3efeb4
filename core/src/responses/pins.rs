//! `pins.*` responses.
use serde::{Deserialize, Serialize};

use crate::types::{File, Message};

/// A pinned item.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PinnedItem {
    /// `message` or `file`.
    #[serde(default, rename = "type")]
    pub kind: String,
    /// The channel.
    #[serde(default)]
    pub channel: Option<String>,
    /// Pin time (Unix seconds).
    #[serde(default)]
    pub created: Option<i64>,
    /// Who pinned it.
    #[serde(default)]
    pub created_by: Option<String>,
    /// The message, for message pins.
    #[serde(default)]
    pub message: Option<Message>,
    /// The file, for file pins.
    #[serde(default)]
    pub file: Option<File>,
}

/// `pins.list`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ListResponse {
    /// The pins.
    #[serde(default)]
    pub items: Vec<PinnedItem>,
}
