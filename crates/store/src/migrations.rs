//! The store's schema, as numbered migrations applied in order.
//!
//! [`migrate`] is idempotent and safe from several hosts at once: it runs in one transaction
//! that first takes a transaction-scoped advisory lock, so concurrent `store init`s queue up
//! and each later one finds the versions already applied. A migration is never edited once
//! released; a change is a new migration.
//!
//! Everything lives in the schema `xldb_codex`:
//! - `audit`: append-only records (host, process, conversation, time, kind, body);
//! - `approval_requests`: what waits for a human, with its expiry and the advisory lock key
//!   its waiting host holds (a host that died no longer holds it, so its requests are
//!   `abandoned` and cannot be decided);
//! - `approval_decisions`: insert-only, one row per request at most (its primary key): the
//!   first decision wins, the hosts may only insert `expired` (row-level security), nobody
//!   updates or deletes;
//! - `suggestions`: the shared suggestion cache.

use tokio_postgres::error::SqlState;

use crate::connection::Store;
use crate::error::StoreError;

/// The schema holding every table of the store.
pub const SCHEMA: &str = "xldb_codex";

/// The advisory lock key taken around migrations (`xldb-cod` in ASCII).
const MIGRATION_LOCK: i64 = 0x786c_6462_2d63_6f64;

/// The migrations, in order: (version, what it does, SQL).
const MIGRATIONS: &[(i32, &str, &str)] = &[(
    1,
    "audit, approval queue, suggestion cache",
    "CREATE TABLE xldb_codex.audit (
         id           bigserial PRIMARY KEY,
         at           timestamptz NOT NULL,
         host         text NOT NULL,
         pid          integer NOT NULL,
         conversation text,
         kind         text NOT NULL,
         body         jsonb NOT NULL
     );
     CREATE INDEX audit_at ON xldb_codex.audit (at);
     CREATE INDEX audit_host_at ON xldb_codex.audit (host, at);
     CREATE TABLE xldb_codex.approval_requests (
         id           bigserial PRIMARY KEY,
         created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
         expires_at   timestamptz NOT NULL,
         host         text NOT NULL,
         pid          integer NOT NULL,
         conversation text NOT NULL,
         call_id      text NOT NULL,
         kind         text NOT NULL,
         subject      text NOT NULL,
         request      jsonb NOT NULL,
         explanation  jsonb NOT NULL,
         waiter_lock  bigint NOT NULL
     );
     CREATE TABLE xldb_codex.approval_decisions (
         request_id   bigint PRIMARY KEY REFERENCES xldb_codex.approval_requests (id),
         decided_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
         decision     text NOT NULL
             CHECK (decision IN ('approved', 'approved_for_session', 'denied', 'expired')),
         decided_by   text NOT NULL,
         reason       text
     );
     ALTER TABLE xldb_codex.approval_decisions ENABLE ROW LEVEL SECURITY;
     CREATE TABLE xldb_codex.suggestions (
         engine       text NOT NULL,
         fingerprint  text NOT NULL,
         schema_fingerprint text NOT NULL,
         normalized   text NOT NULL,
         payload      jsonb NOT NULL,
         created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
         PRIMARY KEY (engine, fingerprint, schema_fingerprint)
     );",
)];

/// The schema version this program reads and writes.
pub fn current_version() -> i32 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}

/// What [`migrate`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migrated {
    /// The version before.
    pub from: i32,
    /// The version now.
    pub to: i32,
}

/// Create or bring the schema up to [`current_version`]; see the module docs.
pub async fn migrate(store: &Store) -> Result<Migrated, StoreError> {
    let (mut client, connection) = store.open().await?;
    let driver = tokio::spawn(connection);
    let result = async {
        let tx = store.limit(client.transaction()).await?;
        store
            .limit(tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]))
            .await?;
        store
            .limit(tx.batch_execute(
                "CREATE SCHEMA IF NOT EXISTS xldb_codex;
                 CREATE TABLE IF NOT EXISTS xldb_codex.schema_migrations (
                     version     integer PRIMARY KEY,
                     description text NOT NULL,
                     applied_at  timestamptz NOT NULL DEFAULT now()
                 );",
            ))
            .await?;
        let from: i32 = store
            .limit(tx.query_one(
                "SELECT coalesce(max(version), 0) FROM xldb_codex.schema_migrations",
                &[],
            ))
            .await?
            .get(0);
        for (version, description, sql) in MIGRATIONS.iter().filter(|m| m.0 > from) {
            store.limit(tx.batch_execute(sql)).await?;
            store
                .limit(tx.execute(
                    "INSERT INTO xldb_codex.schema_migrations (version, description) VALUES ($1, $2)",
                    &[version, description],
                ))
                .await?;
        }
        store.limit(tx.commit()).await?;
        Ok(Migrated {
            from,
            to: current_version().max(from),
        })
    }
    .await;
    drop(client);
    driver.abort();
    result
}

/// Fail unless the store is at [`current_version`] (connecting on the way).
pub(crate) async fn check(store: &Store) -> Result<(), StoreError> {
    let found: Option<i32> = store
        .run(|c| async move {
            let row = c
                .query_opt("SELECT max(version) FROM xldb_codex.schema_migrations", &[])
                .await;
            match row {
                Ok(row) => Ok(row.and_then(|r| r.get::<_, Option<i32>>(0))),
                // The table does not exist: not initialised.
                Err(e)
                    if [&SqlState::UNDEFINED_TABLE, &SqlState::INVALID_SCHEMA_NAME]
                        .iter()
                        .any(|s| e.code() == Some(s)) =>
                {
                    Ok(None)
                }
                Err(e) => Err(e),
            }
        })
        .await?;
    let found = found.unwrap_or(0);
    if found != current_version() {
        return Err(StoreError::Schema {
            found,
            needed: current_version(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_increase_from_one() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.0, i as i32 + 1, "{}", m.1);
        }
    }
}
