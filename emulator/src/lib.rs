//! A local Slack-compatible server to develop and test against: no token, no network,
//! deterministic, and able to break on purpose.
//!
//! - a real HTTP server at `/api/<method>` speaking Slack's wire format (query, form, JSON,
//!   multipart; `Authorization: Bearer` or `token`), with Slack's auth errors
//!   (`not_authed`, `invalid_auth`, `missing_scope` with `needed`/`provided`),
//!   `invalid_arguments`, `unknown_method` and `method_deprecated`;
//! - a stateful workspace (team, users, public/private/IM/MPIM conversations, messages,
//!   threads, edits, deletes, reactions, files v2, remote files, views) answering in Slack's
//!   shapes; every other method checks its required arguments, then answers
//!   `emulator_not_implemented` — never a fake `ok: true`;
//! - Slack-like rate limits per tier and per channel for `chat.postMessage` (429 +
//!   `Retry-After`);
//! - fault injection ([`Fault`]) from code or over `/_emulator/faults`;
//! - RTM over websocket (`rtm.connect`/`rtm.start`), with goodbye, close and silence faults;
//! - signed outgoing interaction requests.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! use slack_emulator::{Emulator, Fault, FaultRule};
//! let emu = Emulator::start().await?;
//! emu.inject(FaultRule::new("chat.postMessage", Fault::DropAfterApply));
//! // point any Slack client at emu.base_url() with emu.bot_token()
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod admin;
mod api;
mod emulator;
mod faults;
mod interaction;
mod ratelimit;
mod rtm;
mod server;
mod state;
mod wire;

pub use emulator::{Emulator, EmulatorBuilder};
pub use faults::{Fault, FaultRule};
pub use ratelimit::RateLimits;
