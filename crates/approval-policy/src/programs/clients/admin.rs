//! Admin tools that carry no SQL: dumps and checks are reads (their output files judged as
//! writes), restores, imports, drops and server control are denied or ask.

use crate::assess::Assessment;
use crate::decision::{Decision, Risk};
use crate::programs::{has_long, option_values};
use crate::shell::{self, Cmd, Ctx};

pub(super) fn admin(ctx: &mut Ctx, cmd: &Cmd, name: &str, a: &mut Assessment) {
    let args = &cmd.argv[1..];
    let positional: Vec<String> = args
        .iter()
        .filter(|x| !x.text.starts_with('-'))
        .map(|x| x.text.to_ascii_lowercase())
        .collect();
    let output_file = |ctx: &mut Ctx, short: &[&str], long: &[&str]| {
        // These tools read options with `getopt_long`: `--fil=x` is `--file=x`. Every
        // abbreviation of a writing option counts as it (an ambiguous one fails in the tool).
        let spellings: Vec<String> = long
            .iter()
            .flat_map(|l| (4..=l.len()).map(move |n| l[..n].to_string()))
            .collect();
        let spellings: Vec<&str> = spellings.iter().map(String::as_str).collect();
        for o in option_values(args, short, &spellings) {
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

    #[test]
    fn abbreviated_output_options_of_dump_tools_are_writes() {
        for argv in [
            ["pg_dump", "--fil=/etc/cron.d/x", "shop"],
            ["pg_dump", "--fi=/etc/cron.d/x", "shop"],
            ["mysqldump", "--result-f=/etc/cron.d/x", "shop"],
        ] {
            let v = Policy::default().evaluate(&Action::exec(
                argv.iter().map(|s| s.to_string()).collect(),
                None,
            ));
            assert_ne!(v.decision, Decision::Allow, "{argv:?}");
        }
    }
}
