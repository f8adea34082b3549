//! The assistant workflows of xldb-codex: the logic behind `xldb-codex analyze …`, `config …`,
//! `demo` and `mcp serve`, kept out of the binary so a proxy can link it.
//!
//! # Where things live
//!
//! Local analysis: `query_lint.rs`, `schema_lint.rs`, `config_review.rs`, `caching.rs`,
//! `fingerprint.rs`, `secret_columns.rs`, `privileges.rs`, `fk_graph.rs`, reporting
//! `finding.rs` · SQL dialects: `dialect.rs` (the one engine → dialect conversion) and
//! `read_only.rs` (the read-only gate) · Codex: `assistant.rs`, `prompts.rs`, `extract.rs`,
//! `tokens.rs`, `schema_map.rs`, `schema_parts.rs` · the MCP database tools: `db_tools.rs`,
//! `tool_args.rs`, `mcp_server.rs` · `cache.rs` (suggestion cache), `config_generate.rs`,
//! `demo.rs`, `redact.rs`, `error.rs`.
//!
//! # A tour
//!
//! - **Local analysis**, the fallback when Codex is unavailable and the first pass handed to it:
//!   [`analyze_query`] finds SQL anti-patterns on the sqlparser AST of each dialect ([`Dialect`]),
//!   [`review_config`] reviews an xldb_proxy TOML configuration. Both report [`Finding`]s with a
//!   severity, a location and a suggested fix.
//! - **Workload analysis**: [`fingerprint`] normalizes a query (literals stripped), [`parse_query_log`]
//!   and [`analyze_caching`] group a workload by fingerprint and rank cache candidates;
//!   [`SuggestionCache`] keeps Codex's answers per fingerprint and engine in SQLite with a TTL.
//! - **Talking to Codex**: the prompt renderers ([`schema_analysis_prompt`],
//!   [`query_optimization_prompt`], [`caching_prompt`], [`config_review_prompt`]), each within a
//!   token budget ([`count_tokens`], `o200k_base`; the schema as a ranked [`schema_map`] in the
//!   [`compact_table`] shorthand), and the answer
//!   readers ([`extract_sql_blocks`], [`extract_recommendations`], [`check_proposals`]);
//!   [`ask_codex`] runs one turn with every approval put to the policy, on whichever Codex
//!   generation is installed ([`AssistantConfig::protocol`]: detected by default, or forced),
//!   and reports the version and protocol it spoke ([`CodexServer`]).
//! - **Nothing sensitive leaves**: `codex-session`'s [`codex_session::redact_text`] is applied to
//!   everything sent to Codex or logged, after [`redact_toml`] on configurations.
//! - **Reading a schema**: [`render_table`] (wrapped to a terminal width) and
//!   [`render_markdown`]; entity-relationship diagrams planned by [`plan_diagrams`] (split per
//!   schema and foreign-key component past [`MAX_TABLES_PER_DIAGRAM`] tables, or a focus
//!   neighbourhood) and written by [`to_mermaid`] and [`to_dot`], drawn to SVG/PNG by
//!   Graphviz ([`render_dot`]); [`write_schema_doc`] writes a tbls-style documentation folder.
//! - **Generation**: [`generate_config`] writes a configuration that parses and passes the review.
//!
//! ```
//! use xldb_workflows::{analyze_query, fingerprint, Dialect, QueryLintOptions, SchemaFacts, Severity};
//!
//! let sql = "SELECT * FROM orders WHERE lower(email) = 'a@b.c' ORDER BY id LIMIT 20 OFFSET 100000";
//! let analysis = analyze_query(Dialect::Postgres, sql, &SchemaFacts::default(), QueryLintOptions::default())?;
//! let rules: Vec<_> = analysis.findings.iter().map(|f| f.rule).collect();
//! assert!(rules.contains(&"select-star") && rules.contains(&"deep-offset"));
//! assert!(analysis.findings.iter().all(|f| f.severity <= Severity::Warning));
//!
//! assert_eq!(fingerprint(Dialect::Postgres, sql).normalized,
//!            "SELECT * FROM orders WHERE lower(email) = ? ORDER BY id LIMIT ? OFFSET ?");
//! assert_eq!(codex_session::redact_text("mysql://root:pw@127.0.0.1/shop"), "mysql://root:***@127.0.0.1/shop");
//! # Ok::<(), xldb_workflows::WorkflowError>(())
//! ```
//!
//! # Cargo features
//!
//! None yet; the crate always builds the local analyzers, the SQLite suggestion cache
//! (`rusqlite`, bundled) and the prompt renderers.
#![deny(missing_docs)]

mod assistant;
mod cache;
mod caching;
mod config_generate;
mod config_keys;
mod config_review;
mod db_tools;
mod demo;
mod diagram;
mod dialect;
mod error;
mod extract;
mod finding;
mod fingerprint;
mod fk_graph;
mod foreign_keys;
mod mcp_server;
mod measure;
mod privileges;
mod prompts;
mod query_lint;
mod read_only;
mod redact;
mod schema_doc;
mod schema_lint;
mod schema_map;
mod schema_parts;
mod schema_text;
mod secret_columns;
mod tokens;
mod tool_args;
mod url_handoff;

pub use assistant::{
    ask_codex, AssistantConfig, AssistantError, AssistantOutcome, AssistantProgress, CodexServer,
    CommandSummary, DeniedSummary, McpServerSpec, Tokens,
};
pub use cache::{cached_outcome, CachedSuggestion, SuggestionCache};
pub use caching::{
    analyze_caching, parse_query_log, CacheAdvice, CachingReport, QueryGroup, QueryLogEntry,
    StatementKind,
};
pub use config_generate::{generate_config, Environment, Level, Requirements};
pub use config_review::{parse_config, review_config, ConfigReview};
pub use db_tools::{DbTools, DbToolsOptions, ToolOutput};
pub use demo::{create_demo_database, DEMO_COMMANDS, DEMO_QUERIES, DEMO_SHOP_SQL};
pub use diagram::dot::to_dot;
pub use diagram::graphviz::{graphviz_available, render_dot, ImageFormat};
pub use diagram::mermaid::to_mermaid;
pub use diagram::{
    folded_partitions, plan_diagrams, Diagram, DiagramOptions, DiagramPlan, MAX_TABLES_PER_DIAGRAM,
};
pub use dialect::{dialect_for_url, dialect_named, Dialect, WorkflowDialect};
pub use error::WorkflowError;
pub use extract::{
    check_proposals, extract_blocks, extract_recommendations, extract_sql_blocks, ProposedQuery,
};
pub use finding::{sort_findings, Finding, Location, Severity};
pub use fingerprint::{fingerprint, Fingerprint};
pub use mcp_server::{serve_mcp, serve_mcp_with, ServeOptions, MAX_LINE, MCP_PROTOCOL_VERSIONS};
pub use measure::{measure, plan_text, Measured};
pub use prompts::{
    base_instructions, caching_prompt, config_review_prompt, merge_prompt,
    query_optimization_prompt, schema_analysis_prompt, Prompt, QueryPrompt, SchemaPart,
    SchemaPrompt, DEFAULT_PROMPT_BUDGET, MCP_SERVER_NAME, MIN_PROMPT_BUDGET,
};
pub use query_lint::{
    analyze_query, referenced_tables, ColumnFacts, QueryAnalysis, QueryLintOptions, SchemaFacts,
};
pub use read_only::{check_query, check_read_only, ReadOnlyVerdict};
pub use redact::{redact_toml, redact_toml_table};
pub use schema_doc::{write_schema_doc, DocReport};
pub use schema_lint::{analyze_schema, schema_facts, SchemaLintOptions};
pub use schema_map::{compact_table, schema_map, MapRequest, SchemaMap};
pub use schema_parts::schema_parts;
pub use schema_text::{render_markdown, render_table, MIN_WIDTH};
pub use tokens::{count_tokens, TOKENIZER};
pub use url_handoff::{
    receive_url, HandoffError, UrlHandoff, HANDOFF_SOCKET_ENV, HANDOFF_TOKEN_ENV,
};
