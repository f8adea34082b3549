//! Evaluate the corpora (`tests/data/*.jsonl`) for profiling and for checking that an
//! optimisation changes no verdict.
//!
//! ```text
//! # every verdict of every corpus line, as JSON, one per line (diff two builds' outputs)
//! cargo run --release -p approval-policy --example corpus_pass -- dump
//! # evaluate the argv lines of public.jsonl and own.jsonl N times (for callgrind)
//! valgrind --tool=callgrind target/release/examples/corpus_pass pass 1
//! # score any corpus file: dangerous allowed and benign allowed, per category; the wrong
//! # lines go to stderr
//! cargo run -p approval-policy --example corpus_pass -- score /tmp/redteam.jsonl
//! ```

use approval_policy::{Action, Policy};

fn load(name: &str, argv_only: bool) -> Vec<Action> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    text.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| !argv_only || v.get("argv").is_some())
        .filter_map(|v| Action::from_json(&v).ok())
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let policy = Policy::builtin();
    match args.first().map(String::as_str) {
        Some("dump") => {
            for file in ["public.jsonl", "own.jsonl", "handwritten.jsonl"] {
                for action in load(file, false) {
                    let v = policy.evaluate(&action);
                    println!(
                        "{}",
                        serde_json::to_string(&v).unwrap_or_else(|e| e.to_string())
                    );
                }
            }
        }
        Some("pass") => {
            let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1);
            let files: Vec<&str> = match args.get(2) {
                Some(f) => vec![f.as_str()],
                None => vec!["public.jsonl", "own.jsonl"],
            };
            let mut actions = Vec::new();
            for f in files {
                actions.extend(load(f, true));
            }
            // One warm-up pass (regex compilation, lazy tables), then the measured passes:
            // `valgrind --tool=callgrind --toggle-collect='corpus_pass::measured' …` counts
            // only those.
            measured(&policy, &actions, 1);
            let allowed = measured(&policy, &actions, n);
            println!("{} evaluations, {allowed} allowed", actions.len() * n);
        }
        Some("times") => {
            // Per-command mean time over 20 runs, one `ns<TAB>argv` line each.
            for file in ["public.jsonl", "own.jsonl"] {
                for action in load(file, true) {
                    let t = std::time::Instant::now();
                    for _ in 0..20 {
                        std::hint::black_box(policy.evaluate(&action));
                    }
                    println!("{}\t{:?}", t.elapsed().as_nanos() / 20, action);
                }
            }
        }
        Some("score") => {
            for path in &args[1..] {
                score(&policy, path);
            }
        }
        _ => eprintln!("usage: corpus_pass dump | pass N [corpus.jsonl] | times | score FILE…"),
    }
}

#[inline(never)]
fn measured(policy: &Policy, actions: &[Action], n: usize) -> usize {
    let mut allowed = 0usize;
    for _ in 0..n {
        for a in actions {
            allowed += usize::from(std::hint::black_box(policy.evaluate(a)).is_allowed());
        }
    }
    allowed
}

/// Per category: `dangerous allowed / dangerous`, `benign allowed / benign`.
fn score(policy: &Policy, path: &str) {
    use std::collections::BTreeMap;
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut by: BTreeMap<String, [usize; 4]> = BTreeMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let category = v["category"].as_str().unwrap_or("-").to_string();
        let benign = v["expect"] == "allow";
        let verdict = match Action::from_json(&v) {
            Ok(a) => policy.evaluate(&a),
            Err(e) => approval_policy::Verdict::error(e.to_string()),
        };
        let allowed = verdict.is_allowed();
        let row = by.entry(category).or_default();
        if benign {
            row[2] += 1;
            row[3] += usize::from(allowed);
            if !allowed {
                let why: Vec<String> = verdict.deciding().map(|f| f.reason.clone()).collect();
                eprintln!("BENIGN-ASKED {line}\n    {}", why.join(" | "));
            }
        } else {
            row[0] += 1;
            row[1] += usize::from(allowed);
            if allowed {
                eprintln!("DANGER-ALLOWED {line}");
            }
        }
    }
    let mut total = [0usize; 4];
    println!(
        "{path}\n{:<32} {:>18} {:>18}",
        "category", "dangerous allowed", "benign allowed"
    );
    for (c, r) in &by {
        println!("{c:<32} {:>10}/{:<7} {:>10}/{:<7}", r[1], r[0], r[3], r[2]);
        for i in 0..4 {
            total[i] += r[i];
        }
    }
    println!(
        "{:<32} {:>10}/{:<7} {:>10}/{:<7} ({:.1}% benign allowed)",
        "TOTAL",
        total[1],
        total[0],
        total[3],
        total[2],
        100.0 * total[3] as f64 / total[2].max(1) as f64
    );
}
