//! `xldb-codex policy`: decide whether a command, patch or SQL text may run.
//!
//! Thin: all judgement lives in `approval-policy`. This file loads the policy files, builds the
//! action from the command line or from JSON lines, prints the verdict (human text or JSON) and
//! maps the decision to the exit code: `0` allow, `3` ask, `4` deny, `2` bad usage or an
//! unloadable policy file. `--jsonl` streams: one JSON verdict per input line, in order, flushed
//! per line; a bad line gets a `deny` verdict naming the error and the stream goes on; the
//! process exits `0` when the input ends.
//!
//! `list` and `explain` show the rules themselves: every built-in rule id (from the
//! catalogue in `approval-policy`) and the rules of the `--policy` files; an unknown id is bad
//! usage (exit 2) that names the nearest ids.

use crate::exit::{Exit, UsageError};
use approval_policy::{Action, Decision, Dialect, FileRule, Policy, RuleInfo, Verdict};
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
    /// List the built-in rules (id, decisions, reason) and the rules of `--policy` files.
    ///
    /// Ids ending in `*` are families: the engine builds the rest of the id at run time
    /// (`git.*` covers `git.log`, `git.commit`, …). A verdict's explanation names the id that
    /// decided; `policy explain ID` says more about one.
    #[command(
        after_help = "Examples:\n  xldb-codex policy list\n  xldb-codex policy list --policy team.toml --json\n\nExit codes: 0 success; 2 an unloadable policy file."
    )]
    List(ListArgs),
    /// Explain one rule: its decisions, reason, what it judges, and examples with their verdicts.
    ///
    /// RULE-ID is a built-in id (`git.push-force`), an id a family covers (`git.log`), or the
    /// id of a rule in a `--policy` file. An unknown id is bad usage (exit 2) and names the
    /// nearest ids.
    #[command(
        after_help = "Examples:\n  xldb-codex policy explain git.push-force\n  xldb-codex policy explain no-push --policy team.toml\n\nExit codes: 0 the rule is known; 2 unknown id or unloadable policy file."
    )]
    Explain(ExplainArgs),
}

#[derive(Debug, clap::Args)]
struct ListArgs {
    #[command(flatten)]
    common: Common,
}

#[derive(Debug, clap::Args)]
struct ExplainArgs {
    #[command(flatten)]
    common: Common,
    /// The rule id, as a verdict's explanation shows it.
    #[arg(value_name = "RULE-ID")]
    id: String,
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
        PolicyCommand::List(a) => list(a),
        PolicyCommand::Explain(a) => explain(a),
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

fn decisions(rule: &RuleInfo) -> String {
    let names: Vec<&str> = rule.decisions.iter().map(|d| d.as_str()).collect();
    names.join("|")
}

fn builtin_json(rule: &RuleInfo) -> serde_json::Value {
    serde_json::json!({
        "id": rule.id,
        "decisions": rule.decisions,
        "reason": rule.reason,
        "judges": rule.judges(),
        "examples": rule.examples,
    })
}

fn list(a: ListArgs) -> anyhow::Result<Exit> {
    let policy = load(&a.common.policies)?;
    let builtin = approval_policy::builtin_rules();
    let files = policy.file_rules();
    let mut out = std::io::stdout().lock();
    if a.common.json {
        let doc = serde_json::json!({
            "builtin": builtin.iter().map(builtin_json).collect::<Vec<_>>(),
            "files": files,
        });
        writeln!(out, "{doc}")?;
        return Ok(Exit::Ok);
    }
    let width = builtin.iter().map(|r| r.id.len()).max().unwrap_or(0);
    writeln!(
        out,
        "Built-in rules ({}; `*` marks a family of ids built at run time):",
        builtin.len()
    )?;
    for r in builtin {
        writeln!(out, "  {:width$}  {:<14}  {}", r.id, decisions(r), r.reason)?;
    }
    if !files.is_empty() {
        let width = files.iter().map(|r| r.id.len()).max().unwrap_or(0);
        writeln!(out, "\nRules from policy files ({}):", files.len())?;
        for r in &files {
            writeln!(
                out,
                "  {:width$}  {:<14}  {}",
                r.id,
                r.decision.as_str(),
                r.reason
            )?;
        }
    }
    Ok(Exit::Ok)
}

/// What `explain` found for an id.
enum Found {
    File(FileRule),
    Builtin(&'static RuleInfo),
}

fn explain(a: ExplainArgs) -> anyhow::Result<Exit> {
    let policy = load(&a.common.policies)?;
    let files = policy.file_rules();
    let id = a.id.trim();
    let found = match files.iter().find(|r| r.id == id) {
        Some(r) => Found::File(r.clone()),
        None => match approval_policy::builtin_rule(id) {
            Some(r) => Found::Builtin(r),
            None => {
                let mut known: Vec<&str> = approval_policy::builtin_rules()
                    .iter()
                    .map(|r| r.id)
                    .collect();
                known.extend(files.iter().map(|r| r.id.as_str()));
                return Err(UsageError(unknown_id(id, &known)).into());
            }
        },
    };
    let mut out = std::io::stdout().lock();
    match found {
        Found::File(r) => {
            if a.common.json {
                let doc = serde_json::json!({ "source": "file", "rule": r });
                writeln!(out, "{doc}")?;
            } else {
                writeln!(out, "id: {}\nsource: policy file", r.id)?;
                writeln!(out, "decision: {}\npriority: {}", r.decision, r.priority)?;
                writeln!(out, "loosen: {}\nreason: {}", r.loosen, r.reason)?;
                writeln!(out, "matches: {}", r.matches)?;
                for (title, list) in [
                    ("examples that match", &r.examples_match),
                    ("examples that do not match", &r.examples_not_match),
                ] {
                    if !list.is_empty() {
                        writeln!(out, "{title}:")?;
                        for ex in list {
                            writeln!(out, "  {ex}")?;
                        }
                    }
                }
            }
        }
        Found::Builtin(r) => {
            let examples: Vec<(&str, Verdict)> = r
                .examples
                .iter()
                .map(|ex| {
                    let argv = vec!["bash".into(), "-lc".into(), ex.to_string()];
                    (*ex, policy.evaluate(&Action::exec(argv, None)))
                })
                .collect();
            let family_member = (r.id != id).then_some(id);
            if a.common.json {
                let doc = serde_json::json!({
                    "source": "builtin",
                    "asked": id,
                    "rule": builtin_json(r),
                    "verdicts": examples.iter().map(|(ex, v)| serde_json::json!({
                        "command": ex,
                        "verdict": v,
                    })).collect::<Vec<_>>(),
                });
                writeln!(out, "{doc}")?;
            } else {
                writeln!(out, "id: {}", r.id)?;
                if let Some(member) = family_member {
                    writeln!(out, "  (`{member}` is one of this family of ids)")?;
                }
                writeln!(out, "source: built-in")?;
                writeln!(out, "decisions: {}", decisions(r).replace('|', ", "))?;
                writeln!(out, "reason: {}\njudges: {}", r.reason, r.judges())?;
                if !examples.is_empty() {
                    writeln!(out, "examples:")?;
                    for (ex, v) in &examples {
                        let by = v.explanation.iter().find(|j| r.covers(&j.id));
                        let id = by.map_or(r.id, |j| j.id.as_str());
                        writeln!(out, "  {ex}\n    -> {} ({id})", v.decision)?;
                    }
                }
            }
        }
    }
    Ok(Exit::Ok)
}

/// The usage error for an unknown id, naming up to three near ids.
fn unknown_id(id: &str, known: &[&str]) -> String {
    let lower = id.to_lowercase();
    let budget = (lower.chars().count() / 3).max(1);
    let mut near: Vec<(usize, &str)> = known
        .iter()
        .map(|k| (strsim::levenshtein(&lower, &k.to_lowercase()), *k))
        .filter(|(d, k)| *d <= budget || (lower.len() >= 4 && k.contains(lower.as_str())))
        .collect();
    near.sort();
    near.dedup();
    let near: Vec<String> = near.iter().take(3).map(|(_, k)| format!("`{k}`")).collect();
    let hint = if near.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", near.join(", "))
    };
    format!("unknown rule id `{id}`{hint} (`xldb-codex policy list` shows every id)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_ids_name_the_nearest_known_ids() {
        let known = ["shell.unparsable", "sql.unparsable", "git.push-force"];
        let msg = unknown_id("shell.unparseable", &known);
        assert!(msg.contains("did you mean `shell.unparsable`"), "{msg}");
        let msg = unknown_id("zzz", &known);
        assert!(!msg.contains("did you mean"), "{msg}");
        assert!(msg.starts_with("unknown rule id `zzz`"), "{msg}");
    }
}
