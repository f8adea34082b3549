//! Drive a local Codex engine over stdio: spawn it, hold many conversations at once, get
//! their events typed, decide its approval requests by policy, audit every decision, and
//! notice at once when it dies.
//!
//! # Where things live
//!
//! `session.rs` (start, connect, restart, status) · `conversation.rs` (turns and their
//! options) · `generation.rs` with `generation/` (one file per Codex protocol generation:
//! `mcp_conversation`, `app_server_v1`, `app_server_v2`, `mcp_tool`) · `detect.rs` (version →
//! generation and quirks) · `peer.rs`, `transport.rs`, `queue.rs` (JSON-RPC over stdio,
//! routing, back-pressure) · `event.rs`, `outcome.rs` (events and what a turn did) ·
//! `approval.rs`, `policy_adapter.rs` (approval requests, handlers, the policy-backed one) ·
//! `audit.rs` (audit sinks) · `error.rs`.
//!
//! # Tour
//!
//! - [`CodexSession::start`] spawns `codex` ([`SessionOptions`]: program, `-c` overrides, env
//!   such as `CODEX_HOME`, cwd), speaking the protocol generation its `codex --version`
//!   calls for unless told one ([`Protocol`]), and performs the `initialize` handshake;
//!   [`CodexSession::connect`] runs the same over any `AsyncRead`/`AsyncWrite` pair.
//! - [`CodexSession::new_conversation`] gives a [`Conversation`]: [`Conversation::run_turn`]
//!   sends a message and folds the turn's events into a [`TurnOutcome`] (final message,
//!   commands with exit codes, denials, patches, plan updates, token usage, errors);
//!   [`Conversation::next_event`] streams [`Event`]s for callers that want each one.
//! - Conversations are stored by the server: [`CodexSession::list_conversations`] pages
//!   through them ([`ConversationSummary`]: id, rollout path, preview, time),
//!   [`CodexSession::resume_conversation_by_id`] or [`CodexSession::resume_conversation`] (by
//!   rollout path) continue one with its history, also in a new session or after a restart,
//!   and [`CodexSession::archive_conversation`] hides it. The same calls work on every
//!   generation that stores conversations (each names them its own way; the generation finds the
//!   half it needs).
//! - Every approval request goes to an [`ApprovalHandler`] on its own task, with a time limit;
//!   an error, panic or timeout denies. The default handler (feature `policy`) is
//!   [`PolicyHandler`], which asks `approval-policy`. The server always gets a `result`
//!   (an error reply hangs codex 0.39's turn forever), and only the four decisions it knows.
//!   Codex 0.169 also asks before each MCP tool call ([`ApprovalRequest::McpToolCall`]):
//!   [`PolicyHandler`] approves only the tools its caller trusted
//!   ([`PolicyHandler::trust_mcp_tool`]).
//! - An [`AuditSink`] ([`FileAuditSink`]: JSON Lines) gets each approval with its explanation
//!   and decision **before** the decision is sent, then commands run, errors, restarts;
//!   secrets are redacted first.
//! - When the server exits, closes its output, stalls or breaks the framing, every pending call
//!   fails at once with [`Error::Unavailable`], [`CodexSession::status`] says so, and
//!   [`CodexSession::restart`] brings up a new one with backoff.
//!
//! With default options a session works with whichever `codex` is installed (0.20 up to
//! 0.171, the newest tested; a newer one is spoken to as 0.171 with a logged warning):
//!
//! ```no_run
//! use codex_session::{CodexSession, ConversationOptions, SessionOptions};
//!
//! # async fn demo() -> Result<(), codex_session::Error> {
//! let session = CodexSession::start(SessionOptions::new().env("CODEX_HOME", "/srv/codex")).await?;
//! let mut conversation = session.new_conversation(ConversationOptions::new()).await?;
//! let outcome = conversation.run_turn("Review: SELECT 1").await?;
//! println!("{}", outcome.final_message.unwrap_or_default());
//! # Ok(()) }
//! ```
//!
//! The same over a stream pair, here a scripted `codex mcp` 0.39 peer (such a session has no
//! program to ask for its version, so it names the generation):
//!
//! ```
//! # use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
//! use codex_session::{CodexSession, ConversationOptions, Protocol, SessionOptions, TurnEnd};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), codex_session::Error> {
//! # let (client, server) = tokio::io::duplex(1 << 16);
//! # tokio::spawn(async move {
//! #     // A scripted stand-in for `codex mcp` 0.39.
//! #     let (read, mut write) = tokio::io::split(server);
//! #     let mut lines = BufReader::new(read).lines();
//! #     while let Ok(Some(line)) = lines.next_line().await {
//! #         let msg: serde_json::Value = serde_json::from_str(&line).unwrap();
//! #         let (Some(id), Some(method)) = (msg.get("id"), msg["method"].as_str()) else { continue };
//! #         let result = match method {
//! #             "initialize" => serde_json::json!({"protocolVersion": "2025-06-18", "capabilities": {},
//! #                 "serverInfo": {"name": "codex-mcp-server", "version": "0.39.0"}}),
//! #             "newConversation" => serde_json::json!({"conversationId": "c1", "model": "m"}),
//! #             "addConversationListener" => serde_json::json!({"subscriptionId": "s1"}),
//! #             _ => serde_json::json!({}),
//! #         };
//! #         let reply = serde_json::json!({"jsonrpc": "2.0", "id": id, "result": result});
//! #         write.write_all(format!("{reply}\n").as_bytes()).await.unwrap();
//! #         if method == "sendUserMessage" {
//! #             for msg in [serde_json::json!({"type": "agent_message", "message": "SELECT 1 is fine."}),
//! #                         serde_json::json!({"type": "task_complete", "last_agent_message": "SELECT 1 is fine."})] {
//! #                 let ev = serde_json::json!({"jsonrpc": "2.0", "method": format!("codex/event/{}", msg["type"].as_str().unwrap()),
//! #                     "params": {"id": "0", "msg": msg, "conversationId": "c1"}});
//! #                 write.write_all(format!("{ev}\n").as_bytes()).await.unwrap();
//! #             }
//! #         }
//! #     }
//! # });
//! # let (read, write) = tokio::io::split(client);
//! let options = SessionOptions::new().protocol(Protocol::McpConversation);
//! let session = CodexSession::connect(read, write, options).await?;
//! let mut conversation = session.new_conversation(ConversationOptions::new()).await?;
//! let outcome = conversation.run_turn("Review: SELECT 1").await?;
//! assert_eq!(outcome.end, TurnEnd::Completed);
//! assert_eq!(outcome.final_message.as_deref(), Some("SELECT 1 is fine."));
//! assert!(session.is_available());
//! # Ok(()) }
//! ```
//!
//! # Cargo features
//!
//! - `policy` (default): [`PolicyHandler`], the approval handler backed by `approval-policy`,
//!   used when no handler is configured. Without it the default handler denies everything.
//!
//! # Protocol
//!
//! Every Codex generation is spoken behind the same API, chosen by
//! [`SessionOptions::protocol`]: the conversation API of `codex mcp` (codex 0.22–0.42, tested
//! on 0.39.0; [`Protocol::McpConversation`]), the same API on `codex app-server`
//! ([`Protocol::AppServerV1`], 0.44–0.107), app-server v2 ([`Protocol::AppServerV2`],
//! 0.57 and later, tested on 0.80.0, 0.169.0 and 0.171.0) and MCP tool mode ([`Protocol::McpTool`]:
//! `tools/call` `codex` / `codex-reply` with `elicitation/create` approvals on
//! `codex mcp-server` 0.44–0.153.4, tested on 0.80.0, and on `codex mcp` 0.20–0.42, tested on
//! 0.39.0). [`Protocol::Auto`], the default, runs `codex --version` once and picks the generation and its
//! version quirks ([`detect_codex`]); a failed detection is [`Error::Detect`]. Auto prefers
//! the conversation API or app-server wherever they exist; tool mode has no listing,
//! resuming or archiving ([`Error::Unsupported`]), its conversations live only in the server
//! that ran them, and its interrupt is MCP's `notifications/cancelled`.
#![deny(missing_docs)]

mod approval;
mod audit;
mod conversation;
mod detect;
mod error;
mod event;
mod generation;
mod liveness;
mod outcome;
mod peer;
#[cfg(feature = "policy")]
mod policy_adapter;
mod queue;
mod session;
mod transport;

pub use approval::{
    ApprovalDecision, ApprovalHandler, ApprovalRequest, ApproveAll, DenyAll, ExecApproval,
    FileChange, FileChangeKind, HandlerError, McpToolApproval, PatchApproval, ReviewDecision,
};
pub use audit::{AuditError, AuditRecord, AuditSink, FileAuditSink, MemoryAuditSink};
pub use conversation::{Conversation, ConversationOptions, TurnOptions};
pub use detect::{
    choose as choose_generation, detect_codex, read_version as read_codex_version, CodexVersion,
    DetectError, Detected, Locator, Quirks, NEWEST_KNOWN as NEWEST_KNOWN_CODEX,
    VERSION_TIMEOUT as CODEX_VERSION_TIMEOUT,
};
pub use error::{Error, Result, Unavailable};
pub use event::{ApprovalKind, Event, TokenUsage};
pub use generation::{
    ConversationInfo, ConversationPage, ConversationSummary, Protocol, ServerInfo, UnknownProtocol,
};
pub use liveness::{is_connection_error, AuthStatus, ModelLiveness, NOT_LOGGED_IN};
/// The spelling of app-server v2 enums ([`Quirks::v2_enums`]).
pub use mcp_proto::V2Spelling;
/// When Codex asks before running a command, and what commands may touch: the wire enums,
/// which every generation spells the same way in Rust.
pub use mcp_proto::{AskForApproval, SandboxMode};
pub use outcome::{CommandRun, DeniedAction, PatchRun, TurnEnd, TurnOutcome};
#[cfg(feature = "policy")]
pub use policy_adapter::PolicyHandler;
pub use session::{CodexSession, SessionOptions, Status};
/// The crate's own call sites say `redact::…`.
use xldb_redact as redact;
pub use xldb_redact::{
    is_sensitive_key, redact_args, redact_field, redact_json, redact_text, REDACTED,
};
