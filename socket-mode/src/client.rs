//! [`SocketModeClient`]: connections, the dispatcher of handlers, and the run.

use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_channel::mpsc;
use futures_util::future::{self, Either, FutureExt};
use futures_util::stream::{FuturesUnordered, StreamExt};
use slack_core::{Token, WebClient};

use crate::signal::Signal;
use crate::slot::Slot;
use crate::{ErrorEvent, Request, SocketModeError, SocketModeOptions};

/// State shared by a client, its handles and a run.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    pub(crate) running: AtomicBool,
    pub(crate) stop: Signal,
    /// Raised when the handlers are done after a stop: connections may close.
    pub(crate) handlers_done: Signal,
    /// Connections that said `hello` and were not asked to go.
    pub(crate) ready: AtomicUsize,
    /// Why the run must end, when a connection found a fatal error.
    pub(crate) fatal: Mutex<Option<SocketModeError>>,
}

impl Shared {
    pub(crate) fn fail(&self, error: SocketModeError) {
        if let Ok(mut f) = self.fatal.lock() {
            f.get_or_insert(error);
        }
        self.stop.raise();
    }
}

/// Receives events, slash commands and interactions over Socket Mode, the way every Slack
/// app created since 2024 listens without a public URL.
///
/// It opens `apps.connections.open` with the app-level token (`xapp-…`), keeps
/// [`connections`](SocketModeOptions::connections) websockets open, and hands each envelope
/// to your handler with an [`Acker`](crate::Acker). Every envelope is acknowledged exactly
/// once: by the handler, or by the client at the ack deadline if the handler has not
/// (the handler keeps running). On a `disconnect` the fresh connection opens before the old
/// one closes, so nothing is dropped in the switch.
///
/// Runtime-agnostic: it uses the [`WebClient`]'s transports and timer and spawns nothing.
///
/// ```no_run
/// use slack_socket_mode::{Request, SocketModeClient};
///
/// # async fn run(web: slack_core::WebClient) -> Result<(), Box<dyn std::error::Error>> {
/// let client = SocketModeClient::new(std::env::var("SLACK_APP_TOKEN")?, web);
/// client
///     .run(|req: Request| async move {
///         println!("{} envelope", req.envelope.kind.as_str());
///         let _ = req.ack().await;
///     })
///     .await?;
/// # Ok(()) }
/// ```
pub struct SocketModeClient {
    app_token: Token,
    web: WebClient,
    options: SocketModeOptions,
    shared: Arc<Shared>,
}

impl fmt::Debug for SocketModeClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SocketModeClient")
            .field("app_token", &self.app_token)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// Stops a running [`SocketModeClient`] and reads its state; cheap to clone.
#[derive(Debug, Clone)]
pub struct SocketModeHandle {
    shared: Arc<Shared>,
}

impl SocketModeHandle {
    /// Stop: read nothing more, let running handlers finish (up to
    /// [`shutdown_timeout`](SocketModeOptions::shutdown_timeout)), close the connections.
    pub fn stop(&self) {
        if self.shared.running.load(Ordering::SeqCst) {
            self.shared.stop.raise();
        }
    }

    /// Whether a run is going on.
    pub fn is_running(&self) -> bool {
        self.shared.running.load(Ordering::SeqCst)
    }

    /// Connections ready now (said `hello`, not asked to disconnect).
    pub fn connections_ready(&self) -> usize {
        self.shared.ready.load(Ordering::SeqCst)
    }
}

impl SocketModeClient {
    /// A client for the app-level token, calling `apps.connections.open` and opening
    /// websockets through `web` (its own token stays for your handlers' Web API calls).
    pub fn new(app_token: impl Into<Token>, web: impl Into<WebClient>) -> Self {
        SocketModeClient::with_options(app_token, web, SocketModeOptions::default())
    }

    /// A client with `options`.
    pub fn with_options(
        app_token: impl Into<Token>,
        web: impl Into<WebClient>,
        options: SocketModeOptions,
    ) -> Self {
        SocketModeClient {
            app_token: app_token.into(),
            web: web.into(),
            options,
            shared: Arc::new(Shared::default()),
        }
    }

    /// The Web API client.
    pub fn web(&self) -> &WebClient {
        &self.web
    }

    /// A handle to stop the client from elsewhere.
    pub fn handle(&self) -> SocketModeHandle {
        SocketModeHandle {
            shared: self.shared.clone(),
        }
    }

    /// Run until [`SocketModeHandle::stop`] or a fatal error, calling `handler` for every
    /// envelope (at most [`max_concurrent_handlers`](SocketModeOptions::max_concurrent_handlers)
    /// at once). A panicking handler is reported to
    /// [`on_error`](SocketModeOptions::on_error) and the client keeps running.
    pub async fn run<H, Fut>(&self, handler: H) -> Result<(), SocketModeError>
    where
        H: Fn(Request) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        if self.shared.running.swap(true, Ordering::SeqCst) {
            return Err(SocketModeError::AlreadyRunning);
        }
        let result = self.run_inner(handler).await;
        self.shared.ready.store(0, Ordering::SeqCst);
        self.shared.running.store(false, Ordering::SeqCst);
        result
    }

    async fn run_inner<H, Fut>(&self, handler: H) -> Result<(), SocketModeError>
    where
        H: Fn(Request) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let Some(ws) = self.web.ws_transport().cloned() else {
            return Err(SocketModeError::NoWebsocket);
        };
        self.shared.stop.lower();
        self.shared.handlers_done.lower();
        if let Ok(mut f) = self.shared.fatal.lock() {
            *f = None;
        }
        let (tx, rx) = mpsc::channel::<Request>(self.options.buffer_size());
        let seed = self
            .options
            .seed_value()
            .unwrap_or_else(slack_core::retry::random_seed);
        let slots: Vec<_> = (0..self.options.connection_count())
            .map(|i| {
                Slot::new(
                    i,
                    &self.app_token,
                    &self.web,
                    ws.clone(),
                    &self.options,
                    &self.shared,
                    tx.clone(),
                    seed.wrapping_add(i as u64),
                )
                .run()
            })
            .collect();
        drop(tx);
        let slots = future::join_all(slots);
        let dispatch = self.dispatch(rx, handler);
        future::join(slots, dispatch).await;
        match self.shared.fatal.lock().ok().and_then(|mut f| f.take()) {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Run handlers (bounded) for what the connections deliver; after a stop, run what is
    /// already buffered and wait for running handlers, up to the shutdown timeout.
    async fn dispatch<H, Fut>(&self, mut rx: mpsc::Receiver<Request>, handler: H)
    where
        H: Fn(Request) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let limit = self.options.handler_limit();
        let deadline = self.options.connection_config().ack_deadline;
        let mut tasks = FuturesUnordered::new();
        let start = |req: Request, tasks: &mut FuturesUnordered<_>| {
            // The ack deadline counts from now: an envelope that waited in the buffer is
            // not acknowledged before its handler has even started.
            req.acker.set_deadline(Some(deadline));
            let envelope_id = req.envelope.envelope_id.clone();
            let fut = AssertUnwindSafe(handler(req)).catch_unwind();
            tasks.push(async move { fut.await.err().map(|p| (envelope_id, panic_message(&p))) });
        };
        enum Step {
            Stop,
            Done(Option<(String, String)>),
            Next(Option<Request>),
        }
        loop {
            if self.shared.stop.is_raised() {
                break;
            }
            let step = {
                let next = if tasks.len() < limit {
                    Either::Left(rx.next())
                } else {
                    Either::Right(future::pending())
                };
                let done = if tasks.is_empty() {
                    Either::Left(future::pending())
                } else {
                    Either::Right(tasks.next())
                };
                futures_util::select_biased! {
                    () = self.shared.stop.wait().fuse() => Step::Stop,
                    d = done.fuse() => Step::Done(d.flatten()),
                    r = next.fuse() => Step::Next(r),
                }
            };
            match step {
                Step::Stop | Step::Next(None) => break,
                Step::Done(d) => self.task_done(d),
                Step::Next(Some(req)) => start(req, &mut tasks),
            }
        }
        // Shutting down: what is already buffered still runs, within the timeout.
        rx.close();
        let drain = async {
            loop {
                while tasks.len() < limit {
                    match rx.try_recv() {
                        Ok(req) => start(req, &mut tasks),
                        _ => break,
                    }
                }
                match tasks.next().await {
                    Some(d) => self.task_done(d),
                    None => break,
                }
            }
        };
        let timeout = self.web.timer().sleep(self.options.shutdown());
        future::select(std::pin::pin!(drain), timeout).await;
        self.shared.handlers_done.raise();
    }

    fn task_done(&self, panicked: Option<(String, String)>) {
        if let Some((envelope_id, message)) = panicked {
            self.options.report(&ErrorEvent::HandlerPanicked {
                envelope_id,
                message,
            });
        }
    }
}

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a non-string panic".to_owned())
}

/// How long to wait for a stop between polls when nothing else is due.
pub(crate) const IDLE: Duration = Duration::from_secs(3600);
