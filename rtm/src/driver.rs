//! The run loop: drives the core reconnect and connection machines over a `WsTransport`,
//! and runs handlers concurrently (bounded) inside the same future, so no runtime is named
//! and a slow handler never delays reading frames or answering pings.

use std::collections::{HashMap, VecDeque};
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use futures_channel::{mpsc, oneshot};
use futures_util::future::{self, Either, FutureExt};
use futures_util::stream::{FuturesUnordered, StreamExt};
use futures_util::task::AtomicWaker;
use serde_json::Value;
use slack_core::rtm::{
    Ack, ConnEvent, ConnectFailure, Connection, ReconnectAction, Reconnector, RtmEvent, SendError,
};
use slack_core::transport::{BoxFuture, Timer, TransportError, WsConnection, WsMessage};
use slack_core::{Args, CallOptions, RetryPolicy, SlackResponse};

use crate::client::{Command, RtmClient};
use crate::handlers::{Context, Event, HandlerFn};
use crate::RtmError;

// ===== StopSignal =====

/// A one-shot, level-triggered stop flag with a waker.
#[derive(Debug, Default)]
pub(crate) struct StopSignal {
    flag: AtomicBool,
    waker: AtomicWaker,
}

impl StopSignal {
    pub(crate) fn trigger(&self) {
        self.flag.store(true, Ordering::SeqCst);
        self.waker.wake();
    }

    pub(crate) fn is_triggered(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }

    fn wait(&self) -> impl std::future::Future<Output = ()> + '_ {
        future::poll_fn(move |cx| {
            if self.is_triggered() {
                return Poll::Ready(());
            }
            self.waker.register(cx.waker());
            if self.is_triggered() {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
    }
}

// ===== Driver =====

/// How a connection ended.
enum Ended {
    Stopped,
    Closed(Option<(u16, String)>),
    Goodbye,
    Stale,
    Failed(TransportError),
}

type Task = BoxFuture<'static, Option<String>>;

pub(crate) struct Driver<'a> {
    client: &'a RtmClient,
    commands: mpsc::Receiver<Command>,
    timer: Arc<dyn Timer>,
    reconnector: Reconnector,
    tasks: FuturesUnordered<Task>,
    backlog: VecDeque<Task>,
    acks: HashMap<u64, oneshot::Sender<Result<Ack, SendError>>>,
    own_user: Option<String>,
    own_bot: Option<String>,
}

impl<'a> Driver<'a> {
    pub(crate) fn new(client: &'a RtmClient, commands: mpsc::Receiver<Command>) -> Self {
        let seed = client
            .options
            .seed
            .unwrap_or_else(slack_core::retry::random_seed);
        Driver {
            client,
            commands,
            timer: client.web.timer().clone(),
            reconnector: Reconnector::new(client.options.reconnect_config(), seed),
            tasks: FuturesUnordered::new(),
            backlog: VecDeque::new(),
            acks: HashMap::new(),
            own_user: None,
            own_bot: None,
        }
    }

    fn stopped(&self) -> bool {
        self.client.handle.stop.is_triggered()
    }

    pub(crate) async fn run(mut self) -> Result<(), RtmError> {
        let result = self.run_inner().await;
        if let Err(e) = &result {
            self.dispatch(Event::Error(Arc::from(e.to_string())));
        }
        // Let close and error handlers (and any still running) finish.
        while let Some(done) = self.tasks.next().await {
            self.task_done(done);
        }
        self.commands.close();
        while let Ok(cmd) = self.commands.try_recv() {
            fail_command(cmd, SendError::NotOpen);
        }
        result
    }

    async fn run_inner(&mut self) -> Result<(), RtmError> {
        if self.client.options.skip_own_messages {
            if let Ok(who) = self.client.web.api_call("auth.test", Args::new()).await {
                self.own_user = who.get("user_id").as_str().map(str::to_owned);
                self.own_bot = who.get("bot_id").as_str().map(str::to_owned);
            }
        }
        loop {
            if self.stopped() {
                return Ok(());
            }
            match self.reconnector.poll_action(self.timer.now()) {
                ReconnectAction::Connect => {
                    let client = self.client;
                    let attempt = open(client);
                    let outcome = self.alongside_tasks(attempt).await;
                    let now = self.timer.now();
                    match outcome {
                        Ok((payload, ws)) => {
                            if client.options.skip_own_messages && self.own_user.is_none() {
                                self.own_user =
                                    payload.get("self")["id"].as_str().map(str::to_owned);
                            }
                            self.reconnector.handle_connected(now);
                            tracing::debug!("rtm connected");
                            self.dispatch(Event::Open(payload));
                            let ended = self.run_connection(ws).await;
                            let (code, reason) = match ended {
                                Ended::Stopped => (Some(1000), "stopped".to_owned()),
                                Ended::Closed(Some((c, r))) => (Some(c), r),
                                Ended::Closed(None) => (None, "closed".to_owned()),
                                Ended::Goodbye => (None, "goodbye".to_owned()),
                                Ended::Stale => {
                                    (None, "stale: no pong within the bound".to_owned())
                                }
                                Ended::Failed(e) => (None, e.to_string()),
                            };
                            tracing::debug!(?code, %reason, "rtm connection ended");
                            self.dispatch(Event::Close { code, reason });
                            self.reconnector.handle_closed(self.timer.now());
                        }
                        Err((failure, message)) => {
                            tracing::debug!(%message, "rtm connect failed");
                            self.dispatch(Event::Error(Arc::from(message)));
                            self.reconnector.handle_connect_failed(now, failure);
                        }
                    }
                }
                ReconnectAction::Wait(d) => self.wait(d).await,
                ReconnectAction::Idle => self.wait(Duration::ZERO).await,
                ReconnectAction::Fatal(code) => return Err(RtmError::Fatal(code)),
                ReconnectAction::Stopped => {
                    return if self.stopped() {
                        Ok(())
                    } else {
                        Err(RtmError::Closed)
                    }
                }
            }
        }
    }

    /// Run `fut` while still running handler tasks; sends arriving meanwhile fail (there is
    /// no connection to put them on).
    async fn alongside_tasks<F: std::future::Future>(&mut self, fut: F) -> F::Output {
        enum Step<O> {
            Done(O),
            Task(Option<String>),
            Command(Option<Command>),
        }
        let mut fut = std::pin::pin!(fut);
        loop {
            let step = {
                let tasks = next_task(&mut self.tasks);
                let cmd = self.commands.next();
                match future::select(fut.as_mut(), future::select(tasks, cmd)).await {
                    Either::Left((out, _)) => Step::Done(out),
                    Either::Right((Either::Left((done, _)), _)) => Step::Task(done),
                    Either::Right((Either::Right((cmd, _)), _)) => Step::Command(cmd),
                }
            };
            match step {
                Step::Done(out) => return out,
                Step::Task(done) => self.task_done(done),
                Step::Command(Some(cmd)) => fail_command(cmd, SendError::NotOpen),
                // Every handle is gone; keep going until the future ends.
                Step::Command(None) => return fut.await,
            }
        }
    }

    async fn wait(&mut self, d: Duration) {
        let timer = self.timer.clone();
        let stop = self.client.handle.stop.clone();
        let sleep = async move {
            future::select(timer.sleep(d), std::pin::pin!(stop.wait())).await;
        };
        self.alongside_tasks(sleep).await;
    }

    async fn run_connection(&mut self, ws: WsConnection) -> Ended {
        let WsConnection {
            mut sender,
            mut receiver,
        } = ws;
        let mut conn = Connection::new(self.client.options.connection_config(), self.timer.now());
        let stop = self.client.handle.stop.clone();
        loop {
            while let Some(frame) = conn.poll_transmit() {
                if let Err(e) = sender.send(WsMessage::Text(frame)).await {
                    conn.handle_closed();
                    self.drain_events(&mut conn);
                    return Ended::Failed(e);
                }
            }
            if let Some(ended) = self.drain_events(&mut conn) {
                let _ = sender
                    .send(WsMessage::Close(Some((1000, String::new()))))
                    .await;
                conn.handle_closed();
                self.drain_events(&mut conn);
                return ended;
            }
            if stop.is_triggered() {
                let _ = sender
                    .send(WsMessage::Close(Some((1000, "stopped".into()))))
                    .await;
                conn.handle_closed();
                self.drain_events(&mut conn);
                return Ended::Stopped;
            }
            let now = self.timer.now();
            let sleep_for = conn.poll_timeout().map_or(Duration::from_secs(3600), |t| {
                t.saturating_duration_since(now)
            });

            enum Input {
                Frame(Option<Result<WsMessage, TransportError>>),
                Command(Option<Command>),
                Task(Option<String>),
                Timeout,
                Stop,
            }
            let input = {
                let recv = receiver.recv();
                let cmd = self.commands.next();
                let task = next_task(&mut self.tasks);
                let sleep = self.timer.sleep(sleep_for);
                let stopping = stop.wait();
                futures_util::select_biased! {
                    () = stopping.fuse() => Input::Stop,
                    f = recv.fuse() => Input::Frame(f),
                    t = task.fuse() => Input::Task(t),
                    c = cmd.fuse() => Input::Command(c),
                    () = sleep.fuse() => Input::Timeout,
                }
            };
            let now = self.timer.now();
            match input {
                Input::Stop => continue,
                Input::Timeout => conn.handle_timeout(now),
                Input::Task(done) => self.task_done(done),
                Input::Command(Some(Command::Send {
                    payload,
                    reply,
                    sent,
                })) => {
                    let tracked = payload.get("type").and_then(Value::as_str) == Some("message");
                    match conn.send(payload, now) {
                        Ok(id) => {
                            if let Some(reply) = reply {
                                if tracked {
                                    self.acks.insert(id, reply);
                                } else {
                                    let _ = reply.send(Err(SendError::Refused(Value::String(
                                        "only `message` payloads are acknowledged".into(),
                                    ))));
                                }
                            }
                            if let Some(sent) = sent {
                                let _ = sent.send(Ok(id));
                            }
                        }
                        Err(e) => fail_command(
                            Command::Send {
                                payload: Default::default(),
                                reply,
                                sent,
                            },
                            e,
                        ),
                    }
                }
                Input::Command(None) => {}
                Input::Frame(Some(Ok(WsMessage::Text(text)))) => conn.handle_text(now, &text),
                Input::Frame(Some(Ok(WsMessage::Ping(p)))) => {
                    conn.handle_alive(now);
                    if let Err(e) = sender.send(WsMessage::Pong(p)).await {
                        conn.handle_closed();
                        self.drain_events(&mut conn);
                        return Ended::Failed(e);
                    }
                }
                Input::Frame(Some(Ok(WsMessage::Pong(_) | WsMessage::Binary(_)))) => {
                    conn.handle_alive(now)
                }
                Input::Frame(Some(Ok(WsMessage::Close(c)))) => {
                    conn.handle_closed();
                    self.drain_events(&mut conn);
                    return Ended::Closed(c);
                }
                Input::Frame(None) => {
                    conn.handle_closed();
                    self.drain_events(&mut conn);
                    return Ended::Closed(None);
                }
                Input::Frame(Some(Err(e))) => {
                    conn.handle_closed();
                    self.drain_events(&mut conn);
                    return Ended::Failed(e);
                }
            }
        }
    }

    /// Handle what the connection machine produced; `Some` when the connection must end.
    fn drain_events(&mut self, conn: &mut Connection) -> Option<Ended> {
        let mut ended = None;
        while let Some(ev) = conn.poll_event() {
            match ev {
                ConnEvent::Event(ev) if !self.is_own_message(&ev) => {
                    self.dispatch(Event::Rtm(Arc::new(ev)));
                }
                ConnEvent::Acked { id, ack } => {
                    if let Some(tx) = self.acks.remove(&id) {
                        let _ = tx.send(Ok(ack));
                    }
                }
                ConnEvent::SendFailed { id, error } => {
                    if let Some(tx) = self.acks.remove(&id) {
                        let _ = tx.send(Err(error));
                    }
                }
                ConnEvent::BadFrame(e) => self.dispatch(Event::Error(Arc::from(e.to_string()))),
                ConnEvent::Stale => {
                    ended.get_or_insert(Ended::Stale);
                }
                ConnEvent::Goodbye => {
                    ended.get_or_insert(Ended::Goodbye);
                }
                _ => {}
            }
        }
        ended
    }

    fn is_own_message(&self, ev: &RtmEvent) -> bool {
        if !self.client.options.skip_own_messages {
            return false;
        }
        let RtmEvent::Message(m) = ev else {
            return false;
        };
        (m.user.is_some() && m.user == self.own_user)
            || (m.bot_id.is_some() && m.bot_id == self.own_bot)
    }

    /// Start the handlers for `event`; after `stop()` only `close` and `error` handlers run.
    fn dispatch(&mut self, event: Event) {
        let is_terminal = matches!(event, Event::Close { .. } | Event::Error(_));
        if self.stopped() && !is_terminal {
            return;
        }
        let handlers: Vec<HandlerFn> = self
            .client
            .registry
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .matching(event.name());
        for h in handlers {
            let ctx = Context {
                rtm: self.client.handle.clone(),
                web: self.client.web.clone(),
            };
            let ev = event.clone();
            let task: Task = match std::panic::catch_unwind(AssertUnwindSafe(|| h(ctx, ev))) {
                Ok(fut) => AssertUnwindSafe(fut)
                    .catch_unwind()
                    .map(|r| r.err().map(|p| panic_message(&p)))
                    .boxed(),
                Err(p) => {
                    let msg = panic_message(&p);
                    async move { Some(msg) }.boxed()
                }
            };
            if self.tasks.len() < self.client.options.max_concurrent_handlers.max(1) {
                self.tasks.push(task);
            } else {
                self.backlog.push_back(task);
            }
        }
    }

    fn task_done(&mut self, done: Option<String>) {
        if let Some(msg) = done {
            tracing::warn!(%msg, "an RTM handler panicked");
            self.dispatch(Event::Error(Arc::from(format!("handler panicked: {msg}"))));
        }
        while self.tasks.len() < self.client.options.max_concurrent_handlers.max(1) {
            match self.backlog.pop_front() {
                Some(t) => self.tasks.push(t),
                None => break,
            }
        }
    }
}

/// The next finished handler task, or never when none runs.
fn next_task(
    tasks: &mut FuturesUnordered<Task>,
) -> impl std::future::Future<Output = Option<String>> + '_ {
    future::poll_fn(move |cx| {
        if tasks.is_empty() {
            return Poll::Pending;
        }
        match tasks.poll_next_unpin(cx) {
            Poll::Ready(Some(done)) => Poll::Ready(done),
            Poll::Ready(None) | Poll::Pending => Poll::Pending,
        }
    })
}

fn fail_command(cmd: Command, error: SendError) {
    let Command::Send { reply, sent, .. } = cmd;
    if let Some(r) = reply {
        let _ = r.send(Err(error.clone()));
    }
    if let Some(s) = sent {
        let _ = s.send(Err(error));
    }
}

fn panic_message(p: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "a handler panicked".to_owned()
    }
}

/// Call `rtm.connect` (or `rtm.start`) once and open the websocket.
async fn open(
    client: &RtmClient,
) -> Result<(Arc<SlackResponse>, WsConnection), (ConnectFailure, String)> {
    let method = client.options.connect_method.method();
    // The reconnect machine owns backoff for this call: one attempt, no retry policy.
    let options = CallOptions::default().retry(RetryPolicy::none());
    let resp = match client.web.api_call_with(method, Args::new(), options).await {
        Ok(r) => r,
        Err(e) => {
            let body_retry_after = match &e {
                slack_core::Error::RateLimited { response, .. } => {
                    response.get("retry_after").as_f64()
                }
                slack_core::Error::Api(api) => api.response.get("retry_after").as_f64(),
                _ => None,
            }
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(Duration::from_secs_f64);
            let retry_after = e.retry_after().or(body_retry_after);
            let failure = match e.api_code() {
                Some(code) => ConnectFailure::from_code(code.as_str(), retry_after),
                None => ConnectFailure::Transient,
            };
            return Err((failure, format!("{method} failed: {e}")));
        }
    };
    let Some(url) = resp.get("url").as_str().map(str::to_owned) else {
        return Err((
            ConnectFailure::Transient,
            format!("{method} answered without a url"),
        ));
    };
    match client.ws.connect(&url, &client.options.headers).await {
        Ok(ws) => Ok((Arc::new(resp), ws)),
        Err(e) => Err((
            ConnectFailure::Transient,
            format!("websocket connect failed: {e}"),
        )),
    }
}
