//! PostgreSQL: six bulk queries on `pg_catalog`, whatever the number of tables.
//!
//! `pg_catalog`, not `information_schema`: the latter only shows objects the role has
//! privileges on (measured: 2 of 2,000 tables and no constraints for a low-privilege role),
//! and it lacks partitions, enums, index details and comments. Filters are bound: `$1` the
//! schema, `$2` a `text[]` of table names. Column lists come back as JSON text so any runner
//! can carry them. Version differences are handled by switching column expressions
//! (`attgenerated` needs 12, `indnkeyatts` and `conparentid` 11, `indnullsnotdistinct` 15);
//! 10 is the oldest version supported
//! (`relispartition`).
//!
//! Scope (`sql/postgres/scope.sql`, prefixed to four queries): a partition is folded under its
//! parent, except when it was named in the table filter or its parent is outside the schema
//! filter: then it is a table of its own with `extra.partition_of`. A folded partition costs no
//! column rows; only the constraints and indexes it declares itself are read (not the ones
//! cloned from its parent: `conparentid`, `conislocal`, `pg_inherits` of the index).
//!
//! Extras:
//! - schema: `enums` (`[{schema, name, labels}]`), `domains` (`[{schema, name, type, not_null,
//!   default, checks: [{name, expression, not_valid}]}]`), `sequences` (`[{schema, name, type,
//!   start, increment, owned_by}]`, identity sequences excluded: see the column's `identity`);
//! - table: `partitioning` (`{key, partitions: [{schema, name, bound, parent, primary_key,
//!   foreign_keys, unique_constraints, checks, indexes, exclusion_constraints}]}`: each
//!   partition's own facts, in the model's shapes; `parent` names the direct parent of a
//!   sub-partition, else null), `partition_of` (`{schema, name, bound}`, a partition returned
//!   whole), `exclusion_constraints` (`[{name, definition, deferrable, initially_deferred}]`,
//!   `definition` as `pg_get_constraintdef` prints it);
//! - column: `identity` (`always`/`by_default`), `generated` (`{kind: stored, expression}`),
//!   `collation` (when not the type's), `domain` (`{schema, name}` when the type is a domain).
//!
//! Typed facts read here and nowhere cheaper: operator classes (non-default only), `NULLS
//! FIRST/LAST` (btree), `NULLS NOT DISTINCT` (15+), `INCLUDE`, `NOT VALID`, `DEFERRABLE`.
//!
//! Built-in runner (feature `postgres`): the catalog queries share two connections
//! ([`QueryRunner::query_all`]: a second one is opened for the batch, costliest query first;
//! when it is refused, one does all), each query one round trip (unnamed, typed parameters).
//! `tokio-postgres` without TLS, started with
//! `default_transaction_read_only=on` and `statement_timeout` as startup options, so no extra
//! round trip is spent and every statement runs read-only.

use crate::engine::{
    kind_from, quote_doubling, Assembler, Capabilities, Catalog, ConnectOptions, Engine, Filter,
};
use crate::model::{
    normalize_action, Check, Column, Extra, ForeignKey, Index, IndexColumn, PrimaryKey, Schema,
    Table, UniqueConstraint,
};
use crate::runner::{CatalogQuery, Param, QueryRunner, Row};
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
const TYPES: &str = include_str!("../../sql/postgres/types.sql");
const SCOPE: &str = include_str!("../../sql/postgres/scope.sql");
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
        let scoped = |body: &str| format!("{SCOPE}{body}");
        let mut columns = scoped(COLUMNS);
        if v < 12 {
            columns = columns.replace("a.attgenerated::text", "''::text");
        }
        let mut indexes = scoped(INDEXES);
        let mut constraints = scoped(CONSTRAINTS);
        if v < 15 {
            indexes = indexes.replace("i.indnullsnotdistinct", "false");
            constraints = constraints.replace("ix.indnullsnotdistinct", "false");
        }
        if v < 11 {
            indexes = indexes.replace("i.indnkeyatts", "i.indnatts");
            constraints = constraints
                .replace("con.conparentid = 0", "true")
                .replace("ix.indnkeyatts", "ix.indnatts");
        }
        // Costliest first, so the built-in runner's two connections finish together: on both
        // a 1,300-table schema and Zabbix's 173 tables, constraints and columns cost the most,
        // then indexes and relations. The mapping finds results by name, not position.
        vec![
            CatalogQuery {
                name: "constraints",
                sql: constraints,
                params: both.clone(),
            },
            CatalogQuery {
                name: "columns",
                sql: columns,
                params: both.clone(),
            },
            CatalogQuery {
                name: "indexes",
                sql: indexes,
                params: both.clone(),
            },
            CatalogQuery {
                name: "relations",
                sql: scoped(RELATIONS),
                params: both,
            },
            CatalogQuery {
                name: "types",
                sql: TYPES.to_owned(),
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
            crate::engine::not_compiled_in("postgres", url, options)
        }
    }
}

fn build(catalog: &Catalog) -> Result<Schema, Error> {
    // Every relation read, by oid: the model's tables and the folded partitions alike (a
    // partition's own constraints and indexes land in its `Table` and are carried under its
    // parent at the end).
    let mut rels: BTreeMap<i64, Table> = BTreeMap::new();
    // Folded partition oid -> (parent oid, bound), in schema/name order.
    let mut folded: Vec<(i64, i64, Option<String>)> = Vec::new();
    for row in catalog.rows("relations")?.iter("relations") {
        let oid = row.int("oid")?;
        let schema = row.text("schema_name")?;
        let mut t = Table::new(
            Some(schema),
            row.text("name")?,
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
        let bound = row.opt_text("partition_bound")?;
        if row.flag("is_partition")? {
            if row.flag("whole")? {
                t.extra.insert(
                    "partition_of".into(),
                    json!({
                        "schema": row.opt_text("parent_schema")?,
                        "name": row.opt_text("parent_name")?,
                        "bound": bound,
                    }),
                );
            } else if let Some(parent) = row.opt_int("parent_oid")? {
                folded.push((oid, parent, bound));
            }
        }
        rels.insert(oid, t);
    }
    for row in catalog.rows("columns")?.iter("columns") {
        let Some(t) = rels.get_mut(&row.int("oid")?) else {
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
                json!({ "kind": "stored", "expression": default.as_deref().map(strip_outer_parens) }),
            );
        }
        if let Some(c) = row.opt_text("collation")? {
            extra.insert("collation".into(), c.into());
        }
        if let [schema, name] = row.text_list("domain")?.as_slice() {
            extra.insert("domain".into(), json!({ "schema": schema, "name": name }));
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
        let Some(t) = rels.get_mut(&row.int("oid")?) else {
            continue;
        };
        let name = Some(row.text("name")?);
        let columns = row.text_list("columns")?;
        let deferrable = row.flag("deferrable")?;
        let initially_deferred = row.flag("initially_deferred")?;
        let not_valid = row.flag("not_valid")?;
        match row.text("type")?.as_str() {
            "p" => {
                t.primary_key = Some(PrimaryKey {
                    name,
                    columns,
                    include: row.text_list("include")?,
                    deferrable,
                    initially_deferred,
                })
            }
            "u" => t.unique_constraints.push(UniqueConstraint {
                name,
                columns,
                include: row.text_list("include")?,
                deferrable,
                initially_deferred,
                nulls_not_distinct: row.flag("nulls_not_distinct")?,
            }),
            "c" => t.checks.push(Check {
                name,
                expression: strip_outer_parens(&row.opt_text("expression")?.unwrap_or_default()),
                not_valid,
            }),
            "f" => t.foreign_keys.push(ForeignKey {
                name,
                columns,
                referenced_schema: row.opt_text("referenced_schema")?,
                referenced_table: row.opt_text("referenced_table")?.unwrap_or_default(),
                referenced_columns: row.text_list("referenced_columns")?,
                on_delete: normalize_action(&row.opt_text("on_delete")?.unwrap_or_default()),
                on_update: normalize_action(&row.opt_text("on_update")?.unwrap_or_default()),
                deferrable,
                initially_deferred,
                not_valid,
            }),
            _ => {
                let entry = t
                    .extra
                    .entry("exclusion_constraints".to_owned())
                    .or_insert_with(|| json!([]));
                if let Some(list) = entry.as_array_mut() {
                    list.push(json!({
                        "name": name,
                        "definition": row.opt_text("definition")?,
                        "deferrable": deferrable,
                        "initially_deferred": initially_deferred,
                    }));
                }
            }
        }
    }

    for row in catalog.rows("indexes")?.iter("indexes") {
        let Some(t) = rels.get_mut(&row.int("oid")?) else {
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
                include: Vec::new(),
                nulls_not_distinct: row.flag("nulls_not_distinct")?,
                extra: Extra::new(),
            });
        }
        let Some(ix) = t.indexes.last_mut() else {
            continue;
        };
        let column = row.opt_text("column_name")?;
        if row.flag("included")? {
            if let Some(c) = column.or(row.opt_text("expression")?) {
                ix.include.push(c);
            }
            continue;
        }
        let nulls = opt_flag(&row, "nulls_first")?
            .map(|first| if first { "first" } else { "last" }.to_owned());
        ix.columns.push(IndexColumn {
            expression: if column.is_none() {
                row.opt_text("expression")?
            } else {
                None
            },
            column,
            descending: row.flag("descending")?,
            nulls,
            opclass: row.opt_text("opclass")?,
            collation: row.opt_text("collation")?,
        });
    }

    fold_partitions(&mut rels, &folded);
    let mut asm = Assembler::default();
    for t in rels.into_values() {
        asm.add_table(t);
    }
    let mut extra = types(catalog)?;
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
    extra.insert("sequences".into(), sequences.into());
    Ok(asm.finish("postgres", &catalog.server_version, extra))
}

/// Move each folded partition out of `rels` and under the nearest ancestor that is a table of
/// the model, as `{schema, name, bound, parent, primary_key, ...}` in its
/// `partitioning.partitions` (`parent` names the direct parent when it is itself a partition).
fn fold_partitions(rels: &mut BTreeMap<i64, Table>, folded: &[(i64, i64, Option<String>)]) {
    let parent_of: BTreeMap<i64, i64> = folded.iter().map(|(p, parent, _)| (*p, *parent)).collect();
    // Direct parents' names, read before any partition leaves `rels`.
    let direct: Vec<Option<String>> = folded
        .iter()
        .map(|(_, parent, _)| rels.get(parent).map(|t| t.name.clone()))
        .collect();
    let mut entries = Vec::new();
    for ((oid, parent, bound), direct) in folded.iter().zip(direct) {
        let Some(p) = rels.remove(oid) else { continue };
        entries.push((*oid, *parent, bound.clone(), direct, p));
    }
    for (_, parent, bound, direct, p) in entries {
        // Walk up through folded ancestors (sub-partitions) to a table of the model.
        let mut top = parent;
        let mut hops = 0;
        while let Some(up) = parent_of.get(&top) {
            top = *up;
            hops += 1;
            if hops > 64 {
                break;
            }
        }
        let Some(t) = rels.get_mut(&top) else {
            continue;
        };
        let entry = json!({
            "schema": p.schema,
            "name": p.name,
            "bound": bound,
            "parent": if top == parent { None } else { direct },
            "primary_key": p.primary_key,
            "foreign_keys": p.foreign_keys,
            "unique_constraints": p.unique_constraints,
            "checks": p.checks,
            "indexes": p.indexes,
            "exclusion_constraints": p.extra.get("exclusion_constraints").cloned().unwrap_or_else(|| json!([])),
        });
        let partitioning = t
            .extra
            .entry("partitioning".to_owned())
            .or_insert_with(|| json!({ "key": null, "partitions": [] }));
        if let Some(list) = partitioning["partitions"].as_array_mut() {
            list.push(entry);
        }
    }
}

/// Schema-level extras from the `types` query: `enums` and `domains`.
fn types(catalog: &Catalog) -> Result<Extra, Error> {
    let mut enums = Vec::new();
    let mut domains = Vec::new();
    for row in catalog.rows("types")?.iter("types") {
        let schema = row.text("schema_name")?;
        let name = row.text("name")?;
        if row.text("kind")? == "enum" {
            enums.push(json!({
                "schema": schema,
                "name": name,
                "labels": row.text_list("labels")?,
            }));
            continue;
        }
        let checks: Vec<serde_json::Value> = row
            .opt_text("checks")?
            .and_then(|c| serde_json::from_str::<Vec<serde_json::Value>>(&c).ok())
            .unwrap_or_default()
            .into_iter()
            .map(|mut c| {
                if let Some(e) = c["expression"].as_str() {
                    c["expression"] = strip_outer_parens(e).into();
                }
                c
            })
            .collect();
        domains.push(json!({
            "schema": schema,
            "name": name,
            "type": row.opt_text("base_type")?,
            "not_null": opt_flag(&row, "not_null")?.unwrap_or(false),
            "default": row.opt_text("default_value")?,
            "checks": checks,
        }));
    }
    let mut extra = Extra::new();
    extra.insert("enums".into(), enums.into());
    extra.insert("domains".into(), domains.into());
    Ok(extra)
}

/// A boolean that may be NULL (`None`).
fn opt_flag(row: &Row<'_>, column: &str) -> Result<Option<bool>, Error> {
    Ok(match row.opt_text(column)? {
        None => None,
        Some(_) => Some(row.flag(column)?),
    })
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
    use crate::runner::{CatalogQuery, Param, QueryRunner, Rows, Value};
    use crate::{CancelQuery, ConnectOptions, DatabaseUrl, Error, ReadLimits, ReadResult, Secret};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    use tokio_postgres::types::{to_sql_checked, IsNull, ToSql, Type};
    use tokio_postgres::{CancelToken, Client, Config, NoTls};

    pub(super) struct PgRunner {
        client: Client,
        /// How `client` was opened: [`QueryRunner::query_all`] opens a second connection so.
        config: Config,
        target: String,
        secret: Secret,
        /// A read-only transaction of ours may still be open (a call was dropped mid-way).
        in_transaction: bool,
        /// The cancel tokens of every connection running a statement for us (the second
        /// connection of `query_all` while it is open), so a cancel reaches all of them.
        cancel: Arc<Mutex<Vec<CancelToken>>>,
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
        let (client, _connection) = open(&config, &target, &secret).await?;
        Ok(Box::new(PgRunner {
            cancel: Arc::new(Mutex::new(vec![client.cancel_token()])),
            client,
            config,
            target,
            secret,
            in_transaction: false,
        }))
    }

    /// Open one connection of `config` and set its per-session options. The task returned
    /// ends once the client is dropped and the connection closed (it sends `Terminate`).
    async fn open(
        config: &Config,
        target: &str,
        secret: &Secret,
    ) -> Result<(Client, tokio::task::JoinHandle<()>), Error> {
        let (client, connection) = config.connect(NoTls).await.map_err(|e| {
            let m = message(&e, secret);
            let auth = e.code().is_some_and(|c| {
                *c == tokio_postgres::error::SqlState::INVALID_PASSWORD
                    || *c == tokio_postgres::error::SqlState::INVALID_AUTHORIZATION_SPECIFICATION
            });
            if auth {
                Error::Auth {
                    target: target.to_owned(),
                    message: m,
                }
            } else {
                Error::Connect {
                    target: target.to_owned(),
                    message: m,
                }
            }
        })?;
        let connection = tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "postgres connection ended");
            }
        });
        // A backend whose client is gone (killed, or exited before its cancel request could
        // reach a statement that was still on its way) stops within a second instead of
        // running to its statement timeout. PostgreSQL 14 and later; older servers skip it.
        if let Err(e) = client
            .batch_execute(
                "SELECT pg_catalog.set_config('client_connection_check_interval', '1000', false) \
                 WHERE pg_catalog.current_setting('server_version_num')::int >= 140000",
            )
            .await
        {
            tracing::debug!(error = %message(&e, secret), "client_connection_check_interval not set");
        }
        Ok((client, connection))
    }

    /// Takes queries from `queries` in order (shared through `next` with the other
    /// connection's worker) and runs each on `client`; after an error no new query starts.
    async fn worker(
        client: &Client,
        secret: &Secret,
        queries: &[CatalogQuery],
        next: &AtomicUsize,
        slots: &[Mutex<Option<Result<Rows, Error>>>],
    ) {
        loop {
            let i = next.fetch_add(1, Ordering::SeqCst);
            let (Some(q), Some(slot)) = (queries.get(i), slots.get(i)) else {
                return;
            };
            let result = run(client, secret, &q.sql, &q.params)
                .await
                .map_err(|e| e.in_query(q.name));
            if result.is_err() {
                next.store(queries.len(), Ordering::SeqCst);
            }
            if let Ok(mut slot) = slot.lock() {
                *slot = Some(result);
            }
        }
    }

    /// A parameter, written as the type declared for its placeholder.
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

    /// One catalog statement in one round trip: parsed unnamed, with the parameter types
    /// declared (the catalog SQL casts every placeholder), so no prepared statement is left to
    /// close afterwards; every value is read by its type.
    async fn run(
        client: &Client,
        secret: &Secret,
        sql: &str,
        params: &[Param],
    ) -> Result<Rows, Error> {
        let binds: Vec<(Bind<'_>, Type)> = params
            .iter()
            .map(|p| {
                let ty = match p {
                    Param::Null | Param::Text(_) => Type::TEXT,
                    Param::Int(_) => Type::INT8,
                    Param::TextArray(_) => Type::TEXT_ARRAY,
                };
                (Bind(p), ty)
            })
            .collect();
        let typed: Vec<(&(dyn ToSql + Sync), Type)> = binds
            .iter()
            .map(|(b, ty)| (b as &(dyn ToSql + Sync), ty.clone()))
            .collect();
        let rows = client
            .query_typed(sql, &typed)
            .await
            .map_err(|e| Error::query_failed(message(&e, secret)))?;
        let columns: Vec<String> = rows
            .first()
            .map(|r| r.columns().iter().map(|c| c.name().to_owned()).collect())
            .unwrap_or_default();
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let mut values = Vec::with_capacity(columns.len());
            for (i, col) in row.columns().iter().enumerate() {
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

    #[async_trait::async_trait]
    impl QueryRunner for PgRunner {
        async fn query(&mut self, sql: &str, params: &[Param]) -> Result<Rows, Error> {
            run(&self.client, &self.secret, sql, params).await
        }

        /// The catalog queries on two connections at once: this one and a second opened for
        /// the batch (while the first queries already run here), each taking the next query
        /// when it is free. The server's CPU time is most of an extraction, so a server with
        /// two free cores answers in about half the time. When the second connection cannot
        /// be opened (a role's connection limit, `max_connections`), everything runs here.
        /// Each query still sees its own snapshot, as it does one after another.
        async fn query_all(&mut self, queries: &[CatalogQuery]) -> Result<Vec<Rows>, Error> {
            let slots: Vec<Mutex<Option<Result<Rows, Error>>>> =
                queries.iter().map(|_| Mutex::new(None)).collect();
            let next = AtomicUsize::new(0);
            {
                let here = worker(&self.client, &self.secret, queries, &next, &slots);
                let second = async {
                    if queries.len() < 2 || self.in_transaction {
                        return;
                    }
                    let (client, connection) =
                        match open(&self.config, &self.target, &self.secret).await {
                            Ok(c) => c,
                            Err(e) => {
                                tracing::debug!(error = %e, "second catalog connection not opened");
                                return;
                            }
                        };
                    let token = client.cancel_token();
                    if let Ok(mut t) = self.cancel.lock() {
                        t.push(token);
                    }
                    worker(&client, &self.secret, queries, &next, &slots).await;
                    if let Ok(mut t) = self.cancel.lock() {
                        t.truncate(1);
                    }
                    // Closed now, with `Terminate`, not at process exit with the last
                    // ReadyForQuery still unread (the server would log a reset connection).
                    drop(client);
                    let _ = connection.await;
                };
                // When this connection has run out of queries and every answer is in, a second
                // connection still being opened is not waited for.
                futures::pin_mut!(here, second);
                match futures::future::select(here, second).await {
                    futures::future::Either::Left(((), second)) => {
                        let answered = |s: &Mutex<Option<Result<Rows, Error>>>| {
                            s.lock().map(|s| s.is_some()).unwrap_or(true)
                        };
                        let failed = slots
                            .iter()
                            .any(|s| s.lock().map(|s| matches!(*s, Some(Err(_)))).unwrap_or(true));
                        if !failed && !slots.iter().all(answered) {
                            second.await;
                        }
                    }
                    futures::future::Either::Right(((), here)) => here.await,
                }
            }
            let results: Vec<Option<Result<Rows, Error>>> = slots
                .into_iter()
                .map(|s| s.into_inner().ok().flatten())
                .collect();
            let mut out = Vec::with_capacity(queries.len());
            let mut unanswered = None;
            for (q, r) in queries.iter().zip(results) {
                match r {
                    Some(r) => out.push(r?),
                    None => unanswered = unanswered.or(Some(q.name)),
                }
            }
            match unanswered {
                Some(name) => {
                    Err(Error::query_failed("the catalog query was not answered").in_query(name))
                }
                None => Ok(out),
            }
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
            let begin = format!(
                "BEGIN TRANSACTION READ ONLY; SET LOCAL statement_timeout = {ms}; \
                 SET LOCAL lock_timeout = {ms}; \
                 SET LOCAL idle_in_transaction_session_timeout = {}",
                ms.saturating_add(60_000)
            );
            // One round trip for both: the statement's Parse is sent right behind the BEGIN
            // batch (tokio-postgres pipelines requests polled together, in order), so the
            // server parses it inside the transaction, with its timeouts set.
            let (begun, prepared) =
                tokio::join!(self.client.batch_execute(&begin), self.client.prepare(sql));
            if let Err(e) = begun {
                // nothing was opened; the Parse, if it ran, only parsed
                self.in_transaction = false;
                return Err(fail(e, &self.secret));
            }
            let result = match read::run(&self.client, sql, prepared, limits).await {
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
            Some(Arc::new(PgCancel(Arc::clone(&self.cancel))))
        }
    }

    /// Cancels through PostgreSQL's cancel request (a new connection naming the backend), on
    /// every connection of the runner that is open.
    struct PgCancel(Arc<Mutex<Vec<CancelToken>>>);

    impl std::fmt::Debug for PgCancel {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("PgCancel").finish_non_exhaustive()
        }
    }

    #[async_trait::async_trait]
    impl CancelQuery for PgCancel {
        async fn cancel(&self) {
            let tokens = self.0.lock().map(|t| t.clone()).unwrap_or_default();
            for token in tokens {
                if let Err(e) = token.cancel_query(NoTls).await {
                    tracing::debug!(error = %e, "postgres cancel request failed");
                }
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
        let q = Postgres.catalog_queries(&Filter::default(), "10.1");
        let con = q.iter().find(|q| q.name == "constraints").unwrap();
        assert!(!con.sql.contains("conparentid"));
        let q = Postgres.catalog_queries(&Filter::default(), "14.9");
        assert!(q.iter().all(|q| !q.sql.contains("indnullsnotdistinct")));
        let q = Postgres.catalog_queries(&Filter::default(), "15.1");
        assert!(q.iter().any(|q| q.sql.contains("attgenerated")));
        assert!(q.iter().any(|q| q.sql.contains("indnullsnotdistinct")));
        assert!(q.iter().any(|q| q.sql.contains("conparentid")));
    }
}
