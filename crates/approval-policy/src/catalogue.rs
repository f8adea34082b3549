//! The catalogue of rules: every built-in rule id the engine can put in a [`Judgement`], with
//! its decisions and a one-line reason, and a view of the rules a policy file added.
//!
//! The built-in knowledge is code (allowlists, parsers, tables), not a list of rules; its
//! findings carry ids (`git.push-force`, `sql.select-into`, `program.sort`) so users can see
//! what decided and write rules about it. This file names each of those ids once, so
//! `xldb-codex policy list` and `policy explain` can show them. Ids the code builds at run
//! time (`git.{sub}`, `sql.{kind}`, `sql.function.{name}`) are listed as families written with
//! `*` (`git.*`); [`builtin_rule`] finds an exact id first, then the most specific family.
//! Table-driven programs (`program.sort`, …) come from their tables in `programs/`, with the
//! table's own description.
//!
//! A unit test reads this crate's sources and fails when an id is emitted but not listed here,
//! when a listed id is never emitted, or when a call site's decision is not among the listed
//! decisions.
//!
//! [`Judgement`]: crate::Judgement

use crate::decision::Decision::{self, Allow, Ask, Deny};
use serde::Serialize;
use std::sync::OnceLock;

/// One built-in rule: an id a [`Judgement`](crate::Judgement) can carry, or a family of ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RuleInfo {
    /// The id (`git.push-force`), or a family of ids with one `*` (`git.*`).
    pub id: &'static str,
    /// The decisions a finding with this id can have, loosest first.
    pub decisions: &'static [Decision],
    /// Why, in one line.
    pub reason: &'static str,
    /// Command lines (as given to `bash -lc`) that produce a finding with this id.
    pub examples: &'static [&'static str],
}

impl RuleInfo {
    const fn examples(mut self, examples: &'static [&'static str]) -> RuleInfo {
        self.examples = examples;
        self
    }

    /// Whether `id` is this rule's id or one of its family.
    pub fn covers(&self, id: &str) -> bool {
        match self.id.split_once('*') {
            None => self.id == id,
            Some((head, tail)) => {
                id.len() > head.len() + tail.len() && id.starts_with(head) && id.ends_with(tail)
            }
        }
    }

    /// What kind of part the rule judges, in words.
    pub fn judges(&self) -> &'static str {
        let area = self.id.split('.').next().unwrap_or(self.id);
        match area {
            "shell" => "the shell script's own structure (words, redirects, substitutions, functions)",
            "program" => "one simple command, by its program and options",
            "git" => "a `git` command, by its subcommand and options",
            "sql" => "one SQL statement (from `policy sql`, a database client's input or an `execute_query` tool)",
            "psql" | "mysql" | "sqlite" | "sqlcmd" | "sqlplus" | "mongosh" | "redis" => {
                "a client command in the input of a database client"
            }
            "client" => "the command line of a database client",
            "admin" => "the command line of a database administration tool",
            "patch" => "one file of a patch (`apply_patch`)",
            "path" | "secret" => "a command that reads a secret or prints credentials",
            _ => "the whole action",
        }
    }
}

/// A rule a policy file added, as `policy list` and `policy explain` show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileRule {
    /// The rule's `id`.
    pub id: String,
    /// Its `decision`.
    pub decision: Decision,
    /// Its `priority` (default 0).
    pub priority: i64,
    /// Whether it may replace a stricter built-in verdict.
    pub loosen: bool,
    /// Its `reason` (or `policy rule `ID`` when the file gives none).
    pub reason: String,
    /// Its `match` keys as written: `program = ["git"], argv_prefix = ["git","push"]`.
    pub matches: String,
    /// Its `examples_match`.
    pub examples_match: Vec<String>,
    /// Its `examples_not_match`.
    pub examples_not_match: Vec<String>,
}

const fn rule(id: &'static str, decisions: &'static [Decision], reason: &'static str) -> RuleInfo {
    RuleInfo {
        id,
        decisions,
        reason,
        examples: &[],
    }
}

/// Every built-in rule id and family, sorted by id, with the table-driven programs after them.
pub fn builtin_rules() -> &'static [RuleInfo] {
    static ALL: OnceLock<Vec<RuleInfo>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut all = RULES.to_vec();
        all.extend(crate::programs::table_programs().map(|p| RuleInfo {
            id: p.id,
            decisions: &[Allow, Ask, Deny],
            reason: p.does,
            examples: &[],
        }));
        all.sort_by_key(|r| r.id);
        all.dedup_by_key(|r| r.id);
        all
    })
}

/// The built-in rule with this id, else the most specific family that covers it.
///
/// ```
/// use approval_policy::{builtin_rule, Decision};
/// let rule = builtin_rule("git.push-force").unwrap();
/// assert_eq!(rule.decisions, &[Decision::Deny]);
/// assert_eq!(builtin_rule("sql.delete").map(|r| r.id), Some("sql.*"));
/// assert!(builtin_rule("git-push-force").is_none());
/// ```
pub fn builtin_rule(id: &str) -> Option<&'static RuleInfo> {
    let rules = builtin_rules();
    rules.iter().find(|r| r.id == id).or_else(|| {
        rules
            .iter()
            .filter(|r| r.id.contains('*') && r.covers(id))
            .max_by_key(|r| r.id.len())
    })
}

/// The built-in rules, written by hand. Table-driven programs are not here: [`builtin_rules`]
/// adds them from their tables.
const RULES: &[RuleInfo] = &[
    rule("admin.*", &[Allow, Ask, Deny], "a database admin tool by name (`admin.pg_dump`, `admin.dropdb`, …)"),
    rule("admin.bcp", &[Ask, Deny], "writes a data file"),
    rule("admin.mongodump", &[Ask], "writes dump files"),
    rule("admin.mongoexport", &[Allow], "exports a collection"),
    rule("admin.mysqladmin", &[Allow, Ask, Deny], "`mysqladmin`: status commands allow, creating databases asks, dropping or shutting down denies"),
    rule("admin.mysqlcheck", &[Allow, Ask], "repairs or optimizes tables"),
    rule("admin.mysqldump-tab", &[Ask], "the server writes files"),
    rule("admin.pg_ctl", &[Allow, Deny], "`pg_ctl status` allows; starting, stopping or promoting a server denies"),
    rule("admin.pg_restore", &[Allow, Deny], "listing or printing an archive allows; restoring into a database denies"),
    rule("admin.pgbench", &[Ask, Deny], "`-i` drops and recreates tables"),
    rule("client.*", &[Allow], "a database client that connects to run the judged SQL, or prints its version"),
    rule("client.clickhouse", &[Allow, Ask], "a `clickhouse` subcommand: the clients connect to run the judged SQL, others are not known"),
    rule("client.clickhouse-option", &[Ask, Deny], "an option of `clickhouse-client`/`clickhouse-local` that is unknown, writes a file or runs code"),
    rule("client.duckdb-option", &[Ask, Deny], "an option of `duckdb` that is unknown, writes a file or runs code"),
    rule("client.dynamic-sql", &[Ask], "SQL text computed at run time"),
    rule("client.interactive", &[Ask], "the client reads commands from an interactive standard input"),
    rule("client.mysql-option", &[Ask, Deny], "an option of `mysql`/`mariadb` that is unknown, writes a file or runs code"),
    rule("client.psql", &[Allow], "`psql -l` lists databases"),
    rule("client.psql-option", &[Ask, Deny], "an option of `psql` that is unknown, writes a file or runs code"),
    rule("client.psql-pipe", &[Deny], "a psql option pipes query output to a program"),
    rule("client.psql-variable", &[Ask], "a psql variable set on the command line whose value is not known harmless (a backquote in a prompt runs a command)"),
    rule("client.script-file", &[Ask], "runs a script file, whose text is not visible here"),
    rule("client.sqlcmd-option", &[Ask], "an argument of `sqlcmd` that is not known"),
    rule("client.sqlite3-option", &[Ask, Deny], "an option of `sqlite3` that is unknown, writes a file or runs code"),
    rule("client.stdin-file", &[Ask], "the client reads SQL from a file given as standard input, which is not visible here"),
    rule("client.stdin-pipe", &[Ask], "the client reads SQL piped from another command, which is not visible here"),
    rule("empty", &[Ask], "nothing in the action could be judged"),
    rule("error", &[Deny], "the action could not be read (bad JSON, invalid UTF-8, bad patch)"),
    rule("git", &[Allow], "`git` alone prints usage"),
    rule("git.*", &[Allow, Ask, Deny], "a `git` subcommand by name: reads allow, changes ask, destruction denies (`git.log`, `git.commit`, …)").examples(&["git log --oneline", "git commit -m wip"]),
    rule("git.apply", &[Ask], "applies a patch to files"),
    rule("git.apply-check", &[Allow], "checks a patch without applying it"),
    rule("git.archive", &[Allow, Ask], "writes an archive or contacts a remote"),
    rule("git.branch", &[Allow], "lists branches"),
    rule("git.branch-create", &[Ask], "creates a branch"),
    rule("git.branch-delete", &[Deny], "force-deletes a branch"),
    rule("git.branch-write", &[Ask], "changes branches"),
    rule("git.checkout", &[Ask], "switches branches"),
    rule("git.checkout-discard", &[Deny], "overwrites working-tree files (uncommitted work is lost)"),
    rule("git.clean", &[Deny], "deletes untracked files").examples(&["git clean -fdx"]),
    rule("git.clean-dry-run", &[Allow], "lists what would be removed"),
    rule("git.config", &[Allow], "reads configuration"),
    rule("git.config-write", &[Ask], "changes git configuration (can install programs to run)"),
    rule("git.exec-flag", &[Ask], "flag makes git run another program"),
    rule("git.format-patch", &[Allow, Ask], "writes patch files"),
    rule("git.grep-pager", &[Ask], "`-O` opens files in a program"),
    rule("git.notes", &[Allow, Ask], "changes notes"),
    rule("git.options", &[Ask, Deny], "a global `git` option that is unknown, changes configuration or runs a program"),
    rule("git.push", &[Ask], "publishes commits to a remote"),
    rule("git.push-force", &[Deny], "rewrites or deletes remote history").examples(&["git push --force origin main"]),
    rule("git.reflog", &[Allow], "shows the reflog"),
    rule("git.reflog-expire", &[Deny], "destroys recovery history"),
    rule("git.remote", &[Allow], "lists remotes"),
    rule("git.remote-write", &[Ask], "`git remote add`/`set-url`/… changes remotes"),
    rule("git.reset", &[Ask], "moves HEAD or unstages files"),
    rule("git.reset-hard", &[Deny], "discards uncommitted work").examples(&["git reset --hard HEAD~1"]),
    rule("git.rm", &[Ask], "removes files"),
    rule("git.rm-cached", &[Ask], "unstages files"),
    rule("git.stash", &[Allow, Ask], "stashes or restores work"),
    rule("git.stash-drop", &[Deny], "discards stashed work"),
    rule("git.submodule", &[Allow, Ask], "changes submodules or runs commands in them"),
    rule("git.tag", &[Allow], "lists tags"),
    rule("git.tag-create", &[Ask], "creates a tag"),
    rule("git.tag-delete", &[Ask], "deletes a tag"),
    rule("git.unknown", &[Ask], "a `git` subcommand that is not known (it could be an alias)"),
    rule("git.worktree", &[Allow, Ask], "changes worktrees"),
    rule("git.worktree-remove", &[Deny], "removes a worktree"),
    rule("mongosh.code", &[Ask], "JavaScript beyond read-only calls"),
    rule("mongosh.command", &[Ask], "runs a database command"),
    rule("mongosh.internal", &[Deny], "reaches mongosh internals (`process`, `require`, `load`, …)"),
    rule("mongosh.read", &[Allow], "read-only mongosh queries"),
    rule("mongosh.shell-command", &[Allow], "a read-only mongosh shell helper (`show dbs`, …)"),
    rule("mongosh.unknown-call", &[Ask], "a mongosh call that is not known to be read-only"),
    rule("mongosh.write", &[Deny], "a mongosh call that writes or drops data"),
    rule("mysql.*", &[Allow], "a read-only mysql client command (`status`, `help`, …)"),
    rule("mysql.edit", &[Ask], "opens an editor"),
    rule("mysql.pager", &[Ask], "runs a pager program"),
    rule("mysql.source", &[Ask], "runs SQL from a file"),
    rule("mysql.system", &[Deny], "runs a shell command").examples(&["mysql -e 'system ls'"]),
    rule("mysql.tee", &[Ask], "writes a file"),
    rule("mysql.unknown", &[Ask], "a mysql client command that is not known"),
    rule("patch.apply", &[Allow], "applies the judged patch"),
    rule("patch.binary", &[Ask], "a patch with binary content"),
    rule("patch.delete", &[Ask], "deletes a file"),
    rule("patch.empty", &[Ask], "an empty patch"),
    rule("patch.empty-path", &[Deny], "a patch with an empty path"),
    rule("patch.large", &[Ask], "a large change (more bytes than a reviewer reads)"),
    rule("patch.outside", &[Deny], "a path climbs out of the workspace"),
    rule("patch.sensitive", &[Ask, Deny], "a patch touching CI, tool configuration, migrations, lockfiles (ask) or `.git/`, `.codex/`, secrets (deny)"),
    rule("patch.unknown", &[Ask], "patch text is not visible"),
    rule("patch.unparsable", &[Ask], "the patch text could not be parsed"),
    rule("patch.workspace", &[Allow], "edits a file inside the workspace"),
    rule("path.secret", &[Ask], "names a secret or credentials file (dotenv, keys, cloud and tool credentials)").examples(&["cat .env"]),
    rule("program.*", &[Allow, Ask, Deny], "a program without a table of its own, by name (`program.rm`, `program.mkdir`, …)").examples(&["rm -rf build"]),
    rule("program.*-exec", &[Allow], "a container or wrapper that runs the judged command inside"),
    rule("program.accounts", &[Deny], "changes user accounts"),
    rule("program.alias", &[Allow, Ask], "defines an alias that can hide another command"),
    rule("program.awk", &[Allow, Ask], "`awk` with a program that only prints"),
    rule("program.awk-exec", &[Ask], "an awk program that runs commands, writes files or reads the environment"),
    rule("program.busybox", &[Allow], "lists applets"),
    rule("program.command", &[Allow], "looks up a command"),
    rule("program.container-exec", &[Ask], "no command to run in the container"),
    rule("program.container-privileged", &[Deny], "runs privileged in a container"),
    rule("program.crontab", &[Allow, Deny], "`crontab -l` lists jobs; changing scheduled jobs denies"),
    rule("program.dd", &[Ask, Deny], "copies raw data"),
    rule("program.disk", &[Deny], "changes disks or file systems"),
    rule("program.editor", &[Ask], "opens an editor that can change files"),
    rule("program.env", &[Allow, Ask], "`env` runs the judged command; an unknown `env` option asks"),
    rule("program.eval", &[Ask, Deny], "`eval` re-parses text as a script").examples(&["eval \"$X\""]),
    rule("program.fd", &[Allow], "lists files"),
    rule("program.fd-exec", &[Allow, Ask], "`fd --exec` runs a judged reader on each file; an unseen input asks"),
    rule("program.find", &[Allow, Ask], "`find` with known tests and actions only; anything else asks"),
    rule("program.find-delete", &[Deny], "`-delete` removes files").examples(&["find . -name \"*.tmp\" -delete"]),
    rule("program.find-exec", &[Allow, Ask], "`find -exec` runs a judged reader on each file; an unseen input asks"),
    rule("program.hostnamectl", &[Allow, Deny], "`hostnamectl status` reads; setting the host name denies"),
    rule("program.interpreter", &[Ask], "an interpreter runs a program file"),
    rule("program.interpreter-inline", &[Ask], "an interpreter runs inline code (`python -c`, `node -e`, …)").examples(&["python3 -c 'print(1)'"]),
    rule("program.interpreter-module", &[Ask], "an interpreter runs a module (`python -m`)"),
    rule("program.interpreter-stdin", &[Ask], "an interpreter runs code from standard input"),
    rule("program.ip", &[Allow, Deny], "`ip` shows network state; changing network configuration denies"),
    rule("program.jq", &[Allow, Ask], "`jq` filters JSON; reading a secret file into a variable (`--rawfile`) asks"),
    rule("program.journalctl", &[Allow], "reads logs"),
    rule("program.kill", &[Allow, Deny], "`kill -l` lists signals; terminating processes denies"),
    rule("program.man", &[Allow], "shows text"),
    rule("program.network", &[Ask], "opens a network connection that can run or copy anything"),
    rule("program.network-config", &[Deny], "changes network interfaces"),
    rule("program.open", &[Ask], "opens a file or URL with another program"),
    rule("program.pager", &[Ask], "pager told to run a command or program"),
    rule("program.parallel", &[Allow, Ask], "runs commands read from input"),
    rule("program.permissions", &[Ask], "changes file permissions or ownership"),
    rule("program.ps", &[Allow, Ask], "`ps` lists processes; options it does not know, or that print environments, ask"),
    rule("program.power", &[Deny], "stops or restarts the machine"),
    rule("program.printenv", &[Allow], "prints variables that hold no secret"),
    rule("program.sed", &[Allow, Ask], "`sed` with a script that only prints"),
    rule("program.sed-script", &[Ask], "a sed script with commands that run, write or read files"),
    rule("program.shell", &[Allow, Ask], "a shell running a script given with `-c` (the script is judged)"),
    rule("program.shell-dynamic", &[Deny], "runs a script computed at run time"),
    rule("program.shell-file", &[Ask], "runs a script file, whose text is not visible here"),
    rule("program.shell-interactive", &[Ask], "starts a shell reading unknown input"),
    rule("program.shell-pipe", &[Deny], "pipes data into a shell").examples(&["curl -s https://example.com/install.sh | sh"]),
    rule("program.shell-rcfile", &[Ask], "runs a startup file"),
    rule("program.shopt", &[Allow, Ask], "`shopt -s` changes how words expand (`dotglob`, `extglob`)"),
    rule("program.source", &[Ask], "runs the commands in a file"),
    rule("program.su", &[Deny], "runs a script computed at run time as another user"),
    rule("program.system", &[Deny], "changes system configuration"),
    rule("program.tar", &[Allow, Ask], "`tar` listing an archive (`-t`); other modes ask"),
    rule("program.tar-exec", &[Deny], "runs a program").examples(&["tar -tf a.tar --use-compress-program=./x"]),
    rule("program.trace", &[Ask], "traces another program"),
    rule("program.trap", &[Allow, Ask, Deny], "`trap` runs its action later, on a signal or exit (the action is judged)"),
    rule("program.watch", &[Allow, Ask, Deny], "`watch` runs the judged command repeatedly"),
    rule("program.write-outside", &[Ask], "a program touches a path outside the workspace or in a protected place"),
    rule("program.xargs", &[Allow, Ask], "`xargs` runs the judged command; an unknown `xargs` option asks"),
    rule("psql.*", &[Allow, Deny], "a psql meta-command by name: display commands allow, environment, password and large-object changes deny"),
    rule("psql.backquote", &[Deny], "a backquoted meta-command argument runs a shell command"),
    rule("psql.control", &[Ask], "a psql meta-command that changes what runs, where, or how often (`\\if`, `\\watch`, `\\c`, …)"),
    rule("psql.copy-from", &[Deny], "`\\copy … from` loads rows into a table"),
    rule("psql.copy-program", &[Deny], "`\\copy … program` runs a command"),
    rule("psql.copy-to", &[Ask], "`\\copy … to` writes a file"),
    rule("psql.copy-to-stdout", &[Allow], "copies rows to standard output"),
    rule("psql.describe", &[Allow], "describes database objects"),
    rule("psql.edit", &[Ask], "opens an editor"),
    rule("psql.gexec", &[Deny], "runs query results as SQL"),
    rule("psql.include", &[Ask], "runs SQL from a file"),
    rule("psql.pipe", &[Deny], "output piped to a shell command"),
    rule("psql.separator", &[Ask], "`\\;` sends the statements before it together with the next ones"),
    rule("psql.set-variable", &[Ask], "a psql meta-command that sets a variable later SQL may interpolate"),
    rule("psql.shell", &[Deny], "`\\!` runs a shell command").examples(&["psql -c '\\! ls'"]),
    rule("psql.unknown", &[Ask], "a psql meta-command that is not known"),
    rule("psql.variable", &[Ask], "psql interpolates a variable into the SQL whose value is not known harmless"),
    rule("psql.write-file", &[Ask], "writes a file"),
    rule("redis.*", &[Allow, Ask, Deny], "a redis command: read (allow), write keys (ask), delete, script or administer (deny)"),
    rule("redis.eval", &[Ask], "runs a Lua script"),
    rule("redis.interactive", &[Ask], "reads commands from standard input"),
    rule("redis.pipe", &[Deny], "mass-inserts commands from input"),
    rule("redis.rdb", &[Ask], "writes a dump file"),
    rule("redis.read-mode", &[Allow], "reads statistics"),
    rule("redis.replica", &[Ask], "acts as a replica"),
    rule("secret.environment", &[Ask], "`env`/`printenv`/`set` without names print variables, which hold credentials").examples(&["printenv"]),
    rule("secret.git-config", &[Ask], "prints every configuration value (URLs, credential helpers and tokens)"),
    rule("secret.git-history", &[Ask], "shows file contents from history before HEAD, where removed secrets live (limit it with `-- PATH`)"),
    rule("secret.npm-config", &[Ask], "npm configuration can hold registry auth tokens"),
    rule("shell.arithmetic", &[Ask], "`[[ … -eq … ]]` evaluates its operands as arithmetic"),
    rule("shell.arithmetic-substitution", &[Ask], "command substitution inside arithmetic"),
    rule("shell.assignment", &[Allow], "sets shell variables"),
    rule("shell.brace-expansion", &[Ask], "brace expansion makes more than 64 words"),
    rule("shell.depth", &[Deny], "nested too deeply to judge"),
    rule("shell.dynamic-arg", &[Ask], "an argument is computed at run time"),
    rule("shell.dynamic-program", &[Deny], "program name is computed at run time").examples(&["$CMD --version"]),
    rule("shell.empty", &[Allow], "an empty script"),
    rule("shell.env", &[Ask, Deny], "a variable set for a program that is not known harmless (`LD_PRELOAD` is denied)").examples(&["LD_PRELOAD=./x.so ls"]),
    rule("shell.function", &[Ask], "defines a function, which can hide a command (its body is judged too)"),
    rule("shell.function-call", &[Allow], "calls a function defined in the script (body judged)"),
    rule("shell.parameter-substitution", &[Ask], "command substitution inside a parameter expansion"),
    rule("shell.path-program", &[Ask], "a program run by a path that is not a system program"),
    rule("shell.test", &[Allow], "a conditional expression (`[ … ]`, `[[ … ]]`)"),
    rule("shell.unknown-value", &[Ask], "a variable whose value the script does not fix (`$VAR`): the environment holds secrets").examples(&["echo $DATABASE_URL"]),
    rule("shell.unparsable", &[Ask], "control characters in the script"),
    rule("shell.word", &[Ask], "a shell word the parser did not understand"),
    rule("shell.write", &[Ask], "writes a file"),
    rule("shell.write-dynamic", &[Ask], "writes to a file whose name is computed at run time"),
    rule("shell.write-outside", &[Deny], "a redirect writes outside the workspace").examples(&["echo hi > /etc/motd"]),
    rule("shell.write-protected", &[Deny], "a redirect writes a protected file (`.git/`, secrets, shell startup files)"),
    rule("sql.*", &[Allow, Ask, Deny], "an SQL statement by kind: reads allow, writes and DDL ask or deny (`sql.select`, `sql.delete`, …)").examples(&["psql -c 'SELECT * FROM orders'", "psql -c 'DELETE FROM orders'"]),
    rule("sql.admin", &[Deny], "the SQL could not be parsed and starts with a server administration keyword"),
    rule("sql.empty", &[Allow, Ask], "no statement parsed"),
    rule("sql.exec-dynamic", &[Ask], "runs dynamic SQL"),
    rule("sql.exec-literal", &[Allow], "runs literal read-only SQL"),
    rule("sql.exec-read", &[Allow], "a stored procedure known to only read"),
    rule("sql.exec-system", &[Deny], "a system procedure that changes the server or schema"),
    rule("sql.exec-xp", &[Deny], "an extended procedure (`xp_cmdshell`, …) reaches the operating system"),
    rule("sql.exec.*", &[Ask, Deny], "literal SQL run by `EXEC`/`sp_executesql` that is not a read, by the id of what it runs"),
    rule("sql.execute", &[Ask], "runs a procedure whose effect is not visible here"),
    rule("sql.exhaustion", &[Ask], "a generator function asked for more rows or bytes than a query should make"),
    rule("sql.explain", &[Allow], "shows a plan without running the statement"),
    rule("sql.explain-analyze", &[Ask], "`EXPLAIN ANALYZE` runs a statement that is not a read"),
    rule("sql.file-table", &[Ask], "reads a file outside the database (`read_csv`, `file()`, …)"),
    rule("sql.function.*", &[Ask, Deny], "an SQL function that is not a known read-only built-in (ask) or has known side effects (deny)").examples(&["psql -c 'SELECT purge_expired_sessions()'"]),
    rule("sql.lexical", &[Ask], "look-alike whitespace, executable comments or other lexical traps in the SQL"),
    rule("sql.locking", &[Ask], "locking clause (`FOR UPDATE`/`FOR SHARE`) takes row locks"),
    rule("sql.nested.*", &[Ask, Deny], "a data-changing statement nested in a query (`WITH d AS (DELETE …)`)"),
    rule("sql.operator", &[Ask], "an operator that is not a known read-only built-in"),
    rule("sql.pragma", &[Allow], "a read-only `PRAGMA` form"),
    rule("sql.print", &[Allow], "prints a message"),
    rule("sql.probe", &[Allow], "a known read-only probe (`SELECT 1`, version or current user)"),
    rule("sql.select-into", &[Deny], "`SELECT … INTO` creates or fills a table").examples(&["psql -c 'SELECT * INTO backup FROM orders'"]),
    rule("sql.set", &[Ask], "changes a setting that is not known to be session-only"),
    rule("sql.set-global", &[Deny], "changes a server-wide setting"),
    rule("sql.set-guard", &[Deny], "a setting that changes access or read-only mode"),
    rule("sql.set-role", &[Deny], "changes the session's identity or role"),
    rule("sql.set-session", &[Allow], "sets a session setting"),
    rule("sql.set-transaction", &[Allow, Ask], "makes the transaction read-write"),
    rule("sql.set-user-variable", &[Allow], "sets a session user variable"),
    rule("sql.unparsable", &[Ask], "the SQL could not be tokenized"),
    rule("sql.unparsed", &[Ask], "the SQL could not be parsed"),
    rule("sql.unparsed-read", &[Ask], "the SQL could not be parsed; it starts like a read but was not verified"),
    rule("sql.unparsed-write", &[Deny], "the SQL could not be parsed and contains a writing keyword"),
    rule("sql.use", &[Allow], "selects the default database"),
    rule("sqlcmd.directive", &[Allow], "sqlcmd control command"),
    rule("sqlcmd.edit", &[Ask], "opens an editor"),
    rule("sqlcmd.include", &[Ask], "runs SQL from a file"),
    rule("sqlcmd.shell", &[Deny], "runs a shell command"),
    rule("sqlcmd.unknown", &[Ask], "a sqlcmd command that is not known"),
    rule("sqlcmd.variable", &[Ask], "sqlcmd replaces a variable in the SQL whose value is not known harmless"),
    rule("sqlcmd.write", &[Ask], "writes a file"),
    rule("sqlite.*", &[Allow, Ask, Deny], "a sqlite3 dot-command by name: display allows, imports and restores ask or deny"),
    rule("sqlite.load", &[Deny], "loads native code"),
    rule("sqlite.output", &[Ask], "writes a file"),
    rule("sqlite.output-program", &[Deny], "sends output to a program"),
    rule("sqlite.read", &[Ask], "runs SQL from a file"),
    rule("sqlite.read-pipe", &[Deny], "runs a command and executes its output"),
    rule("sqlite.shell", &[Deny], "runs a shell command").examples(&["sqlite3 x.db '.shell ls'"]),
    rule("sqlite.unknown", &[Ask], "a sqlite3 dot-command that is not known"),
    rule("sqlplus.admin", &[Deny], "administers the database"),
    rule("sqlplus.command", &[Allow], "SQL*Plus display or session command"),
    rule("sqlplus.comment", &[Allow], "a SQL*Plus comment"),
    rule("sqlplus.file", &[Ask], "runs or writes a script file"),
    rule("sqlplus.host", &[Deny], "runs a shell command"),
    rule("sqlplus.plsql", &[Ask], "PL/SQL block (its effects are not fully parsed)"),
    rule("sqlplus.script", &[Ask], "runs a script file"),
    rule("sqlplus.spool", &[Ask], "writes a file"),
    rule("too-large", &[Ask], "command too large to judge"),
    rule("unknown", &[Ask], "a part no read-only fact covers: not known to be read-only"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Action, Policy};
    use std::collections::BTreeSet;
    use std::path::Path;

    /// The first-level ids of built-in knowledge: a string literal `AREA.…` anywhere in the
    /// code is an id.
    const AREAS: &[&str] = &[
        "admin", "client", "git", "mongosh", "mysql", "patch", "path", "program", "psql", "redis",
        "secret", "shell", "sql", "sqlcmd", "sqlite", "sqlplus",
    ];

    /// The string literals of Rust source (comments skipped), with their byte offsets.
    fn literals(src: &str) -> Vec<(usize, String)> {
        let b = src.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'/' if b.get(i + 1) == Some(&b'/') => {
                    while i < b.len() && b[i] != b'\n' {
                        i += 1;
                    }
                }
                b'\'' if b.get(i + 2) == Some(&b'\'') || b.get(i + 1) == Some(&b'\\') => {
                    // A char literal (`'"'`, `'\\'`): skip to its closing quote.
                    i += 2;
                    while i < b.len() && b[i] != b'\'' {
                        i += 1;
                    }
                    i += 1;
                }
                b'r' if b.get(i + 1) == Some(&b'#') && b.get(i + 2) == Some(&b'"') => {
                    let end = src[i + 3..].find("\"#").map_or(b.len(), |e| i + 3 + e);
                    out.push((i, src[i + 3..end].to_string()));
                    i = end + 2;
                }
                b'"' => {
                    let start = i;
                    let mut text = String::new();
                    i += 1;
                    while i < b.len() && b[i] != b'"' {
                        if b[i] == b'\\' {
                            i += 1;
                        }
                        if let Some(c) = src[i..].chars().next() {
                            text.push(c);
                            i += c.len_utf8();
                        }
                    }
                    out.push((start, text));
                    i += 1;
                }
                _ => i += 1,
            }
        }
        out
    }

    /// A literal as an id: `format!` placeholders become the family's `*`.
    fn as_id(text: &str) -> String {
        let mut id = String::new();
        let mut depth = 0;
        for c in text.chars() {
            match c {
                '{' => {
                    if depth == 0 {
                        id.push('*');
                    }
                    depth += 1;
                }
                '}' => depth -= 1,
                _ if depth == 0 => id.push(c),
                _ => {}
            }
        }
        id
    }

    fn is_area_id(text: &str) -> bool {
        text.split_once('.').is_some_and(|(area, rest)| {
            AREAS.contains(&area)
                && !rest.is_empty()
                && text
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-{}".contains(c))
        })
    }

    /// What the call starting at `rest` (after `.ask(` and the like) decides, and where its
    /// id argument starts.
    fn call_site(method: &str, rest: &str) -> Option<(Decision, usize)> {
        let skip = |s: &str, n: usize| -> Option<usize> {
            // Offset after the `n`-th top-level comma.
            let mut seen = 0;
            for (i, c) in s.char_indices() {
                if c == ',' {
                    seen += 1;
                    if seen == n {
                        return Some(i + 1);
                    }
                }
                if c == '(' || c == ')' || c == '"' {
                    return None;
                }
            }
            None
        };
        match method {
            "ask" => Some((Ask, 0)),
            "read_only" => Some((Allow, 0)),
            "deny" => Some((Deny, skip(rest, 1)?)),
            _ => {
                let d = rest.trim_start().strip_prefix("Decision::")?;
                let decision = match d.split(|c: char| !c.is_alphanumeric()).next()? {
                    "Allow" => Allow,
                    "Ask" => Ask,
                    "Deny" => Deny,
                    _ => return None,
                };
                Some((decision, skip(rest, 2)?))
            }
        }
    }

    /// Every id the crate's code can emit (literals, families), and the decision of every call
    /// site whose id is written in the call.
    fn emitted() -> (BTreeSet<String>, Vec<(String, Decision)>) {
        let mut ids = BTreeSet::new();
        let mut sites = Vec::new();
        let mut dirs = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("the crate's src/ is readable") {
                let path = entry.expect("a directory entry").path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                if path.extension().is_none_or(|e| e != "rs") || path.ends_with("catalogue.rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).expect("source is UTF-8");
                // Unit tests name ids they expect (`sql.delete`), not ids the code emits.
                let code = text
                    .split("#[cfg(test)]\nmod tests")
                    .next()
                    .unwrap_or_default();
                let lits = literals(code);
                for (_, lit) in &lits {
                    if is_area_id(lit) {
                        ids.insert(as_id(lit));
                    }
                }
                for (at, lit) in &lits {
                    let before = code[..*at].trim_end();
                    if before.ends_with("id:") && !lit.is_empty() {
                        ids.insert(as_id(lit));
                    }
                }
                for method in ["ask", "deny", "concern", "read_only"] {
                    let pat = format!(".{method}(");
                    for (at, _) in code.match_indices(&pat) {
                        let rest = &code[at + pat.len()..];
                        let Some((decision, arg)) = call_site(method, rest) else {
                            continue;
                        };
                        let arg = rest[arg..].trim_start().trim_start_matches('&');
                        let arg = arg.strip_prefix("format!(").unwrap_or(arg).trim_start();
                        let Some(body) = arg.strip_prefix('"') else {
                            continue;
                        };
                        let id = as_id(body.split('"').next().unwrap_or_default());
                        ids.insert(id.clone());
                        sites.push((id, decision));
                    }
                }
            }
        }
        (ids, sites)
    }

    #[test]
    fn every_emitted_id_is_listed_and_every_listed_id_is_emitted() {
        let (ids, sites) = emitted();
        assert!(ids.len() > 250, "the scan found only {} ids", ids.len());
        let listed: BTreeSet<String> = builtin_rules().iter().map(|r| r.id.to_string()).collect();
        let unlisted: Vec<&String> = ids.difference(&listed).collect();
        assert!(
            unlisted.is_empty(),
            "ids emitted but not in the catalogue (add them to RULES): {unlisted:?}"
        );
        let unused: Vec<&String> = listed.difference(&ids).collect();
        assert!(
            unused.is_empty(),
            "ids in the catalogue that no code emits: {unused:?}"
        );
        let mut wrong: Vec<String> = sites
            .into_iter()
            .filter(|(id, d)| {
                !builtin_rules()
                    .iter()
                    .any(|r| r.id == id && r.decisions.contains(d))
            })
            .map(|(id, d)| format!("{id} {d}"))
            .collect();
        wrong.dedup();
        assert!(
            wrong.is_empty(),
            "emitted with a decision their catalogue entry does not list: {wrong:?}"
        );
    }

    #[test]
    fn the_scan_sees_multi_line_calls_and_families() {
        let src = "a.deny(\n  Risk::High,\n  \"shell.x\",\n  why);\n\
                   a.concern(Decision::Ask, r, format!(\"git.{sub}\"), w); // \"sql.comment\"\n\
                   let c = '\"'; a.read_only(\"sql.y\", \"r\");";
        let lits: Vec<String> = literals(src).into_iter().map(|(_, l)| as_id(&l)).collect();
        assert!(lits.contains(&"git.*".to_string()));
        assert!(!lits.contains(&"sql.comment".to_string()));
        assert!(lits.contains(&"sql.y".to_string()));
        let at = src.find(".deny(").unwrap_or(0) + ".deny(".len();
        assert_eq!(call_site("deny", &src[at..]).map(|(d, _)| d), Some(Deny));
    }

    #[test]
    fn examples_produce_their_rule() {
        let policy = Policy::builtin();
        for rule in builtin_rules() {
            for ex in rule.examples {
                let argv = vec!["bash".into(), "-lc".into(), ex.to_string()];
                let v = policy.evaluate(&Action::exec(argv, None));
                let hit = v.explanation.iter().find(|j| rule.covers(&j.id));
                assert!(
                    hit.is_some_and(|j| rule.decisions.contains(&j.decision)),
                    "example `{ex}` of `{}` gave {:?}",
                    rule.id,
                    v.explanation
                );
            }
        }
    }

    #[test]
    fn lookup_prefers_exact_ids_then_the_most_specific_family() {
        assert_eq!(
            builtin_rule("git.push-force").map(|r| r.id),
            Some("git.push-force")
        );
        assert_eq!(builtin_rule("git.log").map(|r| r.id), Some("git.*"));
        assert_eq!(
            builtin_rule("sql.function.nextval").map(|r| r.id),
            Some("sql.function.*")
        );
        assert_eq!(
            builtin_rule("program.sort").map(|r| r.id),
            Some("program.sort")
        );
        assert_eq!(builtin_rule("shell.nope"), None);
        assert!(builtin_rules().windows(2).all(|w| w[0].id < w[1].id));
    }
}
