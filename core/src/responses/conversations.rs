//! `conversations.*` responses.

pub use crate::generated::responses::conversations::*;

use serde::{Deserialize, Serialize};

use super::ResponseMetadata;
use crate::types::Conversation;

/// `conversations.open`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OpenResponse {
    /// The conversation (with `return_im`, the full object; else only its id).
    pub channel: Conversation,
    /// Whether the conversation was already open.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub already_open: bool,
    /// Whether nothing changed.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub no_op: bool,
}

/// `conversations.create`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CreateResponse {
    /// The new channel.
    pub channel: Conversation,
}

/// `conversations.info`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InfoResponse {
    /// The conversation.
    pub channel: Conversation,
}

/// `conversations.join`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JoinResponse {
    /// The channel joined.
    pub channel: Conversation,
    /// Set when the caller was already a member.
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
    pub warning: Option<String>,
}

/// `conversations.leave`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LeaveResponse {
    /// `true` when the caller was not a member.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub not_in_channel: bool,
}

/// `conversations.list`: one page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ListResponse {
    /// The conversations of this page.
    #[serde(default, deserialize_with = "crate::types::de::lenient_vec")]
    pub channels: Vec<Conversation>,
    /// The next cursor.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub response_metadata: ResponseMetadata,
}

/// `conversations.members`: one page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MembersResponse {
    /// User ids.
    #[serde(default, deserialize_with = "crate::types::de::lenient_vec")]
    pub members: Vec<String>,
    /// The next cursor.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub response_metadata: ResponseMetadata,
}

/// `conversations.history`, `conversations.replies`: one page of messages.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct HistoryResponse {
    /// The messages (newest first for history; parent first for replies).
    #[serde(default, deserialize_with = "crate::types::de::lenient_vec")]
    pub messages: Vec<crate::types::Message>,
    /// Whether more messages exist.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub has_more: bool,
    /// Pinned items in the channel (`conversations.history`).
    #[serde(
        default,
        deserialize_with = "crate::types::de::lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub pin_count: Option<i64>,
    /// Channel actions count (`conversations.history`).
    #[serde(
        default,
        deserialize_with = "crate::types::de::lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub channel_actions_count: Option<i64>,
    /// The next cursor.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub response_metadata: ResponseMetadata,
}
