//! The `xldb-codex` binary end to end.

use assert_cmd::Command;

fn xldb() -> Command {
    Command::cargo_bin("xldb-codex").unwrap_or_else(|e| panic!("xldb-codex binary not built: {e}"))
}

#[test]
fn help_lists_the_subcommands() {
    let out = xldb().arg("--help").output().expect("run xldb-codex");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for sub in ["policy", "schema"] {
        assert!(text.contains(sub), "`{sub}` missing from --help:\n{text}");
    }
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let out = xldb()
        .arg("--no-such-flag")
        .output()
        .expect("run xldb-codex");
    assert_eq!(out.status.code(), Some(2));
}

/// A protocol name that does not exist is a usage error (exit 2), from the flag or its
/// environment variable, and the message lists every protocol `codex-session` speaks. Nothing
/// is started: this runs without Codex.
#[test]
fn an_unknown_protocol_is_a_usage_error_listing_every_protocol() {
    let home = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let analyze = [
        "analyze", "query", "--engine", "sqlite", "--sql", "SELECT 1",
    ];
    let by_flag = crate::util::xldb(home.path())
        .args(analyze)
        .args(["--protocol", "v3"])
        .output()
        .expect("run xldb-codex");
    let by_env = crate::util::xldb(home.path())
        .args(analyze)
        .env("XLDB_CODEX_PROTOCOL", "v3")
        .output()
        .expect("run xldb-codex");
    for out in [by_flag, by_env] {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("v3"), "{stderr}");
        for p in codex_session::Protocol::ALL {
            assert!(stderr.contains(p.name()), "`{p}` not listed: {stderr}");
        }
    }
}

/// `--protocol` is documented in the help of every command that starts Codex.
#[test]
fn every_analyze_command_documents_protocol() {
    for sub in ["schema", "query", "caching", "config"] {
        let out = xldb()
            .args(["analyze", sub, "--help"])
            .output()
            .expect("run xldb-codex");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("--protocol <NAME>") && text.contains("XLDB_CODEX_PROTOCOL"),
            "analyze {sub} --help:\n{text}"
        );
    }
}

/// Regression: `xldb-codex schema … | head` printed `error: Broken pipe (os error 32)` and
/// `analyze config --json | head` panicked. A reader that goes away ends the program quietly.
#[test]
fn a_closed_stdout_ends_quietly() {
    use std::process::Stdio;
    let home = tempfile::tempdir().expect("temp dir");
    let (_, url) = crate::util::demo_db(home.path());
    let config = home.path().join("proxy.toml");
    std::fs::write(&config, "[server]\nlisten = \"0.0.0.0:7878\"\n").expect("write config");
    let config = config.display().to_string();
    for args in [
        vec!["schema", "--db", url.as_str(), "--format", "json"],
        vec!["schema", "--db", url.as_str(), "--format", "table"],
        vec!["analyze", "config", "--offline", "--json", config.as_str()],
        vec!["demo", "--json"],
    ] {
        let mut child = crate::util::xldb(home.path())
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn xldb-codex");
        // Close the read end before the program writes anything: its first write fails.
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && stderr.trim().is_empty(),
            "{args:?}: {:?}\n{stderr}",
            out.status
        );
    }
}
