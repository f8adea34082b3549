//! psql: `-c`/`--command` and `-f`/`--file` in the order given (standard input only when
//! neither is given), backslash meta-commands, and `:name` variable interpolation.
//!
//! psql reads options with GNU `getopt_long`, so `--comm=…` is `--command`. Read-only
//! meta-commands are an allowlist (`\d*`, `\l`, `\dt`, display settings); `\!`, `\copy …
//! program`, `\o |cmd` are denied; `\;`, `\set`, `\gexec`, `\i`, `\o FILE`, `\w` and
//! anything unknown ask.

use super::{harmless_value, push_directive, push_sql, Client, Input, Source};
use crate::assess::Assessment;
use crate::decision::{Decision, Risk};
use crate::programs::getopt::{self, flag, optional, value, Spec, GNU};
use crate::programs::table::judge_options;
use crate::shell::{self, Cmd, Ctx};
use crate::sql::Dialect;

/// The psql client.
pub(super) struct Psql;

/// psql 15's options.
const OPTIONS: &[getopt::Opt] = &[
    value("c|command"),
    value("d|dbname"),
    value("f|file"),
    flag("l|list"),
    value("v|set|variable"),
    flag("V|version"),
    flag("X|no-psqlrc"),
    flag("1|single-transaction"),
    optional("?|help"),
    flag("a|echo-all"),
    flag("b|echo-errors"),
    flag("e|echo-queries"),
    flag("E|echo-hidden"),
    value("L|log-file"),
    flag("n|no-readline"),
    value("o|output"),
    flag("q|quiet"),
    flag("s|single-step"),
    flag("S|single-line"),
    flag("A|no-align"),
    flag("csv"),
    value("F|field-separator"),
    flag("H|html"),
    value("P|pset"),
    value("R|record-separator"),
    flag("t|tuples-only"),
    value("T|table-attr"),
    flag("x|expanded"),
    flag("z|field-separator-zero"),
    flag("0|record-separator-zero"),
    value("h|host"),
    value("p|port"),
    value("U|username"),
    flag("w|no-password"),
    flag("W|password"),
];

const SPEC: Spec<'static> = Spec {
    program: "psql",
    syntax: GNU,
    opts: OPTIONS,
};

impl Client for Psql {
    fn names(&self) -> &'static [&'static str] {
        &["psql"]
    }

    fn sources(&self, ctx: &mut Ctx, cmd: &Cmd, a: &mut Assessment) -> Option<Input> {
        let parsed = getopt::parse(&SPEC, cmd.argv.get(1..).unwrap_or_default());
        judge_options(ctx, a, "client.psql-option", "psql", &parsed);
        let mut input = Input::default();
        let mut list_only = false;
        for f in parsed.options() {
            let Some(v) = &f.value else {
                list_only |= f.opt.is("list");
                continue;
            };
            if f.opt.is("command") {
                input.sources.push(Source::Text(v.clone()));
            } else if f.opt.is("file") {
                input.sources.push(if v.text == "-" {
                    Source::Stdin
                } else {
                    Source::File(v.clone())
                });
            } else if f.opt.is("output") || f.opt.is("log-file") {
                if v.text.starts_with('|') {
                    a.deny(
                        Risk::Critical,
                        "client.psql-pipe",
                        format!("{}: output piped to a program", f.describe("psql")),
                    );
                } else {
                    shell::write_target(ctx, v, &format!("psql {} {}", f.spelled, v.text));
                }
            } else if f.opt.is("set") {
                let (name, val) = v.text.split_once('=').unwrap_or((&v.text, ""));
                if val.contains('`') {
                    a.concern(
                        Decision::Ask,
                        Risk::High,
                        "client.psql-variable",
                        format!("psql variable `{name}`: a backquote in a prompt runs a command"),
                    );
                }
                input.vars.push((
                    name.to_string(),
                    crate::shell::Arg {
                        text: val.to_string(),
                        dynamic: v.dynamic,
                    },
                ));
            }
        }
        if input.sources.is_empty() {
            if list_only {
                a.read_only("client.psql", "lists databases");
                return None;
            }
            input.sources.push(Source::Stdin);
        }
        Some(input)
    }

    fn judge_text(&self, ctx: &mut Ctx, input: &Input, text: &str) {
        psql_text(ctx, input, text);
    }
}

/// Split psql input into SQL and backslash meta-commands (outside quotes and comments).
fn psql_text(ctx: &mut Ctx, input: &Input, text: &str) {
    let chars: Vec<char> = text.chars().collect();
    let mut sql = String::new();
    let mut defined_in_text = false;
    let mut i = 0;
    let n = chars.len();
    while i < n {
        let c = chars[i];
        match c {
            '\'' | '"' => {
                let q = c;
                sql.push(c);
                i += 1;
                while i < n {
                    sql.push(chars[i]);
                    if chars[i] == q {
                        if i + 1 < n && chars[i + 1] == q {
                            sql.push(q);
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                i += 1;
            }
            '$' => {
                // Dollar quote `$tag$ … $tag$`.
                let mut j = i + 1;
                while j < n && (chars[j].is_alphanumeric() || chars[j] == '_') {
                    j += 1;
                }
                if j < n
                    && chars[j] == '$'
                    && !(i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_'))
                {
                    // Search the closing tag in place (linear in the quoted body).
                    let tag = &chars[i..=j];
                    let close = chars[j + 1..]
                        .windows(tag.len())
                        .position(|w| w == tag)
                        .map(|p| j + 1 + p + tag.len())
                        .unwrap_or(n);
                    sql.extend(&chars[i..close]);
                    i = close;
                } else {
                    sql.push(c);
                    i += 1;
                }
            }
            '-' if i + 1 < n && chars[i + 1] == '-' => {
                while i < n && chars[i] != '\n' {
                    i += 1;
                }
                sql.push('\n');
            }
            '/' if i + 1 < n && chars[i + 1] == '*' => {
                let mut depth = 0;
                while i < n {
                    if i + 1 < n && chars[i] == '/' && chars[i + 1] == '*' {
                        depth += 1;
                        i += 2;
                    } else if i + 1 < n && chars[i] == '*' && chars[i + 1] == '/' {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                sql.push(' ');
            }
            '\\' => {
                let end = chars[i..]
                    .iter()
                    .position(|c| *c == '\n')
                    .map(|p| i + p)
                    .unwrap_or(n);
                let line: String = chars[i..end].iter().collect();
                // A meta-command line may hold several commands: `\pset format csv \g out.csv`.
                let mut metas: Vec<String> = Vec::new();
                for tok in line.split_whitespace() {
                    if tok.starts_with('\\') || metas.is_empty() {
                        metas.push(tok.to_string());
                    } else if let Some(last) = metas.last_mut() {
                        last.push(' ');
                        last.push_str(tok);
                    }
                }
                let runs_buffer = metas.iter().any(|m| {
                    let name = m.split_whitespace().next().unwrap_or("");
                    matches!(
                        name,
                        "\\g"
                            | "\\gx"
                            | "\\gset"
                            | "\\gexec"
                            | "\\gdesc"
                            | "\\watch"
                            | "\\crosstabview"
                            | "\\;"
                    )
                });
                for m in metas {
                    let name = m.split_whitespace().next().unwrap_or("");
                    if matches!(name, "\\set" | "\\gset" | "\\prompt") {
                        defined_in_text = true;
                    }
                    psql_meta(ctx, &m);
                }
                if runs_buffer {
                    push_sql(ctx, Dialect::Postgres, &sql);
                    sql.clear();
                }
                i = end;
            }
            ':' if i + 1 < n
                && !(i > 0 && chars[i - 1] == ':')
                && chars[i + 1] != ':'
                && (is_var_char(chars[i + 1])
                    || (matches!(chars[i + 1], '\'' | '"')
                        && i + 2 < n
                        && is_var_char(chars[i + 2]))) =>
            {
                let quote = matches!(chars[i + 1], '\'' | '"').then_some(chars[i + 1]);
                let start = i + 1 + usize::from(quote.is_some());
                let mut j = start;
                while j < n && is_var_char(chars[j]) {
                    j += 1;
                }
                let name: String = chars[start..j].iter().collect();
                let closed = quote.is_none_or(|q| j < n && chars[j] == q);
                let end = if quote.is_some() && closed { j + 1 } else { j };
                let reference: String = chars[i..end].iter().collect();
                interpolate(
                    ctx,
                    input,
                    &name,
                    quote,
                    &reference,
                    defined_in_text,
                    &mut sql,
                );
                i = end;
            }
            _ => {
                sql.push(c);
                i += 1;
            }
        }
    }
    push_sql(ctx, Dialect::Postgres, &sql);
}

/// Characters of a psql variable name.
fn is_var_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || !c.is_ascii()
}

/// Variables psql sets itself from the connection and the server.
const BUILTIN_VARIABLES: [&str; 14] = [
    "DBNAME",
    "ENCODING",
    "ERROR",
    "HOST",
    "LAST_ERROR_MESSAGE",
    "LAST_ERROR_SQLSTATE",
    "LASTOID",
    "PORT",
    "ROW_COUNT",
    "SERVER_VERSION_NAME",
    "SERVER_VERSION_NUM",
    "SQLSTATE",
    "USER",
    "VERSION",
];

/// `:name`, `:'name'`, `:"name"`: psql replaces a *defined* variable with its value (quoted
/// as a literal or an identifier) and leaves an undefined one as written, which is then what
/// the server gets. A value set on the command line is substituted when harmless; a value
/// set by the text itself (`\set`, `\gset`, `\prompt`) or by psql is not known: ask.
fn interpolate(
    ctx: &mut Ctx,
    input: &Input,
    name: &str,
    quote: Option<char>,
    reference: &str,
    defined_in_text: bool,
    sql: &mut String,
) {
    match input.var(name) {
        Some(v) if harmless_value(v) => match quote {
            Some(q) => {
                sql.push(q);
                sql.push_str(&v.text);
                sql.push(q);
            }
            None => sql.push_str(&v.text),
        },
        Some(_) => {
            push_directive(ctx, "psql", reference, |d| {
                d.concern(
                    Decision::Ask,
                    Risk::High,
                    "psql.variable",
                    format!(
                        "psql interpolates `{reference}` into the SQL and the value of `{name}` is not known harmless"
                    ),
                );
            });
            sql.push_str("NULL");
        }
        None if defined_in_text || BUILTIN_VARIABLES.contains(&name) => {
            push_directive(ctx, "psql", reference, |d| {
                d.concern(
                    Decision::Ask,
                    Risk::High,
                    "psql.variable",
                    format!("psql interpolates `{reference}`, whose value is not known here"),
                );
            });
            sql.push_str("NULL");
        }
        None => sql.push_str(reference),
    }
}

fn psql_meta(ctx: &mut Ctx, meta: &str) {
    let mut parts = meta.splitn(2, char::is_whitespace);
    let name = parts
        .next()
        .unwrap_or("")
        .trim_start_matches('\\')
        .to_string();
    let arg = parts.next().unwrap_or("").trim().to_string();
    let lower = arg.to_ascii_lowercase();
    push_directive(ctx, "psql", meta, |d| {
        let n = name.as_str();
        if arg.contains('`') {
            d.deny(
                Risk::Critical,
                "psql.backquote",
                "a backquoted meta-command argument runs a shell command",
            );
        }
        let describe = n.starts_with('d')
            && n.chars()
                .all(|c| c.is_ascii_alphabetic() || c == '+' || c == 'S' || c == 'x');
        match n {
            "!" | "" if n == "!" => {
                d.deny(Risk::Critical, "psql.shell", "`\\!` runs a shell command");
            }
            _ if n.starts_with('!') => {
                d.deny(Risk::Critical, "psql.shell", "`\\!` runs a shell command");
            }
            "copy" => {
                if lower.contains(" program ") || lower.contains(" program'") {
                    d.deny(
                        Risk::Critical,
                        "psql.copy-program",
                        "`\\copy … program` runs a command",
                    );
                } else if lower.contains(" from ") {
                    d.deny(
                        Risk::High,
                        "psql.copy-from",
                        "`\\copy … from` loads rows into a table",
                    );
                } else if lower.contains(" to stdout") || lower.contains(" to pstdout") {
                    d.read_only("psql.copy-to-stdout", "copies rows to standard output");
                } else {
                    d.concern(
                        Decision::Ask,
                        Risk::Medium,
                        "psql.copy-to",
                        "`\\copy … to` writes a file",
                    );
                }
            }
            "o" | "out" | "g" | "gx" | "w" | "write" | "s" => {
                if arg.is_empty() {
                    d.read_only(
                        format!("psql.{n}"),
                        "runs or redirects the judged query buffer",
                    );
                } else if arg.starts_with('|') {
                    d.deny(
                        Risk::Critical,
                        "psql.pipe",
                        "output piped to a shell command",
                    );
                } else {
                    d.concern(
                        Decision::Ask,
                        Risk::Medium,
                        "psql.write-file",
                        format!("writes the file `{arg}`"),
                    );
                }
            }
            "i" | "include" | "ir" | "include_relative" => {
                d.concern(
                    Decision::Ask,
                    Risk::High,
                    "psql.include",
                    "runs SQL from a file",
                );
            }
            "gexec" => {
                d.deny(Risk::High, "psql.gexec", "runs query results as SQL");
            }
            "e" | "edit" | "ef" | "ev" => {
                d.ask("psql.edit", "opens an editor");
            }
            "setenv" | "password" | "lo_import" | "lo_export" | "lo_unlink" => {
                d.deny(
                    Risk::High,
                    format!("psql.{n}").as_str(),
                    "changes environment, passwords or large objects",
                );
            }
            "l" | "l+" | "list" | "list+" | "conninfo" | "encoding" | "timing" | "x" | "a"
            | "t" | "H" | "T" | "C" | "f" | "pset" | "echo" | "qecho" | "warn" | "q" | "quit"
            | "?" | "h" | "help" | "sf" | "sf+" | "sv" | "sv+" | "z" | "copyright"
            | "errverbose" | "unset" | "r" | "reset" | "p" | "print" | "gdesc" | "crosstabview"
            | "lo_list" | "" => {
                d.read_only(format!("psql.{n}"), "psql display command");
            }
            ";" => {
                d.ask(
                    "psql.separator",
                    "`\\;` sends the statements before it together with the next ones",
                );
            }
            "set" | "gset" | "prompt" | "getenv" | "bind" => {
                d.ask(
                    "psql.set-variable",
                    format!("`\\{n}` sets a variable that later SQL may interpolate"),
                );
            }
            "if" | "elif" | "else" | "endif" | "watch" | "c" | "connect" | "cd" => {
                d.ask(
                    "psql.control",
                    format!("`\\{n}` changes what runs, where, or how often"),
                );
            }
            _ if describe => {
                d.read_only("psql.describe", "describes database objects");
            }
            _ => {
                d.ask(
                    "psql.unknown",
                    format!("psql meta-command `\\{n}` is not known"),
                );
            }
        }
    });
}
