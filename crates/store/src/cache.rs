//! The shared suggestion cache: Codex's verified suggestions by (engine, query fingerprint,
//! schema fingerprint), with a time to live, so one host's answer serves the whole fleet.
//!
//! The schema fingerprint is part of the key: the same query shape over another schema (an
//! index added, a column changed) deserves a fresh look. Entries older than the TTL are
//! ignored on read and purged on write; a write replaces the entry of its key.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use crate::connection::Store;
use crate::error::StoreError;

/// The key of one suggestion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuggestionKey {
    /// The engine (`postgres`, `sqlite`, …).
    pub engine: String,
    /// The query fingerprint.
    pub fingerprint: String,
    /// The fingerprint of the tables the query involves.
    pub schema_fingerprint: String,
}

/// One cached suggestion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SharedSuggestion {
    /// The normalized query.
    pub normalized: String,
    /// The answer (JSON chosen by the caller).
    pub payload: serde_json::Value,
    /// When it was stored (seconds since the Unix epoch).
    pub created_at: u64,
}

/// The suggestion cache in the store.
#[derive(Debug, Clone)]
pub struct SharedSuggestions {
    store: Arc<Store>,
    ttl: Duration,
}

impl SharedSuggestions {
    /// Entries of `store` younger than `ttl`.
    pub fn new(store: Arc<Store>, ttl: Duration) -> SharedSuggestions {
        SharedSuggestions { store, ttl }
    }

    /// The fresh entry for `key`, if any.
    pub async fn get(&self, key: &SuggestionKey) -> Result<Option<SharedSuggestion>, StoreError> {
        let ttl = self.ttl.as_secs_f64();
        let key = key.clone();
        let row = self
            .store
            .run(|c| async move {
                c.query_opt(
                    "SELECT normalized, payload::text, extract(epoch FROM created_at)::bigint
                     FROM xldb_codex.suggestions
                     WHERE engine = $1 AND fingerprint = $2 AND schema_fingerprint = $3
                       AND created_at >= clock_timestamp() - make_interval(secs => $4)",
                    &[&key.engine, &key.fingerprint, &key.schema_fingerprint, &ttl],
                )
                .await
            })
            .await?;
        let Some(row) = row else { return Ok(None) };
        let payload = serde_json::from_str(row.get::<_, &str>(1)).map_err(|e| {
            self.store
                .query_error(format!("a cached suggestion is not JSON: {e}"))
        })?;
        Ok(Some(SharedSuggestion {
            normalized: row.get(0),
            payload,
            created_at: u64::try_from(row.get::<_, i64>(2)).unwrap_or(0),
        }))
    }

    /// Store (or replace) the suggestion for `key`, and purge expired entries.
    pub async fn put(
        &self,
        key: &SuggestionKey,
        normalized: &str,
        payload: &serde_json::Value,
    ) -> Result<(), StoreError> {
        let ttl = self.ttl.as_secs_f64();
        let key = key.clone();
        let normalized = normalized.to_owned();
        let payload = payload.to_string();
        self.store
            .run(|c| async move {
                c.execute(
                    "INSERT INTO xldb_codex.suggestions
                         (engine, fingerprint, schema_fingerprint, normalized, payload)
                     VALUES ($1, $2, $3, $4, $5::text::jsonb)
                     ON CONFLICT (engine, fingerprint, schema_fingerprint) DO UPDATE
                     SET normalized = excluded.normalized, payload = excluded.payload,
                         created_at = clock_timestamp()",
                    &[
                        &key.engine,
                        &key.fingerprint,
                        &key.schema_fingerprint,
                        &normalized,
                        &payload,
                    ],
                )
                .await?;
                c.execute(
                    "DELETE FROM xldb_codex.suggestions
                     WHERE created_at < clock_timestamp() - make_interval(secs => $1)",
                    &[&ttl],
                )
                .await
            })
            .await?;
        Ok(())
    }
}
