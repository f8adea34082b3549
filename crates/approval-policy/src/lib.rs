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
//! # The tour
//! - [`Action`]: a command (`argv` as Codex sends it, plus `cwd`) or a patch ([`FileChange`]s,
//!   from `apply_patch` text or Codex's `file_changes` map via [`Action::from_json`]).
//! - [`Policy`]: the built-in knowledge plus rules from TOML files ([`Policy::with_file`]).
//!   [`Policy::evaluate`] returns a [`Verdict`]: a [`Decision`] (`allow < ask < deny`, the
//!   strictest part wins), a [`Risk`], and the explanation, one [`Finding`] per judged part
//!   (each simple command, SQL statement, written file), serializable to JSON.
//! - [`classify_sql`] / [`Policy::evaluate_sql`]: the SQL classifier on its own, with the
//!   engine's [`Dialect`].
//! - [`judge_read_only_query`]: the one judgement for tools that run SQL unattended (the MCP
//!   server's `execute_query`): exactly one statement, a query form ([`StatementForm`]), verdict
//!   `allow`, no executable comment or look-alike whitespace; [`QueryJudgement::refusals`] says
//!   why not.
//!
//! # The default policy
//! Fail closed: every part starts *unknown* (`ask`) and only a known read-only fact lowers it
//! to `allow`; any concern wins over that fact. In particular:
//! - **Shell** (`bash`/`sh`/`zsh` `-c`/`-lc`, parsed with brush-parser): every simple command in
//!   lists, pipelines, subshells, groups, `if`/`for`/`while`/`case`, functions, command and
//!   process substitutions, `eval`, nested shells (depth ≤ 12) is judged. Redirects that write
//!   a file ask (deny outside the workspace or into `.git/`, secrets, `.codex/`), except
//!   `/dev/null`. A program name computed at run time is denied; quote-split names are
//!   reassembled; unparsable scripts ask; data piped into a shell is denied.
//! - **Programs**: read-only tools are allowed unless a flag writes or runs code (`find
//!   -delete/-exec`, `sed -i`/`e`/`w`, `rg --pre`, `sort -o`, `uniq IN OUT`, `tee FILE`, `awk
//!   system()`, `git -c`, `git diff --output`, …). Wrappers (`sudo`, `env`, `timeout`, `nice`,
//!   `nohup`, `xargs`, `find -exec`, `watch`, …) are unwrapped and their command judged; `sudo`
//!   always asks. `rm`, `dd of=`, disk, power, account and service changes are denied.
//!   Interpreters with inline code or scripts ask. Package installs ask; queries are allowed.
//!   git reads are allowed, writes ask, history rewriting and force pushes are denied.
//!   Programs named by a path outside the system directories are never allowed. Any command
//!   that names a secret or credentials file (keys, `.env`, `.pgpass`, `~/.ssh`, `~/.aws`, …)
//!   as an argument or input redirect asks: what it prints would go to the model.
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
pub use decision::{Decision, Finding, Risk, Source, Verdict};
pub use error::{ActionError, PolicyError};
pub use policy::Policy;
pub use sql::{
    classify_sql, judge_read_only_query, Dialect, QueryJudgement, SqlClass, StatementForm,
};
