//! [`SqlStore`]: installations, states and locks in SQL tables through sqlx's `Any` driver.
//!
//! The queries are portable SQL that SQLite (3.35+) and Postgres both run unchanged:
//! `$1`-style parameters, `INSERT … ON CONFLICT (…) DO UPDATE … WHERE …` upserts,
//! `DELETE … RETURNING`, `VARCHAR`/`TEXT`/`BIGINT` columns. An installation is kept as a
//! JSON document (tokens included: protect the database as you would the tokens) next to
//! its key columns.

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};

use super::{BoxFuture, ConsumedState, InstallationStore, StateStore};
use crate::installation::{Installation, InstallationKey};
use crate::{Error, Result};

const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS slack_installations (
        install_key VARCHAR(255) PRIMARY KEY,
        enterprise_id VARCHAR(64),
        team_id VARCHAR(64),
        data TEXT NOT NULL,
        updated_at BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS slack_oauth_states (
        state VARCHAR(255) PRIMARY KEY,
        team_hint VARCHAR(64),
        expires_at BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS slack_locks (
        name VARCHAR(255) PRIMARY KEY,
        holder VARCHAR(255) NOT NULL,
        expires_at BIGINT NOT NULL)",
];

/// Both stores in SQL (`sqlite://…` or `postgres://…`).
///
/// ```no_run
/// # async fn run() -> slack_oauth::Result<()> {
/// let store = slack_oauth::SqlStore::connect("sqlite:///var/lib/my-app/slack.db?mode=rwc").await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct SqlStore {
    pool: AnyPool,
}

fn secs(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl SqlStore {
    /// Connect to `url` and create the tables when missing.
    pub async fn connect(url: &str) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let pool = AnyPoolOptions::new()
            .max_connections(4)
            .connect(url)
            .await
            .map_err(Error::store)?;
        Self::with_pool(pool).await
    }

    /// Over an existing pool; creates the tables when missing.
    pub async fn with_pool(pool: AnyPool) -> Result<Self> {
        for stmt in SCHEMA {
            sqlx::query(stmt)
                .execute(&pool)
                .await
                .map_err(Error::store)?;
        }
        Ok(SqlStore { pool })
    }

    /// The pool.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }
}

impl InstallationStore for SqlStore {
    fn save_installation<'a>(&'a self, i: &'a Installation) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let key = i.key();
            let data = serde_json::to_string(i).map_err(Error::store)?;
            sqlx::query(
                "INSERT INTO slack_installations (install_key, enterprise_id, team_id, data, updated_at)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (install_key) DO UPDATE SET enterprise_id = excluded.enterprise_id,
                   team_id = excluded.team_id, data = excluded.data, updated_at = excluded.updated_at",
            )
            .bind(key.as_string())
            .bind(key.enterprise_id.clone())
            .bind(key.team_id.clone())
            .bind(data)
            .bind(secs(i.installed_at))
            .execute(&self.pool)
            .await
            .map_err(Error::store)?;
            Ok(())
        })
    }

    fn find_installation<'a>(
        &'a self,
        key: &'a InstallationKey,
    ) -> BoxFuture<'a, Result<Option<Installation>>> {
        Box::pin(async move {
            let row: Option<AnyRow> =
                sqlx::query("SELECT data FROM slack_installations WHERE install_key = $1")
                    .bind(key.as_string())
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(Error::store)?;
            row.map(|r| {
                let data: String = r.try_get(0).map_err(Error::store)?;
                serde_json::from_str(&data)
                    .map_err(|e| Error::Store(format!("corrupt installation record: {e}")))
            })
            .transpose()
        })
    }

    fn delete_installation<'a>(&'a self, key: &'a InstallationKey) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            sqlx::query("DELETE FROM slack_installations WHERE install_key = $1")
                .bind(key.as_string())
                .execute(&self.pool)
                .await
                .map_err(Error::store)?;
            Ok(())
        })
    }

    fn try_lock<'a>(
        &'a self,
        name: &'a str,
        holder: &'a str,
        now: u64,
        ttl: u64,
    ) -> BoxFuture<'a, Result<bool>> {
        Box::pin(async move {
            // Taken when the row is new, expired, or already ours: one statement, so two
            // replicas cannot both win.
            let done = sqlx::query(
                "INSERT INTO slack_locks (name, holder, expires_at) VALUES ($1, $2, $3)
                 ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                 WHERE slack_locks.expires_at <= $4 OR slack_locks.holder = $2",
            )
            .bind(name.to_owned())
            .bind(holder.to_owned())
            .bind(secs(now.saturating_add(ttl)))
            .bind(secs(now))
            .execute(&self.pool)
            .await
            .map_err(Error::store)?;
            Ok(done.rows_affected() == 1)
        })
    }

    fn unlock<'a>(&'a self, name: &'a str, holder: &'a str) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            sqlx::query("DELETE FROM slack_locks WHERE name = $1 AND holder = $2")
                .bind(name.to_owned())
                .bind(holder.to_owned())
                .execute(&self.pool)
                .await
                .map_err(Error::store)?;
            Ok(())
        })
    }
}

impl StateStore for SqlStore {
    fn save_state<'a>(
        &'a self,
        state: &'a str,
        team: Option<&'a str>,
        expires_at: u64,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            sqlx::query(
                "INSERT INTO slack_oauth_states (state, team_hint, expires_at) VALUES ($1, $2, $3)",
            )
            .bind(state.to_owned())
            .bind(team.map(str::to_owned))
            .bind(secs(expires_at))
            .execute(&self.pool)
            .await
            .map_err(Error::store)?;
            Ok(())
        })
    }

    fn consume_state<'a>(
        &'a self,
        state: &'a str,
        now: u64,
    ) -> BoxFuture<'a, Result<ConsumedState>> {
        Box::pin(async move {
            let row: Option<AnyRow> = sqlx::query(
                "DELETE FROM slack_oauth_states WHERE state = $1 RETURNING team_hint, expires_at",
            )
            .bind(state.to_owned())
            .fetch_optional(&self.pool)
            .await
            .map_err(Error::store)?;
            let Some(row) = row else {
                return Ok(ConsumedState::Unknown);
            };
            let team: Option<String> = row.try_get(0).map_err(Error::store)?;
            let expires_at: i64 = row.try_get(1).map_err(Error::store)?;
            Ok(if expires_at <= secs(now) {
                ConsumedState::Expired
            } else {
                ConsumedState::Valid { team }
            })
        })
    }
}
