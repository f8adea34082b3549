//! PostgreSQL on a throwaway real server: conformance, extras, round trips, low privileges,
//! read-only sessions, errors.

use crate::conformance::{check, Fixture};
use crate::support::{
    block_on, connect, count_round_trips, extract_conformant, extract_default, table_names,
};
use db_schema::{engine_by_name, extract_url, Error, Options};
use xldb_testkit::servers::Postgres;

pub const FIXTURE: Fixture = Fixture {
    ddl: include_str!("fixtures/postgres.sql"),
    types: &[
        ("Customers", "id", "integer"),
        ("Customers", "Email", "text"),
        ("we;ird \"name\"", "created", "timestamp without time zone"),
    ],
};

fn server() -> &'static Postgres {
    Postgres::shared().unwrap_or_else(|e| panic!("{e:#}"))
}

fn fresh_db(name: &str, sql: &str) -> String {
    let pg = server();
    let url = pg.create_database(name).unwrap();
    pg.psql(name, sql).unwrap();
    url
}

#[test]
fn conformance() {
    let url = fresh_db("conformance", FIXTURE.ddl);
    let schema = extract_conformant("postgres", &url, &FIXTURE);
    assert!(schema
        .tables
        .iter()
        .all(|t| t.schema.as_deref() == Some("public")));
}

#[test]
fn extras_partitions_enums_sequences_and_expression_indexes() {
    let url = fresh_db(
        "extras",
        r#"
        CREATE SCHEMA "Sales";
        CREATE TYPE "Sales".mood AS ENUM ('sad', 'ok', 'happy');
        CREATE SEQUENCE "Sales".invoice_no START 100 INCREMENT 5;
        CREATE TABLE "Sales".person (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            serial_no serial,
            name text COLLATE "C",
            feeling "Sales".mood NOT NULL DEFAULT 'ok',
            doubled int GENERATED ALWAYS AS (id * 2) STORED
        );
        CREATE INDEX person_lower ON "Sales".person USING btree (lower(name) DESC NULLS LAST) INCLUDE (feeling);
        CREATE INDEX person_hash ON "Sales".person USING hash (name);
        CREATE UNIQUE INDEX person_serial ON "Sales".person (serial_no);
        CREATE TABLE "Sales".events (id int, at date NOT NULL) PARTITION BY RANGE (at);
        CREATE TABLE "Sales".events_2024 PARTITION OF "Sales".events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
        CREATE MATERIALIZED VIEW "Sales".moods AS SELECT feeling, count(*) AS n FROM "Sales".person GROUP BY feeling;
        CREATE TABLE public.other (x int);
        "#,
    );
    let mut options = Options::default();
    options.filter.schema = Some("Sales".into());
    let schema = block_on(extract_url(&url, &options, &())).unwrap();
    let names = table_names(&schema);
    assert_eq!(
        names,
        ["events", "moods", "person"],
        "partitions hidden, other schemas filtered"
    );
    assert_eq!(
        schema.extra["enums"][0]["labels"],
        serde_json::json!(["sad", "ok", "happy"])
    );
    let seqs = schema.extra["sequences"].as_array().unwrap();
    let seq_names: Vec<_> = seqs.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(
        seq_names,
        ["invoice_no", "person_serial_no_seq"],
        "identity sequences excluded"
    );
    assert_eq!(seqs[0]["increment"], "5");
    assert_eq!(
        seqs[1]["owned_by"],
        serde_json::json!(["Sales", "person", "serial_no"])
    );

    let events = schema.table(Some("Sales"), "events").unwrap();
    assert_eq!(events.extra["partitioning"]["key"], "RANGE (at)");
    assert_eq!(
        events.extra["partitioning"]["partitions"][0]["name"],
        "events_2024"
    );
    assert!(events.extra["partitioning"]["partitions"][0]["bound"]
        .as_str()
        .unwrap()
        .contains("2024-01-01"));

    let moods = schema.table(Some("Sales"), "moods").unwrap();
    assert_eq!(moods.kind, db_schema::TableKind::MaterializedView);
    assert!(moods.definition.as_deref().unwrap().contains("count(*)"));

    let person = schema.table(Some("Sales"), "person").unwrap();
    assert_eq!(person.column("id").unwrap().extra["identity"], "always");
    assert_eq!(
        person.column("feeling").unwrap().data_type,
        "\"Sales\".mood"
    );
    assert_eq!(
        person.column("feeling").unwrap().default.as_deref(),
        Some("'ok'::\"Sales\".mood")
    );
    assert_eq!(person.column("name").unwrap().extra["collation"], "C");
    assert_eq!(
        person.column("doubled").unwrap().extra["generated"]["kind"],
        "stored"
    );
    assert!(person.column("doubled").unwrap().default.is_none());
    let lower = person.index("person_lower").unwrap();
    assert_eq!(lower.columns.len(), 1);
    assert_eq!(lower.columns[0].column, None);
    assert_eq!(lower.columns[0].expression.as_deref(), Some("lower(name)"));
    assert!(lower.columns[0].descending);
    assert_eq!(lower.extra["include"], serde_json::json!(["feeling"]));
    let hash = person.index("person_hash").unwrap();
    assert!(!hash.unique);
    assert_eq!(hash.method.as_deref(), Some("hash"));
    assert!(person.index("person_serial").unwrap().unique);
}

fn many_tables_sql(n: usize) -> String {
    format!(
        "CREATE TABLE parent (id int PRIMARY KEY, name text UNIQUE);
         DO $$ BEGIN FOR i IN 1..{n} LOOP
           EXECUTE format('CREATE TABLE t%s (id int PRIMARY KEY, parent_id int REFERENCES parent(id), v text DEFAULT ''a'', n int CHECK (n > 0))', i);
           EXECUTE format('CREATE INDEX t%s_v ON t%s (v DESC) WHERE n > 1', i, i);
           EXECUTE format('COMMENT ON TABLE t%s IS ''table %s''', i, i);
         END LOOP; END $$;"
    )
}

#[test]
fn round_trips_do_not_grow_with_the_number_of_tables() {
    let small = fresh_db("rt_small", &many_tables_sql(10));
    let large = fresh_db("rt_large", &many_tables_sql(1000));
    let (s, ns) = count_round_trips("postgres", &small);
    let (l, nl) = count_round_trips("postgres", &large);
    assert_eq!((ns, nl), (11, 1001));
    assert_eq!(s, l);
    assert_eq!(s, 7, "version probe + 6 catalog queries");
}

#[test]
fn a_low_privilege_role_sees_the_whole_catalog() {
    let url = fresh_db("lowpriv", FIXTURE.ddl);
    server()
        .psql(
            "lowpriv",
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'xldb_low') THEN CREATE ROLE xldb_low LOGIN; END IF; END $$;
             REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;",
        )
        .unwrap();
    let low = url.replace("postgres://postgres@", "postgres://xldb_low@");
    let schema = extract_default(&low).unwrap();
    let caps = engine_by_name("postgres").unwrap().capabilities("");
    check(&schema, &caps, &FIXTURE);
    // The role really cannot read the data.
    let e = server()
        .psql("lowpriv", "SET ROLE xldb_low; SELECT * FROM \"order\";")
        .unwrap_err();
    assert!(format!("{e:#}").contains("permission denied"), "{e:#}");
}

#[test]
fn the_session_is_read_only() {
    let url = fresh_db("readonly", FIXTURE.ddl);
    block_on(async {
        let mut runner = connect("postgres", &url).await;
        for sql in [
            "CREATE TABLE x (i int)",
            "INSERT INTO \"order\" VALUES (1, 1, 'n')",
        ] {
            let e = runner.query(sql, &[]).await.unwrap_err();
            assert!(e.to_string().contains("read-only transaction"), "{e}");
        }
        let rows = runner
            .query("SELECT current_setting('statement_timeout')", &[])
            .await
            .unwrap();
        assert_eq!(rows.rows[0][0], db_schema::Value::Text("30s".into()));
    });
}

#[test]
fn unreachable_servers_and_unknown_databases_are_runtime_errors() {
    let port = xldb_testkit::servers::free_port().unwrap();
    let e = extract_default(&format!("postgres://postgres:pw-9f2@127.0.0.1:{port}/x")).unwrap_err();
    assert!(matches!(e, Error::Connect { .. }), "{e}");
    assert!(!e.is_usage());
    assert!(!format!("{e} {e:?}").contains("pw-9f2"));
    let e = extract_default(&server().url("no_such_db")).unwrap_err();
    assert!(e.to_string().contains("no_such_db"), "{e}");
}
