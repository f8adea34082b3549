//! `xldb-codex mcp serve` driven by an MCP client exchange over stdio: the tools, and the
//! protocol's rules for bad input, session state, versions and batches.

// Tests and their helpers fail loudly on setup errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::mcp_client::McpClient;
use crate::util::{count, demo_db};
use serde_json::{json, Value};

#[test]
fn an_mcp_client_lists_describes_queries_and_is_refused_writes() {
    let dir = tempfile::tempdir().unwrap();
    let (db, url) = demo_db(dir.path());
    let mut c = McpClient::start(dir.path(), &url, &["--row-limit", "3"]);

    let tools = c.call(2, "tools/list", json!({}));
    let tools = tools["result"]["tools"].as_array().unwrap().clone();
    let names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "list_tables",
            "describe_table",
            "analyze_schema",
            "execute_query"
        ]
    );
    for t in &tools {
        assert!(t["title"].is_string(), "{t}");
        assert_eq!(t["annotations"]["readOnlyHint"], true, "{t}");
        assert_eq!(t["annotations"]["openWorldHint"], false, "{t}");
        assert_eq!(t["annotations"]["idempotentHint"], true, "{t}");
        assert_eq!(t["outputSchema"]["type"], "object", "{t}");
        assert_eq!(t["inputSchema"]["additionalProperties"], false, "{t}");
    }

    let list = c.tool("list_tables", json!({}));
    assert_eq!(list["isError"], false);
    assert!(list["content"][0]["text"]
        .as_str()
        .unwrap()
        .contains("order_items"));
    let page = c.tool(
        "list_tables",
        json!({"pattern": "*ORDER?", "offset": 0, "limit": 5}),
    );
    assert_eq!(page["structuredContent"]["total"], 1, "{page}");
    assert_eq!(page["structuredContent"]["tables"][0]["name"], "orders");
    assert_eq!(page["structuredContent"]["next_offset"], Value::Null);

    let desc = c.tool("describe_table", json!({"table": "orders"}));
    assert_eq!(
        desc["structuredContent"]["tables"][0]["foreign_keys"][0]["referenced_table"],
        "customers"
    );
    let both = c.tool("describe_table", json!({"tables": ["orders", "customers"]}));
    assert_eq!(
        both["structuredContent"]["tables"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    let q = c.query("SELECT id FROM orders ORDER BY id -- the first ones");
    assert_eq!(q["isError"], false, "{q}");
    assert_eq!(q["structuredContent"]["row_count"], 3, "row limit applies");
    assert_eq!(q["structuredContent"]["truncated"], true);

    for sql in [
        "DELETE FROM orders",
        "DROP TABLE customers",
        "SELECT 1; DELETE FROM orders",
    ] {
        let w = c.query(sql);
        assert_eq!(w["isError"], true, "{sql}: {w}");
        assert!(
            w["content"][0]["text"]
                .as_str()
                .unwrap()
                .contains("refused"),
            "{w}"
        );
    }

    let a = c.tool("analyze_schema", json!({}));
    assert!(a["content"][0]["text"]
        .as_str()
        .unwrap()
        .contains("unindexed-foreign-key"));

    assert_eq!(c.call(10, "ping", json!({}))["result"], json!({}));
    assert_eq!(
        c.call(11, "no/such/method", json!({}))["error"]["code"],
        -32601
    );
    let unknown = c.call(
        12,
        "tools/call",
        json!({"name": "drop_everything", "arguments": {}}),
    );
    assert_eq!(unknown["error"]["code"], -32602, "{unknown}");
    for (args, why) in [
        (json!({"sql": "SELECT 1", "limit": 0}), "at least 1"),
        (
            json!({"sql": "SELECT 1", "limit": "5"}),
            "must be an integer",
        ),
        (
            json!({"sql": "SELECT 1", "extra": true}),
            "unknown argument `extra`",
        ),
    ] {
        let r = c.tool("execute_query", args);
        assert_eq!(r["isError"], true, "{r}");
        assert!(
            r["content"][0]["text"].as_str().unwrap().contains(why),
            "{r}"
        );
    }
    let r = c.tool("describe_table", json!({"tables": "orders"}));
    assert!(
        r["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("must be an array"),
        "{r}"
    );

    c.finish();
    assert_eq!(count(&db, "orders"), 4, "no write went through");
    assert_eq!(count(&db, "customers"), 3);
}

#[test]
fn bad_input_gets_an_error_and_the_server_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let (_db, url) = demo_db(dir.path());
    let mut c = McpClient::spawn(dir.path(), &url, &[]);

    // before initialize: refused (ping is allowed)
    let early = c.call(1, "tools/list", json!({}));
    assert_eq!(early["error"]["code"], -32600, "{early}");
    assert_eq!(c.call(2, "ping", json!({}))["result"], json!({}));
    let init = c.call(3, "initialize", json!({"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}));
    assert_eq!(init["result"]["protocolVersion"], "2025-11-25");
    let again = c.call(4, "initialize", json!({"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}));
    assert_eq!(
        again["error"]["code"], -32600,
        "a second initialize is refused"
    );

    c.send_bytes(b"{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\",\"x\":\"\xff\xfe\"}");
    assert_eq!(c.recv()["error"]["code"], -32700, "invalid utf-8");
    c.send_raw("this is not json");
    assert_eq!(c.recv()["error"]["code"], -32700);
    for valid_json in [
        "42",
        "\"x\"",
        "{\"jsonrpc\":\"2.0\",\"id\":6}",
        "{\"jsonrpc\":\"1.0\",\"id\":7,\"method\":\"ping\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":5}",
    ] {
        c.send_raw(valid_json);
        let r = c.recv();
        assert_eq!(r["error"]["code"], -32600, "{valid_json}: {r}");
    }
    // batches are not part of 2025-11-25
    c.send_raw("[{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\"}]");
    assert_eq!(c.recv()["error"]["code"], -32600);

    // an over-long line: an error with its id, and the server goes on
    let big = format!(
        "{{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"tools/call\",\"params\":{{\"name\":\"execute_query\",\"arguments\":{{\"sql\":\"SELECT '{}'\"}}}}}}",
        "x".repeat(5 << 20)
    );
    c.send_raw(&big);
    let r = c.recv();
    assert_eq!(r["id"], 10, "{r}");
    assert_eq!(r["error"]["code"], -32600);
    assert_eq!(c.call(11, "ping", json!({}))["result"], json!({}));
    c.finish();
}

#[test]
fn batches_are_served_on_2025_03_26() {
    let dir = tempfile::tempdir().unwrap();
    let (_db, url) = demo_db(dir.path());
    let mut c = McpClient::spawn(dir.path(), &url, &[]);
    let init = c.call(1, "initialize", json!({"protocolVersion": "2025-03-26", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}));
    assert_eq!(init["result"]["protocolVersion"], "2025-03-26");
    c.send(&json!([
        {"jsonrpc": "2.0", "id": 2, "method": "ping"},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "execute_query", "arguments": {"sql": "SELECT count(*) AS n FROM orders"}}}
    ]));
    let replies = c.recv();
    let replies = replies.as_array().unwrap();
    assert_eq!(replies.len(), 2, "{replies:?}");
    assert_eq!(replies[0]["id"], 2);
    assert_eq!(replies[1]["result"]["structuredContent"]["rows"][0]["n"], 4);
    c.finish();
}

/// Started by hand on a terminal, `mcp serve` says in one line what it is and how to register
/// it; started by a client (stdin a pipe), it says nothing. The terminal is a real pty from
/// util-linux `script`, which ends the server's input when its own stdin ends.
#[test]
fn on_a_terminal_it_says_in_one_line_how_to_register_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("CREATE TABLE t (x INTEGER);")
        .unwrap();
    let url = format!("sqlite://{}", path.display());
    let command = format!("{} mcp serve --db {url}", crate::util::xldb_bin().display());
    let script = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("HOME", dir.path())
        .env_remove("CODEX_HOME")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("`script` (util-linux) runs a command on a pty: apt-get install util-linux");
    let text = String::from_utf8_lossy(&script.stdout);
    let hints: Vec<&str> = text.lines().filter(|l| l.contains("speaks MCP")).collect();
    assert_eq!(hints.len(), 1, "{text}");
    assert!(hints[0].contains("codex mcp add"), "{text}");
    assert!(script.status.success(), "{text}");

    let piped = crate::util::xldb(dir.path())
        .args(["mcp", "serve", "--db", &url])
        .stdin(std::process::Stdio::piped())
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&piped.stderr).contains("speaks MCP"));
}

/// `--db-file` wins over `XLDB_CODEX_DB` from the environment (it used to be a usage error):
/// the server opens the file's database and serves it; without either, the error says what to
/// give.
#[test]
fn db_file_wins_over_the_environment_and_a_missing_database_is_explained() {
    use std::io::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let (_db, url) = demo_db(dir.path());
    let file = dir.path().join("shop.url");
    std::fs::write(&file, &url).unwrap();
    let mut child = crate::util::xldb(dir.path())
        .args(["mcp", "serve", "--db-file"])
        .arg(&file)
        .env("XLDB_CODEX_DB", "sqlite:///no/such/folder/other.db")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let init = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {},
        "clientInfo": {"name": "t", "version": "1"}}});
    let inited = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
    let list = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
        "params": {"name": "list_tables", "arguments": {}}});
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{init}\n{inited}\n{list}").unwrap();
    // Closing stdin cancels what runs: read the answer first.
    let stdout = child.stdout.take().unwrap();
    let answer = std::io::BufRead::lines(std::io::BufReader::new(stdout))
        .map_while(Result::ok)
        .find(|l| l.contains(r#""id":2"#))
        .unwrap_or_default();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        answer.contains("orders"),
        "the file's database is served: {answer}"
    );

    let out = crate::util::xldb(dir.path())
        .args(["mcp", "serve"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--db URL, --db-file FILE or XLDB_CODEX_DB"),
        "{stderr}"
    );
}
