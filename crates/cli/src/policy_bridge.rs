//! The approval policy as the assistant commands use it: loading, judging a shell command (the
//! demo), and the TTY prompt that answers `ask` when a human is present.

use approval_policy::{Action, Policy};
use codex_session::{
    ApprovalDecision, ApprovalHandler, ApprovalRequest, HandlerError, ReviewDecision,
};
use std::io::{BufRead as _, IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};

/// The built-in policy with the rules of `paths` added, in order.
pub fn load_policy(paths: &[PathBuf]) -> anyhow::Result<Policy> {
    paths.iter().try_fold(Policy::builtin(), |policy, p| {
        policy.with_file(p).map_err(|e| {
            crate::exit::UsageError(format!("policy file `{}`: {e}", p.display())).into()
        })
    })
}

/// A verdict reduced to what the demo prints.
#[derive(Debug, Clone)]
pub struct Judgement {
    /// `allow`, `ask` or `deny`.
    pub decision: String,
    /// The deciding reasons.
    pub reason: String,
    /// The full verdict as JSON.
    pub raw: serde_json::Value,
}

/// Judge `command` as Codex would send it (`bash -lc <command>`) in `cwd`.
pub fn judge_shell(policy: &Policy, command: &str, cwd: &Path) -> Judgement {
    let action = Action::exec(
        vec!["bash".into(), "-lc".into(), command.into()],
        Some(cwd.to_path_buf()),
    );
    let verdict = policy.evaluate(&action);
    // The first deciding finding is the most specific one (the SQL statement, the program).
    let reason = verdict
        .deciding()
        .next()
        .map(|f| {
            if f.subject.is_empty() {
                f.reason.clone()
            } else {
                format!("{}: {}", f.subject, f.reason)
            }
        })
        .unwrap_or_default();
    Judgement {
        decision: verdict.decision.to_string(),
        reason: codex_session::redact_text(&reason).into_owned(),
        raw: serde_json::to_value(&verdict).unwrap_or_default(),
    }
}

/// Asks the person at the terminal about `ask` verdicts (only used when stdin and stderr are
/// terminals; without a human, `ask` is denied).
#[derive(Debug, Default)]
pub struct TtyHuman;

/// What Codex wants, as the terminal prompt says it (secrets redacted).
fn describe(request: &ApprovalRequest) -> String {
    match request {
        ApprovalRequest::Exec(e) => {
            format!("run `{}`", codex_session::redact_text(&e.command.join(" ")))
        }
        ApprovalRequest::Patch(p) => format!(
            "change {}",
            p.changes
                .iter()
                .map(|c| format!("`{}`", c.path.display()))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        ApprovalRequest::McpToolCall(m) => {
            let mut args = m.arguments.clone().unwrap_or(serde_json::Value::Null);
            codex_session::redact_json(&mut args);
            let args = if args.is_null() {
                String::new()
            } else {
                format!(" with {args}")
            };
            format!("call the MCP tool `{}.{}`{args}", m.server, m.tool)
        }
        _ => "do something this version does not know".to_string(),
    }
}

impl TtyHuman {
    /// A human handler when one is present.
    pub fn if_interactive() -> Option<std::sync::Arc<dyn ApprovalHandler>> {
        (std::io::stdin().is_terminal() && std::io::stderr().is_terminal())
            .then(|| std::sync::Arc::new(TtyHuman) as std::sync::Arc<dyn ApprovalHandler>)
    }
}

#[async_trait::async_trait]
impl ApprovalHandler for TtyHuman {
    async fn decide(&self, request: &ApprovalRequest) -> Result<ApprovalDecision, HandlerError> {
        let what = describe(request);
        // The status line must not draw over the question.
        crate::spinner::phase(None);
        let answer = tokio::task::spawn_blocking(move || {
            eprint!("\nCodex wants to {what}. The policy says ask. Allow? [y/N] ");
            let _ = std::io::stderr().flush();
            let mut line = String::new();
            let _ = std::io::stdin().lock().read_line(&mut line);
            line.trim().eq_ignore_ascii_case("y") || line.trim().eq_ignore_ascii_case("yes")
        })
        .await
        .unwrap_or(false);
        crate::spinner::phase(Some("waiting for the model".into()));
        Ok(if answer {
            ApprovalDecision::new(
                ReviewDecision::Approved,
                "human",
                "approved at the terminal",
            )
        } else {
            ApprovalDecision::new(ReviewDecision::Denied, "human", "denied at the terminal")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::describe;
    use codex_session::{ApprovalRequest, McpToolApproval};

    #[test]
    fn the_prompt_names_the_mcp_tool_and_hides_secrets_in_its_arguments() {
        let request = ApprovalRequest::McpToolCall(McpToolApproval {
            conversation_id: "t1".into(),
            call_id: "c1".into(),
            server: "xldb".into(),
            tool: "execute_query".into(),
            arguments: Some(serde_json::json!({"sql": "SELECT 1", "password": "hunter2"})),
            message: "Allow?".into(),
        });
        let text = describe(&request);
        assert!(
            text.starts_with("call the MCP tool `xldb.execute_query` with "),
            "{text}"
        );
        assert!(text.contains("SELECT 1"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
    }
}
