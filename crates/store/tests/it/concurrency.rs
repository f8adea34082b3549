//! 50 sessions on 5 processes sharing one store, each asking twice: every request is queued
//! once, decided once by an approver in another process, delivered to the session that asked
//! (the scripted Codex server of each session checks the answer it gets), and the audit holds
//! exactly one approval record per decision sent.
//!
//! The five host processes are this test binary run again with `FLEET_WORKER_STORE` set
//! ([`worker_process`] is their entry point; without the variable it is the no-op it looks
//! like). Each session is a real `CodexSession` over an in-process pipe: its approvals go
//! through the policy handler, the store's queue and audit sink, exactly as with `codex`.

use std::sync::Arc;
use std::time::Duration;

use codex_session::{CodexSession, ConversationOptions, PolicyHandler, SessionOptions};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use xldb_store::{
    approvals_list, audit_list, decide, Answer, AuditFilter, Identity, State, Store, StoreApprover,
    StoreAuditSink,
};

use crate::fresh_url;

const PROCESSES: usize = 5;
const SESSIONS: usize = 10;
const ASKS: usize = 2;

/// The approver's rule, known to both sides: the first ask of a session is approved, the
/// second denied.
fn expected(ask: usize) -> &'static str {
    if ask == 0 {
        "approved"
    } else {
        "denied"
    }
}

/// One session of worker `w`: a scripted 0.39 server that opens conversation `w-s`, asks
/// [`ASKS`] times (`touch` is an `ask` of the built-in policy) and checks each answer.
/// Returns the decisions it received.
async fn session(store: Arc<Store>, w: usize, s: usize) -> Vec<String> {
    let conv = format!("w{w}-s{s}");
    let (client, server) = tokio::io::duplex(64 * 1024);
    let (read, mut write) = tokio::io::split(server);
    let mut lines = BufReader::new(read).lines();
    let approver = Arc::new(StoreApprover::new(store.clone(), Duration::from_secs(120)));
    let options = SessionOptions::new()
        .protocol(codex_session::Protocol::McpConversation)
        .approval_handler(Arc::new(PolicyHandler::builtin().with_human(approver)))
        .audit(Arc::new(StoreAuditSink::new(store)))
        .approval_timeout(Duration::from_secs(150));
    let (cr, cw) = tokio::io::split(client);
    let connect = tokio::spawn(async move {
        let session = CodexSession::connect(cr, cw, options).await?;
        let conversation = session.new_conversation(ConversationOptions::new()).await?;
        Ok::<_, codex_session::Error>((session, conversation))
    });
    let mut decisions = Vec::new();
    // Answer the handshake and the conversation's opening, up to its listener.
    loop {
        let msg = next(&mut lines).await;
        let reply = match msg["method"].as_str() {
            Some("initialize") => json!({"protocolVersion": "2025-06-18", "capabilities": {},
                "serverInfo": {"name": "codex-mcp-server", "version": "0.39.0"}}),
            Some("newConversation") => json!({"conversationId": conv, "model": "m"}),
            Some("addConversationListener") => json!({"subscriptionId": "sub"}),
            Some(_) => json!({}),
            None => continue,
        };
        let line = json!({"jsonrpc": "2.0", "id": msg["id"], "result": reply}).to_string();
        write
            .write_all(format!("{line}\n").as_bytes())
            .await
            .unwrap();
        if msg["method"] == "addConversationListener" {
            break;
        }
    }
    let (_session, _conversation) = connect.await.unwrap().unwrap();
    for ask in 0..ASKS {
        let call = format!("{conv}-a{ask}");
        let req = json!({"jsonrpc": "2.0", "id": 1000 + ask, "method": "execCommandApproval",
            "params": {"conversation_id": conv, "call_id": call,
                       "command": ["touch", format!("fleet-{call}")], "cwd": "/w"}});
        write
            .write_all(format!("{req}\n").as_bytes())
            .await
            .unwrap();
        let answer = loop {
            let msg = next(&mut lines).await;
            if msg.get("method").is_none() && msg["id"] == json!(1000 + ask) {
                break msg;
            }
        };
        let decision = answer["result"]["decision"].as_str().unwrap().to_owned();
        assert_eq!(decision, expected(ask), "{conv} ask {ask}: {answer}");
        decisions.push(decision);
    }
    decisions
}

/// The next message the session sent.
async fn next(
    lines: &mut tokio::io::Lines<BufReader<tokio::io::ReadHalf<tokio::io::DuplexStream>>>,
) -> Value {
    let line = tokio::time::timeout(Duration::from_secs(150), lines.next_line())
        .await
        .expect("the session answered in time")
        .unwrap()
        .unwrap();
    serde_json::from_str(&line).unwrap()
}

/// Entry point of a host process (see the module docs); a no-op in a normal test run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn worker_process() {
    let (Ok(url), Ok(w)) = (
        std::env::var("FLEET_WORKER_STORE"),
        std::env::var("FLEET_WORKER_INDEX"),
    ) else {
        return;
    };
    let w: usize = w.parse().unwrap();
    let store = Arc::new(Store::connect(&url).await.unwrap().with_identity(Identity {
        host: format!("host-{w}"),
        pid: std::process::id(),
    }));
    let sessions = (0..SESSIONS).map(|s| tokio::spawn(session(store.clone(), w, s)));
    let mut sent = 0;
    for s in sessions {
        sent += s.await.unwrap().len();
    }
    println!("FLEET_WORKER_SENT {sent}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_sessions_on_five_processes_get_each_decision_once_and_audited() {
    let url = fresh_url().await;
    let me = std::env::current_exe().unwrap();
    let workers: Vec<_> = (0..PROCESSES)
        .map(|w| {
            tokio::process::Command::new(&me)
                .args([
                    "--exact",
                    "concurrency::worker_process",
                    "--nocapture",
                    "--test-threads",
                    "1",
                ])
                .env("FLEET_WORKER_STORE", &url)
                .env("FLEET_WORKER_INDEX", w.to_string())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .kill_on_drop(true)
                .spawn()
                .unwrap()
        })
        .collect();
    // The approver, in this process: decide each request as it is queued.
    let approver = Arc::new(Store::connect(&url).await.unwrap().with_identity(Identity {
        host: "laptop".into(),
        pid: std::process::id(),
    }));
    let total = PROCESSES * SESSIONS * ASKS;
    let deciding = {
        let store = approver.clone();
        tokio::spawn(async move {
            let mut watch = xldb_store::Watch::start(&store).await.unwrap();
            let mut decided = 0;
            while decided < total {
                let e = tokio::time::timeout(Duration::from_secs(120), watch.next(&store))
                    .await
                    .expect("requests keep coming")
                    .unwrap();
                if e.state != State::Pending {
                    continue;
                }
                let answer = if e.call_id.ends_with("-a0") {
                    Answer::Approve
                } else {
                    Answer::Deny {
                        reason: Some("second ask".into()),
                    }
                };
                decide(&store, e.id, &answer, "laptop").await.unwrap();
                decided += 1;
            }
            decided
        })
    };
    let mut sent = 0;
    for w in workers {
        let out = tokio::time::timeout(Duration::from_secs(300), w.wait_with_output())
            .await
            .expect("the worker finished in time")
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        sent += stdout
            .lines()
            .find_map(|l| l.split("FLEET_WORKER_SENT ").nth(1))
            .unwrap_or_else(|| panic!("the worker ran no sessions: {stdout}"))
            .trim()
            .parse::<usize>()
            .unwrap();
    }
    assert_eq!(sent, total);
    assert_eq!(deciding.await.unwrap(), total);

    let requests = approvals_list(&approver, true).await.unwrap();
    assert_eq!(requests.len(), total, "one request per ask");
    let mut calls: Vec<&str> = requests.iter().map(|r| r.call_id.as_str()).collect();
    calls.sort();
    calls.dedup();
    assert_eq!(calls.len(), total, "no request queued twice");
    let audit = audit_list(&approver, &AuditFilter::default())
        .await
        .unwrap();
    let approvals: Vec<_> = audit.iter().filter(|r| r.event == "approval").collect();
    assert_eq!(approvals.len(), sent, "one audit record per decision sent");
    let mut audited: Vec<String> = approvals
        .iter()
        .map(|r| {
            let call = r.body["request"]["call_id"].as_str().unwrap().to_owned();
            let ask: usize = call.rsplit("-a").next().unwrap().parse().unwrap();
            assert_eq!(r.body["decision"], expected(ask), "{r:?}");
            assert_eq!(
                r.conversation.as_deref(),
                call.rsplit_once("-a").map(|c| c.0)
            );
            assert_eq!(
                Some(r.host.as_str()),
                call.split('-')
                    .next()
                    .map(|w| w.replacen('w', "host-", 1))
                    .as_deref()
            );
            call
        })
        .collect();
    audited.sort();
    audited.dedup();
    assert_eq!(audited.len(), total, "no decision audited twice");
    let decided = audit
        .iter()
        .filter(|r| r.event == "approval_decided")
        .count();
    assert_eq!(decided, total);
}
