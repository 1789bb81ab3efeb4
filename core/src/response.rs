//! Parsing Slack's answers: [`SlackResponse`] (the raw answer) and [`Response`] (a typed view).

use std::fmt;
use std::ops::Deref;
use std::sync::OnceLock;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

use crate::error::{ApiError, DecodeError, Error, ErrorCode, HttpError, Result};
use crate::transport::{HttpResponse, RedactedHeaders};

pub(crate) mod scan;
pub(crate) mod tap;

/// A successful (`"ok": true`) answer, or a binary download, with everything Slack sent.
///
/// The body is kept as bytes; [`json`](SlackResponse::json) parses it on first use, and
/// [`decode`](SlackResponse::decode) deserialises a typed view straight from the bytes.
#[derive(Clone)]
pub struct SlackResponse {
    method: String,
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    binary: bool,
    next_cursor: Option<String>,
    top_next_cursor: Option<String>,
    warnings: Vec<String>,
    reconciled: Option<crate::reconcile::Reconciled>,
    json: OnceLock<Value>,
    /// The typed answer when it was decoded with the envelope ([`tap`]), until taken.
    typed: TypedSlot,
}

/// A typed answer waiting in a [`SlackResponse`]: taken once, never cloned (a clone of the
/// response decodes again when asked). The lock only makes the response `Sync` whatever the
/// answer's type; it is never contended.
#[derive(Default)]
struct TypedSlot(std::sync::Mutex<Option<tap::Decoded>>);

impl Clone for TypedSlot {
    fn clone(&self) -> Self {
        TypedSlot::default()
    }
}

impl SlackResponse {
    /// The method that was called.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The raw body.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// Whether the body is binary content (for example a gzip file) rather than JSON.
    pub fn is_binary(&self) -> bool {
        self.binary
    }

    /// The body as JSON (parsed once, then cached). `Value::Null` for binary bodies.
    pub fn json(&self) -> &Value {
        self.json.get_or_init(|| {
            if self.binary {
                Value::Null
            } else {
                serde_json::from_slice(&self.body).unwrap_or(Value::Null)
            }
        })
    }

    /// A field of the JSON body, `Value::Null` when absent.
    pub fn get(&self, field: &str) -> &Value {
        self.json().get(field).unwrap_or(&Value::Null)
    }

    /// The typed answer decoded with the envelope, when it was and is of type `T`
    /// (otherwise [`decode`](Self::decode) reads it).
    pub(crate) fn take_typed<T: 'static>(&mut self) -> Option<T> {
        let slot = self.typed.0.get_mut().ok()?;
        match slot.take()?.downcast::<T>() {
            Ok(answer) => Some(*answer),
            Err(other) => {
                *slot = Some(other);
                None
            }
        }
    }

    /// Deserialise a typed view straight from the bytes.
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T> {
        // Checked as UTF-8 once, the body is read as a `str`: serde_json then trusts every
        // string in it, and blocks lend their JSON text without checking it again. A body
        // that is not UTF-8 throughout (serde_json allows that in skipped strings) is read as
        // bytes, as before.
        let decoded = match std::str::from_utf8(&self.body) {
            Ok(text) => serde_json::from_str(text),
            Err(_) => serde_json::from_slice(&self.body),
        };
        decoded.map_err(|e| {
            Error::Decode(Box::new(DecodeError {
                method: self.method.clone(),
                status: self.status,
                content_type: content_type(&self.headers).map(str::to_owned),
                reason: format!("response does not fit the typed model: {e}"),
                body: self.body.clone(),
            }))
        })
    }

    /// The cursor of the next page, when there is one: `response_metadata.next_cursor`, or a
    /// top-level `next_cursor` (where `admin.conversations.search` puts it). A number is
    /// read as its digits; `null`, `""` and other types mean no next page.
    pub fn next_cursor(&self) -> Option<&str> {
        self.next_cursor_at(crate::method::CursorAt::ResponseMetadata)
    }

    /// The next page's cursor where the method table says the method puts it
    /// ([`Pagination::next_cursor`](crate::method::Pagination::next_cursor)), else where
    /// the other methods do.
    ///
    /// ```
    /// use slack_core::method::CursorAt;
    /// use slack_core::response::parse_response;
    /// use slack_core::transport::HttpResponse;
    ///
    /// let body = r#"{"ok":true,"conversations":[],"next_cursor":"p2"}"#;
    /// let page = parse_response("admin.conversations.search", HttpResponse::new(http::StatusCode::OK, body))?;
    /// assert_eq!(page.next_cursor_at(CursorAt::TopLevel), Some("p2"));
    /// # Ok::<(), slack_core::Error>(())
    /// ```
    pub fn next_cursor_at(&self, at: crate::method::CursorAt) -> Option<&str> {
        let (first, second) = match at {
            crate::method::CursorAt::TopLevel => (&self.top_next_cursor, &self.next_cursor),
            _ => (&self.next_cursor, &self.top_next_cursor),
        };
        first.as_deref().or(second.as_deref())
    }

    /// What reconciliation did to reach this answer: `None` when the first outcome was
    /// known (or reconciliation was off), [`Found`](crate::reconcile::Reconciled::Found) when
    /// a write whose outcome was unknown turned out applied,
    /// [`Resent`](crate::reconcile::Reconciled::Resent) when it was sent again.
    pub fn reconciled(&self) -> Option<crate::reconcile::Reconciled> {
        self.reconciled
    }

    pub(crate) fn with_reconciled(mut self, how: crate::reconcile::Reconciled) -> Self {
        self.reconciled = Some(how);
        self
    }

    /// `response_metadata.warnings`, `warnings` and `warning` (comma-separated), in that
    /// order without repeats; a field of another shape is skipped, never an error.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }
}

impl fmt::Debug for SlackResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SlackResponse")
            .field("method", &self.method)
            .field("status", &self.status)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body", &crate::util::Excerpt(&self.body))
            .field("binary", &self.binary)
            .finish()
    }
}

/// A typed answer that keeps the raw one reachable. Derefs to the typed data.
#[derive(Debug, Clone)]
pub struct Response<T> {
    data: T,
    raw: SlackResponse,
}

impl<T> Response<T> {
    /// Pair typed data with its raw response.
    pub fn new(data: T, raw: SlackResponse) -> Self {
        Response { data, raw }
    }

    /// The raw response (status, headers, bytes, JSON).
    pub fn raw(&self) -> &SlackResponse {
        &self.raw
    }

    /// The typed data.
    pub fn into_inner(self) -> T {
        self.data
    }

    /// The typed data and the raw response.
    pub fn into_parts(self) -> (T, SlackResponse) {
        (self.data, self.raw)
    }
}

impl<T> Deref for Response<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.data
    }
}

// ===== parsing =====

/// The envelope fields of an answer. Only `ok` must have its type; every other field is
/// read leniently (see [`Lenient`]), so a metadata field of an unexpected type or place never
/// turns a success into an error. Other fields are skipped without being built.
#[derive(Default, Deserialize)]
pub(crate) struct Envelope {
    ok: Option<bool>,
    #[serde(default)]
    error: Lenient,
    #[serde(default)]
    needed: Lenient,
    #[serde(default)]
    provided: Lenient,
    #[serde(default)]
    warning: Lenient,
    #[serde(default)]
    warnings: Lenient,
    /// Some methods (`admin.conversations.search`) put the cursor at the top level.
    #[serde(default)]
    next_cursor: Lenient,
    #[serde(default)]
    response_metadata: Meta,
}

/// `response_metadata`: the three fields the envelope reads, each kept as a small
/// [`Lenient`] value; other fields are skipped unbuilt, and any other shape reads as empty.
#[derive(Default)]
struct Meta {
    warnings: Lenient,
    next_cursor: Lenient,
    messages: Lenient,
}

impl<'de> Deserialize<'de> for Meta {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(MetaVisitor)
    }
}

struct MetaVisitor;

impl<'de> serde::de::Visitor<'de> for MetaVisitor {
    type Value = Meta;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Meta, A::Error> {
        let mut meta = Meta::default();
        // A repeated key: the last one counts, as in a `serde_json::Value`.
        while let Some(key) = map.next_key::<std::borrow::Cow<'_, str>>()? {
            match &*key {
                "warnings" => meta.warnings = map.next_value()?,
                "next_cursor" => meta.next_cursor = map.next_value()?,
                "messages" => meta.messages = map.next_value()?,
                _ => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        Ok(meta)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Meta, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(Meta::default())
    }
    fn visit_bool<E>(self, _: bool) -> std::result::Result<Meta, E> {
        Ok(Meta::default())
    }
    fn visit_i64<E>(self, _: i64) -> std::result::Result<Meta, E> {
        Ok(Meta::default())
    }
    fn visit_u64<E>(self, _: u64) -> std::result::Result<Meta, E> {
        Ok(Meta::default())
    }
    fn visit_f64<E>(self, _: f64) -> std::result::Result<Meta, E> {
        Ok(Meta::default())
    }
    fn visit_str<E>(self, _: &str) -> std::result::Result<Meta, E> {
        Ok(Meta::default())
    }
    fn visit_unit<E>(self) -> std::result::Result<Meta, E> {
        Ok(Meta::default())
    }
    fn visit_none<E>(self) -> std::result::Result<Meta, E> {
        Ok(Meta::default())
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<Meta, D::Error> {
        d.deserialize_any(self)
    }
}

impl Envelope {
    /// The envelope of `body`: found by the byte scanner when it can ([`scan`]), else
    /// decoded by serde (which then also reports what is wrong with the body).
    fn read(body: &[u8]) -> serde_json::Result<Envelope> {
        let mut env = Envelope::default();
        let mut seen = 0u8;
        let fast = scan::top_level_fields(body, |key, raw| match Field::of(key) {
            Some(field) => env.take(&mut seen, field, raw),
            None => true,
        });
        match fast {
            Some(()) => Ok(env),
            None => serde_json::from_slice(body),
        }
    }

    /// Read the raw value of one envelope field. `false` when a fast read must give up and
    /// leave the body to serde: the field was seen before (serde refuses a repeated field),
    /// or `ok` is not a boolean (serde's error to give).
    fn take(&mut self, seen: &mut u8, field: Field, raw: &[u8]) -> bool {
        let bit = 1u8 << field as u8;
        if *seen & bit != 0 {
            return false;
        }
        *seen |= bit;
        let slot = match field {
            Field::Ok => {
                return scan::field::<Option<bool>>(raw)
                    .map(|ok| self.ok = ok)
                    .is_some()
            }
            Field::ResponseMetadata => {
                return scan::field::<Meta>(raw)
                    .map(|meta| self.response_metadata = meta)
                    .is_some()
            }
            Field::Error => &mut self.error,
            Field::Needed => &mut self.needed,
            Field::Provided => &mut self.provided,
            Field::Warning => &mut self.warning,
            Field::Warnings => &mut self.warnings,
            Field::NextCursor => &mut self.next_cursor,
        };
        scan::field::<Lenient>(raw).map(|v| *slot = v).is_some()
    }
}

/// The fields of [`Envelope`], by their keys.
#[derive(Clone, Copy, Debug)]
enum Field {
    Ok,
    Error,
    Needed,
    Provided,
    Warning,
    Warnings,
    NextCursor,
    ResponseMetadata,
}

impl Field {
    fn of(key: &[u8]) -> Option<Field> {
        Some(match key {
            b"ok" => Field::Ok,
            b"error" => Field::Error,
            b"needed" => Field::Needed,
            b"provided" => Field::Provided,
            b"warning" => Field::Warning,
            b"warnings" => Field::Warnings,
            b"next_cursor" => Field::NextCursor,
            b"response_metadata" => Field::ResponseMetadata,
            _ => return None,
        })
    }
}

/// An envelope field read leniently, without building a JSON tree: a string, a number
/// (written out), or a list of the texts of an array's strings and numbers; any other value
/// (null, a boolean, an object) reads as nothing.
#[derive(Default, Debug, PartialEq)]
enum Lenient {
    #[default]
    Nothing,
    Str(String),
    Num(String),
    List(Vec<String>),
}

impl<'de> Deserialize<'de> for Lenient {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(LenientVisitor)
    }
}

/// A finite float written as JSON writes it.
fn float_text(v: f64) -> Option<String> {
    serde_json::Number::from_f64(v).map(|n| n.to_string())
}

struct LenientVisitor;

impl<'de> serde::de::Visitor<'de> for LenientVisitor {
    type Value = Lenient;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_str<E>(self, v: &str) -> std::result::Result<Lenient, E> {
        Ok(Lenient::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> std::result::Result<Lenient, E> {
        Ok(Lenient::Str(v))
    }
    fn visit_u64<E>(self, v: u64) -> std::result::Result<Lenient, E> {
        Ok(Lenient::Num(v.to_string()))
    }
    fn visit_i64<E>(self, v: i64) -> std::result::Result<Lenient, E> {
        Ok(Lenient::Num(v.to_string()))
    }
    fn visit_f64<E>(self, v: f64) -> std::result::Result<Lenient, E> {
        Ok(float_text(v).map_or(Lenient::Nothing, Lenient::Num))
    }
    fn visit_bool<E>(self, _: bool) -> std::result::Result<Lenient, E> {
        Ok(Lenient::Nothing)
    }
    fn visit_unit<E>(self) -> std::result::Result<Lenient, E> {
        Ok(Lenient::Nothing)
    }
    fn visit_none<E>(self) -> std::result::Result<Lenient, E> {
        Ok(Lenient::Nothing)
    }
    fn visit_some<D: serde::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<Lenient, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Lenient, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<ItemText>()? {
            items.extend(item.0);
        }
        Ok(Lenient::List(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Lenient, A::Error> {
        while map
            .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
            .is_some()
        {}
        Ok(Lenient::Nothing)
    }
}

/// An array item's text: a non-empty string, or a number written out; nothing for other
/// values (skipped unbuilt).
struct ItemText(Option<String>);

impl<'de> Deserialize<'de> for ItemText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Ok(ItemText(d.deserialize_any(LenientVisitor).map(
            |v| match v {
                Lenient::Str(s) if !s.is_empty() => Some(s),
                Lenient::Num(n) => Some(n),
                _ => None,
            },
        )?))
    }
}

impl Lenient {
    /// A string, or a number written out; `None` for null, an empty string and other types.
    fn text(&self) -> Option<String> {
        match self {
            Lenient::Str(s) if !s.is_empty() => Some(s.clone()),
            Lenient::Num(n) => Some(n.clone()),
            _ => None,
        }
    }

    /// A list of strings from a string (comma-separated), an array (its strings and
    /// numbers) or nothing.
    fn list(&self) -> Vec<String> {
        match self {
            Lenient::Str(s) => s
                .split(',')
                .map(str::trim)
                .filter(|w| !w.is_empty())
                .map(str::to_owned)
                .collect(),
            Lenient::Num(n) => vec![n.clone()],
            Lenient::List(items) => items.clone(),
            Lenient::Nothing => Vec::new(),
        }
    }
}

fn content_type(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
}

enum BodyKind {
    Json,
    Text,
    Binary,
}

fn classify(headers: &HeaderMap) -> BodyKind {
    let Some(ct) = content_type(headers) else {
        return BodyKind::Json;
    };
    // Compared without case and without a lowercased copy (this runs on every answer).
    let essence = ct.split(';').next().unwrap_or("").trim().as_bytes();
    let is = |name: &str| essence.eq_ignore_ascii_case(name.as_bytes());
    let starts = |prefix: &str| {
        essence
            .get(..prefix.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(prefix.as_bytes()))
    };
    let ends = |suffix: &str| {
        essence
            .len()
            .checked_sub(suffix.len())
            .and_then(|at| essence.get(at..))
            .is_some_and(|s| s.eq_ignore_ascii_case(suffix.as_bytes()))
    };
    if essence.is_empty()
        || is("application/json")
        || ends("+json")
        || is("text/json")
        || is("text/javascript")
        || is("application/javascript")
    {
        BodyKind::Json
    } else if starts("text/") || is("application/xhtml+xml") {
        BodyKind::Text
    } else {
        BodyKind::Binary
    }
}

/// Turn an HTTP answer to `method` into a [`SlackResponse`] or the typed [`Error`] it means.
///
/// - 429 → [`Error::RateLimited`]; other non-2xx → [`Error::Http`];
/// - a JSON body with `"ok": false` → [`Error::Api`];
/// - HTML/text or undecodable JSON → [`Error::Decode`] with an excerpt;
/// - a binary content type (gzip, octet-stream, …) → `Ok` with [`SlackResponse::is_binary`].
pub fn parse_response(method: &str, response: HttpResponse) -> Result<SlackResponse> {
    parse_response_with(method, response, None)
}

/// [`parse_response`], decoding the typed answer with `typed` when there is one: in one pass
/// with the envelope when the body allows ([`tap`]), the answer then waiting in the
/// [`SlackResponse`] for [`take_typed`](SlackResponse::take_typed).
pub(crate) fn parse_response_with(
    method: &str,
    response: HttpResponse,
    typed: Option<tap::Decoder>,
) -> Result<SlackResponse> {
    let mut resp = parse_plain(method, response)?;
    resp.binary = false;
    let status = resp.status;
    let decode_error = |resp: SlackResponse, reason: String| {
        Error::Decode(Box::new(DecodeError {
            method: method.to_owned(),
            status,
            content_type: content_type(&resp.headers).map(str::to_owned),
            reason,
            body: resp.body,
        }))
    };
    match classify(&resp.headers) {
        BodyKind::Binary => {
            resp.binary = true;
            return Ok(resp);
        }
        BodyKind::Text => {
            let looks_json = resp
                .body
                .iter()
                .find(|b| !b.is_ascii_whitespace())
                .is_some_and(|b| *b == b'{');
            if !looks_json {
                return Err(decode_error(resp, "expected JSON, got text".into()));
            }
        }
        BodyKind::Json => {}
    }
    let tapped = typed.and_then(|decode| decode(std::str::from_utf8(&resp.body).ok()?));
    let env = match tapped {
        Some((env, value)) => {
            resp.typed = TypedSlot(std::sync::Mutex::new(Some(value)));
            env
        }
        None => match Envelope::read(&resp.body) {
            Ok(env) => env,
            Err(e) => return Err(decode_error(resp, format!("invalid JSON: {e}"))),
        },
    };
    let meta = &env.response_metadata;
    let mut warnings = Vec::new();
    let found = [
        meta.warnings.list(),
        env.warnings.list(),
        env.warning.list(),
    ];
    for w in found.into_iter().flatten() {
        if !warnings.contains(&w) {
            warnings.push(w);
        }
    }
    resp.warnings = warnings;
    resp.next_cursor = meta.next_cursor.text();
    resp.top_next_cursor = env.next_cursor.text();
    let messages = meta.messages.list();
    match env.ok {
        Some(true) => Ok(resp),
        Some(false) => {
            resp.typed = TypedSlot::default();
            let retry_after = crate::util::parse_retry_after(&resp.headers);
            let code = ErrorCode::parse(env.error.text().as_deref().unwrap_or("unknown_error"));
            if code == ErrorCode::RateLimited {
                // `ok:false` with `ratelimited` is the same refusal as a 429: one variant.
                return Err(Error::RateLimited {
                    method: method.to_owned(),
                    retry_after,
                    response: Box::new(resp),
                });
            }
            Err(Error::Api(Box::new(ApiError {
                method: method.to_owned(),
                code,
                needed: env.needed.text(),
                provided: env.provided.text(),
                warnings: resp.warnings.clone(),
                messages,
                retry_after,
                response: resp,
            })))
        }
        None => {
            resp.typed = TypedSlot::default();
            Err(decode_error(resp, "no `ok` field in the response".into()))
        }
    }
}

/// Parse an answer that is not Slack JSON (an upload to a file URL): 429 →
/// [`Error::RateLimited`], other non-2xx → [`Error::Http`], any 2xx → `Ok` with the body
/// kept as bytes ([`SlackResponse::is_binary`]).
pub fn parse_plain(method: &str, response: HttpResponse) -> Result<SlackResponse> {
    let HttpResponse {
        status,
        headers,
        body,
    } = response;
    let resp = SlackResponse {
        method: method.to_owned(),
        status,
        headers,
        body,
        binary: true,
        next_cursor: None,
        top_next_cursor: None,
        warnings: Vec::new(),
        reconciled: None,
        json: OnceLock::new(),
        typed: TypedSlot::default(),
    };
    if status.is_success() {
        return Ok(resp);
    }
    let retry_after = crate::util::parse_retry_after(&resp.headers);
    if status == StatusCode::TOO_MANY_REQUESTS {
        return Err(Error::RateLimited {
            method: method.to_owned(),
            retry_after,
            response: Box::new(resp),
        });
    }
    Err(Error::Http(Box::new(HttpError {
        method: method.to_owned(),
        status,
        headers: resp.headers,
        body: resp.body,
        retry_after,
    })))
}

/// Parse and decode in one step: a [`Response<T>`] or the typed error.
pub fn parse_typed<T: DeserializeOwned>(
    method: &str,
    response: HttpResponse,
) -> Result<Response<T>> {
    let raw = parse_response(method, response)?;
    let data = raw.decode::<T>()?;
    Ok(Response::new(data, raw))
}

/// The `Retry-After` of a response, for callers holding only headers.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    crate::util::parse_retry_after(headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lenient envelope reader gives what reading the field as a `serde_json::Value`
    /// gave (the reader it replaced), for every shape of value.
    #[test]
    fn lenient_fields_read_as_through_a_value() {
        fn text_of(v: &Value) -> Option<String> {
            match v {
                Value::String(s) if !s.is_empty() => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            }
        }
        fn list_of(v: &Value) -> Vec<String> {
            match v {
                Value::String(s) => s
                    .split(',')
                    .map(str::trim)
                    .filter(|w| !w.is_empty())
                    .map(str::to_owned)
                    .collect(),
                Value::Array(items) => items.iter().filter_map(text_of).collect(),
                other => text_of(other).into_iter().collect(),
            }
        }
        let cases = [
            r#""missing_charset""#,
            r#""a, b,,c ,""#,
            r#""""#,
            r#"" ""#,
            r#""\u00e9t\u00e9,x""#,
            "null",
            "true",
            "false",
            "0",
            "-12",
            "18446744073709551615",
            "1.5",
            "1e3",
            "-0.0",
            "[]",
            r#"["a","",1,2.5,null,true,{"x":1},["n"],"b,c"]"#,
            r#"{"warnings":["x"]}"#,
            "{}",
            r#"[[[["deep"]]]]"#,
        ];
        for case in cases {
            let want: Value = serde_json::from_str(case).unwrap();
            for got in [
                serde_json::from_str::<Lenient>(case).unwrap(),
                Lenient::deserialize(&want).unwrap(),
            ] {
                assert_eq!(got.text(), text_of(&want), "{case}");
                assert_eq!(got.list(), list_of(&want), "{case}");
            }
        }
    }

    /// The scanner's envelope equals serde's for every body serde accepts, and it gives up
    /// (so that serde reports the error) on every body serde refuses.
    /// The typed decode reads a UTF-8 body as text; a body with other bytes in a string that
    /// nothing reads still decodes, as serde_json decodes it from bytes.
    /// The content type decides how a body is read: case and parameters do not matter.
    #[test]
    fn content_types_are_classified_without_case() {
        let kind = |ct: Option<&str>| {
            let mut headers = HeaderMap::new();
            if let Some(ct) = ct {
                headers.insert(
                    http::header::CONTENT_TYPE,
                    http::HeaderValue::from_str(ct).unwrap(),
                );
            }
            match classify(&headers) {
                BodyKind::Json => "json",
                BodyKind::Text => "text",
                BodyKind::Binary => "binary",
            }
        };
        for (ct, want) in [
            (None, "json"),
            (Some(""), "json"),
            (Some("application/json"), "json"),
            (Some("Application/JSON; charset=utf-8"), "json"),
            (Some("  application/json ;charset=utf-8"), "json"),
            (Some("application/vnd.api+JSON"), "json"),
            (Some("text/json"), "json"),
            (Some("TEXT/JavaScript"), "json"),
            (Some("application/javascript"), "json"),
            (Some("text/html; charset=utf-8"), "text"),
            (Some("Text/Plain"), "text"),
            (Some("application/XHTML+xml"), "text"),
            (Some("image/png"), "binary"),
            (Some("application/octet-stream"), "binary"),
            (Some("json"), "binary"),
            (Some("+json"), "json"),
            (Some("text"), "binary"),
        ] {
            assert_eq!(kind(ct), want, "{ct:?}");
        }
    }

    #[test]
    fn typed_decode_of_utf8_and_other_bodies() {
        use crate::responses::chat::PostMessageResponse;
        let good = r#"{"ok":true,"channel":"C1","ts":"1.2","message":{"text":"héllo","blocks":[{"type":"divider"}]}}"#;
        let r = parse_typed::<PostMessageResponse>(
            "chat.postMessage",
            HttpResponse::new(StatusCode::OK, good),
        )
        .unwrap();
        assert_eq!(r.ts, "1.2");
        let message = r.message.as_ref().unwrap();
        assert_eq!(message.text.as_deref(), Some("héllo"));
        assert!(matches!(
            message.blocks[..],
            [crate::blocks::Block::Divider(_)]
        ));

        let mut odd = br#"{"ok":true,"channel":"C1","ts":"1.2","junk":""#.to_vec();
        odd.extend_from_slice(&[0xff, 0xfe]);
        odd.extend_from_slice(br#""}"#);
        let r = parse_typed::<PostMessageResponse>(
            "chat.postMessage",
            HttpResponse::new(StatusCode::OK, odd),
        )
        .unwrap();
        assert_eq!((r.channel.as_str(), r.ts.as_str()), ("C1", "1.2"));
    }

    #[test]
    fn envelope_scanner_agrees_with_serde() {
        fn fields(e: &Envelope) -> Vec<(Option<String>, Vec<String>)> {
            [
                &e.error,
                &e.needed,
                &e.provided,
                &e.warning,
                &e.warnings,
                &e.next_cursor,
                &e.response_metadata.warnings,
                &e.response_metadata.next_cursor,
                &e.response_metadata.messages,
            ]
            .iter()
            .map(|l| (l.text(), l.list()))
            .collect()
        }
        let bodies = [
            r#"{"ok":true}"#,
            r#"{"ok":false,"error":"channel_not_found","warning":"w1,w2"}"#,
            r#"{"ok":true,"ts":"1.2","message":{"ok":false,"error":"nested","blocks":[{"type":"divider"}]},"response_metadata":{"next_cursor":"c2","warnings":["a"]}}"#,
            r#"{"ok":false,"error":"missing_scope","needed":"chat:write","provided":"a,b","warnings":["x",3]}"#,
            r#"{"ok":true,"next_cursor":7,"error":null}"#,
            r#"{"ok":null}"#,
            r#"{"ok":"yes"}"#,
            r#"{"ok":true,"ok":true}"#,
            r#"{"ok":true,"error":"a","error":"b"}"#,
            r#"{"ok":true,"x":"a"}"}"#,
            r#"{"ok":true,"error":"escaped key"}"#,
            r#"{"ok":true,"x":[1,2,]}"#,
            r#"{"ok":true} trailing"#,
            r#"{"ok":tru}"#,
            r#" { "ok" : true , "warnings" : [ ] } "#,
        ];
        for body in bodies {
            let fast = Envelope::read(body.as_bytes());
            let slow: serde_json::Result<Envelope> = serde_json::from_str(body);
            match (&fast, &slow) {
                (Ok(f), Ok(s)) => {
                    assert_eq!(f.ok, s.ok, "{body}");
                    assert_eq!(fields(f), fields(s), "{body}");
                }
                (Err(f), Err(s)) => assert_eq!(f.to_string(), s.to_string(), "{body}"),
                _ => panic!(
                    "{body}: scanner {:?} vs serde {:?}",
                    fast.is_ok(),
                    slow.is_ok()
                ),
            }
        }
    }

    fn resp(status: u16, ct: Option<&str>, body: &'static [u8]) -> HttpResponse {
        let mut r = HttpResponse::new(
            StatusCode::from_u16(status).unwrap(),
            Bytes::from_static(body),
        );
        if let Some(ct) = ct {
            r.headers
                .insert(http::header::CONTENT_TYPE, ct.parse().unwrap());
        }
        r
    }

    const JSON: Option<&str> = Some("application/json; charset=utf-8");

    #[test]
    fn ok_true() {
        let r = parse_response(
            "auth.test",
            resp(200, JSON, br#"{"ok":true,"user_id":"U1","response_metadata":{"next_cursor":"abc"},"warning":"superfluous_charset"}"#),
        )
        .unwrap();
        assert_eq!(r.get("user_id"), "U1");
        assert_eq!(r.next_cursor(), Some("abc"));
        assert_eq!(r.warnings(), ["superfluous_charset"]);
    }

    /// An OAuth answer's tokens never show in `Debug`: not the raw answer's body excerpt, not
    /// the typed answer with it, not a decode error's excerpt.
    #[test]
    fn debug_of_an_oauth_answer_shows_no_token() {
        let body: &'static [u8] = br#"{"ok":true,"access_token":"xoxb-17-r34l","token_type":"bot","refresh_token":"xoxe-1-r3fr","bot_user_id":"U1","team":{"id":"T1"}}"#;
        let raw = parse_response("oauth.v2.access", resp(200, JSON, body)).unwrap();
        let typed = parse_typed::<crate::responses::oauth::v2::AccessResponse>(
            "oauth.v2.access",
            resp(200, JSON, body),
        )
        .unwrap();
        let broken = parse_response(
            "oauth.v2.access",
            resp(200, JSON, br#"{"ok":true,"access_token":"xoxb-17-r34l","#),
        )
        .unwrap_err();
        for shown in [
            format!("{raw:?}"),
            format!("{typed:?}"),
            format!("{broken:?}"),
            broken.to_string(),
        ] {
            assert!(
                !shown.contains("r34l") && !shown.contains("r3fr"),
                "{shown}"
            );
        }
        assert!(format!("{raw:?}").contains(r#"\"bot_user_id\":\"U1\""#));
    }

    #[test]
    fn empty_cursor_is_none() {
        let r = parse_response(
            "conversations.list",
            resp(
                200,
                JSON,
                br#"{"ok":true,"channels":[],"response_metadata":{"next_cursor":""}}"#,
            ),
        )
        .unwrap();
        assert_eq!(r.next_cursor(), None);
    }

    #[test]
    fn ok_false_is_api_error() {
        let e = parse_response(
            "chat.postMessage",
            resp(200, JSON, br#"{"ok":false,"error":"missing_scope","needed":"chat:write","provided":"users:read","response_metadata":{"messages":["[ERROR] x"]}}"#),
        )
        .unwrap_err();
        let Error::Api(api) = &e else { panic!("{e:?}") };
        assert_eq!(api.code, ErrorCode::MissingScope);
        assert_eq!(api.needed.as_deref(), Some("chat:write"));
        assert_eq!(api.provided.as_deref(), Some("users:read"));
        assert_eq!(api.messages, ["[ERROR] x"]);
        assert_eq!(api.response.get("needed"), "chat:write");
        assert!(!e.is_retryable());
        assert!(e.to_string().contains("missing_scope"));
    }

    #[test]
    fn rate_limited() {
        let mut r = resp(429, JSON, br#"{"ok":false,"error":"ratelimited"}"#);
        r.headers
            .insert(http::header::RETRY_AFTER, "7".parse().unwrap());
        let e = parse_response("conversations.list", r).unwrap_err();
        assert!(matches!(e, Error::RateLimited { .. }));
        assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
        assert!(e.is_retryable());
    }

    #[test]
    fn http_error() {
        let e = parse_response(
            "auth.test",
            resp(503, Some("text/html"), b"<html>down</html>"),
        )
        .unwrap_err();
        let Error::Http(h) = &e else { panic!("{e:?}") };
        assert_eq!(h.status, 503);
        assert!(e.is_retryable());
        let e = parse_response("auth.test", resp(404, None, b"")).unwrap_err();
        assert!(!e.is_retryable());
    }

    #[test]
    fn html_and_truncated_are_decode_errors() {
        let e = parse_response(
            "auth.test",
            resp(200, Some("text/html"), b"<html>oops</html>"),
        )
        .unwrap_err();
        let Error::Decode(d) = &e else {
            panic!("{e:?}")
        };
        assert!(d.excerpt().contains("oops"));
        let e = parse_response("auth.test", resp(200, JSON, br#"{"ok":true,"us"#)).unwrap_err();
        assert!(matches!(e, Error::Decode(_)));
        let e = parse_response("auth.test", resp(200, None, br#"{"ok":tr"#)).unwrap_err();
        assert!(matches!(e, Error::Decode(_)));
        let e = parse_response("auth.test", resp(200, None, br#"[1,2]"#)).unwrap_err();
        assert!(matches!(e, Error::Decode(_)));
        let e = parse_response("auth.test", resp(200, JSON, br#"{"user":"x"}"#)).unwrap_err();
        assert!(matches!(e, Error::Decode(_)));
    }

    /// Metadata of an unexpected type or place never turns a success into an error, and
    /// what can be read is read.
    #[test]
    fn odd_metadata_never_fails_a_success() {
        let cases: &[(&[u8], Option<&str>, &[&str])] = &[
            (
                br#"{"ok":true,"response_metadata":{"next_cursor":12345}}"#,
                Some("12345"),
                &[],
            ),
            (
                br#"{"ok":true,"response_metadata":{"next_cursor":null}}"#,
                None,
                &[],
            ),
            (
                br#"{"ok":true,"response_metadata":{"next_cursor":{"a":1}}}"#,
                None,
                &[],
            ),
            (br#"{"ok":true,"response_metadata":null}"#, None, &[]),
            (br#"{"ok":true,"response_metadata":[1,2]}"#, None, &[]),
            (br#"{"ok":true,"response_metadata":"x"}"#, None, &[]),
            (
                br#"{"ok":true,"next_cursor":"top","response_metadata":{"messages":[""]}}"#,
                Some("top"),
                &[],
            ),
            (
                br#"{"ok":true,"next_cursor":"","response_metadata":{"next_cursor":"meta"}}"#,
                Some("meta"),
                &[],
            ),
            (br#"{"ok":true,"warning":["a","b"]}"#, None, &["a", "b"]),
            (br#"{"ok":true,"warning":7}"#, None, &["7"]),
            (br#"{"ok":true,"warning":{"x":1}}"#, None, &[]),
            (
                br#"{"ok":true,"warning":null,"warnings":"c,d"}"#,
                None,
                &["c", "d"],
            ),
            (
                br#"{"ok":true,"warning":"a","response_metadata":{"warnings":"a, b"}}"#,
                None,
                &["a", "b"],
            ),
            (
                br#"{"ok":true,"response_metadata":{"warnings":[1,{"x":2},"w"],"messages":3}}"#,
                None,
                &["1", "w"],
            ),
            (
                br#"{"ok":true,"needed":5,"provided":[],"error":false}"#,
                None,
                &[],
            ),
        ];
        for (body, cursor, warnings) in cases {
            let r = parse_response("conversations.list", resp(200, JSON, body))
                .unwrap_or_else(|e| panic!("{}: {e}", String::from_utf8_lossy(body)));
            assert_eq!(
                r.next_cursor(),
                *cursor,
                "{}",
                String::from_utf8_lossy(body)
            );
            assert_eq!(r.warnings(), *warnings, "{}", String::from_utf8_lossy(body));
            assert_eq!(r.get("ok"), true);
        }
        // Both places given: the method table's place wins.
        let r = parse_response(
            "admin.conversations.search",
            resp(
                200,
                JSON,
                br#"{"ok":true,"next_cursor":"top","response_metadata":{"next_cursor":"meta"}}"#,
            ),
        )
        .unwrap();
        assert_eq!(
            r.next_cursor_at(crate::method::CursorAt::TopLevel),
            Some("top")
        );
        assert_eq!(r.next_cursor(), Some("meta"));
        let search = crate::method::lookup("admin.conversations.search").unwrap();
        assert_eq!(
            search.pagination.map(|p| p.next_cursor),
            Some(crate::method::CursorAt::TopLevel)
        );
        let list = crate::method::lookup("conversations.list").unwrap();
        assert_eq!(
            list.pagination.map(|p| p.next_cursor),
            Some(crate::method::CursorAt::ResponseMetadata)
        );
        // An error with odd metadata is still the error.
        let e = parse_response(
            "chat.postMessage",
            resp(200, JSON, br#"{"ok":false,"error":"no_text","needed":1,"response_metadata":{"messages":"one"}}"#),
        )
        .unwrap_err();
        let Error::Api(api) = &e else { panic!("{e:?}") };
        assert_eq!(api.code, ErrorCode::NoText);
        assert_eq!(api.needed.as_deref(), Some("1"));
        assert_eq!(api.messages, ["one"]);
        let e = parse_response("x.y", resp(200, JSON, br#"{"ok":false,"error":42}"#)).unwrap_err();
        assert_eq!(e.api_code().map(ErrorCode::as_str), Some("42"));
    }

    #[test]
    fn missing_content_type_json_is_fine() {
        let r = parse_response("auth.test", resp(200, None, br#"{"ok":true}"#)).unwrap();
        assert!(!r.is_binary());
        let r = parse_response(
            "auth.test",
            resp(200, Some("text/plain"), br#" {"ok":true}"#),
        )
        .unwrap();
        assert_eq!(r.get("ok"), true);
    }

    #[test]
    fn binary_is_bytes() {
        let r = parse_response(
            "admin.analytics.getFile",
            resp(200, Some("application/gzip"), b"\x1f\x8b\x08\x00"),
        )
        .unwrap();
        assert!(r.is_binary());
        assert_eq!(r.body().len(), 4);
        assert_eq!(r.json(), &Value::Null);
    }

    #[test]
    fn typed_decode_tolerates_unknown_fields_and_reports_mismatch() {
        #[derive(Debug, Deserialize)]
        struct T {
            user_id: String,
            #[serde(default)]
            team: Option<String>,
        }
        let r = parse_typed::<T>(
            "auth.test",
            resp(200, JSON, br#"{"ok":true,"user_id":"U1","brand_new":[1]}"#),
        )
        .unwrap();
        assert_eq!(r.user_id, "U1");
        assert!(r.team.is_none());
        assert_eq!(r.raw().get("brand_new"), &serde_json::json!([1]));
        let e = parse_typed::<T>("auth.test", resp(200, JSON, br#"{"ok":true,"user_id":5}"#))
            .unwrap_err();
        let Error::Decode(d) = e else { panic!() };
        assert!(d.excerpt().contains("user_id"));
    }

    #[test]
    fn large_body() {
        let mut body = br#"{"ok":true,"items":["#.to_vec();
        for i in 0..250_000 {
            if i > 0 {
                body.push(b',');
            }
            body.extend_from_slice(b"\"xxxxxx\"");
        }
        body.extend_from_slice(b"]}");
        assert!(body.len() > 2_000_000);
        let r = parse_response("x.y", HttpResponse::new(StatusCode::OK, body)).unwrap();
        assert_eq!(r.get("items").as_array().map(Vec::len), Some(250_000));
    }

    proptest::proptest! {
        #[test]
        fn any_body_never_panics(body in proptest::collection::vec(proptest::num::u8::ANY, 0..512), status in 100u16..600) {
            let status = StatusCode::from_u16(status).unwrap();
            let r = HttpResponse::new(status, body);
            let _ = parse_response("m", r);
        }

        #[test]
        fn any_json_like_body_never_panics(s in "\\{\"ok\":(true|false|1|null)(,\"error\":\"[a-z_]{0,10}\")?(,\"response_metadata\":\\{\"next_cursor\":[0-9\"a-z]{0,6}\\})?\\}?") {
            let _ = parse_response("m", HttpResponse::new(StatusCode::OK, s.into_bytes()));
        }
    }
}
