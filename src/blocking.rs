//! A blocking Web API client, for scripts and programs without an async runtime.
//!
//! Like `reqwest::blocking`: a background thread runs a current-thread tokio runtime and the
//! async [`WebClient`](crate::WebClient); each call is sent to it over a channel and the
//! caller's thread waits for the answer. The connection pool and retry policy are those of
//! the async client. Do not call it from inside an async runtime (it would block that
//! runtime's thread).
//!
//! [`pages`](WebClient::pages) and [`items`](WebClient::items) fetch a page only when the
//! iterator asks for it, as one more job on the background thread; nothing waits on that
//! thread between pages, so the loop body may call the client (as in the example below)
//! without deadlocking it.
//!
//! ```no_run
//! use slack_sdk::api::conversations;
//! let client = slack_sdk::blocking::WebClient::new("xoxb-your-token")?;
//! for channel in client.items(conversations::List::new().limit(200)) {
//!     let channel = channel?;
//!     let members = client.call(conversations::Members::new(channel.id.clone()))?;
//!     println!("{}: {} members", channel.id, members.members.len());
//! }
//! # Ok::<(), slack_sdk::Error>(())
//! ```
//!
//! ```no_run
//! use slack_sdk::api::chat;
//! let client = slack_sdk::blocking::WebClient::new("xoxb-your-token")?;
//! let posted = client.call(chat::PostMessage::new("#general").text("Hello"))?;
//! println!("{}", posted.ts);
//! # Ok::<(), slack_sdk::Error>(())
//! ```

use std::sync::mpsc;
use std::thread;

use std::fmt;

use futures_util::StreamExt;
use slack_core::api::SlackMethod;
use slack_core::files::{FilesUploadV2, UploadResponse};
use slack_core::transport::BoxFuture;
use slack_core::{Args, CallOptions, Error, Paginated, Response, Result, SlackResponse};

type AsyncClient = crate::WebClient;
type Job = Box<dyn FnOnce(AsyncClient) -> BoxFuture<'static, ()> + Send>;

/// The blocking client. Cheap to clone; clones share the background thread.
#[derive(Debug, Clone)]
pub struct WebClient {
    jobs: tokio::sync::mpsc::UnboundedSender<Job>,
    client: AsyncClient,
}

impl WebClient {
    /// A client with `token` and default settings.
    pub fn new(token: impl Into<slack_core::Token>) -> Result<Self> {
        Self::from_async(crate::WebClient::new(token))
    }

    /// A client from settings (`WebClient::from_builder(slack_sdk::WebClient::builder().token(t))`).
    pub fn from_builder(builder: crate::WebClientBuilder) -> Result<Self> {
        Self::from_async(builder.build()?)
    }

    /// Wrap an async client: its calls run on a dedicated background thread.
    pub fn from_async(client: AsyncClient) -> Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| {
                Error::validation(
                    "runtime",
                    format!("cannot start the background runtime: {e}"),
                )
            })?;
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Job>();
        let worker = client.clone();
        thread::Builder::new()
            .name("slack-sdk-blocking".into())
            .spawn(move || {
                runtime.block_on(async move {
                    // Calls run concurrently on the background runtime; the loop ends when
                    // every handle is dropped.
                    let mut running = tokio::task::JoinSet::new();
                    loop {
                        tokio::select! {
                            job = rx.recv() => match job {
                                Some(job) => { running.spawn(job(worker.clone())); }
                                None => break,
                            },
                            Some(_) = running.join_next(), if !running.is_empty() => {}
                        }
                    }
                    while running.join_next().await.is_some() {}
                });
            })
            .map_err(|e| {
                Error::validation(
                    "runtime",
                    format!("cannot start the background thread: {e}"),
                )
            })?;
        Ok(WebClient { jobs: tx, client })
    }

    /// The async client behind this one.
    pub fn as_async(&self) -> &AsyncClient {
        &self.client
    }

    fn run<O: Send + 'static>(
        &self,
        f: impl FnOnce(AsyncClient) -> BoxFuture<'static, Result<O>> + Send + 'static,
    ) -> Result<O> {
        let (tx, rx) = mpsc::sync_channel(1);
        let job: Job = Box::new(move |client| {
            Box::pin(async move {
                let out = f(client).await;
                let _ = tx.send(out);
            })
        });
        self.jobs
            .send(job)
            .map_err(|_| Error::validation("runtime", "the background thread has stopped"))?;
        rx.recv().map_err(|_| {
            Error::validation("runtime", "the background thread stopped before answering")
        })?
    }

    /// Call a typed request and wait for the answer.
    pub fn call<R: SlackMethod + 'static>(&self, request: R) -> Result<Response<R::Response>> {
        self.run(move |c| Box::pin(async move { c.call(request).await }))
    }

    /// [`call`](WebClient::call) with per-call options.
    pub fn call_with<R: SlackMethod + 'static>(
        &self,
        request: R,
        options: CallOptions,
    ) -> Result<Response<R::Response>> {
        self.run(move |c| Box::pin(async move { c.call_with(request, options).await }))
    }

    /// Call any method by name.
    pub fn api_call(&self, method: &str, args: Args) -> Result<SlackResponse> {
        let method = method.to_owned();
        self.run(move |c| Box::pin(async move { c.api_call(&method, args).await }))
    }

    /// [`api_call`](WebClient::api_call) with per-call options (token, encoding, timeout).
    ///
    /// ```no_run
    /// use slack_sdk::{Args, CallOptions};
    /// let client = slack_sdk::blocking::WebClient::new("xoxb-your-token")?;
    /// let me = client.api_call_with("auth.test", Args::new(), CallOptions::default().token("xoxp-other"))?;
    /// println!("{}", me.get("user_id"));
    /// # Ok::<(), slack_sdk::Error>(())
    /// ```
    pub fn api_call_with(
        &self,
        method: &str,
        args: Args,
        options: CallOptions,
    ) -> Result<SlackResponse> {
        let method = method.to_owned();
        self.run(move |c| Box::pin(async move { c.api_call_with(&method, args, options).await }))
    }

    /// Upload files and share them (`files.getUploadURLExternal`, the upload,
    /// `files.completeUploadExternal`); see the async
    /// [`files_upload_v2`](crate::core::WebClient::files_upload_v2).
    ///
    /// ```no_run
    /// use slack_sdk::files::{FilesUploadV2, UploadFile};
    /// let client = slack_sdk::blocking::WebClient::new("xoxb-your-token")?;
    /// let done = client.files_upload_v2(
    ///     FilesUploadV2::new(UploadFile::bytes("report.csv", "a,b\n1,2\n")).channel("C123"),
    /// )?;
    /// println!("{} file(s)", done.files.len());
    /// # Ok::<(), slack_sdk::Error>(())
    /// ```
    pub fn files_upload_v2(&self, request: FilesUploadV2) -> Result<Response<UploadResponse>> {
        self.run(move |c| Box::pin(async move { c.files_upload_v2(request).await }))
    }

    /// Every page of a paginated method. A page is fetched when the iterator asks for it,
    /// so the loop body may call the client.
    ///
    /// ```no_run
    /// use slack_sdk::api::conversations;
    /// let client = slack_sdk::blocking::WebClient::new("xoxb-your-token")?;
    /// for page in client.pages(conversations::List::new().limit(200)) {
    ///     for channel in &page?.channels {
    ///         client.call(conversations::Info::new(channel.id.clone()))?;
    ///     }
    /// }
    /// # Ok::<(), slack_sdk::Error>(())
    /// ```
    pub fn pages<R>(&self, request: R) -> Pages<R::Response>
    where
        R: SlackMethod + 'static,
    {
        Pages {
            client: self.clone(),
            stream: Some(self.client.pages(request)),
        }
    }

    /// Every item of a paginated method, typed, page after page (see the async
    /// [`items`](slack_core::WebClient::items)). Pages are fetched as the iterator reaches
    /// them, so the loop body may call the client.
    ///
    /// ```no_run
    /// use slack_sdk::api::users;
    /// let client = slack_sdk::blocking::WebClient::new("xoxb-your-token")?;
    /// for user in client.items(users::List::new()) {
    ///     println!("{}", user?.id);
    /// }
    /// # Ok::<(), slack_sdk::Error>(())
    /// ```
    pub fn items<R>(&self, request: R) -> Items<R::Item>
    where
        R: Paginated + 'static,
        R::Item: Send + 'static,
    {
        Items {
            client: self.clone(),
            stream: Some(self.client.items(request)),
        }
    }

    /// Poll `stream` once on the background thread: `None` once it has ended; an error
    /// (once) when the thread is gone.
    fn next_of<S, T>(&self, slot: &mut Option<S>) -> Option<Result<T>>
    where
        S: futures_util::Stream<Item = Result<T>> + Unpin + Send + 'static,
        T: Send + 'static,
    {
        let mut stream = slot.take()?;
        let polled = self.run(move |_| {
            Box::pin(async move {
                let item = stream.next().await;
                Ok((stream, item))
            })
        });
        match polled {
            Ok((stream, Some(item))) => {
                *slot = Some(stream);
                Some(item)
            }
            Ok((_, None)) => None,
            Err(e) => Some(Err(e)),
        }
    }
}

/// The pages of a paginated method; see [`WebClient::pages`].
pub struct Pages<D> {
    client: WebClient,
    stream: Option<slack_core::Pages<D>>,
}

impl<D> fmt::Debug for Pages<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("done", &self.stream.is_none())
            .finish()
    }
}

impl<D: Send + 'static> Pages<D> {
    /// The cursor of the page to fetch next (after an error, of the page that failed);
    /// `None` for the first page or when done.
    pub fn resume_cursor(&self) -> Option<&str> {
        self.stream.as_ref().and_then(|s| s.resume_cursor())
    }
}

impl<D: Send + 'static> Iterator for Pages<D> {
    type Item = Result<Response<D>>;

    fn next(&mut self) -> Option<Self::Item> {
        self.client.next_of(&mut self.stream)
    }
}

/// The items of every page of a paginated method; see [`WebClient::items`].
pub struct Items<T> {
    client: WebClient,
    stream: Option<slack_core::Items<T>>,
}

impl<T> fmt::Debug for Items<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("done", &self.stream.is_none())
            .finish()
    }
}

impl<T: Send + 'static> Iterator for Items<T> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Self::Item> {
        self.client.next_of(&mut self.stream)
    }
}
