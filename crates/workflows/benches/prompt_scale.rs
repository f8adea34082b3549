//! Prompt size against schema size: the old JSON dump and the new ranked map side by side, the
//! time to build the map, and what `--thorough` costs in one conversation against one
//! conversation per part. A plain bench binary (not criterion), outside CI:
//!
//! ```text
//! cargo bench -p xldb-workflows --bench prompt_scale
//! ```
//!
//! The schemas are generated: tables of ten columns (a primary key, a foreign key to the head
//! of their cluster of 25, an index on it, eight text columns with defaults), five tables per
//! thousand without a primary key (the planted findings). Results go to `docs/benchmarks.md`.

// A bench fails loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use db_schema::{Column, ForeignKey, Index, PrimaryKey, Schema, Table, TableKind};
use std::time::{Duration, Instant};
use xldb_workflows::{
    analyze_schema, count_tokens, merge_prompt, schema_analysis_prompt, schema_parts, Dialect,
    SchemaLintOptions, SchemaPart, SchemaPrompt, DEFAULT_PROMPT_BUDGET,
};

const CLUSTER: usize = 25;

fn column(name: &str, ty: &str, nullable: bool, default: Option<&str>, position: u32) -> Column {
    Column {
        name: name.into(),
        position,
        data_type: ty.into(),
        nullable,
        default: default.map(Into::into),
        comment: None,
        extra: Default::default(),
    }
}

fn generated(n: usize) -> Schema {
    let planted = |i: usize| i % 200 == 7;
    let tables = (0..n)
        .map(|i| {
            let mut t = Table::new(Some("main".into()), format!("t{i:05}"), TableKind::Table);
            t.columns.push(column("id", "INTEGER", planted(i), None, 1));
            t.columns
                .push(column("parent_id", "INTEGER", false, None, 2));
            for k in 0..8 {
                t.columns.push(column(
                    &format!("field_{k}"),
                    "TEXT",
                    false,
                    Some("''"),
                    k + 3,
                ));
            }
            if !planted(i) {
                t.primary_key = Some(PrimaryKey {
                    name: None,
                    columns: vec!["id".into()],
                    ..Default::default()
                });
            }
            let head = i / CLUSTER * CLUSTER;
            if head != i {
                t.foreign_keys.push(ForeignKey::new(
                    &["parent_id"],
                    format!("t{head:05}"),
                    &["id"],
                ));
            }
            t.indexes.push(Index::new(
                format!("t{i:05}_parent_idx"),
                &["parent_id"],
                false,
            ));
            t
        })
        .collect();
    Schema::new("sqlite", tables)
}

/// The median of `runs` timings of `f`.
fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

fn main() {
    let _ = count_tokens("load the vocabulary before timing");
    println!("| tables | JSON dump (tokens) | compact, all tables (tokens) | map prompt (tokens) | JSON / map | findings' tables named | map build (median) |");
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    for n in [10usize, 100, 1_000, 10_000] {
        let schema = generated(n);
        let findings = analyze_schema(&schema, SchemaLintOptions::for_schema(&schema));
        let json = serde_json::to_string_pretty(&schema).unwrap();
        let json_tokens = count_tokens(&json);
        let compact: String = schema
            .tables
            .iter()
            .map(|t| xldb_workflows::compact_table(&t.name, t))
            .collect();
        let compact_tokens = count_tokens(&compact);
        let request = SchemaPrompt {
            engine: Dialect::Sqlite,
            schema: &schema,
            focus_tables: &[],
            findings: &findings,
            tools: true,
            budget: DEFAULT_PROMPT_BUDGET,
            part: None,
        };
        let prompt = schema_analysis_prompt(&request);
        let planted: Vec<&str> = schema
            .tables
            .iter()
            .filter(|t| t.primary_key.is_none())
            .map(|t| t.name.as_str())
            .collect();
        let named = planted.iter().filter(|t| prompt.text.contains(*t)).count();
        let took = median(5, || {
            let _ = schema_analysis_prompt(&request);
        });
        println!(
            "| {n} | {json_tokens} | {compact_tokens} | {} | {:.1}x | {named}/{} | {:.0} ms |",
            prompt.tokens,
            json_tokens as f64 / prompt.tokens as f64,
            planted.len(),
            took.as_secs_f64() * 1000.0
        );
    }

    // --thorough on 1,000 tables: the parts' prompts, and the input tokens of one
    // conversation (turn k re-sends turns 1..k-1 and their answers) against one conversation
    // per part (each turn alone), before any prompt caching.
    let schema = generated(1_000);
    let findings = analyze_schema(&schema, SchemaLintOptions::for_schema(&schema));
    let parts = schema_parts(&schema, DEFAULT_PROMPT_BUDGET * 11 / 20);
    let prompts: Vec<usize> = parts
        .iter()
        .enumerate()
        .map(|(i, tables)| {
            schema_analysis_prompt(&SchemaPrompt {
                engine: Dialect::Sqlite,
                schema: &schema,
                focus_tables: &[],
                findings: &findings,
                tools: true,
                budget: DEFAULT_PROMPT_BUDGET,
                part: Some(SchemaPart {
                    tables,
                    number: i + 1,
                    of: parts.len(),
                }),
            })
            .tokens
        })
        .collect();
    // A typical part answer: ~600 tokens of recommendations and DDL.
    let answer = "RECOMMENDATION: add a primary key to t00007 ```sql\nALTER TABLE t00007 ADD PRIMARY KEY (id);\n```\n".repeat(20);
    let answer_tokens = count_tokens(&answer);
    let merge = merge_prompt(
        Dialect::Sqlite,
        &vec![Ok(answer.clone()); parts.len()],
        DEFAULT_PROMPT_BUDGET,
    )
    .tokens;
    let per_part: usize = prompts.iter().sum::<usize>() + merge;
    let mut one_conversation = 0usize;
    let mut history = 0usize;
    for p in &prompts {
        one_conversation += history + p;
        history += p + answer_tokens;
    }
    // In one conversation the merge turn needs no copy of the answers: they are in the history.
    one_conversation += history + 200;
    println!();
    println!(
        "--thorough, 1,000 tables: {} parts, prompts {}..{} tokens (budget {DEFAULT_PROMPT_BUDGET}), merge prompt {merge} tokens",
        parts.len(),
        prompts.iter().min().unwrap(),
        prompts.iter().max().unwrap()
    );
    println!(
        "input tokens: one conversation per part {per_part}; one conversation of {} turns {one_conversation} ({:.1}x)",
        parts.len() + 1,
        one_conversation as f64 / per_part as f64
    );
}
