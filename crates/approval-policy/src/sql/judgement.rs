//! One judgement for "may this SQL run unattended as a read-only query?".
//!
//! Two callers need the answer and must never disagree: the approval policy (SQL an agent
//! passes to a database client) and the MCP server's `execute_query` tool (SQL an agent sends
//! straight to the database, where no human can be asked). [`judge_read_only_query`] runs the
//! same statement-by-statement classification as [`crate::classify_sql`] and adds what a
//! server that runs SQL itself must also know:
//! - how many statements the text holds (the server runs exactly one);
//! - the statement's [`StatementForm`]: only queries, `SHOW`/`DESCRIBE` forms and an
//!   `EXPLAIN` that does not execute are runnable; transaction control, `SET`, `PREPARE`,
//!   `LISTEN`, `LOCK`, `EXPLAIN ANALYZE` and everything else are not, even where the approval
//!   policy would let a human-supervised client run them;
//! - lexical traps where our parser and the server may read the text differently: MySQL
//!   executable comments (`/*! … */`) and non-ASCII whitespace or control characters outside
//!   string literals (MariaDB does not end `--` at a no-break space, so what we read as a
//!   comment it runs as SQL).
//!
//! The verdict is `allow` only when every function the statement calls is on the dialect's
//! allowlist of read-only built-ins; [`QueryJudgement::is_read_only_query`] is the one bit the
//! MCP server acts on, and [`QueryJudgement::refusals`] says why not.

use super::{judged, Dialect};
use crate::decision::{Decision, Verdict};
use serde::Serialize;
use sqlparser::tokenizer::{Token, Tokenizer};

/// What kind of statement a text holds, for a caller that runs only queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StatementForm {
    /// `SELECT`, `TABLE`, `VALUES`, `WITH … SELECT` (locking clauses and `INTO` are found by
    /// the verdict, not by the form).
    Query,
    /// `SHOW …`, `DESCRIBE`/`DESC`/`EXPLAIN <table>`, read-only SQLite `PRAGMA` forms,
    /// DuckDB `SUMMARIZE`, ClickHouse `EXISTS`.
    ShowDescribe,
    /// `EXPLAIN` of a statement without executing it.
    Explain,
    /// `EXPLAIN ANALYZE` (any spelling): executes the statement it explains.
    ExplainExecuting,
    /// No statement at all (only comments or whitespace).
    Empty,
    /// Anything else: writes, DDL, `SET`, transaction control, `PREPARE`/`EXECUTE`, `LISTEN`,
    /// `LOCK`, unparsable text, several statements in one chunk.
    Other,
}

impl StatementForm {
    /// True for the forms a read-only query tool may run.
    pub fn is_query_form(self) -> bool {
        matches!(
            self,
            StatementForm::Query | StatementForm::ShowDescribe | StatementForm::Explain
        )
    }

    fn describe(self) -> &'static str {
        match self {
            StatementForm::Query => "a query",
            StatementForm::ShowDescribe => "a show or describe statement",
            StatementForm::Explain => "an explain",
            StatementForm::ExplainExecuting => "an EXPLAIN that executes its statement",
            StatementForm::Empty => "empty",
            StatementForm::Other => "not a query",
        }
    }
}

/// The judgement of one SQL text as a read-only query. Serializes to JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueryJudgement {
    /// How many statements the text holds (0 for comments or whitespace only).
    pub statements: usize,
    /// The form of the first statement ([`StatementForm::Empty`] when there is none).
    pub form: StatementForm,
    /// The approval policy's built-in verdict on the whole text, the same as
    /// [`crate::classify_sql`]: `allow` only when every statement is a known read and every
    /// function it calls is a known read-only built-in of the dialect.
    pub verdict: Verdict,
    /// Why the text may not run as a read-only query, one line each; empty when it may.
    pub refusals: Vec<String>,
}

impl QueryJudgement {
    /// True when the text is exactly one statement.
    pub fn is_single_statement(&self) -> bool {
        self.statements == 1
    }

    /// True when a read-only query tool may run the text unattended: exactly one statement,
    /// a query form, verdict `allow`, and no lexical trap. Same as `refusals.is_empty()`.
    pub fn is_read_only_query(&self) -> bool {
        self.refusals.is_empty()
    }
}

/// Judge `sql` as a read-only query for `dialect`.
///
/// ```
/// use approval_policy::{judge_read_only_query, Decision, Dialect, StatementForm};
/// let j = judge_read_only_query(Dialect::Postgres, "SELECT count(*) FROM orders");
/// assert!(j.is_read_only_query());
/// assert_eq!(j.form, StatementForm::Query);
///
/// let j = judge_read_only_query(Dialect::Postgres, "EXPLAIN (ANALYSE) DELETE FROM orders");
/// assert!(!j.is_read_only_query());
/// assert_eq!(j.verdict.decision, Decision::Deny);
///
/// // Allowed by the approval policy under human supervision, never by a query tool:
/// let j = judge_read_only_query(Dialect::Postgres, "BEGIN");
/// assert!(!j.is_read_only_query());
/// ```
pub fn judge_read_only_query(dialect: Dialect, sql: &str) -> QueryJudgement {
    let all = judged(dialect, sql);
    let statements = all
        .iter()
        .filter(|j| j.form != StatementForm::Empty)
        .count();
    let form = all.first().map_or(StatementForm::Empty, |j| j.form);
    let mut refusals = Vec::new();
    lexical_refusals(dialect, sql, true, &mut refusals);
    match statements {
        0 => refusals.push("no statement to run".to_string()),
        1 => {}
        n => refusals.push(format!("{n} statements; exactly one may run")),
    }
    for j in &all {
        if j.form != StatementForm::Empty && !j.form.is_query_form() {
            refusals.push(format!(
                "`{}` is {}; only queries, SHOW/DESCRIBE and EXPLAIN without execution may run",
                j.unit.finding.subject,
                j.form.describe()
            ));
        }
    }
    let verdict = Verdict::from_findings(all.into_iter().map(|j| j.unit.finding).collect());
    if verdict.decision != Decision::Allow {
        for f in verdict.deciding() {
            refusals.push(if f.subject.is_empty() {
                f.reason.clone()
            } else {
                format!("`{}`: {}", f.subject, f.reason)
            });
        }
    }
    QueryJudgement {
        statements,
        form,
        verdict,
        refusals,
    }
}

/// Characters a server may read differently from our parser outside a string literal.
pub(crate) fn is_suspicious_char(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || (!c.is_ascii() && c.is_whitespace())
        || matches!(c,
            '\u{00AD}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

fn is_string_literal(t: &Token) -> bool {
    matches!(
        t,
        Token::SingleQuotedString(_)
            | Token::DoubleQuotedString(_)
            | Token::TripleSingleQuotedString(_)
            | Token::TripleDoubleQuotedString(_)
            | Token::DollarQuotedString(_)
            | Token::SingleQuotedByteStringLiteral(_)
            | Token::DoubleQuotedByteStringLiteral(_)
            | Token::TripleSingleQuotedByteStringLiteral(_)
            | Token::TripleDoubleQuotedByteStringLiteral(_)
            | Token::SingleQuotedRawStringLiteral(_)
            | Token::DoubleQuotedRawStringLiteral(_)
            | Token::TripleSingleQuotedRawStringLiteral(_)
            | Token::TripleDoubleQuotedRawStringLiteral(_)
            | Token::NationalStringLiteral(_)
            | Token::QuoteDelimitedStringLiteral(_)
            | Token::NationalQuoteDelimitedStringLiteral(_)
            | Token::EscapedStringLiteral(_)
            | Token::UnicodeStringLiteral(_)
            | Token::HexStringLiteral(_)
    )
}

/// Text-level traps: executable comments, and suspicious characters outside string literals.
/// `executable_comments`: refuse `/*! … */` too (the approval policy instead unwraps and
/// judges their text).
pub(crate) fn lexical_refusals(
    dialect: Dialect,
    sql: &str,
    executable_comments: bool,
    out: &mut Vec<String>,
) {
    let suspicious: Vec<(u64, u64, char)> = {
        let (mut line, mut col) = (1u64, 1u64);
        let mut found = Vec::new();
        for c in sql.chars() {
            if is_suspicious_char(c) {
                found.push((line, col, c));
            }
            if c == '\n' {
                line += 1;
                col = 1;
            } else {
                col += 1;
            }
        }
        found
    };
    let has_bang = executable_comments && (sql.contains("/*!") || sql.contains("/*M!"));
    if suspicious.is_empty() && !has_bang {
        return;
    }
    let parser_dialect = dialect.parser();
    let tokens = match Tokenizer::new(parser_dialect.as_ref(), sql).tokenize_with_location() {
        Ok(t) => t,
        Err(e) => {
            out.push(format!("sql could not be tokenized: {e}"));
            return;
        }
    };
    let mut bang = false;
    for t in &tokens {
        if let Token::Whitespace(sqlparser::tokenizer::Whitespace::MultiLineComment(body)) =
            &t.token
        {
            if body.starts_with('!') || body.starts_with("M!") {
                bang = true;
            }
        }
    }
    // A dialect that does not know `/*!` may still tokenize it as a comment; MySQL runs it.
    if has_bang && (bang || dialect.executes_bang_comments()) {
        out.push("MySQL executable comment `/*! … */`: the server runs its text".to_string());
    }
    for (line, col, c) in suspicious {
        let in_literal = tokens.iter().any(|t| {
            is_string_literal(&t.token) && {
                let (s, e) = (t.span.start, t.span.end);
                (s.line, s.column) <= (line, col) && (line, col) < (e.line, e.column)
            }
        });
        if !in_literal {
            out.push(format!(
                "character U+{:04X} outside a string literal: the server may read the text differently",
                c as u32
            ));
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(d: Dialect, sql: &str) -> bool {
        judge_read_only_query(d, sql).is_read_only_query()
    }

    #[test]
    fn single_queries_pass() {
        for sql in [
            "SELECT 1",
            "SELECT 1;",
            "SELECT 1 -- trailing comment",
            "WITH x AS (SELECT 1) SELECT * FROM x",
            "VALUES (1), (2)",
            "SHOW search_path",
            "EXPLAIN SELECT * FROM t",
            "SELECT 'a\u{a0}b'",
        ] {
            let j = judge_read_only_query(Dialect::Postgres, sql);
            assert!(j.is_read_only_query(), "{sql}: {j:?}");
            assert!(j.is_single_statement());
        }
    }

    #[test]
    fn several_statements_are_refused() {
        let j = judge_read_only_query(Dialect::Postgres, "SELECT 1; SELECT 2");
        assert_eq!(j.statements, 2);
        assert!(!j.is_read_only_query());
        assert!(!ok(Dialect::Postgres, ""));
        assert!(!ok(Dialect::Postgres, "-- nothing"));
    }

    #[test]
    fn session_and_transaction_control_is_refused_even_when_the_policy_allows_it() {
        for sql in [
            "BEGIN",
            "COMMIT",
            "START TRANSACTION READ WRITE",
            "SET statement_timeout = 0",
            "SET client_encoding = 'GBK'",
            "RESET ALL",
            "DISCARD ALL",
            "PREPARE p AS SELECT 1",
            "EXECUTE p",
            "LISTEN c",
            "NOTIFY c",
            "LOCK TABLE t",
            "EXPLAIN ANALYZE SELECT 1",
            "COPY t TO STDOUT",
            "USE db",
        ] {
            for d in [Dialect::Postgres, Dialect::MySql, Dialect::Generic] {
                let j = judge_read_only_query(d, sql);
                assert!(!j.is_read_only_query(), "{d}: {sql}: {j:?}");
            }
        }
        for sql in ["SET NAMES gbk", "SET sql_mode = 'NO_BACKSLASH_ESCAPES'"] {
            assert!(!ok(Dialect::MySql, sql), "{sql}");
        }
    }

    #[test]
    fn locking_and_into_are_refused() {
        assert!(!ok(Dialect::Postgres, "SELECT * FROM t FOR UPDATE"));
        assert!(!ok(Dialect::Postgres, "SELECT * FROM t FOR SHARE"));
        assert!(!ok(Dialect::Postgres, "SELECT * INTO t2 FROM t"));
        assert!(!ok(Dialect::MySql, "SELECT * FROM t INTO OUTFILE '/tmp/x'"));
    }

    #[test]
    fn lexical_traps_are_refused() {
        // MariaDB reads `--` + U+00A0 as text, so the "comment" is SQL to the server.
        let j = judge_read_only_query(
            Dialect::MySql,
            "SELECT 1 --\u{a0}\nUNION SELECT LOAD_FILE('/etc/passwd')",
        );
        assert!(!j.is_read_only_query());
        assert!(!ok(Dialect::MySql, "SELECT 1 --\u{a0}x"));
        assert!(!ok(Dialect::MySql, "SELECT /*!50000 1 */"));
        assert!(!ok(Dialect::Postgres, "SELECT /*! 1 */ 1"));
        assert!(!ok(Dialect::Postgres, "SELECT\u{0b}1"));
        assert!(!ok(Dialect::Postgres, "SELECT\u{200b}1"));
        // Inside a string literal the same characters are data.
        assert!(ok(Dialect::MySql, "SELECT 'x\u{a0}y'"));
    }

    #[test]
    fn forms_are_named() {
        let form = |d, sql| judge_read_only_query(d, sql).form;
        assert_eq!(
            form(Dialect::Sqlite, "PRAGMA table_info(t)"),
            StatementForm::ShowDescribe
        );
        assert_eq!(
            form(Dialect::MySql, "DESCRIBE t"),
            StatementForm::ShowDescribe
        );
        assert_eq!(
            form(Dialect::Postgres, "EXPLAIN SELECT 1"),
            StatementForm::Explain
        );
        assert_eq!(
            form(Dialect::Postgres, "EXPLAIN (ANALYSE) SELECT 1"),
            StatementForm::ExplainExecuting
        );
        assert_eq!(form(Dialect::Postgres, "-- nothing"), StatementForm::Empty);
        assert_eq!(form(Dialect::Postgres, "BEGIN"), StatementForm::Other);
        assert!(ok(Dialect::Sqlite, "PRAGMA table_info(t)"));
        assert!(!ok(Dialect::Sqlite, "PRAGMA user_version(7)"));
    }

    #[test]
    fn unknown_functions_are_refused_and_named() {
        let j = judge_read_only_query(Dialect::Postgres, "SELECT purge_expired_sessions()");
        assert_eq!(j.form, StatementForm::Query);
        assert!(!j.is_read_only_query());
        assert!(
            j.refusals.iter().any(|r| r
                .contains("function `purge_expired_sessions` is not a known read-only built-in")),
            "{:?}",
            j.refusals
        );
        for sql in [
            "SELECT * FROM ts_stat($$SELECT 1$$)",
            "EXPLAIN (ANALYSE) SELECT set_config('default_transaction_read_only', 'off', false)",
            "SELECT pg_terminate_backend(1)",
            "SELECT brin_summarize_new_values('i')",
            "SELECT pg_advisory_lock(1)",
            "SELECT nextval('s')",
            "SELECT lo_import('/etc/passwd')",
        ] {
            assert!(!ok(Dialect::Postgres, sql), "{sql}");
        }
        assert!(!ok(Dialect::MySql, "SELECT LOAD_FILE('/etc/passwd')"));
        assert!(!ok(Dialect::Sqlite, "SELECT zeroblob(1000000000)"));
    }

    #[test]
    fn judgement_serializes() {
        let j = judge_read_only_query(Dialect::Sqlite, "SELECT 1");
        let json = serde_json::to_string(&j).unwrap();
        assert!(json.contains("\"form\":\"query\""), "{json}");
    }
}
