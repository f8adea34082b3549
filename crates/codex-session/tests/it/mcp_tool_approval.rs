//! MCP tool-call approvals on the real 0.169.0 (`mcpServer/elicitation/request`).
//!
//! Codex's `config.toml` names a tiny MCP server (a shell script with one tool, `probe_tool`,
//! that writes each call to a log file); the fake model calls it in the `mcp__probe`
//! namespace, the way 0.169 offers MCP servers. Through the public API with
//! [`PolicyHandler`]: an untrusted tool is declined (it never runs, the model is told "user
//! rejected MCP tool call", the outcome lists the denial, the audit log has the approval), a
//! trusted one is accepted (it runs and its output reaches the model), and a tool approved for
//! the session is asked about once for two calls.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use codex_session::{
    ApprovalHandler, ApprovalKind, MemoryAuditSink, PolicyHandler, Protocol, ReviewDecision,
    SandboxMode, TurnEnd,
};
use serde_json::{json, Value};
use xldb_testkit::fake_model::{CodexHome, FakeModel, Item, Script, Step};

use crate::support::{fixed, real_options, start_real, untrusted_workspace, within};

const VERSION: &str = "0.169.0";
const OUTPUT: &str = "probe-output-4242";
const CALL_ID: &str = "mcp_call_1";

/// A minimal MCP server over stdio: `initialize`, `tools/list` (one tool, `probe_tool`) and
/// `tools/call` (logs the call to `$PROBE_LOG`, answers `OUTPUT`); any other request gets `{}`.
fn mcp_server_script(dir: &Path) -> PathBuf {
    let path = dir.join("probe-mcp.sh");
    let script = format!(
        r#"#!/bin/bash
while IFS= read -r line; do
  id=$(printf '%s' "$line" | sed -n 's/.*"id":\([0-9][0-9]*\).*/\1/p')
  case "$line" in
    *'"method":"initialize"'*)
      printf '{{"jsonrpc":"2.0","id":%s,"result":{{"protocolVersion":"2025-06-18","capabilities":{{"tools":{{}}}},"serverInfo":{{"name":"probe","version":"1"}}}}}}\n' "$id";;
    *'"method":"tools/list"'*)
      printf '{{"jsonrpc":"2.0","id":%s,"result":{{"tools":[{{"name":"probe_tool","description":"Echo","inputSchema":{{"type":"object","properties":{{"q":{{"type":"string"}}}}}}}}]}}}}\n' "$id";;
    *'"method":"tools/call"'*)
      printf '%s\n' "$line" >> "$PROBE_LOG"
      printf '{{"jsonrpc":"2.0","id":%s,"result":{{"content":[{{"type":"text","text":"{OUTPUT}"}}]}}}}\n' "$id";;
    *'"id":'*)
      printf '{{"jsonrpc":"2.0","id":%s,"result":{{}}}}\n' "$id";;
  esac
done
"#
    );
    std::fs::write(&path, script).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    path
}

/// The texts of the tool output the model received for `call_id` (0.169 sends a list of
/// `input_text` parts).
fn output_texts(model: &FakeModel, call_id: &str) -> Vec<String> {
    model
        .requests()
        .iter()
        .flat_map(|r| r.input().to_vec())
        .filter(|i| i["type"] == "function_call_output" && i["call_id"].as_str() == Some(call_id))
        .flat_map(|i| match &i["output"] {
            Value::String(s) => vec![s.clone()],
            Value::Array(parts) => parts
                .iter()
                .filter_map(|p| p["text"].as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        })
        .collect()
}

struct Run {
    model: FakeModel,
    log: PathBuf,
    audit: Arc<MemoryAuditSink>,
    outcome: codex_session::TurnOutcome,
    _dir: tempfile::TempDir,
    _home: CodexHome,
}

async fn run(handler: PolicyHandler) -> Run {
    run_calls(Arc::new(handler), &[CALL_ID]).await
}

/// The fake model calls `probe_tool` once per id of `calls`, in turn, then answers.
async fn run_calls(handler: Arc<dyn ApprovalHandler>, calls: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let server = mcp_server_script(dir.path());
    let log = dir.path().join("calls.log");
    let call = |id: &str| {
        Step::new().item(Item::Raw(json!({
            "type": "function_call",
            "namespace": "mcp__probe",
            "name": "probe_tool",
            "arguments": json!({"q": "hi"}).to_string(),
            "call_id": id,
        })))
    };
    let script = Script::new(
        calls
            .iter()
            .map(|id| call(id))
            .chain([Step::new().message("done (fake model)")]),
    )
    .select_by_tool_outputs();
    let model = FakeModel::start(script).await.expect("fake model");
    let toml = format!(
        "[mcp_servers.probe]\ncommand = {}\nargs = []\nenv = {{ PROBE_LOG = {} }}\n",
        json!(server.display().to_string()),
        json!(log.display().to_string()),
    );
    let home = CodexHome::new_in(&std::env::temp_dir(), &model, &toml).expect("codex home");
    let audit = Arc::new(MemoryAuditSink::new());
    let options = real_options(VERSION, &home)
        .protocol(Protocol::Auto)
        .approval_handler(handler)
        .audit(audit.clone());
    let session = start_real(VERSION, options).await;
    let mut conversation = within(session.new_conversation(
        untrusted_workspace(&home, Duration::from_secs(20)).sandbox(SandboxMode::ReadOnly),
    ))
    .await
    .unwrap();
    let outcome = within(conversation.run_turn("call the probe tool"))
        .await
        .unwrap();
    drop(conversation);
    let _ = session.shutdown(Duration::from_secs(2)).await;
    Run {
        model,
        log,
        audit,
        outcome,
        _dir: dir,
        _home: home,
    }
}

fn approval_record(audit: &MemoryAuditSink) -> Value {
    let records = audit.records();
    let record = records
        .iter()
        .find(|r| r.event == "approval")
        .unwrap_or_else(|| panic!("no approval audited: {records:?}"));
    Value::Object(record.fields.clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_untrusted_mcp_tool_call_is_declined() {
    // Trusting another tool of the same server, and the same tool of another server, does
    // not trust this one.
    let handler = PolicyHandler::builtin()
        .trust_mcp_tool("probe", "other_tool")
        .trust_mcp_tool("xldb", "probe_tool");
    let r = run(handler).await;
    assert_eq!(r.outcome.end, TurnEnd::Completed, "{:?}", r.outcome);
    assert!(!r.log.exists(), "the untrusted tool ran");
    let told = output_texts(&r.model, CALL_ID);
    assert!(
        told.iter()
            .any(|t| t.contains("user rejected MCP tool call")),
        "the model was not told: {told:?}"
    );
    assert!(!told.iter().any(|t| t.contains(OUTPUT)), "{told:?}");
    let denied = &r.outcome.denied;
    assert_eq!(denied.len(), 1, "{:?}", r.outcome);
    assert_eq!(denied[0].kind, ApprovalKind::McpTool);
    assert_eq!(denied[0].subject, ["probe.probe_tool"]);
    assert_eq!(denied[0].call_id, CALL_ID);
    assert_eq!(denied[0].decision, ReviewDecision::Denied);
    let record = approval_record(&r.audit);
    assert_eq!(record["method"], "mcpServer/elicitation/request");
    assert_eq!(record["decision"], "denied");
    assert_eq!(record["request"]["kind"], "mcp_tool_call");
    assert_eq!(record["request"]["server"], "probe");
    assert_eq!(record["request"]["tool"], "probe_tool");
    assert_eq!(record["request"]["arguments"], json!({"q": "hi"}));
    assert_eq!(record["explanation"]["policy"]["decision"], "ask");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trusted_mcp_tool_call_is_accepted() {
    let r = run(PolicyHandler::builtin().trust_mcp_tool("probe", "probe_tool")).await;
    assert_eq!(r.outcome.end, TurnEnd::Completed, "{:?}", r.outcome);
    assert!(r.outcome.denied.is_empty(), "{:?}", r.outcome);
    let calls = std::fs::read_to_string(&r.log).expect("the trusted tool ran");
    assert_eq!(calls.lines().count(), 1, "{calls}");
    assert!(calls.contains(r#""name":"probe_tool""#), "{calls}");
    let told = output_texts(&r.model, CALL_ID);
    assert!(
        told.iter().any(|t| t.contains(OUTPUT)),
        "the tool's output did not reach the model: {told:?}"
    );
    let record = approval_record(&r.audit);
    assert_eq!(record["decision"], "approved");
    assert_eq!(record["decided_by"], "policy");
    assert_eq!(record["request"]["kind"], "mcp_tool_call");
    assert_eq!(record["request"]["call_id"], CALL_ID);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tool_approved_for_the_session_is_asked_about_once() {
    let r = run_calls(
        fixed(ReviewDecision::ApprovedForSession),
        &["mcp_a", "mcp_b"],
    )
    .await;
    assert_eq!(r.outcome.end, TurnEnd::Completed, "{:?}", r.outcome);
    let calls = std::fs::read_to_string(&r.log).expect("the tool ran");
    assert_eq!(calls.lines().count(), 2, "{calls}");
    for id in ["mcp_a", "mcp_b"] {
        assert!(
            output_texts(&r.model, id)
                .iter()
                .any(|t| t.contains(OUTPUT)),
            "{id}: {:?}",
            output_texts(&r.model, id)
        );
    }
    let approvals = r
        .audit
        .records()
        .iter()
        .filter(|r| r.event == "approval")
        .count();
    assert_eq!(approvals, 1, "{:?}", r.audit.records());
}
