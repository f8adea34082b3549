//! `xldb-codex schema`: extract a database schema and print it as JSON, a table, Markdown or
//! an entity-relationship diagram (Mermaid, DOT, SVG, PNG); `schema doc` writes a folder of
//! Markdown documentation.
//!
//! Thin: URL parsing, connection, catalog queries and the model all live in `db-schema`, the
//! renderings in `xldb-workflows` (`schema_text`, `diagram`, `schema_doc`); this file maps
//! flags to their options, prints the result, shows progress on a terminal, and maps errors to
//! exit codes (bad URL, unknown scheme, engine not built in: 2;
//! unreachable server, bad credentials, failed query: 1). The URL's password never reaches
//! the output: `db-schema` masks it in every message and this file never prints the URL.

use crate::exit::{Exit, UsageError};
use db_schema::{Options, Progress, Schema};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;
use xldb_workflows::{DiagramOptions, DiagramPlan, ImageFormat, WorkflowError};

/// Output formats of `xldb-codex schema`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The documented JSON model (`docs/schema.json`).
    Json,
    /// A human-readable table per relation.
    Table,
    /// Markdown, one section per relation.
    Markdown,
    /// A Mermaid `erDiagram`: tables, key columns, foreign keys with cardinality.
    Mermaid,
    /// A Graphviz DOT graph of the same diagram.
    Dot,
    /// The diagram drawn as SVG by Graphviz's `dot` (Debian package `graphviz`).
    Svg,
    /// The diagram drawn as PNG by Graphviz's `dot` (Debian package `graphviz`).
    Png,
}

impl Format {
    fn is_diagram(self) -> bool {
        matches!(
            self,
            Format::Mermaid | Format::Dot | Format::Svg | Format::Png
        )
    }

    fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Table => "txt",
            Format::Markdown => "md",
            Format::Mermaid => "mmd",
            Format::Dot => "dot",
            Format::Svg => "svg",
            Format::Png => "png",
        }
    }
}

/// What `xldb-codex schema` makes besides printing the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Action {
    /// Write a documentation folder (needs --out): README with the tables and diagrams, one
    /// Markdown page per table.
    Doc,
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

    /// `doc`: write a documentation folder into --out instead of printing.
    #[arg(value_enum, value_name = "ACTION")]
    action: Option<Action>,

    /// Only this schema (MySQL/ClickHouse: database; Oracle: owner).
    #[arg(long, value_name = "S")]
    schema: Option<String>,

    /// Only these tables, comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "A,B")]
    tables: Option<Vec<String>>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,

    /// Diagrams: also draw the tables up to N foreign-key hops from --tables.
    #[arg(long, default_value_t = 0, value_name = "N")]
    depth: usize,

    /// Folder to write into: the `doc` folder, or one file per diagram when a diagram format
    /// splits a big schema.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,

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
            .field("action", &self.action)
            .field("format", &self.format)
            .field("depth", &self.depth)
            .field("out", &self.out)
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
    if args.action == Some(Action::Doc) && args.out.is_none() {
        return Err(UsageError("`schema doc` needs --out DIR".into()).into());
    }
    if args.depth > 0 && (!args.format.is_diagram() || args.tables.is_none()) {
        return Err(UsageError(
            "--depth needs --tables and a diagram --format (mermaid, dot, svg, png)".into(),
        )
        .into());
    }
    let tables: Option<Vec<String>> = args.tables.clone().map(|t| {
        t.into_iter()
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty())
            .collect()
    });
    let mut options = Options::default();
    options.filter.schema = args.schema.clone();
    // A neighbourhood reaches tables not named: extract them all, choose after.
    if args.depth == 0 {
        options.filter.tables = tables.clone();
    }
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
    if let (Some(Action::Doc), Some(dir)) = (args.action, &args.out) {
        let report = xldb_workflows::write_schema_doc(&schema, dir).map_err(usage_or_failure)?;
        for note in &report.notes {
            eprintln!("note: {note}");
        }
        if !report.svg {
            eprintln!("note: graphviz's `dot` is not installed (Debian package `graphviz`): diagrams are Mermaid only");
        }
        eprintln!(
            "wrote {} table pages and {} diagrams to {}",
            report.pages,
            report.diagrams,
            dir.display()
        );
        return Ok(Exit::Ok);
    }
    if args.format.is_diagram() {
        let focus = match (&tables, args.depth) {
            (Some(t), d) if d > 0 => {
                // A partition is folded into its table in a whole-schema extraction: draw that.
                let folded = xldb_workflows::folded_partitions(&schema, t);
                for (partition, table) in &folded {
                    eprintln!("note: `{partition}` is a partition of `{table}`: drawing `{table}`");
                }
                let names: Vec<String> = t
                    .iter()
                    .map(|n| match folded.iter().find(|(p, _)| p == n) {
                        Some((_, table)) => table.clone(),
                        None => n.clone(),
                    })
                    .collect();
                db_schema::resolve_table_names(&schema, &names)
                    .map_err(|e| UsageError(e.to_string()))?
            }
            (Some(t), _) => t.clone(),
            (None, _) => Vec::new(),
        };
        let plan = xldb_workflows::plan_diagrams(
            &schema,
            &DiagramOptions {
                focus,
                depth: args.depth,
                ..DiagramOptions::default()
            },
        );
        return print_diagrams(&schema, &plan, args.format, args.out.as_deref());
    }
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    match args.format {
        // Streamed: a 20,000-table schema is ~85 MB of JSON, no need to hold it twice.
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &schema)?;
            out.write_all(b"\n")?;
        }
        Format::Table => {
            out.write_all(xldb_workflows::render_table(&schema, terminal_width()).as_bytes())?
        }
        _ => out.write_all(xldb_workflows::render_markdown(&schema).as_bytes())?,
    }
    out.flush()?;
    // The process ends right after: freeing a large model piece by piece would only add to
    // the wall time.
    std::mem::forget(schema);
    Ok(Exit::Ok)
}

/// `COLUMNS` when set, else the terminal's width when stdout is one, else 120.
fn terminal_width() -> usize {
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse().ok())
    {
        return n;
    }
    if std::io::stdout().is_terminal() {
        if let Some(w) = comfy_table::Table::new().width() {
            return usize::from(w);
        }
    }
    120
}

/// A missing Graphviz or a folder that is not ours is the user's to fix (exit 2).
fn usage_or_failure(e: WorkflowError) -> anyhow::Error {
    match e {
        WorkflowError::GraphvizMissing | WorkflowError::WouldOverwrite { .. } => {
            UsageError(e.to_string()).into()
        }
        e => anyhow::Error::new(e),
    }
}

/// One diagram to stdout; several to stdout as text (Mermaid, DOT) one after the other, or
/// one file each into `out`. What was split is said on stderr.
fn print_diagrams(
    schema: &Schema,
    plan: &DiagramPlan,
    format: Format,
    out: Option<&Path>,
) -> anyhow::Result<Exit> {
    for note in &plan.notes {
        eprintln!("note: {note}");
    }
    let image = match format {
        Format::Svg => Some(ImageFormat::Svg),
        Format::Png => Some(ImageFormat::Png),
        _ => None,
    };
    let several = plan.diagrams.len() > 1;
    if several && image.is_some() && out.is_none() {
        return Err(UsageError(format!(
            "the schema is drawn as {} diagrams: give --out DIR for one file each, or choose tables with --schema, --tables and --depth",
            plan.diagrams.len()
        ))
        .into());
    }
    if let Some(dir) = out {
        std::fs::create_dir_all(dir)?;
    }
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    for d in &plan.diagrams {
        let bytes = match (format, image) {
            (Format::Mermaid, _) => xldb_workflows::to_mermaid(schema, d).into_bytes(),
            (_, Some(img)) => xldb_workflows::render_dot(&xldb_workflows::to_dot(schema, d), img)
                .map_err(usage_or_failure)?,
            _ => xldb_workflows::to_dot(schema, d).into_bytes(),
        };
        match out {
            Some(dir) => {
                let path = dir.join(format!("{}.{}", d.slug, format.extension()));
                std::fs::write(&path, &bytes)?;
                eprintln!("wrote {} ({})", path.display(), d.title);
            }
            None => {
                if several && format == Format::Mermaid {
                    // Each diagram starts with its `%%` title line; a blank line between.
                    stdout.write_all(b"\n")?;
                }
                stdout.write_all(&bytes)?;
            }
        }
    }
    stdout.flush()?;
    Ok(Exit::Ok)
}
