//! Integration tests of the store against a real throwaway PostgreSQL (the testkit's).

// Tests fail loudly on setup errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod approvals;
mod audit;
mod cache;
mod concurrency;
mod migrations;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use xldb_store::{Identity, Store};
use xldb_testkit::servers::Postgres;

/// A fresh database on the shared server, migrated; its URL.
pub async fn fresh_url() -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    let pg = Postgres::shared().unwrap_or_else(|e| panic!("{e:#}"));
    let name = format!(
        "store_it_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    );
    let url = pg.create_database(&name).unwrap();
    xldb_store::migrate(&Store::new(&url).unwrap())
        .await
        .unwrap();
    url
}

/// A store at `url` writing as `host`.
pub async fn store_as(url: &str, host: &str) -> Arc<Store> {
    Arc::new(Store::connect(url).await.unwrap().with_identity(Identity {
        host: host.into(),
        pid: std::process::id(),
    }))
}
