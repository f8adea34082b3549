//! Integration tests of db-schema: the conformance harness run against every engine (real
//! servers for PostgreSQL, MariaDB and ClickHouse; SQLite and DuckDB in process; documented-
//! shape rows for SQL Server and Oracle), round-trip counts, read-only sessions, errors.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap (conventions)

mod conformance;
mod json_schema;
mod support;

#[cfg(feature = "clickhouse")]
mod clickhouse;
#[cfg(feature = "duckdb")]
mod duckdb;
mod mssql;
#[cfg(feature = "mysql")]
mod mysql;
mod oracle;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "postgres")]
mod postgres_catalog;
mod read_only_query;
#[cfg(any(feature = "postgres", feature = "mysql", feature = "sqlite"))]
mod real_schema;
#[cfg(feature = "sqlite")]
mod sqlite;
