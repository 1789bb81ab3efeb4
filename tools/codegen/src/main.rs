//! `cargo run -p slack-codegen [-- --check] [--data DIR]`: write (or check) the generated
//! files of `slack-core`.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut check = false;
    let mut data = slack_codegen::default_data_dir();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--check" => check = true,
            "--data" => match args.next() {
                Some(d) => data = PathBuf::from(d),
                None => {
                    eprintln!("--data needs a directory");
                    return ExitCode::FAILURE;
                }
            },
            "-h" | "--help" => {
                println!("slack-codegen [--check] [--data DIR]\n  writes core/src/generated/*.rs from DIR (default ../shared/data)");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("unknown argument {other}");
                return ExitCode::FAILURE;
            }
        }
    }
    let files = match slack_codegen::generate(&data) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let root = slack_codegen::workspace_root();
    let mut stale = false;
    for (path, content) in files {
        let full = root.join(&path);
        let current = std::fs::read_to_string(&full).unwrap_or_default();
        if current == content {
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
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
