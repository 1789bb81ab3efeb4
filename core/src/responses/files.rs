//! `files.*` responses.

pub use crate::generated::responses::files::*;

use serde::{Deserialize, Serialize};

use super::ResponseMetadata;
use crate::types::File;

/// `files.info`, `files.remote.*` (one file).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FileResponse {
    /// The file.
    pub file: File,
}

/// `files.list`, `files.remote.list`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ListResponse {
    /// The files.
    #[serde(default, deserialize_with = "crate::types::de::lenient_vec")]
    pub files: Vec<File>,
    /// The next cursor (cursor-paginated lists).
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub response_metadata: ResponseMetadata,
    /// Page-based pagination (`files.list`).
    #[serde(
        default,
        deserialize_with = "crate::types::de::lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub paging: Option<crate::responses::search::Paging>,
}

/// `files.getUploadURLExternal`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UploadUrlResponse {
    /// Where to POST the bytes.
    pub upload_url: String,
    /// The file's id.
    pub file_id: String,
}

pub use crate::files::UploadResponse as CompleteUploadResponse;
