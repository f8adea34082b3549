//! The Codex-backed workflows with the real `codex` and the scripted fake model, and the
//! fallback to local analysis when Codex crashes, stalls, is missing or is forced to a protocol
//! it does not speak.
//!
//! Issue 7's version matrix: `analyze schema`, `analyze query` and `analyze caching` run end to
//! end on 0.39.0 (`codex mcp`), 0.80.0, 0.169.0 and 0.171.0 (`codex app-server` v2, detected), through
//! [`on_codex_versions!`]; `analyze config` on 0.39.0 and 0.169.0; `--protocol` forcing v1 on
//! 0.80.0, and forcing a generation 0.169.0 lacks. The other tests run the default 0.39.0.

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

/// [`run_with_codex`] with the pinned codex `version` (installed by scripts/test.sh). The
/// guard against a hang is generous: a 5,000-table analysis (`scale`) runs a minute on 2 cores.
pub(crate) async fn run_with_codex_version(
    version: &str,
    home: &CodexHome,
    args: &[&str],
) -> (std::process::ExitStatus, String, String) {
    let mut cmd = codex_command(version, home, args);
    let out = tokio::time::timeout(Duration::from_secs(400), cmd.output())
        .await
        .expect("xldb-codex finished in time")
        .expect("run xldb-codex");
    (
        out.status,
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The CLI with `args` against the real codex `version` with `home`'s CODEX_HOME (killed when
/// dropped).
pub(crate) fn codex_command(
    version: &str,
    home: &CodexHome,
    args: &[&str],
) -> tokio::process::Command {
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
        .env_remove("XLDB_CODEX_STORE")
        .kill_on_drop(true);
    for (k, v) in home.envs() {
        cmd.env(k, v);
    }
    cmd
}

/// The fake model playing `script`, and a `CODEX_HOME` that points codex at it.
pub(crate) async fn start_model(script: Script) -> (FakeModel, CodexHome) {
    let model = FakeModel::start(script).await.unwrap();
    let home = CodexHome::new(&model).unwrap();
    (model, home)
}

/// [`run_with_codex_version`], which must succeed (else the version, stdout and stderr are
/// shown); (stdout, stderr).
async fn run_ok(version: &str, home: &CodexHome, args: &[&str]) -> (String, String) {
    let (status, stdout, stderr) = run_with_codex_version(version, home, args).await;
    assert!(status.success(), "{version}: {stdout}\n{stderr}");
    (stdout, stderr)
}

pub(crate) fn sqlite_shell(db: &Path, sql: &str, call_id: &str) -> Step {
    Step::new().item(
        Item::shell([
            "sqlite3".to_string(),
            db.display().to_string(),
            sql.to_string(),
        ])
        .call_id(call_id),
    )
}

/// Generates one test per Codex version for each scenario `async fn scenario(version: &str)`:
/// `codex_workflows::<scenario>::v0_39_0` and so on. The versions are one per protocol
/// generation (`codex mcp`, app-server v1+v2, app-server v2 only) plus the newest tested, as
/// installed by scripts/test.sh; `[…]` limits a scenario to some of them.
macro_rules! on_codex_versions {
    ($($scenario:ident),+ $(,)?) => {$(
        on_codex_versions!($scenario: v0_39_0 => "0.39.0", v0_80_0 => "0.80.0", v0_169_0 => "0.169.0", v0_171_0 => "0.171.0");
    )+};
    ($scenario:ident: $($test:ident => $version:literal),+ $(,)?) => {
        mod $scenario {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    super::$scenario($version).await;
                }
            )+
        }
    };
}

on_codex_versions!(analyze_schema, analyze_query, analyze_caching);
on_codex_versions!(analyze_config_sends_no_secret: v0_39_0 => "0.39.0", v0_169_0 => "0.169.0");

/// The protocol `--protocol auto` must pick for each tested version (the README's table).
fn detected_protocol(version: &str) -> &'static str {
    match version {
        "0.39.0" => "mcp-conversation",
        "0.80.0" | "0.169.0" | "0.171.0" => "app-server-v2",
        other => panic!("no expected protocol for codex {other}"),
    }
}

/// The model's call of our `xldb` server's `execute_query` MCP tool as each version offers it:
/// `xldb__execute_query` on 0.39, `mcp__xldb__execute_query` on 0.80, and on 0.169 the tool
/// `execute_query` in the namespace `mcp__xldb` (0.169 then asks approval for the call with
/// `mcpServer/elicitation/request`; the assistant trusts our server's read-only tools).
fn execute_query_call(version: &str, sql: &str, call_id: &str) -> Step {
    let arguments = json!({ "sql": sql });
    let item = match version {
        "0.39.0" => Item::function_call("xldb__execute_query", arguments).call_id(call_id),
        "0.80.0" => Item::function_call("mcp__xldb__execute_query", arguments).call_id(call_id),
        _ => Item::Raw(json!({
            "type": "function_call",
            "namespace": "mcp__xldb",
            "name": "execute_query",
            "arguments": arguments.to_string(),
            "call_id": call_id,
        })),
    };
    Step::new().item(item)
}

/// The `--json` result says which server answered and in which protocol.
fn assert_server(v: &Value, version: &str, protocol: &str, detected: bool) {
    assert_eq!(
        v["codex"]["server"],
        json!({"version": version, "protocol": protocol, "detected": detected}),
        "{version}: {v}"
    );
}

/// The tool output the model received for `call_id`, if it did (a text, or 0.169's list of
/// `input_text` parts for an MCP tool, joined by newlines).
pub(crate) fn tool_output(model: &FakeModel, call_id: &str) -> Option<String> {
    model.requests().iter().find_map(|r| {
        r.tool_output(call_id).map(str::to_string).or_else(|| {
            r.input().iter().find_map(|item| {
                let parts = (item["type"] == "function_call_output"
                    && item["call_id"].as_str() == Some(call_id))
                .then(|| item["output"].as_array())??;
                Some(
                    parts
                        .iter()
                        .filter_map(|p| p["text"].as_str())
                        .collect::<Vec<_>>()
                        .join("\n"),
                )
            })
        })
    })
}

/// The audit record of the approval of the command containing `needle`.
fn approval_record(audit: &Path, needle: &str) -> String {
    let text = std::fs::read_to_string(audit).unwrap();
    text.lines()
        .find(|l| l.contains(needle) && l.contains("\"approval\""))
        .unwrap_or_else(|| panic!("no approval of `{needle}` in the audit log:\n{text}"))
        .to_string()
}

/// `analyze schema` on a SQLite database (issue 7: the same on every generation): the model
/// first asks to run a destructive command (denied by the policy: it never runs, the model is
/// told, the audit log says why), then a read (allowed: its output reaches the model), then
/// calls our `execute_query` MCP tool, then answers; the answer and its recommendation are in
/// the result.
async fn analyze_schema(version: &str) {
    analyze_schema_speaking(version, None).await;
}

async fn analyze_schema_speaking(version: &str, forced: Option<&str>) {
    let dir = tempfile::tempdir().unwrap();
    let (db, url) = demo_db(dir.path());
    let answer = "Schema review.\nRECOMMENDATION: index orders(customer_id)\n```sql\nCREATE INDEX orders_customer_id_idx ON orders (customer_id);\n```";
    let mcp_call = execute_query_call(version, "SELECT count(*) AS n FROM customers", "mcp_query");
    let script = Script::new(
        [
            sqlite_shell(&db, "DELETE FROM orders", "exec_delete"),
            sqlite_shell(&db, "SELECT count(*) FROM orders", "exec_count"),
        ]
        .into_iter()
        .chain([mcp_call, Step::new().message(answer)]),
    )
    .select_by_tool_outputs();
    let (model, home) = start_model(script).await;
    let audit = dir.path().join("audit.jsonl");
    let mut args = vec![
        "analyze",
        "schema",
        "--db",
        &url,
        "--json",
        "--audit-log",
        audit.to_str().unwrap(),
    ];
    if let Some(protocol) = forced {
        args.extend(["--protocol", protocol]);
    }
    let (stdout, stderr) = run_ok(version, &home, &args).await;
    let v: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{version}: {e}: {stdout}\n{stderr}"));
    assert_eq!(v["source"], "codex", "{version}: {v}\n{stderr}");
    match forced {
        Some(protocol) => assert_server(&v, version, protocol, false),
        None => assert_server(&v, version, detected_protocol(version), true),
    }
    assert_eq!(
        v["codex"]["recommendations"][0], "index orders(customer_id)",
        "{version}: {v}"
    );

    // denied: the data survives, the model was told, the audit log says why
    assert_eq!(count(&db, "orders"), 4, "{version}: the DELETE ran");
    let denied = tool_output(&model, "exec_delete").expect("the model heard of the denial");
    assert!(
        denied.to_lowercase().contains("reject"),
        "{version}: {denied}"
    );
    let delete_line = approval_record(&audit, "DELETE FROM orders");
    assert!(
        delete_line.contains("denied") && delete_line.contains("deletes rows"),
        "{version}: {delete_line}"
    );

    // allowed: the read ran and its output reached the model
    let counted = tool_output(&model, "exec_count").expect("the count's output reached the model");
    assert!(counted.contains('4'), "{version}: {counted}");

    // the MCP tool: Codex called our execute_query and the rows reached the model
    let mcp = tool_output(&model, "mcp_query").expect("the MCP tool output reached the model");
    assert!(
        mcp.contains("\"n\": 3") || mcp.contains("\"n\":3"),
        "{version}: {mcp}"
    );
    assert_eq!(
        v["codex"]["tool_calls"],
        json!(["xldb.execute_query"]),
        "{version}: {v}"
    );
    // 0.169 asks first unless the tool says it only reads: ours carry `readOnlyHint: true`
    // (issue 11), which 0.169 honours without asking; if it does ask, the policy approves the
    // trusted read-only tool, and audits it
    let asked = std::fs::read_to_string(&audit)
        .unwrap()
        .lines()
        .any(|l| l.contains("execute_query") && l.contains("\"approval\""));
    if matches!(version, "0.169.0" | "0.171.0") && asked {
        let record = approval_record(&audit, "execute_query");
        let record: Value = serde_json::from_str(&record).unwrap();
        assert_eq!(record["request"]["kind"], "mcp_tool_call", "{record}");
        assert_eq!(record["request"]["server"], "xldb", "{record}");
        assert_eq!(record["decision"], "approved", "{record}");
        assert_eq!(record["decided_by"], "policy", "{record}");
    }
}

/// `analyze query` with a database: the plan and the local findings go to the model, a
/// destructive command it asks for is denied (and audited), and of the SQL it proposes only
/// the read-only statement that parses is offered and verified.
async fn analyze_query(version: &str) {
    let dir = tempfile::tempdir().unwrap();
    let (db, url) = demo_db(dir.path());
    let answer = "Use the bare column.\nRECOMMENDATION: compare status directly\n```sql\nSELECT id, status FROM orders WHERE status = 'paid'\n```\nor, to clean up:\n```sql\nDELETE FROM orders WHERE status = 'cancelled'\n```\n```sql\nSELEC broken\n```";
    let script = Script::new([
        sqlite_shell(&db, "DROP TABLE orders", "exec_drop"),
        Step::new().message(answer),
    ])
    .select_by_tool_outputs();
    let (model, home) = start_model(script).await;
    let audit = dir.path().join("audit.jsonl");
    let (stdout, stderr) = run_ok(
        version,
        &home,
        &[
            "analyze",
            "query",
            "--db",
            &url,
            "--json",
            "--no-cache",
            "--verify",
            "--audit-log",
            audit.to_str().unwrap(),
            "--sql",
            "SELECT * FROM orders WHERE lower(status) = 'paid'",
        ],
    )
    .await;
    let v: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{version}: {e}: {stdout}\n{stderr}"));
    assert_eq!(v["source"], "codex", "{version}: {v}\n{stderr}");
    assert_server(&v, version, detected_protocol(version), true);
    let p = v["proposals"].as_array().unwrap();
    assert_eq!(p.len(), 3, "{version}: {v}");
    assert_eq!(
        (p[0]["parses"].as_bool(), p[0]["read_only"].as_bool()),
        (Some(true), Some(true)),
        "{version}: {v}"
    );
    assert_eq!(
        p[1]["read_only"], false,
        "a DELETE is never offered as the optimized query"
    );
    assert_eq!(p[2]["parses"], false);
    assert_eq!(v["verification"]["proposed"]["rows"], 2, "{version}: {v}");
    assert!(v["verification"]["original"]["plan"]
        .as_str()
        .unwrap()
        .contains("orders"));
    // the model got the plan, the local findings and the table in its prompt
    assert!(model.received_text("function-on-column"), "{version}");
    assert!(model.received_text("Tables involved"), "{version}");

    // the DROP was denied by the policy: the table is there, the model and the audit know
    assert_eq!(count(&db, "orders"), 4, "{version}: the DROP ran");
    let denied = tool_output(&model, "exec_drop").expect("the model heard of the denial");
    assert!(
        denied.to_lowercase().contains("reject"),
        "{version}: {denied}"
    );
    let line = approval_record(&audit, "DROP TABLE orders");
    assert!(
        line.contains("denied") && line.contains("drops an object"),
        "{version}: {line}"
    );
}

/// `analyze caching --queries FILE` in the terminal format: the progress says which Codex and
/// protocol answered, a read the model asks for is allowed by the policy (audited, its output
/// reaches the model), and Codex's answer follows the local ranking on stdout.
async fn analyze_caching(version: &str) {
    let dir = tempfile::tempdir().unwrap();
    let (db, url) = demo_db(dir.path());
    let queries = dir.path().join("queries.log");
    std::fs::write(
        &queries,
        "120\tSELECT id, name FROM products WHERE id = 7\n40\tSELECT * FROM orders WHERE customer_id = 2\n3\tUPDATE products SET price = 10 WHERE id = 3\n",
    )
    .unwrap();
    let answer =
        "RECOMMENDATION: cache product lookups for 300 s, invalidate on writes to products";
    let script = Script::new([
        sqlite_shell(&db, "SELECT count(*) FROM products", "exec_products"),
        Step::new().message(answer),
    ])
    .select_by_tool_outputs();
    let (model, home) = start_model(script).await;
    let audit = dir.path().join("audit.jsonl");
    let (stdout, stderr) = run_ok(
        version,
        &home,
        &[
            "analyze",
            "caching",
            "--queries",
            queries.to_str().unwrap(),
            "--db",
            &url,
            "--audit-log",
            audit.to_str().unwrap(),
        ],
    )
    .await;
    let connected = format!(
        "· Codex {version} speaking {} (detected from its version)",
        detected_protocol(version)
    );
    assert!(stderr.contains(&connected), "{version}: {stderr}");
    assert!(!stderr.contains("Codex unavailable"), "{version}: {stderr}");
    // the local ranking, then Codex's answer
    let ranking = stdout.find("SELECT id, name FROM products WHERE id = ?");
    let codex = stdout.find("== Codex ==");
    assert!(
        matches!((ranking, codex), (Some(r), Some(c)) if r < c),
        "{version}: {stdout}"
    );
    assert!(stdout.contains(answer), "{version}: {stdout}");
    assert!(
        model.received_text("SELECT id, name FROM products WHERE id = ?"),
        "{version}: the ranked workload reached the model"
    );

    // allowed by the policy: audited, run, its output reached the model
    let line = approval_record(&audit, "SELECT count(*) FROM products");
    assert!(line.contains("approved"), "{version}: {line}");
    let counted =
        tool_output(&model, "exec_products").expect("the count's output reached the model");
    assert!(counted.contains('3'), "{version}: {counted}");
}

/// `analyze config FILE.toml`: every secret in the file is redacted before the prompt leaves;
/// nothing the fake model received (nor anything printed) contains one.
async fn analyze_config_sends_no_secret(version: &str) {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("proxy.toml");
    std::fs::write(
        &cfg,
        "[connections.main]\nengine = \"postgres\"\nurl = \"postgres://app:UrlPassw0rd@10.0.0.9/db?sslmode=require\"\napi_key = \"sk-abcdefghijklmnopqrstuvwx\"\n[connections.ch]\nengine = \"clickhouse\"\nhost = \"ch.internal\"\npassword = \"TomlPassw0rd\"\ntoken = \"Tok3nValue\"\n",
    )
    .unwrap();
    let (model, home) = start_model(Script::new([
        Step::new().message("RECOMMENDATION: move secrets to the environment")
    ]))
    .await;
    let (stdout, stderr) = run_ok(
        version,
        &home,
        &["analyze", "config", "--json", cfg.to_str().unwrap()],
    )
    .await;
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["source"], "codex", "{version}: {stderr}");
    assert_server(&v, version, detected_protocol(version), true);
    assert_eq!(
        v["codex"]["recommendations"][0], "move secrets to the environment",
        "{version}: {v}"
    );
    assert!(
        model.received_text("plaintext-secret"),
        "{version}: the prompt reached the model"
    );
    for secret in [
        "UrlPassw0rd",
        "sk-abcdefghijklmnopqrstuvwx",
        "TomlPassw0rd",
        "Tok3nValue",
    ] {
        assert!(
            !model.received_text(secret),
            "{version}: `{secret}` reached the model"
        );
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "{version}: `{secret}` was printed"
        );
    }
}

/// `--protocol` forces a generation the binary also speaks: 0.80.0 detects app-server v2, but
/// still serves the v1 conversation API, and `analyze schema` works the same over it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn analyze_schema_on_codex_0_80_forced_to_app_server_v1() {
    analyze_schema_speaking("0.80.0", Some("app-server-v1")).await;
}

/// MCP tool mode (`codex mcp-server`: `tools/call codex` with elicitation approvals) is never
/// detected (0.80.0 prefers app-server v2) but can be forced, and `analyze schema` works the
/// same over it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn analyze_schema_on_codex_0_80_forced_to_mcp_tool() {
    analyze_schema_speaking("0.80.0", Some("mcp-tool")).await;
}

/// Forcing a generation the binary does not speak (0.169.0 has no `codex mcp` server) fails
/// at once, never hangs: the analysis falls back to local with the reason, or fails with it
/// under `--no-fallback`; the model is never asked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_protocol_the_binary_does_not_speak_fails_fast() {
    let (model, home) = start_model(Script::new([Step::new().message("unused")])).await;
    let args = [
        "analyze",
        "query",
        "--engine",
        "sqlite",
        "--no-cache",
        "--protocol",
        "mcp-conversation",
        "--sql",
        "SELECT * FROM t",
    ];
    // what went wrong, and what to do instead
    let explained = "codex 0.169.0 does not speak mcp-conversation (it speaks: app-server-v2), \
                     but protocol `mcp-conversation` was forced (`auto` detects the right one)";
    let started = Instant::now();
    let (stdout, stderr) = run_ok("0.169.0", &home, &args).await;
    assert!(
        stderr.contains("Codex unavailable:") && stderr.contains("showing local analysis"),
        "{stderr}"
    );
    assert!(stderr.contains(explained), "{stderr}");
    assert!(
        stdout.contains("select-star") && !stdout.contains("== Codex =="),
        "{stdout}"
    );

    let mut no_fallback = args.to_vec();
    no_fallback.push("--no-fallback");
    let (status, stdout, stderr) = run_with_codex_version("0.169.0", &home, &no_fallback).await;
    assert_eq!(status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("Codex unavailable") && stderr.contains(explained),
        "{stderr}"
    );
    assert!(!stdout.contains("== Codex =="), "{stdout}");
    assert!(model.requests().is_empty(), "the model was asked");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
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
    let (_model, home) = start_model(
        Script::new([Step::http_error(500, "the model is on fire")])
            .when_exhausted(Step::http_error(500, "the model is still on fire")),
    )
    .await;
    let args = [
        "analyze",
        "query",
        "--engine",
        "postgres",
        "--no-cache",
        "--sql",
        "SELECT * FROM t",
    ];
    let (stdout, stderr) = run_ok(DEFAULT_CODEX_VERSION, &home, &args).await;
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
    let (model, home) = start_model(
        Script::new([Step::new().message(answer)]).when_exhausted(Step::new().message(answer)),
    )
    .await;
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
