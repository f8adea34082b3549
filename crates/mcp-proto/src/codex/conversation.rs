//! Client→server conversation methods of `codex mcp` 0.39 and their results.
//!
//! All params are camelCase with optional members left out when absent (the 0.39 server
//! rejects nothing it does not know, but silently drops a request it cannot parse, so what we
//! write must be exact). Results keep unknown members in `extra` where a newer server adds
//! them (`reasoningEffort` came in 0.53).

use std::fmt;
use std::path::PathBuf;

use serde::de::{self, Deserializer};
use serde::ser::{SerializeMap, SerializeStruct};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

use super::{
    AskForApproval, ConversationId, EventMsg, ReasoningEffort, ReasoningSummary, SandboxMode,
};
use crate::open_enum::open_enum;

/// `newConversation` params (every member optional; `{}` works).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewConversationParams {
    /// Model override.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// `config.toml` profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// Working directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cwd: Option<PathBuf>,
    /// Approval policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval_policy: Option<AskForApproval>,
    /// Sandbox mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sandbox: Option<SandboxMode>,
    /// Config overrides (dotted keys → values).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<Map<String, Value>>,
    /// Replacement system instructions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_instructions: Option<String>,
    /// Whether the plan tool is offered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_plan_tool: Option<bool>,
    /// Whether the apply-patch tool is offered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_apply_patch_tool: Option<bool>,
}

/// `newConversation` result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewConversationResult {
    /// The new conversation.
    pub conversation_id: ConversationId,
    /// The model in use.
    pub model: String,
    /// Reasoning effort (0.53+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning_effort: Option<ReasoningEffort>,
    /// The rollout file (0.34+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollout_path: Option<PathBuf>,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Params naming just a conversation (`addConversationListener`, `interruptConversation`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationParams {
    /// The conversation.
    pub conversation_id: ConversationId,
}

/// `addConversationListener` params.
pub type AddConversationListenerParams = ConversationParams;
/// `interruptConversation` params.
pub type InterruptConversationParams = ConversationParams;

/// `addConversationListener` result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddConversationListenerResult {
    /// Pass to `removeConversationListener`.
    pub subscription_id: String,
}

/// `removeConversationListener` params.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoveConversationListenerParams {
    /// From `addConversationListener`.
    pub subscription_id: String,
}

/// One input item of a user message.
///
/// Written as 0.39 requires: `{"type":"text","data":{"text":…}}`,
/// `{"type":"image","data":{"image_url":…}}`, `{"type":"localImage","data":{"path":…}}`
/// (0.39 never answers a flat text item). Read in that form and in the flat form
/// (`{"type":"text","text":…}`, as app-server v2 and the guide write it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputItem {
    /// Text.
    Text {
        /// The text.
        text: String,
    },
    /// An image by URL (`data:` URLs included).
    Image {
        /// The URL.
        image_url: String,
    },
    /// An image file on the server's machine.
    LocalImage {
        /// The file.
        path: PathBuf,
    },
}

impl InputItem {
    /// A text item.
    pub fn text(text: impl Into<String>) -> Self {
        InputItem::Text { text: text.into() }
    }
}

impl Serialize for InputItem {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Text<'a> {
            text: &'a str,
        }
        #[derive(Serialize)]
        struct Image<'a> {
            image_url: &'a str,
        }
        #[derive(Serialize)]
        struct Local<'a> {
            path: &'a PathBuf,
        }
        let mut st = s.serialize_struct("InputItem", 2)?;
        match self {
            InputItem::Text { text } => {
                st.serialize_field("type", "text")?;
                st.serialize_field("data", &Text { text })?;
            }
            InputItem::Image { image_url } => {
                st.serialize_field("type", "image")?;
                st.serialize_field("data", &Image { image_url })?;
            }
            InputItem::LocalImage { path } => {
                st.serialize_field("type", "localImage")?;
                st.serialize_field("data", &Local { path })?;
            }
        }
        st.end()
    }
}

#[derive(Deserialize)]
struct InputFields {
    #[serde(default)]
    text: Option<String>,
    #[serde(default, alias = "imageUrl", alias = "url")]
    image_url: Option<String>,
    #[serde(default)]
    path: Option<PathBuf>,
}

#[derive(Deserialize)]
struct InputWire {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    data: Option<InputFields>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default, alias = "imageUrl", alias = "url")]
    image_url: Option<String>,
    #[serde(default)]
    path: Option<PathBuf>,
}

impl<'de> Deserialize<'de> for InputItem {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let w = InputWire::deserialize(d)?;
        let (text, image_url, path) = match w.data {
            Some(data) => (data.text, data.image_url, data.path),
            None => (w.text, w.image_url, w.path),
        };
        match w.kind.as_str() {
            "text" => Ok(InputItem::Text {
                text: text.ok_or_else(|| de::Error::missing_field("text"))?,
            }),
            "image" => Ok(InputItem::Image {
                image_url: image_url.ok_or_else(|| de::Error::missing_field("image_url"))?,
            }),
            "localImage" | "local_image" => Ok(InputItem::LocalImage {
                path: path.ok_or_else(|| de::Error::missing_field("path"))?,
            }),
            other => Err(de::Error::unknown_variant(
                other,
                &["text", "image", "localImage"],
            )),
        }
    }
}

/// `sendUserMessage` params.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendUserMessageParams {
    /// The conversation.
    pub conversation_id: ConversationId,
    /// The message.
    pub items: Vec<InputItem>,
}

/// The sandbox policy of one turn (`sendUserTurn.sandboxPolicy`).
///
/// Written with the 0.39 tag `{"mode":"workspace-write"}`; read with `mode` or `type` (0.59+).
/// Defaults (`false`, empty) are left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SandboxPolicy {
    /// `danger-full-access`.
    DangerFullAccess,
    /// `read-only`.
    ReadOnly,
    /// `workspace-write` with its options.
    WorkspaceWrite {
        /// Extra writable folders.
        writable_roots: Vec<PathBuf>,
        /// Allow outbound network.
        network_access: bool,
        /// Don't make `$TMPDIR` writable.
        exclude_tmpdir_env_var: bool,
        /// Don't make `/tmp` writable.
        exclude_slash_tmp: bool,
    },
}

impl SandboxPolicy {
    /// `workspace-write` with no extra options.
    pub fn workspace_write() -> Self {
        SandboxPolicy::WorkspaceWrite {
            writable_roots: Vec::new(),
            network_access: false,
            exclude_tmpdir_env_var: false,
            exclude_slash_tmp: false,
        }
    }
}

impl Serialize for SandboxPolicy {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        match self {
            SandboxPolicy::DangerFullAccess => map.serialize_entry("mode", "danger-full-access")?,
            SandboxPolicy::ReadOnly => map.serialize_entry("mode", "read-only")?,
            SandboxPolicy::WorkspaceWrite {
                writable_roots,
                network_access,
                exclude_tmpdir_env_var,
                exclude_slash_tmp,
            } => {
                map.serialize_entry("mode", "workspace-write")?;
                if !writable_roots.is_empty() {
                    map.serialize_entry("writable_roots", writable_roots)?;
                }
                if *network_access {
                    map.serialize_entry("network_access", &true)?;
                }
                if *exclude_tmpdir_env_var {
                    map.serialize_entry("exclude_tmpdir_env_var", &true)?;
                }
                if *exclude_slash_tmp {
                    map.serialize_entry("exclude_slash_tmp", &true)?;
                }
            }
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for SandboxPolicy {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Wire {
            #[serde(default)]
            mode: Option<String>,
            #[serde(default, rename = "type")]
            kind: Option<String>,
            #[serde(default, alias = "writableRoots")]
            writable_roots: Vec<PathBuf>,
            #[serde(default, alias = "networkAccess")]
            network_access: bool,
            #[serde(default, alias = "excludeTmpdirEnvVar")]
            exclude_tmpdir_env_var: bool,
            #[serde(default, alias = "excludeSlashTmp")]
            exclude_slash_tmp: bool,
        }
        let w = Wire::deserialize(d)?;
        let mode = w
            .mode
            .or(w.kind)
            .ok_or_else(|| de::Error::missing_field("mode"))?;
        match mode.as_str() {
            "danger-full-access" => Ok(SandboxPolicy::DangerFullAccess),
            "read-only" => Ok(SandboxPolicy::ReadOnly),
            "workspace-write" => Ok(SandboxPolicy::WorkspaceWrite {
                writable_roots: w.writable_roots,
                network_access: w.network_access,
                exclude_tmpdir_env_var: w.exclude_tmpdir_env_var,
                exclude_slash_tmp: w.exclude_slash_tmp,
            }),
            other => Err(de::Error::unknown_variant(
                other,
                &["danger-full-access", "read-only", "workspace-write"],
            )),
        }
    }
}

/// `sendUserTurn` params: a message plus the turn's context.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendUserTurnParams {
    /// The conversation.
    pub conversation_id: ConversationId,
    /// The message.
    pub items: Vec<InputItem>,
    /// Working directory of the turn.
    pub cwd: PathBuf,
    /// Approval policy of the turn.
    pub approval_policy: AskForApproval,
    /// Sandbox policy of the turn.
    pub sandbox_policy: SandboxPolicy,
    /// Model of the turn.
    pub model: String,
    /// Reasoning effort.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effort: Option<ReasoningEffort>,
    /// Reasoning summary mode.
    pub summary: ReasoningSummary,
}

open_enum! {
    /// Why a turn ended early.
    pub enum TurnAbortReason {
        /// Interrupted by the client or by an `abort` decision.
        Interrupted = "interrupted",
        /// Replaced by a new turn.
        Replaced = "replaced",
    }
}

/// `interruptConversation` result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InterruptConversationResult {
    /// `interrupted`.
    pub abort_reason: TurnAbortReason,
}

/// `listConversations` params.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListConversationsParams {
    /// Page size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u64>,
    /// Cursor from a previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}

/// One saved conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationSummary {
    /// The conversation.
    pub conversation_id: ConversationId,
    /// Its rollout file.
    pub path: PathBuf,
    /// The first user message.
    pub preview: String,
    /// RFC 3339 start time, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `listConversations` result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListConversationsResult {
    /// This page.
    pub items: Vec<ConversationSummary>,
    /// Cursor of the next page; `None` on the last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// `resumeConversation` params.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResumeConversationParams {
    /// The rollout file (must be under `$CODEX_HOME/sessions`).
    pub path: PathBuf,
    /// Overrides for the resumed session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overrides: Option<NewConversationParams>,
}

/// `resumeConversation` result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResumeConversationResult {
    /// The resumed conversation (a new id).
    pub conversation_id: ConversationId,
    /// The model in use.
    pub model: String,
    /// The history replayed as events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_messages: Option<Vec<EventMsg>>,
}

/// `archiveConversation` params.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArchiveConversationParams {
    /// The conversation.
    pub conversation_id: ConversationId,
    /// Its rollout file (must match the id).
    pub rollout_path: PathBuf,
}

/// `gitDiffToRemote` params.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GitDiffToRemoteParams {
    /// The repository.
    pub cwd: PathBuf,
}

/// `gitDiffToRemote` result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GitDiffToRemoteResult {
    /// The remote commit diffed against.
    pub sha: String,
    /// The diff.
    pub diff: String,
}

/// `loginApiKey` params. Debug output hides the key.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginApiKeyParams {
    /// The OpenAI API key (a secret).
    pub api_key: String,
}

impl fmt::Debug for LoginApiKeyParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginApiKeyParams")
            .field("api_key", &"<redacted>")
            .finish()
    }
}

/// `loginChatGpt` result (the server then listens on localhost:1455; not for tests).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginChatGptResult {
    /// Pass to `cancelLoginChatGpt`.
    pub login_id: String,
    /// URL to open in a browser.
    pub auth_url: String,
}

/// `cancelLoginChatGpt` params.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CancelLoginChatGptParams {
    /// From `loginChatGpt`.
    pub login_id: String,
}

open_enum! {
    /// How Codex is signed in.
    pub enum AuthMode {
        /// An API key.
        ApiKey = "apikey",
        /// A ChatGPT account.
        ChatGpt = "chatgpt",
    }
}

/// `getAuthStatus` params.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetAuthStatusParams {
    /// Include the token in the answer (a secret: leave unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_token: Option<bool>,
    /// Refresh the token first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<bool>,
}

/// `getAuthStatus` result. Debug output hides the token.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetAuthStatusResult {
    /// How Codex is signed in; `None` when signed out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_method: Option<AuthMode>,
    /// The token, when asked for (a secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_token: Option<String>,
    /// Whether the configured provider needs OpenAI auth.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires_openai_auth: Option<bool>,
}

impl fmt::Debug for GetAuthStatusResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GetAuthStatusResult")
            .field("auth_method", &self.auth_method)
            .field(
                "auth_token",
                &self.auth_token.as_ref().map(|_| "<redacted>"),
            )
            .field("requires_openai_auth", &self.requires_openai_auth)
            .finish()
    }
}

/// `getUserSavedConfig` result: the user's `config.toml` subset, kept as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetUserSavedConfigResult {
    /// `approvalPolicy`, `sandboxMode`, `model`, `profiles`, … (camelCase).
    pub config: Map<String, Value>,
}

/// `setDefaultModel` params.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetDefaultModelParams {
    /// New default model; `None` clears it.
    pub model: Option<String>,
    /// New default effort; `None` clears it.
    pub reasoning_effort: Option<ReasoningEffort>,
}

/// `getUserAgent` result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetUserAgentResult {
    /// `codex_cli_rs/0.39.0 (…)`.
    pub user_agent: String,
}

/// `userInfo` result.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserInfoResult {
    /// The e-mail in `auth.json` (unverified).
    #[serde(default)]
    pub alleged_user_email: Option<String>,
}

/// `execOneOffCommand` params (runs a command in the sandbox, outside any conversation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecOneOffCommandParams {
    /// The argv.
    pub command: Vec<String>,
    /// Timeout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
    /// Working directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cwd: Option<PathBuf>,
    /// Sandbox.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sandbox_policy: Option<SandboxPolicy>,
}

/// `execOneOffCommand` result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecOneOffCommandResult {
    /// Exit code.
    pub exit_code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// `loginChatGptComplete` notification params.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginChatGptCompleteParams {
    /// From `loginChatGpt`.
    pub login_id: String,
    /// Whether it worked.
    pub success: bool,
    /// Why not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// `authStatusChange` notification params.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthStatusChangeParams {
    /// The new method; `None` when signed out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_method: Option<AuthMode>,
}
