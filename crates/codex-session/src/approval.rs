//! Approvals: what Codex asks before it runs a command, applies a patch or calls an MCP tool,
//! and who decides.
//!
//! The server asks with a request (`execCommandApproval`, `applyPatchApproval` in 0.39) and
//! waits, with the turn blocked, until it gets an answer. Two facts measured on 0.39 shape
//! this module:
//!
//! - the answer must always be a `result`: a JSON-RPC error reply (or no reply) hangs the turn
//!   forever, so every failure here (handler error, panic, timeout, unparsable request,
//!   conversation gone) still produces a [`ReviewDecision`], and that decision is a denial;
//! - only four decisions exist on the wire (`approved`, `approved_for_session`, `denied`,
//!   `abort`); the guide's `allow` is read by the server as a denial. [`ReviewDecision`] is closed
//!   over exactly those four, so nothing else can be sent.
//!
//! A handler is any [`ApprovalHandler`]. The crate calls it on its own task per request (so a
//! slow human prompt never blocks events or other approvals), with a time limit, and catches
//! its panics. The default handler (feature `policy`) asks `approval-policy`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio_util::sync::CancellationToken;

/// One request for approval, in the same shape whatever the server's protocol generation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ApprovalRequest {
    /// Codex wants to run a command.
    Exec(ExecApproval),
    /// Codex wants to change files.
    Patch(PatchApproval),
    /// Codex wants to call a tool of an MCP server (0.169's `mcpServer/elicitation/request`).
    McpToolCall(McpToolApproval),
}

impl ApprovalRequest {
    /// The conversation the request belongs to.
    pub fn conversation_id(&self) -> &str {
        match self {
            ApprovalRequest::Exec(e) => &e.conversation_id,
            ApprovalRequest::Patch(p) => &p.conversation_id,
            ApprovalRequest::McpToolCall(m) => &m.conversation_id,
        }
    }

    /// The tool call id the request is about (matches the events of that call).
    pub fn call_id(&self) -> &str {
        match self {
            ApprovalRequest::Exec(e) => &e.call_id,
            ApprovalRequest::Patch(p) => &p.call_id,
            ApprovalRequest::McpToolCall(m) => &m.call_id,
        }
    }
}

/// A command Codex wants to run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExecApproval {
    /// The conversation.
    pub conversation_id: String,
    /// The tool call id.
    pub call_id: String,
    /// The argv (often `["bash", "-lc", "<script>"]`).
    pub command: Vec<String>,
    /// Where it would run.
    pub cwd: PathBuf,
    /// The model's justification, when it gave one.
    pub reason: Option<String>,
}

/// File changes Codex wants to apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PatchApproval {
    /// The conversation.
    pub conversation_id: String,
    /// The tool call id.
    pub call_id: String,
    /// The changes, one per file.
    pub changes: Vec<FileChange>,
    /// The model's justification, when it gave one.
    pub reason: Option<String>,
    /// A directory the patch asks to be granted write access to for the session.
    pub grant_root: Option<PathBuf>,
    /// The conversation's working directory, when the session knows it (0.39's patch
    /// requests do not carry one): the workspace root for path rules.
    pub cwd: Option<PathBuf>,
}

/// A call of an MCP server's tool Codex wants to make (asked by 0.169; earlier versions call
/// MCP tools without asking).
///
/// The decision is sent as the MCP elicitation action: [`ReviewDecision::Approved`] → `accept` (this
/// call only), [`ReviewDecision::ApprovedForSession`] → `accept` and no more questions about this
/// tool in the session, [`ReviewDecision::Denied`] → `decline`, [`ReviewDecision::Abort`] → `cancel` (the
/// model is told the call was cancelled; the turn goes on).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct McpToolApproval {
    /// The conversation.
    pub conversation_id: String,
    /// The tool call id (the `mcpToolCall` item started for it), empty when the server
    /// announced no such call.
    pub call_id: String,
    /// The MCP server, as named in Codex's configuration (`xldb` for our database tools).
    pub server: String,
    /// The tool, as the MCP server names it (`execute_query`).
    pub tool: String,
    /// The call's arguments, when the request carries them.
    pub arguments: Option<serde_json::Value>,
    /// Codex's question (`Allow the xldb MCP server to run tool "execute_query"?`).
    pub message: String,
}

/// One file of a patch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileChange {
    /// The file.
    pub path: PathBuf,
    /// What happens to it.
    pub kind: FileChangeKind,
    /// The new content (add), the old content if known (delete) or the unified diff (update).
    pub content: Option<String>,
    /// Where the file moves to (update with rename).
    pub move_path: Option<PathBuf>,
}

/// What a patch does to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileChangeKind {
    /// The file is created.
    Add,
    /// The file is deleted.
    Delete,
    /// The file is changed (and maybe moved).
    Update,
}

/// The answer to an approval request: exactly the values the server accepts (the
/// conversation API's wire enum; other generations translate it).
pub use mcp_proto::ReviewDecision;

/// A handler's decision with the reasons for it (written to the audit log).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApprovalDecision {
    /// The decision sent to the server.
    pub decision: ReviewDecision,
    /// Who or what decided (`policy`, `human`, `fallback`, or a handler's own name).
    pub decided_by: String,
    /// Why: the policy's verdict and explanation, the human's note, or the failure that
    /// forced a denial. Any JSON.
    pub explanation: serde_json::Value,
}

impl ApprovalDecision {
    /// A decision with a one-line explanation.
    pub fn new(
        decision: ReviewDecision,
        decided_by: impl Into<String>,
        why: impl Into<String>,
    ) -> Self {
        ApprovalDecision {
            decision,
            decided_by: decided_by.into(),
            explanation: serde_json::Value::String(why.into()),
        }
    }

    fn fallback(decision: ReviewDecision, why: String) -> Self {
        ApprovalDecision::new(decision, "fallback", why)
    }
}

/// The error type a handler may return; any error denies.
pub type HandlerError = Box<dyn std::error::Error + Send + Sync>;

/// Decides approval requests. Implementations must be cheap to share (`Arc`), and may take as
/// long as they like up to the session's approval timeout (a TTY prompt, a call to a review
/// service); the session calls them concurrently, one task per request.
#[async_trait::async_trait]
pub trait ApprovalHandler: Send + Sync + std::fmt::Debug {
    /// Decide one request. An error (or a panic) denies the request.
    async fn decide(&self, request: &ApprovalRequest) -> Result<ApprovalDecision, HandlerError>;
}

/// Denies everything: the safe handler when nothing else is configured.
#[derive(Debug, Clone, Copy, Default)]
pub struct DenyAll;

#[async_trait::async_trait]
impl ApprovalHandler for DenyAll {
    async fn decide(&self, _request: &ApprovalRequest) -> Result<ApprovalDecision, HandlerError> {
        Ok(ApprovalDecision::new(
            ReviewDecision::Denied,
            "deny-all",
            "no approval handler allows anything",
        ))
    }
}

/// Approves everything. Only for sandboxes where Codex may do anything (tests, throwaway
/// containers); never the default.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApproveAll;

#[async_trait::async_trait]
impl ApprovalHandler for ApproveAll {
    async fn decide(&self, _request: &ApprovalRequest) -> Result<ApprovalDecision, HandlerError> {
        Ok(ApprovalDecision::new(
            ReviewDecision::Approved,
            "approve-all",
            "every request is approved by configuration",
        ))
    }
}

/// Ask `handler` about `request`, turning every failure into a decision: an error, a panic or
/// `timeout` denies; `cancel` (the conversation was dropped) aborts the turn.
pub(crate) async fn decide_safely(
    handler: Arc<dyn ApprovalHandler>,
    request: ApprovalRequest,
    timeout: Duration,
    cancel: CancellationToken,
) -> ApprovalDecision {
    let task = tokio::spawn(async move { handler.decide(&request).await });
    let abort = task.abort_handle();
    let outcome = tokio::select! {
        joined = tokio::time::timeout(timeout, task) => joined,
        _ = cancel.cancelled() => {
            abort.abort();
            return ApprovalDecision::fallback(
                ReviewDecision::Abort,
                "the conversation was closed while the request was pending".into(),
            );
        }
    };
    match outcome {
        Ok(Ok(Ok(decision))) => decision,
        Ok(Ok(Err(e))) => ApprovalDecision::fallback(
            ReviewDecision::Denied,
            format!(
                "the approval handler failed: {}",
                crate::redact::redact_text(&e.to_string())
            ),
        ),
        Ok(Err(join)) if join.is_panic() => ApprovalDecision::fallback(
            ReviewDecision::Denied,
            "the approval handler panicked".into(),
        ),
        Ok(Err(_)) => ApprovalDecision::fallback(
            ReviewDecision::Denied,
            "the approval handler was cancelled".into(),
        ),
        Err(_) => {
            abort.abort();
            ApprovalDecision::fallback(
                ReviewDecision::Denied,
                format!(
                    "the approval handler gave no answer within {} ms",
                    timeout.as_millis()
                ),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exec() -> ApprovalRequest {
        ApprovalRequest::Exec(ExecApproval {
            conversation_id: "c".into(),
            call_id: "call".into(),
            command: vec!["touch".into(), "x".into()],
            cwd: "/tmp".into(),
            reason: None,
        })
    }

    #[derive(Debug)]
    struct Panics;
    #[async_trait::async_trait]
    impl ApprovalHandler for Panics {
        async fn decide(&self, _: &ApprovalRequest) -> Result<ApprovalDecision, HandlerError> {
            panic!("handler bug")
        }
    }

    #[derive(Debug)]
    struct Sleeps;
    #[async_trait::async_trait]
    impl ApprovalHandler for Sleeps {
        async fn decide(&self, _: &ApprovalRequest) -> Result<ApprovalDecision, HandlerError> {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Ok(ApprovalDecision::new(
                ReviewDecision::Approved,
                "late",
                "too late",
            ))
        }
    }

    #[derive(Debug)]
    struct Fails;
    #[async_trait::async_trait]
    impl ApprovalHandler for Fails {
        async fn decide(&self, _: &ApprovalRequest) -> Result<ApprovalDecision, HandlerError> {
            Err("password=hunter2 backend down".into())
        }
    }

    async fn decide(h: Arc<dyn ApprovalHandler>, cancel: CancellationToken) -> ApprovalDecision {
        decide_safely(h, exec(), Duration::from_millis(50), cancel).await
    }

    #[tokio::test]
    async fn a_panicking_handler_denies() {
        let d = decide(Arc::new(Panics), CancellationToken::new()).await;
        assert_eq!(d.decision, ReviewDecision::Denied);
        assert!(d.explanation.to_string().contains("panicked"));
    }

    #[tokio::test]
    async fn a_slow_handler_denies_after_the_timeout() {
        let d = decide(Arc::new(Sleeps), CancellationToken::new()).await;
        assert_eq!(d.decision, ReviewDecision::Denied);
        assert!(d.explanation.to_string().contains("no answer within 50 ms"));
    }

    #[tokio::test]
    async fn a_failing_handler_denies_without_leaking_its_message_secrets() {
        let d = decide(Arc::new(Fails), CancellationToken::new()).await;
        assert_eq!(d.decision, ReviewDecision::Denied);
        assert!(!d.explanation.to_string().contains("hunter2"));
    }

    #[tokio::test]
    async fn a_closed_conversation_aborts() {
        let cancel = CancellationToken::new();
        cancel.cancel();
        let d = decide(Arc::new(Sleeps), cancel).await;
        assert_eq!(d.decision, ReviewDecision::Abort);
    }

    #[test]
    fn only_the_four_wire_decisions_exist() {
        let all = [
            ReviewDecision::Approved,
            ReviewDecision::ApprovedForSession,
            ReviewDecision::Denied,
            ReviewDecision::Abort,
        ];
        let wire: Vec<String> = all
            .iter()
            .map(|d| serde_json::to_string(d).unwrap_or_default())
            .collect();
        assert_eq!(
            wire,
            [
                "\"approved\"",
                "\"approved_for_session\"",
                "\"denied\"",
                "\"abort\""
            ]
        );
        assert!(!wire.iter().any(|w| w.contains("allow")));
    }
}
