use serde::{Deserialize, Serialize};

/// A user (or bot user).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct User {
    /// The id.
    pub id: String,
    /// The handle.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub name: String,
    /// The team.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub team_id: Option<String>,
    /// Deactivated.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub deleted: bool,
    /// The full name.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub real_name: Option<String>,
    /// Time zone name.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub tz: Option<String>,
    /// Offset from UTC in seconds.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub tz_offset: Option<i64>,
    /// Workspace admin.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub is_admin: bool,
    /// Workspace owner.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub is_owner: bool,
    /// A bot user.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub is_bot: bool,
    /// The profile.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub profile: Option<Profile>,
}

/// A user's profile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Profile {
    /// The full name.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub real_name: Option<String>,
    /// The display name.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub display_name: Option<String>,
    /// The email (with `users:read.email`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub email: Option<String>,
    /// The title.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub title: Option<String>,
    /// Status text.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub status_text: Option<String>,
    /// Status emoji.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub status_emoji: Option<String>,
    /// The bot, for bot users.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub bot_id: Option<String>,
    /// 72-pixel avatar.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub image_72: Option<String>,
}
