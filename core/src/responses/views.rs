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
    #[serde(default, rename = "type")]
    pub kind: String,
    /// Pass back to `views.update` to detect concurrent changes.
    #[serde(default)]
    pub hash: String,
    /// The team.
    #[serde(default)]
    pub team_id: Option<String>,
    /// Your callback id.
    #[serde(default)]
    pub callback_id: Option<String>,
    /// Your external id.
    #[serde(default)]
    pub external_id: Option<String>,
    /// Your private metadata.
    #[serde(default)]
    pub private_metadata: Option<String>,
    /// The blocks.
    #[serde(default)]
    pub blocks: Vec<Block>,
    /// Input values, for submitted views.
    #[serde(default)]
    pub state: Option<Value>,
    /// The view below this one in the stack.
    #[serde(default)]
    pub previous_view_id: Option<String>,
}

/// `views.open`, `views.push`, `views.update`, `views.publish`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ViewResponse {
    /// The view.
    pub view: ViewInfo,
}
