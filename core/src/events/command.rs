//! Slash commands: a form over HTTP, a JSON object over Socket Mode — one type.

use serde::{Deserialize, Serialize};

use super::PayloadError;

/// A slash command (`/deploy api`).
///
/// ```
/// use slack_core::events::SlashCommand;
///
/// let form = b"command=%2Fdeploy&text=api+now&user_id=U1&channel_id=C1&team_id=T1\
///              &response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2F1&trigger_id=13.45";
/// let cmd = SlashCommand::from_form(form)?;
/// assert_eq!((cmd.command.as_str(), cmd.text.as_str()), ("/deploy", "api now"));
/// assert_eq!(cmd.response_url, "https://hooks.slack.com/commands/1");
/// # Ok::<(), slack_core::events::PayloadError>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SlashCommand {
    /// The command, with its slash.
    pub command: String,
    /// Everything after the command.
    #[serde(default)]
    pub text: String,
    /// Who ran it.
    #[serde(default)]
    pub user_id: String,
    /// Their name (legacy; prefer `user_id`).
    #[serde(default)]
    pub user_name: Option<String>,
    /// Where.
    #[serde(default)]
    pub channel_id: String,
    /// The channel's name.
    #[serde(default)]
    pub channel_name: Option<String>,
    /// The workspace.
    #[serde(default)]
    pub team_id: String,
    /// The workspace's domain.
    #[serde(default)]
    pub team_domain: Option<String>,
    /// The enterprise, on Enterprise Grid.
    #[serde(default)]
    pub enterprise_id: Option<String>,
    /// The app.
    #[serde(default)]
    pub api_app_id: Option<String>,
    /// Where to post up to five replies within 30 minutes.
    #[serde(default)]
    pub response_url: String,
    /// Opens a modal within 3 seconds (`views.open`).
    #[serde(default)]
    pub trigger_id: String,
    /// Whether the app is installed org-wide (sent as `"true"`/`"false"` in forms).
    #[serde(default, deserialize_with = "bool_or_text")]
    pub is_enterprise_install: bool,
}

impl std::fmt::Debug for SlashCommand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The response URL is a bearer capability: redacted.
        f.debug_struct("SlashCommand")
            .field("command", &self.command)
            .field("text", &self.text)
            .field("user_id", &self.user_id)
            .field("channel_id", &self.channel_id)
            .field("team_id", &self.team_id)
            .field("response_url", &"<redacted>")
            .finish_non_exhaustive()
    }
}

fn bool_or_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum B {
        Bool(bool),
        Text(String),
        Other(serde::de::IgnoredAny),
    }
    Ok(match B::deserialize(d)? {
        B::Bool(b) => b,
        B::Text(s) => s == "true",
        B::Other(_) => false,
    })
}

impl SlashCommand {
    /// From the form body Slack POSTs to a command's request URL.
    pub fn from_form(body: &[u8]) -> Result<SlashCommand, PayloadError> {
        let map: serde_json::Map<String, serde_json::Value> = form_urlencoded::parse(body)
            .map(|(k, v)| (k.into_owned(), serde_json::Value::String(v.into_owned())))
            .collect();
        SlashCommand::from_value(serde_json::Value::Object(map))
    }

    /// From the JSON object a Socket Mode `slash_commands` envelope carries.
    pub fn from_json(json: &str) -> Result<SlashCommand, PayloadError> {
        serde_json::from_str(json).map_err(|e| PayloadError::new("slash_command", e))
    }

    fn from_value(v: serde_json::Value) -> Result<SlashCommand, PayloadError> {
        serde_json::from_value(v).map_err(|e| PayloadError::new("slash_command", e))
    }
}
