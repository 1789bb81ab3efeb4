//! [`MemoryStore`]: both stores in memory, for one process and for tests.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use super::{BoxFuture, ConsumedState, InstallationStore, StateStore};
use crate::installation::{Installation, InstallationKey};
use crate::Result;

#[derive(Debug, Default)]
struct Inner {
    installations: HashMap<InstallationKey, Installation>,
    states: HashMap<String, (Option<String>, u64)>,
    locks: HashMap<String, (String, u64)>,
}

/// Installations, states and locks in memory: one process only (replicas need
/// [`FileStore`](crate::FileStore) on a shared disk or [`SqlStore`](crate::SqlStore)).
#[derive(Debug, Default)]
pub struct MemoryStore {
    inner: Mutex<Inner>,
}

impl MemoryStore {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl InstallationStore for MemoryStore {
    fn save_installation<'a>(&'a self, i: &'a Installation) -> BoxFuture<'a, Result<()>> {
        self.lock().installations.insert(i.key(), i.clone());
        Box::pin(async { Ok(()) })
    }

    fn find_installation<'a>(
        &'a self,
        key: &'a InstallationKey,
    ) -> BoxFuture<'a, Result<Option<Installation>>> {
        let found = self.lock().installations.get(key).cloned();
        Box::pin(async { Ok(found) })
    }

    fn delete_installation<'a>(&'a self, key: &'a InstallationKey) -> BoxFuture<'a, Result<()>> {
        self.lock().installations.remove(key);
        Box::pin(async { Ok(()) })
    }

    fn try_lock<'a>(
        &'a self,
        name: &'a str,
        holder: &'a str,
        now: u64,
        ttl: u64,
    ) -> BoxFuture<'a, Result<bool>> {
        let mut inner = self.lock();
        let free = inner
            .locks
            .get(name)
            .is_none_or(|(h, until)| h == holder || *until <= now);
        if free {
            inner.locks.insert(
                name.to_owned(),
                (holder.to_owned(), now.saturating_add(ttl)),
            );
        }
        Box::pin(async move { Ok(free) })
    }

    fn unlock<'a>(&'a self, name: &'a str, holder: &'a str) -> BoxFuture<'a, Result<()>> {
        let mut inner = self.lock();
        if inner.locks.get(name).is_some_and(|(h, _)| h == holder) {
            inner.locks.remove(name);
        }
        Box::pin(async { Ok(()) })
    }
}

impl StateStore for MemoryStore {
    fn save_state<'a>(
        &'a self,
        state: &'a str,
        team: Option<&'a str>,
        expires_at: u64,
    ) -> BoxFuture<'a, Result<()>> {
        self.lock()
            .states
            .insert(state.to_owned(), (team.map(str::to_owned), expires_at));
        Box::pin(async { Ok(()) })
    }

    fn consume_state<'a>(
        &'a self,
        state: &'a str,
        now: u64,
    ) -> BoxFuture<'a, Result<ConsumedState>> {
        let found = self.lock().states.remove(state);
        let out = match found {
            None => ConsumedState::Unknown,
            Some((_, exp)) if exp <= now => ConsumedState::Expired,
            Some((team, _)) => ConsumedState::Valid { team },
        };
        Box::pin(async move { Ok(out) })
    }
}
