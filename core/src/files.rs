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

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::error::{Error, Result};
use crate::request::Args;
use crate::response::Response;
use crate::transport::{Body, BoxBodyStream, HttpRequest};
use crate::WebClient;

/// Chunk size when streaming from a file.
const CHUNK: usize = 256 * 1024;

/// Where a file's content comes from.
pub enum FileContent {
    /// In memory.
    Bytes(Bytes),
    /// A file on disk, streamed in chunks (re-opened if the upload is retried).
    Path(PathBuf),
    /// Any stream of chunks of exactly `len` bytes (sent once: not retried).
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

    /// Alt text for images.
    pub fn alt_text(mut self, alt_text: impl Into<String>) -> Self {
        self.alt_text = Some(alt_text.into());
        self
    }

    /// Syntax type for a snippet (`python`, `rust`, …).
    pub fn snippet_type(mut self, snippet_type: impl Into<String>) -> Self {
        self.snippet_type = Some(snippet_type.into());
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

    /// Time allowed for each file's upload (default 10 minutes).
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
    /// Upload files with Slack's v2 flow (see the [module docs](crate::files)).
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
        let mut completed = Vec::with_capacity(request.files.len());
        for file in request.files {
            let args = Args::new()
                .set("filename", file.filename.clone())
                .set("length", file.len)
                .set("alt_text", file.alt_text.clone())
                .set("snippet_type", file.snippet_type.clone());
            let target = self.api_call("files.getUploadURLExternal", args).await?;
            let UploadUrl {
                upload_url,
                file_id,
            } = target.decode()?;
            self.upload_content(&upload_url, file.content, file.len, request.upload_timeout)
                .await?;
            let title = file.title.unwrap_or(file.filename);
            completed.push(json!({"id": file_id, "title": title}));
        }
        let args = Args::new()
            .set("files", serde_json::Value::Array(completed))
            .set("channel_id", request.channel_id)
            .set("thread_ts", request.thread_ts)
            .set("initial_comment", request.initial_comment);
        // A second completion is not assumed harmless: after an unknown outcome the client
        // reads files.info before completing again (crate::reconcile).
        let raw = self.complete_upload_reconciled(&args).await?;
        let data = raw.decode()?;
        Ok(Response::new(data, raw))
    }

    async fn upload_content(
        &self,
        url: &str,
        content: FileContent,
        len: u64,
        timeout: Duration,
    ) -> Result<()> {
        let body = match content {
            FileContent::Bytes(b) => Body::Full(b),
            FileContent::Path(p) => Body::Stream {
                len: Some(len),
                stream: Box::pin(FileStream::open(&p, len)?),
            },
            FileContent::Stream { len, stream } => Body::Stream {
                len: Some(len),
                stream,
            },
        };
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
        self.execute_plain("files.upload (upload URL)", request)
            .await
            .map(drop)
    }
}

// ===== streams =====

/// Reads a file in chunks. Reads are blocking but small; the upload is paced by the socket.
struct FileStream {
    file: std::fs::File,
    remaining: u64,
    path: PathBuf,
}

impl FileStream {
    fn open(path: &Path, len: u64) -> Result<Self> {
        let file = std::fs::File::open(path)
            .map_err(|e| Error::validation("file", format!("{}: {e}", path.display())))?;
        Ok(FileStream {
            file,
            remaining: len,
            path: path.to_owned(),
        })
    }
}

impl Stream for FileStream {
    type Item = std::io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.remaining == 0 {
            return Poll::Ready(None);
        }
        let want = usize::try_from(self.remaining).map_or(CHUNK, |r| r.min(CHUNK));
        let mut buf = vec![0u8; want];
        match self.file.read(&mut buf) {
            Ok(0) => Poll::Ready(Some(Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                format!(
                    "{} is shorter than when the upload started",
                    self.path.display()
                ),
            )))),
            Ok(n) => {
                buf.truncate(n);
                self.remaining -= n as u64;
                Poll::Ready(Some(Ok(Bytes::from(buf))))
            }
            Err(e) => Poll::Ready(Some(Err(e))),
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
