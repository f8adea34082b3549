//! DuckDB: the `duckdb_tables()`, `duckdb_views()`, `duckdb_columns()`,
//! `duckdb_constraints()` and `duckdb_indexes()` table functions, four queries in all.
//!
//! Filters are bound (`$1` schema, `$2` a JSON array of names unpacked with `from_json`).
//! Index key parts and directions exist only in each index's `CREATE INDEX` text, which is
//! read with the small lexer in `sqltext.rs`. DuckDB has no partial indexes, no index
//! directions (`DESC` is accepted and dropped) and no
//! referential actions (foreign keys behave as `NO ACTION`).
//!
//! Extras: column `generated` (`{kind: virtual, expression}`; the expression comes from the
//! table's `CREATE TABLE` text, as for SQLite, and the column has no default) and
//! `collation` (a declared `COLLATE`, from the same text).
//!
//! Built-in runner (feature `duckdb`): the `duckdb` crate linked against the prebuilt
//! `libduckdb.so` (no `bundled` build: that costs ~20 minutes and ~9 GB on 2 cores; see
//! `scripts/deps.sh`), opened with `access_mode = READ_ONLY`; a statement past the timeout is
//! interrupted.

use super::sqltext;
use crate::engine::{
    kind_from, quote_doubling, Assembler, Capabilities, Catalog, ConnectOptions, Engine, Filter,
};
use crate::model::{
    Check, Column, Extra, ForeignKey, Index, IndexColumn, PrimaryKey, Schema, Table, TableKind,
    UniqueConstraint,
};
use crate::runner::{CatalogQuery, QueryRunner};
use crate::{DatabaseUrl, Error};
use std::collections::HashMap;

/// DuckDB (1.1 and later).
#[derive(Debug, Clone, Copy)]
pub struct DuckDb;

const TABLES: &str = include_str!("../../sql/duckdb/tables.sql");
const COLUMNS: &str = include_str!("../../sql/duckdb/columns.sql");
const CONSTRAINTS: &str = include_str!("../../sql/duckdb/constraints.sql");
const INDEXES: &str = include_str!("../../sql/duckdb/indexes.sql");

#[async_trait::async_trait]
impl Engine for DuckDb {
    fn name(&self) -> &'static str {
        "duckdb"
    }

    fn schemes(&self) -> &'static [&'static str] {
        &["duckdb"]
    }

    fn capabilities(&self, _server_version: &str) -> Capabilities {
        Capabilities {
            foreign_keys: true,
            check_constraints: true,
            unique_constraints: true,
            primary_keys: true,
            indexes: true,
            partial_indexes: false,
            // ART indexes have no direction: DuckDB accepts `DESC` and drops it.
            descending_indexes: false,
            table_comments: true,
            column_comments: true,
            views: true,
            materialized_views: false,
            column_defaults: true,
            bound_parameters: true,
        }
    }

    fn quote_identifier(&self, ident: &str) -> String {
        quote_doubling(ident, '"')
    }

    fn version_query(&self) -> &'static str {
        "SELECT version()"
    }

    fn catalog_queries(&self, filter: &Filter, _server_version: &str) -> Vec<CatalogQuery> {
        let params = vec![filter.schema_param(), filter.tables_json_param()];
        CatalogQuery::all_with(
            &[
                ("tables", TABLES),
                ("columns", COLUMNS),
                ("constraints", CONSTRAINTS),
                ("indexes", INDEXES),
            ],
            &params,
        )
    }

    fn build(&self, catalog: &Catalog) -> Result<Schema, Error> {
        build(catalog)
    }

    async fn connect(
        &self,
        url: &DatabaseUrl,
        options: &ConnectOptions,
    ) -> Result<Box<dyn QueryRunner>, Error> {
        #[cfg(feature = "duckdb")]
        {
            runner::connect(url, options)
        }
        #[cfg(not(feature = "duckdb"))]
        {
            crate::engine::not_compiled_in("duckdb", url, options)
        }
    }
}

fn build(catalog: &Catalog) -> Result<Schema, Error> {
    let mut asm = Assembler::default();
    // (schema, table) → its generated columns, read from the `CREATE TABLE` text.
    let mut generated: HashMap<(String, String), Vec<(String, String)>> = HashMap::new();
    // (schema, table) → its columns' declared collations, from the same text.
    let mut collations: HashMap<(String, String), Vec<(String, String)>> = HashMap::new();
    for row in catalog.rows("tables")?.iter("tables") {
        let kind = kind_from(&row.text("kind")?);
        let mut t = Table::new(
            Some(row.text("schema_name")?),
            row.text("name")?,
            kind.clone(),
        );
        t.comment = row.opt_text("comment")?.filter(|c| !c.is_empty());
        let sql = row.opt_text("sql")?;
        if kind == TableKind::View {
            t.definition = sql.and_then(|s| sqltext::view_body(&s));
        } else if let Some(sql) = sql {
            let key = (t.schema.clone().unwrap_or_default(), t.name.clone());
            let upper = sql.to_ascii_uppercase();
            if upper.contains("GENERATED") {
                generated.insert(key.clone(), sqltext::generated_columns(&sql));
            }
            if upper.contains("COLLATE") {
                collations.insert(key, sqltext::column_collations(&sql));
            }
        }
        asm.add_table(t);
    }
    for row in catalog.rows("columns")?.iter("columns") {
        let schema = row.text("schema_name")?;
        let Some(t) = asm.table_mut(Some(&schema), &row.text("table_name")?) else {
            continue;
        };
        let position = u32::try_from(t.columns.len() + 1).unwrap_or(u32::MAX);
        let name = row.text("name")?;
        let mut default = row.opt_text("column_default")?;
        let mut extra = Extra::new();
        // `duckdb_columns()` reports a generated column's expression as its default, cast to
        // the column type; the `CREATE TABLE` text tells them apart. DuckDB generates only
        // virtual columns.
        let key = (schema, t.name.clone());
        let expression = generated
            .get(&key)
            .and_then(|cols| cols.iter().find(|(c, _)| *c == name));
        let collation = collations
            .get(&key)
            .and_then(|cols| cols.iter().find(|(c, _)| *c == name));
        if let Some((_, collation)) = collation {
            extra.insert("collation".into(), collation.clone().into());
        }
        if let Some((_, expression)) = expression {
            default = None;
            extra.insert(
                "generated".into(),
                serde_json::json!({ "kind": "virtual", "expression": expression }),
            );
        }
        t.columns.push(Column {
            name,
            position,
            data_type: row.text("data_type")?,
            nullable: row.flag("is_nullable")?,
            default,
            comment: row.opt_text("comment")?.filter(|c| !c.is_empty()),
            extra,
        });
    }
    for row in catalog.rows("constraints")?.iter("constraints") {
        let schema = row.text("schema_name")?;
        let table = row.text("table_name")?;
        let Some(t) = asm.table_mut(Some(&schema), &table) else {
            continue;
        };
        let name = row.opt_text("constraint_name")?;
        let columns = row.text_list("constraint_column_names")?;
        match row.text("constraint_type")?.as_str() {
            "PRIMARY KEY" => {
                t.primary_key = Some(PrimaryKey {
                    name,
                    columns,
                    ..Default::default()
                })
            }
            "UNIQUE" => t.unique_constraints.push(UniqueConstraint {
                name,
                columns,
                ..Default::default()
            }),
            "CHECK" => t.checks.push(Check {
                name,
                expression: row
                    .opt_text("expression")?
                    .or(row.opt_text("constraint_text")?)
                    .unwrap_or_default(),
                ..Default::default()
            }),
            _ => {
                // DuckDB lists a foreign key on the referencing table only when the text says
                // `FOREIGN KEY … REFERENCES`; other rows describe the referenced side.
                let text = row.opt_text("constraint_text")?.unwrap_or_default();
                if !text.to_ascii_uppercase().starts_with("FOREIGN KEY") {
                    continue;
                }
                t.foreign_keys.push(ForeignKey {
                    name,
                    columns,
                    referenced_schema: Some(schema.clone()),
                    referenced_table: row.opt_text("referenced_table")?.unwrap_or_default(),
                    referenced_columns: row.text_list("referenced_column_names")?,
                    on_delete: Some("NO ACTION".into()),
                    on_update: Some("NO ACTION".into()),
                    ..Default::default()
                });
            }
        }
    }
    for row in catalog.rows("indexes")?.iter("indexes") {
        let schema = row.text("schema_name")?;
        let Some(t) = asm.table_mut(Some(&schema), &row.text("table_name")?) else {
            continue;
        };
        if row.flag("is_primary")? {
            continue;
        }
        let def = row.opt_text("sql")?.and_then(|s| sqltext::index_parts(&s));
        let columns = def
            .as_ref()
            .map(|d| {
                d.parts
                    .iter()
                    .map(
                        |(text, descending)| match sqltext::single_identifier(text) {
                            Some(c) => IndexColumn {
                                column: Some(c),
                                expression: None,
                                descending: *descending,
                                ..Default::default()
                            },
                            None => IndexColumn {
                                column: None,
                                expression: Some(text.clone()),
                                descending: *descending,
                                ..Default::default()
                            },
                        },
                    )
                    .collect()
            })
            .unwrap_or_default();
        t.indexes.push(Index {
            name: row.text("index_name")?,
            columns,
            unique: row.flag("is_unique")?,
            method: Some("art".into()),
            predicate: def.and_then(|d| d.predicate),
            extra: Extra::new(),
            ..Default::default()
        });
    }
    Ok(asm.finish("duckdb", &catalog.server_version, Extra::new()))
}

#[cfg(feature = "duckdb")]
mod read;

#[cfg(feature = "duckdb")]
mod runner {
    use crate::read_query::{excerpt, CancelQuery};
    use crate::runner::{Param, QueryRunner, Rows, Value};
    use crate::{ConnectOptions, DatabaseUrl, Error, Location, ReadLimits, ReadResult};
    use duckdb::types::Value as D;
    use duckdb::{AccessMode, Config, Connection};
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    pub(super) struct DuckDbRunner {
        conn: Arc<Mutex<Connection>>,
        timeout: Duration,
    }

    impl std::fmt::Debug for DuckDbRunner {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("DuckDbRunner").finish_non_exhaustive()
        }
    }

    pub(super) fn connect(
        url: &DatabaseUrl,
        options: &ConnectOptions,
    ) -> Result<Box<dyn QueryRunner>, Error> {
        let Location::File(path) = &url.location else {
            return Err(Error::InvalidUrl {
                url: url.to_string(),
                reason: "expected a file path".into(),
            });
        };
        let target = path.display().to_string();
        if !path.exists() {
            return Err(Error::Connect {
                target,
                message: "no such file".into(),
            });
        }
        let connect_err = |e: duckdb::Error| Error::Connect {
            target: target.clone(),
            message: e.to_string(),
        };
        // Read-only, and nothing outside the file: no other files or URLs (`read_csv`,
        // `COPY … TO`, `ATTACH`), no extension installed or loaded, and the configuration
        // locked so that no statement can change any of this.
        let config = Config::default()
            .access_mode(AccessMode::ReadOnly)
            .and_then(|c| c.enable_external_access(false))
            .and_then(|c| c.enable_autoload_extension(false))
            .and_then(|c| c.with("autoinstall_known_extensions", "false"))
            .and_then(|c| c.with("lock_configuration", "true"))
            .map_err(connect_err)?;
        let conn = Connection::open_with_flags(path, config).map_err(connect_err)?;
        Ok(Box::new(DuckDbRunner {
            conn: Arc::new(Mutex::new(conn)),
            timeout: options.statement_timeout,
        }))
    }

    /// Lists become JSON text, like the other engines' arrays.
    fn to_json(v: &D) -> serde_json::Value {
        match v {
            D::Null => serde_json::Value::Null,
            D::Boolean(b) => (*b).into(),
            D::Text(s) | D::Enum(s) => s.clone().into(),
            D::List(items) | D::Array(items) => items.iter().map(to_json).collect(),
            other => match to_value(other.clone()) {
                Value::Int(i) => i.into(),
                Value::Float(f) => f.into(),
                Value::Text(s) => s.into(),
                Value::Bool(b) => b.into(),
                Value::Null => serde_json::Value::Null,
            },
        }
    }

    fn to_value(v: D) -> Value {
        match v {
            D::Null => Value::Null,
            D::Boolean(b) => Value::Bool(b),
            D::TinyInt(i) => Value::Int(i.into()),
            D::SmallInt(i) => Value::Int(i.into()),
            D::Int(i) => Value::Int(i.into()),
            D::BigInt(i) => Value::Int(i),
            D::UTinyInt(i) => Value::Int(i.into()),
            D::USmallInt(i) => Value::Int(i.into()),
            D::UInt(i) => Value::Int(i.into()),
            D::UBigInt(i) => i64::try_from(i).map_or(Value::Text(i.to_string()), Value::Int),
            D::HugeInt(i) => i64::try_from(i).map_or(Value::Text(i.to_string()), Value::Int),
            D::Float(f) => Value::Float(f.into()),
            D::Double(f) => Value::Float(f),
            D::Text(s) | D::Enum(s) => Value::Text(s),
            D::Blob(b) => Value::Text(String::from_utf8_lossy(&b).into_owned()),
            ref list @ (D::List(_) | D::Array(_)) => Value::Text(to_json(list).to_string()),
            other => Value::Text(format!("{other:?}")),
        }
    }

    fn run(conn: &Connection, sql: &str, params: &[Param]) -> duckdb::Result<Rows> {
        let mut stmt = conn.prepare(sql)?;
        let values: Vec<D> = params
            .iter()
            .map(|p| match p {
                Param::Null => D::Null,
                Param::Text(s) => D::Text(s.clone()),
                Param::Int(i) => D::BigInt(*i),
                Param::TextArray(a) => D::Text(serde_json::Value::from(a.clone()).to_string()),
            })
            .collect();
        let mut rows = stmt.query(duckdb::params_from_iter(values.iter()))?;
        let columns = rows.as_ref().map(|s| s.column_names()).unwrap_or_default();
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let mut vals = Vec::with_capacity(columns.len());
            for i in 0..columns.len() {
                vals.push(to_value(row.get::<_, D>(i)?));
            }
            out.push(vals);
        }
        Ok(Rows { columns, rows: out })
    }

    /// Cancels through DuckDB's interrupt.
    struct DuckDbCancel(Arc<duckdb::InterruptHandle>);

    impl std::fmt::Debug for DuckDbCancel {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("DuckDbCancel").finish_non_exhaustive()
        }
    }

    #[async_trait::async_trait]
    impl CancelQuery for DuckDbCancel {
        async fn cancel(&self) {
            self.0.interrupt();
        }
    }

    #[async_trait::async_trait]
    impl QueryRunner for DuckDbRunner {
        async fn read_only_query(
            &mut self,
            sql: &str,
            limits: &ReadLimits,
        ) -> Result<ReadResult, Error> {
            let conn = Arc::clone(&self.conn);
            let interrupt = conn
                .lock()
                .map_err(|_| Error::query_failed("the connection is poisoned"))?
                .interrupt_handle();
            let (text, limits) = (sql.to_owned(), *limits);
            let job = tokio::task::spawn_blocking(move || {
                let guard = conn
                    .lock()
                    .map_err(|_| Error::query_failed("the connection is poisoned"))?;
                super::read::run(&guard, &text, &limits)
                    .map_err(|e| Error::query_failed(e.to_string()))
            });
            match tokio::time::timeout(limits.timeout, job).await {
                Ok(joined) => joined.map_err(|e| Error::query_failed(e.to_string()))?,
                Err(_) => {
                    interrupt.interrupt();
                    Err(Error::Timeout {
                        during: format!("running `{}`", excerpt(sql)),
                        seconds: limits.timeout.as_secs(),
                    })
                }
            }
        }

        fn canceller(&self) -> Option<Arc<dyn CancelQuery>> {
            let handle = self.conn.lock().ok()?.interrupt_handle();
            Some(Arc::new(DuckDbCancel(handle)))
        }

        async fn query(&mut self, sql: &str, params: &[Param]) -> Result<Rows, Error> {
            let conn = Arc::clone(&self.conn);
            let interrupt = conn
                .lock()
                .map_err(|_| Error::query_failed("the connection is poisoned"))?
                .interrupt_handle();
            let sql = sql.to_owned();
            let params = params.to_vec();
            let job = tokio::task::spawn_blocking(move || {
                let guard = conn
                    .lock()
                    .map_err(|_| Error::query_failed("the connection is poisoned"))?;
                run(&guard, &sql, &params).map_err(|e| Error::query_failed(e.to_string()))
            });
            match tokio::time::timeout(self.timeout, job).await {
                Ok(joined) => joined.map_err(|e| Error::query_failed(e.to_string()))?,
                Err(_) => {
                    interrupt.interrupt();
                    Err(Error::Timeout {
                        during: "running a catalog query".into(),
                        seconds: self.timeout.as_secs(),
                    })
                }
            }
        }
    }
}
