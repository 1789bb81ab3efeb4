//! `rtm.*` responses.

pub use crate::generated::responses::rtm::*;

use serde::{Deserialize, Serialize};

/// `rtm.connect`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ConnectResponse {
    /// The websocket URL (valid for 30 seconds).
    pub url: String,
    /// Who connects.
    #[serde(rename = "self")]
    pub self_: Identity,
    /// The team.
    pub team: TeamRef,
}

/// An id and a name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Identity {
    /// The id.
    pub id: String,
    /// The name.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub name: String,
}

/// A team reference.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TeamRef {
    /// The id.
    pub id: String,
    /// The name.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub name: String,
    /// The domain.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub domain: String,
}
