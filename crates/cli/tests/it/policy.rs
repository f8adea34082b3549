//! `xldb-codex policy` end to end: exit codes, JSON output, the JSON-lines stream (order, one
//! verdict per line, bad lines denied without stopping) and the corpora through the CLI.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap (conventions)

use assert_cmd::Command;
use std::io::Write;

fn cli() -> Command {
    let mut c = Command::cargo_bin("xldb-codex").unwrap();
    c.env_remove("RUST_LOG");
    c
}

fn corpus(name: &str) -> String {
    format!(
        "{}/../approval-policy/tests/data/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn check_exit_codes_follow_the_decision() {
    cli()
        .args(["policy", "check", "--", "ls", "-l"])
        .assert()
        .code(0);
    cli()
        .args(["policy", "check", "--", "mkdir", "x"])
        .assert()
        .code(3);
    let out = cli()
        .args(["policy", "check", "--", "bash", "-lc", "ls && rm -rf /"])
        .assert()
        .code(4)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.starts_with("deny (risk critical)"), "{text}");
    assert!(
        text.contains("rm -rf /"),
        "the deciding sub-command is named: {text}"
    );
}

#[test]
fn check_json_is_a_verdict_object() {
    let out = cli()
        .args([
            "policy",
            "check",
            "--json",
            "--",
            "psql",
            "-c",
            "DROP TABLE t",
        ])
        .assert()
        .code(4)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["decision"], "deny");
    assert_eq!(
        v["explanation"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["id"] == "sql.drop")
            .count(),
        1,
        "{v}"
    );
}

#[test]
fn bad_usage_and_bad_policy_files_exit_2() {
    cli().args(["policy", "check"]).assert().code(2);
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("p.toml");
    std::fs::write(
        &bad,
        "[[rule]]\nid = \"r\"\ndecision = \"deny\"\nmatch = { regex = \"(\" }\n",
    )
    .unwrap();
    let out = cli()
        .args(["policy", "check", "--policy"])
        .arg(&bad)
        .args(["--", "ls"])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8(out).unwrap().contains("rule `r`"));
    cli()
        .args(["policy", "sql", "--dialect", "nosuch", "SELECT 1"])
        .assert()
        .code(2);
}

#[test]
fn policy_files_change_the_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p.toml");
    std::fs::write(
        &p,
        "[[rule]]\nid = \"no-log\"\ndecision = \"deny\"\nreason = \"not today\"\nmatch = { argv_prefix = [\"git\", \"log\"] }\nexamples_match = [\"git log -1\"]\n",
    )
    .unwrap();
    cli()
        .args(["policy", "check", "--policy"])
        .arg(&p)
        .args(["--", "git", "log"])
        .assert()
        .code(4);
    cli()
        .args(["policy", "check", "--", "git", "log"])
        .assert()
        .code(0);
}

#[test]
fn check_patch_files_against_the_working_directory() {
    let dir = tempfile::tempdir().unwrap();
    let inside = dir.path().join("in.patch");
    std::fs::write(
        &inside,
        "*** Begin Patch\n*** Add File: src/a.rs\n+fn a() {}\n*** End Patch\n",
    )
    .unwrap();
    let outside = dir.path().join("out.patch");
    std::fs::write(
        &outside,
        "*** Begin Patch\n*** Add File: ../../etc/x\n+x\n*** End Patch\n",
    )
    .unwrap();
    cli()
        .args(["policy", "check", "--cwd", "/work/app", "--patch"])
        .arg(&inside)
        .assert()
        .code(0);
    cli()
        .args(["policy", "check", "--cwd", "/work/app", "--patch"])
        .arg(&outside)
        .assert()
        .code(4);
    let bad = dir.path().join("bad.patch");
    std::fs::write(&bad, "not a patch").unwrap();
    cli()
        .args(["policy", "check", "--patch"])
        .arg(&bad)
        .assert()
        .code(2);
}

#[test]
fn sql_subcommand_classifies_per_dialect() {
    cli()
        .args(["policy", "sql", "--dialect", "postgres", "SELECT 1"])
        .assert()
        .code(0);
    cli()
        .args([
            "policy",
            "sql",
            "--dialect",
            "mysql",
            "/*! DELETE FROM t */",
        ])
        .assert()
        .code(4);
}

/// The verdicts `policy check --jsonl` writes for `input`, one per line.
fn jsonl_verdicts(input: impl Into<Vec<u8>>) -> Vec<serde_json::Value> {
    let out = cli()
        .args(["policy", "check", "--jsonl"])
        .write_stdin(input.into())
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn jsonl_answers_every_line_in_order_and_survives_bad_lines() {
    let input = concat!(
        "{\"argv\": [\"ls\"]}\n",
        "not json\n",
        "{\"argv\": [\"rm\", \"-rf\", \"x\"], \"extra\": 1}\n",
        "{\"patch\": \"*** Begin Patch\\n*** Add File: a.txt\\n+hi\\n*** End Patch\", \"cwd\": \"/w\"}\n",
        "{\"argv\": \"ls\"}\n",
        "\n",
        "{\"argv\": [\"git\", \"status\"]}\n",
    );
    let lines = jsonl_verdicts(input);
    let decisions: Vec<&str> = lines
        .iter()
        .map(|v| v["decision"].as_str().unwrap())
        .collect();
    assert_eq!(
        decisions,
        ["allow", "deny", "deny", "allow", "deny", "deny", "allow"]
    );
    for v in &lines {
        assert!(v["risk"].is_string() && v["explanation"].is_array(), "{v}");
    }
}

/// Regression (issue 10): one invalid UTF-8 byte ended the stream, and every later line (an
/// `rm -rf /` among them) got no verdict.
#[test]
fn jsonl_denies_an_undecodable_line_and_goes_on() {
    let mut input = b"{\"argv\": [\"ls\"]}\n{\"argv\": [\"cat\", \"\xff\"]}\n".to_vec();
    input.extend_from_slice(b"\xc3\x28 not even json\n{\"argv\": [\"rm\", \"-rf\", \"/\"]}\n");
    let lines = jsonl_verdicts(input);
    let decisions: Vec<&str> = lines
        .iter()
        .map(|v| v["decision"].as_str().unwrap())
        .collect();
    assert_eq!(decisions, ["allow", "deny", "deny", "deny"]);
    assert!(
        lines[1].to_string().contains("not valid UTF-8"),
        "{}",
        lines[1]
    );
}

/// Regression (issue 10): a non-UTF-8 argument was a usage error, not a verdict.
#[test]
fn check_judges_non_utf8_arguments() {
    use std::os::unix::ffi::OsStrExt;
    let bad = std::ffi::OsStr::from_bytes(b"a\xffb");
    let out = cli()
        .args(["policy", "check", "--json", "--", "cat"])
        .arg(bad)
        .assert()
        .code(4)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["decision"], "deny");
    assert!(
        v.to_string().contains("argument 1 is not valid UTF-8"),
        "{v}"
    );
}

#[test]
fn jsonl_streams_a_verdict_before_the_input_ends() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command as Std, Stdio};
    let mut child = Std::new(assert_cmd::cargo::cargo_bin("xldb-codex"))
        .args(["policy", "check", "--jsonl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    writeln!(stdin, "{{\"argv\": [\"ls\"]}}").unwrap();
    stdin.flush().unwrap();
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert!(first.contains("\"allow\""), "{first}");
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

/// Both corpora through the CLI, the same expectations as the library test.
#[test]
fn corpora_through_the_cli() {
    for name in ["public.jsonl", "own.jsonl", "handwritten.jsonl"] {
        let text = std::fs::read_to_string(corpus(name)).unwrap();
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        let out = cli()
            .args(["policy", "check", "--jsonl"])
            .write_stdin(text.clone())
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone();
        let verdicts: Vec<serde_json::Value> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(verdicts.len(), lines.len(), "{name}: one verdict per line");
        let mut wrong = Vec::new();
        for (line, v) in lines.iter().zip(&verdicts) {
            let input: serde_json::Value = serde_json::from_str(line).unwrap();
            let decision = v["decision"].as_str().unwrap();
            let ok = match input["expect"].as_str().unwrap() {
                "allow" => decision == "allow",
                "never_allow" => decision != "allow",
                other => decision == other,
            };
            if !ok {
                wrong.push(format!("{line} → {decision}"));
            }
        }
        assert!(
            wrong.is_empty(),
            "{name}: {} wrong:\n{}",
            wrong.len(),
            wrong.join("\n")
        );
    }
}
