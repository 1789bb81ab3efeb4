//! The older page-numbered paging (`count` + `page`, answered with a `paging` object) that
//! `search.*`, `stars.list`, `reactions.list` and the `team.*` logs use, next to cursors
//! (`cursor` + `limit`) on the methods that take both.

use std::ops::Range;

use serde_json::{json, Value};

use super::paging::{encode, limit, page_args};
use super::ApiError;
use crate::wire::ApiRequest;

/// How a list of `total` items is paged: `count` per page (default `default`, at most
/// `max`), page `page` (from 1, at most `max_page`), or a cursor when one (or `limit`) is
/// sent (`*` for the first page, as `search.messages` takes). Returns the items' range, the `paging` object and `response_metadata`.
pub(crate) fn page(
    req: &ApiRequest,
    total: usize,
    default: usize,
    max: usize,
    max_page: usize,
) -> Result<(Range<usize>, Value, Value), ApiError> {
    let clamp = |v: Option<i64>, d: usize, hi: usize| {
        v.and_then(|n| usize::try_from(n).ok())
            .filter(|n| *n > 0)
            .unwrap_or(d)
            .min(hi)
    };
    let count = clamp(req.int("count").ok().flatten(), default, max);
    let cursor = req.nonempty("cursor");
    let (count, start, page) = if cursor.is_some() || req.has("limit") {
        // `limit` (or `count`) per page from a cursor; `*` asks for the first page.
        let size = if req.has("limit") {
            limit(req, default)?.min(max)
        } else {
            count
        };
        let offset = match cursor.as_deref() {
            None | Some("*") => 0,
            Some(_) => page_args(req, size)?.1,
        };
        (size, offset, offset / size.max(1) + 1)
    } else {
        let page = clamp(req.int("page").ok().flatten(), 1, max_page);
        (count, (page - 1) * count, page)
    };
    let start = start.min(total);
    let end = (start + count).min(total);
    let pages = total.div_ceil(count.max(1)).max(1);
    let next = if end < total {
        encode(&format!("offset:{end}"))
    } else {
        String::new()
    };
    Ok((
        start..end,
        json!({"count": count, "total": total, "page": page, "pages": pages}),
        json!({"next_cursor": next}),
    ))
}
