//! clickhouse-client and clickhouse-local (also as `clickhouse client|local`): `-q`/`--query`
//! texts, `--queries-file`, SQL operands, else standard input.
//!
//! The clients read options with boost `program_options`, which takes unambiguous prefixes of
//! long options: `--pag=` is `--pager`, which runs a program. Any ClickHouse setting may be
//! passed as an option (`--readonly=0`); only the settings on this table are known.
//! `--param_NAME=VALUE` binds a typed query parameter and is harmless.

use super::{push_sql, Client, Input, Source};
use crate::assess::Assessment;
use crate::decision::{Decision, Risk};
use crate::programs::getopt::{self, flag, value, Effect, Spec, GNU};
use crate::programs::table::judge_options;
use crate::shell::{Arg, Cmd, Ctx};
use crate::sql::Dialect;

/// The ClickHouse clients.
pub(super) struct ClickHouse;

/// clickhouse-client and clickhouse-local options.
const OPTIONS: &[getopt::Opt] = &[
    value("q|query"),
    value("queries-file"),
    value("d|database"),
    value("h|host"),
    value("port"),
    value("u|user"),
    value("password"),
    flag("ask-password"),
    value("f|format|output-format"),
    value("input-format"),
    flag("E|vertical"),
    flag("m|multiline"),
    flag("n|multiquery"),
    flag("t|time"),
    flag("stacktrace"),
    flag("s|secure"),
    flag("progress"),
    flag("echo"),
    flag("highlight"),
    value("max_threads"),
    value("max_execution_time"),
    value("max_memory_usage"),
    value("max_result_rows"),
    value("max_result_bytes"),
    value("result_overflow_mode"),
    value("format_csv_delimiter"),
    value("output_format_pretty_max_rows"),
    value("connect_timeout"),
    value("receive_timeout"),
    value("send_timeout"),
    value("log-level"),
    value("logger.level"),
    flag("version"),
    flag("help"),
    value("S|structure"),
    value("N|table"),
    value("file").does(Effect::ReadsFile),
    value("C|config-file|config").does(Effect::RunsCode),
    value("pager").does(Effect::RunsCode),
    value("history_file").does(Effect::WritesFile),
    value("path").does(Effect::Changes),
    value("interactive").does(Effect::Changes),
];

const SPEC: Spec<'static> = Spec {
    program: "clickhouse-client",
    syntax: GNU,
    opts: OPTIONS,
};

impl Client for ClickHouse {
    fn names(&self) -> &'static [&'static str] {
        &["clickhouse-client", "clickhouse-local", "clickhouse"]
    }

    fn sources(&self, ctx: &mut Ctx, cmd: &Cmd, a: &mut Assessment) -> Option<Input> {
        let mut args: &[Arg] = cmd.argv.get(1..).unwrap_or_default();
        if cmd
            .argv
            .first()
            .is_some_and(|p| p.text.rsplit('/').next() == Some("clickhouse"))
        {
            let sub = args.first().map(|x| x.text.as_str()).unwrap_or("");
            if matches!(sub, "client" | "local") {
                args = &args[1..];
            } else if matches!(sub, "format" | "--version" | "version") {
                a.read_only("client.clickhouse", "formats or prints the version");
                return None;
            } else {
                a.concern(
                    Decision::Ask,
                    Risk::High,
                    "client.clickhouse",
                    format!("`clickhouse {sub}` is not known"),
                );
                return None;
            }
        }
        // Typed query parameters are harmless; every other option goes through the table.
        let args: Vec<Arg> = args
            .iter()
            .filter(|x| !x.text.starts_with("--param_") || x.dynamic)
            .cloned()
            .collect();
        let parsed = getopt::parse(&SPEC, &args);
        judge_options(
            ctx,
            a,
            "client.clickhouse-option",
            "clickhouse-client",
            &parsed,
        );
        let mut sources = Vec::new();
        for f in parsed.options() {
            match &f.value {
                Some(v) if f.opt.is("query") => sources.push(Source::Text(v.clone())),
                Some(v) if f.opt.is("queries-file") => sources.push(Source::File(v.clone())),
                _ => {}
            }
        }
        sources.extend(parsed.operands().cloned().map(Source::Text));
        // With a query, standard input is the data of an INSERT, judged with the query.
        if sources.is_empty() {
            sources.push(Source::Stdin);
        }
        Some(Input::with(sources))
    }

    fn judge_text(&self, ctx: &mut Ctx, _input: &Input, text: &str) {
        push_sql(ctx, Dialect::ClickHouse, text);
    }
}
