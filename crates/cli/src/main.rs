//! `xldb-codex`: the command line of xldb-codex.
//!
//! Thin on purpose: this file parses arguments, sets up logging (stderr; stdout is for data),
//! dispatches to one file per subcommand and maps errors to exit codes. All logic lives in the
//! library crates.
//!
//! Exit codes (the same for every subcommand):
//! - `0`: success (for `policy check`: the verdict is `allow`)
//! - `1`: a runtime failure (database unreachable, Codex unavailable with `--no-fallback`, …)
//! - `2`: bad usage or bad input (unknown flag, unparsable URL, unreadable policy file)
//! - `3`: `policy check` verdict `ask`
//! - `4`: `policy check` verdict `deny`

use clap::{Parser, Subcommand};
use std::process::ExitCode;

mod analyze;
mod config;
mod demo;
mod exit;
mod mcp;
mod policy;
mod policy_bridge;
mod render;
mod schema;
mod settings;
mod thorough;

/// Let the OpenAI Codex engine work on your databases, safely.
#[derive(Debug, Parser)]
#[command(name = "xldb-codex", version, about, long_about = None)]
struct Cli {
    /// Log verbosity on stderr (also `RUST_LOG`): error, warn, info, debug, trace.
    #[arg(long, global = true, env = "XLDB_CODEX_LOG", default_value = "warn")]
    log: String,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Decide whether a command or patch may run (the approval policy).
    Policy(policy::PolicyArgs),
    /// Extract a database schema into the documented JSON model, a table or Markdown.
    Schema(schema::SchemaArgs),
    /// Run everything on an embedded SQLite shop: schema, local findings, policy verdicts.
    /// No server, no API key, no network.
    Demo(demo::DemoArgs),
    /// Ask Codex (or the local analyzer) about a schema, a query, a workload or a config.
    Analyze(analyze::AnalyzeArgs),
    /// Generate an xldb_proxy configuration.
    Config(config::ConfigArgs),
    /// Serve database tools to Codex or any MCP client.
    Mcp(mcp::McpArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(&cli.log);
    let result = match cli.command {
        Command::Policy(args) => policy::run(args),
        Command::Schema(args) => schema::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Analyze(args) => analyze::run(args),
        Command::Config(args) => config::run(args),
        Command::Mcp(args) => mcp::run(args),
    };
    match result {
        Ok(code) => code.into(),
        Err(err) => {
            eprintln!("error: {err:#}");
            exit::code_for(&err).into()
        }
    }
}

fn init_logging(level: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .or_else(|_| tracing_subscriber::EnvFilter::try_new(level))
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
}
