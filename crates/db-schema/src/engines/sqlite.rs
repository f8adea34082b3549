//! SQLite: `sqlite_schema` plus table-valued pragmas, four statements for any number of tables.
//!
//! `pragma_table_xinfo`, `pragma_foreign_key_list`, `pragma_index_list` and `pragma_index_xinfo`
//! are joined against `sqlite_schema`, so every fact comes back in one statement per kind.
//! SQLite keeps check constraints, index expressions and generated-column expressions only as
//! DDL text: those are read from `sqlite_schema.sql` with the small lexer in `sqltext.rs`.
//! SQLite has no comments.
//!
//! Extras: table `strict` and `without_rowid` (booleans); column `generated` (`{kind: virtual
//! or stored, expression}`, as on PostgreSQL and MySQL) and `collation` (a declared `COLLATE`
//! other than `BINARY`, read from the DDL). An index part's `collation` is set when it is not
//! the column's own (`pragma_index_xinfo`'s `coll`). A foreign key's `deferrable` and
//! `initially_deferred` are read from the DDL too (no pragma reports them).
//!
//! Built-in runner (feature `sqlite`): the file is opened read-only (`SQLITE_OPEN_READ_ONLY`)
//! with `PRAGMA query_only = 1`; a statement that runs past the timeout is interrupted.

use super::sqltext;
use crate::engine::{
    kind_from, quote_doubling, Assembler, Capabilities, Catalog, ConnectOptions, Engine, Filter,
};
use crate::model::{
    normalize_action, Check, Column, Extra, ForeignKey, Index, IndexColumn, PrimaryKey, Schema,
    Table, TableKind, UniqueConstraint,
};
use crate::runner::{CatalogQuery, QueryRunner};
use crate::{DatabaseUrl, Error};
use std::collections::BTreeMap;

/// SQLite.
#[derive(Debug, Clone, Copy)]
pub struct Sqlite;

const TABLES: &str = include_str!("../../sql/sqlite/tables.sql");
const COLUMNS: &str = include_str!("../../sql/sqlite/columns.sql");
const FOREIGN_KEYS: &str = include_str!("../../sql/sqlite/foreign_keys.sql");
const INDEXES: &str = include_str!("../../sql/sqlite/indexes.sql");

#[async_trait::async_trait]
impl Engine for Sqlite {
    fn name(&self) -> &'static str {
        "sqlite"
    }

    fn schemes(&self) -> &'static [&'static str] {
        &["sqlite"]
    }

    fn capabilities(&self, _server_version: &str) -> Capabilities {
        Capabilities {
            foreign_keys: true,
            check_constraints: true,
            unique_constraints: true,
            primary_keys: true,
            indexes: true,
            partial_indexes: true,
            descending_indexes: true,
            table_comments: false,
            column_comments: false,
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
        "SELECT sqlite_version()"
    }

    fn catalog_queries(&self, filter: &Filter, _server_version: &str) -> Vec<CatalogQuery> {
        let params = vec![filter.schema_param(), filter.tables_json_param()];
        CatalogQuery::all_with(
            &[
                ("tables", TABLES),
                ("columns", COLUMNS),
                ("foreign_keys", FOREIGN_KEYS),
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
        #[cfg(feature = "sqlite")]
        {
            runner::connect(url, options)
        }
        #[cfg(not(feature = "sqlite"))]
        {
            crate::engine::not_compiled_in("sqlite", url, options)
        }
    }
}

const MAIN: &str = "main";

fn build(catalog: &Catalog) -> Result<Schema, Error> {
    let mut asm = Assembler::default();
    let schema = Some(MAIN.to_owned());
    let mut create_sql: BTreeMap<String, String> = BTreeMap::new();
    // table → (column, declared collation), from the DDL (no pragma reports it).
    let mut collations: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for row in catalog.rows("tables")?.iter("tables") {
        let name = row.text("name")?;
        let kind = kind_from(&row.text("kind")?);
        let sql = row.opt_text("sql")?.unwrap_or_default();
        let mut t = Table::new(schema.clone(), name.clone(), kind.clone());
        if kind == TableKind::View {
            t.definition = sqltext::view_body(&sql);
        } else {
            t.extra.insert("strict".into(), row.flag("strict")?.into());
            t.extra
                .insert("without_rowid".into(), row.flag("without_rowid")?.into());
            for (cname, expr) in sqltext::check_clauses(&sql) {
                t.checks.push(Check {
                    name: cname,
                    expression: expr,
                    ..Default::default()
                });
            }
        }
        if sql.to_ascii_uppercase().contains("COLLATE") {
            collations.insert(name.clone(), sqltext::column_collations(&sql));
        }
        create_sql.insert(name, sql);
        asm.add_table(t);
    }

    let mut pk_parts: BTreeMap<String, Vec<(i64, String)>> = BTreeMap::new();
    for row in catalog.rows("columns")?.iter("columns") {
        let table = row.text("table_name")?;
        let Some(t) = asm.table_mut(Some(MAIN), &table) else {
            continue;
        };
        let hidden = row.int("hidden")?;
        // hidden = 1: virtual-table hidden column; 2/3: generated columns (kept, flagged).
        if hidden == 1 {
            continue;
        }
        let name = row.text("name")?;
        let pk = row.int("pk")?;
        if pk > 0 {
            pk_parts
                .entry(table.clone())
                .or_default()
                .push((pk, name.clone()));
        }
        let mut extra = Extra::new();
        if hidden == 2 || hidden == 3 {
            // Same shape as PostgreSQL and MySQL; the expression is only in the DDL text.
            let expression = create_sql
                .get(&table)
                .and_then(|sql| {
                    sqltext::generated_columns(sql)
                        .into_iter()
                        .find(|(c, _)| *c == name)
                })
                .map(|(_, e)| e);
            extra.insert(
                "generated".into(),
                serde_json::json!({
                    "kind": if hidden == 2 { "virtual" } else { "stored" },
                    "expression": expression,
                }),
            );
        }
        if let Some(coll) = column_collation(&collations, &table, &name) {
            extra.insert("collation".into(), coll.into());
        }
        let position = u32::try_from(t.columns.len() + 1).unwrap_or(u32::MAX);
        t.columns.push(Column {
            name,
            position,
            data_type: row.opt_text("type")?.unwrap_or_default(),
            // SQLite lets a PRIMARY KEY column hold NULL unless it is the rowid alias or
            // declared NOT NULL; report what the catalog says.
            nullable: !(row.flag("not_null")?
                || (pk > 0 && t.kind == TableKind::Table && is_rowid_alias(&create_sql, &table))),
            default: row.opt_text("default_value")?,
            comment: None,
            extra,
        });
    }
    for (table, mut parts) in pk_parts {
        if let Some(t) = asm.table_mut(Some(MAIN), &table) {
            if t.kind != TableKind::Table {
                continue;
            }
            parts.sort();
            t.primary_key = Some(PrimaryKey {
                name: None,
                columns: parts.into_iter().map(|(_, c)| c).collect(),
                ..Default::default()
            });
        }
    }

    // Foreign keys: pairs grouped by (table, id). A missing `to` means "the referenced
    // table's primary key", resolved below.
    let mut fks: BTreeMap<(String, i64), ForeignKey> = BTreeMap::new();
    for row in catalog.rows("foreign_keys")?.iter("foreign_keys") {
        let key = (row.text("table_name")?, row.int("id")?);
        let fk = fks.entry(key).or_insert_with(|| ForeignKey {
            name: None,
            columns: Vec::new(),
            referenced_schema: Some(MAIN.to_owned()),
            referenced_table: String::new(),
            referenced_columns: Vec::new(),
            on_delete: None,
            on_update: None,
            ..Default::default()
        });
        fk.referenced_table = row.text("referenced_table")?;
        fk.columns.push(row.text("column_name")?);
        if let Some(to) = row.opt_text("referenced_column")? {
            fk.referenced_columns.push(to);
        }
        fk.on_delete = normalize_action(&row.opt_text("on_delete")?.unwrap_or_default());
        fk.on_update = normalize_action(&row.opt_text("on_update")?.unwrap_or_default());
    }
    let mut resolved = Vec::new();
    for ((table, _), mut fk) in fks {
        // DEFERRABLE is only in the DDL; a key is matched by its referencing columns.
        let deferrable = create_sql
            .get(&table)
            .filter(|sql| sql.to_ascii_uppercase().contains("DEFERRABLE"))
            .map(|sql| sqltext::deferrable_references(sql))
            .unwrap_or_default();
        if let Some((_, deferred)) = deferrable.iter().find(|(c, _)| *c == fk.columns) {
            fk.deferrable = true;
            fk.initially_deferred = *deferred;
        }
        if fk.referenced_columns.is_empty() {
            if let Some(pk) = asm
                .table_mut(Some(MAIN), &fk.referenced_table)
                .and_then(|t| t.primary_key.clone())
            {
                fk.referenced_columns = pk.columns;
            }
        }
        resolved.push((table, fk));
    }
    for (table, fk) in resolved {
        if let Some(t) = asm.table_mut(Some(MAIN), &table) {
            t.foreign_keys.push(fk);
        }
    }

    // Indexes: one row per key part.
    let mut current: Option<(String, String)> = None;
    let mut parsed: Option<sqltext::IndexDef> = None;
    for row in catalog.rows("indexes")?.iter("indexes") {
        let table = row.text("table_name")?;
        let index = row.text("index_name")?;
        let origin = row.text("origin")?;
        let Some(t) = asm.table_mut(Some(MAIN), &table) else {
            continue;
        };
        if origin == "pk" {
            continue;
        }
        let column = row.opt_text("column_name")?;
        let descending = row.flag("descending")?;
        let seq = usize::try_from(row.int("seqno")?).unwrap_or(0);
        // The part's collation when it is not the column's own (BINARY for an expression or
        // a column that declares none).
        let own = column
            .as_deref()
            .and_then(|c| column_collation(&collations, &table, c))
            .unwrap_or("BINARY");
        let collation = row
            .opt_text("collation")?
            .filter(|c| !c.eq_ignore_ascii_case(own));
        if origin == "u" {
            match t.unique_constraints.last_mut() {
                Some(u) if current.as_ref() == Some(&(table.clone(), index.clone())) => {
                    u.columns.extend(column)
                }
                _ => t.unique_constraints.push(UniqueConstraint {
                    name: None,
                    columns: column.into_iter().collect(),
                    ..Default::default()
                }),
            }
            current = Some((table, index));
            continue;
        }
        if current.as_ref() != Some(&(table.clone(), index.clone())) {
            parsed = row.opt_text("sql")?.and_then(|s| sqltext::index_parts(&s));
            t.indexes.push(Index {
                name: index.clone(),
                columns: Vec::new(),
                unique: row.flag("is_unique")?,
                method: Some("btree".into()),
                predicate: if row.flag("partial")? {
                    parsed.as_ref().and_then(|p| p.predicate.clone())
                } else {
                    None
                },
                extra: Extra::new(),
                ..Default::default()
            });
            current = Some((table, index));
        }
        let expression = match &column {
            Some(_) => None,
            None => Some(
                parsed
                    .as_ref()
                    .and_then(|p| p.parts.get(seq))
                    .map(|p| p.0.clone())
                    .unwrap_or_else(|| "?".into()),
            ),
        };
        if let Some(ix) = t.indexes.last_mut() {
            ix.columns.push(IndexColumn {
                column,
                expression,
                descending,
                collation,
                ..Default::default()
            });
        }
    }
    Ok(asm.finish("sqlite", &catalog.server_version, Extra::new()))
}

/// The collation `column` of `table` declares, unless it is the default (`BINARY`).
fn column_collation<'a>(
    collations: &'a BTreeMap<String, Vec<(String, String)>>,
    table: &str,
    column: &str,
) -> Option<&'a str> {
    collations
        .get(table)?
        .iter()
        .find(|(c, _)| c == column)
        .map(|(_, coll)| coll.as_str())
        .filter(|coll| !coll.eq_ignore_ascii_case("BINARY"))
}

/// A single-column `INTEGER PRIMARY KEY` is the rowid and never NULL.
fn is_rowid_alias(create_sql: &BTreeMap<String, String>, table: &str) -> bool {
    create_sql.get(table).is_some_and(|sql| {
        let toks = sqltext::lex(sql);
        toks.windows(3).any(|w| {
            matches!(&w[0].0, sqltext::Tok::Word(a) if a.eq_ignore_ascii_case("integer"))
                && matches!(&w[1].0, sqltext::Tok::Word(b) if b.eq_ignore_ascii_case("primary"))
                && matches!(&w[2].0, sqltext::Tok::Word(c) if c.eq_ignore_ascii_case("key"))
        })
    })
}

#[cfg(feature = "sqlite")]
mod runner {
    use crate::read_query::{float, Collector};
    use crate::runner::{Param, QueryRunner, Rows, Value};
    use crate::{
        CancelQuery, ConnectOptions, DatabaseUrl, Error, Location, ReadLimits, ReadResult,
    };
    use rusqlite::limits::Limit;
    use rusqlite::{types::ValueRef, Connection, InterruptHandle, OpenFlags};
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    pub(super) struct SqliteRunner {
        conn: Arc<Mutex<Connection>>,
        timeout: Duration,
    }

    impl std::fmt::Debug for SqliteRunner {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("SqliteRunner").finish_non_exhaustive()
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
        if !path.exists() && path.as_os_str() != ":memory:" {
            return Err(Error::Connect {
                target,
                message: "no such file".into(),
            });
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| Error::Connect {
            target: target.clone(),
            message: e.to_string(),
        })?;
        // No string or blob above MAX_VALUE_LENGTH is ever built (`zeroblob(1e9)` fails
        // instead of allocating); no database can be attached.
        conn.busy_timeout(options.statement_timeout)
            .and_then(|_| conn.execute_batch("PRAGMA query_only = 1;"))
            .and_then(|_| conn.set_limit(Limit::SQLITE_LIMIT_LENGTH, MAX_VALUE_LENGTH))
            .and_then(|_| conn.set_limit(Limit::SQLITE_LIMIT_ATTACHED, 0))
            .map_err(|e| Error::Connect {
                target,
                message: e.to_string(),
            })?;
        Ok(Box::new(SqliteRunner {
            conn: Arc::new(Mutex::new(conn)),
            timeout: options.statement_timeout,
        }))
    }

    /// The longest string or blob SQLite may build on this connection (bytes).
    const MAX_VALUE_LENGTH: i32 = 64 << 20;

    /// One statement in a deferred transaction that is rolled back.
    fn read(conn: &Connection, sql: &str, limits: &ReadLimits) -> rusqlite::Result<ReadResult> {
        conn.execute_batch("PRAGMA query_only = 1; BEGIN DEFERRED")?;
        let result = read_in_transaction(conn, sql, limits);
        conn.execute_batch("ROLLBACK")?;
        result
    }

    fn read_in_transaction(
        conn: &Connection,
        sql: &str,
        limits: &ReadLimits,
    ) -> rusqlite::Result<ReadResult> {
        // `prepare` refuses text after the first statement
        let mut stmt = conn.prepare(sql)?;
        // a statement without columns is not a query (`PRAGMA query_only = 0`, `BEGIN`)
        if !stmt.readonly() || stmt.column_count() == 0 {
            return Err(rusqlite::Error::InvalidQuery);
        }
        let columns: Vec<String> = stmt.column_names().map(str::to_owned).collect();
        let n = columns.len();
        let mut c = Collector::new(columns, limits);
        let mut rows = stmt.raw_query();
        while let Some(row) = rows.next()? {
            let mut values = Vec::with_capacity(n);
            for i in 0..n {
                values.push(match row.get_ref(i)? {
                    ValueRef::Null => serde_json::Value::Null,
                    ValueRef::Integer(v) => serde_json::Value::from(v),
                    ValueRef::Real(v) => float(v),
                    ValueRef::Text(t) => c.bytes_as_text(t),
                    ValueRef::Blob(b) => c.binary(b),
                });
            }
            if !c.push(values) {
                break;
            }
        }
        Ok(c.finish())
    }

    /// Cancels with `sqlite3_interrupt`.
    struct SqliteCancel(InterruptHandle);

    impl std::fmt::Debug for SqliteCancel {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("SqliteCancel").finish_non_exhaustive()
        }
    }

    #[async_trait::async_trait]
    impl CancelQuery for SqliteCancel {
        async fn cancel(&self) {
            self.0.interrupt();
        }
    }

    impl SqliteRunner {
        /// Run `job` on the connection in a blocking thread, interrupted at the time limit.
        async fn blocking<T: Send + 'static>(
            &self,
            during: &str,
            job: impl FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
        ) -> Result<T, Error> {
            let conn = Arc::clone(&self.conn);
            let interrupt = {
                let guard = conn
                    .lock()
                    .map_err(|_| Error::query_failed("the connection is poisoned"))?;
                guard.get_interrupt_handle()
            };
            let task = tokio::task::spawn_blocking(move || {
                let guard = conn
                    .lock()
                    .map_err(|_| Error::query_failed("the connection is poisoned"))?;
                job(&guard).map_err(|e| match e {
                    rusqlite::Error::InvalidQuery => {
                        Error::query_failed(crate::read_query::NOT_A_QUERY)
                    }
                    e => Error::query_failed(e.to_string()),
                })
            });
            match tokio::time::timeout(self.timeout, task).await {
                Ok(joined) => joined.map_err(|e| Error::query_failed(e.to_string()))?,
                Err(_) => {
                    interrupt.interrupt();
                    Err(Error::Timeout {
                        during: during.into(),
                        seconds: self.timeout.as_secs(),
                    })
                }
            }
        }
    }

    fn run(conn: &Connection, sql: &str, params: &[Param]) -> rusqlite::Result<Rows> {
        let mut stmt = conn.prepare(sql)?;
        let columns: Vec<String> = stmt.column_names().map(str::to_owned).collect();
        for (i, p) in params.iter().enumerate() {
            let idx = i + 1;
            if idx > stmt.parameter_count() {
                break;
            }
            match p {
                Param::Null => stmt.raw_bind_parameter(idx, rusqlite::types::Null)?,
                Param::Text(s) => stmt.raw_bind_parameter(idx, s.as_str())?,
                Param::Int(n) => stmt.raw_bind_parameter(idx, *n)?,
                Param::TextArray(a) => {
                    stmt.raw_bind_parameter(idx, serde_json::Value::from(a.clone()).to_string())?
                }
            }
        }
        let n = columns.len();
        let mut rows = stmt.raw_query();
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let mut values = Vec::with_capacity(n);
            for i in 0..n {
                values.push(match row.get_ref(i)? {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(v) => Value::Int(v),
                    ValueRef::Real(v) => Value::Float(v),
                    ValueRef::Text(t) | ValueRef::Blob(t) => {
                        Value::Text(String::from_utf8_lossy(t).into_owned())
                    }
                });
            }
            out.push(values);
        }
        Ok(Rows { columns, rows: out })
    }

    #[async_trait::async_trait]
    impl QueryRunner for SqliteRunner {
        async fn query(&mut self, sql: &str, params: &[Param]) -> Result<Rows, Error> {
            let sql = sql.to_owned();
            let params = params.to_vec();
            self.blocking("running a catalog query", move |conn| {
                run(conn, &sql, &params)
            })
            .await
        }

        async fn read_only_query(
            &mut self,
            sql: &str,
            limits: &ReadLimits,
        ) -> Result<ReadResult, Error> {
            let during = format!("running `{}`", crate::read_query::excerpt(sql));
            let sql = sql.to_owned();
            let limits = *limits;
            self.blocking(&during, move |conn| read(conn, &sql, &limits))
                .await
        }

        fn canceller(&self) -> Option<Arc<dyn CancelQuery>> {
            let guard = self.conn.lock().ok()?;
            Some(Arc::new(SqliteCancel(guard.get_interrupt_handle())))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rowid_alias_and_view_body() {
        let mut m = BTreeMap::new();
        m.insert(
            "t".to_owned(),
            "CREATE TABLE t (id INTEGER PRIMARY KEY, x)".to_owned(),
        );
        assert!(is_rowid_alias(&m, "t"));
        m.insert(
            "u".to_owned(),
            "CREATE TABLE u (id INT PRIMARY KEY)".to_owned(),
        );
        assert!(!is_rowid_alias(&m, "u"));
    }
}
