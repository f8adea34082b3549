//! `xldb-codex doctor`: what this installation can do, and what is missing, in one look.
//!
//! Checks, without starting a conversation: the database engines compiled in, the Codex
//! binary that `analyze` would run (found where `analyze` looks, its version and the protocol
//! generation it speaks), whether Codex has credentials, the settings file in effect and the
//! data folder. Exit 0 when the assistant can run, 1 when something it needs is missing (each
//! missing thing says how to get it).

use crate::exit::Exit;
use crate::settings::{data_dir, default_settings_path};
use codex_session::{detect_codex, Locator};
use std::path::PathBuf;

/// Arguments of `xldb-codex doctor`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit codes: 0 everything the assistant needs is there; 1 something is \
missing (the report says what and how to get it).\n\nEnvironment: CODEX_BIN, CODEX_HOME, \
OPENAI_API_KEY, XLDB_CODEX_SETTINGS."
)]
pub struct DoctorArgs {
    /// The Codex binary to check (default: where `analyze` finds it).
    #[arg(long, env = "CODEX_BIN", value_name = "PATH")]
    codex_bin: Option<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

/// One line of the report.
#[derive(Debug, serde::Serialize)]
struct Check {
    /// What was checked.
    name: &'static str,
    /// `ok`, `missing` or `info`.
    status: &'static str,
    /// What was found, or what to do.
    detail: String,
}

impl Check {
    fn new(name: &'static str, status: &'static str, detail: impl Into<String>) -> Check {
        Check {
            name,
            status,
            detail: detail.into(),
        }
    }
}

/// Run the checks and print the report.
pub fn run(args: DoctorArgs) -> anyhow::Result<Exit> {
    let mut checks = vec![engines()];
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    checks.push(rt.block_on(codex(args.codex_bin)));
    checks.push(credentials());
    checks.push(settings_file());
    checks.push(Check::new(
        "data folder",
        "info",
        format!(
            "{} (suggestion cache `suggestions.sqlite`, demo database)",
            data_dir().display()
        ),
    ));
    let missing = checks.iter().any(|c| c.status == "missing");
    if args.json {
        let doc = serde_json::json!({
            "version": env!("CARGO_PKG_VERSION"),
            "ok": !missing,
            "checks": checks,
        });
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        println!("xldb-codex {}", env!("CARGO_PKG_VERSION"));
        for c in &checks {
            println!("{:<8} {:<14} {}", c.status, c.name, c.detail);
        }
    }
    Ok(if missing { Exit::Failure } else { Exit::Ok })
}

/// The engines this build connects to by itself, as one line (also used by `--version`).
pub fn engines_line() -> String {
    let mut built = Vec::new();
    let mut not = Vec::new();
    for e in db_schema::ENGINES {
        if db_schema::has_built_in_driver(e.name()) {
            built.push(e.name());
        } else {
            not.push(e.name());
        }
    }
    let mut line = built.join(", ");
    if !not.is_empty() {
        line.push_str(&format!(
            " (not built in: {}; Oracle needs a connection from your own code)",
            not.join(", ")
        ));
    }
    line
}

fn engines() -> Check {
    Check::new("engines", "ok", engines_line())
}

async fn codex(explicit: Option<PathBuf>) -> Check {
    let locator = Locator::from_env(explicit);
    match detect_codex(&locator, None).await {
        Ok(found) => {
            let mut detail = format!(
                "{} {} speaks {} (`codex {}`)",
                found.program.display(),
                found.version,
                found.generation.name(),
                found.subcommand
            );
            if let Some(w) = found.warning {
                detail.push_str(&format!("; {w}"));
            }
            Check::new("codex", "ok", detail)
        }
        Err(e) => Check::new(
            "codex",
            "missing",
            format!(
                "{} (any version from 0.22 works)",
                codex_session::redact_text(&e.to_string())
            ),
        ),
    }
}

/// Codex reads `OPENAI_API_KEY`, or the login `codex login` stores in `CODEX_HOME/auth.json`.
fn credentials() -> Check {
    if std::env::var_os("OPENAI_API_KEY").is_some_and(|v| !v.is_empty()) {
        return Check::new("credentials", "ok", "OPENAI_API_KEY is set");
    }
    let home = std::env::var_os("CODEX_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".codex")));
    match home.map(|h| h.join("auth.json")) {
        Some(auth) if auth.is_file() => Check::new(
            "credentials",
            "ok",
            format!("`codex login` credentials in {}", auth.display()),
        ),
        _ => Check::new(
            "credentials",
            "missing",
            "codex is not logged in: run `codex login` or set OPENAI_API_KEY",
        ),
    }
}

fn settings_file() -> Check {
    let path = std::env::var_os("XLDB_CODEX_SETTINGS")
        .map(PathBuf::from)
        .or_else(default_settings_path);
    match path {
        Some(p) if p.is_file() => Check::new("settings", "info", format!("{} (read)", p.display())),
        Some(p) => Check::new(
            "settings",
            "info",
            format!("{} (not present: built-in defaults)", p.display()),
        ),
        None => Check::new("settings", "info", "no config folder: built-in defaults"),
    }
}
