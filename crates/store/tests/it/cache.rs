//! The shared suggestion cache: one host's entry serves another, keyed by schema too.

use std::time::Duration;

use xldb_store::{SharedSuggestions, SuggestionKey};

use crate::{fresh_url, store_as};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_entry_written_by_one_host_is_read_by_another_within_its_ttl() {
    let url = fresh_url().await;
    let a = SharedSuggestions::new(store_as(&url, "a").await, Duration::from_secs(3600));
    let b = SharedSuggestions::new(store_as(&url, "b").await, Duration::from_secs(3600));
    let key = SuggestionKey {
        engine: "postgres".into(),
        fingerprint: "f1".into(),
        schema_fingerprint: "s1".into(),
    };
    assert_eq!(b.get(&key).await.unwrap(), None);
    a.put(&key, "select ?", &serde_json::json!({"answer": 1}))
        .await
        .unwrap();
    let hit = b.get(&key).await.unwrap().unwrap();
    assert_eq!(hit.payload["answer"], 1);
    // Another schema is another key.
    let other = SuggestionKey {
        schema_fingerprint: "s2".into(),
        ..key.clone()
    };
    assert_eq!(b.get(&other).await.unwrap(), None);
    // A zero TTL sees nothing.
    let stale = SharedSuggestions::new(store_as(&url, "c").await, Duration::ZERO);
    assert_eq!(stale.get(&key).await.unwrap(), None);
    // Replacing keeps one entry.
    a.put(&key, "select ?", &serde_json::json!({"answer": 2}))
        .await
        .unwrap();
    assert_eq!(b.get(&key).await.unwrap().unwrap().payload["answer"], 2);
}
