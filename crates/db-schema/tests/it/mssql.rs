//! SQL Server: the conformance kit on rows shaped like the documented `sys.*` catalog views
//! (what they report for `fixtures/mssql.sql`), the SQL the engine sends, and the `tiberius`
//! runner (live only when `DB_SCHEMA_MSSQL_URL` names a server).

use crate::conformance::{check, Fixture};
use crate::support::{block_on, i, t, CannedRunner, N};
use db_schema::{engine_by_name, extract, Filter, Param, Value};

pub const FIXTURE: Fixture = Fixture {
    ddl: include_str!("fixtures/mssql.sql"),
    types: &[
        ("Customers", "id", "int"),
        ("Customers", "Email", "nvarchar(100)"),
        ("we;ird \"name\"", "created", "datetime2(7)"),
        ("order", "note", "nvarchar(max)"),
    ],
};

const W: &str = "we;ird \"name\"";

fn b(v: bool) -> Value {
    Value::Bool(v)
}

/// Rows the catalog views return for the fixture, in the engine's query order.
pub fn canned() -> CannedRunner {
    let mut r = CannedRunner::default();
    r.push(
        "SERVERPROPERTY('ProductVersion')",
        &["version"],
        vec![vec![t("16.0.4135.4")]],
    );
    r.push(
        "FROM sys.objects AS o",
        &["schema_name", "name", "kind", "comment", "definition"],
        vec![
            vec![
                t("dbo"),
                t("Customers"),
                t("U"),
                t("people who buy; it's \"quoted\""),
                N,
            ],
            vec![t("dbo"), t("order"), t("U"), N, N],
            vec![
                t("dbo"),
                t("Order View"),
                t("V"),
                N,
                t("CREATE VIEW [Order View] AS SELECT tenant, note FROM [order];"),
            ],
            vec![t("dbo"), t(W), t("U"), N, N],
        ],
    );
    let coll = || t("SQL_Latin1_General_CP1_CI_AS");
    let col = |table: &str,
               name: &str,
               id: i64,
               ty: &str,
               nullable: bool,
               default: Value,
               comment: Value,
               collation: Value| {
        vec![
            t("dbo"),
            t(table),
            t(name),
            i(id),
            t(ty),
            b(nullable),
            default,
            comment,
            b(false),
            N,
            collation,
        ]
    };
    r.push(
        "FROM sys.columns AS c",
        &[
            "schema_name",
            "table_name",
            "name",
            "column_id",
            "type",
            "is_nullable",
            "default_value",
            "comment",
            "is_identity",
            "computed",
            "collation",
        ],
        vec![
            col("Customers", "id", 1, "int", false, N, N, N),
            col(
                "Customers",
                "Email",
                2,
                "nvarchar(100)",
                false,
                N,
                N,
                coll(),
            ),
            col(
                "Customers",
                "select",
                3,
                "nvarchar(20)",
                true,
                t("('x')"),
                N,
                coll(),
            ),
            col(
                "Customers",
                "名前",
                4,
                "nvarchar(50)",
                true,
                N,
                t("display name ✓"),
                coll(),
            ),
            col("order", "tenant", 1, "int", false, N, N, N),
            col("order", "weird_id", 2, "int", false, N, N, N),
            col("order", "note", 3, "nvarchar(max)", true, N, N, coll()),
            col("Order View", "tenant", 1, "int", false, N, N, N),
            col("Order View", "note", 2, "nvarchar(max)", true, N, N, coll()),
            col(W, "tenant", 1, "int", false, N, N, N),
            col(W, "id", 2, "int", false, N, N, N),
            col(W, "customer_id", 3, "int", true, N, N, N),
            col(W, "qty", 4, "int", false, t("((1))"), N, N),
            col(W, "created", 5, "datetime2(7)", true, N, N, N),
        ],
    );
    r.push(
        "FROM sys.key_constraints AS kc",
        &[
            "schema_name",
            "table_name",
            "name",
            "type",
            "column_name",
            "key_ordinal",
        ],
        vec![
            vec![
                t("dbo"),
                t("Customers"),
                t("PK__Customer__3213E83F1A2B3C4D"),
                t("PK"),
                t("id"),
                i(1),
            ],
            vec![
                t("dbo"),
                t("Customers"),
                t("uq_email"),
                t("UQ"),
                t("Email"),
                i(1),
            ],
            vec![t("dbo"), t(W), t("pk_weird"), t("PK"), t("tenant"), i(1)],
            vec![t("dbo"), t(W), t("pk_weird"), t("PK"), t("id"), i(2)],
        ],
    );
    r.push(
        "FROM sys.foreign_keys AS fk",
        &[
            "schema_name",
            "table_name",
            "name",
            "column_name",
            "referenced_schema",
            "referenced_table",
            "referenced_column",
            "on_delete",
            "on_update",
            "ordinal",
        ],
        vec![
            vec![
                t("dbo"),
                t("order"),
                t("fk_weird"),
                t("tenant"),
                t("dbo"),
                t(W),
                t("tenant"),
                t("NO_ACTION"),
                t("NO_ACTION"),
                i(1),
            ],
            vec![
                t("dbo"),
                t("order"),
                t("fk_weird"),
                t("weird_id"),
                t("dbo"),
                t(W),
                t("id"),
                t("NO_ACTION"),
                t("NO_ACTION"),
                i(2),
            ],
            vec![
                t("dbo"),
                t(W),
                t("fk_customer"),
                t("customer_id"),
                t("dbo"),
                t("Customers"),
                t("id"),
                t("CASCADE"),
                t("NO_ACTION"),
                i(1),
            ],
        ],
    );
    r.push(
        "FROM sys.check_constraints AS ck",
        &["schema_name", "table_name", "name", "definition"],
        vec![vec![t("dbo"), t(W), t("ck_qty"), t("([qty]>(0))")]],
    );
    r.push(
        "FROM sys.indexes AS i",
        &[
            "schema_name",
            "table_name",
            "name",
            "is_unique",
            "method",
            "predicate",
            "column_name",
            "key_ordinal",
            "is_descending",
            "is_included",
        ],
        vec![
            vec![
                t("dbo"),
                t(W),
                t("ix desc"),
                b(false),
                t("NONCLUSTERED"),
                N,
                t("tenant"),
                i(1),
                b(false),
                b(false),
            ],
            vec![
                t("dbo"),
                t(W),
                t("ix desc"),
                b(false),
                t("NONCLUSTERED"),
                N,
                t("created"),
                i(2),
                b(true),
                b(false),
            ],
            vec![
                t("dbo"),
                t(W),
                t("ix partial"),
                b(false),
                t("NONCLUSTERED"),
                t("([qty]>(10))"),
                t("customer_id"),
                i(1),
                b(false),
                b(false),
            ],
        ],
    );
    r
}

#[test]
fn conformance_on_documented_catalog_rows() {
    let engine = engine_by_name("mssql").unwrap();
    let mut runner = canned();
    let filter = Filter {
        schema: Some("dbo".into()),
        tables: Some(vec![
            W.into(),
            "Customers".into(),
            "order".into(),
            "Order View".into(),
        ]),
    };
    let schema = block_on(extract(engine, &mut runner, &filter, &())).unwrap();
    check(&schema, &engine.capabilities("16.0"), &FIXTURE);
    let c = schema.table(Some("dbo"), "Customers").unwrap();
    assert_eq!(c.column("select").unwrap().default.as_deref(), Some("'x'"));
    assert_eq!(
        schema
            .table(None, W)
            .unwrap()
            .column("qty")
            .unwrap()
            .default
            .as_deref(),
        Some("1")
    );
    assert!(runner.answers.is_empty(), "every canned answer consumed");
    // Filters travel as parameters: the schema and the table names as one JSON array.
    for (sql, params) in &runner.seen[1..] {
        assert!(
            sql.contains("@P1") && sql.contains("OPENJSON(@P2)"),
            "{sql}"
        );
        assert_eq!(params[0], Param::Text("dbo".into()));
        let Param::Text(json) = &params[1] else {
            panic!("{params:?}")
        };
        let names: Vec<String> = serde_json::from_str(json).unwrap();
        assert!(names.contains(&W.to_owned()));
        assert!(!sql.contains("we;ird"), "no name is formatted into SQL");
    }
    assert_eq!(runner.seen.len(), 7, "version probe + 6 catalog queries");
}

/// The tiberius runner is compiled under `--all-features` and exercised here against a closed
/// port; the live part runs only when `DB_SCHEMA_MSSQL_URL` names a server loaded with
/// `fixtures/mssql.sql` (this test is never skipped: without the variable it says so and
/// checks only what can be checked locally).
#[cfg(feature = "mssql")]
#[test]
fn tiberius_runner_errors_and_optional_live_run() {
    use crate::support::extract_default;
    use db_schema::Error;
    let port = xldb_testkit::servers::free_port().unwrap();
    let e =
        extract_default(&format!("mssql://sa:Secr3t-pw-9@127.0.0.1:{port}/master")).unwrap_err();
    assert!(matches!(e, Error::Connect { .. }), "{e}");
    assert!(!format!("{e} {e:?}").contains("Secr3t-pw-9"));
    let Ok(url) = std::env::var("DB_SCHEMA_MSSQL_URL") else {
        println!("note: DB_SCHEMA_MSSQL_URL is not set; the live SQL Server part did not run");
        return;
    };
    let schema = extract_default(&url).unwrap();
    crate::json_schema::validate(&serde_json::to_value(&schema).unwrap());
    if schema.table(None, W).is_some() {
        check(
            &schema,
            &engine_by_name("mssql").unwrap().capabilities(""),
            &FIXTURE,
        );
    }
}
