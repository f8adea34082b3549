//! The database tools Codex (or any MCP client) may call: `list_tables`, `describe_table`,
//! `analyze_schema`, `execute_query`.
//!
//! Transport-free: [`DbTools::call`] takes a tool name and JSON arguments and returns a
//! [`ToolOutput`]; the MCP server ([`serve_mcp`](crate::serve_mcp)) puts it on the wire. The
//! database is reached through `db-schema`'s [`QueryRunner`], whose built-in runners open
//! read-only sessions with a statement timeout. `execute_query` adds two locks in front: the
//! approval policy's SQL classifier must allow the statement ([`check_read_only`]), and results
//! are cut at a row limit (the statement is wrapped in `SELECT * FROM (…) LIMIT n+1` where the
//! dialect allows, so the server stops early). A client-side timeout bounds every call.
//! Everything returned is redacted: a `password` column does not reach the model.

use crate::engine::Engine;
use crate::error::WorkflowError;
use crate::read_only::check_read_only;
use crate::schema_lint::{analyze_schema, SchemaLintOptions};
use codex_session::redact_text;
use db_schema::{QueryRunner, Schema, Value};
use serde_json::{json, Map};
use std::time::Duration;

/// Limits of the tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DbToolsOptions {
    /// Maximum rows returned by `execute_query` (the client may ask for fewer).
    pub row_limit: usize,
    /// Time limit of one tool call.
    pub timeout: Duration,
}

impl Default for DbToolsOptions {
    fn default() -> Self {
        DbToolsOptions {
            row_limit: 200,
            timeout: Duration::from_secs(30),
        }
    }
}

/// What a tool call returns.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolOutput {
    /// Human/model-readable text (JSON text for data), redacted.
    pub text: String,
    /// The same as structured JSON, redacted.
    pub structured: serde_json::Value,
    /// The call failed (refused, bad arguments, database error).
    pub is_error: bool,
}

impl ToolOutput {
    fn ok(value: serde_json::Value) -> ToolOutput {
        let text =
            redact_text(&serde_json::to_string_pretty(&value).unwrap_or_default()).into_owned();
        let structured = serde_json::from_str(&text).unwrap_or(value);
        ToolOutput {
            text,
            structured,
            is_error: false,
        }
    }

    fn error(message: impl Into<String>) -> ToolOutput {
        let message = redact_text(&message.into()).into_owned();
        ToolOutput {
            structured: json!({ "error": message }),
            text: message,
            is_error: true,
        }
    }
}

/// The database tools over one connection.
pub struct DbTools {
    engine: Engine,
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
            engine: engine_name.parse().unwrap_or(Engine::Generic),
            engine_name: engine_name.to_string(),
            runner,
            options,
            schema: None,
        }
    }

    /// The engine.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// The MCP tool definitions (`name`, `description`, `inputSchema`).
    pub fn definitions() -> serde_json::Value {
        json!([
            {
                "name": "list_tables",
                "description": "List the tables and views of the database with their column counts.",
                "inputSchema": {"type": "object", "properties": {}, "additionalProperties": false}
            },
            {
                "name": "describe_table",
                "description": "Describe one table: columns (type, nullability, default, comment), primary key, foreign keys, unique constraints, indexes.",
                "inputSchema": {"type": "object", "properties": {"table": {"type": "string", "description": "table name"}}, "required": ["table"], "additionalProperties": false}
            },
            {
                "name": "analyze_schema",
                "description": "Run the local schema analyzer: tables without primary keys, foreign keys without indexes, type mismatches across foreign keys, duplicate or redundant indexes, nullable foreign keys, wide tables, missing comments.",
                "inputSchema": {"type": "object", "properties": {"tables": {"type": "array", "items": {"type": "string"}, "description": "only these tables (default: all)"}}, "additionalProperties": false}
            },
            {
                "name": "execute_query",
                "description": "Run one read-only SQL statement (SELECT, EXPLAIN, …) and return its rows. Statements that write, change schema or have side effects are refused.",
                "inputSchema": {"type": "object", "properties": {
                    "sql": {"type": "string", "description": "one read-only statement"},
                    "limit": {"type": "integer", "minimum": 1, "description": "maximum rows to return"}
                }, "required": ["sql"], "additionalProperties": false}
            }
        ])
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
    pub async fn call(&mut self, name: &str, arguments: &serde_json::Value) -> ToolOutput {
        let timeout = self.options.timeout;
        match tokio::time::timeout(
            timeout + Duration::from_secs(1),
            self.call_inner(name, arguments),
        )
        .await
        {
            Ok(Ok(out)) => out,
            Ok(Err(e)) => ToolOutput::error(e.to_string()),
            Err(_) => {
                ToolOutput::error(format!("`{name}` timed out after {} s", timeout.as_secs()))
            }
        }
    }

    async fn call_inner(
        &mut self,
        name: &str,
        args: &serde_json::Value,
    ) -> Result<ToolOutput, WorkflowError> {
        let empty = Map::new();
        let args = args.as_object().unwrap_or(&empty);
        Ok(match name {
            "list_tables" => {
                let s = self.schema().await?;
                let tables: Vec<_> = s
                    .tables
                    .iter()
                    .map(|t| json!({"schema": t.schema, "name": t.name, "kind": t.kind, "columns": t.columns.len(), "comment": t.comment}))
                    .collect();
                ToolOutput::ok(json!({"engine": s.engine, "tables": tables}))
            }
            "describe_table" => {
                let Some(table) = args.get("table").and_then(|v| v.as_str()) else {
                    return Ok(ToolOutput::error("`table` (a string) is required"));
                };
                let s = self.schema().await?;
                let (schema_part, name) = match table.rsplit_once('.') {
                    Some((sch, n)) => (Some(sch), n),
                    None => (None, table),
                };
                match s.table(schema_part, name) {
                    Some(t) => ToolOutput::ok(serde_json::to_value(t).unwrap_or_default()),
                    None => ToolOutput::error(format!("no table `{table}`")),
                }
            }
            "analyze_schema" => {
                let wanted: Option<Vec<String>> =
                    args.get("tables").and_then(|v| v.as_array()).map(|a| {
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
                ToolOutput::ok(json!({"tables": s2.tables.len(), "findings": findings}))
            }
            "execute_query" => {
                let Some(sql) = args.get("sql").and_then(|v| v.as_str()) else {
                    return Ok(ToolOutput::error("`sql` (a string) is required"));
                };
                let limit = args
                    .get("limit")
                    .and_then(|v| v.as_u64())
                    .map_or(self.options.row_limit, |l| {
                        (l as usize).clamp(1, self.options.row_limit)
                    });
                self.execute(sql, limit).await?
            }
            other => ToolOutput::error(format!("unknown tool `{other}`")),
        })
    }

    async fn execute(&mut self, sql: &str, limit: usize) -> Result<ToolOutput, WorkflowError> {
        let gate = check_read_only(self.engine, sql);
        if !gate.allowed {
            return Ok(ToolOutput::error(format!(
                "refused by policy ({}): {}",
                gate.decision, gate.reason
            )));
        }
        let trimmed = sql.trim().trim_end_matches(';').trim();
        let single_query = matches!(
            self.engine.parse(trimmed).as_deref(),
            Ok([sqlparser::ast::Statement::Query(_)])
        );
        let wrapped = match self.engine {
            Engine::Sqlite
            | Engine::Postgres
            | Engine::Mysql
            | Engine::Duckdb
            | Engine::Clickhouse
                if single_query =>
            {
                format!(
                    "SELECT * FROM ({trimmed}) AS xldb_limited LIMIT {}",
                    limit + 1
                )
            }
            _ => trimmed.to_string(),
        };
        let started = std::time::Instant::now();
        let rows = self.runner.query(&wrapped, &[]).await.map_err(db_err)?;
        let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
        let truncated = rows.rows.len() > limit;
        let out_rows: Vec<serde_json::Value> = rows
            .rows
            .iter()
            .take(limit)
            .map(|r| {
                let mut m = Map::new();
                for (c, v) in rows.columns.iter().zip(r) {
                    m.insert(c.clone(), value_json(v));
                }
                serde_json::Value::Object(m)
            })
            .collect();
        Ok(ToolOutput::ok(json!({
            "columns": rows.columns,
            "rows": out_rows,
            "row_count": out_rows.len(),
            "truncated": truncated,
            "elapsed_ms": (elapsed_ms * 10.0).round() / 10.0,
        })))
    }
}

fn value_json(v: &Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => json!(b),
        Value::Int(i) => json!(i),
        Value::Float(f) => json!(f),
        Value::Text(s) => json!(s),
    }
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
            },
        )
        .await
        .unwrap()
    }

    #[tokio::test]
    async fn tools_answer_and_gate_writes() {
        let dir = tempfile::tempdir().unwrap();
        let mut tools = demo_tools(dir.path()).await;
        let list = tools.call("list_tables", &json!({})).await;
        assert!(!list.is_error, "{}", list.text);
        assert!(list.text.contains("order_items"));
        let d = tools
            .call("describe_table", &json!({"table": "orders"}))
            .await;
        assert_eq!(d.structured["name"], "orders");
        assert!(
            tools
                .call("describe_table", &json!({"table": "nope"}))
                .await
                .is_error
        );
        let a = tools
            .call("analyze_schema", &json!({"tables": ["order_items"]}))
            .await;
        assert!(a.text.contains("missing-primary-key"), "{}", a.text);

        let q = tools
            .call(
                "execute_query",
                &json!({"sql": "SELECT id, status FROM orders ORDER BY id"}),
            )
            .await;
        assert!(!q.is_error, "{}", q.text);
        assert_eq!(q.structured["row_count"], 2);
        assert_eq!(q.structured["truncated"], true);
        assert_eq!(q.structured["rows"][0]["status"], "paid");

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
    }
}
