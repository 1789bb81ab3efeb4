//! Typed payloads of what Slack sends an app — Events API callbacks, interactions (block
//! actions, shortcuts, view submissions, …) and slash commands — the same whether they
//! arrive over Socket Mode or as signed HTTP requests.
//!
//! Each decoder is tolerant: new fields are ignored, missing optional ones default, and a
//! type this SDK does not know decodes to an `Other` variant with its name; the raw JSON is
//! always the caller's (these decoders borrow it, never consume it).
//!
//! ```
//! use slack_core::events::{decode_events_api, Event, EventsApiPayload};
//!
//! let body = r#"{"type":"event_callback","team_id":"T1","api_app_id":"A1","event_id":"Ev1",
//!   "event_time":1700000000,"event":{"type":"app_mention","user":"U1","text":"<@UBOT> hi",
//!   "channel":"C1","ts":"1700000000.000100"}}"#;
//! let EventsApiPayload::Callback(cb) = decode_events_api(body)? else { panic!() };
//! let Event::AppMention(m) = &cb.event else { panic!() };
//! assert_eq!((m.channel.as_str(), m.text.as_str()), ("C1", "<@UBOT> hi"));
//! assert_eq!(cb.event.kind(), "app_mention");
//! # Ok::<(), slack_core::events::PayloadError>(())
//! ```

mod callback;
mod command;
mod interaction;

pub use callback::{
    decode_events_api, AppHomeOpened, AppMention, Authorization, Event, EventCallback,
    EventsApiPayload, FileShared, LinkShared, SharedLink,
};
pub use command::SlashCommand;
pub use interaction::{
    decode_interaction, BlockAction, BlockActions, BlockSuggestion, ChannelRef, Interaction,
    MessageAction, Shortcut, TeamRef, UserRef, ViewClosed, ViewSubmission,
};

/// A payload that is JSON but not of the shape its type promises.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} payload: {reason}")]
#[non_exhaustive]
pub struct PayloadError {
    /// The payload's type (`event_callback`, `app_mention`, `block_actions`, …), or `json`
    /// when the text is not JSON at all.
    pub kind: String,
    /// What was wrong.
    pub reason: String,
}

impl PayloadError {
    pub(crate) fn new(kind: impl Into<String>, reason: impl ToString) -> Self {
        PayloadError {
            kind: kind.into(),
            reason: reason.to_string(),
        }
    }
}

/// The `type` of a JSON object, without decoding the rest.
pub(crate) fn type_of(json: &str) -> Result<String, PayloadError> {
    #[derive(serde::Deserialize)]
    struct Tag {
        #[serde(rename = "type", default)]
        kind: Option<String>,
    }
    serde_json::from_str::<Tag>(json)
        .map(|t| t.kind.unwrap_or_default())
        .map_err(|e| PayloadError::new("json", e))
}

#[cfg(test)]
mod tests;
