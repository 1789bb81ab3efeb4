//! Generates `slack-core`'s method table and typed requests from Slack's reference data in
//! `../shared/data` (see `cargo run -p slack-codegen -- --help`).
#![forbid(unsafe_code)]

mod data;
mod emit;
pub mod rules;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The workspace root (two levels above this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The default data directory: `<workspace>/../shared/data`.
pub fn default_data_dir() -> PathBuf {
    workspace_root().join("../shared/data")
}

/// Every generated file: path relative to the workspace root, and content.
pub fn generate(data_dir: &Path) -> Result<Vec<(PathBuf, String)>, String> {
    let methods = data::load(data_dir)?;
    let responses = typed_responses()?;
    for name in responses.keys() {
        if !methods.iter().any(|m| &m.name == name) {
            return Err(format!("typed-responses.tsv names unknown method {name}"));
        }
    }
    Ok(vec![
        (
            PathBuf::from("core/src/generated/methods.rs"),
            emit::methods(&methods),
        ),
        (
            PathBuf::from("core/src/generated/api.rs"),
            emit::api(&methods, &responses),
        ),
        (
            PathBuf::from("core/src/generated/api_tests.rs"),
            emit::api_tests(&methods),
        ),
    ])
}

/// `tools/codegen/typed-responses.tsv`: method → hand-written response type.
fn typed_responses() -> Result<BTreeMap<String, String>, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("typed-responses.tsv");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .map(|(m, t)| (m.trim().to_owned(), t.trim().to_owned()))
        .collect())
}
