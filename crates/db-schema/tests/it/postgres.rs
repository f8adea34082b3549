//! PostgreSQL on a throwaway real server: conformance, extras, round trips, low privileges,
//! read-only sessions, errors.

use crate::conformance::{check, Fixture};
use crate::support::{
    block_on, connect, count_round_trips, extract_conformant, extract_default, table_names,
};
use db_schema::{engine_by_name, extract, extract_url, CountingRunner, Error, Filter, Options};
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
    // PostgreSQL's own facts in the fixture: domain, NOT VALID, operator class, NULLS FIRST,
    // INCLUDE, DEFERRABLE.
    let customers = schema.table(None, "Customers").unwrap();
    let name = customers.column("名前").unwrap();
    assert_eq!(name.data_type, "\"short text\"");
    assert_eq!(
        name.extra["domain"],
        serde_json::json!({"schema": "public", "name": "short text"})
    );
    assert_eq!(schema.extra["domains"][0]["checks"][0]["name"], "short");
    let check = customers
        .checks
        .iter()
        .find(|c| c.name.as_deref() == Some("id positive"));
    assert!(check.unwrap().not_valid);
    let ix = customers.index("ix pattern").unwrap();
    assert_eq!(ix.columns[0].opclass.as_deref(), Some("text_pattern_ops"));
    assert_eq!(ix.columns[0].nulls.as_deref(), Some("first"));
    assert_eq!(ix.include, ["select"]);
    let weird = schema.table(None, "we;ird \"name\"").unwrap();
    assert!(weird.index("ix desc").unwrap().columns[1].nulls.as_deref() == Some("first"));
    assert!(!weird.foreign_keys[0].deferrable);
    let order = schema.table(None, "order").unwrap();
    let fk = &order.foreign_keys[0];
    assert!(fk.deferrable && fk.initially_deferred && !fk.not_valid);
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
    assert_eq!(
        person.column("doubled").unwrap().extra["generated"]["expression"],
        "id * 2",
        "outer parentheses stripped, as for checks"
    );
    let lower = person.index("person_lower").unwrap();
    assert_eq!(lower.columns.len(), 1);
    assert_eq!(lower.columns[0].column, None);
    assert_eq!(lower.columns[0].expression.as_deref(), Some("lower(name)"));
    assert!(lower.columns[0].descending);
    assert_eq!(lower.include, ["feeling"]);
    assert_eq!(
        lower.columns[0].nulls.as_deref(),
        Some("last"),
        "DESC NULLS LAST"
    );
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
    assert_eq!(
        s, 7,
        "version probe + 6 catalog queries (types: enums and domains in one)"
    );
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

const FACTS: &str = r#"
    CREATE SCHEMA facts;
    CREATE SCHEMA parts;
    CREATE DOMAIN facts.year AS integer NOT NULL DEFAULT 2000
        CONSTRAINT year_check CHECK (VALUE >= 1901 AND VALUE <= 2155);
    CREATE TABLE facts.film (
        id int PRIMARY KEY,
        title varchar(100) NOT NULL,
        code text,
        release facts.year,
        during tsrange,
        CONSTRAINT title_code UNIQUE NULLS NOT DISTINCT (title, code) DEFERRABLE,
        CONSTRAINT no_overlap EXCLUDE USING gist (during WITH &&)
    );
    ALTER TABLE facts.film ADD CONSTRAINT code_len CHECK (length(code) < 10) NOT VALID;
    CREATE INDEX film_pattern ON facts.film
        (title varchar_pattern_ops, code text_pattern_ops DESC NULLS LAST) INCLUDE (release);
    CREATE INDEX film_code_nulls ON facts.film (code NULLS FIRST);
    CREATE UNIQUE INDEX film_code_nnd ON facts.film (code) NULLS NOT DISTINCT;
    CREATE TABLE facts.rental (id int PRIMARY KEY DEFERRABLE INITIALLY DEFERRED, film_id int);
    ALTER TABLE facts.rental ADD CONSTRAINT rental_film FOREIGN KEY (film_id)
        REFERENCES facts.film (id) ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED NOT VALID;
    CREATE TABLE facts.payment (
        id int NOT NULL, film_id int, paid date NOT NULL,
        amount numeric CONSTRAINT amount_positive CHECK (amount >= 0)
    ) PARTITION BY RANGE (paid);
    CREATE INDEX payment_paid ON facts.payment (paid);
    CREATE TABLE facts.payment_2023 PARTITION OF facts.payment
        FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
    CREATE TABLE parts.payment_2024 PARTITION OF facts.payment
        FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
    ALTER TABLE parts.payment_2024 ADD CONSTRAINT payment_2024_film FOREIGN KEY (film_id)
        REFERENCES facts.film (id);
    ALTER TABLE parts.payment_2024 ADD CONSTRAINT payment_2024_id CHECK (id > 0);
    CREATE INDEX payment_2024_film_ix ON parts.payment_2024 (film_id);
    CREATE TABLE facts.payment_2025 PARTITION OF facts.payment
        FOR VALUES FROM ('2025-01-01') TO ('2026-01-01') PARTITION BY LIST (film_id);
    CREATE TABLE facts.payment_2025_a PARTITION OF facts.payment_2025 FOR VALUES IN (1);
    CREATE INDEX payment_2025_a_own ON facts.payment_2025_a (amount);
"#;

fn facts_url() -> String {
    static URL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    URL.get_or_init(|| fresh_db("facts", FACTS)).clone()
}

fn facts(schema: Option<&str>, tables: Option<&[&str]>) -> db_schema::Schema {
    let mut options = Options::default();
    options.filter.schema = schema.map(str::to_owned);
    options.filter.tables = tables.map(|t| t.iter().map(|s| s.to_string()).collect());
    let schema = block_on(extract_url(&facts_url(), &options, &())).unwrap();
    crate::json_schema::validate(&serde_json::to_value(&schema).unwrap());
    schema
}

#[test]
fn index_facts_operator_classes_nulls_order_nulls_not_distinct_include() {
    let schema = facts(None, None);
    assert_eq!(schema.version, db_schema::MODEL_VERSION);
    let film = schema.table(Some("facts"), "film").unwrap();
    let ix = film.index("film_pattern").unwrap();
    let parts: Vec<_> = ix
        .columns
        .iter()
        .map(|p| {
            (
                p.column.as_deref().unwrap(),
                p.opclass.as_deref(),
                p.descending,
                p.nulls.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        parts,
        [
            ("title", Some("varchar_pattern_ops"), false, Some("last")),
            ("code", Some("text_pattern_ops"), true, Some("last")),
        ]
    );
    assert_eq!(ix.include, ["release"]);
    let nulls = film.index("film_code_nulls").unwrap();
    assert_eq!(nulls.columns[0].nulls.as_deref(), Some("first"));
    assert_eq!(nulls.columns[0].opclass, None, "default opclass not named");
    assert!(!nulls.nulls_not_distinct);
    let nnd = film.index("film_code_nnd").unwrap();
    assert!(nnd.unique && nnd.nulls_not_distinct);
}

#[test]
fn constraint_facts_not_valid_deferrable_exclusion() {
    let schema = facts(None, None);
    let film = schema.table(Some("facts"), "film").unwrap();
    let pk = film.primary_key.as_ref().unwrap();
    assert!(!pk.deferrable && !pk.initially_deferred);
    let rental = schema.table(Some("facts"), "rental").unwrap();
    let pk = rental.primary_key.as_ref().unwrap();
    assert!(pk.deferrable && pk.initially_deferred);
    let uq = &film.unique_constraints[0];
    assert_eq!(uq.name.as_deref(), Some("title_code"));
    assert!(uq.nulls_not_distinct && uq.deferrable && !uq.initially_deferred);
    let check = film
        .checks
        .iter()
        .find(|c| c.name.as_deref() == Some("code_len"));
    assert!(check.unwrap().not_valid);
    assert_eq!(
        film.extra["exclusion_constraints"],
        serde_json::json!([{
            "name": "no_overlap",
            "definition": "EXCLUDE USING gist (during WITH &&)",
            "deferrable": false,
            "initially_deferred": false,
        }])
    );
    let fk = &rental.foreign_keys[0];
    assert_eq!(fk.on_update.as_deref(), Some("CASCADE"));
    assert!(fk.deferrable && fk.initially_deferred && fk.not_valid);
    let payment = schema.table(Some("facts"), "payment").unwrap();
    assert!(!payment.checks[0].not_valid);
}

#[test]
fn domains_are_listed_and_columns_point_to_them() {
    let schema = facts(None, None);
    assert_eq!(
        schema.extra["domains"],
        serde_json::json!([{
            "schema": "facts",
            "name": "year",
            "type": "integer",
            "not_null": true,
            "default": "2000",
            "checks": [{
                "name": "year_check",
                "expression": "(VALUE >= 1901) AND (VALUE <= 2155)",
                "not_valid": false,
            }],
        }])
    );
    let film = schema.table(Some("facts"), "film").unwrap();
    assert_eq!(
        film.column("release").unwrap().extra["domain"],
        serde_json::json!({"schema": "facts", "name": "year"})
    );
    assert!(!film.column("code").unwrap().extra.contains_key("domain"));
}

#[test]
fn partitions_carry_their_own_constraints_and_indexes() {
    let schema = facts(None, None);
    assert_eq!(table_names(&schema), ["film", "payment", "rental"]);
    // Naming the parent brings its partitions at every depth.
    let named = facts(None, Some(&["payment"]));
    assert_eq!(table_names(&named), ["payment"]);
    for schema in [&schema, &named] {
        check_payment_partitions(schema);
    }
}

fn check_payment_partitions(schema: &db_schema::Schema) {
    let payment = schema.table(Some("facts"), "payment").unwrap();
    let parts = payment.extra["partitioning"]["partitions"]
        .as_array()
        .unwrap();
    let names: Vec<_> = parts.iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "payment_2023",
            "payment_2025",
            "payment_2025_a",
            "payment_2024"
        ]
    );
    let sub = &parts[2];
    assert_eq!(
        sub["parent"], "payment_2025",
        "a sub-partition names its parent"
    );
    assert_eq!(sub["indexes"][0]["name"], "payment_2025_a_own");
    assert_eq!(parts[1]["parent"], serde_json::Value::Null);
    // Nothing cloned from the parent (its check, its index) is repeated.
    let p2023 = &parts[0];
    for key in ["foreign_keys", "checks", "indexes", "unique_constraints"] {
        assert_eq!(p2023[key], serde_json::json!([]), "{key}");
    }
    let p2024 = &parts[3];
    assert_eq!(p2024["schema"], "parts");
    assert!(p2024["bound"].as_str().unwrap().contains("2024-01-01"));
    assert_eq!(p2024["foreign_keys"][0]["name"], "payment_2024_film");
    assert_eq!(p2024["foreign_keys"][0]["referenced_table"], "film");
    assert_eq!(p2024["checks"][0]["name"], "payment_2024_id");
    assert_eq!(p2024["checks"].as_array().unwrap().len(), 1);
    let ix: Vec<_> = p2024["indexes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(ix, ["payment_2024_film_ix"]);
}

#[test]
fn a_schema_of_partitions_and_a_named_partition_are_returned_whole() {
    for schema in [
        facts(Some("parts"), None),
        facts(None, Some(&["payment_2024"])),
        facts(None, Some(&["parts.payment_2024"])),
    ] {
        assert_eq!(table_names(&schema), ["payment_2024"]);
        let t = &schema.tables[0];
        assert_eq!(t.extra["partition_of"]["name"], "payment", "{:?}", t.extra);
        assert_eq!(t.columns.len(), 4);
        assert_eq!(t.foreign_keys.len(), 1);
        let mut ix: Vec<_> = t.indexes.iter().map(|i| i.name.as_str()).collect();
        ix.sort();
        assert_eq!(ix, ["payment_2024_film_ix", "payment_2024_paid_idx"]);
    }
    // A partition of another schema's parent, named with its parent: still whole.
    let schema = facts(Some("facts"), Some(&["payment", "payment_2023"]));
    assert_eq!(table_names(&schema), ["payment", "payment_2023"]);
}

/// The SQL switched for older servers (10: no `conparentid`, `indnkeyatts`, `attgenerated`;
/// 14: no `NULLS NOT DISTINCT`) still parses and maps: run against this server.
#[test]
fn version_switched_sql_runs() {
    let url = facts_url();
    let engine = engine_by_name("postgres").unwrap();
    for version in ["10.23", "11.22", "14.13"] {
        let filter = db_schema::Filter::default();
        let schema = block_on(async {
            let mut runner = connect("postgres", &url).await;
            let mut results = Vec::new();
            for q in engine.catalog_queries(&filter, version) {
                let rows = runner.query(&q.sql, &q.params).await.unwrap();
                results.push((q.name, rows));
            }
            engine
                .build(&db_schema::Catalog {
                    server_version: version.into(),
                    filter: filter.clone(),
                    results,
                })
                .unwrap()
        });
        assert_eq!(
            table_names(&schema),
            ["film", "payment", "rental"],
            "{version}"
        );
        let film = schema.table(Some("facts"), "film").unwrap();
        assert!(
            !film.index("film_code_nnd").unwrap().nulls_not_distinct,
            "{version}"
        );
    }
}

/// Sessions the server has counted on database `db` (PostgreSQL 14+, when they end), read
/// from another database so the probe does not count itself.
fn sessions_on(db: &str) -> i64 {
    let out = server()
        .psql(
            "postgres",
            &format!("SELECT sessions FROM pg_stat_database WHERE datname = '{db}';"),
        )
        .unwrap();
    out.trim()
        .parse()
        .unwrap_or_else(|_| panic!("sessions: {out:?}"))
}

/// The sessions `f` opened on `db`, once the server has counted them.
fn sessions_opened_by(db: &str, f: impl FnOnce()) -> i64 {
    let before = sessions_on(db);
    f();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while sessions_on(db) == before && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    // A second session may end a moment after the first.
    std::thread::sleep(std::time::Duration::from_millis(500));
    sessions_on(db) - before
}

fn model_json(schema: &db_schema::Schema) -> serde_json::Value {
    serde_json::to_value(schema).unwrap()
}

#[test]
fn catalog_queries_share_two_connections_and_fall_back_to_one() {
    let url = fresh_db("twoconn", FACTS);
    let mut parallel = None;
    let opened = sessions_opened_by("twoconn", || {
        parallel = Some(block_on(extract_url(&url, &Options::default(), &())).unwrap());
    });
    assert_eq!(
        opened, 2,
        "the built-in runner runs the catalog queries on a second connection as well"
    );
    let parallel = model_json(&parallel.unwrap());

    // One connection running them one after another (the trait's default `query_all`, which
    // a wrapping runner gets) builds the same model.
    let sequential = block_on(async {
        let runner = connect("postgres", &url).await;
        let mut one_by_one = CountingRunner::new(runner);
        extract(
            engine_by_name("postgres").unwrap(),
            &mut one_by_one,
            &Filter::default(),
            &(),
        )
        .await
        .unwrap()
    });
    assert_eq!(model_json(&sequential), parallel);

    // A role allowed one connection gets the same model on that one.
    server()
        .psql(
            "twoconn",
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'xldb_one') THEN
                 CREATE ROLE xldb_one LOGIN CONNECTION LIMIT 1; END IF; END $$;",
        )
        .unwrap();
    let one = url.replace("postgres://postgres@", "postgres://xldb_one@");
    let mut limited = None;
    let opened = sessions_opened_by("twoconn", || {
        limited = Some(block_on(extract_url(&one, &Options::default(), &())).unwrap());
    });
    assert_eq!(opened, 1, "the refused second connection is not retried");
    assert_eq!(model_json(&limited.unwrap()), parallel);
}
