//! Settings of a [`SocketModeClient`](crate::SocketModeClient).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use slack_core::rtm::ReconnectConfig;
use slack_core::socket_mode::{ConnectionConfig, DedupeStore, InMemoryDedupe};

use crate::ErrorEvent;

/// Most connections Slack allows one app to have open.
pub const MAX_CONNECTIONS: usize = 10;

type ErrorCallback = Arc<dyn Fn(&ErrorEvent) + Send + Sync>;

/// Settings of a [`SocketModeClient`](crate::SocketModeClient), with by-value setters.
///
/// ```
/// use std::time::Duration;
/// use slack_socket_mode::SocketModeOptions;
///
/// let options = SocketModeOptions::default()
///     .connections(2)
///     .ack_deadline(Duration::from_secs(2))
///     .max_concurrent_handlers(32);
/// assert_eq!(options.connection_count(), 2);
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct SocketModeOptions {
    connections: usize,
    connection: ConnectionConfig,
    reconnect: ReconnectConfig,
    max_concurrent_handlers: usize,
    buffer: usize,
    shutdown_timeout: Duration,
    send_timeout: Duration,
    dedupe: Option<Arc<dyn DedupeStore>>,
    on_error: Option<ErrorCallback>,
    seed: Option<u64>,
}

impl Default for SocketModeOptions {
    fn default() -> Self {
        SocketModeOptions {
            connections: 1,
            connection: ConnectionConfig::default(),
            reconnect: ReconnectConfig::default(),
            max_concurrent_handlers: 64,
            buffer: 256,
            shutdown_timeout: Duration::from_secs(10),
            send_timeout: Duration::from_secs(10),
            dedupe: Some(Arc::new(InMemoryDedupe::default())),
            on_error: None,
            seed: None,
        }
    }
}

impl fmt::Debug for SocketModeOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SocketModeOptions")
            .field("connections", &self.connections)
            .field("connection", &self.connection)
            .field("reconnect", &self.reconnect)
            .field("max_concurrent_handlers", &self.max_concurrent_handlers)
            .field("buffer", &self.buffer)
            .field("shutdown_timeout", &self.shutdown_timeout)
            .field("send_timeout", &self.send_timeout)
            .field("dedupe", &self.dedupe)
            .finish_non_exhaustive()
    }
}

impl SocketModeOptions {
    /// Keep `n` connections open (default 1, at most [`MAX_CONNECTIONS`]). Slack spreads
    /// envelopes over them; each reconnects on its own, so one restarting connection never
    /// pauses delivery.
    pub fn connections(mut self, n: usize) -> Self {
        self.connections = n.clamp(1, MAX_CONNECTIONS);
        self
    }

    /// How many connections are kept open.
    pub fn connection_count(&self) -> usize {
        self.connections
    }

    /// Acknowledge an envelope whose handler has not within `deadline` (default 2.5 s,
    /// inside Slack's 3 s); the handler keeps running. A handler can move its own deadline
    /// with [`Acker::set_deadline`](crate::Acker::set_deadline).
    pub fn ack_deadline(mut self, deadline: Duration) -> Self {
        self.connection = self.connection.ack_deadline(deadline);
        self
    }

    /// Ping Slack every `interval` (default 10 s; zero: no pings of ours).
    pub fn ping_interval(mut self, interval: Duration) -> Self {
        self.connection = self.connection.ping_interval(interval);
        self
    }

    /// Replace a connection after `silence` without anything from Slack (default 30 s).
    pub fn stale_after(mut self, silence: Duration) -> Self {
        self.connection = self.connection.stale_after(silence);
        self
    }

    /// The longest wait between connection attempts (default 300 s; jittered exponential
    /// backoff below it, `Retry-After` honoured).
    pub fn max_backoff(mut self, max: Duration) -> Self {
        self.reconnect = self.reconnect.max_backoff(max);
        self
    }

    /// Run at most `n` handlers at once (default 64). Beyond that, envelopes wait in a
    /// buffer, and when it is full the client stops reading from Slack until handlers catch
    /// up: memory stays bounded, and envelopes still get their ack at the deadline.
    pub fn max_concurrent_handlers(mut self, n: usize) -> Self {
        self.max_concurrent_handlers = n.max(1);
        self
    }

    /// How many received envelopes may wait for a free handler slot (default 256).
    pub fn buffer(mut self, n: usize) -> Self {
        self.buffer = n.max(1);
        self
    }

    /// How long a stop waits for running handlers (default 10 s).
    pub fn shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.shutdown_timeout = timeout;
        self
    }

    /// How long one websocket write (an ack, a ping, a pong, a close) may take before its
    /// connection is given up (default 10 s). A write blocks when Slack stops reading (a full
    /// TCP window); while it does, the connection's pings, staleness check and other acks
    /// wait too, so this bounds how long a stuck peer holds them: the connection then closes
    /// as failed ([`ErrorEvent::Websocket`] with a timeout), its unacknowledged envelopes
    /// come again on another, and a new connection opens. A write that completes at once
    /// costs no timer.
    ///
    /// ```
    /// # use std::time::Duration;
    /// let o = slack_socket_mode::SocketModeOptions::default().send_timeout(Duration::from_secs(3));
    /// # let _ = o;
    /// ```
    pub fn send_timeout(mut self, timeout: Duration) -> Self {
        self.send_timeout = timeout;
        self
    }

    /// Where re-deliveries are recognised (default: in memory, 10 minutes, 10,000 keys);
    /// `None` hands every delivery to the handler. A recognised re-delivery is acknowledged
    /// and not handled again.
    pub fn dedupe(mut self, store: Option<Arc<dyn DedupeStore>>) -> Self {
        self.dedupe = store;
        self
    }

    /// Called for each [`ErrorEvent`] (they are also logged with `tracing`).
    pub fn on_error(mut self, f: impl Fn(&ErrorEvent) + Send + Sync + 'static) -> Self {
        self.on_error = Some(Arc::new(f));
        self
    }

    /// Seed the backoff jitter (tests).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    pub(crate) fn connection_config(&self) -> ConnectionConfig {
        self.connection
    }

    pub(crate) fn reconnect_config(&self) -> ReconnectConfig {
        self.reconnect
    }

    pub(crate) fn handler_limit(&self) -> usize {
        self.max_concurrent_handlers
    }

    pub(crate) fn buffer_size(&self) -> usize {
        self.buffer
    }

    pub(crate) fn shutdown(&self) -> Duration {
        self.shutdown_timeout
    }

    pub(crate) fn send_limit(&self) -> Duration {
        self.send_timeout
    }

    pub(crate) fn dedupe_store(&self) -> Option<&Arc<dyn DedupeStore>> {
        self.dedupe.as_ref()
    }

    pub(crate) fn seed_value(&self) -> Option<u64> {
        self.seed
    }

    pub(crate) fn report(&self, event: &ErrorEvent) {
        tracing::warn!(error = %event, "socket mode");
        if let Some(f) = &self.on_error {
            f(event);
        }
    }
}
