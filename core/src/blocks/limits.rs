//! Slack's documented Block Kit limits, in one table.
//!
//! [`LIMITS`] is the table the checks run from: each row names where it applies
//! ([`Scope`]), the field relative to that object, what is counted ([`Measure`]) and the
//! maximum. A field path uses `.` between keys, `text.text` being a text object's text, and
//! `[]` after a key for each item of an array (`fields[].text`); an empty path is the object
//! itself. Strings are counted in characters (Unicode scalar values), not bytes.
//!
//! Where Slack's reference says "less than N" the row holds N − 1. One limit does not fit a
//! row: the markdown blocks of one payload hold at most [`MAX_MARKDOWN_TOTAL_CHARS`]
//! characters in all.
//!
//! Lower bounds (non-empty texts, at least one option) are not checked; Slack reports them.
//!
//! ```
//! use slack_core::blocks::limits::{find, Scope};
//!
//! assert_eq!(find(Scope::Block("section"), "text.text").map(|l| l.max), Some(3000));
//! assert_eq!(find(Scope::Element("button"), "text.text").map(|l| l.max), Some(75));
//! ```

/// Most blocks in one message.
pub const MAX_MESSAGE_BLOCKS: usize = 50;
/// Most blocks in one view (modal or Home tab).
pub const MAX_VIEW_BLOCKS: usize = 100;
/// Most characters in all the markdown blocks of one payload.
pub const MAX_MARKDOWN_TOTAL_CHARS: usize = 12_000;

/// Where a limit applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scope {
    /// A message's `blocks` array.
    Message,
    /// A view.
    View,
    /// Every block.
    AnyBlock,
    /// Blocks of one `type` (`section`, …).
    Block(&'static str),
    /// Every interactive element (not the images and texts of context blocks).
    AnyElement,
    /// Elements of one `type` (`button`, …), including context block images.
    Element(&'static str),
    /// A composition object: `text` (a context block's text), `option`, `option_group`,
    /// `confirm`.
    Object(&'static str),
}

/// What a limit counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Measure {
    /// Characters of a string.
    Chars,
    /// Items of an array.
    Items,
    /// A number's value.
    Value,
}

/// One documented limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Limit {
    /// Where it applies.
    pub scope: Scope,
    /// The field, relative to the object (see the [module docs](self)).
    pub field: &'static str,
    /// What is counted.
    pub measure: Measure,
    /// The most allowed.
    pub max: usize,
}

const fn chars(scope: Scope, field: &'static str, max: usize) -> Limit {
    Limit {
        scope,
        field,
        measure: Measure::Chars,
        max,
    }
}

const fn items(scope: Scope, field: &'static str, max: usize) -> Limit {
    Limit {
        scope,
        field,
        measure: Measure::Items,
        max,
    }
}

const fn value(scope: Scope, field: &'static str, max: usize) -> Limit {
    Limit {
        scope,
        field,
        measure: Measure::Value,
        max,
    }
}

use Scope::{AnyBlock, AnyElement, Block, Element, Message, Object, View};

/// Every limit checked, from Slack's Block Kit reference.
#[rustfmt::skip]
pub const LIMITS: &[Limit] = &[
    // Surfaces.
    items(Message, "", MAX_MESSAGE_BLOCKS),
    items(View, "blocks", MAX_VIEW_BLOCKS),
    chars(View, "title.text", 24),
    chars(View, "close.text", 24),
    chars(View, "submit.text", 24),
    chars(View, "private_metadata", 3000),
    chars(View, "callback_id", 255),
    // Blocks.
    chars(AnyBlock, "block_id", 255),
    items(Block("actions"), "elements", 25),
    items(Block("context"), "elements", 10),
    chars(Block("header"), "text.text", 150),
    chars(Block("image"), "alt_text", 2000),
    chars(Block("image"), "image_url", 3000),
    chars(Block("image"), "title.text", 2000),
    chars(Block("input"), "label.text", 2000),
    chars(Block("input"), "hint.text", 2000),
    chars(Block("markdown"), "text", MAX_MARKDOWN_TOTAL_CHARS),
    chars(Block("section"), "text.text", 3000),
    items(Block("section"), "fields", 10),
    chars(Block("section"), "fields[].text", 2000),
    chars(Block("video"), "title.text", 199),
    chars(Block("video"), "description.text", 199),
    chars(Block("video"), "author_name", 49),
    // Elements.
    chars(AnyElement, "action_id", 255),
    chars(AnyElement, "placeholder.text", 150),
    chars(Element("button"), "text.text", 75),
    chars(Element("button"), "value", 2000),
    chars(Element("button"), "url", 3000),
    chars(Element("button"), "accessibility_label", 75),
    items(Element("checkboxes"), "options", 10),
    value(Element("file_input"), "max_files", 10),
    chars(Element("image"), "alt_text", 2000),
    chars(Element("image"), "image_url", 3000),
    items(Element("multi_static_select"), "options", 100),
    items(Element("multi_static_select"), "option_groups", 100),
    items(Element("overflow"), "options", 5),
    value(Element("plain_text_input"), "min_length", 3000),
    value(Element("plain_text_input"), "max_length", 3000),
    items(Element("radio_buttons"), "options", 10),
    items(Element("static_select"), "options", 100),
    items(Element("static_select"), "option_groups", 100),
    chars(Element("workflow_button"), "text.text", 75),
    chars(Element("workflow_button"), "accessibility_label", 75),
    // Composition objects.
    chars(Object("text"), "text", 3000),
    chars(Object("option"), "text.text", 75),
    chars(Object("option"), "value", 150),
    chars(Object("option"), "description.text", 75),
    chars(Object("option"), "url", 3000),
    chars(Object("option_group"), "label.text", 75),
    items(Object("option_group"), "options", 100),
    chars(Object("confirm"), "title.text", 100),
    chars(Object("confirm"), "text.text", 300),
    chars(Object("confirm"), "confirm.text", 30),
    chars(Object("confirm"), "deny.text", 30),
];

/// The limit on `field` in `scope`, if Slack documents one.
pub fn find(scope: Scope, field: &str) -> Option<&'static Limit> {
    LIMITS.iter().find(|l| l.scope == scope && l.field == field)
}
