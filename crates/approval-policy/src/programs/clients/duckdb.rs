//! duckdb: the sqlite3 shell with DuckDB's SQL, plus `-c`/`-s` (run one text and exit) and
//! the switches that open the UI or an unsigned-extension loader (asked).

use super::sqlite3::{dot_text, shell_sources, SHELL_SYNTAX};
use super::{Client, Input};
use crate::assess::Assessment;
use crate::programs::getopt::{self, flag, value, Effect, Spec};
use crate::programs::table::judge_options;
use crate::shell::{Cmd, Ctx};
use crate::sql::Dialect;

/// The duckdb shell.
pub(super) struct Duckdb;

/// DuckDB 1.x shell options.
const OPTIONS: &[getopt::Opt] = &[
    flag("append").does(Effect::Changes),
    flag("ascii"),
    flag("bail"),
    flag("batch"),
    flag("box"),
    value("c"),
    value("s"),
    value("cmd"),
    flag("column"),
    flag("csv"),
    flag("echo"),
    flag("header"),
    flag("noheader"),
    flag("help"),
    flag("html"),
    value("init"),
    flag("interactive"),
    flag("json"),
    flag("line"),
    flag("list"),
    flag("markdown"),
    value("newline"),
    flag("no-stdin"),
    value("nullvalue"),
    flag("quote"),
    flag("readonly"),
    flag("safe"),
    value("separator"),
    flag("stats"),
    flag("table"),
    flag("version"),
    flag("ui").does(Effect::RunsCode),
    flag("unsigned").does(Effect::RunsCode),
    value("storage-version"),
];

const SPEC: Spec<'static> = Spec {
    program: "duckdb",
    syntax: SHELL_SYNTAX,
    opts: OPTIONS,
};

impl Client for Duckdb {
    fn names(&self) -> &'static [&'static str] {
        &["duckdb"]
    }

    fn sources(&self, ctx: &mut Ctx, cmd: &Cmd, a: &mut Assessment) -> Option<Input> {
        let parsed = getopt::parse(&SPEC, cmd.argv.get(1..).unwrap_or_default());
        judge_options(ctx, a, "client.duckdb-option", "duckdb", &parsed);
        shell_sources(&parsed, true)
    }

    fn judge_text(&self, ctx: &mut Ctx, _input: &Input, text: &str) {
        dot_text(ctx, Dialect::DuckDb, "duckdb", text);
    }
}
