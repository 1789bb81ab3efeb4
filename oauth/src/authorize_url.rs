//! [`AuthorizeUrl`]: the consent page URL an install starts at.

/// Slack's consent page.
pub const SLACK_AUTHORIZE_URL: &str = "https://slack.com/oauth/v2/authorize";

/// Builds `https://slack.com/oauth/v2/authorize?client_id=…&scope=…&user_scope=…&redirect_uri=…&state=…&team=…`.
///
/// ```
/// let url = slack_oauth::AuthorizeUrl::new("123.456", "st4te")
///     .scopes(["chat:write", "commands"])
///     .team("T123")
///     .build();
/// assert_eq!(
///     url,
///     "https://slack.com/oauth/v2/authorize?client_id=123.456&scope=chat%3Awrite%2Ccommands&state=st4te&team=T123"
/// );
/// ```
#[derive(Debug, Clone)]
pub struct AuthorizeUrl {
    base: String,
    client_id: String,
    state: String,
    scopes: Vec<String>,
    user_scopes: Vec<String>,
    redirect_uri: Option<String>,
    team: Option<String>,
}

impl AuthorizeUrl {
    /// The URL for the app `client_id` with a `state` from a [`StateStore`](crate::StateStore).
    pub fn new(client_id: impl Into<String>, state: impl Into<String>) -> Self {
        AuthorizeUrl {
            base: SLACK_AUTHORIZE_URL.into(),
            client_id: client_id.into(),
            state: state.into(),
            scopes: Vec::new(),
            user_scopes: Vec::new(),
            redirect_uri: None,
            team: None,
        }
    }

    /// Another consent page (the emulator's `…/oauth/v2/authorize`).
    pub fn base(mut self, base: impl Into<String>) -> Self {
        self.base = base.into();
        self
    }

    /// Bot scopes.
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// User scopes.
    pub fn user_scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.user_scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// The redirect URI.
    pub fn redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.redirect_uri = Some(uri.into());
        self
    }

    /// Open the consent page on this workspace.
    pub fn team(mut self, team: impl Into<String>) -> Self {
        self.team = Some(team.into());
        self
    }

    /// The URL.
    pub fn build(&self) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair("client_id", &self.client_id);
        if !self.scopes.is_empty() {
            q.append_pair("scope", &self.scopes.join(","));
        }
        if !self.user_scopes.is_empty() {
            q.append_pair("user_scope", &self.user_scopes.join(","));
        }
        if let Some(r) = &self.redirect_uri {
            q.append_pair("redirect_uri", r);
        }
        q.append_pair("state", &self.state);
        if let Some(t) = &self.team {
            q.append_pair("team", t);
        }
        format!("{}?{}", self.base, q.finish())
    }
}
