//! MySQL and MariaDB: eight bulk queries on `information_schema`, whatever the number of tables.
//!
//! The catalog tables are read one at a time and joined in Rust: MariaDB materializes
//! `information_schema` tables without indexes, so a join between two of them grows with the
//! product of their sizes (measured on 2,000 tables: 1.7 s for `TABLE_CONSTRAINTS ⨝
//! KEY_COLUMN_USAGE ⨝ REFERENTIAL_CONSTRAINTS`, 0.06 s + 0.05 s read separately).
//!
//! Filters are bound (`?`): the schema, and the table names as one JSON array matched with
//! `JSON_CONTAINS`, so no name is ever formatted into SQL (a table named `we;ird` broke the
//! guide's `SHOW INDEXES FROM {table}`). MySQL and MariaDB differ in places the catalog shows:
//! - MariaDB quotes string defaults (`'x'`) and reports a missing default as the text `NULL`;
//!   MySQL returns SQL NULL and unquoted strings. Both are normalized to SQL text (`'x'`/none).
//! - MariaDB's `CHECK_CONSTRAINTS` has `TABLE_NAME` (names are per table), MySQL's has not (it
//!   is joined to `TABLE_CONSTRAINTS` there; MySQL 8's catalog views are indexed).
//! - MySQL 8.0.13+ has functional index parts (`STATISTICS.EXPRESSION`).
//!
//! Every unique index is also a unique constraint in MySQL, so it appears in both
//! `unique_constraints` and `indexes`.
//!
//! Extras: table `engine`, `collation`, `create_options`, `partitioning`
//! (`{method, expression, partitions: [{name, description}]}`); column `collation` (when not
//! the table's), `auto_increment`, `on_update`, `generated`; index `comment`, `sub_parts`.
//!
//! Built-in runner (feature `mysql`): `mysql_async` over TCP without TLS; the session is set
//! to `TRANSACTION READ ONLY` with a statement time limit (`max_statement_time` on MariaDB,
//! `max_execution_time` on MySQL), in one statement on MariaDB. Round trips are what a small
//! schema costs (process start aside), so a query without parameters and without `;` (one
//! statement by construction, as every catalog query without a filter) goes as text, one
//! round trip instead of prepare + execute; its values are typed as the binary protocol
//! types them. The driver's settings query is skipped (its two values are given).

use crate::engine::{
    kind_from, quote_doubling, Assembler, Capabilities, Catalog, ConnectOptions, Engine, Filter,
};
use crate::model::{
    normalize_action, Check, Column, Extra, ForeignKey, Index, IndexColumn, PrimaryKey, Schema,
    Table, TableKind, UniqueConstraint,
};
use crate::runner::{CatalogQuery, Param, QueryRunner};
use crate::{DatabaseUrl, Error};
use serde_json::json;
use std::collections::BTreeMap;

/// MySQL (5.7, 8.x) and MariaDB (10.2 and later).
#[derive(Debug, Clone, Copy)]
pub struct Mysql;

const TABLES: &str = include_str!("../../sql/mysql/tables.sql");
const COLUMNS: &str = include_str!("../../sql/mysql/columns.sql");
const KEYS: &str = include_str!("../../sql/mysql/keys.sql");
const CHECKS: &str = include_str!("../../sql/mysql/checks.sql");
const CHECKS_MARIADB: &str = include_str!("../../sql/mysql/checks_mariadb.sql");
const VIEWS: &str = include_str!("../../sql/mysql/views.sql");
const REFERENTIAL: &str = include_str!("../../sql/mysql/referential.sql");
const INDEXES: &str = include_str!("../../sql/mysql/indexes.sql");
const PARTITIONS: &str = include_str!("../../sql/mysql/partitions.sql");

fn is_mariadb(version: &str) -> bool {
    version.to_ascii_lowercase().contains("mariadb")
}

/// `(major, minor, patch)` of `8.0.36` / `10.11.19-MariaDB-…`.
fn version_triple(version: &str) -> (u32, u32, u32) {
    let mut it = version
        .split(|c: char| !c.is_ascii_digit())
        .take(3)
        .map(|p| p.parse::<u32>().unwrap_or(0));
    (
        it.next().unwrap_or(0),
        it.next().unwrap_or(0),
        it.next().unwrap_or(0),
    )
}

#[async_trait::async_trait]
impl Engine for Mysql {
    fn name(&self) -> &'static str {
        "mysql"
    }

    fn schemes(&self) -> &'static [&'static str] {
        &["mysql", "mariadb"]
    }

    fn capabilities(&self, server_version: &str) -> Capabilities {
        let v = version_triple(server_version);
        Capabilities {
            foreign_keys: true,
            check_constraints: if is_mariadb(server_version) {
                v >= (10, 2, 0)
            } else {
                v >= (8, 0, 16)
            },
            unique_constraints: true,
            primary_keys: true,
            indexes: true,
            partial_indexes: false,
            descending_indexes: if is_mariadb(server_version) {
                v >= (10, 8, 0)
            } else {
                v >= (8, 0, 0)
            },
            table_comments: true,
            column_comments: true,
            views: true,
            materialized_views: false,
            column_defaults: true,
            bound_parameters: true,
        }
    }

    fn quote_identifier(&self, ident: &str) -> String {
        quote_doubling(ident, '`')
    }

    fn version_query(&self) -> &'static str {
        "SELECT VERSION()"
    }

    fn catalog_queries(&self, filter: &Filter, server_version: &str) -> Vec<CatalogQuery> {
        let maria = is_mariadb(server_version);
        let checks = if maria { CHECKS_MARIADB } else { CHECKS }.to_owned();
        let indexes = if !maria && version_triple(server_version) >= (8, 0, 13) {
            INDEXES.to_owned()
        } else {
            INDEXES.replace("/*expression*/s.EXPRESSION", "NULL")
        };
        [
            ("tables", TABLES.to_owned()),
            ("views", VIEWS.to_owned()),
            ("columns", COLUMNS.to_owned()),
            ("keys", KEYS.to_owned()),
            ("referential", REFERENTIAL.to_owned()),
            ("checks", checks),
            ("indexes", indexes),
            ("partitions", PARTITIONS.to_owned()),
        ]
        .into_iter()
        .map(|(name, sql)| {
            let (sql, params) = render(&sql, filter);
            CatalogQuery { name, sql, params }
        })
        .collect()
    }

    fn build(&self, catalog: &Catalog) -> Result<Schema, Error> {
        build(catalog)
    }

    fn check_target(&self, url: &DatabaseUrl, filter: &Filter) -> Result<(), Error> {
        if url.database.is_none() && filter.schema.is_none() {
            return Err(Error::InvalidFilter(
                "the url names no database: add `/DATABASE` to it or give a schema (`--schema`)"
                    .into(),
            ));
        }
        Ok(())
    }

    fn with_client_defaults(&self, url: &DatabaseUrl) -> Result<DatabaseUrl, Error> {
        Ok(crate::client_env::mysql(url, &crate::client_env::Process))
    }

    async fn connect(
        &self,
        url: &DatabaseUrl,
        options: &ConnectOptions,
    ) -> Result<Box<dyn QueryRunner>, Error> {
        #[cfg(feature = "mysql")]
        {
            runner::connect(url, options).await
        }
        #[cfg(not(feature = "mysql"))]
        {
            crate::engine::not_compiled_in("mysql", url, options)
        }
    }
}

/// Fill the `{filter:alias}` and `{schema:column}` placeholders of a query (comment lines
/// dropped), returning the SQL and its `?` parameters in order. Without a schema filter the
/// connection's database is used (`DATABASE()`): a URL without a database needs `--schema`.
fn render(sql: &str, filter: &Filter) -> (String, Vec<Param>) {
    let schema = |params: &mut Vec<Param>| match &filter.schema {
        Some(s) => {
            params.push(Param::Text(s.clone()));
            "?".to_owned()
        }
        None => "DATABASE()".to_owned(),
    };
    let mut out = String::with_capacity(sql.len() + 64);
    let mut params = Vec::new();
    for line in sql.lines().filter(|l| !l.trim_start().starts_with("--")) {
        let mut rest = line;
        while let Some(start) = rest.find('{') {
            let Some(len) = rest[start..].find('}') else {
                break;
            };
            out.push_str(&rest[..start]);
            let token = &rest[start + 1..start + len];
            if let Some(spec) = token.strip_prefix("filter:") {
                // `alias` or `alias/SCHEMA_COLUMN` (some views name it CONSTRAINT_SCHEMA).
                let (alias, column) = spec.split_once('/').unwrap_or((spec, "TABLE_SCHEMA"));
                let value = schema(&mut params);
                out.push_str(&format!("AND {alias}.{column} = {value}"));
                if let Some(tables) = &filter.tables {
                    params.push(Param::Text(
                        serde_json::Value::from(tables.clone()).to_string(),
                    ));
                    out.push_str(&format!(
                        " AND JSON_CONTAINS(?, JSON_QUOTE({alias}.TABLE_NAME))"
                    ));
                }
            } else if let Some(column) = token.strip_prefix("schema:") {
                let value = schema(&mut params);
                out.push_str(&format!("{column} = {value}"));
            } else {
                out.push_str(&rest[start..=start + len]);
            }
            rest = &rest[start + len + 1..];
        }
        out.push_str(rest);
        out.push('\n');
    }
    (out, params)
}

/// SQL text of a default as the catalog reports it.
fn normalize_default(
    raw: Option<String>,
    data_type: &str,
    extra: &str,
    mariadb: bool,
) -> Option<String> {
    let raw = raw?;
    if mariadb {
        // MariaDB ≥ 10.2.7: literals quoted, expressions bare, no default = the text NULL.
        return (raw != "NULL").then_some(raw);
    }
    let textual = matches!(
        data_type.to_ascii_lowercase().as_str(),
        "char"
            | "varchar"
            | "tinytext"
            | "text"
            | "mediumtext"
            | "longtext"
            | "enum"
            | "set"
            | "binary"
            | "varbinary"
    );
    if textual && !extra.to_ascii_uppercase().contains("DEFAULT_GENERATED") {
        Some(format!("'{}'", raw.replace('\'', "''")))
    } else {
        Some(raw)
    }
}

/// `ON DELETE` and `ON UPDATE` of a foreign key.
type Actions = (Option<String>, Option<String>);

fn build(catalog: &Catalog) -> Result<Schema, Error> {
    let maria = is_mariadb(&catalog.server_version);
    let mut asm = Assembler::default();
    let mut table_collation: BTreeMap<(String, String), Option<String>> = BTreeMap::new();
    for row in catalog.rows("tables")?.iter("tables") {
        let schema = row.text("schema_name")?;
        let name = row.text("name")?;
        let kind = match row.text("kind")?.as_str() {
            "SYSTEM VERSIONED" => TableKind::Table,
            "SEQUENCE" => TableKind::Other("sequence".into()),
            other => kind_from(other),
        };
        let mut t = Table::new(Some(schema.clone()), name.clone(), kind.clone());
        t.comment = row
            .opt_text("comment")?
            .filter(|c| !(c.is_empty() || (kind == TableKind::View && c == "VIEW")));
        for key in ["engine", "collation", "create_options"] {
            if let Some(v) = row.opt_text(key)?.filter(|v| !v.is_empty()) {
                t.extra.insert(key.into(), v.into());
            }
        }
        table_collation.insert((schema, name), row.opt_text("collation")?);
        asm.add_table(t);
    }
    for row in catalog.rows("views")?.iter("views") {
        let schema = row.text("schema_name")?;
        if let Some(t) = asm.table_mut(Some(&schema), &row.text("name")?) {
            t.definition = row.opt_text("definition")?;
        }
    }
    // (schema, table, constraint) -> (on delete, on update)
    let mut actions: BTreeMap<(String, String, String), Actions> = BTreeMap::new();
    for row in catalog.rows("referential")?.iter("referential") {
        actions.insert(
            (
                row.text("schema_name")?,
                row.text("table_name")?,
                row.text("name")?,
            ),
            (
                normalize_action(&row.opt_text("on_delete")?.unwrap_or_default()),
                normalize_action(&row.opt_text("on_update")?.unwrap_or_default()),
            ),
        );
    }

    for row in catalog.rows("columns")?.iter("columns") {
        let schema = row.text("schema_name")?;
        let table = row.text("table_name")?;
        let Some(t) = asm.table_mut(Some(&schema), &table) else {
            continue;
        };
        let data_type = row.opt_text("data_type")?.unwrap_or_default();
        let mysql_extra = row.opt_text("extra")?.unwrap_or_default();
        let mut extra = Extra::new();
        let lower = mysql_extra.to_ascii_lowercase();
        if lower.contains("auto_increment") {
            extra.insert("auto_increment".into(), true.into());
        }
        if let Some(pos) = lower.find("on update ") {
            extra.insert("on_update".into(), mysql_extra[pos + 10..].trim().into());
        }
        let generated = row
            .opt_text("generation_expression")?
            .filter(|g| !g.is_empty());
        if let Some(g) = &generated {
            let kind = if lower.contains("stored") || lower.contains("persistent") {
                "stored"
            } else {
                "virtual"
            };
            extra.insert("generated".into(), json!({ "kind": kind, "expression": g }));
        }
        let collation = row.opt_text("collation")?;
        if collation.is_some()
            && table_collation
                .get(&(schema.clone(), table.clone()))
                .cloned()
                .flatten()
                != collation
        {
            extra.insert("collation".into(), collation.into());
        }
        let default = if generated.is_some() {
            None
        } else {
            normalize_default(
                row.opt_text("default_value")?,
                &data_type,
                &mysql_extra,
                maria,
            )
        };
        t.columns.push(Column {
            name: row.text("name")?,
            position: u32::try_from(row.int("position")?).unwrap_or(0),
            data_type: row.text("type")?,
            nullable: row.flag("nullable")?,
            default,
            comment: row.opt_text("comment")?.filter(|c| !c.is_empty()),
            extra,
        });
    }

    for row in catalog.rows("keys")?.iter("keys") {
        let schema = row.text("schema_name")?;
        let table = row.text("table_name")?;
        let Some(t) = asm.table_mut(Some(&schema), &table) else {
            continue;
        };
        let name = row.text("name")?;
        let column = row.text("column_name")?;
        let referenced_table = row.opt_text("referenced_table")?;
        if name == "PRIMARY" {
            // MySQL and MariaDB always name the primary key PRIMARY.
            match &mut t.primary_key {
                Some(pk) => pk.columns.push(column),
                None => {
                    t.primary_key = Some(PrimaryKey {
                        name: Some(name),
                        columns: vec![column],
                        ..Default::default()
                    })
                }
            }
        } else if let Some(referenced_table) = referenced_table {
            let referenced_column = row.opt_text("referenced_column")?.unwrap_or_default();
            match t.foreign_keys.last_mut() {
                Some(fk) if fk.name.as_deref() == Some(&name) => {
                    fk.columns.push(column);
                    fk.referenced_columns.push(referenced_column);
                }
                _ => {
                    let (on_delete, on_update) = actions
                        .get(&(schema.clone(), table.clone(), name.clone()))
                        .cloned()
                        .unwrap_or_default();
                    t.foreign_keys.push(ForeignKey {
                        name: Some(name),
                        columns: vec![column],
                        referenced_schema: row.opt_text("referenced_schema")?,
                        referenced_table,
                        referenced_columns: vec![referenced_column],
                        on_delete,
                        on_update,
                        ..Default::default()
                    })
                }
            }
        } else {
            match t.unique_constraints.last_mut() {
                Some(u) if u.name.as_deref() == Some(&name) => u.columns.push(column),
                _ => t.unique_constraints.push(UniqueConstraint {
                    name: Some(name),
                    columns: vec![column],
                    ..Default::default()
                }),
            }
        }
    }

    for row in catalog.rows("checks")?.iter("checks") {
        let schema = row.text("schema_name")?;
        let Some(t) = asm.table_mut(Some(&schema), &row.text("table_name")?) else {
            continue;
        };
        t.checks.push(Check {
            name: row.opt_text("name")?,
            expression: row.text("expression")?,
            ..Default::default()
        });
    }

    for row in catalog.rows("indexes")?.iter("indexes") {
        let schema = row.text("schema_name")?;
        let Some(t) = asm.table_mut(Some(&schema), &row.text("table_name")?) else {
            continue;
        };
        let name = row.text("name")?;
        if t.indexes.last().map(|i| &i.name) != Some(&name) {
            let mut extra = Extra::new();
            if let Some(c) = row.opt_text("comment")?.filter(|c| !c.is_empty()) {
                extra.insert("comment".into(), c.into());
            }
            t.indexes.push(Index {
                name: name.clone(),
                columns: Vec::new(),
                unique: !row.flag("non_unique")?,
                method: row.opt_text("method")?.map(|m| m.to_ascii_lowercase()),
                predicate: None,
                extra,
                ..Default::default()
            });
        }
        let Some(ix) = t.indexes.last_mut() else {
            continue;
        };
        let column = row.opt_text("column_name")?;
        if let Some(sub) = row.opt_int("sub_part")? {
            let entry = ix
                .extra
                .entry("sub_parts".to_owned())
                .or_insert_with(|| json!({}));
            entry[column.clone().unwrap_or_default()] = sub.into();
        }
        ix.columns.push(IndexColumn {
            expression: if column.is_none() {
                row.opt_text("expression")?
            } else {
                None
            },
            column,
            descending: row.opt_text("collation")?.as_deref() == Some("D"),
            ..Default::default()
        });
    }

    let mut parts: BTreeMap<(String, String), serde_json::Value> = BTreeMap::new();
    for row in catalog.rows("partitions")?.iter("partitions") {
        let key = (row.text("schema_name")?, row.text("table_name")?);
        let entry = parts
            .entry(key)
            .or_insert_with(|| json!({ "partitions": [] }));
        entry["method"] = row.opt_text("method")?.into();
        entry["expression"] = row.opt_text("expression")?.into();
        if let Some(list) = entry["partitions"].as_array_mut() {
            list.push(
                json!({ "name": row.text("name")?, "description": row.opt_text("description")? }),
            );
        }
    }
    for ((schema, table), p) in parts {
        if let Some(t) = asm.table_mut(Some(&schema), &table) {
            t.extra.insert("partitioning".into(), p);
        }
    }
    Ok(asm.finish("mysql", &catalog.server_version, Extra::new()))
}

#[cfg(feature = "mysql")]
mod read;

#[cfg(feature = "mysql")]
mod runner {
    use super::read;
    use crate::runner::{Param, QueryRunner, Rows, Value};
    use crate::{CancelQuery, ConnectOptions, DatabaseUrl, Error, ReadLimits, ReadResult, Secret};
    use mysql_async::prelude::Queryable;
    use mysql_async::{Conn, Opts, OptsBuilder};
    use std::sync::Arc;

    pub(super) struct MysqlRunner {
        conn: Conn,
        secret: Secret,
        /// A read-only transaction of ours may still be open (a call was dropped mid-way).
        in_transaction: bool,
        /// MariaDB's JSON columns of the tables read so far.
        json_columns: read::JsonColumns,
    }

    impl std::fmt::Debug for MysqlRunner {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("MysqlRunner").finish_non_exhaustive()
        }
    }

    fn message(e: &mysql_async::Error, secret: &Secret) -> String {
        let m = match e {
            mysql_async::Error::Server(s) => format!("{} ({})", s.message, s.code),
            other => other.to_string(),
        };
        secret.redact(&m)
    }

    pub(super) async fn connect(
        url: &DatabaseUrl,
        options: &ConnectOptions,
    ) -> Result<Box<dyn QueryRunner>, Error> {
        let secret = url.secret();
        let target = url.target();
        let opts = OptsBuilder::default()
            .ip_or_hostname(url.host().unwrap_or("localhost"))
            .tcp_port(url.port_or(3306))
            .user(Some(url.user.clone().unwrap_or_else(|| "root".into())))
            .pass(url.password.as_ref().map(|p| p.expose().to_owned()))
            .db_name(url.database.clone())
            .prefer_socket(false)
            // Given, so the driver does not read them from the server (one round trip less):
            // the protocol's largest packet (the server bounds what it sends by its own
            // setting) and the server default of wait_timeout (used only for pooling).
            .max_allowed_packet(Some(MAX_PACKET))
            .wait_timeout(Some(28_800));
        let mut conn = Conn::new(opts).await.map_err(|e| {
            let m = message(&e, &secret);
            match &e {
                mysql_async::Error::Server(s)
                    if s.code == 1045 || s.code == 1044 || s.code == 1698 =>
                {
                    Error::Auth {
                        target: target.clone(),
                        message: m,
                    }
                }
                _ => Error::Connect {
                    target: target.clone(),
                    message: m,
                },
            }
        })?;
        let fail = |e: mysql_async::Error| Error::Connect {
            target: target.clone(),
            message: message(&e, &secret),
        };
        session_setup(&mut conn, options).await.map_err(fail)?;
        Ok(Box::new(MysqlRunner {
            conn,
            secret,
            in_transaction: false,
            json_columns: read::JsonColumns::new(),
        }))
    }

    /// The protocol's largest packet (1 GiB).
    const MAX_PACKET: usize = 1 << 30;

    /// The character set and SQL mode our SQL reading assumes (backslash escapes on, `"`
    /// quotes strings, `||` is OR).
    const NAMES_AND_MODE: &str = "SET NAMES utf8mb4, SESSION sql_mode = 'STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'";

    /// Make the session read-only with a statement time limit, in the character set and SQL
    /// mode we assume (SET is refused afterwards, so they hold). MariaDB (10 and later) takes it all in one statement
    /// (`tx_read_only`, `max_statement_time` in seconds); MySQL, or a MariaDB that refuses it,
    /// gets one statement per setting (`max_execution_time` in milliseconds on MySQL).
    async fn session_setup(
        conn: &mut Conn,
        options: &ConnectOptions,
    ) -> Result<(), mysql_async::Error> {
        let secs = options.statement_timeout.as_secs_f64();
        if conn.server_version().0 >= 10
            && conn
                .query_drop(format!(
                    "{NAMES_AND_MODE}, SESSION tx_read_only = 1, SESSION max_statement_time = {secs}"
                ))
                .await
                .is_ok()
        {
            return Ok(());
        }
        conn.query_drop(NAMES_AND_MODE).await?;
        conn.query_drop("SET SESSION TRANSACTION READ ONLY").await?;
        if conn
            .query_drop(format!("SET SESSION max_statement_time = {secs}"))
            .await
            .is_err()
        {
            conn.query_drop(format!(
                "SET SESSION max_execution_time = {}",
                options.statement_timeout.as_millis()
            ))
            .await?;
        }
        Ok(())
    }

    /// A value of the text protocol typed as the binary protocol types it: integers and
    /// floats by the column's type, everything else as [`to_value`] reads it (dates come as
    /// their text, unquoted).
    fn text_value(v: mysql_async::Value, column: &mysql_async::Column) -> Value {
        use mysql_async::consts::ColumnType as T;
        let number = |b: &[u8]| std::str::from_utf8(b).ok().map(str::to_owned);
        match (&v, column.column_type()) {
            (
                mysql_async::Value::Bytes(b),
                T::MYSQL_TYPE_TINY
                | T::MYSQL_TYPE_SHORT
                | T::MYSQL_TYPE_INT24
                | T::MYSQL_TYPE_LONG
                | T::MYSQL_TYPE_LONGLONG
                | T::MYSQL_TYPE_YEAR,
            ) => match number(b) {
                Some(t) => t.parse::<i64>().map_or(Value::Text(t), Value::Int),
                None => to_value(v),
            },
            (mysql_async::Value::Bytes(b), T::MYSQL_TYPE_FLOAT | T::MYSQL_TYPE_DOUBLE) => {
                match number(b) {
                    Some(t) => t.parse::<f64>().map_or(Value::Text(t), Value::Float),
                    None => to_value(v),
                }
            }
            _ => to_value(v),
        }
    }

    fn to_value(v: mysql_async::Value) -> Value {
        use mysql_async::Value as V;
        match v {
            V::NULL => Value::Null,
            // valid UTF-8 (the catalog's case) is taken as it is, without a copy
            V::Bytes(b) => Value::Text(
                String::from_utf8(b)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
            ),
            V::Int(i) => Value::Int(i),
            V::UInt(u) => i64::try_from(u).map_or(Value::Text(u.to_string()), Value::Int),
            V::Float(f) => Value::Float(f.into()),
            V::Double(f) => Value::Float(f),
            other => Value::Text(other.as_sql(true)),
        }
    }

    #[async_trait::async_trait]
    impl QueryRunner for MysqlRunner {
        async fn query(&mut self, sql: &str, params: &[Param]) -> Result<Rows, Error> {
            let values: Vec<mysql_async::Value> = params
                .iter()
                .map(|p| match p {
                    Param::Null => mysql_async::Value::NULL,
                    Param::Text(s) => mysql_async::Value::Bytes(s.clone().into_bytes()),
                    Param::Int(i) => mysql_async::Value::Int(*i),
                    Param::TextArray(a) => mysql_async::Value::Bytes(
                        serde_json::Value::from(a.clone()).to_string().into_bytes(),
                    ),
                })
                .collect();
            let fail = |e: mysql_async::Error| Error::query_failed(message(&e, &self.secret));
            // Without parameters and without a `;` the text is one statement by construction:
            // sent as text it takes one round trip instead of prepare + execute.
            let text = values.is_empty() && !sql.contains(';');
            let rows: Vec<mysql_async::Row> = if text {
                self.conn.query(sql).await.map_err(fail)?
            } else if values.is_empty() {
                self.conn.exec(sql, ()).await.map_err(fail)?
            } else {
                self.conn
                    .exec(sql, mysql_async::Params::Positional(values))
                    .await
                    .map_err(fail)?
            };
            let columns: Vec<String> = rows
                .first()
                .map(|r| {
                    r.columns_ref()
                        .iter()
                        .map(|c| c.name_str().into_owned())
                        .collect()
                })
                .unwrap_or_default();
            let rows = rows
                .into_iter()
                .map(|r| {
                    let types = r.columns();
                    r.unwrap()
                        .into_iter()
                        .zip(types.iter())
                        .map(|(v, c)| if text { text_value(v, c) } else { to_value(v) })
                        .collect()
                })
                .collect();
            Ok(Rows { columns, rows })
        }

        async fn read_only_query(
            &mut self,
            sql: &str,
            limits: &ReadLimits,
        ) -> Result<ReadResult, Error> {
            let secret = &self.secret;
            let fail = |e: mysql_async::Error| Error::query_failed(message(&e, secret));
            if self.in_transaction {
                self.conn.query_drop("ROLLBACK").await.map_err(fail)?;
                self.in_transaction = false;
            }
            self.in_transaction = true;
            self.conn
                .query_drop("START TRANSACTION READ ONLY")
                .await
                .map_err(fail)?;
            let result = match read::run(&mut self.conn, sql, limits, &mut self.json_columns).await
            {
                Ok(Ok(r)) => Ok(r),
                Ok(Err(why)) => Err(Error::query_failed(why)),
                Err(e) => Err(fail(e)),
            };
            let rollback = self.conn.query_drop("ROLLBACK").await;
            if rollback.is_ok() {
                self.in_transaction = false;
            }
            let result = result?;
            rollback.map_err(fail)?;
            Ok(result)
        }

        fn canceller(&self) -> Option<Arc<dyn CancelQuery>> {
            Some(Arc::new(MysqlCancel {
                opts: self.conn.opts().clone(),
                id: self.conn.id(),
            }))
        }
    }

    /// Cancels with `KILL QUERY <id>` from a second connection as the same user.
    struct MysqlCancel {
        opts: Opts,
        id: u32,
    }

    impl std::fmt::Debug for MysqlCancel {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("MysqlCancel")
                .field("id", &self.id)
                .finish_non_exhaustive()
        }
    }

    #[async_trait::async_trait]
    impl CancelQuery for MysqlCancel {
        async fn cancel(&self) {
            let kill = async {
                let mut conn = Conn::new(self.opts.clone()).await?;
                conn.query_drop(format!("KILL QUERY {}", self.id)).await?;
                conn.disconnect().await
            };
            if let Err(e) = kill.await {
                tracing::debug!(error = %e, "mysql cancel failed");
            }
        }
    }

    #[cfg(test)]
    mod tests {
        use super::{text_value, Value};
        use mysql_async::consts::ColumnType as T;
        use mysql_async::{Column, Value as V};

        fn typed(text: &str, t: T) -> Value {
            text_value(V::Bytes(text.as_bytes().to_vec()), &Column::new(t))
        }

        #[test]
        fn text_values_are_typed_like_the_binary_protocol() {
            assert_eq!(typed("42", T::MYSQL_TYPE_LONGLONG), Value::Int(42));
            assert_eq!(typed("-7", T::MYSQL_TYPE_TINY), Value::Int(-7));
            assert_eq!(typed("2024", T::MYSQL_TYPE_YEAR), Value::Int(2024));
            // beyond i64: text, as the binary protocol's u64 is
            assert_eq!(
                typed("18446744073709551615", T::MYSQL_TYPE_LONGLONG),
                Value::Text("18446744073709551615".into())
            );
            assert_eq!(typed("30.000000", T::MYSQL_TYPE_DOUBLE), Value::Float(30.0));
            assert_eq!(
                typed("12.50", T::MYSQL_TYPE_NEWDECIMAL),
                Value::Text("12.50".into())
            );
            assert_eq!(
                typed("42", T::MYSQL_TYPE_VAR_STRING),
                Value::Text("42".into())
            );
            assert_eq!(
                text_value(V::NULL, &Column::new(T::MYSQL_TYPE_LONG)),
                Value::Null
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Regression: a URL without a database used to extract "no tables" (DATABASE() is NULL),
    // which reads as an empty database instead of a mistake in the URL.
    #[test]
    fn a_url_without_a_database_needs_a_schema_filter() {
        let engine = Mysql;
        let bare = DatabaseUrl::parse("mysql://app:s3cret@127.0.0.1:3306").unwrap();
        let err = engine.check_target(&bare, &Filter::default()).unwrap_err();
        assert!(err.is_usage());
        assert!(err.to_string().contains("--schema"), "{err}");
        assert!(!err.to_string().contains("s3cret"));
        let with_schema = Filter {
            schema: Some("shop".into()),
            tables: None,
        };
        assert!(engine.check_target(&bare, &with_schema).is_ok());
        let with_db = DatabaseUrl::parse("mysql://app@127.0.0.1:3306/shop").unwrap();
        assert!(engine.check_target(&with_db, &Filter::default()).is_ok());
    }

    #[test]
    fn defaults_are_normalized_per_dialect() {
        assert_eq!(
            normalize_default(Some("NULL".into()), "int", "", true),
            None
        );
        assert_eq!(
            normalize_default(Some("'x'".into()), "varchar", "", true).as_deref(),
            Some("'x'")
        );
        assert_eq!(
            normalize_default(Some("it's".into()), "varchar", "", false).as_deref(),
            Some("'it''s'")
        );
        assert_eq!(
            normalize_default(
                Some("CURRENT_TIMESTAMP".into()),
                "timestamp",
                "DEFAULT_GENERATED",
                false
            )
            .as_deref(),
            Some("CURRENT_TIMESTAMP")
        );
        assert_eq!(normalize_default(None, "int", "", false), None);
    }

    #[test]
    fn versions_switch_sql() {
        assert_eq!(version_triple("10.11.19-MariaDB-0+deb12u1"), (10, 11, 19));
        let q = Mysql.catalog_queries(&Filter::default(), "10.11.19-MariaDB");
        assert!(q
            .iter()
            .any(|q| q.sql.contains("cc.TABLE_NAME AS table_name")));
        assert!(
            q.iter().all(|q| !q.sql.contains(" JOIN ")),
            "no catalog joins on MariaDB"
        );
        assert!(!q.iter().any(|q| q.sql.contains("s.EXPRESSION")));
        let q = Mysql.catalog_queries(&Filter::default(), "8.0.36");
        assert!(q.iter().any(|q| q.sql.contains("s.EXPRESSION")));
        assert!(q
            .iter()
            .any(|q| q.sql.contains("JOIN information_schema.CHECK_CONSTRAINTS")));
        assert!(q.iter().all(|q| q.params.is_empty()
            && !q.sql.contains('?')
            && q.sql.contains("= DATABASE()")));
        let f = Filter {
            schema: Some("d`b".into()),
            tables: Some(vec!["a'b".into()]),
        };
        for q in Mysql.catalog_queries(&f, "10.11.2-MariaDB") {
            assert_eq!(q.sql.matches('?').count(), q.params.len(), "{}", q.sql);
            assert!(!q.sql.contains("a'b") && !q.sql.contains("d`b") && !q.sql.contains('{'));
            assert_eq!(q.params.last(), Some(&Param::Text("[\"a'b\"]".into())));
        }
    }
}
