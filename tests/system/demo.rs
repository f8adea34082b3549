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
