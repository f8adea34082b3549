//! MCP tool mode: the arguments of `tools/call` `codex` / `codex-reply` and the structured
//! result (`codex mcp` 0.20–0.42, `codex mcp-server` 0.44–0.153.4).
//!
//! The wire methods are plain MCP ([`CallTool`](crate::CallTool),
//! [`Elicitation`](crate::Elicitation)); what is Codex-specific is inside: the tool
//! arguments (kebab-case keys whose set changed over versions), the id `codex-reply` needs
//! (`sessionId` up to 0.29, `conversationId` 0.34+, `threadId` also accepted 0.87+), and the
//! answer to an elicitation, which is a Codex decision (`{"decision":"approved"}`, see
//! [`ElicitResult`](crate::ElicitResult)), never MCP's `{"action":"accept"}`.
//!
//! Optional arguments a version does not know are left out when `None`, so one struct serves
//! every version; the caller leaves `include_plan_tool` unset from 0.49, `profile` from 0.135,
//! and uses only `on-request` / `never` from 0.149 (`untrusted` gives `isError`).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::codex::{AskForApproval, ConversationId, SandboxMode};
use crate::error::{detail, DecodeError, EncodeError};
use crate::jsonrpc::RequestId;
use crate::mcp::Extra;

/// Name of the tool that starts a Codex session.
pub const CODEX_TOOL: &str = "codex";
/// Name of the tool that continues one.
pub const CODEX_REPLY_TOOL: &str = "codex-reply";

/// Arguments of the `codex` tool.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct CodexToolArgs {
    /// The first message.
    pub prompt: String,
    /// Approval policy (`untrusted` rejected from 0.149).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval_policy: Option<AskForApproval>,
    /// Sandbox mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sandbox: Option<SandboxMode>,
    /// Working directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cwd: Option<PathBuf>,
    /// Model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Config profile (up to 0.130).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// `config.toml` overrides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<Map<String, Value>>,
    /// Replaces the built-in instructions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_instructions: Option<String>,
    /// Offer the plan tool (up to 0.47).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_plan_tool: Option<bool>,
    /// Prompt used for compaction (0.53+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compact_prompt: Option<String>,
    /// Developer instructions (0.53+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub developer_instructions: Option<String>,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Which key `codex-reply` takes the session id under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReplyIdKey {
    /// `sessionId` (0.20 – 0.29).
    SessionId,
    /// `conversationId` (0.34 and later; still accepted after 0.87).
    ConversationId,
    /// `threadId` (0.87 and later).
    ThreadId,
}

/// Arguments of the `codex-reply` tool.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CodexReplyArgs {
    /// The next message.
    pub prompt: String,
    /// The session id (0.20 – 0.29).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<ConversationId>,
    /// The session id (0.34+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<ConversationId>,
    /// The session id (0.87+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_id: Option<ConversationId>,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl CodexReplyArgs {
    /// Continue session `id` with `prompt`, naming the id with `key`.
    pub fn new(id: ConversationId, prompt: impl Into<String>, key: ReplyIdKey) -> Self {
        let mut args = CodexReplyArgs {
            prompt: prompt.into(),
            ..CodexReplyArgs::default()
        };
        match key {
            ReplyIdKey::SessionId => args.session_id = Some(id),
            ReplyIdKey::ConversationId => args.conversation_id = Some(id),
            ReplyIdKey::ThreadId => args.thread_id = Some(id),
        }
        args
    }

    /// Continue session `id` with `prompt`, naming the id under every key in `keys` (0.87+
    /// reads `threadId` and still accepts `conversationId`: sending both suits either reading).
    ///
    /// ```
    /// use mcp_proto::{to_arguments, CodexReplyArgs, ConversationId, ReplyIdKey};
    /// let args = CodexReplyArgs::with_keys(
    ///     ConversationId("s1".into()),
    ///     "next",
    ///     &[ReplyIdKey::ThreadId, ReplyIdKey::ConversationId],
    /// );
    /// let map = to_arguments(&args).unwrap();
    /// assert_eq!(map["threadId"], "s1");
    /// assert_eq!(map["conversationId"], "s1");
    /// ```
    pub fn with_keys(id: ConversationId, prompt: impl Into<String>, keys: &[ReplyIdKey]) -> Self {
        let mut args = CodexReplyArgs {
            prompt: prompt.into(),
            ..CodexReplyArgs::default()
        };
        for key in keys {
            let slot = match key {
                ReplyIdKey::SessionId => &mut args.session_id,
                ReplyIdKey::ConversationId => &mut args.conversation_id,
                ReplyIdKey::ThreadId => &mut args.thread_id,
            };
            *slot = Some(id.clone());
        }
        args
    }

    /// The session id, whichever key carried it.
    pub fn id(&self) -> Option<&ConversationId> {
        self.thread_id
            .as_ref()
            .or(self.conversation_id.as_ref())
            .or(self.session_id.as_ref())
    }
}

/// `structuredContent` of a `codex` / `codex-reply` result (0.87+).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CodexToolOutput {
    /// The session, for `codex-reply`.
    pub thread_id: ConversationId,
    /// The final message.
    pub content: String,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The `_meta` of a tool-mode `codex/event` notification: which `tools/call` the event
/// belongs to (`requestId`, the id of the `codex` / `codex-reply` request) and, from 0.87,
/// the session's `threadId`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolEventMeta {
    /// The id of the `tools/call` request whose turn produced the event.
    pub request_id: RequestId,
    /// The session (0.87+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_id: Option<ConversationId>,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl ToolEventMeta {
    /// Read it from an event's `_meta` ([`EventNotification::meta`](crate::EventNotification));
    /// `None` when absent or not shaped like tool mode's.
    pub fn from_meta(meta: Option<&Value>) -> Option<ToolEventMeta> {
        ToolEventMeta::deserialize(meta?).ok()
    }
}

/// Tool arguments to the `arguments` object of [`CallToolParams`](crate::CallToolParams).
pub fn to_arguments<T: Serialize>(args: &T) -> Result<Map<String, Value>, EncodeError> {
    match serde_json::to_value(args) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(EncodeError::Params {
            method: "tools/call",
            detail: "tool arguments must be an object".to_owned(),
        }),
        Err(e) => Err(EncodeError::Params {
            method: "tools/call",
            detail: detail(&e),
        }),
    }
}

/// Read tool arguments back (tests, replay).
pub fn from_arguments<T: serde::de::DeserializeOwned>(
    arguments: &Map<String, Value>,
) -> Result<T, DecodeError> {
    T::deserialize(Value::Object(arguments.clone())).map_err(|e| DecodeError::Params {
        method: "tools/call".to_owned(),
        detail: detail(&e),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn codex_args_are_kebab_case_and_sparse() {
        let args = CodexToolArgs {
            prompt: "please run touch".into(),
            approval_policy: Some(AskForApproval::Untrusted),
            sandbox: Some(SandboxMode::WorkspaceWrite),
            cwd: Some("/w".into()),
            ..CodexToolArgs::default()
        };
        assert_eq!(
            Value::Object(to_arguments(&args).unwrap()),
            json!({"prompt":"please run touch","approval-policy":"untrusted","sandbox":"workspace-write","cwd":"/w"})
        );
    }

    #[test]
    fn tool_event_meta_names_the_call_and_later_the_thread() {
        // 0.80.0 and 0.150.0 (`codex mcp-server` transcripts).
        let meta = ToolEventMeta::from_meta(Some(&json!({"requestId": 3}))).unwrap();
        assert_eq!(
            (meta.request_id, meta.thread_id),
            (RequestId::Number(3), None)
        );
        let meta =
            ToolEventMeta::from_meta(Some(&json!({"requestId": 3, "threadId": "01a21209-fb2f"})))
                .unwrap();
        assert_eq!(meta.thread_id, Some(ConversationId("01a21209-fb2f".into())));
        assert_eq!(ToolEventMeta::from_meta(None), None);
        assert_eq!(ToolEventMeta::from_meta(Some(&json!({"x": 1}))), None);
    }

    #[test]
    fn reply_id_key_by_version() {
        let id = ConversationId("s1".into());
        for (key, wire) in [
            (ReplyIdKey::SessionId, "sessionId"),
            (ReplyIdKey::ConversationId, "conversationId"),
            (ReplyIdKey::ThreadId, "threadId"),
        ] {
            let args = CodexReplyArgs::new(id.clone(), "next", key);
            let map = to_arguments(&args).unwrap();
            assert_eq!(
                Value::Object(map.clone()),
                json!({"prompt":"next", wire: "s1"})
            );
            let back: CodexReplyArgs = from_arguments(&map).unwrap();
            assert_eq!(back.id(), Some(&id));
        }
    }
}
