//! Block Kit: typed, builder-friendly blocks, elements, composition objects and views that
//! serialise to exactly Slack's JSON and deserialise from it. Unknown block or element types
//! survive as JSON (`Other`).
//!
//! Slack's documented limits (text lengths, 50 blocks per message, 100 per view, …) are
//! checked before a request is sent — for typed blocks and hand-written JSON alike — and a
//! violation is an [`Error::Validation`](crate::Error::Validation) naming the field, such as
//! `blocks[3].text.text`.
//!
//! ```
//! use slack_core::blocks::{Block, Button, Element, OptionObject, SectionBlock, Select, Text, TextInput, View};
//!
//! let blocks = vec![
//!     Block::header("Deploy request"),
//!     SectionBlock::new(Text::mrkdwn("*api* v1.2.3 to production"))
//!         .accessory(Button::new("Approve", "approve").value("v1.2.3").primary())
//!         .into(),
//!     Block::divider(),
//!     Block::actions(vec![
//!         Button::new("Reject", "reject").danger().into(),
//!         Element::StaticSelect(Select::new("env", "Environment").options(vec![
//!             OptionObject::new("Staging", "staging"),
//!             OptionObject::new("Production", "production"),
//!         ])),
//!     ]),
//! ];
//! slack_core::blocks::validate_message_blocks(&serde_json::to_value(&blocks).unwrap(), "blocks").unwrap();
//! let request = slack_core::api::chat::PostMessage::new("C123").text("Deploy request").blocks(&blocks);
//!
//! let modal = View::modal("Sign up")
//!     .submit("Send")
//!     .block(Block::input("Email", Element::EmailTextInput(TextInput::new("email"))));
//! modal.validate().unwrap();
//! ```

mod elements;
mod layout;
mod rich_text;
mod text;
mod validate;
mod view;

pub use elements::{
    Button, Choice, Element, FileInput, ImageElement, Picker, Select, TextElement, TextInput,
    WorkflowButton,
};
pub use layout::{
    ActionsBlock, Block, ContextBlock, DividerBlock, FileBlock, HeaderBlock, ImageBlock,
    InputBlock, MarkdownBlock, SectionBlock, VideoBlock,
};
pub use rich_text::{Inline, RichTextBlock, RichTextElement, Style};
pub use text::{
    Confirm, ConversationFilter, DispatchActionConfig, OptionGroup, OptionObject, SlackFile, Text,
};
pub use validate::{
    validate_block, validate_element, validate_message_blocks, validate_view, MAX_MESSAGE_BLOCKS,
    MAX_VIEW_BLOCKS,
};
pub use view::View;

#[cfg(test)]
mod tests;
