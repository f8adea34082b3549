//! mysql and mariadb: `-e`/`--execute` (standard input only without it), `--init-command`
//! (runs first, on connect), client commands (`system`, `source`, `pager`, `\!`, …) and
//! executable comments, which the SQL classifier unwraps.
//!
//! The client reads options with `my_getopt`, which takes any unambiguous prefix of a long
//! option: `--exec=` is `--execute`, `--init-comm=` is `--init-command`, `--pag` is
//! `--pager`. Options that read other option files (`--defaults-file`, `--login-path`) or load
//! plugins ask: those files can carry an init command.

use super::{push_directive, push_sql, Client, Input, Source};
use crate::assess::Assessment;
use crate::decision::{Decision, Risk};
use crate::programs::getopt::{self, flag, optional, value, Effect, Spec, GNU};
use crate::programs::table::judge_options;
use crate::shell::{Cmd, Ctx};
use crate::sql::Dialect;

/// The mysql and mariadb clients.
pub(super) struct Mysql;

/// MariaDB 10.11 / MySQL 8 client options.
const OPTIONS: &[getopt::Opt] = &[
    flag("?|I|help"),
    flag("A|no-auto-rehash|skip-auto-rehash"),
    flag("auto-rehash"),
    flag("auto-vertical-output"),
    flag("B|batch"),
    flag("binary-as-hex"),
    flag("binary-mode"),
    value("character-sets-dir"),
    flag("column-names"),
    flag("column-type-info"),
    flag("c|comments"),
    flag("skip-comments"),
    flag("C|compress"),
    flag("connect-expired-password"),
    value("connect-timeout"),
    value("D|database"),
    optional("#|debug").does(Effect::WritesFile),
    flag("debug-check"),
    flag("T|debug-info"),
    value("default-auth").does(Effect::RunsCode),
    value("default-character-set"),
    value("defaults-extra-file").does(Effect::RunsCode),
    value("defaults-file").does(Effect::RunsCode),
    value("defaults-group-suffix").does(Effect::RunsCode),
    value("delimiter"),
    value("e|execute"),
    flag("E|vertical"),
    flag("f|force"),
    value("h|host"),
    flag("H|html"),
    flag("i|ignore-spaces"),
    value("init-command"),
    flag("line-numbers"),
    flag("L|skip-line-numbers"),
    optional("local-infile").does(Effect::Changes),
    value("load-data-local-dir").does(Effect::Changes),
    value("login-path").does(Effect::RunsCode),
    value("max-allowed-packet"),
    value("max-join-size"),
    flag("G|named-commands"),
    value("net-buffer-length"),
    flag("b|no-beep"),
    flag("no-defaults"),
    flag("o|one-database"),
    optional("pager").does(Effect::RunsCode),
    flag("skip-pager|no-pager"),
    optional("p|password"),
    flag("W|pipe"),
    value("plugin-dir").does(Effect::RunsCode),
    value("P|port"),
    flag("print-defaults"),
    flag("progress-reports"),
    value("prompt"),
    value("protocol"),
    flag("q|quick"),
    flag("r|raw"),
    flag("reconnect"),
    flag("skip-reconnect"),
    flag("U|safe-updates|i-am-a-dummy"),
    flag("secure-auth"),
    value("select-limit"),
    value("server-arg"),
    value("shared-memory-base-name"),
    flag("show-warnings"),
    flag("sigint-ignore"),
    flag("s|silent"),
    flag("N|skip-column-names"),
    value("S|socket"),
    flag("ssl"),
    flag("skip-ssl"),
    value("ssl-ca"),
    value("ssl-capath"),
    value("ssl-cert"),
    value("ssl-cipher"),
    value("ssl-crl"),
    value("ssl-crlpath"),
    value("ssl-key"),
    value("ssl-mode"),
    flag("ssl-verify-server-cert"),
    flag("t|table"),
    value("tee").does(Effect::WritesFile),
    flag("no-tee|skip-tee"),
    value("tls-version"),
    flag("n|unbuffered"),
    value("u|user"),
    flag("v|verbose"),
    flag("V|version"),
    flag("w|wait"),
    flag("X|xml"),
];

const SPEC: Spec<'static> = Spec {
    program: "mysql",
    syntax: GNU,
    opts: OPTIONS,
};

impl Client for Mysql {
    fn names(&self) -> &'static [&'static str] {
        &["mysql", "mariadb"]
    }

    fn sources(&self, ctx: &mut Ctx, cmd: &Cmd, a: &mut Assessment) -> Option<Input> {
        let parsed = getopt::parse(&SPEC, cmd.argv.get(1..).unwrap_or_default());
        judge_options(ctx, a, "client.mysql-option", "mysql", &parsed);
        // `--init-command` runs first, on connect; then `-e` texts; standard input only
        // without `-e`.
        let mut init = Vec::new();
        let mut exec = Vec::new();
        for f in parsed.options() {
            match &f.value {
                Some(v) if f.opt.is("init-command") => init.push(Source::Text(v.clone())),
                Some(v) if f.opt.is("execute") => exec.push(Source::Text(v.clone())),
                _ => {}
            }
        }
        let mut sources = init;
        if exec.is_empty() {
            sources.push(Source::Stdin);
        }
        sources.extend(exec);
        Some(Input::with(sources))
    }

    fn judge_text(&self, ctx: &mut Ctx, _input: &Input, text: &str) {
        mysql_text(ctx, text);
    }
}

const MYSQL_CLIENT_COMMANDS: [&str; 27] = [
    "?",
    "help",
    "clear",
    "connect",
    "delimiter",
    "edit",
    "ego",
    "exit",
    "go",
    "nopager",
    "notee",
    "pager",
    "print",
    "prompt",
    "quit",
    "rehash",
    "source",
    "status",
    "system",
    "tee",
    "use",
    "charset",
    "warnings",
    "nowarning",
    "resetconnection",
    "query_attributes",
    "ssl_session_data_print",
];

fn mysql_text(ctx: &mut Ctx, text: &str) {
    let mut sql = String::new();
    let mut delimiter = ";".to_string();
    for line in text.lines() {
        let trimmed = line.trim();
        let first = trimmed
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        let at_start = sql.trim().is_empty();
        if at_start
            && MYSQL_CLIENT_COMMANDS.contains(&first.trim_end_matches(';'))
            && !(first == "use" || first == "help")
        {
            if first == "delimiter" {
                delimiter = trimmed.split_whitespace().nth(1).unwrap_or(";").to_string();
            }
            mysql_command(ctx, trimmed);
            continue;
        }
        // Backslash commands outside quotes, anywhere on the line.
        let (kept, metas) = mysql_backslash(line);
        sql.push_str(&kept);
        sql.push('\n');
        for m in metas {
            mysql_command(ctx, &m);
        }
    }
    if delimiter != ";" {
        sql = sql.replace(&delimiter, ";");
    }
    push_sql(ctx, Dialect::MySql, &sql);
}

fn mysql_backslash(line: &str) -> (String, Vec<String>) {
    let chars: Vec<char> = line.chars().collect();
    let mut kept = String::new();
    let mut metas = Vec::new();
    let mut quote: Option<char> = None;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if let Some(q) = quote {
            kept.push(c);
            if c == '\\' && i + 1 < chars.len() {
                kept.push(chars[i + 1]);
                i += 2;
                continue;
            }
            if c == q {
                quote = None;
            }
            i += 1;
            continue;
        }
        if matches!(c, '\'' | '"' | '`') {
            quote = Some(c);
            kept.push(c);
        } else if c == '\\' && i + 1 < chars.len() {
            let letter = chars[i + 1];
            if matches!(
                letter,
                '!' | '.' | 'T' | 'P' | 'e' | 'u' | 'C' | 'd' | 'r' | 'R'
            ) {
                metas.push(chars[i..].iter().collect());
                break;
            }
            metas.push(format!("\\{letter}"));
            i += 2;
            continue;
        } else {
            kept.push(c);
        }
        i += 1;
    }
    (kept, metas)
}

fn mysql_command(ctx: &mut Ctx, line: &str) {
    let t = line.trim();
    let (name, arg) = if let Some(rest) = t.strip_prefix('\\') {
        let letter = rest.chars().next().unwrap_or(' ');
        let long = match letter {
            '!' => "system",
            '.' => "source",
            'T' => "tee",
            'P' => "pager",
            'e' => "edit",
            'u' => "use",
            'C' => "charset",
            'd' => "delimiter",
            'r' => "connect",
            'R' => "prompt",
            's' => "status",
            'g' | 'G' | ';' => "go",
            'c' => "clear",
            'p' => "print",
            'q' => "quit",
            'n' => "nopager",
            't' => "notee",
            'w' | 'W' => "warnings",
            'h' | '?' => "help",
            '#' => "rehash",
            _ => "unknown",
        };
        (
            long.to_string(),
            rest.get(letter.len_utf8()..)
                .unwrap_or("")
                .trim()
                .to_string(),
        )
    } else {
        let mut p = t.splitn(2, char::is_whitespace);
        (
            p.next()
                .unwrap_or("")
                .trim_end_matches(';')
                .to_ascii_lowercase(),
            p.next().unwrap_or("").trim().to_string(),
        )
    };
    push_directive(ctx, "mysql", t, |d| match name.as_str() {
        "system" => {
            d.deny(Risk::Critical, "mysql.system", "runs a shell command");
        }
        "source" => {
            d.concern(
                Decision::Ask,
                Risk::High,
                "mysql.source",
                "runs SQL from a file",
            );
        }
        "tee" | "ssl_session_data_print" if !arg.is_empty() => {
            d.concern(
                Decision::Ask,
                Risk::Medium,
                "mysql.tee",
                format!("writes the file `{arg}`"),
            );
        }
        "pager" if !arg.is_empty() => {
            d.concern(
                Decision::Ask,
                Risk::High,
                "mysql.pager",
                "runs a pager program",
            );
        }
        "edit" => {
            d.ask("mysql.edit", "opens an editor");
        }
        "unknown" => {
            d.ask("mysql.unknown", "unknown client command");
        }
        _ => {
            d.read_only(format!("mysql.{name}"), "mysql client command");
        }
    });
}
