//! The shape of a response: JSON types and field names, merged from the method's sample (real
//! field names and types, placeholder values) and its OpenAPI success schema.
//!
//! The sample wins where the two disagree: it records what Slack sent, the schema what the
//! spec promised. Inside a sample, list elements are merged with each other; elements of
//! different kinds make the list's element [`Shape::Any`].

use std::collections::BTreeMap;

use serde_json::Value;

/// Envelope fields: the answer's status, not its data ([`response`] leaves
/// them out at the top level).
pub const ENVELOPE: &[&str] = &[
    "ok",
    "error",
    "needed",
    "provided",
    "warning",
    "warnings",
    "response_metadata",
];

/// A JSON shape.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// Nothing known (`null`, an empty list's element).
    Unknown,
    /// Values of different kinds, or an object whose keys are data (ids, names): kept as JSON.
    Any,
    /// `true`/`false`.
    Bool,
    /// An integer.
    Int,
    /// A number with a fraction (or the schema says `number`).
    Float,
    /// A string.
    Str,
    /// A list.
    Array(Box<Shape>),
    /// An object with named fields.
    Object(Object),
}

/// An object's fields, by wire name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Object {
    /// The fields.
    pub fields: BTreeMap<String, Field>,
    /// The OpenAPI definition it comes from (`objs_message`), when the schema names one.
    pub definition: Option<String>,
}

/// One field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Its shape.
    pub shape: Shape,
    /// The schema's description, when it has one.
    pub doc: Option<String>,
}

/// Whether a key reads like a field name (`real_name`, `isArchived`) rather than data (`U0123`,
/// `:smile:`, `1`).
fn is_field_name(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The shape of a sample value.
pub fn from_sample(v: &Value) -> Shape {
    match v {
        Value::Null => Shape::Unknown,
        Value::Bool(_) => Shape::Bool,
        Value::Number(n) if n.is_f64() => Shape::Float,
        Value::Number(_) => Shape::Int,
        Value::String(_) => Shape::Str,
        Value::Array(items) => {
            let mut elem = Shape::Unknown;
            for item in items {
                elem = merge(elem, from_sample(item), false);
            }
            Shape::Array(Box::new(elem))
        }
        Value::Object(map) => {
            if map.is_empty() || !map.keys().all(|k| is_field_name(k)) {
                return Shape::Any;
            }
            let fields = map
                .iter()
                .map(|(k, v)| {
                    let field = Field {
                        shape: from_sample(v),
                        doc: None,
                    };
                    (k.clone(), field)
                })
                .collect();
            Shape::Object(Object {
                fields,
                definition: None,
            })
        }
    }
}

/// The shape an OpenAPI schema describes; `#/definitions/…` references are followed up to a
/// few levels (the definitions refer to each other).
pub fn from_schema(openapi: &Value, schema: &Value, depth: usize) -> Shape {
    if depth > 6 {
        return Shape::Any;
    }
    if let Some(def) = schema["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix("#/definitions/"))
    {
        let mut shape = from_schema(openapi, &openapi["definitions"][def], depth + 1);
        if let Shape::Object(o) = &mut shape {
            o.definition = Some(def.to_owned());
        }
        return shape;
    }
    for combinator in ["allOf", "oneOf", "anyOf"] {
        if let Some(options) = schema[combinator].as_array() {
            return match options.as_slice() {
                [only] => from_schema(openapi, only, depth + 1),
                _ => Shape::Any,
            };
        }
    }
    let kind = match &schema["type"] {
        Value::String(t) => t.as_str(),
        Value::Array(ts) => {
            let kinds: Vec<&str> = ts
                .iter()
                .filter_map(Value::as_str)
                .filter(|t| *t != "null")
                .collect();
            match kinds.as_slice() {
                [one] => *one,
                _ => return Shape::Any,
            }
        }
        _ if schema.get("properties").is_some() => "object",
        _ => return Shape::Unknown,
    };
    match kind {
        "boolean" => Shape::Bool,
        "integer" => Shape::Int,
        "number" => Shape::Float,
        "string" => Shape::Str,
        "array" => Shape::Array(Box::new(from_schema(openapi, &schema["items"], depth + 1))),
        "object" => {
            let Some(props) = schema["properties"].as_object().filter(|p| !p.is_empty()) else {
                return Shape::Any;
            };
            if !props.keys().all(|k| is_field_name(k)) {
                return Shape::Any;
            }
            let fields = props
                .iter()
                .map(|(k, s)| {
                    let doc = s["description"]
                        .as_str()
                        .map(str::to_owned)
                        .filter(|d| !d.trim().is_empty());
                    let field = Field {
                        shape: from_schema(openapi, s, depth + 1),
                        doc,
                    };
                    (k.clone(), field)
                })
                .collect();
            Shape::Object(Object {
                fields,
                definition: None,
            })
        }
        _ => Shape::Unknown,
    }
}

/// Merge two shapes of the same value. Unknown gives way; integers and numbers make a number;
/// objects and lists merge field by field. Any other disagreement keeps `a` when `prefer_a`
/// (the sample over the schema), else becomes [`Shape::Any`].
pub fn merge(a: Shape, b: Shape, prefer_a: bool) -> Shape {
    match (a, b) {
        (Shape::Unknown, x) | (x, Shape::Unknown) => x,
        (Shape::Int, Shape::Float) | (Shape::Float, Shape::Int) => Shape::Float,
        (Shape::Array(x), Shape::Array(y)) => Shape::Array(Box::new(merge(*x, *y, prefer_a))),
        (Shape::Object(mut x), Shape::Object(y)) => {
            for (name, field) in y.fields {
                match x.fields.remove(&name) {
                    Some(mine) => {
                        let merged = Field {
                            shape: merge(mine.shape, field.shape, prefer_a),
                            doc: mine.doc.or(field.doc),
                        };
                        x.fields.insert(name, merged);
                    }
                    None => {
                        x.fields.insert(name, field);
                    }
                }
            }
            x.definition = x.definition.or(y.definition);
            Shape::Object(x)
        }
        (x, y) if x == y => x,
        (x, _) if prefer_a => x,
        _ => Shape::Any,
    }
}

/// A method's response shape from its sample and its schema (either may be missing), without
/// the envelope fields. `None` when there is neither.
pub fn response(sample: Option<&Value>, schema: Option<Shape>) -> Option<Object> {
    let from_sample = sample.map(from_sample);
    let shape = match (from_sample, schema) {
        (None, None) => return None,
        (Some(a), None) => a,
        (None, Some(b)) => b,
        (Some(a), Some(b)) => merge(a, b, true),
    };
    let mut object = match shape {
        Shape::Object(o) => o,
        _ => Object::default(),
    };
    object.fields.retain(|k, _| !ENVELOPE.contains(&k.as_str()));
    Some(object)
}

/// The top-level list fields of a response, in name order.
pub fn list_fields(object: &Object) -> Vec<&str> {
    object
        .fields
        .iter()
        .filter(|(_, f)| matches!(f.shape, Shape::Array(_)))
        .map(|(k, _)| k.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn samples_merge_their_list_elements() {
        let s = from_sample(&json!([{"a": 1}, {"a": 1.5, "b": "x"}, null]));
        let Shape::Array(elem) = s else {
            panic!("{s:?}")
        };
        let Shape::Object(o) = *elem else {
            panic!("not an object")
        };
        assert_eq!(o.fields["a"].shape, Shape::Float);
        assert_eq!(o.fields["b"].shape, Shape::Str);
        assert_eq!(
            from_sample(&json!(["a", 1])),
            Shape::Array(Box::new(Shape::Any))
        );
        assert_eq!(from_sample(&json!({"U0123": {"a": 1}})), Shape::Any);
        assert_eq!(from_sample(&json!({})), Shape::Any);
    }

    #[test]
    fn the_sample_wins_over_the_schema() {
        let doc = json!({"definitions": {"objs_x": {"type": "object", "properties": {
            "id": {"type": "string", "description": "The id."}, "n": {"type": "integer"}}}}});
        let schema = json!({"properties": {"ok": {"type": "boolean"},
            "x": {"$ref": "#/definitions/objs_x"}, "extra": {"type": ["string", "null"]}}});
        let sample = json!({"ok": false, "error": "", "x": {"id": 5, "m": true}});
        let o = response(Some(&sample), Some(from_schema(&doc, &schema, 0))).unwrap();
        assert_eq!(o.fields.keys().collect::<Vec<_>>(), ["extra", "x"]);
        let Shape::Object(x) = &o.fields["x"].shape else {
            panic!()
        };
        assert_eq!(x.definition.as_deref(), Some("objs_x"));
        assert_eq!(x.fields["id"].shape, Shape::Int);
        assert_eq!(x.fields["id"].doc.as_deref(), Some("The id."));
        assert_eq!(x.fields["n"].shape, Shape::Int);
        assert_eq!(x.fields["m"].shape, Shape::Bool);
        assert_eq!(o.fields["extra"].shape, Shape::Str);
        assert!(response(None, None).is_none());
    }
}
