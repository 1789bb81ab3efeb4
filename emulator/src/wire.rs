//! Reading a Web API request off the wire: query, form, JSON or multipart; token from the
//! `Authorization` header or the `token` argument.

use bytes::Bytes;
use http::HeaderMap;
use serde_json::{Map, Value};

/// One file part of a multipart body.
#[derive(Debug, Clone)]
pub(crate) struct Part {
    pub(crate) field: String,
    pub(crate) filename: String,
    pub(crate) data: Bytes,
}

/// A decoded Web API request.
#[derive(Debug, Clone, Default)]
pub(crate) struct ApiRequest {
    pub(crate) token: Option<String>,
    /// Whether the token came in the `Authorization` header (not as an argument).
    pub(crate) token_in_header: bool,
    pub(crate) args: Map<String, Value>,
    pub(crate) files: Vec<Part>,
}

/// Why a body could not be read; the Slack error code to answer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WireError {
    /// Not JSON, or JSON but not an object.
    Json,
    /// A form or multipart body that does not parse (or is not UTF-8).
    FormData,
    /// A content type Slack does not take.
    PostType,
    /// A charset other than UTF-8.
    Charset,
}

impl WireError {
    pub(crate) fn code(self) -> &'static str {
        match self {
            WireError::Json => "invalid_json",
            WireError::FormData => "invalid_form_data",
            WireError::PostType => "invalid_post_type",
            WireError::Charset => "invalid_charset",
        }
    }
}

/// A parameter of the `Content-Type` header (`boundary`, `charset`), case kept.
fn content_type_param(headers: &HeaderMap, name: &str) -> Option<String> {
    let ct = headers.get(http::header::CONTENT_TYPE)?.to_str().ok()?;
    ct.split(';').skip(1).find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().trim_matches('"').to_owned())
    })
}

/// The media type of the body, lower case, without parameters.
fn essence(headers: &HeaderMap) -> String {
    headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// The boundary of a `multipart/form-data` body.
pub(crate) fn multipart_boundary(headers: &HeaderMap) -> Option<String> {
    (essence(headers) == "multipart/form-data")
        .then(|| content_type_param(headers, "boundary"))
        .flatten()
        .filter(|b| !b.is_empty())
}

/// The first file part of a multipart body (or its first part).
pub(crate) fn multipart_file(body: &Bytes, boundary: &str) -> Option<Bytes> {
    let mut req = ApiRequest::default();
    parse_multipart(body, boundary, &mut req).ok()?;
    req.files.into_iter().next().map(|p| p.data).or_else(|| {
        req.args
            .into_iter()
            .next()
            .and_then(|(_, v)| v.as_str().map(|s| Bytes::from(s.to_owned())))
    })
}

/// Decode the request's arguments: the query string, then the body (form, JSON or
/// multipart), and the token (`Authorization: Bearer` first, else the `token` argument).
pub(crate) fn parse(
    headers: &HeaderMap,
    query: Option<&str>,
    body: &Bytes,
) -> Result<ApiRequest, WireError> {
    let mut req = ApiRequest::default();
    if let Some(q) = query {
        for (k, v) in form_urlencoded::parse(q.as_bytes()) {
            req.args
                .insert(k.into_owned(), Value::String(v.into_owned()));
        }
    }
    if let Some(charset) = content_type_param(headers, "charset") {
        let cs = charset.to_ascii_lowercase();
        if cs != "utf-8" && cs != "utf8" && cs != "us-ascii" {
            return Err(WireError::Charset);
        }
    }
    if !body.is_empty() {
        match essence(headers).as_str() {
            "application/json" => {
                let v: Value = serde_json::from_slice(body).map_err(|_| WireError::Json)?;
                let Value::Object(m) = v else {
                    return Err(WireError::Json);
                };
                req.args.extend(m);
            }
            "application/x-www-form-urlencoded" | "" | "text/plain" => {
                if std::str::from_utf8(body).is_err() {
                    return Err(WireError::FormData);
                }
                for (k, v) in form_urlencoded::parse(body) {
                    req.args
                        .insert(k.into_owned(), Value::String(v.into_owned()));
                }
            }
            "multipart/form-data" => {
                let boundary = multipart_boundary(headers).ok_or(WireError::FormData)?;
                parse_multipart(body, &boundary, &mut req)?;
            }
            _ => return Err(WireError::PostType),
        }
    }
    if let Some(auth) = headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        let auth = auth.trim();
        if let (Some(scheme), Some(token)) = (auth.get(..7), auth.get(7..)) {
            if scheme.eq_ignore_ascii_case("bearer ") {
                req.token = Some(token.trim().to_owned());
                req.token_in_header = true;
            }
        }
    }
    if req.token.is_none() {
        if let Some(Value::String(t)) = req.args.get("token") {
            req.token = Some(t.clone());
        }
    }
    req.args.remove("token");
    Ok(req)
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from >= hay.len() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn parse_multipart(body: &Bytes, boundary: &str, req: &mut ApiRequest) -> Result<(), WireError> {
    let delim = format!("--{boundary}");
    let mut pos = find(body, delim.as_bytes(), 0).ok_or(WireError::FormData)?;
    loop {
        let after = pos + delim.len();
        if body.get(after..after + 2) == Some(b"--") {
            return Ok(());
        }
        let head_start = after + 2;
        let head_end = find(body, b"\r\n\r\n", head_start).ok_or(WireError::FormData)?;
        let head =
            std::str::from_utf8(&body[head_start..head_end]).map_err(|_| WireError::FormData)?;
        let content_start = head_end + 4;
        let next = find(body, format!("\r\n{delim}").as_bytes(), content_start)
            .ok_or(WireError::FormData)?;
        let content = body.slice(content_start..next);
        let mut name = None;
        let mut filename = None;
        for line in head.split("\r\n") {
            let lower = line.to_ascii_lowercase();
            if lower.starts_with("content-disposition:") {
                for param in line.split(';').skip(1) {
                    let param = param.trim();
                    if let Some(v) = param.strip_prefix("name=") {
                        name = Some(v.trim_matches('"').to_owned());
                    } else if let Some(v) = param.strip_prefix("filename=") {
                        filename = Some(v.trim_matches('"').to_owned());
                    }
                }
            }
        }
        let name = name.ok_or(WireError::FormData)?;
        match filename {
            Some(filename) => req.files.push(Part {
                field: name,
                filename,
                data: content,
            }),
            None => {
                let text = std::str::from_utf8(&content).map_err(|_| WireError::FormData)?;
                req.args.insert(name, Value::String(text.to_owned()));
            }
        }
        pos = next + 2;
    }
}

impl ApiRequest {
    /// What Slack would refuse in the arguments of `method`, as `invalid_arguments` messages:
    /// names the method does not take, and values not in the argument's wire form (a file
    /// argument sent as text or a file part for any other argument, stringified JSON sent as a
    /// nested value, an integer that is not one, a time that is neither an integer nor text).
    pub(crate) fn wire_errors(&self, info: &slack_core::MethodInfo) -> Vec<String> {
        use slack_core::request::{wire_form, WireForm};
        let takes = |name: &str| info.required.contains(&name) || info.optional.contains(&name);
        let mut out = Vec::new();
        for (name, value) in &self.args {
            if !takes(name) {
                out.push(format!("[ERROR] unknown field: {name}"));
                continue;
            }
            let bad = match (wire_form(info.name, name), value) {
                (_, Value::Null) => false,
                (Some(WireForm::File), _) => true,
                (Some(WireForm::JsonString), v) => !v.is_string(),
                (Some(WireForm::Integer), Value::Number(n)) => !(n.is_i64() || n.is_u64()),
                (Some(WireForm::Integer), Value::String(s)) => {
                    !s.trim().is_empty() && s.trim().parse::<i64>().is_err()
                }
                (Some(WireForm::Integer), _) => true,
                (Some(WireForm::IntegerOrText), v) => !(v.is_string() || v.is_i64() || v.is_u64()),
                _ => false,
            };
            if bad {
                let want = match wire_form(info.name, name) {
                    Some(WireForm::File) => "a file (multipart/form-data)",
                    Some(WireForm::JsonString) => "a string (stringified JSON)",
                    Some(WireForm::IntegerOrText) => "an integer or text",
                    _ => "an integer",
                };
                out.push(format!(
                    "[ERROR] invalid type for field: {name}, expected {want}"
                ));
            }
        }
        for part in &self.files {
            if !takes(&part.field) {
                out.push(format!("[ERROR] unknown field: {}", part.field));
            } else if wire_form(info.name, &part.field) != Some(WireForm::File) {
                out.push(format!(
                    "[ERROR] invalid type for field: {}, a file part where a value is expected",
                    part.field
                ));
            }
        }
        out
    }

    /// A string argument (numbers and booleans are printed).
    pub(crate) fn str(&self, name: &str) -> Option<String> {
        match self.args.get(name)? {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        }
    }

    /// A non-empty string argument.
    pub(crate) fn nonempty(&self, name: &str) -> Option<String> {
        self.str(name).filter(|s| !s.trim().is_empty())
    }

    /// A boolean argument (`true`/`1`).
    pub(crate) fn bool(&self, name: &str) -> bool {
        match self.args.get(name) {
            Some(Value::Bool(b)) => *b,
            Some(Value::Number(n)) => n.as_i64() == Some(1),
            Some(Value::String(s)) => matches!(s.as_str(), "true" | "1" | "True" | "TRUE"),
            _ => false,
        }
    }

    /// An integer argument; `Err` if present but not a number.
    pub(crate) fn int(&self, name: &str) -> Result<Option<i64>, ()> {
        match self.args.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n.as_i64().map(Some).ok_or(()),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => s.trim().parse().map(Some).map_err(|_| ()),
            _ => Err(()),
        }
    }

    /// A JSON argument: a nested value, or a string holding JSON. `Err` when unparsable.
    pub(crate) fn json(&self, name: &str) -> Result<Option<Value>, ()> {
        match self.args.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => serde_json::from_str(s).map(Some).map_err(|_| ()),
            Some(v) => Ok(Some(v.clone())),
        }
    }

    /// A comma-separated (or JSON array) list.
    pub(crate) fn list(&self, name: &str) -> Vec<String> {
        match self.args.get(name) {
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            Some(Value::String(s)) => s
                .split(',')
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Whether an argument was sent at all (even empty); `null` counts as not sent.
    pub(crate) fn present(&self, name: &str) -> bool {
        self.args.get(name).is_some_and(|v| !v.is_null())
    }

    /// Whether an argument is present and non-empty.
    pub(crate) fn has(&self, name: &str) -> bool {
        match self.args.get(name) {
            None | Some(Value::Null) => false,
            Some(Value::String(s)) => !s.is_empty(),
            _ => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(ct: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(http::header::CONTENT_TYPE, ct.parse().unwrap());
        h
    }

    #[test]
    fn form_json_query_and_token() {
        let mut h = headers("application/x-www-form-urlencoded");
        h.insert(
            http::header::AUTHORIZATION,
            "Bearer xoxb-1".parse().unwrap(),
        );
        let r = parse(
            &h,
            Some("limit=2"),
            &Bytes::from_static(b"channel=C1&text=a+b"),
        )
        .unwrap();
        assert_eq!(r.token.as_deref(), Some("xoxb-1"));
        assert_eq!(r.str("text").as_deref(), Some("a b"));
        assert_eq!(r.int("limit"), Ok(Some(2)));
        let r = parse(
            &headers("application/json; charset=utf-8"),
            None,
            &Bytes::from_static(br#"{"channel":"C1","token":"xoxp-2","blocks":[1]}"#),
        )
        .unwrap();
        assert_eq!(r.token.as_deref(), Some("xoxp-2"));
        assert_eq!(r.json("blocks"), Ok(Some(serde_json::json!([1]))));
        assert!(!r.args.contains_key("token"));
        assert_eq!(
            parse(
                &headers("application/json"),
                None,
                &Bytes::from_static(b"{nope")
            )
            .unwrap_err(),
            WireError::Json
        );
        assert_eq!(
            parse(
                &headers("application/xml"),
                None,
                &Bytes::from_static(b"<a/>")
            )
            .unwrap_err(),
            WireError::PostType
        );
        assert_eq!(
            parse(
                &headers("application/x-www-form-urlencoded"),
                None,
                &Bytes::from_static(b"a=\xff")
            )
            .unwrap_err(),
            WireError::FormData
        );
    }

    #[test]
    fn multipart() {
        let body = Bytes::from_static(b"--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nHello\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nline1\r\nline2\r\n--XyZ--\r\n");
        let r = parse(&headers("multipart/form-data; boundary=XyZ"), None, &body).unwrap();
        assert_eq!(r.str("title").as_deref(), Some("Hello"));
        assert_eq!(r.files[0].filename, "a.txt");
        assert_eq!(&r.files[0].data[..], b"line1\r\nline2");
        assert!(parse(
            &headers("multipart/form-data; boundary=XyZ"),
            None,
            &Bytes::from_static(b"garbage")
        )
        .is_err());
        assert!(parse(
            &headers("multipart/form-data"),
            None,
            &Bytes::from_static(b"x")
        )
        .is_err());
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_garbage(
            ct in proptest::sample::select(vec![
                "", "application/json", "application/json; charset=utf-8",
                "application/x-www-form-urlencoded", "multipart/form-data; boundary=XyZ",
                "multipart/form-data", "text/plain", "application/xml", "text/html; charset=latin1",
            ]),
            body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..256),
            query in "[a-z=&%0-9+]{0,40}",
        ) {
            let _ = parse(&headers(ct), Some(&query), &Bytes::from(body));
        }

        #[test]
        fn multipart_round_trips_any_text(
            fields in proptest::collection::vec(("[a-z]{1,8}", "[ -~]{0,40}"), 1..5),
        ) {
            let mut body = String::new();
            for (name, value) in &fields {
                body.push_str(&format!(
                    "--XyZ\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                ));
            }
            body.push_str("--XyZ--\r\n");
            let r = parse(&headers("multipart/form-data; boundary=XyZ"), None, &Bytes::from(body));
            let r = r.map_err(|e| proptest::test_runner::TestCaseError::fail(format!("{e:?}")))?;
            for (name, value) in fields.iter().rev() {
                // The last field of a name wins, as for forms.
                if fields.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v) == Some(value) {
                    let got = r.str(name);
                    proptest::prop_assert_eq!(got.as_deref(), Some(value.as_str()));
                }
            }
        }
    }
}
