//! `files_upload_v2`: Slack's three-step upload, with streaming and safe retries.
//!
//! 1. `files.getUploadURLExternal` (filename, length) → an upload URL and a file id, per file;
//! 2. the bytes are POSTed to that URL (no token), streamed so a large file is never held
//!    in memory;
//! 3. `files.completeUploadExternal` with every file id shares them into the channel/thread.
//!
//! Every step goes through the client's retry path. Step 3 is retried with the same file ids
//! on transient failures (completing the same ids twice is harmless), so a `fatal_error` at
//! the end no longer loses the upload, a common complaint with other SDKs.
//!
//! **Step 2 is retried as a whole.** A transfer that fails on the way (dropped connection,
//! 5xx, 429, timeout) is sent again for content that can be read again (bytes, a path),
//! up to the retry policy's attempt cap, with a growing pause in between. When the failed
//! attempt may have reached the upload server the URL may be spent, so a fresh one is asked
//! for with `files.getUploadURLExternal` (the old file id is never completed, and Slack
//! discards it). A stream or `AsyncRead` cannot be read twice: its failed transfer ends the
//! call with [`Error::UploadNotRepeatable`], which says so and carries the cause.
//!
//! **Time**: each transfer attempt gets [`FilesUploadV2::upload_timeout`] (default 10
//! minutes) whole; the policy's time budget (5 minutes for the recommended policy) applies
//! to the API calls around it, not to the bytes, so a large file over a slow link can finish.
//!
//! **Reading files never blocks the executor.** The core has no runtime to ask for a
//! blocking pool, so a path is read on a helper thread of its own (started when the
//! transfer starts, ended when it ends or is dropped), which hands 256 KiB chunks to the
//! upload through a two-chunk channel: the disk is read no faster than the socket sends, at
//! most 512 KiB is held, and the executor thread only ever takes ready chunks. One thread per
//! file being uploaded is nothing next to the transfer itself, and it works the same on
//! tokio, async-std, smol or a hand-written executor.

use std::collections::VecDeque;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Condvar, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::error::{Error, Result};
use crate::request::Args;
use crate::response::Response;
use crate::retry::RetryPolicy;
use crate::transport::{Body, BoxBodyStream, HttpRequest};
use crate::WebClient;

/// Chunk size when streaming from a file.
const CHUNK: usize = 256 * 1024;

/// Where a file's content comes from.
pub enum FileContent {
    /// In memory.
    Bytes(Bytes),
    /// A file on disk, streamed in chunks read on a helper thread (re-read from the start if
    /// the transfer is retried).
    Path(PathBuf),
    /// Any stream of chunks of exactly `len` bytes (sent once: a failed transfer ends the
    /// call with [`Error::UploadNotRepeatable`]).
    Stream {
        /// Total length (Slack needs it up front).
        len: u64,
        /// The chunks.
        stream: BoxBodyStream,
    },
}

impl fmt::Debug for FileContent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileContent::Bytes(b) => write!(f, "Bytes({} bytes)", b.len()),
            FileContent::Path(p) => write!(f, "Path({})", p.display()),
            FileContent::Stream { len, .. } => write!(f, "Stream({len} bytes)"),
        }
    }
}

/// One file of an upload.
#[derive(Debug)]
#[must_use]
pub struct UploadFile {
    content: FileContent,
    len: u64,
    filename: String,
    title: Option<String>,
    alt_text: Option<String>,
    snippet_type: Option<String>,
    highlight_type: Option<String>,
}

impl UploadFile {
    fn with(content: FileContent, len: u64, filename: String) -> Self {
        UploadFile {
            content,
            len,
            filename,
            title: None,
            alt_text: None,
            snippet_type: None,
            highlight_type: None,
        }
    }

    /// A file from memory.
    pub fn bytes(filename: impl Into<String>, data: impl Into<Bytes>) -> Self {
        let data = data.into();
        let len = data.len() as u64;
        Self::with(FileContent::Bytes(data), len, filename.into())
    }

    /// A file from disk, streamed (its name is the path's file name).
    pub fn path(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let meta = std::fs::metadata(path)
            .map_err(|e| Error::validation("file", format!("{}: {e}", path.display())))?;
        if !meta.is_file() {
            return Err(Error::validation(
                "file",
                format!("{} is not a file", path.display()),
            ));
        }
        let filename = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "file".to_owned());
        Ok(Self::with(
            FileContent::Path(path.to_owned()),
            meta.len(),
            filename,
        ))
    }

    /// A file from a stream of chunks totalling exactly `len` bytes.
    pub fn stream<S>(filename: impl Into<String>, len: u64, stream: S) -> Self
    where
        S: Stream<Item = std::io::Result<Bytes>> + Send + 'static,
    {
        Self::with(
            FileContent::Stream {
                len,
                stream: Box::pin(stream),
            },
            len,
            filename.into(),
        )
    }

    /// A file from an `AsyncRead` (futures-io) of exactly `len` bytes. With tokio, wrap the
    /// reader with `tokio_util::compat`.
    pub fn reader<R>(filename: impl Into<String>, len: u64, reader: R) -> Self
    where
        R: futures_io::AsyncRead + Send + Unpin + 'static,
    {
        Self::stream(
            filename,
            len,
            ReaderStream {
                reader,
                buf: vec![0; CHUNK],
            },
        )
    }

    /// The title shown in Slack (default: the file name).
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Alt text for images (sent as Slack's `alt_txt`; at most 1,000 characters).
    pub fn alt_text(mut self, alt_text: impl Into<String>) -> Self {
        self.alt_text = Some(alt_text.into());
        self
    }

    /// Syntax type for a snippet (`python`, `rust`, …).
    pub fn snippet_type(mut self, snippet_type: impl Into<String>) -> Self {
        self.snippet_type = Some(snippet_type.into());
        self
    }

    /// The file type Slack may assume to render the file before it has processed it
    /// (`png`, `jpg`, `gif`, …): `highlight_type` in `files.completeUploadExternal`.
    ///
    /// ```
    /// use slack_core::files::UploadFile;
    /// let chart = UploadFile::bytes("chart.png", vec![0u8; 16]).highlight_type("png");
    /// # let _ = chart;
    /// ```
    pub fn highlight_type(mut self, highlight_type: impl Into<String>) -> Self {
        self.highlight_type = Some(highlight_type.into());
        self
    }

    /// The length in bytes.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the file is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// A `files_upload_v2` request: one or more files, shared into a channel (or thread) or kept
/// private.
#[derive(Debug)]
#[must_use]
pub struct FilesUploadV2 {
    files: Vec<UploadFile>,
    channel_id: Option<String>,
    channels: Vec<String>,
    thread_ts: Option<String>,
    initial_comment: Option<String>,
    upload_timeout: Duration,
}

impl FilesUploadV2 {
    /// An upload of `file`.
    pub fn new(file: UploadFile) -> Self {
        FilesUploadV2 {
            files: vec![file],
            channel_id: None,
            channels: Vec::new(),
            thread_ts: None,
            initial_comment: None,
            upload_timeout: Duration::from_secs(600),
        }
    }

    /// Add another file (all are shared in one message).
    pub fn file(mut self, file: UploadFile) -> Self {
        self.files.push(file);
        self
    }

    /// Share into this channel (an id).
    pub fn channel(mut self, channel_id: impl Into<String>) -> Self {
        self.channel_id = Some(channel_id.into());
        self
    }

    /// Share into several channels (or DMs, by user id) at once: Slack's `channels`.
    /// Not with [`channel`](Self::channel) or [`thread_ts`](Self::thread_ts).
    ///
    /// ```
    /// use slack_core::files::{FilesUploadV2, UploadFile};
    /// let req = FilesUploadV2::new(UploadFile::bytes("a.txt", "hi")).channels(["C1", "C2"]);
    /// # let _ = req;
    /// ```
    pub fn channels<I, S>(mut self, channels: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.channels.extend(channels.into_iter().map(Into::into));
        self
    }

    /// Share as a reply in this thread (needs a channel).
    pub fn thread_ts(mut self, thread_ts: impl Into<String>) -> Self {
        self.thread_ts = Some(thread_ts.into());
        self
    }

    /// The message posted with the files.
    pub fn initial_comment(mut self, comment: impl Into<String>) -> Self {
        self.initial_comment = Some(comment.into());
        self
    }

    /// Time allowed for each attempt at sending a file's bytes (default 10 minutes). It is
    /// not cut by the retry policy's time budget.
    pub fn upload_timeout(mut self, timeout: Duration) -> Self {
        self.upload_timeout = timeout;
        self
    }
}

/// A file as `files.completeUploadExternal` returns it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UploadedFile {
    /// The file id.
    pub id: String,
    /// Its title.
    #[serde(default)]
    pub title: Option<String>,
    /// Fields not modelled above.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// The answer of `files.completeUploadExternal`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UploadResponse {
    /// The uploaded files.
    #[serde(default)]
    pub files: Vec<UploadedFile>,
}

#[derive(Deserialize)]
struct UploadUrl {
    upload_url: String,
    file_id: String,
}

impl WebClient {
    /// Upload files with Slack's v2 flow (see the [module docs](crate::files): what is
    /// retried, the time allowed, how files are read).
    ///
    /// ```no_run
    /// # async fn run(client: slack_core::WebClient) -> slack_core::Result<()> {
    /// use slack_core::files::{FilesUploadV2, UploadFile};
    /// let done = client
    ///     .files_upload_v2(
    ///         FilesUploadV2::new(UploadFile::path("report.csv")?.title("Weekly report"))
    ///             .file(UploadFile::bytes("notes.txt", "remember the milk").snippet_type("text"))
    ///             .channel("C123")
    ///             .initial_comment("Here you go"),
    ///     )
    ///     .await?;
    /// println!("{} files", done.files.len());
    /// # Ok(()) }
    /// ```
    pub async fn files_upload_v2(
        &self,
        request: FilesUploadV2,
    ) -> Result<Response<UploadResponse>> {
        if request.files.is_empty() {
            return Err(Error::validation("files", "at least one file is needed"));
        }
        if request.thread_ts.is_some() && request.channel_id.is_none() {
            return Err(Error::validation(
                "thread_ts",
                "a thread reply needs a channel",
            ));
        }
        if request.channel_id.is_some() && !request.channels.is_empty() {
            return Err(Error::validation(
                "channels",
                "share into one channel (channel) or several (channels), not both",
            ));
        }
        let mut completed = Vec::with_capacity(request.files.len());
        for file in request.files {
            let args = Args::new()
                .set("filename", file.filename.clone())
                .set("length", file.len)
                .set("alt_txt", file.alt_text.clone())
                .set("snippet_type", file.snippet_type.clone());
            let file_id = self
                .upload_one(
                    &args,
                    &file.filename,
                    file.content,
                    file.len,
                    request.upload_timeout,
                )
                .await?;
            let title = file.title.unwrap_or(file.filename);
            let mut entry = json!({"id": file_id, "title": title});
            if let Some(h) = file.highlight_type {
                entry["highlight_type"] = json!(h);
            }
            completed.push(entry);
        }
        let channels = (!request.channels.is_empty()).then(|| request.channels.join(","));
        let args = Args::new()
            .set("files", serde_json::Value::Array(completed))
            .set("channel_id", request.channel_id)
            .set("channels", channels)
            .set("thread_ts", request.thread_ts)
            .set("initial_comment", request.initial_comment);
        // A second completion is not assumed harmless: after an unknown outcome the client
        // reads files.info before completing again (crate::reconcile).
        let raw = self.complete_upload_reconciled(&args).await?;
        let data = raw.decode()?;
        Ok(Response::new(data, raw))
    }

    /// Steps 1 and 2 for one file, retried as the module docs say; the file id.
    async fn upload_one(
        &self,
        args: &Args,
        filename: &str,
        content: FileContent,
        len: u64,
        timeout: Duration,
    ) -> Result<String> {
        let max_attempts = self.retry_policy().max_attempts.max(1);
        let (repeatable, mut once) = match content {
            FileContent::Stream { stream, .. } => (None, Some(stream)),
            other => (Some(other), None),
        };
        let mut target: Option<UploadUrl> = None;
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let url = match target.take() {
                Some(t) => t,
                None => self
                    .api_call("files.getUploadURLExternal", args.clone())
                    .await?
                    .decode()?,
            };
            let body = match (&repeatable, once.take()) {
                (Some(FileContent::Bytes(b)), _) => Body::Full(b.clone()),
                (Some(FileContent::Path(p)), _) => Body::Stream {
                    len: Some(len),
                    stream: Box::pin(FileStream::new(p.clone(), len)),
                },
                (_, Some(stream)) => Body::Stream {
                    len: Some(len),
                    stream,
                },
                _ => {
                    return Err(Error::validation(
                        "file",
                        "the stream was already sent once",
                    ))
                }
            };
            let error = match self.upload_content(&url.upload_url, body, timeout).await {
                Ok(()) => return Ok(url.file_id),
                Err(e) => e,
            };
            let transient = error.is_retryable() || matches!(error, Error::OutcomeUnknown { .. });
            if !transient {
                return Err(error);
            }
            if repeatable.is_none() {
                return Err(Error::UploadNotRepeatable {
                    filename: filename.to_owned(),
                    source: Box::new(error),
                });
            }
            if attempt >= max_attempts {
                return Err(error);
            }
            if !error.maybe_sent() {
                // The upload server never saw the attempt: its URL is still fresh.
                target = Some(url);
            }
            let pause = transfer_backoff(attempt).max(error.retry_after().unwrap_or_default());
            tracing::debug!(file = filename, attempt, ?pause, error = %error, "upload transfer failed; retrying");
            self.timer().sleep(pause).await;
        }
    }

    async fn upload_content(&self, url: &str, body: Body, timeout: Duration) -> Result<()> {
        let mut request = HttpRequest::new(http::Method::POST, url);
        request.headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/octet-stream"),
        );
        request.headers.insert(
            http::header::USER_AGENT,
            http::HeaderValue::from_str(self.config().user_agent())
                .unwrap_or_else(|_| http::HeaderValue::from_static("slack-sdk-rust")),
        );
        request.body = body;
        request.timeout = Some(timeout);
        // One attempt, outside the policy's time budget: `upload_one` retries the transfer.
        self.execute_plain_with("files.upload (upload URL)", request, RetryPolicy::none())
            .await
            .map(drop)
    }
}

/// The pause before transfer attempt `attempt + 1`: 1 s, 2 s, 4 s, … up to 30 s.
fn transfer_backoff(attempt: u32) -> Duration {
    Duration::from_secs(1u64 << attempt.saturating_sub(1).min(5)).min(Duration::from_secs(30))
}

// ===== streams =====

/// A file's chunks, read on a helper thread (see the module docs): the executor never
/// waits for the disk.
struct FileStream {
    path: PathBuf,
    len: u64,
    shared: Option<Arc<Shared>>,
}

/// What the reading thread and the stream share.
#[derive(Default)]
struct Shared {
    state: Mutex<ReadState>,
    /// Signalled when a chunk was taken or the stream was dropped.
    space: Condvar,
}

#[derive(Default)]
struct ReadState {
    chunks: VecDeque<std::io::Result<Bytes>>,
    /// The reader has put its last chunk (or error).
    finished: bool,
    /// The stream was dropped: the reader stops.
    closed: bool,
    waker: Option<Waker>,
}

/// Chunks read ahead of the upload.
const READ_AHEAD: usize = 2;

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, ReadState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Hand a chunk over, waiting while the upload is `READ_AHEAD` chunks behind. `false`
    /// when the stream is gone.
    fn put(&self, chunk: std::io::Result<Bytes>, last: bool) -> bool {
        let mut st = self.lock();
        while st.chunks.len() >= READ_AHEAD && !st.closed {
            st = self.space.wait(st).unwrap_or_else(|p| p.into_inner());
        }
        if st.closed {
            return false;
        }
        st.chunks.push_back(chunk);
        st.finished |= last;
        if let Some(w) = st.waker.take() {
            w.wake();
        }
        true
    }
}

impl FileStream {
    fn new(path: PathBuf, len: u64) -> Self {
        FileStream {
            path,
            len,
            shared: None,
        }
    }

    fn start(&mut self) -> Arc<Shared> {
        let shared = Arc::new(Shared::default());
        let (path, len, theirs) = (self.path.clone(), self.len, shared.clone());
        let spawned = std::thread::Builder::new()
            .name("slack-upload-read".into())
            .spawn(move || read_file(&path, len, &theirs));
        if let Err(e) = spawned {
            let mut st = shared.lock();
            st.chunks.push_back(Err(e));
            st.finished = true;
        }
        self.shared = Some(shared.clone());
        shared
    }
}

/// The helper thread: read `path` in chunks of up to [`CHUNK`] bytes, `len` in all.
fn read_file(path: &Path, len: u64, shared: &Shared) {
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            let e = std::io::Error::new(e.kind(), format!("{}: {e}", path.display()));
            shared.put(Err(e), true);
            return;
        }
    };
    let mut remaining = len;
    while remaining > 0 {
        let want = usize::try_from(remaining).map_or(CHUNK, |r| r.min(CHUNK));
        let mut buf = vec![0u8; want];
        let chunk = match file.read(&mut buf) {
            Ok(0) => Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                format!("{} is shorter than when the upload started", path.display()),
            )),
            Ok(n) => {
                buf.truncate(n);
                remaining -= n as u64;
                Ok(Bytes::from(buf))
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => Err(e),
        };
        let failed = chunk.is_err();
        if !shared.put(chunk, failed || remaining == 0) || failed {
            return;
        }
    }
    if len == 0 {
        let mut st = shared.lock();
        st.finished = true;
        if let Some(w) = st.waker.take() {
            w.wake();
        }
    }
}

impl Stream for FileStream {
    type Item = std::io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.len == 0 {
            return Poll::Ready(None);
        }
        let shared = match &self.shared {
            Some(s) => s.clone(),
            None => self.start(),
        };
        let mut st = shared.lock();
        if let Some(chunk) = st.chunks.pop_front() {
            shared.space.notify_one();
            return Poll::Ready(Some(chunk));
        }
        if st.finished {
            return Poll::Ready(None);
        }
        st.waker = Some(cx.waker().clone());
        Poll::Pending
    }
}

impl Drop for FileStream {
    fn drop(&mut self) {
        if let Some(shared) = &self.shared {
            shared.lock().closed = true;
            shared.space.notify_one();
        }
    }
}

struct ReaderStream<R> {
    reader: R,
    buf: Vec<u8>,
}

impl<R: futures_io::AsyncRead + Unpin> Stream for ReaderStream<R> {
    type Item = std::io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        match Pin::new(&mut this.reader).poll_read(cx, &mut this.buf) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Ok(0)) => Poll::Ready(None),
            Poll::Ready(Ok(n)) => Poll::Ready(Some(Ok(Bytes::copy_from_slice(&this.buf[..n])))),
            Poll::Ready(Err(e)) => Poll::Ready(Some(Err(e))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::task::Wake;

    /// A waker that reports each wake on a channel.
    struct Signal(Mutex<mpsc::Sender<()>>);

    impl Wake for Signal {
        fn wake(self: Arc<Self>) {
            let _ = self.0.lock().map(|tx| tx.send(()));
        }
    }

    /// Poll `stream` to its end on this thread, parking only between wakes.
    fn drain(stream: &mut FileStream) -> Vec<std::io::Result<Bytes>> {
        let (tx, rx) = mpsc::channel();
        let waker = Waker::from(Arc::new(Signal(Mutex::new(tx))));
        let mut cx = Context::from_waker(&waker);
        let mut out = Vec::new();
        loop {
            match Pin::new(&mut *stream).poll_next(&mut cx) {
                Poll::Ready(Some(c)) => out.push(c),
                Poll::Ready(None) => return out,
                Poll::Pending => rx.recv().unwrap(),
            }
        }
    }

    #[test]
    fn a_file_arrives_whole_in_chunks() {
        let path = std::env::temp_dir().join(format!("slack-filestream-{}", std::process::id()));
        let data: Vec<u8> = (0..(CHUNK * 3 + 17)).map(|i| (i % 253) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        let mut s = FileStream::new(path.clone(), data.len() as u64);
        let chunks = drain(&mut s);
        assert_eq!(chunks.len(), 4);
        let joined: Vec<u8> = chunks
            .into_iter()
            .flat_map(|c| c.unwrap().to_vec())
            .collect();
        assert_eq!(joined, data);
        // A file that shrank is an error, not a short upload.
        let mut s = FileStream::new(path.clone(), data.len() as u64 + 1);
        let last = drain(&mut s).pop().unwrap();
        assert_eq!(last.unwrap_err().kind(), std::io::ErrorKind::UnexpectedEof);
        std::fs::remove_file(&path).unwrap();
        let mut gone = FileStream::new(path, 3);
        assert!(drain(&mut gone)[0].is_err());
    }

    /// A FIFO with no writer blocks whoever opens or reads it. Polling the stream must not:
    /// it answers `Pending` at once and wakes when the bytes come.
    #[cfg(unix)]
    #[test]
    fn polling_never_blocks_on_the_disk() {
        let path = std::env::temp_dir().join(format!("slack-fifo-{}", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let made = std::process::Command::new("mkfifo").arg(&path).status();
        if !made.is_ok_and(|s| s.success()) {
            return; // no mkfifo here: nothing to prove
        }
        let mut s = FileStream::new(path.clone(), 5);
        let waker = Waker::noop();
        let mut cx = Context::from_waker(waker);
        // Returns while the helper thread is stuck opening the FIFO.
        assert!(Pin::new(&mut s).poll_next(&mut cx).is_pending());
        std::fs::write(&path, b"hello").unwrap();
        let chunks = drain(&mut s);
        let joined: Vec<u8> = chunks
            .into_iter()
            .flat_map(|c| c.unwrap().to_vec())
            .collect();
        assert_eq!(joined, b"hello");
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn dropping_the_stream_stops_the_reader() {
        let path = std::env::temp_dir().join(format!("slack-filedrop-{}", std::process::id()));
        std::fs::write(&path, vec![7u8; CHUNK * 8]).unwrap();
        let mut s = FileStream::new(path.clone(), (CHUNK * 8) as u64);
        let waker = Waker::noop();
        let mut cx = Context::from_waker(waker);
        let _ = Pin::new(&mut s).poll_next(&mut cx);
        let shared = s.shared.clone().unwrap();
        drop(s);
        // The reader holds at most READ_AHEAD chunks and then sees `closed`.
        assert!(shared.lock().closed);
        assert!(shared.lock().chunks.len() <= READ_AHEAD);
        std::fs::remove_file(&path).unwrap();
    }
}
