//! Optional persistence of the workspace to a file ([`EmulatorBuilder::persist`]), so a
//! developer's local workspace survives a restart and a crash loses nothing acknowledged.
//!
//! The file is replaced atomically: the snapshot is written to `<file>.tmp`, flushed to
//! disk (`fsync`), renamed over the file, and the directory is flushed. A call that changed
//! the workspace is answered only once a snapshot taken after the change is on disk, so a
//! crash (even `SIGKILL`) at any moment leaves either the old or the new file, never a torn
//! one, and never loses an answered change.
//!
//! The cost is bounded by group commit: one writer task, one write in flight; every change
//! made while a write runs is covered by the next one, so under load many calls share each
//! write (one snapshot and one `fsync` per batch, not per call).
//!
//! ```text
//! handler changes the workspace ─ mark() → v ─┐          ┌─ answer
//!                       writer: snapshot ≥ v → tmp, fsync, rename → saved = v ─┘
//! ```
//!
//! [`EmulatorBuilder::persist`]: crate::EmulatorBuilder::persist

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use serde_json::Value;
use tokio::sync::{watch, Notify};

use crate::server::Shared;
use crate::state::{Workspace, STATE_VERSION};

/// The persistence of one emulator.
#[derive(Debug)]
pub(crate) struct Persist {
    path: PathBuf,
    /// The latest change marked.
    wanted: AtomicU64,
    /// The latest change on disk.
    saved: watch::Sender<u64>,
    kick: Notify,
}

impl Persist {
    pub(crate) fn new(path: PathBuf) -> Self {
        Persist {
            path,
            wanted: AtomicU64::new(0),
            saved: watch::channel(0).0,
            kick: Notify::new(),
        }
    }

    /// Record that the workspace changed; the number of the change.
    pub(crate) fn mark(&self) -> u64 {
        let v = self.wanted.fetch_add(1, Ordering::AcqRel) + 1;
        self.kick.notify_one();
        v
    }

    /// Wait until change `v` is on disk (or its write failed, which is logged).
    pub(crate) async fn wait(&self, v: u64) {
        let mut rx = self.saved.subscribe();
        let _ = rx.wait_for(|saved| *saved >= v).await;
    }
}

/// What a persistence file holds: the snapshot format of `/_emulator/state`, workspace
/// only.
pub(crate) fn file_contents(ws: &Workspace) -> Result<Vec<u8>, serde_json::Error> {
    #[derive(serde::Serialize)]
    struct File<'a> {
        version: u64,
        workspace: &'a Workspace,
    }
    serde_json::to_vec(&File {
        version: STATE_VERSION,
        workspace: ws,
    })
}

/// Write `bytes` to `path` atomically and durably.
fn replace(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    // The rename itself is durable once the directory is flushed (not possible everywhere).
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

/// Read a state file: `None` when there is none.
pub(crate) fn read(path: &Path) -> std::io::Result<Option<Value>> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// The writer task: writes a snapshot whenever changes are marked, until shutdown (and
/// once more then, for the last changes).
pub(crate) async fn writer(shared: Arc<Shared>, mut shutdown: watch::Receiver<bool>) {
    let Some(p) = shared.persist.as_ref() else {
        return;
    };
    loop {
        let stopping = tokio::select! {
            () = p.kick.notified() => false,
            _ = shutdown.changed() => true,
        };
        let v = p.wanted.load(Ordering::Acquire);
        if v > *p.saved.borrow() {
            let bytes = file_contents(&shared.lock_state());
            let path = p.path.clone();
            let written = match bytes {
                Ok(bytes) => tokio::task::spawn_blocking(move || replace(&path, &bytes))
                    .await
                    .unwrap_or_else(|e| Err(std::io::Error::other(e.to_string()))),
                Err(e) => Err(std::io::Error::other(e)),
            };
            if let Err(e) = written {
                tracing::error!(path = %p.path.display(), error = %e, "cannot persist the workspace");
            }
            p.saved.send_replace(v);
        }
        if stopping {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn replace_leaves_the_new_contents_and_no_temporary_file() {
        let dir = std::env::temp_dir().join(format!("emu-persist-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_default();
        let file = dir.join("state.json");
        replace(&file, b"{\"a\":1}").unwrap_or_else(|e| panic!("{e}"));
        replace(&file, b"{\"a\":2}").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            read(&file).ok().flatten(),
            Some(json!({"a": 2})),
            "the latest write wins"
        );
        assert!(!dir.join("state.json.tmp").exists());
        assert_eq!(read(&dir.join("missing.json")).ok(), Some(None));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
