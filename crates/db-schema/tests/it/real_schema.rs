//! The extracted model against each engine's own catalog on real schemas no one here wrote:
//! Zabbix 6.0 (173 tables, 226 foreign keys, 234 indexes) and PowerDNS 4.7 (checks, an
//! operator class, serial and rowid keys, Latin-1 tables), taken from their Debian packages by
//! `install_real_schemas` (scripts/deps.sh) into `.deps/real-schemas/`, never committed (read
//! through `xldb_testkit::real_schemas`); and the schemas the servers ship themselves:
//! PostgreSQL's `information_schema` (views, domains), MariaDB's `mysql` and `sys` (views).
//!
//! Each schema is loaded into a throwaway server (PostgreSQL, MariaDB) or file (SQLite), and
//! both sides are reduced to the same fact lines: tables and views (kind, definition,
//! comments); columns with position, type, nullability, default and comment; primary keys,
//! foreign keys (columns, target, actions) and unique constraints with their columns; indexes
//! with their columns and order; checks; on MariaDB also table engines and collations, column
//! collations and AUTO_INCREMENT, index prefix lengths and comments. The catalog side is read
//! by queries written here, on other paths than the engines' own SQL: PostgreSQL
//! `pg_constraint.conkey` arrays, `pg_description` and `postgres_catalog.rs`'s facts, MariaDB
//! `SHOW INDEX` and SQL joins of `information_schema`, SQLite one plain `PRAGMA` per table.
//! Zero mismatches.

#[cfg(feature = "postgres")]
use crate::postgres_catalog::unwrap_parens;
use crate::support::{action_letter, assert_same_facts, extract_default, qualified};
use db_schema::{Schema, TableKind};
use std::collections::{BTreeMap, BTreeSet};
use xldb_testkit::real_schemas::RealSchema;

/// `schema`'s DDL for `engine` (`postgresql`, `mysql` or `sqlite`); fails saying how to
/// install it when it is missing.
fn ddl(schema: RealSchema, engine: &str) -> String {
    schema.ddl(engine).unwrap_or_else(|e| panic!("{e:#}"))
}

/// Assert the catalog holds each of `kinds` (a sanity check of the oracle: the schema has
/// what the comparison is about).
fn assert_holds(catalog: &BTreeSet<String>, kinds: &[&str]) {
    for kind in kinds {
        assert!(
            catalog.iter().any(|l| l.contains(kind)),
            "the catalog lacks `{kind}`"
        );
    }
}

/// Counts of one kind of fact line (the text before the first `|`).
fn count(facts: &BTreeSet<String>, kind: &str) -> usize {
    facts
        .iter()
        .filter(|l| l.split('|').next() == Some(kind))
        .count()
}

/// The sizes a whole Zabbix 6.0 schema has: a truncated file cannot pass.
fn assert_whole_zabbix(catalog: &BTreeSet<String>) {
    let (tables, columns, fks, indexes) = (
        count(catalog, "table"),
        count(catalog, "column"),
        count(catalog, "fk"),
        count(catalog, "index"),
    );
    let sizes =
        format!("{tables} tables, {columns} columns, {fks} foreign keys, {indexes} indexes");
    assert!(
        tables >= 170 && columns >= 1200 && fks >= 200 && indexes >= 200,
        "the Zabbix schema looks truncated: {sizes}"
    );
    eprintln!("comparing {sizes}");
}

/// The portable fact lines of the model: tables, columns, keys with their columns, unique
/// constraints, checks, and (with `indexes`) indexes with their column order.
fn portable_facts(schema: &Schema, indexes: bool) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for t in &schema.tables {
        let name = qualified(t.schema.as_deref(), &t.name);
        out.insert(format!("table|{name}|{}", t.kind.as_str()));
        // one line per fact: line breaks in texts written as `\n`
        let line = |text: &str| text.replace('\n', "\\n");
        if let Some(def) = &t.definition {
            out.insert(format!("view|{name}|{}", line(def)));
        }
        if let Some(comment) = &t.comment {
            out.insert(format!("comment|{name}|{}", line(comment)));
        }
        for c in &t.columns {
            if let Some(comment) = &c.comment {
                out.insert(format!("comment|{name}.{}|{}", c.name, line(comment)));
            }
            out.insert(column_fact(
                &name,
                &c.name,
                c.position,
                &c.data_type,
                c.nullable,
                c.default.as_deref(),
            ));
        }
        if let Some(pk) = &t.primary_key {
            out.insert(format!("pk|{name}|{}", pk.columns.join(",")));
        }
        for fk in &t.foreign_keys {
            out.insert(format!(
                "fk|{name}|{}|{}|{}|{}|{}{}",
                fk.name.as_deref().unwrap_or_default(),
                fk.columns.join(","),
                qualified(fk.referenced_schema.as_deref(), &fk.referenced_table),
                fk.referenced_columns.join(","),
                action_letter(fk.on_update.as_deref()),
                action_letter(fk.on_delete.as_deref()),
            ));
        }
        for u in &t.unique_constraints {
            out.insert(format!(
                "unique|{name}|{}|{}",
                u.name.as_deref().unwrap_or_default(),
                u.columns.join(",")
            ));
        }
        for c in &t.checks {
            out.insert(format!(
                "check|{name}|{}|{}",
                c.name.as_deref().unwrap_or_default(),
                c.expression
            ));
        }
        if !indexes {
            continue;
        }
        for ix in &t.indexes {
            let parts: Vec<String> = ix
                .columns
                .iter()
                .map(|p| {
                    let col = p.column.as_deref().or(p.expression.as_deref());
                    let order = if p.descending { "desc" } else { "asc" };
                    format!("{}:{order}", col.unwrap_or_default())
                })
                .collect();
            out.insert(plain_index_fact(
                &name,
                &ix.name,
                ix.unique,
                &parts.join(","),
            ));
        }
    }
    out
}

fn column_fact(
    table: &str,
    column: &str,
    position: u32,
    data_type: &str,
    nullable: bool,
    default: Option<&str>,
) -> String {
    format!(
        "column|{table}|{column}|{position}|{data_type}|{}|{}",
        if nullable { "null" } else { "not_null" },
        default.unwrap_or_default()
    )
}

fn plain_index_fact(table: &str, index: &str, unique: bool, parts: &str) -> String {
    format!(
        "index|{table}|{index}|{}|{parts}",
        if unique { "unique" } else { "" }
    )
}

// --- PostgreSQL --------------------------------------------------------------------------

/// Tables, columns (`format_type`, `pg_get_expr`), and each key's columns from the
/// `conkey`/`confkey` arrays; indexes and constraint details come from `postgres_catalog.rs`.
#[cfg(feature = "postgres")]
fn postgres_portable(
    pg: &xldb_testkit::servers::Postgres,
    db: &str,
    schemas: &str,
) -> BTreeSet<String> {
    let sql = format!(
        "
        CREATE FUNCTION pg_temp.cols(rel oid, nums int2[]) RETURNS text LANGUAGE sql AS
          $$ SELECT string_agg(a.attname, ',' ORDER BY k.i) FROM unnest(nums) WITH ORDINALITY k(n, i)
             JOIN pg_attribute a ON a.attrelid = rel AND a.attnum = k.n $$;
        SELECT concat_ws('|', 'table', n.nspname || '.' || c.relname,
               CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized_view'
                              WHEN 'f' THEN 'foreign_table' ELSE 'table' END)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname IN {schemas} AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
          AND NOT c.relispartition
        UNION ALL
        SELECT concat_ws('|', 'view', n.nspname || '.' || c.relname,
               replace(btrim(pg_get_viewdef(c.oid), E' \\n'), E'\\n', '\\n'))
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname IN {schemas} AND c.relkind IN ('v', 'm')
        UNION ALL
        SELECT concat_ws('|', 'comment', n.nspname || '.' || c.relname
                                         || coalesce('.' || a.attname, ''),
               replace(d.description, E'\\n', '\\n'))
        FROM pg_description d
        JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid AND d.objsubid > 0
        WHERE n.nspname IN {schemas} AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
          AND NOT c.relispartition
        UNION ALL
        SELECT concat_ws('|', 'column', n.nspname || '.' || c.relname, a.attname, a.attnum,
               format_type(a.atttypid, a.atttypmod),
               CASE WHEN a.attnotnull THEN 'not_null' ELSE 'null' END,
               coalesce(pg_get_expr(d.adbin, d.adrelid), ''))
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE n.nspname IN {schemas} AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
          AND NOT c.relispartition AND a.attnum > 0 AND NOT a.attisdropped
        UNION ALL
        SELECT concat_ws('|', CASE k.contype WHEN 'p' THEN 'pk' WHEN 'f' THEN 'fk'
                                  WHEN 'u' THEN 'unique' ELSE 'check' END,
               n.nspname || '.' || c.relname,
               CASE WHEN k.contype <> 'p' THEN k.conname END,
               CASE WHEN k.contype <> 'c' THEN pg_temp.cols(k.conrelid, k.conkey) END,
               CASE WHEN k.contype = 'f' THEN
                 (SELECT rn.nspname || '.' || r.relname FROM pg_class r
                  JOIN pg_namespace rn ON rn.oid = r.relnamespace WHERE r.oid = k.confrelid) END,
               CASE WHEN k.contype = 'f' THEN pg_temp.cols(k.confrelid, k.confkey) END,
               CASE WHEN k.contype = 'f' THEN k.confupdtype::text || k.confdeltype::text END,
               CASE WHEN k.contype = 'c' THEN pg_get_constraintdef(k.oid) END)
        FROM pg_constraint k
        JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname IN {schemas} AND k.contype IN ('p', 'f', 'u', 'c')
        ORDER BY 1;"
    );
    pg.psql(db, &sql)
        .unwrap()
        .lines()
        .map(|l| match l.split_once("|CHECK ") {
            // `CHECK ((e))` as the model keeps it: `e`, as postgres_catalog.rs does for domains
            Some((head, def)) => format!("{head}|{}", unwrap_parens(unwrap_parens(def))),
            None => l.to_owned(),
        })
        .collect()
}

/// Load `ddl` into a fresh database `db` of the shared PostgreSQL server; the fact lines of
/// its `public` schema.
#[cfg(feature = "postgres")]
fn postgres_facts(ddl: &str, db: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let pg = xldb_testkit::servers::Postgres::shared().unwrap_or_else(|e| panic!("{e:#}"));
    pg.create_database(db).unwrap();
    pg.psql(db, ddl).unwrap();
    postgres_schema_facts(pg, db, "public")
}

/// The fact lines of (the catalog, the extracted model) of `db`'s schema `schema`.
#[cfg(feature = "postgres")]
fn postgres_schema_facts(
    pg: &xldb_testkit::servers::Postgres,
    db: &str,
    schema: &str,
) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut options = db_schema::Options::default();
    options.filter.schema = Some(schema.to_owned());
    let extracted =
        crate::support::block_on(db_schema::extract_url(&pg.url(db), &options, &())).unwrap();
    let list = format!("('{schema}')");
    let mut catalog = postgres_portable(pg, db, &list);
    catalog.extend(crate::postgres_catalog::catalog_facts(pg, db, &list));
    let mut model = portable_facts(&extracted, false);
    model.extend(crate::postgres_catalog::model_facts(&extracted));
    (catalog, model)
}

#[cfg(feature = "postgres")]
#[test]
fn zabbix_on_postgres_matches_the_catalog() {
    let (catalog, model) = postgres_facts(&ddl(RealSchema::Zabbix, "postgresql"), "zabbix_real");
    assert_whole_zabbix(&catalog);
    assert_same_facts(&catalog, &model);
}

#[cfg(feature = "postgres")]
#[test]
fn powerdns_on_postgres_matches_the_catalog() {
    let (catalog, model) = postgres_facts(&ddl(RealSchema::PowerDns, "postgresql"), "pdns_real");
    assert_holds(
        &catalog,
        &[
            "check|public.records|c_lowercase_name|(name)::text = lower((name)::text)",
            ":text_pattern_ops:",
            "|nextval('domains_id_seq'::regclass)",
            "fk|public.records|domain_exists|domain_id|public.domains|id|ac",
        ],
    );
    assert_same_facts(&catalog, &model);
}

/// PostgreSQL's own `information_schema` (from the server's `information_schema.sql`, in every
/// database): 65 views with their definitions, 4 tables, 5 domains with checks, and columns
/// typed by those domains.
#[cfg(feature = "postgres")]
#[test]
fn the_information_schema_on_postgres_matches_the_catalog() {
    let pg = xldb_testkit::servers::Postgres::shared().unwrap_or_else(|e| panic!("{e:#}"));
    pg.create_database("information_real").unwrap();
    let (catalog, model) = postgres_schema_facts(pg, "information_real", "information_schema");
    assert!(
        count(&catalog, "view") >= 60,
        "{} views",
        count(&catalog, "view")
    );
    assert_holds(
        &catalog,
        &[
            "domain|information_schema.yes_or_no|character varying(3)||yes_or_no_check=",
            "table|information_schema.sql_features|table",
            "view|information_schema.tables|SELECT ",
            "|information_schema.sql_identifier|null|",
        ],
    );
    assert_same_facts(&catalog, &model);
}

// --- MariaDB -----------------------------------------------------------------------------

#[cfg(feature = "mysql")]
fn mariadb_catalog(m: &xldb_testkit::servers::MariaDb, db: &str) -> BTreeSet<String> {
    let facts = format!(
        "SELECT CONCAT_WS('|', 'table', CONCAT(TABLE_SCHEMA, '.', TABLE_NAME),
                CASE TABLE_TYPE WHEN 'BASE TABLE' THEN 'table' WHEN 'VIEW' THEN 'view'
                                ELSE TABLE_TYPE END)
         FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{db}';
         SELECT CONCAT_WS('|', 'view', CONCAT(TABLE_SCHEMA, '.', TABLE_NAME), VIEW_DEFINITION)
         FROM information_schema.VIEWS WHERE TABLE_SCHEMA = '{db}';
         SELECT CONCAT_WS('|', 'comment', CONCAT(TABLE_SCHEMA, '.', TABLE_NAME), TABLE_COMMENT)
         FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{db}' AND TABLE_COMMENT <> ''
           AND NOT (TABLE_TYPE = 'VIEW' AND TABLE_COMMENT = 'VIEW');
         SELECT CONCAT_WS('|', 'comment', CONCAT(TABLE_SCHEMA, '.', TABLE_NAME, '.', COLUMN_NAME),
                COLUMN_COMMENT)
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '{db}' AND COLUMN_COMMENT <> '';
         SELECT CONCAT_WS('|', 'column', CONCAT(TABLE_SCHEMA, '.', TABLE_NAME), COLUMN_NAME,
                ORDINAL_POSITION, COLUMN_TYPE, IF(IS_NULLABLE = 'YES', 'null', 'not_null'),
                IF(COLUMN_DEFAULT IS NULL OR COLUMN_DEFAULT = 'NULL', '', COLUMN_DEFAULT))
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '{db}';
         SELECT CONCAT_WS('|', IF(c.CONSTRAINT_TYPE = 'PRIMARY KEY', 'pk', 'unique'),
                CONCAT(c.TABLE_SCHEMA, '.', c.TABLE_NAME),
                IF(c.CONSTRAINT_TYPE = 'PRIMARY KEY', NULL, c.CONSTRAINT_NAME),
                GROUP_CONCAT(k.COLUMN_NAME ORDER BY k.ORDINAL_POSITION))
         FROM information_schema.TABLE_CONSTRAINTS c
         JOIN information_schema.KEY_COLUMN_USAGE k ON k.CONSTRAINT_SCHEMA = c.CONSTRAINT_SCHEMA
          AND k.TABLE_NAME = c.TABLE_NAME AND k.CONSTRAINT_NAME = c.CONSTRAINT_NAME
         WHERE c.TABLE_SCHEMA = '{db}' AND c.CONSTRAINT_TYPE IN ('PRIMARY KEY', 'UNIQUE')
         GROUP BY c.TABLE_SCHEMA, c.TABLE_NAME, c.CONSTRAINT_NAME, c.CONSTRAINT_TYPE;
         SELECT CONCAT_WS('|', 'fk', CONCAT(r.CONSTRAINT_SCHEMA, '.', r.TABLE_NAME),
                r.CONSTRAINT_NAME, GROUP_CONCAT(k.COLUMN_NAME ORDER BY k.ORDINAL_POSITION),
                CONCAT(r.UNIQUE_CONSTRAINT_SCHEMA, '.', r.REFERENCED_TABLE_NAME),
                GROUP_CONCAT(k.REFERENCED_COLUMN_NAME ORDER BY k.ORDINAL_POSITION),
                CONCAT(r.UPDATE_RULE, '/', r.DELETE_RULE))
         FROM information_schema.REFERENTIAL_CONSTRAINTS r
         JOIN information_schema.KEY_COLUMN_USAGE k ON k.CONSTRAINT_SCHEMA = r.CONSTRAINT_SCHEMA
          AND k.TABLE_NAME = r.TABLE_NAME AND k.CONSTRAINT_NAME = r.CONSTRAINT_NAME
         WHERE r.CONSTRAINT_SCHEMA = '{db}'
         GROUP BY r.CONSTRAINT_SCHEMA, r.TABLE_NAME, r.CONSTRAINT_NAME;
         SELECT CONCAT_WS('|', 'check', CONCAT(CONSTRAINT_SCHEMA, '.', TABLE_NAME), CONSTRAINT_NAME,
                CHECK_CLAUSE)
         FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = '{db}';
         SELECT CONCAT_WS('|', 'mysql_table', CONCAT(TABLE_SCHEMA, '.', TABLE_NAME), ENGINE,
                TABLE_COLLATION)
         FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{db}' AND TABLE_TYPE = 'BASE TABLE';
         SELECT CONCAT_WS('|', 'mysql_column', CONCAT(c.TABLE_SCHEMA, '.', c.TABLE_NAME),
                c.COLUMN_NAME,
                IF(c.COLLATION_NAME <=> t.TABLE_COLLATION, '', COALESCE(c.COLLATION_NAME, '')),
                IF(c.EXTRA LIKE '%auto_increment%', 'auto_increment', ''))
         FROM information_schema.COLUMNS c JOIN information_schema.TABLES t
           ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
         WHERE c.TABLE_SCHEMA = '{db}' AND t.TABLE_TYPE = 'BASE TABLE'
           AND (NOT c.COLLATION_NAME <=> t.TABLE_COLLATION AND c.COLLATION_NAME IS NOT NULL
                OR c.EXTRA LIKE '%auto_increment%');"
    );
    let mut out: BTreeSet<String> = m
        .exec(db, &facts)
        .unwrap()
        .lines()
        .map(|l| match l.strip_prefix("fk|") {
            // The catalog spells actions out; the fact lines use PostgreSQL's letters.
            Some(rest) => {
                let (head, actions) = rest.rsplit_once('|').unwrap();
                let (upd, del) = actions.split_once('/').unwrap();
                format!(
                    "fk|{head}|{}{}",
                    action_letter(Some(upd)),
                    action_letter(Some(del))
                )
            }
            None => l.to_owned(),
        })
        .collect();
    // Indexes from `SHOW INDEX`, one statement per table: Table, Non_unique, Key_name,
    // Seq_in_index, Column_name, Collation (A or D), … (PRIMARY is the primary key).
    let tables: Vec<String> = out
        .iter()
        .filter_map(|l| {
            l.strip_prefix(&format!("table|{db}."))?
                .strip_suffix("|table")
        })
        .map(str::to_owned)
        .collect();
    let show: String = tables
        .iter()
        .map(|t| format!("SHOW INDEX FROM `{}`;\n", t.replace('`', "``")))
        .collect();
    // (table, index) -> (unique, [(seq, part)])
    // Table, Non_unique, Key_name, Seq_in_index, Column_name, Collation, Cardinality,
    // Sub_part, Packed, Null, Index_type, Comment, Index_comment, …
    #[derive(Default)]
    struct Shown {
        unique: bool,
        parts: Vec<(u32, String)>,
        sub_parts: Vec<String>,
        comment: String,
    }
    let mut indexes: BTreeMap<(String, String), Shown> = BTreeMap::new();
    for row in m.exec(db, &show).unwrap().lines() {
        let f: Vec<&str> = row.split('\t').collect();
        if f[2] == "PRIMARY" {
            continue;
        }
        let ix = indexes
            .entry((f[0].to_owned(), f[2].to_owned()))
            .or_default();
        ix.unique = f[1] == "0";
        let order = if f[5] == "D" { "desc" } else { "asc" };
        ix.parts
            .push((f[3].parse().unwrap(), format!("{}:{order}", f[4])));
        if f[7] != "NULL" {
            ix.sub_parts.push(format!("{}={}", f[4], f[7]));
        }
        ix.comment = f[12].to_owned();
    }
    for ((table, index), mut ix) in indexes {
        let table = format!("{db}.{table}");
        ix.parts.sort();
        let parts: Vec<String> = ix.parts.into_iter().map(|(_, p)| p).collect();
        out.insert(plain_index_fact(
            &table,
            &index,
            ix.unique,
            &parts.join(","),
        ));
        if !ix.sub_parts.is_empty() || !ix.comment.is_empty() {
            ix.sub_parts.sort();
            out.insert(format!(
                "mysql_index|{table}|{index}|{}|{}",
                ix.sub_parts.join(","),
                ix.comment
            ));
        }
    }
    out
}

/// Load `ddl` into a fresh database `db` of the shared MariaDB server; the fact lines of
/// (the catalog, the extracted model).
#[cfg(feature = "mysql")]
fn mariadb_facts(ddl: &str, db: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let m = xldb_testkit::servers::MariaDb::shared().unwrap_or_else(|e| panic!("{e:#}"));
    m.create_database(db).unwrap();
    m.exec(db, ddl).unwrap();
    mariadb_database_facts(m, db)
}

/// The fact lines of (the catalog, the extracted model) of the database `db`.
#[cfg(feature = "mysql")]
fn mariadb_database_facts(
    m: &xldb_testkit::servers::MariaDb,
    db: &str,
) -> (BTreeSet<String>, BTreeSet<String>) {
    let schema = extract_default(&m.url(db)).unwrap();
    let mut model = portable_facts(&schema, true);
    // MariaDB's extras: each table's engine and collation, each column's collation (when not
    // its table's) and AUTO_INCREMENT, each index's prefix lengths and comment.
    for t in schema.tables.iter().filter(|t| t.kind == TableKind::Table) {
        let name = qualified(t.schema.as_deref(), &t.name);
        let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
        model.insert(format!(
            "mysql_table|{name}|{}|{}",
            text(&t.extra["engine"]),
            text(&t.extra["collation"])
        ));
        for c in &t.columns {
            let collation = c.extra.get("collation").map(text).unwrap_or_default();
            let auto = c.extra.get("auto_increment") == Some(&true.into());
            if !collation.is_empty() || auto {
                model.insert(format!(
                    "mysql_column|{name}|{}|{collation}|{}",
                    c.name,
                    if auto { "auto_increment" } else { "" }
                ));
            }
        }
        for ix in &t.indexes {
            let mut sub_parts: Vec<String> = ix
                .extra
                .get("sub_parts")
                .and_then(serde_json::Value::as_object)
                .into_iter()
                .flatten()
                .map(|(col, n)| format!("{col}={n}"))
                .collect();
            sub_parts.sort();
            let comment = ix.extra.get("comment").map(text).unwrap_or_default();
            if !sub_parts.is_empty() || !comment.is_empty() {
                model.insert(format!(
                    "mysql_index|{name}|{}|{}|{comment}",
                    ix.name,
                    sub_parts.join(",")
                ));
            }
        }
    }
    (mariadb_catalog(m, db), model)
}

#[cfg(feature = "mysql")]
#[test]
fn zabbix_on_mariadb_matches_the_catalog() {
    let (catalog, model) = mariadb_facts(&ddl(RealSchema::Zabbix, "mysql"), "zabbix_real");
    assert_whole_zabbix(&catalog);
    assert_holds(
        &catalog,
        &["mysql_index|zabbix_real.items|items_1|key_=764|"],
    );
    assert_same_facts(&catalog, &model);
}

#[cfg(feature = "mysql")]
#[test]
fn powerdns_on_mariadb_matches_the_catalog() {
    let (catalog, model) = mariadb_facts(&ddl(RealSchema::PowerDns, "mysql"), "pdns_real");
    assert_holds(
        &catalog,
        &[
            "fk|pdns_real.records|records_domain_id_ibfk|domain_id|pdns_real.domains|id|cc",
            "|varchar(255)|null|",
            "|tinyint(1)|null|1",
            "unique|pdns_real.tsigkeys|namealgoindex|name,algorithm",
            "mysql_table|pdns_real.records|InnoDB|latin1_swedish_ci",
            "mysql_column|pdns_real.records|ordername|latin1_bin|",
            "mysql_column|pdns_real.domains|account|utf8mb3_general_ci|",
            "mysql_column|pdns_real.records|id||auto_increment",
        ],
    );
    assert_same_facts(&catalog, &model);
}

/// MariaDB's own `mysql` (system tables and the `user` view) and `sys` (100 views over
/// `performance_schema`) databases, as `mariadb-install-db` creates them.
#[cfg(feature = "mysql")]
#[test]
fn mariadbs_own_databases_match_the_catalog() {
    let m = xldb_testkit::servers::MariaDb::shared().unwrap_or_else(|e| panic!("{e:#}"));
    let (catalog, model) = mariadb_database_facts(m, "mysql");
    assert_holds(
        &catalog,
        &[
            "table|mysql.user|view",
            "view|mysql.user|select ",
            "pk|mysql.global_priv|Host,User",
            "mysql_table|mysql.db|Aria|",
            "comment|mysql.db|Database privileges",
        ],
    );
    assert_same_facts(&catalog, &model);
    let (catalog, model) = mariadb_database_facts(m, "sys");
    assert!(
        count(&catalog, "view") >= 90,
        "{} views",
        count(&catalog, "view")
    );
    assert_same_facts(&catalog, &model);
}

// --- SQLite ------------------------------------------------------------------------------

/// One plain `PRAGMA` statement per table and index (the engine joins table-valued pragmas).
#[cfg(feature = "sqlite")]
fn sqlite_catalog(conn: &rusqlite::Connection) -> BTreeSet<String> {
    fn rows<T>(
        conn: &rusqlite::Connection,
        sql: &str,
        f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Vec<T> {
        let mut st = conn.prepare(sql).unwrap();
        let out = st.query_map([], f).unwrap().map(Result::unwrap).collect();
        out
    }
    fn quoted(name: &str) -> String {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
    let mut out = BTreeSet::new();
    // Views too: `table_info` lists their columns (no key, no index).
    let tables: Vec<(String, String)> = rows(
        conn,
        "SELECT name, type FROM sqlite_schema WHERE type IN ('table', 'view')
         AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
        |r| Ok((r.get(0)?, r.get(1)?)),
    );
    for (t, kind) in &tables {
        let name = format!("main.{t}");
        out.insert(format!("table|{name}|{kind}"));
        // cid, name, type, notnull, dflt_value, pk
        let cols: Vec<(i64, String, String, bool, Option<String>, i64)> =
            rows(conn, &format!("PRAGMA table_info({})", quoted(t)), |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            });
        // seq, name, unique, origin, partial
        let indexes: Vec<(String, bool, String)> =
            rows(conn, &format!("PRAGMA index_list({})", quoted(t)), |r| {
                Ok((r.get(1)?, r.get(2)?, r.get(3)?))
            });
        // A one-column primary key without a `pk` index is the rowid alias (`INTEGER PRIMARY
        // KEY`): `table_info` says it may be NULL, but it never holds NULL (the model says so).
        let rowid_alias = cols.iter().filter(|c| c.5 > 0).count() == 1
            && !indexes.iter().any(|(_, _, origin)| origin == "pk");
        let mut pk: Vec<(i64, &str)> = Vec::new();
        for (cid, col, ty, notnull, default, in_pk) in &cols {
            let position = u32::try_from(cid + 1).unwrap();
            let never_null = *notnull || (rowid_alias && *in_pk > 0);
            out.insert(column_fact(
                &name,
                col,
                position,
                ty,
                !never_null,
                default.as_deref(),
            ));
            if *in_pk > 0 {
                pk.push((*in_pk, col));
            }
        }
        if !pk.is_empty() {
            pk.sort();
            let cols: Vec<&str> = pk.iter().map(|(_, c)| *c).collect();
            out.insert(format!("pk|{name}|{}", cols.join(",")));
        }
        // id, seq, table, from, to, on_update, on_delete, match
        // id -> (target and actions, [(seq, from, to)])
        type Pairs = (String, Vec<(i64, String, String)>);
        let mut fks: BTreeMap<i64, Pairs> = BTreeMap::new();
        for (id, seq, head, from, to) in rows(
            conn,
            &format!("PRAGMA foreign_key_list({})", quoted(t)),
            |r| {
                let (upd, del): (String, String) = (r.get(5)?, r.get(6)?);
                let head = format!(
                    "main.{}|{}{}",
                    r.get::<_, String>(2)?,
                    action_letter(Some(&upd)),
                    action_letter(Some(&del))
                );
                Ok((r.get::<_, i64>(0)?, r.get(1)?, head, r.get(3)?, r.get(4)?))
            },
        ) {
            let fk = fks.entry(id).or_insert_with(|| (head, Vec::new()));
            fk.1.push((seq, from, to));
        }
        for (head, mut pairs) in fks.into_values() {
            pairs.sort();
            let (target, actions) = head.split_once('|').unwrap();
            let from: Vec<&str> = pairs.iter().map(|p| p.1.as_str()).collect();
            let to: Vec<&str> = pairs.iter().map(|p| p.2.as_str()).collect();
            out.insert(format!(
                "fk|{name}||{}|{target}|{}|{actions}",
                from.join(","),
                to.join(","),
            ));
        }
        for (index, unique, origin) in indexes {
            // seqno, cid, name, desc, coll, key
            let parts: Vec<(String, bool)> = rows(
                conn,
                &format!("PRAGMA index_xinfo({})", quoted(&index)),
                |r| Ok((r.get::<_, Option<String>>(2)?, r.get(3)?, r.get(5)?)),
            )
            .into_iter()
            .filter(|(_, _, key): &(Option<String>, bool, bool)| *key)
            .map(|(c, d, _)| (c.unwrap_or_default(), d))
            .collect();
            let cols: Vec<String> = parts
                .iter()
                .map(|(c, d)| format!("{c}:{}", if *d { "desc" } else { "asc" }))
                .collect();
            match origin.as_str() {
                "pk" => {}
                "u" => {
                    let names: Vec<&str> = parts.iter().map(|(c, _)| c.as_str()).collect();
                    out.insert(format!("unique|{name}||{}", names.join(",")));
                }
                _ => {
                    out.insert(plain_index_fact(&name, &index, unique, &cols.join(",")));
                }
            }
        }
    }
    out
}

/// Load `ddl` into a fresh SQLite file; the fact lines of (the catalog, the extracted model).
/// SQLite keeps checks and view bodies only as DDL text, with no catalog fact to compare: they
/// are left out.
#[cfg(feature = "sqlite")]
fn sqlite_facts(ddl: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("real.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(ddl).unwrap();
    let schema = extract_default(&format!("sqlite://{}", path.display())).unwrap();
    let mut model = portable_facts(&schema, true);
    model.retain(|l| !l.starts_with("check|") && !l.starts_with("view|"));
    (sqlite_catalog(&conn), model)
}

#[cfg(feature = "sqlite")]
#[test]
fn zabbix_on_sqlite_matches_the_catalog() {
    let (catalog, model) = sqlite_facts(&ddl(RealSchema::Zabbix, "sqlite"));
    assert_whole_zabbix(&catalog);
    assert_same_facts(&catalog, &model);
}

#[cfg(feature = "sqlite")]
#[test]
fn powerdns_on_sqlite_matches_the_catalog() {
    let (catalog, model) = sqlite_facts(&ddl(RealSchema::PowerDns, "sqlite"));
    assert_holds(
        &catalog,
        &[
            // the rowid alias: never NULL, though `table_info` says notnull = 0
            "column|main.domains|id|1|INTEGER|not_null|",
            "fk|main.records||domain_id|main.domains|id|cc",
            "index|main.supermasters|ip_nameserver_pk|unique|ip:asc,nameserver:asc",
        ],
    );
    assert_same_facts(&catalog, &model);
}
