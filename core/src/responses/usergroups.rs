//! `usergroups.*` responses.
use serde::{Deserialize, Serialize};

/// A user group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Usergroup {
    /// The id (`S…`).
    pub id: String,
    /// The team.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub team_id: String,
    /// The name.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub name: String,
    /// The mention handle.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub handle: String,
    /// The description.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub description: String,
    /// Members, when requested (`include_users`).
    #[serde(default, deserialize_with = "crate::types::de::lenient_vec")]
    pub users: Vec<String>,
    /// How many members (Slack sends a number or a string).
    #[serde(default, deserialize_with = "crate::types::de::opt_int")]
    pub user_count: Option<i64>,
    /// Disabled time (0 when enabled).
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub date_delete: i64,
}

/// `usergroups.create`, `usergroups.update`, `usergroups.enable`, `usergroups.disable`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UsergroupResponse {
    /// The group.
    pub usergroup: Usergroup,
}

/// `usergroups.list`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ListResponse {
    /// The groups.
    #[serde(default, deserialize_with = "crate::types::de::lenient_vec")]
    pub usergroups: Vec<Usergroup>,
}

/// `usergroups.users.list`, `usergroups.users.update` (members).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UsersResponse {
    /// Member ids.
    #[serde(default, deserialize_with = "crate::types::de::lenient_vec")]
    pub users: Vec<String>,
}

crate::types::de::lenient_buffered!(Usergroup);
