//! `views.*` responses.
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::blocks::Block;

/// A view as Slack returns it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ViewInfo {
    /// The view id.
    pub id: String,
    /// `modal` or `home`.
    #[serde(
        default,
        rename = "type",
        deserialize_with = "crate::types::de::lenient_or_default"
    )]
    pub kind: String,
    /// Pass back to `views.update` to detect concurrent changes.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub hash: String,
    /// The team.
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
    pub team_id: Option<String>,
    /// Your callback id.
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
    pub callback_id: Option<String>,
    /// Your external id.
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
    pub external_id: Option<String>,
    /// Your private metadata.
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
    pub private_metadata: Option<String>,
    /// The blocks.
    #[serde(default, deserialize_with = "crate::types::de::lenient_vec")]
    pub blocks: Vec<Block>,
    /// Input values, for submitted views.
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
    pub state: Option<Value>,
    /// The view below this one in the stack.
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
    pub previous_view_id: Option<String>,
}

/// `views.open`, `views.push`, `views.update`, `views.publish`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ViewResponse {
    /// The view.
    pub view: ViewInfo,
}
