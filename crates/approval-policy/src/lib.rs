//! A rule engine that decides whether a shell command, an SQL statement or a file patch an
//! agent wants to run may run: `allow`, `ask` a human, or `deny`, with the reason.
//!
//! ```
//! use approval_policy::{Action, Decision, Policy};
//!
//! let policy = Policy::builtin();
//! let argv = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
//! let v = policy.evaluate(&Action::exec(argv(&["bash", "-lc", "ls -la && git status"]), None));
//! assert_eq!(v.decision, Decision::Allow);
//! let v = policy.evaluate(&Action::exec(argv(&["bash", "-lc", "ls && r''m -rf build"]), None));
//! assert_eq!(v.decision, Decision::Deny);
//! println!("{v}"); // which part decided, and why
//! let v = policy.evaluate(&Action::exec(argv(&["psql", "-c", "WITH d AS (DELETE FROM t RETURNING *) SELECT 1"]), None));
//! assert_eq!(v.decision, Decision::Deny);
//! ```
//!
//! # Where things live
//!
//! `policy.rs` (evaluation, rule files) · `decision.rs` (decisions, verdicts, judgements) ·
//! `action.rs` (what is judged) · `shell.rs` and `programs.rs` with `programs/` (command
//! lines, one file per family of programs) · `sql.rs` with `sql/` (statements, `dialect.rs`,
//! per-dialect function lists) · `patch.rs` (file patches) · `rule.rs`, `assess.rs`,
//! `redact.rs`, `error.rs`, `catalogue.rs` (every built-in rule id with its decisions and
//! reason: [`builtin_rules`], [`builtin_rule`]; a policy file's rules: [`Policy::file_rules`]).
//!
//! # The tour
//! - [`Action`]: a command (`argv` as Codex sends it, plus `cwd`) or a patch ([`FileChange`]s,
//!   from `apply_patch` text or Codex's `file_changes` map via [`Action::from_json`]).
//! - [`Policy`]: the built-in knowledge plus rules from TOML files ([`Policy::with_file`]).
//!   [`Policy::evaluate`] returns a [`Verdict`]: a [`Decision`] (`allow < ask < deny`, the
//!   strictest part wins), a [`Risk`], and the explanation, one [`Judgement`] per judged part
//!   (each simple command, SQL statement, written file), serializable to JSON.
//! - [`classify_sql`] / [`Policy::evaluate_sql`]: the SQL classifier on its own, with the
//!   engine's [`Dialect`].
//! - [`judge_read_only_query`]: the one judgement for tools that run SQL unattended (the MCP
//!   server's `execute_query`): exactly one statement, a query form ([`StatementForm`]), verdict
//!   `allow`, no executable comment or look-alike whitespace; [`QueryJudgement::refusals`] says
//!   why not.
//!
//! # The default policy: allow is proven, never presumed
//! Every part starts *unknown* (`ask`) and only a known read-only fact lowers it to `allow`;
//! any concern wins over that fact. The knowledge is a set of **allowlists**: a command is
//! allowed only when its program, its subcommand and *every* option it is given are written
//! down as known harmless, each read the way the program's own parser reads it. Anything
//! else asks, and the explanation names the unknown thing ("option `--comm` of `psql`
//! abbreviates `--command`", "`$DATABASE_URL` has no known value"). Dangerous known things
//! (`rm`, `git push --force`, `tar --use-compress-program`) are still denied.
//! - **Options**: one getopt-compatible parser reads every program's options from a
//!   declarative table (names, arity, effect): GNU long-option prefixes (an ambiguous one is
//!   unknown), clustered short options with glued values (`-ne`, `-enode_modules`),
//!   `--opt=value` and `--opt value`, `--` and permutation, per program (git's parse-options
//!   also negates with `--no-`; git's own options match exactly; tar's first argument
//!   without a dash is a cluster).
//! - **Program texts** (sed scripts, awk programs, every `-e`/`--expression`/`--source`) are
//!   parsed; only commands known to print are allowed (no `e`, `w`, `r` of a secret,
//!   `system`, pipes, `getline <`, `@f()`, `ENVIRON`). Inline interpreter code asks.
//! - **Shell**: a strict subset may be allowed: simple commands, pipelines, lists, quoting,
//!   here-documents and redirects to `/dev/null` or standard streams. Arithmetic on
//!   variables, `set -x`, `trap`, `hash`, `eval`, `source`, function and alias definitions,
//!   `shopt -s` and brace expansion past 64 words ask. A word whose value the script does
//!   not fix (`$VAR`, `${X}`) is unknown: as a program, a path or printed, it asks (the
//!   environment holds secrets). Everything is still walked, so a `rm` anywhere denies.
//! - **Environment**: only known-harmless variables may be set for a program (`LC_*`,
//!   `TZ`, `PG*` connection variables but `PGPASSWORD`, safe pagers, …); `RUSTC=`, `HOME=`,
//!   `KUBECONFIG=`, `GIT_*` and the next unknown one ask; `LD_PRELOAD` is denied.
//! - **Secrets**: dotenv files (not `.env.example`), `.envrc`, the credential files of
//!   cargo, npm, pip, docker, kube, aws, gcloud, azure, gh, netrc, pgpass, `my.cnf`, private
//!   keys (not `.pub`), `/proc/*/environ`, globs that can match one, history before HEAD,
//!   `git config` listings and commands that print credentials (`printenv`, `env`,
//!   `kubectl config view --raw`): a secret read is never `allow`.
//! - **Databases**: `psql`, `mysql`/`mariadb`, `sqlite3`, `duckdb`, `clickhouse-client`/`-local`,
//!   `sqlcmd`, `sqlplus`, `mongosh`, `redis-cli` (one file each behind one `Client` trait,
//!   `src/programs/clients/`) and admin tools: options read as the client reads them (GNU
//!   abbreviations: `psql --comm=` is `--command`), SQL from flags, here-documents and
//!   here-strings classified per statement in the order the client runs it; read-only client
//!   commands are an allowlist, escapes (`\!`, `system`, `.shell`, `!!`, `HOST`) are denied;
//!   interpolated variables (`psql -v`, `sqlcmd -v`) must be known harmless; script files and
//!   piped input ask.
//! - **SQL**: a statement is `allow` only when its form is a read (`SELECT`, `SHOW`,
//!   `DESCRIBE`, `EXPLAIN` that does not execute, read-only `PRAGMA` forms) *and* every
//!   function it calls is on its dialect's allowlist of built-ins with no side effects
//!   (`src/sql/functions/`, generated from the engines' catalogs and reviewed). Unknown,
//!   user-defined and extension functions ask ("function `purge_expired_sessions` is not a
//!   known read-only built-in"); `INSERT`/DDL ask; `UPDATE`/`DELETE`/`DROP`/`TRUNCATE`/
//!   `ALTER`/`GRANT`, `COPY … PROGRAM`, `SELECT … INTO`, `INTO OUTFILE`, `LOAD DATA`,
//!   extensions and known side-effecting functions (`pg_terminate_backend`, `nextval`,
//!   `dblink_exec`, `LOAD_FILE`, `url()`, …) are denied or ask. `EXPLAIN ANALYZE` in any
//!   spelling is judged as the statement it runs. Text the parser rejects never allows.
//! - **Patches**: edits inside the workspace are allowed; deletions, CI and tool configuration,
//!   migrations, lockfiles and large or binary content ask; paths outside the workspace,
//!   `.git/`, `.codex/` and secrets are denied.
//!
//! # Adding a program
//! A read-only program is one table entry in its family file under `src/programs/`
//! (`coreutils.rs`, `text.rs`, `system.rs`, …): its names, its rule id written literally
//! (`"program.sort"`, so `grep -r program.sort` finds it), what it does, its parser's
//! syntax and every option it has, each with its effect:
//!
//! ```text
//! Program {
//!     names: &["sort"],
//!     id: "program.sort",
//!     does: "sorts lines",
//!     syntax: GNU,                                   // getopt_long: prefixes, permutation
//!     opts: &[
//!         flag("r|reverse"),                         // harmless
//!         value("k|key"),                            // harmless, takes a value
//!         value("o|output").does(Effect::WritesFile), // the value is a write target
//!         value("compress-program").does(Effect::RunsCode),
//!     ],
//!     operands: Operands::Read,
//! },
//! ```
//!
//! Check the table against the real program (`sort --help`, and try an abbreviation for
//! real). A new family is a new file and one line in `programs/table.rs`. Programs whose
//! judgement needs more than a table (sed, awk, tar, git, the database clients) have their
//! own file with the same parser and the same option tables.
//!
//! # Policy files
//! TOML, one `[[rule]]` table per rule, added with [`Policy::with_file`] (several files
//! stack; rule ids must be unique):
//!
//! | key | meaning |
//! |---|---|
//! | `id` | unique name, shown in explanations and load errors |
//! | `decision` | `allow`, `ask` or `deny` |
//! | `priority` | integer, default 0: among matching rules the highest priority decides, then the strictest |
//! | `reason`, `risk` | shown in the explanation (`risk` defaults from the decision) |
//! | `loosen` | `true` lets the rule replace a *stricter* built-in verdict; without it a looser rule is ignored (and says so) |
//! | `match` | `program` (base name, or list), `argv_prefix`, `regex` (on the part's text), `sql_class` (`read`, `write`, `ddl`, `admin`, `transaction`, `session`, `unknown`), `sql_kind` (`select`, `insert`, `delete`, `drop`, …), `dialect`, `path_glob`; all given keys must match; command, SQL and path keys cannot be mixed |
//! | `examples_match`, `examples_not_match` | command lines (SQL text for SQL rules, paths for path rules) checked when the file loads: a failing example is [`PolicyError::Example`] |
//!
//! A rule applies to each judged part separately: a rule on `psql` judges the `psql` command
//! and its flags, while the SQL it carries is judged by SQL rules. Invalid TOML, regexes or
//! globs are typed [`PolicyError`]s naming the file line or the rule.
//!
//! ```
//! use approval_policy::{Action, Decision, Policy};
//! let policy = Policy::builtin().with_rules_str(r#"
//! [[rule]]
//! id = "allow-inserts-into-scratch"
//! decision = "allow"
//! loosen = true
//! reason = "scratch tables are disposable"
//! match = { sql_kind = "insert", regex = "scratch\\." }
//! examples_match = ["INSERT INTO scratch.t VALUES (1)"]
//! examples_not_match = ["INSERT INTO orders VALUES (1)"]
//! "#, "example.toml").unwrap();
//! let argv = vec!["psql".into(), "-c".into(), "INSERT INTO scratch.t VALUES (2)".into()];
//! assert_eq!(policy.evaluate(&Action::exec(argv, None)).decision, Decision::Allow);
//! ```
//!
//! # Cargo features
//! None. The crate depends on no async runtime and no Codex types.
#![deny(missing_docs)]

mod action;
mod assess;
mod catalogue;
mod decision;
mod error;
mod patch;
mod policy;
mod programs;
mod redact;
mod rule;
mod shell;
mod sql;

pub use action::{Action, FileChange};
pub use catalogue::{builtin_rule, builtin_rules, FileRule, RuleInfo};
pub use decision::{Decision, Judgement, Risk, Source, Verdict};
pub use error::{ActionError, PolicyError};
pub use policy::Policy;
pub use sql::{
    classify_sql, judge_read_only_query, Dialect, QueryJudgement, SqlClass, StatementForm,
};
