//! Every response type against the vendored reference samples
//! (`tools/codegen/data/json-samples/api/<method>.json`): each decodes its sample, and a
//! generated one still decodes when any field (at the top level or one object down) has
//! another JSON type.

use serde_json::{json, Value};

use crate::generated::response_tests::RESPONSES;

fn sample(method: &str) -> Option<Vec<u8>> {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tools/codegen/data/json-samples/api"
    );
    std::fs::read(format!("{dir}/{method}.json")).ok()
}

#[test]
fn every_response_type_decodes_its_sample() {
    let mut failures = Vec::new();
    let mut decoded = 0;
    for (method, decode, _) in RESPONSES {
        let Some(body) = sample(method) else {
            continue;
        };
        match decode(&body) {
            Ok(()) => decoded += 1,
            Err(e) => failures.push(format!("{method}: {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // 314 of the 368 methods have a sample; a lost data directory must not pass silently.
    assert!(decoded >= 300, "only {decoded} samples decoded");
}

/// The sample with every list cut to its first element (the big samples repeat shapes).
fn shrink(v: &mut Value) {
    match v {
        Value::Array(items) => {
            items.truncate(1);
            items.iter_mut().for_each(shrink);
        }
        Value::Object(map) => map.values_mut().for_each(shrink),
        _ => {}
    }
}

/// Values of every JSON type; each mutation uses the ones of another type than the field's.
fn wrong_values(current: &Value) -> Vec<Value> {
    let all = [
        json!("text"),
        json!(-7),
        json!(2.5),
        json!(true),
        json!([1, "x", {"a": null}]),
        json!({"unexpected": [1]}),
    ];
    all.into_iter()
        .filter(|w| std::mem::discriminant(w) != std::mem::discriminant(current))
        .collect()
}

/// Paths (object keys, `0` into lists) of every field at the top level and one object
/// (or one list element) below.
fn field_paths(doc: &Value) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let Some(top) = doc.as_object() else {
        return out;
    };
    for (k, v) in top {
        out.push(vec![k.clone()]);
        let (inner, prefix) = match v {
            Value::Array(items) => match items.first() {
                Some(first) => (first, vec![k.clone(), "0".to_owned()]),
                None => continue,
            },
            other => (other, vec![k.clone()]),
        };
        if let Some(obj) = inner.as_object() {
            for k2 in obj.keys() {
                let mut p = prefix.clone();
                p.push(k2.clone());
                out.push(p);
            }
        }
    }
    out
}

fn at<'a>(doc: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
    path.iter().try_fold(doc, |v, key| match v {
        Value::Array(items) => items.get_mut(key.parse::<usize>().ok()?),
        Value::Object(map) => map.get_mut(key),
        _ => None,
    })
}

#[test]
fn a_field_of_another_type_never_fails_a_generated_response() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for (method, decode, generated) in RESPONSES {
        if !generated {
            continue;
        }
        let Some(body) = sample(method) else {
            continue;
        };
        let Ok(mut doc) = serde_json::from_slice::<Value>(&body) else {
            failures.push(format!("{method}: the sample is not JSON"));
            continue;
        };
        shrink(&mut doc);
        for path in field_paths(&doc) {
            let mut probe = doc.clone();
            let Some(current) = at(&mut probe, &path).map(|v| v.clone()) else {
                continue;
            };
            for wrong in wrong_values(&current) {
                let mut mutated = doc.clone();
                if let Some(slot) = at(&mut mutated, &path) {
                    *slot = wrong.clone();
                }
                checked += 1;
                let bytes = serde_json::to_vec(&mutated).unwrap_or_default();
                if let Err(e) = decode(&bytes) {
                    failures.push(format!("{method}: {} = {wrong}: {e}", path.join(".")));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failed:\n{}",
        failures.len(),
        failures[..failures.len().min(40)].join("\n")
    );
    assert!(checked > 5_000, "only {checked} mutations");
}
