//! Event throughput, CPU per event, request round trips and memory of `codex-session`,
//! next to the seed guide's Python client and a line-counting consumer (the pipe limit), all
//! against the same flooding peer (`codex-session-fake-peer flood N SIZE`) in the same run.
//!
//! Not a test: `cargo bench -p codex-session --bench throughput [-- N PINGS] [-- --memory]`.
//! Results go to docs/benchmarks.md (`## codex-session`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use codex_session::{CodexSession, ConversationOptions, Event, SessionOptions};

fn peer() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_codex-session-fake-peer"))
}

/// User + system CPU seconds of this process (all threads), from /proc (clock ticks of 10 ms).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // Fields 14 and 15 of stat; `after` starts at field 3.
    (ticks(11) + ticks(12)) / 100.0
}

fn status_kb(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

struct Run {
    events: u64,
    seconds: f64,
    cpu: f64,
    p50_us: f64,
    p99_us: f64,
}

impl Run {
    fn rate(&self) -> f64 {
        self.events as f64 / self.seconds
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 * p) as usize).min(sorted.len() - 1);
    sorted[i].as_secs_f64() * 1e6
}

async fn session_run(n: u64, size: usize, pings: usize, sample_memory: bool) -> Run {
    let options = SessionOptions::new()
        .protocol(codex_session::Protocol::McpConversation)
        .program(peer())
        .args(["flood".to_owned(), n.to_string(), size.to_string()]);
    let session = CodexSession::start(options).await.unwrap();
    let mut conversation = session
        .new_conversation(ConversationOptions::new())
        .await
        .unwrap();
    let cpu0 = cpu_seconds();
    let t0 = Instant::now();
    conversation.send_message("go").await.unwrap();
    let mut events = 0u64;
    let mut bytes = 0usize;
    let mut lagged = 0u64;
    while let Some(event) = conversation.next_event().await {
        events += 1;
        match event {
            Event::AgentMessageDelta { delta } => bytes += delta.len(),
            Event::Lagged { missed } => lagged += missed,
            Event::TurnComplete { .. } => break,
            _ => {}
        }
        if sample_memory && events.is_multiple_of(1_000_000) {
            println!(
                "    after {:>9} events: VmRSS {:>6} KiB",
                events,
                status_kb("VmRSS:")
            );
        }
    }
    let seconds = t0.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu0;
    assert!(bytes > 0);
    assert_eq!(lagged, 0, "the consumer kept up; nothing dropped");
    let mut rtts = Vec::with_capacity(pings);
    for _ in 0..pings {
        rtts.push(session.ping().await.unwrap());
    }
    rtts.sort();
    Run {
        events,
        seconds,
        cpu,
        p50_us: percentile(&rtts, 0.5),
        p99_us: percentile(&rtts, 0.99),
    }
}

/// The pipe limit: the same peer, a consumer that only counts newlines (with memchr), over a
/// pipe of the same size as codex-session's (1 MiB). `previous` measures the baseline used
/// before 2026-11-28 instead: a byte-by-byte count over a default 64 KiB pipe.
fn pipe_run(n: u64, size: usize, previous: bool) -> Run {
    let mut child = Command::new(peer())
        .args(["flood", &n.to_string(), &size.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    // The same pipe buffer codex-session asks for (transport.rs), so both read the same pipe.
    if !previous {
        rustix::pipe::fcntl_setpipe_size(&stdout, 1 << 20).unwrap();
    }
    for line in [
        r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#,
        r#"{"jsonrpc":"2.0","id":2,"method":"newConversation","params":{}}"#,
        r#"{"jsonrpc":"2.0","id":3,"method":"addConversationListener","params":{}}"#,
    ] {
        writeln!(stdin, "{line}").unwrap();
    }
    stdin.flush().unwrap();
    let cpu0 = cpu_seconds();
    let t0 = Instant::now();
    writeln!(
        stdin,
        r#"{{"jsonrpc":"2.0","id":4,"method":"sendUserMessage","params":{{}}}}"#
    )
    .unwrap();
    stdin.flush().unwrap();
    // 4 responses, task_started, n deltas, task_complete.
    let total = n + 6;
    let mut lines = 0u64;
    let mut buf = vec![0u8; 1 << 18];
    while lines < total {
        let got = stdout.read(&mut buf).unwrap();
        if got == 0 {
            break;
        }
        // memchr, as codex-session's line splitter: a byte-by-byte count was slower than
        // codex-session itself on 1 KiB lines and made the "limit" no limit.
        lines += if previous {
            buf[..got].iter().filter(|b| **b == b'\n').count() as u64
        } else {
            memchr::memchr_iter(b'\n', &buf[..got]).count() as u64
        };
    }
    let seconds = t0.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu0;
    let _ = child.kill();
    let _ = child.wait();
    Run {
        events: n + 2,
        seconds,
        cpu,
        p50_us: 0.0,
        p99_us: 0.0,
    }
}

fn guide_run(n: u64, size: usize, pings: usize) -> Option<Run> {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("benches/guide_client.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(peer())
        .args([n.to_string(), size.to_string(), pings.to_string()])
        .output()
        .ok()?;
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
    Some(Run {
        events: v["events"].as_u64()?,
        seconds: v["seconds"].as_f64()?,
        cpu: v["cpu_seconds"].as_f64()?,
        p50_us: v["rtt_p50_us"].as_f64()?,
        p99_us: v["rtt_p99_us"].as_f64()?,
    })
}

fn row(name: &str, r: &Run) {
    println!(
        "  {name:<28} {:>12.0} events/s  {:>7.2} us CPU/event  rtt p50 {:>7.1} us  p99 {:>7.1} us  ({} events in {:.2} s)",
        r.rate(),
        r.cpu / r.events as f64 * 1e6,
        r.p50_us,
        r.p99_us,
        r.events,
        r.seconds
    );
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    if args.iter().any(|a| a == "--memory") {
        let n = 10_000_000;
        println!("memory over {n} small events (VmRSS sampled by the consumer):");
        let before = status_kb("VmRSS:");
        let r = runtime.block_on(session_run(n, 200, 0, true));
        row("codex-session", &r);
        println!(
            "  VmRSS before {before} KiB, after {} KiB, peak (VmHWM) {} KiB",
            status_kb("VmRSS:"),
            status_kb("VmHWM:")
        );
        return;
    }
    let n: u64 = args
        .first()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let pings: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    // `THROUGHPUT_SIZES=1024` runs one size only (for profiling one case).
    let sizes: Vec<usize> = std::env::var("THROUGHPUT_SIZES")
        .ok()
        .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![200, 1024]);
    for size in sizes {
        println!("{n} agent_message_delta events of ~{size} bytes per line:");
        let old = pipe_run(n, size, true);
        row("previous baseline", &old);
        let pipe = pipe_run(n, size, false);
        row("pipe limit (count lines)", &pipe);
        let ours = runtime.block_on(session_run(n, size, pings, false));
        row("codex-session (typed)", &ours);
        match guide_run(n, size, pings) {
            Some(g) => {
                row("guide's Python client", &g);
                println!("  => codex-session / guide: {:.2}x", ours.rate() / g.rate());
            }
            None => println!("  guide's Python client: python3 not available"),
        }
        println!(
            "  => codex-session / pipe limit: {:.2}x (/ previous baseline: {:.2}x)",
            ours.rate() / pipe.rate(),
            ours.rate() / old.rate()
        );
    }
}
