//! A stand-in `codex mcp` server (and a client of this crate) for fault tests and the
//! benchmark. Not part of the library's API; synchronous std code, so it floods a pipe as fast
//! as the kernel takes it.
//!
//! Modes (first argument):
//! - `flood N SIZE`: answer the handshake and the conversation calls, then on the first
//!   `sendUserMessage` write N `codex/event/agent_message_delta` notifications of about SIZE
//!   bytes each, then `task_complete`; afterwards answer every request (`ping` round trips).
//! - `stderr-flood BYTES`: write BYTES to stderr before reading anything, then serve like
//!   `flood 0 0`.
//! - `approvals N LOG`: after `sendUserMessage`, send N `execCommandApproval` requests one at
//!   a time (ids from 0, as 0.39 does), appending each decision received to LOG (one line,
//!   flushed) before sending the next.
//! - `client PEER_LOG AUDIT N`: a process using the crate: runs this binary in `approvals`
//!   mode under a `CodexSession` with a file audit sink and approves everything; used by the
//!   kill -9 test.

use std::io::{BufRead, BufWriter, Write};

const CONVERSATION: &str = "0199a7e0-0000-7000-8000-00000000c0de";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize| args.get(i).cloned().unwrap_or_default();
    let num = |i: usize| arg(i).parse::<u64>().unwrap_or(0);
    let result = match arg(1).as_str() {
        "flood" => serve(Mode::Flood {
            n: num(2),
            size: num(3) as usize,
        }),
        "stderr-flood" => {
            let chunk = vec![b'x'; 64 * 1024];
            let mut left = num(2) as usize;
            let mut err = std::io::stderr().lock();
            while left > 0 {
                let n = left.min(chunk.len());
                if err.write_all(&chunk[..n]).is_err() {
                    break;
                }
                left -= n;
            }
            let _ = err.write_all(b"\n");
            drop(err);
            serve(Mode::Flood { n: 0, size: 0 })
        }
        "approvals" => serve(Mode::Approvals {
            n: num(2),
            log: arg(3),
        }),
        "client" => client(&arg(2), &arg(3), num(4)),
        other => {
            eprintln!("unknown mode `{other}`");
            std::process::exit(2);
        }
    };
    if let Err(e) = result {
        eprintln!("fake peer: {e}");
        std::process::exit(1);
    }
}

enum Mode {
    Flood { n: u64, size: usize },
    Approvals { n: u64, log: String },
}

fn respond(
    out: &mut impl Write,
    id: &serde_json::Value,
    result: serde_json::Value,
) -> std::io::Result<()> {
    let line = serde_json::json!({"jsonrpc": "2.0", "id": id, "result": result});
    writeln!(out, "{line}")?;
    out.flush()
}

fn event(msg: serde_json::Value) -> String {
    let kind = msg["type"].as_str().unwrap_or("unknown").to_owned();
    serde_json::json!({
        "jsonrpc": "2.0",
        "method": format!("codex/event/{kind}"),
        "params": {"id": "0", "msg": msg, "conversationId": CONVERSATION}
    })
    .to_string()
}

fn serve(mode: Mode) -> std::io::Result<()> {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut out = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        let Some(method) = msg.get("method").and_then(|m| m.as_str()) else {
            continue;
        };
        let id = match msg.get("id") {
            Some(id) => id.clone(),
            None => continue, // a notification
        };
        match method {
            "initialize" => respond(
                &mut out,
                &id,
                serde_json::json!({"capabilities": {}, "protocolVersion": "2025-06-18",
                    "serverInfo": {"name": "fake-peer", "version": "0.39.0"}}),
            )?,
            "newConversation" => respond(
                &mut out,
                &id,
                serde_json::json!({"conversationId": CONVERSATION, "model": "fake"}),
            )?,
            "addConversationListener" => respond(
                &mut out,
                &id,
                serde_json::json!({"subscriptionId": "sub-1"}),
            )?,
            "sendUserMessage" => {
                respond(&mut out, &id, serde_json::json!({}))?;
                match &mode {
                    Mode::Flood { n, size } => flood(&mut out, *n, *size)?,
                    Mode::Approvals { n, log } => approvals(&mut input, &mut out, *n, log)?,
                }
            }
            _ => respond(&mut out, &id, serde_json::json!({}))?,
        }
    }
}

fn flood(out: &mut impl Write, n: u64, size: usize) -> std::io::Result<()> {
    writeln!(
        out,
        "{}",
        event(serde_json::json!({"type": "task_started"}))
    )?;
    let empty = event(serde_json::json!({"type": "agent_message_delta", "delta": ""}));
    let pad = size.saturating_sub(empty.len() + 1).max(1);
    let delta: String = "abcdefghij ".chars().cycle().take(pad).collect();
    let line = event(serde_json::json!({"type": "agent_message_delta", "delta": delta}));
    let line = format!("{line}\n");
    for _ in 0..n {
        out.write_all(line.as_bytes())?;
    }
    writeln!(
        out,
        "{}",
        event(serde_json::json!({"type": "task_complete", "last_agent_message": "flood done"}))
    )?;
    out.flush()
}

fn approvals(
    input: &mut impl BufRead,
    out: &mut impl Write,
    n: u64,
    log: &str,
) -> std::io::Result<()> {
    let mut log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)?;
    let mut line = String::new();
    for id in 0..n {
        let request = serde_json::json!({"jsonrpc": "2.0", "id": id, "method": "execCommandApproval",
            "params": {"conversation_id": CONVERSATION, "call_id": format!("call_{id}"),
                "command": ["bash", "-lc", format!("echo {id} > out.txt")], "cwd": "/tmp"}});
        writeln!(out, "{request}")?;
        out.flush()?;
        // Wait for the answer to this request (skip anything else).
        loop {
            line.clear();
            if input.read_line(&mut line)? == 0 {
                return Ok(());
            }
            let Ok(msg) = serde_json::from_str::<serde_json::Value>(&line) else {
                continue;
            };
            if msg.get("method").is_none() && msg.get("id") == Some(&serde_json::json!(id)) {
                let decision = msg["result"]["decision"].as_str().unwrap_or("<none>");
                writeln!(log, "{id} {decision}")?;
                log.flush()?;
                break;
            }
        }
    }
    writeln!(
        out,
        "{}",
        event(serde_json::json!({"type": "task_complete", "last_agent_message": null}))
    )?;
    out.flush()
}

fn client(peer_log: &str, audit: &str, n: u64) -> std::io::Result<()> {
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let me = std::env::current_exe()?;
        let sink = codex_session::FileAuditSink::open(audit).map_err(std::io::Error::other)?;
        let options = codex_session::SessionOptions::new()
            .protocol(codex_session::Protocol::McpConversation)
            .program(me)
            .args(["approvals".to_owned(), n.to_string(), peer_log.to_owned()])
            .approval_handler(std::sync::Arc::new(codex_session::ApproveAll))
            .audit(std::sync::Arc::new(sink));
        let session = codex_session::CodexSession::start(options)
            .await
            .map_err(std::io::Error::other)?;
        let mut conversation = session
            .new_conversation(codex_session::ConversationOptions::new())
            .await
            .map_err(std::io::Error::other)?;
        let outcome = conversation
            .run_turn("go")
            .await
            .map_err(std::io::Error::other)?;
        println!("{:?}", outcome.end);
        Ok(())
    })
}
