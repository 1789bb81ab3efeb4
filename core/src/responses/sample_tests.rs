//! Every response type against the vendored reference samples
//! (`tools/codegen/data/json-samples/api/<method>.json`): each decodes its sample, and still
//! decodes when any one field (at the top level or one object down) has another JSON type.
//! The only exceptions are the few required fields of hand-written types (`ts` of
//! `chat.postMessage`, the `channel` of `conversations.info`): without them the answer is
//! not what the type promises, so their absence or mistyping is a decode error.

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
        // The samples merge answers of every kind, often with `"ok": false`: read as a
        // success too, so the one-pass read is compared on every sample's typed answer.
        if let Ok(Value::Object(mut fields)) = serde_json::from_slice::<Value>(&body) {
            fields.insert("ok".into(), Value::Bool(true));
            let success = Value::Object(fields).to_string();
            if let Err(e) = decode(success.as_bytes()) {
                failures.push(format!("{method} (as a success): {e}"));
            }
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
    // Each decode also compared the one-pass read (typed answer and envelope together) with
    // the two-pass one; nearly every sample must have gone the one-pass way.
    let tapped = crate::response::tap::TAPPED.with(|n| n.get());
    assert!(
        tapped + 10 >= decoded,
        "only {tapped} of {decoded} samples were read in one pass"
    );
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

/// Response types outside `responses/` that are not lenient yet:
/// `files.completeUploadExternal` answers `crate::files::UploadResponse`.
const NOT_LENIENT: &[&str] = &["files.completeUploadExternal"];

/// Whether the answer still decodes without the field at `path` (else it is required).
fn optional(doc: &Value, path: &[String], decode: fn(&[u8]) -> Result<(), String>) -> bool {
    let mut without = doc.clone();
    let Some((last, parent)) = path.split_last() else {
        return true;
    };
    match at(&mut without, parent) {
        Some(Value::Object(map)) => {
            map.remove(last);
        }
        _ => return true,
    }
    decode(&serde_json::to_vec(&without).unwrap_or_default()).is_ok()
}

#[test]
fn a_field_of_another_type_never_fails_a_response() {
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut required = Vec::new();
    for (method, decode, generated) in RESPONSES {
        let Some(body) = sample(method) else {
            continue;
        };
        let Ok(mut doc) = serde_json::from_slice::<Value>(&body) else {
            failures.push(format!("{method}: the sample is not JSON"));
            continue;
        };
        shrink(&mut doc);
        // As a success, so each decode also compares the one-pass read with the two-pass
        // one (see `every_response_type_decodes_its_sample`), on every mutation.
        if let Some(fields) = doc.as_object_mut() {
            fields.insert("ok".into(), Value::Bool(true));
        }
        if NOT_LENIENT.contains(method) {
            continue;
        }
        for (n, path) in field_paths(&doc).into_iter().enumerate() {
            let Some(current) = at(&mut doc, &path).map(|v| v.clone()) else {
                continue;
            };
            // Two of the five other kinds per field, rotating, so every kind is tried across
            // the fields of a type while the test stays fast.
            let wrongs = wrong_values(&current);
            let picked = (0..2).map(|k| wrongs[(n + k) % wrongs.len()].clone());
            for wrong in picked {
                // Mutate in place, decode, restore: no copy of the document per mutation.
                if let Some(slot) = at(&mut doc, &path) {
                    *slot = wrong.clone();
                }
                checked += 1;
                let bytes = serde_json::to_vec(&doc).unwrap_or_default();
                if let Some(slot) = at(&mut doc, &path) {
                    *slot = current.clone();
                }
                if let Err(e) = decode(&bytes) {
                    if !generated && !optional(&doc, &path, *decode) {
                        required.push(format!("{method}: {}", path.join(".")));
                        break;
                    }
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
    assert!(checked > 4_000, "only {checked} mutations");
    // Generated types have no required field; hand-written ones only a few.
    assert!(
        required.len() < 100,
        "{} required fields:\n{}",
        required.len(),
        required.join("\n")
    );
}

/// The tokens and secrets in the OAuth, OpenID, tooling and manifest answers never show in
/// `Debug` (the codegen's `SECRET_RESPONSE_FIELDS`): each listed field of the method's
/// recorded answer is given a secret value, decoded, and looked for in the `Debug` output.
#[test]
fn secret_response_fields_are_redacted_on_the_real_samples() {
    use crate::generated::responses as r;
    const SECRET: &str = "SECRET-VALUE-1234";
    /// The sample with `fields` holding the secret (an object's every string value too).
    fn body(method: &str, fields: &[&str]) -> Vec<u8> {
        let raw = sample(method).unwrap_or_else(|| panic!("no sample for {method}"));
        let mut v: Value = serde_json::from_slice(&raw).unwrap_or_default();
        v["ok"] = json!(true);
        for f in fields {
            match v.get_mut(*f) {
                Some(Value::Object(m)) => m
                    .values_mut()
                    .filter(|x| x.is_string())
                    .for_each(|x| *x = json!(SECRET)),
                Some(x) => *x = json!(SECRET),
                None => panic!("{method}: the sample has no `{f}`"),
            }
        }
        serde_json::to_vec(&v).unwrap_or_default()
    }
    fn debug_of<T: serde::de::DeserializeOwned + std::fmt::Debug>(
        method: &str,
        fields: &[&str],
    ) -> String {
        let value: T = serde_json::from_slice(&body(method, fields))
            .unwrap_or_else(|e| panic!("{method}: {e}"));
        format!("{value:?}")
    }
    let oauth_v2 = ["access_token", "refresh_token"];
    let openid = ["access_token", "id_token", "refresh_token"];
    let rotate = ["token", "refresh_token"];
    let cases = [
        (
            "oauth.v2.access",
            debug_of::<r::oauth::v2::AccessResponse>("oauth.v2.access", &oauth_v2),
        ),
        (
            "oauth.v2.exchange",
            debug_of::<r::oauth::v2::ExchangeResponse>("oauth.v2.exchange", &oauth_v2),
        ),
        (
            "oauth.access",
            debug_of::<r::oauth::AccessResponse>("oauth.access", &["access_token"]),
        ),
        (
            "openid.connect.token",
            debug_of::<r::openid::connect::TokenResponse>("openid.connect.token", &openid),
        ),
        (
            "tooling.tokens.rotate",
            debug_of::<r::tooling::tokens::RotateResponse>("tooling.tokens.rotate", &rotate),
        ),
        (
            "apps.manifest.create",
            debug_of::<r::apps::manifest::CreateResponse>("apps.manifest.create", &["credentials"]),
        ),
    ];
    for (method, debug) in cases {
        assert!(
            !debug.contains(SECRET),
            "{method}: a secret shows in {debug}"
        );
        assert!(debug.contains("<redacted>"), "{method}: {debug}");
    }
}
