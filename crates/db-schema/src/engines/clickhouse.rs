//! ClickHouse: `system.tables` and `system.columns` (plus `system.data_skipping_indices` on
//! servers that have it), two or three queries whatever the number of tables.
//!
//! Version adaptation. Debian's server is 18.16 (2018): no table comments, no skip indexes,
//! no `information_schema`, no `position` column and no server-side query parameters. The
//! engine therefore:
//! - reads only columns 18.16 has, adding `comment` (tables, 21.6+), `position` ordering
//!   (20.x+) and the skip-index query (21.1+) on newer servers;
//! - puts filter values into the SQL as string literals escaped by [`escape_string_literal`]
//!   (one audited function, tested against the real server with hostile input) instead of
//!   parameters, on every version, so a proxy's runner needs no parameter support;
//! - reads TTL from `engine_full` (there is no TTL column).
//!
//! A ClickHouse primary key is a sparse, non-unique sort prefix, not a constraint: the model's
//! `primary_key` stays `null` and the key is in `extra`.
//!
//! Extras: table `engine`, `engine_full`, `partition_key`, `sorting_key`, `primary_key`,
//! `sampling_key`, `ttl` (when set); column `keys` (`partition`, `sorting`, `primary`,
//! `sampling`) and `generated` (`MATERIALIZED`/`ALIAS` columns); index `type`, `granularity`.
//!
//! Built-in runner (feature `clickhouse`, no extra dependency): a minimal HTTP/1.1 client over
//! tokio (`Connection: close`, chunked or sized bodies), sending `readonly=1` and
//! `max_execution_time` with every query and credentials as HTTP Basic authentication.

use crate::engine::{kind_from, Assembler, Capabilities, Catalog, ConnectOptions, Engine, Filter};
use crate::model::{Column, Extra, Index, IndexColumn, Schema, Table, TableKind};
use crate::runner::{CatalogQuery, QueryRunner};
use crate::{DatabaseUrl, Error};
use serde_json::json;

/// ClickHouse (18.16 and later).
#[derive(Debug, Clone, Copy)]
pub struct ClickHouse;

const TABLES: &str = include_str!("../../sql/clickhouse/tables.sql");
const COLUMNS: &str = include_str!("../../sql/clickhouse/columns.sql");
const SKIP_INDEXES: &str = include_str!("../../sql/clickhouse/skip_indexes.sql");

/// `(major, minor)` of `18.16.1` / `24.3.2.23`; unknown → newest.
fn version(v: &str) -> (u32, u32) {
    let mut it = v.split('.').map(|p| p.trim().parse::<u32>().ok());
    match (it.next().flatten(), it.next().flatten()) {
        (Some(a), Some(b)) => (a, b),
        _ => (u32::MAX, 0),
    }
}

fn has_table_comments(v: &str) -> bool {
    version(v) >= (21, 6)
}

fn has_skip_index_table(v: &str) -> bool {
    version(v) >= (21, 1)
}

fn has_column_position(v: &str) -> bool {
    version(v) >= (20, 1)
}

/// A ClickHouse string literal for `s`: backslash and quote escaped, control characters as
/// escapes, so that any input reads back as itself and cannot end the literal.
pub(crate) fn escape_string_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\0' => out.push_str("\\0"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\x{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A ClickHouse identifier in backquotes.
fn quote_ident(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('`');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '`' => out.push_str("\\`"),
            c => out.push(c),
        }
    }
    out.push('`');
    out
}

fn fill(sql: &str, filter: &Filter, name_column: &str, server_version: &str) -> String {
    let database = filter
        .schema
        .as_deref()
        .map_or_else(|| "currentDatabase()".to_owned(), escape_string_literal);
    let tables = match &filter.tables {
        None => "1".to_owned(),
        Some(t) => format!(
            "{name_column} IN ({})",
            t.iter()
                .map(|n| escape_string_literal(n))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let comment = if has_table_comments(server_version) {
        "comment"
    } else {
        "''"
    };
    let order = if has_column_position(server_version) {
        "ORDER BY database, table, position"
    } else {
        ""
    };
    // Comments are dropped first so placeholders are only filled in the SQL itself.
    let sql: String = sql
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n");
    sql.replace("{database}", &database)
        .replace("{tables}", &tables)
        .replace("{comment}", comment)
        .replace("{order}", order)
}

#[async_trait::async_trait]
impl Engine for ClickHouse {
    fn name(&self) -> &'static str {
        "clickhouse"
    }

    fn schemes(&self) -> &'static [&'static str] {
        &["clickhouse"]
    }

    fn capabilities(&self, server_version: &str) -> Capabilities {
        Capabilities {
            foreign_keys: false,
            check_constraints: false,
            unique_constraints: false,
            primary_keys: false,
            indexes: false,
            partial_indexes: false,
            descending_indexes: false,
            table_comments: has_table_comments(server_version),
            column_comments: true,
            views: true,
            materialized_views: true,
            column_defaults: true,
            bound_parameters: false,
        }
    }

    fn quote_identifier(&self, ident: &str) -> String {
        quote_ident(ident)
    }

    fn version_query(&self) -> &'static str {
        "SELECT version()"
    }

    fn catalog_queries(&self, filter: &Filter, server_version: &str) -> Vec<CatalogQuery> {
        let mut q = vec![
            CatalogQuery {
                name: "tables",
                sql: fill(TABLES, filter, "name", server_version),
                params: vec![],
            },
            CatalogQuery {
                name: "columns",
                sql: fill(COLUMNS, filter, "table", server_version),
                params: vec![],
            },
        ];
        if has_skip_index_table(server_version) {
            q.push(CatalogQuery {
                name: "skip_indexes",
                sql: fill(SKIP_INDEXES, filter, "table", server_version),
                params: vec![],
            });
        }
        q
    }

    fn build(&self, catalog: &Catalog) -> Result<Schema, Error> {
        build(catalog)
    }

    async fn connect(
        &self,
        url: &DatabaseUrl,
        options: &ConnectOptions,
    ) -> Result<Box<dyn QueryRunner>, Error> {
        #[cfg(feature = "clickhouse")]
        {
            runner::connect(url, options).await
        }
        #[cfg(not(feature = "clickhouse"))]
        {
            crate::engine::not_compiled_in("clickhouse", url, options)
        }
    }
}

/// `TTL …` clause of an `engine_full` string, if any.
fn ttl_of(engine_full: &str) -> Option<String> {
    let start = engine_full.find(" TTL ")? + 5;
    let rest = &engine_full[start..];
    let end = rest.find(" SETTINGS ").unwrap_or(rest.len());
    Some(rest[..end].trim().to_owned())
}

/// The query after `AS` in a view's `CREATE … AS SELECT …`.
fn view_query(create: &str) -> Option<String> {
    let upper = create.to_ascii_uppercase();
    let pos = upper
        .find(" AS SELECT")
        .or_else(|| upper.find(" AS WITH"))?;
    Some(create[pos + 4..].trim().to_owned())
}

fn build(catalog: &Catalog) -> Result<Schema, Error> {
    let mut asm = Assembler::default();
    for row in catalog.rows("tables")?.iter("tables") {
        let engine = row.text("engine")?;
        let kind = match engine.as_str() {
            "View" | "LiveView" => TableKind::View,
            "MaterializedView" => TableKind::MaterializedView,
            "Dictionary" => TableKind::Other("dictionary".into()),
            _ => kind_from("table"),
        };
        let mut t = Table::new(Some(row.text("database")?), row.text("name")?, kind.clone());
        t.comment = row.opt_text("comment")?.filter(|c| !c.is_empty());
        let create = row.opt_text("create_table_query")?.unwrap_or_default();
        if kind != TableKind::Table {
            t.definition = view_query(&create);
        }
        let engine_full = row.opt_text("engine_full")?.unwrap_or_default();
        if let Some(ttl) = ttl_of(&engine_full) {
            t.extra.insert("ttl".into(), ttl.into());
        }
        t.extra.insert("engine".into(), engine.into());
        for key in [
            "engine_full",
            "partition_key",
            "sorting_key",
            "primary_key",
            "sampling_key",
        ] {
            if let Some(v) = row.opt_text(key)?.filter(|v| !v.is_empty()) {
                t.extra.insert(key.into(), v.into());
            }
        }
        asm.add_table(t);
    }
    for row in catalog.rows("columns")?.iter("columns") {
        let db = row.text("database")?;
        let Some(t) = asm.table_mut(Some(&db), &row.text("table")?) else {
            continue;
        };
        let data_type = row.text("type")?;
        let nullable =
            data_type.starts_with("Nullable(") || data_type.starts_with("LowCardinality(Nullable(");
        let kind = row.opt_text("default_kind")?.unwrap_or_default();
        let expr = row
            .opt_text("default_expression")?
            .filter(|e| !e.is_empty());
        let mut extra = Extra::new();
        let keys: Vec<&str> = [
            ("is_in_partition_key", "partition"),
            ("is_in_sorting_key", "sorting"),
            ("is_in_primary_key", "primary"),
            ("is_in_sampling_key", "sampling"),
        ]
        .into_iter()
        .filter(|(col, _)| row.flag(col).unwrap_or(false))
        .map(|(_, name)| name)
        .collect();
        if !keys.is_empty() {
            extra.insert("keys".into(), keys.into());
        }
        let default = match kind.as_str() {
            "MATERIALIZED" | "ALIAS" => {
                extra.insert(
                    "generated".into(),
                    json!({ "kind": kind.to_ascii_lowercase(), "expression": expr }),
                );
                None
            }
            _ => expr,
        };
        let position = u32::try_from(t.columns.len() + 1).unwrap_or(u32::MAX);
        t.columns.push(Column {
            name: row.text("name")?,
            position,
            data_type,
            nullable,
            default,
            comment: row.opt_text("comment")?.filter(|c| !c.is_empty()),
            extra,
        });
    }
    if let Ok(rows) = catalog.rows("skip_indexes") {
        for row in rows.iter("skip_indexes") {
            let db = row.text("database")?;
            let Some(t) = asm.table_mut(Some(&db), &row.text("table")?) else {
                continue;
            };
            let expr = row.text("expr")?;
            let mut extra = Extra::new();
            if let Some(g) = row.opt_int("granularity")? {
                extra.insert("granularity".into(), g.into());
            }
            let ty = row.text("type")?;
            extra.insert("type".into(), ty.clone().into());
            let is_column = t.column(&expr).is_some();
            t.indexes.push(Index {
                name: row.text("name")?,
                columns: vec![IndexColumn {
                    column: is_column.then(|| expr.clone()),
                    expression: (!is_column).then_some(expr),
                    descending: false,
                    ..Default::default()
                }],
                unique: false,
                method: Some(ty.split('(').next().unwrap_or_default().to_owned()),
                predicate: None,
                extra,
                ..Default::default()
            });
        }
    }
    Ok(asm.finish("clickhouse", &catalog.server_version, Extra::new()))
}

#[cfg(feature = "clickhouse")]
mod read;

#[cfg(feature = "clickhouse")]
mod runner {
    use super::read::{Answer, Body};
    use crate::read_query::{excerpt, CancelQuery};
    use crate::runner::{Param, QueryRunner, Rows, Value};
    use crate::{ConnectOptions, DatabaseUrl, Error, ReadLimits, ReadResult, Secret};
    use std::sync::{Arc, Mutex};
    use std::time::Duration;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    /// Where and as whom requests go.
    struct Endpoint {
        host: String,
        port: u16,
        path_and_query: String,
        authorization: Option<String>,
    }

    pub(super) struct HttpRunner {
        endpoint: Arc<Endpoint>,
        secret: Secret,
        timeout: Duration,
        /// The `query_id` of the read-only query running now (what a cancel kills).
        running: Arc<Mutex<Option<String>>>,
        /// Read-only queries run so far (numbers their `query_id`).
        calls: u64,
    }

    impl std::fmt::Debug for HttpRunner {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("HttpRunner")
                .field("host", &self.endpoint.host)
                .field("port", &self.endpoint.port)
                .finish_non_exhaustive()
        }
    }

    /// Why an HTTP exchange failed (network, timeout, malformed answer).
    struct Failure(String);

    fn base64(input: &[u8]) -> String {
        const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
        for chunk in input.chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
                if i <= chunk.len() {
                    out.push(char::from(T[((n >> shift) & 63) as usize]));
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    fn encode_query_value(s: &str) -> String {
        percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
    }

    /// Split a raw HTTP/1.1 response into status and decoded body.
    pub(super) fn parse_response(raw: &[u8]) -> Result<(u16, Vec<u8>), String> {
        let (mut body, mut out) = (Body::default(), Vec::new());
        body.feed(raw, &mut out)?;
        let status = body
            .status()
            .ok_or("malformed HTTP response (no header end)")?;
        if !body.complete() {
            return Err("truncated chunked body".into());
        }
        Ok((status, out))
    }

    impl Endpoint {
        /// Connect and write a POST of `body` to `path_and_query`; the answer is to be read.
        async fn send(&self, path_and_query: &str, body: &str) -> Result<TcpStream, Failure> {
            let mut stream = TcpStream::connect((self.host.as_str(), self.port))
                .await
                .map_err(|e| Failure(e.to_string()))?;
            let mut req = format!(
                "POST {} HTTP/1.1\r\nHost: {}:{}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\n",
                path_and_query,
                self.host,
                self.port,
                body.len()
            );
            if let Some(a) = &self.authorization {
                req.push_str(&format!("Authorization: Basic {a}\r\n"));
            }
            req.push_str("\r\n");
            req.push_str(body);
            // One write: a server that answers early (401) and closes must not make a
            // second write fail with a reset before its answer is read.
            stream
                .write_all(req.as_bytes())
                .await
                .map_err(|e| Failure(e.to_string()))?;
            Ok(stream)
        }

        /// Stop the query `id` (`KILL QUERY` is allowed at `readonly=1` for one's own
        /// queries); best effort, the answer is not read.
        async fn kill(&self, id: &str) {
            let sql = format!("KILL QUERY WHERE query_id = '{id}' SYNC");
            let exchange = async {
                let mut stream = self.send(&self.path_and_query, &sql).await.ok()?;
                let mut buf = [0u8; 1024];
                while stream.read(&mut buf).await.ok()? > 0 {}
                Some(())
            };
            if tokio::time::timeout(Duration::from_secs(5), exchange)
                .await
                .is_err()
            {
                tracing::debug!("clickhouse KILL QUERY got no answer");
            }
        }
    }

    impl HttpRunner {
        async fn post(&self, body: &str) -> Result<(u16, Vec<u8>), Failure> {
            let exchange = async {
                let mut stream = self
                    .endpoint
                    .send(&self.endpoint.path_and_query, body)
                    .await?;
                let mut raw = Vec::new();
                let mut buf = [0u8; 64 * 1024];
                loop {
                    match stream.read(&mut buf).await {
                        Ok(0) => break,
                        Ok(n) => raw.extend_from_slice(&buf[..n]),
                        // A reset after the answer arrived still leaves a usable answer.
                        Err(_) if !raw.is_empty() => break,
                        Err(e) => return Err(Failure(e.to_string())),
                    }
                }
                parse_response(&raw).map_err(Failure)
            };
            tokio::time::timeout(self.timeout + Duration::from_secs(5), exchange)
                .await
                .map_err(|_| {
                    Failure(format!("no answer within {} s", self.timeout.as_secs() + 5))
                })?
        }
    }

    /// ClickHouse error codes that mean "wrong user or password".
    fn is_auth_error(body: &str) -> bool {
        ["Code: 516", "Code: 192", "Code: 193", "Code: 194"]
            .iter()
            .any(|c| body.contains(c))
    }

    fn first_line(body: &[u8]) -> String {
        String::from_utf8_lossy(body)
            .lines()
            .next()
            .unwrap_or_default()
            .trim()
            .to_owned()
    }

    pub(super) async fn connect(
        url: &DatabaseUrl,
        options: &ConnectOptions,
    ) -> Result<Box<dyn QueryRunner>, Error> {
        let secret = url.secret();
        let host = url.host().unwrap_or("localhost").to_owned();
        let port = url.port_or(8123);
        let database = url
            .database
            .as_ref()
            .map(|db| format!("database={}", encode_query_value(db)));
        let settings = format!(
            "max_execution_time={}&readonly=1",
            options.statement_timeout.as_secs().max(1)
        );
        let authorization = url.user.as_ref().map(|u| {
            base64(
                format!(
                    "{u}:{}",
                    url.password.as_ref().map(Secret::expose).unwrap_or("")
                )
                .as_bytes(),
            )
        });
        let runner = |path_and_query: String| HttpRunner {
            endpoint: Arc::new(Endpoint {
                host: host.clone(),
                port,
                path_and_query,
                authorization: authorization.clone(),
            }),
            secret: secret.clone(),
            timeout: options.statement_timeout,
            running: Arc::new(Mutex::new(None)),
            calls: 0,
        };
        let with_settings = runner(match &database {
            Some(d) => format!("/?{settings}&{d}"),
            None => format!("/?{settings}"),
        });
        let target = url.target();
        // One probe so that unreachable servers and bad credentials are told apart up front.
        let probe = with_settings.post("SELECT 1").await;
        let (runner, probe) = match probe {
            // A user whose profile is `readonly = 1` (the recommended role) may change no
            // setting, not even to the same value: it is read-only already, and the time
            // limit is kept by this side (the query is killed when it is up).
            Ok((_, body)) if first_line(&body).contains("Cannot override setting") => {
                let plain = runner(format!("/?{}", database.unwrap_or_default()));
                let probe = plain.post("SELECT 1").await;
                (plain, probe)
            }
            other => (with_settings, other),
        };
        match probe {
            Ok((200, _)) => Ok(Box::new(runner)),
            Ok((_, body)) => {
                let m = secret.redact(&first_line(&body));
                if is_auth_error(&m) {
                    Err(Error::Auth { target, message: m })
                } else {
                    Err(Error::Connect { target, message: m })
                }
            }
            Err(Failure(m)) => Err(Error::Connect {
                target,
                message: secret.redact(&m),
            }),
        }
    }

    fn to_value(v: serde_json::Value) -> Value {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(b),
            serde_json::Value::Number(n) => n
                .as_i64()
                .map(Value::Int)
                .unwrap_or_else(|| Value::Float(n.as_f64().unwrap_or(0.0))),
            serde_json::Value::String(s) => Value::Text(s),
            other => Value::Text(other.to_string()),
        }
    }

    impl HttpRunner {
        /// Run `body` as query `id` and read its `JSONCompact` answer as it streams, up to the
        /// limits. `Ok((result, true))`: the answer was read to its end; `false`: reading
        /// stopped early and the statement may still run.
        async fn stream(
            &self,
            id: &str,
            body: &str,
            limits: &ReadLimits,
        ) -> Result<(ReadResult, bool), String> {
            let path = format!("{}&query_id={id}", self.endpoint.path_and_query);
            let mut stream = self
                .endpoint
                .send(&path, body)
                .await
                .map_err(|Failure(m)| m)?;
            let (mut http, mut answer) = (Body::default(), Answer::new(limits));
            let (mut pending, mut buf) = (Vec::new(), vec![0u8; 64 << 10]);
            loop {
                let n = match stream.read(&mut buf).await {
                    Ok(n) => n,
                    // A reset after the answer began still leaves what arrived.
                    Err(_) if http.status().is_some() => 0,
                    Err(e) => return Err(e.to_string()),
                };
                if n == 0 {
                    break;
                }
                http.feed(&buf[..n], &mut pending)?;
                match http.status() {
                    Some(200) => {}
                    Some(_) if !http.ended && pending.len() < 64 << 10 => continue,
                    Some(_) => break,
                    None => continue,
                }
                let mut start = 0;
                while let Some(i) = pending[start..].iter().position(|b| *b == b'\n') {
                    let line = String::from_utf8_lossy(&pending[start..start + i]).into_owned();
                    start += i + 1;
                    if !answer.line(&line)? {
                        return Ok((answer.finish()?, false));
                    }
                }
                pending.drain(..start);
                if pending.len() > answer.max_line() {
                    answer.too_long();
                    return Ok((answer.finish()?, false));
                }
                if http.ended {
                    break;
                }
            }
            match http.status() {
                Some(200) => {}
                Some(_) => return Err(first_line(&pending)),
                None => return Err("the server closed the connection without an answer".into()),
            }
            if !pending.is_empty() {
                let line = String::from_utf8_lossy(&pending).into_owned();
                if !answer.line(&line)? {
                    return Ok((answer.finish()?, false));
                }
            }
            Ok((answer.finish()?, true))
        }
    }

    /// Cancels by killing the running query's `query_id`.
    struct ChCancel {
        endpoint: Arc<Endpoint>,
        running: Arc<Mutex<Option<String>>>,
    }

    impl std::fmt::Debug for ChCancel {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("ChCancel").finish_non_exhaustive()
        }
    }

    #[async_trait::async_trait]
    impl CancelQuery for ChCancel {
        async fn cancel(&self) {
            let id = self.running.lock().ok().and_then(|r| r.clone());
            if let Some(id) = id {
                self.endpoint.kill(&id).await;
            }
        }
    }

    #[async_trait::async_trait]
    impl QueryRunner for HttpRunner {
        /// `readonly=1` (sent with every request) is the last layer: ClickHouse then refuses
        /// writes, DDL, `SET`/`SETTINGS` and table functions. The answer is read as it
        /// streams and the query is killed (by its `query_id`) when reading stops early or
        /// the time is up.
        async fn read_only_query(
            &mut self,
            sql: &str,
            limits: &ReadLimits,
        ) -> Result<ReadResult, Error> {
            self.calls += 1;
            let id = format!("xldb-codex-{}-{}", std::process::id(), self.calls);
            // A newline ends a trailing `--` comment before the format clause.
            let body = format!("{}\nFORMAT JSONCompact", sql.trim().trim_end_matches(';'));
            if let Ok(mut r) = self.running.lock() {
                *r = Some(id.clone());
            }
            // Within the caller's own limit (which cancels through `running` when it fires
            // first), and `running` is cleared only once a kill is done.
            let outcome =
                tokio::time::timeout(limits.timeout, self.stream(&id, &body, limits)).await;
            let result = match outcome {
                Ok(Ok((result, ended))) => {
                    if !ended {
                        self.endpoint.kill(&id).await;
                    }
                    Ok(result)
                }
                Ok(Err(m)) => Err(Error::query_failed(self.secret.redact(&m))),
                Err(_) => {
                    self.endpoint.kill(&id).await;
                    Err(Error::Timeout {
                        during: format!("running `{}`", excerpt(sql)),
                        seconds: limits.timeout.as_secs(),
                    })
                }
            };
            if let Ok(mut r) = self.running.lock() {
                *r = None;
            }
            result
        }

        fn canceller(&self) -> Option<Arc<dyn CancelQuery>> {
            Some(Arc::new(ChCancel {
                endpoint: Arc::clone(&self.endpoint),
                running: Arc::clone(&self.running),
            }))
        }

        async fn query(&mut self, sql: &str, params: &[Param]) -> Result<Rows, Error> {
            if !params.is_empty() {
                return Err(Error::query_failed(
                    "the ClickHouse HTTP runner takes no parameters (values are escaped literals)",
                ));
            }
            let body = format!("{}\nFORMAT JSONCompact", sql.trim().trim_end_matches(';'));
            let (status, bytes) = self.post(&body).await.map_err(|f| match f {
                Failure(m) => Error::query_failed(self.secret.redact(&m)),
            })?;
            if status != 200 {
                return Err(Error::query_failed(self.secret.redact(&first_line(&bytes))));
            }
            #[derive(serde::Deserialize)]
            struct Meta {
                name: String,
            }
            #[derive(serde::Deserialize)]
            struct Answer {
                meta: Vec<Meta>,
                data: Vec<Vec<serde_json::Value>>,
            }
            if bytes.iter().all(u8::is_ascii_whitespace) {
                return Ok(Rows::default());
            }
            let answer: Answer = serde_json::from_slice(&bytes)
                .map_err(|e| Error::query_failed(format!("unreadable JSONCompact answer: {e}")))?;
            Ok(Rows {
                columns: answer.meta.into_iter().map(|m| m.name).collect(),
                rows: answer
                    .data
                    .into_iter()
                    .map(|r| r.into_iter().map(to_value).collect())
                    .collect(),
            })
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn base64_matches_the_rfc_examples() {
            for (i, o) in [
                ("", ""),
                ("f", "Zg=="),
                ("fo", "Zm8="),
                ("foo", "Zm9v"),
                ("foob", "Zm9vYg=="),
                ("fooba", "Zm9vYmE="),
                ("foobar", "Zm9vYmFy"),
            ] {
                assert_eq!(base64(i.as_bytes()), o);
            }
        }

        #[test]
        fn chunked_and_sized_bodies_are_decoded() {
            let raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n6;x=y\r\npedia \r\n0\r\n\r\n";
            assert_eq!(parse_response(raw).unwrap(), (200, b"Wikipedia ".to_vec()));
            let raw = b"HTTP/1.1 500 Oops\r\nContent-Length: 3\r\n\r\nabcdef";
            assert_eq!(parse_response(raw).unwrap(), (500, b"abc".to_vec()));
            assert!(
                parse_response(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n")
                    .is_err()
            );
            assert!(parse_response(b"garbage").is_err());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_escape_everything_that_could_end_them() {
        assert_eq!(escape_string_literal("a'b"), r"'a\'b'");
        assert_eq!(escape_string_literal(r"a\'b"), r"'a\\\'b'");
        assert_eq!(escape_string_literal("x\0y\n"), r"'x\0y\n'");
        assert_eq!(escape_string_literal("\u{1}"), r"'\x01'");
        assert_eq!(escape_string_literal("名前"), "'名前'");
        assert_eq!(quote_ident("a`b\\"), r"`a\`b\\`");
    }

    /// The 18.16 server has no query parameters, so filter values are escaped literals: send
    /// the nastiest names through the real server and check they come back unchanged.
    #[cfg(feature = "clickhouse")]
    #[test]
    fn escaped_literals_round_trip_through_the_real_server() {
        let server =
            xldb_testkit::servers::ClickHouse::shared().unwrap_or_else(|e| panic!("{e:#}"));
        let url = DatabaseUrl::parse(&server.url("default")).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let mut runner = ClickHouse
                .connect(&url, &ConnectOptions::default())
                .await
                .unwrap();
            for s in [
                "plain",
                "it's",
                r"back\slash",
                r"\'",
                "'; DROP TABLE x; --",
                "new\nline\ttab\r",
                "nul\0byte",
                "\u{1}\u{1f}",
                "名前 ✓",
                "`tick`",
                "",
            ] {
                let lit = escape_string_literal(s);
                let rows = runner
                    .query(&format!("SELECT {lit} AS v"), &[])
                    .await
                    .unwrap();
                assert_eq!(
                    rows.rows[0][0],
                    crate::Value::Text(s.to_owned()),
                    "literal {lit}"
                );
            }
        });
    }

    #[test]
    fn queries_adapt_to_the_server_version() {
        let f = Filter {
            schema: Some("d'b".into()),
            tables: Some(vec!["t1".into(), "x') OR 1 --".into()]),
        };
        let old = ClickHouse.catalog_queries(&f, "18.16.1");
        assert_eq!(old.len(), 2);
        assert!(old[0].sql.contains(r"database = 'd\'b'"));
        assert!(old[0].sql.contains(r"name IN ('t1', 'x\') OR 1 --')"));
        assert!(old[0].sql.contains("'' AS comment"));
        assert!(old[1].sql.contains("table IN ("));
        assert!(!old[1].sql.contains("position"));
        let new = ClickHouse.catalog_queries(&Filter::default(), "24.3.1.1");
        assert_eq!(new.len(), 3);
        assert!(new[0].sql.contains("comment AS comment"));
        assert!(new[0].sql.contains("database = currentDatabase()"));
        assert!(new[1].sql.contains("ORDER BY database, table, position"));
        assert!(!ClickHouse.capabilities("18.16.1").table_comments);
        assert!(ClickHouse.capabilities("24.3").table_comments);
    }

    #[test]
    fn ttl_and_view_queries_are_read_from_ddl() {
        assert_eq!(
            ttl_of(
                "MergeTree ORDER BY id TTL d + toIntervalDay(1) SETTINGS index_granularity = 8192"
            )
            .as_deref(),
            Some("d + toIntervalDay(1)")
        );
        assert_eq!(ttl_of("MergeTree ORDER BY id"), None);
        assert_eq!(
            view_query("CREATE VIEW db.v AS SELECT 1").as_deref(),
            Some("SELECT 1")
        );
    }
}
