//! Building the wire request for one call: URL, headers, and a form, JSON or multipart body.

use std::fmt;
use std::sync::Arc;
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

/// The default Web API base URL.
pub const DEFAULT_BASE_URL: &str = "https://slack.com/api/";

/// This crate's version, sent in the `User-Agent`.
pub const SDK_VERSION: &str = env!("CARGO_PKG_VERSION");

// ===== Args =====

/// Arguments of one call: named JSON values plus, for multipart methods, file parts.
///
/// `null` values are dropped when encoding, so optional arguments can be passed as `Option`.
///
/// ```
/// use slack_core::Args;
/// let args = Args::new().set("channel", "C123").set("text", "hi").set("thread_ts", None::<String>);
/// assert_eq!(args.get("channel").and_then(|v| v.as_str()), Some("C123"));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Args {
    fields: Map<String, Value>,
    files: Vec<FilePart>,
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
        self.fields.insert(name.into(), value.into());
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
    pub fn file(mut self, part: FilePart) -> Self {
        self.files.push(part);
        self
    }

    /// The file parts.
    pub fn files(&self) -> &[FilePart] {
        &self.files
    }

    /// The named arguments.
    pub fn fields(&self) -> &Map<String, Value> {
        &self.fields
    }

    /// Arguments from any value that serialises to a JSON object (a typed request, a map).
    pub fn from_serialize<T: Serialize + ?Sized>(value: &T) -> Result<Args> {
        match serde_json::to_value(value) {
            Ok(Value::Object(fields)) => Ok(Args {
                fields,
                files: Vec::new(),
            }),
            Ok(Value::Null) => Ok(Args::default()),
            Ok(other) => Err(Error::validation(
                "args",
                format!(
                    "arguments must serialise to a JSON object, not {}",
                    json_kind(&other)
                ),
            )),
            Err(e) => Err(Error::validation("args", e.to_string())),
        }
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
            fields,
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

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
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
    pub data: Bytes,
}

impl FilePart {
    /// A part named `field` with `filename` and `data`.
    pub fn new(
        field: impl Into<String>,
        filename: impl Into<String>,
        data: impl Into<Bytes>,
    ) -> Self {
        FilePart {
            field: field.into(),
            filename: filename.into(),
            content_type: None,
            data: data.into(),
        }
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
            .field("len", &self.data.len())
            .finish()
    }
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
    if !is_valid_method_name(method) {
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
    let info = crate::method::lookup(method).unwrap_or(&UNKNOWN_METHOD);
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
    let args = args_with_team;

    let mut url = String::with_capacity(config.base_url.len() + info.name.len() + 64);
    url.push_str(&config.base_url);
    url.push_str(method);

    let (method, body) = if !args.files.is_empty() {
        let (ct, body) = encode_multipart(args);
        headers.insert(CONTENT_TYPE, ct);
        (Method::POST, body)
    } else {
        let use_json = match options.encoding {
            Encoding::Json => true,
            Encoding::Form => false,
            Encoding::Auto => info.json == JsonSupport::Yes && args.has_nested(),
        };
        if use_json {
            headers.insert(
                CONTENT_TYPE,
                HeaderValue::from_static("application/json; charset=utf-8"),
            );
            (Method::POST, encode_json(args)?)
        } else if info.verb == HttpVerb::Get && options.encoding == Encoding::Auto {
            let query = encode_form(args);
            if !query.is_empty() {
                url.push('?');
                url.push_str(&query);
            }
            (Method::GET, Bytes::new())
        } else {
            headers.insert(
                CONTENT_TYPE,
                HeaderValue::from_static("application/x-www-form-urlencoded"),
            );
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

/// Block Kit limits on `blocks` and `view`, whether they are JSON or a JSON string.
fn check_block_kit_limits(args: &Args) -> Result<()> {
    let parsed = |v: &Value| match v {
        Value::String(s) => serde_json::from_str::<Value>(s).ok(),
        other => Some(other.clone()),
    };
    if let Some(blocks) = args.get("blocks").and_then(parsed) {
        crate::blocks::validate_message_blocks(&blocks, "blocks")?;
    }
    if let Some(view) = args.get("view").and_then(parsed) {
        crate::blocks::validate_view(&view, "view")?;
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
    let mut ser = form_urlencoded::Serializer::new(String::new());
    for (k, v) in &args.fields {
        if let Some(v) = form_value(v) {
            ser.append_pair(k, &v);
        }
    }
    ser.finish()
}

fn encode_json(args: &Args) -> Result<Bytes> {
    let mut w = BytesMut::with_capacity(128).writer();
    let non_null = args.fields.iter().filter(|(_, v)| !v.is_null());
    let map: Map<String, Value> = non_null.map(|(k, v)| (k.clone(), v.clone())).collect();
    serde_json::to_writer(&mut w, &map).map_err(|e| Error::validation("args", e.to_string()))?;
    Ok(w.into_inner().freeze())
}

fn encode_multipart(args: &Args) -> (HeaderValue, Bytes) {
    let boundary = pick_boundary(args);
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
    for f in &args.files {
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
        out.put_slice(&f.data);
        out.put_slice(b"\r\n");
    }
    out.put_slice(b"--");
    out.put_slice(boundary.as_bytes());
    out.put_slice(b"--\r\n");
    let ct = HeaderValue::try_from(format!("multipart/form-data; boundary={boundary}"))
        .unwrap_or_else(|_| HeaderValue::from_static("multipart/form-data"));
    (ct, out.freeze())
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
fn pick_boundary(args: &Args) -> String {
    let mut n: u64 = 0x05ee_d5ac_c0de;
    loop {
        let b = format!("slack-sdk-rust-{n:016x}");
        let clashes = args.files.iter().any(|f| contains(&f.data, b.as_bytes()))
            || args
                .fields
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
        let first = pick_boundary(&Args::new());
        let args = Args::new().file(FilePart::new(
            "file",
            "a",
            Bytes::from(first.clone().into_bytes()),
        ));
        assert_ne!(pick_boundary(&args), first);
    }

    proptest::proptest! {
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
