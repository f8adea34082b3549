//! The read-only gate: may this SQL run on the user's database?
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

#[cfg(test)]
mod tests {
    use super::*;

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
