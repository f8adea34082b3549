//! An MCP server over a line-delimited JSON-RPC stream (stdio in `xldb-codex mcp serve`)
//! exposing [`DbTools`].
//!
//! What it speaks: `initialize` (protocol versions [`MCP_PROTOCOL_VERSIONS`]; a client asking
//! for another gets the newest), `notifications/initialized`, `ping`, `tools/list` (tools
//! with `title`, `annotations`, `inputSchema` and `outputSchema`), `tools/call` (`content`
//! text and `structuredContent` carry the same JSON; `isError` for refusals and failures),
//! and `notifications/cancelled`.
//!
//! Robustness, as the JSON-RPC and MCP specifications ask:
//! - a line is read up to [`MAX_LINE`] bytes and never buffered beyond it; a longer line is
//!   answered with an error carrying its `id` when the id can be read from its start;
//! - a line that is not UTF-8 or not JSON is `-32700`; valid JSON that is not a request is
//!   `-32600`; the server goes on with the next line;
//! - requests other than `initialize` and `ping` before `initialize` are refused, and so is
//!   a second `initialize`; an unknown tool or malformed `tools/call` params is `-32602`;
//! - batches (JSON arrays) are served when the negotiated version has them (2025-03-26 and
//!   older), and are `-32600` otherwise.
//!
//! Concurrency: tool calls run one at a time in arrival order (they share one database
//! session) while the server keeps reading, so `notifications/cancelled` reaches a running
//! call: the query is cancelled on the server ([`DbTools::canceller`]) and the call's answer
//! is dropped, as the specification asks. When the input ends, the running query is
//! cancelled and queued calls are dropped. Writes `"jsonrpc":"2.0"` on every message.

use crate::db_tools::DbTools;
use mcp_proto::{
    CallTool, CallToolResult, ContentBlock, ErrorObject, ErrorResponse, Implementation, Initialize,
    InitializeResult, ListTools, Message, Ping, Request, RequestId, RequestMethod, Response,
    ServerCapabilities, TextContent, ToolsCapability,
};
use serde_json::Value;
use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;

/// MCP protocol versions this server accepts, newest first.
pub const MCP_PROTOCOL_VERSIONS: &[&str] =
    &["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"];

/// Versions whose transport carries JSON-RPC batches.
const BATCH_VERSIONS: &[&str] = &["2025-03-26", "2024-11-05"];

/// Longest request line accepted (bytes); a longer line is answered with an error.
pub const MAX_LINE: usize = 4 * 1024 * 1024;

/// How much of an over-long line is kept to find its `id`.
const ID_PREFIX: usize = 4096;

const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;
const METHOD_NOT_FOUND: i64 = -32601;
const INVALID_PARAMS: i64 = -32602;
const INTERNAL_ERROR: i64 = -32603;

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
        Err(e) => error(Some(id), INTERNAL_ERROR, format!("internal error: {e}")),
    }
}

fn id_key(id: &RequestId) -> String {
    serde_json::to_string(id).unwrap_or_default()
}

/// One answer slot: ready now, or a tool call for the worker.
enum Slot {
    Ready(Message),
    Call {
        id: RequestId,
        name: String,
        arguments: Value,
    },
}

/// Work for the worker, in arrival order.
struct Job {
    slots: Vec<Slot>,
    batch: bool,
}

#[derive(Default)]
struct Shared {
    /// The call being run.
    running: Option<String>,
    /// Calls the client cancelled (their answers are dropped).
    cancelled: HashSet<String>,
    /// The input ended: drop everything still queued.
    closed: bool,
}

/// A line as read.
enum Line {
    Complete(Vec<u8>),
    /// Longer than [`MAX_LINE`]; its start.
    TooLong(Vec<u8>),
}

/// Read one line of at most `max` bytes, never buffering more. `None` at the end of input.
async fn read_line<R: AsyncBufRead + Unpin>(
    input: &mut R,
    max: usize,
) -> std::io::Result<Option<Line>> {
    let mut line = Vec::new();
    let mut too_long = false;
    let mut any = false;
    loop {
        let available = input.fill_buf().await?;
        if available.is_empty() {
            return Ok(any.then_some(if too_long {
                Line::TooLong(line)
            } else {
                Line::Complete(line)
            }));
        }
        any = true;
        let (chunk, used, done) = match available.iter().position(|b| *b == b'\n') {
            Some(p) => (&available[..p], p + 1, true),
            None => (available, available.len(), false),
        };
        if !too_long && line.len() + chunk.len() > max {
            too_long = true;
            line.truncate(ID_PREFIX);
        }
        let room = if too_long {
            ID_PREFIX.saturating_sub(line.len())
        } else {
            chunk.len()
        };
        line.extend_from_slice(&chunk[..room.min(chunk.len())]);
        input.consume(used);
        if done {
            return Ok(Some(if too_long {
                Line::TooLong(line)
            } else {
                Line::Complete(line)
            }));
        }
    }
}

/// The `id` of a request from the start of its line, when it comes before `params`.
fn id_from_prefix(prefix: &[u8]) -> Option<RequestId> {
    let text = String::from_utf8_lossy(prefix);
    let re = regex::Regex::new(r#""id"\s*:\s*(-?\d+|"(?:[^"\\]|\\.)*")"#).ok()?;
    let m = re.captures(&text)?;
    let whole = m.get(0)?;
    if text[..whole.start()].contains("\"params\"") {
        return None;
    }
    serde_json::from_str(m.get(1)?.as_str()).ok()
}

/// The reader's state.
struct Session {
    version: Option<String>,
    engine: String,
    instructions: String,
}

impl Session {
    /// Answer one JSON value (not a batch). `None`: a notification or a response.
    fn dispatch(&mut self, value: Value, shared: &Mutex<Shared>) -> Option<Slot> {
        let id = value
            .get("id")
            .and_then(|i| serde_json::from_value(i.clone()).ok());
        if !value.is_object() {
            return Some(Slot::Ready(error(
                None,
                INVALID_REQUEST,
                "invalid request: expected a json-rpc object",
            )));
        }
        if value.get("jsonrpc").is_some_and(|v| v != "2.0") {
            return Some(Slot::Ready(error(
                id,
                INVALID_REQUEST,
                "invalid request: `jsonrpc` must be \"2.0\"",
            )));
        }
        let cancelled: Option<RequestId> = value
            .get("params")
            .and_then(|p| p.get("requestId"))
            .and_then(|r| serde_json::from_value(r.clone()).ok());
        let bytes = value.to_string();
        let message = match Message::decode(bytes.as_bytes()) {
            Ok(m) => m,
            Err(e) => {
                return Some(Slot::Ready(error(
                    id,
                    INVALID_REQUEST,
                    format!("invalid request: {e}"),
                )))
            }
        };
        match message {
            Message::Request(req) => Some(self.request(req)),
            Message::Notification(n) => {
                if n.method == "notifications/cancelled" {
                    if let Some(rid) = cancelled {
                        if let Ok(mut s) = shared.lock() {
                            s.cancelled.insert(id_key(&rid));
                        }
                    }
                }
                tracing::debug!(method = %n.method, "mcp notification");
                None
            }
            // answers to requests we never send
            Message::Response(_) | Message::Error(_) => None,
        }
    }

    fn request(&mut self, req: Request) -> Slot {
        let id = req.id.clone();
        tracing::debug!(method = %req.method, "mcp request");
        let method = req.method.as_str();
        if method == Initialize::METHOD {
            return Slot::Ready(self.initialize(&req));
        }
        if method == Ping::METHOD {
            return Slot::Ready(respond::<Ping>(id, &mcp_proto::Empty {}));
        }
        if self.version.is_none() {
            return Slot::Ready(error(
                Some(id),
                INVALID_REQUEST,
                format!("`{method}` before `initialize`: initialize the session first"),
            ));
        }
        if method == ListTools::METHOD {
            // the definitions as they are (title, annotations, outputSchema included)
            let tools = serde_json::json!({ "tools": DbTools::definitions() });
            return Slot::Ready(match serde_json::value::to_raw_value(&tools) {
                Ok(result) => Message::Response(Response { id, result }),
                Err(e) => error(Some(id), INTERNAL_ERROR, format!("internal error: {e}")),
            });
        }
        if method == CallTool::METHOD {
            let params = match req.params_as::<CallTool>() {
                Ok(p) => p,
                Err(e) => {
                    return Slot::Ready(error(
                        Some(id),
                        INVALID_PARAMS,
                        format!("invalid params: {e}"),
                    ))
                }
            };
            if !DbTools::has_tool(&params.name) {
                return Slot::Ready(error(
                    Some(id),
                    INVALID_PARAMS,
                    format!("unknown tool `{}`", params.name),
                ));
            }
            return Slot::Call {
                id,
                name: params.name,
                arguments: Value::Object(params.arguments.unwrap_or_default()),
            };
        }
        Slot::Ready(error(
            Some(id),
            METHOD_NOT_FOUND,
            format!("method not found: {method}"),
        ))
    }

    fn initialize(&mut self, req: &Request) -> Message {
        let id = req.id.clone();
        if self.version.is_some() {
            return error(
                Some(id),
                INVALID_REQUEST,
                "the session is already initialized",
            );
        }
        let asked = match req.params_as::<Initialize>() {
            Ok(p) => p.protocol_version,
            Err(e) => return error(Some(id), INVALID_PARAMS, format!("invalid params: {e}")),
        };
        let version = MCP_PROTOCOL_VERSIONS
            .iter()
            .find(|v| **v == asked)
            .copied()
            .unwrap_or(MCP_PROTOCOL_VERSIONS[0]);
        self.version = Some(version.to_owned());
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
            instructions: Some(self.instructions.clone()),
            extra: Default::default(),
        };
        respond::<Initialize>(id, &result)
    }

    fn batches_allowed(&self) -> bool {
        self.version
            .as_deref()
            .is_some_and(|v| BATCH_VERSIONS.contains(&v))
    }
}

fn encode(messages: Vec<Message>, batch: bool) -> Option<Vec<u8>> {
    let mut bytes = if batch {
        if messages.is_empty() {
            return None;
        }
        let mut out = b"[".to_vec();
        for (i, m) in messages.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend(m.encode(true));
        }
        out.push(b']');
        out
    } else {
        messages.into_iter().next()?.encode(true)
    };
    bytes.push(b'\n');
    Some(bytes)
}

/// Options of [`serve_mcp_with`].
#[derive(Debug, Clone, Default)]
pub struct ServeOptions {
    /// Extra text for the `initialize` instructions (privilege warnings).
    pub instructions: Option<String>,
}

/// Serve `tools` until `input` ends. Returns the number of messages written.
pub async fn serve_mcp<R, W>(tools: DbTools, input: R, output: W) -> std::io::Result<u64>
where
    R: AsyncBufRead + Unpin,
    W: AsyncWrite + Unpin,
{
    serve_mcp_with(tools, input, output, ServeOptions::default()).await
}

/// [`serve_mcp`] with options.
pub async fn serve_mcp_with<R, W>(
    mut tools: DbTools,
    mut input: R,
    mut output: W,
    options: ServeOptions,
) -> std::io::Result<u64>
where
    R: AsyncBufRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let shared = Arc::new(Mutex::new(Shared::default()));
    let canceller = tools.canceller();
    let (out_tx, mut out_rx) = mpsc::unbounded_channel::<Vec<u8>>();
    let (job_tx, mut job_rx) = mpsc::unbounded_channel::<Job>();
    let mut instructions = format!(
        "Read-only tools over one {} database. Each query runs alone in a read-only transaction that is rolled back; statements other than queries, and functions not known to be harmless, are refused.",
        tools.engine()
    );
    if let Some(extra) = &options.instructions {
        instructions.push(' ');
        instructions.push_str(extra);
    }
    let mut session = Session {
        version: None,
        engine: tools.engine().to_string(),
        instructions,
    };
    tracing::debug!(engine = %session.engine, "mcp session");

    let reader = {
        let shared = Arc::clone(&shared);
        let out_tx = out_tx.clone();
        async move {
            let result = loop {
                let line = match read_line(&mut input, MAX_LINE).await {
                    Ok(Some(l)) => l,
                    Ok(None) => break Ok(()),
                    Err(e) => break Err(e),
                };
                let reply = match line {
                    Line::TooLong(prefix) => Some((
                        vec![Slot::Ready(error(
                            id_from_prefix(&prefix),
                            INVALID_REQUEST,
                            format!("request too large: lines are limited to {MAX_LINE} bytes"),
                        ))],
                        false,
                    )),
                    Line::Complete(bytes) => {
                        let trimmed = bytes.trim_ascii();
                        if trimmed.is_empty() {
                            continue;
                        }
                        match std::str::from_utf8(trimmed) {
                            Err(e) => Some((
                                vec![Slot::Ready(error(
                                    None,
                                    PARSE_ERROR,
                                    format!(
                                        "parse error: invalid utf-8 at byte {}",
                                        e.valid_up_to()
                                    ),
                                ))],
                                false,
                            )),
                            Ok(text) => match serde_json::from_str::<Value>(text) {
                                Err(e) => Some((
                                    vec![Slot::Ready(error(
                                        None,
                                        PARSE_ERROR,
                                        format!("parse error: {e}"),
                                    ))],
                                    false,
                                )),
                                Ok(Value::Array(items)) => {
                                    if !session.batches_allowed() {
                                        Some((
                                            vec![Slot::Ready(error(
                                                None,
                                                INVALID_REQUEST,
                                                "invalid request: batches are not part of the negotiated protocol version",
                                            ))],
                                            false,
                                        ))
                                    } else if items.is_empty() {
                                        Some((
                                            vec![Slot::Ready(error(
                                                None,
                                                INVALID_REQUEST,
                                                "invalid request: an empty batch",
                                            ))],
                                            false,
                                        ))
                                    } else {
                                        let slots: Vec<Slot> = items
                                            .into_iter()
                                            .filter_map(|v| session.dispatch(v, &shared))
                                            .collect();
                                        Some((slots, true))
                                    }
                                }
                                Ok(v) => session.dispatch(v, &shared).map(|s| (vec![s], false)),
                            },
                        }
                    }
                };
                let Some((slots, batch)) = reply else {
                    // a notification: cancel the running call when it names it
                    let cancel = shared.lock().ok().is_some_and(|s| {
                        s.running.as_ref().is_some_and(|r| s.cancelled.contains(r))
                    });
                    if cancel {
                        if let Some(c) = &canceller {
                            c.cancel().await;
                        }
                    }
                    continue;
                };
                if slots.iter().all(|s| matches!(s, Slot::Ready(_))) {
                    let messages = slots
                        .into_iter()
                        .filter_map(|s| match s {
                            Slot::Ready(m) => Some(m),
                            Slot::Call { .. } => None,
                        })
                        .collect();
                    if let Some(bytes) = encode(messages, batch) {
                        let _ = out_tx.send(bytes);
                    }
                } else {
                    let _ = job_tx.send(Job { slots, batch });
                }
            };
            // the input ended: stop the running query, drop what is queued
            if let Ok(mut s) = shared.lock() {
                s.closed = true;
            }
            if let Some(c) = &canceller {
                c.cancel().await;
            }
            drop(job_tx);
            drop(out_tx);
            result
        }
    };

    let worker = {
        let shared = Arc::clone(&shared);
        async move {
            while let Some(job) = job_rx.recv().await {
                let mut messages = Vec::new();
                let mut queue: VecDeque<Slot> = job.slots.into();
                while let Some(slot) = queue.pop_front() {
                    match slot {
                        Slot::Ready(m) => messages.push(m),
                        Slot::Call {
                            id,
                            name,
                            arguments,
                        } => {
                            let key = id_key(&id);
                            let skip = shared
                                .lock()
                                .map(|mut s| {
                                    let skip = s.closed || s.cancelled.contains(&key);
                                    if !skip {
                                        s.running = Some(key.clone());
                                    }
                                    skip
                                })
                                .unwrap_or(true);
                            if skip {
                                continue;
                            }
                            let out = tools.call(&name, &arguments).await;
                            let dropped = shared
                                .lock()
                                .map(|mut s| {
                                    s.running = None;
                                    s.cancelled.remove(&key) || s.closed
                                })
                                .unwrap_or(true);
                            if dropped {
                                continue;
                            }
                            let result = CallToolResult {
                                content: vec![ContentBlock::Text(TextContent {
                                    text: out.text,
                                    annotations: None,
                                })],
                                structured_content: Some(out.structured),
                                is_error: Some(out.is_error),
                                extra: Default::default(),
                            };
                            messages.push(respond::<CallTool>(id, &result));
                        }
                    }
                }
                if let Some(bytes) = encode(messages, job.batch) {
                    let _ = out_tx.send(bytes);
                }
            }
            drop(out_tx);
        }
    };

    let writer = async move {
        let mut written = 0u64;
        while let Some(bytes) = out_rx.recv().await {
            output.write_all(&bytes).await?;
            output.flush().await?;
            written += 1;
        }
        Ok::<u64, std::io::Error>(written)
    };

    let (read, (), written) = tokio::join!(reader, worker, writer);
    read?;
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn lines_are_bounded_and_ids_recovered() {
        let long = format!(
            "{{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\",\"params\":{{\"x\":\"{}\"}}}}\nnext\n",
            "a".repeat(100)
        );
        let mut input = tokio::io::BufReader::with_capacity(16, long.as_bytes());
        let Some(Line::TooLong(prefix)) = read_line(&mut input, 50).await.unwrap() else {
            panic!("expected an over-long line");
        };
        assert!(prefix.len() <= ID_PREFIX);
        assert_eq!(id_from_prefix(&prefix), Some(RequestId::Number(7)));
        let Some(Line::Complete(next)) = read_line(&mut input, 50).await.unwrap() else {
            panic!("expected the next line");
        };
        assert_eq!(next, b"next");
        assert!(read_line(&mut input, 50).await.unwrap().is_none());
        assert_eq!(
            id_from_prefix(br#"{"params":{"id":3},"id":4"#),
            None,
            "an id inside params is not the request's"
        );
    }
}
