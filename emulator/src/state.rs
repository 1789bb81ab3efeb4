//! The workspace: team, users, tokens, conversations, messages, files, views.

use std::collections::{BTreeMap, HashMap};

use bytes::Bytes;
use serde_json::{json, Map, Value};

/// Kinds of conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Public,
    Private,
    Im,
    Mpim,
}

impl Kind {
    pub(crate) fn type_name(self) -> &'static str {
        match self {
            Kind::Public => "public_channel",
            Kind::Private => "private_channel",
            Kind::Im => "im",
            Kind::Mpim => "mpim",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct User {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) real_name: String,
    pub(crate) email: String,
    pub(crate) is_bot: bool,
    pub(crate) bot_id: Option<String>,
}

impl User {
    pub(crate) fn to_json(&self, team_id: &str) -> Value {
        json!({
            "id": self.id, "team_id": team_id, "name": self.name, "deleted": false,
            "real_name": self.real_name, "tz": "Europe/London", "tz_label": "Greenwich Mean Time",
            "tz_offset": 0, "is_admin": false, "is_owner": false, "is_bot": self.is_bot,
            "is_app_user": false, "updated": 1_700_000_000,
            "profile": {
                "real_name": self.real_name, "display_name": self.name, "email": self.email,
                "bot_id": self.bot_id, "team": team_id,
            }
        })
    }
}

#[derive(Debug, Clone)]
pub(crate) struct TokenInfo {
    pub(crate) user_id: String,
    pub(crate) scopes: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Channel {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) kind: Kind,
    pub(crate) created: i64,
    pub(crate) creator: String,
    pub(crate) members: Vec<String>,
    pub(crate) archived: bool,
    pub(crate) topic: String,
    pub(crate) purpose: String,
    pub(crate) is_general: bool,
}

impl Channel {
    pub(crate) fn to_json(&self, viewer: &str, num_members: bool, locale: bool) -> Value {
        let mut v = json!({
            "id": self.id,
            "created": self.created,
            "is_archived": self.archived,
            "is_channel": matches!(self.kind, Kind::Public | Kind::Private),
            "is_group": self.kind == Kind::Private,
            "is_im": self.kind == Kind::Im,
            "is_mpim": self.kind == Kind::Mpim,
            "is_private": matches!(self.kind, Kind::Private | Kind::Im | Kind::Mpim),
            "is_member": self.members.iter().any(|m| m == viewer),
            "is_general": self.is_general,
            "is_shared": false, "is_ext_shared": false, "is_org_shared": false,
            "creator": self.creator,
        });
        if let Value::Object(m) = &mut v {
            if self.kind == Kind::Im {
                let other = self
                    .members
                    .iter()
                    .find(|u| *u != viewer)
                    .or(self.members.first());
                m.insert("user".into(), json!(other));
            } else {
                m.insert("name".into(), json!(self.name));
                m.insert("name_normalized".into(), json!(self.name));
                m.insert(
                    "topic".into(),
                    json!({"value": self.topic, "creator": "", "last_set": 0}),
                );
                m.insert(
                    "purpose".into(),
                    json!({"value": self.purpose, "creator": "", "last_set": 0}),
                );
            }
            if num_members {
                m.insert("num_members".into(), json!(self.members.len()));
            }
            if locale {
                m.insert("locale".into(), json!("en-US"));
            }
        }
        v
    }
}

#[derive(Debug, Clone)]
pub(crate) struct PendingUpload {
    pub(crate) filename: String,
    pub(crate) length: u64,
    pub(crate) user: String,
    pub(crate) data: Option<Bytes>,
    pub(crate) alt_text: Option<String>,
    pub(crate) snippet_type: Option<String>,
}

/// The whole workspace.
#[derive(Debug)]
pub(crate) struct Workspace {
    pub(crate) team_id: String,
    pub(crate) team_name: String,
    pub(crate) domain: String,
    pub(crate) users: Vec<User>,
    pub(crate) tokens: HashMap<String, TokenInfo>,
    pub(crate) channels: Vec<Channel>,
    /// Messages per channel, in `ts` order (top-level and replies).
    pub(crate) messages: HashMap<String, Vec<Map<String, Value>>>,
    pub(crate) files: BTreeMap<String, Value>,
    pub(crate) pending_uploads: HashMap<String, PendingUpload>,
    pub(crate) remote_files: BTreeMap<String, Value>,
    pub(crate) views: HashMap<String, Value>,
    /// RTM URLs handed out by `rtm.connect` and not used yet: session → user.
    pub(crate) rtm_sessions: HashMap<String, String>,
    pub(crate) bot_user_id: String,
    pub(crate) bot_id: String,
    pub(crate) bot_token: String,
    pub(crate) user_token: String,
    clock: u64,
    ids: u64,
}

/// Every scope the method table mentions, given to the seeded tokens.
fn all_scopes() -> Vec<String> {
    let mut s: Vec<String> = slack_core::method::all()
        .iter()
        .flat_map(|m| m.bot_scopes.iter().chain(m.user_scopes.iter()))
        .map(|s| (*s).to_owned())
        .collect();
    s.sort();
    s.dedup();
    s
}

impl Workspace {
    /// The seeded workspace. `seed` makes ids and tokens distinct between emulators.
    pub(crate) fn seeded(seed: u64) -> Self {
        let tag = format!("{:06X}", seed % 0xFF_FFFF);
        let team_id = format!("T{tag}");
        let bot_user_id = format!("U{tag}BOT");
        let bot_id = format!("B{tag}");
        let users = vec![
            User {
                id: bot_user_id.clone(),
                name: "emulator-bot".into(),
                real_name: "Emulator Bot".into(),
                email: String::new(),
                is_bot: true,
                bot_id: Some(bot_id.clone()),
            },
            User {
                id: format!("U{tag}001"),
                name: "ada".into(),
                real_name: "Ada Lovelace".into(),
                email: "ada@example.com".into(),
                is_bot: false,
                bot_id: None,
            },
            User {
                id: format!("U{tag}002"),
                name: "grace".into(),
                real_name: "Grace Hopper".into(),
                email: "grace@example.com".into(),
                is_bot: false,
                bot_id: None,
            },
            User {
                id: format!("U{tag}003"),
                name: "linus".into(),
                real_name: "Linus T".into(),
                email: "linus@example.com".into(),
                is_bot: false,
                bot_id: None,
            },
        ];
        let human = |i: usize| users[i].id.clone();
        let all: Vec<String> = users.iter().map(|u| u.id.clone()).collect();
        let ch = |id: String, name: &str, kind, members: Vec<String>, general| Channel {
            id,
            name: name.to_owned(),
            kind,
            created: 1_700_000_000,
            creator: human(1),
            members,
            archived: false,
            topic: String::new(),
            purpose: String::new(),
            is_general: general,
        };
        let channels = vec![
            ch(
                format!("C{tag}GEN"),
                "general",
                Kind::Public,
                all.clone(),
                true,
            ),
            ch(
                format!("C{tag}RND"),
                "random",
                Kind::Public,
                all.clone(),
                false,
            ),
            ch(
                format!("C{tag}OUT"),
                "outside",
                Kind::Public,
                vec![human(1), human(2)],
                false,
            ),
            ch(
                format!("G{tag}PRV"),
                "secret-plans",
                Kind::Private,
                vec![bot_user_id.clone(), human(1)],
                false,
            ),
            ch(
                format!("D{tag}IM1"),
                "",
                Kind::Im,
                vec![bot_user_id.clone(), human(1)],
                false,
            ),
            ch(
                format!("G{tag}MP1"),
                "mpdm-ada--grace--emulator-bot-1",
                Kind::Mpim,
                vec![bot_user_id.clone(), human(1), human(2)],
                false,
            ),
        ];
        let bot_token = format!("xoxb-{seed}-emulator-bot");
        let user_token = format!("xoxp-{seed}-emulator-ada");
        let mut tokens = HashMap::new();
        tokens.insert(
            bot_token.clone(),
            TokenInfo {
                user_id: bot_user_id.clone(),
                scopes: all_scopes(),
            },
        );
        tokens.insert(
            user_token.clone(),
            TokenInfo {
                user_id: human(1),
                scopes: all_scopes(),
            },
        );
        Workspace {
            team_id,
            team_name: "Emulated Workspace".into(),
            domain: "emulated".into(),
            users,
            tokens,
            channels,
            messages: HashMap::new(),
            files: BTreeMap::new(),
            pending_uploads: HashMap::new(),
            remote_files: BTreeMap::new(),
            views: HashMap::new(),
            rtm_sessions: HashMap::new(),
            bot_user_id,
            bot_id,
            bot_token,
            user_token,
            clock: 0,
            ids: 0,
        }
    }

    /// A fresh, strictly increasing message timestamp.
    pub(crate) fn next_ts(&mut self) -> String {
        self.clock += 1;
        let secs = 1_700_000_000 + self.clock / 1_000_000;
        format!("{secs}.{:06}", self.clock % 1_000_000)
    }

    /// A fresh id with `prefix`.
    pub(crate) fn next_id(&mut self, prefix: &str) -> String {
        self.ids += 1;
        format!("{prefix}{:08X}", self.ids)
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

    pub(crate) fn find_message(&self, channel: &str, ts: &str) -> Option<&Map<String, Value>> {
        self.messages
            .get(channel)?
            .iter()
            .find(|m| m.get("ts").and_then(Value::as_str) == Some(ts))
    }

    pub(crate) fn find_message_mut(
        &mut self,
        channel: &str,
        ts: &str,
    ) -> Option<&mut Map<String, Value>> {
        self.messages
            .get_mut(channel)?
            .iter_mut()
            .find(|m| m.get("ts").and_then(Value::as_str) == Some(ts))
    }

    /// The whole workspace as JSON (`GET /_emulator/state`).
    pub(crate) fn snapshot(&self) -> Value {
        let channels: Vec<Value> = self
            .channels
            .iter()
            .map(|c| {
                let mut v = c.to_json(&self.bot_user_id, true, false);
                if let Value::Object(m) = &mut v {
                    m.insert("members".into(), json!(c.members));
                    m.insert(
                        "messages".into(),
                        json!(self.messages.get(&c.id).cloned().unwrap_or_default()),
                    );
                }
                v
            })
            .collect();
        json!({
            "team": {"id": self.team_id, "name": self.team_name, "domain": self.domain},
            "users": self.users.iter().map(|u| u.to_json(&self.team_id)).collect::<Vec<_>>(),
            "channels": channels,
            "files": self.files.values().cloned().collect::<Vec<_>>(),
            "remote_files": self.remote_files.values().cloned().collect::<Vec<_>>(),
            "views": self.views.values().cloned().collect::<Vec<_>>(),
        })
    }
}
