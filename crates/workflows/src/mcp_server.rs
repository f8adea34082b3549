//! An MCP server over a line-delimited JSON-RPC stream (stdio in `xldb-codex mcp serve`)
//! exposing [`DbTools`].
//!
//! What it speaks: `initialize` (answers with the client's protocol version when it is one we
//! know, else the newest), `notifications/initialized`, `ping`, `tools/list`, `tools/call`
//! (`content` text plus `structuredContent`, `isError` for refusals and failures), and
//! `-32601` for other methods, `-32700` for lines that are not JSON. Requests are answered in
//! order, one at a time: the tools share one database session, and MCP clients (Codex
//! included) wait for each call anyway. Notifications never get a reply. Writes `"jsonrpc":"2.0"`
//! on every message (codex ≥ 0.95 drops messages without it).

use crate::db_tools::DbTools;
use serde_json::{json, Value};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt};

/// MCP protocol versions this server accepts, newest first.
pub const MCP_PROTOCOL_VERSIONS: &[&str] = &["2025-06-18", "2025-03-26", "2024-11-05"];

/// Longest request line accepted (bytes); longer lines are answered with an error.
const MAX_LINE: usize = 4 * 1024 * 1024;

fn response(id: &Value, result: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "result": result})
}

fn error(id: &Value, code: i64, message: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
}

/// Serve `tools` until `input` ends. Returns the number of requests answered.
pub async fn serve_mcp<R, W>(mut tools: DbTools, input: R, mut output: W) -> std::io::Result<u64>
where
    R: AsyncBufRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut lines = input.lines();
    let mut answered = 0u64;
    while let Some(line) = lines.next_line().await? {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let reply = if line.len() > MAX_LINE {
            Some(error(&Value::Null, -32600, "request too large"))
        } else {
            match serde_json::from_str::<Value>(line) {
                Err(_) => Some(error(&Value::Null, -32700, "parse error: not json")),
                Ok(msg) => handle(&mut tools, &msg).await,
            }
        };
        if let Some(reply) = reply {
            let mut bytes = serde_json::to_vec(&reply).unwrap_or_default();
            bytes.push(b'\n');
            output.write_all(&bytes).await?;
            output.flush().await?;
            answered += 1;
        }
    }
    Ok(answered)
}

async fn handle(tools: &mut DbTools, msg: &Value) -> Option<Value> {
    let method = msg.get("method").and_then(Value::as_str);
    let id = msg.get("id");
    let (Some(method), Some(id)) = (method, id) else {
        // a notification, or a response to something we never sent: no reply
        if let Some(m) = method {
            tracing::debug!(method = m, "mcp notification");
        }
        return None;
    };
    let params = msg.get("params").cloned().unwrap_or(Value::Null);
    tracing::debug!(method, "mcp request");
    Some(match method {
        "initialize" => {
            let asked = params
                .get("protocolVersion")
                .and_then(Value::as_str)
                .unwrap_or("");
            let version = MCP_PROTOCOL_VERSIONS
                .iter()
                .find(|v| **v == asked)
                .copied()
                .unwrap_or(MCP_PROTOCOL_VERSIONS[0]);
            response(
                id,
                json!({
                    "protocolVersion": version,
                    "capabilities": {"tools": {"listChanged": false}},
                    "serverInfo": {"name": "xldb-codex", "title": "xldb-codex database tools", "version": env!("CARGO_PKG_VERSION")},
                    "instructions": format!("Read-only tools over one {} database. Statements that write are refused.", tools.engine()),
                }),
            )
        }
        "ping" => response(id, json!({})),
        "tools/list" => response(id, json!({"tools": DbTools::definitions()})),
        "tools/call" => {
            let Some(name) = params.get("name").and_then(Value::as_str) else {
                return Some(error(id, -32602, "invalid params: `name` is required"));
            };
            let args = params
                .get("arguments")
                .cloned()
                .unwrap_or_else(|| json!({}));
            let out = tools.call(name, &args).await;
            response(
                id,
                json!({
                    "content": [{"type": "text", "text": out.text}],
                    "structuredContent": out.structured,
                    "isError": out.is_error,
                }),
            )
        }
        other => error(id, -32601, &format!("method not found: {other}")),
    })
}
