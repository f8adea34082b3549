//! The assistant at real scale (issue 16): generated SQLite databases of 1,000 and 5,000
//! tables with planted findings, the real `codex` (0.39.0 and 0.169.0) and the fake model.
//!
//! What is proven: the prompt the model receives stays within the budget (counted with the
//! same tokenizer, `o200k_base`) and names every table with a finding; the model's
//! `describe_table` call is answered; `--thorough` asks one turn per part, each within the
//! budget, and the merge turn gets every part's answer; a prompt over codex's input limit is
//! reported as such (not "Codex unavailable"); `analyze query` sends only the tables the
//! query names; a 100,000-line workload is ranked locally and sent within the budget.

// Tests and their helpers fail loudly on setup errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::codex_workflows::run_with_codex_version;
use crate::util::{run, run_json};
use serde_json::{json, Value};
use std::path::Path;
use xldb_testkit::fake_model::{CodexHome, FakeModel, Item, Script, Step};
use xldb_workflows::count_tokens;

/// Tables per foreign-key cluster: every table of a cluster references the cluster's first.
const CLUSTER: usize = 25;

/// A SQLite database of `n` tables `t0000…` in clusters of [`CLUSTER`]: ten columns, a primary
/// key, a foreign key to the cluster's head with an index on it. The planted findings: the
/// returned tables have no primary key (`missing-primary-key`), and the last of them also has
/// an unindexed foreign key (`unindexed-foreign-key`).
fn generated_db(dir: &Path, n: usize) -> (String, Vec<String>) {
    let planted: Vec<usize> = vec![7, n / 3, n / 2 + 12, n * 7 / 8, n - 2];
    let path = dir.join(format!("t{n}.db"));
    let mut conn = rusqlite::Connection::open(&path).unwrap();
    let tx = conn.transaction().unwrap();
    for i in 0..n {
        let head = i / CLUSTER * CLUSTER;
        let key = if planted.contains(&i) {
            ""
        } else {
            " PRIMARY KEY"
        };
        let fk = if i == head {
            String::new()
        } else {
            format!(" REFERENCES t{head:04}(id)")
        };
        let fields: Vec<String> = (0..8)
            .map(|k| format!("field_{k} TEXT NOT NULL DEFAULT ''"))
            .collect();
        tx.execute_batch(&format!(
            "CREATE TABLE t{i:04} (id INTEGER{key}, parent_id INTEGER NOT NULL{fk}, {});",
            fields.join(", ")
        ))
        .unwrap();
        if i != *planted.last().unwrap() {
            tx.execute_batch(&format!(
                "CREATE INDEX t{i:04}_parent_idx ON t{i:04}(parent_id);"
            ))
            .unwrap();
        }
    }
    tx.commit().unwrap();
    let names = planted.iter().map(|i| format!("t{i:04}")).collect();
    (format!("sqlite://{}", path.display()), names)
}

/// The model's call of our `xldb` server's MCP tool `tool`, as each version offers it
/// (`xldb__tool` on 0.39, the namespace `mcp__xldb` on 0.169).
fn xldb_tool_call(version: &str, tool: &str, arguments: Value, call_id: &str) -> Step {
    let item = match version {
        "0.39.0" => Item::function_call(format!("xldb__{tool}"), arguments).call_id(call_id),
        _ => Item::Raw(json!({
            "type": "function_call",
            "namespace": "mcp__xldb",
            "name": tool,
            "arguments": arguments.to_string(),
            "call_id": call_id,
        })),
    };
    Step::new().item(item)
}

/// Our prompt in a request: the user text that starts with `starts`.
fn our_prompt(model: &FakeModel, index: usize, starts: &str) -> String {
    let requests = model.requests();
    let request = requests
        .iter()
        .filter(|r| r.path.ends_with("/responses"))
        .nth(index)
        .unwrap_or_else(|| panic!("no request {index}"));
    request
        .user_texts()
        .into_iter()
        .find(|t| t.starts_with(starts))
        .unwrap_or_else(|| panic!("no prompt starting `{starts}` in request {index}"))
        .to_string()
}

const BUDGET: usize = 24_000;

macro_rules! on_versions {
    ($($scenario:ident($($arg:expr),*)),+ $(,)?) => {$(
        mod $scenario {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn v0_39_0() {
                super::$scenario("0.39.0" $(, $arg)*).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn v0_169_0() {
                super::$scenario("0.169.0" $(, $arg)*).await;
            }
        }
    )+};
}

on_versions!(
    map_of_1000_tables(1000),
    map_of_5000_tables(5000),
    thorough_on_1000_tables()
);

async fn map_of_1000_tables(version: &str, n: usize) {
    schema_map_scenario(version, n).await;
}

async fn map_of_5000_tables(version: &str, n: usize) {
    schema_map_scenario(version, n).await;
}

/// `analyze schema` on `n` tables: the prompt the model receives is within the budget and
/// names every planted table; the model describes one and hears the answer.
async fn schema_map_scenario(version: &str, n: usize) {
    let dir = tempfile::tempdir().unwrap();
    let (url, planted) = generated_db(dir.path(), n);
    let described = &planted[1];
    let script = Script::new([
        xldb_tool_call(
            version,
            "describe_table",
            json!({ "table": described }),
            "describe",
        ),
        Step::new().message(format!(
            "RECOMMENDATION: add a primary key to {}",
            planted.join(", ")
        )),
    ])
    .select_by_tool_outputs();
    let model = FakeModel::start(script).await.unwrap();
    let home = CodexHome::new(&model).unwrap();
    let (status, stdout, stderr) = run_with_codex_version(
        version,
        &home,
        &["analyze", "schema", "--db", &url, "--json"],
    )
    .await;
    assert!(status.success(), "{version}: {stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["source"], "codex", "{version}: {v}\n{stderr}");

    let prompt = our_prompt(&model, 0, "Analyze this sqlite database schema");
    let tokens = count_tokens(&prompt);
    assert!(tokens <= BUDGET, "{version}: {tokens} tokens");
    assert_eq!(
        v["prompt"]["tokens"],
        json!(tokens),
        "{version}: {}",
        v["prompt"]
    );
    assert_eq!(v["prompt"]["budget"], json!(BUDGET));
    for t in &planted {
        assert!(prompt.contains(t.as_str()), "{version}: `{t}` not named");
    }
    assert!(
        prompt.contains(&format!("Schema map ({n} tables")),
        "{version}"
    );
    // the drill-down contract is in the prompt, and the model's call was answered
    assert!(prompt.contains("`describe_table` with `table` (one name) or `tables`"));
    let answered = model.requests().iter().any(|r| {
        r.input().iter().any(|i| {
            i["type"] == "function_call_output"
                && i["call_id"] == "describe"
                && i["output"].to_string().contains("field_7")
        })
    });
    assert!(
        answered,
        "{version}: the describe_table output did not reach the model"
    );
    assert_eq!(
        v["codex"]["tool_calls"],
        json!(["xldb.describe_table"]),
        "{version}"
    );
    // the answer's token usage, as Codex reports it
    assert!(
        v["codex"]["token_usage"]["input"].as_u64().is_some(),
        "{version}: {v}"
    );
}

/// `--thorough` on 1,000 tables: one turn per part (`part i/k` on the progress line), each
/// within the budget; every planted table is named by the part that holds it; the merge turn
/// receives every part's answer and its answer is the result.
async fn thorough_on_1000_tables(version: &str) {
    let dir = tempfile::tempdir().unwrap();
    let (url, planted) = generated_db(dir.path(), 1000);
    let printed = run(
        dir.path(),
        [
            "analyze",
            "schema",
            "--thorough",
            "--print-prompt",
            "--db",
            &url,
        ],
    );
    assert!(printed.status.success());
    let printed = String::from_utf8_lossy(&printed.stdout).into_owned();
    let parts = printed.matches("=== part ").count();
    assert!(parts >= 3, "{printed:.2000}");

    let mut steps: Vec<Step> = (1..=parts)
        .map(|i| Step::new().message(format!("RECOMMENDATION: part-answer-{i}")))
        .collect();
    steps.push(Step::new().message("RECOMMENDATION: merged-answer"));
    let model = FakeModel::start(Script::new(steps)).await.unwrap();
    let home = CodexHome::new(&model).unwrap();
    let (status, stdout, stderr) = run_with_codex_version(
        version,
        &home,
        &["analyze", "schema", "--thorough", "--db", &url],
    )
    .await;
    assert!(status.success(), "{version}: {stderr}");
    assert!(
        stderr.contains(&format!("part 3/{parts}: prompt of")),
        "{version}: {stderr}"
    );
    assert!(stdout.contains("merged-answer"), "{version}: {stdout}");

    let mut named = std::collections::BTreeSet::new();
    for i in 0..parts {
        let prompt = our_prompt(&model, i, "Analyze part");
        assert!(
            prompt.starts_with(&format!("Analyze part {} of {parts}", i + 1)),
            "{version}: {prompt:.200}"
        );
        let tokens = count_tokens(&prompt);
        assert!(
            tokens <= BUDGET,
            "{version}: part {}: {tokens} tokens",
            i + 1
        );
        for t in &planted {
            if prompt.contains(&format!("`missing-primary-key` at table `{t}`")) {
                named.insert(t.clone());
            }
        }
    }
    assert_eq!(named.len(), planted.len(), "{version}: {named:?}");
    let merge = our_prompt(&model, parts, "You analysed this sqlite schema");
    for i in 1..=parts {
        assert!(
            merge.contains(&format!("part-answer-{i}")),
            "{version}: {merge}"
        );
    }
    assert!(count_tokens(&merge) <= BUDGET);
}

/// A prompt over codex 0.169's input limit (1,048,576 characters) is refused at `turn/start`;
/// the CLI says what happened and what to do, never "Codex unavailable", and falls back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prompt_over_codex_input_limit_is_reported_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let (url, _) = generated_db(dir.path(), 5000);
    let model = FakeModel::start(Script::new([Step::new().message("unused")]))
        .await
        .unwrap();
    let home = CodexHome::new(&model).unwrap();
    let (status, stdout, stderr) = run_with_codex_version(
        "0.169.0",
        &home,
        &[
            "analyze",
            "schema",
            "--db",
            &url,
            "--prompt-budget",
            "600000",
        ],
    )
    .await;
    assert!(status.success(), "{stderr}");
    assert!(
        stderr.contains("exceeds what codex accepts (1048576 characters); lower `--prompt-budget` or use `--thorough`; showing local analysis"),
        "{stderr}"
    );
    assert!(!stderr.contains("Codex unavailable"), "{stderr}");
    assert!(stdout.contains("missing-primary-key"), "{stdout}");
    assert!(model.requests().is_empty(), "the model was asked");
}

/// `analyze query` on one table of a 1,000-table database sends that table only.
#[test]
fn a_query_prompt_carries_only_the_tables_it_names() {
    let dir = tempfile::tempdir().unwrap();
    let (url, _) = generated_db(dir.path(), 1000);
    let out = run(
        dir.path(),
        [
            "analyze",
            "query",
            "--db",
            &url,
            "--print-prompt",
            "--sql",
            "SELECT id FROM t0421 WHERE parent_id = 400",
        ],
    );
    assert!(out.status.success());
    let prompt = String::from_utf8_lossy(&out.stdout);
    assert!(prompt.contains("t0421(id INTEGER not null"), "{prompt}");
    // its cluster head is referenced by name in the FK, but not rendered
    assert!(!prompt.contains("\nt0400("), "{prompt}");
    assert!(count_tokens(&prompt) < 1500, "{}", count_tokens(&prompt));
}

/// A 100,000-line workload is ranked locally and only its top groups are sent, within budget.
#[test]
fn a_huge_workload_is_ranked_locally_and_sent_within_the_budget() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("queries.log");
    let mut text = String::with_capacity(8 << 20);
    for i in 0..100_000usize {
        // 5,000 shapes; shape k is seen about 100,000 / (k + 1) / 10 times (a long tail)
        let shape = (i * 7919) % 5000;
        let shape = shape * shape / 5000;
        text.push_str(&format!(
            "SELECT c{shape}, d FROM tab{shape} WHERE id = {i}\n"
        ));
    }
    std::fs::write(&log, text).unwrap();
    let log = log.to_str().unwrap();
    let out = run(
        dir.path(),
        [
            "analyze",
            "caching",
            "--engine",
            "postgres",
            "--queries",
            log,
            "--print-prompt",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let prompt = String::from_utf8_lossy(&out.stdout);
    let tokens = count_tokens(&prompt);
    assert!(tokens <= BUDGET, "{tokens}");
    assert!(prompt.contains("(100000 statements in"), "{prompt:.400}");
    assert!(prompt.contains("more groups ("), "{prompt:.400}");
    // the most frequent shape is first
    assert!(prompt.contains("1. freq "), "{prompt:.800}");

    let v = run_json(
        dir.path(),
        [
            "analyze",
            "caching",
            "--engine",
            "postgres",
            "--queries",
            log,
            "--offline",
            "--json",
        ],
    );
    assert_eq!(v["local"]["total"], 100_000);
    assert!(v["prompt"]["tokens"].as_u64().unwrap() <= BUDGET as u64);
}

/// The model refusing the input for its context window (`context_length_exceeded`) is said as
/// such too, on the `codex mcp` generation, and the analysis falls back to local.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_model_context_overflow_is_reported_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let (url, _) = generated_db(dir.path(), 100);
    let overflow = Step::response_failed(
        "context_length_exceeded",
        "Your input exceeds the context window of this model.",
    );
    let model = FakeModel::start(Script::new([overflow.clone()]).when_exhausted(overflow))
        .await
        .unwrap();
    let home = CodexHome::new(&model).unwrap();
    let (status, stdout, stderr) = run_with_codex_version(
        "0.39.0",
        &home,
        &["analyze", "schema", "--db", &url, "--json"],
    )
    .await;
    assert!(status.success(), "{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["source"], "local", "{v}");
    assert_eq!(v["codex_unavailable"], Value::Null, "{v}");
    let refused = v["codex_refused"].as_str().unwrap_or_default();
    assert!(
        refused.contains(
            "exceeds what the model accepts (its context window); lower `--prompt-budget`"
        ),
        "{v}"
    );
}
