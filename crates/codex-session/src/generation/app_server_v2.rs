//! `codex app-server` v2 (`thread/*`, `turn/*`, `item/*`), for codex 0.63 and later (the
//! newest generation, and the only one from 0.154).
//!
//! What is particular to this generation (see `codex-protocol.md` 2.3):
//! - no `"jsonrpc"` written; the handshake is `initialize {clientInfo}` then `initialized`;
//! - a conversation is a thread (`thread/start`, subscribed at once: no listener); a message is
//!   `turn/start` with flat text items; `turn/interrupt` needs the running turn's id, so the
//!   generation remembers the last turn id per thread;
//! - the `thread/start` enums are spelled camelCase up to 0.66 and kebab-case from 0.72 (each
//!   era rejects the other): the spelling is fixed at construction from the detected version;
//! - events are `item/started` / `item/completed` / deltas / `turn/completed`; 0.63–0.114 also
//!   send the old `codex/event/*` for the same thread, which this generation ignores (they would
//!   double every event);
//! - approval requests name an item and do not carry the diff (nor, before 0.89, the command):
//!   the generation keeps each started `commandExecution` / `fileChange` item until it completes
//!   and fills the approval from it. An approval whose item is unknown is denied;
//! - commands are one shell string (`/bin/bash -lc 'touch x'`); they are split into an argv
//!   with POSIX quoting so the approval policy sees the same shape as from `codex mcp`;
//! - decisions are `accept` / `acceptForSession` / `decline` / `cancel`;
//! - stored threads (measured on 0.80.0 and 0.169.0): `thread/list {limit, cursor}` answers
//!   `{data: [thread], nextCursor}` newest first, with `preview` and `createdAt` (Unix seconds,
//!   given to callers as RFC 3339); `thread/resume {threadId, …overrides}` loads a thread and
//!   subscribes to it, like `thread/start` (its `path` member needs the experimental API on
//!   0.169, so a rollout path is turned into its id: Codex writes the id into the file name);
//!   `thread/archive {threadId}` hides it (0.169 then refuses to resume it). Unknown ids are
//!   answered `no rollout found for thread id …`. Turn ids restart in a resumed thread.
//!
//! MCP tool-call approvals (measured on 0.169.0 with a one-tool MCP server in `config.toml`
//! and the thread's approval policy `untrusted`): before each call of an MCP server's tool,
//! 0.169 starts an `mcpToolCall` item (`{id: <call id>, server, tool, arguments}`), then asks
//! with the server request `mcpServer/elicitation/request`
//! `{threadId, turnId, serverName, message, mode: "form", requestedSchema: {}, _meta:
//! {codex_approval_kind: "mcp_tool_call", tool_name, tool_params, tool_description, persist:
//! ["session","always"], tool_params_display}}` (no item id: the generation matches the started
//! item by thread, server and tool, preferring equal arguments). It accepts the MCP
//! elicitation answer: `{"action":"accept"}` (with or without `content`) runs the tool;
//! `{"action":"decline"}` gives the model "user rejected MCP tool call" and `{"action":"cancel"}`
//! "user cancelled MCP tool call", and the turn goes on in both cases. A JSON-RPC error reply,
//! `{}` and a v2 `{"decision":"accept"}` all count as a rejection (nothing hangs, but the
//! answer must still be a `result`, as for every approval). A plain `accept` holds for one
//! call (the next call of the same tool asks again); `accept` with
//! `"_meta":{"persist":"session"}` is not asked again in the session. With the approval policy
//! `never`, 0.169 does not ask and refuses every MCP tool call ("MCP tool call requires
//! approval, but approval policy is never"); `untrusted` and `on-request` ask. The generation
//! answers every `mcpServer/elicitation/request` with an action: `approved` → `accept`,
//! `approved_for_session` → `accept` + `persist: session`, `denied` → `decline`, `abort` →
//! `cancel`, and anything unreadable or not a tool-call approval (a server's own form) →
//! `decline`. 0.80.0 calls MCP tools without asking (no such request, whatever the policy).
//!
//! Spoken for `Protocol::AppServerV2` (kebab-case enums) and, with the detected version's
//! quirks, for `Protocol::Auto`; tested against the real 0.80.0 and 0.169.0 in
//! `tests/it/matrix.rs` and `tests/it/threads.rs`.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use mcp_proto::{
    CommandExecutionRequestApproval, ElicitAction, FileChangeRequestApproval, ItemCompleted,
    ItemDeltaParams, ItemNotificationParams, McpServerElicitationRequest,
    McpServerElicitationResponse, Notification, PatchChangeKindType, Request, RequestMethod,
    Spelled, ThreadArchive, ThreadArchiveParams, ThreadItem, ThreadList, ThreadListParams,
    ThreadResume, ThreadResumeParams, ThreadStart, ThreadStartParams, TokenUsageUpdatedParams,
    TurnDiffUpdatedParams, TurnInterrupt, TurnInterruptParams, TurnNotificationParams, TurnStart,
    TurnStartParams, TurnStatus, UserInput, V2ApprovalResponse, V2Decision, V2Spelling,
};
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::generation::{answer_or_refuse, raw};

use crate::approval::{
    ApprovalRequest, ExecApproval, FileChange, FileChangeKind, McpToolApproval, PatchApproval,
    ReviewDecision,
};
use crate::conversation::{ConversationOptions, TurnOptions};
use crate::error::{Error, Result};
use crate::event::{Event, TokenUsage};
use crate::generation::{
    find_listed, id_from_rollout_path, ClientIdentity, ConversationInfo, ConversationPage,
    ConversationSummary, Generation, ServerInfo, ServerRequest, Stored,
};
use crate::peer::Peer;

const NAME: &str = "app-server-v2";

/// The `type` of an MCP tool call item.
const MCP_TOOL_CALL_ITEM: &str = "mcpToolCall";

fn is_mcp_tool_call(item: &ThreadItem) -> bool {
    matches!(item, ThreadItem::Unknown(_)) && item.kind() == MCP_TOOL_CALL_ITEM
}

/// Items between `item/started` and `item/completed`, and the last turn and agent message of
/// each thread.
#[derive(Debug, Default)]
struct State {
    items: HashMap<(String, String), ThreadItem>,
    turns: HashMap<String, String>,
    last_message: HashMap<String, String>,
}

/// See the module docs.
#[derive(Debug)]
pub(crate) struct AppServerV2 {
    spelling: V2Spelling,
    state: Mutex<State>,
}

fn params<T: DeserializeOwned>(n: &Notification) -> Option<T> {
    serde_json::from_str(n.params.as_deref()?.get()).ok()
}

/// Split a shell command line into words (POSIX quoting: '…', "…" with `\` escapes, bare `\`).
/// `None` when a quote is left open.
pub(crate) fn split_command(line: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '\'' => break,
                        c => word.push(c),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => match chars.next()? {
                            c @ ('"' | '\\' | '$' | '`') => word.push(c),
                            '\n' => {}
                            c => {
                                word.push('\\');
                                word.push(c);
                            }
                        },
                        c => word.push(c),
                    }
                }
            }
            '\\' => {
                in_word = true;
                match chars.next() {
                    Some('\n') | None => {}
                    Some(c) => word.push(c),
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Some(words)
}

fn argv(command: &str) -> Vec<String> {
    split_command(command).unwrap_or_else(|| vec![command.to_owned()])
}

/// The MCP elicitation answer that carries `d` (see the module docs).
fn elicit_answer(d: ReviewDecision) -> McpServerElicitationResponse {
    match d {
        ReviewDecision::Approved => McpServerElicitationResponse::accept(),
        ReviewDecision::ApprovedForSession => McpServerElicitationResponse::accept_for_session(),
        ReviewDecision::Denied => McpServerElicitationResponse::action(ElicitAction::Decline),
        ReviewDecision::Abort => McpServerElicitationResponse::action(ElicitAction::Cancel),
    }
}

fn v2_decision(d: ReviewDecision) -> V2Decision {
    match d {
        ReviewDecision::Approved => V2Decision::Accept,
        ReviewDecision::ApprovedForSession => V2Decision::AcceptForSession,
        ReviewDecision::Denied => V2Decision::Decline,
        ReviewDecision::Abort => V2Decision::Cancel,
    }
}

fn file_changes(item: &mcp_proto::FileChangeItem) -> Vec<FileChange> {
    item.changes
        .iter()
        .map(|c| FileChange {
            path: c.path.clone(),
            kind: match c.kind.kind {
                PatchChangeKindType::Add => FileChangeKind::Add,
                PatchChangeKindType::Delete => FileChangeKind::Delete,
                _ => FileChangeKind::Update,
            },
            content: Some(c.diff.clone()),
            move_path: c
                .kind
                .extra
                .get("move_path")
                .and_then(|v| v.as_str())
                .map(PathBuf::from),
        })
        .collect()
}

impl AppServerV2 {
    /// The conversation options as `thread/start` settings (in this server's enum spelling);
    /// `thread/resume` takes the same ones.
    fn thread_settings(&self, options: &ConversationOptions) -> ThreadStartParams {
        ThreadStartParams {
            cwd: options.cwd.clone(),
            approval_policy: options
                .approval_policy
                .map(|p| Spelled::new(p, self.spelling)),
            sandbox: options.sandbox.map(|s| Spelled::new(s, self.spelling)),
            model: options.model.clone(),
            config: (!options.config.is_empty()).then(|| options.config.iter().cloned().collect()),
            extra: Default::default(),
        }
    }

    /// A generation writing `thread/start` enums in `spelling` (camelCase up to 0.66, kebab-case
    /// from 0.72: `detect::Quirks::v2_enums`).
    pub(crate) fn new(spelling: V2Spelling) -> Self {
        AppServerV2 {
            spelling,
            state: Mutex::new(State::default()),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn item_event(&self, p: ItemNotificationParams, completed: bool) -> Option<(String, Event)> {
        let thread = p.thread_id.clone();
        let key = (thread.clone(), p.item.id().unwrap_or_default().to_owned());
        let mut state = self.state();
        // 0.80 completes a declined command twice (`declined`, then `failed` with exit code
        // -1): only the first completion of a started item counts.
        let mut repeated = false;
        if completed {
            repeated = state.items.remove(&key).is_none()
                && matches!(
                    p.item,
                    ThreadItem::CommandExecution(_) | ThreadItem::FileChange(_)
                );
        } else if matches!(
            p.item,
            ThreadItem::CommandExecution(_) | ThreadItem::FileChange(_)
        ) || is_mcp_tool_call(&p.item)
        {
            state.items.insert(key, p.item.clone());
        }
        if repeated {
            return Some((
                thread,
                Event::Other {
                    kind: "item_completed_again".to_owned(),
                    raw: serde_json::to_value(&p.item).unwrap_or_default(),
                },
            ));
        }
        let event = match (p.item, completed) {
            (ThreadItem::CommandExecution(i), false) => Event::CommandStarted {
                call_id: i.id,
                command: argv(&i.command),
                cwd: i.cwd,
            },
            (ThreadItem::CommandExecution(i), true) => match i.exit_code {
                Some(code) if i.status != mcp_proto::ItemStatus::Declined => {
                    Event::CommandFinished {
                        call_id: i.id,
                        exit_code: i32::try_from(code).unwrap_or(i32::MIN),
                        output: i.aggregated_output.unwrap_or_default(),
                        duration: i.duration_ms.map(Duration::from_millis),
                    }
                }
                // Declined or cancelled: it never ran.
                _ => Event::Other {
                    kind: "command_not_run".to_owned(),
                    raw: serde_json::to_value(&i).unwrap_or_default(),
                },
            },
            (ThreadItem::FileChange(i), false) => Event::PatchStarted {
                changes: file_changes(&i),
                call_id: i.id,
                auto_approved: false,
            },
            (ThreadItem::FileChange(i), true) => Event::PatchFinished {
                success: i.status == mcp_proto::ItemStatus::Completed,
                call_id: i.id,
                output: String::new(),
            },
            (ThreadItem::AgentMessage(i), true) => {
                state.last_message.insert(thread.clone(), i.text.clone());
                Event::AgentMessage { text: i.text }
            }
            (item, _) => Event::Other {
                kind: item.kind().to_owned(),
                raw: serde_json::to_value(&item).unwrap_or_default(),
            },
        };
        Some((thread, event))
    }

    fn turn_completed(&self, p: TurnNotificationParams) -> Option<(String, Event)> {
        let thread = p.thread_id?;
        let last = self.state().last_message.remove(&thread);
        let event = match p.turn.status {
            TurnStatus::Interrupted => Event::TurnAborted {
                reason: "interrupted".to_owned(),
            },
            TurnStatus::Failed => Event::Error {
                message: p
                    .turn
                    .error
                    .as_ref()
                    .and_then(|e| e.get("message"))
                    .and_then(|m| m.as_str())
                    .unwrap_or("the turn failed")
                    .to_owned(),
            },
            _ => Event::TurnComplete {
                last_agent_message: last,
            },
        };
        Some((thread, event))
    }

    fn exec_approval(&self, request: &Request) -> ServerRequest {
        let p = match request.params_as::<CommandExecutionRequestApproval>() {
            Ok(p) => p,
            Err(e) => {
                return ServerRequest::BadApproval {
                    message: e.to_string(),
                }
            }
        };
        let started = self
            .state()
            .items
            .get(&(p.thread_id.clone(), p.item_id.clone()))
            .cloned();
        let (command, cwd) = match (p.command, p.cwd, started) {
            (Some(command), Some(cwd), _) => (command, cwd),
            (_, _, Some(ThreadItem::CommandExecution(item))) => (item.command, item.cwd),
            _ => {
                return ServerRequest::BadApproval {
                    message: format!("approval for unknown command item `{}`", p.item_id),
                }
            }
        };
        ServerRequest::Approval(ApprovalRequest::Exec(ExecApproval {
            conversation_id: p.thread_id,
            call_id: p.item_id,
            command: argv(&command),
            cwd,
            reason: p.reason,
        }))
    }

    fn patch_approval(&self, request: &Request) -> ServerRequest {
        let p = match request.params_as::<FileChangeRequestApproval>() {
            Ok(p) => p,
            Err(e) => {
                return ServerRequest::BadApproval {
                    message: e.to_string(),
                }
            }
        };
        let started = self
            .state()
            .items
            .get(&(p.thread_id.clone(), p.item_id.clone()))
            .cloned();
        let Some(ThreadItem::FileChange(item)) = started else {
            return ServerRequest::BadApproval {
                message: format!("approval for unknown file-change item `{}`", p.item_id),
            };
        };
        ServerRequest::Approval(ApprovalRequest::Patch(PatchApproval {
            conversation_id: p.thread_id,
            call_id: p.item_id,
            changes: file_changes(&item),
            reason: p.reason,
            grant_root: p.grant_root,
            cwd: None,
        }))
    }

    /// `mcpServer/elicitation/request`: an MCP tool-call approval (see the module docs), or a
    /// bad approval (declined) for anything else.
    fn mcp_elicitation(&self, request: &Request) -> ServerRequest {
        let p = match request.params_as::<McpServerElicitationRequest>() {
            Ok(p) => p,
            Err(e) => {
                return ServerRequest::BadApproval {
                    message: e.to_string(),
                }
            }
        };
        if !p.is_tool_call_approval() {
            return ServerRequest::BadApproval {
                message: format!(
                    "an elicitation of MCP server `{}` that is not a tool-call approval",
                    p.server_name
                ),
            };
        }
        let meta = p.meta.unwrap_or_default();
        let Some(tool) = meta.tool_name.filter(|t| !t.is_empty()) else {
            return ServerRequest::BadApproval {
                message: format!(
                    "a tool-call approval of MCP server `{}` without a tool name",
                    p.server_name
                ),
            };
        };
        let arguments = meta.tool_params;
        // The started `mcpToolCall` item of this thread for the same server and tool (equal
        // arguments first: parallel calls of one tool).
        let call_id = {
            let state = self.state();
            let mut candidates: Vec<(&String, &serde_json::Value)> = state
                .items
                .iter()
                .filter(|((thread, _), _)| *thread == p.thread_id)
                .filter_map(|((_, id), item)| match item {
                    ThreadItem::Unknown(v)
                        if is_mcp_tool_call(item)
                            && v.get("server").and_then(|s| s.as_str())
                                == Some(p.server_name.as_str())
                            && v.get("tool").and_then(|t| t.as_str()) == Some(tool.as_str()) =>
                    {
                        Some((id, v))
                    }
                    _ => None,
                })
                .collect();
            candidates.sort_by(|a, b| a.0.cmp(b.0));
            candidates
                .iter()
                .find(|(_, v)| v.get("arguments") == arguments.as_ref())
                .or_else(|| candidates.first())
                .map(|(id, _)| (*id).clone())
                .unwrap_or_default()
        };
        ServerRequest::Approval(ApprovalRequest::McpToolCall(McpToolApproval {
            conversation_id: p.thread_id,
            call_id,
            server: p.server_name,
            tool,
            arguments,
            message: p.message,
        }))
    }

    fn unsupported(operation: &'static str) -> Error {
        Error::Unsupported {
            operation,
            protocol: NAME,
        }
    }
}

#[async_trait::async_trait]
impl Generation for AppServerV2 {
    fn server_args(&self) -> Vec<OsString> {
        vec!["app-server".into()]
    }

    fn writes_jsonrpc(&self) -> bool {
        false
    }

    fn auth_request(&self) -> Option<(&'static str, serde_json::Value)> {
        Some(("account/read", serde_json::json!({"refreshToken": false})))
    }

    fn probe_method(&self) -> Option<&'static str> {
        None
    }

    fn event(&self, n: &Notification) -> Option<(String, Event)> {
        match n.method.as_str() {
            "turn/started" => {
                let p: TurnNotificationParams = params(n)?;
                let thread = p.thread_id?;
                self.state().turns.insert(thread.clone(), p.turn.id);
                Some((thread, Event::TurnStarted))
            }
            "item/started" => self.item_event(params(n)?, false),
            m if m == <ItemCompleted as mcp_proto::NotificationMethod>::METHOD => {
                self.item_event(params(n)?, true)
            }
            "item/commandExecution/outputDelta" => {
                let p: ItemDeltaParams = params(n)?;
                Some((
                    p.thread_id,
                    Event::CommandOutput {
                        call_id: p.item_id,
                        chunk: p.delta,
                    },
                ))
            }
            "item/agentMessage/delta" => {
                let p: ItemDeltaParams = params(n)?;
                Some((p.thread_id, Event::AgentMessageDelta { delta: p.delta }))
            }
            "turn/diff/updated" => {
                let p: TurnDiffUpdatedParams = params(n)?;
                Some((
                    p.thread_id,
                    Event::TurnDiff {
                        unified_diff: p.diff,
                    },
                ))
            }
            "thread/tokenUsage/updated" => {
                let p: TokenUsageUpdatedParams = params(n)?;
                let t = p.token_usage.total;
                Some((
                    p.thread_id,
                    Event::TokenUsage(TokenUsage {
                        input_tokens: t.input_tokens,
                        cached_input_tokens: t.cached_input_tokens,
                        output_tokens: t.output_tokens,
                        reasoning_output_tokens: t.reasoning_output_tokens,
                        total_tokens: t.total_tokens,
                    }),
                ))
            }
            "turn/completed" => self.turn_completed(params(n)?),
            "error" => {
                // Not terminal: `turn/completed` (failed) follows when the turn gives up.
                let p: mcp_proto::ErrorNotificationParams = params(n)?;
                let message = p
                    .error
                    .get("message")
                    .and_then(|m| m.as_str())
                    .unwrap_or("error")
                    .to_owned();
                Some((p.thread_id?, Event::StreamError { message }))
            }
            // The v1 events 0.63–0.114 send next to v2 ones: ignored, they would double
            // every event.
            m if m.starts_with("codex/event") => None,
            _ => {
                let params: serde_json::Value = params(n)?;
                let thread = params.get("threadId")?.as_str()?.to_owned();
                Some((
                    thread,
                    Event::Other {
                        kind: n.method.clone(),
                        raw: params,
                    },
                ))
            }
        }
    }

    fn server_request(&self, request: &Request) -> ServerRequest {
        match request.method.as_str() {
            m if m == CommandExecutionRequestApproval::METHOD => self.exec_approval(request),
            m if m == FileChangeRequestApproval::METHOD => self.patch_approval(request),
            m if m == McpServerElicitationRequest::METHOD => self.mcp_elicitation(request),
            // v1 approvals inside v2 turns (codex before 0.63) and tool-mode elicitations: this
            // generation cannot answer them in their own spelling, so it denies them.
            "execCommandApproval" | "applyPatchApproval" | "elicitation/create" => {
                ServerRequest::BadApproval {
                    message: format!("`{}` is not an app-server v2 approval", request.method),
                }
            }
            _ => ServerRequest::Unknown,
        }
    }

    fn decision_result(&self, decision: ReviewDecision) -> Box<RawValue> {
        answer_or_refuse(
            &V2ApprovalResponse {
                decision: v2_decision(decision),
            },
            r#"{"decision":"decline"}"#,
        )
    }

    fn answer_result(&self, method: &str, decision: ReviewDecision) -> Box<RawValue> {
        if method != McpServerElicitationRequest::METHOD {
            return self.decision_result(decision);
        }
        answer_or_refuse(&elicit_answer(decision), r#"{"action":"decline"}"#)
    }

    async fn initialize(
        &self,
        peer: &Peer,
        client: &ClientIdentity,
        timeout: Duration,
    ) -> Result<ServerInfo> {
        super::app_server_v1::app_server_initialize(peer, client, timeout).await
    }

    async fn new_conversation(
        &self,
        peer: &Peer,
        options: &ConversationOptions,
        timeout: Duration,
    ) -> Result<ConversationInfo> {
        let params = self.thread_settings(options);
        let r = peer.request::<ThreadStart>(&params, timeout).await?;
        Ok(ConversationInfo {
            id: r.thread.id,
            model: r.model,
            rollout_path: r.thread.path,
        })
    }

    async fn subscribe(
        &self,
        _peer: &Peer,
        _conversation_id: &str,
        _timeout: Duration,
    ) -> Result<Option<String>> {
        // A v2 thread is subscribed by `thread/start` itself.
        Ok(None)
    }

    async fn send_message(
        &self,
        peer: &Peer,
        conversation_id: &str,
        text: &str,
        timeout: Duration,
    ) -> Result<()> {
        let params = TurnStartParams {
            thread_id: conversation_id.to_owned(),
            input: vec![UserInput::Text {
                text: text.to_owned(),
            }],
            extra: Default::default(),
        };
        let r = peer.request::<TurnStart>(&params, timeout).await?;
        self.state()
            .turns
            .insert(conversation_id.to_owned(), r.turn.id);
        Ok(())
    }

    async fn send_turn(
        &self,
        _peer: &Peer,
        _conversation_id: &str,
        _turn: &TurnOptions,
        _timeout: Duration,
    ) -> Result<()> {
        // `turn/start` takes per-turn overrides, but their shapes were never probed.
        Err(Self::unsupported("send_turn"))
    }

    async fn interrupt(&self, peer: &Peer, conversation_id: &str, timeout: Duration) -> Result<()> {
        let turn = self.state().turns.get(conversation_id).cloned();
        let Some(turn_id) = turn else {
            return Ok(());
        };
        let params = TurnInterruptParams {
            thread_id: conversation_id.to_owned(),
            turn_id,
        };
        peer.request::<TurnInterrupt>(&params, timeout).await?;
        Ok(())
    }

    fn interrupt_request(&self, conversation_id: &str) -> (&'static str, Option<Box<RawValue>>) {
        let turn_id = self
            .state()
            .turns
            .get(conversation_id)
            .cloned()
            .unwrap_or_default();
        let params = TurnInterruptParams {
            thread_id: conversation_id.to_owned(),
            turn_id,
        };
        (TurnInterrupt::METHOD, raw(&params))
    }

    fn unsubscribe_request(
        &self,
        _subscription: &str,
    ) -> Option<(&'static str, Option<Box<RawValue>>)> {
        None
    }

    async fn list_conversations(
        &self,
        peer: &Peer,
        page_size: Option<usize>,
        cursor: Option<&str>,
        timeout: Duration,
    ) -> Result<ConversationPage> {
        let params = ThreadListParams {
            cursor: cursor.map(str::to_owned),
            // The server reads a u32: a larger size is as good as "everything".
            limit: page_size.map(|n| u32::try_from(n).unwrap_or(u32::MAX)),
            extra: Default::default(),
        };
        let page = peer.request::<ThreadList>(&params, timeout).await?;
        Ok(ConversationPage {
            items: page
                .data
                .into_iter()
                .map(|t| ConversationSummary {
                    id: t.id,
                    path: t.path.unwrap_or_default(),
                    preview: t.preview.unwrap_or_default(),
                    timestamp: t.created_at.and_then(rfc3339),
                })
                .collect(),
            next_cursor: page.next_cursor,
        })
    }

    async fn resume_conversation(
        &self,
        peer: &Peer,
        stored: Stored<'_>,
        options: &ConversationOptions,
        timeout: Duration,
    ) -> Result<ConversationInfo> {
        // v2 resumes by thread id (`path` needs the experimental API on 0.169): a rollout
        // path gives its id through the file name, else through the listing.
        let thread_id = match stored {
            Stored::Id(id) => id.to_owned(),
            Stored::Path(path) => match id_from_rollout_path(path) {
                Some(id) => id,
                None => find_listed(self, peer, stored, timeout).await?.id,
            },
        };
        // Resuming takes the same settings as starting, plus the thread.
        let ThreadStartParams {
            cwd,
            approval_policy,
            sandbox,
            model,
            config,
            extra,
        } = self.thread_settings(options);
        let params = ThreadResumeParams {
            thread_id,
            cwd,
            approval_policy,
            sandbox,
            model,
            config,
            extra,
        };
        let r = peer.request::<ThreadResume>(&params, timeout).await?;
        // Turn ids restart in a resumed thread (0.80 counts from "0" again): forget the old.
        self.state().turns.remove(&r.thread.id);
        Ok(ConversationInfo {
            id: r.thread.id,
            model: r.model,
            rollout_path: r.thread.path,
        })
    }

    async fn archive_conversation(
        &self,
        peer: &Peer,
        conversation_id: &str,
        rollout_path: &Path,
        timeout: Duration,
    ) -> Result<()> {
        let thread_id = if !conversation_id.is_empty() {
            conversation_id.to_owned()
        } else if let Some(id) = id_from_rollout_path(rollout_path) {
            id
        } else {
            find_listed(self, peer, Stored::Path(rollout_path), timeout)
                .await?
                .id
        };
        let params = ThreadArchiveParams {
            thread_id,
            extra: Default::default(),
        };
        peer.request::<ThreadArchive>(&params, timeout).await?;
        Ok(())
    }
}

/// Seconds since the Unix epoch as RFC 3339 UTC (`2026-11-28T03:24:54Z`), the shape the
/// conversation API's listing gives its timestamps in. `None` outside years 0–9999.
fn rfc3339(secs: i64) -> Option<String> {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (H. Hinnant's `civil_from_days`).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (0..=9999).contains(&year).then(|| {
        format!(
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
            rem / 3600,
            rem % 3600 / 60,
            rem % 60
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use mcp_proto::Message;
    use serde_json::Value;

    #[test]
    fn splits_shell_command_lines() {
        assert_eq!(
            split_command("/bin/bash -lc 'touch created_by_exec.txt'").unwrap(),
            ["/bin/bash", "-lc", "touch created_by_exec.txt"]
        );
        assert_eq!(
            split_command(r#"psql -c "SELECT \"a\", '$x'" db\ name"#).unwrap(),
            ["psql", "-c", r#"SELECT "a", '$x'"#, "db name"]
        );
        assert_eq!(split_command("a '' b").unwrap(), ["a", "", "b"]);
        assert_eq!(split_command("  ").unwrap(), Vec::<String>::new());
        assert_eq!(split_command("echo 'open"), None);
        assert_eq!(argv("echo 'open"), ["echo 'open"]);
    }

    /// Everything the generation makes of one recorded transcript.
    struct Replay {
        events: Vec<(String, Event)>,
        approvals: Vec<ApprovalRequest>,
        bad: Vec<String>,
    }

    fn replay(text: &str) -> Replay {
        let generation = AppServerV2::new(V2Spelling::KebabCase);
        let mut out = Replay {
            events: Vec::new(),
            approvals: Vec::new(),
            bad: Vec::new(),
        };
        for line in text.lines() {
            let entry: Value = serde_json::from_str(line).unwrap();
            if entry["dir"] != "s2c" {
                continue;
            }
            let bytes = serde_json::to_vec(&entry["msg"]).unwrap();
            match Message::decode(&bytes).unwrap() {
                Message::Notification(n) => out.events.extend(generation.event(&n)),
                Message::Request(r) => match generation.server_request(&r) {
                    ServerRequest::Approval(a) => out.approvals.push(a),
                    ServerRequest::BadApproval { message } => out.bad.push(message),
                    other => panic!("unexpected request {other:?}"),
                },
                _ => {}
            }
        }
        out
    }

    const FIXTURES: &str = "../mcp-proto/tests/fixtures/recorded";

    fn fixture(name: &str) -> String {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(FIXTURES)
            .join(name);
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!("{}: {e}; run scripts/record-transcripts.sh", path.display())
        })
    }

    #[test]
    fn approved_turns_of_0_80_and_0_169_normalize_alike() {
        // The fake model asks 0.80 (`shell` tool) for the argv `touch created_by_exec.txt`,
        // and 0.169 (`exec_command` tool) for a command line its own shell wraps.
        let touch = ["touch", "created_by_exec.txt"].map(String::from).to_vec();
        let wrapped = ["/bin/bash", "-lc", "touch created_by_exec.txt"]
            .map(String::from)
            .to_vec();
        for (file, command) in [
            ("0.80.0-app-v2-approved.jsonl", touch),
            ("0.169.0-app-v2-approved.jsonl", wrapped),
        ] {
            let r = replay(&fixture(file));
            assert!(r.bad.is_empty(), "{file}: {:?}", r.bad);
            let [ApprovalRequest::Exec(exec), ApprovalRequest::Patch(patch)] = &r.approvals[..]
            else {
                panic!("{file}: {:?}", r.approvals)
            };
            assert_eq!(exec.command, command, "{file}");
            assert!(exec.cwd.ends_with("work"), "{file}");
            assert_eq!(exec.call_id, "call_exec_1");
            assert_eq!(patch.changes.len(), 1);
            assert_eq!(patch.changes[0].kind, FileChangeKind::Add);
            assert_eq!(
                patch.changes[0].content.as_deref(),
                Some("hello from patch\n")
            );
            let threads: std::collections::BTreeSet<&str> =
                r.events.iter().map(|(t, _)| t.as_str()).collect();
            assert_eq!(threads.len(), 1, "{file}: one thread");
            let kinds: Vec<&str> = r.events.iter().map(|(_, e)| e.kind()).collect();
            for kind in [
                "turn_started",
                "exec_command_begin",
                "exec_command_end",
                "patch_apply_begin",
                "patch_apply_end",
                "agent_message",
            ] {
                assert_eq!(
                    kinds.iter().filter(|k| **k == kind).count(),
                    1,
                    "{file}: {kind} in {kinds:?}"
                );
            }
            let Some((_, Event::TurnComplete { last_agent_message })) = r.events.last() else {
                panic!("{file}: {kinds:?}")
            };
            assert_eq!(
                last_agent_message.as_deref(),
                Some("All done (fake model).")
            );
        }
    }

    #[test]
    fn declined_cancelled_and_interrupted_turns() {
        for version in ["0.80.0", "0.169.0"] {
            let decline = replay(&fixture(&format!("{version}-app-v2-decline.jsonl")));
            assert_eq!(decline.approvals.len(), 1, "{version}");
            let kinds: Vec<&str> = decline.events.iter().map(|(_, e)| e.kind()).collect();
            assert!(!kinds.contains(&"exec_command_end"), "{version}: {kinds:?}");
            assert!(kinds.contains(&"command_not_run"), "{version}: {kinds:?}");
            assert_eq!(kinds.last(), Some(&"task_complete"), "{version}");

            for scenario in ["cancel", "interrupt"] {
                let r = replay(&fixture(&format!("{version}-app-v2-{scenario}.jsonl")));
                let last = r.events.last().map(|(_, e)| e.clone());
                assert!(
                    matches!(last, Some(Event::TurnAborted { ref reason }) if reason == "interrupted"),
                    "{version} {scenario}: {last:?}"
                );
            }
        }
    }

    #[test]
    fn approvals_without_a_started_item_are_denied_and_decisions_are_v2() {
        let generation = AppServerV2::new(V2Spelling::KebabCase);
        let line = br#"{"method":"item/fileChange/requestApproval","id":0,"params":{"threadId":"t","turnId":"0","itemId":"call_patch_9","reason":null,"grantRoot":null}}"#;
        let Message::Request(r) = Message::decode(line).unwrap() else {
            panic!()
        };
        assert!(matches!(
            generation.server_request(&r),
            ServerRequest::BadApproval { .. }
        ));
        let v1 = br#"{"method":"execCommandApproval","id":1,"params":{"conversationId":"t","callId":"c","command":["ls"],"cwd":"/"}}"#;
        let Message::Request(r) = Message::decode(v1).unwrap() else {
            panic!()
        };
        assert!(matches!(
            generation.server_request(&r),
            ServerRequest::BadApproval { .. }
        ));
        for (d, wire) in [
            (ReviewDecision::Approved, "accept"),
            (ReviewDecision::ApprovedForSession, "acceptForSession"),
            (ReviewDecision::Denied, "decline"),
            (ReviewDecision::Abort, "cancel"),
        ] {
            assert_eq!(
                generation.decision_result(d).get(),
                format!(r#"{{"decision":"{wire}"}}"#)
            );
        }
    }

    fn request(line: &str) -> Request {
        let Message::Request(r) = Message::decode(line.as_bytes()).unwrap() else {
            panic!("{line}")
        };
        r
    }

    /// The shapes measured on the real 0.169.0 (see the module docs).
    #[test]
    fn mcp_tool_call_elicitations_become_approvals_answered_with_actions() {
        let generation = AppServerV2::new(V2Spelling::KebabCase);
        for (id, args) in [
            ("call_other", r#"{"sql":"SELECT 2"}"#),
            ("call_q", r#"{"sql":"SELECT 1"}"#),
        ] {
            let started = format!(
                r#"{{"method":"item/started","params":{{"threadId":"t","turnId":"u","item":{{"type":"mcpToolCall","id":"{id}","server":"xldb","tool":"execute_query","arguments":{args},"status":"inProgress"}}}}}}"#
            );
            let Message::Notification(n) = Message::decode(started.as_bytes()).unwrap() else {
                panic!()
            };
            let (thread, event) = generation.event(&n).unwrap();
            assert_eq!((thread.as_str(), event.kind()), ("t", "mcpToolCall"));
        }
        let ask = r#"{"id":0,"method":"mcpServer/elicitation/request","params":{"_meta":{"codex_approval_kind":"mcp_tool_call","persist":["session","always"],"tool_description":"Run SQL","tool_name":"execute_query","tool_params":{"sql":"SELECT 1"}},"message":"Allow the xldb MCP server to run tool \"execute_query\"?","mode":"form","requestedSchema":{"properties":{},"type":"object"},"serverName":"xldb","threadId":"t","turnId":"u"}}"#;
        let ServerRequest::Approval(ApprovalRequest::McpToolCall(call)) =
            generation.server_request(&request(ask))
        else {
            panic!("not an MCP tool approval")
        };
        assert_eq!(call.conversation_id, "t");
        assert_eq!(call.call_id, "call_q", "matched by equal arguments");
        assert_eq!(
            (call.server.as_str(), call.tool.as_str()),
            ("xldb", "execute_query")
        );
        assert_eq!(call.arguments, Some(serde_json::json!({"sql": "SELECT 1"})));
        assert!(call.message.contains("execute_query"));

        // The call completes: a later request for it names no call.
        let done = r#"{"method":"item/completed","params":{"threadId":"t","turnId":"u","item":{"type":"mcpToolCall","id":"call_q","server":"xldb","tool":"execute_query","status":"completed"}}}"#;
        let Message::Notification(n) = Message::decode(done.as_bytes()).unwrap() else {
            panic!()
        };
        generation.event(&n);
        let ServerRequest::Approval(ApprovalRequest::McpToolCall(call)) =
            generation.server_request(&request(&ask.replace("\"t\"", "\"t2\"")))
        else {
            panic!()
        };
        assert_eq!(
            (call.conversation_id.as_str(), call.call_id.as_str()),
            ("t2", "")
        );

        let method = "mcpServer/elicitation/request";
        for (d, wire) in [
            (ReviewDecision::Approved, r#"{"action":"accept"}"#),
            (
                ReviewDecision::ApprovedForSession,
                r#"{"action":"accept","_meta":{"persist":"session"}}"#,
            ),
            (ReviewDecision::Denied, r#"{"action":"decline"}"#),
            (ReviewDecision::Abort, r#"{"action":"cancel"}"#),
        ] {
            assert_eq!(generation.answer_result(method, d).get(), wire);
        }
        // Other requests keep the v2 decisions.
        assert_eq!(
            generation
                .answer_result(
                    "item/commandExecution/requestApproval",
                    ReviewDecision::Approved
                )
                .get(),
            r#"{"decision":"accept"}"#
        );
    }

    #[test]
    fn unreadable_or_foreign_elicitations_are_bad_approvals() {
        let generation = AppServerV2::new(V2Spelling::KebabCase);
        for params in [
            // No server name.
            r#"{"threadId":"t","message":"m","_meta":{"codex_approval_kind":"mcp_tool_call","tool_name":"x"}}"#,
            // A server's own form, not a tool-call approval.
            r#"{"threadId":"t","serverName":"s","message":"Your name?","mode":"form","requestedSchema":{"type":"object","properties":{"name":{"type":"string"}}}}"#,
            // A tool-call approval without a tool.
            r#"{"threadId":"t","serverName":"s","message":"m","_meta":{"codex_approval_kind":"mcp_tool_call"}}"#,
            "[1,2]",
        ] {
            let line =
                format!(r#"{{"id":3,"method":"mcpServer/elicitation/request","params":{params}}}"#);
            assert!(
                matches!(
                    generation.server_request(&request(&line)),
                    ServerRequest::BadApproval { .. }
                ),
                "{params}"
            );
        }
    }

    #[test]
    fn thread_timestamps_read_as_rfc3339() {
        assert_eq!(rfc3339(0).as_deref(), Some("1970-01-01T00:00:00Z"));
        // A `createdAt` of the real 0.80.0 (its listing said 2026-11-28T03:24:42).
        assert_eq!(
            rfc3339(1_795_836_282).as_deref(),
            Some("2026-11-28T03:24:42Z")
        );
        assert_eq!(
            rfc3339(951_782_400).as_deref(),
            Some("2000-02-29T00:00:00Z")
        );
        assert_eq!(rfc3339(-1).as_deref(), Some("1969-12-31T23:59:59Z"));
        assert_eq!(rfc3339(i64::MAX), None);
        assert_eq!(rfc3339(i64::MIN), None);
    }

    // The real 0.80.0 and 0.169.0 (and 0.80.0 forced to v1) run through the public API in
    // `tests/it/matrix.rs` (full turn, denied command, patch approval, interrupt) and
    // `tests/it/threads.rs` (list, resume, archive).
}
