//! Helpers of the whole-system tests: the `xldb-codex` binary, a demo database.

// Tests and their helpers fail loudly on setup errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Output;

/// Path of the built `xldb-codex` binary.
pub fn xldb_bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("xldb-codex")
}

/// `xldb-codex` with a clean environment: no Codex on PATH, no API key, no user settings.
pub fn xldb(home: &Path) -> std::process::Command {
    let mut c = std::process::Command::new(xldb_bin());
    c.env_clear();
    // Keep where shared libraries are (a build with the `duckdb` feature links libduckdb.so
    // from .deps/duckdb, see scripts/deps.sh): that is the machine, not the user's settings.
    if let Some(v) = std::env::var_os("LD_LIBRARY_PATH") {
        c.env("LD_LIBRARY_PATH", v);
    }
    c.env("PATH", "/usr/bin:/bin")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"));
    c
}

/// Run `xldb-codex` (see [`xldb`]) in `home` with `args`: its output, whatever the exit code.
pub fn run<S: AsRef<OsStr>>(home: &Path, args: impl IntoIterator<Item = S>) -> Output {
    xldb(home).args(args).output().expect("run xldb-codex")
}

/// Assert `out` is of a run that succeeded, showing its stderr if not.
pub fn assert_success(out: &Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Run `xldb-codex` in `home` with `args`, assert it succeeded, and parse its stdout as JSON.
pub fn run_json<S: AsRef<OsStr>>(home: &Path, args: impl IntoIterator<Item = S>) -> Value {
    let out = run(home, args);
    assert_success(&out);
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `analyze query --offline --json` of `sql` on the database at `url`: the parsed report.
pub fn analyze_query_offline(home: &Path, url: &str, sql: &str) -> Value {
    run_json(
        home,
        [
            "analyze",
            "query",
            "--offline",
            "--json",
            "--db",
            url,
            "--sql",
            sql,
        ],
    )
}

/// Its stdout and stderr, one after the other.
pub fn all_output(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Create the demo shop database in `dir` and return its `sqlite://` URL.
pub fn demo_db(dir: &Path) -> (PathBuf, String) {
    let out = xldb(dir)
        .args(["demo", "--json", "--dir"])
        .arg(dir)
        .output()
        .expect("run demo");
    assert_success(&out);
    let path = dir.join("shop.db");
    let url = format!("sqlite://{}", path.display());
    (path, url)
}

/// Rows of `SELECT count(*) FROM table`.
pub fn count(db: &Path, table: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).expect("open db");
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .expect("count")
}
