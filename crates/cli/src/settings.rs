//! Settings shared by the assistant commands: flags, environment variables and a TOML file.
//!
//! Precedence, highest first: the command-line flag, its environment variable (clap reads
//! both), the settings file (`--settings FILE`, `XLDB_CODEX_SETTINGS`, or `config.toml` in the
//! user's config folder, e.g. `~/.config/xldb-codex/config.toml`), the default. The file uses
//! the flag names with underscores:
//!
//! ```toml
//! codex_bin = "/usr/local/bin/codex"
//! codex_timeout = 120          # seconds per request / turn
//! model = "gpt-5"
//! profile = "work"
//! approval_policy = "on-request"   # untrusted | on-failure | on-request | never
//! sandbox = "read-only"            # read-only | workspace-write | danger-full-access
//! policy = "/etc/xldb-codex/policy.toml"
//! audit_log = "/var/log/xldb-codex/audit.jsonl"
//! cache_ttl = 86400            # seconds, suggestion cache
//! ```

use crate::exit::UsageError;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Output format of data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Format {
    /// Human-readable text and tables (default).
    #[default]
    Table,
    /// JSON (one document on stdout).
    Json,
    /// Markdown.
    Markdown,
}

/// Output flags.
#[derive(Debug, Clone, clap::Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Shorthand for `--format json`.
    #[arg(long)]
    pub json: bool,
}

impl OutputArgs {
    /// The effective format.
    pub fn format(&self) -> Format {
        if self.json {
            Format::Json
        } else {
            self.format
        }
    }
}

/// Flags of every command that may talk to Codex.
#[derive(Debug, Clone, clap::Args)]
pub struct CodexArgs {
    /// The codex binary (default: `codex` on PATH).
    #[arg(long, env = "CODEX_BIN", value_name = "PATH")]
    pub codex_bin: Option<PathBuf>,
    /// Seconds to wait for each Codex request and turn (default 300).
    #[arg(long, env = "XLDB_CODEX_TIMEOUT", value_name = "SECS")]
    pub codex_timeout: Option<u64>,
    /// Model for Codex to use.
    #[arg(long, env = "XLDB_CODEX_MODEL")]
    pub model: Option<String>,
    /// Codex configuration profile.
    #[arg(long, env = "XLDB_CODEX_PROFILE")]
    pub profile: Option<String>,
    /// Codex approval policy: untrusted, on-failure, on-request, never (default untrusted:
    /// every command is put to our policy).
    #[arg(long, env = "XLDB_CODEX_APPROVAL_POLICY")]
    pub approval_policy: Option<String>,
    /// Codex sandbox: read-only, workspace-write, danger-full-access (default read-only).
    #[arg(long, env = "XLDB_CODEX_SANDBOX")]
    pub sandbox: Option<String>,
    /// Approval policy file (TOML); default: the built-in policy.
    #[arg(long, env = "XLDB_CODEX_POLICY", value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Append every approval decision to this JSON Lines file.
    #[arg(long, env = "XLDB_CODEX_AUDIT_LOG", value_name = "FILE")]
    pub audit_log: Option<PathBuf>,
    /// Do not start Codex: local analysis only.
    #[arg(long)]
    pub offline: bool,
    /// Fail instead of falling back to local analysis when Codex is unavailable.
    #[arg(long, conflicts_with = "offline")]
    pub no_fallback: bool,
    /// Settings file (TOML); default: `config.toml` in the user's config folder.
    #[arg(long, env = "XLDB_CODEX_SETTINGS", value_name = "FILE")]
    pub settings: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsFile {
    codex_bin: Option<PathBuf>,
    codex_timeout: Option<u64>,
    model: Option<String>,
    profile: Option<String>,
    approval_policy: Option<String>,
    sandbox: Option<String>,
    policy: Option<PathBuf>,
    audit_log: Option<PathBuf>,
    cache_ttl: Option<u64>,
}

/// The resolved settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The codex program.
    pub codex_bin: PathBuf,
    /// Per-request / per-turn timeout.
    pub codex_timeout: Duration,
    /// Model.
    pub model: Option<String>,
    /// Profile.
    pub profile: Option<String>,
    /// Codex approval policy (kebab-case).
    pub approval_policy: String,
    /// Codex sandbox (kebab-case).
    pub sandbox: String,
    /// Policy file.
    pub policy: Option<PathBuf>,
    /// Audit log file.
    pub audit_log: Option<PathBuf>,
    /// Local analysis only.
    pub offline: bool,
    /// No fallback.
    pub no_fallback: bool,
    /// Suggestion cache TTL.
    pub cache_ttl: Duration,
}

/// The user's default settings file, if a config folder exists.
pub fn default_settings_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "xldb-codex").map(|d| d.config_dir().join("config.toml"))
}

/// The folder for the suggestion cache and demo data.
pub fn data_dir() -> PathBuf {
    directories::ProjectDirs::from("", "", "xldb-codex")
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| std::env::temp_dir().join("xldb-codex"))
}

fn load_file(path: &Path, explicit: bool) -> anyhow::Result<SettingsFile> {
    match std::fs::read_to_string(path) {
        Ok(text) => toml::from_str(&text).map_err(|e| {
            UsageError(format!(
                "settings file `{}`: {}",
                path.display(),
                codex_session::redact_text(e.message())
            ))
            .into()
        }),
        Err(e) if !explicit && e.kind() == std::io::ErrorKind::NotFound => {
            Ok(SettingsFile::default())
        }
        Err(e) => Err(UsageError(format!(
            "cannot read settings file `{}`: {e}",
            path.display()
        ))
        .into()),
    }
}

const APPROVAL_POLICIES: &[&str] = &["untrusted", "on-failure", "on-request", "never"];
const SANDBOXES: &[&str] = &["read-only", "workspace-write", "danger-full-access"];

impl CodexArgs {
    /// Merge flags, environment and the settings file.
    pub fn resolve(&self) -> anyhow::Result<Settings> {
        let file = match &self.settings {
            Some(p) => load_file(p, true)?,
            None => match default_settings_path() {
                Some(p) => load_file(&p, false)?,
                None => SettingsFile::default(),
            },
        };
        let approval_policy = self
            .approval_policy
            .clone()
            .or(file.approval_policy)
            .unwrap_or_else(|| "untrusted".into());
        if !APPROVAL_POLICIES.contains(&approval_policy.as_str()) {
            return Err(UsageError(format!(
                "unknown approval policy `{approval_policy}` (expected one of {})",
                APPROVAL_POLICIES.join(", ")
            ))
            .into());
        }
        let sandbox = self
            .sandbox
            .clone()
            .or(file.sandbox)
            .unwrap_or_else(|| "read-only".into());
        if !SANDBOXES.contains(&sandbox.as_str()) {
            return Err(UsageError(format!(
                "unknown sandbox `{sandbox}` (expected one of {})",
                SANDBOXES.join(", ")
            ))
            .into());
        }
        let timeout = self.codex_timeout.or(file.codex_timeout).unwrap_or(300);
        if timeout == 0 {
            return Err(UsageError("`--codex-timeout` must be at least 1 second".into()).into());
        }
        Ok(Settings {
            codex_bin: self
                .codex_bin
                .clone()
                .or(file.codex_bin)
                .unwrap_or_else(|| PathBuf::from("codex")),
            codex_timeout: Duration::from_secs(timeout),
            model: self.model.clone().or(file.model),
            profile: self.profile.clone().or(file.profile),
            approval_policy,
            sandbox,
            policy: self.policy.clone().or(file.policy),
            audit_log: self.audit_log.clone().or(file.audit_log),
            offline: self.offline,
            no_fallback: self.no_fallback,
            cache_ttl: Duration::from_secs(file.cache_ttl.unwrap_or(7 * 24 * 3600)),
        })
    }
}
