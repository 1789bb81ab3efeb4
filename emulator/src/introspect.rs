//! What the emulator models, for its coverage and schema tests (`tests/coverage.rs`,
//! `tests/schemas.rs`). Not part of the public API: no stability promise, hidden from the
//! docs.

/// Every Web API method the emulator models (the others answer
/// `emulator_not_implemented`, or `method_deprecated` when retired).
///
/// ```
/// let m = slack_emulator::introspect::modelled_methods();
/// assert!(m.contains(&"chat.postMessage"));
/// ```
pub fn modelled_methods() -> &'static [&'static str] {
    static NAMES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    static ALL: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        NAMES
            .get_or_init(crate::api::modelled)
            .iter()
            .map(String::as_str)
            .collect()
    })
}

/// Whether the emulator treats `method` as retired (`method_deprecated` on every call).
/// `false` for a name missing from the method table.
///
/// ```
/// assert!(slack_emulator::introspect::is_retired("channels.list"));
/// assert!(!slack_emulator::introspect::is_retired("conversations.list"));
/// ```
pub fn is_retired(method: &str) -> bool {
    slack_core::method::lookup(method).is_some_and(crate::api::is_retired)
}
