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
//! - `5`: `analyze --fail-on LEVEL`: a local finding at or above the level
//! - `130`: interrupted (Ctrl-C, SIGTERM)

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use std::io::IsTerminal as _;
use std::process::ExitCode;

mod analyze;
mod approvals;
mod audit;
mod config;
mod demo;
mod doctor;
mod exit;
mod fleet;
mod input;
mod interrupt;
mod mcp;
mod policy;
mod policy_bridge;
mod render;
mod schema;
mod settings;
mod spinner;
mod store;
mod suggestions;
mod thorough;

/// Let the OpenAI Codex engine work on your databases, safely.
#[derive(Debug, Parser)]
#[command(name = "xldb-codex", version, about, long_about = None)]
struct Cli {
    /// Log verbosity on stderr (also `RUST_LOG`): error, warn, info, debug, trace.
    #[arg(long, global = true, env = "XLDB_CODEX_LOG", default_value = "warn")]
    log: String,

    /// More log output on stderr: `-v` info, `-vv` debug, `-vvv` trace (overrides `--log`).
    #[arg(short, long, global = true, action = clap::ArgAction::Count, conflicts_with = "quiet")]
    verbose: u8,

    /// Only errors on stderr (overrides `--log`).
    #[arg(short, long, global = true)]
    quiet: bool,

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
    /// Check what this installation can do: engines, the Codex binary and its protocol,
    /// credentials, settings and data folders.
    Doctor(doctor::DoctorArgs),
    /// Fleet mode: create or migrate the shared store, print its grants.
    Store(store::StoreCmdArgs),
    /// Fleet mode: read the shared audit trail.
    Audit(audit::AuditArgs),
    /// Fleet mode: list, show, approve, deny or watch the queued `ask`s of every host.
    Approvals(approvals::ApprovalsArgs),
    /// Print a shell completion script (`xldb-codex completions bash > …`).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff; `xldb-codex man | man -l -`), or write one page per
    /// subcommand into a folder.
    Man {
        /// Write `xldb-codex.1`, `xldb-codex-analyze.1`, … into this folder.
        #[arg(long, value_name = "DIR")]
        out: Option<std::path::PathBuf>,
    },
}

fn main() -> ExitCode {
    quiet_on_closed_stdout();
    let long_version: &'static str = Box::leak(
        format!(
            "{}\nengines: {}",
            env!("CARGO_PKG_VERSION"),
            doctor::engines_line()
        )
        .into_boxed_str(),
    );
    let matches = with_exit_codes(Cli::command())
        .long_version(long_version)
        .get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let level = match (cli.quiet, cli.verbose) {
        (true, _) => "error",
        (false, 0) => cli.log.as_str(),
        (false, 1) => "info",
        (false, 2) => "debug",
        (false, _) => "trace",
    };
    init_logging(level, cli.verbose > 0 || cli.quiet);
    let result = match cli.command {
        Command::Policy(args) => policy::run(args),
        Command::Schema(args) => schema::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Analyze(args) => analyze::run(args),
        Command::Config(args) => config::run(args),
        Command::Mcp(args) => mcp::run(args),
        Command::Doctor(args) => doctor::run(args),
        Command::Store(args) => store::run(args),
        Command::Audit(args) => audit::run(args),
        Command::Approvals(args) => approvals::run(args),
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "xldb-codex",
                &mut std::io::stdout(),
            );
            Ok(exit::Exit::Ok)
        }
        Command::Man { out } => man(out),
    };
    match result {
        Ok(code) => code.into(),
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) if err.chain().any(|e| e.is::<interrupt::Interrupted>()) => {
            eprintln!("interrupted");
            ExitCode::from(interrupt::EXIT_CODE)
        }
        Err(err) => {
            eprintln!("error: {err:#}");
            exit::code_for(&err).into()
        }
    }
}

/// Logs go to stderr; colour only on a terminal and without `NO_COLOR`, so a log file (or a
/// pipe) never gets ANSI codes. `-v`/`-q` (`flag_wins`) beat `RUST_LOG`.
fn init_logging(level: &str, flag_wins: bool) {
    let from_env = if flag_wins {
        Err(())
    } else {
        tracing_subscriber::EnvFilter::try_from_default_env().map_err(|_| ())
    };
    let filter = from_env
        .or_else(|_| tracing_subscriber::EnvFilter::try_new(level))
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(colour)
        .with_target(false)
        .init();
}

/// Every command's `--help` ends with the exit codes, unless it says its own.
fn with_exit_codes(cmd: clap::Command) -> clap::Command {
    let cmd = match cmd.get_after_help() {
        Some(_) => cmd,
        None => cmd.after_help(exit::EXIT_CODES_HELP),
    };
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_owned())
        .collect();
    names
        .iter()
        .fold(cmd, |cmd, name| cmd.mut_subcommand(name, with_exit_codes))
}

/// `xldb-codex man`: the page of the whole command on stdout, or one page per subcommand.
fn man(out: Option<std::path::PathBuf>) -> anyhow::Result<exit::Exit> {
    let cmd = with_exit_codes(Cli::command());
    match out {
        None => clap_mangen::Man::new(cmd).render(&mut std::io::stdout())?,
        Some(dir) => {
            std::fs::create_dir_all(&dir)?;
            let mut pages = vec![("xldb-codex".to_owned(), cmd.clone())];
            for sub in cmd.get_subcommands() {
                let name: &'static str =
                    Box::leak(format!("xldb-codex-{}", sub.get_name()).into_boxed_str());
                pages.push((name.to_owned(), sub.clone().name(name)));
            }
            for (name, page) in pages {
                let mut buf = Vec::new();
                clap_mangen::Man::new(page).render(&mut buf)?;
                std::fs::write(dir.join(format!("{name}.1")), buf)?;
            }
        }
    }
    Ok(exit::Exit::Ok)
}

/// A reader that stops early (`xldb-codex schema … | head`) ends the program quietly with
/// success, as ripgrep does. `println!` panics when stdout is closed: the panic hook lets that
/// one panic exit quietly and passes every other panic to the default hook.
fn quiet_on_closed_stdout() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let msg = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("");
        if msg.starts_with("failed printing to stdout") && msg.contains("Broken pipe") {
            std::process::exit(0);
        }
        default(info)
    }));
}

/// `true` when writing to stdout failed because the reader went away (directly, or inside
/// serde_json's error, whose `source` skips the I/O error itself).
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    let pipe = Some(std::io::ErrorKind::BrokenPipe);
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>().map(std::io::Error::kind) == pipe
            || e.downcast_ref::<serde_json::Error>()
                .and_then(serde_json::Error::io_error_kind)
                == pipe
    })
}
