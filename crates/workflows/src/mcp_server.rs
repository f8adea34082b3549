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
//!
//! The envelope and the MCP payloads are `mcp-proto`'s types: a request is decoded by the
//! method it names (`Request::params_as::<CallTool>()`), answers are built with
//! `Response::new::<M>`, so a malformed `tools/call` gets `-32602`, never a guess.

use crate::db_tools::DbTools;
use mcp_proto::{
    CallTool, CallToolResult, ContentBlock, ErrorObject, ErrorResponse, Implementation, Initialize,
    InitializeResult, ListTools, ListToolsResult, Message, Ping, Request, RequestId, RequestMethod,
    Response, ServerCapabilities, TextContent, Tool, ToolsCapability,
};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt};

/// MCP protocol versions this server accepts, newest first.
pub const MCP_PROTOCOL_VERSIONS: &[&str] = &["2025-06-18", "2025-03-26", "2024-11-05"];

/// Longest request line accepted (bytes); longer lines are answered with an error.
const MAX_LINE: usize = 4 * 1024 * 1024;

fn error(id: Option<RequestId>, code: i64, message: impl Into<String>) -> Message {
    Message::Error(ErrorResponse {
        id,
        error: ErrorObject {
            code,
            message: message.into(),
            data: None,
        },
    })
}

fn respond<M: RequestMethod>(id: RequestId, result: &M::Result) -> Message {
    match Response::new::<M>(id.clone(), result) {
        Ok(r) => Message::Response(r),
        Err(e) => error(Some(id), -32603, format!("internal error: {e}")),
    }
}

/// The tool definitions as MCP `Tool`s.
fn tools() -> Vec<Tool> {
    DbTools::definitions()
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|t| serde_json::from_value(t.clone()).ok())
                .collect()
        })
        .unwrap_or_default()
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
            Some(error(None, -32600, "request too large"))
        } else {
            match Message::decode(line.as_bytes()) {
                Err(e) => Some(error(None, -32700, format!("parse error: {e}"))),
                Ok(Message::Request(req)) => Some(handle(&mut tools, &req).await),
                Ok(Message::Notification(n)) => {
                    tracing::debug!(method = %n.method, "mcp notification");
                    None
                }
                // answers to requests we never send
                Ok(Message::Response(_) | Message::Error(_)) => None,
            }
        };
        if let Some(reply) = reply {
            let mut bytes = reply.encode(true);
            bytes.push(b'\n');
            output.write_all(&bytes).await?;
            output.flush().await?;
            answered += 1;
        }
    }
    Ok(answered)
}

async fn handle(db: &mut DbTools, req: &Request) -> Message {
    let id = req.id.clone();
    tracing::debug!(method = %req.method, "mcp request");
    match req.method.as_str() {
        m if m == Initialize::METHOD => {
            let asked = req
                .params_as::<Initialize>()
                .map(|p| p.protocol_version)
                .unwrap_or_default();
            let version = MCP_PROTOCOL_VERSIONS
                .iter()
                .find(|v| **v == asked)
                .copied()
                .unwrap_or(MCP_PROTOCOL_VERSIONS[0]);
            let result = InitializeResult {
                protocol_version: version.to_string(),
                capabilities: ServerCapabilities {
                    tools: Some(ToolsCapability {
                        list_changed: Some(false),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
                server_info: Implementation {
                    name: "xldb-codex".into(),
                    title: Some("xldb-codex database tools".into()),
                    version: env!("CARGO_PKG_VERSION").into(),
                    ..Default::default()
                },
                instructions: Some(format!(
                    "Read-only tools over one {} database. Statements that write are refused.",
                    db.engine()
                )),
                extra: Default::default(),
            };
            respond::<Initialize>(id, &result)
        }
        m if m == Ping::METHOD => respond::<Ping>(id, &mcp_proto::Empty {}),
        m if m == ListTools::METHOD => respond::<ListTools>(
            id,
            &ListToolsResult {
                tools: tools(),
                next_cursor: None,
            },
        ),
        m if m == CallTool::METHOD => {
            let params = match req.params_as::<CallTool>() {
                Ok(p) => p,
                Err(e) => return error(Some(id), -32602, format!("invalid params: {e}")),
            };
            let args = serde_json::Value::Object(params.arguments.unwrap_or_default());
            let out = db.call(&params.name, &args).await;
            let result = CallToolResult {
                content: vec![ContentBlock::Text(TextContent {
                    text: out.text,
                    annotations: None,
                })],
                structured_content: Some(out.structured),
                is_error: Some(out.is_error),
                extra: Default::default(),
            };
            respond::<CallTool>(id, &result)
        }
        other => error(Some(id), -32601, format!("method not found: {other}")),
    }
}
