//! Views: modals and Home tabs.

use serde::{Deserialize, Serialize};

use super::layout::Block;
use super::text::Text;

/// A modal or a Home tab.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct View {
    /// `modal` or `home`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Up to 100 blocks.
    pub blocks: Vec<Block>,
    /// The title (plain text, up to 24 characters; modals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Text>,
    /// The close button (plain text, up to 24 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close: Option<Text>,
    /// The submit button (plain text, up to 24 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submit: Option<Text>,
    /// Up to 3000 characters passed back with interactions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<String>,
    /// Identifies the view in interactions (up to 255 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_id: Option<String>,
    /// Close every view of the stack on close.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clear_on_close: Option<bool>,
    /// Send `view_closed` when closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_on_close: Option<bool>,
    /// Your id for the view (up to 255 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Disable submit until inputs are filled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submit_disabled: Option<bool>,
}

impl View {
    /// A modal with a plain-text `title`.
    pub fn modal(title: impl Into<String>) -> Self {
        View {
            kind: "modal".into(),
            blocks: Vec::new(),
            title: Some(Text::plain(title)),
            close: None,
            submit: None,
            private_metadata: None,
            callback_id: None,
            clear_on_close: None,
            notify_on_close: None,
            external_id: None,
            submit_disabled: None,
        }
    }

    /// A Home tab.
    pub fn home() -> Self {
        View {
            kind: "home".into(),
            title: None,
            ..View::modal("")
        }
    }

    /// Add a block.
    pub fn block(mut self, block: impl Into<super::Block>) -> Self {
        self.blocks.push(block.into());
        self
    }

    /// The submit button's text.
    pub fn submit(mut self, text: impl Into<String>) -> Self {
        self.submit = Some(Text::plain(text));
        self
    }

    /// The close button's text.
    pub fn close(mut self, text: impl Into<String>) -> Self {
        self.close = Some(Text::plain(text));
        self
    }

    /// The callback id.
    pub fn callback_id(mut self, id: impl Into<String>) -> Self {
        self.callback_id = Some(id.into());
        self
    }

    /// Private metadata.
    pub fn private_metadata(mut self, m: impl Into<String>) -> Self {
        self.private_metadata = Some(m.into());
        self
    }

    /// Check Slack's limits (see [`super::validate_view`]).
    pub fn validate(&self) -> crate::Result<()> {
        super::validate_view(
            &serde_json::to_value(self)
                .map_err(|e| crate::Error::validation("view", e.to_string()))?,
            "view",
        )
    }
}
