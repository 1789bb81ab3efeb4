use serde::{Deserialize, Serialize};

/// A user (or bot user).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct User {
    /// The id.
    pub id: String,
    /// The handle.
    #[serde(default)]
    pub name: String,
    /// The team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
    /// Deactivated.
    #[serde(default)]
    pub deleted: bool,
    /// The full name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub real_name: Option<String>,
    /// Time zone name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tz: Option<String>,
    /// Offset from UTC in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tz_offset: Option<i64>,
    /// Workspace admin.
    #[serde(default)]
    pub is_admin: bool,
    /// Workspace owner.
    #[serde(default)]
    pub is_owner: bool,
    /// A bot user.
    #[serde(default)]
    pub is_bot: bool,
    /// The profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<Profile>,
}

/// A user's profile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Profile {
    /// The full name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub real_name: Option<String>,
    /// The display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The email (with `users:read.email`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Status text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_text: Option<String>,
    /// Status emoji.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_emoji: Option<String>,
    /// The bot, for bot users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bot_id: Option<String>,
    /// 72-pixel avatar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_72: Option<String>,
}
