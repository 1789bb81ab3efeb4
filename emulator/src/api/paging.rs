//! Cursor pagination: opaque base64 cursors, `limit`, `response_metadata.next_cursor`.
//!
//! Lists (channels, users, members, files) use `offset:<n>` cursors; message lists use
//! `next_ts:<ts>` cursors (as Slack's own), so a page boundary stays put while messages
//! are posted.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value};

use super::{err, ApiError};
use crate::wire::ApiRequest;

/// `limit` (default `default`, clamped to 1..=1000); `invalid_limit` when not a number.
pub(crate) fn limit(req: &ApiRequest, default: usize) -> Result<usize, ApiError> {
    match req.int("limit") {
        Ok(Some(n)) if n > 0 => Ok(usize::try_from(n).unwrap_or(1000).min(1000)),
        Ok(_) => Ok(default),
        Err(()) => Err(err("invalid_limit")),
    }
}

/// `limit` and the offset from an `offset:` cursor.
pub(crate) fn page_args(req: &ApiRequest, default: usize) -> Result<(usize, usize), ApiError> {
    let limit = limit(req, default)?;
    let offset = match req.nonempty("cursor") {
        None => 0,
        Some(c) => decode(&c, "offset:")
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| err("invalid_cursor"))?,
    };
    Ok((limit, offset))
}

/// The `ts` of a `next_ts:` cursor, if one was passed.
pub(crate) fn ts_cursor(req: &ApiRequest) -> Result<Option<String>, ApiError> {
    match req.nonempty("cursor") {
        None => Ok(None),
        Some(c) => decode(&c, "next_ts:")
            .filter(|ts| !ts.is_empty() && ts.parse::<f64>().is_ok())
            .map(Some)
            .ok_or_else(|| err("invalid_cursor")),
    }
}

/// An opaque cursor for `payload`.
pub(crate) fn encode(payload: &str) -> String {
    STANDARD.encode(payload)
}

fn decode(cursor: &str, prefix: &str) -> Option<String> {
    let raw = STANDARD.decode(cursor.trim()).ok()?;
    let text = String::from_utf8(raw).ok()?;
    text.strip_prefix(prefix).map(str::to_owned)
}

/// One page of `items` from `offset`, and its `response_metadata`.
pub(crate) fn paginate<I>(items: I, limit: usize, offset: usize) -> (Vec<Value>, Value)
where
    I: IntoIterator<Item = Value>,
{
    let mut rest = items.into_iter().skip(offset);
    let page: Vec<Value> = rest.by_ref().take(limit).collect();
    let next = if rest.next().is_some() {
        encode(&format!("offset:{}", offset + page.len()))
    } else {
        String::new()
    };
    (page, json!({ "next_cursor": next }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Map;

    fn req(args: &[(&str, &str)]) -> ApiRequest {
        ApiRequest {
            args: args
                .iter()
                .map(|(k, v)| ((*k).to_owned(), json!(v)))
                .collect::<Map<_, _>>(),
            ..ApiRequest::default()
        }
    }

    #[test]
    fn offset_cursors_round_trip_and_reject_garbage() {
        let (page, meta) = paginate((0..5).map(|i| json!(i)), 2, 2);
        assert_eq!(page, vec![json!(2), json!(3)]);
        let next = meta["next_cursor"].as_str().unwrap_or_default().to_owned();
        assert_eq!(
            page_args(&req(&[("cursor", &next)]), 10).ok(),
            Some((10, 4))
        );
        let (last, meta) = paginate((0..5).map(|i| json!(i)), 2, 4);
        assert_eq!(last, vec![json!(4)]);
        assert_eq!(meta["next_cursor"], "");
        for bad in ["!!!", "eA==", "b2Zmc2V0Onh4"] {
            assert_eq!(
                page_args(&req(&[("cursor", bad)]), 10).map_err(|e| e.code),
                Err("invalid_cursor".to_owned()),
                "{bad}"
            );
        }
        assert_eq!(
            page_args(&req(&[("limit", "abc")]), 10).map_err(|e| e.code),
            Err("invalid_limit".to_owned())
        );
        assert_eq!(
            page_args(&req(&[("limit", "5000")]), 10).ok(),
            Some((1000, 0))
        );
    }

    #[test]
    fn ts_cursors() {
        let c = encode("next_ts:1700000000.000002");
        assert_eq!(
            ts_cursor(&req(&[("cursor", &c)])).ok().flatten().as_deref(),
            Some("1700000000.000002")
        );
        let wrong_kind = encode("offset:3");
        assert!(ts_cursor(&req(&[("cursor", &wrong_kind)])).is_err());
        assert_eq!(ts_cursor(&req(&[])).ok(), Some(None));
    }
}
