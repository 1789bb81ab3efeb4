//! Loading the reference data (vendored in `tools/codegen/data`) into one [`Method`] per method of
//! `method-coverage.tsv`.
//!
//! Sources, by precedence: `web-api-methods-current.tsv` (the current docs), then
//! `web-api-methods.tsv` (the older OpenAPI spec) for methods the current docs lack;
//! `method-tiers.tsv` fills a missing tier; `slack_web_openapi_v2.json` adds parameter types
//! and descriptions and the success schema's list fields. Retired methods without facts of
//! their own take their replacement's (see [`crate::rules::replacement`]).

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

/// An OpenAPI parameter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Param {
    /// `string`, `boolean`, `integer` or `number`.
    pub kind: String,
    /// The parameter's description (markdown).
    pub description: String,
}

/// Facts about one method, merged from every source.
#[derive(Debug, Clone, Default)]
pub struct Method {
    /// `chat.postMessage`.
    pub name: String,
    /// `GET` or `POST`.
    pub verb: String,
    /// Required arguments, without `token`.
    pub required: Vec<String>,
    /// Optional arguments, without `token` or a required one.
    pub optional: Vec<String>,
    /// `no`, `yes`, `warning:method_deprecated` or `legacy (retired family)`.
    pub deprecated: String,
    /// `Tier1`..`Tier4`, `Special`, a limit in words, or empty.
    pub tier: String,
    /// Bot token scopes.
    pub bot_scopes: Vec<String>,
    /// User token scopes.
    pub user_scopes: Vec<String>,
    /// `json_input_supported`: `true`, `false` or empty.
    pub json: String,
    /// One-line description.
    pub description: String,
    /// OpenAPI parameters by name.
    pub params: BTreeMap<String, Param>,
    /// Top-level array properties of the OpenAPI success schema (besides `warnings` and
    /// `response_metadata`), in document order.
    pub array_fields: Vec<String>,
    /// Whether `json-samples/api/<method>.json` exists.
    pub has_sample: bool,
    /// Top-level list fields of the sample (besides the envelope), in name order.
    pub sample_lists: Vec<String>,
    /// Whether the sample or the OpenAPI success schema has `next_cursor` at the top level
    /// rather than in `response_metadata`.
    pub top_level_cursor: bool,
    /// The response's shape, from the sample and the OpenAPI success schema; `None` when
    /// there is neither.
    pub response: Option<crate::shape::Object>,
}

impl Method {
    /// Whether the coverage list marks the method deprecated or retired.
    pub fn is_deprecated(&self) -> bool {
        !(self.deprecated.is_empty() || self.deprecated == "no")
    }

    /// Whether `arg` is a required or optional argument.
    pub fn takes(&self, arg: &str) -> bool {
        self.required.iter().chain(&self.optional).any(|a| a == arg)
    }
}

/// Every method of the coverage list, sorted by name (byte order) and unique.
pub fn load(dir: &Path) -> Result<Vec<Method>, String> {
    let read = |f: &str| {
        let path = dir.join(f);
        std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
    };
    let coverage = tsv(&read("method-coverage.tsv")?);
    let current = by_name(tsv(&read("web-api-methods-current.tsv")?));
    let older = by_name(tsv(&read("web-api-methods.tsv")?));
    let tiers: BTreeMap<String, String> = tsv(&read("method-tiers.tsv")?)
        .into_iter()
        .map(|r| (col(&r, 0), col(&r, 1)))
        .collect();
    let openapi: Value = serde_json::from_str(&read("slack_web_openapi_v2.json")?)
        .map_err(|e| format!("slack_web_openapi_v2.json: {e}"))?;

    let mut out = Vec::with_capacity(coverage.len());
    for row in coverage {
        let name = col(&row, 0);
        let mut m = Method {
            deprecated: col(&row, 3),
            ..Method::default()
        };
        // web-api-methods-current.tsv: method, http_method, required_args, optional_args,
        // deprecated, rate_limit_tier, bot_scopes, user_scopes, other_scopes,
        // json_input_supported, description.
        if let Some(r) = current.get(&name) {
            m.verb = col(r, 1);
            m.required = list(&col(r, 2));
            m.optional = list(&col(r, 3));
            m.tier = col(r, 5);
            m.bot_scopes = list(&col(r, 6));
            m.user_scopes = list(&col(r, 7));
            m.json = col(r, 9);
            m.description = col(r, 10);
        // web-api-methods.tsv: method, http_verbs, required_params, optional_params,
        // deprecated, scopes, description.
        } else if let Some(r) = older.get(&name) {
            m.verb = col(r, 1).split(',').next().unwrap_or("").trim().to_owned();
            m.required = list(&col(r, 2));
            m.optional = list(&col(r, 3));
            m.user_scopes = list(&col(r, 5));
            m.description = col(r, 6);
        }
        if m.tier.is_empty() {
            m.tier = tiers.get(&name).cloned().unwrap_or_default();
        }
        m.name = name;
        let schema = load_openapi(&openapi, &mut m);
        let sample_path = dir
            .join("json-samples/api")
            .join(format!("{}.json", m.name));
        let sample: Option<Value> = if sample_path.is_file() {
            let text = read(&format!("json-samples/api/{}.json", m.name))?;
            let v = serde_json::from_str(&text)
                .map_err(|e| format!("{}: {e}", sample_path.display()))?;
            Some(v)
        } else {
            None
        };
        m.has_sample = sample.is_some();
        m.response = crate::shape::response(sample.as_ref(), schema);
        if let Some(Value::Object(fields)) = &sample {
            m.sample_lists = fields
                .iter()
                .filter(|(k, v)| v.is_array() && !crate::shape::ENVELOPE.contains(&k.as_str()))
                .map(|(k, _)| k.clone())
                .collect();
            m.top_level_cursor |= fields.contains_key("next_cursor");
        }
        out.push(m);
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out.dedup_by(|a, b| a.name == b.name);
    inherit_from_replacements(&mut out);
    for m in &mut out {
        m.required.retain(|a| a != "token");
        let required = m.required.clone();
        m.optional.retain(|a| a != "token" && !required.contains(a));
        m.verb = m.verb.to_ascii_uppercase();
        if m.verb.is_empty() {
            m.verb = "POST".into();
        }
    }
    Ok(out)
}

/// Retired methods without facts of their own take their replacement's arguments, verb, JSON
/// support, scopes and OpenAPI details (and its tier when `method-tiers.tsv` has none).
fn inherit_from_replacements(methods: &mut [Method]) {
    let snapshot: BTreeMap<String, Method> = methods
        .iter()
        .map(|m| (m.name.clone(), m.clone()))
        .collect();
    for m in methods.iter_mut().filter(|m| m.verb.is_empty()) {
        let Some(rep) = crate::rules::replacement(&m.name).and_then(|r| snapshot.get(r)) else {
            continue;
        };
        m.verb = rep.verb.clone();
        m.required = rep.required.clone();
        m.optional = rep.optional.clone();
        m.json = rep.json.clone();
        m.params = rep.params.clone();
        m.array_fields = rep.array_fields.clone();
        m.top_level_cursor = rep.top_level_cursor;
        if m.response.is_none() {
            m.response = rep.response.clone();
            m.sample_lists = rep.sample_lists.clone();
        }
        m.bot_scopes = rep.bot_scopes.clone();
        m.user_scopes = rep.user_scopes.clone();
        if m.tier.is_empty() {
            m.tier = rep.tier.clone();
        }
        if m.description.is_empty() {
            m.description = format!("Retired: use `{}` instead.", rep.name);
        }
    }
}

/// Parameters and success-schema arrays of `/{method}` in the OpenAPI document, and the
/// success schema's shape.
fn load_openapi(openapi: &Value, m: &mut Method) -> Option<crate::shape::Shape> {
    let ops = openapi["paths"]
        .get(format!("/{}", m.name))
        .and_then(Value::as_object)?;
    let mut shape: Option<crate::shape::Shape> = None;
    for op in ops.values() {
        for p in op["parameters"].as_array().into_iter().flatten() {
            let Some(name) = p["name"].as_str() else {
                continue;
            };
            let param = Param {
                kind: p["type"].as_str().unwrap_or("string").to_owned(),
                description: p["description"].as_str().unwrap_or("").to_owned(),
            };
            m.params.entry(name.to_owned()).or_insert(param);
        }
        let schema = &op["responses"]["200"]["schema"];
        if schema.is_object() {
            let this = crate::shape::from_schema(openapi, schema, 0);
            shape = Some(match shape.take() {
                Some(s) => crate::shape::merge(s, this, true),
                None => this,
            });
        }
        let Some(props) = schema["properties"].as_object() else {
            continue;
        };
        m.top_level_cursor |= props.contains_key("next_cursor");
        for (field, schema) in props {
            let skip = field == "warnings" || field == "response_metadata";
            if !skip && is_array(openapi, schema) && !m.array_fields.contains(field) {
                m.array_fields.push(field.clone());
            }
        }
    }
    shape
}

/// Whether a schema is an array, directly or through a `#/definitions/…` reference.
fn is_array(openapi: &Value, schema: &Value) -> bool {
    if schema["type"] == "array" {
        return true;
    }
    schema["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix("#/definitions/"))
        .is_some_and(|def| openapi["definitions"][def]["type"] == "array")
}

/// Rows of a TSV file, header skipped.
fn tsv(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect()
}

fn by_name(rows: Vec<Vec<String>>) -> BTreeMap<String, Vec<String>> {
    rows.into_iter().map(|r| (col(&r, 0), r)).collect()
}

fn col(row: &[String], i: usize) -> String {
    row.get(i).map(|s| s.trim().to_owned()).unwrap_or_default()
}

/// A comma-separated cell as a list, blanks dropped.
fn list(cell: &str) -> Vec<String> {
    cell.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells() {
        assert_eq!(list("token, channel,,ts"), ["token", "channel", "ts"]);
        assert!(list("").is_empty());
        let rows = tsv("method\tverb\na.b\tGET\n\n");
        assert_eq!(rows, [vec!["a.b".to_owned(), "GET".to_owned()]]);
        assert_eq!(col(&rows[0], 5), "");
    }

    #[test]
    fn arrays_through_references() {
        let doc = serde_json::json!({
            "definitions": {"objs_comments": {"type": "array"}, "objs_paging": {"type": "object"}}
        });
        assert!(is_array(&doc, &serde_json::json!({"type": "array"})));
        assert!(is_array(
            &doc,
            &serde_json::json!({"$ref": "#/definitions/objs_comments"})
        ));
        assert!(!is_array(
            &doc,
            &serde_json::json!({"$ref": "#/definitions/objs_paging"})
        ));
    }
}
