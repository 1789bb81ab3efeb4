//! `stars.*` responses.
use serde::{Deserialize, Serialize};

use super::ResponseMetadata;
use crate::types::{File, Message};

/// A starred item.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StarredItem {
    /// `message`, `file`, `channel`, `im`, `group`.
    #[serde(
        default,
        rename = "type",
        deserialize_with = "crate::types::de::lenient_or_default"
    )]
    pub kind: String,
    /// The channel.
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
    pub channel: Option<String>,
    /// The message.
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
    pub message: Option<Message>,
    /// The file.
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
    pub file: Option<File>,
}

/// `stars.list`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ListResponse {
    /// The items.
    #[serde(default, deserialize_with = "crate::types::de::lenient_vec")]
    pub items: Vec<StarredItem>,
    /// The next cursor.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub response_metadata: ResponseMetadata,
}

crate::types::de::lenient_buffered!(StarredItem);
