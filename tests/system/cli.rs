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

/// `doctor` says what is missing and how to get it (exit 1), and what is there (exit 0).
#[test]
fn doctor_reports_what_is_missing_and_what_is_there() {
    let home = tempfile::tempdir().expect("temp dir");
    let out = crate::util::run(home.path(), ["doctor"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("missing  codex") && text.contains("npm install -g @openai/codex"),
        "{text}"
    );
    assert!(
        text.contains("run `codex login` or set OPENAI_API_KEY"),
        "{text}"
    );
    assert!(
        text.contains("sqlite") && text.contains("postgres"),
        "{text}"
    );

    let codex = xldb_testkit::codex::codex_bin("0.169.0")
        .expect("codex 0.169.0 (scripts/test.sh installs it)");
    let out = crate::util::xldb(home.path())
        .args(["doctor", "--json"])
        .env("CODEX_BIN", &codex)
        .env("OPENAI_API_KEY", "sk-not-a-real-key-000000000000")
        .output()
        .expect("run doctor");
    assert!(out.status.success(), "{}", crate::util::all_output(&out));
    assert!(!crate::util::all_output(&out).contains("sk-not-a-real-key"));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["ok"], true);
    let codex_line = doc["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["name"] == "codex")
        .expect("codex check");
    let detail = codex_line["detail"].as_str().unwrap_or_default();
    assert!(
        detail.contains("0.169.0") && detail.contains("app-server-v2"),
        "{detail}"
    );
}

/// Completions for every shell clap knows, a bash script that parses, and man pages.
#[test]
fn completions_and_man_pages_are_generated() {
    let home = tempfile::tempdir().expect("temp dir");
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = crate::util::run(home.path(), ["completions", shell]);
        assert!(out.status.success() && out.stdout.len() > 500, "{shell}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("analyze") && text.contains("doctor"),
            "{shell}"
        );
    }
    let script = home.path().join("xldb.bash");
    std::fs::write(
        &script,
        crate::util::run(home.path(), ["completions", "bash"]).stdout,
    )
    .expect("write");
    let check = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .status()
        .expect("bash");
    assert!(check.success(), "the bash completion script does not parse");

    let out = crate::util::run(home.path(), ["man"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with(".ie"),
        "roff expected"
    );
    let dir = home.path().join("man");
    let out = crate::util::run(home.path(), ["man", "--out", dir.to_str().expect("utf-8")]);
    assert!(out.status.success());
    for page in [
        "xldb-codex.1",
        "xldb-codex-analyze.1",
        "xldb-codex-doctor.1",
    ] {
        let text = std::fs::read_to_string(dir.join(page)).expect(page);
        assert!(text.contains(".TH"), "{page}");
    }
}

/// `--version` names the engines; `-vv` turns debug logs on; logs to a pipe carry no ANSI
/// colour codes; `-q` keeps stderr to errors.
#[test]
fn version_verbosity_and_plain_logs() {
    let home = tempfile::tempdir().expect("temp dir");
    let out = crate::util::run(home.path(), ["--version"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("engines: ") && text.contains("sqlite"),
        "{text}"
    );
    let (_, url) = crate::util::demo_db(home.path());
    let out = crate::util::run(home.path(), ["-vv", "schema", "--db", &url]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("DEBUG") && stderr.contains("catalog query"),
        "{stderr}"
    );
    assert!(
        !stderr.contains('\u{1b}'),
        "ANSI codes in a piped log: {stderr:?}"
    );
    let out = crate::util::run(home.path(), ["-q", "schema", "--db", &url]);
    assert!(out.status.success() && out.stderr.is_empty());
}

/// `--format table --json` used to pick one silently; JSON statement numbers used to start at
/// 0 where the text said "statement 1".
#[test]
fn format_and_json_conflict_and_statements_count_from_one() {
    let home = tempfile::tempdir().expect("temp dir");
    let out = crate::util::run(
        home.path(),
        [
            "analyze",
            "query",
            "--offline",
            "--engine",
            "sqlite",
            "--sql",
            "SELECT 1",
            "--format",
            "table",
            "--json",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        crate::util::all_output(&out)
    );
    let v = crate::util::run_json(
        home.path(),
        [
            "analyze",
            "query",
            "--offline",
            "--json",
            "--engine",
            "sqlite",
            "--sql",
            "SELECT 1; SELECT * FROM t",
        ],
    );
    let statements: Vec<u64> = v["local"]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["location"]["statement"].as_u64())
        .collect();
    assert_eq!(statements, [2], "{v}");
}
