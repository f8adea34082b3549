//! Decode speed of one ~1 KB Codex line, next to two baselines in the same run:
//! - `floor`: serde_json validating the line and discarding it (`IgnoredAny`), the least any
//!   JSON reader can do;
//! - `via Value`: the naive two-step decode (line → `serde_json::Value` → typed value).
//!
//! Not a test: `cargo bench -p mcp-proto --bench decode [-- ITERATIONS]`.
//! Results go to docs/benchmarks.md (`## mcp-proto`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Instant;

use mcp_proto::{decode_event, EventNotification, ExecCommandApproval, Message};
use serde::de::IgnoredAny;

fn delta_line(size: usize) -> Vec<u8> {
    let head = r#"{"jsonrpc":"2.0","method":"codex/event/agent_message_delta","params":{"id":"0","msg":{"type":"agent_message_delta","delta":""#;
    let tail = r#""},"conversationId":"01a21200-cb47-7973-96f8-e55676233796"}}"#;
    let fill = size.saturating_sub(head.len() + tail.len());
    let words = "the quick brown fox jumps over the lazy dog ".repeat(fill / 44 + 1);
    format!("{head}{}{tail}", &words[..fill]).into_bytes()
}

fn approval_line(size: usize) -> Vec<u8> {
    let head = r#"{"id":0,"jsonrpc":"2.0","method":"execCommandApproval","params":{"conversation_id":"01a21200-cb47-7973-96f8-e55676233796","call_id":"call_exec_1","command":["bash","-lc",""#;
    let tail = r#""],"cwd":"/tmp/work"}}"#;
    let fill = size.saturating_sub(head.len() + tail.len());
    format!("{head}{}{tail}", "x".repeat(fill)).into_bytes()
}

fn time(label: &str, iterations: u32, bytes: usize, mut f: impl FnMut()) -> f64 {
    for _ in 0..iterations / 10 {
        f();
    }
    let t0 = Instant::now();
    for _ in 0..iterations {
        f();
    }
    let secs = t0.elapsed().as_secs_f64();
    let per = secs / f64::from(iterations) * 1e9;
    let mbps = bytes as f64 * f64::from(iterations) / secs / 1e6;
    println!("  {label:<44} {per:>8.0} ns/line {mbps:>8.0} MB/s");
    per
}

fn main() {
    let iterations: u32 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(200_000);
    let line = delta_line(1024);
    println!("event line, {} bytes, {iterations} iterations", line.len());
    let floor = time(
        "floor: serde_json IgnoredAny",
        iterations,
        line.len(),
        || {
            black_box(serde_json::from_slice::<IgnoredAny>(black_box(&line)).unwrap());
        },
    );
    let envelope = time(
        "Message::decode (envelope only)",
        iterations,
        line.len(),
        || {
            black_box(Message::decode(black_box(&line)).unwrap());
        },
    );
    let ours = time(
        "Message::decode + decode_event (typed)",
        iterations,
        line.len(),
        || {
            let Message::Notification(n) = Message::decode(black_box(&line)).unwrap() else {
                unreachable!()
            };
            black_box(decode_event(&n).unwrap().unwrap());
        },
    );
    let naive = time(
        "via Value: line → Value → EventNotification",
        iterations,
        line.len(),
        || {
            let v: serde_json::Value = serde_json::from_slice(black_box(&line)).unwrap();
            let params = v["params"].clone();
            black_box(serde_json::from_value::<EventNotification>(params).unwrap());
        },
    );
    println!(
        "  typed/floor {:.2}x, envelope/floor {:.2}x, via-Value/typed {:.2}x",
        ours / floor,
        envelope / floor,
        naive / ours
    );

    let line = approval_line(1024);
    println!("approval request line, {} bytes", line.len());
    let floor = time(
        "floor: serde_json IgnoredAny",
        iterations,
        line.len(),
        || {
            black_box(serde_json::from_slice::<IgnoredAny>(black_box(&line)).unwrap());
        },
    );
    let ours = time(
        "Message::decode + params_as (typed)",
        iterations,
        line.len(),
        || {
            let Message::Request(r) = Message::decode(black_box(&line)).unwrap() else {
                unreachable!()
            };
            black_box(r.params_as::<ExecCommandApproval>().unwrap());
        },
    );
    println!("  typed/floor {:.2}x", ours / floor);
}
