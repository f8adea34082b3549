//! SQL Server: six queries on the documented catalog views (`sys.objects`, `sys.columns`,
//! `sys.key_constraints`, `sys.foreign_keys`, `sys.check_constraints`, `sys.indexes`,
//! `sys.extended_properties` for `MS_Description` comments).
//!
//! Filters are bound (`@P1` schema, `@P2` a JSON array of names read with `OPENJSON`, so
//! SQL Server 2016 or later). Types are rendered the way they are declared (`nvarchar(50)`,
//! `decimal(10,2)`, `varchar(max)`).
//!
//! What was run where: no SQL Server runs on the development machines, so the SQL is exercised
//! by tests only through rows shaped like these views' documented columns (conformance kit
//! included); the `tiberius` runner is compiled in CI (`--all-features`) and runs live only
//! when `DB_SCHEMA_MSSQL_URL` names a server.
//!
//! Extras: column `identity`, `computed` (expression), `collation`; index `type`
//! (`CLUSTERED`, `NONCLUSTERED`, ...) as the method; covering columns are the index's `include`.
//!
//! Built-in runner (feature `mssql`): `tiberius` over rustls. SQL Server has no read-only
//! session setting, so the runner turns `IMPLICIT_TRANSACTIONS` on and never commits (any
//! write would be rolled back when the connection closes), sets `LOCK_TIMEOUT`, and bounds each
//! statement with a client-side timeout. Give it a login with only `VIEW DEFINITION`.

use crate::engine::{kind_from, Assembler, Capabilities, Catalog, ConnectOptions, Engine, Filter};
use crate::model::{
    normalize_action, Check, Column, Extra, ForeignKey, Index, IndexColumn, PrimaryKey, Schema,
    Table, UniqueConstraint,
};
use crate::runner::{CatalogQuery, QueryRunner};
use crate::{DatabaseUrl, Error};

/// Microsoft SQL Server (2016 and later) and Azure SQL.
#[derive(Debug, Clone, Copy)]
pub struct Mssql;

const TABLES: &str = include_str!("../../sql/mssql/tables.sql");
const COLUMNS: &str = include_str!("../../sql/mssql/columns.sql");
const KEYS: &str = include_str!("../../sql/mssql/keys.sql");
const FOREIGN_KEYS: &str = include_str!("../../sql/mssql/foreign_keys.sql");
const CHECKS: &str = include_str!("../../sql/mssql/checks.sql");
const INDEXES: &str = include_str!("../../sql/mssql/indexes.sql");

#[async_trait::async_trait]
impl Engine for Mssql {
    fn name(&self) -> &'static str {
        "mssql"
    }

    fn schemes(&self) -> &'static [&'static str] {
        &["mssql", "sqlserver"]
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
            table_comments: true,
            column_comments: true,
            views: true,
            materialized_views: false,
            column_defaults: true,
            bound_parameters: true,
        }
    }

    fn quote_identifier(&self, ident: &str) -> String {
        format!("[{}]", ident.replace(']', "]]"))
    }

    fn version_query(&self) -> &'static str {
        "SELECT CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(128)) AS version"
    }

    fn catalog_queries(&self, filter: &Filter, _server_version: &str) -> Vec<CatalogQuery> {
        let params = vec![filter.schema_param(), filter.tables_json_param()];
        CatalogQuery::all_with(
            &[
                ("tables", TABLES),
                ("columns", COLUMNS),
                ("keys", KEYS),
                ("foreign_keys", FOREIGN_KEYS),
                ("checks", CHECKS),
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
        #[cfg(feature = "mssql")]
        {
            runner::connect(url, options).await
        }
        #[cfg(not(feature = "mssql"))]
        {
            crate::engine::not_compiled_in("mssql", url, options)
        }
    }
}

/// `((qty>(0)))` → `qty>(0)`: SQL Server wraps stored expressions in parentheses.
fn unwrap_parens(s: &str) -> String {
    let mut e = s.trim().to_owned();
    loop {
        let stripped = super::postgres::strip_outer_parens(&e);
        if stripped == e {
            return e;
        }
        e = stripped;
    }
}

fn build(catalog: &Catalog) -> Result<Schema, Error> {
    let mut asm = Assembler::default();
    for row in catalog.rows("tables")?.iter("tables") {
        let kind = match row.text("kind")?.as_str() {
            "U" => kind_from("table"),
            "V" => kind_from("view"),
            other => kind_from(other),
        };
        let mut t = Table::new(Some(row.text("schema_name")?), row.text("name")?, kind);
        t.comment = row.opt_text("comment")?;
        t.definition = row.opt_text("definition")?.map(|d| d.trim().to_owned());
        asm.add_table(t);
    }
    for row in catalog.rows("columns")?.iter("columns") {
        let schema = row.text("schema_name")?;
        let Some(t) = asm.table_mut(Some(&schema), &row.text("table_name")?) else {
            continue;
        };
        let mut extra = Extra::new();
        if row.flag("is_identity")? {
            extra.insert("identity".into(), true.into());
        }
        if let Some(c) = row.opt_text("computed")? {
            extra.insert("computed".into(), c.into());
        }
        if let Some(c) = row.opt_text("collation")? {
            extra.insert("collation".into(), c.into());
        }
        let position = u32::try_from(t.columns.len() + 1).unwrap_or(u32::MAX);
        t.columns.push(Column {
            name: row.text("name")?,
            position,
            data_type: row.text("type")?,
            nullable: row.flag("is_nullable")?,
            default: row.opt_text("default_value")?.map(|d| unwrap_parens(&d)),
            comment: row.opt_text("comment")?,
            extra,
        });
    }
    for row in catalog.rows("keys")?.iter("keys") {
        let schema = row.text("schema_name")?;
        let Some(t) = asm.table_mut(Some(&schema), &row.text("table_name")?) else {
            continue;
        };
        let name = row.text("name")?;
        let column = row.text("column_name")?;
        if row.text("type")?.trim() == "PK" {
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
    for row in catalog.rows("foreign_keys")?.iter("foreign_keys") {
        let schema = row.text("schema_name")?;
        let Some(t) = asm.table_mut(Some(&schema), &row.text("table_name")?) else {
            continue;
        };
        let name = row.text("name")?;
        let (column, referenced) = (row.text("column_name")?, row.text("referenced_column")?);
        match t.foreign_keys.last_mut() {
            Some(fk) if fk.name.as_deref() == Some(&name) => {
                fk.columns.push(column);
                fk.referenced_columns.push(referenced);
            }
            _ => t.foreign_keys.push(ForeignKey {
                name: Some(name),
                columns: vec![column],
                referenced_schema: row.opt_text("referenced_schema")?,
                referenced_table: row.text("referenced_table")?,
                referenced_columns: vec![referenced],
                on_delete: normalize_action(&row.opt_text("on_delete")?.unwrap_or_default()),
                on_update: normalize_action(&row.opt_text("on_update")?.unwrap_or_default()),
                ..Default::default()
            }),
        }
    }
    for row in catalog.rows("checks")?.iter("checks") {
        let schema = row.text("schema_name")?;
        let Some(t) = asm.table_mut(Some(&schema), &row.text("table_name")?) else {
            continue;
        };
        t.checks.push(Check {
            name: row.opt_text("name")?,
            expression: unwrap_parens(&row.text("definition")?),
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
            t.indexes.push(Index {
                name: name.clone(),
                columns: Vec::new(),
                unique: row.flag("is_unique")?,
                method: row.opt_text("method")?.map(|m| m.to_ascii_lowercase()),
                predicate: row.opt_text("predicate")?.map(|p| unwrap_parens(&p)),
                extra: Extra::new(),
                ..Default::default()
            });
        }
        let Some(ix) = t.indexes.last_mut() else {
            continue;
        };
        let column = row.text("column_name")?;
        if row.flag("is_included")? {
            ix.include.push(column);
        } else {
            ix.columns.push(IndexColumn {
                column: Some(column),
                expression: None,
                descending: row.flag("is_descending")?,
                ..Default::default()
            });
        }
    }
    Ok(asm.finish("mssql", &catalog.server_version, Extra::new()))
}

#[cfg(feature = "mssql")]
mod runner {
    use crate::runner::{Param, QueryRunner, Rows, Value};
    use crate::{ConnectOptions, DatabaseUrl, Error, Secret};
    use std::time::Duration;
    use tiberius::{AuthMethod, Client, ColumnData, Config, EncryptionLevel};
    use tokio::net::TcpStream;
    use tokio_util::compat::{Compat, TokioAsyncWriteCompatExt};

    pub(super) struct MssqlRunner {
        client: Client<Compat<TcpStream>>,
        secret: Secret,
        timeout: Duration,
    }

    impl std::fmt::Debug for MssqlRunner {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("MssqlRunner").finish_non_exhaustive()
        }
    }

    pub(super) async fn connect(
        url: &DatabaseUrl,
        options: &ConnectOptions,
    ) -> Result<Box<dyn QueryRunner>, Error> {
        let secret = url.secret();
        let target = url.target();
        let mut config = Config::new();
        config.host(url.host().unwrap_or("localhost"));
        config.port(url.port_or(1433));
        if let Some(db) = &url.database {
            config.database(db);
        }
        config.application_name("xldb-codex-schema");
        config.authentication(AuthMethod::sql_server(
            url.user.clone().unwrap_or_default(),
            url.password.as_ref().map(Secret::expose).unwrap_or(""),
        ));
        let param_true = |k: &str| {
            url.params.get(k).is_some_and(|v| {
                v.eq_ignore_ascii_case("true") || v == "1" || v.eq_ignore_ascii_case("yes")
            })
        };
        if param_true("trust_server_certificate") || param_true("TrustServerCertificate") {
            config.trust_cert();
        }
        if url.params.get("encrypt").is_some_and(|v| v == "false") {
            config.encryption(EncryptionLevel::NotSupported);
        }
        let tcp = TcpStream::connect(config.get_addr())
            .await
            .map_err(|e| Error::Connect {
                target: target.clone(),
                message: e.to_string(),
            })?;
        let _ = tcp.set_nodelay(true);
        let mut client = Client::connect(config, tcp.compat_write())
            .await
            .map_err(|e| {
                let message = secret.redact(&e.to_string());
                // 18456: login failed.
                if e.code() == Some(18456) {
                    Error::Auth {
                        target: target.clone(),
                        message,
                    }
                } else {
                    Error::Connect {
                        target: target.clone(),
                        message,
                    }
                }
            })?;
        let setup = format!(
            "SET IMPLICIT_TRANSACTIONS ON; SET LOCK_TIMEOUT {};",
            options.statement_timeout.as_millis()
        );
        let setup_err = |e: tiberius::error::Error| Error::Connect {
            target: target.clone(),
            message: secret.redact(&e.to_string()),
        };
        client
            .simple_query(setup)
            .await
            .map_err(setup_err)?
            .into_results()
            .await
            .map_err(setup_err)?;
        Ok(Box::new(MssqlRunner {
            client,
            secret,
            timeout: options.statement_timeout,
        }))
    }

    fn to_value(d: &ColumnData<'static>) -> Value {
        match d {
            ColumnData::U8(v) => v.map_or(Value::Null, |v| Value::Int(v.into())),
            ColumnData::I16(v) => v.map_or(Value::Null, |v| Value::Int(v.into())),
            ColumnData::I32(v) => v.map_or(Value::Null, |v| Value::Int(v.into())),
            ColumnData::I64(v) => v.map_or(Value::Null, Value::Int),
            ColumnData::F32(v) => v.map_or(Value::Null, |v| Value::Float(v.into())),
            ColumnData::F64(v) => v.map_or(Value::Null, Value::Float),
            ColumnData::Bit(v) => v.map_or(Value::Null, Value::Bool),
            ColumnData::String(v) => v
                .as_ref()
                .map_or(Value::Null, |s| Value::Text(s.to_string())),
            ColumnData::Numeric(v) => v.map_or(Value::Null, |n| Value::Text(n.to_string())),
            ColumnData::Binary(v) => v.as_ref().map_or(Value::Null, |b| {
                Value::Text(String::from_utf8_lossy(b).into_owned())
            }),
            other => Value::Text(format!("{other:?}")),
        }
    }

    #[async_trait::async_trait]
    impl QueryRunner for MssqlRunner {
        async fn query(&mut self, sql: &str, params: &[Param]) -> Result<Rows, Error> {
            let owned: Vec<Option<String>> = params
                .iter()
                .map(|p| match p {
                    Param::Null => None,
                    Param::Text(s) => Some(s.clone()),
                    Param::Int(i) => Some(i.to_string()),
                    Param::TextArray(a) => Some(serde_json::Value::from(a.clone()).to_string()),
                })
                .collect();
            let refs: Vec<&dyn tiberius::ToSql> =
                owned.iter().map(|p| p as &dyn tiberius::ToSql).collect();
            let secret = self.secret.clone();
            let fail =
                |e: tiberius::error::Error| Error::query_failed(secret.redact(&e.to_string()));
            let run = async {
                let stream = self.client.query(sql, &refs).await.map_err(fail)?;
                let rows = stream.into_first_result().await.map_err(fail)?;
                let columns: Vec<String> = rows
                    .first()
                    .map(|r| r.columns().iter().map(|c| c.name().to_owned()).collect())
                    .unwrap_or_default();
                let rows = rows
                    .iter()
                    .map(|r| r.cells().map(|(_, d)| to_value(d)).collect())
                    .collect();
                Ok(Rows { columns, rows })
            };
            tokio::time::timeout(self.timeout, run)
                .await
                .map_err(|_| Error::Timeout {
                    during: "running a catalog query".into(),
                    seconds: self.timeout.as_secs(),
                })?
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_expressions_lose_their_wrapping_parentheses() {
        assert_eq!(unwrap_parens("((1))"), "1");
        assert_eq!(unwrap_parens("([qty]>(0))"), "[qty]>(0)");
        assert_eq!(unwrap_parens("('x')"), "'x'");
        assert_eq!(Mssql.quote_identifier("a]b"), "[a]]b]");
    }
}
