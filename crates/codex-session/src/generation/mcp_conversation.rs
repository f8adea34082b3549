//! The conversation API of `codex mcp`, codex 0.22.0 – 0.42.0 (measured on 0.39.0).
//!
//! What is particular to this generation (see `codex-protocol.md` 2.1.a):
//! - `"jsonrpc":"2.0"` on every message, the MCP `initialize` handshake;
//! - text items are written `{"type":"text","data":{"text":…}}` (the flat form is silently
//!   dropped by 0.39) — `mcp_proto::InputItem` does that;
//! - events are `codex/event/<type>` notifications `{id, msg, conversationId}`, delivered only
//!   after `addConversationListener`;
//! - approval requests carry snake_case params (camelCase accepted too, as app-server sends);
//!   the answer is `{"decision": …}` with one of the four `ReviewDecision`s;
//! - `interruptConversation` is answered only when the turn has stopped.
//!
//! Wire types are `mcp-proto`'s; this file maps them to the session's normalized model. One
//! exception, for speed: `agent_message_delta` lines (nearly all the traffic of a long answer)
//! are decoded in one pass straight from the line by [`McpConversation::fast_event`] instead
//! of envelope, params and payload in turn; a unit test holds it to the general path's result.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use mcp_proto::{
    AddConversationListener, ApplyPatchApproval, ArchiveConversation, ArchiveConversationParams,
    ConversationId, ConversationParams, EventMsg, ExecCommandApproval, Implementation, Initialize,
    InitializeParams, InputItem, InterruptConversation, ListConversations, ListConversationsParams,
    NewConversation, NewConversationParams, Notification, RemoveConversationListenerParams,
    Request, ResumeConversation, ResumeConversationParams, ReviewDecision, ReviewDecisionResponse,
    SendUserMessage, SendUserMessageParams, SendUserTurn, SendUserTurnParams,
};
use serde_json::value::RawValue;

use crate::generation::{answer_or_refuse, raw};

use crate::approval::{ApprovalRequest, ExecApproval, FileChange, FileChangeKind, PatchApproval};
use crate::conversation::{ConversationOptions, TurnOptions};
use crate::error::Result;
use crate::event::Event;
use crate::generation::{
    find_listed, id_from_rollout_path, ClientIdentity, ConversationInfo, ConversationPage,
    ConversationSummary, Generation, ServerInfo, ServerRequest, Stored,
};
use crate::peer::Peer;

/// See the module docs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct McpConversation;

fn text_items(text: &str) -> Vec<InputItem> {
    vec![InputItem::Text {
        text: text.to_owned(),
    }]
}

fn conversation_params(options: &ConversationOptions) -> NewConversationParams {
    NewConversationParams {
        model: options.model.clone(),
        profile: options.profile.clone(),
        cwd: options.cwd.clone(),
        approval_policy: options.approval_policy,
        sandbox: options.sandbox,
        config: (!options.config.is_empty()).then(|| options.config.iter().cloned().collect()),
        base_instructions: options.base_instructions.clone(),
        ..NewConversationParams::default()
    }
}

pub(crate) fn file_changes(
    map: &std::collections::BTreeMap<PathBuf, mcp_proto::WireFileChange>,
) -> Vec<FileChange> {
    map.iter()
        .map(|(path, change)| {
            let (kind, content, move_path) = match change {
                mcp_proto::WireFileChange::Add { content } => {
                    (FileChangeKind::Add, Some(content.clone()), None)
                }
                mcp_proto::WireFileChange::Delete { content } => {
                    (FileChangeKind::Delete, content.clone(), None)
                }
                mcp_proto::WireFileChange::Update {
                    unified_diff,
                    move_path,
                } => (
                    FileChangeKind::Update,
                    Some(unified_diff.clone()),
                    move_path.clone(),
                ),
            };
            FileChange {
                path: path.clone(),
                kind,
                content,
                move_path,
            }
        })
        .collect()
}

#[async_trait::async_trait]
impl Generation for McpConversation {
    fn server_args(&self) -> Vec<OsString> {
        vec!["mcp".into()]
    }

    fn writes_jsonrpc(&self) -> bool {
        true
    }

    fn auth_request(&self) -> Option<(&'static str, serde_json::Value)> {
        Some((
            "getAuthStatus",
            serde_json::json!({"includeToken": false, "refreshToken": false}),
        ))
    }

    fn probe_method(&self) -> Option<&'static str> {
        Some(<mcp_proto::Ping as mcp_proto::RequestMethod>::METHOD)
    }

    fn event(&self, notification: &Notification) -> Option<(String, Event)> {
        let decoded = match mcp_proto::decode_event(notification)? {
            Ok(decoded) => decoded,
            Err(e) => {
                tracing::warn!(error = %e, method = %notification.method, "unreadable event");
                return None;
            }
        };
        let conversation_id = decoded.conversation_id?.0;
        Some((conversation_id, map_event(decoded.msg)))
    }

    fn fast_event(&self, line: &[u8]) -> Option<(String, Event)> {
        fast::agent_message_delta(line)
    }

    fn server_request(&self, request: &Request) -> ServerRequest {
        match request.method.as_str() {
            "execCommandApproval" => match request.params_as::<ExecCommandApproval>() {
                Ok(p) => ServerRequest::Approval(ApprovalRequest::Exec(ExecApproval {
                    conversation_id: p.conversation_id.0,
                    call_id: p.call_id,
                    command: p.command,
                    cwd: p.cwd,
                    reason: p.reason,
                })),
                Err(e) => ServerRequest::BadApproval {
                    message: e.to_string(),
                },
            },
            "applyPatchApproval" => match request.params_as::<ApplyPatchApproval>() {
                Ok(p) => ServerRequest::Approval(ApprovalRequest::Patch(PatchApproval {
                    conversation_id: p.conversation_id.0,
                    call_id: p.call_id,
                    changes: file_changes(&p.file_changes),
                    reason: p.reason,
                    grant_root: p.grant_root,
                    cwd: None,
                })),
                Err(e) => ServerRequest::BadApproval {
                    message: e.to_string(),
                },
            },
            // Tool-mode approvals (not used by this generation's conversations): deny, never
            // leave them hanging.
            "elicitation/create" => ServerRequest::BadApproval {
                message: "tool-mode elicitation is not used by the conversation protocol".into(),
            },
            "ping" => ServerRequest::Ping,
            _ => ServerRequest::Unknown,
        }
    }

    fn decision_result(&self, decision: ReviewDecision) -> Box<RawValue> {
        let response = ReviewDecisionResponse { decision };
        answer_or_refuse(&response, r#"{"decision":"denied"}"#)
    }

    async fn initialize(
        &self,
        peer: &Peer,
        client: &ClientIdentity,
        timeout: Duration,
    ) -> Result<ServerInfo> {
        let params = InitializeParams {
            protocol_version: "2025-06-18".into(),
            capabilities: mcp_proto::ClientCapabilities {
                elicitation: Some(serde_json::json!({})),
                ..Default::default()
            },
            client_info: Implementation {
                name: client.name.clone(),
                version: client.version.clone(),
                ..Default::default()
            },
            extra: Default::default(),
        };
        let init = peer.request::<Initialize>(&params, timeout).await?;
        peer.notify("notifications/initialized", None).await?;
        Ok(ServerInfo {
            name: init.server_info.name,
            version: init.server_info.version,
            user_agent: init.server_info.user_agent,
        })
    }

    async fn new_conversation(
        &self,
        peer: &Peer,
        options: &ConversationOptions,
        timeout: Duration,
    ) -> Result<ConversationInfo> {
        let r = peer
            .request::<NewConversation>(&conversation_params(options), timeout)
            .await?;
        Ok(ConversationInfo {
            id: r.conversation_id.0,
            model: Some(r.model),
            rollout_path: r.rollout_path,
        })
    }

    async fn subscribe(
        &self,
        peer: &Peer,
        conversation_id: &str,
        timeout: Duration,
    ) -> Result<Option<String>> {
        let params = ConversationParams {
            conversation_id: ConversationId(conversation_id.to_owned()),
        };
        let sub = peer
            .request::<AddConversationListener>(&params, timeout)
            .await?;
        Ok(Some(sub.subscription_id))
    }

    async fn send_message(
        &self,
        peer: &Peer,
        conversation_id: &str,
        text: &str,
        timeout: Duration,
    ) -> Result<()> {
        let params = SendUserMessageParams {
            conversation_id: ConversationId(conversation_id.to_owned()),
            items: text_items(text),
        };
        peer.request::<SendUserMessage>(&params, timeout).await?;
        Ok(())
    }

    async fn send_turn(
        &self,
        peer: &Peer,
        conversation_id: &str,
        turn: &TurnOptions,
        timeout: Duration,
    ) -> Result<()> {
        let params = SendUserTurnParams {
            conversation_id: ConversationId(conversation_id.to_owned()),
            items: text_items(&turn.text),
            cwd: turn.cwd.clone(),
            approval_policy: turn.approval_policy,
            sandbox_policy: crate::generation::sandbox_policy(turn.sandbox),
            model: turn.model.clone(),
            effort: None,
            summary: turn.summary.as_str().into(),
        };
        peer.request::<SendUserTurn>(&params, timeout).await?;
        Ok(())
    }

    async fn interrupt(&self, peer: &Peer, conversation_id: &str, timeout: Duration) -> Result<()> {
        let params = ConversationParams {
            conversation_id: ConversationId(conversation_id.to_owned()),
        };
        peer.request::<InterruptConversation>(&params, timeout)
            .await?;
        Ok(())
    }

    fn interrupt_request(&self, conversation_id: &str) -> (&'static str, Option<Box<RawValue>>) {
        let params = ConversationParams {
            conversation_id: ConversationId(conversation_id.to_owned()),
        };
        (
            <InterruptConversation as mcp_proto::RequestMethod>::METHOD,
            raw(&params),
        )
    }

    fn unsubscribe_request(
        &self,
        subscription: &str,
    ) -> Option<(&'static str, Option<Box<RawValue>>)> {
        let params = RemoveConversationListenerParams {
            subscription_id: subscription.to_owned(),
        };
        Some((
            <mcp_proto::RemoveConversationListener as mcp_proto::RequestMethod>::METHOD,
            raw(&params),
        ))
    }

    async fn list_conversations(
        &self,
        peer: &Peer,
        page_size: Option<usize>,
        cursor: Option<&str>,
        timeout: Duration,
    ) -> Result<ConversationPage> {
        let params = ListConversationsParams {
            page_size: page_size.map(|n| n as u64),
            cursor: cursor.map(str::to_owned),
        };
        let page = peer.request::<ListConversations>(&params, timeout).await?;
        Ok(ConversationPage {
            items: page
                .items
                .into_iter()
                .map(|i| ConversationSummary {
                    id: i.conversation_id.0,
                    path: i.path,
                    preview: i.preview,
                    timestamp: i.timestamp,
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
        // This API resumes from the rollout file: an id is looked up in the listing.
        let rollout_path = match stored {
            Stored::Path(path) => path.to_path_buf(),
            Stored::Id(_) => find_listed(self, peer, stored, timeout).await?.path,
        };
        let params = ResumeConversationParams {
            path: rollout_path.clone(),
            overrides: Some(conversation_params(options)),
        };
        let r = peer.request::<ResumeConversation>(&params, timeout).await?;
        Ok(ConversationInfo {
            id: r.conversation_id.0,
            model: Some(r.model),
            rollout_path: Some(rollout_path),
        })
    }

    async fn archive_conversation(
        &self,
        peer: &Peer,
        conversation_id: &str,
        rollout_path: &Path,
        timeout: Duration,
    ) -> Result<()> {
        // Both halves are needed: find a missing one.
        let (conversation_id, rollout_path) = match (
            conversation_id.is_empty(),
            rollout_path.as_os_str().is_empty(),
        ) {
            (false, false) => (conversation_id.to_owned(), rollout_path.to_path_buf()),
            (false, true) => {
                let found = find_listed(self, peer, Stored::Id(conversation_id), timeout).await?;
                (found.id, found.path)
            }
            (true, _) => match id_from_rollout_path(rollout_path) {
                Some(id) => (id, rollout_path.to_path_buf()),
                None => {
                    let found =
                        find_listed(self, peer, Stored::Path(rollout_path), timeout).await?;
                    (found.id, found.path)
                }
            },
        };
        let params = ArchiveConversationParams {
            conversation_id: ConversationId(conversation_id),
            rollout_path,
        };
        peer.request::<ArchiveConversation>(&params, timeout)
            .await?;
        Ok(())
    }
}

/// The one-pass decoding of `agent_message_delta` lines (see the module docs).
///
/// It reads a narrow subset of JSON by hand: an object whose members are exactly `jsonrpc`
/// (a string), `method` (`codex/event/agent_message_delta`) and `params`; `params` has `id`
/// (a string), `conversationId` and `msg`; `msg` has `type` (`agent_message_delta`) and
/// `delta`; members in any order, each at most once, JSON whitespace anywhere. Every name and
/// every string but `delta` must be printable ASCII without escapes. Anything else (another
/// member, a duplicate, an escape in a name, a request id, a number where a string is
/// expected, trailing bytes) gives `None` and the line takes the general path, so the fast
/// path never has to reproduce the general path's errors, only its successes.
///
/// The end of `delta` is found with `memchr` (32 bytes a step, against serde_json's 8); without
/// escapes it is checked for control characters (a vectorized fold) and UTF-8 and copied once, with escapes it is handed to `serde_json` alone, so its decoding (escapes, surrogates, errors) is serde_json's own.
/// Every byte of an accepted line is thus checked: printable ASCII outside `delta`, valid
/// UTF-8 inside, as the general path's up-front UTF-8 check requires.
mod fast {
    use crate::event::Event;

    const METHOD: &[u8] = b"codex/event/agent_message_delta";
    const KIND: &[u8] = b"agent_message_delta";

    /// The `delta` string as found: its bytes between the quotes and whether it has escapes.
    struct RawStr<'a> {
        /// With the quotes.
        quoted: &'a [u8],
        escaped: bool,
    }

    impl RawStr<'_> {
        fn decode(&self) -> Option<String> {
            if self.escaped {
                return serde_json::from_slice::<String>(self.quoted).ok();
            }
            let body = self.quoted.get(1..self.quoted.len().checked_sub(1)?)?;
            // JSON forbids raw control characters in strings (serde_json refuses them). A fold
            // without early exit, so the compiler vectorizes it (`any` would go byte by byte).
            if body.iter().fold(false, |control, &b| control | (b < 0x20)) {
                return None;
            }
            std::str::from_utf8(body).ok().map(str::to_owned)
        }
    }

    struct Scan<'a> {
        b: &'a [u8],
        i: usize,
    }

    impl<'a> Scan<'a> {
        fn ws(&mut self) {
            while let Some(b' ' | b'\t' | b'\r' | b'\n') = self.b.get(self.i) {
                self.i += 1;
            }
        }

        /// Skip whitespace and take `c`.
        fn eat(&mut self, c: u8) -> Option<()> {
            self.ws();
            if self.b.get(self.i) == Some(&c) {
                self.i += 1;
                Some(())
            } else {
                None
            }
        }

        /// A string of printable ASCII without escapes: its bytes between the quotes.
        fn simple(&mut self) -> Option<&'a [u8]> {
            self.eat(b'"')?;
            let rest = self.b.get(self.i..)?;
            // Short strings: one plain pass (end and check at once) beats a vector search.
            let len = rest
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || !(0x20..0x7f).contains(&b))?;
            if rest.get(len) != Some(&b'"') {
                return None;
            }
            self.i += len + 1;
            rest.get(..len)
        }

        /// Any string, located (with `memchr`) but not decoded.
        fn raw(&mut self) -> Option<RawStr<'a>> {
            self.eat(b'"')?;
            let start = self.i - 1;
            let mut at = self.i;
            let mut escaped = false;
            let end = loop {
                let found = at + memchr::memchr2(b'"', b'\\', self.b.get(at..)?)?;
                if self.b.get(found) == Some(&b'"') {
                    break found;
                }
                // A backslash: the next byte is escaped (`\uXXXX` holds no quote).
                escaped = true;
                at = found + 2;
            };
            self.i = end + 1;
            Some(RawStr {
                quoted: self.b.get(start..=end)?,
                escaped,
            })
        }

        /// The next member name, or `None` at the end of the object (its `}` taken).
        fn members<T>(
            &mut self,
            mut member: impl FnMut(&mut Self, &'a [u8]) -> Option<T>,
        ) -> Option<()> {
            self.eat(b'{')?;
            loop {
                let name = self.simple()?;
                self.eat(b':')?;
                member(self, name)?;
                self.ws();
                match self.b.get(self.i) {
                    Some(b',') => self.i += 1,
                    Some(b'}') => {
                        self.i += 1;
                        return Some(());
                    }
                    _ => return None,
                }
            }
        }
    }

    /// Fill `slot` once; a second time is a duplicate member.
    fn once<T>(slot: &mut Option<T>, value: Option<T>) -> Option<()> {
        if slot.is_some() {
            return None;
        }
        *slot = Some(value?);
        Some(())
    }

    /// `msg`: `{"type":"agent_message_delta","delta":…}`.
    fn msg<'a>(s: &mut Scan<'a>) -> Option<RawStr<'a>> {
        let mut kind = None;
        let mut delta = None;
        s.members(|s, name| match name {
            b"type" => once(&mut kind, s.simple().filter(|k| *k == KIND)),
            b"delta" => once(&mut delta, s.raw()),
            _ => None,
        })?;
        kind?;
        delta
    }

    /// `params`: `{"id":…,"msg":…,"conversationId":…}`.
    fn params<'a>(s: &mut Scan<'a>) -> Option<(&'a [u8], RawStr<'a>)> {
        let mut id = None;
        let mut conversation = None;
        let mut delta = None;
        s.members(|s, name| match name {
            b"id" => once(&mut id, s.simple()),
            b"conversationId" => once(&mut conversation, s.simple()),
            b"msg" => once(&mut delta, msg(s)),
            _ => None,
        })?;
        Some((conversation?, delta?))
    }

    /// The conversation and event of an `agent_message_delta` line, `None` for anything the
    /// general path must read.
    pub(super) fn agent_message_delta(line: &[u8]) -> Option<(String, Event)> {
        let mut s = Scan { b: line, i: 0 };
        let mut jsonrpc = None;
        let mut method = None;
        let mut found = None;
        s.members(|s, name| match name {
            b"jsonrpc" => once(&mut jsonrpc, s.simple()),
            b"method" => once(&mut method, s.simple().filter(|m| *m == METHOD)),
            b"params" => once(&mut found, params(s)),
            _ => None,
        })?;
        s.ws();
        if s.i != line.len() {
            return None;
        }
        method?;
        let (conversation, delta) = found?;
        let conversation = std::str::from_utf8(conversation).ok()?.to_owned();
        Some((
            conversation,
            Event::AgentMessageDelta {
                delta: delta.decode()?,
            },
        ))
    }
}

/// An `mcp-proto` event payload as the session's [`Event`] (MCP tool mode shares it: its
/// `codex/event` payloads are the same).
pub(crate) fn map_event(msg: EventMsg) -> Event {
    match msg {
        EventMsg::TaskStarted(_) => Event::TurnStarted,
        EventMsg::AgentMessage(e) => Event::AgentMessage { text: e.message },
        EventMsg::AgentMessageDelta(e) => Event::AgentMessageDelta { delta: e.delta },
        EventMsg::ExecApprovalRequest(e) => Event::ExecApprovalRequested {
            call_id: e.call_id,
            command: e.command,
            cwd: e.cwd,
            reason: e.reason,
        },
        EventMsg::ApplyPatchApprovalRequest(e) => Event::PatchApprovalRequested {
            call_id: e.call_id,
            changes: file_changes(&e.changes),
            reason: e.reason,
        },
        EventMsg::ExecCommandBegin(e) => Event::CommandStarted {
            call_id: e.call_id,
            command: e.command,
            cwd: e.cwd,
        },
        EventMsg::ExecCommandOutputDelta(e) => Event::CommandOutput {
            call_id: e.call_id,
            chunk: String::from_utf8_lossy(&e.chunk.bytes().unwrap_or_default()).into_owned(),
        },
        EventMsg::ExecCommandEnd(e) => Event::CommandFinished {
            call_id: e.call_id,
            exit_code: e.exit_code,
            output: if e.aggregated_output.is_empty() {
                format!("{}{}", e.stdout, e.stderr)
            } else {
                e.aggregated_output
            },
            duration: Some(e.duration.to_std()),
        },
        EventMsg::PatchApplyBegin(e) => Event::PatchStarted {
            call_id: e.call_id,
            auto_approved: e.auto_approved,
            changes: file_changes(&e.changes),
        },
        EventMsg::PatchApplyEnd(e) => Event::PatchFinished {
            call_id: e.call_id,
            success: e.success,
            output: format!("{}{}", e.stdout, e.stderr),
        },
        EventMsg::TurnDiff(e) => Event::TurnDiff {
            unified_diff: e.unified_diff,
        },
        EventMsg::TokenCount(e) => {
            Event::TokenUsage(e.info.map(|i| i.total_token_usage).unwrap_or_default())
        }
        EventMsg::Error(e) => Event::Error { message: e.message },
        EventMsg::StreamError(e) => Event::StreamError { message: e.message },
        EventMsg::TaskComplete(e) => Event::TurnComplete {
            last_agent_message: e.last_agent_message,
        },
        EventMsg::TurnAborted(e) => Event::TurnAborted {
            reason: e.reason.as_str().to_owned(),
        },
        EventMsg::PlanUpdate(e) => Event::PlanUpdated {
            plan: serde_json::to_value(&e).unwrap_or_default(),
        },
        EventMsg::Unknown(raw) => Event::Other {
            kind: raw
                .get("type")
                .and_then(|t| t.as_str())
                .unwrap_or("")
                .to_owned(),
            raw,
        },
        other => Event::Other {
            kind: other.kind().to_owned(),
            raw: serde_json::to_value(&other).unwrap_or_default(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn event(method: &str, params: Value) -> Option<(String, Event)> {
        let n = Notification {
            method: method.to_owned(),
            params: raw(&params),
        };
        McpConversation.event(&n)
    }

    #[test]
    fn replays_the_recorded_039_approved_transcript() {
        let text = include_str!("../../../mcp-proto/tests/fixtures/reference/0.39.0-mcp-conversation-api-approved.jsonl");
        let mut kinds = Vec::new();
        let mut approvals = Vec::new();
        for line in text.lines() {
            let rec: Value = serde_json::from_str(line).unwrap();
            if rec["dir"] != "s2c" {
                continue;
            }
            let bytes = serde_json::to_vec(&rec["msg"]).unwrap();
            match mcp_proto::Message::decode(&bytes).unwrap() {
                mcp_proto::Message::Notification(n) => {
                    let (conv, e) = McpConversation.event(&n).unwrap();
                    assert!(conv.starts_with("01a21200"));
                    assert!(!matches!(e, Event::Other { .. }), "untyped: {e:?}");
                    kinds.push(e.kind().to_owned());
                }
                mcp_proto::Message::Request(r) => {
                    approvals.push(McpConversation.server_request(&r))
                }
                _ => {}
            }
        }
        assert_eq!(kinds.first().map(String::as_str), Some("turn_started"));
        assert_eq!(kinds.last().map(String::as_str), Some("task_complete"));
        assert!(
            matches!(&approvals[0], ServerRequest::Approval(ApprovalRequest::Exec(e)) if e.command[2] == "touch created_by_exec.txt")
        );
        assert!(
            matches!(&approvals[1], ServerRequest::Approval(ApprovalRequest::Patch(p))
            if p.changes[0].kind == FileChangeKind::Add && p.changes[0].content.as_deref() == Some("hello from patch\n"))
        );
    }

    #[test]
    fn unknown_events_are_carried_not_dropped() {
        let (_, e) = event(
            "codex/event/brand_new",
            json!({"id": "0", "msg": {"type": "brand_new", "x": 1}, "conversationId": "c"}),
        )
        .unwrap();
        assert_eq!(
            e,
            Event::Other {
                kind: "brand_new".into(),
                raw: json!({"type": "brand_new", "x": 1})
            }
        );
        // The bare `codex/event` method takes the type from the payload.
        let (_, e) = event("codex/event", json!({"id": "0", "msg": {"type": "task_complete", "last_agent_message": "x"}, "conversationId": "c"})).unwrap();
        assert_eq!(
            e,
            Event::TurnComplete {
                last_agent_message: Some("x".into())
            }
        );
        // Not an event method, or no conversation: not routed.
        assert!(event("authStatusChange", json!({})).is_none());
        assert!(event(
            "codex/event/task_started",
            json!({"id": "0", "msg": {"type": "task_started"}})
        )
        .is_none());
    }

    #[test]
    fn camel_case_approval_params_and_the_059_change_form_are_read() {
        let r = Request {
            id: mcp_proto::RequestId::Number(0),
            method: "applyPatchApproval".into(),
            params: raw(
                &json!({"conversationId": "c", "callId": "p", "fileChanges": {
                "/w/a": {"type": "update", "unified_diff": "@@", "move_path": "/w/b"}}, "grantRoot": null}),
            ),
        };
        let ServerRequest::Approval(ApprovalRequest::Patch(p)) = McpConversation.server_request(&r)
        else {
            panic!("not read")
        };
        assert_eq!(p.changes[0].kind, FileChangeKind::Update);
        assert_eq!(p.changes[0].move_path, Some(PathBuf::from("/w/b")));
    }

    /// What the general path makes of a line: envelope, then event decoding.
    fn general(line: &[u8]) -> Option<(String, Event)> {
        match mcp_proto::Message::decode(line).ok()? {
            mcp_proto::Message::Notification(n) => McpConversation.event(&n),
            _ => None,
        }
    }

    /// The fast path gives the general path's answer, or leaves the line to it.
    fn agrees(line: &[u8]) -> Option<(String, Event)> {
        let fast = McpConversation.fast_event(line);
        if fast.is_some() {
            assert_eq!(
                fast,
                general(line),
                "line: {}",
                String::from_utf8_lossy(line)
            );
        }
        fast
    }

    fn delta_line(delta: &str) -> Vec<u8> {
        serde_json::to_vec(&json!({"jsonrpc": "2.0", "method": "codex/event/agent_message_delta",
            "params": {"id": "0", "msg": {"type": "agent_message_delta", "delta": delta}, "conversationId": "c1"}}))
        .unwrap()
    }

    #[test]
    fn the_delta_fast_path_agrees_with_the_general_path() {
        let line = br#"{"jsonrpc":"2.0","method":"codex/event/agent_message_delta","params":{"id":"0","msg":{"type":"agent_message_delta","delta":"he\"llo"},"conversationId":"c1"}}"#;
        assert_eq!(
            agrees(line),
            Some((
                "c1".into(),
                Event::AgentMessageDelta {
                    delta: "he\"llo".into()
                }
            ))
        );
        // Members in another order (as serde_json writes a map), whitespace, no `jsonrpc`.
        let line = b" { \"params\" : {\"conversationId\":\"c2\",\"id\":\"\",\"msg\":{\"delta\":\"\\u00e9\\n\xc3\xa9 x\",\"type\":\"agent_message_delta\"}}\t,\"method\":\"codex/event/agent_message_delta\"}\r ";
        assert_eq!(
            agrees(line),
            Some((
                "c2".into(),
                Event::AgentMessageDelta {
                    delta: "\u{e9}\n\u{e9} x".into()
                }
            ))
        );
        // Lines the fast path must leave to the general path (which reads some of them
        // differently, or refuses them).
        let left = [
            // Other events, and a request that merely names the method.
            &br#"{"method":"codex/event/task_started","params":{}}"#[..],
            br#"{"id":1,"method":"codex/event/agent_message_delta","params":{"msg":{"type":"agent_message_delta","delta":""},"conversationId":"c"}}"#,
            // The payload's type decides the kind, not the method.
            br#"{"method":"codex/event/agent_message_delta","params":{"id":"0","msg":{"type":"agent_reasoning_delta","delta":"x"},"conversationId":"c"}}"#,
            // A numeric event id is refused by the general path.
            br#"{"method":"codex/event/agent_message_delta","params":{"id":0,"msg":{"type":"agent_message_delta","delta":"x"},"conversationId":"c"}}"#,
            // A JSON array, duplicates, trailing bytes, tool mode's `_meta`, an unknown member.
            br#"["codex/event/agent_message_delta",{"id":"0","msg":{"type":"agent_message_delta","delta":"x"},"conversationId":"c"}]"#,
            br#"{"method":"codex/event/agent_message_delta","params":{"id":"0","msg":{"type":"agent_message_delta","delta":"x","delta":"y"},"conversationId":"c"}}"#,
            br#"{"method":"codex/event/agent_message_delta","params":{"id":"0","msg":{"type":"agent_message_delta","delta":"x"},"conversationId":"c"}}x"#,
            br#"{"method":"codex/event/agent_message_delta","params":{"_meta":{},"id":"0","msg":{"type":"agent_message_delta","delta":"x"},"conversationId":"c"}}"#,
            br#"{"method":"codex/event/agent_message_delta","error":5,"params":{"id":"0","msg":{"type":"agent_message_delta","delta":"x"},"conversationId":"c"}}"#,
            // A raw control character, a lone surrogate, invalid UTF-8 in the delta.
            b"{\"method\":\"codex/event/agent_message_delta\",\"params\":{\"id\":\"0\",\"msg\":{\"type\":\"agent_message_delta\",\"delta\":\"a\x01\"},\"conversationId\":\"c\"}}",
            br#"{"method":"codex/event/agent_message_delta","params":{"id":"0","msg":{"type":"agent_message_delta","delta":"\ud800"},"conversationId":"c"}}"#,
            b"{\"method\":\"codex/event/agent_message_delta\",\"params\":{\"id\":\"0\",\"msg\":{\"type\":\"agent_message_delta\",\"delta\":\"\xff\"},\"conversationId\":\"c\"}}",
            // An escaped name or method (the general path reads it; the fast path need not).
            br#"{"m\u0065thod":"codex/event/agent_message_delta","params":{"id":"0","msg":{"type":"agent_message_delta","delta":"x"},"conversationId":"c"}}"#,
            // Cut short.
            br#"{"method":"codex/event/agent_message_delta","params":{"id":"0","msg":{"type":"agent_message_delta","delta":"x\"#,
        ];
        for line in left {
            assert_eq!(
                McpConversation.fast_event(line),
                None,
                "{}",
                String::from_utf8_lossy(line)
            );
        }
    }

    /// Every server-to-client line of the recorded transcripts (compact and pretty), and each
    /// of their events turned into a delta: the fast path agrees or stays out.
    #[test]
    fn the_delta_fast_path_agrees_on_transcript_lines() {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../mcp-proto/tests/fixtures/reference"
        );
        let mut lines = 0;
        let mut taken = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for record in text.lines() {
                let Ok(rec) = serde_json::from_str::<Value>(record) else {
                    continue;
                };
                if rec["dir"] != "s2c" {
                    continue;
                }
                let mut msg = rec["msg"].clone();
                let mut variants = vec![
                    serde_json::to_vec(&msg).unwrap(),
                    serde_json::to_string_pretty(&msg).unwrap().into_bytes(),
                ];
                if msg["params"]["msg"].is_object() {
                    msg["method"] = json!("codex/event/agent_message_delta");
                    msg["params"]["msg"] =
                        json!({"type": "agent_message_delta", "delta": "piece \"of\" text\n"});
                    variants.push(serde_json::to_vec(&msg).unwrap());
                    variants.push(serde_json::to_string_pretty(&msg).unwrap().into_bytes());
                }
                for line in variants {
                    lines += 1;
                    if agrees(&line).is_some() {
                        taken += 1;
                    }
                }
            }
        }
        assert!(lines > 100, "{lines} lines");
        assert!(taken > 10, "the fast path took {taken} lines");
    }

    proptest::proptest! {
        /// Generated deltas (any text: quotes, escapes, control characters, non-ASCII), in
        /// members of any order with whitespace: the fast path takes them and agrees.
        #[test]
        fn the_delta_fast_path_agrees_on_generated_deltas(
            delta in ".*",
            conversation in "[ -!#-\\[\\]-~]{0,40}",
            order in proptest::sample::select(vec![0usize, 1, 2, 3, 4, 5]),
            spaced in proptest::bool::ANY,
        ) {
            let msg = format!(r#"{{"type":"agent_message_delta","delta":{}}}"#, serde_json::to_string(&delta).unwrap());
            let members = [
                r#""id":"0""#.to_owned(),
                format!(r#""msg":{msg}"#),
                format!(r#""conversationId":"{conversation}""#),
            ];
            let perms = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
            let sep = if spaced { " ,\t" } else { "," };
            let params = perms[order].iter().map(|i| members[*i].clone()).collect::<Vec<_>>().join(sep);
            let line = if order % 2 == 0 {
                format!(r#"{{"jsonrpc":"2.0","method":"codex/event/agent_message_delta","params":{{{params}}}}}"#)
            } else {
                format!(r#"{{ "params" : {{ {params} }} , "method":"codex/event/agent_message_delta" }} "#)
            };
            let fast = agrees(line.as_bytes());
            proptest::prop_assert_eq!(fast, Some((conversation, Event::AgentMessageDelta { delta })));
        }

        /// A delta line with a few bytes changed, inserted or removed: the fast path agrees
        /// with the general path or leaves the line to it, never reads it differently.
        #[test]
        fn the_delta_fast_path_agrees_on_mutated_lines(
            delta in ".{0,40}",
            edits in proptest::collection::vec(
                (proptest::prelude::any::<proptest::sample::Index>(),
                 proptest::sample::select(b"\"\\{}[]:, \t\x01\x7f\xc3\xa9\xffa0un".to_vec()),
                 0u8..3),
                1..4),
        ) {
            let mut line = delta_line(&delta);
            for (at, byte, kind) in edits {
                let i = at.index(line.len() + 1);
                match kind {
                    0 if i < line.len() => line[i] = byte,
                    1 => line.insert(i, byte),
                    _ if i < line.len() => { line.remove(i); }
                    _ => line.push(byte),
                }
            }
            agrees(&line);
        }
    }

    #[test]
    fn decisions_are_written_as_039_reads_them() {
        assert_eq!(
            McpConversation
                .decision_result(ReviewDecision::Denied)
                .get(),
            r#"{"decision":"denied"}"#
        );
        assert_eq!(
            McpConversation
                .decision_result(ReviewDecision::ApprovedForSession)
                .get(),
            r#"{"decision":"approved_for_session"}"#
        );
    }
}
