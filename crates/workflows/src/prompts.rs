//! The prompts sent to Codex, rendered from structured inputs, each within a token budget.
//!
//! Each workflow has one function; the text is plain Markdown the model reads well, with the
//! local analyzer's findings included as a starting point (the model confirms, ranks and
//! extends them instead of rediscovering the obvious), and one answer convention shared by all
//! workflows so the answer can be parsed back ([`extract_recommendations`](crate::extract_recommendations),
//! [`extract_sql_blocks`](crate::extract_sql_blocks)):
//!
//! - each recommendation on its own line starting with `RECOMMENDATION:`;
//! - proposed SQL in fenced ```` ```sql ```` blocks, the first one being the main proposal.
//!
//! # The budget
//! Every function takes a budget in tokens ([`count_tokens`], `o200k_base`) and returns a
//! [`Prompt`] that says how many tokens it took and what was left out to stay within it:
//! the schema becomes a ranked [`schema_map`] (the model drills down with the MCP tools
//! `list_tables` / `describe_table`), a query's plan and tables are cut, a workload sends its
//! top groups, a configuration is truncated with a note. Only what must never be dropped may
//! push a prompt past its budget: the name of every table with a local finding.
//! [`DEFAULT_PROMPT_BUDGET`] is 24,000 tokens: the fixed parts of a prompt take ~500, the
//! compact rendering of a ten-column table ~90, so a default schema prompt holds the findings,
//! ~180 tables in full and a few thousand more by name: 35x fewer tokens than the JSON dump of
//! a 1,000-table schema took (measured in `docs/benchmarks.md`), and far below codex 0.169's
//! input limit of 1,048,576 characters.
//!
//! Every rendered prompt goes through [`redact_text`] as a last step: the inputs are redacted
//! already, this is the belt to their braces.

use crate::caching::{CacheAdvice, CachingReport};
use crate::config_review::ConfigReview;
use crate::dialect::Dialect;
use crate::finding::Finding;
use crate::schema_lint::table_name;
use crate::schema_map::{compact_table, finding_table, schema_map, MapRequest};
use crate::tokens::count_tokens;
use codex_session::redact_text;
use db_schema::{Schema, Table};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Name under which the workflows register their MCP server with Codex (`mcp_servers.xldb`).
pub const MCP_SERVER_NAME: &str = "xldb";

/// The default prompt budget, in tokens (see the module docs for why this size).
pub const DEFAULT_PROMPT_BUDGET: usize = 24_000;

/// The smallest budget a prompt can be built in (the fixed instructions and a few tables).
pub const MIN_PROMPT_BUDGET: usize = 2_000;

const ANSWER_RULES: &str = "\
## How to answer
- Put each recommendation on its own line starting with `RECOMMENDATION:`, most important first.
- Put SQL you propose in fenced ```sql blocks; the first block is your main proposal.
- Do not modify the database. Commands that write are denied by policy; read-only inspection is fine.
";

/// A rendered prompt: the text to send, its size, and what was left out to fit the budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Prompt {
    /// The text (redacted).
    #[serde(skip)]
    pub text: String,
    /// Its size in tokens ([`count_tokens`]).
    pub tokens: usize,
    /// The budget it was built for.
    pub budget: usize,
    /// What was left out or shortened, one sentence each (empty: everything fit).
    pub left_out: Vec<String>,
}

impl Prompt {
    fn finish(text: &str, budget: usize, left_out: Vec<String>) -> Prompt {
        let text = redact_text(text).into_owned();
        Prompt {
            tokens: count_tokens(&text),
            text,
            budget,
            left_out,
        }
    }

    /// Whether the prompt is larger than its budget (only the names of tables with findings
    /// can make it so).
    pub fn over_budget(&self) -> bool {
        self.tokens > self.budget
    }
}

/// The base instructions of every conversation the workflows open.
pub fn base_instructions() -> String {
    "You are a database performance and reliability reviewer working for xldb_proxy, a proxy that \
routes SQL to PostgreSQL, MySQL/MariaDB, ClickHouse, DuckDB, Oracle, MSSQL and SQLite. Be concrete: \
name tables, columns and indexes; give DDL or SQL for every change you recommend; say what each \
change costs (locks, disk, write amplification). Never run statements that modify data or schema."
        .to_string()
}

fn tools_note(out: &mut String, tools: bool) {
    if tools {
        let _ = writeln!(
            out,
            "You can inspect the database yourself with the MCP tools of the `{MCP_SERVER_NAME}` server: \
`list_tables`, `describe_table`, `analyze_schema`, and `execute_query` (read-only SQL, row-limited).\n"
        );
    }
}

/// How to look past the map: the drill-down contract of the `xldb` MCP tools.
fn drill_down_note(out: &mut String) {
    let _ = writeln!(
        out,
        "The schema below is a map, not the whole schema. To look closer, call the `{MCP_SERVER_NAME}` tools:\n\
- `list_tables` with optional `pattern` (case-insensitive glob, `*` and `?`), `offset` and `limit` (1 to 1000, default 200); it returns `{{engine, tables, total, offset, next_offset}}` (page on with `offset: next_offset` until it is null);\n\
- `describe_table` with `table` (one name) or `tables` (up to 50 names at once) for columns, keys and indexes;\n\
- `execute_query` for read-only SQL (catalog statistics, row counts).\n\
Describe the tables you discuss before recommending changes to them.\n"
    );
}

/// The part of `text` that fits `budget` tokens, cut at a line end when one is near, and
/// whether it was cut.
fn fit(text: &str, budget: usize) -> (String, bool) {
    let total = count_tokens(text);
    if total <= budget {
        return (text.to_string(), false);
    }
    let mut keep = (text.len() as u128 * budget as u128 / total.max(1) as u128) as usize;
    loop {
        while keep > 0 && !text.is_char_boundary(keep) {
            keep -= 1;
        }
        let head = &text[..keep];
        let head = match head.rfind('\n') {
            Some(nl) if nl > keep / 2 => &head[..nl],
            _ => head,
        };
        if keep == 0 || count_tokens(head) + 8 <= budget {
            return (format!("{head}\n…"), true);
        }
        keep = keep * 9 / 10;
    }
}

/// The findings, most severe first: in full while `budget` lasts, then the rest grouped by
/// rule with only their location (so every table with a finding is still named).
fn findings_section(
    out: &mut String,
    title: &str,
    findings: &[Finding],
    budget: usize,
    left_out: &mut Vec<String>,
) {
    let _ = writeln!(out, "## {title}");
    if findings.is_empty() {
        let _ = writeln!(out, "(none)\n");
        return;
    }
    let mut used = 0;
    let mut shown = 0;
    for f in findings {
        let line = format!(
            "- {} `{}` at {}: {} Suggested: {}\n",
            f.severity, f.rule, f.location, f.message, f.suggestion
        );
        let cost = count_tokens(&line);
        if used + cost > budget {
            break;
        }
        used += cost;
        shown += 1;
        out.push_str(&line);
    }
    if shown < findings.len() {
        // The rest by rule and location only. A table is always named (the model must know
        // where every problem is); other locations (SQL positions, configuration keys) only
        // while the budget lasts, the remainder counted.
        let mut by_rule: BTreeMap<(std::cmp::Reverse<crate::Severity>, &str), Vec<String>> =
            BTreeMap::new();
        let mut uncounted = 0usize;
        for f in &findings[shown..] {
            let at = match finding_table(f) {
                Some(t) => t.to_owned(),
                None => {
                    let at = f.location.to_string();
                    let cost = count_tokens(&at) + 1;
                    if used + cost > budget {
                        uncounted += 1;
                        continue;
                    }
                    used += cost;
                    at
                }
            };
            by_rule
                .entry((std::cmp::Reverse(f.severity), f.rule))
                .or_default()
                .push(at);
        }
        let _ = writeln!(
            out,
            "\n{} more finding(s), by rule and location only:",
            findings.len() - shown
        );
        for ((severity, rule), mut at) in by_rule {
            at.dedup();
            let _ = writeln!(out, "- {} `{rule}`: {}", severity.0, at.join(", "));
        }
        if uncounted > 0 {
            let _ = writeln!(out, "- and {uncounted} more, not listed for length");
        }
        left_out.push(format!(
            "{} of {} findings given by rule and location only{}",
            findings.len() - shown,
            findings.len(),
            if uncounted > 0 {
                format!(" ({uncounted} only counted)")
            } else {
                String::new()
            }
        ));
    }
    out.push('\n');
}

/// Input of [`schema_analysis_prompt`].
#[derive(Debug, Clone)]
pub struct SchemaPrompt<'a> {
    /// The engine.
    pub engine: Dialect,
    /// The schema.
    pub schema: &'a Schema,
    /// Tables to focus on (empty: all); they and their foreign-key neighbours come first.
    pub focus_tables: &'a [String],
    /// The local analyzer's findings (of the whole schema; a part keeps its own).
    pub findings: &'a [Finding],
    /// Whether the MCP database tools are registered.
    pub tools: bool,
    /// The budget in tokens.
    pub budget: usize,
    /// For one part of a `--thorough` analysis: its tables (indexes into `schema.tables`) and
    /// its number and the number of parts.
    pub part: Option<SchemaPart<'a>>,
}

/// One part of a schema analysed on its own (`--thorough`).
#[derive(Debug, Clone, Copy)]
pub struct SchemaPart<'a> {
    /// The part's tables, as indexes into `schema.tables`.
    pub tables: &'a [usize],
    /// Its number, from 1.
    pub number: usize,
    /// How many parts there are.
    pub of: usize,
}

const SCHEMA_NEEDS: &str = "## What I need\n1. Design problems (keys, normalization, types, constraints).\n2. Missing or redundant indexes, with DDL.\n3. Relationship issues (foreign keys, nullability, cascades).\n4. Data modeling improvements, most valuable first.\n\n";

/// The schema analysis request: the findings, then a ranked map of the schema filling what the
/// budget leaves.
pub fn schema_analysis_prompt(p: &SchemaPrompt<'_>) -> Prompt {
    let mut head = String::new();
    match &p.part {
        Some(part) => {
            let _ = writeln!(
                head,
                "Analyze part {} of {} of this {} database schema ({} of its {} tables, split along foreign keys). Other parts are analysed separately; stay within this part's tables.\n",
                part.number,
                part.of,
                p.engine,
                part.tables.len(),
                p.schema.tables.len()
            );
        }
        None => {
            let _ = writeln!(head, "Analyze this {} database schema.\n", p.engine);
        }
    }
    tools_note(&mut head, p.tools);
    if p.tools {
        drill_down_note(&mut head);
    }
    if !p.focus_tables.is_empty() {
        let _ = writeln!(
            head,
            "Focus on the tables: {}.\n",
            p.focus_tables
                .iter()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let fixed = count_tokens(&head) + count_tokens(SCHEMA_NEEDS) + count_tokens(ANSWER_RULES);
    let rest = p.budget.saturating_sub(fixed);
    let part_findings: Vec<Finding>;
    let findings = match &p.part {
        Some(part) => {
            let names: std::collections::HashSet<String> = part
                .tables
                .iter()
                .filter_map(|&i| p.schema.tables.get(i))
                .map(|t| table_name(t).to_lowercase())
                .collect();
            part_findings = p
                .findings
                .iter()
                .filter(|f| finding_table(f).is_some_and(|t| names.contains(&t.to_lowercase())))
                .cloned()
                .collect();
            &part_findings[..]
        }
        None => p.findings,
    };
    let mut left_out = Vec::new();
    let mut findings_text = String::new();
    findings_section(
        &mut findings_text,
        "Findings of the local analyzer",
        findings,
        rest * 2 / 5,
        &mut left_out,
    );
    // A few tokens of slack for the seams between the parts.
    let map_budget = rest.saturating_sub(count_tokens(&findings_text) + 16);
    let map = schema_map(&MapRequest {
        schema: p.schema,
        findings,
        focus: p.focus_tables,
        budget: map_budget,
        only: p.part.map(|part| part.tables),
    });
    if map.named > 0 || map.counted > 0 {
        left_out.push(format!(
            "schema map: {} tables in full, {} by name only, {} counted only",
            map.detailed, map.named, map.counted
        ));
    }
    let mut out = head;
    out.push_str(&findings_text);
    out.push_str(&map.text);
    out.push('\n');
    out.push_str(SCHEMA_NEEDS);
    out.push_str(ANSWER_RULES);
    Prompt::finish(&out, p.budget, left_out)
}

/// The merge turn of a `--thorough` analysis: the answers of every part, to deduplicate and
/// rank into one answer. A part that failed is listed with its reason.
pub fn merge_prompt(engine: Dialect, parts: &[Result<String, String>], budget: usize) -> Prompt {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "You analysed this {engine} schema in {} parts. Merge the part answers below into one review: deduplicate recommendations that say the same thing, rank them all by value (most important first), and keep the DDL.\n",
        parts.len()
    );
    let fixed = count_tokens(&out) + count_tokens(ANSWER_RULES) + 64;
    let per_part = budget.saturating_sub(fixed) / parts.len().max(1);
    let mut left_out = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        match part {
            Ok(answer) => {
                let (text, cut) = fit(answer.trim(), per_part.saturating_sub(16));
                if cut {
                    left_out.push(format!("the answer of part {} was shortened", i + 1));
                }
                let _ = writeln!(out, "## Part {} of {}\n{text}\n", i + 1, parts.len());
            }
            Err(why) => {
                let _ = writeln!(
                    out,
                    "## Part {} of {}\n(this part failed and has no answer: {why}; say which tables it leaves unreviewed)\n",
                    i + 1,
                    parts.len()
                );
            }
        }
    }
    out.push_str(ANSWER_RULES);
    Prompt::finish(&out, budget, left_out)
}

/// Input of [`query_optimization_prompt`].
#[derive(Debug, Clone)]
pub struct QueryPrompt<'a> {
    /// The engine.
    pub engine: Dialect,
    /// The query (redacted by the caller if it may contain secrets).
    pub sql: &'a str,
    /// The engine's plan, when collected.
    pub plan: Option<&'a str>,
    /// Measured run time in milliseconds.
    pub elapsed_ms: Option<f64>,
    /// Rows returned.
    pub rows: Option<u64>,
    /// The tables the query involves, when known (only these are sent).
    pub tables: &'a [&'a Table],
    /// The local analyzer's findings.
    pub findings: &'a [Finding],
    /// Whether the MCP database tools are registered.
    pub tools: bool,
    /// The budget in tokens.
    pub budget: usize,
}

/// The query optimization request.
pub fn query_optimization_prompt(p: &QueryPrompt<'_>) -> Prompt {
    let mut left_out = Vec::new();
    let mut out = String::new();
    let _ = writeln!(out, "Optimize this {} query.\n", p.engine);
    tools_note(&mut out, p.tools);
    let quarter = p.budget / 4;
    let (sql, cut) = fit(p.sql.trim(), quarter);
    if cut {
        left_out.push("the query was shortened".to_string());
    }
    let _ = writeln!(out, "## Query\n```sql\n{sql}\n```\n");
    let _ = writeln!(out, "## Measurements");
    let _ = writeln!(out, "- engine: {}", p.engine);
    let _ = writeln!(
        out,
        "- run time: {}",
        p.elapsed_ms
            .map_or("not measured".to_string(), |ms| format!("{ms:.1} ms"))
    );
    let _ = writeln!(
        out,
        "- rows returned: {}\n",
        p.rows.map_or("not measured".to_string(), |r| r.to_string())
    );
    if let Some(plan) = p.plan {
        let (plan, cut) = fit(plan.trim(), quarter);
        if cut {
            left_out.push("the plan was shortened".to_string());
        }
        let _ = writeln!(out, "## Plan\n```\n{plan}\n```\n");
    }
    let mut tail = String::new();
    findings_section(
        &mut tail,
        "Findings of the local analyzer",
        p.findings,
        quarter / 2,
        &mut left_out,
    );
    let _ = writeln!(
        tail,
        "## What I need\n1. An optimized query that returns the same rows, in one ```sql block, valid {} SQL, read-only.\n2. Index recommendations with DDL.\n3. The bottleneck in the plan, and why your version avoids it.\n",
        p.engine
    );
    tail.push_str(ANSWER_RULES);
    if !p.tables.is_empty() {
        let mut room = p
            .budget
            .saturating_sub(count_tokens(&out) + count_tokens(&tail) + 48);
        let mut shown = String::new();
        let mut named = Vec::new();
        for t in p.tables {
            let name = table_name(t);
            let text = compact_table(&name, t);
            let cost = count_tokens(&text);
            if cost <= room && named.is_empty() {
                room -= cost;
                shown.push_str(&text);
            } else {
                named.push(name);
            }
        }
        let _ = writeln!(out, "## Tables involved\n```text\n{shown}```");
        if !named.is_empty() {
            let _ = writeln!(
                out,
                "Not shown for lack of room (use `describe_table`): {}",
                named.join(", ")
            );
            left_out.push(format!("{} involved table(s) named only", named.len()));
        }
        out.push('\n');
    }
    out.push_str(&tail);
    Prompt::finish(&out, p.budget, left_out)
}

fn advice_text(advice: &CacheAdvice) -> String {
    match advice {
        CacheAdvice::Cache {
            ttl_secs,
            invalidate_on_writes_to,
        } => {
            if invalidate_on_writes_to.is_empty() {
                format!("cache, ttl {ttl_secs}s")
            } else {
                format!(
                    "cache, ttl {ttl_secs}s, invalidate on writes to {}",
                    invalidate_on_writes_to.join(", ")
                )
            }
        }
        CacheAdvice::DoNotCache { reason } => format!("do not cache: {reason}"),
    }
}

const CACHING_NEEDS: &str = "\n## What I need\n1. Which queries to cache, and why.\n2. TTL for each.\n3. Invalidation triggers (which writes, which events).\n4. Memory budget and eviction policy.\n\n";

/// The caching strategy request, from the locally ranked workload: the top groups that fit the
/// budget, then a count of the rest and the share of the traffic they carry.
pub fn caching_prompt(report: &CachingReport, tools: bool, budget: usize) -> Prompt {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Recommend a result-caching strategy for this {} workload ({} statements in {} query shapes).\n",
        report.engine,
        report.total,
        report.groups.len()
    );
    tools_note(&mut out, tools);
    let _ = writeln!(
        out,
        "## Query groups (by fingerprint, literals replaced by `?`), ranked locally"
    );
    let mut room = budget.saturating_sub(
        count_tokens(&out) + count_tokens(CACHING_NEEDS) + count_tokens(ANSWER_RULES) + 48,
    );
    let mut shown = 0;
    for g in &report.groups {
        let line = format!(
            "{}. freq {} ({:.1}%), {} variant(s), {:?}, tables [{}]: `{}` — local advice: {}\n",
            g.rank,
            g.frequency,
            g.share * 100.0,
            g.variants,
            g.kind,
            g.tables.join(", "),
            g.normalized,
            advice_text(&g.advice)
        );
        let cost = count_tokens(&line);
        if cost > room {
            break;
        }
        room -= cost;
        shown += 1;
        out.push_str(&line);
    }
    let mut left_out = Vec::new();
    if shown < report.groups.len() {
        let rest = &report.groups[shown..];
        let share: f64 = rest.iter().map(|g| g.share).sum();
        let _ = writeln!(
            out,
            "… and {} more groups ({:.1}% of the statements), left out for length",
            rest.len(),
            share * 100.0
        );
        left_out.push(format!(
            "{} of {} query groups left out ({:.1}% of the statements)",
            rest.len(),
            report.groups.len(),
            share * 100.0
        ));
    }
    out.push_str(CACHING_NEEDS);
    out.push_str(ANSWER_RULES);
    Prompt::finish(&out, budget, left_out)
}

const CONFIG_NEEDS: &str = "## What I need\n1. Security recommendations.\n2. Performance and resource allocation (pools, timeouts, cache).\n3. Best-practice gaps.\n4. A corrected configuration in one ```toml block.\n\n";

/// The configuration review request (the configuration is already redacted in `review`); a
/// configuration too long for the budget is truncated, with a note saying so.
pub fn config_review_prompt(review: &ConfigReview, budget: usize) -> Prompt {
    let mut left_out = Vec::new();
    let mut tail = String::new();
    findings_section(
        &mut tail,
        "Findings of the local reviewer",
        &review.findings,
        budget / 4,
        &mut left_out,
    );
    tail.push_str(CONFIG_NEEDS);
    tail.push_str(ANSWER_RULES);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Review this xldb_proxy configuration (secrets are replaced by `***`).\n"
    );
    let room = budget.saturating_sub(count_tokens(&out) + count_tokens(&tail) + 64);
    let (config, cut) = fit(review.redacted.trim(), room);
    let _ = writeln!(out, "## Configuration\n```toml\n{config}\n```");
    if cut {
        let total = count_tokens(&review.redacted);
        let _ = writeln!(
            out,
            "(truncated: the configuration is {total} tokens; only its beginning fits. The findings below cover all of it.)"
        );
        left_out.push(format!(
            "the configuration was truncated ({total} tokens in full)"
        ));
    }
    out.push('\n');
    out.push_str(&tail);
    Prompt::finish(&out, budget, left_out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::caching::{analyze_caching, parse_query_log};
    use crate::config_review::review_config;
    use crate::finding::{Location, Severity};

    #[test]
    fn prompts_carry_inputs_findings_and_the_answer_rules_but_no_secret() {
        let findings = vec![Finding {
            rule: "select-star",
            severity: Severity::Warning,
            location: Location::Sql {
                statement: 1,
                line: 1,
                column: 8,
            },
            message: "m".into(),
            suggestion: "s".into(),
        }];
        let p = query_optimization_prompt(&QueryPrompt {
            engine: Dialect::Postgres,
            sql: "SELECT * FROM users WHERE password = 'hunter2'",
            plan: Some("Seq Scan on users"),
            elapsed_ms: Some(12.5),
            rows: Some(3),
            tables: &[],
            findings: &findings,
            tools: true,
            budget: DEFAULT_PROMPT_BUDGET,
        })
        .text;
        assert!(
            p.contains("Seq Scan on users") && p.contains("12.5 ms") && p.contains("`select-star`")
        );
        assert!(p.contains("RECOMMENDATION:") && p.contains("execute_query"));
        assert!(!p.contains("hunter2"), "{p}");

        let mut users = db_schema::Table::new(None, "users", db_schema::TableKind::Table);
        users.comment = Some("see postgres://a:topsecret@h/db".into());
        let schema = Schema::new("sqlite", vec![users]);
        let s = schema_analysis_prompt(&SchemaPrompt {
            engine: Dialect::Sqlite,
            schema: &schema,
            focus_tables: &["users".into()],
            findings: &[],
            tools: false,
            budget: DEFAULT_PROMPT_BUDGET,
            part: None,
        })
        .text;
        assert!(s.contains("`users`") && !s.contains("topsecret") && !s.contains("execute_query"));

        let r = analyze_caching(
            Dialect::MySql,
            &parse_query_log("5\tSELECT a FROM t WHERE id = 1\n").unwrap(),
        );
        let c = caching_prompt(&r, false, DEFAULT_PROMPT_BUDGET).text;
        assert!(c.contains("freq 5") && c.contains("SELECT a FROM t WHERE id = ?"));

        let review = review_config(
            "[connections.x]\nengine=\"mysql\"\nhost=\"10.0.0.1\"\npassword=\"pw123456\"\n",
        )
        .unwrap();
        let cp = config_review_prompt(&review, DEFAULT_PROMPT_BUDGET).text;
        assert!(
            cp.contains("plaintext-secret") && !cp.contains("pw123456"),
            "{cp}"
        );
    }

    #[test]
    fn a_huge_workload_sends_its_top_groups_within_the_budget() {
        let log: String = (0..3000)
            .map(|i| format!("{}\tSELECT c{i} FROM t{i} WHERE id = 1\n", 3000 - i))
            .collect();
        let r = analyze_caching(Dialect::Postgres, &parse_query_log(&log).unwrap());
        let p = caching_prompt(&r, true, 4000);
        assert!(p.tokens <= 4000, "{}", p.tokens);
        assert!(p.text.contains("SELECT c0 FROM t0 WHERE id = ?"));
        assert!(!p.text.contains("SELECT c2999 FROM"));
        assert_eq!(p.left_out.len(), 1, "{:?}", p.left_out);
        assert!(p.text.contains("more groups"));
    }

    #[test]
    fn a_long_configuration_is_truncated_with_a_note() {
        let mut toml = String::new();
        for i in 0..2000 {
            toml.push_str(&format!(
                "[connections.c{i}]\nengine = \"postgres\"\nhost = \"h{i}\"\n"
            ));
        }
        let review = review_config(&toml).unwrap();
        let p = config_review_prompt(&review, 3000);
        assert!(p.tokens <= 3000, "{}", p.tokens);
        assert!(
            p.text.contains("(truncated: the configuration is"),
            "{}",
            p.text
        );
        assert!(p.text.contains("[connections.c0]"));
    }

    #[test]
    fn the_query_prompt_sends_only_the_tables_it_is_given_and_fits_a_huge_plan() {
        let t = db_schema::Table::new(None, "orders", db_schema::TableKind::Table);
        let plan = "SCAN orders\n".repeat(20_000);
        let p = query_optimization_prompt(&QueryPrompt {
            engine: Dialect::Sqlite,
            sql: "SELECT * FROM orders",
            plan: Some(&plan),
            elapsed_ms: None,
            rows: None,
            tables: &[&t],
            findings: &[],
            tools: true,
            budget: 3000,
        });
        assert!(p.tokens <= 3000, "{}", p.tokens);
        assert!(p.text.contains("orders()"), "{}", p.text);
        assert_eq!(p.left_out, vec!["the plan was shortened".to_string()]);
    }
}
