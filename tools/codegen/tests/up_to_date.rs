//! The checked-in generated files match what the generator makes from the data.
#![allow(clippy::unwrap_used)]

#[test]
fn generated_files_are_up_to_date() {
    let data = slack_codegen::default_data_dir();
    assert!(
        data.join("method-coverage.tsv").exists(),
        "the reference data is missing at {}; CI runs with ../shared beside the checkout",
        data.display()
    );
    let root = slack_codegen::workspace_root();
    for (path, content) in slack_codegen::generate(&data).expect("generate") {
        let current = std::fs::read_to_string(root.join(&path)).unwrap_or_default();
        assert!(
            current == content,
            "{} is stale: run `cargo run -p slack-codegen`",
            path.display()
        );
    }
}
