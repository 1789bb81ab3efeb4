//! Text inputs: plain, email, URL, number and rich text.

use serde::{Deserialize, Serialize};

use super::rich_text::RichTextBlock;
use super::text::{DispatchActionConfig, Text};

/// `plain_text_input`: a single- or multi-line text field.
///
/// ```
/// use slack_core::blocks::{DispatchActionConfig, PlainTextInput};
///
/// let i = PlainTextInput::new("summary")
///     .multiline(true)
///     .max_length(500u32)
///     .dispatch_action_config(DispatchActionConfig::on_character_entered());
/// assert_eq!(
///     serde_json::to_value(&i).unwrap(),
///     serde_json::json!({
///         "action_id": "summary", "multiline": true, "max_length": 500,
///         "dispatch_action_config": {"trigger_actions_on": ["on_character_entered"]}
///     })
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PlainTextInput {
    /// Identifies the input in the submission (up to 255 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_id: Option<String>,
    /// The text at first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_value: Option<String>,
    /// A text area rather than a single line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multiline: Option<bool>,
    /// Fewest characters accepted (up to 3000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u32>,
    /// Most characters accepted (up to 3000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// When the input sends `block_actions` (with `dispatch_action` on the input block).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispatch_action_config: Option<DispatchActionConfig>,
    /// Focus the element when the view opens (one element per view).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focus_on_load: Option<bool>,
    /// Shown while empty (plain text, up to 150 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<Text>,
}

impl PlainTextInput {
    /// An input identified by `action_id`.
    pub fn new(action_id: impl Into<String>) -> Self {
        PlainTextInput {
            action_id: Some(action_id.into()),
            ..PlainTextInput::default()
        }
    }

    setters! {
        /// The text at first.
        initial_value: string;
        /// A text area rather than a single line.
        multiline: bool;
        /// Fewest characters accepted.
        min_length: into<u32>;
        /// Most characters accepted.
        max_length: into<u32>;
        /// When the input sends `block_actions`.
        dispatch_action_config: into<DispatchActionConfig>;
        /// Focus the element when the view opens.
        focus_on_load: bool;
        /// Shown while empty.
        placeholder: plain;
    }
}

/// Declares an input with the fields the email and URL inputs share.
macro_rules! simple_input {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
        #[non_exhaustive]
        pub struct $name {
            /// Identifies the input in the submission (up to 255 characters).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub action_id: Option<String>,
            #[doc = concat!("The ", $what, " at first.")]
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub initial_value: Option<String>,
            /// When the input sends `block_actions` (with `dispatch_action` on the input block).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub dispatch_action_config: Option<DispatchActionConfig>,
            /// Focus the element when the view opens (one element per view).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub focus_on_load: Option<bool>,
            /// Shown while empty (plain text, up to 150 characters).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub placeholder: Option<Text>,
        }

        impl $name {
            /// An input identified by `action_id`.
            pub fn new(action_id: impl Into<String>) -> Self {
                $name {
                    action_id: Some(action_id.into()),
                    ..$name::default()
                }
            }

            setters! {
                #[doc = concat!("The ", $what, " at first.")]
                initial_value: string;
                /// When the input sends `block_actions`.
                dispatch_action_config: into<DispatchActionConfig>;
                /// Focus the element when the view opens.
                focus_on_load: bool;
                /// Shown while empty.
                placeholder: plain;
            }
        }
    };
}

simple_input!(
    /// `email_text_input`: an email address field.
    EmailTextInput,
    "address"
);

simple_input!(
    /// `url_text_input`: a URL field.
    UrlTextInput,
    "URL"
);

/// `number_input`: a whole or decimal number field. Numbers are strings, as Slack sends them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NumberInput {
    /// Whether decimals are accepted.
    pub is_decimal_allowed: bool,
    /// Identifies the input in the submission (up to 255 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_id: Option<String>,
    /// The number at first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_value: Option<String>,
    /// Smallest number accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_value: Option<String>,
    /// Largest number accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_value: Option<String>,
    /// When the input sends `block_actions` (with `dispatch_action` on the input block).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispatch_action_config: Option<DispatchActionConfig>,
    /// Focus the element when the view opens (one element per view).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focus_on_load: Option<bool>,
    /// Shown while empty (plain text, up to 150 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<Text>,
}

impl NumberInput {
    /// A number input identified by `action_id`, accepting decimals or not.
    pub fn new(action_id: impl Into<String>, is_decimal_allowed: bool) -> Self {
        NumberInput {
            is_decimal_allowed,
            action_id: Some(action_id.into()),
            ..NumberInput::default()
        }
    }

    setters! {
        /// The number at first.
        initial_value: string;
        /// Smallest number accepted.
        min_value: string;
        /// Largest number accepted.
        max_value: string;
        /// When the input sends `block_actions`.
        dispatch_action_config: into<DispatchActionConfig>;
        /// Focus the element when the view opens.
        focus_on_load: bool;
        /// Shown while empty.
        placeholder: plain;
    }
}

/// `rich_text_input`: a formatted text field.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RichTextInput {
    /// Identifies the input in the submission (up to 255 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_id: Option<String>,
    /// The text at first (a `rich_text` block).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "super::rich_text::tagged"
    )]
    pub initial_value: Option<RichTextBlock>,
    /// When the input sends `block_actions` (with `dispatch_action` on the input block).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispatch_action_config: Option<DispatchActionConfig>,
    /// Focus the element when the view opens (one element per view).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focus_on_load: Option<bool>,
    /// Shown while empty (plain text, up to 150 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<Text>,
}

impl RichTextInput {
    /// An input identified by `action_id`.
    pub fn new(action_id: impl Into<String>) -> Self {
        RichTextInput {
            action_id: Some(action_id.into()),
            ..RichTextInput::default()
        }
    }

    setters! {
        /// The text at first.
        initial_value: into<RichTextBlock>;
        /// When the input sends `block_actions`.
        dispatch_action_config: into<DispatchActionConfig>;
        /// Focus the element when the view opens.
        focus_on_load: bool;
        /// Shown while empty.
        placeholder: plain;
    }
}
