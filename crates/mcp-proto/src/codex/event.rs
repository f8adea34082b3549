//! Codex events: `codex/event` and `codex/event/<type>` notifications.
//!
//! Params are `{"id":…,"msg":{"type":…,…},"conversationId":…}` (conversation API) or
//! `{"_meta":{"requestId":…},"id":…,"msg":{…}}` (tool mode). [`EventMsg`] is typed for every
//! kind `codex mcp` 0.39 can send (the list is taken from the 0.39 binary's own type table) and
//! keeps any other kind as raw JSON in [`EventMsg::Unknown`], so a newer server never breaks a
//! reader.
//!
//! Decoding is built for the hot path (events are most of the traffic): Codex writes `type`
//! first, so [`EventMsg`]'s deserializer reads it and hands the rest of the same map to that
//! kind's struct, one pass with no intermediate tree (an internally tagged serde enum would
//! buffer every event first; other member orders take that slower route). Error messages are
//! produced by a second, step-by-step pass that only runs when the first one failed.
//! Members a newer server adds to a known kind are ignored (not kept) for the same reason:
//! events are read, never written back to Codex.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::{ConversationId, ReasoningEffort, TurnAbortReason, WireFileChange};
use crate::error::{detail, truncate, DecodeError};
use crate::jsonrpc::Notification;
use crate::mcp::{CallToolResult, Tool};
use crate::open_enum::open_enum;

/// The params of a `codex/event` notification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventNotification {
    /// The submission id the event belongs to (`"0"`, or the tool call id in tool mode; may be
    /// empty).
    #[serde(default)]
    pub id: String,
    /// The event.
    pub msg: EventMsg,
    /// The conversation (conversation API only).
    #[serde(
        default,
        rename = "conversationId",
        skip_serializing_if = "Option::is_none"
    )]
    pub conversation_id: Option<ConversationId>,
    /// Tool mode's `_meta` (`{"requestId":…}`, plus `threadId` from 0.87).
    #[serde(default, rename = "_meta", skip_serializing_if = "Option::is_none")]
    pub meta: Option<Value>,
}

#[derive(Deserialize)]
struct RawEventNotification {
    #[serde(default)]
    id: String,
    msg: Box<RawValue>,
    #[serde(default, rename = "conversationId")]
    conversation_id: Option<ConversationId>,
    #[serde(default, rename = "_meta")]
    meta: Option<Value>,
}

/// Decode an event notification: `None` when `notification` is not `codex/event` or
/// `codex/event/<type>`.
///
/// Errors name the method (bad envelope) or the event kind (a known kind in an unexpected
/// shape). An unknown kind is not an error: it decodes to [`EventMsg::Unknown`].
pub fn decode_event(notification: &Notification) -> Option<Result<EventNotification, DecodeError>> {
    let method = notification.method.as_str();
    if method != super::EVENT_METHOD && !method.starts_with(super::EVENT_METHOD_PREFIX) {
        return None;
    }
    let text = notification.params.as_deref().map_or("null", RawValue::get);
    // Fast path: one pass over the params. On failure, redo it in steps to say exactly what
    // is wrong (the envelope, or which event kind).
    if let Ok(event) = serde_json::from_str::<EventNotification>(text) {
        return Some(Ok(event));
    }
    let raw: RawEventNotification = match serde_json::from_str(text) {
        Ok(raw) => raw,
        Err(e) => {
            return Some(Err(DecodeError::Params {
                method: truncate(method),
                detail: detail(&e),
            }))
        }
    };
    Some(EventMsg::from_raw(&raw.msg).map(|msg| EventNotification {
        id: raw.id,
        msg,
        conversation_id: raw.conversation_id,
        meta: raw.meta,
    }))
}

/// Read `"type"` when it is the first member (as Codex writes it) without parsing the rest.
fn peek_kind(text: &str) -> Option<&str> {
    let rest = text.trim_start().strip_prefix('{')?.trim_start();
    let rest = rest
        .strip_prefix("\"type\"")?
        .trim_start()
        .strip_prefix(':')?
        .trim_start();
    let rest = rest.strip_prefix('"')?;
    let end = rest.find(['"', '\\'])?;
    (rest.as_bytes().get(end) == Some(&b'"')).then(|| &rest[..end])
}

#[derive(Deserialize)]
struct KindOnly<'a> {
    #[serde(rename = "type", borrow)]
    kind: std::borrow::Cow<'a, str>,
}

/// A map key: `KeyIsType(None)` for `"type"`, else the key (allocated only then).
struct KeyIsType(Option<String>);

impl<'de> Deserialize<'de> for KeyIsType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = KeyIsType;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<KeyIsType, E> {
                Ok(KeyIsType((v != "type").then(|| v.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

/// Declares [`EventMsg`]: one row per kind, `Variant(Payload) = "wire_type"`.
macro_rules! event_kinds {
    ($( $(#[doc = $doc:literal])* $var:ident($payload:ty) = $wire:literal, )*) => {
        /// One Codex event (`msg`), tagged by `type`.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum EventMsg {
            $( $(#[doc = $doc])* #[doc = concat!("`", $wire, "`")] $var($payload), )*
            /// A kind this crate does not know, kept as raw JSON (including `type`).
            Unknown(Value),
        }

        /// Every event `type` [`EventMsg`] has a typed variant for.
        pub const EVENT_KINDS: &[&str] = &[$( $wire, )*];

        impl EventMsg {
            /// The wire `type`.
            pub fn kind(&self) -> &str {
                match self {
                    $( EventMsg::$var(_) => $wire, )*
                    EventMsg::Unknown(v) => v.get("type").and_then(Value::as_str).unwrap_or(""),
                }
            }

            /// Decode one `msg` object from its JSON text.
            pub fn from_raw(raw: &RawValue) -> Result<EventMsg, DecodeError> {
                let text = raw.get();
                let owned;
                let kind = match peek_kind(text) {
                    Some(kind) => kind,
                    None => {
                        owned = serde_json::from_str::<KindOnly<'_>>(text).map_err(|e| {
                            DecodeError::Event { kind: String::new(), detail: detail(&e) }
                        })?;
                        owned.kind.as_ref()
                    }
                };
                let event_err = |e: serde_json::Error| DecodeError::Event {
                    kind: truncate(kind),
                    detail: detail(&e),
                };
                match kind {
                    $( $wire => serde_json::from_str(text).map(EventMsg::$var).map_err(event_err), )*
                    _ => serde_json::from_str(text).map(EventMsg::Unknown).map_err(event_err),
                }
            }
        }

        /// An event `type` read without allocating for known kinds.
        enum KindTag {
            $( $var, )*
            Other(String),
        }

        impl<'de> Deserialize<'de> for KindTag {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl Visitor<'_> for V {
                    type Value = KindTag;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("an event type string")
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<KindTag, E> {
                        Ok(match v {
                            $( $wire => KindTag::$var, )*
                            other => KindTag::Other(other.to_owned()),
                        })
                    }
                }
                d.deserialize_str(V)
            }
        }

        // Single pass: Codex writes `type` first, so read it, then hand the rest of the same
        // map to the kind's derived visitor (no buffering). Any other order falls back to
        // collecting the object first.
        impl<'de> Deserialize<'de> for EventMsg {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = EventMsg;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("an event object with a `type`")
                    }
                    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<EventMsg, A::Error> {
                        let Some(first) = map.next_key::<KeyIsType>()? else {
                            return Err(de::Error::missing_field("type"));
                        };
                        let first = match first {
                            KeyIsType(None) => {
                                let tag: KindTag = map.next_value()?;
                                let rest = MapAccessDeserializer::new(map);
                                return match tag {
                                    $( KindTag::$var => <$payload>::deserialize(rest)
                                        .map(EventMsg::$var)
                                        .map_err(|e| de::Error::custom(format_args!("invalid `{}` event: {e}", $wire))), )*
                                    KindTag::Other(kind) => {
                                        let mut object = Map::deserialize(rest)?;
                                        object.insert("type".to_owned(), Value::String(kind));
                                        Ok(EventMsg::Unknown(Value::Object(object)))
                                    }
                                };
                            }
                            KeyIsType(Some(other)) => other,
                        };
                        let mut object = Map::new();
                        let value: Value = map.next_value()?;
                        object.insert(first, value);
                        while let Some((key, value)) = map.next_entry::<String, Value>()? {
                            object.insert(key, value);
                        }
                        let kind = match object.get("type") {
                            Some(Value::String(kind)) => kind.clone(),
                            _ => return Err(de::Error::missing_field("type")),
                        };
                        let object = Value::Object(object);
                        let prefix = |e: serde_json::Error| {
                            de::Error::custom(format_args!("invalid `{}` event: {e}", truncate(&kind)))
                        };
                        match kind.as_str() {
                            $( $wire => serde_json::from_value(object).map(EventMsg::$var).map_err(prefix), )*
                            _ => Ok(EventMsg::Unknown(object)),
                        }
                    }
                }
                d.deserialize_map(V)
            }
        }

        impl Serialize for EventMsg {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                #[derive(Serialize)]
                #[serde(tag = "type")]
                enum Tagged<'a> {
                    $( #[serde(rename = $wire)] $var(&'a $payload), )*
                }
                match self {
                    $( EventMsg::$var(p) => Tagged::$var(p).serialize(s), )*
                    EventMsg::Unknown(v) => v.serialize(s),
                }
            }
        }
    };
}

event_kinds! {
    /// A turn failed.
    Error(ErrorEvent) = "error",
    /// A turn started.
    TaskStarted(TaskStartedEvent) = "task_started",
    /// A turn ended normally.
    TaskComplete(TaskCompleteEvent) = "task_complete",
    /// Token usage so far.
    TokenCount(TokenCountEvent) = "token_count",
    /// A complete agent message.
    AgentMessage(AgentMessageEvent) = "agent_message",
    /// The user's message echoed (history replay).
    UserMessage(UserMessageEvent) = "user_message",
    /// A streamed piece of an agent message.
    AgentMessageDelta(DeltaEvent) = "agent_message_delta",
    /// A reasoning summary.
    AgentReasoning(TextEvent) = "agent_reasoning",
    /// A streamed piece of a reasoning summary.
    AgentReasoningDelta(DeltaEvent) = "agent_reasoning_delta",
    /// Raw reasoning content.
    AgentReasoningRawContent(TextEvent) = "agent_reasoning_raw_content",
    /// A streamed piece of raw reasoning content.
    AgentReasoningRawContentDelta(DeltaEvent) = "agent_reasoning_raw_content_delta",
    /// A break between reasoning sections.
    AgentReasoningSectionBreak(EmptyEvent) = "agent_reasoning_section_break",
    /// The session is ready (first event in tool mode; carries the session id).
    SessionConfigured(SessionConfiguredEvent) = "session_configured",
    /// An MCP tool call started.
    McpToolCallBegin(McpToolCallBeginEvent) = "mcp_tool_call_begin",
    /// An MCP tool call ended.
    McpToolCallEnd(McpToolCallEndEvent) = "mcp_tool_call_end",
    /// A web search started.
    WebSearchBegin(WebSearchBeginEvent) = "web_search_begin",
    /// A web search ended.
    WebSearchEnd(WebSearchEndEvent) = "web_search_end",
    /// A command started.
    ExecCommandBegin(ExecCommandBeginEvent) = "exec_command_begin",
    /// Output of a running command.
    ExecCommandOutputDelta(ExecCommandOutputDeltaEvent) = "exec_command_output_delta",
    /// A command ended.
    ExecCommandEnd(ExecCommandEndEvent) = "exec_command_end",
    /// Codex wants to run a command (the request itself is `execCommandApproval`).
    ExecApprovalRequest(ExecApprovalRequestEvent) = "exec_approval_request",
    /// Codex wants to apply a patch (the request itself is `applyPatchApproval`).
    ApplyPatchApprovalRequest(ApplyPatchApprovalRequestEvent) = "apply_patch_approval_request",
    /// A background notice.
    BackgroundEvent(MessageEvent) = "background_event",
    /// The model stream failed and is retried.
    StreamError(MessageEvent) = "stream_error",
    /// A patch is being applied.
    PatchApplyBegin(PatchApplyBeginEvent) = "patch_apply_begin",
    /// A patch was applied (or failed).
    PatchApplyEnd(PatchApplyEndEvent) = "patch_apply_end",
    /// The turn's cumulative diff.
    TurnDiff(TurnDiffEvent) = "turn_diff",
    /// Answer to a history lookup.
    GetHistoryEntryResponse(GetHistoryEntryResponseEvent) = "get_history_entry_response",
    /// Answer to an MCP tool listing.
    McpListToolsResponse(McpListToolsResponseEvent) = "mcp_list_tools_response",
    /// Answer to a custom prompt listing.
    ListCustomPromptsResponse(ListCustomPromptsResponseEvent) = "list_custom_prompts_response",
    /// The model's plan.
    PlanUpdate(PlanUpdateEvent) = "plan_update",
    /// A turn ended early (interrupt or `abort` decision).
    TurnAborted(TurnAbortedEvent) = "turn_aborted",
    /// The session shut down.
    ShutdownComplete(EmptyEvent) = "shutdown_complete",
    /// The conversation's rollout path.
    ConversationPath(ConversationPathEvent) = "conversation_path",
    /// Review mode started.
    EnteredReviewMode(ReviewRequest) = "entered_review_mode",
    /// Review mode ended.
    ExitedReviewMode(ExitedReviewModeEvent) = "exited_review_mode",
}

/// An event with no members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EmptyEvent {}

/// `{message}` events (`error`, `background_event`, `stream_error`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageEvent {
    /// The message.
    pub message: String,
}

/// `error`.
pub type ErrorEvent = MessageEvent;

/// `{delta}` events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeltaEvent {
    /// The new piece.
    pub delta: String,
}

/// `{text}` events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextEvent {
    /// The text.
    pub text: String,
}

/// `task_started`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TaskStartedEvent {
    /// The model's context window, when known.
    #[serde(default)]
    pub model_context_window: Option<u64>,
}

/// `task_complete`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TaskCompleteEvent {
    /// The last agent message of the turn.
    #[serde(default)]
    pub last_agent_message: Option<String>,
}

/// Token counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TokenUsage {
    /// Input tokens.
    #[serde(default)]
    pub input_tokens: u64,
    /// Cached input tokens.
    #[serde(default)]
    pub cached_input_tokens: u64,
    /// Output tokens.
    #[serde(default)]
    pub output_tokens: u64,
    /// Reasoning output tokens.
    #[serde(default)]
    pub reasoning_output_tokens: u64,
    /// Total.
    #[serde(default)]
    pub total_tokens: u64,
}

/// Cumulative and last-request usage.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TokenUsageInfo {
    /// Since the session started.
    pub total_token_usage: TokenUsage,
    /// Of the last model request.
    pub last_token_usage: TokenUsage,
    /// The model's context window, when known.
    #[serde(default)]
    pub model_context_window: Option<u64>,
}

/// `token_count`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TokenCountEvent {
    /// Usage, when known.
    #[serde(default)]
    pub info: Option<TokenUsageInfo>,
    /// Rate limits (later versions), kept as JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limits: Option<Value>,
}

/// `agent_message`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentMessageEvent {
    /// The message.
    pub message: String,
}

/// `user_message`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserMessageEvent {
    /// The message.
    pub message: String,
    /// `plain`, `user_instructions`, `environment_context`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Image URLs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images: Option<Vec<String>>,
}

/// `session_configured`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionConfiguredEvent {
    /// The session (conversation) id; `codex-reply` needs it.
    pub session_id: ConversationId,
    /// The model.
    pub model: String,
    /// Reasoning effort.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning_effort: Option<ReasoningEffort>,
    /// History log id.
    #[serde(default)]
    pub history_log_id: u64,
    /// History entries.
    #[serde(default)]
    pub history_entry_count: u64,
    /// Replayed history (resumed sessions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_messages: Option<Vec<EventMsg>>,
    /// The rollout file (0.34+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollout_path: Option<PathBuf>,
}

/// Which MCP tool was called.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct McpInvocation {
    /// Server name.
    pub server: String,
    /// Tool name.
    pub tool: String,
    /// Arguments.
    #[serde(default)]
    pub arguments: Option<Value>,
}

/// `mcp_tool_call_begin`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct McpToolCallBeginEvent {
    /// Call id.
    pub call_id: String,
    /// The call.
    pub invocation: McpInvocation,
}

/// A duration as Codex writes it (`{"secs":…,"nanos":…}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct WireDuration {
    /// Whole seconds.
    pub secs: u64,
    /// Nanoseconds.
    pub nanos: u32,
}

impl WireDuration {
    /// As a standard duration (nanos beyond a second carry over).
    pub fn to_std(self) -> std::time::Duration {
        std::time::Duration::from_secs(self.secs)
            .saturating_add(std::time::Duration::from_nanos(u64::from(self.nanos)))
    }
}

/// The outcome of an MCP tool call (`{"Ok":…}` or `{"Err":"…"}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum McpToolCallOutcome {
    /// The tool's result.
    Ok(CallToolResult),
    /// Why the call failed.
    Err(String),
}

/// `mcp_tool_call_end`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct McpToolCallEndEvent {
    /// Call id.
    pub call_id: String,
    /// The call.
    pub invocation: McpInvocation,
    /// How long it took.
    pub duration: WireDuration,
    /// The outcome.
    pub result: McpToolCallOutcome,
}

/// `web_search_begin`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebSearchBeginEvent {
    /// Call id.
    pub call_id: String,
}

/// `web_search_end`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebSearchEndEvent {
    /// Call id.
    pub call_id: String,
    /// The query.
    pub query: String,
}

/// `exec_command_begin`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExecCommandBeginEvent {
    /// Call id.
    pub call_id: String,
    /// The argv.
    pub command: Vec<String>,
    /// Working directory.
    pub cwd: PathBuf,
    /// Codex's parse of the command (`[{"type":"unknown","cmd":…}]`), kept as JSON.
    #[serde(default)]
    pub parsed_cmd: Vec<Value>,
}

open_enum! {
    /// Which output stream.
    pub enum ExecOutputStream {
        /// Standard output.
        Stdout = "stdout",
        /// Standard error.
        Stderr = "stderr",
    }
}

/// Output bytes: a base64 string (0.39) or an array of numbers (0.20).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputChunk {
    /// Base64 text as sent.
    Base64(String),
    /// Raw bytes as sent.
    Bytes(Vec<u8>),
}

impl OutputChunk {
    /// The bytes; `None` when the base64 is invalid.
    pub fn bytes(&self) -> Option<Vec<u8>> {
        match self {
            OutputChunk::Base64(s) => base64_decode(s),
            OutputChunk::Bytes(b) => Some(b.clone()),
        }
    }
}

impl Serialize for OutputChunk {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            OutputChunk::Base64(b64) => s.serialize_str(b64),
            OutputChunk::Bytes(bytes) => bytes.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for OutputChunk {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OutputChunk;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a base64 string or an array of bytes")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<OutputChunk, E> {
                Ok(OutputChunk::Base64(v.to_owned()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OutputChunk, A::Error> {
                let mut bytes = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(b) = seq.next_element::<u8>()? {
                    bytes.push(b);
                }
                Ok(OutputChunk::Bytes(bytes))
            }
        }
        d.deserialize_any(V)
    }
}

/// Standard base64 with padding (what Codex writes); `None` on anything else.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    fn val(c: u8) -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    }
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    let chunks = bytes.len() / 4;
    for (i, quad) in bytes.chunks_exact(4).enumerate() {
        let pad = quad.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && i + 1 != chunks) {
            return None;
        }
        let mut n: u32 = 0;
        for &c in &quad[..4 - pad] {
            n = (n << 6) | val(c)?;
        }
        n <<= 6 * pad as u32;
        let three = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&three[..3 - pad]);
    }
    Some(out)
}

/// `exec_command_output_delta`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecCommandOutputDeltaEvent {
    /// Call id.
    pub call_id: String,
    /// Which stream.
    pub stream: ExecOutputStream,
    /// The bytes (see [`OutputChunk::bytes`]).
    pub chunk: OutputChunk,
}

/// `exec_command_end`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecCommandEndEvent {
    /// Call id.
    pub call_id: String,
    /// Standard output.
    #[serde(default)]
    pub stdout: String,
    /// Standard error.
    #[serde(default)]
    pub stderr: String,
    /// Both, interleaved.
    #[serde(default)]
    pub aggregated_output: String,
    /// Exit code.
    pub exit_code: i32,
    /// How long it ran.
    #[serde(default)]
    pub duration: WireDuration,
    /// What the model is shown.
    #[serde(default)]
    pub formatted_output: String,
}

/// `exec_approval_request`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecApprovalRequestEvent {
    /// Call id.
    pub call_id: String,
    /// The argv.
    pub command: Vec<String>,
    /// Working directory.
    pub cwd: PathBuf,
    /// The model's justification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// `apply_patch_approval_request`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyPatchApprovalRequestEvent {
    /// Call id.
    pub call_id: String,
    /// Path → change.
    pub changes: BTreeMap<PathBuf, WireFileChange>,
    /// The model's justification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Root asked for write access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant_root: Option<PathBuf>,
}

/// `patch_apply_begin`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatchApplyBeginEvent {
    /// Call id.
    pub call_id: String,
    /// Whether no approval was needed.
    #[serde(default)]
    pub auto_approved: bool,
    /// Path → change.
    pub changes: BTreeMap<PathBuf, WireFileChange>,
}

/// `patch_apply_end`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatchApplyEndEvent {
    /// Call id.
    pub call_id: String,
    /// Output of the patch tool.
    #[serde(default)]
    pub stdout: String,
    /// Errors of the patch tool.
    #[serde(default)]
    pub stderr: String,
    /// Whether it applied.
    pub success: bool,
}

/// `turn_diff`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TurnDiffEvent {
    /// The turn's cumulative unified diff.
    pub unified_diff: String,
}

/// `get_history_entry_response`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetHistoryEntryResponseEvent {
    /// Offset asked for.
    pub offset: u64,
    /// Log asked for.
    pub log_id: u64,
    /// The entry, kept as JSON.
    #[serde(default)]
    pub entry: Option<Value>,
}

/// `mcp_list_tools_response`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct McpListToolsResponseEvent {
    /// Fully qualified tool name → tool.
    pub tools: BTreeMap<String, Tool>,
}

/// `list_custom_prompts_response`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListCustomPromptsResponseEvent {
    /// The prompts, kept as JSON.
    pub custom_prompts: Vec<Value>,
}

open_enum! {
    /// Status of a plan step.
    pub enum StepStatus {
        /// Not started.
        Pending = "pending",
        /// Under way.
        InProgress = "in_progress",
        /// Done.
        Completed = "completed",
    }
}

/// One plan step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanItem {
    /// What.
    pub step: String,
    /// How far.
    pub status: StepStatus,
}

/// `plan_update`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanUpdateEvent {
    /// Why the plan changed.
    #[serde(default)]
    pub explanation: Option<String>,
    /// The steps.
    pub plan: Vec<PlanItem>,
}

/// `turn_aborted`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TurnAbortedEvent {
    /// `interrupted` or `replaced`.
    pub reason: TurnAbortReason,
}

/// `conversation_path`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationPathEvent {
    /// The conversation.
    pub conversation_id: ConversationId,
    /// Its rollout file.
    pub path: PathBuf,
}

/// `entered_review_mode`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewRequest {
    /// The review prompt.
    pub prompt: String,
    /// What the user sees.
    #[serde(default)]
    pub user_facing_hint: String,
}

/// `exited_review_mode`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExitedReviewModeEvent {
    /// The review's findings, kept as JSON.
    #[serde(default)]
    pub review_output: Option<Value>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn raw(v: &Value) -> Box<RawValue> {
        serde_json::value::to_raw_value(v).unwrap()
    }

    #[test]
    fn peek_reads_a_leading_type_only() {
        assert_eq!(
            peek_kind(r#"{"type":"task_started","x":1}"#),
            Some("task_started")
        );
        assert_eq!(peek_kind(r#" { "type" : "a" }"#), Some("a"));
        assert_eq!(peek_kind(r#"{"x":1,"type":"a"}"#), None);
        assert_eq!(peek_kind(r#"{"type":"a\"b"}"#), None);
    }

    #[test]
    fn type_not_first_still_decodes() {
        let m = EventMsg::from_raw(&raw(&json!({"message":"hi","type":"agent_message"}))).unwrap();
        assert_eq!(
            m,
            EventMsg::AgentMessage(AgentMessageEvent {
                message: "hi".into()
            })
        );
    }

    #[test]
    fn unknown_kinds_are_kept_and_known_kinds_in_a_bad_shape_are_errors() {
        let v = json!({"type":"brand_new","x":[1]});
        let m = EventMsg::from_raw(&raw(&v)).unwrap();
        assert_eq!(m.kind(), "brand_new");
        assert_eq!(serde_json::to_value(&m).unwrap(), v);
        let err = EventMsg::from_raw(&raw(&json!({"type":"turn_diff"}))).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("invalid `turn_diff` event: missing field"),
            "{err}"
        );
        assert!(EventMsg::from_raw(&raw(&json!({"no_type":1}))).is_err());
    }

    #[test]
    fn single_pass_and_step_by_step_decodes_agree() {
        let cases = [
            json!({"type":"agent_message","message":"hi"}),
            json!({"message":"hi","type":"agent_message"}),
            json!({"type":"brand_new","x":1}),
            json!({"x":1,"type":"brand_new"}),
            json!({"type":"session_configured","session_id":"s","model":"m","history_log_id":0,
                "history_entry_count":0,"initial_messages":[{"message":"m","type":"user_message"}]}),
        ];
        for v in cases {
            let slow = EventMsg::from_raw(&raw(&v)).unwrap();
            let fast: EventMsg = serde_json::from_str(&v.to_string()).unwrap();
            let from_value: EventMsg = serde_json::from_value(v.clone()).unwrap();
            assert_eq!(slow, fast, "{v}");
            assert_eq!(slow, from_value, "{v}");
        }
        for bad in [
            json!({"type":"turn_diff"}),
            json!({"unified_diff":1,"type":"turn_diff"}),
        ] {
            let err = serde_json::from_str::<EventMsg>(&bad.to_string())
                .unwrap_err()
                .to_string();
            assert!(err.starts_with("invalid `turn_diff` event"), "{err}");
        }
        assert!(serde_json::from_str::<EventMsg>(r#"{}"#).is_err());
        assert!(serde_json::from_str::<EventMsg>(r#"{"type":7}"#).is_err());
        assert!(serde_json::from_str::<EventMsg>(r#"[]"#).is_err());
    }

    #[test]
    fn newer_members_are_tolerated() {
        let m = EventMsg::from_raw(&raw(
            &json!({"type":"task_complete","last_agent_message":null,"new":1}),
        ))
        .unwrap();
        assert_eq!(
            m,
            EventMsg::TaskComplete(TaskCompleteEvent {
                last_agent_message: None
            })
        );
    }

    #[test]
    fn base64_chunks_decode() {
        assert_eq!(
            base64_decode("aGVsbG8gZnJvbSBleGVjCg==").unwrap(),
            b"hello from exec\n"
        );
        assert_eq!(base64_decode("d2FybmluZwo=").unwrap(), b"warning\n");
        assert_eq!(base64_decode("").unwrap(), b"");
        assert_eq!(base64_decode("YWI=").unwrap(), b"ab");
        assert!(base64_decode("abc").is_none());
        assert!(base64_decode("a===").is_none());
        assert!(base64_decode("YQ==YWI=").is_none());
        assert!(base64_decode("!!!!").is_none());
        let chunk: OutputChunk = serde_json::from_value(json!([104, 105])).unwrap();
        assert_eq!(chunk.bytes().unwrap(), b"hi");
    }

    #[test]
    fn event_kinds_are_unique_and_cover_0_39() {
        let mut kinds = EVENT_KINDS.to_vec();
        kinds.sort_unstable();
        kinds.dedup();
        assert_eq!(kinds.len(), EVENT_KINDS.len());
        assert_eq!(EVENT_KINDS.len(), 36);
    }
}
