//! `xldb-codex mcp serve` driven by an MCP client exchange over stdio.

// Tests and their helpers fail loudly on setup errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::util::{count, demo_db, xldb};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Stdio};

struct Client {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Client {
    fn send(&mut self, msg: &Value) {
        writeln!(self.stdin, "{msg}").unwrap();
        self.stdin.flush().unwrap();
    }

    fn send_raw(&mut self, line: &str) {
        writeln!(self.stdin, "{line}").unwrap();
        self.stdin.flush().unwrap();
    }

    fn recv(&mut self) -> Value {
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not json ({e}): {line:?}"))
    }

    fn call(&mut self, id: i64, method: &str, params: Value) -> Value {
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let reply = self.recv();
        assert_eq!(reply["id"], id, "{reply}");
        assert_eq!(reply["jsonrpc"], "2.0");
        reply
    }
}

#[test]
fn an_mcp_client_lists_describes_queries_and_is_refused_writes() {
    let dir = tempfile::tempdir().unwrap();
    let (db, url) = demo_db(dir.path());
    let mut child = xldb(dir.path())
        .args(["mcp", "serve", "--row-limit", "3", "--db", &url])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take().unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let mut c = Client {
        child,
        stdin,
        stdout,
    };

    let init = c.call(1, "initialize", json!({"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "0"}}));
    assert_eq!(init["result"]["protocolVersion"], "2025-06-18");
    assert!(init["result"]["capabilities"]["tools"].is_object());
    c.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));

    let tools = c.call(2, "tools/list", json!({}));
    let names: Vec<&str> = tools["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "list_tables",
            "describe_table",
            "analyze_schema",
            "execute_query"
        ]
    );

    let list = c.call(
        3,
        "tools/call",
        json!({"name": "list_tables", "arguments": {}}),
    );
    assert_eq!(list["result"]["isError"], false);
    assert!(list["result"]["content"][0]["text"]
        .as_str()
        .unwrap()
        .contains("order_items"));

    let desc = c.call(
        4,
        "tools/call",
        json!({"name": "describe_table", "arguments": {"table": "orders"}}),
    );
    assert_eq!(
        desc["result"]["structuredContent"]["foreign_keys"][0]["referenced_table"],
        "customers"
    );

    let q = c.call(
        5,
        "tools/call",
        json!({"name": "execute_query", "arguments": {"sql": "SELECT id FROM orders ORDER BY id"}}),
    );
    assert_eq!(q["result"]["isError"], false, "{q}");
    assert_eq!(
        q["result"]["structuredContent"]["row_count"], 3,
        "row limit applies"
    );
    assert_eq!(q["result"]["structuredContent"]["truncated"], true);

    for (id, sql) in [
        (6, "DELETE FROM orders"),
        (7, "DROP TABLE customers"),
        (8, "SELECT 1; DELETE FROM orders"),
    ] {
        let w = c.call(
            id,
            "tools/call",
            json!({"name": "execute_query", "arguments": {"sql": sql}}),
        );
        assert_eq!(w["result"]["isError"], true, "{sql}: {w}");
        assert!(
            w["result"]["content"][0]["text"]
                .as_str()
                .unwrap()
                .contains("refused by policy"),
            "{w}"
        );
    }

    let a = c.call(
        9,
        "tools/call",
        json!({"name": "analyze_schema", "arguments": {}}),
    );
    assert!(a["result"]["content"][0]["text"]
        .as_str()
        .unwrap()
        .contains("unindexed-foreign-key"));

    assert_eq!(c.call(10, "ping", json!({}))["result"], json!({}));
    assert_eq!(
        c.call(11, "no/such/method", json!({}))["error"]["code"],
        -32601
    );
    c.send_raw("this is not json");
    assert_eq!(c.recv()["error"]["code"], -32700);
    let unknown = c.call(
        12,
        "tools/call",
        json!({"name": "drop_everything", "arguments": {}}),
    );
    assert_eq!(unknown["result"]["isError"], true);

    drop(c.stdin);
    let status = c.child.wait().unwrap();
    assert!(
        status.success(),
        "the server exits cleanly when the client closes stdin"
    );
    assert_eq!(count(&db, "orders"), 4, "no write went through");
    assert_eq!(count(&db, "customers"), 3);
}
