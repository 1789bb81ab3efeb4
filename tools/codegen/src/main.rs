//! `cargo run -p slack-codegen [-- --check] [--stats] [--data DIR]`: write (or check) the
//! generated files of `slack-core`.

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
slack-codegen [--check] [--stats] [--data DIR]
  Writes core/src/generated/{methods,api,responses,api_tests,response_tests}.rs from
  Slack's reference data (tools/codegen/data).
  --check     write nothing; exit 1 if a generated file is stale
  --stats     print counts (methods, arguments by type, …)
  --data DIR  the reference data (default: tools/codegen/data, the vendored copy)";

fn main() -> ExitCode {
    let mut check = false;
    let mut show_stats = false;
    let mut data = slack_codegen::default_data_dir();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--check" => check = true,
            "--stats" => show_stats = true,
            "--data" => match args.next() {
                Some(d) => data = PathBuf::from(d),
                None => {
                    eprintln!("--data needs a directory\n{USAGE}");
                    return ExitCode::FAILURE;
                }
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("unknown argument {other}\n{USAGE}");
                return ExitCode::FAILURE;
            }
        }
    }
    let output = match slack_codegen::generate(&data) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if !output.formatted {
        eprintln!("warning: rustfmt not found; the output is not formatted");
    }
    if show_stats {
        println!("{:#?}", output.stats);
    }
    let root = slack_codegen::workspace_root();
    let mut stale = false;
    for (path, content) in &output.files {
        let full = root.join(path);
        if std::fs::read_to_string(&full).is_ok_and(|current| current == *content) {
            continue;
        }
        if check {
            eprintln!("stale: {}", path.display());
            stale = true;
        } else if let Err(e) = std::fs::write(&full, content) {
            eprintln!("error: {}: {e}", full.display());
            return ExitCode::FAILURE;
        } else {
            println!("wrote {}", path.display());
        }
    }
    if stale {
        eprintln!("run `cargo run -p slack-codegen` and commit the result");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
