//! `xldb-codex mcp serve`: the database tools as an MCP server on stdin/stdout.

use crate::exit::{Exit, UsageError};
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
    /// Database URL.
    #[arg(long, env = "XLDB_CODEX_DB", required_unless_present = "db_file")]
    db: Option<String>,
    /// Read the database URL from this file (keeps a password out of command lines).
    #[arg(long, value_name = "FILE", conflicts_with = "db")]
    db_file: Option<PathBuf>,
    /// Maximum rows `execute_query` returns.
    #[arg(long, default_value_t = 200)]
    row_limit: usize,
    /// Seconds each tool call may take.
    #[arg(long, default_value_t = 30)]
    query_timeout: u64,
}

/// Run `xldb-codex mcp …`.
pub fn run(args: McpArgs) -> anyhow::Result<Exit> {
    let McpCommand::Serve(a) = args.command;
    let url = match (&a.db, &a.db_file) {
        (Some(u), _) => u.clone(),
        (None, Some(f)) => std::fs::read_to_string(f)
            .map_err(|e| UsageError(format!("cannot read `{}`: {e}", f.display())))?
            .trim()
            .to_string(),
        (None, None) => return Err(UsageError("give --db or --db-file".into()).into()),
    };
    if a.row_limit == 0 || a.query_timeout == 0 {
        return Err(
            UsageError("`--row-limit` and `--query-timeout` must be at least 1".into()).into(),
        );
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let tools = wf::DbTools::connect(
            &url,
            wf::DbToolsOptions {
                row_limit: a.row_limit,
                timeout: Duration::from_secs(a.query_timeout),
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        tracing::info!(engine = %tools.engine(), "mcp server ready on stdio");
        let stdin = tokio::io::BufReader::new(tokio::io::stdin());
        let n = wf::serve_mcp(tools, stdin, tokio::io::stdout()).await?;
        tracing::info!(requests = n, "mcp client closed the connection");
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(Exit::Ok)
}
