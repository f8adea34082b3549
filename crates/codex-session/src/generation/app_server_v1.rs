//! The conversation API on `codex app-server` (v1), codex 0.44 – 0.107; detection prefers it
//! up to 0.62, where v2 turns still carry v1 approvals.
//!
//! It is the `codex mcp` conversation API moved to another subcommand, so this generation is
//! [`McpConversation`] with the differences measured in `codex-protocol.md` 2.2:
//! - `codex app-server` instead of `codex mcp`; no `"jsonrpc"` written (accepted either way);
//! - the app-server handshake (`initialize {clientInfo}`, then `initialized`);
//! - approval requests are camelCase and grew `reason`, `risk`, `parsedCmd`, `approvalId`: the
//!   `codex mcp` reader already accepts the camelCase names and both file-change shapes
//!   (`{"add":{…}}` before 0.59, `{"type":"add",…}` after);
//! - `sendUserTurn.sandboxPolicy` is tagged `{"type":…}` from 0.59 (`{"mode":…}` before);
//! - events are still `codex/event/<type>` with a `conversationId`; the v2 notifications the
//!   same conversation also produces from 0.58 are ignored (they have no `codex/event` method);
//! - no `ping`: the stall watchdog has no probe;
//! - stored conversations are those of `codex mcp` (camelCase, measured on 0.80.0):
//!   `listConversations {pageSize, cursor}`, `resumeConversation {path, overrides}` (its result
//!   adds `initialMessages` and `rolloutPath`), `archiveConversation {conversationId,
//!   rolloutPath}`; resuming a conversation the server still holds replaces it, which is why
//!   the session refuses to resume one whose handle is open.
//!
//! Spoken for `Protocol::AppServerV1` (0.59+ shapes) and, with the detected version's quirks,
//! for `Protocol::Auto` on 0.44 – 0.62; tested against the real 0.80.0 in `tests/it/matrix.rs`
//! and `tests/it/threads.rs`.

use std::ffi::OsString;
use std::path::Path;
use std::time::Duration;

use mcp_proto::{
    AppInitialize, AppInitializeParams, AppSendUserTurn, AppSendUserTurnParams, ConversationId,
    Implementation, InputItem, Notification, Request, TypeTaggedSandboxPolicy,
};
use serde_json::value::RawValue;

use crate::approval::ReviewDecision;
use crate::conversation::{ConversationOptions, TurnOptions};
use crate::error::Result;
use crate::event::Event;
use crate::generation::mcp_conversation::McpConversation;
use crate::generation::{
    ClientIdentity, ConversationInfo, ConversationPage, Generation, ServerInfo, ServerRequest,
    Stored,
};
use crate::peer::Peer;

/// See the module docs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AppServerV1 {
    inner: McpConversation,
    /// `sendUserTurn.sandboxPolicy` tagged with `type` (0.59+: `detect::Quirks`).
    type_tagged_sandbox: bool,
}

impl AppServerV1 {
    /// The generation; `type_tagged_sandbox` from `detect::Quirks::sandbox_policy_type_tag`.
    pub(crate) fn new(type_tagged_sandbox: bool) -> Self {
        AppServerV1 {
            inner: McpConversation,
            type_tagged_sandbox,
        }
    }
}

#[async_trait::async_trait]
impl Generation for AppServerV1 {
    fn server_args(&self) -> Vec<OsString> {
        vec!["app-server".into()]
    }

    fn writes_jsonrpc(&self) -> bool {
        false
    }

    fn auth_request(&self) -> Option<(&'static str, serde_json::Value)> {
        Some((
            "getAuthStatus",
            serde_json::json!({"includeToken": false, "refreshToken": false}),
        ))
    }

    fn probe_method(&self) -> Option<&'static str> {
        None
    }

    fn event(&self, notification: &Notification) -> Option<(String, Event)> {
        self.inner.event(notification)
    }

    fn fast_event(&self, line: &[u8]) -> Option<(String, Event)> {
        self.inner.fast_event(line)
    }

    fn server_request(&self, request: &Request) -> ServerRequest {
        self.inner.server_request(request)
    }

    fn decision_result(&self, decision: ReviewDecision) -> Box<RawValue> {
        self.inner.decision_result(decision)
    }

    async fn initialize(
        &self,
        peer: &Peer,
        client: &ClientIdentity,
        timeout: Duration,
    ) -> Result<ServerInfo> {
        app_server_initialize(peer, client, timeout).await
    }

    async fn new_conversation(
        &self,
        peer: &Peer,
        options: &ConversationOptions,
        timeout: Duration,
    ) -> Result<ConversationInfo> {
        self.inner.new_conversation(peer, options, timeout).await
    }

    async fn subscribe(
        &self,
        peer: &Peer,
        conversation_id: &str,
        timeout: Duration,
    ) -> Result<Option<String>> {
        self.inner.subscribe(peer, conversation_id, timeout).await
    }

    async fn send_message(
        &self,
        peer: &Peer,
        conversation_id: &str,
        text: &str,
        timeout: Duration,
    ) -> Result<()> {
        self.inner
            .send_message(peer, conversation_id, text, timeout)
            .await
    }

    async fn send_turn(
        &self,
        peer: &Peer,
        conversation_id: &str,
        turn: &TurnOptions,
        timeout: Duration,
    ) -> Result<()> {
        if !self.type_tagged_sandbox {
            return self
                .inner
                .send_turn(peer, conversation_id, turn, timeout)
                .await;
        }
        let params = AppSendUserTurnParams {
            conversation_id: ConversationId(conversation_id.to_owned()),
            items: vec![InputItem::Text {
                text: turn.text.clone(),
            }],
            cwd: turn.cwd.clone(),
            approval_policy: turn.approval_policy,
            sandbox_policy: TypeTaggedSandboxPolicy(crate::generation::sandbox_policy(
                turn.sandbox,
            )),
            model: turn.model.clone(),
            effort: None,
            summary: turn.summary.as_str().into(),
        };
        peer.request::<AppSendUserTurn>(&params, timeout).await?;
        Ok(())
    }

    async fn interrupt(&self, peer: &Peer, conversation_id: &str, timeout: Duration) -> Result<()> {
        self.inner.interrupt(peer, conversation_id, timeout).await
    }

    fn interrupt_request(&self, conversation_id: &str) -> (&'static str, Option<Box<RawValue>>) {
        self.inner.interrupt_request(conversation_id)
    }

    fn unsubscribe_request(
        &self,
        subscription: &str,
    ) -> Option<(&'static str, Option<Box<RawValue>>)> {
        self.inner.unsubscribe_request(subscription)
    }

    async fn list_conversations(
        &self,
        peer: &Peer,
        page_size: Option<usize>,
        cursor: Option<&str>,
        timeout: Duration,
    ) -> Result<ConversationPage> {
        self.inner
            .list_conversations(peer, page_size, cursor, timeout)
            .await
    }

    async fn resume_conversation(
        &self,
        peer: &Peer,
        stored: Stored<'_>,
        options: &ConversationOptions,
        timeout: Duration,
    ) -> Result<ConversationInfo> {
        self.inner
            .resume_conversation(peer, stored, options, timeout)
            .await
    }

    async fn archive_conversation(
        &self,
        peer: &Peer,
        conversation_id: &str,
        rollout_path: &Path,
        timeout: Duration,
    ) -> Result<()> {
        self.inner
            .archive_conversation(peer, conversation_id, rollout_path, timeout)
            .await
    }
}

/// The `codex app-server` handshake, the same for v1 and v2: `initialize` with the client's
/// identity (no MCP capabilities), then the `initialized` notification.
pub(super) async fn app_server_initialize(
    peer: &Peer,
    client: &ClientIdentity,
    timeout: Duration,
) -> Result<ServerInfo> {
    let params = AppInitializeParams {
        client_info: Implementation {
            name: client.name.clone(),
            version: client.version.clone(),
            ..Default::default()
        },
        extra: Default::default(),
    };
    let init = peer.request::<AppInitialize>(&params, timeout).await?;
    peer.notify("initialized", None).await?;
    Ok(ServerInfo {
        name: "codex-app-server".to_owned(),
        version: init.codex_version().unwrap_or_default().to_owned(),
        user_agent: Some(init.user_agent),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::approval::{ApprovalRequest, FileChangeKind};
    use mcp_proto::Message;
    use serde_json::Value;

    #[test]
    fn replays_the_recorded_0_80_app_server_v1_turn() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../mcp-proto/tests/fixtures/recorded/0.80.0-app-v1-approved.jsonl");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; run scripts/record-transcripts.sh --version 0.80.0",
                path.display()
            )
        });
        let generation = AppServerV1::new(true);
        let (mut events, mut approvals) = (Vec::new(), Vec::new());
        for line in text.lines() {
            let entry: Value = serde_json::from_str(line).unwrap();
            if entry["dir"] != "s2c" {
                continue;
            }
            let bytes = serde_json::to_vec(&entry["msg"]).unwrap();
            match Message::decode(&bytes).unwrap() {
                Message::Notification(n) => events.extend(generation.event(&n)),
                Message::Request(r) => match generation.server_request(&r) {
                    ServerRequest::Approval(a) => approvals.push(a),
                    other => panic!("unexpected request {other:?}"),
                },
                _ => {}
            }
        }
        let [ApprovalRequest::Exec(exec), ApprovalRequest::Patch(patch)] = &approvals[..] else {
            panic!("{approvals:?}")
        };
        assert_eq!(exec.command, ["touch", "created_by_exec.txt"]);
        assert_eq!(patch.changes[0].kind, FileChangeKind::Add);
        assert_eq!(
            patch.changes[0].content.as_deref(),
            Some("hello from patch\n")
        );
        // Only the codex/event/* stream: each command/patch event once (the v2 notifications
        // of the same conversation are not doubled in).
        let kinds: Vec<&str> = events.iter().map(|(_, e)| e.kind()).collect();
        for kind in [
            "exec_command_begin",
            "exec_command_end",
            "patch_apply_begin",
        ] {
            assert_eq!(
                kinds.iter().filter(|k| **k == kind).count(),
                1,
                "{kind}: {kinds:?}"
            );
        }
        let Some((_, Event::TurnComplete { last_agent_message })) = events.last() else {
            panic!("{kinds:?}")
        };
        assert_eq!(
            last_agent_message.as_deref(),
            Some("All done (fake model).")
        );
        assert_eq!(
            generation.decision_result(ReviewDecision::Denied).get(),
            r#"{"decision":"denied"}"#
        );
        assert_eq!(generation.server_args(), ["app-server"]);
    }

    #[test]
    fn sandbox_tag_follows_the_version() {
        let tagged = serde_json::to_value(TypeTaggedSandboxPolicy(
            crate::generation::sandbox_policy(mcp_proto::SandboxMode::WorkspaceWrite),
        ))
        .unwrap();
        assert_eq!(tagged, serde_json::json!({"type": "workspace-write"}));
        assert!(AppServerV1::new(true).type_tagged_sandbox);
        assert!(!AppServerV1::new(false).type_tagged_sandbox);
    }
}
