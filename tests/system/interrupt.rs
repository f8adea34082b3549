//! Ctrl-C and SIGTERM during `analyze`, with real signals: the query stops on the server, Codex
//! is shut down with a `shutdown` audit record, no file holding the password is left under
//! `TMPDIR` (or in `CODEX_HOME`), "interrupted" is said and the exit code is 130.

// Tests and their helpers fail loudly on setup errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::util::{xldb, xldb_bin};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};
use xldb_testkit::codex::{codex_bin, DEFAULT_CODEX_VERSION};
use xldb_testkit::fake_model::{CodexHome, FakeModel, Script, Step};
use xldb_testkit::servers::Postgres;

/// Slow but not refused by the gate's exhaustion rule (each generator stays under 10 M rows).
const SLOW: &str =
    "SELECT count(*) FROM generate_series(1, 5000000) a, generate_series(1, 5000000) b";

/// A password in the URL (trust authentication ignores it): it must never be left on disk.
const PASSWORD: &str = "Int3rruptS3cret";
/// The same for the Codex test (another, so that the query test's command line, which holds
/// its own, never counts against it when both run at once).
const CODEX_PASSWORD: &str = "C0dexS3cretW0rd";

fn signal(child: &Child, name: &str) {
    let status = std::process::Command::new("kill")
        .args([format!("-{name}"), child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -{name}");
}

/// Backends of `db` running something other than our probe.
fn active(pg: &Postgres, db: &str) -> String {
    pg.psql(
        "postgres",
        &format!(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = '{db}' AND state = 'active' AND query LIKE '%generate_series%'"
        ),
    )
    .unwrap()
    .trim()
    .to_string()
}

/// Poll `cond` every 100 ms for up to `limit`.
fn wait_until(limit: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let t = Instant::now();
    while t.elapsed() < limit {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    cond()
}

/// Every file under `dir` (recursively) whose content holds `needle`.
fn files_holding(dir: &Path, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            found.extend(files_holding(&path, needle));
        } else if std::fs::read(&path).is_ok_and(|b| String::from_utf8_lossy(&b).contains(needle)) {
            found.push(path.display().to_string());
        }
    }
    found
}

/// The command lines of running processes (`/proc/*/cmdline`) but `except` that hold `needle`.
fn command_lines_holding(needle: &str, except: u32) -> Vec<String> {
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    procs
        .flatten()
        .filter(|p| p.file_name() != except.to_string().as_str())
        .filter_map(|p| std::fs::read(p.path().join("cmdline")).ok())
        .map(|b| String::from_utf8_lossy(&b).replace('\0', " "))
        .filter(|c| c.contains(needle))
        .collect()
}

/// The environments of running processes (`/proc/*/environ`) that hold `needle`, by command
/// line.
fn environments_holding(needle: &str) -> Vec<String> {
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    procs
        .flatten()
        .filter(|p| {
            std::fs::read(p.path().join("environ"))
                .is_ok_and(|b| String::from_utf8_lossy(&b).contains(needle))
        })
        .filter_map(|p| std::fs::read(p.path().join("cmdline")).ok())
        .map(|b| String::from_utf8_lossy(&b).replace('\0', " "))
        .collect()
}

/// Whether a process whose command line contains every one of `words` runs.
fn running(words: &[&str]) -> bool {
    std::fs::read_dir("/proc").is_ok_and(|procs| {
        procs
            .flatten()
            .filter_map(|p| std::fs::read(p.path().join("cmdline")).ok())
            .map(|b| String::from_utf8_lossy(&b).replace('\0', " "))
            .any(|c| words.iter().all(|w| c.contains(w)))
    })
}

fn url_with_password(pg: &Postgres, db: &str, password: &str) -> String {
    let url = pg.create_database(db).unwrap();
    url.replacen("postgres@", &format!("postgres:{password}@"), 1)
}

/// `analyze query --analyze` on a slow query: SIGINT (and, in a second run, SIGTERM) stops
/// the `EXPLAIN ANALYZE` on the server at once (a cancel request), not at its statement
/// timeout; the run says "interrupted" and exits 130.
#[test]
fn an_interrupt_cancels_the_query_on_the_server() {
    let pg = Postgres::shared().unwrap_or_else(|e| panic!("{e:#}"));
    let db = "xldb_cli_interrupt";
    let url = url_with_password(pg, db, PASSWORD);
    assert!(url.contains(PASSWORD), "{url}");
    for sig in ["INT", "TERM"] {
        let home = tempfile::tempdir().unwrap();
        let tmp = home.path().join("tmp");
        std::fs::create_dir_all(&tmp).unwrap();
        let child = xldb(home.path())
            .env("TMPDIR", &tmp)
            .args([
                "analyze",
                "query",
                "--offline",
                "--analyze",
                "--db",
                &url,
                "--sql",
                SLOW,
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        assert!(
            wait_until(Duration::from_secs(20), || active(pg, db) == "1"),
            "the slow query never ran"
        );
        let t = Instant::now();
        signal(&child, sig);
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(130), "{sig}: {stderr}");
        assert!(stderr.contains("interrupted"), "{sig}: {stderr}");
        assert!(
            t.elapsed() < Duration::from_secs(8),
            "{sig}: {:?}",
            t.elapsed()
        );
        assert!(
            wait_until(Duration::from_secs(2), || active(pg, db) == "0"),
            "{sig}: the query still runs on the server"
        );
        assert_eq!(files_holding(&tmp, PASSWORD), Vec::<String>::new());
    }
}

/// `analyze schema` while the model thinks: SIGINT stops the turn and Codex, the audit log
/// ends with `shutdown`, no file holding the database password is left under `TMPDIR`, the run
/// says "interrupted" and exits 130. A second signal exits at once as well.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupt_stops_codex_and_leaves_no_secret_behind() {
    let pg = Postgres::shared().unwrap_or_else(|e| panic!("{e:#}"));
    let url = url_with_password(pg, "xldb_cli_interrupt_codex", CODEX_PASSWORD);
    let codex = codex_bin(DEFAULT_CODEX_VERSION).unwrap_or_else(|e| panic!("{e}"));
    for signals in [&["INT"][..], &["INT", "INT"][..]] {
        let model = FakeModel::start(Script::new([Step::new().hang()]))
            .await
            .unwrap();
        let home = CodexHome::new(&model).unwrap();
        let tmp = home.root().join("tmp");
        std::fs::create_dir_all(&tmp).unwrap();
        let audit = home.root().join("audit.jsonl");
        let mut cmd = std::process::Command::new(xldb_bin());
        cmd.args(["analyze", "schema", "--db", &url, "--codex-bin"])
            .arg(&codex)
            .arg("--audit-log")
            .arg(&audit)
            .current_dir(home.work_dir())
            .env("HOME", home.root())
            .env("TMPDIR", &tmp)
            .env("XDG_CONFIG_HOME", home.root().join("config"))
            .env("XDG_DATA_HOME", home.root().join("data"))
            .env_remove("OPENAI_API_KEY")
            .env_remove("CODEX_BIN")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in home.envs() {
            cmd.env(k, v);
        }
        let child = cmd.spawn().unwrap();
        assert!(
            model.wait_for_hanging(1, Duration::from_secs(60)).await,
            "the model was never asked"
        );
        // The MCP server Codex started has the URL, handed over a private socket: never on a
        // command line (but ours: the test gave it to us there), and in no process's
        // environment, Codex's and the server's included.
        assert!(
            wait_until(Duration::from_secs(20), || running(&["mcp", "serve"])),
            "codex never started our MCP server"
        );
        assert_eq!(
            command_lines_holding(CODEX_PASSWORD, child.id()),
            Vec::<String>::new()
        );
        assert_eq!(environments_holding(CODEX_PASSWORD), Vec::<String>::new());
        let t = Instant::now();
        for s in signals {
            signal(&child, s);
        }
        let out = tokio::task::spawn_blocking(move || child.wait_with_output())
            .await
            .unwrap()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(130), "{signals:?}: {stderr}");
        assert!(stderr.contains("interrupted"), "{signals:?}: {stderr}");
        assert!(t.elapsed() < Duration::from_secs(8), "{:?}", t.elapsed());
        assert!(
            String::from_utf8_lossy(&out.stdout).trim().is_empty(),
            "no partial report: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        // The handoff's private folder is gone with the run.
        let left: Vec<_> = std::fs::read_dir(&tmp)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("xldb-codex-"))
            .collect();
        assert_eq!(left, Vec::<String>::new());
        // Nowhere: not under TMPDIR, not in CODEX_HOME (sessions, logs), not in the audit log.
        assert_eq!(
            files_holding(home.root(), CODEX_PASSWORD),
            Vec::<String>::new()
        );
        if signals.len() == 1 {
            let log = std::fs::read_to_string(&audit).unwrap();
            let last: serde_json::Value =
                serde_json::from_str(log.lines().last().unwrap()).unwrap();
            assert_eq!(last["event"], "shutdown", "{log}");
            assert!(!log.contains(CODEX_PASSWORD));
        }
    }
}
