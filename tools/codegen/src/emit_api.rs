//! `core/src/generated/api.rs`: a typed request per method, in one module per family
//! (`chat.postMessage` → `chat::PostMessage`), with the family's typed responses re-exported
//! beside the requests.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::data::Method;
use crate::docs::doc_text;
use crate::emit_methods::lit;
use crate::naming;
use crate::rules;
use crate::typing::{self, ArgType};

/// A module of the generated tree.
#[derive(Default)]
struct Module {
    /// Re-exported response types: name → full path.
    reexports: BTreeMap<String, String>,
    /// Request structs with their impls, in method order.
    items: Vec<String>,
    children: BTreeMap<String, Module>,
}

/// The typed requests' source. `responses` maps a method to its response type (hand-written
/// or generated; a method missing there decodes to `serde_json::Value`); `items` maps a
/// paginated method to its items field and item type, for its `Paginated` impl.
pub fn api(
    all: &[Method],
    responses: &BTreeMap<String, String>,
    items: &BTreeMap<String, (String, String)>,
) -> Result<String, String> {
    let mut root = Module::default();
    for (index, m) in all.iter().enumerate() {
        let mut node = &mut root;
        for segment in naming::module_path(&m.name) {
            node = node.children.entry(segment).or_default();
        }
        let response = responses.get(&m.name);
        node.items
            .push(request(m, index, response, items.get(&m.name))?);
        if let Some(path) = response.filter(|p| !p.ends_with("::Empty")) {
            let name = path.rsplit("::").next().unwrap_or(path).to_owned();
            match node.reexports.get(&name) {
                Some(existing) if existing != path => {
                    return Err(format!(
                        "typed-responses.tsv: {path} and {existing} would both be re-exported as \
                         {name} in the module of {}",
                        m.name
                    ));
                }
                _ => {
                    node.reexports.insert(name, path.clone());
                }
            }
        }
    }
    let mut out = String::from(crate::HEADER);
    out.push_str("//! Typed requests, one module per method family (see `crate::api`).\n\n");
    // `api.test` lives in `api::api`.
    out.push_str("#![allow(clippy::module_inception)]\n\n");
    for (name, child) in &root.children {
        module(&mut out, &[name.as_str()], child);
    }
    Ok(out)
}

fn module(out: &mut String, path: &[&str], node: &Module) {
    let name = path.last().copied().unwrap_or_default();
    let _ = writeln!(out, "/// Requests of the `{}` family.", path.join("."));
    let _ = writeln!(out, "pub mod {} {{", naming::ident(name));
    // A blank line between entries, none after the opening brace.
    let mut first = true;
    let mut separate = |out: &mut String| {
        if !std::mem::take(&mut first) {
            out.push('\n');
        }
    };
    if !node.reexports.is_empty() {
        separate(out);
        for path in node.reexports.values() {
            let _ = writeln!(out, "pub use {path};");
        }
    }
    for item in &node.items {
        separate(out);
        out.push_str(item);
    }
    for (child_name, child) in &node.children {
        separate(out);
        let mut child_path = path.to_vec();
        child_path.push(child_name);
        module(out, &child_path, child);
    }
    out.push_str("}\n");
}

/// One argument of a request.
struct Arg {
    /// The name on the wire.
    name: String,
    /// The field (a raw identifier for a keyword).
    field: String,
    ty: ArgType,
    doc: Option<String>,
}

impl Arg {
    fn new(m: &Method, name: &str) -> Arg {
        let doc = m
            .params
            .get(name)
            .map(|p| doc_text(&p.description))
            .filter(|d| !d.is_empty());
        Arg {
            name: name.to_owned(),
            field: naming::ident(name),
            ty: typing::arg_type(m, name),
            doc,
        }
    }
}

/// The struct, its constructor and setters, and its `SlackMethod` impl.
fn request(
    m: &Method,
    index: usize,
    response: Option<&String>,
    items: Option<&(String, String)>,
) -> Result<String, String> {
    let ty = naming::struct_name(&m.name);
    let required: Vec<Arg> = typing::constructor_order(&m.required)
        .iter()
        .map(|a| Arg::new(m, a))
        .collect();
    let optional: Vec<Arg> = m.optional.iter().map(|a| Arg::new(m, a)).collect();
    let mut s = String::new();

    struct_docs(&mut s, m);
    let allow = if m.is_deprecated() {
        let note = match rules::replacement(&m.name) {
            Some(r) => format!("use `{r}` (`api::{}`) instead", naming::api_path(r)),
            None => "deprecated by Slack, with no direct replacement".to_owned(),
        };
        let _ = writeln!(s, "#[deprecated(note = {})]", lit(&note));
        "#[allow(deprecated)]\n"
    } else {
        ""
    };
    let derive_default = if required.is_empty() { ", Default" } else { "" };
    let has_secret = required
        .iter()
        .chain(&optional)
        .any(|a| typing::is_secret(&a.name));
    let derive_debug = if has_secret { "" } else { "Debug, " };
    let _ = writeln!(
        s,
        "#[derive({derive_debug}Clone, PartialEq{derive_default}, serde::Serialize)]\n#[must_use]"
    );
    let _ = writeln!(s, "pub struct {ty} {{");
    for a in &required {
        match a.ty {
            ArgType::List => {
                s.push_str("#[serde(serialize_with = \"crate::api::ser::comma_list_required\")]\n");
            }
            ArgType::JsonString => {
                s.push_str("#[serde(serialize_with = \"crate::api::ser::json_string\")]\n");
            }
            ArgType::File => s.push_str("#[serde(skip)]\n"),
            ArgType::EnumList(_) => {
                return Err(format!(
                    "{}: a required list of a closed set ({}) has no serializer",
                    m.name, a.name
                ));
            }
            _ => {}
        }
        let _ = writeln!(s, "{}: {},", a.field, a.ty.field_type());
    }
    for a in &optional {
        let with = match a.ty {
            ArgType::List => ", serialize_with = \"crate::api::ser::comma_list\"",
            ArgType::EnumList(_) => ", serialize_with = \"crate::api::ser::comma_list_of\"",
            ArgType::JsonString => ", serialize_with = \"crate::api::ser::json_string_opt\"",
            _ => "",
        };
        if a.ty == ArgType::File {
            s.push_str("#[serde(skip)]\n");
        } else {
            let _ = writeln!(
                s,
                "#[serde(skip_serializing_if = \"Option::is_none\"{with})]"
            );
        }
        let _ = writeln!(s, "{}: Option<{}>,", a.field, a.ty.field_type());
    }
    s.push_str("}\n\n");

    let _ = writeln!(s, "{allow}impl {ty} {{");
    constructor(&mut s, m, &required, &optional);
    for a in &optional {
        setter(&mut s, a);
    }
    s.push_str("}\n\n");
    if has_secret {
        debug_impl(&mut s, allow, &ty, &required, &optional);
    }

    let response = response.map_or("serde_json::Value", String::as_str);
    let _ = writeln!(s, "{allow}impl crate::api::SlackMethod for {ty} {{");
    let _ = writeln!(s, "type Response = {response};");
    let _ = writeln!(
        s,
        "fn info(&self) -> &'static crate::method::MethodInfo {{ &crate::generated::methods::METHODS[{index}] }}"
    );
    to_args_with_files(&mut s, &required, &optional);
    s.push_str("}\n");
    if let Some((field, item)) = items {
        let _ = writeln!(s, "\n{allow}impl crate::method::Paginated for {ty} {{");
        let _ = writeln!(s, "type Item = {item};");
        let _ = writeln!(
            s,
            "fn into_items(response: Self::Response) -> Vec<{item}> {{ response.{field} }}"
        );
        s.push_str("}\n");
    }
    Ok(s)
}

/// `Debug` for a request with secret arguments: their values show as `<redacted>`.
fn debug_impl(s: &mut String, allow: &str, ty: &str, required: &[Arg], optional: &[Arg]) {
    let _ = writeln!(s, "{allow}impl std::fmt::Debug for {ty} {{");
    s.push_str("fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {\n");
    let _ = writeln!(s, "f.debug_struct({})", lit(ty));
    for a in required {
        if typing::is_secret(&a.name) {
            let _ = writeln!(s, ".field({}, &\"<redacted>\")", lit(&a.name));
        } else {
            let _ = writeln!(s, ".field({}, &self.{})", lit(&a.name), a.field);
        }
    }
    for a in optional {
        if typing::is_secret(&a.name) {
            let _ = writeln!(
                s,
                ".field({}, &self.{}.as_ref().map(|_| \"<redacted>\"))",
                lit(&a.name),
                a.field
            );
        } else {
            let _ = writeln!(s, ".field({}, &self.{})", lit(&a.name), a.field);
        }
    }
    s.push_str(".finish()\n}\n}\n\n");
}

/// `to_args` for a request with file arguments: the serialised fields plus a file part per
/// file argument set.
fn to_args_with_files(s: &mut String, required: &[Arg], optional: &[Arg]) {
    let files: Vec<(&Arg, bool)> = required
        .iter()
        .map(|a| (a, true))
        .chain(optional.iter().map(|a| (a, false)))
        .filter(|(a, _)| a.ty == ArgType::File)
        .collect();
    if files.is_empty() {
        return;
    }
    s.push_str("fn to_args(&self) -> crate::Result<crate::request::Args> {\n");
    s.push_str("let mut args = crate::request::Args::from_serialize(self)?;\n");
    for (a, is_required) in files {
        if is_required {
            let _ = writeln!(
                s,
                "args = args.set_file({}, self.{}.clone());",
                lit(&a.name),
                a.field
            );
        } else {
            let _ = writeln!(
                s,
                "if let Some(file) = &self.{} {{ args = args.set_file({}, file.clone()); }}",
                a.field,
                lit(&a.name)
            );
        }
    }
    s.push_str("Ok(args)\n}\n");
}

/// `/// `name`: description`, then limits, scopes and the documentation link.
fn struct_docs(s: &mut String, m: &Method) {
    let description = if m.description.is_empty() {
        "A Web API method.".to_owned()
    } else {
        doc_text(&m.description)
    };

    let _ = writeln!(s, "/// `{}`: {description}", m.name);
    s.push_str("///\n");
    let _ = write!(s, "/// Rate limit: {}.", rules::tier(m).doc());
    if !m.bot_scopes.is_empty() {
        let _ = write!(s, " Bot scopes: `{}`.", m.bot_scopes.join("`, `"));
    }
    if !m.user_scopes.is_empty() {
        let _ = write!(s, " User scopes: `{}`.", m.user_scopes.join("`, `"));
    }
    s.push('\n');
    let _ = writeln!(
        s,
        "/// See <https://docs.slack.dev/reference/methods/{}>.",
        m.name
    );
}

/// `new(..)` taking the required arguments.
fn constructor(s: &mut String, m: &Method, required: &[Arg], optional: &[Arg]) {
    let _ = writeln!(s, "/// A request for `{}`.", m.name);
    if !required.is_empty() {
        s.push_str("///\n");
        for a in required {
            let wire = a.ty.wire_doc();
            match &a.doc {
                Some(doc) => {
                    let _ = writeln!(s, "/// - `{}`: {doc} (Sent as {wire}.)", a.name);
                }
                None => {
                    let _ = writeln!(s, "/// - `{}`: sent as {wire}.", a.name);
                }
            }
        }
    }
    if required.is_empty() {
        s.push_str("pub fn new() -> Self { Self::default() }\n");
        return;
    }
    let mut generics = Vec::new();
    let mut params = Vec::new();
    let mut inits = Vec::new();
    for (i, a) in required.iter().enumerate() {
        let id = &a.field;
        let (param, init) = match a.ty {
            ArgType::Str => ("impl Into<String>".to_owned(), format!("{id}.into()")),
            ArgType::Json | ArgType::JsonString => (
                "impl serde::Serialize".to_owned(),
                format!("crate::api::JsonArg::from_serialize(&{id})"),
            ),
            ArgType::File => (
                "impl Into<crate::request::FileArg>".to_owned(),
                format!("{id}.into()"),
            ),
            ArgType::Time => (
                "impl Into<crate::api::TimeArg>".to_owned(),
                format!("{id}.into()"),
            ),
            ArgType::List | ArgType::JsonList => {
                generics.push(format!(
                    "I{i}: IntoIterator<Item = S{i}>, S{i}: Into<String>"
                ));
                (
                    format!("I{i}"),
                    format!("{id}.into_iter().map(Into::into).collect()"),
                )
            }
            ArgType::Enum(e) => (format!("impl Into<{e}>"), format!("{id}.into()")),
            other => (other.field_type(), id.clone()),
        };
        params.push(format!("{id}: {param}"));
        inits.push(if init == *id {
            init
        } else {
            format!("{id}: {init}")
        });
    }
    inits.extend(optional.iter().map(|a| format!("{}: None", a.field)));
    let where_clause = if generics.is_empty() {
        String::new()
    } else {
        format!(" where {}", generics.join(", "))
    };
    let type_params: Vec<String> = (0..required.len())
        .filter(|i| matches!(required[*i].ty, ArgType::List | ArgType::JsonList))
        .flat_map(|i| [format!("I{i}"), format!("S{i}")])
        .collect();
    let type_params = if type_params.is_empty() {
        String::new()
    } else {
        format!("<{}>", type_params.join(", "))
    };
    let _ = writeln!(
        s,
        "pub fn new{type_params}({}) -> Self{where_clause} {{ Self {{ {} }} }}",
        params.join(", "),
        inits.join(", ")
    );
}

/// A chained setter for an optional argument.
fn setter(s: &mut String, a: &Arg) {
    let id = &a.field;
    let name = naming::setter(&a.name);
    let doc = a
        .doc
        .clone()
        .unwrap_or_else(|| format!("Set `{}`.", a.name));
    let _ = writeln!(s, "\n/// {doc}\n///\n/// Sent as {}.", a.ty.wire_doc());
    let (signature, value) = match a.ty {
        ArgType::Str => (
            format!("{name}(mut self, {id}: impl Into<String>)"),
            format!("{id}.into()"),
        ),
        ArgType::File => (
            format!("{name}(mut self, {id}: impl Into<crate::request::FileArg>)"),
            format!("{id}.into()"),
        ),
        ArgType::Time => (
            format!("{name}(mut self, {id}: impl Into<crate::api::TimeArg>)"),
            format!("{id}.into()"),
        ),
        ArgType::Json | ArgType::JsonString => (
            format!("{name}(mut self, {id}: impl serde::Serialize)"),
            format!("crate::api::JsonArg::from_serialize(&{id})"),
        ),
        ArgType::List | ArgType::JsonList => (
            format!("{name}<I, S>(mut self, {id}: I)"),
            format!("{id}.into_iter().map(Into::into).collect()"),
        ),
        ArgType::EnumList(_) => (
            format!("{name}<I, S>(mut self, {id}: I)"),
            format!("{id}.into_iter().map(Into::into).collect()"),
        ),
        ArgType::Enum(e) => (
            format!("{name}(mut self, {id}: impl Into<{e}>)"),
            format!("{id}.into()"),
        ),
        other => (
            format!("{name}(mut self, {id}: {})", other.field_type()),
            id.clone(),
        ),
    };
    let where_clause = match a.ty {
        ArgType::List | ArgType::JsonList => {
            " where I: IntoIterator<Item = S>, S: Into<String>".to_owned()
        }
        ArgType::EnumList(e) => format!(" where I: IntoIterator<Item = S>, S: Into<{e}>"),
        _ => String::new(),
    };
    let _ = writeln!(
        s,
        "pub fn {signature} -> Self{where_clause} {{ self.{id} = Some({value}); self }}"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post_message() -> Method {
        Method {
            name: "chat.postMessage".into(),
            verb: "POST".into(),
            required: vec!["channel".into()],
            optional: vec!["text".into(), "blocks".into(), "type".into()],
            deprecated: "no".into(),
            tier: "Special".into(),
            bot_scopes: vec!["chat:write".into()],
            description: "Sends a message to a channel.".into(),
            ..Method::default()
        }
    }

    #[test]
    fn request_struct() {
        let src = request(&post_message(), 7, None, None).expect("request");
        assert!(src.starts_with("/// `chat.postMessage`: Sends a message to a channel.\n"));
        assert!(src.contains("Rate limit: 1 message per second per channel, with bursts."));
        assert!(src.contains("pub struct PostMessage {\nchannel: String,\n"));
        assert!(src.contains("blocks: Option<crate::api::JsonArg>,"));
        assert!(src.contains("r#type: Option<String>,"));
        assert!(src.contains("pub fn r#type(mut self, r#type: impl Into<String>)"));
        assert!(src.contains("pub fn new(channel: impl Into<String>) -> Self"));
        assert!(src.contains("type Response = serde_json::Value;"));
        assert!(src.contains("&crate::generated::methods::METHODS[7]"));
        assert!(!src.contains("deprecated"));
    }

    #[test]
    fn deprecated_struct() {
        let m = Method {
            name: "channels.invite".into(),
            required: vec!["channel".into(), "users".into()],
            deprecated: "legacy (retired family)".into(),
            ..Method::default()
        };
        let src = request(&m, 0, None, None).expect("request");
        assert!(src.contains(
            "#[deprecated(note = \"use `conversations.invite` (`api::conversations::Invite`) instead\")]"
        ));
        assert!(src.contains("#[allow(deprecated)]\nimpl Invite {"));
        assert!(src.contains("#[allow(deprecated)]\nimpl crate::api::SlackMethod for Invite {"));
        assert!(src.contains("comma_list_required"));
        assert!(src.contains("where I1: IntoIterator<Item = S1>, S1: Into<String>"));
    }

    #[test]
    fn tree_and_reexports() {
        let responses = BTreeMap::from([(
            "chat.postMessage".to_owned(),
            "crate::responses::chat::PostMessageResponse".to_owned(),
        )]);
        let src = api(&[post_message()], &responses, &BTreeMap::new()).expect("api");
        assert!(
            src.contains("pub mod chat {\npub use crate::responses::chat::PostMessageResponse;\n")
        );
        assert!(src.contains("type Response = crate::responses::chat::PostMessageResponse;"));
        let clash = BTreeMap::from([(
            "chat.postMessage".to_owned(),
            "crate::responses::other::PostMessageResponse".to_owned(),
        )]);
        let mut update = post_message();
        update.name = "chat.update".into();
        let mut both = clash;
        both.insert(
            "chat.update".into(),
            "crate::responses::chat::PostMessageResponse".into(),
        );
        assert!(api(&[post_message(), update], &both, &BTreeMap::new()).is_err());
    }
}
