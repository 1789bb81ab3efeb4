//! `core/src/generated/api_tests.rs`: a test that builds every request from its required
//! arguments and checks it names its table entry and encodes exactly those arguments.

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
    out.push_str(
        "fn check<R: SlackMethod>(r: &R, name: &str, required: &[&str]) {
    assert_eq!(r.info().name, name);
    let args = r.to_args().expect(name);
    let mut keys: Vec<&str> = args.fields().keys().map(String::as_str).collect();
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
         fn check<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<(), String> {\n\
         serde_json::from_slice::<T>(body).map(|_| ()).map_err(|e| e.to_string())\n}\n\n",
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
