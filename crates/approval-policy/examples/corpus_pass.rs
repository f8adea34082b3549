//! Evaluate the corpora (`tests/data/*.jsonl`) for profiling and for checking that an
//! optimisation changes no verdict.
//!
//! ```text
//! # every verdict of every corpus line, as JSON, one per line (diff two builds' outputs)
//! cargo run --release -p approval-policy --example corpus_pass -- dump
//! # evaluate the argv lines of public.jsonl and own.jsonl N times (for callgrind)
//! valgrind --tool=callgrind target/release/examples/corpus_pass pass 1
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
        _ => eprintln!("usage: corpus_pass dump | pass N [corpus.jsonl] | times"),
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
