//! `cargo run -p slack-emulator -- [--port N] [--rate-limits slack-like|off]`

use std::process::ExitCode;

use slack_emulator::{Emulator, RateLimits};

#[tokio::main]
async fn main() -> ExitCode {
    let mut port = 0u16;
    let mut limits = RateLimits::SlackLike;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--port" => match args.next().and_then(|p| p.parse().ok()) {
                Some(p) => port = p,
                None => {
                    eprintln!("--port needs a number");
                    return ExitCode::FAILURE;
                }
            },
            "--rate-limits" => match args.next().as_deref() {
                Some("slack-like") => limits = RateLimits::SlackLike,
                Some("off") => limits = RateLimits::Off,
                _ => {
                    eprintln!("--rate-limits takes slack-like or off");
                    return ExitCode::FAILURE;
                }
            },
            "-h" | "--help" => {
                println!("slack-emulator [--port N] [--rate-limits slack-like|off]");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("unknown argument {other}");
                return ExitCode::FAILURE;
            }
        }
    }
    let emu = match Emulator::builder()
        .port(port)
        .rate_limits(limits)
        .start()
        .await
    {
        Ok(e) => e,
        Err(e) => {
            eprintln!("cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("slack-emulator listening on {}", emu.base_url());
    println!("bot token: {}", emu.bot_token());
    println!("user token: {}", emu.user_token());
    let _ = tokio::signal::ctrl_c().await;
    emu.shutdown().await;
    ExitCode::SUCCESS
}
