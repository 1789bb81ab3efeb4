//! `auth.*` responses.

pub use crate::generated::responses::auth::*;

use serde::{Deserialize, Serialize};

/// `auth.test`: who the token belongs to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TestResponse {
    /// Workspace URL.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub url: String,
    /// Workspace name.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub team: String,
    /// User name.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub user: String,
    /// Workspace id.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub team_id: String,
    /// User id.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub user_id: String,
    /// Bot id, for bot tokens.
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
    pub bot_id: Option<String>,
    /// Enterprise id, on Enterprise Grid.
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
    pub enterprise_id: Option<String>,
    /// Whether the app is installed org-wide.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub is_enterprise_install: bool,
}
