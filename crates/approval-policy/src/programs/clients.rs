//! Database clients and admin tools: one file per client behind the [`Client`] trait.
//!
//! Every client answers the same questions, so knowing one file is knowing all:
//! - **where its input comes from** ([`Client::sources`]): which options carry SQL text, which
//!   name script files, and whether standard input is read as well, in the order the client
//!   runs them (when a flag and standard input are both given, the file says which one the
//!   client really runs); options are read with the shared getopt parser
//!   (`programs/getopt.rs`), abbreviations included, and an option the client's table does
//!   not know asks;
//! - **which of its own commands are read-only** ([`Client::judge_text`]): psql `\d`, mysql
//!   `status`, sqlite3 `.tables` are; `\!`, `system`, `.shell`, `!!`, `HOST` are denied, and
//!   anything not on the client's list asks;
//! - **which variables it interpolates** (psql `:name`, sqlcmd `$(name)`): a value set on the
//!   command line is substituted when it is known harmless; otherwise the SQL run is not the
//!   SQL we read, and the answer is `ask`.
//!
//! The SQL itself goes to [`crate::sql`]. Adding a client: one file with one `impl Client`
//! and one line in [`REGISTRY`]. Admin tools that carry no SQL (`pg_dump`, `mysqladmin`, …)
//! are judged in `clients/admin.rs`.

mod admin;
mod clickhouse;
mod duckdb;
mod mongosh;
mod mysql;
mod psql;
mod redis;
mod sqlcmd;
mod sqlite3;
mod sqlplus;

use crate::assess::{Assessment, Target};
use crate::decision::{Decision, Risk};
use crate::shell::{Arg, Cmd, Ctx, Stdin};
use crate::sql::{self, Dialect};

/// A database client.
pub(super) trait Client: Sync {
    /// The program base names it answers to.
    fn names(&self) -> &'static [&'static str];

    /// Read the command line: judge the client's own options into `a` and return what it will
    /// run, in order, with the variables the command line sets. `None` when the command line
    /// alone decided (`psql -l`, `redis-cli GET k`).
    fn sources(&self, ctx: &mut Ctx, cmd: &Cmd, a: &mut Assessment) -> Option<Input>;

    /// Judge one text the client runs: its own commands as directives, its SQL (or other
    /// language) as units, the variables of `input` interpolated.
    fn judge_text(&self, ctx: &mut Ctx, input: &Input, text: &str);
}

/// One thing a client will run.
pub(super) enum Source {
    /// Text given on the command line.
    Text(Arg),
    /// A script file.
    File(Arg),
    /// Standard input.
    Stdin,
}

/// What a client invocation will run.
#[derive(Default)]
pub(super) struct Input {
    /// Texts, files and standard input, in the order the client runs them.
    pub sources: Vec<Source>,
    /// Variables set on the command line (`psql -v name=value`, `sqlcmd -v name=value`).
    pub vars: Vec<(String, Arg)>,
}

impl Input {
    /// Sources without variables.
    pub(super) fn with(sources: Vec<Source>) -> Input {
        Input {
            sources,
            vars: Vec::new(),
        }
    }

    /// The value a variable was given on the command line.
    pub(super) fn var(&self, name: &str) -> Option<&Arg> {
        self.vars
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }
}

/// Every client, in one place.
static REGISTRY: [&dyn Client; 9] = [
    &psql::Psql,
    &mysql::Mysql,
    &sqlite3::Sqlite3,
    &duckdb::Duckdb,
    &clickhouse::ClickHouse,
    &sqlcmd::Sqlcmd,
    &sqlplus::Sqlplus,
    &mongosh::Mongosh,
    &redis::Redis,
];

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

/// Is this program a database client or admin tool?
pub(super) fn handles(name: &str) -> bool {
    CLIENTS.contains(&name) || CLIENTS_MORE.contains(&name)
}

/// Is a variable's value known harmless when interpolated into SQL: a number or a plain
/// identifier, nothing that can end a literal or start another statement?
pub(super) fn harmless_value(v: &Arg) -> bool {
    !v.dynamic
        && !v.text.is_empty()
        && v.text.len() <= 64
        && v.text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.'))
}

/// A parsed option: its name without dashes and its value.
pub(super) struct SplitOpt {
    pub name: String,
    pub value: Option<Arg>,
}

/// Split options for the clients whose parsers are not getopt (mongosh's yargs, redis-cli's
/// own loop): short clusters, attached values, long options with `=` or a separate value,
/// exact names only. Returns options in order and positional arguments.
pub(super) fn split_options(
    args: &[Arg],
    short_with_value: &str,
    long_with_value: &[&str],
) -> (Vec<SplitOpt>, Vec<Arg>) {
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
                opts.push(SplitOpt {
                    name: k.to_string(),
                    value: Some(Arg {
                        text: v.to_string(),
                        dynamic: args[i].dynamic,
                    }),
                });
            } else if long_with_value.contains(&long) {
                opts.push(SplitOpt {
                    name: long.to_string(),
                    value: args.get(i + 1).cloned(),
                });
                i += 1;
            } else {
                opts.push(SplitOpt {
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
                        opts.push(SplitOpt {
                            name: c.to_string(),
                            value: args.get(i + 1).cloned(),
                        });
                        i += 1;
                    } else {
                        opts.push(SplitOpt {
                            name: c.to_string(),
                            value: Some(Arg {
                                text: rest,
                                dynamic: args[i].dynamic,
                            }),
                        });
                    }
                    break;
                }
                opts.push(SplitOpt {
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

/// Judge one invocation of the client or admin tool `name`.
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
    match REGISTRY.iter().find(|c| c.names().contains(&name)) {
        Some(c) => {
            if let Some(input) = c.sources(ctx, cmd, a) {
                judge_sources(ctx, cmd, name, &input, a, &|ctx, text| {
                    c.judge_text(ctx, &input, text)
                });
            }
        }
        None => admin::admin(ctx, cmd, name, a),
    }
}

/// Judge the sources: text through `judge_text`, files and stdin by where they come from.
pub(super) fn judge_sources(
    ctx: &mut Ctx,
    cmd: &Cmd,
    client: &str,
    input: &Input,
    a: &mut Assessment,
    judge_text: &dyn Fn(&mut Ctx, &str),
) {
    for s in &input.sources {
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
            Source::Stdin => judge_stdin(ctx, cmd, client, a, judge_text, true),
        }
    }
    if !input.sources.iter().any(|s| matches!(s, Source::Stdin)) {
        judge_stdin(ctx, cmd, client, a, judge_text, false);
    }
    a.read_only(format!("client.{client}"), "connects to run the judged SQL");
}

/// Judge standard input. `runs` says the client reads it (a listed source); otherwise SQL was
/// given on the command line and the client is documented to ignore its input, which is not
/// presumed (a version, an option or a wrapper may make it read both): it is judged as if it
/// ran too, except a terminal, which then means nothing.
fn judge_stdin(
    ctx: &mut Ctx,
    cmd: &Cmd,
    client: &str,
    a: &mut Assessment,
    judge_text: &dyn Fn(&mut Ctx, &str),
    runs: bool,
) {
    match &cmd.stdin {
        Stdin::Text { text, dynamic, .. } => {
            if *dynamic {
                a.ask("client.dynamic-sql", "here-document with expansions");
            }
            judge_text(ctx, text);
        }
        Stdin::File(f) => {
            let (id, why) = if runs {
                (
                    "client.script-file",
                    format!("runs the script file `{f}` from standard input"),
                )
            } else {
                (
                    "client.stdin-file",
                    format!("standard input of `{client}` is the file `{f}`, which may run too"),
                )
            };
            a.concern(Decision::Ask, Risk::High, id, why);
        }
        Stdin::Pipe => {
            let why = if runs {
                format!("`{client}` runs whatever the pipeline feeds it")
            } else {
                format!("`{client}` is fed a pipeline besides its SQL arguments")
            };
            a.concern(Decision::Ask, Risk::High, "client.stdin-pipe", why);
        }
        Stdin::Inherit if runs => {
            a.concern(
                Decision::Ask,
                Risk::Medium,
                "client.interactive",
                format!("`{client}` reads commands from standard input"),
            );
        }
        Stdin::Inherit => {}
    }
}

pub(super) fn push_directive(
    ctx: &mut Ctx,
    client: &str,
    text: &str,
    f: impl FnOnce(&mut Assessment),
) {
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

pub(super) fn push_sql(ctx: &mut Ctx, dialect: Dialect, sql: &str) {
    if sql.trim().is_empty() {
        return;
    }
    ctx.units.extend(sql::units(dialect, sql));
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

    fn v(argv: &[&str]) -> crate::Verdict {
        Policy::default().evaluate(&Action::exec(
            argv.iter().map(|s| s.to_string()).collect(),
            None,
        ))
    }

    fn sh(script: &str) -> Decision {
        d(&["bash", "-lc", script])
    }

    #[test]
    fn abbreviated_options_are_read_as_the_client_reads_them() {
        // getopt_long / my_getopt / boost take unambiguous prefixes.
        assert_eq!(d(&["psql", "--comm=DROP TABLE users"]), Decision::Deny);
        assert_eq!(d(&["psql", "--comm", "DROP TABLE users"]), Decision::Deny);
        assert_eq!(d(&["mysql", "--exec=DROP TABLE t"]), Decision::Deny);
        assert_eq!(
            d(&["mysql", "--init-comm=DELETE FROM t", "-e", "SELECT 1"]),
            Decision::Deny
        );
        assert_ne!(
            d(&["mysql", "--pag=sh -c id", "-e", "SELECT 1"]),
            Decision::Allow
        );
        assert_ne!(
            d(&["clickhouse-client", "--pager=sh -c id", "-q", "SELECT 1"]),
            Decision::Allow
        );
        assert_ne!(
            d(&["clickhouse-client", "--pag=sh -c id", "-q", "SELECT 1"]),
            Decision::Allow
        );
        let verdict = v(&["psql", "--frobnicate", "-c", "SELECT 1"]);
        assert_eq!(verdict.decision, Decision::Ask);
        assert!(verdict.to_string().contains("--frobnicate"), "{verdict}");
        assert_eq!(
            d(&["psql", "-X", "-At", "-d", "shop", "-c", "SELECT 1"]),
            Decision::Allow
        );
        assert_eq!(
            d(&["mysql", "-uroot", "-pSECRET", "-D", "shop", "-e", "SELECT 1"]),
            Decision::Allow
        );
    }

    #[test]
    fn interpolated_variables_are_known_or_asked() {
        assert_ne!(
            d(&["psql", "-v", "t=1; DROP TABLE x", "-c", "SELECT :t"]),
            Decision::Allow
        );
        assert_ne!(
            d(&["psql", "--set=t=1; DROP TABLE x", "-c", "SELECT :'t'"]),
            Decision::Allow
        );
        assert_eq!(
            d(&["psql", "-v", "n=5", "-c", "SELECT :n, :'n', a::int FROM t"]),
            Decision::Allow
        );
        // An undefined variable stays as written, which is what the server gets.
        assert_eq!(
            d(&["psql", "-c", "SELECT arr[1:2] FROM t"]),
            Decision::Allow
        );
        assert_ne!(d(&["psql", "-c", "\\set t 1\nSELECT :t"]), Decision::Allow);
        assert_ne!(
            d(&["sqlcmd", "-v", "t=1; DROP TABLE x", "-Q", "SELECT $(t)"]),
            Decision::Allow
        );
        assert_ne!(d(&["sqlcmd", "-Q", "SELECT '$(HOME)'"]), Decision::Allow);
        assert_eq!(
            d(&["sqlcmd", "-v", "n=5", "-Q", "SELECT $(n)"]),
            Decision::Allow
        );
    }

    #[test]
    fn meta_commands_outside_the_read_list_are_not_allowed() {
        assert_eq!(d(&["psql", "-c", "\\dt+"]), Decision::Allow);
        assert_eq!(d(&["psql", "-c", "\\l"]), Decision::Allow);
        for meta in [
            "SELECT 1 \\; SELECT 2",
            "\\set x 1",
            "\\gexec",
            "\\o out.txt",
            "\\w q.sql",
            "\\copy t to 'x.csv'",
            "\\i x.sql",
            "\\frob",
        ] {
            assert_ne!(d(&["psql", "-c", meta]), Decision::Allow, "{meta}");
        }
    }

    #[test]
    fn sql_on_stdin_and_on_a_flag_is_judged_as_the_client_runs_it() {
        // sqlite3 runs `-cmd` and then standard input.
        assert_ne!(
            sh("sqlite3 -cmd 'SELECT 1' shop.db <<'EOF'\nDROP TABLE t;\nEOF"),
            Decision::Allow
        );
        assert_eq!(
            sh("sqlite3 -cmd '.headers on' shop.db <<'EOF'\nSELECT 1;\nEOF"),
            Decision::Allow
        );
        // With SQL arguments, sqlite3 does not read standard input.
        assert_eq!(
            sh("sqlite3 shop.db 'SELECT 1' <<'EOF'\nSELECT 2;\nEOF"),
            Decision::Allow
        );
        // mysql's --init-command runs as well as -e.
        assert_eq!(
            d(&["mysql", "--init-command=DROP TABLE t", "-e", "SELECT 1"]),
            Decision::Deny
        );
        assert_ne!(
            sh("psql -d shop <<'EOF'\nSELECT 1;\nDROP TABLE t;\nEOF"),
            Decision::Allow
        );
    }
}
