//! Listeners: what a delivery must look like to reach a handler, and how it is acknowledged.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use regex::Regex;
use slack_core::events::{
    AppMention, BlockActions, BlockSuggestion, Event, EventCallback, Interaction, MessageAction,
    Shortcut, SlashCommand, ViewClosed, ViewSubmission,
};
use slack_core::rtm::MessageEvent;

use crate::context::{BoxFuture, Context, Req};

/// What a handler may fail with; reported to [`App::on_error`](crate::App::on_error), the
/// delivery is acknowledged all the same.
pub type HandlerError = Box<dyn std::error::Error + Send + Sync>;

/// What a handler returns.
pub type HandlerResult = Result<(), HandlerError>;

/// A decoded delivery.
#[derive(Debug, Clone)]
pub(crate) enum Payload {
    Event(Arc<EventCallback>),
    Command(Arc<SlashCommand>),
    Interaction(Arc<Interaction>),
}

pub(crate) type Erased =
    Arc<dyn Fn(Payload, Context) -> BoxFuture<'static, HandlerResult> + Send + Sync>;

/// When a delivery is acknowledged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum AckMode {
    /// When the handler returns (or acks itself), or at the receiver's deadline if it has
    /// not by then (default 2.5 s); the handler keeps running after the deadline.
    #[default]
    AfterHandler,
    /// As [`AfterHandler`](Self::AfterHandler), with this deadline.
    Deadline(Duration),
    /// Before the handler runs: for long jobs that answer later (through `say` or
    /// `respond`). A response payload cannot be given then.
    Immediately,
    /// Only when the handler acks or returns, however long it takes (Slack delivers again
    /// after 3 s; the re-delivery is recognised).
    NoDeadline,
}

#[derive(Debug, Clone)]
pub(crate) enum Matcher {
    Event(String),
    Message(Option<Regex>),
    Command(String),
    Action(String),
    Options(String),
    ViewSubmission(String),
    ViewClosed(String),
    Shortcut(String),
    MessageShortcut(String),
}

impl Matcher {
    pub(crate) fn matches(&self, payload: &Payload) -> bool {
        match (self, payload) {
            (Matcher::Event(kind), Payload::Event(cb)) => cb.event.kind() == kind,
            (Matcher::Message(re), Payload::Event(cb)) => match &cb.event {
                Event::Message(m) => match re {
                    None => true,
                    Some(re) => re.is_match(m.text.as_deref().unwrap_or("")),
                },
                _ => false,
            },
            (Matcher::Command(name), Payload::Command(c)) => c.command == *name,
            (Matcher::Action(id), Payload::Interaction(i)) => match &**i {
                Interaction::BlockActions(a) => a.actions.iter().any(|x| x.action_id == *id),
                _ => false,
            },
            (Matcher::Options(id), Payload::Interaction(i)) => {
                matches!(&**i, Interaction::BlockSuggestion(s) if s.action_id == *id)
            }
            (Matcher::ViewSubmission(id), Payload::Interaction(i)) => {
                matches!(&**i, Interaction::ViewSubmission(v) if v.view.callback_id.as_deref() == Some(id.as_str()))
            }
            (Matcher::ViewClosed(id), Payload::Interaction(i)) => {
                matches!(&**i, Interaction::ViewClosed(v) if v.view.callback_id.as_deref() == Some(id.as_str()))
            }
            (Matcher::Shortcut(id), Payload::Interaction(i)) => {
                matches!(&**i, Interaction::Shortcut(s) if s.callback_id == *id)
            }
            (Matcher::MessageShortcut(id), Payload::Interaction(i)) => {
                matches!(&**i, Interaction::MessageAction(s) if s.callback_id == *id)
            }
            _ => false,
        }
    }
}

/// One listener: a matcher, a handler, an [`AckMode`].
#[derive(Clone)]
pub struct Listener {
    pub(crate) matcher: Matcher,
    pub(crate) handler: Erased,
    pub(crate) ack: AckMode,
}

impl std::fmt::Debug for Listener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Listener")
            .field("matcher", &self.matcher)
            .field("ack", &self.ack)
            .finish_non_exhaustive()
    }
}

fn erase<T, F, Fut>(
    extract: impl Fn(&Payload) -> Option<T> + Send + Sync + 'static,
    handler: F,
) -> Erased
where
    T: Send + 'static,
    F: Fn(Req<T>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = HandlerResult> + Send + 'static,
{
    Arc::new(
        move |payload: Payload, cx: Context| -> BoxFuture<'static, HandlerResult> {
            match extract(&payload) {
                Some(payload) => Box::pin(handler(Req { payload, cx })),
                // The matcher and the extractor agree; this arm is never taken.
                None => Box::pin(async { Ok(()) }),
            }
        },
    )
}

fn interaction<T>(p: &Payload, pick: impl Fn(&Interaction) -> Option<&T>) -> Option<T>
where
    T: Clone,
{
    match p {
        Payload::Interaction(i) => pick(i).cloned(),
        _ => None,
    }
}

impl Listener {
    fn new(matcher: Matcher, handler: Erased) -> Self {
        Listener {
            matcher,
            handler,
            ack: AckMode::default(),
        }
    }

    /// Acknowledge this listener's deliveries so.
    pub fn ack_mode(mut self, mode: AckMode) -> Self {
        self.ack = mode;
        self
    }

    /// Events API events of type `kind` (`reaction_added`, `team_join`, …).
    pub fn event<F, Fut>(kind: &str, handler: F) -> Self
    where
        F: Fn(Req<Arc<EventCallback>>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        let h = erase(
            |p| match p {
                Payload::Event(cb) => Some(cb.clone()),
                _ => None,
            },
            handler,
        );
        Listener::new(Matcher::Event(kind.to_owned()), h)
    }

    /// `app_mention` events.
    pub fn app_mention<F, Fut>(handler: F) -> Self
    where
        F: Fn(Req<AppMention>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        let h = erase(
            |p| match p {
                Payload::Event(cb) => match &cb.event {
                    Event::AppMention(m) => Some(m.clone()),
                    _ => None,
                },
                _ => None,
            },
            handler,
        );
        Listener::new(Matcher::Event("app_mention".into()), h)
    }

    /// `message` events whose text matches `pattern` (every message when `None`).
    pub fn message<F, Fut>(pattern: Option<Regex>, handler: F) -> Self
    where
        F: Fn(Req<Arc<MessageEvent>>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        let h = erase(
            |p| match p {
                Payload::Event(cb) => match &cb.event {
                    Event::Message(m) => Some(m.clone()),
                    _ => None,
                },
                _ => None,
            },
            handler,
        );
        Listener::new(Matcher::Message(pattern), h)
    }

    /// The slash command `name` (with its slash: `/deploy`).
    pub fn command<F, Fut>(name: &str, handler: F) -> Self
    where
        F: Fn(Req<Arc<SlashCommand>>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        let h = erase(
            |p| match p {
                Payload::Command(c) => Some(c.clone()),
                _ => None,
            },
            handler,
        );
        Listener::new(Matcher::Command(name.to_owned()), h)
    }

    /// `block_actions` with an action whose `action_id` is `action_id`.
    pub fn action<F, Fut>(action_id: &str, handler: F) -> Self
    where
        F: Fn(Req<BlockActions>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        let h = erase(
            |p| {
                interaction(p, |i| match i {
                    Interaction::BlockActions(a) => Some(a),
                    _ => None,
                })
            },
            handler,
        );
        Listener::new(Matcher::Action(action_id.to_owned()), h)
    }

    /// `block_suggestion` for the external select `action_id`: answer with
    /// `ack_with(&json!({"options": […]}))`.
    pub fn options<F, Fut>(action_id: &str, handler: F) -> Self
    where
        F: Fn(Req<BlockSuggestion>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        let h = erase(
            |p| {
                interaction(p, |i| match i {
                    Interaction::BlockSuggestion(s) => Some(s),
                    _ => None,
                })
            },
            handler,
        );
        Listener::new(Matcher::Options(action_id.to_owned()), h)
    }

    /// `view_submission` of views with `callback_id`.
    pub fn view_submission<F, Fut>(callback_id: &str, handler: F) -> Self
    where
        F: Fn(Req<ViewSubmission>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        let h = erase(
            |p| {
                interaction(p, |i| match i {
                    Interaction::ViewSubmission(v) => Some(v),
                    _ => None,
                })
            },
            handler,
        );
        Listener::new(Matcher::ViewSubmission(callback_id.to_owned()), h)
    }

    /// `view_closed` of views with `callback_id`.
    pub fn view_closed<F, Fut>(callback_id: &str, handler: F) -> Self
    where
        F: Fn(Req<ViewClosed>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        let h = erase(
            |p| {
                interaction(p, |i| match i {
                    Interaction::ViewClosed(v) => Some(v),
                    _ => None,
                })
            },
            handler,
        );
        Listener::new(Matcher::ViewClosed(callback_id.to_owned()), h)
    }

    /// The global shortcut `callback_id`.
    pub fn shortcut<F, Fut>(callback_id: &str, handler: F) -> Self
    where
        F: Fn(Req<Shortcut>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        let h = erase(
            |p| {
                interaction(p, |i| match i {
                    Interaction::Shortcut(s) => Some(s),
                    _ => None,
                })
            },
            handler,
        );
        Listener::new(Matcher::Shortcut(callback_id.to_owned()), h)
    }

    /// The message shortcut `callback_id`.
    pub fn message_shortcut<F, Fut>(callback_id: &str, handler: F) -> Self
    where
        F: Fn(Req<MessageAction>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        let h = erase(
            |p| {
                interaction(p, |i| match i {
                    Interaction::MessageAction(s) => Some(s),
                    _ => None,
                })
            },
            handler,
        );
        Listener::new(Matcher::MessageShortcut(callback_id.to_owned()), h)
    }
}
