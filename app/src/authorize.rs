//! The `authorize` hook: which workspace a delivery comes from, so that [`App::authorize`]
//! can hand its handlers that workspace's client (multi-workspace apps installed by OAuth).

use std::sync::Arc;

use serde_json::Value;
use slack_core::WebClient;

use crate::context::BoxFuture;
use crate::listener::HandlerError;
use crate::{App, Incoming};

/// Who a delivery is for: the ids in its payload (`team_id`, `enterprise_id`,
/// `is_enterprise_install`, or `team.id`/`enterprise.id` in interactions).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuthorizeQuery {
    /// The Enterprise Grid org.
    pub enterprise_id: Option<String>,
    /// The workspace.
    pub team_id: Option<String>,
    /// The app is installed org-wide.
    pub is_enterprise_install: bool,
}

impl AuthorizeQuery {
    /// The ids of a payload's JSON.
    pub fn from_payload(body: &str) -> Self {
        let Ok(v) = serde_json::from_str::<Value>(body) else {
            return AuthorizeQuery::default();
        };
        let s = |v: &Value| v.as_str().filter(|s| !s.is_empty()).map(str::to_owned);
        let team_id = s(&v["team_id"])
            .or_else(|| s(&v["team"]["id"]))
            .or_else(|| s(&v["user"]["team_id"]));
        let enterprise_id = s(&v["enterprise_id"]).or_else(|| s(&v["enterprise"]["id"]));
        let is_enterprise_install = v["is_enterprise_install"].as_bool().unwrap_or(false)
            || v["is_enterprise_install"].as_str() == Some("true");
        AuthorizeQuery {
            enterprise_id,
            team_id,
            is_enterprise_install,
        }
    }
}

pub(crate) type Authorize = Arc<
    dyn Fn(AuthorizeQuery) -> BoxFuture<'static, Result<WebClient, HandlerError>> + Send + Sync,
>;

impl App {
    /// Give each delivery the client of the workspace it comes from: `authorize` gets the
    /// payload's team and enterprise ids and returns that workspace's client (from an
    /// installation store). A delivery it refuses is acknowledged and reported, and no
    /// handler runs. Without this hook every handler gets the client of [`App::new`].
    ///
    /// ```no_run
    /// # fn run(app: slack_app::App, clients: std::collections::HashMap<String, slack_core::WebClient>) {
    /// let clients = std::sync::Arc::new(clients);
    /// let app = app.authorize(move |q| {
    ///     let clients = clients.clone();
    ///     async move {
    ///         let team = q.team_id.unwrap_or_default();
    ///         clients.get(&team).cloned().ok_or_else(|| format!("not installed in {team}").into())
    ///     }
    /// });
    /// # }
    /// ```
    pub fn authorize<F, Fut>(mut self, authorize: F) -> Self
    where
        F: Fn(AuthorizeQuery) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<WebClient, HandlerError>> + Send + 'static,
    {
        self.authorize = Some(Arc::new(move |q| Box::pin(authorize(q))));
        self
    }

    /// The client for `incoming`: the hook's, or the app's.
    pub(crate) async fn client_for(&self, incoming: &Incoming) -> Result<WebClient, HandlerError> {
        match &self.authorize {
            Some(hook) => hook(AuthorizeQuery::from_payload(&incoming.body)).await,
            None => Ok(self.web.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_events_commands_and_interactions() {
        let ev = AuthorizeQuery::from_payload(
            r#"{"type":"event_callback","team_id":"T1","enterprise_id":"E1","is_enterprise_install":false}"#,
        );
        assert_eq!(ev.team_id.as_deref(), Some("T1"));
        assert_eq!(ev.enterprise_id.as_deref(), Some("E1"));
        let ia = AuthorizeQuery::from_payload(
            r#"{"type":"block_actions","team":{"id":"T2"},"enterprise":null,"is_enterprise_install":true}"#,
        );
        assert_eq!(ia.team_id.as_deref(), Some("T2"));
        assert_eq!(ia.enterprise_id, None);
        assert!(ia.is_enterprise_install);
        assert_eq!(
            AuthorizeQuery::from_payload("not json"),
            AuthorizeQuery::default()
        );
    }
}
