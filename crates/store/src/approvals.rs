//! The approval queue: requests waiting for a human, and the one decision each can get.
//!
//! A request is `pending` until one of these happens, after which it never changes:
//! - an approver decides it ([`decide`]): `approved`, `approved_for_session` or `denied`;
//! - its wait ends first: `expired` (recorded by the waiting host, or implied by `expires_at`
//!   when the host is gone);
//! - its waiting host is gone (killed, or its connection to the store broke): `abandoned`.
//!   The host holds an advisory lock for as long as it waits; a decision is inserted only
//!   while that lock is held by someone, so no decision is ever taken for a dead session.
//!
//! Exactly once: decisions live in an insert-only table whose primary key is the request id.
//! Two approvers racing both try to insert; the first commits, the second inserts nothing and
//! is told who won ([`StoreError::Closed`]). The host's own `expired` goes through the same key,
//! so an approval and an expiry cannot both win. Every insert of a request or a decision sends
//! a `NOTIFY` (`xldb_codex_requests`, `xldb_codex_decisions`, payload: the id) at commit.

use serde::Serialize;

use crate::connection::Store;
use crate::error::StoreError;

/// The channel new requests are announced on.
pub const REQUESTS_CHANNEL: &str = "xldb_codex_requests";
/// The channel decisions are announced on.
pub const DECISIONS_CHANNEL: &str = "xldb_codex_decisions";

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Waiting for a human.
    Pending,
    /// Approved (this once).
    Approved,
    /// Approved for the rest of the session.
    ApprovedForSession,
    /// Denied by an approver.
    Denied,
    /// Nobody decided in time.
    Expired,
    /// The waiting host is gone.
    Abandoned,
}

impl State {
    fn parse(s: &str) -> State {
        match s {
            "pending" => State::Pending,
            "approved" => State::Approved,
            "approved_for_session" => State::ApprovedForSession,
            "denied" => State::Denied,
            "abandoned" => State::Abandoned,
            // Anything else (only `expired` exists) is closed without approval.
            _ => State::Expired,
        }
    }

    /// The name stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Approved => "approved",
            State::ApprovedForSession => "approved_for_session",
            State::Denied => "denied",
            State::Expired => "expired",
            State::Abandoned => "abandoned",
        }
    }
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One approval request as stored, with its state.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApprovalEntry {
    /// Its id.
    pub id: i64,
    /// State.
    pub state: State,
    /// Created (ms since the Unix epoch).
    pub created_ms: i64,
    /// When the wait ends (ms since the Unix epoch).
    pub expires_ms: i64,
    /// The host that asks.
    pub host: String,
    /// Its process.
    pub pid: i32,
    /// The conversation.
    pub conversation: String,
    /// The tool call.
    pub call_id: String,
    /// `exec`, `patch` or `mcp_tool_call`.
    pub kind: String,
    /// One line: the command, the files, or the tool (redacted).
    pub subject: String,
    /// The whole request (redacted).
    pub request: serde_json::Value,
    /// The policy's explanation of its `ask`.
    pub explanation: serde_json::Value,
    /// Who decided (an approver, or `expired` by its host).
    pub decided_by: Option<String>,
    /// The approver's reason.
    pub reason: Option<String>,
}

/// An approver's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Run it, this once.
    Approve,
    /// Run it, and the same again in this session without asking.
    ApproveForSession,
    /// Do not run it.
    Deny {
        /// Told to the host and recorded.
        reason: Option<String>,
    },
}

impl Answer {
    fn decision(&self) -> &'static str {
        match self {
            Answer::Approve => "approved",
            Answer::ApproveForSession => "approved_for_session",
            Answer::Deny { .. } => "denied",
        }
    }
}

const SELECT: &str = "SELECT r.id,
        CASE WHEN d.decision IS NOT NULL THEN d.decision
             WHEN r.expires_at <= clock_timestamp() THEN 'expired'
             WHEN pg_try_advisory_xact_lock_shared(r.waiter_lock) THEN 'abandoned'
             ELSE 'pending' END AS state,
        (extract(epoch FROM r.created_at) * 1000)::bigint,
        (extract(epoch FROM r.expires_at) * 1000)::bigint,
        r.host, r.pid, r.conversation, r.call_id, r.kind, r.subject,
        r.request::text, r.explanation::text, d.decided_by, d.reason
     FROM xldb_codex.approval_requests r
     LEFT JOIN xldb_codex.approval_decisions d ON d.request_id = r.id";

fn entry(store: &Store, r: &tokio_postgres::Row) -> Result<ApprovalEntry, StoreError> {
    let json = |i: usize| -> Result<serde_json::Value, StoreError> {
        serde_json::from_str(r.get::<_, &str>(i))
            .map_err(|e| store.query_error(format!("a stored request is not JSON: {e}")))
    };
    Ok(ApprovalEntry {
        id: r.get(0),
        state: State::parse(r.get(1)),
        created_ms: r.get(2),
        expires_ms: r.get(3),
        host: r.get(4),
        pid: r.get(5),
        conversation: r.get(6),
        call_id: r.get(7),
        kind: r.get(8),
        subject: r.get(9),
        request: json(10)?,
        explanation: json(11)?,
        decided_by: r.get(12),
        reason: r.get(13),
    })
}

/// The requests, oldest first: only the pending ones unless `all`.
pub async fn list(store: &Store, all: bool) -> Result<Vec<ApprovalEntry>, StoreError> {
    let sql = if all {
        format!("{SELECT} ORDER BY r.id")
    } else {
        format!(
            "SELECT * FROM ({SELECT} WHERE d.request_id IS NULL AND r.expires_at > clock_timestamp()) q
             WHERE q.state = 'pending' ORDER BY 1"
        )
    };
    let rows = store
        .run(|c| async move { c.query(&sql, &[]).await })
        .await?;
    rows.iter().map(|r| entry(store, r)).collect()
}

/// One request.
pub async fn show(store: &Store, id: i64) -> Result<ApprovalEntry, StoreError> {
    let sql = format!("{SELECT} WHERE r.id = $1");
    let row = store
        .run(|c| async move { c.query_opt(&sql, &[&id]).await })
        .await?;
    match row {
        Some(r) => entry(store, &r),
        None => Err(StoreError::NotFound { id }),
    }
}

/// Decide request `id` as `by`: exactly once, only while it is pending (not expired, its host
/// still waiting). The decision and its audit record are one statement, announced on
/// [`DECISIONS_CHANNEL`]. A request that is not pending any more is [`StoreError::Closed`],
/// with the state it has and who decided it.
pub async fn decide(
    store: &Store,
    id: i64,
    answer: &Answer,
    by: &str,
) -> Result<ApprovalEntry, StoreError> {
    let decision = answer.decision();
    let reason = match answer {
        Answer::Deny { reason } => reason
            .as_deref()
            .map(|r| xldb_redact::redact_text(r).into_owned()),
        _ => None,
    };
    let identity = store.identity().clone();
    let pid = i32::try_from(identity.pid).unwrap_or(i32::MAX);
    let by = by.to_owned();
    let inserted = store
        .run(|c| async move {
            c.query_opt(
                "WITH ins AS (
                     INSERT INTO xldb_codex.approval_decisions (request_id, decision, decided_by, reason)
                     SELECT r.id, $2, $3, $4 FROM xldb_codex.approval_requests r
                     WHERE r.id = $1 AND r.expires_at > clock_timestamp()
                       AND NOT pg_try_advisory_xact_lock_shared(r.waiter_lock)
                     ON CONFLICT (request_id) DO NOTHING
                     RETURNING request_id, decision, decided_by, reason
                 ), audited AS (
                     INSERT INTO xldb_codex.audit (at, host, pid, conversation, kind, body)
                     SELECT clock_timestamp(), $5, $6, r.conversation, 'approval_decided',
                            jsonb_build_object('request_id', ins.request_id, 'decision', ins.decision,
                                               'decided_by', ins.decided_by, 'reason', ins.reason)
                     FROM ins JOIN xldb_codex.approval_requests r ON r.id = ins.request_id
                 )
                 SELECT request_id, pg_notify('xldb_codex_decisions', request_id::text) FROM ins",
                &[&id, &decision, &by, &reason, &identity.host, &pid],
            )
            .await
        })
        .await?;
    let now = show(store, id).await?;
    if inserted.is_some() {
        return Ok(now);
    }
    Err(StoreError::Closed {
        id,
        state: now.state.as_str().to_owned(),
        by: now.decided_by,
    })
}
