//! The default approval handler: ask `approval-policy`, map its verdict to a decision.
//!
//! `allow` → `approved`, `deny` → `denied`, `ask` → the human handler if one is configured
//! (a TTY prompt in the CLI, a review queue in a proxy), else `denied`. The verdict (decision,
//! risk, and every finding: which rule, which sub-command or SQL statement) becomes the
//! decision's explanation, so it lands in the audit log next to the decision. Whatever the
//! human handler does wrong (error, panic, timeout) is handled by the session and denies.

use std::sync::Arc;

use approval_policy::Verdict;

use crate::approval::{ApprovalDecision, ApprovalHandler, ApprovalRequest, Decision, HandlerError};

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
    /// The built-in policy, no human: what `ask` would ask is denied.
    pub fn builtin() -> PolicyHandler {
        PolicyHandler::with_evaluator(|_request: &ApprovalRequest| {
            // Until the policy engine's evaluation API is wired in, nothing is allowed
            // without a human: every request is `ask`.
            let mut verdict = Verdict::error("no policy evaluation is available yet");
            verdict.decision = approval_policy::Decision::Ask;
            verdict
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
