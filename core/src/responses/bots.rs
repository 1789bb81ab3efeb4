//! `bots.*` responses.
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A bot.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Bot {
    /// The id (`B…`).
    pub id: String,
    /// The name.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub name: String,
    /// Deleted.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub deleted: bool,
    /// The app.
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
    pub app_id: Option<String>,
    /// The bot's user.
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
    pub user_id: Option<String>,
    /// Icon URLs.
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
    pub icons: Option<Value>,
}

/// `bots.info`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InfoResponse {
    /// The bot.
    pub bot: Bot,
}
