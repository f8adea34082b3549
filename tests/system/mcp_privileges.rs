//! The role is inspected at start: a superuser is warned about (stderr, `initialize`
//! instructions) and refused with `--require-read-only-role`; the recommended role is not.

// Tests and their helpers fail loudly on setup errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::mcp_client::McpClient;
use crate::util::xldb;
use serde_json::json;
use std::process::Stdio;
use xldb_testkit::servers::Postgres;

#[test]
fn a_superuser_is_warned_about_and_refused_on_request() {
    let pg = Postgres::shared().unwrap_or_else(|e| panic!("{e:#}"));
    let db = "xldb_mcp_privileges";
    let url = pg.create_database(db).unwrap();
    pg.psql(
        db,
        &format!(
            "CREATE TABLE t (x int);
             DO $$ BEGIN CREATE ROLE xldb_priv_ro LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
             GRANT CONNECT ON DATABASE {db} TO xldb_priv_ro;
             GRANT USAGE ON SCHEMA public TO xldb_priv_ro;
             GRANT SELECT ON ALL TABLES IN SCHEMA public TO xldb_priv_ro;"
        ),
    )
    .unwrap();
    let home = tempfile::tempdir().unwrap();

    let out = xldb(home.path())
        .args(["mcp", "serve", "--require-read-only-role", "--db", &url])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("superuser"), "{err}");

    let mut c = McpClient::spawn(home.path(), &url, &[]);
    let init = c.call(1, "initialize", json!({"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}));
    let instructions = init["result"]["instructions"].as_str().unwrap();
    assert!(instructions.contains("superuser"), "{instructions}");
    c.finish();

    let ro = url.replacen("postgres@", "xldb_priv_ro@", 1);
    let mut c = McpClient::spawn(home.path(), &ro, &["--require-read-only-role"]);
    let init = c.call(1, "initialize", json!({"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}));
    let instructions = init["result"]["instructions"].as_str().unwrap();
    assert!(!instructions.contains("Warning"), "{instructions}");
    c.finish();
}
