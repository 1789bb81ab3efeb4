//! [`RedisLimiter`]: the [`RateLimiter`] every replica shares, and its builder.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use redis::aio::MultiplexedConnection;
use redis::{AsyncConnectionConfig, ErrorKind, RedisError, ServerErrorKind};
use slack_core::limiter::{InMemoryLimiter, LimitKey, Rate, RateLimiter, Slot};
use slack_core::transport::BoxFuture;

use crate::error::Error;
use crate::health::{Change, Health, Route};
use crate::script::{self, Answer, Op, Ticket};
use crate::url;

/// A [`RateLimiter`] whose budget lives in Redis, shared by every process that points at
/// the same server and key prefix.
///
/// Each call reserves its slot with the same GCRA as
/// [`InMemoryLimiter`], run atomically by one Lua script on the server (`EVALSHA`, and
/// `EVAL` when the server answers `NOSCRIPT`, after a restart or `SCRIPT FLUSH`). Keys are
/// per workspace (the key's token digest, never the token) and method, plus the channel for
/// `chat.postMessage`, and expire once idle. A 429 seen by any replica
/// ([`pause`](RateLimiter::pause)) pauses the key for all of them until `Retry-After`, slots
/// already handed out included.
///
/// Every Redis call is bounded by [`timeout`](RedisLimiterBuilder::timeout). When Redis
/// cannot be reached the limiter logs one warning and paces calls with an
/// [`InMemoryLimiter`] instead (so calls never wait on a dead server); every
/// [`retry_interval`](RedisLimiterBuilder::retry_interval) one call tries Redis again, and
/// the limiter goes back to it when it answers.
///
/// It needs a tokio runtime with time enabled. Clones share one connection and state.
///
/// ```no_run
/// use std::sync::Arc;
/// use std::time::Duration;
/// use slack_limiter_redis::RedisLimiter;
///
/// # fn run(builder: slack_core::WebClientBuilder) -> Result<(), Box<dyn std::error::Error>> {
/// let limiter = RedisLimiter::builder("redis://:secret@10.0.0.5:6379/0")
///     .key_prefix("mybot:rl:")
///     .timeout(Duration::from_millis(200))
///     .build()?;
/// assert!(!format!("{limiter:?}").contains("secret"));
/// // `builder`: a `WebClient::builder()` with its token and transport set.
/// let client = builder.rate_limiter(Arc::new(limiter)).build()?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisLimiter {
    inner: Arc<Inner>,
}

/// Configuration for a [`RedisLimiter`]; see [`RedisLimiter::builder`].
///
/// ```
/// use std::time::Duration;
/// use slack_limiter_redis::RedisLimiter;
///
/// let limiter = RedisLimiter::builder("redis://127.0.0.1:6379")
///     .key_prefix("bot-a:")
///     .timeout(Duration::from_millis(100))
///     .retry_interval(Duration::from_secs(5))
///     .key_grace(Duration::from_secs(30))
///     .build()
///     .unwrap();
/// assert_eq!(limiter.key_prefix(), "bot-a:");
/// ```
#[must_use]
pub struct RedisLimiterBuilder {
    url: String,
    prefix: String,
    timeout: Duration,
    retry_interval: Duration,
    key_grace: Duration,
    max_keys: usize,
}

impl fmt::Debug for RedisLimiterBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisLimiterBuilder")
            .field("url", &url::redact(&self.url))
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .field("retry_interval", &self.retry_interval)
            .field("key_grace", &self.key_grace)
            .field("max_keys", &self.max_keys)
            .finish()
    }
}

impl RedisLimiterBuilder {
    /// Prepended to every key the limiter writes (default `slack:rl:`). Bots that must not
    /// share a budget on one server (two apps, or a test) use different prefixes.
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// How long one Redis call may take, connecting included (default 250 ms). Past it the
    /// call is paced by the in-memory fallback. Shorter keeps a slow Redis from slowing
    /// Slack calls down; too short falls back on a merely busy server.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// During an outage, how often one call tries Redis again (default 2 s).
    pub fn retry_interval(mut self, interval: Duration) -> Self {
        self.retry_interval = interval;
        self
    }

    /// How long a key outlives its last reserved slot before Redis expires it (default
    /// 60 s). An expired key is the same as an idle one; the grace only has to cover a
    /// caller that wakes late for its slot.
    pub fn key_grace(mut self, grace: Duration) -> Self {
        self.key_grace = grace;
        self
    }

    /// The in-memory fallback's and the learnt channel names' key cap (default 100,000;
    /// see [`InMemoryLimiter::max_keys`]).
    pub fn max_keys(mut self, n: usize) -> Self {
        self.max_keys = n;
        self
    }

    /// The limiter. Nothing is connected yet: the first call connects, so a limiter built
    /// while Redis is down starts on its fallback.
    ///
    /// # Errors
    /// [`Error::InvalidUrl`] when the URL cannot be parsed.
    pub fn build(self) -> Result<RedisLimiter, Error> {
        let redacted = url::redact(&self.url);
        let client = redis::Client::open(self.url.as_str()).map_err(|e| Error::InvalidUrl {
            url: redacted.clone(),
            reason: url::scrub(&e.to_string(), &self.url),
        })?;
        let inner = Inner {
            client,
            password: url::password(&self.url).map(str::to_owned),
            url: redacted,
            prefix: self.prefix,
            timeout: self.timeout,
            key_grace: self.key_grace,
            sha: redis::Script::new(script::LUA).get_hash().to_owned(),
            conn: tokio::sync::Mutex::new(None),
            health: Mutex::new(Health::new(self.retry_interval)),
            fallback: InMemoryLimiter::new().max_keys(self.max_keys),
            max_keys: self.max_keys.max(16),
            aliases: Mutex::default(),
            pending: Mutex::default(),
        };
        Ok(RedisLimiter {
            inner: Arc::new(inner),
        })
    }
}

struct Inner {
    client: redis::Client,
    /// Only to scrub it from error messages.
    password: Option<String>,
    /// Redacted.
    url: String,
    prefix: String,
    timeout: Duration,
    key_grace: Duration,
    sha: String,
    conn: tokio::sync::Mutex<Option<MultiplexedConnection>>,
    health: Mutex<Health>,
    fallback: InMemoryLimiter,
    max_keys: usize,
    /// `(workspace, #name)` to channel ID, learnt from Slack's answers.
    aliases: Mutex<HashMap<(Option<String>, String), String>>,
    /// Pauses not yet written to Redis.
    pending: Mutex<Vec<PendingPause>>,
}

struct PendingPause {
    key: String,
    rate: Rate,
    until: Instant,
}

/// Most pauses queued for Redis; past it the oldest are dropped (the local fallback still
/// holds them).
const MAX_PENDING: usize = 1024;

impl fmt::Debug for RedisLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisLimiter")
            .field("url", &self.inner.url)
            .field("prefix", &self.inner.prefix)
            .field("timeout", &self.inner.timeout)
            .field("on_fallback", &self.is_on_fallback())
            .finish_non_exhaustive()
    }
}

impl RedisLimiter {
    /// A builder for the server at `url` (`redis://[user:password@]host[:port][/db]`, or
    /// `rediss://` when the `redis` crate is built with TLS).
    pub fn builder(url: impl Into<String>) -> RedisLimiterBuilder {
        RedisLimiterBuilder {
            url: url.into(),
            prefix: "slack:rl:".to_owned(),
            timeout: Duration::from_millis(250),
            retry_interval: Duration::from_secs(2),
            key_grace: Duration::from_secs(60),
            max_keys: 100_000,
        }
    }

    /// A limiter with the default settings; see [`builder`](Self::builder).
    ///
    /// ```
    /// let limiter = slack_limiter_redis::RedisLimiter::new("redis://127.0.0.1/").unwrap();
    /// assert!(slack_limiter_redis::RedisLimiter::new("http://nope").is_err());
    /// # drop(limiter);
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidUrl`] when the URL cannot be parsed.
    pub fn new(url: impl Into<String>) -> Result<Self, Error> {
        RedisLimiter::builder(url).build()
    }

    /// The key prefix.
    pub fn key_prefix(&self) -> &str {
        &self.inner.prefix
    }

    /// The SHA-1 of the limiter's Lua script, as `EVALSHA` and `SCRIPT EXISTS` name it.
    pub fn script_sha(&self) -> &str {
        &self.inner.sha
    }

    /// Whether calls are paced by the in-memory fallback now (Redis could not be reached).
    pub fn is_on_fallback(&self) -> bool {
        !self.inner.health().is_up()
    }

    /// The Redis key that holds `key`'s budget (a hash, `tat` and `ep`), for monitoring.
    ///
    /// ```
    /// use slack_core::limiter::LimitKey;
    /// let limiter = slack_limiter_redis::RedisLimiter::new("redis://127.0.0.1/").unwrap();
    /// let key = LimitKey { workspace: Some("0a1b".into()), method: "chat.postMessage".into(), channel: Some("C0123ABCD".into()) };
    /// assert_eq!(limiter.redis_key(&key), "slack:rl:0a1b:chat.postMessage:C0123ABCD");
    /// ```
    pub fn redis_key(&self, key: &LimitKey) -> String {
        self.inner.redis_key(key)
    }

    /// Write the pauses this process has seen (429s) to Redis now. [`pause`](RateLimiter::pause)
    /// queues them and writes them from a spawned task (or at this process's next
    /// acquire or confirm, outside a tokio runtime); await this to be sure the other
    /// replicas see them, before shutting down for example.
    ///
    /// ```no_run
    /// # async fn run(limiter: slack_limiter_redis::RedisLimiter) {
    /// limiter.flush_pauses().await;
    /// # }
    /// ```
    pub async fn flush_pauses(&self) {
        self.inner.flush_pending().await;
    }

    /// Ask the server for a `PONG` within the timeout (a readiness check). Does not change
    /// whether the limiter is on its fallback.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), slack_limiter_redis::Error> {
    /// let limiter = slack_limiter_redis::RedisLimiter::new("redis://127.0.0.1/")?;
    /// limiter.ping().await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Timeout`] or [`Error::Redis`] when the server cannot be reached.
    pub async fn ping(&self) -> Result<(), Error> {
        let inner = &self.inner;
        let call = async {
            let mut conn = inner.connection(Route::Probe).await?;
            redis::cmd("PING")
                .query_async::<String>(&mut conn)
                .await
                .map_err(|e| inner.error(&e))
        };
        match tokio::time::timeout(inner.timeout, call).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => {
                inner.forget_connection().await;
                Err(e)
            }
            Err(_) => {
                inner.forget_connection().await;
                Err(inner.timeout_error())
            }
        }
    }
}

// ===== impl Inner

impl Inner {
    fn health(&self) -> MutexGuard<'_, Health> {
        // A poisoned lock only means a caller panicked mid-update; the state is still valid.
        self.health.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn redis_key(&self, key: &LimitKey) -> String {
        let mut channel = key.channel.clone();
        if let Some(name) = channel.as_deref().filter(|c| c.starts_with('#')) {
            let aliases = self.aliases.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(id) = aliases.get(&(key.workspace.clone(), name.to_owned())) {
                channel = Some(id.clone());
            }
        }
        let mut s = format!(
            "{}{}:{}",
            self.prefix,
            key.workspace.as_deref().map_or("-".into(), escape),
            escape(&key.method)
        );
        if let Some(c) = channel {
            s.push(':');
            s.push_str(&escape(&c));
        }
        s
    }

    fn error(&self, e: &RedisError) -> Error {
        let mut reason = e.to_string();
        if let Some(pw) = &self.password {
            reason = reason.replace(pw.as_str(), "***");
        }
        Error::Redis {
            url: self.url.clone(),
            reason,
            outage: e.is_io_error()
                || e.is_connection_refusal()
                || e.is_connection_dropped()
                || e.is_timeout(),
        }
    }

    fn timeout_error(&self) -> Error {
        Error::Timeout {
            url: self.url.clone(),
            timeout: self.timeout,
        }
    }

    /// The shared connection, connecting first when there is none.
    async fn connection(&self, route: Route) -> Result<MultiplexedConnection, Error> {
        let mut conn = self.conn.lock().await;
        if let Some(c) = conn.as_ref() {
            return Ok(c.clone());
        }
        if route == Route::Redis && !self.health().is_up() {
            // Another caller's attempt failed while this one waited: do not try again.
            return Err(Error::Redis {
                url: self.url.clone(),
                reason: "unavailable".into(),
                outage: true,
            });
        }
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(self.timeout))
            .set_response_timeout(Some(self.timeout));
        let c = self
            .client
            .get_multiplexed_async_connection_with_config(&config)
            .await
            .map_err(|e| self.error(&e))?;
        *conn = Some(c.clone());
        Ok(c)
    }

    async fn forget_connection(&self) {
        *self.conn.lock().await = None;
    }

    /// Run `op` on `key` once, within the timeout.
    async fn run(&self, route: Route, key: &str, op: Op, rate: Rate) -> Result<Answer, Error> {
        let call = async {
            let mut conn = self.connection(route).await?;
            let args = script::args(op, rate.interval, rate.burst, self.key_grace);
            let sent = redis::cmd("EVALSHA")
                .arg(&self.sha)
                .arg(1)
                .arg(key)
                .arg(&args)
                .query_async::<Vec<i64>>(&mut conn)
                .await;
            let reply = match sent {
                Ok(r) => r,
                Err(e) if e.kind() == ErrorKind::Server(ServerErrorKind::NoScript) => {
                    // A restarted or flushed server: EVAL sends the source and caches it.
                    tracing::debug!("limiter script not cached on the server; sending it");
                    redis::cmd("EVAL")
                        .arg(script::LUA)
                        .arg(1)
                        .arg(key)
                        .arg(&args)
                        .query_async::<Vec<i64>>(&mut conn)
                        .await
                        .map_err(|e| self.error(&e))?
                }
                Err(e) => return Err(self.error(&e)),
            };
            script::decode(op, &reply).map_err(Error::Reply)
        };
        match tokio::time::timeout(self.timeout, call).await {
            Ok(r) => r,
            Err(_) => Err(self.timeout_error()),
        }
    }

    /// `op` on Redis when it is usable; `None` means use the fallback. Keeps the outage
    /// state and its log lines.
    async fn attempt(&self, key: &str, op: Op, rate: Rate) -> Option<Answer> {
        let route = self.health().route(Instant::now());
        if route == Route::Fallback {
            return None;
        }
        let result = self.run(route, key, op, rate).await;
        let now = Instant::now();
        match result {
            Ok(answer) => {
                if let Change::CameBack(outage) = self.health().handle_success(now) {
                    tracing::info!(url = %self.url, ?outage, "Redis rate limiter reachable again; sharing the budget through it");
                }
                Some(answer)
            }
            Err(e) => {
                let change = self.health().handle_failure(now);
                if change == Change::WentDown {
                    tracing::warn!(url = %self.url, error = %e, "Redis rate limiter unavailable; pacing calls in memory until it returns");
                } else {
                    tracing::debug!(error = %e, "Redis rate limiter still unavailable");
                }
                self.forget_connection().await;
                None
            }
        }
    }

    /// Write the pauses queued by [`RateLimiter::pause`] to Redis.
    async fn flush_pending(&self) {
        let pending = std::mem::take(&mut *self.pending.lock().unwrap_or_else(|p| p.into_inner()));
        for p in pending {
            let after = p.until.saturating_duration_since(Instant::now());
            if self
                .attempt(&p.key, Op::Pause { after }, p.rate)
                .await
                .is_none()
            {
                // Down: the fallback already holds every pause.
                return;
            }
        }
    }

    fn spawn<F>(self: &Arc<Self>, job: impl FnOnce(Arc<Self>) -> F)
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            handle.spawn(job(self.clone()));
        }
    }
}

/// `:` separates a key's parts, so it (and `%`) is escaped inside them.
fn escape(part: &str) -> String {
    if part.contains([':', '%']) {
        part.replace('%', "%25").replace(':', "%3A")
    } else {
        part.to_owned()
    }
}

fn memory_slot(s: Slot) -> Slot {
    Slot {
        start: s.start,
        ticket: Ticket::Memory(s.ticket).encode(),
    }
}

// ===== impl RateLimiter

impl RateLimiter for RedisLimiter {
    fn acquire(&self, key: &LimitKey, rate: Rate, now: Instant) -> BoxFuture<'_, Slot> {
        let key = key.clone();
        Box::pin(async move {
            let inner = &self.inner;
            inner.flush_pending().await;
            let rkey = inner.redis_key(&key);
            match inner.attempt(&rkey, Op::Acquire, rate).await {
                Some(Answer::Slot { delay, ticket }) => Slot {
                    start: now.checked_add(delay).unwrap_or(now),
                    ticket,
                },
                _ => memory_slot(inner.fallback.acquire(&key, rate, now).await),
            }
        })
    }

    fn confirm(
        &self,
        key: &LimitKey,
        rate: Rate,
        slot: Slot,
        now: Instant,
    ) -> BoxFuture<'_, Option<Slot>> {
        let key = key.clone();
        Box::pin(async move {
            let inner = &self.inner;
            match Ticket::decode(slot.ticket) {
                Ticket::Memory(ticket) => {
                    let slot = Slot {
                        start: slot.start,
                        ticket,
                    };
                    let moved = inner.fallback.confirm(&key, rate, slot, now).await;
                    moved.map(memory_slot)
                }
                Ticket::Redis { epoch, .. } => {
                    inner.flush_pending().await;
                    let rkey = inner.redis_key(&key);
                    match inner.attempt(&rkey, Op::Confirm { epoch }, rate).await {
                        Some(Answer::Slot { delay, ticket }) => Some(Slot {
                            start: now.checked_add(delay).unwrap_or(now),
                            ticket,
                        }),
                        // Go; or Redis went down since the slot was reserved, and the
                        // slot it gave stands.
                        _ => None,
                    }
                }
            }
        })
    }

    fn release(&self, key: &LimitKey, rate: Rate, slot: Slot) {
        match Ticket::decode(slot.ticket) {
            Ticket::Memory(ticket) => {
                let slot = Slot {
                    start: slot.start,
                    ticket,
                };
                self.inner.fallback.release(key, rate, slot);
            }
            Ticket::Redis { epoch, tag } => {
                let rkey = self.inner.redis_key(key);
                self.inner.spawn(move |inner| async move {
                    inner.attempt(&rkey, Op::Release { epoch, tag }, rate).await;
                });
            }
        }
    }

    fn pause(&self, key: &LimitKey, rate: Rate, until: Instant) {
        // Locally at once (and for the fallback), then for every replica.
        self.inner.fallback.pause(key, rate, until);
        let job = PendingPause {
            key: self.inner.redis_key(key),
            rate,
            until,
        };
        {
            let mut pending = self.inner.pending.lock().unwrap_or_else(|p| p.into_inner());
            if pending.len() >= MAX_PENDING {
                pending.remove(0);
            }
            pending.push(job);
        }
        // Without a runtime here, the next acquire or confirm writes it.
        self.inner
            .spawn(|inner| async move { inner.flush_pending().await });
    }

    fn learn_channel(&self, key: &LimitKey, id: &str) {
        self.inner.fallback.learn_channel(key, id);
        let Some(name) = key.channel.as_deref().filter(|c| c.starts_with('#')) else {
            return;
        };
        // Only what looks like a conversation ID (the in-memory limiter's test).
        let looks_like_id = id.len() >= 7
            && matches!(
                id.as_bytes().first(),
                Some(b'C' | b'G' | b'D' | b'U' | b'W')
            )
            && id
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if !looks_like_id {
            return;
        }
        let mut aliases = self.inner.aliases.lock().unwrap_or_else(|p| p.into_inner());
        if aliases.len() >= self.inner.max_keys {
            aliases.clear();
        }
        aliases.insert((key.workspace.clone(), name.to_owned()), id.to_owned());
    }
}
