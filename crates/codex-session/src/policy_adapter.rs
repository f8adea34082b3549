//! The default approval handler: ask `approval-policy`, map its verdict to a decision.
//!
//! `allow` → `approved`, `deny` → `denied`, `ask` → the human handler if one is configured
//! (a TTY prompt in the CLI, a review queue in a proxy), else `denied`. The verdict (decision,
//! risk, and every finding: which rule, which sub-command or SQL statement) becomes the
//! decision's explanation, so it lands in the audit log next to the decision. Whatever the
//! human handler does wrong (error, panic, timeout) is handled by the session and denies.

use std::sync::Arc;

use approval_policy::{Action, Policy, Verdict};

use crate::approval::{
    ApprovalDecision, ApprovalHandler, ApprovalRequest, Decision, FileChangeKind, HandlerError,
};

type Evaluate = dyn Fn(&ApprovalRequest) -> Verdict + Send + Sync;

/// Decides approval requests with `approval-policy`; see the module docs.
#[derive(Clone)]
pub struct PolicyHandler {
    evaluate: Arc<Evaluate>,
    human: Option<Arc<dyn ApprovalHandler>>,
}

impl std::fmt::Debug for PolicyHandler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PolicyHandler")
            .field("human", &self.human)
            .finish_non_exhaustive()
    }
}

impl PolicyHandler {
    /// The built-in policy ([`Policy::builtin`]), no human: what `ask` would ask is denied.
    pub fn builtin() -> PolicyHandler {
        PolicyHandler::new(Policy::builtin())
    }

    /// A policy (built-in knowledge plus a team's rule files), no human.
    pub fn new(policy: Policy) -> PolicyHandler {
        let policy = Arc::new(policy);
        PolicyHandler::with_evaluator(move |request: &ApprovalRequest| {
            policy.evaluate(&action(request))
        })
    }

    /// A handler around any evaluation function (a custom policy, a test double).
    pub fn with_evaluator(
        evaluate: impl Fn(&ApprovalRequest) -> Verdict + Send + Sync + 'static,
    ) -> PolicyHandler {
        PolicyHandler {
            evaluate: Arc::new(evaluate),
            human: None,
        }
    }

    /// Send `ask` verdicts to `human` instead of denying them.
    pub fn with_human(mut self, human: Arc<dyn ApprovalHandler>) -> PolicyHandler {
        self.human = Some(human);
        self
    }
}

/// An approval request as the policy engine's action.
fn action(request: &ApprovalRequest) -> Action {
    match request {
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
    }
}

#[async_trait::async_trait]
impl ApprovalHandler for PolicyHandler {
    async fn decide(&self, request: &ApprovalRequest) -> Result<ApprovalDecision, HandlerError> {
        let verdict = (self.evaluate)(request);
        let explanation = serde_json::to_value(&verdict)
            .unwrap_or_else(|e| serde_json::json!({ "error": e.to_string() }));
        let decided = |decision: Decision, by: &str| ApprovalDecision {
            decision,
            decided_by: by.to_owned(),
            explanation: serde_json::json!({ "policy": explanation }),
        };
        match verdict.decision {
            approval_policy::Decision::Allow => Ok(decided(Decision::Approved, "policy")),
            approval_policy::Decision::Deny => Ok(decided(Decision::Denied, "policy")),
            approval_policy::Decision::Ask => match &self.human {
                None => Ok(decided(
                    Decision::Denied,
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
            (approval_policy::Decision::Allow, Decision::Approved),
            (approval_policy::Decision::Deny, Decision::Denied),
            (approval_policy::Decision::Ask, Decision::Denied),
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
        assert_eq!(read.decision, Decision::Approved, "{read:?}");
        let rm = handler
            .decide(&exec(&["bash", "-lc", "rm -rf /"]))
            .await
            .unwrap();
        assert_eq!(rm.decision, Decision::Denied);
        assert_eq!(rm.decided_by, "policy");
        let sql = handler
            .decide(&exec(&["psql", "-c", "DELETE FROM users"]))
            .await
            .unwrap();
        assert_eq!(sql.decision, Decision::Denied);
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
            Decision::Approved
        );
        assert_eq!(
            handler
                .decide(&patch("/etc/passwd"))
                .await
                .unwrap()
                .decision,
            Decision::Denied
        );
    }

    #[tokio::test]
    async fn ask_goes_to_the_human_when_one_is_configured() {
        let handler = PolicyHandler::with_evaluator(|_| verdict(approval_policy::Decision::Ask))
            .with_human(Arc::new(ApproveAll));
        let d = handler.decide(&request()).await.unwrap();
        assert_eq!(d.decision, Decision::Approved);
        assert!(d.decided_by.starts_with("human"));
        // A deny is never overridden by the human.
        let handler = PolicyHandler::with_evaluator(|_| verdict(approval_policy::Decision::Deny))
            .with_human(Arc::new(ApproveAll));
        assert_eq!(
            handler.decide(&request()).await.unwrap().decision,
            Decision::Denied
        );
    }
}
