//! `WebClient<T>`: the generic async driver over the core state machines.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;
use tracing::Instrument;

use crate::api::SlackMethod;
use crate::call::{Action, Call};
use crate::error::{Error, Result};
use crate::limiter::{LimitKey, Rate, RateLimiter, RateTable};
use crate::method::{MethodInfo, Paginated};
use crate::request::{
    encode_request, encode_request_for, Args, CallOptions, ClientConfig, UNKNOWN_METHOD,
};
use crate::response::{Response, SlackResponse};
use crate::retry::{random_seed, RetryPolicy};
use crate::token::Token;
use crate::transport::{BoxFuture, HttpTransport, Timer, WsTransport};

/// An async Web API client over any [`HttpTransport`].
///
/// One concrete type whatever the transport: the transport is held as
/// `Arc<dyn HttpTransport>` (one virtual call per attempt, nothing next to a network round
/// trip), so code written against `&WebClient` is tested with the scripted mock, the
/// emulator or a `mockall` mock without being made generic.
///
/// Cheap to clone: clones share the transport (and its connection pool), the settings and
/// the retry policy. Most users get one through the `slack-sdk` facade
/// (`slack_sdk::WebClient::new(token)`), which picks the transport for them.
///
/// ```no_run
/// # async fn run(transport: impl slack_core::HttpTransport + slack_core::Timer) -> slack_core::Result<()> {
/// use slack_core::{api::chat, WebClient};
///
/// let client = WebClient::builder().token("xoxb-your-token").transport(transport).build()?;
/// let posted = client.call(chat::PostMessage::new("C123").text("Hello!")).await?;
/// println!("posted at {}", posted.ts);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct WebClient {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Arc<dyn HttpTransport>,
    ws: Option<Arc<dyn WsTransport>>,
    timer: Arc<dyn Timer>,
    config: ClientConfig,
    retry: RetryPolicy,
    limiter: Option<Arc<dyn RateLimiter>>,
    rates: RateTable,
    reconcile: crate::reconcile::Reconcile,
    seed: u64,
    calls: AtomicU64,
    /// The limiter's workspace digest of `config.token()`, once a limited call needs it.
    token_digest: std::sync::OnceLock<Option<String>>,
}

impl fmt::Debug for WebClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebClient")
            .field("config", &self.inner.config)
            .field("transport", &self.inner.transport)
            .field("retry", &self.inner.retry)
            .finish()
    }
}

impl WebClient {
    /// Settings for a client; give it a transport and finish with
    /// [`WebClientBuilder::build`].
    pub fn builder() -> WebClientBuilder {
        WebClientBuilder::default()
    }

    /// The settings.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// The transport.
    pub fn transport(&self) -> &Arc<dyn HttpTransport> {
        &self.inner.transport
    }

    /// The websocket transport (RTM, Socket Mode), when the client has one: the transport
    /// given to [`WebClientBuilder::transport_with_ws`] or [`WebClientBuilder::websocket`].
    pub fn ws_transport(&self) -> Option<&Arc<dyn WsTransport>> {
        self.inner.ws.as_ref()
    }

    /// The timer used for retry waits.
    pub fn timer(&self) -> &Arc<dyn Timer> {
        &self.inner.timer
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The reconciliation setting ([`WebClientBuilder::reconcile`]).
    pub fn reconcile_setting(&self) -> &crate::reconcile::Reconcile {
        &self.inner.reconcile
    }

    /// Call any method by name with untyped arguments. Methods missing from the table are
    /// sent as `POST` with a form body.
    ///
    /// ```no_run
    /// # async fn run(client: slack_core::WebClient) -> slack_core::Result<()> {
    /// use slack_core::Args;
    /// let resp = client.api_call("chat.postMessage", Args::new().set("channel", "C123").set("text", "hi")).await?;
    /// println!("{}", resp.get("ts"));
    /// # Ok(()) }
    /// ```
    pub async fn api_call(&self, method: &str, args: Args) -> Result<SlackResponse> {
        self.api_call_with(method, args, CallOptions::default())
            .await
    }

    /// [`api_call`](WebClient::api_call) with per-call options (token, encoding, timeout).
    pub async fn api_call_with(
        &self,
        method: &str,
        args: Args,
        options: CallOptions,
    ) -> Result<SlackResponse> {
        let mut args = args;
        args.read_files().await?;
        match crate::method::lookup(method) {
            Some(info) => self.call_args(info, &args, &options, None).await,
            None => {
                let request = encode_request(&self.inner.config, method, &args, &options)?;
                self.execute(method, None, request, None, options.retry, None)
                    .await
            }
        }
    }

    /// Call a typed request.
    ///
    /// ```no_run
    /// # async fn run(client: slack_core::WebClient) -> slack_core::Result<()> {
    /// use slack_core::api::conversations;
    /// let page = client.call(conversations::List::new().limit(100)).await?;
    /// for c in &page.channels { println!("{}", c.id); }
    /// # Ok(()) }
    /// ```
    pub fn call<R: SlackMethod>(
        &self,
        request: R,
    ) -> impl Future<Output = Result<Response<R::Response>>> + '_ {
        self.call_with(request, CallOptions::default())
    }

    /// [`call`](WebClient::call) with per-call options.
    pub fn call_with<R: SlackMethod>(
        &self,
        request: R,
        options: CallOptions,
    ) -> impl Future<Output = Result<Response<R::Response>>> + '_ {
        // The request becomes arguments before the future starts, so the future holds the
        // arguments, not the request too (it is moved at every level of a caller's futures).
        let info = request.info();
        let args = request.to_args();
        async move {
            let mut args = args?;
            args.read_files().await?;
            // The typed answer is read with the envelope when the body allows (one pass);
            // else it is decoded here.
            let mut raw = self
                .call_args(
                    info,
                    &args,
                    &options,
                    Some(crate::response::tap::decode::<R::Response>),
                )
                .await?;
            let data = match raw.take_typed::<R::Response>() {
                Some(data) => data,
                None => raw.decode::<R::Response>()?,
            };
            Ok(Response::new(data, raw))
        }
    }

    // The call path (`call_args` down to `drive`) hands back one boxed future, made at once:
    // a caller's future then holds a pointer, not the call's whole state, which would be
    // copied into every future up the chain.
    fn call_args<'a>(
        &'a self,
        info: &'static MethodInfo,
        args: &'a Args,
        options: &'a CallOptions,
        typed: Option<crate::response::tap::Decoder>,
    ) -> BoxFuture<'a, Result<SlackResponse>> {
        let reconcile = options.reconcile.as_ref().unwrap_or(&self.inner.reconcile);
        if reconcile.is_enabled() && info.name == "chat.postMessage" {
            return Box::pin(self.post_message_reconciled(info, args, options, reconcile));
        }
        self.call_args_typed(info, args, options, typed)
    }

    /// One call through the retry machine, without reconciliation.
    pub(crate) async fn call_args_once(
        &self,
        info: &'static MethodInfo,
        args: &Args,
        options: &CallOptions,
    ) -> Result<SlackResponse> {
        self.call_args_typed(info, args, options, None).await
    }

    /// [`call_args_once`](Self::call_args_once), with the typed answer's decoder.
    fn call_args_typed<'a>(
        &'a self,
        info: &'static MethodInfo,
        args: &Args,
        options: &CallOptions,
        typed: Option<crate::response::tap::Decoder>,
    ) -> BoxFuture<'a, Result<SlackResponse>> {
        let request = match encode_request_for(&self.inner.config, info.name, info, args, options) {
            Ok(request) => request,
            Err(e) => return Box::pin(std::future::ready(Err(e))),
        };
        // Without a limiter there is nothing to key (the key hashes the token).
        let key = self
            .inner
            .limiter
            .is_some()
            .then(|| self.limit_key(info, args, options));
        self.execute(
            info.name,
            Some(info),
            request,
            key,
            options.retry.clone(),
            typed,
        )
    }

    /// The limiter's key for a call: method, channel, and the workspace of its token.
    fn limit_key(&self, info: &MethodInfo, args: &Args, options: &CallOptions) -> LimitKey {
        let config = &self.inner.config;
        let team = args
            .get("team_id")
            .and_then(|v| v.as_str())
            .or(config.team_id());
        let key = LimitKey::for_call(info, args);
        match &options.token {
            Some(token) => key.in_workspace(Some(token), team),
            // The client's own token: its digest is worked out once.
            None => key.in_workspace_digest(
                self.inner
                    .token_digest
                    .get_or_init(|| config.token().and_then(crate::limiter::workspace_digest))
                    .as_deref(),
                team,
            ),
        }
    }

    /// Run one call through the retry state machine.
    fn execute<'a>(
        &'a self,
        method: &'a str,
        info: Option<&'static MethodInfo>,
        request: crate::transport::HttpRequest,
        key: Option<LimitKey>,
        retry: Option<RetryPolicy>,
        typed: Option<crate::response::tap::Decoder>,
    ) -> BoxFuture<'a, Result<SlackResponse>> {
        let limit = match (&self.inner.limiter, info, key) {
            (Some(l), Some(info), Some(key)) => self
                .inner
                .rates
                .rate(info)
                .map(|rate| (l.clone(), key, rate)),
            _ => None,
        };
        let policy = retry.unwrap_or_else(|| self.inner.retry.clone());
        let limit = limit.map(|(limiter, key, rate)| Limit {
            limiter,
            key,
            rate,
            budget: policy.time_budget(),
        });
        let mut call = Call::new(
            info.unwrap_or(&UNKNOWN_METHOD),
            request,
            policy,
            self.next_seed(),
        );
        if info.is_none_or(|info| info.name != method) {
            call = call.with_method_name(method);
        }
        if let Some(decode) = typed {
            call = call.with_typed(decode);
        }
        self.drive(method, call, limit)
    }

    /// Send a request that is not a Web API call (an upload to a file URL) through the same
    /// driver under `policy` (an upload transfer: one attempt, outside the client policy's
    /// time budget); any 2xx answer is success.
    pub(crate) async fn execute_plain_with(
        &self,
        what: &str,
        request: crate::transport::HttpRequest,
        policy: RetryPolicy,
    ) -> Result<SlackResponse> {
        static PLAIN: MethodInfo = {
            let mut m = MethodInfo::unknown("");
            m.idempotent = true;
            m
        };
        self.execute_plain_as(&PLAIN, what, request, policy).await
    }

    /// [`execute_plain_with`](Self::execute_plain_with) for a write: re-sent only when the attempt
    /// provably did not reach the server.
    pub(crate) async fn execute_plain_write(
        &self,
        what: &str,
        request: crate::transport::HttpRequest,
    ) -> Result<SlackResponse> {
        static PLAIN_WRITE: MethodInfo = MethodInfo::unknown("");
        self.execute_plain_as(&PLAIN_WRITE, what, request, self.inner.retry.clone())
            .await
    }

    async fn execute_plain_as(
        &self,
        info: &'static MethodInfo,
        what: &str,
        request: crate::transport::HttpRequest,
        policy: RetryPolicy,
    ) -> Result<SlackResponse> {
        let call = Call::new(info, request, policy, self.next_seed())
            .with_method_name(what)
            .with_plain_http();
        self.drive(what, call, None).await
    }

    pub(crate) fn next_seed(&self) -> u64 {
        let n = self.inner.calls.fetch_add(1, Ordering::Relaxed);
        self.inner.seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }

    /// The driver loop: the whole of the I/O for one call.
    fn drive<'a>(
        &'a self,
        method: &'a str,
        mut call: Call,
        limit: Option<Limit>,
    ) -> BoxFuture<'a, Result<SlackResponse>> {
        let span = tracing::debug_span!("slack.call", method = %method);
        // Boxed: the loop's state (the call machine, the transport's and timer's futures)
        // lives on the heap, so a caller's future — and the stack that polls it, which in a
        // debug build of a deep chain (RTM over async-std) once overflowed — stays small.
        // Made at once (not in an `async fn`): the call machine goes straight to the heap.
        Box::pin(
            async move {
                let started = self.inner.timer.now();
                // The clock is read once per step: the time a send or a sleep ended is the
                // time the machine is next asked at.
                let mut now = started;
                loop {
                    match call.poll_action(now) {
                        Action::Send(mut req) => {
                            if let Some(limit) = &limit {
                                self.wait_for_slot(method, limit, started, &mut req).await?;
                            }
                            let res = self.inner.transport.send(req).await;
                            now = self.inner.timer.now();
                            if let (Some(limit), Ok(resp)) = (&limit, &res) {
                                limit.learn_channel(resp);
                            }
                            call.handle_response(now, res);
                            // A 429 or an `ok:false` `ratelimited`: everyone on the key waits.
                            if let (Some(after), Some(limit)) = (call.poll_pause(), &limit) {
                                limit.limiter.pause(&limit.key, limit.rate, now + after);
                            }
                        }
                        Action::Sleep(d) => {
                            self.inner.timer.sleep(d).await;
                            now = self.inner.timer.now();
                        }
                        Action::Done(res) => return res,
                    }
                }
            }
            .instrument(span),
        )
    }

    /// Wait for the limiter's slot within the call's time budget, and cut the attempt's
    /// timeout to what the wait left of it. Fails (releasing the slot, nothing sent) when
    /// the slot is past the budget. Dropping the future releases the slot too.
    async fn wait_for_slot(
        &self,
        method: &str,
        limit: &Limit,
        started: std::time::Instant,
        req: &mut crate::transport::HttpRequest,
    ) -> Result<()> {
        let timer = &self.inner.timer;
        let first = limit
            .limiter
            .acquire(&limit.key, limit.rate, timer.now())
            .await;
        let mut guard = SlotGuard {
            limit,
            slot: Some(first),
        };
        loop {
            let now = timer.now();
            let Some(slot) = guard.slot else {
                return Ok(());
            };
            let wait = slot.start.saturating_duration_since(now);
            let remaining = limit
                .budget
                .map(|b| b.saturating_sub(now.saturating_duration_since(started)));
            if let Some(remaining) = remaining {
                if wait >= remaining {
                    // Dropping the guard gives the slot back.
                    return Err(Error::RateLimitWait {
                        method: method.to_owned(),
                        wait,
                        remaining,
                    });
                }
            }
            if !wait.is_zero() {
                tracing::debug!(?wait, "waiting for a rate-limit slot");
                timer.sleep(wait).await;
            }
            let now = timer.now();
            match limit
                .limiter
                .confirm(&limit.key, limit.rate, slot, now)
                .await
            {
                Some(moved) => {
                    tracing::debug!("a rate-limit pause moved the slot");
                    guard.slot = Some(moved);
                }
                None => {
                    // The slot is used from here on, whatever becomes of the send.
                    guard.slot = None;
                    if let Some(b) = limit.budget {
                        let left = b.saturating_sub(now.saturating_duration_since(started));
                        if left.is_zero() {
                            return Err(Error::Timeout {
                                method: method.to_owned(),
                                elapsed: now.saturating_duration_since(started),
                            });
                        }
                        req.timeout = Some(req.timeout.map_or(left, |t| t.min(left)));
                    }
                    return Ok(());
                }
            }
        }
    }

    /// Every page of a cursor-paginated method, as a stream. The stream ends after the page
    /// without a `next_cursor`, or after the first error (the error carries no cursor; the
    /// last good page's `raw().next_cursor()` is where to resume).
    ///
    /// ```no_run
    /// # async fn run(client: slack_core::WebClient) -> slack_core::Result<()> {
    /// use futures_util::StreamExt;
    /// use slack_core::api::conversations;
    ///
    /// let mut pages = client.pages(conversations::List::new().limit(200));
    /// while let Some(page) = pages.next().await {
    ///     for channel in &page?.channels {
    ///         println!("{} {:?}", channel.id, channel.name);
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn pages<R>(&self, request: R) -> Pages<R::Response>
    where
        R: SlackMethod + 'static,
    {
        self.pages_with(request, SlackResponse::decode::<R::Response>)
    }
}

impl WebClient {
    /// Every item of a cursor-paginated method, typed (`Conversation`s of
    /// `conversations.list`, `Message`s of `conversations.history`, the `ApprovedApp`s of
    /// `admin.apps.approved.list`, …), page after page.
    ///
    /// A 429 in the middle waits `Retry-After` (the client's retry policy) and resumes from
    /// the same cursor; other errors end the stream. For a method without a typed item, or
    /// to get the items as JSON, use [`items_raw`](Self::items_raw).
    ///
    /// ```no_run
    /// # async fn run(client: slack_core::WebClient) -> slack_core::Result<()> {
    /// use futures_core::Stream;
    /// use slack_core::api::users;
    ///
    /// let mut members = std::pin::pin!(client.items(users::List::new()));
    /// while let Some(user) = std::future::poll_fn(|cx| members.as_mut().poll_next(cx)).await {
    ///     let user = user?; // a slack_core::types::User
    ///     println!("{} {}", user.id, user.name);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn items<R>(&self, request: R) -> Items<R::Item>
    where
        R: Paginated + 'static,
    {
        let name = request.info().name;
        let pages = self.pages_with(request, |raw: &SlackResponse| {
            Ok(R::into_items(raw.decode::<R::Response>()?))
        });
        Items::new(pages, name)
    }

    /// Every item of a cursor-paginated method as JSON, page after page: the list the method
    /// table names (`MethodInfo::pagination`), or else the page's only list. Works for every
    /// paginated method, typed item or not.
    ///
    /// ```no_run
    /// # async fn run(client: slack_core::WebClient) -> slack_core::Result<()> {
    /// use futures_core::Stream;
    /// use slack_core::api::admin::emoji;
    ///
    /// let mut items = std::pin::pin!(client.items_raw(emoji::List::new()));
    /// while let Some(item) = std::future::poll_fn(|cx| items.as_mut().poll_next(cx)).await {
    ///     println!("{}", item?);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn items_raw<R>(&self, request: R) -> Items<serde_json::Value>
    where
        R: SlackMethod + 'static,
    {
        let info = request.info();
        let field = info.pagination.and_then(|p| p.items_field);
        let name = info.name;
        let pages = self.pages_with(request, move |raw: &SlackResponse| {
            let json = raw.json();
            let found = field.map(str::to_owned).or_else(|| only_list(json));
            match found
                .as_deref()
                .and_then(|f| json.get(f))
                .and_then(|v| v.as_array())
            {
                Some(items) => Ok(items.clone()),
                None => Err(Error::validation(
                    "method",
                    format!("{name}: no list of items in the page; use pages()"),
                )),
            }
        });
        Items::new(pages, name)
    }

    /// [`pages`](Self::pages) with each page decoded by `decode`.
    fn pages_with<R, D>(
        &self,
        request: R,
        decode: impl Fn(&SlackResponse) -> Result<D> + Send + Sync + 'static,
    ) -> Pages<D>
    where
        R: SlackMethod + 'static,
        D: Send + 'static,
    {
        let info = request.info();
        let first = request.to_args();
        let client = self.clone();
        let decode = Arc::new(decode);
        Pages::new(info, move |cursor: Option<String>| {
            let client = client.clone();
            let decode = decode.clone();
            let args = first.as_ref().map(Clone::clone).map_err(clone_validation);
            Box::pin(async move {
                let mut args = args?;
                if let Some(c) = cursor {
                    let arg = info.pagination.map_or("cursor", |p| p.cursor_arg);
                    args.insert(arg, c);
                }
                let raw = client
                    .call_args(info, &args, &CallOptions::default(), None)
                    .await?;
                let data = decode(&raw)?;
                Ok(Response::new(data, raw))
            })
        })
    }
}

/// A stream of the items of every page; see [`WebClient::items`] (typed) and
/// [`WebClient::items_raw`] (`Items<serde_json::Value>`).
pub struct Items<T = serde_json::Value> {
    pages: Pages<Vec<T>>,
    method: &'static str,
    buffer: std::collections::VecDeque<T>,
}

impl<T> fmt::Debug for Items<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("method", &self.method)
            .field("buffered", &self.buffer.len())
            .finish()
    }
}

impl<T: Send + 'static> Items<T> {
    fn new(pages: Pages<Vec<T>>, method: &'static str) -> Self {
        Items {
            pages,
            method,
            buffer: std::collections::VecDeque::new(),
        }
    }

    /// See [`Pages::resume_cursor`].
    pub fn resume_cursor(&self) -> Option<&str> {
        self.pages.resume_cursor()
    }
}

/// The only list in a page, ignoring warnings.
fn only_list(page: &serde_json::Value) -> Option<String> {
    let mut lists = page
        .as_object()?
        .iter()
        .filter(|(k, v)| v.is_array() && k.as_str() != "warnings")
        .map(|(k, _)| k.clone());
    let first = lists.next()?;
    lists.next().is_none().then_some(first)
}

// Items are only moved in and out of the buffer, never pinned.
impl<T> Unpin for Items<T> {}

impl<T: Send + 'static> Stream for Items<T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if let Some(item) = self.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            match Pin::new(&mut self.pages).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(page))) => {
                    let items = page.into_inner();
                    self.buffer.extend(items);
                }
            }
        }
    }
}

fn clone_validation(e: &Error) -> Error {
    match e {
        Error::Validation { field, reason } => Error::validation(field.clone(), reason.clone()),
        other => Error::validation("args", other.to_string()),
    }
}

// ===== Limiter hook =====

/// The limiter, key, rate and time budget of one call.
struct Limit {
    limiter: Arc<dyn RateLimiter>,
    key: LimitKey,
    rate: Rate,
    budget: Option<Duration>,
}

impl Limit {
    /// A `#name` key learns the channel's ID from Slack's answer, so the name and the ID
    /// share one budget. (Pauses on a 429 or a `ratelimited` body come from the call
    /// machine: [`Call::poll_pause`].)
    fn learn_channel(&self, resp: &crate::transport::HttpResponse) {
        let by_name = self
            .key
            .channel
            .as_deref()
            .is_some_and(|c| c.starts_with('#'));
        if !by_name || !resp.status.is_success() {
            return;
        }
        #[derive(serde::Deserialize)]
        struct Answer<'a> {
            #[serde(borrow, default)]
            channel: Option<&'a str>,
        }
        if let Ok(Answer { channel: Some(id) }) = serde_json::from_slice::<Answer<'_>>(&resp.body) {
            self.limiter.learn_channel(&self.key, id);
        }
    }
}

/// Gives an unused slot back to the limiter when dropped (an error, or the call future
/// dropped while waiting).
struct SlotGuard<'a> {
    limit: &'a Limit,
    slot: Option<crate::limiter::Slot>,
}

impl Drop for SlotGuard<'_> {
    fn drop(&mut self) {
        if let Some(slot) = self.slot.take() {
            self.limit
                .limiter
                .release(&self.limit.key, self.limit.rate, slot);
        }
    }
}

// ===== Pages =====

type PageFuture<D> = BoxFuture<'static, Result<Response<D>>>;

/// A stream of pages; see [`WebClient::pages`].
///
/// The stream ends with [`Error::RepeatedCursor`] when the server hands back a cursor it
/// already gave in this stream (a server bug that would otherwise loop for ever).
pub struct Pages<D> {
    fetch: Box<dyn Fn(Option<String>) -> PageFuture<D> + Send + Sync>,
    in_flight: Option<PageFuture<D>>,
    /// The cursor of the page in flight (`None` for the first page).
    cursor: Option<String>,
    /// Every cursor followed so far.
    seen: std::collections::HashSet<String>,
    method: &'static str,
    /// Where the method puts the next cursor (from the method table).
    cursor_at: crate::method::CursorAt,
    done: bool,
}

impl<D> fmt::Debug for Pages<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages").field("done", &self.done).finish()
    }
}

impl<D: Send + 'static> Pages<D> {
    fn new(
        info: &'static MethodInfo,
        fetch: impl Fn(Option<String>) -> PageFuture<D> + Send + Sync + 'static,
    ) -> Self {
        let first = fetch(None);
        Pages {
            fetch: Box::new(fetch),
            in_flight: Some(first),
            cursor: None,
            seen: std::collections::HashSet::new(),
            method: info.name,
            cursor_at: info.pagination.map(|p| p.next_cursor).unwrap_or_default(),
            done: false,
        }
    }

    /// The cursor of the page being fetched — after an error, the page that failed. Resume
    /// later with the same request and `.cursor(c)`. `None` means the first page.
    pub fn resume_cursor(&self) -> Option<&str> {
        self.cursor.as_deref()
    }
}

impl<D: Send + 'static> Stream for Pages<D> {
    type Item = Result<Response<D>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        let Some(fut) = self.in_flight.as_mut() else {
            return Poll::Ready(None);
        };
        match fut.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Ok(page)) => {
                match page.raw().next_cursor_at(self.cursor_at) {
                    Some(c) if self.seen.contains(c) => {
                        // The page is good; the stream ends with the error after it.
                        let err = Error::RepeatedCursor {
                            method: self.method.to_owned(),
                            cursor: c.to_owned(),
                        };
                        self.in_flight = Some(Box::pin(std::future::ready(Err(err))));
                    }
                    Some(c) => {
                        let c = c.to_owned();
                        self.seen.insert(c.clone());
                        let next = (self.fetch)(Some(c.clone()));
                        self.in_flight = Some(next);
                        self.cursor = Some(c);
                    }
                    None => {
                        self.in_flight = None;
                        self.done = true;
                    }
                }
                Poll::Ready(Some(Ok(page)))
            }
            Poll::Ready(Err(e)) => {
                self.in_flight = None;
                self.done = true;
                Poll::Ready(Some(Err(e)))
            }
        }
    }
}

// ===== Builder =====

/// Settings for a [`WebClient`]. Every setting has a documented default; a transport is
/// the one thing without one (the `slack-sdk` facade supplies its default).
///
/// [`build`](Self::build) returns an error for an invalid setting (a malformed base URL or
/// header, no transport, no timer) instead of a client whose every call fails.
#[derive(Debug, Default)]
#[must_use]
pub struct WebClientBuilder {
    config: ClientConfig,
    transport: Option<Arc<dyn HttpTransport>>,
    transport_timer: Option<Arc<dyn Timer>>,
    ws: Option<Arc<dyn WsTransport>>,
    retry: Option<RetryPolicy>,
    timer: Option<Arc<dyn Timer>>,
    limiter: Option<Arc<dyn RateLimiter>>,
    rates: Option<RateTable>,
    reconcile: crate::reconcile::Reconcile,
    error: Option<Error>,
    base_url_set: bool,
}

impl WebClientBuilder {
    /// Default settings, no transport yet (the same as `WebClient::builder()`).
    pub fn new() -> Self {
        WebClientBuilder::default()
    }

    /// The transport, which is also the timer for retry waits (unless [`timer`](Self::timer)
    /// is set). Replaces an earlier transport.
    pub fn transport<T: HttpTransport + Timer>(mut self, transport: T) -> Self {
        let transport = Arc::new(transport);
        self.transport_timer = Some(transport.clone());
        self.transport = Some(transport);
        self
    }

    /// [`transport`](Self::transport) for a transport that also opens websockets (RTM,
    /// Socket Mode): the hyper, async-std and mock transports.
    pub fn transport_with_ws<T: HttpTransport + Timer + WsTransport>(
        mut self,
        transport: T,
    ) -> Self {
        let transport = Arc::new(transport);
        self.transport_timer = Some(transport.clone());
        self.ws = Some(transport.clone());
        self.transport = Some(transport);
        self
    }

    /// A shared transport that is not a [`Timer`]; set one with [`timer`](Self::timer).
    pub fn http_transport(mut self, transport: Arc<dyn HttpTransport>) -> Self {
        self.transport_timer = None;
        self.transport = Some(transport);
        self
    }

    /// The websocket transport for RTM and Socket Mode (default: the transport's, when it
    /// was given with [`transport_with_ws`](Self::transport_with_ws)).
    pub fn websocket(mut self, ws: Arc<dyn WsTransport>) -> Self {
        self.ws = Some(ws);
        self
    }

    /// Whether a transport was given.
    pub fn has_transport(&self) -> bool {
        self.transport.is_some()
    }

    /// Whether [`base_url`](Self::base_url) was called.
    pub fn has_base_url(&self) -> bool {
        self.base_url_set
    }

    /// The token sent as `Authorization: Bearer …` (default: none).
    pub fn token(mut self, token: impl Into<Token>) -> Self {
        self.config.set_token(token);
        self
    }

    /// The base URL (default `https://slack.com/api/`; a trailing `/` is added). An invalid
    /// URL makes [`build`](WebClientBuilder::build) fail.
    pub fn base_url(mut self, url: impl AsRef<str>) -> Self {
        self.base_url_set = true;
        if let Err(e) = self.config.set_base_url(url.as_ref()) {
            self.error.get_or_insert(e);
        }
        self
    }

    /// Text before and after the SDK's `User-Agent` (default: neither).
    pub fn user_agent(mut self, prefix: Option<&str>, suffix: Option<&str>) -> Self {
        if let Err(e) = self.config.set_user_agent(prefix, suffix) {
            self.error.get_or_insert(e);
        }
        self
    }

    /// A header sent with every call.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        if let Err(e) = self.config.add_header(name, value) {
            self.error.get_or_insert(e);
        }
        self
    }

    /// `team_id` sent with every method that accepts it (default: none).
    pub fn team_id(mut self, team_id: impl Into<String>) -> Self {
        self.config.set_team_id(Some(team_id.into()));
        self
    }

    /// Per-attempt timeout (default: the transport's, 30 s for the hyper transport).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.config.set_timeout(Some(timeout));
        self
    }

    /// The retry policy (default: the transport's
    /// [`default_retry_policy`](HttpTransport::default_retry_policy): `slack_retry`'s
    /// recommended policy for the hyper, async-std and mock transports — without jitter on
    /// the mock, so tests see exact waits).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// No retries at all: every failure reaches the caller at once
    /// (`retry_policy(RetryPolicy::none())`).
    pub fn no_retries(self) -> Self {
        self.retry_policy(RetryPolicy::none())
    }

    /// Wait for a slot before each call instead of running into Slack's 429s (default: off).
    ///
    /// Slots follow each method's documented tier and, for `chat.postMessage`, one message
    /// per second per channel. The limiter is shared by every clone of the client; pass the
    /// same `Arc` to several clients to share it further.
    pub fn rate_limiter(mut self, limiter: Arc<dyn RateLimiter>) -> Self {
        self.limiter = Some(limiter);
        self
    }

    /// The allowances the limiter paces calls to (default [`RateTable::slack`]).
    pub fn rate_table(mut self, rates: RateTable) -> Self {
        self.rates = Some(rates);
        self
    }

    /// [`rate_limiter`](Self::rate_limiter) with a fresh
    /// [`InMemoryLimiter`](crate::limiter::InMemoryLimiter).
    pub fn proactive_rate_limiting(self) -> Self {
        self.rate_limiter(Arc::new(crate::limiter::InMemoryLimiter::new()))
    }

    /// Reconcile writes whose outcome is unknown (default: [`Reconcile::off`]): the client
    /// tags each `chat.postMessage` with a unique key and, after an unknown outcome, looks
    /// the key up before sending again. See [`crate::reconcile`]; per call, use
    /// [`CallOptions::reconcile`].
    ///
    /// [`Reconcile::off`]: crate::reconcile::Reconcile::off
    ///
    /// ```no_run
    /// # fn run(transport: impl slack_core::HttpTransport + slack_core::Timer) -> slack_core::Result<()> {
    /// use slack_core::{reconcile::Reconcile, WebClient};
    /// let client = WebClient::builder()
    ///     .token("xoxb-your-token")
    ///     .reconcile(Reconcile::on())
    ///     .transport(transport)
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    pub fn reconcile(mut self, reconcile: crate::reconcile::Reconcile) -> Self {
        self.reconcile = reconcile;
        self
    }

    /// A timer other than the transport's (required with
    /// [`http_transport`](Self::http_transport)).
    pub fn timer(mut self, timer: Arc<dyn Timer>) -> Self {
        self.timer = Some(timer);
        self
    }

    /// The client, or the first invalid setting: a malformed base URL, `User-Agent` or
    /// header, no transport, or a transport without a timer.
    pub fn build(mut self) -> Result<WebClient> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let Some(transport) = self.transport.take() else {
            return Err(Error::validation(
                "transport",
                "no transport: give one with WebClientBuilder::transport \
                 (slack_sdk::WebClient::builder() defaults to the hyper transport)",
            ));
        };
        let Some(timer) = self.timer.take().or(self.transport_timer.take()) else {
            return Err(Error::validation(
                "timer",
                "a transport that is not a Timer needs WebClientBuilder::timer",
            ));
        };
        Ok(self.finish(transport, timer))
    }

    fn finish(self, transport: Arc<dyn HttpTransport>, timer: Arc<dyn Timer>) -> WebClient {
        let retry = self
            .retry
            .unwrap_or_else(|| transport.default_retry_policy());
        let seed = retry.seed.unwrap_or_else(random_seed);
        WebClient {
            inner: Arc::new(Inner {
                transport,
                ws: self.ws,
                timer,
                config: self.config,
                retry,
                limiter: self.limiter,
                rates: self.rates.unwrap_or_default(),
                reconcile: self.reconcile,
                seed,
                calls: AtomicU64::new(0),
                token_digest: std::sync::OnceLock::new(),
            }),
        }
    }

    /// Build over `transport` (HTTP, websockets and timer) for constructors that cannot
    /// return a `Result`: an invalid setting gives a client whose every call fails with that
    /// error, before anything is sent.
    pub fn build_or_failing_with<T: HttpTransport + Timer + WsTransport>(
        mut self,
        transport: T,
    ) -> WebClient {
        let error = self.error.take();
        let transport = Arc::new(transport);
        let timer: Arc<dyn Timer> = self.timer.take().unwrap_or_else(|| transport.clone());
        self.ws = Some(transport.clone());
        if let Some(e) = error {
            self.config.poison(e.to_string());
        }
        self.finish(transport, timer)
    }

    /// `transport(transport).build()`.
    pub fn build_with<T: HttpTransport + Timer>(self, transport: T) -> Result<WebClient> {
        self.transport(transport).build()
    }
}
