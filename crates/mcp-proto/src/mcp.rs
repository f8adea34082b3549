//! Standard MCP payloads (the subset a client of `codex mcp` needs).
//!
//! Structs that a server may extend keep unknown members in a flattened `extra` map, so
//! re-encoding loses nothing; optional members are left out when absent, so what we write is
//! what a strict server expects. Codex's vendor additions (`serverInfo.user_agent`, the
//! `codex_*` members of `elicitation/create`) are typed.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::codex::{ReviewDecision, WireFileChange};
use crate::jsonrpc::RequestId;
use crate::open_enum::open_enum;

/// Unknown members kept aside.
pub type Extra = Map<String, Value>;

/// `clientInfo` / `serverInfo`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Implementation {
    /// Program name (`codex-mcp-server`).
    pub name: String,
    /// Human title (`Codex`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Program version (`0.39.0`).
    pub version: String,
    /// Codex's user agent (`codex_cli_rs/0.39.0 (…)`), sent from 0.34.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// What the client supports.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ClientCapabilities {
    /// Present (`{}`) when the client answers `elicitation/create`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elicitation: Option<Value>,
    /// Roots support.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roots: Option<Value>,
    /// Sampling support.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sampling: Option<Value>,
    /// Experimental capabilities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub experimental: Option<Value>,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `initialize` params.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InitializeParams {
    /// MCP revision, `2025-06-18` for Codex 0.39.
    pub protocol_version: String,
    /// What the client supports.
    pub capabilities: ClientCapabilities,
    /// Who the client is (Codex folds it into its user agent).
    pub client_info: Implementation,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The `tools` server capability.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolsCapability {
    /// Whether the server sends `notifications/tools/list_changed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_changed: Option<bool>,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// What the server supports.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ServerCapabilities {
    /// Tools (`codex`, `codex-reply`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tools: Option<ToolsCapability>,
    /// Logging.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logging: Option<Value>,
    /// Prompts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompts: Option<Value>,
    /// Resources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Value>,
    /// Completions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completions: Option<Value>,
    /// Experimental capabilities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub experimental: Option<Value>,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `initialize` result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InitializeResult {
    /// The MCP revision the server speaks.
    pub protocol_version: String,
    /// What the server supports.
    pub capabilities: ServerCapabilities,
    /// Who the server is, with Codex's `user_agent`.
    pub server_info: Implementation,
    /// Usage hints for the model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions: Option<String>,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `tools/list` params (`{}` or a page cursor).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ListToolsParams {
    /// Page cursor from a previous result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}

/// One tool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tool {
    /// Tool name (`codex`, `codex-reply`).
    pub name: String,
    /// Human title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// What it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// JSON schema of the arguments.
    pub input_schema: Value,
    /// JSON schema of `structuredContent` (Codex 0.87+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_schema: Option<Value>,
    /// Tool annotations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<Value>,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `tools/list` result.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListToolsResult {
    /// The tools.
    pub tools: Vec<Tool>,
    /// Cursor of the next page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// `tools/call` params.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallToolParams {
    /// Tool name.
    pub name: String,
    /// Tool arguments (for `codex`: `prompt`, `approval-policy`, `sandbox`, `cwd`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arguments: Option<Map<String, Value>>,
    /// Members this crate does not know (`_meta`).
    #[serde(flatten)]
    pub extra: Extra,
}

/// Text content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextContent {
    /// The text.
    pub text: String,
    /// Audience / priority annotations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<Value>,
}

/// Image or audio content (base64 data).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MediaContent {
    /// Base64 data.
    pub data: String,
    /// MIME type.
    pub mime_type: String,
    /// Audience / priority annotations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<Value>,
}

/// A content block of a tool result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ContentBlock {
    /// `{"type":"text","text":…}`
    Text(TextContent),
    /// `{"type":"image","data":…,"mimeType":…}`
    Image(MediaContent),
    /// `{"type":"audio","data":…,"mimeType":…}`
    Audio(MediaContent),
    /// `{"type":"resource_link",…}` (kept as JSON).
    ResourceLink(Map<String, Value>),
    /// `{"type":"resource","resource":…}` (kept as JSON).
    Resource(Map<String, Value>),
    /// Any other block, or a known type in a shape this crate does not read, kept verbatim.
    #[serde(untagged)]
    Unknown(Value),
}

/// `tools/call` result.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallToolResult {
    /// Content blocks (Codex: the last agent message as text).
    pub content: Vec<ContentBlock>,
    /// Structured result (Codex 0.87+: `{threadId, content}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub structured_content: Option<Value>,
    /// `true` when the tool failed (for example a bad `approval-policy`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_error: Option<bool>,
    /// Members this crate does not know (`_meta`).
    #[serde(flatten)]
    pub extra: Extra,
}

impl CallToolResult {
    /// The text of all text blocks, joined by newlines.
    pub fn text(&self) -> String {
        let texts: Vec<&str> = self
            .content
            .iter()
            .filter_map(|b| match b {
                ContentBlock::Text(t) => Some(t.text.as_str()),
                _ => None,
            })
            .collect();
        texts.join("\n")
    }
}

open_enum! {
    /// What a Codex elicitation asks for (`codex_elicitation`).
    pub enum CodexElicitation {
        /// Run a command.
        ExecApproval = "exec-approval",
        /// Apply a patch.
        PatchApproval = "patch-approval",
    }
}

/// `elicitation/create` params: the MCP members plus Codex's vendor members.
///
/// Codex (tool mode) asks for approvals this way. Every `codex_*` member it is known to send is
/// typed; anything else lands in `extra` and is written back unchanged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ElicitParams {
    /// Text for the human (`Allow Codex to run … in …?`).
    pub message: String,
    /// JSON schema of the expected answer (Codex: an empty object schema).
    pub requested_schema: Value,
    /// `exec-approval` or `patch-approval`.
    #[serde(
        default,
        rename = "codex_elicitation",
        skip_serializing_if = "Option::is_none"
    )]
    pub codex_elicitation: Option<CodexElicitation>,
    /// The id of the `tools/call` request the approval belongs to (as a string).
    #[serde(
        default,
        rename = "codex_mcp_tool_call_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub codex_mcp_tool_call_id: Option<String>,
    /// The event id.
    #[serde(
        default,
        rename = "codex_event_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub codex_event_id: Option<String>,
    /// The model's tool call id (`call_exec_1`).
    #[serde(
        default,
        rename = "codex_call_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub codex_call_id: Option<String>,
    /// The command (exec approvals).
    #[serde(
        default,
        rename = "codex_command",
        skip_serializing_if = "Option::is_none"
    )]
    pub codex_command: Option<Vec<String>>,
    /// Its working directory (exec approvals).
    #[serde(default, rename = "codex_cwd", skip_serializing_if = "Option::is_none")]
    pub codex_cwd: Option<PathBuf>,
    /// The model's justification, when given.
    #[serde(
        default,
        rename = "codex_reason",
        skip_serializing_if = "Option::is_none"
    )]
    pub codex_reason: Option<String>,
    /// The file changes (patch approvals).
    #[serde(
        default,
        rename = "codex_changes",
        skip_serializing_if = "Option::is_none"
    )]
    pub codex_changes: Option<BTreeMap<PathBuf, WireFileChange>>,
    /// Root the patch asks write access for.
    #[serde(
        default,
        rename = "codex_grant_root",
        skip_serializing_if = "Option::is_none"
    )]
    pub codex_grant_root: Option<PathBuf>,
    /// Codex's parse of the command (0.53+), kept as JSON.
    #[serde(
        default,
        rename = "codex_parsed_cmd",
        skip_serializing_if = "Option::is_none"
    )]
    pub codex_parsed_cmd: Option<Value>,
    /// The thread id (0.87+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_id: Option<String>,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

open_enum! {
    /// The standard MCP elicitation action.
    pub enum ElicitAction {
        /// Accept.
        Accept = "accept",
        /// Decline.
        Decline = "decline",
        /// Cancel.
        Cancel = "cancel",
    }
}

/// `elicitation/create` result.
///
/// Codex does not read the MCP `action`: it reads a Codex `decision`
/// (`{"decision":"approved"}`); `{"action":"accept"}` alone counts as *denied*. Use
/// [`ElicitResult::decision`] to answer Codex. `extra` is written back except for the
/// `decision`, `action` and `content` keys, so a `"decision":"allow"` cannot sneak out
/// through it.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct ElicitResult {
    /// Codex's decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<ReviewDecision>,
    /// Standard MCP action (ignored by Codex).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<ElicitAction>,
    /// Standard MCP form content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<Value>,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Serialize for ElicitResult {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        const OWN: [&str; 3] = ["decision", "action", "content"];
        let mut map = s.serialize_map(None)?;
        if let Some(decision) = &self.decision {
            map.serialize_entry("decision", decision)?;
        }
        if let Some(action) = &self.action {
            map.serialize_entry("action", action)?;
        }
        if let Some(content) = &self.content {
            map.serialize_entry("content", content)?;
        }
        for (key, value) in self
            .extra
            .iter()
            .filter(|(k, _)| !OWN.contains(&k.as_str()))
        {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl ElicitResult {
    /// The answer Codex understands: `{"decision":…}`.
    pub fn decision(decision: ReviewDecision) -> Self {
        ElicitResult {
            decision: Some(decision),
            ..ElicitResult::default()
        }
    }
}

/// A progress token (number or string, like a request id).
pub type ProgressToken = RequestId;

/// `notifications/progress` params.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProgressParams {
    /// The token from the request's `_meta.progressToken`.
    pub progress_token: ProgressToken,
    /// Progress so far.
    pub progress: f64,
    /// Total, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<f64>,
    /// Human message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// `notifications/cancelled` params.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CancelledParams {
    /// The request being cancelled.
    pub request_id: RequestId,
    /// Why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

open_enum! {
    /// MCP log level (syslog severities).
    pub enum LoggingLevel {
        /// Debug.
        Debug = "debug",
        /// Info.
        Info = "info",
        /// Notice.
        Notice = "notice",
        /// Warning.
        Warning = "warning",
        /// Error.
        Error = "error",
        /// Critical.
        Critical = "critical",
        /// Alert.
        Alert = "alert",
        /// Emergency.
        Emergency = "emergency",
    }
}

/// `logging/setLevel` params.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SetLevelParams {
    /// The minimum level the client wants.
    pub level: LoggingLevel,
}

/// `notifications/message` params (a log record).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoggingMessageParams {
    /// Severity.
    pub level: LoggingLevel,
    /// Logger name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logger: Option<String>,
    /// The record (any JSON).
    pub data: Value,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn elicit_result_extra_cannot_carry_a_decision() {
        let mut r = ElicitResult::default();
        r.extra.insert("decision".into(), json!("allow"));
        r.extra.insert("note".into(), json!(1));
        assert_eq!(serde_json::to_value(&r).unwrap(), json!({"note":1}));
        let r = ElicitResult::decision(ReviewDecision::Denied);
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            json!({"decision":"denied"})
        );
    }

    #[test]
    fn unknown_content_blocks_and_odd_shapes_are_kept() {
        let v = json!({"content":[{"type":"text","text":"a","annotations":{"audience":["system"]}},
            {"type":"text"},{"type":"new"}]});
        let r: CallToolResult = serde_json::from_value(v.clone()).unwrap();
        assert!(matches!(r.content[0], ContentBlock::Text(_)));
        assert!(matches!(r.content[1], ContentBlock::Unknown(_)));
        assert_eq!(r.text(), "a");
        assert_eq!(serde_json::to_value(&r).unwrap(), v);
    }
}
