//! Running generated source through `rustfmt`, so the checked-in files are what `cargo fmt`
//! would make of them and the output does not depend on how the emitters lay it out.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// `source` formatted by `rustfmt --edition 2021` (the program named by `$RUSTFMT`, else
/// `rustfmt` on the `PATH`), run in `dir` so a `rustfmt.toml` there applies as it does for
/// `cargo fmt`.
///
/// `Ok(None)` when rustfmt cannot be started; an error when it rejects the source (a bug in
/// the generator).
pub fn format(source: &str, dir: &Path) -> Result<Option<String>, String> {
    let program = std::env::var_os("RUSTFMT").unwrap_or_else(|| "rustfmt".into());
    let child = Command::new(&program)
        .args(["--edition", "2021", "--emit", "stdout"])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        return Ok(None);
    };
    let mut stdin = child.stdin.take().ok_or("rustfmt: no stdin")?;
    let input = source.to_owned();
    // Write from another thread so a full stdout pipe cannot block the write.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child
        .wait_with_output()
        .map_err(|e| format!("rustfmt: {e}"))?;
    // A rejected source may close the pipe early: report rustfmt's own error first.
    if !output.status.success() {
        return Err(format!(
            "rustfmt rejected the generated source: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    match writer.join() {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Err(format!("rustfmt: writing its input: {e}")),
        Err(_) => return Err("rustfmt: the writer thread panicked".into()),
    }
    String::from_utf8(output.stdout)
        .map(Some)
        .map_err(|e| format!("rustfmt: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_or_reports_absence() {
        let dir = std::env::temp_dir();
        match format("fn  main( ){let x=1;}", &dir) {
            Ok(Some(out)) => assert_eq!(out, "fn main() {\n    let x = 1;\n}\n"),
            Ok(None) => eprintln!("note: rustfmt is not installed; formatting not tested"),
            Err(e) => panic!("{e}"),
        }
        if let Ok(Some(_)) = format("fn main() {}", &dir) {
            assert!(format("fn main( {", &dir).is_err());
        }
    }
}
