//! A blocking Web API client, for scripts and programs without an async runtime.
//!
//! Like `reqwest::blocking`: a background thread runs a current-thread tokio runtime and the
//! async [`WebClient`](crate::WebClient); each call is sent to it over a channel and the
//! caller's thread waits for the answer. The connection pool and retry policy are those of
//! the async client. Do not call it from inside an async runtime (it would block that
//! runtime's thread).
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

use slack_core::api::SlackMethod;
use slack_core::transport::BoxFuture;
use slack_core::{Args, CallOptions, Error, Response, Result, SlackResponse};

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

    /// Every page of a paginated method, fetched one after another.
    pub fn pages<R>(&self, request: R) -> impl Iterator<Item = Result<Response<R::Response>>>
    where
        R: SlackMethod + 'static,
    {
        let (tx, rx) = mpsc::sync_channel(1);
        let job: Job = Box::new(move |client| {
            Box::pin(async move {
                use futures_util::StreamExt;
                let mut pages = client.pages(request);
                while let Some(page) = pages.next().await {
                    if tx.send(page).is_err() {
                        break;
                    }
                }
            })
        });
        let started = self.jobs.send(job);
        let first_error = started
            .err()
            .map(|_| Error::validation("runtime", "the background thread has stopped"));
        first_error.map(Err).into_iter().chain(rx)
    }
}
