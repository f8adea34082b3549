//! Running an engine's catalog queries and building the model.
//!
//! The sequence is the same for every engine: one version probe, then the engine's fixed list
//! of bulk catalog queries, then the mapping. No step depends on the number of tables, which is
//! what makes the round-trip count constant (tests count statements on 10 and 1,000 tables).

use crate::dsn::{DatabaseUrl, Location};
use crate::engine::{engine_for_url, Catalog, ConnectOptions, Engine, Filter};
use crate::model::Schema;
use crate::runner::QueryRunner;
use crate::table_names;
use crate::Error;
use std::time::Duration;

/// Told about each catalog query before it runs (a CLI draws a progress line on a TTY).
pub trait Progress: Sync {
    /// Query `index` (1-based) of `total`, named `name`, is about to run.
    fn on_query(&self, index: usize, total: usize, name: &str);
}

/// No progress reporting.
impl Progress for () {
    fn on_query(&self, _: usize, _: usize, _: &str) {}
}

/// What to extract and how to connect.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Which schema and tables.
    pub filter: Filter,
    /// Timeouts for built-in connections.
    pub connect: ConnectOptions,
}

/// Extract the schema through `runner` (e.g. a proxy's own connection).
///
/// Table names are trimmed, a `schema.` qualifier becomes the schema filter, and a name that
/// matches nothing is either corrected (one table differs only in case) or an
/// [`Error::UnknownTables`] naming the nearest tables: a typo never yields an empty schema.
pub async fn extract(
    engine: &dyn Engine,
    runner: &mut dyn QueryRunner,
    filter: &Filter,
    progress: &dyn Progress,
) -> Result<Schema, Error> {
    let filter = table_names::normalize(filter)?;
    filter.validate()?;
    let schema = extract_once(engine, runner, &filter, progress).await?;
    let Some(wanted) = &filter.tables else {
        return Ok(schema);
    };
    let missing = table_names::missing(&schema, wanted);
    if missing.is_empty() {
        return Ok(schema);
    }
    // Only on this error path: list every table in scope to correct or explain the names.
    let scope = Filter {
        schema: filter.schema.clone(),
        tables: None,
    };
    let all = extract_once(engine, runner, &scope, &()).await?;
    match table_names::resolve(wanted, &missing, &all) {
        table_names::Resolution::Unknown(e) => Err(e),
        table_names::Resolution::Corrected(tables) => {
            let corrected = Filter {
                schema: filter.schema.clone(),
                tables: Some(tables),
            };
            extract_once(engine, runner, &corrected, progress).await
        }
    }
}

async fn extract_once(
    engine: &dyn Engine,
    runner: &mut dyn QueryRunner,
    filter: &Filter,
    progress: &dyn Progress,
) -> Result<Schema, Error> {
    let version = runner
        .query(engine.version_query(), &[])
        .await
        .map_err(|e| e.in_query("version"))?;
    let server_version = version
        .iter("version")
        .next()
        .and_then(|r| {
            version
                .columns
                .first()
                .and_then(|c| r.opt_text(c).ok().flatten())
        })
        .unwrap_or_default();
    let queries = engine.catalog_queries(filter, &server_version);
    let total = queries.len();
    // The runner may run them concurrently, so progress names the set, not one query.
    progress.on_query(1, 1, "the catalog");
    for q in &queries {
        tracing::debug!(engine = engine.name(), query = q.name, "catalog query");
    }
    let rows = runner.query_all(&queries).await?;
    if rows.len() != total {
        return Err(Error::query_failed(format!(
            "the runner answered {} of {total} catalog queries",
            rows.len()
        )));
    }
    let results = queries.iter().map(|q| q.name).zip(rows).collect();
    engine.build(&Catalog {
        server_version,
        filter: filter.clone(),
        results,
    })
}

/// Parse `url`, open a built-in read-only connection and extract.
pub async fn extract_url(
    url: &str,
    options: &Options,
    progress: &dyn Progress,
) -> Result<Schema, Error> {
    let url = DatabaseUrl::parse(url)?;
    let engine = engine_for_url(&url)?;
    let url = engine.with_client_defaults(&url)?;
    let filter = table_names::normalize(&options.filter)?;
    filter.validate()?;
    engine.check_target(&url, &filter)?;
    let mut runner = connect(engine, &url, &options.connect).await?;
    // The server enforces the statement timeout; this client-side bound covers the whole
    // extraction in case a server ignores it.
    let limit = options.connect.statement_timeout.saturating_mul(4) + Duration::from_secs(1);
    tokio::time::timeout(limit, extract(engine, runner.as_mut(), &filter, progress))
        .await
        .map_err(|_| Error::Timeout {
            during: "extracting the schema".into(),
            seconds: limit.as_secs(),
        })?
}

/// Open `engine`'s built-in connection for `url`, bounded by the connect timeout.
///
/// A file URL that names a directory or no file at all is said to be so before any driver
/// runs (a driver would say "unable to open database file").
pub async fn connect(
    engine: &dyn Engine,
    url: &DatabaseUrl,
    options: &ConnectOptions,
) -> Result<Box<dyn QueryRunner>, Error> {
    if let Location::File(path) = &url.location {
        check_database_file(url, path)?;
    }
    let url = &engine.with_client_defaults(url)?;
    tokio::time::timeout(options.connect_timeout, engine.connect(url, options))
        .await
        .map_err(|_| Error::Timeout {
            during: format!("connecting to `{}`", url.target()),
            seconds: options.connect_timeout.as_secs(),
        })?
}

fn check_database_file(url: &DatabaseUrl, path: &std::path::Path) -> Result<(), Error> {
    if path.as_os_str() == ":memory:" {
        return Ok(());
    }
    if path.is_dir() {
        return Err(Error::InvalidUrl {
            url: url.to_string(),
            reason: format!(
                "`{}` is a directory, not a database file: name the file inside it",
                path.display()
            ),
        });
    }
    if !path.exists() {
        let hint = if path.is_relative() {
            " (a relative path is read from the current folder; an absolute one takes three \
             slashes: `sqlite:///abs/path.db`)"
        } else {
            ""
        };
        return Err(Error::Connect {
            target: url.target(),
            message: format!("no such database file{hint}"),
        });
    }
    Ok(())
}
