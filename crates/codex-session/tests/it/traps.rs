//! The protocol traps measured on the real codex 0.39 (shared/reference/codex-protocol.md),
//! replayed by scripted peers. Each test is named after the trap it guards.

use std::time::{Duration, Instant};

use codex_session::{ConversationOptions, Error, ReviewDecision, TurnEnd};
use serde_json::json;

use crate::support::{connect, conversation, fixed, within, CONV};

/// 0.22–0.94 silently drop a request they cannot parse: no reply ever. The call must time out,
/// and the error must say the request may not match the server's version.
#[tokio::test]
async fn an_unanswered_request_times_out_and_names_the_version_mismatch() {
    let options = crate::support::scripted().request_timeout(Duration::from_millis(300));
    let (session, mut peer) = connect(options).await;
    let s = session.clone();
    let call = tokio::spawn(async move { s.new_conversation(ConversationOptions::new()).await });
    peer.expect_request("newConversation").await; // dropped, as 0.39 does
    let err = within(call).await.unwrap().unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("`newConversation`"), "{message}");
    // It names who was asked, and in which protocol, to check against the version table.
    assert!(
        message.contains("from codex `0.39.0` (mcp-conversation)"),
        "{message}"
    );
    assert!(
        matches!(&err, Error::Timeout { server: Some(s), .. } if s.contains("0.39.0")),
        "{err:?}"
    );
    assert!(
        message.contains("may not match this server's version"),
        "{message}"
    );
    // One dropped request does not make the server unavailable.
    assert!(session.is_available());
}

/// A JSON-RPC error reply to an approval hangs 0.39's turn forever: every answer is a
/// `result`, even for a request whose params cannot be read.
#[tokio::test]
async fn an_unreadable_approval_request_is_denied_with_a_result_never_an_error() {
    let options = crate::support::scripted().approval_handler(fixed(ReviewDecision::Approved));
    let (_s, _c, mut peer) = conversation(options).await;
    peer.send(
        json!({"jsonrpc": "2.0", "id": 0, "method": "execCommandApproval",
        "params": {"conversation_id": CONV, "command": 42}}),
    )
    .await;
    let answer = peer.expect_response(json!(0)).await;
    assert!(answer.get("error").is_none(), "{answer}");
    assert_eq!(answer["result"], json!({"decision": "denied"}));
}

/// Server request ids start at 0 and overlap the client's: a request is told from a response
/// by `method`, never by id.
#[tokio::test]
async fn server_request_ids_overlapping_client_ids_are_not_confused() {
    let options = crate::support::scripted().approval_handler(fixed(ReviewDecision::Denied));
    let (session, _c, mut peer) = conversation(options).await;
    let s = session.clone();
    let list = tokio::spawn(async move { s.list_conversations(None, None).await });
    let request = peer.expect_request("listConversations").await;
    let client_id = request["id"].as_i64().unwrap();
    // The server asks for approval with the very same id before answering the call.
    peer.exec_approval(client_id, "call_same_id", &["touch", "x"])
        .await;
    let answer = peer.expect_response(json!(client_id)).await;
    assert_eq!(answer["result"], json!({"decision": "denied"}));
    peer.reply(
        &request,
        json!({"items": [{"conversationId": "c9", "path": "/r/c9.jsonl",
        "preview": "hello", "timestamp": "2025-01-01T00:00:00Z"}]}),
    )
    .await;
    let page = within(list).await.unwrap().unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].id, "c9");
}

/// `abort` (and an interrupt) end the turn with `turn_aborted` and no `task_complete`:
/// run_turn must stop waiting there.
#[tokio::test]
async fn turn_aborted_ends_run_turn() {
    let options = crate::support::scripted().approval_handler(fixed(ReviewDecision::Abort));
    let (_s, mut conversation, mut peer) = conversation(options).await;
    let turn = tokio::spawn(async move { conversation.run_turn("go").await });
    peer.accept_message().await;
    peer.event(json!({"type": "task_started"})).await;
    peer.exec_approval(0, "call_1", &["touch", "x"]).await;
    let answer = peer.expect_response(json!(0)).await;
    assert_eq!(answer["result"], json!({"decision": "abort"}));
    peer.event(json!({"type": "turn_aborted", "reason": "interrupted"}))
        .await;
    let started = Instant::now();
    let outcome = within(turn).await.unwrap().unwrap();
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(
        outcome.end,
        TurnEnd::Aborted {
            reason: "interrupted".into()
        }
    );
    assert_eq!(outcome.denied.len(), 1);
    assert_eq!(outcome.denied[0].decision, ReviewDecision::Abort);
}

/// The guide's `{"decision":"allow"}` is read by 0.39 as a denial: whatever the handler
/// decides, only the four real spellings go on the wire.
#[tokio::test]
async fn only_real_decision_spellings_are_written() {
    for (decision, wire) in [
        (ReviewDecision::Approved, "approved"),
        (ReviewDecision::ApprovedForSession, "approved_for_session"),
        (ReviewDecision::Denied, "denied"),
        (ReviewDecision::Abort, "abort"),
    ] {
        let options = crate::support::scripted().approval_handler(fixed(decision));
        let (_s, _c, mut peer) = conversation(options).await;
        peer.exec_approval(0, "call_1", &["touch", "x"]).await;
        let answer = peer.expect_response(json!(0)).await;
        assert_eq!(answer["result"], json!({"decision": wire}));
        assert_eq!(
            answer["jsonrpc"], "2.0",
            "0.95+ ignores messages without it"
        );
        assert!(!answer.to_string().contains("allow"));
    }
}

/// 0.39's patch approval uses snake_case params and the `{"add":{"content":…}}` change form.
#[tokio::test]
async fn a_patch_approval_in_the_039_shape_reaches_the_handler() {
    let options = crate::support::scripted().approval_handler(fixed(ReviewDecision::Approved));
    let (_s, mut conversation, mut peer) = conversation(options).await;
    let turn = tokio::spawn(async move { conversation.run_turn("patch").await });
    peer.accept_message().await;
    peer.event(
        json!({"type": "apply_patch_approval_request", "call_id": "call_patch_2",
        "changes": {"/w/hello.txt": {"add": {"content": "hi\n"}}}}),
    )
    .await;
    peer.send(
        json!({"jsonrpc": "2.0", "id": 0, "method": "applyPatchApproval", "params": {
        "conversation_id": CONV, "call_id": "call_patch_2",
        "file_changes": {"/w/hello.txt": {"add": {"content": "hi\n"}}}}}),
    )
    .await;
    let answer = peer.expect_response(json!(0)).await;
    assert_eq!(answer["result"], json!({"decision": "approved"}));
    peer.event(
        json!({"type": "patch_apply_begin", "call_id": "call_patch_2", "auto_approved": false,
        "changes": {"/w/hello.txt": {"add": {"content": "hi\n"}}}}),
    )
    .await;
    peer.event(
        json!({"type": "patch_apply_end", "call_id": "call_patch_2", "stdout": "ok",
        "stderr": "", "success": true}),
    )
    .await;
    peer.event(json!({"type": "task_complete", "last_agent_message": null}))
        .await;
    let outcome = within(turn).await.unwrap().unwrap();
    assert_eq!(outcome.patches.len(), 1);
    assert_eq!(outcome.patches[0].success, Some(true));
    assert_eq!(
        outcome.patches[0].files,
        vec![std::path::PathBuf::from("/w/hello.txt")]
    );
}
