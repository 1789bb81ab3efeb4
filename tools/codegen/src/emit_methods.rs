//! `core/src/generated/methods.rs`: the method table, one `MethodInfo` per method, sorted by
//! name (the table is binary-searched).

use std::fmt::Write;

use crate::data::Method;
use crate::rules;
use crate::typing::{self, ArgType};

/// Whether the method takes file content as `multipart/form-data`: it has a file argument.
pub(crate) fn multipart(m: &Method) -> bool {
    m.required
        .iter()
        .chain(&m.optional)
        .any(|a| typing::arg_type(m, a) == ArgType::File)
}

/// A Rust string literal.
pub(crate) fn lit(s: &str) -> String {
    format!("{s:?}")
}

/// A `&[&str]` literal.
pub(crate) fn str_slice(items: &[String]) -> String {
    let inner: Vec<String> = items.iter().map(|s| lit(s)).collect();
    format!("&[{}]", inner.join(", "))
}

fn option(v: Option<String>) -> String {
    v.map_or_else(|| "None".to_owned(), |s| format!("Some({s})"))
}

/// The method table's source.
pub fn methods(all: &[Method]) -> String {
    let mut out = String::from(crate::HEADER);
    out.push_str("//! The Web API method table (see `crate::method`).\n\n");
    out.push_str("use crate::method::{CursorAt, Deprecation, HttpVerb, JsonSupport, MethodInfo, Pagination, RateTier};\n");
    out.push_str("use crate::request::WireForm;\n\n");
    out.push_str("/// Every method, sorted by name.\n");
    out.push_str("pub(crate) static METHODS: &[MethodInfo] = &[\n");
    for m in all {
        entry(&mut out, m);
    }
    out.push_str("];\n\n");
    out.push_str(
        "/// How each argument of each method travels (see `crate::request::wire_form`), sorted\n\
         /// by method name like [`METHODS`].\n",
    );
    out.push_str("pub(crate) static WIRE_FORMS: &[(&str, &[(&str, WireForm)])] = &[\n");
    for m in all {
        let args: Vec<String> = m
            .required
            .iter()
            .chain(&m.optional)
            .map(|a| {
                format!(
                    "({}, WireForm::{})",
                    lit(a),
                    typing::arg_type(m, a).wire_form()
                )
            })
            .collect();
        let _ = writeln!(out, "    ({}, &[{}]),", lit(&m.name), args.join(", "));
    }
    out.push_str("];\n");
    out
}

fn entry(out: &mut String, m: &Method) {
    let verb = if m.verb == "GET" { "Get" } else { "Post" };
    let json = match m.json.as_str() {
        "true" => "Yes",
        "false" => "No",
        _ => "Unknown",
    };
    let pagination = rules::paginated(m).then(|| {
        format!(
            "Pagination {{ cursor_arg: \"cursor\", items_field: {}, next_cursor: CursorAt::{} }}",
            option(rules::items_field(m).as_deref().map(lit)),
            rules::cursor_at(m)
        )
    });
    let deprecated = m.is_deprecated().then(|| {
        format!(
            "Deprecation {{ replacement: {} }}",
            option(rules::replacement(&m.name).map(lit))
        )
    });
    let _ = writeln!(out, "    MethodInfo {{");
    let _ = writeln!(out, "        name: {},", lit(&m.name));
    let _ = writeln!(out, "        verb: HttpVerb::{verb},");
    let _ = writeln!(out, "        json: JsonSupport::{json},");
    let _ = writeln!(out, "        multipart: {},", multipart(m));
    let _ = writeln!(out, "        required: {},", str_slice(&m.required));
    let _ = writeln!(out, "        optional: {},", str_slice(&m.optional));
    let _ = writeln!(out, "        tier: {},", rules::tier(m).rust());
    let _ = writeln!(out, "        idempotent: {},", rules::idempotent(m));
    let _ = writeln!(out, "        pagination: {},", option(pagination));
    let _ = writeln!(out, "        deprecated: {},", option(deprecated));
    let _ = writeln!(out, "        bot_scopes: {},", str_slice(&m.bot_scopes));
    let _ = writeln!(out, "        user_scopes: {},", str_slice(&m.user_scopes));
    let _ = writeln!(out, "    }},");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_entry() {
        let m = Method {
            name: "conversations.list".into(),
            verb: "GET".into(),
            optional: vec!["cursor".into(), "limit".into()],
            tier: "Tier2".into(),
            deprecated: "no".into(),
            bot_scopes: vec!["channels:read".into()],
            sample_lists: vec!["channels".into()],
            ..Method::default()
        };
        let src = methods(&[m]);
        assert!(src.starts_with("// @generated"));
        assert!(src.contains("verb: HttpVerb::Get,"));
        assert!(src.contains("json: JsonSupport::Unknown,"));
        assert!(src.contains("idempotent: true,"));
        assert!(src.contains(
            "pagination: Some(Pagination { cursor_arg: \"cursor\", items_field: Some(\"channels\"), next_cursor: CursorAt::ResponseMetadata }),"
        ));
        assert!(src.contains("deprecated: None,"));
        assert!(src.contains("bot_scopes: &[\"channels:read\"],"));
        assert!(src.contains("multipart: false,"));
        assert!(src.contains(
            "(\"conversations.list\", &[(\"cursor\", WireForm::Text), (\"limit\", WireForm::Integer)]),"
        ));
    }

    #[test]
    fn file_arguments_make_a_method_multipart() {
        let m = Method {
            name: "files.remote.update".into(),
            verb: "POST".into(),
            optional: vec!["indexable_file_contents".into(), "title".into()],
            ..Method::default()
        };
        let src = methods(&[m]);
        assert!(src.contains("multipart: true,"));
        assert!(src.contains("(\"indexable_file_contents\", WireForm::File)"));
    }

    #[test]
    fn retired_entry() {
        let m = Method {
            name: "channels.history".into(),
            verb: "GET".into(),
            deprecated: "legacy (retired family)".into(),
            ..Method::default()
        };
        let src = methods(&[m]);
        assert!(src.contains(
            "deprecated: Some(Deprecation { replacement: Some(\"conversations.history\") }),"
        ));
        assert!(src.contains("tier: RateTier::Unknown,"));
    }
}
