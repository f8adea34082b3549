//! `xldb-codex config generate`: an xldb_proxy configuration from requirements.

use crate::exit::{Exit, UsageError};
use std::path::PathBuf;
use xldb_workflows as wf;

/// Arguments of `xldb-codex config`.
#[derive(Debug, clap::Args)]
pub struct ConfigArgs {
    #[command(subcommand)]
    command: ConfigCommand,
}

#[derive(Debug, clap::Subcommand)]
enum ConfigCommand {
    /// Generate a configuration (TOML) that parses and passes `analyze config`.
    Generate(GenerateArgs),
}

#[derive(Debug, clap::Args)]
struct GenerateArgs {
    /// Requirements as `key=value` (repeatable, or `;`-separated): `environment=production`,
    /// `load=high`, `security=high`, `databases=postgres,mysql`.
    #[arg(long, value_name = "KEY=VALUE")]
    requirements: Vec<String>,
    /// Write to this file instead of stdout (refuses to overwrite).
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Run `xldb-codex config …`.
pub fn run(args: ConfigArgs) -> anyhow::Result<Exit> {
    match args.command {
        ConfigCommand::Generate(g) => {
            let req =
                wf::Requirements::parse(&g.requirements).map_err(|e| UsageError(e.to_string()))?;
            let text = wf::generate_config(&req);
            // Belt and braces: what we print must parse and must not fail its own review.
            let review = wf::review_config(&text)?;
            if let Some(f) = review
                .findings
                .iter()
                .find(|f| f.severity == wf::Severity::Error)
            {
                anyhow::bail!("internal error: the generated configuration fails its review: {f}");
            }
            match g.output {
                None => print!("{text}"),
                Some(path) => {
                    use std::io::Write as _;
                    let mut f = std::fs::OpenOptions::new()
                        .write(true)
                        .create_new(true)
                        .open(&path)
                        .map_err(|e| {
                            UsageError(format!("cannot create `{}`: {e}", path.display()))
                        })?;
                    f.write_all(text.as_bytes())?;
                    eprintln!("wrote {}", path.display());
                }
            }
            Ok(Exit::Ok)
        }
    }
}
