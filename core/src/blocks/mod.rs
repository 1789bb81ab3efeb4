//! Block Kit: typed, builder-friendly blocks, elements, composition objects and views that
//! serialise to exactly Slack's JSON and deserialise from it.
//!
//! | file | holds |
//! |---|---|
//! | `blocks.rs` | [`Block`] and one struct per layout block ([`SectionBlock`], [`ActionsBlock`], …) |
//! | `elements.rs` | [`Element`], [`ContextElement`], buttons, choice groups, pickers, images, file inputs |
//! | `selects.rs` | the select menus ([`StaticSelect`], [`UsersSelect`], [`ConversationsSelect`], …) |
//! | `inputs.rs` | the text inputs ([`PlainTextInput`], [`EmailTextInput`], [`NumberInput`], …) |
//! | `text.rs` | composition objects: [`Text`], [`OptionObject`], [`ConfirmDialog`], [`ConversationFilter`], … |
//! | `rich_text.rs` | [`RichTextBlock`] and its sections, lists, quotes and inline elements |
//! | `view.rs` | [`View`]: modals and Home tabs |
//! | [`limits`] | Slack's documented limits, in one table |
//! | `validate.rs` | the checks of those limits |
//!
//! # Building
//! Each block and element is a struct whose `new(..)` takes the required fields; optional
//! fields are chained setters taking `impl Into<String>` (or the field's type). Plain-text
//! fields (labels, button text, placeholders, titles) take a string and build a `plain_text`
//! object. Every struct converts into its enum with `.into()`.
//!
//! # Reading
//! Blocks, elements, context elements and rich text parts whose `type` is unknown, or whose
//! content does not match the documented shape, deserialise to an `Other(serde_json::Value)`
//! variant holding the JSON as it was, so a message with a new kind of block still decodes and
//! re-serialises unchanged. Unknown fields of known types are ignored.
//!
//! # Limits
//! Slack's documented limits (text lengths, 50 blocks per message, 100 per view, option
//! counts, …) are listed in [`limits::LIMITS`] and checked by [`Block::validate`],
//! [`View::validate`] and [`validate_message_blocks`]. The Web API request encoder runs the same
//! checks on every `blocks` and `view` argument, typed or hand-written JSON, before sending. A
//! violation is an [`Error::Validation`](crate::Error::Validation) naming the field, such as
//! `blocks[3].text.text`, with a reason such as `3001 characters, the limit is 3000`.
//! Characters are counted, not bytes.
//!
//! # Example
//! ```
//! use slack_core::blocks::{
//!     validate_message_blocks, Block, Button, ConfirmDialog, InputBlock, OptionObject,
//!     PlainTextInput, SectionBlock, StaticSelect, Text, View,
//! };
//!
//! // A message: a header, a section with a button, a divider and an actions block.
//! let blocks: Vec<Block> = vec![
//!     Block::header("Deploy request"),
//!     SectionBlock::new(Text::mrkdwn("*api* v1.2.3 to production"))
//!         .accessory(Button::new("Approve", "approve").value("v1.2.3").primary())
//!         .into(),
//!     Block::divider(),
//!     Block::actions(vec![
//!         Button::new("Reject", "reject")
//!             .danger()
//!             .confirm(ConfirmDialog::new("Reject?", Text::plain("It cannot be undone."), "Reject", "Back"))
//!             .into(),
//!         StaticSelect::new("env", [
//!             OptionObject::new("Staging", "staging"),
//!             OptionObject::new("Production", "production"),
//!         ])
//!         .placeholder("Environment")
//!         .into(),
//!     ]),
//! ];
//! validate_message_blocks(&blocks, "blocks")?;
//! let json = serde_json::to_value(&blocks).unwrap();
//! assert_eq!(json[1]["accessory"]["style"], "primary");
//! assert_eq!(json[3]["elements"][1]["type"], "static_select");
//!
//! // Blocks go straight into request builders that take `impl Serialize`.
//! let _request = slack_core::api::chat::PostMessage::new("C123")
//!     .text("Deploy request")
//!     .blocks(&blocks);
//!
//! // A modal.
//! let modal = View::modal("Sign up")
//!     .callback_id("signup")
//!     .submit("Send")
//!     .close("Cancel")
//!     .block(Block::input("Name", PlainTextInput::new("name").placeholder("Ada Lovelace")))
//!     .block(InputBlock::new("About you", PlainTextInput::new("about").multiline(true)).optional(true));
//! modal.validate()?;
//! assert_eq!(modal.to_json()["blocks"][1]["optional"], true);
//! # Ok::<(), slack_core::Error>(())
//! ```

/// Chained setters for `Option` fields, each with its doc comment:
/// `string` takes `impl Into<String>`, `plain` builds a `plain_text` object from
/// `impl Into<String>`, `bool` takes a `bool`, `into<T>` takes `impl Into<T>`.
macro_rules! setters {
    ($( $(#[$doc:meta])* $field:ident : $kind:ident $(<$t:ty>)? ; )*) => {
        $( setters!(@one $(#[$doc])* $field $kind $($t)?); )*
    };
    (@one $(#[$doc:meta])* $field:ident string) => {
        $(#[$doc])*
        pub fn $field(mut self, value: impl Into<String>) -> Self {
            self.$field = Some(value.into());
            self
        }
    };
    (@one $(#[$doc:meta])* $field:ident plain) => {
        $(#[$doc])*
        pub fn $field(mut self, text: impl Into<String>) -> Self {
            self.$field = Some($crate::blocks::Text::plain(text));
            self
        }
    };
    (@one $(#[$doc:meta])* $field:ident bool) => {
        $(#[$doc])*
        pub fn $field(mut self, value: bool) -> Self {
            self.$field = Some(value);
            self
        }
    };
    (@one $(#[$doc:meta])* $field:ident into $t:ty) => {
        $(#[$doc])*
        pub fn $field(mut self, value: impl Into<$t>) -> Self {
            self.$field = Some(value.into());
            self
        }
    };
}

/// `From<Struct> for Enum` for newtype variants.
macro_rules! into_enum {
    ($enum:ident { $($variant:ident($ty:ty)),* $(,)? }) => {
        $(
            impl From<$ty> for $enum {
                fn from(v: $ty) -> $enum {
                    $enum::$variant(v)
                }
            }
        )*
    };
}

#[allow(clippy::module_inception)]
mod blocks;
mod elements;
mod inputs;
pub mod limits;
mod received;
mod rich_text;
mod selects;
mod tagged;
mod text;
mod validate;
mod view;

pub use blocks::{
    ActionsBlock, Block, ContextBlock, DividerBlock, FileBlock, HeaderBlock, ImageBlock,
    InputBlock, MarkdownBlock, SectionBlock, VideoBlock,
};
pub use elements::{
    Button, Checkboxes, ContextElement, DatePicker, DatetimePicker, Element, FileInput,
    ImageElement, Overflow, RadioButtons, TimePicker, WorkflowButton,
};
pub use inputs::{EmailTextInput, NumberInput, PlainTextInput, RichTextInput, UrlTextInput};
pub use limits::{Limit, Measure, Scope, LIMITS, MAX_MESSAGE_BLOCKS, MAX_VIEW_BLOCKS};
pub use received::Blocks;
pub use rich_text::{
    BroadcastRange, ListStyle, RichTextBlock, RichTextElement, RichTextInline, RichTextList,
    RichTextPreformatted, RichTextQuote, RichTextSection, RichTextStyle,
};
pub use selects::{
    ChannelsSelect, ConversationsSelect, ExternalSelect, MultiChannelsSelect,
    MultiConversationsSelect, MultiExternalSelect, MultiStaticSelect, MultiUsersSelect,
    StaticSelect, UsersSelect,
};
pub use text::{
    ButtonStyle, ConfirmDialog, ConversationFilter, ConversationKind, DispatchActionConfig,
    InputParameter, Mrkdwn, OptionGroup, OptionObject, PlainText, SlackFile, Text, Trigger,
    TriggerAction, Workflow,
};
pub use validate::{validate_block, validate_element, validate_message_blocks, validate_view};
pub use view::{View, ViewKind};

#[cfg(test)]
mod tests;
