use serde::{Deserialize, Serialize};

/// A conversation: public or private channel, IM or MPIM.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Conversation {
    /// The id (`C…`, `G…`, `D…`).
    pub id: String,
    /// The name (absent for IMs).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub name: Option<String>,
    /// Public or private channel.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub is_channel: bool,
    /// Private channel (or legacy group).
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub is_group: bool,
    /// Direct message.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub is_im: bool,
    /// Multi-person direct message.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub is_mpim: bool,
    /// Private.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub is_private: bool,
    /// Archived.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub is_archived: bool,
    /// Whether the calling user or bot is a member.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub is_member: Option<bool>,
    /// The `#general` channel.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub is_general: bool,
    /// Creation time (Unix seconds).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub created: Option<i64>,
    /// The creator.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub creator: Option<String>,
    /// For IMs, the other user.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub user: Option<String>,
    /// Members count, when requested (`include_num_members`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub num_members: Option<u64>,
    /// The topic.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub topic: Option<Purpose>,
    /// The purpose.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub purpose: Option<Purpose>,
}

/// A channel's topic or purpose.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Purpose {
    /// The text.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub value: String,
    /// Who set it.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub creator: String,
    /// When (Unix seconds).
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub last_set: i64,
}
