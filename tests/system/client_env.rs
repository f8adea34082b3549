//! Connecting as psql and mysql users do: `PGPASSWORD`, `~/.pgpass`, `PG*` variables and
//! `pg_service.conf`, against a real PostgreSQL that demands a password.

// Tests and their helpers fail loudly on setup errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::util::{all_output, xldb};
use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use xldb_testkit::servers::Postgres;

const PASSWORD: &str = "pw-Zq81-not-in-any-output";

fn schema(home: &Path, url: &str, env: &[(&str, String)]) -> std::process::Output {
    let mut c = xldb(home);
    c.args(["schema", "--format", "json", "--db", url]);
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().expect("run xldb-codex");
    assert!(
        !all_output(&out).contains(PASSWORD),
        "the password was printed: {}",
        all_output(&out)
    );
    out
}

fn pgpass(home: &Path, line: &str, mode: u32) {
    let f = home.join(".pgpass");
    std::fs::write(&f, format!("{line}\n")).unwrap();
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Regression: `PGPASSWORD`, `~/.pgpass`, `PGHOST`… and `service=` were ignored ("password
/// missing"), unlike in psql, pgcli and usql.
#[test]
fn postgres_passwords_and_targets_come_from_where_psql_finds_them() {
    let pg =
        Postgres::start_with_password(PASSWORD).expect("PostgreSQL (apt-get install postgresql)");
    pg.psql("postgres", "CREATE TABLE t (id int PRIMARY KEY);")
        .unwrap();
    let url = pg.url("postgres");
    let port = pg.port().to_string();

    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let out = schema(h, &url, &[]);
    assert!(
        !out.status.success(),
        "no password, yet: {}",
        all_output(&out)
    );

    let out = schema(h, &url, &[("PGPASSWORD", PASSWORD.into())]);
    assert!(out.status.success(), "PGPASSWORD: {}", all_output(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"name\": \"t\""));

    pgpass(h, &format!("127.0.0.1:{port}:*:postgres:{PASSWORD}"), 0o600);
    let out = schema(h, &url, &[]);
    assert!(out.status.success(), ".pgpass: {}", all_output(&out));
    // A password file others can read is ignored, as libpq ignores it.
    pgpass(h, &format!("*:*:*:*:{PASSWORD}"), 0o644);
    assert!(!schema(h, &url, &[]).status.success());
    std::fs::remove_file(h.join(".pgpass")).unwrap();

    let env = [
        ("PGHOST", "127.0.0.1".to_owned()),
        ("PGPORT", port.clone()),
        ("PGUSER", "postgres".to_owned()),
        ("PGDATABASE", "postgres".to_owned()),
        ("PGPASSWORD", PASSWORD.to_owned()),
    ];
    let out = schema(h, "postgres://", &env);
    assert!(out.status.success(), "PG* variables: {}", all_output(&out));

    std::fs::write(
        h.join(".pg_service.conf"),
        format!("[shop]\nhost=127.0.0.1\nport={port}\nuser=postgres\ndbname=postgres\n"),
    )
    .unwrap();
    let out = schema(
        h,
        "postgres://?service=shop",
        &[("PGPASSWORD", PASSWORD.into())],
    );
    assert!(out.status.success(), "service: {}", all_output(&out));
    let out = schema(h, "postgres://?service=nope", &[]);
    assert_eq!(out.status.code(), Some(2), "{}", all_output(&out));
    assert!(all_output(&out).contains("service `nope` is not defined"));
}
