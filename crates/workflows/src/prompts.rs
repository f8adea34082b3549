//! The prompts sent to Codex, rendered from structured inputs.
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
//! Every rendered prompt goes through [`redact_text`] as a last step: the inputs are redacted
//! already, this is the belt to their braces.

use crate::caching::{CacheAdvice, CachingReport};
use crate::config_review::ConfigReview;
use crate::engine::Engine;
use crate::finding::Finding;
use codex_session::redact_text;
use std::fmt::Write as _;

/// Name under which the workflows register their MCP server with Codex (`mcp_servers.xldb`).
pub const MCP_SERVER_NAME: &str = "xldb";

const ANSWER_RULES: &str = "\
## How to answer
- Put each recommendation on its own line starting with `RECOMMENDATION:`, most important first.
- Put SQL you propose in fenced ```sql blocks; the first block is your main proposal.
- Do not modify the database. Commands that write are denied by policy; read-only inspection is fine.
";

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

fn findings_section(out: &mut String, title: &str, findings: &[Finding]) {
    let _ = writeln!(out, "## {title}");
    if findings.is_empty() {
        let _ = writeln!(out, "(none)\n");
        return;
    }
    for f in findings {
        let _ = writeln!(
            out,
            "- {} `{}` at {}: {} Suggested: {}",
            f.severity, f.rule, f.location, f.message, f.suggestion
        );
    }
    out.push('\n');
}

/// Input of [`schema_analysis_prompt`].
#[derive(Debug, Clone)]
pub struct SchemaPrompt<'a> {
    /// The engine.
    pub engine: Engine,
    /// The schema model as JSON (already redacted).
    pub schema: &'a serde_json::Value,
    /// Tables to focus on (empty: all).
    pub focus_tables: &'a [String],
    /// The local analyzer's findings.
    pub findings: &'a [Finding],
    /// Whether the MCP database tools are registered.
    pub tools: bool,
}

/// The schema analysis request.
pub fn schema_analysis_prompt(p: &SchemaPrompt<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Analyze this {} database schema.\n", p.engine);
    tools_note(&mut out, p.tools);
    if !p.focus_tables.is_empty() {
        let _ = writeln!(
            out,
            "Focus on the tables: {}.\n",
            p.focus_tables
                .iter()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let schema = serde_json::to_string_pretty(p.schema).unwrap_or_else(|_| p.schema.to_string());
    let _ = writeln!(out, "## Schema (JSON)\n```json\n{schema}\n```\n");
    findings_section(&mut out, "Findings of the local analyzer", p.findings);
    let _ = writeln!(
        out,
        "## What I need\n1. Design problems (keys, normalization, types, constraints).\n2. Missing or redundant indexes, with DDL.\n3. Relationship issues (foreign keys, nullability, cascades).\n4. Data modeling improvements, most valuable first.\n"
    );
    out.push_str(ANSWER_RULES);
    redact_text(&out).into_owned()
}

/// Input of [`query_optimization_prompt`].
#[derive(Debug, Clone)]
pub struct QueryPrompt<'a> {
    /// The engine.
    pub engine: Engine,
    /// The query (redacted by the caller if it may contain secrets).
    pub sql: &'a str,
    /// The engine's plan, when collected.
    pub plan: Option<&'a str>,
    /// Measured run time in milliseconds.
    pub elapsed_ms: Option<f64>,
    /// Rows returned.
    pub rows: Option<u64>,
    /// Schema of the tables involved (JSON, redacted), when known.
    pub schema: Option<&'a serde_json::Value>,
    /// The local analyzer's findings.
    pub findings: &'a [Finding],
    /// Whether the MCP database tools are registered.
    pub tools: bool,
}

/// The query optimization request.
pub fn query_optimization_prompt(p: &QueryPrompt<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Optimize this {} query.\n", p.engine);
    tools_note(&mut out, p.tools);
    let _ = writeln!(out, "## Query\n```sql\n{}\n```\n", p.sql.trim());
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
        let _ = writeln!(out, "## Plan\n```\n{}\n```\n", plan.trim());
    }
    if let Some(schema) = p.schema {
        let s = serde_json::to_string_pretty(schema).unwrap_or_else(|_| schema.to_string());
        let _ = writeln!(out, "## Tables involved (JSON)\n```json\n{s}\n```\n");
    }
    findings_section(&mut out, "Findings of the local analyzer", p.findings);
    let _ = writeln!(
        out,
        "## What I need\n1. An optimized query that returns the same rows, in one ```sql block, valid {} SQL, read-only.\n2. Index recommendations with DDL.\n3. The bottleneck in the plan, and why your version avoids it.\n",
        p.engine
    );
    out.push_str(ANSWER_RULES);
    redact_text(&out).into_owned()
}

/// The caching strategy request, from the locally ranked workload.
pub fn caching_prompt(report: &CachingReport, tools: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Recommend a result-caching strategy for this {} workload ({} statements).\n",
        report.engine, report.total
    );
    tools_note(&mut out, tools);
    let _ = writeln!(
        out,
        "## Query groups (by fingerprint, literals replaced by `?`), ranked locally"
    );
    for g in report.groups.iter().take(50) {
        let local = match &g.advice {
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
        };
        let _ = writeln!(
            out,
            "{}. freq {} ({:.1}%), {} variant(s), {:?}, tables [{}]: `{}` — local advice: {local}",
            g.rank,
            g.frequency,
            g.share * 100.0,
            g.variants,
            g.kind,
            g.tables.join(", "),
            g.normalized
        );
    }
    if report.groups.len() > 50 {
        let _ = writeln!(out, "… and {} more groups", report.groups.len() - 50);
    }
    let _ = writeln!(
        out,
        "\n## What I need\n1. Which queries to cache, and why.\n2. TTL for each.\n3. Invalidation triggers (which writes, which events).\n4. Memory budget and eviction policy.\n"
    );
    out.push_str(ANSWER_RULES);
    redact_text(&out).into_owned()
}

/// The configuration review request (the configuration is already redacted in `review`).
pub fn config_review_prompt(review: &ConfigReview) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Review this xldb_proxy configuration (secrets are replaced by `***`).\n"
    );
    let _ = writeln!(
        out,
        "## Configuration\n```toml\n{}\n```\n",
        review.redacted.trim()
    );
    findings_section(&mut out, "Findings of the local reviewer", &review.findings);
    let _ = writeln!(
        out,
        "## What I need\n1. Security recommendations.\n2. Performance and resource allocation (pools, timeouts, cache).\n3. Best-practice gaps.\n4. A corrected configuration in one ```toml block.\n"
    );
    out.push_str(ANSWER_RULES);
    redact_text(&out).into_owned()
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
                statement: 0,
                line: 1,
                column: 8,
            },
            message: "m".into(),
            suggestion: "s".into(),
        }];
        let p = query_optimization_prompt(&QueryPrompt {
            engine: Engine::Postgres,
            sql: "SELECT * FROM users WHERE password = 'hunter2'",
            plan: Some("Seq Scan on users"),
            elapsed_ms: Some(12.5),
            rows: Some(3),
            schema: None,
            findings: &findings,
            tools: true,
        });
        assert!(
            p.contains("Seq Scan on users") && p.contains("12.5 ms") && p.contains("`select-star`")
        );
        assert!(p.contains("RECOMMENDATION:") && p.contains("execute_query"));
        assert!(!p.contains("hunter2"), "{p}");

        let schema = serde_json::json!({"tables": [{"name": "users"}], "url": "postgres://a:topsecret@h/db"});
        let s = schema_analysis_prompt(&SchemaPrompt {
            engine: Engine::Sqlite,
            schema: &schema,
            focus_tables: &["users".into()],
            findings: &[],
            tools: false,
        });
        assert!(s.contains("`users`") && !s.contains("topsecret") && !s.contains("execute_query"));

        let r = analyze_caching(
            Engine::Mysql,
            &parse_query_log("5\tSELECT a FROM t WHERE id = 1\n").unwrap(),
        );
        let c = caching_prompt(&r, false);
        assert!(c.contains("freq 5") && c.contains("SELECT a FROM t WHERE id = ?"));

        let review = review_config(
            "[connections.x]\nengine=\"mysql\"\nhost=\"10.0.0.1\"\npassword=\"pw123456\"\n",
        )
        .unwrap();
        let cp = config_review_prompt(&review);
        assert!(
            cp.contains("plaintext-secret") && !cp.contains("pw123456"),
            "{cp}"
        );
    }
}
