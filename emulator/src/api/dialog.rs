//! `dialog.open`: the legacy dialogs, validated as Slack does (title, callback, elements,
//! their labels, names, types and limits) and answered with `validation_errors` listing
//! every problem.

use serde_json::{json, Value};

use super::{err, ok, Outcome};
use crate::wire::ApiRequest;

/// Slack's limits.
const MAX_TITLE: usize = 24;
const MAX_SUBMIT: usize = 24;
const MAX_CALLBACK: usize = 255;
const MAX_ELEMENTS: usize = 10;
const MAX_LABEL: usize = 48;
const MAX_NAME: usize = 300;
const MAX_OPTIONS: usize = 100;

fn len(v: &Value) -> usize {
    v.as_str().map_or(0, |s| s.chars().count())
}

/// The problems with one element, as `[ERROR] … [json-pointer:/dialog/elements/i/…]`.
fn check_element(i: usize, e: &Value, names: &mut Vec<String>, out: &mut Vec<String>) {
    let at = |field: &str| format!("[json-pointer:/dialog/elements/{i}/{field}]");
    let kind = e["type"].as_str().unwrap_or("");
    if !["text", "textarea", "select"].contains(&kind) {
        out.push(format!(
            "[ERROR] must be one of text, textarea, select {}",
            at("type")
        ));
    }
    if len(&e["label"]) == 0 {
        out.push(format!(
            "[ERROR] missing required field: label {}",
            at("label")
        ));
    } else if len(&e["label"]) > MAX_LABEL {
        out.push(format!(
            "[ERROR] must be {MAX_LABEL} characters or fewer {}",
            at("label")
        ));
    }
    let name = e["name"].as_str().unwrap_or("");
    if name.is_empty() {
        out.push(format!(
            "[ERROR] missing required field: name {}",
            at("name")
        ));
    } else if name.chars().count() > MAX_NAME {
        out.push(format!(
            "[ERROR] must be {MAX_NAME} characters or fewer {}",
            at("name")
        ));
    } else if names.iter().any(|n| n == name) {
        out.push(format!(
            "[ERROR] element names must be unique {}",
            at("name")
        ));
    } else {
        names.push(name.to_owned());
    }
    let (max_len, limit) = match kind {
        "text" => (150, e["max_length"].as_u64()),
        "textarea" => (3000, e["max_length"].as_u64()),
        _ => (0, None),
    };
    if limit.is_some_and(|l| l > max_len) {
        out.push(format!(
            "[ERROR] must be {max_len} or less {}",
            at("max_length")
        ));
    }
    if kind == "select" {
        let source = e["data_source"].as_str().unwrap_or("static");
        if !["static", "users", "channels", "conversations", "external"].contains(&source) {
            out.push(format!("[ERROR] invalid data_source {}", at("data_source")));
        }
        if source == "static" {
            let options = e["options"].as_array().map_or(0, Vec::len);
            let groups = e["option_groups"].as_array().map_or(0, Vec::len);
            if options == 0 && groups == 0 {
                out.push(format!(
                    "[ERROR] missing required field: options {}",
                    at("options")
                ));
            }
            if options > MAX_OPTIONS {
                out.push(format!(
                    "[ERROR] no more than {MAX_OPTIONS} items allowed {}",
                    at("options")
                ));
            }
        }
    }
}

/// Every problem with a dialog.
fn problems(d: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if len(&d["title"]) == 0 {
        out.push("[ERROR] missing required field: title [json-pointer:/dialog/title]".into());
    } else if len(&d["title"]) > MAX_TITLE {
        out.push(format!(
            "[ERROR] must be {MAX_TITLE} characters or fewer [json-pointer:/dialog/title]"
        ));
    }
    if len(&d["callback_id"]) == 0 {
        out.push(
            "[ERROR] missing required field: callback_id [json-pointer:/dialog/callback_id]".into(),
        );
    } else if len(&d["callback_id"]) > MAX_CALLBACK {
        out.push(format!(
            "[ERROR] must be {MAX_CALLBACK} characters or fewer [json-pointer:/dialog/callback_id]"
        ));
    }
    if let Some(s) = d.get("submit_label").and_then(Value::as_str) {
        if s.chars().count() > MAX_SUBMIT || s.contains(char::is_whitespace) {
            out.push("[ERROR] must be a single word of 24 characters or fewer [json-pointer:/dialog/submit_label]".into());
        }
    }
    match d["elements"].as_array() {
        None => out.push(
            "[ERROR] missing required field: elements [json-pointer:/dialog/elements]".into(),
        ),
        Some(list) if list.is_empty() => {
            out.push(
                "[ERROR] no fewer than 1 items allowed [json-pointer:/dialog/elements]".into(),
            );
        }
        Some(list) => {
            if list.len() > MAX_ELEMENTS {
                out.push(format!(
                    "[ERROR] no more than {MAX_ELEMENTS} items allowed [json-pointer:/dialog/elements]"
                ));
            }
            let mut names = Vec::new();
            for (i, e) in list.iter().enumerate() {
                check_element(i, e, &mut names, &mut out);
            }
        }
    }
    out
}

pub(crate) fn open(req: &ApiRequest) -> Outcome {
    // Trigger ids: any non-empty one is taken, as `views.open` takes them.
    if req.nonempty("trigger_id").is_none() {
        return Err(err("missing_trigger"));
    }
    let dialog = req
        .json("dialog")
        .map_err(|()| {
            err("validation_errors").with(
                "response_metadata",
                json!({"messages": ["[ERROR] invalid JSON [json-pointer:/dialog]"]}),
            )
        })?
        .ok_or_else(|| err("missing_dialog"))?;
    if !dialog.is_object() {
        return Err(err("missing_dialog"));
    }
    let wrong = problems(&dialog);
    if !wrong.is_empty() {
        return Err(err("validation_errors").with("response_metadata", json!({"messages": wrong})));
    }
    ok(json!({}))
}
