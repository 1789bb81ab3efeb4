//! Rich text: sections, lists, preformatted text and quotes of styled inline elements.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `rich_text`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RichTextBlock {
    /// The parts.
    pub elements: Vec<RichTextElement>,
    /// Identifies the block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
}

/// A part of a rich text block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum RichTextElement {
    /// A paragraph.
    RichTextSection {
        /// Inline elements.
        elements: Vec<Inline>,
    },
    /// A bulleted or ordered list of sections.
    RichTextList {
        /// `bullet` or `ordered`.
        style: String,
        /// The items (each a `rich_text_section`).
        elements: Vec<RichTextElement>,
        /// Nesting level.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        indent: Option<u32>,
        /// First number of an ordered list.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        offset: Option<u32>,
        /// Border width.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        border: Option<u32>,
    },
    /// A code block.
    RichTextPreformatted {
        /// Inline elements.
        elements: Vec<Inline>,
        /// Border width.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        border: Option<u32>,
    },
    /// A quote.
    RichTextQuote {
        /// Inline elements.
        elements: Vec<Inline>,
        /// Border width.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        border: Option<u32>,
    },
    /// Any other part, as JSON.
    #[serde(untagged)]
    Other(Value),
}

/// Bold, italic, strike-through, code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Style {
    /// Bold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bold: Option<bool>,
    /// Italic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub italic: Option<bool>,
    /// Strike-through.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strike: Option<bool>,
    /// Inline code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<bool>,
}

/// An inline element of rich text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Inline {
    /// Text.
    Text {
        /// The text.
        text: String,
        /// Its style.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        style: Option<Style>,
    },
    /// A link.
    Link {
        /// The URL.
        url: String,
        /// The text shown (the URL when absent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
        /// Its style.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        style: Option<Style>,
    },
    /// An emoji.
    Emoji {
        /// Its name.
        name: String,
        /// Its code points.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unicode: Option<String>,
    },
    /// A user mention.
    User {
        /// The user.
        user_id: String,
    },
    /// A channel mention.
    Channel {
        /// The channel.
        channel_id: String,
    },
    /// A user group mention.
    Usergroup {
        /// The group.
        usergroup_id: String,
    },
    /// `@here`, `@channel` or `@everyone`.
    Broadcast {
        /// `here`, `channel` or `everyone`.
        range: String,
    },
    /// A date formatted for each reader.
    Date {
        /// Unix seconds.
        timestamp: i64,
        /// A format such as `{date_short} at {time}`.
        format: String,
        /// Text for clients that cannot format it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fallback: Option<String>,
    },
    /// A colour swatch.
    Color {
        /// A hex colour.
        value: String,
    },
    /// Any other inline element, as JSON.
    #[serde(untagged)]
    Other(Value),
}

impl Inline {
    /// Plain text.
    pub fn text(text: impl Into<String>) -> Inline {
        Inline::Text {
            text: text.into(),
            style: None,
        }
    }

    /// Bold text.
    pub fn bold(text: impl Into<String>) -> Inline {
        Inline::Text {
            text: text.into(),
            style: Some(Style {
                bold: Some(true),
                ..Style::default()
            }),
        }
    }
}
