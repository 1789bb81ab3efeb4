//! The records of the workspace: users, tokens, conversations, pending uploads.

use std::collections::BTreeSet;

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Kinds of conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Kind {
    Public,
    Private,
    Im,
    Mpim,
}

impl Kind {
    /// The name `conversations.list` uses in `types`.
    pub(crate) fn type_name(self) -> &'static str {
        match self {
            Kind::Public => "public_channel",
            Kind::Private => "private_channel",
            Kind::Im => "im",
            Kind::Mpim => "mpim",
        }
    }

    /// The `channel_type` of events (`C`, `G`, `D`).
    pub(crate) fn event_code(self) -> &'static str {
        match self {
            Kind::Public => "C",
            Kind::Private | Kind::Mpim => "G",
            Kind::Im => "D",
        }
    }
}

/// A member of the workspace (a human or the bot).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct User {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) real_name: String,
    pub(crate) email: String,
    pub(crate) is_bot: bool,
    pub(crate) bot_id: Option<String>,
}

impl User {
    /// Slack's `user` object (`users.info`, `users.list`).
    pub(crate) fn to_json(&self, team_id: &str, include_locale: bool) -> Value {
        let mut v = json!({
            "id": self.id, "team_id": team_id, "name": self.name, "deleted": false,
            "color": "9f69e7", "real_name": self.real_name, "tz": "Europe/London",
            "tz_label": "Greenwich Mean Time", "tz_offset": 0, "is_admin": false,
            "is_owner": false, "is_primary_owner": false, "is_restricted": false,
            "is_ultra_restricted": false, "is_bot": self.is_bot, "is_app_user": false,
            "updated": 1_700_000_000,
            "profile": {
                "real_name": self.real_name, "real_name_normalized": self.real_name,
                "display_name": self.name, "display_name_normalized": self.name,
                "email": if self.email.is_empty() { Value::Null } else { json!(self.email) },
                "team": team_id, "status_text": "", "status_emoji": "",
                "image_48": format!("https://avatars.example.com/{}_48.png", self.id),
                "avatar_hash": "", "title": "", "phone": "", "skype": "", "fields": {},
            }
        });
        // Only bots' profiles carry a `bot_id` (Slack leaves it out for people).
        if let Some(bot_id) = &self.bot_id {
            v["profile"]["bot_id"] = json!(bot_id);
        }
        if include_locale {
            v["locale"] = json!("en-US");
        }
        v
    }
}

/// A token: whose it is and which scopes it carries.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct TokenInfo {
    pub(crate) user_id: String,
    pub(crate) scopes: BTreeSet<String>,
}

/// A conversation: public or private channel, IM or MPIM.
#[derive(Debug, Clone, Serialize, Deserialize)]
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
    /// Whether `user` is a member.
    pub(crate) fn has_member(&self, user: &str) -> bool {
        self.members.iter().any(|m| m == user)
    }

    /// Slack's `conversation` object as seen by `viewer`.
    pub(crate) fn to_json(&self, viewer: &str, num_members: bool, locale: bool) -> Value {
        let mut v = json!({
            "id": self.id,
            "created": self.created,
            "is_archived": self.archived,
            "is_channel": self.kind == Kind::Public,
            "is_group": self.kind == Kind::Private,
            "is_im": self.kind == Kind::Im,
            "is_mpim": self.kind == Kind::Mpim,
            "is_private": self.kind != Kind::Public,
            "is_general": self.is_general,
            "is_shared": false, "is_ext_shared": false, "is_org_shared": false,
            "is_pending_ext_shared": false,
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
                m.insert("is_user_deleted".into(), json!(false));
                m.insert("priority".into(), json!(0));
            } else {
                // Slack's IM object has no `is_member` (the IM option of
                // `objs_conversation`, and `users.conversations`' recorded answer).
                m.insert("is_member".into(), json!(self.has_member(viewer)));
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
                m.insert("previous_names".into(), json!([]));
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

/// A file announced by `files.getUploadURLExternal` and not completed yet.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PendingUpload {
    pub(crate) filename: String,
    pub(crate) user: String,
    /// The first bytes received at the upload URL (`None` until uploaded).
    #[serde(with = "super::bytes_b64::option")]
    pub(crate) data: Option<Bytes>,
    /// Bytes received at the upload URL.
    pub(crate) received: u64,
    pub(crate) alt_text: Option<String>,
    pub(crate) snippet_type: Option<String>,
}
