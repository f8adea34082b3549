//! awk (gawk 5, the `awk` of Debian here; mawk and busybox awk accept a subset): its
//! options, checked against `gawk --help` (`getopt_long`, options end at the program text),
//! and its program text. A program is allowed only when it runs no command (`system()`,
//! pipes `|`, `|&`), writes no file (`print > f`, `printf >> f`), reads no file by name
//! (`getline < f`), makes no indirect call (`@f()`, `@include`, `@load`) and reads no
//! environment (`ENVIRON`). Every `-e`/`--source` text is judged; `-f` program files are not
//! read, so they ask.

use super::getopt::{self, flag, optional, value, Effect, Opt, Spec, Syntax, GNU};
use super::table;
use crate::assess::Assessment;
use crate::decision::{Decision, Risk};
use crate::shell::{Arg, Cmd, Ctx};

const OPTS: [Opt; 35] = [
    value("f|file").does(Effect::RunsCode),
    value("F|field-separator"),
    value("v|assign"),
    flag("b|characters-as-bytes"),
    flag("c|traditional"),
    flag("C|copyright"),
    optional("d|dump-variables").does(Effect::Changes),
    optional("D|debug").does(Effect::RunsCode),
    value("e|source"),
    value("E|exec").does(Effect::RunsCode),
    flag("g|gen-pot"),
    flag("h|help"),
    value("i|include").does(Effect::RunsCode),
    flag("I|trace"),
    flag("k|csv"),
    value("l|load").does(Effect::RunsCode),
    optional("L|lint"),
    flag("M|bignum"),
    flag("N|use-lc-numeric"),
    flag("n|non-decimal-data"),
    optional("o|pretty-print").does(Effect::Changes),
    flag("O|optimize"),
    optional("p|profile").does(Effect::Changes),
    flag("P|posix"),
    flag("r|re-interval"),
    flag("s|no-optimize"),
    flag("S|sandbox"),
    flag("t|lint-old"),
    flag("V|version"),
    flag("traditional"),
    flag("copyleft"),
    flag("usage"),
    flag("characters-as-bytes"),
    flag("dump"),
    flag("nostalgia"),
];

/// gawk stops reading options at the program text.
const AWK: Syntax = Syntax {
    permute: false,
    ..GNU
};

/// Judge an awk command: options, then every program text.
pub(super) fn awk(ctx: &mut Ctx, cmd: &Cmd, name: &str, a: &mut Assessment) {
    let spec = Spec {
        program: name,
        syntax: AWK,
        opts: &OPTS,
    };
    let parsed = getopt::parse(&spec, cmd.argv.get(1..).unwrap_or_default());
    table::judge_options(ctx, a, "program.awk", name, &parsed);
    let mut programs: Vec<&Arg> = parsed.values("source").collect();
    if programs.is_empty() && !parsed.has("file") {
        match parsed.operands().next() {
            Some(p) => programs.push(p),
            None if parsed.has("version") || parsed.has("help") || parsed.has("copyright") => {}
            None => {
                a.ask("program.awk", "no awk program");
            }
        }
    }
    for p in programs {
        if let Err(why) = check_program(&p.text) {
            a.concern(Decision::Ask, Risk::High, "program.awk-exec", why);
        }
    }
    a.read_only("program.awk", "processes text");
}

/// Does an awk program only compute and print to standard output? `Err` says what it does
/// beyond that.
pub(super) fn check_program(prog: &str) -> Result<(), String> {
    if prog.contains("ENVIRON") {
        return Err("awk `ENVIRON` reads the environment, which holds credentials".into());
    }
    let code = strip_literals(prog);
    if code.contains('@') {
        return Err("awk `@` makes an indirect call or loads code".into());
    }
    if code.contains("system") {
        return Err("awk `system()` runs a command".into());
    }
    let chars: Vec<char> = code.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if *c == '|' {
            let double = chars.get(i + 1) == Some(&'|') || (i > 0 && chars[i - 1] == '|');
            if !double || chars.get(i + 1) == Some(&'&') {
                return Err("awk pipe `|` runs a command".into());
            }
        }
    }
    for word in ["print", "getline"] {
        let mut rest = code.as_str();
        while let Some(pos) = rest.find(word) {
            let after = &rest[pos..];
            let end = after.find([';', '}', '\n']).unwrap_or(after.len());
            let statement = &after[..end];
            if word == "print" && statement.contains('>') {
                return Err("awk `print >` writes a file".into());
            }
            if word == "getline" && statement.contains('<') {
                return Err("awk `getline <` reads a file named at run time".into());
            }
            rest = &after[word.len()..];
        }
    }
    Ok(())
}

/// Blank out string and regex literals (`"a|b"`, `/a|b/` are text, not pipes), keeping
/// their delimiters.
fn strip_literals(p: &str) -> String {
    let mut out = String::new();
    let mut in_str: Option<char> = None;
    let mut esc = false;
    let mut prev_sig = '(';
    for c in p.chars() {
        if let Some(q) = in_str {
            if esc {
                esc = false;
            } else if c == '\\' {
                esc = true;
            } else if c == q {
                in_str = None;
                out.push(q);
                prev_sig = q;
            }
            continue;
        }
        if c == '"' || (c == '/' && "(,~!&|{};\n".contains(prev_sig)) {
            in_str = Some(c);
        }
        out.push(c);
        if !c.is_whitespace() {
            prev_sig = c;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::check_program;

    #[test]
    fn computing_programs_are_known() {
        for p in [
            "{print $1}",
            "{s+=$3} END {print s}",
            "/a|b/ {n++} END {print n}",
            "{ if (a || b) print \"x|y\" }",
            "$3 > 100 {print $1}",
            "/ERROR|WARN/",
            "NR==1 || NR==5",
            "{ while ((getline line) > 0) n++ } END { print n }",
            "BEGIN{FS=\",\"} {print $2 \"|\" $3}",
        ] {
            assert!(check_program(p).is_ok(), "{p}: {:?}", check_program(p));
        }
    }

    #[test]
    fn commands_files_indirect_calls_and_environment_are_not() {
        for p in [
            "BEGIN{system(\"id\")}",
            "BEGIN{x=\"system\"; @x(\"id\")}",
            "BEGIN{f=\"sys\" \"tem\"; @f(\"id\")}",
            "{print > \"/tmp/x\"}",
            "END{printf \"x\" >> \"notes.txt\"}",
            "BEGIN{print \"id\" | \"sh\"}",
            "BEGIN{\"id\" | getline x; print x}",
            "BEGIN{while((getline l < \"/home/dev/.pgpass\")>0) print l}",
            "BEGIN{RS=\"^$\"; getline s < ENVIRON[\"HOME\"] \"/.pgpass\"; print s}",
            "BEGIN{print ENVIRON[\"TOKEN\"]}",
            "@include \"x.awk\"",
            "BEGIN{print |& \"cat\"}",
        ] {
            assert!(check_program(p).is_err(), "{p}");
        }
    }
}
