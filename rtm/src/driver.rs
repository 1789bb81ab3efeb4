//! The run loop: drives the core reconnect and connection machines over a `WsTransport`,
//! and runs handlers concurrently (bounded) inside the same future, so no runtime is named
//! and a slow handler never delays reading frames or answering pings.

use std::collections::{HashMap, VecDeque};
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use futures_channel::{mpsc, oneshot};
use futures_util::future::{self, Either, FutureExt};
use futures_util::stream::{FuturesUnordered, StreamExt};
use serde_json::Value;
use slack_core::rtm::{
    Ack, ConnEvent, ConnectFailure, Connection, ReconnectAction, Reconnector, RtmEvent, SendError,
};
use slack_core::transport::{BoxFuture, Timer, TransportError, WsConnection, WsMessage, WsSender};
use slack_core::{Args, CallOptions, RetryPolicy, SlackResponse};

use crate::client::{Command, RtmClient, Shared};
use crate::handlers::{Context, Event, HandlerFn};
use crate::{ErrorEvent, RtmError};

// ===== Driver =====

/// How a connection ended.
enum Ended {
    Stopped,
    Reconnect,
    Closed(Option<(u16, String)>),
    Goodbye,
    Stale,
    Failed(TransportError),
}

type Task = BoxFuture<'static, Option<String>>;

pub(crate) struct Driver<'a> {
    client: &'a RtmClient,
    shared: &'a Shared,
    commands: mpsc::Receiver<Command>,
    timer: Arc<dyn Timer>,
    reconnector: Reconnector,
    tasks: FuturesUnordered<Task>,
    /// Handler calls waiting for a slot; reading pauses while it holds `event_buffer`.
    backlog: VecDeque<Task>,
    acks: HashMap<u64, oneshot::Sender<Result<Ack, SendError>>>,
    own_user: Option<String>,
    own_bot: Option<String>,
    finished: bool,
}

impl Drop for Driver<'_> {
    /// A `start` future dropped mid-run still leaves the client stopped and restartable.
    fn drop(&mut self) {
        if !self.finished {
            self.finish(&Ok(()));
        }
    }
}

impl<'a> Driver<'a> {
    pub(crate) fn new(client: &'a RtmClient, commands: mpsc::Receiver<Command>) -> Self {
        let seed = client
            .options
            .seed
            .unwrap_or_else(slack_core::retry::random_seed);
        Driver {
            client,
            shared: &client.handle.shared,
            commands,
            timer: client.web.timer().clone(),
            reconnector: Reconnector::new(client.options.reconnect_config(), seed),
            tasks: FuturesUnordered::new(),
            backlog: VecDeque::new(),
            acks: HashMap::new(),
            own_user: None,
            own_bot: None,
            finished: false,
        }
    }

    fn stopped(&self) -> bool {
        self.shared.stop.is_raised()
    }

    pub(crate) async fn run(mut self) -> Result<(), RtmError> {
        let result = self.run_inner().await;
        if let Err(e) = &result {
            self.dispatch(Event::Error(Arc::new(ErrorEvent::Ended(e.clone()))));
        }
        // Let close and error handlers (and any still running) finish.
        while let Some(done) = self.tasks.next().await {
            self.task_done(done);
        }
        self.finish(&result);
        result
    }

    /// End the run: refuse and fail queued sends, end the streams, mark the client idle.
    fn finish(&mut self, result: &Result<(), RtmError>) {
        self.finished = true;
        self.shared.set_commands(None);
        self.commands.close();
        while let Ok(cmd) = self.commands.try_recv() {
            fail_command(cmd, SendError::NotOpen);
        }
        for (_, tx) in self.acks.drain() {
            let _ = tx.send(Err(SendError::ConnectionClosed));
        }
        for sub in std::mem::take(&mut *self.shared.subscribers()) {
            sub.close();
        }
        self.shared.status.end_run(result);
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
                    // Never open a connection for consumers that are still behind.
                    self.wait_for_consumers().await;
                    if self.stopped() {
                        return Ok(());
                    }
                    // This attempt is the fresh connection a pending `reconnect()` asked for.
                    self.shared.reconnect.take();
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
                            self.shared.status.set_open(false);
                            let reconnect = matches!(ended, Ended::Reconnect);
                            let (code, reason) = match ended {
                                Ended::Stopped => (Some(1000), "stopped".to_owned()),
                                Ended::Reconnect => (Some(1000), "reconnect requested".to_owned()),
                                Ended::Closed(Some((c, r))) => (Some(c), r),
                                Ended::Closed(None) => (None, "closed".to_owned()),
                                Ended::Goodbye => (None, "goodbye".to_owned()),
                                Ended::Stale => {
                                    (None, "stale: no pong within the bound".to_owned())
                                }
                                Ended::Failed(e) => {
                                    let reason = e.to_string();
                                    self.dispatch(Event::Error(Arc::new(ErrorEvent::Connection(
                                        e,
                                    ))));
                                    (None, reason)
                                }
                            };
                            tracing::debug!(?code, %reason, "rtm connection ended");
                            self.dispatch(Event::Close { code, reason });
                            let now = self.timer.now();
                            if reconnect {
                                self.reconnector.reconnect(now);
                            } else {
                                self.reconnector.handle_closed(now);
                            }
                        }
                        Err((failure, error)) => {
                            tracing::debug!(%error, "rtm connect failed");
                            self.dispatch(Event::Error(Arc::new(error)));
                            self.reconnector.handle_connect_failed(now, failure);
                        }
                    }
                }
                ReconnectAction::Wait(d) => {
                    self.wait(d).await;
                    if self.shared.reconnect.take() {
                        self.reconnector.reconnect(self.timer.now());
                    }
                }
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

    /// Whether a consumer is behind: a stream holds `event_buffer` events, or as many
    /// handler calls wait for a slot. The reader pauses meanwhile.
    fn consumers_behind(&self) -> bool {
        self.backlog.len() >= self.client.options.buffer() || self.streams_behind()
    }

    fn streams_behind(&self) -> bool {
        self.shared.subscribers().iter().any(|s| s.is_full())
    }

    /// Run handlers and refuse sends until no consumer is behind (or a stop).
    async fn wait_for_consumers(&mut self) {
        enum Step {
            Task(Option<String>),
            Command(Option<Command>),
            Again,
        }
        while !self.stopped() && self.consumers_behind() {
            let streams_behind = self.streams_behind();
            let step = {
                let tasks = next_task(&mut self.tasks);
                let cmd = self.commands.next();
                let room = stream_room(self.shared, streams_behind);
                let stop = self.shared.stop.wait();
                futures_util::select_biased! {
                    () = stop.fuse() => Step::Again,
                    t = tasks.fuse() => Step::Task(t),
                    c = cmd.fuse() => Step::Command(c),
                    () = room.fuse() => Step::Again,
                }
            };
            match step {
                Step::Task(done) => self.task_done(done),
                Step::Command(Some(cmd)) => fail_command(cmd, SendError::NotOpen),
                Step::Command(None) | Step::Again => {}
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

    /// Sleep `d`, cut short by a stop or a reconnect request.
    async fn wait(&mut self, d: Duration) {
        let timer = self.timer.clone();
        let shared = self.shared;
        let sleep = async move {
            let stop = std::pin::pin!(shared.stop.wait());
            let reconnect = std::pin::pin!(shared.reconnect.wait());
            future::select(timer.sleep(d), future::select(stop, reconnect)).await;
        };
        self.alongside_tasks(sleep).await;
    }

    async fn run_connection(&mut self, ws: WsConnection) -> Ended {
        let WsConnection {
            mut sender,
            mut receiver,
        } = ws;
        let mut conn = Connection::new(self.client.options.connection_config(), self.timer.now());
        // Every write gives up after the send timeout: a peer that stops reading must not
        // hold the loop (pings, staleness, handlers) for ever.
        let (timer, limit) = (self.timer.clone(), self.client.options.send_timeout);
        let shared = self.shared;
        loop {
            while let Some(frame) = conn.poll_transmit() {
                if let Err(e) = send(&mut *sender, &*timer, limit, WsMessage::Text(frame)).await {
                    conn.handle_closed();
                    self.drain_events(&mut conn);
                    return Ended::Failed(e);
                }
            }
            if let Some(ended) = self.drain_events(&mut conn) {
                let close = WsMessage::Close(Some((1000, String::new())));
                let _ = send(&mut *sender, &*timer, limit, close).await;
                conn.handle_closed();
                self.drain_events(&mut conn);
                return ended;
            }
            let closing = if shared.stop.is_raised() {
                Some((Ended::Stopped, "stopped"))
            } else if shared.reconnect.take() {
                Some((Ended::Reconnect, "reconnect"))
            } else {
                None
            };
            if let Some((ended, reason)) = closing {
                let close = WsMessage::Close(Some((1000, reason.into())));
                let _ = send(&mut *sender, &*timer, limit, close).await;
                conn.handle_closed();
                self.drain_events(&mut conn);
                return ended;
            }
            let now = self.timer.now();
            // A consumer behind: stop reading (the socket and the server hold the rest),
            // and tell the machine so that our own silence is not taken for a dead peer.
            let behind = self.consumers_behind();
            if behind {
                conn.pause_reading();
            } else {
                conn.resume_reading(now);
            }
            let streams_behind = behind && self.streams_behind();
            let sleep_for = conn.poll_timeout().map_or(Duration::from_secs(3600), |t| {
                t.saturating_duration_since(now)
            });

            enum Input {
                Frame(Option<Result<WsMessage, TransportError>>),
                Command(Option<Command>),
                Task(Option<String>),
                Timeout,
                Wake,
            }
            let input = {
                let recv = if behind {
                    Either::Left(future::pending())
                } else {
                    Either::Right(receiver.recv())
                };
                let cmd = self.commands.next();
                let task = next_task(&mut self.tasks);
                let sleep = self.timer.sleep(sleep_for);
                let stopping = shared.stop.wait();
                let reconnecting = shared.reconnect.wait();
                let room = stream_room(shared, streams_behind);
                futures_util::select_biased! {
                    () = stopping.fuse() => Input::Wake,
                    () = reconnecting.fuse() => Input::Wake,
                    f = recv.fuse() => Input::Frame(f),
                    t = task.fuse() => Input::Task(t),
                    c = cmd.fuse() => Input::Command(c),
                    () = room.fuse() => Input::Wake,
                    () = sleep.fuse() => Input::Timeout,
                }
            };
            let now = self.timer.now();
            match input {
                Input::Wake => continue,
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
                Input::Frame(Some(Ok(WsMessage::Text(text)))) => conn.handle_text(now, text),
                Input::Frame(Some(Ok(WsMessage::Ping(p)))) => {
                    conn.handle_alive(now);
                    if let Err(e) = send(&mut *sender, &*timer, limit, WsMessage::Pong(p)).await {
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
                ConnEvent::Event(frame) => {
                    if matches!(frame.event(), RtmEvent::Hello) {
                        self.shared.status.set_open(true);
                    }
                    if !self.is_own_message(frame.event()) {
                        self.dispatch(Event::Rtm(frame));
                    }
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
                ConnEvent::BadFrame { error, raw } => {
                    self.dispatch(Event::Error(Arc::new(ErrorEvent::Decode { error, raw })))
                }
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

    /// Deliver `event` to the streams and start its handlers; after `stop()` only `close`
    /// and `error` are delivered.
    fn dispatch(&mut self, event: Event) {
        let is_terminal = matches!(event, Event::Close { .. } | Event::Error(_));
        if self.stopped() && !is_terminal {
            return;
        }
        self.shared
            .subscribers()
            .retain(|sub| sub.push(event.clone()));
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
            if self.tasks.len() < self.client.options.handler_slots() {
                self.tasks.push(task);
            } else {
                self.backlog.push_back(task);
            }
        }
    }

    fn task_done(&mut self, done: Option<String>) {
        if let Some(message) = done {
            tracing::warn!(%message, "an RTM handler panicked");
            self.dispatch(Event::Error(Arc::new(ErrorEvent::HandlerPanicked {
                message,
            })));
        }
        while self.tasks.len() < self.client.options.handler_slots() {
            match self.backlog.pop_front() {
                Some(t) => self.tasks.push(t),
                None => break,
            }
        }
    }
}

/// When `behind`: completes once no stream is full (a consumer caught up or went away).
/// Otherwise never: only a full stream is waited for here.
fn stream_room(shared: &Shared, behind: bool) -> impl std::future::Future<Output = ()> + '_ {
    future::poll_fn(move |cx| {
        if !behind {
            return Poll::Pending;
        }
        let mut waiting = false;
        for sub in shared.subscribers().iter() {
            if sub.poll_room(cx).is_pending() {
                waiting = true;
            }
        }
        if waiting {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    })
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

/// Write `message`, failing with a timeout after `limit` (see [`RtmOptions::send_timeout`]).
///
/// [`RtmOptions::send_timeout`]: crate::RtmOptions::send_timeout
async fn send(
    sender: &mut dyn WsSender,
    timer: &dyn Timer,
    limit: Duration,
    message: WsMessage,
) -> Result<(), TransportError> {
    slack_core::rtm::send_within(sender, message, timer, limit).await
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
) -> Result<(Arc<SlackResponse>, WsConnection), (ConnectFailure, ErrorEvent)> {
    let method = client.options.connect_method.method();
    // The reconnect machine owns backoff for this call: one attempt, no retry policy.
    let options = CallOptions::default().retry(RetryPolicy::none());
    let resp = match client.web.api_call_with(method, Args::new(), options).await {
        Ok(r) => r,
        Err(error) => {
            let failure = ConnectFailure::from_error(&error);
            return Err((failure, ErrorEvent::Connect { method, error }));
        }
    };
    let Some(url) = resp.get("url").as_str().map(str::to_owned) else {
        return Err((ConnectFailure::Transient, ErrorEvent::MissingUrl { method }));
    };
    match client.ws.connect(&url, &client.options.headers).await {
        Ok(ws) => Ok((Arc::new(resp), ws)),
        Err(e) => Err((ConnectFailure::Transient, ErrorEvent::Websocket(e))),
    }
}
