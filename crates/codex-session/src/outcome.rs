//! What a turn did, folded from its events.

use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

use crate::approval::ReviewDecision;
use crate::event::{ApprovalKind, Event, TokenUsage};

/// How a turn ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum TurnEnd {
    /// `task_complete`.
    Completed,
    /// `turn_aborted` (an interrupt or an `abort` decision).
    Aborted {
        /// The server's reason.
        reason: String,
    },
    /// The server reported an error that ended the turn.
    Failed {
        /// The server's message.
        message: String,
    },
}

/// A command Codex ran (or started) during the turn.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommandRun {
    /// The tool call id.
    pub call_id: String,
    /// The argv.
    pub command: Vec<String>,
    /// Where it ran.
    pub cwd: PathBuf,
    /// Its exit code (`None` if the turn ended before it did).
    pub exit_code: Option<i32>,
    /// Its output as the server aggregated it.
    pub output: String,
    /// How long it ran.
    pub duration: Option<Duration>,
}

/// An approval request this session did not approve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeniedAction {
    /// The tool call id.
    pub call_id: String,
    /// Command, patch or MCP tool call.
    pub kind: ApprovalKind,
    /// The argv, the file paths, or `server.tool`.
    pub subject: Vec<String>,
    /// `denied` or `abort`.
    pub decision: ReviewDecision,
    /// Who decided.
    pub decided_by: String,
    /// Why.
    pub explanation: serde_json::Value,
}

/// A patch Codex applied (or tried to).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatchRun {
    /// The tool call id.
    pub call_id: String,
    /// The files.
    pub files: Vec<PathBuf>,
    /// Whether the server applied it without asking.
    pub auto_approved: bool,
    /// Whether it applied (`None` if the turn ended first).
    pub success: Option<bool>,
}

/// Everything a turn produced that a caller acts on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TurnOutcome {
    /// How it ended.
    pub end: TurnEnd,
    /// The last agent message.
    pub final_message: Option<String>,
    /// Every complete agent message, in order.
    pub messages: Vec<String>,
    /// Commands run, in order.
    pub commands: Vec<CommandRun>,
    /// Commands and patches this session denied or aborted.
    pub denied: Vec<DeniedAction>,
    /// Patches applied.
    pub patches: Vec<PatchRun>,
    /// Plan updates, as sent.
    pub plan_updates: Vec<serde_json::Value>,
    /// The last token usage reported.
    pub token_usage: Option<TokenUsage>,
    /// Error and stream-error messages.
    pub errors: Vec<String>,
    /// Events dropped because the consumer was slow (0 for `run_turn`, which keeps up).
    pub lagged: u64,
    /// How many events the turn had.
    pub events: usize,
}

impl Default for TurnOutcome {
    fn default() -> Self {
        TurnOutcome {
            end: TurnEnd::Completed,
            final_message: None,
            messages: Vec::new(),
            commands: Vec::new(),
            denied: Vec::new(),
            patches: Vec::new(),
            plan_updates: Vec::new(),
            token_usage: None,
            errors: Vec::new(),
            lagged: 0,
            events: 0,
        }
    }
}

impl TurnOutcome {
    /// Fold one event in. Returns true when the event ends the turn.
    pub(crate) fn apply(&mut self, event: &Event) -> bool {
        self.events += 1;
        match event {
            Event::AgentMessage { text } => {
                self.messages.push(text.clone());
                self.final_message = Some(text.clone());
            }
            Event::CommandStarted {
                call_id,
                command,
                cwd,
            } => self.commands.push(CommandRun {
                call_id: call_id.clone(),
                command: command.clone(),
                cwd: cwd.clone(),
                exit_code: None,
                output: String::new(),
                duration: None,
            }),
            Event::CommandFinished {
                call_id,
                exit_code,
                output,
                duration,
            } => {
                if let Some(run) = self
                    .commands
                    .iter_mut()
                    .rev()
                    .find(|c| &c.call_id == call_id)
                {
                    run.exit_code = Some(*exit_code);
                    run.output = output.clone();
                    run.duration = *duration;
                }
            }
            Event::ApprovalDecided {
                call_id,
                kind,
                subject,
                decision,
                decided_by,
                explanation,
            } if !decision.is_approval() => {
                // app-server v2 announces an item (`item/started`) before asking to run it;
                // a denied one never runs, so it is not reported as a command or a patch.
                match kind {
                    ApprovalKind::Exec => self
                        .commands
                        .retain(|c| &c.call_id != call_id || c.exit_code.is_some()),
                    ApprovalKind::Patch => self
                        .patches
                        .retain(|p| &p.call_id != call_id || p.success.is_some()),
                    // A refused MCP tool call is reported by the server as a completed item
                    // whose result says so; nothing to take back.
                    ApprovalKind::McpTool => {}
                }
                self.denied.push(DeniedAction {
                    call_id: call_id.clone(),
                    kind: *kind,
                    subject: subject.clone(),
                    decision: *decision,
                    decided_by: decided_by.clone(),
                    explanation: explanation.clone(),
                })
            }
            Event::PatchStarted {
                call_id,
                auto_approved,
                changes,
            } => self.patches.push(PatchRun {
                call_id: call_id.clone(),
                files: changes.iter().map(|c| c.path.clone()).collect(),
                auto_approved: *auto_approved,
                success: None,
            }),
            Event::PatchFinished {
                call_id, success, ..
            } => {
                if let Some(p) = self
                    .patches
                    .iter_mut()
                    .rev()
                    .find(|p| &p.call_id == call_id)
                {
                    p.success = Some(*success);
                }
            }
            Event::PlanUpdated { plan } => self.plan_updates.push(plan.clone()),
            Event::TokenUsage(usage) => self.token_usage = Some(*usage),
            Event::StreamError { message } => self.errors.push(message.clone()),
            Event::Lagged { missed } => self.lagged += missed,
            Event::Error { message } => {
                self.errors.push(message.clone());
                self.end = TurnEnd::Failed {
                    message: message.clone(),
                };
                return true;
            }
            Event::TurnComplete { last_agent_message } => {
                if last_agent_message.is_some() {
                    self.final_message = last_agent_message.clone();
                }
                self.end = TurnEnd::Completed;
                return true;
            }
            Event::TurnAborted { reason } => {
                self.end = TurnEnd::Aborted {
                    reason: reason.clone(),
                };
                return true;
            }
            _ => {}
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_a_turn_with_a_denied_and_an_approved_command() {
        let mut o = TurnOutcome::default();
        let events = [
            Event::TurnStarted,
            Event::ApprovalDecided {
                call_id: "c1".into(),
                kind: ApprovalKind::Exec,
                subject: vec!["rm".into(), "-rf".into(), "/".into()],
                decision: ReviewDecision::Denied,
                decided_by: "policy".into(),
                explanation: serde_json::json!("rm is denied"),
            },
            Event::ApprovalDecided {
                call_id: "c2".into(),
                kind: ApprovalKind::Exec,
                subject: vec!["ls".into()],
                decision: ReviewDecision::Approved,
                decided_by: "policy".into(),
                explanation: serde_json::json!("read-only"),
            },
            Event::CommandStarted {
                call_id: "c2".into(),
                command: vec!["ls".into()],
                cwd: "/w".into(),
            },
            Event::CommandFinished {
                call_id: "c2".into(),
                exit_code: 0,
                output: "a\n".into(),
                duration: None,
            },
            Event::AgentMessage {
                text: "done".into(),
            },
            Event::TurnComplete {
                last_agent_message: Some("done".into()),
            },
        ];
        let ends: Vec<bool> = events.iter().map(|e| o.apply(e)).collect();
        assert_eq!(ends.iter().filter(|e| **e).count(), 1);
        assert_eq!(ends.last(), Some(&true));
        assert_eq!(o.end, TurnEnd::Completed);
        assert_eq!(o.denied.len(), 1);
        assert_eq!(o.denied[0].call_id, "c1");
        assert_eq!(o.commands.len(), 1);
        assert_eq!(o.commands[0].exit_code, Some(0));
        assert_eq!(o.final_message.as_deref(), Some("done"));
    }

    /// app-server v2 starts the item before asking; the denied item is not a command run.
    #[test]
    fn a_command_announced_then_denied_is_not_reported_as_run() {
        let mut o = TurnOutcome::default();
        let denied = |call_id: &str, kind| Event::ApprovalDecided {
            call_id: call_id.into(),
            kind,
            subject: vec!["touch".into(), "x".into()],
            decision: ReviewDecision::Denied,
            decided_by: "policy".into(),
            explanation: serde_json::json!("no"),
        };
        for event in [
            Event::CommandStarted {
                call_id: "c1".into(),
                command: vec!["touch".into(), "x".into()],
                cwd: "/w".into(),
            },
            denied("c1", ApprovalKind::Exec),
            Event::PatchStarted {
                call_id: "p1".into(),
                auto_approved: false,
                changes: Vec::new(),
            },
            denied("p1", ApprovalKind::Patch),
        ] {
            o.apply(&event);
        }
        assert!(o.commands.is_empty(), "{o:?}");
        assert!(o.patches.is_empty(), "{o:?}");
        assert_eq!(o.denied.len(), 2);
    }

    #[test]
    fn an_abort_ends_the_turn() {
        let mut o = TurnOutcome::default();
        assert!(o.apply(&Event::TurnAborted {
            reason: "interrupted".into()
        }));
        assert_eq!(
            o.end,
            TurnEnd::Aborted {
                reason: "interrupted".into()
            }
        );
    }
}
