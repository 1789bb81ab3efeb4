//! Method-level rules, as tables: replacements of deprecated and retired methods, idempotency,
//! the list field of paginated responses and rate-limit tiers.

use crate::data::Method;

/// Deprecated or retired methods and what to call instead, where the family-wide rule below
/// does not give it.
const REPLACEMENTS: &[(&str, &str)] = &[
    ("files.upload", "files.getUploadURLExternal"),
    ("rtm.start", "rtm.connect"),
    ("groups.createChild", "conversations.create"),
    ("groups.open", "conversations.open"),
    ("im.open", "conversations.open"),
    ("mpim.open", "conversations.open"),
];

/// Retired families whose methods map to the `conversations.*` method of the same name
/// (`channels.history` → `conversations.history`).
const RETIRED_FAMILIES: &[&str] = &["channels", "groups", "im", "mpim"];

/// The `conversations.*` methods that retired families map to by name.
const CONVERSATIONS: &[&str] = &[
    "conversations.archive",
    "conversations.close",
    "conversations.create",
    "conversations.history",
    "conversations.info",
    "conversations.invite",
    "conversations.join",
    "conversations.kick",
    "conversations.leave",
    "conversations.list",
    "conversations.mark",
    "conversations.rename",
    "conversations.replies",
    "conversations.setPurpose",
    "conversations.setTopic",
    "conversations.unarchive",
];

/// The method to use instead of a deprecated or retired one, when there is an obvious one
/// (`None` for `stars.*`, `workflows.step*` and anything not covered above).
pub fn replacement(name: &str) -> Option<&'static str> {
    if let Some((_, r)) = REPLACEMENTS.iter().find(|(m, _)| *m == name) {
        return Some(r);
    }
    let (family, method) = name.split_once('.')?;
    if !RETIRED_FAMILIES.contains(&family) {
        return None;
    }
    CONVERSATIONS
        .iter()
        .find(|c| c.strip_prefix("conversations.") == Some(method))
        .copied()
}

/// Prefixes of a method's last segment that mark a read (`list`, `getPermalink`,
/// `lookupByEmail`); the prefix must be the whole segment or be followed by an upper-case
/// letter, so `listen` is not a read.
const READ_PREFIXES: &[&str] = &[
    "list", "info", "history", "replies", "members", "get", "lookup", "test", "search", "check",
    "export",
];

/// Methods that are safe to repeat although neither their verb nor their name says so:
/// opening a conversation or an RTM session, tests, and reads named otherwise.
const ALWAYS_IDEMPOTENT: &[&str] = &[
    "api.test",
    "apps.datastore.bulkGet",
    "apps.datastore.count",
    "apps.datastore.query",
    "apps.manifest.validate",
    "assistant.search.context",
    "auth.test",
    "blocks.validate",
    "conversations.open",
    "openid.connect.userInfo",
    "rtm.connect",
    "rtm.start",
];

/// Whether repeating the call is harmless: `GET` methods, reads by name, `search.*` and
/// `ALWAYS_IDEMPOTENT`.
pub fn idempotent(m: &Method) -> bool {
    if NEVER_IDEMPOTENT.contains(&m.name.as_str()) {
        return false;
    }
    if m.verb == "GET"
        || m.name.starts_with("search.")
        || ALWAYS_IDEMPOTENT.contains(&m.name.as_str())
    {
        return true;
    }
    let last = m.name.rsplit('.').next().unwrap_or("");
    READ_PREFIXES.iter().any(|p| {
        last.strip_prefix(p).is_some_and(|rest| {
            rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_uppercase())
        })
    })
}

/// Writes the data lists as `GET` whose repetition is not harmless: sharing a remote file
/// twice posts it twice; revoking or deleting twice reports an error for a done change.
const NEVER_IDEMPOTENT: &[&str] = &[
    "files.remote.share",
    "auth.revoke",
    "users.deletePhoto",
    "admin.emoji.add",
    "admin.emoji.remove",
    "admin.emoji.rename",
];

/// The response field holding a page's items, for paginated methods that have neither a
/// sample nor a schema to say it (from the methods' documented responses). Data wins: an
/// entry here is used only when the sample and the schema name no list.
const ITEMS_FIELDS: &[(&str, &str)] = &[
    ("apps.activities.list", "activities"),
    ("apps.datastore.query", "items"),
    (
        "admin.conversations.ekm.listOriginalConnectedChannelInfo",
        "channels",
    ),
];

/// The response field holding a page's items: the sample's only top-level list (what Slack
/// sends, which for some methods differs from the schema: `admin.conversations.search` sends
/// `conversations` where the schema says `channels`), else the OpenAPI success schema's only
/// top-level array, else `ITEMS_FIELDS`, else unknown.
pub fn items_field(m: &Method) -> Option<String> {
    if let [only] = m.sample_lists.as_slice() {
        return Some(only.clone());
    }
    if let [only] = m.array_fields.as_slice() {
        return Some(only.clone());
    }
    ITEMS_FIELDS
        .iter()
        .find(|(n, _)| *n == m.name)
        .map(|(_, f)| (*f).to_owned())
}

/// Where the method's answer puts the next cursor (a `CursorAt` variant): `TopLevel` when
/// its sample or OpenAPI success schema has a top-level `next_cursor`
/// (`admin.conversations.search`), else `ResponseMetadata`.
pub fn cursor_at(m: &Method) -> &'static str {
    if m.top_level_cursor {
        "TopLevel"
    } else {
        "ResponseMetadata"
    }
}

/// Whether the method pages with a cursor.
pub fn paginated(m: &Method) -> bool {
    m.takes("cursor")
}

/// Special limits the data gives only as `Special`.
const SPECIAL_LIMITS: &[(&str, &str)] = &[(
    "chat.postMessage",
    "1 message per second per channel, with bursts",
)];

/// A method's rate-limit tier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tier {
    /// Tier 1 to 4.
    Numbered(u8),
    /// A method-specific limit, in the documentation's words.
    Special(String),
    /// Not documented.
    Unknown,
}

impl Tier {
    /// The `RateTier` expression.
    pub fn rust(&self) -> String {
        match self {
            Tier::Numbered(n) => format!("RateTier::Tier{n}"),
            Tier::Special(text) => format!("RateTier::Special({text:?})"),
            Tier::Unknown => "RateTier::Unknown".into(),
        }
    }

    /// The tier in a sentence of documentation.
    pub fn doc(&self) -> String {
        match self {
            Tier::Numbered(1) => "Tier 1 (1+ per minute)".into(),
            Tier::Numbered(2) => "Tier 2 (20+ per minute)".into(),
            Tier::Numbered(3) => "Tier 3 (50+ per minute)".into(),
            Tier::Numbered(n) => format!("Tier {n} (100+ per minute)"),
            Tier::Special(text) if text == "Special" => "special (see the documentation)".into(),
            Tier::Special(text) => text.trim_end_matches('.').to_owned(),
            Tier::Unknown => "not documented".into(),
        }
    }
}

/// The tier of `m`: `Tier1`..`Tier4`; `Special` with the text of `SPECIAL_LIMITS` or the
/// data's own words; unknown when empty.
pub fn tier(m: &Method) -> Tier {
    match m.tier.as_str() {
        "" => Tier::Unknown,
        "Tier1" => Tier::Numbered(1),
        "Tier2" => Tier::Numbered(2),
        "Tier3" => Tier::Numbered(3),
        "Tier4" => Tier::Numbered(4),
        text => {
            let special = SPECIAL_LIMITS.iter().find(|(n, _)| *n == m.name);
            Tier::Special(special.map_or(text, |(_, t)| t).to_owned())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn method(name: &str, verb: &str) -> Method {
        Method {
            name: name.into(),
            verb: verb.into(),
            ..Method::default()
        }
    }

    #[test]
    fn retired_methods_map_to_conversations() {
        let cases = [
            ("channels.history", Some("conversations.history")),
            ("channels.setPurpose", Some("conversations.setPurpose")),
            ("channels.join", Some("conversations.join")),
            ("groups.createChild", Some("conversations.create")),
            ("groups.open", Some("conversations.open")),
            ("groups.list", Some("conversations.list")),
            ("im.open", Some("conversations.open")),
            ("mpim.close", Some("conversations.close")),
            ("mpim.replies", Some("conversations.replies")),
            ("im.mark", Some("conversations.mark")),
            ("files.upload", Some("files.getUploadURLExternal")),
            ("rtm.start", Some("rtm.connect")),
            ("stars.list", None),
            ("workflows.stepCompleted", None),
            ("chat.postMessage", None),
            ("channels.nonsense", None),
        ];
        for (name, want) in cases {
            assert_eq!(replacement(name), want, "{name}");
        }
    }

    #[test]
    fn idempotency() {
        assert!(idempotent(&method("conversations.history", "GET")));
        assert!(idempotent(&method("chat.getPermalink", "POST")));
        assert!(idempotent(&method("users.lookupByEmail", "POST")));
        assert!(idempotent(&method("apps.datastore.bulkGet", "POST")));
        assert!(idempotent(&method("conversations.open", "POST")));
        assert!(idempotent(&method("auth.test", "POST")));
        assert!(idempotent(&method("search.messages", "POST")));
        assert!(idempotent(&method(
            "admin.users.unsupportedVersions.export",
            "POST"
        )));
        assert!(!idempotent(&method("chat.postMessage", "POST")));
        assert!(!idempotent(&method("files.completeUploadExternal", "POST")));
        assert!(!idempotent(&method("reactions.add", "POST")));
        assert!(!idempotent(&method("users.listen", "POST")));
        assert!(!idempotent(&method("team.accessLogs", "POST")));
        assert!(!idempotent(&method("files.remote.share", "GET")));
    }

    #[test]
    fn items_fields() {
        let mut search = method("admin.conversations.search", "GET");
        search.array_fields = vec!["channels".into()];
        assert_eq!(items_field(&search).as_deref(), Some("channels"));
        search.sample_lists = vec!["conversations".into()];
        assert_eq!(items_field(&search).as_deref(), Some("conversations"));
        let mut two = method("x.list", "GET");
        two.array_fields = vec!["a".into(), "b".into()];
        assert_eq!(items_field(&two), None);
        assert_eq!(
            items_field(&method("apps.datastore.query", "POST")).as_deref(),
            Some("items")
        );
        assert_eq!(items_field(&method("search.messages", "GET")), None);
        assert_eq!(cursor_at(&search), "ResponseMetadata");
        search.top_level_cursor = true;
        assert_eq!(cursor_at(&search), "TopLevel");
    }

    #[test]
    fn tiers() {
        let mut m = method("conversations.list", "GET");
        m.tier = "Tier2".into();
        assert_eq!(tier(&m).rust(), "RateTier::Tier2");
        m.tier = String::new();
        assert_eq!(tier(&m), Tier::Unknown);
        let mut pm = method("chat.postMessage", "POST");
        pm.tier = "Special".into();
        assert_eq!(
            tier(&pm),
            Tier::Special("1 message per second per channel, with bursts".into())
        );
        let mut auth = method("auth.test", "POST");
        auth.tier = "Special".into();
        assert_eq!(tier(&auth).rust(), "RateTier::Special(\"Special\")");
        let mut words = method("x.y", "POST");
        words.tier = "1200 requests per minute with a burst allowance of 2000.".into();
        assert_eq!(
            tier(&words),
            Tier::Special("1200 requests per minute with a burst allowance of 2000.".into())
        );
    }
}
