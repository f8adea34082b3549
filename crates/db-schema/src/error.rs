//! The one error type of the crate.
//!
//! One variant per failure a caller handles differently: usage errors (bad URL, unknown scheme,
//! engine not compiled in) are the user's to fix; connection, authentication, timeout and query
//! errors happen at run time. Messages are lower-case, one line, and never contain a password:
//! every driver message goes through [`crate::dsn::Secret::redact`] before it lands here.

/// What went wrong while parsing a URL, connecting or extracting.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The URL could not be parsed (the message shows it with the password masked).
    #[error("invalid database url `{url}`: {reason}")]
    InvalidUrl {
        /// The URL, password masked.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// No engine is registered for the URL scheme.
    #[error("unknown database url scheme `{scheme}`: supported are {expected}")]
    UnknownScheme {
        /// The scheme that was given.
        scheme: String,
        /// The schemes this build knows, comma-separated.
        expected: String,
    },
    /// The engine exists but its built-in driver was not compiled in.
    #[error(
        "engine `{engine}` is not compiled into this build: enable the cargo feature `{feature}`"
    )]
    FeatureDisabled {
        /// Engine name.
        engine: &'static str,
        /// Cargo feature of `db-schema` that adds it.
        feature: &'static str,
    },
    /// The engine has no built-in driver at all; pass your own [`crate::QueryRunner`].
    #[error("engine `{engine}` has no built-in connection: {reason}")]
    NoBuiltInRunner {
        /// Engine name.
        engine: &'static str,
        /// Why, and what to do instead.
        reason: &'static str,
    },
    /// The table or schema filter is unusable.
    #[error("invalid filter: {0}")]
    InvalidFilter(String),
    /// Tables named in the filter that are neither a table nor a view in scope.
    #[error("no such table: {tables} ({known} tables and views in scope)")]
    UnknownTables {
        /// Each unknown name in backticks, with near matches.
        tables: String,
        /// How many tables and views the scope holds.
        known: usize,
    },
    /// The server could not be reached.
    #[error("cannot connect to `{target}`: {message}")]
    Connect {
        /// Host and port (or file), never credentials.
        target: String,
        /// The driver's message, redacted.
        message: String,
    },
    /// The server rejected the credentials.
    #[error("authentication failed for `{target}`: {message}")]
    Auth {
        /// Host and port, never credentials.
        target: String,
        /// The driver's message, redacted.
        message: String,
    },
    /// A step did not finish in time.
    #[error("timed out after {seconds} s while {during}")]
    Timeout {
        /// What was running (`connecting`, query name).
        during: String,
        /// The limit that was hit.
        seconds: u64,
    },
    /// A catalog query failed on the server.
    #[error("{}", query_message(query, message))]
    Query {
        /// The query's name (`columns`, `indexes`, ...), empty when a runner does not know it.
        query: String,
        /// The server's message, redacted.
        message: String,
    },
    /// A catalog query returned rows of an unexpected shape.
    #[error("catalog query `{query}` returned an unexpected row: {message}")]
    Decode {
        /// The query's name.
        query: String,
        /// What was unexpected.
        message: String,
    },
}

fn query_message(query: &str, message: &str) -> String {
    if query.is_empty() {
        format!("query failed: {message}")
    } else {
        format!("catalog query `{query}` failed: {message}")
    }
}

impl Error {
    /// `true` when the user's input is at fault (bad URL, unknown scheme, engine not built in,
    /// bad filter): command lines map these to their usage exit code.
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            Error::InvalidUrl { .. }
                | Error::UnknownScheme { .. }
                | Error::FeatureDisabled { .. }
                | Error::NoBuiltInRunner { .. }
                | Error::InvalidFilter(_)
                | Error::UnknownTables { .. }
        )
    }

    /// A query failure with the server's message, for [`crate::QueryRunner`] implementations.
    pub fn query_failed(message: impl Into<String>) -> Error {
        Error::Query {
            query: String::new(),
            message: message.into(),
        }
    }

    /// Name the catalog query a runner error belongs to (an error that names one already, or
    /// is not a query error, is returned as it is).
    pub fn in_query(self, name: &str) -> Error {
        match self {
            Error::Query { query, message } if query.is_empty() => Error::Query {
                query: name.to_owned(),
                message,
            },
            other => other,
        }
    }

    pub(crate) fn decode(query: &str, message: impl Into<String>) -> Error {
        Error::Decode {
            query: query.to_owned(),
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_errors_are_told_apart_from_runtime_errors() {
        assert!(Error::UnknownScheme {
            scheme: "x".into(),
            expected: "y".into()
        }
        .is_usage());
        assert!(!Error::Connect {
            target: "h".into(),
            message: "m".into()
        }
        .is_usage());
    }

    #[test]
    fn runner_errors_get_the_query_name() {
        let e = Error::query_failed("boom").in_query("columns");
        assert_eq!(e.to_string(), "catalog query `columns` failed: boom");
    }
}
