//! Replies through a `response_url`: the URL that comes with a slash command, a message
//! action or a block action, good for up to five replies within 30 minutes, with no token.

use serde::Serialize;
use serde_json::Value;

use crate::client::WebClient;
use crate::transport::HttpRequest;
use crate::{Error, Result};

/// Who sees a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseType {
    /// Only the user who acted (the default).
    Ephemeral,
    /// Everyone in the channel.
    InChannel,
}

/// A reply to a `response_url`.
///
/// ```
/// use slack_core::response_url::ResponseMessage;
///
/// let reply = ResponseMessage::text("Deployed :rocket:").in_channel();
/// let json = serde_json::to_value(&reply).unwrap();
/// assert_eq!(json, serde_json::json!({"text": "Deployed :rocket:", "response_type": "in_channel"}));
/// assert_eq!(serde_json::to_value(ResponseMessage::delete_original()).unwrap(),
///            serde_json::json!({"delete_original": true}));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ResponseMessage {
    /// The text (the notification fallback when there are blocks).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Block Kit blocks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocks: Option<Value>,
    /// Who sees it (Slack's default: ephemeral).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_type: Option<ResponseType>,
    /// Replace the message the interaction came from.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub replace_original: bool,
    /// Delete the message the interaction came from.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub delete_original: bool,
    /// Reply in this thread.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thread_ts: Option<String>,
}

impl ResponseMessage {
    /// A text reply (ephemeral unless [`in_channel`](Self::in_channel)).
    pub fn text(text: impl Into<String>) -> Self {
        ResponseMessage {
            text: Some(text.into()),
            ..Default::default()
        }
    }

    /// Delete the original message.
    pub fn delete_original() -> Self {
        ResponseMessage {
            delete_original: true,
            ..Default::default()
        }
    }

    /// Blocks (keep a `text` for notifications).
    pub fn blocks(mut self, blocks: impl Serialize) -> Self {
        self.blocks = serde_json::to_value(blocks).ok();
        self
    }

    /// Visible to everyone in the channel.
    pub fn in_channel(mut self) -> Self {
        self.response_type = Some(ResponseType::InChannel);
        self
    }

    /// Replace the original message.
    pub fn replace_original(mut self) -> Self {
        self.replace_original = true;
        self
    }

    /// Reply in a thread.
    pub fn thread_ts(mut self, ts: impl Into<String>) -> Self {
        self.thread_ts = Some(ts.into());
        self
    }
}

impl WebClient {
    /// POST `message` to a `response_url`. A write: re-sent only when the attempt provably
    /// did not reach Slack, so a reply is never posted twice. The URL is a credential and
    /// appears in no error or log.
    ///
    /// ```no_run
    /// # async fn run(client: slack_core::WebClient, cmd: slack_core::events::SlashCommand) -> slack_core::Result<()> {
    /// use slack_core::response_url::ResponseMessage;
    /// client.respond(&cmd.response_url, &ResponseMessage::text("On it!")).await?;
    /// # Ok(()) }
    /// ```
    pub async fn respond(&self, response_url: &str, message: &ResponseMessage) -> Result<()> {
        if !(response_url.starts_with("https://") || response_url.starts_with("http://")) {
            return Err(Error::validation("response_url", "not an http(s) URL"));
        }
        let body =
            serde_json::to_vec(message).map_err(|e| Error::validation("message", e.to_string()))?;
        let mut request = HttpRequest::new(http::Method::POST, response_url);
        request.headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json; charset=utf-8"),
        );
        request.body = crate::transport::Body::Full(body.into());
        self.execute_plain_write("response_url", request)
            .await
            .map(drop)
    }
}
