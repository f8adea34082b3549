//! The suggestion cache: Codex's answers for a query, keyed by fingerprint and engine, in a
//! local SQLite file with a time to live.
//!
//! Asking Codex costs time and tokens; the same query shape with other literals deserves the
//! same advice. The key is `(fingerprint hash, engine)`: the same text means different things in
//! different dialects. Entries older than the TTL are ignored on read and purged on write. The
//! file is created with its parent folder; concurrent CLI runs are safe (SQLite locking, a busy
//! timeout). Time is passed in (`*_at` methods) so tests do not sleep.

use crate::assistant::AssistantOutcome;
use crate::dialect::Dialect;
use crate::error::WorkflowError;
use crate::fingerprint::Fingerprint;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// What is cached for one query shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedSuggestion {
    /// The fingerprint hash.
    pub fingerprint: String,
    /// The engine.
    pub engine: Dialect,
    /// The normalized query.
    pub normalized: String,
    /// The answer (JSON chosen by the caller, usually the structured result of `analyze query`).
    pub payload: serde_json::Value,
    /// When it was stored (seconds since the Unix epoch).
    pub created_at: u64,
}

/// The answer kept in a cache payload (the JSON of an [`AssistantOutcome`]): what the answer
/// said (message, recommendations, SQL blocks, tool calls). The facts of the run that asked
/// (commands, denials, tokens, server) are not carried over. `None` when the payload has no
/// final message (an entry written by something else).
pub fn cached_outcome(payload: &serde_json::Value) -> Option<AssistantOutcome> {
    let strings = |k: &str| -> Vec<String> {
        payload[k]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    Some(AssistantOutcome {
        final_message: payload["final_message"].as_str()?.to_string(),
        recommendations: strings("recommendations"),
        sql_blocks: strings("sql_blocks"),
        commands_run: Vec::new(),
        denied: Vec::new(),
        tool_calls: strings("tool_calls"),
        token_usage: None,
        server: None,
    })
}

/// A SQLite-backed cache of suggestions with a TTL.
#[derive(Debug)]
pub struct SuggestionCache {
    conn: Connection,
    ttl: Duration,
}

fn cache_err(e: impl std::fmt::Display) -> WorkflowError {
    WorkflowError::Cache {
        message: e.to_string(),
    }
}

fn secs(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

impl SuggestionCache {
    /// Open (creating if needed) the cache file at `path`.
    pub fn open(path: &Path, ttl: Duration) -> Result<SuggestionCache, WorkflowError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| WorkflowError::Cache {
                message: format!("cannot create `{}`: {e}", parent.display()),
            })?;
        }
        let conn = Connection::open(path).map_err(|e| WorkflowError::Cache {
            message: format!("cannot open `{}`: {e}", path.display()),
        })?;
        Self::init(conn, ttl)
    }

    /// An in-memory cache (tests, `--no-cache` runs that still want one code path).
    pub fn in_memory(ttl: Duration) -> Result<SuggestionCache, WorkflowError> {
        Self::init(Connection::open_in_memory().map_err(cache_err)?, ttl)
    }

    fn init(conn: Connection, ttl: Duration) -> Result<SuggestionCache, WorkflowError> {
        conn.busy_timeout(Duration::from_secs(5))
            .map_err(cache_err)?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS suggestions (
                 fingerprint TEXT NOT NULL,
                 engine      TEXT NOT NULL,
                 normalized  TEXT NOT NULL,
                 payload     TEXT NOT NULL,
                 created_at  INTEGER NOT NULL,
                 PRIMARY KEY (fingerprint, engine)
             );
             CREATE INDEX IF NOT EXISTS suggestions_created_at ON suggestions (created_at);",
        )
        .map_err(cache_err)?;
        Ok(SuggestionCache { conn, ttl })
    }

    /// The fresh entry for this query shape, if any.
    pub fn get(
        &self,
        fp: &Fingerprint,
        engine: Dialect,
    ) -> Result<Option<CachedSuggestion>, WorkflowError> {
        self.get_at(fp, engine, SystemTime::now())
    }

    /// [`get`](Self::get) as of `now`.
    pub fn get_at(
        &self,
        fp: &Fingerprint,
        engine: Dialect,
        now: SystemTime,
    ) -> Result<Option<CachedSuggestion>, WorkflowError> {
        let oldest = secs(now).saturating_sub(self.ttl.as_secs());
        let row = self
            .conn
            .query_row(
                "SELECT normalized, payload, created_at FROM suggestions
                 WHERE fingerprint = ?1 AND engine = ?2 AND created_at >= ?3",
                params![fp.hash, engine.as_str(), oldest as i64],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i64>(2)?,
                    ))
                },
            )
            .optional()
            .map_err(cache_err)?;
        let Some((normalized, payload, created_at)) = row else {
            return Ok(None);
        };
        let payload = serde_json::from_str(&payload).map_err(cache_err)?;
        Ok(Some(CachedSuggestion {
            fingerprint: fp.hash.clone(),
            engine,
            normalized,
            payload,
            created_at: u64::try_from(created_at).unwrap_or(0),
        }))
    }

    /// Store (or replace) the suggestion for this query shape.
    pub fn put(
        &self,
        fp: &Fingerprint,
        engine: Dialect,
        payload: &serde_json::Value,
    ) -> Result<(), WorkflowError> {
        self.put_at(fp, engine, payload, SystemTime::now())
    }

    /// [`put`](Self::put) as of `now`; also purges expired entries.
    pub fn put_at(
        &self,
        fp: &Fingerprint,
        engine: Dialect,
        payload: &serde_json::Value,
        now: SystemTime,
    ) -> Result<(), WorkflowError> {
        let now_s = secs(now);
        self.conn
            .execute(
                "INSERT OR REPLACE INTO suggestions (fingerprint, engine, normalized, payload, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![fp.hash, engine.as_str(), fp.normalized, payload.to_string(), now_s as i64],
            )
            .map_err(cache_err)?;
        self.conn
            .execute(
                "DELETE FROM suggestions WHERE created_at < ?1",
                params![now_s.saturating_sub(self.ttl.as_secs()) as i64],
            )
            .map_err(cache_err)?;
        Ok(())
    }

    /// Number of entries stored (fresh or not yet purged).
    pub fn len(&self) -> Result<usize, WorkflowError> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM suggestions", [], |r| r.get(0))
            .map_err(cache_err)?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// True when nothing is stored.
    pub fn is_empty(&self) -> Result<bool, WorkflowError> {
        Ok(self.len()? == 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fingerprint::fingerprint;

    #[test]
    fn an_answer_round_trips_through_a_payload_without_the_run_facts() {
        let outcome = AssistantOutcome {
            final_message: "Add an index.".into(),
            recommendations: vec!["index orders(customer_id)".into()],
            sql_blocks: vec!["SELECT 1".into()],
            commands_run: Vec::new(),
            denied: Vec::new(),
            tool_calls: vec!["xldb.execute_query".into()],
            token_usage: Some(crate::Tokens {
                input: 1,
                output: 2,
                total: 3,
            }),
            server: None,
        };
        let payload = serde_json::to_value(&outcome).unwrap();
        let back = cached_outcome(&payload).unwrap();
        assert_eq!(back.token_usage, None);
        assert_eq!(
            AssistantOutcome {
                token_usage: outcome.token_usage,
                ..back
            },
            outcome
        );
        assert!(cached_outcome(&serde_json::json!({"sql": "x"})).is_none());
    }

    #[test]
    fn same_shape_hits_other_engine_or_expired_misses() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/cache.sqlite");
        let cache = SuggestionCache::open(&path, Duration::from_secs(60)).unwrap();
        let t0 = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let fp = fingerprint(Dialect::Postgres, "SELECT a FROM t WHERE id = 1");
        cache
            .put_at(&fp, Dialect::Postgres, &serde_json::json!({"sql": "x"}), t0)
            .unwrap();

        let same_shape = fingerprint(Dialect::Postgres, "select a from t where id = 99");
        let hit = cache
            .get_at(&same_shape, Dialect::Postgres, t0 + Duration::from_secs(59))
            .unwrap()
            .unwrap();
        assert_eq!(hit.payload["sql"], "x");
        assert_eq!(hit.normalized, "SELECT a FROM t WHERE id = ?");
        assert!(cache.get_at(&fp, Dialect::MySql, t0).unwrap().is_none());
        assert!(cache
            .get_at(&fp, Dialect::Postgres, t0 + Duration::from_secs(61))
            .unwrap()
            .is_none());

        // survives reopening; an expired entry is purged by the next write
        drop(cache);
        let cache = SuggestionCache::open(&path, Duration::from_secs(60)).unwrap();
        assert_eq!(cache.len().unwrap(), 1);
        let other = fingerprint(Dialect::Postgres, "SELECT b FROM t");
        cache
            .put_at(
                &other,
                Dialect::Postgres,
                &serde_json::json!(1),
                t0 + Duration::from_secs(120),
            )
            .unwrap();
        assert_eq!(cache.len().unwrap(), 1);
    }

    #[test]
    fn unopenable_path_is_a_typed_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("file");
        std::fs::write(&file, "x").unwrap();
        let err =
            SuggestionCache::open(&file.join("cache.sqlite"), Duration::from_secs(1)).unwrap_err();
        assert!(matches!(err, WorkflowError::Cache { .. }), "{err}");
    }
}
