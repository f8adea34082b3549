//! The real `codex` 0.39 binary (installed by scripts/test.sh) against the scripted fake model
//! of `xldb-testkit`. Offline; each test takes a second or two.

use std::sync::Arc;
use std::time::Duration;

use codex_session::{
    ApprovalHandler, ApprovalKind, ApproveAll, Conversation, ConversationOptions, Event,
    FileAuditSink, ReviewDecision, SessionOptions, TurnEnd,
};
use xldb_testkit::codex::DEFAULT_CODEX_VERSION;
use xldb_testkit::fake_model::{Script, Step};

use crate::support::{fixed, untrusted_workspace, wait_listed, within, Rig};

async fn rig(
    script: Script,
    handler: Arc<dyn ApprovalHandler>,
    tweak: impl FnOnce(SessionOptions) -> SessionOptions,
) -> Rig {
    Rig::start(DEFAULT_CODEX_VERSION, script, |options| {
        tweak(options.approval_handler(handler))
    })
    .await
}

fn conversation_options(rig: &Rig) -> ConversationOptions {
    untrusted_workspace(&rig.home, Duration::from_secs(20))
}

/// The first output of the command `call_exec_1` the model received.
fn first_exec_output(rig: &Rig) -> Option<String> {
    rig.model
        .requests()
        .iter()
        .filter_map(|r| r.tool_output("call_exec_1").map(str::to_owned))
        .next()
}

/// A session whose conversation is in a turn the model never finishes (the stream hangs).
async fn hanging_turn() -> (Rig, Conversation) {
    let rig = rig(
        Script::new([Step::new().hang()]),
        fixed(ReviewDecision::Denied),
        |o| o,
    )
    .await;
    let mut conversation = rig.open(conversation_options(&rig)).await;
    within(conversation.send_message("think forever"))
        .await
        .unwrap();
    assert!(within(rig.model.wait_for_hanging(1, Duration::from_secs(10))).await);
    (rig, conversation)
}

const PATCH: &str = "*** Begin Patch\n*** Add File: hello.txt\n+hello from patch\n*** End Patch\n";

#[tokio::test]
async fn a_full_turn_reaches_task_complete() {
    let rig = rig(
        Script::new([Step::new().message("All done (fake model).")]),
        fixed(ReviewDecision::Denied),
        |o| o,
    )
    .await;
    let info = rig.session.server_info().unwrap();
    assert_eq!(info.version, "0.39.0");
    let mut conversation = rig.open(conversation_options(&rig)).await;
    let outcome = within(conversation.run_turn("say something"))
        .await
        .unwrap();
    assert_eq!(outcome.end, TurnEnd::Completed);
    assert_eq!(
        outcome.final_message.as_deref(),
        Some("All done (fake model).")
    );
    assert!(outcome.token_usage.is_some_and(|u| u.total_tokens > 0));
    assert!(rig
        .model
        .requests()
        .iter()
        .any(|r| r.user_texts().iter().any(|t| t.contains("say something"))));
}

#[tokio::test]
async fn a_denied_command_never_runs_and_the_denial_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let audit_path = dir.path().join("audit.jsonl");
    let audit = Arc::new(FileAuditSink::open(&audit_path).unwrap());
    let script = Script::new([
        Step::new().shell(["bash", "-lc", "echo pwned > created_by_exec.txt"]),
        Step::new().message("ok"),
    ]);
    let rig = rig(script, fixed(ReviewDecision::Denied), |o| o.audit(audit)).await;
    let mut conversation = rig.open(conversation_options(&rig)).await;
    let outcome = within(conversation.run_turn("write a file")).await.unwrap();
    assert_eq!(outcome.end, TurnEnd::Completed);
    assert_eq!(outcome.denied.len(), 1, "{outcome:?}");
    assert_eq!(outcome.denied[0].kind, ApprovalKind::Exec);
    assert_eq!(outcome.denied[0].call_id, "call_exec_1");
    assert!(outcome.commands.is_empty(), "{:?}", outcome.commands);
    assert!(!rig.home.work_dir().join("created_by_exec.txt").exists());
    // The model was told.
    let told = first_exec_output(&rig);
    assert!(
        told.is_some_and(|t| t.contains("rejected")),
        "the model sees the rejection"
    );
    let log = std::fs::read_to_string(&audit_path).unwrap();
    let approval = log
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|r| r["event"] == "approval")
        .expect("approval audited");
    assert_eq!(approval["decision"], "denied");
    assert_eq!(approval["request"]["call_id"], "call_exec_1");
}

#[tokio::test]
async fn an_allowed_commands_output_reaches_the_model() {
    let script = Script::new([
        Step::new().shell(["bash", "-lc", "echo marker-4242 > out.txt && cat out.txt"]),
        Step::new().message("saw it"),
    ]);
    let rig = rig(script, Arc::new(ApproveAll), |o| o).await;
    let mut conversation = rig.open(conversation_options(&rig)).await;
    let outcome = within(conversation.run_turn("run it")).await.unwrap();
    assert_eq!(outcome.end, TurnEnd::Completed);
    assert!(outcome.denied.is_empty());
    assert_eq!(outcome.commands.len(), 1, "{:?}", outcome.commands);
    assert_eq!(outcome.commands[0].exit_code, Some(0));
    assert!(outcome.commands[0].output.contains("marker-4242"));
    let told = first_exec_output(&rig);
    assert!(
        told.is_some_and(|t| t.contains("marker-4242")),
        "the output reached the model"
    );
}

#[tokio::test]
async fn a_patch_approval_applies_the_patch() {
    let script = Script::new([Step::new().patch(PATCH), Step::new().message("patched")]);
    let rig = rig(script, fixed(ReviewDecision::Approved), |o| o).await;
    let mut conversation = rig.open(conversation_options(&rig)).await;
    let outcome = within(conversation.run_turn("add hello.txt"))
        .await
        .unwrap();
    assert_eq!(outcome.end, TurnEnd::Completed);
    assert_eq!(outcome.patches.len(), 1, "{outcome:?}");
    assert_eq!(outcome.patches[0].success, Some(true));
    let written = std::fs::read_to_string(rig.home.work_dir().join("hello.txt")).unwrap();
    assert_eq!(written, "hello from patch\n");
}

#[tokio::test]
async fn an_interrupt_ends_the_turn_with_turn_aborted() {
    let (rig, mut conversation) = hanging_turn().await;
    within(conversation.interrupt())
        .await
        .expect("interrupt answered");
    let mut kinds = Vec::new();
    loop {
        let event = within(conversation.next_event()).await.unwrap();
        kinds.push(event.kind().to_owned());
        if let Event::TurnAborted { reason } = event {
            assert_eq!(reason, "interrupted");
            break;
        }
    }
    assert!(!kinds.contains(&"task_complete".to_owned()), "{kinds:?}");
    assert!(rig.session.is_available());
}

#[tokio::test]
async fn two_conversations_run_in_parallel() {
    let script = Script::new([
        Step::new().shell(["bash", "-lc", "echo parallel"]),
        Step::new().message("done"),
    ])
    .select_by_tool_outputs();
    let rig = rig(script, Arc::new(ApproveAll), |o| o).await;
    let mut a = rig.open(conversation_options(&rig)).await;
    let mut b = rig.open(conversation_options(&rig)).await;
    assert_ne!(a.id(), b.id());
    let (ra, rb) = within(async { tokio::join!(a.run_turn("first"), b.run_turn("second")) }).await;
    for outcome in [ra.unwrap(), rb.unwrap()] {
        assert_eq!(outcome.end, TurnEnd::Completed);
        assert_eq!(
            outcome.commands.len(),
            1,
            "each conversation sees only its own command"
        );
        assert_eq!(outcome.commands[0].exit_code, Some(0));
        assert_eq!(outcome.final_message.as_deref(), Some("done"));
    }
}

#[tokio::test]
async fn events_arrive_typed_in_order_and_none_is_lost() {
    let script = Script::new([
        Step::new().shell(["bash", "-lc", "touch created_by_exec.txt"]),
        Step::new().patch(PATCH),
        Step::new().message("All done (fake model)."),
    ]);
    let rig = rig(script, Arc::new(ApproveAll), |o| o).await;
    let mut conversation = rig.open(conversation_options(&rig)).await;
    within(conversation.send_message("please run touch"))
        .await
        .unwrap();
    let mut events = Vec::new();
    loop {
        let event = within(conversation.next_event())
            .await
            .expect("stream open");
        let end = event.ends_turn();
        events.push(event);
        if end {
            break;
        }
    }
    let kinds: Vec<&str> = events.iter().map(Event::kind).collect();
    // The 0.39 sequence recorded in shared/reference/transcripts, plus our own decisions.
    let expected = [
        "turn_started",
        "exec_approval_request",
        "approval_decided",
        "exec_command_begin",
        "exec_command_end",
        "token_count",
        "apply_patch_approval_request",
        "approval_decided",
        "patch_apply_begin",
        "patch_apply_end",
        "turn_diff",
        "agent_message",
        "task_complete",
    ];
    let mut at = 0;
    for kind in &kinds {
        if at < expected.len() && *kind == expected[at] {
            at += 1;
        }
    }
    assert_eq!(
        at,
        expected.len(),
        "expected {expected:?} in order within {kinds:?}"
    );
    assert!(!kinds.contains(&"lagged"), "{kinds:?}");
    assert!(
        events.iter().all(|e| !matches!(e, Event::Other { .. })),
        "every 0.39 event of this turn is typed: {kinds:?}"
    );
    assert!(matches!(
        &events[kinds.iter().position(|k| *k == "exec_command_end").unwrap()],
        Event::CommandFinished { exit_code: 0, .. }
    ));
}

/// The whole chain a proxy uses: the built-in policy decides, the audit log records why.
#[cfg(feature = "policy")]
#[tokio::test]
async fn the_policy_handler_allows_a_read_query_and_denies_a_write() {
    let dir = tempfile::tempdir().unwrap();
    let audit_path = dir.path().join("audit.jsonl");
    let audit = Arc::new(FileAuditSink::open(&audit_path).unwrap());
    let script = Script::new([
        Step::new().shell(["sqlite3", ":memory:", "select 41+1"]),
        Step::new().shell(["bash", "-lc", "echo pwned > created_by_exec.txt"]),
        Step::new().message("ok"),
    ]);
    let rig = rig(
        script,
        Arc::new(codex_session::PolicyHandler::builtin()),
        |o| o.audit(audit),
    )
    .await;
    let mut conversation = rig.open(conversation_options(&rig)).await;
    let outcome = within(conversation.run_turn("query, then write"))
        .await
        .unwrap();
    assert_eq!(outcome.end, TurnEnd::Completed);
    assert_eq!(outcome.commands.len(), 1, "{outcome:?}");
    assert_eq!(outcome.commands[0].command[0], "sqlite3");
    assert_eq!(
        outcome.commands[0].exit_code,
        Some(0),
        "sqlite3 is installed by scripts/test.sh"
    );
    assert!(outcome.commands[0].output.contains("42"));
    assert_eq!(outcome.denied.len(), 1);
    assert_eq!(outcome.denied[0].call_id, "call_exec_2");
    assert!(!rig.home.work_dir().join("created_by_exec.txt").exists());
    let records: Vec<serde_json::Value> = std::fs::read_to_string(&audit_path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let approvals: Vec<_> = records
        .iter()
        .filter(|r| r["event"] == "approval")
        .collect();
    assert_eq!(approvals.len(), 2);
    assert_eq!(approvals[0]["decision"], "approved");
    assert_eq!(approvals[1]["decision"], "denied");
    // The policy's explanation (its findings) is in the record.
    assert!(
        approvals[1]["explanation"]["policy"]["explanation"].is_array(),
        "{}",
        approvals[1]
    );
    assert!(records
        .iter()
        .any(|r| r["event"] == "command_finished" && r["exit_code"] == 0));
}

#[tokio::test]
async fn a_finished_conversation_is_listed_resumed_and_archived() {
    let script = Script::new([Step::new().message("first"), Step::new().message("second")]);
    let rig = rig(script, fixed(ReviewDecision::Denied), |o| o).await;
    let mut conversation = rig.open(conversation_options(&rig)).await;
    within(conversation.run_turn("hello")).await.unwrap();
    let id = conversation.id().to_owned();
    let rollout = conversation
        .info()
        .rollout_path
        .clone()
        .expect("0.39 returns rolloutPath");
    drop(conversation);
    // 0.39 writes the transcript in the background: poll for it.
    wait_listed(&rig.session, &id).await;
    let mut resumed = within(
        rig.session
            .resume_conversation(&rollout, conversation_options(&rig)),
    )
    .await
    .unwrap();
    let outcome = within(resumed.run_turn("again")).await.unwrap();
    assert_eq!(outcome.end, TurnEnd::Completed);
    assert_eq!(outcome.final_message.as_deref(), Some("second"));
    drop(resumed);
    within(rig.session.archive_conversation(&id, &rollout))
        .await
        .expect("archived");
    let page = within(rig.session.list_conversations(Some(10), None))
        .await
        .unwrap();
    assert!(!page.items.iter().any(|c| c.path == rollout), "{page:?}");
}

/// Clean shutdown with a turn running: the turn is interrupted (its stream ends with
/// `turn_aborted`, then `disconnected`), the server exits on end of input within the grace.
#[tokio::test]
async fn shutdown_interrupts_the_running_turn_and_the_server_exits() {
    let (rig, mut conversation) = hanging_turn().await;
    // Wait until the server has announced the turn (so the session knows it runs).
    loop {
        if matches!(
            within(conversation.next_event()).await,
            Some(Event::TurnStarted)
        ) {
            break;
        }
    }
    let observer = rig.session.clone();
    let started = std::time::Instant::now();
    within(rig.session.shutdown(Duration::from_secs(8)))
        .await
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "exited before the grace ran out"
    );
    assert!(!observer.is_available());
    let mut kinds = Vec::new();
    while let Some(event) = within(conversation.next_event()).await {
        kinds.push(event.kind().to_owned());
    }
    assert!(kinds.contains(&"turn_aborted".to_owned()), "{kinds:?}");
    assert_eq!(
        kinds.last().map(String::as_str),
        Some("disconnected"),
        "{kinds:?}"
    );
}

/// Regression: in about one run in three, codex exiting on end of input after a requested
/// shutdown won the race to report the end: a `WARN codex is unavailable reason=the server
/// exited with code 0` and an `unavailable` audit record after `shutdown`. A requested
/// shutdown is not a failure. Several idle shutdowns of the real server, each checked.
#[tokio::test]
async fn a_requested_shutdown_is_never_reported_as_unavailable() {
    for round in 0..5 {
        let sink = Arc::new(codex_session::MemoryAuditSink::new());
        let audit = sink.clone();
        let rig = rig(Script::new([]), Arc::new(ApproveAll), move |o| {
            o.audit(audit)
        })
        .await;
        let observer = rig.session.clone();
        within(rig.session.shutdown(Duration::from_secs(8)))
            .await
            .unwrap();
        assert!(!observer.is_available(), "round {round}");
        // Let any record a racing task would still write arrive.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let events: Vec<String> = sink.records().iter().map(|r| r.event.clone()).collect();
        assert!(
            !events.iter().any(|e| e == "unavailable"),
            "round {round}: {events:?}"
        );
        assert_eq!(
            events.last().map(String::as_str),
            Some("shutdown"),
            "{events:?}"
        );
    }
}
