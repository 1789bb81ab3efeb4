//! [`Installation`]: what one install of the app into a workspace (or an Enterprise Grid
//! org) left: tokens, scopes, the incoming webhook.

use std::fmt;

use serde::{Deserialize, Serialize};
use slack_core::responses::oauth::v2::AccessResponse;

use crate::secret::Secret;
use crate::{Error, Result};

/// Which installation: a workspace (`team_id`, with its `enterprise_id` on Enterprise Grid),
/// or an org-wide install (`enterprise_id` only).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct InstallationKey {
    /// The Enterprise Grid org, if any.
    pub enterprise_id: Option<String>,
    /// The workspace; `None` for an org-wide install.
    pub team_id: Option<String>,
}

impl InstallationKey {
    /// A workspace install.
    pub fn team(team_id: impl Into<String>) -> Self {
        InstallationKey {
            enterprise_id: None,
            team_id: Some(team_id.into()),
        }
    }

    /// An org-wide install.
    pub fn enterprise(enterprise_id: impl Into<String>) -> Self {
        InstallationKey {
            enterprise_id: Some(enterprise_id.into()),
            team_id: None,
        }
    }

    /// The key as one string, `E…:T…` (`-` for a missing part): file names, SQL keys, locks.
    pub fn as_string(&self) -> String {
        format!(
            "{}:{}",
            self.enterprise_id.as_deref().unwrap_or("-"),
            self.team_id.as_deref().unwrap_or("-")
        )
    }
}

impl fmt::Display for InstallationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_string())
    }
}

/// The bot side of an installation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Bot {
    /// The bot token (`xoxb-…`, or `xoxe.xoxb-…` with token rotation).
    pub token: Secret,
    /// The bot's user id (`U…`).
    pub user_id: Option<String>,
    /// The bot scopes granted.
    pub scopes: Vec<String>,
    /// With token rotation: the single-use refresh token (`xoxe-1-…`).
    pub refresh_token: Option<Secret>,
    /// With token rotation: when `token` expires (Unix seconds).
    pub expires_at: Option<u64>,
}

/// The installing user's token, when user scopes were asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UserAuth {
    /// Who installed (`U…`).
    pub user_id: String,
    /// Their token (`xoxp-…`), when user scopes were granted.
    pub token: Option<Secret>,
    /// The user scopes granted.
    pub scopes: Vec<String>,
    /// With token rotation: the refresh token.
    pub refresh_token: Option<Secret>,
    /// With token rotation: when `token` expires (Unix seconds).
    pub expires_at: Option<u64>,
}

/// The incoming webhook, when `incoming-webhook` was granted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IncomingWebhook {
    /// The webhook URL (a secret: anyone with it can post).
    pub url: Secret,
    /// The channel's name.
    pub channel: Option<String>,
    /// The channel's id.
    pub channel_id: Option<String>,
    /// Where the user manages it.
    pub configuration_url: Option<String>,
}

/// One installation of the app. `Debug` shows no token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Installation {
    /// The app (`A…`).
    pub app_id: Option<String>,
    /// The Enterprise Grid org.
    pub enterprise_id: Option<String>,
    /// The org's name.
    pub enterprise_name: Option<String>,
    /// The workspace (`None` for an org-wide install).
    pub team_id: Option<String>,
    /// The workspace's name.
    pub team_name: Option<String>,
    /// An org-wide install.
    pub is_enterprise_install: bool,
    /// The bot token and its scopes.
    pub bot: Option<Bot>,
    /// The installing user (and their token, with user scopes).
    pub user: Option<UserAuth>,
    /// The incoming webhook.
    pub incoming_webhook: Option<IncomingWebhook>,
    /// When it was installed (Unix seconds).
    pub installed_at: u64,
}

fn scopes(s: Option<&str>) -> Vec<String> {
    s.unwrap_or_default()
        .split(',')
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

fn expiry(now: u64, expires_in: Option<i64>) -> Option<u64> {
    expires_in
        .and_then(|s| u64::try_from(s).ok())
        .map(|s| now.saturating_add(s))
}

impl Installation {
    /// Where it is stored.
    pub fn key(&self) -> InstallationKey {
        InstallationKey {
            enterprise_id: self.enterprise_id.clone(),
            team_id: if self.is_enterprise_install {
                None
            } else {
                self.team_id.clone()
            },
        }
    }

    /// From a code exchange's answer, received at `now` (Unix seconds).
    pub fn from_access(r: &AccessResponse, now: u64) -> Result<Self> {
        let bot = r.access_token.as_ref().map(|t| Bot {
            token: Secret::new(t.clone()),
            user_id: r.bot_user_id.clone(),
            scopes: scopes(r.scope.as_deref()),
            refresh_token: r.refresh_token.clone().map(Secret::new),
            expires_at: expiry(now, r.expires_in),
        });
        let user = r.authed_user.as_ref().and_then(|u| {
            Some(UserAuth {
                user_id: u.id.clone()?,
                token: u.access_token.clone().map(Secret::new),
                scopes: scopes(u.scope.as_deref()),
                refresh_token: u.refresh_token.clone().map(Secret::new),
                expires_at: expiry(now, u.expires_in),
            })
        });
        if bot.is_none() && user.as_ref().is_none_or(|u| u.token.is_none()) {
            return Err(Error::InvalidResponse("no access token"));
        }
        let is_enterprise_install = r.is_enterprise_install.unwrap_or(false);
        let team_id = r.team.as_ref().and_then(|t| t.id.clone());
        let enterprise_id = r.enterprise.as_ref().and_then(|e| e.id.clone());
        if team_id.is_none() && enterprise_id.is_none() {
            return Err(Error::InvalidResponse("neither team nor enterprise"));
        }
        let raw = serde_json::to_value(r).unwrap_or_default();
        let incoming_webhook = raw.get("incoming_webhook").and_then(|w| {
            Some(IncomingWebhook {
                url: Secret::new(w.get("url")?.as_str()?),
                channel: w.get("channel").and_then(|v| v.as_str()).map(str::to_owned),
                channel_id: w
                    .get("channel_id")
                    .and_then(|v| v.as_str())
                    .map(str::to_owned),
                configuration_url: w
                    .get("configuration_url")
                    .and_then(|v| v.as_str())
                    .map(str::to_owned),
            })
        });
        Ok(Installation {
            app_id: r.app_id.clone(),
            enterprise_name: r.enterprise.as_ref().and_then(|e| e.name.clone()),
            enterprise_id,
            team_name: r.team.as_ref().and_then(|t| t.name.clone()),
            team_id,
            is_enterprise_install,
            bot,
            user,
            incoming_webhook,
            installed_at: now,
        })
    }

    /// Whether a token of it expires within `margin` seconds of `now` and can be refreshed.
    pub fn needs_refresh(&self, now: u64, margin: u64) -> bool {
        let soon = |at: Option<u64>, refresh: bool| {
            refresh && at.is_some_and(|at| at <= now.saturating_add(margin))
        };
        self.bot
            .as_ref()
            .is_some_and(|b| soon(b.expires_at, b.refresh_token.is_some()))
            || self
                .user
                .as_ref()
                .is_some_and(|u| soon(u.expires_at, u.refresh_token.is_some()))
    }

    /// The bot token, else the user token.
    pub fn token(&self) -> Option<&Secret> {
        self.bot
            .as_ref()
            .map(|b| &b.token)
            .or_else(|| self.user.as_ref().and_then(|u| u.token.as_ref()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> AccessResponse {
        serde_json::from_value(serde_json::json!({
            "ok": true, "access_token": "xoxe.xoxb-1-secret-bot", "token_type": "bot",
            "scope": "chat:write,commands", "bot_user_id": "UB", "app_id": "A1",
            "team": {"id": "T1", "name": "Team"}, "enterprise": null,
            "is_enterprise_install": false, "expires_in": 43200,
            "refresh_token": "xoxe-1-secret-refresh",
            "authed_user": {"id": "U1", "scope": "search:read", "access_token": "xoxe.xoxp-1-secret-user",
                            "token_type": "user", "expires_in": 43200, "refresh_token": "xoxe-1-secret-user-refresh"},
            "incoming_webhook": {"url": "https://hooks.slack.com/services/secret-hook", "channel": "#general", "channel_id": "C1"}
        }))
        .unwrap_or_default()
    }

    #[test]
    fn from_access_and_debug_hides_every_secret() {
        let i = Installation::from_access(&sample(), 1000).expect("valid");
        assert_eq!(i.key(), InstallationKey::team("T1"));
        let bot = i.bot.as_ref().expect("bot");
        assert_eq!(bot.expires_at, Some(44_200));
        assert_eq!(bot.scopes, ["chat:write", "commands"]);
        assert_eq!(i.user.as_ref().map(|u| u.user_id.as_str()), Some("U1"));
        assert_eq!(
            i.incoming_webhook.as_ref().map(|w| w.url.expose()),
            Some("https://hooks.slack.com/services/secret-hook")
        );
        let debug = format!("{i:?}");
        assert!(!debug.contains("secret"), "{debug}");
        assert!(!i.needs_refresh(1000, 300));
        assert!(i.needs_refresh(44_000, 300));
    }

    #[test]
    fn no_token_is_an_error() {
        let r: AccessResponse =
            serde_json::from_value(serde_json::json!({"ok": true, "team": {"id": "T"}}))
                .unwrap_or_default();
        assert!(matches!(
            Installation::from_access(&r, 0),
            Err(Error::InvalidResponse(_))
        ));
    }
}
