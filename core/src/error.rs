//! The error type of every Web API call.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};

use crate::response::SlackResponse;
use crate::transport::{RedactedHeaders, TransportError};
use crate::util::excerpt;

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a Web API call failed.
///
/// Ask [`Error::is_retryable`], [`Error::retry_after`] and [`Error::api_code`] rather than
/// matching every variant; new variants may be added. No variant's `Display` or `Debug`
/// contains a token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Slack answered HTTP 200 with `"ok": false`. Retrying helps only for transient codes
    /// (`fatal_error`, `internal_error`, `service_unavailable`, `ratelimited`, …).
    #[error("{0}")]
    Api(Box<ApiError>),
    /// Slack (or a proxy) answered with a non-success HTTP status other than 429.
    /// 5xx statuses are transient; 4xx are not.
    #[error("{0}")]
    Http(Box<HttpError>),
    /// The method's rate limit was hit: HTTP 429, or `ok:false` with `ratelimited` (or
    /// `rate_limited`). Nothing was applied; retry after [`Error::retry_after`].
    #[error("{method}: rate limited{}", fmt_retry_after(*.retry_after))]
    RateLimited {
        /// The method called.
        method: String,
        /// The `Retry-After` Slack asked for, when given.
        retry_after: Option<Duration>,
        /// The whole response.
        response: Box<SlackResponse>,
    },
    /// The request could not be completed below HTTP. See [`TransportError::maybe_sent`].
    #[error("{method}: {source}")]
    Transport {
        /// The method called.
        method: String,
        /// The transport's error.
        #[source]
        source: TransportError,
    },
    /// A call that changes something (`chat.postMessage`, `files.completeUploadExternal`, …)
    /// failed in a way that leaves unknown whether Slack applied it, so it was not re-sent:
    /// the request may have been sent before the connection broke or the per-attempt timeout
    /// fired, Slack answered HTTP 5xx, `ok:false` with `fatal_error`, `internal_error` or
    /// `service_unavailable` (Slack documents that part of the operation may have
    /// succeeded), or a 2xx whose body is cut off or not JSON.
    ///
    /// Never retryable as it stands: sending again may apply the change twice. Look first
    /// (`conversations.history`, `files.info`, …) before sending again. The failure
    /// itself is [`source`](Error::OutcomeUnknown::source) (also through
    /// [`std::error::Error::source`]); the queries of this error do not forward to it.
    #[error("{method}: outcome unknown, the request may have been applied: {source}")]
    OutcomeUnknown {
        /// The method called.
        method: String,
        /// The failure that left the outcome unknown: [`Error::Transport`], [`Error::Http`],
        /// [`Error::Api`] or [`Error::Decode`].
        #[source]
        source: Box<Error>,
    },
    /// The body was not the JSON Slack sends (an HTML error page, truncated JSON, a shape the
    /// typed model cannot hold). Carries a short excerpt and the whole body.
    #[error("{0}")]
    Decode(Box<DecodeError>),
    /// The request was refused before sending: a missing or malformed argument, a limit
    /// exceeded, an empty token. Never retryable.
    #[error("invalid request: {field}: {reason}")]
    Validation {
        /// The argument or setting at fault.
        field: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Pagination stopped: the server handed back a `next_cursor` it had already given for
    /// this stream, so following it would loop for ever. The pages before it were delivered;
    /// retrying does not help (report it to whoever runs the server).
    #[error("{method}: the server repeated the cursor {cursor:?}; pagination stopped")]
    RepeatedCursor {
        /// The method paged.
        method: String,
        /// The cursor seen twice.
        cursor: String,
    },
    /// The call's total time budget ran out before a final answer.
    #[error("{method}: gave up after {elapsed:?} (time budget exhausted)")]
    Timeout {
        /// The method called.
        method: String,
        /// Time spent on the call.
        elapsed: Duration,
    },
    /// The proactive rate limiter's next slot for this call starts later than the call's
    /// time budget allows, so the call failed at once without sending anything (nothing was
    /// applied). Retrying after [`Error::retry_after`] (the wait) can succeed; a larger
    /// budget (`RetryPolicy::budget`) lets the call wait instead.
    #[error("{method}: the rate limiter's next slot is {wait:?} away, past the {remaining:?} left of the time budget; nothing was sent")]
    RateLimitWait {
        /// The method called.
        method: String,
        /// How long the call would have had to wait for its slot.
        wait: Duration,
        /// What was left of the call's time budget.
        remaining: Duration,
    },
    /// `files_upload_v2`: a file's bytes did not reach the upload URL, and its content is a
    /// stream or `AsyncRead` that cannot be read a second time, so the transfer was not
    /// retried (content from bytes or a path is). Nothing was shared. Not retryable as it
    /// stands: upload again with a fresh reader.
    #[error("upload of {filename} failed and its content (a stream or reader) cannot be read again, so it was not retried: {source}")]
    UploadNotRepeatable {
        /// The file's name.
        filename: String,
        /// Why the transfer failed.
        #[source]
        source: Box<Error>,
    },
}

fn fmt_retry_after(d: Option<Duration>) -> String {
    match d {
        Some(d) => format!(" (retry after {}s)", d.as_secs_f64()),
        None => String::new(),
    }
}

impl Error {
    /// A validation error.
    pub fn validation(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Validation {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// Whether sending the same request again later may succeed and is safe: transport
    /// failures of requests that were not sent or are idempotent, 429, 5xx and Slack's
    /// transient error codes of calls that are safe to repeat.
    ///
    /// Never true for [`Error::OutcomeUnknown`]: the first attempt may have been applied, and
    /// a blind re-send could apply it twice.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => e.code.is_transient(),
            Error::Http(e) => e.status.is_server_error(),
            Error::RateLimited { .. }
            | Error::Transport { .. }
            | Error::Timeout { .. }
            | Error::RateLimitWait { .. } => true,
            Error::OutcomeUnknown { .. }
            | Error::Decode(_)
            | Error::Validation { .. }
            | Error::RepeatedCursor { .. }
            | Error::UploadNotRepeatable { .. } => false,
        }
    }

    /// Whether the call may have been applied although it failed ([`Error::OutcomeUnknown`]).
    /// Do not send it again without checking.
    pub fn is_outcome_unknown(&self) -> bool {
        matches!(self, Error::OutcomeUnknown { .. })
    }

    /// Whether Slack refused the call for its rate limit: HTTP 429 or `ok:false` with
    /// `ratelimited`, both [`Error::RateLimited`]. The request was not applied; wait
    /// [`retry_after`](Self::retry_after) and send it again.
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Error::RateLimited { .. })
    }

    /// How long Slack asked us to wait, when it said. `None` for [`Error::OutcomeUnknown`],
    /// whatever its cause carried: a wait does not make a blind re-send safe.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::RateLimited { retry_after, .. } => *retry_after,
            Error::RateLimitWait { wait, .. } => Some(*wait),
            Error::Api(e) => e.retry_after,
            Error::Http(e) => e.retry_after,
            _ => None,
        }
    }

    /// Slack's `error` code for [`Error::Api`] (and `ratelimited` for a 429). `None` for
    /// [`Error::OutcomeUnknown`]; its [`unknown_outcome_cause`](Self::unknown_outcome_cause)
    /// has the code.
    pub fn api_code(&self) -> Option<&ErrorCode> {
        match self {
            Error::Api(e) => Some(&e.code),
            Error::RateLimited { .. } => Some(&ErrorCode::RateLimited),
            _ => None,
        }
    }

    /// The failure behind an [`Error::OutcomeUnknown`] (a transport error, an HTTP 5xx,
    /// `fatal_error`, an undecodable body), for logs and diagnosis.
    ///
    /// ```
    /// # fn check(e: slack_core::Error) {
    /// if let Some(cause) = e.unknown_outcome_cause() {
    ///     eprintln!("may have been posted; not re-sending: {cause}");
    /// }
    /// # }
    /// ```
    pub fn unknown_outcome_cause(&self) -> Option<&Error> {
        match self {
            Error::OutcomeUnknown { source, .. } => Some(source),
            _ => None,
        }
    }

    /// The transport error, when the call failed below HTTP (also inside an
    /// [`Error::OutcomeUnknown`]).
    pub fn transport_error(&self) -> Option<&TransportError> {
        match self {
            Error::Transport { source, .. } => Some(source),
            Error::OutcomeUnknown { source, .. } => source.transport_error(),
            _ => None,
        }
    }

    /// Whether the failing request may have reached Slack (false for errors raised before
    /// sending, true for any answer from Slack).
    pub fn maybe_sent(&self) -> bool {
        match self {
            Error::Transport { source, .. } => source.maybe_sent(),
            Error::Validation { .. }
            | Error::RepeatedCursor { .. }
            | Error::RateLimitWait { .. } => false,
            _ => true,
        }
    }
}

// ===== ApiError =====

/// Slack answered `"ok": false`.
#[derive(Debug)]
#[non_exhaustive]
pub struct ApiError {
    /// The method called.
    pub method: String,
    /// Slack's `error` code.
    pub code: ErrorCode,
    /// For `missing_scope`: the scope(s) needed.
    pub needed: Option<String>,
    /// For `missing_scope`: the scopes the token has.
    pub provided: Option<String>,
    /// `warning` and `response_metadata.warnings`.
    pub warnings: Vec<String>,
    /// `response_metadata.messages` (details for `invalid_arguments` and the like).
    pub messages: Vec<String>,
    /// The `Retry-After` header, when present.
    pub retry_after: Option<Duration>,
    /// The whole response.
    pub response: SlackResponse,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: Slack error `{}`", self.method, self.code)?;
        if let Some(needed) = &self.needed {
            write!(f, " (needed: {needed}")?;
            if let Some(provided) = &self.provided {
                write!(f, "; provided: {provided}")?;
            }
            f.write_str(")")?;
        }
        if !self.messages.is_empty() {
            write!(f, " [{}]", self.messages.join("; "))?;
        }
        Ok(())
    }
}

// ===== HttpError =====

/// A non-success HTTP status.
#[non_exhaustive]
pub struct HttpError {
    /// The method called.
    pub method: String,
    /// The status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// Response body.
    pub body: Bytes,
    /// `Retry-After`, when present.
    pub retry_after: Option<Duration>,
}

impl fmt::Debug for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpError")
            .field("method", &self.method)
            .field("status", &self.status)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body", &crate::util::Excerpt(&self.body))
            .field("retry_after", &self.retry_after)
            .finish()
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: HTTP {}: {:?}",
            self.method,
            self.status,
            excerpt(&self.body)
        )
    }
}

// ===== DecodeError =====

/// The body could not be decoded.
#[non_exhaustive]
pub struct DecodeError {
    /// The method called.
    pub method: String,
    /// HTTP status.
    pub status: StatusCode,
    /// `Content-Type`, when given.
    pub content_type: Option<String>,
    /// What went wrong (the JSON parser's message, or "not JSON").
    pub reason: String,
    /// The whole body.
    pub body: Bytes,
}

impl DecodeError {
    /// A short, printable excerpt of the body.
    pub fn excerpt(&self) -> String {
        excerpt(&self.body)
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("method", &self.method)
            .field("status", &self.status)
            .field("content_type", &self.content_type)
            .field("reason", &self.reason)
            .field("body", &crate::util::Excerpt(&self.body))
            .finish()
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: undecodable response (HTTP {}, {}): {}; body: {:?}",
            self.method,
            self.status,
            self.content_type.as_deref().unwrap_or("no content type"),
            self.reason,
            self.excerpt()
        )
    }
}

// ===== ErrorCode =====

macro_rules! error_codes {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, transient = $transient:literal; )*) => {
        /// Slack's `error` code. Common codes are variants; any other code is kept in
        /// [`ErrorCode::Other`], so a new code never fails decoding.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $( $(#[$doc])* $variant, )*
            /// A code without its own variant.
            Other(String),
        }

        impl ErrorCode {
            /// Parse a code.
            pub fn parse(code: &str) -> Self {
                match code {
                    $( $code => ErrorCode::$variant, )*
                    "rate_limited" => ErrorCode::RateLimited,
                    other => ErrorCode::Other(other.to_owned()),
                }
            }

            /// The code as Slack spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( ErrorCode::$variant => $code, )*
                    ErrorCode::Other(s) => s,
                }
            }

            /// Whether the code says a later retry may succeed (for a write, only when the
            /// code is not also [`may_have_applied`](Self::may_have_applied)).
            pub fn is_transient(&self) -> bool {
                match self {
                    $( ErrorCode::$variant => $transient, )*
                    ErrorCode::Other(_) => false,
                }
            }
        }
    };
}

error_codes! {
    /// No token was sent.
    NotAuthed = "not_authed", transient = false;
    /// The token is invalid.
    InvalidAuth = "invalid_auth", transient = false;
    /// The account behind the token is deactivated.
    AccountInactive = "account_inactive", transient = false;
    /// The token was revoked.
    TokenRevoked = "token_revoked", transient = false;
    /// The token expired.
    TokenExpired = "token_expired", transient = false;
    /// The token lacks a scope (see `needed`/`provided`).
    MissingScope = "missing_scope", transient = false;
    /// The token type is not allowed for this method.
    NotAllowedTokenType = "not_allowed_token_type", transient = false;
    /// Arguments were invalid (details in `messages`).
    InvalidArguments = "invalid_arguments", transient = false;
    /// An argument name is not valid.
    InvalidArgName = "invalid_arg_name", transient = false;
    /// The method does not exist.
    UnknownMethod = "unknown_method", transient = false;
    /// The method is deprecated and no longer served.
    MethodDeprecated = "method_deprecated", transient = false;
    /// Rate limited: `ratelimited` (and the spelling `rate_limited` some methods use, which
    /// parses to this variant too). A call that meets it fails with [`Error::RateLimited`].
    RateLimited = "ratelimited", transient = true;
    /// Slack failed internally; the request may or may not have been applied.
    FatalError = "fatal_error", transient = true;
    /// Slack failed internally.
    InternalError = "internal_error", transient = true;
    /// Slack is temporarily unavailable.
    ServiceUnavailable = "service_unavailable", transient = true;
    /// Slack asked the client to try again later.
    RequestTimeout = "request_timeout", transient = true;
    /// The channel does not exist or is not visible.
    ChannelNotFound = "channel_not_found", transient = false;
    /// The bot is not in the channel.
    NotInChannel = "not_in_channel", transient = false;
    /// The channel is archived.
    IsArchived = "is_archived", transient = false;
    /// The message does not exist.
    MessageNotFound = "message_not_found", transient = false;
    /// The user does not exist.
    UserNotFound = "user_not_found", transient = false;
    /// Messages need text, blocks or attachments.
    NoText = "no_text", transient = false;
    /// The message text is too long.
    MsgTooLong = "msg_too_long", transient = false;
    /// The reaction is already there.
    AlreadyReacted = "already_reacted", transient = false;
    /// The reaction is not there.
    NoReaction = "no_reaction", transient = false;
    /// The emoji name is not valid.
    InvalidName = "invalid_name", transient = false;
    /// The message cannot be edited by this token.
    CantUpdateMessage = "cant_update_message", transient = false;
    /// The message cannot be deleted by this token.
    CantDeleteMessage = "cant_delete_message", transient = false;
    /// A channel with that name exists.
    NameTaken = "name_taken", transient = false;
    /// The channel is already archived.
    AlreadyArchived = "already_archived", transient = false;
    /// The channel is not archived.
    NotArchived = "not_archived", transient = false;
    /// The cursor is not valid.
    InvalidCursor = "invalid_cursor", transient = false;
    /// The view's hash is stale.
    HashConflict = "hash_conflict", transient = false;
    /// The trigger id expired.
    ExpiredTriggerId = "expired_trigger_id", transient = false;
    /// The file does not exist.
    FileNotFound = "file_not_found", transient = false;
    /// The request body was not valid.
    InvalidFormData = "invalid_form_data", transient = false;
    /// The request's JSON was not valid.
    InvalidJson = "invalid_json", transient = false;
    /// The `Content-Type` is not accepted.
    InvalidPostType = "invalid_post_type", transient = false;
    /// The request body was too large.
    RequestTooLarge = "request_too_large", transient = false;
    /// The team was added to a maintenance mode.
    TeamAddedToOrg = "team_added_to_org", transient = true;
}

impl ErrorCode {
    /// Whether Slack documents that a call refused with this code may still have been partly
    /// or wholly applied: `fatal_error`, `internal_error` ("it's possible some aspect of the
    /// operation succeeded before the error was raised") and `service_unavailable`. A write
    /// that ends with one is [`Error::OutcomeUnknown`]. Every other `ok:false` code is a
    /// refusal: nothing was applied.
    pub fn may_have_applied(&self) -> bool {
        matches!(
            self,
            ErrorCode::FatalError | ErrorCode::InternalError | ErrorCode::ServiceUnavailable
        )
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&str> for ErrorCode {
    fn from(s: &str) -> Self {
        ErrorCode::parse(s)
    }
}

impl PartialEq<str> for ErrorCode {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_keep_unknown() {
        for c in ["invalid_auth", "fatal_error", "brand_new_code"] {
            assert_eq!(ErrorCode::parse(c).as_str(), c);
        }
        assert_eq!(ErrorCode::parse("invalid_auth"), ErrorCode::InvalidAuth);
        assert!(ErrorCode::parse("fatal_error").is_transient());
        assert!(!ErrorCode::parse("brand_new_code").is_transient());
        assert_eq!(ErrorCode::parse("x"), "x");
        assert_eq!(ErrorCode::parse("rate_limited"), ErrorCode::RateLimited);
        assert_eq!(ErrorCode::parse("ratelimited"), ErrorCode::RateLimited);
    }

    #[test]
    fn error_is_small() {
        assert!(
            std::mem::size_of::<Error>() <= 72,
            "{}",
            std::mem::size_of::<Error>()
        );
    }
}
