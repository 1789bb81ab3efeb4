//! `team.*` responses.

pub use crate::generated::responses::team::*;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A workspace.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Team {
    /// The id.
    pub id: String,
    /// The name.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub name: String,
    /// The subdomain.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub domain: String,
    /// The email domain.
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
    pub email_domain: Option<String>,
    /// Icon URLs.
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
    pub icon: Option<Value>,
    /// The Enterprise Grid org.
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
    pub enterprise_id: Option<String>,
}

/// `team.info`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InfoResponse {
    /// The team.
    pub team: Team,
}
