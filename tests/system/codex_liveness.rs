//! Codex that is logged out, offline or slow, with the real binaries: a plain reason, fast.
//!
//! - Logged out (a fresh `CODEX_HOME`, no API key): "codex is not logged in: …" before any
//!   turn, on every generation (`getAuthStatus`, `account/read`).
//! - The model unreachable (a closed loopback port, Codex retrying): given up after
//!   `--unreachable-timeout`, saying why, not after minutes of "Reconnecting…".
//! - `--turn-timeout 3` means 3 s (it once had a hidden 60 s floor).

// Tests and their helpers fail loudly on setup errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::util::xldb_bin;
use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};
use xldb_testkit::codex::codex_bin;
use xldb_testkit::fake_model::{CodexHome, FakeModel, Script, Step};
use xldb_testkit::servers::free_port;

/// `analyze config` of a small file with codex `version`, `CODEX_HOME` = `codex_home`, in
/// `root`; its output and how long it took.
fn analyze_config(
    version: &str,
    root: &Path,
    codex_home: &Path,
    extra: &[&str],
) -> (Output, Duration) {
    let codex = codex_bin(version).unwrap_or_else(|e| panic!("{e}"));
    let config = root.join("proxy.toml");
    std::fs::write(&config, "[server]\nlisten = \"127.0.0.1:7878\"\n").unwrap();
    let work = root.join("work");
    std::fs::create_dir_all(&work).unwrap();
    let t = Instant::now();
    let out = std::process::Command::new(xldb_bin())
        .args(["analyze", "config"])
        .arg(&config)
        .arg("--codex-bin")
        .arg(&codex)
        .args(extra)
        .current_dir(&work)
        .env("HOME", root)
        .env("CODEX_HOME", codex_home)
        .env("XDG_CONFIG_HOME", root.join("config"))
        .env("XDG_DATA_HOME", root.join("data"))
        .env_remove("OPENAI_API_KEY")
        .env_remove("CODEX_API_KEY")
        .env_remove("CODEX_BIN")
        .output()
        .unwrap();
    (out, t.elapsed())
}

#[test]
fn a_logged_out_codex_is_said_plainly_before_any_turn() {
    for version in ["0.39.0", "0.80.0", "0.169.0"] {
        let root = tempfile::tempdir().unwrap();
        let codex_home = root.path().join("codex-home");
        std::fs::create_dir_all(&codex_home).unwrap();
        let (out, took) = analyze_config(version, root.path(), &codex_home, &["--no-fallback"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{version}: {stderr}");
        assert!(
            stderr.contains("codex is not logged in: run `codex login` or set OPENAI_API_KEY"),
            "{version}: {stderr}"
        );
        assert!(took < Duration::from_secs(30), "{version}: {took:?}");

        // With the fallback: the local review, and the same reason.
        let (out, _) = analyze_config(version, root.path(), &codex_home, &[]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{version}: {stderr}");
        assert!(
            stderr.contains("Codex unavailable: codex is not logged in"),
            "{version}: {stderr}"
        );
    }
}

/// A `CODEX_HOME` whose model provider is a closed loopback port and that retries the stream
/// a hundred times (as Codex does, with back-offs, when the network is down).
fn unreachable_home(root: &Path) -> std::path::PathBuf {
    let home = root.join("codex-home");
    std::fs::create_dir_all(&home).unwrap();
    let port = free_port().unwrap();
    std::fs::write(
        home.join("config.toml"),
        format!(
            "model = \"mock-model\"\nmodel_provider = \"mock\"\n\n[model_providers.mock]\nname = \"mock\"\nbase_url = \"http://127.0.0.1:{port}/v1\"\nwire_api = \"responses\"\nrequest_max_retries = 0\nstream_max_retries = 100\n\n[history]\npersistence = \"none\"\n"
        ),
    )
    .unwrap();
    home
}

#[test]
fn an_unreachable_model_is_given_up_within_the_limit_saying_why() {
    for version in ["0.39.0", "0.169.0"] {
        let root = tempfile::tempdir().unwrap();
        let home = unreachable_home(root.path());
        let (out, took) = analyze_config(
            version,
            root.path(),
            &home,
            &["--unreachable-timeout", "3", "--no-fallback"],
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{version}: {stderr}");
        assert!(
            stderr.contains("the model is unreachable"),
            "{version}: {stderr}"
        );
        assert!(
            took < Duration::from_secs(30),
            "{version}: {took:?}\n{stderr}"
        );

        let (out, _) = analyze_config(version, root.path(), &home, &["--unreachable-timeout", "3"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{version}: {stderr}");
        assert!(
            stderr.contains("Codex unavailable: the model is unreachable")
                && stderr.contains("showing local analysis"),
            "{version}: {stderr}"
        );
    }
}

/// Regression: `--codex-timeout 3` waited 60 s, the turn's hidden floor. `--turn-timeout 3`
/// gives up a turn the model never answers after 3 s.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_turn_timeout_means_what_it_says() {
    let model = FakeModel::start(Script::new([Step::new().hang()]))
        .await
        .unwrap();
    let home = CodexHome::new(&model).unwrap();
    let root = home.root().to_path_buf();
    let codex_home = home.path().to_path_buf();
    let (out, took) = tokio::task::spawn_blocking(move || {
        analyze_config(
            xldb_testkit::codex::DEFAULT_CODEX_VERSION,
            &root,
            &codex_home,
            &["--turn-timeout", "3", "--no-fallback"],
        )
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(took < Duration::from_secs(20), "{took:?}: {stderr}");
    assert!(
        model.wait_for_requests(1, Duration::ZERO).await,
        "the model was asked"
    );
}
