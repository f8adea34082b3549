//! What the workflows ask of a SQL dialect, and the one conversion from an engine to it.
//!
//! The dialect itself is [`approval_policy::Dialect`] (re-exported as [`Dialect`]): the
//! approval policy classifies SQL with it, and every analyzer here parses with the same
//! parser. The engine identity (URL schemes, drivers, catalog queries) belongs to `db-schema`;
//! [`dialect_named`] and [`dialect_for_url`] are the only places an engine name becomes a
//! dialect. They live here, in the crate that depends on both, so that `approval-policy` and
//! `db-schema` keep standing alone (a `db-schema` feature pulling in `approval-policy`, or the
//! reverse, would make one standalone crate point sideways at the other).
//!
//! [`WorkflowDialect`] adds the capabilities only the workflows need (how to ask for a plan,
//! which functions are random, parsing with a typed error) as methods, instead of
//! `if engine == X` checks spread over the analyzers.

use crate::error::WorkflowError;
pub use approval_policy::Dialect;
use sqlparser::parser::Parser;

/// The capabilities of a SQL dialect the workflows use, beyond the approval policy's.
pub trait WorkflowDialect: Copy {
    /// Function names (lower case) that return a random value, used by `ORDER BY <random>`.
    fn random_functions(self) -> &'static [&'static str];

    /// The statement that asks this engine for a plan of `sql`; `analyze` asks it to run the
    /// statement too (only ever used for read-only statements).
    fn explain(self, sql: &str, analyze: bool) -> String;

    /// Parse `sql` in this dialect.
    fn parse(self, sql: &str) -> Result<Vec<sqlparser::ast::Statement>, WorkflowError>;
}

impl WorkflowDialect for Dialect {
    fn random_functions(self) -> &'static [&'static str] {
        match self {
            Dialect::MySql => &["rand"],
            Dialect::MsSql => &["newid", "rand"],
            Dialect::Oracle => &["dbms_random.value", "dbms_random.random"],
            Dialect::ClickHouse => &["rand", "rand32", "rand64", "randcanonical"],
            Dialect::Sqlite | Dialect::Postgres | Dialect::DuckDb => &["random"],
            Dialect::Generic => &["rand", "random", "newid"],
        }
    }

    fn explain(self, sql: &str, analyze: bool) -> String {
        let sql = sql.trim().trim_end_matches(';');
        match (self, analyze) {
            (Dialect::Sqlite, _) => format!("EXPLAIN QUERY PLAN {sql}"),
            (Dialect::Postgres, true) => format!("EXPLAIN (ANALYZE, BUFFERS) {sql}"),
            (Dialect::Postgres, false) => format!("EXPLAIN {sql}"),
            (Dialect::MySql, true) => format!("EXPLAIN ANALYZE {sql}"),
            // plain EXPLAIN: MariaDB rejects MySQL's `FORMAT=TREE`
            (Dialect::MySql, false) => format!("EXPLAIN {sql}"),
            (Dialect::ClickHouse, _) => format!("EXPLAIN indexes = 1 {sql}"),
            (Dialect::DuckDb, true) => format!("EXPLAIN ANALYZE {sql}"),
            (Dialect::DuckDb, false) => format!("EXPLAIN {sql}"),
            (Dialect::MsSql, _) => format!("SET SHOWPLAN_TEXT ON; {sql}"),
            (Dialect::Oracle, _) => format!("EXPLAIN PLAN FOR {sql}"),
            (Dialect::Generic, _) => format!("EXPLAIN {sql}"),
        }
    }

    fn parse(self, sql: &str) -> Result<Vec<sqlparser::ast::Statement>, WorkflowError> {
        Parser::parse_sql(self.parser().as_ref(), sql).map_err(|e| WorkflowError::SqlParse {
            dialect: self,
            message: e.to_string(),
        })
    }
}

/// The dialect of an engine named by the user or by `db-schema` (`postgres`, `mariadb`,
/// `sqlserver`, …; case-insensitive): the names [`Dialect`] reads, plus `ch` for ClickHouse
/// and `ansi` for the generic dialect.
pub fn dialect_named(name: &str) -> Result<Dialect, WorkflowError> {
    match name.to_ascii_lowercase().as_str() {
        "ch" => Ok(Dialect::ClickHouse),
        "ansi" => Ok(Dialect::Generic),
        lower => lower.parse().map_err(|_| WorkflowError::UnknownEngine {
            name: name.to_string(),
        }),
    }
}

/// The dialect of a connection URL or database file path ([`db_schema::url_engine_name`]:
/// `postgres://`, `mysql+pymysql://`, `sqlite:`, a bare `*.db`/`*.duckdb` path, …); `None`
/// when the engine is unknown.
pub fn dialect_for_url(url: &str) -> Option<Dialect> {
    dialect_named(&db_schema::url_engine_name(url)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dialects_come_from_engine_names_and_urls() {
        for d in Dialect::ALL {
            assert_eq!(dialect_named(d.as_str()).unwrap(), d);
        }
        assert_eq!(dialect_named("CH").unwrap(), Dialect::ClickHouse);
        assert_eq!(dialect_named("ansi").unwrap(), Dialect::Generic);
        assert_eq!(
            dialect_for_url("postgres://u:p@127.0.0.1/db"),
            Some(Dialect::Postgres)
        );
        assert_eq!(
            dialect_for_url("postgresql://127.0.0.1/db"),
            Some(Dialect::Postgres)
        );
        assert_eq!(
            dialect_for_url("mysql://127.0.0.1/db"),
            Some(Dialect::MySql)
        );
        assert_eq!(dialect_for_url("sqlite:///tmp/x.db"), Some(Dialect::Sqlite));
        assert_eq!(dialect_for_url("/tmp/shop.db"), Some(Dialect::Sqlite));
        assert_eq!(dialect_for_url("ftp://x"), None);
        assert!(dialect_named("cobol")
            .unwrap_err()
            .to_string()
            .contains("`cobol`"));
    }

    #[test]
    fn each_dialect_parses_its_own_syntax() {
        assert!(Dialect::MySql
            .parse("SELECT `a` FROM t LIMIT 10, 5")
            .is_ok());
        assert!(Dialect::Postgres.parse("SELECT a::int FROM t").is_ok());
        assert!(Dialect::MsSql.parse("SELECT TOP 5 a FROM t").is_ok());
        assert!(Dialect::Sqlite.parse("SELEC a FROM").is_err());
    }
}
