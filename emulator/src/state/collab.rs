//! What people do around messages and each other: profiles and presence, user groups, pins,
//! bookmarks, stars, read marks, custom emoji, revoked tokens, Slack Connect invites and
//! message streams.
//!
//! Plain data (serde both ways) so that a workspace snapshot carries it.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// What a user changed about themselves: profile fields, presence, photo.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Person {
    /// Profile fields set with `users.profile.set` (`title`, `status_text`, `fields`, …),
    /// laid over the seeded profile.
    pub(crate) profile: Map<String, Value>,
    /// `away` when set so with `users.setPresence`; otherwise `auto`.
    pub(crate) manual_away: bool,
    /// The hash of the photo set with `users.setPhoto` (`None`: the default avatar).
    pub(crate) photo: Option<String>,
    /// When the profile last changed (Unix seconds).
    pub(crate) updated: u64,
}

/// A user group (`S…`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Usergroup {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) handle: String,
    pub(crate) description: String,
    pub(crate) channels: Vec<String>,
    pub(crate) users: Vec<String>,
    pub(crate) created_by: String,
    pub(crate) updated_by: String,
    pub(crate) date_create: u64,
    pub(crate) date_update: u64,
    /// 0 while enabled; when it was disabled otherwise.
    pub(crate) date_delete: u64,
    pub(crate) deleted_by: Option<String>,
}

/// One pinned item of a channel (a message, or a file).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Pin {
    /// The message `ts`, or `None` for a file.
    pub(crate) ts: Option<String>,
    pub(crate) file: Option<String>,
    pub(crate) created: u64,
    pub(crate) created_by: String,
}

/// A channel bookmark (`Bk…`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Bookmark {
    pub(crate) id: String,
    pub(crate) channel_id: String,
    pub(crate) title: String,
    pub(crate) link: String,
    pub(crate) emoji: String,
    pub(crate) kind: String,
    pub(crate) entity_id: String,
    pub(crate) date_created: u64,
    pub(crate) date_updated: u64,
    pub(crate) updated_by: String,
}

/// A starred (saved) item of one user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Star {
    pub(crate) channel: Option<String>,
    pub(crate) ts: Option<String>,
    pub(crate) file: Option<String>,
    pub(crate) date_create: u64,
}

/// A request from a member to invite someone from outside into a channel (Slack Connect),
/// waiting for an admin, or answered.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct InviteRequest {
    pub(crate) id: String,
    pub(crate) channel: String,
    pub(crate) user: String,
    pub(crate) email: String,
    pub(crate) created: u64,
    pub(crate) expires_at: u64,
    /// `pending`, `approved` or `denied`.
    pub(crate) status: String,
}

/// A Slack Connect invite sent with `conversations.inviteShared`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ConnectInvite {
    pub(crate) id: String,
    /// Sent to this workspace by another organisation (else sent from here).
    pub(crate) incoming: bool,
    /// The inviting organisation of an incoming invite.
    pub(crate) from_team: String,
    /// The channel's name (an incoming invite's channel does not exist here yet).
    pub(crate) channel_name: String,
    pub(crate) channel: String,
    pub(crate) inviter: String,
    pub(crate) emails: Vec<String>,
    pub(crate) user_ids: Vec<String>,
    pub(crate) created: u64,
    /// `sent`, `accepted`, `approved`, `declined`.
    pub(crate) status: String,
}

/// Another organisation this workspace is connected with.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ExternalTeam {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) domain: String,
    pub(crate) connected: bool,
    /// Per channel: `upgrade`/`downgrade` as set with `externalInvitePermissions.set`.
    pub(crate) permissions: BTreeMap<String, String>,
}

/// Everything in this module, kept on the workspace.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Collab {
    pub(crate) people: BTreeMap<String, Person>,
    pub(crate) usergroups: Vec<Usergroup>,
    /// Pins per channel, oldest first.
    pub(crate) pins: BTreeMap<String, Vec<Pin>>,
    pub(crate) bookmarks: Vec<Bookmark>,
    /// Stars per user, oldest first.
    pub(crate) stars: BTreeMap<String, Vec<Star>>,
    /// Read marks: channel → user → `ts`.
    pub(crate) last_read: BTreeMap<String, BTreeMap<String, String>>,
    /// IMs and MPIMs a user closed: user → channels.
    pub(crate) closed: BTreeMap<String, BTreeSet<String>>,
    /// Custom emoji: name → URL, or `alias:<name>`.
    pub(crate) emoji: BTreeMap<String, String>,
    /// Tokens revoked with `auth.revoke`.
    pub(crate) revoked: BTreeSet<String>,
    pub(crate) invite_requests: Vec<InviteRequest>,
    pub(crate) connect_invites: Vec<ConnectInvite>,
    pub(crate) external_teams: Vec<ExternalTeam>,
    /// Messages being streamed (`chat.startStream` until `chat.stopStream`): `channel ts`.
    pub(crate) streams: BTreeSet<String>,
    /// Unfurls attached by `chat.unfurl`: `channel ts` → URL → attachment.
    pub(crate) unfurls: BTreeMap<String, Map<String, Value>>,
}

impl Collab {
    /// The seeded data: three custom emoji (one alias), one connected organisation with an
    /// invite from it to a shared channel, and one pending request to invite an outsider
    /// into `#general`.
    pub(crate) fn seeded(tag: &str, general: &str, requester: &str) -> Self {
        let mut c = Collab::default();
        for (name, url) in [
            ("partyparrot", "https://emoji.example.com/partyparrot.gif"),
            ("shipit", "https://emoji.example.com/shipit.png"),
            ("squirrel", "alias:shipit"),
        ] {
            c.emoji.insert(name.into(), url.into());
        }
        c.external_teams.push(ExternalTeam {
            id: format!("T{tag}EXT"),
            name: "Partner Org".into(),
            domain: "partner-org".into(),
            connected: true,
            permissions: BTreeMap::new(),
        });
        c.connect_invites.push(ConnectInvite {
            id: format!("I{tag}INC"),
            incoming: true,
            from_team: format!("T{tag}EXT"),
            channel_name: "partner-project".into(),
            channel: format!("C{tag}EXTCH"),
            inviter: format!("U{tag}EXT"),
            emails: vec!["ada@example.com".into()],
            user_ids: Vec::new(),
            created: 1_700_000_000,
            status: "sent".into(),
        });
        c.invite_requests.push(InviteRequest {
            id: format!("I{tag}REQ"),
            channel: general.into(),
            user: requester.into(),
            email: "guest@partner.example.com".into(),
            created: 1_700_000_000,
            expires_at: 4_102_444_800,
            status: "pending".into(),
        });
        c
    }

    /// The changes a user made to themselves (created empty on first use).
    pub(crate) fn person_mut(&mut self, user: &str) -> &mut Person {
        self.people.entry(user.to_owned()).or_default()
    }
}
