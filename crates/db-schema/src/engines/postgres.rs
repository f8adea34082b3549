//! PostgreSQL: seven bulk queries on `pg_catalog`, whatever the number of tables.
//!
//! `pg_catalog`, not `information_schema`: the latter only shows objects the role has
//! privileges on (measured: 2 of 2,000 tables and no constraints for a low-privilege role),
//! and it lacks partitions, enums, index details and comments. Filters are bound: `$1` the
//! schema, `$2` a `text[]` of table names. Column lists come back as JSON text so any runner
//! can carry them. Version differences are handled by switching column expressions
//! (`attgenerated` needs 12, `indnkeyatts` 11); 10 is the oldest version supported
//! (`relispartition`).
//!
//! Extras:
//! - schema: `enums` (`[{schema, name, labels}]`), `sequences` (`[{schema, name, type, start,
//!   increment, owned_by}]`, identity sequences excluded: see the column's `identity`);
//! - table: `partitioning` (`{key, partitions: [{schema, name, bound}]}`: partitions are not
//!   listed as tables), exclusion constraints as `exclusion_constraints`;
//! - column: `identity` (`always`/`by_default`), `generated` (`stored`), `collation`;
//! - index: `include` (covering columns).
//!
//! Built-in runner (feature `postgres`): `tokio-postgres` without TLS, started with
//! `default_transaction_read_only=on` and `statement_timeout` as startup options, so no extra
//! round trip is spent and every statement runs read-only.

use crate::engine::{
    kind_from, quote_doubling, Assembler, Capabilities, Catalog, ConnectOptions, Engine, Filter,
};
use crate::model::{
    normalize_action, Check, Column, Extra, ForeignKey, Index, IndexColumn, PrimaryKey, Schema,
    Table, UniqueConstraint,
};
use crate::runner::{CatalogQuery, Param, QueryRunner};
use crate::{DatabaseUrl, Error};
use serde_json::json;
use std::collections::BTreeMap;

/// PostgreSQL (10 and later).
#[derive(Debug, Clone, Copy)]
pub struct Postgres;

const RELATIONS: &str = include_str!("../../sql/postgres/relations.sql");
const COLUMNS: &str = include_str!("../../sql/postgres/columns.sql");
const CONSTRAINTS: &str = include_str!("../../sql/postgres/constraints.sql");
const INDEXES: &str = include_str!("../../sql/postgres/indexes.sql");
const ENUMS: &str = include_str!("../../sql/postgres/enums.sql");
const SEQUENCES: &str = include_str!("../../sql/postgres/sequences.sql");

/// The major version from `server_version` (`15.18 (Debian …)` → 15); unknown → newest.
fn major(server_version: &str) -> u32 {
    server_version
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(u32::MAX)
}

#[async_trait::async_trait]
impl Engine for Postgres {
    fn name(&self) -> &'static str {
        "postgres"
    }

    fn schemes(&self) -> &'static [&'static str] {
        &["postgres", "postgresql"]
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
            materialized_views: true,
            column_defaults: true,
            bound_parameters: true,
        }
    }

    fn quote_identifier(&self, ident: &str) -> String {
        quote_doubling(ident, '"')
    }

    fn version_query(&self) -> &'static str {
        "SELECT current_setting('server_version')"
    }

    fn catalog_queries(&self, filter: &Filter, server_version: &str) -> Vec<CatalogQuery> {
        let v = major(server_version);
        let both = vec![
            filter.schema_param(),
            filter.tables.clone().map_or(Param::Null, Param::TextArray),
        ];
        let one = vec![filter.schema_param()];
        let mut columns = COLUMNS.to_owned();
        if v < 12 {
            columns = columns.replace("a.attgenerated::text", "''::text");
        }
        let mut indexes = INDEXES.to_owned();
        if v < 11 {
            indexes = indexes.replace("i.indnkeyatts", "i.indnatts");
        }
        vec![
            CatalogQuery {
                name: "relations",
                sql: RELATIONS.to_owned(),
                params: both.clone(),
            },
            CatalogQuery {
                name: "columns",
                sql: columns,
                params: both.clone(),
            },
            CatalogQuery {
                name: "constraints",
                sql: CONSTRAINTS.to_owned(),
                params: both.clone(),
            },
            CatalogQuery {
                name: "indexes",
                sql: indexes,
                params: both,
            },
            CatalogQuery {
                name: "enums",
                sql: ENUMS.to_owned(),
                params: one.clone(),
            },
            CatalogQuery {
                name: "sequences",
                sql: SEQUENCES.to_owned(),
                params: one,
            },
        ]
    }

    fn build(&self, catalog: &Catalog) -> Result<Schema, Error> {
        build(catalog)
    }

    fn with_client_defaults(&self, url: &DatabaseUrl) -> Result<DatabaseUrl, Error> {
        crate::client_env::postgres(url, &crate::client_env::Process)
    }

    async fn connect(
        &self,
        url: &DatabaseUrl,
        options: &ConnectOptions,
    ) -> Result<Box<dyn QueryRunner>, Error> {
        #[cfg(feature = "postgres")]
        {
            runner::connect(url, options).await
        }
        #[cfg(not(feature = "postgres"))]
        {
            let _ = (url, options);
            Err(Error::FeatureDisabled {
                engine: "postgres",
                feature: "postgres",
            })
        }
    }
}

fn build(catalog: &Catalog) -> Result<Schema, Error> {
    let mut asm = Assembler::default();
    // oid -> (schema, name) of the tables in the model.
    let mut by_oid: BTreeMap<i64, (String, String)> = BTreeMap::new();
    let mut partitions: BTreeMap<(String, String), Vec<serde_json::Value>> = BTreeMap::new();
    for row in catalog.rows("relations")?.iter("relations") {
        let schema = row.text("schema_name")?;
        let name = row.text("name")?;
        if row.flag("is_partition")? {
            if let (Some(ps), Some(pn)) =
                (row.opt_text("parent_schema")?, row.opt_text("parent_name")?)
            {
                partitions.entry((ps, pn)).or_default().push(json!({
                    "schema": schema,
                    "name": name,
                    "bound": row.opt_text("partition_bound")?,
                }));
            }
            continue;
        }
        let mut t = Table::new(
            Some(schema.clone()),
            name.clone(),
            kind_from(&row.text("kind")?),
        );
        t.comment = row.opt_text("comment")?;
        t.definition = row.opt_text("definition")?.map(|d| d.trim().to_owned());
        if let Some(key) = row.opt_text("partition_key")? {
            t.extra.insert(
                "partitioning".into(),
                json!({ "key": key, "partitions": [] }),
            );
        }
        by_oid.insert(row.int("oid")?, (schema, name));
        asm.add_table(t);
    }
    for ((schema, name), parts) in partitions {
        if let Some(t) = asm.table_mut(Some(&schema), &name) {
            if let Some(p) = t.extra.get_mut("partitioning") {
                p["partitions"] = serde_json::Value::Array(parts);
            }
        }
    }
    for row in catalog.rows("columns")?.iter("columns") {
        let Some((s, n)) = by_oid.get(&row.int("oid")?) else {
            continue;
        };
        let Some(t) = asm.table_mut(Some(s), n) else {
            continue;
        };
        let mut extra = Extra::new();
        match row.opt_text("identity")?.as_deref() {
            Some("a") => {
                extra.insert("identity".into(), "always".into());
            }
            Some("d") => {
                extra.insert("identity".into(), "by_default".into());
            }
            _ => {}
        }
        let generated = row.opt_text("generated")?.filter(|g| g == "s");
        let default = row.opt_text("default_value")?;
        if generated.is_some() {
            extra.insert(
                "generated".into(),
                json!({ "kind": "stored", "expression": default }),
            );
        }
        if let Some(c) = row.opt_text("collation")? {
            extra.insert("collation".into(), c.into());
        }
        let position = u32::try_from(t.columns.len() + 1).unwrap_or(u32::MAX);
        t.columns.push(Column {
            name: row.text("name")?,
            position,
            data_type: row.text("type")?,
            nullable: row.flag("nullable")?,
            default: if generated.is_some() { None } else { default },
            comment: row.opt_text("comment")?,
            extra,
        });
    }

    for row in catalog.rows("constraints")?.iter("constraints") {
        let Some((s, n)) = by_oid.get(&row.int("oid")?) else {
            continue;
        };
        let Some(t) = asm.table_mut(Some(s), n) else {
            continue;
        };
        let name = Some(row.text("name")?);
        let columns = row.text_list("columns")?;
        match row.text("type")?.as_str() {
            "p" => t.primary_key = Some(PrimaryKey { name, columns }),
            "u" => t
                .unique_constraints
                .push(UniqueConstraint { name, columns }),
            "c" => t.checks.push(Check {
                name,
                expression: strip_outer_parens(&row.opt_text("expression")?.unwrap_or_default()),
            }),
            "f" => t.foreign_keys.push(ForeignKey {
                name,
                columns,
                referenced_schema: row.opt_text("referenced_schema")?,
                referenced_table: row.opt_text("referenced_table")?.unwrap_or_default(),
                referenced_columns: row.text_list("referenced_columns")?,
                on_delete: normalize_action(&row.opt_text("on_delete")?.unwrap_or_default()),
                on_update: normalize_action(&row.opt_text("on_update")?.unwrap_or_default()),
            }),
            _ => {
                let entry = t
                    .extra
                    .entry("exclusion_constraints".to_owned())
                    .or_insert_with(|| json!([]));
                if let Some(list) = entry.as_array_mut() {
                    list.push(json!({ "name": name, "definition": row.opt_text("definition")? }));
                }
            }
        }
    }

    for row in catalog.rows("indexes")?.iter("indexes") {
        let Some((s, n)) = by_oid.get(&row.int("oid")?) else {
            continue;
        };
        let Some(t) = asm.table_mut(Some(s), n) else {
            continue;
        };
        let name = row.text("name")?;
        if t.indexes.last().map(|i| &i.name) != Some(&name) {
            t.indexes.push(Index {
                name: name.clone(),
                columns: Vec::new(),
                unique: row.flag("is_unique")?,
                method: row.opt_text("method")?,
                predicate: row.opt_text("predicate")?,
                extra: Extra::new(),
            });
        }
        let Some(ix) = t.indexes.last_mut() else {
            continue;
        };
        let column = row.opt_text("column_name")?;
        if row.flag("included")? {
            let entry = ix
                .extra
                .entry("include".to_owned())
                .or_insert_with(|| json!([]));
            if let Some(list) = entry.as_array_mut() {
                list.push(column.or(row.opt_text("expression")?).into());
            }
            continue;
        }
        ix.columns.push(IndexColumn {
            expression: if column.is_none() {
                row.opt_text("expression")?
            } else {
                None
            },
            column,
            descending: row.flag("descending")?,
        });
    }

    let mut extra = Extra::new();
    let mut enums = Vec::new();
    for row in catalog.rows("enums")?.iter("enums") {
        enums.push(json!({
            "schema": row.text("schema_name")?,
            "name": row.text("name")?,
            "labels": row.text_list("labels")?,
        }));
    }
    let mut sequences = Vec::new();
    for row in catalog.rows("sequences")?.iter("sequences") {
        let owned_by = row.opt_text("owned_by")?.map(|o| {
            serde_json::from_str::<serde_json::Value>(&o).unwrap_or(serde_json::Value::Null)
        });
        sequences.push(json!({
            "schema": row.text("schema_name")?,
            "name": row.text("name")?,
            "type": row.opt_text("type")?,
            "start": row.opt_text("start")?,
            "increment": row.opt_text("increment")?,
            "owned_by": owned_by,
        }));
    }
    extra.insert("enums".into(), enums.into());
    extra.insert("sequences".into(), sequences.into());
    Ok(asm.finish("postgres", &catalog.server_version, extra))
}

/// `(qty > 0)` → `qty > 0`, only when the outer pair encloses everything.
pub(crate) fn strip_outer_parens(expr: &str) -> String {
    let e = expr.trim();
    if !(e.starts_with('(') && e.ends_with(')')) {
        return e.to_owned();
    }
    let mut depth = 0i32;
    for (i, c) in e.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 && i + 1 < e.len() {
                    return e.to_owned();
                }
            }
            _ => {}
        }
    }
    e[1..e.len() - 1].trim().to_owned()
}

#[cfg(feature = "postgres")]
mod read;

#[cfg(feature = "postgres")]
mod runner {
    use super::read;
    use crate::runner::{Param, QueryRunner, Rows, Value};
    use crate::{CancelQuery, ConnectOptions, DatabaseUrl, Error, ReadLimits, ReadResult, Secret};
    use std::sync::Arc;
    use tokio_postgres::types::{to_sql_checked, IsNull, ToSql, Type};
    use tokio_postgres::{Client, NoTls};

    pub(super) struct PgRunner {
        client: Client,
        secret: Secret,
        /// A read-only transaction of ours may still be open (a call was dropped mid-way).
        in_transaction: bool,
    }

    impl std::fmt::Debug for PgRunner {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("PgRunner").finish_non_exhaustive()
        }
    }

    /// Message of a driver error, with the database's own message when there is one, redacted.
    fn message(e: &tokio_postgres::Error, secret: &Secret) -> String {
        let m = match e.as_db_error() {
            Some(db) => db.message().to_owned(),
            None => {
                let mut m = e.to_string();
                let mut src = std::error::Error::source(e);
                while let Some(s) = src {
                    m = format!("{m}: {s}");
                    src = s.source();
                }
                m
            }
        };
        secret.redact(&m)
    }

    pub(super) async fn connect(
        url: &DatabaseUrl,
        options: &ConnectOptions,
    ) -> Result<Box<dyn QueryRunner>, Error> {
        if let Some(mode) = url.params.get("sslmode") {
            if mode != "disable" && mode != "prefer" && mode != "allow" {
                return Err(Error::InvalidUrl {
                    url: url.to_string(),
                    reason: format!("`sslmode={mode}` needs TLS, which the built-in postgres runner does not have"),
                });
            }
        }
        let secret = url.secret();
        let mut config = tokio_postgres::Config::new();
        config
            .host(url.host().unwrap_or("localhost"))
            .port(url.port_or(5432))
            .user(url.user.as_deref().unwrap_or("postgres"))
            .dbname(
                url.database
                    .as_deref()
                    .unwrap_or(url.user.as_deref().unwrap_or("postgres")),
            )
            .application_name("xldb-codex-schema")
            .connect_timeout(options.connect_timeout)
            // tokio-postgres fixes client_encoding to UTF8 itself; DateStyle fixes how dates
            // read as text.
            .options(format!(
                "-c default_transaction_read_only=on -c statement_timeout={} -c lock_timeout={} -c DateStyle=ISO,MDY",
                options.statement_timeout.as_millis(),
                options.statement_timeout.as_millis()
            ));
        if let Some(p) = &url.password {
            config.password(p.expose());
        }
        let target = url.target();
        let (client, connection) = config.connect(NoTls).await.map_err(|e| {
            let m = message(&e, &secret);
            let auth = e.code().is_some_and(|c| {
                *c == tokio_postgres::error::SqlState::INVALID_PASSWORD
                    || *c == tokio_postgres::error::SqlState::INVALID_AUTHORIZATION_SPECIFICATION
            });
            if auth {
                Error::Auth {
                    target: target.clone(),
                    message: m,
                }
            } else {
                Error::Connect {
                    target: target.clone(),
                    message: m,
                }
            }
        })?;
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "postgres connection ended");
            }
        });
        Ok(Box::new(PgRunner {
            client,
            secret,
            in_transaction: false,
        }))
    }

    /// A parameter that binds to whatever type the server inferred for its placeholder.
    #[derive(Debug)]
    struct Bind<'a>(&'a Param);

    impl ToSql for Bind<'_> {
        fn to_sql(
            &self,
            ty: &Type,
            out: &mut bytes::BytesMut,
        ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
            match self.0 {
                Param::Null => Ok(IsNull::Yes),
                Param::Text(s) => s.as_str().to_sql(ty, out),
                Param::Int(i) => match *ty {
                    Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
                    Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
                    _ => i.to_sql(ty, out),
                },
                Param::TextArray(a) => a.to_sql(ty, out),
            }
        }

        fn accepts(_ty: &Type) -> bool {
            true
        }

        to_sql_checked!();
    }

    #[async_trait::async_trait]
    impl QueryRunner for PgRunner {
        async fn query(&mut self, sql: &str, params: &[Param]) -> Result<Rows, Error> {
            let binds: Vec<Bind<'_>> = params.iter().map(Bind).collect();
            let refs: Vec<&(dyn ToSql + Sync)> =
                binds.iter().map(|b| b as &(dyn ToSql + Sync)).collect();
            let stmt = self
                .client
                .prepare(sql)
                .await
                .map_err(|e| Error::query_failed(message(&e, &self.secret)))?;
            let refs = &refs[..stmt.params().len().min(refs.len())];
            let rows = self
                .client
                .query(&stmt, refs)
                .await
                .map_err(|e| Error::query_failed(message(&e, &self.secret)))?;
            let columns: Vec<String> = stmt.columns().iter().map(|c| c.name().to_owned()).collect();
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                let mut values = Vec::with_capacity(columns.len());
                for (i, col) in stmt.columns().iter().enumerate() {
                    let get_err = |e: tokio_postgres::Error| {
                        Error::query_failed(format!("column `{}`: {e}", col.name()))
                    };
                    let v = match *col.type_() {
                        Type::BOOL => row
                            .try_get::<_, Option<bool>>(i)
                            .map_err(get_err)?
                            .map(Value::Bool),
                        Type::INT2 => row
                            .try_get::<_, Option<i16>>(i)
                            .map_err(get_err)?
                            .map(|v| Value::Int(v.into())),
                        Type::INT4 => row
                            .try_get::<_, Option<i32>>(i)
                            .map_err(get_err)?
                            .map(|v| Value::Int(v.into())),
                        Type::INT8 => row
                            .try_get::<_, Option<i64>>(i)
                            .map_err(get_err)?
                            .map(Value::Int),
                        Type::OID => row
                            .try_get::<_, Option<u32>>(i)
                            .map_err(get_err)?
                            .map(|v| Value::Int(v.into())),
                        Type::FLOAT4 => row
                            .try_get::<_, Option<f32>>(i)
                            .map_err(get_err)?
                            .map(|v| Value::Float(v.into())),
                        Type::FLOAT8 => row
                            .try_get::<_, Option<f64>>(i)
                            .map_err(get_err)?
                            .map(Value::Float),
                        Type::CHAR => row
                            .try_get::<_, Option<i8>>(i)
                            .map_err(get_err)?
                            .map(|v| Value::Text(char::from(v as u8).to_string())),
                        _ => row
                            .try_get::<_, Option<String>>(i)
                            .map_err(get_err)?
                            .map(Value::Text),
                    };
                    values.push(v.unwrap_or(Value::Null));
                }
                out.push(values);
            }
            Ok(Rows { columns, rows: out })
        }

        async fn read_only_query(
            &mut self,
            sql: &str,
            limits: &ReadLimits,
        ) -> Result<ReadResult, Error> {
            let fail = |e: tokio_postgres::Error, secret: &Secret| {
                Error::query_failed(message(&e, secret))
            };
            if self.in_transaction {
                self.client
                    .batch_execute("ROLLBACK")
                    .await
                    .map_err(|e| fail(e, &self.secret))?;
                self.in_transaction = false;
            }
            let ms = limits.timeout.as_millis().max(1);
            self.in_transaction = true;
            self.client
                .batch_execute(&format!(
                    "BEGIN TRANSACTION READ ONLY; SET LOCAL statement_timeout = {ms}; \
                     SET LOCAL lock_timeout = {ms}; \
                     SET LOCAL idle_in_transaction_session_timeout = {}",
                    ms.saturating_add(60_000)
                ))
                .await
                .map_err(|e| fail(e, &self.secret))?;
            let result = match read::run(&self.client, sql, limits).await {
                Ok(Ok(r)) => Ok(r),
                Ok(Err(why)) => Err(Error::query_failed(why)),
                Err(e) => Err(fail(e, &self.secret)),
            };
            let rollback = self.client.batch_execute("ROLLBACK").await;
            if rollback.is_ok() {
                self.in_transaction = false;
            }
            let result = result?;
            rollback.map_err(|e| fail(e, &self.secret))?;
            Ok(result)
        }

        fn canceller(&self) -> Option<Arc<dyn CancelQuery>> {
            Some(Arc::new(PgCancel(self.client.cancel_token())))
        }
    }

    /// Cancels through PostgreSQL's cancel request (a new connection naming the backend).
    struct PgCancel(tokio_postgres::CancelToken);

    impl std::fmt::Debug for PgCancel {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("PgCancel").finish_non_exhaustive()
        }
    }

    #[async_trait::async_trait]
    impl CancelQuery for PgCancel {
        async fn cancel(&self) {
            if let Err(e) = self.0.cancel_query(NoTls).await {
                tracing::debug!(error = %e, "postgres cancel request failed");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_parens() {
        assert_eq!(major("15.18 (Debian 15.18-0+deb12u1)"), 15);
        assert_eq!(major("10.4"), 10);
        assert_eq!(major(""), u32::MAX);
        assert_eq!(strip_outer_parens("(qty > 0)"), "qty > 0");
        assert_eq!(
            strip_outer_parens("(a > 0) AND (b > 0)"),
            "(a > 0) AND (b > 0)"
        );
    }

    #[test]
    fn old_servers_get_version_switched_sql() {
        let q = Postgres.catalog_queries(&Filter::default(), "11.2");
        let cols = q.iter().find(|q| q.name == "columns").unwrap();
        assert!(!cols.sql.contains("attgenerated"));
        let q = Postgres.catalog_queries(&Filter::default(), "10.1");
        let ix = q.iter().find(|q| q.name == "indexes").unwrap();
        assert!(!ix.sql.contains("indnkeyatts"));
        let q = Postgres.catalog_queries(&Filter::default(), "15.1");
        assert!(q.iter().any(|q| q.sql.contains("attgenerated")));
    }
}
