//! `search.*` responses.
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Page-based pagination of search results.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Paging {
    /// Results per page.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub count: u64,
    /// Total results.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub total: u64,
    /// This page.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub page: u64,
    /// Number of pages.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub pages: u64,
}

/// One kind of results.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Results {
    /// Total matches.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub total: u64,
    /// The matches (messages or files, as JSON).
    #[serde(default, deserialize_with = "crate::types::de::lenient_vec")]
    pub matches: Vec<Value>,
    /// Paging.
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
    pub paging: Option<Paging>,
}

/// `search.messages`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MessagesResponse {
    /// The query.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub query: String,
    /// Matching messages.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub messages: Results,
}

/// `search.files`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FilesResponse {
    /// The query.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub query: String,
    /// Matching files.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub files: Results,
}

/// `search.all`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AllResponse {
    /// The query.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub query: String,
    /// Matching messages.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub messages: Results,
    /// Matching files.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub files: Results,
}

crate::types::de::lenient_buffered!(Paging, Results);
