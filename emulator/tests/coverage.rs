//! How much of the Web API the emulator models, held in place.
//!
//! `tests/not_modelled.txt` lists every current method (the method table, less the retired
//! families that answer `method_deprecated`) the emulator does not model. The list may only
//! shrink: a method neither modelled nor listed fails (a method was dropped, or the table
//! grew), and so does a listed method that is modelled (delete its line). Both READMEs show
//! the count ("models N of M current methods"), checked here too.

use std::collections::BTreeSet;
use std::path::Path;

use slack_emulator::introspect::{is_retired, modelled_methods};

fn read(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The names in `not_modelled.txt`, in file order.
fn listed() -> Vec<String> {
    read("tests/not_modelled.txt")
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Current (not retired) methods of the table.
fn current() -> BTreeSet<&'static str> {
    slack_core::method::all()
        .iter()
        .map(|m| m.name)
        .filter(|m| !is_retired(m))
        .collect()
}

/// `(modelled, current)` counts.
fn coverage() -> (usize, usize) {
    let current = current();
    let modelled = modelled_methods()
        .iter()
        .filter(|m| current.contains(*m))
        .count();
    (modelled, current.len())
}

fn coverage_line() -> String {
    let (n, m) = coverage();
    format!("models {n} of {m} current methods")
}

#[test]
fn the_not_modelled_list_only_shrinks() {
    let current = current();
    let modelled: BTreeSet<&str> = modelled_methods().iter().copied().collect();
    let listed = listed();
    let listed_set: BTreeSet<&str> = listed.iter().map(String::as_str).collect();
    let mut problems = Vec::new();
    let grew: Vec<&str> = current
        .iter()
        .copied()
        .filter(|m| !modelled.contains(m) && !listed_set.contains(m))
        .collect();
    if !grew.is_empty() {
        problems.push(format!(
            "not modelled and not in tests/not_modelled.txt (model them; the list only shrinks): {grew:?}"
        ));
    }
    let done: Vec<&str> = listed_set
        .iter()
        .copied()
        .filter(|m| modelled.contains(m))
        .collect();
    if !done.is_empty() {
        problems.push(format!(
            "modelled now, delete from tests/not_modelled.txt: {done:?}"
        ));
    }
    let stray: Vec<&str> = listed_set
        .iter()
        .copied()
        .filter(|m| !current.contains(m))
        .collect();
    if !stray.is_empty() {
        problems.push(format!(
            "not current methods of the table (unknown or retired): {stray:?}"
        ));
    }
    let mut sorted = listed.clone();
    sorted.sort();
    sorted.dedup();
    if sorted != listed {
        problems.push("tests/not_modelled.txt must be sorted, without duplicates".into());
    }
    println!("the emulator {}", coverage_line());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn modelled_methods_are_current_methods() {
    let current = current();
    let wrong: Vec<&str> = modelled_methods()
        .iter()
        .copied()
        .filter(|m| !current.contains(m))
        .collect();
    assert!(
        wrong.is_empty(),
        "modelled but retired or missing from the method table: {wrong:?}"
    );
}

#[test]
fn the_readmes_show_the_coverage() {
    let line = coverage_line();
    for readme in ["README.md", "../README.md"] {
        let text = read(readme);
        assert!(
            text.contains(&line),
            "{readme} should say the emulator \"{line}\" (update the coverage line)"
        );
    }
}

#[test]
fn retired_families_are_not_counted() {
    let current = current();
    assert!(!current.contains("channels.history"));
    assert!(!current.contains("files.upload"));
    assert!(current.contains("conversations.history"));
    let (n, m) = coverage();
    assert!(n > 0 && n <= m, "{n} of {m}");
    assert!(m < slack_core::method::all().len());
}
