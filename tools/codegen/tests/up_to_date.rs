//! The checked-in generated files are what the generator makes from the vendored data, so CI
//! fails on a stale table. Nothing here is skipped: the data lives in the repository and a
//! missing `rustfmt` is a failure too.
#![allow(clippy::unwrap_used)]

#[test]
fn generated_files_are_up_to_date() {
    let data = slack_codegen::default_data_dir();
    let output = slack_codegen::generate(&data).expect("generate");
    assert!(
        output.formatted,
        "rustfmt is not installed, so the output cannot be compared (rustup component add rustfmt)"
    );
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
    let first = slack_codegen::generate(&data).expect("generate");
    let second = slack_codegen::generate(&data).expect("generate");
    assert_eq!(first, second);
    assert_eq!(first.stats.methods, 368);
}

#[test]
fn the_data_is_vendored_in_the_repository() {
    let data = slack_codegen::default_data_dir();
    assert!(data.starts_with(slack_codegen::workspace_root()));
    assert!(data.join("method-coverage.tsv").is_file());
    assert!(data
        .join("json-samples/api/chat.postMessage.json")
        .is_file());
}
