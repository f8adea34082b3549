//! The read-only gate: may this SQL run on the user's database?
//!
//! [`check_query`] is the stricter gate of the MCP `execute_query` tool, where no human can be
//! asked: on top of [`check_read_only`] it takes exactly one statement of a query form
//! (SELECT, TABLE, VALUES, WITH … SELECT, SHOW, DESCRIBE, EXPLAIN without execution), and
//! refuses text the server could read differently from our parser: control characters,
//! non-ASCII characters other than letters and digits outside string literals, and MySQL
//! executable comments (`/*! … */`, `/*M! … */`).
//!
//! One answer for every place that runs SQL on Codex's behalf (the MCP `execute_query` tool,
//! `analyze query --verify`) and for checking the SQL Codex proposes: the approval policy's SQL
//! classifier ([`approval_policy::classify_sql`]) must say `allow`. Anything it does not allow
//! (writes, DDL, admin, unknown, unparsable, side-effecting functions) is refused, and the
//! policy's explanation is the reason. This is the first of two locks; the second is the
//! read-only database session the runners open.

use crate::engine::Engine;
use approval_policy::{classify_sql, Decision, Dialect};
use serde::Serialize;

/// The gate's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReadOnlyVerdict {
    /// The SQL may run.
    pub allowed: bool,
    /// The policy's decision (`allow`, `ask`, `deny`).
    pub decision: String,
    /// Why, from the policy's explanation.
    pub reason: String,
}

/// The policy dialect of an engine.
pub fn policy_dialect(engine: Engine) -> Dialect {
    match engine {
        Engine::Sqlite => Dialect::Sqlite,
        Engine::Postgres => Dialect::Postgres,
        Engine::Mysql => Dialect::MySql,
        Engine::Clickhouse => Dialect::ClickHouse,
        Engine::Duckdb => Dialect::DuckDb,
        Engine::Mssql => Dialect::MsSql,
        Engine::Oracle => Dialect::Oracle,
        Engine::Generic => Dialect::Generic,
    }
}

/// Classify `sql` with the approval policy's SQL classifier; only `allow` passes.
///
/// ```
/// use xldb_workflows::{check_read_only, Engine};
/// assert!(check_read_only(Engine::Sqlite, "SELECT count(*) FROM orders").allowed);
/// assert!(!check_read_only(Engine::Sqlite, "DELETE FROM orders").allowed);
/// ```
pub fn check_read_only(engine: Engine, sql: &str) -> ReadOnlyVerdict {
    let verdict = classify_sql(policy_dialect(engine), sql);
    let reason = verdict
        .deciding()
        .map(|f| {
            if f.subject.is_empty() {
                f.reason.clone()
            } else {
                format!("{}: {}", f.subject, f.reason)
            }
        })
        .collect::<Vec<_>>()
        .join("; ");
    ReadOnlyVerdict {
        allowed: verdict.decision == Decision::Allow,
        decision: verdict.decision.to_string(),
        reason,
    }
}

/// The gate of a query run on an agent's behalf with no human to ask (MCP `execute_query`):
/// [`check_read_only`] plus one statement of a query form and a character screen.
///
/// ```
/// use xldb_workflows::{check_query, Engine};
/// assert!(check_query(Engine::Postgres, "SELECT 1 -- note").allowed);
/// assert!(!check_query(Engine::Postgres, "EXPLAIN (ANALYZE) SELECT 1").allowed);
/// assert!(!check_query(Engine::Mysql, "SELECT 1 /*!50000 , LOAD_FILE('/etc/passwd') */").allowed);
/// ```
pub fn check_query(engine: Engine, sql: &str) -> ReadOnlyVerdict {
    let refuse = |reason: String| ReadOnlyVerdict {
        allowed: false,
        decision: "deny".into(),
        reason,
    };
    if let Err(reason) = screen_characters(engine, sql) {
        return refuse(reason);
    }
    let verdict = check_read_only(engine, sql);
    if !verdict.allowed {
        return verdict;
    }
    match engine.parse(sql) {
        Ok(statements) => match statements.as_slice() {
            [one] => match query_form(one) {
                Ok(()) => verdict,
                Err(reason) => refuse(reason),
            },
            _ => refuse(format!(
                "exactly one statement is allowed, found {}",
                statements.len()
            )),
        },
        Err(e) => refuse(e.to_string()),
    }
}

/// `EXPLAIN` options that only change how a plan is shown (none executes the statement).
const EXPLAIN_OPTIONS: &[&str] = &[
    "verbose",
    "costs",
    "settings",
    "format",
    "summary",
    "generic_plan",
    "memory",
];

/// Is `stmt` a query form (reads and shows, never executes something else)?
fn query_form(stmt: &sqlparser::ast::Statement) -> Result<(), String> {
    use sqlparser::ast::Statement as S;
    match stmt {
        S::Query(q) => {
            if q.locks.is_empty() {
                Ok(())
            } else {
                Err("`FOR UPDATE`/`FOR SHARE` takes row locks".into())
            }
        }
        S::Explain {
            analyze,
            statement,
            options,
            ..
        } => {
            if *analyze {
                return Err("`EXPLAIN ANALYZE` executes the statement".into());
            }
            for o in options.iter().flatten() {
                let name = o.name.value.to_ascii_lowercase();
                if !EXPLAIN_OPTIONS.contains(&name.as_str()) {
                    return Err(format!("`EXPLAIN` option `{name}` is not allowed"));
                }
            }
            match statement.as_ref() {
                S::Query(_) => query_form(statement),
                _ => Err("`EXPLAIN` of anything but a query is not allowed".into()),
            }
        }
        S::ExplainTable { .. }
        | S::ShowFunctions { .. }
        | S::ShowVariable { .. }
        | S::ShowStatus { .. }
        | S::ShowVariables { .. }
        | S::ShowCreate { .. }
        | S::ShowColumns { .. }
        | S::ShowDatabases { .. }
        | S::ShowSchemas { .. }
        | S::ShowTables { .. }
        | S::ShowViews { .. }
        | S::ShowCollation { .. } => Ok(()),
        _ => Err("only queries (SELECT, TABLE, VALUES, WITH … SELECT, SHOW, DESCRIBE, EXPLAIN) are allowed".into()),
    }
}

/// Refuse characters the server may read differently from our parser, outside string
/// literals: control characters (other than tab and line ends), non-ASCII characters other
/// than letters and digits (no-break and other Unicode spaces, zero-width and direction
/// marks), and MySQL executable comments.
fn screen_characters(engine: Engine, sql: &str) -> Result<(), String> {
    let mysql = engine == Engine::Mysql;
    let chars: Vec<char> = sql.chars().collect();
    let mut i = 0;
    // inside a string literal: its quote and whether a backslash escapes
    let mut string: Option<(char, bool)> = None;
    while let Some(&c) = chars.get(i) {
        if let Some((q, backslash)) = string {
            if backslash && c == '\\' {
                i += 2;
                continue;
            }
            if c == q {
                if chars.get(i + 1) == Some(&q) {
                    i += 2;
                    continue;
                }
                string = None;
            }
            i += 1;
            continue;
        }
        match c {
            '\'' => {
                // PostgreSQL E'…' strings take backslash escapes; MySQL strings always do
                let e_prefix = i > 0
                    && matches!(chars[i - 1], 'e' | 'E')
                    && (i < 2 || !(chars[i - 2].is_alphanumeric() || chars[i - 2] == '_'));
                string = Some(('\'', mysql || e_prefix));
            }
            '"' if mysql => string = Some(('"', true)),
            '/' if mysql
                && chars.get(i + 1) == Some(&'*')
                && (chars.get(i + 2) == Some(&'!')
                    || (matches!(chars.get(i + 2), Some('M' | 'm'))
                        && chars.get(i + 3) == Some(&'!'))) =>
            {
                return Err("MySQL executable comments (`/*! … */`) are not allowed".into());
            }
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => {
                return Err(format!(
                    "control character U+{:04X} outside a string literal",
                    u32::from(c)
                ));
            }
            c if !c.is_ascii() && !c.is_alphanumeric() => {
                return Err(format!(
                    "character U+{:04X} outside a string literal (only ASCII, letters and digits are allowed there)",
                    u32::from(c)
                ));
            }
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_gate_takes_one_query_and_screens_characters() {
        for (engine, sql) in [
            (Engine::Postgres, "SELECT 1 -- trailing comment"),
            (Engine::Postgres, "SELECT 'a\u{a0}b'"),
            (Engine::Mysql, "SELECT 'it\\'s \u{a0}', \"x\u{a0}\""),
            (Engine::Postgres, "EXPLAIN (FORMAT JSON) SELECT 1"),
            (Engine::Postgres, "SELECT café FROM t"),
        ] {
            let v = check_query(engine, sql);
            assert!(v.allowed, "{sql}: {v:?}");
        }
        for (engine, sql) in [
            (Engine::Postgres, "EXPLAIN (ANALYSE) SELECT 1"),
            (Engine::Postgres, "EXPLAIN ANALYZE SELECT 1"),
            (Engine::Postgres, "SELECT 1; SELECT 2"),
            (Engine::Postgres, "SELECT * FROM t FOR UPDATE"),
            (Engine::Postgres, "BEGIN READ WRITE"),
            (Engine::Postgres, "SET statement_timeout = 0"),
            (Engine::Mysql, "SELECT 1 --\u{a0}x"),
            (Engine::Mysql, "SELECT 1 /*!50000 , 2 */"),
            (Engine::Mysql, "SELECT 1 /*M! , 2 */"),
            (Engine::Postgres, "SELECT\u{200b}1"),
            (Engine::Sqlite, "SELECT 1\u{0}"),
        ] {
            let v = check_query(engine, sql);
            assert!(!v.allowed, "{sql}: {v:?}");
        }
    }

    #[test]
    fn reads_pass_everything_else_is_refused_with_a_reason() {
        for (engine, sql) in [
            (Engine::Sqlite, "SELECT id FROM t"),
            (Engine::Postgres, "WITH x AS (SELECT 1) SELECT * FROM x"),
            (Engine::Mysql, "SELECT a FROM t WHERE b = 1"),
        ] {
            let v = check_read_only(engine, sql);
            assert!(v.allowed, "{sql}: {v:?}");
        }
        for (engine, sql) in [
            (Engine::Sqlite, "DELETE FROM t"),
            (Engine::Postgres, "DROP TABLE t"),
            (Engine::Postgres, "SELECT 1; DELETE FROM t"),
            (Engine::Postgres, "SELEC nonsense"),
            (Engine::Postgres, "SELECT pg_terminate_backend(42)"),
        ] {
            let v = check_read_only(engine, sql);
            assert!(!v.allowed, "{sql}: {v:?}");
            assert!(!v.reason.is_empty(), "{sql}");
        }
    }
}
