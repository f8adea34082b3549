//! Scripted misbehaving peers. Each test: no hang, no panic, a typed error, nothing pending
//! forever, approvals denied.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use codex_session::{
    ApprovalDecision, ApprovalHandler, ApprovalRequest, ApproveAll, AuditError, AuditRecord,
    AuditSink, ConversationOptions, Error, Event, HandlerError, MemoryAuditSink, ReviewDecision,
    SessionOptions, Status, TurnEnd, Unavailable,
};
use serde_json::json;

use crate::support::{connect, conversation, fixed, within, CONV};

fn quick() -> SessionOptions {
    crate::support::scripted()
        .request_timeout(Duration::from_secs(8))
        .approval_handler(fixed(ReviewDecision::Approved))
}

#[tokio::test]
async fn a_crash_mid_request_fails_the_call_at_once() {
    let (session, mut peer) = connect(quick()).await;
    let s = session.clone();
    let call = tokio::spawn(async move { s.new_conversation(ConversationOptions::new()).await });
    peer.expect_request("newConversation").await;
    let started = Instant::now();
    peer.close().await;
    let err = within(call).await.unwrap().unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert!(
        matches!(err, Error::Unavailable(Unavailable::Closed)),
        "{err:?}"
    );
    assert!(err.is_unavailable());
    assert_eq!(session.status(), Status::Unavailable(Unavailable::Closed));
    // Later calls fail at once too, with the same reason.
    let again = within(session.new_conversation(ConversationOptions::new()))
        .await
        .unwrap_err();
    assert!(
        matches!(again, Error::Unavailable(Unavailable::Closed)),
        "{again:?}"
    );
}

#[tokio::test]
async fn a_crash_mid_turn_ends_run_turn_with_unavailable() {
    let (session, mut conversation, mut peer) = conversation(quick()).await;
    let turn = tokio::spawn(async move { conversation.run_turn("hi").await });
    peer.accept_message().await;
    peer.event(json!({"type": "task_started"})).await;
    peer.event(json!({"type": "agent_message_delta", "delta": "par"}))
        .await;
    peer.close().await;
    let err = within(turn).await.unwrap().unwrap_err();
    assert!(matches!(err, Error::Unavailable(_)), "{err:?}");
    assert!(!session.is_available());
}

#[tokio::test]
async fn a_stalled_server_is_detected_before_the_call_timeout() {
    let options = quick()
        .request_timeout(Duration::from_secs(30))
        .stall_timeout(Some(Duration::from_millis(400)));
    let (session, mut peer) = connect(options).await;
    let s = session.clone();
    let started = Instant::now();
    let call = tokio::spawn(async move { s.new_conversation(ConversationOptions::new()).await });
    // The server reads (so writes never block) but answers nothing, not even the ping probe.
    let reader = tokio::spawn(async move {
        let mut seen = Vec::new();
        while let Some(msg) = peer.try_recv(Duration::from_secs(3)).await {
            seen.push(msg["method"].as_str().unwrap_or("").to_owned());
        }
        seen
    });
    let err = within(call).await.unwrap().unwrap_err();
    assert!(
        matches!(err, Error::Unavailable(Unavailable::Stalled { .. })),
        "{err:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    let seen = reader.await.unwrap();
    assert!(
        seen.iter().any(|m| m == "ping"),
        "the watchdog probes first: {seen:?}"
    );
}

#[tokio::test]
async fn a_slow_but_alive_server_is_not_declared_stalled() {
    let options = quick().stall_timeout(Some(Duration::from_millis(300)));
    let (session, mut peer) = connect(options).await;
    let s = session.clone();
    let call = tokio::spawn(async move { s.new_conversation(ConversationOptions::new()).await });
    let new = peer.expect_request("newConversation").await;
    // Answer pings for a while, then the call.
    let until = Instant::now() + Duration::from_millis(1200);
    while Instant::now() < until {
        if let Some(msg) = peer.try_recv(Duration::from_millis(50)).await {
            if msg["method"] == "ping" {
                peer.reply(&msg, json!({})).await;
            }
        }
    }
    peer.reply(&new, json!({"conversationId": CONV, "model": "m"}))
        .await;
    let listen = peer.expect_request("addConversationListener").await;
    peer.reply(&listen, json!({"subscriptionId": "s"})).await;
    within(call)
        .await
        .unwrap()
        .expect("a server answering pings is alive");
    assert!(session.is_available());
}

#[tokio::test]
async fn ping_measures_a_round_trip() {
    let (session, mut peer) = connect(quick()).await;
    let s = session.clone();
    let ping = tokio::spawn(async move { s.ping().await });
    let request = peer.expect_request("ping").await;
    peer.reply(&request, json!({})).await;
    assert!(within(ping).await.unwrap().unwrap() < Duration::from_secs(5));
}

#[tokio::test]
async fn garbage_lines_are_skipped_and_the_session_goes_on() {
    let (session, mut peer) = connect(quick()).await;
    peer.send_raw(b"not json at all\n{\"half\": \n\x00\xff\xfe binary\n[1,2,3]\n{}\n\n")
        .await;
    let s = session.clone();
    let call = tokio::spawn(async move { s.new_conversation(ConversationOptions::new()).await });
    peer.open_conversation().await;
    within(call)
        .await
        .unwrap()
        .expect("the session survives garbage");
    assert!(session.is_available());
}

#[tokio::test]
async fn a_64_mib_line_is_a_typed_error_not_an_allocation() {
    let (session, mut peer) = connect(quick()).await;
    let s = session.clone();
    let call = tokio::spawn(async move { s.new_conversation(ConversationOptions::new()).await });
    peer.expect_request("newConversation").await;
    let writer = tokio::spawn(async move {
        let chunk = vec![b'a'; 1 << 20];
        peer.send_raw(b"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"")
            .await;
        for _ in 0..64 {
            peer.send_raw(&chunk).await; // stops mattering once the client hangs up
        }
        peer.send_raw(b"\"}\n").await;
    });
    let err = within(call).await.unwrap().unwrap_err();
    assert!(
        matches!(
            err,
            Error::Unavailable(Unavailable::LineTooLong { limit: 16_777_216 })
        ),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("longer than 16777216 bytes"),
        "{err}"
    );
    within(writer).await.unwrap();
}

#[tokio::test]
async fn end_of_file_before_the_handshake_is_unavailable() {
    let (client, server) = tokio::io::duplex(1024);
    drop(server);
    let (r, w) = tokio::io::split(client);
    let err = within(codex_session::CodexSession::connect(r, w, quick()))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Unavailable(Unavailable::Closed)),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_slow_consumer_loses_only_deltas_and_approvals_are_still_answered() {
    let options = quick()
        .event_queue(64)
        .slow_consumer_grace(Duration::from_millis(200));
    let (_session, mut conversation, mut peer) = conversation(options).await;
    let send = tokio::spawn(async move {
        conversation.send_message("go").await.unwrap();
        conversation
    });
    peer.accept_message().await;
    let mut conversation = send.await.unwrap();
    // From here the consumer reads nothing until the turn is over.
    peer.event(json!({"type": "task_started"})).await;
    for i in 0..5000 {
        peer.event(json!({"type": "agent_message_delta", "delta": format!("d{i}")}))
            .await;
    }
    // The approval is answered while nobody reads the events.
    peer.exec_approval(0, "call_1", &["touch", "x"]).await;
    let answer = peer.expect_response(json!(0)).await;
    assert_eq!(answer["result"], json!({"decision": "approved"}));
    peer.event(json!({"type": "agent_message", "message": "done"}))
        .await;
    peer.event(json!({"type": "task_complete", "last_agent_message": "done"}))
        .await;
    let mut events = Vec::new();
    while let Some(e) = within(conversation.next_event()).await {
        let end = matches!(e, Event::TurnComplete { .. });
        events.push(e);
        if end {
            break;
        }
    }
    let lagged: u64 = events
        .iter()
        .map(|e| {
            if let Event::Lagged { missed } = e {
                *missed
            } else {
                0
            }
        })
        .sum();
    let deltas = events
        .iter()
        .filter(|e| matches!(e, Event::AgentMessageDelta { .. }))
        .count();
    assert!(lagged > 0, "some deltas were dropped and reported");
    assert_eq!(
        deltas as u64 + lagged,
        5000,
        "every delta is delivered or counted"
    );
    assert!(
        events.len() <= 2 * 64 + 8,
        "the queue stayed bounded: {}",
        events.len()
    );
    assert!(events.iter().any(|e| matches!(
        e,
        Event::ApprovalDecided {
            decision: ReviewDecision::Approved,
            ..
        }
    )));
    assert!(events
        .iter()
        .any(|e| matches!(e, Event::AgentMessage { .. })));
}

#[derive(Debug)]
struct Panics;
#[async_trait::async_trait]
impl ApprovalHandler for Panics {
    async fn decide(&self, _: &ApprovalRequest) -> Result<ApprovalDecision, HandlerError> {
        panic!("bug in the handler")
    }
}

#[derive(Debug)]
struct Never;
#[async_trait::async_trait]
impl ApprovalHandler for Never {
    async fn decide(&self, _: &ApprovalRequest) -> Result<ApprovalDecision, HandlerError> {
        std::future::pending().await
    }
}

#[tokio::test]
async fn a_panicking_handler_denies_with_a_result() {
    let (_s, mut conversation, mut peer) =
        conversation(quick().approval_handler(Arc::new(Panics))).await;
    let turn = tokio::spawn(async move { conversation.run_turn("go").await });
    peer.accept_message().await;
    peer.exec_approval(0, "call_1", &["touch", "x"]).await;
    let answer = peer.expect_response(json!(0)).await;
    assert_eq!(answer["result"], json!({"decision": "denied"}));
    assert!(answer.get("error").is_none());
    peer.event(json!({"type": "task_complete", "last_agent_message": null}))
        .await;
    let outcome = within(turn).await.unwrap().unwrap();
    assert_eq!(outcome.denied.len(), 1);
    assert_eq!(outcome.denied[0].decided_by, "fallback");
}

#[tokio::test]
async fn a_handler_that_never_answers_is_denied_after_the_timeout() {
    let options = quick()
        .approval_handler(Arc::new(Never))
        .approval_timeout(Duration::from_millis(200));
    let (_s, _conversation, mut peer) = conversation(options).await;
    let started = Instant::now();
    peer.exec_approval(0, "call_1", &["touch", "x"]).await;
    let answer = peer.expect_response(json!(0)).await;
    assert_eq!(answer["result"], json!({"decision": "denied"}));
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn dropping_a_conversation_with_an_approval_pending_aborts_it() {
    let options = quick()
        .approval_handler(Arc::new(Never))
        .approval_timeout(Duration::from_secs(600));
    let (session, mut conversation, mut peer) = conversation(options).await;
    let send = tokio::spawn(async move {
        conversation.send_message("go").await.unwrap();
        conversation
    });
    peer.accept_message().await;
    let conversation = send.await.unwrap();
    peer.event(json!({"type": "task_started"})).await;
    peer.exec_approval(0, "call_1", &["touch", "x"]).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    drop(conversation);
    // The pending approval is answered `abort` (ends the turn), and the turn is interrupted.
    let mut got_abort = false;
    let mut got_interrupt = false;
    while !(got_abort && got_interrupt) {
        let msg = peer.recv().await;
        if msg.get("method").is_none() && msg["id"] == json!(0) {
            assert_eq!(msg["result"], json!({"decision": "abort"}));
            got_abort = true;
        }
        if msg["method"] == "interruptConversation" {
            got_interrupt = true;
        }
    }
    // A late approval for the dropped conversation is denied, not left hanging.
    peer.exec_approval(1, "call_2", &["touch", "y"]).await;
    let late = peer.expect_response(json!(1)).await;
    assert_eq!(late["result"], json!({"decision": "denied"}));
    assert!(session.is_available());
}

/// A sink that checks, on every append, that the peer has not seen the decision yet.
#[derive(Debug, Default)]
struct OrderCheck {
    decision_seen: Arc<AtomicBool>,
    violations: std::sync::Mutex<u32>,
    inner: MemoryAuditSink,
}

#[async_trait::async_trait]
impl AuditSink for OrderCheck {
    async fn append(&self, record: &AuditRecord) -> Result<(), AuditError> {
        if record.event == "approval" {
            // Give a premature decision time to reach the peer.
            tokio::time::sleep(Duration::from_millis(100)).await;
            if self.decision_seen.load(Ordering::SeqCst) {
                *self.violations.lock().unwrap() += 1;
            }
        }
        self.inner.append(record).await
    }
}

#[tokio::test]
async fn the_audit_record_is_stored_before_the_decision_is_sent() {
    let sink = Arc::new(OrderCheck::default());
    let seen = sink.decision_seen.clone();
    let options = quick()
        .audit(sink.clone())
        .approval_handler(Arc::new(ApproveAll));
    let (_s, _c, mut peer) = conversation(options).await;
    peer.exec_approval(0, "call_1", &["psql", "postgres://admin:hunter2@db/x"])
        .await;
    let answer = peer.expect_response(json!(0)).await;
    seen.store(true, Ordering::SeqCst);
    assert_eq!(answer["result"], json!({"decision": "approved"}));
    assert_eq!(*sink.violations.lock().unwrap(), 0);
    let records = sink.inner.records();
    let approval = records
        .iter()
        .find(|r| r.event == "approval")
        .expect("approval audited");
    let line = approval.to_json_line();
    assert!(line.contains("\"decision\":\"approved\""), "{line}");
    assert!(line.contains("call_1"), "{line}");
    assert!(!line.contains("hunter2"), "secrets are redacted: {line}");
}

#[derive(Debug)]
struct BrokenSink;
#[async_trait::async_trait]
impl AuditSink for BrokenSink {
    async fn append(&self, _: &AuditRecord) -> Result<(), AuditError> {
        Err(AuditError::new("broken", "disk full"))
    }
}

#[tokio::test]
async fn an_unwritable_audit_log_denies_even_an_approved_request() {
    let options = quick()
        .audit(Arc::new(BrokenSink))
        .approval_handler(Arc::new(ApproveAll));
    let (_s, _c, mut peer) = conversation(options).await;
    peer.exec_approval(0, "call_1", &["touch", "x"]).await;
    let answer = peer.expect_response(json!(0)).await;
    assert_eq!(answer["result"], json!({"decision": "denied"}));
}

#[tokio::test]
async fn nothing_is_left_pending_after_the_server_dies() {
    let (session, mut peer) = connect(quick()).await;
    let mut calls = Vec::new();
    for _ in 0..20 {
        let s = session.clone();
        calls.push(tokio::spawn(async move {
            s.list_conversations(None, None).await
        }));
    }
    for _ in 0..20 {
        peer.expect_request("listConversations").await;
    }
    peer.close().await;
    for call in calls {
        let err = within(call).await.unwrap().unwrap_err();
        assert!(err.is_unavailable(), "{err:?}");
    }
    assert!(matches!(
        within(session.unavailable()).await,
        Unavailable::Closed
    ));
}

#[tokio::test]
async fn a_turn_completes_with_its_outcome() {
    let (_s, mut conversation, mut peer) = conversation(quick()).await;
    let turn = tokio::spawn(async move { conversation.run_turn("list files").await });
    let send = peer.accept_message().await;
    assert_eq!(
        send["params"]["items"],
        json!([{"type": "text", "data": {"text": "list files"}}]),
        "0.39 needs data-wrapped text items"
    );
    peer.event(json!({"type": "task_started", "model_context_window": null}))
        .await;
    peer.event(
        json!({"type": "exec_command_begin", "call_id": "c1", "command": ["ls"], "cwd": "/w",
        "parsed_cmd": []}),
    )
    .await;
    peer.event(
        json!({"type": "exec_command_end", "call_id": "c1", "stdout": "a\n", "stderr": "",
        "aggregated_output": "a\n", "exit_code": 0, "duration": {"secs": 0, "nanos": 5000000},
        "formatted_output": "a\n"}),
    )
    .await;
    peer.event(json!({"type": "token_count", "info": {"total_token_usage": {"input_tokens": 10,
        "cached_input_tokens": 0, "output_tokens": 5, "reasoning_output_tokens": 0, "total_tokens": 15},
        "last_token_usage": {"input_tokens": 10, "cached_input_tokens": 0, "output_tokens": 5,
        "reasoning_output_tokens": 0, "total_tokens": 15}, "model_context_window": null}})).await;
    peer.event(json!({"type": "agent_message", "message": "one file"}))
        .await;
    peer.event(json!({"type": "some_future_event", "x": 1}))
        .await;
    peer.event(json!({"type": "task_complete", "last_agent_message": "one file"}))
        .await;
    let outcome = within(turn).await.unwrap().unwrap();
    assert_eq!(outcome.end, TurnEnd::Completed);
    assert_eq!(outcome.final_message.as_deref(), Some("one file"));
    assert_eq!(outcome.commands.len(), 1);
    assert_eq!(outcome.commands[0].exit_code, Some(0));
    assert_eq!(outcome.commands[0].output, "a\n");
    assert_eq!(outcome.token_usage.map(|u| u.total_tokens), Some(15));
}

#[tokio::test]
async fn a_consumer_slower_than_the_server_gets_backpressure_and_loses_nothing() {
    let options = quick().event_queue(16);
    let (_session, mut conversation, mut peer) = conversation(options).await;
    let consumer = tokio::spawn(async move {
        let mut outcome_deltas: u32 = 0;
        let turn = conversation.run_turn_observed("go", |e| {
            if matches!(e, Event::AgentMessageDelta { .. }) {
                outcome_deltas += 1;
                if outcome_deltas.is_multiple_of(100) {
                    // A consumer with real work to do.
                    std::thread::sleep(Duration::from_millis(2));
                }
            }
        });
        let outcome = turn.await.unwrap();
        (outcome, outcome_deltas)
    });
    peer.accept_message().await;
    for i in 0..3000 {
        peer.event(json!({"type": "agent_message_delta", "delta": format!("d{i}")}))
            .await;
    }
    peer.event(json!({"type": "task_complete", "last_agent_message": "x"}))
        .await;
    let (outcome, deltas) = within(consumer).await.unwrap();
    assert_eq!(outcome.lagged, 0);
    assert_eq!(deltas, 3000);
}
