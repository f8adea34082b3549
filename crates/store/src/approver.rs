//! The approval handler that puts `ask` to the fleet's humans: the request goes into the
//! store's queue and the session waits for an approver's decision.
//!
//! Used as the human of `codex-session`'s `PolicyHandler` (which calls it only for `ask`), so
//! `allow` never waits and `deny` is never queued; should it be handed a request its
//! explainer says the policy denies, it denies without queueing. The queued request is
//! redacted, carries the policy's explanation, the host and the conversation, and is
//! announced with a `NOTIFY`. The wait ends:
//!
//! - on the decision, learnt through `LISTEN` (with a poll each second as a safety net);
//! - at the end of the wait (`--approval-wait`): the host records `expired` and denies;
//! - when the store is lost: denied at once (the handler's error denies), and the request is
//!   `abandoned` in the store since the host's lock is gone with its connection;
//! - when the session stops waiting (the conversation closed, the session's own time limit):
//!   the request is withdrawn (recorded `expired`), so nobody can decide it afterwards.

use std::sync::Arc;
use std::time::Duration;

use codex_session::{
    ApprovalDecision, ApprovalHandler, ApprovalRequest, HandlerError, ReviewDecision,
};
use tokio::sync::broadcast::error::RecvError;

use crate::approvals::DECISIONS_CHANNEL;
use crate::connection::Store;
use crate::error::StoreError;
use crate::listener::{Listener, Signal};

/// Explains why the policy says `ask` (its serialized verdict: `{"decision": "ask", …}`).
pub type Explainer = dyn Fn(&ApprovalRequest) -> serde_json::Value + Send + Sync;

/// Puts `ask` to the humans of the fleet through the store; see the module docs.
pub struct StoreApprover {
    store: Arc<Store>,
    wait: Duration,
    explain: Option<Arc<Explainer>>,
    listener: tokio::sync::Mutex<Option<Arc<Listener>>>,
    /// Requests given up when the connection was lost: closed as `expired` on reconnection,
    /// in case the store still held their host's lock (a connection cut without a reset).
    abandoned: std::sync::Mutex<Vec<i64>>,
}

impl std::fmt::Debug for StoreApprover {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreApprover")
            .field("store", &self.store.url())
            .field("wait", &self.wait)
            .finish_non_exhaustive()
    }
}

/// The default wait for a decision.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(300);

/// How often a waiting host looks at the store even without a notification.
const POLL: Duration = Duration::from_secs(1);

impl StoreApprover {
    /// Queue requests in `store` and wait up to `wait` for each decision.
    pub fn new(store: Arc<Store>, wait: Duration) -> StoreApprover {
        StoreApprover {
            store,
            wait,
            explain: None,
            listener: tokio::sync::Mutex::new(None),
            abandoned: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// Store `explain(request)` with each request: the policy's reasons for asking.
    pub fn with_explainer(
        mut self,
        explain: impl Fn(&ApprovalRequest) -> serde_json::Value + Send + Sync + 'static,
    ) -> StoreApprover {
        self.explain = Some(Arc::new(explain));
        self
    }

    /// The listening connection, (re)connected when there is none alive.
    async fn listener(&self) -> Result<Arc<Listener>, StoreError> {
        let mut slot = self.listener.lock().await;
        if let Some(l) = slot.as_ref().filter(|l| l.is_alive()) {
            return Ok(l.clone());
        }
        let l = Arc::new(Listener::start(&self.store, DECISIONS_CHANNEL, true).await?);
        *slot = Some(l.clone());
        let abandoned = self
            .abandoned
            .lock()
            .map(|mut ids| std::mem::take(&mut *ids))
            .unwrap_or_default();
        for id in abandoned {
            if let Err(e) = expire(&self.store, id, "the host lost the store while waiting").await {
                tracing::warn!(id, error = %e, "could not close an abandoned approval request");
            }
        }
        Ok(l)
    }

    /// Queue `request` and wait for its decision.
    async fn queue_and_wait(
        &self,
        request: &ApprovalRequest,
        mut explanation: serde_json::Value,
    ) -> Result<ApprovalDecision, StoreError> {
        // The policy's explanation quotes the command: redacted like the request.
        xldb_redact::redact_json(&mut explanation);
        let listener = self.listener().await?;
        let mut signals = listener.subscribe();
        let mut body = serde_json::to_value(request).unwrap_or(serde_json::Value::Null);
        xldb_redact::redact_json(&mut body);
        let subject = xldb_redact::redact_text(&subject_of(request)).into_owned();
        let kind = body["kind"].as_str().unwrap_or("unknown").to_owned();
        let identity = self.store.identity().clone();
        let pid = i32::try_from(identity.pid).unwrap_or(i32::MAX);
        let wait_secs = self.wait.as_secs_f64();
        let lock_key = listener.lock_key.unwrap_or_default();
        // The request, its audit record and its NOTIFY in one statement: one round trip.
        let queued = serde_json::json!({"conversation_id": request.conversation_id(),
            "request": body, "explanation": explanation, "wait_secs": self.wait.as_secs()});
        let row = self
            .store
            .limit(listener.client.query_one(
                "WITH r AS (
                     INSERT INTO xldb_codex.approval_requests (expires_at, host, pid, conversation,
                         call_id, kind, subject, request, explanation, waiter_lock)
                     VALUES (clock_timestamp() + make_interval(secs => $1), $2, $3, $4, $5, $6, $7,
                             $8::text::jsonb, $9::text::jsonb, $10)
                     RETURNING id, host, pid, conversation),
                 audited AS (
                     INSERT INTO xldb_codex.audit (at, host, pid, conversation, kind, body)
                     SELECT clock_timestamp(), r.host, r.pid, r.conversation, 'approval_queued',
                            jsonb_build_object('request_id', r.id) || $11::text::jsonb
                     FROM r)
                 SELECT id, pg_notify('xldb_codex_requests', id::text) FROM r",
                &[
                    &wait_secs,
                    &identity.host,
                    &pid,
                    &request.conversation_id(),
                    &request.call_id(),
                    &kind,
                    &subject,
                    &body.to_string(),
                    &explanation.to_string(),
                    &lock_key,
                    &queued.to_string(),
                ],
            ))
            .await?;
        let id: i64 = row.get(0);
        let mut withdraw = Withdraw {
            store: Some(self.store.clone()),
            id,
        };
        tracing::info!(id, subject = %subject, "approval request queued in the store");
        let deadline = tokio::time::Instant::now() + self.wait;
        let wanted = id.to_string();
        // Nobody can have decided a request not yet announced: wait first, then look.
        loop {
            // Wait for our notification, the poll tick, the deadline or the loss of the store.
            let tick = tokio::time::sleep(POLL);
            tokio::pin!(tick);
            let expired = loop {
                tokio::select! {
                    s = signals.recv() => match s {
                        Ok(Signal::Notified(p)) if p == wanted => break false,
                        Ok(Signal::Notified(_)) => {}
                        Err(RecvError::Lagged(_)) => break false,
                        Ok(Signal::Lost) | Err(RecvError::Closed) => {
                            // The lock went with the connection: the request is abandoned
                            // (and closed for good once the store is back).
                            withdraw.store = None;
                            if let Ok(mut ids) = self.abandoned.lock() {
                                ids.push(id);
                            }
                            return Err(self.store.unreachable(format!(
                                "the connection was lost while approval request {id} was pending"
                            )));
                        }
                    },
                    _ = &mut tick => break false,
                    _ = tokio::time::sleep_until(deadline) => break true,
                }
            };
            if expired {
                withdraw.store = None;
                expire(&self.store, id, "nobody decided in time").await?;
                return Ok(self
                    .decision(id)
                    .await?
                    .unwrap_or_else(|| to_decision(id, "expired", "expired", None)));
            }
            if let Some(d) = self.decision(id).await? {
                withdraw.store = None;
                return Ok(d);
            }
        }
    }

    /// The decision taken for `id`, if any.
    async fn decision(&self, id: i64) -> Result<Option<ApprovalDecision>, StoreError> {
        let row = self
            .store
            .run(|c| async move {
                c.query_opt(
                    "SELECT decision, decided_by, reason FROM xldb_codex.approval_decisions
                     WHERE request_id = $1",
                    &[&id],
                )
                .await
            })
            .await?;
        Ok(row.map(|r| to_decision(id, r.get(0), r.get(1), r.get(2))))
    }
}

/// Record that the host stopped waiting for `id` (loses to a decision already taken).
async fn expire(store: &Store, id: i64, why: &str) -> Result<(), StoreError> {
    let by = format!("{} (expired)", store.identity().host);
    let why = why.to_owned();
    store
        .run(|c| async move {
            c.execute(
                "WITH ins AS (
                     INSERT INTO xldb_codex.approval_decisions (request_id, decision, decided_by, reason)
                     VALUES ($1, 'expired', $2, $3) ON CONFLICT (request_id) DO NOTHING
                     RETURNING request_id)
                 SELECT pg_notify('xldb_codex_decisions', request_id::text) FROM ins",
                &[&id, &by, &why],
            )
            .await
        })
        .await?;
    Ok(())
}

/// Withdraws the request when the wait is dropped before it ended (the session stopped
/// waiting): nobody may decide it afterwards.
struct Withdraw {
    store: Option<Arc<Store>>,
    id: i64,
}

impl Drop for Withdraw {
    fn drop(&mut self) {
        let (Some(store), Ok(rt)) = (self.store.take(), tokio::runtime::Handle::try_current())
        else {
            return;
        };
        let id = self.id;
        rt.spawn(async move {
            if let Err(e) = expire(&store, id, "the session stopped waiting").await {
                tracing::warn!(id, error = %e, "could not withdraw the approval request");
            }
        });
    }
}

fn to_decision(id: i64, decision: &str, by: &str, reason: Option<String>) -> ApprovalDecision {
    let d = match decision {
        "approved" => ReviewDecision::Approved,
        "approved_for_session" => ReviewDecision::ApprovedForSession,
        // `denied`, `expired`, and anything unknown.
        _ => ReviewDecision::Denied,
    };
    ApprovalDecision {
        decision: d,
        decided_by: format!("store: {by}"),
        explanation: serde_json::json!({
            "request_id": id, "decision": decision, "decided_by": by, "reason": reason,
        }),
    }
}

/// One line naming what the request would do.
fn subject_of(request: &ApprovalRequest) -> String {
    match request {
        ApprovalRequest::Exec(e) => e.command.join(" "),
        ApprovalRequest::Patch(p) => p
            .changes
            .iter()
            .map(|c| c.path.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
        ApprovalRequest::McpToolCall(m) => format!("{}.{}", m.server, m.tool),
        other => other.call_id().to_owned(),
    }
}

#[async_trait::async_trait]
impl ApprovalHandler for StoreApprover {
    async fn decide(&self, request: &ApprovalRequest) -> Result<ApprovalDecision, HandlerError> {
        let explanation = self
            .explain
            .as_ref()
            .map_or(serde_json::Value::Null, |f| f(request));
        if explanation["decision"] == "deny" {
            // Defence in depth: the policy handler never asks a human about a denial.
            return Ok(ApprovalDecision {
                decision: ReviewDecision::Denied,
                decided_by: "policy".into(),
                explanation: serde_json::json!({"policy": explanation, "queued": false}),
            });
        }
        Ok(self.queue_and_wait(request, explanation).await?)
    }
}
