//! sqlite3: SQL given as arguments after the database file, `-cmd` texts (run *before*
//! standard input, which is still read), `-init` files, and dot-commands.
//!
//! The shell reads options anywhere on the command line, each with one dash or two
//! (`-cmd`, `--cmd`), never abbreviated. It reads standard input unless SQL arguments are
//! given. Read-only dot-commands are an allowlist (`.tables`, `.schema`, `.mode`, …); `.shell`,
//! `.system`, `.load` are denied; `.read`, `.output FILE`, `.open`, `.save` and unknown ones
//! ask. DuckDB's shell is the same shell (`duckdb.rs`).

use super::{push_directive, push_sql, Client, Input, Source};
use crate::assess::Assessment;
use crate::decision::{Decision, Risk};
use crate::programs::getopt::{self, flag, value, Effect, Spec, Syntax};
use crate::programs::table::judge_options;
use crate::shell::{Cmd, Ctx};
use crate::sql::Dialect;

/// The sqlite3 shell.
pub(super) struct Sqlite3;

/// How the sqlite3 and duckdb shells read options: one dash or two, exact names, anywhere.
pub(super) const SHELL_SYNTAX: Syntax = Syntax {
    abbreviations: false,
    permute: true,
    numeric: false,
    negation: false,
    single_dash_long: true,
    response_files: false,
};

/// sqlite3 3.40–3.47 shell options.
const OPTIONS: &[getopt::Opt] = &[
    flag("append").does(Effect::Changes),
    flag("ascii"),
    flag("bail"),
    flag("batch"),
    flag("box"),
    flag("column"),
    value("cmd"),
    flag("csv"),
    flag("deserialize").does(Effect::Changes),
    flag("echo"),
    value("escape"),
    flag("header"),
    flag("noheader"),
    flag("help"),
    flag("html"),
    value("init"),
    flag("interactive"),
    flag("json"),
    flag("line"),
    flag("list"),
    flag("markdown"),
    value("maxsize"),
    flag("memtrace"),
    value("mmap"),
    value("newline"),
    flag("nofollow"),
    value("nonce"),
    value("nullvalue"),
    flag("quote"),
    flag("readonly"),
    flag("safe"),
    value("separator"),
    flag("stats"),
    flag("table"),
    flag("tabs"),
    flag("utf8"),
    flag("version"),
    value("vfs"),
    flag("A|archive").does(Effect::Changes),
    flag("zip").does(Effect::Changes),
    flag("unsafe-testing").does(Effect::RunsCode),
];

const SPEC: Spec<'static> = Spec {
    program: "sqlite3",
    syntax: SHELL_SYNTAX,
    opts: OPTIONS,
};

impl Client for Sqlite3 {
    fn names(&self) -> &'static [&'static str] {
        &["sqlite3", "sqlite"]
    }

    fn sources(&self, ctx: &mut Ctx, cmd: &Cmd, a: &mut Assessment) -> Option<Input> {
        let parsed = getopt::parse(&SPEC, cmd.argv.get(1..).unwrap_or_default());
        judge_options(ctx, a, "client.sqlite3-option", "sqlite3", &parsed);
        shell_sources(&parsed, false)
    }

    fn judge_text(&self, ctx: &mut Ctx, _input: &Input, text: &str) {
        dot_text(ctx, Dialect::Sqlite, "sqlite3", text);
    }
}

/// The order the sqlite3-style shells run things: `-init` file, `-cmd` texts, then the SQL
/// arguments after the database file, or standard input when there are none. `duckdb`: also
/// DuckDB's `-c`/`-s`, which run a text and exit instead of reading standard input.
pub(super) fn shell_sources(parsed: &getopt::Parsed, duckdb: bool) -> Option<Input> {
    let mut sources = Vec::new();
    let mut exits = false;
    for f in parsed.options() {
        let Some(v) = &f.value else { continue };
        if f.opt.is("init") {
            sources.push(Source::File(v.clone()));
        } else if f.opt.is("cmd") {
            sources.push(Source::Text(v.clone()));
        } else if duckdb && (f.opt.is("c") || f.opt.is("s")) {
            sources.push(Source::Text(v.clone()));
            exits = true;
        }
    }
    let sql_args: Vec<_> = parsed.operands().skip(1).cloned().collect();
    if sql_args.is_empty() && !exits {
        sources.push(Source::Stdin);
    }
    sources.extend(sql_args.into_iter().map(Source::Text));
    Some(Input::with(sources))
}

pub(super) fn dot_text(ctx: &mut Ctx, dialect: Dialect, client: &str, text: &str) {
    let mut sql = String::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('.') && sql.trim().is_empty() {
            dot_command(ctx, client, trimmed);
        } else {
            sql.push_str(line);
            sql.push('\n');
            if trimmed.trim_end().ends_with(';') {
                push_sql(ctx, dialect, &sql);
                sql.clear();
            }
        }
    }
    push_sql(ctx, dialect, &sql);
}

fn dot_command(ctx: &mut Ctx, client: &str, line: &str) {
    let mut parts = line.splitn(2, char::is_whitespace);
    let name = parts
        .next()
        .unwrap_or("")
        .trim_start_matches('.')
        .to_ascii_lowercase();
    let arg = parts.next().unwrap_or("").trim().to_string();
    push_directive(ctx, client, line, |d| match name.as_str() {
        "shell" | "system" => {
            d.deny(Risk::Critical, "sqlite.shell", "runs a shell command");
        }
        "load" => {
            d.deny(Risk::Critical, "sqlite.load", "loads native code");
        }
        "import" | "restore" => {
            d.deny(
                Risk::High,
                format!("sqlite.{name}").as_str(),
                "writes data into the database",
            );
        }
        "read" => {
            if arg.starts_with('|') {
                d.deny(
                    Risk::Critical,
                    "sqlite.read-pipe",
                    "runs a command and executes its output",
                );
            } else {
                d.concern(
                    Decision::Ask,
                    Risk::High,
                    "sqlite.read",
                    "runs SQL from a file",
                );
            }
        }
        "output" | "once" | "log" | "trace" | "iotrace" => {
            if arg.is_empty() || matches!(arg.as_str(), "stdout" | "off" | "stderr") {
                d.read_only(format!("sqlite.{name}"), "resets output");
            } else if arg.starts_with('|')
                || arg.starts_with("-x")
                || arg.starts_with("-e")
                || arg.starts_with("--")
            {
                d.deny(
                    Risk::High,
                    "sqlite.output-program",
                    "sends output to a program",
                );
            } else {
                d.concern(
                    Decision::Ask,
                    Risk::Medium,
                    "sqlite.output",
                    format!("writes the file `{arg}`"),
                );
            }
        }
        "save" | "backup" | "clone" | "excel" | "archive" | "ar" | "open" | "session"
        | "expert" | "dbconfig" | "filectrl" | "imposter" | "testctrl" | "unmodule" | "nonce"
        | "selftest" | "sha3sum" => {
            d.concern(
                Decision::Ask,
                Risk::Medium,
                format!("sqlite.{name}"),
                "writes files or changes connection state",
            );
        }
        "tables" | "table" | "schema" | "fullschema" | "indexes" | "indices" | "databases"
        | "dbinfo" | "headers" | "header" | "mode" | "show" | "help" | "width" | "timer"
        | "stats" | "eqp" | "explain" | "lint" | "print" | "prompt" | "separator" | "nullvalue"
        | "echo" | "bail" | "changes" | "quit" | "exit" | "dump" | "parameter" | "limit"
        | "vfsinfo" | "vfslist" | "vfsname" | "version" | "crnl" | "binary" | "timeout"
        | "connection" | "columns" | "maxrows" | "maxwidth" | "rows" | "highlight" | "cd"
        | "recover" | "scanstats" | "check" => {
            d.read_only(format!("sqlite.{name}"), "client display command");
        }
        _ => {
            d.ask(
                "sqlite.unknown",
                format!("dot-command `.{name}` is not known"),
            );
        }
    });
}
