//! [`App`]: listeners, and the dispatch of one delivery to the first that matches.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use regex::Regex;
use slack_core::events::{
    decode_events_api, decode_interaction, AppMention, BlockActions, BlockSuggestion, Event,
    EventCallback, EventsApiPayload, Interaction, MessageAction, PayloadError, Shortcut,
    SlashCommand, ViewClosed, ViewSubmission,
};
use slack_core::rtm::MessageEvent;
use slack_core::WebClient;

use crate::context::{AckError, AckSink, Context, Origin, Req};
use crate::listener::{AckMode, HandlerError, HandlerResult, Listener, Payload};

/// What kind of delivery arrived (both receivers say the same).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IncomingKind {
    /// An Events API body.
    EventsApi,
    /// A slash command (as a JSON object: the HTTP receiver turns the form into one).
    SlashCommand,
    /// An interaction payload.
    Interactive,
    /// Something else (acknowledged, reported).
    Other(String),
}

/// One delivery, as a receiver hands it to [`App::dispatch`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Incoming {
    /// What it is.
    pub kind: IncomingKind,
    /// The payload's JSON.
    pub body: Arc<str>,
    /// How many times Slack delivered it before.
    pub retry_attempt: u32,
}

impl Incoming {
    /// A delivery.
    pub fn new(kind: IncomingKind, body: impl Into<Arc<str>>, retry_attempt: u32) -> Self {
        Incoming {
            kind,
            body: body.into(),
            retry_attempt,
        }
    }
}

/// What went wrong with one delivery, reported to [`App::on_error`] (and logged).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AppError {
    /// The payload did not decode; the `unhandled` handler got it raw.
    #[error("undecodable payload: {0}")]
    Payload(#[from] PayloadError),
    /// A handler returned an error.
    #[error("handler failed: {0}")]
    Handler(HandlerError),
    /// The acknowledgement could not be sent.
    #[error("ack failed: {0}")]
    Ack(AckError),
}

type ErrorHook = Arc<dyn Fn(&AppError) + Send + Sync>;
type Unhandled = Arc<
    dyn Fn(Incoming, Context) -> crate::context::BoxFuture<'static, HandlerResult> + Send + Sync,
>;

/// A listener router, the same for Socket Mode and HTTP: register handlers by what they
/// answer, then run the app over either receiver — switching is one line.
///
/// ```no_run
/// use slack_app::App;
///
/// # async fn run(web: slack_core::WebClient) -> Result<(), Box<dyn std::error::Error>> {
/// let app = App::new(web)
///     .app_mention(|req| async move {
///         req.say_in_thread(&format!("Hi <@{}>!", req.payload.user.as_deref().unwrap_or("there"))).await?;
///         Ok(())
///     })
///     .command("/deploy", |req| async move {
///         req.ack_with(&serde_json::json!({"text": format!("Deploying {}…", req.payload.text)})).await?;
///         Ok(())
///     });
/// app.socket_mode(std::env::var("SLACK_APP_TOKEN")?, Default::default()).run().await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct App {
    pub(crate) web: WebClient,
    listeners: Arc<Vec<Listener>>,
    unhandled: Option<Unhandled>,
    on_error: Option<ErrorHook>,
    pub(crate) authorize: Option<crate::authorize::Authorize>,
}

impl fmt::Debug for App {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("App")
            .field("listeners", &self.listeners)
            .finish_non_exhaustive()
    }
}

macro_rules! shorthand {
    ($(#[$doc:meta])* $name:ident($key:ident) -> $t:ty) => {
        $(#[$doc])*
        pub fn $name<F, Fut>(self, $key: &str, handler: F) -> Self
        where
            F: Fn(Req<$t>) -> Fut + Send + Sync + 'static,
            Fut: Future<Output = HandlerResult> + Send + 'static,
        {
            self.listen(Listener::$name($key, handler))
        }
    };
}

impl App {
    /// An app whose handlers call Slack through `web`.
    pub fn new(web: impl Into<WebClient>) -> Self {
        App {
            web: web.into(),
            listeners: Arc::new(Vec::new()),
            unhandled: None,
            on_error: None,
            authorize: None,
        }
    }

    /// The Web API client handlers get.
    pub fn client(&self) -> &WebClient {
        &self.web
    }

    /// Add a listener (see [`Listener`] for one with its own [`AckMode`]). The first
    /// listener that matches a delivery handles it.
    pub fn listen(mut self, listener: Listener) -> Self {
        Arc::make_mut(&mut self.listeners).push(listener);
        self
    }

    shorthand!(
        /// Events API events of type `kind`.
        event(kind) -> Arc<EventCallback>
    );
    shorthand!(
        /// The slash command `name` (with its slash).
        command(name) -> Arc<SlashCommand>
    );
    shorthand!(
        /// `block_actions` with an action `action_id`.
        action(action_id) -> BlockActions
    );
    shorthand!(
        /// Options for the external select `action_id`.
        options(action_id) -> BlockSuggestion
    );
    shorthand!(
        /// Submissions of views with `callback_id`.
        view_submission(callback_id) -> ViewSubmission
    );
    shorthand!(
        /// Closings of views with `callback_id`.
        view_closed(callback_id) -> ViewClosed
    );
    shorthand!(
        /// The global shortcut `callback_id`.
        shortcut(callback_id) -> Shortcut
    );
    shorthand!(
        /// The message shortcut `callback_id`.
        message_shortcut(callback_id) -> MessageAction
    );

    /// `app_mention` events.
    pub fn app_mention<F, Fut>(self, handler: F) -> Self
    where
        F: Fn(Req<AppMention>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        self.listen(Listener::app_mention(handler))
    }

    /// Messages whose text matches `pattern` (`None`: every message, the bot's own
    /// included — check `bot_id`).
    pub fn message<F, Fut>(self, pattern: Option<Regex>, handler: F) -> Self
    where
        F: Fn(Req<Arc<MessageEvent>>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        self.listen(Listener::message(pattern, handler))
    }

    /// What no listener matched, or what did not decode, raw (default: acknowledged and
    /// logged).
    pub fn unhandled<F, Fut>(mut self, handler: F) -> Self
    where
        F: Fn(Incoming, Context) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        self.unhandled = Some(Arc::new(move |i, cx| Box::pin(handler(i, cx))));
        self
    }

    /// Called for each [`AppError`].
    pub fn on_error(mut self, hook: impl Fn(&AppError) + Send + Sync + 'static) -> Self {
        self.on_error = Some(Arc::new(hook));
        self
    }

    fn report(&self, error: &AppError) {
        tracing::warn!(%error, "slack app");
        if let Some(hook) = &self.on_error {
            hook(error);
        }
    }

    /// Handle one delivery: decode it, run the first matching listener, and acknowledge it
    /// through `ack` (exactly once: by the handler, at the listener's deadline, or when the
    /// handler returns). Receivers call this; tests can too.
    pub async fn dispatch(&self, incoming: Incoming, ack: Arc<dyn AckSink>) {
        let web = match self.client_for(&incoming).await {
            Ok(web) => web,
            Err(e) => {
                self.report(&AppError::Handler(e));
                return self.ack_quietly(&*ack).await;
            }
        };
        let decoded = decode(&incoming);
        let cx = Context {
            web,
            raw: incoming.body.clone(),
            ack: ack.clone(),
            origin: decoded.as_ref().map(origin).unwrap_or_default(),
            retry_attempt: incoming.retry_attempt,
        };
        let payload = match decoded {
            Ok(Some(p)) => p,
            Ok(None) => return self.run_unhandled(incoming, cx).await,
            Err(e) => {
                self.report(&AppError::Payload(e));
                return self.run_unhandled(incoming, cx).await;
            }
        };
        let Some(listener) = self.listeners.iter().find(|l| l.matcher.matches(&payload)) else {
            return self.run_unhandled(incoming, cx).await;
        };
        match listener.ack {
            AckMode::AfterHandler => {}
            AckMode::Deadline(d) => ack.set_deadline(Some(d)),
            AckMode::NoDeadline => ack.set_deadline(None),
            AckMode::Immediately => self.ack_quietly(&*ack).await,
        }
        let result = (listener.handler)(payload, cx).await;
        if let Err(e) = result {
            self.report(&AppError::Handler(e));
        }
        self.ack_quietly(&*ack).await;
    }

    async fn run_unhandled(&self, incoming: Incoming, cx: Context) {
        let ack = cx.ack.clone();
        match &self.unhandled {
            Some(h) => {
                if let Err(e) = h(incoming, cx).await {
                    self.report(&AppError::Handler(e));
                }
            }
            None => tracing::debug!(kind = ?incoming.kind, "no listener for this delivery"),
        }
        self.ack_quietly(&*ack).await;
    }

    /// Acknowledge unless already done.
    async fn ack_quietly(&self, ack: &dyn AckSink) {
        match ack.ack(None).await {
            Ok(()) | Err(AckError::AlreadyAcked) => {}
            Err(e) => self.report(&AppError::Ack(e)),
        }
    }
}

fn decode(incoming: &Incoming) -> Result<Option<Payload>, PayloadError> {
    Ok(Some(match &incoming.kind {
        IncomingKind::EventsApi => match decode_events_api(&incoming.body)? {
            EventsApiPayload::Callback(cb) => Payload::Event(Arc::from(cb)),
            _ => return Ok(None),
        },
        IncomingKind::SlashCommand => {
            Payload::Command(Arc::new(SlashCommand::from_json(&incoming.body)?))
        }
        IncomingKind::Interactive => {
            Payload::Interaction(Arc::new(decode_interaction(&incoming.body)?))
        }
        IncomingKind::Other(_) => return Ok(None),
    }))
}

/// Where `say` and `respond` go for a delivery.
fn origin(payload: &Option<Payload>) -> Origin {
    let mut o = Origin::default();
    match payload {
        Some(Payload::Event(cb)) => match &cb.event {
            Event::AppMention(m) => {
                o.channel = Some(m.channel.clone());
                o.thread_ts = Some(m.thread().to_owned());
            }
            Event::Message(m) => {
                o.channel = Some(m.channel.clone());
                o.thread_ts = Some(m.thread_ts.clone().unwrap_or_else(|| m.ts.clone()));
            }
            Event::MemberJoinedChannel(m) | Event::MemberLeftChannel(m) => {
                o.channel = Some(m.channel.clone());
            }
            Event::AppHomeOpened(h) => o.channel = h.channel.clone(),
            _ => {}
        },
        Some(Payload::Command(c)) => {
            o.channel = Some(c.channel_id.clone());
            o.response_url = Some(c.response_url.clone()).filter(|u| !u.is_empty());
        }
        Some(Payload::Interaction(i)) => match &**i {
            Interaction::BlockActions(a) => {
                o.channel = a.channel.as_ref().map(|c| c.id.clone());
                o.thread_ts = a
                    .message
                    .as_ref()
                    .and_then(|m| m.thread_ts.clone().or_else(|| m.ts.clone()));
                o.response_url = a.response_url.clone();
            }
            Interaction::MessageAction(a) => {
                o.channel = a.channel.as_ref().map(|c| c.id.clone());
                o.thread_ts = a.message.as_ref().and_then(|m| m.ts.clone());
                o.response_url = a.response_url.clone();
            }
            _ => {}
        },
        None => {}
    }
    o
}
