//! Composition objects: text objects, options, option groups, confirmation dialogs, dispatch
//! configuration, conversation filters, Slack files and workflow triggers.

use serde::{Deserialize, Serialize};

// ===== Text =====

/// A text object: `plain_text` or `mrkdwn`.
///
/// Fields Slack documents as plain-text only (labels, placeholders, button text, titles) are
/// set by setters taking `impl Into<String>`, which always build `plain_text`.
///
/// ```
/// use slack_core::blocks::Text;
///
/// assert_eq!(
///     serde_json::to_value(Text::plain("Hi :wave:").emoji(true)).unwrap(),
///     serde_json::json!({"type": "plain_text", "text": "Hi :wave:", "emoji": true})
/// );
/// assert_eq!(
///     serde_json::to_value(Text::mrkdwn("*Hi* <@U123>").verbatim(true)).unwrap(),
///     serde_json::json!({"type": "mrkdwn", "text": "*Hi* <@U123>", "verbatim": true})
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Text {
    /// `plain_text`.
    PlainText(PlainText),
    /// `mrkdwn`: Slack's markdown-like formatting, with mentions and links.
    Mrkdwn(Mrkdwn),
}

impl Text {
    /// `plain_text`.
    pub fn plain(text: impl Into<String>) -> Self {
        Text::PlainText(PlainText::new(text))
    }

    /// `mrkdwn`.
    pub fn mrkdwn(text: impl Into<String>) -> Self {
        Text::Mrkdwn(Mrkdwn::new(text))
    }

    /// Whether emoji shortcodes are rendered (`plain_text` only; ignored for `mrkdwn`).
    pub fn emoji(self, emoji: bool) -> Self {
        match self {
            Text::PlainText(p) => Text::PlainText(p.emoji(emoji)),
            other => other,
        }
    }

    /// When `true`, URLs, channel and user names are not auto-linked (`mrkdwn` only; ignored
    /// for `plain_text`).
    pub fn verbatim(self, verbatim: bool) -> Self {
        match self {
            Text::Mrkdwn(m) => Text::Mrkdwn(m.verbatim(verbatim)),
            other => other,
        }
    }

    /// The text.
    pub fn text(&self) -> &str {
        match self {
            Text::PlainText(p) => &p.text,
            Text::Mrkdwn(m) => &m.text,
        }
    }

    /// Whether this is `plain_text`.
    pub fn is_plain(&self) -> bool {
        matches!(self, Text::PlainText(_))
    }
}

/// The body of a `plain_text` text object (the `type` is added by [`Text`] or
/// [`ContextElement`](super::ContextElement)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PlainText {
    /// The text: 1 to 3000 characters, less where the containing field says so.
    pub text: String,
    /// Whether emoji shortcodes such as `:wave:` are rendered as emoji.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emoji: Option<bool>,
}

impl PlainText {
    /// Plain text.
    pub fn new(text: impl Into<String>) -> Self {
        PlainText {
            text: text.into(),
            emoji: None,
        }
    }

    /// Whether emoji shortcodes are rendered.
    pub fn emoji(mut self, emoji: bool) -> Self {
        self.emoji = Some(emoji);
        self
    }
}

/// The body of a `mrkdwn` text object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Mrkdwn {
    /// The text: 1 to 3000 characters, less where the containing field says so.
    pub text: String,
    /// When `true`, URLs, channel and user names are not auto-linked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verbatim: Option<bool>,
}

impl Mrkdwn {
    /// `mrkdwn` text.
    pub fn new(text: impl Into<String>) -> Self {
        Mrkdwn {
            text: text.into(),
            verbatim: None,
        }
    }

    /// When `true`, URLs, channel and user names are not auto-linked.
    pub fn verbatim(mut self, verbatim: bool) -> Self {
        self.verbatim = Some(verbatim);
        self
    }
}

impl From<PlainText> for Text {
    fn from(p: PlainText) -> Text {
        Text::PlainText(p)
    }
}

impl From<Mrkdwn> for Text {
    fn from(m: Mrkdwn) -> Text {
        Text::Mrkdwn(m)
    }
}

// ===== Options =====

/// An option of a select, overflow menu, checkbox group or radio button group.
///
/// ```
/// use slack_core::blocks::OptionObject;
///
/// let o = OptionObject::new("Production", "prod").description("Careful");
/// assert_eq!(
///     serde_json::to_value(&o).unwrap(),
///     serde_json::json!({
///         "text": {"type": "plain_text", "text": "Production"},
///         "value": "prod",
///         "description": {"type": "plain_text", "text": "Careful"}
///     })
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OptionObject {
    /// What the option shows (up to 75 characters; `mrkdwn` only in checkboxes and radio
    /// buttons).
    pub text: Text,
    /// The value sent to the app (up to 150 characters).
    pub value: String,
    /// A line under the text (plain text, up to 75 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// A URL opened when the option is clicked (overflow menus only; up to 3000 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl OptionObject {
    /// An option showing plain `text`.
    pub fn new(text: impl Into<String>, value: impl Into<String>) -> Self {
        OptionObject::with_text(Text::plain(text), value)
    }

    /// An option showing any text object (`mrkdwn` works in checkboxes and radio buttons).
    pub fn with_text(text: Text, value: impl Into<String>) -> Self {
        OptionObject {
            text,
            value: value.into(),
            description: None,
            url: None,
        }
    }

    setters! {
        /// A plain-text line under the text.
        description: plain;
        /// A URL opened when the option is clicked (overflow menus only).
        url: string;
    }
}

/// A labelled group of options in a static select.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OptionGroup {
    /// The label (plain text, up to 75 characters).
    pub label: Text,
    /// The options (up to 100).
    pub options: Vec<OptionObject>,
}

impl OptionGroup {
    /// A group labelled `label`.
    pub fn new(label: impl Into<String>, options: impl Into<Vec<OptionObject>>) -> Self {
        OptionGroup {
            label: Text::plain(label),
            options: options.into(),
        }
    }
}

// ===== Confirmation dialog =====

/// The colour of a button: `primary` (green) or `danger` (red). Without a style a button is
/// neutral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ButtonStyle {
    /// Green: the affirmative action. Use it for one button per group.
    Primary,
    /// Red: a destructive action.
    Danger,
}

/// A dialog asking the user to confirm before an element's action runs.
///
/// ```
/// use slack_core::blocks::{ButtonStyle, ConfirmDialog, Text};
///
/// let c = ConfirmDialog::new("Are you sure?", Text::mrkdwn("This *deletes* it."), "Delete", "Cancel")
///     .style(ButtonStyle::Danger);
/// assert_eq!(serde_json::to_value(&c).unwrap()["style"], "danger");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ConfirmDialog {
    /// The title (plain text, up to 100 characters).
    pub title: Text,
    /// The explanation (up to 300 characters).
    pub text: Text,
    /// The confirming button's text (plain text, up to 30 characters).
    pub confirm: Text,
    /// The cancelling button's text (plain text, up to 30 characters).
    pub deny: Text,
    /// The confirming button's colour (Slack's default: `primary`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<ButtonStyle>,
}

impl ConfirmDialog {
    /// A dialog titled `title` explaining `text`, with `confirm` and `deny` buttons.
    pub fn new(
        title: impl Into<String>,
        text: Text,
        confirm: impl Into<String>,
        deny: impl Into<String>,
    ) -> Self {
        ConfirmDialog {
            title: Text::plain(title),
            text,
            confirm: Text::plain(confirm),
            deny: Text::plain(deny),
            style: None,
        }
    }

    setters! {
        /// The confirming button's colour.
        style: into<ButtonStyle>;
    }
}

// ===== Dispatch action configuration =====

/// When a text input sends a `block_actions` payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TriggerAction {
    /// When the user presses Enter.
    OnEnterPressed,
    /// When a character is entered or removed.
    OnCharacterEntered,
}

/// When a text input in an input block with `dispatch_action` sends `block_actions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DispatchActionConfig {
    /// The interactions that dispatch (Slack's default: Enter only).
    pub trigger_actions_on: Vec<TriggerAction>,
}

impl DispatchActionConfig {
    /// Dispatch on the given interactions.
    pub fn new(triggers: impl Into<Vec<TriggerAction>>) -> Self {
        DispatchActionConfig {
            trigger_actions_on: triggers.into(),
        }
    }

    /// Dispatch when Enter is pressed.
    pub fn on_enter_pressed() -> Self {
        DispatchActionConfig::new([TriggerAction::OnEnterPressed])
    }

    /// Dispatch on every character.
    pub fn on_character_entered() -> Self {
        DispatchActionConfig::new([TriggerAction::OnCharacterEntered])
    }
}

// ===== Conversation filter =====

/// A kind of conversation a conversations select may offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConversationKind {
    /// Direct messages.
    Im,
    /// Group direct messages.
    Mpim,
    /// Private channels.
    Private,
    /// Public channels.
    Public,
}

/// Which conversations a conversations select offers.
///
/// ```
/// use slack_core::blocks::{ConversationFilter, ConversationKind};
///
/// let f = ConversationFilter::new()
///     .include([ConversationKind::Public, ConversationKind::Private])
///     .exclude_bot_users(true);
/// assert_eq!(
///     serde_json::to_value(&f).unwrap(),
///     serde_json::json!({"include": ["public", "private"], "exclude_bot_users": true})
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ConversationFilter {
    /// The kinds offered (at least one when set; Slack's default: all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include: Option<Vec<ConversationKind>>,
    /// Leave out channels shared with other organisations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude_external_shared_channels: Option<bool>,
    /// Leave out bot users (DMs with bots).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude_bot_users: Option<bool>,
}

impl ConversationFilter {
    /// A filter that lets everything through until set.
    pub fn new() -> Self {
        ConversationFilter::default()
    }

    setters! {
        /// The kinds of conversation offered.
        include: into<Vec<ConversationKind>>;
        /// Leave out channels shared with other organisations.
        exclude_external_shared_channels: bool;
        /// Leave out bot users.
        exclude_bot_users: bool;
    }
}

// ===== Slack file =====

/// A file uploaded to Slack, by `url` (its `url_private` or `permalink`) or by `id`, for
/// image blocks and image elements. Set one of the two.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SlackFile {
    /// The file's `url_private` or `permalink`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The file's id (`F…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

impl SlackFile {
    /// A file by URL.
    pub fn url(url: impl Into<String>) -> Self {
        SlackFile {
            url: Some(url.into()),
            id: None,
        }
    }

    /// A file by id.
    pub fn id(id: impl Into<String>) -> Self {
        SlackFile {
            url: None,
            id: Some(id.into()),
        }
    }
}

// ===== Workflow =====

/// The workflow a [`WorkflowButton`](super::WorkflowButton) starts.
///
/// ```
/// use slack_core::blocks::Workflow;
///
/// let w = Workflow::new("https://slack.com/shortcuts/Ft0123ABC456/xyz")
///     .input_parameter("ticket", "T-42");
/// assert_eq!(
///     serde_json::to_value(&w).unwrap(),
///     serde_json::json!({"trigger": {
///         "url": "https://slack.com/shortcuts/Ft0123ABC456/xyz",
///         "customizable_input_parameters": [{"name": "ticket", "value": "T-42"}]
///     }})
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Workflow {
    /// The link trigger that starts the workflow.
    pub trigger: Trigger,
}

impl Workflow {
    /// A workflow started by the link trigger at `trigger_url`.
    pub fn new(trigger_url: impl Into<String>) -> Self {
        Workflow {
            trigger: Trigger::new(trigger_url),
        }
    }

    /// Pass `value` to the trigger's customizable input `name`.
    pub fn input_parameter(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.trigger = self.trigger.input_parameter(name, value);
        self
    }
}

/// A link trigger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Trigger {
    /// The trigger's URL (`https://slack.com/shortcuts/…`).
    pub url: String,
    /// Values for the trigger's customizable inputs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customizable_input_parameters: Option<Vec<InputParameter>>,
}

impl Trigger {
    /// The trigger at `url`.
    pub fn new(url: impl Into<String>) -> Self {
        Trigger {
            url: url.into(),
            customizable_input_parameters: None,
        }
    }

    /// Pass `value` to the customizable input `name`.
    pub fn input_parameter(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.customizable_input_parameters
            .get_or_insert_with(Vec::new)
            .push(InputParameter::new(name, value));
        self
    }
}

/// A value for one of a trigger's customizable inputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InputParameter {
    /// The input's name, as the trigger defines it.
    pub name: String,
    /// The value.
    pub value: String,
}

impl InputParameter {
    /// `value` for the input `name`.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        InputParameter {
            name: name.into(),
            value: value.into(),
        }
    }
}
