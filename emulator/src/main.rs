//! `slack-emulator [--port N] [--rate-limits slack-like|off] [--signing-secret S]
//! [--interaction-url URL] [--event-request-url URL] [--command-url URL]
//! [--max-body-bytes N] [--seed N] [--seed-file FILE] [--persist FILE]`: serve a local Slack until Ctrl-C. Prints
//! ready-to-paste `export` lines; the tokens depend only on `--seed` (default 1), not on the
//! port. The app is in Socket Mode unless `--event-request-url` is given (HTTP mode).
//! `--seed-file` starts from a saved workspace (`GET /_emulator/state`); `--persist` keeps
//! the workspace in a file across restarts and crashes.

use std::process::ExitCode;

use slack_emulator::{Emulator, RateLimits};

const USAGE: &str = "usage: slack-emulator [--port N] [--rate-limits slack-like|off] \
[--signing-secret SECRET] [--interaction-url URL] [--event-request-url URL] \
[--command-url URL] [--max-body-bytes N] [--seed N] [--seed-file FILE] [--persist FILE]";

/// The binary's default seed: the same tokens on every run, whatever the port.
const DEFAULT_SEED: u64 = 1;

#[tokio::main]
async fn main() -> ExitCode {
    let mut builder = Emulator::builder()
        .rate_limits(RateLimits::SlackLike)
        .seed(DEFAULT_SEED);
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
            "--event-request-url" => match value() {
                Some(u) => builder.event_request_url(u),
                None => return usage("--event-request-url needs a URL"),
            },
            "--command-url" => match value() {
                Some(u) => builder.command_url(u),
                None => return usage("--command-url needs a URL"),
            },
            "--seed" => match value().and_then(|n| n.parse().ok()) {
                Some(n) => builder.seed(n),
                None => return usage("--seed needs a number"),
            },
            "--seed-file" => match value() {
                Some(p) => builder.seed_file(p),
                None => return usage("--seed-file needs a path"),
            },
            "--persist" => match value() {
                Some(p) => builder.persist(p),
                None => return usage("--persist needs a path"),
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
    print!("{}", banner(&emu));
    match tokio::signal::ctrl_c().await {
        Ok(()) => println!("slack-emulator: stopping"),
        Err(e) => eprintln!("slack-emulator: cannot wait for Ctrl-C ({e}); stopping"),
    }
    emu.shutdown().await;
    ExitCode::SUCCESS
}

/// What the binary prints once it listens: the URL, the rate-limit mode, and `export` lines
/// to paste into the shell that runs the bot.
fn banner(emu: &Emulator) -> String {
    let limits = match emu.rate_limits() {
        RateLimits::Off => "rate limits: off (turn on with --rate-limits slack-like)".to_owned(),
        RateLimits::SlackLike => {
            "rate limits: slack-like (Slack's tiers and 429s; turn off with --rate-limits off)"
                .to_owned()
        }
        RateLimits::Custom {
            tiers,
            post_message_per_minute,
        } => format!(
            "rate limits: custom (tiers {tiers:?} per minute, chat.postMessage \
             {post_message_per_minute}/min per channel; turn off with --rate-limits off)"
        ),
        _ => "rate limits: on".to_owned(),
    };
    format!(
        "slack-emulator listening on {url}\n{limits}\nadmin: http://{addr}/_emulator/info\n\n\
         # paste into the shell that runs your bot:\n\
         export SLACK_API_URL={url}\n\
         export SLACK_BOT_TOKEN={bot}\n\
         export SLACK_USER_TOKEN={user}\n\
         export SLACK_APP_TOKEN={app}\n\n",
        url = emu.base_url(),
        addr = emu.addr(),
        bot = emu.bot_token(),
        user = emu.user_token(),
        app = emu.app_token(),
    )
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("slack-emulator: {problem}\n{USAGE}");
    ExitCode::from(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The banner tells the mode the emulator runs in, changed at run time included.
    #[tokio::test]
    async fn banner_reads_the_running_mode() {
        let emu = Emulator::builder()
            .rate_limits(RateLimits::SlackLike)
            .start()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(banner(&emu).contains("rate limits: slack-like"));
        emu.set_rate_limits(RateLimits::Custom {
            tiers: [1, 2, 3, 4],
            post_message_per_minute: 5,
        });
        assert!(banner(&emu).contains("custom (tiers [1, 2, 3, 4]"));
        emu.set_rate_limits(RateLimits::Off);
        assert!(banner(&emu).contains("rate limits: off"));
        emu.shutdown().await;
    }
}
