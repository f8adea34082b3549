//! Measuring one query on a live database: its plan (`EXPLAIN`, or `EXPLAIN ANALYZE` when
//! asked) and one timed run, through the same read-only [`DbTools`] Codex uses.
//!
//! A plan or run that fails is kept as an error beside the rest ([`Measured::plan_error`],
//! [`Measured::run_error`]) so the caller can show it and fail; a statement that is not
//! read-only is never run, and that is said apart ([`Measured::not_run`]), since it is not an
//! error of the query.

use crate::db_tools::DbTools;
use crate::dialect::{Dialect, WorkflowDialect};
use crate::read_only::check_read_only;
use serde::Serialize;
use serde_json::{json, Value};

/// The plan and timing of one query.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Measured {
    /// The plan as text, one line per plan row.
    pub plan: Option<String>,
    /// Why there is no plan (the database's error, redacted).
    pub plan_error: Option<String>,
    /// How long one run took, in milliseconds.
    pub elapsed_ms: Option<f64>,
    /// Rows that run returned (up to the row limit).
    pub rows: Option<u64>,
    /// Why the run failed (the database's error, redacted).
    pub run_error: Option<String>,
    /// Why the query was not run at all (not read-only): not an error of the query.
    pub not_run: Option<String>,
    /// Whether the statement is read-only (only then is it run, and a failed plan an error).
    pub read_only: bool,
}

impl Measured {
    /// The first error of the plan or the run of a read-only query, if any (the caller fails
    /// on it). A statement that is not read-only is not run, and our read-only connection may
    /// refuse even to plan it: that is no error of the query.
    pub fn error(&self) -> Option<&str> {
        if !self.read_only {
            return None;
        }
        self.plan_error.as_deref().or(self.run_error.as_deref())
    }
}

/// Rows a timed run fetches at most.
const RUN_ROW_LIMIT: u64 = 200;

/// Plan and time `sql` on `tools`' database. `analyze` asks for `EXPLAIN ANALYZE`, which runs
/// the query, so only a read-only statement gets it (others get the plain plan).
pub async fn measure(tools: &mut DbTools, engine: Dialect, sql: &str, analyze: bool) -> Measured {
    let read_only = check_read_only(engine, sql).allowed;
    let planned = if analyze && read_only {
        let out = tools.explain_analyze(sql).await;
        if out.is_error {
            Err(error_text(&out.structured, out.text))
        } else {
            Ok(out.structured)
        }
    } else {
        run(tools, &engine.explain(sql, false)).await
    };
    let mut m = Measured {
        read_only,
        ..Measured::default()
    };
    match planned {
        Ok(v) => m.plan = Some(plan_text(&v)),
        Err(e) => m.plan_error = Some(e),
    }
    if read_only {
        match run(tools, sql).await {
            Ok(v) => {
                m.elapsed_ms = v["elapsed_ms"].as_f64();
                m.rows = v["row_count"].as_u64();
            }
            Err(e) => m.run_error = Some(e),
        }
    } else {
        m.not_run = Some("the statement is not read-only".into());
    }
    m
}

async fn run(tools: &mut DbTools, sql: &str) -> Result<Value, String> {
    let out = tools
        .call(
            "execute_query",
            &json!({"sql": sql, "limit": RUN_ROW_LIMIT}),
        )
        .await;
    if out.is_error {
        Err(error_text(&out.structured, out.text))
    } else {
        Ok(out.structured)
    }
}

/// The `error` of a failed tool result (its JSON otherwise).
fn error_text(structured: &Value, text: String) -> String {
    structured["error"]
        .as_str()
        .map_or(text, std::string::ToString::to_string)
}

/// The plan columns of the engines, most specific first: SQLite `detail`, PostgreSQL
/// `QUERY PLAN`, MySQL/DuckDB `EXPLAIN`/`explain_value`.
const PLAN_COLUMNS: &[&str] = &[
    "detail",
    "QUERY PLAN",
    "EXPLAIN",
    "explain_value",
    "explain",
];

/// The plan rows of an `execute_query` result as text: the plan column when the engine has
/// one, else every column joined by ` | `.
pub fn plan_text(v: &Value) -> String {
    let text = |x: &Value| x.as_str().map_or_else(|| x.to_string(), str::to_string);
    v["rows"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .filter_map(|r| r.as_object())
                .map(|o| match PLAN_COLUMNS.iter().find_map(|c| o.get(*c)) {
                    Some(x) => text(x),
                    None => o.values().map(text).collect::<Vec<_>>().join(" | "),
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_column_is_preferred_and_other_columns_are_joined() {
        let sqlite = json!({"rows": [{"id": 2, "detail": "SCAN orders"}]});
        assert_eq!(plan_text(&sqlite), "SCAN orders");
        let other = json!({"rows": [{"a": "x", "b": 1}]});
        assert_eq!(plan_text(&other), "x | 1");
        assert_eq!(plan_text(&json!({})), "");
    }

    #[test]
    fn the_error_is_the_plan_error_first() {
        let m = Measured {
            read_only: true,
            plan_error: Some("no such table: nope".into()),
            run_error: Some("later".into()),
            ..Measured::default()
        };
        assert_eq!(m.error(), Some("no such table: nope"));
        let skipped = Measured {
            plan_error: Some("refused: not a query".into()),
            not_run: Some("the statement is not read-only".into()),
            ..Measured::default()
        };
        assert_eq!(skipped.error(), None);
    }
}
