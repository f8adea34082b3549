//! The conformance kit: one fixture schema, one expected model, one harness for every engine.
//!
//! The fixture (written per engine in `fixtures/<engine>.sql`) has hostile identifiers
//! (`we;ird "name"`), reserved words (`select`, `order`), mixed case (`Customers`, `Email`),
//! Unicode (`名前`), a composite primary key and a composite foreign key, a partial and a
//! descending index, a view and comments; where the engine has them, a deferrable foreign key
//! (`order`'s, `DEFERRABLE INITIALLY DEFERRED`), a `NOT VALID` check (`id positive`) and
//! `ON UPDATE` actions, each checked when the fixture declares it. [`check`] compares an extracted [`Schema`] with the
//! expected model, asserting each capability the engine claims and only those, and validates
//! the JSON against `docs/schema.json`. Type names differ per engine, so each engine's fixture
//! lists the types it must report.

use db_schema::{Capabilities, Schema, TableKind};

pub const CUSTOMERS: &str = "Customers";
pub const WEIRD: &str = "we;ird \"name\"";
pub const ORDER: &str = "order";
pub const VIEW: &str = "Order View";
pub const TABLE_COMMENT: &str = "people who buy; it's \"quoted\"";
pub const COLUMN_COMMENT: &str = "display name ✓";

/// An engine's fixture: its DDL and the declared types it must report.
pub struct Fixture {
    pub ddl: &'static str,
    /// `(table, column, type)`, compared case-insensitively.
    pub types: &'static [(&'static str, &'static str, &'static str)],
}

fn norm(expr: &str) -> String {
    expr.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '(' | ')' | '"' | '`' | '[' | ']'))
        .collect::<String>()
        .to_lowercase()
}

/// Compare `schema` with the expected model; panics listing every difference.
pub fn check(schema: &Schema, caps: &Capabilities, fixture: &Fixture) {
    let mut errs: Vec<String> = Vec::new();
    let mut expect = |ok: bool, msg: String| {
        if !ok {
            errs.push(msg);
        }
    };
    super::json_schema::validate(&serde_json::to_value(schema).unwrap());

    let names: Vec<&str> = schema.tables.iter().map(|t| t.name.as_str()).collect();
    let mut wanted = vec![CUSTOMERS, WEIRD, ORDER];
    if caps.views {
        wanted.push(VIEW);
    }
    for w in &wanted {
        expect(
            names.contains(w),
            format!("table `{w}` missing; got {names:?}"),
        );
    }
    expect(
        names.len() == wanted.len(),
        format!("unexpected tables: {names:?}"),
    );
    let Some(c) = schema.table(None, CUSTOMERS) else {
        panic!("{errs:#?}")
    };
    let Some(w) = schema.table(None, WEIRD) else {
        panic!("{errs:#?}")
    };
    let Some(o) = schema.table(None, ORDER) else {
        panic!("{errs:#?}")
    };

    // Columns, in order, with nullability.
    let cols = |t: &db_schema::Table| {
        t.columns
            .iter()
            .map(|c| (c.name.clone(), c.nullable, c.position))
            .collect::<Vec<_>>()
    };
    expect(
        cols(c)
            == vec![
                ("id".into(), false, 1),
                ("Email".into(), false, 2),
                ("select".into(), true, 3),
                ("名前".into(), true, 4),
            ],
        format!("Customers columns: {:?}", cols(c)),
    );
    expect(
        cols(w)
            == vec![
                ("tenant".into(), false, 1),
                ("id".into(), false, 2),
                ("customer_id".into(), true, 3),
                ("qty".into(), false, 4),
                ("created".into(), true, 5),
            ],
        format!("weird columns: {:?}", cols(w)),
    );
    expect(
        cols(o)
            == vec![
                ("tenant".into(), false, 1),
                ("weird_id".into(), false, 2),
                ("note".into(), true, 3),
            ],
        format!("order columns: {:?}", cols(o)),
    );
    for (table, column, ty) in fixture.types {
        let got = schema
            .table(None, table)
            .and_then(|t| t.column(column))
            .map(|c| c.data_type.clone());
        expect(
            got.as_deref().is_some_and(|g| g.eq_ignore_ascii_case(ty)),
            format!("type of {table}.{column}: expected `{ty}`, got {got:?}"),
        );
    }
    if caps.column_defaults {
        let d = c
            .column("select")
            .and_then(|c| c.default.clone())
            .unwrap_or_default();
        expect(
            d.contains('x'),
            format!("default of Customers.select: `{d}`"),
        );
        let d = w
            .column("qty")
            .and_then(|c| c.default.clone())
            .unwrap_or_default();
        expect(d.contains('1'), format!("default of qty: `{d}`"));
        expect(
            c.column("Email").is_some_and(|c| c.default.is_none()),
            "Email has no default".into(),
        );
    }
    if caps.column_comments {
        let got = c.column("名前").and_then(|c| c.comment.clone());
        expect(
            got.as_deref() == Some(COLUMN_COMMENT),
            format!("column comment: {got:?}"),
        );
        expect(
            c.column("id").is_some_and(|c| c.comment.is_none()),
            "id has no comment".into(),
        );
    }
    if caps.table_comments {
        expect(
            c.comment.as_deref() == Some(TABLE_COMMENT),
            format!("table comment: {:?}", c.comment),
        );
        expect(
            o.comment.is_none(),
            format!("order has no comment: {:?}", o.comment),
        );
    }

    if caps.primary_keys {
        let pk = |t: &db_schema::Table| t.primary_key.as_ref().map(|p| p.columns.clone());
        expect(
            pk(c) == Some(vec!["id".into()]),
            format!("Customers pk: {:?}", pk(c)),
        );
        expect(
            pk(w) == Some(vec!["tenant".into(), "id".into()]),
            format!("weird pk: {:?}", pk(w)),
        );
        expect(pk(o).is_none(), format!("order has no pk: {:?}", pk(o)));
    }
    if caps.unique_constraints {
        expect(
            c.unique_constraints.iter().any(|u| u.columns == ["Email"]),
            format!("unique(Email): {:?}", c.unique_constraints),
        );
        expect(
            w.unique_constraints.is_empty(),
            format!("weird has no unique: {:?}", w.unique_constraints),
        );
    }
    if caps.foreign_keys {
        expect(
            w.foreign_keys.len() == 1 && o.foreign_keys.len() == 1,
            format!("fk counts: {:?} {:?}", w.foreign_keys, o.foreign_keys),
        );
        if let Some(fk) = w.foreign_keys.first() {
            expect(
                fk.columns == ["customer_id"]
                    && fk.referenced_table == CUSTOMERS
                    && fk.referenced_columns == ["id"],
                format!("weird fk: {fk:?}"),
            );
            expect(
                fk.referenced_schema == c.schema,
                format!("fk schema: {fk:?}"),
            );
            if caps.foreign_keys {
                expect(
                    matches!(fk.on_delete.as_deref(), Some("CASCADE"))
                        || !fixture.ddl.contains("ON DELETE CASCADE"),
                    format!("on delete: {fk:?}"),
                );
                expect(
                    matches!(fk.on_update.as_deref(), Some("CASCADE"))
                        || !fixture.ddl.contains("ON UPDATE CASCADE"),
                    format!("on update: {fk:?}"),
                );
            }
        }
        if let Some(fk) = o.foreign_keys.first() {
            expect(
                fk.columns == ["tenant", "weird_id"]
                    && fk.referenced_table == WEIRD
                    && fk.referenced_columns == ["tenant", "id"],
                format!("composite fk: {fk:?}"),
            );
            expect(
                fk.on_delete
                    .as_deref()
                    .is_none_or(|a| a == "NO ACTION" || a == "RESTRICT"),
                format!("default action: {fk:?}"),
            );
            // Engines that have deferrable keys declare this one so in their fixture.
            let deferred = fixture.ddl.contains("DEFERRABLE INITIALLY DEFERRED");
            expect(
                fk.deferrable == deferred && fk.initially_deferred == deferred,
                format!("deferrable initially deferred: {deferred} expected: {fk:?}"),
            );
        }
        expect(c.foreign_keys.is_empty(), "Customers has no fk".into());
    }
    if caps.check_constraints {
        let found = w
            .checks
            .iter()
            .any(|ch| norm(&ch.expression).contains("qty>0"));
        expect(found, format!("check qty > 0: {:?}", w.checks));
        // Engines that have NOT VALID declare Customers' check so; no other check is.
        let not_valid: Vec<&str> = [c, w]
            .iter()
            .flat_map(|t| &t.checks)
            .filter(|ch| ch.not_valid)
            .map(|ch| ch.name.as_deref().unwrap_or_default())
            .collect();
        let want: &[&str] = if fixture.ddl.contains("NOT VALID") {
            &["id positive"]
        } else {
            &[]
        };
        expect(
            not_valid == want,
            format!("NOT VALID checks: {not_valid:?}"),
        );
        expect(
            c.checks
                .iter()
                .all(|ch| !norm(&ch.expression).contains("qty")),
            "no qty check on Customers".into(),
        );
    }
    if caps.indexes {
        match w.index("ix partial") {
            None => expect(
                false,
                format!("index `ix partial` missing: {:?}", w.indexes),
            ),
            Some(ix) => {
                expect(
                    ix.columns.len() == 1
                        && ix.columns[0].column.as_deref() == Some("customer_id")
                        && !ix.unique,
                    format!("ix partial: {ix:?}"),
                );
                if caps.partial_indexes {
                    let p = ix.predicate.as_deref().map(norm).unwrap_or_default();
                    expect(
                        p.contains("qty>10"),
                        format!("partial predicate: {:?}", ix.predicate),
                    );
                }
            }
        }
        match w.index("ix desc") {
            None => expect(false, format!("index `ix desc` missing: {:?}", w.indexes)),
            Some(ix) => {
                let parts: Vec<_> = ix
                    .columns
                    .iter()
                    .map(|p| (p.column.clone().unwrap_or_default(), p.descending))
                    .collect();
                let want_desc = caps.descending_indexes;
                expect(
                    parts
                        == vec![
                            ("tenant".to_owned(), false),
                            ("created".to_owned(), want_desc),
                        ],
                    format!("ix desc parts: {parts:?}"),
                );
                expect(ix.predicate.is_none(), "ix desc is not partial".into());
            }
        }
        // Indexes implementing the primary key are not listed.
        for t in [c, w, o] {
            let pk_cols: Vec<String> = t
                .primary_key
                .iter()
                .flat_map(|p| p.columns.clone())
                .collect();
            expect(
                pk_cols.is_empty()
                    || !t.indexes.iter().any(|i| {
                        i.columns
                            .iter()
                            .map(|p| p.column.clone().unwrap_or_default())
                            .collect::<Vec<_>>()
                            == pk_cols
                            && i.unique
                    }),
                format!("{}: primary key index listed: {:?}", t.name, t.indexes),
            );
        }
    }
    if caps.views {
        if let Some(v) = schema.table(None, VIEW) {
            expect(v.kind == TableKind::View, format!("view kind: {}", v.kind));
            expect(
                v.columns
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    == ["tenant", "note"],
                format!("view columns: {:?}", v.columns),
            );
            let def = v.definition.as_deref().map(norm).unwrap_or_default();
            expect(
                def.contains("note") && def.contains("order"),
                format!("view definition: {:?}", v.definition),
            );
            expect(
                v.primary_key.is_none() && v.indexes.is_empty(),
                "views have no keys".into(),
            );
        }
    }
    for t in [c, w, o] {
        expect(
            t.kind == TableKind::Table,
            format!("{} kind {}", t.name, t.kind),
        );
        expect(t.schema.is_some(), format!("{} has a schema", t.name));
    }
    assert!(
        errs.is_empty(),
        "{} conformance failures for `{}`:\n{}",
        errs.len(),
        schema.engine,
        errs.join("\n")
    );
}

/// Every engine's fixture is built from the same logical schema; this guards that they stay in
/// step (regression: a fixture edited for one engine only).
#[test]
fn fixtures_mention_every_object() {
    for (engine, ddl) in [
        ("sqlite", include_str!("fixtures/sqlite.sql")),
        ("postgres", include_str!("fixtures/postgres.sql")),
        ("mysql", include_str!("fixtures/mysql.sql")),
        ("clickhouse", include_str!("fixtures/clickhouse.sql")),
        ("duckdb", include_str!("fixtures/duckdb.sql")),
        ("mssql", include_str!("fixtures/mssql.sql")),
        ("oracle", include_str!("fixtures/oracle.sql")),
    ] {
        for needle in [
            "Customers",
            "we;ird",
            "order",
            "Order View",
            "名前",
            "select",
            "customer_id",
            "weird_id",
            "qty",
            "created",
        ] {
            assert!(ddl.contains(needle), "{engine} fixture lacks {needle}");
        }
    }
}
