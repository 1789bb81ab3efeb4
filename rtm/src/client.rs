//! `RtmClient`: handler registration, the event stream, and the handle used to send, wait,
//! reconnect and stop.

use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};

use futures_channel::{mpsc, oneshot};
use serde_json::{Map, Value};
use slack_core::rtm::{Ack, MessageEvent, RtmEvent, SendError};
use slack_core::transport::WsTransport;
use slack_core::WebClient;

use crate::handlers::{Context, Event, Registry};
use crate::state::{Flag, Status};
use crate::stream::{EventStream, Subscriber};
use crate::{ErrorEvent, RtmError, RtmOptions};

pub(crate) enum Command {
    Send {
        payload: Map<String, Value>,
        reply: Option<oneshot::Sender<Result<Ack, SendError>>>,
        sent: Option<oneshot::Sender<Result<u64, SendError>>>,
    },
}

/// What a client, its handles and its driver share.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    /// The current run's command queue (`None` when not running).
    pub(crate) commands: Mutex<Option<mpsc::Sender<Command>>>,
    pub(crate) stop: Flag,
    pub(crate) reconnect: Flag,
    pub(crate) status: Status,
    /// Streams waiting for (or following) a run.
    pub(crate) subscribers: Mutex<Vec<Arc<Subscriber>>>,
}

impl Shared {
    pub(crate) fn subscribers(&self) -> MutexGuard<'_, Vec<Arc<Subscriber>>> {
        self.subscribers.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn set_commands(&self, tx: Option<mpsc::Sender<Command>>) {
        *self.commands.lock().unwrap_or_else(|p| p.into_inner()) = tx;
    }
}

/// A cheap, cloneable handle to a client: send, ping, wait for the connection, reconnect,
/// stop. Every handler gets one ([`Context::rtm`]).
#[derive(Debug, Clone)]
pub struct RtmHandle {
    pub(crate) shared: Arc<Shared>,
}

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Command")
    }
}

impl RtmHandle {
    /// Send any payload; an `id` is added. Resolves with the id once the frame is queued on
    /// the connection (waits while the outgoing queue is full).
    pub async fn send(&self, payload: Value) -> Result<u64, SendError> {
        let Value::Object(payload) = payload else {
            return Err(SendError::Refused(Value::String(
                "the payload must be a JSON object".into(),
            )));
        };
        let (tx, rx) = oneshot::channel();
        self.push(Command::Send {
            payload,
            reply: None,
            sent: Some(tx),
        })
        .await?;
        rx.await.unwrap_or(Err(SendError::ConnectionClosed))
    }

    /// Send a message to `channel` and wait for the server's ack (`reply_to`). Fails — never
    /// drops silently — if the connection ends first or the ack does not come in time.
    ///
    /// ```no_run
    /// # async fn run(rtm: slack_rtm::RtmHandle) -> Result<(), slack_rtm::SendError> {
    /// let ack = rtm.send_message("C123", "hello").await?;
    /// println!("stored at {:?}", ack.ts);
    /// # Ok(()) }
    /// ```
    pub async fn send_message(&self, channel: &str, text: &str) -> Result<Ack, SendError> {
        self.send_acked(message(channel, text)).await
    }

    /// Reply in the thread of `thread_ts` in `channel` and wait for the ack, like
    /// [`send_message`](RtmHandle::send_message).
    ///
    /// ```no_run
    /// # async fn run(rtm: slack_rtm::RtmHandle, msg: std::sync::Arc<slack_rtm::MessageEvent>) -> Result<(), slack_rtm::SendError> {
    /// // Reply in the message's thread (its own ts starts one).
    /// let parent = msg.thread_ts.as_deref().unwrap_or(&msg.ts);
    /// rtm.send_reply(&msg.channel, parent, "got it").await?;
    /// # Ok(()) }
    /// ```
    pub async fn send_reply(
        &self,
        channel: &str,
        thread_ts: &str,
        text: &str,
    ) -> Result<Ack, SendError> {
        let mut payload = message(channel, text);
        payload.insert("thread_ts".into(), thread_ts.into());
        self.send_acked(payload).await
    }

    async fn send_acked(&self, payload: Map<String, Value>) -> Result<Ack, SendError> {
        let (tx, rx) = oneshot::channel();
        self.push(Command::Send {
            payload,
            reply: Some(tx),
            sent: None,
        })
        .await?;
        rx.await.unwrap_or(Err(SendError::ConnectionClosed))
    }

    /// Send a `ping` (pings are also sent every ping interval).
    pub async fn ping(&self) -> Result<u64, SendError> {
        self.send(serde_json::json!({"type": "ping"})).await
    }

    /// Send a `typing` indicator to `channel`.
    pub async fn typing(&self, channel: &str) -> Result<u64, SendError> {
        self.send(serde_json::json!({"type": "typing", "channel": channel}))
            .await
    }

    /// Close the connection gracefully and end the running [`RtmClient::start`] with `Ok`.
    /// After this only `close` and `error` handlers run. The client can be started again.
    /// No effect on a client that is not running.
    ///
    /// ```no_run
    /// # fn run(rtm: slack_rtm::RtmHandle) {
    /// rtm.stop();
    /// assert!(rtm.is_stopped());
    /// # }
    /// ```
    pub fn stop(&self) {
        if self.shared.status.is_running() {
            self.shared.stop.raise();
        }
    }

    /// Whether [`stop`](RtmHandle::stop) was called since the last start.
    pub fn is_stopped(&self) -> bool {
        self.shared.stop.is_raised()
    }

    /// Whether a connection is open: its `hello` arrived and it has not closed.
    ///
    /// ```no_run
    /// # fn run(rtm: slack_rtm::RtmHandle) {
    /// if !rtm.is_connected() {
    ///     println!("reconnecting…");
    /// }
    /// # }
    /// ```
    pub fn is_connected(&self) -> bool {
        self.shared.status.is_open()
    }

    /// Whether the client is running ([`RtmClient::start`] has not returned).
    pub fn is_running(&self) -> bool {
        self.shared.status.is_running()
    }

    /// Wait until a connection is open (its `hello` arrived); at once if one is.
    ///
    /// Waits through reconnects. Fails with the run's error when the run ends first:
    /// [`RtmError::Stopped`] after [`stop`](RtmHandle::stop), [`RtmError::Fatal`] for a
    /// refused token, [`RtmError::Closed`] when auto-reconnect is off. Called while the
    /// client is not running, it waits for the next start — unless the last run failed
    /// (fatal, closed), whose error it returns at once.
    ///
    /// ```no_run
    /// # async fn run(rtm: std::sync::Arc<slack_rtm::RtmClient>) -> Result<(), slack_rtm::RtmError> {
    /// let running = tokio::spawn({
    ///     let rtm = rtm.clone();
    ///     async move { rtm.start().await }
    /// });
    /// rtm.handle().wait_open().await?;
    /// rtm.handle().send_message("C123", "I'm here").await.ok();
    /// # Ok(()) }
    /// ```
    ///
    /// The run waited for is fixed when this is called, not when the future is first
    /// polled: a `stop` in between fails it.
    pub fn wait_open(&self) -> impl Future<Output = Result<(), RtmError>> + Send + '_ {
        self.shared.status.wait_open()
    }

    /// Close the current connection and open a fresh one with a new URL from
    /// `rtm.connect`, at once (a backoff wait in progress is cut short). Not counted as a
    /// failure. `close` then `open` events follow. No effect on a client that is not
    /// running.
    ///
    /// ```no_run
    /// # fn run(rtm: slack_rtm::RtmHandle) {
    /// rtm.reconnect();
    /// # }
    /// ```
    pub fn reconnect(&self) {
        if self.shared.status.is_running() {
            self.shared.reconnect.raise();
        }
    }

    async fn push(&self, cmd: Command) -> Result<(), SendError> {
        use futures_util::SinkExt;
        if self.is_stopped() {
            return Err(SendError::NotOpen);
        }
        let tx = self
            .shared
            .commands
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let Some(mut tx) = tx else {
            return Err(SendError::NotOpen);
        };
        tx.send(cmd).await.map_err(|_| SendError::NotOpen)
    }
}

fn message(channel: &str, text: &str) -> Map<String, Value> {
    let mut payload = Map::new();
    payload.insert("type".into(), "message".into());
    payload.insert("channel".into(), channel.into());
    payload.insert("text".into(), text.into());
    payload
}

/// The websocket side of a client built without one: every connect fails, saying so.
#[derive(Debug)]
struct NoWebsocket;

impl WsTransport for NoWebsocket {
    fn connect(
        &self,
        _url: &str,
        _headers: &http::HeaderMap,
    ) -> slack_core::transport::BoxFuture<
        '_,
        Result<slack_core::transport::WsConnection, slack_core::transport::TransportError>,
    > {
        Box::pin(async {
            Err(slack_core::transport::TransportError::new(
                slack_core::transport::TransportErrorKind::InvalidRequest,
                "the WebClient has no websocket transport: build it with \
                 WebClientBuilder::transport_with_ws or ::websocket, or use RtmClient::with_ws",
            ))
        })
    }
}

/// The RTM client: connects, dispatches events to handlers, reconnects without storms.
///
/// ```no_run
/// # async fn run(web: slack_core::WebClient) -> Result<(), slack_rtm::RtmError> {
/// use slack_rtm::RtmClient;
///
/// let rtm = RtmClient::new(web);
/// rtm.on_message(|ctx, msg| async move {
///     if msg.text.as_deref() == Some("ping") {
///         let _ = ctx.rtm.send_message(&msg.channel, "pong").await;
///     }
/// });
/// rtm.start().await?;
/// # Ok(()) }
/// ```
pub struct RtmClient {
    pub(crate) web: WebClient,
    pub(crate) ws: Arc<dyn WsTransport>,
    pub(crate) options: RtmOptions,
    pub(crate) registry: Arc<Mutex<Registry>>,
    pub(crate) handle: RtmHandle,
}

impl std::fmt::Debug for RtmClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RtmClient")
            .field("web", &self.web)
            .field("options", &self.options)
            .finish()
    }
}

impl RtmClient {
    /// A client with default options over `web`, using its websocket transport
    /// ([`WebClient::ws_transport`]; the hyper, async-std and mock transports have one).
    ///
    /// A client whose `web` has no websocket transport reports that as the connection
    /// error of every attempt; give one with [`with_ws`](Self::with_ws).
    pub fn new(web: impl Into<WebClient>) -> Self {
        Self::with_options(web, RtmOptions::default())
    }

    /// [`new`](Self::new) with `options`.
    pub fn with_options(web: impl Into<WebClient>, options: RtmOptions) -> Self {
        let web = web.into();
        let ws: Arc<dyn WsTransport> = match web.ws_transport() {
            Some(ws) => ws.clone(),
            None => Arc::new(NoWebsocket),
        };
        Self::with_ws(web, ws, options)
    }

    /// A client over `web` with a separate websocket transport.
    pub fn with_ws(
        web: impl Into<WebClient>,
        ws: Arc<dyn WsTransport>,
        options: RtmOptions,
    ) -> Self {
        RtmClient {
            web: web.into(),
            ws,
            options,
            registry: Arc::new(Mutex::new(Registry::default())),
            handle: RtmHandle {
                shared: Arc::default(),
            },
        }
    }

    /// The handle to send, ping, wait, reconnect and stop (also given to every handler).
    pub fn handle(&self) -> RtmHandle {
        self.handle.clone()
    }

    /// The options.
    pub fn options(&self) -> &RtmOptions {
        &self.options
    }

    /// The events of the next (or current) run as a `Stream`: an alternative to handlers,
    /// for `while let Some(ev) = events.next().await` loops. Every event `rtm.on("*", …)`
    /// would see, in order; the stream ends when the run ends (call again for the next run).
    ///
    /// Bounded to [`RtmOptions::event_buffer`] events: while a stream is that far behind,
    /// the client stops reading the websocket (nothing is dropped, memory stays bounded; see
    /// [backpressure](crate#backpressure-a-slow-consumer)). Drop the stream to unsubscribe.
    ///
    /// ```no_run
    /// # async fn run(rtm: std::sync::Arc<slack_rtm::RtmClient>) {
    /// use futures_util::StreamExt;
    /// use slack_rtm::{Event, RtmEvent};
    ///
    /// let mut events = rtm.events();
    /// tokio::spawn({
    ///     let rtm = rtm.clone();
    ///     async move { rtm.start().await }
    /// });
    /// while let Some(ev) = events.next().await {
    ///     if let Event::Rtm(frame) = &ev {
    ///         if let RtmEvent::Message(m) = &**frame {
    ///             println!("{}: {:?} ({} bytes of JSON)", m.channel, m.text, frame.raw().len());
    ///         }
    ///     }
    /// }
    /// # }
    /// ```
    pub fn events(&self) -> EventStream {
        let sub = Subscriber::new(self.options.buffer());
        self.handle.shared.subscribers().push(sub.clone());
        EventStream::new(sub)
    }

    /// Whether a connection is open ([`RtmHandle::is_connected`]).
    pub fn is_connected(&self) -> bool {
        self.handle.is_connected()
    }

    /// Wait until a connection is open ([`RtmHandle::wait_open`]).
    pub fn wait_open(&self) -> impl Future<Output = Result<(), RtmError>> + Send + '_ {
        self.handle.wait_open()
    }

    /// Open a fresh connection now ([`RtmHandle::reconnect`]).
    pub fn reconnect(&self) {
        self.handle.reconnect()
    }

    /// The Web API client.
    pub fn web(&self) -> &WebClient {
        &self.web
    }

    /// Register `handler` for events named `name`: `open`, `close`, `error`, an RTM event
    /// type (`message`, `reaction_added`, `user_typing`, `goodbye`, …), or `*` for all.
    /// Handlers of this client only; several clients never share handlers.
    pub fn on<F, Fut>(&self, name: &str, handler: F) -> &Self
    where
        F: Fn(Context, Event) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.registry
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .add(name, handler);
        self
    }

    /// Register a typed handler for `message` events. Every handler gets the same
    /// `Arc<MessageEvent>` (no copy per handler).
    pub fn on_message<F, Fut>(&self, handler: F) -> &Self
    where
        F: Fn(Context, Arc<MessageEvent>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let handler = Arc::new(handler);
        self.on("message", move |ctx, ev| {
            let handler = handler.clone();
            async move {
                if let Event::Rtm(frame) = ev {
                    if let RtmEvent::Message(m) = frame.event() {
                        handler(ctx, m.clone()).await;
                    }
                }
            }
        })
    }

    /// Register a handler for the `error` event: a typed [`ErrorEvent`] (handler panics,
    /// bad frames with their text, failed connects, failed connections, the run's end).
    pub fn on_error<F, Fut>(&self, handler: F) -> &Self
    where
        F: Fn(Context, Arc<ErrorEvent>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let handler = Arc::new(handler);
        self.on("error", move |ctx, ev| {
            let handler = handler.clone();
            async move {
                if let Event::Error(e) = ev {
                    handler(ctx, e).await;
                }
            }
        })
    }

    /// Connect and run until [`RtmHandle::stop`] (`Ok`) or a fatal error (`invalid_auth`,
    /// `account_inactive`, …, or a close with auto-reconnect off).
    ///
    /// One run at a time ([`RtmError::AlreadyStarted`] otherwise); once it has returned the
    /// client can be started again, with the same handlers and handles.
    pub async fn start(&self) -> Result<(), RtmError> {
        let shared = &self.handle.shared;
        let began = shared.status.begin_run(|| {
            shared.stop.take();
            shared.reconnect.take();
        });
        if !began {
            return Err(RtmError::AlreadyStarted);
        }
        let (tx, rx) = mpsc::channel(self.options.outgoing_queue.max(1));
        shared.set_commands(Some(tx));
        crate::driver::Driver::new(self, rx).run().await
    }

    /// [`start`](RtmClient::start), stopping gracefully when `shutdown` completes.
    pub async fn run_until(
        &self,
        shutdown: impl Future<Output = ()> + Send,
    ) -> Result<(), RtmError> {
        use futures_util::future::{select, Either};
        let handle = self.handle();
        let run = std::pin::pin!(self.start());
        let shutdown = std::pin::pin!(shutdown);
        match select(run, shutdown).await {
            Either::Left((res, _)) => res,
            Either::Right(((), run)) => {
                handle.stop();
                run.await
            }
        }
    }

    /// [`start`](RtmClient::start), stopping gracefully on SIGINT, SIGTERM or SIGHUP
    /// (Ctrl-C on Windows).
    #[cfg(feature = "tokio")]
    #[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
    pub async fn run_until_signal(&self) -> Result<(), RtmError> {
        self.run_until(crate::signal::shutdown_signal()).await
    }
}
