//! OAuth v2 installs for Slack apps: the install flow, where installations and `state`s are
//! kept, and token rotation.
//!
//! - [`OAuthFlow`]: `GET /slack/install` sends the user to Slack's consent page with a
//!   single-use `state`; `GET /slack/oauth_redirect` checks the `state`, exchanges the `code`
//!   through `oauth.v2.access` and stores the [`Installation`], ending on a success or failure
//!   page. It is a hyper service that passes every other request on (to the Events API
//!   receiver, say), so both mount on one server.
//! - [`InstallationStore`] (per team, per enterprise for org-wide installs) and
//!   [`StateStore`], kept in memory ([`MemoryStore`]), in files ([`FileStore`], atomic
//!   writes) or in SQL ([`SqlStore`], SQLite or Postgres through sqlx with the same
//!   queries).
//! - [`Authorizer`]: the right workspace's client for an event, with tokens refreshed through
//!   `oauth.v2.access` (`grant_type=refresh_token`) shortly before they expire — once across
//!   replicas, under a lock in the store — and a call that meets `token_expired` refreshed and
//!   retried once.
//!
//! Client secrets, codes, tokens and refresh tokens are [`Secret`]s: never in `Debug`, logs or
//! errors.
//!
//! ```no_run
//! use std::sync::Arc;
//! use slack_oauth::{Authorizer, FileStore, OAuthFlow, OAuthSettings};
//!
//! # async fn run(web: slack_core::WebClient) -> Result<(), Box<dyn std::error::Error>> {
//! let store = Arc::new(FileStore::new("/var/lib/my-app/slack")?);
//! let settings = OAuthSettings::new("123.456", std::env::var("SLACK_CLIENT_SECRET")?)
//!     .scopes(["chat:write", "app_mentions:read"])
//!     .redirect_uri("https://example.com/slack/oauth_redirect");
//! let authorizer = Authorizer::new(settings.clone(), store.clone(), web);
//! let flow = OAuthFlow::new(settings, store.clone(), store, authorizer.clients().clone());
//! flow.serve("0.0.0.0:3000".parse()?).await?;
//! # Ok(()) }
//! ```
//!
//! # Features
//! | feature | default | what it adds |
//! |---|---|---|
//! | `sqlite` | yes | [`SqlStore`] over SQLite |
//! | `postgres` | no | [`SqlStore`] over Postgres |
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod authorize_url;
mod clients;
mod error;
mod flow;
mod installation;
mod rotation;
mod secret;
mod settings;
mod store;

pub use authorize_url::AuthorizeUrl;
pub use clients::{Clients, Endpoints};
pub use error::{Error, Result};
pub use flow::{FailureReason, NotFound, OAuthFlow};
pub use installation::{Bot, IncomingWebhook, Installation, InstallationKey, UserAuth};
pub use rotation::Authorizer;
pub use secret::Secret;
pub use settings::{Clock, OAuthSettings};
pub use store::file::FileStore;
pub use store::memory::MemoryStore;
#[cfg(feature = "sql")]
pub use store::sql::SqlStore;
pub use store::{BoxFuture, ConsumedState, InstallationStore, StateStore};
