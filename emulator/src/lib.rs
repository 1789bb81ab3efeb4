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
//! - **People, groups and search**: profiles and statuses, presence, user groups, pins,
//!   bookmarks, stars, `reactions.list`, custom emoji, `team.*`, `bots.info`, `auth.revoke`,
//!   read marks, Slack Connect invites, streamed messages, unfurls, `dialog.open`, and
//!   `search.messages`/`files`/`all` with Slack's query syntax over a word index kept
//!   current as messages change; with the events Slack emits (`user_change`,
//!   `presence_change`, `subteam_*`, `pin_added`, …).
//! - **Rate limits** like Slack's ([`RateLimits`]): per tier, and per channel for
//!   `chat.postMessage`, answering 429 with `Retry-After`.
//! - **Fault injection** ([`Fault`], [`FaultRule`], [`Faults`]) from code or over
//!   [`/_emulator/faults`](admin).
//! - **RTM over websocket** with `hello`, acks, events from the Web API, `typing`,
//!   `ping`/`pong`, and faults ([`RtmControl`]).
//! - **Signed outgoing interactions** ([`Emulator::send_interaction`]).
//! - **Socket Mode and the Events API**: the app receives events, slash commands and
//!   interactions over a websocket or as signed HTTP requests (below).
//! - **OAuth v2 installs**: a consent page at `/oauth/v2/authorize` (Allow/Deny, or
//!   [`Emulator::oauth`] from code), `oauth.v2.access` (code exchange with client checks,
//!   `grant_type=refresh_token`) and `oauth.v2.exchange`, issuing rotating `xoxe.xoxb-…`
//!   tokens that expire on the emulator's clock (`token_expired`) with single-use refresh
//!   tokens ([`OAuthControl`]).
//! - An **admin API** under [`/_emulator/`](admin) for clients in any language.
//! - A **web page** at `/` (for a browser): conversations, threads, reactions, files,
//!   users, the request log and the events delivered per connection (secrets redacted),
//!   and controls for faults, rate limits and the clock, updated live over Server-Sent
//!   Events (`/_emulator/live`).
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
//! # Socket Mode and the Events API
//!
//! The workspace has an app (`A…`, [`Emulator::app_id`]) with an app-level token
//! (`xapp-1-…`, [`Emulator::app_token`]). The app is in one of two modes, chosen by
//! [`EmulatorBuilder::app_mode`] (as in Slack, never both):
//!
//! - **Socket Mode** (the default). `apps.connections.open` with the app token (in the
//!   `Authorization` header; any other token gets `not_allowed_token_type`, and the app
//!   token works for no other method; Tier 1 rate limit) answers a single-use
//!   `ws://127.0.0.1:PORT/link/?ticket=…&app_id=…`. The connection gets `hello` (with
//!   `num_connections`), then envelopes `{"envelope_id","payload","type",
//!   "accepts_response_payload","retry_attempt","retry_reason"}` spread round robin over the
//!   app's open connections. An ack `{"envelope_id","payload"?}` is taken on any of them; an
//!   envelope not acknowledged within [`EmulatorBuilder::socket_mode_ack_timeout`] (3 s) is
//!   sent again, on another connection when there is one, with `retry_attempt` + 1 and
//!   `retry_reason: "timeout"`, up to 3 times, then given up. The emulator can send
//!   `disconnect` (`refresh_requested`, `warning`, `link_disabled`) and close after a grace
//!   period, go silent, or drop connections ([`SocketModeControl`]).
//! - **HTTP** ([`AppMode::Http`], or [`EmulatorBuilder::event_request_url`]): each
//!   `event_callback` is POSTed as JSON to the request URL, signed (`X-Slack-Signature`);
//!   an answer other than 2xx within [`EmulatorBuilder::events_api_timeout`] (3 s) is
//!   retried with `X-Slack-Retry-Num` 1–3 and `X-Slack-Retry-Reason` (`http_error`,
//!   `http_timeout`, `connection_failed`) after [`EmulatorBuilder::events_api_retry_delays`]
//!   (at once, 1 min, 5 min). `url_verification` on demand; slash commands as signed forms
//!   to [`EmulatorBuilder::command_url`] ([`EventsApiControl`]).
//!
//! What is delivered: `event_callback`s (`token`, `team_id`, `api_app_id`, `event`,
//! `event_id` `Ev…`, `event_time`, `authorizations`, `is_ext_shared_channel`,
//! `event_context`) for messages (with `message_changed`, `message_deleted`, thread
//! broadcasts; the bot's own too, with `bot_id` and `bot_profile`: the app filters them),
//! `app_mention` when someone else's message mentions `<@bot>`, `reaction_added` and
//! `reaction_removed`, `member_joined_channel`, `channel_created`, and other workspace
//! events, in conversations the bot is in; plus any event injected. In Socket Mode events
//! are made only while a connection is open (Slack drops them for an absent app); injected
//! envelopes wait for the next connection. Slash commands (`slash_commands`, accepting a
//! response payload) and interactions (`interactive`: `block_actions`, `shortcut`,
//! `message_action`, `view_submission` and `block_suggestion` accepting a response,
//! `view_closed`) are injected from code or `/_emulator/socket_mode/*`, with fresh
//! `trigger_id`s ([`Emulator::trigger_ids`]) and a `response_url` on the emulator.
//!
//! What the app answers is applied and recorded ([`Emulator::responses`]): a command's ack
//! payload or HTTP answer, or a POST to its `response_url`, with
//! `"response_type":"in_channel"` is posted in the channel by the bot, otherwise it is
//! ephemeral (sent to the user's RTM connections only); `replace_original` and
//! `delete_original` change the message an interaction came from; a `view_submission`
//! answer's `response_action` (`update`, `push`, `clear`, `errors`) changes the stored
//! views.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use slack_emulator::{DisconnectReason, Emulator};
//! let emu = Emulator::builder()
//!     .socket_mode_ack_timeout(Duration::from_millis(200))
//!     .start()
//!     .await?;
//! // The app under test: apps.connections.open with emu.app_token(), then the websocket.
//! let envelope_id = emu.socket_mode().slash_command("/deploy", "api", "ada")?;
//! emu.post_as("grace", "general", "hi <@bot>")?;
//! // … later:
//! assert!(emu.socket_mode().acks().iter().any(|a| a.envelope_id == envelope_id));
//! emu.socket_mode().disconnect(DisconnectReason::RefreshRequested);
//! # Ok(()) }
//! ```
//!
//! The binary (`cargo run -p slack-emulator -- --port 0 --rate-limits slack-like`) prints
//! its base URL and bot, user and app tokens and serves until Ctrl-C.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

pub mod admin;
mod api;
mod app;
mod clock;
mod config;
mod due;
mod emulator;
mod faults;
#[doc(hidden)]
pub mod fuzzing;
mod interaction;
#[doc(hidden)]
pub mod introspect;
mod oauth;
mod persist;
mod ratelimit;
mod rtm;
mod server;
mod state;
mod web;
mod wire;

pub use app::{
    AppError, AppMode, AppResponse, DisconnectReason, EventsApiControl, HttpDelivery, ResponseVia,
    SlashCommand, SocketAck, SocketDelivery, SocketModeControl,
};
pub use clock::{ClockControl, ClockError};
pub use config::{EmulatorBuilder, DEFAULT_MAX_BODY_BYTES, DEFAULT_SIGNING_SECRET};
pub use emulator::Emulator;
pub use faults::{Fault, FaultRule, Faults};
pub use interaction::InteractionError;
pub use oauth::{
    AuthorizeError, OAuthControl, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_TOKEN_LIFETIME,
};
pub use ratelimit::RateLimits;
pub use rtm::RtmControl;
