//! The official Python MCP SDK (pinned in `scripts/deps.sh`, installed by
//! `install_python_mcp` into `.deps/python-mcp`) drives `xldb-codex mcp serve`: version
//! negotiation, tool metadata, the SDK's own `outputSchema` validation of every result,
//! refusals as `isError`, an unknown tool as a JSON-RPC error.

// Tests and their helpers fail loudly on setup errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::util::{demo_db, xldb_bin};
use serde_json::Value;
use std::path::PathBuf;

fn sdk_python() -> PathBuf {
    let path = std::env::var_os("XLDB_PYTHON_MCP_PYTHON").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.deps/python-mcp/bin/python"),
        PathBuf::from,
    );
    assert!(
        path.exists(),
        "the Python MCP SDK is missing at `{}`: run `source scripts/deps.sh && install_python_mcp`",
        path.display()
    );
    path
}

#[test]
fn the_official_python_sdk_negotiates_lists_and_calls() {
    let dir = tempfile::tempdir().unwrap();
    let (_db, url) = demo_db(dir.path());
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("system/data/mcp_sdk_client.py");
    let out = std::process::Command::new(sdk_python())
        .arg(script)
        .arg(xldb_bin())
        .arg(&url)
        .env("HOME", dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["protocol_version"], "2025-11-25", "{v}");
    assert_eq!(
        v["tools"],
        serde_json::json!([
            "analyze_schema",
            "describe_table",
            "execute_query",
            "list_tables"
        ])
    );
    for t in v["tool_dump"].as_array().unwrap() {
        assert_eq!(t["annotations"]["readOnlyHint"], true, "{t}");
        assert!(t["outputSchema"].is_object(), "{t}");
    }
    for key in ["list", "describe", "query", "analyze"] {
        assert_eq!(v[key]["is_error"], false, "{key}: {}", v[key]);
        assert_eq!(v[key]["text_is_json"], true, "{key}: {}", v[key]);
    }
    assert_eq!(v["list"]["structured"]["tables"][0]["name"], "order_items");
    assert_eq!(
        v["describe"]["structured"]["tables"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(v["query"]["structured"]["row_count"], 2);
    assert_eq!(v["refused"]["is_error"], true);
    assert!(
        v["unknown_tool"].as_str().unwrap().contains("unknown tool"),
        "{v}"
    );
}
