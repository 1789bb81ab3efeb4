//! `core/src/generated/responses.rs`: a typed response per method without a hand-written one,
//! from its [`shape`](crate::shape), in one module per family (re-exported as
//! `crate::responses::<family>`).
//!
//! - Every field is optional (`Option<T>`) or a list (`Vec<T>`, empty when absent), and goes
//!   through `crate::types::de::lenient`/`lenient_vec`: a value of another JSON type decodes
//!   to `None` instead of failing the response.
//! - A field that is one of the shared types (by its name and fields, or the schema's
//!   definition) uses it: `crate::types::Message`, `User`, `Conversation`, `File`, …
//! - Other objects become structs up to [`MAX_DEPTH`] levels below the response, then
//!   `serde_json::Value`; identical structs are emitted once (in the family of their first
//!   use) and shared.
//! - A method with no fields besides the envelope answers `crate::responses::Empty`; a method
//!   without a sample or schema answers `serde_json::Value`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write;

use crate::data::Method;
use crate::docs::doc_text;
use crate::emit_methods::lit;
use crate::naming;
use crate::rules;
use crate::shape::{Object, Shape};

/// How many levels of generated structs below the response; deeper objects stay JSON.
pub const MAX_DEPTH: usize = 2;

/// What the generator decided for one method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Typed {
    /// The response type's path (`crate::responses::admin::apps::ApproveResponse`).
    pub path: String,
    /// Its kind.
    pub kind: Kind,
    /// For a paginated method, the items field's Rust name and the item type.
    pub items: Option<(String, String)>,
}

/// The kind of a generated response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A struct with fields.
    Struct,
    /// No fields besides the envelope: an alias of `Empty`.
    Empty,
    /// No sample and no schema: an alias of `serde_json::Value`.
    Json,
}

#[derive(Default)]
struct Module {
    items: Vec<String>,
    names: BTreeSet<String>,
    /// Nested structs, for the `Lenient` impl.
    nested: Vec<String>,
}

struct Ctx {
    modules: BTreeMap<Vec<String>, Module>,
    /// Field list (without docs) → path of the struct already emitted with it.
    by_key: HashMap<String, String>,
}

/// The generated responses' source, and per generated method its decision. `handwritten`
/// maps methods to their hand-written types; `reserved` gives the names hand-written modules
/// already define, by family module.
pub fn responses(
    all: &[Method],
    handwritten: &BTreeMap<String, String>,
    reserved: &BTreeMap<Vec<String>, BTreeSet<String>>,
) -> (String, BTreeMap<String, Typed>) {
    let mut ctx = Ctx {
        modules: BTreeMap::new(),
        by_key: HashMap::new(),
    };
    for (module, names) in reserved {
        ctx.module(module).names.extend(names.iter().cloned());
    }
    // Every response name first, so nested structs never take one.
    for m in all.iter().filter(|m| !handwritten.contains_key(&m.name)) {
        let name = response_name(&m.name);
        let module = naming::module_path(&m.name);
        ctx.module(&module).names.insert(name);
    }
    let mut typed = BTreeMap::new();
    for m in all.iter().filter(|m| !handwritten.contains_key(&m.name)) {
        typed.insert(m.name.clone(), ctx.method(m));
    }

    let mut out = String::from(crate::HEADER);
    out.push_str(
        "//! Typed responses generated from the reference samples and the OpenAPI schemas, one \
         module per family,\n//! re-exported as `crate::responses::<family>`.\n\n",
    );
    let mut tree = Tree::default();
    for (path, module) in ctx.modules {
        let mut node = &mut tree;
        for segment in &path {
            node = node.children.entry(segment.clone()).or_default();
        }
        node.module = Some(module);
    }
    for (name, child) in &tree.children {
        emit_tree(&mut out, &[name.as_str()], child);
    }
    (out, typed)
}

#[derive(Default)]
struct Tree {
    module: Option<Module>,
    children: BTreeMap<String, Tree>,
}

/// Whether a module or one below it has items.
fn has_items(node: &Tree) -> bool {
    node.module.as_ref().is_some_and(|m| !m.items.is_empty())
        || node.children.values().any(has_items)
}

fn emit_tree(out: &mut String, path: &[&str], node: &Tree) {
    if !has_items(node) {
        return;
    }
    let name = path.last().copied().unwrap_or_default();
    let _ = writeln!(out, "/// Responses of the `{}` family.", path.join("."));
    let _ = writeln!(out, "pub mod {} {{", naming::ident(name));
    let mut first = true;
    if let Some(module) = &node.module {
        for item in &module.items {
            if !std::mem::take(&mut first) {
                out.push('\n');
            }
            out.push_str(item);
        }
        if !module.nested.is_empty() {
            let _ = writeln!(
                out,
                "\ncrate::types::de::lenient_object!({});",
                module.nested.join(", ")
            );
            first = false;
        }
    }
    for (child_name, child) in node.children.iter().filter(|(_, c)| has_items(c)) {
        if !std::mem::take(&mut first) {
            out.push('\n');
        }
        let mut child_path = path.to_vec();
        child_path.push(child_name);
        emit_tree(out, &child_path, child);
    }
    out.push_str("}\n");
}

/// A `Debug` impl for a response with secret fields: each shows as `<redacted>` when
/// present, every other field as derived.
fn redacting_debug(name: &str, object: &Object, secrets: &[&str]) -> String {
    let mut out = format!(
        "\nimpl std::fmt::Debug for {name} {{\n\
         fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {{\n\
         f.debug_struct({})\n",
        lit(name)
    );
    let mut seen = BTreeSet::new();
    for (wire, field) in &object.fields {
        let ident = field_ident(wire);
        if !seen.insert(ident.clone()) {
            continue;
        }
        let label = lit(ident.trim_start_matches("r#"));
        if !secrets.contains(&wire.as_str()) {
            let _ = writeln!(out, ".field({label}, &self.{ident})");
        } else if matches!(field.shape, Shape::Array(_)) {
            let _ = writeln!(
                out,
                ".field({label}, &self.{ident}.iter().map(|_| \"<redacted>\").collect::<Vec<_>>())"
            );
        } else {
            let _ = writeln!(
                out,
                ".field({label}, &self.{ident}.as_ref().map(|_| \"<redacted>\"))"
            );
        }
    }
    out.push_str(".finish()\n}\n}\n");
    out
}

/// `admin.apps.approve` → `ApproveResponse`.
pub fn response_name(method: &str) -> String {
    format!("{}Response", naming::struct_name(method))
}

/// `crate::responses::admin::apps` for `admin.apps.approve`.
fn public_module(module: &[String]) -> String {
    let mut p = String::from("crate::responses");
    for s in module {
        p.push_str("::");
        p.push_str(&naming::ident(s));
    }
    p
}

/// `crate::generated::responses::admin::apps` (the path generated code uses).
fn private_module(module: &[String]) -> String {
    let mut p = String::from("crate::generated::responses");
    for s in module {
        p.push_str("::");
        p.push_str(&naming::ident(s));
    }
    p
}

impl Ctx {
    fn method(&mut self, m: &Method) -> Typed {
        let module = naming::module_path(&m.name);
        let name = response_name(&m.name);
        let path = format!("{}::{name}", public_module(&module));
        let doc_link = format!(
            "/// The answer of `{}`.\n///\n/// See <https://docs.slack.dev/reference/methods/{}>.\n",
            m.name, m.name
        );
        let secrets = crate::typing::secret_response_fields(&m.name);
        // A secret field is always typed, so that `Debug` can redact it.
        let synthesized = (m.response.is_none() && !secrets.is_empty()).then(|| Object {
            fields: secrets
                .iter()
                .map(|f| {
                    let doc = Some("The websocket URL (a session ticket).".to_owned());
                    let field = crate::shape::Field {
                        shape: Shape::Str,
                        doc,
                    };
                    ((*f).to_owned(), field)
                })
                .collect(),
            definition: None,
        });
        let Some(object) = m.response.as_ref().or(synthesized.as_ref()) else {
            let item = format!(
                "{doc_link}///\n/// No sample or schema describes this answer yet, so it \
                 is the JSON object.\npub type {name} = serde_json::Value;\n"
            );
            self.module(&module).items.push(item);
            return Typed {
                path,
                kind: Kind::Json,
                items: None,
            };
        };
        if object.fields.is_empty() {
            let item = format!(
                "{doc_link}///\n/// Nothing besides `ok`.\npub type {name} = crate::responses::Empty;\n"
            );
            self.module(&module).items.push(item);
            return Typed {
                path,
                kind: Kind::Empty,
                items: None,
            };
        }
        let (fields, _) = self.fields(&module, &name, object, 0);
        let mut item = doc_link;
        if synthesized.is_some() {
            item.push_str(
                "///\n/// No sample or schema describes this answer yet: only its secret fields \
                 are typed (so that `Debug`\n/// redacts them); `raw()` keeps the whole JSON.\n",
            );
        } else {
            item.push_str(
                "///\n/// Generated from the reference sample and schema. A field of an \
                 unexpected type decodes as `None`\n/// (or an empty list); `raw()` keeps the \
                 whole JSON.\n",
            );
        }
        if secrets.is_empty() {
            item.push_str(DERIVES);
            let _ = writeln!(item, "pub struct {name} {{\n{fields}}}");
        } else {
            item.push_str("///\n/// `Debug` shows ");
            let listed: Vec<String> = secrets.iter().map(|f| format!("`{f}`")).collect();
            item.push_str(&listed.join(", "));
            item.push_str(" as `<redacted>`.\n");
            item.push_str(&DERIVES.replacen("Debug, ", "", 1));
            let _ = writeln!(item, "pub struct {name} {{\n{fields}}}");
            item.push_str(&redacting_debug(&name, object, &secrets));
        }
        self.module(&module).items.push(item);

        let items = rules::paginated(m)
            .then(|| rules::items_field(m))
            .flatten()
            .and_then(|field| {
                let shape = &object.fields.get(&field)?.shape;
                let Shape::Array(elem) = shape else {
                    return None;
                };
                let ty = self.value_type(&module, &name, &singular(&field), elem, 0);
                Some((field_ident(&field), ty))
            });
        Typed {
            path,
            kind: Kind::Struct,
            items,
        }
    }

    fn module(&mut self, module: &[String]) -> &mut Module {
        self.modules
            .entry(module.to_vec())
            .or_insert_with(|| Module {
                names: SHARED_NAMES.iter().map(|n| (*n).to_owned()).collect(),
                ..Module::default()
            })
    }

    /// An object's fields as struct fields, and the same without docs (the dedupe key).
    fn fields(
        &mut self,
        module: &[String],
        owner: &str,
        object: &Object,
        depth: usize,
    ) -> (String, String) {
        let mut src = String::new();
        let mut key = String::new();
        let mut seen = BTreeSet::new();
        for (wire, field) in &object.fields {
            let ident = field_ident(wire);
            if !seen.insert(ident.clone()) {
                continue;
            }
            let ty = self.value_type(module, owner, wire, &field.shape, depth);
            let rename = if ident.trim_start_matches("r#") == wire {
                String::new()
            } else {
                format!("rename = {}, ", lit(wire))
            };
            let (with, skip, full) = if let Some(inner) = ty.strip_prefix("Vec<") {
                let _ = inner;
                ("lenient_vec", "Vec::is_empty", ty.clone())
            } else {
                ("lenient", "Option::is_none", format!("Option<{ty}>"))
            };
            let line = format!(
                "#[serde(default, {rename}deserialize_with = \"crate::types::de::{with}\", \
                 skip_serializing_if = \"{skip}\")]\npub {ident}: {full},\n"
            );
            let doc = field
                .doc
                .as_deref()
                .map(doc_text)
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| format!("`{wire}`."));
            let _ = writeln!(src, "/// {doc}");
            src.push_str(&line);
            key.push_str(&line);
        }
        (src, key)
    }

    /// The Rust type of a value (without `Option`).
    fn value_type(
        &mut self,
        module: &[String],
        owner: &str,
        name: &str,
        shape: &Shape,
        depth: usize,
    ) -> String {
        match shape {
            Shape::Unknown | Shape::Any => "serde_json::Value".into(),
            Shape::Bool => "bool".into(),
            Shape::Int => "i64".into(),
            Shape::Float => "f64".into(),
            Shape::Str => "String".into(),
            Shape::Array(elem) => {
                if name == "blocks" && matches!(**elem, Shape::Object(_) | Shape::Unknown) {
                    return "Vec<crate::blocks::Block>".into();
                }
                let inner = self.value_type(module, owner, &singular(name), elem, depth);
                format!("Vec<{inner}>")
            }
            Shape::Object(o) => {
                if let Some(shared) = shared_type(name, o) {
                    return shared.into();
                }
                if depth >= MAX_DEPTH || o.fields.is_empty() {
                    return "serde_json::Value".into();
                }
                self.nested(module, owner, name, o, depth + 1)
            }
        }
    }

    /// A nested struct's path, emitting it unless an identical one exists.
    fn nested(
        &mut self,
        module: &[String],
        owner: &str,
        name: &str,
        o: &Object,
        depth: usize,
    ) -> String {
        let base = pascal_words(name);
        // Children first: the key includes their types.
        let (src, key) = self.fields(module, &base, o, depth);
        if let Some(path) = self.by_key.get(&key) {
            return path.clone();
        }
        let m = self.module(module);
        let mut ty = base.clone();
        if m.names.contains(&ty) {
            ty = format!("{}{base}", owner.trim_end_matches("Response"));
        }
        let stem = ty.clone();
        let mut n = 2;
        while m.names.contains(&ty) {
            ty = format!("{stem}{n}");
            n += 1;
        }
        m.names.insert(ty.clone());
        m.nested.push(ty.clone());
        let mut item = format!("/// `{name}` in a response (generated from the reference data).\n");
        item.push_str(DERIVES);
        let _ = writeln!(item, "pub struct {ty} {{\n{src}}}");
        m.items.push(item);
        let path = format!("{}::{ty}", private_module(module));
        self.by_key.insert(key, path.clone());
        path
    }
}

/// Names a generated struct never takes: the shared types and the responses module's own, so
/// that `User` always means `crate::types::User`.
const SHARED_NAMES: &[&str] = &[
    "Message",
    "Reaction",
    "User",
    "Profile",
    "Conversation",
    "Purpose",
    "File",
    "Block",
    "Empty",
    "ResponseMetadata",
];

const DERIVES: &str = "#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, \
                       serde::Deserialize)]\n#[non_exhaustive]\n";

/// A shared type of `crate::types` the object is, by the schema's definition or by its name
/// and fields.
fn shared_type(name: &str, o: &Object) -> Option<&'static str> {
    const MESSAGE: &str = "crate::types::Message";
    const USER: &str = "crate::types::User";
    const CONVERSATION: &str = "crate::types::Conversation";
    const FILE: &str = "crate::types::File";
    match o.definition.as_deref() {
        Some("objs_message") => return Some(MESSAGE),
        Some("objs_user") => return Some(USER),
        Some("objs_conversation" | "objs_channel") => return Some(CONVERSATION),
        Some("objs_file") => return Some(FILE),
        Some("objs_reaction") => return Some("crate::types::Reaction"),
        _ => {}
    }
    let has = |k: &str| o.fields.contains_key(k);
    let word = singular(name);
    let word = word.as_str();
    if (word.contains("message") || matches!(word, "latest" | "root" | "parent"))
        && has("ts")
        && (has("text") || has("blocks"))
    {
        return Some(MESSAGE);
    }
    if matches!(word, "user" | "member" | "bot_user")
        && has("id")
        && (has("profile") || has("real_name") || has("is_bot"))
    {
        return Some(USER);
    }
    if matches!(word, "channel" | "conversation" | "group" | "im" | "mpim")
        && has("id")
        && (has("is_channel") || has("is_im") || has("is_private") || has("is_group"))
    {
        return Some(CONVERSATION);
    }
    if word == "file" && has("id") && (has("mimetype") || has("filetype") || has("url_private")) {
        return Some(FILE);
    }
    if word == "reaction" && has("name") && has("count") {
        return Some("crate::types::Reaction");
    }
    if word == "profile" && (has("real_name") || has("display_name")) {
        return Some("crate::types::Profile");
    }
    if matches!(word, "topic" | "purpose") && has("value") && has("last_set") {
        return Some("crate::types::Purpose");
    }
    None
}

/// The struct field for a wire name: snake case, `type` as `kind`, other keywords raw.
pub fn field_ident(wire: &str) -> String {
    let snake = naming::snake(wire);
    if snake == "type" {
        return "kind".into();
    }
    naming::ident(&snake)
}

/// `approved_apps` → `approved_app`, `policies` → `policy`; words that are not plurals stay.
fn singular(name: &str) -> String {
    if let Some(stem) = name.strip_suffix("ies") {
        return format!("{stem}y");
    }
    if name.ends_with("ss") || name.ends_with("us") || name.ends_with("is") {
        return name.to_owned();
    }
    if let Some(stem) = name.strip_suffix("ses") {
        return format!("{stem}s");
    }
    name.strip_suffix('s').unwrap_or(name).to_owned()
}

/// `approved_app` → `ApprovedApp`, `enterpriseUser` → `EnterpriseUser`.
fn pascal_words(name: &str) -> String {
    naming::snake(name)
        .split('_')
        .filter(|w| !w.is_empty())
        .map(naming::pascal)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn method(name: &str, sample: serde_json::Value) -> Method {
        Method {
            name: name.into(),
            optional: vec!["cursor".into()],
            sample_lists: sample
                .as_object()
                .map(|o| {
                    o.iter()
                        .filter(|(_, v)| v.is_array())
                        .map(|(k, _)| k.clone())
                        .collect()
                })
                .unwrap_or_default(),
            response: crate::shape::response(Some(&sample), None),
            ..Method::default()
        }
    }

    #[test]
    fn structs_shared_types_and_items() {
        let m = method(
            "admin.apps.approved.list",
            json!({"ok": false, "error": "", "approved_apps": [{"app": {"id": "A1", "name": ""},
                "date_updated": 1, "scopes": [{"name": "", "type": ""}],
                "last_resolved_by": {"actor_id": "", "actor_type": ""}}],
                "latest": {"ts": "", "text": ""}, "emoji": {"U1": ""}}),
        );
        let (src, typed) = responses(&[m], &BTreeMap::new(), &BTreeMap::new());
        let t = &typed["admin.apps.approved.list"];
        assert_eq!(
            t.path,
            "crate::responses::admin::apps::approved::ListResponse"
        );
        assert_eq!(
            t.items,
            Some((
                "approved_apps".into(),
                "crate::generated::responses::admin::apps::approved::ApprovedApp".into()
            ))
        );
        assert!(src.contains("pub struct ListResponse {"), "{src}");
        assert!(src.contains("pub struct ApprovedApp {"), "{src}");
        assert!(
            src.contains("pub latest: Option<crate::types::Message>,"),
            "{src}"
        );
        assert!(
            src.contains("pub emoji: Option<serde_json::Value>,"),
            "{src}"
        );
        assert!(src.contains("rename = \"type\""), "{src}");
        assert!(src.contains("pub kind: Option<String>,"), "{src}");
        assert!(
            !src.contains("pub error"),
            "envelope fields are not data: {src}"
        );
        assert!(src.contains("lenient_object!("), "{src}");
    }

    #[test]
    fn identical_shapes_are_emitted_once_and_names_do_not_collide() {
        let a = method("a.one", json!({"team": {"id": "", "name": ""}}));
        let b = method("b.two", json!({"owner": {"id": "", "name": ""}}));
        let c = method("a.three", json!({"team": {"id": 1}}));
        let (src, typed) = responses(&[a, b, c], &BTreeMap::new(), &BTreeMap::new());
        assert_eq!(src.matches("pub struct Team {").count(), 1, "{src}");
        assert!(src.contains("pub owner: Option<crate::generated::responses::a::Team>,"));
        assert!(src.contains("pub struct ThreeTeam {"), "{src}");
        assert_eq!(typed["a.one"].kind, Kind::Struct);
    }

    #[test]
    fn empty_and_unknown_answers() {
        let empty = method("x.empty", json!({"ok": true, "warning": ""}));
        let unknown = Method {
            name: "x.unknown".into(),
            ..Method::default()
        };
        let (src, typed) = responses(&[empty, unknown], &BTreeMap::new(), &BTreeMap::new());
        assert_eq!(typed["x.empty"].kind, Kind::Empty);
        assert_eq!(typed["x.unknown"].kind, Kind::Json);
        assert!(src.contains("pub type EmptyResponse = crate::responses::Empty;"));
        assert!(src.contains("pub type UnknownResponse = serde_json::Value;"));
    }

    #[test]
    fn secret_fields_are_redacted_in_debug_and_always_typed() {
        let open = method(
            "apps.connections.open",
            json!({"ok": true, "url": "wss://x/link/?ticket=t", "extra": 1}),
        );
        let start = Method {
            name: "rtm.start".into(),
            ..Method::default()
        };
        let plain = method("x.plain", json!({"url": "https://example.com"}));
        let (src, typed) = responses(&[open, start, plain], &BTreeMap::new(), &BTreeMap::new());
        assert_eq!(typed["rtm.start"].kind, Kind::Struct, "typed to redact it");
        for name in ["OpenResponse", "StartResponse"] {
            assert!(
                src.contains(&format!("impl std::fmt::Debug for {name} {{")),
                "{src}"
            );
        }
        assert_eq!(src.matches("impl std::fmt::Debug").count(), 2, "{src}");
        assert_eq!(
            src.matches(".field(\"url\", &self.url.as_ref().map(|_| \"<redacted>\"))")
                .count(),
            2,
            "{src}"
        );
        assert!(src.contains(".field(\"extra\", &self.extra)"), "{src}");
        // Only the structs with secrets drop the derived `Debug`.
        assert_eq!(src.matches("#[derive(Debug,").count(), 1, "{src}");
    }

    #[test]
    fn words() {
        assert_eq!(singular("approved_apps"), "approved_app");
        assert_eq!(singular("policies"), "policy");
        assert_eq!(singular("status"), "status");
        assert_eq!(pascal_words("enterprise_user"), "EnterpriseUser");
        assert_eq!(pascal_words("isArchived"), "IsArchived");
        assert_eq!(field_ident("type"), "kind");
        assert_eq!(field_ident("isArchived"), "is_archived");
        assert_eq!(field_ident("ref"), "r#ref");
    }
}
