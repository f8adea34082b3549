//! `codex app-server`: the handshake shared by v1 and v2, and the v1 conversation API
//! (codex 0.44 – 0.107).
//!
//! app-server is not MCP: `initialize` takes only `clientInfo` (name and version required)
//! and answers with a `userAgent`; the follow-up notification is `initialized` (no
//! `notifications/` prefix); the server never writes `"jsonrpc"` and accepts messages with or
//! without it.
//!
//! v1 is the conversation API of `codex mcp` 0.22–0.42 moved over (same method names, same
//! client params: the `Conversation` rows serve it), with camelCase approval requests that grew
//! fields over time: `reason`, `risk`, `parsedCmd` (0.53), `risk` gone by 0.80, `approvalId`
//! (0.107). These get their own rows ([`MethodFamily::AppServerV1`](crate::MethodFamily)) with typed
//! params that write camelCase; the answer is the same [`ReviewDecisionResponse`].
//!
//! Two shapes changed at 0.59 and are exact at that boundary: file changes are tagged
//! `{"type":"add","content":…}` (read by [`WireFileChange`] in both shapes), and
//! `sendUserTurn.sandboxPolicy` is tagged `{"type":…}`: write [`AppSendUserTurnParams`]
//! (whose [`TypeTaggedSandboxPolicy`] writes `type`) from 0.59, the `Conversation`
//! [`SendUserTurnParams`](crate::SendUserTurnParams) (`mode`) before.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::codex::{
    AskForApproval, ConversationId, InputItem, ReasoningEffort, ReasoningSummary, SandboxPolicy,
    WireFileChange,
};
use crate::mcp::{Extra, Implementation};

/// app-server `initialize` params: `{"clientInfo":{"name":…,"version":…}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppInitializeParams {
    /// Who we are. From 0.87 its `name` prefixes the server's user agent.
    pub client_info: Implementation,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// app-server `initialize` result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppInitializeResult {
    /// `codex_cli_rs/0.80.0 (…)`, from 0.87 `<clientInfo.name>/0.87.0 (…)`.
    pub user_agent: String,
    /// The server's `CODEX_HOME` (0.117+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub codex_home: Option<PathBuf>,
    /// `unix` (0.115+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform_family: Option<String>,
    /// `linux` (0.115+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform_os: Option<String>,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl AppInitializeResult {
    /// The Codex version inside the user agent (`…/0.80.0 (…`), when it has one.
    pub fn codex_version(&self) -> Option<&str> {
        let head = self.user_agent.split_whitespace().next()?;
        head.rsplit_once('/').map(|(_, v)| v)
    }
}

/// app-server v1 `execCommandApproval` params (camelCase).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppExecCommandApprovalParams {
    /// The conversation.
    pub conversation_id: ConversationId,
    /// The model's tool call id.
    pub call_id: String,
    /// The approval id (0.107+, may be null).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval_id: Option<String>,
    /// The command as an argument vector.
    pub command: Vec<String>,
    /// Its working directory.
    pub cwd: PathBuf,
    /// The model's justification (0.53+: always present, may be null).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Codex's risk assessment (0.53 – 0.66), kept as JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk: Option<Value>,
    /// Codex's parse of the command (0.53+), kept as JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parsed_cmd: Option<Vec<Value>>,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// app-server v1 `applyPatchApproval` params (camelCase).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppApplyPatchApprovalParams {
    /// The conversation.
    pub conversation_id: ConversationId,
    /// The model's tool call id.
    pub call_id: String,
    /// The changes by path (both file-change shapes read).
    pub file_changes: BTreeMap<PathBuf, WireFileChange>,
    /// The model's justification (0.53+: always present, may be null).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// A root the patch asks write access to (0.53+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant_root: Option<PathBuf>,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A [`SandboxPolicy`] written with the 0.59+ tag `{"type":"workspace-write",…}`. Reads
/// either tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeTaggedSandboxPolicy(pub SandboxPolicy);

impl Serialize for TypeTaggedSandboxPolicy {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut value = serde_json::to_value(&self.0).map_err(serde::ser::Error::custom)?;
        if let Some(map) = value.as_object_mut() {
            if let Some(mode) = map.remove("mode") {
                map.insert("type".to_owned(), mode);
            }
        }
        value.serialize(s)
    }
}

impl<'de> Deserialize<'de> for TypeTaggedSandboxPolicy {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        SandboxPolicy::deserialize(d).map(TypeTaggedSandboxPolicy)
    }
}

/// app-server v1 `sendUserTurn` params from 0.59 (sandbox policy tagged with `type`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppSendUserTurnParams {
    /// The conversation.
    pub conversation_id: ConversationId,
    /// The message (`data`-wrapped text items, as in v1 everywhere).
    pub items: Vec<InputItem>,
    /// Working directory of the turn.
    pub cwd: PathBuf,
    /// Approval policy of the turn.
    pub approval_policy: AskForApproval,
    /// Sandbox policy of the turn.
    pub sandbox_policy: TypeTaggedSandboxPolicy,
    /// Model of the turn.
    pub model: String,
    /// Reasoning effort.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effort: Option<ReasoningEffort>,
    /// Reasoning summary mode.
    pub summary: ReasoningSummary,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sandbox_policy_tag_by_era() {
        let tagged = TypeTaggedSandboxPolicy(SandboxPolicy::workspace_write());
        assert_eq!(
            serde_json::to_value(&tagged).unwrap(),
            json!({"type": "workspace-write"})
        );
        assert_eq!(
            serde_json::to_value(&tagged.0).unwrap(),
            json!({"mode": "workspace-write"})
        );
        let back: TypeTaggedSandboxPolicy =
            serde_json::from_value(json!({"type": "read-only"})).unwrap();
        assert_eq!(back.0, SandboxPolicy::ReadOnly);
    }

    #[test]
    fn exec_approval_of_every_era_decodes() {
        for (params, parsed, approval_id) in [
            (
                json!({"conversationId":"c","callId":"x","command":["ls"],"cwd":"/w"}),
                false,
                None,
            ),
            (
                json!({"conversationId":"c","callId":"x","command":["ls"],"cwd":"/w","reason":null,"risk":null,"parsedCmd":[{"type":"unknown","cmd":"ls"}]}),
                true,
                None,
            ),
            (
                json!({"conversationId":"c","callId":"x","approvalId":"a1","command":["ls"],"cwd":"/w","reason":"why","parsedCmd":[]}),
                true,
                Some("a1"),
            ),
        ] {
            let p: AppExecCommandApprovalParams = serde_json::from_value(params).unwrap();
            assert_eq!(p.command, ["ls"]);
            assert_eq!(p.parsed_cmd.is_some(), parsed);
            assert_eq!(p.approval_id.as_deref(), approval_id);
            assert!(p.extra.is_empty());
        }
        let bad = serde_json::from_value::<AppExecCommandApprovalParams>(
            json!({"conversation_id":"c","call_id":"x","command":["ls"],"cwd":"/w"}),
        );
        assert!(bad.is_err(), "snake_case is the codex mcp spelling");
    }

    #[test]
    fn user_agent_version() {
        let r: AppInitializeResult = serde_json::from_value(
            json!({"userAgent":"probe/0.169.0 (Debian 12.0.0; x86_64) dumb (probe; 0.0.1)","codexHome":"/h"}),
        )
        .unwrap();
        assert_eq!(r.codex_version(), Some("0.169.0"));
        assert_eq!(r.codex_home.as_deref(), Some(std::path::Path::new("/h")));
    }
}
