//! Cancellation reaches the database: `notifications/cancelled` and a closed stdin stop the
//! running statement on the server at once, and the server is free for the next request.

// Tests and their helpers fail loudly on setup errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::mcp_client::McpClient;
use serde_json::json;
use std::time::{Duration, Instant};
use xldb_testkit::servers::Postgres;

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
