//! Built-in knowledge of programs: which are read-only, which flags make them write or run
//! code, which are wrappers around another command, shells, interpreters, package managers,
//! git, and the database clients (in `programs/clients.rs`).
//!
//! Every handler adds facts and concerns to the command's [`Assessment`]. A program not in
//! this table gets no read-only fact and therefore asks. A program named by a path is judged by
//! its base name (so `./rm` is `rm`), but only a path in a system directory may be *allowed*:
//! `./cat` or `/tmp/x/cat` could be anything.

mod archives;
mod awk;
mod clients;
mod coreutils;
mod environment;
mod getopt;
mod git;
mod packages;
mod sed;
mod system;
mod table;
mod text;
mod viewers;
mod wrappers;

pub(crate) use table::all as table_programs;

use crate::assess::{Assessment, Target};
use crate::decision::{Decision, Risk};
use crate::shell::{self, Arg, Cmd, Ctx, Stdin};

const TRUSTED_DIRS: [&str; 8] = [
    "/bin",
    "/usr/bin",
    "/usr/local/bin",
    "/sbin",
    "/usr/sbin",
    "/usr/local/sbin",
    "/opt/homebrew/bin",
    "/usr/lib/postgresql",
];

/// Programs that only read, whatever their flags (flags that write are checked elsewhere).
const READ_ONLY: [&str; 24] = [
    "echo",
    "printf",
    "test",
    "[",
    ":",
    "w",
    "expr",
    "factor",
    "bzcat",
    "xzcat",
    "wait",
    "type",
    "help",
    "look",
    "cal",
    "vmstat",
    "iostat",
    "lsof",
    "lsb_release",
    "sw_vers",
    "getconf",
    "pstree",
    "tput",
    "htop",
];

/// Programs that print names and metadata of the files they are given, never their content
/// (a glob that could match a secret file is harmless to them; a named secret still asks).
const NAMES_ONLY: [&str; 13] = [
    "ls", "dir", "vdir", "stat", "du", "realpath", "readlink", "basename", "dirname", "tree",
    "test", "[", "wc",
];

/// Shell builtins and keywords that change only the shell's own state.
const SHELL_STATE: [&str; 12] = [
    "cd", "pushd", "popd", "unset", "shift", "exit", "return", "break", "continue", "umask",
    "ulimit", "dirs",
];

/// `export`, `declare`, `local`, `readonly`, `typeset`: each assignment is judged (exported
/// with `export` or `-x`); the integer attribute makes later assignments arithmetic (which
/// evaluates array subscripts, `a[$(cmd)]`); printing every variable prints secrets.
fn declare(args: &[Arg], name: &str, a: &mut Assessment) {
    let flags: String = args
        .iter()
        .filter(|x| x.text.starts_with('-') || x.text.starts_with('+'))
        .map(|x| x.text[1..].to_string())
        .collect();
    let assignments: Vec<&Arg> = args
        .iter()
        .filter(|x| !x.text.starts_with('-') && !x.text.starts_with('+'))
        .collect();
    if assignments.is_empty() && name != "local" {
        a.concern(
            Decision::Ask,
            Risk::High,
            "secret.environment",
            format!("`{name}` without names prints variables, which hold credentials"),
        );
    }
    if flags.contains('i') || flags.contains('n') {
        a.ask(
            format!("program.{name}").as_str(),
            "integer and name-reference attributes evaluate values as code",
        );
    }
    if flags.contains('p') || flags.contains('f') {
        a.concern(
            Decision::Ask,
            Risk::High,
            "secret.environment",
            format!("`{name} -{}` prints definitions", flags),
        );
    }
    let exported = name == "export" || flags.contains('x');
    for x in assignments {
        let (n, v) = x.text.split_once('=').unwrap_or((x.text.as_str(), ""));
        if n.contains('[') {
            a.ask(
                format!("program.{name}").as_str(),
                format!("array subscript in `{n}` is evaluated as arithmetic"),
            );
        }
        if let Some((d, r, why)) = environment::assignment_concern(n, v, exported) {
            a.concern(d, r, "shell.env", why);
        }
    }
    a.read_only(format!("program.{name}"), "sets shell variables");
}

/// Builtins that assign or evaluate: `set` (tracing runs `PS4`; alone it prints every
/// variable), `hash` (rebinds command names), `let` (arithmetic), and `read`, `printf -v`,
/// `getopts`, `mapfile` (array subscripts in the names they assign are arithmetic).
fn shell_builtin(args: &[Arg], name: &str, a: &mut Assessment) {
    let id = format!("program.{name}");
    match name {
        "set" if args.is_empty() => {
            a.concern(
                Decision::Ask,
                Risk::High,
                "secret.environment",
                "`set` without arguments prints every variable, which hold credentials",
            );
        }
        "set" => {
            let texts: Vec<&str> = args.iter().map(|x| x.text.as_str()).collect();
            let tracing = texts.iter().any(|t| {
                (t.starts_with('-') || t.starts_with('+'))
                    && !t.starts_with("--")
                    && (t.contains('x') || t.contains('v'))
            }) || texts
                .windows(2)
                .any(|w| matches!(w[0], "-o" | "+o") && matches!(w[1], "xtrace" | "verbose"));
            if tracing {
                a.ask(
                    &id,
                    "tracing expands `PS4` (which can run commands) on every command",
                );
            } else if texts.iter().any(|t| matches!(*t, "-o" | "+o")) && texts.len() == 1 {
                a.read_only(id.as_str(), "lists shell options");
            } else {
                a.read_only(id.as_str(), "changes shell options");
            }
        }
        "hash" => {
            a.ask(&id, "`hash` can bind a command name to another program");
        }
        "let" => {
            a.ask(
                &id,
                "`let` evaluates arithmetic, which evaluates array subscripts",
            );
        }
        _ => {
            let assigns = name != "printf" || args.first().is_some_and(|x| x.text == "-v");
            if assigns && args.iter().any(|x| x.text.contains('[')) {
                a.ask(
                    &id,
                    "an array subscript in an assigned name is evaluated as arithmetic",
                );
            }
            a.read_only(id.as_str(), "does not write or run anything");
        }
    }
}

/// Base name of a program, and whether it is named by a path outside the system directories.
fn resolve(program: &str) -> (String, bool) {
    match program.rfind('/') {
        None => (program.to_string(), false),
        Some(i) => {
            let dir = &program[..i];
            let base = program[i + 1..].to_string();
            let trusted = TRUSTED_DIRS
                .iter()
                .any(|t| dir == *t || (dir.starts_with(t) && *t == "/usr/lib/postgresql"));
            (base, !trusted)
        }
    }
}

/// Judge one simple command (and whatever it runs), pushing its units into `ctx`.
pub(crate) fn judge(ctx: &mut Ctx, cmd: Cmd, depth: usize) {
    if depth > shell::MAX_DEPTH {
        let mut a = Assessment::new(cmd.display());
        a.deny(Risk::High, "shell.depth", "nested too deeply to judge");
        ctx.push_other(a);
        return;
    }
    // Prefix assignments are exported to the command; alone they set shell variables.
    let exported = !cmd.argv.is_empty();
    for (name, value) in &cmd.env {
        let text = if value.dynamic { "$" } else { &value.text };
        if let Some((d, r, why)) = environment::assignment_concern(name, text, exported) {
            let mut a = Assessment::new(format!("{name}={}", shell::quote(&value.text)));
            a.concern(d, r, "shell.env", why);
            let finding = a.finish();
            // Wrappers pass their environment on: judge each assignment once.
            if !ctx.units.iter().any(|u| u.finding == finding) {
                ctx.units.push(crate::assess::Unit {
                    target: Target::Other,
                    finding,
                });
            }
        }
    }
    let Some(first) = cmd.argv.first() else {
        for (name, value) in &cmd.env {
            if !value.dynamic {
                ctx.known_vars.insert(name.clone());
            }
        }
        let mut a = Assessment::new(cmd.display());
        a.read_only("shell.assignment", "sets shell variables");
        ctx.push_other(a);
        return;
    };
    if first.dynamic {
        let mut a = Assessment::new(cmd.display());
        a.deny(
            Risk::High,
            "shell.dynamic-program",
            "program name is computed at run time",
        );
        ctx.push_other(a);
        return;
    }
    let (base, untrusted_path) = resolve(&first.text);
    if !first.text.contains('/') && ctx.functions.contains(&first.text) {
        let mut a = Assessment::new(cmd.display());
        a.read_only(
            "shell.function-call",
            "calls a function defined in the script (body judged)",
        );
        ctx.push_other(a);
        return;
    }
    let mut a = Assessment::new(cmd.display());
    // Reserve the command's place so it is listed before what it runs.
    let slot = ctx.units.len();
    ctx.units.push(crate::assess::Unit {
        target: Target::Other,
        finding: crate::decision::Judgement {
            decision: Decision::Deny,
            risk: Risk::High,
            source: crate::decision::Source::Builtin,
            id: String::new(),
            subject: String::new(),
            reason: String::new(),
        },
    });
    if base == "read" {
        // `read NAME…` sets names from its input, not from the environment.
        for x in cmd.argv.iter().skip(1).filter(|x| !x.text.starts_with('-')) {
            ctx.known_vars.insert(x.text.clone());
        }
    }
    let dynamic_ok = handle(ctx, &cmd, &base, &mut a, depth);
    let stdin_file = match &cmd.stdin {
        Stdin::File(path) => Some(path.as_str()),
        _ => None,
    };
    // Programs that show only names and metadata may run on a glob that could match a
    // secret file; the others would print it.
    let names_only = NAMES_ONLY.contains(&base.as_str());
    let secret = cmd
        .argv
        .iter()
        .skip(1)
        .map(|x| x.text.as_str())
        .chain(stdin_file)
        .find(|text| names_secret(text) || (!names_only && glob_names_secret(text)));
    if let Some(path) = secret {
        // Whatever the program, what it reads goes back to the model: a key or credentials
        // file is never read without a human saying so.
        a.concern(
            Decision::Ask,
            Risk::High,
            "path.secret",
            format!("names a secret or credentials file (`{path}`)"),
        );
    }
    // What a command prints goes back to the model, and the environment holds secrets: an
    // expansion whose value is not known is never allowed, whatever the program.
    let unknown = cmd
        .argv
        .iter()
        .skip(1)
        .filter(|x| x.dynamic)
        .find_map(|x| environment::unknown_expansion(&x.text, &ctx.known_vars));
    let heredoc_unknown = match &cmd.stdin {
        Stdin::Text {
            text,
            dynamic: true,
            ..
        } => environment::unknown_expansion(text, &ctx.known_vars),
        _ => None,
    };
    if let Some(e) = unknown.or(heredoc_unknown) {
        a.concern(
            Decision::Ask,
            Risk::High,
            "shell.unknown-value",
            format!("`{e}` has no known value"),
        );
    } else if !dynamic_ok && cmd.argv.iter().skip(1).any(|x| x.dynamic) {
        a.ask("shell.dynamic-arg", "an argument is computed at run time");
    }
    if untrusted_path {
        if a.has_concerns() {
            a.ask(
                "shell.path-program",
                format!("`{}` is not a system program", first.text),
            );
        } else {
            a.concern(
                Decision::Ask,
                Risk::Medium,
                "shell.path-program",
                format!(
                    "`{}` is named by a path outside the system directories",
                    first.text
                ),
            );
        }
    }
    let unit = crate::assess::Unit {
        target: Target::Command {
            program: base,
            argv: cmd.argv.into_iter().map(|x| x.text).collect(),
        },
        finding: a.finish(),
    };
    if let Some(place) = ctx.units.get_mut(slot) {
        *place = unit;
    }
}

/// Does an argument name a secret file (as a path, or as the value of `--opt=PATH`)?
pub(crate) fn names_secret(arg: &str) -> bool {
    let path = arg.split_once('=').map_or(arg, |(_, v)| v);
    // A script text (`bash -c '…'`) is not a path: its commands are judged one by one.
    if path.is_empty()
        || path.contains(char::is_whitespace)
        || (path.starts_with('-') && !path.contains('/'))
    {
        return false;
    }
    // Every secret name has a `.`, or `id_` / `credentials` in some case (see
    // `is_secret_path`): skip the split for the many arguments with none of them.
    let has_ci = |needle: &[u8]| {
        path.as_bytes()
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
    };
    if !path.contains('.')
        && !has_ci(b"id_")
        && !has_ci(b"credentials")
        && !has_ci(b"environ")
        && !has_ci(b"netrc")
    {
        return false;
    }
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    crate::patch::is_secret_path(&parts)
}

/// Does a word with glob or brace characters (`~/.p?pass`, `.[e]nv`, `.env*`, `{.env,x}`)
/// possibly name a secret file? Quoting is gone by now, so a quoted `*` counts too: the
/// answer errs towards asking.
fn glob_names_secret(arg: &str) -> bool {
    let path = arg.split_once('=').map_or(arg, |(_, v)| v);
    if !path.contains(['*', '?', '[', '{']) || path.contains(char::is_whitespace) {
        return false;
    }
    // Names of secret files and of the directories that hold them, to try each pattern on.
    const CANDIDATES: [&str; 26] = [
        ".env",
        ".env.local",
        ".envrc",
        "prod.env",
        ".pgpass",
        ".netrc",
        ".npmrc",
        ".pypirc",
        ".my.cnf",
        ".mylogin.cnf",
        "credentials",
        "credentials.toml",
        "credentials.json",
        ".git-credentials",
        "id_rsa",
        "id_ed25519",
        "id_ecdsa",
        "key.pem",
        "hosts.yml",
        "config.json",
        "environ",
        ".ssh",
        ".aws",
        ".kube",
        ".docker",
        ".gnupg",
    ];
    const DIRS: [&str; 5] = [".config", "gh", "gcloud", ".cargo", "proc"];
    for alternative in brace_alternatives(path) {
        let mut parts: Vec<String> = Vec::new();
        for part in alternative.split('/').filter(|p| !p.is_empty()) {
            if !part.contains(['*', '?', '[']) {
                parts.push(part.to_string());
                continue;
            }
            // bash reads a pattern it cannot parse as literal text.
            let Ok(glob) = globset::GlobBuilder::new(part)
                .literal_separator(true)
                .build()
            else {
                parts.push(part.to_string());
                continue;
            };
            let m = glob.compile_matcher();
            // A leading `.` is matched only by a pattern that starts with one (no `dotglob`,
            // which `shopt` asks about).
            let dot = part.starts_with('.');
            let found = CANDIDATES
                .iter()
                .chain(DIRS.iter())
                .filter(|c| dot || !c.starts_with('.'))
                .find(|c| m.is_match(c));
            match found {
                Some(c) => parts.push((*c).to_string()),
                None => parts.push(part.to_string()),
            }
        }
        let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
        if crate::patch::is_secret_path(&refs) {
            return true;
        }
    }
    false
}

/// The words brace expansion makes of `text` (at most 64; beyond that, the text itself).
fn brace_alternatives(text: &str) -> Vec<String> {
    let mut out = vec![text.to_string()];
    let mut i = 0;
    while i < out.len() && out.len() <= 64 {
        let w = out[i].clone();
        let Some(open) = w.find('{') else {
            i += 1;
            continue;
        };
        let Some(close) = w[open..].find('}').map(|c| c + open) else {
            i += 1;
            continue;
        };
        let body = &w[open + 1..close];
        if !body.contains(',') {
            i += 1;
            continue;
        }
        let expanded: Vec<String> = body
            .split(',')
            .map(|alt| format!("{}{alt}{}", &w[..open], &w[close + 1..]))
            .collect();
        out.splice(i..=i, expanded);
    }
    out
}

/// Flags: does any short-option cluster contain `c` (stopping at letters that take a value)?
pub(crate) fn has_short(args: &[Arg], c: char, takes_value: &str) -> bool {
    for a in args {
        let t = a.text.as_str();
        if t == "--" {
            break;
        }
        if t.starts_with('-') && !t.starts_with("--") && t.len() > 1 {
            for ch in t[1..].chars() {
                if ch == c {
                    return true;
                }
                if takes_value.contains(ch) {
                    break;
                }
            }
        }
    }
    false
}

/// Does any argument equal one of `names` or start with `name=`?
pub(crate) fn has_long(args: &[Arg], names: &[&str]) -> bool {
    args.iter().any(|a| {
        names.iter().any(|n| {
            a.text == *n
                || (n.starts_with("--")
                    && a.text.starts_with(n)
                    && a.text[n.len()..].starts_with('='))
        })
    })
}

/// The value of an option (`-o X`, `-oX`, `--output X`, `--output=X`), if present.
pub(crate) fn option_values(args: &[Arg], short: &[&str], long: &[&str]) -> Vec<Arg> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let t = &args[i].text;
        if t == "--" {
            break;
        }
        let mut matched = false;
        for s in short {
            if t == s {
                if let Some(v) = args.get(i + 1) {
                    out.push(v.clone());
                }
                i += 1;
                matched = true;
                break;
            } else if t.starts_with(s) && t.len() > s.len() && !t.starts_with("--") {
                out.push(Arg {
                    text: t[s.len()..].to_string(),
                    dynamic: args[i].dynamic,
                });
                matched = true;
                break;
            }
        }
        if !matched {
            for l in long {
                if t == l {
                    if let Some(v) = args.get(i + 1) {
                        out.push(v.clone());
                    }
                    i += 1;
                    break;
                } else if let Some(v) = t.strip_prefix(l).and_then(|r| r.strip_prefix('=')) {
                    out.push(Arg {
                        text: v.to_string(),
                        dynamic: args[i].dynamic,
                    });
                    break;
                }
            }
        }
        i += 1;
    }
    out
}

/// Judge a nested command line given as argv (wrappers, `find -exec`, `xargs`).
fn judge_inner(ctx: &mut Ctx, argv: &[Arg], stdin: Stdin, env: Vec<(String, Arg)>, depth: usize) {
    if argv.is_empty() {
        return;
    }
    judge(
        ctx,
        Cmd {
            argv: argv.to_vec(),
            env,
            stdin,
        },
        depth + 1,
    );
}

/// Returns true when dynamic arguments are harmless for this program.
#[allow(clippy::too_many_lines)]
fn handle(ctx: &mut Ctx, cmd: &Cmd, base: &str, a: &mut Assessment, depth: usize) -> bool {
    let args = &cmd.argv[1..];
    let name = base;
    if let Some(program) = table::lookup(name) {
        table::judge(ctx, cmd, name, program, a);
        return false;
    }
    match name {
        "shopt" => {
            if args.iter().any(|x| x.text == "-s") {
                a.ask(
                    "program.shopt",
                    "`shopt -s` changes how words expand (`dotglob`, `extglob`)",
                );
            } else {
                a.read_only("program.shopt", "shows or unsets shell options");
            }
        }
        "set" | "hash" | "let" | "read" | "getopts" | "printf" | "mapfile" | "readarray" => {
            shell_builtin(args, name, a);
            return true;
        }
        "test" | "["
            if args.iter().any(|x| x.dynamic)
                && args.iter().any(|x| {
                    matches!(
                        x.text.as_str(),
                        "-eq" | "-ne" | "-lt" | "-le" | "-gt" | "-ge"
                    )
                }) =>
        {
            a.ask(
                "shell.arithmetic",
                "`test` compares run-time values as arithmetic, which evaluates array subscripts",
            );
        }
        "echo" | "true" | "false" | "test" | "[" | ":" | "sleep" | "cd" | "pushd" | "popd"
        | "shift" | "exit" | "return" => {
            a.read_only(format!("program.{name}"), "does not write or run anything");
            return true;
        }
        _ if SHELL_STATE.contains(&name) => {
            a.read_only(
                format!("program.{name}"),
                "changes only the shell's own state",
            );
        }
        "export" | "declare" | "local" | "readonly" | "typeset" => {
            declare(args, name, a);
            return true;
        }
        "alias" | "unalias" => {
            if args.iter().any(|x| x.text.contains('=')) {
                a.ask(
                    "program.alias",
                    "defines an alias that can hide another command",
                );
            } else {
                a.read_only("program.alias", "lists aliases");
            }
        }
        "eval" => {
            if args.iter().any(|x| x.dynamic) {
                a.deny(
                    Risk::High,
                    "program.eval",
                    "evaluates text computed at run time",
                );
            } else {
                // Judged for deny, but `eval` is outside the subset that may be allowed.
                let script = cmd.texts()[1..].join(" ");
                shell::eval_script(ctx, &script, depth + 1);
                a.ask("program.eval", "`eval` re-parses text as a script");
            }
        }
        "trap" => match args.first() {
            Some(x) if x.dynamic => {
                a.deny(
                    Risk::High,
                    "program.trap",
                    "trap action computed at run time",
                );
            }
            Some(x) if !x.text.starts_with('-') && args.len() > 1 => {
                shell::eval_script(ctx, &x.text, depth + 1);
                a.ask(
                    "program.trap",
                    "`trap` runs its action later, on a signal or exit",
                );
            }
            _ => {
                a.read_only("program.trap", "lists or resets traps");
            }
        },
        "source" | "." => {
            a.concern(
                Decision::Ask,
                Risk::High,
                "program.source",
                "runs the commands in a file",
            );
        }
        "exec" | "command" | "builtin" | "nohup" | "time" | "setsid" | "unbuffer" | "chronic" => {
            wrapper(ctx, cmd, name, a, depth);
            return true;
        }
        "sudo" | "doas" | "su" | "run0" | "pkexec" => {
            privileged(ctx, cmd, name, a, depth);
            return true;
        }
        "env" => {
            env_wrapper(ctx, cmd, a, depth);
            return true;
        }
        "timeout" | "nice" | "ionice" | "stdbuf" | "flock" | "taskset" | "chrt" | "cpulimit" => {
            option_wrapper(ctx, cmd, name, a, depth);
            return true;
        }
        "watch" => {
            watch(ctx, cmd, a, depth);
            return true;
        }
        "xargs" => {
            xargs(ctx, cmd, a, depth);
            return true;
        }
        "parallel" => {
            let inner: Vec<Arg> = args
                .iter()
                .take_while(|x| x.text != ":::" && x.text != "::::")
                .filter(|x| !x.text.starts_with('-'))
                .cloned()
                .collect();
            if inner.is_empty() {
                a.ask("program.parallel", "runs commands read from input");
            } else {
                let script: Vec<String> = inner.iter().map(|x| x.text.clone()).collect();
                shell::eval_script(ctx, &script.join(" "), depth + 1);
                a.read_only("program.parallel", "runs the judged command in parallel");
            }
        }
        "busybox" => {
            if args.is_empty() {
                a.read_only("program.busybox", "lists applets");
            } else {
                judge_inner(ctx, args, cmd.stdin.clone(), Vec::new(), depth);
                a.read_only("program.busybox", "runs the judged applet");
            }
        }
        "bash" | "sh" | "zsh" | "dash" | "ksh" | "mksh" | "ash" | "yash" => {
            shell_program(ctx, cmd, a, depth)
        }
        "fish" | "tcsh" | "csh" | "nu" | "elvish" | "xonsh" => {
            if args
                .iter()
                .any(|x| matches!(x.text.as_str(), "--version" | "-v"))
                && args.len() == 1
            {
                a.read_only("program.shell", "prints the version");
            } else {
                a.concern(
                    Decision::Ask,
                    Risk::High,
                    "program.shell",
                    format!("`{name}` scripts are not parsed here"),
                );
            }
        }
        "apply_patch" | "applypatch" => crate::patch::apply_patch_command(ctx, cmd, a),
        "rm" | "shred" | "unlink" | "rmdir" | "srm" | "wipe" => remove(ctx, cmd, name, a),
        "dd" => {
            let of: Vec<&Arg> = args.iter().filter(|x| x.text.starts_with("of=")).collect();
            if of.is_empty() {
                a.ask("program.dd", "copies raw data");
            } else {
                for o in of {
                    let target = Arg {
                        text: o.text[3..].to_string(),
                        dynamic: o.dynamic,
                    };
                    if !shell::is_null_device(&target.text) {
                        a.deny(
                            Risk::Critical,
                            "program.dd",
                            format!("overwrites `{}`", target.text),
                        );
                    }
                }
            }
        }
        "mkfs" | "mke2fs" | "mkswap" | "wipefs" | "fdisk" | "sfdisk" | "parted" | "gdisk"
        | "sgdisk" | "cfdisk" | "losetup" | "cryptsetup" | "swapoff" | "swapon" => {
            a.deny(
                Risk::Critical,
                "program.disk",
                "changes disks or file systems",
            );
        }
        _ if name.starts_with("mkfs.") => {
            a.deny(Risk::Critical, "program.disk", "creates a file system");
        }
        "reboot" | "shutdown" | "halt" | "poweroff" | "init" | "telinit" | "kexec" => {
            a.deny(
                Risk::Critical,
                "program.power",
                "stops or restarts the machine",
            );
        }
        "kill" | "pkill" | "killall" | "skill" | "xkill" => {
            if args.iter().any(|x| x.text == "-l" || x.text == "-L") && args.len() == 1 {
                a.read_only("program.kill", "lists signals");
            } else {
                a.deny(Risk::High, "program.kill", "terminates processes");
            }
        }
        "useradd" | "userdel" | "usermod" | "groupadd" | "groupdel" | "groupmod" | "passwd"
        | "chpasswd" | "visudo" | "adduser" | "deluser" | "chsh" | "chfn" => {
            a.deny(Risk::Critical, "program.accounts", "changes user accounts");
        }
        "mount" | "umount" | "iptables" | "ip6tables" | "nft" | "ufw" | "sysctl" | "modprobe"
        | "insmod" | "rmmod" | "setenforce" | "chattr" => {
            if (name == "mount" && args.is_empty())
                || (name == "sysctl"
                    && args.iter().all(|x| !x.text.contains('=') && x.text != "-w"))
            {
                a.read_only(format!("program.{name}"), "shows system state");
            } else {
                a.deny(
                    Risk::Critical,
                    "program.system",
                    "changes system configuration",
                );
            }
        }
        "chmod" | "chown" | "chgrp" | "setfacl" => {
            a.concern(
                Decision::Ask,
                Risk::High,
                "program.permissions",
                "changes file permissions or ownership",
            );
        }
        "cp" | "mv" | "ln" | "install" | "rsync" | "mkdir" | "touch" | "truncate" | "mkfifo"
        | "mknod" | "rename" | "patch" | "split" | "csplit" | "unzip" | "gunzip" | "gzip"
        | "bzip2" | "bunzip2" | "xz" | "unxz" | "zstd" | "7z" | "zip" | "ar" | "cpio" | "link" => {
            file_writer(ctx, cmd, name, a);
        }
        "tar" | "gtar" => archives::tar(ctx, cmd, name, a),
        "sed" | "gsed" => sed::sed(ctx, cmd, name, a),
        "awk" | "gawk" | "mawk" | "nawk" | "busybox-awk" => awk::awk(ctx, cmd, name, a),
        "find" => find(ctx, cmd, a, depth),
        "fd" | "fdfind" => {
            let pos = args
                .iter()
                .position(|x| matches!(x.text.as_str(), "-x" | "--exec" | "-X" | "--exec-batch"));
            match pos {
                Some(p) => {
                    let inner: Vec<Arg> = args[p + 1..]
                        .iter()
                        .take_while(|x| x.text != ";")
                        .cloned()
                        .collect();
                    judge_inner(ctx, &inner, Stdin::Inherit, Vec::new(), depth);
                    exec_reader_cap(ctx, a, &inner, "program.fd-exec");
                }
                None => {
                    a.read_only("program.fd", "lists files");
                }
            }
        }
        "printenv"
            if !args.is_empty()
                && args
                    .iter()
                    .all(|x| !x.dynamic && environment::is_harmless_to_print(&x.text)) =>
        {
            a.read_only("program.printenv", "prints variables that hold no secret");
        }
        "printenv" => {
            a.concern(
                Decision::Ask,
                Risk::High,
                "secret.environment",
                "`printenv` prints the environment, which holds credentials",
            );
        }
        "hostnamectl" => {
            if args
                .iter()
                .all(|x| x.text.starts_with('-') || x.text == "status")
            {
                a.read_only("program.hostnamectl", "prints the host name");
            } else {
                a.deny(Risk::High, "program.hostnamectl", "sets the host name");
            }
        }
        "less" | "more" | "most" | "zless" | "bzless" | "xzless" => {
            viewers::pager(ctx, cmd, name, a);
            return true;
        }
        "ps" => viewers::ps(cmd, a),
        "jq" => viewers::jq(ctx, cmd, a),
        "man" => {
            // man runs a pager and preprocessors named by `-P`/`--pager`, `-p`, `-H`.
            if args.iter().any(|x| {
                x.text.starts_with('+')
                    || x.text.starts_with("-P")
                    || x.text.starts_with("-p")
                    || x.text.starts_with("-H")
                    || x.text.starts_with("--pager")
                    || x.text.starts_with("--html")
                    || x.text.starts_with("--preprocessor")
            }) {
                a.ask("program.pager", "pager told to run a command or program");
            } else {
                a.read_only("program.man", "shows text");
            }
            return true;
        }
        "command-not-found" | "info" | "whatis" | "apropos" | "tldr" | "whereis" => {
            a.read_only(format!("program.{name}"), "shows documentation");
        }
        "crontab" => {
            if args.len() == 1 && args[0].text == "-l" {
                a.read_only("program.crontab", "lists the crontab");
            } else {
                a.deny(Risk::High, "program.crontab", "changes scheduled jobs");
            }
        }
        "systemctl" | "service" | "launchctl" | "journalctl" => {
            let verb = args
                .iter()
                .find(|x| !x.text.starts_with('-'))
                .map(|x| x.text.as_str())
                .unwrap_or("");
            if name == "journalctl"
                && !has_long(
                    args,
                    &[
                        "--vacuum-size",
                        "--vacuum-time",
                        "--vacuum-files",
                        "--rotate",
                        "--flush",
                    ],
                )
            {
                a.read_only("program.journalctl", "reads logs");
            } else if matches!(
                verb,
                "status"
                    | "list-units"
                    | "list-unit-files"
                    | "is-active"
                    | "is-enabled"
                    | "is-failed"
                    | "show"
                    | "cat"
                    | "list"
                    | "list-timers"
                    | "--status-all"
            ) || (name == "service"
                && args
                    .iter()
                    .any(|x| x.text == "status" || x.text == "--status-all"))
            {
                a.read_only(format!("program.{name}"), "shows service state");
            } else {
                a.deny(
                    Risk::High,
                    format!("program.{name}").as_str(),
                    "starts, stops or changes services",
                );
            }
        }
        "curl" | "wget" | "http" | "https" | "xh" | "aria2c" => network_fetch(ctx, cmd, name, a),
        "ssh" | "scp" | "sftp" | "nc" | "ncat" | "netcat" | "socat" | "telnet" | "ftp" | "mosh"
        | "rsh" => {
            a.concern(
                Decision::Ask,
                Risk::High,
                "program.network",
                "opens a network connection that can run or copy anything",
            );
        }
        "ping" | "dig" | "nslookup" | "host" | "traceroute" | "tracepath" | "ss" | "netstat"
        | "ifconfig" | "whois" => {
            if name == "ifconfig" && args.len() > 1 {
                a.deny(
                    Risk::High,
                    "program.network-config",
                    "changes network interfaces",
                );
            } else {
                a.read_only(format!("program.{name}"), "network diagnostics");
            }
        }
        "ip" => {
            let verb_pos = args
                .iter()
                .filter(|x| !x.text.starts_with('-'))
                .nth(1)
                .map(|x| x.text.as_str())
                .unwrap_or("show");
            if matches!(verb_pos, "show" | "list" | "ls" | "get") {
                a.read_only("program.ip", "shows network state");
            } else {
                a.deny(Risk::High, "program.ip", "changes network configuration");
            }
        }
        "python" | "python2" | "python3" | "pypy" | "pypy3" | "node" | "nodejs" | "deno"
        | "bun" | "perl" | "ruby" | "php" | "lua" | "luajit" | "Rscript" | "R" | "julia"
        | "tclsh" | "wish" | "osascript" | "pwsh" | "powershell" | "irb" | "ts-node" | "tsx"
        | "groovy" | "scala" | "kotlin" | "java" | "jshell" | "ghci" | "runghc" | "swift"
        | "elixir" | "erl" | "guile" | "racket" | "sbcl" | "clisp" | "gdb" | "lldb" | "expect"
        | "octave" => interpreter(ctx, cmd, name, a, depth),
        _ if name.starts_with("python3.")
            || name.starts_with("python2.")
            || name.starts_with("perl5") =>
        {
            interpreter(ctx, cmd, name, a, depth)
        }
        "git" => git::git(ctx, cmd, a),
        "npm" | "pnpm" | "yarn" | "pip" | "pip3" | "pipx" | "uv" | "poetry" | "cargo" | "go"
        | "gem" | "bundle" | "composer" | "apt" | "apt-get" | "apt-cache" | "dpkg" | "brew"
        | "yum" | "dnf" | "apk" | "pacman" | "conda" | "mamba" | "npx" | "bunx" | "rustup"
        | "dotnet" | "mvn" | "gradle" | "snap" | "flatpak" | "nix" | "nix-env" | "port"
        | "zypper" | "rpm" => package_manager(args, name, a),
        "make" | "cmake" | "ninja" | "meson" | "bazel" | "just" | "task" | "rake" | "scons"
        | "gcc" | "g++" | "cc" | "clang" | "clang++" | "rustc" | "javac" | "tsc" | "esbuild"
        | "webpack" | "vite" | "jest" | "pytest" | "tox" | "nox" | "mocha" | "vitest"
        | "eslint" | "prettier" | "black" | "ruff" | "mypy" | "flake8" | "pylint"
        | "shellcheck" => build_tool(args, name, a),
        "docker" | "podman" | "nerdctl" | "docker-compose" | "kubectl" | "oc"
            if container_exec(ctx, cmd, name, a, depth) => {}
        "docker" | "podman" | "nerdctl" | "docker-compose" => container(args, name, a),
        "kubectl" | "oc" | "k3s" => kubectl(args, name, a),
        "helm" | "terraform" | "tofu" | "pulumi" | "ansible" | "ansible-playbook" | "aws"
        | "gcloud" | "az" | "gsutil" | "heroku" | "fly" | "vercel" | "netlify" | "doctl" => {
            cloud(args, name, a)
        }
        "vi" | "vim" | "nvim" | "nano" | "emacs" | "ed" | "ex" | "code" | "subl" | "pico"
        | "joe" | "micro" => {
            a.concern(
                Decision::Ask,
                Risk::Medium,
                "program.editor",
                "opens an editor that can change files",
            );
        }
        "open" | "xdg-open" | "start" => {
            a.ask("program.open", "opens a file or URL with another program");
        }
        "strace" | "ltrace" | "valgrind" | "perf" => {
            let inner: Vec<Arg> = args
                .iter()
                .skip_while(|x| x.text.starts_with('-'))
                .cloned()
                .collect();
            judge_inner(ctx, &inner, cmd.stdin.clone(), Vec::new(), depth);
            a.ask("program.trace", "traces another program");
        }
        _ if READ_ONLY.contains(&name) => {
            a.read_only(format!("program.{name}"), "reads only");
            // No flag of these programs writes or runs anything, so a run-time argument
            // cannot change what they do.
            return true;
        }
        _ if clients::handles(name) => {
            clients::client(ctx, cmd, name, a, depth);
            return clients::dynamic_args_are_connection_only(cmd);
        }
        _ => {
            // No knowledge: stays unknown (ask).
        }
    }
    false
}

fn wrapper(ctx: &mut Ctx, cmd: &Cmd, name: &str, a: &mut Assessment, depth: usize) {
    let args = &cmd.argv[1..];
    if name == "command"
        && args
            .first()
            .is_some_and(|x| x.text == "-v" || x.text == "-V")
    {
        a.read_only("program.command", "looks up a command");
        return;
    }
    let skip = args
        .iter()
        .take_while(|x| x.text.starts_with('-') && x.text != "--")
        .count();
    let mut rest = &args[skip..];
    if rest.first().is_some_and(|x| x.text == "--") {
        rest = &rest[1..];
    }
    if rest.is_empty() {
        a.read_only(format!("program.{name}"), "no command to run");
        return;
    }
    judge_inner(ctx, rest, cmd.stdin.clone(), cmd.env.clone(), depth);
    a.read_only(format!("program.{name}"), "runs the judged command");
}

fn privileged(ctx: &mut Ctx, cmd: &Cmd, name: &str, a: &mut Assessment, depth: usize) {
    let args = &cmd.argv[1..];
    let with_value = [
        "-u",
        "-g",
        "-h",
        "-p",
        "-C",
        "-D",
        "-r",
        "-t",
        "-U",
        "--user",
        "--group",
        "--host",
        "--prompt",
        "--chdir",
        "--role",
        "--type",
        "--other-user",
    ];
    let mut i = 0;
    let mut script = None;
    while i < args.len() {
        let t = args[i].text.as_str();
        if name == "su" && (t == "-c" || t == "--command") {
            script = args.get(i + 1).cloned();
            break;
        }
        if t == "--" {
            i += 1;
            break;
        }
        if !t.starts_with('-') {
            if name == "su" {
                i += 1;
                continue;
            }
            break;
        }
        if with_value.contains(&t) {
            i += 1;
        }
        i += 1;
    }
    if let Some(s) = script {
        if s.dynamic {
            a.deny(
                Risk::Critical,
                "program.su",
                "runs a script computed at run time as another user",
            );
        } else {
            shell::eval_script(ctx, &s.text, depth + 1);
        }
    } else if i < args.len() {
        judge_inner(ctx, &args[i..], cmd.stdin.clone(), Vec::new(), depth);
    }
    a.concern(
        Decision::Ask,
        Risk::High,
        format!("program.{name}"),
        "runs as another user (never automatic)",
    );
}

fn env_wrapper(ctx: &mut Ctx, cmd: &Cmd, a: &mut Assessment, depth: usize) {
    let args = &cmd.argv[1..];
    let mut env: Vec<(String, Arg)> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let t = args[i].text.as_str();
        if t == "-i" || t == "--ignore-environment" || t == "-0" || t == "--null" || t == "-" {
            i += 1;
        } else if t == "-u" || t == "--unset" || t == "-C" || t == "--chdir" {
            i += 2;
        } else if t.starts_with("--unset=")
            || t.starts_with("--chdir=")
            || (t.starts_with("-u") && t.len() > 2)
        {
            i += 1;
        } else if t == "-S"
            || t == "--split-string"
            || t.starts_with("-S")
            || t.starts_with("--split-string=")
        {
            let script = if t == "-S" || t == "--split-string" {
                args.get(i + 1).cloned()
            } else {
                Some(Arg {
                    text: t
                        .trim_start_matches("--split-string=")
                        .trim_start_matches("-S")
                        .to_string(),
                    dynamic: args[i].dynamic,
                })
            };
            let consumed = if t == "-S" || t == "--split-string" {
                2
            } else {
                1
            };
            let mut line = script.map(|s| s.text).unwrap_or_default();
            for rest in &args[(i + consumed).min(args.len())..] {
                line.push(' ');
                line.push_str(&shell::quote(&rest.text));
            }
            shell::eval_script(ctx, &line, depth + 1);
            a.read_only("program.env", "runs the judged command line");
            return;
        } else if t == "--" {
            i += 1;
            break;
        } else if t.starts_with('-') {
            a.ask("program.env", format!("unknown `env` option `{t}`"));
            i += 1;
        } else if let Some((k, v)) = t.split_once('=') {
            if let Some((d, r, why)) = environment::assignment_concern(k, v, true) {
                a.concern(d, r, "shell.env", why);
            }
            env.push((
                k.to_string(),
                Arg {
                    text: v.to_string(),
                    dynamic: args[i].dynamic,
                },
            ));
            i += 1;
        } else {
            break;
        }
    }
    if i >= args.len() {
        a.concern(
            Decision::Ask,
            Risk::High,
            "secret.environment",
            "`env` without a command prints the environment, which holds credentials",
        );
        return;
    }
    judge_inner(ctx, &args[i..], cmd.stdin.clone(), env, depth);
    a.read_only("program.env", "runs the judged command");
}

fn option_wrapper(ctx: &mut Ctx, cmd: &Cmd, name: &str, a: &mut Assessment, depth: usize) {
    let id = format!("program.{name}");
    let Some((opts, syntax, lead)) = wrappers::spec(name) else {
        a.ask(&id, format!("`{name}` options are not known"));
        return;
    };
    let spec = getopt::Spec {
        program: name,
        syntax,
        opts,
    };
    let parsed = getopt::parse(&spec, &cmd.argv[1..]);
    table::judge_options(ctx, a, &id, name, &parsed);
    if let Some(s) = parsed.values("command").next() {
        // `flock -c SCRIPT`: the script runs under the lock.
        if s.dynamic {
            a.deny(Risk::High, &id, "runs a script computed at run time");
        } else {
            shell::eval_script(ctx, &s.text, depth + 1);
            a.read_only(id, "runs the judged script under a lock");
        }
        return;
    }
    let operands: Vec<Arg> = parsed.operands().cloned().collect();
    let inner = operands.get(lead..).unwrap_or_default();
    if inner.is_empty() {
        a.read_only(id, "no command to run");
        return;
    }
    judge_inner(ctx, inner, cmd.stdin.clone(), cmd.env.clone(), depth);
    a.read_only(id, "runs the judged command");
}

fn watch(ctx: &mut Ctx, cmd: &Cmd, a: &mut Assessment, depth: usize) {
    let args = &cmd.argv[1..];
    let mut i = 0;
    while i < args.len() && args[i].text.starts_with('-') {
        if matches!(
            args[i].text.as_str(),
            "-n" | "--interval" | "-q" | "--equexit"
        ) {
            i += 1;
        }
        i += 1;
    }
    if i >= args.len() {
        a.ask("program.watch", "nothing to watch");
        return;
    }
    if args[i..].iter().any(|x| x.dynamic) {
        a.deny(
            Risk::High,
            "program.watch",
            "runs a command computed at run time",
        );
        return;
    }
    let line: Vec<String> = args[i..].iter().map(|x| x.text.clone()).collect();
    shell::eval_script(ctx, &line.join(" "), depth + 1);
    a.read_only("program.watch", "re-runs the judged command");
}

/// Programs that are safe to run on arbitrary extra file arguments (`xargs`, `find -exec`).
const FILE_READERS: [&str; 24] = [
    "cat",
    "wc",
    "grep",
    "egrep",
    "fgrep",
    "head",
    "tail",
    "ls",
    "file",
    "stat",
    "echo",
    "md5sum",
    "sha1sum",
    "sha256sum",
    "sha512sum",
    "du",
    "rg",
    "basename",
    "dirname",
    "realpath",
    "printf",
    "cksum",
    "strings",
    "diff",
];

fn exec_reader_cap(_ctx: &mut Ctx, a: &mut Assessment, inner: &[Arg], id: &str) {
    let prog = inner
        .first()
        .map(|x| resolve(&x.text).0)
        .unwrap_or_default();
    if FILE_READERS.contains(&prog.as_str()) {
        a.read_only(id, "runs a reader on each file");
    } else {
        a.ask(id, format!("runs `{prog}` on input it cannot see"));
    }
}

fn xargs(ctx: &mut Ctx, cmd: &Cmd, a: &mut Assessment, depth: usize) {
    let args = &cmd.argv[1..];
    let with_value = [
        "-I",
        "-i",
        "-n",
        "-P",
        "-d",
        "-L",
        "-l",
        "-s",
        "-a",
        "-E",
        "-e",
        "--max-args",
        "--max-procs",
        "--delimiter",
        "--arg-file",
        "--max-lines",
        "--max-chars",
        "--replace",
        "--eof",
    ];
    let flags = [
        "-0",
        "--null",
        "-r",
        "--no-run-if-empty",
        "-t",
        "--verbose",
        "-x",
        "--exit",
        "--help",
        "--version",
    ];
    let mut i = 0;
    let mut from_file = None;
    while i < args.len() && args[i].text.starts_with('-') {
        let t = args[i].text.as_str();
        if matches!(t, "-a" | "--arg-file") || t.starts_with("--arg-file=") {
            from_file = Some(t.to_owned());
        }
        if with_value.contains(&t) {
            i += 1;
        } else if !flags.contains(&t)
            && !with_value.iter().any(|v| {
                t.len() > v.len()
                    && t.starts_with(v)
                    && (v.len() == 2 || t.as_bytes()[v.len()] == b'=')
            })
        {
            a.ask(
                "program.xargs",
                format!("option `{t}` of `xargs` is not known to be harmless"),
            );
        }
        i += 1;
    }
    let inner = &args[i.min(args.len())..];
    if inner.is_empty() {
        a.read_only("program.xargs", "echoes its input");
        return;
    }
    // The arguments xargs adds are read at run time: from a pipeline whose producer is judged
    // too, but from a file or the terminal nothing says what they are (`xargs cat < list`).
    if let Some(opt) = from_file {
        a.ask(
            "program.xargs",
            format!("`xargs {opt}` takes its arguments from a file whose content is unknown"),
        );
    } else if matches!(cmd.stdin, Stdin::File(_) | Stdin::Inherit) {
        a.ask(
            "program.xargs",
            "`xargs` takes its arguments from standard input, whose content is unknown",
        );
    }
    judge_inner(ctx, inner, Stdin::Inherit, Vec::new(), depth);
    exec_reader_cap(ctx, a, inner, "program.xargs");
}

fn find(ctx: &mut Ctx, cmd: &Cmd, a: &mut Assessment, depth: usize) {
    let args = &cmd.argv[1..];
    let mut i = 0;
    let mut any = false;
    while i < args.len() {
        let t = args[i].text.as_str();
        match t {
            "-delete" => {
                a.deny(Risk::High, "program.find-delete", "`-delete` removes files");
            }
            "-exec" | "-execdir" | "-ok" | "-okdir" => {
                let inner: Vec<Arg> = args[i + 1..]
                    .iter()
                    .take_while(|x| x.text != ";" && x.text != "+")
                    .cloned()
                    .collect();
                i += inner.len() + 1;
                judge_inner(ctx, &inner, Stdin::Inherit, Vec::new(), depth);
                exec_reader_cap(ctx, a, &inner, "program.find-exec");
                any = true;
            }
            "-fprint" | "-fprint0" | "-fls" | "-fprintf" => {
                if let Some(target) = args.get(i + 1) {
                    shell::write_target(ctx, target, &format!("find {t} {}", target.text));
                }
                i += 1;
            }
            _ if viewers::FIND_VALUES.contains(&t) => i += 1,
            _ if t.starts_with('-') && !viewers::FIND_FLAGS.contains(&t) => {
                a.ask(
                    "program.find",
                    format!("`{t}` is not a known `find` test or action"),
                );
            }
            _ => {}
        }
        i += 1;
    }
    let _ = any;
    a.read_only("program.find", "lists files");
}

fn remove(ctx: &mut Ctx, cmd: &Cmd, name: &str, a: &mut Assessment) {
    let args = &cmd.argv[1..];
    let _ = ctx;
    let recursive =
        has_short(args, 'r', "") || has_short(args, 'R', "") || has_long(args, &["--recursive"]);
    let targets: Vec<&Arg> = args.iter().filter(|x| !x.text.starts_with('-')).collect();
    let catastrophic = targets.iter().any(|t| {
        let p = t.text.trim_end_matches('/');
        p.is_empty()
            || p == "~"
            || p == "*"
            || p == "."
            || p == ".."
            || p == "/*"
            || p.starts_with("~/") && p.len() <= 3
            || t.dynamic
            || matches!(
                p,
                "/etc" | "/usr" | "/var" | "/home" | "/bin" | "/boot" | "/lib" | "/opt" | "/root"
            )
    });
    let risk = if catastrophic || (recursive && targets.iter().any(|t| t.text.starts_with('/'))) {
        Risk::Critical
    } else {
        Risk::High
    };
    a.deny(risk, format!("program.{name}").as_str(), "removes files");
}

fn file_writer(ctx: &mut Ctx, cmd: &Cmd, name: &str, a: &mut Assessment) {
    let args = &cmd.argv[1..];
    // Targets outside the workspace make the write a deny.
    for t in args.iter().filter(|x| !x.text.starts_with('-')) {
        if !t.dynamic {
            if let shell::PathClass::Outside | shell::PathClass::Protected(_) =
                shell::classify_path(ctx.cwd.as_deref(), &t.text)
            {
                if matches!(
                    name,
                    "cp" | "mv" | "ln" | "install" | "rsync" | "touch" | "truncate" | "mkdir"
                ) {
                    a.concern(
                        Decision::Ask,
                        Risk::High,
                        "program.write-outside",
                        format!(
                            "touches `{}` outside the workspace or in a protected place",
                            t.text
                        ),
                    );
                }
            }
        }
    }
    let risk = if matches!(name, "truncate" | "mv" | "rsync") {
        Risk::High
    } else {
        Risk::Medium
    };
    a.concern(
        Decision::Ask,
        risk,
        format!("program.{name}"),
        "creates, changes or moves files",
    );
}

fn network_fetch(ctx: &mut Ctx, cmd: &Cmd, name: &str, a: &mut Assessment) {
    let args = &cmd.argv[1..];
    for o in option_values(args, &["-o", "-O"], &["--output", "--output-document"]) {
        shell::write_target(ctx, &o, &format!("{name} -o {}", o.text));
    }
    a.concern(
        Decision::Ask,
        Risk::High,
        "program.network",
        "transfers data over the network",
    );
}

fn shell_program(ctx: &mut Ctx, cmd: &Cmd, a: &mut Assessment, depth: usize) {
    let args = &cmd.argv[1..];
    let mut i = 0;
    let mut has_c = false;
    let mut stdin_flag = false;
    while i < args.len() {
        let t = args[i].text.as_str();
        if t == "--" {
            i += 1;
            break;
        }
        if t == "-o" || t == "+o" || t == "-O" || t == "+O" || t == "--rcfile" || t == "--init-file"
        {
            if t == "--rcfile" || t == "--init-file" {
                a.concern(
                    Decision::Ask,
                    Risk::High,
                    "program.shell-rcfile",
                    "runs a startup file",
                );
            }
            i += 2;
            continue;
        }
        if t.starts_with("--") {
            if matches!(t, "--version" | "--help") {
                a.read_only("program.shell", "prints version or help");
                return;
            }
            i += 1;
            continue;
        }
        if (t.starts_with('-') || t.starts_with('+')) && t.len() > 1 {
            if t.contains('c') {
                has_c = true;
            }
            if t.contains('s') {
                stdin_flag = true;
            }
            i += 1;
            continue;
        }
        break;
    }
    if has_c {
        match args.get(i) {
            Some(s) if s.dynamic => {
                a.deny(
                    Risk::Critical,
                    "program.shell-dynamic",
                    "runs a script computed at run time",
                );
            }
            Some(s) => {
                shell::eval_script(ctx, &s.text, depth + 1);
                a.read_only("program.shell", "runs the judged script");
            }
            None => {
                a.ask("program.shell", "`-c` without a script");
            }
        }
        return;
    }
    if i < args.len() && !stdin_flag {
        a.concern(
            Decision::Ask,
            Risk::High,
            "program.shell-file",
            format!("runs the script file `{}`", args[i].text),
        );
        return;
    }
    match &cmd.stdin {
        Stdin::Pipe | Stdin::Text { piped: true, .. } => {
            // Even a known script: piping into a shell is how downloaded or decoded code
            // runs, and it is never automatic.
            a.deny(
                Risk::Critical,
                "program.shell-pipe",
                "pipes data into a shell",
            );
        }
        Stdin::Text { dynamic: true, .. } => {
            a.deny(
                Risk::High,
                "program.shell-dynamic",
                "runs a here-document with expansions",
            );
        }
        Stdin::Text { text, .. } => {
            shell::eval_script(ctx, text, depth + 1);
            a.read_only("program.shell", "runs the judged here-document");
        }
        Stdin::File(f) => {
            a.concern(
                Decision::Ask,
                Risk::High,
                "program.shell-file",
                format!("runs the script file `{f}`"),
            );
        }
        Stdin::Inherit => {
            a.concern(
                Decision::Ask,
                Risk::High,
                "program.shell-interactive",
                "starts a shell reading unknown input",
            );
        }
    }
}

fn interpreter(ctx: &mut Ctx, cmd: &Cmd, name: &str, a: &mut Assessment, depth: usize) {
    let args = &cmd.argv[1..];
    let _ = (ctx, depth);
    let texts: Vec<&str> = args.iter().map(|x| x.text.as_str()).collect();
    if matches!(
        texts.as_slice(),
        ["--version"] | ["-V"] | ["-v"] | ["--help"] | ["-h"] | ["version"] | ["-version"]
    ) {
        a.read_only(format!("program.{name}"), "prints version or help");
        return;
    }
    if name.starts_with("python") || name.starts_with("pypy") {
        // CPython reads options up to `-c CODE` or `-m MODULE`, whichever comes first; both
        // end the options (`python3 -c CODE -m json.tool` runs CODE with `-m` in argv).
        let mut module_at = None;
        for (i, t) in texts.iter().enumerate() {
            if !t.starts_with('-') || *t == "-" || *t == "--" {
                break;
            }
            if t.starts_with("--") {
                continue;
            }
            let cluster = &t[1..];
            if let Some(p) = cluster.find(['c', 'm']) {
                if cluster[p..].starts_with('c') {
                    a.concern(
                        Decision::Ask,
                        Risk::High,
                        "program.interpreter-inline",
                        format!(
                            "`{name} -c` runs inline code (options after it are its arguments)"
                        ),
                    );
                    return;
                }
                if p + 1 == cluster.len() {
                    module_at = Some(i);
                }
                break;
            }
        }
        if let Some(pos) = module_at {
            let module = texts.get(pos + 1).copied().unwrap_or("");
            let rest: Vec<&str> = texts[(pos + 2).min(texts.len())..].to_vec();
            let read_only = match module {
                "pip" | "pip3" => matches!(
                    rest.first().copied(),
                    Some("list" | "show" | "freeze" | "--version" | "check")
                ),
                "json.tool" | "tabnanny" | "pydoc" | "platform" | "sysconfig" | "site" => true,
                "py_compile" | "compileall" => false,
                _ => false,
            };
            if read_only {
                a.read_only(
                    format!("program.{name}"),
                    format!("`-m {module}` only reads"),
                );
            } else {
                a.concern(
                    Decision::Ask,
                    Risk::High,
                    "program.interpreter-module",
                    format!("runs the module `{module}`"),
                );
            }
            return;
        }
    }
    let inline_flags = [
        "-c",
        "-e",
        "-E",
        "-r",
        "--eval",
        "-p",
        "--print",
        "--command",
        "-Command",
        "-command",
        "-x",
        "--exec",
        "-ex",
        "-batch",
    ];
    if texts.iter().any(|t| {
        inline_flags.contains(t)
            || (t.starts_with("-e") && name.starts_with("perl"))
            || (t.starts_with("-n") || t.starts_with("-p") || t.starts_with("-i"))
                && name.starts_with("perl")
                && t.len() > 1
    }) {
        a.concern(
            Decision::Ask,
            Risk::High,
            "program.interpreter-inline",
            format!("`{name}` runs inline code"),
        );
        return;
    }
    if matches!(cmd.stdin, Stdin::Pipe | Stdin::Text { .. })
        && !texts.iter().any(|t| !t.starts_with('-'))
    {
        a.concern(
            Decision::Ask,
            Risk::High,
            "program.interpreter-stdin",
            format!("`{name}` runs code from standard input"),
        );
        return;
    }
    a.concern(
        Decision::Ask,
        Risk::High,
        "program.interpreter",
        format!("`{name}` runs a program"),
    );
}

fn package_manager(args: &[Arg], name: &str, a: &mut Assessment) {
    let positional: Vec<&str> = args
        .iter()
        .map(|x| x.text.as_str())
        .filter(|t| !t.starts_with('-'))
        .collect();
    let sub = positional.first().copied().unwrap_or("");
    let sub2 = positional.get(1).copied().unwrap_or("");
    let version_only = args.len() == 1
        && matches!(
            args[0].text.as_str(),
            "--version" | "-v" | "-V" | "version" | "--help" | "-h" | "help"
        );
    let read = version_only
        || match name {
            "npm" | "pnpm" | "yarn" => {
                matches!(
                    sub,
                    "list"
                        | "ls"
                        | "ll"
                        | "la"
                        | "view"
                        | "info"
                        | "show"
                        | "outdated"
                        | "search"
                        | "why"
                        | "explain"
                        | "audit"
                        | "config"
                        | "help"
                        | "root"
                        | "bin"
                        | "prefix"
                        | "docs"
                        | "licenses"
                ) && !(sub == "config" && matches!(sub2, "set" | "delete" | "edit"))
                    && !(sub == "audit" && sub2 == "fix")
            }
            "pip" | "pip3" | "uv" | "poetry" | "pipx" => {
                matches!(
                    sub,
                    "list"
                        | "show"
                        | "freeze"
                        | "check"
                        | "search"
                        | "help"
                        | "inspect"
                        | "debug"
                        | "index"
                ) || (name == "uv"
                    && sub == "pip"
                    && matches!(sub2, "list" | "show" | "freeze" | "check" | "tree"))
                    || (name == "poetry" && matches!(sub, "show" | "check"))
            }
            "cargo" => matches!(
                sub,
                "tree"
                    | "metadata"
                    | "search"
                    | "version"
                    | "help"
                    | "locate-project"
                    | "pkgid"
                    | "verify-project"
                    | "read-manifest"
            ),
            "go" => {
                matches!(sub, "version" | "env" | "list" | "doc" | "help")
                    && !(sub == "env" && args.iter().any(|x| x.text == "-w" || x.text == "-u"))
            }
            "gem" | "bundle" => matches!(
                sub,
                "list" | "info" | "search" | "outdated" | "show" | "environment" | "specification"
            ),
            "apt" | "apt-get" | "apt-cache" => {
                matches!(
                    sub,
                    "list"
                        | "show"
                        | "search"
                        | "policy"
                        | "depends"
                        | "rdepends"
                        | "showpkg"
                        | "madison"
                ) || name == "apt-cache"
            }
            "dpkg" => args.iter().any(|x| {
                matches!(
                    x.text.as_str(),
                    "-l" | "--list"
                        | "-L"
                        | "--listfiles"
                        | "-s"
                        | "--status"
                        | "-S"
                        | "--search"
                        | "--print-architecture"
                )
            }),
            "brew" => matches!(
                sub,
                "list"
                    | "info"
                    | "search"
                    | "outdated"
                    | "deps"
                    | "uses"
                    | "leaves"
                    | "config"
                    | "doctor"
                    | "--prefix"
            ),
            "yum" | "dnf" | "zypper" => {
                matches!(sub, "list" | "info" | "search" | "repolist" | "provides")
            }
            "apk" => matches!(sub, "info" | "search" | "list"),
            "pacman" => args.iter().any(|x| {
                x.text.starts_with("-Q") || x.text.starts_with("-Ss") || x.text.starts_with("-Si")
            }),
            "conda" | "mamba" => {
                matches!(sub, "list" | "info" | "search") || (sub == "env" && sub2 == "list")
            }
            "rustup" => {
                matches!(sub, "show" | "which")
                    || (matches!(sub, "toolchain" | "target" | "component") && sub2 == "list")
            }
            "dotnet" => {
                matches!(sub, "--info" | "--list-sdks" | "--list-runtimes")
                    || args.iter().any(|x| {
                        matches!(
                            x.text.as_str(),
                            "--info" | "--list-sdks" | "--list-runtimes"
                        )
                    })
            }
            "snap" | "flatpak" => matches!(sub, "list" | "info" | "search"),
            "rpm" => {
                args.iter().any(|x| x.text.starts_with("-q"))
                    && !args.iter().any(|x| {
                        x.text.starts_with("-e")
                            || x.text.starts_with("-i")
                            || x.text.starts_with("-U")
                    })
            }
            _ => false,
        };
    let npm_secret = matches!(name, "npm" | "pnpm" | "yarn")
        && sub == "config"
        && !(matches!(sub2, "get")
            && positional
                .get(2)
                .is_some_and(|k| packages::npm_config_key_is_harmless(k)));
    let unknown = if read {
        packages::unknown_option(name, args)
    } else {
        None
    };
    if read && npm_secret {
        a.concern(
            Decision::Ask,
            Risk::High,
            "secret.npm-config",
            "npm configuration can hold registry auth tokens",
        );
    } else if let Some(opt) = unknown {
        a.ask(
            format!("program.{name}").as_str(),
            format!("option `{opt}` of `{name}` is not known to be harmless"),
        );
    } else if read {
        a.read_only(format!("program.{name}"), "queries packages");
    } else if matches!(
        sub,
        "publish" | "unpublish" | "yank" | "owner" | "deprecate" | "login" | "adduser" | "token"
    ) {
        a.deny(
            Risk::High,
            format!("program.{name}").as_str(),
            format!("`{name} {sub}` publishes or changes accounts"),
        );
    } else if matches!(
        sub,
        "uninstall" | "remove" | "rm" | "purge" | "autoremove" | "erase"
    ) {
        a.concern(
            Decision::Ask,
            Risk::High,
            format!("program.{name}"),
            format!("`{name} {sub}` removes packages"),
        );
    } else {
        a.concern(
            Decision::Ask,
            Risk::High,
            format!("program.{name}"),
            format!("`{name} {sub}` installs packages or runs their scripts"),
        );
    }
}

fn build_tool(args: &[Arg], name: &str, a: &mut Assessment) {
    if args.len() == 1 && matches!(args[0].text.as_str(), "--version" | "-v" | "-V" | "--help") {
        a.read_only(format!("program.{name}"), "prints version or help");
    } else {
        a.concern(
            Decision::Ask,
            Risk::Medium,
            format!("program.{name}"),
            "builds or runs project code",
        );
    }
}

/// `docker exec [opts] CONTAINER CMD…`, `docker compose exec [opts] SERVICE CMD…`,
/// `kubectl exec POD [opts] -- CMD…`: the command inside is judged like any other. Returns
/// false when the command line is not an exec.
fn container_exec(ctx: &mut Ctx, cmd: &Cmd, name: &str, a: &mut Assessment, depth: usize) -> bool {
    let args = &cmd.argv[1..];
    let mut i = 0;
    if args
        .first()
        .is_some_and(|x| x.text == "compose" || x.text == "container")
        && name != "kubectl"
    {
        i += 1;
    }
    if args.get(i).is_none_or(|x| x.text != "exec") {
        return false;
    }
    i += 1;
    let inner: Vec<Arg> = if name == "kubectl" || name == "oc" {
        match args.iter().position(|x| x.text == "--") {
            Some(p) => args[p + 1..].to_vec(),
            None => return false,
        }
    } else {
        let with_value = [
            "-u",
            "--user",
            "-e",
            "--env",
            "-w",
            "--workdir",
            "--env-file",
            "--detach-keys",
            "--index",
        ];
        while i < args.len() && args[i].text.starts_with('-') {
            if args[i].text == "--privileged" {
                a.deny(
                    Risk::High,
                    "program.container-privileged",
                    "runs privileged in a container",
                );
            }
            if with_value.contains(&args[i].text.as_str()) {
                i += 1;
            }
            i += 1;
        }
        args.get(i + 1..).map(<[Arg]>::to_vec).unwrap_or_default()
    };
    if inner.is_empty() {
        a.ask(
            "program.container-exec",
            "no command to run in the container",
        );
        return true;
    }
    let interactive = args
        .iter()
        .any(|x| matches!(x.text.as_str(), "-i" | "-it" | "-ti" | "--interactive"));
    let stdin = if interactive {
        cmd.stdin.clone()
    } else {
        Stdin::Inherit
    };
    judge_inner(ctx, &inner, stdin, Vec::new(), depth);
    a.read_only(
        format!("program.{name}-exec"),
        "runs the judged command inside a container",
    );
    true
}

fn container(args: &[Arg], name: &str, a: &mut Assessment) {
    let positional: Vec<&str> = args
        .iter()
        .map(|x| x.text.as_str())
        .filter(|t| !t.starts_with('-'))
        .collect();
    let sub = positional.first().copied().unwrap_or("");
    let sub2 = positional.get(1).copied().unwrap_or("");
    let read = matches!(
        sub,
        "ps" | "images"
            | "logs"
            | "inspect"
            | "version"
            | "info"
            | "top"
            | "stats"
            | "history"
            | "port"
            | "diff"
            | "search"
    ) || (matches!(
        sub,
        "container" | "image" | "volume" | "network" | "context" | "compose"
    ) && matches!(
        sub2,
        "ls" | "list" | "inspect" | "ps" | "logs" | "config" | "images"
    )) || (args.len() == 1 && args[0].text == "--version");
    if read {
        a.read_only(format!("program.{name}"), "shows container state");
    } else if matches!(sub, "rm" | "rmi" | "kill" | "prune")
        || matches!(sub2, "rm" | "prune" | "down" | "kill")
        || args.iter().any(|x| x.text == "--privileged")
    {
        a.deny(
            Risk::High,
            format!("program.{name}").as_str(),
            "removes containers, images or data, or runs privileged",
        );
    } else {
        a.concern(
            Decision::Ask,
            Risk::High,
            format!("program.{name}"),
            "runs or changes containers",
        );
    }
}

fn kubectl(args: &[Arg], name: &str, a: &mut Assessment) {
    let positional: Vec<&str> = args
        .iter()
        .map(|x| x.text.as_str())
        .filter(|t| !t.starts_with('-'))
        .collect();
    let sub = positional.first().copied().unwrap_or("");
    let sub2 = positional.get(1).copied().unwrap_or("");
    let read = matches!(
        sub,
        "get"
            | "describe"
            | "logs"
            | "version"
            | "explain"
            | "top"
            | "api-resources"
            | "api-versions"
            | "cluster-info"
            | "diff"
    ) || (sub == "config"
        && matches!(
            sub2,
            "view" | "get-contexts" | "current-context" | "get-clusters"
        ))
        || (sub == "auth" && sub2 == "can-i")
        || (sub == "rollout" && matches!(sub2, "status" | "history"));
    let unknown = packages::unknown_option(name, args);
    if let (true, Some(opt)) = (read, unknown) {
        a.concern(
            Decision::Ask,
            Risk::High,
            format!("program.{name}"),
            format!("option `{opt}` of `{name}` is not known to be harmless (a kubeconfig, token or server can run or redirect anything)"),
        );
    } else if read {
        a.read_only(format!("program.{name}"), "reads cluster state");
    } else if matches!(
        sub,
        "delete" | "drain" | "cordon" | "replace" | "patch" | "scale"
    ) {
        a.deny(
            Risk::High,
            format!("program.{name}").as_str(),
            format!("`{name} {sub}` changes the cluster"),
        );
    } else {
        a.concern(
            Decision::Ask,
            Risk::High,
            format!("program.{name}"),
            format!("`{name} {sub}` acts on the cluster"),
        );
    }
}

fn cloud(args: &[Arg], name: &str, a: &mut Assessment) {
    let positional: Vec<&str> = args
        .iter()
        .map(|x| x.text.as_str())
        .filter(|t| !t.starts_with('-'))
        .collect();
    let words = positional.join(" ");
    if args.len() == 1 && matches!(args[0].text.as_str(), "--version" | "version" | "-v") {
        a.read_only(format!("program.{name}"), "prints the version");
    } else if [
        "destroy",
        "delete",
        "remove",
        "rm ",
        "terminate",
        "uninstall",
        "apply",
        "deploy",
        "up",
    ]
    .iter()
    .any(|w| words.split(' ').any(|p| p == w.trim()))
    {
        a.deny(
            Risk::High,
            format!("program.{name}").as_str(),
            "changes or destroys infrastructure",
        );
    } else {
        a.concern(
            Decision::Ask,
            Risk::High,
            format!("program.{name}"),
            "acts on remote infrastructure",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs_resolve_by_base_name_and_distrust_odd_paths() {
        assert_eq!(resolve("/usr/bin/git"), ("git".to_string(), false));
        assert_eq!(resolve("./cat"), ("cat".to_string(), true));
        assert_eq!(resolve("rm"), ("rm".to_string(), false));
    }
}
