//! Building the wire request for one call: URL, headers, and a form, JSON or multipart body.

use std::fmt;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::{BufMut, Bytes, BytesMut};
use http::header::{HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use http::{HeaderMap, Method};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::method::{HttpVerb, JsonSupport, MethodInfo};
use crate::token::Token;
use crate::transport::{Body, HttpRequest};

mod fields;

pub use fields::{Fields, Iter as FieldsIter};

/// The default Web API base URL.
pub const DEFAULT_BASE_URL: &str = "https://slack.com/api/";

/// This crate's version, sent in the `User-Agent`.
pub const SDK_VERSION: &str = env!("CARGO_PKG_VERSION");

// ===== Args =====

/// Arguments of one call: named JSON values plus, for multipart methods, file parts.
///
/// `null` values are dropped when encoding, so optional arguments can be passed as `Option`.
/// `Debug` shows secret arguments (`client_secret`, `code`, `refresh_token`, `token`, … see
/// [`is_secret_arg`]) as `<redacted>`.
///
/// ```
/// use slack_core::Args;
/// let args = Args::new().set("channel", "C123").set("text", "hi").set("thread_ts", None::<String>);
/// assert_eq!(args.get("channel").and_then(|v| v.as_str()), Some("C123"));
/// let secret = Args::new().set("client_secret", "s3cr3t");
/// assert!(!format!("{secret:?}").contains("s3cr3t"));
/// ```
#[derive(Clone, Default, PartialEq)]
pub struct Args {
    fields: Fields,
    files: Vec<FilePart>,
}

impl fmt::Debug for Args {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Args")
            .field("fields", &self.fields)
            .field("files", &self.files)
            .finish()
    }
}

/// Argument names whose values are secrets, redacted in every `Debug` (of [`Args`] and of
/// the generated requests): OAuth client secrets, codes and verifiers, and tokens.
pub const SECRET_ARGS: &[&str] = &[
    "action_token",
    "client_secret",
    "code",
    "code_verifier",
    "refresh_token",
    "token",
];

/// Whether an argument's value is a secret: a name of [`SECRET_ARGS`], or any name that
/// contains `secret`, `password` or ends in `token` (`xoxp_token`, `bot_token`).
///
/// ```
/// use slack_core::request::is_secret_arg;
/// assert!(is_secret_arg("client_secret"));
/// assert!(is_secret_arg("refresh_token"));
/// assert!(!is_secret_arg("external_token_id"));
/// assert!(!is_secret_arg("channel"));
/// ```
pub fn is_secret_arg(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    SECRET_ARGS.contains(&lower.as_str())
        || lower.contains("secret")
        || lower.contains("password")
        || lower.ends_with("token")
}

impl Args {
    /// No arguments.
    pub fn new() -> Self {
        Args::default()
    }

    /// Add (or replace) an argument, builder style.
    pub fn set(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.insert(name, value);
        self
    }

    /// Add (or replace) an argument.
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<Value>) {
        self.fields
            .insert(std::borrow::Cow::Owned(name.into()), value.into());
    }

    /// Remove an argument.
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        self.fields.remove(name)
    }

    /// An argument's value.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.fields.get(name)
    }

    /// Whether an argument is present and not null.
    pub fn contains(&self, name: &str) -> bool {
        self.fields.get(name).is_some_and(|v| !v.is_null())
    }

    /// Add a file part (sent as `multipart/form-data`).
    ///
    /// ```
    /// use slack_core::{Args, FilePart};
    /// let args = Args::new()
    ///     .set("external_id", "doc-1")
    ///     .file(FilePart::new("preview_image", "preview.png", &b"\x89PNG"[..]).content_type("image/png"));
    /// assert_eq!(args.files()[0].field, "preview_image");
    /// ```
    pub fn file(mut self, part: FilePart) -> Self {
        self.files.push(part);
        self
    }

    /// Add the file argument `name` (sent as a `multipart/form-data` file part).
    ///
    /// ```
    /// use slack_core::{Args, request::FileArg};
    /// let args = Args::new().set_file("image", FileArg::bytes("me.png", &b"\x89PNG"[..]));
    /// assert_eq!(args.files()[0].field, "image");
    /// assert_eq!(args.files()[0].filename, "me.png");
    /// ```
    pub fn set_file(self, name: impl Into<String>, file: impl Into<FileArg>) -> Self {
        self.file(file.into().part(name))
    }

    /// The file parts.
    pub fn files(&self) -> &[FilePart] {
        &self.files
    }

    /// The named arguments, in the order they were first set.
    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    /// Arguments from any value that serialises to a JSON object (a typed request, a map).
    pub fn from_serialize<T: Serialize + ?Sized>(value: &T) -> Result<Args> {
        match fields::from_serialize(value) {
            Ok(fields) => Ok(Args {
                fields,
                files: Vec::new(),
            }),
            Err(e) => Err(Error::validation("args", e)),
        }
    }

    /// Read every file part whose content is not in memory yet: an `AsyncRead` is read to its
    /// end (without blocking), a path is read from disk (a blocking read: file arguments of
    /// the Web API are small, like a preview image; stream big files with
    /// `files_upload_v2`). `WebClient` calls this before encoding; call it yourself before
    /// [`encode_request`] when you encode by hand.
    ///
    /// Fails when a file cannot be read, is larger than [`MAX_FILE_PART`], or is an
    /// `AsyncRead` already read by an earlier call.
    ///
    /// ```
    /// # async fn run() -> slack_core::Result<()> {
    /// use slack_core::{Args, request::FileArg};
    /// let reader: &'static [u8] = b"terms"; // any futures-io AsyncRead
    /// let mut args = Args::new().set_file("indexable_file_contents", FileArg::reader("terms.txt", reader));
    /// args.read_files().await?;
    /// assert!(matches!(&args.files()[0].data, slack_core::request::FileData::Bytes(b) if &b[..] == b"terms"));
    /// # Ok(()) }
    /// ```
    pub async fn read_files(&mut self) -> Result<()> {
        for part in &mut self.files {
            let bytes = match &part.data {
                FileData::Bytes(_) => continue,
                FileData::Path(path) => read_path(&part.field, path)?,
                FileData::Reader(reader) => reader.read_all(&part.field).await?,
            };
            part.data = FileData::Bytes(bytes);
        }
        Ok(())
    }

    fn has_nested(&self) -> bool {
        self.fields
            .values()
            .any(|v| matches!(v, Value::Array(_) | Value::Object(_)))
    }
}

impl From<Map<String, Value>> for Args {
    fn from(fields: Map<String, Value>) -> Self {
        Args {
            fields: Fields::from(fields),
            files: Vec::new(),
        }
    }
}

impl<K: Into<String>, V: Into<Value>> FromIterator<(K, V)> for Args {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut a = Args::new();
        for (k, v) in iter {
            a.insert(k, v);
        }
        a
    }
}

// ===== File parts =====

/// The largest file part read into memory for a call (64 MiB). Slack's file arguments are
/// small (a preview image, a profile photo); upload files with `files_upload_v2`.
pub const MAX_FILE_PART: u64 = 64 * 1024 * 1024;

fn too_big(field: &str) -> Error {
    Error::validation(
        field,
        format!(
            "the file is larger than {MAX_FILE_PART} bytes (use files_upload_v2 for big files)"
        ),
    )
}

fn read_path(field: &str, path: &Path) -> Result<Bytes> {
    let meta = std::fs::metadata(path)
        .map_err(|e| Error::validation(field, format!("{}: {e}", path.display())))?;
    if !meta.is_file() {
        return Err(Error::validation(
            field,
            format!("{} is not a file", path.display()),
        ));
    }
    if meta.len() > MAX_FILE_PART {
        return Err(too_big(field));
    }
    std::fs::read(path)
        .map(Bytes::from)
        .map_err(|e| Error::validation(field, format!("{}: {e}", path.display())))
}

type BoxReader = Pin<Box<dyn futures_io::AsyncRead + Send>>;

/// An `AsyncRead` (futures-io) given as a file's content. Clones share the reader: it is
/// read once, by the first call that sends it.
#[derive(Clone)]
pub struct SharedReader(Arc<Mutex<Option<BoxReader>>>);

impl SharedReader {
    /// Wrap a reader.
    pub fn new<R: futures_io::AsyncRead + Send + 'static>(reader: R) -> Self {
        SharedReader(Arc::new(Mutex::new(Some(Box::pin(reader)))))
    }

    /// Read to the end (at most [`MAX_FILE_PART`] bytes), once.
    async fn read_all(&self, field: &str) -> Result<Bytes> {
        let taken = match self.0.lock() {
            Ok(mut guard) => guard.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        let Some(mut reader) = taken else {
            return Err(Error::validation(
                field,
                "the file's reader was already read by an earlier call; give a fresh one",
            ));
        };
        let mut out = BytesMut::new();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = std::future::poll_fn(|cx| reader.as_mut().poll_read(cx, &mut buf))
                .await
                .map_err(|e| Error::validation(field, format!("reading the file: {e}")))?;
            if n == 0 {
                return Ok(out.freeze());
            }
            out.extend_from_slice(buf.get(..n).unwrap_or_default());
            if out.len() as u64 > MAX_FILE_PART {
                return Err(too_big(field));
            }
        }
    }
}

impl PartialEq for SharedReader {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl fmt::Debug for SharedReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SharedReader")
    }
}

/// Where a file part's content comes from.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub enum FileData {
    /// In memory.
    Bytes(Bytes),
    /// A file on disk, read when the call is made ([`Args::read_files`]).
    Path(PathBuf),
    /// An `AsyncRead`, read to its end when the call is made; it can be sent once.
    Reader(SharedReader),
}

impl fmt::Debug for FileData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileData::Bytes(b) => write!(f, "Bytes({} bytes)", b.len()),
            FileData::Path(p) => write!(f, "Path({})", p.display()),
            FileData::Reader(_) => f.write_str("Reader"),
        }
    }
}

/// A file given as an argument (`preview_image`, `indexable_file_contents`, `image`, `file`):
/// a name, an optional content type, and the content from memory, a path or an `AsyncRead`.
/// It goes out as a `multipart/form-data` file part named after the argument.
///
/// ```
/// use slack_core::request::FileArg;
/// let png = FileArg::bytes("preview.png", &b"\x89PNG"[..]).content_type("image/png");
/// let doc = FileArg::path("/tmp/terms.txt"); // read when the call is made
/// assert_eq!(doc.filename, "terms.txt");
/// # let _ = png;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct FileArg {
    /// The file name sent in `Content-Disposition`.
    pub filename: String,
    /// The part's content type (default `application/octet-stream`).
    pub content_type: Option<String>,
    /// The content.
    pub data: FileData,
}

impl FileArg {
    /// A file from memory.
    pub fn bytes(filename: impl Into<String>, data: impl Into<Bytes>) -> Self {
        FileArg {
            filename: filename.into(),
            content_type: None,
            data: FileData::Bytes(data.into()),
        }
    }

    /// A file on disk, named after the path's last component; read when the call is made.
    pub fn path(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let filename = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "file".to_owned());
        FileArg {
            filename,
            content_type: None,
            data: FileData::Path(path),
        }
    }

    /// A file from an `AsyncRead` (futures-io; with tokio, wrap the reader with
    /// `tokio_util::compat`), read to its end when the call is made. It can be sent once.
    pub fn reader<R: futures_io::AsyncRead + Send + 'static>(
        filename: impl Into<String>,
        reader: R,
    ) -> Self {
        FileArg {
            filename: filename.into(),
            content_type: None,
            data: FileData::Reader(SharedReader::new(reader)),
        }
    }

    /// Set the content type.
    pub fn content_type(mut self, ct: impl Into<String>) -> Self {
        self.content_type = Some(ct.into());
        self
    }

    /// The multipart part for argument `field`.
    pub fn part(self, field: impl Into<String>) -> FilePart {
        FilePart {
            field: field.into(),
            filename: self.filename,
            content_type: self.content_type,
            data: self.data,
        }
    }
}

/// One file in a multipart body.
#[derive(Clone, PartialEq)]
pub struct FilePart {
    /// The form field name (`file`, `preview_image`, `image`, …).
    pub field: String,
    /// The file name sent in `Content-Disposition`.
    pub filename: String,
    /// The part's content type (default `application/octet-stream`).
    pub content_type: Option<String>,
    /// The content.
    pub data: FileData,
}

impl FilePart {
    /// A part named `field` with `filename` and `data` in memory.
    pub fn new(
        field: impl Into<String>,
        filename: impl Into<String>,
        data: impl Into<Bytes>,
    ) -> Self {
        FileArg::bytes(filename, data).part(field)
    }

    /// A part named `field` read from `path` when the call is made.
    pub fn path(field: impl Into<String>, path: impl Into<PathBuf>) -> Self {
        FileArg::path(path).part(field)
    }

    /// A part named `field` read from an `AsyncRead` when the call is made.
    pub fn reader<R: futures_io::AsyncRead + Send + 'static>(
        field: impl Into<String>,
        filename: impl Into<String>,
        reader: R,
    ) -> Self {
        FileArg::reader(filename, reader).part(field)
    }

    /// Set the content type.
    pub fn content_type(mut self, ct: impl Into<String>) -> Self {
        self.content_type = Some(ct.into());
        self
    }
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FilePart")
            .field("field", &self.field)
            .field("filename", &self.filename)
            .field("content_type", &self.content_type)
            .field("data", &self.data)
            .finish()
    }
}

// ===== Wire forms =====

/// How an argument travels, as Slack reads it (generated from the reference data and the
/// rule table of `tools/codegen`; see [`wire_form`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WireForm {
    /// Text.
    Text,
    /// `true`/`false` (a form value, or a JSON boolean).
    Bool,
    /// An integer (printed in a form, a JSON number in a JSON body).
    Integer,
    /// An integer, or one of the textual forms Slack also accepts (`reminders.add`'s `time`:
    /// a Unix time, seconds from now, or `"in 5 minutes"`).
    IntegerOrText,
    /// A list as one comma-separated string.
    CommaList,
    /// JSON: nested in a JSON body, a JSON string in a form.
    Json,
    /// Stringified JSON: always a string holding JSON, in a form and inside a JSON body.
    JsonString,
    /// A JSON array of strings.
    JsonList,
    /// A `multipart/form-data` file part.
    File,
}

/// How argument `arg` of `method` travels, when the method table knows it.
///
/// ```
/// use slack_core::request::{wire_form, WireForm};
/// assert_eq!(wire_form("files.remote.add", "preview_image"), Some(WireForm::File));
/// assert_eq!(wire_form("admin.conversations.setConversationPrefs", "prefs"), Some(WireForm::JsonString));
/// assert_eq!(wire_form("chat.postMessage", "blocks"), Some(WireForm::Json));
/// assert_eq!(wire_form("chat.postMessage", "nonsense"), None);
/// ```
pub fn wire_form(method: &str, arg: &str) -> Option<WireForm> {
    form_of(wire_forms_of(method)?, arg)
}

/// The arguments of `method` that are not sent as plain text, with their forms (`None` for a
/// method that has none, as most do).
fn wire_forms_of(method: &str) -> Option<&'static [(&'static str, WireForm)]> {
    let table = crate::generated::methods::WIRE_FORMS;
    let i = table.binary_search_by(|(m, _)| (*m).cmp(method)).ok()?;
    table.get(i).map(|(_, forms)| *forms)
}

/// `arg`'s form among a method's `forms`.
fn form_of(forms: &[(&str, WireForm)], arg: &str) -> Option<WireForm> {
    forms.iter().find(|(a, _)| *a == arg).map(|(_, f)| *f)
}

/// Arguments put in the form Slack reads for `method`: a stringified-JSON argument given as
/// an object or array becomes its JSON text; a file argument given as a value instead of a
/// file part is refused (it would go out as text).
fn to_wire_forms<'a>(method: &str, args: &'a Args) -> Result<std::borrow::Cow<'a, Args>> {
    use std::borrow::Cow;
    let mut out = Cow::Borrowed(args);
    // The method's entry is found once; most methods have none (nothing to do).
    let Some(forms) = wire_forms_of(method) else {
        return Ok(out);
    };
    for (name, value) in &args.fields {
        match form_of(forms, name) {
            Some(WireForm::File) if !value.is_null() => {
                return Err(Error::validation(
                    name,
                    format!(
                        "`{name}` of {method} is a file: pass it as a file part \
                         (Args::set_file / Args::file), not as a value"
                    ),
                ));
            }
            Some(WireForm::JsonString) if matches!(value, Value::Array(_) | Value::Object(_)) => {
                out.to_mut().fields.insert(
                    std::borrow::Cow::Owned(name.to_owned()),
                    Value::String(value.to_string()),
                );
            }
            _ => {}
        }
    }
    Ok(out)
}

// ===== Encoding choice =====

/// How the body of a call is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Encoding {
    /// As Slack expects for the method: `multipart/form-data` when there are files; JSON when
    /// the method accepts JSON and an argument is nested (blocks, attachments, a view);
    /// the query string for `GET` methods; otherwise `application/x-www-form-urlencoded`.
    #[default]
    Auto,
    /// Always a form body (nested values become JSON strings).
    Form,
    /// Always a JSON body.
    Json,
}

// ===== ClientConfig =====

/// Settings shared by every call of a client: base URL, token, `User-Agent`, headers.
///
/// `Debug` never shows the token.
#[derive(Clone)]
pub struct ClientConfig {
    base_url: Arc<str>,
    token: Option<Token>,
    user_agent: HeaderValue,
    headers: HeaderMap,
    team_id: Option<String>,
    timeout: Option<Duration>,
    invalid: Option<Arc<str>>,
    /// The `Authorization` value for `token`, or why it cannot be sent.
    authorization: Option<std::result::Result<HeaderValue, String>>,
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("base_url", &self.base_url)
            .field("token", &self.token)
            .field("user_agent", &self.user_agent)
            .field("headers", &crate::transport::RedactedHeaders(&self.headers))
            .field("team_id", &self.team_id)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            base_url: Arc::from(DEFAULT_BASE_URL),
            token: None,
            user_agent: default_user_agent(None, None),
            headers: HeaderMap::new(),
            team_id: None,
            timeout: None,
            invalid: None,
            authorization: None,
        }
    }
}

/// `slack-sdk-rust/<version> rustc/<version> <os>`, with optional prefix and suffix.
pub fn user_agent_string(prefix: Option<&str>, suffix: Option<&str>) -> String {
    let mut ua = String::new();
    if let Some(p) = prefix.filter(|p| !p.is_empty()) {
        ua.push_str(p);
        ua.push(' ');
    }
    ua.push_str("slack-sdk-rust/");
    ua.push_str(SDK_VERSION);
    ua.push_str(" rustc/");
    ua.push_str(env!("SLACK_CORE_RUSTC_VERSION"));
    ua.push(' ');
    ua.push_str(std::env::consts::OS);
    if let Some(s) = suffix.filter(|s| !s.is_empty()) {
        ua.push(' ');
        ua.push_str(s);
    }
    ua
}

fn default_user_agent(prefix: Option<&str>, suffix: Option<&str>) -> HeaderValue {
    let ua = user_agent_string(prefix, suffix);
    HeaderValue::from_str(&ua).unwrap_or_else(|_| HeaderValue::from_static("slack-sdk-rust"))
}

impl ClientConfig {
    /// Defaults: base URL [`DEFAULT_BASE_URL`], no token, the SDK's `User-Agent`.
    pub fn new() -> Self {
        ClientConfig::default()
    }

    /// Set the token sent as `Authorization: Bearer …`.
    pub fn set_token(&mut self, token: impl Into<Token>) -> &mut Self {
        let token = token.into();
        // Built once here, not on every call.
        self.authorization = Some(bearer(&token).map_err(|e| match e {
            Error::Validation { reason, .. } => reason,
            other => other.to_string(),
        }));
        self.token = Some(token);
        self
    }

    /// The token, if any.
    pub fn token(&self) -> Option<&Token> {
        self.token.as_ref()
    }

    /// The `team_id` sent with every call that accepts it, if any.
    pub fn team_id(&self) -> Option<&str> {
        self.team_id.as_deref()
    }

    /// Set the base URL (a trailing `/` is added when missing). Fails unless it is an
    /// absolute `http` or `https` URL without query or fragment.
    pub fn set_base_url(&mut self, url: &str) -> Result<&mut Self> {
        let url = url.trim();
        let uri: http::Uri = url
            .parse()
            .map_err(|e| Error::validation("base_url", format!("{url:?} is not a URL: {e}")))?;
        match uri.scheme_str() {
            Some("http") | Some("https") => {}
            _ => {
                return Err(Error::validation(
                    "base_url",
                    format!("{url:?} must start with http:// or https://"),
                ))
            }
        }
        if uri.authority().is_none_or(|a| a.host().is_empty()) {
            return Err(Error::validation(
                "base_url",
                format!("{url:?} has no host"),
            ));
        }
        if uri.query().is_some() || url.contains('#') {
            return Err(Error::validation(
                "base_url",
                format!("{url:?} must not have a query or fragment"),
            ));
        }
        let mut s = url.to_owned();
        if !s.ends_with('/') {
            s.push('/');
        }
        self.base_url = Arc::from(s);
        Ok(self)
    }

    /// The base URL, always ending in `/`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Put `prefix` before and `suffix` after the SDK's `User-Agent`.
    pub fn set_user_agent(
        &mut self,
        prefix: Option<&str>,
        suffix: Option<&str>,
    ) -> Result<&mut Self> {
        let ua = user_agent_string(prefix, suffix);
        self.user_agent = HeaderValue::from_str(&ua).map_err(|_| {
            Error::validation("user_agent", "contains characters not allowed in a header")
        })?;
        Ok(self)
    }

    /// The `User-Agent` sent.
    pub fn user_agent(&self) -> &str {
        self.user_agent.to_str().unwrap_or("slack-sdk-rust")
    }

    /// Add a header sent with every call.
    pub fn add_header(&mut self, name: &str, value: &str) -> Result<&mut Self> {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::validation("headers", format!("{name:?} is not a header name")))?;
        let value = HeaderValue::from_str(value).map_err(|_| {
            Error::validation(
                "headers",
                format!("value of {name} is not a valid header value"),
            )
        })?;
        self.headers.append(name, value);
        Ok(self)
    }

    /// Send `team_id` with every call whose method accepts it (org-wide apps).
    pub fn set_team_id(&mut self, team_id: Option<String>) -> &mut Self {
        self.team_id = team_id;
        self
    }

    /// Per-attempt timeout given to the transport (`None`: the transport's default).
    pub fn set_timeout(&mut self, timeout: Option<Duration>) -> &mut Self {
        self.timeout = timeout;
        self
    }

    /// The per-attempt timeout.
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// Mark the configuration invalid: every request built from it fails with `reason`.
    pub(crate) fn poison(&mut self, reason: String) {
        self.invalid = Some(Arc::from(reason));
    }
}

// ===== CallOptions =====

/// Per-call overrides.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct CallOptions {
    /// A token to use instead of the client's.
    pub token: Option<Token>,
    /// Body encoding.
    pub encoding: Encoding,
    /// Per-attempt timeout instead of the client's.
    pub timeout: Option<Duration>,
    /// A retry policy instead of the client's.
    pub retry: Option<crate::retry::RetryPolicy>,
    /// Reconciliation instead of the client's (see [`crate::reconcile`]).
    pub reconcile: Option<crate::reconcile::Reconcile>,
}

impl CallOptions {
    /// Use `token` for this call.
    pub fn token(mut self, token: impl Into<Token>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Force an encoding.
    pub fn encoding(mut self, encoding: Encoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// Per-attempt timeout for this call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Retry this call by `policy` instead of the client's (`RetryPolicy::none()` to make
    /// exactly one attempt).
    pub fn retry(mut self, policy: crate::retry::RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Reconcile this call instead of following the client's setting: after an unknown
    /// outcome, look for the write before sending it again (see [`crate::reconcile`]).
    ///
    /// ```
    /// use slack_core::{reconcile::Reconcile, CallOptions};
    /// let options = CallOptions::default().reconcile(Reconcile::on());
    /// assert!(options.reconcile.is_some_and(|r| r.is_enabled()));
    /// ```
    pub fn reconcile(mut self, reconcile: crate::reconcile::Reconcile) -> Self {
        self.reconcile = Some(reconcile);
        self
    }
}

// ===== encode =====

/// Table entry used for methods the table does not know.
pub(crate) static UNKNOWN_METHOD: MethodInfo = MethodInfo::unknown("");

/// Build the HTTP request for calling `method` with `args`.
///
/// The body is built once here; retries re-send the same bytes.
/// A method missing from the table is sent as `POST` with a form (or JSON) body.
pub fn encode_request(
    config: &ClientConfig,
    method: &str,
    args: &Args,
    options: &CallOptions,
) -> Result<HttpRequest> {
    let info = crate::method::lookup(method).unwrap_or(&UNKNOWN_METHOD);
    encode_request_for(config, method, info, args, options)
}

/// [`encode_request`] for a caller that already holds the method's table entry (`info` is
/// `method`'s, or [`UNKNOWN_METHOD`] for a method the table does not list).
pub(crate) fn encode_request_for(
    config: &ClientConfig,
    method: &str,
    info: &MethodInfo,
    args: &Args,
    options: &CallOptions,
) -> Result<HttpRequest> {
    // A method from the table (`info` is its entry) has a valid name by construction.
    if info.name != method && !is_valid_method_name(method) {
        return Err(Error::validation(
            "method",
            format!("{method:?} is not a Web API method name"),
        ));
    }
    if let Some(reason) = &config.invalid {
        return Err(Error::validation(
            "client configuration",
            reason.to_string(),
        ));
    }
    check_block_kit_limits(args)?;
    let mut headers = config.headers.clone();
    headers.insert(USER_AGENT, config.user_agent.clone());
    let authorization = match (&options.token, &config.authorization) {
        (Some(token), _) => Some(bearer(token)?),
        (None, Some(cached)) => Some(
            cached
                .clone()
                .map_err(|reason| Error::validation("token", reason))?,
        ),
        (None, None) => None,
    };
    if let Some(value) = authorization {
        headers.insert(AUTHORIZATION, value);
    }

    let team_id_arg;
    let args_with_team: &Args = match &config.team_id {
        Some(team)
            if !args.contains("team_id") && (info.accepts("team_id") || info.name.is_empty()) =>
        {
            let mut a = args.clone();
            a.insert("team_id", team.clone());
            team_id_arg = a;
            &team_id_arg
        }
        _ => args,
    };
    let args = to_wire_forms(method, args_with_team)?;
    let args = args.as_ref();

    let mut url = String::with_capacity(config.base_url.len() + info.name.len() + 64);
    url.push_str(&config.base_url);
    url.push_str(method);

    let (method, body) = if !args.files.is_empty() {
        let (ct, body) = encode_multipart(args)?;
        headers.insert(CONTENT_TYPE, ct);
        (Method::POST, body)
    } else {
        let use_json = match options.encoding {
            Encoding::Json => true,
            Encoding::Form => false,
            Encoding::Auto => info.json == JsonSupport::Yes && args.has_nested(),
        };
        if use_json {
            headers.insert(CONTENT_TYPE, JSON_CONTENT_TYPE);
            (Method::POST, encode_json(args)?)
        } else if info.verb == HttpVerb::Get && options.encoding == Encoding::Auto {
            let query = encode_form(args);
            if !query.is_empty() {
                url.push('?');
                url.push_str(&query);
            }
            (Method::GET, Bytes::new())
        } else {
            headers.insert(CONTENT_TYPE, FORM_CONTENT_TYPE);
            (Method::POST, Bytes::from(encode_form(args)))
        }
    };

    Ok(HttpRequest {
        method,
        url,
        headers,
        body: Body::Full(body),
        timeout: options.timeout.or(config.timeout),
    })
}

// Made at compile time (`from_static` checks every byte when it runs).
const JSON_CONTENT_TYPE: HeaderValue = HeaderValue::from_static("application/json; charset=utf-8");
const FORM_CONTENT_TYPE: HeaderValue =
    HeaderValue::from_static("application/x-www-form-urlencoded");

/// Block Kit limits on `blocks` and `view`, whether they are JSON or a JSON string.
fn check_block_kit_limits(args: &Args) -> Result<()> {
    let parsed = |v: &Value| match v {
        Value::String(s) => serde_json::from_str::<Value>(s).ok(),
        other => Some(other.clone()),
    };
    // One pass over the (few) arguments instead of two hashed lookups.
    for (name, value) in &args.fields {
        match name {
            "blocks" => {
                if let Some(blocks) = parsed(value) {
                    crate::blocks::validate_message_blocks(&blocks, "blocks")?;
                }
            }
            "view" => {
                if let Some(view) = parsed(value) {
                    crate::blocks::validate_view(&view, "view")?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// `Bearer <token>`, marked sensitive; a typed error for an empty or unusable token.
fn bearer(token: &Token) -> Result<HeaderValue> {
    if token.is_empty() {
        return Err(Error::validation("token", "the token is empty"));
    }
    let mut value = HeaderValue::try_from(format!("Bearer {}", token.expose())).map_err(|_| {
        Error::validation(
            "token",
            "the token contains characters not allowed in a header",
        )
    })?;
    value.set_sensitive(true);
    Ok(value)
}

fn is_valid_method_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-')
}

/// A form value: strings as they are, numbers and booleans printed, nested values as JSON.
/// `None` for null (the argument is dropped).
pub fn form_value(v: &Value) -> Option<std::borrow::Cow<'_, str>> {
    use std::borrow::Cow;
    match v {
        Value::Null => None,
        Value::String(s) => Some(Cow::Borrowed(s)),
        Value::Bool(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
        Value::Number(n) => Some(Cow::Owned(n.to_string())),
        Value::Array(_) | Value::Object(_) => Some(Cow::Owned(v.to_string())),
    }
}

/// `application/x-www-form-urlencoded` encoding of the arguments (nulls dropped).
pub fn encode_form(args: &Args) -> String {
    let mut out = String::with_capacity(64);
    for (k, v) in &args.fields {
        if let Some(v) = form_value(v) {
            if !out.is_empty() {
                out.push('&');
            }
            form_escape(&mut out, k);
            out.push('=');
            form_escape(&mut out, &v);
        }
    }
    out
}

/// Append `s` `application/x-www-form-urlencoded`: ASCII letters, digits and `*-._` as they
/// are, a space as `+`, every other byte as `%XX` (the WHATWG URL standard's form encoding,
/// byte for byte what the `form_urlencoded` crate writes). Runs of kept bytes are copied
/// whole.
fn form_escape(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let keep = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'*' | b'-' | b'.' | b'_');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if keep(b) {
            continue;
        }
        // `start..i` holds only kept (ASCII) bytes, so it is whole characters.
        out.push_str(s.get(start..i).unwrap_or_default());
        if b == b' ' {
            out.push('+');
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        }
        start = i + 1;
    }
    out.push_str(s.get(start..).unwrap_or_default());
}

fn encode_json(args: &Args) -> Result<Bytes> {
    let mut w = BytesMut::with_capacity(128).writer();
    /// The non-null arguments as one JSON object, written straight from the fields.
    struct NonNull<'a>(&'a Fields);
    impl Serialize for NonNull<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
            s.collect_map(self.0.iter().filter(|(_, v)| !v.is_null()))
        }
    }
    serde_json::to_writer(&mut w, &NonNull(&args.fields))
        .map_err(|e| Error::validation("args", e.to_string()))?;
    Ok(w.into_inner().freeze())
}

fn encode_multipart(args: &Args) -> Result<(HeaderValue, Bytes)> {
    let mut files = Vec::with_capacity(args.files.len());
    for f in &args.files {
        let data = match &f.data {
            FileData::Bytes(data) => data.clone(),
            FileData::Path(path) => read_path(&f.field, path)?,
            FileData::Reader(_) => {
                return Err(Error::validation(
                    &f.field,
                    "an AsyncRead file part must be read first (Args::read_files)",
                ))
            }
        };
        files.push((f, data));
    }
    let boundary = pick_boundary(&args.fields, files.iter().map(|(_, d)| d));
    let mut out = BytesMut::new();
    for (k, v) in &args.fields {
        let Some(v) = form_value(v) else { continue };
        out.put_slice(b"--");
        out.put_slice(boundary.as_bytes());
        out.put_slice(b"\r\nContent-Disposition: form-data; name=\"");
        out.put_slice(quote_param(k).as_bytes());
        out.put_slice(b"\"\r\n\r\n");
        out.put_slice(v.as_bytes());
        out.put_slice(b"\r\n");
    }
    for (f, data) in &files {
        out.put_slice(b"--");
        out.put_slice(boundary.as_bytes());
        out.put_slice(b"\r\nContent-Disposition: form-data; name=\"");
        out.put_slice(quote_param(&f.field).as_bytes());
        out.put_slice(b"\"; filename=\"");
        out.put_slice(quote_param(&f.filename).as_bytes());
        out.put_slice(b"\"\r\nContent-Type: ");
        let ct = f
            .content_type
            .as_deref()
            .filter(|c| !c.bytes().any(|b| b.is_ascii_control()))
            .unwrap_or("application/octet-stream");
        out.put_slice(ct.as_bytes());
        out.put_slice(b"\r\n\r\n");
        out.put_slice(data);
        out.put_slice(b"\r\n");
    }
    out.put_slice(b"--");
    out.put_slice(boundary.as_bytes());
    out.put_slice(b"--\r\n");
    let ct = HeaderValue::try_from(format!("multipart/form-data; boundary={boundary}"))
        .unwrap_or_else(|_| HeaderValue::from_static("multipart/form-data"));
    Ok((ct, out.freeze()))
}

/// Escape a multipart parameter value: quotes, backslashes and line breaks cannot appear raw.
fn quote_param(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '"' => "%22".to_owned(),
            '\r' => "%0D".to_owned(),
            '\n' => "%0A".to_owned(),
            c => c.to_string(),
        })
        .collect()
}

/// A boundary that occurs in none of the parts.
fn pick_boundary<'a>(fields: &Fields, files: impl Iterator<Item = &'a Bytes> + Clone) -> String {
    let mut n: u64 = 0x05ee_d5ac_c0de;
    loop {
        let b = format!("slack-sdk-rust-{n:016x}");
        let clashes = files.clone().any(|d| contains(d, b.as_bytes()))
            || fields
                .values()
                .any(|v| form_value(v).is_some_and(|s| s.contains(&b)));
        if !clashes {
            return b;
        }
        n = n
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::method::lookup;
    use serde_json::json;

    fn cfg() -> ClientConfig {
        let mut c = ClientConfig::new();
        c.set_token("xoxb-test-token");
        c
    }

    fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
        form_urlencoded::parse(body).into_owned().collect()
    }

    #[test]
    fn base_url_validation() {
        let mut c = ClientConfig::new();
        assert_eq!(c.base_url(), "https://slack.com/api/");
        c.set_base_url("http://127.0.0.1:8080/api").unwrap();
        assert_eq!(c.base_url(), "http://127.0.0.1:8080/api/");
        for bad in [
            "",
            "not a url",
            "ftp://x/api/",
            "/api/",
            "http:///api",
            "https://x/api?x=1",
        ] {
            let e = c.set_base_url(bad).unwrap_err();
            assert!(matches!(e, Error::Validation { .. }), "{bad}: {e:?}");
        }
    }

    #[test]
    fn user_agent_shape() {
        let ua = user_agent_string(Some("mybot/1.0"), Some("extra"));
        assert!(ua.starts_with("mybot/1.0 slack-sdk-rust/"), "{ua}");
        assert!(ua.contains(" rustc/"), "{ua}");
        assert!(
            ua.ends_with(&format!("{} extra", std::env::consts::OS)),
            "{ua}"
        );
        let mut c = ClientConfig::new();
        assert!(c.set_user_agent(Some("bad\nprefix"), None).is_err());
    }

    #[test]
    fn form_post_request() {
        let info = lookup("chat.delete").unwrap();
        let args = Args::new()
            .set("channel", "C1")
            .set("ts", "1.2")
            .set("as_user", Value::Null);
        let req = encode_request(&cfg(), info.name, &args, &CallOptions::default()).unwrap();
        assert_eq!(req.method, Method::POST);
        assert_eq!(req.url, "https://slack.com/api/chat.delete");
        assert_eq!(req.headers[AUTHORIZATION], "Bearer xoxb-test-token");
        assert!(req.headers[AUTHORIZATION].is_sensitive());
        assert_eq!(
            req.headers[CONTENT_TYPE],
            "application/x-www-form-urlencoded"
        );
        let body = req.body.as_bytes().unwrap();
        assert_eq!(
            form_pairs(body),
            vec![("channel".into(), "C1".into()), ("ts".into(), "1.2".into())]
        );
    }

    #[test]
    fn json_when_nested_and_supported() {
        let info = lookup("chat.postMessage").unwrap();
        let blocks = json!([{"type":"section","text":{"type":"mrkdwn","text":"hi"}}]);
        let args = Args::new()
            .set("channel", "C1")
            .set("blocks", blocks.clone());
        let req = encode_request(&cfg(), info.name, &args, &CallOptions::default()).unwrap();
        assert_eq!(req.headers[CONTENT_TYPE], "application/json; charset=utf-8");
        let v: Value = serde_json::from_slice(req.body.as_bytes().unwrap()).unwrap();
        assert_eq!(v, json!({"channel":"C1","blocks":blocks}));
        // Flat arguments stay a form.
        let req = encode_request(
            &cfg(),
            info.name,
            &Args::new().set("channel", "C1").set("text", "x"),
            &CallOptions::default(),
        )
        .unwrap();
        assert_eq!(
            req.headers[CONTENT_TYPE],
            "application/x-www-form-urlencoded"
        );
        // Forced form: nested values become JSON strings.
        let req = encode_request(
            &cfg(),
            info.name,
            &args,
            &CallOptions::default().encoding(Encoding::Form),
        )
        .unwrap();
        let pairs = form_pairs(req.body.as_bytes().unwrap());
        assert_eq!(pairs[1].0, "blocks");
        assert_eq!(serde_json::from_str::<Value>(&pairs[1].1).unwrap(), blocks);
    }

    #[test]
    fn get_methods_use_query() {
        let info = lookup("conversations.list").unwrap();
        let args = Args::new()
            .set("limit", 2)
            .set("types", "public_channel,private_channel")
            .set("exclude_archived", true);
        let req = encode_request(&cfg(), info.name, &args, &CallOptions::default()).unwrap();
        assert_eq!(req.method, Method::GET);
        assert_eq!(
            req.url,
            "https://slack.com/api/conversations.list?limit=2&types=public_channel%2Cprivate_channel&exclude_archived=true"
        );
        assert!(req.body.is_empty());
        assert!(req.headers.get(CONTENT_TYPE).is_none());
    }

    #[test]
    fn token_override_empty_and_bad() {
        let info = lookup("auth.test").unwrap();
        let req = encode_request(
            &cfg(),
            info.name,
            &Args::new(),
            &CallOptions::default().token("xoxp-other"),
        )
        .unwrap();
        assert_eq!(req.headers[AUTHORIZATION], "Bearer xoxp-other");
        let mut c = ClientConfig::new();
        c.set_token("");
        let e = encode_request(&c, info.name, &Args::new(), &CallOptions::default()).unwrap_err();
        assert!(matches!(&e, Error::Validation { field, .. } if field == "token"));
        c.set_token("xoxb-abc\ndef");
        let e = encode_request(&c, info.name, &Args::new(), &CallOptions::default()).unwrap_err();
        assert!(!e.to_string().contains("abc"), "{e}");
        let req = encode_request(
            &ClientConfig::new(),
            info.name,
            &Args::new(),
            &CallOptions::default(),
        )
        .unwrap();
        assert!(req.headers.get(AUTHORIZATION).is_none());
    }

    #[test]
    fn team_id_added_where_accepted() {
        let mut c = cfg();
        c.set_team_id(Some("T9".into()));
        let info = lookup("conversations.list").unwrap();
        let req = encode_request(&c, info.name, &Args::new(), &CallOptions::default()).unwrap();
        assert!(req.url.ends_with("?team_id=T9"), "{}", req.url);
        let info = lookup("chat.delete").unwrap();
        let req = encode_request(
            &c,
            info.name,
            &Args::new().set("channel", "C"),
            &CallOptions::default(),
        )
        .unwrap();
        assert!(!String::from_utf8_lossy(req.body.as_bytes().unwrap()).contains("team_id"));
    }

    #[test]
    fn control_characters_are_encoded_not_rejected() {
        let info = lookup("chat.delete").unwrap();
        let args = Args::new().set("channel", "C\u{0}\r\n1");
        let req = encode_request(&cfg(), info.name, &args, &CallOptions::default()).unwrap();
        let pairs = form_pairs(req.body.as_bytes().unwrap());
        assert_eq!(pairs[0].1, "C\u{0}\r\n1");
    }

    #[test]
    fn invalid_method_name() {
        let e =
            encode_request(&cfg(), "../evil?x", &Args::new(), &CallOptions::default()).unwrap_err();
        assert!(matches!(e, Error::Validation { .. }));
    }

    #[test]
    fn multipart_body() {
        let info = lookup("files.remote.add").unwrap();
        let args = Args::new()
            .set("external_id", "x1")
            .set("title", "T \"q\"")
            .file(
                FilePart::new("preview_image", "p.png", Bytes::from_static(b"\x89PNG"))
                    .content_type("image/png"),
            );
        let req = encode_request(&cfg(), info.name, &args, &CallOptions::default()).unwrap();
        let ct = req.headers[CONTENT_TYPE].to_str().unwrap().to_owned();
        let boundary = ct.strip_prefix("multipart/form-data; boundary=").unwrap();
        let body = req.body.as_bytes().unwrap();
        let s = String::from_utf8_lossy(body);
        assert!(s.starts_with(&format!("--{boundary}\r\n")));
        assert!(s.contains("name=\"title\"\r\n\r\nT \"q\"\r\n"));
        assert!(s.contains(
            "name=\"preview_image\"; filename=\"p.png\"\r\nContent-Type: image/png\r\n\r\n"
        ));
        assert!(s.ends_with(&format!("--{boundary}--\r\n")));
    }

    #[test]
    fn multipart_boundary_avoids_content() {
        let first = pick_boundary(&Fields::default(), std::iter::empty());
        let data = Bytes::from(first.clone().into_bytes());
        assert_ne!(
            pick_boundary(&Fields::default(), std::iter::once(&data)),
            first
        );
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        let mut f = std::pin::pin!(f);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        loop {
            if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
                return v;
            }
        }
    }

    #[test]
    fn secrets_are_redacted_in_debug() {
        let args = Args::new()
            .set("client_id", "123.456")
            .set("client_secret", "shh-secret")
            .set("code", "one-time-code")
            .set("refresh_token", "xoxe-1-refresh")
            .set("bot_token", "xoxb-bot");
        let shown = format!("{args:?}");
        for secret in ["shh-secret", "one-time-code", "xoxe-1-refresh", "xoxb-bot"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(shown.contains("123.456"), "{shown}");
        // The generated requests too.
        let access = crate::api::oauth::v2::Access::new()
            .client_id("123.456")
            .client_secret("shh-secret")
            .code("one-time-code")
            .refresh_token("xoxe-1-refresh");
        let shown = format!("{access:?}");
        for secret in ["shh-secret", "one-time-code", "xoxe-1-refresh"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(
            shown.contains("123.456") && shown.contains("<redacted>"),
            "{shown}"
        );
        // Redaction never changes what is sent.
        let sent = access.to_args_for_test();
        assert_eq!(sent.get("client_secret"), Some(&json!("shh-secret")));
    }

    trait ToArgsForTest {
        fn to_args_for_test(&self) -> Args;
    }
    impl<T: crate::api::SlackMethod> ToArgsForTest for T {
        fn to_args_for_test(&self) -> Args {
            self.to_args().unwrap()
        }
    }

    #[test]
    fn stringified_json_stays_a_string() {
        let users = json!([{"slack_id": "U1"}, {"external_id": "e2", "display_name": "Ext"}]);
        // Typed: a string in a form and inside a JSON body.
        let add = crate::api::calls::Add::new("c-1", "https://x/join").users(&users);
        let args = add.to_args_for_test();
        let text = args.get("users").and_then(Value::as_str).unwrap();
        assert_eq!(serde_json::from_str::<Value>(text).unwrap(), users);
        let req = encode_request(
            &cfg(),
            "calls.add",
            &args,
            &CallOptions::default().encoding(Encoding::Json),
        )
        .unwrap();
        let body: Value = serde_json::from_slice(req.body.as_bytes().unwrap()).unwrap();
        assert!(body["users"].is_string(), "{body}");
        // Untyped: an object given to api_call is stringified for the method.
        let prefs = json!({"who_can_post": "type:admin"});
        let args = Args::new()
            .set("channel_id", "C1")
            .set("prefs", prefs.clone());
        let req = encode_request(
            &cfg(),
            "admin.conversations.setConversationPrefs",
            &args,
            &CallOptions::default().encoding(Encoding::Json),
        )
        .unwrap();
        let body: Value = serde_json::from_slice(req.body.as_bytes().unwrap()).unwrap();
        assert_eq!(
            serde_json::from_str::<Value>(body["prefs"].as_str().unwrap()).unwrap(),
            prefs
        );
        // Already stringified by the caller: sent as it is, not quoted twice.
        let text = r#"{"who_can_post":"type:admin"}"#;
        let typed = crate::api::admin::conversations::SetConversationPrefs::new("C1", text);
        assert_eq!(typed.to_args_for_test().get("prefs"), Some(&json!(text)));
        // Elsewhere a nested value stays nested.
        let blocks = json!([{"type": "divider"}]);
        let req = encode_request(
            &cfg(),
            "chat.postMessage",
            &Args::new()
                .set("channel", "C1")
                .set("blocks", blocks.clone()),
            &CallOptions::default(),
        )
        .unwrap();
        let body: Value = serde_json::from_slice(req.body.as_bytes().unwrap()).unwrap();
        assert_eq!(body["blocks"], blocks);
    }

    #[test]
    fn numbers_and_times() {
        let at = crate::api::reminders::Add::new("stand-up", 1_767_225_600).to_args_for_test();
        assert_eq!(at.get("time"), Some(&json!(1_767_225_600)));
        let words = crate::api::reminders::Add::new("stand-up", "in 5 minutes").to_args_for_test();
        assert_eq!(words.get("time"), Some(&json!("in 5 minutes")));
        let scheduled =
            crate::api::chat::ScheduleMessage::new("C1", 1_767_225_600).to_args_for_test();
        assert_eq!(scheduled.get("post_at"), Some(&json!(1_767_225_600)));
        let req = encode_request(&cfg(), "reminders.add", &at, &CallOptions::default()).unwrap();
        assert!(form_pairs(req.body.as_bytes().unwrap())
            .contains(&("time".to_owned(), "1767225600".to_owned())));
    }

    #[test]
    fn file_arguments_are_file_parts() {
        let add = crate::api::files::remote::Add::new("ext-1", "Doc", "https://x/doc")
            .preview_image(FileArg::bytes("p.png", &b"\x89PNG"[..]).content_type("image/png"))
            .indexable_file_contents(FileArg::reader("terms.txt", &b"alpha beta"[..]));
        let mut args = add.to_args_for_test();
        assert!(!args.contains("preview_image") && !args.contains("indexable_file_contents"));
        // An unread reader cannot be encoded; read_files reads it once.
        assert!(
            encode_request(&cfg(), "files.remote.add", &args, &CallOptions::default()).is_err()
        );
        block_on(args.read_files()).unwrap();
        let req =
            encode_request(&cfg(), "files.remote.add", &args, &CallOptions::default()).unwrap();
        let body = String::from_utf8_lossy(req.body.as_bytes().unwrap()).into_owned();
        assert!(body.contains(
            "name=\"indexable_file_contents\"; filename=\"terms.txt\"\r\nContent-Type: application/octet-stream\r\n\r\nalpha beta\r\n"
        ), "{body}");
        assert!(
            body.contains("name=\"preview_image\"; filename=\"p.png\"\r\nContent-Type: image/png")
        );
        // The reader was shared by the request's clones: a second send says so.
        let mut again = add.to_args_for_test();
        let e = block_on(again.read_files()).unwrap_err();
        assert!(e.to_string().contains("already read"), "{e}");
        // A path is read when the call is made.
        let dir = std::env::temp_dir().join(format!("slack-core-file-arg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("preview.png");
        std::fs::write(&path, b"PNGDATA").unwrap();
        let mut args = Args::new()
            .set("external_id", "e")
            .set_file("preview_image", FileArg::path(&path));
        block_on(args.read_files()).unwrap();
        let req = encode_request(
            &cfg(),
            "files.remote.update",
            &args,
            &CallOptions::default(),
        )
        .unwrap();
        let body = String::from_utf8_lossy(req.body.as_bytes().unwrap()).into_owned();
        assert!(
            body.contains("filename=\"preview.png\"") && body.contains("PNGDATA"),
            "{body}"
        );
        let missing = Args::new().set_file("image", FileArg::path(dir.join("nope.png")));
        let e = block_on(missing.clone().read_files()).unwrap_err();
        assert!(
            matches!(&e, Error::Validation { field, .. } if field == "image"),
            "{e:?}"
        );
        std::fs::remove_dir_all(&dir).ok();
        // A file argument given as text is refused instead of going out as text.
        let e = encode_request(
            &cfg(),
            "files.remote.add",
            &Args::new().set("preview_image", "/tmp/preview.png"),
            &CallOptions::default(),
        )
        .unwrap_err();
        assert!(
            matches!(&e, Error::Validation { field, .. } if field == "preview_image"),
            "{e:?}"
        );
    }

    proptest::proptest! {
        /// The hand-written encoder writes what the `form_urlencoded` crate writes, byte for
        /// byte, for any keys and values (any Unicode, controls, `%`, `+`, `&`, `=`).
        #[test]
        fn form_encoding_matches_form_urlencoded(pairs in proptest::collection::vec(("\\PC{0,6}|[ -~]{0,6}", "(?s).{0,24}"), 0..6)) {
            let mut args = Args::new();
            let mut reference = form_urlencoded::Serializer::new(String::new());
            for (k, v) in &pairs {
                args.insert(k.clone(), v.clone());
            }
            for (k, v) in args.fields() {
                reference.append_pair(k, v.as_str().unwrap_or_default());
            }
            proptest::prop_assert_eq!(encode_form(&args), reference.finish());
        }

        #[test]
        fn form_round_trip(map in proptest::collection::btree_map("[a-z_]{1,12}", "\\PC*", 0..8)) {
            let args: Args = map.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            let encoded = encode_form(&args);
            let decoded: std::collections::BTreeMap<String, String> = form_urlencoded::parse(encoded.as_bytes()).into_owned().collect();
            proptest::prop_assert_eq!(decoded, map);
        }

        #[test]
        fn form_round_trip_any_value(map in proptest::collection::btree_map(".{1,8}", proptest::prelude::any::<(i64, bool, String)>(), 0..6)) {
            let mut args = Args::new();
            for (k, (n, b, s)) in &map {
                args.insert(k.clone(), json!({"n": n, "b": b, "s": s}));
            }
            let decoded: Vec<(String, String)> = form_urlencoded::parse(encode_form(&args).as_bytes()).into_owned().collect();
            proptest::prop_assert_eq!(decoded.len(), map.len());
            for (k, v) in decoded {
                let (n, b, s) = &map[&k];
                proptest::prop_assert_eq!(serde_json::from_str::<Value>(&v).unwrap(), json!({"n": n, "b": b, "s": s}));
            }
        }
    }
}
