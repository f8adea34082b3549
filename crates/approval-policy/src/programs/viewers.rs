//! Programs that search, query or page through what they are given (ripgrep, jq, yq, bat,
//! less, locate) and show processes (ps, top). Until these had tables they were allowed with
//! any option, and some options write (`less -O LOG`), run programs (`rg --pre`, `bat
//! --pager`), read other files (`jq --rawfile`, `locate -d`) or print the environment of other
//! processes (BSD `ps e`). Now every option must be known; tables are facts from each
//! program's `--help` and parser on Debian 12 (ripgrep, bat and yq parse exact long names;
//! less, locate and top use getopt-style parsing).

use super::getopt::{self, flag, value, Effect, Spec, Syntax, EXACT, GNU};
use super::table::{self, Operands, Program};
use crate::assess::Assessment;
use crate::shell::{Cmd, Ctx};

/// Exact long names, options anywhere among the operands (clap and lexopt parsers).
const EXACT_PERMUTE: Syntax = Syntax {
    permute: true,
    ..EXACT
};

pub(super) const PROGRAMS: &[Program] = &[
    Program {
        names: &["rg", "ripgrep"],
        id: "program.rg",
        does: "searches files",
        syntax: EXACT_PERMUTE,
        opts: &[
            value("e|regexp"),
            value("f|file").does(Effect::ReadsFile),
            value("g|glob"),
            value("iglob"),
            value("t|type"),
            value("T|type-not"),
            value("A|after-context"),
            value("B|before-context"),
            value("C|context"),
            value("m|max-count"),
            value("d|max-depth"),
            value("max-filesize"),
            value("j|threads"),
            value("E|encoding"),
            value("r|replace"),
            value("color"),
            value("colors"),
            value("sort"),
            value("sortr"),
            value("path-separator"),
            value("type-add"),
            value("M|max-columns"),
            value("engine"),
            value("pre").does(Effect::RunsCode),
            value("pre-glob"),
            value("hostname-bin").does(Effect::RunsCode),
            flag("z|search-zip").does(Effect::RunsCode),
            flag("i|ignore-case"),
            flag("S|smart-case"),
            flag("s|case-sensitive"),
            flag("w|word-regexp"),
            flag("x|line-regexp"),
            flag("v|invert-match"),
            flag("F|fixed-strings"),
            flag("c|count"),
            flag("count-matches"),
            flag("l|files-with-matches"),
            flag("files-without-match"),
            flag("files"),
            flag("o|only-matching"),
            flag("n|line-number"),
            flag("N|no-line-number"),
            flag("H|with-filename"),
            flag("I|no-filename"),
            flag("column"),
            flag("no-column"),
            flag("heading"),
            flag("no-heading"),
            flag("vimgrep"),
            flag("json"),
            flag("p|pretty"),
            flag("q|quiet"),
            flag("0|null"),
            flag("a|text"),
            flag("b|byte-offset"),
            flag("L|follow"),
            flag("hidden"),
            flag("no-ignore"),
            flag("no-ignore-vcs"),
            flag("no-ignore-dot"),
            flag("no-ignore-parent"),
            flag("u|unrestricted"),
            flag("P|pcre2"),
            flag("U|multiline"),
            flag("multiline-dotall"),
            flag("trim"),
            flag("stats"),
            flag("type-list"),
            flag("no-messages"),
            flag("no-config"),
            flag("one-file-system"),
            flag("crlf"),
            flag("debug"),
            flag("trace"),
            flag("h|help"),
            flag("V|version"),
        ],
        operands: Operands::Read,
    },
    Program {
        names: &["yq"],
        id: "program.yq",
        does: "queries YAML",
        syntax: EXACT_PERMUTE,
        opts: &[
            flag("i|inplace").does(Effect::Changes),
            value("s|split-exp").does(Effect::Changes),
            value("o|output-format"),
            value("p|input-format"),
            value("I|indent"),
            flag("r|unwrapExpression"),
            flag("P|prettyPrint"),
            flag("e|exit-status"),
            flag("n|null-input"),
            flag("C|colors"),
            flag("M|no-colors"),
            flag("N|no-doc"),
            flag("0|nul-output"),
            value("from-file").does(Effect::ReadsFile),
            flag("h|help"),
            flag("V|version"),
        ],
        operands: Operands::Read,
    },
    Program {
        names: &["bat", "batcat"],
        id: "program.bat",
        does: "prints files",
        syntax: EXACT_PERMUTE,
        opts: &[
            flag("p|plain"),
            flag("n|number"),
            flag("A|show-all"),
            flag("d|diff"),
            value("l|language"),
            value("r|line-range"),
            value("H|highlight-line"),
            value("style"),
            value("color"),
            value("theme"),
            value("paging"),
            value("wrap"),
            value("tabs"),
            value("terminal-width"),
            value("decorations"),
            value("file-name"),
            value("pager").does(Effect::RunsCode),
            flag("list-languages"),
            flag("list-themes"),
            flag("h|help"),
            flag("V|version"),
        ],
        operands: Operands::Read,
    },
    Program {
        names: &["locate", "plocate", "mlocate"],
        id: "program.locate",
        does: "looks up file names",
        syntax: GNU,
        opts: &[
            flag("i|ignore-case"),
            flag("c|count"),
            value("l|n|limit"),
            flag("b|basename"),
            flag("w|wholename"),
            flag("e|existing"),
            flag("r|regex"),
            flag("regextype"),
            flag("0|null"),
            flag("S|statistics"),
            flag("q|quiet"),
            value("d|database").does(Effect::ReadsFile),
            flag("h|help"),
            flag("V|version"),
        ],
        operands: Operands::Read,
    },
    Program {
        names: &["top"],
        id: "program.top",
        does: "shows processes",
        syntax: GNU,
        opts: &[
            flag("b|batch"),
            value("n|iterations"),
            value("d|delay"),
            value("p|pid"),
            value("u|U|user"),
            flag("c|cmdline-toggle"),
            flag("H|threads-show"),
            flag("i|idle-toggle"),
            value("o|sort-override"),
            value("w|width"),
            value("e|scale-task-mem"),
            value("E|scale-summary-mem"),
            flag("1|single-cpu-toggle"),
            flag("S|accum-time-toggle"),
            flag("s|secure-mode"),
            flag("h|help"),
            flag("v|version"),
        ],
        operands: Operands::Read,
    },
];

/// jq's one-value options (its two-value ones are read by [`jq`] first).
const JQ: &[getopt::Opt] = &[
    flag("n|null-input"),
    flag("r|raw-output"),
    flag("j|join-output"),
    flag("a|ascii-output"),
    flag("c|compact-output"),
    flag("C|color-output"),
    flag("M|monochrome-output"),
    flag("S|sort-keys"),
    flag("e|exit-status"),
    flag("s|slurp"),
    flag("R|raw-input"),
    flag("tab"),
    value("indent"),
    flag("seq"),
    flag("stream"),
    flag("raw-output0"),
    value("f|from-file").does(Effect::ReadsFile),
    value("L").does(Effect::ReadsFile),
    flag("h|help"),
    flag("V|version"),
];

/// Judge `jq`: `--arg NAME VALUE` and `--argjson NAME JSON` bind values (harmless);
/// `--rawfile NAME FILE` and `--slurpfile NAME FILE` read a file (a secret asks); the rest by
/// [`JQ`].
pub(super) fn jq(ctx: &mut Ctx, cmd: &Cmd, a: &mut Assessment) {
    let id = "program.jq";
    let argv = cmd.argv.get(1..).unwrap_or_default();
    let mut rest = Vec::with_capacity(argv.len());
    let mut i = 0;
    while i < argv.len() {
        let t = argv[i].text.as_str();
        match t {
            "--arg" | "--argjson" => i += 3,
            "--rawfile" | "--slurpfile" => {
                if let Some(file) = argv.get(i + 2) {
                    if file.dynamic || super::names_secret(&file.text) {
                        a.concern(
                            crate::decision::Decision::Ask,
                            crate::decision::Risk::High,
                            "path.secret",
                            format!("`jq {t}` reads `{}`, a secret or unknown file", file.text),
                        );
                    }
                }
                i += 3;
            }
            "--" => {
                rest.extend(argv[i..].iter().cloned());
                break;
            }
            _ => {
                rest.push(argv[i].clone());
                i += 1;
            }
        }
    }
    let spec = Spec {
        program: "jq",
        syntax: EXACT_PERMUTE,
        opts: JQ,
    };
    let parsed = getopt::parse(&spec, &rest);
    table::judge_options(ctx, a, id, "jq", &parsed);
    if let Some(secret) = parsed.operands().find(|o| super::names_secret(&o.text)) {
        a.concern(
            crate::decision::Decision::Ask,
            crate::decision::Risk::High,
            "path.secret",
            format!("`jq` reads `{}`, a secret or credentials file", secret.text),
        );
    }
    a.read_only(id, "queries JSON");
}

/// less and more: options from a table, and `+COMMAND` operands (initial commands, which may
/// be `!` shell escapes or writes) ask.
const PAGER: &[getopt::Opt] = &[
    flag("N|LINE-NUMBERS"),
    flag("n|line-numbers"),
    flag("S|chop-long-lines"),
    flag("R|RAW-CONTROL-CHARS"),
    flag("r|raw-control-chars"),
    flag("i|ignore-case"),
    flag("I|IGNORE-CASE"),
    flag("F|quit-if-one-screen"),
    flag("X|no-init"),
    flag("M|LONG-PROMPT"),
    flag("m|long-prompt"),
    flag("s|squeeze-blank-lines"),
    flag("e|quit-at-eof"),
    flag("E|QUIT-AT-EOF"),
    flag("q|quiet|silent"),
    flag("Q|QUIET|SILENT"),
    flag("g|hilite-search"),
    flag("G|HILITE-SEARCH"),
    flag("w|hilite-unread"),
    flag("W|HILITE-UNREAD"),
    flag("a|search-skip-screen"),
    flag("c|clear-screen"),
    flag("J|status-column"),
    flag("K|quit-on-intr"),
    flag("u|underline-special"),
    flag("U|UNDERLINE-SPECIAL"),
    flag("f|force"),
    flag("d|dumb"),
    value("x|tabs"),
    value("z|window"),
    value("j|jump-target"),
    value("p|pattern"),
    value("y|max-forw-scroll"),
    value("h|max-back-scroll"),
    value("b|buffers"),
    value("P|prompt"),
    value("t|tag"),
    value("T|tag-file").does(Effect::ReadsFile),
    value("o|log-file").does(Effect::WritesFile),
    value("O|LOG-FILE").does(Effect::WritesFile),
    value("k|lesskey-file").does(Effect::RunsCode),
    flag("V|version"),
    flag("help"),
];

/// Judge `less`/`more`/`most`: options by [`PAGER`], `+COMMAND` operands ask.
pub(super) fn pager(ctx: &mut Ctx, cmd: &Cmd, name: &str, a: &mut Assessment) {
    let id = "program.pager";
    let spec = Spec {
        program: name,
        syntax: GNU,
        opts: PAGER,
    };
    let parsed = getopt::parse(&spec, cmd.argv.get(1..).unwrap_or_default());
    table::judge_options(ctx, a, id, name, &parsed);
    if let Some(plus) = parsed.operands().find(|o| o.text.starts_with('+')) {
        a.ask(
            id,
            format!(
                "`{}` gives `{name}` an initial command (it can run a shell or write a file)",
                plus.text
            ),
        );
    }
    a.read_only(id, "shows text");
}

/// Standard (`-e`, `-o FORMAT`) and BSD (`aux`, no dash) options of procps `ps`. BSD `e`
/// (and `eww`) prints every process's environment, which holds credentials.
pub(super) fn ps(cmd: &Cmd, a: &mut Assessment) {
    const FLAGS: &[&str] = &[
        "-e",
        "-A",
        "-a",
        "-d",
        "-N",
        "-f",
        "-F",
        "-l",
        "-j",
        "-y",
        "-H",
        "-w",
        "-ww",
        "-L",
        "-T",
        "-m",
        "-M",
        "-Z",
        "-c",
        "-x",
        "-r",
        "--forest",
        "--no-headers",
        "--headers",
        "--help",
        "-V",
        "--version",
        "-ef",
        "-eF",
        "-ely",
        "-ejH",
        "-eLf",
        "-aux",
        "-efww",
        "-efH",
        "-elf",
    ];
    const VALUES: &[&str] = &[
        "-o",
        "-O",
        "-p",
        "-u",
        "-U",
        "-g",
        "-G",
        "-t",
        "-C",
        "-q",
        "--sort",
        "--pid",
        "--ppid",
        "--user",
        "--format",
        "--cols",
        "--columns",
        "--width",
        "--lines",
        "--rows",
        "-s",
    ];
    // BSD letters that only select or format (no `e`: environment).
    const BSD: &str = "auxfwlrjsvTnhcmSLHZgkOopqUtrxXy";
    let id = "program.ps";
    let mut args = cmd.argv.iter().skip(1);
    while let Some(arg) = args.next() {
        let t = arg.text.as_str();
        let glued_value = VALUES
            .iter()
            .any(|v| !v.starts_with("--") && t.starts_with(v) && t.len() > v.len())
            || (t.starts_with("--") && VALUES.iter().any(|v| t.starts_with(&format!("{v}="))));
        if arg.dynamic {
            a.ask(id, format!("`{t}` has no known value"));
        } else if VALUES.contains(&t) {
            let _ = args.next();
        } else if glued_value || FLAGS.contains(&t) {
            // `-oPID,ARGS` / `--sort=pid` with the value glued on, or a known flag
        } else if t.starts_with('-') {
            a.ask(
                id,
                format!("option `{t}` of `ps` is not known to be harmless"),
            );
        } else if t.contains('e') {
            a.concern(
                crate::decision::Decision::Ask,
                crate::decision::Risk::High,
                "secret.environment",
                format!("`ps {t}`: BSD `e` prints the environment of every process"),
            );
        } else if !t.chars().all(|c| BSD.contains(c)) {
            a.ask(id, format!("`{t}` is not a known `ps` option"));
        }
    }
    a.read_only(id, "shows processes");
}

/// find's primaries that take the next word as their value; all only test or format.
pub(super) const FIND_VALUES: &[&str] = &[
    "-name",
    "-iname",
    "-path",
    "-ipath",
    "-wholename",
    "-iwholename",
    "-regex",
    "-iregex",
    "-regextype",
    "-type",
    "-xtype",
    "-maxdepth",
    "-mindepth",
    "-newer",
    "-anewer",
    "-cnewer",
    "-newermt",
    "-newerct",
    "-newerat",
    "-newerBt",
    "-mtime",
    "-mmin",
    "-atime",
    "-amin",
    "-ctime",
    "-cmin",
    "-size",
    "-user",
    "-group",
    "-uid",
    "-gid",
    "-perm",
    "-links",
    "-inum",
    "-samefile",
    "-lname",
    "-ilname",
    "-fstype",
    "-used",
    "-printf",
    "-context",
    "-D",
];

/// find's primaries without a value known to only test or print (`-delete`, `-exec…` and
/// `-fprint…` are judged by the caller). Any other word starting with `-` asks.
pub(super) const FIND_FLAGS: &[&str] = &[
    "-depth",
    "-d",
    "-mount",
    "-xdev",
    "-follow",
    "-L",
    "-H",
    "-P",
    "-empty",
    "-nouser",
    "-nogroup",
    "-readable",
    "-writable",
    "-executable",
    "-daystart",
    "-ignore_readdir_race",
    "-noleaf",
    "-print",
    "-print0",
    "-ls",
    "-prune",
    "-quit",
    "-true",
    "-false",
    "-not",
    "-a",
    "-and",
    "-o",
    "-or",
    "-help",
    "--help",
    "-version",
    "--version",
    "-O0",
    "-O1",
    "-O2",
    "-O3",
];
