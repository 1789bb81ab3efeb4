//! [`Clients`]: Web API clients per workspace, sharing one transport.

use std::fmt;
use std::sync::Arc;

use slack_core::transport::HttpTransport;
use slack_core::WebClient;

use crate::authorize_url::SLACK_AUTHORIZE_URL;
use crate::secret::Secret;
use crate::{Error, Result};

/// Where one workspace's consent page and Web API are.
///
/// In real use every team shares Slack's (`https://slack.com/oauth/v2/authorize` and
/// `https://slack.com/api/`); a test against emulators, one emulator per workspace, maps
/// each team to its emulator with [`Clients::endpoints`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// The consent page.
    pub authorize_url: String,
    /// The Web API base URL (ending in `/`); `None`: the template client's.
    pub api_url: Option<String>,
}

impl Default for Endpoints {
    fn default() -> Self {
        Endpoints {
            authorize_url: SLACK_AUTHORIZE_URL.into(),
            api_url: None,
        }
    }
}

type Resolver = Arc<dyn Fn(Option<&str>) -> Endpoints + Send + Sync>;

/// Builds a client per workspace from a template client (its transport, timer, retry
/// policy and base URL), with that workspace's token.
///
/// ```no_run
/// # fn run(web: slack_core::WebClient) {
/// let clients = slack_oauth::Clients::new(web);
/// let c = clients.client(Some("T123"), Some(&slack_oauth::Secret::new("xoxb-…")));
/// # }
/// ```
#[derive(Clone)]
pub struct Clients {
    template: WebClient,
    resolve: Resolver,
}

impl fmt::Debug for Clients {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Clients")
            .field("template", &self.template)
            .finish_non_exhaustive()
    }
}

impl Clients {
    /// Clients like `template` (its token is not used).
    pub fn new(template: impl Into<WebClient>) -> Self {
        Clients {
            template: template.into(),
            resolve: Arc::new(|_| Endpoints::default()),
        }
    }

    /// Where each team's consent page and Web API are (`None`: the team is not known yet,
    /// an install without a team hint).
    pub fn endpoints(
        mut self,
        resolve: impl Fn(Option<&str>) -> Endpoints + Send + Sync + 'static,
    ) -> Self {
        self.resolve = Arc::new(resolve);
        self
    }

    /// The endpoints of `team`.
    pub fn endpoints_of(&self, team: Option<&str>) -> Endpoints {
        (self.resolve)(team)
    }

    /// The template client.
    pub fn template(&self) -> &WebClient {
        &self.template
    }

    /// A client for `team` with `token` (none: for `oauth.v2.access`).
    pub fn client(&self, team: Option<&str>, token: Option<&Secret>) -> Result<WebClient> {
        self.client_over(team, token, self.template.transport().clone())
    }

    /// The same over another transport (the rotating one).
    pub(crate) fn client_over(
        &self,
        team: Option<&str>,
        token: Option<&Secret>,
        transport: Arc<dyn HttpTransport>,
    ) -> Result<WebClient> {
        let base = self
            .endpoints_of(team)
            .api_url
            .unwrap_or_else(|| self.template.config().base_url().to_owned());
        let mut b = WebClient::builder()
            .http_transport(transport)
            .timer(self.template.timer().clone())
            .retry_policy(self.template.retry_policy().clone())
            .base_url(base);
        if let Some(ws) = self.template.ws_transport() {
            b = b.websocket(ws.clone());
        }
        if let Some(t) = token {
            b = b.token(t.expose());
        }
        b.build().map_err(Error::from)
    }
}
