//! sqlcmd: `-Q`/`-q` texts, `-i` files (standard input only without them), `GO` batches,
//! `:` commands (`:r`, `:out`, `:!!`), and `$(name)` scripting variables.
//!
//! sqlcmd replaces `$(name)` everywhere in a batch, string literals included, with a
//! variable set by `-v name=value`, by `:setvar`, or from the environment. A value set on the
//! command line is substituted when known harmless; any other reference asks (the
//! environment holds secrets, and a value can carry SQL). `-x` turns substitution off.

use super::{harmless_value, push_directive, push_sql, Client, Input, Source};
use crate::assess::Assessment;
use crate::decision::{Decision, Risk};
use crate::programs::getopt::{self, flag, optional, value, Effect, Spec, Syntax};
use crate::programs::table::judge_options;
use crate::shell::{Arg, Cmd, Ctx};
use crate::sql::Dialect;

/// The sqlcmd client.
pub(super) struct Sqlcmd;

/// sqlcmd reads single-letter options, case-sensitive, in any order, never abbreviated.
const SYNTAX: Syntax = Syntax {
    abbreviations: false,
    permute: true,
    numeric: false,
    negation: false,
    single_dash_long: false,
    response_files: false,
};

/// sqlcmd (ODBC and go-sqlcmd) options.
const OPTIONS: &[getopt::Opt] = &[
    value("Q"),
    value("q"),
    value("i").does(Effect::ReadsFile),
    value("o").does(Effect::WritesFile),
    value("v"),
    flag("x"),
    optional("X"),
    value("S"),
    value("d"),
    value("U"),
    value("P"),
    value("H"),
    value("l"),
    value("t"),
    value("h"),
    value("s"),
    value("w"),
    value("a"),
    value("c"),
    value("m"),
    value("V"),
    value("y"),
    value("Y"),
    value("f"),
    value("K"),
    value("M"),
    optional("r"),
    optional("k"),
    optional("p"),
    optional("L"),
    flag("e"),
    flag("E"),
    flag("C"),
    flag("N"),
    flag("b"),
    flag("I"),
    flag("W"),
    flag("u"),
    flag("A"),
    flag("G"),
    flag("?"),
    value("z").does(Effect::System),
    value("Z").does(Effect::System),
];

const SPEC: Spec<'static> = Spec {
    program: "sqlcmd",
    syntax: SYNTAX,
    opts: OPTIONS,
};

impl Client for Sqlcmd {
    fn names(&self) -> &'static [&'static str] {
        &["sqlcmd"]
    }

    fn sources(&self, ctx: &mut Ctx, cmd: &Cmd, a: &mut Assessment) -> Option<Input> {
        let parsed = getopt::parse(&SPEC, cmd.argv.get(1..).unwrap_or_default());
        judge_options(ctx, a, "client.sqlcmd-option", "sqlcmd", &parsed);
        let mut input = Input::default();
        let mut substitutes = true;
        let mut var = |v: &Arg, input: &mut Input| match v.text.split_once('=') {
            Some((name, val)) => input.vars.push((
                name.trim().to_string(),
                Arg {
                    text: val.trim_matches('"').to_string(),
                    dynamic: v.dynamic,
                },
            )),
            None => {
                a.ask(
                    "client.sqlcmd-option",
                    format!("sqlcmd argument `{}` is not known", v.text),
                );
            }
        };
        for item in &parsed.items {
            match item {
                getopt::Item::Opt(f) => match &f.value {
                    Some(v) if f.opt.is("Q") || f.opt.is("q") => {
                        input.sources.push(Source::Text(v.clone()))
                    }
                    Some(v) if f.opt.is("i") => input.sources.push(Source::File(v.clone())),
                    Some(v) if f.opt.is("v") => var(v, &mut input),
                    _ => substitutes &= !f.opt.is("x"),
                },
                // `-v a=1 b=2`: sqlcmd takes every following `name=value`.
                getopt::Item::Operand(v) => var(v, &mut input),
            }
        }
        if !substitutes {
            input.vars.push((NO_SUBSTITUTION.to_string(), Arg::lit("")));
        }
        if input.sources.is_empty() {
            input.sources.push(Source::Stdin);
        }
        Some(input)
    }

    fn judge_text(&self, ctx: &mut Ctx, input: &Input, text: &str) {
        match substitute(ctx, input, text) {
            Some(text) => sqlcmd_text(ctx, &text),
            None => sqlcmd_text(ctx, text),
        }
    }
}

/// Marks `-x` in [`Input::vars`] (not a name sqlcmd accepts for a variable).
const NO_SUBSTITUTION: &str = "$(-x)";

/// Replace `$(name)` as sqlcmd does; `None` when nothing is replaced. A reference whose value
/// is not known harmless asks and is replaced by `NULL`.
fn substitute(ctx: &mut Ctx, input: &Input, text: &str) -> Option<String> {
    if !text.contains("$(") || input.var(NO_SUBSTITUTION).is_some() {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("$(") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let Some(close) = after.find(')') else {
            out.push_str(&rest[at..]);
            rest = "";
            break;
        };
        let name = &after[..close];
        match input.var(name) {
            Some(v) if harmless_value(v) => out.push_str(&v.text),
            _ => {
                let reference = format!("$({name})");
                push_directive(ctx, "sqlcmd", &reference, |d| {
                    d.concern(
                        Decision::Ask,
                        Risk::High,
                        "sqlcmd.variable",
                        format!(
                            "sqlcmd replaces `{reference}` in the SQL and its value is not known harmless"
                        ),
                    );
                });
                out.push_str("NULL");
            }
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Some(out)
}

fn sqlcmd_text(ctx: &mut Ctx, text: &str) {
    let mut batch = String::new();
    for line in text.lines() {
        let t = line.trim();
        let upper = t.to_ascii_uppercase();
        if upper == "GO"
            || (upper.starts_with("GO ") && upper[3..].trim().chars().all(|c| c.is_ascii_digit()))
        {
            push_sql(ctx, Dialect::MsSql, &batch);
            batch.clear();
            continue;
        }
        if t.starts_with("!!") || upper.starts_with(":!!") {
            push_directive(ctx, "sqlcmd", t, |d| {
                d.deny(Risk::Critical, "sqlcmd.shell", "runs a shell command");
            });
            continue;
        }
        if t.starts_with(':') && batch.trim().is_empty()
            || t.starts_with(':')
                && upper.len() > 1
                && upper[1..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
                && !upper.starts_with("::")
        {
            let name = upper[1..]
                .split(|c: char| c.is_whitespace() || c == '(')
                .next()
                .unwrap_or("")
                .to_string();
            if name == "EXIT" || name == "QUIT" {
                if let (Some(open), Some(close)) = (t.find('('), t.rfind(')')) {
                    if close > open + 1 {
                        push_sql(ctx, Dialect::MsSql, &t[open + 1..close]);
                    }
                }
            }
            push_directive(ctx, "sqlcmd", t, |d| match name.as_str() {
                "R" => {
                    d.concern(
                        Decision::Ask,
                        Risk::High,
                        "sqlcmd.include",
                        "runs SQL from a file",
                    );
                }
                "OUT" | "ERROR" | "PERFTRACE" => {
                    d.concern(Decision::Ask, Risk::Medium, "sqlcmd.write", "writes a file");
                }
                "ED" => {
                    d.ask("sqlcmd.edit", "opens an editor");
                }
                "SETVAR" | "CONNECT" | "ON" | "QUIT" | "EXIT" | "LISTVAR" | "LIST" | "HELP"
                | "RESET" | "XML" | "SERVERLIST" => {
                    d.read_only("sqlcmd.directive", "sqlcmd control command");
                }
                _ => {
                    d.ask("sqlcmd.unknown", "unknown sqlcmd command");
                }
            });
            continue;
        }
        batch.push_str(line);
        batch.push('\n');
    }
    push_sql(ctx, Dialect::MsSql, &batch);
}
