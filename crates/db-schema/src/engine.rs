//! The [`Engine`] trait every database implements, its capabilities, and the registry.
//!
//! An engine is data plus mapping: the catalog queries it runs (SQL kept in
//! `sql/<engine>/*.sql`, visible to reviewers) and how their rows become the model. It does not
//! run anything itself; [`crate::extract`] sends its queries through a [`QueryRunner`], so the
//! same engine code serves the built-in drivers and a proxy's own connection. Differences
//! between engines are expressed as [`Capabilities`], never as `if engine == X` elsewhere.
//!
//! The number of catalog queries is fixed per engine (a version probe plus a handful of bulk
//! queries); filters travel as bound parameters (or, for ClickHouse 18.16 which has no server
//! parameters, through one audited literal-escaping function).

use crate::dsn::DatabaseUrl;
use crate::model::{Extra, Schema, Table, TableKind};
use crate::runner::{CatalogQuery, Param, QueryRunner, Rows};
use crate::Error;
use std::collections::BTreeMap;
use std::time::Duration;

/// Which tables to extract. Both filters are passed to the server as bound parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only this schema (PostgreSQL/DuckDB/MSSQL schema, MySQL/ClickHouse database, Oracle
    /// owner, SQLite attached database). `None`: the engine's default (all user schemas, or
    /// the connection's database).
    pub schema: Option<String>,
    /// Only these tables (by exact name). `None`: all.
    pub tables: Option<Vec<String>>,
}

impl Filter {
    /// Check the filter: names must be non-empty and free of NUL characters.
    pub fn validate(&self) -> Result<(), Error> {
        let bad = |n: &String| n.is_empty() || n.contains('\0');
        if self.schema.as_ref().is_some_and(bad) {
            return Err(Error::InvalidFilter(
                "the schema name is empty or contains a NUL character".into(),
            ));
        }
        if let Some(t) = &self.tables {
            if t.is_empty() {
                return Err(Error::InvalidFilter("the table list is empty".into()));
            }
            if t.iter().any(bad) {
                return Err(Error::InvalidFilter(
                    "a table name is empty or contains a NUL character".into(),
                ));
            }
        }
        Ok(())
    }

    /// The schema filter as a parameter (NULL when absent).
    pub(crate) fn schema_param(&self) -> Param {
        self.schema.clone().map_or(Param::Null, Param::Text)
    }

    /// The table filter as one JSON-array text parameter (NULL when absent), for engines whose
    /// SQL unpacks it server-side (`json_each`, `JSON_TABLE`, `OPENJSON`, ...).
    pub(crate) fn tables_json_param(&self) -> Param {
        match &self.tables {
            None => Param::Null,
            Some(t) => Param::Text(serde_json::Value::from(t.clone()).to_string()),
        }
    }
}

/// What an engine (at a server version) can report. The conformance harness checks every
/// capability an engine claims, and only those.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// Foreign keys.
    pub foreign_keys: bool,
    /// Check constraints.
    pub check_constraints: bool,
    /// Unique constraints.
    pub unique_constraints: bool,
    /// Primary keys as constraints.
    pub primary_keys: bool,
    /// Secondary indexes.
    pub indexes: bool,
    /// Partial (`WHERE`) indexes.
    pub partial_indexes: bool,
    /// Descending index parts.
    pub descending_indexes: bool,
    /// Table comments.
    pub table_comments: bool,
    /// Column comments.
    pub column_comments: bool,
    /// Views.
    pub views: bool,
    /// Materialized views.
    pub materialized_views: bool,
    /// Column defaults.
    pub column_defaults: bool,
    /// Filters travel as server-side bound parameters (otherwise as escaped literals).
    pub bound_parameters: bool,
}

/// How built-in runners connect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectOptions {
    /// Server-side limit per statement (also used client-side, with a margin).
    pub statement_timeout: Duration,
    /// Limit for establishing the connection.
    pub connect_timeout: Duration,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            statement_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
        }
    }
}

/// A database engine: its catalog queries and how their rows become the model.
///
/// See `CONTRIBUTING.md` for adding one: a file in `src/engines/`, one line in [`ENGINES`],
/// one conformance fixture.
#[async_trait::async_trait]
pub trait Engine: Send + Sync + std::fmt::Debug {
    /// Registry name, also `Schema::engine` (`postgres`, `mysql`, ...).
    fn name(&self) -> &'static str;

    /// URL schemes this engine answers to.
    fn schemes(&self) -> &'static [&'static str];

    /// What this engine reports at `server_version` (as returned by [`Engine::version_query`]).
    fn capabilities(&self, server_version: &str) -> Capabilities;

    /// Quote an identifier for this engine's SQL (used for fixtures and messages; catalog
    /// queries bind names as parameters instead).
    fn quote_identifier(&self, ident: &str) -> String;

    /// A statement returning the server version in its first column.
    fn version_query(&self) -> &'static str;

    /// The bulk catalog queries for `filter`: their number never depends on the table count.
    fn catalog_queries(&self, filter: &Filter, server_version: &str) -> Vec<CatalogQuery>;

    /// Build the model from the results of [`Engine::catalog_queries`].
    fn build(&self, catalog: &Catalog) -> Result<Schema, Error>;

    /// Refuse a URL and filter that name nothing to extract, before connecting (e.g. a MySQL
    /// URL without a database and no schema filter would read the catalog of no database and
    /// answer "no tables"). The default accepts everything.
    fn check_target(&self, url: &DatabaseUrl, filter: &Filter) -> Result<(), Error> {
        let _ = (url, filter);
        Ok(())
    }

    /// Complete `url` the way the engine's own command-line client would (environment
    /// variables, password and service files: PostgreSQL's `PG*`, `.pgpass` and
    /// `pg_service.conf`; MySQL's `~/.my.cnf` and `MYSQL_PWD`). Only parts the URL leaves out
    /// are filled. The default returns the URL unchanged.
    fn with_client_defaults(&self, url: &DatabaseUrl) -> Result<DatabaseUrl, Error> {
        Ok(url.clone())
    }

    /// Open a built-in, read-only connection with statement timeouts.
    async fn connect(
        &self,
        url: &DatabaseUrl,
        options: &ConnectOptions,
    ) -> Result<Box<dyn QueryRunner>, Error>;
}

/// Quote with `q`, doubling embedded `q`s (the SQL standard rule most engines follow).
pub(crate) fn quote_doubling(ident: &str, q: char) -> String {
    let mut s = String::with_capacity(ident.len() + 2);
    s.push(q);
    for c in ident.chars() {
        if c == q {
            s.push(q);
        }
        s.push(c);
    }
    s.push(q);
    s
}

/// The answers to an engine's catalog queries, by query name.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// Server version from [`Engine::version_query`].
    pub server_version: String,
    /// The filter the queries were built with.
    pub filter: Filter,
    /// `(query name, rows)` in query order.
    pub results: Vec<(&'static str, Rows)>,
}

impl Catalog {
    /// Rows of the query named `name`.
    pub fn rows(&self, name: &str) -> Result<&Rows, Error> {
        self.results
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, r)| r)
            .ok_or_else(|| Error::decode(name, "the query was not run"))
    }
}

/// What `connect` answers for an engine whose cargo feature (named like the engine) was not
/// compiled in.
#[allow(dead_code)] // unused when every feature is on
pub(crate) fn not_compiled_in(
    engine: &'static str,
    _url: &DatabaseUrl,
    _options: &ConnectOptions,
) -> Result<Box<dyn QueryRunner>, Error> {
    Err(Error::FeatureDisabled {
        engine,
        feature: engine,
    })
}

/// Every engine, registered once. Adding an engine is one line here.
pub static ENGINES: &[&dyn Engine] = &[
    &crate::engines::postgres::Postgres,
    &crate::engines::mysql::Mysql,
    &crate::engines::clickhouse::ClickHouse,
    &crate::engines::duckdb::DuckDb,
    &crate::engines::sqlite::Sqlite,
    &crate::engines::mssql::Mssql,
    &crate::engines::oracle::Oracle,
];

/// Whether this build can open `engine`'s connections by itself: its cargo feature was compiled
/// in (Oracle never can: bring a [`crate::QueryRunner`]).
// With every feature on, clippy sees a `matches!`; the arms differ by build.
#[allow(clippy::match_like_matches_macro)]
pub fn has_built_in_driver(engine: &str) -> bool {
    match engine {
        "sqlite" => cfg!(feature = "sqlite"),
        "postgres" => cfg!(feature = "postgres"),
        "mysql" => cfg!(feature = "mysql"),
        "clickhouse" => cfg!(feature = "clickhouse"),
        "duckdb" => cfg!(feature = "duckdb"),
        "mssql" => cfg!(feature = "mssql"),
        _ => false,
    }
}

/// The engine named `name` (`postgres`, `mysql`, `clickhouse`, `duckdb`, `sqlite`, `mssql`,
/// `oracle`).
pub fn engine_by_name(name: &str) -> Option<&'static dyn Engine> {
    ENGINES.iter().copied().find(|e| e.name() == name)
}

/// The engine for a parsed URL's scheme.
pub fn engine_for_url(url: &DatabaseUrl) -> Result<&'static dyn Engine, Error> {
    ENGINES
        .iter()
        .copied()
        .find(|e| e.schemes().contains(&url.scheme.as_str()))
        .ok_or_else(|| Error::UnknownScheme {
            scheme: url.scheme.clone(),
            expected: ENGINES
                .iter()
                .flat_map(|e| e.schemes().iter().map(|s| scheme_example(s)))
                .collect::<Vec<_>>()
                .join(", "),
        })
}

/// A URL of `scheme` as a person would write it, for the unknown-scheme message.
fn scheme_example(scheme: &str) -> String {
    let tail = match scheme {
        "sqlite" => "/abs/path.db",
        "duckdb" => "/abs/path.duckdb",
        "clickhouse" => "user@host:8123/db",
        "mysql" | "mariadb" => "user@host:3306/db",
        "postgres" | "postgresql" => "user@host:5432/db",
        "mssql" | "sqlserver" => "user@host:1433/db",
        "oracle" => "user@host:1521/service",
        _ => "…",
    };
    format!("`{scheme}://{tail}`")
}

/// Collects tables while an engine walks its rows, then sorts them into a [`Schema`].
#[derive(Debug, Default)]
pub(crate) struct Assembler {
    tables: BTreeMap<(String, String), Table>,
}

impl Assembler {
    pub(crate) fn add_table(&mut self, table: Table) {
        let key = (table.schema.clone().unwrap_or_default(), table.name.clone());
        self.tables.insert(key, table);
    }

    /// The table, if it was added (rows about filtered-out or hidden tables are skipped).
    pub(crate) fn table_mut(&mut self, schema: Option<&str>, name: &str) -> Option<&mut Table> {
        self.tables
            .get_mut(&(schema.unwrap_or_default().to_owned(), name.to_owned()))
    }

    pub(crate) fn finish(self, engine: &str, server_version: &str, extra: Extra) -> Schema {
        Schema {
            version: crate::model::MODEL_VERSION,
            engine: engine.to_owned(),
            server_version: (!server_version.is_empty()).then(|| server_version.to_owned()),
            tables: self.tables.into_values().collect(),
            extra,
        }
    }
}

/// `table`, `view`, ... from the words engines use.
pub(crate) fn kind_from(word: &str) -> TableKind {
    match word.to_ascii_lowercase().as_str() {
        "table" | "base table" | "base_table" | "r" | "p" | "u" => TableKind::Table,
        "view" | "v" | "system view" => TableKind::View,
        "materialized_view" | "materialized view" | "m" | "materializedview" => {
            TableKind::MaterializedView
        }
        "foreign_table" | "foreign table" | "f" => TableKind::ForeignTable,
        other => TableKind::Other(other.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_engine_is_registered_once_with_its_schemes() {
        let names: Vec<_> = ENGINES.iter().map(|e| e.name()).collect();
        assert_eq!(
            names,
            [
                "postgres",
                "mysql",
                "clickhouse",
                "duckdb",
                "sqlite",
                "mssql",
                "oracle"
            ]
        );
        for (scheme, engine) in [
            ("postgres", "postgres"),
            ("postgresql", "postgres"),
            ("mysql", "mysql"),
            ("mariadb", "mysql"),
            ("clickhouse", "clickhouse"),
            ("duckdb", "duckdb"),
            ("sqlite", "sqlite"),
            ("mssql", "mssql"),
            ("oracle", "oracle"),
        ] {
            let url = DatabaseUrl::parse(&format!("{scheme}://u@h/d")).unwrap();
            assert_eq!(engine_for_url(&url).unwrap().name(), engine, "{scheme}");
        }
        let url = DatabaseUrl::parse("redis://h").unwrap();
        let e = engine_for_url(&url).unwrap_err();
        assert!(e.is_usage());
        assert!(
            e.to_string()
                .starts_with("unknown database url scheme `redis`"),
            "{e}"
        );
    }

    #[test]
    fn filters_are_validated_and_become_parameters() {
        let f = Filter {
            schema: None,
            tables: Some(vec!["a\"b".into(), "c,d".into()]),
        };
        f.validate().unwrap();
        assert_eq!(
            f.tables_json_param(),
            Param::Text(r#"["a\"b","c,d"]"#.into())
        );
        assert_eq!(f.schema_param(), Param::Null);
        assert!(Filter {
            schema: None,
            tables: Some(vec![])
        }
        .validate()
        .is_err());
        assert!(Filter {
            schema: Some("a\0".into()),
            tables: None
        }
        .validate()
        .is_err());
    }

    #[test]
    fn quoting_doubles_the_quote_character() {
        assert_eq!(
            quote_doubling(r#"we;ird "name""#, '"'),
            r#""we;ird ""name""""#
        );
        assert_eq!(quote_doubling("a`b", '`'), "`a``b`");
    }
}
