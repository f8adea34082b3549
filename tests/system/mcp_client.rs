//! A line-delimited MCP client over `xldb-codex mcp serve`'s stdio, for the system tests.

// Tests and their helpers fail loudly on setup errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::util::xldb;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Stdio};

/// `xldb-codex mcp serve` with a client end.
pub struct McpClient {
    pub child: Child,
    pub stdin: Option<ChildStdin>,
    pub stdout: BufReader<ChildStdout>,
    next_id: i64,
}

impl McpClient {
    /// Start `xldb-codex mcp serve --db URL EXTRA…` in `home` (not initialized yet).
    pub fn spawn(home: &Path, url: &str, extra: &[&str]) -> McpClient {
        let mut child = xldb(home)
            .args(["mcp", "serve", "--db", url])
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        McpClient {
            child,
            stdin,
            stdout,
            next_id: 1000,
        }
    }

    /// [`McpClient::spawn`], then `initialize` (2025-06-18) and `notifications/initialized`.
    pub fn start(home: &Path, url: &str, extra: &[&str]) -> McpClient {
        let mut c = McpClient::spawn(home, url, extra);
        let init = c.call(0, "initialize", json!({"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "0"}}));
        assert_eq!(init["result"]["protocolVersion"], "2025-06-18", "{init}");
        c.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
        c
    }

    pub fn send(&mut self, msg: &Value) {
        self.send_raw(&msg.to_string());
    }

    pub fn send_raw(&mut self, line: &str) {
        self.send_bytes(line.as_bytes());
    }

    pub fn send_bytes(&mut self, line: &[u8]) {
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(line).unwrap();
        stdin.write_all(b"\n").unwrap();
        stdin.flush().unwrap();
    }

    pub fn recv(&mut self) -> Value {
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not json ({e}): {line:?}"))
    }

    pub fn call(&mut self, id: i64, method: &str, params: Value) -> Value {
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let reply = self.recv();
        assert_eq!(reply["id"], id, "{reply}");
        assert_eq!(reply["jsonrpc"], "2.0");
        reply
    }

    /// `tools/call` of `tool`: the `result`, checked to carry the same JSON in `content` text
    /// and `structuredContent`.
    pub fn tool(&mut self, tool: &str, arguments: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let reply = self.call(
            id,
            "tools/call",
            json!({"name": tool, "arguments": arguments}),
        );
        let result = reply["result"].clone();
        let text = result["content"][0]["text"]
            .as_str()
            .unwrap_or_else(|| panic!("{reply}"));
        let parsed: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"));
        assert_eq!(
            parsed, result["structuredContent"],
            "content and structuredContent agree"
        );
        result
    }

    /// `execute_query` of `sql`: the `result`.
    pub fn query(&mut self, sql: &str) -> Value {
        self.tool("execute_query", json!({ "sql": sql }))
    }

    /// Close stdin and wait for a clean exit.
    pub fn finish(mut self) {
        drop(self.stdin.take());
        let status = self.child.wait().unwrap();
        assert!(
            status.success(),
            "the server exits cleanly when stdin closes"
        );
    }
}
