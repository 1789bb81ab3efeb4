//! `chat.*` responses.

pub use crate::generated::responses::chat::*;

use serde::{Deserialize, Serialize};

use crate::types::{Lazy, Message};

/// `chat.postMessage`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PostMessageResponse {
    /// The channel the message went to.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub channel: String,
    /// The new message's `ts`.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub ts: String,
    /// The message as posted, decoded on first read (see [`Lazy`]).
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
    pub message: Option<Lazy<Message>>,
}

/// `chat.postEphemeral`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PostEphemeralResponse {
    /// The ephemeral message's `ts`.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub message_ts: String,
}

/// `chat.update`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UpdateResponse {
    /// The channel.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub channel: String,
    /// The updated message's `ts`.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub ts: String,
    /// The new text.
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
    pub text: Option<String>,
    /// The updated message, decoded on first read (see [`Lazy`]).
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
    pub message: Option<Lazy<Message>>,
}

/// `chat.delete`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DeleteResponse {
    /// The channel.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub channel: String,
    /// The deleted message's `ts`.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub ts: String,
}

/// `chat.getPermalink`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PermalinkResponse {
    /// The channel.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub channel: String,
    /// The link.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub permalink: String,
}

/// `chat.scheduleMessage`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ScheduleMessageResponse {
    /// The channel.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub channel: String,
    /// The scheduled message's id.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub scheduled_message_id: String,
    /// When it will be posted (Unix seconds; Slack sends a number or a string).
    #[serde(default, deserialize_with = "crate::types::de::opt_int")]
    pub post_at: Option<i64>,
    /// The message, decoded on first read (see [`Lazy`]).
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
    pub message: Option<Lazy<Message>>,
}
