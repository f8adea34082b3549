//! Oracle: the conformance kit on rows shaped like the documented `ALL_*` views (what they
//! report for `fixtures/oracle.sql`) and the SQL the engine sends. There is no built-in Oracle
//! runner (see the engine's docs); a caller hands in a `QueryRunner`, as this test does.

use crate::conformance::{check, Fixture};
use crate::support::{block_on, i, t, CannedRunner, N};
use db_schema::{engine_by_name, extract, Filter, Param, Value};

pub const FIXTURE: Fixture = Fixture {
    ddl: include_str!("fixtures/oracle.sql"),
    types: &[
        ("Customers", "id", "NUMBER(10)"),
        ("Customers", "Email", "VARCHAR2(100 CHAR)"),
        ("Customers", "名前", "NVARCHAR2(50)"),
        ("we;ird \"name\"", "created", "TIMESTAMP(6)"),
    ],
};

const W: &str = "we;ird \"name\"";

fn canned() -> CannedRunner {
    let mut r = CannedRunner::default();
    r.push(
        "product_component_version",
        &["VERSION"],
        vec![vec![t("19.0.0.0.0")]],
    );
    r.push(
        "FROM all_objects o",
        &["SCHEMA_NAME", "NAME", "KIND", "COMMENT", "DEFINITION"],
        vec![
            vec![
                t("APP"),
                t("Customers"),
                t("TABLE"),
                t("people who buy; it's \"quoted\""),
                N,
            ],
            vec![
                t("APP"),
                t("Order View"),
                t("VIEW"),
                N,
                t("SELECT \"tenant\", \"note\" FROM \"order\""),
            ],
            vec![t("APP"), t("order"), t("TABLE"), N, N],
            vec![t("APP"), t(W), t("TABLE"), N, N],
        ],
    );
    let col = |table: &str,
               name: &str,
               id: i64,
               ty: &str,
               nullable: &str,
               default: Value,
               comment: Value| {
        vec![
            t("APP"),
            t(table),
            t(name),
            i(id),
            t(ty),
            t(nullable),
            default,
            comment,
            t("NO"),
            t("NO"),
        ]
    };
    r.push(
        "FROM all_tab_cols c",
        &[
            "SCHEMA_NAME",
            "TABLE_NAME",
            "NAME",
            "COLUMN_ID",
            "TYPE",
            "NULLABLE",
            "DEFAULT_VALUE",
            "COMMENT",
            "IDENTITY_COLUMN",
            "VIRTUAL_COLUMN",
        ],
        vec![
            col("Customers", "id", 1, "NUMBER(10)", "N", N, N),
            col("Customers", "Email", 2, "VARCHAR2(100 CHAR)", "N", N, N),
            col(
                "Customers",
                "select",
                3,
                "VARCHAR2(20 CHAR)",
                "Y",
                t("'x'\n"),
                N,
            ),
            col(
                "Customers",
                "名前",
                4,
                "NVARCHAR2(50)",
                "Y",
                N,
                t("display name ✓"),
            ),
            col("Order View", "tenant", 1, "NUMBER(10)", "N", N, N),
            col("Order View", "note", 2, "VARCHAR2(4000 CHAR)", "Y", N, N),
            col("order", "tenant", 1, "NUMBER(10)", "N", N, N),
            col("order", "weird_id", 2, "NUMBER(10)", "N", N, N),
            col("order", "note", 3, "VARCHAR2(4000 CHAR)", "Y", N, N),
            col(W, "tenant", 1, "NUMBER(10)", "N", N, N),
            col(W, "id", 2, "NUMBER(10)", "N", N, N),
            col(W, "customer_id", 3, "NUMBER(10)", "Y", N, N),
            col(W, "qty", 4, "NUMBER(10)", "N", t("1 "), N),
            col(W, "created", 5, "TIMESTAMP(6)", "Y", N, N),
        ],
    );
    let con = |table: &str,
               name: &str,
               ty: &str,
               generated: &str,
               condition: Value,
               rule: Value,
               column: &str,
               pos: i64,
               rtable: Value,
               rcol: Value| {
        let rschema = if rtable == N { N } else { t("APP") };
        vec![
            t("APP"),
            t(table),
            t(name),
            t(ty),
            t(generated),
            condition,
            rule,
            t(column),
            i(pos),
            rschema,
            rtable,
            rcol,
        ]
    };
    r.push(
        "FROM all_constraints con",
        &[
            "SCHEMA_NAME",
            "TABLE_NAME",
            "NAME",
            "TYPE",
            "GENERATED",
            "CONDITION",
            "DELETE_RULE",
            "COLUMN_NAME",
            "POSITION",
            "REFERENCED_SCHEMA",
            "REFERENCED_TABLE",
            "REFERENCED_COLUMN",
        ],
        vec![
            con(
                "Customers",
                "PK_CUSTOMERS",
                "P",
                "USER NAME",
                N,
                N,
                "id",
                1,
                N,
                N,
            ),
            con(
                "Customers",
                "SYS_C008311",
                "C",
                "GENERATED NAME",
                t("\"id\" IS NOT NULL"),
                N,
                "id",
                1,
                N,
                N,
            ),
            con(
                "Customers",
                "SYS_C008312",
                "C",
                "GENERATED NAME",
                t("\"Email\" IS NOT NULL"),
                N,
                "Email",
                1,
                N,
                N,
            ),
            con(
                "Customers",
                "UQ_EMAIL",
                "U",
                "USER NAME",
                N,
                N,
                "Email",
                1,
                N,
                N,
            ),
            con(
                "order",
                "SYS_C008320",
                "C",
                "GENERATED NAME",
                t("\"tenant\" IS NOT NULL"),
                N,
                "tenant",
                1,
                N,
                N,
            ),
            con(
                "order",
                "SYS_C008322",
                "R",
                "GENERATED NAME",
                N,
                t("NO ACTION"),
                "tenant",
                1,
                t(W),
                t("tenant"),
            ),
            con(
                "order",
                "SYS_C008322",
                "R",
                "GENERATED NAME",
                N,
                t("NO ACTION"),
                "weird_id",
                2,
                t(W),
                t("id"),
            ),
            con(
                W,
                "CK_QTY",
                "C",
                "USER NAME",
                t("\"qty\" > 0"),
                N,
                "qty",
                1,
                N,
                N,
            ),
            con(
                W,
                "FK_CUST",
                "R",
                "USER NAME",
                N,
                t("CASCADE"),
                "customer_id",
                1,
                t("Customers"),
                t("id"),
            ),
            con(W, "PK_WEIRD", "P", "USER NAME", N, N, "tenant", 1, N, N),
            con(W, "PK_WEIRD", "P", "USER NAME", N, N, "id", 2, N, N),
        ],
    );
    r.push(
        "FROM all_indexes i",
        &[
            "SCHEMA_NAME",
            "TABLE_NAME",
            "NAME",
            "UNIQUENESS",
            "INDEX_TYPE",
            "COLUMN_NAME",
            "POSITION",
            "DESCEND",
            "EXPRESSION",
        ],
        vec![
            vec![
                t("APP"),
                t(W),
                t("ix desc"),
                t("NONUNIQUE"),
                t("FUNCTION-BASED NORMAL"),
                t("tenant"),
                i(1),
                t("ASC"),
                N,
            ],
            vec![
                t("APP"),
                t(W),
                t("ix desc"),
                t("NONUNIQUE"),
                t("FUNCTION-BASED NORMAL"),
                t("SYS_NC00006$"),
                i(2),
                t("DESC"),
                t("\"created\""),
            ],
            vec![
                t("APP"),
                t(W),
                t("ix partial"),
                t("NONUNIQUE"),
                t("NORMAL"),
                t("customer_id"),
                i(1),
                t("ASC"),
                N,
            ],
        ],
    );
    r
}

#[test]
fn conformance_on_documented_catalog_rows() {
    let engine = engine_by_name("oracle").unwrap();
    let mut runner = canned();
    let schema = block_on(extract(engine, &mut runner, &Filter::default(), &())).unwrap();
    check(&schema, &engine.capabilities("19.0"), &FIXTURE);
    let c = schema.table(Some("APP"), "Customers").unwrap();
    assert!(
        c.checks.is_empty(),
        "generated NOT NULL checks are left out: {:?}",
        c.checks
    );
    assert_eq!(c.column("select").unwrap().default.as_deref(), Some("'x'"));
    let w = schema.table(Some("APP"), W).unwrap();
    assert_eq!(
        w.index("ix desc").unwrap().method.as_deref(),
        Some("normal")
    );
    assert!(runner.answers.is_empty());
    // Without filters every placeholder is bound to NULL (current schema, all tables).
    for (sql, params) in &runner.seen[1..] {
        assert!(sql.contains(":1") && sql.contains("JSON_TABLE(:3"), "{sql}");
        assert_eq!(params, &vec![Param::Null, Param::Null, Param::Null]);
    }
    assert_eq!(runner.seen.len(), 5, "version probe + 4 catalog queries");
}

#[test]
fn filters_are_bound() {
    let engine = engine_by_name("oracle").unwrap();
    let q = engine.catalog_queries(
        &Filter {
            schema: Some("APP".into()),
            tables: Some(vec!["it's".into()]),
        },
        "19",
    );
    for query in &q {
        assert!(!query.sql.contains("it's"));
        assert_eq!(query.params[0], Param::Text("APP".into()));
        assert_eq!(query.params[1], Param::Text("[\"it's\"]".into()));
    }
}
