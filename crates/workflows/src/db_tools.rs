//! The database tools Codex (or any MCP client) may call: `list_tables`, `describe_table`,
//! `analyze_schema`, `execute_query`.
//!
//! Transport-free: [`DbTools::call`] takes a tool name and JSON arguments and returns a
//! [`ToolOutput`]; the MCP server ([`serve_mcp`](crate::serve_mcp)) puts it on the wire.
//! Arguments are checked against the tool's own `inputSchema` ([`DbTools::definitions`]).
//!
//! `execute_query` is defence in depth, and the last layer belongs to the database:
//! 1. the statement gate ([`check_query`](crate::read_only::check_query)): one statement, a
//!    query form, every function known to be harmless, no character the server could read
//!    differently from our parser;
//! 2. secret provenance ([`crate::secret_columns`]): a value computed from a secret-looking
//!    column is refused, a secret-looking column selected as such comes back redacted;
//! 3. `db-schema`'s [`read_only_query`](db_schema::QueryRunner::read_only_query): one
//!    read-only transaction per call, one prepared statement, always rolled back, with
//!    server-side timeouts, values typed for JSON and cut at [`DbToolsOptions::max_value_bytes`],
//!    rows streamed and stopped at the row limit or [`DbToolsOptions::max_result_bytes`].
//!
//! Every result (of every tool) is redacted ([`codex_session::redact_json`]) and kept within
//! the byte budget; its `text` is the JSON of its `structured` value, so both carry the same
//! data and both are valid JSON.

use crate::dialect::{Dialect, WorkflowDialect};
use crate::error::WorkflowError;
use crate::read_only::check_query;
use crate::schema_lint::{analyze_schema, SchemaLintOptions};
use crate::secret_columns::{self, SecretUse};
use crate::tool_args;
use codex_session::{is_sensitive_key, redact_json, redact_text, REDACTED};
use db_schema::{CancelQuery, QueryRunner, ReadLimits, Schema};
use serde_json::{json, Map, Value};
use std::sync::Arc;
use std::time::Duration;

/// Limits of the tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DbToolsOptions {
    /// Maximum rows returned by `execute_query` (the client may ask for fewer).
    pub row_limit: usize,
    /// Time limit of one tool call (also the server-side statement and lock timeout).
    pub timeout: Duration,
    /// Maximum bytes of one result (its JSON text), for every tool.
    pub max_result_bytes: usize,
    /// Maximum bytes of one value; longer values are cut and marked.
    pub max_value_bytes: usize,
}

impl Default for DbToolsOptions {
    fn default() -> Self {
        DbToolsOptions {
            row_limit: 200,
            timeout: Duration::from_secs(30),
            max_result_bytes: 4 << 20,
            max_value_bytes: 64 << 10,
        }
    }
}

/// What a tool call returns.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolOutput {
    /// The JSON text of `structured` (what MCP puts in `content`), redacted.
    pub text: String,
    /// The result as structured JSON, redacted.
    pub structured: Value,
    /// The call failed (refused, bad arguments, database error).
    pub is_error: bool,
}

impl ToolOutput {
    fn ok(mut value: Value, budget: usize) -> ToolOutput {
        redact_json(&mut value);
        let text = value.to_string();
        if text.len() > budget {
            return ToolOutput::error(format!(
                "the result is {} bytes, more than the limit of {budget}; ask for less",
                text.len()
            ));
        }
        ToolOutput {
            text,
            structured: value,
            is_error: false,
        }
    }

    fn error(message: impl Into<String>) -> ToolOutput {
        let structured = json!({ "error": redact_text(&message.into()) });
        ToolOutput {
            text: structured.to_string(),
            structured,
            is_error: true,
        }
    }
}

/// The database tools over one connection.
pub struct DbTools {
    engine: Dialect,
    engine_name: String,
    runner: Box<dyn QueryRunner>,
    options: DbToolsOptions,
    schema: Option<Schema>,
}

impl std::fmt::Debug for DbTools {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DbTools")
            .field("engine", &self.engine)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

fn db_err(e: impl std::fmt::Display) -> WorkflowError {
    WorkflowError::Database {
        message: redact_text(&e.to_string()).into_owned(),
    }
}

/// Most rows `list_tables` returns per page.
const LIST_LIMIT_MAX: i64 = 1000;
/// Most tables `describe_table` describes in one call.
const DESCRIBE_MAX: i64 = 50;
/// Most rows `execute_query` may be asked for (the server's `--row-limit` caps it further).
const QUERY_LIMIT_MAX: i64 = 10_000;

impl DbTools {
    /// Connect to `url` with a built-in read-only runner.
    pub async fn connect(url: &str, options: DbToolsOptions) -> Result<DbTools, WorkflowError> {
        let parsed = db_schema::DatabaseUrl::parse(url).map_err(db_err)?;
        let engine = db_schema::engine_for_url(&parsed).map_err(db_err)?;
        let connect = db_schema::ConnectOptions {
            statement_timeout: options.timeout,
            ..db_schema::ConnectOptions::default()
        };
        let runner = db_schema::connect(engine, &parsed, &connect)
            .await
            .map_err(db_err)?;
        Ok(DbTools::from_runner(engine.name(), runner, options))
    }

    /// Tools over a runner the caller opened (a proxy's own connection); `engine_name` is a
    /// `db-schema` engine name (`sqlite`, `postgres`, …).
    pub fn from_runner(
        engine_name: &str,
        runner: Box<dyn QueryRunner>,
        options: DbToolsOptions,
    ) -> DbTools {
        DbTools {
            engine: crate::dialect::dialect_named(engine_name).unwrap_or(Dialect::Generic),
            engine_name: engine_name.to_string(),
            runner,
            options,
            schema: None,
        }
    }

    /// The engine's SQL dialect.
    pub fn engine(&self) -> Dialect {
        self.engine
    }

    /// A handle that cancels the running query on the server (PostgreSQL cancel request,
    /// MariaDB `KILL QUERY`, SQLite interrupt), from another task.
    pub fn canceller(&self) -> Option<Arc<dyn CancelQuery>> {
        self.runner.canceller()
    }

    /// What the connected role may do beyond reading, one warning a line (empty: a
    /// read-only role); see [`crate::privileges`].
    pub async fn privilege_warnings(&mut self) -> Vec<String> {
        crate::privileges::role_warnings(self.engine, self.runner.as_mut()).await
    }

    /// Is `name` one of the tools?
    pub fn has_tool(name: &str) -> bool {
        Self::definitions()
            .as_array()
            .is_some_and(|tools| tools.iter().any(|t| t["name"] == name))
    }

    /// The MCP tool definitions (`name`, `title`, `description`, `inputSchema`,
    /// `outputSchema`, `annotations`). Every tool only reads.
    pub fn definitions() -> Value {
        let annotations = |title: &str| json!({"title": title, "readOnlyHint": true, "destructiveHint": false, "idempotentHint": true, "openWorldHint": false});
        let table_schema = json!({"type": "object", "description": "a table: name, schema, kind, columns, primary_key, foreign_keys, unique_constraints, checks, indexes, comment"});
        json!([
            {
                "name": "list_tables",
                "title": "List tables",
                "description": "List the tables and views of the database with their column counts, a page at a time. `pattern` is a case-insensitive glob (`*` any run of characters, `?` one character) matched against `schema.table` and `table`. Returns `total` and `next_offset` (null on the last page).",
                "inputSchema": {"type": "object", "properties": {
                    "pattern": {"type": "string", "maxLength": 256, "description": "case-insensitive glob over `schema.table` and `table`"},
                    "offset": {"type": "integer", "minimum": 0, "description": "tables to skip (default 0)"},
                    "limit": {"type": "integer", "minimum": 1, "maximum": LIST_LIMIT_MAX, "description": "tables to return (default 200)"}
                }, "additionalProperties": false},
                "outputSchema": {"type": "object", "properties": {
                    "engine": {"type": "string"},
                    "tables": {"type": "array", "items": {"type": "object"}},
                    "total": {"type": "integer"},
                    "offset": {"type": "integer"},
                    "next_offset": {"type": ["integer", "null"]}
                }},
                "annotations": annotations("List tables")
            },
            {
                "name": "describe_table",
                "title": "Describe tables",
                "description": "Describe tables: columns (type, nullability, default, comment), primary key, foreign keys, unique constraints, indexes. Give `table` (one name) or `tables` (1 to 50 names); `schema.table` picks a schema.",
                "inputSchema": {"type": "object", "properties": {
                    "table": {"type": "string", "minLength": 1, "maxLength": 512, "description": "one table name"},
                    "tables": {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 512}, "minItems": 1, "maxItems": DESCRIBE_MAX, "description": "several table names"}
                }, "additionalProperties": false},
                "outputSchema": {"type": "object", "properties": {
                    "tables": {"type": "array", "items": table_schema},
                    "not_found": {"type": "array", "items": {"type": "string"}},
                    "omitted": {"type": "array", "items": {"type": "string"}}
                }},
                "annotations": annotations("Describe tables")
            },
            {
                "name": "analyze_schema",
                "title": "Analyze the schema",
                "description": "Run the local schema analyzer: tables without primary keys, foreign keys without indexes, type mismatches across foreign keys, duplicate or redundant indexes, nullable foreign keys, wide tables, missing comments.",
                "inputSchema": {"type": "object", "properties": {
                    "tables": {"type": "array", "items": {"type": "string"}, "maxItems": 1000, "description": "only these tables (default: all)"}
                }, "additionalProperties": false},
                "outputSchema": {"type": "object", "properties": {
                    "tables": {"type": "integer"},
                    "findings": {"type": "array", "items": {"type": "object"}}
                }},
                "annotations": annotations("Analyze the schema")
            },
            {
                "name": "execute_query",
                "title": "Run a read-only query",
                "description": "Run one read-only SQL query (SELECT, TABLE, VALUES, WITH … SELECT, SHOW, DESCRIBE, EXPLAIN without ANALYZE) in a read-only transaction that is rolled back, and return its rows. Anything else, and any function not known to be harmless, is refused. Long values are cut and end with `…[truncated]`.",
                "inputSchema": {"type": "object", "properties": {
                    "sql": {"type": "string", "minLength": 1, "maxLength": 100_000, "description": "one read-only statement"},
                    "limit": {"type": "integer", "minimum": 1, "maximum": QUERY_LIMIT_MAX, "description": "maximum rows to return"}
                }, "required": ["sql"], "additionalProperties": false},
                "outputSchema": {"type": "object", "properties": {
                    "columns": {"type": "array", "items": {"type": "string"}},
                    "rows": {"type": "array", "items": {"type": "object"}},
                    "row_count": {"type": "integer"},
                    "truncated": {"type": "boolean"},
                    "truncated_by": {"type": ["string", "null"]},
                    "values_truncated": {"type": "integer"},
                    "redacted_columns": {"type": "array", "items": {"type": "string"}},
                    "elapsed_ms": {"type": "number"}
                }},
                "annotations": annotations("Run a read-only query")
            }
        ])
    }

    fn input_schema(name: &str) -> Option<Value> {
        Self::definitions()
            .as_array()?
            .iter()
            .find(|t| t["name"] == name)
            .map(|t| t["inputSchema"].clone())
    }

    async fn schema(&mut self) -> Result<&Schema, WorkflowError> {
        if self.schema.is_none() {
            let engine = db_schema::engine_by_name(&self.engine_name).ok_or_else(|| {
                WorkflowError::Database {
                    message: format!("no schema support for engine `{}`", self.engine_name),
                }
            })?;
            let s = db_schema::extract(
                engine,
                self.runner.as_mut(),
                &db_schema::Filter::default(),
                &(),
            )
            .await
            .map_err(db_err)?;
            self.schema = Some(s);
        }
        self.schema.as_ref().ok_or_else(|| WorkflowError::Database {
            message: "schema unavailable".into(),
        })
    }

    /// Call tool `name` with `arguments` (a JSON object). Never panics; failures are outputs
    /// with `is_error`.
    pub async fn call(&mut self, name: &str, arguments: &Value) -> ToolOutput {
        let Some(schema) = Self::input_schema(name) else {
            return ToolOutput::error(format!("unknown tool `{name}`"));
        };
        if let Err(e) = tool_args::check(&schema, arguments, "") {
            return ToolOutput::error(format!("invalid arguments for `{name}`: {e}"));
        }
        let timeout = self.options.timeout;
        let what = match arguments.get("sql").and_then(Value::as_str) {
            Some(sql) => format!("running `{}`", excerpt(sql)),
            None => format!("`{name}`"),
        };
        match tokio::time::timeout(
            timeout + Duration::from_secs(1),
            self.call_inner(name, arguments),
        )
        .await
        {
            Ok(Ok(out)) => out,
            Ok(Err(e)) => ToolOutput::error(e.to_string()),
            Err(_) => {
                self.settle().await;
                ToolOutput::error(format!("timed out after {} s {what}", timeout.as_secs()))
            }
        }
    }

    /// After a call was abandoned at the time limit: cancel its statement on the server and
    /// wait (bounded) until the session is free again, so no backend keeps running for it
    /// and no transaction stays open.
    async fn settle(&mut self) {
        if let Some(c) = self.runner.canceller() {
            c.cancel().await;
        }
        let limits = ReadLimits {
            max_rows: 1,
            timeout: self.options.timeout,
            ..ReadLimits::default()
        };
        let settled = tokio::time::timeout(
            self.options.timeout + Duration::from_secs(5),
            self.runner.read_only_query("SELECT 1", &limits),
        )
        .await;
        if !matches!(settled, Ok(Ok(_))) {
            tracing::warn!("the database session did not settle after a timed-out call");
        }
    }

    async fn call_inner(&mut self, name: &str, args: &Value) -> Result<ToolOutput, WorkflowError> {
        let budget = self.options.max_result_bytes;
        Ok(match name {
            "list_tables" => {
                let pattern = args.get("pattern").and_then(Value::as_str);
                let offset = arg_usize(args, "offset").unwrap_or(0);
                let limit = arg_usize(args, "limit").unwrap_or(200);
                let s = self.schema().await?;
                list_tables(s, pattern, offset, limit, budget)
            }
            "describe_table" => {
                let names: Vec<String> =
                    match (args.get("table"), args.get("tables")) {
                        (Some(Value::String(t)), None) => vec![t.clone()],
                        (None, Some(Value::Array(ts))) => ts
                            .iter()
                            .filter_map(|t| t.as_str().map(str::to_owned))
                            .collect(),
                        _ => return Ok(ToolOutput::error(
                            "give `table` (a string) or `tables` (an array of strings), not both",
                        )),
                    };
                let s = self.schema().await?;
                describe_tables(s, &names, budget)
            }
            "analyze_schema" => {
                let wanted: Option<Vec<String>> =
                    args.get("tables").and_then(Value::as_array).map(|a| {
                        a.iter()
                            .filter_map(|x| x.as_str().map(str::to_string))
                            .collect()
                    });
                let s = self.schema().await?.clone();
                let mut s2 = s.clone();
                if let Some(w) = &wanted {
                    s2.tables.retain(|t| w.contains(&t.name));
                }
                let findings = analyze_schema(&s2, SchemaLintOptions::for_schema(&s));
                ToolOutput::ok(
                    json!({"tables": s2.tables.len(), "findings": findings}),
                    budget,
                )
            }
            "execute_query" => {
                let sql = args.get("sql").and_then(Value::as_str).unwrap_or_default();
                let limit = arg_usize(args, "limit")
                    .map_or(self.options.row_limit, |l| l.min(self.options.row_limit));
                self.execute(sql, limit).await?
            }
            other => ToolOutput::error(format!("unknown tool `{other}`")),
        })
    }

    /// The plan of `sql` with its run-time statistics (`EXPLAIN ANALYZE` in the engine's
    /// spelling), for a person who asked for it (`analyze query --analyze`); not an MCP tool,
    /// since an executing `EXPLAIN` is refused there. `sql` must pass the same judgement as
    /// `execute_query`, and the `EXPLAIN` runs it in the same read-only transaction, rolled back.
    pub async fn explain_analyze(&mut self, sql: &str) -> ToolOutput {
        let limit = self.options.row_limit.max(1000);
        match tokio::time::timeout(
            self.options.timeout + Duration::from_secs(1),
            self.execute_as(sql, limit, true),
        )
        .await
        {
            Ok(Ok(out)) => out,
            Ok(Err(e)) => ToolOutput::error(e.to_string()),
            Err(_) => {
                self.settle().await;
                ToolOutput::error(format!(
                    "timed out after {} s running `EXPLAIN ANALYZE {}`",
                    self.options.timeout.as_secs(),
                    excerpt(sql)
                ))
            }
        }
    }

    async fn execute(&mut self, sql: &str, limit: usize) -> Result<ToolOutput, WorkflowError> {
        self.execute_as(sql, limit, false).await
    }

    async fn execute_as(
        &mut self,
        sql: &str,
        limit: usize,
        explain_analyze: bool,
    ) -> Result<ToolOutput, WorkflowError> {
        let gate = check_query(self.engine, sql);
        if !gate.allowed {
            return Ok(ToolOutput::error(format!(
                "refused by policy ({}): {}",
                gate.decision, gate.reason
            )));
        }
        let engine = self.engine;
        let secret_tables = match self.schema().await {
            Ok(s) => secret_columns::secret_tables(engine, s),
            Err(_) => secret_columns::SecretTables::default(),
        };
        let redact_positions = match secret_columns::check(self.engine, sql, &secret_tables) {
            SecretUse::Refused(reason) => {
                return Ok(ToolOutput::error(format!("refused: {reason}")));
            }
            SecretUse::Redact(positions) => positions,
        };
        let explained;
        let trimmed = if explain_analyze {
            explained = self.engine.explain(trim_statement(sql), true);
            explained.as_str()
        } else {
            trim_statement(sql)
        };
        let limits = ReadLimits {
            max_rows: limit,
            max_bytes: self.options.max_result_bytes,
            max_value_bytes: self.options.max_value_bytes,
            timeout: self.options.timeout,
        };
        let started = std::time::Instant::now();
        let result = self
            .runner
            .read_only_query(trimmed, &limits)
            .await
            .map_err(|e| WorkflowError::Database {
                message: format!("`{}` failed: {e}", excerpt(trimmed)),
            })?;
        let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
        let columns = distinct_names(&result.columns);
        let redacted: Vec<bool> = columns
            .iter()
            .enumerate()
            .map(|(i, c)| redact_positions.contains(&i) || is_sensitive_key(c))
            .collect();
        let rows: Vec<Value> = result
            .rows
            .into_iter()
            .map(|r| {
                let mut m = Map::new();
                for (i, (c, v)) in columns.iter().zip(r).enumerate() {
                    let v = if redacted[i] && !v.is_null() {
                        Value::from(REDACTED)
                    } else {
                        v
                    };
                    m.insert(c.clone(), v);
                }
                Value::Object(m)
            })
            .collect();
        let redacted_columns: Vec<&String> = columns
            .iter()
            .zip(&redacted)
            .filter(|(_, r)| **r)
            .map(|(c, _)| c)
            .collect();
        let row_count = rows.len();
        Ok(ToolOutput::ok(
            json!({
                "columns": columns,
                "rows": rows,
                "row_count": row_count,
                "truncated": result.truncated.is_some(),
                "truncated_by": result.truncated,
                "values_truncated": result.values_truncated,
                "redacted_columns": redacted_columns,
                "elapsed_ms": (elapsed_ms * 10.0).round() / 10.0,
            }),
            // the runner kept the rows within the budget; leave room for the envelope
            self.options.max_result_bytes.saturating_add(64 << 10),
        ))
    }
}

fn arg_usize(args: &Value, key: &str) -> Option<usize> {
    args.get(key)
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
}

/// The statement without surrounding whitespace and trailing semicolons.
fn trim_statement(sql: &str) -> &str {
    sql.trim()
        .trim_end_matches(|c: char| c == ';' || c.is_whitespace())
}

/// `sql` on one line, cut to 80 characters: names a statement in a message.
fn excerpt(sql: &str) -> String {
    let one_line = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &one_line[..i]),
        None => one_line,
    }
}

/// Column names made distinct for JSON objects: a repeated `a` becomes `a_2`, `a_3`, …
fn distinct_names(columns: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(columns.len());
    for c in columns {
        let mut name = c.clone();
        let mut n = 1;
        while out.contains(&name) {
            n += 1;
            name = format!("{c}_{n}");
        }
        out.push(name);
    }
    out
}

/// Case-insensitive glob: `*` any run of characters, `?` one character.
fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let t: Vec<char> = text.to_lowercase().chars().collect();
    // classic two-pointer match with backtracking to the last `*`
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

fn list_tables(
    s: &Schema,
    pattern: Option<&str>,
    offset: usize,
    limit: usize,
    budget: usize,
) -> ToolOutput {
    let matching: Vec<_> = s
        .tables
        .iter()
        .filter(|t| {
            pattern.is_none_or(|p| {
                let qualified = match &t.schema {
                    Some(sch) => format!("{sch}.{}", t.name),
                    None => t.name.clone(),
                };
                glob_match(p, &qualified) || glob_match(p, &t.name)
            })
        })
        .collect();
    let total = matching.len();
    let mut used = 256 + s.engine.len();
    let mut tables = Vec::new();
    for t in matching.iter().skip(offset).take(limit) {
        let entry = json!({"schema": t.schema, "name": t.name, "kind": t.kind, "columns": t.columns.len(), "comment": t.comment});
        used += entry.to_string().len() + 1;
        if used > budget {
            break;
        }
        tables.push(entry);
    }
    let end = offset.saturating_add(tables.len());
    let next_offset = (end < total).then_some(end);
    ToolOutput::ok(
        json!({"engine": s.engine, "tables": tables, "total": total, "offset": offset, "next_offset": next_offset}),
        budget,
    )
}

fn describe_tables(s: &Schema, names: &[String], budget: usize) -> ToolOutput {
    let mut tables = Vec::new();
    let mut not_found = Vec::new();
    let mut omitted = Vec::new();
    let mut used = 256;
    for name in names {
        let (schema_part, table) = match name.rsplit_once('.') {
            Some((sch, n)) => (Some(sch), n),
            None => (None, name.as_str()),
        };
        match s.table(schema_part, table) {
            Some(t) => {
                let v = serde_json::to_value(t).unwrap_or_default();
                let size = v.to_string().len() + name.len() + 8;
                if used + size > budget {
                    omitted.push(name.clone());
                } else {
                    used += size;
                    tables.push(v);
                }
            }
            None => not_found.push(name.clone()),
        }
    }
    if tables.is_empty() && omitted.is_empty() {
        let list = not_found
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ");
        return ToolOutput::error(format!("no table {list}"));
    }
    ToolOutput::ok(
        json!({"tables": tables, "not_found": not_found, "omitted": omitted}),
        budget,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn demo_tools(dir: &std::path::Path) -> DbTools {
        let path = dir.join("shop.db");
        crate::demo::create_demo_database(&path).unwrap();
        rusqlite::Connection::open(&path)
            .unwrap()
            .execute_batch("CREATE TABLE accounts (id INTEGER PRIMARY KEY, login TEXT, password TEXT); INSERT INTO accounts VALUES (1, 'ada', 'hunter2');")
            .unwrap();
        DbTools::connect(
            &format!("sqlite://{}", path.display()),
            DbToolsOptions {
                row_limit: 2,
                timeout: Duration::from_secs(5),
                ..DbToolsOptions::default()
            },
        )
        .await
        .unwrap()
    }

    #[test]
    fn globs_match_case_insensitively() {
        assert!(glob_match("order*", "Order_Items"));
        assert!(glob_match("*.ord?rs", "public.orders"));
        assert!(glob_match("*", ""));
        assert!(!glob_match("ord?", "orders"));
        assert!(glob_match("a*b*c", "axxbyyc"));
        assert!(!glob_match("a*b*c", "axxbyy"));
    }

    #[test]
    fn every_tool_schema_uses_only_the_checked_keywords() {
        fn walk(v: &Value, property_names: bool) {
            if let Some(m) = v.as_object() {
                for (k, sub) in m {
                    if property_names {
                        walk(sub, false);
                        continue;
                    }
                    assert!(tool_args::KEYWORDS.contains(&k.as_str()), "keyword `{k}`");
                    walk(sub, k == "properties");
                }
            }
        }
        for t in DbTools::definitions().as_array().unwrap() {
            walk(&t["inputSchema"], false);
            assert_eq!(t["annotations"]["readOnlyHint"], true);
            assert!(t["outputSchema"].is_object());
        }
    }

    #[tokio::test]
    async fn tools_answer_and_gate_writes() {
        let dir = tempfile::tempdir().unwrap();
        let mut tools = demo_tools(dir.path()).await;
        let list = tools.call("list_tables", &json!({})).await;
        assert!(!list.is_error, "{}", list.text);
        assert!(list.text.contains("order_items"));
        assert_eq!(list.structured["next_offset"], Value::Null);
        let page = tools
            .call("list_tables", &json!({"pattern": "ORDER*", "limit": 1}))
            .await;
        assert_eq!(page.structured["total"], 2, "{}", page.text);
        assert_eq!(page.structured["next_offset"], 1);
        assert_eq!(page.structured["tables"][0]["name"], "order_items");
        let d = tools
            .call("describe_table", &json!({"table": "orders"}))
            .await;
        assert_eq!(d.structured["tables"][0]["name"], "orders");
        let d = tools
            .call("describe_table", &json!({"tables": ["orders", "nope"]}))
            .await;
        assert_eq!(d.structured["tables"].as_array().unwrap().len(), 1);
        assert_eq!(d.structured["not_found"], json!(["nope"]));
        assert!(
            tools
                .call("describe_table", &json!({"table": "nope"}))
                .await
                .is_error
        );
        let bad = tools
            .call("describe_table", &json!({"tables": "orders"}))
            .await;
        assert!(
            bad.is_error && bad.text.contains("must be an array"),
            "{}",
            bad.text
        );
        let a = tools
            .call("analyze_schema", &json!({"tables": ["order_items"]}))
            .await;
        assert!(a.text.contains("missing-primary-key"), "{}", a.text);

        let q = tools
            .call(
                "execute_query",
                &json!({"sql": "SELECT id, status FROM orders ORDER BY id -- first ones"}),
            )
            .await;
        assert!(!q.is_error, "{}", q.text);
        assert_eq!(q.structured["row_count"], 2);
        assert_eq!(q.structured["truncated"], true);
        assert_eq!(q.structured["rows"][0]["status"], "paid");
        assert_eq!(
            serde_json::from_str::<Value>(&q.text).unwrap(),
            q.structured
        );

        let w = tools
            .call("execute_query", &json!({"sql": "DELETE FROM orders"}))
            .await;
        assert!(
            w.is_error && w.text.contains("refused by policy"),
            "{}",
            w.text
        );
        let n = tools
            .call(
                "execute_query",
                &json!({"sql": "SELECT count(*) AS n FROM orders"}),
            )
            .await;
        assert_eq!(n.structured["rows"][0]["n"], 4, "the delete did not run");

        let secret = tools
            .call(
                "execute_query",
                &json!({"sql": "SELECT login, password FROM accounts"}),
            )
            .await;
        assert!(!secret.text.contains("hunter2"), "{}", secret.text);
        assert!(tools.call("nope", &json!({})).await.is_error);
        assert!(tools.call("execute_query", &json!({})).await.is_error);
        let too_many = tools
            .call("execute_query", &json!({"sql": "SELECT 1", "limit": 0}))
            .await;
        assert!(too_many.is_error, "{}", too_many.text);
    }
}
