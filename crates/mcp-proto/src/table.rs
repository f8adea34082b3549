//! THE method table: every method this crate knows, once.
//!
//! Keep in step with the table in the crate doc (a unit test compares them).

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
    NewConversation = request "newConversation", CodexV1, ClientToServer, NewConversationParams => NewConversationResult;
    /// Subscribe to a conversation's `codex/event/*` notifications.
    AddConversationListener = request "addConversationListener", CodexV1, ClientToServer, ConversationParams => AddConversationListenerResult;
    /// Unsubscribe.
    RemoveConversationListener = request "removeConversationListener", CodexV1, ClientToServer, RemoveConversationListenerParams => Empty;
    /// Send a user message (starts a turn).
    SendUserMessage = request "sendUserMessage", CodexV1, ClientToServer, SendUserMessageParams => Empty;
    /// Send a user message with the turn's cwd, policies and model.
    SendUserTurn = request "sendUserTurn", CodexV1, ClientToServer, SendUserTurnParams => Empty;
    /// Interrupt the running turn (also emits `turn_aborted`).
    InterruptConversation = request "interruptConversation", CodexV1, ClientToServer, ConversationParams => InterruptConversationResult;
    /// List saved conversations (0.34+).
    ListConversations = request "listConversations", CodexV1, ClientToServer, ListConversationsParams => ListConversationsResult;
    /// Resume a saved conversation from its rollout file (0.34+).
    ResumeConversation = request "resumeConversation", CodexV1, ClientToServer, ResumeConversationParams => ResumeConversationResult;
    /// Archive a saved conversation (0.34+).
    ArchiveConversation = request "archiveConversation", CodexV1, ClientToServer, ArchiveConversationParams => Empty;
    /// Diff the working tree against the remote.
    GitDiffToRemote = request "gitDiffToRemote", CodexV1, ClientToServer, GitDiffToRemoteParams => GitDiffToRemoteResult;
    /// Store an API key.
    LoginApiKey = request "loginApiKey", CodexV1, ClientToServer, LoginApiKeyParams => Empty;
    /// Start a ChatGPT login (opens a listener on localhost:1455: never in tests).
    LoginChatGpt = request "loginChatGpt", CodexV1, ClientToServer, Option<Empty> => LoginChatGptResult;
    /// Cancel a ChatGPT login.
    CancelLoginChatGpt = request "cancelLoginChatGpt", CodexV1, ClientToServer, CancelLoginChatGptParams => Empty;
    /// Sign out.
    LogoutChatGpt = request "logoutChatGpt", CodexV1, ClientToServer, Option<Empty> => Empty;
    /// How Codex is signed in.
    GetAuthStatus = request "getAuthStatus", CodexV1, ClientToServer, GetAuthStatusParams => GetAuthStatusResult;
    /// The user's saved config subset.
    GetUserSavedConfig = request "getUserSavedConfig", CodexV1, ClientToServer, Option<Empty> => GetUserSavedConfigResult;
    /// Change the default model in `config.toml`.
    SetDefaultModel = request "setDefaultModel", CodexV1, ClientToServer, SetDefaultModelParams => Empty;
    /// Codex's user agent.
    GetUserAgent = request "getUserAgent", CodexV1, ClientToServer, Option<Empty> => GetUserAgentResult;
    /// The signed-in user's e-mail.
    UserInfo = request "userInfo", CodexV1, ClientToServer, Option<Empty> => UserInfoResult;
    /// Run one command in the sandbox outside a conversation.
    ExecOneOffCommand = request "execOneOffCommand", CodexV1, ClientToServer, ExecOneOffCommandParams => ExecOneOffCommandResult;
    /// Codex asks to run a command.
    ExecCommandApproval = request "execCommandApproval", CodexV1, ServerToClient, ExecCommandApprovalParams => ReviewDecisionResponse;
    /// Codex asks to apply a patch.
    ApplyPatchApproval = request "applyPatchApproval", CodexV1, ServerToClient, ApplyPatchApprovalParams => ReviewDecisionResponse;
    /// A Codex event; also sent as `codex/event/<type>` (see `decode_event`).
    CodexEvent = notification "codex/event", CodexV1, ServerToClient, EventNotification;
    /// A ChatGPT login finished.
    LoginChatGptComplete = notification "loginChatGptComplete", CodexV1, ServerToClient, LoginChatGptCompleteParams;
    /// The sign-in state changed.
    AuthStatusChange = notification "authStatusChange", CodexV1, ServerToClient, AuthStatusChangeParams;
}
