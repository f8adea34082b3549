//! sqlplus: a logon, then an `@script` or standard input; SQL*Plus commands (`HOST`, `!`,
//! `SPOOL`, `@`, …) and PL/SQL blocks in the text.

use super::{push_directive, push_sql, Client, Input, Source};
use crate::assess::Assessment;
use crate::decision::{Decision, Risk};
use crate::shell::{Cmd, Ctx};
use crate::sql::Dialect;

/// The sqlplus client.
pub(super) struct Sqlplus;

impl Client for Sqlplus {
    fn names(&self) -> &'static [&'static str] {
        &["sqlplus"]
    }

    fn sources(&self, _ctx: &mut Ctx, cmd: &Cmd, _a: &mut Assessment) -> Option<Input> {
        read_sources(cmd)
    }

    fn judge_text(&self, ctx: &mut Ctx, _input: &Input, text: &str) {
        sqlplus_text(ctx, text);
    }
}

fn read_sources(cmd: &Cmd) -> Option<Input> {
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
    Some(Input::with(sources))
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
