//! The assistant commands against real PostgreSQL and MariaDB servers (throwaway, loopback):
//! plans through `EXPLAIN`, the row limit wrapped around the query, the read-only gate.

// Tests and their helpers fail loudly on setup errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::util::{analyze_query_offline, run, run_json, xldb};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;
use xldb_testkit::servers::{MariaDb, Postgres};

const SHOP: &str = "CREATE TABLE customers (id INTEGER PRIMARY KEY, email VARCHAR(200) NOT NULL);
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers (id), status VARCHAR(20) NOT NULL);
CREATE TABLE audit_events (at VARCHAR(40), what VARCHAR(200));
INSERT INTO customers VALUES (1, 'a@x'), (2, 'b@x'), (3, 'c@x');
INSERT INTO orders VALUES (1, 1, 'paid'), (2, 1, 'new'), (3, 2, 'paid'), (4, 3, 'paid');
";

/// One MCP `tools/call execute_query` per SQL, over `xldb-codex mcp serve`.
fn mcp_queries(url: &str, sqls: &[&str]) -> Vec<Value> {
    let home = tempfile::tempdir().unwrap();
    let mut child = xldb(home.path())
        .args(["mcp", "serve", "--row-limit", "2", "--db", url])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut out = Vec::new();
    let init = json!({"jsonrpc": "2.0", "id": "init", "method": "initialize", "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "0"}}});
    writeln!(stdin, "{init}").unwrap();
    stdout.read_line(&mut String::new()).unwrap();
    for (i, sql) in sqls.iter().enumerate() {
        let msg = json!({"jsonrpc": "2.0", "id": i, "method": "tools/call", "params": {"name": "execute_query", "arguments": {"sql": sql}}});
        writeln!(stdin, "{msg}").unwrap();
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        out.push(serde_json::from_str::<Value>(&line).unwrap()["result"].clone());
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
    out
}

/// The database the engine tests create on their server.
const SHOP_DB: &str = "xldb_workflows_shop";

/// Load [`SHOP`] with `run_sql` (the server's own client on [`SHOP_DB`]), then
/// [`check_engine`] with the order count read the same way.
fn shop_and_check(url: &str, run_sql: impl Fn(&str) -> String) {
    run_sql(SHOP);
    check_engine(url, || {
        run_sql("SELECT count(*) FROM orders").trim().to_string()
    });
}

fn check_engine(url: &str, count: impl Fn() -> String) {
    let r = mcp_queries(
        url,
        &[
            "SELECT id, status FROM orders ORDER BY id",
            "DELETE FROM orders",
            "SELECT count(*) AS n FROM customers;",
        ],
    );
    assert_eq!(r[0]["isError"], false, "{}", r[0]);
    assert_eq!(r[0]["structuredContent"]["row_count"], 2, "{}", r[0]);
    assert_eq!(r[0]["structuredContent"]["truncated"], true);
    assert_eq!(r[1]["isError"], true, "{}", r[1]);
    assert_eq!(r[2]["structuredContent"]["rows"][0]["n"], 3, "{}", r[2]);
    assert_eq!(count(), "4", "the delete was refused");

    let home = tempfile::tempdir().unwrap();
    let v = analyze_query_offline(
        home.path(),
        url,
        "SELECT id FROM orders WHERE status = 'paid'",
    );
    let m = &v["local"]["measured"];
    assert!(
        m["plan"]
            .as_str()
            .is_some_and(|p| p.to_ascii_lowercase().contains("orders")),
        "{m}"
    );
    assert_eq!(m["rows"], 3, "{m}");

    let v = run_json(
        home.path(),
        ["analyze", "schema", "--offline", "--json", "--db", url],
    );
    let rules: Vec<&str> = v["local"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"missing-primary-key"), "{rules:?}");
    assert!(rules.contains(&"nullable-foreign-key"), "{rules:?}");
}

#[test]
fn postgres_plans_limits_and_refuses_writes() {
    let pg = Postgres::shared().unwrap_or_else(|e| panic!("{e:#}"));
    let url = pg.create_database(SHOP_DB).unwrap();
    let run_sql = |sql: &str| pg.psql(SHOP_DB, sql).unwrap();
    shop_and_check(&url, run_sql);
    // `--analyze` runs EXPLAIN ANALYZE of a read in the read-only transaction (regression: the
    // MCP gate, which refuses an executing EXPLAIN, refused it too), and never of a write.
    let home = tempfile::tempdir().unwrap();
    let v = run_json(
        home.path(),
        [
            "analyze",
            "query",
            "--offline",
            "--json",
            "--analyze",
            "--db",
            &url,
            "--sql",
            "SELECT id FROM orders WHERE status = 'paid'",
        ],
    );
    let plan = v["local"]["measured"]["plan"].as_str().unwrap_or_default();
    assert!(plan.contains("actual time="), "{v}");
    let out = run(
        home.path(),
        [
            "analyze",
            "query",
            "--offline",
            "--json",
            "--analyze",
            "--db",
            &url,
            "--sql",
            "DELETE FROM orders",
        ],
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    assert!(
        !v["local"]["measured"]["plan"]
            .as_str()
            .unwrap_or_default()
            .contains("actual time="),
        "{v}"
    );
    assert_eq!(
        pg.psql(SHOP_DB, "SELECT count(*) FROM orders")
            .unwrap()
            .trim(),
        "4"
    );
    // PostgreSQL leaves foreign keys unindexed: the analyzer says so
    let out = run(
        home.path(),
        ["analyze", "schema", "--offline", "--db", &url],
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("unindexed-foreign-key"));
}

#[test]
fn mariadb_plans_limits_and_refuses_writes() {
    let db = MariaDb::shared().unwrap_or_else(|e| panic!("{e:#}"));
    let url = db.create_database(SHOP_DB).unwrap();
    shop_and_check(&url, |sql: &str| db.exec(SHOP_DB, sql).unwrap());
}
