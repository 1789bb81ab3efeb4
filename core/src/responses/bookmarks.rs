//! `bookmarks.*` responses.
use serde::{Deserialize, Serialize};

/// A channel bookmark.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Bookmark {
    /// The id.
    pub id: String,
    /// The channel.
    #[serde(default)]
    pub channel_id: String,
    /// The title.
    #[serde(default)]
    pub title: String,
    /// The link.
    #[serde(default)]
    pub link: Option<String>,
    /// An emoji.
    #[serde(default)]
    pub emoji: Option<String>,
    /// `link`.
    #[serde(default, rename = "type")]
    pub kind: String,
    /// Creation time.
    #[serde(default)]
    pub date_created: Option<i64>,
}

/// `bookmarks.add`, `bookmarks.edit`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BookmarkResponse {
    /// The bookmark.
    pub bookmark: Bookmark,
}

/// `bookmarks.list`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ListResponse {
    /// The bookmarks.
    #[serde(default)]
    pub bookmarks: Vec<Bookmark>,
}
