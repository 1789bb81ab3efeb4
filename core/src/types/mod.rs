//! Shared Slack objects (messages, conversations, users) as they appear in responses and
//! events. Every struct tolerates unknown and missing optional fields; the fields not
//! modelled are kept in `extra`.

mod conversation;
mod message;

pub use conversation::{Conversation, Purpose};
pub use message::{Message, Reaction};
