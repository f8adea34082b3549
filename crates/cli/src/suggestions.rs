//! Where `analyze query` keeps its suggestions: the fleet store's shared cache when a store is
//! configured (keyed by engine, query fingerprint and the fingerprint of the tables involved),
//! else the local SQLite cache. Cache failures never fail the command: they are warnings.

use std::time::Duration;

use xldb_workflows as wf;

use crate::settings::{data_dir, Settings};

/// The suggestion cache of one `analyze query` run.
#[derive(Debug)]
pub enum Suggestions {
    /// The local SQLite file.
    Local(wf::SuggestionCache),
    /// The fleet store, with the schema fingerprint of this query's tables.
    Shared(xldb_store::SharedSuggestions, String),
}

/// A stable fingerprint of the tables a query involves (64-bit FNV-1a of their JSON model,
/// as 16 hex digits): another schema, another cache entry.
pub fn schema_fingerprint(tables: &[db_schema::Table]) -> String {
    let text = serde_json::to_string(tables).unwrap_or_default();
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{hash:016x}")
}

impl Suggestions {
    /// The cache to use, `None` when it is bypassed (`--no-cache`, offline) or unavailable.
    pub async fn open(
        s: &Settings,
        bypass: bool,
        tables: &[db_schema::Table],
    ) -> anyhow::Result<Option<Suggestions>> {
        if bypass || s.offline {
            return Ok(None);
        }
        if let Some(store) = crate::fleet::open(&s.fleet).await? {
            let cache = xldb_store::SharedSuggestions::new(store, s.cache_ttl);
            return Ok(Some(Suggestions::Shared(cache, schema_fingerprint(tables))));
        }
        Ok(local(s.cache_ttl))
    }

    /// The fresh suggestion for this query shape, if any.
    pub async fn get(
        &self,
        fp: &wf::Fingerprint,
        engine: wf::Dialect,
    ) -> Option<serde_json::Value> {
        match self {
            Suggestions::Local(c) => c.get(fp, engine).ok().flatten().map(|hit| hit.payload),
            Suggestions::Shared(c, schema) => match c.get(&key(fp, engine, schema)).await {
                Ok(hit) => hit.map(|h| h.payload),
                Err(e) => {
                    tracing::warn!("shared suggestion cache unavailable: {e}");
                    None
                }
            },
        }
    }

    /// Store the suggestion for this query shape.
    pub async fn put(
        &self,
        fp: &wf::Fingerprint,
        engine: wf::Dialect,
        payload: &serde_json::Value,
    ) {
        let stored = match self {
            Suggestions::Local(c) => c.put(fp, engine, payload).map_err(|e| e.to_string()),
            Suggestions::Shared(c, schema) => c
                .put(&key(fp, engine, schema), &fp.normalized, payload)
                .await
                .map_err(|e| e.to_string()),
        };
        if let Err(e) = stored {
            tracing::warn!("cannot store the suggestion: {e}");
        }
    }
}

fn local(ttl: Duration) -> Option<Suggestions> {
    wf::SuggestionCache::open(&data_dir().join("suggestions.sqlite"), ttl)
        .map_err(|e| tracing::warn!("suggestion cache unavailable: {e}"))
        .ok()
        .map(Suggestions::Local)
}

fn key(fp: &wf::Fingerprint, engine: wf::Dialect, schema: &str) -> xldb_store::SuggestionKey {
    xldb_store::SuggestionKey {
        engine: engine.as_str().to_owned(),
        fingerprint: fp.hash.clone(),
        schema_fingerprint: schema.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_fingerprint_changes_with_the_tables() {
        let empty = schema_fingerprint(&[]);
        assert_eq!(empty.len(), 16);
        assert_eq!(empty, schema_fingerprint(&[]));
    }
}
