//! A local Slack-compatible server to develop and test against: no token, no network,
//! deterministic, and able to break on purpose. Any Slack client pointed at its
//! [`base_url`](Emulator::base_url) works.
//!
//! - **Web API** at `/api/<method>` in Slack's wire format: query strings and form, JSON or
//!   multipart bodies; the token as `Authorization: Bearer` or a `token` argument; Slack's
//!   answers (`not_authed`, `invalid_auth`, `missing_scope` with `needed`/`provided`,
//!   `invalid_arguments` with `response_metadata.messages`, `unknown_method`,
//!   `method_deprecated` for retired families, `invalid_json`, `invalid_form_data`,
//!   `invalid_post_type`, HTTP 413 `request_too_large`).
//! - **A stateful workspace** (team, the bot and three humans, public/private/IM/MPIM
//!   conversations) answering in Slack's shapes: messages with increasing `ts`, threads,
//!   broadcasts, edits, deletes, reactions, conversations, users, files v2 (upload URL served
//!   by the emulator), remote files, views with `hash` conflicts, `rtm.connect`. Every other
//!   method of the method table checks its required arguments, then answers
//!   `emulator_not_implemented` — never a fake `ok: true`.
//! - **Rate limits** like Slack's ([`RateLimits`]): per tier, and per channel for
//!   `chat.postMessage`, answering 429 with `Retry-After`.
//! - **Fault injection** ([`Fault`], [`FaultRule`], [`Faults`]) from code or over
//!   [`/_emulator/faults`](admin).
//! - **RTM over websocket** with `hello`, acks, events from the Web API, `typing`,
//!   `ping`/`pong`, and faults ([`RtmControl`]).
//! - **Signed outgoing interactions** ([`Emulator::send_interaction`]).
//! - An **admin API** under [`/_emulator/`](admin) for clients in any language.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! use slack_emulator::{Emulator, Fault, FaultRule, RateLimits};
//! let emu = Emulator::builder().rate_limits(RateLimits::SlackLike).start().await?;
//! emu.faults()
//!     .inject(FaultRule::new("chat.postMessage", Fault::DropAfterApply));
//! // point any Slack client at emu.base_url() with emu.bot_token()
//! let general = emu.channel_id("general").expect("seeded");
//! let messages = emu.messages(&general);
//! # Ok(()) }
//! ```
//!
//! The binary (`cargo run -p slack-emulator -- --port 0 --rate-limits slack-like`) prints
//! its base URL and bot token and serves until Ctrl-C.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

pub mod admin;
mod api;
mod config;
mod emulator;
mod faults;
mod interaction;
mod ratelimit;
mod rtm;
mod server;
mod state;
mod wire;

pub use config::{EmulatorBuilder, DEFAULT_MAX_BODY_BYTES, DEFAULT_SIGNING_SECRET};
pub use emulator::Emulator;
pub use faults::{Fault, FaultRule, Faults};
pub use interaction::InteractionError;
pub use ratelimit::RateLimits;
pub use rtm::RtmControl;
