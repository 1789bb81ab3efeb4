//! Shared Slack objects (messages, conversations, users) as they appear in responses and
//! events. Every struct tolerates unknown and missing optional fields; the fields not
//! modelled stay reachable in the raw JSON ([`crate::Response::raw`]). They hold no catch-all
//! map: `#[serde(flatten)]` would make every decode buffer the whole object first.

mod conversation;
pub mod de;
mod file;
mod lazy;
mod message;
mod raw;
mod user;

pub use conversation::{Conversation, Purpose};
pub use file::File;
pub use lazy::Lazy;
pub use message::{Message, Reaction};
pub use raw::RawJson;
pub use user::{Profile, User};
