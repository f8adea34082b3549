//! The event model callers see, the same whatever the server's protocol generation.
//!
//! Each generation maps its wire events into [`Event`]. The common ones get typed variants with
//! the fields a caller acts on; everything else arrives as [`Event::Other`] with its wire name
//! and raw JSON, so a newer server's events are carried, never dropped and never an error.
//! Two variants come from the session itself: [`Event::ApprovalDecided`] (what we answered to
//! an approval request) and [`Event::Lagged`] (events dropped for a slow consumer, see
//! [`crate::SessionOptions::event_queue`]).

use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

use crate::approval::{FileChange, ReviewDecision};
use crate::error::Unavailable;

/// One event of a conversation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Event {
    /// A turn started.
    TurnStarted,
    /// A complete agent message.
    AgentMessage {
        /// The text.
        text: String,
    },
    /// A piece of an agent message being streamed.
    AgentMessageDelta {
        /// The new text.
        delta: String,
    },
    /// The server announced an approval request for a command (the request itself goes to
    /// the approval handler).
    ExecApprovalRequested {
        /// The tool call id.
        call_id: String,
        /// The argv.
        command: Vec<String>,
        /// Where it would run.
        cwd: PathBuf,
        /// The model's justification.
        reason: Option<String>,
    },
    /// The server announced an approval request for a patch.
    PatchApprovalRequested {
        /// The tool call id.
        call_id: String,
        /// The files.
        changes: Vec<FileChange>,
        /// The model's justification.
        reason: Option<String>,
    },
    /// This session answered an approval request.
    ApprovalDecided {
        /// The tool call id.
        call_id: String,
        /// `exec`, `patch` or `mcp_tool`.
        kind: ApprovalKind,
        /// The argv (exec), the file paths (patch) or `server.tool` (MCP tool call).
        subject: Vec<String>,
        /// What was sent.
        decision: ReviewDecision,
        /// Who decided.
        decided_by: String,
        /// Why.
        explanation: serde_json::Value,
    },
    /// A command started.
    CommandStarted {
        /// The tool call id.
        call_id: String,
        /// The argv.
        command: Vec<String>,
        /// Where it runs.
        cwd: PathBuf,
    },
    /// Output of a running command.
    CommandOutput {
        /// The tool call id.
        call_id: String,
        /// The output chunk (lossy UTF-8).
        chunk: String,
    },
    /// A command ended.
    CommandFinished {
        /// The tool call id.
        call_id: String,
        /// Its exit code.
        exit_code: i32,
        /// What it printed (stdout and stderr, as the server aggregated them).
        output: String,
        /// How long it ran.
        duration: Option<Duration>,
    },
    /// A patch is being applied.
    PatchStarted {
        /// The tool call id.
        call_id: String,
        /// Whether the server applied it without asking.
        auto_approved: bool,
        /// The files.
        changes: Vec<FileChange>,
    },
    /// A patch was applied (or failed).
    PatchFinished {
        /// The tool call id.
        call_id: String,
        /// Whether it applied.
        success: bool,
        /// The tool's output.
        output: String,
    },
    /// The diff of the whole turn so far.
    TurnDiff {
        /// A unified diff.
        unified_diff: String,
    },
    /// The model updated its plan.
    PlanUpdated {
        /// The plan as the server sent it.
        plan: serde_json::Value,
    },
    /// Token usage so far.
    TokenUsage(TokenUsage),
    /// An error the server reported; in 0.39 it ends the turn.
    Error {
        /// The server's message.
        message: String,
    },
    /// A transient streaming error (the server retries).
    StreamError {
        /// The server's message.
        message: String,
    },
    /// The turn ended normally.
    TurnComplete {
        /// The last agent message.
        last_agent_message: Option<String>,
    },
    /// The turn ended early (interrupt, `abort` decision).
    TurnAborted {
        /// The server's reason (`interrupted`, …).
        reason: String,
    },
    /// Events were dropped here because the consumer fell behind.
    Lagged {
        /// How many.
        missed: u64,
    },
    /// The server went away; no more events will come.
    Disconnected {
        /// Why.
        reason: String,
        /// The cause.
        #[serde(skip)]
        cause: Option<Unavailable>,
    },
    /// An event this crate has no variant for, carried as sent.
    Other {
        /// The wire name (`type`).
        kind: String,
        /// The raw event.
        raw: serde_json::Value,
    },
}

/// Which kind of approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalKind {
    /// A command.
    Exec,
    /// A patch.
    Patch,
    /// A call of an MCP server's tool (subject: `server.tool`).
    McpTool,
}

/// Token counts as the server reports them (totals for the conversation so far): the
/// conversation API's wire struct, which app-server v2's counts are copied into.
pub use mcp_proto::TokenUsage;

impl Event {
    /// The event's name (the wire `type` for server events).
    pub fn kind(&self) -> &str {
        match self {
            Event::TurnStarted => "turn_started",
            Event::AgentMessage { .. } => "agent_message",
            Event::AgentMessageDelta { .. } => "agent_message_delta",
            Event::ExecApprovalRequested { .. } => "exec_approval_request",
            Event::PatchApprovalRequested { .. } => "apply_patch_approval_request",
            Event::ApprovalDecided { .. } => "approval_decided",
            Event::CommandStarted { .. } => "exec_command_begin",
            Event::CommandOutput { .. } => "exec_command_output_delta",
            Event::CommandFinished { .. } => "exec_command_end",
            Event::PatchStarted { .. } => "patch_apply_begin",
            Event::PatchFinished { .. } => "patch_apply_end",
            Event::TurnDiff { .. } => "turn_diff",
            Event::PlanUpdated { .. } => "plan_update",
            Event::TokenUsage(_) => "token_count",
            Event::Error { .. } => "error",
            Event::StreamError { .. } => "stream_error",
            Event::TurnComplete { .. } => "task_complete",
            Event::TurnAborted { .. } => "turn_aborted",
            Event::Lagged { .. } => "lagged",
            Event::Disconnected { .. } => "disconnected",
            Event::Other { kind, .. } => kind,
        }
    }

    /// True for events that end a turn: complete, aborted, a server error, or disconnection.
    pub fn ends_turn(&self) -> bool {
        matches!(
            self,
            Event::TurnComplete { .. }
                | Event::TurnAborted { .. }
                | Event::Error { .. }
                | Event::Disconnected { .. }
        )
    }

    /// Events that may be dropped (with a [`Event::Lagged`] marker) when the consumer is slow:
    /// streaming pieces whose content also arrives whole later, and progress counters.
    pub(crate) fn is_droppable(&self) -> bool {
        matches!(
            self,
            Event::AgentMessageDelta { .. }
                | Event::CommandOutput { .. }
                | Event::TokenUsage(_)
                | Event::TurnDiff { .. }
                | Event::Other { .. }
        )
    }
}
