//! `xldb-codex schema`: extract a database schema and print it as JSON, a table or Markdown.
//!
//! Thin: URL parsing, connection, catalog queries and the model all live in `db-schema`; this
//! file maps flags to its [`db_schema::Options`], renders the result, shows progress on a
//! terminal, and maps errors to exit codes (bad URL, unknown scheme, engine not built in: 2;
//! unreachable server, bad credentials, failed query: 1). The URL's password never reaches
//! the output: `db-schema` masks it in every message and this file never prints the URL.

use crate::exit::{Exit, UsageError};
use db_schema::{Options, Progress, Schema, Table};
use std::io::{IsTerminal, Write};
use std::time::Duration;

/// Output formats of `xldb-codex schema`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The documented JSON model (`docs/schema.json`).
    Json,
    /// A human-readable table per relation.
    Table,
    /// Markdown, one section per relation.
    Markdown,
}

/// Arguments of `xldb-codex schema`.
#[derive(clap::Args)]
pub struct SchemaArgs {
    /// Database URL: postgres://, mysql:// or mariadb://, clickhouse://HOST:HTTP_PORT/DB,
    /// sqlite://PATH, duckdb://PATH (absolute paths take three slashes), mssql://, oracle://.
    #[arg(
        long,
        env = "XLDB_CODEX_DB",
        hide_env_values = true,
        value_name = "URL"
    )]
    db: String,

    /// Only this schema (MySQL/ClickHouse: database; Oracle: owner).
    #[arg(long, value_name = "S")]
    schema: Option<String>,

    /// Only these tables, comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "A,B")]
    tables: Option<Vec<String>>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,

    /// Statement timeout in seconds (the session is also read-only).
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    timeout: u64,
}

impl std::fmt::Debug for SchemaArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may hold a password: show it only in its masked form.
        let db = db_schema::DatabaseUrl::parse(&self.db)
            .map(|u| u.to_string())
            .unwrap_or_else(|_| "<unparsable>".to_owned());
        f.debug_struct("SchemaArgs")
            .field("db", &db)
            .field("schema", &self.schema)
            .field("tables", &self.tables)
            .field("format", &self.format)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// Draws `[2/6] columns` on stderr when it is a terminal.
struct TtyProgress;

impl Progress for TtyProgress {
    fn on_query(&self, index: usize, total: usize, name: &str) {
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K[{index}/{total}] reading {name}…");
        let _ = err.flush();
    }
}

/// Run `xldb-codex schema`.
pub fn run(args: SchemaArgs) -> anyhow::Result<Exit> {
    let mut options = Options::default();
    options.filter.schema = args.schema.clone();
    options.filter.tables = args.tables.clone().map(|t| {
        t.into_iter()
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty())
            .collect()
    });
    options.connect.statement_timeout = Duration::from_secs(args.timeout.max(1));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let tty = std::io::stderr().is_terminal();
    let progress: &dyn Progress = if tty { &TtyProgress } else { &() };
    let result = runtime.block_on(db_schema::extract_url(&args.db, &options, progress));
    if tty {
        eprint!("\r\x1b[2K");
    }
    let schema = match result {
        Ok(s) => s,
        Err(e) if e.is_usage() => return Err(UsageError(e.to_string()).into()),
        Err(e) => return Err(anyhow::Error::new(e)),
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match args.format {
        // Streamed: a 20,000-table schema is ~85 MB of JSON, no need to hold it twice.
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &schema)?;
            out.write_all(b"\n")?;
        }
        Format::Table => out.write_all(render_table(&schema).as_bytes())?,
        Format::Markdown => out.write_all(render_markdown(&schema).as_bytes())?,
    }
    out.flush()?;
    Ok(Exit::Ok)
}

fn qualified(t: &Table) -> String {
    match &t.schema {
        Some(s) => format!("{s}.{}", t.name),
        None => t.name.clone(),
    }
}

/// `PK`, `FK → t(c)`, `UQ` markers for a column.
fn key_marks(t: &Table, column: &str) -> String {
    let mut marks = Vec::new();
    if t.primary_key
        .as_ref()
        .is_some_and(|pk| pk.columns.iter().any(|c| c == column))
    {
        marks.push("PK".to_owned());
    }
    for fk in &t.foreign_keys {
        if let Some(i) = fk.columns.iter().position(|c| c == column) {
            let rc = fk.referenced_columns.get(i).cloned().unwrap_or_default();
            marks.push(format!("FK → {}({rc})", fk.referenced_table));
        }
    }
    if t.unique_constraints
        .iter()
        .any(|u| u.columns.len() == 1 && u.columns[0] == column)
    {
        marks.push("UQ".to_owned());
    }
    marks.join(", ")
}

fn index_line(ix: &db_schema::Index) -> String {
    let parts: Vec<String> = ix
        .columns
        .iter()
        .map(|p| {
            let base = p
                .column
                .clone()
                .or_else(|| p.expression.clone())
                .unwrap_or_default();
            if p.descending {
                format!("{base} DESC")
            } else {
                base
            }
        })
        .collect();
    let mut s = format!(
        "{}{} ({})",
        if ix.unique { "unique " } else { "" },
        ix.name,
        parts.join(", ")
    );
    if let Some(m) = &ix.method {
        s.push_str(&format!(" using {m}"));
    }
    if let Some(p) = &ix.predicate {
        s.push_str(&format!(" where {p}"));
    }
    s
}

fn summary_lines(t: &Table) -> Vec<String> {
    let mut lines = Vec::new();
    for ix in &t.indexes {
        lines.push(format!("index {}", index_line(ix)));
    }
    for u in &t.unique_constraints {
        lines.push(format!(
            "unique {}({})",
            u.name.clone().unwrap_or_default(),
            u.columns.join(", ")
        ));
    }
    for c in &t.checks {
        lines.push(format!(
            "check {}{}",
            c.name
                .as_ref()
                .map(|n| format!("{n}: "))
                .unwrap_or_default(),
            c.expression
        ));
    }
    for fk in &t.foreign_keys {
        lines.push(format!(
            "foreign key ({}) → {}({}){}",
            fk.columns.join(", "),
            fk.referenced_table,
            fk.referenced_columns.join(", "),
            fk.on_delete
                .as_ref()
                .filter(|a| *a != "NO ACTION")
                .map(|a| format!(" on delete {a}"))
                .unwrap_or_default()
        ));
    }
    lines
}

fn render_table(schema: &Schema) -> String {
    let mut out = String::new();
    for t in &schema.tables {
        out.push_str(&format!("{} ({})", qualified(t), t.kind));
        if let Some(c) = &t.comment {
            out.push_str(&format!(" — {c}"));
        }
        out.push('\n');
        let mut table = comfy_table::Table::new();
        table.load_style(comfy_table::presets::UTF8_FULL_CONDENSED);
        table.set_header(["column", "type", "null", "default", "key", "comment"]);
        for c in &t.columns {
            table.add_row([
                c.name.clone(),
                c.data_type.clone(),
                if c.nullable { "yes" } else { "no" }.to_owned(),
                c.default.clone().unwrap_or_default(),
                key_marks(t, &c.name),
                c.comment.clone().unwrap_or_default(),
            ]);
        }
        out.push_str(&table.to_string());
        out.push('\n');
        for line in summary_lines(t) {
            out.push_str(&format!("  {line}\n"));
        }
        out.push('\n');
    }
    out
}

/// Markdown table cells: pipes and newlines would break the row.
fn md(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

fn render_markdown(schema: &Schema) -> String {
    let mut out = format!(
        "# Schema ({}{})\n\n",
        schema.engine,
        schema
            .server_version
            .as_ref()
            .map(|v| format!(" {v}"))
            .unwrap_or_default()
    );
    for t in &schema.tables {
        out.push_str(&format!("## `{}` ({})\n\n", md(&qualified(t)), t.kind));
        if let Some(c) = &t.comment {
            out.push_str(&format!("{}\n\n", md(c)));
        }
        out.push_str(
            "| column | type | null | default | key | comment |\n|---|---|---|---|---|---|\n",
        );
        for c in &t.columns {
            out.push_str(&format!(
                "| `{}` | `{}` | {} | {} | {} | {} |\n",
                md(&c.name),
                md(&c.data_type),
                if c.nullable { "yes" } else { "no" },
                c.default
                    .as_deref()
                    .map(|d| format!("`{}`", md(d)))
                    .unwrap_or_default(),
                md(&key_marks(t, &c.name)),
                md(c.comment.as_deref().unwrap_or("")),
            ));
        }
        let lines = summary_lines(t);
        if !lines.is_empty() {
            out.push('\n');
            for l in lines {
                out.push_str(&format!("- {}\n", md(&l)));
            }
        }
        out.push('\n');
    }
    out
}
