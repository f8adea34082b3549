//! ClickHouse on Debian's real 18.16 server over HTTP: conformance, literal escaping against the
//! server, round trips, read-only sessions, authentication; plus the modern catalog (table
//! comments, skip indexes, TTL) on rows shaped like `system.*` of current servers.

use crate::conformance::Fixture;
use crate::support::{
    block_on, connect, count_round_trips, extract_conformant, extract_default, i, t, table_names,
    CannedRunner, N,
};
use db_schema::{engine_by_name, extract, extract_url, Error, Filter, Options, TableKind};
use xldb_testkit::servers::{ClickHouse, CLICKHOUSE_PASSWORD_USER};

pub const FIXTURE: Fixture = Fixture {
    ddl: include_str!("fixtures/clickhouse.sql"),
    types: &[
        ("Customers", "id", "Int32"),
        ("Customers", "Email", "String"),
        ("Customers", "select", "Nullable(String)"),
        ("we;ird \"name\"", "created", "Nullable(DateTime)"),
    ],
};

fn server() -> &'static ClickHouse {
    ClickHouse::shared().unwrap_or_else(|e| panic!("{e:#}"))
}

fn fresh_db(name: &str, script: &str) -> String {
    let ch = server();
    let url = ch.create_database(name).unwrap();
    let script = script
        .replace("CREATE TABLE `", &format!("CREATE TABLE `{name}`.`"))
        .replace("CREATE VIEW `", &format!("CREATE VIEW `{name}`.`"))
        .replace("FROM `order`", &format!("FROM `{name}`.`order`"));
    ch.exec_script(&script).unwrap();
    url
}

#[test]
fn conformance() {
    let url = fresh_db("conformance", FIXTURE.ddl);
    let schema = extract_conformant("clickhouse", &url, &FIXTURE);
    let w = schema
        .table(Some("conformance"), "we;ird \"name\"")
        .unwrap();
    assert_eq!(w.extra["engine"], "MergeTree");
    assert_eq!(w.extra["sorting_key"], "tenant, id");
    assert_eq!(w.extra["partition_key"], "tenant");
    assert_eq!(
        w.column("tenant").unwrap().extra["keys"],
        serde_json::json!(["partition", "sorting", "primary"])
    );
    assert!(
        w.primary_key.is_none(),
        "a ClickHouse primary key is not a constraint"
    );
    assert_eq!(
        schema.table(None, "Order View").unwrap().kind,
        TableKind::View
    );
}

#[test]
fn materialized_views_hide_their_inner_table_and_keep_generated_columns() {
    let url = fresh_db(
        "mv",
        "CREATE TABLE `src` (d Date, v UInt32, doubled UInt64 MATERIALIZED v * 2, alias_v UInt32 ALIAS v) ENGINE = MergeTree PARTITION BY toYYYYMM(d) ORDER BY d SAMPLE BY d;\n\
         CREATE MATERIALIZED VIEW `mv`.`agg` ENGINE = SummingMergeTree ORDER BY d AS SELECT d, sum(v) AS s FROM `mv`.`src` GROUP BY d;\n",
    );
    let schema = extract_default(&url).unwrap();
    let names = table_names(&schema);
    assert_eq!(names, ["agg", "src"]);
    let agg = &schema.tables[0];
    assert_eq!(agg.kind, TableKind::MaterializedView);
    assert!(
        agg.definition
            .as_deref()
            .unwrap()
            .starts_with("SELECT d, sum(v)"),
        "{:?}",
        agg.definition
    );
    let src = &schema.tables[1];
    assert_eq!(src.extra["sampling_key"], "d");
    assert_eq!(
        src.column("doubled").unwrap().extra["generated"]["kind"],
        "materialized"
    );
    assert_eq!(
        src.column("alias_v").unwrap().extra["generated"]["kind"],
        "alias"
    );
    assert!(src.column("doubled").unwrap().default.is_none());
}

/// The 18.16 server has no query parameters, so filter values are escaped literals: a table
/// name that needs escaping filters exactly (the literals themselves are sent through the real
/// server by the engine's unit tests).
#[test]
fn an_escaped_table_name_filters_exactly_on_the_real_server() {
    let url = fresh_db("esc", "CREATE TABLE `it's \\\\ odd` (x Int8) ENGINE = Memory;\nCREATE TABLE `plain` (x Int8) ENGINE = Memory;\n");
    let mut options = Options::default();
    options.filter.tables = Some(vec!["it's \\ odd".into()]);
    let schema = block_on(extract_url(&url, &options, &())).unwrap();
    assert_eq!(table_names(&schema), ["it's \\ odd"]);
    // A hostile name is bound, matches nothing, and is reported by name (not an empty schema).
    options.filter.tables = Some(vec!["it's \\ odd".into(), "x') OR 1 = 1 OR ('".into()]);
    let e = block_on(extract_url(&url, &options, &())).unwrap_err();
    assert!(
        matches!(e, db_schema::Error::UnknownTables { known: 2, .. }),
        "{e}"
    );
    assert!(e.to_string().contains("`x') OR 1 = 1 OR ('`"), "{e}");
    options.filter = Filter {
        schema: Some("esc".into()),
        tables: None,
    };
    let schema = block_on(extract_url(&server().url("default"), &options, &())).unwrap();
    assert_eq!(
        schema.tables.len(),
        2,
        "schema filter selects another database"
    );
}

#[test]
fn round_trips_do_not_grow_with_the_number_of_tables() {
    let small: String = (0..10)
        .map(|n| format!("CREATE TABLE `t{n}` (id UInt32, v String) ENGINE = Memory;\n"))
        .collect();
    let large: String = (0..200)
        .map(|n| format!("CREATE TABLE `t{n}` (id UInt32, v String) ENGINE = Memory;\n"))
        .collect();
    let urls = [fresh_db("rt_small", &small), fresh_db("rt_large", &large)];
    let counts: Vec<(usize, usize)> = urls
        .iter()
        .map(|u| count_round_trips("clickhouse", u))
        .collect();
    assert_eq!(
        counts,
        [(3, 10), (3, 200)],
        "version probe + 2 catalog queries on 18.16"
    );
}

#[test]
fn the_session_is_read_only() {
    let url = fresh_db("ro", "CREATE TABLE `t` (x Int8) ENGINE = Memory;\n");
    block_on(async {
        let mut runner = connect("clickhouse", &url).await;
        for sql in [
            "INSERT INTO ro.t VALUES (1)",
            "CREATE TABLE ro.u (x Int8) ENGINE = Memory",
            "DROP TABLE ro.t",
        ] {
            let e = runner.query(sql, &[]).await.unwrap_err();
            assert!(e.to_string().contains("readonly"), "{sql}: {e}");
        }
    });
    assert_eq!(
        server().exec("SELECT count() FROM ro.t").unwrap().trim(),
        "0"
    );
}

#[test]
fn credentials_are_checked_and_never_printed() {
    let (user, pw) = CLICKHOUSE_PASSWORD_USER;
    let port = server().http_port();
    let ok = extract_default(&format!("clickhouse://{user}:{pw}@127.0.0.1:{port}/system")).unwrap();
    assert!(ok.tables.iter().any(|t| t.name == "tables"));
    let e = extract_default(&format!(
        "clickhouse://{user}:wrong-{pw}@127.0.0.1:{port}/system"
    ))
    .unwrap_err();
    assert!(matches!(e, Error::Auth { .. }), "{e}");
    assert!(!format!("{e} {e:?}").contains(pw));
    let free = xldb_testkit::servers::free_port().unwrap();
    let e = extract_default(&format!("clickhouse://{user}:{pw}@127.0.0.1:{free}/x")).unwrap_err();
    assert!(matches!(e, Error::Connect { .. }), "{e}");
}

/// Modern servers (21.6+): table comments, skip indexes, TTL, position ordering. No modern
/// server runs here; these rows follow the documented columns of `system.tables`,
/// `system.columns` and `system.data_skipping_indices`.
#[test]
fn modern_catalog_columns_on_documented_rows() {
    let engine = engine_by_name("clickhouse").unwrap();
    let mut runner = CannedRunner::default();
    runner.push("version()", &["version()"], vec![vec![t("24.3.2.23")]]);
    runner.push(
        "comment AS comment",
        &["database", "name", "engine", "engine_full", "partition_key", "sorting_key", "primary_key", "sampling_key", "create_table_query", "comment"],
        vec![vec![
            t("db"), t("events"), t("MergeTree"),
            t("MergeTree PARTITION BY toYYYYMM(d) ORDER BY (id, d) TTL d + toIntervalDay(30) SETTINGS index_granularity = 8192"),
            t("toYYYYMM(d)"), t("id, d"), t("id, d"), t(""), t("CREATE TABLE db.events (...)"), t("raw events"),
        ]],
    );
    runner.push(
        "ORDER BY database, table, position",
        &[
            "database",
            "table",
            "name",
            "type",
            "default_kind",
            "default_expression",
            "comment",
            "is_in_partition_key",
            "is_in_sorting_key",
            "is_in_primary_key",
            "is_in_sampling_key",
        ],
        vec![
            vec![
                t("db"),
                t("events"),
                t("id"),
                t("UInt64"),
                t(""),
                t(""),
                t(""),
                i(0),
                i(1),
                i(1),
                i(0),
            ],
            vec![
                t("db"),
                t("events"),
                t("d"),
                t("Date"),
                t("DEFAULT"),
                t("today()"),
                t("day"),
                i(1),
                i(1),
                i(1),
                i(0),
            ],
            vec![
                t("db"),
                t("events"),
                t("msg"),
                t("LowCardinality(Nullable(String))"),
                t(""),
                t(""),
                N,
                i(0),
                i(0),
                i(0),
                i(0),
            ],
        ],
    );
    runner.push(
        "system.data_skipping_indices",
        &["database", "table", "name", "type", "expr", "granularity"],
        vec![
            vec![
                t("db"),
                t("events"),
                t("msg_bf"),
                t("bloom_filter(0.01)"),
                t("msg"),
                t("4"),
            ],
            vec![
                t("db"),
                t("events"),
                t("len_mm"),
                t("minmax"),
                t("length(msg)"),
                t("1"),
            ],
        ],
    );
    let schema = block_on(extract(engine, &mut runner, &Filter::default(), &())).unwrap();
    crate::json_schema::validate(&serde_json::to_value(&schema).unwrap());
    let e = &schema.tables[0];
    assert_eq!(e.comment.as_deref(), Some("raw events"));
    assert_eq!(e.extra["ttl"], "d + toIntervalDay(30)");
    assert_eq!(
        e.columns.iter().map(|c| c.position).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert!(e.column("msg").unwrap().nullable);
    assert_eq!(e.column("d").unwrap().default.as_deref(), Some("today()"));
    assert_eq!(e.column("d").unwrap().comment.as_deref(), Some("day"));
    let bf = e.index("msg_bf").unwrap();
    assert_eq!(bf.columns[0].column.as_deref(), Some("msg"));
    assert_eq!(bf.method.as_deref(), Some("bloom_filter"));
    assert_eq!(bf.extra["granularity"], 4);
    let mm = e.index("len_mm").unwrap();
    assert_eq!(mm.columns[0].expression.as_deref(), Some("length(msg)"));
    assert!(runner.answers.is_empty());
}
