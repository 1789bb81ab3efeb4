//! One of the app's connections, kept open: ask `apps.connections.open` for a URL, open the
//! websocket, feed the core [`Connection`] machine, hand envelopes to the dispatcher,
//! reconnect with backoff — and on a `disconnect`, open the fresh connection before the old
//! one goes.

use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use futures_channel::mpsc;
use futures_util::future::{self, BoxFuture, FutureExt};
use futures_util::stream::StreamExt;
use slack_core::rtm::{send_within, write_within, ConnectFailure, ReconnectAction, Reconnector};
use slack_core::socket_mode::{
    ConnEvent, Connection, ConnectionConfig, DedupeStore, DisconnectReason, Transmit,
};
use slack_core::transport::{
    Timer, TransportError, WsConnection, WsMessage, WsReceiver, WsSender, WsTransport,
};
use slack_core::{Args, CallOptions, RetryPolicy, Token, WebClient};

use crate::client::{Shared, IDLE};
use crate::request::ConnCommand;
use crate::{Acker, ErrorEvent, Request, SocketModeError, SocketModeOptions};

/// A live websocket and its machine.
struct Live {
    conn: Connection,
    sender: Box<dyn WsSender>,
    receiver: Box<dyn WsReceiver>,
    commands: mpsc::UnboundedReceiver<ConnCommand>,
    commands_tx: mpsc::UnboundedSender<ConnCommand>,
    /// Slack asked this one to go (or it went stale): a replacement takes over.
    leaving: bool,
    /// Counted in `Shared::ready`.
    counted: bool,
    closed: bool,
}

type Opening = BoxFuture<'static, Result<WsConnection, (ConnectFailure, ErrorEvent)>>;

pub(crate) struct Slot<'a> {
    index: usize,
    app_token: Token,
    web: &'a WebClient,
    ws: Arc<dyn WsTransport>,
    options: &'a SocketModeOptions,
    config: ConnectionConfig,
    shared: &'a Shared,
    timer: Arc<dyn Timer>,
    deliveries: mpsc::Sender<Request>,
    reconnector: Reconnector,
    lives: Vec<Live>,
    opening: Option<Opening>,
    wait_until: Option<Instant>,
    /// Envelopes waiting for room in the dispatcher's buffer; reading pauses meanwhile.
    outbox: VecDeque<Request>,
    dedupe: Option<Arc<dyn DedupeStore>>,
    /// The sleep of the last wait, kept while its due time stays the same (a fresh timer
    /// per turn of the loop costs a timer-wheel registration each time).
    sleep: Option<(Option<Instant>, BoxFuture<'static, ()>)>,
}

enum Input {
    Opened(Result<WsConnection, (ConnectFailure, ErrorEvent)>),
    Frame(usize, Option<Result<WsMessage, TransportError>>),
    Command(usize, Option<ConnCommand>),
    Room,
    Timeout,
    Wake,
}

impl<'a> Slot<'a> {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        index: usize,
        app_token: &Token,
        web: &'a WebClient,
        ws: Arc<dyn WsTransport>,
        options: &'a SocketModeOptions,
        shared: &'a Shared,
        deliveries: mpsc::Sender<Request>,
        seed: u64,
    ) -> Self {
        Slot {
            index,
            app_token: app_token.clone(),
            web,
            ws,
            options,
            config: options.connection_config(),
            shared,
            timer: web.timer().clone(),
            deliveries,
            reconnector: Reconnector::new(options.reconnect_config(), seed),
            lives: Vec::new(),
            opening: None,
            wait_until: None,
            outbox: VecDeque::new(),
            dedupe: options.dedupe_store().cloned(),
            sleep: None,
        }
    }

    pub(crate) async fn run(mut self) {
        loop {
            // Events can queue acks, and a failed write can close a connection (an event):
            // events, writes, then the events a write failure made.
            self.process_events().await;
            self.flush().await;
            self.process_events().await;
            self.reap().await;
            if self.shared.stop.is_raised() {
                self.opening = None;
                if self.shared.handlers_done.is_raised() || self.lives.is_empty() {
                    self.close_all().await;
                    return;
                }
            } else {
                self.plan_connection();
            }
            let input = self.next_input().await;
            self.handle(input).await;
            self.drain_ready().await;
        }
    }

    /// Everything that is ready now — queued acks and deadlines, frames already received —
    /// handled in one go, so a busy connection does not pay a full turn of the loop (a wait
    /// on every source) per frame and per acknowledgement.
    async fn drain_ready(&mut self) {
        const ROUNDS: usize = 64;
        for _ in 0..ROUNDS {
            let mut progressed = false;
            let now = self.timer.now();
            for live in self.lives.iter_mut().filter(|l| !l.closed) {
                while let Ok(cmd) = live.commands.try_recv() {
                    apply_command(live, cmd, now);
                    progressed = true;
                }
            }
            self.process_events().await;
            self.flush().await;
            if self.outbox.is_empty() && !self.shared.stop.is_raised() {
                for i in 0..self.lives.len() {
                    if self.lives[i].closed {
                        continue;
                    }
                    let Some(frame) = self.lives[i].receiver.recv().now_or_never() else {
                        continue;
                    };
                    progressed = true;
                    self.handle(Input::Frame(i, frame)).await;
                }
            }
            if !progressed {
                return;
            }
        }
    }

    /// Hand waiting envelopes to the dispatcher while its buffer has room.
    fn forward(&mut self) {
        while let Some(req) = self.outbox.pop_front() {
            match self.deliveries.try_send(req) {
                Ok(()) => {}
                Err(e) if e.is_full() => {
                    self.outbox.push_front(e.into_inner());
                    return;
                }
                Err(e) => {
                    // The dispatcher is gone (stopping): the envelope stays unacknowledged
                    // and Slack delivers it again.
                    tracing::debug!(error = %e, "dispatcher gone");
                }
            }
        }
    }

    /// The connection every envelope should arrive on is missing: connect, or wait.
    fn plan_connection(&mut self) {
        let has_current = self.lives.iter().any(|l| !l.leaving && !l.closed);
        if has_current || self.opening.is_some() {
            return;
        }
        let now = self.timer.now();
        if self.wait_until.is_some_and(|t| now < t) {
            return;
        }
        self.wait_until = None;
        match self.reconnector.poll_action(now) {
            ReconnectAction::Connect => {
                self.opening = Some(open(
                    self.web.clone(),
                    self.ws.clone(),
                    self.app_token.clone(),
                ));
            }
            ReconnectAction::Wait(d) => self.wait_until = Some(now + d),
            ReconnectAction::Fatal(code) => self.shared.fail(SocketModeError::Fatal(code)),
            ReconnectAction::Idle | ReconnectAction::Stopped => {}
        }
    }

    /// Write what the machines want written; a failed write closes that connection.
    async fn flush(&mut self) {
        let limit = self.options.send_limit();
        for live in self.lives.iter_mut().filter(|l| !l.closed) {
            // Everything due goes out in one write: a burst of acknowledgements is one
            // system call (and, with `TCP_NODELAY`, one segment), not one each.
            let Live { conn, sender, .. } = live;
            let due = std::iter::from_fn(|| {
                conn.poll_transmit().map(|t| match t {
                    Transmit::Text(text) => WsMessage::Text(text),
                    Transmit::Ping => WsMessage::Ping(Default::default()),
                })
            });
            if let Err(e) = write_within(&mut **sender, due, &*self.timer, limit).await {
                self.options.report(&ErrorEvent::Websocket(e));
                live.conn.handle_closed();
                live.closed = true;
            }
        }
    }

    async fn process_events(&mut self) {
        let now = self.timer.now();
        for i in 0..self.lives.len() {
            while let Some(ev) = self.lives[i].conn.poll_event() {
                match ev {
                    ConnEvent::Hello(hello) => {
                        tracing::debug!(
                            slot = self.index,
                            connections = hello.num_connections,
                            "socket mode hello"
                        );
                        self.reconnector.handle_connected(now);
                        // The replacement is ready: the connections it replaces may go once
                        // their envelopes are acknowledged.
                        let live = &mut self.lives[i];
                        if !live.counted && !live.leaving {
                            live.counted = true;
                            self.shared.ready.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                    ConnEvent::Envelope(env) => {
                        let live = &mut self.lives[i];
                        // Not acknowledged on our behalf while it waits for a handler slot:
                        // the dispatcher sets the deadline when its handler starts.
                        live.conn.set_deadline(&env.envelope_id, None);
                        if let Some(store) = &self.dedupe {
                            if !store.first_seen(&env.dedupe_key(), now).await {
                                tracing::debug!(envelope_id = %env.envelope_id, retry_attempt = env.retry_attempt, "re-delivery acknowledged, not handled again");
                                let _ = live.conn.ack(&env.envelope_id, None);
                                continue;
                            }
                        }
                        let acker = Acker::new(env.envelope_id.clone(), live.commands_tx.clone());
                        self.outbox.push_back(Request {
                            envelope: env,
                            acker,
                        });
                    }
                    ConnEvent::Duplicate(env) => {
                        tracing::debug!(envelope_id = %env.envelope_id, "envelope delivered again while its first delivery waits");
                    }
                    ConnEvent::Undecodable(e) => self.options.report(&ErrorEvent::Undecodable(e)),
                    ConnEvent::AutoAcked { envelope_id } => {
                        tracing::debug!(%envelope_id, "acknowledged at the deadline");
                    }
                    ConnEvent::Disconnect(reason) => {
                        tracing::debug!(slot = self.index, ?reason, "socket mode disconnect");
                        if reason == DisconnectReason::LinkDisabled {
                            self.shared.fail(SocketModeError::LinkDisabled);
                        } else {
                            self.leave(i, now);
                        }
                    }
                    ConnEvent::Stale => {
                        self.options.report(&ErrorEvent::Stale);
                        self.leave(i, now);
                        let live = &mut self.lives[i];
                        let close = WsMessage::Close(Some((1000, "stale".into())));
                        let limit = self.options.send_limit();
                        let _ = send_within(&mut *live.sender, close, &*self.timer, limit).await;
                        live.conn.handle_closed();
                        live.closed = true;
                    }
                    ConnEvent::Unacked(ids) => {
                        tracing::debug!(count = ids.len(), "connection closed with envelopes unacknowledged; Slack delivers them again");
                    }
                    _ => {}
                }
            }
        }
        self.forward();
    }

    /// Connection `i` is going: a replacement opens now.
    fn leave(&mut self, i: usize, now: Instant) {
        let live = &mut self.lives[i];
        if live.leaving {
            return;
        }
        live.leaving = true;
        if live.counted {
            live.counted = false;
            self.shared.ready.fetch_sub(1, Ordering::SeqCst);
        }
        self.reconnector.reconnect(now);
        self.wait_until = None;
    }

    /// Drop closed connections; let a leaving one go once it owes no acknowledgement and
    /// its replacement is ready.
    async fn reap(&mut self) {
        let replacement_ready = self
            .lives
            .iter()
            .any(|l| !l.leaving && !l.closed && l.conn.is_ready());
        let now = self.timer.now();
        let mut closed_current = false;
        for live in &mut self.lives {
            if live.leaving && !live.closed && replacement_ready && live.conn.pending_acks() == 0 {
                let close = WsMessage::Close(Some((1000, "replaced".into())));
                let limit = self.options.send_limit();
                let _ = send_within(&mut *live.sender, close, &*self.timer, limit).await;
                live.conn.handle_closed();
                live.closed = true;
            }
            if live.closed && !live.leaving {
                closed_current = true;
            }
        }
        let shared = self.shared;
        self.lives.retain_mut(|l| {
            if l.closed {
                // Acks still queued for this connection can no longer be sent.
                l.commands.close();
                while let Ok(cmd) = l.commands.try_recv() {
                    if let ConnCommand::Ack {
                        envelope_id, reply, ..
                    } = cmd
                    {
                        let _ =
                            reply.send(Err(slack_core::socket_mode::AckError::Closed(envelope_id)));
                    }
                }
                if l.counted {
                    shared.ready.fetch_sub(1, Ordering::SeqCst);
                }
            }
            !l.closed
        });
        if closed_current {
            self.reconnector.handle_closed(now);
        }
    }

    async fn close_all(&mut self) {
        for live in &mut self.lives {
            let close = WsMessage::Close(Some((1000, "stopped".into())));
            let limit = self.options.send_limit();
            let _ = send_within(&mut *live.sender, close, &*self.timer, limit).await;
            live.conn.handle_closed();
            live.closed = true;
        }
        while let Some(_ev) = self.lives.iter_mut().find_map(|l| l.conn.poll_event()) {}
        self.reap().await;
    }

    async fn next_input(&mut self) -> Input {
        let now = self.timer.now();
        let stopping = self.shared.stop.is_raised();
        let reading = self.outbox.is_empty() && !stopping;
        let mut due = self.wait_until;
        for live in &mut self.lives {
            if reading {
                live.conn.resume_reading(now);
            } else {
                live.conn.pause_reading();
            }
            if let Some(t) = live.conn.poll_timeout() {
                due = Some(due.map_or(t, |d| d.min(t)));
            }
        }
        let sleep_for = due.map_or(IDLE, |t| t.saturating_duration_since(now));
        let mut branches: Vec<BoxFuture<'_, Input>> = Vec::new();
        if let Some(opening) = self.opening.as_mut() {
            branches.push(async move { Input::Opened(opening.await) }.boxed());
        }
        for (i, live) in self.lives.iter_mut().enumerate() {
            let Live {
                receiver, commands, ..
            } = live;
            if reading {
                branches.push(async move { Input::Frame(i, receiver.recv().await) }.boxed());
            }
            branches.push(async move { Input::Command(i, commands.next().await) }.boxed());
        }
        if !self.outbox.is_empty() {
            let tx = &mut self.deliveries;
            branches.push(
                async move {
                    let _ = future::poll_fn(|cx| tx.poll_ready(cx)).await;
                    Input::Room
                }
                .boxed(),
            );
        }
        // Keyed by the due time (`None`: idle), so an unchanged wait keeps its timer.
        if self.sleep.as_ref().is_none_or(|(at, _)| *at != due) {
            self.sleep = Some((due, self.timer.sleep(sleep_for)));
        }
        if let Some((_, sleep)) = self.sleep.as_mut() {
            branches.push(
                async move {
                    sleep.await;
                    Input::Timeout
                }
                .boxed(),
            );
        }
        let shared = self.shared;
        if stopping {
            branches.push(
                async move {
                    shared.handlers_done.wait().await;
                    Input::Wake
                }
                .boxed(),
            );
        } else {
            branches.push(
                async move {
                    shared.stop.wait().await;
                    Input::Wake
                }
                .boxed(),
            );
        }
        let (input, _, _) = future::select_all(branches).await;
        input
    }

    async fn handle(&mut self, input: Input) {
        let now = self.timer.now();
        match input {
            Input::Wake => {}
            Input::Timeout => {
                self.sleep = None;
                for live in &mut self.lives {
                    live.conn.handle_timeout(now);
                }
            }
            Input::Room => self.forward(),
            Input::Opened(Ok(ws)) => {
                self.opening = None;
                let (commands_tx, commands) = mpsc::unbounded();
                self.lives.push(Live {
                    conn: Connection::new(self.config, now),
                    sender: ws.sender,
                    receiver: ws.receiver,
                    commands,
                    commands_tx,
                    leaving: false,
                    counted: false,
                    closed: false,
                });
            }
            Input::Opened(Err((failure, event))) => {
                self.opening = None;
                self.options.report(&event);
                self.reconnector.handle_connect_failed(now, failure);
            }
            Input::Frame(i, frame) => {
                let Some(live) = self.lives.get_mut(i) else {
                    return;
                };
                match frame {
                    Some(Ok(WsMessage::Text(text))) => live.conn.handle_text(now, &text),
                    Some(Ok(WsMessage::Ping(p))) => {
                        live.conn.handle_alive(now);
                        let (pong, limit) = (WsMessage::Pong(p), self.options.send_limit());
                        if let Err(e) =
                            send_within(&mut *live.sender, pong, &*self.timer, limit).await
                        {
                            self.options.report(&ErrorEvent::Websocket(e));
                            live.conn.handle_closed();
                            live.closed = true;
                        }
                    }
                    Some(Ok(WsMessage::Pong(_) | WsMessage::Binary(_))) => {
                        live.conn.handle_alive(now)
                    }
                    Some(Ok(WsMessage::Close(_))) | None => {
                        live.conn.handle_closed();
                        live.closed = true;
                    }
                    Some(Err(e)) => {
                        self.options.report(&ErrorEvent::Websocket(e));
                        live.conn.handle_closed();
                        live.closed = true;
                    }
                }
            }
            Input::Command(i, cmd) => {
                let Some(live) = self.lives.get_mut(i) else {
                    return;
                };
                // `None`: every Acker is gone; keep going.
                if let Some(cmd) = cmd {
                    apply_command(live, cmd, now);
                }
            }
        }
    }
}

fn apply_command(live: &mut Live, cmd: ConnCommand, now: Instant) {
    match cmd {
        ConnCommand::Ack {
            envelope_id,
            payload,
            reply,
        } => {
            let _ = reply.send(live.conn.ack(&envelope_id, payload.as_deref()));
        }
        ConnCommand::SetDeadline { envelope_id, after } => {
            live.conn.set_deadline(&envelope_id, after.map(|d| now + d));
        }
    }
}

/// Ask for a URL with the app-level token, then open the websocket (one attempt: the
/// reconnect machine owns backoff).
fn open(web: WebClient, ws: Arc<dyn WsTransport>, app_token: Token) -> Opening {
    async move {
        let options = CallOptions::default()
            .token(app_token)
            .retry(RetryPolicy::none());
        let resp = web
            .api_call_with("apps.connections.open", Args::new(), options)
            .await
            .map_err(|e| (ConnectFailure::from_error(&e), ErrorEvent::Connect(e)))?;
        let Some(url) = resp.get("url").as_str().map(str::to_owned) else {
            return Err((ConnectFailure::Transient, ErrorEvent::MissingUrl));
        };
        ws.connect(&url, &http::HeaderMap::new())
            .await
            .map_err(|e| (ConnectFailure::Transient, ErrorEvent::Websocket(e)))
    }
    .boxed()
}
