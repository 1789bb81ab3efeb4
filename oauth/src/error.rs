//! The crate's errors. None carries a secret.

/// What went wrong in an install, a store or a refresh.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A Web API call (`oauth.v2.access`) failed; `is_retryable` says whether trying again
    /// may help.
    #[error("Slack call failed: {0}")]
    Slack(#[from] slack_core::Error),
    /// Slack's answer lacked something the installation needs (no token at all, no team).
    #[error("unexpected oauth.v2.access answer: {0}")]
    InvalidResponse(&'static str),
    /// The store failed (I/O, SQL, a corrupt record). Retrying may help.
    #[error("installation store: {0}")]
    Store(String),
    /// No installation for this team or enterprise: the app was never installed there, or
    /// was removed.
    #[error("no installation for {0}")]
    NotInstalled(String),
    /// Another replica held the refresh lock for too long and the token is still stale.
    #[error("timed out waiting for another replica to refresh the token of {0}")]
    LockTimeout(String),
}

impl Error {
    /// Whether trying again later may succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Slack(e) => e.is_retryable(),
            Error::Store(_) | Error::LockTimeout(_) => true,
            Error::InvalidResponse(_) | Error::NotInstalled(_) => false,
        }
    }

    pub(crate) fn store(e: impl std::fmt::Display) -> Self {
        Error::Store(e.to_string())
    }
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
