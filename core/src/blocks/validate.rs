//! Checks of the limits in [`LIMITS`](super::limits::LIMITS).
//!
//! The checks run on JSON, so they cover typed blocks and hand-written `json!` alike (the
//! request encoder calls them on every `blocks` and `view` argument). The first violation is
//! returned as an [`Error::Validation`] whose `field` is the path from the value passed in,
//! prefixed by `path`.

use serde::Serialize;
use serde_json::Value;

use super::limits::{Limit, Measure, Scope, LIMITS, MAX_MARKDOWN_TOTAL_CHARS};
use crate::error::{Error, Result};

/// Check a message's blocks: at most 50, and each block's limits (see [`validate_block`]).
/// Takes anything that serialises to a JSON array (`&[Block]`, `&Vec<Block>`, a
/// `serde_json::Value`); anything else passes. `path` prefixes the field paths of errors,
/// normally `"blocks"`.
///
/// ```
/// use slack_core::blocks::{validate_message_blocks, Block, Text};
///
/// let mut blocks: Vec<Block> = vec![Block::section(Text::mrkdwn("x".repeat(3001)))];
/// let e = validate_message_blocks(&blocks, "blocks").unwrap_err();
/// assert!(matches!(
///     e,
///     slack_core::Error::Validation { ref field, ref reason }
///         if field == "blocks[0].text.text" && reason == "3001 characters, the limit is 3000"
/// ));
/// blocks = (0..51).map(|_| Block::divider()).collect();
/// assert!(validate_message_blocks(&blocks[..], "blocks").is_err());
/// ```
pub fn validate_message_blocks<T: Serialize + ?Sized>(blocks: &T, path: &str) -> Result<()> {
    let json = to_json(blocks, path)?;
    let Some(list) = json.as_array() else {
        return Ok(());
    };
    check(&Scope::Message, &json, path)?;
    block_list(list, path)
}

/// Check a view: at most 100 blocks; title, submit and close up to 24 characters;
/// `private_metadata` up to 3000; `callback_id` up to 255; and each block's limits. `path`
/// prefixes the field paths of errors (`""` for none, `"view"` for a request argument).
pub fn validate_view<T: Serialize + ?Sized>(view: &T, path: &str) -> Result<()> {
    let json = to_json(view, path)?;
    check(&Scope::View, &json, path)?;
    match json.get("blocks").and_then(Value::as_array) {
        Some(list) => block_list(list, &join(path, "blocks")),
        None => Ok(()),
    }
}

/// Check one block and the elements and composition objects in it. `path` prefixes the
/// field paths of errors (`""` for none).
pub fn validate_block<T: Serialize + ?Sized>(block: &T, path: &str) -> Result<()> {
    block_json(&to_json(block, path)?, path)
}

/// Check one element and the composition objects in it. `path` prefixes the field paths of
/// errors (`""` for none).
pub fn validate_element<T: Serialize + ?Sized>(element: &T, path: &str) -> Result<()> {
    element_json(&to_json(element, path)?, path)
}

// ===== Walking =====

fn to_json<T: Serialize + ?Sized>(value: &T, path: &str) -> Result<Value> {
    serde_json::to_value(value).map_err(|e| Error::validation(path, e.to_string()))
}

fn block_list(list: &[Value], path: &str) -> Result<()> {
    for (i, b) in list.iter().enumerate() {
        block_json(b, &format!("{path}[{i}]"))?;
    }
    let markdown: usize = list
        .iter()
        .filter(|b| kind(b) == "markdown")
        .filter_map(|b| b.get("text").and_then(Value::as_str))
        .map(|t| t.chars().count())
        .sum();
    if markdown > MAX_MARKDOWN_TOTAL_CHARS {
        return Err(Error::validation(
            path,
            format!(
                "{markdown} characters in markdown blocks, the limit is {MAX_MARKDOWN_TOTAL_CHARS}"
            ),
        ));
    }
    Ok(())
}

fn block_json(b: &Value, path: &str) -> Result<()> {
    let kind = kind(b);
    check(&Scope::AnyBlock, b, path)?;
    check_kind(|s| matches!(s, Scope::Block(k) if *k == kind), b, path)?;
    match kind {
        "section" => child(b, "accessory", path, element_json),
        "actions" => children(b, "elements", path, element_json),
        "context" => children(b, "elements", path, context_element),
        "input" => child(b, "element", path, element_json),
        _ => Ok(()),
    }
}

fn context_element(e: &Value, path: &str) -> Result<()> {
    match kind(e) {
        "plain_text" | "mrkdwn" => check(&Scope::Object("text"), e, path),
        k => check_kind(|s| matches!(s, Scope::Element(x) if *x == k), e, path),
    }
}

fn element_json(e: &Value, path: &str) -> Result<()> {
    let kind = kind(e);
    check(&Scope::AnyElement, e, path)?;
    check_kind(|s| matches!(s, Scope::Element(k) if *k == kind), e, path)?;
    child(e, "confirm", path, |c, p| {
        check(&Scope::Object("confirm"), c, p)
    })?;
    child(e, "initial_option", path, option)?;
    children(e, "initial_options", path, option)?;
    children(e, "options", path, option)?;
    children(e, "option_groups", path, |g, p| {
        check(&Scope::Object("option_group"), g, p)?;
        children(g, "options", p, option)
    })
}

fn option(o: &Value, path: &str) -> Result<()> {
    check(&Scope::Object("option"), o, path)
}

fn child(v: &Value, key: &str, path: &str, f: impl Fn(&Value, &str) -> Result<()>) -> Result<()> {
    match v.get(key) {
        Some(c) => f(c, &join(path, key)),
        None => Ok(()),
    }
}

fn children(
    v: &Value,
    key: &str,
    path: &str,
    f: impl Fn(&Value, &str) -> Result<()>,
) -> Result<()> {
    let Some(items) = v.get(key).and_then(Value::as_array) else {
        return Ok(());
    };
    let base = join(path, key);
    for (i, c) in items.iter().enumerate() {
        f(c, &format!("{base}[{i}]"))?;
    }
    Ok(())
}

fn kind(v: &Value) -> &str {
    v.get("type").and_then(Value::as_str).unwrap_or("")
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

// ===== Applying the table =====

fn check(scope: &Scope, v: &Value, path: &str) -> Result<()> {
    check_kind(|s| s == scope, v, path)
}

fn check_kind(applies: impl Fn(&Scope) -> bool, v: &Value, path: &str) -> Result<()> {
    for limit in LIMITS.iter().filter(|l| applies(&l.scope)) {
        let segments: Vec<&str> = if limit.field.is_empty() {
            Vec::new()
        } else {
            limit.field.split('.').collect()
        };
        visit(v, &segments, path.to_owned(), &mut |v, p| {
            measure(limit, v, p)
        })?;
    }
    Ok(())
}

/// Call `f` on every value `segments` leads to from `v`; absent keys lead nowhere.
fn visit(
    v: &Value,
    segments: &[&str],
    path: String,
    f: &mut dyn FnMut(&Value, &str) -> Result<()>,
) -> Result<()> {
    let Some((segment, rest)) = segments.split_first() else {
        return f(v, &path);
    };
    if let Some(key) = segment.strip_suffix("[]") {
        let Some(items) = v.get(key).and_then(Value::as_array) else {
            return Ok(());
        };
        let base = join(&path, key);
        for (i, item) in items.iter().enumerate() {
            visit(item, rest, format!("{base}[{i}]"), f)?;
        }
        Ok(())
    } else {
        match v.get(*segment) {
            Some(next) => visit(next, rest, join(&path, segment), f),
            None => Ok(()),
        }
    }
}

fn measure(limit: &Limit, v: &Value, path: &str) -> Result<()> {
    let (n, unit) = match limit.measure {
        Measure::Chars => match v.as_str() {
            Some(s) => (s.chars().count(), " characters"),
            None => return Ok(()),
        },
        Measure::Items => match v.as_array() {
            Some(a) => (a.len(), " items"),
            None => return Ok(()),
        },
        Measure::Value => match v.as_u64() {
            Some(n) => (usize::try_from(n).unwrap_or(usize::MAX), ""),
            None => return Ok(()),
        },
    };
    if n > limit.max {
        return Err(Error::validation(
            path,
            format!("{n}{unit}, the limit is {}", limit.max),
        ));
    }
    Ok(())
}
