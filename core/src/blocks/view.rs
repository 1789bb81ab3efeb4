//! Views: modals and Home tabs.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::blocks::Block;
use super::text::Text;

/// Which surface a view is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ViewKind {
    /// A modal dialog (`views.open`, `views.push`, `views.update`).
    Modal,
    /// The app's Home tab (`views.publish`).
    Home,
}

/// A modal or a Home tab, for `views.open`, `views.push`, `views.update` and `views.publish`.
///
/// ```
/// use slack_core::blocks::{Block, DatePicker, View};
///
/// let modal = View::modal("Book a room")
///     .callback_id("booking")
///     .submit("Book")
///     .close("Cancel")
///     .private_metadata(r#"{"channel":"C123"}"#)
///     .notify_on_close(true)
///     .block(Block::input("Day", DatePicker::new("day")));
/// modal.validate().unwrap();
/// assert_eq!(modal.to_json()["submit"]["text"], "Book");
///
/// let home = View::home().block(Block::header("Welcome home"));
/// assert_eq!(home.to_json()["type"], "home");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct View {
    /// `modal` or `home`.
    #[serde(rename = "type")]
    pub kind: ViewKind,
    /// The blocks (up to 100).
    pub blocks: Vec<Block>,
    /// The title (plain text, up to 24 characters; required for modals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Text>,
    /// The close button's text (plain text, up to 24 characters; modals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close: Option<Text>,
    /// The submit button's text (plain text, up to 24 characters; modals with inputs need
    /// one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submit: Option<Text>,
    /// Sent back with interactions with the view (up to 3000 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<String>,
    /// Identifies the view in interactions (up to 255 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_id: Option<String>,
    /// Close every view in the stack when this one closes (modals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clear_on_close: Option<bool>,
    /// Send `view_closed` when the user closes the view (modals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_on_close: Option<bool>,
    /// Your id for the view, unique per workspace; usable instead of the view id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Keep the submit button disabled until an input is filled (modals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submit_disabled: Option<bool>,
}

impl View {
    /// A modal titled `title` (plain text).
    pub fn modal(title: impl Into<String>) -> Self {
        View {
            title: Some(Text::plain(title)),
            ..View::empty(ViewKind::Modal)
        }
    }

    /// A Home tab.
    pub fn home() -> Self {
        View::empty(ViewKind::Home)
    }

    fn empty(kind: ViewKind) -> Self {
        View {
            kind,
            blocks: Vec::new(),
            title: None,
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

    /// Add a block.
    pub fn block(mut self, block: impl Into<Block>) -> Self {
        self.blocks.push(block.into());
        self
    }

    /// Replace the blocks.
    pub fn blocks(mut self, blocks: impl Into<Vec<Block>>) -> Self {
        self.blocks = blocks.into();
        self
    }

    setters! {
        /// The title (plain text).
        title: plain;
        /// The close button's text.
        close: plain;
        /// The submit button's text.
        submit: plain;
        /// Sent back with interactions with the view.
        private_metadata: string;
        /// Identifies the view in interactions.
        callback_id: string;
        /// Close every view in the stack when this one closes.
        clear_on_close: bool;
        /// Send `view_closed` when the user closes the view.
        notify_on_close: bool;
        /// Your id for the view.
        external_id: string;
        /// Keep the submit button disabled until an input is filled.
        submit_disabled: bool;
    }

    /// Check Slack's documented limits: at most 100 blocks; title, submit and close up to 24
    /// characters; `private_metadata` up to 3000; `callback_id` up to 255; and every block's
    /// own limits. Errors name the field relative to the view, such as `title.text` or
    /// `blocks[3].text.text`.
    pub fn validate(&self) -> crate::Result<()> {
        super::validate_view(self, "")
    }

    /// The view as JSON.
    pub fn to_json(&self) -> Value {
        // Serialising these types cannot fail: every map key is a string.
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}
