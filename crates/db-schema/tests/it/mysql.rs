//! MariaDB on a throwaway real server: conformance, extras, round trips, read-only sessions,
//! authentication errors.

use crate::conformance::Fixture;
use crate::support::{block_on, connect, count_round_trips, extract_conformant, extract_default};
use db_schema::{engine_by_name, extract_url, Error, Options};
use xldb_testkit::servers::MariaDb;

pub const FIXTURE: Fixture = Fixture {
    ddl: include_str!("fixtures/mysql.sql"),
    types: &[
        ("Customers", "id", "int(11)"),
        ("Customers", "Email", "varchar(100)"),
        ("we;ird \"name\"", "created", "datetime"),
        ("order", "note", "text"),
    ],
};

fn server() -> &'static MariaDb {
    MariaDb::shared().unwrap_or_else(|e| panic!("{e:#}"))
}

fn fresh_db(name: &str, sql: &str) -> String {
    let m = server();
    let url = m.create_database(name).unwrap();
    m.exec(name, sql).unwrap();
    url
}

#[test]
fn conformance() {
    let url = fresh_db("conformance", FIXTURE.ddl);
    let schema = extract_conformant("mysql", &url, &FIXTURE);
    let caps = engine_by_name("mysql")
        .unwrap()
        .capabilities(schema.server_version.as_deref().unwrap_or(""));
    assert!(
        caps.descending_indexes && caps.check_constraints,
        "MariaDB 10.11 has both"
    );
    let c = schema.table(Some("conformance"), "Customers").unwrap();
    assert_eq!(c.extra["engine"], "InnoDB");
    assert_eq!(c.column("select").unwrap().default.as_deref(), Some("'x'"));
    assert!(
        schema.table(None, "Order View").unwrap().comment.is_none(),
        "MariaDB's `VIEW` comment dropped"
    );
}

#[test]
fn extras_partitions_generated_columns_and_prefix_indexes() {
    let url = fresh_db(
        "extras",
        "CREATE TABLE log (id INT NOT NULL AUTO_INCREMENT, at DATE NOT NULL, msg VARCHAR(200) COLLATE utf8mb4_bin,
            upd TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
            len INT AS (CHAR_LENGTH(msg)) STORED,
            PRIMARY KEY (id, at), INDEX msg_prefix (msg(10)) COMMENT 'prefix')
          PARTITION BY RANGE (YEAR(at)) (PARTITION p2023 VALUES LESS THAN (2024), PARTITION pmax VALUES LESS THAN MAXVALUE);
         CREATE TABLE other (x INT);",
    );
    let mut options = Options::default();
    options.filter.tables = Some(vec!["log".into()]);
    let schema = block_on(extract_url(&url, &options, &())).unwrap();
    assert_eq!(schema.tables.len(), 1);
    let log = &schema.tables[0];
    assert_eq!(log.extra["partitioning"]["method"], "RANGE");
    assert_eq!(log.extra["partitioning"]["partitions"][1]["name"], "pmax");
    assert_eq!(log.column("id").unwrap().extra["auto_increment"], true);
    assert_eq!(
        log.column("upd").unwrap().extra["on_update"],
        "current_timestamp()"
    );
    assert_eq!(
        log.column("len").unwrap().extra["generated"]["kind"],
        "stored"
    );
    assert_eq!(log.column("msg").unwrap().extra["collation"], "utf8mb4_bin");
    let ix = log.index("msg_prefix").unwrap();
    assert_eq!(ix.extra["sub_parts"]["msg"], 10);
    assert_eq!(ix.extra["comment"], "prefix");
    assert_eq!(ix.method.as_deref(), Some("btree"));
}

fn many_tables_sql(n: usize) -> String {
    let mut sql =
        String::from("CREATE TABLE parent (id INT PRIMARY KEY, name VARCHAR(20) UNIQUE);\n");
    for i in 0..n {
        sql.push_str(&format!(
            "CREATE TABLE t{i} (id INT PRIMARY KEY, parent_id INT, v VARCHAR(10) DEFAULT 'a', n INT CHECK (n > 0), INDEX t{i}_v (v DESC), FOREIGN KEY (parent_id) REFERENCES parent(id)) COMMENT 'table {i}';\n"
        ));
    }
    sql
}

#[test]
fn round_trips_do_not_grow_with_the_number_of_tables() {
    let small = fresh_db("rt_small", &many_tables_sql(10));
    // 300, not 1,000: InnoDB creates tables slowly; SQLite and PostgreSQL cover 1,000.
    let large = fresh_db("rt_large", &many_tables_sql(300));
    let (s, ns) = count_round_trips("mysql", &small);
    let (l, nl) = count_round_trips("mysql", &large);
    assert_eq!((ns, nl), (11, 301));
    assert_eq!(s, l);
    assert_eq!(s, 9, "version probe + 8 catalog queries");
}

#[test]
fn the_session_is_read_only() {
    let url = fresh_db("readonly", FIXTURE.ddl);
    block_on(async {
        let mut runner = connect("mysql", &url).await;
        for sql in [
            "INSERT INTO `order` VALUES (1, 1, 'n')",
            "CREATE TABLE x (i INT)",
        ] {
            let e = runner.query(sql, &[]).await.unwrap_err();
            assert!(e.to_string().contains("READ ONLY"), "{sql}: {e}");
        }
        let rows = runner
            .query("SELECT @@max_statement_time", &[])
            .await
            .unwrap();
        assert_eq!(rows.rows[0][0], db_schema::Value::Float(30.0));
    });
}

#[test]
fn bad_credentials_are_an_auth_error_without_the_password() {
    server()
        .exec("", "CREATE USER IF NOT EXISTS 'xldb_pw'@'%' IDENTIFIED BY 'right-pw-31'; GRANT SELECT ON *.* TO 'xldb_pw'@'%';")
        .unwrap();
    let port = server().port();
    let e = extract_default(&format!(
        "mysql://xldb_pw:wrong-pw-77@127.0.0.1:{port}/mysql"
    ))
    .unwrap_err();
    assert!(matches!(e, Error::Auth { .. }), "{e}");
    assert!(!format!("{e} {e:?}").contains("wrong-pw-77"));
    let ok = extract_default(&format!(
        "mariadb://xldb_pw:right-pw-31@127.0.0.1:{port}/mysql"
    ))
    .unwrap();
    assert!(!ok.tables.is_empty());
}
