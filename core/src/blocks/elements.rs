//! Interactive and display elements.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::text::{
    Confirm, ConversationFilter, DispatchActionConfig, OptionGroup, OptionObject, SlackFile, Text,
};

/// An element inside a section accessory, an actions block, an input, or a context block.
///
/// Unknown element types deserialise to [`Element::Other`] with their JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Element {
    /// A button.
    Button(Button),
    /// Checkboxes.
    Checkboxes(Choice),
    /// Radio buttons.
    RadioButtons(Choice),
    /// An overflow menu.
    Overflow(Choice),
    /// A date picker.
    Datepicker(Picker),
    /// A date and time picker.
    Datetimepicker(Picker),
    /// A time picker.
    Timepicker(Picker),
    /// A select with static options.
    StaticSelect(Select),
    /// A multi-select with static options.
    MultiStaticSelect(Select),
    /// A select with options from the app.
    ExternalSelect(Select),
    /// A multi-select with options from the app.
    MultiExternalSelect(Select),
    /// A user select.
    UsersSelect(Select),
    /// A multi-user select.
    MultiUsersSelect(Select),
    /// A conversation select.
    ConversationsSelect(Select),
    /// A multi-conversation select.
    MultiConversationsSelect(Select),
    /// A public channel select.
    ChannelsSelect(Select),
    /// A multi public channel select.
    MultiChannelsSelect(Select),
    /// A plain text input.
    PlainTextInput(TextInput),
    /// An email input.
    EmailTextInput(TextInput),
    /// A URL input.
    UrlTextInput(TextInput),
    /// A number input.
    NumberInput(TextInput),
    /// A rich text input.
    RichTextInput(TextInput),
    /// A file input.
    FileInput(FileInput),
    /// An image (in context blocks and section accessories).
    Image(ImageElement),
    /// A workflow button.
    WorkflowButton(WorkflowButton),
    /// Text (in context blocks).
    PlainText(TextElement),
    /// `mrkdwn` text (in context blocks).
    Mrkdwn(TextElement),
    /// Any other element, as JSON.
    #[serde(untagged)]
    Other(Value),
}

/// Text used as an element of a context block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TextElement {
    /// The text.
    pub text: String,
    /// `plain_text`: render emoji.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emoji: Option<bool>,
    /// `mrkdwn`: do not auto-link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verbatim: Option<bool>,
}

impl From<Text> for Element {
    fn from(t: Text) -> Element {
        match t {
            Text::PlainText { text, emoji } => Element::PlainText(TextElement {
                text,
                emoji,
                verbatim: None,
            }),
            Text::Mrkdwn { text, verbatim } => Element::Mrkdwn(TextElement {
                text,
                emoji: None,
                verbatim,
            }),
        }
    }
}

/// A button.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Button {
    /// The label (plain text).
    pub text: Text,
    /// Identifies the action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_id: Option<String>,
    /// A URL to open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The value sent with the action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// `primary` or `danger`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<String>,
    /// A confirmation dialog.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirm: Option<Confirm>,
    /// Read by screen readers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accessibility_label: Option<String>,
}

impl Button {
    /// A button labelled `text` with `action_id`.
    pub fn new(text: impl Into<String>, action_id: impl Into<String>) -> Self {
        Button {
            text: Text::plain(text),
            action_id: Some(action_id.into()),
            url: None,
            value: None,
            style: None,
            confirm: None,
            accessibility_label: None,
        }
    }

    /// The value sent with the action.
    pub fn value(mut self, v: impl Into<String>) -> Self {
        self.value = Some(v.into());
        self
    }

    /// A URL to open.
    pub fn url(mut self, v: impl Into<String>) -> Self {
        self.url = Some(v.into());
        self
    }

    /// Green.
    pub fn primary(mut self) -> Self {
        self.style = Some("primary".into());
        self
    }

    /// Red.
    pub fn danger(mut self) -> Self {
        self.style = Some("danger".into());
        self
    }

    /// Ask before running the action.
    pub fn confirm(mut self, c: Confirm) -> Self {
        self.confirm = Some(c);
        self
    }
}

impl From<Button> for Element {
    fn from(b: Button) -> Element {
        Element::Button(b)
    }
}

/// Checkboxes, radio buttons, overflow menus: a list of options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Choice {
    /// Identifies the action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_id: Option<String>,
    /// The options.
    pub options: Vec<OptionObject>,
    /// Preselected options (checkboxes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_options: Option<Vec<OptionObject>>,
    /// Preselected option (radio buttons).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_option: Option<OptionObject>,
    /// A confirmation dialog.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirm: Option<Confirm>,
    /// Focus on load (in modals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focus_on_load: Option<bool>,
}

impl Choice {
    /// Options with `action_id`.
    pub fn new(action_id: impl Into<String>, options: Vec<OptionObject>) -> Self {
        Choice {
            action_id: Some(action_id.into()),
            options,
            initial_options: None,
            initial_option: None,
            confirm: None,
            focus_on_load: None,
        }
    }
}

/// Date, time and date-time pickers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Picker {
    /// Identifies the action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_id: Option<String>,
    /// `YYYY-MM-DD` (date picker).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_date: Option<String>,
    /// `HH:mm` (time picker).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_time: Option<String>,
    /// Unix seconds (date-time picker).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_date_time: Option<i64>,
    /// An IANA time zone (time picker).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Placeholder (plain text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<Text>,
    /// A confirmation dialog.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirm: Option<Confirm>,
    /// Focus on load.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focus_on_load: Option<bool>,
}

/// Every kind of select and multi-select; the fields used depend on the kind.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Select {
    /// Identifies the action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_id: Option<String>,
    /// Placeholder (plain text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<Text>,
    /// Static options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<OptionObject>>,
    /// Static option groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub option_groups: Option<Vec<OptionGroup>>,
    /// Preselected option.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_option: Option<OptionObject>,
    /// Preselected options (multi).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_options: Option<Vec<OptionObject>>,
    /// Preselected user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_user: Option<String>,
    /// Preselected users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_users: Option<Vec<String>>,
    /// Preselected conversation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_conversation: Option<String>,
    /// Preselected conversations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_conversations: Option<Vec<String>>,
    /// Preselected channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_channel: Option<String>,
    /// Preselected channels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_channels: Option<Vec<String>>,
    /// Default to the conversation the user is in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_to_current_conversation: Option<bool>,
    /// Which conversations to offer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<ConversationFilter>,
    /// Return a `response_url` (in modals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_url_enabled: Option<bool>,
    /// Characters typed before querying the app (external selects).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_query_length: Option<u32>,
    /// Most items selectable (multi).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_selected_items: Option<u32>,
    /// A confirmation dialog.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirm: Option<Confirm>,
    /// Focus on load.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focus_on_load: Option<bool>,
}

impl Select {
    /// A select with `action_id` and a plain-text placeholder.
    pub fn new(action_id: impl Into<String>, placeholder: impl Into<String>) -> Self {
        Select {
            action_id: Some(action_id.into()),
            placeholder: Some(Text::plain(placeholder)),
            ..Select::default()
        }
    }

    /// Static options.
    pub fn options(mut self, options: Vec<OptionObject>) -> Self {
        self.options = Some(options);
        self
    }
}

/// Text, email, URL, number and rich text inputs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TextInput {
    /// Identifies the action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_id: Option<String>,
    /// Placeholder (plain text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<Text>,
    /// Initial text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_value: Option<Value>,
    /// Several lines (plain text input).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multiline: Option<bool>,
    /// Least characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u32>,
    /// Most characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// Whether decimals are allowed (number input).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_decimal_allowed: Option<bool>,
    /// Smallest value (number input).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_value: Option<String>,
    /// Largest value (number input).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_value: Option<String>,
    /// When the input dispatches actions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispatch_action_config: Option<DispatchActionConfig>,
    /// Focus on load.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focus_on_load: Option<bool>,
}

impl TextInput {
    /// An input with `action_id`.
    pub fn new(action_id: impl Into<String>) -> Self {
        TextInput {
            action_id: Some(action_id.into()),
            ..TextInput::default()
        }
    }

    /// Several lines.
    pub fn multiline(mut self) -> Self {
        self.multiline = Some(true);
        self
    }

    /// Placeholder.
    pub fn placeholder(mut self, p: impl Into<String>) -> Self {
        self.placeholder = Some(Text::plain(p));
        self
    }
}

/// A file input.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FileInput {
    /// Identifies the action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_id: Option<String>,
    /// Accepted file types (`pdf`, `png`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filetypes: Option<Vec<String>>,
    /// Most files (1 to 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_files: Option<u32>,
}

/// An image element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ImageElement {
    /// Description for screen readers.
    pub alt_text: String,
    /// A public image URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// Or a Slack file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slack_file: Option<SlackFile>,
}

impl ImageElement {
    /// An image from a URL.
    pub fn new(image_url: impl Into<String>, alt_text: impl Into<String>) -> Self {
        ImageElement {
            alt_text: alt_text.into(),
            image_url: Some(image_url.into()),
            slack_file: None,
        }
    }
}

/// A workflow button.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WorkflowButton {
    /// The label (plain text).
    pub text: Text,
    /// The workflow trigger (`{"trigger": {"url": …, "customizable_input_parameters": […]}}`).
    pub workflow: Value,
    /// Identifies the action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_id: Option<String>,
    /// `primary` or `danger`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<String>,
    /// Read by screen readers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accessibility_label: Option<String>,
}
