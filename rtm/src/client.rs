//! `RtmClient`: options, handler registration, and the handle used to send and stop.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_channel::{mpsc, oneshot};
use serde_json::{Map, Value};
use slack_core::rtm::{Ack, ConnectionConfig, MessageEvent, ReconnectConfig, RtmEvent, SendError};
use slack_core::transport::WsTransport;
use slack_core::WebClient;

use crate::handlers::{Context, Event, Registry};
use crate::RtmError;

/// How the websocket URL is obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ConnectMethod {
    /// `rtm.connect` (default): small payload.
    #[default]
    Connect,
    /// `rtm.start` (retired for new apps, still answered for old tokens).
    Start,
}

impl ConnectMethod {
    pub(crate) fn method(self) -> &'static str {
        match self {
            ConnectMethod::Connect => "rtm.connect",
            ConnectMethod::Start => "rtm.start",
        }
    }
}

/// Settings of an [`RtmClient`], with Python's `RTMClient` options and defaults.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RtmOptions {
    /// Reconnect after a close (default `true`).
    pub auto_reconnect: bool,
    /// `rtm.connect` (default) or `rtm.start`.
    pub connect_method: ConnectMethod,
    /// Time between pings (default 30 s). No pong for 4 intervals → reconnect.
    pub ping_interval: Duration,
    /// Wait for a sent message's ack (default 30 s).
    pub ack_timeout: Duration,
    /// Handlers running at once (default 10). Further events wait in order.
    pub max_concurrent_handlers: usize,
    /// Outgoing queue size (default 256); `send` waits when it is full.
    pub outgoing_queue: usize,
    /// Ignore `message` events from this bot itself (default `false`).
    pub skip_own_messages: bool,
    /// Extra headers for the websocket handshake.
    pub headers: http::HeaderMap,
    /// Longest wait between reconnect attempts (default 300 s).
    pub max_backoff: Duration,
    /// Seed for the reconnect jitter (default: random).
    pub seed: Option<u64>,
}

impl Default for RtmOptions {
    fn default() -> Self {
        RtmOptions {
            auto_reconnect: true,
            connect_method: ConnectMethod::Connect,
            ping_interval: Duration::from_secs(30),
            ack_timeout: Duration::from_secs(30),
            max_concurrent_handlers: 10,
            outgoing_queue: 256,
            skip_own_messages: false,
            headers: http::HeaderMap::new(),
            max_backoff: Duration::from_secs(300),
            seed: None,
        }
    }
}

impl RtmOptions {
    pub(crate) fn connection_config(&self) -> ConnectionConfig {
        ConnectionConfig::default()
            .ping_interval(self.ping_interval)
            .ack_timeout(self.ack_timeout)
    }

    pub(crate) fn reconnect_config(&self) -> ReconnectConfig {
        ReconnectConfig::default()
            .auto_reconnect(self.auto_reconnect)
            .max_backoff(self.max_backoff)
    }
}

pub(crate) enum Command {
    Send {
        payload: Map<String, Value>,
        reply: Option<oneshot::Sender<Result<Ack, SendError>>>,
        sent: Option<oneshot::Sender<Result<u64, SendError>>>,
    },
}

/// A cheap, cloneable handle to a running client: send, ping, stop.
#[derive(Debug, Clone)]
pub struct RtmHandle {
    pub(crate) commands: mpsc::Sender<Command>,
    pub(crate) stop: Arc<crate::driver::StopSignal>,
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
    pub async fn send_message(&self, channel: &str, text: &str) -> Result<Ack, SendError> {
        let mut payload = Map::new();
        payload.insert("type".into(), "message".into());
        payload.insert("channel".into(), channel.into());
        payload.insert("text".into(), text.into());
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

    /// Close the connection gracefully and end [`RtmClient::start`]. After this only `close`
    /// and `error` handlers run.
    pub fn stop(&self) {
        self.stop.trigger();
    }

    /// Whether [`stop`](RtmHandle::stop) was called.
    pub fn is_stopped(&self) -> bool {
        self.stop.is_triggered()
    }

    async fn push(&self, cmd: Command) -> Result<(), SendError> {
        use futures_util::SinkExt;
        if self.is_stopped() {
            return Err(SendError::NotOpen);
        }
        let mut tx = self.commands.clone();
        tx.send(cmd).await.map_err(|_| SendError::NotOpen)
    }
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
    pub(crate) commands: Mutex<Option<mpsc::Receiver<Command>>>,
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
        let (tx, rx) = mpsc::channel(options.outgoing_queue.max(1));
        RtmClient {
            web: web.into(),
            ws,
            options,
            registry: Arc::new(Mutex::new(Registry::default())),
            handle: RtmHandle {
                commands: tx,
                stop: Arc::new(crate::driver::StopSignal::default()),
            },
            commands: Mutex::new(Some(rx)),
        }
    }

    /// The handle to send, ping and stop (also given to every handler).
    pub fn handle(&self) -> RtmHandle {
        self.handle.clone()
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

    /// Register a typed handler for `message` events.
    pub fn on_message<F, Fut>(&self, handler: F) -> &Self
    where
        F: Fn(Context, MessageEvent) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let handler = Arc::new(handler);
        self.on("message", move |ctx, ev| {
            let handler = handler.clone();
            async move {
                if let Event::Rtm(ev) = ev {
                    if let RtmEvent::Message(m) = &*ev {
                        handler(ctx, (**m).clone()).await;
                    }
                }
            }
        })
    }

    /// Register a handler for the `error` event (handler panics, bad frames, failed
    /// reconnects, fatal errors).
    pub fn on_error<F, Fut>(&self, handler: F) -> &Self
    where
        F: Fn(Context, Arc<str>) -> Fut + Send + Sync + 'static,
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

    /// Connect and run until [`RtmHandle::stop`] or a fatal error (`invalid_auth`,
    /// `account_inactive`, …, or a close with auto-reconnect off).
    ///
    /// Can run once per client.
    pub async fn start(&self) -> Result<(), RtmError> {
        let commands = self
            .commands
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .ok_or(RtmError::AlreadyStarted)?;
        crate::driver::Driver::new(self, commands).run().await
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
