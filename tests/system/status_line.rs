//! The status line of a long wait: a spinner with the phase and the elapsed time, drawn on
//! stderr when it is a terminal (a real pty, from `script`), never into a pipe.

// Tests and their helpers fail loudly on setup errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::util::xldb_bin;
use std::process::Stdio;
use std::time::Duration;
use xldb_testkit::codex::{codex_bin, DEFAULT_CODEX_VERSION};
use xldb_testkit::fake_model::{CodexHome, FakeModel, Script, Step};

/// `analyze config` against a model that thinks for 2.5 s; `pty`: under `script`, so stdout
/// and stderr are a terminal. Returns everything written to stderr (and, on a pty, stdout).
async fn run(pty: bool) -> String {
    let model = FakeModel::start(Script::new([Step::new()
        .delay(Duration::from_millis(2500))
        .message("All good.")]))
    .await
    .unwrap();
    let home = CodexHome::new(&model).unwrap();
    let codex = codex_bin(DEFAULT_CODEX_VERSION).unwrap_or_else(|e| panic!("{e}"));
    let config = home.root().join("proxy.toml");
    std::fs::write(&config, "[server]\nlisten = \"127.0.0.1:7878\"\n").unwrap();
    let argv = [
        xldb_bin().display().to_string(),
        "analyze".into(),
        "config".into(),
        config.display().to_string(),
        "--codex-bin".into(),
        codex.display().to_string(),
    ];
    let mut cmd = if pty {
        let mut c = std::process::Command::new("script");
        c.args(["-q", "-e", "-c", &argv.join(" "), "/dev/null"]);
        c
    } else {
        let mut c = std::process::Command::new(&argv[0]);
        c.args(&argv[1..]);
        c
    };
    cmd.current_dir(home.work_dir())
        .env("HOME", home.root())
        .env("XDG_CONFIG_HOME", home.root().join("config"))
        .env("XDG_DATA_HOME", home.root().join("data"))
        .env("TERM", "xterm")
        .env_remove("NO_COLOR")
        .env_remove("OPENAI_API_KEY")
        .env_remove("CODEX_BIN")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in home.envs() {
        cmd.env(k, v);
    }
    let child = cmd
        .spawn()
        .expect("run (is `script` from util-linux installed?)");
    // Keep stdin open while it runs: `script` stops at the end of its input.
    let out = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stderr),
        if pty {
            String::from_utf8_lossy(&out.stdout).into_owned()
        } else {
            String::new()
        }
    );
    assert!(out.status.success(), "{text}");
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_terminal_shows_the_phase_and_the_elapsed_time() {
    let text = run(true).await;
    assert!(text.contains("waiting for the model · "), "{text}");
    assert!(
        text.contains("waiting for the model · 1s") || text.contains("waiting for the model · 2s"),
        "the elapsed time counts: {text}"
    );
    assert!(text.contains("All good."), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pipe_gets_no_status_line() {
    let text = run(false).await;
    assert!(
        text.contains("· Codex is working…"),
        "the progress lines stay: {text}"
    );
    assert!(!text.contains("waiting for the model"), "{text}");
    assert!(!text.contains('\u{1b}') && !text.contains('\r'), "{text:?}");
}
