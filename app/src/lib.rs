//! A listener router for Slack apps — events, slash commands, block actions, view
//! submissions, shortcuts, options — that runs the same handlers over Socket Mode or HTTP.
//!
//! Register handlers on an [`App`] by what they answer (`app_mention`, `command("/deploy")`,
//! `action("approve")`, `view_submission("signup")`, …); each gets the typed payload and a
//! [`Context`] (the Web API client, `ack`/`ack_with`, `say`, `respond`). The first matching
//! listener handles a delivery, which is acknowledged exactly once: by the handler, at the
//! listener's deadline ([`AckMode`]), or when the handler returns.
//!
//! # Features
//! | feature | default | what it adds |
//! |---|---|---|
//! | `socket-mode` | yes | `App::socket_mode`: receive over Socket Mode (`slack-socket-mode`) |
//! | `http` | no | `App::http`: receive signed HTTP requests (hyper + tokio), standalone or as a hyper service |
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod app;
mod authorize;
mod context;
#[cfg(feature = "http")]
mod http;
mod listener;
#[cfg(feature = "socket-mode")]
mod socket;

pub use app::{App, AppError, Incoming, IncomingKind};
pub use authorize::AuthorizeQuery;
pub use context::{AckError, AckSink, BoxFuture, Context, Req};
#[cfg(feature = "http")]
pub use http::{HttpApp, DEFAULT_ACK_DEADLINE, DEFAULT_MAX_BODY};
pub use listener::{AckMode, HandlerError, HandlerResult, Listener};
pub use regex::Regex;
#[cfg(feature = "socket-mode")]
pub use socket::SocketModeApp;
