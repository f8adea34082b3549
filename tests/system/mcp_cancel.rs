//! Cancellation reaches the database: `notifications/cancelled` and a closed stdin stop the
//! running statement on the server at once, and the server is free for the next request.

// Tests and their helpers fail loudly on setup errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::mcp_client::McpClient;
use serde_json::json;
use std::time::{Duration, Instant};
use xldb_testkit::servers::{MariaDb, Postgres};

/// Slow but not refused by the gate's exhaustion rule (each generator stays under 10 M rows).
const SLOW: &str =
    "SELECT count(*) FROM generate_series(1, 5000000) a, generate_series(1, 5000000) b";

fn active(pg: &Postgres) -> String {
    pg.psql(
        "postgres",
        "SELECT count(*) FROM pg_stat_activity WHERE datname = 'xldb_mcp_cancel' AND application_name = 'xldb-codex-schema' AND state <> 'idle'",
    )
    .unwrap()
    .trim()
    .to_string()
}

#[test]
fn cancelling_a_call_stops_the_query_on_the_server() {
    let pg = Postgres::shared().unwrap_or_else(|e| panic!("{e:#}"));
    let url = pg.create_database("xldb_mcp_cancel").unwrap();
    let home = tempfile::tempdir().unwrap();
    let mut c = McpClient::start(home.path(), &url, &["--query-timeout", "60"]);
    c.send(&json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "execute_query", "arguments": {"sql": SLOW}}}));
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(active(pg), "1", "the slow query runs");
    let t = Instant::now();
    c.send(&json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 1, "reason": "test"}}));
    let next = c.query("SELECT 42 AS answer");
    assert_eq!(next["structuredContent"]["rows"][0]["answer"], 42, "{next}");
    assert!(
        t.elapsed() < Duration::from_secs(5),
        "freed at once: {:?}",
        t.elapsed()
    );
    assert_eq!(active(pg), "0", "nothing left running");

    // closing stdin cancels too
    c.send(&json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "execute_query", "arguments": {"sql": SLOW}}}));
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(active(pg), "1");
    let t = Instant::now();
    c.finish();
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        pg.psql(
            "postgres",
            "SELECT count(*) FROM pg_stat_activity WHERE datname = 'xldb_mcp_cancel' AND application_name = 'xldb-codex-schema'"
        )
        .unwrap()
        .trim(),
        "0",
        "no orphaned backend"
    );
}

/// Send `signal` (`INT`, `TERM`) to the server with the real `kill`, and wait for it to exit.
fn signal_and_wait(c: &mut McpClient, signal: &str) {
    let status = std::process::Command::new("kill")
        .args([format!("-{signal}"), c.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let t = Instant::now();
    while c.child.try_wait().unwrap().is_none() {
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "SIG{signal}: the server exits"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Start a slow call through a fresh server, check `running()` sees it, deliver `signal`,
/// then `running()` must fall to `0` at once: the query was cancelled on the server and no
/// backend was left behind.
fn signal_cancels(url: &str, slow: &str, signal: &str, running: &dyn Fn() -> String) {
    let home = tempfile::tempdir().unwrap();
    let mut c = McpClient::start(home.path(), url, &["--query-timeout", "60"]);
    c.send(&json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "execute_query", "arguments": {"sql": slow}}}));
    let t = Instant::now();
    while running() != "1" {
        assert!(t.elapsed() < Duration::from_secs(10), "the slow query runs");
        std::thread::sleep(Duration::from_millis(100));
    }
    signal_and_wait(&mut c, signal);
    let t = Instant::now();
    // The query never ends on its own (a 5M × 5M join), so only the cancel brings this to 0;
    // the bound is generous because a loaded CI machine is slow to reap the backend.
    while running() != "0" {
        assert!(
            t.elapsed() < Duration::from_secs(15),
            "SIG{signal} left the query running: {}",
            running()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn sigint_and_sigterm_stop_the_query_and_leave_no_backend_on_postgres() {
    let pg = Postgres::shared().unwrap_or_else(|e| panic!("{e:#}"));
    let url = pg.create_database("xldb_mcp_signal").unwrap();
    // any backend of ours, idle or not: after exit there must be none
    let backends = || {
        pg.psql(
            "postgres",
            "SELECT count(*) FROM pg_stat_activity WHERE datname = 'xldb_mcp_signal' AND application_name = 'xldb-codex-schema'",
        )
        .unwrap()
        .trim()
        .to_string()
    };
    for signal in ["INT", "TERM"] {
        signal_cancels(&url, SLOW, signal, &backends);
    }
}

#[test]
fn sigint_sigterm_and_closed_stdin_stop_the_query_on_mariadb() {
    let m = MariaDb::shared().unwrap_or_else(|e| panic!("{e:#}"));
    let url = m.create_database("xldb_mcp_signal").unwrap();
    let slow = "SELECT COUNT(*) FROM seq_1_to_100000 a, seq_1_to_100000 b";
    // the slow statement in the process list (any connection of ours running it)
    let running = || {
        m.exec(
            "",
            "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE '%seq_1_to_100000 b%' AND INFO NOT LIKE '%PROCESSLIST%'",
        )
        .unwrap()
        .split_whitespace()
        .last()
        .unwrap_or_default()
        .to_string()
    };
    let connections = || {
        m.exec(
            "",
            "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = 'xldb_mcp_signal'",
        )
        .unwrap()
        .split_whitespace()
        .last()
        .unwrap_or_default()
        .to_string()
    };
    for signal in ["INT", "TERM"] {
        signal_cancels(&url, slow, signal, &running);
        assert_eq!(connections(), "0", "SIG{signal}: no connection left");
    }
    // closing stdin
    let home = tempfile::tempdir().unwrap();
    let mut c = McpClient::start(home.path(), &url, &["--query-timeout", "60"]);
    c.send(&json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "execute_query", "arguments": {"sql": slow}}}));
    let t = Instant::now();
    while running() != "1" {
        assert!(t.elapsed() < Duration::from_secs(10), "the slow query runs");
        std::thread::sleep(Duration::from_millis(100));
    }
    c.finish();
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(running(), "0", "closing stdin stops the query");
    assert_eq!(connections(), "0", "no connection left");
}
