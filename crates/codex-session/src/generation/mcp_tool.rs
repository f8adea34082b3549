//! MCP tool mode: `codex mcp` 0.20 – 0.42 and `codex mcp-server` 0.44 – 0.153.4 (measured on
//! 0.39.0 and 0.80.0; see `codex-protocol.md` 2.1.b).
//!
//! The server offers two MCP tools and no conversation API. What this generation does with them:
//! - **a conversation is local** until its first message: [`Generation::new_conversation`] makes an
//!   id (`mcp-tool-1`) and keeps the options; the first message is `tools/call` `codex` with
//!   `prompt` and the options as the tool's kebab-case arguments (`approval-policy`,
//!   `sandbox`, `cwd`, `model`, `profile`, `config`, `base-instructions`); later messages are
//!   `tools/call` `codex-reply` naming the Codex session learned from the first turn's
//!   `session_configured` event (`msg.session_id`, or `_meta.threadId` from 0.87), under the
//!   key the version reads (`sessionId` up to 0.29, `conversationId` 0.34 – 0.80, `threadId`
//!   and `conversationId` from 0.87);
//! - **a `tools/call` is answered only when its turn has ended**, so sending returns as soon
//!   as the request is written (like `sendUserMessage`) and a task follows the call with
//!   [`Peer::call_deferred`]. Its answer (`CallToolResult`, with `structuredContent` from 0.87)
//!   usually just confirms the `task_complete` already seen; when no event ended the turn it
//!   becomes the end: [`Event::Error`] for `isError` (a configuration the version rejects,
//!   such as `approval-policy: untrusted` from 0.149) or a JSON-RPC error, else
//!   [`Event::TurnComplete`] with the result's text. A call with no event at all within the
//!   request timeout ends the turn with the timeout message: servers before 0.95 drop a
//!   request they cannot parse without a word;
//! - **events** are `codex/event` notifications (no suffix) with the same `msg` payloads as the
//!   conversation API, decoded by the same code; they carry no conversation id but
//!   `_meta.requestId` = the id of the `tools/call`, which is registered before the request is
//!   written. 0.20 – 0.22 send every event a second time under `method` = the event type:
//!   those copies are not `codex/event` and are ignored;
//! - **approvals** are MCP `elicitation/create` requests with Codex's `codex_*` members
//!   (`codex_elicitation` `exec-approval` / `patch-approval`, routed by
//!   `codex_mcp_tool_call_id`), read into the same [`ApprovalRequest`] as every generation. The
//!   answer is Codex's decision object `{"decision":"approved"}` — never MCP's `{"action":…}`
//!   (read as a denial), never a JSON-RPC error (hangs the turn). The justification, missing
//!   from later elicitations, is taken from the `exec_approval_request` event before it. An
//!   elicitation that cannot be read is denied with a result;
//! - **the abort trap**: after `turn_aborted` (an `abort` decision or an interrupt) the
//!   `tools/call` is never answered. The turn ends at `turn_aborted` and the call is dropped
//!   from the pending table at once, so nothing leaks. The server's own task for the call
//!   never ends either, which keeps it from exiting at end of input: the peer is told
//!   ([`Peer::lingers`]), so shutdown kills it after a moment instead of waiting its whole
//!   grace period. The stuck task also keeps taking a share of the conversation's later
//!   events (measured on 0.80.0: after an abort, a `codex-reply` turn's `task_started` came
//!   under the aborted call's id, its `task_complete` under the new one), so an aborted call's
//!   id stays routed to its conversation, its events count for the call running there, and a
//!   call whose turn ended under the other id is given up after a short wait;
//! - **interrupt** is MCP's `notifications/cancelled {requestId}` for the running call: 0.39.0
//!   and 0.80.0 abort the turn (`turn_aborted {reason:"interrupted"}`, measured). A cancel that
//!   reaches the server before it has registered the call is ignored by it;
//! - there is no listing, resuming or archiving: those are [`Error::Unsupported`], as are
//!   per-turn settings after the first message (`codex-reply` takes only a prompt).
//!
//! Spoken for `Protocol::McpTool` (`codex mcp-server`, `conversationId`) and, with the
//! detected version's subcommand and reply key, when detection chooses MCP tool mode; tested
//! against the real 0.80.0 (`mcp-server`) and 0.39.0 (`mcp`) in `tests/it/matrix.rs`.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Duration;

use mcp_proto::{
    CallToolParams, CallToolResult, CancelledParams, CodexElicitation, CodexReplyArgs,
    CodexToolArgs, CodexToolOutput, ConversationId, ElicitParams, ElicitResult, Elicitation,
    EventMsg, Notification, NotificationMethod, ReplyIdKey, Request, RequestId, RequestMethod,
    ToolEventMeta, CODEX_REPLY_TOOL, CODEX_TOOL,
};
use serde_json::value::RawValue;

use crate::generation::{answer_or_refuse, raw};
use tokio_util::sync::CancellationToken;

use crate::approval::{ApprovalRequest, ExecApproval, PatchApproval, ReviewDecision};
use crate::conversation::{ConversationOptions, TurnOptions};
use crate::detect::Quirks;
use crate::error::{Error, Result};
use crate::event::Event;
use crate::generation::mcp_conversation::{file_changes, map_event, McpConversation};
use crate::generation::{
    ClientIdentity, ConversationInfo, ConversationPage, Generation, ServerInfo, ServerRequest,
    Stored,
};
use crate::peer::{DeferredCall, Peer};

const NAME: &str = "mcp-tool";
const TOOLS_CALL: &str = <mcp_proto::CallTool as RequestMethod>::METHOD;
const CANCELLED: &str = <mcp_proto::Cancelled as NotificationMethod>::METHOD;

/// How long the answer of a call whose turn completed is awaited (it follows the last event
/// at once, unless another of the server's tasks took the turn's end after an abort).
const ANSWER_GRACE: Duration = Duration::from_secs(2);

const SESSION_ID: &[ReplyIdKey] = &[ReplyIdKey::SessionId];
const CONVERSATION_ID: &[ReplyIdKey] = &[ReplyIdKey::ConversationId];
const THREAD_ID: &[ReplyIdKey] = &[ReplyIdKey::ThreadId, ReplyIdKey::ConversationId];

/// See the module docs.
#[derive(Debug)]
pub(crate) struct McpTool {
    subcommand: &'static str,
    reply_keys: &'static [ReplyIdKey],
    next_conversation: AtomicU64,
    state: Arc<Mutex<State>>,
}

/// Conversations and the `tools/call`s in flight.
#[derive(Debug, Default)]
struct State {
    conversations: HashMap<String, Conv>,
    calls: HashMap<i64, Call>,
}

#[derive(Debug)]
struct Conv {
    /// The options of the first `codex` call.
    options: ConversationOptions,
    /// The Codex session, once `session_configured` named it.
    session_id: Option<String>,
    /// The `tools/call` whose turn is running.
    running: Option<i64>,
}

#[derive(Debug)]
struct Call {
    conversation: String,
    /// Cancelled at the call's first event.
    started: CancellationToken,
    /// Cancelled when an event ended the call's turn.
    ended: CancellationToken,
    end: Option<CallEnd>,
    /// Justifications from `exec_approval_request` events, by the model's call id.
    reasons: HashMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CallEnd {
    /// `task_complete` or `error`: the answer follows.
    Finished,
    /// `turn_aborted`: no answer will ever come.
    Aborted,
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    // The maps stay consistent if a holder panicked: keep using them.
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn unsupported(operation: &'static str) -> Error {
    Error::Unsupported {
        operation,
        protocol: NAME,
    }
}

/// The `codex` tool's arguments for a conversation's first message.
fn codex_args(options: &ConversationOptions, prompt: &str) -> CodexToolArgs {
    CodexToolArgs {
        prompt: prompt.to_owned(),
        approval_policy: options.approval_policy,
        sandbox: options.sandbox,
        cwd: options.cwd.clone(),
        model: options.model.clone(),
        profile: options.profile.clone(),
        config: (!options.config.is_empty()).then(|| options.config.iter().cloned().collect()),
        base_instructions: options.base_instructions.clone(),
        ..CodexToolArgs::default()
    }
}

impl McpTool {
    /// `Protocol::McpTool` named without detection: `codex mcp-server`, `conversationId`
    /// (what 0.34 and every later version read).
    pub(crate) fn new() -> McpTool {
        McpTool::with("mcp-server", CONVERSATION_ID)
    }

    /// For a detected version: its subcommand (`mcp` before 0.44) and reply key.
    pub(crate) fn for_version(subcommand: &'static str, quirks: &Quirks) -> McpTool {
        let keys = if quirks.codex_reply_session_id {
            SESSION_ID
        } else if quirks.codex_reply_thread_id {
            THREAD_ID
        } else {
            CONVERSATION_ID
        };
        McpTool::with(subcommand, keys)
    }

    fn with(subcommand: &'static str, reply_keys: &'static [ReplyIdKey]) -> McpTool {
        McpTool {
            subcommand,
            reply_keys,
            next_conversation: AtomicU64::new(1),
            state: Arc::new(Mutex::new(State::default())),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    /// Send `tools/call` `codex` (no session yet) or `codex-reply`, and follow it.
    async fn start_turn(
        &self,
        peer: &Peer,
        conversation_id: &str,
        prompt: &str,
        turn: Option<&TurnOptions>,
        timeout: Duration,
    ) -> Result<()> {
        let arguments = {
            let state = self.state();
            let Some(conv) = state.conversations.get(conversation_id) else {
                return Err(unsupported(
                    "a message to a conversation this session no longer holds",
                ));
            };
            let encoded = match (&conv.session_id, conv.running, turn) {
                (None, Some(_), _) => {
                    return Err(unsupported(
                        "a second message before the first turn named its session",
                    ))
                }
                (Some(_), _, Some(_)) => {
                    return Err(unsupported("per-turn settings after the first message"))
                }
                (None, None, turn) => {
                    let mut args = codex_args(&conv.options, prompt);
                    if let Some(turn) = turn {
                        args.cwd = Some(turn.cwd.clone());
                        args.approval_policy = Some(turn.approval_policy);
                        args.sandbox = Some(turn.sandbox);
                        args.model = Some(turn.model.clone());
                    }
                    mcp_proto::to_arguments(&args).map(|a| (CODEX_TOOL, a))
                }
                (Some(session), _, None) => {
                    let args = CodexReplyArgs::with_keys(
                        ConversationId(session.clone()),
                        prompt,
                        self.reply_keys,
                    );
                    mcp_proto::to_arguments(&args).map(|a| (CODEX_REPLY_TOOL, a))
                }
            };
            encoded.map_err(|e| Error::Encode {
                method: TOOLS_CALL.to_owned(),
                message: e.to_string(),
            })?
        };
        let (tool, arguments) = arguments;
        let params = CallToolParams {
            name: tool.to_owned(),
            arguments: Some(arguments),
            extra: Default::default(),
        };
        let params = serde_json::value::to_raw_value(&params).map_err(|e| Error::Encode {
            method: TOOLS_CALL.to_owned(),
            message: e.to_string(),
        })?;
        let started = CancellationToken::new();
        let ended = CancellationToken::new();
        let mut registered = None;
        // Register the call before it is written: its first event may come right after.
        let sent = peer
            .call_deferred(TOOLS_CALL, Some(params), |id| {
                registered = Some(id);
                let mut state = self.state();
                state.calls.insert(
                    id,
                    Call {
                        conversation: conversation_id.to_owned(),
                        started: started.clone(),
                        ended: ended.clone(),
                        end: None,
                        reasons: HashMap::new(),
                    },
                );
                if let Some(conv) = state.conversations.get_mut(conversation_id) {
                    conv.running = Some(id);
                }
            })
            .await;
        let call = match sent {
            Ok(call) => call,
            Err(e) => {
                if let Some(id) = registered {
                    forget_call(&self.state, id);
                }
                return Err(e);
            }
        };
        let follow = Follow {
            state: self.state.clone(),
            peer: peer.weak(),
            conversation: conversation_id.to_owned(),
            started,
            ended,
            start_timeout: timeout,
        };
        tokio::spawn(follow.run(call));
        Ok(())
    }

    fn cancel_params(&self, conversation_id: &str) -> Option<Box<RawValue>> {
        let running = self
            .state()
            .conversations
            .get(conversation_id)
            .and_then(|c| c.running)?;
        raw(&CancelledParams {
            request_id: RequestId::Number(running),
            reason: Some("interrupted".into()),
        })
    }

    fn elicitation(&self, request: &Request) -> ServerRequest {
        let p: ElicitParams = match request.params_as::<Elicitation>() {
            Ok(p) => p,
            Err(e) => {
                return ServerRequest::BadApproval {
                    message: e.to_string(),
                }
            }
        };
        let bad = |what: &str| ServerRequest::BadApproval {
            message: format!("the elicitation has no `{what}`"),
        };
        let Some(call_id) = p.codex_call_id.clone() else {
            return bad("codex_call_id");
        };
        // The conversation of the `tools/call` it names; an unknown one routes nowhere and is
        // denied by the peer.
        let (conversation_id, reason) = {
            let mut state = self.state();
            let call = p
                .codex_mcp_tool_call_id
                .as_deref()
                .and_then(|id| id.trim().parse::<i64>().ok())
                .and_then(|id| state.calls.get_mut(&id));
            match call {
                Some(call) => {
                    let conversation = call.conversation.clone();
                    let reason = call.reasons.remove(&call_id).or_else(|| {
                        let running = state.conversations.get(&conversation)?.running?;
                        state.calls.get_mut(&running)?.reasons.remove(&call_id)
                    });
                    (conversation, reason)
                }
                None => (String::new(), None),
            }
        };
        let reason = p.codex_reason.or(reason);
        match p.codex_elicitation {
            Some(CodexElicitation::ExecApproval) => {
                let Some(command) = p.codex_command else {
                    return bad("codex_command");
                };
                let Some(cwd) = p.codex_cwd else {
                    return bad("codex_cwd");
                };
                ServerRequest::Approval(ApprovalRequest::Exec(ExecApproval {
                    conversation_id,
                    call_id,
                    command,
                    cwd,
                    reason,
                }))
            }
            Some(CodexElicitation::PatchApproval) => {
                let Some(changes) = p.codex_changes else {
                    return bad("codex_changes");
                };
                ServerRequest::Approval(ApprovalRequest::Patch(PatchApproval {
                    conversation_id,
                    call_id,
                    changes: file_changes(&changes),
                    reason,
                    grant_root: p.codex_grant_root,
                    cwd: None,
                }))
            }
            Some(other) => ServerRequest::BadApproval {
                message: format!(
                    "unknown elicitation `{}`",
                    other.as_str().chars().take(80).collect::<String>()
                ),
            },
            None => bad("codex_elicitation"),
        }
    }
}

/// The call is over on our side: forget it, except that an aborted call stays as an alias of
/// its conversation (the server's stuck task for it still forwards events under its id)
/// until the conversation is dropped. Returns the call's conversation.
fn forget_call(state: &Mutex<State>, id: i64) -> Option<String> {
    let mut state = lock(state);
    let call = state.calls.get(&id)?;
    let conversation = call.conversation.clone();
    if call.end != Some(CallEnd::Aborted) || !state.conversations.contains_key(&conversation) {
        state.calls.remove(&id);
    }
    if let Some(conv) = state.conversations.get_mut(&conversation) {
        if conv.running == Some(id) {
            conv.running = None;
        }
    }
    Some(conversation)
}

/// Follows one `tools/call` until its answer, the end of its turn, or the start time limit.
struct Follow {
    state: Arc<Mutex<State>>,
    peer: Weak<Peer>,
    conversation: String,
    started: CancellationToken,
    ended: CancellationToken,
    start_timeout: Duration,
}

impl Follow {
    async fn run(self, mut call: DeferredCall) {
        let id = call.id();
        let answer = tokio::select! {
            answer = call.answer() => Some(answer),
            _ = self.ended.cancelled() => {
                let end = lock(&self.state).calls.get(&id).and_then(|c| c.end);
                match end {
                    // The abort trap: no answer will come; stop waiting now. The server's task
                    // for the call never ends either, so it will not exit at end of input.
                    Some(CallEnd::Aborted) => {
                        if let Some(peer) = self.peer.upgrade() {
                            peer.lingers();
                        }
                        None
                    }
                    _ => {
                        let answer = tokio::time::timeout(ANSWER_GRACE, call.answer()).await.ok();
                        if answer.is_none() {
                            // Another of the server's tasks took the turn's end (after an
                            // abort in this conversation): this call's task is stuck too.
                            if let Some(peer) = self.peer.upgrade() {
                                peer.lingers();
                            }
                        }
                        answer
                    }
                }
            }
            _ = not_started(&self.started, self.start_timeout) => {
                let message = Error::Timeout {
                    method: TOOLS_CALL.to_owned(),
                    timeout: self.start_timeout,
                    server: self.peer.upgrade().and_then(|p| p.server_label()),
                }
                .to_string();
                // Dropping the call stops waiting; a late answer is ignored.
                self.finish(id, Some(Event::Error { message }));
                return;
            }
        };
        let event = answer.and_then(|answer| self.read_answer(id, answer));
        self.finish(id, event);
        drop(call);
    }

    /// The event the answer calls for, if its turn has not ended yet.
    fn read_answer(&self, id: i64, answer: Result<Box<RawValue>>) -> Option<Event> {
        let turn_over = lock(&self.state)
            .calls
            .get(&id)
            .is_none_or(|c| c.end.is_some());
        match answer {
            Ok(raw) => {
                let result = match serde_json::from_str::<CallToolResult>(raw.get()) {
                    Ok(result) => result,
                    Err(e) => {
                        let message = Error::BadResponse {
                            method: TOOLS_CALL.to_owned(),
                            message: e.to_string(),
                        }
                        .to_string();
                        return (!turn_over).then_some(Event::Error { message });
                    }
                };
                let output = result
                    .structured_content
                    .as_ref()
                    .and_then(|v| serde_json::from_value::<CodexToolOutput>(v.clone()).ok());
                if let Some(output) = &output {
                    let mut state = lock(&self.state);
                    if let Some(conv) = state.conversations.get_mut(&self.conversation) {
                        conv.session_id
                            .get_or_insert_with(|| output.thread_id.0.clone());
                    }
                }
                if turn_over {
                    return None;
                }
                let text = output
                    .map(|o| o.content)
                    .filter(|t| !t.is_empty())
                    .unwrap_or_else(|| result.text());
                Some(if result.is_error == Some(true) {
                    Event::Error {
                        message: if text.is_empty() {
                            "the codex tool call failed".to_owned()
                        } else {
                            crate::redact::redact_text(&text).into_owned()
                        },
                    }
                } else {
                    Event::TurnComplete {
                        last_agent_message: (!text.is_empty()).then_some(text),
                    }
                })
            }
            // The peer died: every conversation already got `Disconnected`.
            Err(Error::Unavailable(_)) => None,
            Err(e) => (!turn_over).then(|| Event::Error {
                message: e.to_string(),
            }),
        }
    }

    /// Forget the call and hand `event` to its conversation.
    fn finish(&self, id: i64, event: Option<Event>) {
        let conversation = forget_call(&self.state, id);
        if let (Some(event), Some(peer)) = (event, self.peer.upgrade()) {
            peer.push_event(conversation.as_deref().unwrap_or(&self.conversation), event);
        }
    }
}

/// Resolves only when `started` was not cancelled within `limit`.
async fn not_started(started: &CancellationToken, limit: Duration) {
    if tokio::time::timeout(limit, started.cancelled())
        .await
        .is_ok()
    {
        std::future::pending::<()>().await;
    }
}

#[async_trait::async_trait]
impl Generation for McpTool {
    fn server_args(&self) -> Vec<OsString> {
        vec![self.subcommand.into()]
    }

    fn writes_jsonrpc(&self) -> bool {
        // 0.95+ ignores messages without it.
        true
    }

    fn probe_method(&self) -> Option<&'static str> {
        Some(<mcp_proto::Ping as RequestMethod>::METHOD)
    }

    fn event(&self, notification: &Notification) -> Option<(String, Event)> {
        let decoded = match mcp_proto::decode_event(notification)? {
            Ok(decoded) => decoded,
            Err(e) => {
                tracing::warn!(error = %e, method = %notification.method, "unreadable event");
                return None;
            }
        };
        let meta = ToolEventMeta::from_meta(decoded.meta.as_ref())?;
        let RequestId::Number(call_id) = meta.request_id else {
            return None;
        };
        let mut guard = self.state();
        let state = &mut *guard;
        let conversation_id = state.calls.get(&call_id)?.conversation.clone();
        let conv = state.conversations.get_mut(&conversation_id);
        // An event under an aborted call's id comes from the server's stuck task for it, which
        // keeps taking a share of the conversation's later events: it counts for the call
        // now running, if any (see the module docs).
        let stale = state
            .calls
            .get(&call_id)
            .is_some_and(|c| c.end == Some(CallEnd::Aborted));
        let target = match (stale, conv.as_ref().and_then(|c| c.running)) {
            (true, Some(running)) => running,
            _ => call_id,
        };
        let session = match &decoded.msg {
            EventMsg::SessionConfigured(e) => Some(e.session_id.0.clone()),
            _ => None,
        }
        .or(meta.thread_id.map(|t| t.0));
        if let Some(conv) = conv {
            if conv.session_id.is_none() {
                conv.session_id = session;
            }
        }
        let event_call_reason = match &decoded.msg {
            EventMsg::ExecApprovalRequest(e) => {
                e.reason.clone().map(|reason| (e.call_id.clone(), reason))
            }
            _ => None,
        };
        let event = map_event(decoded.msg);
        let mut ended = false;
        if let Some(call) = state.calls.get_mut(&target) {
            call.started.cancel();
            if let Some((model_call, reason)) = event_call_reason {
                call.reasons.insert(model_call, reason);
            }
            if event.ends_turn() && call.end.is_none() {
                call.end = Some(match event {
                    Event::TurnAborted { .. } => CallEnd::Aborted,
                    _ => CallEnd::Finished,
                });
                call.ended.cancel();
                ended = true;
            }
        }
        if ended {
            if let Some(conv) = state.conversations.get_mut(&conversation_id) {
                if conv.running == Some(target) {
                    conv.running = None;
                }
            }
        }
        Some((conversation_id, event))
    }

    fn server_request(&self, request: &Request) -> ServerRequest {
        if request.method == <Elicitation as RequestMethod>::METHOD {
            self.elicitation(request)
        } else {
            // `ping`, and conversation-API approvals (denied: no conversation of ours).
            McpConversation.server_request(request)
        }
    }

    fn decision_result(&self, decision: ReviewDecision) -> Box<RawValue> {
        // Codex's decision object, never MCP's `{"action":…}` (read as a denial).
        answer_or_refuse(
            &ElicitResult::decision(decision),
            r#"{"decision":"denied"}"#,
        )
    }

    async fn initialize(
        &self,
        peer: &Peer,
        client: &ClientIdentity,
        timeout: Duration,
    ) -> Result<ServerInfo> {
        // The same MCP handshake, announcing the elicitation capability.
        McpConversation.initialize(peer, client, timeout).await
    }

    async fn new_conversation(
        &self,
        _peer: &Peer,
        options: &ConversationOptions,
        _timeout: Duration,
    ) -> Result<ConversationInfo> {
        let n = self.next_conversation.fetch_add(1, Ordering::Relaxed);
        let id = format!("{NAME}-{n}");
        self.state().conversations.insert(
            id.clone(),
            Conv {
                options: options.clone(),
                session_id: None,
                running: None,
            },
        );
        Ok(ConversationInfo {
            id,
            model: options.model.clone(),
            rollout_path: None,
        })
    }

    /// Nothing to subscribe to; the conversation id comes back as the "subscription" so that
    /// [`Generation::unsubscribe_request`], called when the conversation is dropped, forgets it.
    async fn subscribe(
        &self,
        _peer: &Peer,
        conversation_id: &str,
        _timeout: Duration,
    ) -> Result<Option<String>> {
        Ok(Some(conversation_id.to_owned()))
    }

    async fn send_message(
        &self,
        peer: &Peer,
        conversation_id: &str,
        text: &str,
        timeout: Duration,
    ) -> Result<()> {
        self.start_turn(peer, conversation_id, text, None, timeout)
            .await
    }

    async fn send_turn(
        &self,
        peer: &Peer,
        conversation_id: &str,
        turn: &TurnOptions,
        timeout: Duration,
    ) -> Result<()> {
        self.start_turn(peer, conversation_id, &turn.text, Some(turn), timeout)
            .await
    }

    async fn interrupt(
        &self,
        peer: &Peer,
        conversation_id: &str,
        _timeout: Duration,
    ) -> Result<()> {
        // A notification: nothing answers it; the turn ends with `turn_aborted`.
        match self.cancel_params(conversation_id) {
            Some(params) => peer.notify(CANCELLED, Some(params)).await,
            None => Ok(()),
        }
    }

    fn interrupt_request(&self, conversation_id: &str) -> (&'static str, Option<Box<RawValue>>) {
        (CANCELLED, self.cancel_params(conversation_id))
    }

    fn unsubscribe_request(
        &self,
        subscription: &str,
    ) -> Option<(&'static str, Option<Box<RawValue>>)> {
        // The conversation is being dropped (see `subscribe`): forget it and the aliases of its
        // aborted calls; calls in flight end on their own.
        let mut state = self.state();
        state.conversations.remove(subscription);
        state
            .calls
            .retain(|_, c| c.conversation != subscription || c.end != Some(CallEnd::Aborted));
        None
    }

    async fn list_conversations(
        &self,
        _peer: &Peer,
        _page_size: Option<usize>,
        _cursor: Option<&str>,
        _timeout: Duration,
    ) -> Result<ConversationPage> {
        Err(unsupported("list_conversations"))
    }

    async fn resume_conversation(
        &self,
        _peer: &Peer,
        _stored: Stored<'_>,
        _options: &ConversationOptions,
        _timeout: Duration,
    ) -> Result<ConversationInfo> {
        Err(unsupported("resume_conversation"))
    }

    async fn archive_conversation(
        &self,
        _peer: &Peer,
        _conversation_id: &str,
        _rollout_path: &Path,
        _timeout: Duration,
    ) -> Result<()> {
        Err(unsupported("archive_conversation"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::approval::{ApprovalDecision, ApprovalHandler, FileChangeKind, HandlerError};
    use crate::conversation::Conversation;
    use crate::outcome::TurnEnd;
    use crate::peer::PeerConfig;
    use serde_json::{json, Value};
    use std::path::PathBuf;
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

    /// A generation holding conversation `c` with tools/call `call` in flight (what
    /// `new_conversation` and `send_message` register).
    fn holding(call: i64) -> McpTool {
        let d = McpTool::new();
        let mut state = d.state();
        state.conversations.insert(
            "c".into(),
            Conv {
                options: ConversationOptions::new(),
                session_id: None,
                running: Some(call),
            },
        );
        state.calls.insert(
            call,
            Call {
                conversation: "c".into(),
                started: CancellationToken::new(),
                ended: CancellationToken::new(),
                end: None,
                reasons: HashMap::new(),
            },
        );
        drop(state);
        d
    }

    /// Replay a recorded transcript's server lines: the events and server requests it yields.
    fn replay(d: &McpTool, transcript: &str) -> (Vec<Event>, Vec<ServerRequest>) {
        let mut events = Vec::new();
        let mut requests = Vec::new();
        for line in transcript.lines() {
            let rec: Value = serde_json::from_str(line).unwrap();
            if rec["dir"] != "s2c" {
                continue;
            }
            let bytes = serde_json::to_vec(&rec["msg"]).unwrap();
            match mcp_proto::Message::decode(&bytes).unwrap() {
                mcp_proto::Message::Notification(n) => {
                    if let Some((conversation, event)) = d.event(&n) {
                        assert_eq!(conversation, "c");
                        events.push(event);
                    }
                }
                mcp_proto::Message::Request(r) => requests.push(d.server_request(&r)),
                _ => {}
            }
        }
        (events, requests)
    }

    fn kinds(events: &[Event]) -> Vec<&str> {
        events.iter().map(Event::kind).collect()
    }

    /// Replay `transcript` (a whole turn of call 3) into [`holding`]`(3)`: the turn must end
    /// with `task_complete` and leave `session` as the conversation's session id.
    fn replay_turn(transcript: &str, session: &str) -> (McpTool, Vec<Event>, Vec<ServerRequest>) {
        let d = holding(3);
        let (events, requests) = replay(&d, transcript);
        assert_eq!(kinds(&events).last(), Some(&"task_complete"));
        assert_eq!(
            d.state().conversations["c"].session_id.as_deref(),
            Some(session)
        );
        (d, events, requests)
    }

    #[test]
    fn replays_the_recorded_080_mcp_server_turn() {
        // The session `codex-reply` needs, and the turn's end, are recorded.
        let (d, events, requests) = replay_turn(
            include_str!("../../../mcp-proto/tests/fixtures/reference/0.80.0-mcp-server-tool-call-elicitation.jsonl"),
            "01a21209-7d8a-7d42-9e80-6abc6e79a310",
        );
        let kinds = kinds(&events);
        assert_eq!(kinds.first(), Some(&"session_configured"));
        assert!(kinds.contains(&"turn_started"));
        assert!(events.contains(&Event::AgentMessage {
            text: "All done (fake model).".into()
        }));
        let state = d.state();
        assert_eq!(state.conversations["c"].running, None);
        assert_eq!(state.calls[&3].end, Some(CallEnd::Finished));
        drop(state);
        let [ServerRequest::Approval(ApprovalRequest::Exec(exec)), ServerRequest::Approval(ApprovalRequest::Patch(patch))] =
            &requests[..]
        else {
            panic!("{requests:?}")
        };
        assert_eq!(exec.conversation_id, "c");
        assert_eq!(exec.call_id, "call_exec_1");
        assert_eq!(exec.command, ["bash", "-lc", "touch created_by_exec.txt"]);
        assert_eq!(exec.cwd, PathBuf::from("<tmp>/work"));
        assert_eq!(patch.call_id, "call_patch_2");
        assert_eq!(patch.changes[0].kind, FileChangeKind::Add);
        assert_eq!(
            patch.changes[0].content.as_deref(),
            Some("hello from patch\n")
        );
    }

    #[test]
    fn replays_the_recorded_039_codex_mcp_tool_turn() {
        // The pre-0.59 file-change shape `{"add":{"content":…}}`.
        let (_, _, requests) = replay_turn(
            include_str!("../../../mcp-proto/tests/fixtures/reference/0.39.0-mcp-tool-call-elicitation.jsonl"),
            "01a21202-099e-72d3-a5be-4d7b4e9bfe6d",
        );
        assert!(
            matches!(&requests[1], ServerRequest::Approval(ApprovalRequest::Patch(p))
            if p.changes[0].kind == FileChangeKind::Add && p.changes[0].content.as_deref() == Some("hello from patch\n"))
        );
    }

    #[test]
    fn the_150_elicitation_gets_the_reason_of_the_event_before_it() {
        // 0.150 puts the model's justification only in the `exec_approval_request` event.
        let (_, _, requests) = replay_turn(
            include_str!("../../../mcp-proto/tests/fixtures/reference/0.150.0-mcp-server-tool-call-on-request.jsonl"),
            "01a21209-fb2f-7951-aae1-ccbf5361f780",
        );
        let ServerRequest::Approval(ApprovalRequest::Exec(exec)) = &requests[0] else {
            panic!("{requests:?}")
        };
        assert_eq!(exec.reason.as_deref(), Some("probe wants to touch a file"));
        assert_eq!(exec.call_id, "call_execesc_1");
    }

    #[test]
    fn the_020_duplicate_events_are_dropped() {
        // 0.20 – 0.22 send each event twice; only the `codex/event` copy is read.
        let d = holding(3);
        let text = include_str!(
            "../../../mcp-proto/tests/fixtures/reference/0.20.0-mcp-tool-call-duplicated-events.jsonl"
        );
        let (events, _) = replay(&d, text);
        let sent = text
            .lines()
            .filter(|l| l.contains(r#""method": "codex/event""#))
            .count();
        assert_eq!(events.len(), sent);
        let started = events
            .iter()
            .filter(|e| matches!(e, Event::TurnStarted))
            .count();
        assert_eq!(started, 1);
    }

    fn tool_event(call: Value, msg: Value) -> Notification {
        Notification {
            method: "codex/event".into(),
            params: raw(&json!({"_meta": {"requestId": call}, "id": "3", "msg": msg})),
        }
    }

    #[test]
    fn events_route_by_the_call_id_only() {
        let d = holding(3);
        let msg = json!({"type": "task_started"});
        assert_eq!(
            d.event(&tool_event(json!(3), msg.clone())),
            Some(("c".into(), Event::TurnStarted))
        );
        // Another call, a string id, no `_meta`, the conversation API's shape: not routed.
        assert_eq!(d.event(&tool_event(json!(4), msg.clone())), None);
        assert_eq!(d.event(&tool_event(json!("3"), msg.clone())), None);
        let bare = Notification {
            method: "codex/event".into(),
            params: raw(&json!({"id": "3", "msg": msg, "conversationId": "c"})),
        };
        assert_eq!(d.event(&bare), None);
        // `turn_aborted` marks the call aborted: its answer will never come.
        let aborted = d.event(&tool_event(
            json!(3),
            json!({"type": "turn_aborted", "reason": "interrupted"}),
        ));
        assert_eq!(
            aborted,
            Some((
                "c".into(),
                Event::TurnAborted {
                    reason: "interrupted".into()
                }
            ))
        );
        let state = d.state();
        assert_eq!(state.calls[&3].end, Some(CallEnd::Aborted));
        assert!(state.calls[&3].ended.is_cancelled());
        assert_eq!(state.conversations["c"].running, None);
    }

    fn elicit(params: Value) -> ServerRequest {
        let request = Request {
            id: RequestId::Number(0),
            method: "elicitation/create".into(),
            params: raw(&params),
        };
        holding(3).server_request(&request)
    }

    #[test]
    fn an_unreadable_elicitation_is_denied() {
        let base = json!({"message": "Allow?", "requestedSchema": {"type": "object", "properties": {}},
            "codex_mcp_tool_call_id": "3", "codex_call_id": "call_1"});
        let with = |extra: Value| {
            let mut p = base.clone();
            p.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            elicit(p)
        };
        for bad in [
            with(json!({"codex_elicitation": "exec-approval", "codex_cwd": "/w"})),
            with(json!({"codex_elicitation": "patch-approval"})),
            with(json!({"codex_elicitation": "network-approval"})),
            with(json!({})),
            elicit(json!({"codex_elicitation": "exec-approval"})),
        ] {
            assert!(matches!(bad, ServerRequest::BadApproval { .. }), "{bad:?}");
        }
        // A call this session does not know routes to no conversation (the peer denies it).
        let mut p = base.clone();
        p["codex_mcp_tool_call_id"] = json!("99");
        p["codex_elicitation"] = json!("exec-approval");
        p["codex_command"] = json!(["ls"]);
        p["codex_cwd"] = json!("/w");
        assert!(matches!(
            elicit(p),
            ServerRequest::Approval(ApprovalRequest::Exec(e)) if e.conversation_id.is_empty()
        ));
    }

    #[test]
    fn decisions_are_codex_decision_objects() {
        let d = McpTool::new();
        for (decision, wire) in [
            (ReviewDecision::Approved, r#"{"decision":"approved"}"#),
            (
                ReviewDecision::ApprovedForSession,
                r#"{"decision":"approved_for_session"}"#,
            ),
            (ReviewDecision::Denied, r#"{"decision":"denied"}"#),
            (ReviewDecision::Abort, r#"{"decision":"abort"}"#),
        ] {
            assert_eq!(d.decision_result(decision).get(), wire);
        }
    }

    #[test]
    fn options_become_the_codex_tool_arguments() {
        let options = ConversationOptions::new()
            .cwd("/w")
            .model("m")
            .sandbox(crate::SandboxMode::ReadOnly)
            .base_instructions("be brief")
            .config("model_reasoning_effort", json!("low"));
        let args = mcp_proto::to_arguments(&codex_args(&options, "hi")).unwrap();
        assert_eq!(
            Value::Object(args),
            json!({"prompt": "hi", "approval-policy": "untrusted", "sandbox": "read-only",
                "cwd": "/w", "model": "m", "base-instructions": "be brief",
                "config": {"model_reasoning_effort": "low"}})
        );
    }

    #[test]
    fn the_reply_key_follows_the_version() {
        let keys = |version: &str| {
            let v: crate::CodexVersion = version.parse().unwrap();
            McpTool::for_version("mcp", &Quirks::of(&v)).reply_keys
        };
        assert_eq!(keys("0.29.0"), SESSION_ID);
        assert_eq!(keys("0.39.0"), CONVERSATION_ID);
        assert_eq!(keys("0.80.0"), CONVERSATION_ID);
        assert_eq!(keys("0.87.0"), THREAD_ID);
        assert_eq!(McpTool::new().reply_keys, CONVERSATION_ID);
        assert_eq!(McpTool::new().server_args(), ["mcp-server"]);
    }

    // A scripted `codex mcp-server` over an in-process pipe, driving the generation through the
    // peer and a `Conversation` as the session does.

    const LIMIT: Duration = Duration::from_secs(5);

    #[derive(Debug)]
    struct Fixed(ReviewDecision);

    #[async_trait::async_trait]
    impl ApprovalHandler for Fixed {
        async fn decide(
            &self,
            _: &ApprovalRequest,
        ) -> std::result::Result<ApprovalDecision, HandlerError> {
            Ok(ApprovalDecision::new(self.0, "test", "fixed"))
        }
    }

    struct Server {
        lines: tokio::io::Lines<BufReader<tokio::io::ReadHalf<tokio::io::DuplexStream>>>,
        out: tokio::io::WriteHalf<tokio::io::DuplexStream>,
    }

    impl Server {
        async fn recv(&mut self) -> Value {
            let line = tokio::time::timeout(LIMIT, self.lines.next_line())
                .await
                .expect("the client sent nothing in time")
                .unwrap()
                .expect("the client closed its output");
            serde_json::from_str(&line).unwrap()
        }

        async fn send(&mut self, message: Value) {
            let line = format!("{message}\n");
            self.out.write_all(line.as_bytes()).await.unwrap();
        }

        async fn event(&mut self, call: &Value, msg: Value) {
            self.send(json!({"jsonrpc": "2.0", "method": "codex/event",
                "params": {"_meta": {"requestId": call}, "id": "1", "msg": msg}}))
                .await;
        }

        /// `session_configured` (session `s-1`) and `task_started` under `call`.
        async fn configure_and_start(&mut self, call: &Value) {
            self.event(
                call,
                json!({"type": "session_configured", "session_id": "s-1",
                    "model": "m", "history_log_id": 0, "history_entry_count": 0}),
            )
            .await;
            self.event(call, json!({"type": "task_started"})).await;
        }

        /// `turn_aborted` (reason `interrupted`) under `call`.
        async fn abort(&mut self, call: &Value) {
            self.event(
                call,
                json!({"type": "turn_aborted", "reason": "interrupted"}),
            )
            .await;
        }

        /// The turn's message `done`, `task_complete` (both under `call`), and the answer to
        /// the `tools/call` whose id is `call`.
        async fn complete_done(&mut self, call: &Value) {
            self.event(call, json!({"type": "agent_message", "message": "done"}))
                .await;
            self.event(
                call,
                json!({"type": "task_complete", "last_agent_message": "done"}),
            )
            .await;
            self.send(json!({"jsonrpc": "2.0", "id": call,
                "result": {"content": [{"type": "text", "text": "done"}]}}))
                .await;
        }
    }

    type Turn = tokio::task::JoinHandle<(Conversation, Result<crate::outcome::TurnOutcome>)>;

    /// Run a turn of `text` in a task that gives the conversation back with the outcome.
    fn spawn_turn(mut conversation: Conversation, text: &'static str) -> Turn {
        tokio::spawn(async move {
            let outcome = conversation.run_turn(text).await;
            (conversation, outcome)
        })
    }

    /// Wait for a spawned turn (within [`LIMIT`]).
    async fn join(turn: Turn) -> (Conversation, Result<crate::outcome::TurnOutcome>) {
        tokio::time::timeout(LIMIT, turn).await.unwrap().unwrap()
    }

    async fn start(
        decision: ReviewDecision,
        request_timeout: Duration,
    ) -> (Conversation, Server, Arc<Peer>) {
        let (client, server) = tokio::io::duplex(1 << 16);
        let (read, write) = tokio::io::split(client);
        let config = PeerConfig {
            max_line: 1 << 20,
            approval_timeout: LIMIT,
            stall_timeout: None,
            event_queue: 1024,
            slow_consumer_grace: Duration::from_secs(1),
            write_queue: 64,
        };
        let generation: Arc<dyn Generation> = Arc::new(McpTool::new());
        let peer = Peer::start(
            read,
            write,
            None,
            generation.clone(),
            Arc::new(Fixed(decision)),
            Arc::new(crate::audit::NoAudit),
            config,
        );
        let options = ConversationOptions::new().cwd("/w");
        let info = generation
            .new_conversation(&peer, &options, LIMIT)
            .await
            .unwrap();
        let route = peer.add_route(&info.id, options.cwd.clone());
        let subscription = generation.subscribe(&peer, &info.id, LIMIT).await.unwrap();
        let conversation = Conversation::new(
            peer.clone(),
            route,
            info,
            subscription,
            request_timeout,
            &options,
        );
        let (read, out) = tokio::io::split(server);
        let server = Server {
            lines: BufReader::new(read).lines(),
            out,
        };
        (conversation, server, peer)
    }

    async fn no_pending_call(peer: &Peer) -> bool {
        for _ in 0..100 {
            if peer.pending_calls() == 0 {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        false
    }

    /// The abort trap (`codex-protocol.md` 2.4): an `abort` decision ends the turn at
    /// `turn_aborted` and the `tools/call` is never answered; the turn must end there, the
    /// orphaned call must leave the pending table, and the conversation must go on.
    #[tokio::test]
    async fn an_abort_ends_the_turn_without_the_tool_answer() {
        let (conversation, mut server, peer) = start(ReviewDecision::Abort, LIMIT).await;
        let turn = spawn_turn(conversation, "run it");
        let call = server.recv().await;
        assert_eq!(call["method"], "tools/call");
        assert_eq!(call["params"]["name"], "codex");
        assert_eq!(
            call["params"]["arguments"],
            json!({"prompt": "run it", "approval-policy": "untrusted", "cwd": "/w"})
        );
        let id = call["id"].clone();
        server.configure_and_start(&id).await;
        server
            .send(
                json!({"jsonrpc": "2.0", "id": 0, "method": "elicitation/create", "params": {
            "message": "Allow?", "requestedSchema": {"type": "object", "properties": {}},
            "codex_elicitation": "exec-approval", "codex_mcp_tool_call_id": id.to_string(),
            "codex_event_id": "1", "codex_call_id": "call_1", "codex_command": ["rm", "-rf", "x"],
            "codex_cwd": "/w"}}),
            )
            .await;
        let answer = server.recv().await;
        assert_eq!(
            answer,
            json!({"jsonrpc": "2.0", "id": 0, "result": {"decision": "abort"}})
        );
        server.abort(&id).await;
        let (conversation, outcome) = join(turn).await;
        let outcome = outcome.unwrap();
        assert_eq!(
            outcome.end,
            TurnEnd::Aborted {
                reason: "interrupted".into()
            }
        );
        assert_eq!(outcome.denied.len(), 1);
        assert!(
            no_pending_call(&peer).await,
            "the orphaned tools/call leaked"
        );

        // The next message continues the session with `codex-reply`.
        let turn = spawn_turn(conversation, "again");
        let reply = server.recv().await;
        assert_eq!(reply["params"]["name"], "codex-reply");
        assert_eq!(
            reply["params"]["arguments"],
            json!({"prompt": "again", "conversationId": "s-1"})
        );
        let id = reply["id"].clone();
        server.event(&id, json!({"type": "task_started"})).await;
        server.complete_done(&id).await;
        let (_conversation, outcome) = join(turn).await;
        let outcome = outcome.unwrap();
        assert_eq!(outcome.end, TurnEnd::Completed);
        assert_eq!(outcome.final_message.as_deref(), Some("done"));
        assert!(no_pending_call(&peer).await);
    }

    /// After an abort the server's task for the aborted call is stuck, and it takes a share of
    /// the conversation's later events (measured on 0.80.0): the next turn's events may come
    /// under the aborted call's id, even its end. They must reach the conversation, count as
    /// the new call's start (no start timeout), and end its turn; the new call, whose answer
    /// then never comes, is given up after a short wait.
    #[tokio::test]
    async fn the_aborted_calls_task_may_carry_the_next_turn() {
        let (conversation, mut server, peer) =
            start(ReviewDecision::Denied, Duration::from_millis(300)).await;
        let turn = spawn_turn(conversation, "run it");
        let old = server.recv().await["id"].clone();
        server.configure_and_start(&old).await;
        server.abort(&old).await;
        let (conversation, outcome) = join(turn).await;
        assert!(matches!(outcome.unwrap().end, TurnEnd::Aborted { .. }));

        let turn = spawn_turn(conversation, "again");
        let reply = server.recv().await;
        assert_eq!(reply["params"]["name"], "codex-reply");
        server.event(&old, json!({"type": "task_started"})).await;
        // Longer than the start time limit: the event above counts as the new call's start.
        tokio::time::sleep(Duration::from_millis(600)).await;
        server.complete_done(&old).await;
        let (_conversation, outcome) = join(turn).await;
        let outcome = outcome.unwrap();
        assert_eq!(outcome.end, TurnEnd::Completed, "{outcome:?}");
        assert_eq!(outcome.final_message.as_deref(), Some("done"));
        tokio::time::sleep(ANSWER_GRACE).await;
        assert!(no_pending_call(&peer).await, "the unanswered reply leaked");
    }

    /// A `tools/call` answered with `isError` and no events (a setting the version rejects)
    /// ends the turn as failed with the server's text.
    #[tokio::test]
    async fn an_error_result_fails_the_turn() {
        let (conversation, mut server, _peer) = start(ReviewDecision::Denied, LIMIT).await;
        let turn = spawn_turn(conversation, "hi");
        let call = server.recv().await;
        server.send(json!({"jsonrpc": "2.0", "id": call["id"], "result": {"isError": true,
            "content": [{"type": "text", "text": "Failed to parse configuration for Codex tool: unknown variant `untrusted`"}]}}))
            .await;
        let outcome = join(turn).await.1.unwrap();
        assert!(
            matches!(&outcome.end, TurnEnd::Failed { message } if message.contains("unknown variant")),
            "{outcome:?}"
        );
    }

    /// A result without events (no `task_complete` seen) completes the turn with its text,
    /// read from `structuredContent` when present (0.87+).
    #[tokio::test]
    async fn the_result_text_completes_a_turn_without_events() {
        let (conversation, mut server, _peer) = start(ReviewDecision::Denied, LIMIT).await;
        let turn = spawn_turn(conversation, "hi");
        let call = server.recv().await;
        server
            .send(json!({"jsonrpc": "2.0", "id": call["id"], "result": {
            "structuredContent": {"threadId": "t-1", "content": "from the result"},
            "content": [{"type": "text", "text": "from the result"}]}}))
            .await;
        let outcome = join(turn).await.1.unwrap();
        assert_eq!(outcome.end, TurnEnd::Completed);
        assert_eq!(outcome.final_message.as_deref(), Some("from the result"));
    }

    /// Servers before 0.95 drop a request they cannot parse without a word: a call with no
    /// event within the request timeout ends the turn with the timeout message, and leaves
    /// nothing pending.
    #[tokio::test]
    async fn a_call_that_never_starts_fails_the_turn() {
        let (conversation, mut server, peer) =
            start(ReviewDecision::Denied, Duration::from_millis(200)).await;
        let turn = spawn_turn(conversation, "hi");
        let _ = server.recv().await;
        let (_conversation, outcome) = join(turn).await;
        let outcome = outcome.unwrap();
        assert!(
            matches!(&outcome.end, TurnEnd::Failed { message } if message.contains("`tools/call` got no answer")),
            "{outcome:?}"
        );
        assert!(no_pending_call(&peer).await);
    }

    /// Interrupt is MCP's `notifications/cancelled` naming the running call (0.39 and 0.80
    /// answer it with `turn_aborted`); sending returns before the turn's answer.
    #[tokio::test]
    async fn interrupt_cancels_the_running_call() {
        let (mut conversation, mut server, peer) = start(ReviewDecision::Denied, LIMIT).await;
        tokio::time::timeout(LIMIT, conversation.send_message("think"))
            .await
            .unwrap()
            .unwrap();
        let call = server.recv().await;
        let id = call["id"].clone();
        server.event(&id, json!({"type": "task_started"})).await;
        assert_eq!(
            tokio::time::timeout(LIMIT, conversation.next_event())
                .await
                .unwrap(),
            Some(Event::TurnStarted)
        );
        conversation.interrupt().await.unwrap();
        let cancel = server.recv().await;
        assert_eq!(
            cancel,
            json!({"jsonrpc": "2.0", "method": "notifications/cancelled",
                "params": {"requestId": id, "reason": "interrupted"}})
        );
        server.abort(&id).await;
        assert!(matches!(
            tokio::time::timeout(LIMIT, conversation.next_event())
                .await
                .unwrap(),
            Some(Event::TurnAborted { .. })
        ));
        assert!(no_pending_call(&peer).await);
        // Listing and friends are typed errors.
        let err = peer
            .generation()
            .list_conversations(&peer, None, None, LIMIT)
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::Unsupported {
                    protocol: "mcp-tool",
                    ..
                }
            ),
            "{err:?}"
        );
    }
}
