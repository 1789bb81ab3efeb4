//! Elements: the [`Element`] enum, buttons, choice groups, pickers, images and file inputs, and
//! the [`ContextElement`] enum. Selects are in `selects.rs`, text inputs in `inputs.rs`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::inputs::{EmailTextInput, NumberInput, PlainTextInput, RichTextInput, UrlTextInput};
use super::selects::{
    ChannelsSelect, ConversationsSelect, ExternalSelect, MultiChannelsSelect,
    MultiConversationsSelect, MultiExternalSelect, MultiStaticSelect, MultiUsersSelect,
    StaticSelect, UsersSelect,
};
use super::text::{
    ButtonStyle, ConfirmDialog, Mrkdwn, OptionObject, PlainText, SlackFile, Text, Workflow,
};

// ===== Element =====

/// An element: a section's accessory, an item of an actions block, or an input block's input.
///
/// Unknown element types, and known types whose JSON does not match the documented shape,
/// deserialise to [`Element::Other`] with their JSON.
///
/// ```
/// use slack_core::blocks::{Button, Element};
///
/// let e: Element = Button::new("Go", "go").into();
/// assert_eq!(e.kind(), "button");
/// let unknown: Element = serde_json::from_str(r#"{"type": "hologram", "x": 1}"#).unwrap();
/// assert!(matches!(unknown, Element::Other(_)));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Element {
    /// `button`.
    Button(Button),
    /// `checkboxes`.
    Checkboxes(Checkboxes),
    /// `datepicker`.
    #[serde(rename = "datepicker")]
    DatePicker(DatePicker),
    /// `datetimepicker`.
    #[serde(rename = "datetimepicker")]
    DatetimePicker(DatetimePicker),
    /// `email_text_input`.
    EmailTextInput(EmailTextInput),
    /// `file_input`.
    FileInput(FileInput),
    /// `image`.
    Image(ImageElement),
    /// `multi_static_select`.
    MultiStaticSelect(MultiStaticSelect),
    /// `multi_external_select`.
    MultiExternalSelect(MultiExternalSelect),
    /// `multi_users_select`.
    MultiUsersSelect(MultiUsersSelect),
    /// `multi_conversations_select`.
    MultiConversationsSelect(MultiConversationsSelect),
    /// `multi_channels_select`.
    MultiChannelsSelect(MultiChannelsSelect),
    /// `number_input`.
    NumberInput(NumberInput),
    /// `overflow`.
    Overflow(Overflow),
    /// `plain_text_input`.
    PlainTextInput(PlainTextInput),
    /// `radio_buttons`.
    RadioButtons(RadioButtons),
    /// `rich_text_input`.
    RichTextInput(RichTextInput),
    /// `static_select`.
    StaticSelect(StaticSelect),
    /// `external_select`.
    ExternalSelect(ExternalSelect),
    /// `users_select`.
    UsersSelect(UsersSelect),
    /// `conversations_select`.
    ConversationsSelect(ConversationsSelect),
    /// `channels_select`.
    ChannelsSelect(ChannelsSelect),
    /// `timepicker`.
    #[serde(rename = "timepicker")]
    TimePicker(TimePicker),
    /// `url_text_input`.
    UrlTextInput(UrlTextInput),
    /// `workflow_button`.
    WorkflowButton(WorkflowButton),
    /// Any other element, as JSON.
    #[serde(untagged)]
    Other(Value),
}

super::tagged::tagged_enum!(Element {
    "button" => Button,
    "checkboxes" => Checkboxes,
    "datepicker" => DatePicker,
    "datetimepicker" => DatetimePicker,
    "email_text_input" => EmailTextInput,
    "file_input" => FileInput,
    "image" => Image,
    "multi_static_select" => MultiStaticSelect,
    "multi_external_select" => MultiExternalSelect,
    "multi_users_select" => MultiUsersSelect,
    "multi_conversations_select" => MultiConversationsSelect,
    "multi_channels_select" => MultiChannelsSelect,
    "number_input" => NumberInput,
    "overflow" => Overflow,
    "plain_text_input" => PlainTextInput,
    "radio_buttons" => RadioButtons,
    "rich_text_input" => RichTextInput,
    "static_select" => StaticSelect,
    "external_select" => ExternalSelect,
    "users_select" => UsersSelect,
    "conversations_select" => ConversationsSelect,
    "channels_select" => ChannelsSelect,
    "timepicker" => TimePicker,
    "url_text_input" => UrlTextInput,
    "workflow_button" => WorkflowButton,
});

into_enum!(Element {
    Button(Button),
    Checkboxes(Checkboxes),
    DatePicker(DatePicker),
    DatetimePicker(DatetimePicker),
    EmailTextInput(EmailTextInput),
    FileInput(FileInput),
    Image(ImageElement),
    MultiStaticSelect(MultiStaticSelect),
    MultiExternalSelect(MultiExternalSelect),
    MultiUsersSelect(MultiUsersSelect),
    MultiConversationsSelect(MultiConversationsSelect),
    MultiChannelsSelect(MultiChannelsSelect),
    NumberInput(NumberInput),
    Overflow(Overflow),
    PlainTextInput(PlainTextInput),
    RadioButtons(RadioButtons),
    RichTextInput(RichTextInput),
    StaticSelect(StaticSelect),
    ExternalSelect(ExternalSelect),
    UsersSelect(UsersSelect),
    ConversationsSelect(ConversationsSelect),
    ChannelsSelect(ChannelsSelect),
    TimePicker(TimePicker),
    UrlTextInput(UrlTextInput),
    WorkflowButton(WorkflowButton),
});

impl Element {
    /// The element's `type` as Slack names it (`"unknown"` for an [`Element::Other`] without a
    /// string `type`).
    pub fn kind(&self) -> &str {
        match self {
            Element::Button(_) => "button",
            Element::Checkboxes(_) => "checkboxes",
            Element::DatePicker(_) => "datepicker",
            Element::DatetimePicker(_) => "datetimepicker",
            Element::EmailTextInput(_) => "email_text_input",
            Element::FileInput(_) => "file_input",
            Element::Image(_) => "image",
            Element::MultiStaticSelect(_) => "multi_static_select",
            Element::MultiExternalSelect(_) => "multi_external_select",
            Element::MultiUsersSelect(_) => "multi_users_select",
            Element::MultiConversationsSelect(_) => "multi_conversations_select",
            Element::MultiChannelsSelect(_) => "multi_channels_select",
            Element::NumberInput(_) => "number_input",
            Element::Overflow(_) => "overflow",
            Element::PlainTextInput(_) => "plain_text_input",
            Element::RadioButtons(_) => "radio_buttons",
            Element::RichTextInput(_) => "rich_text_input",
            Element::StaticSelect(_) => "static_select",
            Element::ExternalSelect(_) => "external_select",
            Element::UsersSelect(_) => "users_select",
            Element::ConversationsSelect(_) => "conversations_select",
            Element::ChannelsSelect(_) => "channels_select",
            Element::TimePicker(_) => "timepicker",
            Element::UrlTextInput(_) => "url_text_input",
            Element::WorkflowButton(_) => "workflow_button",
            Element::Other(v) => v.get("type").and_then(Value::as_str).unwrap_or("unknown"),
        }
    }

    /// Check Slack's documented limits; errors name the field relative to the element, such
    /// as `text.text`. See [`validate_element`](super::validate_element).
    ///
    /// ```
    /// use slack_core::blocks::{Button, Element};
    ///
    /// let e: Element = Button::new("Go", "go").value("v".repeat(2001)).into();
    /// assert!(matches!(e.validate(), Err(slack_core::Error::Validation { ref field, .. }) if field == "value"));
    /// ```
    pub fn validate(&self) -> crate::Result<()> {
        super::validate_element(self, "")
    }

    /// The element as JSON.
    pub fn to_json(&self) -> Value {
        // Serialising these types cannot fail: every map key is a string.
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

// ===== Context element =====

/// An element of a context block: an image or a text object.
///
/// ```
/// use slack_core::blocks::{Block, ContextElement, ImageElement, Text};
///
/// let b = Block::context(vec![
///     ImageElement::new("https://example.com/logo.png", "logo").into(),
///     Text::mrkdwn("Posted by <@U123>").into(),
/// ]);
/// assert_eq!(b.to_json()["elements"][1]["type"], "mrkdwn");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ContextElement {
    /// `image`.
    Image(ImageElement),
    /// `plain_text`.
    PlainText(PlainText),
    /// `mrkdwn`.
    Mrkdwn(Mrkdwn),
    /// Any other element, as JSON.
    #[serde(untagged)]
    Other(Value),
}

super::tagged::tagged_enum!(ContextElement {
    "image" => Image,
    "plain_text" => PlainText,
    "mrkdwn" => Mrkdwn,
});

into_enum!(ContextElement {
    Image(ImageElement),
    PlainText(PlainText),
    Mrkdwn(Mrkdwn),
});

impl From<Text> for ContextElement {
    fn from(t: Text) -> ContextElement {
        match t {
            Text::PlainText(p) => ContextElement::PlainText(p),
            Text::Mrkdwn(m) => ContextElement::Mrkdwn(m),
        }
    }
}

// ===== Button =====

/// `button`: opens a URL or sends `block_actions` with its `value`.
///
/// ```
/// use slack_core::blocks::Button;
///
/// let b = Button::new("Approve", "approve").value("v1.2.3").primary();
/// assert_eq!(
///     serde_json::to_value(&b).unwrap(),
///     serde_json::json!({
///         "text": {"type": "plain_text", "text": "Approve"},
///         "action_id": "approve", "value": "v1.2.3", "style": "primary"
///     })
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Button {
    /// The label (plain text, up to 75 characters).
    pub text: Text,
    /// Identifies the action in the payload (up to 255 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_id: Option<String>,
    /// A URL the button opens (up to 3000 characters); the app still gets a payload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The value sent with the payload (up to 2000 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The colour (neutral when unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<ButtonStyle>,
    /// A dialog to confirm the click.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirm: Option<ConfirmDialog>,
    /// What screen readers say instead of the text (up to 75 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accessibility_label: Option<String>,
}

impl Button {
    /// A button labelled `text`, identified by `action_id`.
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

    /// Green: `style` `primary`.
    pub fn primary(self) -> Self {
        self.style(ButtonStyle::Primary)
    }

    /// Red: `style` `danger`.
    pub fn danger(self) -> Self {
        self.style(ButtonStyle::Danger)
    }

    setters! {
        /// Identifies the action in the payload.
        action_id: string;
        /// A URL to open.
        url: string;
        /// The value sent with the payload.
        value: string;
        /// The colour.
        style: into<ButtonStyle>;
        /// A dialog to confirm the click.
        confirm: into<ConfirmDialog>;
        /// What screen readers say instead of the text.
        accessibility_label: string;
    }
}

// ===== Workflow button =====

/// `workflow_button`: starts a workflow from a link trigger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WorkflowButton {
    /// The label (plain text, up to 75 characters).
    pub text: Text,
    /// The workflow to start.
    pub workflow: Workflow,
    /// Identifies the action in the payload (up to 255 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_id: Option<String>,
    /// The colour (neutral when unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<ButtonStyle>,
    /// What screen readers say instead of the text (up to 75 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accessibility_label: Option<String>,
}

impl WorkflowButton {
    /// A button labelled `text` starting `workflow`.
    pub fn new(text: impl Into<String>, workflow: Workflow) -> Self {
        WorkflowButton {
            text: Text::plain(text),
            workflow,
            action_id: None,
            style: None,
            accessibility_label: None,
        }
    }

    setters! {
        /// Identifies the action in the payload.
        action_id: string;
        /// The colour.
        style: into<ButtonStyle>;
        /// What screen readers say instead of the text.
        accessibility_label: string;
    }
}

// ===== Choice groups =====

/// `checkboxes`: pick any of up to 10 options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Checkboxes {
    /// Identifies the action in the payload (up to 255 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_id: Option<String>,
    /// The options (1 to 10).
    pub options: Vec<OptionObject>,
    /// The options checked at first (each must be one of `options`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_options: Option<Vec<OptionObject>>,
    /// A dialog to confirm a change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirm: Option<ConfirmDialog>,
    /// Focus the element when the view opens (one element per view).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focus_on_load: Option<bool>,
}

impl Checkboxes {
    /// Checkboxes identified by `action_id`.
    pub fn new(action_id: impl Into<String>, options: impl Into<Vec<OptionObject>>) -> Self {
        Checkboxes {
            action_id: Some(action_id.into()),
            options: options.into(),
            initial_options: None,
            confirm: None,
            focus_on_load: None,
        }
    }

    setters! {
        /// The options checked at first.
        initial_options: into<Vec<OptionObject>>;
        /// A dialog to confirm a change.
        confirm: into<ConfirmDialog>;
        /// Focus the element when the view opens.
        focus_on_load: bool;
    }
}

/// `radio_buttons`: pick one of up to 10 options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RadioButtons {
    /// Identifies the action in the payload (up to 255 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_id: Option<String>,
    /// The options (1 to 10).
    pub options: Vec<OptionObject>,
    /// The option selected at first (one of `options`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_option: Option<OptionObject>,
    /// A dialog to confirm a change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirm: Option<ConfirmDialog>,
    /// Focus the element when the view opens (one element per view).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focus_on_load: Option<bool>,
}

impl RadioButtons {
    /// Radio buttons identified by `action_id`.
    pub fn new(action_id: impl Into<String>, options: impl Into<Vec<OptionObject>>) -> Self {
        RadioButtons {
            action_id: Some(action_id.into()),
            options: options.into(),
            initial_option: None,
            confirm: None,
            focus_on_load: None,
        }
    }

    setters! {
        /// The option selected at first.
        initial_option: into<OptionObject>;
        /// A dialog to confirm a change.
        confirm: into<ConfirmDialog>;
        /// Focus the element when the view opens.
        focus_on_load: bool;
    }
}

/// `overflow`: a `⋯` menu of up to 5 options, which may open URLs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Overflow {
    /// Identifies the action in the payload (up to 255 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_id: Option<String>,
    /// The options (1 to 5).
    pub options: Vec<OptionObject>,
    /// A dialog to confirm a choice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirm: Option<ConfirmDialog>,
}

impl Overflow {
    /// A menu identified by `action_id`.
    pub fn new(action_id: impl Into<String>, options: impl Into<Vec<OptionObject>>) -> Self {
        Overflow {
            action_id: Some(action_id.into()),
            options: options.into(),
            confirm: None,
        }
    }

    setters! {
        /// A dialog to confirm a choice.
        confirm: into<ConfirmDialog>;
    }
}

// ===== Pickers =====

/// `datepicker`: a calendar.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DatePicker {
    /// Identifies the action in the payload (up to 255 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_id: Option<String>,
    /// The date selected at first, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_date: Option<String>,
    /// A dialog to confirm a change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirm: Option<ConfirmDialog>,
    /// Focus the element when the view opens (one element per view).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focus_on_load: Option<bool>,
    /// Shown before a date is picked (plain text, up to 150 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<Text>,
}

impl DatePicker {
    /// A date picker identified by `action_id`.
    pub fn new(action_id: impl Into<String>) -> Self {
        DatePicker {
            action_id: Some(action_id.into()),
            ..DatePicker::default()
        }
    }

    setters! {
        /// The date selected at first, `YYYY-MM-DD`.
        initial_date: string;
        /// A dialog to confirm a change.
        confirm: into<ConfirmDialog>;
        /// Focus the element when the view opens.
        focus_on_load: bool;
        /// Shown before a date is picked.
        placeholder: plain;
    }
}

/// `datetimepicker`: a date and a time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DatetimePicker {
    /// Identifies the action in the payload (up to 255 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_id: Option<String>,
    /// The moment selected at first, in Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_date_time: Option<i64>,
    /// A dialog to confirm a change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirm: Option<ConfirmDialog>,
    /// Focus the element when the view opens (one element per view).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focus_on_load: Option<bool>,
}

impl DatetimePicker {
    /// A date-time picker identified by `action_id`.
    pub fn new(action_id: impl Into<String>) -> Self {
        DatetimePicker {
            action_id: Some(action_id.into()),
            ..DatetimePicker::default()
        }
    }

    setters! {
        /// The moment selected at first, in Unix seconds.
        initial_date_time: into<i64>;
        /// A dialog to confirm a change.
        confirm: into<ConfirmDialog>;
        /// Focus the element when the view opens.
        focus_on_load: bool;
    }
}

/// `timepicker`: a time of day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TimePicker {
    /// Identifies the action in the payload (up to 255 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_id: Option<String>,
    /// The time selected at first, `HH:mm` (24-hour).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_time: Option<String>,
    /// An IANA time zone (`America/New_York`) the time is in (the user's zone when unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// A dialog to confirm a change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirm: Option<ConfirmDialog>,
    /// Focus the element when the view opens (one element per view).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focus_on_load: Option<bool>,
    /// Shown before a time is picked (plain text, up to 150 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<Text>,
}

impl TimePicker {
    /// A time picker identified by `action_id`.
    pub fn new(action_id: impl Into<String>) -> Self {
        TimePicker {
            action_id: Some(action_id.into()),
            ..TimePicker::default()
        }
    }

    setters! {
        /// The time selected at first, `HH:mm`.
        initial_time: string;
        /// An IANA time zone.
        timezone: string;
        /// A dialog to confirm a change.
        confirm: into<ConfirmDialog>;
        /// Focus the element when the view opens.
        focus_on_load: bool;
        /// Shown before a time is picked.
        placeholder: plain;
    }
}

// ===== Image =====

/// `image`: a small image in a section accessory or a context block. Set `image_url` or
/// `slack_file`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ImageElement {
    /// What the image shows, for screen readers (up to 2000 characters, no markup).
    pub alt_text: String,
    /// A public image URL (up to 3000 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// An image uploaded to Slack.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slack_file: Option<SlackFile>,
}

impl ImageElement {
    /// The image at `image_url`.
    pub fn new(image_url: impl Into<String>, alt_text: impl Into<String>) -> Self {
        ImageElement {
            alt_text: alt_text.into(),
            image_url: Some(image_url.into()),
            slack_file: None,
        }
    }

    /// An image uploaded to Slack.
    pub fn from_slack_file(file: SlackFile, alt_text: impl Into<String>) -> Self {
        ImageElement {
            alt_text: alt_text.into(),
            image_url: None,
            slack_file: Some(file),
        }
    }
}

// ===== File input =====

/// `file_input`: lets the user upload files in a modal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FileInput {
    /// Identifies the input in the submission (up to 255 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_id: Option<String>,
    /// Accepted file types (`pdf`, `png`, …); any type when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filetypes: Option<Vec<String>>,
    /// Most files uploaded (1 to 10; Slack's default: 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_files: Option<u32>,
}

impl FileInput {
    /// A file input identified by `action_id`.
    pub fn new(action_id: impl Into<String>) -> Self {
        FileInput {
            action_id: Some(action_id.into()),
            ..FileInput::default()
        }
    }

    /// Accepted file types (`pdf`, `png`, …).
    pub fn filetypes<I, S>(mut self, types: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.filetypes = Some(types.into_iter().map(Into::into).collect());
        self
    }

    setters! {
        /// Most files uploaded (1 to 10).
        max_files: into<u32>;
    }
}
