//! `xldb-codex analyze schema --thorough`: the whole schema reviewed part by part, then merged.
//!
//! The schema is split along foreign keys into parts that each fit the prompt budget
//! ([`wf::schema_parts`]); each part is asked in its own turn (`part 3/7` on the progress line),
//! then one merge turn deduplicates and ranks the part answers ([`wf::merge_prompt`]). A part
//! that fails is reported (in the merge prompt, on stderr and in `--json`), never dropped
//! silently; when every part fails, the command falls back to the local analysis.

use crate::analyze::{
    ask_once, json_result, print_prompt, print_schema_result, report_prompt, report_usage, Fallback,
};
use crate::exit::Exit;
use crate::settings::{Format, Settings};
use serde_json::json;
use xldb_workflows as wf;
use xldb_workflows::{AssistantOutcome, Dialect};

/// The share of the budget a part's schema may take in full (the rest is for the findings,
/// the instructions and the names of neighbours).
const PART_SHARE: (usize, usize) = (11, 20);

/// Run the thorough analysis of `schema`.
pub(crate) async fn run(
    s: &Settings,
    db: &str,
    engine: Dialect,
    schema: &db_schema::Schema,
    findings: &[wf::Finding],
    format: Format,
) -> anyhow::Result<Exit> {
    let capacity = s.prompt_budget * PART_SHARE.0 / PART_SHARE.1;
    let parts = wf::schema_parts(schema, capacity);
    let prompts: Vec<wf::Prompt> = parts
        .iter()
        .enumerate()
        .map(|(i, tables)| {
            wf::schema_analysis_prompt(&wf::SchemaPrompt {
                engine,
                schema,
                focus_tables: &[],
                findings,
                tools: true,
                budget: s.prompt_budget,
                part: Some(wf::SchemaPart {
                    tables,
                    number: i + 1,
                    of: parts.len(),
                }),
            })
        })
        .collect();
    if s.print_prompt {
        for (i, p) in prompts.iter().enumerate() {
            println!(
                "=== part {}/{} ({} tokens) ===",
                i + 1,
                prompts.len(),
                p.tokens
            );
            print_prompt(p);
        }
        return Ok(Exit::Ok);
    }
    let mut answers: Vec<Result<String, String>> = Vec::new();
    let mut reports = Vec::new();
    if !s.offline {
        for (i, prompt) in prompts.iter().enumerate() {
            report_prompt(prompt, format, Some((i + 1, prompts.len())));
            let result = ask_once(s, Some(db), &prompt.text, format).await?;
            let (answer, report) =
                part_result(i + 1, prompts.len(), &parts[i], prompt, result, s, format)?;
            answers.push(answer);
            reports.push(report);
        }
    }
    let (outcome, fallback, merge) = if answers.iter().any(Result::is_ok) {
        let merge = wf::merge_prompt(engine, &answers, s.prompt_budget);
        if format != Format::Json {
            eprintln!("· merging {} part answers", answers.len());
        }
        report_prompt(&merge, format, None);
        match ask_once(s, Some(db), &merge.text, format).await? {
            Ok(o) => {
                report_usage(&o, format, None);
                (Some(o), None, Some(merge))
            }
            Err(f) => {
                fail_or_say(s, format, &f, "the merge turn")?;
                (None, Some(f), Some(merge))
            }
        }
    } else if s.offline {
        (None, None, None)
    } else {
        let f = Fallback {
            refused: false,
            why: format!("every one of the {} parts failed", prompts.len()),
        };
        fail_or_say(s, format, &f, "the thorough analysis")?;
        (None, Some(f), None)
    };
    if format == Format::Json {
        let doc = json_result(
            "schema",
            json!({"tables": schema.tables.len(), "findings": findings}),
            &outcome,
            &fallback,
            merge.as_ref(),
            json!({"thorough": {"parts": reports}}),
        );
        println!("{}", serde_json::to_string_pretty(&doc)?);
        return Ok(Exit::Ok);
    }
    print_schema_result(schema, findings, outcome.as_ref(), format);
    Ok(Exit::Ok)
}

/// A part's answer for the merge turn and its line in the report.
fn part_result(
    number: usize,
    of: usize,
    tables: &[usize],
    prompt: &wf::Prompt,
    result: Result<AssistantOutcome, Fallback>,
    s: &Settings,
    format: Format,
) -> anyhow::Result<(Result<String, String>, serde_json::Value)> {
    let mut report = json!({
        "part": number,
        "tables": tables.len(),
        "prompt": {"tokens": prompt.tokens, "budget": prompt.budget, "left_out": prompt.left_out},
    });
    let answer = match result {
        Ok(o) => {
            report_usage(&o, format, Some((number, of)));
            report["token_usage"] = json!(o.token_usage);
            report["recommendations"] = json!(o.recommendations);
            Ok(o.final_message)
        }
        Err(f) => {
            if s.no_fallback {
                anyhow::bail!("part {number}/{of} failed: {} (--no-fallback given)", f.why);
            }
            if format != Format::Json {
                eprintln!("· part {number}/{of} failed: {}", f.why);
            }
            report["error"] = json!(f.why);
            Err(f.why)
        }
    };
    Ok((answer, report))
}

fn fail_or_say(s: &Settings, format: Format, f: &Fallback, what: &str) -> anyhow::Result<()> {
    if s.no_fallback {
        anyhow::bail!("{what} failed: {} (--no-fallback given)", f.why);
    }
    if format != Format::Json {
        eprintln!("{what} failed: {}; showing local analysis", f.why);
    }
    Ok(())
}
