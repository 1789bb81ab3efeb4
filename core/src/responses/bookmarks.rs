//! `bookmarks.*` responses.
use serde::{Deserialize, Serialize};

/// A channel bookmark.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Bookmark {
    /// The id.
    pub id: String,
    /// The channel.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub channel_id: String,
    /// The title.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub title: String,
    /// The link.
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
    pub link: Option<String>,
    /// An emoji.
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
    pub emoji: Option<String>,
    /// `link`.
    #[serde(
        default,
        rename = "type",
        deserialize_with = "crate::types::de::lenient_or_default"
    )]
    pub kind: String,
    /// Creation time.
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
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
    #[serde(default, deserialize_with = "crate::types::de::lenient_vec")]
    pub bookmarks: Vec<Bookmark>,
}

crate::types::de::lenient_buffered!(Bookmark);
