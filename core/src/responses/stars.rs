//! `stars.*` responses.
use serde::{Deserialize, Serialize};

use super::ResponseMetadata;
use crate::types::{File, Message};

/// A starred item.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StarredItem {
    /// `message`, `file`, `channel`, `im`, `group`.
    #[serde(default, rename = "type")]
    pub kind: String,
    /// The channel.
    #[serde(default)]
    pub channel: Option<String>,
    /// The message.
    #[serde(default)]
    pub message: Option<Message>,
    /// The file.
    #[serde(default)]
    pub file: Option<File>,
}

/// `stars.list`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ListResponse {
    /// The items.
    #[serde(default)]
    pub items: Vec<StarredItem>,
    /// The next cursor.
    #[serde(default)]
    pub response_metadata: ResponseMetadata,
}
