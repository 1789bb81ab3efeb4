//! The stores: [`InstallationStore`] (installations, and the refresh lock) and
//! [`StateStore`] (install `state`s), with in-memory, file and SQL implementations.

pub(crate) mod file;
pub(crate) mod memory;
#[cfg(feature = "sql")]
pub(crate) mod sql;

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use crate::installation::{Installation, InstallationKey};
use crate::Result;

/// A boxed, sendable future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where installations are kept, readable by every replica, with a lock so that one
/// replica refreshes a token while the others wait.
///
/// ```
/// use slack_oauth::{InstallationKey, InstallationStore, MemoryStore};
/// # async fn run() -> slack_oauth::Result<()> {
/// let store = MemoryStore::default();
/// assert!(store.find_installation(&InstallationKey::team("T1")).await?.is_none());
/// assert!(store.try_lock("refresh:-:T1", "replica-a", 100, 30).await?);
/// assert!(!store.try_lock("refresh:-:T1", "replica-b", 101, 30).await?);
/// store.unlock("refresh:-:T1", "replica-a").await?;
/// # Ok(()) }
/// ```
pub trait InstallationStore: Send + Sync + fmt::Debug {
    /// Save (insert or replace) an installation under [`Installation::key`].
    fn save_installation<'a>(&'a self, installation: &'a Installation)
        -> BoxFuture<'a, Result<()>>;
    /// The installation stored under `key`, if any.
    fn find_installation<'a>(
        &'a self,
        key: &'a InstallationKey,
    ) -> BoxFuture<'a, Result<Option<Installation>>>;
    /// Forget the installation under `key` (the app was uninstalled).
    fn delete_installation<'a>(&'a self, key: &'a InstallationKey) -> BoxFuture<'a, Result<()>>;
    /// Take the lock `name` for `holder` until `now + ttl` (Unix seconds): `true` when taken
    /// (free, expired, or already this holder's), `false` when another holder has it.
    fn try_lock<'a>(
        &'a self,
        name: &'a str,
        holder: &'a str,
        now: u64,
        ttl: u64,
    ) -> BoxFuture<'a, Result<bool>>;
    /// Release the lock `name` if `holder` has it.
    fn unlock<'a>(&'a self, name: &'a str, holder: &'a str) -> BoxFuture<'a, Result<()>>;
}

/// What [`StateStore::consume_state`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConsumedState {
    /// Issued here and not used yet; now used. `team`: the team hint it was issued with.
    Valid {
        /// The team hint.
        team: Option<String>,
    },
    /// Issued here, but too long ago (now removed).
    Expired,
    /// Never issued here, or already used.
    Unknown,
}

/// Where install `state`s are kept between `/slack/install` and the redirect: each is
/// valid until it expires, and once.
///
/// ```
/// use slack_oauth::{ConsumedState, MemoryStore, StateStore};
/// # async fn run() -> slack_oauth::Result<()> {
/// let store = MemoryStore::default();
/// store.save_state("s1", None, 1600).await?;
/// assert_eq!(store.consume_state("s1", 1000).await?, ConsumedState::Valid { team: None });
/// assert_eq!(store.consume_state("s1", 1000).await?, ConsumedState::Unknown);
/// # Ok(()) }
/// ```
pub trait StateStore: Send + Sync + fmt::Debug {
    /// Keep `state` (with the install's team hint) until `expires_at` (Unix seconds).
    fn save_state<'a>(
        &'a self,
        state: &'a str,
        team: Option<&'a str>,
        expires_at: u64,
    ) -> BoxFuture<'a, Result<()>>;
    /// Use `state` up: valid at most once, and only before it expires.
    fn consume_state<'a>(
        &'a self,
        state: &'a str,
        now: u64,
    ) -> BoxFuture<'a, Result<ConsumedState>>;
}

/// Whether `s` is safe as a file name or key part (ids, states: letters, digits, `-`, `_`,
/// `:`, `.`).
pub(crate) fn is_plain(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 200
        && !s.starts_with('.')
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.'))
}
