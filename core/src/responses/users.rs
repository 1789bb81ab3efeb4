//! `users.*` responses.

pub use crate::generated::responses::users::*;

use serde::{Deserialize, Serialize};

use super::ResponseMetadata;
use crate::types::User;

/// `users.info`, `users.lookupByEmail`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InfoResponse {
    /// The user.
    pub user: User,
}

/// `users.list`: one page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ListResponse {
    /// The users of this page.
    #[serde(default, deserialize_with = "crate::types::de::lenient_vec")]
    pub members: Vec<User>,
    /// When the list was computed (Unix seconds).
    #[serde(
        default,
        deserialize_with = "crate::types::de::lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub cache_ts: Option<i64>,
    /// The next cursor.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub response_metadata: ResponseMetadata,
}

/// `users.conversations`: one page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ConversationsResponse {
    /// The conversations.
    #[serde(default, deserialize_with = "crate::types::de::lenient_vec")]
    pub channels: Vec<crate::types::Conversation>,
    /// The next cursor.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub response_metadata: ResponseMetadata,
}

/// `users.getPresence`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PresenceResponse {
    /// `active` or `away`.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub presence: String,
    /// Whether a client is online (own presence only).
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
    pub online: Option<bool>,
}
