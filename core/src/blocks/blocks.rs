//! Layout blocks: the [`Block`] enum and one struct per block type.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::elements::{ContextElement, Element};
use super::rich_text::{RichTextBlock, RichTextElement};
use super::text::{SlackFile, Text};

// ===== Block =====

/// A block of a message, modal or Home tab.
///
/// Unknown block types, and known types whose JSON does not match the documented shape,
/// deserialise to [`Block::Other`] with their JSON, so a message with a new kind of block
/// still decodes and re-serialises unchanged.
///
/// ```
/// use slack_core::blocks::{Block, Text};
///
/// let blocks = vec![Block::header("Weekly report"), Block::section(Text::mrkdwn("*All green*")), Block::divider()];
/// assert_eq!(
///     serde_json::to_value(&blocks).unwrap(),
///     serde_json::json!([
///         {"type": "header", "text": {"type": "plain_text", "text": "Weekly report"}},
///         {"type": "section", "text": {"type": "mrkdwn", "text": "*All green*"}},
///         {"type": "divider"}
///     ])
/// );
/// let new: Block = serde_json::from_str(r#"{"type": "carousel", "items": []}"#).unwrap();
/// assert_eq!(new.kind(), "carousel");
/// assert!(matches!(new, Block::Other(_)));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Block {
    /// `section`: text, fields and an accessory.
    Section(SectionBlock),
    /// `actions`: interactive elements in a row.
    Actions(ActionsBlock),
    /// `context`: small text and images.
    Context(ContextBlock),
    /// `divider`: a line.
    Divider(DividerBlock),
    /// `header`: large bold text.
    Header(HeaderBlock),
    /// `image`.
    Image(ImageBlock),
    /// `input`: a labelled input (modals, Home tabs, messages).
    Input(InputBlock),
    /// `rich_text`: formatted text.
    RichText(RichTextBlock),
    /// `video`: an embedded video.
    Video(VideoBlock),
    /// `file`: a remote file.
    File(FileBlock),
    /// `markdown`: standard markdown, rendered by Slack (messages from apps).
    Markdown(MarkdownBlock),
    /// Any other block, as JSON.
    #[serde(untagged)]
    Other(Value),
}

super::tagged::tagged_enum!(Block {
    "section" => Section,
    "actions" => Actions,
    "context" => Context,
    "divider" => Divider,
    "header" => Header,
    "image" => Image,
    "input" => Input,
    "rich_text" => RichText,
    "video" => Video,
    "file" => File,
    "markdown" => Markdown,
});

into_enum!(Block {
    Section(SectionBlock),
    Actions(ActionsBlock),
    Context(ContextBlock),
    Divider(DividerBlock),
    Header(HeaderBlock),
    Image(ImageBlock),
    Input(InputBlock),
    RichText(RichTextBlock),
    Video(VideoBlock),
    File(FileBlock),
    Markdown(MarkdownBlock),
});

impl Block {
    /// A section showing `text`.
    pub fn section(text: Text) -> Block {
        SectionBlock::new(text).into()
    }

    /// A divider.
    pub fn divider() -> Block {
        DividerBlock::new().into()
    }

    /// A header showing plain `text`.
    pub fn header(text: impl Into<String>) -> Block {
        HeaderBlock::new(text).into()
    }

    /// An actions block of `elements`.
    pub fn actions(elements: impl Into<Vec<Element>>) -> Block {
        ActionsBlock::new(elements).into()
    }

    /// A context block of `elements`.
    pub fn context(elements: impl Into<Vec<ContextElement>>) -> Block {
        ContextBlock::new(elements).into()
    }

    /// An image block showing the image at `image_url`.
    pub fn image(image_url: impl Into<String>, alt_text: impl Into<String>) -> Block {
        ImageBlock::new(image_url, alt_text).into()
    }

    /// An input block labelled `label` around `element`.
    pub fn input(label: impl Into<String>, element: impl Into<Element>) -> Block {
        InputBlock::new(label, element).into()
    }

    /// A rich text block of `elements`.
    pub fn rich_text(elements: impl Into<Vec<RichTextElement>>) -> Block {
        RichTextBlock::new(elements).into()
    }

    /// A markdown block.
    pub fn markdown(text: impl Into<String>) -> Block {
        MarkdownBlock::new(text).into()
    }

    /// The block's `type` as Slack names it (`"unknown"` for a [`Block::Other`] without a
    /// string `type`).
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

    /// The block's `block_id`, when set.
    pub fn block_id(&self) -> Option<&str> {
        match self {
            Block::Section(b) => b.block_id.as_deref(),
            Block::Actions(b) => b.block_id.as_deref(),
            Block::Context(b) => b.block_id.as_deref(),
            Block::Divider(b) => b.block_id.as_deref(),
            Block::Header(b) => b.block_id.as_deref(),
            Block::Image(b) => b.block_id.as_deref(),
            Block::Input(b) => b.block_id.as_deref(),
            Block::RichText(b) => b.block_id.as_deref(),
            Block::Video(b) => b.block_id.as_deref(),
            Block::File(b) => b.block_id.as_deref(),
            Block::Markdown(b) => b.block_id.as_deref(),
            Block::Other(v) => v.get("block_id").and_then(Value::as_str),
        }
    }

    /// Check Slack's documented limits for one block; errors name the field relative to the
    /// block, such as `text.text`. Use [`validate_message_blocks`](super::validate_message_blocks)
    /// for a message's list, which also checks the block count and prefixes the index.
    ///
    /// ```
    /// use slack_core::blocks::Block;
    ///
    /// let e = Block::header("x".repeat(151)).validate().unwrap_err();
    /// assert!(matches!(
    ///     e,
    ///     slack_core::Error::Validation { ref field, ref reason }
    ///         if field == "text.text" && reason == "151 characters, the limit is 150"
    /// ));
    /// ```
    pub fn validate(&self) -> crate::Result<()> {
        super::validate_block(self, "")
    }

    /// The block as JSON.
    pub fn to_json(&self) -> Value {
        // Serialising these types cannot fail: every map key is a string.
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

// ===== Section =====

/// `section`: text, up to 10 fields in two columns, and an optional accessory element.
/// Set `text`, `fields`, or both.
///
/// ```
/// use slack_core::blocks::{Button, SectionBlock, Text};
///
/// let s = SectionBlock::new(Text::mrkdwn("*Deploy*"))
///     .field(Text::mrkdwn("*Env*\nprod"))
///     .accessory(Button::new("Open", "open").url("https://example.com"));
/// assert_eq!(serde_json::to_value(&s).unwrap()["fields"][0]["text"], "*Env*\nprod");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SectionBlock {
    /// The text (1 to 3000 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<Text>,
    /// Up to 10 texts of up to 2000 characters, in two columns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<Text>>,
    /// An element beside the text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accessory: Option<Element>,
    /// Identifies the block in payloads (up to 255 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
    /// Show the whole text rather than a "see more" fold (AI apps).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expand: Option<bool>,
}

impl SectionBlock {
    /// A section showing `text`.
    pub fn new(text: Text) -> Self {
        SectionBlock {
            text: Some(text),
            ..SectionBlock::default()
        }
    }

    /// A section of fields only.
    pub fn from_fields(fields: impl Into<Vec<Text>>) -> Self {
        SectionBlock {
            fields: Some(fields.into()),
            ..SectionBlock::default()
        }
    }

    /// Add one field.
    pub fn field(mut self, field: Text) -> Self {
        self.fields.get_or_insert_with(Vec::new).push(field);
        self
    }

    setters! {
        /// The text.
        text: into<Text>;
        /// All the fields.
        fields: into<Vec<Text>>;
        /// An element beside the text.
        accessory: into<Element>;
        /// Identifies the block in payloads.
        block_id: string;
        /// Show the whole text.
        expand: bool;
    }
}

// ===== Actions =====

/// `actions`: up to 25 interactive elements in a row.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ActionsBlock {
    /// The elements (1 to 25).
    pub elements: Vec<Element>,
    /// Identifies the block in payloads (up to 255 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
}

impl ActionsBlock {
    /// An actions block of `elements`.
    pub fn new(elements: impl Into<Vec<Element>>) -> Self {
        ActionsBlock {
            elements: elements.into(),
            block_id: None,
        }
    }

    /// Add one element.
    pub fn element(mut self, element: impl Into<Element>) -> Self {
        self.elements.push(element.into());
        self
    }

    setters! {
        /// Identifies the block in payloads.
        block_id: string;
    }
}

// ===== Context =====

/// `context`: up to 10 small images and texts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ContextBlock {
    /// The elements (1 to 10).
    pub elements: Vec<ContextElement>,
    /// Identifies the block in payloads (up to 255 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
}

impl ContextBlock {
    /// A context block of `elements`.
    pub fn new(elements: impl Into<Vec<ContextElement>>) -> Self {
        ContextBlock {
            elements: elements.into(),
            block_id: None,
        }
    }

    /// Add one element.
    pub fn element(mut self, element: impl Into<ContextElement>) -> Self {
        self.elements.push(element.into());
        self
    }

    setters! {
        /// Identifies the block in payloads.
        block_id: string;
    }
}

// ===== Divider =====

/// `divider`: a horizontal line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DividerBlock {
    /// Identifies the block in payloads (up to 255 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
}

impl DividerBlock {
    /// A divider.
    pub fn new() -> Self {
        DividerBlock::default()
    }

    setters! {
        /// Identifies the block in payloads.
        block_id: string;
    }
}

// ===== Header =====

/// `header`: large bold plain text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct HeaderBlock {
    /// The text (plain text, up to 150 characters).
    pub text: Text,
    /// Identifies the block in payloads (up to 255 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
}

impl HeaderBlock {
    /// A header showing plain `text`.
    pub fn new(text: impl Into<String>) -> Self {
        HeaderBlock {
            text: Text::plain(text),
            block_id: None,
        }
    }

    setters! {
        /// Identifies the block in payloads.
        block_id: string;
    }
}

// ===== Image =====

/// `image`: an image, from a public URL or a Slack file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ImageBlock {
    /// What the image shows, for screen readers (up to 2000 characters, no markup).
    pub alt_text: String,
    /// A public image URL (up to 3000 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// An image uploaded to Slack.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slack_file: Option<SlackFile>,
    /// A title above the image (plain text, up to 2000 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Text>,
    /// Identifies the block in payloads (up to 255 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
}

impl ImageBlock {
    /// The image at `image_url`.
    pub fn new(image_url: impl Into<String>, alt_text: impl Into<String>) -> Self {
        ImageBlock {
            alt_text: alt_text.into(),
            image_url: Some(image_url.into()),
            slack_file: None,
            title: None,
            block_id: None,
        }
    }

    /// An image uploaded to Slack.
    pub fn from_slack_file(file: SlackFile, alt_text: impl Into<String>) -> Self {
        ImageBlock {
            alt_text: alt_text.into(),
            image_url: None,
            slack_file: Some(file),
            title: None,
            block_id: None,
        }
    }

    setters! {
        /// A plain-text title above the image.
        title: plain;
        /// Identifies the block in payloads.
        block_id: string;
    }
}

// ===== Input =====

/// `input`: a label, an input element and an optional hint.
///
/// ```
/// use slack_core::blocks::{InputBlock, UsersSelect};
///
/// let i = InputBlock::new("Reviewer", UsersSelect::new("reviewer"))
///     .hint("Who signs off")
///     .optional(true);
/// assert_eq!(serde_json::to_value(&i).unwrap()["element"]["type"], "users_select");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InputBlock {
    /// The label (plain text, up to 2000 characters).
    pub label: Text,
    /// The input element.
    pub element: Element,
    /// Send `block_actions` on interaction (see the element's `dispatch_action_config`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispatch_action: Option<bool>,
    /// Identifies the block in payloads (up to 255 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
    /// A hint under the input (plain text, up to 2000 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<Text>,
    /// Whether the input may be left empty on submission (Slack's default: `false`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optional: Option<bool>,
}

impl InputBlock {
    /// An input labelled `label` around `element`.
    pub fn new(label: impl Into<String>, element: impl Into<Element>) -> Self {
        InputBlock {
            label: Text::plain(label),
            element: element.into(),
            dispatch_action: None,
            block_id: None,
            hint: None,
            optional: None,
        }
    }

    setters! {
        /// Send `block_actions` on interaction.
        dispatch_action: bool;
        /// Identifies the block in payloads.
        block_id: string;
        /// A plain-text hint under the input.
        hint: plain;
        /// Whether the input may be left empty.
        optional: bool;
    }
}

// ===== Video =====

/// `video`: an embedded video player (needs the `links.embed:write` scope).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VideoBlock {
    /// A tooltip for the video, for accessibility.
    pub alt_text: String,
    /// The title (plain text, less than 200 characters).
    pub title: Text,
    /// The embeddable URL (HTTPS, on one of the app's unfurl domains).
    pub video_url: String,
    /// The thumbnail image URL.
    pub thumbnail_url: String,
    /// A description (plain text, less than 200 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// A link on the title: the video's non-embeddable HTTPS URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_url: Option<String>,
    /// The video's provider, such as `YouTube`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_name: Option<String>,
    /// The provider's icon URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_icon_url: Option<String>,
    /// The author (less than 50 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_name: Option<String>,
    /// Identifies the block in payloads (up to 255 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
}

impl VideoBlock {
    /// A video titled `title`, playing `video_url`, with a thumbnail and a tooltip.
    pub fn new(
        title: impl Into<String>,
        video_url: impl Into<String>,
        thumbnail_url: impl Into<String>,
        alt_text: impl Into<String>,
    ) -> Self {
        VideoBlock {
            alt_text: alt_text.into(),
            title: Text::plain(title),
            video_url: video_url.into(),
            thumbnail_url: thumbnail_url.into(),
            description: None,
            title_url: None,
            provider_name: None,
            provider_icon_url: None,
            author_name: None,
            block_id: None,
        }
    }

    setters! {
        /// A plain-text description.
        description: plain;
        /// A link on the title.
        title_url: string;
        /// The video's provider.
        provider_name: string;
        /// The provider's icon URL.
        provider_icon_url: string;
        /// The author.
        author_name: string;
        /// Identifies the block in payloads.
        block_id: string;
    }
}

// ===== File =====

/// `file`: a remote file added with `files.remote.add`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FileBlock {
    /// The remote file's external id.
    pub external_id: String,
    /// Always `remote`.
    pub source: String,
    /// Identifies the block in payloads (up to 255 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
}

impl FileBlock {
    /// The remote file with `external_id`.
    pub fn new(external_id: impl Into<String>) -> Self {
        FileBlock {
            external_id: external_id.into(),
            source: "remote".into(),
            block_id: None,
        }
    }

    setters! {
        /// Identifies the block in payloads.
        block_id: string;
    }
}

// ===== Markdown =====

/// `markdown`: standard markdown rendered by Slack. The markdown blocks of one payload hold
/// at most 12,000 characters in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MarkdownBlock {
    /// The markdown.
    pub text: String,
    /// Identifies the block in payloads (up to 255 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
}

impl MarkdownBlock {
    /// A markdown block.
    pub fn new(text: impl Into<String>) -> Self {
        MarkdownBlock {
            text: text.into(),
            block_id: None,
        }
    }

    setters! {
        /// Identifies the block in payloads.
        block_id: string;
    }
}
