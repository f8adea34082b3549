//! The extracted model against PostgreSQL's own catalog, fact by fact, on a production-shaped
//! schema (`fixtures/postgres_catalog.sql`: partitions in schemas of their own, trigram
//! operator classes, NULLS order, NULLS NOT DISTINCT, INCLUDE, NOT VALID, deferrable keys,
//! exclusion constraints, domains, generated columns, ON UPDATE actions).
//!
//! Each side is reduced to the same fact lines: the catalog side by queries written here,
//! independently of the engine's SQL (different catalog paths: `indoption` bits, `opcdefault`,
//! `conislocal`/`conparentid`, `pg_get_constraintdef`), the model side from the extracted
//! [`Schema`]. Both sets must be equal: zero mismatches.

use crate::support::{action_letter, qualified};
use db_schema::{Index, Schema, Table};
use serde_json::Value;
use std::collections::BTreeSet;
use xldb_testkit::servers::Postgres;

const FIXTURE: &str = include_str!("fixtures/postgres_catalog.sql");

const SCHEMAS: &str = "('public', 'parts_static', 'parts_dynamic')";

/// Every catalog fact line of `db`'s `schemas` (an SQL list: `('public')`): indexes,
/// constraints, partitions, domains, generated columns.
pub(crate) fn catalog_facts(pg: &Postgres, db: &str, schemas: &str) -> BTreeSet<String> {
    let mut facts = catalog_indexes(pg, db, schemas);
    facts.extend(catalog_constraints(pg, db, schemas));
    facts.extend(catalog_other(pg, db, schemas));
    facts
}

/// Index facts: own indexes only (not backing a constraint, not attached to a parent's index).
fn catalog_indexes(pg: &Postgres, db: &str, schemas: &str) -> BTreeSet<String> {
    let sql = format!(
        "SELECT concat_ws('|', 'index', n.nspname || '.' || t.relname, i.relname,
                CASE WHEN x.indisunique THEN 'unique' ELSE '' END, am.amname,
                (SELECT string_agg(
                     concat_ws(':',
                       CASE WHEN x.indkey[k - 1] = 0 THEN pg_get_indexdef(x.indexrelid, k, true)
                            ELSE (SELECT attname FROM pg_attribute
                                  WHERE attrelid = t.oid AND attnum = x.indkey[k - 1]) END,
                       CASE WHEN pg_indexam_has_property(am.oid, 'can_order') AND x.indoption[k - 1] & 1 = 1 THEN 'desc' ELSE 'asc' END,
                       CASE WHEN NOT pg_indexam_has_property(am.oid, 'can_order') THEN '-'
                            WHEN x.indoption[k - 1] & 2 = 2 THEN 'first' ELSE 'last' END,
                       CASE WHEN oc.opcdefault THEN '' ELSE oc.opcname END,
                       CASE WHEN x.indkey[k - 1] <> 0 AND x.indcollation[k - 1] <> 0
                             AND x.indcollation[k - 1] <> (SELECT attcollation FROM pg_attribute
                                  WHERE attrelid = t.oid AND attnum = x.indkey[k - 1])
                            THEN (SELECT quote_ident(collname) FROM pg_collation
                                  WHERE oid = x.indcollation[k - 1])
                            ELSE '' END),
                     ',' ORDER BY k)
                 FROM generate_series(1, x.indnkeyatts) k
                 JOIN pg_opclass oc ON oc.oid = x.indclass[k - 1]),
                'include=' || coalesce((SELECT string_agg(a.attname, ',' ORDER BY k)
                 FROM generate_series(x.indnkeyatts + 1, x.indnatts) k
                 JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = x.indkey[k - 1]), ''),
                CASE WHEN x.indnullsnotdistinct THEN 'nnd' ELSE '' END,
                CASE WHEN x.indpred IS NULL THEN '' ELSE 'partial' END)
         FROM pg_index x
         JOIN pg_class i ON i.oid = x.indexrelid
         JOIN pg_class t ON t.oid = x.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         JOIN pg_am am ON am.oid = i.relam
         WHERE n.nspname IN {schemas}
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid
                           AND c.contype IN ('p', 'u', 'x'))
           AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = x.indexrelid)
         ORDER BY 1;"
    );
    lines(&pg.psql(db, &sql).unwrap())
}

/// Constraint facts: own constraints only (not cloned from a partitioned parent).
fn catalog_constraints(pg: &Postgres, db: &str, schemas: &str) -> BTreeSet<String> {
    let sql = format!(
        "SELECT concat_ws('|', 'constraint', c.contype, n.nspname || '.' || t.relname, c.conname,
                CASE WHEN c.convalidated THEN '' ELSE 'not_valid' END,
                CASE WHEN c.condeferrable THEN 'deferrable' ELSE '' END,
                CASE WHEN c.condeferred THEN 'deferred' ELSE '' END,
                CASE WHEN c.contype = 'f' THEN c.confupdtype::text || c.confdeltype::text ELSE '' END,
                CASE WHEN c.contype = 'u' AND pg_get_constraintdef(c.oid) LIKE '%NULLS NOT DISTINCT%'
                     THEN 'nnd' ELSE '' END,
                CASE WHEN c.contype = 'x' THEN pg_get_constraintdef(c.oid, true) ELSE '' END,
                CASE WHEN c.contype IN ('p', 'u')
                     THEN coalesce(substring(pg_get_constraintdef(c.oid) from 'INCLUDE \\(([^)]*)\\)'), '')
                     ELSE '' END)
         FROM pg_constraint c
         JOIN pg_class t ON t.oid = c.conrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         WHERE n.nspname IN {schemas} AND c.conislocal AND c.conparentid = 0
           AND c.contype IN ('p', 'u', 'f', 'c', 'x')
         ORDER BY 1;"
    );
    lines(&pg.psql(db, &sql).unwrap())
}

/// Partitions (with their direct parent and bound), domains, generated columns.
fn catalog_other(pg: &Postgres, db: &str, schemas: &str) -> BTreeSet<String> {
    let sql = format!(
        "SELECT concat_ws('|', 'partition', pn.nspname || '.' || p.relname,
                cn.nspname || '.' || c.relname, pg_get_expr(c.relpartbound, c.oid))
         FROM pg_inherits h
         JOIN pg_class c ON c.oid = h.inhrelid JOIN pg_namespace cn ON cn.oid = c.relnamespace
         JOIN pg_class p ON p.oid = h.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace
         WHERE c.relkind IN ('r', 'p') AND cn.nspname IN {schemas}
         UNION ALL
         SELECT concat_ws('|', 'domain', n.nspname || '.' || t.typname,
                format_type(t.typbasetype, t.typtypmod),
                CASE WHEN t.typnotnull THEN 'not_null' ELSE '' END, t.typdefault,
                (SELECT string_agg(c.conname || '=' || pg_get_constraintdef(c.oid), ';' ORDER BY c.conname)
                 FROM pg_constraint c WHERE c.contypid = t.oid))
         FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
         WHERE t.typtype = 'd' AND n.nspname IN {schemas}
         UNION ALL
         SELECT concat_ws('|', 'generated', n.nspname || '.' || c.relname, a.attname,
                pg_get_expr(d.adbin, d.adrelid))
         FROM pg_attribute a
         JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE a.attgenerated = 's' AND n.nspname IN {schemas} AND NOT c.relispartition
         ORDER BY 1;"
    );
    lines(&pg.psql(db, &sql).unwrap())
}

fn lines(text: &str) -> BTreeSet<String> {
    text.lines().map(normalize_domain_checks).collect()
}

/// Domain checks as the model keeps them: `CHECK ((e))` from `pg_get_constraintdef` becomes
/// `e` (the `CHECK` wrapper and one pair of outer parentheses, as for table checks).
fn normalize_domain_checks(line: &str) -> String {
    if !line.starts_with("domain|") {
        return line.to_owned();
    }
    let mut fields: Vec<String> = line.split('|').map(str::to_owned).collect();
    if let Some(last) = fields.last_mut().filter(|f| f.contains("=CHECK (")) {
        *last = last
            .split(';')
            .map(|c| {
                let (name, def) = c.split_once('=').unwrap();
                let inner = def.strip_prefix("CHECK ").unwrap();
                format!("{name}={}", unwrap_parens(unwrap_parens(inner)))
            })
            .collect::<Vec<_>>()
            .join(";");
    }
    fields.join("|")
}

/// `s` without one pair of parentheses around all of it (when they do enclose all of it).
pub(crate) fn unwrap_parens(s: &str) -> &str {
    let Some(inner) = s.strip_prefix('(').and_then(|r| r.strip_suffix(')')) else {
        return s;
    };
    let mut depth = 0i32;
    for c in inner.chars() {
        depth += match c {
            '(' => 1,
            ')' => -1,
            _ => 0,
        };
        if depth < 0 {
            return s;
        }
    }
    if depth == 0 {
        inner
    } else {
        s
    }
}

fn index_fact(table: &str, ix: &Index) -> String {
    let ordered = ix.method.as_deref().is_none_or(|m| m == "btree");
    let parts: Vec<String> = ix
        .columns
        .iter()
        .map(|p| {
            format!(
                "{}:{}:{}:{}:{}",
                p.column
                    .clone()
                    .or_else(|| p.expression.clone())
                    .unwrap_or_default(),
                if p.descending { "desc" } else { "asc" },
                if ordered {
                    p.nulls.clone().unwrap_or_default()
                } else {
                    "-".to_owned()
                },
                p.opclass.clone().unwrap_or_default(),
                p.collation.clone().unwrap_or_default()
            )
        })
        .collect();
    format!(
        "index|{table}|{}|{}|{}|{}|include={}|{}|{}",
        ix.name,
        if ix.unique { "unique" } else { "" },
        ix.method.clone().unwrap_or_default(),
        parts.join(","),
        ix.include.join(","),
        if ix.nulls_not_distinct { "nnd" } else { "" },
        if ix.predicate.is_some() {
            "partial"
        } else {
            ""
        }
    )
}

fn deferral(deferrable: bool, deferred: bool) -> (&'static str, &'static str) {
    (
        if deferrable { "deferrable" } else { "" },
        if deferred { "deferred" } else { "" },
    )
}

/// The fact lines of a table or a partition entry (its own constraints and indexes).
fn table_facts(out: &mut BTreeSet<String>, name: &str, t: &Table) {
    for ix in &t.indexes {
        out.insert(index_fact(name, ix));
    }
    if let Some(pk) = &t.primary_key {
        let (d, i) = deferral(pk.deferrable, pk.initially_deferred);
        out.insert(format!(
            "constraint|p|{name}|{}||{d}|{i}||||{}",
            pk.name.clone().unwrap_or_default(),
            pk.include.join(", ")
        ));
    }
    for u in &t.unique_constraints {
        let (d, i) = deferral(u.deferrable, u.initially_deferred);
        out.insert(format!(
            "constraint|u|{name}|{}||{d}|{i}||{}||{}",
            u.name.clone().unwrap_or_default(),
            if u.nulls_not_distinct { "nnd" } else { "" },
            u.include.join(", ")
        ));
    }
    for fk in &t.foreign_keys {
        let (d, i) = deferral(fk.deferrable, fk.initially_deferred);
        out.insert(format!(
            "constraint|f|{name}|{}|{}|{d}|{i}|{}{}|||",
            fk.name.clone().unwrap_or_default(),
            if fk.not_valid { "not_valid" } else { "" },
            action_letter(fk.on_update.as_deref()),
            action_letter(fk.on_delete.as_deref()),
        ));
    }
    for c in &t.checks {
        out.insert(format!(
            "constraint|c|{name}|{}|{}||||||",
            c.name.clone().unwrap_or_default(),
            if c.not_valid { "not_valid" } else { "" }
        ));
    }
    for x in t
        .extra
        .get("exclusion_constraints")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        out.insert(format!(
            "constraint|x|{name}|{}||{}|{}|||{}|",
            x["name"].as_str().unwrap_or_default(),
            if x["deferrable"].as_bool() == Some(true) {
                "deferrable"
            } else {
                ""
            },
            if x["initially_deferred"].as_bool() == Some(true) {
                "deferred"
            } else {
                ""
            },
            x["definition"].as_str().unwrap_or_default()
        ));
    }
    for c in &t.columns {
        if let Some(e) = c
            .extra
            .get("generated")
            .and_then(|g| g["expression"].as_str())
        {
            out.insert(format!("generated|{name}|{}|{e}", c.name));
        }
    }
}

/// The model's side of [`catalog_facts`].
pub(crate) fn model_facts(schema: &Schema) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for t in &schema.tables {
        let name = qualified(t.schema.as_deref(), &t.name);
        table_facts(&mut out, &name, t);
        let Some(parts) = t.extra.get("partitioning").map(|p| &p["partitions"]) else {
            continue;
        };
        for p in parts.as_array().into_iter().flatten() {
            let part = qualified(p["schema"].as_str(), p["name"].as_str().unwrap_or_default());
            let parent = match p["parent"].as_str() {
                Some(direct) => qualified(p["schema"].as_str(), direct),
                None => name.clone(),
            };
            out.insert(format!(
                "partition|{parent}|{part}|{}",
                p["bound"].as_str().unwrap_or_default()
            ));
            let mut own = Table::new(None, "", db_schema::TableKind::Table);
            own.primary_key = serde_json::from_value(p["primary_key"].clone()).unwrap();
            own.foreign_keys = serde_json::from_value(p["foreign_keys"].clone()).unwrap();
            own.unique_constraints =
                serde_json::from_value(p["unique_constraints"].clone()).unwrap();
            own.checks = serde_json::from_value(p["checks"].clone()).unwrap();
            own.indexes = serde_json::from_value(p["indexes"].clone()).unwrap();
            if let Some(x) = p.get("exclusion_constraints") {
                own.extra.insert("exclusion_constraints".into(), x.clone());
            }
            table_facts(&mut out, &part, &own);
        }
    }
    for d in schema
        .extra
        .get("domains")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let checks: Vec<String> = d["checks"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| {
                format!(
                    "{}={}{}",
                    c["name"].as_str().unwrap_or_default(),
                    c["expression"].as_str().unwrap_or_default(),
                    if c["not_valid"].as_bool() == Some(true) {
                        " NOT VALID"
                    } else {
                        ""
                    }
                )
            })
            .collect();
        let mut fields = vec![
            "domain".to_owned(),
            qualified(d["schema"].as_str(), d["name"].as_str().unwrap_or_default()),
            d["type"].as_str().unwrap_or_default().to_owned(),
            if d["not_null"].as_bool() == Some(true) {
                "not_null".to_owned()
            } else {
                String::new()
            },
        ];
        // concat_ws skips NULLs: a domain without a default has no field for it.
        if let Some(def) = d["default"].as_str() {
            fields.push(def.to_owned());
        }
        if !checks.is_empty() {
            fields.push(checks.join(";"));
        }
        out.insert(fields.join("|"));
    }
    out
}

#[test]
fn the_model_matches_the_catalog_on_a_production_shaped_schema() {
    let pg = Postgres::shared().unwrap_or_else(|e| panic!("{e:#}"));
    let url = pg.create_database("catalog_facts").unwrap();
    pg.psql("catalog_facts", FIXTURE).unwrap();
    let schema = crate::support::extract_default(&url).unwrap();

    let catalog = catalog_facts(pg, "catalog_facts", SCHEMAS);
    let model = model_facts(&schema);

    // The fixture holds what the comparison is about (a sanity check of the oracle itself).
    for kind in [
        "gin_trgm_ops",
        ":desc:last::",
        ":asc:first:text_pattern_ops:",
        ":varchar_pattern_ops:\"C\"",
        "|nnd|",
        "include=email,namespace_id",
        "constraint|p|public.namespaces|namespaces_pkey|||||||path",
        "|users_email_key|||||nnd||username",
        "constraint|f|parts_dynamic.audit_events_202601|",
        "constraint|c|parts_static.ci_builds_metadata_01|check_timeout_positive|not_valid",
        "|deferrable|deferred|",
        "constraint|x|",
        "domain|public.year|integer|",
        "generated|public.users|full_name|",
        "partition|parts_dynamic.audit_events_202602|parts_dynamic.audit_events_202602_0|",
    ] {
        assert!(
            catalog.iter().any(|l| l.contains(kind)),
            "the catalog lacks `{kind}`"
        );
    }
    crate::support::assert_same_facts(&catalog, &model);
}
