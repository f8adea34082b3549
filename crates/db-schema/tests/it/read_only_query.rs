//! `QueryRunner::read_only_query` of the built-in runners against real databases, with no
//! SQL gate in front: the database's own enforcement is the last layer, so it must hold for
//! statements any gate would refuse.

use crate::support::block_on;
use db_schema::{connect, engine_for_url, ConnectOptions, DatabaseUrl, QueryRunner, ReadLimits};
use std::time::Duration;

async fn runner(url: &str) -> Box<dyn QueryRunner> {
    let parsed = DatabaseUrl::parse(url).unwrap();
    let engine = engine_for_url(&parsed).unwrap();
    connect(engine, &parsed, &ConnectOptions::default())
        .await
        .unwrap()
}

fn limits() -> ReadLimits {
    ReadLimits {
        max_rows: 10,
        max_bytes: 1 << 20,
        max_value_bytes: 1000,
        timeout: Duration::from_secs(5),
    }
}

/// Run each statement (a write, several statements, transaction control…); `check` then reads
/// a value that proves nothing changed. Statements in `must_fail` must fail outright.
fn refused_by_the_database(url: &str, statements: &[&str], check: &str) -> serde_json::Value {
    block_on(async {
        let mut r = runner(url).await;
        let before = r.read_only_query(check, &limits()).await.unwrap().rows;
        for sql in statements {
            let out = r.read_only_query(sql, &limits()).await;
            let must_fail = sql.contains(';')
                || sql.starts_with("INSERT")
                || sql.starts_with("COMMIT")
                || sql.starts_with("PRAGMA");
            assert!(!must_fail || out.is_err(), "{sql} ran: {out:?}");
        }
        let after = r.read_only_query(check, &limits()).await.unwrap().rows;
        assert_eq!(before, after, "something changed");
        after[0][0].clone()
    })
}

#[cfg(feature = "sqlite")]
#[test]
fn sqlite_refuses_writes_several_statements_and_huge_values() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);")
        .unwrap();
    let url = format!("sqlite://{}", path.display());
    let v = refused_by_the_database(
        &url,
        &[
            "INSERT INTO t VALUES (2)",
            "SELECT 1; INSERT INTO t VALUES (2)",
            "PRAGMA user_version = 7",
            "PRAGMA query_only = 0",
            "SELECT zeroblob(1000000000)",
            "SELECT length(zeroblob(1000000000))",
            "ATTACH DATABASE 'x.db' AS x",
            "BEGIN IMMEDIATE",
        ],
        "SELECT count(*) * 100 + (SELECT user_version FROM pragma_user_version) FROM t",
    );
    assert_eq!(v, 100);
}

#[cfg(feature = "postgres")]
#[test]
fn postgres_runs_one_statement_in_a_read_only_transaction_rolled_back() {
    let pg = xldb_testkit::servers::Postgres::shared().unwrap_or_else(|e| panic!("{e:#}"));
    let url = pg.create_database("xldb_read_only_query").unwrap();
    pg.psql(
        "xldb_read_only_query",
        "CREATE TABLE t (x int); INSERT INTO t VALUES (1); CREATE SEQUENCE s;",
    )
    .unwrap();
    let v = refused_by_the_database(
        &url,
        &[
            "INSERT INTO t VALUES (2)",
            "SELECT 1; INSERT INTO t VALUES (2)",
            "SELECT nextval('s')",
            "SELECT lo_create(0)",
            "COMMIT",
            "SELECT 1 FROM t FOR UPDATE",
            "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d",
            "SELECT pg_sleep(10)",
        ],
        "SELECT count(*) * 100 + (SELECT count(*) FROM pg_largeobject_metadata) FROM t",
    );
    assert_eq!(v, 100);
    // what one call sets does not carry over to the next
    block_on(async {
        let mut r = runner(&url).await;
        for sql in [
            "SELECT set_config('default_transaction_read_only', 'off', false)",
            "SELECT set_config('statement_timeout', '0', false)",
        ] {
            r.read_only_query(sql, &limits()).await.unwrap();
        }
        let after = r
            .read_only_query(
                "SELECT current_setting('transaction_read_only') AS ro, current_setting('statement_timeout') AS st",
                &limits(),
            )
            .await
            .unwrap();
        assert_eq!(after.rows[0][0], "on");
        assert_eq!(after.rows[0][1], "5s");
        assert!(r
            .read_only_query("INSERT INTO t VALUES (3)", &limits())
            .await
            .is_err());
    });
}

#[cfg(feature = "mysql")]
#[test]
fn mariadb_runs_one_statement_in_a_read_only_transaction_rolled_back() {
    let m = xldb_testkit::servers::MariaDb::shared().unwrap_or_else(|e| panic!("{e:#}"));
    let url = m.create_database("xldb_read_only_query").unwrap();
    m.exec(
        "xldb_read_only_query",
        "CREATE TABLE t (x int) ENGINE=InnoDB; INSERT INTO t VALUES (1);",
    )
    .unwrap();
    let v = refused_by_the_database(
        &url,
        &[
            "INSERT INTO t VALUES (2)",
            "SELECT 1; INSERT INTO t VALUES (2)",
            "COMMIT",
            "SET SESSION TRANSACTION READ WRITE",
            "SELECT SLEEP(10) FROM t FOR UPDATE",
        ],
        "SELECT count(*) FROM t",
    );
    assert_eq!(v, 1);
}

/// The built-in PostgreSQL connection asks the server to check for a vanished client while a
/// statement runs, so a statement whose client died (before its cancel request could land) does
/// not run on to its statement timeout.
#[cfg(feature = "postgres")]
#[test]
fn postgres_connections_check_for_a_vanished_client() {
    let pg = xldb_testkit::servers::Postgres::shared().unwrap_or_else(|e| panic!("{e:#}"));
    let url = pg.create_database("xldb_client_check").unwrap();
    block_on(async {
        let mut r = runner(&url).await;
        let out = r
            .read_only_query(
                "SELECT current_setting('client_connection_check_interval') AS v",
                &limits(),
            )
            .await
            .unwrap();
        assert_eq!(out.rows[0][0], serde_json::json!("1s"));
    });
}
