//! The audit trail: records land with host, process and conversation, and read back filtered.

use codex_session::{AuditRecord, AuditSink};
use xldb_store::{audit_list, AuditFilter, Since, StoreAuditSink};

use crate::{fresh_url, store_as};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_are_stored_redacted_and_filtered() {
    let url = fresh_url().await;
    let a = StoreAuditSink::new(store_as(&url, "host-a").await);
    let b = StoreAuditSink::new(store_as(&url, "host-b").await);
    a.append(&AuditRecord::new(
        "approval",
        serde_json::json!({"request": {"conversation_id": "c1", "command": ["psql", "postgres://u:hunter2@h/db"]},
            "decision": "denied"}),
    ))
    .await
    .unwrap();
    b.append(&AuditRecord::new(
        "approval",
        serde_json::json!({"request": {"conversation_id": "c2"}, "decision": "approved"}),
    ))
    .await
    .unwrap();
    b.append(&AuditRecord::new("shutdown", serde_json::json!({})))
        .await
        .unwrap();
    let store = store_as(&url, "reader").await;
    let all = audit_list(&store, &AuditFilter::default()).await.unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].host, "host-a");
    assert_eq!(all[0].conversation.as_deref(), Some("c1"));
    assert_eq!(all[0].pid, std::process::id() as i32);
    assert!(!all[0].to_json_line().contains("hunter2"));
    let denied = audit_list(
        &store,
        &AuditFilter {
            decision: Some("denied".into()),
            ..AuditFilter::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(denied.len(), 1);
    assert_eq!(denied[0].host, "host-a");
    let of_b = audit_list(
        &store,
        &AuditFilter {
            host: Some("host-b".into()),
            ..AuditFilter::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(of_b.len(), 2);
    let future = audit_list(
        &store,
        &AuditFilter {
            since: Some(Since::At(
                std::time::SystemTime::now() + std::time::Duration::from_secs(3600),
            )),
            ..AuditFilter::default()
        },
    )
    .await
    .unwrap();
    assert!(future.is_empty());
    for since in [
        Since::Ago(std::time::Duration::from_secs(600)),
        Since::Text("2000-01-01".into()),
    ] {
        let recent = audit_list(
            &store,
            &AuditFilter {
                since: Some(since),
                ..AuditFilter::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(recent.len(), 3);
    }
}
