//! Wire types for MCP and the Codex stdio protocols: the JSON-RPC envelope, methods as types,
//! and typed Codex events. Types only: serde and serde_json, no I/O, no async runtime.
//!
//! # Where things live
//!
//! `jsonrpc.rs` (the envelope) · `method.rs` and `table.rs` (methods as types, the one method
//! table) · `mcp.rs`, `mcp_tool.rs` (standard MCP, Codex's tool mode) · `codex.rs` with
//! `codex/` (the conversation API: `conversation`, `event`, `approval`) · `app_server.rs`,
//! `app_server_v2.rs` (`codex app-server` v1 differences and v2) · `open_enum.rs`, `empty.rs`,
//! `error.rs`.
//!
//! # Tour
//!
//! 1. [`Message::decode`] reads one line into a [`Request`], [`Notification`], [`Response`]
//!    or [`ErrorResponse`], keeping `params`/`result` as raw JSON.
//! 2. Each method is a type implementing [`RequestMethod`] or [`NotificationMethod`]
//!    ([`NewConversation`], [`ExecCommandApproval`], …). [`Request::params_as`] decodes the
//!    params once, straight from the raw text; [`Response::result_as`] decodes a result with
//!    the type of the request it answers (you know which from the id you sent).
//! 3. [`decode_event`] turns `codex/event` and `codex/event/<type>` notifications into an
//!    [`EventNotification`] with a typed [`EventMsg`].
//! 4. [`Request::new`], [`Response::new`], [`Notification::new`] build typed messages;
//!    [`Message::encode`] writes the line.
//!
//! ```
//! use mcp_proto::{
//!     decode_event, ExecCommandApproval, EventMsg, Message, Response, ReviewDecision,
//!     ReviewDecisionResponse,
//! };
//!
//! // A line `codex mcp` 0.39 really sends (server-to-client request, snake_case params).
//! let line = br#"{"id":0,"jsonrpc":"2.0","method":"execCommandApproval","params":{"conversation_id":"01a21200-cb47-7973-96f8-e55676233796","call_id":"call_exec_1","command":["bash","-lc","touch created_by_exec.txt"],"cwd":"/tmp/work"}}"#;
//! let Message::Request(request) = Message::decode(line)? else { unreachable!() };
//! let params = request.params_as::<ExecCommandApproval>()?;
//! assert_eq!(params.command, ["bash", "-lc", "touch created_by_exec.txt"]);
//!
//! // Answer it. Only the four values Codex accepts can be written.
//! let answer = Response::new::<ExecCommandApproval>(
//!     request.id,
//!     &ReviewDecisionResponse { decision: ReviewDecision::Approved },
//! )?;
//! assert_eq!(
//!     Message::Response(answer).encode(true),
//!     br#"{"jsonrpc":"2.0","id":0,"result":{"decision":"approved"}}"#
//! );
//!
//! // Events.
//! let line = br#"{"jsonrpc":"2.0","method":"codex/event/task_complete","params":{"id":"0","msg":{"type":"task_complete","last_agent_message":"All done."},"conversationId":"01a21200-cb47-7973-96f8-e55676233796"}}"#;
//! let Message::Notification(n) = Message::decode(line)? else { unreachable!() };
//! let event = decode_event(&n).expect("an event method")?;
//! assert!(matches!(event.msg, EventMsg::TaskComplete(ref t) if t.last_agent_message.as_deref() == Some("All done.")));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Methods
//!
//! Every method, once (generated from one table; [`METHODS`] has it at run time).
//! "c→s" is client (us) to server (Codex).
//!
//! | Wire method | Type | Kind | Direction | Params | Result |
//! |---|---|---|---|---|---|
//! | `initialize` | [`Initialize`] | request | c→s | [`InitializeParams`] | [`InitializeResult`] |
//! | `notifications/initialized` | [`Initialized`] | notification | c→s | `Option<Empty>` | |
//! | `ping` | [`Ping`] | request | both | `Option<Empty>` | [`Empty`] |
//! | `tools/list` | [`ListTools`] | request | c→s | `Option<ListToolsParams>` | [`ListToolsResult`] |
//! | `tools/call` | [`CallTool`] | request | c→s | [`CallToolParams`] | [`CallToolResult`] |
//! | `elicitation/create` | [`Elicitation`] | request | s→c | [`ElicitParams`] | [`ElicitResult`] |
//! | `notifications/progress` | [`Progress`] | notification | both | [`ProgressParams`] | |
//! | `notifications/cancelled` | [`Cancelled`] | notification | both | [`CancelledParams`] | |
//! | `logging/setLevel` | [`SetLevel`] | request | c→s | [`SetLevelParams`] | [`Empty`] |
//! | `notifications/message` | [`LoggingMessage`] | notification | s→c | [`LoggingMessageParams`] | |
//! | `newConversation` | [`NewConversation`] | request | c→s | [`NewConversationParams`] | [`NewConversationResult`] |
//! | `addConversationListener` | [`AddConversationListener`] | request | c→s | [`ConversationParams`] | [`AddConversationListenerResult`] |
//! | `removeConversationListener` | [`RemoveConversationListener`] | request | c→s | [`RemoveConversationListenerParams`] | [`Empty`] |
//! | `sendUserMessage` | [`SendUserMessage`] | request | c→s | [`SendUserMessageParams`] | [`Empty`] |
//! | `sendUserTurn` | [`SendUserTurn`] | request | c→s | [`SendUserTurnParams`] | [`Empty`] |
//! | `interruptConversation` | [`InterruptConversation`] | request | c→s | [`ConversationParams`] | [`InterruptConversationResult`] |
//! | `listConversations` | [`ListConversations`] | request | c→s | [`ListConversationsParams`] | [`ListConversationsResult`] |
//! | `resumeConversation` | [`ResumeConversation`] | request | c→s | [`ResumeConversationParams`] | [`ResumeConversationResult`] |
//! | `archiveConversation` | [`ArchiveConversation`] | request | c→s | [`ArchiveConversationParams`] | [`Empty`] |
//! | `gitDiffToRemote` | [`GitDiffToRemote`] | request | c→s | [`GitDiffToRemoteParams`] | [`GitDiffToRemoteResult`] |
//! | `loginApiKey` | [`LoginApiKey`] | request | c→s | [`LoginApiKeyParams`] | [`Empty`] |
//! | `loginChatGpt` | [`LoginChatGpt`] | request | c→s | `Option<Empty>` | [`LoginChatGptResult`] |
//! | `cancelLoginChatGpt` | [`CancelLoginChatGpt`] | request | c→s | [`CancelLoginChatGptParams`] | [`Empty`] |
//! | `logoutChatGpt` | [`LogoutChatGpt`] | request | c→s | `Option<Empty>` | [`Empty`] |
//! | `getAuthStatus` | [`GetAuthStatus`] | request | c→s | [`GetAuthStatusParams`] | [`GetAuthStatusResult`] |
//! | `getUserSavedConfig` | [`GetUserSavedConfig`] | request | c→s | `Option<Empty>` | [`GetUserSavedConfigResult`] |
//! | `setDefaultModel` | [`SetDefaultModel`] | request | c→s | [`SetDefaultModelParams`] | [`Empty`] |
//! | `getUserAgent` | [`GetUserAgent`] | request | c→s | `Option<Empty>` | [`GetUserAgentResult`] |
//! | `userInfo` | [`UserInfo`] | request | c→s | `Option<Empty>` | [`UserInfoResult`] |
//! | `execOneOffCommand` | [`ExecOneOffCommand`] | request | c→s | [`ExecOneOffCommandParams`] | [`ExecOneOffCommandResult`] |
//! | `execCommandApproval` | [`ExecCommandApproval`] | request | s→c | [`ExecCommandApprovalParams`] | [`ReviewDecisionResponse`] |
//! | `applyPatchApproval` | [`ApplyPatchApproval`] | request | s→c | [`ApplyPatchApprovalParams`] | [`ReviewDecisionResponse`] |
//! | `codex/event` (+ `codex/event/<type>`) | [`CodexEvent`] | notification | s→c | [`EventNotification`] | |
//! | `loginChatGptComplete` | [`LoginChatGptComplete`] | notification | s→c | [`LoginChatGptCompleteParams`] | |
//! | `authStatusChange` | [`AuthStatusChange`] | notification | s→c | [`AuthStatusChangeParams`] | |
//! | `initialize` | [`AppInitialize`] | request | c→s | [`AppInitializeParams`] | [`AppInitializeResult`] |
//! | `initialized` | [`AppInitialized`] | notification | c→s | `Option<Empty>` |  |
//! | `execCommandApproval` | [`AppExecCommandApproval`] | request | s→c | [`AppExecCommandApprovalParams`] | [`ReviewDecisionResponse`] |
//! | `applyPatchApproval` | [`AppApplyPatchApproval`] | request | s→c | [`AppApplyPatchApprovalParams`] | [`ReviewDecisionResponse`] |
//! | `sendUserTurn` | [`AppSendUserTurn`] | request | c→s | [`AppSendUserTurnParams`] | [`Empty`] |
//! | `thread/start` | [`ThreadStart`] | request | c→s | [`ThreadStartParams`] | [`ThreadStartResult`] |
//! | `turn/start` | [`TurnStart`] | request | c→s | [`TurnStartParams`] | [`TurnStartResult`] |
//! | `thread/list` | [`ThreadList`] | request | c→s | [`ThreadListParams`] | [`ThreadListResult`] |
//! | `thread/resume` | [`ThreadResume`] | request | c→s | [`ThreadResumeParams`] | [`ThreadResumeResult`] |
//! | `thread/archive` | [`ThreadArchive`] | request | c→s | [`ThreadArchiveParams`] | [`Empty`] |
//! | `turn/interrupt` | [`TurnInterrupt`] | request | c→s | [`TurnInterruptParams`] | [`Empty`] |
//! | `thread/started` | [`ThreadStarted`] | notification | s→c | [`ThreadStartedParams`] |  |
//! | `turn/started` | [`TurnStarted`] | notification | s→c | [`TurnNotificationParams`] |  |
//! | `turn/completed` | [`TurnCompleted`] | notification | s→c | [`TurnNotificationParams`] |  |
//! | `item/started` | [`ItemStarted`] | notification | s→c | [`ItemNotificationParams`] |  |
//! | `item/completed` | [`ItemCompleted`] | notification | s→c | [`ItemNotificationParams`] |  |
//! | `item/commandExecution/outputDelta` | [`CommandExecutionOutputDelta`] | notification | s→c | [`ItemDeltaParams`] |  |
//! | `item/fileChange/outputDelta` | [`FileChangeOutputDelta`] | notification | s→c | [`ItemDeltaParams`] |  |
//! | `item/agentMessage/delta` | [`AgentMessageDelta`] | notification | s→c | [`ItemDeltaParams`] |  |
//! | `thread/tokenUsage/updated` | [`ThreadTokenUsageUpdated`] | notification | s→c | [`TokenUsageUpdatedParams`] |  |
//! | `turn/diff/updated` | [`TurnDiffUpdated`] | notification | s→c | [`TurnDiffUpdatedParams`] |  |
//! | `serverRequest/resolved` | [`ServerRequestResolved`] | notification | s→c | [`ServerRequestResolvedParams`] |  |
//! | `thread/status/changed` | [`ThreadStatusChanged`] | notification | s→c | [`ThreadStatusChangedParams`] |  |
//! | `account/rateLimits/updated` | [`AccountRateLimitsUpdated`] | notification | s→c | [`OpaqueParams`] |  |
//! | `remoteControl/status/changed` | [`RemoteControlStatusChanged`] | notification | s→c | [`OpaqueParams`] |  |
//! | `warning` | [`Warning`] | notification | s→c | [`WarningParams`] |  |
//! | `configWarning` | [`ConfigWarning`] | notification | s→c | [`ConfigWarningParams`] |  |
//! | `error` | [`ErrorNotification`] | notification | s→c | [`ErrorNotificationParams`] |  |
//! | `item/commandExecution/requestApproval` | [`CommandExecutionRequestApproval`] | request | s→c | [`CommandExecutionRequestApprovalParams`] | [`V2ApprovalResponse`] |
//! | `item/fileChange/requestApproval` | [`FileChangeRequestApproval`] | request | s→c | [`FileChangeRequestApprovalParams`] | [`V2ApprovalResponse`] |
//! | `mcpServer/elicitation/request` | [`McpServerElicitationRequest`] | request | s→c | [`McpServerElicitationRequestParams`] | [`McpServerElicitationResponse`] |
//!
//! The first ten are standard MCP ([`MethodFamily::Mcp`]); then the Codex conversation API of
//! `codex mcp` 0.22–0.42 ([`MethodFamily::Conversation`], which `codex app-server` v1 also accepts from
//! the client); then `codex app-server`: the handshake ([`MethodFamily::AppServer`]), the v1 rows
//! whose shape differs from `codex mcp` ([`MethodFamily::AppServerV1`], module docs of
//! [`AppInitializeParams`]'s module) and v2 ([`MethodFamily::AppServerV2`]: `thread/*`, `turn/*`,
//! `item/*`). A wire name can appear once per family: look it up with [`method_info_in`] and
//! the family set of the connection ([`MethodFamily::MCP_SERVER`], [`MethodFamily::APP_SERVER`]).
//! MCP tool mode adds no methods; its `codex` / `codex-reply` arguments are
//! [`CodexToolArgs`] / [`CodexReplyArgs`].
//!
//! # Reading tolerance, writing exactness
//!
//! - Envelope: `jsonrpc` optional; ids are integers or strings; `method` present means request
//!   (with a non-null `id`) or notification; `"result":null` is a result. Write `jsonrpc` per
//!   connection ([`Message::encode`]).
//! - Absent `params` decode as `null`: methods whose params may be left out take `Option<…>`.
//! - Unknown members: ignored everywhere; kept in a flattened `extra` map (and written back)
//!   on MCP structs, approval params and conversation results; not kept on events (read-only,
//!   hot path).
//! - Approval params: snake_case written (0.39); camelCase (`conversationId`, `callId`,
//!   `fileChanges`, `grantRoot`) also read. [`WireFileChange`]: `{"add":{…}}` written;
//!   `{"type":"add",…}` and a bare `"delete"` also read.
//! - [`ReviewDecision`] writes only `approved`, `approved_for_session`, `denied`, `abort`;
//!   reads `allow`/`deny` too (the guide's spelling, which Codex would treat as denied).
//! - [`InputItem`]: `{"type":"text","data":{"text":…}}` written (0.39 ignores flat items);
//!   flat items also read. [`SandboxPolicy`]: `{"mode":…}` written, `{"type":…}` also read.
//! - [`EventMsg`]: typed for every kind 0.39 sends ([`EVENT_KINDS`]); any other kind is
//!   [`EventMsg::Unknown`] with its raw JSON; a known kind in an unexpected shape is a
//!   [`DecodeError::Event`].
//! - Errors never echo input lines; detail is cut to [`MAX_DETAIL`] characters.
//!
//! # Cargo features
//!
//! None.
#![deny(missing_docs)]

mod app_server;
mod app_server_v2;
mod codex;
mod empty;
mod error;
mod jsonrpc;
mod mcp;
mod mcp_tool;
mod method;
mod open_enum;
mod table;

pub use crate::app_server::{
    AppApplyPatchApprovalParams, AppExecCommandApprovalParams, AppInitializeParams,
    AppInitializeResult, AppSendUserTurnParams, TypeTaggedSandboxPolicy,
};
pub use crate::app_server_v2::{
    AgentMessageItem, CommandExecutionItem, CommandExecutionRequestApprovalParams,
    ConfigWarningParams, ErrorNotificationParams, FileChangeItem, FileChangeRequestApprovalParams,
    FileUpdateChange, ItemDeltaParams, ItemNotificationParams, ItemStatus, McpElicitationMeta,
    McpServerElicitationRequestParams, McpServerElicitationResponse, OpaqueParams, PatchChangeKind,
    PatchChangeKindType, ReasoningItem, ServerRequestResolvedParams, Spelled, Thread,
    ThreadArchiveParams, ThreadItem, ThreadListParams, ThreadListResult, ThreadResumeParams,
    ThreadResumeResult, ThreadStartParams, ThreadStartResult, ThreadStartedParams,
    ThreadStatusChangedParams, ThreadTokenUsage, TokenUsageBreakdown, TokenUsageUpdatedParams,
    Turn, TurnDiffUpdatedParams, TurnInterruptParams, TurnNotificationParams, TurnStartParams,
    TurnStartResult, TurnStatus, UserInput, UserMessageItem, V2ApprovalResponse, V2Decision,
    V2Enum, V2Spelling, WarningParams, ITEM_KINDS, MCP_TOOL_CALL_APPROVAL,
};
pub use crate::codex::{
    decode_event, AddConversationListenerParams, AddConversationListenerResult, AgentMessageEvent,
    ApplyPatchApprovalParams, ApplyPatchApprovalRequestEvent, ArchiveConversationParams,
    AskForApproval, AuthMode, AuthStatusChangeParams, CancelLoginChatGptParams, ConversationId,
    ConversationParams, ConversationPathEvent, ConversationSummary, DeltaEvent, EmptyEvent,
    ErrorEvent, EventMsg, EventNotification, ExecApprovalRequestEvent, ExecCommandApprovalParams,
    ExecCommandBeginEvent, ExecCommandEndEvent, ExecCommandOutputDeltaEvent,
    ExecOneOffCommandParams, ExecOneOffCommandResult, ExecOutputStream, ExitedReviewModeEvent,
    GetAuthStatusParams, GetAuthStatusResult, GetHistoryEntryResponseEvent, GetUserAgentResult,
    GetUserSavedConfigResult, GitDiffToRemoteParams, GitDiffToRemoteResult, InputItem,
    InterruptConversationParams, InterruptConversationResult, ListConversationsParams,
    ListConversationsResult, ListCustomPromptsResponseEvent, LoginApiKeyParams,
    LoginChatGptCompleteParams, LoginChatGptResult, McpInvocation, McpListToolsResponseEvent,
    McpToolCallBeginEvent, McpToolCallEndEvent, McpToolCallOutcome, MessageEvent,
    NewConversationParams, NewConversationResult, OutputChunk, PatchApplyBeginEvent,
    PatchApplyEndEvent, PlanItem, PlanUpdateEvent, ReasoningEffort, ReasoningSummary,
    RemoveConversationListenerParams, ResumeConversationParams, ResumeConversationResult,
    ReviewDecision, ReviewDecisionResponse, ReviewRequest, SandboxMode, SandboxPolicy,
    SendUserMessageParams, SendUserTurnParams, SessionConfiguredEvent, SetDefaultModelParams,
    StepStatus, TaskCompleteEvent, TaskStartedEvent, TextEvent, TokenCountEvent, TokenUsage,
    TokenUsageInfo, TurnAbortReason, TurnAbortedEvent, TurnDiffEvent, UserInfoResult,
    UserMessageEvent, WebSearchBeginEvent, WebSearchEndEvent, WireDuration, WireFileChange,
    EVENT_KINDS, EVENT_METHOD, EVENT_METHOD_PREFIX,
};
pub use crate::empty::Empty;
pub use crate::error::{DecodeError, EncodeError, MAX_DETAIL};
pub use crate::jsonrpc::{
    ErrorObject, ErrorResponse, Message, Notification, Request, RequestId, Response,
};
pub use crate::mcp::{
    CallToolParams, CallToolResult, CancelledParams, ClientCapabilities, CodexElicitation,
    ContentBlock, ElicitAction, ElicitParams, ElicitResult, Extra, Implementation,
    InitializeParams, InitializeResult, ListToolsParams, ListToolsResult, LoggingLevel,
    LoggingMessageParams, MediaContent, ProgressParams, ProgressToken, ServerCapabilities,
    SetLevelParams, TextContent, Tool, ToolsCapability,
};
pub use crate::mcp_tool::{
    from_arguments, to_arguments, CodexReplyArgs, CodexToolArgs, CodexToolOutput, ReplyIdKey,
    ToolEventMeta, CODEX_REPLY_TOOL, CODEX_TOOL,
};
pub use crate::method::{
    method_info, method_info_in, Direction, MethodFamily, MethodInfo, MethodKind,
    NotificationMethod, RequestMethod, METHODS,
};
pub use crate::table::{
    AccountRateLimitsUpdated, AgentMessageDelta, AppApplyPatchApproval, AppExecCommandApproval,
    AppInitialize, AppInitialized, AppSendUserTurn, CommandExecutionOutputDelta,
    CommandExecutionRequestApproval, ConfigWarning, ErrorNotification, FileChangeOutputDelta,
    FileChangeRequestApproval, ItemCompleted, ItemStarted, McpServerElicitationRequest,
    RemoteControlStatusChanged, ServerRequestResolved, ThreadArchive, ThreadList, ThreadResume,
    ThreadStart, ThreadStarted, ThreadStatusChanged, ThreadTokenUsageUpdated, TurnCompleted,
    TurnDiffUpdated, TurnInterrupt, TurnStart, TurnStarted, Warning,
};
pub use crate::table::{
    AddConversationListener, ApplyPatchApproval, ArchiveConversation, AuthStatusChange, CallTool,
    CancelLoginChatGpt, Cancelled, CodexEvent, Elicitation, ExecCommandApproval, ExecOneOffCommand,
    GetAuthStatus, GetUserAgent, GetUserSavedConfig, GitDiffToRemote, Initialize, Initialized,
    InterruptConversation, ListConversations, ListTools, LoggingMessage, LoginApiKey, LoginChatGpt,
    LoginChatGptComplete, LogoutChatGpt, NewConversation, Ping, Progress,
    RemoveConversationListener, ResumeConversation, SendUserMessage, SendUserTurn, SetDefaultModel,
    SetLevel, UserInfo,
};

/// Contract alias: `ClientInfo` is MCP's `Implementation`.
pub type ClientInfo = Implementation;

#[cfg(test)]
mod doc_table_tests {
    use super::*;

    /// The method table in the crate doc must list exactly the rows of [`METHODS`], in order.
    #[test]
    fn crate_doc_table_matches_methods() {
        let doc = include_str!("lib.rs");
        let rows: Vec<&str> = doc
            .lines()
            .filter_map(|l| l.strip_prefix("//! | `"))
            .filter_map(|l| l.split('`').next())
            .collect();
        let methods: Vec<&str> = METHODS.iter().map(|m| m.method).collect();
        assert_eq!(rows, methods);
        for (line, info) in doc
            .lines()
            .filter(|l| l.starts_with("//! | `"))
            .zip(METHODS)
        {
            assert!(line.contains(&format!("[`{}`]", info.type_name)), "{line}");
            let dir = match info.direction {
                Direction::ClientToServer => "c→s",
                Direction::ServerToClient => "s→c",
                Direction::Both => "both",
            };
            assert!(line.contains(&format!("| {dir} |")), "{line}");
            let kind = match info.kind {
                MethodKind::Request => "request",
                MethodKind::Notification => "notification",
            };
            assert!(line.contains(&format!("| {kind} |")), "{line}");
            assert!(
                line.contains(
                    info.params
                        .trim_start_matches("Option<")
                        .trim_end_matches('>')
                ),
                "{line}"
            );
        }
    }

    #[test]
    fn every_method_is_listed_once() {
        let mut names: Vec<(&str, String)> = METHODS
            .iter()
            .map(|m| (m.method, format!("{:?}", m.family)))
            .collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(
            names.len(),
            METHODS.len(),
            "one row per family and wire name"
        );
        assert_eq!(
            method_info("initialize").map(|m| m.family),
            Some(MethodFamily::Mcp)
        );
        assert_eq!(
            method_info_in(MethodFamily::APP_SERVER, "initialize").map(|m| m.type_name),
            Some("AppInitialize")
        );
        assert_eq!(
            method_info_in(MethodFamily::APP_SERVER, "execCommandApproval").map(|m| m.type_name),
            Some("AppExecCommandApproval")
        );
        assert_eq!(
            method_info_in(MethodFamily::APP_SERVER, "newConversation").map(|m| m.family),
            Some(MethodFamily::Conversation)
        );
        assert_eq!(
            method_info_in(MethodFamily::MCP_SERVER, "execCommandApproval").map(|m| m.type_name),
            Some("ExecCommandApproval")
        );
        assert!(method_info_in(MethodFamily::MCP_SERVER, "thread/start").is_none());
        assert_eq!(
            method_info("codex/event/task_started").map(|m| m.type_name),
            Some("CodexEvent")
        );
        assert!(method_info("noSuchMethod").is_none());
    }
}
