//! Rich text: sections, lists, preformatted text and quotes of styled inline elements.

use serde::{Deserialize, Serialize};
use serde_json::Value;

// ===== Block =====

/// `rich_text`: formatted text, as Slack's composer writes it.
///
/// ```
/// use slack_core::blocks::{RichTextBlock, RichTextInline, RichTextList, RichTextSection, RichTextStyle};
///
/// let b = RichTextBlock::new([
///     RichTextSection::new([
///         RichTextInline::text("Hello "),
///         RichTextInline::styled("world", RichTextStyle::new().bold()),
///         RichTextInline::user("U123"),
///     ])
///     .into(),
///     RichTextList::bullet([RichTextSection::new([RichTextInline::text("one")])]).into(),
/// ]);
/// let json = serde_json::to_value(&b).unwrap();
/// assert_eq!(json["elements"][0]["elements"][1]["style"]["bold"], true);
/// assert_eq!(json["elements"][1]["style"], "bullet");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RichTextBlock {
    /// The parts, in order.
    pub elements: Vec<RichTextElement>,
    /// Identifies the block in payloads (up to 255 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
}

impl RichTextBlock {
    /// A rich text block of `elements`.
    pub fn new(elements: impl Into<Vec<RichTextElement>>) -> Self {
        RichTextBlock {
            elements: elements.into(),
            block_id: None,
        }
    }

    /// Add one part.
    pub fn element(mut self, element: impl Into<RichTextElement>) -> Self {
        self.elements.push(element.into());
        self
    }

    setters! {
        /// Identifies the block in payloads.
        block_id: string;
    }
}

/// Serde helpers for a `rich_text` block where Slack expects it with its `type` (the
/// `initial_value` of a rich text input).
pub(super) mod tagged {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::RichTextBlock;

    #[derive(Serialize)]
    #[serde(tag = "type", rename_all = "snake_case")]
    enum Ser<'a> {
        RichText(&'a RichTextBlock),
    }

    #[derive(Deserialize)]
    #[serde(tag = "type", rename_all = "snake_case")]
    enum De {
        RichText(RichTextBlock),
    }

    pub(crate) fn serialize<S: Serializer>(
        value: &Option<RichTextBlock>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(b) => Ser::RichText(b).serialize(serializer),
            None => serializer.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<RichTextBlock>, D::Error> {
        Ok(Option::<De>::deserialize(deserializer)?.map(|De::RichText(b)| b))
    }
}

// ===== Parts =====

/// A part of a rich text block.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum RichTextElement {
    /// `rich_text_section`: a paragraph.
    RichTextSection(RichTextSection),
    /// `rich_text_list`: a bulleted or numbered list.
    RichTextList(RichTextList),
    /// `rich_text_preformatted`: a code block.
    RichTextPreformatted(RichTextPreformatted),
    /// `rich_text_quote`: a quote.
    RichTextQuote(RichTextQuote),
    /// Any other part, as JSON.
    #[serde(untagged)]
    Other(Value),
}

super::tagged::tagged_enum!(RichTextElement {
    "rich_text_section" => RichTextSection,
    "rich_text_list" => RichTextList,
    "rich_text_preformatted" => RichTextPreformatted,
    "rich_text_quote" => RichTextQuote,
});

into_enum!(RichTextElement {
    RichTextSection(RichTextSection),
    RichTextList(RichTextList),
    RichTextPreformatted(RichTextPreformatted),
    RichTextQuote(RichTextQuote),
});

/// `rich_text_section`: a paragraph of inline elements.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RichTextSection {
    /// The inline elements.
    pub elements: Vec<RichTextInline>,
}

impl RichTextSection {
    /// A paragraph of `elements`.
    pub fn new(elements: impl Into<Vec<RichTextInline>>) -> Self {
        RichTextSection {
            elements: elements.into(),
        }
    }
}

/// How a list is marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListStyle {
    /// Bullets.
    Bullet,
    /// Numbers.
    Ordered,
}

/// `rich_text_list`: a list whose items are sections.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RichTextList {
    /// Bullets or numbers.
    pub style: ListStyle,
    /// The items, each a `rich_text_section`.
    pub elements: Vec<RichTextElement>,
    /// Nesting level, from 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indent: Option<u32>,
    /// Items skipped before the first number of an ordered list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u32>,
    /// Border width in pixels (0 or 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub border: Option<u32>,
}

impl RichTextList {
    /// A list of `items`.
    pub fn new(style: ListStyle, items: impl IntoIterator<Item = RichTextSection>) -> Self {
        RichTextList {
            style,
            elements: items.into_iter().map(Into::into).collect(),
            indent: None,
            offset: None,
            border: None,
        }
    }

    /// A bulleted list of `items`.
    pub fn bullet(items: impl IntoIterator<Item = RichTextSection>) -> Self {
        RichTextList::new(ListStyle::Bullet, items)
    }

    /// A numbered list of `items`.
    pub fn ordered(items: impl IntoIterator<Item = RichTextSection>) -> Self {
        RichTextList::new(ListStyle::Ordered, items)
    }

    setters! {
        /// Nesting level, from 0.
        indent: into<u32>;
        /// Items skipped before the first number.
        offset: into<u32>;
        /// Border width in pixels.
        border: into<u32>;
    }
}

/// `rich_text_preformatted`: a code block.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RichTextPreformatted {
    /// The inline elements (text, links, …; no styles).
    pub elements: Vec<RichTextInline>,
    /// Border width in pixels (0 or 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub border: Option<u32>,
    /// The code's language, for highlighting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

impl RichTextPreformatted {
    /// A code block of `elements`.
    pub fn new(elements: impl Into<Vec<RichTextInline>>) -> Self {
        RichTextPreformatted {
            elements: elements.into(),
            ..RichTextPreformatted::default()
        }
    }

    setters! {
        /// Border width in pixels.
        border: into<u32>;
        /// The code's language.
        language: string;
    }
}

/// `rich_text_quote`: a quote.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RichTextQuote {
    /// The inline elements.
    pub elements: Vec<RichTextInline>,
    /// Border width in pixels (0 or 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub border: Option<u32>,
}

impl RichTextQuote {
    /// A quote of `elements`.
    pub fn new(elements: impl Into<Vec<RichTextInline>>) -> Self {
        RichTextQuote {
            elements: elements.into(),
            border: None,
        }
    }

    setters! {
        /// Border width in pixels.
        border: into<u32>;
    }
}

// ===== Inline elements =====

/// How inline text is styled. Text and links take `bold`, `italic`, `strike`, `code`;
/// mentions also take `highlight`, `client_highlight` and `unlink`.
///
/// ```
/// use slack_core::blocks::RichTextStyle;
///
/// assert_eq!(
///     serde_json::to_value(RichTextStyle::new().bold().code()).unwrap(),
///     serde_json::json!({"bold": true, "code": true})
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RichTextStyle {
    /// Bold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bold: Option<bool>,
    /// Italic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub italic: Option<bool>,
    /// Struck through.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strike: Option<bool>,
    /// Inline code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<bool>,
    /// Underlined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub underline: Option<bool>,
    /// A highlighted mention.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub highlight: Option<bool>,
    /// Highlighted by the client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_highlight: Option<bool>,
    /// A mention shown without a link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unlink: Option<bool>,
}

impl RichTextStyle {
    /// No style.
    pub fn new() -> Self {
        RichTextStyle::default()
    }

    /// Bold.
    pub fn bold(mut self) -> Self {
        self.bold = Some(true);
        self
    }

    /// Italic.
    pub fn italic(mut self) -> Self {
        self.italic = Some(true);
        self
    }

    /// Struck through.
    pub fn strike(mut self) -> Self {
        self.strike = Some(true);
        self
    }

    /// Inline code.
    pub fn code(mut self) -> Self {
        self.code = Some(true);
        self
    }

    /// Underlined.
    pub fn underline(mut self) -> Self {
        self.underline = Some(true);
        self
    }
}

/// Who a broadcast mention notifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BroadcastRange {
    /// `@here`: active members.
    Here,
    /// `@channel`: every member.
    Channel,
    /// `@everyone`: everyone in the workspace.
    Everyone,
}

/// An inline element of a rich text section, list item, code block or quote.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum RichTextInline {
    /// `text`.
    Text {
        /// The text.
        text: String,
        /// Its style.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        style: Option<RichTextStyle>,
    },
    /// `link`.
    Link {
        /// The URL.
        url: String,
        /// The text shown (the URL when absent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
        /// Its style.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        style: Option<RichTextStyle>,
    },
    /// `emoji`.
    Emoji {
        /// The emoji's name, without colons.
        name: String,
        /// Its code points in hex, dash-separated (standard emoji).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unicode: Option<String>,
        /// Its image (custom emoji).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        url: Option<String>,
    },
    /// `user`: a user mention.
    User {
        /// The user (`U…`).
        user_id: String,
        /// Its style.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        style: Option<RichTextStyle>,
    },
    /// `channel`: a channel mention.
    Channel {
        /// The channel (`C…`).
        channel_id: String,
        /// Its style.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        style: Option<RichTextStyle>,
    },
    /// `usergroup`: a user group mention.
    Usergroup {
        /// The user group (`S…`).
        usergroup_id: String,
        /// Its style.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        style: Option<RichTextStyle>,
    },
    /// `broadcast`: `@here`, `@channel` or `@everyone`.
    Broadcast {
        /// Who is notified.
        range: BroadcastRange,
    },
    /// `date`: a time shown in each reader's time zone.
    Date {
        /// Unix seconds.
        timestamp: i64,
        /// A format with tokens such as `{date_short} at {time}`.
        format: String,
        /// A link on the date.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        url: Option<String>,
        /// The text for clients that cannot format dates.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fallback: Option<String>,
    },
    /// `color`: a colour swatch.
    Color {
        /// A hex colour such as `#F405B3`.
        value: String,
    },
    /// Any other inline element, as JSON.
    #[serde(untagged)]
    Other(Value),
}

impl<'de> Deserialize<'de> for RichTextInline {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        super::tagged::decode(d, RichTextInline::known_variant, RichTextInline::Other)
    }
}

impl crate::types::de::Lenient for RichTextInline {
    fn deserialize_lenient<'de, D: serde::Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Self>, D::Error> {
        super::tagged::lenient(d, RichTextInline::known_variant, RichTextInline::Other)
    }
}

impl RichTextInline {
    /// The variant for `kind`, decoded from `text`; `None` if unknown or not fitting.
    fn known_variant(kind: &str, text: &str) -> Option<Self> {
        super::tagged::inline_variant::<KnownInline>(kind, text).map(Into::into)
    }
}

/// [`RichTextInline`]'s known variants, externally tagged, for
/// [`inline_variant`](super::tagged::inline_variant).
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum KnownInline {
    Text {
        text: String,
        #[serde(default)]
        style: Option<RichTextStyle>,
    },
    Link {
        url: String,
        #[serde(default)]
        text: Option<String>,
        #[serde(default)]
        style: Option<RichTextStyle>,
    },
    Emoji {
        name: String,
        #[serde(default)]
        unicode: Option<String>,
        #[serde(default)]
        url: Option<String>,
    },
    User {
        user_id: String,
        #[serde(default)]
        style: Option<RichTextStyle>,
    },
    Channel {
        channel_id: String,
        #[serde(default)]
        style: Option<RichTextStyle>,
    },
    Usergroup {
        usergroup_id: String,
        #[serde(default)]
        style: Option<RichTextStyle>,
    },
    Broadcast {
        range: BroadcastRange,
    },
    Date {
        timestamp: i64,
        format: String,
        #[serde(default)]
        url: Option<String>,
        #[serde(default)]
        fallback: Option<String>,
    },
    Color {
        value: String,
    },
}

impl From<KnownInline> for RichTextInline {
    fn from(k: KnownInline) -> Self {
        match k {
            KnownInline::Text { text, style } => RichTextInline::Text { text, style },
            KnownInline::Link { url, text, style } => RichTextInline::Link { url, text, style },
            KnownInline::Emoji { name, unicode, url } => {
                RichTextInline::Emoji { name, unicode, url }
            }
            KnownInline::User { user_id, style } => RichTextInline::User { user_id, style },
            KnownInline::Channel { channel_id, style } => {
                RichTextInline::Channel { channel_id, style }
            }
            KnownInline::Usergroup {
                usergroup_id,
                style,
            } => RichTextInline::Usergroup {
                usergroup_id,
                style,
            },
            KnownInline::Broadcast { range } => RichTextInline::Broadcast { range },
            KnownInline::Date {
                timestamp,
                format,
                url,
                fallback,
            } => RichTextInline::Date {
                timestamp,
                format,
                url,
                fallback,
            },
            KnownInline::Color { value } => RichTextInline::Color { value },
        }
    }
}

impl RichTextInline {
    /// Unstyled text.
    pub fn text(text: impl Into<String>) -> Self {
        RichTextInline::Text {
            text: text.into(),
            style: None,
        }
    }

    /// Styled text.
    pub fn styled(text: impl Into<String>, style: RichTextStyle) -> Self {
        RichTextInline::Text {
            text: text.into(),
            style: Some(style),
        }
    }

    /// A link showing `text`.
    pub fn link(url: impl Into<String>, text: impl Into<String>) -> Self {
        RichTextInline::Link {
            url: url.into(),
            text: Some(text.into()),
            style: None,
        }
    }

    /// An emoji by name (`wave`).
    pub fn emoji(name: impl Into<String>) -> Self {
        RichTextInline::Emoji {
            name: name.into(),
            unicode: None,
            url: None,
        }
    }

    /// A user mention.
    pub fn user(user_id: impl Into<String>) -> Self {
        RichTextInline::User {
            user_id: user_id.into(),
            style: None,
        }
    }

    /// A channel mention.
    pub fn channel(channel_id: impl Into<String>) -> Self {
        RichTextInline::Channel {
            channel_id: channel_id.into(),
            style: None,
        }
    }

    /// A user group mention.
    pub fn usergroup(usergroup_id: impl Into<String>) -> Self {
        RichTextInline::Usergroup {
            usergroup_id: usergroup_id.into(),
            style: None,
        }
    }

    /// `@here`, `@channel` or `@everyone`.
    pub fn broadcast(range: BroadcastRange) -> Self {
        RichTextInline::Broadcast { range }
    }

    /// A date shown in each reader's time zone, with a fallback text.
    pub fn date(timestamp: i64, format: impl Into<String>, fallback: impl Into<String>) -> Self {
        RichTextInline::Date {
            timestamp,
            format: format.into(),
            url: None,
            fallback: Some(fallback.into()),
        }
    }

    /// A colour swatch.
    pub fn color(value: impl Into<String>) -> Self {
        RichTextInline::Color {
            value: value.into(),
        }
    }
}
