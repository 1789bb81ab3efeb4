//! The standalone binary: ready-to-paste `export` lines, the rate-limit mode, and tokens that
//! do not change with the port.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// Start the binary and read its banner (up to the blank line after the exports).
fn banner(args: &[&str]) -> (Child, Vec<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_slack-emulator"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let mut lines = Vec::new();
    let mut exports = 0;
    for line in BufReader::new(out).lines() {
        let line = line.unwrap();
        if line.starts_with("export ") {
            exports += 1;
        }
        let done = exports > 0 && line.is_empty();
        lines.push(line);
        if done || lines.len() > 50 {
            break;
        }
    }
    (child, lines)
}

fn export(lines: &[String], name: &str) -> String {
    let prefix = format!("export {name}=");
    lines
        .iter()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no {name} in {lines:#?}"))
        .to_owned()
}

#[test]
fn prints_exports_and_the_rate_limit_mode_with_stable_tokens() {
    let (mut a, first) = banner(&["--port", "0"]);
    let (mut b, second) = banner(&["--port", "0", "--rate-limits", "off"]);
    a.kill().unwrap();
    b.kill().unwrap();
    let _ = a.wait();
    let _ = b.wait();

    let url_a = export(&first, "SLACK_API_URL");
    let url_b = export(&second, "SLACK_API_URL");
    assert!(
        url_a.starts_with("http://127.0.0.1:") && url_a.ends_with("/api/"),
        "{url_a}"
    );
    assert_ne!(url_a, url_b, "two servers, two ports");
    // Same tokens whatever the port.
    assert_eq!(
        export(&first, "SLACK_BOT_TOKEN"),
        export(&second, "SLACK_BOT_TOKEN")
    );
    assert!(export(&first, "SLACK_BOT_TOKEN").starts_with("xoxb-"));
    assert!(export(&first, "SLACK_APP_TOKEN").starts_with("xapp-1-A"));
    assert_eq!(
        export(&first, "SLACK_APP_TOKEN"),
        export(&second, "SLACK_APP_TOKEN")
    );
    assert_eq!(
        export(&first, "SLACK_USER_TOKEN"),
        export(&second, "SLACK_USER_TOKEN")
    );
    // The rate-limit mode is said, with the flag that changes it.
    assert!(
        first
            .iter()
            .any(|l| l.contains("slack-like") && l.contains("--rate-limits off")),
        "{first:#?}"
    );
    assert!(
        second.iter().any(|l| l.starts_with("rate limits: off")),
        "{second:#?}"
    );
}

#[test]
fn another_seed_gives_other_tokens() {
    let (mut a, one) = banner(&["--port", "0", "--seed", "7"]);
    let (mut b, two) = banner(&["--port", "0"]);
    a.kill().unwrap();
    b.kill().unwrap();
    let _ = a.wait();
    let _ = b.wait();
    assert_ne!(
        export(&one, "SLACK_BOT_TOKEN"),
        export(&two, "SLACK_BOT_TOKEN")
    );
}
