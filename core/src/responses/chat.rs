//! `chat.*` responses.
use serde::{Deserialize, Serialize};

use crate::types::Message;

/// `chat.postMessage`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PostMessageResponse {
    /// The channel the message went to.
    #[serde(default)]
    pub channel: String,
    /// The new message's `ts`.
    #[serde(default)]
    pub ts: String,
    /// The message as posted.
    #[serde(default)]
    pub message: Option<Message>,
}

/// `chat.postEphemeral`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PostEphemeralResponse {
    /// The ephemeral message's `ts`.
    #[serde(default)]
    pub message_ts: String,
}

/// `chat.update`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UpdateResponse {
    /// The channel.
    #[serde(default)]
    pub channel: String,
    /// The updated message's `ts`.
    #[serde(default)]
    pub ts: String,
    /// The new text.
    #[serde(default)]
    pub text: Option<String>,
    /// The updated message.
    #[serde(default)]
    pub message: Option<Message>,
}

/// `chat.delete`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DeleteResponse {
    /// The channel.
    #[serde(default)]
    pub channel: String,
    /// The deleted message's `ts`.
    #[serde(default)]
    pub ts: String,
}
