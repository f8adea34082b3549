//! `codex app-server` v2: `thread/*`, `turn/*`, `item/*` (codex 0.57 and later).
//!
//! The flow: `initialize` / `initialized` (see [`crate::AppInitializeParams`]), `thread/start`
//! (the thread is subscribed at once: no listener call), `turn/start` with **flat** text input
//! (`{"type":"text","text":…}`, unlike v1's `data` wrapper), then notifications until
//! `turn/completed` (0.59+; 0.57–0.58 end with `codex/event/task_complete`).
//!
//! Design choices:
//! - **Enum spelling is chosen by the writer.** `thread/start` takes `approvalPolicy` /
//!   `sandbox` in camelCase up to 0.66 and kebab-case from 0.72, and each era rejects the
//!   other. [`Spelled`] carries the value and the [`V2Spelling`] to write it in, so the generation
//!   picks the spelling once from the detected version and the type does the rest. Reading
//!   accepts both and records which one it saw.
//! - **Items are typed where a client acts on them** (command execution, file change, agent
//!   message, user message, reasoning) and [`ThreadItem::Unknown`] keeps any other kind as
//!   JSON, so a newer server adding item kinds never breaks decoding. A known kind in an
//!   unexpected shape is an error, not silently unknown. [`ITEM_KINDS`] lists the typed ones.
//! - **Decisions are closed**: [`V2Decision`] writes only `accept`, `acceptForSession`,
//!   `decline`, `cancel`. Anything else a peer might read (`approved`, the v1 spelling; the
//!   guide's `allow`) decodes as [`V2Decision::Decline`], which is what 0.169 does with it.
//! - **Approval requests never carry the diff** (and before 0.89 not the command): the
//!   generation takes them from the `item/started` item with the same `itemId`.
//! - Every struct keeps unknown members in `extra` (the protocol grows a field every few
//!   releases: `startedAtMs`, `emittedAtMs`, `environmentId`, …).

use std::path::PathBuf;

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::codex::{AskForApproval, SandboxMode};
use crate::jsonrpc::RequestId;
use crate::mcp::Extra;
use crate::open_enum::open_enum;

/// How `thread/start` enums are spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum V2Spelling {
    /// `unlessTrusted`, `onRequest`, `workspaceWrite` (codex 0.57 – 0.66).
    CamelCase,
    /// `untrusted`, `on-request`, `workspace-write` (codex 0.72 and later).
    #[default]
    KebabCase,
}

/// A value with the spelling to write it in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Spelled<T> {
    /// The value.
    pub value: T,
    /// The spelling (when read: the one the peer used).
    pub spelling: V2Spelling,
}

impl<T> Spelled<T> {
    /// `value`, written in `spelling`.
    pub fn new(value: T, spelling: V2Spelling) -> Self {
        Spelled { value, spelling }
    }
}

/// A `thread/start` enum with its two spellings.
pub trait V2Enum: Sized + Copy + 'static {
    /// (value, camelCase, kebab-case) for every value.
    const SPELLINGS: &'static [(Self, &'static str, &'static str)];
}

impl V2Enum for AskForApproval {
    const SPELLINGS: &'static [(Self, &'static str, &'static str)] = &[
        (AskForApproval::Untrusted, "unlessTrusted", "untrusted"),
        (AskForApproval::OnFailure, "onFailure", "on-failure"),
        (AskForApproval::OnRequest, "onRequest", "on-request"),
        (AskForApproval::Never, "never", "never"),
    ];
}

impl V2Enum for SandboxMode {
    const SPELLINGS: &'static [(Self, &'static str, &'static str)] = &[
        (SandboxMode::ReadOnly, "readOnly", "read-only"),
        (
            SandboxMode::WorkspaceWrite,
            "workspaceWrite",
            "workspace-write",
        ),
        (
            SandboxMode::DangerFullAccess,
            "dangerFullAccess",
            "danger-full-access",
        ),
    ];
}

impl<T: V2Enum + PartialEq> Serialize for Spelled<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (_, camel, kebab) = T::SPELLINGS
            .iter()
            .find(|(v, _, _)| *v == self.value)
            .ok_or_else(|| serde::ser::Error::custom("value without a spelling"))?;
        s.serialize_str(match self.spelling {
            V2Spelling::CamelCase => camel,
            V2Spelling::KebabCase => kebab,
        })
    }
}

impl<'de, T: V2Enum> Deserialize<'de> for Spelled<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        for (value, camel, kebab) in T::SPELLINGS {
            // `never` is spelled the same in both eras: read as the current spelling.
            if s == *kebab {
                return Ok(Spelled::new(*value, V2Spelling::KebabCase));
            }
            if s == *camel {
                return Ok(Spelled::new(*value, V2Spelling::CamelCase));
            }
        }
        Err(de::Error::custom(format_args!(
            "unknown variant `{}`",
            s.chars().take(40).collect::<String>()
        )))
    }
}

/// `thread/start` params. Every member is optional (`{}` starts a thread with the config's
/// defaults).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadStartParams {
    /// Working directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cwd: Option<PathBuf>,
    /// Approval policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval_policy: Option<Spelled<AskForApproval>>,
    /// Sandbox mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sandbox: Option<Spelled<SandboxMode>>,
    /// Model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Extra `config.toml` overrides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<Map<String, Value>>,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A thread (`thread/start` result, `thread/started`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Thread {
    /// The thread id (a UUID; the v1 conversation id of the same session).
    pub id: String,
    /// The rollout file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<PathBuf>,
    /// Working directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cwd: Option<PathBuf>,
    /// The server's version (0.80+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cli_version: Option<String>,
    /// The start of the first user message (empty until the first turn; `thread/list` items).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview: Option<String>,
    /// When the thread was created, in seconds since the Unix epoch (UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<i64>,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `thread/start` result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadStartResult {
    /// The new thread.
    pub thread: Thread,
    /// The model (0.80+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Members this crate does not know (`approvalPolicy`, `sandbox`, … as the server
    /// resolved them).
    #[serde(flatten)]
    pub extra: Extra,
}

/// `thread/list` params: one page of the stored threads, newest first. Both members are
/// optional (`{}` lists the first page with the server's page size).
///
/// Measured on 0.80.0 and 0.169.0: `limit` is a `u32`; the cursor is opaque (0.80 writes
/// `2026-11-28T03-24-54|<id>`, 0.169 `2026-11-28T03:24:58Z|<id>`): pass back what the server
/// gave. `pageSize` (the v1 name) is ignored, not rejected.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadListParams {
    /// The `nextCursor` of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// The page size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Members this crate does not know (filters such as `modelProviders`).
    #[serde(flatten)]
    pub extra: Extra,
}

/// `thread/list` result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadListResult {
    /// The threads of this page (their `turns` are empty).
    pub data: Vec<Thread>,
    /// The cursor of the next page; `None` on the last one.
    #[serde(default)]
    pub next_cursor: Option<String>,
    /// Members this crate does not know (`readStates`, `backwardsCursor` in 0.169).
    #[serde(flatten)]
    pub extra: Extra,
}

/// `thread/resume` params: load a stored thread (and subscribe to it) by id, with the same
/// optional overrides as `thread/start`.
///
/// Measured: `threadId` is required (0.80.0, 0.169.0); an unknown id answers `no rollout found
/// for thread id …`, an archived one (0.169) `session … is archived`. A `path` member is
/// accepted by 0.80 but needs the `experimentalApi` capability on 0.169, so this type does
/// not name it (set it through `extra` if you must).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadResumeParams {
    /// The thread.
    pub thread_id: String,
    /// Working directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cwd: Option<PathBuf>,
    /// Approval policy (spelled as for `thread/start`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval_policy: Option<Spelled<AskForApproval>>,
    /// Sandbox mode (spelled as for `thread/start`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sandbox: Option<Spelled<SandboxMode>>,
    /// Model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Extra `config.toml` overrides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<Map<String, Value>>,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `thread/resume` result: the thread (with its earlier `turns`) and the resolved settings,
/// shaped like [`ThreadStartResult`].
pub type ThreadResumeResult = ThreadStartResult;

/// `thread/archive` params (answered `{}`; the thread is no longer listed and, on 0.169, no
/// longer resumable until unarchived).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadArchiveParams {
    /// The thread.
    pub thread_id: String,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One input item of `turn/start` (flat, unlike v1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
#[non_exhaustive]
pub enum UserInput {
    /// `{"type":"text","text":…}`.
    Text {
        /// The text.
        text: String,
    },
    /// An image by URL.
    Image {
        /// The URL (or data URL).
        url: String,
    },
    /// An image file.
    LocalImage {
        /// Its path.
        path: PathBuf,
    },
}

/// `turn/start` params.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TurnStartParams {
    /// The thread.
    pub thread_id: String,
    /// The message.
    pub input: Vec<UserInput>,
    /// Members this crate does not know (per-turn overrides).
    #[serde(flatten)]
    pub extra: Extra,
}

open_enum! {
    /// A turn's status.
    pub enum TurnStatus {
        /// Running.
        InProgress = "inProgress",
        /// Ended normally.
        Completed = "completed",
        /// Interrupted (`turn/interrupt`, or a `cancel` decision).
        Interrupted = "interrupted",
        /// Failed (`error` says why).
        Failed = "failed",
    }
}

/// A turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Turn {
    /// The turn id (`"0"`, `"1"`, … before 0.100; UUIDs after).
    pub id: String,
    /// Items (empty in notifications before 0.169; 0.169 sends a summary).
    #[serde(default)]
    pub items: Vec<ThreadItem>,
    /// Status.
    pub status: TurnStatus,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Value>,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `turn/start` result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TurnStartResult {
    /// The new turn.
    pub turn: Turn,
}

/// `turn/interrupt` params.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TurnInterruptParams {
    /// The thread.
    pub thread_id: String,
    /// The turn.
    pub turn_id: String,
}

open_enum! {
    /// An item's status.
    pub enum ItemStatus {
        /// Running.
        InProgress = "inProgress",
        /// Done.
        Completed = "completed",
        /// Failed (a declined command ends `failed` in 0.169).
        Failed = "failed",
        /// Declined by the user.
        Declined = "declined",
    }
}

/// A `commandExecution` item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CommandExecutionItem {
    /// The item id (the model's call id, `call_exec_1`).
    pub id: String,
    /// The command as one shell string (`bash -lc 'touch x'`).
    pub command: String,
    /// Its working directory.
    pub cwd: PathBuf,
    /// Status.
    pub status: ItemStatus,
    /// Codex's parse of the command, kept as JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command_actions: Option<Vec<Value>>,
    /// The output so far.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregated_output: Option<String>,
    /// The exit code, once done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i64>,
    /// How long it ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

open_enum! {
    /// What a file change does.
    pub enum PatchChangeKindType {
        /// New file.
        Add = "add",
        /// Deleted file.
        Delete = "delete",
        /// Changed (maybe moved) file.
        Update = "update",
    }
}

/// `kind` of one file change: `{"type":"add"}` or `{"type":"update","move_path":…}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatchChangeKind {
    /// Add, delete or update.
    #[serde(rename = "type")]
    pub kind: PatchChangeKindType,
    /// Members this crate does not know (`move_path`).
    #[serde(flatten)]
    pub extra: Extra,
}

/// One file of a `fileChange` item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileUpdateChange {
    /// The file.
    pub path: PathBuf,
    /// What happens to it.
    pub kind: PatchChangeKind,
    /// The new content (add) or the unified diff (update).
    pub diff: String,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A `fileChange` item (the only place the diff of a v2 patch approval is found).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileChangeItem {
    /// The item id (the model's call id).
    pub id: String,
    /// The files.
    pub changes: Vec<FileUpdateChange>,
    /// Status.
    pub status: ItemStatus,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An `agentMessage` item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentMessageItem {
    /// The item id.
    pub id: String,
    /// The message text.
    pub text: String,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A `userMessage` item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserMessageItem {
    /// The item id.
    pub id: String,
    /// The input, kept as JSON (its item shapes vary by version).
    pub content: Vec<Value>,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A `reasoning` item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReasoningItem {
    /// The item id.
    pub id: String,
    /// Members this crate does not know (`summary`, `content`).
    #[serde(flatten)]
    pub extra: Extra,
}

/// Item kinds decoded into a typed [`ThreadItem`] variant.
pub const ITEM_KINDS: &[&str] = &[
    "userMessage",
    "agentMessage",
    "reasoning",
    "commandExecution",
    "fileChange",
];

/// A thread item (`item/started`, `item/completed`, `turn.items`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ThreadItem {
    /// `userMessage`.
    UserMessage(UserMessageItem),
    /// `agentMessage`.
    AgentMessage(AgentMessageItem),
    /// `reasoning`.
    Reasoning(ReasoningItem),
    /// `commandExecution`.
    CommandExecution(CommandExecutionItem),
    /// `fileChange`.
    FileChange(FileChangeItem),
    /// Any other kind (`mcpToolCall`, `webSearch`, …), kept as JSON.
    Unknown(Value),
}

impl ThreadItem {
    /// The wire `type`.
    pub fn kind(&self) -> &str {
        match self {
            ThreadItem::UserMessage(_) => "userMessage",
            ThreadItem::AgentMessage(_) => "agentMessage",
            ThreadItem::Reasoning(_) => "reasoning",
            ThreadItem::CommandExecution(_) => "commandExecution",
            ThreadItem::FileChange(_) => "fileChange",
            ThreadItem::Unknown(v) => v.get("type").and_then(Value::as_str).unwrap_or(""),
        }
    }

    /// The item id.
    pub fn id(&self) -> Option<&str> {
        match self {
            ThreadItem::UserMessage(i) => Some(&i.id),
            ThreadItem::AgentMessage(i) => Some(&i.id),
            ThreadItem::Reasoning(i) => Some(&i.id),
            ThreadItem::CommandExecution(i) => Some(&i.id),
            ThreadItem::FileChange(i) => Some(&i.id),
            ThreadItem::Unknown(v) => v.get("id").and_then(Value::as_str),
        }
    }
}

impl Serialize for ThreadItem {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let body = match self {
            ThreadItem::UserMessage(i) => serde_json::to_value(i),
            ThreadItem::AgentMessage(i) => serde_json::to_value(i),
            ThreadItem::Reasoning(i) => serde_json::to_value(i),
            ThreadItem::CommandExecution(i) => serde_json::to_value(i),
            ThreadItem::FileChange(i) => serde_json::to_value(i),
            ThreadItem::Unknown(v) => return v.serialize(s),
        };
        let mut body = body.map_err(serde::ser::Error::custom)?;
        let mut map = Map::new();
        map.insert("type".to_owned(), Value::String(self.kind().to_owned()));
        if let Some(fields) = body.as_object_mut() {
            map.append(fields);
        }
        Value::Object(map).serialize(s)
    }
}

impl<'de> Deserialize<'de> for ThreadItem {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut value = Value::deserialize(d)?;
        let kind = value
            .get("type")
            .and_then(Value::as_str)
            .ok_or_else(|| de::Error::missing_field("type"))?
            .to_owned();
        if !ITEM_KINDS.contains(&kind.as_str()) {
            return Ok(ThreadItem::Unknown(value));
        }
        if let Some(map) = value.as_object_mut() {
            map.remove("type");
        }
        let typed = |e: serde_json::Error| de::Error::custom(format_args!("`{kind}` item: {e}"));
        Ok(match kind.as_str() {
            "userMessage" => ThreadItem::UserMessage(serde_json::from_value(value).map_err(typed)?),
            "agentMessage" => {
                ThreadItem::AgentMessage(serde_json::from_value(value).map_err(typed)?)
            }
            "reasoning" => ThreadItem::Reasoning(serde_json::from_value(value).map_err(typed)?),
            "commandExecution" => {
                ThreadItem::CommandExecution(serde_json::from_value(value).map_err(typed)?)
            }
            _ => ThreadItem::FileChange(serde_json::from_value(value).map_err(typed)?),
        })
    }
}

/// `thread/started` params.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreadStartedParams {
    /// The thread.
    pub thread: Thread,
}

/// `turn/started` and `turn/completed` params.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TurnNotificationParams {
    /// The thread (absent in 0.57 `turn/started` and before 0.64 in `turn/completed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_id: Option<String>,
    /// The turn.
    pub turn: Turn,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `item/started` and `item/completed` params.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemNotificationParams {
    /// The item.
    pub item: ThreadItem,
    /// The thread.
    pub thread_id: String,
    /// The turn.
    pub turn_id: String,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `item/commandExecution/outputDelta`, `item/fileChange/outputDelta`,
/// `item/agentMessage/delta` params.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemDeltaParams {
    /// The thread.
    pub thread_id: String,
    /// The turn.
    pub turn_id: String,
    /// The item.
    pub item_id: String,
    /// The new text.
    pub delta: String,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Token counts of `thread/tokenUsage/updated`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenUsageBreakdown {
    /// Total.
    #[serde(default)]
    pub total_tokens: u64,
    /// Input.
    #[serde(default)]
    pub input_tokens: u64,
    /// Input served from cache.
    #[serde(default)]
    pub cached_input_tokens: u64,
    /// Output.
    #[serde(default)]
    pub output_tokens: u64,
    /// Reasoning output.
    #[serde(default)]
    pub reasoning_output_tokens: u64,
}

/// `tokenUsage` of `thread/tokenUsage/updated`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadTokenUsage {
    /// Whole thread.
    pub total: TokenUsageBreakdown,
    /// Last model call.
    pub last: TokenUsageBreakdown,
    /// The model's context window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_context_window: Option<u64>,
}

/// `thread/tokenUsage/updated` params (0.64+).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenUsageUpdatedParams {
    /// The thread.
    pub thread_id: String,
    /// The turn.
    pub turn_id: String,
    /// The counts.
    pub token_usage: ThreadTokenUsage,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `turn/diff/updated` params (0.64+).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TurnDiffUpdatedParams {
    /// The thread.
    pub thread_id: String,
    /// The turn.
    pub turn_id: String,
    /// The turn's unified diff so far.
    pub diff: String,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `serverRequest/resolved` params (0.107+): a server request (an approval) got its answer
/// or was withdrawn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerRequestResolvedParams {
    /// The thread.
    pub thread_id: String,
    /// The id of the server's request.
    pub request_id: RequestId,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `thread/status/changed` params (0.107+).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadStatusChangedParams {
    /// The thread.
    pub thread_id: String,
    /// `{"type":"idle"}`, `{"type":"active","activeFlags":["waitingOnApproval"]}`, … as JSON.
    pub status: Value,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `warning` params (by 0.130).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WarningParams {
    /// The thread, when the warning is about one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_id: Option<String>,
    /// The text.
    pub message: String,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `configWarning` params (0.116+, e.g. bubblewrap missing).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigWarningParams {
    /// One line.
    pub summary: String,
    /// More, when sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<Value>,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `error` notification params: a turn failed (`willRetry` says whether Codex retries).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorNotificationParams {
    /// The error, as JSON (`{"message":…,…}`).
    pub error: Value,
    /// Whether Codex retries by itself.
    #[serde(default)]
    pub will_retry: bool,
    /// The thread.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_id: Option<String>,
    /// The turn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turn_id: Option<String>,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Params this crate keeps as JSON (status notifications nobody acts on:
/// `account/rateLimits/updated`, `remoteControl/status/changed`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct OpaqueParams {
    /// Every member.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `item/commandExecution/requestApproval` params (0.59+).
///
/// Keys over time: 0.59–0.66 `threadId,turnId,itemId,reason,risk` (+`proposedExecpolicyAmendment`
/// 0.66); 0.80–0.87 without `risk`; 0.89+ `command,cwd,commandActions`; 0.107+
/// `availableDecisions`; 0.130 `startedAtMs`; 0.150 `kind`, `environmentId`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CommandExecutionRequestApprovalParams {
    /// The thread.
    pub thread_id: String,
    /// The turn.
    pub turn_id: String,
    /// The `commandExecution` item (its `item/started` has the command before 0.89).
    pub item_id: String,
    /// The model's justification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The command as one shell string (0.89+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    /// Its working directory (0.89+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cwd: Option<PathBuf>,
    /// Codex's parse of the command (0.89+), as JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command_actions: Option<Vec<Value>>,
    /// The exec-policy rule Codex proposes (0.66+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposed_execpolicy_amendment: Option<Vec<String>>,
    /// Decisions offered (0.107+). Incomplete: `decline` and `acceptForSession` work too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_decisions: Option<Vec<Value>>,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `item/fileChange/requestApproval` params (0.63+). No diff: take it from the `fileChange`
/// item with the same `itemId`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileChangeRequestApprovalParams {
    /// The thread.
    pub thread_id: String,
    /// The turn.
    pub turn_id: String,
    /// The `fileChange` item.
    pub item_id: String,
    /// The model's justification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// A root the patch asks write access to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant_root: Option<PathBuf>,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The answer to a v2 approval request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum V2Decision {
    /// Run it once.
    Accept,
    /// Run it and don't ask again for the same this session (0.66+ for commands, 0.80+ for
    /// file changes).
    AcceptForSession,
    /// Don't run it; the model is told and the turn continues.
    Decline,
    /// Don't run it and end the turn (`turn/completed` with `interrupted`).
    Cancel,
}

impl V2Decision {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            V2Decision::Accept => "accept",
            V2Decision::AcceptForSession => "acceptForSession",
            V2Decision::Decline => "decline",
            V2Decision::Cancel => "cancel",
        }
    }
}

impl<'de> Deserialize<'de> for V2Decision {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        Ok(match value.as_str() {
            Some("accept") => V2Decision::Accept,
            Some("acceptForSession") => V2Decision::AcceptForSession,
            Some("cancel") => V2Decision::Cancel,
            // `decline`, and what the server treats as decline: any other string
            // (`approved`, `allow`).
            Some(_) => V2Decision::Decline,
            None => {
                return Err(de::Error::custom(
                    "a v2 decision this crate does not write (an object such as acceptWithExecpolicyAmendment)",
                ))
            }
        })
    }
}

/// The result of a v2 approval request: `{"decision":"accept"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct V2ApprovalResponse {
    /// The decision.
    pub decision: V2Decision,
}

/// `mcpServer/elicitation/request` params (measured on 0.169.0; 0.80.0 never sends it): an MCP
/// server's elicitation relayed by Codex. Codex 0.169 also uses it to ask approval for each
/// call of an MCP tool, then `_meta.codex_approval_kind` is `mcp_tool_call`:
///
/// ```json
/// {"threadId":"…","turnId":"…","serverName":"probe","mode":"form",
///  "message":"Allow the probe MCP server to run tool \"probe_tool\"?",
///  "requestedSchema":{"type":"object","properties":{}},
///  "_meta":{"codex_approval_kind":"mcp_tool_call","tool_name":"probe_tool",
///           "tool_params":{"q":"hi"},"tool_description":"Echo","persist":["session","always"],
///           "tool_params_display":[{"name":"q","display_name":"q","value":"hi"}]}}
/// ```
///
/// No item id: the call is the `mcpToolCall` item started just before in the same turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct McpServerElicitationRequestParams {
    /// The thread.
    pub thread_id: String,
    /// The turn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turn_id: Option<String>,
    /// The MCP server (the `mcp_servers.<name>` of Codex's configuration).
    pub server_name: String,
    /// The question for the user.
    #[serde(default)]
    pub message: String,
    /// The MCP elicitation mode (`form`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// The schema of the answer's `content` (empty for an approval).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_schema: Option<Value>,
    /// Codex's members: what the elicitation is about.
    #[serde(default, rename = "_meta", skip_serializing_if = "Option::is_none")]
    pub meta: Option<McpElicitationMeta>,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl McpServerElicitationRequestParams {
    /// True when Codex asks approval for a tool call (`_meta.codex_approval_kind` is
    /// `mcp_tool_call`).
    pub fn is_tool_call_approval(&self) -> bool {
        self.meta
            .as_ref()
            .and_then(|m| m.codex_approval_kind.as_deref())
            == Some(MCP_TOOL_CALL_APPROVAL)
    }
}

/// The `_meta.codex_approval_kind` of a tool-call approval.
pub const MCP_TOOL_CALL_APPROVAL: &str = "mcp_tool_call";

/// The `_meta` of [`McpServerElicitationRequestParams`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct McpElicitationMeta {
    /// `mcp_tool_call` for a tool-call approval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub codex_approval_kind: Option<String>,
    /// The tool (its name on the MCP server, without Codex's `mcp__<server>` prefix).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_name: Option<String>,
    /// The call's arguments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_params: Option<Value>,
    /// The tool's description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_description: Option<String>,
    /// Members this crate does not know (`persist`, `tool_params_display`).
    #[serde(flatten)]
    pub extra: Extra,
}

/// The result of `mcpServer/elicitation/request`: the MCP elicitation answer,
/// `{"action":"accept"}`. Measured on 0.169.0: `accept` runs the tool (and Codex asks again
/// for the next call), `accept` with `"_meta":{"persist":"session"}` runs it and does not ask
/// again for that tool in the session, `decline` tells the model "user rejected MCP tool
/// call", `cancel` "user cancelled MCP tool call" (the turn goes on either way); a JSON-RPC
/// error, `{}` or a v2 `{"decision":…}` count as a rejection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct McpServerElicitationResponse {
    /// The MCP action.
    pub action: crate::mcp::ElicitAction,
    /// The form's content (none for an approval).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<Value>,
    /// Codex's members: `{"persist":"session"}` with `accept` keeps the approval for the
    /// session (one of the request's `_meta.persist` values).
    #[serde(default, rename = "_meta", skip_serializing_if = "Option::is_none")]
    pub meta: Option<Value>,
}

impl McpServerElicitationResponse {
    /// `accept`, for this call only.
    pub fn accept() -> Self {
        McpServerElicitationResponse {
            action: crate::mcp::ElicitAction::Accept,
            content: None,
            meta: None,
        }
    }

    /// `accept`, and do not ask again for the same tool in this session.
    pub fn accept_for_session() -> Self {
        McpServerElicitationResponse {
            meta: Some(serde_json::json!({ "persist": "session" })),
            ..McpServerElicitationResponse::accept()
        }
    }

    /// `decline` or `cancel` (or `accept`) with nothing else.
    pub fn action(action: crate::mcp::ElicitAction) -> Self {
        McpServerElicitationResponse {
            action,
            content: None,
            meta: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn thread_start_writes_the_chosen_spelling_and_reads_both() {
        let params = |spelling| ThreadStartParams {
            cwd: Some("/w".into()),
            approval_policy: Some(Spelled::new(AskForApproval::Untrusted, spelling)),
            sandbox: Some(Spelled::new(SandboxMode::WorkspaceWrite, spelling)),
            ..ThreadStartParams::default()
        };
        assert_eq!(
            serde_json::to_value(params(V2Spelling::CamelCase)).unwrap(),
            json!({"cwd":"/w","approvalPolicy":"unlessTrusted","sandbox":"workspaceWrite"})
        );
        assert_eq!(
            serde_json::to_value(params(V2Spelling::KebabCase)).unwrap(),
            json!({"cwd":"/w","approvalPolicy":"untrusted","sandbox":"workspace-write"})
        );
        let back: ThreadStartParams =
            serde_json::from_value(json!({"approvalPolicy":"onRequest","sandbox":"read-only"}))
                .unwrap();
        assert_eq!(
            back.approval_policy,
            Some(Spelled::new(
                AskForApproval::OnRequest,
                V2Spelling::CamelCase
            ))
        );
        assert_eq!(
            back.sandbox,
            Some(Spelled::new(SandboxMode::ReadOnly, V2Spelling::KebabCase))
        );
        assert!(
            serde_json::from_value::<ThreadStartParams>(json!({"approvalPolicy":"granular"}))
                .is_err()
        );
    }

    #[test]
    fn decisions_write_only_v2_spellings() {
        for d in [
            V2Decision::Accept,
            V2Decision::AcceptForSession,
            V2Decision::Decline,
            V2Decision::Cancel,
        ] {
            let v = serde_json::to_value(V2ApprovalResponse { decision: d }).unwrap();
            assert_eq!(v, json!({"decision": d.as_str()}));
            let back: V2ApprovalResponse = serde_json::from_value(v).unwrap();
            assert_eq!(back.decision, d);
        }
        for foreign in ["approved", "allow", "denied"] {
            let back: V2ApprovalResponse =
                serde_json::from_value(json!({"decision": foreign})).unwrap();
            assert_eq!(back.decision, V2Decision::Decline, "{foreign}");
        }
        assert!(serde_json::from_value::<V2ApprovalResponse>(
            json!({"decision":{"acceptWithExecpolicyAmendment":{"execpolicy_amendment":["ls"]}}})
        )
        .is_err());
    }

    #[test]
    fn mcp_tool_call_elicitations_of_0_169_read_and_answer_as_mcp() {
        let p: McpServerElicitationRequestParams = serde_json::from_value(json!({
            "threadId":"t","turnId":"u","serverName":"xldb","mode":"form",
            "message":"Allow the xldb MCP server to run tool \"execute_query\"?",
            "requestedSchema":{"type":"object","properties":{}},
            "_meta":{"codex_approval_kind":"mcp_tool_call","tool_name":"execute_query",
                     "tool_params":{"sql":"SELECT 1"},"persist":["session","always"]}}))
        .unwrap();
        assert!(p.is_tool_call_approval());
        let meta = p.meta.as_ref().unwrap();
        assert_eq!(meta.tool_name.as_deref(), Some("execute_query"));
        assert_eq!(meta.tool_params, Some(json!({"sql":"SELECT 1"})));
        assert_eq!(meta.extra["persist"], json!(["session", "always"]));
        let other: McpServerElicitationRequestParams =
            serde_json::from_value(json!({"threadId":"t","serverName":"s","message":"name?"}))
                .unwrap();
        assert!(!other.is_tool_call_approval());
        assert!(serde_json::from_value::<McpServerElicitationRequestParams>(
            json!({"threadId":"t"})
        )
        .is_err());
        let answer = McpServerElicitationResponse::action(crate::mcp::ElicitAction::Decline);
        assert_eq!(
            serde_json::to_value(answer).unwrap(),
            json!({"action":"decline"})
        );
        assert_eq!(
            serde_json::to_value(McpServerElicitationResponse::accept()).unwrap(),
            json!({"action":"accept"})
        );
        assert_eq!(
            serde_json::to_value(McpServerElicitationResponse::accept_for_session()).unwrap(),
            json!({"action":"accept","_meta":{"persist":"session"}})
        );
    }

    #[test]
    fn items_typed_unknown_kept_bad_shape_rejected() {
        let item: ThreadItem = serde_json::from_value(json!({"type":"fileChange","id":"call_patch_2","changes":[{"path":"/w/hello.txt","kind":{"type":"add"},"diff":"hello\n"}],"status":"inProgress","startedAtMs":1})).unwrap();
        let ThreadItem::FileChange(change) = &item else {
            panic!("{item:?}")
        };
        assert_eq!(change.changes[0].kind.kind, PatchChangeKindType::Add);
        assert_eq!(change.changes[0].diff, "hello\n");
        assert_eq!(change.extra["startedAtMs"], json!(1));
        assert_eq!(
            serde_json::to_value(&item).unwrap()["type"],
            json!("fileChange")
        );
        let unknown: ThreadItem =
            serde_json::from_value(json!({"type":"webSearch","id":"w1","query":"q"})).unwrap();
        assert!(matches!(unknown, ThreadItem::Unknown(_)));
        assert_eq!((unknown.kind(), unknown.id()), ("webSearch", Some("w1")));
        let err = serde_json::from_value::<ThreadItem>(
            json!({"type":"commandExecution","id":"c","status":"completed"}),
        )
        .unwrap_err();
        assert!(err.to_string().contains("`commandExecution` item"), "{err}");
    }

    #[test]
    fn thread_list_resume_archive_shapes_of_0_80_and_0_169() {
        let p = ThreadListParams {
            limit: Some(2),
            cursor: Some("c".into()),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(p).unwrap(),
            json!({"cursor":"c","limit":2})
        );
        assert_eq!(
            serde_json::to_value(ThreadListParams::default()).unwrap(),
            json!({})
        );
        // 0.80.0 (trimmed) and 0.169.0 (trimmed) answers.
        let r080: ThreadListResult = serde_json::from_value(json!({"data":[{"id":"01a2","preview":"first question","modelProvider":"mock","createdAt":1795836282,"path":"/h/sessions/rollout-01a2.jsonl","cwd":"/w","cliVersion":"0.80.0","source":"vscode","gitInfo":null,"turns":[]}],"nextCursor":"2026-11-28T03-24-54|01a2"})).unwrap();
        assert_eq!(r080.data[0].preview.as_deref(), Some("first question"));
        assert_eq!(r080.data[0].created_at, Some(1795836282));
        assert_eq!(
            r080.next_cursor.as_deref(),
            Some("2026-11-28T03-24-54|01a2")
        );
        let r169: ThreadListResult = serde_json::from_value(json!({"data":[{"id":"01a3","sessionId":"01a3","preview":"q","createdAt":1795836283,"updatedAt":1795836283,"status":{"type":"idle"},"path":"/h/r.jsonl","turns":[]}],"readStates":{},"nextCursor":null,"backwardsCursor":"2026-11-28T03:24:43.667Z"})).unwrap();
        assert_eq!(r169.next_cursor, None);
        assert_eq!(
            r169.extra["backwardsCursor"],
            json!("2026-11-28T03:24:43.667Z")
        );

        let resume = ThreadResumeParams {
            thread_id: "t".into(),
            cwd: Some("/w".into()),
            approval_policy: Some(Spelled::new(
                AskForApproval::Untrusted,
                V2Spelling::KebabCase,
            )),
            sandbox: Some(Spelled::new(
                SandboxMode::WorkspaceWrite,
                V2Spelling::KebabCase,
            )),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(resume).unwrap(),
            json!({"threadId":"t","cwd":"/w","approvalPolicy":"untrusted","sandbox":"workspace-write"})
        );
        assert_eq!(
            serde_json::to_value(ThreadArchiveParams {
                thread_id: "t".into(),
                ..Default::default()
            })
            .unwrap(),
            json!({"threadId":"t"})
        );
    }

    #[test]
    fn flat_text_input() {
        let p = TurnStartParams {
            thread_id: "t".into(),
            input: vec![UserInput::Text { text: "hi".into() }],
            extra: Extra::new(),
        };
        assert_eq!(
            serde_json::to_value(p).unwrap(),
            json!({"threadId":"t","input":[{"type":"text","text":"hi"}]})
        );
    }
}
