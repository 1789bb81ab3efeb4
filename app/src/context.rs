//! What a handler gets next to its payload: the Web API client, the ack, and replies.

use std::fmt;
use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde_json::value::RawValue;
use slack_core::api::chat;
use slack_core::response_url::ResponseMessage;
use slack_core::responses::chat::PostMessageResponse;
use slack_core::{Response, WebClient};

/// A boxed, sendable future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Why an acknowledgement was not sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AckError {
    /// Already acknowledged (by this handler, or by the receiver at the deadline).
    #[error("already acknowledged")]
    AlreadyAcked,
    /// The delivery's connection or request is gone; Slack delivers it again.
    #[error("the delivery is gone (connection closed or request answered)")]
    Gone,
    /// The payload is not JSON.
    #[error("the response payload is not JSON: {0}")]
    Payload(String),
}

/// How a receiver acknowledges one delivery: the Socket Mode connection, or the HTTP
/// response. Implemented by the receivers; a test can implement it to capture acks.
pub trait AckSink: Send + Sync + fmt::Debug {
    /// Acknowledge, with a response payload where the delivery accepts one.
    fn ack(&self, payload: Option<Box<RawValue>>) -> BoxFuture<'_, Result<(), AckError>>;
    /// Acknowledge on the handler's behalf `after` this long from now (`None`: never).
    fn set_deadline(&self, after: Option<Duration>);
}

/// Where `say` posts.
#[derive(Debug, Clone, Default)]
pub(crate) struct Origin {
    pub(crate) channel: Option<String>,
    pub(crate) thread_ts: Option<String>,
    pub(crate) response_url: Option<String>,
}

/// What every handler gets: the client, the raw payload, the ack and replies.
#[derive(Clone)]
pub struct Context {
    pub(crate) web: WebClient,
    pub(crate) raw: Arc<str>,
    pub(crate) ack: Arc<dyn AckSink>,
    pub(crate) origin: Origin,
    pub(crate) retry_attempt: u32,
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("channel", &self.origin.channel)
            .field("thread_ts", &self.origin.thread_ts)
            .field("retry_attempt", &self.retry_attempt)
            .finish_non_exhaustive()
    }
}

impl Context {
    /// The Web API client.
    pub fn client(&self) -> &WebClient {
        &self.web
    }

    /// The payload's JSON, as received.
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// 0 for a first delivery; how many times Slack delivered it before, otherwise.
    pub fn retry_attempt(&self) -> u32 {
        self.retry_attempt
    }

    /// Acknowledge now (handlers that return are acknowledged anyway).
    pub async fn ack(&self) -> Result<(), AckError> {
        self.ack.ack(None).await
    }

    /// Acknowledge with a response payload: a slash command's reply, a view submission's
    /// `response_action`, a menu's `options`.
    pub async fn ack_with(&self, payload: &impl Serialize) -> Result<(), AckError> {
        let raw = serde_json::value::to_raw_value(payload)
            .map_err(|e| AckError::Payload(e.to_string()))?;
        self.ack.ack(Some(raw)).await
    }

    /// Post `text` where the delivery came from (the event's channel, the command's
    /// channel, the action's channel).
    pub async fn say(&self, text: &str) -> slack_core::Result<Response<PostMessageResponse>> {
        let channel = self.channel()?;
        self.web
            .call(chat::PostMessage::new(channel).text(text))
            .await
    }

    /// Post `text` in the thread of the delivery's message (a mention's thread, or a new
    /// thread under it).
    pub async fn say_in_thread(
        &self,
        text: &str,
    ) -> slack_core::Result<Response<PostMessageResponse>> {
        let channel = self.channel()?;
        let mut req = chat::PostMessage::new(channel).text(text);
        if let Some(ts) = &self.origin.thread_ts {
            req = req.thread_ts(ts);
        }
        self.web.call(req).await
    }

    /// Reply through the delivery's `response_url` (slash commands, message actions, block
    /// actions in messages).
    pub async fn respond(&self, message: &ResponseMessage) -> slack_core::Result<()> {
        let Some(url) = &self.origin.response_url else {
            return Err(slack_core::Error::validation(
                "response_url",
                "this delivery has no response_url",
            ));
        };
        self.web.respond(url, message).await
    }

    fn channel(&self) -> slack_core::Result<&str> {
        self.origin.channel.as_deref().ok_or_else(|| {
            slack_core::Error::validation("channel", "this delivery names no channel to say in")
        })
    }
}

/// A handler's input: the typed payload, and the [`Context`] (through `Deref`, so
/// `req.say(…)` and `req.ack()` work directly).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Req<T> {
    /// The typed payload.
    pub payload: T,
    /// The client, the ack, replies.
    pub cx: Context,
}

impl<T> Deref for Req<T> {
    type Target = Context;

    fn deref(&self) -> &Context {
        &self.cx
    }
}
