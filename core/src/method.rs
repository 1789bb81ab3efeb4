//! The Web API method table: one [`MethodInfo`] per method, generated from Slack's reference
//! data by `tools/codegen` (never edited by hand).

use std::fmt;

use serde::de::DeserializeOwned;

use crate::api::SlackMethod;

/// The HTTP verb the documentation gives for a method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HttpVerb {
    /// `GET`: arguments travel in the query string.
    Get,
    /// `POST`: arguments travel in the body.
    Post,
}

/// Whether a method accepts a JSON body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JsonSupport {
    /// The documentation says a JSON body is accepted.
    Yes,
    /// The documentation says it is not (form only).
    No,
    /// The documentation does not say; form is used.
    Unknown,
}

/// Slack's rate-limit tier for a method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RateTier {
    /// Tier 1: about 1+ request per minute.
    Tier1,
    /// Tier 2: about 20+ requests per minute.
    Tier2,
    /// Tier 3: about 50+ requests per minute.
    Tier3,
    /// Tier 4: about 100+ requests per minute.
    Tier4,
    /// A method-specific limit (for example `chat.postMessage`: about one message per second
    /// per channel, with bursts). The text is the documentation's own words.
    Special(&'static str),
    /// Not documented.
    Unknown,
}

impl RateTier {
    /// Documented sustained requests per minute for the numbered tiers.
    pub fn per_minute(self) -> Option<u32> {
        match self {
            RateTier::Tier1 => Some(1),
            RateTier::Tier2 => Some(20),
            RateTier::Tier3 => Some(50),
            RateTier::Tier4 => Some(100),
            RateTier::Special(_) | RateTier::Unknown => None,
        }
    }
}

/// How a method pages through results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pagination {
    /// The argument carrying the cursor (`cursor` for every current method).
    pub cursor_arg: &'static str,
    /// The response field holding the page's items, when known (for example `channels`).
    pub items_field: Option<&'static str>,
    /// Where the answer puts the next page's cursor (from the method's OpenAPI success
    /// schema and sample).
    pub next_cursor: CursorAt,
}

/// Where a page's answer puts the cursor of the next page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum CursorAt {
    /// `response_metadata.next_cursor`: almost every method.
    #[default]
    ResponseMetadata,
    /// A top-level `next_cursor` (`admin.conversations.search`).
    TopLevel,
}

/// A cursor-paginated request whose items have a type: what
/// [`WebClient::items`](crate::WebClient::items) yields. Generated for every paginated method
/// whose items field the reference data knows (the page's list: `channels` of
/// `conversations.list`, `approved_apps` of `admin.apps.approved.list`).
///
/// ```no_run
/// # async fn run(client: slack_core::WebClient) -> slack_core::Result<()> {
/// use futures_core::Stream;
/// use slack_core::api::conversations;
///
/// let mut channels = std::pin::pin!(client.items(conversations::List::new().limit(200)));
/// while let Some(channel) = std::future::poll_fn(|cx| channels.as_mut().poll_next(cx)).await {
///     let channel = channel?; // a slack_core::types::Conversation
///     println!("{} {:?}", channel.id, channel.name);
/// }
/// # Ok(()) }
/// ```
pub trait Paginated: SlackMethod {
    /// One item of a page (for example [`Conversation`](crate::types::Conversation)).
    type Item: DeserializeOwned + Send + 'static;

    /// The items of one page's response.
    fn into_items(response: Self::Response) -> Vec<Self::Item>;
}

/// Deprecation of a method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Deprecation {
    /// The method to use instead, when there is one.
    pub replacement: Option<&'static str>,
}

/// Everything the client needs to know about one Web API method.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct MethodInfo {
    /// The method name, for example `chat.postMessage`.
    pub name: &'static str,
    /// The documented HTTP verb.
    pub verb: HttpVerb,
    /// Whether a JSON body is accepted.
    pub json: JsonSupport,
    /// Whether the method takes file content as `multipart/form-data`.
    pub multipart: bool,
    /// Required arguments (never `token`, which is sent as a header).
    pub required: &'static [&'static str],
    /// Optional arguments.
    pub optional: &'static [&'static str],
    /// Rate-limit tier.
    pub tier: RateTier,
    /// Whether repeating the call is harmless (reads). Writes are retried only when the
    /// request provably did not reach Slack.
    pub idempotent: bool,
    /// Cursor pagination, when the method pages.
    pub pagination: Option<Pagination>,
    /// Deprecation, when deprecated or retired.
    pub deprecated: Option<Deprecation>,
    /// Bot token scopes.
    pub bot_scopes: &'static [&'static str],
    /// User token scopes.
    pub user_scopes: &'static [&'static str],
}

impl fmt::Debug for MethodInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MethodInfo")
            .field("name", &self.name)
            .field("verb", &self.verb)
            .field("tier", &self.tier)
            .finish_non_exhaustive()
    }
}

impl MethodInfo {
    /// Information for a method missing from the table (a brand-new or private method
    /// called through `api_call`): POST, form body, not idempotent, no known arguments.
    pub const fn unknown(name: &'static str) -> MethodInfo {
        MethodInfo {
            name,
            verb: HttpVerb::Post,
            json: JsonSupport::Unknown,
            multipart: false,
            required: &[],
            optional: &[],
            tier: RateTier::Unknown,
            idempotent: false,
            pagination: None,
            deprecated: None,
            bot_scopes: &[],
            user_scopes: &[],
        }
    }

    /// Whether `arg` is a documented argument (required or optional) of this method.
    pub fn accepts(&self, arg: &str) -> bool {
        self.required.contains(&arg) || self.optional.contains(&arg)
    }

    /// The method's family (`chat` for `chat.postMessage`, `admin.apps` for
    /// `admin.apps.approve`).
    pub fn family(&self) -> &'static str {
        match self.name.rfind('.') {
            Some(i) => &self.name[..i],
            None => self.name,
        }
    }
}

/// Look a method up by name.
pub fn lookup(name: &str) -> Option<&'static MethodInfo> {
    crate::generated::methods::METHODS
        .binary_search_by(|m| m.name.cmp(name))
        .ok()
        .map(|i| &crate::generated::methods::METHODS[i])
}

/// Every method in the table, sorted by name.
pub fn all() -> &'static [MethodInfo] {
    crate::generated::methods::METHODS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_complete() {
        let all = all();
        assert!(all.len() >= 368, "{}", all.len());
        assert!(all.windows(2).all(|w| w[0].name < w[1].name));
        let pm = lookup("chat.postMessage").expect("chat.postMessage");
        assert_eq!(pm.required, &["channel"]);
        assert!(!pm.idempotent);
        assert_eq!(pm.json, JsonSupport::Yes);
        assert!(matches!(pm.tier, RateTier::Special(_)));
        let list = lookup("conversations.list").expect("conversations.list");
        assert!(list.idempotent);
        assert_eq!(list.tier, RateTier::Tier2);
        assert_eq!(
            list.pagination.and_then(|p| p.items_field),
            Some("channels")
        );
        let ch = lookup("channels.history").expect("retired method present");
        assert!(ch.deprecated.is_some());
        assert!(lookup("no.such.method").is_none());
        assert_eq!(pm.family(), "chat");
    }
}
