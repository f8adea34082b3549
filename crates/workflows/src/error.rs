//! The error type of the workflows crate.

use crate::dialect::Dialect;
use std::path::PathBuf;

/// Everything that can go wrong in a workflow, one variant per failure a caller handles
/// differently. Messages are one lower-case line, user input in backticks, never a secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WorkflowError {
    /// SQL text that does not parse in the engine's dialect.
    #[error("sql does not parse as {dialect}: {message}")]
    SqlParse {
        /// The dialect used.
        dialect: Dialect,
        /// The parser's message (it quotes at most a token of the input).
        message: String,
    },
    /// An engine name that is not known.
    #[error("unknown database engine `{name}` (known: sqlite, postgres, mysql, clickhouse, duckdb, mssql, oracle)")]
    UnknownEngine {
        /// The name given.
        name: String,
    },
    /// A file that cannot be read.
    #[error("cannot read `{path}`: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A query log line that is not `SQL` or `frequency<TAB>SQL`.
    #[error("line {line} of the query log: {message}")]
    QueryLog {
        /// Line number, from 1.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A TOML configuration that does not parse.
    #[error("the configuration is not valid toml: {message}")]
    ConfigToml {
        /// The TOML parser's message (secrets redacted).
        message: String,
    },
    /// A `--requirements` item that is not understood.
    #[error("bad requirement `{item}`: {message}")]
    Requirement {
        /// The item as given.
        item: String,
        /// What is wrong.
        message: String,
    },
    /// A database could not be created, opened or queried.
    #[error("database: {message}")]
    Database {
        /// What failed (passwords redacted).
        message: String,
    },
    /// A file exists where a workflow would create one, and it is not the workflow's own.
    #[error(
        "`{path}` already exists and was not created by xldb-codex, so it was left untouched: \
         choose another folder or move the file away"
    )]
    WouldOverwrite {
        /// The existing file.
        path: PathBuf,
    },
    /// The suggestion cache failed (open, read or write).
    #[error("suggestion cache: {message}")]
    Cache {
        /// What failed.
        message: String,
    },
    /// Graphviz's `dot` program is not installed.
    #[error("graphviz's `dot` is not installed: install the Debian package `graphviz` (apt-get install graphviz), or use --format dot or mermaid")]
    GraphvizMissing,
    /// `dot` failed to render a diagram.
    #[error("graphviz `dot` failed: {message}")]
    Graphviz {
        /// Its first error line.
        message: String,
    },
    /// A file or folder could not be written.
    #[error("cannot write `{path}`: {source}")]
    Write {
        /// The file or folder.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}
