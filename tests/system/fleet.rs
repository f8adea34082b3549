//! Fleet mode end to end (issue 15): the real `codex` and the fake model on host A meet an
//! `ask`; the request waits in a real PostgreSQL store; host B answers it with `approvals
//! approve` or `approvals deny`, and the answer reaches the model. Then the faults: the store
//! unreachable at start, killed while a request waits, host A killed with SIGKILL while its
//! request waits; and the suggestion cache shared by two hosts.

// Tests and their helpers fail loudly on setup errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;
use xldb_testkit::fake_model::{CodexHome, Item, Script, Step};
use xldb_testkit::servers::Postgres;

use crate::codex_workflows::{codex_command, start_model, tool_output};
use crate::util::{demo_db, xldb};

/// A fresh database on the shared PostgreSQL, initialised with `store init`; its URL.
fn fresh_store(home: &std::path::Path) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    let pg = Postgres::shared().unwrap_or_else(|e| panic!("{e:#}"));
    let name = format!(
        "fleet_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    );
    let url = pg.create_database(&name).unwrap();
    let out = xldb(home)
        .args(["store", "init", "--store", &url])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("GRANT SELECT, INSERT ON xldb_codex.audit")
    );
    url
}

/// `xldb-codex args…` as host `host` (async: the fake model runs on this runtime).
async fn cli(home: &std::path::Path, host: &str, args: &[&str]) -> Output {
    let mut cmd = tokio::process::Command::from(xldb(home));
    cmd.env("XLDB_CODEX_HOST_NAME", host).args(args);
    tokio::time::timeout(Duration::from_secs(60), cmd.output())
        .await
        .expect("the command finished in time")
        .unwrap()
}

/// The first pending request, waiting for one to appear (host A's run must still be going).
async fn first_pending(
    home: &std::path::Path,
    store: &str,
    host_a: &mut tokio::process::Child,
) -> Value {
    let start = Instant::now();
    loop {
        let out = cli(
            home,
            "host-b",
            &["approvals", "list", "--json", "--store", store],
        )
        .await;
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        if let Some(first) = v.as_array().and_then(|a| a.first()) {
            return first.clone();
        }
        if let Some(status) = host_a.try_wait().unwrap() {
            panic!("host A ended ({status}) before asking");
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "no request was queued"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The model asks to run a command the policy does not know (`ask`), then answers.
fn asking_script() -> Script {
    Script::new([
        Step::new().item(Item::shell(["perl", "-e", "print 6*7"]).call_id("exec_ask")),
        Step::new().message("Schema review.\nRECOMMENDATION: index orders(customer_id)"),
    ])
    .select_by_tool_outputs()
}

/// Host A: `analyze schema` in fleet mode, without a terminal.
fn host_a(
    version: &str,
    home: &CodexHome,
    db_url: &str,
    store: &str,
    wait: &str,
) -> tokio::process::Child {
    let mut cmd = codex_command(
        version,
        home,
        &[
            "analyze",
            "schema",
            "--db",
            db_url,
            "--json",
            "--store",
            store,
            "--approval-wait",
            wait,
        ],
    );
    cmd.env("XLDB_CODEX_HOST_NAME", "host-a")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd.spawn().unwrap()
}

async fn finish(child: tokio::process::Child) -> (Value, String) {
    let out = tokio::time::timeout(Duration::from_secs(300), child.wait_with_output())
        .await
        .expect("host A finished in time")
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let v = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    (v, stderr)
}

/// The approval records of the store's audit trail.
async fn approval_records(home: &std::path::Path, store: &str, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["audit", "list", "--json", "--store", store];
    args.extend(extra);
    let out = cli(home, "auditor", &args).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .filter(|r| r["event"] == "approval")
        .cloned()
        .collect()
}

macro_rules! on_fleet_versions {
    ($($scenario:ident),+ $(,)?) => {$(
        mod $scenario {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn v0_39_0() {
                super::$scenario("0.39.0").await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn v0_169_0() {
                super::$scenario("0.169.0").await;
            }
        }
    )+};
}

on_fleet_versions!(approved_from_another_host, denied_from_another_host);

async fn approved_from_another_host(version: &str) {
    decided_from_another_host(version, true).await;
}

async fn denied_from_another_host(version: &str) {
    decided_from_another_host(version, false).await;
}

async fn decided_from_another_host(version: &str, approve: bool) {
    let dir = tempfile::tempdir().unwrap();
    let (_db, db_url) = demo_db(dir.path());
    let (model, home) = start_model(asking_script()).await;
    let store = fresh_store(dir.path());
    let mut a = host_a(version, &home, &db_url, &store, "120");
    let entry = first_pending(dir.path(), &store, &mut a).await;
    assert_eq!(entry["host"], "host-a", "{entry}");
    assert_eq!(entry["state"], "pending", "{entry}");
    assert!(
        entry["subject"].as_str().unwrap().contains("perl"),
        "{entry}"
    );
    assert_eq!(entry["explanation"]["decision"], "ask", "{entry}");
    let id = entry["id"].to_string();
    let args: Vec<&str> = if approve {
        vec![
            "approvals",
            "approve",
            &id,
            "--as",
            "bob",
            "--store",
            &store,
        ]
    } else {
        vec![
            "approvals",
            "deny",
            &id,
            "--as",
            "bob",
            "--reason",
            "not on prod",
            "--store",
            &store,
        ]
    };
    let out = cli(dir.path(), "host-b", &args).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A second approver is told it is decided already; nothing changes.
    let again = cli(
        dir.path(),
        "host-c",
        &["approvals", "approve", &id, "--store", &store],
    )
    .await;
    assert_eq!(again.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already"),
        "{again:?}"
    );

    let (v, stderr) = finish(a).await;
    assert_eq!(v["source"], "codex", "{version}: {v}\n{stderr}");
    let told = tool_output(&model, "exec_ask").expect("the model heard of the command");
    if approve {
        assert!(told.contains("42"), "{version}: {told}");
    } else {
        assert!(told.to_lowercase().contains("reject"), "{version}: {told}");
    }
    let records = approval_records(dir.path(), &store, &["--host", "host-a"]).await;
    let record = records
        .iter()
        .find(|r| r["body"]["request"]["command"].to_string().contains("perl"))
        .unwrap_or_else(|| panic!("no approval record: {records:?}"));
    assert_eq!(
        record["body"]["decision"],
        if approve { "approved" } else { "denied" },
        "{record}"
    );
    assert!(
        record["body"]["decided_by"]
            .as_str()
            .unwrap()
            .contains("bob"),
        "{record}"
    );
    if !approve {
        let denied = approval_records(dir.path(), &store, &["--decision", "denied"]).await;
        assert!(
            denied
                .iter()
                .any(|r| r["body"]["explanation"]["human"]["reason"] == "not on prod"),
            "{denied:?}"
        );
    }
    drop(model);
}
