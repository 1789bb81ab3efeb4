//! [`Authorizer`]: the right workspace's client, with its tokens refreshed before they
//! expire (once across replicas) and a call that meets `token_expired` refreshed and
//! retried once.
//!
//! ```text
//!  event (team T) ──▶ Authorizer::client_for(T) ──▶ store.find(T) ── expires within margin? ──┐
//!                                                                 no │                  yes │
//!                                                                    ▼                      ▼
//!                                     WebClient(T's token) over RotatingTransport   store.try_lock("refresh:T")
//!                                                                    │              won: oauth.v2.access
//!  call ──▶ Slack ── ok:false token_expired ──▶ refresh (as above) ──┘                   (refresh_token) → save
//!                                   └──▶ the same request again, new token, once   lost: wait, re-read
//! ```

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::header::AUTHORIZATION;
use http::HeaderValue;
use slack_core::api::oauth::v2::Access;
use slack_core::transport::{
    Body, BoxFuture, HttpRequest, HttpResponse, HttpTransport, TransportError,
};
use slack_core::WebClient;

use crate::clients::Clients;
use crate::installation::{Installation, InstallationKey};
use crate::secret::Secret;
use crate::settings::OAuthSettings;
use crate::store::InstallationStore;
use crate::{Error, Result};

/// How often a replica waiting for another's refresh looks again.
const LOCK_POLL: Duration = Duration::from_millis(50);

/// Gives each event its workspace's client, refreshing tokens as needed. Cheap to clone.
///
/// ```no_run
/// use std::sync::Arc;
/// # async fn run(web: slack_core::WebClient) -> slack_oauth::Result<()> {
/// let settings = slack_oauth::OAuthSettings::new("123.456", "secret");
/// let store = Arc::new(slack_oauth::MemoryStore::default());
/// let authorizer = slack_oauth::Authorizer::new(settings, store, web);
/// let client = authorizer.client_for(None, Some("T123")).await?;
/// client.call(slack_core::api::chat::PostMessage::new("#general").text("hi")).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Authorizer {
    inner: Arc<Inner>,
}

struct Inner {
    settings: OAuthSettings,
    store: Arc<dyn InstallationStore>,
    clients: Clients,
    /// This replica's name in the store's locks.
    holder: String,
    /// One refresh at a time per installation inside this process.
    local: tokio::sync::Mutex<HashMap<InstallationKey, Arc<tokio::sync::Mutex<()>>>>,
}

impl fmt::Debug for Authorizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authorizer")
            .field("settings", &self.inner.settings)
            .field("store", &self.inner.store)
            .field("holder", &self.inner.holder)
            .finish_non_exhaustive()
    }
}

fn replica_name() -> String {
    let mut b = [0u8; 8];
    let _ = getrandom::getrandom(&mut b);
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{hex}", std::process::id())
}

impl Authorizer {
    /// Over `store`, with clients like `template` (every team on the template's base URL).
    pub fn new(
        settings: OAuthSettings,
        store: Arc<dyn InstallationStore>,
        template: impl Into<WebClient>,
    ) -> Self {
        Self::with_clients(settings, store, Clients::new(template))
    }

    /// Over `store`, with `clients` (per-team endpoints: emulators in tests).
    pub fn with_clients(
        settings: OAuthSettings,
        store: Arc<dyn InstallationStore>,
        clients: Clients,
    ) -> Self {
        Authorizer {
            inner: Arc::new(Inner {
                settings,
                store,
                clients,
                holder: replica_name(),
                local: tokio::sync::Mutex::new(HashMap::new()),
            }),
        }
    }

    /// The clients it builds from.
    pub fn clients(&self) -> &Clients {
        &self.inner.clients
    }

    /// The installation for a workspace (falling back to its org's org-wide install),
    /// refreshed first when a token expires within the margin.
    pub async fn installation(
        &self,
        enterprise_id: Option<&str>,
        team_id: Option<&str>,
    ) -> Result<Installation> {
        let key = InstallationKey {
            enterprise_id: enterprise_id.map(str::to_owned),
            team_id: team_id.map(str::to_owned),
        };
        let store = &self.inner.store;
        let (key, found) = match store.find_installation(&key).await? {
            Some(i) => (key, i),
            None => {
                let org = InstallationKey {
                    enterprise_id: key.enterprise_id.clone(),
                    team_id: None,
                };
                match (org.enterprise_id.is_some(), team_id.is_some()) {
                    (true, true) => match store.find_installation(&org).await? {
                        Some(i) => (org, i),
                        None => return Err(Error::NotInstalled(key.as_string())),
                    },
                    _ => return Err(Error::NotInstalled(key.as_string())),
                }
            }
        };
        let s = &self.inner.settings;
        if found.needs_refresh(s.now(), s.refresh_margin) {
            return self.refresh(&key, None).await;
        }
        Ok(found)
    }

    /// A client with the workspace's bot token (else user token) that refreshes and
    /// retries once on `token_expired`.
    pub async fn client_for(
        &self,
        enterprise_id: Option<&str>,
        team_id: Option<&str>,
    ) -> Result<WebClient> {
        let inst = self.installation(enterprise_id, team_id).await?;
        let transport = Arc::new(RotatingTransport {
            inner: self.inner.clients.template().transport().clone(),
            authorizer: self.clone(),
            key: inst.key(),
        });
        self.inner
            .clients
            .client_over(inst.team_id.as_deref(), inst.token(), transport)
    }

    /// Refresh the tokens of `key` — unless another replica (or task) already did since
    /// `stale` was seen — under the store's lock. `stale`: the token Slack just called
    /// expired (forces a refresh even if the clock says it is still valid).
    pub async fn refresh(
        &self,
        key: &InstallationKey,
        stale: Option<&Secret>,
    ) -> Result<Installation> {
        let local = {
            let mut map = self.inner.local.lock().await;
            map.entry(key.clone()).or_default().clone()
        };
        let _one_at_a_time = local.lock().await;
        let s = &self.inner.settings;
        let lock = format!("refresh:{key}");
        let polls = (s.lock_ttl.max(1) * 1000 / LOCK_POLL.as_millis() as u64).max(1) + 1;
        for _ in 0..polls {
            let now = s.now();
            let current = self
                .inner
                .store
                .find_installation(key)
                .await?
                .ok_or_else(|| Error::NotInstalled(key.as_string()))?;
            let superseded = stale.is_some_and(|t| current.token() != Some(t));
            let due = current.needs_refresh(now, s.refresh_margin) || stale.is_some();
            if superseded || !due {
                return Ok(current);
            }
            if self
                .inner
                .store
                .try_lock(&lock, &self.inner.holder, now, s.lock_ttl)
                .await?
            {
                let result = self.renew(current, now).await;
                if let Err(e) = self.inner.store.unlock(&lock, &self.inner.holder).await {
                    tracing::warn!(error = %e, key = %key, "could not release the refresh lock");
                }
                return result;
            }
            tokio::time::sleep(LOCK_POLL).await;
        }
        Err(Error::LockTimeout(key.as_string()))
    }

    /// `oauth.v2.access` with `grant_type=refresh_token` for each token that has a refresh
    /// token; saved before returning.
    async fn renew(&self, mut inst: Installation, now: u64) -> Result<Installation> {
        let s = &self.inner.settings;
        let client = self.inner.clients.client(inst.team_id.as_deref(), None)?;
        let request = |refresh: &Secret| {
            Access::new()
                .client_id(s.client_id.clone())
                .client_secret(s.client_secret.expose())
                .grant_type("refresh_token")
                .refresh_token(refresh.expose())
        };
        if let Some(bot) = inst.bot.as_mut() {
            if let Some(refresh) = bot.refresh_token.clone() {
                let r = client.call(request(&refresh)).await?;
                let token = r
                    .access_token
                    .clone()
                    .ok_or(Error::InvalidResponse("no access_token"))?;
                bot.token = Secret::new(token);
                bot.refresh_token = r.refresh_token.clone().map(Secret::new).or(Some(refresh));
                bot.expires_at = r
                    .expires_in
                    .and_then(|e| u64::try_from(e).ok())
                    .map(|e| now.saturating_add(e));
            }
        }
        if let Some(user) = inst.user.as_mut() {
            if let Some(refresh) = user.refresh_token.clone() {
                let r = client.call(request(&refresh)).await?;
                let token = r
                    .access_token
                    .clone()
                    .ok_or(Error::InvalidResponse("no access_token"))?;
                user.token = Some(Secret::new(token));
                user.refresh_token = r.refresh_token.clone().map(Secret::new).or(Some(refresh));
                user.expires_at = r
                    .expires_in
                    .and_then(|e| u64::try_from(e).ok())
                    .map(|e| now.saturating_add(e));
            }
        }
        self.inner.store.save_installation(&inst).await?;
        tracing::info!(key = %inst.key(), "refreshed the installation's tokens");
        Ok(inst)
    }
}

/// The transport under [`Authorizer::client_for`]'s clients: an answer `token_expired`
/// refreshes the installation and sends the same request once more with the new token.
struct RotatingTransport {
    inner: Arc<dyn HttpTransport>,
    authorizer: Authorizer,
    key: InstallationKey,
}

impl fmt::Debug for RotatingTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RotatingTransport")
            .field("inner", &self.inner)
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

fn is_token_expired(resp: &HttpResponse) -> bool {
    #[derive(serde::Deserialize)]
    struct Answer<'a> {
        ok: Option<bool>,
        #[serde(borrow)]
        error: Option<&'a str>,
    }
    resp.status.is_success()
        && serde_json::from_slice::<Answer<'_>>(&resp.body)
            .is_ok_and(|a| a.ok == Some(false) && a.error == Some("token_expired"))
}

impl HttpTransport for RotatingTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async move {
            let again = match &request.body {
                Body::Full(b) => Some((
                    request.method.clone(),
                    request.url.clone(),
                    request.headers.clone(),
                    b.clone(),
                    request.timeout,
                )),
                Body::Stream { .. } => None,
            };
            let resp = self.inner.send(request).await?;
            let Some((method, url, mut headers, body, timeout)) = again else {
                return Ok(resp);
            };
            if !is_token_expired(&resp) {
                return Ok(resp);
            }
            let stale = headers
                .get(AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(Secret::new);
            let fresh = match self.authorizer.refresh(&self.key, stale.as_ref()).await {
                Ok(i) => i,
                Err(e) => {
                    tracing::warn!(error = %e, key = %self.key, "token_expired and the refresh failed");
                    return Ok(resp);
                }
            };
            let Some(value) = fresh
                .token()
                .and_then(|t| HeaderValue::from_str(&format!("Bearer {}", t.expose())).ok())
            else {
                return Ok(resp);
            };
            headers.insert(AUTHORIZATION, value);
            tracing::debug!(key = %self.key, "retrying once with the refreshed token");
            self.inner
                .send(HttpRequest {
                    method,
                    url,
                    headers,
                    body: Body::Full(body),
                    timeout,
                })
                .await
        })
    }

    fn default_retry_policy(&self) -> slack_core::RetryPolicy {
        self.inner.default_retry_policy()
    }
}
