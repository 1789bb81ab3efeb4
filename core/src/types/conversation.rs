use serde::{Deserialize, Serialize};

/// A conversation: public or private channel, IM or MPIM.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Conversation {
    /// The id (`C…`, `G…`, `D…`).
    pub id: String,
    /// The name (absent for IMs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Public or private channel.
    #[serde(default)]
    pub is_channel: bool,
    /// Private channel (or legacy group).
    #[serde(default)]
    pub is_group: bool,
    /// Direct message.
    #[serde(default)]
    pub is_im: bool,
    /// Multi-person direct message.
    #[serde(default)]
    pub is_mpim: bool,
    /// Private.
    #[serde(default)]
    pub is_private: bool,
    /// Archived.
    #[serde(default)]
    pub is_archived: bool,
    /// Whether the calling user or bot is a member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_member: Option<bool>,
    /// The `#general` channel.
    #[serde(default)]
    pub is_general: bool,
    /// Creation time (Unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<i64>,
    /// The creator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator: Option<String>,
    /// For IMs, the other user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Members count, when requested (`include_num_members`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub num_members: Option<u64>,
    /// The topic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<Purpose>,
    /// The purpose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<Purpose>,
}

/// A channel's topic or purpose.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Purpose {
    /// The text.
    #[serde(default)]
    pub value: String,
    /// Who set it.
    #[serde(default)]
    pub creator: String,
    /// When (Unix seconds).
    #[serde(default)]
    pub last_set: i64,
}
