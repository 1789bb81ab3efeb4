//! [`FileStore`]: installations, states and locks as files in one directory (a disk every
//! replica mounts).
//!
//! Layout: `installations/<E>:<T>.json`, `states/<state>.json`, `locks/<name>.lock`. Every
//! write goes to a temporary file and is renamed into place, so a reader never sees half a
//! record; a state is consumed by renaming it away (only one replica wins); a lock is a file
//! created with `create_new`, taken over only when it expired (renamed away first, so two
//! replicas cannot both take it).

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{is_plain, BoxFuture, ConsumedState, InstallationStore, StateStore};
use crate::installation::{Installation, InstallationKey};
use crate::{Error, Result};

/// Installations, states and locks in a directory.
///
/// ```no_run
/// # fn run() -> slack_oauth::Result<()> {
/// let store = slack_oauth::FileStore::new("/var/lib/my-app/slack")?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct FileStore {
    dir: Arc<PathBuf>,
}

fn unique() -> String {
    let mut b = [0u8; 8];
    // Without entropy the pid and a counter still separate writers in practice.
    if getrandom::getrandom(&mut b).is_err() {
        static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        b = (u64::from(std::process::id()) << 32 | n).to_le_bytes();
    }
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Write `data` to `path` atomically (temporary file, fsync, rename).
fn write_atomic(path: &Path, data: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = dir.join(format!(".tmp-{}", unique()));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(data)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn not_found_is_none<T>(r: io::Result<T>) -> io::Result<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

fn plain(s: &str) -> Result<&str> {
    if is_plain(s) {
        Ok(s)
    } else {
        Err(Error::Store(
            "a key with characters a file name cannot hold".into(),
        ))
    }
}

impl FileStore {
    /// A store in `dir` (created with its subdirectories when missing).
    pub fn new(dir: impl Into<PathBuf>) -> Result<Self> {
        let dir = dir.into();
        for sub in ["installations", "states", "locks"] {
            fs::create_dir_all(dir.join(sub)).map_err(Error::store)?;
        }
        Ok(FileStore { dir: Arc::new(dir) })
    }

    fn path(&self, sub: &str, name: &str, ext: &str) -> Result<PathBuf> {
        Ok(self.dir.join(sub).join(format!("{}.{ext}", plain(name)?)))
    }

    async fn blocking<T: Send + 'static>(
        f: impl FnOnce() -> Result<T> + Send + 'static,
    ) -> Result<T> {
        tokio::task::spawn_blocking(f)
            .await
            .map_err(|e| Error::Store(format!("file store task: {e}")))?
    }
}

impl InstallationStore for FileStore {
    fn save_installation<'a>(&'a self, i: &'a Installation) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let path = self.path("installations", &i.key().as_string(), "json")?;
            let data = serde_json::to_vec_pretty(i).map_err(Error::store)?;
            Self::blocking(move || write_atomic(&path, &data).map_err(Error::store)).await
        })
    }

    fn find_installation<'a>(
        &'a self,
        key: &'a InstallationKey,
    ) -> BoxFuture<'a, Result<Option<Installation>>> {
        Box::pin(async move {
            let path = self.path("installations", &key.as_string(), "json")?;
            let data =
                Self::blocking(move || not_found_is_none(fs::read(&path)).map_err(Error::store))
                    .await?;
            data.map(|d| {
                serde_json::from_slice(&d)
                    .map_err(|e| Error::Store(format!("corrupt installation record: {e}")))
            })
            .transpose()
        })
    }

    fn delete_installation<'a>(&'a self, key: &'a InstallationKey) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let path = self.path("installations", &key.as_string(), "json")?;
            Self::blocking(move || {
                not_found_is_none(fs::remove_file(&path))
                    .map(|_| ())
                    .map_err(Error::store)
            })
            .await
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
            let path = self.path("locks", name, "lock")?;
            let holder = holder.to_owned();
            Self::blocking(move || take_lock(&path, &holder, now, ttl).map_err(Error::store)).await
        })
    }

    fn unlock<'a>(&'a self, name: &'a str, holder: &'a str) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let path = self.path("locks", name, "lock")?;
            let holder = holder.to_owned();
            Self::blocking(move || {
                if read_lock(&path)
                    .map_err(Error::store)?
                    .is_some_and(|(h, _)| h == holder)
                {
                    not_found_is_none(fs::remove_file(&path)).map_err(Error::store)?;
                }
                Ok(())
            })
            .await
        })
    }
}

/// A lock file holds `holder\nexpires_at`.
fn read_lock(path: &Path) -> io::Result<Option<(String, u64)>> {
    Ok(not_found_is_none(fs::read_to_string(path))?.map(|s| {
        let (h, until) = s.split_once('\n').unwrap_or((s.as_str(), "0"));
        (h.to_owned(), until.trim().parse().unwrap_or(0))
    }))
}

fn take_lock(path: &Path, holder: &str, now: u64, ttl: u64) -> io::Result<bool> {
    // The lock appears whole or not at all: its content goes to a temporary file first, which
    // is then linked into place (a hard link fails when the lock exists). A lock created
    // empty and written afterwards could be read half-written by another replica, taken for
    // a stale one, and moved away — two holders.
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = dir.join(format!(".tmp-{}", unique()));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(format!("{holder}\n{}", now.saturating_add(ttl)).as_bytes())?;
        f.sync_all()?;
        drop(f);
        for _ in 0..2 {
            match fs::hard_link(&tmp, path) {
                Ok(()) => return Ok(true),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(e),
            }
            match read_lock(path)? {
                Some((h, _)) if h == holder => {
                    // The holder renews: replaced whole, by rename.
                    fs::rename(&tmp, path)?;
                    return Ok(true);
                }
                Some((_, until)) if until > now => return Ok(false),
                // Expired (or gone meanwhile): move it away — only one replica's rename
                // succeeds for a given file — then try to create it again.
                _ => {
                    let stale = path.with_extension(format!("stale-{}", unique()));
                    if not_found_is_none(fs::rename(path, &stale))?.is_some() {
                        let _ = fs::remove_file(&stale);
                    }
                }
            }
        }
        Ok(false)
    })();
    // Gone already when it was renamed into place.
    let _ = not_found_is_none(fs::remove_file(&tmp));
    result
}

#[derive(serde::Serialize, serde::Deserialize)]
struct StoredState {
    team: Option<String>,
    expires_at: u64,
}

impl StateStore for FileStore {
    fn save_state<'a>(
        &'a self,
        state: &'a str,
        team: Option<&'a str>,
        expires_at: u64,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let path = self.path("states", state, "json")?;
            let data = serde_json::to_vec(&StoredState {
                team: team.map(str::to_owned),
                expires_at,
            })
            .map_err(Error::store)?;
            Self::blocking(move || write_atomic(&path, &data).map_err(Error::store)).await
        })
    }

    fn consume_state<'a>(
        &'a self,
        state: &'a str,
        now: u64,
    ) -> BoxFuture<'a, Result<ConsumedState>> {
        Box::pin(async move {
            if !is_plain(state) {
                return Ok(ConsumedState::Unknown);
            }
            let path = self.path("states", state, "json")?;
            Self::blocking(move || {
                // Rename first: of two concurrent redirects with one state, one wins.
                let taken = path.with_extension(format!("taken-{}", unique()));
                if not_found_is_none(fs::rename(&path, &taken))
                    .map_err(Error::store)?
                    .is_none()
                {
                    return Ok(ConsumedState::Unknown);
                }
                let data = fs::read(&taken).map_err(Error::store);
                let _ = fs::remove_file(&taken);
                let stored: StoredState = serde_json::from_slice(&data?)
                    .map_err(|e| Error::Store(format!("corrupt state record: {e}")))?;
                Ok(if stored.expires_at <= now {
                    ConsumedState::Expired
                } else {
                    ConsumedState::Valid { team: stored.team }
                })
            })
            .await
        })
    }
}
