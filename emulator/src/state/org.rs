//! The Enterprise Grid organization around the emulated workspace: a second workspace, the
//! org's admins, and what the `admin.*` methods keep (app requests and approvals, invite
//! requests, channel settings, roles, barriers, sessions, org emoji).
//!
//! The main workspace's users and channels stay in [`Workspace`](super::Workspace); the org
//! adds team memberships and roles for them, and keeps the channels of its other workspaces
//! here as [`OrgChannel`]s.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A user's role in one workspace of the org.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Role {
    Regular,
    Admin,
    Owner,
    PrimaryOwner,
    /// A multi-channel guest.
    Restricted,
    /// A single-channel guest.
    UltraRestricted,
}

impl Role {
    /// Whether the role may administer its workspace.
    pub(crate) fn is_admin(self) -> bool {
        matches!(self, Role::Admin | Role::Owner | Role::PrimaryOwner)
    }

    /// Whether the role owns its workspace.
    pub(crate) fn is_owner(self) -> bool {
        matches!(self, Role::Owner | Role::PrimaryOwner)
    }
}

/// One workspace of the org.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct OrgTeam {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) domain: String,
    pub(crate) description: String,
    /// `open`, `invite_only`, `closed` or `unlisted`.
    pub(crate) discoverability: String,
    pub(crate) icon: String,
    pub(crate) default_channels: Vec<String>,
    /// Members and their roles.
    pub(crate) members: BTreeMap<String, Role>,
    pub(crate) created: u64,
}

/// A channel of a workspace other than the emulated one (created with
/// `admin.conversations.create` for another `team_id`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct OrgChannel {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) is_private: bool,
    pub(crate) archived: bool,
    pub(crate) members: Vec<String>,
    pub(crate) creator: String,
    pub(crate) created: u64,
    pub(crate) purpose: String,
}

/// The org and its admin data.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Org {
    pub(crate) enterprise_id: String,
    pub(crate) enterprise_name: String,
    pub(crate) domain: String,
    /// Org admins and owners (user ids): the callers `admin.*` methods accept.
    pub(crate) admins: Vec<String>,
    /// The org's primary owner.
    pub(crate) primary_owner: String,
    pub(crate) teams: BTreeMap<String, OrgTeam>,
    /// Channels of the org's other workspaces.
    pub(crate) channels: BTreeMap<String, OrgChannel>,
    /// Per channel (any workspace): `teams` (the workspaces it is in; absent: its own),
    /// `org_wide`, `prefs`, `retention_days`, `restricted_groups`, `exclude_from_slack_ai`,
    /// `properties`.
    pub(crate) channel_settings: BTreeMap<String, Value>,
    /// App install requests by id (`Ar…`).
    pub(crate) app_requests: BTreeMap<String, Value>,
    /// Resolutions per app id: `{app_id, status: approved|restricted, team_id, date}`.
    pub(crate) app_resolutions: BTreeMap<String, Value>,
    /// `admin.apps.config.set` per app id.
    pub(crate) app_config: BTreeMap<String, Value>,
    /// Invite requests by id (`I…`): `{..., status: pending|approved|denied}`.
    pub(crate) invite_requests: BTreeMap<String, Value>,
    /// Invitations sent (`admin.users.invite`, approved invite requests).
    pub(crate) invites: Vec<Value>,
    /// User groups' default channels and workspaces.
    pub(crate) usergroup_channels: BTreeMap<String, Vec<String>>,
    pub(crate) usergroup_teams: BTreeMap<String, Vec<String>>,
    /// Org-wide custom emoji: name → `{url, alias_for, date_created, uploaded_by}`.
    pub(crate) emoji: BTreeMap<String, Value>,
    /// Role assignments `{role_id, entity_id, user_id, date_create}`.
    pub(crate) role_assignments: Vec<Value>,
    /// Information barriers by id.
    pub(crate) barriers: BTreeMap<String, Value>,
    /// Sessions `{user_id, team_id, session_id, created, recent, device}`.
    pub(crate) sessions: Vec<Value>,
    /// Session settings per user.
    pub(crate) session_settings: BTreeMap<String, Value>,
    /// Guest expirations: user → Unix seconds.
    pub(crate) expirations: BTreeMap<String, u64>,
    /// Authentication policies: policy name → `[{entity_id, entity_type}]`.
    pub(crate) auth_policies: BTreeMap<String, Vec<Value>>,
    /// Trusted networks for anomaly events.
    pub(crate) anomaly_allow: Value,
}

impl Org {
    /// The seeded org `E{tag}` ("Emulated Org") with two workspaces: the emulated one (ada
    /// primary owner, grace admin, everyone else regular) and `T{tag}SEC` ("Emulated
    /// Second": ada owner, grace regular). Ada is the org's primary owner and admin, so her
    /// user token (which carries every scope) calls `admin.*`. Pending: one app install
    /// request (`Ar{tag}0001`, by grace) and an invite request in each workspace.
    pub(crate) fn seeded(
        tag: &str,
        main_team: &str,
        main_name: &str,
        users: &[(String, bool)],
    ) -> Self {
        let humans: Vec<&String> = users
            .iter()
            .filter(|(_, bot)| !bot)
            .map(|(u, _)| u)
            .collect();
        let ada = humans.first().map(|s| (*s).clone()).unwrap_or_default();
        let grace = humans.get(1).map(|s| (*s).clone()).unwrap_or_default();
        let mut main_members = BTreeMap::new();
        for (u, _) in users {
            let role = if *u == ada {
                Role::PrimaryOwner
            } else if *u == grace {
                Role::Admin
            } else {
                Role::Regular
            };
            main_members.insert(u.clone(), role);
        }
        let second = format!("T{tag}SEC");
        let mut second_members = BTreeMap::new();
        second_members.insert(ada.clone(), Role::Owner);
        second_members.insert(grace.clone(), Role::Regular);
        let team = |id: &str, name: &str, domain: &str, members| OrgTeam {
            id: id.to_owned(),
            name: name.to_owned(),
            domain: domain.to_owned(),
            description: String::new(),
            discoverability: "open".into(),
            icon: String::new(),
            default_channels: Vec::new(),
            members,
            created: 1_700_000_000,
        };
        let mut teams = BTreeMap::new();
        teams.insert(
            main_team.to_owned(),
            team(main_team, main_name, "emulated", main_members),
        );
        teams.insert(
            second.clone(),
            team(
                &second,
                "Emulated Second",
                "emulated-second",
                second_members,
            ),
        );
        let mut app_requests = BTreeMap::new();
        let req_id = format!("Ar{tag}0001");
        app_requests.insert(
            req_id.clone(),
            serde_json::json!({
                "id": req_id, "app": {"id": format!("A{tag}REQ"), "name": "Standup Helper",
                "description": "Daily standups", "help_url": "https://example.com/help",
                "privacy_policy_url": "https://example.com/privacy",
                "app_homepage_url": "https://example.com", "app_directory_url": "",
                "is_app_directory_approved": true, "is_internal": false,
                "additional_info": ""},
                "previous_resolution": null,
                "user": {"id": grace, "name": "grace", "email": "grace@example.com"},
                "team": {"id": main_team, "name": main_name, "domain": "emulated"},
                "enterprise": null,
                "scopes": [{"name": "chat:write", "description": "Send messages",
                            "is_sensitive": false, "token_type": "bot"}],
                "message": "Please add this", "date_created": 1_700_000_000,
                "status": "pending",
            }),
        );
        let mut invite_requests = BTreeMap::new();
        for (n, (team_id, email)) in [
            (main_team, "newcomer@example.com"),
            (second.as_str(), "visitor@example.com"),
        ]
        .into_iter()
        .enumerate()
        {
            let id = format!("I{tag}{:04}", n + 1);
            invite_requests.insert(
                id.clone(),
                serde_json::json!({"id": id, "email": email, "date_created": 1_700_000_000,
                    "requester_ids": [grace], "channel_ids": [], "invite_type": "full_member",
                    "real_name": "", "date_expire": 1_800_000_000,
                    "request_reason": "joining the project", "team_id": team_id,
                    "status": "pending"}),
            );
        }
        let mut sessions = Vec::new();
        for (n, u) in humans.iter().enumerate() {
            sessions.push(serde_json::json!({
                "user_id": u, "team_id": main_team, "session_id": 1000 + n,
                "created": {"device_hardware": "Mac", "os": "macOS", "os_version": "14",
                            "slack_client_version": "4.40", "ip": "192.0.2.1"},
                "recent": {"device_hardware": "Mac", "os": "macOS", "os_version": "14",
                           "slack_client_version": "4.40", "ip": "192.0.2.1"},
            }));
        }
        Org {
            enterprise_id: format!("E{tag}"),
            enterprise_name: "Emulated Org".into(),
            domain: "emulated-org".into(),
            admins: vec![ada.clone()],
            primary_owner: ada,
            teams,
            app_requests,
            invite_requests,
            sessions,
            anomaly_allow: serde_json::json!({"trusted_cidr": [], "trusted_asns": []}),
            ..Org::default()
        }
    }
}
