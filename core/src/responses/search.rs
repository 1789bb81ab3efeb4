//! `search.*` responses.
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Page-based pagination of search results.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Paging {
    /// Results per page.
    #[serde(default)]
    pub count: u64,
    /// Total results.
    #[serde(default)]
    pub total: u64,
    /// This page.
    #[serde(default)]
    pub page: u64,
    /// Number of pages.
    #[serde(default)]
    pub pages: u64,
}

/// One kind of results.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Results {
    /// Total matches.
    #[serde(default)]
    pub total: u64,
    /// The matches (messages or files, as JSON).
    #[serde(default)]
    pub matches: Vec<Value>,
    /// Paging.
    #[serde(default)]
    pub paging: Option<Paging>,
}

/// `search.messages`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MessagesResponse {
    /// The query.
    #[serde(default)]
    pub query: String,
    /// Matching messages.
    #[serde(default)]
    pub messages: Results,
}

/// `search.files`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FilesResponse {
    /// The query.
    #[serde(default)]
    pub query: String,
    /// Matching files.
    #[serde(default)]
    pub files: Results,
}

/// `search.all`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AllResponse {
    /// The query.
    #[serde(default)]
    pub query: String,
    /// Matching messages.
    #[serde(default)]
    pub messages: Results,
    /// Matching files.
    #[serde(default)]
    pub files: Results,
}
