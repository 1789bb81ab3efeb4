//! Composition objects: text, options, option groups, confirmation dialogs, dispatch
//! configuration, conversation filters, Slack files.

use serde::{Deserialize, Serialize};

/// A text object: `plain_text` or `mrkdwn`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Text {
    /// Plain text.
    PlainText {
        /// The text.
        text: String,
        /// Whether emoji shortcodes are rendered.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        emoji: Option<bool>,
    },
    /// Markdown-like formatting.
    Mrkdwn {
        /// The text.
        text: String,
        /// When `true`, links and mentions are not auto-converted.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        verbatim: Option<bool>,
    },
}

impl Text {
    /// Plain text with emoji rendered.
    pub fn plain(text: impl Into<String>) -> Self {
        Text::PlainText {
            text: text.into(),
            emoji: Some(true),
        }
    }

    /// `mrkdwn` text.
    pub fn mrkdwn(text: impl Into<String>) -> Self {
        Text::Mrkdwn {
            text: text.into(),
            verbatim: None,
        }
    }

    /// The text.
    pub fn text(&self) -> &str {
        match self {
            Text::PlainText { text, .. } | Text::Mrkdwn { text, .. } => text,
        }
    }

    /// Whether this is `plain_text`.
    pub fn is_plain(&self) -> bool {
        matches!(self, Text::PlainText { .. })
    }
}

/// An option of a select, overflow, checkboxes or radio buttons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OptionObject {
    /// What the option shows.
    pub text: Text,
    /// The value sent to the app.
    pub value: String,
    /// A description under the text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// A URL to load (overflow menus only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl OptionObject {
    /// An option with plain text.
    pub fn new(text: impl Into<String>, value: impl Into<String>) -> Self {
        OptionObject {
            text: Text::plain(text),
            value: value.into(),
            description: None,
            url: None,
        }
    }

    /// Add a description.
    pub fn description(mut self, d: Text) -> Self {
        self.description = Some(d);
        self
    }

    /// A URL (overflow menus).
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }
}

/// A labelled group of options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OptionGroup {
    /// The group's label (plain text).
    pub label: Text,
    /// The options.
    pub options: Vec<OptionObject>,
}

impl OptionGroup {
    /// A group.
    pub fn new(label: impl Into<String>, options: Vec<OptionObject>) -> Self {
        OptionGroup {
            label: Text::plain(label),
            options,
        }
    }
}

/// A confirmation dialog shown before an action runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Confirm {
    /// Title (plain text).
    pub title: Text,
    /// Explanation.
    pub text: Text,
    /// The confirm button's text (plain text).
    pub confirm: Text,
    /// The deny button's text (plain text).
    pub deny: Text,
    /// `primary` or `danger`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<String>,
}

impl Confirm {
    /// A dialog.
    pub fn new(
        title: impl Into<String>,
        text: Text,
        confirm: impl Into<String>,
        deny: impl Into<String>,
    ) -> Self {
        Confirm {
            title: Text::plain(title),
            text,
            confirm: Text::plain(confirm),
            deny: Text::plain(deny),
            style: None,
        }
    }
}

/// When a plain text input dispatches `block_actions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DispatchActionConfig {
    /// `on_enter_pressed` and/or `on_character_entered`.
    pub trigger_actions_on: Vec<String>,
}

/// Which conversations a conversations select offers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ConversationFilter {
    /// Any of `im`, `mpim`, `private`, `public`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include: Option<Vec<String>>,
    /// Leave out shared channels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude_external_shared_channels: Option<bool>,
    /// Leave out bot users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude_bot_users: Option<bool>,
}

/// A file uploaded to Slack, referenced by URL or id (for image blocks and elements).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SlackFile {
    /// The file's `url_private`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The file's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}
