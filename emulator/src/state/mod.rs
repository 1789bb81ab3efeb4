//! The workspace: team, users, tokens, conversations, messages, files, views.
//!
//! Pure data and lookups; the Web API handlers in `api/` change it under one lock.

mod bytes_b64;
mod collab;
mod extras;
mod model;
mod org;
mod search_index;
mod seed;
mod timed;

use std::collections::{BTreeMap, HashMap, HashSet};

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::clock::Clock;
pub(crate) use collab::{Bookmark, Collab, ConnectInvite, InviteRequest, Pin, Star, Usergroup};
pub(crate) use extras::{Extras, OidcCode};
pub(crate) use model::{Channel, Kind, PendingUpload, TokenInfo, User};
pub(crate) use org::{Org, OrgChannel, OrgTeam, Role};
pub(crate) use search_index::{words, Hit, SearchIndex, Term};
pub(crate) use timed::{Dnd, Reminder, ScheduledMessage};

/// One stored message (Slack's `message` object, without `channel`).
pub(crate) type Message = Map<String, Value>;

/// The whole workspace. Serialized whole for snapshots and persistence
/// (`/_emulator/state`): every field and every type in it derives serde.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Workspace {
    pub(crate) team_id: String,
    pub(crate) team_name: String,
    pub(crate) domain: String,
    pub(crate) users: Vec<User>,
    pub(crate) tokens: HashMap<String, TokenInfo>,
    pub(crate) channels: Vec<Channel>,
    /// Messages per channel in `ts` order, top-level and replies. Every `ts` comes from
    /// [`Workspace::next_ts`], so string order is time order and lookups binary-search.
    pub(crate) messages: HashMap<String, Vec<Message>>,
    pub(crate) files: BTreeMap<String, Value>,
    /// The first MiB of each uploaded file, served at its `url_private`.
    #[serde(with = "bytes_b64::map")]
    pub(crate) file_data: HashMap<String, Bytes>,
    pub(crate) pending_uploads: HashMap<String, PendingUpload>,
    pub(crate) remote_files: BTreeMap<String, Value>,
    pub(crate) views: BTreeMap<String, Value>,
    /// RTM URLs handed out by `rtm.connect` and not used yet: session → user.
    pub(crate) rtm_sessions: HashMap<String, String>,
    /// Socket Mode tickets handed out by `apps.connections.open` and not used yet.
    pub(crate) socket_tickets: HashSet<String>,
    /// The app's id (`A…`), its app-level token (`xapp-1-…`) and verification token.
    pub(crate) app_id: String,
    pub(crate) app_token: String,
    pub(crate) verification_token: String,
    pub(crate) bot_user_id: String,
    pub(crate) bot_id: String,
    pub(crate) bot_token: String,
    pub(crate) user_token: String,
    /// Calls, canvases, lists, datastores, manifests, triggers, functions, assistant threads,
    /// OpenID Connect (`api/calls.rs`, `api/canvases.rs`, …).
    pub(crate) extras: Extras,
    /// The Enterprise Grid org around the workspace (`admin.*`).
    pub(crate) org: Org,
    /// Scheduled messages by id (`chat.scheduleMessage`).
    #[serde(default)]
    pub(crate) scheduled: BTreeMap<String, ScheduledMessage>,
    /// Reminders by id (`reminders.add`).
    #[serde(default)]
    pub(crate) reminders: BTreeMap<String, Reminder>,
    /// Do Not Disturb per user id.
    #[serde(default)]
    pub(crate) dnd: BTreeMap<String, Dnd>,
    /// Trigger ids handed out and not used yet: id → Unix microseconds issued.
    #[serde(default)]
    pub(crate) trigger_ids: BTreeMap<String, i64>,
    /// The emulator's clock (installed by the server; not part of snapshots).
    #[serde(skip)]
    pub(crate) clock: Clock,
    /// The latest `ts` handed out, in microseconds since 1,700,000,000.
    last_ts: u64,
    /// The OAuth authorization server: codes, refresh tokens, token expiry.
    pub(crate) oauth: crate::oauth::OAuthState,
    /// Profiles, presence, user groups, pins, bookmarks, stars, read marks, emoji, …
    pub(crate) collab: Collab,
    /// The word index behind `search.messages`, kept current by the message methods below.
    pub(crate) search_index: SearchIndex,
    ids: u64,
}

/// One step of SplitMix64: spreads a counter over 64 bits.
fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A uuid-like id (`8-4-4-4-12` hex digits) from a counter and a salt: distinct in practice
/// for distinct counters, and spread so that ids do not look sequential.
pub(crate) fn opaque_id(n: u64, salt: u64) -> String {
    let a = splitmix(n ^ salt);
    let b = splitmix(a ^ n);
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        (b >> 48) & 0xfff,
        b & 0xffff_ffff_ffff
    )
}

fn ts_of(m: &Message) -> &str {
    m.get("ts").and_then(Value::as_str).unwrap_or("")
}

impl Workspace {
    /// A fresh message timestamp, strictly greater than every earlier one: the emulator's
    /// clock in microseconds, as Slack's (so a client that looks for its message in a window
    /// around the send time finds it), bumped by one microsecond when two calls meet or the
    /// clock was set back.
    pub(crate) fn next_ts(&mut self) -> String {
        let now = u64::try_from(self.clock.now_micros())
            .ok()
            .and_then(|us| us.checked_sub(1_700_000_000 * 1_000_000))
            .unwrap_or(0);
        self.last_ts = (self.last_ts + 1).max(now);
        let secs = 1_700_000_000 + self.last_ts / 1_000_000;
        format!("{secs}.{:06}", self.last_ts % 1_000_000)
    }

    /// The emulator's clock in Unix seconds (for `created`/`timestamp` fields).
    pub(crate) fn now_secs(&self) -> u64 {
        self.clock.now_secs()
    }

    /// A fresh id with `prefix` (`F0000002A`).
    pub(crate) fn next_id(&mut self, prefix: &str) -> String {
        self.ids += 1;
        format!("{prefix}{:08X}", self.ids)
    }

    /// A fresh opaque id (uuid-like), unique in this workspace and different between
    /// workspaces: Socket Mode tickets.
    pub(crate) fn opaque_id(&mut self) -> String {
        self.ids += 1;
        let salt = self
            .team_id
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            });
        opaque_id(self.ids, salt)
    }

    pub(crate) fn user(&self, id: &str) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }

    pub(crate) fn channel(&self, id: &str) -> Option<&Channel> {
        self.channels.iter().find(|c| c.id == id)
    }

    pub(crate) fn channel_mut(&mut self, id: &str) -> Option<&mut Channel> {
        self.channels.iter_mut().find(|c| c.id == id)
    }

    /// Resolve a channel argument: an id, `#name` or `name`.
    pub(crate) fn resolve_channel(&self, arg: &str) -> Option<String> {
        let name = arg.trim_start_matches('#');
        self.channels
            .iter()
            .find(|c| c.id == arg || (!c.name.is_empty() && c.name == name))
            .map(|c| c.id.clone())
    }

    /// The IM between two users, if open.
    pub(crate) fn im_between(&self, a: &str, b: &str) -> Option<&Channel> {
        self.channels.iter().find(|c| {
            c.kind == Kind::Im
                && c.has_member(a)
                && c.has_member(b)
                && (a != b || c.members.len() == 1)
        })
    }

    fn position(&self, channel: &str, ts: &str) -> Option<usize> {
        let list = self.messages.get(channel)?;
        let i = list.partition_point(|m| ts_of(m) < ts);
        (list.get(i).map(ts_of) == Some(ts)).then_some(i)
    }

    pub(crate) fn find_message(&self, channel: &str, ts: &str) -> Option<&Message> {
        let i = self.position(channel, ts)?;
        self.messages.get(channel)?.get(i)
    }

    pub(crate) fn find_message_mut(&mut self, channel: &str, ts: &str) -> Option<&mut Message> {
        let i = self.position(channel, ts)?;
        self.messages.get_mut(channel)?.get_mut(i)
    }

    /// Remove a message; returns it.
    pub(crate) fn remove_message(&mut self, channel: &str, ts: &str) -> Option<Message> {
        let i = self.position(channel, ts)?;
        self.search_index.remove(channel, ts);
        Some(self.messages.get_mut(channel)?.remove(i))
    }

    /// Append a message whose `ts` came from [`Workspace::next_ts`].
    pub(crate) fn push_message(&mut self, channel: &str, m: Message) {
        self.search_index.add(channel, &m);
        self.messages.entry(channel.to_owned()).or_default().push(m);
    }

    /// Re-index a message after its text changed in place (edits, tombstones).
    pub(crate) fn message_changed(&mut self, channel: &str, ts: &str) {
        if let Some(i) = self.position(channel, ts) {
            if let Some(m) = self.messages.get(channel).and_then(|l| l.get(i)) {
                self.search_index.add(channel, m);
            }
        }
    }

    /// The messages of a channel, oldest first.
    pub(crate) fn channel_messages(&self, channel: &str) -> &[Message] {
        self.messages.get(channel).map_or(&[], Vec::as_slice)
    }

    /// The whole workspace as JSON (`GET /_emulator/state`).
    pub(crate) fn snapshot(&self) -> Value {
        let channels: Vec<Value> = self
            .channels
            .iter()
            .map(|c| {
                let mut v = c.to_json(&self.bot_user_id, true, false);
                v["members"] = json!(c.members);
                v["messages"] = json!(self.channel_messages(&c.id));
                v
            })
            .collect();
        json!({
            "team": {"id": self.team_id, "name": self.team_name, "domain": self.domain},
            "bot": {"user_id": self.bot_user_id, "bot_id": self.bot_id},
            "users": self.users.iter().map(|u| u.to_json(&self.team_id, false)).collect::<Vec<_>>(),
            "channels": channels,
            "files": self.files.values().collect::<Vec<_>>(),
            "remote_files": self.remote_files.values().collect::<Vec<_>>(),
            "views": self.views.values().collect::<Vec<_>>(),
            "version": STATE_VERSION,
            "workspace": serde_json::to_value(self).unwrap_or(Value::Null),
        })
    }

    /// A workspace from a snapshot (what [`snapshot`](Self::snapshot) gives, or only its
    /// `workspace` object). Fields the snapshot lacks (a hand-written seed file, an older
    /// emulator) come from `base`, so a fixture may hold only what it changes.
    pub(crate) fn restore(snapshot: &Value, base: &Workspace) -> Result<Workspace, String> {
        let given = snapshot.get("workspace").unwrap_or(snapshot);
        let Value::Object(given) = given else {
            return Err("the state must be a JSON object".into());
        };
        if let Some(v) = snapshot.get("version").and_then(Value::as_u64) {
            if v > STATE_VERSION {
                return Err(format!("state version {v} is newer than this emulator's"));
            }
        }
        let mut merged = match serde_json::to_value(base) {
            Ok(Value::Object(m)) => m,
            Ok(_) => Map::new(),
            Err(e) => return Err(e.to_string()),
        };
        for (k, v) in given {
            merged.insert(k.clone(), v.clone());
        }
        let mut ws: Workspace =
            serde_json::from_value(Value::Object(merged)).map_err(|e| e.to_string())?;
        ws.clock = base.clock.clone();
        // Keep `ts` increasing past every stored message.
        let latest = ws
            .messages
            .values()
            .filter_map(|list| list.last())
            .filter_map(|m| m.get("ts").and_then(Value::as_str))
            .filter_map(ts_micros)
            .max()
            .unwrap_or(0);
        ws.last_ts = ws.last_ts.max(latest);
        Ok(ws)
    }
}

/// The version of the snapshot format.
pub(crate) const STATE_VERSION: u64 = 1;

/// A `ts` in microseconds since 1,700,000,000.
fn ts_micros(ts: &str) -> Option<u64> {
    let (secs, micros) = ts.split_once('.')?;
    let secs: u64 = secs.parse().ok()?;
    let micros: u64 = format!("{micros:0<6}").get(..6)?.parse().ok()?;
    (secs.checked_sub(1_700_000_000)? * 1_000_000).checked_add(micros)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_increase_and_sort_as_strings() {
        let mut ws = Workspace::seeded(1);
        let mut last = String::new();
        for _ in 0..1_000_005 {
            let ts = ws.next_ts();
            assert!(ts > last);
            last = ts;
        }
        // Near the wall clock (Slack's ts is the server's time), never behind it.
        let (secs, micros) = last.split_once('.').unwrap();
        assert_eq!(micros.len(), 6);
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let secs: u64 = secs.parse().unwrap();
        assert!(secs + 60 >= now && secs <= now + 60, "{last} vs {now}");
    }

    #[test]
    fn messages_are_found_by_binary_search() {
        let mut ws = Workspace::seeded(1);
        let general = ws.resolve_channel("#general").unwrap_or_default();
        let mut stamps = Vec::new();
        for i in 0..50 {
            let ts = ws.next_ts();
            let mut m = Message::new();
            m.insert("ts".into(), json!(ts));
            m.insert("text".into(), json!(i));
            ws.push_message(&general, m);
            stamps.push(ts);
        }
        for (i, ts) in stamps.iter().enumerate() {
            assert_eq!(
                ws.find_message(&general, ts).map(|m| m["text"].clone()),
                Some(json!(i))
            );
        }
        assert!(ws.find_message(&general, "1.0").is_none());
        assert!(ws.find_message("C0", &stamps[0]).is_none());
        assert!(ws.remove_message(&general, &stamps[10]).is_some());
        assert!(ws.find_message(&general, &stamps[10]).is_none());
        assert!(ws.find_message(&general, &stamps[11]).is_some());
    }

    #[test]
    fn seeds_differ_between_emulators() {
        let a = Workspace::seeded(1000);
        let b = Workspace::seeded(1001);
        assert_ne!(a.team_id, b.team_id);
        assert_ne!(a.bot_token, b.bot_token);
        assert!(a.bot_token.starts_with("xoxb-") && a.user_token.starts_with("xoxp-"));
        assert_eq!(a.users.len(), 4);
        assert!(a.channels.iter().any(|c| c.kind == Kind::Mpim));
    }
}
