//! The role is inspected at start: a superuser is warned about (stderr, `initialize`
//! instructions) and refused with `--require-read-only-role`; the recommended role is not.

// Tests and their helpers fail loudly on setup errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::mcp_client::McpClient;
use crate::util::xldb;
use serde_json::json;
use std::process::Stdio;
use xldb_testkit::servers::{MariaDb, Postgres};

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

/// `mcp serve` on `url` with stdin closed at once: (exit success, stderr), and with
/// `--require-read-only-role`.
fn serve_stderr(home: &std::path::Path, url: &str, extra: &[&str]) -> (bool, String) {
    let out = xldb(home)
        .args(["mcp", "serve", "--db", url])
        .args(extra)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn mariadb_users_beyond_reading_are_warned_about_and_refused_on_request() {
    let m = MariaDb::shared().unwrap_or_else(|e| panic!("{e:#}"));
    let db = "xldb_mcp_privileges";
    let url = m.create_database(db).unwrap();
    // (user, grants, what the warning must name; empty: the recommended read-only user)
    let users: [(&str, &str, &[&str]); 4] = [
        (
            "xldb_priv_file",
            "GRANT FILE ON *.* TO {u}; GRANT SELECT ON {db}.* TO {u}",
            &["FILE"],
        ),
        (
            "xldb_priv_super",
            "GRANT SUPER ON *.* TO {u}; GRANT SELECT ON {db}.* TO {u}",
            &["SUPER"],
        ),
        (
            "xldb_priv_write",
            "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE TEMPORARY TABLES ON {db}.* TO {u}",
            &["INSERT", "UPDATE", "DELETE", "CREATE TEMPORARY TABLES"],
        ),
        (
            "xldb_priv_ro",
            "GRANT SELECT, SHOW VIEW ON {db}.* TO {u}",
            &[],
        ),
    ];
    let mut setup = format!("CREATE TABLE {db}.t (x int);");
    for (user, grants, _) in &users {
        for host in ["%", "localhost", "127.0.0.1"] {
            let u = format!("'{user}'@'{host}'");
            setup.push_str(&format!(
                "DROP USER IF EXISTS {u}; CREATE USER {u} IDENTIFIED BY 'pw-{user}'; {};",
                grants.replace("{u}", &u).replace("{db}", db)
            ));
        }
    }
    m.exec(db, &setup).unwrap();
    let home = tempfile::tempdir().unwrap();
    for (user, _, named) in &users {
        let url = url.replacen("root@", &format!("{user}:pw-{user}@"), 1);
        let (ok, err) = serve_stderr(home.path(), &url, &[]);
        assert!(ok, "{user}: serves without the flag: {err}");
        let mut c = McpClient::spawn(home.path(), &url, &[]);
        let init = c.call(1, "initialize", json!({"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}));
        let instructions = init["result"]["instructions"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        c.finish();
        let (refused_ok, refused_err) =
            serve_stderr(home.path(), &url, &["--require-read-only-role"]);
        if named.is_empty() {
            assert!(!err.contains("warning"), "{user}: {err}");
            assert!(!instructions.contains("Warning"), "{user}: {instructions}");
            assert!(refused_ok, "{user} is read-only: {refused_err}");
        } else {
            for p in *named {
                assert!(err.contains(p), "{user}: stderr names {p}: {err}");
                assert!(
                    instructions.contains(p),
                    "{user}: instructions name {p}: {instructions}"
                );
            }
            assert!(
                !refused_ok,
                "{user}: --require-read-only-role refuses to start"
            );
            assert!(
                refused_err.contains("--require-read-only-role"),
                "{refused_err}"
            );
            assert!(
                !refused_err.contains(&format!("pw-{user}")),
                "no password: {refused_err}"
            );
        }
    }
}
