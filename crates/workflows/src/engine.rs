//! The database engines the workflows know, and the SQL dialect each one parses with.
//!
//! One enum with capability methods (`dialect`, `explain_prefix`, `random_functions`) instead of
//! `if engine == X` checks spread over the analyzers: adding an engine is one variant and one arm
//! per method, and the compiler lists every place that needs it.

use crate::error::WorkflowError;
use serde::{Deserialize, Serialize};
use sqlparser::dialect::{
    ClickHouseDialect, Dialect, DuckDbDialect, GenericDialect, MsSqlDialect, MySqlDialect,
    OracleDialect, PostgreSqlDialect, SQLiteDialect,
};
use sqlparser::parser::Parser;
use std::fmt;
use std::str::FromStr;

/// A database engine (and so a SQL dialect).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
    /// MySQL and MariaDB.
    Mysql,
    /// ClickHouse.
    Clickhouse,
    /// DuckDB.
    Duckdb,
    /// Microsoft SQL Server.
    Mssql,
    /// Oracle.
    Oracle,
    /// Unknown engine: the generic (permissive) dialect.
    Generic,
}

impl Engine {
    /// Every engine, in a stable order.
    pub const ALL: [Engine; 8] = [
        Engine::Sqlite,
        Engine::Postgres,
        Engine::Mysql,
        Engine::Clickhouse,
        Engine::Duckdb,
        Engine::Mssql,
        Engine::Oracle,
        Engine::Generic,
    ];

    /// The canonical lower-case name (`postgres`, `mysql`, …).
    pub fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
            Engine::Mysql => "mysql",
            Engine::Clickhouse => "clickhouse",
            Engine::Duckdb => "duckdb",
            Engine::Mssql => "mssql",
            Engine::Oracle => "oracle",
            Engine::Generic => "generic",
        }
    }

    /// The sqlparser dialect of this engine.
    pub fn dialect(self) -> Box<dyn Dialect> {
        match self {
            Engine::Sqlite => Box::new(SQLiteDialect {}),
            Engine::Postgres => Box::new(PostgreSqlDialect {}),
            Engine::Mysql => Box::new(MySqlDialect {}),
            Engine::Clickhouse => Box::new(ClickHouseDialect {}),
            Engine::Duckdb => Box::new(DuckDbDialect {}),
            Engine::Mssql => Box::new(MsSqlDialect {}),
            Engine::Oracle => Box::new(OracleDialect {}),
            Engine::Generic => Box::new(GenericDialect {}),
        }
    }

    /// The engine of a connection URL, from its scheme (`postgres://`, `sqlite:`, a bare
    /// `*.db`/`*.sqlite` path, …); `None` when the scheme is unknown.
    pub fn from_url(url: &str) -> Option<Engine> {
        let scheme = match url.split_once(':') {
            Some((s, _)) if !s.contains('/') && !s.contains('\\') => s.to_ascii_lowercase(),
            _ => {
                let lower = url.to_ascii_lowercase();
                return [".db", ".sqlite", ".sqlite3"]
                    .iter()
                    .any(|ext| lower.ends_with(ext))
                    .then_some(Engine::Sqlite)
                    .or_else(|| lower.ends_with(".duckdb").then_some(Engine::Duckdb));
            }
        };
        let base = scheme.split('+').next().unwrap_or(&scheme);
        base.parse().ok()
    }

    /// Function names (lower case) that return a random value, used by `ORDER BY <random>`.
    pub fn random_functions(self) -> &'static [&'static str] {
        match self {
            Engine::Mysql => &["rand"],
            Engine::Mssql => &["newid", "rand"],
            Engine::Oracle => &["dbms_random.value", "dbms_random.random"],
            Engine::Clickhouse => &["rand", "rand32", "rand64", "randcanonical"],
            Engine::Sqlite | Engine::Postgres | Engine::Duckdb => &["random"],
            Engine::Generic => &["rand", "random", "newid"],
        }
    }

    /// The statement that asks this engine for a plan of `sql`; `analyze` asks it to run the
    /// statement too (only ever used for read-only statements).
    pub fn explain(self, sql: &str, analyze: bool) -> String {
        let sql = sql.trim().trim_end_matches(';');
        match (self, analyze) {
            (Engine::Sqlite, _) => format!("EXPLAIN QUERY PLAN {sql}"),
            (Engine::Postgres, true) => format!("EXPLAIN (ANALYZE, BUFFERS) {sql}"),
            (Engine::Postgres, false) => format!("EXPLAIN {sql}"),
            (Engine::Mysql, true) => format!("EXPLAIN ANALYZE {sql}"),
            // plain EXPLAIN: MariaDB rejects MySQL's `FORMAT=TREE`
            (Engine::Mysql, false) => format!("EXPLAIN {sql}"),
            (Engine::Clickhouse, _) => format!("EXPLAIN indexes = 1 {sql}"),
            (Engine::Duckdb, true) => format!("EXPLAIN ANALYZE {sql}"),
            (Engine::Duckdb, false) => format!("EXPLAIN {sql}"),
            (Engine::Mssql, _) => format!("SET SHOWPLAN_TEXT ON; {sql}"),
            (Engine::Oracle, _) => format!("EXPLAIN PLAN FOR {sql}"),
            (Engine::Generic, _) => format!("EXPLAIN {sql}"),
        }
    }

    /// Parse `sql` in this engine's dialect.
    pub fn parse(self, sql: &str) -> Result<Vec<sqlparser::ast::Statement>, WorkflowError> {
        Parser::parse_sql(self.dialect().as_ref(), sql).map_err(|e| WorkflowError::SqlParse {
            engine: self,
            message: e.to_string(),
        })
    }
}

impl fmt::Display for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Engine {
    type Err = WorkflowError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "sqlite" | "sqlite3" => Engine::Sqlite,
            "postgres" | "postgresql" | "pg" => Engine::Postgres,
            "mysql" | "mariadb" => Engine::Mysql,
            "clickhouse" | "ch" => Engine::Clickhouse,
            "duckdb" => Engine::Duckdb,
            "mssql" | "sqlserver" | "tsql" => Engine::Mssql,
            "oracle" => Engine::Oracle,
            "generic" | "ansi" => Engine::Generic,
            _ => {
                return Err(WorkflowError::UnknownEngine {
                    name: s.to_string(),
                })
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engines_come_from_names_and_urls() {
        for e in Engine::ALL {
            assert_eq!(e.name().parse::<Engine>().unwrap(), e);
        }
        assert_eq!(
            Engine::from_url("postgres://u:p@127.0.0.1/db"),
            Some(Engine::Postgres)
        );
        assert_eq!(
            Engine::from_url("postgresql://127.0.0.1/db"),
            Some(Engine::Postgres)
        );
        assert_eq!(
            Engine::from_url("mysql://127.0.0.1/db"),
            Some(Engine::Mysql)
        );
        assert_eq!(Engine::from_url("sqlite:///tmp/x.db"), Some(Engine::Sqlite));
        assert_eq!(Engine::from_url("/tmp/shop.db"), Some(Engine::Sqlite));
        assert_eq!(Engine::from_url("ftp://x"), None);
        assert!("cobol"
            .parse::<Engine>()
            .unwrap_err()
            .to_string()
            .contains("`cobol`"));
    }

    #[test]
    fn each_dialect_parses_its_own_syntax() {
        assert!(Engine::Mysql.parse("SELECT `a` FROM t LIMIT 10, 5").is_ok());
        assert!(Engine::Postgres.parse("SELECT a::int FROM t").is_ok());
        assert!(Engine::Mssql.parse("SELECT TOP 5 a FROM t").is_ok());
        assert!(Engine::Sqlite.parse("SELEC a FROM").is_err());
    }
}
