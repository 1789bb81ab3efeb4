use serde::{Deserialize, Serialize};

/// A file (uploaded or remote).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct File {
    /// The id.
    pub id: String,
    /// The file name.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub name: Option<String>,
    /// The title.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub title: Option<String>,
    /// MIME type.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub mimetype: Option<String>,
    /// Slack's file type (`png`, `python`, …).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub filetype: Option<String>,
    /// The uploader.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub user: Option<String>,
    /// Size in bytes.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub size: Option<u64>,
    /// Creation time (Unix seconds).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub created: Option<i64>,
    /// Download URL (needs the token).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub url_private: Option<String>,
    /// Channels it is shared in.
    #[serde(default, deserialize_with = "crate::types::de::lenient_vec")]
    pub channels: Vec<String>,
    /// A remote file's id in your system.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub external_id: Option<String>,
    /// A remote file's URL.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::types::de::lenient"
    )]
    pub external_url: Option<String>,
    /// Whether the file is remote.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub is_external: bool,
}
