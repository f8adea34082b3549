//! The conversation API of `codex mcp`, codex 0.22.0 – 0.42.0 (measured on 0.39.0).
//!
//! What is particular to this generation (see `codex-protocol.md` 2.1.a):
//! - `"jsonrpc":"2.0"` on every message, the MCP `initialize` handshake;
//! - text items are written `{"type":"text","data":{"text":…}}` (the flat form is silently
//!   dropped by 0.39);
//! - events are `codex/event/<type>` notifications `{id, msg, conversationId}`, delivered only
//!   after `addConversationListener`; the event type is taken from the method name, so a
//!   delta is decoded straight into its struct without a tag lookup;
//! - approval requests carry snake_case params (camelCase accepted too, as app-server sends);
//!   the answer is `{"decision": …}`;
//! - `interruptConversation` is answered only when the turn has stopped.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine as _;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};

use crate::approval::{
    ApprovalRequest, Decision, ExecApproval, FileChange, FileChangeKind, PatchApproval,
};
use crate::conversation::{ConversationOptions, TurnOptions};
use crate::dialect::{
    ClientIdentity, ConversationInfo, ConversationPage, ConversationSummary, Dialect, ServerInfo,
    ServerRequest,
};
use crate::error::Result;
use crate::event::{Event, TokenUsage};
use crate::peer::Peer;
use crate::wire::{Notification, Request};

const EVENT_PREFIX: &str = "codex/event";

/// See the module docs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct McpConversation;

fn raw(value: Value) -> Option<Box<RawValue>> {
    serde_json::value::to_raw_value(&value).ok()
}

fn text_items(text: &str) -> Value {
    json!([{"type": "text", "data": {"text": text}}])
}

fn conversation_params(options: &ConversationOptions) -> Value {
    let mut p = serde_json::Map::new();
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            p.insert(k.to_owned(), v);
        }
    };
    put("model", options.model.clone().map(Value::from));
    put("profile", options.profile.clone().map(Value::from));
    put(
        "cwd",
        options
            .cwd
            .as_ref()
            .map(|c| Value::from(c.display().to_string())),
    );
    put(
        "approvalPolicy",
        options.approval_policy.map(|a| Value::from(a.as_str())),
    );
    put("sandbox", options.sandbox.map(|s| Value::from(s.as_str())));
    put(
        "baseInstructions",
        options.base_instructions.clone().map(Value::from),
    );
    if !options.config.is_empty() {
        let config: serde_json::Map<String, Value> = options.config.iter().cloned().collect();
        put("config", Some(Value::Object(config)));
    }
    Value::Object(p)
}

#[derive(Deserialize)]
struct NewConversationResult {
    #[serde(rename = "conversationId")]
    conversation_id: String,
    #[serde(default)]
    model: Option<String>,
    #[serde(default, rename = "rolloutPath")]
    rollout_path: Option<PathBuf>,
}

#[async_trait::async_trait]
impl Dialect for McpConversation {
    fn server_args(&self) -> Vec<OsString> {
        vec!["mcp".into()]
    }

    fn writes_jsonrpc(&self) -> bool {
        true
    }

    fn probe_method(&self) -> Option<&'static str> {
        Some("ping")
    }

    fn event(&self, notification: &Notification) -> Option<(String, Event)> {
        let rest = notification.method.strip_prefix(EVENT_PREFIX)?;
        let params = notification.params.as_ref()?;
        #[derive(Deserialize)]
        struct Params<'a> {
            #[serde(rename = "conversationId", default)]
            conversation_id: Option<String>,
            #[serde(borrow)]
            msg: &'a RawValue,
        }
        let params: Params<'_> = match serde_json::from_str(params.get()) {
            Ok(p) => p,
            Err(e) => {
                tracing::warn!(error = %e, method = %notification.method, "unreadable event");
                return None;
            }
        };
        let conversation_id = params.conversation_id?;
        let kind = match rest.strip_prefix('/') {
            Some(kind) => kind.to_owned(),
            None if rest.is_empty() => {
                #[derive(Deserialize)]
                struct Kind {
                    #[serde(rename = "type")]
                    kind: String,
                }
                serde_json::from_str::<Kind>(params.msg.get()).ok()?.kind
            }
            None => return None,
        };
        Some((conversation_id, decode_event(&kind, params.msg)))
    }

    fn fast_event(&self, line: &[u8]) -> Option<(String, Event)> {
        // Streaming deltas are nearly all of the traffic of a long answer. Decode them in one
        // pass over the line (envelope, params and payload at once) instead of three; anything
        // that does not match exactly takes the general path.
        const NEEDLE: &[u8] = b"\"codex/event/agent_message_delta\"";
        let head = &line[..line.len().min(128)];
        memchr::memmem::find(head, NEEDLE)?;
        #[derive(Deserialize)]
        struct Line<'a> {
            #[serde(borrow)]
            method: std::borrow::Cow<'a, str>,
            params: Params,
            #[serde(default)]
            id: Option<serde::de::IgnoredAny>,
        }
        #[derive(Deserialize)]
        struct Params {
            #[serde(rename = "conversationId")]
            conversation_id: String,
            msg: Msg,
        }
        #[derive(Deserialize)]
        struct Msg {
            delta: String,
        }
        let parsed: Line<'_> = serde_json::from_slice(line).ok()?;
        if parsed.id.is_some() || parsed.method != "codex/event/agent_message_delta" {
            return None;
        }
        Some((
            parsed.params.conversation_id,
            Event::AgentMessageDelta {
                delta: parsed.params.msg.delta,
            },
        ))
    }

    fn server_request(&self, request: &Request) -> ServerRequest {
        let params = request.params.as_ref().map(|p| p.get()).unwrap_or("null");
        match request.method.as_str() {
            "execCommandApproval" => match serde_json::from_str::<ExecParams>(params) {
                Ok(p) => ServerRequest::Approval(ApprovalRequest::Exec(ExecApproval {
                    conversation_id: p.conversation_id,
                    call_id: p.call_id,
                    command: p.command,
                    cwd: p.cwd,
                    reason: p.reason,
                })),
                Err(e) => ServerRequest::BadApproval {
                    message: e.to_string(),
                },
            },
            "applyPatchApproval" => match serde_json::from_str::<PatchParams>(params) {
                Ok(p) => match file_changes(&p.file_changes) {
                    Ok(changes) => ServerRequest::Approval(ApprovalRequest::Patch(PatchApproval {
                        conversation_id: p.conversation_id,
                        call_id: p.call_id,
                        changes,
                        reason: p.reason,
                        grant_root: p.grant_root,
                    })),
                    Err(message) => ServerRequest::BadApproval { message },
                },
                Err(e) => ServerRequest::BadApproval {
                    message: e.to_string(),
                },
            },
            // Tool-mode approvals (not used by this dialect's conversations): deny, never
            // leave them hanging.
            "elicitation/create" => ServerRequest::BadApproval {
                message: "tool-mode elicitation is not used by the conversation protocol".into(),
            },
            "ping" => ServerRequest::Ping,
            _ => ServerRequest::Unknown,
        }
    }

    fn decision_result(&self, decision: Decision) -> Box<RawValue> {
        // The four spellings are fixed strings, so this cannot fail; fall back to a denial.
        serde_json::value::to_raw_value(&json!({ "decision": decision.as_str() }))
            .or_else(|_| RawValue::from_string(r#"{"decision":"denied"}"#.to_owned()))
            .unwrap_or_else(|_| RawValue::NULL.to_owned())
    }

    async fn initialize(
        &self,
        peer: &Peer,
        client: &ClientIdentity,
        timeout: Duration,
    ) -> Result<ServerInfo> {
        #[derive(Deserialize)]
        struct Init {
            #[serde(rename = "serverInfo", default)]
            server_info: Option<Info>,
        }
        #[derive(Deserialize)]
        struct Info {
            #[serde(default)]
            name: String,
            #[serde(default)]
            version: String,
            #[serde(default)]
            user_agent: Option<String>,
        }
        let params = json!({
            "protocolVersion": "2025-06-18",
            "capabilities": {"elicitation": {}},
            "clientInfo": {"name": client.name, "version": client.version},
        });
        let init: Init = peer.call("initialize", &params, timeout).await?;
        peer.notify("notifications/initialized", None).await?;
        let info = init.server_info.unwrap_or(Info {
            name: String::new(),
            version: String::new(),
            user_agent: None,
        });
        Ok(ServerInfo {
            name: info.name,
            version: info.version,
            user_agent: info.user_agent,
        })
    }

    async fn new_conversation(
        &self,
        peer: &Peer,
        options: &ConversationOptions,
        timeout: Duration,
    ) -> Result<ConversationInfo> {
        let r: NewConversationResult = peer
            .call("newConversation", &conversation_params(options), timeout)
            .await?;
        Ok(ConversationInfo {
            id: r.conversation_id,
            model: r.model,
            rollout_path: r.rollout_path,
        })
    }

    async fn subscribe(
        &self,
        peer: &Peer,
        conversation_id: &str,
        timeout: Duration,
    ) -> Result<Option<String>> {
        #[derive(Deserialize)]
        struct Sub {
            #[serde(rename = "subscriptionId")]
            subscription_id: String,
        }
        let sub: Sub = peer
            .call(
                "addConversationListener",
                &json!({ "conversationId": conversation_id }),
                timeout,
            )
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
        let params = json!({"conversationId": conversation_id, "items": text_items(text)});
        let _: Value = peer.call("sendUserMessage", &params, timeout).await?;
        Ok(())
    }

    async fn send_turn(
        &self,
        peer: &Peer,
        conversation_id: &str,
        turn: &TurnOptions,
        timeout: Duration,
    ) -> Result<()> {
        let params = json!({
            "conversationId": conversation_id,
            "items": text_items(&turn.text),
            "cwd": turn.cwd.display().to_string(),
            "approvalPolicy": turn.approval_policy.as_str(),
            "sandboxPolicy": {"mode": turn.sandbox.as_str()},
            "model": turn.model,
            "summary": turn.summary,
        });
        let _: Value = peer.call("sendUserTurn", &params, timeout).await?;
        Ok(())
    }

    async fn interrupt(&self, peer: &Peer, conversation_id: &str, timeout: Duration) -> Result<()> {
        let _: Value = peer
            .call(
                "interruptConversation",
                &json!({ "conversationId": conversation_id }),
                timeout,
            )
            .await?;
        Ok(())
    }

    fn interrupt_request(&self, conversation_id: &str) -> (&'static str, Option<Box<RawValue>>) {
        (
            "interruptConversation",
            raw(json!({ "conversationId": conversation_id })),
        )
    }

    fn unsubscribe_request(
        &self,
        subscription: &str,
    ) -> Option<(&'static str, Option<Box<RawValue>>)> {
        Some((
            "removeConversationListener",
            raw(json!({ "subscriptionId": subscription })),
        ))
    }

    async fn list_conversations(
        &self,
        peer: &Peer,
        page_size: Option<usize>,
        cursor: Option<&str>,
        timeout: Duration,
    ) -> Result<ConversationPage> {
        #[derive(Deserialize)]
        struct Page {
            #[serde(default)]
            items: Vec<Item>,
            #[serde(rename = "nextCursor", default)]
            next_cursor: Option<String>,
        }
        #[derive(Deserialize)]
        struct Item {
            #[serde(rename = "conversationId")]
            conversation_id: String,
            path: PathBuf,
            #[serde(default)]
            preview: String,
            #[serde(default)]
            timestamp: Option<String>,
        }
        let mut params = serde_json::Map::new();
        if let Some(n) = page_size {
            params.insert("pageSize".into(), json!(n));
        }
        if let Some(c) = cursor {
            params.insert("cursor".into(), json!(c));
        }
        let page: Page = peer
            .call("listConversations", &Value::Object(params), timeout)
            .await?;
        Ok(ConversationPage {
            items: page
                .items
                .into_iter()
                .map(|i| ConversationSummary {
                    id: i.conversation_id,
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
        rollout_path: &Path,
        options: &ConversationOptions,
        timeout: Duration,
    ) -> Result<ConversationInfo> {
        let params = json!({
            "path": rollout_path.display().to_string(),
            "overrides": conversation_params(options),
        });
        let r: NewConversationResult = peer.call("resumeConversation", &params, timeout).await?;
        Ok(ConversationInfo {
            id: r.conversation_id,
            model: r.model,
            rollout_path: r.rollout_path.or_else(|| Some(rollout_path.to_path_buf())),
        })
    }

    async fn archive_conversation(
        &self,
        peer: &Peer,
        conversation_id: &str,
        rollout_path: &Path,
        timeout: Duration,
    ) -> Result<()> {
        let params = json!({
            "conversationId": conversation_id,
            "rolloutPath": rollout_path.display().to_string(),
        });
        let _: Value = peer.call("archiveConversation", &params, timeout).await?;
        Ok(())
    }
}

#[derive(Deserialize)]
struct ExecParams {
    #[serde(alias = "conversationId")]
    conversation_id: String,
    #[serde(alias = "callId")]
    call_id: String,
    command: Vec<String>,
    cwd: PathBuf,
    #[serde(default)]
    reason: Option<String>,
}

#[derive(Deserialize)]
struct PatchParams {
    #[serde(alias = "conversationId")]
    conversation_id: String,
    #[serde(alias = "callId")]
    call_id: String,
    #[serde(alias = "fileChanges")]
    file_changes: serde_json::Map<String, Value>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default, alias = "grantRoot")]
    grant_root: Option<PathBuf>,
}

/// File changes in both spellings: `{"add":{"content":…}}` (≤0.58) and
/// `{"type":"add","content":…}` (0.59+).
fn file_changes(
    map: &serde_json::Map<String, Value>,
) -> std::result::Result<Vec<FileChange>, String> {
    map.iter()
        .map(|(path, change)| {
            let (kind, body) = match change.get("type").and_then(Value::as_str) {
                Some(tag) => (tag, change),
                None => {
                    let obj = change
                        .as_object()
                        .ok_or_else(|| format!("change of `{path}` is not an object"))?;
                    let (tag, body) = obj
                        .iter()
                        .next()
                        .ok_or_else(|| format!("change of `{path}` is empty"))?;
                    (tag.as_str(), body)
                }
            };
            let text = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_owned);
            let kind_parsed = match kind {
                "add" => FileChangeKind::Add,
                "delete" => FileChangeKind::Delete,
                "update" => FileChangeKind::Update,
                other => return Err(format!("unknown change kind `{other}` for `{path}`")),
            };
            Ok(FileChange {
                path: PathBuf::from(path),
                kind: kind_parsed,
                content: text("content").or_else(|| text("unified_diff")),
                move_path: text("move_path").map(PathBuf::from),
            })
        })
        .collect()
}

fn changes_of(value: &Value) -> Vec<FileChange> {
    value
        .as_object()
        .and_then(|m| file_changes(m).ok())
        .unwrap_or_default()
}

/// Command output chunks: 0.39 writes bytes as a JSON array of numbers; other versions a
/// base64 string.
fn chunk_text(value: &Value) -> String {
    match value {
        Value::Array(items) => {
            let bytes: Vec<u8> = items
                .iter()
                .filter_map(|b| b.as_u64().map(|b| b as u8))
                .collect();
            String::from_utf8_lossy(&bytes).into_owned()
        }
        Value::String(s) => match base64::engine::general_purpose::STANDARD.decode(s) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(_) => s.clone(),
        },
        _ => String::new(),
    }
}

fn duration_of(value: &Value) -> Option<Duration> {
    let secs = value.get("secs")?.as_u64()?;
    let nanos = value.get("nanos").and_then(Value::as_u64).unwrap_or(0);
    Some(Duration::new(secs, nanos as u32))
}

fn usage_of(value: &Value) -> TokenUsage {
    let n = |k: &str| value.get(k).and_then(Value::as_u64).unwrap_or(0);
    TokenUsage {
        input_tokens: n("input_tokens"),
        cached_input_tokens: n("cached_input_tokens"),
        output_tokens: n("output_tokens"),
        reasoning_output_tokens: n("reasoning_output_tokens"),
        total_tokens: n("total_tokens"),
    }
}

/// One event payload (`msg`) of wire type `kind`.
fn decode_event(kind: &str, msg: &RawValue) -> Event {
    // The hot path: streaming deltas go straight into their struct.
    if kind == "agent_message_delta" {
        #[derive(Deserialize)]
        struct Delta {
            delta: String,
        }
        if let Ok(d) = serde_json::from_str::<Delta>(msg.get()) {
            return Event::AgentMessageDelta { delta: d.delta };
        }
    }
    let Ok(v) = serde_json::from_str::<Value>(msg.get()) else {
        return Event::Other {
            kind: kind.to_owned(),
            raw: Value::Null,
        };
    };
    typed_event(kind, &v).unwrap_or(Event::Other {
        kind: kind.to_owned(),
        raw: v,
    })
}

fn typed_event(kind: &str, v: &Value) -> Option<Event> {
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    let argv = |k: &str| -> Option<Vec<String>> {
        v.get(k)?
            .as_array()?
            .iter()
            .map(|a| a.as_str().map(str::to_owned))
            .collect()
    };
    Some(match kind {
        "task_started" => Event::TurnStarted,
        "agent_message" => Event::AgentMessage {
            text: s("message")?,
        },
        "agent_message_delta" => Event::AgentMessageDelta { delta: s("delta")? },
        "exec_approval_request" => Event::ExecApprovalRequested {
            call_id: s("call_id")?,
            command: argv("command")?,
            cwd: PathBuf::from(s("cwd")?),
            reason: s("reason"),
        },
        "apply_patch_approval_request" => Event::PatchApprovalRequested {
            call_id: s("call_id")?,
            changes: changes_of(v.get("changes")?),
            reason: s("reason"),
        },
        "exec_command_begin" => Event::CommandStarted {
            call_id: s("call_id")?,
            command: argv("command")?,
            cwd: PathBuf::from(s("cwd")?),
        },
        "exec_command_output_delta" => Event::CommandOutput {
            call_id: s("call_id")?,
            chunk: chunk_text(v.get("chunk")?),
        },
        "exec_command_end" => Event::CommandFinished {
            call_id: s("call_id")?,
            exit_code: v.get("exit_code")?.as_i64()? as i32,
            output: s("aggregated_output")
                .or_else(|| Some(format!("{}{}", s("stdout")?, s("stderr")?)))
                .unwrap_or_default(),
            duration: v.get("duration").and_then(duration_of),
        },
        "patch_apply_begin" => Event::PatchStarted {
            call_id: s("call_id")?,
            auto_approved: v
                .get("auto_approved")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            changes: changes_of(v.get("changes")?),
        },
        "patch_apply_end" => Event::PatchFinished {
            call_id: s("call_id")?,
            success: v.get("success")?.as_bool()?,
            output: format!(
                "{}{}",
                s("stdout").unwrap_or_default(),
                s("stderr").unwrap_or_default()
            ),
        },
        "turn_diff" => Event::TurnDiff {
            unified_diff: s("unified_diff")?,
        },
        "plan_update" => Event::PlanUpdated { plan: v.clone() },
        "token_count" => {
            // 0.39: {info: {total_token_usage, …} | null}; older: the usage fields inline.
            let usage = match v.get("info") {
                Some(Value::Null) => return Some(Event::TokenUsage(TokenUsage::default())),
                Some(info) => info.get("total_token_usage")?,
                None => v,
            };
            Event::TokenUsage(usage_of(usage))
        }
        "error" => Event::Error {
            message: s("message")?,
        },
        "stream_error" => Event::StreamError {
            message: s("message")?,
        },
        "task_complete" => Event::TurnComplete {
            last_agent_message: s("last_agent_message"),
        },
        "turn_aborted" => Event::TurnAborted {
            reason: s("reason")?,
        },
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(method: &str, params: Value) -> Option<(String, Event)> {
        let n = Notification {
            method: method.to_owned(),
            params: raw(params),
        };
        McpConversation.event(&n)
    }

    #[test]
    fn replays_the_recorded_039_approved_transcript() {
        let text = include_str!("../../../../../shared/reference/transcripts/0.39.0-mcp-conversation-api-approved.jsonl");
        let mut kinds = Vec::new();
        let mut approvals = Vec::new();
        for line in text.lines() {
            let rec: Value = serde_json::from_str(line).unwrap();
            if rec["dir"] != "s2c" {
                continue;
            }
            let bytes = serde_json::to_vec(&rec["msg"]).unwrap();
            match crate::wire::Message::decode(&bytes).unwrap() {
                crate::wire::Message::Notification(n) => {
                    let (conv, e) = McpConversation.event(&n).unwrap();
                    assert!(conv.starts_with("01a21200"));
                    assert!(!matches!(e, Event::Other { .. }), "untyped: {e:?}");
                    kinds.push(e.kind().to_owned());
                }
                crate::wire::Message::Request(r) => {
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
            id: crate::wire::RequestId::Number(0),
            method: "applyPatchApproval".into(),
            params: raw(
                json!({"conversationId": "c", "callId": "p", "fileChanges": {
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

    #[test]
    fn the_delta_fast_path_agrees_with_the_general_path() {
        let line = br#"{"jsonrpc":"2.0","method":"codex/event/agent_message_delta","params":{"id":"0","msg":{"type":"agent_message_delta","delta":"he\"llo"},"conversationId":"c1"}}"#;
        let fast = McpConversation.fast_event(line);
        let crate::wire::Message::Notification(n) = crate::wire::Message::decode(line).unwrap()
        else {
            panic!("not a notification")
        };
        assert_eq!(fast, McpConversation.event(&n));
        assert_eq!(
            fast,
            Some((
                "c1".into(),
                Event::AgentMessageDelta {
                    delta: "he\"llo".into()
                }
            ))
        );
        // Other events, and a request that merely mentions the method, take the general path.
        assert_eq!(
            McpConversation.fast_event(br#"{"method":"codex/event/task_started","params":{}}"#),
            None
        );
        assert_eq!(
            McpConversation.fast_event(br#"{"id":1,"method":"codex/event/agent_message_delta","params":{"msg":{"delta":""},"conversationId":"c"}}"#),
            None
        );
    }

    #[test]
    fn output_chunks_decode_from_bytes_or_base64() {
        assert_eq!(chunk_text(&json!([104, 105])), "hi");
        assert_eq!(chunk_text(&json!("aGk=")), "hi");
    }

    #[test]
    fn decisions_are_written_as_039_reads_them() {
        assert_eq!(
            McpConversation.decision_result(Decision::Denied).get(),
            r#"{"decision":"denied"}"#
        );
        assert_eq!(
            McpConversation
                .decision_result(Decision::ApprovedForSession)
                .get(),
            r#"{"decision":"approved_for_session"}"#
        );
    }
}
