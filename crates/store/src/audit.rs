//! The audit trail in the store: every record `codex-session` writes (session start, each
//! approval with its decision and explanation, commands finished, errors, shutdown), with the
//! host, process, conversation and time, append-only.
//!
//! [`StoreAuditSink::append`] returns once the row is committed (one autocommitted INSERT), so
//! the session's rule holds across the fleet: the decision is sent to Codex only after its
//! record is in the store, and a store that cannot be written denies the request. Records
//! arrive redacted from `codex-session`; they are redacted again here, so a record built
//! elsewhere cannot carry a secret into the store either.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use codex_session::{AuditError, AuditRecord, AuditSink};
use serde::Serialize;

use crate::connection::Store;
use crate::error::StoreError;

/// Writes audit records to the store.
#[derive(Debug, Clone)]
pub struct StoreAuditSink {
    store: Arc<Store>,
}

impl StoreAuditSink {
    /// A sink writing to `store`.
    pub fn new(store: Arc<Store>) -> StoreAuditSink {
        StoreAuditSink { store }
    }
}

/// The conversation a record is about, wherever the session put it.
fn conversation_of(record: &AuditRecord) -> Option<String> {
    let f = &record.fields;
    f.get("conversation_id")
        .or_else(|| f.get("request").and_then(|r| r.get("conversation_id")))
        .and_then(|c| c.as_str())
        .map(str::to_owned)
}

/// Append one record to the store as this process (committed on return).
pub(crate) async fn append(store: &Store, record: &AuditRecord) -> Result<(), StoreError> {
    let mut body = serde_json::Value::Object(record.fields.clone());
    xldb_redact::redact_json(&mut body);
    let body = body.to_string();
    let conversation = conversation_of(record);
    let ts_ms = i64::try_from(record.ts_ms).unwrap_or(i64::MAX);
    let id = store.identity().clone();
    let pid = i32::try_from(id.pid).unwrap_or(i32::MAX);
    store
        .run(|c| async move {
            c.execute(
                "INSERT INTO xldb_codex.audit (at, host, pid, conversation, kind, body)
                 VALUES (to_timestamp($1::bigint / 1000.0), $2, $3, $4, $5, $6::text::jsonb)",
                &[&ts_ms, &id.host, &pid, &conversation, &record.event, &body],
            )
            .await
        })
        .await?;
    Ok(())
}

#[async_trait::async_trait]
impl AuditSink for StoreAuditSink {
    async fn append(&self, record: &AuditRecord) -> Result<(), AuditError> {
        append(&self.store, record)
            .await
            .map_err(|e| AuditError::new(self.store.url(), e.to_string()))
    }
}

/// A point in time to list audit records from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Since {
    /// This long ago.
    Ago(Duration),
    /// This moment.
    At(SystemTime),
    /// A timestamp as PostgreSQL reads one (`2026-12-07`, `2026-12-07 17:00:00+00`).
    Text(String),
}

/// Which records [`list`] returns.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only records at or after this time.
    pub since: Option<Since>,
    /// Only records of this host.
    pub host: Option<String>,
    /// Only approval records with this decision (`denied`, `approved`, …).
    pub decision: Option<String>,
    /// At most this many (the newest), all when `None`.
    pub limit: Option<i64>,
}

/// One stored audit record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredAudit {
    /// Its id (insertion order).
    pub id: i64,
    /// Milliseconds since the Unix epoch.
    pub ts_ms: i64,
    /// The host that wrote it.
    pub host: String,
    /// Its process.
    pub pid: i32,
    /// The conversation, when the record is about one.
    pub conversation: Option<String>,
    /// The event (`approval`, `session_started`, …).
    pub event: String,
    /// The record's fields.
    pub body: serde_json::Value,
}

/// The records matching `filter`, oldest first.
pub async fn list(store: &Store, filter: &AuditFilter) -> Result<Vec<StoredAudit>, StoreError> {
    let ms = |t: &SystemTime| {
        t.duration_since(UNIX_EPOCH)
            .unwrap_or(Duration::ZERO)
            .as_millis() as i64
    };
    let (since_ms, since_text): (Option<i64>, Option<String>) = match &filter.since {
        None => (None, None),
        Some(Since::Ago(d)) => (
            Some(ms(&SystemTime::now().checked_sub(*d).unwrap_or(UNIX_EPOCH))),
            None,
        ),
        Some(Since::At(t)) => (Some(ms(t)), None),
        Some(Since::Text(t)) => (None, Some(t.clone())),
    };
    let host = filter.host.clone();
    let decision = filter.decision.clone();
    let limit = filter.limit;
    let rows = store
        .run(|c| async move {
            c.query(
                "SELECT * FROM (
                     SELECT id, (extract(epoch FROM at) * 1000)::bigint, host, pid, conversation,
                            kind, body::text
                     FROM xldb_codex.audit
                     WHERE ($1::bigint IS NULL OR at >= to_timestamp($1::bigint / 1000.0))
                       AND ($2::text IS NULL OR host = $2)
                       AND ($3::text IS NULL OR (kind = 'approval' AND body->>'decision' = $3))
                       AND ($5::text IS NULL OR at >= $5::text::timestamptz)
                     ORDER BY id DESC
                     LIMIT $4
                 ) newest ORDER BY 1",
                &[&since_ms, &host, &decision, &limit, &since_text],
            )
            .await
        })
        .await?;
    rows.iter()
        .map(|r| {
            let body: String = r.get(6);
            Ok(StoredAudit {
                id: r.get(0),
                ts_ms: r.get(1),
                host: r.get(2),
                pid: r.get(3),
                conversation: r.get(4),
                event: r.get(5),
                body: serde_json::from_str(&body)
                    .map_err(|e| store.query_error(format!("an audit body is not JSON: {e}")))?,
            })
        })
        .collect()
}

impl StoredAudit {
    /// The record as one JSON line (the fields of the JSONL audit log, plus host, pid and
    /// conversation), without the newline.
    pub fn to_json_line(&self) -> String {
        let mut map = serde_json::Map::new();
        map.insert("ts_ms".into(), self.ts_ms.into());
        map.insert("event".into(), self.event.clone().into());
        map.insert("host".into(), self.host.clone().into());
        map.insert("pid".into(), self.pid.into());
        if let Some(c) = &self.conversation {
            map.insert("conversation".into(), c.clone().into());
        }
        if let serde_json::Value::Object(fields) = &self.body {
            for (k, v) in fields {
                map.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        serde_json::Value::Object(map).to_string()
    }
}
