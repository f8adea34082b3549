//! A protocol named explicitly still gets its version's shape where the version decides it:
//! MCP tool mode is `codex mcp` before 0.44 and `codex mcp-server` after, and
//! `Protocol::McpTool` alone (no `args`) must start the right one.

use std::sync::Arc;
use std::time::Duration;

use codex_session::{ConversationOptions, MemoryAuditSink, Protocol, TurnEnd};
use xldb_testkit::fake_model::{Script, Step};

use crate::support::{within, Rig};

async fn one_turn_in_tool_mode(version: &str, subcommand: &str) {
    let audit = Arc::new(MemoryAuditSink::new());
    let script = Script::new([Step::new().message("forced tool mode works")]);
    let rig = Rig::start(version, script, |o| {
        o.protocol(Protocol::McpTool).audit(audit.clone())
    })
    .await;
    let started = audit
        .records()
        .into_iter()
        .find(|r| r.event == "session_started")
        .expect("session_started audited");
    assert_eq!(started.fields["protocol"], "mcp-tool", "{version}");
    assert_eq!(
        started.fields["args"],
        serde_json::json!([subcommand]),
        "{version}"
    );
    let mut conversation = rig
        .open(
            ConversationOptions::new()
                .cwd(rig.home.work_dir())
                .turn_timeout(Duration::from_secs(8)),
        )
        .await;
    let outcome = within(conversation.run_turn("hello")).await.unwrap();
    assert_eq!(outcome.end, TurnEnd::Completed, "{version}: {outcome:?}");
    assert_eq!(
        outcome.final_message.as_deref(),
        Some("forced tool mode works"),
        "{version}"
    );
    within(rig.session.shutdown(Duration::from_secs(2)))
        .await
        .unwrap();
}

#[tokio::test]
async fn mcp_tool_named_explicitly_on_0_39_starts_codex_mcp() {
    one_turn_in_tool_mode("0.39.0", "mcp").await;
}

#[tokio::test]
async fn mcp_tool_named_explicitly_on_0_80_starts_codex_mcp_server() {
    one_turn_in_tool_mode("0.80.0", "mcp-server").await;
}
