//! The checked-in generated files are what the generator makes from the data, so CI fails on
//! a stale table.
#![allow(clippy::unwrap_used)]

#[test]
fn generated_files_are_up_to_date() {
    let data = slack_codegen::default_data_dir();
    if !data.join("method-coverage.tsv").exists() {
        eprintln!(
            "note: skipped: the reference data is missing at {} (CI checks out ../shared beside \
             the workspace)",
            data.display()
        );
        return;
    }
    let output = slack_codegen::generate(&data).expect("generate");
    if !output.formatted {
        eprintln!("note: skipped: rustfmt is not installed, so the output cannot match");
        return;
    }
    let root = slack_codegen::workspace_root();
    let stale: Vec<String> = output
        .files
        .iter()
        .filter(|(path, content)| {
            std::fs::read_to_string(root.join(path)).ok().as_ref() != Some(content)
        })
        .map(|(path, _)| path.display().to_string())
        .collect();
    assert!(
        stale.is_empty(),
        "stale: {stale:?}; run `cargo run -p slack-codegen` and commit the result"
    );
}

#[test]
fn generation_is_deterministic() {
    let data = slack_codegen::default_data_dir();
    if !data.join("method-coverage.tsv").exists() {
        eprintln!("note: skipped: the reference data is missing");
        return;
    }
    let first = slack_codegen::generate(&data).expect("generate");
    let second = slack_codegen::generate(&data).expect("generate");
    assert_eq!(first, second);
    assert_eq!(first.stats.methods, 368);
}
