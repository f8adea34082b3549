//! Protocol generations behind one session API.
//!
//! Codex has changed its stdio protocol three times (see `codex-protocol.md` in the shared
//! reference): the conversation API on `codex mcp` (0.22–0.42), the same API moved to
//! `codex app-server` with camelCase approvals (0.44–0.107), MCP tool mode with elicitation
//! approvals (`codex mcp-server`), and the app-server v2 `thread/*`/`turn/*` protocol. The
//! session, the peer and the public types do not know which one they speak: everything that
//! differs (spawn arguments, the handshake, how a conversation is created and fed, how events
//! and approval requests look, how a decision is spelled) is a method of [`Generation`]. A new
//! generation is one file in `generation/` implementing it plus one [`Protocol`] variant:
//! [`mcp_conversation`], [`mcp_tool`], [`app_server_v1`] and [`app_server_v2`].

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use mcp_proto::{Notification, Request};
use serde_json::value::RawValue;

use crate::approval::{ApprovalRequest, ReviewDecision};
use crate::conversation::{ConversationOptions, TurnOptions};
use crate::error::{Error, Result};
use crate::event::Event;
use crate::peer::Peer;

pub(crate) mod app_server_v1;
pub(crate) mod app_server_v2;
pub(crate) mod mcp_conversation;
pub(crate) mod mcp_tool;

/// Which Codex protocol generation a session speaks.
///
/// The default is [`Protocol::Auto`]: it runs `codex --version` once (see
/// [`crate::detect_codex`]) and picks the generation and the version's quirks from the table
/// in the detection docs, so a session started with default options works with whichever
/// `codex` is installed, from 0.20 to today's. Name a generation to skip detection; a session
/// over caller-supplied streams (`CodexSession::connect`) has no program to ask and must.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Protocol {
    /// The conversation API of `codex mcp`, codex 0.22.0 – 0.42.0 (tested on 0.39.0):
    /// `newConversation`, `sendUserMessage`, `execCommandApproval`, `codex/event/*`.
    McpConversation,
    /// The conversation API on `codex app-server` with camelCase approvals, codex 0.44 – 0.107
    /// (tested on 0.80.0). Named explicitly it assumes the shapes of 0.59 and later
    /// (type-tagged sandbox policy); [`Protocol::Auto`] follows the exact version.
    AppServerV1,
    /// `thread/*`, `turn/*`, `item/*` on `codex app-server`, codex 0.57 and later (tested on
    /// 0.80.0, 0.169.0 and 0.171.0). Named explicitly it assumes the kebab-case enums of 0.72 and
    /// later; [`Protocol::Auto`] follows the exact version.
    AppServerV2,
    /// MCP tool mode: `tools/call` `codex` / `codex-reply` with `elicitation/create`
    /// approvals, on `codex mcp-server` 0.44 – 0.153.4 (tested on 0.80.0) and `codex mcp`
    /// 0.20 – 0.42 (tested on 0.39.0). Named explicitly, `codex --version` is still read once
    /// to pick the subcommand (`mcp` before 0.44) and the key that continues a session
    /// (`sessionId`, `conversationId`, `threadId`); when the version cannot be read or has no
    /// tool mode, it spawns `codex mcp-server` and continues with `conversationId`.
    /// No listing, resuming or archiving. [`Protocol::Auto`] picks it only for 0.20 – 0.21,
    /// which speak nothing else.
    McpTool,
    /// Run `codex --version` on the program before spawning it and speak the generation the
    /// version prefers, with its quirks. A version newer than the newest tested one is
    /// spoken to as that one, with a logged warning; a failed detection is
    /// [`crate::Error::Detect`]. Needs a program: not usable with `CodexSession::connect`.
    #[default]
    Auto,
}

impl Protocol {
    /// The generation, for the protocols that need no detection (`None` for [`Protocol::Auto`]).
    pub(crate) fn generation(self) -> Option<std::sync::Arc<dyn Generation>> {
        use std::sync::Arc;
        Some(match self {
            Protocol::McpConversation => Arc::new(mcp_conversation::McpConversation),
            Protocol::McpTool => Arc::new(mcp_tool::McpTool::new()),
            Protocol::AppServerV1 => Arc::new(app_server_v1::AppServerV1::new(true)),
            Protocol::AppServerV2 => Arc::new(app_server_v2::AppServerV2::new(
                mcp_proto::V2Spelling::KebabCase,
            )),
            Protocol::Auto => return None,
        })
    }

    /// Every protocol, in the order the docs list them.
    pub const ALL: &'static [Protocol] = &[
        Protocol::Auto,
        Protocol::McpConversation,
        Protocol::AppServerV1,
        Protocol::AppServerV2,
        Protocol::McpTool,
    ];

    /// A short name (`mcp-conversation`, `app-server-v1`, `app-server-v2`, `mcp-tool`,
    /// `auto`), the one
    /// [`str::parse`] reads back.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::McpConversation => "mcp-conversation",
            Protocol::AppServerV1 => "app-server-v1",
            Protocol::AppServerV2 => "app-server-v2",
            Protocol::McpTool => "mcp-tool",
            Protocol::Auto => "auto",
        }
    }
}

impl std::fmt::Display for Protocol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A protocol name that [`Protocol`] does not know; its message lists the names it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownProtocol(pub String);

impl std::fmt::Display for UnknownProtocol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = Protocol::ALL.iter().map(|p| p.name()).collect();
        write!(
            f,
            "unknown Codex protocol `{}` (expected one of: {})",
            self.0,
            names.join(", ")
        )
    }
}

impl std::error::Error for UnknownProtocol {}

impl std::str::FromStr for Protocol {
    type Err = UnknownProtocol;

    /// Reads a [`Protocol::name`], case-insensitively.
    ///
    /// ```
    /// use codex_session::Protocol;
    ///
    /// assert_eq!("app-server-v2".parse::<Protocol>(), Ok(Protocol::AppServerV2));
    /// assert!("v3".parse::<Protocol>().unwrap_err().to_string().contains("auto"));
    /// ```
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        Protocol::ALL
            .iter()
            .copied()
            .find(|p| p.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownProtocol(s.to_owned()))
    }
}

/// `value` as a raw JSON value, for request params and replies (`None` if it does not
/// serialize).
pub(crate) fn raw<T: serde::Serialize>(value: &T) -> Option<Box<RawValue>> {
    serde_json::value::to_raw_value(value).ok()
}

/// The reply to an approval request: `answer` serialized, else `refusal`, the generation's
/// spelling of a denial (`{"decision":"denied"}`). Serializing a closed enum cannot fail; if it
/// ever did, the request is still answered, and answered no (an unanswered approval hangs the
/// turn).
pub(crate) fn answer_or_refuse<T: serde::Serialize>(answer: &T, refusal: &str) -> Box<RawValue> {
    raw(answer)
        .or_else(|| RawValue::from_string(refusal.to_owned()).ok())
        .unwrap_or_else(|| RawValue::NULL.to_owned())
}

/// The sandbox policy of a conversation-API turn (`sendUserTurn`) for a sandbox mode.
pub(crate) fn sandbox_policy(mode: mcp_proto::SandboxMode) -> mcp_proto::SandboxPolicy {
    use mcp_proto::{SandboxMode, SandboxPolicy};
    match mode {
        SandboxMode::ReadOnly => SandboxPolicy::ReadOnly,
        SandboxMode::WorkspaceWrite => SandboxPolicy::workspace_write(),
        SandboxMode::DangerFullAccess => SandboxPolicy::DangerFullAccess,
    }
}

/// What the server told us about itself in the handshake.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServerInfo {
    /// The server's name (`codex-mcp-server`).
    pub name: String,
    /// Its version (`0.39.0`).
    pub version: String,
    /// Its user agent, when it sends one.
    pub user_agent: Option<String>,
}

/// A conversation as the server describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationInfo {
    /// Its id.
    pub id: String,
    /// The model it uses.
    pub model: Option<String>,
    /// Where the server keeps its transcript (needed to resume or archive it).
    pub rollout_path: Option<PathBuf>,
}

/// One conversation in a listing ([`crate::CodexSession::list_conversations`]). Resume it
/// with [`crate::CodexSession::resume_conversation_by_id`] (`id`) or
/// [`crate::CodexSession::resume_conversation`] (`path`), archive it with both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationSummary {
    /// Its id (the thread id on app-server v2).
    pub id: String,
    /// Its transcript (empty if the server did not say).
    pub path: PathBuf,
    /// The start of its first message.
    pub preview: String,
    /// When it started, RFC 3339 (`2026-11-28T03:26:06.940Z` as the conversation API writes
    /// it; app-server v2's `createdAt` seconds are written `2026-11-28T03:26:06Z`).
    pub timestamp: Option<String>,
}

/// A page of a listing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConversationPage {
    /// The conversations.
    pub items: Vec<ConversationSummary>,
    /// Pass this to get the next page.
    pub next_cursor: Option<String>,
}

/// How a stored conversation is named when resuming it: the conversation API (`codex mcp`,
/// app-server v1) resumes from the rollout file, app-server v2 by thread id. Each generation
/// turns the one it is given into the one it needs ([`id_from_rollout_path`], else
/// [`find_listed`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stored<'a> {
    /// The conversation (thread) id.
    Id(&'a str),
    /// Its rollout file.
    Path(&'a Path),
}

impl std::fmt::Display for Stored<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stored::Id(id) => write!(f, "with id `{id}`"),
            Stored::Path(path) => write!(f, "with rollout `{}`", path.display()),
        }
    }
}

/// The conversation id Codex writes into every rollout file name
/// (`rollout-2026-11-28T03-24-54-01a2202f-3403-7da3-b473-eb43eca54057.jsonl`, the same from
/// 0.39 to 0.169): the UUID that ends the file stem. `None` when the name does not end so.
pub(crate) fn id_from_rollout_path(path: &Path) -> Option<String> {
    let stem = path.file_name()?.to_str()?.strip_suffix(".jsonl")?;
    let start = stem.len().checked_sub(36)?;
    let id = stem.get(start..)?;
    let groups: Vec<&str> = id.split('-').collect();
    let shaped = groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups
            .iter()
            .all(|g| g.chars().all(|c| c.is_ascii_hexdigit()));
    (shaped && stem[..start].ends_with('-')).then(|| id.to_owned())
}

/// At most this many listing pages are read to find one conversation.
const FIND_PAGES: usize = 100;
/// The page size used to find one conversation.
const FIND_PAGE_SIZE: usize = 100;

/// Page through the server's listing for the conversation `stored` names (the generation needs
/// the other half: the path for an id, or the id for a path). Archived conversations are
/// not listed, so they are not found. [`Error::NotFound`] after the last page (or
/// `FIND_PAGES` pages).
pub(crate) async fn find_listed(
    generation: &dyn Generation,
    peer: &Peer,
    stored: Stored<'_>,
    timeout: Duration,
) -> Result<ConversationSummary> {
    let mut cursor: Option<String> = None;
    for _ in 0..FIND_PAGES {
        let page = generation
            .list_conversations(peer, Some(FIND_PAGE_SIZE), cursor.as_deref(), timeout)
            .await?;
        let found = page.items.into_iter().find(|c| match stored {
            Stored::Id(id) => c.id == id,
            Stored::Path(path) => c.path == path,
        });
        if let Some(found) = found {
            return Ok(found);
        }
        match page.next_cursor {
            Some(next) if Some(&next) != cursor.as_ref() => cursor = Some(next),
            _ => break,
        }
    }
    Err(Error::NotFound {
        conversation: crate::redact::redact_text(&stored.to_string()).into_owned(),
    })
}

/// What a server request is, once a generation has looked at it.
#[derive(Debug)]
pub(crate) enum ServerRequest {
    /// An approval request we understood.
    Approval(ApprovalRequest),
    /// An approval method whose params we could not read: deny it (never leave it hanging).
    BadApproval { message: String },
    /// A liveness probe.
    Ping,
    /// Something else.
    Unknown,
}

/// Identifies the client in the handshake.
#[derive(Debug, Clone)]
pub(crate) struct ClientIdentity {
    pub(crate) name: String,
    pub(crate) version: String,
}

/// One protocol generation. See the module docs.
#[async_trait::async_trait]
pub(crate) trait Generation: Send + Sync + std::fmt::Debug {
    /// Arguments that make the binary serve this protocol (`["mcp"]`).
    fn server_args(&self) -> Vec<OsString>;
    /// Whether to write `"jsonrpc":"2.0"`.
    fn writes_jsonrpc(&self) -> bool;
    /// A cheap request any live server answers, for the stall watchdog.
    fn probe_method(&self) -> Option<&'static str>;
    /// The request that tells whether the server is logged in (method, params), if the
    /// generation has one; read by [`crate::liveness`].
    fn auth_request(&self) -> Option<(&'static str, serde_json::Value)> {
        None
    }
    /// A notification as `(conversation id, event)`, or `None` when it is not a conversation
    /// event.
    fn event(&self, notification: &Notification) -> Option<(String, Event)>;
    /// A single-pass decoding of the hottest notifications straight from the line, tried
    /// before the general envelope decoding (`None`: not one of them, use the general path).
    fn fast_event(&self, _line: &[u8]) -> Option<(String, Event)> {
        None
    }
    /// Classify a server→client request.
    fn server_request(&self, request: &Request) -> ServerRequest;
    /// The `result` that carries `decision`.
    fn decision_result(&self, decision: ReviewDecision) -> Box<RawValue>;
    /// The `result` that carries `decision` as the answer to a request of `method` (a
    /// generation whose approval requests differ in their answer's shape overrides this, e.g.
    /// app-server v2's `mcpServer/elicitation/request`).
    fn answer_result(&self, _method: &str, decision: ReviewDecision) -> Box<RawValue> {
        self.decision_result(decision)
    }
    /// Handshake.
    async fn initialize(
        &self,
        peer: &Peer,
        client: &ClientIdentity,
        timeout: Duration,
    ) -> Result<ServerInfo>;
    /// Create a conversation (events are not flowing yet: see `subscribe`).
    async fn new_conversation(
        &self,
        peer: &Peer,
        options: &ConversationOptions,
        timeout: Duration,
    ) -> Result<ConversationInfo>;
    /// Start the conversation's events; returns a subscription handle if the protocol has one.
    async fn subscribe(
        &self,
        peer: &Peer,
        conversation_id: &str,
        timeout: Duration,
    ) -> Result<Option<String>>;
    /// Send user text (a new turn, or more input to the running one).
    async fn send_message(
        &self,
        peer: &Peer,
        conversation_id: &str,
        text: &str,
        timeout: Duration,
    ) -> Result<()>;
    /// Send user text with per-turn settings.
    async fn send_turn(
        &self,
        peer: &Peer,
        conversation_id: &str,
        turn: &TurnOptions,
        timeout: Duration,
    ) -> Result<()>;
    /// Interrupt the running turn.
    async fn interrupt(&self, peer: &Peer, conversation_id: &str, timeout: Duration) -> Result<()>;
    /// The interrupt as a raw request, for best-effort sending from `Drop`.
    fn interrupt_request(&self, conversation_id: &str) -> (&'static str, Option<Box<RawValue>>);
    /// Stop a subscription.
    fn unsubscribe_request(
        &self,
        subscription: &str,
    ) -> Option<(&'static str, Option<Box<RawValue>>)>;
    /// One page of the stored conversations, newest first.
    async fn list_conversations(
        &self,
        peer: &Peer,
        page_size: Option<usize>,
        cursor: Option<&str>,
        timeout: Duration,
    ) -> Result<ConversationPage>;
    /// Load a stored conversation, named by id or rollout path (events are not flowing yet:
    /// see `subscribe`).
    async fn resume_conversation(
        &self,
        peer: &Peer,
        stored: Stored<'_>,
        options: &ConversationOptions,
        timeout: Duration,
    ) -> Result<ConversationInfo>;
    /// Archive a stored conversation. Either half may be empty: the generation finds the one it
    /// needs.
    async fn archive_conversation(
        &self,
        peer: &Peer,
        conversation_id: &str,
        rollout_path: &Path,
        timeout: Duration,
    ) -> Result<()>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_is_read_from_codex_rollout_names() {
        let id = "01a2202f-3403-7da3-b473-eb43eca54057";
        let path = format!("/h/sessions/2026/11/28/rollout-2026-11-28T03-24-54-{id}.jsonl");
        assert_eq!(id_from_rollout_path(Path::new(&path)).as_deref(), Some(id));
        // 0.39 names them the same way.
        let old = "rollout-2025-09-30T10-00-00-5973b6c0-94b8-487b-a530-2aeb6098ae0e.jsonl";
        assert!(id_from_rollout_path(Path::new(old)).is_some());
        for bad in [
            "/h/notes.jsonl",
            "/h/rollout-x.jsonl",
            &format!("/h/rollout-{id}.json"),
            &format!("/h/{id}.jsonl"),
            "/h/rollout-2026-01a2202f-3403-7da3-b473-eb43eca5405g.jsonl",
            "/h/rollout-2026-01a2202f3-403-7da3-b473-eb43eca54057.jsonl",
            "",
        ] {
            assert_eq!(id_from_rollout_path(Path::new(bad)), None, "{bad}");
        }
    }
}
