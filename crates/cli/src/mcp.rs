//! `xldb-codex mcp serve`: the database tools as an MCP server on stdin/stdout.

use crate::exit::{Exit, UsageError};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;
use xldb_workflows as wf;

/// Arguments of `xldb-codex mcp`.
#[derive(Debug, clap::Args)]
pub struct McpArgs {
    #[command(subcommand)]
    command: McpCommand,
}

#[derive(Debug, clap::Subcommand)]
enum McpCommand {
    /// Serve `list_tables`, `describe_table`, `analyze_schema` and `execute_query` (read-only)
    /// over MCP on stdio. Logs go to stderr.
    Serve(ServeArgs),
}

#[derive(Debug, clap::Args)]
struct ServeArgs {
    /// Database URL. Without `--db` / `--db-file`, a URL handed over by `xldb-codex analyze`
    /// (its private socket, named in `XLDB_CODEX_DB_HANDOFF`) is used.
    #[arg(long, env = "XLDB_CODEX_DB")]
    db: Option<String>,
    /// Read the database URL from this file (keeps a password out of command lines). Wins over
    /// `XLDB_CODEX_DB` from the environment.
    #[arg(long, value_name = "FILE")]
    db_file: Option<PathBuf>,
    /// Maximum rows `execute_query` returns.
    #[arg(long, default_value_t = 200)]
    row_limit: usize,
    /// Seconds each tool call may take (also the server-side statement and lock timeout).
    #[arg(long, default_value_t = 30)]
    query_timeout: u64,
    /// Refuse to start when the database role can do more than read (see the README for
    /// the recommended read-only role of each engine).
    #[arg(long)]
    require_read_only_role: bool,
    /// Maximum bytes of one tool result (its JSON).
    #[arg(long, default_value_t = 4 << 20)]
    max_result_bytes: usize,
    /// Maximum bytes of one value; longer values are cut and end with `…[truncated]`.
    #[arg(long, default_value_t = 64 << 10)]
    max_value_bytes: usize,
}

/// What `mcp serve` says when started on a terminal.
const TTY_HINT: &str = "xldb-codex: `mcp serve` speaks MCP (JSON-RPC) on stdin/stdout for an MCP client to start, not a person; register it with `codex mcp add xldb -- xldb-codex mcp serve --db-file FILE` or an `[mcp_servers.xldb]` entry in ~/.codex/config.toml (see the README); Ctrl-C ends it";

/// Run `xldb-codex mcp …`.
pub fn run(args: McpArgs) -> anyhow::Result<Exit> {
    let McpCommand::Serve(a) = args.command;
    let url = match (&a.db_file, &a.db) {
        (Some(f), _) => std::fs::read_to_string(f)
            .map_err(|e| UsageError(format!("cannot read `{}`: {e}", f.display())))?
            .trim()
            .to_string(),
        (None, Some(u)) => u.clone(),
        (None, None) => match wf::receive_url() {
            Some(received) => received?,
            None => {
                return Err(
                    UsageError("give --db URL, --db-file FILE or XLDB_CODEX_DB".into()).into(),
                )
            }
        },
    };
    if a.row_limit == 0 || a.query_timeout == 0 || a.max_result_bytes == 0 || a.max_value_bytes == 0
    {
        return Err(UsageError(
            "`--row-limit`, `--query-timeout`, `--max-result-bytes` and `--max-value-bytes` must be at least 1"
                .into(),
        )
        .into());
    }
    if std::io::stdin().is_terminal() {
        // Someone typed the command: say what it is for, in one line (logs stay on stderr).
        eprintln!("{TTY_HINT}");
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let outcome = rt.block_on(async {
        let tools = wf::DbTools::connect(
            &url,
            wf::DbToolsOptions {
                row_limit: a.row_limit,
                timeout: Duration::from_secs(a.query_timeout),
                max_result_bytes: a.max_result_bytes,
                max_value_bytes: a.max_value_bytes,
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        let mut tools = tools;
        let warnings = tools.privilege_warnings().await;
        for w in &warnings {
            eprintln!("xldb-codex: warning: {w}");
        }
        if a.require_read_only_role && !warnings.is_empty() {
            return Err(UsageError(format!(
                "`--require-read-only-role`: {}",
                warnings.join("; ")
            ))
            .into());
        }
        let options = wf::ServeOptions {
            instructions: (!warnings.is_empty()).then(|| {
                format!(
                    "Warning: {}. Every query still runs in a read-only transaction that is rolled back.",
                    warnings.join("; ")
                )
            }),
        };
        tracing::info!(engine = %tools.engine(), "mcp server ready on stdio");
        let canceller = tools.canceller();
        let stdin = tokio::io::BufReader::new(tokio::io::stdin());
        let serve = wf::serve_mcp_with(tools, stdin, tokio::io::stdout(), options);
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            n = serve => {
                tracing::info!(messages = n?, "mcp client closed the connection");
            }
            _ = tokio::signal::ctrl_c() => {
                tracing::info!("interrupted: cancelling the running query");
                if let Some(c) = canceller { c.cancel().await; }
            }
            _ = term.recv() => {
                tracing::info!("terminated: cancelling the running query");
                if let Some(c) = canceller { c.cancel().await; }
            }
        }
        Ok::<_, anyhow::Error>(())
    });
    // Standard input is read on a blocking thread that no signal interrupts: once the query
    // is cancelled, do not wait for that read to end (a runtime drop would, until the
    // client writes or closes the pipe).
    rt.shutdown_background();
    outcome?;
    Ok(Exit::Ok)
}
