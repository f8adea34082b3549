//! Child-process behaviour: a stand-in server binary of this crate (`codex-session-fake-peer`)
//! and `sh`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use codex_session::{
    CodexSession, ConversationOptions, Error, SessionOptions, Status, TurnEnd, Unavailable,
};

use crate::support::within;

fn fake_peer() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_codex-session-fake-peer"))
}

fn alive(pid: u32) -> bool {
    // A zombie is dead for our purposes.
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| s.split_whitespace().nth(2).is_none_or(|state| state != "Z"))
        .unwrap_or(false)
}

async fn wait_for_file(path: &Path) -> String {
    within(async {
        loop {
            if let Ok(s) = std::fs::read_to_string(path) {
                if s.ends_with('\n') {
                    return s;
                }
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
}

/// `sh -c 'echo $$ > PIDFILE; exec fake-peer ARGS'`: a server whose pid the test knows.
fn with_pidfile(pidfile: &Path, args: &str) -> SessionOptions {
    let script = format!(
        "echo $$ > '{}'; exec '{}' {args}",
        pidfile.display(),
        fake_peer().display()
    );
    crate::support::scripted()
        .program("sh")
        .args(["-c".to_owned(), script])
}

#[tokio::test]
async fn fifty_megabytes_of_stderr_before_the_handshake_do_not_deadlock() {
    let options = crate::support::scripted()
        .program(fake_peer())
        .args(["stderr-flood", "50000000"])
        .handshake_timeout(Duration::from_secs(20));
    let session = within(CodexSession::start(options))
        .await
        .expect("handshake after the flood");
    let mut conversation = within(session.new_conversation(ConversationOptions::new()))
        .await
        .unwrap();
    let outcome = within(conversation.run_turn("hi")).await.unwrap();
    assert_eq!(outcome.end, TurnEnd::Completed);
}

#[tokio::test]
async fn a_missing_program_is_a_spawn_error() {
    let options = crate::support::scripted().program("/nonexistent/codex-xyz");
    let err = CodexSession::start(options).await.unwrap_err();
    assert!(matches!(err, Error::Spawn { .. }), "{err:?}");
    assert!(err.is_unavailable());
    assert!(
        err.to_string().contains("`/nonexistent/codex-xyz`"),
        "{err}"
    );
}

#[tokio::test]
async fn a_server_exiting_before_the_handshake_reports_its_exit_code() {
    let options = crate::support::scripted()
        .program("sh")
        .args(["-c", "read line; exit 3"]);
    let started = Instant::now();
    let err = within(CodexSession::start(options)).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Unavailable(Unavailable::Exited { code: Some(3) })
        ),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn the_server_is_killed_when_the_session_is_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let pidfile = dir.path().join("pid");
    let session = within(CodexSession::start(with_pidfile(&pidfile, "flood 0 0")))
        .await
        .unwrap();
    let pid: u32 = wait_for_file(&pidfile).await.trim().parse().unwrap();
    assert!(alive(pid));
    drop(session);
    within(async {
        while alive(pid) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
}

#[tokio::test]
async fn a_killed_server_is_detected_within_a_second_and_restarted() {
    let dir = tempfile::tempdir().unwrap();
    let pidfile = dir.path().join("pid");
    let options = with_pidfile(&pidfile, "flood 0 0").restart_backoff(
        3,
        Duration::from_millis(50),
        Duration::from_millis(200),
    );
    let session = within(CodexSession::start(options)).await.unwrap();
    let mut conversation = within(session.new_conversation(ConversationOptions::new()))
        .await
        .unwrap();
    let pid: u32 = wait_for_file(&pidfile).await.trim().parse().unwrap();
    let started = Instant::now();
    std::process::Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .unwrap();
    let reason = within(session.unavailable()).await;
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(reason, Unavailable::Exited { code: None });
    assert_eq!(
        session.status(),
        Status::Unavailable(Unavailable::Exited { code: None })
    );
    let err = within(conversation.run_turn("hi")).await.unwrap_err();
    assert!(err.is_unavailable(), "{err:?}");

    std::fs::remove_file(&pidfile).unwrap();
    within(session.ensure_available()).await.expect("restart");
    assert!(session.is_available());
    let new_pid: u32 = wait_for_file(&pidfile).await.trim().parse().unwrap();
    assert_ne!(new_pid, pid);
    let mut conversation = within(session.new_conversation(ConversationOptions::new()))
        .await
        .unwrap();
    assert_eq!(
        within(conversation.run_turn("hi")).await.unwrap().end,
        TurnEnd::Completed
    );
}

#[tokio::test]
async fn a_restart_that_keeps_failing_gives_up_with_a_typed_error() {
    let dir = tempfile::tempdir().unwrap();
    let flag = dir.path().join("first-run-done");
    // Works the first time, exits at once afterwards.
    let script = format!(
        "if [ -e '{f}' ]; then exit 7; fi; touch '{f}'; exec '{p}' flood 0 0",
        f = flag.display(),
        p = fake_peer().display()
    );
    let options = crate::support::scripted()
        .program("sh")
        .args(["-c".to_owned(), script])
        .restart_backoff(3, Duration::from_millis(10), Duration::from_millis(20));
    let session = within(CodexSession::start(options)).await.unwrap();
    let err = within(session.restart()).await.unwrap_err();
    assert!(
        matches!(err, Error::RestartFailed { attempts: 3, .. }),
        "{err:?}"
    );
    assert!(err.is_unavailable());
    assert!(!session.is_available());
}

#[tokio::test]
async fn shutdown_closes_input_and_the_server_exits() {
    let dir = tempfile::tempdir().unwrap();
    let pidfile = dir.path().join("pid");
    let session = within(CodexSession::start(with_pidfile(&pidfile, "flood 0 0")))
        .await
        .unwrap();
    let pid: u32 = wait_for_file(&pidfile).await.trim().parse().unwrap();
    let started = Instant::now();
    within(session.shutdown(Duration::from_secs(5)))
        .await
        .unwrap();
    // The fake exits on end of input, well before the grace period.
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(!alive(pid));
}

/// Kill -9 a process using the crate while approvals flow: every decision the server received
/// must have its audit record (records are flushed before decisions are sent).
#[tokio::test]
async fn after_kill_9_every_decision_the_server_received_is_in_the_audit_log() {
    let dir = tempfile::tempdir().unwrap();
    let peer_log = dir.path().join("peer.log");
    let audit = dir.path().join("audit.jsonl");
    let mut client = std::process::Command::new(fake_peer())
        .arg("client")
        .arg(&peer_log)
        .arg(&audit)
        .arg("1000000")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Let a few hundred decisions through, then kill the client without warning.
    within(async {
        loop {
            let n = std::fs::read_to_string(&peer_log)
                .map(|s| s.lines().count())
                .unwrap_or(0);
            if n >= 300 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
    client.kill().unwrap(); // SIGKILL
    client.wait().unwrap();
    // The orphaned server sees end of input and exits; give it a moment to finish writing.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let received: Vec<(String, String)> = std::fs::read_to_string(&peer_log)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once(' ').map(|(a, b)| (a.to_owned(), b.to_owned())))
        .collect();
    let audited: std::collections::HashMap<String, String> = std::fs::read_to_string(&audit)
        .unwrap()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|r| r["event"] == "approval")
        .map(|r| {
            (
                r["request_id"].as_str().unwrap_or_default().to_owned(),
                r["decision"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert!(received.len() >= 300);
    for (id, decision) in &received {
        assert_eq!(
            audited.get(id),
            Some(decision),
            "decision for request {id} was received by the server but not audited"
        );
    }
}
