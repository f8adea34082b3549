//! `serve_mcp` over an in-memory stream: the same exchange an MCP client has over stdio.

use serde_json::{json, Value};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use xldb_workflows::{create_demo_database, serve_mcp, DbTools, DbToolsOptions};

#[tokio::test]
async fn initialize_list_call_and_refuse() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    create_demo_database(&db).unwrap();
    let tools = DbTools::connect(
        &format!("sqlite://{}", db.display()),
        DbToolsOptions {
            row_limit: 10,
            timeout: Duration::from_secs(5),
            ..DbToolsOptions::default()
        },
    )
    .await
    .unwrap();
    let (client, server) = tokio::io::duplex(1 << 16);
    let (sr, sw) = tokio::io::split(server);
    let task = tokio::spawn(serve_mcp(tools, BufReader::new(sr), sw));
    let (cr, mut cw) = tokio::io::split(client);
    let mut lines = BufReader::new(cr).lines();
    for (msg, check) in [
        (
            json!({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2024-11-05","capabilities":{},"clientInfo":{"name":"t","version":"0"}}}),
            "2024-11-05",
        ),
        (
            json!({"jsonrpc":"2.0","id":"two","method":"tools/list"}),
            "execute_query",
        ),
        (
            json!({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"execute_query","arguments":{"sql":"SELECT sku FROM products ORDER BY id"}}}),
            "MUG-1",
        ),
        (
            json!({"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"execute_query","arguments":{"sql":"UPDATE products SET price_cents = 0"}}}),
            "refused by policy",
        ),
        (
            json!({"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"arguments":{}}}),
            "-32602",
        ),
    ] {
        cw.write_all(format!("{msg}\n").as_bytes()).await.unwrap();
        let reply = lines.next_line().await.unwrap().unwrap();
        let v: Value = serde_json::from_str(&reply).unwrap();
        assert_eq!(v["id"], msg["id"], "{reply}");
        assert!(reply.contains(check), "{check} missing: {reply}");
    }
    // a notification gets no reply; the next request is answered next
    cw.write_all(b"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"ping\"}\n").await.unwrap();
    let v: Value = serde_json::from_str(&lines.next_line().await.unwrap().unwrap()).unwrap();
    assert_eq!(v["id"], 6);
    drop(cw);
    drop(lines); // a split duplex only closes when both halves are gone
    assert_eq!(task.await.unwrap().unwrap(), 6);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let zero: i64 = conn
        .query_row(
            "SELECT count(*) FROM products WHERE price_cents = 0",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(zero, 0, "the update did not run");
}
