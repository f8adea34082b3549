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
use xldb_testkit::codex::DEFAULT_CODEX_VERSION;
use xldb_testkit::fake_model::{CodexHome, Item, Script, Step};
use xldb_testkit::servers::Postgres;

use crate::codex_workflows::{codex_command, start_model, tool_output};
use crate::util::{assert_success, demo_db, xldb};

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
    assert_success(&out);
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
        assert_success(&out);
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

/// `approvals approve|deny …` from host B, which must succeed.
async fn decide_as(home: &std::path::Path, args: &[&str]) {
    let out = cli(home, "host-b", args).await;
    assert_success(&out);
}

/// `approvals approve ID --as bob` from host B, which must succeed.
async fn approve_as_bob(home: &std::path::Path, store: &str, id: &str) {
    decide_as(
        home,
        &["approvals", "approve", id, "--as", "bob", "--store", store],
    )
    .await;
}

/// The approval records of the store's audit trail.
async fn approval_records(home: &std::path::Path, store: &str, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["audit", "list", "--json", "--store", store];
    args.extend(extra);
    let out = cli(home, "auditor", &args).await;
    assert_success(&out);
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
    // A watcher on host B streams the request as it is queued.
    let mut watch = tokio::process::Command::from(xldb(dir.path()));
    watch
        .args(["approvals", "watch", "--json", "--store", &store])
        .stdout(Stdio::piped())
        .kill_on_drop(true);
    let mut watch = watch.spawn().unwrap();
    let mut watched =
        tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(watch.stdout.take().unwrap()));
    let mut a = host_a(version, &home, &db_url, &store, "120");
    let entry = first_pending(dir.path(), &store, &mut a).await;
    let streamed = tokio::time::timeout(Duration::from_secs(30), watched.next_line())
        .await
        .expect("the watcher printed the request")
        .unwrap()
        .unwrap();
    let streamed: Value = serde_json::from_str(&streamed).unwrap();
    assert_eq!(streamed["id"], entry["id"], "{streamed}");
    watch.start_kill().unwrap();
    assert_eq!(entry["host"], "host-a", "{entry}");
    assert_eq!(entry["state"], "pending", "{entry}");
    assert!(
        entry["subject"].as_str().unwrap().contains("perl"),
        "{entry}"
    );
    assert_eq!(entry["explanation"]["decision"], "ask", "{entry}");
    let id = entry["id"].to_string();
    if approve {
        approve_as_bob(dir.path(), &store, &id).await;
    } else {
        let reason = ["--reason", "not on prod"];
        let deny = ["approvals", "deny", &id, "--as", "bob", "--store", &store];
        decide_as(dir.path(), &[&deny[..], &reason[..]].concat()).await;
    }
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

/// The store unreachable at start: a clear error that does not show the password, and Codex
/// is not even started; with `--store-optional` a warning and the local defaults (no human
/// attached: the `ask` is denied).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_store_fails_clearly_or_falls_back_when_optional() {
    let dir = tempfile::tempdir().unwrap();
    let (_db, db_url) = demo_db(dir.path());
    let (model, home) = start_model(asking_script()).await;
    let port = xldb_testkit::servers::free_port().unwrap();
    let store = format!("postgres://host:fleet-pw-4711@127.0.0.1:{port}/proxy");
    let run = |optional: bool| {
        let mut args = vec![
            "analyze", "schema", "--db", &db_url, "--json", "--store", &store,
        ];
        if optional {
            args.push("--store-optional");
        }
        let mut cmd = codex_command(DEFAULT_CODEX_VERSION, &home, &args);
        cmd.stdin(Stdio::null());
        async move { cmd.output().await.unwrap() }
    };
    let out = run(false).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("unreachable") && stderr.contains("--store-optional"),
        "{stderr}"
    );
    assert!(!stderr.contains("fleet-pw-4711"), "{stderr}");
    assert!(model.requests().is_empty(), "Codex ran without its store");

    let out = run(true).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning") && stderr.contains("local defaults"),
        "{stderr}"
    );
    assert!(!stderr.contains("fleet-pw-4711"), "{stderr}");
    let told = tool_output(&model, "exec_ask").expect("the model heard of the command");
    assert!(told.to_lowercase().contains("reject"), "{told}");
}

/// The store killed (SIGKILL) while host A's request waits: the request is denied at once
/// (nothing is approved without a record), and after the store restarts the same host queues
/// its next `ask` there and an approval reaches the model. The store needs a password, which
/// appears in no log line (`-vv`), error or record.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_lost_mid_session_denies_and_a_restarted_store_is_used_again() {
    const PW: &str = "fleet-secret-0815";
    let dir = tempfile::tempdir().unwrap();
    let (_db, db_url) = demo_db(dir.path());
    let mut pg = Postgres::start_with_password(PW).unwrap_or_else(|e| panic!("{e:#}"));
    let store = format!("postgres://postgres:{PW}@127.0.0.1:{}/postgres", pg.port());
    let init = cli(dir.path(), "admin", &["store", "init", "--store", &store]).await;
    assert_success(&init);
    let script = Script::new([
        Step::new().item(Item::shell(["perl", "-e", "print 6*7"]).call_id("exec_lost")),
        Step::new()
            .hang()
            .item(Item::shell(["perl", "-e", "print 6*7"]).call_id("exec_ask")),
        Step::new().message("Schema review.\nRECOMMENDATION: index orders(customer_id)"),
    ])
    .select_by_tool_outputs();
    let (model, home) = start_model(script).await;
    let mut cmd = codex_command(
        DEFAULT_CODEX_VERSION,
        &home,
        &[
            "-vv",
            "analyze",
            "schema",
            "--db",
            &db_url,
            "--json",
            "--store",
            &store,
            "--approval-wait",
            "120",
        ],
    );
    cmd.env("XLDB_CODEX_HOST_NAME", "host-a")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut a = cmd.spawn().unwrap();
    let lost = first_pending(dir.path(), &store, &mut a).await;
    pg.kill().unwrap();
    let start = Instant::now();
    let told = loop {
        if let Some(told) = tool_output(&model, "exec_lost") {
            break told;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the pending request was not denied"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(told.to_lowercase().contains("reject"), "{told}");
    pg.restart().unwrap();
    model.release_hangs();
    let entry = first_pending(dir.path(), &store, &mut a).await;
    assert_ne!(entry["id"], lost["id"]);
    let id = entry["id"].to_string();
    approve_as_bob(dir.path(), &store, &id).await;
    let (v, stderr) = finish(a).await;
    assert_eq!(v["source"], "codex", "{v}\n{stderr}");
    assert!(tool_output(&model, "exec_ask").unwrap().contains("42"));
    assert!(
        !stderr.contains(PW),
        "the password is in the log:\n{stderr}"
    );
    // The lost request can never be approved: its host's lock went with the store, and the
    // host closed it once it reconnected.
    let show = cli(
        dir.path(),
        "host-b",
        &[
            "approvals",
            "show",
            &lost["id"].to_string(),
            "--json",
            "--store",
            &store,
        ],
    )
    .await;
    let shown: Value = serde_json::from_slice(&show.stdout).unwrap();
    // (abandoned when the store came back, then closed by its host on reconnection)
    assert_eq!(shown["state"], "expired", "{shown}");
    assert_eq!(
        shown["reason"], "the host lost the store while waiting",
        "{shown}"
    );
    let export = cli(
        dir.path(),
        "auditor",
        &["audit", "export", "--store", &store],
    )
    .await;
    let trail = String::from_utf8_lossy(&export.stdout);
    assert!(!trail.contains(PW));
    let approvals: Vec<Value> = trail
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|r| r["event"] == "approval")
        .collect();
    assert!(
        approvals
            .iter()
            .all(|r| r["decision"] != "approved"
                || r["decided_by"].as_str().unwrap().contains("bob")),
        "{approvals:?}"
    );
    assert!(approvals
        .iter()
        .any(|r| r["request"]["call_id"] == "exec_ask" && r["decision"] == "approved"));
}

/// Host A killed with SIGKILL while its request waits: the request is abandoned at once (no
/// approval can reach a dead session: approving it fails and says why), then expires.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_killed_while_waiting_leaves_a_request_nobody_can_decide() {
    let dir = tempfile::tempdir().unwrap();
    let (_db, db_url) = demo_db(dir.path());
    let (_model, home) = start_model(asking_script()).await;
    let store = fresh_store(dir.path());
    let mut a = host_a(DEFAULT_CODEX_VERSION, &home, &db_url, &store, "6");
    let entry = first_pending(dir.path(), &store, &mut a).await;
    let id = entry["id"].to_string();
    a.start_kill().unwrap();
    a.wait().await.unwrap();
    let state = |home: std::path::PathBuf, store: String, id: String| async move {
        let out = cli(
            &home,
            "host-b",
            &["approvals", "show", &id, "--json", "--store", &store],
        )
        .await;
        serde_json::from_slice::<Value>(&out.stdout).unwrap()["state"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let start = Instant::now();
    while state(dir.path().into(), store.clone(), id.clone()).await == "pending" {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the dead host's request stayed pending"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let out = cli(
        dir.path(),
        "host-b",
        &["approvals", "approve", &id, "--store", &store],
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("abandoned"), "{stderr}");
    tokio::time::sleep(Duration::from_millis(
        (entry["expires_ms"].as_i64().unwrap() - entry["created_ms"].as_i64().unwrap()) as u64,
    ))
    .await;
    assert_eq!(
        state(dir.path().into(), store.clone(), id.clone()).await,
        "expired"
    );
}

/// The suggestion cache in the store: host B (another process, another data folder) gets host
/// A's suggestion without asking Codex; `--no-cache` asks again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_suggestion_cache_is_shared_by_two_hosts_and_no_cache_bypasses_it() {
    let dir = tempfile::tempdir().unwrap();
    let script = Script::new([
        Step::new().message("Use an index.\nRECOMMENDATION: index t(id)\n```sql\nSELECT id FROM t WHERE id = 1\n```"),
        Step::new().message("Asked again."),
    ]);
    let (model, home) = start_model(script).await;
    let store = fresh_store(dir.path());
    let run = |host: &'static str,
               data: &'static str,
               sql: &'static str,
               extra: &'static [&'static str]| {
        let mut args = vec![
            "analyze", "query", "--engine", "postgres", "--sql", sql, "--json", "--store", &store,
        ];
        args.extend(extra);
        let mut cmd = codex_command(DEFAULT_CODEX_VERSION, &home, &args);
        cmd.env("XLDB_CODEX_HOST_NAME", host)
            .env("XDG_DATA_HOME", dir.path().join(data))
            .stdin(Stdio::null());
        async move {
            let out = cmd.output().await.unwrap();
            assert_success(&out);
            serde_json::from_slice::<Value>(&out.stdout).unwrap()
        }
    };
    let a = run("host-a", "data-a", "SELECT * FROM t WHERE id = 1", &[]).await;
    assert_eq!(a["cached"], false, "{a}");
    let asked = model.requests().len();
    assert!(asked > 0);
    // Same shape, other literal, other host and data folder: served from the store.
    let b = run("host-b", "data-b", "SELECT * FROM t WHERE id = 42", &[]).await;
    assert_eq!(b["cached"], true, "{b}");
    assert_eq!(model.requests().len(), asked, "host B asked Codex");
    assert_eq!(
        b["codex"]["recommendations"], a["codex"]["recommendations"],
        "{b}"
    );
    let c = run(
        "host-b",
        "data-b",
        "SELECT * FROM t WHERE id = 7",
        &["--no-cache"],
    )
    .await;
    assert_eq!(c["cached"], false, "{c}");
    assert!(
        model.requests().len() > asked,
        "--no-cache did not ask Codex"
    );
}

/// Nobody answers within `--approval-wait`: the request is denied, the model is told, and the
/// expiry is recorded in the queue and the audit trail.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unanswered_request_expires_denied_and_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let (_db, db_url) = demo_db(dir.path());
    let (model, home) = start_model(asking_script()).await;
    let store = fresh_store(dir.path());
    let a = host_a(DEFAULT_CODEX_VERSION, &home, &db_url, &store, "2");
    let (v, stderr) = finish(a).await;
    assert_eq!(v["source"], "codex", "{v}\n{stderr}");
    let told = tool_output(&model, "exec_ask").expect("the model heard of the command");
    assert!(told.to_lowercase().contains("reject"), "{told}");
    let out = cli(
        dir.path(),
        "host-b",
        &["approvals", "list", "--all", "--json", "--store", &store],
    )
    .await;
    let all: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(all[0]["state"], "expired", "{all}");
    let records = approval_records(dir.path(), &store, &["--decision", "denied"]).await;
    assert!(
        records
            .iter()
            .any(|r| r["body"]["explanation"]["human"]["decision"] == "expired"),
        "{records:?}"
    );
}
