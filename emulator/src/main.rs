//! `slack-emulator [--port N] [--rate-limits slack-like|off] [--signing-secret S]
//! [--interaction-url URL] [--max-body-bytes N]`: serve a local Slack until Ctrl-C.

use std::process::ExitCode;

use slack_emulator::{Emulator, RateLimits};

const USAGE: &str = "usage: slack-emulator [--port N] [--rate-limits slack-like|off] \
[--signing-secret SECRET] [--interaction-url URL] [--max-body-bytes N]";

#[tokio::main]
async fn main() -> ExitCode {
    let mut builder = Emulator::builder().rate_limits(RateLimits::SlackLike);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) => (f.to_owned(), Some(v.to_owned())),
            None => (a.clone(), None),
        };
        let mut value = || inline.clone().or_else(|| args.next());
        builder = match flag.as_str() {
            "--port" => match value().and_then(|p| p.parse().ok()) {
                Some(p) => builder.port(p),
                None => return usage("--port needs a number"),
            },
            "--rate-limits" => match value().as_deref() {
                Some("slack-like" | "slack_like" | "slacklike") => {
                    builder.rate_limits(RateLimits::SlackLike)
                }
                Some("off") => builder.rate_limits(RateLimits::Off),
                _ => return usage("--rate-limits takes slack-like or off"),
            },
            "--signing-secret" => match value() {
                Some(s) => builder.signing_secret(s),
                None => return usage("--signing-secret needs a value"),
            },
            "--interaction-url" => match value() {
                Some(u) => builder.interaction_url(u),
                None => return usage("--interaction-url needs a URL"),
            },
            "--max-body-bytes" => match value().and_then(|n| n.parse().ok()) {
                Some(n) => builder.max_body_bytes(n),
                None => return usage("--max-body-bytes needs a number"),
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => return usage(&format!("unknown argument {other}")),
        };
    }
    let emu = match builder.start().await {
        Ok(e) => e,
        Err(e) => {
            eprintln!("slack-emulator: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("slack-emulator listening on {}", emu.base_url());
    println!("bot token: {}", emu.bot_token());
    println!("user token: {}", emu.user_token());
    println!("admin: http://{}/_emulator/info", emu.addr());
    match tokio::signal::ctrl_c().await {
        Ok(()) => println!("slack-emulator: stopping"),
        Err(e) => eprintln!("slack-emulator: cannot wait for Ctrl-C ({e}); stopping"),
    }
    emu.shutdown().await;
    ExitCode::SUCCESS
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("slack-emulator: {problem}\n{USAGE}");
    ExitCode::from(2)
}
