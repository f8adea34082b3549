//! Schema extraction for seven database engines into one model.
//!
//! # Where things live
//!
//! `engine.rs` (the `Engine` trait, capabilities, the registry) with `engines/` (one file per
//! database) · `dsn.rs` (URLs) · `extract.rs` (connect and extract) · `runner.rs`,
//! `read_query.rs` (running catalog and read-only queries) · `model.rs` (the schema model) ·
//! `table_names.rs`, `client_env.rs`, `error.rs`.
//!
//! `db-schema` reads what a reviewer needs from a database catalog (tables, views, columns,
//! keys, constraints, indexes, comments and engine extras) for PostgreSQL, MySQL/MariaDB,
//! ClickHouse, DuckDB, SQLite, SQL Server and Oracle, into one [`Schema`] whose JSON form is
//! documented in `docs/schema.json`.
//!
//! A tour:
//! - [`Schema`], [`Table`], [`Column`], ...: the model (serde, every field always present).
//! - [`Engine`]: one implementation per database (`src/engines/<name>.rs`): its bulk catalog
//!   queries (SQL in `sql/<name>/`) and the mapping of their rows. A fixed number of round
//!   trips however many tables; filters are bound parameters.
//! - [`QueryRunner`]: how queries reach the database. Built-in runners (one per cargo feature)
//!   open read-only sessions with statement timeouts; a proxy can implement the trait over its
//!   own connection and call [`extract`].
//! - [`QueryRunner::read_only_query`]: one statement on an agent's behalf, in a read-only
//!   transaction of its own that is always rolled back, values typed for JSON and bounded by
//!   [`ReadLimits`] (rows, bytes, value size cut on the server); [`CancelQuery`] stops it from
//!   another task (PostgreSQL cancel request, MariaDB `KILL QUERY`, SQLite interrupt).
//! - [`extract_url`]: parse a URL ([`DatabaseUrl`], password never printed), connect, extract.
//!
//! ```
//! # #[cfg(feature = "sqlite")]
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("shop.db");
//! let db = rusqlite::Connection::open(&path)?;
//! db.execute_batch("CREATE TABLE customer (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE);")?;
//! drop(db);
//!
//! let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
//! let url = format!("sqlite://{}", path.display());
//! let schema = rt.block_on(db_schema::extract_url(&url, &db_schema::Options::default(), &()))?;
//! let customer = schema.table(None, "customer").expect("extracted");
//! assert_eq!(customer.primary_key.as_ref().map(|pk| pk.columns.clone()), Some(vec!["id".to_string()]));
//! println!("{}", serde_json::to_string_pretty(&schema)?);
//! # Ok(())
//! # }
//! # #[cfg(not(feature = "sqlite"))]
//! # fn main() {}
//! ```
//!
//! # Using your own connection
//!
//! A proxy that already holds a connection implements [`QueryRunner`] (one method) and calls
//! [`extract`] with the engine; the engine's SQL uses that engine's placeholders (`$1`, `?`,
//! `@P1`, `:1`), and the runner should open read-only sessions with a statement timeout.
//!
//! ```
//! use db_schema::{engine_by_name, extract, Error, Filter, Param, QueryRunner, Rows, Value};
//!
//! struct MyConnection; // stands in for a proxy's connection
//!
//! #[async_trait::async_trait]
//! impl QueryRunner for MyConnection {
//!     async fn query(&mut self, sql: &str, _params: &[Param]) -> Result<Rows, Error> {
//!         // Forward `sql` with its parameters to the database; here: an empty database.
//!         let columns = vec!["v".to_string()];
//!         let rows = if sql.contains("version") { vec![vec![Value::Text("19.0".into())]] } else { vec![] };
//!         Ok(Rows { columns, rows })
//!     }
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let oracle = engine_by_name("oracle").expect("registered");
//! let schema = extract(oracle, &mut MyConnection, &Filter::default(), &()).await?;
//! assert_eq!(schema.engine, "oracle");
//! assert!(schema.tables.is_empty());
//! # Ok::<(), Error>(())
//! # }).unwrap();
//! ```
//!
//! # Cargo features
//!
//! | feature | default | built-in runner |
//! |---|---|---|
//! | `sqlite` | yes | `rusqlite` (bundled SQLite), opened read-only with `query_only` |
//! | `postgres` | yes | `tokio-postgres`, `default_transaction_read_only` + `statement_timeout` |
//! | `mysql` | yes | `mysql_async`, `TRANSACTION READ ONLY` + statement time limits |
//! | `clickhouse` | yes | a minimal HTTP/1.1 client (no extra dependency), `readonly=1` |
//! | `duckdb` | no | `duckdb` linked to a prebuilt `libduckdb.so` (`DUCKDB_LIB_DIR`), read-only |
//! | `mssql` | no | `tiberius` (rustls); compiled and unit-tested, not run live here |
//!
//! Oracle has no built-in runner (the `oracle` crate needs Oracle Instant Client at run time,
//! `oracledb` is a pre-release): its engine (SQL and mapping) works through any
//! [`QueryRunner`] a caller provides. Without a feature, its engine still exists and
//! [`extract_url`] answers [`Error::FeatureDisabled`].
#![deny(missing_docs)]

mod client_env;
mod dsn;
mod engine;
mod engines;
mod error;
mod extract;
mod model;
mod read_query;
mod runner;
mod table_names;

pub use dsn::{url_engine_name, DatabaseUrl, Location, Secret};
pub use engine::{
    engine_by_name, engine_for_url, has_built_in_driver, Capabilities, Catalog, ConnectOptions,
    Engine, Filter, ENGINES,
};
pub use error::Error;
pub use extract::{connect, extract, extract_url, Options, Progress};
pub use model::{
    Check, Column, Extra, ForeignKey, Index, IndexColumn, PrimaryKey, Schema, Table, TableKind,
    UniqueConstraint, MODEL_VERSION,
};
pub use read_query::{CancelQuery, ReadLimits, ReadResult, Truncation, TRUNCATED_MARKER};
pub use runner::{CatalogQuery, CountingRunner, Param, QueryRunner, Row, Rows, Value};
pub use table_names::resolve_table_names;
