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
