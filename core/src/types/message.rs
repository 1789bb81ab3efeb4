use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::blocks::Blocks;
use crate::types::File;

/// A message, as returned by `chat.postMessage`, `conversations.history` and RTM events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Message {
    /// Always `message` for messages.
    #[serde(
        default,
        rename = "type",
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub kind: Option<String>,
    /// `bot_message`, `message_changed`, `thread_broadcast`, … (absent for plain messages).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub subtype: Option<String>,
    /// The message's timestamp, its id within the channel.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub ts: Option<String>,
    /// The author.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub user: Option<String>,
    /// The bot that posted it, for bot messages.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub bot_id: Option<String>,
    /// The text.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub text: Option<String>,
    /// The thread's parent `ts`, for thread messages.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub thread_ts: Option<String>,
    /// Replies, on a thread parent.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub reply_count: Option<u64>,
    /// The channel, where the payload carries it (events, some responses).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub channel: Option<String>,
    /// The team.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub team: Option<String>,
    /// Block Kit blocks, typed and decoded on first read (they read like a `&[Block]`; see
    /// [`Blocks`]). A block of a type this SDK does not know (or whose JSON does not match
    /// the documented shape) is kept as [`Block::Other`](crate::blocks::Block::Other) with
    /// its JSON.
    #[serde(default, skip_serializing_if = "Blocks::is_absent")]
    pub blocks: Blocks,
    /// Legacy attachments, as JSON.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub attachments: Option<Value>,
    /// Files shared in the message (`file_share` messages and messages with uploads).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::types::de::lenient_vec"
    )]
    pub files: Vec<File>,
    /// Reactions on the message.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::types::de::lenient_vec"
    )]
    pub reactions: Vec<Reaction>,
}

/// One reaction on a message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Reaction {
    /// Emoji name without colons.
    pub name: String,
    /// How many users reacted.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub count: u64,
    /// Who reacted (may be truncated by Slack).
    #[serde(default, deserialize_with = "crate::types::de::lenient_vec")]
    pub users: Vec<String>,
}
