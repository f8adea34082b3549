//! GNU tar (1.34, argp over `getopt_long`: long options abbreviate). Listing (`-t`) and
//! comparing (`-d`) read; creating, extracting and updating change files; options that run
//! programs (`--use-compress-program`, `--to-command`, `--checkpoint-action`, `--info-script`,
//! `--rsh-command`) are never allowed. The first argument without a dash is the old style
//! cluster (`tar tvf x.tar`). Every other option is unknown and asks.

use super::getopt::{self, flag, value, Effect, Opt, Spec, GNU};
use super::table;
use crate::assess::Assessment;
use crate::decision::Risk;
use crate::shell::{Arg, Cmd, Ctx};

const OPTS: [Opt; 52] = [
    flag("t|list"),
    flag("d|diff|compare"),
    flag("x|extract|get").does(Effect::Changes),
    flag("c|create").does(Effect::Changes),
    flag("r|append").does(Effect::Changes),
    flag("u|update").does(Effect::Changes),
    flag("A|catenate|concatenate").does(Effect::Changes),
    flag("delete").does(Effect::Changes),
    value("f|file"),
    flag("v|verbose"),
    flag("z|gzip|gunzip|ungzip"),
    flag("j|bzip2"),
    flag("J|xz"),
    flag("Z|compress|uncompress"),
    flag("zstd"),
    flag("lzma"),
    flag("lzip"),
    flag("lzop"),
    flag("a|auto-compress"),
    flag("O|to-stdout"),
    flag("wildcards"),
    flag("no-wildcards"),
    flag("anchored"),
    flag("no-anchored"),
    flag("ignore-case"),
    value("exclude"),
    value("X|exclude-from").does(Effect::ReadsFile),
    value("T|files-from").does(Effect::ReadsFile),
    value("C|directory"),
    flag("numeric-owner"),
    flag("full-time"),
    flag("utc"),
    value("quoting-style"),
    flag("show-transformed-names"),
    flag("null"),
    value("strip-components"),
    value("occurrence"),
    flag("i|ignore-zeros"),
    flag("B|read-full-records"),
    value("b|blocking-factor"),
    flag("force-local"),
    flag("w|interactive|confirmation"),
    flag("totals"),
    flag("help"),
    flag("version"),
    value("I|use-compress-program").does(Effect::RunsCode),
    value("to-command").does(Effect::RunsCode),
    value("checkpoint-action").does(Effect::RunsCode),
    value("F|info-script|new-volume-script").does(Effect::RunsCode),
    value("rsh-command").does(Effect::RunsCode),
    value("rmt-command").does(Effect::RunsCode),
    flag("R|block-number"),
];

/// Judge a `tar` command.
pub(super) fn tar(ctx: &mut Ctx, cmd: &Cmd, name: &str, a: &mut Assessment) {
    let mut args: Vec<Arg> = cmd.argv.get(1..).unwrap_or_default().to_vec();
    if let Some(first) = args.first_mut() {
        if !first.text.starts_with('-') && !first.dynamic {
            first.text.insert(0, '-');
        }
    }
    let spec = Spec {
        program: name,
        syntax: GNU,
        opts: &OPTS,
    };
    let parsed = getopt::parse(&spec, &args);
    table::judge_options(ctx, a, "program.tar", name, &parsed);
    if parsed.effects().any(|f| f.opt.effect == Effect::RunsCode) {
        a.deny(Risk::High, "program.tar-exec", "runs a program");
    }
    if parsed.has("list") || parsed.has("diff") || parsed.has("help") || parsed.has("version") {
        a.read_only("program.tar", "lists an archive");
    } else {
        a.ask("program.tar", "no read-only mode (`-t`) given");
    }
}
