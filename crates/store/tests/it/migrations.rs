//! Migrations: idempotent, and safe from several hosts at once.

use xldb_store::{current_version, migrate, Store, StoreError};
use xldb_testkit::servers::Postgres;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_inits_each_succeed_and_apply_once() {
    let pg = Postgres::shared().unwrap();
    let url = pg
        .create_database(&format!("store_mig_{}", std::process::id()))
        .unwrap();
    // Not initialised: a clear error naming the fix.
    let err = Store::connect(&url).await.unwrap_err();
    assert!(matches!(err, StoreError::Schema { found: 0, .. }), "{err}");
    assert!(err.to_string().contains("store init"), "{err}");
    let runs = (0..6).map(|_| {
        let url = url.clone();
        tokio::spawn(async move { migrate(&Store::new(&url).unwrap()).await })
    });
    let mut fresh = 0;
    for run in runs {
        let m = run.await.unwrap().unwrap();
        assert_eq!(m.to, current_version());
        if m.from == 0 {
            fresh += 1;
        }
    }
    assert_eq!(fresh, 1, "exactly one init created the schema");
    let rows = pg
        .psql(
            url.rsplit('/').next().unwrap(),
            "SELECT count(*) FROM xldb_codex.schema_migrations",
        )
        .unwrap();
    assert_eq!(rows.trim(), current_version().to_string());
    Store::connect(&url).await.unwrap();
}
