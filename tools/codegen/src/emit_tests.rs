//! `core/src/generated/api_tests.rs`: a test that builds every request from its required
//! arguments and checks it names its table entry and encodes exactly those arguments, and a
//! test that sets every argument of every request and checks each one's wire form against
//! the method table's `WIRE_FORMS` (the codegen's rule table).

use std::fmt::Write;

use crate::data::Method;
use crate::emit_methods::{lit, str_slice};
use crate::naming;
use crate::typing::{self, ArgType};

/// A sample value for a required argument of type `ty`.
fn sample(ty: ArgType) -> &'static str {
    match ty {
        ArgType::Str | ArgType::Enum(_) => "\"x\"",
        ArgType::Json => "serde_json::json!([])",
        ArgType::JsonString => "serde_json::json!({\"k\": [1]})",
        ArgType::File => "crate::request::FileArg::bytes(\"f.bin\", &b\"f\"[..])",
        ArgType::Time => "1",
        ArgType::List | ArgType::JsonList | ArgType::EnumList(_) => "[\"a\", \"b\"]",
        ArgType::Bool => "true",
        ArgType::U32 | ArgType::U64 | ArgType::I64 => "1",
    }
}

/// The test's source.
pub fn api_tests(all: &[Method]) -> String {
    let mut out = String::from(crate::HEADER);
    out.push_str("//! Every generated request against its table entry.\n\n");
    out.push_str("#![allow(deprecated)]\n\nuse crate::api::SlackMethod;\n\n");
    out.push_str("#[test]\nfn every_request_matches_its_table_entry() {\n");
    for m in all {
        let args: Vec<&str> = typing::constructor_order(&m.required)
            .iter()
            .map(|a| sample(typing::arg_type(m, a)))
            .collect();
        let _ = writeln!(
            out,
            "    check(&crate::api::{}::new({}), {}, {});",
            naming::api_path(&m.name),
            args.join(", "),
            lit(&m.name),
            str_slice(&m.required),
        );
    }
    out.push_str("}\n\n");
    out.push_str("#[test]\nfn every_argument_travels_in_its_wire_form() {\n");
    for m in all {
        let args: Vec<&str> = typing::constructor_order(&m.required)
            .iter()
            .map(|a| sample(typing::arg_type(m, a)))
            .collect();
        let mut setters = String::new();
        for a in &m.optional {
            let _ = write!(
                setters,
                ".{}({})",
                naming::setter(a),
                sample(typing::arg_type(m, a))
            );
        }
        let names: Vec<String> = m.required.iter().chain(&m.optional).cloned().collect();
        let _ = writeln!(
            out,
            "    check_wire(&crate::api::{}::new({}){setters}, {}, {});",
            naming::api_path(&m.name),
            args.join(", "),
            lit(&m.name),
            str_slice(&names),
        );
    }
    out.push_str("}\n\n");
    out.push_str(
        "fn check_wire<R: SlackMethod>(r: &R, name: &str, all: &[&str]) {
    use crate::request::{wire_form, WireForm};
    use serde_json::Value;
    assert_eq!(r.info().multipart, all.iter().any(|a| wire_form(name, a) == Some(WireForm::File)), \"{name}: multipart\");
    let args = r.to_args().expect(name);
    let sent = args.fields().len() + args.files().len();
    assert_eq!(sent, all.len(), \"{name}: every argument is sent once\");
    for arg in all {
        let form = wire_form(name, arg).unwrap_or_else(|| panic!(\"{name} {arg}: no wire form\"));
        if form == WireForm::File {
            assert!(args.files().iter().any(|f| f.field == *arg), \"{name} {arg}: not a file part\");
            assert!(!args.contains(arg), \"{name} {arg}: a file sent as a value\");
            continue;
        }
        let v = args.get(arg).unwrap_or_else(|| panic!(\"{name} {arg}: missing\"));
        let ok = match (form, v) {
            (WireForm::Text, Value::String(_)) | (WireForm::Bool, Value::Bool(_)) => true,
            (WireForm::Integer | WireForm::IntegerOrText, Value::Number(n)) => n.is_i64() || n.is_u64(),
            (WireForm::IntegerOrText, Value::String(_)) => true,
            (WireForm::CommaList, Value::String(s)) => !s.starts_with('['),
            (WireForm::Json, Value::Array(_) | Value::Object(_)) => true,
            (WireForm::JsonString, Value::String(s)) => matches!(serde_json::from_str::<Value>(s), Ok(Value::Array(_) | Value::Object(_))),
            (WireForm::JsonList, Value::Array(items)) => items.iter().all(Value::is_string),
            _ => false,
        };
        assert!(ok, \"{name} {arg}: {v} is not sent as {form:?}\");
    }
    // The encoded request keeps the forms: multipart with file parts; stringified JSON stays a
    // string inside a JSON body.
    let config = crate::request::ClientConfig::new();
    let options = crate::request::CallOptions::default();
    let req = crate::request::encode_request(&config, name, &args, &options).expect(name);
    let content_type = req.headers.get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or(\"\");
    assert_eq!(content_type.starts_with(\"multipart/form-data\"), r.info().multipart, \"{name}: {content_type}\");
    if content_type.starts_with(\"application/json\") {
        let body: Value = serde_json::from_slice(req.body.as_bytes().expect(name)).expect(name);
        for arg in all.iter().filter(|a| wire_form(name, a) == Some(WireForm::JsonString)) {
            assert!(body[arg].is_string(), \"{name} {arg}: not a string in the JSON body\");
        }
    }
}

",
    );
    out.push_str(
        "fn check<R: SlackMethod>(r: &R, name: &str, required: &[&str]) {
    assert_eq!(r.info().name, name);
    let args = r.to_args().expect(name);
    let mut keys: Vec<&str> = args.fields().keys().chain(args.files().iter().map(|f| f.field.as_str())).collect();
    keys.sort_unstable();
    let mut want = required.to_vec();
    want.sort_unstable();
    assert_eq!(keys, want, \"{name}\");
}
",
    );
    out
}

/// `core/src/generated/response_tests.rs`: every response type decodes its vendored sample,
/// and a generated one still decodes when any one field has another JSON type.
pub fn response_tests(
    all: &[Method],
    responses: &std::collections::BTreeMap<String, String>,
    generated: &std::collections::BTreeMap<String, crate::emit_responses::Typed>,
) -> String {
    let mut out = String::from(crate::HEADER);
    out.push_str(
        "//! Every response type against its vendored sample (`tools/codegen/data/json-samples/api`).\n\n",
    );
    out.push_str("#![allow(deprecated)]\n\nuse crate::api::SlackMethod;\n\n");
    out.push_str(
        "/// A method, a decode of its response type, and whether the type is generated.\n\
         pub(crate) type Entry = (&'static str, fn(&[u8]) -> Result<(), String>, bool);\n\n\
         /// Decodes `body` into `T` with the including module's `check_response` (core's reads\n\
         /// it in two passes and in one and checks that both agree; the fuzzers only decode).\n\
         fn check<T>(body: &[u8]) -> Result<(), String>\n\
         where\n    T: serde::de::DeserializeOwned + serde::Serialize + Send + 'static,\n{\n\
         super::check_response::<T>(body)\n}\n\n",
    );
    out.push_str(
        "/// Every method with a response type.\npub(crate) const RESPONSES: &[Entry] = &[\n",
    );
    for m in all {
        if !responses.contains_key(&m.name) {
            continue;
        }
        let is_generated = generated
            .get(&m.name)
            .is_some_and(|t| t.kind == crate::emit_responses::Kind::Struct);
        let _ = writeln!(
            out,
            "({}, check::<<crate::api::{} as SlackMethod>::Response>, {is_generated}),",
            lit(&m.name),
            naming::api_path(&m.name)
        );
    }
    out.push_str("];\n");
    out
}
