//! `xldb-codex analyze schema|query|caching|config`: local analysis, then Codex, with a
//! fallback to the local analysis when Codex is unavailable.

use crate::exit::{Exit, UsageError};
use crate::input;
use crate::interrupt;
use crate::policy_bridge::{load_policy, TtyHuman};
use crate::render;
use crate::settings::{CodexArgs, Format, OutputArgs, Settings};
use crate::spinner;
use anyhow::Context as _;
use serde_json::json;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use xldb_workflows as wf;
use xldb_workflows::{AssistantError, AssistantOutcome, Dialect};

/// Arguments of `xldb-codex analyze`.
#[derive(Debug, clap::Args)]
pub struct AnalyzeArgs {
    #[command(subcommand)]
    command: AnalyzeCommand,
}

#[derive(Debug, clap::Subcommand)]
enum AnalyzeCommand {
    /// Review a database schema (design, keys, indexes, relationships).
    Schema(Box<SchemaArgs>),
    /// Optimize one query: plan, timing, a validated rewrite.
    Query(Box<QueryArgs>),
    /// Rank a workload for result caching: what to cache, TTLs, invalidation.
    Caching(Box<CachingArgs>),
    /// Review an xldb_proxy TOML configuration (secrets are redacted before anything leaves).
    Config(Box<ConfigArgs>),
}

#[derive(Debug, clap::Args)]
struct SchemaArgs {
    /// Database URL (`sqlite:///path.db`, `postgres://user@host/db`, …).
    #[arg(long, env = "XLDB_CODEX_DB")]
    db: String,
    /// Focus on these tables (comma-separated): they and their foreign-key neighbours come
    /// first in the schema map sent to Codex.
    #[arg(long, value_delimiter = ',')]
    tables: Vec<String>,
    /// Cover the whole schema: split it into parts that each fit the prompt budget (along
    /// foreign keys), analyse each in its own turn, then merge the answers in one more turn.
    #[arg(long)]
    thorough: bool,
    #[command(flatten)]
    codex: CodexArgs,
    #[command(flatten)]
    output: OutputArgs,
    #[command(flatten)]
    gate: Gate,
}

#[derive(Debug, clap::Args)]
struct QueryArgs {
    /// Database URL; without it the query is analyzed without plan or timing.
    #[arg(long, env = "XLDB_CODEX_DB")]
    db: Option<String>,
    /// The query.
    #[arg(long, required_unless_present = "sql_file")]
    sql: Option<String>,
    /// Read the query from a file (`-`: the standard input).
    #[arg(long, value_name = "FILE", conflicts_with = "sql")]
    sql_file: Option<PathBuf>,
    /// SQL dialect when no `--db` is given (sqlite, postgres, mysql, clickhouse, duckdb, mssql, oracle).
    #[arg(long)]
    engine: Option<String>,
    /// Collect `EXPLAIN ANALYZE` (runs the query; only for read-only statements).
    #[arg(long)]
    analyze: bool,
    /// Compare plans and timings of the original and the proposed query.
    #[arg(long)]
    verify: bool,
    /// Neither read nor write the suggestion cache.
    #[arg(long)]
    no_cache: bool,
    #[command(flatten)]
    codex: CodexArgs,
    #[command(flatten)]
    output: OutputArgs,
    #[command(flatten)]
    gate: Gate,
}

#[derive(Debug, clap::Args)]
struct CachingArgs {
    /// Query log: one SQL per line, or `frequency<TAB>sql` (`-`: the standard input).
    #[arg(long, value_name = "FILE", required_unless_present = "db")]
    queries: Option<PathBuf>,
    /// Database URL; PostgreSQL adds `pg_stat_statements` when it is available.
    #[arg(long, env = "XLDB_CODEX_DB")]
    db: Option<String>,
    /// SQL dialect of the log when no `--db` is given.
    #[arg(long)]
    engine: Option<String>,
    #[command(flatten)]
    codex: CodexArgs,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Debug, clap::Args)]
struct ConfigArgs {
    /// The xldb_proxy configuration (TOML); `-` reads the standard input.
    file: PathBuf,
    #[command(flatten)]
    codex: CodexArgs,
    #[command(flatten)]
    output: OutputArgs,
    #[command(flatten)]
    gate: Gate,
}

/// `--fail-on`: the CI gate of `analyze` (as `sqlfluff lint` and `tbls lint` have).
#[derive(Debug, Clone, clap::Args)]
struct Gate {
    /// Exit with code 5 when a local finding is at least this severe (error, warning or info):
    /// a CI gate. Codex's own answer does not count, only the local findings it is given.
    #[arg(long, value_enum, value_name = "LEVEL")]
    fail_on: Option<FailOn>,
}

/// The lowest severity `--fail-on` fails on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum FailOn {
    /// Only errors.
    Error,
    /// Warnings and errors.
    Warning,
    /// Any finding.
    Info,
}

impl Gate {
    /// [`Exit::Findings`] when a finding reaches the level (the count is said on stderr),
    /// else success.
    fn exit(&self, findings: &[wf::Finding]) -> Exit {
        let Some(level) = self.fail_on else {
            return Exit::Ok;
        };
        let least = match level {
            FailOn::Error => wf::Severity::Error,
            FailOn::Warning => wf::Severity::Warning,
            FailOn::Info => wf::Severity::Info,
        };
        let failing = findings.iter().filter(|f| f.severity >= least).count();
        if failing == 0 {
            return Exit::Ok;
        }
        eprintln!("{failing} finding(s) at or above `{least}` (--fail-on {least})");
        Exit::Findings
    }
}

/// Run `xldb-codex analyze …`.
pub fn run(args: AnalyzeArgs) -> anyhow::Result<Exit> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(async {
        interrupt::install()?;
        match args.command {
            AnalyzeCommand::Schema(a) => schema(*a).await,
            AnalyzeCommand::Query(a) => query(*a).await,
            AnalyzeCommand::Caching(a) => caching(*a).await,
            AnalyzeCommand::Config(a) => config(*a).await,
        }
    })
}

fn engine_of(db: Option<&str>, engine: Option<&str>) -> anyhow::Result<Dialect> {
    if let Some(e) = engine {
        return xldb_workflows::dialect_named(e).map_err(|e| UsageError(e.to_string()).into());
    }
    match db {
        Some(url) => xldb_workflows::dialect_for_url(url).ok_or_else(|| {
            UsageError(format!(
                "cannot tell the engine of `{}`; add --engine",
                codex_session::redact_text(url)
            ))
            .into()
        }),
        None => Ok(Dialect::Generic),
    }
}

/// How Codex is run. With a database, our MCP server is registered, and the URL (which may
/// hold a password) is handed to it over a private socket ([`wf::UrlHandoff`]): Codex sees
/// only the socket's path and a token; never the URL, a command line or a file holding it.
fn assistant_config(
    s: &Settings,
    db: Option<&wf::UrlHandoff>,
    store: Option<&Arc<xldb_store::Store>>,
) -> anyhow::Result<wf::AssistantConfig> {
    let policy = Arc::new(load_policy(&s.policy)?);
    let cwd = std::env::current_dir().unwrap_or_else(|_| std::env::temp_dir());
    // Fleet mode: the store gets every audit record, and queues `ask` when no terminal is
    // attached.
    let (audit, queue) = match store {
        Some(store) => {
            let explain = crate::fleet::policy_explainer(policy.clone(), cwd.clone());
            let (audit, queue) = crate::fleet::session_parts(store, s.fleet.approval_wait, explain);
            (Some(audit), Some(queue))
        }
        None => (None, None),
    };
    let mcp_server = match db {
        Some(handoff) => Some(wf::McpServerSpec {
            command: std::env::current_exe().context("locating the xldb-codex binary")?,
            args: vec!["mcp".into(), "serve".into()],
            env: handoff.env(),
        }),
        None => None,
    };
    Ok(wf::AssistantConfig {
        codex_bin: s.codex_bin.clone(),
        timeout: s.codex_timeout,
        turn_timeout: s.turn_timeout,
        unreachable_timeout: s.unreachable_timeout,
        interrupt: Some(interrupt::receiver()),
        model: s.model.clone(),
        profile: s.profile.clone(),
        approval_policy: s.approval_policy.clone(),
        sandbox: s.sandbox.clone(),
        policy,
        human: TtyHuman::if_interactive().or(queue),
        audit_log: s.audit_log.clone(),
        approval_wait: audit.as_ref().map(|_| s.fleet.approval_wait),
        audit,
        mcp_server,
        cwd,
        env: Vec::new(),
        protocol: s.protocol,
    })
}

/// Progress on stderr while Codex works (`--json` keeps stderr quiet: the result carries the
/// same facts), and the phase of the status line ([`spinner`], on a terminal only).
fn progress(format: Format) -> impl FnMut(wf::AssistantProgress<'_>) + Send {
    move |p| {
        if format == Format::Json {
            return;
        }
        let ev = match p {
            wf::AssistantProgress::Connected(server) => {
                let how = if server.detected {
                    "detected from its version"
                } else {
                    "forced"
                };
                spinner::line(&format!(
                    "· Codex {} speaking {} ({how})",
                    server.version, server.protocol
                ));
                return;
            }
            wf::AssistantProgress::ToolCall { server, tool } => {
                spinner::line(&format!("· tool call: {tool}"));
                spinner::phase(Some(format!("calling {server}.{tool}")));
                return;
            }
            wf::AssistantProgress::Event(ev) => ev,
            _ => return,
        };
        use codex_session::Event as E;
        match ev {
            E::TurnStarted => {
                spinner::line("· Codex is working…");
                spinner::phase(Some("waiting for the model".into()));
            }
            E::CommandStarted { command, .. } => {
                let command = codex_session::redact_text(&command.join(" ")).into_owned();
                spinner::line(&format!("· running: {command}"));
                spinner::phase(Some(format!("running `{}`", short(&command))));
            }
            E::CommandFinished { .. } => spinner::phase(Some("waiting for the model".into())),
            E::ApprovalDecided {
                subject,
                decision,
                decided_by,
                ..
            } => {
                let subject = codex_session::redact_text(&subject.join(" ")).into_owned();
                spinner::line(&format!("· {decided_by} decided {decision:?}: {subject}"));
                if decision.is_approval() {
                    spinner::phase(Some(format!("running `{}` (approved)", short(&subject))));
                }
            }
            E::Error { message } | E::StreamError { message } => {
                spinner::line(&format!("· error: {}", codex_session::redact_text(message)))
            }
            _ => {}
        }
    }
}

/// A command cut to fit a status line.
fn short(command: &str) -> String {
    const MAX: usize = 60;
    let line = command.lines().next().unwrap_or("");
    if line.chars().count() <= MAX && !command.contains('\n') {
        return line.to_owned();
    }
    format!("{}…", line.chars().take(MAX).collect::<String>())
}

/// Why Codex's answer is missing: it could not be used, or it refused our input.
#[derive(Debug, Clone)]
pub(crate) struct Fallback {
    /// `true`: Codex or the model refused the prompt as too long (not an outage).
    pub(crate) refused: bool,
    /// The reason, redacted.
    pub(crate) why: String,
}

/// The one-line progress report of a prompt about to be sent.
pub(crate) fn report_prompt(prompt: &wf::Prompt, format: Format, part: Option<(usize, usize)>) {
    if format == Format::Json {
        return;
    }
    let part = part.map_or(String::new(), |(n, of)| format!("part {n}/{of}: "));
    let left_out = if prompt.left_out.is_empty() {
        String::new()
    } else {
        format!("; {}", prompt.left_out.join("; "))
    };
    eprintln!(
        "· {part}prompt of {} tokens (budget {}, {}){left_out}",
        prompt.tokens,
        prompt.budget,
        wf::TOKENIZER
    );
}

/// The progress line of the token usage Codex reported for an answer.
pub(crate) fn report_usage(
    outcome: &AssistantOutcome,
    format: Format,
    part: Option<(usize, usize)>,
) {
    if format == Format::Json {
        return;
    }
    if let Some(t) = outcome.token_usage {
        let part = part.map_or(String::new(), |(n, of)| format!("part {n}/{of}: "));
        eprintln!(
            "· {part}Codex used {} input and {} output tokens ({} total)",
            t.input, t.output, t.total
        );
    }
}

/// Ask Codex unless offline; `Ok((None, Some(fallback)))` means fall back (the reason is
/// printed).
async fn consult(
    s: &Settings,
    db: Option<&str>,
    prompt: &wf::Prompt,
    format: Format,
) -> anyhow::Result<(Option<AssistantOutcome>, Option<Fallback>)> {
    if s.offline {
        return Ok((None, None));
    }
    report_prompt(prompt, format, None);
    ask(s, db, &prompt.text, format).await
}

/// One question to Codex (a new session and conversation), with the fallback rules: an audit
/// failure is fatal, `--no-fallback` turns any other failure into an error.
async fn ask(
    s: &Settings,
    db: Option<&str>,
    text: &str,
    format: Format,
) -> anyhow::Result<(Option<AssistantOutcome>, Option<Fallback>)> {
    match ask_once(s, db, text, format).await? {
        Ok(outcome) => {
            report_usage(&outcome, format, None);
            Ok((Some(outcome), None))
        }
        Err(fallback) => {
            // A refusal of our input is said as it is: Codex is there, the prompt is too big.
            let said = if fallback.refused {
                fallback.why.clone()
            } else {
                format!("Codex unavailable: {}", fallback.why)
            };
            if s.no_fallback {
                anyhow::bail!("{said} (--no-fallback given)");
            }
            if format != Format::Json {
                eprintln!("{said}; showing local analysis");
            }
            Ok((None, Some(fallback)))
        }
    }
}

/// One question to Codex: its answer, or why there is none. The outer error is fatal (the
/// audit log cannot be opened, the policy does not load).
pub(crate) async fn ask_once(
    s: &Settings,
    db: Option<&str>,
    text: &str,
    format: Format,
) -> anyhow::Result<Result<AssistantOutcome, Fallback>> {
    interrupt::check()?;
    let store = crate::fleet::open(&s.fleet).await?;
    // Lives until Codex is done; dropped on every way out (the folder goes with it).
    let handoff = match db {
        Some(url) => Some(wf::UrlHandoff::start(url).context(
            "cannot open the private socket that hands the database URL to the MCP server",
        )?),
        None => None,
    };
    if let Some(folder) = handoff.as_ref().and_then(|h| h.socket().parent()) {
        interrupt::remove_on_exit(folder);
    }
    let config = assistant_config(s, handoff.as_ref(), store.as_ref())?;
    let _status = spinner::Spinner::start(format != Format::Json);
    spinner::phase(Some("starting Codex".into()));
    match wf::ask_codex(&config, text, progress(format)).await {
        Ok(outcome) => Ok(Ok(outcome)),
        Err(AssistantError::Interrupted) => Err(interrupt::Interrupted.into()),
        Err(e @ AssistantError::Audit { .. }) => Err(e.into()),
        Err(e) => Ok(Err(Fallback {
            refused: matches!(e, AssistantError::PromptTooLarge { .. }),
            why: codex_session::redact_text(&e.to_string()).into_owned(),
        })),
    }
}

/// `--print-prompt`: the prompt exactly as it would be sent.
pub(crate) fn print_prompt(prompt: &wf::Prompt) {
    print!("{}", prompt.text);
    if !prompt.text.ends_with('\n') {
        println!();
    }
}

fn print_answer(outcome: &AssistantOutcome, format: Format) {
    match format {
        Format::Markdown => println!("\n## Codex\n\n{}\n", outcome.final_message),
        _ => println!("\n== Codex ==\n{}\n", outcome.final_message),
    }
    if !outcome.denied.is_empty() {
        println!("Denied by policy during the analysis:");
        for d in &outcome.denied {
            println!("  - {} ({})", d.subject.join(" "), d.decided_by);
        }
    }
    if let Some(t) = outcome.token_usage {
        println!(
            "Tokens: {} in, {} out, {} total",
            t.input, t.output, t.total
        );
    }
}

pub(crate) fn json_result(
    kind: &str,
    local: serde_json::Value,
    outcome: &Option<AssistantOutcome>,
    fallback: &Option<Fallback>,
    prompt: Option<&wf::Prompt>,
    extra: serde_json::Value,
) -> serde_json::Value {
    let why = |refused: bool| {
        fallback
            .as_ref()
            .filter(|f| f.refused == refused)
            .map(|f| f.why.clone())
    };
    let mut doc = json!({
        "analysis": kind,
        "source": if outcome.is_some() { "codex" } else { "local" },
        "codex_unavailable": why(false),
        "codex_refused": why(true),
        "prompt": prompt.map(|p| json!({
            "tokens": p.tokens,
            "budget": p.budget,
            "tokenizer": wf::TOKENIZER,
            "left_out": p.left_out,
        })),
        "local": local,
        "codex": outcome,
    });
    if let (Some(m), Some(e)) = (doc.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            m.insert(k.clone(), v.clone());
        }
    }
    doc
}

async fn extract_schema(db: &str, tables: &[String]) -> anyhow::Result<db_schema::Schema> {
    let mut options = db_schema::Options::default();
    if !tables.is_empty() {
        options.filter.tables = Some(tables.to_vec());
    }
    db_schema::extract_url(db, &options, &())
        .await
        .map_err(|e| anyhow::anyhow!("{}", codex_session::redact_text(&e.to_string())))
}

async fn schema(a: SchemaArgs) -> anyhow::Result<Exit> {
    let s = a.codex.resolve()?;
    let format = a.output.format();
    let engine = engine_of(Some(&a.db), None).unwrap_or(Dialect::Generic);
    // The whole schema: `--tables` focuses the map, it does not hide the rest from the model.
    let schema = extract_schema(&a.db, &[]).await?;
    // A typo in `--tables` is an error naming the nearest tables, never a silent "no findings".
    let focus = if a.tables.is_empty() {
        Vec::new()
    } else {
        db_schema::resolve_table_names(&schema, &a.tables)
            .map_err(|e| UsageError(codex_session::redact_text(&e.to_string()).into_owned()))?
    };
    let findings = wf::analyze_schema(&schema, wf::SchemaLintOptions::for_schema(&schema));
    if a.thorough {
        let exit = crate::thorough::run(&s, &a.db, engine, &schema, &findings, format).await?;
        return Ok(if exit == Exit::Ok {
            a.gate.exit(&findings)
        } else {
            exit
        });
    }
    let prompt = wf::schema_analysis_prompt(&wf::SchemaPrompt {
        engine,
        schema: &schema,
        focus_tables: &focus,
        findings: &findings,
        tools: true,
        budget: s.prompt_budget,
        part: None,
    });
    if s.print_prompt {
        print_prompt(&prompt);
        return Ok(Exit::Ok);
    }
    let (outcome, fallback) = consult(&s, Some(&a.db), &prompt, format).await?;
    if format == Format::Json {
        let doc = json_result(
            "schema",
            json!({"tables": schema.tables.len(), "findings": findings}),
            &outcome,
            &fallback,
            Some(&prompt),
            json!({}),
        );
        println!("{}", serde_json::to_string_pretty(&doc)?);
        return Ok(a.gate.exit(&findings));
    }
    print_schema_result(&schema, &findings, outcome.as_ref(), format);
    Ok(a.gate.exit(&findings))
}

/// The text result of `analyze schema`: the local findings, then Codex's answer when there is
/// one.
pub(crate) fn print_schema_result(
    schema: &db_schema::Schema,
    findings: &[wf::Finding],
    outcome: Option<&AssistantOutcome>,
    format: Format,
) {
    print!(
        "{}",
        render::heading(
            &format!("Local analysis of {} table(s)", schema.tables.len()),
            format
        )
    );
    print!("{}", render::findings(findings, format));
    if let Some(o) = outcome {
        print_answer(o, format);
    }
}

async fn query(a: QueryArgs) -> anyhow::Result<Exit> {
    let s = a.codex.resolve()?;
    let format = a.output.format();
    let sql = match (&a.sql, &a.sql_file) {
        (Some(q), _) => q.clone(),
        (None, Some(f)) => input::read_text(f)?,
        (None, None) => return Err(UsageError("give --sql or --sql-file".into()).into()),
    };
    let engine = engine_of(a.db.as_deref(), a.engine.as_deref())?;
    // Parse first: a query that does not parse, or holds no statement, is bad input, found
    // before any database is touched (an empty query once printed "No findings.").
    let parsed = wf::analyze_query(
        engine,
        &sql,
        &wf::SchemaFacts::default(),
        Default::default(),
    )
    .map_err(|e| UsageError(e.to_string()))?;
    if parsed.statements == 0 {
        return Err(UsageError(
            "the query is empty: give a statement with --sql or --sql-file".into(),
        )
        .into());
    }
    let mut facts = wf::SchemaFacts::default();
    let mut involved: Vec<db_schema::Table> = Vec::new();
    let mut tools = None;
    let mut measured = None;
    if let Some(db) = &a.db {
        let schema = extract_schema(db, &[]).await?;
        facts = wf::schema_facts(&schema);
        let names = wf::referenced_tables(engine, &sql);
        // Only the tables the query names go to the model (the map of the rest is a
        // `list_tables` call away).
        involved = schema
            .tables
            .iter()
            .filter(|t| {
                let qualified = t
                    .schema
                    .as_ref()
                    .map(|s| format!("{s}.{}", t.name).to_ascii_lowercase());
                names.contains(&t.name.to_ascii_lowercase())
                    || qualified.is_some_and(|q| names.contains(&q))
            })
            .cloned()
            .collect();
        let mut t = wf::DbTools::connect(
            db,
            wf::DbToolsOptions {
                row_limit: 200,
                timeout: Duration::from_secs(30),
                ..wf::DbToolsOptions::default()
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        // Ctrl-C cancels the query on the server (a slow `EXPLAIN ANALYZE` would run on).
        let canceller = t.canceller();
        measured = Some(
            interrupt::cancellable(canceller, wf::measure(&mut t, engine, &sql, a.analyze)).await?,
        );
        tools = Some(t);
    }
    let local = wf::analyze_query(engine, &sql, &facts, wf::QueryLintOptions::default())
        .map_err(|e| UsageError(e.to_string()))?;
    let fp = wf::fingerprint(engine, &sql);

    let cache = crate::suggestions::Suggestions::open(&s, a.no_cache, &involved).await?;
    let cached = match &cache {
        Some(c) => c.get(&fp, engine).await,
        None => None,
    };
    let involved_refs: Vec<&db_schema::Table> = involved.iter().collect();
    let m = measured.as_ref();
    let prompt = wf::query_optimization_prompt(&wf::QueryPrompt {
        engine,
        sql: &codex_session::redact_text(&sql),
        plan: m.and_then(|m| m.plan.as_deref()),
        elapsed_ms: m.and_then(|m| m.elapsed_ms),
        rows: m.and_then(|m| m.rows),
        tables: &involved_refs,
        findings: &local.findings,
        tools: a.db.is_some(),
        budget: s.prompt_budget,
    });
    if s.print_prompt {
        print_prompt(&prompt);
        return Ok(Exit::Ok);
    }
    // A query the database cannot plan or run is the answer: it is shown, and the command
    // fails, without asking Codex about a query that does not work here.
    let db_error = measured
        .as_ref()
        .and_then(wf::Measured::error)
        .map(str::to_owned);
    let (outcome, fallback, from_cache) = match cached {
        _ if db_error.is_some() => (None, None, false),
        Some(hit) => (wf::cached_outcome(&hit), None, true),
        None => {
            let (o, u) = consult(&s, a.db.as_deref(), &prompt, format).await?;
            (o, u, false)
        }
    };
    let proposals = outcome
        .as_ref()
        .map(|o| {
            wf::check_proposals(engine, &o.sql_blocks, |q| {
                let v = wf::check_read_only(engine, q);
                (v.allowed, v.reason)
            })
        })
        .unwrap_or_default();
    if let (Some(c), Some(o), false) = (&cache, &outcome, from_cache) {
        c.put(&fp, engine, &serde_json::to_value(o)?).await;
    }
    let mut verification = None;
    if a.verify {
        if let (Some(t), Some(best)) = (tools.as_mut(), proposals.iter().find(|p| p.is_valid())) {
            let canceller = t.canceller();
            let proposed =
                interrupt::cancellable(canceller, wf::measure(t, engine, &best.sql, a.analyze))
                    .await?;
            verification =
                Some(json!({"original": measured, "proposed": proposed, "proposed_sql": best.sql}));
        }
    }

    if format == Format::Json {
        let doc = json_result(
            "query",
            json!({"engine": engine, "fingerprint": fp, "findings": local.findings, "measured": measured}),
            &outcome,
            &fallback,
            (!from_cache).then_some(&prompt),
            json!({"cached": from_cache, "proposals": proposals, "verification": verification, "error": db_error}),
        );
        println!("{}", serde_json::to_string_pretty(&doc)?);
        return Ok(query_exit(db_error.as_deref(), &local.findings, &a.gate));
    }
    print!("{}", render::heading("Local analysis", format));
    println!("fingerprint {} ({})", fp.hash, fp.normalized);
    if let Some(m) = &measured {
        if let Some(p) = &m.plan {
            println!("plan:\n{p}");
        }
        if let Some(e) = &m.plan_error {
            println!("plan failed: {e}");
        }
        if let Some(ms) = m.elapsed_ms {
            println!("ran in {ms:.1} ms, {} row(s)", m.rows.unwrap_or(0));
        }
        if let Some(e) = &m.run_error {
            println!("run failed: {e}");
        }
        if let Some(why) = &m.not_run {
            println!("not run: {why}");
        }
    }
    print!("{}", render::findings(&local.findings, format));
    if let Some(o) = &outcome {
        if from_cache {
            println!("\n(suggestion from the cache: same query shape, asked before; --no-cache to ask again)");
        }
        print_answer(o, format);
        for p in &proposals {
            if p.is_valid() {
                println!(
                    "Proposed query parses as {engine} and is read-only:\n{}\n",
                    p.sql
                );
            } else if !p.parses {
                println!(
                    "A proposed query does not parse as {engine} ({}): ignored.",
                    p.parse_error.clone().unwrap_or_default()
                );
            } else {
                println!(
                    "A proposed query is not read-only ({}): not run.",
                    p.read_only_reason.clone().unwrap_or_default()
                );
            }
        }
    }
    if let Some(v) = &verification {
        print!("{}", render::heading("Verification", format));
        println!("{}", serde_json::to_string_pretty(v)?);
    }
    Ok(query_exit(db_error.as_deref(), &local.findings, &a.gate))
}

/// The exit of `analyze query`: a failure when the database could not plan or run the query
/// (said on stderr; the report shows it too), else the `--fail-on` gate.
fn query_exit(db_error: Option<&str>, findings: &[wf::Finding], gate: &Gate) -> Exit {
    match db_error {
        Some(e) => {
            eprintln!("error: the database could not plan or run the query: {e}");
            Exit::Failure
        }
        None => gate.exit(findings),
    }
}

async fn caching(a: CachingArgs) -> anyhow::Result<Exit> {
    let s = a.codex.resolve()?;
    let format = a.output.format();
    let engine = engine_of(a.db.as_deref(), a.engine.as_deref())?;
    let mut entries = Vec::new();
    if let Some(f) = &a.queries {
        let text = input::read_text(f)?;
        entries = wf::parse_query_log(&text)
            .map_err(|e| UsageError(format!("`{}`: {e}", input::display_name(f))))?;
    }
    let mut sources = vec![];
    if a.queries.is_some() {
        sources.push("file".to_string());
    }
    if let (Some(db), Dialect::Postgres) = (&a.db, engine) {
        let mut t = wf::DbTools::connect(
            db,
            wf::DbToolsOptions {
                row_limit: 1000,
                timeout: Duration::from_secs(30),
                ..wf::DbToolsOptions::default()
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        let canceller = t.canceller();
        let out = interrupt::cancellable(canceller, t.call("execute_query", &json!({"sql": "SELECT calls, query FROM pg_stat_statements ORDER BY calls DESC LIMIT 1000"}))).await?;
        if out.is_error {
            if format != Format::Json {
                eprintln!(
                    "pg_stat_statements is not available ({}); using the query file only",
                    out.text.lines().next().unwrap_or("")
                );
            }
        } else if let Some(rows) = out.structured["rows"].as_array() {
            for (i, r) in rows.iter().enumerate() {
                if let (Some(calls), Some(q)) = (r["calls"].as_u64(), r["query"].as_str()) {
                    entries.push(wf::QueryLogEntry {
                        line: i + 1,
                        frequency: calls.max(1),
                        sql: q.to_string(),
                    });
                }
            }
            sources.push("pg_stat_statements".into());
        }
    }
    if entries.is_empty() {
        return Err(UsageError("no queries to analyze (give --queries FILE)".into()).into());
    }
    let report = wf::analyze_caching(engine, &entries);
    let prompt = wf::caching_prompt(&report, a.db.is_some(), s.prompt_budget);
    if s.print_prompt {
        print_prompt(&prompt);
        return Ok(Exit::Ok);
    }
    let (outcome, fallback) = consult(&s, a.db.as_deref(), &prompt, format).await?;
    if format == Format::Json {
        let doc = json_result(
            "caching",
            serde_json::to_value(&report)?,
            &outcome,
            &fallback,
            Some(&prompt),
            json!({"sources": sources}),
        );
        println!("{}", serde_json::to_string_pretty(&doc)?);
        return Ok(Exit::Ok);
    }
    print!(
        "{}",
        render::heading(
            &format!(
                "Local ranking of {} statements in {} groups",
                report.total,
                report.groups.len()
            ),
            format
        )
    );
    let header = ["rank", "freq", "share", "kind", "query", "local advice"];
    let rows: Vec<Vec<String>> = report
        .groups
        .iter()
        .map(|g| {
            let advice = match &g.advice {
                wf::CacheAdvice::Cache {
                    ttl_secs,
                    invalidate_on_writes_to,
                } if invalidate_on_writes_to.is_empty() => format!("cache, ttl {ttl_secs}s"),
                wf::CacheAdvice::Cache {
                    ttl_secs,
                    invalidate_on_writes_to,
                } => format!(
                    "cache, ttl {ttl_secs}s; invalidate on writes to {}",
                    invalidate_on_writes_to.join(", ")
                ),
                wf::CacheAdvice::DoNotCache { reason } => format!("no: {reason}"),
            };
            vec![
                g.rank.to_string(),
                g.frequency.to_string(),
                format!("{:.1}%", g.share * 100.0),
                format!("{:?}", g.kind).to_lowercase(),
                g.normalized.clone(),
                advice,
            ]
        })
        .collect();
    print!(
        "{}",
        match format {
            Format::Markdown => render::markdown_table(&header, &rows),
            _ => render::table(&header, rows) + "\n",
        }
    );
    if let Some(o) = &outcome {
        print_answer(o, format);
    }
    Ok(Exit::Ok)
}

async fn config(a: ConfigArgs) -> anyhow::Result<Exit> {
    let s = a.codex.resolve()?;
    let format = a.output.format();
    let text = input::read_text(&a.file)?;
    let name = input::display_name(&a.file);
    let review = wf::review_config(&text).map_err(|e| UsageError(format!("`{name}`: {e}")))?;
    let prompt = wf::config_review_prompt(&review, s.prompt_budget);
    if s.print_prompt {
        print_prompt(&prompt);
        return Ok(Exit::Ok);
    }
    let (outcome, fallback) = consult(&s, None, &prompt, format).await?;
    if format == Format::Json {
        let doc = json_result(
            "config",
            json!({"findings": review.findings, "secrets_redacted": review.secrets_redacted}),
            &outcome,
            &fallback,
            Some(&prompt),
            json!({}),
        );
        println!("{}", serde_json::to_string_pretty(&doc)?);
        return Ok(a.gate.exit(&review.findings));
    }
    print!(
        "{}",
        render::heading(&format!("Local review of {name}"), format)
    );
    print!("{}", render::findings(&review.findings, format));
    if review.secrets_redacted > 0 {
        println!(
            "{} secret(s) redacted before anything left this machine.",
            review.secrets_redacted
        );
    }
    if let Some(o) = &outcome {
        print_answer(o, format);
    }
    Ok(a.gate.exit(&review.findings))
}
