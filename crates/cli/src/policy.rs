//! `xldb-codex policy`: decide whether a command, patch or SQL text may run.
//!
//! Thin: all judgement lives in `approval-policy`. This file loads the policy files, builds the
//! action from the command line or from JSON lines, prints the verdict (human text or JSON) and
//! maps the decision to the exit code: `0` allow, `3` ask, `4` deny, `2` bad usage or an
//! unloadable policy file. `--jsonl` streams: one JSON verdict per input line, in order, flushed
//! per line; a bad line gets a `deny` verdict naming the error and the stream goes on; the
//! process exits `0` when the input ends.

use crate::exit::{Exit, UsageError};
use approval_policy::{Action, Decision, Dialect, Policy, Verdict};
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `xldb-codex policy`.
#[derive(Debug, clap::Args)]
pub struct PolicyArgs {
    #[command(subcommand)]
    command: PolicyCommand,
}

#[derive(Debug, clap::Subcommand)]
enum PolicyCommand {
    /// Judge a command (`-- ARGV…`), a patch (`--patch FILE`) or a JSON-lines stream (`--jsonl`).
    Check(CheckArgs),
    /// Judge SQL text for a database engine (what an `execute_query` tool would run).
    Sql(SqlArgs),
}

#[derive(Debug, clap::Args)]
struct Common {
    /// A TOML policy file with extra rules (repeatable; added to the built-in policy).
    #[arg(long = "policy", value_name = "FILE")]
    policies: Vec<PathBuf>,
    /// Print the verdict as JSON instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    #[command(flatten)]
    common: Common,
    /// Working directory of the command (the workspace for path rules).
    #[arg(long, value_name = "DIR")]
    cwd: Option<PathBuf>,
    /// Read `{"argv": […], "cwd": …}` or `{"patch": "…", "cwd": …}` lines from stdin and write
    /// one JSON verdict line per input line.
    #[arg(long, conflicts_with_all = ["argv", "patch"])]
    jsonl: bool,
    /// Judge an `apply_patch` file (`-` for stdin) instead of a command.
    #[arg(long, value_name = "FILE", conflicts_with = "argv")]
    patch: Option<PathBuf>,
    /// The command to judge, after `--` (bytes that are not UTF-8 are judged, and denied).
    #[arg(last = true, value_name = "ARGV")]
    argv: Vec<std::ffi::OsString>,
}

#[derive(Debug, clap::Args)]
struct SqlArgs {
    #[command(flatten)]
    common: Common,
    /// postgres, mysql, sqlite, duckdb, clickhouse, mssql, oracle or generic.
    #[arg(long, default_value = "generic")]
    dialect: String,
    /// The SQL text (`-` or nothing: read stdin).
    sql: Option<String>,
}

/// Run `xldb-codex policy`.
pub fn run(args: PolicyArgs) -> anyhow::Result<Exit> {
    match args.command {
        PolicyCommand::Check(a) => check(a),
        PolicyCommand::Sql(a) => sql(a),
    }
}

fn load(paths: &[PathBuf]) -> anyhow::Result<Policy> {
    let mut policy = Policy::builtin();
    for p in paths {
        policy = policy.with_file(p).map_err(|e| UsageError(e.to_string()))?;
    }
    Ok(policy)
}

fn exit_for(v: &Verdict) -> Exit {
    match v.decision {
        Decision::Allow => Exit::Ok,
        Decision::Ask => Exit::Ask,
        Decision::Deny => Exit::Deny,
    }
}

fn print(v: &Verdict, json: bool) -> anyhow::Result<Exit> {
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{}", serde_json::to_string(v)?)?;
    } else {
        write!(out, "{v}")?;
    }
    Ok(exit_for(v))
}

fn check(a: CheckArgs) -> anyhow::Result<Exit> {
    let policy = load(&a.common.policies)?;
    if a.jsonl {
        return jsonl(&policy, a.cwd);
    }
    let action = if let Some(p) = &a.patch {
        Action::patch_text(&crate::input::read_text(p)?, a.cwd.clone())
            .map_err(|e| UsageError(e.to_string()))?
    } else {
        if a.argv.is_empty() {
            return Err(UsageError(
                "nothing to check: give `-- ARGV…`, `--patch FILE` or `--jsonl`".into(),
            )
            .into());
        }
        let (argv, bad) = decode_argv(&a.argv);
        let action = Action::exec(argv, a.cwd.clone());
        if let Some(index) = bad {
            // Every input gets a verdict: judge what can be read, and deny what cannot.
            let mut verdict = policy.evaluate(&action);
            let error = Verdict::error(format!(
                "argument {index} is not valid UTF-8: it cannot be judged as written"
            ));
            verdict.decision = Decision::Deny;
            verdict.risk = verdict.risk.max(error.risk);
            verdict.explanation.extend(error.explanation);
            return print(&verdict, a.common.json);
        }
        action
    };
    print(&policy.evaluate(&action), a.common.json)
}

/// The arguments as text (invalid UTF-8 replaced), and the index of the first that was not
/// valid UTF-8.
fn decode_argv(argv: &[std::ffi::OsString]) -> (Vec<String>, Option<usize>) {
    let mut bad = None;
    let text = argv
        .iter()
        .enumerate()
        .map(|(i, a)| match a.to_str() {
            Some(s) => s.to_string(),
            None => {
                bad.get_or_insert(i);
                a.to_string_lossy().into_owned()
            }
        })
        .collect();
    (text, bad)
}

fn jsonl(policy: &Policy, default_cwd: Option<PathBuf>) -> anyhow::Result<Exit> {
    let mut stdin = std::io::stdin().lock();
    let mut out = std::io::stdout().lock();
    let mut bytes = Vec::new();
    loop {
        bytes.clear();
        // Lines as bytes: one undecodable line gets its verdict and the stream goes on.
        if std::io::BufRead::read_until(&mut stdin, b'\n', &mut bytes)? == 0 {
            break;
        }
        if bytes.last() == Some(&b'\n') {
            bytes.pop();
            if bytes.last() == Some(&b'\r') {
                bytes.pop();
            }
        }
        let line = match std::str::from_utf8(&bytes) {
            Ok(line) => line,
            Err(e) => {
                let verdict = Verdict::error(format!("line is not valid UTF-8: {e}"));
                writeln!(out, "{}", serde_json::to_string(&verdict)?)?;
                out.flush()?;
                continue;
            }
        };
        let verdict = match serde_json::from_str::<serde_json::Value>(line) {
            Err(e) => Verdict::error(format!("line is not JSON: {e}")),
            Ok(mut value) => {
                if let (Some(cwd), Some(obj)) = (&default_cwd, value.as_object_mut()) {
                    obj.entry("cwd")
                        .or_insert_with(|| serde_json::Value::String(cwd.display().to_string()));
                }
                match Action::from_json(&value) {
                    Ok(action) => policy.evaluate(&action),
                    Err(e) => Verdict::error(e.to_string()),
                }
            }
        };
        writeln!(out, "{}", serde_json::to_string(&verdict)?)?;
        out.flush()?;
    }
    Ok(Exit::Ok)
}

fn sql(a: SqlArgs) -> anyhow::Result<Exit> {
    let policy = load(&a.common.policies)?;
    let dialect: Dialect = a.dialect.parse().map_err(UsageError)?;
    let text = match a.sql.as_deref() {
        None | Some("-") => crate::input::read_text(std::path::Path::new("-"))?,
        Some(s) => s.to_string(),
    };
    print(&policy.evaluate_sql(dialect, &text), a.common.json)
}
