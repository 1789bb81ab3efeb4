//! `rtm.*` responses.

pub use crate::generated::responses::rtm::*;

use serde::{Deserialize, Serialize};

/// `rtm.connect`.
///
/// `Debug` shows `url` as `<redacted>`: its path is a session ticket (the codegen rule
/// `SECRET_RESPONSE_FIELDS`, applied by hand to this hand-written type).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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

impl std::fmt::Debug for ConnectResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectResponse")
            .field("url", &"<redacted>")
            .field("self_", &self.self_)
            .field("team", &self.team)
            .finish()
    }
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
