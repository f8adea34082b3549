//! A protocol named explicitly still gets its version's shape where the version decides it:
//! MCP tool mode is `codex mcp` before 0.44 and `codex mcp-server` after, and
//! `Protocol::McpTool` alone (no `args`) must start the right one.

use std::sync::Arc;
use std::time::Duration;

use codex_session::{
    CodexSession, ConversationOptions, MemoryAuditSink, Protocol, SessionOptions, TurnEnd,
};
use xldb_testkit::fake_model::{CodexHome, FakeModel, Script, Step};

use crate::support::within;

async fn one_turn_in_tool_mode(version: &str, subcommand: &str) {
    let bin = xldb_testkit::codex::codex_bin(version).unwrap_or_else(|e| {
        panic!("{e:#}: run `source scripts/deps.sh && install_codex_versions`")
    });
    let model = FakeModel::start(Script::new([Step::new().message("forced tool mode works")]))
        .await
        .expect("fake model");
    let home = CodexHome::new(&model).expect("codex home");
    let audit = Arc::new(MemoryAuditSink::new());
    let mut options = SessionOptions::new()
        .program(&bin)
        .protocol(Protocol::McpTool)
        .audit(audit.clone())
        .request_timeout(Duration::from_secs(10));
    for (k, v) in home.envs() {
        options = options.env(k, v);
    }
    let session = within(CodexSession::start(options))
        .await
        .unwrap_or_else(|e| panic!("codex {version} in tool mode starts: {e}"));
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
    let mut conversation = session
        .new_conversation(
            ConversationOptions::new()
                .cwd(home.work_dir())
                .turn_timeout(Duration::from_secs(8)),
        )
        .await
        .unwrap();
    let outcome = within(conversation.run_turn("hello")).await.unwrap();
    assert_eq!(outcome.end, TurnEnd::Completed, "{version}: {outcome:?}");
    assert_eq!(
        outcome.final_message.as_deref(),
        Some("forced tool mode works"),
        "{version}"
    );
    within(session.shutdown(Duration::from_secs(2)))
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
