//! The version matrix: the same scenarios, through the same public API
//! (`CodexSession::start` with `Protocol::Auto` → `new_conversation` → `run_turn`), against
//! every real Codex generation we speak: 0.39.0 (`codex mcp` conversation API), 0.80.0 and
//! 0.169.0 and 0.171.0 (app-server v2), 0.80.0 forced to app-server v1, and MCP tool mode on 0.80.0
//! (`codex mcp-server`) and 0.39.0 (`codex mcp`). The fake model of `xldb-testkit` plays the
//! same script to each. A missing binary fails the test with the command that installs it.

use std::ops::Deref;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use codex_session::{
    ApprovalDecision, ApprovalHandler, ApprovalKind, ApprovalRequest, CodexSession, CodexVersion,
    ConversationOptions, Error, Event, HandlerError, MemoryAuditSink, Protocol, ReviewDecision,
    SessionOptions, TurnEnd, TurnOutcome,
};
use xldb_testkit::fake_model::{CodexHome, FakeModel, Script, Step};

use crate::support::{per_target, real_options, untrusted_workspace, within};

/// Decides requests with the given decisions in turn (the last one repeats) and remembers
/// what it was asked.
#[derive(Debug)]
struct Recording {
    decisions: Vec<ReviewDecision>,
    seen: Mutex<Vec<ApprovalKind>>,
}

impl Recording {
    fn new(decision: ReviewDecision) -> Arc<Recording> {
        Recording::sequence(&[decision])
    }

    fn sequence(decisions: &[ReviewDecision]) -> Arc<Recording> {
        Arc::new(Recording {
            decisions: decisions.to_vec(),
            seen: Mutex::new(Vec::new()),
        })
    }

    fn seen(&self) -> Vec<ApprovalKind> {
        self.seen.lock().unwrap().clone()
    }
}

#[async_trait::async_trait]
impl ApprovalHandler for Recording {
    async fn decide(&self, request: &ApprovalRequest) -> Result<ApprovalDecision, HandlerError> {
        let kind = match request {
            ApprovalRequest::Exec(_) => ApprovalKind::Exec,
            ApprovalRequest::Patch(_) => ApprovalKind::Patch,
            _ => panic!("unexpected request {request:?}"),
        };
        let mut seen = self.seen.lock().unwrap();
        let decision = self.decisions[seen.len().min(self.decisions.len() - 1)];
        seen.push(kind);
        Ok(ApprovalDecision::new(decision, "matrix", "fixed"))
    }
}

/// A binary version and the protocol to speak to it.
type Target = (&'static str, Protocol);

/// The shared rig, and the audit records of its session.
struct Rig {
    rig: crate::support::Rig,
    audit: Arc<MemoryAuditSink>,
}

impl Deref for Rig {
    type Target = crate::support::Rig;

    fn deref(&self) -> &crate::support::Rig {
        &self.rig
    }
}

/// Start `version` speaking `protocol` (`Protocol::Auto`: check what detection chose).
async fn rig(
    (version, protocol): Target,
    script: Script,
    handler: Arc<dyn ApprovalHandler>,
) -> Rig {
    let audit = Arc::new(MemoryAuditSink::new());
    let rig = crate::support::Rig::start(version, script, |options| {
        let options = options
            .protocol(protocol)
            .approval_handler(handler)
            .audit(audit.clone());
        // Tool mode named without detection spawns `codex mcp-server` (0.44+); before 0.44
        // the same tools are served by `codex mcp`.
        let parsed: CodexVersion = version.parse().unwrap();
        if protocol == Protocol::McpTool && !parsed.at_least(0, 44, 0) {
            options.args(["mcp"])
        } else {
            options
        }
    })
    .await;
    assert_eq!(rig.session.server_info().unwrap().version, version);
    let expected = match protocol {
        Protocol::Auto if version == "0.39.0" => "mcp-conversation",
        Protocol::Auto => "app-server-v2",
        forced => forced.name(),
    };
    let started = audit
        .records()
        .into_iter()
        .find(|r| r.event == "session_started")
        .expect("session_started audited");
    assert_eq!(started.fields["protocol"], expected, "{version}");
    Rig { rig, audit }
}

fn conversation_options(rig: &Rig) -> ConversationOptions {
    untrusted_workspace(&rig.home, Duration::from_secs(8))
}

const MARKER: &str = "matrix-output-4711";
const PATCH: &str = "*** Begin Patch\n*** Add File: hello.txt\n+hello from patch\n*** End Patch\n";

fn exec_script(then: Step) -> Script {
    Script::new([
        Step::new().shell([
            "bash",
            "-c",
            "touch created_by_exec.txt && echo matrix-output-4711",
        ]),
        then,
    ])
    .select_by_tool_outputs()
}

/// The model asks for the command of [`exec_script`], `decision` answers it, then the model
/// says `message`: the rig, what the handler was asked, and the turn's outcome.
async fn one_exec_turn(
    target: Target,
    decision: ReviewDecision,
    message: &str,
) -> (Rig, Arc<Recording>, TurnOutcome) {
    let handler = Recording::new(decision);
    let script = exec_script(Step::new().message(message));
    let rig = rig(target, script, handler.clone()).await;
    let mut conversation = rig.open(conversation_options(&rig)).await;
    let outcome = within(conversation.run_turn("please run the command"))
        .await
        .unwrap();
    (rig, handler, outcome)
}

/// An approved command runs, its output reaches the model, the turn completes.
async fn full_turn(target: Target) {
    let version = target.0;
    let (rig, handler, outcome) =
        one_exec_turn(target, ReviewDecision::Approved, "All done (fake model).").await;
    assert_eq!(outcome.end, TurnEnd::Completed, "{version}: {outcome:?}");
    assert_eq!(
        outcome.final_message.as_deref(),
        Some("All done (fake model)."),
        "{version}"
    );
    assert_eq!(handler.seen(), [ApprovalKind::Exec], "{version}");
    assert_eq!(outcome.commands.len(), 1, "{version}: {outcome:?}");
    assert_eq!(
        outcome.commands[0].exit_code,
        Some(0),
        "{version}: {:?}",
        outcome.commands[0]
    );
    assert!(
        outcome.commands[0].output.contains(MARKER),
        "{version}: {:?}",
        outcome.commands[0]
    );
    assert!(rig.home.work_dir().join("created_by_exec.txt").exists());
    let told = rig.model.requests().iter().any(|r| {
        r.tool_output("call_exec_1")
            .is_some_and(|o| o.contains(MARKER))
    });
    assert!(
        told,
        "{version}: the command's output did not reach the model"
    );
    assert!(rig.audit.records().iter().any(|r| r.event == "approval"));
}

/// A denied command never runs; the model is told; the turn completes.
async fn denied_command(target: Target) {
    let version = target.0;
    let (rig, handler, outcome) =
        one_exec_turn(target, ReviewDecision::Denied, "Not run (fake model).").await;
    assert_eq!(outcome.end, TurnEnd::Completed, "{version}: {outcome:?}");
    assert_eq!(handler.seen(), [ApprovalKind::Exec], "{version}");
    assert_eq!(outcome.denied.len(), 1, "{version}: {outcome:?}");
    assert_eq!(outcome.denied[0].kind, ApprovalKind::Exec, "{version}");
    assert!(outcome.commands.is_empty(), "{version}: {outcome:?}");
    assert!(
        !rig.home.work_dir().join("created_by_exec.txt").exists(),
        "{version}: the denied command ran"
    );
    let told = rig.model.requests().iter().any(|r| {
        r.tool_output("call_exec_1")
            .is_some_and(|o| o.contains("rejected") && !o.contains(MARKER))
    });
    assert!(told, "{version}: the model was not told of the rejection");
}

/// A patch goes through the approval handler and is applied.
async fn patch_approval(target: Target) {
    let version = target.0;
    let handler = Recording::new(ReviewDecision::Approved);
    let script = Script::new([Step::new().patch(PATCH), Step::new().message("patched")])
        .select_by_tool_outputs();
    let rig = rig(target, script, handler.clone()).await;
    let mut conversation = rig.open(conversation_options(&rig)).await;
    let outcome = within(conversation.run_turn("add hello.txt"))
        .await
        .unwrap();
    assert_eq!(outcome.end, TurnEnd::Completed, "{version}: {outcome:?}");
    assert_eq!(handler.seen(), [ApprovalKind::Patch], "{version}");
    assert_eq!(outcome.patches.len(), 1, "{version}: {outcome:?}");
    assert_eq!(outcome.patches[0].success, Some(true), "{version}");
    let written = std::fs::read_to_string(rig.home.work_dir().join("hello.txt")).unwrap();
    assert_eq!(written, "hello from patch\n", "{version}");
}

/// `Conversation::interrupt` ends a hanging turn with `TurnAborted`.
async fn interrupt(target: Target) {
    let version = target.0;
    let rig = rig(
        target,
        Script::new([Step::new().hang().message("too late (fake model)")]),
        Recording::new(ReviewDecision::Denied),
    )
    .await;
    let mut conversation = rig.open(conversation_options(&rig)).await;
    within(conversation.send_message("think forever"))
        .await
        .unwrap();
    assert!(
        within(rig.model.wait_for_hanging(1, Duration::from_secs(8))).await,
        "{version}"
    );
    within(conversation.interrupt())
        .await
        .unwrap_or_else(|e| panic!("{version}: interrupt: {e}"));
    let mut kinds = Vec::new();
    loop {
        let event = within(conversation.next_event()).await.unwrap();
        kinds.push(event.kind().to_owned());
        if let Event::TurnAborted { reason } = &event {
            assert_eq!(reason, "interrupted", "{version}");
            break;
        }
        assert!(!event.ends_turn(), "{version}: {kinds:?}");
    }
    rig.model.release_hangs();
    assert!(rig.session.is_available(), "{version}");
}

per_target! {
    [full_turn, denied_command, patch_approval, interrupt]
    v0_39_0 => ("0.39.0", Protocol::Auto),
    v0_80_0 => ("0.80.0", Protocol::Auto),
    v0_169_0 => ("0.169.0", Protocol::Auto),
    v0_171_0 => ("0.171.0", Protocol::Auto),
    // The v1 conversation API on `codex app-server`, forced (Auto prefers v2 from 0.63).
    v0_80_0_app_server_v1 => ("0.80.0", Protocol::AppServerV1),
    // MCP tool mode: `codex mcp-server` (0.44 – 0.153.4) and `codex mcp` (0.20 – 0.42).
    v0_80_0_mcp_tool => ("0.80.0", Protocol::McpTool),
    v0_39_0_mcp_tool => ("0.39.0", Protocol::McpTool),
}

/// The tool-mode abort trap (`codex-protocol.md` 2.4, 3.7): after an `abort` decision the
/// server ends the turn with `turn_aborted` and never answers the `tools/call`. The turn must
/// end there (not hang until the turn timeout), and the session must stay usable: the same
/// conversation continues, another one runs a full turn, and shutdown does not wait on the
/// orphaned call.
async fn abort_trap(target: Target) {
    let version = target.0;
    let handler = Recording::sequence(&[ReviewDecision::Abort, ReviewDecision::Approved]);
    let script = exec_script(Step::new().message("All done (fake model)."));
    let rig = rig(target, script, handler.clone()).await;
    let mut conversation = rig.open(conversation_options(&rig)).await;
    let started = std::time::Instant::now();
    let outcome = within(conversation.run_turn("please run the command"))
        .await
        .unwrap_or_else(|e| panic!("{version}: {e}"));
    assert!(
        matches!(outcome.end, TurnEnd::Aborted { .. }),
        "{version}: {outcome:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{version}: the aborted turn ended only at the turn timeout"
    );
    assert_eq!(outcome.denied.len(), 1, "{version}: {outcome:?}");
    assert_eq!(
        outcome.denied[0].decision,
        ReviewDecision::Abort,
        "{version}"
    );
    assert!(
        !rig.home.work_dir().join("created_by_exec.txt").exists(),
        "{version}: the aborted command ran"
    );
    // The same conversation goes on (`codex-reply`); the server's stuck task for the aborted
    // call may forward this turn's events and answer under the old request id: ignored.
    let outcome = within(conversation.run_turn("please try again"))
        .await
        .unwrap_or_else(|e| panic!("{version}: {e}"));
    assert_eq!(outcome.end, TurnEnd::Completed, "{version}: {outcome:?}");
    assert_eq!(
        outcome.final_message.as_deref(),
        Some("All done (fake model)."),
        "{version}"
    );
    drop(conversation);

    let mut again = rig.open(conversation_options(&rig)).await;
    let outcome = within(again.run_turn("please run the command"))
        .await
        .unwrap();
    assert_eq!(outcome.end, TurnEnd::Completed, "{version}: {outcome:?}");
    assert_eq!(
        outcome.final_message.as_deref(),
        Some("All done (fake model)."),
        "{version}"
    );
    assert!(
        handler.seen().iter().all(|k| *k == ApprovalKind::Exec),
        "{version}"
    );
    drop(again);
    let shutdown = std::time::Instant::now();
    within(rig.rig.session.shutdown(Duration::from_secs(5)))
        .await
        .unwrap();
    // The server's task for the aborted call never ends, so it does not exit at end of input;
    // shutdown must not spend its whole grace period waiting for that.
    assert!(
        shutdown.elapsed() < Duration::from_secs(2),
        "{version}: shutdown took {:?}",
        shutdown.elapsed()
    );
}

#[tokio::test]
async fn mcp_tool_abort_trap_v0_80_0() {
    abort_trap(("0.80.0", Protocol::McpTool)).await;
}

#[tokio::test]
async fn mcp_tool_abort_trap_v0_39_0() {
    abort_trap(("0.39.0", Protocol::McpTool)).await;
}

/// Tool mode continues a session with `codex-reply`: a second message in the same
/// conversation is a second turn of the same Codex session (the model sees the first one).
#[tokio::test]
async fn mcp_tool_second_message_continues_the_session() {
    for version in ["0.80.0", "0.39.0"] {
        let script = Script::new([Step::new().message("first"), Step::new().message("second")]);
        let rig = rig(
            (version, Protocol::McpTool),
            script,
            Recording::new(ReviewDecision::Denied),
        )
        .await;
        let mut conversation = rig.open(conversation_options(&rig)).await;
        let first = within(conversation.run_turn("say first")).await.unwrap();
        assert_eq!(first.final_message.as_deref(), Some("first"), "{version}");
        let second = within(conversation.run_turn("say second")).await.unwrap();
        assert_eq!(second.end, TurnEnd::Completed, "{version}: {second:?}");
        assert_eq!(second.final_message.as_deref(), Some("second"), "{version}");
        let requests: Vec<_> = rig
            .model
            .requests()
            .into_iter()
            .filter(|r| r.step.is_some())
            .collect();
        assert_eq!(requests.len(), 2, "{version}");
        assert!(
            requests[1].raw_body.contains("say first"),
            "{version}: the second turn did not continue the first one's session"
        );
    }
}

/// Tool mode has no listing, resuming or archiving: typed errors, not hangs.
#[tokio::test]
async fn mcp_tool_has_no_stored_conversations() {
    let rig = rig(
        ("0.80.0", Protocol::McpTool),
        Script::new([Step::new().message("unused")]),
        Recording::new(ReviewDecision::Denied),
    )
    .await;
    let err = within(rig.session.list_conversations(None, None))
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
    let err = within(rig.session.resume_conversation(
        std::path::Path::new("/nowhere/rollout.jsonl"),
        ConversationOptions::new(),
    ))
    .await
    .unwrap_err();
    assert!(matches!(err, Error::Unsupported { .. }), "{err:?}");
}

/// `Protocol::Auto` on a program that does not exist is a typed detection error, at once.
#[tokio::test]
async fn auto_detection_failure_is_a_typed_error() {
    let missing = tempfile::tempdir().unwrap().path().join("no-codex-here");
    let started = std::time::Instant::now();
    let err = CodexSession::start(
        SessionOptions::new()
            .program(&missing)
            .protocol(Protocol::Auto),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::Detect(_)), "{err:?}");
    assert!(err.is_unavailable());
    assert!(err.to_string().contains("no-codex-here"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// A program whose `--version` is not Codex's is a typed error too (nothing is spawned as a
/// server).
#[tokio::test]
async fn auto_on_a_program_that_is_not_codex_is_a_typed_error() {
    let err = CodexSession::start(
        SessionOptions::new()
            .program("/bin/true")
            .protocol(Protocol::Auto),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::Detect(_)), "{err:?}");
}

/// `Protocol::Auto` needs a program to ask; over caller-supplied streams it is refused.
#[tokio::test]
async fn auto_over_streams_is_refused() {
    let (client, _server) = tokio::io::duplex(1024);
    let (read, write) = tokio::io::split(client);
    let err = CodexSession::connect(read, write, SessionOptions::new().protocol(Protocol::Auto))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unsupported { .. }), "{err:?}");
}

/// Forcing a generation the binary does not speak fails fast with a typed error, never a
/// hang: 0.80 has no `codex mcp` server any more (the subcommand prints usage and exits), and
/// 0.169 answers the removed v1 `newConversation` with "method not found".
#[tokio::test]
async fn a_forced_wrong_protocol_fails_fast() {
    let started = std::time::Instant::now();
    let model = FakeModel::start(Script::new([Step::new().message("unused")]))
        .await
        .unwrap();
    let home = CodexHome::new(&model).unwrap();
    let options = |version: &str, protocol| {
        real_options(version, &home)
            .protocol(protocol)
            .handshake_timeout(Duration::from_secs(5))
            .request_timeout(Duration::from_secs(5))
    };
    let err = within(CodexSession::start(options(
        "0.80.0",
        Protocol::McpConversation,
    )))
    .await
    .unwrap_err();
    assert!(err.is_unavailable(), "{err:?}");

    let session = within(CodexSession::start(options(
        "0.169.0",
        Protocol::AppServerV1,
    )))
    .await
    .unwrap();
    let err = within(session.new_conversation(ConversationOptions::new().cwd(home.work_dir())))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Server { method, .. } if method == "newConversation"),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(8));
}
