//! Naming: how a Slack method name and its arguments become Rust modules, types and
//! identifiers.
//!
//! `chat.postMessage` → `chat::PostMessage`; `admin.apps.approved.list` →
//! `admin::apps::approved::List`; `chat.scheduledMessages.list` →
//! `chat::scheduled_messages::List`; `oauth.v2.access` → `oauth::v2::Access`.

/// Rust keywords (strict, reserved and edition-2024 `gen`), escaped with `r#` when used as an
/// identifier.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Names a request already uses for its own methods: a setter with one of these names gets an
/// `_arg` suffix (`info` → `info_arg`).
const RESERVED_SETTERS: &[&str] = &["new", "info", "to_args"];

/// `postMessage` → `PostMessage`, `v2` → `V2`.
pub fn pascal(segment: &str) -> String {
    let mut chars = segment.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// `scheduledMessages` → `scheduled_messages`, `getPermalink` → `get_permalink`.
pub fn snake(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len() + 4);
    for (i, c) in segment.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// An identifier, raw (`r#type`) when it is a keyword.
pub fn ident(name: &str) -> String {
    if KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_owned()
    }
}

/// The setter for an argument: the argument's identifier, with `_arg` appended when it would
/// collide with the request's own `new`, `info` or `to_args`.
pub fn setter(arg: &str) -> String {
    if RESERVED_SETTERS.contains(&arg) {
        format!("{arg}_arg")
    } else {
        ident(arg)
    }
}

/// The module path of a method's request, in snake case and unescaped:
/// `admin.apps.approve` → `["admin", "apps"]`.
pub fn module_path(method: &str) -> Vec<String> {
    let mut parts: Vec<String> = method.split('.').map(snake).collect();
    parts.pop();
    parts
}

/// The request type's name: the method's last segment in PascalCase.
pub fn struct_name(method: &str) -> String {
    pascal(method.rsplit('.').next().unwrap_or(method))
}

/// The request type's path below `crate::api`, keywords escaped:
/// `chat.postMessage` → `chat::PostMessage`.
pub fn api_path(method: &str) -> String {
    let mut parts: Vec<String> = module_path(method).iter().map(|m| ident(m)).collect();
    parts.push(struct_name(method));
    parts.join("::")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pascal_case_is_camel_case_aware() {
        assert_eq!(pascal("postMessage"), "PostMessage");
        assert_eq!(pascal("getPermalink"), "GetPermalink");
        assert_eq!(pascal("lookupByEmail"), "LookupByEmail");
        assert_eq!(pascal("list"), "List");
        assert_eq!(pascal(""), "");
    }

    #[test]
    fn snake_case_modules() {
        assert_eq!(snake("scheduledMessages"), "scheduled_messages");
        assert_eq!(snake("inviteRequests"), "invite_requests");
        assert_eq!(snake("v2"), "v2");
        assert_eq!(snake("slackLists"), "slack_lists");
    }

    #[test]
    fn keywords_are_escaped() {
        assert_eq!(ident("type"), "r#type");
        assert_eq!(ident("async"), "r#async");
        assert_eq!(ident("gen"), "r#gen");
        assert_eq!(ident("channel"), "channel");
        assert_eq!(setter("type"), "r#type");
        assert_eq!(setter("new"), "new_arg");
        assert_eq!(setter("info"), "info_arg");
        assert_eq!(setter("to_args"), "to_args_arg");
        assert_eq!(setter("limit"), "limit");
    }

    #[test]
    fn paths() {
        assert_eq!(
            module_path("admin.apps.approved.list"),
            ["admin", "apps", "approved"]
        );
        assert_eq!(
            module_path("chat.scheduledMessages.list"),
            ["chat", "scheduled_messages"]
        );
        assert_eq!(module_path("oauth.v2.access"), ["oauth", "v2"]);
        assert_eq!(struct_name("oauth.v2.access"), "Access");
        assert_eq!(struct_name("users.lookupByEmail"), "LookupByEmail");
        assert_eq!(api_path("chat.postMessage"), "chat::PostMessage");
        assert_eq!(
            api_path("admin.apps.approved.list"),
            "admin::apps::approved::List"
        );
    }
}
