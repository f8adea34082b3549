//! The Codex-backed workflows with the real codex 0.39 and the scripted fake model, and the
//! fallback to local analysis when Codex crashes, stalls or is missing.

// Tests and their helpers fail loudly on setup errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::util::{count, demo_db, xldb, xldb_bin};
use serde_json::{json, Value};
use std::path::Path;
use std::time::{Duration, Instant};
use xldb_testkit::codex::{codex_bin, DEFAULT_CODEX_VERSION};
use xldb_testkit::fake_model::{CodexHome, FakeModel, Item, Script, Step};

/// Run the CLI against the real codex with `home`'s CODEX_HOME; returns (status, stdout, stderr).
async fn run_with_codex(
    home: &CodexHome,
    args: &[&str],
) -> (std::process::ExitStatus, String, String) {
    run_with_codex_version(DEFAULT_CODEX_VERSION, home, args).await
}

/// [`run_with_codex`] with the pinned codex `version` (installed by scripts/test.sh).
async fn run_with_codex_version(
    version: &str,
    home: &CodexHome,
    args: &[&str],
) -> (std::process::ExitStatus, String, String) {
    let codex = codex_bin(version).unwrap_or_else(|e| panic!("{e}"));
    let mut cmd = tokio::process::Command::new(xldb_bin());
    cmd.args(args)
        .arg("--codex-bin")
        .arg(&codex)
        .args(["--codex-timeout", "60"])
        .current_dir(home.work_dir())
        .env("HOME", home.root())
        .env("XDG_CONFIG_HOME", home.root().join("config"))
        .env("XDG_DATA_HOME", home.root().join("data"))
        .env_remove("OPENAI_API_KEY")
        .env_remove("CODEX_BIN")
        .kill_on_drop(true);
    for (k, v) in home.envs() {
        cmd.env(k, v);
    }
    let out = tokio::time::timeout(Duration::from_secs(180), cmd.output())
        .await
        .expect("xldb-codex finished in time")
        .expect("run xldb-codex");
    (
        out.status,
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn sqlite_shell(db: &Path, sql: &str, call_id: &str) -> Step {
    Step::new().item(
        Item::shell([
            "sqlite3".to_string(),
            db.display().to_string(),
            sql.to_string(),
        ])
        .call_id(call_id),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn analyze_schema_denies_a_destructive_command_allows_a_read_and_answers() {
    let dir = tempfile::tempdir().unwrap();
    let (db, url) = demo_db(dir.path());
    let answer = "Schema review.\nRECOMMENDATION: index orders(customer_id)\n```sql\nCREATE INDEX orders_customer_id_idx ON orders (customer_id);\n```";
    let script = Script::new([
        sqlite_shell(&db, "DELETE FROM orders", "exec_delete"),
        sqlite_shell(&db, "SELECT count(*) FROM orders", "exec_count"),
        Step::new().item(
            Item::function_call(
                "xldb__execute_query",
                json!({"sql": "SELECT count(*) AS n FROM customers"}),
            )
            .call_id("mcp_query"),
        ),
        Step::new().message(answer),
    ])
    .select_by_tool_outputs();
    let model = FakeModel::start(script).await.unwrap();
    let home = CodexHome::new(&model).unwrap();
    let audit = dir.path().join("audit.jsonl");
    let (status, stdout, stderr) = run_with_codex(
        &home,
        &[
            "analyze",
            "schema",
            "--db",
            &url,
            "--json",
            "--audit-log",
            audit.to_str().unwrap(),
        ],
    )
    .await;
    assert!(status.success(), "stdout: {stdout}\nstderr: {stderr}");
    let v: Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    assert_eq!(v["source"], "codex", "{v}\n{stderr}");
    assert!(v["codex"]["final_message"]
        .as_str()
        .unwrap()
        .contains("RECOMMENDATION"));
    assert_eq!(
        v["codex"]["recommendations"][0],
        "index orders(customer_id)"
    );

    // denied: the data survives, the model was told, the audit log says why
    assert_eq!(count(&db, "orders"), 4);
    let requests = model.requests();
    let output = |id: &str| {
        requests
            .iter()
            .find_map(|r| r.tool_output(id).map(str::to_string))
    };
    let denied = output("exec_delete").expect("the model heard about the denied command");
    assert!(denied.contains("rejected"), "{denied}");
    let audit_text = std::fs::read_to_string(&audit).unwrap();
    let delete_line = audit_text
        .lines()
        .find(|l| l.contains("DELETE FROM orders"))
        .unwrap_or_else(|| panic!("{audit_text}"));
    assert!(
        delete_line.contains("denied") && delete_line.contains("deletes rows"),
        "{delete_line}"
    );

    // allowed: the read ran and its output reached the model
    let counted = output("exec_count").expect("the count command's output reached the model");
    assert!(counted.contains('4'), "{counted}");

    // the MCP tool: Codex called our execute_query and the rows reached the model
    let tools: Vec<String> = requests
        .iter()
        .flat_map(|r| r.tool_names().into_iter().map(str::to_string))
        .collect();
    assert!(
        tools.iter().any(|t| t == "xldb__execute_query"),
        "tools offered to the model: {tools:?}\n{stderr}"
    );
    let mcp = output("mcp_query").expect("the MCP tool output reached the model");
    assert!(mcp.contains("\"n\": 3") || mcp.contains("\"n\":3"), "{mcp}");
}

/// Issue 7: the same `analyze schema` run on each Codex generation the CLI speaks (the
/// version is detected, `codex mcp` or `codex app-server` is chosen): the destructive command
/// is denied by the policy and never runs, the read is allowed and its output reaches the
/// model, the audit log says why, and the answer is printed.
async fn analyze_schema_on_codex_version(version: &str) {
    let dir = tempfile::tempdir().unwrap();
    let (db, url) = demo_db(dir.path());
    let answer = "Schema review.\nRECOMMENDATION: index orders(customer_id)";
    let script = Script::new([
        sqlite_shell(&db, "DELETE FROM orders", "exec_delete"),
        sqlite_shell(&db, "SELECT count(*) FROM orders", "exec_count"),
        Step::new().message(answer),
    ])
    .select_by_tool_outputs();
    let model = FakeModel::start(script).await.unwrap();
    let home = CodexHome::new(&model).unwrap();
    let audit = dir.path().join("audit.jsonl");
    let (status, stdout, stderr) = run_with_codex_version(
        version,
        &home,
        &[
            "analyze",
            "schema",
            "--db",
            &url,
            "--json",
            "--audit-log",
            audit.to_str().unwrap(),
        ],
    )
    .await;
    assert!(status.success(), "{version}: {stdout}\n{stderr}");
    let v: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{version}: {e}: {stdout}\n{stderr}"));
    assert_eq!(v["source"], "codex", "{version}: {v}\n{stderr}");
    assert_eq!(
        v["codex"]["recommendations"][0], "index orders(customer_id)",
        "{version}: {v}"
    );
    assert_eq!(count(&db, "orders"), 4, "{version}: the DELETE ran");
    let requests = model.requests();
    let output = |id: &str| {
        requests
            .iter()
            .find_map(|r| r.tool_output(id).map(str::to_string))
    };
    let denied = output("exec_delete").expect("the model heard about the denied command");
    assert!(
        denied.to_lowercase().contains("reject"),
        "{version}: {denied}"
    );
    let counted = output("exec_count").expect("the count's output reached the model");
    assert!(counted.contains('4'), "{version}: {counted}");
    let audit_text = std::fs::read_to_string(&audit).unwrap();
    let delete_line = audit_text
        .lines()
        .find(|l| l.contains("DELETE FROM orders") && l.contains("\"approval\""))
        .unwrap_or_else(|| panic!("{version}: {audit_text}"));
    assert!(
        delete_line.contains("denied") && delete_line.contains("deletes rows"),
        "{version}: {delete_line}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn analyze_schema_on_codex_0_80_app_server() {
    analyze_schema_on_codex_version("0.80.0").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn analyze_schema_on_codex_0_169_app_server() {
    analyze_schema_on_codex_version("0.169.0").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn analyze_query_extracts_and_validates_the_proposed_query() {
    let dir = tempfile::tempdir().unwrap();
    let (_, url) = demo_db(dir.path());
    let answer = "Use the bare column.\nRECOMMENDATION: compare status directly\n```sql\nSELECT id, status FROM orders WHERE status = 'paid'\n```\nor, to clean up:\n```sql\nDELETE FROM orders WHERE status = 'cancelled'\n```\n```sql\nSELEC broken\n```";
    let model = FakeModel::start(Script::new([Step::new().message(answer)]))
        .await
        .unwrap();
    let home = CodexHome::new(&model).unwrap();
    let (status, stdout, stderr) = run_with_codex(
        &home,
        &[
            "analyze",
            "query",
            "--db",
            &url,
            "--json",
            "--no-cache",
            "--verify",
            "--sql",
            "SELECT * FROM orders WHERE lower(status) = 'paid'",
        ],
    )
    .await;
    assert!(status.success(), "{stdout}\n{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["source"], "codex", "{stderr}");
    let p = v["proposals"].as_array().unwrap();
    assert_eq!(p.len(), 3);
    assert_eq!(
        (p[0]["parses"].as_bool(), p[0]["read_only"].as_bool()),
        (Some(true), Some(true))
    );
    assert_eq!(
        p[1]["read_only"], false,
        "a DELETE is never offered as the optimized query"
    );
    assert_eq!(p[2]["parses"], false);
    assert_eq!(v["verification"]["proposed"]["rows"], 2);
    assert!(v["verification"]["original"]["plan"]
        .as_str()
        .unwrap()
        .contains("orders"));
    // the model got the plan and the local findings in its prompt
    assert!(model.received_text("function-on-column"));
    assert!(
        model.received_text("Tables involved"),
        "the schema of `orders` went with the query"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_reaches_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("proxy.toml");
    std::fs::write(
        &cfg,
        "[connections.main]\nengine = \"postgres\"\nurl = \"postgres://app:UrlPassw0rd@10.0.0.9/db?sslmode=require\"\napi_key = \"sk-abcdefghijklmnopqrstuvwx\"\n[connections.ch]\nengine = \"clickhouse\"\nhost = \"ch.internal\"\npassword = \"TomlPassw0rd\"\ntoken = \"Tok3nValue\"\n",
    )
    .unwrap();
    let model = FakeModel::start(Script::new([
        Step::new().message("RECOMMENDATION: move secrets to the environment")
    ]))
    .await
    .unwrap();
    let home = CodexHome::new(&model).unwrap();
    let (status, stdout, stderr) = run_with_codex(
        &home,
        &["analyze", "config", "--json", cfg.to_str().unwrap()],
    )
    .await;
    assert!(status.success(), "{stdout}\n{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["source"], "codex", "{stderr}");
    assert!(
        model.received_text("plaintext-secret"),
        "the prompt reached the model"
    );
    for secret in [
        "UrlPassw0rd",
        "sk-abcdefghijklmnopqrstuvwx",
        "TomlPassw0rd",
        "Tok3nValue",
    ] {
        assert!(!model.received_text(secret), "`{secret}` reached the model");
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "`{secret}` was printed"
        );
    }
}

fn fake_codex(dir: &Path, body: &str) -> std::path::PathBuf {
    let p = dir.join("codex");
    std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    p
}

fn analyze_with(dir: &Path, codex: &Path, extra: &[&str]) -> (std::process::Output, Duration) {
    let started = Instant::now();
    let out = xldb(dir)
        .args([
            "analyze",
            "query",
            "--engine",
            "postgres",
            "--no-cache",
            "--codex-timeout",
            "3",
            "--sql",
            "SELECT * FROM t WHERE x LIKE '%a'",
            "--codex-bin",
        ])
        .arg(codex)
        .args(extra)
        .output()
        .unwrap();
    (out, started.elapsed())
}

#[test]
fn missing_crashing_or_stalling_codex_falls_back_to_local_analysis() {
    let dir = tempfile::tempdir().unwrap();
    let crash = fake_codex(dir.path(), "echo 'boom' >&2; exit 3");
    let stall = dir.path().join("stall");
    std::fs::create_dir(&stall).unwrap();
    let stall = fake_codex(&stall, "sleep 60");
    for codex in [dir.path().join("no-such-codex"), crash, stall] {
        let (out, took) = analyze_with(dir.path(), &codex, &[]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{}: {stderr}", codex.display());
        assert!(
            stderr.contains("Codex unavailable:") && stderr.contains("showing local analysis"),
            "{stderr}"
        );
        assert!(
            stdout.contains("select-star") && stdout.contains("leading-wildcard-like"),
            "{stdout}"
        );
        assert!(
            !stdout.contains("== Codex =="),
            "no partial answer is shown"
        );
        assert!(
            took < Duration::from_secs(30),
            "{} took {took:?}",
            codex.display()
        );

        let (out, _) = analyze_with(dir.path(), &codex, &["--no-fallback"]);
        assert_eq!(out.status.code(), Some(1), "{}", codex.display());
        assert!(String::from_utf8_lossy(&out.stderr).contains("Codex unavailable"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_model_error_falls_back_and_is_never_shown_as_an_answer() {
    let dir = tempfile::tempdir().unwrap();
    let model = FakeModel::start(
        Script::new([Step::http_error(500, "the model is on fire")])
            .when_exhausted(Step::http_error(500, "the model is still on fire")),
    )
    .await
    .unwrap();
    let home = CodexHome::new(&model).unwrap();
    let args = [
        "analyze",
        "query",
        "--engine",
        "postgres",
        "--no-cache",
        "--sql",
        "SELECT * FROM t",
    ];
    let (status, stdout, stderr) = run_with_codex(&home, &args).await;
    assert!(status.success(), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("Codex unavailable:") && stderr.contains("showing local analysis"),
        "{stderr}"
    );
    assert!(
        stdout.contains("select-star") && !stdout.contains("== Codex =="),
        "{stdout}"
    );

    let mut no_fallback: Vec<&str> = args.to_vec();
    no_fallback.push("--no-fallback");
    let (status, _, stderr) = run_with_codex(&home, &no_fallback).await;
    assert_eq!(status.code(), Some(1), "{stderr}");
    let _ = dir;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_query_shape_is_answered_from_the_cache() {
    let answer = "RECOMMENDATION: list the columns\n```sql\nSELECT id FROM t WHERE a = 1\n```";
    let model = FakeModel::start(
        Script::new([Step::new().message(answer)]).when_exhausted(Step::new().message(answer)),
    )
    .await
    .unwrap();
    let home = CodexHome::new(&model).unwrap();
    let first = [
        "analyze",
        "query",
        "--engine",
        "postgres",
        "--json",
        "--sql",
        "SELECT * FROM t WHERE a = 1",
    ];
    let (status, stdout, stderr) = run_with_codex(&home, &first).await;
    assert!(status.success(), "{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        (v["source"].as_str(), v["cached"].as_bool()),
        (Some("codex"), Some(false)),
        "{stderr}"
    );
    let asked = model.requests().len();

    // other literals, same shape: no new model request
    let second = [
        "analyze",
        "query",
        "--engine",
        "postgres",
        "--json",
        "--sql",
        "select * from t where a = 42",
    ];
    let (status, stdout, _) = run_with_codex(&home, &second).await;
    assert!(status.success());
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["cached"], true, "{v}");
    assert_eq!(v["proposals"][0]["sql"], "SELECT id FROM t WHERE a = 1");
    assert_eq!(model.requests().len(), asked);

    // --no-cache asks again
    let mut fresh = second.to_vec();
    fresh.push("--no-cache");
    let (_, stdout, _) = run_with_codex(&home, &fresh).await;
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["cached"], false);
    assert!(model.requests().len() > asked);
}
