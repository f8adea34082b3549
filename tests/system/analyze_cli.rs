//! `analyze` as a user meets it on the command line: errors that are shown and fail, the
//! `--fail-on` gate, `-` for the standard input, the exit codes in every `--help`.

// Tests and their helpers fail loudly on setup errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::util::{demo_db, run, xldb};
use std::io::Write as _;
use std::process::{Output, Stdio};

/// Run `xldb-codex` in `home` with `args`, `stdin` on its standard input.
fn run_with_stdin(home: &std::path::Path, args: &[&str], stdin: &str) -> Output {
    let mut child = xldb(home)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn xldb-codex");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// Regression: `analyze query --offline --sql "SELECT id FROM nope"` printed "No findings."
/// and exited 0; the database's error only appeared in `--json`. It is shown, in text and in
/// JSON, and the exit is 1.
#[test]
fn a_query_the_database_rejects_is_shown_and_fails() {
    let home = tempfile::tempdir().unwrap();
    let (_, url) = demo_db(home.path());
    let args = [
        "analyze",
        "query",
        "--offline",
        "--db",
        url.as_str(),
        "--sql",
        "SELECT id FROM nope",
    ];
    let out = run(home.path(), args);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("plan failed") && stdout.contains("no such table: nope"),
        "{stdout}"
    );
    assert!(
        stderr.contains("error:") && stderr.contains("no such table: nope"),
        "{stderr}"
    );

    let out = run(home.path(), args.iter().chain(&["--json"]));
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        doc["error"]
            .as_str()
            .unwrap()
            .contains("no such table: nope"),
        "{doc}"
    );
    assert!(doc["local"]["measured"]["plan_error"].is_string(), "{doc}");
}

/// Regression: `--sql ""` said "No findings." An empty query (or only a `;`, or a comment)
/// is bad input: exit 2 with a message.
#[test]
fn an_empty_query_is_a_usage_error() {
    let home = tempfile::tempdir().unwrap();
    for sql in ["", "  ;  ", "-- nothing"] {
        let out = run(
            home.path(),
            [
                "analyze",
                "query",
                "--offline",
                "--engine",
                "sqlite",
                &format!("--sql={sql}"),
            ],
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{sql:?}: {stderr}");
        assert!(stderr.contains("the query is empty"), "{sql:?}: {stderr}");
    }
}

/// A statement that is not read-only is planned but never run, and that is not an error.
#[test]
fn a_write_is_planned_not_run_and_does_not_fail() {
    let home = tempfile::tempdir().unwrap();
    let (db, url) = demo_db(home.path());
    let before = crate::util::count(&db, "orders");
    let out = run(
        home.path(),
        [
            "analyze",
            "query",
            "--offline",
            "--db",
            url.as_str(),
            "--sql",
            "DELETE FROM orders WHERE id = 1",
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("not run: the statement is not read-only"),
        "{stdout}"
    );
    assert_eq!(crate::util::count(&db, "orders"), before);
}

/// `--fail-on LEVEL` exits 5 when a local finding reaches the level, 0 below it, for every
/// analysis with findings; without the flag findings never fail the run.
#[test]
fn fail_on_gates_on_the_severity_of_local_findings() {
    let home = tempfile::tempdir().unwrap();
    // `select-star` is a warning.
    let query = [
        "analyze",
        "query",
        "--offline",
        "--engine",
        "sqlite",
        "--sql",
        "SELECT * FROM orders",
    ];
    let code = |extra: &[&str]| {
        let out = run(home.path(), query.iter().chain(extra));
        out.status.code()
    };
    assert_eq!(code(&[]), Some(0));
    assert_eq!(code(&["--fail-on", "info"]), Some(5));
    assert_eq!(code(&["--fail-on", "warning"]), Some(5));
    assert_eq!(code(&["--fail-on", "error"]), Some(0));
    assert_eq!(code(&["--fail-on", "warning", "--json"]), Some(5));
    let out = run(home.path(), query.iter().chain(&["--fail-on", "warning"]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--fail-on warning"), "{stderr}");
    assert_eq!(code(&["--fail-on", "fatal"]), Some(2));

    // A configuration with a plaintext secret has an error finding.
    let cfg = home.path().join("proxy.toml");
    std::fs::write(
        &cfg,
        "[connections.main]\nengine = \"postgres\"\nurl = \"postgres://app:Sup3rS3cret@10.0.0.9/db\"\n",
    )
    .unwrap();
    let out = run(
        home.path(),
        [
            "analyze",
            "config",
            "--offline",
            "--fail-on",
            "error",
            cfg.to_str().unwrap(),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(5),
        "{}",
        crate::util::all_output(&out)
    );

    let (_, url) = demo_db(home.path());
    let out = run(
        home.path(),
        [
            "analyze",
            "schema",
            "--offline",
            "--db",
            url.as_str(),
            "--fail-on",
            "info",
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let has_findings = !stdout.contains("No findings.");
    assert_eq!(
        out.status.code(),
        Some(if has_findings { 5 } else { 0 }),
        "{stdout}"
    );
}

/// `-` reads the standard input, for `--sql-file`, `--queries` and the configuration of
/// `analyze config`.
#[test]
fn a_dash_reads_the_standard_input() {
    let home = tempfile::tempdir().unwrap();
    let out = run_with_stdin(
        home.path(),
        &[
            "analyze",
            "query",
            "--offline",
            "--engine",
            "sqlite",
            "--json",
            "--sql-file",
            "-",
        ],
        "SELECT * FROM orders ORDER BY random()",
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        crate::util::all_output(&out)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        doc["local"]["fingerprint"]["normalized"],
        "SELECT * FROM orders ORDER BY random()"
    );

    let out = run_with_stdin(
        home.path(),
        &[
            "analyze",
            "caching",
            "--offline",
            "--engine",
            "sqlite",
            "--json",
            "--queries",
            "-",
        ],
        "3\tSELECT name FROM customers WHERE id = 1\nSELECT name FROM customers WHERE id = 2\n",
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        crate::util::all_output(&out)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["local"]["total"], 4, "{doc}");

    let out = run_with_stdin(
        home.path(),
        &["analyze", "config", "--offline", "-"],
        "[connections.main]\nengine = \"postgres\"\nurl = \"postgres://app:Sup3rS3cret@10.0.0.9/db\"\n",
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("Local review of standard input"),
        "{stdout}"
    );
    assert!(!stdout.contains("Sup3rS3cret"), "{stdout}");
}

/// Every command's `--help` ends with the exit codes.
#[test]
fn every_help_documents_the_exit_codes() {
    let home = tempfile::tempdir().unwrap();
    for args in [
        vec!["--help"],
        vec!["analyze", "schema", "--help"],
        vec!["analyze", "query", "--help"],
        vec!["analyze", "caching", "--help"],
        vec!["analyze", "config", "--help"],
        vec!["policy", "check", "--help"],
        vec!["schema", "--help"],
        vec!["demo", "--help"],
        vec!["mcp", "serve", "--help"],
    ] {
        let out = run(home.path(), &args);
        // Help is wrapped to the terminal: compare with the line breaks folded.
        let text = String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(text.contains("Exit codes:"), "{args:?}:\n{text}");
        assert!(text.contains("130 interrupted"), "{args:?}:\n{text}");
    }
    let out = run(home.path(), ["analyze", "query", "--help"]);
    let text = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        text.contains("--fail-on <LEVEL>") && text.contains("5 `analyze --fail-on`"),
        "{text}"
    );
}

/// Findings fit the terminal (`COLUMNS`), SQL is never cut (a fix that is a statement stands
/// whole on its own line), Markdown is not wrapped, and colour comes only when asked for or
/// on a terminal without `NO_COLOR`.
#[test]
fn findings_fit_the_width_and_never_cut_sql() {
    let home = tempfile::tempdir().unwrap();
    let (_, url) = demo_db(home.path());
    let sql = "CREATE INDEX order_items_order_id_idx ON order_items (order_id);";
    let schema = |columns: &str, extra: &[&str]| {
        let out = xldb(home.path())
            .env("COLUMNS", columns)
            .args(["analyze", "schema", "--offline", "--db", url.as_str()])
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", crate::util::all_output(&out));
        String::from_utf8(out.stdout).unwrap()
    };
    for columns in ["60", "80", "120", "200"] {
        let text = schema(columns, &[]);
        let width: usize = columns.parse().unwrap();
        assert!(
            text.lines()
                .any(|l| l.trim_start().trim_start_matches("[1] ") == sql),
            "COLUMNS={columns}: the statement is not whole on a line:\n{text}"
        );
        for line in text
            .lines()
            .filter(|l| !l.contains("INDEX") && !l.contains("ALTER"))
        {
            assert!(
                line.chars().count() <= width,
                "COLUMNS={columns}: too wide: {line}"
            );
        }
        assert!(!text.contains('\u{1b}'), "no colour into a pipe: {text}");
    }
    let markdown = schema("40", &["--format", "markdown"]);
    assert!(
        markdown
            .lines()
            .any(|l| l.starts_with("| warning") && l.contains(sql)),
        "{markdown}"
    );
    let coloured = schema("200", &["--color", "always"]);
    assert!(coloured.contains("\u{1b}["), "{coloured}");
    let never = schema("200", &["--color", "never"]);
    assert!(!never.contains('\u{1b}'));
}

/// `--policy` can be repeated for `analyze` as for `policy check`: every file is loaded (a bad
/// second file is named in the usage error).
#[test]
fn policy_files_can_be_repeated() {
    let home = tempfile::tempdir().unwrap();
    let good = home.path().join("good.toml");
    std::fs::write(
        &good,
        "[[rule]]\nid = \"no-curl\"\ndecision = \"deny\"\nreason = \"no network\"\nmatch = { program = \"curl\" }\n",
    )
    .unwrap();
    let bad = home.path().join("bad.toml");
    std::fs::write(&bad, "[[rule]]\nid = \"x\"\n").unwrap();
    // No Codex on PATH: the policy is loaded, then the run falls back to the local analysis.
    let query = [
        "analyze", "query", "--engine", "sqlite", "--sql", "SELECT 1",
    ];
    let out = run(
        home.path(),
        query.iter().chain(&["--policy", good.to_str().unwrap()]),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        crate::util::all_output(&out)
    );
    let out = run(
        home.path(),
        query.iter().chain(&[
            "--policy",
            good.to_str().unwrap(),
            "--policy",
            bad.to_str().unwrap(),
        ]),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("bad.toml"), "{stderr}");
}

/// `analyze config` warns on a misspelled key and names the key it was probably meant to be.
#[test]
fn a_misspelled_config_key_is_a_warning_with_the_near_match() {
    let home = tempfile::tempdir().unwrap();
    let out = run_with_stdin(
        home.path(),
        &["analyze", "config", "--offline", "--json", "-"],
        "[server]\nlisten = \"127.0.0.1:7878\"\n[connections.pg]\nengine = \"postgres\"\nurl = \"postgres://app@db.internal/shop\"\ntsl = true\n",
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        crate::util::all_output(&out)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let typo = doc["local"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "misspelled-key")
        .unwrap_or_else(|| panic!("no misspelled-key finding: {doc}"));
    assert_eq!(typo["severity"], "warning");
    assert!(
        typo["suggestion"].as_str().unwrap().contains("`tls`"),
        "{typo}"
    );
}
