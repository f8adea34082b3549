//! DuckDB in process: conformance, round trips, read-only connection, filters.

use crate::conformance::Fixture;
use crate::support::{block_on, connect, count_round_trips, extract_conformant, table_names};
use db_schema::{extract_url, Options};
use std::path::Path;

pub const FIXTURE: Fixture = Fixture {
    ddl: include_str!("fixtures/duckdb.sql"),
    types: &[
        ("Customers", "id", "INTEGER"),
        ("Customers", "Email", "VARCHAR"),
        ("we;ird \"name\"", "created", "TIMESTAMP"),
    ],
};

fn db_with(dir: &Path, sql: &str) -> String {
    let path = dir.join("t.duckdb");
    let conn = duckdb::Connection::open(&path).unwrap();
    conn.execute_batch(sql).unwrap();
    drop(conn);
    format!("duckdb://{}", path.display())
}

#[test]
fn conformance() {
    let dir = tempfile::tempdir().unwrap();
    let url = db_with(dir.path(), FIXTURE.ddl);
    // DuckDB's capabilities do not depend on the version.
    let schema = extract_conformant("duckdb", &url, &FIXTURE);
    assert!(
        schema
            .server_version
            .as_deref()
            .unwrap()
            .starts_with("v1.5"),
        "{:?}",
        schema.server_version
    );
    assert!(schema
        .tables
        .iter()
        .all(|t| t.schema.as_deref() == Some("main")));
}

#[test]
fn round_trips_do_not_grow_with_the_number_of_tables() {
    let sql = |n: usize| -> String {
        let mut s = String::from("CREATE TABLE parent (id INTEGER PRIMARY KEY);\n");
        for i in 0..n {
            s.push_str(&format!("CREATE TABLE t{i} (id INTEGER PRIMARY KEY, p INTEGER REFERENCES parent(id), v VARCHAR CHECK (v <> ''));\nCREATE INDEX t{i}_v ON t{i} (v);\n"));
        }
        s
    };
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let counts: Vec<(usize, usize)> = [db_with(a.path(), &sql(10)), db_with(b.path(), &sql(200))]
        .iter()
        .map(|u| count_round_trips("duckdb", u))
        .collect();
    assert_eq!(counts, [(5, 11), (5, 201)]);
}

#[test]
fn filters_are_bound_and_the_connection_is_read_only() {
    let dir = tempfile::tempdir().unwrap();
    let url = db_with(dir.path(), FIXTURE.ddl);
    let mut options = Options::default();
    options.filter.tables = Some(vec!["order".into()]);
    let schema = block_on(extract_url(&url, &options, &())).unwrap();
    assert_eq!(table_names(&schema), ["order"]);
    // A hostile name is bound, matches nothing, and is reported by name (not an empty schema).
    options.filter.tables = Some(vec!["order".into(), "x') OR 1=1 --".into()]);
    let e = block_on(extract_url(&url, &options, &())).unwrap_err();
    assert!(matches!(e, db_schema::Error::UnknownTables { .. }), "{e}");
    assert!(e.to_string().contains("`x') OR 1=1 --`"), "{e}");
    block_on(async {
        let mut runner = connect("duckdb", &url).await;
        for sql in [
            "CREATE TABLE x (i INTEGER)",
            "INSERT INTO \"order\" VALUES (1, 1, 'n')",
        ] {
            let e = runner.query(sql, &[]).await.unwrap_err();
            assert!(
                e.to_string().to_lowercase().contains("read-only")
                    || e.to_string().contains("read only"),
                "{e}"
            );
        }
    });
}

/// `duckdb_columns()` gives a generated column's expression as its default (`CAST((a * 2) AS
/// INTEGER)`): it must come out as a generated column with no default. Collations are read
/// from the same DDL text.
#[test]
fn generated_columns_are_not_defaults_and_collations_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let url = db_with(
        dir.path(),
        "CREATE TABLE g (a INTEGER DEFAULT 7, \"b x\" INTEGER GENERATED ALWAYS AS (a * 2) VIRTUAL, \
         c VARCHAR AS (upper(CAST(a AS VARCHAR))), d VARCHAR COLLATE NOCASE);",
    );
    let schema = block_on(extract_url(&url, &Options::default(), &())).unwrap();
    let g = &schema.tables[0];
    assert_eq!(g.column("a").unwrap().default.as_deref(), Some("7"));
    assert!(g.column("a").unwrap().extra.is_empty());
    assert_eq!(g.column("d").unwrap().extra["collation"], "NOCASE");
    for (column, expression) in [("b x", "(a * 2)"), ("c", "upper(CAST(a AS VARCHAR))")] {
        let c = g.column(column).unwrap();
        assert_eq!(c.default, None, "{column}");
        assert_eq!(
            c.extra["generated"],
            serde_json::json!({ "kind": "virtual", "expression": expression }),
            "{column}"
        );
    }
}
