//! [`RtmOptions`]: every setting of an [`RtmClient`](crate::RtmClient), with its default.

use std::time::Duration;

use slack_core::rtm::{ConnectionConfig, ReconnectConfig};

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

/// Settings of an [`RtmClient`](crate::RtmClient), with Python's `RTMClient` options and
/// defaults.
///
/// `#[non_exhaustive]`: start from [`RtmOptions::default`] and chain the by-value setters
/// (each documents its default), or assign the public fields of a default value.
///
/// ```
/// use std::time::Duration;
/// use slack_rtm::RtmOptions;
///
/// let options = RtmOptions::default()
///     .ping_interval(Duration::from_secs(10))
///     .skip_own_messages(true)
///     .event_buffer(64);
/// assert_eq!(options.ping_interval, Duration::from_secs(10));
/// assert!(options.auto_reconnect); // untouched settings keep their defaults
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RtmOptions {
    /// Reconnect after a close (default `true`).
    pub auto_reconnect: bool,
    /// `rtm.connect` (default) or `rtm.start`.
    pub connect_method: ConnectMethod,
    /// Time between pings (default 30 s). No pong for 4 intervals → reconnect. Zero: no
    /// pings and no staleness check.
    pub ping_interval: Duration,
    /// How long one websocket write may take (default 10 s); a write still blocked then
    /// closes the connection, and the client reconnects.
    pub send_timeout: Duration,
    /// Wait for a sent message's ack (default 30 s).
    pub ack_timeout: Duration,
    /// Handlers running at once (default 10). Further events wait in order.
    pub max_concurrent_handlers: usize,
    /// Outgoing queue size (default 256); `send` waits when it is full.
    pub outgoing_queue: usize,
    /// Ignore `message` events from this bot itself (default `false`).
    pub skip_own_messages: bool,
    /// Extra headers for the websocket handshake (default none).
    pub headers: http::HeaderMap,
    /// Longest wait between reconnect attempts (default 300 s).
    pub max_backoff: Duration,
    /// Seed for the reconnect jitter (default `None`: random).
    pub seed: Option<u64>,
    /// How many events may wait for a slow consumer before the client stops reading the
    /// websocket (default 256): per [`events`](crate::RtmClient::events) stream, and in the
    /// queue of handler calls waiting for a free slot. See
    /// [backpressure](crate#backpressure-a-slow-consumer).
    pub event_buffer: usize,
}

impl Default for RtmOptions {
    fn default() -> Self {
        RtmOptions {
            auto_reconnect: true,
            connect_method: ConnectMethod::Connect,
            ping_interval: Duration::from_secs(30),
            send_timeout: Duration::from_secs(10),
            ack_timeout: Duration::from_secs(30),
            max_concurrent_handlers: 10,
            outgoing_queue: 256,
            skip_own_messages: false,
            headers: http::HeaderMap::new(),
            max_backoff: Duration::from_secs(300),
            seed: None,
            event_buffer: 256,
        }
    }
}

impl RtmOptions {
    /// Reconnect after a close (default `true`). Off: the first close ends
    /// [`start`](crate::RtmClient::start) with [`RtmError::Closed`](crate::RtmError::Closed).
    ///
    /// ```
    /// assert!(!slack_rtm::RtmOptions::default().auto_reconnect(false).auto_reconnect);
    /// ```
    pub fn auto_reconnect(mut self, on: bool) -> Self {
        self.auto_reconnect = on;
        self
    }

    /// How the websocket URL is obtained (default [`ConnectMethod::Connect`]).
    ///
    /// ```
    /// use slack_rtm::{ConnectMethod, RtmOptions};
    /// let o = RtmOptions::default().connect_method(ConnectMethod::Start);
    /// assert_eq!(o.connect_method, ConnectMethod::Start);
    /// ```
    pub fn connect_method(mut self, method: ConnectMethod) -> Self {
        self.connect_method = method;
        self
    }

    /// Time between pings (default 30 s). A connection with no frame for four intervals is
    /// stale and replaced: shorter finds dead connections sooner, at a ping per interval.
    ///
    /// Zero turns pings off, and with them the staleness check (an RTM server sends nothing
    /// unasked, so silence would prove nothing): a dead peer is then found only when the
    /// transport reports an error, or a write times out ([`send_timeout`](Self::send_timeout)).
    ///
    /// ```
    /// # use std::time::Duration;
    /// let o = slack_rtm::RtmOptions::default().ping_interval(Duration::from_secs(5));
    /// assert_eq!(o.ping_interval, Duration::from_secs(5));
    /// ```
    pub fn ping_interval(mut self, interval: Duration) -> Self {
        self.ping_interval = interval;
        self
    }

    /// How long one websocket write (a message, a ping, a pong, a close) may take before
    /// the connection is given up (default 10 s). A write blocks when the peer stops reading
    /// (its TCP window is full); while it does, nothing else of the connection moves, so
    /// this bounds how long a stuck peer can hold the client: the connection then ends as
    /// failed ([`ErrorEvent::Connection`](crate::ErrorEvent::Connection) with a timeout),
    /// unacknowledged messages fail, and the client reconnects. Shorter gives up on a slow
    /// link sooner; a write that completes at once costs no timer.
    ///
    /// ```
    /// # use std::time::Duration;
    /// let o = slack_rtm::RtmOptions::default().send_timeout(Duration::from_secs(3));
    /// assert_eq!(o.send_timeout, Duration::from_secs(3));
    /// ```
    pub fn send_timeout(mut self, timeout: Duration) -> Self {
        self.send_timeout = timeout;
        self
    }

    /// How long [`send_message`](crate::RtmHandle::send_message) waits for the server's ack
    /// before failing with [`SendError::Timeout`](crate::SendError::Timeout) (default 30 s).
    ///
    /// ```
    /// # use std::time::Duration;
    /// let o = slack_rtm::RtmOptions::default().ack_timeout(Duration::from_secs(5));
    /// assert_eq!(o.ack_timeout, Duration::from_secs(5));
    /// ```
    pub fn ack_timeout(mut self, timeout: Duration) -> Self {
        self.ack_timeout = timeout;
        self
    }

    /// Handler calls running at once (default 10, at least 1). Further calls wait in order,
    /// up to [`event_buffer`](RtmOptions::event_buffer) of them.
    ///
    /// ```
    /// let o = slack_rtm::RtmOptions::default().max_concurrent_handlers(1);
    /// assert_eq!(o.max_concurrent_handlers, 1);
    /// ```
    pub fn max_concurrent_handlers(mut self, n: usize) -> Self {
        self.max_concurrent_handlers = n;
        self
    }

    /// Outgoing queue size (default 256, at least 1); `send` waits when it is full.
    ///
    /// ```
    /// let o = slack_rtm::RtmOptions::default().outgoing_queue(16);
    /// assert_eq!(o.outgoing_queue, 16);
    /// ```
    pub fn outgoing_queue(mut self, n: usize) -> Self {
        self.outgoing_queue = n;
        self
    }

    /// Ignore `message` events this bot posted itself (default `false`). Costs one
    /// `auth.test` call at start.
    ///
    /// ```
    /// assert!(slack_rtm::RtmOptions::default().skip_own_messages(true).skip_own_messages);
    /// ```
    pub fn skip_own_messages(mut self, on: bool) -> Self {
        self.skip_own_messages = on;
        self
    }

    /// Extra headers for the websocket handshake (default none).
    ///
    /// ```
    /// let mut headers = http::HeaderMap::new();
    /// headers.insert("x-trace", http::HeaderValue::from_static("1"));
    /// let o = slack_rtm::RtmOptions::default().headers(headers);
    /// assert_eq!(o.headers["x-trace"], "1");
    /// ```
    pub fn headers(mut self, headers: http::HeaderMap) -> Self {
        self.headers = headers;
        self
    }

    /// Longest wait between reconnect attempts (default 300 s). A server's `Retry-After`
    /// is honoured even when longer.
    ///
    /// ```
    /// # use std::time::Duration;
    /// let o = slack_rtm::RtmOptions::default().max_backoff(Duration::from_secs(60));
    /// assert_eq!(o.max_backoff, Duration::from_secs(60));
    /// ```
    pub fn max_backoff(mut self, max: Duration) -> Self {
        self.max_backoff = max;
        self
    }

    /// Seed the reconnect jitter (default: random), for reproducible schedules in tests.
    ///
    /// ```
    /// assert_eq!(slack_rtm::RtmOptions::default().seed(7).seed, Some(7));
    /// ```
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// How many events may wait for a slow consumer (default 256, at least 1) before the
    /// client stops reading the websocket until it catches up. Larger absorbs longer bursts
    /// at the cost of memory; nothing is ever dropped. See
    /// [backpressure](crate#backpressure-a-slow-consumer).
    ///
    /// ```
    /// assert_eq!(slack_rtm::RtmOptions::default().event_buffer(32).event_buffer, 32);
    /// ```
    pub fn event_buffer(mut self, n: usize) -> Self {
        self.event_buffer = n;
        self
    }

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

    pub(crate) fn buffer(&self) -> usize {
        self.event_buffer.max(1)
    }

    pub(crate) fn handler_slots(&self) -> usize {
        self.max_concurrent_handlers.max(1)
    }
}
