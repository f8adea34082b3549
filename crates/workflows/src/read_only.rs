//! The read-only gate: may this SQL run on the user's database?
//!
//! [`check_query`] is the stricter gate of the MCP `execute_query` tool, where no human can be
//! asked: the approval policy's read-only-query judgement, one statement of a query form,
//! every function on the dialect's allowlist, no lexical trap.
//!
//! One answer for every place that runs SQL on Codex's behalf (the MCP `execute_query` tool,
//! `analyze query --verify`) and for checking the SQL Codex proposes: the approval policy's SQL
//! classifier ([`approval_policy::classify_sql`]) must say `allow`. Anything it does not allow
//! (writes, DDL, admin, unknown, unparsable, side-effecting functions) is refused, and the
//! policy's explanation is the reason. This is the first of two locks; the second is the
//! read-only database session the runners open.

use approval_policy::{classify_sql, judge_read_only_query, Decision, Dialect};
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

/// Classify `sql` with the approval policy's SQL classifier; only `allow` passes.
///
/// ```
/// use xldb_workflows::{check_read_only, Dialect};
/// assert!(check_read_only(Dialect::Sqlite, "SELECT count(*) FROM orders").allowed);
/// assert!(!check_read_only(Dialect::Sqlite, "DELETE FROM orders").allowed);
/// ```
pub fn check_read_only(engine: Dialect, sql: &str) -> ReadOnlyVerdict {
    let verdict = classify_sql(engine, sql);
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
/// the approval policy's own judgement ([`approval_policy::judge_read_only_query`]), so the
/// MCP server and the policy never disagree. It takes exactly one statement of a query form
/// (SELECT, TABLE, VALUES, WITH … SELECT, SHOW, DESCRIBE, EXPLAIN without execution) whose
/// every function is on the dialect's read-only allowlist, and refuses text the server could
/// read differently from our parser (MySQL executable comments, non-ASCII whitespace and
/// control characters outside string literals).
///
/// ```
/// use xldb_workflows::{check_query, Dialect};
/// assert!(check_query(Dialect::Postgres, "SELECT 1 -- note").allowed);
/// assert!(!check_query(Dialect::Postgres, "EXPLAIN (ANALYZE) SELECT 1").allowed);
/// assert!(!check_query(Dialect::MySql, "SELECT 1 /*!50000 , LOAD_FILE('/etc/passwd') */").allowed);
/// ```
pub fn check_query(engine: Dialect, sql: &str) -> ReadOnlyVerdict {
    let j = judge_read_only_query(engine, sql);
    ReadOnlyVerdict {
        allowed: j.is_read_only_query(),
        decision: if j.is_read_only_query() {
            j.verdict.decision.to_string()
        } else if j.verdict.decision == Decision::Allow {
            "deny".to_string()
        } else {
            j.verdict.decision.to_string()
        },
        reason: j.refusals.join("; "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_gate_takes_one_query_and_screens_characters() {
        for (engine, sql) in [
            (Dialect::Postgres, "SELECT 1 -- trailing comment"),
            (Dialect::Postgres, "SELECT 'a\u{a0}b'"),
            (Dialect::MySql, "SELECT 'it\\'s \u{a0}', \"x\u{a0}\""),
            (Dialect::Postgres, "EXPLAIN (FORMAT JSON) SELECT 1"),
            (Dialect::Postgres, "SELECT café FROM t"),
        ] {
            let v = check_query(engine, sql);
            assert!(v.allowed, "{sql}: {v:?}");
        }
        for (engine, sql) in [
            (Dialect::Postgres, "EXPLAIN (ANALYSE) SELECT 1"),
            (Dialect::Postgres, "EXPLAIN ANALYZE SELECT 1"),
            (Dialect::Postgres, "SELECT 1; SELECT 2"),
            (Dialect::Postgres, "SELECT * FROM t FOR UPDATE"),
            (Dialect::Postgres, "BEGIN READ WRITE"),
            (Dialect::Postgres, "SET statement_timeout = 0"),
            (Dialect::MySql, "SELECT 1 --\u{a0}x"),
            (Dialect::MySql, "SELECT 1 /*!50000 , 2 */"),
            (Dialect::MySql, "SELECT 1 /*M! , 2 */"),
            (Dialect::Postgres, "SELECT\u{200b}1"),
            (Dialect::Sqlite, "SELECT 1\u{0}"),
        ] {
            let v = check_query(engine, sql);
            assert!(!v.allowed, "{sql}: {v:?}");
        }
    }

    #[test]
    fn reads_pass_everything_else_is_refused_with_a_reason() {
        for (engine, sql) in [
            (Dialect::Sqlite, "SELECT id FROM t"),
            (Dialect::Postgres, "WITH x AS (SELECT 1) SELECT * FROM x"),
            (Dialect::MySql, "SELECT a FROM t WHERE b = 1"),
        ] {
            let v = check_read_only(engine, sql);
            assert!(v.allowed, "{sql}: {v:?}");
        }
        for (engine, sql) in [
            (Dialect::Sqlite, "DELETE FROM t"),
            (Dialect::Postgres, "DROP TABLE t"),
            (Dialect::Postgres, "SELECT 1; DELETE FROM t"),
            (Dialect::Postgres, "SELEC nonsense"),
            (Dialect::Postgres, "SELECT pg_terminate_backend(42)"),
        ] {
            let v = check_read_only(engine, sql);
            assert!(!v.allowed, "{sql}: {v:?}");
            assert!(!v.reason.is_empty(), "{sql}");
        }
    }
}
