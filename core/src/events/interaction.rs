//! Interactivity: what Slack sends when a user clicks, submits, or opens a shortcut.

use serde::Deserialize;
use serde_json::Value;

use super::{type_of, PayloadError};
use crate::responses::views::ViewInfo;
use crate::types::Message;

/// Who acted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct UserRef {
    /// The user's id.
    pub id: String,
    /// Their handle (`username` in block actions and views).
    #[serde(default)]
    pub username: Option<String>,
    /// Their handle (`name` in shortcuts and message actions; Slack often sends both).
    #[serde(default)]
    pub name: Option<String>,
    /// Their workspace.
    #[serde(default)]
    pub team_id: Option<String>,
}

/// The workspace.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct TeamRef {
    /// The id.
    pub id: String,
    /// The domain.
    #[serde(default)]
    pub domain: Option<String>,
}

/// A channel named in an interaction.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ChannelRef {
    /// The id.
    pub id: String,
    /// The name.
    #[serde(default)]
    pub name: Option<String>,
}

/// One action of a [`BlockActions`] payload.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct BlockAction {
    /// The element's `action_id`.
    pub action_id: String,
    /// The block's id.
    #[serde(default)]
    pub block_id: String,
    /// The element type (`button`, `static_select`, …).
    #[serde(default, rename = "type")]
    pub kind: String,
    /// A button's value.
    #[serde(default)]
    pub value: Option<String>,
    /// A select menu's choice (`{"text":…,"value":…}`).
    #[serde(default)]
    pub selected_option: Option<Value>,
    /// Everything else the element sent (selected users, dates, …), as JSON.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, Value>,
}

/// `block_actions`: a button, a menu, a date picker, … in a message, a modal or the Home tab.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct BlockActions {
    /// Who acted.
    pub user: UserRef,
    /// Where.
    #[serde(default)]
    pub team: Option<TeamRef>,
    /// The app.
    #[serde(default)]
    pub api_app_id: Option<String>,
    /// Opens a modal within 3 seconds.
    #[serde(default)]
    pub trigger_id: String,
    /// Where to reply (messages only).
    #[serde(default)]
    pub response_url: Option<String>,
    /// The channel, for actions in messages.
    #[serde(default)]
    pub channel: Option<ChannelRef>,
    /// The message, for actions in messages.
    #[serde(default)]
    pub message: Option<Box<Message>>,
    /// The view, for actions in modals and the Home tab.
    #[serde(default)]
    pub view: Option<Box<ViewInfo>>,
    /// What was clicked or chosen.
    #[serde(default)]
    pub actions: Vec<BlockAction>,
    /// Where the actions were (`{"type":"message"|"view", …}`).
    #[serde(default)]
    pub container: Value,
}

/// `block_suggestion`: a menu with an external data source asks for options; answer with
/// `{"options":[…]}`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct BlockSuggestion {
    /// The menu's `action_id`.
    pub action_id: String,
    /// The block's id.
    #[serde(default)]
    pub block_id: String,
    /// What the user typed.
    #[serde(default)]
    pub value: String,
    /// Who.
    pub user: UserRef,
    /// Where.
    #[serde(default)]
    pub team: Option<TeamRef>,
    /// The view, when the menu is in a modal.
    #[serde(default)]
    pub view: Option<Box<ViewInfo>>,
}

/// `view_submission`: a modal was submitted; answer with nothing, or a `response_action`
/// (`errors`, `update`, `push`, `clear`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct ViewSubmission {
    /// Who submitted.
    pub user: UserRef,
    /// Where.
    #[serde(default)]
    pub team: Option<TeamRef>,
    /// The app.
    #[serde(default)]
    pub api_app_id: Option<String>,
    /// Opens another modal.
    #[serde(default)]
    pub trigger_id: String,
    /// The submitted view, with its `state.values`.
    pub view: Box<ViewInfo>,
    /// Response URLs for conversations selected in the modal.
    #[serde(default)]
    pub response_urls: Vec<Value>,
}

impl ViewSubmission {
    /// The submitted value of the element `action_id` in block `block_id`: its `value`
    /// (text inputs) or its selected option's value (menus).
    pub fn value(&self, block_id: &str, action_id: &str) -> Option<&str> {
        let el = self
            .view
            .state
            .as_ref()?
            .get("values")?
            .get(block_id)?
            .get(action_id)?;
        el.get("value")
            .and_then(Value::as_str)
            .or_else(|| el.get("selected_option")?.get("value")?.as_str())
    }
}

/// `view_closed`: a modal was closed (only with `notify_on_close`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct ViewClosed {
    /// Who closed it.
    pub user: UserRef,
    /// Where.
    #[serde(default)]
    pub team: Option<TeamRef>,
    /// The view.
    pub view: Box<ViewInfo>,
    /// Whether the whole stack was closed.
    #[serde(default)]
    pub is_cleared: bool,
}

/// `shortcut`: a global shortcut.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Shortcut {
    /// The shortcut's callback id.
    pub callback_id: String,
    /// Opens a modal within 3 seconds.
    #[serde(default)]
    pub trigger_id: String,
    /// Who.
    pub user: UserRef,
    /// Where.
    #[serde(default)]
    pub team: Option<TeamRef>,
    /// When.
    #[serde(default)]
    pub action_ts: Option<String>,
}

/// `message_action`: a message shortcut.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct MessageAction {
    /// The shortcut's callback id.
    pub callback_id: String,
    /// Opens a modal within 3 seconds.
    #[serde(default)]
    pub trigger_id: String,
    /// Where to reply.
    #[serde(default)]
    pub response_url: Option<String>,
    /// Who.
    pub user: UserRef,
    /// Where.
    #[serde(default)]
    pub team: Option<TeamRef>,
    /// The channel.
    #[serde(default)]
    pub channel: Option<ChannelRef>,
    /// The message the shortcut was used on.
    #[serde(default)]
    pub message: Option<Box<Message>>,
}

/// An interaction payload, typed.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Interaction {
    /// Buttons, menus, pickers.
    BlockActions(BlockActions),
    /// Options for an external select menu.
    BlockSuggestion(BlockSuggestion),
    /// A modal submitted.
    ViewSubmission(ViewSubmission),
    /// A modal closed.
    ViewClosed(ViewClosed),
    /// A global shortcut.
    Shortcut(Shortcut),
    /// A message shortcut.
    MessageAction(MessageAction),
    /// A type this SDK does not type (legacy dialogs, attachment actions, …).
    Other {
        /// Its `type`.
        kind: String,
    },
}

impl Interaction {
    /// The payload's `type`.
    pub fn kind(&self) -> &str {
        match self {
            Interaction::BlockActions(_) => "block_actions",
            Interaction::BlockSuggestion(_) => "block_suggestion",
            Interaction::ViewSubmission(_) => "view_submission",
            Interaction::ViewClosed(_) => "view_closed",
            Interaction::Shortcut(_) => "shortcut",
            Interaction::MessageAction(_) => "message_action",
            Interaction::Other { kind } => kind,
        }
    }
}

/// Decode an interaction payload (the `payload` form field over HTTP, or a Socket Mode
/// `interactive` payload).
pub fn decode_interaction(json: &str) -> Result<Interaction, PayloadError> {
    let kind = type_of(json)?;
    fn de<'a, T: Deserialize<'a>>(kind: &str, json: &'a str) -> Result<T, PayloadError> {
        serde_json::from_str(json).map_err(|e| PayloadError::new(kind, e))
    }
    Ok(match kind.as_str() {
        "block_actions" => Interaction::BlockActions(de(&kind, json)?),
        "block_suggestion" => Interaction::BlockSuggestion(de(&kind, json)?),
        "view_submission" => Interaction::ViewSubmission(de(&kind, json)?),
        "view_closed" => Interaction::ViewClosed(de(&kind, json)?),
        "shortcut" => Interaction::Shortcut(de(&kind, json)?),
        "message_action" => Interaction::MessageAction(de(&kind, json)?),
        _ => Interaction::Other { kind },
    })
}
