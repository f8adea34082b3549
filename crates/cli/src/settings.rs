//! Settings shared by the assistant commands: flags, environment variables and a TOML file.
//!
//! Precedence, highest first: the command-line flag, its environment variable (clap reads
//! both), the settings file (`--settings FILE`, `XLDB_CODEX_SETTINGS`, or `config.toml` in the
//! user's config folder, e.g. `~/.config/xldb-codex/config.toml`), the default. The file uses
//! the flag names with underscores:
//!
//! ```toml
//! codex_bin = "/usr/local/bin/codex"
//! protocol = "auto"            # or a forced generation: see `--protocol`
//! codex_timeout = 120          # seconds per request to Codex (handshake, new conversation)
//! turn_timeout = 600           # seconds for the whole turn (the model and its commands)
//! unreachable_timeout = 20     # seconds of model connection errors before giving up
//! model = "gpt-5"
//! profile = "work"
//! approval_policy = "on-request"   # untrusted | on-failure | on-request | never
//! sandbox = "read-only"            # read-only | workspace-write | danger-full-access
//! policy = "/etc/xldb-codex/policy.toml"   # or a list of files
//! audit_log = "/var/log/xldb-codex/audit.jsonl"
//! cache_ttl = 86400            # seconds, suggestion cache
//! prompt_budget = 24000        # tokens (o200k_base) per prompt sent to Codex
//! store = "postgres://xldb_codex_host@db.internal/proxy"   # fleet mode (README)
//! approval_wait = 300          # seconds an `ask` waits in the store's queue
//! ```

use crate::exit::UsageError;
use codex_session::Protocol;
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
    /// Shorthand for `--format json` (giving both is a usage error).
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// Colour severities and decisions: auto (on a terminal, unless `NO_COLOR` is set),
    /// always, never.
    #[arg(long = "color", value_enum, value_name = "WHEN", default_value_t)]
    pub colour: crate::render::ColourChoice,
}

impl OutputArgs {
    /// The effective format; also settles colour for the run ([`crate::render::use_colour`]).
    pub fn format(&self) -> Format {
        crate::render::use_colour(self.colour);
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
    /// The codex binary (default: `node_modules/.bin/codex` in this folder or above, else
    /// `codex` on PATH).
    #[arg(long, env = "CODEX_BIN", value_name = "PATH")]
    pub codex_bin: Option<PathBuf>,
    /// The Codex protocol to speak. `auto` (default) reads `codex --version` and picks the
    /// generation that version speaks (`codex mcp` for 0.22–0.42, `codex app-server` v2 from
    /// 0.63, v1 before); another name forces that generation.
    #[arg(
        long,
        env = "XLDB_CODEX_PROTOCOL",
        value_name = "NAME",
        ignore_case = true,
        value_parser = protocol_parser()
    )]
    pub protocol: Option<Protocol>,
    /// Seconds to wait for each request to Codex: its start and handshake, a new conversation
    /// (default 120). The turn has its own limit, `--turn-timeout`.
    #[arg(long, env = "XLDB_CODEX_TIMEOUT", value_name = "SECS")]
    pub codex_timeout: Option<u64>,
    /// Seconds the whole turn may take: the model's work and every command or tool call it
    /// makes (default 600). Then Codex is stopped and the local analysis shown.
    #[arg(long, env = "XLDB_CODEX_TURN_TIMEOUT", value_name = "SECS")]
    pub turn_timeout: Option<u64>,
    /// Seconds the model may stay unreachable (connection errors and retries with no sign of
    /// life, e.g. without a network) before Codex is given up, saying why (default 20).
    #[arg(long, env = "XLDB_CODEX_UNREACHABLE_TIMEOUT", value_name = "SECS")]
    pub unreachable_timeout: Option<u64>,
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
    /// A policy file (TOML) whose rules are added to the built-in policy (repeatable, as for
    /// `policy check`; the environment variable takes one file).
    #[arg(long, env = "XLDB_CODEX_POLICY", value_name = "FILE")]
    pub policy: Vec<PathBuf>,
    /// Append every approval decision to this JSON Lines file.
    #[arg(long, env = "XLDB_CODEX_AUDIT_LOG", value_name = "FILE")]
    pub audit_log: Option<PathBuf>,
    /// Do not start Codex: local analysis only.
    #[arg(long)]
    pub offline: bool,
    /// Fail instead of falling back to local analysis when Codex is unavailable.
    #[arg(long, conflicts_with = "offline")]
    pub no_fallback: bool,
    /// The most tokens (o200k_base) a prompt may take (default 24000): the schema is sent as
    /// a ranked map, a workload as its top groups, a long plan or configuration cut, to fit.
    #[arg(long, env = "XLDB_CODEX_PROMPT_BUDGET", value_name = "TOKENS")]
    pub prompt_budget: Option<usize>,
    /// Print exactly the prompt that would be sent to Codex, and stop (Codex is not started).
    #[arg(long, conflicts_with = "offline")]
    pub print_prompt: bool,
    /// Settings file (TOML); default: `config.toml` in the user's config folder.
    #[arg(long, env = "XLDB_CODEX_SETTINGS", value_name = "FILE")]
    pub settings: Option<PathBuf>,
    #[command(flatten)]
    pub fleet: crate::fleet::FleetArgs,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsFile {
    codex_bin: Option<PathBuf>,
    protocol: Option<String>,
    codex_timeout: Option<u64>,
    turn_timeout: Option<u64>,
    unreachable_timeout: Option<u64>,
    model: Option<String>,
    profile: Option<String>,
    approval_policy: Option<String>,
    sandbox: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    policy: Vec<PathBuf>,
    audit_log: Option<PathBuf>,
    cache_ttl: Option<u64>,
    prompt_budget: Option<usize>,
    store: Option<crate::fleet::StoreUrl>,
    approval_wait: Option<u64>,
}

/// The resolved settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The codex program (`None`: found by detection: `node_modules/.bin`, then `PATH`).
    pub codex_bin: Option<PathBuf>,
    /// The protocol to speak to it.
    pub protocol: Protocol,
    /// Time limit of each request to Codex.
    pub codex_timeout: Duration,
    /// Time limit of a turn.
    pub turn_timeout: Duration,
    /// How long the model may stay unreachable.
    pub unreachable_timeout: Duration,
    /// Model.
    pub model: Option<String>,
    /// Profile.
    pub profile: Option<String>,
    /// Codex approval policy (kebab-case).
    pub approval_policy: String,
    /// Codex sandbox (kebab-case).
    pub sandbox: String,
    /// Policy files, in order.
    pub policy: Vec<PathBuf>,
    /// Audit log file.
    pub audit_log: Option<PathBuf>,
    /// Local analysis only.
    pub offline: bool,
    /// No fallback.
    pub no_fallback: bool,
    /// Suggestion cache TTL.
    pub cache_ttl: Duration,
    /// The prompt budget in tokens.
    pub prompt_budget: usize,
    /// Print the prompt instead of sending it.
    pub print_prompt: bool,
    /// The fleet's store, its fallback and the approval wait.
    pub fleet: crate::fleet::Fleet,
}

/// `policy = "a.toml"` or `policy = ["a.toml", "b.toml"]` in the settings file.
fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<PathBuf>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(PathBuf),
        Many(Vec<PathBuf>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(p) => vec![p],
        OneOrMany::Many(ps) => ps,
    })
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

/// The settings file named by `--settings` (or the user's default one).
fn settings_file(explicit: Option<&Path>) -> anyhow::Result<SettingsFile> {
    match explicit {
        Some(p) => load_file(p, true),
        None => match default_settings_path() {
            Some(p) => load_file(&p, false),
            None => Ok(SettingsFile::default()),
        },
    }
}

/// `store = …` of the settings file (for the commands that only need the store).
pub fn store_in_settings(
    explicit: Option<&Path>,
) -> anyhow::Result<Option<crate::fleet::StoreUrl>> {
    Ok(settings_file(explicit)?.store)
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

/// `--protocol`'s parser: the names of [`Protocol::ALL`] (so `--help` and the error for a bad
/// name list every protocol `codex-session` speaks, including ones added later).
fn protocol_parser() -> impl clap::builder::TypedValueParser<Value = Protocol> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(Protocol::ALL.iter().map(|p| p.name()))
        .try_map(|name| name.parse::<Protocol>())
}

const APPROVAL_POLICIES: &[&str] = &["untrusted", "on-failure", "on-request", "never"];
const SANDBOXES: &[&str] = &["read-only", "workspace-write", "danger-full-access"];

impl CodexArgs {
    /// Merge flags, environment and the settings file.
    pub fn resolve(&self) -> anyhow::Result<Settings> {
        let file = settings_file(self.settings.as_deref())?;
        let fleet = self.fleet.resolve(file.store.clone(), file.approval_wait)?;
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
        let protocol = match (self.protocol, file.protocol) {
            (Some(p), _) => p,
            (None, Some(name)) => name
                .parse::<Protocol>()
                .map_err(|e| UsageError(format!("settings file: `protocol`: {e}")))?,
            (None, None) => Protocol::Auto,
        };
        let timeout = self.codex_timeout.or(file.codex_timeout).unwrap_or(120);
        if timeout == 0 {
            return Err(UsageError("`--codex-timeout` must be at least 1 second".into()).into());
        }
        let turn_timeout = self.turn_timeout.or(file.turn_timeout).unwrap_or(600);
        if turn_timeout == 0 {
            return Err(UsageError("`--turn-timeout` must be at least 1 second".into()).into());
        }
        let prompt_budget = self
            .prompt_budget
            .or(file.prompt_budget)
            .unwrap_or(xldb_workflows::DEFAULT_PROMPT_BUDGET);
        if prompt_budget < xldb_workflows::MIN_PROMPT_BUDGET {
            return Err(UsageError(format!(
                "`--prompt-budget` must be at least {} tokens (got {prompt_budget})",
                xldb_workflows::MIN_PROMPT_BUDGET
            ))
            .into());
        }
        Ok(Settings {
            prompt_budget,
            print_prompt: self.print_prompt,
            codex_bin: self.codex_bin.clone().or(file.codex_bin),
            protocol,
            codex_timeout: Duration::from_secs(timeout),
            turn_timeout: Duration::from_secs(turn_timeout),
            unreachable_timeout: Duration::from_secs(
                self.unreachable_timeout
                    .or(file.unreachable_timeout)
                    .unwrap_or(20),
            ),
            model: self.model.clone().or(file.model),
            profile: self.profile.clone().or(file.profile),
            approval_policy,
            sandbox,
            policy: if self.policy.is_empty() {
                file.policy
            } else {
                self.policy.clone()
            },
            audit_log: self.audit_log.clone().or(file.audit_log),
            offline: self.offline,
            no_fallback: self.no_fallback,
            cache_ttl: Duration::from_secs(file.cache_ttl.unwrap_or(7 * 24 * 3600)),
            fleet,
        })
    }
}

#[cfg(test)]
mod tests {
    // Tests fail loudly on setup errors.
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cmd {
        #[command(flatten)]
        codex: CodexArgs,
    }

    /// Resolve `args` with a settings file holding `toml`.
    fn resolve(args: &[&str], toml: &str) -> anyhow::Result<Settings> {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.toml");
        std::fs::write(&file, toml).unwrap();
        let mut argv = vec!["cmd", "--settings", file.to_str().unwrap()];
        argv.extend(args);
        Cmd::try_parse_from(argv)?.codex.resolve()
    }

    #[test]
    fn protocol_defaults_to_auto_and_reads_the_file_and_the_flag() {
        assert_eq!(resolve(&[], "").unwrap().protocol, Protocol::Auto);
        let file = "protocol = \"app-server-v1\"\n";
        assert_eq!(resolve(&[], file).unwrap().protocol, Protocol::AppServerV1);
        // the flag wins over the file, and names are read case-insensitively
        let flag = resolve(&["--protocol", "APP-SERVER-V2"], file).unwrap();
        assert_eq!(flag.protocol, Protocol::AppServerV2);
    }

    #[test]
    fn every_protocol_name_is_accepted() {
        for p in Protocol::ALL {
            let s = resolve(&["--protocol", p.name()], "").unwrap();
            assert_eq!(s.protocol, *p);
            let s = resolve(&[], &format!("protocol = \"{}\"\n", p.name())).unwrap();
            assert_eq!(s.protocol, *p);
        }
    }

    #[test]
    fn an_unknown_protocol_is_a_usage_error_listing_the_names() {
        let names: Vec<&str> = Protocol::ALL.iter().map(|p| p.name()).collect();

        let err = resolve(&[], "protocol = \"v3\"\n").unwrap_err();
        assert_eq!(crate::exit::code_for(&err), crate::exit::Exit::Usage);
        let message = err.to_string();
        assert!(message.contains("`v3`"), "{message}");
        for name in &names {
            assert!(message.contains(name), "`{name}` missing: {message}");
        }

        let err = Cmd::try_parse_from(["cmd", "--protocol", "v3"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        let message = err.to_string();
        for name in &names {
            assert!(message.contains(name), "`{name}` missing: {message}");
        }
    }

    /// Regression: `--codex-timeout 3` waited 60 s (the turn had an undocumented floor). The
    /// request and turn limits are separate and mean what they say.
    #[test]
    fn the_request_and_turn_timeouts_are_separate_and_exact() {
        let s = resolve(&[], "").unwrap();
        assert_eq!(s.codex_timeout, Duration::from_secs(120));
        assert_eq!(s.turn_timeout, Duration::from_secs(600));
        let s = resolve(&["--codex-timeout", "3", "--turn-timeout", "5"], "").unwrap();
        assert_eq!(s.codex_timeout, Duration::from_secs(3));
        assert_eq!(s.turn_timeout, Duration::from_secs(5));
        let s = resolve(&[], "codex_timeout = 7\nturn_timeout = 9\n").unwrap();
        assert_eq!(
            (s.codex_timeout, s.turn_timeout),
            (Duration::from_secs(7), Duration::from_secs(9))
        );
        let err = resolve(&["--turn-timeout", "0"], "").unwrap_err();
        assert_eq!(crate::exit::code_for(&err), crate::exit::Exit::Usage);
    }

    #[test]
    fn policy_files_are_repeatable_in_flags_and_the_file() {
        let s = resolve(&["--policy", "a.toml", "--policy", "b.toml"], "").unwrap();
        assert_eq!(
            s.policy,
            vec![PathBuf::from("a.toml"), PathBuf::from("b.toml")]
        );
        let s = resolve(&[], "policy = \"a.toml\"\n").unwrap();
        assert_eq!(s.policy, vec![PathBuf::from("a.toml")]);
        let s = resolve(&[], "policy = [\"a.toml\", \"b.toml\"]\n").unwrap();
        assert_eq!(s.policy.len(), 2);
        let s = resolve(&["--policy", "c.toml"], "policy = [\"a.toml\"]\n").unwrap();
        assert_eq!(s.policy, vec![PathBuf::from("c.toml")], "the flag wins");
    }

    #[test]
    fn the_prompt_budget_comes_from_the_flag_the_file_or_the_default() {
        assert_eq!(
            resolve(&[], "").unwrap().prompt_budget,
            xldb_workflows::DEFAULT_PROMPT_BUDGET
        );
        let file = "prompt_budget = 8000\n";
        assert_eq!(resolve(&[], file).unwrap().prompt_budget, 8000);
        assert_eq!(
            resolve(&["--prompt-budget", "12000"], file)
                .unwrap()
                .prompt_budget,
            12000
        );
        let err = resolve(&["--prompt-budget", "10"], "").unwrap_err();
        assert_eq!(crate::exit::code_for(&err), crate::exit::Exit::Usage);
        assert!(err.to_string().contains("at least 2000"), "{err}");
    }

    #[test]
    fn the_store_comes_from_the_flag_or_the_file_and_never_shows_its_password() {
        assert_eq!(resolve(&[], "").unwrap().fleet.store, None);
        let file = "store = \"postgres://host:hunter2@db/proxy\"\napproval_wait = 30\n";
        let s = resolve(&[], file).unwrap();
        let url = s.fleet.store.clone().unwrap();
        assert_eq!(url.expose(), "postgres://host:hunter2@db/proxy");
        assert_eq!(s.fleet.approval_wait, Duration::from_secs(30));
        assert!(!format!("{s:?}").contains("hunter2"), "{s:?}");
        assert!(!url.to_string().contains("hunter2"));
        let flag = resolve(
            &[
                "--store",
                "postgres://other@db/x",
                "--approval-wait",
                "5",
                "--store-optional",
            ],
            file,
        )
        .unwrap();
        assert_eq!(flag.fleet.store.unwrap().expose(), "postgres://other@db/x");
        assert_eq!(flag.fleet.approval_wait, Duration::from_secs(5));
        assert!(flag.fleet.optional);
        assert_eq!(
            resolve(&[], "").unwrap().fleet.approval_wait,
            Duration::from_secs(300)
        );
        let err = resolve(&["--approval-wait", "0"], "").unwrap_err();
        assert_eq!(crate::exit::code_for(&err), crate::exit::Exit::Usage);
    }
}
