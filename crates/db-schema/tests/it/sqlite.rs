//! SQLite: conformance, round trips, read-only connection, filters.

use crate::conformance::Fixture;
use crate::support::{
    block_on, connect, count_round_trips, extract_conformant, extract_default, table_names,
};
use db_schema::{extract_url, Error, Filter, Options};
use std::path::Path;

pub const FIXTURE: Fixture = Fixture {
    ddl: include_str!("fixtures/sqlite.sql"),
    types: &[
        ("Customers", "id", "INTEGER"),
        ("Customers", "Email", "TEXT"),
        ("we;ird \"name\"", "created", "TIMESTAMP"),
    ],
};

fn db_with(dir: &Path, sql: &str) -> String {
    let path = dir.join("t.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(sql).unwrap();
    format!("sqlite://{}", path.display())
}

#[test]
fn conformance() {
    let dir = tempfile::tempdir().unwrap();
    let url = db_with(dir.path(), FIXTURE.ddl);
    let schema = extract_conformant("sqlite", &url, &FIXTURE);
    assert_eq!(schema.engine, "sqlite");
    let t = schema.table(Some("main"), "we;ird \"name\"").unwrap();
    assert_eq!(t.extra["without_rowid"], false);
}

/// SQLite reports no column collation; it is read from the DDL. An index part names its
/// collation only when it differs from the column's (the model's rule on every engine).
#[test]
fn collations_of_columns_and_index_parts() {
    let dir = tempfile::tempdir().unwrap();
    let url = db_with(
        dir.path(),
        "CREATE TABLE c (name TEXT COLLATE NOCASE, code TEXT, plain TEXT COLLATE BINARY);
         CREATE INDEX c_name ON c (name);
         CREATE INDEX c_name_exact ON c (name COLLATE BINARY, code COLLATE NOCASE, lower(code));",
    );
    let schema = extract_default(&url).unwrap();
    let c = schema.table(None, "c").unwrap();
    assert_eq!(c.column("name").unwrap().extra["collation"], "NOCASE");
    assert!(!c.column("code").unwrap().extra.contains_key("collation"));
    assert!(!c.column("plain").unwrap().extra.contains_key("collation"));
    let parts = |ix: &str| -> Vec<Option<String>> {
        c.index(ix)
            .unwrap()
            .columns
            .iter()
            .map(|p| p.collation.clone())
            .collect()
    };
    assert_eq!(parts("c_name"), [None]);
    assert_eq!(
        parts("c_name_exact"),
        [Some("BINARY".to_owned()), Some("NOCASE".to_owned()), None]
    );
}

/// SQLite honours DEFERRABLE INITIALLY DEFERRED foreign keys but no pragma reports it.
#[test]
fn deferrable_foreign_keys_are_read_from_the_ddl() {
    let dir = tempfile::tempdir().unwrap();
    let url = db_with(
        dir.path(),
        "CREATE TABLE p (id INTEGER PRIMARY KEY, x INT, y INT, UNIQUE (x, y));
         CREATE TABLE c (a INT REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED,
                         b INT REFERENCES p (id), x INT, y INT,
                         FOREIGN KEY (x, y) REFERENCES p (x, y) DEFERRABLE);",
    );
    let schema = extract_default(&url).unwrap();
    let c = schema.table(None, "c").unwrap();
    let facts: Vec<(Vec<String>, bool, bool)> = c
        .foreign_keys
        .iter()
        .map(|fk| (fk.columns.clone(), fk.deferrable, fk.initially_deferred))
        .collect();
    for want in [
        (vec!["a".to_owned()], true, true),
        (vec!["b".to_owned()], false, false),
        (vec!["x".to_owned(), "y".to_owned()], true, false),
    ] {
        assert!(facts.contains(&want), "{want:?} not in {facts:?}");
    }
}

#[test]
fn generated_columns_carry_their_kind_and_expression() {
    let dir = tempfile::tempdir().unwrap();
    let url = db_with(
        dir.path(),
        "CREATE TABLE g (a INTEGER, b TEXT GENERATED ALWAYS AS (upper(a || 'x')) STORED, \
         c AS (a * 2) VIRTUAL);",
    );
    let schema = extract_default(&url).unwrap();
    let g = schema.table(None, "g").unwrap();
    assert_eq!(
        g.column("b").unwrap().extra["generated"],
        serde_json::json!({"kind": "stored", "expression": "upper(a || 'x')"})
    );
    assert_eq!(
        g.column("c").unwrap().extra["generated"],
        serde_json::json!({"kind": "virtual", "expression": "a * 2"})
    );
    assert_eq!(g.column("c").unwrap().default, None);
}

fn many_tables(n: usize) -> String {
    let mut sql =
        String::from("CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);\n");
    for i in 0..n {
        sql.push_str(&format!(
            "CREATE TABLE t{i} (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id), v TEXT DEFAULT 'a', n INT CHECK (n > 0));\n\
             CREATE INDEX t{i}_v ON t{i} (v DESC) WHERE n > 1;\n"
        ));
    }
    sql
}

#[test]
fn round_trips_do_not_grow_with_the_number_of_tables() {
    let small = tempfile::tempdir().unwrap();
    let large = tempfile::tempdir().unwrap();
    let (s, ns) = count_round_trips("sqlite", &db_with(small.path(), &many_tables(10)));
    let (l, nl) = count_round_trips("sqlite", &db_with(large.path(), &many_tables(1000)));
    assert_eq!((ns, nl), (11, 1001));
    assert_eq!(s, l, "statements for 10 vs 1,000 tables");
    assert_eq!(s, 5, "version probe + 4 catalog queries");
}

#[test]
fn table_and_schema_filters_are_bound_not_formatted() {
    let dir = tempfile::tempdir().unwrap();
    let url = db_with(dir.path(), FIXTURE.ddl);
    let hostile = "x') OR 1=1 --";
    let mut options = Options::default();
    options.filter.tables = Some(vec!["we;ird \"name\"".into(), hostile.into()]);
    // The hostile name is bound, matches nothing, and is reported by name.
    let e = block_on(extract_url(&url, &options, &())).unwrap_err();
    assert!(matches!(e, db_schema::Error::UnknownTables { .. }), "{e}");
    assert!(e.to_string().contains(&format!("`{hostile}`")), "{e}");
    options.filter.tables = Some(vec!["we;ird \"name\"".into()]);
    let schema = block_on(extract_url(&url, &options, &())).unwrap();
    let names = table_names(&schema);
    assert_eq!(names, ["we;ird \"name\""]);
    // The FK to a table outside the filter is still reported.
    assert_eq!(
        schema.tables[0].foreign_keys[0].referenced_table,
        "Customers"
    );
    options.filter = Filter {
        schema: Some("other".into()),
        tables: None,
    };
    assert!(block_on(extract_url(&url, &options, &()))
        .unwrap()
        .tables
        .is_empty());
}

/// Regression: `--tables Orders`, `--tables main.orders`, `--tables "a, b"` and typos used to
/// extract nothing and the CLI then said "no findings".
#[test]
fn typed_table_names_are_trimmed_qualified_case_corrected_or_named_as_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let url = db_with(dir.path(), FIXTURE.ddl);
    let mut options = Options::default();
    options.filter.tables = Some(vec!["customers".into(), " ORDER ".into()]);
    let schema = block_on(extract_url(&url, &options, &())).unwrap();
    assert_eq!(table_names(&schema), ["Customers", "order"]);
    options.filter.tables = Some(vec!["main.Customers".into()]);
    let schema = block_on(extract_url(&url, &options, &())).unwrap();
    assert_eq!(table_names(&schema), ["Customers"]);
    options.filter.tables = Some(vec!["custmers".into(), "order".into(), "zzz".into()]);
    let e = block_on(extract_url(&url, &options, &())).unwrap_err();
    assert!(e.is_usage(), "{e}");
    let msg = e.to_string();
    assert!(
        msg.contains("`custmers` (did you mean `Customers`?)") && msg.contains("`zzz`"),
        "{msg}"
    );
    assert!(
        !msg.contains("`order`"),
        "a found table is not reported: {msg}"
    );
}

#[test]
fn the_connection_is_read_only() {
    let dir = tempfile::tempdir().unwrap();
    let url = db_with(dir.path(), FIXTURE.ddl);
    let mut runner = block_on(connect("sqlite", &url));
    for sql in [
        "CREATE TABLE x (i INT)",
        "INSERT INTO \"order\" VALUES (1, 1, 'n')",
        "PRAGMA query_only = 0",
    ] {
        let r = block_on(runner.query(sql, &[]));
        if sql.starts_with("PRAGMA") {
            // Even if the pragma itself runs, the file was opened read-only.
            let w = block_on(runner.query("DELETE FROM \"order\"", &[]));
            assert!(w.is_err(), "write after `{sql}` succeeded");
        } else {
            let e = r.unwrap_err();
            assert!(
                e.to_string().contains("readonly")
                    || e.to_string().contains("read-only")
                    || e.to_string().contains("query_only"),
                "{e}"
            );
        }
    }
}

#[test]
fn a_missing_file_is_a_connect_error_not_a_new_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing.db");
    let err = extract_default(&format!("sqlite://{}", path.display())).unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err}");
    assert!(!err.is_usage());
    assert!(!path.exists());
}

/// Regression: a folder given instead of a file, or a relative path that is not there, used to
/// fail with the driver's "unable to open database file".
#[test]
fn a_directory_or_a_missing_relative_file_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let err = extract_default(&format!("sqlite://{}", dir.path().display())).unwrap_err();
    assert!(err.is_usage(), "{err}");
    assert!(
        err.to_string()
            .contains("is a directory, not a database file"),
        "{err}"
    );
    let err = extract_default("sqlite:no/such/file.db").unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err}");
    assert!(err.to_string().contains("three slashes"), "{err}");
    let err = extract_default("sqlite3:///no/such/file.db").unwrap_err();
    assert!(err.to_string().contains("no such database file"), "{err}");
    let err = extract_default("mongodb://h/db").unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("unknown database url scheme `mongodb`")
            && msg.contains("`postgres://user@host:5432/db`")
            && msg.contains("`sqlite:///abs/path.db`"),
        "{msg}"
    );
}
