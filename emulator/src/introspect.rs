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
    crate::api::MODELLED
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
