//! The default approval handler: ask `approval-policy`, map its verdict to a decision.
//!
//! `allow` → `approved`, `deny` → `denied`, `ask` → the human handler if one is configured
//! (a TTY prompt in the CLI, a review queue in a proxy), else `denied`. The verdict (decision,
//! risk, and every finding: which rule, which sub-command or SQL statement) becomes the
//! decision's explanation, so it lands in the audit log next to the decision. Whatever the
//! human handler does wrong (error, panic, timeout) is handled by the session and denies.
//!
//! MCP tool calls (0.169 asks before each one) are not judged by `approval-policy`: a tool is
//! approved only when the caller trusted it ([`PolicyHandler::trust_mcp_tool`], or every tool
//! of a server with [`PolicyHandler::trust_mcp_server`]); any other call is an `ask` (the
//! human, else denied). Fail closed: nothing is trusted by default.
//!
//! A patch is judged in the working directory its request names (0.39's carry none), or in
//! the workspace the caller set with [`PolicyHandler::workspace`], whatever the request says.
//!
//! ```
//! use codex_session::PolicyHandler;
//!
//! let handler = PolicyHandler::builtin()
//!     .trust_mcp_tool("xldb", "list_tables")
//!     .trust_mcp_tool("xldb", "execute_query");
//! assert!(handler.trusts_mcp_tool("xldb", "execute_query"));
//! assert!(!handler.trusts_mcp_tool("xldb", "drop_everything"));
//! assert!(!handler.trusts_mcp_tool("other", "list_tables"));
//! ```

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

use approval_policy::{Action, Policy, Verdict};

use crate::approval::{
    ApprovalDecision, ApprovalHandler, ApprovalRequest, FileChangeKind, HandlerError,
    McpToolApproval, ReviewDecision,
};

type Evaluate = dyn Fn(&ApprovalRequest) -> Verdict + Send + Sync;

/// Decides approval requests with `approval-policy`; see the module docs.
#[derive(Clone)]
pub struct PolicyHandler {
    evaluate: Arc<Evaluate>,
    human: Option<Arc<dyn ApprovalHandler>>,
    trusted_tools: BTreeSet<(String, String)>,
    trusted_servers: BTreeSet<String>,
    workspace: Option<PathBuf>,
}

impl std::fmt::Debug for PolicyHandler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PolicyHandler")
            .field("human", &self.human)
            .field("trusted_tools", &self.trusted_tools)
            .field("trusted_servers", &self.trusted_servers)
            .field("workspace", &self.workspace)
            .finish_non_exhaustive()
    }
}

impl PolicyHandler {
    /// The built-in policy ([`Policy::builtin`]), no human: what `ask` would ask is denied.
    pub fn builtin() -> PolicyHandler {
        PolicyHandler::new(Policy::builtin())
    }

    /// A policy (built-in knowledge plus a team's rule files; owned or shared), no human.
    pub fn new(policy: impl Into<Arc<Policy>>) -> PolicyHandler {
        let policy: Arc<Policy> = policy.into();
        PolicyHandler::with_evaluator(move |request: &ApprovalRequest| match action(request) {
            Some(action) => policy.evaluate(&action),
            None => Verdict::error("an approval request the policy engine cannot judge"),
        })
    }

    /// A handler around any evaluation function (a custom policy, a test double).
    pub fn with_evaluator(
        evaluate: impl Fn(&ApprovalRequest) -> Verdict + Send + Sync + 'static,
    ) -> PolicyHandler {
        PolicyHandler {
            evaluate: Arc::new(evaluate),
            human: None,
            trusted_tools: BTreeSet::new(),
            trusted_servers: BTreeSet::new(),
            workspace: None,
        }
    }

    /// Judge every patch as made in `dir` (the conversation's workspace, the root of path
    /// rules), whatever working directory its request names or omits.
    pub fn workspace(mut self, dir: impl Into<PathBuf>) -> PolicyHandler {
        self.workspace = Some(dir.into());
        self
    }

    /// `request`, with a patch's working directory replaced by the workspace when one is set.
    fn in_workspace<'r>(&self, request: &'r ApprovalRequest) -> Cow<'r, ApprovalRequest> {
        match (request, &self.workspace) {
            (ApprovalRequest::Patch(patch), Some(dir)) => {
                let mut patch = patch.clone();
                patch.cwd = Some(dir.clone());
                Cow::Owned(ApprovalRequest::Patch(patch))
            }
            _ => Cow::Borrowed(request),
        }
    }

    /// The policy's verdict on `request` (judged in the workspace when one is set), as
    /// [`decide`](ApprovalHandler::decide) takes it; `None` for an MCP tool call, which the
    /// policy engine does not judge (trust is configured per tool). Useful to a human or a queue
    /// that wants to show why it is being asked.
    pub fn verdict(&self, request: &ApprovalRequest) -> Option<Verdict> {
        match request {
            ApprovalRequest::McpToolCall(_) => None,
            _ => Some((self.evaluate)(&self.in_workspace(request))),
        }
    }

    /// Send `ask` verdicts to `human` instead of denying them.
    pub fn with_human(mut self, human: Arc<dyn ApprovalHandler>) -> PolicyHandler {
        self.human = Some(human);
        self
    }

    /// Approve calls of the MCP server `server`'s tool `tool` (names as in Codex's
    /// configuration and the server's tool list, compared exactly).
    pub fn trust_mcp_tool(mut self, server: impl Into<String>, tool: impl Into<String>) -> Self {
        self.trusted_tools.insert((server.into(), tool.into()));
        self
    }

    /// Approve calls of every tool of the MCP server `server` (prefer
    /// [`PolicyHandler::trust_mcp_tool`]: a server may grow tools).
    pub fn trust_mcp_server(mut self, server: impl Into<String>) -> Self {
        self.trusted_servers.insert(server.into());
        self
    }

    /// Whether calls of `server`'s `tool` are approved without asking.
    pub fn trusts_mcp_tool(&self, server: &str, tool: &str) -> bool {
        self.trusted_servers.contains(server)
            || self
                .trusted_tools
                .contains(&(server.to_owned(), tool.to_owned()))
    }
}

/// An approval request as the policy engine's action (`None`: not the engine's to judge).
fn action(request: &ApprovalRequest) -> Option<Action> {
    Some(match request {
        ApprovalRequest::Exec(e) => Action::exec(e.command.clone(), Some(e.cwd.clone())),
        ApprovalRequest::Patch(p) => Action::Patch {
            changes: p
                .changes
                .iter()
                .map(|c| {
                    let path = c.path.display().to_string();
                    match c.kind {
                        FileChangeKind::Add => approval_policy::FileChange::Add {
                            path,
                            content: c.content.clone().unwrap_or_default(),
                        },
                        FileChangeKind::Delete => approval_policy::FileChange::Delete { path },
                        FileChangeKind::Update => approval_policy::FileChange::Update {
                            path,
                            unified_diff: c.content.clone().unwrap_or_default(),
                            move_path: c.move_path.as_ref().map(|m| m.display().to_string()),
                        },
                    }
                })
                .collect(),
            cwd: p.cwd.clone(),
        },
        ApprovalRequest::McpToolCall(_) => return None,
    })
}

impl PolicyHandler {
    /// A trusted tool is approved; any other call is an `ask`.
    async fn decide_mcp_tool(
        &self,
        request: &ApprovalRequest,
        call: &McpToolApproval,
    ) -> Result<ApprovalDecision, HandlerError> {
        let tool = format!("{}.{}", call.server, call.tool);
        if self.trusts_mcp_tool(&call.server, &call.tool) {
            return Ok(ApprovalDecision {
                decision: ReviewDecision::Approved,
                decided_by: "policy".to_owned(),
                explanation: serde_json::json!({ "policy": {
                    "decision": "allow",
                    "mcp_tool": tool,
                    "reason": "the MCP tool is trusted by configuration",
                }}),
            });
        }
        let policy = serde_json::json!({
            "decision": "ask",
            "mcp_tool": tool,
            "reason": "the MCP tool is not trusted by configuration",
        });
        match &self.human {
            None => Ok(ApprovalDecision {
                decision: ReviewDecision::Denied,
                decided_by: "policy (ask, no human configured)".to_owned(),
                explanation: serde_json::json!({ "policy": policy }),
            }),
            Some(human) => {
                let answer = human.decide(request).await?;
                Ok(ApprovalDecision {
                    decision: answer.decision,
                    decided_by: format!("human ({})", answer.decided_by),
                    explanation: serde_json::json!({ "policy": policy, "human": answer.explanation }),
                })
            }
        }
    }
}

#[async_trait::async_trait]
impl ApprovalHandler for PolicyHandler {
    async fn decide(&self, request: &ApprovalRequest) -> Result<ApprovalDecision, HandlerError> {
        if let ApprovalRequest::McpToolCall(call) = request {
            return self.decide_mcp_tool(request, call).await;
        }
        let verdict = (self.evaluate)(&self.in_workspace(request));
        let explanation = serde_json::to_value(&verdict)
            .unwrap_or_else(|e| serde_json::json!({ "error": e.to_string() }));
        let decided = |decision: ReviewDecision, by: &str| ApprovalDecision {
            decision,
            decided_by: by.to_owned(),
            explanation: serde_json::json!({ "policy": explanation }),
        };
        match verdict.decision {
            approval_policy::Decision::Allow => Ok(decided(ReviewDecision::Approved, "policy")),
            approval_policy::Decision::Deny => Ok(decided(ReviewDecision::Denied, "policy")),
            approval_policy::Decision::Ask => match &self.human {
                None => Ok(decided(
                    ReviewDecision::Denied,
                    "policy (ask, no human configured)",
                )),
                Some(human) => {
                    let answer = human.decide(request).await?;
                    Ok(ApprovalDecision {
                        decision: answer.decision,
                        decided_by: format!("human ({})", answer.decided_by),
                        explanation: serde_json::json!({ "policy": explanation, "human": answer.explanation }),
                    })
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::approval::{ApproveAll, ExecApproval};

    fn request() -> ApprovalRequest {
        ApprovalRequest::Exec(ExecApproval {
            conversation_id: "c".into(),
            call_id: "x".into(),
            command: vec!["ls".into()],
            cwd: "/w".into(),
            reason: None,
        })
    }

    fn verdict(decision: approval_policy::Decision) -> Verdict {
        let mut v = Verdict::error("test rule");
        v.decision = decision;
        v
    }

    #[tokio::test]
    async fn allow_deny_and_ask_map_to_the_servers_decisions() {
        for (policy, expected) in [
            (approval_policy::Decision::Allow, ReviewDecision::Approved),
            (approval_policy::Decision::Deny, ReviewDecision::Denied),
            (approval_policy::Decision::Ask, ReviewDecision::Denied),
        ] {
            let handler = PolicyHandler::with_evaluator(move |_| verdict(policy));
            let d = handler.decide(&request()).await.unwrap();
            assert_eq!(d.decision, expected, "{policy:?}");
            assert_eq!(d.explanation["policy"]["decision"], policy.as_str());
            assert_eq!(
                d.explanation["policy"]["explanation"][0]["reason"],
                "test rule"
            );
        }
    }

    fn exec(argv: &[&str]) -> ApprovalRequest {
        ApprovalRequest::Exec(ExecApproval {
            conversation_id: "c".into(),
            call_id: "x".into(),
            command: argv.iter().map(|a| a.to_string()).collect(),
            cwd: "/w".into(),
            reason: None,
        })
    }

    #[tokio::test]
    async fn the_builtin_policy_allows_reads_and_denies_destruction() {
        let handler = PolicyHandler::builtin();
        let read = handler
            .decide(&exec(&["bash", "-lc", "ls -la && git status"]))
            .await
            .unwrap();
        assert_eq!(read.decision, ReviewDecision::Approved, "{read:?}");
        let rm = handler
            .decide(&exec(&["bash", "-lc", "rm -rf /"]))
            .await
            .unwrap();
        assert_eq!(rm.decision, ReviewDecision::Denied);
        assert_eq!(rm.decided_by, "policy");
        let sql = handler
            .decide(&exec(&["psql", "-c", "DELETE FROM users"]))
            .await
            .unwrap();
        assert_eq!(sql.decision, ReviewDecision::Denied);
        assert!(
            sql.explanation.to_string().contains("DELETE"),
            "{}",
            sql.explanation
        );
    }

    #[tokio::test]
    async fn patches_are_judged_against_the_conversations_workspace() {
        use crate::approval::{FileChange, PatchApproval};
        let patch = |path: &str| {
            ApprovalRequest::Patch(PatchApproval {
                conversation_id: "c".into(),
                call_id: "p".into(),
                changes: vec![FileChange {
                    path: path.into(),
                    kind: FileChangeKind::Add,
                    content: Some("hi\n".into()),
                    move_path: None,
                }],
                reason: None,
                grant_root: None,
                cwd: Some("/w".into()),
            })
        };
        let handler = PolicyHandler::builtin();
        assert_eq!(
            handler
                .decide(&patch("/w/hello.txt"))
                .await
                .unwrap()
                .decision,
            ReviewDecision::Approved
        );
        assert_eq!(
            handler
                .decide(&patch("/etc/passwd"))
                .await
                .unwrap()
                .decision,
            ReviewDecision::Denied
        );
    }

    fn mcp_call(server: &str, tool: &str) -> ApprovalRequest {
        ApprovalRequest::McpToolCall(McpToolApproval {
            conversation_id: "c".into(),
            call_id: "m".into(),
            server: server.into(),
            tool: tool.into(),
            arguments: Some(serde_json::json!({"sql": "SELECT 1"})),
            message: "Allow?".into(),
        })
    }

    #[tokio::test]
    async fn mcp_tool_calls_are_approved_only_when_trusted() {
        // Even a policy that allows everything does not approve an untrusted MCP tool.
        let allow_all =
            || PolicyHandler::with_evaluator(|_| verdict(approval_policy::Decision::Allow));
        let d = allow_all()
            .decide(&mcp_call("xldb", "execute_query"))
            .await
            .unwrap();
        assert_eq!(d.decision, ReviewDecision::Denied);
        assert_eq!(d.decided_by, "policy (ask, no human configured)");
        assert_eq!(d.explanation["policy"]["decision"], "ask");
        assert_eq!(d.explanation["policy"]["mcp_tool"], "xldb.execute_query");

        let handler = PolicyHandler::with_evaluator(|_| verdict(approval_policy::Decision::Deny))
            .trust_mcp_tool("xldb", "execute_query");
        let ok = handler
            .decide(&mcp_call("xldb", "execute_query"))
            .await
            .unwrap();
        assert_eq!(ok.decision, ReviewDecision::Approved);
        assert_eq!(ok.explanation["policy"]["decision"], "allow");
        for (server, tool) in [
            ("xldb", "drop_table"),
            ("other", "execute_query"),
            ("xldb", "Execute_Query"),
        ] {
            let d = handler.decide(&mcp_call(server, tool)).await.unwrap();
            assert_eq!(d.decision, ReviewDecision::Denied, "{server}.{tool}");
        }

        let server = PolicyHandler::builtin().trust_mcp_server("xldb");
        assert!(server.trusts_mcp_tool("xldb", "anything"));
        assert!(!server.trusts_mcp_tool("xldb2", "anything"));

        // Untrusted calls go to the human when there is one.
        let human = PolicyHandler::builtin().with_human(Arc::new(ApproveAll));
        let d = human.decide(&mcp_call("fs", "write")).await.unwrap();
        assert_eq!(d.decision, ReviewDecision::Approved);
        assert!(d.decided_by.starts_with("human"), "{d:?}");
        assert_eq!(d.explanation["policy"]["decision"], "ask");
    }

    #[tokio::test]
    async fn ask_goes_to_the_human_when_one_is_configured() {
        let handler = PolicyHandler::with_evaluator(|_| verdict(approval_policy::Decision::Ask))
            .with_human(Arc::new(ApproveAll));
        let d = handler.decide(&request()).await.unwrap();
        assert_eq!(d.decision, ReviewDecision::Approved);
        assert!(d.decided_by.starts_with("human"));
        // A deny is never overridden by the human.
        let handler = PolicyHandler::with_evaluator(|_| verdict(approval_policy::Decision::Deny))
            .with_human(Arc::new(ApproveAll));
        assert_eq!(
            handler.decide(&request()).await.unwrap().decision,
            ReviewDecision::Denied
        );
    }

    /// A patch is judged in the caller's workspace when one is set, whatever the request
    /// names (0.39's patch requests name none); without one, in the request's own.
    #[tokio::test]
    async fn the_workspace_option_sets_where_patches_are_judged() {
        use crate::approval::PatchApproval;
        let patch = |cwd: Option<&str>| {
            ApprovalRequest::Patch(PatchApproval {
                conversation_id: "c".into(),
                call_id: "p".into(),
                changes: Vec::new(),
                reason: None,
                grant_root: None,
                cwd: cwd.map(PathBuf::from),
            })
        };
        let in_w = || {
            PolicyHandler::with_evaluator(|req| match req {
                ApprovalRequest::Patch(p) if p.cwd.as_deref() == Some("/w".as_ref()) => {
                    verdict(approval_policy::Decision::Allow)
                }
                _ => verdict(approval_policy::Decision::Deny),
            })
        };
        let decided = |h: PolicyHandler, r: ApprovalRequest| async move {
            h.decide(&r).await.unwrap().decision
        };
        assert_eq!(decided(in_w(), patch(None)).await, ReviewDecision::Denied);
        assert_eq!(
            decided(in_w(), patch(Some("/w"))).await,
            ReviewDecision::Approved
        );
        for cwd in [None, Some("/elsewhere")] {
            let h = in_w().workspace("/w");
            assert_eq!(decided(h, patch(cwd)).await, ReviewDecision::Approved);
        }
        // Commands keep their own working directory.
        let h = in_w().workspace("/w");
        assert_eq!(decided(h, request()).await, ReviewDecision::Denied);
    }
}
