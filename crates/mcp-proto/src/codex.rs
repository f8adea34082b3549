//! The Codex conversation API of `codex mcp` 0.22–0.42 (v1): shared value types.
//!
//! Client→server params are camelCase and enum values kebab-case; server→client approval params
//! are snake_case (0.39) and event payloads snake_case. What we *write* is exactly what 0.39
//! accepts; what we *read* also accepts the spellings later versions and the integration guide
//! use (listed per type). A later generation (`codex app-server` v2) gets a sibling module.

mod approval;
mod conversation;
mod event;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::open_enum::open_enum;

pub use approval::{
    ApplyPatchApprovalParams, ExecCommandApprovalParams, ReviewDecision, ReviewDecisionResponse,
    WireFileChange,
};
pub use conversation::*;
pub use event::*;

/// Wire name of Codex event notifications in tool mode (`codex/event`).
pub const EVENT_METHOD: &str = "codex/event";
/// Prefix of the per-type event notifications of the conversation API (`codex/event/<type>`).
pub const EVENT_METHOD_PREFIX: &str = "codex/event/";

/// A conversation id (a UUID string).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ConversationId(pub String);

impl fmt::Display for ConversationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for ConversationId {
    fn from(s: &str) -> Self {
        ConversationId(s.to_owned())
    }
}

impl From<String> for ConversationId {
    fn from(s: String) -> Self {
        ConversationId(s)
    }
}

/// When Codex asks before running a command (`approvalPolicy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AskForApproval {
    /// `untrusted`: ask for everything but known-safe reads.
    Untrusted,
    /// `on-failure`: run sandboxed, ask when the sandbox blocks it.
    OnFailure,
    /// `on-request`: the model decides when to ask.
    OnRequest,
    /// `never`: never ask.
    Never,
}

/// Sandbox mode of a conversation (`sandbox` in `newConversation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SandboxMode {
    /// `read-only`.
    ReadOnly,
    /// `workspace-write`.
    WorkspaceWrite,
    /// `danger-full-access`.
    DangerFullAccess,
}

open_enum! {
    /// Reasoning effort.
    pub enum ReasoningEffort {
        /// Minimal.
        Minimal = "minimal",
        /// Low.
        Low = "low",
        /// Medium.
        Medium = "medium",
        /// High.
        High = "high",
    }
}

open_enum! {
    /// Reasoning summary mode (`summary` in `sendUserTurn`).
    pub enum ReasoningSummary {
        /// Auto.
        Auto = "auto",
        /// Concise.
        Concise = "concise",
        /// Detailed.
        Detailed = "detailed",
        /// None.
        None = "none",
    }
}
