//! THE method table: every method this crate knows, once.
//!
//! Keep in step with the table in the crate doc (a unit test compares them).

use crate::app_server::{
    AppApplyPatchApprovalParams, AppExecCommandApprovalParams, AppInitializeParams,
    AppInitializeResult, AppSendUserTurnParams,
};
use crate::app_server_v2::{
    CommandExecutionRequestApprovalParams, ConfigWarningParams, ErrorNotificationParams,
    FileChangeRequestApprovalParams, ItemDeltaParams, ItemNotificationParams,
    McpServerElicitationRequestParams, McpServerElicitationResponse, OpaqueParams,
    ServerRequestResolvedParams, ThreadArchiveParams, ThreadListParams, ThreadListResult,
    ThreadResumeParams, ThreadResumeResult, ThreadStartParams, ThreadStartResult,
    ThreadStartedParams, ThreadStatusChangedParams, TokenUsageUpdatedParams, TurnDiffUpdatedParams,
    TurnInterruptParams, TurnNotificationParams, TurnStartParams, TurnStartResult,
    V2ApprovalResponse, WarningParams,
};
use crate::codex::{
    AddConversationListenerResult, ApplyPatchApprovalParams, ArchiveConversationParams,
    AuthStatusChangeParams, CancelLoginChatGptParams, ConversationParams, EventNotification,
    ExecCommandApprovalParams, ExecOneOffCommandParams, ExecOneOffCommandResult,
    GetAuthStatusParams, GetAuthStatusResult, GetUserAgentResult, GetUserSavedConfigResult,
    GitDiffToRemoteParams, GitDiffToRemoteResult, InterruptConversationResult,
    ListConversationsParams, ListConversationsResult, LoginApiKeyParams,
    LoginChatGptCompleteParams, LoginChatGptResult, NewConversationParams, NewConversationResult,
    RemoveConversationListenerParams, ResumeConversationParams, ResumeConversationResult,
    ReviewDecisionResponse, SendUserMessageParams, SendUserTurnParams, SetDefaultModelParams,
    UserInfoResult,
};
use crate::empty::Empty;
use crate::mcp::{
    CallToolParams, CallToolResult, CancelledParams, ElicitParams, ElicitResult, InitializeParams,
    InitializeResult, ListToolsParams, ListToolsResult, LoggingMessageParams, ProgressParams,
    SetLevelParams,
};
use crate::method::method_table;

method_table! {
    /// MCP handshake; the result carries Codex's `serverInfo.user_agent`.
    Initialize = request "initialize", Mcp, ClientToServer, InitializeParams => InitializeResult;
    /// Sent after `initialize` (Codex 0.39 logs it as unknown and ignores it).
    Initialized = notification "notifications/initialized", Mcp, ClientToServer, Option<Empty>;
    /// Liveness check.
    Ping = request "ping", Mcp, Both, Option<Empty> => Empty;
    /// List tools (`codex`, `codex-reply`).
    ListTools = request "tools/list", Mcp, ClientToServer, Option<ListToolsParams> => ListToolsResult;
    /// Call a tool (tool mode: a whole Codex session per call).
    CallTool = request "tools/call", Mcp, ClientToServer, CallToolParams => CallToolResult;
    /// Ask the user (Codex tool mode: approvals, answered with a Codex decision).
    Elicitation = request "elicitation/create", Mcp, ServerToClient, ElicitParams => ElicitResult;
    /// Progress of a long request.
    Progress = notification "notifications/progress", Mcp, Both, ProgressParams;
    /// Cancel a request.
    Cancelled = notification "notifications/cancelled", Mcp, Both, CancelledParams;
    /// Set the server's log level.
    SetLevel = request "logging/setLevel", Mcp, ClientToServer, SetLevelParams => Empty;
    /// A log record from the server.
    LoggingMessage = notification "notifications/message", Mcp, ServerToClient, LoggingMessageParams;

    /// Start a conversation.
    NewConversation = request "newConversation", Conversation, ClientToServer, NewConversationParams => NewConversationResult;
    /// Subscribe to a conversation's `codex/event/*` notifications.
    AddConversationListener = request "addConversationListener", Conversation, ClientToServer, ConversationParams => AddConversationListenerResult;
    /// Unsubscribe.
    RemoveConversationListener = request "removeConversationListener", Conversation, ClientToServer, RemoveConversationListenerParams => Empty;
    /// Send a user message (starts a turn).
    SendUserMessage = request "sendUserMessage", Conversation, ClientToServer, SendUserMessageParams => Empty;
    /// Send a user message with the turn's cwd, policies and model.
    SendUserTurn = request "sendUserTurn", Conversation, ClientToServer, SendUserTurnParams => Empty;
    /// Interrupt the running turn (also emits `turn_aborted`).
    InterruptConversation = request "interruptConversation", Conversation, ClientToServer, ConversationParams => InterruptConversationResult;
    /// List saved conversations (0.34+).
    ListConversations = request "listConversations", Conversation, ClientToServer, ListConversationsParams => ListConversationsResult;
    /// Resume a saved conversation from its rollout file (0.34+).
    ResumeConversation = request "resumeConversation", Conversation, ClientToServer, ResumeConversationParams => ResumeConversationResult;
    /// Archive a saved conversation (0.34+).
    ArchiveConversation = request "archiveConversation", Conversation, ClientToServer, ArchiveConversationParams => Empty;
    /// Diff the working tree against the remote.
    GitDiffToRemote = request "gitDiffToRemote", Conversation, ClientToServer, GitDiffToRemoteParams => GitDiffToRemoteResult;
    /// Store an API key.
    LoginApiKey = request "loginApiKey", Conversation, ClientToServer, LoginApiKeyParams => Empty;
    /// Start a ChatGPT login (opens a listener on localhost:1455: never in tests).
    LoginChatGpt = request "loginChatGpt", Conversation, ClientToServer, Option<Empty> => LoginChatGptResult;
    /// Cancel a ChatGPT login.
    CancelLoginChatGpt = request "cancelLoginChatGpt", Conversation, ClientToServer, CancelLoginChatGptParams => Empty;
    /// Sign out.
    LogoutChatGpt = request "logoutChatGpt", Conversation, ClientToServer, Option<Empty> => Empty;
    /// How Codex is signed in.
    GetAuthStatus = request "getAuthStatus", Conversation, ClientToServer, GetAuthStatusParams => GetAuthStatusResult;
    /// The user's saved config subset.
    GetUserSavedConfig = request "getUserSavedConfig", Conversation, ClientToServer, Option<Empty> => GetUserSavedConfigResult;
    /// Change the default model in `config.toml`.
    SetDefaultModel = request "setDefaultModel", Conversation, ClientToServer, SetDefaultModelParams => Empty;
    /// Codex's user agent.
    GetUserAgent = request "getUserAgent", Conversation, ClientToServer, Option<Empty> => GetUserAgentResult;
    /// The signed-in user's e-mail.
    UserInfo = request "userInfo", Conversation, ClientToServer, Option<Empty> => UserInfoResult;
    /// Run one command in the sandbox outside a conversation.
    ExecOneOffCommand = request "execOneOffCommand", Conversation, ClientToServer, ExecOneOffCommandParams => ExecOneOffCommandResult;
    /// Codex asks to run a command.
    ExecCommandApproval = request "execCommandApproval", Conversation, ServerToClient, ExecCommandApprovalParams => ReviewDecisionResponse;
    /// Codex asks to apply a patch.
    ApplyPatchApproval = request "applyPatchApproval", Conversation, ServerToClient, ApplyPatchApprovalParams => ReviewDecisionResponse;
    /// A Codex event; also sent as `codex/event/<type>` (see `decode_event`).
    CodexEvent = notification "codex/event", Conversation, ServerToClient, EventNotification;
    /// A ChatGPT login finished.
    LoginChatGptComplete = notification "loginChatGptComplete", Conversation, ServerToClient, LoginChatGptCompleteParams;
    /// The sign-in state changed.
    AuthStatusChange = notification "authStatusChange", Conversation, ServerToClient, AuthStatusChangeParams;

    /// app-server handshake (`clientInfo` only; answers `userAgent`).
    AppInitialize = request "initialize", AppServer, ClientToServer, AppInitializeParams => AppInitializeResult;
    /// Sent after app-server's `initialize`.
    AppInitialized = notification "initialized", AppServer, ClientToServer, Option<Empty>;

    /// app-server v1: Codex asks to run a command (camelCase).
    AppExecCommandApproval = request "execCommandApproval", AppServerV1, ServerToClient, AppExecCommandApprovalParams => ReviewDecisionResponse;
    /// app-server v1: Codex asks to apply a patch (camelCase).
    AppApplyPatchApproval = request "applyPatchApproval", AppServerV1, ServerToClient, AppApplyPatchApprovalParams => ReviewDecisionResponse;
    /// app-server v1 from 0.59: `sendUserTurn` with the `type`-tagged sandbox policy.
    AppSendUserTurn = request "sendUserTurn", AppServerV1, ClientToServer, AppSendUserTurnParams => Empty;

    /// Start a thread (v2).
    ThreadStart = request "thread/start", AppServerV2, ClientToServer, ThreadStartParams => ThreadStartResult;
    /// Start a turn with flat input items.
    TurnStart = request "turn/start", AppServerV2, ClientToServer, TurnStartParams => TurnStartResult;
    /// List stored threads, newest first, a page at a time.
    ThreadList = request "thread/list", AppServerV2, ClientToServer, ThreadListParams => ThreadListResult;
    /// Load a stored thread by id and subscribe to it.
    ThreadResume = request "thread/resume", AppServerV2, ClientToServer, ThreadResumeParams => ThreadResumeResult;
    /// Archive a stored thread (no longer listed).
    ThreadArchive = request "thread/archive", AppServerV2, ClientToServer, ThreadArchiveParams => Empty;
    /// Interrupt a turn (it then completes with `interrupted`).
    TurnInterrupt = request "turn/interrupt", AppServerV2, ClientToServer, TurnInterruptParams => Empty;
    /// A thread started.
    ThreadStarted = notification "thread/started", AppServerV2, ServerToClient, ThreadStartedParams;
    /// A turn started.
    TurnStarted = notification "turn/started", AppServerV2, ServerToClient, TurnNotificationParams;
    /// A turn ended (0.59+): `completed`, `interrupted` or `failed`.
    TurnCompleted = notification "turn/completed", AppServerV2, ServerToClient, TurnNotificationParams;
    /// An item started (its content is the only place a v2 approval's command or diff is given).
    ItemStarted = notification "item/started", AppServerV2, ServerToClient, ItemNotificationParams;
    /// An item completed.
    ItemCompleted = notification "item/completed", AppServerV2, ServerToClient, ItemNotificationParams;
    /// Output of a running command.
    CommandExecutionOutputDelta = notification "item/commandExecution/outputDelta", AppServerV2, ServerToClient, ItemDeltaParams;
    /// Output of a patch being applied.
    FileChangeOutputDelta = notification "item/fileChange/outputDelta", AppServerV2, ServerToClient, ItemDeltaParams;
    /// A piece of the agent's message.
    AgentMessageDelta = notification "item/agentMessage/delta", AppServerV2, ServerToClient, ItemDeltaParams;
    /// Token counts (0.64+).
    ThreadTokenUsageUpdated = notification "thread/tokenUsage/updated", AppServerV2, ServerToClient, TokenUsageUpdatedParams;
    /// The turn's diff so far (0.64+).
    TurnDiffUpdated = notification "turn/diff/updated", AppServerV2, ServerToClient, TurnDiffUpdatedParams;
    /// A server request got its answer (0.107+).
    ServerRequestResolved = notification "serverRequest/resolved", AppServerV2, ServerToClient, ServerRequestResolvedParams;
    /// The thread's status changed (0.107+).
    ThreadStatusChanged = notification "thread/status/changed", AppServerV2, ServerToClient, ThreadStatusChangedParams;
    /// Rate limits (kept as JSON).
    AccountRateLimitsUpdated = notification "account/rateLimits/updated", AppServerV2, ServerToClient, OpaqueParams;
    /// Remote-control status (kept as JSON).
    RemoteControlStatusChanged = notification "remoteControl/status/changed", AppServerV2, ServerToClient, OpaqueParams;
    /// A warning for the user.
    Warning = notification "warning", AppServerV2, ServerToClient, WarningParams;
    /// A configuration warning (0.116+).
    ConfigWarning = notification "configWarning", AppServerV2, ServerToClient, ConfigWarningParams;
    /// A turn error.
    ErrorNotification = notification "error", AppServerV2, ServerToClient, ErrorNotificationParams;
    /// Codex asks to run a command (0.59+).
    CommandExecutionRequestApproval = request "item/commandExecution/requestApproval", AppServerV2, ServerToClient, CommandExecutionRequestApprovalParams => V2ApprovalResponse;
    /// Codex asks to apply a file change (0.63+).
    FileChangeRequestApproval = request "item/fileChange/requestApproval", AppServerV2, ServerToClient, FileChangeRequestApprovalParams => V2ApprovalResponse;
    /// An MCP server's elicitation relayed by Codex; 0.169 asks approval for MCP tool calls with it.
    McpServerElicitationRequest = request "mcpServer/elicitation/request", AppServerV2, ServerToClient, McpServerElicitationRequestParams => McpServerElicitationResponse;
}
