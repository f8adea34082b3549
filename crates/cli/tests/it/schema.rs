//! `xldb-codex schema` end to end: formats, filters, exit codes, and no password in anything
//! the process prints.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap (conventions)

use assert_cmd::Command;
use std::path::Path;

const FIXTURE: &str = r#"
CREATE TABLE "Customers" (id INTEGER NOT NULL PRIMARY KEY, "Email" TEXT NOT NULL UNIQUE, note TEXT DEFAULT 'a|b');
CREATE TABLE "we;ird ""name""" (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES "Customers"(id) ON DELETE CASCADE, qty INT CHECK (qty > 0));
CREATE INDEX "ix desc" ON "we;ird ""name""" (qty DESC) WHERE qty > 1;
CREATE VIEW v AS SELECT id FROM "Customers";
"#;

fn sqlite_db(dir: &Path) -> String {
    let path = dir.join("app.db");
    let status = std::process::Command::new("sqlite3")
        .arg(&path)
        .arg(FIXTURE)
        .status()
        .expect("the `sqlite3` command (Debian package `sqlite3`; scripts/test.sh installs it)");
    assert!(status.success());
    format!("sqlite://{}", path.display())
}

fn cli() -> Command {
    let mut c = Command::cargo_bin("xldb-codex").unwrap();
    c.env_remove("XLDB_CODEX_DB").env_remove("RUST_LOG");
    c
}

#[test]
fn json_output_is_the_documented_model() {
    let dir = tempfile::tempdir().unwrap();
    let out = cli()
        .args(["schema", "--db", &sqlite_db(dir.path())])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["engine"], "sqlite");
    let names: Vec<_> = v["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Customers", "v", "we;ird \"name\""]);
    let weird = &v["tables"][2];
    for key in [
        "schema",
        "name",
        "kind",
        "comment",
        "columns",
        "primary_key",
        "foreign_keys",
        "indexes",
        "checks",
        "extra",
    ] {
        assert!(weird.get(key).is_some(), "missing {key}");
    }
    assert_eq!(weird["foreign_keys"][0]["on_delete"], "CASCADE");
    assert_eq!(weird["indexes"][0]["columns"][0]["descending"], true);
    assert_eq!(weird["indexes"][0]["predicate"], "qty > 1");
    assert!(
        out.stderr.is_empty(),
        "no progress when stderr is not a terminal"
    );
}

#[test]
fn table_and_markdown_formats_and_filters() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_db(dir.path());
    let out = cli()
        .args([
            "schema",
            "--db",
            &url,
            "--format",
            "table",
            "--tables",
            "Customers",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("main.Customers (table)"), "{text}");
    assert!(text.contains("PK") && text.contains("Email"), "{text}");
    assert!(!text.contains("we;ird"), "filtered out: {text}");

    let out = cli()
        .args(["schema", "--db", &url, "--format", "markdown"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.contains("## `main.we;ird \"name\"` (table)"), "{md}");
    assert!(md.contains("`'a\\|b'`"), "pipes escaped: {md}");
    assert!(
        md.contains("- index ix desc (qty DESC) where qty > 1"),
        "{md}"
    );
}

#[test]
fn usage_errors_exit_2_and_runtime_errors_exit_1() {
    // Unknown scheme.
    let out = cli()
        .args(["schema", "--db", "redis://u:topsecret-1@127.0.0.1/0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown database url scheme `redis`"), "{err}");
    assert!(!err.contains("topsecret-1"));
    // Unparsable URL.
    let out = cli()
        .args(["schema", "--db", "postgres://u:topsecret-2@[::1/db"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("topsecret-2"));
    // Missing flag.
    assert_eq!(
        cli().args(["schema"]).output().unwrap().status.code(),
        Some(2)
    );
    // Unreachable server.
    let port = xldb_testkit::servers::free_port().unwrap();
    let out = cli()
        .args([
            "schema",
            "--db",
            &format!("postgres://u:topsecret-3@127.0.0.1:{port}/db"),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("cannot connect to `127.0.0.1:{port}`")),
        "{err}"
    );
    assert!(!err.contains("topsecret-3"));
    // Missing SQLite file.
    let out = cli()
        .args(["schema", "--db", "sqlite:///nonexistent/dir/x.db"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

/// Everything the process prints (stdout, stderr, trace logs) is scanned for the password,
/// on success and on failure (regression guard for secrets in driver errors and debug logs).
#[test]
fn the_password_never_appears_in_anything_printed() {
    let maria = xldb_testkit::servers::MariaDb::shared().unwrap_or_else(|e| panic!("{e:#}"));
    maria.create_database("cli_secret").unwrap();
    maria
        .exec(
            "cli_secret",
            "CREATE TABLE t (id INT PRIMARY KEY, note TEXT COMMENT 'n');",
        )
        .unwrap();
    maria
        .exec("", "CREATE USER IF NOT EXISTS 'cli_pw'@'%' IDENTIFIED BY 'Sup3r-S3cret-pw'; GRANT SELECT ON cli_secret.* TO 'cli_pw'@'%';")
        .unwrap();
    let port = maria.port();
    for (password, expect_ok) in [("Sup3r-S3cret-pw", true), ("Wr0ng-S3cret-pw", false)] {
        let url = format!("mariadb://cli_pw:{password}@127.0.0.1:{port}/cli_secret");
        for format in ["json", "table", "markdown"] {
            let out = cli()
                .args(["--log", "trace", "schema", "--db", &url, "--format", format])
                .output()
                .unwrap();
            assert_eq!(
                out.status.success(),
                expect_ok,
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let all = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(!all.contains(password), "password printed:\n{all}");
            if !expect_ok {
                assert!(all.contains("authentication failed"), "{all}");
                assert_eq!(out.status.code(), Some(1));
            }
        }
        // Via the environment variable too.
        let out = cli()
            .env("XLDB_CODEX_DB", &url)
            .args(["--log", "trace", "schema"])
            .output()
            .unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!all.contains(password), "password printed:\n{all}");
    }
}
