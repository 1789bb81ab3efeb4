//! Entry points into the emulator's request decoding for the fuzzing benchmark and its corpus
//! test (`benches/fuzz_decoders.rs`, `tests/fuzz_corpus.rs`). Not part of the public API: no
//! stability promise, hidden from the docs.

use bytes::Bytes;
use http::HeaderMap;

/// Decode a Web API request as the server does (query, form, JSON or multipart body,
/// token). `Ok` holds the number of arguments and file parts; `Err` the Slack error code
/// the server would answer with.
///
/// ```
/// let mut h = http::HeaderMap::new();
/// h.insert("content-type", "application/json".parse().unwrap());
/// let body = bytes::Bytes::from_static(br#"{"channel":"C1"}"#);
/// assert_eq!(slack_emulator::fuzzing::parse_request(&h, None, &body), Ok(1));
/// ```
pub fn parse_request(
    headers: &HeaderMap,
    query: Option<&str>,
    body: &Bytes,
) -> Result<usize, &'static str> {
    crate::wire::parse(headers, query, body)
        .map(|r| r.args.len() + r.files.len())
        .map_err(|e| e.code())
}

/// The first file part of a multipart body, as the upload URL handler reads it (`None` when
/// the headers name no multipart boundary or the body does not parse).
///
/// ```
/// let h = http::HeaderMap::new();
/// assert!(slack_emulator::fuzzing::multipart_file(&h, &bytes::Bytes::new()).is_none());
/// ```
pub fn multipart_file(headers: &HeaderMap, body: &Bytes) -> Option<Bytes> {
    let boundary = crate::wire::multipart_boundary(headers)?;
    crate::wire::multipart_file(body, &boundary)
}
