//! The store's errors: one variant per failure a caller handles differently. Messages never
//! carry the store URL's password: every text that comes from the driver or the server is
//! redacted first, and URLs are shown redacted.

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL is not a PostgreSQL URL, or does not parse.
    #[error("bad store URL `{url}`: {message}")]
    BadUrl {
        /// The URL, redacted.
        url: String,
        /// Why.
        message: String,
    },
    /// A role name that is not a plain lower-case SQL identifier.
    #[error("role name `{name}` must be a lower-case SQL identifier (letters, digits, `_`)")]
    BadRoleName {
        /// The name given.
        name: String,
    },
    /// The store cannot be reached (at start, or lost since).
    #[error("the store `{url}` is unreachable: {message}")]
    Unreachable {
        /// The URL, redacted.
        url: String,
        /// Why, redacted.
        message: String,
    },
    /// A statement failed or took too long.
    #[error("the store `{url}` failed: {message}")]
    Query {
        /// The URL, redacted.
        url: String,
        /// Why, redacted.
        message: String,
    },
    /// The store's schema is older or newer than this program.
    #[error("the store's schema is at version {found}, this program needs {needed}: run `xldb-codex store init`")]
    Schema {
        /// The version found (0: none).
        found: i32,
        /// The version this program needs.
        needed: i32,
    },
    /// No approval request has this id.
    #[error("there is no approval request {id}")]
    NotFound {
        /// The id.
        id: i64,
    },
    /// The request was decided, expired or abandoned already: it cannot change.
    #[error("approval request {id} is already {state}{by}", by = by.as_deref().map(|b| format!(" (by {b})")).unwrap_or_default())]
    Closed {
        /// The id.
        id: i64,
        /// Its state: `approved`, `denied`, `expired`, `abandoned` (its host is gone), ….
        state: String,
        /// Who decided, when someone did.
        by: Option<String>,
    },
}

impl StoreError {
    /// True when the store could not be reached or the connection broke.
    pub fn is_unreachable(&self) -> bool {
        matches!(self, StoreError::Unreachable { .. })
    }
}

/// Redacted text of a driver error (with its cause: tokio-postgres keeps the useful part there).
pub(crate) fn describe(e: &tokio_postgres::Error) -> String {
    let mut text = e.to_string();
    if let Some(db) = e.as_db_error() {
        text = format!("{}: {}", db.severity(), db.message());
    } else if let Some(source) = std::error::Error::source(e) {
        text = format!("{text}: {source}");
    }
    xldb_redact::redact_text(&text).into_owned()
}
