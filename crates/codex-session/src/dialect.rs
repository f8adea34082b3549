//! Protocol generations behind one session API.
//!
//! Codex has changed its stdio protocol three times (see `codex-protocol.md` in the shared
//! reference): the conversation API on `codex mcp` (0.22–0.42), the same API moved to
//! `codex app-server` with camelCase approvals (0.44–0.107), MCP tool mode with elicitation
//! approvals (`codex mcp-server`), and the app-server v2 `thread/*`/`turn/*` protocol. The
//! session, the peer and the public types do not know which one they speak: everything that
//! differs (spawn arguments, the handshake, how a conversation is created and fed, how events
//! and approval requests look, how a decision is spelled) is a method of [`Dialect`]. A new
//! generation is one file in `dialect/` implementing it plus one [`Protocol`] variant:
//! [`mcp_conversation`], [`app_server_v1`] and [`app_server_v2`] are wired; MCP tool mode is
//! detected but not spoken yet.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use mcp_proto::{Notification, Request};
use serde_json::value::RawValue;

use crate::approval::{ApprovalRequest, Decision};
use crate::conversation::{ConversationOptions, TurnOptions};
use crate::error::Result;
use crate::event::Event;
use crate::peer::Peer;

pub(crate) mod app_server_v1;
pub(crate) mod app_server_v2;
pub(crate) mod mcp_conversation;

/// Which Codex protocol a session speaks.
///
/// The default stays [`Protocol::McpConversation`] so that a caller who never chose keeps the
/// behaviour of earlier releases (and `CodexSession::connect`, which has no program to ask,
/// keeps working). [`Protocol::Auto`] is the one to use for an installed `codex` of unknown
/// version: it runs `codex --version` once (see [`crate::detect_codex`]) and picks the
/// generation and the version's quirks from the table in the detection docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Protocol {
    /// The conversation API of `codex mcp`, codex 0.22.0 – 0.42.0 (tested on 0.39.0):
    /// `newConversation`, `sendUserMessage`, `execCommandApproval`, `codex/event/*`.
    #[default]
    McpConversation,
    /// The conversation API on `codex app-server` with camelCase approvals, codex 0.44 – 0.107
    /// (tested on 0.80.0). Named explicitly it assumes the shapes of 0.59 and later
    /// (type-tagged sandbox policy); [`Protocol::Auto`] follows the exact version.
    AppServerV1,
    /// `thread/*`, `turn/*`, `item/*` on `codex app-server`, codex 0.57 and later (tested on
    /// 0.80.0 and 0.169.0). Named explicitly it assumes the kebab-case enums of 0.72 and
    /// later; [`Protocol::Auto`] follows the exact version.
    AppServerV2,
    /// Run `codex --version` on the program before spawning it and speak the generation the
    /// version prefers, with its quirks. A version newer than the newest tested one is
    /// spoken to as that one, with a logged warning; a failed detection is
    /// [`crate::Error::Detect`]. Needs a program: not usable with `CodexSession::connect`.
    Auto,
}

impl Protocol {
    /// The dialect, for the protocols that need no detection (`None` for [`Protocol::Auto`]).
    pub(crate) fn dialect(self) -> Option<std::sync::Arc<dyn Dialect>> {
        use std::sync::Arc;
        Some(match self {
            Protocol::McpConversation => Arc::new(mcp_conversation::McpConversation),
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
    ];

    /// A short name (`mcp-conversation`, `app-server-v1`, `app-server-v2`, `auto`), the one
    /// [`str::parse`] reads back.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::McpConversation => "mcp-conversation",
            Protocol::AppServerV1 => "app-server-v1",
            Protocol::AppServerV2 => "app-server-v2",
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

/// One conversation in a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationSummary {
    /// Its id.
    pub id: String,
    /// Its transcript.
    pub path: PathBuf,
    /// The start of its first message.
    pub preview: String,
    /// When it started, as the server wrote it.
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

/// What a server request is, once a dialect has looked at it.
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
pub(crate) trait Dialect: Send + Sync + std::fmt::Debug {
    /// Arguments that make the binary serve this protocol (`["mcp"]`).
    fn server_args(&self) -> Vec<OsString>;
    /// Whether to write `"jsonrpc":"2.0"`.
    fn writes_jsonrpc(&self) -> bool;
    /// A cheap request any live server answers, for the stall watchdog.
    fn probe_method(&self) -> Option<&'static str>;
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
    fn decision_result(&self, decision: Decision) -> Box<RawValue>;
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
    async fn list_conversations(
        &self,
        peer: &Peer,
        page_size: Option<usize>,
        cursor: Option<&str>,
        timeout: Duration,
    ) -> Result<ConversationPage>;
    async fn resume_conversation(
        &self,
        peer: &Peer,
        rollout_path: &Path,
        options: &ConversationOptions,
        timeout: Duration,
    ) -> Result<ConversationInfo>;
    async fn archive_conversation(
        &self,
        peer: &Peer,
        conversation_id: &str,
        rollout_path: &Path,
        timeout: Duration,
    ) -> Result<()>;
}
