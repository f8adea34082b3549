//! Throughput and latency of `Policy::evaluate` over the corpora, next to the integration
//! guide's substring check (a faithful Python copy, `benches/guide_safety.py`) run on the same
//! input in the same run.
//!
//! ```text
//! cargo bench -p approval-policy --bench policy
//! ```
//!
//! Prints, per corpus: commands, verdicts/s, p50 and p99 latency per command and how many
//! verdicts are wrong, for this engine and for the guide; then criterion's own measurement of
//! one pass over the corpus.

use approval_policy::{Action, Decision, Policy};
use criterion::{criterion_group, criterion_main, Criterion};
use std::time::Instant;

struct Row {
    action: Action,
    expect: String,
}

fn load(name: &str, argv_only: bool) -> Vec<Row> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    text.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| !argv_only || v.get("argv").is_some())
        .filter_map(|v| {
            Some(Row {
                action: Action::from_json(&v).ok()?,
                expect: v.get("expect")?.as_str()?.to_string(),
            })
        })
        .collect()
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    let i = ((sorted.len() as f64) * q) as usize;
    sorted
        .get(i.min(sorted.len().saturating_sub(1)))
        .copied()
        .unwrap_or(0.0)
}

fn ours(policy: &Policy, rows: &[Row], reps: usize) -> String {
    let mut samples = Vec::with_capacity(rows.len());
    let mut slowest: Vec<(f64, String)> = Vec::new();
    let mut wrong = 0;
    let start = Instant::now();
    for row in rows {
        let t0 = Instant::now();
        let mut v = policy.evaluate(&row.action);
        for _ in 1..reps {
            v = policy.evaluate(std::hint::black_box(&row.action));
        }
        let us = t0.elapsed().as_secs_f64() * 1e6 / reps as f64;
        samples.push(us);
        slowest.push((us, format!("{:?}", row.action).chars().take(100).collect()));
        let allowed = v.decision == Decision::Allow;
        if (row.expect == "allow") != allowed {
            wrong += 1;
        }
    }
    let total = start.elapsed().as_secs_f64();
    samples.sort_by(f64::total_cmp);
    slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (us, what) in slowest.iter().take(
        std::env::var("SLOWEST")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0),
    ) {
        println!("  slow: {us:8.1} µs  {what}");
    }
    format!(
        "{{\"commands\": {}, \"reps\": {reps}, \"verdicts_per_sec\": {:.0}, \"p50_us\": {:.2}, \"p99_us\": {:.2}, \"max_us\": {:.2}, \"wrong\": {wrong}}}",
        rows.len(),
        (rows.len() * reps) as f64 / total,
        percentile(&samples, 0.50),
        percentile(&samples, 0.99),
        samples.last().copied().unwrap_or(0.0),
    )
}

fn guide(file: &str, reps: usize) -> String {
    let dir = env!("CARGO_MANIFEST_DIR");
    match std::process::Command::new("python3")
        .arg(format!("{dir}/benches/guide_safety.py"))
        .arg(format!("{dir}/tests/data/{file}"))
        .arg(reps.to_string())
        .output()
    {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).trim().to_string(),
        Ok(out) => format!(
            "guide check failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => format!("python3 not runnable ({e}); install python3 to compare"),
    }
}

fn bench(c: &mut Criterion) {
    let policy = Policy::builtin();
    let reps = 50;
    for (file, label) in [
        ("public.jsonl", "public corpus"),
        ("own.jsonl", "own corpus"),
    ] {
        let rows = load(file, true);
        println!("== {label} ({file}, argv lines, {reps} reps per command)");
        println!("approval-policy: {}", ours(&policy, &rows, reps));
        println!("guide (python):  {}", guide(file, reps));
    }
    let mut rows = load("public.jsonl", false);
    rows.extend(load("own.jsonl", false));
    let samples: [(&str, Vec<&str>); 4] = [
        ("argv ls -la", vec!["ls", "-la"]),
        (
            "bash -lc pipeline",
            vec!["bash", "-lc", "ls sql | wc -l && git status"],
        ),
        (
            "psql -c SELECT",
            vec![
                "psql",
                "-d",
                "shop",
                "-c",
                "SELECT sku, price FROM products ORDER BY price DESC LIMIT 5",
            ],
        ),
        (
            "bash -lc here-doc SQL",
            vec![
                "bash",
                "-lc",
                "psql -d shop <<'SQL'\nSELECT count(*) FROM products;\nSQL",
            ],
        ),
    ];
    for (label, argv) in samples {
        let action = Action::exec(argv.iter().map(|s| s.to_string()).collect(), None);
        c.bench_function(label, |b| {
            b.iter(|| policy.evaluate(std::hint::black_box(&action)))
        });
    }
    c.bench_function("classify_sql SELECT", |b| {
        b.iter(|| {
            approval_policy::classify_sql(
                approval_policy::Dialect::Postgres,
                std::hint::black_box("SELECT sku, price FROM products ORDER BY price DESC LIMIT 5"),
            )
        })
    });
    c.bench_function("evaluate every corpus line once", |b| {
        b.iter(|| {
            for row in &rows {
                std::hint::black_box(policy.evaluate(&row.action));
            }
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
