//! Database clients and admin tools: which flags carry SQL, which run files or programs, and
//! the client-side commands inside the SQL text (psql `\!`, mysql `system`, sqlite3 `.shell`,
//! sqlcmd `!!`, sqlplus `HOST`, …). Each client has the same shape: read its options into
//! ordered *sources* (SQL text, script files, standard input), judge its own flags, then split
//! each SQL text into client directives and SQL for [`crate::sql`].

use crate::assess::{Assessment, Target};
use crate::decision::{Decision, Risk};
use crate::programs::{has_long, option_values};
use crate::shell::{self, Arg, Cmd, Ctx, Stdin};
use crate::sql::{self, Dialect};

const CLIENTS: [&str; 45] = [
    "psql",
    "mysql",
    "mariadb",
    "sqlite3",
    "sqlite",
    "duckdb",
    "clickhouse-client",
    "clickhouse-local",
    "clickhouse",
    "sqlcmd",
    "sqlplus",
    "mongosh",
    "mongo",
    "redis-cli",
    "valkey-cli",
    "pg_dump",
    "pg_dumpall",
    "pg_restore",
    "dropdb",
    "dropuser",
    "createdb",
    "createuser",
    "pg_ctl",
    "pg_ctlcluster",
    "initdb",
    "vacuumdb",
    "reindexdb",
    "clusterdb",
    "pg_isready",
    "pg_config",
    "pg_controldata",
    "pg_lsclusters",
    "pg_basebackup",
    "pg_upgrade",
    "pg_resetwal",
    "pgbench",
    "mysqladmin",
    "mariadb-admin",
    "mysqldump",
    "mariadb-dump",
    "mysqlimport",
    "mysqlcheck",
    "mysqlshow",
    "mongodump",
    "mongorestore",
];
const CLIENTS_MORE: [&str; 9] = [
    "mongoimport",
    "mongoexport",
    "mongostat",
    "mongotop",
    "bcp",
    "mysqlpump",
    "mysqlbinlog",
    "mariadb-import",
    "sqlite3_analyzer",
];

pub(super) fn handles(name: &str) -> bool {
    CLIENTS.contains(&name) || CLIENTS_MORE.contains(&name)
}

/// One thing a client will run.
enum Source {
    Text(Arg),
    File(Arg),
    Stdin,
}

/// A parsed option: its name without dashes and its value.
struct Opt {
    name: String,
    value: Option<Arg>,
}

/// getopt-style parsing: short clusters (`-Atc SQL`), attached values (`-cSQL`), long options
/// with `=` or a separate value. Returns options in order and positional arguments.
fn getopt(args: &[Arg], short_with_value: &str, long_with_value: &[&str]) -> (Vec<Opt>, Vec<Arg>) {
    let mut opts = Vec::new();
    let mut pos = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let t = args[i].text.as_str();
        if t == "--" {
            pos.extend(args[i + 1..].iter().cloned());
            break;
        }
        if let Some(long) = t.strip_prefix("--") {
            if let Some((k, v)) = long.split_once('=') {
                opts.push(Opt {
                    name: k.to_string(),
                    value: Some(Arg {
                        text: v.to_string(),
                        dynamic: args[i].dynamic,
                    }),
                });
            } else if long_with_value.contains(&long) {
                opts.push(Opt {
                    name: long.to_string(),
                    value: args.get(i + 1).cloned(),
                });
                i += 1;
            } else {
                opts.push(Opt {
                    name: long.to_string(),
                    value: None,
                });
            }
        } else if t.starts_with('-') && t.len() > 1 {
            let chars: Vec<char> = t[1..].chars().collect();
            let mut j = 0;
            while j < chars.len() {
                let c = chars[j];
                if short_with_value.contains(c) {
                    let rest: String = chars[j + 1..].iter().collect();
                    if rest.is_empty() {
                        opts.push(Opt {
                            name: c.to_string(),
                            value: args.get(i + 1).cloned(),
                        });
                        i += 1;
                    } else {
                        opts.push(Opt {
                            name: c.to_string(),
                            value: Some(Arg {
                                text: rest,
                                dynamic: args[i].dynamic,
                            }),
                        });
                    }
                    break;
                }
                opts.push(Opt {
                    name: c.to_string(),
                    value: None,
                });
                j += 1;
            }
        } else {
            pos.push(args[i].clone());
        }
        i += 1;
    }
    (opts, pos)
}

/// Options whose value only says where to connect.
const CONNECTION_FLAGS: [&str; 18] = [
    "-d",
    "--dbname",
    "-h",
    "--host",
    "-p",
    "--port",
    "-U",
    "--username",
    "-u",
    "--user",
    "-D",
    "--database",
    "-S",
    "--password",
    "-P",
    "-a",
    "--uri",
    "--db",
];

/// Is every run-time argument only a connection parameter or a positional (database, logon)?
/// SQL text computed at run time is caught where it is read, as a dynamic source.
pub(super) fn dynamic_args_are_connection_only(cmd: &Cmd) -> bool {
    let args = &cmd.argv[1..];
    args.iter().enumerate().all(|(i, x)| {
        if !x.dynamic {
            return true;
        }
        let prev = i.checked_sub(1).map(|j| args[j].text.as_str());
        let attached = [
            "-d",
            "-h",
            "-p",
            "-U",
            "-u",
            "-D",
            "-P",
            "--dbname=",
            "--host=",
            "--port=",
            "--user=",
            "--username=",
            "--password=",
            "--database=",
        ]
        .iter()
        .any(|f| x.text.starts_with(f) && x.text.len() > f.len());
        let positional = !x.text.starts_with('-')
            && prev.is_none_or(|p| !p.starts_with('-') || CONNECTION_FLAGS.contains(&p));
        attached || positional || prev.is_some_and(|p| CONNECTION_FLAGS.contains(&p))
    })
}

pub(super) fn client(ctx: &mut Ctx, cmd: &Cmd, name: &str, a: &mut Assessment, depth: usize) {
    let args = &cmd.argv[1..];
    let _ = depth;
    if args.len() == 1
        && matches!(
            args[0].text.as_str(),
            "--version" | "-V" | "-version" | "--help" | "-?" | "-help" | "-v"
        )
        && name != "mysqladmin"
    {
        a.read_only(format!("client.{name}"), "prints version or help");
        return;
    }
    match name {
        "psql" => psql(ctx, cmd, a),
        "mysql" | "mariadb" => mysql(ctx, cmd, a),
        "sqlite3" | "sqlite" => sqlite_like(ctx, cmd, Dialect::Sqlite, name, a),
        "duckdb" => sqlite_like(ctx, cmd, Dialect::DuckDb, name, a),
        "clickhouse" => {
            let sub = args.first().map(|x| x.text.as_str()).unwrap_or("");
            if matches!(sub, "client" | "local") {
                let mut inner = cmd.clone();
                inner.argv.remove(0);
                inner.argv[0] = Arg::lit(format!("clickhouse-{sub}"));
                clickhouse(ctx, &inner, a);
            } else if matches!(sub, "format" | "--version" | "version") {
                a.read_only("client.clickhouse", "formats or prints the version");
            } else {
                a.concern(
                    Decision::Ask,
                    Risk::High,
                    "client.clickhouse",
                    format!("`clickhouse {sub}` is not known"),
                );
            }
        }
        "clickhouse-client" | "clickhouse-local" => clickhouse(ctx, cmd, a),
        "sqlcmd" => sqlcmd(ctx, cmd, a),
        "sqlplus" => sqlplus(ctx, cmd, a),
        "mongosh" | "mongo" => mongosh(ctx, cmd, a),
        "redis-cli" | "valkey-cli" => redis(cmd, a),
        _ => admin(ctx, cmd, name, a),
    }
}

/// Judge the sources: text through `judge_text`, files and stdin by where they come from.
fn judge_sources(
    ctx: &mut Ctx,
    cmd: &Cmd,
    client: &str,
    sources: &[Source],
    a: &mut Assessment,
    judge_text: &dyn Fn(&mut Ctx, &str),
) {
    for s in sources {
        match s {
            Source::Text(t) if t.dynamic => {
                a.ask("client.dynamic-sql", "SQL text computed at run time");
                judge_text(ctx, &t.text);
            }
            Source::Text(t) => judge_text(ctx, &t.text),
            Source::File(f) => {
                a.concern(
                    Decision::Ask,
                    Risk::High,
                    "client.script-file",
                    format!("runs the script file `{}`", f.text),
                );
            }
            Source::Stdin => match &cmd.stdin {
                Stdin::Text { text, dynamic, .. } => {
                    if *dynamic {
                        a.ask("client.dynamic-sql", "here-document with expansions");
                    }
                    judge_text(ctx, text);
                }
                Stdin::File(f) => {
                    a.concern(
                        Decision::Ask,
                        Risk::High,
                        "client.script-file",
                        format!("runs the script file `{f}` from standard input"),
                    );
                }
                Stdin::Pipe => {
                    a.concern(
                        Decision::Ask,
                        Risk::High,
                        "client.stdin-pipe",
                        format!("`{client}` runs whatever the pipeline feeds it"),
                    );
                }
                Stdin::Inherit => {
                    a.concern(
                        Decision::Ask,
                        Risk::Medium,
                        "client.interactive",
                        format!("`{client}` reads commands from standard input"),
                    );
                }
            },
        }
    }
    a.read_only(format!("client.{client}"), "connects to run the judged SQL");
}

fn push_directive(ctx: &mut Ctx, client: &str, text: &str, f: impl FnOnce(&mut Assessment)) {
    let mut d = Assessment::new(text.trim());
    f(&mut d);
    ctx.push(
        Target::Command {
            program: client.to_string(),
            argv: vec![text.trim().to_string()],
        },
        d,
    );
}

fn push_sql(ctx: &mut Ctx, dialect: Dialect, sql: &str) {
    if sql.trim().is_empty() {
        return;
    }
    ctx.units.extend(sql::units(dialect, sql));
}

// ---------------------------------------------------------------------------------------
// psql

fn psql(ctx: &mut Ctx, cmd: &Cmd, a: &mut Assessment) {
    let (opts, _pos) = getopt(
        &cmd.argv[1..],
        "cdfhLopPRTUvF",
        &[
            "command",
            "dbname",
            "file",
            "host",
            "log-file",
            "output",
            "port",
            "pset",
            "record-separator",
            "table-attr",
            "username",
            "set",
            "variable",
            "field-separator",
        ],
    );
    let mut sources = Vec::new();
    let mut list_only = false;
    for o in &opts {
        match o.name.as_str() {
            "c" | "command" => sources.extend(o.value.clone().map(Source::Text)),
            "f" | "file" => match &o.value {
                Some(v) if v.text == "-" => sources.push(Source::Stdin),
                Some(v) => sources.push(Source::File(v.clone())),
                None => {}
            },
            "o" | "output" | "L" | "log-file" => {
                if let Some(v) = &o.value {
                    if v.text.starts_with('|') {
                        a.deny(
                            Risk::Critical,
                            "client.psql-pipe",
                            "output piped to a program",
                        );
                    } else {
                        shell::write_target(ctx, v, &format!("psql -o {}", v.text));
                    }
                }
            }
            "l" | "list" => list_only = true,
            _ => {}
        }
    }
    if sources.is_empty() {
        if list_only {
            a.read_only("client.psql", "lists databases");
            return;
        }
        sources.push(Source::Stdin);
    }
    judge_sources(ctx, cmd, "psql", &sources, a, &|ctx, text| {
        psql_text(ctx, text)
    });
}

/// Split psql input into SQL and backslash meta-commands (outside quotes and comments).
fn psql_text(ctx: &mut Ctx, text: &str) {
    let chars: Vec<char> = text.chars().collect();
    let mut sql = String::new();
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
                    psql_meta(ctx, &m);
                }
                if runs_buffer {
                    push_sql(ctx, Dialect::Postgres, &sql);
                    sql.clear();
                }
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
            | "errverbose" | "set" | "unset" | "r" | "reset" | "p" | "print" | "gset" | "gdesc"
            | "crosstabview" | "if" | "elif" | "else" | "endif" | "c" | "connect" | "cd"
            | "lo_list" | "bind" | "getenv" | "watch" | "prompt" | ";" | "" => {
                d.read_only(format!("psql.{n}"), "psql display or control command");
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

// ---------------------------------------------------------------------------------------
// mysql / mariadb

fn mysql(ctx: &mut Ctx, cmd: &Cmd, a: &mut Assessment) {
    // `-pSECRET` carries its value attached (and only attached): drop it before parsing so the
    // letters of the password are not read as options.
    let args: Vec<Arg> = cmd.argv[1..]
        .iter()
        .filter(|x| !(x.text.starts_with("-p") && x.text.len() > 2))
        .cloned()
        .collect();
    let (opts, _pos) = getopt(
        &args,
        "eDhPuSO",
        &[
            "execute",
            "database",
            "host",
            "port",
            "user",
            "socket",
            "init-command",
            "tee",
            "pager",
            "defaults-file",
            "defaults-extra-file",
            "login-path",
            "default-character-set",
            "plugin-dir",
            "load-data-local-dir",
            "delimiter",
            "prompt",
            "connect-timeout",
            "ssl-ca",
            "ssl-cert",
            "ssl-key",
            "ssl-mode",
            "protocol",
            "bind-address",
            "set-variable",
        ],
    );
    let mut sources = Vec::new();
    for o in &opts {
        match o.name.as_str() {
            "e" | "execute" | "init-command" | "init-command-add" => {
                sources.extend(o.value.clone().map(Source::Text))
            }
            "tee" => {
                if let Some(v) = &o.value {
                    shell::write_target(ctx, v, &format!("mysql --tee={}", v.text));
                }
            }
            "pager" => {
                a.concern(
                    Decision::Ask,
                    Risk::High,
                    "client.mysql-pager",
                    "`--pager` runs a program",
                );
            }
            "defaults-file" | "defaults-extra-file" | "plugin-dir" | "login-path" => {
                a.ask(
                    "client.mysql-options-file",
                    "reads options (e.g. init commands) from another file",
                );
            }
            "local-infile" | "load-data-local-dir" => {
                a.ask(
                    "client.mysql-local-infile",
                    "lets the server read local files",
                );
            }
            _ => {}
        }
    }
    if !opts
        .iter()
        .any(|o| matches!(o.name.as_str(), "e" | "execute"))
    {
        sources.push(Source::Stdin);
    }
    judge_sources(ctx, cmd, "mysql", &sources, a, &|ctx, text| {
        mysql_text(ctx, text)
    });
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

// ---------------------------------------------------------------------------------------
// sqlite3 and duckdb

fn sqlite_like(ctx: &mut Ctx, cmd: &Cmd, dialect: Dialect, name: &str, a: &mut Assessment) {
    let args = &cmd.argv[1..];
    let with_value = [
        "cmd",
        "init",
        "separator",
        "newline",
        "nullvalue",
        "vfs",
        "mmap",
        "maxsize",
        "heap",
        "pagecache",
        "lookaside",
        "c",
        "s",
        "f",
        "escape",
    ];
    let mut sources = Vec::new();
    let mut positional = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let t = args[i].text.as_str();
        // The shells read options anywhere on the command line; an SQL argument has blanks
        // or punctuation, an option does not.
        let looks_like_option = t.len() > 1
            && t.starts_with('-')
            && t[1..]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if looks_like_option {
            let o = t.trim_start_matches('-');
            let value = if with_value.contains(&o) {
                i += 1;
                args.get(i).cloned()
            } else {
                None
            };
            match o {
                "cmd" | "c" | "s" => sources.extend(value.map(Source::Text)),
                "init" | "f" => sources.extend(value.map(Source::File)),
                "A" | "archive" | "unsigned" | "ui" | "deserialize" => {
                    a.concern(
                        Decision::Ask,
                        Risk::High,
                        format!("client.{name}-{o}"),
                        format!("`-{o}` changes what the client can do"),
                    );
                }
                _ => {}
            }
        } else {
            positional.push(args[i].clone());
        }
        i += 1;
    }
    let has_c = sources.iter().any(|s| matches!(s, Source::Text(_)));
    // First positional is the database file; the rest are SQL or dot-commands.
    for extra in positional.iter().skip(1) {
        sources.push(Source::Text(extra.clone()));
    }
    if positional.len() <= 1 && !has_c && !sources.iter().any(|s| matches!(s, Source::File(_))) {
        sources.push(Source::Stdin);
    }
    let client = name.to_string();
    judge_sources(ctx, cmd, name, &sources, a, &|ctx, text| {
        dot_text(ctx, dialect, &client, text)
    });
}

fn dot_text(ctx: &mut Ctx, dialect: Dialect, client: &str, text: &str) {
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

// ---------------------------------------------------------------------------------------
// clickhouse

fn clickhouse(ctx: &mut Ctx, cmd: &Cmd, a: &mut Assessment) {
    let (opts, pos) = getopt(
        &cmd.argv[1..],
        "qdhuCfFSNm",
        &[
            "query",
            "database",
            "host",
            "port",
            "user",
            "password",
            "format",
            "queries-file",
            "config-file",
            "config",
            "log-level",
            "structure",
            "input-format",
            "output-format",
            "file",
            "table",
            "param",
        ],
    );
    let mut sources = Vec::new();
    for o in &opts {
        match o.name.as_str() {
            "q" | "query" => sources.extend(o.value.clone().map(Source::Text)),
            "multiquery" | "n" => {
                if let Some(v) = &o.value {
                    sources.push(Source::Text(v.clone()));
                }
            }
            "queries-file" => sources.extend(o.value.clone().map(Source::File)),
            "C" | "config-file" | "config" => {
                a.ask(
                    "client.clickhouse-config",
                    "reads another configuration file",
                );
            }
            _ => {}
        }
    }
    for p in pos {
        sources.push(Source::Text(p));
    }
    if sources.is_empty() {
        sources.push(Source::Stdin);
    }
    judge_sources(ctx, cmd, "clickhouse-client", &sources, a, &|ctx, text| {
        push_sql(ctx, Dialect::ClickHouse, text)
    });
}

// ---------------------------------------------------------------------------------------
// sqlcmd

fn sqlcmd(ctx: &mut Ctx, cmd: &Cmd, a: &mut Assessment) {
    let (opts, _pos) = getopt(&cmd.argv[1..], "QqioSdUPHlthswacmVyYfvKMDAzZLr", &[]);
    let mut sources = Vec::new();
    for o in &opts {
        match o.name.as_str() {
            "Q" | "q" => sources.extend(o.value.clone().map(Source::Text)),
            "i" => sources.extend(o.value.clone().map(Source::File)),
            "o" => {
                if let Some(v) = &o.value {
                    shell::write_target(ctx, v, &format!("sqlcmd -o {}", v.text));
                }
            }
            "z" | "Z" => {
                a.deny(Risk::High, "client.sqlcmd-password", "changes a password");
            }
            _ => {}
        }
    }
    if sources.is_empty() {
        sources.push(Source::Stdin);
    }
    judge_sources(ctx, cmd, "sqlcmd", &sources, a, &|ctx, text| {
        sqlcmd_text(ctx, text)
    });
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

// ---------------------------------------------------------------------------------------
// sqlplus

fn sqlplus(ctx: &mut Ctx, cmd: &Cmd, a: &mut Assessment) {
    let args = &cmd.argv[1..];
    let mut i = 0;
    while i < args.len() && args[i].text.starts_with('-') {
        let t = args[i].text.to_ascii_uppercase();
        if t == "-M" || t == "-R" || t == "-C" || t == "-MARKUP" {
            i += 1;
        }
        i += 1;
    }
    let mut sources = Vec::new();
    if i < args.len() && !args[i].text.starts_with('@') {
        i += 1; // logon
        if i + 1 < args.len() && args[i].text.eq_ignore_ascii_case("as") {
            i += 2;
        }
    }
    if let Some(script) = args.get(i) {
        if script.text.starts_with('@') {
            sources.push(Source::File(script.clone()));
        }
    }
    if sources.is_empty() {
        sources.push(Source::Stdin);
    }
    judge_sources(ctx, cmd, "sqlplus", &sources, a, &|ctx, text| {
        sqlplus_text(ctx, text)
    });
}

fn sqlplus_text(ctx: &mut Ctx, text: &str) {
    #[derive(PartialEq)]
    enum Mode {
        Idle,
        Sql,
        Plsql,
    }
    let mut mode = Mode::Idle;
    let mut buf = String::new();
    let flush_plsql = |ctx: &mut Ctx, buf: &str| {
        let block = buf.trim().to_string();
        if block.is_empty() {
            return;
        }
        push_directive(ctx, "sqlplus", &block, |d| {
            d.concern(
                Decision::Ask,
                Risk::High,
                "sqlplus.plsql",
                "PL/SQL block (its effects are not fully parsed)",
            );
        });
        push_sql(ctx, Dialect::Oracle, &block);
    };
    for line in text.lines() {
        let t = line.trim();
        match mode {
            Mode::Plsql => {
                if t == "/" {
                    flush_plsql(ctx, &buf);
                    buf.clear();
                    mode = Mode::Idle;
                } else {
                    buf.push_str(line);
                    buf.push('\n');
                }
                continue;
            }
            Mode::Sql => {
                if t == "/" || t.is_empty() {
                    push_sql(ctx, Dialect::Oracle, &buf);
                    buf.clear();
                    mode = Mode::Idle;
                    continue;
                }
                buf.push_str(line);
                buf.push('\n');
                if t.ends_with(';') {
                    push_sql(ctx, Dialect::Oracle, &buf);
                    buf.clear();
                    mode = Mode::Idle;
                }
                continue;
            }
            Mode::Idle => {}
        }
        if t.is_empty() || t == "/" {
            continue;
        }
        let upper = t.to_ascii_uppercase();
        let words: Vec<&str> = upper.split_whitespace().collect();
        let first = words.first().copied().unwrap_or("").trim_end_matches(';');
        let second = words.get(1).copied().unwrap_or("");
        let creates_code = first == "CREATE"
            && words.iter().take(6).any(|w| {
                matches!(
                    *w,
                    "PROCEDURE" | "FUNCTION" | "PACKAGE" | "TRIGGER" | "TYPE" | "LIBRARY" | "JAVA"
                )
            });
        if matches!(first, "BEGIN" | "DECLARE") || creates_code {
            mode = Mode::Plsql;
            buf.push_str(line);
            buf.push('\n');
            continue;
        }
        if t.starts_with('@') || t.starts_with('!') || t.starts_with('$') || t.starts_with("--") {
            push_directive(ctx, "sqlplus", t, |d| {
                if t.starts_with('@') {
                    d.concern(
                        Decision::Ask,
                        Risk::High,
                        "sqlplus.script",
                        "runs a script file",
                    );
                } else if t.starts_with("--") {
                    d.read_only("sqlplus.comment", "comment");
                } else {
                    d.deny(Risk::Critical, "sqlplus.host", "runs a shell command");
                }
            });
            continue;
        }
        let is_sql_set = first == "SET"
            && matches!(
                second,
                "ROLE" | "TRANSACTION" | "CONSTRAINT" | "CONSTRAINTS"
            );
        let plus_command = match first {
            "SET" if !is_sql_set => Some("read"),
            "SHOW" | "SHO" | "COLUMN" | "COL" | "DESC" | "DESCRIBE" | "PROMPT" | "PRO" | "EXIT"
            | "QUIT" | "WHENEVER" | "DEFINE" | "DEF" | "UNDEFINE" | "VARIABLE" | "VAR"
            | "PRINT" | "BREAK" | "BRE" | "COMPUTE" | "COMP" | "TTITLE" | "BTITLE" | "CLEAR"
            | "CL" | "TIMING" | "REMARK" | "REM" | "PAUSE" | "ACCEPT" | "ACC" | "CONNECT"
            | "CONN" | "DISCONNECT" | "DISC" | "LIST" | "L" | "HISTORY" | "ATTRIBUTE"
            | "REPHEADER" | "REPFOOTER" | "RUN" | "R" => Some("read"),
            "SPOOL" | "SPO" => Some(if matches!(second, "OFF" | "OUT" | "") {
                "read"
            } else {
                "write"
            }),
            "HOST" | "HO" => Some("host"),
            "START" | "STA" | "GET" | "EDIT" | "ED" | "SAVE" | "SAV" | "STORE" => Some("file"),
            "EXEC" | "EXECUTE" => Some("exec"),
            "PASSWORD" | "PASSW" | "SHUTDOWN" | "STARTUP" | "RECOVER" | "ARCHIVE" | "ORADEBUG"
            | "COPY" => Some("admin"),
            _ => None,
        };
        match plus_command {
            Some(kind) => {
                if kind == "exec" {
                    let call = t
                        .split_once(char::is_whitespace)
                        .map(|(_, r)| r)
                        .unwrap_or("");
                    let block = format!("BEGIN {}; END;", call.trim_end_matches(';'));
                    flush_plsql(ctx, &block);
                    continue;
                }
                push_directive(ctx, "sqlplus", t, |d| match kind {
                    "read" => {
                        d.read_only("sqlplus.command", "SQL*Plus display or session command");
                    }
                    "write" => {
                        d.concern(
                            Decision::Ask,
                            Risk::Medium,
                            "sqlplus.spool",
                            "writes a file",
                        );
                    }
                    "host" => {
                        d.deny(Risk::Critical, "sqlplus.host", "runs a shell command");
                    }
                    "file" => {
                        d.concern(
                            Decision::Ask,
                            Risk::High,
                            "sqlplus.file",
                            "runs or writes a script file",
                        );
                    }
                    _ => {
                        d.deny(Risk::Critical, "sqlplus.admin", "administers the database");
                    }
                });
            }
            None => {
                buf.push_str(line);
                buf.push('\n');
                if t.ends_with(';') {
                    push_sql(ctx, Dialect::Oracle, &buf);
                    buf.clear();
                } else {
                    mode = Mode::Sql;
                }
            }
        }
    }
    match mode {
        Mode::Plsql => flush_plsql(ctx, &buf),
        _ => push_sql(ctx, Dialect::Oracle, &buf),
    }
}

// ---------------------------------------------------------------------------------------
// mongosh

fn mongosh(ctx: &mut Ctx, cmd: &Cmd, a: &mut Assessment) {
    let (opts, pos) = getopt(
        &cmd.argv[1..],
        "uphf",
        &[
            "eval",
            "host",
            "port",
            "username",
            "password",
            "authenticationDatabase",
            "authenticationMechanism",
            "file",
            "tlsCAFile",
            "tlsCertificateKeyFile",
            "apiVersion",
            "db",
        ],
    );
    let mut sources = Vec::new();
    let mut shell_after = false;
    for o in &opts {
        match o.name.as_str() {
            "eval" => sources.extend(o.value.clone().map(Source::Text)),
            "f" | "file" => sources.extend(o.value.clone().map(Source::File)),
            "shell" => shell_after = true,
            _ => {}
        }
    }
    for p in &pos {
        if p.text.ends_with(".js") || p.text.ends_with(".mjs") {
            sources.push(Source::File(p.clone()));
        }
    }
    if sources.is_empty() || shell_after {
        sources.push(Source::Stdin);
    }
    judge_sources(ctx, cmd, "mongosh", &sources, a, &|ctx, text| {
        mongo_js(ctx, text)
    });
}

const MONGO_READ_CALLS: [&str; 62] = [
    "find",
    "findOne",
    "countDocuments",
    "estimatedDocumentCount",
    "count",
    "distinct",
    "aggregate",
    "getIndexes",
    "getIndexKeys",
    "stats",
    "getCollectionNames",
    "getCollectionInfos",
    "getName",
    "getSiblingDB",
    "getCollection",
    "explain",
    "limit",
    "skip",
    "sort",
    "toArray",
    "pretty",
    "itcount",
    "size",
    "hasNext",
    "next",
    "printjson",
    "print",
    "stringify",
    "version",
    "serverStatus",
    "hostInfo",
    "isMaster",
    "hello",
    "getMongo",
    "getDBs",
    "getDBNames",
    "dataSize",
    "storageSize",
    "totalIndexSize",
    "totalSize",
    "ObjectId",
    "ISODate",
    "Date",
    "NumberLong",
    "NumberInt",
    "NumberDecimal",
    "UUID",
    "currentOp",
    "status",
    "project",
    "max",
    "min",
    "collation",
    "hint",
    "batchSize",
    "comment",
    "maxTimeMS",
    "allowDiskUse",
    "listCollections",
    "getUsers",
    "getRoles",
    "readPref",
];

struct MongoPatterns {
    deny: Vec<regex::Regex>,
    call: Option<regex::Regex>,
}

fn mongo_patterns() -> &'static MongoPatterns {
    static P: std::sync::OnceLock<MongoPatterns> = std::sync::OnceLock::new();
    P.get_or_init(|| MongoPatterns {
        deny: [
            r"\b(require|process|child_process|runProgram|_runMongoProgram|runMongoProgram|load|writeFile|removeFile|copyFile|mkdir|cat|passwordPrompt)\s*\(",
            r"\$out\b|\$merge\b|\$function\b|\$where\b|\$accumulator\b",
            r"\.(drop|dropDatabase|dropIndex|dropIndexes|deleteOne|deleteMany|remove|findOneAndDelete|findAndModify|renameCollection|insert|insertOne|insertMany|update|updateOne|updateMany|replaceOne|findOneAndUpdate|findOneAndReplace|bulkWrite|createIndex|createIndexes|createCollection|createView|createUser|dropUser|dropAllUsers|updateUser|grantRolesToUser|revokeRolesFromUser|shutdownServer|fsyncLock|killOp|setProfilingLevel|mapReduce|compact|reIndex|repairDatabase|convertToCapped|hideIndex|setLogLevel)\s*\(",
        ]
        .iter()
        .filter_map(|r| regex::Regex::new(r).ok())
        .collect(),
        call: regex::Regex::new(r"([A-Za-z_$][A-Za-z0-9_$]*)\s*\(").ok(),
    })
}

fn mongo_js(ctx: &mut Ctx, js: &str) {
    let patterns = mongo_patterns();
    for line in js.lines() {
        let t = line.trim();
        let lower = t.to_ascii_lowercase();
        if lower.starts_with("show ")
            || lower.starts_with("use ")
            || lower == "exit"
            || lower == "quit"
            || lower.starts_with("it") && lower.len() <= 3
        {
            push_directive(ctx, "mongosh", t, |d| {
                d.read_only("mongosh.shell-command", "shell helper");
            });
        }
    }
    let body: String = js
        .lines()
        .filter(|l| {
            let lower = l.trim().to_ascii_lowercase();
            !(lower.starts_with("show ")
                || lower.starts_with("use ")
                || lower == "exit"
                || lower == "quit")
        })
        .collect::<Vec<_>>()
        .join("\n");
    if body.trim().is_empty() {
        return;
    }
    push_directive(ctx, "mongosh", &body, |d| {
        if patterns.deny.len() < 3 || patterns.call.is_none() {
            d.deny(Risk::High, "mongosh.internal", "patterns unavailable");
        }
        for (i, re) in patterns.deny.iter().enumerate() {
            if re.is_match(&body) {
                let (risk, why) = if i == 0 {
                    (Risk::Critical, "runs programs or touches files")
                } else {
                    (Risk::High, "writes or drops data")
                };
                d.deny(risk, "mongosh.write", why);
            }
        }
        if body.contains("runCommand") || body.contains("adminCommand") || body.contains("eval(") {
            d.concern(
                Decision::Ask,
                Risk::High,
                "mongosh.command",
                "runs a database command",
            );
        }
        if body.contains("=>")
            || body.contains("function")
            || body.contains('=') && !body.contains("==")
        {
            d.ask("mongosh.code", "JavaScript beyond read-only calls");
        }
        let mut all_read = true;
        if let Some(re) = &patterns.call {
            for cap in re.captures_iter(&body) {
                let name = cap.get(1).map(|m| m.as_str()).unwrap_or("");
                if !MONGO_READ_CALLS.contains(&name) {
                    all_read = false;
                    d.ask(
                        "mongosh.unknown-call",
                        format!("`{name}()` is not known to be read-only"),
                    );
                }
            }
        }
        if all_read {
            d.read_only("mongosh.read", "read-only queries");
        }
    });
}

// ---------------------------------------------------------------------------------------
// redis-cli

const REDIS_READ: [&str; 78] = [
    "GET",
    "MGET",
    "EXISTS",
    "TTL",
    "PTTL",
    "TYPE",
    "STRLEN",
    "GETRANGE",
    "HGET",
    "HMGET",
    "HGETALL",
    "HKEYS",
    "HVALS",
    "HLEN",
    "HEXISTS",
    "HSTRLEN",
    "HSCAN",
    "LRANGE",
    "LLEN",
    "LINDEX",
    "LPOS",
    "SMEMBERS",
    "SCARD",
    "SISMEMBER",
    "SMISMEMBER",
    "SSCAN",
    "SRANDMEMBER",
    "SINTER",
    "SUNION",
    "SDIFF",
    "ZRANGE",
    "ZRANGEBYSCORE",
    "ZREVRANGE",
    "ZREVRANGEBYSCORE",
    "ZRANGEBYLEX",
    "ZCARD",
    "ZSCORE",
    "ZMSCORE",
    "ZRANK",
    "ZREVRANK",
    "ZCOUNT",
    "ZLEXCOUNT",
    "ZSCAN",
    "XRANGE",
    "XREVRANGE",
    "XLEN",
    "XINFO",
    "PING",
    "ECHO",
    "INFO",
    "DBSIZE",
    "SCAN",
    "KEYS",
    "RANDOMKEY",
    "OBJECT",
    "TIME",
    "LASTSAVE",
    "ROLE",
    "COMMAND",
    "GETBIT",
    "BITCOUNT",
    "BITPOS",
    "PFCOUNT",
    "GEOPOS",
    "GEODIST",
    "GEOHASH",
    "GEOSEARCH",
    "GEORADIUS_RO",
    "HELLO",
    "SELECT",
    "JSON.GET",
    "FT.SEARCH",
    "FT.INFO",
    "TS.RANGE",
    "TS.GET",
    "SUBSTR",
    "DUMP",
    "LOLWUT",
];
const REDIS_DENY: [&str; 26] = [
    "FLUSHALL",
    "FLUSHDB",
    "SHUTDOWN",
    "DEBUG",
    "SLAVEOF",
    "REPLICAOF",
    "MIGRATE",
    "RESTORE",
    "BGREWRITEAOF",
    "BGSAVE",
    "SAVE",
    "SWAPDB",
    "FAILOVER",
    "DEL",
    "UNLINK",
    "EVAL",
    "EVALSHA",
    "EVAL_RO",
    "EVALSHA_RO",
    "FCALL",
    "FCALL_RO",
    "SCRIPT",
    "FUNCTION",
    "MODULE",
    "SYNC",
    "PSYNC",
];

fn redis(cmd: &Cmd, a: &mut Assessment) {
    let (opts, pos) = getopt(
        &cmd.argv[1..],
        "hpsanurideD",
        &[
            "user",
            "pass",
            "pattern",
            "count",
            "eval",
            "rdb",
            "functions-rdb",
            "tls",
            "sni",
            "cacert",
            "cacertdir",
            "cert",
            "key",
            "cluster",
            "quoted-pattern",
            "memkeys-samples",
            "replica",
            "askpass",
            "verbose",
        ],
    );
    for o in &opts {
        match o.name.as_str() {
            "eval" => {
                a.concern(Decision::Ask, Risk::High, "redis.eval", "runs a Lua script");
            }
            "rdb" | "functions-rdb" => {
                a.ask("redis.rdb", "writes a dump file");
            }
            "pipe" => {
                a.deny(Risk::High, "redis.pipe", "mass-inserts commands from input");
            }
            "replica" => {
                a.ask("redis.replica", "acts as a replica");
            }
            _ => {}
        }
    }
    let read_modes = [
        "bigkeys",
        "memkeys",
        "hotkeys",
        "scan",
        "stat",
        "latency",
        "latency-history",
        "latency-dist",
        "intrinsic-latency",
        "keystats",
    ];
    if pos.is_empty() {
        if opts.iter().any(|o| read_modes.contains(&o.name.as_str())) {
            a.read_only("redis.read-mode", "reads statistics");
        } else if !opts.iter().any(|o| o.name == "eval") {
            a.concern(
                Decision::Ask,
                Risk::Medium,
                "redis.interactive",
                "reads commands from standard input",
            );
        }
        return;
    }
    let command = pos[0].text.to_ascii_uppercase();
    let sub = pos
        .get(1)
        .map(|x| x.text.to_ascii_uppercase())
        .unwrap_or_default();
    let read = REDIS_READ.contains(&command.as_str())
        || (command == "CONFIG" && sub == "GET")
        || (command == "CLIENT" && matches!(sub.as_str(), "LIST" | "INFO" | "GETNAME" | "ID"))
        || (command == "SLOWLOG" && matches!(sub.as_str(), "GET" | "LEN"))
        || (command == "MEMORY" && matches!(sub.as_str(), "USAGE" | "STATS" | "DOCTOR"))
        || (command == "LATENCY" && matches!(sub.as_str(), "LATEST" | "HISTORY" | "DOCTOR"))
        || (command == "CLUSTER"
            && matches!(sub.as_str(), "INFO" | "NODES" | "SLOTS" | "SHARDS" | "MYID"))
        || (command == "ACL" && matches!(sub.as_str(), "LIST" | "WHOAMI" | "USERS" | "CAT"))
        || (command == "MODULE" && sub == "LIST")
        || (command == "SCRIPT" && sub == "EXISTS")
        || (command == "FUNCTION" && sub == "LIST");
    if read {
        a.read_only(
            format!("redis.{}", command.to_ascii_lowercase()),
            "reads keys or server state",
        );
    } else if REDIS_DENY.contains(&command.as_str())
        || matches!(command.as_str(), "CONFIG" | "CLIENT" | "CLUSTER" | "ACL")
    {
        a.deny(
            Risk::High,
            format!("redis.{}", command.to_ascii_lowercase()).as_str(),
            "deletes data, runs scripts or administers the server",
        );
    } else {
        a.concern(
            Decision::Ask,
            Risk::Medium,
            format!("redis.{}", command.to_ascii_lowercase()),
            "writes keys",
        );
    }
}

// ---------------------------------------------------------------------------------------
// Admin tools

fn admin(ctx: &mut Ctx, cmd: &Cmd, name: &str, a: &mut Assessment) {
    let args = &cmd.argv[1..];
    let positional: Vec<String> = args
        .iter()
        .filter(|x| !x.text.starts_with('-'))
        .map(|x| x.text.to_ascii_lowercase())
        .collect();
    let output_file = |ctx: &mut Ctx, short: &[&str], long: &[&str]| {
        for o in option_values(args, short, long) {
            shell::write_target(ctx, &o, &format!("{name} → {}", o.text));
        }
    };
    match name {
        "pg_dump" | "pg_dumpall" => {
            output_file(ctx, &["-f"], &["--file"]);
            a.read_only(format!("admin.{name}"), "dumps the database");
        }
        "pg_restore" => {
            output_file(ctx, &["-f"], &["--file"]);
            if has_long(args, &["-d", "--dbname"])
                || args
                    .iter()
                    .any(|x| x.text.starts_with("-d") || x.text.starts_with("--dbname"))
            {
                let risk = if has_long(args, &["-c", "--clean"]) {
                    Risk::Critical
                } else {
                    Risk::High
                };
                a.deny(risk, "admin.pg_restore", "restores into a database");
            } else {
                a.read_only("admin.pg_restore", "lists or prints an archive");
            }
        }
        "dropdb" | "dropuser" | "pg_resetwal" | "pg_upgrade" => {
            a.deny(
                Risk::Critical,
                format!("admin.{name}").as_str(),
                "destroys databases, users or cluster state",
            );
        }
        "createdb" | "createuser" | "initdb" | "vacuumdb" | "reindexdb" | "clusterdb"
        | "pg_basebackup" => {
            a.concern(
                Decision::Ask,
                Risk::High,
                format!("admin.{name}"),
                "creates or maintains databases",
            );
        }
        "pg_ctl" | "pg_ctlcluster" => {
            if positional.iter().any(|p| p == "status") {
                a.read_only("admin.pg_ctl", "shows server status");
            } else {
                a.deny(
                    Risk::Critical,
                    "admin.pg_ctl",
                    "starts, stops or promotes a server",
                );
            }
        }
        "pg_isready" | "pg_config" | "pg_controldata" | "pg_lsclusters" | "mysqlshow"
        | "mongostat" | "mongotop" | "sqlite3_analyzer" => {
            a.read_only(
                format!("admin.{name}"),
                "shows server or database information",
            );
        }
        "pgbench" => {
            if has_long(args, &["-i", "--initialize"]) {
                a.deny(
                    Risk::High,
                    "admin.pgbench",
                    "`-i` drops and recreates tables",
                );
            } else {
                a.concern(
                    Decision::Ask,
                    Risk::High,
                    "admin.pgbench",
                    "runs a write workload",
                );
            }
        }
        "mysqladmin" | "mariadb-admin" => {
            let read = [
                "status",
                "extended-status",
                "ping",
                "processlist",
                "variables",
                "version",
            ];
            if positional.is_empty() || positional.iter().all(|p| read.contains(&p.as_str())) {
                a.read_only("admin.mysqladmin", "shows server state");
            } else if positional.iter().any(|p| p == "create") && positional.len() <= 2 {
                a.ask("admin.mysqladmin", "creates a database");
            } else {
                a.deny(
                    Risk::Critical,
                    "admin.mysqladmin",
                    "drops, kills, flushes or shuts down",
                );
            }
        }
        "mysqldump" | "mariadb-dump" | "mysqlpump" | "mysqlbinlog" => {
            output_file(ctx, &["-r"], &["--result-file"]);
            if has_long(args, &["-T", "--tab"]) || args.iter().any(|x| x.text.starts_with("--tab"))
            {
                a.ask("admin.mysqldump-tab", "the server writes files");
            }
            a.read_only(format!("admin.{name}"), "dumps the database");
        }
        "mysqlimport" | "mariadb-import" | "mongorestore" | "mongoimport" => {
            a.deny(
                Risk::High,
                format!("admin.{name}").as_str(),
                "loads data into a database",
            );
        }
        "mysqlcheck" => {
            if has_long(
                args,
                &[
                    "-r",
                    "--repair",
                    "-o",
                    "--optimize",
                    "-a",
                    "--analyze",
                    "--auto-repair",
                ],
            ) {
                a.ask("admin.mysqlcheck", "repairs or optimizes tables");
            } else {
                a.read_only("admin.mysqlcheck", "checks tables");
            }
        }
        "mongodump" => {
            a.ask("admin.mongodump", "writes dump files");
        }
        "mongoexport" => {
            output_file(ctx, &["-o"], &["--out"]);
            a.read_only("admin.mongoexport", "exports a collection");
        }
        "bcp" => {
            if positional.get(1).is_some_and(|p| p == "in") {
                a.deny(Risk::High, "admin.bcp", "loads data into a table");
            } else {
                a.ask("admin.bcp", "writes a data file");
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::{Action, Decision, Policy};

    fn d(argv: &[&str]) -> Decision {
        Policy::default()
            .evaluate(&Action::exec(
                argv.iter().map(|s| s.to_string()).collect(),
                None,
            ))
            .decision
    }

    #[test]
    fn each_client_allows_its_reads_and_refuses_its_escapes() {
        assert_eq!(
            d(&["psql", "-d", "shop", "-c", "SELECT 1"]),
            Decision::Allow
        );
        assert_eq!(d(&["psql", "-d", "shop", "-c", "\\dt"]), Decision::Allow);
        assert_eq!(d(&["psql", "-c", "\\! id"]), Decision::Deny);
        assert_eq!(d(&["mysql", "-e", "SHOW TABLES"]), Decision::Allow);
        assert_eq!(d(&["mysql", "-e", "system id"]), Decision::Deny);
        assert_eq!(d(&["sqlite3", "x.db", ".tables"]), Decision::Allow);
        assert_eq!(d(&["sqlite3", "x.db", ".shell id"]), Decision::Deny);
        assert_eq!(
            d(&["duckdb", "x.duckdb", "-c", ".system id"]),
            Decision::Deny
        );
        assert_eq!(d(&["clickhouse-client", "-q", "SELECT 1"]), Decision::Allow);
        assert_eq!(d(&["sqlcmd", "-Q", "SELECT 1"]), Decision::Allow);
        assert_ne!(
            d(&["sqlcmd", "-Q", "EXEC xp_cmdshell 'dir'"]),
            Decision::Allow
        );
        assert_ne!(d(&["sqlplus", "-s", "u/p@db", "@x.sql"]), Decision::Allow);
        assert_eq!(d(&["redis-cli", "GET", "k"]), Decision::Allow);
        assert_eq!(d(&["redis-cli", "FLUSHALL"]), Decision::Deny);
        assert_eq!(
            d(&["mongosh", "shop", "--eval", "db.c.find({}).limit(2)"]),
            Decision::Allow
        );
        assert_eq!(
            d(&["mongosh", "shop", "--eval", "db.c.drop()"]),
            Decision::Deny
        );
        assert_ne!(d(&["psql", "-d", "shop"]), Decision::Allow);
    }
}
