//! `xldb-codex demo` on a machine without Codex, keys or network.

// Tests and their helpers fail loudly on setup errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::util::xldb;

#[test]
fn demo_runs_without_codex_or_keys_and_shows_findings_and_verdicts() {
    let home = tempfile::tempdir().unwrap();
    let out = xldb(home.path()).arg("demo").output().expect("run demo");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    for needle in [
        "order_items",         // the schema
        "missing-primary-key", // local schema analysis
        "unindexed-foreign-key",
        "foreign-key-type-mismatch",
        "leading-wildcard-like", // local query analysis
        "delete-without-where",
        "allow", // policy verdicts, both ways
        "deny",
        "DROP TABLE customers: drops an object",
        "analyze schema --db sqlite://", // how to run it against Codex
    ] {
        assert!(
            stdout.contains(needle),
            "`{needle}` missing from the demo output:\n{stdout}"
        );
    }
    // the database went to the data folder
    assert!(home.path().join("data/xldb-codex/demo/shop.db").exists());
}

#[test]
fn demo_json_is_one_document_with_every_section() {
    let home = tempfile::tempdir().unwrap();
    let out = xldb(home.path())
        .args(["demo", "--json", "--dir"])
        .arg(home.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["schema"]["tables"].as_array().unwrap().len(), 4);
    assert!(v["schema_findings"].as_array().unwrap().len() >= 5);
    let decisions: Vec<&str> = v["policy"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["decision"].as_str().unwrap())
        .collect();
    assert!(
        decisions.contains(&"allow") && decisions.contains(&"deny"),
        "{decisions:?}"
    );
}

/// Regression: `demo --dir DIR` used to replace a user's `DIR/shop.db` and exit 0.
#[test]
fn demo_never_replaces_a_database_it_did_not_create() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("mine");
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("shop.db");
    let status = std::process::Command::new("sqlite3")
        .arg(&db)
        .arg("CREATE TABLE precious (x); INSERT INTO precious VALUES (7);")
        .status()
        .expect("sqlite3 (apt-get install sqlite3)");
    assert!(status.success());
    let out = xldb(home.path())
        .args(["demo", "--dir"])
        .arg(&dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert!(stderr.contains("left untouched"), "{stderr}");
    assert_eq!(crate::util::count(&db, "precious"), 1);
    // Its own database, from an earlier run, is simply made anew.
    let fresh = home.path().join("fresh");
    for _ in 0..2 {
        let out = xldb(home.path())
            .args(["demo", "--json", "--dir"])
            .arg(&fresh)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
