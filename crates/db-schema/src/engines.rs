//! One module per engine, all with the same shape: a unit struct implementing
//! [`crate::Engine`], its SQL included from `sql/<engine>/`, the row mapping, and (behind the
//! engine's cargo feature) its built-in runner.

pub(crate) mod clickhouse;
pub(crate) mod duckdb;
pub(crate) mod mssql;
pub(crate) mod mysql;
pub(crate) mod oracle;
pub(crate) mod postgres;
pub(crate) mod sqlite;
mod sqltext;
