//! Fleet mode's costs, beside the local JSON Lines audit log in the same run:
//!
//! - audit inserts per second and per-insert latency: `FileAuditSink` (JSONL, with and without
//!   fsync) and `StoreAuditSink` (one committed INSERT each, sequential, and 16 writers at once);
//! - one approval round trip: the `ask` queued in the store, an approver in another connection
//!   woken by `LISTEN` deciding at once, the host woken by `LISTEN` — beside the same request
//!   answered by an in-process human. The difference is the latency the store adds.
//!
//! Needs PostgreSQL (the testkit starts a throwaway one on loopback). Run:
//! `cargo bench -p xldb-store --bench fleet` (results in docs/benchmarks.md).

// A bench binary fails loudly on setup errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use codex_session::{
    ApprovalHandler, ApprovalRequest, ApproveAll, AuditRecord, AuditSink, ExecApproval,
    FileAuditSink,
};
use xldb_store::{decide, migrate, Answer, Store, StoreApprover, StoreAuditSink, Watch};
use xldb_testkit::servers::Postgres;

const INSERTS: usize = 2000;
const ROUND_TRIPS: usize = 300;

fn record(i: usize) -> AuditRecord {
    AuditRecord::new(
        "approval",
        serde_json::json!({"request": {"kind": "exec", "conversation_id": format!("c{}", i % 50),
            "command": ["psql", "-c", "SELECT 1"]}, "decision": "approved", "decided_by": "policy",
            "explanation": {"policy": {"decision": "allow", "explanation": [{"rule": "builtin:client.psql"}]}}}),
    )
}

fn request(i: usize) -> ApprovalRequest {
    ApprovalRequest::Exec(ExecApproval {
        conversation_id: "bench".into(),
        call_id: format!("call-{i}"),
        command: vec!["touch".into(), format!("f{i}")],
        cwd: "/w".into(),
        reason: None,
    })
}

/// (p50, p99) in ms.
fn percentiles(mut samples: Vec<Duration>) -> (f64, f64) {
    samples.sort();
    let at = |q: f64| {
        let i = ((samples.len() as f64 - 1.0) * q).round() as usize;
        samples[i].as_secs_f64() * 1e3
    };
    (at(0.50), at(0.99))
}

async fn sequential(sink: &dyn AuditSink) -> (f64, f64, f64) {
    let mut samples = Vec::with_capacity(INSERTS);
    let start = Instant::now();
    for i in 0..INSERTS {
        let t = Instant::now();
        sink.append(&record(i)).await.unwrap();
        samples.push(t.elapsed());
    }
    let per_sec = INSERTS as f64 / start.elapsed().as_secs_f64();
    let (p50, p99) = percentiles(samples);
    (per_sec, p50, p99)
}

async fn concurrent(sink: Arc<dyn AuditSink>, writers: usize) -> f64 {
    let start = Instant::now();
    let tasks: Vec<_> = (0..writers)
        .map(|w| {
            let sink = sink.clone();
            tokio::spawn(async move {
                for i in 0..INSERTS / writers {
                    sink.append(&record(w * 1000 + i)).await.unwrap();
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    (INSERTS / writers * writers) as f64 / start.elapsed().as_secs_f64()
}

async fn round_trips(handler: Arc<dyn ApprovalHandler>) -> (f64, f64) {
    let mut samples = Vec::with_capacity(ROUND_TRIPS);
    for i in 0..ROUND_TRIPS {
        let t = Instant::now();
        let d = handler.decide(&request(i)).await.unwrap();
        samples.push(t.elapsed());
        assert!(d.decision.is_approval(), "{d:?}");
    }
    percentiles(samples)
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let pg = Postgres::start().unwrap_or_else(|e| panic!("{e:#}"));
        let url = pg.url("postgres");
        migrate(&Store::new(&url).unwrap()).await.unwrap();
        let store = Arc::new(Store::connect(&url).await.unwrap());
        let dir = tempfile::tempdir().unwrap();

        println!("audit sink                          inserts/s   p50 ms   p99 ms");
        let jsonl = FileAuditSink::open(dir.path().join("a.jsonl")).unwrap();
        let (r, p50, p99) = sequential(&jsonl).await;
        println!("JSONL file (no fsync)              {r:>10.0} {p50:>8.3} {p99:>8.3}");
        let durable = FileAuditSink::open(dir.path().join("b.jsonl"))
            .unwrap()
            .durable(true);
        let (r, p50, p99) = sequential(&durable).await;
        println!("JSONL file (fsync each)            {r:>10.0} {p50:>8.3} {p99:>8.3}");
        let sink = StoreAuditSink::new(store.clone());
        let (r, p50, p99) = sequential(&sink).await;
        println!("store, 1 writer                    {r:>10.0} {p50:>8.3} {p99:>8.3}");
        let r = concurrent(Arc::new(sink), 16).await;
        println!("store, 16 writers (pipelined)      {r:>10.0}        -        -");

        // The approver: another connection, deciding each request as LISTEN announces it.
        let approver = Arc::new(Store::connect(&url).await.unwrap());
        let deciding = tokio::spawn(async move {
            let mut watch = Watch::start(&approver).await.unwrap();
            loop {
                let e = watch.next(&approver).await.unwrap();
                let _ = decide(&approver, e.id, &Answer::Approve, "bench").await;
            }
        });
        println!("\none approval round trip                       p50 ms   p99 ms");
        let (p50, p99) = round_trips(Arc::new(ApproveAll)).await;
        println!("in-process human (baseline)                 {p50:>8.3} {p99:>8.3}");
        let queue: Arc<dyn ApprovalHandler> =
            Arc::new(StoreApprover::new(store.clone(), Duration::from_secs(30)));
        let (p50, p99) = round_trips(queue).await;
        println!("store queue + LISTEN, approver at once      {p50:>8.3} {p99:>8.3}");
        deciding.abort();
    });
}
