//! The store contract, run on every store: installations by key, single-use expiring
//! states, and a lock only one replica holds at a time.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use slack_oauth::{
    ConsumedState, FileStore, Installation, InstallationKey, InstallationStore, MemoryStore,
    StateStore,
};

fn installation(team: &str, token: &str) -> Installation {
    let r = serde_json::from_value(serde_json::json!({
        "ok": true, "access_token": token, "scope": "chat:write", "bot_user_id": "UB",
        "team": {"id": team, "name": "T"}, "expires_in": 100, "refresh_token": "xoxe-1-r"
    }))
    .unwrap();
    Installation::from_access(&r, 1000).unwrap()
}

async fn contract<S: InstallationStore + StateStore + 'static>(store: Arc<S>) {
    let key = InstallationKey::team("T1");
    assert!(store.find_installation(&key).await.unwrap().is_none());
    store
        .save_installation(&installation("T1", "xoxb-1"))
        .await
        .unwrap();
    store
        .save_installation(&installation("T1", "xoxb-2"))
        .await
        .unwrap();
    store
        .save_installation(&installation("T2", "xoxb-3"))
        .await
        .unwrap();
    let found = store.find_installation(&key).await.unwrap().unwrap();
    assert_eq!(found.token().unwrap().expose(), "xoxb-2");
    assert_eq!(found.bot.as_ref().unwrap().expires_at, Some(1100));
    store.delete_installation(&key).await.unwrap();
    assert!(store.find_installation(&key).await.unwrap().is_none());
    assert!(store
        .find_installation(&InstallationKey::team("T2"))
        .await
        .unwrap()
        .is_some());

    store.save_state("s1", Some("T9"), 2000).await.unwrap();
    store.save_state("s2", None, 2000).await.unwrap();
    let valid = ConsumedState::Valid {
        team: Some("T9".into()),
    };
    assert_eq!(store.consume_state("s1", 1999).await.unwrap(), valid);
    assert_eq!(
        store.consume_state("s1", 1999).await.unwrap(),
        ConsumedState::Unknown
    );
    assert_eq!(
        store.consume_state("s2", 2000).await.unwrap(),
        ConsumedState::Expired
    );
    assert_eq!(
        store.consume_state("forged", 0).await.unwrap(),
        ConsumedState::Unknown
    );

    // Many replicas race for one lock: exactly one wins; it expires; the holder renews.
    let mut tasks = Vec::new();
    for i in 0..8 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            s.try_lock("refresh:-:T1", &format!("r{i}"), 100, 30)
                .await
                .unwrap()
        }));
    }
    let mut won = 0;
    for t in tasks {
        won += usize::from(t.await.unwrap());
    }
    assert_eq!(won, 1);
    // Again, many times, on fresh locks: a race a single round can miss.
    for round in 0..40 {
        let name = format!("race:{round}");
        let tasks: Vec<_> = (0..8)
            .map(|i| {
                let (s, name) = (store.clone(), name.clone());
                tokio::spawn(async move { s.try_lock(&name, &format!("r{i}"), 100, 30).await })
            })
            .collect();
        let mut won = 0;
        for t in tasks {
            won += usize::from(t.await.unwrap().unwrap());
        }
        assert_eq!(won, 1, "round {round}");
    }
    assert!(!store
        .try_lock("refresh:-:T1", "late", 129, 30)
        .await
        .unwrap());
    assert!(store
        .try_lock("refresh:-:T1", "late", 130, 30)
        .await
        .unwrap());
    assert!(store
        .try_lock("refresh:-:T1", "late", 131, 30)
        .await
        .unwrap());
    store.unlock("refresh:-:T1", "someone-else").await.unwrap();
    assert!(!store
        .try_lock("refresh:-:T1", "other", 132, 30)
        .await
        .unwrap());
    store.unlock("refresh:-:T1", "late").await.unwrap();
    assert!(store
        .try_lock("refresh:-:T1", "other", 132, 30)
        .await
        .unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_store() {
    contract(Arc::new(MemoryStore::default())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn file_store() {
    let dir = tempfile::tempdir().unwrap();
    contract(Arc::new(FileStore::new(dir.path()).unwrap())).await;
    // No temporary files left behind.
    let left: Vec<_> = std::fs::read_dir(dir.path().join("installations"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(left.iter().all(|n| n.ends_with(".json")), "{left:?}");
}

#[cfg(feature = "sqlite")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_store() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("slack.db").display()
    );
    contract(Arc::new(
        slack_oauth::SqlStore::connect(&url).await.unwrap(),
    ))
    .await;
}
