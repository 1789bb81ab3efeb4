//! Per-client event handlers (never a global registry) and the [`Event`] they receive.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

use slack_core::rtm::Frame;
use slack_core::transport::BoxFuture;
use slack_core::{SlackResponse, WebClient};

use crate::client::RtmHandle;
use crate::ErrorEvent;

/// What a handler (or an [`EventStream`](crate::EventStream)) receives. Cheap to clone.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Event {
    /// The connection opened; the `rtm.connect` (or `rtm.start`) answer.
    Open(Arc<SlackResponse>),
    /// An event from Slack: the typed event (the [`Frame`] derefs to
    /// [`RtmEvent`](slack_core::rtm::RtmEvent)) and its JSON text ([`Frame::raw`]).
    Rtm(Frame),
    /// The connection closed, with the close code and reason when the server sent one.
    Close {
        /// Close code.
        code: Option<u16>,
        /// Close reason.
        reason: String,
    },
    /// Something went wrong: a handler panicked, a frame was undecodable, a connect failed,
    /// the connection failed, or the run ended with an error.
    Error(Arc<ErrorEvent>),
}

impl Event {
    /// The name handlers are registered under: `open`, `close`, `error`, or the RTM event's
    /// `type` (`message`, `reaction_added`, …).
    ///
    /// ```
    /// let ev = slack_rtm::Event::Close { code: Some(1000), reason: String::new() };
    /// assert_eq!(ev.name(), "close");
    /// ```
    pub fn name(&self) -> &str {
        match self {
            Event::Open(_) => "open",
            Event::Rtm(ev) => ev.kind(),
            Event::Close { .. } => "close",
            Event::Error(_) => "error",
        }
    }

    /// The JSON text behind the event, when there is one: the frame of an RTM event (every
    /// type, not only unknown ones), the `rtm.connect` answer of `open`, the undecodable
    /// frame of a decode error. A reference into the received text: nothing is parsed or
    /// copied.
    ///
    /// ```
    /// use slack_rtm::{Event, Frame};
    /// let ev = Event::Rtm(Frame::decode(r#"{"type":"hello"}"#)?);
    /// assert_eq!(ev.raw(), Some(r#"{"type":"hello"}"#));
    /// # Ok::<(), slack_rtm::FrameError>(())
    /// ```
    pub fn raw(&self) -> Option<&str> {
        match self {
            Event::Rtm(frame) => Some(frame.raw()),
            Event::Open(resp) => std::str::from_utf8(resp.body()).ok(),
            Event::Error(e) => e.raw(),
            Event::Close { .. } => None,
        }
    }

    /// The RTM event's frame, for [`Event::Rtm`].
    ///
    /// ```
    /// use slack_rtm::{Event, Frame, RtmEvent};
    /// let ev = Event::Rtm(Frame::decode(r#"{"type":"goodbye"}"#)?);
    /// assert!(matches!(ev.frame().map(|f| f.event()), Some(RtmEvent::Goodbye)));
    /// # Ok::<(), slack_rtm::FrameError>(())
    /// ```
    pub fn frame(&self) -> Option<&Frame> {
        match self {
            Event::Rtm(frame) => Some(frame),
            _ => None,
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
