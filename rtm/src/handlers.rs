//! Per-client event handlers (never a global registry).

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

use slack_core::rtm::RtmEvent;
use slack_core::transport::BoxFuture;
use slack_core::{SlackResponse, WebClient};

use crate::client::RtmHandle;

/// What a handler receives.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Event {
    /// The connection opened; the `rtm.connect` (or `rtm.start`) answer.
    Open(Arc<SlackResponse>),
    /// An event from Slack.
    Rtm(Arc<RtmEvent>),
    /// The connection closed, with the close code and reason when the server sent one.
    Close {
        /// Close code.
        code: Option<u16>,
        /// Close reason.
        reason: String,
    },
    /// Something went wrong: a handler panicked, a frame was undecodable, a reconnect
    /// failed, or a fatal error ended the client.
    Error(Arc<str>),
}

impl Event {
    /// The name handlers are registered under: `open`, `close`, `error`, or the RTM event's
    /// `type` (`message`, `reaction_added`, …).
    pub fn name(&self) -> &str {
        match self {
            Event::Open(_) => "open",
            Event::Rtm(ev) => ev.kind(),
            Event::Close { .. } => "close",
            Event::Error(_) => "error",
        }
    }
}

/// What a handler is given: the client handle (to send, stop, …), the Web API client, and
/// the event.
#[derive(Debug, Clone)]
pub struct Context {
    /// Send messages, ping, stop.
    pub rtm: RtmHandle,
    /// The Web API client.
    pub web: WebClient,
}

pub(crate) type HandlerFn = Arc<dyn Fn(Context, Event) -> BoxFuture<'static, ()> + Send + Sync>;

/// Handlers by event name; `*` receives everything.
#[derive(Default)]
pub(crate) struct Registry {
    by_name: HashMap<String, Vec<HandlerFn>>,
}

impl Registry {
    pub(crate) fn add<F, Fut>(&mut self, name: &str, f: F)
    where
        F: Fn(Context, Event) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let h: HandlerFn = Arc::new(move |ctx, ev| Box::pin(f(ctx, ev)));
        self.by_name.entry(name.to_owned()).or_default().push(h);
    }

    /// The handlers for `name`, then the `*` handlers.
    pub(crate) fn matching(&self, name: &str) -> Vec<HandlerFn> {
        let named = self.by_name.get(name).into_iter().flatten();
        let any = self.by_name.get("*").into_iter().flatten();
        named.chain(any).cloned().collect()
    }
}
