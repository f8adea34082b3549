//! Latency of one `execute_query` call (gate, secret check, read-only transaction, typed
//! values, redaction) next to the same query run raw through the driver, in the same run.
//! Not run in CI; results in docs/benchmarks.md.
//!
//! `cargo bench -p xldb-workflows --bench mcp_call` (PostgreSQL: a throwaway testkit server).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a bench fails loudly

use db_schema::QueryRunner;
use serde_json::json;
use std::time::{Duration, Instant};
use xldb_workflows::{DbTools, DbToolsOptions};

const CALLS: usize = 2000;
const SQL: &str = "SELECT id, status, total_cents FROM orders WHERE id = 2";

fn percentiles(mut samples: Vec<Duration>) -> (f64, f64) {
    samples.sort();
    let at = |p: f64| samples[((samples.len() as f64 - 1.0) * p) as usize].as_secs_f64() * 1e6;
    (at(0.50), at(0.99))
}

/// Time `body` (an expression awaited once per sample) after a warm-up: (p50, p99) in µs.
macro_rules! time {
    ($body:expr) => {{
        for _ in 0..100 {
            $body;
        }
        let mut samples = Vec::with_capacity(CALLS);
        for _ in 0..CALLS {
            let t = Instant::now();
            $body;
            samples.push(t.elapsed());
        }
        percentiles(samples)
    }};
}

async fn bench(label: &str, url: &str, raw: &mut dyn QueryRunner) {
    let mut tools = DbTools::connect(url, DbToolsOptions::default())
        .await
        .unwrap();
    let args = json!({ "sql": SQL });
    let first = tools.call("execute_query", &args).await;
    assert!(!first.is_error, "{}", first.text);
    let (mcp50, mcp99) = time!(assert!(!tools.call("execute_query", &args).await.is_error));
    let (raw50, raw99) = time!(raw.query(SQL, &[]).await.unwrap());
    println!(
        "| {label} | {mcp50:.0} | {mcp99:.0} | {raw50:.0} | {raw99:.0} | {:.2}x |",
        mcp50 / raw50
    );
}

fn shop(run: impl Fn(&str)) {
    run("CREATE TABLE orders (id INTEGER PRIMARY KEY, status VARCHAR(20), total_cents INTEGER)");
    run("INSERT INTO orders VALUES (1, 'paid', 100), (2, 'new', 250), (3, 'paid', 990)");
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    println!("| engine | execute_query p50 µs | p99 µs | raw driver p50 µs | p99 µs | p50 ratio |");
    println!("|---|---|---|---|---|---|");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    shop(|s| {
        conn.execute_batch(s).unwrap();
    });
    let url = format!("sqlite://{}", path.display());
    rt.block_on(async {
        let parsed = db_schema::DatabaseUrl::parse(&url).unwrap();
        let engine = db_schema::engine_for_url(&parsed).unwrap();
        let mut raw = db_schema::connect(engine, &parsed, &db_schema::ConnectOptions::default())
            .await
            .unwrap();
        bench("sqlite", &url, raw.as_mut()).await;
    });

    let pg = xldb_testkit::servers::Postgres::start().unwrap();
    let url = pg.create_database("bench").unwrap();
    shop(|s| {
        pg.psql("bench", s).unwrap();
    });
    rt.block_on(async {
        let parsed = db_schema::DatabaseUrl::parse(&url).unwrap();
        let engine = db_schema::engine_for_url(&parsed).unwrap();
        let mut raw = db_schema::connect(engine, &parsed, &db_schema::ConnectOptions::default())
            .await
            .unwrap();
        bench("postgres", &url, raw.as_mut()).await;
    });
}
