//! The seeded workspace: a team, the bot and three humans, and six conversations.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::model::{Channel, Kind, TokenInfo, User};
use super::{Collab, Extras, Org, SearchIndex, Workspace};

/// Every scope the method table mentions, given to the seeded tokens.
fn all_scopes() -> BTreeSet<String> {
    slack_core::method::all()
        .iter()
        .flat_map(|m| m.bot_scopes.iter().chain(m.user_scopes.iter()))
        .map(|s| (*s).to_owned())
        .collect()
}

impl Workspace {
    /// The seeded workspace. `seed` makes ids and tokens distinct between emulators.
    ///
    /// - users: `emulator-bot` (the bot), `ada`, `grace`, `linus`;
    /// - `#general` and `#random` (public, everyone), `#outside` (public, the bot is not a
    ///   member), `#secret-plans` (private: bot and ada), an IM bot–ada and an MPIM
    ///   bot–ada–grace;
    /// - a bot token (`xoxb-…`) and a user token for ada (`xoxp-…`), with every scope;
    /// - the app (`A…`) with its app-level token (`xapp-1-…`, only for
    ///   `apps.connections.open`).
    pub(crate) fn seeded(seed: u64) -> Self {
        let tag = format!("{:06X}", seed % 0xFF_FFFF);
        // Slack's team and bot ids carry at least eight characters after the letter.
        let team_id = format!("T{tag}EMU");
        let bot_user_id = format!("U{tag}BOT");
        let bot_id = format!("B{tag}BOT");
        let human = |n: u32, name: &str, real: &str| User {
            id: format!("U{tag}{n:03}"),
            name: name.into(),
            real_name: real.into(),
            email: format!("{name}@example.com"),
            is_bot: false,
            bot_id: None,
        };
        let users = vec![
            User {
                id: bot_user_id.clone(),
                name: "emulator-bot".into(),
                real_name: "Emulator Bot".into(),
                email: String::new(),
                is_bot: true,
                bot_id: Some(bot_id.clone()),
            },
            human(1, "ada", "Ada Lovelace"),
            human(2, "grace", "Grace Hopper"),
            human(3, "linus", "Linus T"),
        ];
        let ada = users[1].id.clone();
        let collab = Collab::seeded(&tag, &format!("C{tag}GEN"), &users[2].id);
        let grace = users[2].id.clone();
        let everyone: Vec<String> = users.iter().map(|u| u.id.clone()).collect();
        let channel = |id: String, name: &str, kind, members: Vec<String>, general| Channel {
            id,
            name: name.to_owned(),
            kind,
            created: 1_700_000_000,
            creator: ada.clone(),
            members,
            archived: false,
            topic: String::new(),
            purpose: String::new(),
            is_general: general,
        };
        let channels = vec![
            channel(
                format!("C{tag}GEN"),
                "general",
                Kind::Public,
                everyone.clone(),
                true,
            ),
            channel(
                format!("C{tag}RND"),
                "random",
                Kind::Public,
                everyone,
                false,
            ),
            channel(
                format!("C{tag}OUT"),
                "outside",
                Kind::Public,
                vec![ada.clone(), grace.clone()],
                false,
            ),
            channel(
                format!("G{tag}PRV"),
                "secret-plans",
                Kind::Private,
                vec![bot_user_id.clone(), ada.clone()],
                false,
            ),
            channel(
                format!("D{tag}IM1"),
                "",
                Kind::Im,
                vec![bot_user_id.clone(), ada.clone()],
                false,
            ),
            channel(
                format!("G{tag}MP1"),
                "mpdm-ada--grace--emulator-bot-1",
                Kind::Mpim,
                vec![bot_user_id.clone(), ada.clone(), grace],
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
                user_id: ada.clone(),
                scopes: all_scopes(),
            },
        );
        let extras = Extras::seeded(seed, &tag, &format!("A{tag}APP"), &channels[0].id, &ada);
        let member_list: Vec<(String, bool)> =
            users.iter().map(|u| (u.id.clone(), u.is_bot)).collect();
        let org = Org::seeded(&tag, &team_id, "Emulated Workspace", &member_list);
        Workspace {
            team_id,
            team_name: "Emulated Workspace".into(),
            domain: "emulated".into(),
            users,
            tokens,
            channels,
            messages: HashMap::new(),
            files: BTreeMap::new(),
            file_data: HashMap::new(),
            pending_uploads: HashMap::new(),
            remote_files: BTreeMap::new(),
            views: BTreeMap::new(),
            rtm_sessions: HashMap::new(),
            socket_tickets: HashSet::new(),
            app_token: format!("xapp-1-A{tag}APP-{seed}-emulator"),
            app_id: format!("A{tag}APP"),
            verification_token: format!("emulator-verification-{seed}"),
            bot_user_id,
            bot_id,
            bot_token,
            user_token,
            extras,
            org,
            scheduled: BTreeMap::new(),
            reminders: BTreeMap::new(),
            dnd: BTreeMap::new(),
            trigger_ids: BTreeMap::new(),
            clock: crate::clock::Clock::default(),
            last_ts: 0,
            oauth: crate::oauth::OAuthState::default(),
            collab,
            search_index: SearchIndex::empty(),
            ids: 0,
        }
    }
}
