//! Layout blocks.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::elements::{Element, ImageElement};
use super::rich_text::RichTextBlock;
use super::text::{SlackFile, Text};

/// A block of a message, modal or Home tab.
///
/// Unknown block types deserialise to [`Block::Other`] with their JSON, so a message with a
/// new kind of block still decodes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Block {
    /// Text, optional fields and an accessory.
    Section(SectionBlock),
    /// Interactive elements in a row.
    Actions(ActionsBlock),
    /// Small text and images.
    Context(ContextBlock),
    /// A line.
    Divider(DividerBlock),
    /// Large bold text.
    Header(HeaderBlock),
    /// An image.
    Image(ImageBlock),
    /// A labelled input (modals, Home tabs).
    Input(InputBlock),
    /// Formatted text.
    RichText(RichTextBlock),
    /// An embedded video.
    Video(VideoBlock),
    /// A remote file.
    File(FileBlock),
    /// Markdown rendered by Slack.
    Markdown(MarkdownBlock),
    /// Any other block, as JSON.
    #[serde(untagged)]
    Other(Value),
}

impl Block {
    /// A section with `text`.
    pub fn section(text: Text) -> Block {
        Block::Section(SectionBlock::new(text))
    }

    /// A divider.
    pub fn divider() -> Block {
        Block::Divider(DividerBlock::default())
    }

    /// A header with plain `text`.
    pub fn header(text: impl Into<String>) -> Block {
        Block::Header(HeaderBlock {
            text: Text::plain(text),
            block_id: None,
        })
    }

    /// An actions block.
    pub fn actions(elements: Vec<Element>) -> Block {
        Block::Actions(ActionsBlock {
            elements,
            block_id: None,
        })
    }

    /// A context block.
    pub fn context(elements: Vec<Element>) -> Block {
        Block::Context(ContextBlock {
            elements,
            block_id: None,
        })
    }

    /// An image block.
    pub fn image(image_url: impl Into<String>, alt_text: impl Into<String>) -> Block {
        Block::Image(ImageBlock {
            alt_text: alt_text.into(),
            image_url: Some(image_url.into()),
            slack_file: None,
            title: None,
            block_id: None,
        })
    }

    /// An input block.
    pub fn input(label: impl Into<String>, element: impl Into<Element>) -> Block {
        Block::Input(InputBlock {
            label: Text::plain(label),
            element: element.into(),
            dispatch_action: None,
            block_id: None,
            hint: None,
            optional: None,
        })
    }

    /// A markdown block.
    pub fn markdown(text: impl Into<String>) -> Block {
        Block::Markdown(MarkdownBlock {
            text: text.into(),
            block_id: None,
        })
    }

    /// The block's type as Slack names it.
    pub fn kind(&self) -> &str {
        match self {
            Block::Section(_) => "section",
            Block::Actions(_) => "actions",
            Block::Context(_) => "context",
            Block::Divider(_) => "divider",
            Block::Header(_) => "header",
            Block::Image(_) => "image",
            Block::Input(_) => "input",
            Block::RichText(_) => "rich_text",
            Block::Video(_) => "video",
            Block::File(_) => "file",
            Block::Markdown(_) => "markdown",
            Block::Other(v) => v.get("type").and_then(Value::as_str).unwrap_or("unknown"),
        }
    }
}

/// `section`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SectionBlock {
    /// The text (up to 3000 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<Text>,
    /// Up to 10 fields of up to 2000 characters, shown in two columns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<Text>>,
    /// An element at the right.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accessory: Option<Element>,
    /// Identifies the block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
    /// Let Slack expand long text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expand: Option<bool>,
}

impl SectionBlock {
    /// A section with `text`.
    pub fn new(text: Text) -> Self {
        SectionBlock {
            text: Some(text),
            ..SectionBlock::default()
        }
    }

    /// Add an accessory.
    pub fn accessory(mut self, e: impl Into<Element>) -> Self {
        self.accessory = Some(e.into());
        self
    }

    /// Set the fields.
    pub fn fields(mut self, fields: Vec<Text>) -> Self {
        self.fields = Some(fields);
        self
    }

    /// Set the block id.
    pub fn block_id(mut self, id: impl Into<String>) -> Self {
        self.block_id = Some(id.into());
        self
    }
}

impl From<SectionBlock> for Block {
    fn from(b: SectionBlock) -> Block {
        Block::Section(b)
    }
}

/// `actions`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ActionsBlock {
    /// Up to 25 interactive elements.
    pub elements: Vec<Element>,
    /// Identifies the block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
}

/// `context`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ContextBlock {
    /// Up to 10 text or image elements.
    pub elements: Vec<Element>,
    /// Identifies the block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
}

/// `divider`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DividerBlock {
    /// Identifies the block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
}

/// `header`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct HeaderBlock {
    /// Plain text, up to 150 characters.
    pub text: Text,
    /// Identifies the block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
}

/// `image`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ImageBlock {
    /// Description for screen readers (up to 2000 characters).
    pub alt_text: String,
    /// A public image URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// Or a Slack file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slack_file: Option<SlackFile>,
    /// A title (plain text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Text>,
    /// Identifies the block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
}

/// `input`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InputBlock {
    /// The label (plain text, up to 2000 characters).
    pub label: Text,
    /// The input element.
    pub element: Element,
    /// Dispatch `block_actions` as the user types.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispatch_action: Option<bool>,
    /// Identifies the block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
    /// A hint under the input (plain text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<Text>,
    /// Whether the input may be left empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optional: Option<bool>,
}

/// `video`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VideoBlock {
    /// Description for screen readers.
    pub alt_text: String,
    /// The title (plain text).
    pub title: Text,
    /// The embeddable video URL.
    pub video_url: String,
    /// The thumbnail.
    pub thumbnail_url: String,
    /// Description (plain text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// Link on the title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_url: Option<String>,
    /// Provider name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_name: Option<String>,
    /// Provider icon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_icon_url: Option<String>,
    /// Author.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_name: Option<String>,
    /// Identifies the block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
}

/// `file`: a remote file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FileBlock {
    /// The remote file's external id.
    pub external_id: String,
    /// Always `remote`.
    pub source: String,
    /// Identifies the block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
}

/// `markdown`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MarkdownBlock {
    /// Standard markdown (up to 12,000 characters per message).
    pub text: String,
    /// Identifies the block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
}

impl From<ImageElement> for Element {
    fn from(i: ImageElement) -> Element {
        Element::Image(i)
    }
}
