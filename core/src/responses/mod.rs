//! Typed responses, by method family. Each keeps unknown fields out of the way (the raw JSON
//! stays reachable through [`crate::Response::raw`]) and tolerates missing optional fields.

use serde::{Deserialize, Serialize};

pub mod auth;
pub mod bookmarks;
pub mod bots;
pub mod chat;
pub mod conversations;
pub mod dnd;
pub mod emoji;
pub mod files;
pub mod pins;
pub mod reminders;
pub mod rtm;
pub mod search;
pub mod stars;
pub mod team;
pub mod usergroups;
pub mod users;
pub mod views;

/// A response with nothing beyond `ok` (for example `reactions.add`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Empty {}

/// `response_metadata` of a paginated response.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ResponseMetadata {
    /// The cursor of the next page; empty when this was the last.
    #[serde(default)]
    pub next_cursor: String,
}

#[cfg(test)]
mod tests;
