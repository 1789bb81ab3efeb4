//! Slack's documented Block Kit limits, checked before sending. Works on JSON so it covers
//! typed blocks and hand-written `json!` alike; errors name the field path.

use serde_json::Value;

use crate::error::{Error, Result};

/// Most blocks in one message.
pub const MAX_MESSAGE_BLOCKS: usize = 50;
/// Most blocks in one view.
pub const MAX_VIEW_BLOCKS: usize = 100;

fn too_long(path: &str, n: usize, max: usize) -> Error {
    Error::validation(path, format!("{n} characters, the limit is {max}"))
}

fn too_many(path: &str, n: usize, max: usize) -> Error {
    Error::validation(path, format!("{n} items, the limit is {max}"))
}

/// A string field of at most `max` characters (characters, not bytes).
fn str_max(v: &Value, key: &str, path: &str, max: usize) -> Result<()> {
    if let Some(s) = v.get(key).and_then(Value::as_str) {
        let n = s.chars().count();
        if n > max {
            return Err(too_long(&format!("{path}.{key}"), n, max));
        }
    }
    Ok(())
}

/// A text object's `text` of at most `max` characters.
fn text_max(v: &Value, key: &str, path: &str, max: usize) -> Result<()> {
    match v.get(key) {
        Some(t) => str_max(t, "text", &format!("{path}.{key}"), max),
        None => Ok(()),
    }
}

fn array<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn count_max(v: &Value, key: &str, path: &str, max: usize) -> Result<()> {
    let n = array(v, key).len();
    if n > max {
        return Err(too_many(&format!("{path}.{key}"), n, max));
    }
    Ok(())
}

fn option(o: &Value, path: &str) -> Result<()> {
    text_max(o, "text", path, 75)?;
    str_max(o, "value", path, 150)?;
    text_max(o, "description", path, 75)?;
    str_max(o, "url", path, 3000)
}

fn options(v: &Value, path: &str, max: usize) -> Result<()> {
    count_max(v, "options", path, max)?;
    for (i, o) in array(v, "options").iter().enumerate() {
        option(o, &format!("{path}.options[{i}]"))?;
    }
    count_max(v, "option_groups", path, 100)?;
    for (i, g) in array(v, "option_groups").iter().enumerate() {
        let gp = format!("{path}.option_groups[{i}]");
        text_max(g, "label", &gp, 75)?;
        options(g, &gp, 100)?;
    }
    Ok(())
}

/// Check one element.
pub fn validate_element(e: &Value, path: &str) -> Result<()> {
    str_max(e, "action_id", path, 255)?;
    text_max(e, "placeholder", path, 150)?;
    match e.get("type").and_then(Value::as_str).unwrap_or("") {
        "button" | "workflow_button" => {
            text_max(e, "text", path, 75)?;
            str_max(e, "value", path, 2000)?;
            str_max(e, "url", path, 3000)?;
            str_max(e, "accessibility_label", path, 75)?;
        }
        "checkboxes" | "radio_buttons" => options(e, path, 10)?,
        "overflow" => options(e, path, 5)?,
        t if t.ends_with("_select") => options(e, path, 100)?,
        "plain_text_input" => {
            if let Some(n) = e.get("max_length").and_then(Value::as_u64) {
                if n > 3000 {
                    return Err(Error::validation(
                        format!("{path}.max_length"),
                        format!("{n}, the limit is 3000"),
                    ));
                }
            }
        }
        "image" => {
            str_max(e, "alt_text", path, 2000)?;
            str_max(e, "image_url", path, 3000)?;
        }
        "mrkdwn" | "plain_text" => str_max(e, "text", path, 3000)?,
        _ => {}
    }
    Ok(())
}

/// Check one block.
pub fn validate_block(b: &Value, path: &str) -> Result<()> {
    str_max(b, "block_id", path, 255)?;
    match b.get("type").and_then(Value::as_str).unwrap_or("") {
        "section" => {
            text_max(b, "text", path, 3000)?;
            count_max(b, "fields", path, 10)?;
            for (i, f) in array(b, "fields").iter().enumerate() {
                str_max(f, "text", &format!("{path}.fields[{i}]"), 2000)?;
            }
            if let Some(a) = b.get("accessory") {
                validate_element(a, &format!("{path}.accessory"))?;
            }
        }
        "header" => text_max(b, "text", path, 150)?,
        "actions" => {
            count_max(b, "elements", path, 25)?;
            for (i, e) in array(b, "elements").iter().enumerate() {
                validate_element(e, &format!("{path}.elements[{i}]"))?;
            }
        }
        "context" => {
            count_max(b, "elements", path, 10)?;
            for (i, e) in array(b, "elements").iter().enumerate() {
                validate_element(e, &format!("{path}.elements[{i}]"))?;
            }
        }
        "image" => {
            str_max(b, "alt_text", path, 2000)?;
            str_max(b, "image_url", path, 3000)?;
            text_max(b, "title", path, 2000)?;
        }
        "input" => {
            text_max(b, "label", path, 2000)?;
            text_max(b, "hint", path, 2000)?;
            if let Some(e) = b.get("element") {
                validate_element(e, &format!("{path}.element"))?;
            }
        }
        "video" => {
            text_max(b, "title", path, 200)?;
            text_max(b, "description", path, 200)?;
        }
        "markdown" => str_max(b, "text", path, 12_000)?,
        _ => {}
    }
    Ok(())
}

/// Check a message's `blocks` (at most 50).
pub fn validate_message_blocks(blocks: &Value, path: &str) -> Result<()> {
    let Some(list) = blocks.as_array() else {
        return Ok(());
    };
    if list.len() > MAX_MESSAGE_BLOCKS {
        return Err(too_many(path, list.len(), MAX_MESSAGE_BLOCKS));
    }
    for (i, b) in list.iter().enumerate() {
        validate_block(b, &format!("{path}[{i}]"))?;
    }
    Ok(())
}

/// Check a view (at most 100 blocks; title, submit and close up to 24 characters; private
/// metadata up to 3000; callback and external ids up to 255).
pub fn validate_view(view: &Value, path: &str) -> Result<()> {
    text_max(view, "title", path, 24)?;
    text_max(view, "submit", path, 24)?;
    text_max(view, "close", path, 24)?;
    str_max(view, "private_metadata", path, 3000)?;
    str_max(view, "callback_id", path, 255)?;
    str_max(view, "external_id", path, 255)?;
    let blocks = array(view, "blocks");
    if blocks.len() > MAX_VIEW_BLOCKS {
        return Err(too_many(
            &format!("{path}.blocks"),
            blocks.len(),
            MAX_VIEW_BLOCKS,
        ));
    }
    for (i, b) in blocks.iter().enumerate() {
        validate_block(b, &format!("{path}.blocks[{i}]"))?;
    }
    Ok(())
}
