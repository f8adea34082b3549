//! The audit trail: an append-only JSON Lines log of what Codex asked, what was decided and
//! why, what ran and how it ended, and what went wrong.
//!
//! Ordering is the point: an approval record is appended **and flushed before** the decision
//! is written to the server, so a crash at any moment can lose a decision the server never
//! saw, but never leave a decision the server acted on without its record. If the sink fails,
//! the request is denied (fail closed).
//!
//! Records are redacted before they reach any sink (URL passwords, `password=…`, API keys,
//! bearer tokens), so a proxy's own sink never sees a secret the crate could recognise.
//! [`FileAuditSink`] writes each record with one `write` call on a file opened in append
//! mode (the kernel keeps concurrent appends whole and the data survives our process being
//! killed); [`FileAuditSink::durable`] adds an `fsync` per record for machine crashes.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

/// One audit record: a timestamp, an event name and its fields (already redacted).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditRecord {
    /// Milliseconds since the Unix epoch.
    pub ts_ms: u64,
    /// What happened: `session_started`, `approval`, `command_finished`, `patch_applied`,
    /// `error`, `unavailable`, `restart`, `shutdown`.
    pub event: String,
    /// The event's fields.
    #[serde(flatten)]
    pub fields: serde_json::Map<String, serde_json::Value>,
}

impl AuditRecord {
    /// A record stamped now, with `fields` redacted. `fields` should serialize to an object
    /// (anything else is stored under `value`).
    pub fn new(event: &str, fields: impl Serialize) -> AuditRecord {
        let mut value = serde_json::to_value(fields)
            .unwrap_or_else(|e| serde_json::json!({ "unserializable": e.to_string() }));
        crate::redact::redact_json(&mut value);
        let fields = match value {
            serde_json::Value::Object(map) => map,
            other => {
                let mut map = serde_json::Map::new();
                map.insert("value".into(), other);
                map
            }
        };
        let ts_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        AuditRecord {
            ts_ms,
            event: event.to_owned(),
            fields,
        }
    }

    /// The record as one JSON line, without the newline.
    pub fn to_json_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| {
            format!("{{\"ts_ms\":{},\"event\":\"unserializable\"}}", self.ts_ms)
        })
    }
}

/// Why an audit record could not be stored.
#[derive(Debug, thiserror::Error)]
#[error("the audit record could not be written to `{target}`: {message}")]
pub struct AuditError {
    target: String,
    message: String,
}

impl AuditError {
    /// An error writing to `target` (a path or a sink's name).
    pub fn new(target: impl Into<String>, message: impl Into<String>) -> Self {
        AuditError {
            target: target.into(),
            message: message.into(),
        }
    }
}

/// Where audit records go. `append` must return only once the record is stored as durably as
/// the sink promises: the session sends an approval decision only after `append` returned
/// `Ok`.
#[async_trait::async_trait]
pub trait AuditSink: Send + Sync + std::fmt::Debug {
    /// Store one record.
    async fn append(&self, record: &AuditRecord) -> Result<(), AuditError>;
}

/// An append-only JSON Lines file.
#[derive(Debug)]
pub struct FileAuditSink {
    path: PathBuf,
    file: Mutex<std::fs::File>,
    durable: bool,
}

impl FileAuditSink {
    /// Open (or create) `path` for appending.
    pub fn open(path: impl AsRef<Path>) -> Result<FileAuditSink, AuditError> {
        let path = path.as_ref().to_path_buf();
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| AuditError::new(path.display().to_string(), e.to_string()))?;
        Ok(FileAuditSink {
            path,
            file: Mutex::new(file),
            durable: false,
        })
    }

    /// Also `fsync` after each record (survives a machine crash, costs a disk flush).
    pub fn durable(mut self, durable: bool) -> Self {
        self.durable = durable;
        self
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[async_trait::async_trait]
impl AuditSink for FileAuditSink {
    async fn append(&self, record: &AuditRecord) -> Result<(), AuditError> {
        let mut line = record.to_json_line().into_bytes();
        line.push(b'\n');
        let err =
            |e: std::io::Error| AuditError::new(self.path.display().to_string(), e.to_string());
        // One small blocking append per record: records are rare (approvals, command ends),
        // and a single `write` keeps the line whole even with other writers on the file.
        let mut file = self.file.lock().map_err(|_| {
            AuditError::new(self.path.display().to_string(), "the file lock is poisoned")
        })?;
        file.write_all(&line).map_err(err)?;
        file.flush().map_err(err)?;
        if self.durable {
            file.sync_data().map_err(err)?;
        }
        Ok(())
    }
}

/// Keeps records in memory (tests, or a proxy that forwards them elsewhere).
#[derive(Debug, Default)]
pub struct MemoryAuditSink {
    records: Mutex<Vec<AuditRecord>>,
}

impl MemoryAuditSink {
    /// An empty sink.
    pub fn new() -> Self {
        Self::default()
    }

    /// A copy of the records so far.
    pub fn records(&self) -> Vec<AuditRecord> {
        self.records.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

#[async_trait::async_trait]
impl AuditSink for MemoryAuditSink {
    async fn append(&self, record: &AuditRecord) -> Result<(), AuditError> {
        self.records
            .lock()
            .map_err(|_| AuditError::new("memory", "the lock is poisoned"))?
            .push(record.clone());
        Ok(())
    }
}

/// Discards everything (the default when no sink is configured).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct NoAudit;

#[async_trait::async_trait]
impl AuditSink for NoAudit {
    async fn append(&self, _record: &AuditRecord) -> Result<(), AuditError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn file_sink_appends_redacted_json_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let sink = FileAuditSink::open(&path).unwrap();
        let rec = AuditRecord::new(
            "approval",
            serde_json::json!({"command": ["psql", "postgres://u:topsecret@h/db"], "decision": "denied"}),
        );
        sink.append(&rec).await.unwrap();
        sink.append(&AuditRecord::new(
            "error",
            serde_json::json!({"message": "x"}),
        ))
        .await
        .unwrap();
        // Reopening appends instead of truncating.
        let again = FileAuditSink::open(&path).unwrap();
        again
            .append(&AuditRecord::new("shutdown", serde_json::json!({})))
            .await
            .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0]["event"], "approval");
        assert_eq!(lines[0]["decision"], "denied");
        assert_eq!(lines[2]["event"], "shutdown");
        assert!(!text.contains("topsecret"), "{text}");
    }

    #[test]
    fn mcp_tool_approval_records_are_redacted() {
        use crate::approval::{ApprovalRequest, McpToolApproval};
        let request = ApprovalRequest::McpToolCall(McpToolApproval {
            conversation_id: "c".into(),
            call_id: "m".into(),
            server: "xldb".into(),
            tool: "execute_query".into(),
            arguments: Some(serde_json::json!({
                "sql": "SELECT 1",
                "url": "postgres://app:topsecret@db/prod",
            })),
            message: "Allow the xldb MCP server to run tool \"execute_query\"?".into(),
        });
        // The shape the session writes for every approval.
        let rec = AuditRecord::new(
            "approval",
            serde_json::json!({"method": "mcpServer/elicitation/request", "request": request, "decision": "approved"}),
        );
        let line = rec.to_json_line();
        assert!(!line.contains("topsecret"), "{line}");
        assert_eq!(rec.fields["request"]["kind"], "mcp_tool_call");
        assert_eq!(rec.fields["request"]["tool"], "execute_query");
        assert_eq!(rec.fields["request"]["arguments"]["sql"], "SELECT 1");
    }

    #[test]
    fn opening_an_unwritable_path_is_a_typed_error() {
        let err = FileAuditSink::open("/nonexistent-dir/x/audit.jsonl").unwrap_err();
        assert!(
            err.to_string().contains("/nonexistent-dir/x/audit.jsonl"),
            "{err}"
        );
    }
}
